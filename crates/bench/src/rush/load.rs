//! The rush's load: who clicks on what ([`pick`]), a fresh database with a week for it
//! ([`fresh_database`], [`prepare`]) and N keep-alive clients enrolling over HTTP against one
//! server or several ([`rush_http`]).

use super::RushFigure;
use crate::db;
use crate::fixtures::rush::Clicks;
use crate::fixtures::{self, RushScale, RushWeek};
use leerweek_store::{Store, StoreOptions};
use leerweek_testkit::TestDb;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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

/// How many requests a run makes at most.
pub(crate) fn workload(week: &RushWeek) -> usize {
    week.requests
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

/// Migrate the database at `url` through the product and generate the rush week into it.
/// Returns the store, left open (beside a server it leaves the checkpoints to the server; alone
/// it runs its own, as a server would), and a SQL connection of the bench's own. The bench
/// writes no statistics: a server started afterwards refreshes SQLite's at start, and
/// PostgreSQL's autovacuum does its own, as for any database.
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
    Ok((store, conn, week))
}

/// What an enrolment request was answered.
enum Answer {
    /// A seat: a new one, or one the person already held.
    Seat(bool),
    /// A place on the waiting list: a new one (0: the answer said none), or `None` when the
    /// person already held it.
    Waiting(Option<u32>),
    /// Refused by a rule (409).
    Refused,
}

/// The waiting-list place in an enrolment's JSON, if any.
fn place(body: &str) -> Option<u32> {
    let at = body.find("\"waitlist_position\":")? + "\"waitlist_position\":".len();
    let digits: String = body[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The rush over HTTP: `clients` keep-alive clients, request n to `bases[n mod len]` (one
/// server, or several sharing a database).
pub(crate) async fn rush_http(bases: &[String], week: Arc<RushWeek>, clients: usize, budget: Duration) -> RushFigure {
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build().unwrap_or_default();
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let bases = Arc::new(bases.to_vec());
    let total = workload(&week);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, week, next, stop, bases) =
            (client.clone(), week.clone(), next.clone(), stop.clone(), bases.clone());
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
                let base = &bases[n % bases.len()];
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
                            201 | 200 if body.contains("\"status\":\"confirmed\"") => Ok(Answer::Seat(status == 201)),
                            // A person who clicks a session they already wait for is answered
                            // their place again (200): only new places (201) count for the gaps.
                            201 | 200 if body.contains("\"status\":\"waitlisted\"") => {
                                Ok(Answer::Waiting((status == 201).then(|| place(&body).unwrap_or(0))))
                            }
                            409 => Ok(Answer::Refused),
                            _ => Err(format!("{status}: {}", body.chars().take(200).collect::<String>())),
                        }
                    }
                    Err(e) => Err(format!("transport: {e}")),
                };
                f.latencies.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                match outcome {
                    Ok(Answer::Seat(new)) => {
                        f.confirmed += 1;
                        f.again += usize::from(!new);
                    }
                    Ok(Answer::Refused) => f.refused += 1,
                    Ok(Answer::Waiting(place)) => {
                        f.waitlisted += 1;
                        f.again += usize::from(place.is_none());
                        f.places.extend(place.map(|place| (s as u32, place)));
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
    let mut all = RushFigure { clients, ..Default::default() };
    for t in tasks {
        if let Ok(f) = t.await {
            all.confirmed += f.confirmed;
            all.waitlisted += f.waitlisted;
            all.refused += f.refused;
            all.again += f.again;
            all.errors += f.errors;
            all.latencies.extend(f.latencies);
            all.places.extend(f.places);
            all.error_samples.extend(f.error_samples);
        }
    }
    stop.store(true, Ordering::Relaxed);
    all.elapsed = started.elapsed();
    all.latencies.sort_unstable();
    all
}
