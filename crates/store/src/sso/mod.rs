//! Single sign-on with an organisation's OpenID Connect provider: its settings (admins), the
//! pending sign-ins between the redirect and the provider's answer, and turning a verified
//! answer into a browser session. The protocol itself (discovery, tokens, signatures) is the
//! api crate's; this module keeps state and applies [`leerweek_domain::sso::decide`]. An admin's
//! test sign-in ([`trial`]) runs the same flow but signs nobody in.

mod trial;

pub use trial::{TestClaims, TestResult, preview, provider_for_test, record_test};

use crate::auth::{NewSession, insert_session};
use crate::entities::{organisation, person, sso_identity, sso_login, sso_provider};
use crate::people::hash_token;
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, Duration, Utc};
use leerweek_domain::Language;
use leerweek_domain::access::Actor;
use leerweek_domain::sso::{
    Asserted, ClientId, ClientSecret, EmailDomains, IssuerUrl, Known, SignIn, SignInRefused, SsoPolicy, decide,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// How long a pending sign-in waits for the provider's answer.
pub const LOGIN_VALIDITY: Duration = Duration::minutes(10);

/// What to do with the stored client secret.
#[derive(Debug, Clone)]
pub enum SecretChange {
    /// Keep what is stored (or none).
    Keep,
    /// Remove it: a public client that relies on PKCE alone.
    Clear,
    /// Store this one.
    Set(ClientSecret),
}

/// An organisation's provider settings, parsed.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// The provider's issuer.
    pub issuer: IssuerUrl,
    /// Leerweek's client id there.
    pub client_id: ClientId,
    /// The client secret.
    pub client_secret: SecretChange,
    /// Addresses the provider may vouch for.
    pub domains: EmailDomains,
    /// Create unknown people of those domains on their first sign-in.
    pub create_people: bool,
    /// Offered on the sign-in page.
    pub enabled: bool,
    /// Take the provider's `email` as verified when it sends no `email_verified`.
    pub trust_email: bool,
}

/// An organisation's provider, as stored. The client secret is redacted from `Debug`.
#[derive(Clone)]
pub struct SsoProvider {
    /// Whose provider.
    pub organisation_id: Uuid,
    /// The provider's issuer.
    pub issuer: String,
    /// Leerweek's client id there.
    pub client_id: String,
    /// The client secret, if the client has one.
    pub client_secret: Option<String>,
    /// Addresses the provider may vouch for.
    pub allowed_domains: EmailDomains,
    /// Create unknown people of those domains on their first sign-in.
    pub create_people: bool,
    /// Offered on the sign-in page.
    pub enabled: bool,
    /// Take the provider's `email` as verified when it sends no `email_verified`.
    pub trust_email: bool,
    /// Set up.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// What the last test sign-in found, since the connection settings last changed.
    pub last_test: Option<TestResult>,
}

impl std::fmt::Debug for SsoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoProvider")
            .field("organisation_id", &self.organisation_id)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "[redacted]"))
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl From<sso_provider::Model> for SsoProvider {
    fn from(m: sso_provider::Model) -> Self {
        SsoProvider {
            organisation_id: m.organisation_id,
            allowed_domains: EmailDomains::from_stored(&m.allowed_domains),
            issuer: m.issuer,
            client_id: m.client_id,
            client_secret: m.client_secret,
            create_people: m.create_people,
            enabled: m.enabled,
            trust_email: m.trust_email,
            created_at: m.created_at,
            updated_at: m.updated_at,
            last_test: m.test_result.as_deref().and_then(|t| serde_json::from_str(t).ok()),
        }
    }
}

fn public_view(m: &sso_provider::Model) -> serde_json::Value {
    serde_json::json!({
        "issuer": m.issuer, "client_id": m.client_id, "client_secret_set": m.client_secret.is_some(),
        "allowed_domains": m.allowed_domains, "create_people": m.create_people, "enabled": m.enabled,
        "trust_email": m.trust_email,
    })
}

/// Set an organisation's provider (admins). Returns the row and whether it is new.
pub async fn put_provider(
    store: &Store,
    actor: &Actor,
    organisation_id: Uuid,
    s: ProviderSettings,
    now: DateTime<Utc>,
) -> Result<(SsoProvider, bool)> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    organisation::Entity::find_by_id(organisation_id).one(&*txn).await?.ok_or(StoreError::NotFound("organisation"))?;
    let before = sso_provider::Entity::find_by_id(organisation_id).one(&*txn).await?;
    let secret = match (&s.client_secret, &before) {
        (SecretChange::Keep, Some(b)) => b.client_secret.clone(),
        (SecretChange::Keep, None) | (SecretChange::Clear, _) => None,
        (SecretChange::Set(v), _) => Some(v.expose().to_owned()),
    };
    // A test tells about the connection it tried: it goes when the connection changes.
    let same_connection = before.as_ref().is_some_and(|b| {
        b.issuer == s.issuer.as_str()
            && b.client_id == s.client_id.as_str()
            && b.client_secret == secret
            && b.allowed_domains == s.domains.to_stored()
            && b.create_people == s.create_people
            && b.trust_email == s.trust_email
    });
    let (tested_at, test_result) = match (&before, same_connection) {
        (Some(b), true) => (b.tested_at, b.test_result.clone()),
        _ => (None, None),
    };
    let row = sso_provider::ActiveModel {
        organisation_id: Set(organisation_id),
        issuer: Set(s.issuer.as_str().to_owned()),
        client_id: Set(s.client_id.as_str().to_owned()),
        client_secret: Set(secret),
        allowed_domains: Set(s.domains.to_stored()),
        create_people: Set(s.create_people),
        enabled: Set(s.enabled),
        trust_email: Set(s.trust_email),
        created_at: Set(before.as_ref().map_or(now, |b| b.created_at)),
        updated_at: Set(now),
        tested_at: Set(tested_at),
        test_result: Set(test_result),
    };
    let saved = if before.is_some() { row.update(&*txn).await? } else { row.insert(&*txn).await? };
    audit::record(
        &*txn,
        Some(actor.person_id),
        "sso_provider.put",
        ("organisation", organisation_id),
        before.as_ref().map(public_view).as_ref(),
        Some(&public_view(&saved)),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((saved.into(), before.is_none()))
}

/// An organisation's provider settings (admins).
pub async fn get_provider(store: &Store, actor: &Actor, organisation_id: Uuid) -> Result<SsoProvider> {
    if !actor.may_administer() {
        return Err(StoreError::NotFound("sign-in provider"));
    }
    sso_provider::Entity::find_by_id(organisation_id)
        .one(store.conn())
        .await?
        .map(Into::into)
        .ok_or(StoreError::NotFound("sign-in provider"))
}

/// Remove an organisation's provider (admins). Linked accounts stay, so that a provider set up
/// again later signs the same people in.
pub async fn delete_provider(store: &Store, actor: &Actor, organisation_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    let before = sso_provider::Entity::find_by_id(organisation_id)
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound("sign-in provider"))?;
    sso_provider::Entity::delete_by_id(organisation_id).exec(&*txn).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "sso_provider.delete",
        ("organisation", organisation_id),
        Some(&public_view(&before)),
        None::<&()>,
        now,
    )
    .await?;
    txn.commit().await
}

/// The organisations whose provider is offered on the sign-in page: `(organisation id, name)`,
/// by name. Public.
pub async fn offered(store: &Store) -> Result<Vec<(Uuid, String)>> {
    let providers =
        sso_provider::Entity::find().filter(sso_provider::Column::Enabled.eq(true)).all(store.conn()).await?;
    let mut orgs: Vec<(Uuid, String)> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(providers.iter().map(|p| p.organisation_id)))
        .order_by_asc(organisation::Column::Name)
        .all(store.conn())
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    orgs.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(orgs)
}

/// The enabled provider of an organisation, for signing in (no actor: the visitor is anonymous).
pub async fn provider_for_sign_in(store: &Store, organisation_id: Uuid) -> Result<Option<SsoProvider>> {
    Ok(sso_provider::Entity::find_by_id(organisation_id).one(store.conn()).await?.filter(|p| p.enabled).map(Into::into))
}

/// A sign-in on its way to the provider. (No `Debug`: it holds the PKCE verifier.)
#[derive(Clone)]
pub struct PendingLogin {
    /// The `state` sent to the provider (stored hashed).
    pub state: String,
    /// The random value in the browser's binding cookie (stored hashed).
    pub browser: String,
    /// Whose provider.
    pub organisation_id: Uuid,
    /// PKCE code verifier.
    pub pkce_verifier: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// Where to go after signing in: a path of this site.
    pub return_to: String,
    /// Set when an admin tests the provider: then nobody is signed in, the outcome is kept.
    pub tested_by: Option<Uuid>,
}

/// Remember a pending sign-in; forgets those expired a day ago. Returns the browser binding to
/// set in the cookie: `p.browser` when it is one of ours (so two tabs can sign in at once), else
/// a new one.
pub async fn begin_login(store: &Store, mut p: PendingLogin, now: DateTime<Utc>) -> Result<String> {
    if !(p.browser.starts_with("sb_") && p.browser.len() <= 100) {
        p.browser = crate::auth::secret("sb_");
    }
    let txn = store.write().await?;
    sso_login::Entity::delete_many()
        .filter(sso_login::Column::ExpiresAt.lt(now - Duration::days(1)))
        .exec(&*txn)
        .await?;
    sso_login::ActiveModel {
        id: Set(Uuid::now_v7()),
        state_hash: Set(hash_token(&p.state)),
        browser_hash: Set(hash_token(&p.browser)),
        organisation_id: Set(p.organisation_id),
        pkce_verifier: Set(p.pkce_verifier),
        nonce: Set(p.nonce),
        return_to: Set(p.return_to),
        tested_by: Set(p.tested_by),
        created_at: Set(now),
        expires_at: Set(now + LOGIN_VALIDITY),
        used_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(p.browser)
}

/// Take a pending sign-in once: the `state` the provider sent back, from the same browser that
/// started it, unused and not expired. `None` for anything else.
pub async fn take_login(
    store: &Store,
    state: &str,
    browser: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<PendingLogin>> {
    if state.is_empty() || state.len() > 200 {
        return Ok(None);
    }
    let txn = store.write().await?;
    let Some(l) =
        sso_login::Entity::find().filter(sso_login::Column::StateHash.eq(hash_token(state))).one(&*txn).await?
    else {
        return Ok(None);
    };
    let same_browser = browser.is_some_and(|b| hash_token(b) == l.browser_hash);
    if l.used_at.is_some() || now >= l.expires_at || !same_browser {
        return Ok(None);
    }
    // Taken once, also when the provider's answer arrives twice at the same moment.
    let taken = sso_login::Entity::update_many()
        .col_expr(sso_login::Column::UsedAt, Expr::value(now))
        .filter(sso_login::Column::Id.eq(l.id))
        .filter(sso_login::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    txn.commit().await?;
    Ok(Some(PendingLogin {
        state: state.to_owned(),
        browser: browser.unwrap_or_default().to_owned(),
        organisation_id: l.organisation_id,
        pkce_verifier: l.pkce_verifier,
        nonce: l.nonce,
        return_to: l.return_to,
        tested_by: l.tested_by,
    }))
}

/// Sign in whom a verified answer of `organisation_id`'s provider names: the linked person, the
/// person with the address (linking the account now), or a new person of the organisation when
/// it allows that. Starts a browser session.
pub async fn sign_in(
    store: &Store,
    provider: &SsoProvider,
    asserted: &Asserted,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let issuer = provider.issuer.as_str();
    let txn = store.write().await?;
    let (by_subject, by_email) = find_known(&*txn, issuer, asserted).await?;
    let decision = decide(&policy(provider), asserted, by_subject, by_email).map_err(StoreError::SignIn)?;
    let person_id = match decision {
        SignIn::Linked(id) => {
            sso_identity::Entity::update_many()
                .col_expr(sso_identity::Column::LastUsedAt, Expr::value(now))
                .filter(sso_identity::Column::Issuer.eq(issuer))
                .filter(sso_identity::Column::Subject.eq(&asserted.subject))
                .exec(&*txn)
                .await?;
            id
        }
        SignIn::Link(id) => {
            link(&*txn, id, issuer, &asserted.subject, now).await?;
            audit::record(&*txn, Some(id), "sso.link", ("person", id), None::<&()>, Some(&issuer), now).await?;
            id
        }
        SignIn::Create { email, name } => {
            let p = person::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(email.as_str().to_owned()),
                name: Set(name.as_str().to_owned()),
                organisation_id: Set(provider.organisation_id),
                org_unit_id: Set(None),
                manager_id: Set(None),
                language: Set(Language::Nl.as_str().to_owned()),
                created_at: Set(now),
                left_at: Set(None),
            }
            .insert(&*txn)
            .await?;
            link(&*txn, p.id, issuer, &asserted.subject, now).await?;
            audit::record(&*txn, None, "person.create_by_sso", ("person", p.id), None::<&()>, Some(&p), now).await?;
            p.id
        }
    };
    let session = insert_session(&*txn, person_id, now).await?;
    txn.commit().await?;
    Ok(session)
}

fn policy(provider: &SsoProvider) -> SsoPolicy {
    SsoPolicy {
        organisation_id: provider.organisation_id,
        domains: provider.allowed_domains.clone(),
        create_people: provider.create_people,
        trust_email: provider.trust_email,
    }
}

/// The person linked to the answer's subject at this issuer, and else the person with its
/// address (with the subject they are linked to at this issuer), for [`decide`].
async fn find_known(
    c: &impl sea_orm::ConnectionTrait,
    issuer: &str,
    asserted: &Asserted,
) -> Result<(Option<Known>, Option<(Known, Option<String>)>)> {
    let linked = sso_identity::Entity::find()
        .filter(sso_identity::Column::Issuer.eq(issuer))
        .filter(sso_identity::Column::Subject.eq(&asserted.subject))
        .one(c)
        .await?;
    let by_subject = match &linked {
        Some(i) => person::Entity::find_by_id(i.person_id).one(c).await?.map(known),
        None => None,
    };
    let by_email = match asserted.email.as_deref().map(str::trim).map(str::to_lowercase) {
        Some(email) if by_subject.is_none() => {
            match person::Entity::find().filter(person::Column::Email.eq(email)).one(c).await? {
                Some(p) => {
                    let account = sso_identity::Entity::find()
                        .filter(sso_identity::Column::PersonId.eq(p.id))
                        .filter(sso_identity::Column::Issuer.eq(issuer))
                        .one(c)
                        .await?;
                    Some((known(p), account.map(|a| a.subject)))
                }
                None => None,
            }
        }
        _ => None,
    };
    Ok((by_subject, by_email))
}

fn known(p: person::Model) -> Known {
    Known { person_id: p.id, organisation_id: p.organisation_id, left: p.left_at.is_some() }
}

async fn link(
    c: &impl sea_orm::ConnectionTrait,
    person_id: Uuid,
    issuer: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sso_identity::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person_id),
        issuer: Set(issuer.to_owned()),
        subject: Set(subject.to_owned()),
        created_at: Set(now),
        last_used_at: Set(now),
    }
    .insert(c)
    .await
    .map_err(|e| match StoreError::from(e) {
        // Two first sign-ins of one account at once: the other one linked it.
        StoreError::Conflict(_) => StoreError::SignIn(SignInRefused::SubjectConflict),
        other => other,
    })?;
    Ok(())
}
