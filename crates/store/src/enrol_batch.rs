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
use sea_orm::sea_query::{CaseStatement, Expr, LockType};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// Start the writer task for `store` (which must not itself hold a queue) and return its queue.
pub(crate) fn spawn(store: Store, stats: Arc<BatchStats>) -> mpsc::UnboundedSender<Job> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(writer(store, rx, stats));
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
    raised_sequences: Vec<calendar_sequence::ActiveModel>,
    keys: Vec<idempotency_key::ActiveModel>,
    touched: Vec<Uuid>,
}

fn sorted(ids: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    let mut v: Vec<Uuid> = ids.into_iter().collect::<HashSet<_>>().into_iter().collect();
    v.sort();
    v
}

async fn decide_all(store: &Store, jobs: &[Job]) -> Result<Vec<Answer>> {
    let txn = store.write().await?;
    let c = &*txn;
    let pg = store.is_postgres();

    // People first, then sessions, each in id order: the single-request path's lock order.
    let person_ids = sorted(jobs.iter().map(|j| j.actor.person_id));
    let q =
        person::Entity::find().filter(person::Column::Id.is_in(person_ids.clone())).order_by_asc(person::Column::Id);
    let q = if pg { q.lock(LockType::NoKeyUpdate) } else { q };
    let people: HashMap<Uuid, person::Model> = q.all(c).await?.into_iter().map(|p| (p.id, p)).collect();

    let keyed: Vec<(Uuid, &str)> = jobs.iter().filter_map(|j| Some((j.actor.person_id, j.key.as_deref()?))).collect();
    let replayed: HashSet<(Uuid, String)> = if keyed.is_empty() {
        HashSet::new()
    } else {
        idempotency_key::Entity::find()
            .filter(idempotency_key::Column::ActorId.is_in(keyed.iter().map(|(a, _)| *a)))
            .filter(idempotency_key::Column::Key.is_in(keyed.iter().map(|(_, k)| k.to_string())))
            .all(c)
            .await?
            .into_iter()
            .map(|k| (k.actor_id, k.key))
            .collect()
    };

    let session_ids = sorted(jobs.iter().map(|j| j.session_id));
    let q = session::Entity::find()
        .filter(session::Column::Id.is_in(session_ids.clone()))
        .order_by_asc(session::Column::Id);
    let q = if pg { q.lock(LockType::NoKeyUpdate) } else { q };
    let mut sessions: HashMap<Uuid, session::Model> = q.all(c).await?.into_iter().map(|s| (s.id, s)).collect();

    let event_ids = sorted(sessions.values().map(|s| s.event_id));
    let mut events: HashMap<Uuid, EventView> = event::Entity::find()
        .filter(event::Column::Id.is_in(event_ids.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(|e| (e.id, EventView { event: e, organisation_ids: vec![] }))
        .collect();
    for row in event_organisation::Entity::find()
        .filter(event_organisation::Column::EventId.is_in(event_ids.clone()))
        .all(c)
        .await?
    {
        if let Some(e) = events.get_mut(&row.event_id) {
            e.organisation_ids.push(row.organisation_id);
        }
    }

    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(sorted(sessions.values().map(|s| s.workshop_id))))
        .all(c)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let listed_ids: Vec<Uuid> =
        workshops.values().filter(|w| w.audience == AudienceKind::Listed.as_str()).map(|w| w.id).collect();
    let mut listed: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if !listed_ids.is_empty() {
        for a in workshop_audience::Entity::find()
            .filter(workshop_audience::Column::WorkshopId.is_in(listed_ids))
            .all(c)
            .await?
        {
            listed.entry(a.workshop_id).or_default().push(a.organisation_id);
        }
    }

    // Everyone's active enrolments in these weeks, with the times of their sessions.
    let mine = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.is_in(person_ids.clone()))
        .filter(enrolment::Column::EventId.is_in(event_ids))
        .filter(enrolment::Column::Status.ne("cancelled"))
        .all(c)
        .await?;
    let elsewhere = sorted(mine.iter().map(|e| e.session_id).filter(|id| !sessions.contains_key(id)));
    let mut times: HashMap<Uuid, (DateTime<Utc>, DateTime<Utc>)> = HashMap::new();
    if !elsewhere.is_empty() {
        for s in session::Entity::find().filter(session::Column::Id.is_in(elsewhere)).all(c).await? {
            times.insert(s.id, (s.starts_at, s.ends_at));
        }
    }
    let mut active_of: HashMap<Uuid, Vec<&enrolment::Model>> = HashMap::new();
    for e in &mine {
        active_of.entry(e.person_id).or_default().push(e);
    }

    // Seats with their quotas (few sessions have quotas; those are counted one by one).
    let with_quota: HashSet<Uuid> = session_quota::Entity::find()
        .select_only()
        .column(session_quota::Column::SessionId)
        .filter(session_quota::Column::SessionId.is_in(session_ids.clone()))
        .into_tuple::<Uuid>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let mut seats: HashMap<Uuid, Seats> = HashMap::new();
    for s in sessions.values() {
        let quotas = if with_quota.contains(&s.id) { quota_use(c, s.id).await? } else { vec![] };
        seats.insert(s.id, seats_of(s, quotas));
    }

    let sequences: HashMap<(Uuid, Uuid), i32> = calendar_sequence::Entity::find()
        .filter(calendar_sequence::Column::PersonId.is_in(person_ids))
        .filter(calendar_sequence::Column::SessionId.is_in(session_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|r| ((r.person_id, r.session_id), r.sequence))
        .collect();

    for s in sessions.values() {
        times.insert(s.id, (s.starts_at, s.ends_at));
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

    // Multi-row inserts go in pieces of at most ~6 KB of parameters. Measured on PostgreSQL
    // over TCP: an insert of 28-33 outbox rows (~24 KB) took 42-45 ms every time, one of 3-8
    // rows 0.3-0.5 ms, and PostgreSQL itself logged no statement over 20 ms. That is the
    // delayed-ACK stall of a message written in parts without TCP_NODELAY (sqlx writes through
    // an 8 KiB buffer and sets no TCP_NODELAY). Small pieces raised the rush on PostgreSQL
    // from about 680 to about 1,600 decisions per second.
    for part in pieces(w.enrolments, |_| 300) {
        enrolment::Entity::insert_many(part).exec_without_returning(c).await?;
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
        session::Entity::update_many()
            .col_expr(
                session::Column::ConfirmedCount,
                case(|s| s.confirmed_count.into(), session::Column::ConfirmedCount),
            )
            .col_expr(session::Column::WaitlistCount, case(|s| s.waitlist_count.into(), session::Column::WaitlistCount))
            .col_expr(session::Column::WaitlistNext, case(|s| s.waitlist_next.into(), session::Column::WaitlistNext))
            .filter(session::Column::Id.is_in(w.touched.clone()))
            .exec(c)
            .await?;
    }
    for part in pieces(w.outbox, |row| match &row.payload {
        sea_orm::ActiveValue::Set(p) | sea_orm::ActiveValue::Unchanged(p) => p.len() + 200,
        sea_orm::ActiveValue::NotSet => 200,
    }) {
        crate::entities::outbox::Entity::insert_many(part).exec_without_returning(c).await?;
    }
    if !w.new_sequences.is_empty() {
        calendar_sequence::Entity::insert_many(w.new_sequences).exec_without_returning(c).await?;
    }
    for raised in w.raised_sequences {
        raised.update(c).await?;
    }
    for part in pieces(w.keys, |_| 300) {
        idempotency_key::Entity::insert_many(part).exec_without_returning(c).await?;
    }
    txn.commit().await?;
    Ok(answers)
}

/// Split rows into consecutive pieces of at most [`PIECE_BYTES`] by the estimate `size`.
fn pieces<T>(rows: Vec<T>, size: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut bytes = 0;
    for row in rows {
        let n = size(&row);
        match out.last_mut() {
            Some(last) if bytes + n <= PIECE_BYTES => last.push(row),
            _ => {
                out.push(vec![row]);
                bytes = 0;
            }
        }
        bytes += n;
    }
    out
}

/// Most parameter bytes in one multi-row insert.
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
                w.raised_sequences.push(calendar_sequence::ActiveModel {
                    person_id: Set(p.id),
                    session_id: Set(s.id),
                    sequence: Set(next),
                });
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
