//! PostgreSQL's reads and writes of a batch: statements of fixed texts, each list one array or
//! JSON parameter, so each is prepared once per connection; the reads that need no lock run
//! beside the transaction on the writer's other connections.

use super::{Kind, Rows, Writes};
use crate::entities::session;
use crate::{Result, StoreError};
use leerweek_domain::EnrolmentStatus;
use sea_orm::{ConnectionTrait, Statement};
use std::collections::HashMap;
use std::sync::LazyLock;
use uuid::Uuid;

impl Kind {
    /// The statement that reads this kind on PostgreSQL. `$1` (and `$2` for enrolments) is an array
    /// of people or sessions, as text, always taken apart once with `unnest` (`IN (SELECT unnest(…))`
    /// or in `FROM`): in `id = ANY($1::uuid[])` PostgreSQL converts the text again for every row a
    /// sequential scan looks at, and whenever the planner chose a sequential scan of the sessions
    /// (600 rows, five of these reads a batch) the rush on PostgreSQL ran at half speed for the
    /// rest of the run. Keys and calendar sequences take a JSON list of pairs. The people and
    /// the sessions are locked in id order (the single-request path's lock order); a person's
    /// enrolments come with their sessions' times (one statement fewer than SQLite's reads, so
    /// `Elsewhere` is never read on its own here).
    ///
    /// Enrolments, keys and calendar sequences are looked up one person (or pair) at a time, by
    /// index: `LATERAL (… OFFSET 0)` keeps the planner from turning that into a join. These tables
    /// grow by thousands of rows a second in a rush, faster than their statistics follow, and as
    /// joins the planner chose to read all of the week's enrolments (15 ms and more a batch) and to
    /// scan every stored idempotency key (3–7 ms a batch, growing: after the first autoanalyze the
    /// rush on PostgreSQL fell from ~2,800 to ~1,400 decisions/s and stayed there).
    fn postgres_sql(self) -> &'static str {
        match self {
            Kind::Person => {
                "SELECT p.* FROM people p WHERE p.id IN (SELECT unnest($1::uuid[])) ORDER BY p.id FOR NO KEY UPDATE"
            }
            Kind::Key => {
                "SELECT k.* FROM jsonb_to_recordset($1::jsonb) AS x(actor_id uuid, key text) \
                 CROSS JOIN LATERAL (SELECT * FROM idempotency_keys \
                 WHERE actor_id = x.actor_id AND key = x.key OFFSET 0) AS k"
            }
            Kind::Session => {
                "SELECT s.* FROM sessions s WHERE s.id IN (SELECT unnest($1::uuid[])) ORDER BY s.id FOR NO KEY UPDATE"
            }
            Kind::Event => {
                "SELECT e.* FROM events e WHERE e.id IN (SELECT event_id FROM sessions WHERE id IN (SELECT unnest($1::uuid[])))"
            }
            Kind::EventOrganisation => {
                "SELECT o.* FROM event_organisations o \
                 WHERE o.event_id IN (SELECT event_id FROM sessions WHERE id IN (SELECT unnest($1::uuid[])))"
            }
            Kind::Workshop => {
                "SELECT w.* FROM workshops w WHERE w.id IN (SELECT workshop_id FROM sessions WHERE id IN (SELECT unnest($1::uuid[])))"
            }
            Kind::Audience => {
                "SELECT a.* FROM workshop_audience a \
                 WHERE a.workshop_id IN (SELECT workshop_id FROM sessions WHERE id IN (SELECT unnest($1::uuid[])))"
            }
            Kind::Enrolment | Kind::Elsewhere => ACTIVE_ENROLMENTS.as_str(),
            Kind::Quota => "SELECT q.* FROM session_quotas q WHERE q.session_id IN (SELECT unnest($1::uuid[]))",
            Kind::Sequence => {
                "SELECT c.* FROM jsonb_to_recordset($1::jsonb) AS x(person_id uuid, session_id uuid) \
                 CROSS JOIN LATERAL (SELECT * FROM calendar_sequences \
                 WHERE person_id = x.person_id AND session_id = x.session_id OFFSET 0) AS c"
            }
        }
    }
}

/// PostgreSQL: one statement per round trip, and on two busy cores a round trip took about a
/// millisecond, most of a batch's time. Each read has one fixed text, its lists passed as one
/// array (or JSON) parameter ([`Kind::postgres_sql`]), so it is prepared once per connection and
/// never again (with lists written out, every batch size was a text of its own and had to be
/// prepared anew); the reads that need no lock run on other connections meanwhile (see [`load`]).
pub(super) async fn reads(
    c: &impl ConnectionTrait,
    side: Option<&sea_orm::DatabaseConnection>,
    person_ids: &[Uuid],
    session_ids: &[Uuid],
    keyed: &[(Uuid, &str)],
    asked: &[(Uuid, Uuid)],
) -> Result<Rows> {
    #[derive(serde::Serialize)]
    struct KeyOf<'a> {
        actor_id: Uuid,
        key: &'a str,
    }
    #[derive(serde::Serialize)]
    struct SequenceOf {
        person_id: Uuid,
        session_id: Uuid,
    }
    let people = uuid_array(person_ids);
    let sessions = uuid_array(session_ids);
    let st = |kind: Kind, values: Vec<sea_orm::Value>| {
        (kind, Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, kind.postgres_sql(), values))
    };
    let locks = vec![st(Kind::Person, vec![people.clone()]), st(Kind::Session, vec![sessions.clone()])];
    let unlocked: Vec<_> = [Kind::Event, Kind::EventOrganisation, Kind::Workshop, Kind::Audience]
        .into_iter()
        .map(|kind| st(kind, vec![sessions.clone()]))
        .collect();
    let mine = vec![st(Kind::Enrolment, vec![people, sessions.clone()])];
    let mut locked_by_us = vec![st(Kind::Quota, vec![sessions])];
    if !keyed.is_empty() {
        let keys: Vec<KeyOf> = keyed.iter().map(|(actor_id, key)| KeyOf { actor_id: *actor_id, key }).collect();
        locked_by_us.push(st(Kind::Key, vec![json(&keys)?]));
    }
    if !asked.is_empty() {
        let pairs: Vec<SequenceOf> = asked
            .iter()
            .map(|(person_id, session_id)| SequenceOf { person_id: *person_id, session_id: *session_id })
            .collect();
        locked_by_us.push(st(Kind::Sequence, vec![json(&pairs)?]));
    }
    let Some(side) = side else {
        return one_by_one(c, locks.into_iter().chain(unlocked).chain(mine).chain(locked_by_us)).await;
    };
    // `try_join!`: the first error ends the batch at once. During an outage a read beside the
    // transaction can wait for a connection up to the pool's acquire timeout, and the batch (with
    // everyone queued behind it) must not wait for that once the transaction itself has failed.
    let after_locks = async {
        let mut rows = one_by_one(c, locks).await?;
        let (more, beside) = tokio::try_join!(one_by_one(c, mine), each_at_once(side, locked_by_us))?;
        rows.extend(more);
        rows.extend(beside);
        Ok::<_, StoreError>(rows)
    };
    let (mut rows, unlocked) = tokio::try_join!(after_locks, each_at_once(side, unlocked))?;
    rows.extend(unlocked);
    Ok(rows)
}

/// `rows` as a JSON text parameter.
fn json(rows: &impl serde::Serialize) -> Result<sea_orm::Value> {
    serde_json::to_string(rows).map(Into::into).map_err(|e| sea_orm::DbErr::Json(e.to_string()).into())
}

/// PostgreSQL's array literal of `ids` (a text parameter the statement casts to `uuid[]`).
fn uuid_array(ids: &[Uuid]) -> sea_orm::Value {
    let mut text = String::with_capacity(2 + ids.len() * 37);
    text.push('{');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
    }
    text.push('}');
    text.into()
}

/// Run `statements` one after another on `c`.
async fn one_by_one(c: &impl ConnectionTrait, statements: impl IntoIterator<Item = (Kind, Statement)>) -> Result<Rows> {
    let mut rows = Vec::new();
    for (kind, st) in statements {
        rows.extend(c.query_all_raw(st).await?.into_iter().map(|row| (kind, row)));
    }
    Ok(rows)
}

/// Run `statements` at the same time, each on a connection of the pool `side`.
async fn each_at_once(side: &sea_orm::DatabaseConnection, statements: Vec<(Kind, Statement)>) -> Result<Rows> {
    let results = futures::future::try_join_all(statements.into_iter().map(|(kind, st)| async move {
        Ok::<_, StoreError>(side.query_all_raw(st).await?.into_iter().map(move |row| (kind, row)))
    }))
    .await?;
    Ok(results.into_iter().flatten().collect())
}

/// PostgreSQL takes every write of a batch in **one** statement of one fixed text (prepared once
/// per connection), each table's rows as one JSON parameter expanded into the table's own row type
/// (`jsonb_populate_recordset`): one round trip instead of one per table and piece. Columns the
/// JSON leaves out are NULL, not their default (an enrolment's `feedback_token_hash`, never
/// serialized, is NULL on every new enrolment): a column added to these tables needs its field in
/// the entity, or this statement fails and every batch goes the single-request way (correct, but
/// slow; `tests/api/concurrency.rs` fails on any failed batch).
/// Timestamps go as text with at most microseconds (see the jobs' `now`), so PostgreSQL stores
/// exactly the value answered.
pub(super) async fn writes(
    c: &impl ConnectionTrait,
    w: Writes,
    sessions: &HashMap<Uuid, session::Model>,
) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Counters {
        id: Uuid,
        confirmed_count: i32,
        waitlist_count: i32,
        waitlist_next: i64,
    }
    if w.enrolments.is_empty() {
        return Ok(());
    }
    let counters: Vec<Counters> = super::decide::counters(&w, sessions)
        .map(|s| Counters {
            id: s.id,
            confirmed_count: s.confirmed_count,
            waitlist_count: s.waitlist_count,
            waitlist_next: s.waitlist_next,
        })
        .collect();
    let mut sequences = w.new_sequences;
    sequences.extend(w.raised_sequences);
    let values: Vec<sea_orm::Value> =
        vec![json(&w.enrolments)?, json(&counters)?, json(&w.outbox)?, json(&sequences)?, json(&w.keys)?];
    c.execute_raw(Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, PG_WRITES, values)).await?;
    Ok(())
}

/// See [`pg_writes`]. A calendar sequence is inserted, or raised when the person had one for the
/// session (both are decided under the person's lock).
const PG_WRITES: &str = "WITH new_enrolments AS ( \
     INSERT INTO enrolments SELECT * FROM jsonb_populate_recordset(NULL::enrolments, $1::jsonb)), \
 new_counters AS ( \
     UPDATE sessions AS s SET confirmed_count = v.confirmed_count, waitlist_count = v.waitlist_count, \
     waitlist_next = v.waitlist_next \
     FROM jsonb_populate_recordset(NULL::sessions, $2::jsonb) AS v WHERE s.id = v.id), \
 new_mails AS ( \
     INSERT INTO outbox SELECT * FROM jsonb_populate_recordset(NULL::outbox, $3::jsonb)), \
 new_sequences AS ( \
     INSERT INTO calendar_sequences SELECT * FROM jsonb_populate_recordset(NULL::calendar_sequences, $4::jsonb) \
     ON CONFLICT (person_id, session_id) DO UPDATE SET sequence = excluded.sequence), \
 new_keys AS ( \
     INSERT INTO idempotency_keys SELECT * FROM jsonb_populate_recordset(NULL::idempotency_keys, $5::jsonb)) \
 SELECT 1";

/// A person's active enrolments in the weeks of the batch's sessions, with their sessions'
/// times (see [`Kind::postgres_sql`]). The status is written into the text (not a parameter) so
/// that the planner can use the partial indexes on active enrolments.
static ACTIVE_ENROLMENTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT e.*, s.starts_at AS lw_starts_at, s.ends_at AS lw_ends_at \
         FROM unnest($1::uuid[]) AS p(id) \
         CROSS JOIN LATERAL (SELECT * FROM enrolments WHERE person_id = p.id AND status <> '{cancelled}' \
         AND event_id = ANY(ARRAY(SELECT DISTINCT event_id FROM sessions WHERE id IN (SELECT unnest($2::uuid[])))) \
         OFFSET 0) AS e \
         CROSS JOIN LATERAL (SELECT starts_at, ends_at FROM sessions WHERE id = e.session_id OFFSET 0) AS s",
        cancelled = EnrolmentStatus::Cancelled.as_str()
    )
});
