//! Certificates of a session (issue 26): 200 people attend one session of a week built through
//! the API (imported, a token each, enrolled one by one, the organiser's "all present"); the
//! host downloads everyone's certificate in one ZIP (`GET /sessions/{id}/certificates.zip`),
//! first issuing and rendering them, then rendering them again. Beside it, the baseline: the
//! same 200 certificates downloaded one by one (`GET /enrolments/{id}/certificate.pdf`, one
//! request each, as 200 people would). Timed, with the server's CPU; the target is under 2 s.

use crate::fixtures::through_api::{self, Api, ApiShape};
use crate::rush::{backends, fresh_database};
use crate::server::Servers;
use anyhow::{Context, bail};
use chrono::{Duration as Span, Utc};
use futures::StreamExt;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use std::time::{Duration, Instant};

/// The target for a session's certificates.
const TARGET: Duration = Duration::from_secs(2);

/// What to measure.
#[derive(Debug, Clone)]
pub struct CertificatesPlan {
    /// People attending the session.
    pub people: usize,
    /// PostgreSQL URL of a role that may create databases (also run there).
    pub postgres: Option<String>,
    /// Only PostgreSQL.
    pub no_sqlite: bool,
}

async fn on(backend: &'static str, plan: &CertificatesPlan) -> anyhow::Result<bool> {
    let shape = ApiShape {
        organisations: 2,
        people: plan.people,
        sessions: 1,
        sessions_per_workshop: (1, 1),
        capacity: plan.people as i64,
        max_per_person: 3,
        clicks_per_person: 1,
        requests: None,
    };
    let database = fresh_database(backend, plan.postgres.as_deref(), "certificates").await?;
    let admin = through_api::set_up(&crate::server::leerweek_exe()?, database.url())?;
    let servers = Servers::start(database.url(), 1).await?;
    let base = servers.bases()[0].clone();
    let api = Api::new(&base, &admin)?;
    let (orgs, people) = through_api::people(&api, shape).await?;
    let (_, sessions) = through_api::week(&api, &orgs, shape, json!({})).await?;
    let session = sessions[0].0;
    let enrolments: Vec<String> = futures::stream::iter(&people)
        .map(|(_, token)| {
            let req = api.client.post(format!("{base}/api/v1/sessions/{session}/enrolments")).bearer_auth(token);
            async move {
                let res = req.send().await?;
                let body: serde_json::Value = res.json().await?;
                body["id"].as_str().map(str::to_owned).with_context(|| format!("no enrolment: {body}"))
            }
        })
        // In order: each person's enrolment beside their token.
        .buffered(16)
        .collect::<Vec<anyhow::Result<String>>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    // The session takes place: time passes (the one thing not done through the API), then the
    // organiser marks everyone present.
    let conn = crate::db::connect(database.url(), 1).await?;
    let starts = Utc::now() - Span::hours(3);
    let sql = if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        "UPDATE sessions SET starts_at = $1, ends_at = $2 WHERE id = $3"
    } else {
        "UPDATE sessions SET starts_at = ?, ends_at = ? WHERE id = ?"
    };
    conn.execute_raw(Statement::from_sql_and_values(
        conn.get_database_backend(),
        sql,
        [starts.into(), (starts + Span::minutes(150)).into(), session.into()],
    ))
    .await?;
    conn.close().await?;
    api.post(&format!("/api/v1/sessions/{session}/attendance/all-present"), json!({})).await?;

    let zip = |what: &'static str| {
        let (api, base) = (&api, &base);
        async move {
            let res = api
                .client
                .get(format!("{base}/api/v1/sessions/{session}/certificates.zip"))
                .bearer_auth(api.token())
                .send()
                .await?;
            if !res.status().is_success() {
                bail!("{what}: {} {}", res.status(), res.text().await.unwrap_or_default());
            }
            Ok::<usize, anyhow::Error>(res.bytes().await?.len())
        }
    };
    let cpu = servers.cpu_time();
    let t = Instant::now();
    let first_size = zip("issuing and rendering").await?;
    let (first_wall, first_cpu) = (t.elapsed(), servers.cpu_time().saturating_sub(cpu));
    let cpu = servers.cpu_time();
    let t = Instant::now();
    zip("rendering again").await?;
    let (again_wall, again_cpu) = (t.elapsed(), servers.cpu_time().saturating_sub(cpu));

    // Baseline: one request per certificate, as each person downloading their own.
    let cpu = servers.cpu_time();
    let t = Instant::now();
    let sizes: Vec<anyhow::Result<usize>> = futures::stream::iter(people.iter().zip(&enrolments))
        .map(|((_, token), e)| {
            let req = api.client.get(format!("{base}/api/v1/enrolments/{e}/certificate.pdf")).bearer_auth(token);
            async move {
                let res = req.send().await?;
                anyhow::ensure!(res.status().is_success(), "a certificate: {}", res.status());
                Ok(res.bytes().await?.len())
            }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    let (one_wall, one_cpu) = (t.elapsed(), servers.cpu_time().saturating_sub(cpu));
    let sizes: Vec<usize> = sizes.into_iter().collect::<anyhow::Result<_>>()?;
    let n = people.len();
    println!(
        "{backend:<8} {n} certificates of one session in one ZIP ({:.1} MB): issued and rendered in {:.2} s (server CPU {:.2} s), rendered again in {:.2} s (CPU {:.2} s, {:.1} ms a certificate) — {}: under {} s",
        first_size as f64 / 1e6,
        first_wall.as_secs_f64(),
        first_cpu.as_secs_f64(),
        again_wall.as_secs_f64(),
        again_cpu.as_secs_f64(),
        1000.0 * again_cpu.as_secs_f64() / n.max(1) as f64,
        if first_wall < TARGET && again_wall < TARGET { "target met" } else { "TARGET MISSED" },
        TARGET.as_secs()
    );
    println!(
        "{backend:<8} baseline, the same {n} downloaded one by one (4 at a time): {:.2} s, server CPU {:.2} s; the ZIP used {:.2}× its CPU; one certificate {:.0} kB",
        one_wall.as_secs_f64(),
        one_cpu.as_secs_f64(),
        again_cpu.as_secs_f64() / one_cpu.as_secs_f64().max(1e-9),
        sizes.iter().sum::<usize>() as f64 / n.max(1) as f64 / 1000.0
    );
    let ok = first_wall < TARGET && again_wall < TARGET;
    servers.stop().await;
    database.remove().await.context("removing the bench database")?;
    Ok(ok)
}

/// Run the plan on each backend asked for.
pub async fn run(plan: &CertificatesPlan) -> anyhow::Result<bool> {
    println!("certificates: {} people attend one session, built through the API", plan.people);
    let mut ok = true;
    for backend in backends(plan.no_sqlite, plan.postgres.as_deref()) {
        ok &= on(backend, plan).await?;
    }
    Ok(ok)
}
