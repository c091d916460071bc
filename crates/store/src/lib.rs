//! Leerweek's storage: sea-orm entities and repositories. This crate owns transactions and
//! locking; callers never see SQL.
//!
//! Writes run in [`Store::write`] transactions. On PostgreSQL rows are locked with
//! `SELECT … FOR UPDATE` (person before session, always, so no deadlock can form). On SQLite
//! every write transaction starts `BEGIN IMMEDIATE` behind one in-process gate, so writers
//! queue in the process instead of spinning on "database is locked".

pub mod allocation;
pub mod assignments;
pub mod attendance;
pub mod auth;
pub mod certificates;
pub mod enrolments;
pub(crate) mod entities;
pub mod error;
pub mod events;
pub mod feedback;
pub mod links;
pub mod outbox;
pub mod people;
pub mod portfolio;
pub mod privacy;
pub mod programme;
pub mod reports;
pub mod sessions;
pub mod skills;
pub mod sso;
pub mod statistics;
pub mod workshops;

mod audit;
mod background;
mod checkpoints;
mod db;
mod idempotency;
mod lookup;
mod mapping;
mod search;
mod sign_ins;
mod unnest;

pub(crate) use sign_ins::SignInCache;

pub use background::Background;
pub use error::{Conflict, StoreError};

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use std::sync::Arc;
use std::time::Duration;

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Connection settings beyond the URL.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// How long to wait for a pooled connection (and, on SQLite, for a lock held by another process).
    pub acquire_timeout: Duration,
    /// SQLite: copy the write-ahead log back into the database file in the background (see
    /// `checkpoints`). Off for a process that only looks at a database another process serves:
    /// the server checkpoints, and a second process's checkpoints, which cannot see the
    /// server's write gate, made the server's writer wait up to 440 ms.
    pub background_checkpoints: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(10), background_checkpoints: true }
    }
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// Where write transactions run. On PostgreSQL the same pool as reads, except in the
    /// enrolment writer's copy (see `enrolments::writer::spawn`). On SQLite one connection of its own, which every write
    /// transaction of the process uses in turn (SQLite lets one connection write at a time
    /// anyway): a connection's page cache survives its own commits but is thrown away whenever
    /// another connection wrote, so writes that took whichever pooled connection came next
    /// read most pages cold. It took the enrolment rush from about 1,450 to about 1,900
    /// decisions per second.
    writer: DatabaseConnection,
    backend: Backend,
    write_gate: Arc<tokio::sync::Mutex<()>>,
    /// The queue of the enrolment writer task ([`enrolments::writer`]); `None` in that task's own copy.
    enrol_queue: Option<tokio::sync::mpsc::UnboundedSender<enrolments::writer::Job>>,
    enrol_stats: Arc<enrolments::writer::BatchStats>,
    sign_ins: Arc<SignInCache>,
    /// The queue of the task that looks tokens up together ([`sign_ins`]).
    sign_in_queue: Option<tokio::sync::mpsc::UnboundedSender<sign_ins::Ask>>,
    /// SQLite: when the planner's statistics were last refreshed ([`statistics`]).
    stats_epoch: Arc<statistics::Epoch>,
    /// The key of links in mails, read once ([`links::signer`]).
    link_signer: Arc<tokio::sync::OnceCell<links::LinkSigner>>,
}

/// A write transaction. On SQLite it also holds the process's write gate until it ends.
pub(crate) struct WriteTxn {
    txn: DatabaseTransaction,
    _gate: Option<HeldGate>,
}

/// The SQLite write gate while a transaction holds it. Everyone else who writes waits meanwhile,
/// so a transaction that holds it long is logged, with where it began.
struct HeldGate {
    _guard: tokio::sync::OwnedMutexGuard<()>,
    since: std::time::Instant,
    at: &'static std::panic::Location<'static>,
}

impl Drop for HeldGate {
    fn drop(&mut self) {
        let held = self.since.elapsed();
        if held >= Duration::from_millis(250) {
            tracing::warn!(held_ms = held.as_millis() as u64, at = %self.at, "a write transaction held the SQLite writer long; other writes waited");
        } else if held >= Duration::from_millis(50) {
            tracing::debug!(held_ms = held.as_millis() as u64, at = %self.at, "slow write transaction");
        }
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    /// Commit the transaction.
    pub(crate) async fn commit(self) -> Result<()> {
        self.txn.commit().await.map_err(StoreError::from)
    }
}

impl Store {
    /// Connect to `url` (`sqlite://…` or `postgres://…`); SQLite runs in WAL mode with a busy
    /// timeout. Returns the store and its background tasks (the enrolment writer, the batched
    /// token lookups, SQLite's checkpoints), which run until the last copy of the store is
    /// dropped: wait for them with [`Background::finished`] before the process exits.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<(Self, Background)> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Config(format!(
                "database URL must start with sqlite:// or postgres://, got {:?}",
                url.split(':').next().unwrap_or("")
            )));
        };
        if backend == Backend::Sqlite {
            db::ensure_sqlite_dir(url)?;
        }
        let stats_epoch = Arc::new(statistics::Epoch::default());
        let pool_waiting = |max: u32, busy: Duration| {
            let mut opt = ConnectOptions::new(url.to_owned());
            // The pool keeps every connection it opened, idle or not (no idle timeout, no
            // lifetime), and `warm_up` opens them all at start: a rush at 09:00 after a quiet
            // night must not wait while connections open (on PostgreSQL a TLS handshake and a
            // password exchange each). Measured on the rush at N = 64 on PostgreSQL: p99 116 and
            // 132 ms with one connection kept, 67 and 45 ms with all. `min_connections` stays 0:
            // with a minimum, sqlx's upkeep task reopens closed connections while holding a pool
            // permit and sleeping a backoff of up to a minute between tries (its deadline is
            // 300 s), so after a PostgreSQL restart the enrolment writer's few permits were held
            // by sleeping tasks and requests got 503 for seconds after the database was back
            // (tests/faults, the restart scenario). Without a minimum, a broken connection is
            // closed and a new one is opened on demand, within the acquire timeout.
            opt.max_connections(max)
                .min_connections(0)
                .idle_timeout(None)
                .max_lifetime(None)
                .acquire_timeout(options.acquire_timeout)
                .connect_timeout(options.acquire_timeout)
                .test_before_acquire_if_idle_for(db::PING_AFTER_IDLE)
                .sqlx_logging(false);
            opt.map_sqlx_sqlite_opts(move |o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(busy)
                    .foreign_keys(true)
                    // Statement journals and sort files in memory: a multi-row statement inside
                    // a transaction keeps a journal to undo itself; on disk, that was 20,000
                    // small writes a second to a temporary file during the rush.
                    .pragma("temp_store", "memory")
                    // Checkpoints run in the background (see `checkpoints`); this is only the
                    // backstop should that task ever fall behind.
                    .pragma("wal_autocheckpoint", checkpoints::WAL_BACKSTOP_PAGES.to_string())
            });
            opt.map_sqlx_sqlite_pool_opts(|pool| {
                pool.after_release(|conn, meta| Box::pin(db::release_sqlite(conn, meta.age)))
            });
            // A connection opened before the statistics were last refreshed plans with the old
            // ones: it is replaced by a new one, which reads the current ones (`statistics`).
            let epoch = stats_epoch.clone();
            opt.map_sqlx_sqlite_before_acquire(move |_, meta| {
                let fresh = !epoch.stale(meta.age);
                Box::pin(async move { Ok(fresh) })
            });
            opt
        };
        let pool = |max: u32| pool_waiting(max, options.acquire_timeout);
        let db = Database::connect(pool(options.max_connections)).await?;
        db::warm_up(&db, options.max_connections).await?;
        let mut store = Self {
            writer: db.clone(),
            db,
            backend,
            write_gate: Arc::new(tokio::sync::Mutex::new(())),
            enrol_queue: None,
            enrol_stats: Arc::default(),
            sign_ins: Arc::default(),
            sign_in_queue: None,
            stats_epoch: stats_epoch.clone(),
            link_signer: Arc::default(),
        };
        if backend == Backend::Sqlite {
            store.writer = Database::connect(pool(1)).await?;
        }
        // On PostgreSQL the enrolment writer gets connections of its own, opened on its own thread
        // (see `enrolments::writer::spawn`); SQLite's writer connection already serves any thread.
        // Four: the batch's transaction, and reads beside it (each connection is pinged when it
        // comes back to the pool, so the next read takes another one meanwhile). The writer's
        // statements have fixed texts (see `enrolments::writer`), so sqlx's cache of 100
        // prepared statements holds them all.
        let own_writer = (backend == Backend::Postgres).then(|| pool(4));
        let mut background = Background::default();
        let writer_done = background.task("enrolment writer");
        store.enrol_queue =
            Some(enrolments::writer::spawn(store.clone(), store.enrol_stats.clone(), own_writer, writer_done));
        let lookups_done = background.task("sign-in lookups");
        store.sign_in_queue = Some(sign_ins::spawn(store.db.clone(), backend, store.sign_ins.clone(), lookups_done));
        if backend == Backend::Sqlite && options.background_checkpoints {
            // A connection of its own that waits for a lock at most CHECKPOINT_PATIENCE.
            let checkpointer = Database::connect(pool_waiting(1, checkpoints::CHECKPOINT_PATIENCE)).await?;
            let done = background.task("checkpoints");
            let (gate, alive) = (store.write_gate.clone(), Arc::downgrade(&store.enrol_stats));
            tokio::spawn(async move {
                let _done = done;
                checkpoints::checkpoints(checkpointer, gate, alive).await;
            });
        }
        Ok((store, background))
    }

    /// Bring the schema up to date.
    pub async fn migrate(&self) -> Result<()> {
        use leerweek_migrations::MigratorTrait;
        leerweek_migrations::Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for reads.
    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await.map_err(StoreError::from)
    }

    /// Start a write transaction that holds the write lock from its first statement.
    #[track_caller]
    pub(crate) fn write(&self) -> impl std::future::Future<Output = Result<WriteTxn>> + Send + '_ {
        let at = std::panic::Location::caller();
        async move {
            match self.backend {
                Backend::Postgres => Ok(WriteTxn { txn: self.writer.begin().await?, _gate: None }),
                Backend::Sqlite => {
                    let guard = self.write_gate.clone().lock_owned().await;
                    let gate = HeldGate { _guard: guard, since: std::time::Instant::now(), at };
                    let txn = self
                        .writer
                        .begin_with_options(TransactionOptions {
                            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                            ..Default::default()
                        })
                        .await?;
                    Ok(WriteTxn { txn, _gate: Some(gate) })
                }
            }
        }
    }

    /// Refresh the query planner's statistics where they are stale: on SQLite, the tables
    /// `PRAGMA optimize` finds due (grown or shrunk 25-fold, or without statistics), each with
    /// its analysis limit, keeping none for nearly empty tables; then every pooled connection is
    /// replaced before its next use so that it plans with them (see [`statistics`]). Cheap when
    /// nothing changed. Writing statistics takes SQLite's write lock, so it takes the write gate,
    /// one table at a time: the enrolment writer waits for one bounded analysis at most (run as
    /// one `PRAGMA optimize` beside the writer, it once held the lock for 330 ms). On PostgreSQL,
    /// autovacuum keeps them, and this does nothing (see [`Store::statistics_after_bulk_write`]).
    pub async fn refresh_statistics(&self) -> Result<statistics::Refreshed> {
        if self.backend != Backend::Sqlite {
            return Ok(statistics::Refreshed::default());
        }
        let refreshed = statistics::refresh(&self.writer, &self.write_gate).await?;
        if refreshed.changed {
            self.stats_epoch.mark();
            tracing::info!(
                tables = ?refreshed.tables,
                longest_hold_ms = refreshed.longest_hold.as_secs_f64() * 1000.0,
                "query statistics refreshed; connections will re-read them"
            );
        }
        Ok(refreshed)
    }

    /// After a bulk write (an import, the demo): the statistics of `tables` are refreshed now,
    /// not when a background job next looks. SQLite: [`Store::refresh_statistics`]. PostgreSQL:
    /// `ANALYZE` of those tables (a sample of at most 300 × `default_statistics_target` rows
    /// each, beside writers: it blocks none), since autovacuum looks only once a minute and a
    /// table that grew from nothing is planned as if still empty until then.
    pub async fn statistics_after_bulk_write(&self, tables: &[&str]) -> Result<()> {
        if self.backend == Backend::Sqlite {
            self.refresh_statistics().await?;
            return Ok(());
        }
        let names: Vec<String> = tables
            .iter()
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(|t| format!("\"{t}\""))
            .collect();
        if !names.is_empty() {
            let started = std::time::Instant::now();
            sea_orm::ConnectionTrait::execute_unprepared(&self.db, &format!("ANALYZE {}", names.join(", "))).await?;
            tracing::info!(tables = ?tables, ms = started.elapsed().as_secs_f64() * 1000.0, "query statistics refreshed");
        }
        Ok(())
    }

    /// Close the pool.
    pub async fn close(self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            self.writer.close().await?;
        }
        self.db.close().await.map_err(StoreError::from)
    }

    /// This store with write transactions on `writer` (the enrolment writer's own connections).
    pub(crate) fn with_writer(mut self, writer: DatabaseConnection) -> Self {
        self.writer = writer;
        self
    }

    /// On PostgreSQL, the enrolment writer's connections, for reads beside its transaction
    /// (see `enrolments::writer`); SQLite's writer has one connection, which the transaction holds.
    pub(crate) fn writer_beside(&self) -> Option<&DatabaseConnection> {
        self.is_postgres().then_some(&self.writer)
    }

    /// The enrolment writer's queue, when this store has one.
    pub(crate) fn enrol_queue(&self) -> Option<&tokio::sync::mpsc::UnboundedSender<enrolments::writer::Job>> {
        self.enrol_queue.as_ref()
    }

    /// Checked bearer tokens.
    pub(crate) fn sign_ins(&self) -> &SignInCache {
        &self.sign_ins
    }

    /// The person a bearer token's hash belongs to: remembered, or looked up together with the
    /// other tokens asked at the same moment.
    pub(crate) async fn actor_of_token(&self, hash: String) -> Result<Option<leerweek_domain::access::Actor>> {
        sign_ins::actor_of(&self.db, self.backend, &self.sign_ins, self.sign_in_queue.as_ref(), hash).await
    }

    /// What the enrolment writer has done since start-up.
    pub fn enrol_batch_figures(&self) -> enrolments::BatchFigures {
        self.enrol_stats.read()
    }

    /// Whether this store runs on PostgreSQL (else SQLite).
    pub fn is_postgres(&self) -> bool {
        self.backend == Backend::Postgres
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database, Statement};

    /// `.cargo/config.toml` builds the bundled SQLite without STAT4 and without memory
    /// statistics (see the reasons there); a build that lost those settings would quietly
    /// re-prepare statements, or count every allocation under a mutex, during the rush again.
    #[tokio::test]
    async fn stat4_and_memory_statistics_are_off() {
        let db = Database::connect("sqlite::memory:").await.expect("in-memory SQLite");
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), "PRAGMA compile_options"))
            .await
            .expect("compile options");
        let options: Vec<String> = rows.iter().map(|r| r.try_get_by_index::<String>(0).expect("an option")).collect();
        assert!(options.iter().any(|o| o.starts_with("THREADSAFE")), "not the compile options: {options:?}");
        assert!(!options.iter().any(|o| o.contains("STAT4")), "SQLite was built with STAT4: {options:?}");
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "SQLite counts its memory use (DEFAULT_MEMSTATUS): {options:?}"
        );
    }

    /// A store on a new SQLite file in a folder of its own: the store, the folder and the URL.
    async fn scratch_store(tag: &str) -> (crate::Store, std::path::PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("leerweek-{tag}-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        let (store, _background) = crate::Store::connect(&url, &crate::StoreOptions::default()).await.expect("connect");
        (store, dir, url)
    }

    fn sql(s: &str) -> Statement {
        Statement::from_string(sea_orm::DatabaseBackend::Sqlite, s.to_owned())
    }

    /// Asking for a sign-in link for an address nobody has reads, and never waits for the write
    /// gate: a flood of made-up addresses cannot queue behind (or hold up) the writers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_link_for_an_unknown_address_does_not_wait_for_the_writers() {
        use std::time::Duration;
        let (store, dir, _) = scratch_store("link-read").await;
        store.migrate().await.expect("the schema");
        let held = store.write().await.expect("a writer holds the gate");
        let email = leerweek_domain::text::EmailAddress::parse("niemand@elders.test").unwrap();
        let asked = crate::auth::request_link(&store, &email, "http://localhost", chrono::Utc::now());
        let answered = tokio::time::timeout(Duration::from_secs(2), asked).await;
        assert!(matches!(answered, Ok(Ok(()))), "the request waited for the writer: {answered:?}");
        drop(held);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The plans of the batched token lookup and of the enrolment writer's read of a person's
    /// places, as a pooled connection makes them.
    async fn plans(store: &crate::Store) -> Vec<String> {
        use sea_orm::sea_query::SqliteQueryBuilder;
        let token = crate::sign_ins::lookup_query(vec!["a".into(), "b".into()]).to_string(SqliteQueryBuilder);
        let places = "SELECT id FROM enrolments WHERE person_id IN (x'00', x'01') AND event_id = x'02' \
                      AND status <> 'cancelled'";
        let mut out = Vec::new();
        for q in [token.as_str(), places] {
            let rows = store.conn().query_all_raw(sql(&format!("EXPLAIN QUERY PLAN {q}"))).await.expect("a plan");
            out.extend(rows.iter().filter_map(|r| r.try_get::<String>("", "detail").ok()));
        }
        out
    }

    /// A server started on a new database (statistics refreshed at start, as the server does)
    /// and then given 20,000 people by an import plans the token lookup and the enrolment reads
    /// with their indexes on every pooled connection: no connection keeps statistics from
    /// before the import, and nearly empty tables keep none.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn plans_use_their_indexes_on_a_server_started_before_an_import_of_20000_people() {
        use leerweek_domain::text::{EmailAddress, Name};
        let (store, dir, _) = scratch_store("plans").await;
        store.migrate().await.expect("the schema");
        let now = chrono::Utc::now();
        let (admin, _) = crate::people::create_admin(
            &store,
            EmailAddress::parse("beheer@leerweek.test").unwrap(),
            Name::parse("Beheer").unwrap(),
            now,
        )
        .await
        .expect("an admin");
        let admin = crate::people::actor_of(&store, &admin).await.expect("the admin");
        store.refresh_statistics().await.expect("statistics at start");
        // Every pooled connection has read the schema (and its statistics) before the import.
        for p in plans(&store).await {
            assert!(!p.starts_with("SCAN api_tokens") && !p.starts_with("SCAN people"), "at start: {p}");
        }
        crate::people::create_organisation(&store, &admin, Name::parse("Enkhuizen").unwrap(), now).await.unwrap();
        let rows: Vec<crate::people::ImportRow> = (0..20_000)
            .map(|i| crate::people::ImportRow {
                line: i + 2,
                email: format!("mens{i}@enkhuizen.nl"),
                name: format!("Mens {i}"),
                organisation: "Enkhuizen".into(),
                org_unit: None,
                manager_email: None,
            })
            .collect();
        let report = crate::people::import_people(&store, &admin, &rows, Default::default(), now).await.unwrap();
        assert_eq!(report.new, 20_000);
        let plans = plans(&store).await;
        for p in &plans {
            assert!(!p.starts_with("SCAN"), "a table is scanned after the import: {plans:?}");
        }
        assert!(plans.iter().any(|p| p.contains("people USING") || p.contains("people USING INTEGER")), "{plans:?}");
        // The import's statistics are there for people; nearly empty tables have none.
        let again = store.refresh_statistics().await.unwrap();
        assert!(!again.changed, "nothing changed since the import's refresh: {again:?}");
        let kept = again.tables;
        assert!(kept.contains(&"people".to_owned()) && !kept.contains(&"api_tokens".to_owned()), "{kept:?}");
        // Tokens arrive later, not by an import (one by one, as integrations ask for them): the
        // next look (the minute job's) finds api_tokens grown past SMALL_TABLE and analyzes it,
        // holding the write gate for one table at a time.
        let tokens = (0..3000).map(|i| crate::entities::api_token::ActiveModel {
            id: sea_orm::Set(uuid::Uuid::now_v7()),
            person_id: sea_orm::Set(admin.person_id),
            token_hash: sea_orm::Set(format!("{i:064x}")),
            created_at: sea_orm::Set(now),
            revoked_at: sea_orm::Set(None),
            expires_at: sea_orm::Set(None),
            label: sea_orm::Set(None),
        });
        for chunk in tokens.collect::<Vec<_>>().chunks(500) {
            let txn = store.write().await.unwrap();
            <crate::entities::api_token::Entity as sea_orm::EntityTrait>::insert_many(chunk.to_vec())
                .exec_without_returning(&*txn)
                .await
                .unwrap();
            txn.commit().await.unwrap();
        }
        let looked = store.refresh_statistics().await.unwrap();
        assert!(looked.changed && looked.tables.contains(&"api_tokens".to_owned()), "{looked:?}");
        assert!(looked.analyzed >= 1, "{looked:?}");
        println!("the look analyzed {} tables, holding the gate at most {:?}", looked.analyzed, looked.longest_hold);
        let quiet = store.refresh_statistics().await.unwrap();
        assert!(!quiet.changed && quiet.analyzed == 0, "nothing grew since, nothing is analyzed: {quiet:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The background tasks run while anyone holds a copy of the store, and end once nobody does.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_background_tasks_end_once_every_copy_of_the_store_is_gone() {
        use std::time::Duration;
        let dir = std::env::temp_dir().join(format!("leerweek-background-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        let (store, mut background) =
            crate::Store::connect(&url, &crate::StoreOptions::default()).await.expect("connect");
        assert_eq!(background.names(), ["enrolment writer", "sign-in lookups", "checkpoints"]);
        let copy = store.clone();
        drop(store);
        let running = background.finished(Duration::from_millis(300)).await;
        assert_eq!(running, ["enrolment writer", "sign-in lookups", "checkpoints"], "a copy is still held");
        drop(copy);
        let running = background.finished(Duration::from_secs(5)).await;
        assert!(running.is_empty(), "still running: {running:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The log starts again from the top once writes pause, so that it does not keep growing over
    /// a day of small writes (without checkpoints it only grows).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_restarts_when_writes_pause() {
        use std::time::Duration;
        let (store, dir, _) = scratch_store("restart").await;
        store.conn().execute_raw(sql("CREATE TABLE t (n INTEGER, pad BLOB)")).await.expect("a table");
        for n in 0..200 {
            let txn = store.write().await.expect("a write transaction");
            txn.execute_raw(sql(&format!("INSERT INTO t (n, pad) VALUES ({n}, zeroblob(3000))")))
                .await
                .expect("insert");
            txn.commit().await.expect("commit");
        }
        // Nothing here checkpoints: only the background task can have copied the log meanwhile.
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let txn = store.write().await.expect("a write transaction");
        txn.execute_raw(sql("INSERT INTO t (n) VALUES (-1)")).await.expect("insert");
        txn.commit().await.expect("commit");
        let row = store.conn().query_one_raw(sql("PRAGMA wal_checkpoint(PASSIVE)")).await.expect("frames");
        let after = row.expect("a row").try_get::<i64>("", "log").expect("log");
        assert!(after < 10, "after 200 writes and a pause the log was not restarted: it holds {after} frames");
        let _ = store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A reader that keeps a snapshot open (a long report, an export) must not hold up writes: the
    /// background checkpoint that restarts the log holds the write lock while it waits for such
    /// readers, so it may wait only briefly. With the pool's busy timeout it waited 10 s.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_long_read_does_not_hold_up_writes() {
        use sea_orm::TransactionTrait;
        use std::time::{Duration, Instant};
        let (store, dir, url) = scratch_store("long-read").await;
        let write = |n: i64| {
            let store = store.clone();
            async move {
                let txn = store.write().await.expect("a write transaction");
                txn.execute_raw(sql(&format!("INSERT INTO t (n, pad) VALUES ({n}, zeroblob(3000))")))
                    .await
                    .expect("insert");
                txn.commit().await.expect("commit");
            }
        };
        store.conn().execute_raw(sql("CREATE TABLE t (n INTEGER, pad BLOB)")).await.expect("a table");
        write(0).await;
        // The reader: its own connection, a snapshot taken while the log holds frames.
        let reader = Database::connect(url.as_str()).await.expect("the reader's connection");
        let snapshot = reader.begin().await.expect("a read transaction");
        snapshot.query_one_raw(sql("SELECT COUNT(*) FROM t")).await.expect("read");
        // Writes for several checkpoint rounds, each timed, with a pause in the middle: the log
        // is restarted when writes pause, and that restart has to wait for the reader.
        let started = Instant::now();
        let (mut slowest, mut n) = (Duration::ZERO, 1);
        let mut paused = false;
        while started.elapsed() < Duration::from_millis(3500) {
            if !paused && started.elapsed() > Duration::from_millis(1500) {
                tokio::time::sleep(Duration::from_millis(700)).await;
                paused = true;
            }
            let t = Instant::now();
            write(n).await;
            slowest = slowest.max(t.elapsed());
            n += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        snapshot.rollback().await.expect("end the read");
        assert!(n > 20, "only {n} writes in 3.5 s");
        assert!(slowest < Duration::from_millis(500), "a write waited {slowest:?} behind a reader");
        let _ = reader.close().await;
        let _ = store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
