//! Sign-in by one-time mail link and browser sessions. Tokens and session ids are random,
//! shown once, and stored only as hashes.

use crate::entities::{browser_session, organisation, person, sign_in_token, sso_provider};
use crate::outbox::{self, MailKind, NewMail};
use crate::people::{hash_token, roles_of};
use crate::{Result, Store};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::text::EmailAddress;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// How long a sign-in link works.
pub const LINK_VALIDITY: Duration = Duration::minutes(15);
/// A session ends after this long without use.
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
/// A session ends this long after sign-in, used or not.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);

pub(crate) fn secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether this person signs in only through their organisation's own provider: the
/// organisation switched mail-link sign-in off and its provider is switched on. Admins always
/// keep the mail link, as the way back in when a provider fails.
async fn sso_only(c: &impl sea_orm::ConnectionTrait, p: &person::Model) -> Result<bool> {
    let Some(org) = organisation::Entity::find_by_id(p.organisation_id).one(c).await? else { return Ok(false) };
    if org.mail_link_sign_in {
        return Ok(false);
    }
    let provider_on = sso_provider::Entity::find_by_id(org.id).one(c).await?.is_some_and(|sp| sp.enabled);
    Ok(provider_on && !roles_of(c, p.id).await?.contains(&leerweek_domain::model::Role::Admin))
}

/// Queue a one-time sign-in link for the person with this address, if there is one. Answers
/// the same either way, so nobody learns whether an address is known. Where the person's
/// organisation signs its people in only through its own provider, the mail says so and links
/// to that provider's sign-in instead (no token is made).
///
/// `site` is the public address of the site, e.g. `https://leerweek.example.nl`.
pub async fn request_link(store: &Store, email: &EmailAddress, site: &str, now: DateTime<Utc>) -> Result<()> {
    // Looked up outside the write gate: an address nobody has (a stranger, a typo, a flood of
    // made-up ones) costs a read and never queues behind the writers.
    let Some(p) = person::Entity::find().filter(person::Column::Email.eq(email.as_str())).one(store.conn()).await?
    else {
        return Ok(());
    };
    if p.left_at.is_some() {
        // Gone (an import no longer lists them): no link, and the same answer as for a stranger.
        return Ok(());
    }
    let txn = store.write().await?;
    if sso_only(&*txn, &p).await? {
        let link = format!("{site}/aanmelden/sso/{}", p.organisation_id);
        let extra = serde_json::json!({"link": link, "via_sso": true});
        let mail = NewMail {
            kind: MailKind::SignInLink,
            person_id: p.id,
            enrolment_id: None,
            session: None,
            calendar: None,
            extra,
        };
        outbox::enqueue(&*txn, mail, now).await?;
        return txn.commit().await;
    }
    let token = secret("si_");
    sign_in_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(p.id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(now + LINK_VALIDITY),
        used_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    let link = format!("{site}/aanmelden?token={token}");
    outbox::enqueue(
        &*txn,
        NewMail {
            kind: MailKind::SignInLink,
            person_id: p.id,
            enrolment_id: None,
            session: None,
            calendar: None,
            extra: serde_json::json!({"link": link}),
        },
        now,
    )
    .await?;
    txn.commit().await
}

/// A new browser session: the cookie value (shown once) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Goes into the cookie.
    pub secret: String,
    /// Must accompany every cookie-authenticated write, as `X-CSRF-Token`.
    pub csrf_token: String,
    /// The session ends at the latest then.
    pub expires_at: DateTime<Utc>,
    /// Who signed in.
    pub person_id: Uuid,
}

/// Use a sign-in link once: a valid, unused, unexpired token becomes a browser session.
pub async fn redeem_link(store: &Store, token: &str, now: DateTime<Utc>) -> Result<Option<NewSession>> {
    if !token.starts_with("si_") || token.len() > 100 {
        return Ok(None);
    }
    let txn = store.write().await?;
    let Some(t) =
        sign_in_token::Entity::find().filter(sign_in_token::Column::TokenHash.eq(hash_token(token))).one(&*txn).await?
    else {
        return Ok(None);
    };
    if t.used_at.is_some() || now >= t.expires_at {
        return Ok(None);
    }
    let Some(p) = person::Entity::find_by_id(t.person_id).one(&*txn).await? else { return Ok(None) };
    if p.left_at.is_some() || sso_only(&*txn, &p).await? {
        // Gone, or mail links were switched off for their organisation after this one was sent.
        return Ok(None);
    }
    // Used once, also when two requests bring it at the same moment: on PostgreSQL the second
    // UPDATE waits for the first to commit, then finds it used and changes nothing.
    let claimed = sign_in_token::Entity::update_many()
        .col_expr(sign_in_token::Column::UsedAt, Expr::value(now))
        .filter(sign_in_token::Column::Id.eq(t.id))
        .filter(sign_in_token::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(None);
    }
    let s = insert_session(&*txn, t.person_id, now).await?;
    txn.commit().await?;
    Ok(Some(s))
}

pub(crate) async fn insert_session(
    c: &impl sea_orm::ConnectionTrait,
    person_id: Uuid,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let s =
        NewSession { secret: secret("ses_"), csrf_token: secret(""), expires_at: now + ABSOLUTE_TIMEOUT, person_id };
    browser_session::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person_id),
        session_hash: Set(hash_token(&s.secret)),
        csrf_token: Set(s.csrf_token.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        absolute_expires_at: Set(s.expires_at),
        revoked_at: Set(None),
    }
    .insert(c)
    .await?;
    Ok(s)
}

/// Start a browser session for the person with this address without a link: only for the
/// demo persona picker, which the server offers on loopback addresses alone.
pub async fn demo_session(store: &Store, email: &EmailAddress, now: DateTime<Utc>) -> Result<Option<NewSession>> {
    let txn = store.write().await?;
    let Some(p) = person::Entity::find().filter(person::Column::Email.eq(email.as_str())).one(&*txn).await? else {
        return Ok(None);
    };
    if p.left_at.is_some() {
        return Ok(None);
    }
    let s = insert_session(&*txn, p.id, now).await?;
    txn.commit().await?;
    Ok(Some(s))
}

/// A live browser session.
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// Who it belongs to.
    pub actor: Actor,
    /// Its CSRF token.
    pub csrf_token: String,
    /// When it ends at the latest.
    pub expires_at: DateTime<Utc>,
}

/// The session behind a cookie value, if it is live (not revoked, not idle too long, not past
/// its absolute end). Using it moves its idle clock (at most once a minute, to spare writes).
pub async fn session(store: &Store, secret: &str, now: DateTime<Utc>) -> Result<Option<LiveSession>> {
    if !secret.starts_with("ses_") || secret.len() > 100 {
        return Ok(None);
    }
    let Some(s) = browser_session::Entity::find()
        .filter(browser_session::Column::SessionHash.eq(hash_token(secret)))
        .one(store.conn())
        .await?
    else {
        return Ok(None);
    };
    if s.revoked_at.is_some() || now >= s.absolute_expires_at || now - s.last_seen_at >= IDLE_TIMEOUT {
        return Ok(None);
    }
    if now - s.last_seen_at > Duration::minutes(1) {
        browser_session::Entity::update_many()
            .col_expr(browser_session::Column::LastSeenAt, Expr::value(now))
            .filter(browser_session::Column::Id.eq(s.id))
            .exec(store.conn())
            .await?;
    }
    let Some(p) = person::Entity::find_by_id(s.person_id).one(store.conn()).await? else { return Ok(None) };
    if p.left_at.is_some() {
        return Ok(None);
    }
    let roles = roles_of(store.conn(), p.id).await?;
    Ok(Some(LiveSession {
        actor: Actor { person_id: p.id, organisation_id: p.organisation_id, roles },
        csrf_token: s.csrf_token,
        expires_at: s.absolute_expires_at,
    }))
}

/// End one session (sign out).
pub async fn end_session(store: &Store, secret: &str, now: DateTime<Utc>) -> Result<()> {
    browser_session::Entity::update_many()
        .col_expr(browser_session::Column::RevokedAt, Expr::value(now))
        .filter(browser_session::Column::SessionHash.eq(hash_token(secret)))
        .exec(store.conn())
        .await?;
    Ok(())
}

/// End every browser session of a person (sign out everywhere). Returns how many ended.
pub async fn end_all_sessions(store: &Store, person_id: Uuid, now: DateTime<Utc>) -> Result<u64> {
    let r = browser_session::Entity::update_many()
        .col_expr(browser_session::Column::RevokedAt, Expr::value(now))
        .filter(browser_session::Column::PersonId.eq(person_id))
        .filter(browser_session::Column::RevokedAt.is_null())
        .exec(store.conn())
        .await?;
    Ok(r.rows_affected)
}
