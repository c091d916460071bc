//! Keys the installation keeps for itself (issue 25, mails that let people act).
//!
//! - `installation_keys`: one row per purpose. `mail_links` signs the links in mails that act
//!   without signing in (one-click cancel, a manager's approve and decline): every server
//!   process on the database signs and checks with the same key. Made on first use; 32 random
//!   bytes, base64url (43 characters).

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("installation_keys"))
                .col(text("purpose", true).primary_key().to_owned())
                .col(text("secret", true))
                .col(instant("created_at", true))
                .check(check("ck_installation_keys_purpose", "purpose IN ('mail_links')"))
                .check(check("ck_installation_keys_secret", "length(secret) = 43"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(id("installation_keys")).to_owned()).await
    }
}
