//! Bad input gets a clear problem and loses nothing: never a 500, never a partial write.

use crate::harness::{TestApp, expect_problem, first_day, local};
use crate::on_both_backends;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    bad_requests_get_problems_with_the_field_and_write_nothing,
    a_csv_with_one_bad_row_imports_nobody,
    a_name_typed_as_a_formula_never_runs_in_an_organisers_spreadsheet,
);

/// A person's name (set by an organiser, an import or single sign-on) that a spreadsheet would
/// run as a formula lands neutralised in the CSV downloads and as plain text in the XLSX ones.
async fn a_name_typed_as_a_formula_never_runs_in_an_organisers_spreadsheet(app: &TestApp) {
    let org = app.org("Enkhuizen").await;
    let name = "=HYPERLINK(\"https://kwaad.example\",\"Klik\")";
    let (st, p) = app
        .post(
            &app.admin,
            "/api/v1/people",
            json!({"email": "formule@enkhuizen.nl", "name": name, "organisation_id": org}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    let who = crate::harness::Person { id: crate::harness::id(&p), token: app.token(crate::harness::id(&p)).await };
    let ev = app.week(&[org], json!({})).await;
    let s = app.session(app.workshop(ev, org, json!({"title": "@Excel voor iedereen"})).await, 0, 10, 2, 5).await;
    let (st, e) = app.enrol(&who, s).await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    let get = |path: String| app.client.get(app.url(&path)).bearer_auth(&app.admin).send();

    let text = get(format!("/api/v1/sessions/{s}/enrolments?format=csv")).await.unwrap().text().await.unwrap();
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let cells: Vec<String> = rows.records().next().expect("a row").unwrap().iter().map(str::to_owned).collect();
    assert_eq!(cells[0], format!("'{name}"), "{text}");
    let report = get(format!("/api/v1/events/{ev}/reports/sessions?format=csv")).await.unwrap().text().await.unwrap();
    assert!(report.contains("'@Excel voor iedereen") && !report.contains(",@Excel"), "{report}");

    let bytes = get(format!("/api/v1/sessions/{s}/enrolments?format=xlsx")).await.unwrap().bytes().await.unwrap();
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.rows().nth(1).unwrap()[0], calamine::Data::String(name.to_owned()), "a typed string");
    let formulas = book.worksheet_formula(&book.sheet_names()[0].clone()).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula in the workbook");
}

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
    assert_eq!((report["new"].as_u64(), report["changed"].as_u64()), (Some(2), Some(0)));
    let (_, people) = app.get(&app.admin, &format!("/api/v1/people?organisation_id={org}")).await;
    let items = people["items"].as_array().unwrap();
    let anna = items.iter().find(|p| p["email"] == "a@dv.nl").unwrap();
    let bram = items.iter().find(|p| p["email"] == "b@dv.nl").unwrap();
    assert_eq!(bram["manager_id"], anna["id"]);
}

on_both_backends!(
    a_chunked_body_over_the_limit_is_refused_with_413,
    page_numbers_past_any_list_are_bad_parameters_not_crashes,
    answers_match_the_schemas_the_api_documents
);

/// Without a Content-Length the server cannot refuse up front: it counts while reading.
async fn a_chunked_body_over_the_limit_is_refused_with_413(app: &TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/organisations HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        app.admin
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // 2 MiB in 64 KiB chunks; the server may stop reading (and close) before the end.
    let chunk = [format!("{:x}\r\n", 64 * 1024).into_bytes(), vec![b' '; 64 * 1024], b"\r\n".to_vec()].concat();
    for _ in 0..32 {
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("content-type: application/problem+json"), "{answer}");
    assert!(answer.contains("\"/errors/payload-too-large\""), "{answer}");
    let (_, orgs) = app.get(&app.admin, "/api/v1/organisations").await;
    assert_eq!(orgs.as_array().unwrap().len(), 1, "only the admins' organisation: {orgs}");
}

/// Schemathesis found it: `(page - 1) * per_page` overflowed for a page near 2^63 and the
/// server dropped the connection. Every paged list now takes pages 1–1,000,000.
async fn page_numbers_past_any_list_are_bad_parameters_not_crashes(app: &TestApp) {
    let org = app.org("Oirschot").await;
    let ev = app.week(&[org], json!({})).await;
    let lists = [
        "/api/v1/admin/outbox?".to_owned(),
        "/api/v1/admin/audit?".to_owned(),
        format!("/api/v1/people?organisation_id={org}&"),
        format!("/api/v1/events/{ev}/reports/people?"),
        format!("/api/v1/events/{ev}/reports/reach?"),
    ];
    for list in &lists {
        for (query, field) in [
            ("page=9223372036854775808", "page"),
            ("page=18446744073709551615&per_page=500", "page"),
            ("page=1000001", "page"),
            ("page=0", "page"),
            ("per_page=0", "per_page"),
            ("per_page=100000", "per_page"),
        ] {
            let res = app.client.get(app.url(&format!("{list}{query}"))).bearer_auth(&app.admin).send().await.unwrap();
            let problem = expect_problem(res, StatusCode::BAD_REQUEST, "invalid-parameter").await;
            assert_eq!(problem["field"], field, "{list}{query}: {problem}");
        }
        let (status, page) = app.get(&app.admin, &format!("{list}page=1000000&per_page=500")).await;
        assert_eq!(status, StatusCode::OK, "{list}: {page}");
        assert_eq!(page["items"].as_array().map(Vec::len), Some(0), "{list}: {page}");
    }
}

/// Schemathesis found answers that broke their documented schema: a quota's `used` seats were
/// left out of the document, and the audit log's before/after may be a plain value (a status).
async fn answers_match_the_schemas_the_api_documents(app: &TestApp) {
    let doc = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json::<Value>().await.unwrap();
    let org = app.org("Best").await;
    let ev = app.week(&[org], json!({})).await;
    let w = app.workshop(ev, org, json!({})).await;
    let start = local(first_day(), 10);
    let body = json!({"starts_at": start, "ends_at": start + Duration::hours(2), "capacity": 10,
        "location": {"venue": "Stadhuis"}, "quotas": [{"organisation_id": org, "seats": 4, "release_at": start - Duration::days(2)}]});
    let (status, session) = app.post(&app.admin, &format!("/api/v1/workshops/{w}/sessions"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    assert_eq!(session["quotas"][0]["used"], 0, "{session}");
    let s = session["id"].as_str().unwrap();
    for (template, path) in [
        ("/api/v1/sessions/{id}", format!("/api/v1/sessions/{s}")),
        ("/api/v1/workshops/{id}/sessions", format!("/api/v1/workshops/{w}/sessions")),
        ("/api/v1/events/{id}/programme", format!("/api/v1/events/{ev}/programme")),
        ("/api/v1/admin/audit", "/api/v1/admin/audit?per_page=500".to_owned()),
    ] {
        let (status, answer) = app.get(&app.admin, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        let schema = &doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{template} documents no JSON answer");
        let mut errors = Vec::new();
        conforms(&doc, schema, &answer, "$", &mut errors);
        assert!(errors.is_empty(), "GET {path} does not match its documented schema:\n{}", errors.join("\n"));
    }
    let (_, audit) = app.get(&app.admin, "/api/v1/admin/audit?per_page=500").await;
    assert!(
        audit["items"].as_array().unwrap().iter().any(|e| e["before"].is_string()),
        "the publication's status change is in the audit log, with plain before/after values: {audit}"
    );
}

/// A small JSON Schema check (what utoipa emits: `$ref`, `type`, `properties`, `required`,
/// `additionalProperties: false`, `items`, `oneOf`/`anyOf`/`allOf`, `enum`); errors name the place.
fn conforms(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return conforms(doc, &doc["components"]["schemas"][name], v, at, errors);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema[key].as_array() {
            let fits = branches.iter().any(|b| {
                let mut e = Vec::new();
                conforms(doc, b, v, at, &mut e);
                e.is_empty()
            });
            if !fits {
                errors.push(format!("{at}: fits none of {key} {}", schema[key]));
            }
        }
    }
    for b in schema["allOf"].as_array().into_iter().flatten() {
        conforms(doc, b, v, at, errors);
    }
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(v)
    {
        errors.push(format!("{at}: {v} is not one of {}", schema["enum"]));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_fits = |t: &str| match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    };
    if !types.is_empty() && !types.iter().any(|t| type_fits(t)) {
        errors.push(format!("{at}: {v} is not of type {}", schema["type"]));
        return;
    }
    if let Some(obj) = v.as_object() {
        let props = schema["properties"].as_object();
        for (k, item) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => conforms(doc, s, item, &format!("{at}.{k}"), errors),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    errors.push(format!("{at}: `{k}` is not documented"))
                }
                None => {}
            }
        }
        for k in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !obj.contains_key(k) {
                errors.push(format!("{at}: required `{k}` is missing"));
            }
        }
    }
    if let (Some(items), Some(schema_items)) = (v.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            conforms(doc, schema_items, item, &format!("{at}[{i}]"), errors);
        }
    }
}
