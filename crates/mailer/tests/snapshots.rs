//! Rendered mails compared with the files in `tests/snapshots/`, volatile parts (Date,
//! MIME boundaries, DTSTAMP) redacted. `UPDATE_SNAPSHOTS=1 cargo test -p leerweek-mailer`
//! rewrites them after a deliberate change; review the diff.

use chrono::{TimeZone, Utc};
use leerweek_domain::people::Person;
use leerweek_domain::{Language, MailKind, MailStatus};
use leerweek_mailer::links::Links;
use leerweek_mailer::render::Renderer;
use leerweek_mailer::{MailerConfig, compose, context};
use leerweek_store::links::{LinkAction, LinkSigner, SignedLink};
use leerweek_store::outbox::{DueMail, Mail};
use std::path::PathBuf;
use uuid::Uuid;

/// The klus the Klussenbank's mails are about: Gemeente Enkhuizen asks for help with the
/// Omgevingswet; Eva de Vries of Nuenen responds.
fn klus() -> serde_json::Value {
    serde_json::json!({
        "id": Uuid::from_u128(20), "title": "Projectondersteuning Omgevingswet",
        "organisation_name": "Gemeente Enkhuizen", "unit_name": "Team Ruimte & Omgeving", "hours_per_week": 8,
        "starts_on": "2027-01-04", "ends_on": "2027-04-30", "place": "hybrid", "location": "Stadhuis Enkhuizen",
        "contact_name": "Anna de Vries", "contact_email": "anna.de.vries@enkhuizen.example"
    })
}

/// The `extra` the store queues with a mail about a klus, and to whom it goes (name, e-mail):
/// the contact person Anna de Vries, the candidate Eva de Vries, or Eva's manager Peter Jansen.
fn klus_mail(kind: &str) -> Option<(serde_json::Value, &'static str, &'static str)> {
    let due_at = Utc.with_ymd_and_hms(2026, 11, 9, 16, 0, 0).unwrap();
    let (anna, eva, peter) = (
        ("Anna de Vries", "anna.de.vries@enkhuizen.example"),
        ("Eva de Vries", "eva.de.vries@nuenen.example"),
        ("Peter Jansen", "peter.jansen@nuenen.example"),
    );
    let (extra, (name, email)) = match kind {
        "assignment_withdrawn" => (
            serde_json::json!({"person_name": "Eva de Vries", "person_organisation": "Gemeente Nuenen",
                "for_poster": true, "was_selected": true}),
            anna,
        ),
        "assignment_response" => {
            (serde_json::json!({"person_name": "Eva de Vries", "person_organisation": "Gemeente Nuenen"}), anna)
        }
        "assignment_invited" => (
            serde_json::json!({"message": "Leuk dat je reageert! Zullen we volgende week een half uur bellen?\nIk ben er maandag en dinsdag."}),
            eva,
        ),
        "assignment_declined" => (
            serde_json::json!({"message": "We hebben gekozen voor iemand met meer ervaring in vergunningverlening. Reageer vooral weer!"}),
            eva,
        ),
        "assignment_selected" => (serde_json::json!({"due_at": due_at}), eva),
        "consent_request" => (
            serde_json::json!({"selection_id": Uuid::from_u128(30), "person_name": "Eva de Vries", "due_at": due_at}),
            peter,
        ),
        "assignment_consented" => (serde_json::json!({"person_name": "Eva de Vries", "for_poster": false}), eva),
        "assignment_not_consented" => (
            serde_json::json!({"person_name": "Eva de Vries", "for_poster": false, "lapsed": false,
                "reason": "Ons team heeft tot april de handen vol aan de jaarafsluiting."}),
            eva,
        ),
        "assignment_done" => (serde_json::json!({"selection_id": Uuid::from_u128(30)}), eva),
        "assignment_digest" => (
            serde_json::json!({"assignments": [
                {"id": Uuid::from_u128(20), "title": "Projectondersteuning Omgevingswet",
                 "organisation_name": "Gemeente Enkhuizen", "hours_per_week": 8, "closes_on": "2026-11-20",
                 "place": "hybrid", "percent": 75},
                {"id": Uuid::from_u128(21), "title": "Data & dashboards sociaal domein",
                 "organisation_name": "Gemeente Nuenen", "hours_per_week": 4, "closes_on": "2026-11-27",
                 "place": "remote", "percent": null},
            ]}),
            eva,
        ),
        _ => return None,
    };
    let mut extra = extra;
    if kind != "assignment_digest" {
        extra["assignment"] = klus();
    }
    extra["time_zone"] = "Europe/Amsterdam".into();
    Some((extra, name, email))
}

fn due(kind: &str, language: &str, calendar: Option<(&str, u32)>) -> DueMail {
    if let Some((extra, name, email)) = klus_mail(kind) {
        let mut m = due("test_mail", language, None);
        m.row.kind = MailKind::parse(kind).expect("a kind of mail");
        m.row.payload = serde_json::json!({"session": null, "extra": extra}).to_string();
        (m.row.session_id, m.row.enrolment_id) = (None, None);
        (m.person.name, m.person.email) = (name.into(), email.into());
        return m;
    }
    let starts = Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap();
    let mut payload = serde_json::json!({
        "session": {
            "id": Uuid::from_u128(7), "title": "Grip op stress", "description": "Omgaan met werkdruk & stress.",
            "starts_at": starts, "ends_at": starts + chrono::Duration::hours(2), "venue": "Stadhuis Enkhuizen",
            "room": "Raadzaal", "address": "Westerstraat 111, Enkhuizen", "online_url": null,
            "time_zone": "Europe/Amsterdam", "event_name": "Meester in je Werk-week",
            "cancel_before": starts - chrono::Duration::hours(24), "status": "scheduled"
        },
        "extra": {"waitlist_position": 3, "by_organiser": false, "subject": "Ander lokaal", "sender": "Gijs Yılmaz",
            "body": "We zitten in zaal 2.\nNeem je laptop mee.", "link": "https://leerweek.example.nl/feedback/abc",
            "check_in_code": "K7Q3-M9XP-2A4B", "event_name": "Meester in je Werk-week", "results": [],
            "closes_at": starts - chrono::Duration::days(10), "time_zone": "Europe/Amsterdam", "max_preferences": 5,
            "person_name": "Bram \"B.\" de Wit <bram@x>", "due_at": starts - chrono::Duration::days(3), "lapsed": false}
    });
    // What an allocation gave: a seat (with its invite), a waiting place, and a choice that
    // overlapped the seat.
    let session = payload["session"].clone();
    let mut later = session.clone();
    later["id"] = serde_json::json!(Uuid::from_u128(8));
    later["title"] = serde_json::json!("Tekenen <voor iedereen>");
    later["starts_at"] = serde_json::json!(starts + chrono::Duration::days(1));
    later["ends_at"] = serde_json::json!(starts + chrono::Duration::days(1) + chrono::Duration::hours(3));
    later["cancel_before"] = serde_json::json!(starts + chrono::Duration::days(1) - chrono::Duration::hours(24));
    payload["extra"]["results"] = serde_json::json!([
        {"rank": 1, "placed": "seat", "enrolment_id": Uuid::from_u128(10), "session": session, "check_in_code": "K7Q3-M9XP-2A4B",
         "calendar": {"method": "REQUEST", "sequence": 0}},
        {"rank": 2, "placed": "waiting", "enrolment_id": Uuid::from_u128(11), "position": 4, "session": later},
        {"rank": 3, "placed": "none", "reason": "overlap", "session": session},
    ]);
    if let Some((method, sequence)) = calendar {
        payload["calendar"] = serde_json::json!({"method": method, "sequence": sequence});
    }
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    DueMail {
        row: Mail {
            id: Uuid::from_u128(42),
            kind: MailKind::parse(kind).expect("a kind of mail"),
            person_id: Uuid::from_u128(1),
            session_id: Some(Uuid::from_u128(7)),
            enrolment_id: Some(Uuid::from_u128(9)),
            payload: payload.to_string(),
            status: MailStatus::Pending,
            attempts: 1,
            next_attempt_at: now,
            created_at: now,
            sent_at: None,
            last_error: None,
            first_failed_at: None,
        },
        person: Person {
            id: Uuid::from_u128(1),
            email: "anna.de.vries@enkhuizen.example".into(),
            name: "Anna de Vries".into(),
            organisation_id: Uuid::from_u128(2),
            org_unit_id: None,
            manager_id: None,
            language: Language::parse(language).expect("a language"),
            created_at: now,
            left_at: None,
        },
        session: None,
        workshop: None,
    }
}

/// The key the snapshots' links are signed with.
fn signer() -> LinkSigner {
    LinkSigner::with_key(b"the key of the mail snapshots")
}

/// The template context of `m` with its links, as the worker writes it on 2 November 2026.
fn context_of(m: &DueMail) -> serde_json::Value {
    let signer = signer();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let links = Links { base_url: "https://leerweek.example.nl/", signer: &signer, now };
    context(m, Some(&links)).0
}

fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("no snapshot {}: run UPDATE_SNAPSHOTS=1 cargo test -p leerweek-mailer", path.display())
    });
    assert!(expected == actual, "snapshot {name} differs.\n--- expected\n{expected}\n--- actual\n{actual}");
}

#[test]
fn every_mail_renders_as_its_snapshot_in_dutch_and_english() {
    let r = Renderer::new();
    for kind in Renderer::kinds() {
        for lang in ["nl", "en"] {
            let ctx = context_of(&due(kind, lang, None));
            let m = r.render(kind, &ctx).unwrap();
            check(&format!("{kind}.{lang}.txt"), &format!("Subject: {}\n\n{}\n-----\n{}", m.subject, m.text, m.html));
        }
    }
}

#[test]
fn a_sign_in_mail_of_an_organisation_without_mail_links_points_to_its_own_sign_in() {
    let r = Renderer::new();
    for lang in ["nl", "en"] {
        let mut mail = due("sign_in_link", lang, None);
        mail.row.payload =
            serde_json::json!({"extra": {"link": "https://leerweek.example.nl/aanmelden/sso/7", "via_sso": true}})
                .to_string();
        let ctx = context_of(&mail);
        let m = r.render("sign_in_link", &ctx).unwrap();
        assert!(!m.text.contains("15"), "no 15-minute link in the single sign-on variant");
        check(
            &format!("sign_in_link_sso.{lang}.txt"),
            &format!("Subject: {}\n\n{}\n-----\n{}", m.subject, m.text, m.html),
        );
    }
}

#[test]
fn an_organisers_cancellation_tells_the_reason_escaped_in_html() {
    let r = Renderer::new();
    for lang in ["nl", "en"] {
        let mut m = due("enrolment_cancelled", lang, Some(("CANCEL", 1)));
        let mut payload: serde_json::Value = serde_json::from_str(&m.row.payload).unwrap();
        payload["extra"] =
            serde_json::json!({"by_organiser": true, "reason": "De trainer is ziek <b>& er is geen vervanger</b>"});
        m.row.payload = payload.to_string();
        let ctx = context_of(&m);
        let out = r.render("enrolment_cancelled", &ctx).unwrap();
        check(
            &format!("enrolment_cancelled.reason.{lang}.txt"),
            &format!("Subject: {}\n\n{}\n-----\n{}", out.subject, out.text, out.html),
        );
        assert!(out.html.contains("&lt;b&gt;&amp; er is geen vervanger&lt;&#x2f;b&gt;"), "{}", out.html);
        assert!(!out.html.contains("<b>&"), "{}", out.html);
    }
}

fn redact(raw: &str) -> String {
    let mut boundaries: Vec<String> =
        raw.lines().filter_map(|l| l.split("boundary=\"").nth(1).map(|b| b.trim_end_matches('"').to_owned())).collect();
    boundaries.sort_by_key(|b| std::cmp::Reverse(b.len()));
    let mut out = String::new();
    let mut in_alarm = false;
    // The QR image's bytes depend on which deflate backend the build links (features unify
    // differently per build); its presence and type are checked, its base64 is redacted.
    let mut png = 0; // 1: in the image part's headers, 2: in its body
    for line in raw.lines() {
        if line == "Content-Type: image/png" {
            png = 1;
        } else if png == 1 && line.is_empty() {
            png = 2;
            out.push_str("\n[png redacted]\n");
            continue;
        } else if png == 2 {
            if !line.starts_with("--") {
                continue;
            }
            png = 0;
        }
        in_alarm = (in_alarm || line == "BEGIN:VALARM") && line != "END:VALARM";
        let line = if line.starts_with("Date: ") {
            "Date: [redacted]".to_owned()
        } else if line.starts_with("DTSTAMP:") {
            "DTSTAMP:[redacted]".to_owned()
        } else if line.starts_with("UID:") && in_alarm {
            // The alarm's own UID is random; the appointment's UID is ours and stays.
            "UID:[redacted]".to_owned()
        } else {
            line.to_owned()
        };
        out.push_str(&line);
        out.push('\n');
    }
    for (i, b) in boundaries.iter().enumerate() {
        out = out.replace(b.as_str(), &format!("[boundary-{i}]"));
    }
    out
}

#[test]
fn a_confirmation_with_its_invite_is_the_snapshot_as_a_whole_message() {
    let cfg = MailerConfig::default();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let out = compose(&Renderer::new(), &cfg, &signer(), &due("enrolment_confirmed", "nl", Some(("REQUEST", 0))), now)
        .unwrap();
    assert_eq!(out.message_id, format!("<{}@leerweek.localhost>", Uuid::from_u128(42)));
    let raw = String::from_utf8(out.message.formatted()).unwrap();
    check("enrolment_confirmed.message.eml", &redact(&raw));
}

#[test]
fn an_allocation_result_carries_an_invite_for_each_seat_as_a_file_of_its_own() {
    let cfg = MailerConfig::default();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let mut mail = due("allocation_result", "nl", None);
    mail.row.session_id = None;
    mail.row.enrolment_id = None;
    let out = compose(&Renderer::new(), &cfg, &signer(), &mail, now).unwrap();
    let raw = String::from_utf8(out.message.formatted()).unwrap();
    assert!(raw.contains("multipart/mixed") && raw.matches("BEGIN:VEVENT").count() == 1, "{raw}");
    assert!(raw.contains("filename=\"leerweek-1.ics\""), "{raw}");
    check("allocation_result.message.eml", &redact(&raw));
    // Other mails never carry an allocation's invites, whatever their payload holds.
    let other = compose(&Renderer::new(), &cfg, &signer(), &due("enrolment_waitlisted", "nl", None), now).unwrap();
    assert!(!String::from_utf8(other.message.formatted()).unwrap().contains("BEGIN:VCALENDAR"));
}

#[test]
fn approval_mails_say_declined_with_the_reason_lapsed_or_approved_and_a_pending_invite_is_tentative() {
    let r = Renderer::new();
    for lang in ["nl", "en"] {
        for (name, kind, extra) in [
            (
                "approval_declined.reason",
                "approval_declined",
                serde_json::json!({"reason": "Drukke week <b>&</b>", "lapsed": false}),
            ),
            ("approval_declined.lapsed", "approval_declined", serde_json::json!({"lapsed": true})),
            (
                "enrolment_confirmed.approved",
                "enrolment_confirmed",
                serde_json::json!({"approved": true, "check_in_code": "K7Q3-M9XP-2A4B"}),
            ),
        ] {
            let mut m = due(kind, lang, None);
            let mut payload: serde_json::Value = serde_json::from_str(&m.row.payload).unwrap();
            payload["extra"] = extra;
            m.row.payload = payload.to_string();
            let out = r.render(kind, &context_of(&m)).unwrap();
            check(
                &format!("{name}.{lang}.txt"),
                &format!("Subject: {}\n\n{}\n-----\n{}", out.subject, out.text, out.html),
            );
        }
    }
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let out = compose(
        &Renderer::new(),
        &MailerConfig::default(),
        &signer(),
        &due("enrolment_pending", "nl", Some(("REQUEST", 0))),
        now,
    )
    .unwrap();
    let raw = String::from_utf8(out.message.formatted()).unwrap();
    assert!(raw.contains("STATUS:TENTATIVE") && raw.contains("PARTSTAT=3DTENTATIVE"), "{raw}");
    check("enrolment_pending.message.eml", &redact(&raw));
}

#[test]
fn an_allocation_mail_that_names_its_zone_and_deadline_once_reads_as_one_with_them_per_session() {
    let r = Renderer::new();
    for lang in ["nl", "en"] {
        let full = due("allocation_result", lang, None);
        let mut slim = full.clone();
        let mut payload: serde_json::Value = serde_json::from_str(&slim.row.payload).unwrap();
        payload["extra"]["time_zone"] = "Europe/Amsterdam".into();
        payload["extra"]["cancellation_deadline_hours"] = 24.into();
        for result in payload["extra"]["results"].as_array_mut().unwrap() {
            let s = result["session"].as_object_mut().unwrap();
            s.remove("time_zone");
            s.remove("cancel_before");
            s.retain(|_, v| !v.is_null());
        }
        slim.row.payload = payload.to_string();
        assert_eq!(
            r.render("allocation_result", &context_of(&slim)).unwrap(),
            r.render("allocation_result", &context_of(&full)).unwrap()
        );
    }
}

#[test]
fn klus_mails_to_the_poster_and_about_a_lapsed_consent_read_as_their_snapshots() {
    let r = Renderer::new();
    for lang in ["nl", "en"] {
        for (name, kind, for_poster, lapsed) in [
            ("assignment_consented.poster", "assignment_consented", true, false),
            ("assignment_not_consented.poster", "assignment_not_consented", true, false),
            ("assignment_not_consented.lapsed", "assignment_not_consented", false, true),
            ("assignment_not_consented.lapsed.poster", "assignment_not_consented", true, true),
        ] {
            let mut m = due(kind, lang, None);
            let mut payload: serde_json::Value = serde_json::from_str(&m.row.payload).unwrap();
            payload["extra"]["for_poster"] = for_poster.into();
            payload["extra"]["lapsed"] = lapsed.into();
            if lapsed {
                payload["extra"]["reason"] = serde_json::Value::Null;
            }
            if for_poster {
                (m.person.name, m.person.email) = ("Anna de Vries".into(), "anna.de.vries@enkhuizen.example".into());
            }
            m.row.payload = payload.to_string();
            let ctx = context_of(&m);
            assert_eq!(ctx["responses_link"].is_string(), for_poster, "{name}: the responses page is the poster's");
            let out = r.render(kind, &ctx).unwrap();
            check(
                &format!("{name}.{lang}.txt"),
                &format!("Subject: {}\n\n{}\n-----\n{}", out.subject, out.text, out.html),
            );
        }
    }
}

#[test]
fn a_consent_request_carries_signed_links_for_the_selection_and_the_manager_and_a_message_is_escaped() {
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let m = due("consent_request", "nl", None);
    let ctx = context_of(&m);
    let (selection, manager) = (Uuid::from_u128(30), m.row.person_id);
    let due_at = Utc.with_ymd_and_hms(2026, 11, 9, 16, 0, 0).unwrap();
    for (key, action) in
        [("consent_approve_link", LinkAction::ConsentApprove), ("consent_decline_link", LinkAction::ConsentDecline)]
    {
        let link = ctx[key].as_str().unwrap_or_else(|| panic!("{key} in {ctx}"));
        assert!(link.starts_with("https://leerweek.example.nl/instemmen?t="), "{link}");
        let token = Links::token_of(link).unwrap();
        assert_eq!(
            signer().check(token, now),
            Ok(SignedLink { action, subject: selection, expires_at: due_at, by: Some(manager) })
        );
    }
    assert_eq!(ctx["consents_link"], "https://leerweek.example.nl/goedkeuren");
    assert!(ctx.get("my_week_link").is_none(), "the manager's mail has no week of their own");
    let out = Renderer::new().render("consent_request", &ctx).unwrap();
    assert!(out.text.contains(ctx["consent_approve_link"].as_str().unwrap()) && out.text.contains("vijf werkdagen"));

    // Once the five working days passed the links are left out; the page with everything waiting stays.
    let signer = signer();
    let later = Links { base_url: "https://leerweek.example.nl", signer: &signer, now: due_at };
    let ctx = context(&m, Some(&later)).0;
    assert!(ctx.get("consent_approve_link").is_none() && ctx.get("consent_decline_link").is_none(), "{ctx}");
    assert!(ctx["consents_link"].is_string());

    for lang in ["nl", "en"] {
        let mut m = due("assignment_invited", lang, None);
        let mut payload: serde_json::Value = serde_json::from_str(&m.row.payload).unwrap();
        payload["extra"]["message"] = "Welkom! <script>alert(1)</script> & tot snel".into();
        m.row.payload = payload.to_string();
        let out = Renderer::new().render("assignment_invited", &context_of(&m)).unwrap();
        assert!(!out.html.contains("<script>"), "{}", out.html);
        assert!(out.html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; tot snel"), "{}", out.html);
        assert!(
            out.text.contains("Welkom! <script>alert(1)</script> & tot snel"),
            "the text part is plain: {}",
            out.text
        );
    }
}

#[test]
fn klus_mails_whose_payload_leaves_facts_out_still_read_well_and_compose() {
    let r = Renderer::new();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    for kind in Renderer::kinds().filter(|k| klus_mail(k).is_some()) {
        for extra in
            [serde_json::json!({}), serde_json::json!({"assignment": null, "assignments": null, "message": null})]
        {
            for lang in ["nl", "en"] {
                let mut m = due(kind, lang, None);
                m.row.payload = serde_json::json!({"session": null, "extra": extra}).to_string();
                let out = r.render(kind, &context_of(&m)).unwrap_or_else(|e| panic!("{kind}/{lang}: {e}"));
                for part in [&out.subject, &out.text, &out.html] {
                    assert!(!part.contains("none") || part.contains("border:none"), "{kind}/{lang}: {part}");
                    assert!(
                        !part.contains("null") && !part.contains(": .") && !part.contains(" ,"),
                        "{kind}/{lang}: {part}"
                    );
                }
                assert!(!out.subject.ends_with(':'), "{kind}/{lang}: {}", out.subject);
                assert!(out.html.contains("Klussenbank"), "{kind}/{lang}: the footer names the Klussenbank");
            }
        }
        compose(&r, &MailerConfig::default(), &signer(), &due(kind, "nl", None), now)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
}
