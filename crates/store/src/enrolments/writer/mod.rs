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
//! Anything out of the ordinary goes to the single-request path ([`super::enrol_one`]) instead: enrolling someone else, a replayed idempotency key, an existing
//! enrolment, a session whose waiting list could move up first, anything not found or not
//! visible. When the database is unreachable, the batch and everyone queued behind it get the
//! 503 at once (a retry finds an enrolment that did commit after all, so nobody is enrolled
//! twice). When a batch fails otherwise (a deadlock, a constraint), every request in it is
//! retried on its own on the single-request path, which reports its own error.

//!
//! The reads and writes differ by backend: [`sqlite`] sends each as one multi-statement query
//! (one round trip to SQLite's connection thread), [`postgres`] as statements of fixed texts
//! with their lists as one parameter (prepared once per connection). [`decide`] applies the
//! rules to each request in turn.

mod decide;
mod postgres;
mod sqlite;

use crate::entities::{
    calendar_sequence, enrolment, event, event_organisation, idempotency_key, person, session, session_quota, workshop,
    workshop_audience,
};
use crate::lookup::EventRow;
use crate::mapping;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use leerweek_domain::AudienceKind;
use leerweek_domain::access::Actor;
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::db::padded;

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
    Done(Box<Result<super::EnrolOutcome>>),
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
    done: crate::background::Finished,
) -> mpsc::UnboundedSender<Job> {
    let (tx, rx) = mpsc::unbounded_channel();
    let run = move || {
        let _done = done;
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

/// The writer's own pool, every connection opened (see `crate::db::warm_up`).
async fn connect_warm(options: sea_orm::ConnectOptions) -> Result<sea_orm::DatabaseConnection> {
    let n = options.get_max_connections().unwrap_or(1);
    let conn = sea_orm::Database::connect(options).await?;
    crate::db::warm_up(&conn, n).await?;
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
    match decide::decide_all(store, &jobs).await {
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
    events: HashMap<Uuid, EventRow>,
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
        postgres::reads(c, side, person_ids, session_ids, keyed, asked).await?
    } else {
        sqlite::reads(c, person_ids, session_ids, keyed, asked).await?
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
    l.events =
        event_rows.into_iter().map(|e| (e.id, EventRow { event: e, organisation_ids: vec![], lead: None })).collect();
    for link in links {
        if let Some(e) = l.events.get_mut(&link.event_id) {
            e.organisation_ids.push(link.organisation_id);
            if link.is_lead {
                e.lead = Some(link.organisation_id);
            }
        }
    }
    for a in audiences {
        if l.workshops.get(&a.workshop_id).is_some_and(|w| mapping::audience(&w.audience) == AudienceKind::Listed) {
            l.listed.entry(a.workshop_id).or_default().push(a.organisation_id);
        }
    }
    for s in elsewhere.iter().chain(l.sessions.values()) {
        l.times.insert(s.id, (s.starts_at, s.ends_at));
    }
    Ok(l)
}

type Rows = Vec<(Kind, sea_orm::QueryResult)>;

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
