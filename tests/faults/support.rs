//! The fault tests' tools: a real `leerweek serve` child process, a throw-away PostgreSQL
//! cluster of our own, a small tmpfs to fill, a load of enrolling clients that records every
//! answer, and the invariants checked in SQL after the fault.

use leerweek_bench::fixtures::{self, RushScale, RushWeek};
use leerweek_store::{Store, StoreOptions};
use leerweek_testkit::process::serve_command;
use leerweek_testkit::{ServerProcess, Sql};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The week of every scenario: small enough for a debug build, with sessions that fill up so
/// that waiting lists form (800 people, three tries each, 24 sessions of 20–30 seats).
pub const SCALE: RushScale = RushScale { organisations: 5, people: 800, sessions: 24 };

/// The longest a request may take to be refused during an outage: the pool's connect/acquire
/// timeout (set to 2 s for these servers) plus a second for the rest of the request. Also the
/// longest the first `201` may come after PostgreSQL is back.
pub const OUTAGE_ANSWER_BOUND: Duration = Duration::from_secs(3);

/// Per-request client timeout: longer than this counts as a hang.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

/// Generate the rush week into an empty database (migrating it first).
pub async fn prepare(url: &str) -> RushWeek {
    let (store, _background) =
        Store::connect(url, &StoreOptions { max_connections: 4, ..Default::default() }).await.expect("connect");
    store.migrate().await.expect("migrate");
    let week = fixtures::generate_rush(url, SCALE, 2027, chrono::Utc::now()).await.expect("generate the week");
    store.close().await.ok();
    week
}

// ------------------------------------------------------------------------------------------
// The server

/// Each thread of process `pid` with the frames of Leerweek's own code (gdb, where installed):
/// what a server that does not stop is waiting for.
fn stacks(pid: u32) -> String {
    match Command::new("gdb").args(["-batch", "-ex", "thread apply all bt", "-p", &pid.to_string()]).output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("Thread ") || l.contains(" in leerweek"))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("(no stacks: gdb {e})"),
    }
}

/// A `leerweek serve` child process (testkit's, on a port of the kernel's choice: a server
/// started again gets a new address, which clients take from `base`); its standard error goes
/// to a file the test can read.
pub struct Server {
    process: ServerProcess,
    pub base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Start the real binary on `url` and wait until /health answers 200.
    pub async fn start(url: &str) -> Server {
        leerweek_api::sso::install_crypto_provider();
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("server.log");
        let mut command = serve_command(env!("CARGO_BIN_EXE_leerweek"));
        command
            .env("LEERWEEK__DATABASE__URL", url)
            // Fail fast when the database is gone: a request waits at most this long for a connection.
            .env("LEERWEEK__DATABASE__ACQUIRE_TIMEOUT_SECS", "2")
            .env("LEERWEEK__DATABASE__MAX_CONNECTIONS", "16")
            .env("LEERWEEK__MAIL__TRANSPORT", "file")
            .env("LEERWEEK__MAIL__FILE_DIR", dir.path().join("mail"))
            .env("RUST_LOG", "warn,leerweek=info")
            .env("NO_COLOR", "1")
            .env_remove("LEERWEEK_CONFIG")
            .stderr(std::fs::File::create(&log).expect("log file"));
        match ServerProcess::start(command, Duration::from_secs(60)).await {
            Ok(process) => Server { base: process.base.clone(), process, log, _dir: dir },
            Err(e) => panic!("{e:#}:\n{}", std::fs::read_to_string(&log).unwrap_or_default()),
        }
    }

    /// Everything the server wrote to standard error so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: no chance to finish anything.
    pub async fn kill9(self) {
        let status = self.process.kill9().await;
        assert!(!status.success(), "killed server exited cleanly?");
    }

    /// SIGTERM and wait for the graceful stop.
    pub async fn stop(mut self) {
        if !self.process.terminate(Duration::from_secs(15)).await {
            let stacks = self.process.pid().map(stacks).unwrap_or_default();
            panic!(
                "the server's log:\n{}\n\nleerweek serve did not stop within 15 s of SIGTERM; where its threads were:\n{stacks}",
                self.log()
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// The load

/// What one request got.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// 201, or 200 for an enrolment that already existed: its id and status.
    Enrolled { id: Uuid, status: String, created: bool },
    /// 409: refused by a rule (overlap, limit).
    Refused,
    /// 503: whether it carried `Retry-After` and a problem+json body of type `/errors/unavailable`.
    Unavailable { retry_after: bool, problem: bool },
    /// Any other answer (a 500 above all): never allowed.
    Other(String),
    /// No answer (connection refused or reset, client timeout).
    Transport(String),
}

/// One request with its times.
#[derive(Debug, Clone)]
pub struct Answer {
    pub sent: Instant,
    pub done: Instant,
    pub outcome: Outcome,
}

impl Answer {
    pub fn latency(&self) -> Duration {
        self.done - self.sent
    }
}

/// Clients enrolling until told to stop: request n is person `n mod people` into a session
/// picked with a skew (`⌊u²·sessions⌋`), as in the rush benchmark.
pub struct Load {
    stop: Arc<AtomicBool>,
    pub enrolled: Arc<AtomicUsize>,
    pub unavailable: Arc<AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<Vec<Answer>>>,
}

impl Load {
    /// `clients` concurrent clients from request number `offset` on; at most `limit` requests.
    pub fn start(base: &str, week: &Arc<RushWeek>, clients: usize, offset: usize, limit: usize) -> Load {
        leerweek_api::sso::install_crypto_provider();
        let client =
            reqwest::Client::builder().pool_max_idle_per_host(clients).timeout(CLIENT_TIMEOUT).build().expect("client");
        let next = Arc::new(AtomicUsize::new(offset));
        let stop = Arc::new(AtomicBool::new(false));
        let enrolled = Arc::new(AtomicUsize::new(0));
        let unavailable = Arc::new(AtomicUsize::new(0));
        let tasks = (0..clients)
            .map(|c| {
                let (client, week, next, stop, base) =
                    (client.clone(), week.clone(), next.clone(), stop.clone(), base.to_owned());
                let (enrolled, unavailable) = (enrolled.clone(), unavailable.clone());
                tokio::spawn(async move {
                    use rand::SeedableRng;
                    let mut rng = rand::rngs::StdRng::seed_from_u64((offset + c) as u64);
                    let mut answers = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= offset.saturating_add(limit) {
                            break;
                        }
                        // The rush benchmark's choice: person n, a session with a skew.
                        let (p, s) = leerweek_bench::rush::pick(&week, n, &mut rng);
                        let (person, session) = (&week.people[p], week.sessions[s].0);
                        let sent = Instant::now();
                        let res = client
                            .post(format!("{base}/api/v1/sessions/{session}/enrolments"))
                            .bearer_auth(&person.1)
                            .send()
                            .await;
                        let outcome = classify(res).await;
                        match &outcome {
                            Outcome::Enrolled { .. } => enrolled.fetch_add(1, Ordering::Relaxed),
                            Outcome::Unavailable { .. } => unavailable.fetch_add(1, Ordering::Relaxed),
                            _ => 0,
                        };
                        let transport = matches!(outcome, Outcome::Transport(_));
                        answers.push(Answer { sent, done: Instant::now(), outcome });
                        if transport {
                            // The server is gone (killed): do not spin.
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                    answers
                })
            })
            .collect();
        Load { stop, enrolled, unavailable, tasks }
    }

    /// Ask the clients to stop after their current request.
    pub fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Stop and collect every answer.
    pub async fn finish(self) -> Vec<Answer> {
        self.halt();
        self.complete().await
    }

    /// Let the clients make all their requests; collect every answer.
    pub async fn complete(self) -> Vec<Answer> {
        let mut all = Vec::new();
        for t in self.tasks {
            all.extend(t.await.expect("client task"));
        }
        all.sort_by_key(|a| a.sent);
        all
    }

    /// Wait until `done()` holds or `budget` passes; whether it held.
    pub async fn until(&self, budget: Duration, done: impl Fn(&Load) -> bool) -> bool {
        let started = Instant::now();
        while started.elapsed() < budget {
            if done(self) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        done(self)
    }
}

async fn classify(res: reqwest::Result<reqwest::Response>) -> Outcome {
    let res = match res {
        Ok(r) => r,
        Err(e) => return Outcome::Transport(e.to_string()),
    };
    let status = res.status().as_u16();
    let retry_after =
        res.headers().get("retry-after").is_some_and(|v| v.to_str().is_ok_and(|v| v.parse::<u32>().is_ok()));
    let problem_type =
        res.headers().get("content-type").is_some_and(|v| v.to_str().is_ok_and(|v| v == "application/problem+json"));
    let body = match res.text().await {
        Ok(b) => b,
        Err(e) => return Outcome::Transport(format!("{status}, body lost: {e}")),
    };
    let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    match status {
        200 | 201 => match (json["id"].as_str().and_then(|s| s.parse().ok()), json["status"].as_str()) {
            (Some(id), Some(s)) => Outcome::Enrolled { id, status: s.to_owned(), created: status == 201 },
            _ => Outcome::Other(format!("{status} without an enrolment: {body}")),
        },
        409 if problem_type => Outcome::Refused,
        503 => Outcome::Unavailable {
            retry_after,
            problem: problem_type && json["type"].as_str().is_some_and(|t| t.ends_with("/errors/unavailable")),
        },
        _ => Outcome::Other(format!("{status}: {}", body.chars().take(300).collect::<String>())),
    }
}

/// Counts of a batch of answers.
#[derive(Debug, Default)]
pub struct Tally {
    pub created: usize,
    pub replayed: usize,
    pub refused: usize,
    pub unavailable: usize,
    pub bad_unavailable: usize,
    pub other: Vec<String>,
    pub transport: Vec<String>,
    pub max_unavailable_latency: Duration,
}

pub fn tally<'a>(answers: impl IntoIterator<Item = &'a Answer>) -> Tally {
    let mut t = Tally::default();
    for a in answers {
        match &a.outcome {
            Outcome::Enrolled { created: true, .. } => t.created += 1,
            Outcome::Enrolled { created: false, .. } => t.replayed += 1,
            Outcome::Refused => t.refused += 1,
            Outcome::Unavailable { retry_after, problem } => {
                t.unavailable += 1;
                if !(*retry_after && *problem) {
                    t.bad_unavailable += 1;
                }
                t.max_unavailable_latency = t.max_unavailable_latency.max(a.latency());
            }
            Outcome::Other(e) => t.other.push(e.clone()),
            Outcome::Transport(e) => t.transport.push(e.clone()),
        }
    }
    t
}

/// The enrolments the clients were told about (201 or 200), with the status they were told.
pub fn answered(answers: &[Answer]) -> Vec<(Uuid, String)> {
    answers
        .iter()
        .filter_map(|a| match &a.outcome {
            Outcome::Enrolled { id, status, .. } => Some((*id, status.clone())),
            _ => None,
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// The invariants

/// What the database holds after a fault.
#[derive(Debug)]
pub struct Holdings {
    pub enrolments: usize,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub full_sessions: usize,
}

/// Check, in SQL on the database itself, what must hold after any fault (and print it):
/// - every enrolment a client was told about (201/200) exists, with the status it was told
///   (the scenarios cancel nothing, so nothing may have changed since);
/// - nobody holds two active enrolments in one session, nor more than the week's limit of 3;
/// - every session: confirmed rows ≤ capacity, and the seat and waiting-list counters equal a
///   recount of the rows; nobody waits while a seat is free;
/// - waiting lists without gaps: with nothing cancelled, the queue numbers of a session are
///   exactly 1..n, each once, and the next number to hand out is n+1;
/// - every enrolment has exactly one outbox row for its confirmation or waiting-list mail;
/// - SQLite: `PRAGMA integrity_check` says ok.
pub async fn check_invariants(url: &str, told: &[(Uuid, String)]) -> Holdings {
    let sql = Sql::connect(url).await.expect("connect");
    let db = sql.conn();
    let backend = db.get_database_backend();
    let rows = |sql: &str| db.query_all_raw(Statement::from_string(backend, sql.to_owned()));
    let count = |sql: &'static str| async move {
        let r = db.query_one_raw(Statement::from_string(backend, sql.to_owned())).await.expect(sql).expect("a row");
        r.try_get::<i64>("", "n").expect("n")
    };

    if !sql.is_postgres() {
        let r = rows("PRAGMA integrity_check").await.expect("integrity_check");
        let verdict: Vec<String> = r.iter().map(|r| r.try_get_by_index::<String>(0).unwrap_or_default()).collect();
        assert_eq!(verdict, vec!["ok".to_owned()], "SQLite integrity_check");
    }

    let all: HashMap<Uuid, String> =
        sql.all::<(Uuid, String)>("SELECT id, status FROM enrolments", []).await.into_iter().collect();
    let mut lost = Vec::new();
    for (id, status) in told {
        match all.get(id) {
            None => lost.push(format!("{id} (told {status}) is missing")),
            Some(s) if s != status => lost.push(format!("{id} was told {status} but is {s}")),
            Some(_) => {}
        }
    }
    assert!(lost.is_empty(), "{} answered enrolments lost or changed: {:?}", lost.len(), &lost[..lost.len().min(5)]);

    let doubles = count(
        "SELECT COUNT(*) AS n FROM (SELECT session_id, person_id FROM enrolments WHERE status <> 'cancelled' \
         GROUP BY session_id, person_id HAVING COUNT(*) > 1) d",
    )
    .await;
    assert_eq!(doubles, 0, "people enrolled twice in one session");
    let over_limit = count(
        "SELECT COUNT(*) AS n FROM (SELECT person_id FROM enrolments WHERE status <> 'cancelled' \
         GROUP BY person_id HAVING COUNT(*) > 3) d",
    )
    .await;
    assert_eq!(over_limit, 0, "people over the week's limit of 3 enrolments");

    let sessions = rows(
        "SELECT s.capacity AS capacity, s.confirmed_count AS confirmed_count, s.waitlist_count AS waitlist_count, \
           s.waitlist_next AS waitlist_next, \
           (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'confirmed') AS confirmed, \
           (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted') AS waiting, \
           (SELECT COUNT(DISTINCT e.waitlist_seq) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted') AS numbers, \
           (SELECT MIN(e.waitlist_seq) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted') AS first_seq, \
           (SELECT MAX(e.waitlist_seq) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted') AS last_seq \
         FROM sessions s",
    )
    .await
    .expect("sessions");
    assert_eq!(sessions.len(), SCALE.sessions, "sessions");
    let (mut confirmed_all, mut waiting_all, mut full) = (0, 0, 0);
    for (i, r) in sessions.iter().enumerate() {
        let get = |c: &str| r.try_get::<i64>("", c).unwrap_or_else(|e| panic!("{c}: {e}"));
        let capacity = r.try_get::<i32>("", "capacity").expect("capacity") as i64;
        let counter = r.try_get::<i32>("", "confirmed_count").expect("confirmed_count") as i64;
        let wcounter = r.try_get::<i32>("", "waitlist_count").expect("waitlist_count") as i64;
        let (next, confirmed, waiting, numbers) =
            (get("waitlist_next"), get("confirmed"), get("waiting"), get("numbers"));
        let first = r.try_get::<Option<i64>>("", "first_seq").expect("first_seq");
        let last = r.try_get::<Option<i64>>("", "last_seq").expect("last_seq");
        let what = format!(
            "session {i}: capacity {capacity}, counter {counter}, confirmed rows {confirmed}, waiting counter {wcounter}, \
             waiting rows {waiting}, numbers {numbers} from {first:?} to {last:?}, next {next}"
        );
        assert!(confirmed <= capacity, "overbooked: {what}");
        assert_eq!(counter, confirmed, "seat counter drifted: {what}");
        assert_eq!(wcounter, waiting, "waiting-list counter drifted: {what}");
        assert!(waiting == 0 || confirmed == capacity, "someone waits while a seat is free: {what}");
        assert_eq!(numbers, waiting, "waiting list with a shared or missing number: {what}");
        if waiting > 0 {
            assert_eq!((first, last, next), (Some(1), Some(waiting), waiting + 1), "waiting list with a gap: {what}");
        } else {
            assert_eq!(next, 1, "a queue number was handed out and lost: {what}");
        }
        confirmed_all += confirmed;
        waiting_all += waiting;
        full += usize::from(confirmed == capacity);
    }

    let without_mail = count(
        "SELECT COUNT(*) AS n FROM enrolments e WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.enrolment_id = e.id \
         AND o.kind IN ('enrolment_confirmed', 'enrolment_waitlisted'))",
    )
    .await;
    assert_eq!(without_mail, 0, "committed enrolments without their outbox row");
    let mails =
        count("SELECT COUNT(*) AS n FROM outbox WHERE kind IN ('enrolment_confirmed', 'enrolment_waitlisted')").await;
    assert_eq!(mails, all.len() as i64, "outbox rows of enrolment mails ≠ enrolments");

    sql.close().await;
    let h = Holdings { enrolments: all.len(), confirmed: confirmed_all, waitlisted: waiting_all, full_sessions: full };
    println!(
        "  invariants hold: {} enrolments ({} confirmed, {} waiting), {}/{} sessions full, {} answered enrolments all present",
        h.enrolments,
        h.confirmed,
        h.waitlisted,
        h.full_sessions,
        SCALE.sessions,
        told.len()
    );
    h
}

// ------------------------------------------------------------------------------------------
// A PostgreSQL cluster of our own (never the shared one), to stop and start at will

/// `initdb` + `pg_ctl` in a temporary directory, listening only on a Unix socket in that
/// directory (so no TCP port is needed, nor picked and hoped to be free), trust authentication.
/// As root the cluster runs as the `postgres` user (PostgreSQL refuses root).
pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
}

/// The port number in the name of the cluster's socket file (`.s.PGSQL.5432`); no TCP port.
const SOCKET_PORT: u16 = 5432;

fn pg_bin() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("LEERWEEK_TEST_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

impl PgCluster {
    /// A new, running cluster; `None` (loudly) only when PostgreSQL tests are explicitly skipped.
    pub fn create() -> Option<PgCluster> {
        let skip = std::env::var("LEERWEEK_TEST_SKIP_POSTGRES").as_deref() == Ok("1")
            && std::env::var("LEERWEEK_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1");
        let Some(bin) = pg_bin() else {
            if skip {
                eprintln!("SKIPPED: PostgreSQL fault scenario — no initdb/pg_ctl and LEERWEEK_TEST_SKIP_POSTGRES=1");
                return None;
            }
            panic!(
                "the PostgreSQL fault tests need PostgreSQL's server programs (initdb, pg_ctl under \
                 /usr/lib/postgresql/<version>/bin, or LEERWEEK_TEST_PG_BIN): install postgresql-15 \
                 (./scripts/test does), or set LEERWEEK_TEST_SKIP_POSTGRES=1 to skip loudly"
            );
        };
        let root = nix_uid() == 0;
        let dir = tempfile::Builder::new().prefix("lw-faults-pg-").tempdir().expect("temp dir");
        if root {
            let id = |flag: &str| -> u32 {
                let out = Command::new("id").args([flag, "postgres"]).output().expect("id");
                assert!(out.status.success(), "running as root, but there is no `postgres` user to run PostgreSQL as");
                String::from_utf8_lossy(&out.stdout).trim().parse().expect("an id")
            };
            std::os::unix::fs::chown(dir.path(), Some(id("-u")), Some(id("-g"))).expect("chown the cluster directory");
        }
        let cluster = PgCluster { dir, bin, as_postgres: root };
        let data = cluster.data();
        cluster.run("initdb", &["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        cluster.start();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let out = if self.as_postgres {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&exe).args(args).output()
        } else {
            Command::new(&exe).args(args).output()
        }
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}\n{}\nserver log:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
        );
    }

    /// Start (or restart) the cluster and wait until it accepts connections.
    pub fn start(&self) {
        let opts = format!(
            "-p {SOCKET_PORT} -k {} -c listen_addresses='' -c fsync=off -c max_connections=60",
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &opts, "-l", &log, "-w", "-t", "60", "start"]);
    }

    /// A fast shutdown: sessions are terminated, running transactions rolled back.
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "-t", "60", "stop"]);
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@localhost/postgres?host={}&port={SOCKET_PORT}", self.dir.path().display())
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&exe).args(args).output()
        } else {
            Command::new(&exe).args(args).output()
        };
    }
}

fn nix_uid() -> u32 {
    Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(u32::MAX)
}

// ------------------------------------------------------------------------------------------
// A small real filesystem to fill

/// A tmpfs of `size_mib` MiB mounted on a temporary directory (needs root), unmounted on drop.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    pub fn mount(size_mib: u32) -> Tmpfs {
        let dir = tempfile::Builder::new().prefix("lw-faults-disk-").tempdir().expect("temp dir");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_mib}m,mode=0755"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Tmpfs { dir },
            Ok(o) => panic!(
                "the disk-full fault test mounts a small tmpfs and needs root for it (CI runs as root): \
                 mount failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            Err(e) => panic!("the disk-full fault test needs `mount` (and root): {e}"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fill the filesystem to the last byte with a ballast file; returns its path and size.
    pub fn fill(&self) -> (PathBuf, u64) {
        use std::io::Write;
        let path = self.path().join("ballast");
        let mut f = std::fs::File::create(&path).expect("ballast");
        let mut written = 0u64;
        for chunk in [1 << 20, 4096, 512] {
            let buf = vec![0u8; chunk];
            while f.write_all(&buf).is_ok() {
                written += chunk as u64;
            }
        }
        let _ = f.flush();
        (path, written)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// Files made read-only for everyone, root included (`chattr +i`: the immutable flag, which
/// also refuses writes through descriptors that are already open), until dropped.
pub struct ReadOnly {
    files: Vec<PathBuf>,
}

impl ReadOnly {
    /// Flag every file of `files` that exists; panics (naming the cause) when the flag cannot be set.
    pub fn set(files: &[PathBuf]) -> ReadOnly {
        let files: Vec<PathBuf> = files.iter().filter(|f| f.exists()).cloned().collect();
        assert!(!files.is_empty(), "no database file to make read-only");
        let guard = ReadOnly { files };
        for f in &guard.files {
            match Command::new("chattr").arg("+i").arg(f).output() {
                Ok(o) if o.status.success() => {}
                Ok(o) => panic!(
                    "the read-only fault test sets the immutable flag with chattr and needs root and a \
                     filesystem that has the flag (ext4, tmpfs): {}: {}",
                    f.display(),
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
                Err(e) => panic!("the read-only fault test needs `chattr` (e2fsprogs) and root: {e}"),
            }
        }
        guard
    }

    /// Make the files writable again.
    pub fn clear(self) {}
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        for f in &self.files {
            let _ = Command::new("chattr").arg("-i").arg(f).status();
        }
    }
}
