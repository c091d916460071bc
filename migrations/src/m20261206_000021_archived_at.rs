//! When a week was archived (`events.archived_at`): retention counts its days from there. It
//! counted from `updated_at`, so any later edit of an archived week (its name, say) started the
//! clock again and kept people's data longer than the admin set. Only an archived week has it;
//! weeks archived before are given their `updated_at`, the best the database knows.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The column check is one existing rows meet before the update below (SQLite checks them
        // when the column is added, and adds checks only this way).
        m.alter_table(
            Table::alter()
                .table(id("events"))
                .add_column(
                    instant("archived_at", false)
                        .check(Expr::cust("archived_at IS NULL OR status = 'archived'"))
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("UPDATE events SET archived_at = updated_at WHERE status = 'archived'")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(id("events")).drop_column(id("archived_at")).to_owned()).await
    }
}
