//! Sign-in by mail link (one-time tokens, stored hashed) and browser sessions (opaque id in a
//! cookie, stored hashed, with idle and absolute expiry and a CSRF token).

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("sign_in_tokens"))
                .col(pk("id"))
                .col(uuid("person_id", true))
                .col(text("token_hash", true))
                .col(instant("created_at", true))
                .col(instant("expires_at", true))
                .col(instant("used_at", false))
                .foreign_key(&mut fk("sign_in_tokens", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_sign_in_tokens_expiry", "expires_at > created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sign_in_tokens", &["token_hash"], true)).await?;

        m.create_table(
            Table::create()
                .table(id("browser_sessions"))
                .col(pk("id"))
                .col(uuid("person_id", true))
                .col(text("session_hash", true))
                .col(text("csrf_token", true))
                .col(instant("created_at", true))
                .col(instant("last_seen_at", true))
                .col(instant("absolute_expires_at", true))
                .col(instant("revoked_at", false))
                .foreign_key(&mut fk("browser_sessions", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_browser_sessions_expiry", "absolute_expires_at > created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("browser_sessions", &["session_hash"], true)).await?;
        m.create_index(index("browser_sessions", &["person_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["browser_sessions", "sign_in_tokens"] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        Ok(())
    }
}
