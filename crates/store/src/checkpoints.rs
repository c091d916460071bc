//! SQLite's write-ahead log copied back into the database file in the background, so that no
//! commit has to (see [`checkpoints`]).

use crate::enrolments::writer::BatchStats;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// WAL pages after which a committing connection checkpoints by itself: a backstop only (the
/// background task restarts the log at [`RESTART_FRAMES`]).
pub(crate) const WAL_BACKSTOP_PAGES: u32 = 131_072;

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
pub(crate) const CHECKPOINT_PATIENCE: Duration = Duration::from_millis(20);

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
pub(crate) async fn checkpoints(
    db: DatabaseConnection,
    gate: Arc<tokio::sync::Mutex<()>>,
    alive: std::sync::Weak<BatchStats>,
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
