//! Erasure on request (AVG article 17), by an admin: nothing that names the person stays behind.

use super::audit_log;
use crate::entities::{
    api_token, audit, browser_session, calendar_token, enrolment, feedback, outbox, person, person_role, sign_in_token,
    sso_identity, sso_provider,
};
use crate::{Result, Store, StoreError, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::people::Person;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

/// The name an erased person is left with.
pub const ERASED_NAME: &str = "Verwijderde persoon";

/// What an erasure did.
#[derive(Debug, Clone)]
pub struct Erased {
    /// The person as they are now (the stand-in name and address).
    pub person: Person,
    /// The mails to them that were removed from the outbox: a file transport's copies (named by
    /// these ids) go too.
    pub mails: Vec<Uuid>,
    /// Places in sessions still to come that were released to the waiting list.
    pub places_released: u32,
}

/// Erase a person (admins): name and e-mail are replaced (also where the audit log recorded
/// them), credentials and mail go, their places in sessions still to come are released to the
/// waiting list, the reasons organisers gave for cancelling them and a sign-in test that showed
/// their claims are dropped. Enrolments that took place stay (anonymous) so that attendance
/// figures remain right. The erasure's own audit entry names only the person's id.
pub async fn erase(store: &Store, actor: &Actor, person_id: Uuid, now: DateTime<Utc>) -> Result<Erased> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    if person_id == actor.person_id {
        return Err(crate::Conflict::ErasingYourself.into());
    }
    let txn = store.write().await?;
    let was = person::Entity::find_by_id(person_id).one(&*txn).await?.ok_or(StoreError::NotFound("person"))?;
    let simple = person_id.simple().to_string();
    let erased_email = format!("verwijderd-{simple}@erased.invalid");
    let places_released = crate::enrolments::release_for_erasure(&*txn, store, person_id, actor.person_id, now).await?;
    person::Entity::update_many()
        .col_expr(person::Column::Name, Expr::value(ERASED_NAME))
        .col_expr(person::Column::Email, Expr::value(erased_email.clone()))
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
        .filter(feedback::Column::EnrolmentId.is_in(own.clone()))
        .exec(&*txn)
        .await?;
    calendar_token::Entity::delete_by_id(person_id).exec(&*txn).await?;
    crate::skills::mine::erase_in(&*txn, person_id).await?;
    crate::portfolio::reflections::forget(&*txn, Some(person_id), None).await?;
    crate::assignments::done::erase_in(&*txn, person_id).await?;
    crate::certificates::forget_person(&*txn, person_id, ERASED_NAME, "person erased", now).await?;
    person_role::Entity::delete_many().filter(person_role::Column::PersonId.eq(person_id)).exec(&*txn).await?;
    // Mail carries the name and address; sent mail is history we no longer need either. A
    // manager's approval request names them too.
    let about_them = sea_orm::Condition::any().add(outbox::Column::PersonId.eq(person_id)).add(
        sea_orm::Condition::all()
            .add(outbox::Column::Kind.eq(leerweek_domain::MailKind::ApprovalRequest.as_str()))
            .add(outbox::Column::EnrolmentId.is_in(own.clone())),
    );
    let mails: Vec<Uuid> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(about_them.clone())
        .into_tuple()
        .all(&*txn)
        .await?;
    outbox::Entity::delete_many().filter(about_them).exec(&*txn).await?;
    // A manager's reason for declining them is about them too.
    enrolment::Entity::update_many()
        .col_expr(enrolment::Column::ApprovalReason, Expr::value(Option::<String>::None))
        .filter(enrolment::Column::Id.is_in(own.clone()))
        .exec(&*txn)
        .await?;
    audit_log::scrub(&*txn, (&was.name, &was.email), (ERASED_NAME, &erased_email)).await?;
    // Why an organiser cancelled them is about them: the reason goes, the cancellation stays.
    let cancellations = audit::Entity::find()
        .filter(audit::Column::Action.is_in(["enrolment.cancel", "enrolment.decline"]))
        .filter(audit::Column::SubjectId.is_in(own))
        .all(&*txn)
        .await?;
    for row in cancellations {
        let Some(after) = row.after.as_deref().and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()) else {
            continue;
        };
        let Some(after) = without_reasons(after) else { continue };
        let mut am: audit::ActiveModel = row.into();
        am.after = Set(Some(after.to_string()));
        am.update(&*txn).await?;
    }
    // A sign-in test an admin ran as themselves kept what the provider said about them.
    sso_provider::Entity::update_many()
        .col_expr(sso_provider::Column::TestResult, Expr::value(Option::<String>::None))
        .filter(sso_provider::Column::TestResult.contains(&was.email))
        .exec(&*txn)
        .await?;
    let after = serde_json::json!({ "places_released": places_released, "mails_removed": mails.len() });
    crate::audit::record(
        &*txn,
        Some(actor.person_id),
        "person.erase",
        ("person", person_id),
        None::<&()>,
        Some(&after),
        now,
    )
    .await?;
    let erased = person::Entity::find_by_id(person_id).one(&*txn).await?.ok_or(StoreError::NotFound("person"))?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(Erased { person: mapping::person(&erased), mails, places_released })
}

/// An audit entry's "after" without the reasons given about the person: a cancellation's
/// `reason`, a decline's `enrolment.approval_reason`; `None` when it held none.
fn without_reasons(mut after: serde_json::Value) -> Option<serde_json::Value> {
    let mut removed = false;
    if let Some(fields) = after.as_object_mut() {
        removed |= fields.remove("reason").is_some();
        if let Some(e) = fields.get_mut("enrolment").and_then(|e| e.as_object_mut())
            && e.get("approval_reason").is_some_and(|r| !r.is_null())
        {
            e.insert("approval_reason".into(), serde_json::Value::Null);
            removed = true;
        }
    }
    removed.then_some(after)
}
