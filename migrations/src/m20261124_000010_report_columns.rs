//! What reports on a national week need to answer fast (1,000,000 enrolments in well under a
//! second, also on SQLite): each enrolment remembers the organisation and unit its person
//! belonged to when enrolling (a week's figures stay with where people came from, even if they
//! move later) and the minutes of development it credits once attended; and covering indexes
//! let every report read one index of the week instead of joining row by row.

use crate::util::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let (uuid_type, minutes) = match m.get_database_backend() {
            DatabaseBackend::Postgres => ("uuid", "ROUND(EXTRACT(EPOCH FROM (s.ends_at - s.starts_at)) / 60)"),
            _ => ("uuid_text", "ROUND((julianday(s.ends_at) - julianday(s.starts_at)) * 1440)"),
        };
        db.execute_unprepared(&format!(
            "ALTER TABLE enrolments ADD COLUMN organisation_id {uuid_type} REFERENCES organisations (id)"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "ALTER TABLE enrolments ADD COLUMN org_unit_id {uuid_type} REFERENCES org_units (id) ON DELETE SET NULL"
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(id("enrolments"))
                .add_column(
                    int("credited_minutes", false)
                        .check(Expr::cust(
                            "credited_minutes IS NULL OR (attendance = 'present' AND credited_minutes > 0)",
                        ))
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        for column in ["organisation_id", "org_unit_id"] {
            db.execute_unprepared(&format!(
                "UPDATE enrolments SET {column} = (SELECT p.{column} FROM people p WHERE p.id = enrolments.person_id)"
            ))
            .await?;
        }
        db.execute_unprepared(&format!(
            "UPDATE enrolments SET credited_minutes = \
             (SELECT CAST({minutes} AS INTEGER) FROM sessions s WHERE s.id = enrolments.session_id) \
             WHERE attendance = 'present'"
        ))
        .await?;
        // Per organisation, unit and person (participation, people), per session (workshops),
        // per session and organisation of those present (the mix).
        db.execute_unprepared(
            "CREATE INDEX ix_enrolments_report_unit ON enrolments \
             (event_id, status, organisation_id, org_unit_id, person_id, attendance, credited_minutes)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX ix_enrolments_report_session ON enrolments (event_id, session_id, status, attendance)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX ix_enrolments_report_mix ON enrolments (event_id, attendance, session_id, organisation_id)",
        )
        .await?;
        m.create_index(
            index("feedback", &["session_id", "rating"], false).name("ix_feedback_session_rating").to_owned(),
        )
        .await?;
        // People by name (pages of the per-person report), and the anonymous stand-ins of
        // retention, which are not employees.
        m.create_index(index("people", &["name", "id"], false)).await?;
        db.execute_unprepared(
            "CREATE INDEX ix_people_stand_ins ON people (organisation_id, org_unit_id) \
             WHERE email LIKE '%@anonymised.invalid'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for i in [
            "ix_enrolments_report_unit",
            "ix_enrolments_report_session",
            "ix_enrolments_report_mix",
            "ix_feedback_session_rating",
            "ix_people_name_id",
            "ix_people_stand_ins",
        ] {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {i}")).await?;
        }
        for c in ["credited_minutes", "org_unit_id", "organisation_id"] {
            m.alter_table(Table::alter().table(id("enrolments")).drop_column(id(c)).to_owned()).await?;
        }
        Ok(())
    }
}
