//! The rush's baseline: the database's own ceiling. On a fresh copy of the week, the same
//! transaction shape as an enrolment (lock the person, take a seat or a queue number, insert the
//! enrolment, insert its outbox row, commit) as raw SQL through a connection pool, without HTTP,
//! without the ORM and without the rules. One writer on SQLite (it has one), N on PostgreSQL.

use crate::db;
use crate::fixtures::RushWeek;
use crate::rush::{pick, workload};
use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The database's own ceiling: the enrolment's transaction shape as raw SQL. Returns decisions
/// per second over the same stream of (person, session) pairs (repeats skipped: the rules'
/// "already enrolled" answer needs no write).
pub(crate) async fn run(
    conn: &DatabaseConnection,
    week: &RushWeek,
    writers: usize,
    budget: Duration,
) -> anyhow::Result<f64> {
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
        let (conn, pairs, next, done) = (conn.clone(), pairs.clone(), next.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= pairs.len() || started.elapsed() > budget {
                    return anyhow::Ok(());
                }
                let (person, session) = pairs[n];
                one_transaction(&conn, event, person, session).await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64().max(1e-9))
}

async fn one_transaction(conn: &DatabaseConnection, event: Uuid, person: Uuid, session: Uuid) -> anyhow::Result<()> {
    let pg = conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
    let st = |sql: &str, values: Vec<Value>| db::statement(conn, sql, values);
    let now = chrono::Utc::now();
    // One writer at a time on SQLite (BEGIN IMMEDIATE, one writer task), as the server does.
    let txn = db::write(conn).await?;
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
