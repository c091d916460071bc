//! Enrolments: confirmed, waitlisted (with a queue number) or cancelled. Partial unique indexes
//! keep one active enrolment per person per session and one queue number per session.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("enrolments"))
                .col(pk("id"))
                .col(uuid("session_id", true))
                .col(uuid("person_id", true))
                .col(uuid("event_id", true))
                .col(text("status", true))
                .col(bigint("waitlist_seq", false))
                .col(instant("created_at", true))
                .col(instant("confirmed_at", false))
                .col(instant("cancelled_at", false))
                .col(uuid("cancelled_by", false))
                .col(text("attendance", false))
                .foreign_key(&mut fk("enrolments", "session_id", "sessions", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("enrolments", "person_id", "people", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("enrolments", "event_id", "events", ForeignKeyAction::Restrict))
                .check(check("ck_enrolments_status", "status IN ('confirmed', 'waitlisted', 'cancelled')"))
                .check(check("ck_enrolments_queue", "(status = 'waitlisted') = (waitlist_seq IS NOT NULL)"))
                .check(check("ck_enrolments_confirmed_at", "status <> 'confirmed' OR confirmed_at IS NOT NULL"))
                .check(check("ck_enrolments_cancelled_at", "status <> 'cancelled' OR cancelled_at IS NOT NULL"))
                .check(check(
                    "ck_enrolments_attendance",
                    "attendance IS NULL OR attendance IN ('present', 'absent', 'excused')",
                ))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        // Portable SQL: both SQLite and PostgreSQL support partial indexes.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_enrolments_active ON enrolments (session_id, person_id) \
             WHERE status <> 'cancelled'",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_enrolments_queue ON enrolments (session_id, waitlist_seq) \
             WHERE status = 'waitlisted'",
        )
        .await?;
        m.create_index(index("enrolments", &["person_id", "event_id"], false)).await?;
        m.create_index(index("enrolments", &["session_id", "status"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(id("enrolments")).to_owned()).await
    }
}
