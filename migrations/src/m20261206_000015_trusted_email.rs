//! A provider's address counts as verified only when it says so (`email_verified: true`), or
//! when an admin chose to trust that provider's addresses (`trust_email`, off by default).

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(id("sso_providers"))
                .add_column(boolean("trust_email").default(false).to_owned())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(id("sso_providers")).drop_column(id("trust_email")).to_owned()).await
    }
}
