//! Attendance: who came. Each enrolment gets a personal check-in code (unique, so a code of
//! another session can be named as such), the attendance mark with when and by whom, and the
//! check-in time. Sessions get an optional trainer (a person who may check people in) and the
//! moment their attendance list was closed; events get their no-show policy.
//!
//! Expand only: new nullable columns, existing enrolments get a random code here.

use crate::util::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let add = |column: ColumnDef| Table::alter().table(id("enrolments")).add_column(column).to_owned();
        m.alter_table(add(text("check_in_code", false)
            .check(Expr::cust("check_in_code IS NULL OR length(check_in_code) = 12"))
            .to_owned()))
            .await?;
        m.alter_table(add(instant("attendance_marked_at", false)
            // A mark has a time, and only confirmed enrolments are marked.
            .check(Expr::cust(
                "(attendance IS NULL) = (attendance_marked_at IS NULL) AND (attendance IS NULL OR status = 'confirmed')",
            ))
            .to_owned()))
            .await?;
        m.alter_table(add(uuid("attendance_marked_by", false))).await?;
        m.alter_table(add(instant("checked_in_at", false)
            .check(Expr::cust("checked_in_at IS NULL OR attendance = 'present'"))
            .to_owned()))
            .await?;
        let db = m.get_connection();
        let (uuid_type, random_code) = match m.get_database_backend() {
            DatabaseBackend::Postgres => ("uuid", "upper(substr(md5(random()::text || id::text), 1, 12))"),
            _ => ("uuid_text", "upper(hex(randomblob(6)))"),
        };
        db.execute_unprepared(&format!("UPDATE enrolments SET check_in_code = {random_code}")).await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_enrolments_check_in_code ON enrolments (check_in_code) \
             WHERE check_in_code IS NOT NULL",
        )
        .await?;

        db.execute_unprepared(&format!(
            "ALTER TABLE sessions ADD COLUMN trainer_id {uuid_type} REFERENCES people (id) ON DELETE SET NULL"
        ))
        .await?;
        m.create_index(index("sessions", &["trainer_id"], false)).await?;
        m.alter_table(
            Table::alter().table(id("sessions")).add_column(instant("attendance_closed_at", false)).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(id("events"))
                .add_column(
                    ColumnDef::new(id("no_show_policy"))
                        .text()
                        .not_null()
                        .default("automatic")
                        .check(Expr::cust("no_show_policy IN ('automatic', 'on_close')")),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS ux_enrolments_check_in_code").await?;
        m.drop_index(Index::drop().name("ix_sessions_trainer_id").table(id("sessions")).to_owned()).await?;
        for c in ["checked_in_at", "attendance_marked_by", "attendance_marked_at", "check_in_code"] {
            m.alter_table(Table::alter().table(id("enrolments")).drop_column(id(c)).to_owned()).await?;
        }
        for c in ["attendance_closed_at", "trainer_id"] {
            m.alter_table(Table::alter().table(id("sessions")).drop_column(id(c)).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(id("events")).drop_column(id("no_show_policy")).to_owned()).await?;
        Ok(())
    }
}
