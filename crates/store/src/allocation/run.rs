//! Running a week's allocation: read everything at once, let the pure lottery decide
//! (`domain::allocation`), and write every seat and waiting place (with what the run gave it),
//! the seat counters, calendar sequences and one mail per person (`mails`) in one transaction. A
//! dry run writes only its report.

use super::input::{self, Loaded};
use super::report::{Summary, summarise};
use super::{mails, rows};
use crate::enrolments::new_enrolment;
use crate::entities::{allocation_run, calendar_sequence, enrolment, event, session};
use crate::lookup::{EventRow, load_event};
use crate::{Conflict, Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::allocation::{Input, Outcome, Placed, allocate};
use leerweek_domain::{Allocation, EnrolmentStatus, EventStatus};
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// What an organiser asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunRequest {
    /// Only compute and report; write no places and send no mail.
    pub dry_run: bool,
    /// The lottery's seed (default: a random one).
    pub seed: Option<u64>,
}

/// A run of a week's allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Id.
    pub id: Uuid,
    /// The week.
    pub event_id: Uuid,
    /// The lottery's seed: the same seed on the same input gives the same result.
    pub seed: u64,
    /// Whether it only computed.
    pub dry_run: bool,
    /// When it ran.
    pub ran_at: DateTime<Utc>,
    /// Who ran it.
    pub ran_by: Option<Uuid>,
    /// What it gave.
    pub summary: Summary,
}

fn view(r: &allocation_run::Model) -> Run {
    Run {
        id: r.id,
        event_id: r.event_id,
        seed: r.seed as u64,
        dry_run: r.dry_run,
        ran_at: r.ran_at,
        ran_by: r.ran_by,
        summary: serde_json::from_str(&r.summary).unwrap_or_default(),
    }
}

/// A lottery week the actor leads (its lead organisation's organisers, admins).
fn led_lottery(actor: &Actor, e: Option<EventRow>) -> Result<EventRow> {
    let e = e.filter(|e| e.visible_to(actor)).ok_or(StoreError::NotFound("event"))?;
    if !actor.may_lead_event(e.lead_or_nil()) {
        return Err(StoreError::Forbidden);
    }
    if mapping::allocation(&e.event.allocation) != Allocation::Lottery {
        return Err(Conflict::NotALottery.into());
    }
    Ok(e)
}

/// The week's last run (the real one once it ran, else the latest dry run).
pub async fn last_run(store: &Store, actor: &Actor, event_id: Uuid) -> Result<Option<Run>> {
    led_lottery(actor, load_event(store.conn(), event_id).await?)?;
    let rows = allocation_run::Entity::find()
        .filter(allocation_run::Column::EventId.eq(event_id))
        .order_by_asc(allocation_run::Column::DryRun)
        .order_by_desc(allocation_run::Column::RanAt)
        .limit(1)
        .all(store.conn())
        .await?;
    Ok(rows.first().map(view))
}

/// Decide from what was read: the outcome, its figures, and the run's row.
fn decide(
    loaded: &Loaded,
    (actor, event_id, dry_run): (&Actor, Uuid, bool),
    seed: u64,
    now: DateTime<Utc>,
) -> Result<(Outcome, Summary, allocation_run::Model)> {
    let (offers, applicants) = (loaded.snapshot.offers(), loaded.snapshot.applicants());
    let outcome =
        allocate(&Input { offers: &offers, applicants: &applicants, limit: loaded.snapshot.limit, seed, now });
    let summary = summarise(&loaded.snapshot, &outcome);
    let row = allocation_run::Model {
        id: Uuid::now_v7(),
        event_id,
        seed: seed as i64,
        dry_run,
        ran_at: now,
        ran_by: Some(actor.person_id),
        input: (!dry_run).then(|| serde_json::to_string(&loaded.snapshot)).transpose().map_err(json)?,
        summary: serde_json::to_string(&summary).map_err(json)?,
    };
    Ok((outcome, summary, row))
}

/// The run's audit row.
async fn audited(c: &impl ConnectionTrait, actor: &Actor, row: &allocation_run::Model, s: &Summary) -> Result<()> {
    let after = serde_json::json!({
        "run_id": row.id, "seed": (row.seed as u64).to_string(), "dry_run": row.dry_run,
        "asked": s.asked, "seats_given": s.seats_given, "waiting_given": s.waiting_given,
    });
    let action = if row.dry_run { "event.allocation_dry_run" } else { "event.allocate" };
    audit::record(c, Some(actor.person_id), action, ("event", row.event_id), None::<&()>, Some(&after), row.ran_at)
        .await
}

/// Run the allocation of a lottery week (see the module). A real run only once the window has
/// closed, once per week, on a published week; a dry run at any time before the real one.
pub async fn run(store: &Store, actor: &Actor, event_id: Uuid, req: RunRequest, now: DateTime<Utc>) -> Result<Run> {
    let seed = req.seed.unwrap_or_else(rand::random);
    if req.dry_run {
        return dry(store, actor, event_id, seed, now).await;
    }
    let started = std::time::Instant::now();
    let txn = store.write().await?;
    // Two runs of one week go one after the other (PostgreSQL; SQLite's write gate does it).
    let q = event::Entity::find_by_id(event_id);
    let q = if store.is_postgres() { q.lock(LockType::Update) } else { q };
    q.one(&*txn).await?;
    let e = led_lottery(actor, load_event(&*txn, event_id).await?)?;
    if e.event.allocated_at.is_some() {
        return Err(Conflict::AllocationDone.into());
    }
    if e.status() != EventStatus::Published {
        return Err(leerweek_domain::enrolment::EnrolError::EventNotPublished.into());
    }
    if now < e.event.enrolment_closes_at {
        return Err(Conflict::PreferencesStillOpen { closes_at: e.event.enrolment_closes_at }.into());
    }
    let loaded = Arc::new(input::load(&*txn, store, &e, now, true).await?);
    let read = started.elapsed();
    let (outcome, summary, row) = decide(&loaded, (actor, event_id, false), seed, now)?;
    let decided = started.elapsed();
    row.clone().into_active_model().insert(&*txn).await?;
    let kept = started.elapsed();
    // SQLite: a run writes tens of megabytes of pages in one transaction. With the connection's
    // usual page cache (2 MiB) SQLite spilled them to the WAL half-way and read them back (a
    // sixth of the run in pread/pwrite); for the run the cache holds them all.
    let cache = if store.is_postgres() { None } else { Some(bulk_cache(&*txn).await?) };
    let wrote = write(&*txn, &e, loaded, &outcome, now).await;
    if let Some(usual) = cache {
        txn.execute_unprepared(&format!("PRAGMA cache_size = {usual}")).await?;
    }
    wrote?;
    let mut am: event::ActiveModel = e.event.clone().into();
    am.allocated_at = Set(Some(now));
    am.updated_at = Set(now);
    am.update(&*txn).await?;
    audited(&*txn, actor, &row, &summary).await?;
    let written = started.elapsed();
    txn.commit().await?;
    tracing::info!(
        event = %event_id, asked = summary.asked, seats = summary.seats_given,
        waiting = summary.waiting_given, read_ms = read.as_millis() as u64,
        decide_ms = (decided - read).as_millis() as u64, keep_ms = (kept - decided).as_millis() as u64,
        write_ms = (written - kept).as_millis() as u64, commit_ms = (started.elapsed() - written).as_millis() as u64,
        "allocation ran"
    );
    Ok(view(&row))
}

/// A dry run: read and decide without holding the writer, then keep only its report (the latest
/// dry run of the week replaces the one before).
async fn dry(store: &Store, actor: &Actor, event_id: Uuid, seed: u64, now: DateTime<Utc>) -> Result<Run> {
    let e = led_lottery(actor, load_event(store.conn(), event_id).await?)?;
    if e.event.allocated_at.is_some() {
        return Err(Conflict::AllocationDone.into());
    }
    let loaded = input::load(store.conn(), store, &e, now, false).await?;
    let (_, summary, row) = decide(&loaded, (actor, event_id, true), seed, now)?;
    let txn = store.write().await?;
    let again = load_event(&*txn, event_id).await?.ok_or(StoreError::NotFound("event"))?;
    if again.event.allocated_at.is_some() {
        return Err(Conflict::AllocationDone.into());
    }
    allocation_run::Entity::delete_many()
        .filter(allocation_run::Column::EventId.eq(event_id))
        .filter(allocation_run::Column::DryRun.eq(true))
        .exec(&*txn)
        .await?;
    row.clone().into_active_model().insert(&*txn).await?;
    audited(&*txn, actor, &row, &summary).await?;
    txn.commit().await?;
    Ok(view(&row))
}

/// Raise the SQLite connection's page cache to 256 MiB for a bulk write; returns its usual size
/// (to set again before the connection goes back to the pool).
async fn bulk_cache(c: &impl ConnectionTrait) -> Result<i64> {
    let usual = c
        .query_one_raw(sea_orm::Statement::from_string(c.get_database_backend(), "PRAGMA cache_size"))
        .await?
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .unwrap_or(-2000);
    c.execute_unprepared("PRAGMA cache_size = -262144").await?;
    Ok(usual)
}

fn json(e: serde_json::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("allocation: {e}")))
}

/// Write what a real run gave. The mails are composed on a thread of their own while the
/// database writes the places (on two cores, the run's wall time is the database's).
async fn write(
    c: &impl ConnectionTrait,
    e: &EventRow,
    loaded: Arc<Loaded>,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    let t = std::time::Instant::now();
    let mut sessions: HashMap<Uuid, session::Model> = loaded.sessions.clone();
    let mut enrolments: Vec<enrolment::Model> = Vec::with_capacity(outcome.placements.len());
    let mut given: HashMap<(Uuid, Uuid), usize> = HashMap::new();
    for p in &outcome.placements {
        let (Some(s), Some(person)) = (sessions.get_mut(&p.session), loaded.people.get(&p.person)) else { continue };
        let (status, seq, position) = match p.placed {
            Placed::Seat => {
                s.confirmed_count += 1;
                (EnrolmentStatus::Confirmed, None, None)
            }
            Placed::Waiting { position } => {
                let seq = s.waitlist_next;
                s.waitlist_next += 1;
                s.waitlist_count += 1;
                (EnrolmentStatus::Waitlisted, Some(seq), Some(position as i32))
            }
        };
        // What the run gave stays on the enrolment (`allocation verify` reads it back).
        let mut en = new_enrolment(s.id, person, e.event.id, status, seq, now);
        en.allocation_rank = Some(p.rank as i32 + 1);
        en.allocation_round = Some(p.round as i32);
        en.allocation_position = position;
        en.allocation_placed = Some(if position.is_some() { "waiting" } else { "seat" }.to_owned());
        given.insert((p.person, p.session), enrolments.len());
        enrolments.push(en);
    }
    let changed: Vec<session::Model> =
        sessions.values().filter(|s| loaded.sessions.get(&s.id).is_some_and(|before| before != *s)).cloned().collect();
    let mut invites = Invites::of(c, e.event.id, &enrolments).await?;
    let built = t.elapsed();
    // In the order of the sessions: most of the table's indexes begin with the session (or the
    // week and then the session), so their pages fill one after the other.
    let mut by_session = enrolments.clone();
    by_session.sort_by_key(|e| (e.session_id, e.waitlist_seq));
    let composing = {
        let (e, sequences) = (e.clone(), std::mem::take(&mut invites.sequences));
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let mails = mails::compose(&e, &loaded, &sessions, &enrolments, &given, &sequences, now);
            (mails, started.elapsed())
        })
    };
    rows::enrolments(c, &by_session).await?;
    let enrolled = t.elapsed();
    rows::counters(c, &changed).await?;
    let counted = t.elapsed();
    invites.write(c).await?;
    let sequenced = t.elapsed();
    let (mails, composed) =
        composing.await.map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("allocation mails: {e}"))))?;
    let waited = t.elapsed();
    rows::mails(c, &mails).await?;
    tracing::info!(
        build_ms = built.as_millis() as u64,
        enrolments_ms = (enrolled - built).as_millis() as u64,
        counters_ms = (counted - enrolled).as_millis() as u64,
        sequences_ms = (sequenced - counted).as_millis() as u64,
        compose_ms = composed.as_millis() as u64,
        compose_wait_ms = (waited - sequenced).as_millis() as u64,
        mails_ms = (t.elapsed() - waited).as_millis() as u64,
        "allocation written"
    );
    Ok(())
}

/// The calendar SEQUENCE of each new seat's invite: 0 for a first invite, one more than the
/// last for someone who was invited to that session before.
struct Invites {
    /// Each new seat's SEQUENCE (taken by the mails); the rows to write follow.
    sequences: HashMap<(Uuid, Uuid), i32>,
    fresh: Vec<calendar_sequence::Model>,
    raised: Vec<calendar_sequence::Model>,
}

impl Invites {
    /// Read the week's sequences and decide each new seat's.
    async fn of(c: &impl ConnectionTrait, event_id: Uuid, enrolments: &[enrolment::Model]) -> Result<Self> {
        let known: HashMap<(Uuid, Uuid), i32> = calendar_sequence::Entity::find()
            .filter(calendar_sequence::Column::SessionId.in_subquery(input::sessions_of(event_id)))
            .all(c)
            .await?
            .into_iter()
            .map(|r| ((r.person_id, r.session_id), r.sequence))
            .collect();
        let mut out = Invites { sequences: HashMap::new(), fresh: Vec::new(), raised: Vec::new() };
        for en in enrolments.iter().filter(|en| en.status == EnrolmentStatus::Confirmed.as_str()) {
            let (person_id, session_id) = (en.person_id, en.session_id);
            let sequence = known.get(&(person_id, session_id)).map_or(0, |n| n + 1);
            let row = calendar_sequence::Model { person_id, session_id, sequence };
            if sequence == 0 {
                out.fresh.push(row)
            } else {
                out.raised.push(row)
            }
            out.sequences.insert((person_id, session_id), sequence);
        }
        Ok(out)
    }

    async fn write(&self, c: &impl ConnectionTrait) -> Result<()> {
        for r in &self.raised {
            calendar_sequence::Entity::update_many()
                .col_expr(calendar_sequence::Column::Sequence, Expr::val(r.sequence))
                .filter(calendar_sequence::Column::PersonId.eq(r.person_id))
                .filter(calendar_sequence::Column::SessionId.eq(r.session_id))
                .exec(c)
                .await?;
        }
        rows::sequences(c, &self.fresh).await
    }
}
