//! Attendance: check-in with a personal code, marks by the host's organisers and the session's
//! trainer (every change audited with before and after), "all present", closing the list, and
//! no-shows once a session is over (by the minute job, or when the list is closed).

use crate::entities::{enrolment, event, person, session, workshop};
use crate::lookup::load_event;
use crate::{Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::{
    Attendance, AttendanceError, CheckInCode, CodeOwner, NoShowPolicy, check_code, may_record, no_shows_due,
};
use leerweek_domain::enrolment::Enrolment;
use leerweek_domain::people::Person;
use leerweek_domain::{ApprovalState, EnrolmentStatus, SessionStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

/// The session, if the actor may record its attendance: an organiser of the workshop's host
/// organisation, an admin, or the session's trainer. Others get "not found" when they cannot
/// see the session at all, else "forbidden".
async fn recordable(c: &impl ConnectionTrait, actor: &Actor, session_id: Uuid) -> Result<session::Model> {
    let s = session::Entity::find_by_id(session_id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    if s.trainer_id == Some(actor.person_id) {
        return Ok(s);
    }
    let e = load_event(c, s.event_id).await?.ok_or(StoreError::NotFound("session"))?;
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("session"));
    }
    let w = workshop::Entity::find_by_id(s.workshop_id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    if !actor.may_run_session(w.host_organisation_id, s.trainer_id) {
        return Err(StoreError::Forbidden);
    }
    Ok(s)
}

fn open(s: &session::Model, now: DateTime<Utc>) -> Result<()> {
    may_record(s.starts_at, mapping::session_status(&s.status) == SessionStatus::Cancelled, now)
        .map_err(StoreError::Attendance)
}

/// Whether an enrolment holds its seat for good: confirmed, and not still waiting for the
/// manager's yes (a pending seat is held, not given: nobody marks it present or absent).
fn seated(e: &enrolment::Model) -> bool {
    mapping::enrolment(e).is_confirmed()
}

/// The minutes of development a session credits to those present: its length, from the UTC
/// instants (a session across the change to winter time is an hour longer than the clock says).
pub(crate) fn minutes_of(s: &session::Model) -> i32 {
    ((s.ends_at - s.starts_at).num_seconds() as f64 / 60.0).round().max(1.0) as i32
}

fn mark_of(e: &enrolment::Model) -> serde_json::Value {
    json!({"attendance": e.attendance, "checked_in_at": e.checked_in_at})
}

/// A person checked in.
#[derive(Debug, Clone)]
pub struct CheckedIn {
    /// The enrolment, now present.
    pub enrolment: Enrolment,
    /// Who it is.
    pub person: Person,
    /// They had checked in before: nothing changed.
    pub already: bool,
}

/// Check someone in to `session_id` with their personal code.
pub async fn check_in(
    store: &Store,
    actor: &Actor,
    session_id: Uuid,
    code: &CheckInCode,
    now: DateTime<Utc>,
) -> Result<CheckedIn> {
    let txn = store.write().await?;
    let s = recordable(&*txn, actor, session_id).await?;
    open(&s, now)?;
    let found = enrolment::Entity::find().filter(enrolment::Column::CheckInCode.eq(code.as_str())).one(&*txn).await?;
    let owner = match &found {
        None => None,
        Some(e) => {
            let os =
                session::Entity::find_by_id(e.session_id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?;
            let title =
                workshop::Entity::find_by_id(os.workshop_id).one(&*txn).await?.map(|w| w.title).unwrap_or_default();
            Some(CodeOwner { session_id: os.id, confirmed: seated(e), title, starts_at: os.starts_at })
        }
    };
    check_code(session_id, owner).map_err(StoreError::Attendance)?;
    let Some(e) = found else { return Err(StoreError::Attendance(AttendanceError::UnknownCode)) };
    let who = person::Entity::find_by_id(e.person_id).one(&*txn).await?.ok_or(StoreError::NotFound("person"))?;
    if e.checked_in_at.is_some() {
        return Ok(CheckedIn { enrolment: mapping::enrolment(&e), person: mapping::person(&who), already: true });
    }
    let updated = set_mark(&*txn, actor, &e, &s, Some(Attendance::Present), true, now).await?;
    txn.commit().await?;
    Ok(CheckedIn { enrolment: mapping::enrolment(&updated), person: mapping::person(&who), already: false })
}

async fn set_mark(
    c: &impl ConnectionTrait,
    actor: &Actor,
    e: &enrolment::Model,
    s: &session::Model,
    mark: Option<Attendance>,
    check_in: bool,
    now: DateTime<Utc>,
) -> Result<enrolment::Model> {
    use sea_orm::ActiveModelTrait;
    let mut am: enrolment::ActiveModel = e.clone().into();
    am.attendance = Set(mark.map(|m| m.as_str().to_owned()));
    am.attendance_marked_at = Set(mark.map(|_| now));
    am.attendance_marked_by = Set(mark.map(|_| actor.person_id));
    am.credited_minutes = Set((mark == Some(Attendance::Present)).then(|| minutes_of(s)));
    am.checked_in_at = Set(match mark {
        Some(Attendance::Present) if check_in => Some(now),
        Some(Attendance::Present) => e.checked_in_at,
        _ => None,
    });
    let updated = am.update(c).await?;
    if mark != Some(Attendance::Present) {
        // A certificate of a seat no longer recorded as attended says nothing true.
        crate::certificates::revoke_for_attendance(c, e.id, actor.person_id, now).await?;
    }
    let action = if check_in { "attendance.check_in" } else { "attendance.mark" };
    audit::record(
        c,
        Some(actor.person_id),
        action,
        ("enrolment", e.id),
        Some(&mark_of(e)),
        Some(&mark_of(&updated)),
        now,
    )
    .await?;
    Ok(updated)
}

/// Mark one confirmed enrolment present, absent or excused, or clear its mark (`None`).
/// Corrections are allowed at any time after the list opened; each is audited.
pub async fn mark(
    store: &Store,
    actor: &Actor,
    enrolment_id: Uuid,
    mark: Option<Attendance>,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    let txn = store.write().await?;
    let e = enrolment::Entity::find_by_id(enrolment_id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let s = recordable(&*txn, actor, e.session_id).await.map_err(|err| match err {
        StoreError::NotFound(_) => StoreError::NotFound("enrolment"),
        other => other,
    })?;
    open(&s, now)?;
    if !seated(&e) {
        return Err(StoreError::Attendance(AttendanceError::NotConfirmed));
    }
    if e.attendance.as_deref() == mark.map(|m| m.as_str()) {
        return Ok(mapping::enrolment(&e));
    }
    let updated = set_mark(&*txn, actor, &e, &s, mark, false, now).await?;
    txn.commit().await?;
    Ok(mapping::enrolment(&updated))
}

/// Mark every unmarked confirmed enrolment of a session present. Returns how many.
pub async fn mark_all_present(store: &Store, actor: &Actor, session_id: Uuid, now: DateTime<Utc>) -> Result<u64> {
    fill_unmarked(store, Some(actor), session_id, Attendance::Present, now).await
}

/// Close a session's attendance list: unmarked confirmed enrolments become no-shows (absent).
/// Closing again changes nothing. Returns the number of new no-shows.
pub async fn close_list(store: &Store, actor: &Actor, session_id: Uuid, now: DateTime<Utc>) -> Result<u64> {
    fill_unmarked(store, Some(actor), session_id, Attendance::Absent, now).await
}

async fn fill_unmarked(
    store: &Store,
    actor: Option<&Actor>,
    session_id: Uuid,
    mark: Attendance,
    now: DateTime<Utc>,
) -> Result<u64> {
    let txn = store.write().await?;
    let s = match actor {
        Some(a) => recordable(&*txn, a, session_id).await?,
        None => session::Entity::find_by_id(session_id).one(&*txn).await?.ok_or(StoreError::NotFound("session"))?,
    };
    open(&s, now)?;
    let closing = mark == Attendance::Absent;
    if closing && now < s.ends_at {
        return Err(StoreError::Attendance(AttendanceError::NotOver));
    }
    let unmarked = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Confirmed.as_str()))
        .filter(
            Condition::any()
                .add(enrolment::Column::Approval.is_null())
                .add(enrolment::Column::Approval.ne(ApprovalState::Pending.as_str())),
        )
        .filter(enrolment::Column::Attendance.is_null())
        .all(&*txn)
        .await?;
    let marked = enrolment::Entity::update_many()
        .col_expr(enrolment::Column::Attendance, Expr::value(mark.as_str()))
        .col_expr(enrolment::Column::AttendanceMarkedAt, Expr::value(now))
        .col_expr(enrolment::Column::AttendanceMarkedBy, Expr::value(actor.map(|a| a.person_id)))
        .col_expr(
            enrolment::Column::CreditedMinutes,
            Expr::value((mark == Attendance::Present).then(|| minutes_of(&s))),
        )
        .filter(enrolment::Column::Id.is_in(unmarked.iter().map(|e| e.id)))
        .filter(enrolment::Column::Attendance.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    if closing && s.attendance_closed_at.is_none() {
        session::Entity::update_many()
            .col_expr(session::Column::AttendanceClosedAt, Expr::value(now))
            .filter(session::Column::Id.eq(session_id))
            .exec(&*txn)
            .await?;
    }
    let action = if closing { "attendance.close" } else { "attendance.all_present" };
    let ids: Vec<Uuid> = unmarked.iter().map(|e| e.id).collect();
    audit::record(
        &*txn,
        actor.map(|a| a.person_id),
        action,
        ("session", session_id),
        None::<&()>,
        Some(&json!({"attendance": mark.as_str(), "enrolments": ids})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(marked)
}

/// No-shows by the clock: every session of an event with the `automatic` policy that has
/// ended and whose list is still open is closed. Run by the minute job; returns how many
/// enrolments became no-shows.
pub async fn close_finished(store: &Store, now: DateTime<Utc>) -> Result<u64> {
    let due: Vec<(Uuid, DateTime<Utc>, Uuid)> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .column(session::Column::EndsAt)
        .column(session::Column::EventId)
        .filter(session::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .filter(session::Column::AttendanceClosedAt.is_null())
        .filter(session::Column::EndsAt.lte(now))
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut total = 0;
    let mut policies = std::collections::HashMap::new();
    for (id, ends_at, event_id) in due {
        let policy = match policies.get(&event_id) {
            Some(p) => *p,
            None => {
                let p = event::Entity::find_by_id(event_id)
                    .one(store.conn())
                    .await?
                    .and_then(|e| NoShowPolicy::parse(&e.no_show_policy).ok())
                    .unwrap_or_default();
                policies.insert(event_id, p);
                p
            }
        };
        if no_shows_due(policy, ends_at, now) {
            total += fill_unmarked(store, None, id, Attendance::Absent, now).await?;
        }
    }
    Ok(total)
}
