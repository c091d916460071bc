//! The OpenAPI document and the router's basic contract, without a network.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_store::{Store, StoreOptions};
use tower::ServiceExt;

async fn app() -> (axum::Router, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let (store, _background) = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let (_, token) = leerweek_store::people::create_admin(
        &store,
        EmailAddress::parse("admin@example.nl").unwrap(),
        Name::parse("Admin").unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    (leerweek_api::router(store, Default::default()), token, dir)
}

async fn call(app: &axum::Router, req: Request<Body>) -> (StatusCode, String, serde_json::Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, ct, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn the_openapi_document_is_version_3_1_and_lists_the_issue_paths() {
    let doc = serde_json::to_value(leerweek_api::openapi()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/organisations",
        "/api/v1/organisations/{id}/units",
        "/api/v1/people",
        "/api/v1/people/import",
        "/api/v1/tokens",
        "/api/v1/events",
        "/api/v1/events/{id}/publish",
        "/api/v1/events/{id}/workshops",
        "/api/v1/workshops/{id}/sessions",
        "/api/v1/events/{id}/programme",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/{id}/enrolments",
        "/api/v1/enrolments/{id}",
        "/api/v1/me/enrolments",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
}

#[tokio::test]
async fn the_served_document_matches_the_generated_one() {
    let (app, _, _dir) = app().await;
    let (status, _, body) = call(&app, Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, serde_json::to_value(leerweek_api::openapi()).unwrap());
}

#[tokio::test]
async fn requests_without_a_token_get_a_401_problem() {
    let (app, _, _dir) = app().await;
    let (status, ct, body) = call(&app, Request::get("/api/v1/events").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(ct, "application/problem+json");
    assert_eq!(body["type"], "/errors/unauthenticated");
    assert_eq!(body["status"], 401);
}

#[tokio::test]
async fn problems_speak_english_when_asked_and_dutch_by_default() {
    let (app, token, _dir) = app().await;
    let make = |lang: Option<&str>| {
        let mut r = Request::post("/api/v1/organisations")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json");
        if let Some(l) = lang {
            r = r.header("accept-language", l);
        }
        r.body(Body::from(r#"{"name": ""}"#)).unwrap()
    };
    let (status, _, nl) = call(&app, make(None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(nl["field"], "name");
    assert!(nl["detail"].as_str().unwrap().contains("mag niet leeg zijn"), "{nl}");
    let (_, _, en) = call(&app, make(Some("en-GB,en;q=0.9"))).await;
    assert!(en["detail"].as_str().unwrap().contains("must not be empty"), "{en}");
}

#[tokio::test]
async fn unknown_api_routes_are_problems_and_other_paths_get_the_app() {
    let (app, _, _dir) = app().await;
    let (status, ct, _) = call(&app, Request::get("/api/v1/nothing").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(ct, "application/problem+json");
    let res = app.clone().oneshot(Request::get("/mijn-week").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _, body) = call(&app, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")));
}

#[tokio::test]
async fn the_demo_persona_picker_exists_only_when_the_server_offers_personas() {
    let (app, _, dir) = app().await;
    let res = app.clone().oneshot(Request::get("/demo").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no picker outside demo mode");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let (store, _background) = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    let options = leerweek_api::ApiOptions {
        demo_personas: vec![("beheerder".into(), "Admin".into(), "admin@example.nl".into())],
        ..Default::default()
    };
    let demo = leerweek_api::router(store, options);
    // The demo answers this machine only: the connection comes from loopback.
    let local = axum::extract::ConnectInfo("127.0.0.1:40000".parse::<std::net::SocketAddr>().unwrap());
    let res = demo.clone().oneshot(Request::get("/demo").extension(local).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = demo.clone().oneshot(Request::get("/demo").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no connection address: not this machine");
    let form = |email: &str| {
        Request::post("/demo/aanmelden")
            .extension(local)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("email={email}")))
            .unwrap()
    };
    let res = demo.clone().oneshot(form("admin%40example.nl")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let (status, _, me) =
        call(&demo, Request::get("/api/v1/me").header("cookie", cookie).body(Body::empty()).unwrap()).await;
    assert_eq!((status, me["email"].as_str()), (StatusCode::OK, Some("admin@example.nl")));
    let res = demo.clone().oneshot(form("someone%40else.nl")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "only the offered personas");
}

/// The web app's typed client is generated from `frontend/src/api/openapi.json`; this test fails
/// when the committed document differs from what the server produces. To update it after an API
/// change: `LEERWEEK_BLESS=1 cargo test -p leerweek-api --test openapi`, then
/// `npm --prefix frontend run api:types` (the frontend's own check compares the generated types).
#[test]
fn the_frontends_committed_openapi_document_matches_the_server() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/src/api/openapi.json");
    let produced = leerweek_api::openapi().to_pretty_json().unwrap() + "\n";
    if std::env::var_os("LEERWEEK_BLESS").is_some() {
        std::fs::write(&path, &produced).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == produced,
        "frontend/src/api/openapi.json differs from the server's document: run \
         LEERWEEK_BLESS=1 cargo test -p leerweek-api --test openapi && npm --prefix frontend run api:types"
    );
}

/// Server errors quote the request id: the problem schema documents the member, not required.
#[test]
fn the_problem_schema_documents_the_request_id_of_server_errors() {
    let doc = serde_json::to_value(leerweek_api::openapi()).unwrap();
    let parts = doc["components"]["schemas"]["Problem"]["allOf"].as_array().unwrap();
    let own = parts.iter().find(|p| p["properties"].is_object()).unwrap();
    let member = &own["properties"]["request_id"];
    assert!(member["type"].as_array().is_some_and(|t| t.contains(&"string".into())), "{member}");
    assert!(member["description"].as_str().unwrap().contains("x-request-id"), "{member}");
    assert!(!own["required"].as_array().unwrap().contains(&"request_id".into()));
}

/// Query parameters are documented as such (a path parameter the path does not name would make the
/// generated client demand it in the path), and optional ones are not required.
#[test]
fn every_path_parameter_is_in_its_path_and_query_parameters_are_optional() {
    let doc = serde_json::to_value(leerweek_api::openapi()).unwrap();
    let mut wrong = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let nullable = p["schema"]["type"].as_array().is_some_and(|t| t.iter().any(|t| t == "null"));
                match p["in"].as_str().unwrap() {
                    "path" if !path.contains(&format!("{{{name}}}")) => {
                        wrong.push(format!("{method} {path}: {name} in path"))
                    }
                    "query" if nullable && p["required"] == true => {
                        wrong.push(format!("{method} {path}: {name} required"))
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// utoipa names a schema after its Rust type, so two `FooDto`s in different modules would silently
/// overwrite each other in the document (and the generated client would get the wrong type).
#[test]
fn no_two_schemas_share_a_name() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen = std::collections::BTreeMap::<String, Vec<String>>::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let mut derives_schema = false;
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    derives_schema = true;
                } else if derives_schema && (line.starts_with("pub struct ") || line.starts_with("pub enum ")) {
                    let name = line.split_whitespace().nth(2).unwrap().trim_end_matches(['{', '(', ';']);
                    let name = name.split('<').next().unwrap().to_owned();
                    seen.entry(name).or_default().push(p.display().to_string());
                    derives_schema = false;
                } else if !line.starts_with("#[") && !line.starts_with("///") {
                    derives_schema = false;
                }
            }
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(seen.len() > 50, "found only {} schemas", seen.len());
    assert!(twice.is_empty(), "schema names used twice: {twice:#?}");
}

/// Every `$ref` in the document points at a schema it defines (the client generator refuses
/// dangling references).
#[test]
fn every_operation_id_is_unique() {
    // A client generated from the document names each call by its operationId: two alike and
    // one call silently takes the other's types.
    let doc = serde_json::to_value(leerweek_api::openapi()).unwrap();
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut twice = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(id) = op["operationId"].as_str() else { continue };
            let here = format!("{method} {path}");
            if let Some(first) = seen.insert(id.to_owned(), here.clone()) {
                twice.push(format!("{id}: {first} and {here}"));
            }
        }
    }
    assert!(twice.is_empty(), "operationIds used twice: {twice:#?}");
}

#[test]
fn every_reference_resolves() {
    fn walk(v: &serde_json::Value, refs: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    refs.push(r.to_owned());
                }
                m.values().for_each(|v| walk(v, refs));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, refs)),
            _ => {}
        }
    }
    let doc = serde_json::to_value(leerweek_api::openapi()).unwrap();
    let mut refs = vec![];
    walk(&doc, &mut refs);
    assert!(refs.len() > 100, "only {} references", refs.len());
    let dangling: std::collections::BTreeSet<_> =
        refs.iter().filter(|r| doc.pointer(r.trim_start_matches('#')).is_none()).collect();
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}

/// Client-side routes get the web app's `index.html` (or, without a build, the page that says how
/// to make one), with the app's CSP; a missing file is a 404, and unknown API paths stay problems.
#[tokio::test]
async fn the_web_app_is_served_with_client_side_routes_falling_back_to_its_index() {
    let (app, _, _dir) = app().await;
    let built = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist/index.html"),
    )
    .ok();
    for path in ["/", "/mijn-week", "/sessies/0190c0de-0000-7000-8000-000000000000", "/organiseren/weken/x"] {
        let res = app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        let html =
            String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
        match &built {
            Some(index) => assert_eq!(&html, index, "{path}"),
            None => assert!(html.contains("npm run build"), "{path}: {html}"),
        }
    }
    let res = app.clone().oneshot(Request::get("/assets/gone-1234.js").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, ct, body) = call(&app, Request::get("/api/v1/nothing-here").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ct.starts_with("application/problem+json"), "{ct} {body}");
}

/// A body that never ends, and a request that takes too long: both get a problem, not silence.
#[tokio::test]
async fn a_stalled_body_gets_408_and_a_request_over_its_time_503_both_as_problems() {
    let (_, token, dir) = app().await;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let (store, _background) = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    let stalled = || {
        Request::post("/api/v1/organisations")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from_stream(futures::stream::pending::<Result<axum::body::Bytes, std::io::Error>>()))
            .unwrap()
    };
    let short = std::time::Duration::from_millis(200);
    let long = std::time::Duration::from_secs(30);
    for (body_read_timeout, request_timeout, status, slug) in [
        (short, long, StatusCode::REQUEST_TIMEOUT, "/errors/request-timeout"),
        (long, short, StatusCode::SERVICE_UNAVAILABLE, "/errors/timeout"),
    ] {
        let options = leerweek_api::ApiOptions { body_read_timeout, request_timeout, ..Default::default() };
        let app = leerweek_api::router(store.clone(), options);
        let started = std::time::Instant::now();
        let (got, ct, body) = call(&app, stalled()).await;
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "answered only after {:?}", started.elapsed());
        assert_eq!(
            (got, ct.as_str(), body["type"].as_str()),
            (status, "application/problem+json", Some(slug)),
            "{body}"
        );
    }
}
