//! Writing a due mail: its template context, subject, and the MIME message with its QR code
//! and calendar parts.

use crate::links::Links;
use crate::render::{self, Renderer};
use crate::{MailError, MailerConfig, ics, message_id, qr, sender_address};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use leerweek_domain::Language;
use leerweek_store::links::LinkSigner;
use leerweek_store::outbox::{self, DueMail};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use serde_json::{Value, json};

/// A mail ready for a transport.
pub struct Outgoing {
    /// The MIME message.
    pub message: Message,
    /// The Message-ID.
    pub message_id: String,
}

/// The template context of a due mail, with its links when `links` are given (not for the
/// admins' view of a subject line).
pub fn context(m: &DueMail, links: Option<&Links>) -> (Value, Language, Option<Tz>) {
    let lang = m.person.language;
    let mut payload: Value = serde_json::from_str(&m.row.payload).unwrap_or(Value::Null);
    complete_results(&mut payload);
    let s = &payload["session"];
    let tz: Option<Tz> = s["time_zone"].as_str().and_then(|t| t.parse().ok());
    let when = match (tz, parse_time(&s["starts_at"]), parse_time(&s["ends_at"])) {
        (Some(tz), Some(a), Some(b)) => render::when(a, b, tz, lang),
        _ => String::new(),
    };
    let place = ["venue", "room", "address"].iter().filter_map(|k| s[*k].as_str()).collect::<Vec<_>>().join(", ");
    let deadline = match (tz, parse_time(&s["cancel_before"])) {
        (Some(tz), Some(t)) => render::moment(t, tz),
        _ => String::new(),
    };
    let results = allocation_results(&payload["extra"]["results"], lang);
    let extra_tz = payload["extra"]["time_zone"].as_str().and_then(|t| t.parse::<Tz>().ok());
    let moment_of = |key: &str| match (extra_tz, parse_time(&payload["extra"][key])) {
        (Some(tz), Some(t)) => render::moment(t, tz),
        _ => String::new(),
    };
    let (closes, due) = (moment_of("closes_at"), moment_of("due_at"));
    let mut ctx = json!({
        "event_name": payload["extra"]["event_name"],
        "closes": closes,
        "max_preferences": payload["extra"]["max_preferences"],
        "any_seat": results.iter().any(|r| r["placed"] == "seat"),
        "results": results,
        "lang": lang.as_str(),
        "name": m.person.name,
        "title": s["title"].as_str().unwrap_or(""),
        "when": when,
        "place": place,
        "online_url": s["online_url"],
        "deadline": deadline,
        "position": payload["extra"]["waitlist_position"],
        "by_organiser": payload["extra"]["by_organiser"].as_bool().unwrap_or(false),
        "reason": payload["extra"]["reason"],
        "link": payload["extra"]["link"],
        "via_sso": payload["extra"]["via_sso"].as_bool().unwrap_or(false),
        "check_in_code": payload["extra"]["check_in_code"],
        "has_calendar": payload["calendar"].is_object(),
        "message_subject": payload["extra"]["subject"],
        "message_body": payload["extra"]["body"],
        "sender": payload["extra"]["sender"],
        "due": due,
        "person_name": payload["extra"]["person_name"],
        "lapsed": payload["extra"]["lapsed"].as_bool().unwrap_or(false),
        "approved": payload["extra"]["approved"].as_bool().unwrap_or(false),
    });
    if crate::assignment::is_assignment(m.row.kind) {
        crate::assignment::add(&mut ctx, &payload["extra"], lang);
    }
    if let Some(links) = links {
        crate::links::add(&mut ctx, m, &payload, links);
    }
    (ctx, lang, tz)
}

/// An allocation mail names its week's time zone and cancellation deadline once
/// (`extra.time_zone`, `extra.cancellation_deadline_hours`); give each result's session its own,
/// as every other mail's session carries them.
fn complete_results(payload: &mut Value) {
    let zone = payload["extra"]["time_zone"].clone();
    let hours = payload["extra"]["cancellation_deadline_hours"].as_i64();
    // Read without indexing mutably: that would add `results` to every other mail's payload.
    let Some(results) = payload.pointer_mut("/extra/results").and_then(Value::as_array_mut) else { return };
    for r in results {
        let s = &mut r["session"];
        if !s.is_object() {
            continue;
        }
        if s["time_zone"].is_null() && zone.is_string() {
            s["time_zone"] = zone.clone();
        }
        if s["cancel_before"].is_null()
            && let (Some(h), Some(start)) = (hours, parse_time(&s["starts_at"]))
        {
            s["cancel_before"] = json!(start - chrono::Duration::hours(h.max(0)));
        }
    }
}

/// The results of an allocation mail, each with its session's time and place worded for the
/// recipient and the reason of a choice that gave nothing.
fn allocation_results(results: &Value, lang: Language) -> Vec<Value> {
    let Some(results) = results.as_array() else { return vec![] };
    results
        .iter()
        .map(|r| {
            let s = &r["session"];
            let tz: Option<Tz> = s["time_zone"].as_str().and_then(|t| t.parse().ok());
            let when = match (tz, parse_time(&s["starts_at"]), parse_time(&s["ends_at"])) {
                (Some(tz), Some(a), Some(b)) => render::when(a, b, tz, lang),
                _ => String::new(),
            };
            let place =
                ["venue", "room", "address"].iter().filter_map(|k| s[*k].as_str()).collect::<Vec<_>>().join(", ");
            let why = match (r["reason"].as_str().unwrap_or("full"), lang) {
                ("overlap", Language::Nl) => "het valt samen met een sessie die je al hebt",
                ("overlap", Language::En) => "it overlaps a session you have",
                ("limit", Language::Nl) => "je hebt al zoveel sessies als deze week toestaat",
                ("limit", Language::En) => "you have as many sessions as this week allows",
                ("audience", Language::Nl) => "deze workshop staat niet open voor jouw organisatie",
                ("audience", Language::En) => "this workshop is not open to your organisation",
                ("closed", Language::Nl) => "de sessie is geannuleerd of al begonnen",
                ("closed", Language::En) => "the session was cancelled or has started",
                ("held", Language::Nl) => "je stond hier al ingeschreven",
                ("held", Language::En) => "you were enrolled here already",
                (_, Language::Nl) => "alle plaatsen zijn vergeven",
                (_, Language::En) => "all seats are taken",
            };
            let deadline = match (tz, parse_time(&s["cancel_before"])) {
                (Some(tz), Some(t)) => render::moment(t, tz),
                _ => String::new(),
            };
            json!({
                "deadline": deadline,
                "rank": r["rank"],
                "title": s["title"],
                "when": when,
                "place": place,
                "placed": r["placed"],
                "position": r["position"],
                "check_in_code": r["check_in_code"],
                "why": why,
            })
        })
        .collect()
}

/// The subject line a mail has (or had) for its recipient, for the admins' view of the outbox;
/// empty when it cannot be rendered.
pub fn subject(renderer: &Renderer, row: &outbox::Mail, person: &leerweek_domain::people::Person) -> String {
    let due = DueMail { row: row.clone(), person: person.clone(), session: None, workshop: None };
    let (ctx, _, _) = context(&due, None);
    renderer.render(row.kind.as_str(), &ctx).map(|r| r.subject).unwrap_or_default()
}

fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc))
}

/// Content-ID of the check-in QR code in mails that carry one.
pub const QR_CONTENT_ID: &str = "check-in-qr@leerweek";

/// Render a due mail into a MIME message: text and HTML alternatives, plus a
/// `text/calendar; method=…` part when the mail adds, changes or removes an appointment.
pub fn compose(
    renderer: &Renderer,
    cfg: &MailerConfig,
    signer: &LinkSigner,
    m: &DueMail,
    now: DateTime<Utc>,
) -> Result<Outgoing, MailError> {
    let links = Links { base_url: &cfg.base_url, signer, now };
    let (ctx, _, _) = context(m, Some(&links));
    let rendered = renderer
        .render(m.row.kind.as_str(), &ctx)
        .map_err(|e| MailError::Message(format!("template {}: {e}", m.row.kind)))?;
    let payload: Value = serde_json::from_str(&m.row.payload).unwrap_or(Value::Null);
    let html = SinglePart::html(rendered.html.clone());
    let body = MultiPart::alternative().singlepart(SinglePart::plain(rendered.text.clone()));
    // The check-in code's QR code travels as an inline PNG the HTML shows (`cid:`).
    let qr = ctx["check_in_code"].as_str().map(|c| qr::png(&c.replace('-', ""), 6)).filter(|p| !p.is_empty());
    let mut body = match qr {
        Some(png) => body.multipart(
            MultiPart::related().singlepart(html).singlepart(
                lettre::message::Attachment::new_inline(QR_CONTENT_ID.to_owned())
                    .body(png, ContentType::parse("image/png").map_err(|e| MailError::Message(e.to_string()))?),
            ),
        ),
        None => body.singlepart(html),
    };
    if let (Some(method), Some(sequence)) =
        (payload["calendar"]["method"].as_str(), payload["calendar"]["sequence"].as_u64())
    {
        let text = calendar(cfg, m, &payload["session"], method, sequence, now)?;
        let ct = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
            .map_err(|e| MailError::Message(e.to_string()))?;
        body = body.singlepart(SinglePart::builder().header(ct).body(text));
    }
    // An allocation's mail carries an invite for each seat, each as a file of its own (one
    // iTIP message holds one appointment).
    let mut invites = Vec::new();
    let results = if m.row.kind == leerweek_domain::MailKind::AllocationResult {
        payload["extra"]["results"].as_array()
    } else {
        None
    };
    for r in results.into_iter().flatten() {
        if let (Some(method), Some(sequence)) = (r["calendar"]["method"].as_str(), r["calendar"]["sequence"].as_u64()) {
            let text = calendar(cfg, m, &r["session"], method, sequence, now)?;
            let ct = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                .map_err(|e| MailError::Message(e.to_string()))?;
            let name = format!("leerweek-{}.ics", invites.len() + 1);
            invites.push(lettre::message::Attachment::new(name).body(text, ct));
        }
    }
    let body = if invites.is_empty() {
        body
    } else {
        invites.into_iter().fold(MultiPart::mixed().multipart(body), |mixed, part| mixed.singlepart(part))
    };
    let to = Mailbox::new(
        Some(m.person.name.clone()),
        m.person.email.parse().map_err(|e| MailError::Message(format!("to: {e}")))?,
    );
    let from: Mailbox = cfg.from.parse().map_err(|e| MailError::Message(format!("from: {e}")))?;
    let id = message_id(m.row.id, &cfg.from);
    let message = Message::builder()
        .message_id(Some(id.clone()))
        .from(from)
        .to(to)
        .subject(rendered.subject)
        .date(now.into())
        .multipart(body)
        .map_err(|e| MailError::Message(e.to_string()))?;
    Ok(Outgoing { message, message_id: id })
}

/// The iCalendar text of one appointment: the session `s` (a snapshot) for the recipient.
fn calendar(
    cfg: &MailerConfig,
    m: &DueMail,
    s: &Value,
    method: &str,
    sequence: u64,
    now: DateTime<Utc>,
) -> Result<String, MailError> {
    let session_id = s["id"].as_str().and_then(|v| v.parse().ok()).unwrap_or_default();
    let place = ["venue", "room", "address"].iter().filter_map(|k| s[*k].as_str()).collect::<Vec<_>>().join(", ");
    let online = s["online_url"].as_str();
    let location = if place.is_empty() { online.unwrap_or("").to_owned() } else { place };
    let (Some(starts_at), Some(ends_at)) = (parse_time(&s["starts_at"]), parse_time(&s["ends_at"])) else {
        return Err(MailError::Message("calendar part without session times".into()));
    };
    let organizer = sender_address(&cfg.from);
    Ok(ics::invite(&ics::Invite {
        method,
        uid: ics::uid(m.person.id, session_id),
        sequence: sequence as u32,
        summary: s["title"].as_str().unwrap_or("Leerweek"),
        description: s["description"].as_str().unwrap_or(""),
        starts_at,
        ends_at,
        location: &location,
        url: online,
        organizer: &organizer,
        tentative: m.row.kind == leerweek_domain::MailKind::EnrolmentPending
            || serde_json::from_str::<Value>(&m.row.payload).is_ok_and(|p| p["extra"]["tentative"] == true),
        attendee_name: &m.person.name,
        attendee_email: &m.person.email,
        stamp: now,
    }))
}
