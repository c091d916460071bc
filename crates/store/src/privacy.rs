//! Privacy (AVG/GDPR): a person's own export, erasure by an admin, and the audit log.

use crate::entities::{
    api_token, audit, browser_session, calendar_token, enrolment, feedback, outbox, person, person_role, sign_in_token,
    sso_identity,
};
use crate::{Result, Store, StoreError, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::people::Person;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Everything stored about the actor, as JSON.
pub async fn export(store: &Store, actor: &Actor) -> Result<serde_json::Value> {
    let c = store.conn();
    let id = actor.person_id;
    let p = person::Entity::find_by_id(id).one(c).await?.ok_or(StoreError::NotFound("person"))?;
    let roles = person_role::Entity::find().filter(person_role::Column::PersonId.eq(id)).all(c).await?;
    let enrolments = enrolment::Entity::find().filter(enrolment::Column::PersonId.eq(id)).all(c).await?;
    let mails = outbox::Entity::find()
        .filter(outbox::Column::PersonId.eq(id))
        .order_by_asc(outbox::Column::CreatedAt)
        .all(c)
        .await?;
    let tokens = api_token::Entity::find().filter(api_token::Column::PersonId.eq(id)).all(c).await?;
    let sessions = browser_session::Entity::find().filter(browser_session::Column::PersonId.eq(id)).all(c).await?;
    let calendar = calendar_token::Entity::find_by_id(id).one(c).await?;
    let accounts = sso_identity::Entity::find().filter(sso_identity::Column::PersonId.eq(id)).all(c).await?;
    let given = feedback::Entity::find()
        .filter(feedback::Column::EnrolmentId.is_in(enrolments.iter().map(|e| e.id)))
        .all(c)
        .await?;
    let about = audit::Entity::find()
        .filter(audit::Column::SubjectId.eq(id).or(audit::Column::ActorId.eq(id)))
        .order_by_asc(audit::Column::At)
        .all(c)
        .await?;
    // Secrets are never exported, not even their hashes: only that they exist and when.
    Ok(serde_json::json!({
        "exported_at": Utc::now(),
        "person": p,
        "roles": roles.iter().map(|r| &r.role).collect::<Vec<_>>(),
        "enrolments": enrolments,
        "mails": mails.iter().map(|m| serde_json::json!({"id": m.id, "kind": m.kind, "status": m.status, "created_at": m.created_at, "sent_at": m.sent_at})).collect::<Vec<_>>(),
        "api_tokens": tokens.iter().map(|t| serde_json::json!({"created_at": t.created_at, "revoked_at": t.revoked_at})).collect::<Vec<_>>(),
        "browser_sessions": sessions.iter().map(|s| serde_json::json!({"created_at": s.created_at, "last_seen_at": s.last_seen_at, "revoked_at": s.revoked_at})).collect::<Vec<_>>(),
        "calendar_feed": calendar.map(|t| serde_json::json!({"created_at": t.created_at})),
        "feedback": given,
        "sign_in_accounts": accounts.iter().map(|a| serde_json::json!({"issuer": a.issuer, "subject": a.subject, "created_at": a.created_at, "last_used_at": a.last_used_at})).collect::<Vec<_>>(),
        "audit": about,
    }))
}

/// Erase a person (admins): name and e-mail are replaced, credentials and pending mail go,
/// enrolments stay (anonymous) so that attendance figures remain right.
pub async fn erase(store: &Store, actor: &Actor, person_id: Uuid, now: DateTime<Utc>) -> Result<Person> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    person::Entity::find_by_id(person_id).one(&*txn).await?.ok_or(StoreError::NotFound("person"))?;
    let simple = person_id.simple().to_string();
    person::Entity::update_many()
        .col_expr(person::Column::Name, Expr::value("Verwijderde persoon"))
        .col_expr(person::Column::Email, Expr::value(format!("verwijderd-{simple}@erased.invalid")))
        .col_expr(person::Column::ManagerId, Expr::value(Option::<Uuid>::None))
        .filter(person::Column::Id.eq(person_id))
        .exec(&*txn)
        .await?;
    person::Entity::update_many()
        .col_expr(person::Column::ManagerId, Expr::value(Option::<Uuid>::None))
        .filter(person::Column::ManagerId.eq(person_id))
        .exec(&*txn)
        .await?;
    api_token::Entity::delete_many().filter(api_token::Column::PersonId.eq(person_id)).exec(&*txn).await?;
    browser_session::Entity::delete_many().filter(browser_session::Column::PersonId.eq(person_id)).exec(&*txn).await?;
    sign_in_token::Entity::delete_many().filter(sign_in_token::Column::PersonId.eq(person_id)).exec(&*txn).await?;
    sso_identity::Entity::delete_many().filter(sso_identity::Column::PersonId.eq(person_id)).exec(&*txn).await?;
    // Ratings stay in the figures; comments are their own words and go.
    let own: Vec<Uuid> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Id)
        .filter(enrolment::Column::PersonId.eq(person_id))
        .into_tuple()
        .all(&*txn)
        .await?;
    feedback::Entity::update_many()
        .col_expr(feedback::Column::Comment, Expr::value(Option::<String>::None))
        .filter(feedback::Column::EnrolmentId.is_in(own))
        .exec(&*txn)
        .await?;
    calendar_token::Entity::delete_by_id(person_id).exec(&*txn).await?;
    person_role::Entity::delete_many().filter(person_role::Column::PersonId.eq(person_id)).exec(&*txn).await?;
    // Mail carries the name and address; sent mail is history we no longer need either.
    outbox::Entity::delete_many().filter(outbox::Column::PersonId.eq(person_id)).exec(&*txn).await?;
    crate::audit::record(
        &*txn,
        Some(actor.person_id),
        "person.erase",
        ("person", person_id),
        None::<&()>,
        None::<&()>,
        now,
    )
    .await?;
    let erased = person::Entity::find_by_id(person_id).one(&*txn).await?.ok_or(StoreError::NotFound("person"))?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(mapping::person(&erased))
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Id.
    pub id: Uuid,
    /// Who did it (`None`: the system, or the command line).
    pub actor_id: Option<Uuid>,
    /// What was done (`event.update`, `person.erase`, …).
    pub action: String,
    /// The kind of thing it was done to.
    pub subject_type: String,
    /// The thing.
    pub subject_id: Uuid,
    /// The thing before, as JSON.
    pub before: Option<String>,
    /// The thing after, as JSON.
    pub after: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<audit::Model> for AuditEntry {
    fn from(a: audit::Model) -> Self {
        AuditEntry {
            id: a.id,
            actor_id: a.actor_id,
            action: a.action,
            subject_type: a.subject_type,
            subject_id: a.subject_id,
            before: a.before,
            after: a.after,
            at: a.at,
        }
    }
}

/// A page of the audit log, newest first (admins), optionally about one subject.
pub async fn audit_log(
    store: &Store,
    actor: &Actor,
    subject_id: Option<Uuid>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<AuditEntry>, u64)> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let mut q = audit::Entity::find();
    if let Some(s) = subject_id {
        q = q.filter(audit::Column::SubjectId.eq(s));
    }
    let total = q.clone().count(store.conn()).await?;
    let rows = q
        .order_by_desc(audit::Column::At)
        .order_by_desc(audit::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(store.conn())
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

/// Name given to the stand-in of a participant whose data has been anonymised.
pub const ANONYMOUS_NAME: &str = "Anonieme deelnemer";

/// Retention: in events archived before `archived_before`, every enrolment is moved to an
/// anonymous stand-in of the same organisation and unit (so participation figures per
/// organisation and unit stay right) and its mail is deleted. Returns how many enrolments.
pub async fn anonymise_archived(store: &Store, archived_before: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
    use crate::entities::{calendar_sequence, event};
    use sea_orm::{ActiveModelTrait, Set};
    let events: Vec<Uuid> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::Status.eq("archived"))
        .filter(event::Column::UpdatedAt.lt(archived_before))
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut total = 0;
    for event_id in events {
        let txn = store.write().await?;
        let rows = enrolment::Entity::find().filter(enrolment::Column::EventId.eq(event_id)).all(&*txn).await?;
        let people: std::collections::HashMap<Uuid, person::Model> = person::Entity::find()
            .filter(person::Column::Id.is_in(rows.iter().map(|e| e.person_id)))
            .all(&*txn)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for e in rows {
            let Some(p) = people.get(&e.person_id) else { continue };
            if p.name == ANONYMOUS_NAME {
                continue; // done before
            }
            let stand_in = person::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(format!("anoniem-{}@anonymised.invalid", e.id.simple())),
                name: Set(ANONYMOUS_NAME.to_owned()),
                organisation_id: Set(p.organisation_id),
                org_unit_id: Set(p.org_unit_id),
                manager_id: Set(None),
                language: Set("nl".to_owned()),
                created_at: Set(now),
                left_at: Set(None),
            }
            .insert(&*txn)
            .await?;
            calendar_sequence::Entity::delete_many()
                .filter(calendar_sequence::Column::PersonId.eq(e.person_id))
                .filter(calendar_sequence::Column::SessionId.eq(e.session_id))
                .exec(&*txn)
                .await?;
            outbox::Entity::delete_many().filter(outbox::Column::EnrolmentId.eq(e.id)).exec(&*txn).await?;
            enrolment::Entity::update_many()
                .col_expr(enrolment::Column::PersonId, Expr::value(stand_in.id))
                .col_expr(enrolment::Column::CancelledBy, Expr::value(Option::<Uuid>::None))
                .filter(enrolment::Column::Id.eq(e.id))
                .exec(&*txn)
                .await?;
            total += 1;
        }
        txn.commit().await?;
        store.sign_ins().clear();
    }
    Ok(total)
}
