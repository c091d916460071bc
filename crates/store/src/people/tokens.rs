//! Bearer tokens (only their hashes are stored), the first admin, and calendar-feed tokens.

use super::{NewPerson, Person, find_by_email, insert_person, insert_role, roles_of};
use crate::entities::{api_token, organisation, person};
use crate::people::organisations::{ADMIN_ORGANISATION, insert_organisation};
use crate::{Result, Store, StoreError, audit, mapping};
use base64::Engine;
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_domain::{FieldError, Invalid, Language, Role};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub(crate) fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A bearer token to issue.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// For whom.
    pub person_id: Uuid,
    /// What it is for (shown in the list of sign-ins), 1–100 characters.
    pub label: Option<Name>,
    /// When it stops working by itself (after now); `None`: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

async fn insert_token(c: &impl ConnectionTrait, t: &NewToken, now: DateTime<Utc>) -> Result<String> {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let token = format!("lw_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(t.person_id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        revoked_at: Set(None),
        expires_at: Set(t.expires_at),
        label: Set(t.label.as_ref().map(|l| l.as_str().to_owned())),
    }
    .insert(c)
    .await?;
    Ok(token)
}

/// Issue a bearer token for a person (admins only). Only its hash is stored.
pub async fn issue_token(store: &Store, actor: &Actor, t: NewToken, now: DateTime<Utc>) -> Result<String> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    if t.expires_at.is_some_and(|at| at <= now) {
        return Err(FieldError::new("expires_at", Invalid::NotInFuture).into());
    }
    let txn = store.write().await?;
    if person::Entity::find_by_id(t.person_id).one(&*txn).await?.is_none() {
        return Err(StoreError::UnknownReference { field: "person_id".into() });
    }
    let token = insert_token(&*txn, &t, now).await?;
    let what = serde_json::json!({ "label": t.label.as_ref().map(Name::as_str), "expires_at": t.expires_at });
    audit::record(&*txn, Some(actor.person_id), "token.issue", ("person", t.person_id), None::<&()>, Some(&what), now)
        .await?;
    txn.commit().await?;
    Ok(token)
}

/// Issue a token without an actor: for the command line and the demo seed.
pub async fn issue_token_unchecked(store: &Store, person_id: Uuid, now: DateTime<Utc>) -> Result<String> {
    let txn = store.write().await?;
    let token = insert_token(&*txn, &NewToken { person_id, label: None, expires_at: None }, now).await?;
    txn.commit().await?;
    Ok(token)
}

/// The actor a bearer token belongs to, if the token is valid.
pub async fn authenticate(store: &Store, token: &str) -> Result<Option<Actor>> {
    if !token.starts_with("lw_") || token.len() > 100 {
        return Ok(None);
    }
    store.actor_of_token(hash_token(token)).await
}

/// Create (or find) an admin by e-mail and give them a fresh token: `leerweek admin create`.
pub async fn create_admin(
    store: &Store,
    email: EmailAddress,
    name: Name,
    now: DateTime<Utc>,
) -> Result<(Person, String)> {
    let txn = store.write().await?;
    let person = make_admin(&*txn, email, name, now).await?;
    let token = insert_token(&*txn, &NewToken { person_id: person.id, label: None, expires_at: None }, now).await?;
    audit::record(&*txn, None, "admin.create", ("person", person.id), None::<&()>, Some(&person), now).await?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok((mapping::person(&person), token))
}

/// The person with this address (made, in the admins' own organisation, when unknown), now
/// holding the admin role.
pub(super) async fn make_admin(
    c: &impl ConnectionTrait,
    email: EmailAddress,
    name: Name,
    now: DateTime<Utc>,
) -> Result<person::Model> {
    let person = match find_by_email(c, &email).await? {
        Some(p) => p,
        None => {
            let org = match organisation::Entity::find()
                .filter(organisation::Column::Name.eq(ADMIN_ORGANISATION))
                .one(c)
                .await?
            {
                Some(o) => o,
                None => insert_organisation(c, ADMIN_ORGANISATION, now).await?,
            };
            let p = NewPerson {
                email,
                name,
                organisation_id: org.id,
                org_unit_id: None,
                manager_id: None,
                language: Language::Nl,
            };
            insert_person(c, &p, now).await?
        }
    };
    insert_role(c, person.id, Role::Admin, now).await?;
    Ok(person)
}

/// When the person's calendar-feed token was made, if they have one.
pub async fn calendar_token_created(store: &Store, actor: &Actor) -> Result<Option<DateTime<Utc>>> {
    use crate::entities::calendar_token;
    Ok(calendar_token::Entity::find_by_id(actor.person_id).one(store.conn()).await?.map(|t| t.created_at))
}

/// Make a new secret calendar-feed token for the actor, replacing (revoking) the old one.
/// Only its hash is stored; the token is shown once.
pub async fn rotate_calendar_token(store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<String> {
    use crate::entities::calendar_token;
    let mut bytes = [0u8; 24];
    rand::fill(&mut bytes);
    let token = format!("cal_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let txn = store.write().await?;
    calendar_token::Entity::delete_by_id(actor.person_id).exec(&*txn).await?;
    calendar_token::ActiveModel {
        person_id: Set(actor.person_id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Revoke the actor's calendar-feed token.
pub async fn revoke_calendar_token(store: &Store, actor: &Actor) -> Result<()> {
    use crate::entities::calendar_token;
    calendar_token::Entity::delete_by_id(actor.person_id).exec(store.conn()).await?;
    Ok(())
}

/// The person a calendar-feed token belongs to.
pub async fn by_calendar_token(store: &Store, token: &str) -> Result<Option<(Person, Actor)>> {
    use crate::entities::calendar_token;
    if !token.starts_with("cal_") || token.len() > 100 {
        return Ok(None);
    }
    let Some(t) = calendar_token::Entity::find()
        .filter(calendar_token::Column::TokenHash.eq(hash_token(token)))
        .one(store.conn())
        .await?
    else {
        return Ok(None);
    };
    let Some(p) = person::Entity::find_by_id(t.person_id).one(store.conn()).await? else { return Ok(None) };
    if p.left_at.is_some() {
        return Ok(None);
    }
    let roles = roles_of(store.conn(), p.id).await?;
    let actor = Actor { person_id: p.id, organisation_id: p.organisation_id, roles };
    Ok(Some((mapping::person(&p), actor)))
}
