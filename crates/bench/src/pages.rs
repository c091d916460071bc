//! The pages every employee reads, timed through the whole HTTP stack: the programme (cold and
//! cached), the personal agenda and its calendar feed of a generated week, served by the product's
//! own start-up ([`leerweek::startup::build`], without the background jobs) on a loopback port in
//! the bench process, so routing, authentication and serialization count.

use crate::db;
use anyhow::Context;
use leerweek_store::Store;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The programme, the personal agenda and its calendar feed of a generated week, through the
/// whole HTTP stack (the real router on a loopback port in this process), as read by the person
/// with the most enrolments. Each is the median of `runs` after a warm-up; the programme is
/// timed cold (its shared snapshot expired before each run, so the week is read and rendered)
/// and cached. Returns `(what, median, rows)`.
pub(crate) async fn time(
    store: &Store,
    conn: &DatabaseConnection,
    url: &str,
    event_id: Uuid,
    runs: usize,
) -> anyhow::Result<Vec<(&'static str, Duration, usize)>> {
    let row = conn
        .query_one_raw(db::statement(
            conn,
            "SELECT person_id, COUNT(*) AS n FROM enrolments WHERE event_id = $1 AND status <> 'cancelled' GROUP BY person_id ORDER BY n DESC LIMIT 1",
            vec![event_id.into()],
        ))
        .await?
        .context("a week without enrolments")?;
    let person: Uuid = row.try_get("", "person_id")?;
    let token = leerweek_store::people::issue_token_unchecked(store, person, chrono::Utc::now()).await?;

    // The bench's HTTP client needs it (the router installs it too, once it is made).
    leerweek_api::sso::install_crypto_provider();
    let listener = leerweek_testkit::listener().await;
    let base = format!("http://{}", listener.local_addr()?);
    let mut settings = leerweek::config::Settings::defaults()?;
    settings.database.url = leerweek::config::DatabaseUrl::new(url);
    settings.database.max_connections = 4;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = leerweek::startup::build(&settings, listener, async {
        let _ = rx.await;
    })
    .await?
    .without_workers()
    .spawn();
    let client = reqwest::Client::new();
    let get = |path: String, cold: bool| {
        let (client, token, base) = (client.clone(), token.clone(), base.clone());
        async move {
            if cold {
                tokio::time::sleep(leerweek_api::programme::MAX_AGE + Duration::from_millis(20)).await;
            }
            let t = Instant::now();
            let r = client.get(format!("{base}{path}")).bearer_auth(&token).send().await?;
            let status = r.status();
            let body = r.bytes().await?;
            let took = t.elapsed();
            anyhow::ensure!(
                status.is_success(),
                "{path} answered {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            );
            let rows = if path.ends_with(".ics") {
                body.windows(12).filter(|w| w == b"BEGIN:VEVENT").count()
            } else {
                let v: serde_json::Value = serde_json::from_slice(&body)?;
                v.get("sessions").or_else(|| v.get("items")).and_then(|a| a.as_array()).map_or(0, |a| a.len())
            };
            anyhow::Ok((took, rows))
        }
    };
    let timed = |path: String, cold: bool| {
        let get = &get;
        async move {
            get(path.clone(), cold).await?; // warm-up
            let mut times = vec![];
            let mut rows = 0;
            for _ in 0..runs.max(1) {
                let (t, r) = get(path.clone(), cold).await?;
                times.push(t);
                rows = r;
            }
            times.sort();
            anyhow::Ok((times[times.len() / 2], rows))
        }
    };
    let programme = format!("/api/v1/events/{event_id}/programme");
    let mut out = vec![];
    let (t, n) = timed(programme.clone(), true).await?;
    out.push(("programme (cold)", t, n));
    let (t, n) = timed(programme, false).await?;
    out.push(("programme (cached)", t, n));
    let (t, n) = timed("/api/v1/me/enrolments".into(), false).await?;
    out.push(("agenda", t, n));
    let (t, n) = timed("/api/v1/me/calendar.ics".into(), false).await?;
    out.push(("agenda (.ics)", t, n));
    let _ = tx.send(());
    server.await??;
    Ok(out)
}
