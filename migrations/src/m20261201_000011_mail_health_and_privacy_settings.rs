//! What the console needs to run a week from the browser:
//!
//! - `outbox.first_failed_at`: when a mail's first delivery attempt failed (kept through its
//!   retries, cleared once it is sent), so the console can tell that mail has been failing for
//!   a while rather than for a moment.
//! - `privacy_settings`: one row with the retention period an admin set. Without the row the
//!   configured `privacy.retention_days` applies; the bounds are checked here as in the API.
//! - An index on the audit log's time, which every page of the log orders by.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(id("outbox")).add_column(instant("first_failed_at", false)).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(id("privacy_settings"))
                .col(ColumnDef::new(id("id")).integer().not_null().primary_key())
                .col(int("retention_days", true))
                .col(uuid("updated_by", false))
                .col(instant("updated_at", true))
                .check(check("ck_privacy_settings_one_row", "id = 1"))
                .check(check("ck_privacy_settings_retention", "retention_days BETWEEN 30 AND 3650"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["at"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_audit_log_at").table(id("audit_log")).to_owned()).await?;
        m.drop_table(Table::drop().table(id("privacy_settings")).to_owned()).await?;
        m.alter_table(Table::alter().table(id("outbox")).drop_column(id("first_failed_at")).to_owned()).await?;
        Ok(())
    }
}
