//! `leerweek-bench rush`: the enrolment rush over HTTP against real `leerweek serve` child
//! processes, on a week built the way users build one ([`through_api`]): N concurrent keep-alive
//! clients, each request a person not seen before (or each person up to the week's limit), on a
//! uniformly chosen session, until the work is done or the time budget ends. Reported per run:
//! decisions per second (seats, waiting-list places and rule refusals), p50/p95/p99 latency,
//! errors (must be 0), overbooked sessions (must be 0), counters that disagree with a recount
//! (must be 0), waiting lists not numbered 1..n (must be 0), the servers' CPU a decision (during
//! the rush, and with the confirmation mails it queued), where the machine's CPU went, and the
//! servers' peak RSS.
//!
//! The generated week ([`fixtures::generate_rush`], written straight into the database) gives
//! the baseline ([`crate::baseline`]): the same transaction shape as raw SQL, the database's own
//! ceiling, on a fresh copy; with `--fixtures` the rush on it is printed too, labelled as such.

mod check;
mod load;
mod report;

pub use check::Checked;
pub(crate) use check::check;
pub use load::pick;
pub(crate) use load::{fresh_database, prepare, rush_http, workload};

use crate::baseline;
use crate::cpu::Split;
use crate::fixtures::through_api::{self, ApiShape};
use crate::fixtures::{RushScale, RushWeek};
use crate::server::Servers;
use std::sync::Arc;
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
    /// The generated week's size (its people are the run's).
    pub scale: RushScale,
    /// The week built through the API (its people are the run's).
    pub api_shape: ApiShape,
    /// People in the week, one run each (with two or more, the growth of the CPU a decision from
    /// the first to the last is printed).
    pub people: Vec<usize>,
    /// Servers on one PostgreSQL database (with 2 or more, a one-server run is made beside).
    pub servers: usize,
    /// Longest the bench waits after a rush for its confirmation mails.
    pub drain: Duration,
    /// Also print the run on the generated week.
    pub fixtures: bool,
}

/// The outcome of one run.
#[derive(Debug, Clone, Default)]
pub struct RushFigure {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Concurrent clients.
    pub clients: usize,
    /// People in the week.
    pub people: usize,
    /// Servers sharing the database.
    pub servers: usize,
    /// Seats given.
    pub confirmed: usize,
    /// Waiting-list places given.
    pub waitlisted: usize,
    /// Refusals by a rule (overlap, limit, …).
    pub refused: usize,
    /// Seats and places answered again to a person who already held them (no mail).
    pub again: usize,
    /// Anything else: transport errors, 5xx, unexpected answers.
    pub errors: usize,
    /// Wall time of the rush.
    pub elapsed: Duration,
    /// Latencies in microseconds, sorted.
    pub latencies: Vec<u32>,
    /// (session index, place) of every waiting-list answer.
    pub places: Vec<(u32, u32)>,
    /// What the database held afterwards.
    pub checked: Checked,
    /// Sessions whose waiting-list places as answered were not 1..n.
    pub gaps_answered: usize,
    /// Peak resident memory of the server (the largest of them), in MiB.
    pub peak_rss_mib: f64,
    /// CPU time the servers used during the rush.
    pub server_cpu: Duration,
    /// CPU time the servers used from the rush's start until its mails were delivered (or the
    /// drain's limit passed).
    pub cpu_with_mail: Duration,
    /// CPU time of the servers' mail-rendering threads after the rush, until its mails were
    /// delivered (the rendering during the rush is in `server_cpu`).
    pub render_after: Duration,
    /// Where the machine's CPU went during the rush.
    pub split: Split,
    /// Mails the servers delivered (over SMTP) before the rush ended.
    pub mails: usize,
    /// Mails delivered after the rush, and how long that took.
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
    /// Server CPU a decision in ms, during the rush.
    pub fn cpu_ms(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1000.0 / self.decisions().max(1) as f64
    }
    /// Server CPU a decision in ms, with the mails it queued rendered: the rush's CPU and the
    /// rendering thread's after it (what `leerweek serve` does by default; the delivery over
    /// SMTP after the rush is left out).
    pub fn cpu_rendered_ms(&self) -> f64 {
        (self.server_cpu + self.render_after).as_secs_f64() * 1000.0 / self.decisions().max(1) as f64
    }
    /// Server CPU a decision in ms, with the mails it queued rendered and delivered.
    pub fn cpu_with_mail_ms(&self) -> f64 {
        self.cpu_with_mail.as_secs_f64() * 1000.0 / self.decisions().max(1) as f64
    }
    /// Mails the rush queued: one a new seat or waiting-list place.
    pub fn mails_expected(&self) -> usize {
        self.confirmed + self.waitlisted - self.again
    }
    /// Whether every mail the rush queued was delivered before the bench stopped waiting.
    pub fn all_mail_out(&self) -> bool {
        self.mails + self.drained.0 >= self.mails_expected()
    }
    /// Nothing lost, overbooked, miscounted or numbered twice.
    pub fn sound(&self) -> bool {
        self.errors == 0
            && self.checked.overbooked == 0
            && self.checked.miscounted == 0
            && self.checked.gaps == 0
            && self.gaps_answered == 0
    }
}

/// The generated week's rush gets this long for its mails (it gives the baseline; its mails are
/// not what is measured).
const FIXTURE_DRAIN: Duration = Duration::from_secs(20);

/// The name of the mail worker's rendering thread in `leerweek serve` (`leerweek_mailer`'s
/// backroom: templates, QR code, calendar file, MIME message).
const RENDERING_THREAD: &str = "mail-render";

/// Wait until `expected` mails have arrived or `cap` has passed; returns how many arrived
/// meanwhile and how long it took.
async fn drain(servers: &Servers, expected: usize, cap: Duration) -> (usize, Duration) {
    let (before, started) = (servers.mails(), Instant::now());
    while servers.mails() < expected && started.elapsed() < cap {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (servers.mails() - before, started.elapsed())
}

/// The rush against `servers`, with their own figures (CPU during the rush and until its mails
/// are out, where the machine's CPU went, peak memory, mails); the servers are stopped afterwards.
async fn rush_on(servers: Servers, week: Arc<RushWeek>, clients: usize, budget: Duration, cap: Duration) -> RushFigure {
    let cpu_before = servers.cpu_time();
    let split_before = Split::now(cpu_before);
    let mut f = rush_http(&servers.bases(), week, clients, budget).await;
    let cpu_after = servers.cpu_time();
    let rendered_before = servers.thread_cpu(RENDERING_THREAD);
    f.split = Split::now(cpu_after).since(&split_before);
    f.server_cpu = cpu_after.saturating_sub(cpu_before);
    f.servers = servers.len();
    f.peak_rss_mib = servers.peak_rss_mib();
    f.mails = servers.mails();
    f.drained = drain(&servers, f.mails_expected(), cap).await;
    f.cpu_with_mail = servers.cpu_time().saturating_sub(cpu_before);
    f.render_after = servers.thread_cpu(RENDERING_THREAD).saturating_sub(rendered_before);
    f.gaps_answered = check::gaps_in_answers(&f.places);
    servers.stop().await;
    f
}

/// The rush on the generated week, for the baseline (and, asked for, a line of its own).
async fn fixture_run(
    backend: &'static str,
    plan: &RushPlan,
    people: usize,
    clients: usize,
) -> anyhow::Result<RushFigure> {
    let scale = RushScale { people, ..plan.scale };
    let database = fresh_database(backend, plan.postgres.as_deref(), &format!("{clients}")).await?;
    let (store, conn, week) = prepare(database.url(), scale, true).await?;
    let week = Arc::new(week);
    let servers = Servers::start(database.url(), 1).await?;
    let mut f = rush_on(servers, week.clone(), clients, plan.budget, FIXTURE_DRAIN).await;
    (f.backend, f.people) = (backend, people);
    f.checked = check(&conn, &week).await?;
    conn.close().await?;
    store.close().await?;
    database.remove().await?;

    // The baseline, on another fresh copy of the week.
    let database = fresh_database(backend, plan.postgres.as_deref(), &format!("{clients}b")).await?;
    let (store, conn, week) = prepare(database.url(), scale, false).await?;
    let writers = if backend == "sqlite" { 1 } else { clients };
    f.baseline_per_sec = baseline::run(&conn, &week, writers, plan.budget).await?;
    conn.close().await?;
    store.close().await?;
    database.remove().await?;
    Ok(f)
}

/// The rush on a week built the way users build one ([`through_api`]): the servers run from
/// before the people arrive, as in production, and the bench writes nothing itself.
async fn api_run(
    backend: &'static str,
    plan: &RushPlan,
    people: usize,
    clients: usize,
    servers: usize,
) -> anyhow::Result<RushFigure> {
    let shape = ApiShape { people, ..plan.api_shape };
    let database = fresh_database(backend, plan.postgres.as_deref(), &format!("{clients}api")).await?;
    let admin = through_api::set_up(&crate::server::leerweek_exe()?, database.url())?;
    let running = Servers::start(database.url(), servers).await?;
    let built = Instant::now();
    let week = Arc::new(through_api::build(&running.bases()[0], &admin, shape).await?);
    println!(
        "{backend:<8}         built through the API in {:.1} s: {} people imported, a token each, {} sessions",
        built.elapsed().as_secs_f64(),
        week.people.len(),
        week.sessions.len()
    );
    let mut f = rush_on(running, week.clone(), clients, plan.budget, plan.drain).await;
    (f.backend, f.people) = (backend, people);
    let conn = crate::db::connect(database.url(), 1).await?;
    f.checked = check(&conn, &week).await?;
    conn.close().await?;
    database.remove().await?;
    Ok(f)
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

/// Run the plan and print the figures. Returns false when a run lost, overbooked, miscounted or
/// numbered anything twice (the speed targets are reported, not enforced: the machine is shared).
pub async fn run(plan: &RushPlan) -> anyhow::Result<bool> {
    let backends = backends(plan.no_sqlite, plan.postgres.as_deref());
    println!("enrolment rush, at most {} s per run, on a week built through the API:", plan.budget.as_secs());
    for &people in &plan.people {
        println!("  {}", ApiShape { people, ..plan.api_shape }.describe());
    }
    println!(
        "baseline on the generated week: {} organisations, the same people with tokens written by the bench, {} sessions of 20–30 seats, skewed clicks",
        plan.scale.organisations, plan.scale.sessions
    );
    if plan.servers > 1 && !plan.no_sqlite {
        println!(
            "(--servers {} runs on PostgreSQL only: SQLite is one file with one writer, for one server)",
            plan.servers
        );
    }
    let mut ok = true;
    let mut all = vec![];
    for backend in backends {
        for &people in &plan.people {
            for &n in &plan.clients {
                let fixture = fixture_run(backend, plan, people, n).await?;
                let mut counts = vec![1];
                if backend == "postgres" && plan.servers > 1 {
                    counts.push(plan.servers);
                }
                for servers in counts {
                    let mut f = api_run(backend, plan, people, n, servers).await?;
                    f.baseline_per_sec = fixture.baseline_per_sec;
                    report::print(&f);
                    ok &= f.sound();
                    all.push(f);
                }
                if plan.fixtures {
                    println!("{:<8}         (the generated week, written into the database by the bench:)", "");
                    report::print(&fixture);
                    ok &= fixture.sound();
                }
            }
        }
    }
    report::targets(&all);
    Ok(ok)
}
