//! `leerweek-bench rush`: the enrolment rush over HTTP. A generated week (50 municipalities,
//! 20,000 people with bearer tokens, 600 sessions of 20–30 seats, at most three sessions per
//! person) is served by a real `leerweek serve` child process; N concurrent clients, each request
//! a different person, enrol into sessions chosen with a skew (popular workshops draw most
//! clicks) until the work is done or the time budget ends. Reported per run: decisions per second
//! (seats, waiting-list places and rule refusals), p50/p95/p99 latency, errors (must be 0),
//! overbooked sessions (must be 0), counters that disagree with a recount (must be 0), and the
//! server's peak RSS.
//!
//! The baseline ([`crate::baseline`]), measured in the same run on a fresh copy of the same week:
//! the same transaction shape as raw SQL, the database's own ceiling. The ratio printed is
//! leerweek / baseline.

use crate::fixtures::rush::Clicks;
use crate::fixtures::through_api::{self, ApiShape};
use crate::fixtures::{self, RushScale, RushWeek};
use crate::server::Server;
use crate::{baseline, db};
use leerweek_store::{Store, StoreOptions};
use leerweek_testkit::TestDb;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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
    /// The week built through the API (the first line of each backend and client count).
    pub api_shape: ApiShape,
    /// Also run on the generated week (written straight into the database, then ANALYZE):
    /// an extra line, labelled as such.
    pub fixtures: bool,
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
    pub fn decisions(&self) -> usize {
        self.confirmed + self.waitlisted + self.refused
    }
    /// Decisions per second.
    pub fn per_sec(&self) -> f64 {
        self.decisions() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    /// The latency at quantile `p`, in ms.
    pub fn pct(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i] as f64 / 1000.0
    }
}

/// The n-th request of the rush: a person (each request a different one until all have had a
/// turn) and a session: with [`Clicks::SkewedThreeEach`] index `⌊u² · sessions⌋`, so the first
/// tenth of the sessions draws about a third of the clicks; otherwise uniform.
pub fn pick(week: &RushWeek, n: usize, rng: &mut rand::rngs::StdRng) -> (usize, usize) {
    use rand::Rng;
    let person = n % week.people.len();
    let u: f64 = rng.random();
    let u = if week.clicks == Clicks::SkewedThreeEach { u * u } else { u };
    let session = (u * week.sessions.len() as f64) as usize % week.sessions.len();
    (person, session)
}

/// How many requests a run makes at most: three attempts per person, or one.
pub(crate) fn workload(week: &RushWeek) -> usize {
    match week.clicks {
        Clicks::SkewedThreeEach => week.people.len() * 3,
        Clicks::EachPersonOnceUniform => week.people.len(),
    }
}

/// A fresh database for a run: a temporary SQLite file, or a new database on the PostgreSQL
/// server of `admin_url`, dropped with the value.
pub(crate) async fn fresh_database(
    backend: &'static str,
    admin_url: Option<&str>,
    tag: &str,
) -> anyhow::Result<TestDb> {
    match backend {
        "sqlite" => TestDb::sqlite_named("rush.db"),
        _ => {
            let admin_url = admin_url.ok_or_else(|| anyhow::anyhow!("no PostgreSQL URL"))?;
            TestDb::postgres_on(admin_url, &format!("leerweek_rush_{tag}")).await
        }
    }
}

/// Migrate the database at `url` through the product and generate the rush week into it, with
/// fresh statistics. Returns the store, left open (beside a server it leaves the checkpoints to
/// the server; alone it runs its own, as a server would), and a SQL connection of the bench's
/// own.
pub(crate) async fn prepare(
    url: &str,
    scale: RushScale,
    beside_server: bool,
) -> anyhow::Result<(Store, DatabaseConnection, RushWeek)> {
    let options = StoreOptions { max_connections: 8, background_checkpoints: !beside_server, ..Default::default() };
    let (store, _background) = Store::connect(url, &options).await?;
    store.migrate().await?;
    let week = fixtures::generate_rush(url, scale, 2027, chrono::Utc::now()).await?;
    let conn = db::connect(url, if store.is_postgres() { 8 } else { 1 }).await?;
    db::analyze(&conn, "people, api_tokens, sessions, workshops, events, event_organisations, enrolments, outbox")
        .await?;
    Ok((store, conn, week))
}

/// How long the bench waits after a rush for the confirmations still queued.
const MAIL_DRAIN: Duration = Duration::from_secs(20);

/// Wait until `expected` mails have arrived or [`MAIL_DRAIN`] has passed; returns how many arrived
/// meanwhile and how long it took: the mail worker's pace once the clicking stops.
async fn drain(server: &Server, expected: usize) -> (usize, Duration) {
    let (before, started) = (server.mails(), Instant::now());
    while server.mails() < expected && started.elapsed() < MAIL_DRAIN {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server.mails() - before, started.elapsed())
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
pub(crate) async fn check(conn: &DatabaseConnection, week: &RushWeek) -> anyhow::Result<(usize, usize, f64)> {
    let sql = "SELECT s.capacity, s.confirmed_count, s.waitlist_count, \
           (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'confirmed'), \
           (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted') \
         FROM sessions s WHERE s.event_id = $1";
    let rows = conn.query_all_raw(db::statement(conn, sql, vec![week.event_id.into()])).await?;
    anyhow::ensure!(rows.len() == week.sessions.len(), "{} of {} sessions", rows.len(), week.sessions.len());
    let (mut over, mut wrong, mut taken, mut seats) = (0, 0, 0i64, 0i64);
    for r in rows {
        let (capacity, counter, waiting_counter, confirmed, waiting): (i32, i32, i32, i64, i64) =
            r.try_get_many_by_index()?;
        if confirmed > capacity as i64 {
            over += 1;
        }
        if counter as i64 != confirmed || waiting_counter as i64 != waiting {
            wrong += 1;
        }
        taken += confirmed;
        seats += capacity as i64;
    }
    Ok((over, wrong, taken as f64 / seats.max(1) as f64))
}

/// The rush against `server`, with the server's own figures (CPU during the rush, peak memory,
/// mails sent and drained after it); the server is stopped afterwards.
async fn rush_on(server: Server, week: Arc<RushWeek>, clients: usize, budget: Duration) -> RushFigure {
    let cpu_before = server.cpu_time();
    let mut f = rush_http(&server.base, week, clients, budget).await;
    f.peak_rss_mib = server.peak_rss_mib();
    f.server_cpu = server.cpu_time().saturating_sub(cpu_before);
    f.mails = server.mails();
    f.drained = drain(&server, f.decisions() - f.refused).await;
    server.stop().await;
    f
}

async fn one_run(backend: &'static str, plan: &RushPlan, clients: usize) -> anyhow::Result<RushFigure> {
    // The rush over HTTP, on a fresh week.
    let database = fresh_database(backend, plan.postgres.as_deref(), &format!("{clients}")).await?;
    let (store, conn, week) = prepare(database.url(), plan.scale, true).await?;
    let week = Arc::new(week);
    let server = Server::start(database.url()).await?;
    let mut f = rush_on(server, week.clone(), clients, plan.budget).await;
    f.backend = backend;
    let (over, wrong, filled) = check(&conn, &week).await?;
    (f.overbooked, f.miscounted, f.filled) = (over, wrong, filled);
    conn.close().await?;
    store.close().await?;
    database.remove().await?;

    // The baseline, on another fresh copy of the week.
    let database = fresh_database(backend, plan.postgres.as_deref(), &format!("{clients}b")).await?;
    let (store, conn, week) = prepare(database.url(), plan.scale, false).await?;
    let writers = if backend == "sqlite" { 1 } else { clients };
    f.baseline_per_sec = baseline::run(&conn, &week, writers, plan.budget).await?;
    conn.close().await?;
    store.close().await?;
    database.remove().await?;
    Ok(f)
}

/// The rush on a week built the way users build one ([`through_api`]): the server runs from
/// before the people arrive, as in production, and the bench writes nothing itself. The ratio is
/// against `baseline_per_sec`, the fixture week's baseline of the same run.
async fn api_run(
    backend: &'static str,
    plan: &RushPlan,
    clients: usize,
    baseline_per_sec: f64,
) -> anyhow::Result<RushFigure> {
    let database = fresh_database(backend, plan.postgres.as_deref(), &format!("{clients}api")).await?;
    let admin = through_api::set_up(&crate::server::leerweek_exe()?, database.url())?;
    let server = Server::start(database.url()).await?;
    let built = Instant::now();
    let week = Arc::new(through_api::build(&server.base, &admin, plan.api_shape).await?);
    println!(
        "{backend:<8}         built through the API in {:.1} s: {} people imported, a token each, {} sessions",
        built.elapsed().as_secs_f64(),
        week.people.len(),
        week.sessions.len()
    );
    let mut f = rush_on(server, week.clone(), clients, plan.budget).await;
    f.backend = backend;
    let conn = db::connect(database.url(), 1).await?;
    let (over, wrong, filled) = check(&conn, &week).await?;
    (f.overbooked, f.miscounted, f.filled) = (over, wrong, filled);
    f.baseline_per_sec = baseline_per_sec;
    conn.close().await?;
    database.remove().await?;
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
    let a = plan.api_shape;
    println!(
        "built through the API: {} organisations, {} people imported, a token each; {} workshops of {} sessions of {} seats; \
         each request a person not seen before on a uniformly chosen session",
        a.organisations, a.people, a.workshops, a.sessions_per_workshop, a.capacity
    );
    let mut ok = true;
    let mut all = vec![];
    for backend in backends {
        for &n in &plan.clients {
            // The generated week gives the baseline (and, asked for, its own line).
            let fixture = one_run(backend, plan, n).await?;
            let f = api_run(backend, plan, n, fixture.baseline_per_sec).await?;
            print(&f);
            ok &= f.errors == 0 && f.overbooked == 0 && f.miscounted == 0;
            if plan.fixtures {
                println!(
                    "{:<8}         (the generated week, written into the database and analysed by the bench:)",
                    ""
                );
                print(&fixture);
                ok &= fixture.errors == 0 && fixture.overbooked == 0 && fixture.miscounted == 0;
            }
            all.push(f);
        }
    }
    println!();
    println!(
        "targets at N=64 on the week built through the API: ≥ 2,000 decisions/s on SQLite, ≥ 1,000/s on PostgreSQL, p99 ≤ 50 ms, ratio ≥ 0.5, RSS ≤ 150 MiB"
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
