//! `leerweek-bench startup`: from starting `leerweek serve` to its first `200` on `/health`, on a
//! SQLite database holding a generated week (national scale unless told otherwise), beside the
//! same on an empty database in the same run. Median of `runs`; false when the week's median is
//! 1 s or more.

use crate::db;
use crate::fixtures::{self, Scale};
use crate::server::Server;
use leerweek_store::{Store, StoreOptions};
use std::time::{Duration, Instant};

/// Run it and print the figures.
pub async fn run(scale: Scale, runs: usize) -> anyhow::Result<bool> {
    let dir = tempfile::tempdir()?;
    let full = format!("sqlite://{}?mode=rwc", dir.path().join("week.db").display());
    let empty = format!("sqlite://{}?mode=rwc", dir.path().join("empty.db").display());
    let t = Instant::now();
    let (store, _background) = Store::connect(&full, &StoreOptions::default()).await?;
    store.migrate().await?;
    let g = fixtures::generate(&full, scale, 2027).await?;
    let conn = db::connect(&full, 1).await?;
    db::analyze(&conn, "").await?;
    conn.close().await?;
    store.close().await?;
    let (store, _background) = Store::connect(&empty, &StoreOptions::default()).await?;
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
            let server = Server::start(&url).await?;
            v.push(server.started_in());
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
