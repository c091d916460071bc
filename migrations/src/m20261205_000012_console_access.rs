//! What the coordinator's console needs to run an installation from the browser: API tokens
//! get an optional expiry and a label (so a list of them says what each is for), and a fresh
//! installation gets one-time set-up codes for its first admin (only their hashes are stored).

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(id("api_tokens"))
                .add_column(
                    instant("expires_at", false)
                        .check(Expr::cust("expires_at IS NULL OR expires_at > created_at"))
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(id("api_tokens"))
                .add_column(
                    text("label", false)
                        .check(Expr::cust("label IS NULL OR length(label) BETWEEN 1 AND 100"))
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("api_tokens", &["person_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(id("setup_codes"))
                .col(pk("id"))
                .col(text("code_hash", true))
                .col(instant("created_at", true))
                .col(instant("expires_at", true))
                .col(instant("used_at", false))
                .check(check("ck_setup_codes_expiry", "expires_at > created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("setup_codes", &["code_hash"], true)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(id("setup_codes")).to_owned()).await?;
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS ix_api_tokens_person_id").await?;
        for c in ["label", "expires_at"] {
            m.alter_table(Table::alter().table(id("api_tokens")).drop_column(id(c)).to_owned()).await?;
        }
        Ok(())
    }
}
