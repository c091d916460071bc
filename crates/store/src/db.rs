//! Connections: opening the pools warm, what a SQLite connection must satisfy before it goes
//! back to its pool, and small helpers the batched queries share.

use crate::{Result, StoreError};
use sea_orm::DatabaseConnection;
use std::time::Duration;

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
pub(crate) const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

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
pub(crate) async fn release_sqlite(
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

pub(crate) fn ensure_sqlite_dir(url: &str) -> Result<()> {
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

/// `v` lengthened to `to` entries by repeating its last one (an empty `v` stays empty; a shorter
/// `to` changes nothing). A query's text then depends only on `to`, not on how many distinct
/// entries there are: each new text is prepared anew (sqlx keeps the last 100 prepared), and with
/// the batch's lists of every length from 1 to 128 the reads were prepared again in nearly every
/// batch. Repeated entries change no `IN (…)` or `OR` result. (SQLite only: PostgreSQL's reads
/// take each list as one array parameter.)
pub(crate) fn padded<T: Clone>(mut v: Vec<T>, to: usize) -> Vec<T> {
    if let Some(last) = v.last().cloned() {
        v.resize(to.max(v.len()), last);
    }
    v
}
