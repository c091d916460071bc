//! `leerweek-bench programme`: reading the programme of the rush week (600 sessions with live
//! seat counts) over HTTP from a real `leerweek serve` child process, by N concurrent clients,
//! each request as a different person.
//!
//! Per backend, on a fresh week:
//! 1. **baseline**: the same response (status, headers that matter, the very bytes) served from
//!    memory by a bare axum server in the bench process: the ceiling of HTTP on this machine for
//!    a body of this size, with no database and no work;
//!
//! The readers ask for gzip (`Accept-Encoding: gzip`, as every browser does) and count the bytes
//! as they arrive without unpacking them: unpacking is the browser's work, on its own machine,
//! and here it would take the server's cores.
//! 2. **alone**: N clients read the programme for `secs` seconds;
//! 3. **with the rush**: the same reads while N other clients enrol (the rush of
//!    `leerweek-bench rush`), reporting both the reads and the enrolment decisions per second,
//!    and afterwards checking that nothing was overbooked or miscounted;
//! 4. **staleness**, during 3: one more client polls the programme and records, per response,
//!    the moment its request began (`t`) and every session's `confirmed_count` and
//!    `waitlist_length`; a sampler reads the committed counters of every session from the
//!    database every 10 ms, recording when each read began (`q`). During a rush without
//!    cancellations counters only grow, so a response that shows counts ≥ those of the sample
//!    begun at `q` is at least as fresh as the database at `q`. A response's staleness is, per
//!    session, `t − q` for the latest such sample with `q ≤ t` (an upper bound, at the sampler's
//!    10 ms resolution); the worst over all sessions and responses must be ≤ 1 s.

use crate::db;
use crate::fixtures::{RushScale, RushWeek};
use crate::rush;
use crate::server::Server;
use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// What to run.
#[derive(Debug, Clone)]
pub struct ProgrammePlan {
    /// Concurrent readers (and, in the second phase, as many enrolling clients).
    pub clients: usize,
    /// A PostgreSQL URL of a role that may create databases (optional).
    pub postgres: Option<String>,
    /// Skip SQLite.
    pub no_sqlite: bool,
    /// Length of each phase.
    pub secs: u64,
    /// The week's size.
    pub scale: RushScale,
}

/// Reads made in one phase.
#[derive(Debug, Clone, Default)]
pub struct ReadFigure {
    /// Answered 200.
    pub ok: usize,
    /// Anything else.
    pub errors: usize,
    /// Body bytes received.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Latencies in microseconds, sorted.
    pub latencies: Vec<u32>,
    /// The first few errors.
    pub error_samples: Vec<String>,
}

impl ReadFigure {
    fn per_sec(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    fn pct(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i] as f64 / 1000.0
    }
    fn line(&self) -> String {
        format!(
            "{:>7.0} req/s  p50 {:>6.2} ms  p95 {:>6.2} ms  p99 {:>6.2} ms  errors {}  ({} reads, {:.0} KiB each)",
            self.per_sec(),
            self.pct(0.50),
            self.pct(0.95),
            self.pct(0.99),
            self.errors,
            self.ok,
            self.bytes as f64 / self.ok.max(1) as f64 / 1024.0
        )
    }
}

/// N clients GET `url` for `secs`, round-robin over the people's tokens.
async fn read_load(url: String, tokens: Arc<Vec<String>>, clients: usize, run_for: Duration) -> ReadFigure {
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build().unwrap_or_default();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, tokens, next, url) = (client.clone(), tokens.clone(), next.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut f = ReadFigure::default();
            while started.elapsed() < run_for {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                let res = client
                    .get(&url)
                    .bearer_auth(&tokens[n % tokens.len()])
                    .header(reqwest::header::ACCEPT_ENCODING, "gzip")
                    .send()
                    .await;
                let outcome = match res {
                    Ok(r) if r.status().is_success() => r.bytes().await.map_err(|e| format!("body: {e}")),
                    Ok(r) => {
                        let status = r.status();
                        Err(format!(
                            "{status}: {}",
                            r.text().await.unwrap_or_default().chars().take(200).collect::<String>()
                        ))
                    }
                    Err(e) => Err(format!("transport: {e}")),
                };
                f.latencies.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                match outcome {
                    Ok(body) => {
                        f.ok += 1;
                        f.bytes += body.len() as u64;
                    }
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
    let mut all = ReadFigure::default();
    for t in tasks {
        if let Ok(f) = t.await {
            all.ok += f.ok;
            all.errors += f.errors;
            all.bytes += f.bytes;
            all.latencies.extend(f.latencies);
            all.error_samples.extend(f.error_samples);
        }
    }
    all.elapsed = started.elapsed();
    all.latencies.sort_unstable();
    all
}

/// A bare axum server in this process answering every GET with `body`: the baseline.
async fn static_server(
    body: axum::body::Bytes,
    headers: Vec<(axum::http::HeaderName, String)>,
) -> anyhow::Result<(String, tokio::sync::oneshot::Sender<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = axum::Router::new().fallback(move || {
        let (body, headers) = (body.clone(), headers.clone());
        async move {
            let mut res = axum::response::IntoResponse::into_response(body);
            for (name, value) in headers {
                if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
                    res.headers_mut().insert(name, v);
                }
            }
            res
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok((format!("http://{addr}/programme"), tx))
}

#[derive(serde::Deserialize)]
struct ProgrammeCounts {
    sessions: Vec<SessionCounts>,
}

#[derive(serde::Deserialize)]
struct SessionCounts {
    session_id: Uuid,
    confirmed_count: i32,
    waitlist_length: i32,
}

/// One read of the committed counters: when it began, and `(confirmed, waiting)` per session
/// in the week's order.
struct Sample {
    at: Duration,
    counts: Vec<(i32, i32)>,
}

/// The staleness check's outcome.
#[derive(Debug, Clone, Default)]
pub struct Staleness {
    /// Programme responses checked.
    pub responses: usize,
    /// Database samples taken.
    pub samples: usize,
    /// Worst staleness of any session in any response.
    pub max: Duration,
    /// Median over responses of each response's worst session.
    pub median: Duration,
    /// Responses with a session staler than 1 s.
    pub over_one_second: usize,
    /// Responses that showed a count the database never had (should be 0).
    pub impossible: usize,
}

/// Sample the database every 10 ms until `stop`.
async fn sample_counters(
    conn: DatabaseConnection,
    week: Arc<RushWeek>,
    origin: Instant,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<Vec<Sample>> {
    let index: HashMap<Uuid, usize> = week.sessions.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let mut out = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let at = origin.elapsed();
        let sql = "SELECT id, confirmed_count, waitlist_count FROM sessions WHERE event_id = $1";
        let rows = conn.query_all_raw(db::statement(&conn, sql, vec![week.event_id.into()])).await?;
        let mut counts = vec![(0, 0); week.sessions.len()];
        for row in rows {
            let (id, c, w): (Uuid, i32, i32) = row.try_get_many_by_index()?;
            if let Some(&i) = index.get(&id) {
                counts[i] = (c, w);
            }
        }
        out.push(Sample { at, counts });
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(out)
}

/// Poll the programme until `stop`: when each request began, and the counts it showed.
async fn poll_programme(
    url: String,
    token: String,
    week: Arc<RushWeek>,
    origin: Instant,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<Vec<(Duration, Vec<(i32, i32)>)>> {
    let client = reqwest::Client::new();
    let index: HashMap<Uuid, usize> = week.sessions.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let mut out = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let at = origin.elapsed();
        let r = client.get(&url).bearer_auth(&token).send().await?;
        anyhow::ensure!(r.status().is_success(), "programme answered {}", r.status());
        let p: ProgrammeCounts = serde_json::from_slice(&r.bytes().await?)?;
        let mut counts = vec![(-1, -1); week.sessions.len()];
        for s in p.sessions {
            if let Some(&i) = index.get(&s.session_id) {
                counts[i] = (s.confirmed_count, s.waitlist_length);
            }
        }
        anyhow::ensure!(counts.iter().all(|c| c.0 >= 0), "the programme left out sessions of the week");
        out.push((at, counts));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(out)
}

/// Staleness of each response against the samples (see the module's documentation).
fn staleness(samples: &[Sample], responses: &[(Duration, Vec<(i32, i32)>)]) -> Staleness {
    let mut worst_per_response = Vec::with_capacity(responses.len());
    let mut out = Staleness { responses: responses.len(), samples: samples.len(), ..Default::default() };
    for (t, counts) in responses {
        // Samples begun at or before the request.
        let before = samples.partition_point(|s| s.at <= *t);
        let mut worst = Duration::ZERO;
        let mut impossible = false;
        for (i, &(c, w)) in counts.iter().enumerate() {
            // Counters only grow, so the samples this response is at least as fresh as form a prefix.
            let fresh = samples[..before].partition_point(|s| s.counts[i].0 <= c && s.counts[i].1 <= w);
            let lag = match fresh.checked_sub(1) {
                Some(k) => t.saturating_sub(samples[k].at),
                None => *t, // older than every sample: the whole run
            };
            worst = worst.max(lag);
            // A count no later sample reached was never committed.
            if samples.last().is_some_and(|last| last.counts[i].0 < c || last.counts[i].1 < w) {
                impossible = true;
            }
        }
        out.max = out.max.max(worst);
        if worst > Duration::from_secs(1) {
            out.over_one_second += 1;
        }
        if impossible {
            out.impossible += 1;
        }
        worst_per_response.push(worst);
    }
    worst_per_response.sort();
    out.median = worst_per_response.get(worst_per_response.len() / 2).copied().unwrap_or_default();
    out
}

/// One backend's figures.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFigure {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Same bytes from memory.
    pub baseline: ReadFigure,
    /// Reads alone.
    pub alone: ReadFigure,
    /// Reads during the rush.
    pub with_rush: ReadFigure,
    /// The rush beside them.
    pub rush: rush::RushFigure,
    /// Staleness during the rush.
    pub staleness: Staleness,
}

async fn on_backend(backend: &'static str, plan: &ProgrammePlan) -> anyhow::Result<ProgrammeFigure> {
    let database = rush::fresh_database(backend, plan.postgres.as_deref(), "read").await?;
    let (store, conn, week) = rush::prepare(database.url(), plan.scale, true).await?;
    let week = Arc::new(week);
    let server = Server::start(database.url()).await?;
    let url = format!("{}/api/v1/events/{}/programme", server.base, week.event_id);
    let tokens: Arc<Vec<String>> = Arc::new(week.people.iter().map(|(_, t)| t.clone()).collect());
    let run_for = Duration::from_secs(plan.secs);
    let mut f = ProgrammeFigure { backend, ..Default::default() };

    // The whole programme is there.
    let plain = reqwest::Client::new().get(&url).bearer_auth(&tokens[0]).send().await?;
    anyhow::ensure!(plain.status().is_success(), "the programme answered {}", plain.status());
    let sessions = serde_json::from_slice::<ProgrammeCounts>(&plain.bytes().await?)?.sessions.len();
    anyhow::ensure!(
        sessions == week.sessions.len(),
        "the programme shows {sessions} of {} sessions",
        week.sessions.len()
    );
    // The baseline: the very response the readers get (gzipped, as browsers ask), from memory.
    let probe = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&tokens[0])
        .header(reqwest::header::ACCEPT_ENCODING, "gzip")
        .send()
        .await?;
    anyhow::ensure!(probe.status().is_success(), "the programme answered {}", probe.status());
    let headers: Vec<(axum::http::HeaderName, String)> = [
        axum::http::header::CONTENT_TYPE,
        axum::http::header::CONTENT_ENCODING,
        axum::http::header::ETAG,
        axum::http::header::CACHE_CONTROL,
        axum::http::header::VARY,
    ]
    .into_iter()
    .filter_map(|h| Some((h.clone(), probe.headers().get(h.as_str())?.to_str().ok()?.to_owned())))
    .collect();
    let (static_url, shutdown) = static_server(probe.bytes().await?, headers).await?;
    f.baseline = read_load(static_url, tokens.clone(), plan.clients, run_for).await;
    let _ = shutdown.send(());

    // The programme alone.
    f.alone = read_load(url.clone(), tokens.clone(), plan.clients, run_for).await;

    // The programme during the rush, watched for staleness.
    let origin = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = tokio::spawn(sample_counters(conn.clone(), week.clone(), origin, stop.clone()));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let poller = tokio::spawn(poll_programme(url.clone(), tokens[1].clone(), week.clone(), origin, stop.clone()));
    let rush = tokio::spawn({
        let (base, week, clients) = (server.base.clone(), week.clone(), plan.clients);
        async move { rush::rush_http(&[base], week, clients, run_for).await }
    });
    f.with_rush = read_load(url.clone(), tokens.clone(), plan.clients, run_for).await;
    f.rush = rush.await.context("the rush")?;
    // One more second of polling after the rush, so the last changes must show up too.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    stop.store(true, Ordering::Relaxed);
    let responses = poller.await.context("the poller")??;
    let samples = sampler.await.context("the sampler")??;
    f.staleness = staleness(&samples, &responses);
    f.rush.backend = backend;
    f.rush.clients = plan.clients;
    server.stop().await;
    f.rush.checked = rush::check(&conn, &week).await?;
    conn.close().await?;
    store.close().await?;
    database.remove().await?;
    Ok(f)
}

/// Run the plan and print the figures. Returns false when a read failed, anything was
/// overbooked or miscounted, or the programme was ever staler than 1 s; the speed targets are
/// reported (met / NOT MET), not enforced, because the machine is shared.
pub async fn run(plan: &ProgrammePlan) -> anyhow::Result<bool> {
    let backends = rush::backends(plan.no_sqlite, plan.postgres.as_deref());
    println!(
        "programme reads: {} sessions, {} people; N = {} readers (and {} enrolling clients in the rush phase), {} s per phase",
        plan.scale.sessions, plan.scale.people, plan.clients, plan.clients, plan.secs
    );
    let mut ok = true;
    let mut all = vec![];
    for backend in backends {
        let f = on_backend(backend, plan).await?;
        println!("{backend:<8} baseline   {}  (the same bytes from memory)", f.baseline.line());
        println!(
            "{backend:<8} alone      {}  ratio to baseline {:.2}",
            f.alone.line(),
            f.alone.per_sec() / f.baseline.per_sec().max(1e-9)
        );
        println!(
            "{backend:<8} with rush  {}  ratio to baseline {:.2}",
            f.with_rush.line(),
            f.with_rush.per_sec() / f.baseline.per_sec().max(1e-9)
        );
        println!(
            "{backend:<8} the rush   {:>7.0} decisions/s  p99 {:.1} ms  errors {}  overbooked {}  miscounted {}",
            f.rush.per_sec(),
            f.rush.pct(0.99),
            f.rush.errors,
            f.rush.checked.overbooked,
            f.rush.checked.miscounted
        );
        let s = &f.staleness;
        println!(
            "{backend:<8} staleness  {} responses against {} database samples: worst {:.0} ms, median {:.0} ms; over 1 s: {}; counts never committed: {}",
            s.responses,
            s.samples,
            s.max.as_secs_f64() * 1000.0,
            s.median.as_secs_f64() * 1000.0,
            s.over_one_second,
            s.impossible
        );
        for e in f.alone.error_samples.iter().chain(&f.with_rush.error_samples).chain(&f.rush.error_samples) {
            println!("         error: {e}");
        }
        ok &= f.alone.errors == 0
            && f.with_rush.errors == 0
            && f.rush.errors == 0
            && f.rush.checked.overbooked == 0
            && f.rush.checked.miscounted == 0
            && s.responses > 0
            && s.over_one_second == 0
            && s.impossible == 0;
        all.push(f);
    }
    println!();
    println!(
        "targets at N = 64: ≥ 5,000 reads/s alone, p99 ≤ 20 ms while the rush runs, seat counts never staler than 1 s"
    );
    for f in &all {
        let alone = f.alone.per_sec();
        let p99 = f.with_rush.pct(0.99);
        println!(
            "  {:<8} {:>6.0} reads/s alone {}  p99 {:.1} ms with the rush {}  worst staleness {:.0} ms {}",
            f.backend,
            alone,
            if alone >= 5000.0 { "met" } else { "NOT MET" },
            p99,
            if p99 <= 20.0 { "met" } else { "NOT MET" },
            f.staleness.max.as_secs_f64() * 1000.0,
            if f.staleness.max <= Duration::from_secs(1) && f.staleness.responses > 0 { "met" } else { "NOT MET" },
        );
    }
    Ok(ok)
}
