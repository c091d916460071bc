//! The Klussenbank (issue 27): a klus posted in Enkhuizen, found and responded to from Nuenen,
//! ranked by fit, selected, consented to by the candidate's manager (from the mail's link),
//! done and in the portfolio; consent declined, lapsed and withdrawn; who sees what.

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use crate::smtp::{SmtpSink, deliver, link_after};
use chrono::{Duration, Utc};
use leerweek_domain::assignment::working_days;
use leerweek_store::assignments::{consent::lapse_due, done::forget_ended, matching::send_digests};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    a_klus_goes_from_posting_through_consent_from_the_mail_to_the_portfolio,
    a_refused_lapsed_or_withdrawn_consent_is_reported_and_the_poster_may_choose_again,
    only_the_right_people_see_klussen_responses_selections_and_suggestions,
    figures_saved_searches_erasure_and_bad_input,
);

/// The people of a Klussenbank between Enkhuizen (posting) and Nuenen (responding).
pub(crate) struct World {
    pub enkhuizen: Uuid,
    pub nuenen: Uuid,
    /// Organiser in Enkhuizen who posts.
    pub petra: Person,
    /// Employee in Nuenen, managed by Mila.
    pub eva: Person,
    /// Employee in Nuenen without a manager.
    pub bart: Person,
    /// Manager in Nuenen.
    pub mila: Person,
    /// Organiser in Nuenen.
    pub nico: Person,
    /// Skills: Omgevingswet, projectmatig werken, communicatie.
    pub skills: [Uuid; 3],
}

pub(crate) async fn named(app: &TestApp, org: Uuid, email: &str, name: &str, manager: Option<Uuid>) -> Person {
    let body = json!({"email": email, "name": name, "organisation_id": org, "manager_id": manager});
    let (st, b) = app.post(&app.admin, "/api/v1/people", body).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    Person { id: id(&b), token: app.token(id(&b)).await }
}

pub(crate) async fn role(app: &TestApp, p: &Person, role: &str) {
    let (st, b) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", p.id), json!({"role": role})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
}

pub(crate) async fn world(app: &TestApp) -> World {
    let enkhuizen = app.org("Gemeente Enkhuizen").await;
    let nuenen = app.org("Gemeente Nuenen").await;
    let petra = named(app, enkhuizen, "petra@enkhuizen.test", "Petra Plaatser", None).await;
    role(app, &petra, "organiser").await;
    let mila = named(app, nuenen, "mila@nuenen.test", "Mila Manager", None).await;
    role(app, &mila, "manager").await;
    let nico = named(app, nuenen, "nico@nuenen.test", "Nico Organisator", None).await;
    role(app, &nico, "organiser").await;
    let eva = named(app, nuenen, "eva@nuenen.test", "Eva de Vries", Some(mila.id)).await;
    let bart = named(app, nuenen, "bart@nuenen.test", "Bart Bos", None).await;
    let mut skills = [Uuid::nil(); 3];
    for (i, name) in ["Omgevingswet", "Projectmatig werken", "Communicatie"].iter().enumerate() {
        let (st, s) = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": name})).await;
        assert_eq!(st, StatusCode::CREATED, "{s}");
        skills[i] = id(&s);
    }
    World { enkhuizen, nuenen, petra, eva, bart, mila, nico, skills }
}

pub(crate) fn klus(w: &World, extra: Value) -> Value {
    let today = Utc::now().date_naive();
    let mut body = json!({
        "title": "Projectondersteuning Omgevingswet",
        "description": "Help het team Vergunningen met de Omgevingswet.",
        "organisation_id": w.enkhuizen,
        "hours_per_week": 8,
        "starts_on": today + Duration::days(30),
        "ends_on": today + Duration::days(120),
        "place": "hybrid",
        "location": "Stadhuis Enkhuizen",
        "skills": [
            {"skill_id": w.skills[0], "required": true},
            {"skill_id": w.skills[1], "required": true},
            {"skill_id": w.skills[2], "required": false},
        ],
        "places": 1,
        "reach": "all",
        "closes_on": today + Duration::days(14),
        "state": "open",
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    body
}

pub(crate) async fn post(app: &TestApp, who: &Person, body: Value) -> Uuid {
    let (st, k) = app.post(&who.token, "/api/v1/assignments", body).await;
    assert_eq!(st, StatusCode::CREATED, "{k}");
    id(&k)
}

pub(crate) async fn respond(app: &TestApp, who: &Person, klus: Uuid, skills: Value) -> Uuid {
    let body = json!({"motivation": "Ik ken de Omgevingswet van mijn werk bij Nuenen.", "skills": skills});
    let (st, r) = app.post(&who.token, &format!("/api/v1/assignments/{klus}/responses"), body).await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    id(&r)
}

/// The kinds of mail queued for a person, oldest first.
async fn mails(app: &TestApp, to: Uuid) -> Vec<String> {
    let sql = "SELECT kind FROM outbox WHERE person_id = $1 ORDER BY created_at, id";
    app.sql().await.all::<String>(sql, [to.into()]).await
}

async fn a_klus_goes_from_posting_through_consent_from_the_mail_to_the_portfolio(app: &TestApp) {
    let sink = SmtpSink::start();
    let w = world(app).await;
    let k = post(app, &w.petra, klus(&w, json!({}))).await;
    let path = format!("/api/v1/assignments/{k}");

    // Eva has the Omgevingswet and wants to grow in projectmatig werken: she sees the klus with
    // her fit explained.
    let (st, _) =
        app.put(&w.eva.token, "/api/v1/me/skills", json!({"have": [w.skills[0]], "want": [w.skills[1]]})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, list) = app.get(&w.eva.token, "/api/v1/assignments").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    let item = &list["items"][0];
    assert_eq!(item["title"], "Projectondersteuning Omgevingswet");
    // Required had 4 + required wanted 1 of 4 + 4 + 2 = 50 %.
    assert_eq!(item["fit"]["percent"], 50, "{item}");
    let standings: Vec<&str> =
        item["fit"]["parts"].as_array().unwrap().iter().map(|p| p["standing"].as_str().unwrap()).collect();
    assert_eq!(standings, ["has", "wants", "missing"]);
    let (_, one) = app.get(&w.eva.token, &path).await;
    assert_eq!((one["may_respond"].as_bool(), one["may_manage"].as_bool()), (Some(true), Some(false)), "{one}");
    assert_eq!(one["responses"], Value::Null, "only managers count responses");

    // She responds, bringing communicatie; Bart responds without skills.
    let eva_r = respond(app, &w.eva, k, json!([w.skills[2]])).await;
    let body = json!({"motivation": "Nog een keer"});
    let (st, b) = app.post(&w.eva.token, &format!("{path}/responses"), body).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/assignment-already-responded")), "{b}");
    let bart_r = respond(app, &w.bart, k, json!([])).await;

    // The poster sees them ranked by fit, with the parts and the skills brought.
    let (st, ranked) = app.get(&w.petra.token, &format!("{path}/responses")).await;
    assert_eq!(st, StatusCode::OK, "{ranked}");
    let ranked = ranked.as_array().unwrap();
    assert_eq!((ranked[0]["id"].as_str(), ranked[0]["rank"].as_u64()), (Some(eva_r.to_string().as_str()), Some(1)));
    assert_eq!(ranked[0]["fit"]["percent"], 70, "4 + 1 + 2 brought of 10: {}", ranked[0]);
    assert_eq!(ranked[0]["skills"][0]["name"], "Communicatie");
    assert_eq!(ranked[0]["person"]["organisation_name"], "Gemeente Nuenen");
    assert_eq!(
        (ranked[1]["id"].as_str(), ranked[1]["fit"]["percent"].as_u64()),
        (Some(bart_r.to_string().as_str()), Some(0))
    );

    // Invite Bart for a talk, select Eva; the one place is then asked for.
    let (st, b) = app
        .post(&w.petra.token, &format!("/api/v1/assignment-responses/{bart_r}/invite"), json!({"message": "Koffie?"}))
        .await;
    assert_eq!((st, b["state"].as_str()), (StatusCode::OK, Some("invited")), "{b}");
    let (st, b) = app.post(&w.petra.token, &format!("/api/v1/assignment-responses/{eva_r}/select"), json!({})).await;
    assert_eq!(
        (st, b["state"].as_str(), b["selection"]["state"].as_str()),
        (StatusCode::OK, Some("selected"), Some("pending")),
        "{b}"
    );
    let selection = b["selection"]["id"].as_str().unwrap().parse::<Uuid>().unwrap();
    let due: chrono::DateTime<Utc> = b["selection"]["due_at"].as_str().unwrap().parse().unwrap();
    let expected = working_days::after(Utc::now(), 5, chrono_tz::Europe::Amsterdam);
    assert!((due - expected).num_minutes().abs() <= 1, "five working days: {due} vs {expected}");
    let (st, b) = app.post(&w.petra.token, &format!("/api/v1/assignment-responses/{bart_r}/select"), json!({})).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/assignment-no-place-left")), "{b}");

    // Her manager has it waiting; from the mail's link she consents.
    let (st, waiting) = app.get(&w.mila.token, "/api/v1/me/consents").await;
    assert_eq!(st, StatusCode::OK, "{waiting}");
    assert_eq!(waiting.as_array().map(Vec::len), Some(1), "{waiting}");
    assert_eq!(
        (waiting[0]["person"]["name"].as_str(), waiting[0]["may_decide"].as_bool()),
        (Some("Eva de Vries"), Some(true))
    );
    deliver(app, &sink).await;
    let got = sink.received();
    let mila_mail = got.iter().find(|m| m.to.contains("mila")).expect("Mila's consent request");
    let text = mila_mail.text.as_deref().unwrap_or_default();
    let consent_link = link_after(text, "Instemmen").expect("a consent link");
    assert!(consent_link.starts_with(&format!("{}/instemmen?t=", app.base)), "{consent_link}");
    let res = app.client.get(&consent_link).send().await.unwrap();
    let (st, html) = (res.status(), res.text().await.unwrap());
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("Eva de Vries") && html.contains("Projectondersteuning Omgevingswet"), "{html}");
    let token = consent_link.split("?t=").nth(1).unwrap();
    let res = app
        .client
        .post(app.url("/instemmen"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("t={token}"))
        .send()
        .await
        .unwrap();
    let (st, html) = (res.status(), res.text().await.unwrap());
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("Ingestemd"), "{html}");
    let (_, s) = app.get(&w.eva.token, &format!("/api/v1/assignment-selections/{selection}")).await;
    assert_eq!(s["state"], "approved", "{s}");
    // The link acts once.
    let res = app.client.get(&consent_link).send().await.unwrap();
    assert!(res.text().await.unwrap().contains("al ingestemd"));

    // The one place is consented to: filled.
    let (_, one) = app.get(&w.petra.token, &path).await;
    assert_eq!(
        (one["state"].as_str(), one["taken"].as_u64(), one["responses"].as_u64()),
        (Some("filled"), Some(1), Some(2)),
        "{one}"
    );

    // Done: in Eva's portfolio with period, hours and skills; she reflects and shares.
    let (st, b) = app.patch(&w.petra.token, &path, json!({"state": "done"})).await;
    assert_eq!((st, b["state"].as_str()), (StatusCode::OK, Some("done")), "{b}");
    let (_, p) = app.get(&w.eva.token, "/api/v1/me/portfolio").await;
    let mine = &p["assignments"][0];
    assert_eq!(
        (mine["title"].as_str(), mine["hours_per_week"].as_u64()),
        (Some("Projectondersteuning Omgevingswet"), Some(8)),
        "{p}"
    );
    assert_eq!(mine["skills"].as_array().map(Vec::len), Some(3));
    assert_eq!(mine["total_hours"], 8 * 13, "91 days are 13 weeks: {mine}");
    let reflection = format!("/api/v1/assignment-selections/{selection}/reflection");
    let body =
        json!({"learned": "Vergunningen lezen.", "will_do": "Ik deel het in mijn team.", "shared_with_manager": false});
    let (st, b) = app.put(&w.eva.token, &reflection, body).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, _) = app.put(&w.bart.token, &reflection, json!({"learned": "x"})).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "not Bart's");
    let report = format!("/api/v1/people/{}/portfolio", w.eva.id);
    let (_, seen) = app.get(&w.mila.token, &report).await;
    assert_eq!(
        (seen["assignments"][0]["title"].as_str(), &seen["assignments"][0]["reflection"]),
        (Some("Projectondersteuning Omgevingswet"), &Value::Null),
        "{seen}"
    );
    let body = json!({"learned": "Vergunningen lezen.", "will_do": "", "shared_with_manager": true});
    let (st, _) = app.put(&w.eva.token, &reflection, body).await;
    assert_eq!(st, StatusCode::OK);
    let (_, seen) = app.get(&w.mila.token, &report).await;
    assert_eq!(seen["assignments"][0]["reflection"]["learned"], "Vergunningen lezen.", "{seen}");
    // The PDF for the development conversation names the klus, its hours and the reflection.
    let res = app.client.get(app.url("/api/v1/me/portfolio.pdf")).bearer_auth(&w.eva.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = pdf_extract::extract_text_from_mem(&res.bytes().await.unwrap()).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in
        ["Klussen", "Projectondersteuning Omgevingswet", "uur per week, 104 uur in totaal", "Vergunningen lezen."]
    {
        assert!(text.contains(words), "{words:?} in {text}");
    }

    // Everyone was mailed at each step.
    assert_eq!(mails(app, w.petra.id).await, ["assignment_response", "assignment_response", "assignment_consented"]);
    assert_eq!(mails(app, w.eva.id).await, ["assignment_selected", "assignment_consented", "assignment_done"]);
    assert_eq!(mails(app, w.bart.id).await, ["assignment_invited"]);
    assert_eq!(mails(app, w.mila.id).await, ["consent_request"]);
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={k}")).await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|i| i["action"].as_str().unwrap()).collect();
    for a in ["assignment.create", "assignment.invite", "assignment.select", "assignment.filled", "assignment.done"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let (_, export) = app.get(&w.eva.token, "/api/v1/me/export").await;
    assert_eq!(
        export["klussenbank"]["responses"][0]["motivation"], "Ik ken de Omgevingswet van mijn werk bij Nuenen.",
        "{export}"
    );
    assert_eq!(export["klussenbank"]["reflections"].as_array().map(Vec::len), Some(1));

    // Retention, once the klus ended long enough ago: who responded and what they wrote goes;
    // the figures keep the participant's organisation.
    let later = Utc::now() + Duration::days(1);
    assert_eq!(forget_ended(&app.store, later, later).await.unwrap(), 1);
    assert_eq!(forget_ended(&app.store, later, later).await.unwrap(), 0, "once");
    let (_, ranked) = app.get(&w.petra.token, &format!("{path}/responses")).await;
    assert_eq!(ranked, json!([]));
    let (_, p) = app.get(&w.eva.token, "/api/v1/me/portfolio").await;
    assert_eq!(p["assignments"], json!([]), "{p}");
    let n = app.sql().await.scalar_i64("SELECT count(*) FROM assignment_reflections").await;
    assert_eq!(n, 0);
    let year = Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam).format("%Y").to_string();
    let (_, f) = app.get(&w.petra.token, &format!("/api/v1/reports/assignments?year={year}")).await;
    assert_eq!(
        (f["items"][0]["participants"].as_u64(), f["items"][0]["from_elsewhere"].as_u64()),
        (Some(1), Some(1)),
        "{f}"
    );
}

async fn a_refused_lapsed_or_withdrawn_consent_is_reported_and_the_poster_may_choose_again(app: &TestApp) {
    let w = world(app).await;
    let k = post(app, &w.petra, klus(&w, json!({"places": 2}))).await;
    let eva_r = respond(app, &w.eva, k, json!([])).await;
    let bart_r = respond(app, &w.bart, k, json!([])).await;
    let select = |r: Uuid| format!("/api/v1/assignment-responses/{r}/select");

    // Mila declines, with a reason: Eva and the poster are told.
    let (_, b) = app.post(&w.petra.token, &select(eva_r), json!({})).await;
    let first = b["selection"]["id"].as_str().unwrap().to_owned();
    let consent = format!("/api/v1/assignment-selections/{first}/consent");
    let (st, b) = app.post(&w.bart.token, &consent, json!({"decision": "approve"})).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "not the candidate's manager: {b}");
    let (st, b) = app.post(&w.eva.token, &consent, json!({"decision": "approve"})).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "nobody consents to their own selection: {b}");
    let (st, b) = app.post(&w.mila.token, &consent, json!({"decision": "maybe"})).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("decision")), "{b}");
    let (st, b) = app
        .post(&w.mila.token, &consent, json!({"decision": "decline", "reason": "Drukke periode bij Burgerzaken"}))
        .await;
    assert_eq!(
        (st, b["state"].as_str(), b["reason"].as_str()),
        (StatusCode::OK, Some("declined"), Some("Drukke periode bij Burgerzaken")),
        "{b}"
    );
    let (st, b) = app.post(&w.mila.token, &consent, json!({"decision": "approve"})).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/consent-not-pending")), "{b}");
    assert!(mails(app, w.petra.id).await.contains(&"assignment_not_consented".to_owned()));
    assert!(mails(app, w.eva.id).await.contains(&"assignment_not_consented".to_owned()));

    // The poster asks again; nobody answers in five working days: it lapses and is reported.
    let (st, b) = app.post(&w.petra.token, &select(eva_r), json!({})).await;
    assert_eq!((st, b["selection"]["state"].as_str()), (StatusCode::OK, Some("pending")), "{b}");
    assert_eq!(lapse_due(&app.store, Utc::now()).await.unwrap(), 0, "not due yet");
    assert_eq!(lapse_due(&app.store, Utc::now() + Duration::days(8)).await.unwrap(), 1);
    assert_eq!(lapse_due(&app.store, Utc::now() + Duration::days(8)).await.unwrap(), 0, "once");
    let (_, ranked) = app.get(&w.petra.token, &format!("/api/v1/assignments/{k}/responses")).await;
    let eva_row = ranked.as_array().unwrap().iter().find(|r| r["person"]["name"] == "Eva de Vries").unwrap();
    assert_eq!(eva_row["selection"]["state"], "lapsed", "{eva_row}");
    let poster_mails = mails(app, w.petra.id).await;
    assert_eq!(poster_mails.iter().filter(|m| *m == "assignment_not_consented").count(), 2, "{poster_mails:?}");

    // Bart has no manager: Nuenen's organiser is asked. He withdraws meanwhile.
    let (_, b) = app.post(&w.petra.token, &select(bart_r), json!({})).await;
    let bart_selection = b["selection"]["id"].as_str().unwrap().to_owned();
    assert_eq!(mails(app, w.nico.id).await, ["consent_request"]);
    let (_, waiting) = app.get(&w.nico.token, "/api/v1/me/consents").await;
    assert_eq!(waiting[0]["person"]["name"], "Bart Bos", "{waiting}");
    let (_, waiting) = app.get(&w.mila.token, "/api/v1/me/consents").await;
    assert_eq!(waiting, json!([]), "not Mila's");
    let (st, b) = app.post(&w.bart.token, &format!("/api/v1/assignment-responses/{bart_r}/withdraw"), json!({})).await;
    assert_eq!(
        (st, b["state"].as_str(), b["selection"]["state"].as_str()),
        (StatusCode::OK, Some("withdrawn"), Some("withdrawn")),
        "{b}"
    );
    assert!(mails(app, w.petra.id).await.contains(&"assignment_withdrawn".to_owned()), "the poster is told");
    let consent = format!("/api/v1/assignment-selections/{bart_selection}/consent");
    let (st, b) = app.post(&w.nico.token, &consent, json!({"decision": "approve"})).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/consent-not-pending")), "{b}");
    // A withdrawn response may be sent again; withdrawing twice is refused.
    let (st, b) = app.post(&w.bart.token, &format!("/api/v1/assignment-responses/{bart_r}/withdraw"), json!({})).await;
    assert_eq!(
        (st, b["type"].as_str()),
        (StatusCode::CONFLICT, Some("/errors/assignment-response-not-withdrawable")),
        "{b}"
    );
    assert_eq!(respond(app, &w.bart, k, json!([])).await, bart_r, "the same response, sent again");

    // Eva again, and this time Mila consents: one of two places is taken; the klus stays open.
    let (_, b) = app.post(&w.petra.token, &select(eva_r), json!({})).await;
    let third = b["selection"]["id"].as_str().unwrap().to_owned();
    let (st, b) = app
        .post(&w.mila.token, &format!("/api/v1/assignment-selections/{third}/consent"), json!({"decision": "approve"}))
        .await;
    assert_eq!((st, b["state"].as_str()), (StatusCode::OK, Some("approved")), "{b}");
    let (_, one) = app.get(&w.petra.token, &format!("/api/v1/assignments/{k}")).await;
    assert_eq!((one["state"].as_str(), one["taken"].as_u64()), (Some("open"), Some(1)), "{one}");
    let (st, b) = app.post(&w.eva.token, &format!("/api/v1/assignment-responses/{eva_r}/withdraw"), json!({})).await;
    assert_eq!(
        (st, b["type"].as_str()),
        (StatusCode::CONFLICT, Some("/errors/assignment-response-not-withdrawable")),
        "final: {b}"
    );
}

async fn only_the_right_people_see_klussen_responses_selections_and_suggestions(app: &TestApp) {
    let w = world(app).await;
    let son = app.org("Gemeente Son en Breugel").await;
    let sanne = named(app, son, "sanne@son.test", "Sanne Son", None).await;
    let eline = named(app, w.enkhuizen, "eline@enkhuizen.test", "Eline Enkhuizen", None).await;
    let other_manager = named(app, w.nuenen, "otto@nuenen.test", "Otto Manager", None).await;
    role(app, &other_manager, "manager").await;

    // Posting: one's own organisation only; employees not at all.
    let (st, b) = app.post(&w.petra.token, "/api/v1/assignments", klus(&w, json!({"organisation_id": w.nuenen}))).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("organisation_id")), "{b}");
    let (st, _) = app.post(&eline.token, "/api/v1/assignments", klus(&w, json!({}))).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // A manager posts for their own unit (and the units under it), not for another.
    let unit = |name: &str, parent: Option<Uuid>| {
        let body = json!({"name": name, "parent_id": parent});
        async move {
            let (st, u) = app.post(&app.admin, &format!("/api/v1/organisations/{}/units", w.enkhuizen), body).await;
            assert_eq!(st, StatusCode::CREATED, "{u}");
            id(&u)
        }
    };
    let ruimte = unit("Ruimte", None).await;
    let vergunningen = unit("Vergunningen", Some(ruimte)).await;
    let burgerzaken = unit("Burgerzaken", None).await;
    let body = json!({"email": "rik@enkhuizen.test", "name": "Rik Ruimte", "organisation_id": w.enkhuizen, "org_unit_id": ruimte});
    let (_, rik) = app.post(&app.admin, "/api/v1/people", body).await;
    let rik = Person { id: id(&rik), token: app.token(id(&rik)).await };
    role(app, &rik, "manager").await;
    let (st, b) = app.post(&rik.token, "/api/v1/assignments", klus(&w, json!({"org_unit_id": burgerzaken}))).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("org_unit_id")), "{b}");
    let by_rik = post(app, &rik, klus(&w, json!({"org_unit_id": vergunningen, "title": "Vergunningen inhalen"}))).await;

    // Reach: own organisation only, chosen partners, drafts.
    let own = post(app, &w.petra, klus(&w, json!({"reach": "own", "title": "Alleen Enkhuizen"}))).await;
    let partners =
        post(app, &w.petra, klus(&w, json!({"reach": "partners", "partners": [son], "title": "Met Son"}))).await;
    let draft = post(app, &w.petra, klus(&w, json!({"state": "draft", "title": "Nog een concept"}))).await;
    let titles = |list: &Value| -> Vec<String> {
        let mut t: Vec<String> =
            list["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect();
        t.sort();
        t
    };
    let (_, list) = app.get(&w.eva.token, "/api/v1/assignments").await;
    assert_eq!(titles(&list), ["Vergunningen inhalen"], "Nuenen sees the klus open to all only");
    let (_, list) = app.get(&sanne.token, "/api/v1/assignments").await;
    assert_eq!(titles(&list), ["Met Son", "Vergunningen inhalen"]);
    let (_, list) = app.get(&eline.token, "/api/v1/assignments").await;
    assert_eq!(titles(&list), ["Alleen Enkhuizen", "Met Son", "Vergunningen inhalen"], "not the draft");
    for (who, k) in [(&w.eva, own), (&w.eva, partners), (&sanne, own), (&eline, draft), (&w.eva, draft)] {
        let (st, _) = app.get(&who.token, &format!("/api/v1/assignments/{k}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{k}");
        let (st, _) =
            app.post(&who.token, &format!("/api/v1/assignments/{k}/responses"), json!({"motivation": "Graag"})).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{k}");
    }
    let (_, managed) = app.get(&w.petra.token, "/api/v1/assignments?managed=true").await;
    assert_eq!(managed["total"], 4, "Petra organises for Enkhuizen: Rik's klus too: {managed}");
    let (_, managed) = app.get(&rik.token, "/api/v1/assignments?managed=true").await;
    assert_eq!(titles(&managed), ["Vergunningen inhalen"]);
    // Nobody responds to their own klus; the poster's colleagues may.
    let (st, b) =
        app.post(&rik.token, &format!("/api/v1/assignments/{by_rik}/responses"), json!({"motivation": "Zelf"})).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/assignment-own")), "{b}");

    // Responses: the poster's organisers and the contact person only.
    let k = post(app, &w.petra, klus(&w, json!({"contact_person_id": eline.id}))).await;
    let eva_r = respond(app, &w.eva, k, json!([])).await;
    let responses = format!("/api/v1/assignments/{k}/responses");
    for (who, may) in
        [(&w.petra, true), (&eline, true), (&rik, false), (&w.nico, false), (&w.mila, false), (&w.eva, false)]
    {
        let (st, _) = app.get(&who.token, &responses).await;
        assert_eq!(st == StatusCode::OK, may, "{st}");
        if !may {
            assert_eq!(st, StatusCode::NOT_FOUND);
        }
    }
    let (st, _) = app.get(&app.admin, &responses).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "an admin of another organisation does not read motivations");
    let (st, _) = app.post(&w.eva.token, &format!("/api/v1/assignment-responses/{eva_r}/select"), json!({})).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "candidates do not select themselves");
    let (st, _) = app.patch(&w.eva.token, &format!("/api/v1/assignments/{k}"), json!({"title": "Mijn klus"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // The selection: the candidate, her manager and the klus's managers; no other manager.
    let (_, b) = app.post(&eline.token, &format!("/api/v1/assignment-responses/{eva_r}/select"), json!({})).await;
    let selection = format!("/api/v1/assignment-selections/{}", b["selection"]["id"].as_str().unwrap());
    for (who, may) in
        [(&w.eva, true), (&w.mila, true), (&w.petra, true), (&eline, true), (&other_manager, false), (&w.bart, false)]
    {
        let (st, _) = app.get(&who.token, &selection).await;
        assert_eq!(st == StatusCode::OK, may, "{st}");
    }
    let (_, waiting) = app.get(&other_manager.token, "/api/v1/me/consents").await;
    assert_eq!(waiting, json!([]));

    // Suggestions: findable people only, with name, unit and matching skills; off at once.
    let (st, _) =
        app.put(&w.bart.token, "/api/v1/me/skills", json!({"have": [w.skills[0], w.skills[1]], "want": []})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app.put(&sanne.token, "/api/v1/me/skills", json!({"have": [w.skills[2]], "want": []})).await;
    assert_eq!(st, StatusCode::OK);
    let suggestions = format!("/api/v1/assignments/{k}/suggestions");
    let (st, s) = app.get(&w.petra.token, &suggestions).await;
    assert_eq!((st, s.clone()), (StatusCode::OK, json!([])), "nobody opted in");
    for p in [&w.bart, &sanne] {
        let (st, b) = app.put(&p.token, "/api/v1/me/klus-profile", json!({"findable": true})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    let (_, s) = app.get(&w.petra.token, &suggestions).await;
    let names: Vec<&str> = s.as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Bart Bos", "Sanne Son"], "best fit first: {s}");
    assert_eq!(s[0]["percent"], 80, "{s}");
    let keys: Vec<&String> = s[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["matching", "name", "organisation_name", "percent", "person_id", "unit_name"],
        "nothing more: no e-mail"
    );
    let (st, _) = app.get(&w.eva.token, &suggestions).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = app.put(&w.bart.token, "/api/v1/me/klus-profile", json!({"findable": false})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, s) = app.get(&w.petra.token, &suggestions).await;
    assert_eq!(
        s.as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Sanne Son"],
        "at once"
    );
    // Someone who responded is not suggested again.
    respond(app, &sanne, k, json!([])).await;
    let (_, s) = app.get(&w.petra.token, &suggestions).await;
    assert_eq!(s, json!([]));
}

async fn figures_saved_searches_erasure_and_bad_input(app: &TestApp) {
    let w = world(app).await;
    // Bad input: each field named.
    for (extra, field) in [
        (json!({"title": " "}), "title"),
        (json!({"hours_per_week": 0}), "hours_per_week"),
        (json!({"places": 21}), "places"),
        (json!({"place": "thuis"}), "place"),
        (json!({"reach": "partners"}), "partners"),
        (json!({"reach": "partners", "partners": [w.enkhuizen]}), "partners[0]"),
        (json!({"skills": [{"skill_id": Uuid::now_v7()}]}), "skills[0].skill_id"),
        (json!({"ends_on": "2020-01-01"}), "ends_on"),
        (json!({"contact_person_id": w.eva.id}), "contact_person_id"),
        (json!({"closes_on": "2020-01-01"}), "closes_on"),
    ] {
        let (st, b) = app.post(&w.petra.token, "/api/v1/assignments", klus(&w, extra.clone())).await;
        assert!(st.is_client_error(), "{extra}: {st} {b}");
        assert_eq!(b["field"].as_str(), Some(field), "{extra}: {b}");
        assert!(b["detail"].as_str().is_some_and(|d| !d.is_empty()), "{b}");
    }
    let (st, b) = app.get(&w.eva.token, "/api/v1/assignments?place=thuis&per_page=500").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{b}");

    // Two klussen: one filled by Eva from Nuenen, one not.
    let k = post(app, &w.petra, klus(&w, json!({}))).await;
    post(
        app,
        &w.petra,
        klus(&w, json!({"title": "Communicatie zomerdrukte Burgerzaken", "starts_on": null, "ends_on": null})),
    )
    .await;
    let eva_r = respond(app, &w.eva, k, json!([])).await;
    let (_, b) = app.post(&w.petra.token, &format!("/api/v1/assignment-responses/{eva_r}/select"), json!({})).await;
    let selection = b["selection"]["id"].as_str().unwrap().to_owned();
    let (st, _) = app
        .post(
            &w.mila.token,
            &format!("/api/v1/assignment-selections/{selection}/consent"),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let year = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam).format("%Y").to_string();
    let figures = format!("/api/v1/reports/assignments?year={year}");
    let (st, f) = app.get(&w.petra.token, &figures).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    let row = &f["items"][0];
    assert_eq!(f["items"].as_array().map(Vec::len), Some(1), "an organiser sees their own organisation: {f}");
    assert_eq!(
        (row["posted"].as_u64(), row["filled"].as_u64(), row["participants"].as_u64()),
        (Some(2), Some(1), Some(1)),
        "{row}"
    );
    assert_eq!((row["share_across_borders"].as_f64(), row["fill_rate"].as_f64()), (Some(1.0), Some(0.5)), "{row}");
    assert_eq!(row["total_hours"], 8 * 13, "{row}");
    let (st, all) = app.get(&app.admin, &figures).await;
    // Every organisation, those that posted nothing too (the admin's own, Nuenen).
    assert_eq!((st, all["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(3)), "{all}");
    let (st, _) = app.get(&w.eva.token, &figures).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let res =
        app.client.get(app.url(&format!("{figures}&format=csv"))).bearer_auth(&w.petra.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(csv.contains("Organisatie") && csv.contains("Gemeente Enkhuizen"), "{csv}");

    // Erasure: Eva disappears from the responses; the figures stay (anonymous).
    let (st, _) = app.post(&app.admin, &format!("/api/v1/admin/people/{}/erase", w.eva.id), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, ranked) = app.get(&w.petra.token, &format!("/api/v1/assignments/{k}/responses")).await;
    assert_eq!(ranked, json!([]), "{ranked}");
    let (_, f) = app.get(&w.petra.token, &figures).await;
    assert_eq!(
        (f["items"][0]["participants"].as_u64(), f["items"][0]["share_across_borders"].as_f64()),
        (Some(1), Some(1.0)),
        "{f}"
    );
    // A contact person erased: their klus stays, without them.
    let contact = named(app, w.enkhuizen, "carla@enkhuizen.test", "Carla Contact", None).await;
    let body = json!({"contact_person_id": contact.id});
    let (st, b) = app.patch(&w.petra.token, &format!("/api/v1/assignments/{k}"), body).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, _) = app.post(&app.admin, &format!("/api/v1/admin/people/{}/erase", contact.id), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, one) = app.get(&w.petra.token, &format!("/api/v1/assignments/{k}")).await;
    assert_eq!(one["contact"], Value::Null, "{one}");

    // A saved search mails new matching klussen once a week.
    let profile =
        json!({"findable": false, "search_weekly": true, "search": {"skills": [w.skills[0]], "max_hours": 16}});
    let (st, b) = app.put(&w.bart.token, "/api/v1/me/klus-profile", profile).await;
    assert_eq!((st, b["search"]["max_hours"].as_u64()), (StatusCode::OK, Some(16)), "{b}");
    let (st, b) = app.put(&w.bart.token, "/api/v1/me/klus-profile", json!({"search_weekly": true})).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("search")), "{b}");
    let bad = json!({"search": {"min_hours": 20, "max_hours": 10}});
    let (st, b) = app.put(&w.bart.token, "/api/v1/me/klus-profile", bad).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("search.max_hours")), "{b}");
    let (_, b) = app.get(&w.bart.token, "/api/v1/me/klus-profile").await;
    assert_eq!(b["search_weekly"], true, "the refused change changed nothing: {b}");
    let (_, export) = app.get(&w.bart.token, "/api/v1/me/export").await;
    assert_eq!(export["klussenbank"]["profile"]["search_weekly"], true, "{export}");
    assert_eq!(send_digests(&app.store, Utc::now()).await.unwrap(), 1);
    assert_eq!(send_digests(&app.store, Utc::now()).await.unwrap(), 0, "weekly");
    assert_eq!(mails(app, w.bart.id).await, ["assignment_digest"]);
    let payload =
        app.sql().await.one::<String>("SELECT payload FROM outbox WHERE kind = 'assignment_digest'", []).await.unwrap();
    // The open klus that matches; not the one that was filled meanwhile.
    let digest: Value = serde_json::from_str(&payload).unwrap();
    let listed: Vec<&str> =
        digest["extra"]["assignments"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(listed, ["Communicatie zomerdrukte Burgerzaken"], "{payload}");
}
