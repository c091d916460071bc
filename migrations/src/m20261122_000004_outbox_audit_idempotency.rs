//! The mail outbox (rows written in the transaction of the change that causes them), the audit
//! log of organiser and admin actions, and stored answers to idempotent requests.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("outbox"))
                .col(pk("id"))
                .col(text("kind", true))
                .col(uuid("person_id", true))
                .col(uuid("session_id", false))
                .col(uuid("enrolment_id", false))
                .col(text("payload", true))
                .col(text("status", true))
                .col(int("attempts", true))
                .col(instant("next_attempt_at", true))
                .col(instant("created_at", true))
                .col(instant("sent_at", false))
                .col(text("last_error", false))
                .foreign_key(&mut fk("outbox", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_outbox_status", "status IN ('pending', 'sent', 'failed')"))
                .check(check("ck_outbox_attempts", "attempts >= 0"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("outbox", &["status", "next_attempt_at"], false)).await?;
        m.create_index(index("outbox", &["enrolment_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("audit_log"))
                .col(pk("id"))
                .col(uuid("actor_id", false))
                .col(text("action", true))
                .col(text("subject_type", true))
                .col(uuid("subject_id", true))
                .col(text("before", false))
                .col(text("after", false))
                .col(instant("at", true))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["subject_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("idempotency_keys"))
                .col(uuid("actor_id", true))
                .col(text("key", true))
                .col(text("request_fingerprint", true))
                .col(int("response_status", true))
                .col(text("response_body", true))
                .col(instant("created_at", true))
                .primary_key(Index::create().col(id("actor_id")).col(id("key")))
                .check(check("ck_idempotency_key", "length(key) BETWEEN 1 AND 255"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["idempotency_keys", "audit_log", "outbox"] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        Ok(())
    }
}
