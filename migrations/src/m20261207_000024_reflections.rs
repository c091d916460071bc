//! Reflections (issue 26): after a session a person writes what they learned (`learned`) and
//! what they will do with it (`will_do`), one reflection per seat. Private to them unless
//! `shared_with_manager`. They go with the person's other data on erasure and retention.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("reflections"))
                .col(ColumnDef::new(id("enrolment_id")).uuid().not_null().primary_key())
                .col(uuid("person_id", true))
                .col(text("learned", true))
                .col(text("will_do", true))
                .col(boolean("shared_with_manager"))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .foreign_key(&mut fk("reflections", "enrolment_id", "enrolments", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("reflections", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_reflections_length", "length(learned) <= 2000 AND length(will_do) <= 2000"))
                .check(check("ck_reflections_not_empty", "length(learned) > 0 OR length(will_do) > 0"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("reflections", &["person_id"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(id("reflections")).to_owned()).await
    }
}
