//! `TestApp`: a fresh database per test (testkit's `TestDb`: a temporary SQLite file, or a
//! PostgreSQL database created for the test and dropped afterwards, also when the test panics),
//! the server started on a listener bound beforehand through the same start-up as `leerweek
//! serve` (`leerweek::startup::build`, without the background jobs, which the tests run
//! themselves), an admin token, and testkit's typed helpers for the actors and objects of a
//! development week.

use chrono::Utc;
use leerweek::config::{DatabaseUrl, Settings};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_store::Store;
use leerweek_testkit::{Api, Sql, TestDb};

pub use leerweek_testkit::Backend;
pub use leerweek_testkit::api::{Person, expect_problem, first_day, id, local};

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
    /// The server's store, for the store's public functions (the mail worker, the minute jobs).
    pub store: Store,
    /// The API as the admin and anyone with a token.
    pub api: Api,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<anyhow::Result<leerweek_store::Background>>,
    // Last: dropped after everything that uses it.
    db: TestDb,
}

impl std::ops::Deref for TestApp {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::start(TestDb::new(backend).await, true, |_| {}, vec![]).await
    }

    /// A PostgreSQL test app, or `None` (with a loud line) when PostgreSQL is explicitly skipped.
    pub async fn spawn_postgres() -> Option<TestApp> {
        Some(Self::start(TestDb::postgres().await?, true, |_| {}, vec![]).await)
    }

    /// A test app with its settings changed by `configure` and these demo personas
    /// `(role, name, e-mail)` at `/demo`; `None` when PostgreSQL is explicitly skipped.
    pub async fn spawn_configured(
        backend: Backend,
        configure: impl FnOnce(&mut Settings),
        demo_personas: Vec<(String, String, String)>,
    ) -> Option<TestApp> {
        let db = match backend {
            Backend::Sqlite => TestDb::new(backend).await,
            Backend::Postgres => TestDb::postgres().await?,
        };
        Some(Self::start(db, true, configure, demo_personas).await)
    }

    /// A fresh installation without any admin (the first run); its `admin` token is empty.
    pub async fn spawn_without_admin(backend: Backend) -> Option<TestApp> {
        let db = match backend {
            Backend::Sqlite => TestDb::new(backend).await,
            Backend::Postgres => TestDb::postgres().await?,
        };
        Some(Self::start(db, false, |_| {}, vec![]).await)
    }

    async fn start(
        db: TestDb,
        with_admin: bool,
        configure: impl FnOnce(&mut Settings),
        demo_personas: Vec<(String, String, String)>,
    ) -> TestApp {
        // The test's HTTP client needs it (the router installs it too, once it is made).
        leerweek_api::sso::install_crypto_provider();
        let listener = leerweek_testkit::listener().await;
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut settings = Settings::defaults().expect("the default settings");
        settings.database.url = DatabaseUrl::new(db.url());
        settings.database.max_connections = 10;
        settings.mail.public_url = base.clone();
        configure(&mut settings);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = leerweek::startup::build(&settings, listener, async {
            let _ = stopped.await;
        })
        .await
        .expect("the server's start-up")
        .without_workers()
        .with_demo_personas(demo_personas);
        let store = server.store().clone();
        let admin = if with_admin {
            leerweek_store::people::create_admin(
                &store,
                EmailAddress::parse("beheer@leerweek.test").unwrap(),
                Name::parse("Beheerder").unwrap(),
                Utc::now(),
            )
            .await
            .expect("admin")
            .1
        } else {
            String::new()
        };
        let server = server.spawn();
        TestApp {
            backend: db.backend(),
            database_url: db.url().to_owned(),
            store,
            api: Api::new(base, admin),
            stop: Some(stop),
            server,
            db,
        }
    }

    /// A SQL connection of the test's own to its database, for checks in SQL.
    pub async fn sql(&self) -> &Sql {
        self.db.sql().await
    }

    /// Stop the server and the store; the database goes when the `TestDb` is dropped.
    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let background = match tokio::time::timeout(std::time::Duration::from_secs(5), &mut self.server).await {
            Ok(Ok(Ok(background))) => Some(background),
            Ok(_) => None,
            Err(_) => {
                self.server.abort();
                None
            }
        };
        let _ = self.store.clone().close().await;
        drop(self.store);
        // Every copy of the store is gone now: its background tasks end.
        if let Some(mut background) = background {
            let running = background.finished(std::time::Duration::from_secs(5)).await;
            assert!(running.is_empty(), "the store's background tasks did not end: {running:?}");
        }
    }
}
