//! `leerweek-bench reports`: generate a national week (and a tenth of it) on SQLite and, when
//! given, PostgreSQL, then time every report for an admin, an organiser of the largest
//! organisation and a manager. Each figure is printed beside a baseline measured in the same run
//! on the same database — one plain scan of the week's enrolments — and as their ratio, because
//! these machines are shared and noisy. Also times, through the HTTP stack, the programme (cold
//! and cached) and the personal agenda (JSON and `.ics`) of the person with the most enrolments.
//! Ends with how each grows from 1/10 to full scale.

use crate::db;
use crate::fixtures::{self, Generated, Scale};
use anyhow::Context;
use leerweek_domain::Role;
use leerweek_domain::access::Actor;
use leerweek_store::reports::{self, Scope};
use leerweek_store::{Store, StoreOptions};
use leerweek_testkit::TestDb;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `tenth`, `national`, or both.
    pub scales: Vec<String>,
    /// A PostgreSQL URL of a role that may create databases (optional).
    pub postgres: Option<String>,
    /// Timed runs of each report (the median is reported).
    pub runs: usize,
    /// Skip SQLite.
    pub no_sqlite: bool,
}

/// One timed report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Backend.
    pub backend: &'static str,
    /// Scale.
    pub scale: String,
    /// Report.
    pub report: &'static str,
    /// Scope.
    pub scope: &'static str,
    /// Median time.
    pub median: Duration,
    /// Baseline time.
    pub baseline: Duration,
    /// Rows answered.
    pub rows: usize,
}

async fn median<F, Fut>(runs: usize, mut f: F) -> anyhow::Result<(Duration, usize)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let mut times = Vec::new();
    let mut rows = 0;
    f().await?; // warm the caches once
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        rows = f().await?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok((times[times.len() / 2], rows))
}

async fn baseline(conn: &DatabaseConnection, event: Uuid, runs: usize) -> anyhow::Result<Duration> {
    let (d, _) = median(runs, || async {
        let sql = "SELECT COUNT(*), SUM(CASE WHEN attendance = 'present' THEN 1 ELSE 0 END) FROM enrolments WHERE event_id = $1";
        conn.query_all_raw(db::statement(conn, sql, vec![event.into()])).await?;
        Ok(1)
    })
    .await?;
    Ok(d)
}

async fn time_reports(
    store: &Store,
    conn: &DatabaseConnection,
    url: &str,
    backend: &'static str,
    scale: &str,
    g: &Generated,
    runs: usize,
) -> anyhow::Result<Vec<Figure>> {
    let base = baseline(conn, g.event_id, runs).await?;
    let admin = Actor { person_id: Uuid::nil(), organisation_id: Uuid::nil(), roles: vec![Role::Admin] };
    let organiser =
        Actor { person_id: g.organiser, organisation_id: g.largest_organisation, roles: vec![Role::Organiser] };
    let manager = Actor { person_id: g.manager, organisation_id: g.largest_organisation, roles: vec![Role::Manager] };
    let mut out = Vec::new();
    for (who, actor) in [("admin", &admin), ("organiser", &organiser), ("manager", &manager)] {
        let scope: Scope = if who == "admin" {
            Scope::All
        } else {
            reports::scope_of(store, actor, g.event_id).await.context("scope")?
        };
        let event = g.event_id;
        let mut add = |report: &'static str, (median, rows): (Duration, usize)| {
            out.push(Figure { backend, scale: scale.to_owned(), report, scope: who, median, baseline: base, rows });
        };
        add(
            "participation",
            median(runs, || async { Ok(reports::participation(store, &scope, event).await?.len()) }).await?,
        );
        add(
            "people (page 1)",
            median(runs, || async { Ok(reports::people(store, &scope, event, Some((1, 100))).await?.0.len()) }).await?,
        );
        add(
            "reach (page 1)",
            median(runs, || async { Ok(reports::reach(store, &scope, event, Some((1, 100))).await?.0.len()) }).await?,
        );
        add("mix", median(runs, || async { Ok(reports::mix(store, actor, &scope, event).await?.len()) }).await?);
        if who != "manager" {
            add("sessions", median(runs, || async { Ok(reports::sessions(store, actor, event).await?.len()) }).await?);
        }
    }
    // The pages every employee reads, through the HTTP stack: the programme and the agenda of
    // the person with the most enrolments.
    for (page, median, rows) in crate::pages::time(store, conn, url, g.event_id, runs).await? {
        out.push(Figure {
            backend,
            scale: scale.to_owned(),
            report: page,
            scope: "employee",
            median,
            baseline: base,
            rows,
        });
    }
    Ok(out)
}

async fn on_backend(backend: &'static str, url: &str, scale_name: &str, runs: usize) -> anyhow::Result<Vec<Figure>> {
    let (store, _background) = Store::connect(url, &StoreOptions { max_connections: 4, ..Default::default() }).await?;
    store.migrate().await?;
    let t = Instant::now();
    let g = fixtures::generate(url, Scale::named(scale_name)?, 2027).await?;
    println!(
        "{backend:<8} {scale_name:<8} generated in {:>6.1} s: {} organisations, {} people, {} sessions, {} enrolments ({} seats taken), {} feedback answers",
        t.elapsed().as_secs_f64(),
        g.organisations,
        g.people,
        g.sessions,
        g.enrolments,
        g.confirmed,
        g.feedback
    );
    // Fresh statistics, as the server's hourly job keeps them (PostgreSQL's autovacuum would).
    let conn = db::connect(url, 2).await?;
    db::analyze(
        &conn,
        "enrolments, people, sessions, workshops, feedback, event_organisations, organisations, org_units",
    )
    .await?;
    let figures = time_reports(&store, &conn, url, backend, scale_name, &g, runs).await;
    conn.close().await?;
    store.close().await?;
    figures
}

/// Run the plan and print the figures; errors if any report took 1 s or more.
pub async fn run(plan: &Plan) -> anyhow::Result<bool> {
    let mut all = Vec::new();
    for scale in &plan.scales {
        if !plan.no_sqlite {
            let database = TestDb::sqlite_named("bench.db")?;
            all.extend(on_backend("sqlite", database.url(), scale, plan.runs).await?);
        }
        if let Some(admin_url) = &plan.postgres {
            let database = TestDb::postgres_on(admin_url, &format!("leerweek_bench_{scale}")).await?;
            let result = on_backend("postgres", database.url(), scale, plan.runs).await;
            database.remove().await?;
            all.extend(result?);
        }
    }
    println!();
    println!(
        "{:<8} {:<8} {:<18} {:<9} {:>10} {:>12} {:>7} {:>6}",
        "backend", "scale", "report", "scope", "median ms", "baseline ms", "ratio", "rows"
    );
    for f in &all {
        println!(
            "{:<8} {:<8} {:<18} {:<9} {:>10.1} {:>12.1} {:>7.1} {:>6}",
            f.backend,
            f.scale,
            f.report,
            f.scope,
            f.median.as_secs_f64() * 1000.0,
            f.baseline.as_secs_f64() * 1000.0,
            f.median.as_secs_f64() / f.baseline.as_secs_f64().max(1e-9),
            f.rows
        );
    }
    let growth: Vec<String> = all
        .iter()
        .filter(|f| f.scale == "national")
        .filter_map(|n| {
            all.iter()
                .find(|t| t.scale == "tenth" && t.backend == n.backend && t.report == n.report && t.scope == n.scope)
                .map(|t| {
                    format!(
                        "{} {} {}: ×{:.1}",
                        n.backend,
                        n.report,
                        n.scope,
                        n.median.as_secs_f64() / t.median.as_secs_f64().max(1e-9)
                    )
                })
        })
        .collect();
    if !growth.is_empty() {
        println!("\ngrowth from 1/10 to full scale (10× the data):");
        for g in growth {
            println!("  {g}");
        }
    }
    let slow: Vec<&Figure> = all.iter().filter(|f| f.median >= Duration::from_secs(1)).collect();
    println!(
        "\n{} of {} timed reports and pages under 1 s{}",
        all.len() - slow.len(),
        all.len(),
        if slow.is_empty() { String::new() } else { format!("; over: {slow:?}") }
    );
    Ok(slow.is_empty())
}
