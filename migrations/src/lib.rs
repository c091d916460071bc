//! Leerweek's migrations: one definition for SQLite and PostgreSQL, one change per file,
//! never edited after landing. No seed data here.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_organisations_and_people;
mod m20261122_000002_events_workshops_sessions;
mod m20261122_000003_enrolments;
mod m20261122_000004_outbox_audit_idempotency;
mod m20261122_000005_calendar_and_reminders;
mod m20261122_000006_sign_in_and_browser_sessions;
mod m20261124_000007_single_sign_on;
mod m20261124_000008_attendance_and_check_in;
mod m20261124_000009_feedback;
mod m20261124_000010_report_columns;
mod m20261201_000011_mail_health_and_privacy_settings;
mod m20261205_000012_console_access;
mod m20261205_000013_people_who_left;
mod m20261205_000014_sign_in_choices;
mod m20261206_000015_trusted_email;
mod m20261206_000016_lead_organisation;
mod m20261206_000017_preference_lottery;
mod m20261206_000018_installation_keys;
mod m20261206_000019_manager_approval;
mod m20261206_000020_placements_on_enrolments;
mod m20261206_000021_archived_at;
mod m20261207_000022_skills;
mod m20261207_000023_certificates;
mod m20261207_000024_reflections;
mod m20261207_000025_assignments;
mod util;

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_organisations_and_people::Migration),
            Box::new(m20261122_000002_events_workshops_sessions::Migration),
            Box::new(m20261122_000003_enrolments::Migration),
            Box::new(m20261122_000004_outbox_audit_idempotency::Migration),
            Box::new(m20261122_000005_calendar_and_reminders::Migration),
            Box::new(m20261122_000006_sign_in_and_browser_sessions::Migration),
            Box::new(m20261124_000007_single_sign_on::Migration),
            Box::new(m20261124_000008_attendance_and_check_in::Migration),
            Box::new(m20261124_000009_feedback::Migration),
            Box::new(m20261124_000010_report_columns::Migration),
            Box::new(m20261201_000011_mail_health_and_privacy_settings::Migration),
            Box::new(m20261205_000012_console_access::Migration),
            Box::new(m20261205_000013_people_who_left::Migration),
            Box::new(m20261205_000014_sign_in_choices::Migration),
            Box::new(m20261206_000015_trusted_email::Migration),
            Box::new(m20261206_000016_lead_organisation::Migration),
            Box::new(m20261206_000017_preference_lottery::Migration),
            Box::new(m20261206_000018_installation_keys::Migration),
            Box::new(m20261206_000019_manager_approval::Migration),
            Box::new(m20261206_000020_placements_on_enrolments::Migration),
            Box::new(m20261206_000021_archived_at::Migration),
            Box::new(m20261207_000022_skills::Migration),
            Box::new(m20261207_000023_certificates::Migration),
            Box::new(m20261207_000024_reflections::Migration),
            Box::new(m20261207_000025_assignments::Migration),
        ]
    }
}
