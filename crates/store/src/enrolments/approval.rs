//! Manager approval of a seat (issue 25). In a week or workshop that asks for it, a seat that is
//! given (at enrolment, or when the waiting list moves up) waits for the person's manager: the
//! row keeps `status = confirmed` (it holds the seat: counters and quotas count it) with
//! `approval = pending` until `approval_due_at`. The manager approves (the seat is final, the
//! usual confirmation goes out) or declines; a decline, or no decision in time (the minute
//! job, [`lapse_due`]), releases the seat exactly as a cancellation does.

use super::cancel::count_out;
use super::display_code;
use super::waiting::promote_waiting;
use crate::entities::{enrolment, event, person, person_role, session, workshop};
use crate::lookup::lock_session;
use crate::outbox::{self, CalendarMethod, MailKind, NewMail};
use crate::{Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::approval::{Approver, DeclineReason, due_at, may_decide, needs_approval};
use leerweek_domain::enrolment::Enrolment;
use leerweek_domain::{ApprovalState, EnrolmentStatus, Role};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

/// Whether a seat in workshop `w` of week `ev` waits for the manager.
pub(crate) fn needed(ev: &event::Model, w: &workshop::Model) -> bool {
    needs_approval(mapping::approval_policy(&ev.approval), w.approval.as_deref().map(mapping::approval_policy))
}

/// Make a seat (new, or just promoted) wait for approval.
pub(crate) fn hold(e: &mut enrolment::Model, ev: &event::Model, s: &session::Model, now: DateTime<Utc>) {
    e.approval = Some(ApprovalState::Pending.as_str().to_owned());
    e.approval_due_at = Some(due_at(now, ev.approval_hours.max(1) as u32, s.starts_at));
}

/// Who decides on `p`'s enrolments: their manager while they have one who has not left, else
/// the organisers of their organisation.
async fn approver_of(c: &impl ConnectionTrait, p: &person::Model) -> Result<Approver> {
    let manager = match p.manager_id {
        Some(m) => person::Entity::find_by_id(m).one(c).await?.filter(|m| m.left_at.is_none()).map(|m| m.id),
        None => None,
    };
    Ok(Approver::of(manager, p.organisation_id))
}

/// Whom to mail about `p`'s enrolment: [`approver_of`] by name (never `p` themselves).
async fn approvers_of(c: &impl ConnectionTrait, p: &person::Model) -> Result<Vec<Uuid>> {
    if let Approver::Manager(m) = approver_of(c, p).await? {
        return Ok(vec![m]);
    }
    let organisers: Vec<Uuid> = person_role::Entity::find()
        .select_only()
        .column(person_role::Column::PersonId)
        .filter(person_role::Column::Role.eq(Role::Organiser.as_str()))
        .filter(
            person_role::Column::PersonId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(person::Column::OrganisationId.eq(p.organisation_id))
                    .and_where(person::Column::LeftAt.is_null())
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(c)
        .await?;
    Ok(organisers.into_iter().filter(|o| *o != p.id).collect())
}

/// Queue the mails of a seat that waits for approval: to the person (a tentative invite) and to
/// each who may decide (with signed approve and decline links, made when the mail is written).
pub(crate) async fn queue_request(
    c: &impl ConnectionTrait,
    e: &enrolment::Model,
    p: &person::Model,
    snapshot: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    let due = e.approval_due_at;
    let time_zone = &snapshot["time_zone"];
    outbox::enqueue(
        c,
        NewMail {
            kind: MailKind::EnrolmentPending,
            person_id: e.person_id,
            enrolment_id: Some(e.id),
            session: Some(snapshot),
            calendar: Some(CalendarMethod::Request),
            extra: serde_json::json!({"due_at": due, "time_zone": time_zone}),
        },
        now,
    )
    .await?;
    let approvers = approvers_of(c, p).await?;
    if approvers.is_empty() {
        tracing::warn!(enrolment = %e.id, "nobody to ask for approval (no manager, no organisers): an admin can decide, else it lapses");
    }
    for a in approvers {
        outbox::enqueue(
            c,
            NewMail {
                kind: MailKind::ApprovalRequest,
                person_id: a,
                enrolment_id: Some(e.id),
                session: Some(snapshot),
                calendar: None,
                extra: serde_json::json!({"person_name": p.name, "due_at": due, "time_zone": time_zone}),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// A decision on a pending seat.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// The seat is final.
    Approve,
    /// The seat is released; the reason goes to the person.
    Decline(Option<DeclineReason>),
}

/// How a decision came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecidedVia {
    /// Signed in (the app or the API).
    App,
    /// The signed link of the approval mail.
    MailLink,
}

/// Approve or decline a pending seat: the person's manager, without one an organiser of their
/// organisation, or an admin. Anyone else gets "not found".
pub async fn decide(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    verdict: Verdict,
    via: DecidedVia,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    let txn = store.write().await?;
    let e = enrolment::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    let p = person::Entity::find_by_id(e.person_id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    if !approver_of(&*txn, &p).await?.admits(actor, p.id) {
        return Err(StoreError::NotFound("enrolment"));
    }
    let s = lock_session(&*txn, store, e.session_id).await?.ok_or(StoreError::NotFound("enrolment"))?;
    // Read again under the session's lock: a cancellation or the minute job may have been first.
    let e = enrolment::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("enrolment"))?;
    may_decide(e.approval.as_deref().map(mapping::approval_state), e.approval_due_at, now)?;
    let snapshot = outbox::session_snapshot(&*txn, &s).await?;
    let mut am: enrolment::ActiveModel = e.clone().into();
    am.approval_decided_at = Set(Some(now));
    am.approval_decided_by = Set(Some(actor.person_id));
    let (action, decided) = match &verdict {
        Verdict::Approve => {
            am.approval = Set(Some(ApprovalState::Approved.as_str().to_owned()));
            let decided = am.update(&*txn).await?;
            outbox::enqueue(
                &*txn,
                NewMail {
                    kind: MailKind::EnrolmentConfirmed,
                    person_id: e.person_id,
                    enrolment_id: Some(e.id),
                    session: Some(&snapshot),
                    calendar: Some(CalendarMethod::Request),
                    extra: serde_json::json!({"check_in_code": display_code(&e), "approved": true}),
                },
                now,
            )
            .await?;
            ("enrolment.approve", decided)
        }
        Verdict::Decline(reason) => {
            am.approval = Set(Some(ApprovalState::Declined.as_str().to_owned()));
            am.approval_reason = Set(reason.as_ref().map(|r| r.as_str().to_owned()));
            let decided = release(&*txn, am, &s, &snapshot, Some(actor.person_id), reason.as_ref(), now).await?;
            ("enrolment.decline", decided)
        }
    };
    let after = serde_json::json!({"enrolment": &decided, "via": match via {
        DecidedVia::App => "app",
        DecidedVia::MailLink => "mail_link",
    }});
    audit::record(&*txn, Some(actor.person_id), action, ("enrolment", id), Some(&e), Some(&after), now).await?;
    txn.commit().await?;
    Ok(mapping::enrolment(&decided))
}

/// Release a pending seat (declined or lapsed; `am` carries the new approval state) as a
/// cancellation would: the row is cancelled, the seat counted out, the waiting list moves up
/// (under the session's lock, which the caller holds), the person is told and the tentative
/// appointment removed.
async fn release(
    c: &impl ConnectionTrait,
    mut am: enrolment::ActiveModel,
    s: &session::Model,
    snapshot: &serde_json::Value,
    by: Option<Uuid>,
    reason: Option<&DeclineReason>,
    now: DateTime<Utc>,
) -> Result<enrolment::Model> {
    am.status = Set(EnrolmentStatus::Cancelled.as_str().to_owned());
    am.waitlist_seq = Set(None);
    am.cancelled_at = Set(Some(now));
    am.cancelled_by = Set(by);
    let e = am.update(c).await?;
    count_out(c, s.id, true).await?;
    let lapsed = by.is_none();
    outbox::enqueue(
        c,
        NewMail {
            kind: MailKind::ApprovalDeclined,
            person_id: e.person_id,
            enrolment_id: Some(e.id),
            session: Some(snapshot),
            calendar: Some(CalendarMethod::Cancel),
            extra: serde_json::json!({"reason": reason.map(DeclineReason::as_str), "lapsed": lapsed}),
        },
        now,
    )
    .await?;
    let s = session::Entity::find_by_id(s.id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    promote_waiting(c, &s, now).await?;
    Ok(e)
}

/// Mark a pending enrolment that is being cancelled (by the person, an organiser, a cancelled
/// session or an erasure) as withdrawn: nobody needs to decide any more.
pub(crate) fn withdraw(am: &mut enrolment::ActiveModel, e: &enrolment::Model, now: DateTime<Utc>) {
    if e.approval.as_deref() == Some(ApprovalState::Pending.as_str()) {
        am.approval = Set(Some(ApprovalState::Withdrawn.as_str().to_owned()));
        am.approval_decided_at = Set(Some(now));
    }
}

/// Release every pending seat whose deadline has passed (the minute job). Each in a transaction
/// of its own, under its session's lock; one that was decided meanwhile is left alone. Returns
/// how many lapsed.
pub async fn lapse_due(store: &Store, now: DateTime<Utc>) -> Result<u32> {
    let due: Vec<(Uuid, Uuid)> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Id)
        .column(enrolment::Column::SessionId)
        .filter(enrolment::Column::Approval.eq(ApprovalState::Pending.as_str()))
        .filter(enrolment::Column::ApprovalDueAt.lte(now))
        .order_by_asc(enrolment::Column::ApprovalDueAt)
        .limit(500)
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut lapsed = 0;
    for (id, session_id) in due {
        let txn = store.write().await?;
        let Some(s) = lock_session(&*txn, store, session_id).await? else { continue };
        let Some(e) = enrolment::Entity::find_by_id(id).one(&*txn).await? else { continue };
        let still_due = e.approval.as_deref() == Some(ApprovalState::Pending.as_str())
            && e.approval_due_at.is_some_and(|d| d <= now);
        if !still_due {
            continue;
        }
        let snapshot = outbox::session_snapshot(&*txn, &s).await?;
        let mut am: enrolment::ActiveModel = e.clone().into();
        am.approval = Set(Some(ApprovalState::Lapsed.as_str().to_owned()));
        am.approval_decided_at = Set(Some(now));
        let after = release(&*txn, am, &s, &snapshot, None, None, now).await?;
        audit::record(&*txn, None, "enrolment.approval_lapsed", ("enrolment", id), Some(&e), Some(&after), now).await?;
        txn.commit().await?;
        tracing::info!(enrolment = %id, "an approval nobody gave in time lapsed; the seat was released");
        lapsed += 1;
    }
    Ok(lapsed)
}

/// A pending seat as its approver sees it.
#[derive(Debug, Clone)]
pub struct PendingApproval {
    /// The enrolment.
    pub enrolment: Enrolment,
    /// Who asked.
    pub person_name: String,
    /// Their unit, if known.
    pub unit_name: Option<String>,
    /// The workshop.
    pub title: String,
    /// The session's start.
    pub starts_at: DateTime<Utc>,
    /// Its end.
    pub ends_at: DateTime<Utc>,
}

/// The seats waiting for the actor's decision, the soonest deadline first, at most `limit`:
/// the people they manage; people whose manager is missing or has left, for an organiser of
/// their organisation; every one for admins.
pub async fn pending_for(store: &Store, actor: &Actor, limit: u64) -> Result<Vec<PendingApproval>> {
    use crate::entities::org_unit;
    use sea_orm::sea_query::{Condition, Query};
    let c = store.conn();
    let mut q = enrolment::Entity::find().filter(enrolment::Column::Approval.eq(ApprovalState::Pending.as_str()));
    if !actor.is_admin() {
        let mut whose = Condition::any().add(person::Column::ManagerId.eq(actor.person_id));
        if actor.is_organiser() {
            let gone = Query::select()
                .column(person::Column::Id)
                .from(person::Entity)
                .and_where(person::Column::LeftAt.is_not_null())
                .to_owned();
            whose = whose.add(
                Condition::all().add(person::Column::OrganisationId.eq(actor.organisation_id)).add(
                    Condition::any()
                        .add(person::Column::ManagerId.is_null())
                        .add(person::Column::ManagerId.in_subquery(gone)),
                ),
            );
        }
        let people = Query::select().column(person::Column::Id).from(person::Entity).cond_where(whose).to_owned();
        q = q.filter(enrolment::Column::PersonId.in_subquery(people));
    }
    let pending = q.order_by_asc(enrolment::Column::ApprovalDueAt).limit(limit).all(c).await?;
    let mut out = Vec::with_capacity(pending.len());
    for e in pending {
        let Some(p) = person::Entity::find_by_id(e.person_id).one(c).await? else { continue };
        if !approver_of(c, &p).await?.admits(actor, p.id) {
            continue;
        }
        let Some(s) = session::Entity::find_by_id(e.session_id).one(c).await? else { continue };
        let title = workshop::Entity::find_by_id(s.workshop_id).one(c).await?.map(|w| w.title).unwrap_or_default();
        let unit_name = match p.org_unit_id {
            Some(u) => org_unit::Entity::find_by_id(u).one(c).await?.map(|u| u.name),
            None => None,
        };
        out.push(PendingApproval {
            enrolment: mapping::enrolment(&e),
            person_name: p.name,
            unit_name,
            title,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        });
    }
    Ok(out)
}
