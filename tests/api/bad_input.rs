//! Bad input gets a clear problem and loses nothing: never a 500, never a partial write.

use crate::harness::{TestApp, expect_problem, first_day, local};
use crate::on_both_backends;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(bad_requests_get_problems_with_the_field_and_write_nothing, a_csv_with_one_bad_row_imports_nobody);

async fn bad_requests_get_problems_with_the_field_and_write_nothing(app: &TestApp) {
    let org = app.org("Enkhuizen").await;
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({})).await;
    let start = local(first_day(), 10);
    let good_session = json!({"starts_at": start, "ends_at": start + Duration::hours(2), "capacity": 10, "location": {"venue": "Stadhuis"}});
    let with = |changes: Value| {
        let mut b = good_session.clone();
        for (k, v) in changes.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let long = "x".repeat(10_000);
    let sessions_path = format!("/api/v1/workshops/{w}/sessions");
    // (path, raw body, expected status, slug, field)
    let cases: Vec<(String, String, StatusCode, &str, Option<&str>)> = vec![
        (sessions_path.clone(), "{\"starts_at\": ".into(), StatusCode::BAD_REQUEST, "malformed-json", None),
        (sessions_path.clone(), "not json at all".into(), StatusCode::BAD_REQUEST, "malformed-json", None),
        (sessions_path.clone(), with(json!({"capacity": "twenty"})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("capacity")),
        (sessions_path.clone(), with(json!({"capacity": 0})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("capacity")),
        (sessions_path.clone(), with(json!({"capacity": -5})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("capacity")),
        (sessions_path.clone(), with(json!({"capacity": 1e12})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("capacity")),
        (sessions_path.clone(), with(json!({"ends_at": start - Duration::hours(1)})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("ends_at")),
        (sessions_path.clone(), with(json!({"starts_at": "2026-02-30T10:00:00Z"})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("starts_at")),
        (sessions_path.clone(), with(json!({"starts_at": start - Duration::days(30), "ends_at": start - Duration::days(30) + Duration::hours(1)})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("starts_at")),
        (sessions_path.clone(), with(json!({"location": {"venue": long}})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("location.venue")),
        (sessions_path.clone(), with(json!({"location": null})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("location.venue")),
        (sessions_path.clone(), with(json!({"quotas": [{"organisation_id": org, "seats": 11, "release_at": start}]})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("quotas[0].seats")),
        (sessions_path.clone(), with(json!({"quotas": [{"organisation_id": uuid::Uuid::new_v4(), "seats": 1, "release_at": start}]})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "unknown-reference", Some("quotas[0].organisation_id")),
        (sessions_path.clone(), with(json!({"surprise": true})).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", None),
        (format!("/api/v1/workshops/{}/sessions", uuid::Uuid::new_v4()), good_session.to_string(), StatusCode::NOT_FOUND, "not-found", None),
        ("/api/v1/workshops/not-a-uuid/sessions".into(), good_session.to_string(), StatusCode::NOT_FOUND, "not-found", None),
        (format!("/api/v1/events/{ev}/workshops"), json!({"title": "", "description": "", "theme": "kennis", "host_organisation_id": org}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("title")),
        (format!("/api/v1/events/{ev}/workshops"), json!({"title": long, "description": "", "theme": "kennis", "host_organisation_id": org}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("title")),
        (format!("/api/v1/events/{ev}/workshops"), json!({"title": "T", "description": long, "theme": "kennis", "host_organisation_id": org}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("description")),
        (format!("/api/v1/events/{ev}/workshops"), json!({"title": "T", "description": "", "theme": "kennis", "host_organisation_id": org, "format": "zwemmen"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("format")),
        (format!("/api/v1/events/{ev}/workshops"), json!({"title": "T", "description": "", "theme": "kennis", "host_organisation_id": uuid::Uuid::new_v4()}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "unknown-reference", Some("host_organisation_id")),
        (format!("/api/v1/events/{ev}/workshops"), json!({"description": "", "theme": "kennis", "host_organisation_id": org}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("title")),
        ("/api/v1/events".into(), json!({"name": "W", "starts_on": "2026-02-30", "ends_on": "2026-03-02", "enrolment_opens_at": Utc::now(), "enrolment_closes_at": Utc::now() + Duration::days(1), "organisation_ids": [org]}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("starts_on")),
        ("/api/v1/events".into(), json!({"name": "W", "starts_on": "2026-11-20", "ends_on": "2026-11-16", "enrolment_opens_at": Utc::now(), "enrolment_closes_at": Utc::now() + Duration::days(1), "organisation_ids": [org]}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("ends_on")),
        ("/api/v1/events".into(), json!({"name": "W", "starts_on": "2026-11-16", "ends_on": "2026-11-20", "time_zone": "Mars/Olympus", "enrolment_opens_at": Utc::now(), "enrolment_closes_at": Utc::now() + Duration::days(1), "organisation_ids": [org]}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("time_zone")),
        ("/api/v1/events".into(), json!({"name": "W", "starts_on": "2026-11-16", "ends_on": "2026-11-20", "enrolment_opens_at": Utc::now(), "enrolment_closes_at": Utc::now() + Duration::days(1), "organisation_ids": []}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("organisation_ids")),
        ("/api/v1/organisations".into(), json!({"name": "   "}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("name")),
        ("/api/v1/organisations".into(), json!({"name": long}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("name")),
        ("/api/v1/organisations".into(), json!({"name": "enkhuizen"}).to_string(), StatusCode::CONFLICT, "name-taken", Some("name")),
        ("/api/v1/organisations".into(), json!([1, 2]).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("body")),
        ("/api/v1/people".into(), json!({"email": "geen-adres", "name": "A", "organisation_id": org}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("email")),
        ("/api/v1/people".into(), json!({"email": "a@b.nl", "name": "A", "organisation_id": uuid::Uuid::new_v4()}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "unknown-reference", Some("organisation_id")),
        ("/api/v1/people".into(), json!({"email": "a@b.nl", "name": "A", "organisation_id": "nope"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("organisation_id")),
        ("/api/v1/people".into(), json!({"email": "a@b.nl", "name": "A", "organisation_id": org, "language": "fy"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("language")),
        ("/api/v1/tokens".into(), json!({"person_id": uuid::Uuid::new_v4()}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "unknown-reference", Some("person_id")),
    ];
    for (path, body, status, slug, field) in cases {
        let res = app
            .client
            .post(app.url(&path))
            .bearer_auth(&app.admin)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let problem = expect_problem(res, status, slug).await;
        if let Some(f) = field {
            assert_eq!(problem["field"], f, "{path} {}: {problem}", &body[..body.len().min(120)]);
        }
    }

    // No content type, and a body over 1 MiB.
    let res = app
        .client
        .post(app.url(&sessions_path))
        .bearer_auth(&app.admin)
        .body(good_session.to_string())
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type").await;
    let huge =
        json!({"title": "x".repeat(2 * 1024 * 1024), "description": "", "theme": "k", "host_organisation_id": org});
    // On a connection of its own: the server answers 413 without reading the body and closes
    // that connection, which a pooled client could otherwise pick up for the next request.
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/events/{ev}/workshops")))
        .bearer_auth(&app.admin)
        .json(&huge)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large").await;
    // Bad query parameters.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/events/{ev}/programme?day=2026-13-01")))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::BAD_REQUEST, "invalid-parameter").await;
    let res = app
        .client
        .get(app.url(&format!("/api/v1/events/{ev}/programme?format=zwemmen")))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::BAD_REQUEST, "invalid-parameter").await;
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/enrolments/{}", uuid::Uuid::new_v4())))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::NOT_FOUND, "not-found").await;

    // Nothing of the above was written.
    let (_, programme) = app.get(&app.admin, &format!("/api/v1/events/{ev}/programme")).await;
    assert_eq!(programme["sessions"].as_array().unwrap().len(), 0);
    let (_, events) = app.get(&app.admin, "/api/v1/events").await;
    assert_eq!(events.as_array().unwrap().len(), 1);
    let (_, orgs) = app.get(&app.admin, "/api/v1/organisations").await;
    assert_eq!(orgs.as_array().unwrap().len(), 2, "Enkhuizen and the admins' organisation: {orgs}");
    let (_, people) = app.get(&app.admin, &format!("/api/v1/people?organisation_id={org}")).await;
    assert_eq!(people["total"], 0);
}

async fn a_csv_with_one_bad_row_imports_nobody(app: &TestApp) {
    let org = app.org("Dommelvallei").await;
    let csv = "email,name,organisation,org_unit,manager_email\n\
               a@dv.nl,Anna,Dommelvallei,ICT,\n\
               b@dv.nl,Bram,Dommelvallei,ICT,a@dv.nl\n\
               geen-adres,Cor,Dommelvallei,ICT,\n\
               d@dv.nl,Dirk,Onbekend,,\n";
    let res = app
        .client
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(&app.admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import-rejected").await;
    assert_eq!(problem["imported"], false);
    assert_eq!(problem["invalid"], 2);
    let rows = problem["rows"].as_array().unwrap();
    assert_eq!(rows[2]["line"], 4);
    assert_eq!(rows[2]["errors"][0]["field"], "email");
    assert_eq!(rows[3]["errors"][0]["field"], "organisation");
    let (_, people) = app.get(&app.admin, &format!("/api/v1/people?organisation_id={org}")).await;
    assert_eq!(people["total"], 0, "nothing imported");
    // The same file without the bad rows imports both, with Bram managed by Anna.
    let good = "email,name,organisation,org_unit,manager_email\nb@dv.nl,Bram,Dommelvallei,ICT,a@dv.nl\na@dv.nl,Anna,Dommelvallei,ICT,\n";
    let (st, report) = app
        .send(
            app.client
                .post(app.url("/api/v1/people/import"))
                .bearer_auth(&app.admin)
                .header("content-type", "text/csv")
                .body(good),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(2), Some(0)));
    let (_, people) = app.get(&app.admin, &format!("/api/v1/people?organisation_id={org}")).await;
    let items = people["items"].as_array().unwrap();
    let anna = items.iter().find(|p| p["email"] == "a@dv.nl").unwrap();
    let bram = items.iter().find(|p| p["email"] == "b@dv.nl").unwrap();
    assert_eq!(bram["manager_id"], anna["id"]);
}
