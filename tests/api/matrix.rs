//! The authorization matrix: every operation of the OpenAPI document (generated from the
//! router) × every role × data in and out of the actor's scope. An operation without a rule
//! fails the test. Denied reads of out-of-scope data answer 404 (no existence leak), denied
//! writes 403/404, and a denied write changes nothing in the database.
//!
//! Three scopes: `In` (a week organisation A leads), `Partner` (a week B leads in which A takes
//! part and hosts the target workshop: A's organisers manage their workshop but not the week)
//! and `Out` (a week of B alone).

use crate::harness::{Backend, Person, TestApp, id};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Anonymous,
    Employee,
    Organiser,
    Manager,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    In,
    Partner,
    Out,
}

/// The actors, all of organisation A except the admin.
struct World {
    org_a: Uuid,
    org_b: Uuid,
    employee: Person,
    organiser: Person,
    manager: Person,
    outsider: Person,
}

/// Fresh objects for one case: in the actors' scope (organisation A, a week A leads, or a week
/// B leads with A as a partner hosting the workshop) or out of it (organisation B only).
struct Targets {
    event: Uuid,
    workshop: Uuid,
    session: Uuid,
    enrolment: Uuid,
    person: Uuid,
    org: Uuid,
    outbox: Uuid,
    /// Two units of `org`: the first is renamed, moved or merged into the second.
    unit: Uuid,
    unit2: Uuid,
    /// A bearer token of `person`.
    token: Uuid,
    /// A lottery week like `event` (its preference window open), with a dry run of its allocation.
    lottery: Uuid,
    /// `person`'s seat in a workshop of `event` that asks for manager approval, still pending.
    pending: Uuid,
    /// Two skills of the installation (skills are not scoped): the first is changed or merged
    /// into the second. Made only for the routes of skills.
    skill: Uuid,
    skill2: Uuid,
    /// The code of a certificate of `enrolment` (which then took place, attended). Made only for
    /// the routes of certificates and credentials.
    code: String,
    /// A klus of `org` open to its own organisation, posted by another organiser of `org`; the
    /// member's response to it; and `person`'s response, selected, waiting for the consent of
    /// their manager (in scope: the manager; out: B's organisers). Made only for the
    /// Klussenbank's routes.
    assignment: Uuid,
    response: Uuid,
    selection: Uuid,
}

async fn targets(app: &TestApp, w: &World, scope: Scope, path: &str) -> Targets {
    let (org, member) = match scope {
        Scope::In | Scope::Partner => (w.org_a, &w.employee),
        Scope::Out => (w.org_b, &w.outsider),
    };
    let event = match scope {
        Scope::Partner => app.week(&[w.org_b, org], json!({"lead_organisation_id": w.org_b})).await,
        _ => app.week(&[org], json!({})).await,
    };
    let lottery = match scope {
        Scope::Partner => {
            app.week(&[w.org_b, org], json!({"lead_organisation_id": w.org_b, "allocation": "lottery"})).await
        }
        _ => app.week(&[org], json!({"allocation": "lottery"})).await,
    };
    let (st, b) = app.post(&app.admin, &format!("/api/v1/events/{lottery}/allocation"), json!({"dry_run": true})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let workshop = app.workshop(event, org, json!({})).await;
    let session = app.session(workshop, 0, 10, 2, 5).await;
    let (st, e) = app.enrol(member, session).await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    // A person in scope is managed by the manager.
    let email = format!("{}@matrix.test", Uuid::new_v4().simple());
    let manager = if scope != Scope::Out { json!(w.manager.id) } else { Value::Null };
    let (st, p) = app
        .post(
            &app.admin,
            "/api/v1/people",
            json!({"email": email, "name": "Doel", "organisation_id": org, "manager_id": manager}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    let approved = app.workshop(event, org, json!({"title": "Met goedkeuring", "approval": "manager"})).await;
    let approved = app.session(approved, 1, 10, 2, 5).await;
    let (st, pending) =
        app.post(&app.admin, &format!("/api/v1/sessions/{approved}/enrolments"), json!({"person_id": id(&p)})).await;
    assert_eq!((st, pending["status"].as_str()), (StatusCode::CREATED, Some("pending_approval")), "{pending}");
    // Every organisation has a sign-in provider, so that reading and removing it can succeed.
    let (st, b) = app
        .put(&app.admin, &format!("/api/v1/organisations/{org}/sso"), sso_settings("https://login.matrix.test"))
        .await;
    assert!(st.is_success(), "{b}");
    let outbox = {
        let sql = "SELECT id FROM outbox ORDER BY created_at DESC LIMIT 1";
        app.sql().await.one::<Uuid>(sql, []).await.unwrap()
    };
    let mut units = Vec::new();
    for n in ["Eén", "Twee"] {
        let name = format!("Afdeling {n} {}", Uuid::new_v4().simple());
        let (st, u) = app.post(&app.admin, &format!("/api/v1/organisations/{org}/units"), json!({"name": name})).await;
        assert_eq!(st, StatusCode::CREATED, "{u}");
        units.push(id(&u));
    }
    let (st, b) = app.post(&app.admin, "/api/v1/tokens", json!({"person_id": id(&p), "label": "Koppeling"})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let token = {
        let sql = "SELECT id FROM api_tokens ORDER BY created_at DESC, id DESC LIMIT 1";
        app.sql().await.one::<Uuid>(sql, []).await.unwrap()
    };
    let (mut skill, mut skill2) = (Uuid::nil(), Uuid::nil());
    if path.contains("/skills") {
        for target in [&mut skill, &mut skill2] {
            let name = format!("Vaardigheid {}", Uuid::new_v4().simple());
            let (st, s) = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": name})).await;
            assert_eq!(st, StatusCode::CREATED, "{s}");
            *target = id(&s);
        }
    }
    let mut code = String::new();
    if path.contains("certificate") || path.contains("/credentials/") || path.contains("/reflection") {
        let starts = chrono::Utc::now() - chrono::Duration::hours(3);
        let sql = "UPDATE sessions SET starts_at = $1, ends_at = $2 WHERE id = $3";
        app.sql()
            .await
            .execute(sql, [starts.into(), (starts + chrono::Duration::hours(2)).into(), session.into()])
            .await;
        let path = format!("/api/v1/enrolments/{}/attendance", id(&e));
        let (st, b) = app.put(&app.admin, &path, json!({"attendance": "present"})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
        let (st, c) = app.get(&app.admin, &format!("/api/v1/enrolments/{}/certificate.json", id(&e))).await;
        assert_eq!(st, StatusCode::OK, "{c}");
        code = c["id"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let reflection = json!({"learned": "Veel", "will_do": "Toepassen", "shared_with_manager": true});
        let (st, b) = app.put(&member.token, &format!("/api/v1/enrolments/{}/reflection", id(&e)), reflection).await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    let (mut assignment, mut response, mut selection) = (Uuid::nil(), Uuid::nil(), Uuid::nil());
    if path.contains("assignment") {
        let email = format!("{}@plaatser.test", Uuid::new_v4().simple());
        let (st, poster) = app
            .post(&app.admin, "/api/v1/people", json!({"email": email, "name": "Plaatser", "organisation_id": org}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{poster}");
        let (st, _) =
            app.post(&app.admin, &format!("/api/v1/people/{}/roles", id(&poster)), json!({"role": "organiser"})).await;
        assert_eq!(st, StatusCode::OK);
        let poster = app.token(id(&poster)).await;
        let closes = chrono::Utc::now().date_naive() + chrono::Duration::days(14);
        let klus = json!({"title": "Klus", "organisation_id": org, "hours_per_week": 4, "place": "remote",
            "places": 2, "reach": "own", "closes_on": closes, "state": "open"});
        let (st, k) = app.post(&poster, "/api/v1/assignments", klus).await;
        assert_eq!(st, StatusCode::CREATED, "{k}");
        assignment = id(&k);
        let respond = json!({"motivation": "Graag"});
        let url = format!("/api/v1/assignments/{assignment}/responses");
        let (st, r) = app.post(&member.token, &url, respond.clone()).await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
        response = id(&r);
        let candidate = app.token(id(&p)).await;
        let (st, r) = app.post(&candidate, &url, respond).await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
        let (st, r) = app.post(&poster, &format!("/api/v1/assignment-responses/{}/select", id(&r)), json!({})).await;
        assert_eq!(st, StatusCode::OK, "{r}");
        selection = r["selection"]["id"].as_str().unwrap().parse().unwrap();
    }
    Targets {
        assignment,
        response,
        selection,
        code,
        skill,
        skill2,
        event,
        workshop,
        session,
        enrolment: id(&e),
        person: id(&p),
        org,
        outbox,
        unit: units[0],
        unit2: units[1],
        token,
        lottery,
        pending: id(&pending),
    }
}

fn sso_settings(issuer: &str) -> Value {
    json!({"issuer": issuer, "client_id": "leerweek", "client_secret": "geheim", "allowed_domains": ["matrix.test"]})
}

/// Who may do what. `None`: the operation has no rule, which fails the test.
fn allowed(method: &str, path: &str, role: Role, scope: Scope) -> Option<bool> {
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

fn request_path(method: &str, path: &str, t: &Targets) -> String {
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

fn body(method: &str, path: &str, t: &Targets, org_name: &str) -> Option<Value> {
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

/// Row counts and mutable columns: what a denied write must leave as it was.
async fn fingerprint(app: &TestApp) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let queries = [
        "SELECT count(*) FROM organisations",
        "SELECT count(*) FROM org_units",
        "SELECT count(*) FROM people",
        "SELECT count(*) FROM person_roles",
        "SELECT count(*) FROM api_tokens",
        "SELECT count(*) FROM events",
        "SELECT count(*) FROM workshops",
        "SELECT count(*) FROM sessions",
        "SELECT count(*) FROM enrolments",
        "SELECT count(*) FROM outbox",
        "SELECT count(*) FROM calendar_tokens",
        "SELECT count(*) FROM browser_sessions",
        "SELECT count(*) FROM sso_providers",
        "SELECT count(*) FROM enrolments WHERE attendance IS NOT NULL",
        "SELECT count(*) FROM feedback",
        "SELECT count(*) FROM sessions WHERE attendance_closed_at IS NOT NULL",
        "SELECT count(*) FROM sso_providers WHERE issuer = 'https://login.matrix.test'",
        "SELECT count(*) FROM enrolments WHERE status = 'cancelled'",
        "SELECT count(*) FROM sessions WHERE status = 'cancelled'",
        "SELECT count(*) FROM workshops WHERE status = 'cancelled'",
        "SELECT count(*) FROM outbox WHERE status = 'pending'",
        "SELECT count(*) FROM events WHERE status = 'published' AND name = 'Meester in je Werk-week'",
        "SELECT count(*) FROM workshops WHERE title = 'Grip op stress'",
        "SELECT coalesce(sum(capacity), 0) FROM sessions",
        "SELECT count(*) FROM api_tokens WHERE revoked_at IS NOT NULL",
        "SELECT count(*) FROM browser_sessions WHERE revoked_at IS NOT NULL",
        "SELECT count(*) FROM organisations WHERE name LIKE 'Hernoemd%'",
        "SELECT count(*) FROM org_units WHERE name LIKE 'Hernoemd%'",
        "SELECT count(*) FROM org_units WHERE parent_id IS NOT NULL",
        "SELECT count(*) FROM setup_codes",
        "SELECT count(*) FROM people WHERE name = 'Verwijderde persoon'",
        "SELECT count(*) FROM people WHERE language = 'en'",
        "SELECT count(*) FROM privacy_settings",
        "SELECT count(*) FROM sso_providers WHERE tested_at IS NOT NULL",
        "SELECT count(*) FROM sso_logins",
        "SELECT count(*) FROM organisations WHERE mail_link_sign_in = false",
        "SELECT count(*) FROM outbox WHERE kind = 'test_mail'",
        "SELECT count(*) FROM audit_log",
        "SELECT count(*) FROM people WHERE left_at IS NOT NULL",
        "SELECT count(*) FROM event_organisations",
        "SELECT count(*) FROM event_organisations WHERE is_lead",
        "SELECT count(*) FROM events WHERE status = 'closed'",
        "SELECT count(*) FROM preferences",
        "SELECT count(*) FROM allocation_runs",
        "SELECT count(*) FROM events WHERE allocated_at IS NOT NULL",
        "SELECT count(*) FROM enrolments WHERE approval = 'pending'",
        "SELECT count(*) FROM skills",
        "SELECT count(*) FROM skills WHERE name_nl LIKE 'Hernoemd%'",
        "SELECT count(*) FROM workshop_skills",
        "SELECT count(*) FROM person_skills",
        "SELECT count(*) FROM skill_assessments",
        "SELECT count(*) FROM esco_concepts",
        "SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL",
        "SELECT count(*) FROM reflections",
        "SELECT count(*) FROM reflections WHERE learned = 'Anders'",
        "SELECT count(*) FROM assignments",
        "SELECT count(*) FROM assignments WHERE title = 'Andere klus'",
        "SELECT count(*) FROM assignment_responses",
        "SELECT count(*) FROM assignment_responses WHERE state = 'submitted'",
        "SELECT count(*) FROM assignment_selections",
        "SELECT count(*) FROM assignment_selections WHERE state = 'pending'",
        "SELECT count(*) FROM assignment_reflections",
        "SELECT count(*) FROM klus_profiles",
    ];
    let db = app.sql().await.conn();
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for q in queries {
        let row = db.query_one_raw(Statement::from_string(backend, q)).await.unwrap().unwrap();
        let n: i64 = row.try_get_by_index(0).unwrap_or_default();
        out.push(format!("{q} = {n}"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_every_role_in_and_out_of_scope_is_authorized_as_the_rules_say() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let org_a = app.org("Enkhuizen").await;
    let org_b = app.org("Nuenen").await;
    let employee = app.person(org_a, "medewerker@enkhuizen.test").await;
    let organiser = app.person(org_a, "organisator@enkhuizen.test").await;
    let manager = app.person(org_a, "manager@enkhuizen.test").await;
    let outsider = app.person(org_b, "buiten@nuenen.test").await;
    for (p, role) in [(&organiser, "organiser"), (&manager, "manager")] {
        let (st, _) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", p.id), json!({"role": role})).await;
        assert_eq!(st, StatusCode::OK);
    }
    let world = World { org_a, org_b, employee, organiser, manager, outsider };

    let doc = serde_json::to_value(leerweek_api::openapi()).unwrap();
    let mut operations: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "patch", "put", "delete"].contains(&method.as_str()) {
                operations.push((method.clone(), path.clone()));
            }
        }
    }
    operations.sort();
    let missing: Vec<_> = operations.iter().filter(|(m, p)| allowed(m, p, Role::Admin, Scope::In).is_none()).collect();
    assert!(missing.is_empty(), "routes without an authorization rule: {missing:?}");

    let roles = [Role::Anonymous, Role::Employee, Role::Organiser, Role::Manager, Role::Admin];
    let mut cases = 0;
    let mut failures = Vec::new();
    for (method, path) in &operations {
        for role in roles {
            for scope in [Scope::In, Scope::Partner, Scope::Out] {
                let t = targets(&app, &world, scope, path).await;
                let token = match role {
                    Role::Anonymous => None,
                    Role::Employee => Some(world.employee.token.clone()),
                    Role::Organiser => Some(world.organiser.token.clone()),
                    Role::Manager => Some(world.manager.token.clone()),
                    Role::Admin => Some(app.admin.clone()),
                };
                let url = app.url(&request_path(method, path, &t));
                let mut req = match method.as_str() {
                    "get" => app.client.get(&url),
                    "post" => app.client.post(&url),
                    "patch" => app.client.patch(&url),
                    "put" => app.client.put(&url),
                    "delete" => app.client.delete(&url),
                    other => panic!("method {other}"),
                };
                if let Some(tok) = &token {
                    req = req.bearer_auth(tok);
                }
                let org_name = if scope != Scope::Out { "Enkhuizen" } else { "Nuenen" };
                match body(method, path, &t, org_name) {
                    Some(Value::String(csv)) => req = req.header("content-type", "text/csv").body(csv),
                    Some(b) => req = req.json(&b),
                    None => {}
                }
                let before = fingerprint(&app).await;
                let res = req.send().await.unwrap();
                let status = res.status();
                let text = res.text().await.unwrap_or_default();
                let after = fingerprint(&app).await;
                let may = allowed(method, path, role, scope).unwrap();
                cases += 1;
                let write = method != "get";
                let verdict = if status.is_server_error() {
                    Some("5xx")
                } else if role == Role::Anonymous && may {
                    (status == StatusCode::UNAUTHORIZED).then_some("public route refused")
                } else if role == Role::Anonymous {
                    (status != StatusCode::UNAUTHORIZED).then_some("anonymous not 401")
                } else if path.ends_with("/import/preview") && role == Role::Organiser && scope == Scope::Out {
                    let report: Value = serde_json::from_str(&text).unwrap_or_default();
                    (status != StatusCode::OK || report["invalid"] != 1 || report["new"] != 0)
                        .then_some("another organisation's row not invalid in the preview")
                } else if may {
                    [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND]
                        .contains(&status)
                        .then_some("allowed but refused")
                } else if path == "/api/v1/auth/session" && method == "get" {
                    (status != StatusCode::UNAUTHORIZED).then_some("cookie-only route answered a bearer")
                } else if !write && scope == Scope::Out && path.contains("{id}") {
                    (status != StatusCode::NOT_FOUND).then_some("out-of-scope read not 404")
                } else if write && path == "/api/v1/people/import" {
                    // Rows of another organisation make the file invalid: nothing imported.
                    (![StatusCode::FORBIDDEN, StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY]
                        .contains(&status))
                    .then_some("denied import not refused")
                } else {
                    (![StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&status))
                        .then_some("denied but not 403/404")
                };
                let wrote = ((!may && write) || path.ends_with("/preview")) && before != after;
                if let Some(why) = verdict.or(wrote.then_some("denied write changed the database")) {
                    failures.push(format!(
                        "{method:>6} {path} {role:?} {scope:?}: {status} — {why}: {}",
                        &text[..text.len().min(160)]
                    ));
                }
            }
        }
    }
    eprintln!(
        "authorization matrix: {} operations × {} roles × 3 scopes = {cases} cases, {} failures",
        operations.len(),
        roles.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {cases} cases wrong:\n{}", failures.len(), failures.join("\n"));
    app.finish().await;
}
