//! Single sign-on with each organisation's own OpenID Connect provider: the provider settings
//! per organisation, the accounts (issuer + subject) linked to people so a changed address
//! cannot move an account to someone else, and the pending sign-ins between the redirect to
//! the provider and its answer (state, PKCE verifier and nonce, bound to the browser).

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("sso_providers"))
                .col(ColumnDef::new(id("organisation_id")).uuid().not_null().primary_key())
                .col(text("issuer", true))
                .col(text("client_id", true))
                .col(text("client_secret", false))
                .col(text("allowed_domains", true))
                .col(boolean("create_people"))
                .col(boolean("enabled"))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .foreign_key(&mut fk("sso_providers", "organisation_id", "organisations", ForeignKeyAction::Cascade))
                .check(check(
                    "ck_sso_providers_issuer",
                    "length(issuer) BETWEEN 9 AND 500 AND (issuer LIKE 'https://%' OR issuer LIKE 'http://%')",
                ))
                .check(check("ck_sso_providers_client_id", "length(client_id) BETWEEN 1 AND 255"))
                .check(check("ck_sso_providers_domains", "length(allowed_domains) >= 3"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(id("sso_identities"))
                .col(pk("id"))
                .col(uuid("person_id", true))
                .col(text("issuer", true))
                .col(text("subject", true))
                .col(instant("created_at", true))
                .col(instant("last_used_at", true))
                .foreign_key(&mut fk("sso_identities", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_sso_identities_subject", "length(subject) BETWEEN 1 AND 255"))
                .to_owned(),
        )
        .await?;
        // One person per account, and one account per person at each provider.
        m.create_index(index("sso_identities", &["issuer", "subject"], true)).await?;
        m.create_index(index("sso_identities", &["person_id", "issuer"], true)).await?;

        m.create_table(
            Table::create()
                .table(id("sso_logins"))
                .col(pk("id"))
                .col(text("state_hash", true))
                .col(text("browser_hash", true))
                .col(uuid("organisation_id", true))
                .col(text("pkce_verifier", true))
                .col(text("nonce", true))
                .col(text("return_to", true))
                .col(instant("created_at", true))
                .col(instant("expires_at", true))
                .col(instant("used_at", false))
                .foreign_key(&mut fk("sso_logins", "organisation_id", "organisations", ForeignKeyAction::Cascade))
                .check(check("ck_sso_logins_expiry", "expires_at > created_at"))
                // Only paths of this site: no open redirect.
                .check(check("ck_sso_logins_return_to", "return_to LIKE '/%' AND return_to NOT LIKE '//%'"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sso_logins", &["state_hash"], true)).await?;
        m.create_index(index("sso_logins", &["expires_at"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["sso_logins", "sso_identities", "sso_providers"] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        Ok(())
    }
}
