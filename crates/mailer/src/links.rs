//! The links a mail carries, made when it is written: to its session's page, to *Mijn week*,
//! and a one-click cancel, signed for the enrolment and valid until the cancellation deadline
//! ([`leerweek_store::links`]); a manager's signed approve/decline and consent links; the
//! Klussenbank's pages. They use the configured public address.

use chrono::{DateTime, Utc};
use leerweek_domain::MailKind;
use leerweek_store::links::{LinkAction, LinkSigner};
use leerweek_store::outbox::DueMail;
use serde_json::Value;
use uuid::Uuid;

/// What links are made with.
pub struct Links<'a> {
    /// The public address of the web app (no slash at the end needed).
    pub base_url: &'a str,
    /// The installation's signer.
    pub signer: &'a LinkSigner,
    /// When the mail is written: a cancel link whose deadline passed is left out.
    pub now: DateTime<Utc>,
}

impl Links<'_> {
    fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// The page of a session.
    pub fn session(&self, id: Uuid) -> String {
        format!("{}/sessies/{id}", self.base())
    }

    /// *Mijn week*.
    pub fn my_week(&self) -> String {
        format!("{}/mijn-week", self.base())
    }

    /// The one-click cancel of an enrolment, while `cancel_before` lies ahead.
    pub fn cancel(&self, enrolment: Uuid, cancel_before: DateTime<Utc>) -> Option<String> {
        (cancel_before > self.now).then(|| {
            format!("{}/afmelden?t={}", self.base(), self.signer.sign(LinkAction::Cancel, enrolment, cancel_before))
        })
    }

    /// A manager's approve or decline link for an enrolment, mailed to `by`, until `due`.
    pub fn decision(&self, action: LinkAction, enrolment: Uuid, by: Uuid, due: DateTime<Utc>) -> Option<String> {
        (due > self.now)
            .then(|| format!("{}/beslissen?t={}", self.base(), self.signer.sign_for(action, enrolment, by, due)))
    }

    /// *Mijn ontwikkeling*, at the reflection on an enrolment.
    pub fn reflection(&self, enrolment: Uuid) -> String {
        format!("{}/mijn-ontwikkeling#reflectie-{enrolment}", self.base())
    }

    /// What waits for the reader's decision in the app: seats to approve, selections for a klus
    /// to consent to.
    pub fn approvals(&self) -> String {
        format!("{}/goedkeuren", self.base())
    }

    /// A manager's consent (or not) to a selection for a klus, mailed to `by`, until `due`.
    pub fn consent(&self, action: LinkAction, selection: Uuid, by: Uuid, due: DateTime<Utc>) -> Option<String> {
        (due > self.now)
            .then(|| format!("{}/instemmen?t={}", self.base(), self.signer.sign_for(action, selection, by, due)))
    }

    /// The page of a klus.
    pub fn assignment(&self, id: Uuid) -> String {
        format!("{}/klussen/{id}", self.base())
    }

    /// The responses to a klus, for its poster and contact person.
    pub fn assignment_responses(&self, id: Uuid) -> String {
        format!("{}/klussen/{id}/reacties", self.base())
    }

    /// *Mijn ontwikkeling*, at the klus one took part in (by its selection), to reflect on it.
    pub fn assignment_reflection(&self, selection: Uuid) -> String {
        format!("{}/mijn-ontwikkeling#klus-{selection}", self.base())
    }

    /// Where one changes or stops the weekly mail of a saved search.
    pub fn assignment_settings(&self) -> String {
        format!("{}/klussen/instellingen", self.base())
    }

    /// The page that a link opens, for the token in it (tests follow links with this).
    pub fn token_of(link: &str) -> Option<&str> {
        link.split_once("?t=").map(|(_, t)| t)
    }
}

/// Mails about a place the person still holds: they offer the one-click cancel.
fn offers_cancel(kind: MailKind) -> bool {
    matches!(
        kind,
        MailKind::EnrolmentConfirmed
            | MailKind::EnrolmentWaitlisted
            | MailKind::EnrolmentPromoted
            | MailKind::SessionChanged
            | MailKind::SessionReminder
            | MailKind::EnrolmentPending
    )
}

/// The links of one session snapshot (`s`) and the enrolment in it, into `into`.
fn session_links(into: &mut Value, s: &Value, enrolment: Option<Uuid>, cancel: bool, links: &Links) {
    let Some(id) = s["id"].as_str().and_then(|v| v.parse::<Uuid>().ok()) else { return };
    into["session_link"] = Value::String(links.session(id));
    let cancelled = s["status"].as_str() == Some("cancelled");
    let deadline = s["cancel_before"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    if let (true, false, Some(enrolment), Some(deadline)) = (cancel, cancelled, enrolment, deadline)
        && let Some(link) = links.cancel(enrolment, deadline.with_timezone(&Utc))
    {
        into["cancel_link"] = Value::String(link);
    }
}

fn uuid(v: &Value) -> Option<Uuid> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// The links of a mail about a klus: the klus, its responses (for the poster), the consent
/// links (for the candidate's manager), the reflection (once done), and the klussen of a
/// weekly digest with where to change it.
fn assignment_links(ctx: &mut Value, m: &DueMail, extra: &Value, links: &Links) {
    if let Some(id) = uuid(&extra["assignment"]["id"]) {
        ctx["assignment_link"] = Value::String(links.assignment(id));
        if m.row.kind == MailKind::AssignmentResponse || extra["for_poster"] == true {
            ctx["responses_link"] = Value::String(links.assignment_responses(id));
        }
    }
    match m.row.kind {
        MailKind::ConsentRequest => {
            // The manager's mail: the consent links instead of the person's own.
            for key in ["my_week_link", "cancel_link"] {
                if let Some(o) = ctx.as_object_mut() {
                    o.remove(key);
                }
            }
            ctx["consents_link"] = Value::String(links.approvals());
            let due = extra["due_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            if let (Some(selection), Some(due)) = (uuid(&extra["selection_id"]), due) {
                let due = due.with_timezone(&Utc);
                for (key, action) in [
                    ("consent_approve_link", LinkAction::ConsentApprove),
                    ("consent_decline_link", LinkAction::ConsentDecline),
                ] {
                    if let Some(link) = links.consent(action, selection, m.row.person_id, due) {
                        ctx[key] = Value::String(link);
                    }
                }
            }
        }
        MailKind::AssignmentDone => {
            if let Some(selection) = uuid(&extra["selection_id"]) {
                ctx["reflection_link"] = Value::String(links.assignment_reflection(selection));
            }
        }
        MailKind::AssignmentDigest => {
            ctx["settings_link"] = Value::String(links.assignment_settings());
            if let Some(digest) = ctx["digest"].as_array_mut() {
                for k in digest {
                    if let Some(id) = uuid(&k["id"]) {
                        k["link"] = Value::String(links.assignment(id));
                    }
                }
            }
        }
        _ => {}
    }
}

/// Add the links of mail `m` (with its parsed `payload`) to its template context.
pub(crate) fn add(ctx: &mut Value, m: &DueMail, payload: &Value, links: &Links) {
    ctx["my_week_link"] = Value::String(links.my_week());
    session_links(ctx, &payload["session"], m.row.enrolment_id, offers_cancel(m.row.kind), links);
    if let (MailKind::FeedbackRequest, Some(enrolment)) = (m.row.kind, m.row.enrolment_id) {
        ctx["reflection_link"] = Value::String(links.reflection(enrolment));
    }
    if m.row.kind == MailKind::ApprovalRequest {
        // The manager's mail: the decision links instead of the person's own.
        for key in ["my_week_link", "cancel_link"] {
            if let Some(o) = ctx.as_object_mut() {
                o.remove(key);
            }
        }
        ctx["approvals_link"] = Value::String(links.approvals());
        let due = payload["extra"]["due_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
        if let (Some(enrolment), Some(due)) = (m.row.enrolment_id, due) {
            let due = due.with_timezone(&Utc);
            for (key, action) in [("approve_link", LinkAction::Approve), ("decline_link", LinkAction::Decline)] {
                if let Some(link) = links.decision(action, enrolment, m.row.person_id, due) {
                    ctx[key] = Value::String(link);
                }
            }
        }
    }
    if crate::assignment::is_assignment(m.row.kind) {
        assignment_links(ctx, m, &payload["extra"], links);
    }
    if let (Some(results), Some(out)) = (payload["extra"]["results"].as_array(), ctx["results"].as_array_mut()) {
        for (r, o) in results.iter().zip(out.iter_mut()) {
            let enrolment = r["enrolment_id"].as_str().and_then(|v| v.parse().ok());
            let holds = matches!(r["placed"].as_str(), Some("seat" | "waiting"));
            session_links(o, &r["session"], enrolment, holds, links);
        }
    }
}
