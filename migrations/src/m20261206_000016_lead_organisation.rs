//! A shared week has one lead organisation: the one that created it (admins can hand the lead to
//! another participating organisation). Only the lead's organisers and admins change the week's
//! settings, its organisations and its status; partners manage their own workshops and may leave.
//!
//! The lead is a flag on the week's organisation row, so that it is always one of the week's
//! organisations; a partial unique index keeps at most one per week. Existing weeks get the
//! organisation of whoever created them (from the audit), else the first of their organisations.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(id("event_organisations"))
                .add_column(boolean("is_lead").default(false).to_owned())
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE event_organisations SET is_lead = TRUE WHERE organisation_id = COALESCE( \
               (SELECT p.organisation_id FROM audit_log a \
                  JOIN people p ON p.id = a.actor_id \
                  JOIN event_organisations c ON c.event_id = a.subject_id AND c.organisation_id = p.organisation_id \
                 WHERE a.action = 'event.create' AND a.subject_type = 'event' \
                   AND a.subject_id = event_organisations.event_id \
                 ORDER BY a.at LIMIT 1), \
               (SELECT f.organisation_id FROM event_organisations f \
                 WHERE f.event_id = event_organisations.event_id ORDER BY f.organisation_id LIMIT 1))",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_event_organisations_lead ON event_organisations (event_id) WHERE is_lead",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS ux_event_organisations_lead").await?;
        m.alter_table(Table::alter().table(id("event_organisations")).drop_column(id("is_lead")).to_owned()).await
    }
}
