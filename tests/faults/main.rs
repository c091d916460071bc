//! Fault tests: the real `leerweek serve` binary under load while something breaks.
//!
//! - `kill -9` of the server while 64 clients enrol (SQLite and PostgreSQL), then a restart;
//! - a PostgreSQL restart in the middle of the load: requests during the outage are answered 503
//!   with `Retry-After` within [`support::OUTAGE_ANSWER_BOUND`], and the server recovers by itself
//!   (its first `201` within the same bound of PostgreSQL's return);
//! - a full disk under SQLite (a small tmpfs filled to the last byte): writes answered 503,
//!   reads still served, a log line naming the cause, no corruption, recovery once space is back;
//! - a read-only database file under SQLite (the immutable flag on the database and its log, set
//!   while the server runs): the same promises, recovery once the file is writable again.
//!
//! After each fault the invariants of [`support::check_invariants`] are checked in SQL.
//! PostgreSQL scenarios run on a throw-away cluster of their own (initdb), never the shared one.
//!
//! `cargo test --test faults -- --nocapture` prints a summary per scenario.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Answer, Load, Outcome, PgCluster, ReadOnly, Server, Tmpfs, answered, check_invariants, prepare, tally};

/// The last `n` lines of a log.
fn tail(log: &str, n: usize) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("faults.db").display())
}

/// Reads need no writes: an employee's agenda, a session and `/health` answer 200 during `fault`.
async fn reads_still_served(server: &Server, week: &leerweek_bench::fixtures::RushWeek, fault: &str) {
    let client = reqwest::Client::new();
    let (person, token) = &week.people[0];
    for path in
        ["/api/v1/me/enrolments".to_owned(), format!("/api/v1/sessions/{}", week.sessions[0].0), "/health".into()]
    {
        let r = client.get(format!("{}{path}", server.base)).bearer_auth(token).send().await.expect("read");
        assert_eq!(r.status(), 200, "GET {path} as {person} {fault}: {}", r.text().await.unwrap_or_default());
    }
}

/// Once the fault is gone, 8 clients enrol until 50 are in (at most 30 s); returns the answers and
/// how long after `since` the first 201 came.
async fn enrolments_flow_again(
    server: &Server,
    week: &Arc<leerweek_bench::fixtures::RushWeek>,
    since: Instant,
) -> (Vec<Answer>, Duration) {
    let load = Load::start(&server.base, week, 8, 20_000, usize::MAX);
    let back =
        load.until(Duration::from_secs(30), |l| l.enrolled.load(std::sync::atomic::Ordering::Relaxed) >= 50).await;
    let after = load.finish().await;
    let a = tally(&after);
    assert!(back, "enrolments did not flow again within 30 s: {a:?}\n{}", tail(&server.log(), 40));
    assert!(a.other.is_empty() && a.transport.is_empty(), "after the fault: {:?} {:?}", a.other, a.transport);
    let first_201 = after
        .iter()
        .filter(|x| matches!(x.outcome, Outcome::Enrolled { created: true, .. }))
        .map(|x| x.done)
        .min()
        .expect("a 201");
    (after, first_201 - since)
}

/// 64 clients enrol; the server is killed with SIGKILL once 300 enrolments were answered;
/// it is started again on the same database and enrolments flow again.
async fn kill_nine_under_load(url: &str, backend: &str) {
    let week = Arc::new(prepare(url).await);
    let server = Server::start(url).await;
    let load = Load::start(&server.base, &week, 64, 0, usize::MAX);
    assert!(
        load.until(Duration::from_secs(60), |l| l.enrolled.load(std::sync::atomic::Ordering::Relaxed) >= 300).await,
        "fewer than 300 enrolments answered in 60 s"
    );
    let killed_at = Instant::now();
    server.kill9().await;
    let before = load.finish().await;

    // Before the kill every answer is a decision; after it, only lost connections.
    let mut told = answered(&before);
    let t = tally(&before);
    let premature: Vec<&Answer> =
        before.iter().filter(|a| matches!(a.outcome, Outcome::Transport(_)) && a.done < killed_at).collect();
    assert!(premature.is_empty(), "requests failed before the kill: {:?}", &premature[..premature.len().min(3)]);
    assert!(t.other.is_empty(), "unexpected answers before the kill: {:?}", &t.other[..t.other.len().min(3)]);
    assert_eq!(t.unavailable, 0, "503s under plain load");
    println!(
        "[kill -9, {backend}] before the kill: {} created, {} repeats, {} refused; {} requests cut off by the kill",
        t.created,
        t.replayed,
        t.refused,
        t.transport.len()
    );

    let restarted = Instant::now();
    let server = Server::start(url).await;
    let up = restarted.elapsed();
    let after = Load::start(&server.base, &week, 16, 1_000_000, 400).complete().await;
    let t2 = tally(&after);
    assert!(t2.other.is_empty() && t2.transport.is_empty(), "after the restart: {:?} {:?}", t2.other, t2.transport);
    assert_eq!(t2.unavailable, 0, "503s after the restart");
    assert!(t2.created > 0, "no enrolment was created after the restart");
    told.extend(answered(&after));
    println!(
        "[kill -9, {backend}] restarted in {:.2} s; then {} created, {} repeats, {} refused",
        up.as_secs_f64(),
        t2.created,
        t2.replayed,
        t2.refused
    );
    server.stop().await;
    check_invariants(url, &told).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_nine_under_load_loses_no_answered_enrolment_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    kill_nine_under_load(&sqlite_url(dir.path()), "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_nine_under_load_loses_no_answered_enrolment_on_postgres() {
    let Some(pg) = PgCluster::create() else { return };
    kill_nine_under_load(&pg.url(), "postgres").await;
}

/// 16 clients enrol; PostgreSQL is stopped (fast shutdown) for five seconds and started again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgres_restart_answers_503_fast_and_the_server_recovers_by_itself() {
    let Some(pg) = PgCluster::create() else { return };
    let url = pg.url();
    let week = Arc::new(prepare(&url).await);
    let server = Server::start(&url).await;
    let load = Load::start(&server.base, &week, 16, 0, usize::MAX);
    assert!(
        load.until(Duration::from_secs(60), |l| l.enrolled.load(std::sync::atomic::Ordering::Relaxed) >= 100).await,
        "fewer than 100 enrolments answered in 60 s"
    );
    let stopping = Instant::now();
    pg.stop();
    let down = Instant::now();
    println!("[postgres restart] fast shutdown took {:.2} s", (down - stopping).as_secs_f64());
    tokio::time::sleep(Duration::from_secs(5)).await;
    let starting = Instant::now();
    pg.start();
    let up = Instant::now();
    let enrolled_at_start = load.enrolled.load(std::sync::atomic::Ordering::Relaxed);
    let recovered = load
        .until(Duration::from_secs(30), |l| {
            l.enrolled.load(std::sync::atomic::Ordering::Relaxed) >= enrolled_at_start + 50
        })
        .await;
    let answers = load.finish().await;
    let log = server.log();
    server.stop().await;
    assert!(recovered, "the server's log:\n{log}\n\nenrolments did not flow again within 30 s of PostgreSQL's start");

    let all = tally(&answers);
    assert!(all.other.is_empty(), "unexpected answers (a 500?): {:?}", &all.other[..all.other.len().min(5)]);
    assert!(
        all.transport.is_empty(),
        "requests without an answer (a hang?): {:?}",
        &all.transport[..all.transport.len().min(5)]
    );
    assert_eq!(all.bad_unavailable, 0, "503s without Retry-After or problem+json");
    let during: Vec<&Answer> = answers.iter().filter(|a| a.sent >= down && a.done <= starting).collect();
    let outage = tally(during.iter().copied());
    assert!(outage.unavailable >= 8, "too few requests during the outage to judge: {outage:?}");
    assert_eq!(
        outage.unavailable,
        during.len(),
        "requests during the outage that were not refused with 503: {:?}",
        during.iter().filter(|a| !matches!(a.outcome, Outcome::Unavailable { .. })).take(3).collect::<Vec<_>>()
    );
    if all.max_unavailable_latency > support::OUTAGE_ANSWER_BOUND {
        // The log first and the summary last: CI shows the end of a failure's output.
        let at = |t: Instant| t.saturating_duration_since(stopping).as_millis();
        let mut slow: Vec<&Answer> = answers.iter().filter(|a| a.latency() > support::OUTAGE_ANSWER_BOUND).collect();
        slow.sort_by_key(|a| std::cmp::Reverse(a.latency()));
        let slow: Vec<String> = slow
            .iter()
            .take(8)
            .map(|a| {
                format!(
                    "{} ms, sent at +{} ms, answered at +{} ms: {:?}",
                    a.latency().as_millis(),
                    at(a.sent),
                    at(a.done),
                    a.outcome
                )
            })
            .collect();
        panic!(
            "the server's log:\n{log}\n\na 503 took {:?} (bound {:?}); times after the shutdown began: \
             down +{} ms, start +{} ms, up +{} ms; the slowest answers:\n{}",
            all.max_unavailable_latency,
            support::OUTAGE_ANSWER_BOUND,
            at(down),
            at(starting),
            at(up),
            slow.join("\n")
        );
    }
    let first_201 = answers
        .iter()
        .filter(|a| a.sent >= up && matches!(a.outcome, Outcome::Enrolled { created: true, .. }))
        .map(|a| a.done)
        .min()
        .expect("a 201 after the restart");
    assert!(
        first_201 - up <= support::OUTAGE_ANSWER_BOUND,
        "the first 201 came {:?} after PostgreSQL was up (bound {:?})",
        first_201 - up,
        support::OUTAGE_ANSWER_BOUND
    );
    println!(
        "[postgres restart] {} created, {} repeats, {} refused, {} answered 503 (all with Retry-After and problem+json), \
         during the outage {} requests all 503, slowest 503 {} ms (bound {} ms); first 201 {} ms after PostgreSQL was up; \
         {} log lines about the outage",
        all.created,
        all.replayed,
        all.refused,
        all.unavailable,
        during.len(),
        all.max_unavailable_latency.as_millis(),
        support::OUTAGE_ANSWER_BOUND.as_millis(),
        (first_201 - up).as_millis(),
        log.lines().filter(|l| l.contains("database unavailable")).count()
    );
    assert!(log.contains("database unavailable"), "no log line about the outage:\n{log}");
    check_invariants(&url, &answered(&answers)).await;
}

/// The SQLite file lives on an 48 MiB tmpfs; mid-run the filesystem is filled to the last byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_answers_503_keeps_reading_and_recovers_without_corruption_on_sqlite() {
    let disk = Tmpfs::mount(48);
    let url = sqlite_url(disk.path());
    let week = Arc::new(prepare(&url).await);
    let server = Server::start(&url).await;
    let warm = Load::start(&server.base, &week, 8, 0, 200).complete().await;
    let w = tally(&warm);
    assert!(w.other.is_empty() && w.transport.is_empty() && w.unavailable == 0, "before the disk filled: {w:?}");

    let (ballast, size) = disk.fill();
    let load = Load::start(&server.base, &week, 8, 10_000, usize::MAX);
    let refused =
        load.until(Duration::from_secs(30), |l| l.unavailable.load(std::sync::atomic::Ordering::Relaxed) >= 40).await;
    let full = load.finish().await;
    let f = tally(&full);
    assert!(refused, "the full disk was not noticed: {f:?}");
    assert!(f.other.is_empty() && f.transport.is_empty(), "on a full disk: {:?} {:?}", f.other, f.transport);
    assert_eq!(f.bad_unavailable, 0, "503s without Retry-After or problem+json");
    assert!(f.max_unavailable_latency <= support::OUTAGE_ANSWER_BOUND, "a 503 took {:?}", f.max_unavailable_latency);

    // Reads need no space.
    reads_still_served(&server, &week, "on a full disk").await;
    let log = server.log();
    let cause: Vec<&str> =
        log.lines().filter(|l| l.contains("database unavailable") && l.contains("full")).take(1).collect();
    assert!(!cause.is_empty(), "no log line naming the full disk:\n{log}");

    std::fs::remove_file(&ballast).expect("remove the ballast");
    let (after, first_201) = enrolments_flow_again(&server, &week, Instant::now()).await;
    let a = tally(&after);
    println!(
        "[disk full, sqlite] {} MiB ballast filled the tmpfs; then {} created (slack in the WAL), {} answered 503 \
         (slowest {} ms), reads 200; log: {}; {} connections left inside a failed transaction closed; \
         space freed → first 201 after {} ms, then {} created, {} answered 503",
        size >> 20,
        f.created,
        f.unavailable,
        f.max_unavailable_latency.as_millis(),
        cause[0].split_once("error=").map_or(cause[0], |(_, c)| c).trim(),
        server.log().matches("left inside a failed transaction").count(),
        first_201.as_millis(),
        a.created,
        a.unavailable
    );
    server.stop().await;
    let mut told = answered(&warm);
    told.extend(answered(&full));
    told.extend(answered(&after));
    check_invariants(&url, &told).await;
}

/// The database file and its write-ahead log become read-only while 8 clients enrol (what an
/// operator's `chattr`, a restored backup's permissions or a filesystem gone read-only look like
/// to SQLite): every write is answered 503 quickly, reads go on, the log names the cause; once
/// the files are writable again, enrolments flow without a restart and nothing is corrupt.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_read_only_database_answers_503_keeps_reading_and_recovers_without_corruption_on_sqlite() {
    let dir = tempfile::Builder::new().prefix("lw-faults-ro-").tempdir().expect("temp dir");
    let url = sqlite_url(dir.path());
    let db = dir.path().join("faults.db");
    let week = Arc::new(prepare(&url).await);
    let server = Server::start(&url).await;
    let warm = Load::start(&server.base, &week, 8, 0, 200).complete().await;
    let w = tally(&warm);
    assert!(w.other.is_empty() && w.transport.is_empty() && w.unavailable == 0, "before: {w:?}");

    let wal = dir.path().join("faults.db-wal");
    let read_only = ReadOnly::set(&[db.clone(), wal]);
    let load = Load::start(&server.base, &week, 8, 10_000, usize::MAX);
    let refused =
        load.until(Duration::from_secs(30), |l| l.unavailable.load(std::sync::atomic::Ordering::Relaxed) >= 40).await;
    let ro = load.finish().await;
    let r = tally(&ro);
    assert!(refused, "the read-only database was not noticed: {r:?}\n{}", tail(&server.log(), 40));
    assert!(r.other.is_empty() && r.transport.is_empty(), "read-only: {:?} {:?}", r.other, r.transport);
    assert_eq!(r.created, 0, "enrolments were answered 201 while the database could not be written");
    assert_eq!(r.bad_unavailable, 0, "503s without Retry-After or problem+json");
    assert!(r.max_unavailable_latency <= support::OUTAGE_ANSWER_BOUND, "a 503 took {:?}", r.max_unavailable_latency);

    reads_still_served(&server, &week, "read-only").await;
    let log = server.log();
    let cause: Vec<&str> = log.lines().filter(|l| l.contains("database unavailable")).take(1).collect();
    assert!(!cause.is_empty(), "no log line naming the cause:\n{}", tail(&log, 40));

    read_only.clear();
    let (after, first_201) = enrolments_flow_again(&server, &week, Instant::now()).await;
    let a = tally(&after);
    println!(
        "[read-only database, sqlite] immutable flag on the database and its log: {} answered 503 (slowest {} ms), \
         none 201, reads 200; log: {}; writable again → first 201 after {} ms, then {} created, {} answered 503",
        r.unavailable,
        r.max_unavailable_latency.as_millis(),
        cause[0].split_once("error=").map_or(cause[0], |(_, c)| c).trim(),
        first_201.as_millis(),
        a.created,
        a.unavailable
    );
    server.stop().await;
    let mut told = answered(&warm);
    told.extend(answered(&ro));
    told.extend(answered(&after));
    check_invariants(&url, &told).await;
}
