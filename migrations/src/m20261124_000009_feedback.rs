//! Feedback after an attended session: one rating (1–5) with an optional comment per enrolment.
//! The request goes out by mail once, with a link that carries a secret token (stored hashed)
//! so the person can answer without signing in.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(id("enrolments")).add_column(text("feedback_token_hash", false)).to_owned())
            .await?;
        m.alter_table(
            Table::alter().table(id("enrolments")).add_column(instant("feedback_requested_at", false)).to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_enrolments_feedback_token ON enrolments (feedback_token_hash) \
                 WHERE feedback_token_hash IS NOT NULL",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(id("feedback"))
                .col(pk("id"))
                .col(uuid("enrolment_id", true))
                .col(uuid("session_id", true))
                .col(uuid("workshop_id", true))
                .col(int("rating", true))
                .col(text("comment", false))
                .col(instant("created_at", true))
                .foreign_key(&mut fk("feedback", "enrolment_id", "enrolments", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("feedback", "session_id", "sessions", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("feedback", "workshop_id", "workshops", ForeignKeyAction::Cascade))
                .check(check("ck_feedback_rating", "rating BETWEEN 1 AND 5"))
                .check(check("ck_feedback_comment", "comment IS NULL OR length(comment) BETWEEN 1 AND 2000"))
                .to_owned(),
        )
        .await?;
        // Once per enrolment.
        m.create_index(index("feedback", &["enrolment_id"], true)).await?;
        m.create_index(index("feedback", &["workshop_id"], false)).await?;
        m.create_index(index("feedback", &["session_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(id("feedback")).to_owned()).await?;
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS ux_enrolments_feedback_token").await?;
        for c in ["feedback_requested_at", "feedback_token_hash"] {
            m.alter_table(Table::alter().table(id("enrolments")).drop_column(id(c)).to_owned()).await?;
        }
        Ok(())
    }
}
