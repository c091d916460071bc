//! Who may do what (the rules the matrix checks), and each operation's request: its path with
//! the case's targets, and a body that would succeed for whoever may.

use super::targets::{Targets, sso_settings};
use super::{Role, Scope};
use serde_json::{Value, json};
use uuid::Uuid;

/// Who may do what. `None`: the operation has no rule, which fails the test.
pub(super) fn allowed(method: &str, path: &str, role: Role, scope: Scope) -> Option<bool> {
    use Role::*;
    let signed_in = role != Anonymous;
    let admin = role == Admin;
    let in_scope = scope != Scope::Out;
    let organiser_in = admin || (role == Organiser && in_scope);
    // Only the lead organisation's organisers (and admins) change the week itself.
    let leads_week = admin || (role == Organiser && scope == Scope::In);
    // Everyone of organisation A sees the weeks A takes part in; only admins see B's week.
    let sees_event = admin || (signed_in && in_scope);
    Some(match (method, path) {
        ("post", "/api/v1/auth/link")
        | ("post", "/api/v1/auth/session")
        | ("get", "/api/v1/auth/sso/providers")
        // The feedback link's token is the key.
        | ("get", "/api/v1/feedback")
        | ("post", "/api/v1/feedback")
        // The set-up code is the key (and once set up, set-up is refused for everyone).
        | ("get", "/api/v1/setup")
        | ("post", "/api/v1/setup")
        // Anyone verifies a certificate, and reads what other systems need to check one.
        | ("get", "/api/v1/certificates/{code}")
        | ("get", "/api/v1/credentials/issuer")
        | ("get", "/api/v1/credentials/keys/{number}")
        | ("get", "/api/v1/credentials/status/{list}") => true,
        ("get", "/api/v1/auth/session") => false, // a browser cookie only; bearer tokens get 401
        ("delete", "/api/v1/auth/session") | ("post", "/api/v1/auth/sign-out-everywhere") => signed_in,
        ("get", "/api/v1/me")
        // Everyone's own list of seats waiting for their decision (empty for most).
        | ("get", "/api/v1/me/approvals")
        | ("patch", "/api/v1/me")
        | ("get", "/api/v1/me/enrolments")
        | ("get", "/api/v1/me/export")
        | ("get", "/api/v1/me/calendar-token")
        | ("post", "/api/v1/me/calendar-token")
        | ("delete", "/api/v1/me/calendar-token")
        | ("get", "/api/v1/me/calendar.ics")
        | ("get", "/api/v1/events")
        | ("get", "/api/v1/organisations")
        | ("get", "/api/v1/organisations/{id}")
        | ("get", "/api/v1/organisations/{id}/units")
        // The vocabulary is everyone's to read; one's own skills and ratings are one's own.
        | ("get", "/api/v1/skills")
        | ("get", "/api/v1/skills/{id}")
        | ("get", "/api/v1/me/skills")
        | ("put", "/api/v1/me/skills")
        | ("post", "/api/v1/me/skills/assessments")
        | ("get", "/api/v1/me/portfolio")
        | ("get", "/api/v1/me/portfolio.pdf") => signed_in,
        // A report's portfolio: their own manager only (the target person reports to the
        // manager in scope); not even admins read someone's reflections.
        ("get", "/api/v1/people/{id}/portfolio") => role == Manager && in_scope,
        // One's own reflection: the target enrolment is the employee's (in scope).
        ("get", "/api/v1/enrolments/{id}/reflection")
        | ("put", "/api/v1/enrolments/{id}/reflection")
        | ("delete", "/api/v1/enrolments/{id}/reflection") => role == Employee && in_scope,
        ("post", "/api/v1/skills")
        | ("patch", "/api/v1/skills/{id}")
        | ("post", "/api/v1/skills/{id}/merge")
        | ("post", "/api/v1/skills/esco")
        | ("get", "/api/v1/skills/esco") => admin,
        ("post", "/api/v1/organisations")
        | ("post", "/api/v1/tokens")
        | ("post", "/api/v1/people/{id}/roles")
        | ("delete", "/api/v1/people/{id}/roles/{role}")
        | ("get", "/api/v1/people/{id}/tokens")
        | ("delete", "/api/v1/tokens/{id}")
        | ("patch", "/api/v1/organisations/{id}")
        | ("get", "/api/v1/admin/outbox")
        | ("post", "/api/v1/admin/outbox/{id}/retry")
        | ("post", "/api/v1/admin/people/{id}/erase")
        | ("get", "/api/v1/admin/audit")
        | ("post", "/api/v1/admin/outbox/retry-failed")
        | ("post", "/api/v1/admin/mail/test")
        | ("get", "/api/v1/admin/mail/health")
        | ("get", "/api/v1/admin/people/{id}/export")
        | ("get", "/api/v1/admin/settings/privacy")
        | ("put", "/api/v1/admin/settings/privacy")
        | ("get", "/api/v1/organisations/{id}/sso")
        | ("put", "/api/v1/organisations/{id}/sso")
        | ("delete", "/api/v1/organisations/{id}/sso")
        | ("post", "/api/v1/organisations/{id}/sso/test") => admin,
        ("post", "/api/v1/organisations/{id}/units")
        | ("patch", "/api/v1/units/{id}")
        | ("post", "/api/v1/units/{id}/merge")
        | ("post", "/api/v1/people")
        | ("get", "/api/v1/people")
        | ("post", "/api/v1/people/import")
        | ("post", "/api/v1/events")
        | ("post", "/api/v1/events/{id}/workshops")
        | ("patch", "/api/v1/workshops/{id}")
        | ("post", "/api/v1/workshops/{id}/cancel")
        | ("post", "/api/v1/workshops/{id}/sessions")
        | ("patch", "/api/v1/sessions/{id}")
        | ("post", "/api/v1/sessions/{id}/cancel")
        | ("post", "/api/v1/sessions/{id}/messages")
        | ("get", "/api/v1/sessions/{id}/enrolments")
        | ("post", "/api/v1/sessions/{id}/check-in")
        | ("put", "/api/v1/enrolments/{id}/attendance")
        | ("post", "/api/v1/sessions/{id}/attendance/all-present")
        | ("post", "/api/v1/sessions/{id}/attendance/close")
        | ("get", "/api/v1/workshops/{id}/feedback")
        // Whom to ask about a session: organisers who see its week.
        | ("get", "/api/v1/sessions/{id}/contacts")
        | ("get", "/api/v1/events/{id}/reports/sessions")
        // A session's certificates, listed and printed by its host's organisers.
        | ("get", "/api/v1/sessions/{id}/certificates")
        | ("get", "/api/v1/sessions/{id}/certificates.zip") => organiser_in,
        ("patch", "/api/v1/events/{id}")
        | ("post", "/api/v1/events/{id}/publish")
        | ("post", "/api/v1/events/{id}/close")
        | ("post", "/api/v1/events/{id}/archive")
        | ("get", "/api/v1/events/{id}/allocation")
        | ("post", "/api/v1/events/{id}/allocation") => leads_week,
        // Everyone who sees a lottery week ranks their own preferences.
        ("get", "/api/v1/events/{id}/preferences") | ("put", "/api/v1/events/{id}/preferences") => sees_event,
        // A's organisers take A out of a week (the lead never goes: 409 in a week A leads; a
        // partner with enrolments stays: 409 too); B's week is not theirs to touch.
        ("delete", "/api/v1/events/{id}/organisations/{organisation_id}") => organiser_in,
        // Managers report on their own people, organisers on their organisation.
        ("get", "/api/v1/events/{id}/reports/participation")
        | ("get", "/api/v1/events/{id}/reports/people")
        | ("get", "/api/v1/events/{id}/reports/reach")
        | ("get", "/api/v1/events/{id}/reports/mix") => {
            admin || (in_scope && matches!(role, Organiser | Manager))
        }
        // Organisers may preview any file: rows of organisations not theirs come back invalid
        // (checked below), and a preview writes nothing.
        ("post", "/api/v1/people/import/preview") => admin || role == Organiser,
        ("post", "/api/v1/enrolments/{id}/feedback") => role == Employee && in_scope,
        // One's own check-in code only: the target enrolment is the employee's (in scope).
        ("get", "/api/v1/enrolments/{id}/check-in.svg") => role == Employee && in_scope,
        ("get", "/api/v1/events/{id}")
        | ("get", "/api/v1/events/{id}/programme")
        | ("get", "/api/v1/events/{id}/themes")
        | ("get", "/api/v1/workshops/{id}")
        | ("get", "/api/v1/workshops/{id}/sessions")
        | ("get", "/api/v1/sessions/{id}")
        | ("post", "/api/v1/sessions/{id}/enrolments") => sees_event,
        // The target enrolment is the employee's own (in scope) or an outsider's.
        ("get", "/api/v1/enrolments/{id}") | ("delete", "/api/v1/enrolments/{id}") => {
            organiser_in || (role == Employee && in_scope)
        }
        // The target person reports to the manager (in scope): the manager decides, no one
        // else but admins; out of scope, B's person has no manager and B's organisers decide.
        ("post", "/api/v1/enrolments/{id}/approve") | ("post", "/api/v1/enrolments/{id}/decline") => {
            admin || (role == Manager && in_scope)
        }
        // The certificate of the target enrolment (attended): the employee's own (in scope), or
        // printed by the host's organisers; revoked by those organisers only.
        ("get", "/api/v1/enrolments/{id}/certificate.pdf")
        | ("get", "/api/v1/enrolments/{id}/certificate.json")
        | ("get", "/api/v1/enrolments/{id}/certificate.jwt") => organiser_in || (role == Employee && in_scope),
        ("post", "/api/v1/certificates/{code}/revoke") => organiser_in,
        // The host's cancellation with a reason: the in-scope session is hosted by A.
        ("post", "/api/v1/enrolments/{id}/cancellation") => organiser_in,
        // The target person reports to the manager (in scope).
        ("get", "/api/v1/people/{id}")
        | ("get", "/api/v1/people/{id}/enrolments")
        | ("get", "/api/v1/people/{id}/roles") => {
            organiser_in || (role == Manager && in_scope)
        }
        // The Klussenbank. Organisers, managers and admins post (for another organisation, or
        // a manager without their unit, 422 naming the field: tests/api/assignments.rs).
        ("post", "/api/v1/assignments") => admin || matches!(role, Organiser | Manager),
        ("get", "/api/v1/assignments")
        | ("get", "/api/v1/me/assignment-responses")
        | ("get", "/api/v1/me/consents")
        | ("get", "/api/v1/me/klus-profile")
        | ("put", "/api/v1/me/klus-profile") => signed_in,
        // The target klus is A's (in scope), open to A only: A's people see it and respond
        // (the member responded already: 409); an admin of another organisation does not.
        ("get", "/api/v1/assignments/{id}") | ("post", "/api/v1/assignments/{id}/responses") => {
            signed_in && in_scope && role != Admin
        }
        // Its managers: A's organisers (and its poster and contact person), not admins.
        ("patch", "/api/v1/assignments/{id}")
        | ("get", "/api/v1/assignments/{id}/responses")
        | ("get", "/api/v1/assignments/{id}/suggestions")
        | ("post", "/api/v1/assignment-responses/{id}/invite")
        | ("post", "/api/v1/assignment-responses/{id}/select")
        | ("post", "/api/v1/assignment-responses/{id}/decline") => role == Organiser && in_scope,
        // The target response is the employee's own (in scope).
        ("post", "/api/v1/assignment-responses/{id}/withdraw") => role == Employee && in_scope,
        // The target selection is of `person`, who reports to the manager (in scope): the
        // candidate, their manager, the klus's managers see it; the manager (or an admin)
        // consents.
        ("get", "/api/v1/assignment-selections/{id}") => admin || (in_scope && matches!(role, Manager | Organiser)),
        ("post", "/api/v1/assignment-selections/{id}/consent") => admin || (role == Manager && in_scope),
        // The candidate's own reflection: none of the roles is the candidate.
        ("get", "/api/v1/assignment-selections/{id}/reflection")
        | ("put", "/api/v1/assignment-selections/{id}/reflection")
        | ("delete", "/api/v1/assignment-selections/{id}/reflection") => false,
        ("get", "/api/v1/reports/assignments") => admin || role == Organiser,
        _ => return None,
    })
}

pub(super) fn request_path(method: &str, path: &str, t: &Targets) -> String {
    let target = if path.starts_with("/api/v1/assignments/") {
        t.assignment
    } else if path.starts_with("/api/v1/assignment-responses/") {
        t.response
    } else if path.starts_with("/api/v1/assignment-selections/") {
        t.selection
    } else if path.ends_with("/preferences") || path.ends_with("/allocation") {
        t.lottery
    } else if path.ends_with("/approve") || path.ends_with("/decline") {
        t.pending
    } else if path.starts_with("/api/v1/events/") {
        t.event
    } else if path.starts_with("/api/v1/workshops/") {
        t.workshop
    } else if path.starts_with("/api/v1/sessions/") {
        t.session
    } else if path.starts_with("/api/v1/enrolments/") {
        t.enrolment
    } else if path.starts_with("/api/v1/people/") || path.starts_with("/api/v1/admin/people/") {
        t.person
    } else if path.starts_with("/api/v1/organisations/") {
        t.org
    } else if path.starts_with("/api/v1/admin/outbox/") {
        t.outbox
    } else if path.starts_with("/api/v1/units/") {
        t.unit
    } else if path.starts_with("/api/v1/tokens/") {
        t.token
    } else if path.starts_with("/api/v1/skills/") {
        t.skill
    } else {
        Uuid::nil()
    };
    let mut p = path
        .replace("{id}", &target.to_string())
        .replace("{role}", "manager")
        .replace("{code}", &t.code)
        .replace("{number}", "1")
        .replace("{list}", "1")
        .replace("{organisation_id}", &t.org.to_string());
    match path {
        "/api/v1/people" => p.push_str(&format!("?organisation_id={}", t.org)),
        "/api/v1/admin/audit" => p.push_str(&format!("?subject_id={}", t.session)),
        "/api/v1/feedback" => p.push_str("?token=fb_onbekend"),
        "/api/v1/skills/esco" => p.push_str(if method == "get" { "?q=vaardigheid" } else { "?language=nl" }),
        _ => {}
    }
    p
}

pub(super) fn body(method: &str, path: &str, t: &Targets, org_name: &str) -> Option<Value> {
    let unique = Uuid::new_v4().simple().to_string();
    let day = crate::harness::first_day();
    Some(match (method, path) {
        ("post", "/api/v1/organisations") => json!({"name": format!("Org {unique}")}),
        ("post", "/api/v1/organisations/{id}/units") => json!({"name": format!("Afdeling {unique}")}),
        ("post", "/api/v1/people") => {
            json!({"email": format!("{unique}@nieuw.test"), "name": "Nieuw", "organisation_id": t.org})
        }
        ("post", "/api/v1/people/{id}/roles") => json!({"role": "manager"}),
        ("patch", "/api/v1/organisations/{id}") => json!({"name": format!("Hernoemd {unique}")}),
        ("patch", "/api/v1/units/{id}") => json!({"name": format!("Hernoemd {unique}"), "parent_id": t.unit2}),
        ("post", "/api/v1/units/{id}/merge") => json!({"into": t.unit2}),
        ("post", "/api/v1/setup") => json!({"code": "setup_onbekend", "name": "Iemand", "email": "iemand@matrix.test"}),
        ("put", "/api/v1/organisations/{id}/sso") => sso_settings("https://login.ander.test"),
        ("post", "/api/v1/sessions/{id}/check-in") => json!({"code": "ABCD-EFGH-JKMN"}),
        ("post", "/api/v1/sessions/{id}/messages") => json!({"subject": "Ander lokaal", "body": "Zaal 2."}),
        ("put", "/api/v1/enrolments/{id}/attendance") => json!({"attendance": "present"}),
        ("post", "/api/v1/enrolments/{id}/cancellation") => json!({"reason": "Dubbel ingeschreven"}),
        ("post", "/api/v1/enrolments/{id}/decline") => json!({"reason": "Te druk"}),
        ("put", "/api/v1/admin/settings/privacy") => json!({"retention_days": 400}),
        ("patch", "/api/v1/me") => json!({"language": "en"}),
        ("put", "/api/v1/events/{id}/preferences") => json!({"sessions": []}),
        ("post", "/api/v1/skills") => json!({"name_nl": format!("Vaardigheid {unique}")}),
        ("patch", "/api/v1/skills/{id}") => json!({"name_nl": format!("Hernoemd {unique}")}),
        ("post", "/api/v1/skills/{id}/merge") => json!({"into": t.skill2}),
        ("put", "/api/v1/me/skills") => json!({"have": [t.skill], "want": [t.skill2]}),
        ("post", "/api/v1/me/skills/assessments") => json!({"skill_id": t.skill, "level": 3}),
        ("put", "/api/v1/enrolments/{id}/reflection") => json!({"learned": "Anders", "will_do": ""}),
        ("post", "/api/v1/skills/esco") => {
            return Some(Value::String(format!(
                "conceptUri,preferredLabel\nhttp://data.europa.eu/esco/skill/{},vaardigheid {unique}\n",
                Uuid::new_v4()
            )));
        }
        ("post", "/api/v1/events/{id}/allocation") => json!({"dry_run": true}),
        ("post", "/api/v1/assignments") => {
            json!({"title": "Nieuwe klus", "organisation_id": t.org, "hours_per_week": 4,
            "place": "remote", "places": 1, "reach": "own", "closes_on": day, "state": "draft"})
        }
        ("patch", "/api/v1/assignments/{id}") => json!({"title": "Andere klus"}),
        ("post", "/api/v1/assignments/{id}/responses") => json!({"motivation": "Ik wil graag"}),
        ("post", "/api/v1/assignment-selections/{id}/consent") => json!({"decision": "approve"}),
        ("put", "/api/v1/assignment-selections/{id}/reflection") => json!({"learned": "Veel"}),
        ("put", "/api/v1/me/klus-profile") => json!({"findable": true}),
        ("post", "/api/v1/enrolments/{id}/feedback") => json!({"rating": 4}),
        ("post", "/api/v1/feedback") => json!({"token": "fb_onbekend", "rating": 4}),
        ("post", "/api/v1/tokens") => json!({"person_id": t.person}),
        ("post", "/api/v1/events") => json!({"name": "Week", "starts_on": day, "ends_on": day,
            "enrolment_opens_at": chrono::Utc::now(), "enrolment_closes_at": chrono::Utc::now() + chrono::Duration::days(2), "organisation_ids": [t.org]}),
        ("patch", "/api/v1/events/{id}") => json!({"name": "Andere naam"}),
        ("post", "/api/v1/events/{id}/workshops") => {
            json!({"title": "Nieuw", "description": "", "theme": "kennis", "host_organisation_id": t.org})
        }
        ("patch", "/api/v1/workshops/{id}") => json!({"title": "Andere titel"}),
        ("post", "/api/v1/workshops/{id}/sessions") => {
            let start = crate::harness::local(day, 15);
            json!({"starts_at": start, "ends_at": start + chrono::Duration::hours(1), "capacity": 3, "location": {"venue": "Zaal"}})
        }
        ("patch", "/api/v1/sessions/{id}") => json!({"capacity": 9}),
        ("post", "/api/v1/auth/link") => json!({"email": "iemand@matrix.test"}),
        ("post", "/api/v1/auth/session") => json!({"token": "si_not-a-real-token"}),
        ("post", "/api/v1/people/import") | ("post", "/api/v1/people/import/preview") => {
            return Some(Value::String(format!(
                "email,name,organisation,org_unit,manager_email\n{unique}@csv.test,Csv,{org_name},,\n"
            )));
        }
        (m, _) if m == "post" || m == "patch" || m == "put" => json!({}),
        _ => return None,
    })
}
