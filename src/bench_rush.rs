//! `leerweek bench rush`: the enrolment rush over HTTP. A generated week (50 municipalities,
//! 20,000 people with bearer tokens, 600 sessions of 20–30 seats, at most three sessions per
//! person) is served by a real `leerweek serve` child process; N concurrent clients, each request
//! a different person, enrol into sessions chosen with a skew (popular workshops draw most
//! clicks) until the work is done or the time budget ends. Reported per run: decisions per second
//! (seats, waiting-list places and rule refusals), p50/p95/p99 latency, errors (must be 0),
//! overbooked sessions (must be 0), counters that disagree with a recount (must be 0), and the
//! server's peak RSS.
//!
//! The baseline, measured in the same run on a fresh copy of the same week: the same transaction
//! shape (lock the person, take a seat or a queue number, insert the enrolment, insert its outbox
//! row, commit) as raw SQL through a connection pool, without HTTP, without the ORM and without
//! the rules: the database's own ceiling. One writer on SQLite (it has one), N on PostgreSQL.
//! The ratio printed is leerweek / baseline.

use anyhow::{Context, bail};
use leerweek_store::fixtures::{self, RushScale, RushWeek};
use leerweek_store::{Store, StoreOptions};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// What to run.
#[derive(Debug, Clone)]
pub struct RushPlan {
    /// Concurrent clients per run.
    pub clients: Vec<usize>,
    /// A PostgreSQL URL of a role that may create databases (optional).
    pub postgres: Option<String>,
    /// Skip SQLite.
    pub no_sqlite: bool,
    /// Longest a run may take.
    pub budget: Duration,
    /// The week's size.
    pub scale: RushScale,
}

/// The outcome of one run.
#[derive(Debug, Clone, Default)]
pub struct RushFigure {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Concurrent clients.
    pub clients: usize,
    /// Seats given.
    pub confirmed: usize,
    /// Waiting-list places given.
    pub waitlisted: usize,
    /// Refusals by a rule (overlap, limit, …).
    pub refused: usize,
    /// Anything else: transport errors, 5xx, unexpected answers.
    pub errors: usize,
    /// Wall time of the rush.
    pub elapsed: Duration,
    /// Latencies in microseconds, sorted.
    pub latencies: Vec<u32>,
    /// Sessions with more seats taken than they have.
    pub overbooked: usize,
    /// Sessions whose counters differ from a recount of the rows.
    pub miscounted: usize,
    /// Seats filled / all seats.
    pub filled: f64,
    /// Peak resident memory of the server, in MiB.
    pub peak_rss_mib: f64,
    /// CPU time the server used during the rush.
    pub server_cpu: Duration,
    /// Mails the server delivered (over SMTP) before the rush ended.
    pub mails: usize,
    /// Mails delivered in the [`MAIL_DRAIN`] after the rush, and how long that took.
    pub drained: (usize, Duration),
    /// Baseline decisions per second.
    pub baseline_per_sec: f64,
    /// The first few errors, for the log.
    pub error_samples: Vec<String>,
}

impl RushFigure {
    pub(crate) fn decisions(&self) -> usize {
        self.confirmed + self.waitlisted + self.refused
    }
    pub(crate) fn per_sec(&self) -> f64 {
        self.decisions() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    pub(crate) fn pct(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i] as f64 / 1000.0
    }
}

/// The n-th request of the rush: a person (each request a different one until all have had a
/// turn) and a session with a skew: index `⌊u² · sessions⌋`, so the first tenth of the
/// sessions draws about a third of the clicks.
fn pick(week: &RushWeek, n: usize, rng: &mut rand::rngs::StdRng) -> (usize, usize) {
    use rand::Rng;
    let person = n % week.people.len();
    let u: f64 = rng.random();
    let session = ((u * u) * week.sessions.len() as f64) as usize % week.sessions.len();
    (person, session)
}

/// How many requests a run makes at most: three attempts per person.
fn workload(week: &RushWeek) -> usize {
    week.people.len() * 3
}

pub(crate) async fn fresh_database(
    backend: &'static str,
    admin_url: Option<&str>,
    tag: &str,
) -> anyhow::Result<Database> {
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("rush.db").display());
            Ok(Database { url, _dir: Some(dir), drop: None })
        }
        _ => {
            let admin_url = admin_url.context("no PostgreSQL URL")?;
            let name = format!("leerweek_rush_{tag}_{}", std::process::id());
            let admin = sea_orm::Database::connect(admin_url).await.context("connecting to PostgreSQL")?;
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
            admin.close().await?;
            let url = beside(admin_url, &name)?;
            Ok(Database { url, _dir: None, drop: Some((admin_url.to_owned(), name)) })
        }
    }
}

/// The URL of database `name` on the server of `admin_url`, with the same parameters (such as
/// `?sslmode=disable`).
pub(crate) fn beside(admin_url: &str, name: &str) -> anyhow::Result<String> {
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

pub(crate) struct Database {
    pub(crate) url: String,
    _dir: Option<tempfile::TempDir>,
    drop: Option<(String, String)>,
}

impl Database {
    pub(crate) async fn remove(self) -> anyhow::Result<()> {
        if let Some((admin_url, name)) = &self.drop {
            let admin = sea_orm::Database::connect(admin_url.as_str()).await?;
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
            admin.close().await?;
        }
        Ok(())
    }
}

/// With `beside_server`, the store stays open beside a server process, to check the outcome, and
/// leaves the checkpoints to the server.
pub(crate) async fn prepare(url: &str, scale: RushScale, beside_server: bool) -> anyhow::Result<(Store, RushWeek)> {
    let options = StoreOptions { max_connections: 8, background_checkpoints: !beside_server, ..Default::default() };
    let store = Store::connect(url, &options).await?;
    store.migrate().await?;
    let week = fixtures::generate_rush(&store, scale, 2027, chrono::Utc::now()).await?;
    // Fresh statistics of our tables (a plain ANALYZE on PostgreSQL also visits the catalogues,
    // which a non-superuser may not).
    let analyze = if url.starts_with("postgres") {
        "ANALYZE people, api_tokens, sessions, workshops, events, event_organisations, enrolments, outbox"
    } else {
        "ANALYZE"
    };
    store.conn().execute_unprepared(analyze).await?;
    Ok((store, week))
}

/// A free port on loopback.
pub(crate) fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub(crate) struct Server {
    child: tokio::process::Child,
    pub(crate) base: String,
    pub(crate) mail: MailSink,
}

/// Where the server under test sends its mail: a minimal SMTP server in the bench process that
/// accepts every message and counts it. The server talks SMTP to it as it would to a relay in
/// production. (A file transport on this machine's disk measured the file system instead: ext4
/// spent a fifth of the server's CPU finding free inodes for the message files.)
pub(crate) struct MailSink {
    pub(crate) port: u16,
    received: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl MailSink {
    pub(crate) async fn start() -> anyhow::Result<MailSink> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let received = Arc::new(AtomicUsize::new(0));
        let counter = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(smtp_session(conn, counter.clone()));
            }
        });
        Ok(MailSink { port, received, task })
    }

    /// Messages accepted so far.
    pub(crate) fn received(&self) -> usize {
        self.received.load(Ordering::Relaxed)
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One SMTP conversation: every command is accepted, every message counted and dropped.
async fn smtp_session(conn: tokio::net::TcpStream, received: Arc<AtomicUsize>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let (read, mut write) = conn.into_split();
    let mut read = BufReader::new(read);
    let mut line = Vec::new();
    let mut in_data = false;
    if write.write_all(b"220 bench sink\r\n").await.is_err() {
        return;
    }
    loop {
        line.clear();
        match read.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let reply: &[u8] = if in_data {
            if line != b".\r\n" {
                continue;
            }
            in_data = false;
            received.fetch_add(1, Ordering::Relaxed);
            b"250 queued\r\n"
        } else {
            let verb = line.get(..4).map(|v| v.to_ascii_uppercase()).unwrap_or_default();
            match verb.as_slice() {
                b"EHLO" | b"HELO" => b"250 bench sink\r\n",
                b"DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                b"QUIT" => {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                }
                _ => b"250 ok\r\n",
            }
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// How long the bench waits after a rush for the confirmations still queued.
const MAIL_DRAIN: Duration = Duration::from_secs(20);

/// Wait until `expected` mails have arrived or [`MAIL_DRAIN`] has passed; returns how many arrived
/// meanwhile and how long it took: the mail worker's pace once the clicking stops.
async fn drain(server: &Server, expected: usize) -> (usize, Duration) {
    let (before, started) = (server.mail.received(), Instant::now());
    while server.mail.received() < expected && started.elapsed() < MAIL_DRAIN {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server.mail.received() - before, started.elapsed())
}

/// CPU time (user + system) a process has used so far, from `/proc/PID/stat`.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(Duration::from_millis(ticks * 1000 / per_sec))
}

impl Server {
    pub(crate) async fn start(url: &str) -> anyhow::Result<Server> {
        leerweek_api::sso::install_crypto_provider();
        let port = free_port()?;
        let mail = MailSink::start().await?;
        let exe = std::env::current_exe()?;
        let child = tokio::process::Command::new(exe)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("LEERWEEK__DATABASE__URL", url)
            .env("LEERWEEK__MAIL__TRANSPORT", "smtp")
            .env("LEERWEEK__MAIL__SMTP_HOST", "127.0.0.1")
            .env("LEERWEEK__MAIL__SMTP_PORT", mail.port.to_string())
            .env("LEERWEEK__MAIL__SMTP_TLS", "none")
            // The server's own log filter: warnings, unless LEERWEEK_BENCH_SERVER_LOG says otherwise
            // (`leerweek_store=debug` shows every slow enrolment batch with its phases).
            .env("RUST_LOG", std::env::var("LEERWEEK_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()))
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if client.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(Server { child, base, mail });
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        bail!("the server did not answer /health within 15 s")
    }

    /// CPU time the server has used so far.
    pub(crate) fn cpu_time(&self) -> Duration {
        self.child.id().and_then(cpu_time).unwrap_or_default()
    }

    /// Peak resident set size (VmHWM) in MiB.
    pub(crate) fn peak_rss_mib(&self) -> f64 {
        let Some(pid) = self.child.id() else { return 0.0 };
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    }

    pub(crate) async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

/// The rush over HTTP against a running server.
pub(crate) async fn rush_http(base: &str, week: Arc<RushWeek>, clients: usize, budget: Duration) -> RushFigure {
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build().unwrap_or_default();
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let total = workload(&week);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, week, next, stop, base) =
            (client.clone(), week.clone(), next.clone(), stop.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            use rand::SeedableRng;
            let mut rng = rand::rngs::StdRng::seed_from_u64(c as u64);
            let mut f = RushFigure::default();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total || stop.load(Ordering::Relaxed) || started.elapsed() > budget {
                    break;
                }
                let (p, s) = pick(&week, n, &mut rng);
                let (session, _) = week.sessions[s];
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/v1/sessions/{session}/enrolments"))
                    .bearer_auth(&week.people[p].1)
                    // As the web app does: one key per click.
                    .header("Idempotency-Key", format!("rush-{n}"))
                    .send()
                    .await;
                let outcome = match res {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let body = r.text().await.unwrap_or_default();
                        match status {
                            201 | 200 if body.contains("\"status\":\"confirmed\"") => Ok(0),
                            201 | 200 if body.contains("\"status\":\"waitlisted\"") => Ok(1),
                            409 => Ok(2),
                            _ => Err(format!("{status}: {}", body.chars().take(200).collect::<String>())),
                        }
                    }
                    Err(e) => Err(format!("transport: {e}")),
                };
                f.latencies.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                match outcome {
                    Ok(0) => f.confirmed += 1,
                    Ok(1) => f.waitlisted += 1,
                    Ok(_) => f.refused += 1,
                    Err(e) => {
                        f.errors += 1;
                        if f.error_samples.len() < 3 {
                            f.error_samples.push(e);
                        }
                    }
                }
            }
            f
        }));
    }
    let mut all = RushFigure { clients, ..Default::default() };
    for t in tasks {
        if let Ok(f) = t.await {
            all.confirmed += f.confirmed;
            all.waitlisted += f.waitlisted;
            all.refused += f.refused;
            all.errors += f.errors;
            all.latencies.extend(f.latencies);
            all.error_samples.extend(f.error_samples);
        }
    }
    stop.store(true, Ordering::Relaxed);
    all.elapsed = started.elapsed();
    all.latencies.sort_unstable();
    all
}

/// Overbooked sessions, sessions whose counters disagree with the rows, and the share filled.
pub(crate) async fn check(store: &Store, week: &RushWeek) -> anyhow::Result<(usize, usize, f64)> {
    let (mut over, mut wrong, mut taken, mut seats) = (0, 0, 0i64, 0i64);
    for (id, capacity) in &week.sessions {
        let (confirmed, waiting) = leerweek_store::enrolments::recount(store, *id).await?;
        let s = leerweek_store::entities::session::Entity::find_by_id(*id)
            .one(store.conn())
            .await?
            .context("session gone")?;
        if confirmed as i64 > *capacity as i64 {
            over += 1;
        }
        if s.confirmed_count as i64 != confirmed as i64 || s.waitlist_count as i64 != waiting as i64 {
            wrong += 1;
        }
        taken += confirmed as i64;
        seats += *capacity as i64;
    }
    Ok((over, wrong, taken as f64 / seats.max(1) as f64))
}

use sea_orm::EntityTrait;

/// The database's own ceiling: the enrolment's transaction shape as raw SQL. Returns decisions
/// per second over the same stream of (person, session) pairs (repeats skipped: the rules'
/// "already enrolled" answer needs no write).
async fn baseline(store: &Store, week: &RushWeek, writers: usize, budget: Duration) -> anyhow::Result<f64> {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut seen = HashSet::new();
    let pairs: Vec<(Uuid, Uuid)> = (0..workload(week))
        .map(|n| pick(week, n, &mut rng))
        .filter(|p| seen.insert(*p))
        .map(|(p, s)| (week.people[p].0, week.sessions[s].0))
        .collect();
    let pairs = Arc::new(pairs);
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let event = week.event_id;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..writers {
        let (store, pairs, next, done) = (store.clone(), pairs.clone(), next.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= pairs.len() || started.elapsed() > budget {
                    return anyhow::Ok(());
                }
                let (person, session) = pairs[n];
                one_transaction(&store, event, person, session).await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64().max(1e-9))
}

async fn one_transaction(store: &Store, event: Uuid, person: Uuid, session: Uuid) -> anyhow::Result<()> {
    let pg = store.is_postgres();
    let backend = if pg { DatabaseBackend::Postgres } else { DatabaseBackend::Sqlite };
    let st = |sql: &str, values: Vec<Value>| Statement::from_sql_and_values(backend, sql, values);
    let now = chrono::Utc::now();
    // One writer at a time on SQLite (BEGIN IMMEDIATE behind the store's gate), as the server does.
    let txn = store.write().await?;
    let lock =
        if pg { "SELECT id FROM people WHERE id = $1 FOR UPDATE" } else { "SELECT id FROM people WHERE id = $1" };
    txn.query_one_raw(st(lock, vec![person.into()])).await?;
    let seat = txn
        .query_one_raw(st(
            "UPDATE sessions SET confirmed_count = confirmed_count + 1 WHERE id = $1 AND confirmed_count < capacity RETURNING confirmed_count",
            vec![session.into()],
        ))
        .await?;
    let id = Uuid::now_v7();
    if seat.is_some() {
        txn.execute_raw(st(
            "INSERT INTO enrolments (id, session_id, person_id, event_id, status, created_at, confirmed_at) VALUES ($1, $2, $3, $4, 'confirmed', $5, $5)",
            vec![id.into(), session.into(), person.into(), event.into(), now.into()],
        ))
        .await?;
    } else {
        let q = txn
            .query_one_raw(st(
                "UPDATE sessions SET waitlist_count = waitlist_count + 1, waitlist_next = waitlist_next + 1 WHERE id = $1 RETURNING waitlist_next - 1 AS seq",
                vec![session.into()],
            ))
            .await?
            .context("session gone")?;
        let seq: i64 = q.try_get("", "seq")?;
        txn.execute_raw(st(
            "INSERT INTO enrolments (id, session_id, person_id, event_id, status, waitlist_seq, created_at) VALUES ($1, $2, $3, $4, 'waitlisted', $5, $6)",
            vec![id.into(), session.into(), person.into(), event.into(), seq.into(), now.into()],
        ))
        .await?;
    }
    txn.execute_raw(st(
        "INSERT INTO outbox (id, kind, person_id, session_id, enrolment_id, payload, status, attempts, next_attempt_at, created_at) VALUES ($1, 'enrolment_confirmed', $2, $3, $4, '{}', 'pending', 0, $5, $5)",
        vec![Uuid::now_v7().into(), person.into(), session.into(), id.into(), now.into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn one_run(backend: &'static str, plan: &RushPlan, clients: usize) -> anyhow::Result<RushFigure> {
    // The rush over HTTP, on a fresh week.
    let db = fresh_database(backend, plan.postgres.as_deref(), &format!("{clients}")).await?;
    let (store, week) = prepare(&db.url, plan.scale, true).await?;
    let week = Arc::new(week);
    let server = Server::start(&db.url).await?;
    let cpu_before = server.cpu_time();
    let mut f = rush_http(&server.base, week.clone(), clients, plan.budget).await;
    f.backend = backend;
    f.peak_rss_mib = server.peak_rss_mib();
    f.server_cpu = server.cpu_time().saturating_sub(cpu_before);
    f.mails = server.mail.received();
    f.drained = drain(&server, f.decisions() - f.refused).await;
    server.stop().await;
    let (over, wrong, filled) = check(&store, &week).await?;
    (f.overbooked, f.miscounted, f.filled) = (over, wrong, filled);
    store.close().await?;
    db.remove().await?;

    // The baseline, on another fresh copy of the week.
    let db = fresh_database(backend, plan.postgres.as_deref(), &format!("{clients}b")).await?;
    let (store, week) = prepare(&db.url, plan.scale, false).await?;
    let writers = if backend == "sqlite" { 1 } else { clients };
    f.baseline_per_sec = baseline(&store, &week, writers, plan.budget).await?;
    store.close().await?;
    db.remove().await?;
    Ok(f)
}

fn print(f: &RushFigure) {
    println!(
        "{:<8} N={:<4} {:>8.0} decisions/s  (seat {:>6}, waiting {:>6}, refused {:>6}) in {:>5.1} s  p50 {:>6.1} ms  p95 {:>6.1} ms  p99 {:>6.1} ms  errors {}  overbooked {}  miscounted {}  filled {:>5.1}%  server peak RSS {:>5.1} MiB  baseline {:>7.0}/s  ratio {:.2}",
        f.backend,
        f.clients,
        f.per_sec(),
        f.confirmed,
        f.waitlisted,
        f.refused,
        f.elapsed.as_secs_f64(),
        f.pct(0.50),
        f.pct(0.95),
        f.pct(0.99),
        f.errors,
        f.overbooked,
        f.miscounted,
        f.filled * 100.0,
        f.peak_rss_mib,
        f.baseline_per_sec,
        f.per_sec() / f.baseline_per_sec.max(1e-9),
    );
    println!(
        "{:<8}         server CPU {:.2} ms a decision; {} of {} confirmation mails delivered by the end of the rush, \
         {} more in the {:.1} s after it ({:.0}/s)",
        "",
        f.server_cpu.as_secs_f64() * 1000.0 / f.decisions().max(1) as f64,
        f.mails,
        f.decisions() - f.refused,
        f.drained.0,
        f.drained.1.as_secs_f64(),
        f.drained.0 as f64 / f.drained.1.as_secs_f64().max(1e-9),
    );
    for e in &f.error_samples {
        println!("         error: {e}");
    }
}

/// The backends a bench plan asks for: SQLite unless left out, PostgreSQL when given a URL.
pub(crate) fn backends(no_sqlite: bool, postgres: Option<&str>) -> Vec<&'static str> {
    let mut backends = vec![];
    if !no_sqlite {
        backends.push("sqlite");
    }
    if postgres.is_some() {
        backends.push("postgres");
    }
    backends
}

/// Run the plan and print the figures. Returns false when a run lost or overbooked anything (the
/// speed targets are reported, not enforced: the machine is shared).
pub async fn run(plan: &RushPlan) -> anyhow::Result<bool> {
    let backends = backends(plan.no_sqlite, plan.postgres.as_deref());
    println!(
        "enrolment rush: {} organisations, {} people, {} sessions of 20–30 seats; at most {} requests or {} s per run",
        plan.scale.organisations,
        plan.scale.people,
        plan.scale.sessions,
        plan.scale.people * 3,
        plan.budget.as_secs()
    );
    let mut ok = true;
    let mut all = vec![];
    for backend in backends {
        for &n in &plan.clients {
            let f = one_run(backend, plan, n).await?;
            print(&f);
            ok &= f.errors == 0 && f.overbooked == 0 && f.miscounted == 0;
            all.push(f);
        }
    }
    println!();
    println!(
        "targets at N=64: ≥ 2,000 decisions/s on SQLite, ≥ 1,000/s on PostgreSQL, p99 ≤ 50 ms, ratio ≥ 0.5, RSS ≤ 150 MiB"
    );
    for f in all.iter().filter(|f| f.clients == 64) {
        let target = if f.backend == "sqlite" { 2000.0 } else { 1000.0 };
        println!(
            "  {:<8} {:>6.0}/s {}  p99 {:.1} ms {}  ratio {:.2} {}  RSS {:.1} MiB {}",
            f.backend,
            f.per_sec(),
            if f.per_sec() >= target { "met" } else { "NOT MET" },
            f.pct(0.99),
            if f.pct(0.99) <= 50.0 { "met" } else { "NOT MET" },
            f.per_sec() / f.baseline_per_sec.max(1e-9),
            if f.per_sec() / f.baseline_per_sec.max(1e-9) >= 0.5 { "met" } else { "NOT MET" },
            f.peak_rss_mib,
            if f.peak_rss_mib <= 150.0 { "met" } else { "NOT MET" },
        );
    }
    Ok(ok)
}

/// `leerweek bench startup`: from starting `leerweek serve` to its first `200` on `/health`, on
/// a SQLite database holding a generated week (national scale unless told otherwise), beside the
/// same on an empty database in the same run. Median of `runs`; false when the week's median is
/// 1 s or more.
pub async fn startup(scale: leerweek_store::fixtures::Scale, runs: usize) -> anyhow::Result<bool> {
    let dir = tempfile::tempdir()?;
    let full = format!("sqlite://{}?mode=rwc", dir.path().join("week.db").display());
    let empty = format!("sqlite://{}?mode=rwc", dir.path().join("empty.db").display());
    let t = Instant::now();
    let store = Store::connect(&full, &StoreOptions::default()).await?;
    store.migrate().await?;
    let g = fixtures::generate(&store, scale, 2027).await?;
    store.conn().execute_unprepared("ANALYZE").await?;
    store.close().await?;
    let store = Store::connect(&empty, &StoreOptions::default()).await?;
    store.migrate().await?;
    store.close().await?;
    let size = std::fs::metadata(dir.path().join("week.db")).map(|m| m.len()).unwrap_or(0);
    println!(
        "start-up: generated {} people, {} sessions, {} enrolments in {:.1} s ({:.0} MiB SQLite file)",
        g.people,
        g.sessions,
        g.enrolments,
        t.elapsed().as_secs_f64(),
        size as f64 / 1_048_576.0
    );
    let times = |url: String| async move {
        let mut v = vec![];
        for _ in 0..runs {
            let started = Instant::now();
            let server = Server::start(&url).await?;
            v.push(started.elapsed());
            server.stop().await;
        }
        v.sort();
        anyhow::Ok(v[v.len() / 2])
    };
    let week = times(full).await?;
    let base = times(empty).await?;
    println!(
        "start-up to the first /health 200, median of {runs}: {:.0} ms with the week, {:.0} ms empty (baseline), ratio {:.2}; budget 1,000 ms: {}",
        week.as_secs_f64() * 1000.0,
        base.as_secs_f64() * 1000.0,
        week.as_secs_f64() / base.as_secs_f64().max(1e-9),
        if week < Duration::from_secs(1) { "met" } else { "NOT MET" }
    );
    Ok(week < Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::beside;

    /// A bench database lives beside the one named, reached the same way (`?sslmode=…` kept).
    #[test]
    fn a_bench_database_keeps_the_urls_parameters() {
        assert_eq!(beside("postgres://u:p@h:5432/postgres", "b").unwrap(), "postgres://u:p@h:5432/b");
        assert_eq!(
            beside("postgres://u:p@h/postgres?sslmode=disable", "b").unwrap(),
            "postgres://u:p@h/b?sslmode=disable"
        );
        assert!(beside("postgres:nothing", "b").is_err());
    }
}
