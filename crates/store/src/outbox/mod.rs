//! The mail outbox: rows written in the same transaction as the change that causes them.
//! The mailer crate claims and sends them; admins watch and retry them (`admin`).

mod admin;

pub use admin::{FAILING_AFTER, Listed, MailCounts, MailHealth, health, list, retry, retry_failed, send_test};

use crate::entities::outbox;
use crate::{Result, mapping};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub use leerweek_domain::{MailKind, MailStatus};

/// What a calendar part of a mail does to the appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarMethod {
    /// Add or update the appointment (iTIP `REQUEST`).
    Request,
    /// Remove it (iTIP `CANCEL`).
    Cancel,
}

impl CalendarMethod {
    /// The iTIP method name.
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarMethod::Request => "REQUEST",
            CalendarMethod::Cancel => "CANCEL",
        }
    }
}

/// The session as it is when a mail is queued: the mail and its calendar part describe this,
/// even when the session changes again before the mail goes out.
pub(crate) async fn session_snapshot(
    c: &impl ConnectionTrait,
    s: &crate::entities::session::Model,
) -> Result<serde_json::Value> {
    use crate::entities::{event, workshop};
    let w = workshop::Entity::find_by_id(s.workshop_id).one(c).await?;
    let e = event::Entity::find_by_id(s.event_id).one(c).await?;
    Ok(snapshot_of(s, w.as_ref(), e.as_ref()))
}

/// [`session_snapshot`] from rows the caller already holds.
pub(crate) fn snapshot_of(
    s: &crate::entities::session::Model,
    w: Option<&crate::entities::workshop::Model>,
    e: Option<&crate::entities::event::Model>,
) -> serde_json::Value {
    let deadline_hours = e.map(|e| e.cancellation_deadline_hours).unwrap_or(24).max(0) as i64;
    serde_json::json!({
        "id": s.id,
        "title": w.map(|w| w.title.clone()).unwrap_or_default(),
        "description": w.map(|w| w.description.clone()).unwrap_or_default(),
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "venue": s.venue,
        "room": s.room,
        "address": s.address,
        "online_url": s.online_url,
        "time_zone": e.map(|e| e.time_zone.clone()).unwrap_or_else(|| "Europe/Amsterdam".into()),
        "event_name": e.map(|e| e.name.clone()).unwrap_or_default(),
        "cancel_before": s.starts_at - chrono::Duration::hours(deadline_hours),
        "status": s.status,
    })
}

/// Raise and return the calendar SEQUENCE of a person's appointment for a session; the first
/// invite has 0. Called under the session's lock, so increments never race.
async fn next_sequence(c: &impl ConnectionTrait, person_id: Uuid, session_id: Uuid) -> Result<i32> {
    use crate::entities::calendar_sequence as cs;
    match cs::Entity::find_by_id((person_id, session_id)).one(c).await? {
        None => {
            cs::ActiveModel { person_id: Set(person_id), session_id: Set(session_id), sequence: Set(0) }
                .insert(c)
                .await?;
            Ok(0)
        }
        Some(row) => {
            let next = row.sequence + 1;
            cs::ActiveModel { person_id: Set(person_id), session_id: Set(session_id), sequence: Set(next) }
                .update(c)
                .await?;
            Ok(next)
        }
    }
}

/// One mail to queue.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    /// What it is about.
    pub kind: MailKind,
    /// The recipient.
    pub person_id: Uuid,
    /// The enrolment concerned.
    pub enrolment_id: Option<Uuid>,
    /// The session as it is now ([`session_snapshot`]).
    pub session: Option<&'a serde_json::Value>,
    /// A calendar part, when the mail adds, changes or removes an appointment.
    pub calendar: Option<CalendarMethod>,
    /// Anything else the template needs (waiting-list position, who cancelled).
    pub extra: serde_json::Value,
}

/// Queue a mail in the caller's transaction.
pub(crate) async fn enqueue(c: &impl ConnectionTrait, mail: NewMail<'_>, now: DateTime<Utc>) -> Result<()> {
    let sequence = match (mail.calendar, session_of(&mail)) {
        (Some(_), Some(sid)) => Some(next_sequence(c, mail.person_id, sid).await?),
        _ => None,
    };
    row(&mail, sequence, now).into_active_model().insert(c).await?;
    Ok(())
}

/// The session a mail is about, from its snapshot.
pub(crate) fn session_of(mail: &NewMail<'_>) -> Option<Uuid> {
    mail.session.and_then(|s| s.get("id")).and_then(|v| v.as_str()).and_then(|v| v.parse::<Uuid>().ok())
}

/// The outbox row of a mail, with the calendar SEQUENCE already taken (when it has a calendar part).
pub(crate) fn row(mail: &NewMail<'_>, sequence: Option<i32>, now: DateTime<Utc>) -> outbox::Model {
    let session_id = session_of(mail);
    let mut payload = serde_json::json!({ "session": mail.session, "extra": mail.extra });
    if let (Some(method), Some(_), Some(sequence)) = (mail.calendar, session_id, sequence) {
        payload["calendar"] = serde_json::json!({ "method": method.as_str(), "sequence": sequence });
    }
    outbox::Model {
        id: Uuid::now_v7(),
        kind: mail.kind.as_str().to_owned(),
        person_id: mail.person_id,
        session_id,
        enrolment_id: mail.enrolment_id,
        payload: payload.to_string(),
        status: MailStatus::Pending.as_str().to_owned(),
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        sent_at: None,
        last_error: None,
        first_failed_at: None,
    }
}

/// A queued mail: what the outbox holds of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Id (also the local part of its Message-ID).
    pub id: Uuid,
    /// What it is about.
    pub kind: MailKind,
    /// The recipient.
    pub person_id: Uuid,
    /// The session concerned.
    pub session_id: Option<Uuid>,
    /// The enrolment concerned.
    pub enrolment_id: Option<Uuid>,
    /// What the template needs, as JSON: the session as it was, `extra`, the calendar part.
    pub payload: String,
    /// Where it stands.
    pub status: MailStatus,
    /// Attempts made.
    pub attempts: i32,
    /// When it is (next) due.
    pub next_attempt_at: DateTime<Utc>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was handed to the mail server.
    pub sent_at: Option<DateTime<Utc>>,
    /// What went wrong the last time.
    pub last_error: Option<String>,
    /// When its first attempt failed (kept through retries, cleared once it is sent).
    pub first_failed_at: Option<DateTime<Utc>>,
}

/// Rows queued for one enrolment, oldest first (for support).
pub async fn for_enrolment(store: &crate::Store, enrolment_id: Uuid) -> Result<Vec<Mail>> {
    use sea_orm::QueryOrder;
    let rows = outbox::Entity::find()
        .filter(outbox::Column::EnrolmentId.eq(enrolment_id))
        .order_by_asc(outbox::Column::CreatedAt)
        .all(store.conn())
        .await?;
    Ok(rows.iter().map(mail).collect())
}

/// Number of rows in a status.
pub async fn count_with_status(store: &crate::Store, status: MailStatus) -> Result<u64> {
    Ok(outbox::Entity::find().filter(outbox::Column::Status.eq(status.as_str())).count(store.conn()).await?)
}

/// What a mail needs to be written: the row and the facts it is about.
#[derive(Debug, Clone)]
pub struct DueMail {
    /// The queued mail.
    pub row: Mail,
    /// The recipient.
    pub person: leerweek_domain::people::Person,
    /// The session concerned.
    pub session: Option<leerweek_domain::session::Session>,
    /// Its workshop.
    pub workshop: Option<leerweek_domain::workshop::Workshop>,
}

/// Claim up to `limit` due rows for this worker: each claimed row counts an attempt and is
/// hidden from other workers for `lease` (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several
/// servers share the queue without sending a row twice). If the worker dies before marking a
/// row, the row becomes due again when the lease ends and is resent with the same Message-ID.
pub async fn claim_due(
    store: &crate::Store,
    limit: u64,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> Result<Vec<DueMail>> {
    use crate::entities::{person, session, workshop};
    use sea_orm::{DbBackend, QueryOrder, Statement};
    let (backend, sql) = if store.is_postgres() {
        (
            DbBackend::Postgres,
            "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM outbox WHERE status = $4 AND next_attempt_at <= $2 \
              ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id",
        )
    } else {
        (
            DbBackend::Sqlite,
            "UPDATE outbox SET next_attempt_at = ?1, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM outbox WHERE status = ?4 AND next_attempt_at <= ?2 \
              ORDER BY next_attempt_at, id LIMIT ?3) RETURNING id",
        )
    };
    let txn = store.write().await?;
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [(now + lease).into(), now.into(), (limit as i64).into(), MailStatus::Pending.as_str().into()],
        ))
        .await?;
    txn.commit().await?;
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.try_get::<Uuid>("", "id").ok()).collect();
    let claimed = outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(ids))
        .order_by_asc(outbox::Column::CreatedAt)
        .all(store.conn())
        .await?;
    // Set reads, not three lookups per row: the worker runs beside an enrolment rush.
    let people =
        by_id::<person::Entity>(store, person::Column::Id, claimed.iter().map(|r| r.person_id), |p| p.id).await?;
    let sessions =
        by_id::<session::Entity>(store, session::Column::Id, claimed.iter().filter_map(|r| r.session_id), |s| s.id)
            .await?;
    let workshops =
        by_id::<workshop::Entity>(store, workshop::Column::Id, sessions.values().map(|s| s.workshop_id), |w| w.id)
            .await?;
    let mut out = Vec::with_capacity(claimed.len());
    for row in claimed {
        let Some(person) = people.get(&row.person_id).map(mapping::person) else { continue };
        let session = row.session_id.and_then(|id| sessions.get(&id));
        let workshop = session.and_then(|s| workshops.get(&s.workshop_id)).map(mapping::workshop);
        let session = session.map(mapping::session);
        out.push(DueMail { row: mail(&row), person, session, workshop });
    }
    Ok(out)
}

/// The kinds whose `extra` holds a secret (a sign-in or feedback link), someone's own words (a
/// message's body and sender, a cancellation's or decline's reason, a klus poster's message, a
/// manager's reason not to consent) or another person's name (an approval or consent request
/// to a manager, a response to a klus, a candidate named to the poster).
const SENSITIVE: [MailKind; 13] = [
    MailKind::SignInLink,
    MailKind::FeedbackRequest,
    MailKind::SessionMessage,
    MailKind::EnrolmentCancelled,
    MailKind::ApprovalRequest,
    MailKind::ApprovalDeclined,
    MailKind::AssignmentResponse,
    MailKind::AssignmentWithdrawn,
    MailKind::AssignmentInvited,
    MailKind::AssignmentDeclined,
    MailKind::ConsentRequest,
    MailKind::AssignmentConsented,
    MailKind::AssignmentNotConsented,
];

/// What stays of a sensitive mail's `extra` once it is delivered: what it was, not what it said.
const KEPT_AFTER_DELIVERY: [&str; 5] = ["via_sso", "by_organiser", "subject", "lapsed", "for_poster"];

/// A delivered mail's payload without its secrets and personal text: `extra` keeps only
/// [`KEPT_AFTER_DELIVERY`]; the session as it was and the calendar part (what proves what was
/// sent, with `sent_at`) stay.
fn redacted(payload: &str) -> Option<String> {
    let mut p: serde_json::Value = serde_json::from_str(payload).ok()?;
    let extra = p.get_mut("extra")?.as_object_mut()?;
    extra.retain(|k, _| KEPT_AFTER_DELIVERY.contains(&k.as_str()));
    p["redacted"] = serde_json::Value::Bool(true);
    Some(p.to_string())
}

/// Mark rows sent, in one write: the worker marks a whole round at once, so mail does not
/// take the write lock once per message while enrolments wait for it. Delivered sign-in and
/// feedback links, messages and cancellation reasons lose their secrets and text ([`redacted`]).
pub async fn mark_sent(store: &crate::Store, ids: &[Uuid], now: DateTime<Utc>) -> Result<()> {
    use sea_orm::sea_query::Expr;
    if ids.is_empty() {
        return Ok(());
    }
    let txn = store.write().await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(MailStatus::Sent.as_str()))
        .col_expr(outbox::Column::SentAt, Expr::value(now))
        .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(outbox::Column::FirstFailedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(outbox::Column::Id.is_in(ids.iter().copied()))
        .exec(&*txn)
        .await?;
    let sensitive = outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(ids.iter().copied()))
        .filter(outbox::Column::Kind.is_in(SENSITIVE.map(|k| k.as_str())))
        .all(&*txn)
        .await?;
    for row in sensitive {
        if let Some(payload) = redacted(&row.payload) {
            outbox::Entity::update_many()
                .col_expr(outbox::Column::Payload, Expr::value(payload))
                .filter(outbox::Column::Id.eq(row.id))
                .exec(&*txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Record a failed attempt (at `now`) of a claimed row: retry at `next_attempt_at`, or leave it
/// `failed` once `max_attempts` attempts were made. The first failure's time stays.
pub async fn mark_attempt_failed(
    store: &crate::Store,
    row: &Mail,
    error: &str,
    now: DateTime<Utc>,
    next_attempt_at: DateTime<Utc>,
    max_attempts: i32,
) -> Result<()> {
    use sea_orm::sea_query::{Expr, Func};
    let status = if row.attempts >= max_attempts { MailStatus::Failed } else { MailStatus::Pending };
    let txn = store.write().await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(status.as_str()))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(outbox::Column::LastError, Expr::value(error.chars().take(1000).collect::<String>()))
        .col_expr(
            outbox::Column::FirstFailedAt,
            Func::coalesce([Expr::col(outbox::Column::FirstFailedAt), Expr::value(now)]).into(),
        )
        .filter(outbox::Column::Id.eq(row.id))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The rows of `E` whose `column` is one of `ids`, by their id (`key`); one query, none for no ids.
async fn by_id<E: EntityTrait>(
    store: &crate::Store,
    column: E::Column,
    ids: impl IntoIterator<Item = Uuid>,
    key: impl Fn(&E::Model) -> Uuid,
) -> Result<HashMap<Uuid, E::Model>> {
    let ids: HashSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find().filter(column.is_in(ids)).all(store.conn()).await?.into_iter().map(|m| (key(&m), m)).collect())
}

/// A queued mail's row.
pub(crate) fn mail(m: &outbox::Model) -> Mail {
    Mail {
        id: m.id,
        kind: mapping::mail_kind(&m.kind),
        person_id: m.person_id,
        session_id: m.session_id,
        enrolment_id: m.enrolment_id,
        payload: m.payload.clone(),
        status: mapping::mail_status(&m.status),
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        created_at: m.created_at,
        sent_at: m.sent_at,
        last_error: m.last_error.clone(),
        first_failed_at: m.first_failed_at,
    }
}
