//! What the coordinator's console does through the API: the first run, organisations and their
//! units, finding people, granting and revoking roles, and a person's sign-ins.

use crate::harness::{Backend, TestApp, expect_problem, id};
use crate::on_both_backends;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    roles_and_tokens_can_be_revoked_and_stop_working_at_the_next_request,
    a_token_with_an_expiry_stops_working_then,
    units_are_renamed_moved_and_merged_with_their_people,
    organisations_are_renamed_and_people_found_by_name_unit_and_role,
    a_leaked_token_is_revoked_from_the_shell_by_value_or_id,
);

/// Issue 23 part 2: `leerweek admin revoke-token` (the real binary, on the same database) revokes
/// a token by its value or its id; the running server refuses it within its 5-second cache of
/// checked tokens; an unknown token is an error exit that changes nothing.
async fn a_leaked_token_is_revoked_from_the_shell_by_value_or_id(app: &TestApp) {
    let org = app.org("Enkhuizen").await;
    let jan = app.person(org, "jan@enkhuizen.nl").await;
    let second = app.token(jan.id).await;
    assert_eq!(app.get(&jan.token, "/api/v1/me").await.0, StatusCode::OK);
    let shell = |which: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_leerweek"))
            .args(["admin", "revoke-token", which])
            .env("LEERWEEK__DATABASE__URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run leerweek admin revoke-token")
    };
    let out = shell(&jan.token);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is ingetrokken"));
    let started = std::time::Instant::now();
    while app.get(&jan.token, "/api/v1/me").await.0 == StatusCode::OK {
        assert!(started.elapsed() < std::time::Duration::from_secs(7), "the revoked token still works");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(app.get(&jan.token, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    // The other token works until it is revoked by its id.
    let (_, list) = app.get(&app.admin, &format!("/api/v1/people/{}/tokens", jan.id)).await;
    let live: Vec<_> = list.as_array().unwrap().iter().filter(|t| t["kind"] == "token").collect();
    assert_eq!(live.len(), 1, "{list}");
    assert_eq!(app.get(&second, "/api/v1/me").await.0, StatusCode::OK);
    let out = shell(live[0]["id"].as_str().unwrap());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let started = std::time::Instant::now();
    while app.get(&second, "/api/v1/me").await.0 == StatusCode::OK {
        assert!(started.elapsed() < std::time::Duration::from_secs(7), "the revoked token still works");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Unknown: an error exit, nothing changed; both revocations audited, by the shell.
    let out = shell("lw_bestaat-niet");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Geen API-token"));
    let sql = "SELECT count(*) FROM audit_log WHERE action = 'token.revoke' AND actor_id IS NULL";
    assert_eq!(app.sql().await.one::<i64>(sql, []).await, Some(2));
}

fn cookie_of(res: &reqwest::Response) -> String {
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    set.split(';').next().unwrap().to_owned()
}

async fn first_run(backend: Backend) {
    let Some(app) = TestApp::spawn_without_admin(backend).await else { return };
    let (st, state) = app.send(app.client.get(app.url("/api/v1/setup"))).await;
    assert_eq!((st, state["needed"].as_bool()), (StatusCode::OK, Some(true)), "{state}");
    let code = leerweek_store::people::issue_setup_code(&app.store, Utc::now()).await.unwrap().expect("a code");
    let stale =
        leerweek_store::people::issue_setup_code(&app.store, Utc::now() - Duration::hours(2)).await.unwrap().unwrap();

    let post = |body: serde_json::Value| app.client.post(app.url("/api/v1/setup")).json(&body).send();
    // A wrong, an expired and a malformed code are refused with the field named; nothing is made.
    for bad in ["setup_onbekend", stale.as_str(), "x"] {
        let res = post(json!({"code": bad, "name": "Anna de Vries", "email": "anna@sed.nl"})).await.unwrap();
        let p = expect_problem(res, StatusCode::CONFLICT, "setup-code-invalid").await;
        assert_eq!(p["field"], "code", "{p}");
    }
    let res = post(json!({"code": code, "name": "", "email": "anna@sed.nl"})).await.unwrap();
    expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field").await;
    let admins = "SELECT count(*) FROM person_roles WHERE role = 'admin'";
    assert_eq!(app.sql().await.one::<i64>(admins, []).await, Some(0), "a refused set-up made an admin");

    // The right code makes the first admin and signs them in.
    let res = post(json!({"code": code, "name": "Anna de Vries", "email": "Anna@SED.nl"})).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookie = cookie_of(&res);
    let (st, me) = app.send(app.client.get(app.url("/api/v1/me")).header("cookie", &cookie)).await;
    assert_eq!(st, StatusCode::OK, "{me}");
    assert_eq!((me["email"].as_str(), me["roles"][0].as_str()), (Some("anna@sed.nl"), Some("admin")), "{me}");

    // Once set up: the same code, and any new one, is refused; no new code is handed out.
    let res = post(json!({"code": code, "name": "Bea", "email": "bea@sed.nl"})).await.unwrap();
    expect_problem(res, StatusCode::CONFLICT, "already-set-up").await;
    assert!(leerweek_store::people::issue_setup_code(&app.store, Utc::now()).await.unwrap().is_none());
    let (_, state) = app.send(app.client.get(app.url("/api/v1/setup"))).await;
    assert_eq!(state["needed"].as_bool(), Some(false));
    let audit = "SELECT count(*) FROM audit_log WHERE action = 'installation.setup'";
    assert_eq!(app.sql().await.one::<i64>(audit, []).await, Some(1));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_first_run_makes_one_admin_with_a_one_time_code_on_sqlite() {
    first_run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_first_run_makes_one_admin_with_a_one_time_code_on_postgres() {
    first_run(Backend::Postgres).await;
}

async fn roles_and_tokens_can_be_revoked_and_stop_working_at_the_next_request(app: &TestApp) {
    let org = app.org("Enkhuizen").await;
    let organiser = app.person(org, "org@enkhuizen.nl").await;
    let (st, _) =
        app.post(&app.admin, &format!("/api/v1/people/{}/roles", organiser.id), json!({"role": "organiser"})).await;
    assert_eq!(st, StatusCode::OK);
    // As organiser they may list their organisation's people; the answer is remembered a while.
    let list = format!("/api/v1/people?organisation_id={org}");
    assert_eq!(app.get(&organiser.token, &list).await.0, StatusCode::OK);
    assert_eq!(app.get(&organiser.token, &list).await.0, StatusCode::OK);

    let (st, roles) = app.delete(&app.admin, &format!("/api/v1/people/{}/roles/organiser", organiser.id)).await;
    assert_eq!(st, StatusCode::OK, "{roles}");
    assert_eq!(roles["roles"], json!([]));
    assert_eq!(app.get(&organiser.token, &list).await.0, StatusCode::FORBIDDEN, "a revoked role still worked");
    let (_, roles) = app.get(&app.admin, &format!("/api/v1/people/{}/roles", organiser.id)).await;
    assert_eq!(roles["roles"], json!([]));
    // Revoking a role not held changes nothing; an unknown role is a field error.
    let (st, _) = app.delete(&app.admin, &format!("/api/v1/people/{}/roles/organiser", organiser.id)).await;
    assert_eq!(st, StatusCode::OK);
    let (st, p) = app.delete(&app.admin, &format!("/api/v1/people/{}/roles/koning", organiser.id)).await;
    assert_eq!((st, p["type"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("/errors/invalid-field")), "{p}");

    // The last admin keeps the role.
    let (_, me) = app.get(&app.admin, "/api/v1/me").await;
    let (st, p) = app.delete(&app.admin, &format!("/api/v1/people/{}/roles/admin", id(&me))).await;
    assert_eq!((st, p["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/last-admin")), "{p}");

    // Tokens: listed with their label (never the secret), revoked by id, refused at once.
    let (st, b) =
        app.post(&app.admin, "/api/v1/tokens", json!({"person_id": organiser.id, "label": "AFAS-koppeling"})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let second = b["token"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&second, "/api/v1/me").await.0, StatusCode::OK);
    let (st, list) = app.get(&app.admin, &format!("/api/v1/people/{}/tokens", organiser.id)).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    assert!(!list.to_string().contains(&second), "the list shows a secret");
    let labelled = items.iter().find(|t| t["label"] == "AFAS-koppeling").expect("the labelled token");
    assert_eq!(labelled["kind"], "token");
    // The person sees their own sign-ins; someone else (not admin) does not.
    assert_eq!(app.get(&second, &format!("/api/v1/people/{}/tokens", organiser.id)).await.0, StatusCode::OK);
    let other = app.person(org, "ander@enkhuizen.nl").await;
    assert_eq!(
        app.get(&other.token, &format!("/api/v1/people/{}/tokens", organiser.id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.delete(&other.token, &format!("/api/v1/tokens/{}", id(labelled))).await.0, StatusCode::NOT_FOUND);

    let (st, _) = app.delete(&app.admin, &format!("/api/v1/tokens/{}", id(labelled))).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&second, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "a revoked token still worked");
    assert_eq!(app.get(&organiser.token, "/api/v1/me").await.0, StatusCode::OK, "the other token stopped too");
    let (_, list) = app.get(&app.admin, &format!("/api/v1/people/{}/tokens", organiser.id)).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(
        app.delete(&app.admin, &format!("/api/v1/tokens/{}", uuid::Uuid::now_v7())).await.0,
        StatusCode::NOT_FOUND
    );

    for action in ["role.revoke", "token.revoke"] {
        let sql = "SELECT count(*) FROM audit_log WHERE action = $1";
        assert_eq!(app.sql().await.one::<i64>(sql, [action.into()]).await, Some(1), "{action}");
    }
}

async fn a_token_with_an_expiry_stops_working_then(app: &TestApp) {
    let org = app.org("Drechterland").await;
    let p = app.person(org, "kort@drechterland.nl").await;
    let past = Utc::now() - Duration::minutes(1);
    let (st, e) = app.post(&app.admin, "/api/v1/tokens", json!({"person_id": p.id, "expires_at": past})).await;
    assert_eq!((st, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("expires_at")), "{e}");
    let (st, e) = app.post(&app.admin, "/api/v1/tokens", json!({"person_id": p.id, "label": "x".repeat(101)})).await;
    assert_eq!((st, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("label")), "{e}");

    let soon = Utc::now() + Duration::seconds(2);
    let (st, b) = app.post(&app.admin, "/api/v1/tokens", json!({"person_id": p.id, "expires_at": soon})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let token = b["token"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&token, "/api/v1/me").await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
    assert_eq!(app.get(&token, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "an expired token still worked");
    let (_, list) = app.get(&app.admin, &format!("/api/v1/people/{}/tokens", p.id)).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "the expired token is still listed as live: {list}");
}

async fn units_are_renamed_moved_and_merged_with_their_people(app: &TestApp) {
    let org = app.org("Stede Broec").await;
    let other = app.org("Nuenen").await;
    let unit = |name: &'static str, parent: Option<uuid::Uuid>| async move {
        let (st, u) = app
            .post(&app.admin, &format!("/api/v1/organisations/{org}/units"), json!({"name": name, "parent_id": parent}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{u}");
        id(&u)
    };
    let sociaal = unit("Sociaal domein", None).await;
    let jeugd = unit("Jeugd", Some(sociaal)).await;
    let wmo = unit("Wmo", Some(sociaal)).await;
    let ruimte = unit("Ruimte", None).await;
    let (st, u) =
        app.post(&app.admin, &format!("/api/v1/organisations/{other}/units"), json!({"name": "Elders"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let elders = id(&u);

    // Rename; a name taken in the organisation is refused.
    let (st, u) = app.patch(&app.admin, &format!("/api/v1/units/{wmo}"), json!({"name": "Wmo en zorg"})).await;
    assert_eq!((st, u["name"].as_str()), (StatusCode::OK, Some("Wmo en zorg")), "{u}");
    let (st, e) = app.patch(&app.admin, &format!("/api/v1/units/{wmo}"), json!({"name": "Jeugd"})).await;
    assert_eq!((st, e["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/name-taken")), "{e}");
    // Move: under another unit, not under itself or its own sub-unit, not into another organisation.
    let (st, e) = app.patch(&app.admin, &format!("/api/v1/units/{sociaal}"), json!({"parent_id": jeugd})).await;
    assert_eq!((st, e["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/unit-cycle")), "{e}");
    let (st, e) = app.patch(&app.admin, &format!("/api/v1/units/{sociaal}"), json!({"parent_id": sociaal})).await;
    assert_eq!((st, e["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/unit-cycle")), "{e}");
    let (st, e) = app.patch(&app.admin, &format!("/api/v1/units/{jeugd}"), json!({"parent_id": elders})).await;
    assert_eq!((st, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("parent_id")), "{e}");
    let (st, u) = app.patch(&app.admin, &format!("/api/v1/units/{jeugd}"), json!({"parent_id": ruimte})).await;
    assert_eq!((st, u["parent_id"].as_str()), (StatusCode::OK, Some(ruimte.to_string().as_str())), "{u}");
    let (st, u) = app.patch(&app.admin, &format!("/api/v1/units/{jeugd}"), json!({"parent_id": null})).await;
    assert_eq!((st, u["parent_id"].clone()), (StatusCode::OK, serde_json::Value::Null), "{u}");

    // Merge Sociaal domein (with a person, an enrolment and its sub-unit Wmo) into Ruimte.
    let (st, p) = app
        .post(
            &app.admin,
            "/api/v1/people",
            json!({"email": "sam@stedebroec.nl", "name": "Sam", "organisation_id": org, "org_unit_id": sociaal}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    let sam = id(&p);
    let sam_token = app.token(sam).await;
    let week = app.week(&[org], json!({})).await;
    let ws = app.workshop(week, org, json!({})).await;
    let session = app.session(ws, 0, 10, 2, 5).await;
    let who = leerweek_testkit::api::Person { id: sam, token: sam_token };
    assert_eq!(app.enrol(&who, session).await.0, StatusCode::CREATED);

    let (st, e) = app.post(&app.admin, &format!("/api/v1/units/{sociaal}/merge"), json!({"into": elders})).await;
    assert_eq!((st, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("into")), "{e}");
    let (st, e) = app.post(&app.admin, &format!("/api/v1/units/{sociaal}/merge"), json!({"into": sociaal})).await;
    assert_eq!((st, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("into")), "{e}");
    let (st, m) = app.post(&app.admin, &format!("/api/v1/units/{sociaal}/merge"), json!({"into": ruimte})).await;
    assert_eq!(st, StatusCode::OK, "{m}");
    assert_eq!(
        (m["people"].as_u64(), m["units"].as_u64(), m["enrolments"].as_u64()),
        (Some(1), Some(1), Some(1)),
        "{m}"
    );
    let (_, p) = app.get(&app.admin, &format!("/api/v1/people/{sam}")).await;
    assert_eq!(p["org_unit_id"].as_str(), Some(ruimte.to_string().as_str()), "{p}");
    let (_, units) = app.get(&app.admin, &format!("/api/v1/organisations/{org}/units")).await;
    let names: Vec<_> = units.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["Jeugd", "Ruimte", "Wmo en zorg"], "{units}");
    let moved = units.as_array().unwrap().iter().find(|u| u["name"] == "Wmo en zorg").unwrap();
    assert_eq!(moved["parent_id"].as_str(), Some(ruimte.to_string().as_str()));
    let sql = "SELECT count(*) FROM enrolments WHERE org_unit_id = $1";
    assert_eq!(app.sql().await.one::<i64>(sql, [ruimte.into()]).await, Some(1), "the enrolment's unit did not follow");

    // Merging a unit into its own sub-unit: the sub-unit takes its place.
    let top = unit("Bedrijfsvoering", None).await;
    let sub = unit("ICT", Some(top)).await;
    let (st, m) = app.post(&app.admin, &format!("/api/v1/units/{top}/merge"), json!({"into": sub})).await;
    assert_eq!(st, StatusCode::OK, "{m}");
    let (_, u) = app.get(&app.admin, &format!("/api/v1/organisations/{org}/units")).await;
    let ict = u.as_array().unwrap().iter().find(|u| u["name"] == "ICT").unwrap().clone();
    assert_eq!(ict["parent_id"], serde_json::Value::Null, "{u}");

    // An employee may not change units.
    let (st, _) = app.patch(&who.token, &format!("/api/v1/units/{ruimte}"), json!({"name": "Van mij"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let sql = "SELECT count(*) FROM audit_log WHERE action IN ('org_unit.update', 'org_unit.merge')";
    assert_eq!(app.sql().await.one::<i64>(sql, []).await, Some(5));
}

async fn organisations_are_renamed_and_people_found_by_name_unit_and_role(app: &TestApp) {
    let org = app.org("Geldrop-Mierlo").await;
    app.org("Son en Breugel").await;
    let (st, o) = app
        .patch(&app.admin, &format!("/api/v1/organisations/{org}"), json!({"name": "Gemeente Geldrop-Mierlo"}))
        .await;
    assert_eq!((st, o["name"].as_str()), (StatusCode::OK, Some("Gemeente Geldrop-Mierlo")), "{o}");
    let (st, e) =
        app.patch(&app.admin, &format!("/api/v1/organisations/{org}"), json!({"name": "son en breugel"})).await;
    assert_eq!((st, e["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/name-taken")), "{e}");
    let (st, e) = app.patch(&app.admin, &format!("/api/v1/organisations/{org}"), json!({"name": " "})).await;
    assert_eq!((st, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")), "{e}");

    let (_, u) =
        app.post(&app.admin, &format!("/api/v1/organisations/{org}/units"), json!({"name": "Burgerzaken"})).await;
    let unit = id(&u);
    for (email, name, in_unit) in [
        ("jan.jansen@gm.nl", "Jan Jansen", true),
        ("piet@gm.nl", "Piet de Boer", false),
        ("100%_zeker@gm.nl", "Zeker Jansen", false),
    ] {
        let unit_id = in_unit.then_some(unit);
        let (st, p) = app
            .post(
                &app.admin,
                "/api/v1/people",
                json!({"email": email, "name": name, "organisation_id": org, "org_unit_id": unit_id}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{p}");
        if name == "Piet de Boer" {
            app.post(&app.admin, &format!("/api/v1/people/{}/roles", id(&p)), json!({"role": "manager"})).await;
        }
    }
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
    };
    let base = format!("/api/v1/people?organisation_id={org}");
    let (_, all) = app.get(&app.admin, &base).await;
    assert_eq!(all["total"], 3, "{all}");
    let (_, found) = app.get(&app.admin, &format!("{base}&q=JANSEN")).await;
    assert_eq!(names(&found), ["Jan Jansen", "Zeker Jansen"]);
    // LIKE's own characters are taken literally.
    let (_, found) = app.get(&app.admin, &format!("{base}&q=100%25_")).await;
    assert_eq!(names(&found), ["Zeker Jansen"]);
    let (_, found) = app.get(&app.admin, &format!("{base}&q=%25")).await;
    assert_eq!(names(&found), ["Zeker Jansen"]);
    let (_, found) = app.get(&app.admin, &format!("{base}&org_unit_id={unit}")).await;
    assert_eq!(names(&found), ["Jan Jansen"]);
    let (_, found) = app.get(&app.admin, &format!("{base}&role=manager")).await;
    assert_eq!(names(&found), ["Piet de Boer"]);
    let (st, e) = app.get(&app.admin, &format!("{base}&role=koning")).await;
    assert_eq!((st, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("role")), "{e}");
    // Admins see how many people and units each organisation has; others only the names.
    let (_, list) = app.get(&app.admin, "/api/v1/organisations").await;
    let gm = list.as_array().unwrap().iter().find(|o| o["id"] == org.to_string()).unwrap().clone();
    assert_eq!((gm["people"].as_u64(), gm["units"].as_u64()), (Some(3), Some(1)), "{gm}");
    let someone = app.person(org, "iemand@gm.nl").await;
    let (_, list) = app.get(&someone.token, "/api/v1/organisations").await;
    assert!(list[0].get("people").is_none(), "{list}");
    let (st, one) = app.get(&someone.token, &format!("/api/v1/organisations/{org}")).await;
    assert_eq!((st, one.get("people")), (StatusCode::OK, None), "{one}");
}
