//! Deciding a batch: one transaction, the rules applied to each request in turn against the
//! state as it evolves in memory, all writes at once, one commit.

use super::{Answer, Job, Loaded, Writes, load, padded, postgres, sorted, sqlite};
use crate::enrolments::{EnrolOutcome, enrolment_mail, fingerprint, new_enrolment};
use crate::entities::{calendar_sequence, enrolment, idempotency_key, person, session, workshop};
use crate::lookup::{EventRow, quota_use, seats_of};
use crate::{Result, Store, mapping, outbox};
use chrono::{DateTime, Utc};
use leerweek_domain::enrolment::{
    ActiveEnrolment, Audience, Decision, EnrolRequest, SessionFacts, decide, promotion_open,
};
use leerweek_domain::session::{Seats, TimeRange};
use leerweek_domain::{EnrolmentStatus, SessionStatus};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Decide a batch in one transaction and commit it; each request's answer, or
/// [`Answer::Direct`] for those the single-request path must take.
pub(super) async fn decide_all(store: &Store, jobs: &[Job]) -> Result<Vec<Answer>> {
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
        postgres::writes(c, w, &sessions).await?;
    } else {
        sqlite::writes(c, w, &sessions).await?;
    }
    clock.lap("write");
    txn.commit().await?;
    clock.lap("commit");
    clock.report(jobs.len());
    Ok(answers)
}

/// The new counters of the sessions a batch touched (the rows are locked, so nothing else moved
/// them).
pub(super) fn counters<'a>(
    w: &'a Writes,
    sessions: &'a HashMap<Uuid, session::Model>,
) -> impl Iterator<Item = &'a session::Model> {
    w.touched.iter().filter_map(|id| sessions.get(id))
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

/// Decide one request against the batch's state and queue its writes; `None`: not for a batch.
#[allow(clippy::too_many_arguments)]
fn one(
    job: &Job,
    people: &HashMap<Uuid, person::Model>,
    replayed: &HashSet<(Uuid, String)>,
    sessions: &mut HashMap<Uuid, session::Model>,
    events: &HashMap<Uuid, EventRow>,
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
    let row_status = mapping::session_status(&s.status);
    let status = if mapping::session_status(&ws.status) == SessionStatus::Cancelled {
        SessionStatus::Cancelled
    } else {
        row_status
    };
    let time = TimeRange::new(s.starts_at, s.ends_at).ok()?;
    // The single-request path first moves the waiting list up into free seats; leave that to it.
    let queue_may_move =
        s.waitlist_count > 0 && s.confirmed_count < s.capacity && promotion_open(row_status, s.starts_at, job.now);
    // A seat that waits for a manager's approval writes mails to others too: the single-request
    // path takes it.
    if !ev.visible_to(&job.actor)
        || active.iter().any(|e| e.session_id == s.id)
        || queue_may_move
        || crate::enrolments::approval::needed(&ev.event, ws)
    {
        return None;
    }
    let seat = seats.get_mut(&s.id)?;
    let audience = Audience {
        kind: mapping::audience(&ws.audience),
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
    let policy = ev.policy();
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
            request_fingerprint: fingerprint(s.id, p.id),
            response_status: 201,
            response_body: body.to_string(),
            created_at: job.now,
        });
    }
    let enrolment = mapping::enrolment(&e);
    w.enrolments.push(e);
    Some(Ok(EnrolOutcome { enrolment, waitlist_position: position, created: true }))
}
