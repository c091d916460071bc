//! Calendar invites that stay right: a SEQUENCE counter per person and session (so an update or
//! cancel always outranks what the calendar has), revocable per-person feed tokens, and the
//! reminder setting of an event with a mark on each enrolment once its reminder is queued.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("calendar_sequences"))
                .col(uuid("person_id", true))
                .col(uuid("session_id", true))
                .col(int("sequence", true))
                .primary_key(Index::create().col(id("person_id")).col(id("session_id")))
                .foreign_key(&mut fk("calendar_sequences", "person_id", "people", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("calendar_sequences", "session_id", "sessions", ForeignKeyAction::Cascade))
                .check(check("ck_calendar_sequences_sequence", "sequence >= 0"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(id("calendar_tokens"))
                .col(ColumnDef::new(id("person_id")).uuid().not_null().primary_key())
                .col(text("token_hash", true))
                .col(instant("created_at", true))
                .foreign_key(&mut fk("calendar_tokens", "person_id", "people", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("calendar_tokens", &["token_hash"], true)).await?;

        m.alter_table(
            Table::alter()
                .table(id("events"))
                .add_column(
                    ColumnDef::new(id("reminder_hours_before"))
                        .integer()
                        .not_null()
                        .default(24)
                        .check(Expr::cust("reminder_hours_before BETWEEN 0 AND 336")),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(id("enrolments"))
                .add_column(ColumnDef::new(id("reminder_queued_at")).timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(id("enrolments")).drop_column(id("reminder_queued_at")).to_owned()).await?;
        m.alter_table(Table::alter().table(id("events")).drop_column(id("reminder_hours_before")).to_owned()).await?;
        for t in ["calendar_tokens", "calendar_sequences"] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        Ok(())
    }
}
