//! Leerweek's storage: sea-orm entities and repositories. This crate owns transactions and
//! locking; callers never see SQL.
//!
//! Writes run in [`Store::write`] transactions. On PostgreSQL rows are locked with
//! `SELECT … FOR UPDATE` (person before session, always, so no deadlock can form). On SQLite
//! every write transaction starts `BEGIN IMMEDIATE` behind one in-process gate, so writers
//! queue in the process instead of spinning on "database is locked".

pub mod attendance;
pub mod auth;
pub mod enrol_batch;
pub mod enrolments;
pub mod entities;
pub mod error;
pub mod events;
pub mod feedback;
pub mod outbox;
pub mod people;
pub mod privacy;
pub mod reports;
pub mod sso;

mod audit;
mod idempotency;
mod sign_ins;

pub(crate) use sign_ins::SignInCache;

pub use error::{Conflict, StoreError};
pub use sea_orm::DatabaseConnection;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseTransaction, SqliteTransactionMode, TransactionOptions, TransactionTrait,
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
    /// enrolment writer's copy (see `enrol_batch::spawn`). On SQLite one connection of its own, which every write
    /// transaction of the process uses in turn (SQLite lets one connection write at a time
    /// anyway): a connection's page cache survives its own commits but is thrown away whenever
    /// another connection wrote, so writes that took whichever pooled connection came next
    /// read most pages cold. It took the enrolment rush from about 1,450 to about 1,900
    /// decisions per second.
    writer: DatabaseConnection,
    backend: Backend,
    write_gate: Arc<tokio::sync::Mutex<()>>,
    /// The queue of the enrolment writer task ([`enrol_batch`]); `None` in that task's own copy.
    enrol_queue: Option<tokio::sync::mpsc::UnboundedSender<enrol_batch::Job>>,
    enrol_stats: Arc<enrol_batch::BatchStats>,
    sign_ins: Arc<SignInCache>,
    /// The queue of the task that looks tokens up together ([`sign_ins`]).
    sign_in_queue: Option<tokio::sync::mpsc::UnboundedSender<sign_ins::Ask>>,
}

/// A write transaction. On SQLite it also holds the process's write gate until it ends.
pub struct WriteTxn {
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
    pub async fn commit(self) -> Result<()> {
        self.txn.commit().await.map_err(StoreError::from)
    }
}

impl Store {
    /// Connect to `url` (`sqlite://…` or `postgres://…`); SQLite runs in WAL mode with a busy timeout.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self> {
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
            ensure_sqlite_dir(url)?;
        }
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
                .test_before_acquire_if_idle_for(PING_AFTER_IDLE)
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
                    .pragma("wal_autocheckpoint", WAL_BACKSTOP_PAGES.to_string())
            });
            opt.map_sqlx_sqlite_pool_opts(|pool| {
                pool.after_release(|conn, meta| Box::pin(release_sqlite(conn, meta.age)))
            });
            opt
        };
        let pool = |max: u32| pool_waiting(max, options.acquire_timeout);
        let db = Database::connect(pool(options.max_connections)).await?;
        warm_up(&db, options.max_connections).await?;
        let mut store = Self {
            writer: db.clone(),
            db,
            backend,
            write_gate: Arc::new(tokio::sync::Mutex::new(())),
            enrol_queue: None,
            enrol_stats: Arc::default(),
            sign_ins: Arc::default(),
            sign_in_queue: None,
        };
        if backend == Backend::Sqlite {
            store.writer = Database::connect(pool(1)).await?;
        }
        // On PostgreSQL the enrolment writer gets connections of its own, opened on its own thread
        // (see `enrol_batch::spawn`); SQLite's writer connection already serves any thread.
        // Four: the batch's transaction, and reads beside it (each connection is pinged when it
        // comes back to the pool, so the next read takes another one meanwhile). The writer's
        // statements have fixed texts (see `enrol_batch::pg_reads`), so sqlx's cache of 100
        // prepared statements holds them all.
        let own_writer = (backend == Backend::Postgres).then(|| pool(4));
        store.enrol_queue = Some(enrol_batch::spawn(store.clone(), store.enrol_stats.clone(), own_writer));
        store.sign_in_queue = Some(sign_ins::spawn(store.db.clone(), backend, store.sign_ins.clone()));
        if backend == Backend::Sqlite && options.background_checkpoints {
            // A connection of its own that waits for a lock at most CHECKPOINT_PATIENCE.
            let checkpointer = Database::connect(pool_waiting(1, CHECKPOINT_PATIENCE)).await?;
            tokio::spawn(checkpoints(checkpointer, store.write_gate.clone(), Arc::downgrade(&store.enrol_stats)));
        }
        Ok(store)
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
    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await.map_err(StoreError::from)
    }

    /// Start a write transaction that holds the write lock from its first statement.
    #[track_caller]
    pub fn write(&self) -> impl std::future::Future<Output = Result<WriteTxn>> + Send + '_ {
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

    /// Refresh the query planner's statistics where they are stale: SQLite's `PRAGMA optimize`
    /// over every table (PostgreSQL's autovacuum does this by itself). Cheap when nothing changed.
    /// It writes the statistics, so on SQLite it takes its turn behind the write gate on the
    /// writer connection: run beside the writer, it held SQLite's write lock for 330 ms while the
    /// enrolment writer waited in `BEGIN IMMEDIATE`.
    pub async fn optimize(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            use sea_orm::ConnectionTrait;
            let _gate = self.write_gate.clone().lock_owned().await;
            self.writer.execute_unprepared("PRAGMA optimize=0x10002").await?;
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
    /// (see `enrol_batch::load`); SQLite's writer has one connection, which the transaction holds.
    pub(crate) fn writer_beside(&self) -> Option<&DatabaseConnection> {
        self.is_postgres().then_some(&self.writer)
    }

    /// The enrolment writer's queue, when this store has one.
    pub(crate) fn enrol_queue(&self) -> Option<&tokio::sync::mpsc::UnboundedSender<enrol_batch::Job>> {
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
    pub fn enrol_batch_figures(&self) -> enrol_batch::BatchFigures {
        self.enrol_stats.read()
    }

    /// Whether this store runs on PostgreSQL (else SQLite).
    pub fn is_postgres(&self) -> bool {
        self.backend == Backend::Postgres
    }
}

/// Open `n` connections of `db`'s pool at once and hand them back, so that the pool holds them
/// before the first request needs one (the pool keeps what it opened; see [`Store::connect`]).
pub(crate) async fn warm_up(db: &DatabaseConnection, n: u32) -> Result<()> {
    async fn hold<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>, n: u32) -> Result<()> {
        let held = futures::future::try_join_all((0..n).map(|_| pool.acquire()))
            .await
            .map_err(|e| sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
        drop(held);
        Ok(())
    }
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => hold(db.get_postgres_connection_pool(), n).await,
        _ => hold(db.get_sqlite_connection_pool(), n).await,
    }
}

/// A pooled connection idle this long is pinged before it is handed out; one in use more recently
/// is not. sqlx's default pings on every checkout: one more round trip to PostgreSQL (or to
/// SQLite's connection thread) for every database use, and sqlx already pings each connection
/// when it comes back to the pool. A connection that broke meanwhile (PostgreSQL restarted)
/// fails its next statement, which answers 503 with Retry-After, and is then closed and
/// replaced.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// WAL pages after which a committing connection checkpoints by itself: a backstop only (the
/// background task restarts the log at [`RESTART_FRAMES`]).
const WAL_BACKSTOP_PAGES: u32 = 131_072;

/// How often the background task copies the WAL back into the database file.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(250);

/// Log frames (4 KiB pages) after which the background task restarts the log even while writes
/// keep coming, holding the writers off for a moment: 256 MiB, about two seconds of an
/// enrolment rush at 3,000 a second.
const RESTART_FRAMES: i64 = 65_536;

/// How long the checkpoint that restarts the log waits for readers still reading from it (a
/// long report, an export) before it gives up until the next round. It holds SQLite's write lock
/// and the write gate meanwhile, so every writer waits as long: with the pool's busy timeout
/// (10 s) one long read held up every enrolment for its whole length.
const CHECKPOINT_PATIENCE: Duration = Duration::from_millis(20);

/// Log frames committed during a checkpoint round small enough to be copied with the writer held
/// off (see [`checkpoints`]): a few hundred frames take a millisecond or two.
const GATED_FRAMES: i64 = 256;

/// Copy committed pages from SQLite's write-ahead log into the database file, every
/// [`CHECKPOINT_INTERVAL`], on a connection of its own, so that no commit has to. Left to SQLite,
/// the commit that crosses the autocheckpoint limit does the checkpoint itself, with two disk
/// syncs, and everyone in its batch waits for it.
///
/// A passive checkpoint never waits for the writer, but under a steady stream of commits it never
/// copies the whole log: what was committed while it ran is left over, so the log cannot start
/// again from the top. It grows until the backstop makes a commit checkpoint after all, and the
/// commit that finally restarts it syncs a log full of unsynced frames (measured during the
/// rush: one commit a second took 35–115 ms instead of 1–3). So every round copies without
/// holding anyone up (often, so that each sync of the log is small), and the log is restarted
/// when nothing was written since the previous round (nobody waits then), or once it holds
/// [`RESTART_FRAMES`]: then rounds copy again while much was committed meanwhile (each shorter
/// than the one before), and the last few frames are copied with the write gate held. The log
/// is then wholly copied and synced, and the next write transaction restarts it at the cost of
/// one small write. Each such restart holds the writers off for two syncs of the disk (10–40 ms
/// here), which is why it is not done every round. Readers still reading from the log are
/// waited for at most [`CHECKPOINT_PATIENCE`]. Ends once the store is dropped (`alive`).
async fn checkpoints(
    db: DatabaseConnection,
    gate: Arc<tokio::sync::Mutex<()>>,
    alive: std::sync::Weak<enrol_batch::BatchStats>,
) {
    let mut tick = tokio::time::interval(CHECKPOINT_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The log's length at the previous round, and at the last restart.
    let mut before: Option<i64> = None;
    let mut restarted_at: Option<i64> = None;
    loop {
        tick.tick().await;
        if alive.strong_count() == 0 {
            return;
        }
        let started = std::time::Instant::now();
        let log = match checkpoint_mode(&db, "PASSIVE").await {
            Ok(done) => done.log,
            Err(CheckpointError::Closed) => return,
            Err(CheckpointError::Failed) => continue,
        };
        let quiet = before == Some(log);
        before = Some(log);
        if log == 0 || restarted_at == Some(log) || (!quiet && log < RESTART_FRAMES) {
            continue;
        }
        let mut rounds = 1;
        let mut previous = log;
        while !quiet && rounds < 8 {
            let now = match checkpoint_mode(&db, "PASSIVE").await {
                Ok(done) => done.log,
                Err(CheckpointError::Closed) => return,
                Err(CheckpointError::Failed) => break,
            };
            rounds += 1;
            // Frames committed since the previous round looked (all of them after a restart).
            let fresh = if now >= previous { now - previous } else { now };
            previous = now;
            if fresh <= GATED_FRAMES {
                break;
            }
        }
        let unguarded = started.elapsed();
        let _writers_wait = gate.lock().await;
        let held = std::time::Instant::now();
        let (restarted, log) = match checkpoint_mode(&db, "RESTART").await {
            Ok(done) => (!done.busy, done.log),
            Err(CheckpointError::Closed) => return,
            Err(CheckpointError::Failed) => (false, previous),
        };
        if restarted {
            restarted_at = Some(log);
        }
        tracing::debug!(
            rounds,
            log,
            restarted,
            unguarded_ms = unguarded.as_secs_f64() * 1e3,
            gated_ms = held.elapsed().as_secs_f64() * 1e3,
            "checkpoint"
        );
    }
}

enum CheckpointError {
    /// The pool is closed: the store is shutting down.
    Closed,
    /// Any other failure; the next round tries again.
    Failed,
}

/// What a checkpoint reports.
struct Checkpointed {
    /// It could not finish: a `RESTART` gave up waiting for readers.
    busy: bool,
    /// Frames the log held (0 when it is empty or the database is not in WAL mode).
    log: i64,
}

/// A checkpoint in the given mode: `PASSIVE` copies what it can without waiting for anyone;
/// `RESTART` (only with the write gate held) copies everything and then waits for the readers
/// still reading from the log, so the next write transaction starts the log from the top.
async fn checkpoint_mode(db: &DatabaseConnection, mode: &str) -> std::result::Result<Checkpointed, CheckpointError> {
    use sea_orm::ConnectionTrait;
    let stmt =
        sea_orm::Statement::from_string(sea_orm::DatabaseBackend::Sqlite, format!("PRAGMA wal_checkpoint({mode})"));
    match db.query_one_raw(stmt).await {
        Ok(Some(row)) => {
            // Columns: busy, log (frames in the log), checkpointed (frames copied); -1 when
            // the database is not in WAL mode.
            Ok(Checkpointed {
                busy: row.try_get::<i64>("", "busy").unwrap_or(0) != 0,
                log: row.try_get::<i64>("", "log").unwrap_or(0).max(0),
            })
        }
        Ok(None) => Ok(Checkpointed { busy: false, log: 0 }),
        Err(sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::ConnectionClosed)) => {
            Err(CheckpointError::Closed)
        }
        Err(e) => {
            tracing::debug!(error = %e, "background checkpoint did not run; the next one will try again");
            Err(CheckpointError::Failed)
        }
    }
}

/// Whether a SQLite connection may go back to the pool: only when no transaction is left on it.
///
/// When a statement fails with SQLITE_FULL or SQLITE_IOERR, SQLite may roll the whole
/// transaction back by itself; the ROLLBACK that follows then fails ("no transaction is active")
/// and sqlx still counts the connection as inside a transaction. Its next transaction would
/// become a SAVEPOINT, a failure there a `ROLLBACK TO` that leaves a transaction open, and every
/// later "commit" a RELEASE into that transaction, which is never committed: answered
/// enrolments lost, and the write lock held forever. Such a connection is closed instead.
///
/// A connection opened before SQLite last answered "attempt to write a readonly database" is
/// closed too: once a write to the database or its log failed (the file was made read-only, the
/// filesystem went read-only), SQLite reopens the log read-only and that connection would refuse
/// every write for the rest of its life, even after the file is writable again. A new connection
/// opens the files afresh.
async fn release_sqlite(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    age: Duration,
) -> Result<bool, sea_orm::sqlx::Error> {
    use sea_orm::sqlx::Connection;
    if read_only_since().is_some_and(|since| age > since) {
        tracing::info!("closing a SQLite connection opened before the database refused a write as read-only");
        return Ok(false);
    }
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // A dropped transaction queued its ROLLBACK: let it run, then look again.
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!("closing a SQLite connection left inside a failed transaction");
        return Ok(false);
    }
    Ok(true)
}

/// When SQLite last refused a write as read-only: nanoseconds after [`CLOCK_START`], plus one
/// (0: never). Process-wide, as the pool's release hook cannot reach a store.
static READ_ONLY_SEEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static CLOCK_START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Note that SQLite just refused a write as read-only (see [`release_sqlite`]).
pub(crate) fn read_only_seen() {
    let start = *CLOCK_START.get_or_init(std::time::Instant::now);
    let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX - 1);
    READ_ONLY_SEEN.store(nanos + 1, std::sync::atomic::Ordering::Relaxed);
}

/// How long ago SQLite last refused a write as read-only, if it ever did.
fn read_only_since() -> Option<Duration> {
    let seen = READ_ONLY_SEEN.load(std::sync::atomic::Ordering::Relaxed).checked_sub(1)?;
    let start = CLOCK_START.get()?;
    Some(start.elapsed().saturating_sub(Duration::from_nanos(seen)))
}

/// The file a `sqlite:` URL names; `None` for an in-memory database.
fn sqlite_path(url: &str) -> Option<&str> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then_some(path)
}

fn ensure_sqlite_dir(url: &str) -> Result<()> {
    let Some(path) = sqlite_path(url) else {
        return Ok(());
    };
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", parent.display())))?;
    }
    Ok(())
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
        let store = crate::Store::connect(&url, &crate::StoreOptions::default()).await.expect("connect");
        (store, dir, url)
    }

    fn sql(s: &str) -> Statement {
        Statement::from_string(sea_orm::DatabaseBackend::Sqlite, s.to_owned())
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
