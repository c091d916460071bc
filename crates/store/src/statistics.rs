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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// The tables that keep statistics.
    pub tables: Vec<String>,
    /// Whether the statistics changed (only then are the pooled connections replaced).
    pub changed: bool,
    /// Tables analyzed.
    pub analyzed: usize,
    /// The longest the write gate was held for one table's analysis.
    pub longest_hold: Duration,
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

/// The tables of a [`snapshot`].
fn tables_of(snapshot: &[String]) -> Vec<String> {
    let mut tables: Vec<String> = snapshot.iter().filter_map(|row| row.split(' ').next().map(str::to_owned)).collect();
    tables.dedup();
    tables
}

/// The most rows SQLite reads of each index for one table's statistics (what `PRAGMA optimize`
/// uses by itself): bounded work however large the table.
const ANALYSIS_LIMIT: u32 = 2000;

/// Which tables `PRAGMA optimize` would analyze now: those whose size changed 25-fold since
/// their statistics were written, and those without statistics (0x10000: every table, not only
/// those this connection used; 0x02: analyze; 0x01: only say so), less those without statistics
/// that are still under [`SMALL_TABLE`] rows (they would get statistics only to lose them again,
/// and every statistics write makes every connection prepare its statements anew).
async fn due(writer: &DatabaseConnection, with_statistics: &[String]) -> crate::Result<Vec<String>> {
    let backend = writer.get_database_backend();
    let statement = |sql: &str| sea_orm::Statement::from_string(backend, sql.to_owned());
    let mut due = vec![];
    for row in writer.query_all_raw(statement("PRAGMA optimize=0x10003")).await? {
        let Ok(sql) = row.try_get_by_index::<String>(0) else { continue };
        // `ANALYZE "main"."people"`
        let Some(table) = sql.strip_prefix("ANALYZE \"main\".\"").and_then(|t| t.strip_suffix('"')) else { continue };
        if !with_statistics.iter().any(|t| t == table) {
            let quoted = table.replace('"', "\"\"");
            let sql = format!("SELECT count(*) FROM (SELECT 1 FROM \"{quoted}\" LIMIT {SMALL_TABLE})");
            let rows = writer.query_one_raw(statement(&sql)).await?.and_then(|r| r.try_get_by_index::<i64>(0).ok());
            if rows.unwrap_or(0) < SMALL_TABLE {
                continue;
            }
        }
        due.push(sql);
    }
    Ok(due)
}

/// Refresh the statistics on `writer`, taking `gate` (the write gate) for one table at a time,
/// so the enrolment writer waits at most one bounded analysis: ask which tables are due (see
/// [`due`]), analyze each with [`ANALYSIS_LIMIT`], then forget the statistics of tables under
/// [`SMALL_TABLE`] rows.
pub(crate) async fn refresh(writer: &DatabaseConnection, gate: &tokio::sync::Mutex<()>) -> crate::Result<Refreshed> {
    let started = Instant::now();
    let (before, due) = {
        let _turn = gate.lock().await;
        writer.execute_unprepared(&format!("PRAGMA analysis_limit={ANALYSIS_LIMIT}")).await?;
        let before = snapshot(writer).await?;
        let due = due(writer, &tables_of(&before)).await?;
        (before, due)
    };
    if due.is_empty() {
        // Nothing grew: no write at all (not even the delete below).
        return Ok(Refreshed { tables: tables_of(&before), ..Default::default() });
    }
    let mut longest = Duration::ZERO;
    for analyze in &due {
        let _turn = gate.lock().await;
        let held = Instant::now();
        writer.execute_unprepared(analyze).await?;
        longest = longest.max(held.elapsed());
    }
    let _turn = gate.lock().await;
    if !written(writer).await? {
        return Ok(Refreshed { analyzed: due.len(), longest_hold: longest, ..Default::default() });
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
    let tables = tables_of(&after);
    tracing::debug!(
        analyzed = due.len(),
        longest_ms = longest.as_secs_f64() * 1000.0,
        total_ms = started.elapsed().as_secs_f64() * 1000.0,
        "query statistics looked at"
    );
    Ok(Refreshed { tables, changed: after != before, analyzed: due.len(), longest_hold: longest })
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
