//! Request ids and request spans through the real router (SQLite, no network): every response
//! carries an `x-request-id`, a client's sane id is kept and a hostile one replaced, a server
//! error quotes the id in its problem and in its log line, and spans name the route template.

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_store::{Store, StoreOptions};
use sea_orm::ConnectionTrait;
use tower::ServiceExt;
use uuid::Uuid;

async fn app() -> (axum::Router, String, Store, tempfile::TempDir) {
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
    (leerweek_api::router(store.clone(), Default::default()), token, store, dir)
}

/// The response's status, request id and body.
async fn call(app: &axum::Router, req: Request<Body>) -> (StatusCode, String, serde_json::Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ids: Vec<_> = res.headers().get_all("x-request-id").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 1, "one x-request-id, got {ids:?}");
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, ids[0].clone(), serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

fn get(path: &str, id: Option<&[u8]>) -> Request<Body> {
    let mut req = Request::get(path).body(Body::empty()).unwrap();
    if let Some(id) = id {
        req.headers_mut().insert("x-request-id", HeaderValue::from_bytes(id).unwrap());
    }
    req
}

fn fresh(id: &str) -> bool {
    Uuid::parse_str(id).is_ok_and(|u| u.get_version_num() == 7)
}

#[tokio::test]
async fn every_response_carries_a_fresh_request_id_of_its_own() {
    let (app, _, _, _dir) = app().await;
    let mut seen = std::collections::HashSet::new();
    for path in ["/health", "/api/v1/events", "/api/v1/nothing", "/mijn-week", "/api/v1/openapi.json"] {
        let (status, id, _) = call(&app, get(path, None)).await;
        assert!(fresh(&id), "{path} ({status}): {id}");
        assert!(seen.insert(id), "{path}: an id given twice");
    }
}

#[tokio::test]
async fn a_sane_request_id_of_the_client_is_kept() {
    let (app, _, _, _dir) = app().await;
    for given in ["4bf92f3577b34da6a3ce929d0e0e4736", "client-42.retry:2_b", &"x".repeat(64)] {
        let (_, id, _) = call(&app, get("/health", Some(given.as_bytes()))).await;
        assert_eq!(id, given);
        let (status, id, body) = call(&app, get("/api/v1/events", Some(given.as_bytes()))).await;
        assert_eq!((status, id.as_str()), (StatusCode::UNAUTHORIZED, given));
        assert!(body.get("request_id").is_none(), "only server errors quote the id: {body}");
    }
}

#[tokio::test]
async fn a_hostile_request_id_is_replaced_by_a_fresh_one() {
    let (app, _, _, _dir) = app().await;
    let long = "x".repeat(65);
    for given in [long.as_bytes(), b"a\tb", b"a b", b"\"><script>", b"id\xc3\xa9", b"", b"a/../b"] {
        let (_, id, _) = call(&app, get("/health", Some(given))).await;
        assert!(fresh(&id), "{:?} answered with {id}", String::from_utf8_lossy(given));
    }
    let mut twice = get("/health", Some(b"a"));
    twice.headers_mut().append("x-request-id", HeaderValue::from_static("b"));
    let (_, id, _) = call(&app, twice).await;
    assert!(fresh(&id), "two ids answered with {id}");
}

/// What the request spans and log lines held.
mod capture {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id};
    use tracing::{Event, Subscriber};
    use tracing_subscriber::layer::{Context, Layer};
    use tracing_subscriber::registry::LookupSpan;

    /// Field names and values.
    #[derive(Debug, Clone, Default)]
    pub struct Fields(pub BTreeMap<String, String>);

    impl Visit for Fields {
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_owned(), value.to_owned());
        }
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }
    }

    /// A log line and the fields of the request span it was written in.
    #[derive(Debug, Clone)]
    pub struct Line {
        pub fields: Fields,
        pub request: Option<Fields>,
    }

    /// Every `request` span and every log line.
    #[derive(Clone, Default)]
    pub struct Captured {
        pub spans: Arc<Mutex<Vec<Fields>>>,
        pub lines: Arc<Mutex<Vec<Line>>>,
    }

    impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Captured {
        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
            if attrs.metadata().name() != "request" {
                return;
            }
            let mut fields = Fields::default();
            attrs.record(&mut fields);
            self.spans.lock().unwrap().push(fields.clone());
            if let Some(span) = ctx.span(id) {
                span.extensions_mut().insert(fields);
            }
        }

        fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
            let mut fields = Fields::default();
            event.record(&mut fields);
            let request = ctx
                .event_scope(event)
                .and_then(|scope| scope.from_root().find_map(|s| s.extensions().get::<Fields>().cloned()));
            self.lines.lock().unwrap().push(Line { fields, request });
        }
    }

    thread_local! {
        /// The capture of the test running on this thread, if it captures.
        pub static SINK: std::cell::RefCell<Option<Captured>> = const { std::cell::RefCell::new(None) };
    }

    /// Ends this thread's capture when dropped.
    pub struct Guard;

    impl Drop for Guard {
        fn drop(&mut self) {
            SINK.with(|s| *s.borrow_mut() = None);
        }
    }

    /// The global layer: hands spans and events to this thread's capture.
    pub struct Routed;

    impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Routed {
        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
            if let Some(c) = SINK.with(|s| s.borrow().clone()) {
                c.on_new_span(attrs, id, ctx);
            }
        }

        fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
            if let Some(c) = SINK.with(|s| s.borrow().clone()) {
                c.on_event(event, ctx);
            }
        }
    }
}

/// Capture this test's request spans and log lines. One global subscriber serves every test of
/// this binary and hands each event to the capture of the thread it happens on (a test's
/// runtime runs on its own thread): a subscriber set per thread races with the other tests'
/// threads over which callsites are enabled, and a span could go unrecorded.
fn capture() -> (capture::Captured, capture::Guard) {
    use tracing_subscriber::layer::SubscriberExt;
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(capture::Routed))
            .expect("the tests' subscriber");
    });
    let captured = capture::Captured::default();
    capture::SINK.with(|s| *s.borrow_mut() = Some(captured.clone()));
    (captured, capture::Guard)
}

#[tokio::test]
async fn spans_name_the_route_template_and_the_request_id_never_the_path() {
    let (app, _, _, _dir) = app().await;
    let (captured, _guard) = capture();
    let session = Uuid::now_v7();
    let (status, id, _) = call(&app, get(&format!("/api/v1/sessions/{session}/enrolments?x=geheim"), None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, fallback_id, _) = call(&app, get("/sessies/pad-geheim", Some(b"mine-1"))).await;
    let spans = captured.spans.lock().unwrap().clone();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let fields = |i: usize, name: &str| spans[i].0.get(name).cloned().unwrap_or_default();
    assert_eq!(fields(0, "route"), "/api/v1/sessions/{id}/enrolments");
    assert_eq!((fields(0, "method").as_str(), fields(0, "request_id")), ("GET", id));
    assert_eq!((fields(1, "route").as_str(), fields(1, "request_id").as_str()), ("(fallback)", "mine-1"));
    assert_eq!(fallback_id, "mine-1");
    let all = format!("{spans:?}");
    // "geheim" is in the query of the first path and in the second path; a request id is hex and
    // never holds it (a number such as "123" could turn up in a fresh id by chance).
    assert!(!all.contains(&session.to_string()) && !all.contains("geheim") && !all.contains("pad"), "{all}");
}

#[tokio::test]
async fn a_server_error_quotes_the_request_id_in_its_problem_and_its_log_line() {
    let (app, token, _store, dir) = app().await;
    // The database loses a table under the running server (renamed on a connection of the
    // test's own): listing the weeks fails, unexpectedly.
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let own = sea_orm::Database::connect(url.as_str()).await.unwrap();
    own.execute_unprepared("ALTER TABLE events RENAME TO events_gone").await.unwrap();
    own.close().await.unwrap();
    let (captured, _guard) = capture();
    let list = |id: Option<&str>, lang: &str| {
        let mut req = Request::get("/api/v1/events")
            .header("authorization", format!("Bearer {token}"))
            .header("accept-language", lang)
            .body(Body::empty())
            .unwrap();
        if let Some(id) = id {
            req.headers_mut().insert("x-request-id", HeaderValue::from_str(id).unwrap());
        }
        req
    };
    let (status, id, body) = call(&app, list(None, "nl")).await;
    assert_eq!(
        (status, body["type"].as_str(), body["status"].as_u64()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("/errors/internal"), Some(500))
    );
    assert!(fresh(&id), "{id}");
    assert_eq!(body["request_id"].as_str(), Some(id.as_str()), "{body}");
    assert_eq!(body["detail"], "Er ging iets mis aan onze kant; het is gelogd.");
    let (_, id, body) = call(&app, list(Some("melding-17"), "en")).await;
    assert_eq!((id.as_str(), body["request_id"].as_str()), ("melding-17", Some("melding-17")), "{body}");
    assert_eq!(body["detail"], "Something went wrong on our side; it has been logged.");

    let lines = captured.lines.lock().unwrap().clone();
    let errors: Vec<_> =
        lines.iter().filter(|l| l.fields.0.get("message").is_some_and(|m| m.contains("answered 500"))).collect();
    assert_eq!(errors.len(), 2, "each failure logged once: {errors:#?}");
    let last = errors[1].request.as_ref().expect("the log line is in the request's span");
    assert_eq!(last.0.get("request_id").map(String::as_str), Some("melding-17"));
    assert_eq!(last.0.get("route").map(String::as_str), Some("/api/v1/events"));
    assert!(errors[1].fields.0["error"].contains("events"), "{:?}", errors[1].fields);
}
