//! Group commit for enrolments. When many people enrol at the same moment, one writer task
//! takes every request that is waiting (up to [`MAX_BATCH`]) and decides them in **one**
//! transaction: it reads the people, sessions, weeks, workshops and everyone's other
//! enrolments with a handful of set queries, applies the same rules ([`decide`]) one request
//! after another against the state as it evolves in memory, writes all enrolments, outbox rows,
//! calendar sequences and idempotency answers with multi-row inserts and one counter update,
//! and commits once. Nobody gets an answer before that commit.
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
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set, Statement,
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
                Some(options) => match sea_orm::Database::connect(options).await {
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
    enrolments: Vec<enrolment::ActiveModel>,
    outbox: Vec<crate::entities::outbox::ActiveModel>,
    new_sequences: Vec<calendar_sequence::ActiveModel>,
    raised_sequences: Vec<(Uuid, Uuid, i32)>,
    keys: Vec<idempotency_key::ActiveModel>,
    touched: Vec<Uuid>,
}

/// `v` lengthened to `to` entries by repeating its last one (an empty `v` stays empty; a shorter
/// `to` changes nothing). A query's text then depends only on `to`, not on how many distinct
/// entries there are: each new text is prepared anew (sqlx keeps the last 100 prepared), and with
/// the batch's lists of every length from 1 to 128 the reads were prepared again in nearly every
/// batch. Repeated entries change no `IN (…)` or `OR` result.
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
    /// Rows no enrolment locks or writes and no change to them waits for a session's lock (see
    /// [`load`]'s `side`). Not quotas: a session's quotas change under its lock, so they are read
    /// after it, on the transaction's connection, or a quota added meanwhile could be missed.
    fn unlocked(self) -> bool {
        matches!(self, Kind::Event | Kind::EventOrganisation | Kind::Workshop | Kind::Audience)
    }
}

/// Run `statements` one after another on `c` (PostgreSQL takes one statement per round trip).
async fn one_by_one(c: &impl ConnectionTrait, statements: Vec<Statement>) -> Result<Vec<sea_orm::QueryResult>> {
    let mut rows = Vec::new();
    for st in statements {
        rows.extend(c.query_all_raw(st).await?);
    }
    Ok(rows)
}

/// The column that tags each row with its [`Kind`] (its index in [`KINDS`]).
const KIND_COLUMN: &str = "lw_kind";

/// Read everything a batch needs. Every statement depends only on the requests (later ones use
/// subqueries instead of earlier results), so SQLite runs them as **one** multi-statement query:
/// each statement sent to SQLite's connection thread is a round trip between two threads, and
/// under a rush those round trips, not SQLite's work, were most of a batch's time. PostgreSQL
/// runs them one by one, locking the people first and then the sessions, each in id order: the
/// single-request path's lock order.
///
/// `side` (PostgreSQL, when the writer has connections to spare): a connection outside the
/// transaction for the rows the transaction does not lock (weeks, their organisations,
/// workshops, their audiences). Under READ COMMITTED every statement reads what was
/// committed when it started, locked or not, so reading them beside the transaction, at the
/// same moment, sees what reading them inside it would have seen a few milliseconds later; an
/// organiser's change that commits in between is one the single-request path could equally
/// have missed, since it does not lock those rows either.
async fn load(
    c: &impl ConnectionTrait,
    side: Option<&sea_orm::DatabaseConnection>,
    pg: bool,
    person_ids: &[Uuid],
    session_ids: &[Uuid],
    keyed: &[(Uuid, &str)],
    asked: &[(Uuid, Uuid)],
) -> Result<Loaded> {
    use sea_orm::sea_query::{Alias, Query, SelectStatement};
    let sessions_of = || session::Entity::find().filter(session::Column::Id.is_in(session_ids.iter().copied()));
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
    let mut people = person::Entity::find()
        .filter(person::Column::Id.is_in(person_ids.iter().copied()))
        .order_by_asc(person::Column::Id)
        .into_query();
    let mut sessions = sessions_of().order_by_asc(session::Column::Id).into_query();
    if pg {
        people.lock(LockType::NoKeyUpdate);
        sessions.lock(LockType::NoKeyUpdate);
    }
    use calendar_sequence::Column as Seq;
    use idempotency_key::Column as Key;
    let replayed = pairs(keyed.iter().map(|(a, k)| Key::ActorId.eq(*a).and(Key::Key.eq(*k))));
    let sequenced = pairs(asked.iter().map(|(p, s)| Seq::PersonId.eq(*p).and(Seq::SessionId.eq(*s))));
    let statements: [Option<SelectStatement>; 11] = [
        Some(people),
        (!keyed.is_empty()).then(|| idempotency_key::Entity::find().filter(replayed).into_query()),
        Some(sessions),
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
    let mut beside = Vec::new();
    for ((i, q), kind) in statements.into_iter().enumerate().zip(KINDS) {
        if let Some(mut q) = q {
            // A literal, not a parameter: PostgreSQL would type a parameter here as text.
            q.expr_as(Expr::cust(i.to_string()), Alias::new(KIND_COLUMN));
            let st = backend.build(&q);
            if side.is_some() && kind.unlocked() { beside.push(st) } else { built.push(st) }
        }
    }
    let rows = match side {
        // PostgreSQL: each statement is a round trip, and on two busy cores a round trip took
        // about a millisecond (most of a batch's time). The rows nobody locks are read on a
        // second connection meanwhile.
        Some(side) => {
            let (rows, more) = tokio::join!(one_by_one(c, built), one_by_one(side, beside));
            let mut rows = rows?;
            rows.extend(more?);
            rows
        }
        None if pg => one_by_one(c, built).await?,
        None => c.query_all_raw(joined(backend, built)).await?,
    };

    let mut l = Loaded::default();
    let mut event_rows = Vec::new();
    let mut links = Vec::new();
    let mut audiences = Vec::new();
    let mut elsewhere = Vec::new();
    for row in rows {
        let i: i32 = row.try_get("", KIND_COLUMN)?;
        match KINDS.get(i as usize) {
            Some(Kind::Person) => {
                let p = person::Model::from_query_result(&row, "")?;
                l.people.insert(p.id, p);
            }
            Some(Kind::Key) => {
                let k = idempotency_key::Model::from_query_result(&row, "")?;
                l.replayed.insert((k.actor_id, k.key));
            }
            Some(Kind::Session) => {
                let s = session::Model::from_query_result(&row, "")?;
                l.sessions.insert(s.id, s);
            }
            Some(Kind::Event) => event_rows.push(event::Model::from_query_result(&row, "")?),
            Some(Kind::EventOrganisation) => links.push(event_organisation::Model::from_query_result(&row, "")?),
            Some(Kind::Workshop) => {
                let w = workshop::Model::from_query_result(&row, "")?;
                l.workshops.insert(w.id, w);
            }
            Some(Kind::Audience) => audiences.push(workshop_audience::Model::from_query_result(&row, "")?),
            Some(Kind::Enrolment) => l.mine.push(enrolment::Model::from_query_result(&row, "")?),
            Some(Kind::Elsewhere) => elsewhere.push(session::Model::from_query_result(&row, "")?),
            Some(Kind::Quota) => {
                l.with_quota.insert(session_quota::Model::from_query_result(&row, "")?.session_id);
            }
            Some(Kind::Sequence) => {
                let r = calendar_sequence::Model::from_query_result(&row, "")?;
                l.sequences.insert((r.person_id, r.session_id), r.sequence);
            }
            None => {}
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
    // CPU 0.66 → 0.56 ms a decision. Not on PostgreSQL: there a text prepared again and again
    // gets a generic plan after five runs, and the same comparison went 1,501 and 1,403 → 901 and
    // 1,178 decisions/s.
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

    let backend = c.get_database_backend();
    let mut writes: Vec<Statement> = Vec::new();
    // On PostgreSQL, multi-row inserts go in pieces of at most ~6 KB of parameters. Measured
    // over TCP: an insert of 28-33 outbox rows (~24 KB) took 42-45 ms every time, one of 3-8
    // rows 0.3-0.5 ms, and PostgreSQL itself logged no statement over 20 ms. That is the
    // delayed-ACK stall of a message written in parts without TCP_NODELAY (sqlx writes through
    // an 8 KiB buffer and sets no TCP_NODELAY). Small pieces raised the rush on PostgreSQL
    // from about 680 to about 1,600 decisions per second. SQLite has no socket: one piece.
    let limit = if pg { PIECE_BYTES } else { usize::MAX };
    for part in pieces(w.enrolments, |_| 300, limit) {
        writes.push(enrolment::Entity::insert_many(part).build(backend));
    }
    if !w.touched.is_empty() {
        // One statement sets every touched session's counters to the values decided above
        // (the rows are locked, so nothing else moved them).
        let case = |f: fn(&session::Model) -> sea_orm::Value, col: session::Column| {
            let mut cs = CaseStatement::new();
            for id in &w.touched {
                if let Some(s) = sessions.get(id) {
                    cs = cs.case(session::Column::Id.eq(*id), Expr::val(f(s)));
                }
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
                .filter(session::Column::Id.is_in(w.touched.clone()))
                .build(backend),
        );
    }
    let payload_size = |row: &crate::entities::outbox::ActiveModel| match &row.payload {
        sea_orm::ActiveValue::Set(p) | sea_orm::ActiveValue::Unchanged(p) => p.len() + 200,
        sea_orm::ActiveValue::NotSet => 200,
    };
    for part in pieces(w.outbox, payload_size, limit) {
        writes.push(crate::entities::outbox::Entity::insert_many(part).build(backend));
    }
    if !w.new_sequences.is_empty() {
        writes.push(calendar_sequence::Entity::insert_many(w.new_sequences).build(backend));
    }
    for (person_id, session_id, sequence) in w.raised_sequences {
        writes.push(
            calendar_sequence::Entity::update_many()
                .col_expr(calendar_sequence::Column::Sequence, Expr::val(sequence))
                .filter(calendar_sequence::Column::PersonId.eq(person_id))
                .filter(calendar_sequence::Column::SessionId.eq(session_id))
                .build(backend),
        );
    }
    for part in pieces(w.keys, |_| 300, limit) {
        writes.push(idempotency_key::Entity::insert_many(part).build(backend));
    }
    clock.lap("decide");
    // As with the reads: SQLite takes every write in one round trip.
    if pg {
        for st in writes {
            c.execute_raw(st).await?;
        }
    } else if !writes.is_empty() {
        c.execute_raw(joined(backend, writes)).await?;
    }
    clock.lap("write");
    txn.commit().await?;
    clock.lap("commit");
    clock.report(jobs.len());
    Ok(answers)
}

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

/// Split rows into consecutive pieces of at most `limit` bytes by the estimate `size`.
fn pieces<T>(rows: Vec<T>, size: impl Fn(&T) -> usize, limit: usize) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut bytes = 0;
    for row in rows {
        let n = size(&row);
        match out.last_mut() {
            Some(last) if bytes + n <= limit => last.push(row),
            _ => {
                out.push(vec![row]);
                bytes = 0;
            }
        }
        bytes += n;
    }
    out
}

/// Most parameter bytes in one multi-row insert on PostgreSQL.
const PIECE_BYTES: usize = 6 * 1024;

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
                w.raised_sequences.push((p.id, s.id, next));
                next
            }
            None => {
                w.new_sequences.push(calendar_sequence::ActiveModel {
                    person_id: Set(p.id),
                    session_id: Set(s.id),
                    sequence: Set(0),
                });
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
        w.keys.push(idempotency_key::ActiveModel {
            actor_id: Set(job.actor.person_id),
            key: Set(key.clone()),
            request_fingerprint: Set(crate::enrolments::fingerprint(s.id, p.id)),
            response_status: Set(201),
            response_body: Set(body.to_string()),
            created_at: Set(job.now),
        });
    }
    w.enrolments.push(e.clone().into_active_model());
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
