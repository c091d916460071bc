//! The preference lottery at national scale (issue 25). A real `leerweek serve` on a database
//! built through its API: people imported (a token each), a lottery week of 600 sessions, and
//! every person ranking 5 of them (`PUT /events/{id}/preferences`, popular sessions ranked more
//! often). After the window closes one `POST /events/{id}/allocation` decides everyone, writes
//! every seat and waiting place and queues one mail per person: timed, with the server's CPU.
//!
//! Beside it, the baseline: a first-come week with the same sessions, where the same people click
//! the same choices in a random order (50 clients, each person their choices in rank order) —
//! today's way. The ratio of their server CPU, and fairness side by side: the share of people
//! who got their first choice, and the people who got no seat at all.

use crate::fixtures::through_api::{self, Api, ApiShape};
use crate::rush::{backends, fresh_database};
use crate::server::Servers;
use anyhow::{Context, bail};
use chrono::{Duration as Days, Utc};
use futures::StreamExt;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// What to measure.
#[derive(Debug, Clone)]
pub struct AllocationPlan {
    /// People ranking sessions.
    pub people: usize,
    /// Sessions of the week.
    pub sessions: usize,
    /// Sessions each person ranks.
    pub preferences: usize,
    /// Concurrent clients for the preferences and the first-come baseline.
    pub clients: usize,
    /// PostgreSQL URL of a role that may create databases.
    pub postgres: Option<String>,
    /// Only PostgreSQL.
    pub no_sqlite: bool,
}

/// The target of the issue: decide + write + queue mail in under 5 s.
const TARGET: Duration = Duration::from_secs(5);

/// Each person's choices (indexes into the sessions), popular sessions (low indexes) more often.
fn choices(people: usize, sessions: usize, n: usize) -> Vec<Vec<usize>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(25);
    (0..people)
        .map(|_| {
            let mut mine = Vec::with_capacity(n);
            while mine.len() < n.min(sessions) {
                let u: f64 = rng.random();
                let s = ((u * u) * sessions as f64) as usize;
                if !mine.contains(&s) {
                    mine.push(s);
                }
            }
            mine
        })
        .collect()
}

/// Who got what in a week: per person, their confirmed sessions.
async fn seats_of(url: &str, event: Uuid) -> anyhow::Result<HashMap<Uuid, HashSet<Uuid>>> {
    let conn = crate::db::connect(url, 1).await?;
    let sql = if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        "SELECT person_id, session_id FROM enrolments WHERE event_id = $1 AND status = 'confirmed'"
    } else {
        "SELECT person_id, session_id FROM enrolments WHERE event_id = ? AND status = 'confirmed'"
    };
    let rows =
        conn.query_all_raw(Statement::from_sql_and_values(conn.get_database_backend(), sql, [event.into()])).await?;
    let mut out: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for r in rows {
        out.entry(r.try_get("", "person_id")?).or_default().insert(r.try_get("", "session_id")?);
    }
    conn.close().await?;
    Ok(out)
}

/// First-choice share and people without a seat.
fn fairness(people: &[(Uuid, String)], ranked: &[Vec<Uuid>], seats: &HashMap<Uuid, HashSet<Uuid>>) -> (f64, usize) {
    let mut first = 0;
    let mut none = 0;
    for ((person, _), mine) in people.iter().zip(ranked) {
        let got = seats.get(person);
        if got.is_some_and(|g| g.contains(&mine[0])) {
            first += 1;
        }
        if got.is_none_or(HashSet::is_empty) {
            none += 1;
        }
    }
    (100.0 * first as f64 / people.len().max(1) as f64, none)
}

async fn on(backend: &'static str, plan: &AllocationPlan) -> anyhow::Result<bool> {
    let shape = ApiShape {
        organisations: 4,
        people: plan.people,
        sessions: plan.sessions,
        sessions_per_workshop: (5, 5),
        capacity: 20,
        max_per_person: 3,
        clicks_per_person: 1,
        requests: None,
    };
    let database = fresh_database(backend, plan.postgres.as_deref(), "allocation").await?;
    let admin = through_api::set_up(&crate::server::leerweek_exe()?, database.url())?;
    let servers = Servers::start(database.url(), 1).await?;
    let base = servers.bases()[0].clone();
    let api = Api::new(&base, &admin)?;
    let built = Instant::now();
    let (orgs, people) = through_api::people(&api, shape).await?;
    let (lottery, lottery_sessions) =
        through_api::week(&api, &orgs, shape, json!({"allocation": "lottery", "max_preferences": plan.preferences}))
            .await?;
    let (first_come, first_sessions) = through_api::week(&api, &orgs, shape, json!({})).await?;
    let picks = choices(people.len(), lottery_sessions.len(), plan.preferences);
    let ranked: Vec<Vec<Uuid>> = picks.iter().map(|p| p.iter().map(|i| lottery_sessions[*i].0).collect()).collect();
    let path = format!("/api/v1/events/{lottery}/preferences");
    let refused: Vec<String> = futures::stream::iter(people.iter().zip(&ranked))
        .map(|((_, token), mine)| {
            let req = api.client.put(format!("{base}{path}")).bearer_auth(token).json(&json!({"sessions": mine}));
            async move {
                match req.send().await {
                    Ok(r) if r.status().is_success() => None,
                    Ok(r) => Some(format!("{} {}", r.status(), r.text().await.unwrap_or_default())),
                    Err(e) => Some(e.to_string()),
                }
            }
        })
        .buffer_unordered(plan.clients)
        .filter_map(|r| async move { r })
        .collect()
        .await;
    if let Some(first) = refused.first() {
        bail!("{} of {} preferences refused, e.g. {first}", refused.len(), people.len());
    }
    println!(
        "{backend:<8} built through the API in {:.1} s: {} people imported, a token each, two weeks of {} sessions, {} × {} preferences given",
        built.elapsed().as_secs_f64(),
        people.len(),
        lottery_sessions.len(),
        people.len(),
        plan.preferences
    );
    let window = json!({"enrolment_opens_at": Utc::now() - Days::hours(2), "enrolment_closes_at": Utc::now() - Days::seconds(1)});
    api.patch(&format!("/api/v1/events/{lottery}"), window).await?;

    // The allocation: one request, timed, with the server's CPU.
    let cpu = servers.cpu_time();
    let t = Instant::now();
    let run =
        api.post(&format!("/api/v1/events/{lottery}/allocation"), json!({"dry_run": false, "seed": "25"})).await?;
    let (wall, cpu) = (t.elapsed(), servers.cpu_time().saturating_sub(cpu));
    let s = &run["summary"];
    let n = |v: &Value| v.as_u64().unwrap_or(0);
    println!(
        "{backend:<8} allocation: {} people, {} choices → {} seats, {} waiting places, {} mails queued in {:.2} s, server CPU {:.2} s ({}: under {} s)",
        n(&s["asked"]),
        n(&s["choices"]),
        n(&s["seats_given"]),
        n(&s["waiting_given"]),
        n(&s["asked"]),
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        if wall < TARGET { "target met" } else { "TARGET MISSED" },
        TARGET.as_secs()
    );

    // The baseline: the same people click the same choices in a random order, first come.
    let index: HashMap<Uuid, usize> = lottery_sessions.iter().enumerate().map(|(i, (s, _))| (*s, i)).collect();
    let mut order: Vec<usize> = (0..people.len()).collect();
    {
        use rand::seq::SliceRandom;
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(2525));
    }
    let cpu0 = servers.cpu_time();
    let t = Instant::now();
    let answers: Vec<(usize, usize)> = futures::stream::iter(order)
        .map(|k| {
            let (client, base, token) = (&api.client, &base, &people[k].1);
            let mine: Vec<Uuid> = ranked[k].iter().map(|s| first_sessions[index[s]].0).collect();
            async move {
                let (mut ok, mut refused) = (0, 0);
                for s in mine {
                    match client.post(format!("{base}/api/v1/sessions/{s}/enrolments")).bearer_auth(token).send().await
                    {
                        Ok(r) if r.status().is_success() => ok += 1,
                        _ => refused += 1,
                    }
                }
                (ok, refused)
            }
        })
        .buffer_unordered(plan.clients)
        .collect()
        .await;
    let (fc_wall, fc_cpu) = (t.elapsed(), servers.cpu_time().saturating_sub(cpu0));
    let requests: usize = answers.iter().map(|(a, b)| a + b).sum();
    let accepted: usize = answers.iter().map(|(a, _)| a).sum();
    println!(
        "{backend:<8} baseline, first come on the same choices ({} clients, each person in rank order): {requests} requests ({accepted} seats or waiting places) in {:.1} s, server CPU {:.1} s; the allocation used {:.3}× its CPU",
        plan.clients,
        fc_wall.as_secs_f64(),
        fc_cpu.as_secs_f64(),
        cpu.as_secs_f64() / fc_cpu.as_secs_f64().max(1e-9)
    );
    let first_ranked: Vec<Vec<Uuid>> =
        ranked.iter().map(|m| m.iter().map(|s| first_sessions[index[s]].0).collect()).collect();
    let (lf, ln) = fairness(&people, &ranked, &seats_of(database.url(), lottery).await?);
    let (ff, fnone) = fairness(&people, &first_ranked, &seats_of(database.url(), first_come).await?);
    println!(
        "{backend:<8} fairness: first choice {lf:.1} % by lottery, {ff:.1} % first come; no seat at all: {ln} by lottery, {fnone} first come (of {})",
        people.len()
    );
    let sound = n(&s["asked"]) == people.len() as u64 && n(&s["seats_given"]) > 0;
    servers.stop().await;
    database.remove().await.context("removing the bench database")?;
    Ok(sound)
}

/// Run the plan on each backend asked for.
pub async fn run(plan: &AllocationPlan) -> anyhow::Result<bool> {
    println!(
        "preference lottery: {} people rank {} of {} sessions (20 seats, at most 3 per person), through the API",
        plan.people, plan.preferences, plan.sessions
    );
    let mut ok = true;
    for backend in backends(plan.no_sqlite, plan.postgres.as_deref()) {
        ok &= on(backend, plan).await?;
    }
    Ok(ok)
}
