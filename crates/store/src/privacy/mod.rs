//! Privacy (AVG/GDPR): a person's export (their own, or any by an admin), erasure by an admin,
//! the audit log (`audit_log`), and the retention period with its anonymisation (`retention`).

mod audit_log;
mod erase;
mod retention;

pub use audit_log::{AuditEntry, AuditFilter, audit_log};
pub use erase::{ERASED_NAME, Erased, erase};
pub use retention::{ANONYMOUS_NAME, Retention, anonymise_archived, retention, set_retention};

use crate::entities::{
    api_token, audit, browser_session, calendar_token, certificate, enrolment, feedback, outbox, person, person_role,
    person_skill, reflection, skill_assessment, sso_identity,
};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// Everything stored about the actor, as JSON.
pub async fn export(store: &Store, actor: &Actor) -> Result<serde_json::Value> {
    export_of(store, actor.person_id).await
}

/// Everything stored about a person, as JSON (admins: the same document the person gets from
/// [`export`]; others learn nothing: "not found"). The reading of someone else's data is audited.
pub async fn export_person(
    store: &Store,
    actor: &Actor,
    person_id: Uuid,
    now: DateTime<Utc>,
) -> Result<serde_json::Value> {
    if !actor.may_administer() {
        return Err(StoreError::NotFound("person")); // telling nothing about who exists
    }
    let doc = export_of(store, person_id).await?;
    let txn = store.write().await?;
    crate::audit::record(
        &*txn,
        Some(actor.person_id),
        "person.export",
        ("person", person_id),
        None::<&()>,
        None::<&()>,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(doc)
}

async fn export_of(store: &Store, id: Uuid) -> Result<serde_json::Value> {
    let c = store.conn();
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
    let skills = person_skill::Entity::find().filter(person_skill::Column::PersonId.eq(id)).all(c).await?;
    let ratings = skill_assessment::Entity::find().filter(skill_assessment::Column::PersonId.eq(id)).all(c).await?;
    let reflections = reflection::Entity::find().filter(reflection::Column::PersonId.eq(id)).all(c).await?;
    let certificates = certificate::Entity::find().filter(certificate::Column::PersonId.eq(id)).all(c).await?;
    let klussen = crate::assignments::done::export_of(c, id).await?;
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
        "skills": skills,
        "skill_assessments": ratings,
        "reflections": reflections,
        "certificates": certificates,
        "klussenbank": klussen,
        "sign_in_accounts": accounts.iter().map(|a| serde_json::json!({"issuer": a.issuer, "subject": a.subject, "created_at": a.created_at, "last_used_at": a.last_used_at})).collect::<Vec<_>>(),
        "audit": about,
    }))
}
