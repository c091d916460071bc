//! Feedback: the request mail after an attended session (once, with a secret link), giving
//! feedback once per enrolment, and what a workshop's organisers read of it (never names).

use crate::entities::{enrolment, feedback, session, workshop};
use crate::lookup::load_event;
use crate::outbox::{self, MailKind, NewMail};
use crate::people::hash_token;
use crate::{Result, Store, StoreError, mapping};
use chrono::{DateTime, Duration, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::Attendance;
use leerweek_domain::enrolment::Enrolment;
use leerweek_domain::feedback::{Comment, FeedbackError, Rating, may_give};
use leerweek_domain::session::Session;
use leerweek_domain::{EnrolmentStatus, SessionStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// Sessions that ended longer ago than this get no feedback request any more.
pub const REQUEST_WITHIN: Duration = Duration::days(14);

/// Queue the feedback request for every enrolment marked present whose session has ended
/// (within [`REQUEST_WITHIN`]), once each. `link_base` is the page the link opens
/// (`…/feedback`). Run by the minute job; returns how many were queued.
pub async fn queue_requests(store: &Store, link_base: &str, now: DateTime<Utc>) -> Result<u32> {
    let sessions: Vec<session::Model> = session::Entity::find()
        .filter(session::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .filter(session::Column::EndsAt.lte(now))
        .filter(session::Column::EndsAt.gt(now - REQUEST_WITHIN))
        .all(store.conn())
        .await?;
    let mut total = 0;
    for s in sessions {
        let due = enrolment::Entity::find()
            .filter(enrolment::Column::SessionId.eq(s.id))
            .filter(enrolment::Column::Attendance.eq(Attendance::Present.as_str()))
            .filter(enrolment::Column::FeedbackRequestedAt.is_null())
            .all(store.conn())
            .await?;
        if due.is_empty() {
            continue;
        }
        let txn = store.write().await?;
        let snapshot = outbox::session_snapshot(&*txn, &s).await?;
        for e in &due {
            let token = crate::auth::secret("fb_");
            // Only if still unrequested: a concurrent job round may have done it.
            let claimed = enrolment::Entity::update_many()
                .col_expr(enrolment::Column::FeedbackTokenHash, Expr::value(hash_token(&token)))
                .col_expr(enrolment::Column::FeedbackRequestedAt, Expr::value(now))
                .filter(enrolment::Column::Id.eq(e.id))
                .filter(enrolment::Column::FeedbackRequestedAt.is_null())
                .exec(&*txn)
                .await?
                .rows_affected;
            if claimed == 0 {
                continue;
            }
            outbox::enqueue(
                &*txn,
                NewMail {
                    kind: MailKind::FeedbackRequest,
                    person_id: e.person_id,
                    enrolment_id: Some(e.id),
                    session: Some(&snapshot),
                    calendar: None,
                    extra: serde_json::json!({"link": format!("{link_base}?token={token}")}),
                },
                now,
            )
            .await?;
            total += 1;
        }
        txn.commit().await?;
    }
    Ok(total)
}

/// Feedback given on one enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// Id.
    pub id: Uuid,
    /// The enrolment it is about.
    pub enrolment_id: Uuid,
    /// 1–5.
    pub rating: i32,
    /// The comment, if any.
    pub comment: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<feedback::Model> for Feedback {
    fn from(f: feedback::Model) -> Self {
        Feedback {
            id: f.id,
            enrolment_id: f.enrolment_id,
            rating: f.rating,
            comment: f.comment,
            created_at: f.created_at,
        }
    }
}

/// What a feedback link is about.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    /// The enrolment.
    pub enrolment: Enrolment,
    /// Its session.
    pub session: Session,
    /// The workshop's title.
    pub title: String,
    /// Feedback already given.
    pub given: bool,
}

async fn by_token(c: &impl ConnectionTrait, token: &str) -> Result<enrolment::Model> {
    if !token.starts_with("fb_") || token.len() > 100 {
        return Err(StoreError::Feedback(FeedbackError::UnknownLink));
    }
    enrolment::Entity::find()
        .filter(enrolment::Column::FeedbackTokenHash.eq(hash_token(token)))
        .one(c)
        .await?
        .ok_or(StoreError::Feedback(FeedbackError::UnknownLink))
}

async fn info(c: &impl ConnectionTrait, e: enrolment::Model) -> Result<LinkInfo> {
    let s = session::Entity::find_by_id(e.session_id).one(c).await?.ok_or(StoreError::NotFound("session"))?;
    let title = workshop::Entity::find_by_id(s.workshop_id).one(c).await?.map(|w| w.title).unwrap_or_default();
    let given = feedback::Entity::find().filter(feedback::Column::EnrolmentId.eq(e.id)).one(c).await?.is_some();
    Ok(LinkInfo { enrolment: mapping::enrolment(&e), session: mapping::session(&s), title, given })
}

/// What a feedback link is about (for its page).
pub async fn link_info(store: &Store, token: &str) -> Result<LinkInfo> {
    let e = by_token(store.conn(), token).await?;
    info(store.conn(), e).await
}

async fn give_for(
    store: &Store,
    e: enrolment::Model,
    rating: Rating,
    comment: Option<Comment>,
    now: DateTime<Utc>,
) -> Result<Feedback> {
    let txn = store.write().await?;
    let i = info(&*txn, e).await?;
    let attended =
        i.enrolment.status == EnrolmentStatus::Confirmed && i.enrolment.attendance == Some(Attendance::Present);
    may_give(attended, i.given).map_err(StoreError::Feedback)?;
    let f = feedback::ActiveModel {
        id: Set(Uuid::now_v7()),
        enrolment_id: Set(i.enrolment.id),
        session_id: Set(i.session.id),
        workshop_id: Set(i.session.workshop_id),
        rating: Set(rating.get() as i32),
        comment: Set(comment.map(|c| c.as_str().to_owned())),
        created_at: Set(now),
    }
    .insert(&*txn)
    .await
    .map_err(|e| match StoreError::from(e) {
        // Two answers at once: the unique index lets one in.
        StoreError::Conflict(_) => StoreError::Feedback(FeedbackError::AlreadyGiven),
        other => other,
    })?;
    txn.commit().await?;
    Ok(f.into())
}

/// Give feedback with the link's token (no sign-in needed).
pub async fn give_by_token(
    store: &Store,
    token: &str,
    rating: Rating,
    comment: Option<Comment>,
    now: DateTime<Utc>,
) -> Result<Feedback> {
    let e = by_token(store.conn(), token).await?;
    give_for(store, e, rating, comment, now).await
}

/// Give feedback on one's own enrolment (signed in).
pub async fn give(
    store: &Store,
    actor: &Actor,
    enrolment_id: Uuid,
    rating: Rating,
    comment: Option<Comment>,
    now: DateTime<Utc>,
) -> Result<Feedback> {
    let e = enrolment::Entity::find_by_id(enrolment_id)
        .one(store.conn())
        .await?
        .filter(|e| e.person_id == actor.person_id)
        .ok_or(StoreError::NotFound("enrolment"))?;
    give_for(store, e, rating, comment, now).await
}

/// What a workshop's organisers read: counts, average, the distribution and the comments —
/// never who wrote them.
#[derive(Debug, Clone)]
pub struct WorkshopFeedback {
    /// Answers.
    pub count: u64,
    /// Mean rating, if any answers.
    pub average: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5.
    pub distribution: [u64; 5],
    /// Comments, newest first: (session, rating, comment, when).
    pub comments: Vec<(Uuid, i32, String, DateTime<Utc>)>,
}

/// Feedback on a workshop (organisers of its host, admins).
pub async fn of_workshop(store: &Store, actor: &Actor, workshop_id: Uuid) -> Result<WorkshopFeedback> {
    let w =
        workshop::Entity::find_by_id(workshop_id).one(store.conn()).await?.ok_or(StoreError::NotFound("workshop"))?;
    if !actor.may_manage_workshop(w.host_organisation_id) {
        let e = load_event(store.conn(), w.event_id).await?.ok_or(StoreError::NotFound("workshop"))?;
        return Err(if e.visible_to(actor) { StoreError::Forbidden } else { StoreError::NotFound("workshop") });
    }
    let rows = feedback::Entity::find()
        .filter(feedback::Column::WorkshopId.eq(workshop_id))
        .order_by_desc(feedback::Column::CreatedAt)
        .all(store.conn())
        .await?;
    let mut distribution = [0u64; 5];
    for f in &rows {
        distribution[(f.rating.clamp(1, 5) - 1) as usize] += 1;
    }
    let count = rows.len() as u64;
    let average = (count > 0).then(|| rows.iter().map(|f| f.rating as f64).sum::<f64>() / count as f64);
    let comments =
        rows.into_iter().filter_map(|f| f.comment.map(|c| (f.session_id, f.rating, c, f.created_at))).collect();
    Ok(WorkshopFeedback { count, average, distribution, comments })
}
