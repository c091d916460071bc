//! The objects each case acts on, made fresh in and out of the actors' scope, and the
//! fingerprint of the database a denied write must leave as it was.

use super::{Scope, World};
use crate::harness::{TestApp, id};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// Fresh objects for one case: in the actors' scope (organisation A, a week A leads, or a week
/// B leads with A as a partner hosting the workshop) or out of it (organisation B only).
pub(super) struct Targets {
    pub(super) event: Uuid,
    pub(super) workshop: Uuid,
    pub(super) session: Uuid,
    pub(super) enrolment: Uuid,
    pub(super) person: Uuid,
    pub(super) org: Uuid,
    pub(super) outbox: Uuid,
    /// Two units of `org`: the first is renamed, moved or merged into the second.
    pub(super) unit: Uuid,
    pub(super) unit2: Uuid,
    /// A bearer token of `person`.
    pub(super) token: Uuid,
    /// A lottery week like `event` (its preference window open), with a dry run of its allocation.
    pub(super) lottery: Uuid,
    /// `person`'s seat in a workshop of `event` that asks for manager approval, still pending.
    pub(super) pending: Uuid,
    /// Two skills of the installation (skills are not scoped): the first is changed or merged
    /// into the second. Made only for the routes of skills.
    pub(super) skill: Uuid,
    pub(super) skill2: Uuid,
    /// The code of a certificate of `enrolment` (which then took place, attended). Made only for
    /// the routes of certificates and credentials.
    pub(super) code: String,
    /// A klus of `org` open to its own organisation, posted by another organiser of `org`; the
    /// member's response to it; and `person`'s response, selected, waiting for the consent of
    /// their manager (in scope: the manager; out: B's organisers). Made only for the
    /// Klussenbank's routes.
    pub(super) assignment: Uuid,
    pub(super) response: Uuid,
    pub(super) selection: Uuid,
}

pub(super) async fn targets(app: &TestApp, w: &World, scope: Scope, path: &str) -> Targets {
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

pub(super) fn sso_settings(issuer: &str) -> Value {
    json!({"issuer": issuer, "client_id": "leerweek", "client_secret": "geheim", "allowed_domains": ["matrix.test"]})
}

/// Row counts and mutable columns: what a denied write must leave as it was.
pub(super) async fn fingerprint(app: &TestApp) -> Vec<String> {
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
