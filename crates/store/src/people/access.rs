//! Who may act as whom: roles granted and revoked, and a person's sign-ins (API tokens and
//! browser sessions) listed and revoked. A revoked role or sign-in stops working at the
//! person's next request: browser sessions read the roles on every request, and every change
//! here empties this process's cache of checked tokens (another process notices within
//! [`crate::sign_ins`]'s few seconds).

use super::roles_of;
use crate::auth::IDLE_TIMEOUT;
use crate::entities::{api_token, browser_session, person, person_role};
use crate::{Conflict, Result, Store, StoreError, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::Role;
use leerweek_domain::access::Actor;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

/// Grant a role (admins only). Granting a held role again changes nothing.
pub async fn grant_role(
    store: &Store,
    actor: &Actor,
    person_id: Uuid,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Vec<Role>> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    if person::Entity::find_by_id(person_id).one(&*txn).await?.is_none() {
        return Err(StoreError::NotFound("person"));
    }
    insert_role(&*txn, person_id, role, now).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "role.grant",
        ("person", person_id),
        None::<&()>,
        Some(&role.as_str()),
        now,
    )
    .await?;
    let roles = roles_of(&*txn, person_id).await?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(roles)
}

pub(super) async fn insert_role(
    c: &impl ConnectionTrait,
    person_id: Uuid,
    role: Role,
    now: DateTime<Utc>,
) -> Result<()> {
    let held = person_role::Entity::find_by_id((person_id, role.as_str().to_owned())).one(c).await?;
    if held.is_none() {
        person_role::ActiveModel {
            person_id: Set(person_id),
            role: Set(role.as_str().to_owned()),
            created_at: Set(now),
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// Revoke a role (admins only). Revoking a role not held changes nothing. The installation's
/// last admin keeps their role: without one, nobody could run it from the browser.
pub async fn revoke_role(
    store: &Store,
    actor: &Actor,
    person_id: Uuid,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Vec<Role>> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    if person::Entity::find_by_id(person_id).one(&*txn).await?.is_none() {
        return Err(StoreError::NotFound("person"));
    }
    let key = (person_id, role.as_str().to_owned());
    if person_role::Entity::find_by_id(key.clone()).one(&*txn).await?.is_some() {
        if role == Role::Admin {
            let admins = person_role::Entity::find()
                .filter(person_role::Column::Role.eq(Role::Admin.as_str()))
                .count(&*txn)
                .await?;
            if admins <= 1 {
                return Err(Conflict::LastAdmin.into());
            }
        }
        person_role::Entity::delete_by_id(key).exec(&*txn).await?;
        audit::record(
            &*txn,
            Some(actor.person_id),
            "role.revoke",
            ("person", person_id),
            Some(&role.as_str()),
            None::<&()>,
            now,
        )
        .await?;
    }
    let roles = roles_of(&*txn, person_id).await?;
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(roles)
}

/// How a person is signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInKind {
    /// A bearer token (scripts, integrations, the demo).
    Token,
    /// A browser session (cookie).
    Browser,
}

impl SignInKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignInKind::Token => "token",
            SignInKind::Browser => "browser",
        }
    }
}

/// One live sign-in of a person. The secret itself is never stored, so never shown.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// Id (to revoke it).
    pub id: Uuid,
    /// Token or browser session.
    pub kind: SignInKind,
    /// What a token is for, as given when it was issued.
    pub label: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When a browser session was last used.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// When it stops working by itself, if it does.
    pub expires_at: Option<DateTime<Utc>>,
}

fn may_see_sign_ins(actor: &Actor, person_id: Uuid) -> bool {
    actor.may_administer() || actor.person_id == person_id
}

/// A person's live sign-ins, newest first (admins, and the person themselves).
pub async fn sign_ins(store: &Store, actor: &Actor, person_id: Uuid, now: DateTime<Utc>) -> Result<Vec<SignIn>> {
    if !may_see_sign_ins(actor, person_id) {
        return Err(StoreError::NotFound("person"));
    }
    let c = store.conn();
    if person::Entity::find_by_id(person_id).one(c).await?.is_none() {
        return Err(StoreError::NotFound("person"));
    }
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::PersonId.eq(person_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .all(c)
        .await?;
    let sessions = browser_session::Entity::find()
        .filter(browser_session::Column::PersonId.eq(person_id))
        .filter(browser_session::Column::RevokedAt.is_null())
        .filter(browser_session::Column::AbsoluteExpiresAt.gt(now))
        .order_by_desc(browser_session::Column::CreatedAt)
        .all(c)
        .await?;
    let mut out: Vec<SignIn> = tokens
        .into_iter()
        .filter(|t| t.expires_at.is_none_or(|at| at > now))
        .map(|t| SignIn {
            id: t.id,
            kind: SignInKind::Token,
            label: t.label,
            created_at: t.created_at,
            last_seen_at: None,
            expires_at: t.expires_at,
        })
        .collect();
    out.extend(sessions.into_iter().filter(|s| now - s.last_seen_at < IDLE_TIMEOUT).map(|s| SignIn {
        id: s.id,
        kind: SignInKind::Browser,
        label: None,
        created_at: s.created_at,
        last_seen_at: Some(s.last_seen_at),
        expires_at: Some(s.absolute_expires_at.min(s.last_seen_at + IDLE_TIMEOUT)),
    }));
    out.sort_by_key(|s| std::cmp::Reverse(s.created_at));
    Ok(out)
}

/// Revoke one sign-in (a token or a browser session) by its id: admins, and its owner. It stops
/// working at the next request. Revoking one already revoked changes nothing.
pub async fn revoke_sign_in(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let txn = store.write().await?;
    // Whose it is, whether it still works, and which kind (ids are unique across both tables).
    let found = match api_token::Entity::find_by_id(id).one(&*txn).await? {
        Some(t) => Some((t.person_id, t.revoked_at.is_none(), SignInKind::Token)),
        None => browser_session::Entity::find_by_id(id)
            .one(&*txn)
            .await?
            .map(|s| (s.person_id, s.revoked_at.is_none(), SignInKind::Browser)),
    };
    let Some((person_id, live, kind)) = found.filter(|(owner, ..)| may_see_sign_ins(actor, *owner)) else {
        return Err(StoreError::NotFound("token"));
    };
    if live {
        let action = match kind {
            SignInKind::Token => {
                api_token::Entity::update_many()
                    .col_expr(api_token::Column::RevokedAt, Expr::value(now))
                    .filter(api_token::Column::Id.eq(id))
                    .exec(&*txn)
                    .await?;
                "token.revoke"
            }
            SignInKind::Browser => {
                browser_session::Entity::update_many()
                    .col_expr(browser_session::Column::RevokedAt, Expr::value(now))
                    .filter(browser_session::Column::Id.eq(id))
                    .exec(&*txn)
                    .await?;
                "session.revoke"
            }
        };
        audit::record(&*txn, Some(actor.person_id), action, ("person", person_id), None::<&()>, Some(&id), now).await?;
    }
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(())
}

/// Revoke an API token from the server's shell (`leerweek admin revoke-token`), by its id or by
/// the token itself: for the admin who has no browser at hand, or a token that leaked. Returns
/// the token's id and owner, or `None` when no token matches. Audited as `token.revoke` by
/// nobody in particular (the shell); revoking one already revoked changes nothing.
pub async fn revoke_token_from_shell(store: &Store, which: &str, now: DateTime<Utc>) -> Result<Option<(Uuid, Uuid)>> {
    let which = which.trim();
    let txn = store.write().await?;
    let found = match Uuid::parse_str(which) {
        Ok(id) => api_token::Entity::find_by_id(id).one(&*txn).await?,
        Err(_) => {
            api_token::Entity::find()
                .filter(api_token::Column::TokenHash.eq(super::hash_token(which)))
                .one(&*txn)
                .await?
        }
    };
    let Some(t) = found else { return Ok(None) };
    if t.revoked_at.is_none() {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(t.id))
            .exec(&*txn)
            .await?;
        audit::record(&*txn, None, "token.revoke", ("person", t.person_id), None::<&()>, Some(&t.id), now).await?;
    }
    txn.commit().await?;
    store.sign_ins().clear();
    Ok(Some((t.id, t.person_id)))
}
