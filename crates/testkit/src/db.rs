//! A database per test: a SQLite file in a temporary directory, or a PostgreSQL database created
//! for the test on the server of `LEERWEEK_TEST_POSTGRES_URL`. Dropping the [`TestDb`] removes
//! it, also when the test panics: `Drop` cannot wait for a future, so the PostgreSQL database is
//! dropped (`WITH (FORCE)`) by a short-lived thread with a runtime of its own.
//!
//! [`Sql`] is a plain SQL connection of the test's own, for checking the database in SQL
//! without the store's internals.

use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, TryGetableMany, Value};
use std::path::Path;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

/// A database of one test's own, removed on drop.
pub struct TestDb {
    backend: Backend,
    url: String,
    dir: Option<tempfile::TempDir>,
    /// `(admin URL, database name)` of a PostgreSQL database to drop.
    pg: Option<(String, String)>,
    sql: tokio::sync::OnceCell<Sql>,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb")
            .field("backend", &self.backend)
            .field("database", &self.pg.as_ref().map(|p| &p.1))
            .finish()
    }
}

/// The PostgreSQL server for tests, from `LEERWEEK_TEST_POSTGRES_URL` (a role that may create
/// databases). `None`, with a loud `SKIPPED` line, only when it is unset and
/// `LEERWEEK_TEST_SKIP_POSTGRES=1` (and not `LEERWEEK_TEST_REQUIRE_POSTGRES=1`); unset otherwise
/// fails the test.
pub fn postgres_admin_url() -> Option<String> {
    if let Ok(url) = std::env::var("LEERWEEK_TEST_POSTGRES_URL") {
        return Some(url);
    }
    let skip = std::env::var("LEERWEEK_TEST_SKIP_POSTGRES").as_deref() == Ok("1")
        && std::env::var("LEERWEEK_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1");
    if skip {
        eprintln!("SKIPPED: PostgreSQL variant — LEERWEEK_TEST_SKIP_POSTGRES=1 and no LEERWEEK_TEST_POSTGRES_URL");
        return None;
    }
    panic!(
        "LEERWEEK_TEST_POSTGRES_URL is not set: the PostgreSQL half of the suite cannot run. \
         Run ./scripts/test (it starts PostgreSQL), or set LEERWEEK_TEST_SKIP_POSTGRES=1 to skip it loudly."
    );
}

/// The URL of database `name` on the server of `admin_url`, with the same parameters (such as
/// `?sslmode=disable`).
pub fn beside(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let (prefix, _) = base.rsplit_once('/').context("a PostgreSQL URL with a database")?;
    Ok(match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    })
}

impl TestDb {
    /// A database on `backend`; panics when PostgreSQL is asked for but skipped or unreachable.
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => Self::sqlite().expect("a temporary SQLite database"),
            Backend::Postgres => Self::postgres().await.expect("PostgreSQL"),
        }
    }

    /// A fresh SQLite file (not created yet: the first connection creates it) in a new temporary
    /// directory.
    pub fn sqlite() -> anyhow::Result<TestDb> {
        Self::sqlite_named("test.db")
    }

    /// As [`TestDb::sqlite`], with the file called `file`.
    pub fn sqlite_named(file: &str) -> anyhow::Result<TestDb> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}?mode=rwc", dir.path().join(file).display());
        Ok(TestDb { backend: Backend::Sqlite, url, dir: Some(dir), pg: None, sql: Default::default() })
    }

    /// A new PostgreSQL database on the test server ([`postgres_admin_url`]); `None` when
    /// PostgreSQL is skipped (loudly). Panics when the server cannot be reached.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = postgres_admin_url()?;
        Some(
            Self::postgres_on(&admin_url, "lw_test")
                .await
                .unwrap_or_else(|e| panic!("cannot create a database at LEERWEEK_TEST_POSTGRES_URL: {e:#}")),
        )
    }

    /// A new database named `<prefix>_<random>` on the server of `admin_url`.
    pub async fn postgres_on(admin_url: &str, prefix: &str) -> anyhow::Result<TestDb> {
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let admin = sea_orm::Database::connect(admin_url).await.context("connecting to PostgreSQL")?;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.context("CREATE DATABASE")?;
        admin.close().await.ok();
        let url = beside(admin_url, &name)?;
        Ok(TestDb {
            backend: Backend::Postgres,
            url,
            dir: None,
            pg: Some((admin_url.to_owned(), name)),
            sql: Default::default(),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Its URL, for the store, a server process or [`Sql::connect`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The temporary directory of an SQLite database (`None` on PostgreSQL).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(|d| d.path())
    }

    /// A SQL connection of the test's own to this database, opened on first use.
    pub async fn sql(&self) -> &Sql {
        self.sql
            .get_or_init(|| async { Sql::connect(&self.url).await.expect("a SQL connection to the test database") })
            .await
    }

    /// Close the SQL connection and remove the database now (what dropping does, awaited).
    pub async fn remove(mut self) -> anyhow::Result<()> {
        if let Some(sql) = self.sql.take() {
            sql.close().await;
        }
        if let Some((admin_url, name)) = self.pg.take() {
            drop_database(&admin_url, &name).await?;
        }
        Ok(())
    }
}

async fn drop_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let admin = sea_orm::Database::connect(admin_url).await?;
    let mut tries = 0;
    let result = loop {
        let result = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        // An autovacuum worker (the server's own superuser) busy on a database just written in
        // bulk cannot be terminated by our role; it ends by itself within moments.
        let autovacuum = result.as_ref().is_err_and(|e| e.to_string().contains("pg_signal_backend"));
        tries += 1;
        if !autovacuum || tries == 30 {
            break result;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    admin.close().await.ok();
    result?;
    Ok(())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg.take() else { return };
        // Drop cannot await, and may run inside a runtime (a test that panicked): a thread with
        // a runtime of its own drops the database, and this waits for it.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(drop_database(&admin_url, &name)).with_context(|| format!("dropping {name}"))
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("warning: test database left behind: {e:#}"),
            Err(_) => eprintln!("warning: test database left behind: the dropping thread panicked"),
        }
    }
}

/// A plain SQL connection for checks: statements with `$1`, `$2`, … placeholders (both SQLite
/// and PostgreSQL take them), answers as tuples. Panics on errors, naming the statement.
#[derive(Debug, Clone)]
pub struct Sql {
    conn: DatabaseConnection,
    backend: DatabaseBackend,
}

impl Sql {
    /// Connect to `url` (a small pool of its own).
    pub async fn connect(url: &str) -> anyhow::Result<Sql> {
        let mut options = sea_orm::ConnectOptions::new(url.to_owned());
        options.max_connections(4).min_connections(0).sqlx_logging(false);
        let conn = sea_orm::Database::connect(options).await.with_context(|| format!("connecting to {url}"))?;
        let backend = conn.get_database_backend();
        Ok(Sql { conn, backend })
    }

    /// Whether this is PostgreSQL (else SQLite).
    pub fn is_postgres(&self) -> bool {
        self.backend == DatabaseBackend::Postgres
    }

    /// The connection itself, for statements these helpers do not cover.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.backend, sql, values)
    }

    /// Run a statement; the number of rows it changed.
    pub async fn execute(&self, sql: &str, values: impl IntoIterator<Item = Value>) -> u64 {
        let st = self.statement(sql, values.into_iter().collect());
        self.conn.execute_raw(st).await.unwrap_or_else(|e| panic!("{sql}: {e}")).rows_affected()
    }

    /// Every row of a query, each as a tuple (or a single value) of the selected columns in order.
    pub async fn all<T: TryGetableMany>(&self, sql: &str, values: impl IntoIterator<Item = Value>) -> Vec<T> {
        let st = self.statement(sql, values.into_iter().collect());
        let rows = self.conn.query_all_raw(st).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.iter().map(|r| r.try_get_many_by_index::<T>().unwrap_or_else(|e| panic!("{sql}: {e:?}"))).collect()
    }

    /// The first row of a query, if any.
    pub async fn one<T: TryGetableMany>(&self, sql: &str, values: impl IntoIterator<Item = Value>) -> Option<T> {
        let st = self.statement(sql, values.into_iter().collect());
        let row = self.conn.query_one_raw(st).await.unwrap_or_else(|e| panic!("{sql}: {e}"))?;
        Some(row.try_get_many_by_index::<T>().unwrap_or_else(|e| panic!("{sql}: {e:?}")))
    }

    /// A count or sum: the first column of the first row, as an integer.
    pub async fn scalar_i64(&self, sql: &str) -> i64 {
        self.scalar_i64_with(sql, []).await
    }

    /// [`Sql::scalar_i64`] with bound values.
    pub async fn scalar_i64_with(&self, sql: &str, values: impl IntoIterator<Item = Value>) -> i64 {
        let st = self.statement(sql, values.into_iter().collect());
        let row = self
            .conn
            .query_one_raw(st)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .unwrap_or_else(|| panic!("{sql}: no row"));
        row.try_get_by_index::<i64>(0)
            .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
    }

    /// Outbox rows with `status` (`pending`, `sent`, `failed`).
    pub async fn outbox_count(&self, status: &str) -> i64 {
        self.scalar_i64_with("SELECT COUNT(*) FROM outbox WHERE status = $1", [status.into()]).await
    }

    /// Close the connection.
    pub async fn close(self) {
        let _ = self.conn.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::beside;

    /// A database lives beside the one named, reached the same way (`?sslmode=…` kept).
    #[test]
    fn a_database_beside_keeps_the_urls_parameters() {
        assert_eq!(beside("postgres://u:p@h:5432/postgres", "b").unwrap(), "postgres://u:p@h:5432/b");
        assert_eq!(
            beside("postgres://u:p@h/postgres?sslmode=disable", "b").unwrap(),
            "postgres://u:p@h/b?sslmode=disable"
        );
        assert!(beside("postgres:nothing", "b").is_err());
    }

    /// A panicking test still drops its PostgreSQL database.
    #[test]
    fn a_postgres_database_is_dropped_after_a_panic() {
        let Some(admin_url) = super::postgres_admin_url() else { return };
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let name = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let seen = name.clone();
        let url = admin_url.clone();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(async move {
                let db = super::TestDb::postgres_on(&url, "lw_test").await.unwrap();
                *seen.lock().unwrap() = db.pg.as_ref().unwrap().1.clone();
                assert_eq!(db.sql().await.scalar_i64("SELECT 1").await, 1);
                panic!("the test fails here");
            })
        }));
        assert!(panicked.is_err());
        let name = name.lock().unwrap().clone();
        assert!(name.starts_with("lw_test_"), "{name}");
        let left = runtime.block_on(async {
            let sql = super::Sql::connect(&admin_url).await.unwrap();
            let n =
                sql.scalar_i64_with("SELECT COUNT(*) FROM pg_database WHERE datname = $1", [name.clone().into()]).await;
            sql.close().await;
            n
        });
        assert_eq!(left, 0, "{name} is still there after the panic");
    }
}
