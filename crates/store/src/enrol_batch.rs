//! Group commit for enrolments. When many people enrol at the same moment, one writer task
//! takes every request that is waiting (up to [`MAX_BATCH`]) and decides them in **one**
//! transaction: it reads the people, sessions, weeks, workshops and everyone's other
//! enrolments with a handful of set queries, applies the same rules ([`decide`]) one request
//! after another against the state as it evolves in memory, writes all enrolments, outbox rows,
//! calendar sequences, idempotency answers and the sessions' counters at once (SQLite: one
//! multi-statement query of multi-row inserts; PostgreSQL: one statement), and commits once.
//! Nobody gets an answer before that commit.
//!
//! The rows are locked as the single-request path locks them (people, then sessions, each in id
//! order; on SQLite the write gate and `BEGIN IMMEDIATE`), so the two paths can run side by side.
//! Anything out of the ordinary goes to the single-request path ([`super::enrolments::enrol`]'s
//! direct form) instead: enrolling someone else, a replayed idempotency key, an existing
//! enrolment, a session whose waiting list could move up first, anything not found or not
//! visible. When the database is unreachable, the batch and everyone queued behind it get the
//! 503 at once (a retry finds an enrolment that did commit after all, so nobody is enrolled
//! twice). When a batch fails otherwise (a deadlock, a constraint), every request in it is
//! retried on its own on the single-request path, which reports its own error.

use crate::Store;
use crate::enrolments::{EnrolOutcome, enrolment_mail, new_enrolment};
use crate::entities::{
    calendar_sequence, enrolment, event, event_organisation, idempotency_key, person, session, session_quota, workshop,
    workshop_audience,
};
use crate::events::{EventView, can_see, policy_of, quota_use, seats_of};
use crate::outbox;
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::enrolment::{
    ActiveEnrolment, Audience, Decision, EnrolRequest, SessionFacts, decide, promotion_open,
};
use leerweek_domain::session::{Seats, TimeRange};
use leerweek_domain::{AudienceKind, EnrolmentStatus, SessionStatus};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Statement,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Most requests decided in one transaction.
pub const MAX_BATCH: usize = 128;

/// Counters of the writer's work since start-up, for logs, tests and benchmarks.
#[derive(Debug, Default)]
pub struct BatchStats {
    batches: AtomicU64,
    decided: AtomicU64,
    direct: AtomicU64,
    failed: AtomicU64,
    largest: AtomicU64,
}

/// A reading of [`BatchStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchFigures {
    /// Transactions committed by the writer.
    pub batches: u64,
    /// Requests decided in them (enrolments, waiting-list places and refusals).
    pub decided: u64,
    /// Requests handed to the single-request path.
    pub direct: u64,
    /// Batches that failed as a whole (their requests were retried one by one).
    pub failed: u64,
    /// The most requests in one batch.
    pub largest: u64,
}

impl BatchStats {
    /// The counters now.
    pub fn read(&self) -> BatchFigures {
        BatchFigures {
            batches: self.batches.load(Ordering::Relaxed),
            decided: self.decided.load(Ordering::Relaxed),
            direct: self.direct.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            largest: self.largest.load(Ordering::Relaxed),
        }
    }
}

/// One person's request to enrol themselves.
pub(crate) struct Job {
    pub actor: Actor,
    pub session_id: Uuid,
    pub key: Option<String>,
    pub now: DateTime<Utc>,
    pub reply: oneshot::Sender<Answer>,
}

/// What the writer answers.
pub(crate) enum Answer {
    /// Decided (and committed, when it is an enrolment).
    Done(Box<Result<EnrolOutcome>>),
    /// Not for a batch: take the single-request path.
    Direct,
}

/// Start the writer for `store` (which must not itself hold a queue) and return its queue.
///
/// The writer runs on a thread of its own with its own small runtime. On the server's runtime it
/// shared two worker threads with every HTTP connection: each of a batch's round trips to the
/// database woke it up, and it then waited in the run queue behind dozens of request tasks
/// (measured on PostgreSQL during the rush: 28 ms a batch, of which the database spent about 5;
/// on its own thread 17 ms). The operating system runs it as soon as its answer arrives.
/// `own_writer` (PostgreSQL): connections opened on that thread, so that their sockets are
/// driven there too; if they cannot be opened, the writer uses the store's pool.
pub(crate) fn spawn(
    store: Store,
    stats: Arc<BatchStats>,
    own_writer: Option<sea_orm::ConnectOptions>,
) -> mpsc::UnboundedSender<Job> {
    let (tx, rx) = mpsc::unbounded_channel();
    let run = move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!(error = %e, "the enrolment writer's runtime did not start");
                return;
            }
        };
        runtime.block_on(async move {
            let mut own = None;
            let store = match own_writer {
                Some(options) => match connect_warm(options).await {
                    Ok(conn) => {
                        own = Some(conn.clone());
                        store.with_writer(conn)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the enrolment writer uses the shared pool: its own connections did not open");
                        store
                    }
                },
                None => store,
            };
            writer(store, rx, stats).await;
            if let Some(conn) = own {
                let _ = conn.close().await;
            }
        });
    };
    if let Err(e) = std::thread::Builder::new().name("enrol-writer".into()).spawn(run) {
        tracing::error!(error = %e, "the enrolment writer's thread did not start");
    }
    tx
}

/// The writer's own pool, every connection opened (see `crate::warm_up`).
async fn connect_warm(options: sea_orm::ConnectOptions) -> Result<sea_orm::DatabaseConnection> {
    let n = options.get_max_connections().unwrap_or(1);
    let conn = sea_orm::Database::connect(options).await?;
    crate::warm_up(&conn, n).await?;
    Ok(conn)
}

async fn writer(store: Store, mut rx: mpsc::UnboundedReceiver<Job>, stats: Arc<BatchStats>) {
    let mut carry: Vec<Job> = Vec::new();
    loop {
        if carry.is_empty() {
            match rx.recv().await {
                Some(job) => carry.push(job),
                None => return,
            }
        }
        // One request per person in a batch: a second one waits for the next batch, so within a
        // batch nobody's own enrolments change under their feet.
        let mut batch = Vec::new();
        let mut people = HashSet::new();
        let mut later = Vec::new();
        let mut take = |job: Job, batch: &mut Vec<Job>, later: &mut Vec<Job>| {
            if batch.len() < MAX_BATCH && people.insert(job.actor.person_id) {
                batch.push(job);
            } else {
                later.push(job);
            }
        };
        for job in carry.drain(..) {
            take(job, &mut batch, &mut later);
        }
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => take(job, &mut batch, &mut later),
                Err(_) => break,
            }
        }
        carry = later;
        if let Some(outage) = run(&store, batch, &stats).await {
            // The database is unreachable: whoever queued meanwhile would only wait for the same
            // answer, so they get it now (503 with Retry-After) instead of after another timeout.
            while let Ok(job) = rx.try_recv() {
                carry.push(job);
            }
            for job in carry.drain(..) {
                let _ = job.reply.send(Answer::Done(Box::new(Err(StoreError::Unavailable(outage.clone())))));
            }
        }
    }
}

/// Decide a batch and answer it; returns the error text when the database was unavailable.
async fn run(store: &Store, jobs: Vec<Job>, stats: &BatchStats) -> Option<String> {
    let n = jobs.len();
    match decide_all(store, &jobs).await {
        Ok(answers) => {
            let direct = answers.iter().filter(|a| matches!(a, Answer::Direct)).count() as u64;
            stats.batches.fetch_add(1, Ordering::Relaxed);
            stats.decided.fetch_add(n as u64 - direct, Ordering::Relaxed);
            stats.direct.fetch_add(direct, Ordering::Relaxed);
            stats.largest.fetch_max(n as u64, Ordering::Relaxed);
            for (job, answer) in jobs.into_iter().zip(answers) {
                let _ = job.reply.send(answer);
            }
            None
        }
        Err(StoreError::Unavailable(text)) => {
            stats.failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %text, requests = n, "enrolment batch: database unavailable, answering 503");
            for job in jobs {
                let _ = job.reply.send(Answer::Done(Box::new(Err(StoreError::Unavailable(text.clone())))));
            }
            Some(text)
        }
        Err(e) => {
            stats.failed.fetch_add(1, Ordering::Relaxed);
            stats.direct.fetch_add(n as u64, Ordering::Relaxed);
            tracing::warn!(error = %e, requests = n, "enrolment batch failed; each request is retried on its own");
            for job in jobs {
                let _ = job.reply.send(Answer::Direct);
            }
            None
        }
    }
}

/// Rows a batch writes.
#[derive(Default)]
struct Writes {
    enrolments: Vec<enrolment::Model>,
    outbox: Vec<crate::entities::outbox::Model>,
    new_sequences: Vec<calendar_sequence::Model>,
    raised_sequences: Vec<calendar_sequence::Model>,
    keys: Vec<idempotency_key::Model>,
    touched: Vec<Uuid>,
}

/// `v` lengthened to `to` entries by repeating its last one (an empty `v` stays empty; a shorter
/// `to` changes nothing). A query's text then depends only on `to`, not on how many distinct
/// entries there are: each new text is prepared anew (sqlx keeps the last 100 prepared), and with
/// the batch's lists of every length from 1 to 128 the reads were prepared again in nearly every
/// batch. Repeated entries change no `IN (…)` or `OR` result. (SQLite only: PostgreSQL's reads
/// take each list as one array parameter.)
pub(crate) fn padded<T: Clone>(mut v: Vec<T>, to: usize) -> Vec<T> {
    if let Some(last) = v.last().cloned() {
        v.resize(to.max(v.len()), last);
    }
    v
}

fn sorted(ids: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    let mut v: Vec<Uuid> = ids.into_iter().collect::<HashSet<_>>().into_iter().collect();
    v.sort();
    v
}

/// What a batch reads before deciding, each kind of row tagged so that SQLite can fetch them
/// all with one multi-statement query.
#[derive(Default)]
struct Loaded {
    people: HashMap<Uuid, person::Model>,
    replayed: HashSet<(Uuid, String)>,
    sessions: HashMap<Uuid, session::Model>,
    events: HashMap<Uuid, EventView>,
    workshops: HashMap<Uuid, workshop::Model>,
    listed: HashMap<Uuid, Vec<Uuid>>,
    mine: Vec<enrolment::Model>,
    times: HashMap<Uuid, (DateTime<Utc>, DateTime<Utc>)>,
    with_quota: HashSet<Uuid>,
    sequences: HashMap<(Uuid, Uuid), i32>,
}

/// The kinds of rows [`load`] reads, in the order it reads them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Person,
    Key,
    Session,
    Event,
    EventOrganisation,
    Workshop,
    Audience,
    Enrolment,
    Elsewhere,
    Quota,
    Sequence,
}

const KINDS: [Kind; 11] = [
    Kind::Person,
    Kind::Key,
    Kind::Session,
    Kind::Event,
    Kind::EventOrganisation,
    Kind::Workshop,
    Kind::Audience,
    Kind::Enrolment,
    Kind::Elsewhere,
    Kind::Quota,
    Kind::Sequence,
];

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
            Kind::Enrolment | Kind::Elsewhere => {
                "SELECT e.*, s.starts_at AS lw_starts_at, s.ends_at AS lw_ends_at \
                 FROM unnest($1::uuid[]) AS p(id) \
                 CROSS JOIN LATERAL (SELECT * FROM enrolments WHERE person_id = p.id AND status <> 'cancelled' \
                 AND event_id = ANY(ARRAY(SELECT DISTINCT event_id FROM sessions WHERE id IN (SELECT unnest($2::uuid[])))) \
                 OFFSET 0) AS e \
                 CROSS JOIN LATERAL (SELECT starts_at, ends_at FROM sessions WHERE id = e.session_id OFFSET 0) AS s"
            }
            Kind::Quota => "SELECT q.* FROM session_quotas q WHERE q.session_id IN (SELECT unnest($1::uuid[]))",
            Kind::Sequence => {
                "SELECT c.* FROM jsonb_to_recordset($1::jsonb) AS x(person_id uuid, session_id uuid) \
                 CROSS JOIN LATERAL (SELECT * FROM calendar_sequences \
                 WHERE person_id = x.person_id AND session_id = x.session_id OFFSET 0) AS c"
            }
        }
    }
}

/// The column that tags each row of SQLite's joined reads with its [`Kind`] (its index in [`KINDS`]).
const KIND_COLUMN: &str = "lw_kind";

/// Read everything a batch needs, the people and then the sessions locked (each in id order: the
/// single-request path's lock order).
///
/// `side` (PostgreSQL, when the writer has connections to spare): connections outside the
/// transaction. The rows the transaction does not lock (weeks, their organisations, workshops,
/// their audiences) are read there while the transaction takes its locks: under READ COMMITTED
/// every statement reads what was committed when it started, locked or not, so reading them beside
/// the transaction sees what reading them inside it would have seen a few milliseconds later; an
/// organiser's change that commits in between is one the single-request path could equally have
/// missed, since it does not lock those rows either. Once the locks are held, the idempotency keys,
/// quotas and calendar sequences are read there too, beside the transaction's read of the people's
/// enrolments: each changes only under a lock the transaction now holds (a person's or a
/// session's), and every change made before it was taken is committed, so another connection reads
/// exactly what the transaction would.
async fn load(
    c: &impl ConnectionTrait,
    side: Option<&sea_orm::DatabaseConnection>,
    pg: bool,
    person_ids: &[Uuid],
    session_ids: &[Uuid],
    keyed: &[(Uuid, &str)],
    asked: &[(Uuid, Uuid)],
) -> Result<Loaded> {
    let rows = if pg {
        pg_reads(c, side, person_ids, session_ids, keyed, asked).await?
    } else {
        sqlite_reads(c, person_ids, session_ids, keyed, asked).await?
    };

    let mut l = Loaded::default();
    let mut event_rows = Vec::new();
    let mut links = Vec::new();
    let mut audiences = Vec::new();
    let mut elsewhere = Vec::new();
    for (kind, row) in rows {
        match kind {
            Kind::Person => {
                let p = person::Model::from_query_result(&row, "")?;
                l.people.insert(p.id, p);
            }
            Kind::Key => {
                let k = idempotency_key::Model::from_query_result(&row, "")?;
                l.replayed.insert((k.actor_id, k.key));
            }
            Kind::Session => {
                let s = session::Model::from_query_result(&row, "")?;
                l.sessions.insert(s.id, s);
            }
            Kind::Event => event_rows.push(event::Model::from_query_result(&row, "")?),
            Kind::EventOrganisation => links.push(event_organisation::Model::from_query_result(&row, "")?),
            Kind::Workshop => {
                let w = workshop::Model::from_query_result(&row, "")?;
                l.workshops.insert(w.id, w);
            }
            Kind::Audience => audiences.push(workshop_audience::Model::from_query_result(&row, "")?),
            Kind::Enrolment => {
                let e = enrolment::Model::from_query_result(&row, "")?;
                // PostgreSQL's read brings the times of the enrolment's session along.
                if pg {
                    let starts: DateTime<Utc> = row.try_get("", "lw_starts_at")?;
                    let ends: DateTime<Utc> = row.try_get("", "lw_ends_at")?;
                    l.times.insert(e.session_id, (starts, ends));
                }
                l.mine.push(e);
            }
            Kind::Elsewhere => elsewhere.push(session::Model::from_query_result(&row, "")?),
            Kind::Quota => {
                l.with_quota.insert(session_quota::Model::from_query_result(&row, "")?.session_id);
            }
            Kind::Sequence => {
                let r = calendar_sequence::Model::from_query_result(&row, "")?;
                l.sequences.insert((r.person_id, r.session_id), r.sequence);
            }
        }
    }
    l.events = event_rows.into_iter().map(|e| (e.id, EventView { event: e, organisation_ids: vec![] })).collect();
    for link in links {
        if let Some(e) = l.events.get_mut(&link.event_id) {
            e.organisation_ids.push(link.organisation_id);
        }
    }
    for a in audiences {
        if l.workshops.get(&a.workshop_id).is_some_and(|w| w.audience == AudienceKind::Listed.as_str()) {
            l.listed.entry(a.workshop_id).or_default().push(a.organisation_id);
        }
    }
    for s in elsewhere.iter().chain(l.sessions.values()) {
        l.times.insert(s.id, (s.starts_at, s.ends_at));
    }
    Ok(l)
}

type Rows = Vec<(Kind, sea_orm::QueryResult)>;

/// SQLite: every read depends only on the requests (later ones use subqueries instead of earlier
/// results), so they run as **one** multi-statement query, each row tagged with its kind: each
/// statement sent to SQLite's connection thread is a round trip between two threads, and under a
/// rush those round trips, not SQLite's work, were most of a batch's time.
async fn sqlite_reads(
    c: &impl ConnectionTrait,
    person_ids: &[Uuid],
    session_ids: &[Uuid],
    keyed: &[(Uuid, &str)],
    asked: &[(Uuid, Uuid)],
) -> Result<Rows> {
    use sea_orm::sea_query::{Alias, Query, SelectStatement};
    let column_of = |col: session::Column| -> SelectStatement {
        Query::select()
            .column(col)
            .from(session::Entity)
            .and_where(session::Column::Id.is_in(session_ids.iter().copied()))
            .to_owned()
    };
    let active = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.is_in(person_ids.iter().copied()))
        .filter(enrolment::Column::EventId.in_subquery(column_of(session::Column::EventId)))
        .filter(enrolment::Column::Status.ne("cancelled"));
    use calendar_sequence::Column as Seq;
    use idempotency_key::Column as Key;
    let replayed = pairs(keyed.iter().map(|(a, k)| Key::ActorId.eq(*a).and(Key::Key.eq(*k))));
    let sequenced = pairs(asked.iter().map(|(p, s)| Seq::PersonId.eq(*p).and(Seq::SessionId.eq(*s))));
    let statements: [Option<SelectStatement>; 11] = [
        Some(
            person::Entity::find()
                .filter(person::Column::Id.is_in(person_ids.iter().copied()))
                .order_by_asc(person::Column::Id)
                .into_query(),
        ),
        (!keyed.is_empty()).then(|| idempotency_key::Entity::find().filter(replayed).into_query()),
        Some(
            session::Entity::find()
                .filter(session::Column::Id.is_in(session_ids.iter().copied()))
                .order_by_asc(session::Column::Id)
                .into_query(),
        ),
        Some(
            event::Entity::find()
                .filter(event::Column::Id.in_subquery(column_of(session::Column::EventId)))
                .into_query(),
        ),
        Some(
            event_organisation::Entity::find()
                .filter(event_organisation::Column::EventId.in_subquery(column_of(session::Column::EventId)))
                .into_query(),
        ),
        Some(
            workshop::Entity::find()
                .filter(workshop::Column::Id.in_subquery(column_of(session::Column::WorkshopId)))
                .into_query(),
        ),
        Some(
            workshop_audience::Entity::find()
                .filter(workshop_audience::Column::WorkshopId.in_subquery(column_of(session::Column::WorkshopId)))
                .into_query(),
        ),
        Some(active.clone().into_query()),
        // The times of the other sessions those enrolments are in.
        Some(
            session::Entity::find()
                .filter(
                    session::Column::Id
                        .in_subquery(active.select_only().column(enrolment::Column::SessionId).into_query()),
                )
                .into_query(),
        ),
        Some(
            session_quota::Entity::find()
                .filter(session_quota::Column::SessionId.is_in(session_ids.iter().copied()))
                .into_query(),
        ),
        (!asked.is_empty()).then(|| calendar_sequence::Entity::find().filter(sequenced).into_query()),
    ];
    let backend = c.get_database_backend();
    let mut built = Vec::new();
    for (i, q) in statements.into_iter().enumerate() {
        if let Some(mut q) = q {
            q.expr_as(Expr::cust(i.to_string()), Alias::new(KIND_COLUMN));
            built.push(backend.build(&q));
        }
    }
    let mut rows = Vec::new();
    for row in c.query_all_raw(joined(backend, built)).await? {
        let i: i32 = row.try_get("", KIND_COLUMN)?;
        if let Some(kind) = KINDS.get(i as usize) {
            rows.push((*kind, row));
        }
    }
    Ok(rows)
}

/// PostgreSQL: one statement per round trip, and on two busy cores a round trip took about a
/// millisecond, most of a batch's time. Each read has one fixed text, its lists passed as one
/// array (or JSON) parameter ([`Kind::postgres_sql`]), so it is prepared once per connection and
/// never again (with lists written out, every batch size was a text of its own and had to be
/// prepared anew); the reads that need no lock run on other connections meanwhile (see [`load`]).
async fn pg_reads(
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

/// Rows matching any one of `each` (a pair of columns each; callers skip the query when there is
/// none). Written as `(a = ? AND b = ?) OR …` rather than `a IN (…) AND b IN (…)`: for the latter
/// SQLite looks up every combination in the two-column index. Measured on a table of 60,000 keys:
/// 30 pairs 0.27 → 0.02 ms, 60 pairs 1.0 → 0.04 ms.
fn pairs(each: impl Iterator<Item = Expr>) -> sea_orm::Condition {
    each.fold(sea_orm::Condition::any(), |any, e| any.add(e))
}

/// Statements joined into one multi-statement query (SQLite binds each statement's parameters
/// from the shared list in order).
fn joined(backend: sea_orm::DbBackend, statements: Vec<Statement>) -> Statement {
    let mut sql = String::new();
    let mut values = Vec::new();
    for st in statements {
        if !sql.is_empty() {
            sql.push_str(";\n");
        }
        sql.push_str(&st.sql);
        if let Some(v) = st.values {
            values.extend(v.0);
        }
    }
    Statement::from_sql_and_values(backend, sql, values)
}

async fn decide_all(store: &Store, jobs: &[Job]) -> Result<Vec<Answer>> {
    let mut clock = Phases::start();
    let txn = store.write().await?;
    clock.lap("writer");
    let c = &*txn;
    let pg = store.is_postgres();

    // On SQLite every list the reads take is padded to the same power of two (repeating its last
    // entry), so that the reads' SQL is one of a few texts and its prepared statements are
    // reused: rush at N = 64, alternating, 2,126 and 2,033 → 2,371 and 2,630 decisions/s, server
    // CPU 0.66 → 0.56 ms a decision. PostgreSQL's reads pass each list as one parameter instead
    // (one text each whatever the batch's size; see `pg_reads`).
    let to = if pg { 0 } else { jobs.len().next_power_of_two() };
    let person_ids = padded(sorted(jobs.iter().map(|j| j.actor.person_id)), to);
    let session_ids = padded(sorted(jobs.iter().map(|j| j.session_id)), to);
    let asked = padded(jobs.iter().map(|j| (j.actor.person_id, j.session_id)).collect(), to);
    let keyed = padded(jobs.iter().filter_map(|j| Some((j.actor.person_id, j.key.as_deref()?))).collect(), to);
    let Loaded { people, replayed, mut sessions, events, workshops, listed, mine, times, with_quota, sequences } =
        load(c, store.writer_beside(), pg, &person_ids, &session_ids, &keyed, &asked).await?;
    clock.lap("load");
    let mut active_of: HashMap<Uuid, Vec<&enrolment::Model>> = HashMap::new();
    for e in &mine {
        active_of.entry(e.person_id).or_default().push(e);
    }
    // Seats with their quotas (few sessions have quotas; those are counted one by one).
    let mut seats: HashMap<Uuid, Seats> = HashMap::new();
    for s in sessions.values() {
        let quotas = if with_quota.contains(&s.id) { quota_use(c, s.id).await? } else { vec![] };
        seats.insert(s.id, seats_of(s, quotas));
    }

    let mut w = Writes::default();
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs {
        let answer = match one(
            job,
            &people,
            &replayed,
            &mut sessions,
            &events,
            &workshops,
            &listed,
            &active_of,
            &times,
            &mut seats,
            &sequences,
            &mut w,
        ) {
            Some(outcome) => Answer::Done(Box::new(outcome)),
            None => Answer::Direct,
        };
        answers.push(answer);
    }

    clock.lap("decide");
    if pg {
        pg_writes(c, w, &sessions).await?;
    } else {
        sqlite_writes(c, w, &sessions).await?;
    }
    clock.lap("write");
    txn.commit().await?;
    clock.lap("commit");
    clock.report(jobs.len());
    Ok(answers)
}

/// The new counters of the sessions a batch touched (the rows are locked, so nothing else moved
/// them).
fn counters<'a>(
    w: &'a Writes,
    sessions: &'a HashMap<Uuid, session::Model>,
) -> impl Iterator<Item = &'a session::Model> {
    w.touched.iter().filter_map(|id| sessions.get(id))
}

/// SQLite takes every write of a batch in one multi-statement query (one round trip to its
/// connection thread), each table with a multi-row insert.
async fn sqlite_writes(c: &impl ConnectionTrait, w: Writes, sessions: &HashMap<Uuid, session::Model>) -> Result<()> {
    let backend = c.get_database_backend();
    let mut writes: Vec<Statement> = Vec::new();
    if !w.enrolments.is_empty() {
        writes.push(
            enrolment::Entity::insert_many(w.enrolments.iter().cloned().map(IntoActiveModel::into_active_model))
                .build(backend),
        );
    }
    if !w.touched.is_empty() {
        // One statement sets every touched session's counters to the values decided.
        let case = |f: fn(&session::Model) -> sea_orm::Value, col: session::Column| {
            let mut cs = CaseStatement::new();
            for s in counters(&w, sessions) {
                cs = cs.case(session::Column::Id.eq(s.id), Expr::val(f(s)));
            }
            let e: Expr = cs.finally(Expr::col(col)).into();
            e
        };
        writes.push(
            session::Entity::update_many()
                .col_expr(
                    session::Column::ConfirmedCount,
                    case(|s| s.confirmed_count.into(), session::Column::ConfirmedCount),
                )
                .col_expr(
                    session::Column::WaitlistCount,
                    case(|s| s.waitlist_count.into(), session::Column::WaitlistCount),
                )
                .col_expr(
                    session::Column::WaitlistNext,
                    case(|s| s.waitlist_next.into(), session::Column::WaitlistNext),
                )
                .filter(session::Column::Id.is_in(w.touched.iter().copied()))
                .build(backend),
        );
    }
    if !w.outbox.is_empty() {
        writes.push(
            crate::entities::outbox::Entity::insert_many(w.outbox.into_iter().map(IntoActiveModel::into_active_model))
                .build(backend),
        );
    }
    if !w.new_sequences.is_empty() {
        writes.push(
            calendar_sequence::Entity::insert_many(w.new_sequences.into_iter().map(IntoActiveModel::into_active_model))
                .build(backend),
        );
    }
    for r in w.raised_sequences {
        writes.push(
            calendar_sequence::Entity::update_many()
                .col_expr(calendar_sequence::Column::Sequence, Expr::val(r.sequence))
                .filter(calendar_sequence::Column::PersonId.eq(r.person_id))
                .filter(calendar_sequence::Column::SessionId.eq(r.session_id))
                .build(backend),
        );
    }
    if !w.keys.is_empty() {
        writes.push(
            idempotency_key::Entity::insert_many(w.keys.into_iter().map(IntoActiveModel::into_active_model))
                .build(backend),
        );
    }
    if !writes.is_empty() {
        c.execute_raw(joined(backend, writes)).await?;
    }
    Ok(())
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
async fn pg_writes(c: &impl ConnectionTrait, w: Writes, sessions: &HashMap<Uuid, session::Model>) -> Result<()> {
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
    let counters: Vec<Counters> = counters(&w, sessions)
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

/// Where a batch spent its time, for the log when it was slow.
struct Phases {
    started: Instant,
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Phases {
    /// A batch slower than this is logged (debug) with its phases; ten times this, a warning.
    const SLOW: Duration = Duration::from_millis(50);

    fn start() -> Self {
        let now = Instant::now();
        Self { started: now, last: now, laps: Vec::with_capacity(5) }
    }

    fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.laps.push((phase, now - self.last));
        self.last = now;
    }

    fn report(&self, requests: usize) {
        let total = self.started.elapsed();
        if total < Self::SLOW {
            return;
        }
        let phases = self
            .laps
            .iter()
            .map(|(p, d)| format!("{p} {:.1}", d.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ");
        let ms = total.as_secs_f64() * 1000.0;
        if total >= Self::SLOW * 10 {
            tracing::warn!(requests, ms, phases, "slow enrolment batch (milliseconds per phase)");
        } else {
            tracing::debug!(requests, ms, phases, "slow enrolment batch (milliseconds per phase)");
        }
    }
}

/// Decide one request against the batch's state and queue its writes; `None`: not for a batch.
#[allow(clippy::too_many_arguments)]
fn one(
    job: &Job,
    people: &HashMap<Uuid, person::Model>,
    replayed: &HashSet<(Uuid, String)>,
    sessions: &mut HashMap<Uuid, session::Model>,
    events: &HashMap<Uuid, EventView>,
    workshops: &HashMap<Uuid, workshop::Model>,
    listed: &HashMap<Uuid, Vec<Uuid>>,
    active_of: &HashMap<Uuid, Vec<&enrolment::Model>>,
    times: &HashMap<Uuid, (DateTime<Utc>, DateTime<Utc>)>,
    seats: &mut HashMap<Uuid, Seats>,
    sequences: &HashMap<(Uuid, Uuid), i32>,
    w: &mut Writes,
) -> Option<Result<EnrolOutcome>> {
    let p = people.get(&job.actor.person_id)?;
    if let Some(key) = &job.key
        && replayed.contains(&(p.id, key.clone()))
    {
        return None;
    }
    let s = sessions.get_mut(&job.session_id)?;
    let ev = events.get(&s.event_id)?;
    let ws = workshops.get(&s.workshop_id)?;
    let active = active_of.get(&p.id).map(Vec::as_slice).unwrap_or_default();
    let row_status = SessionStatus::parse(&s.status).unwrap_or(SessionStatus::Cancelled);
    let status = if ws.status == SessionStatus::Cancelled.as_str() { SessionStatus::Cancelled } else { row_status };
    let time = TimeRange::new(s.starts_at, s.ends_at).ok()?;
    // The single-request path first moves the waiting list up into free seats; leave that to it.
    let queue_may_move =
        s.waitlist_count > 0 && s.confirmed_count < s.capacity && promotion_open(row_status, s.starts_at, job.now);
    if !can_see(&job.actor, ev) || active.iter().any(|e| e.session_id == s.id) || queue_may_move {
        return None;
    }
    let seat = seats.get_mut(&s.id)?;
    let audience = Audience {
        kind: AudienceKind::parse(&ws.audience).unwrap_or(AudienceKind::All),
        host_organisation_id: ws.host_organisation_id,
        listed: listed.get(&ws.id).cloned().unwrap_or_default(),
    };
    let mine: Vec<ActiveEnrolment> = active
        .iter()
        .filter(|e| e.event_id == ev.event.id)
        .filter_map(|e| {
            let (start, end) = times.get(&e.session_id)?;
            TimeRange::new(*start, *end).ok().map(|time| ActiveEnrolment { session_id: e.session_id, time })
        })
        .collect();
    let facts = SessionFacts { status, time, seats: seat.clone(), waitlist_len: Ord::max(s.waitlist_count, 0) as u32 };
    let policy = policy_of(&ev.event);
    let decision = match decide(&EnrolRequest {
        now: job.now,
        policy: &policy,
        session: &facts,
        organisation_id: p.organisation_id,
        eligible: audience.admits(p.organisation_id, &ev.organisation_ids),
        active: &mine,
    }) {
        Ok(d) => d,
        Err(refused) => return Some(Err(refused.into())),
    };

    let (status, seq, position) = match decision {
        Decision::Confirm => (EnrolmentStatus::Confirmed, None, None),
        Decision::Waitlist { position } => (EnrolmentStatus::Waitlisted, Some(s.waitlist_next), Some(position)),
    };
    let confirmed = status == EnrolmentStatus::Confirmed;
    let e = new_enrolment(s.id, p, ev.event.id, status, seq, job.now);
    let snapshot = outbox::snapshot_of(s, Some(ws), Some(&ev.event));
    if confirmed {
        seat.take(p.organisation_id);
        s.confirmed_count += 1;
    } else {
        s.waitlist_count += 1;
        s.waitlist_next += 1;
    }
    if !w.touched.contains(&s.id) {
        w.touched.push(s.id);
    }
    let sequence = if confirmed {
        let next = match sequences.get(&(p.id, s.id)) {
            Some(n) => {
                let next = n + 1;
                w.raised_sequences.push(calendar_sequence::Model { person_id: p.id, session_id: s.id, sequence: next });
                next
            }
            None => {
                w.new_sequences.push(calendar_sequence::Model { person_id: p.id, session_id: s.id, sequence: 0 });
                0
            }
        };
        Some(next)
    } else {
        None
    };
    let mail = enrolment_mail(&e, position, &snapshot);
    w.outbox.push(outbox::row(&mail, sequence, job.now));
    if let Some(key) = &job.key {
        let body = serde_json::json!({"enrolment_id": e.id, "status": e.status, "waitlist_position": position});
        w.keys.push(idempotency_key::Model {
            actor_id: job.actor.person_id,
            key: key.clone(),
            request_fingerprint: crate::enrolments::fingerprint(s.id, p.id),
            response_status: 201,
            response_body: body.to_string(),
            created_at: job.now,
        });
    }
    w.enrolments.push(e.clone());
    Some(Ok(EnrolOutcome { enrolment: e, waitlist_position: position, created: true }))
}

#[cfg(test)]
mod tests {
    use super::padded;

    #[test]
    fn padding_repeats_the_last_entry_up_to_the_length_asked() {
        assert_eq!(padded(vec![1, 2, 3], 4), vec![1, 2, 3, 3]);
        assert_eq!(padded(vec![1, 2, 3, 4], 4), vec![1, 2, 3, 4]);
        assert_eq!(padded(vec![7], 8), vec![7; 8]);
        assert_eq!(padded(Vec::<u8>::new(), 8), Vec::<u8>::new());
        // Never shortened.
        assert_eq!(padded(vec![1, 2, 3], 2), vec![1, 2, 3]);
    }
}
