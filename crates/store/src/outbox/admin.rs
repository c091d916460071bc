//! The admins' view of the outbox: mails by state with their recipients, counts, whether mail
//! has been failing for a while, putting failed mail back in the queue, and a test mail.

use super::{Mail, MailKind, MailStatus, NewMail, mail, row};
use crate::entities::{outbox, person};
use crate::{Result, Store, StoreError, audit, mapping, search};
use chrono::{DateTime, Duration, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::people::Person;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set,
};
use uuid::Uuid;

/// How long mail must have been failing before the console warns: the earliest first failure
/// of a mail not yet sent, among those that failed after the last mail that went out, lies
/// more than this long ago. (One retry round with the default backoff lasts a few minutes; a
/// mail server that is away for longer than this needs someone to look.)
pub const FAILING_AFTER: Duration = Duration::minutes(15);

/// A mail with its recipient (none once the person is gone).
#[derive(Debug, Clone)]
pub struct Listed {
    /// The mail.
    pub mail: Mail,
    /// Its recipient.
    pub recipient: Option<Person>,
}

/// How many mails are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailCounts {
    /// Waiting to be sent (including those being retried).
    pub pending: u64,
    /// Of those waiting, the ones whose last attempt failed.
    pub retrying: u64,
    /// Given up; an admin can retry them.
    pub failed: u64,
    /// Sent.
    pub sent: u64,
}

/// Whether mail is going out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailHealth {
    /// Mails per state.
    pub counts: MailCounts,
    /// When the last mail was sent.
    pub last_sent_at: Option<DateTime<Utc>>,
    /// The earliest first failure of an unsent mail since the last mail that went out.
    pub failing_since: Option<DateTime<Utc>>,
    /// `failing_since` lies more than [`FAILING_AFTER`] before now.
    pub failing: bool,
}

fn searched(q: Select<outbox::Entity>, pattern: Option<&str>) -> Select<outbox::Entity> {
    let Some(p) = pattern else { return q };
    let recipients = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .cond_where(
            Condition::any()
                .add(search::contains((person::Entity, person::Column::Name), p))
                .add(search::contains((person::Entity, person::Column::Email), p)),
        )
        .to_owned();
    // The payload holds what the mail is about: the session's title, a message's subject.
    q.filter(
        Condition::any()
            .add(outbox::Column::PersonId.in_subquery(recipients))
            .add(search::contains((outbox::Entity, outbox::Column::Payload), p)),
    )
}

/// Mails in a state (any: `None`) whose recipient's name or address, or whose session title
/// or message subject, contains `q`; newest first, paged (admins). Also the counts per state
/// of the mails `q` finds.
pub async fn list(
    store: &Store,
    actor: &Actor,
    status: Option<MailStatus>,
    q: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Listed>, u64, MailCounts)> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let pattern = search::pattern(q);
    let mut query = searched(outbox::Entity::find(), pattern.as_deref());
    let counts = count(store, query.clone()).await?;
    if let Some(s) = status {
        query = query.filter(outbox::Column::Status.eq(s.as_str()));
    }
    let total = query.clone().count(store.conn()).await?;
    let rows = query
        .order_by_desc(outbox::Column::CreatedAt)
        .order_by_desc(outbox::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(store.conn())
        .await?;
    let people: std::collections::HashMap<Uuid, Person> = person::Entity::find()
        .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
        .all(store.conn())
        .await?
        .iter()
        .map(|p| (p.id, mapping::person(p)))
        .collect();
    let items = rows.iter().map(|r| Listed { mail: mail(r), recipient: people.get(&r.person_id).cloned() }).collect();
    Ok((items, total, counts))
}

async fn count(store: &Store, q: Select<outbox::Entity>) -> Result<MailCounts> {
    let per_status: Vec<(String, bool, i64)> = q
        .select_only()
        .column(outbox::Column::Status)
        .column_as(outbox::Column::LastError.is_not_null(), "retrying")
        .column_as(outbox::Column::Id.count(), "n")
        .group_by(outbox::Column::Status)
        .group_by(outbox::Column::LastError.is_not_null())
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut c = MailCounts::default();
    for (status, retrying, n) in per_status {
        let n = u64::try_from(n).unwrap_or(0);
        match mapping::mail_status(&status) {
            MailStatus::Pending => {
                c.pending += n;
                if retrying {
                    c.retrying += n;
                }
            }
            MailStatus::Failed => c.failed += n,
            MailStatus::Sent => c.sent += n,
        }
    }
    Ok(c)
}

/// Whether mail is going out (admins; see [`FAILING_AFTER`]).
pub async fn health(store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<MailHealth> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let counts = count(store, outbox::Entity::find()).await?;
    let last_sent_at: Option<DateTime<Utc>> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::SentAt)
        .filter(outbox::Column::Status.eq(MailStatus::Sent.as_str()))
        .order_by_desc(outbox::Column::SentAt)
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(store.conn())
        .await?
        .flatten();
    let mut failing = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::FirstFailedAt)
        .filter(outbox::Column::Status.ne(MailStatus::Sent.as_str()))
        .filter(outbox::Column::FirstFailedAt.is_not_null());
    if let Some(t) = last_sent_at {
        failing = failing.filter(outbox::Column::FirstFailedAt.gt(t));
    }
    let failing_since: Option<DateTime<Utc>> = failing
        .order_by_asc(outbox::Column::FirstFailedAt)
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(store.conn())
        .await?
        .flatten();
    let failing = failing_since.is_some_and(|t| now - t > FAILING_AFTER);
    Ok(MailHealth { counts, last_sent_at, failing_since, failing })
}

/// Put a failed or waiting mail back in the queue, due now, with a fresh count of attempts
/// (admins; audited). A sent mail stays as it is.
pub async fn retry(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<Mail> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    let found = outbox::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("mail"))?;
    let before = mapping::mail_status(&found.status);
    if before == MailStatus::Sent {
        return Ok(mail(&found));
    }
    let mut am: outbox::ActiveModel = found.into();
    am.status = Set(MailStatus::Pending.as_str().into());
    am.attempts = Set(0);
    am.next_attempt_at = Set(now);
    let after = am.update(&*txn).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "mail.retry",
        ("mail", id),
        Some(&before.as_str()),
        Some(&MailStatus::Pending.as_str()),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(mail(&after))
}

/// Put every failed mail back in the queue (admins; audited with the count). Returns how many.
pub async fn retry_failed(store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<u64> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    let n = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(MailStatus::Pending.as_str()))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now))
        .filter(outbox::Column::Status.eq(MailStatus::Failed.as_str()))
        .exec(&*txn)
        .await?
        .rows_affected;
    if n > 0 {
        // The subject is the outbox as a whole: the nil id.
        let after = serde_json::json!({ "count": n });
        audit::record(
            &*txn,
            Some(actor.person_id),
            "mail.retry_failed",
            ("outbox", Uuid::nil()),
            None::<&()>,
            Some(&after),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(n)
}

/// Queue a test mail to the admin themselves, through the outbox like every mail (audited).
pub async fn send_test(store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<Mail> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let new = NewMail {
        kind: MailKind::TestMail,
        person_id: actor.person_id,
        enrolment_id: None,
        session: None,
        calendar: None,
        extra: serde_json::json!({}),
    };
    let txn = store.write().await?;
    let queued = row(&new, None, now).into_active_model().insert(&*txn).await?;
    let after = serde_json::json!({ "kind": MailKind::TestMail.as_str() });
    audit::record(&*txn, Some(actor.person_id), "mail.test", ("mail", queued.id), None::<&()>, Some(&after), now)
        .await?;
    txn.commit().await?;
    Ok(mail(&queued))
}
