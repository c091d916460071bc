//! An admin tests an organisation's provider: the same flow as signing in, from the same
//! browser, but the answer only tells what Leerweek *would* do. Nobody is signed in, linked or
//! created; the outcome (with what the provider said about the test account) is kept on the
//! provider until its connection settings change, so the console can show it.

use super::{SsoProvider, find_known, policy};
use crate::entities::sso_provider;
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::sso::{Asserted, SignIn, SignInRefused, decide};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the provider said about the account used for a test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestClaims {
    /// `sub`.
    pub subject: String,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified`.
    pub email_verified: Option<bool>,
    /// `name`.
    pub name: Option<String>,
}

impl TestClaims {
    /// The claims of an answer, each cut to a length the console can show.
    pub fn of(a: &Asserted) -> Self {
        let cut = |s: &str| s.chars().take(200).collect::<String>();
        TestClaims {
            subject: cut(&a.subject),
            email: a.email.as_deref().map(cut),
            email_verified: a.email_verified,
            name: a.name.as_deref().map(cut),
        }
    }
}

/// The last test of a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    /// When the provider answered.
    pub at: DateTime<Utc>,
    /// What Leerweek would have done (`would-sign-in`, `would-link`, `would-create`), or why it
    /// would have refused or where the flow failed (the sign-in page's `fout` slugs).
    pub outcome: String,
    /// Whether a real sign-in with this account would have succeeded.
    pub ok: bool,
    /// What the provider said, when it got that far.
    pub claims: Option<TestClaims>,
}

/// The provider of an organisation, switched on or not: an admin tests before switching on.
pub async fn provider_for_test(store: &Store, organisation_id: Uuid) -> Result<Option<SsoProvider>> {
    Ok(sso_provider::Entity::find_by_id(organisation_id).one(store.conn()).await?.map(Into::into))
}

/// What signing in with this verified answer would do, without doing it (reads only).
pub async fn preview(
    store: &Store,
    provider: &SsoProvider,
    asserted: &Asserted,
) -> Result<std::result::Result<SignIn, SignInRefused>> {
    let (by_subject, by_email) = find_known(store.conn(), &provider.issuer, asserted).await?;
    Ok(decide(&policy(provider), asserted, by_subject, by_email))
}

/// Keep a test's outcome on the provider; audited as `sso_provider.test` (the outcome only, not
/// the claims: those are a person's data). A provider removed meanwhile is not found.
pub async fn record_test(
    store: &Store,
    tested_by: Uuid,
    organisation_id: Uuid,
    result: &TestResult,
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = store.write().await?;
    let before = sso_provider::Entity::find_by_id(organisation_id)
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound("sign-in provider"))?;
    let json = serde_json::to_string(result).map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
    let mut row: sso_provider::ActiveModel = before.into();
    row.tested_at = Set(Some(result.at));
    row.test_result = Set(Some(json));
    row.update(&*txn).await?;
    audit::record(
        &*txn,
        Some(tested_by),
        "sso_provider.test",
        ("organisation", organisation_id),
        None::<&()>,
        Some(&serde_json::json!({"outcome": result.outcome, "ok": result.ok})),
        now,
    )
    .await?;
    txn.commit().await
}
