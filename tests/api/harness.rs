//! `TestApp`: a fresh database per test (a temporary SQLite file, or a PostgreSQL database
//! created for the test and dropped afterwards), the real router on 127.0.0.1:0, an admin
//! token, and typed helpers for the actors and objects of a development week.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_store::{Store, StoreOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generate `on_sqlite` and `on_postgres` tests for one scenario `async fn(TestApp)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn on_sqlite() {
                    let app = $crate::harness::TestApp::spawn($crate::harness::Backend::Sqlite).await;
                    super::$scenario(&app).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn on_postgres() {
                    let Some(app) = $crate::harness::TestApp::spawn_postgres().await else { return };
                    super::$scenario(&app).await;
                    app.finish().await;
                }
            }
        )+
    };
}

/// A running server on its own database.
pub struct TestApp {
    pub backend: Backend,
    /// The database URL (for a second process such as `leerweek worker`).
    pub database_url: String,
    pub base: String,
    pub client: reqwest::Client,
    pub store: Store,
    /// The admin's bearer token.
    pub admin: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
    server: tokio::task::JoinHandle<()>,
}

/// A person who can act through the API.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: Uuid,
    pub token: String,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                Self::start(backend, &url, Some(dir), None).await
            }
            Backend::Postgres => Self::spawn_postgres().await.expect("PostgreSQL"),
        }
    }

    /// A PostgreSQL test app, or `None` (with a loud line) when PostgreSQL is explicitly skipped.
    pub async fn spawn_postgres() -> Option<TestApp> {
        let Ok(admin_url) = std::env::var("LEERWEEK_TEST_POSTGRES_URL") else {
            if std::env::var("LEERWEEK_TEST_SKIP_POSTGRES").as_deref() == Ok("1") {
                eprintln!(
                    "SKIPPED: PostgreSQL variant — LEERWEEK_TEST_SKIP_POSTGRES=1 and no LEERWEEK_TEST_POSTGRES_URL"
                );
                return None;
            }
            panic!(
                "LEERWEEK_TEST_POSTGRES_URL is not set: the PostgreSQL half of the suite cannot run. \
                 Run ./scripts/test (it starts PostgreSQL), or set LEERWEEK_TEST_SKIP_POSTGRES=1 to skip it loudly."
            );
        };
        let name = format!("lw_test_{}", Uuid::new_v4().simple());
        let admin = sea_orm::Database::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at LEERWEEK_TEST_POSTGRES_URL: {e}"));
        use sea_orm::ConnectionTrait;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("CREATE DATABASE");
        admin.close().await.ok();
        let (prefix, _) = admin_url.rsplit_once('/').expect("URL with a database path");
        let url = format!("{prefix}/{name}");
        Some(Self::start(Backend::Postgres, &url, None, Some((admin_url, name))).await)
    }

    async fn start(
        backend: Backend,
        url: &str,
        dir: Option<tempfile::TempDir>,
        pg: Option<(String, String)>,
    ) -> TestApp {
        let opts = StoreOptions { max_connections: 10, ..Default::default() };
        let store = Store::connect(url, &opts).await.expect("connect");
        store.migrate().await.expect("migrate");
        let (_, admin) = leerweek_store::people::create_admin(
            &store,
            EmailAddress::parse("beheer@leerweek.test").unwrap(),
            Name::parse("Beheerder").unwrap(),
            Utc::now(),
        )
        .await
        .expect("admin");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let options = leerweek_api::ApiOptions { public_url: base.clone(), ..Default::default() };
        let app = leerweek_api::router(store.clone(), options);
        let server = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .await
                .expect("serve");
        });
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(400)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp { backend, database_url: url.to_owned(), base, client, store, admin, _dir: dir, pg, server }
    }

    /// Stop the server and drop a PostgreSQL test database.
    pub async fn finish(mut self) {
        self.server.abort();
        let _ = self.store.clone().close().await;
        if let Some((admin_url, name)) = self.pg.take() {
            drop_database(&admin_url, &name).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(self.client.get(self.url(path)).bearer_auth(token)).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.client.post(self.url(path)).bearer_auth(token).json(&body)).await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.client.patch(self.url(path)).bearer_auth(token).json(&body)).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.client.put(self.url(path)).bearer_auth(token).json(&body)).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(self.client.delete(self.url(path)).bearer_auth(token)).await
    }

    /// Create an organisation, return its id.
    pub async fn org(&self, name: &str) -> Uuid {
        let (s, b) = self.post(&self.admin, "/api/v1/organisations", json!({"name": name})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        id(&b)
    }

    /// Create a person in `org` with a token.
    pub async fn person(&self, org: Uuid, email: &str) -> Person {
        let (s, b) = self
            .post(&self.admin, "/api/v1/people", json!({"email": email, "name": email, "organisation_id": org}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let person = id(&b);
        Person { id: person, token: self.token(person).await }
    }

    pub async fn token(&self, person: Uuid) -> String {
        let (s, b) = self.post(&self.admin, "/api/v1/tokens", json!({"person_id": person})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b["token"].as_str().unwrap().to_owned()
    }

    /// `n` people of organisation `org_name` through one CSV import, each with a token.
    pub async fn people(&self, org: Uuid, org_name: &str, prefix: &str, n: usize) -> Vec<Person> {
        let mut csv = String::from("email,name,organisation,org_unit,manager_email\n");
        for i in 0..n {
            csv.push_str(&format!("{prefix}{i}@test.nl,Mens {i},{org_name},Team {},\n", i % 5));
        }
        let (s, b) = self
            .send(
                self.client
                    .post(self.url("/api/v1/people/import"))
                    .bearer_auth(&self.admin)
                    .header("content-type", "text/csv")
                    .body(csv),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["created"], n);
        let (_, page) = self.get(&self.admin, &format!("/api/v1/people?organisation_id={org}&per_page=500")).await;
        let mut ids: Vec<(String, Uuid)> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["email"].as_str().unwrap().starts_with(prefix))
            .map(|p| (p["email"].as_str().unwrap().to_owned(), id(p)))
            .collect();
        ids.sort_by_key(|(e, _)| e.trim_start_matches(prefix).trim_end_matches("@test.nl").parse::<usize>().unwrap());
        let tokens = futures::future::join_all(ids.iter().map(|(_, pid)| self.token(*pid))).await;
        ids.into_iter().zip(tokens).map(|((_, id), token)| Person { id, token }).collect()
    }

    /// A published week on days today+7 … today+11 with enrolment open now, for `orgs`.
    pub async fn week(&self, orgs: &[Uuid], extra: Value) -> Uuid {
        let mut body = json!({
            "name": "Meester in je Werk-week",
            "starts_on": first_day(),
            "ends_on": first_day() + Duration::days(4),
            "enrolment_opens_at": Utc::now() - Duration::hours(1),
            "enrolment_closes_at": Utc::now() + Duration::days(6),
            "organisation_ids": orgs,
        });
        merge(&mut body, extra);
        let (s, b) = self.post(&self.admin, "/api/v1/events", body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let event = id(&b);
        let (s, b) = self.post(&self.admin, &format!("/api/v1/events/{event}/publish"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        event
    }

    pub async fn workshop(&self, event: Uuid, host: Uuid, extra: Value) -> Uuid {
        let mut body = json!({"title": "Grip op stress", "description": "Omgaan met werkdruk.", "theme": "vitaliteit", "host_organisation_id": host});
        merge(&mut body, extra);
        let (s, b) = self.post(&self.admin, &format!("/api/v1/events/{event}/workshops"), body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        id(&b)
    }

    /// A session on day `day` (0 = first day) from `hour` for `hours`, Amsterdam time.
    pub async fn session(&self, workshop: Uuid, day: i64, hour: u32, hours: i64, capacity: i64) -> Uuid {
        let start = local(first_day() + Duration::days(day), hour);
        let body = json!({"starts_at": start, "ends_at": start + Duration::hours(hours), "capacity": capacity,
            "location": {"venue": "Stadhuis", "room": "Raadzaal"}});
        let (s, b) = self.post(&self.admin, &format!("/api/v1/workshops/{workshop}/sessions"), body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        id(&b)
    }

    pub async fn enrol(&self, who: &Person, session: Uuid) -> (StatusCode, Value) {
        self.send(self.client.post(self.url(&format!("/api/v1/sessions/{session}/enrolments"))).bearer_auth(&who.token))
            .await
    }

    pub async fn session_counts(&self, session: Uuid) -> (i64, i64) {
        let (s, b) = self.get(&self.admin, &format!("/api/v1/sessions/{session}")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        (b["confirmed_count"].as_i64().unwrap(), b["waitlist_count"].as_i64().unwrap())
    }

    /// The session's active enrolments from the participant list (confirmed, then the queue).
    pub async fn participants(&self, session: Uuid) -> Vec<Value> {
        let (s, b) = self.get(&self.admin, &format!("/api/v1/sessions/{session}/enrolments")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        b["items"].as_array().unwrap().clone()
    }
}

async fn drop_database(admin_url: &str, name: &str) {
    use sea_orm::ConnectionTrait;
    if let Ok(admin) = sea_orm::Database::connect(admin_url).await {
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        let _ = admin.close().await;
    }
}

pub fn id(v: &Value) -> Uuid {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).parse().unwrap()
}

/// First day of the test week: a week from now, in Amsterdam.
pub fn first_day() -> NaiveDate {
    (Utc::now() + Duration::days(7)).with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

/// `hour`:00 on `day` in Amsterdam, as UTC.
pub fn local(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Amsterdam
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn merge(base: &mut Value, extra: Value) {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
}

/// Assert a problem+json answer with `status` whose type ends in `/errors/<slug>`.
pub async fn expect_problem(res: reqwest::Response, status: StatusCode, slug: &str) -> Value {
    let got = res.status();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    assert_eq!(ct, "application/problem+json", "{body}");
    assert!(body["type"].as_str().unwrap_or("").ends_with(&format!("/errors/{slug}")), "expected {slug}: {body}");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert!(!body["detail"].as_str().unwrap_or("").is_empty(), "{body}");
    body
}
