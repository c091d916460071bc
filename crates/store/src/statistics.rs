//! The SQLite query planner's statistics: current on every connection, and never wrong.
//!
//! SQLite reads `sqlite_stat1` into a connection when that connection reads the schema, and a
//! connection that is already open does not see statistics another connection writes later. The
//! pool opens its connections at start and keeps them, so statistics written after an import
//! (or by the hourly refresh) never reached them: measured with 20,000 imported people, every
//! batched token lookup stayed `SCAN api_tokens`, `SCAN people` (2.1 ms server CPU a decision
//! instead of 0.5). So after each refresh every pooled connection opened before it is replaced
//! at its next checkout ([`Epoch::stale`]).
//!
//! Statistics of a nearly empty table are worse than none: "1 row" makes the planner scan it,
//! and it keeps scanning once the table holds 20,000. Without statistics SQLite assumes a large
//! table and selective indexes, which is right for every table here once it grows. So tables
//! under [`SMALL_TABLE`] rows keep no statistics ([`refresh`]).

use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Tables with fewer rows than this keep no statistics.
pub const SMALL_TABLE: i64 = 1000;

/// When the statistics were last refreshed, for the pools' checkout hook.
#[derive(Debug)]
pub(crate) struct Epoch {
    start: Instant,
    /// Nanoseconds after `start` of the last refresh, plus one (0: never).
    refreshed: AtomicU64,
}

impl Default for Epoch {
    fn default() -> Self {
        Self { start: Instant::now(), refreshed: AtomicU64::new(0) }
    }
}

impl Epoch {
    /// Note a refresh now.
    pub(crate) fn mark(&self) {
        let nanos = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX - 1);
        self.refreshed.store(nanos + 1, Ordering::Release);
    }

    /// Whether a connection of this age was opened before the last refresh (and so plans with
    /// the statistics from before it).
    pub(crate) fn stale(&self, age: Duration) -> bool {
        match self.refreshed.load(Ordering::Acquire).checked_sub(1) {
            None => false,
            Some(at) => age > self.start.elapsed().saturating_sub(Duration::from_nanos(at)),
        }
    }
}

/// What a refresh left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    /// The tables that keep statistics.
    pub tables: Vec<String>,
    /// Whether the statistics changed (only then are the pooled connections replaced).
    pub changed: bool,
}

/// Whether SQLite has written statistics at all (it makes `sqlite_stat1` the first time).
async fn written(writer: &DatabaseConnection) -> crate::Result<bool> {
    let sql = "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'";
    Ok(writer
        .query_one_raw(sea_orm::Statement::from_string(writer.get_database_backend(), sql))
        .await?
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .is_some_and(|n| n > 0))
}

/// The statistics as they stand, one text per row (empty before any were written).
async fn snapshot(writer: &DatabaseConnection) -> crate::Result<Vec<String>> {
    let backend = writer.get_database_backend();
    if !written(writer).await? {
        return Ok(vec![]);
    }
    let sql = "SELECT tbl || ' ' || coalesce(idx, '') || ' ' || coalesce(stat, '') FROM sqlite_stat1 ORDER BY 1";
    Ok(writer
        .query_all_raw(sea_orm::Statement::from_string(backend, sql))
        .await?
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect())
}

/// Refresh the statistics on `writer` (the caller holds the write gate): `PRAGMA optimize` over
/// every table with its analysis limit (bounded work whatever the size), then forget the
/// statistics of tables under [`SMALL_TABLE`] rows.
pub(crate) async fn refresh(writer: &DatabaseConnection) -> crate::Result<Refreshed> {
    let before = snapshot(writer).await?;
    // 0x10000: look at every table, not only those this connection used; 0x10: with a
    // temporary analysis limit; 0x02: analyze the tables that need it.
    writer.execute_unprepared("PRAGMA optimize=0x10012").await?;
    if !written(writer).await? {
        return Ok(Refreshed { tables: vec![], changed: false });
    }
    // The first number of a row of sqlite_stat1 is the number of rows (of the table, or of a
    // partial index's part of it): the largest one is the table's.
    writer
        .execute_unprepared(&format!(
            "DELETE FROM sqlite_stat1 WHERE tbl IN \
             (SELECT tbl FROM sqlite_stat1 GROUP BY tbl HAVING max(CAST(stat AS INTEGER)) < {SMALL_TABLE})"
        ))
        .await?;
    let after = snapshot(writer).await?;
    let mut tables: Vec<String> = after.iter().filter_map(|row| row.split(' ').next().map(str::to_owned)).collect();
    tables.dedup();
    Ok(Refreshed { tables, changed: after != before })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_opened_before_a_refresh_are_stale_and_later_ones_are_not() {
        let e = Epoch::default();
        assert!(!e.stale(Duration::from_secs(3600)), "never refreshed: nothing is stale");
        std::thread::sleep(Duration::from_millis(20));
        e.mark();
        assert!(e.stale(Duration::from_millis(15)), "opened before the refresh");
        std::thread::sleep(Duration::from_millis(20));
        assert!(!e.stale(Duration::from_millis(10)), "opened after it");
    }
}
