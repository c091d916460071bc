//! Leerweek's HTTP API: the axum router, handlers, bearer-token auth, problem+json errors and
//! the OpenAPI document. Handlers extract, call the store, and map; no SQL here.

pub mod client;
pub mod esco_file;
pub mod export;
pub mod extract;
pub mod limit;
pub mod may;
pub mod page;
pub mod paging;
pub mod people_file;
pub mod problem;
pub mod programme;
pub mod request_id;
pub mod routes;
pub mod sso;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use leerweek_store::Store;
use routes::{
    access, allocation, approvals, assignments, attendance, auth, certificates, enrolments, events, feedback, import,
    mail, organisations, outbox, people, portfolio, privacy, programme as programme_routes, reports, sessions, setup,
    skills, sso as single_sign_on, sso_trial, workshops,
};
use std::time::Duration;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::DeadlineBody;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ApiOptions {
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// Longest a request body may take to arrive before it is answered 408.
    pub body_read_timeout: Duration,
    /// Public address of the app, for links (calendar feed).
    pub public_url: String,
    /// Sender of mails, `Name <address>`: the organizer in calendar entries.
    pub mail_from: String,
    /// Demo personas `(role, name, e-mail)` offered at `/demo` (empty: no picker).
    pub demo_personas: Vec<(String, String, String)>,
    /// The configured retention period in days, until an admin sets one.
    pub retention_days: u32,
    /// Cookies only over https (`Secure`): when `public_url` is https, and by default whenever
    /// the server is reachable beyond this machine (see `leerweek::startup::api_options`).
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` names the client (`server.trusted_proxies`; none by
    /// default: then the connection's own address counts).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The file transport's directory, when mail goes to `.eml` files: an erasure removes the
    /// erased person's files there too.
    pub mail_file_dir: Option<std::path::PathBuf>,
}

impl Default for ApiOptions {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(20),
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "Leerweek <noreply@leerweek.localhost>".into(),
            demo_personas: vec![],
            retention_days: 365,
            secure_cookies: false,
            trusted_proxies: vec![],
            mail_file_dir: None,
        }
    }
}

/// Shared state of every handler: one allocation shared by reference count, since axum clones
/// the state for every handler and middleware that asks for it (with the fields inline that
/// was two strings copied and a dozen counters touched per request).
#[derive(Clone)]
pub struct AppState(std::sync::Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Shared {
    /// The database.
    pub store: Store,
    /// Public address of the app.
    pub public_url: String,
    /// Whether cookies carry `Secure`.
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub proxies: client::TrustedProxies,
    /// The file transport's directory, if mail goes to files.
    pub mail_file_dir: Option<std::path::PathBuf>,
    /// The sender's bare address.
    pub mail_from_address: String,
    /// The installation's name as the issuer of certificates: the sender's display name
    /// (`Leerweek SED <…>` → "Leerweek SED"), else "Leerweek".
    pub issuer_name: String,
    /// Rate limits of sign-in requests.
    pub limits: Limits,
    /// Demo personas `(role, name, e-mail)`, when the picker is on.
    pub demo_personas: Vec<(String, String, String)>,
    /// The OpenID Connect client of the organisations' sign-in providers.
    pub sso: sso::Sso,
    /// The programmes, shared among their readers for a moment.
    pub programme: programme::ProgrammeCache,
    /// The configured retention period in days, until an admin sets one.
    pub retention_days: u32,
    /// The mail templates, for the subjects in the admins' view of the outbox.
    pub mail_templates: leerweek_mailer::render::Renderer,
}

/// Rate limits of sign-in requests: per address and per client IP.
pub struct Limits {
    /// Link requests per e-mail address.
    pub per_address: limit::RateLimiter,
    /// Link requests per client IP.
    pub per_ip: limit::RateLimiter,
    /// Single sign-on starts per client IP (generous: a town hall signs in behind one address).
    pub sso_per_ip: limit::RateLimiter,
    /// Certificate verifications per client IP: enough for an employer checking a pile of
    /// certificates, too few to try codes.
    pub verify_per_ip: limit::RateLimiter,
}

impl Default for Limits {
    fn default() -> Self {
        let window = Duration::from_secs(15 * 60);
        Self {
            per_address: limit::RateLimiter::new(5, window),
            per_ip: limit::RateLimiter::new(30, window),
            sso_per_ip: limit::RateLimiter::new(1000, window),
            verify_per_ip: limit::RateLimiter::new(300, window),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Leerweek API", description = "Plan a development week shared by municipalities: programme, enrolment, waiting lists.", version = "1"),
    components(schemas(problem::Problem, problem::FieldProblem)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes together with their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(organisations::create_organisation, organisations::list_organisations))
        .routes(routes!(organisations::get_organisation, organisations::update_organisation))
        .routes(routes!(organisations::create_unit, organisations::list_units))
        .routes(routes!(organisations::update_unit))
        .routes(routes!(organisations::merge_unit))
        .routes(routes!(people::create_person, people::list_people))
        .routes(routes!(people::get_person))
        .routes(routes!(access::person_roles, access::grant_role))
        .routes(routes!(access::revoke_role))
        .routes(routes!(access::list_sign_ins))
        .routes(routes!(access::revoke_sign_in))
        .routes(routes!(access::issue_token))
        .routes(routes!(setup::setup_state, setup::complete_setup))
        .routes(routes!(people::me, people::update_me))
        .routes(routes!(events::create_event, events::list_events))
        .routes(routes!(events::get_event, events::update_event))
        .routes(routes!(events::publish_event))
        .routes(routes!(events::close_event))
        .routes(routes!(events::archive_event))
        .routes(routes!(events::leave_event))
        .routes(routes!(allocation::my_preferences, allocation::set_preferences))
        .routes(routes!(allocation::run_allocation, allocation::last_allocation))
        .routes(routes!(programme_routes::programme))
        .routes(routes!(programme_routes::themes))
        .routes(routes!(skills::list_skills, skills::create_skill))
        .routes(routes!(skills::get_skill, skills::update_skill))
        .routes(routes!(skills::merge_skill))
        .routes(routes!(skills::search_esco))
        .routes(routes!(skills::my_skills, skills::set_my_skills))
        .routes(routes!(skills::assess))
        .routes(routes!(portfolio::my_portfolio))
        .routes(routes!(portfolio::my_portfolio_pdf))
        .routes(routes!(portfolio::report_portfolio))
        .routes(routes!(portfolio::get_reflection, portfolio::put_reflection, portfolio::delete_reflection))
        .routes(routes!(assignments::create, assignments::list))
        .routes(routes!(assignments::get, assignments::update))
        .routes(routes!(assignments::responses::respond, assignments::responses::list))
        .routes(routes!(assignments::responses::suggestions))
        .routes(routes!(assignments::responses::withdraw))
        .routes(routes!(assignments::responses::invite))
        .routes(routes!(assignments::responses::select))
        .routes(routes!(assignments::responses::decline))
        .routes(routes!(assignments::responses::mine))
        .routes(routes!(assignments::consent::mine))
        .routes(routes!(assignments::consent::get))
        .routes(routes!(assignments::consent::decide))
        .routes(routes!(
            assignments::consent::get_reflection,
            assignments::consent::put_reflection,
            assignments::consent::delete_reflection
        ))
        .routes(routes!(assignments::consent::profile, assignments::consent::set_profile))
        .routes(routes!(assignments::figures::report))
        .routes(routes!(workshops::create_workshop))
        .routes(routes!(workshops::get_workshop, workshops::update_workshop))
        .routes(routes!(workshops::cancel_workshop))
        .routes(routes!(sessions::create_session, sessions::list_sessions))
        .routes(routes!(sessions::get_session, sessions::update_session))
        .routes(routes!(sessions::cancel_session))
        .routes(routes!(sessions::message_participants))
        .routes(routes!(sessions::host_contacts))
        .routes(routes!(enrolments::enrol, enrolments::participants))
        .routes(routes!(enrolments::get_enrolment, enrolments::cancel))
        .routes(routes!(enrolments::cancel_with_reason))
        .routes(routes!(approvals::mine))
        .routes(routes!(approvals::approve))
        .routes(routes!(approvals::decline))
        .routes(routes!(enrolments::my_enrolments))
        .routes(routes!(enrolments::person_enrolments))
        .routes(routes!(mail::get_calendar_token, mail::rotate_calendar_token, mail::revoke_calendar_token))
        .routes(routes!(mail::calendar_feed))
        .routes(routes!(outbox::list_outbox))
        .routes(routes!(outbox::retry_failed))
        .routes(routes!(outbox::send_test_mail))
        .routes(routes!(outbox::mail_health))
        .routes(routes!(auth::request_link))
        .routes(routes!(auth::redeem, auth::current, auth::sign_out))
        .routes(routes!(auth::sign_out_everywhere))
        .routes(routes!(privacy::export))
        .routes(routes!(privacy::erase))
        .routes(routes!(privacy::audit_log))
        .routes(routes!(outbox::retry_outbox))
        .routes(routes!(privacy::export_person))
        .routes(routes!(privacy::get_privacy_settings, privacy::put_privacy_settings))
        .routes(routes!(single_sign_on::put_provider, single_sign_on::get_provider, single_sign_on::delete_provider))
        .routes(routes!(single_sign_on::offered))
        .routes(routes!(sso_trial::start_test))
        .routes(routes!(certificates::certificate_pdf))
        .routes(routes!(certificates::certificate_json))
        .routes(routes!(certificates::certificate_jwt))
        .routes(routes!(certificates::verify))
        .routes(routes!(certificates::of_session))
        .routes(routes!(certificates::session_zip))
        .routes(routes!(certificates::revoke))
        .routes(routes!(certificates::issuer_profile))
        .routes(routes!(certificates::public_key))
        .routes(routes!(certificates::status_list))
        .routes(routes!(attendance::check_in))
        .routes(routes!(attendance::mark))
        .routes(routes!(attendance::all_present))
        .routes(routes!(attendance::close))
        .routes(routes!(attendance::qr))
        .routes(routes!(feedback::link, feedback::give_by_token))
        .routes(routes!(feedback::give))
        .routes(routes!(feedback::of_workshop))
        .routes(routes!(reports::participation))
        .routes(routes!(reports::people))
        .routes(routes!(reports::reach))
        .routes(routes!(reports::sessions))
        .routes(routes!(reports::mix))
        // A file of 20,000 people is larger than any other body.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(import::import_people))
                .routes(routes!(import::preview_import))
                .layer(DefaultBodyLimit::max(import::MAX_FILE_BYTES)),
        )
        // The EU's ESCO skills file in one language.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(skills::upload_esco))
                .layer(DefaultBodyLimit::max(skills::MAX_ESCO_BYTES)),
        )
        .split_for_parts()
}

/// The OpenAPI document (3.1) of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The whole application: `/api/v1/…`, `/health`, and the frontend.
pub fn router(store: Store, options: ApiOptions) -> Router {
    let (api, doc) = api();
    let doc = std::sync::Arc::new(doc.to_pretty_json().unwrap_or_default());
    let api = api
        .route(
            "/api/v1/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], (*doc).clone()) }),
        )
        .fallback(problem::no_route);
    let app = Router::new()
        .route("/health", get(health))
        .route("/aanmelden", get(routes::auth::sign_in_page))
        .route("/feedback", get(routes::feedback::form_page).post(routes::feedback::form_post))
        .route("/afmelden", get(routes::links::cancel::page).post(routes::links::cancel::post))
        .route("/beslissen", get(routes::links::decide::page).post(routes::links::decide::post))
        .route("/instemmen", get(routes::links::consent::page).post(routes::links::consent::post))
        .route("/aanmelden/sso/callback", get(single_sign_on::callback))
        .route("/aanmelden/sso/{organisation}", get(single_sign_on::start))
        .route("/verificatie/{code}", get(routes::certificates::verify_page))
        .route("/demo", get(routes::auth::demo_page))
        .route("/demo/aanmelden", axum::routing::post(routes::auth::demo_sign_in))
        .merge(api)
        .fallback(frontend);
    with_layers(app, &options).with_state(AppState(std::sync::Arc::new(Shared {
        store,
        public_url: options.public_url.trim_end_matches('/').to_owned(),
        secure_cookies: options.secure_cookies || options.public_url.starts_with("https://"),
        proxies: client::TrustedProxies::new(options.trusted_proxies.clone()),
        mail_file_dir: options.mail_file_dir.clone(),
        mail_from_address: bare_address(&options.mail_from),
        issuer_name: display_name(&options.mail_from),
        limits: Default::default(),
        demo_personas: options.demo_personas.clone(),
        sso: sso::Sso::new(),
        programme: Default::default(),
        retention_days: options.retention_days,
        mail_templates: leerweek_mailer::render::Renderer::new(),
    })))
}

/// The layers around every route (and the fallback): request id, span, security headers,
/// request and body deadlines, body limit, and the rendering of problems.
fn with_layers<S: Clone + Send + Sync + 'static>(app: Router<S>, options: &ApiOptions) -> Router<S> {
    let body_read_timeout = options.body_read_timeout;
    let request_timeout = options.request_timeout;
    // One stack, applied once, outermost first. (Each `Router::layer` wraps every route in a
    // boxed service of its own, and axum clones each box for every request: with nine layers
    // that was nine allocations a request before any work was done.) Since it wraps the routes,
    // it runs after routing: the span can name the route that matched.
    app.layer(
        tower::ServiceBuilder::new()
            // Every request gets an id (a client's own only when sane), every response carries it.
            .layer(tower::util::MapRequestLayer::new(request_id::drop_insane))
            .layer(SetRequestIdLayer::new(request_id::HEADER, request_id::MakeRequestUuidV7))
            .layer(PropagateRequestIdLayer::new(request_id::HEADER))
            // Spans name the method, the route template and the request id only: query
            // strings can hold secrets (calendar-feed and sign-in tokens), which never go into a log.
            .layer(TraceLayer::new_for_http().make_span_with(request_id::span))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
            // Served over https: browsers keep to https for a year (HSTS).
            .option_layer(options.public_url.starts_with("https://").then(|| {
                SetResponseHeaderLayer::if_not_present(
                    header::STRICT_TRANSPORT_SECURITY,
                    HeaderValue::from_static("max-age=31536000"),
                )
            }))
            // Pages set their own CSP; everything else (JSON, problems) may load and frame nothing.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
            ))
            // Too long: a 503 problem (tower-http's TimeoutLayer would answer with an empty body).
            // Outside every layer that answers with a problem, a 5xx problem (this one too)
            // gets the request's id.
            .layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| async move {
                    let id = req.extensions().get::<tower_http::request_id::RequestId>().cloned();
                    let res = match tokio::time::timeout(request_timeout, next.run(req)).await {
                        Ok(res) => res,
                        Err(_) => {
                            tracing::warn!(seconds = request_timeout.as_secs_f64(), "request timed out, answered 503");
                            problem::ApiError::Timeout.into_response()
                        }
                    };
                    problem::with_request_id(res, id.as_ref())
                },
            ))
            // A hard deadline for the whole body (a drip of one byte now and then does not reset it).
            .layer(axum::middleware::map_request(move |req: axum::extract::Request| async move {
                req.map(|body| axum::body::Body::new(DeadlineBody::new(body_read_timeout, body)))
            }))
            .layer(DefaultBodyLimit::max(options.max_body_bytes))
            .layer(axum::middleware::from_fn(problem::localize)),
    )
}

fn display_name(from: &str) -> String {
    let name = from.split('<').next().unwrap_or("").trim().trim_matches('"').trim();
    if name.is_empty() || !from.contains('<') { "Leerweek".to_owned() } else { name.to_owned() }
}

fn bare_address(from: &str) -> String {
    match (from.find('<'), from.find('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].trim().to_owned(),
        _ => from.trim().to_owned(),
    }
}

/// Liveness and database reachability.
async fn health(State(s): State<AppState>) -> Response {
    match s.store.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "2")],
                axum::Json(serde_json::json!({"status": "database unavailable"})),
            )
                .into_response()
        }
    }
}

/// The built web app (`frontend/dist`, made by `npm run build` in `frontend/`): embedded into
/// release builds, read from disk in debug builds (so a rebuilt app needs no Rust rebuild).
#[derive(rust_embed::Embed)]
#[folder = "../../frontend/dist/"]
#[allow_missing = true]
struct WebApp;

/// The content security policy of the web app: scripts and styles from this origin only (the
/// build has no inline script); style attributes are allowed for the charts' SVG.
const APP_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                       connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The frontend: a file of the built app, or (for every other non-API path) its `index.html`, so
/// client-side routes work on reload and from links. Without a build, a page that says how to
/// make one.
async fn frontend(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") {
        return problem::no_route().await.into_response();
    }
    let file = path.trim_start_matches('/');
    if !file.is_empty()
        && let Some(asset) = WebApp::get(file)
    {
        // Vite names the files under assets/ by their content hash: they never change.
        let cache = if file.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return (
            [
                (header::CONTENT_TYPE, asset.metadata.mimetype().to_owned()),
                (header::CACHE_CONTROL, cache.to_owned()),
                (header::CONTENT_SECURITY_POLICY, APP_CSP.to_owned()),
            ],
            asset.data.into_owned(),
        )
            .into_response();
    }
    // A missing file with an extension (an old hashed asset, a typo) is a 404, not the app.
    let last = file.rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-cache")], "Not found").into_response();
    }
    match WebApp::get("index.html") {
        Some(index) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
                (header::CONTENT_SECURITY_POLICY, APP_CSP),
            ],
            index.data.into_owned(),
        )
            .into_response(),
        None => (
            [(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
            )],
            Html(include_str!("../../../frontend/placeholder/index.html")),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    /// Status, `x-request-id`, `Retry-After` and body of the answer.
    async fn answer(app: &Router, req: Request<Body>) -> (StatusCode, String, Option<String>, serde_json::Value) {
        let res = app.clone().oneshot(req).await.unwrap();
        let header = |name| res.headers().get(name).map(|v: &HeaderValue| v.to_str().unwrap().to_owned());
        let (id, retry) = (header("x-request-id").expect("an x-request-id"), header("retry-after"));
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        (status, id, retry, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn the_apis_own_failure_is_a_500_problem_quoting_the_request_id() {
        let failing = || async { problem::ApiError::Internal("rendering: key must be a string".into()) };
        let app = with_layers(Router::new().route("/boom", get(failing)), &ApiOptions::default());
        let (status, id, _, body) = answer(&app, Request::get("/boom").body(Body::empty()).unwrap()).await;
        assert_eq!((status, body["type"].as_str()), (StatusCode::INTERNAL_SERVER_ERROR, Some("/errors/internal")));
        assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);
        assert_eq!(body["request_id"].as_str(), Some(id.as_str()), "{body}");
        assert!(!body.to_string().contains("key must be"), "the cause stays in the log: {body}");
        let req = Request::get("/boom").header("x-request-id", "ticket-9").header("accept-language", "en");
        let (_, id, _, body) = answer(&app, req.body(Body::empty()).unwrap()).await;
        assert_eq!(
            (id.as_str(), body["request_id"].as_str(), body["title"].as_str()),
            ("ticket-9", Some("ticket-9"), Some("Internal error"))
        );
    }

    #[tokio::test]
    async fn a_request_over_its_time_is_a_503_problem_quoting_the_request_id() {
        let slow = || async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            "late"
        };
        let options = ApiOptions { request_timeout: Duration::from_millis(50), ..Default::default() };
        let app = with_layers(Router::new().route("/slow", get(slow)), &options);
        let (status, id, retry, body) = answer(&app, Request::get("/slow").body(Body::empty()).unwrap()).await;
        assert_eq!((status, body["type"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("/errors/timeout")));
        assert_eq!((body["request_id"].as_str(), retry.as_deref()), (Some(id.as_str()), Some("2")), "{body}");
    }

    #[tokio::test]
    async fn https_is_kept_to_by_browsers_only_when_served_over_https() {
        let ok = || async { "ok" };
        for (url, hsts) in [("https://leerweek.example.nl", Some("max-age=31536000")), ("http://127.0.0.1:8080", None)]
        {
            let options = ApiOptions { public_url: url.into(), ..Default::default() };
            let app = with_layers(Router::new().route("/x", get(ok)), &options);
            let res = app.oneshot(Request::get("/x").body(Body::empty()).unwrap()).await.unwrap();
            let got = res.headers().get(header::STRICT_TRANSPORT_SECURITY).map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(got.as_deref(), hsts, "{url}");
        }
    }

    #[tokio::test]
    async fn a_client_error_does_not_quote_the_request_id() {
        let app = with_layers(Router::<()>::new().fallback(problem::no_route), &ApiOptions::default());
        let (status, _, _, body) = answer(&app, Request::get("/api/v1/x").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.get("request_id").is_none(), "{body}");
    }
}
