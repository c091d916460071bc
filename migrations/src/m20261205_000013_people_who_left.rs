//! People who left: an import may mark the people of an organisation that its file no longer
//! lists as gone. They keep their row (their enrolments and attendance are history) but can no
//! longer sign in; a later import that lists them again clears the mark.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(id("people")).add_column(instant("left_at", false)).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(id("people")).drop_column(id("left_at")).to_owned()).await
    }
}
