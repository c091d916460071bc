//! Development weeks, their participating organisations, workshops with their audience, and
//! sessions with capacity, seat counters and per-organisation quotas.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("events"))
                .col(pk("id"))
                .col(text("name", true))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(text("time_zone", true))
                .col(instant("enrolment_opens_at", true))
                .col(instant("enrolment_closes_at", true))
                .col(int("cancellation_deadline_hours", true))
                .col(int("max_enrolments_per_person", false))
                .col(text("status", true))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .check(check("ck_events_name", "length(name) BETWEEN 1 AND 200"))
                .check(check("ck_events_dates", "ends_on >= starts_on"))
                .check(check("ck_events_window", "enrolment_closes_at > enrolment_opens_at"))
                .check(check("ck_events_deadline", "cancellation_deadline_hours BETWEEN 0 AND 672"))
                .check(check(
                    "ck_events_limit",
                    "max_enrolments_per_person IS NULL OR max_enrolments_per_person BETWEEN 1 AND 100",
                ))
                .check(check("ck_events_status", "status IN ('draft', 'published', 'closed', 'archived')"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(id("event_organisations"))
                .col(uuid("event_id", true))
                .col(uuid("organisation_id", true))
                .primary_key(Index::create().col(id("event_id")).col(id("organisation_id")))
                .foreign_key(&mut fk("event_organisations", "event_id", "events", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk(
                    "event_organisations",
                    "organisation_id",
                    "organisations",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("event_organisations", &["organisation_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("workshops"))
                .col(pk("id"))
                .col(uuid("event_id", true))
                .col(text("title", true))
                .col(text("description", true))
                .col(text("theme", true))
                .col(text("trainer", false))
                .col(uuid("host_organisation_id", true))
                .col(text("language", true))
                .col(text("format", true))
                .col(text("audience", true))
                .col(text("status", true))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .foreign_key(&mut fk("workshops", "event_id", "events", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("workshops", "host_organisation_id", "organisations", ForeignKeyAction::Restrict))
                .check(check("ck_workshops_title", "length(title) BETWEEN 1 AND 200"))
                .check(check("ck_workshops_description", "length(description) <= 5000"))
                .check(check("ck_workshops_theme", "length(theme) BETWEEN 1 AND 60 AND theme = lower(theme)"))
                .check(check("ck_workshops_language", "language IN ('nl', 'en')"))
                .check(check("ck_workshops_format", "format IN ('on_site', 'online', 'hybrid')"))
                .check(check("ck_workshops_audience", "audience IN ('all', 'host_only', 'listed')"))
                .check(check("ck_workshops_status", "status IN ('scheduled', 'cancelled')"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("workshops", &["event_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("workshop_audience"))
                .col(uuid("workshop_id", true))
                .col(uuid("organisation_id", true))
                .primary_key(Index::create().col(id("workshop_id")).col(id("organisation_id")))
                .foreign_key(&mut fk("workshop_audience", "workshop_id", "workshops", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk(
                    "workshop_audience",
                    "organisation_id",
                    "organisations",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(id("sessions"))
                .col(pk("id"))
                .col(uuid("workshop_id", true))
                .col(uuid("event_id", true))
                .col(instant("starts_at", true))
                .col(instant("ends_at", true))
                .col(text("venue", false))
                .col(text("room", false))
                .col(text("address", false))
                .col(text("online_url", false))
                .col(int("capacity", true))
                .col(int("confirmed_count", true))
                .col(int("waitlist_count", true))
                .col(bigint("waitlist_next", true))
                .col(text("status", true))
                .col(int("sequence", true))
                .col(instant("created_at", true))
                .col(instant("updated_at", true))
                .foreign_key(&mut fk("sessions", "workshop_id", "workshops", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("sessions", "event_id", "events", ForeignKeyAction::Restrict))
                .check(check("ck_sessions_time", "ends_at > starts_at"))
                .check(check("ck_sessions_capacity", "capacity BETWEEN 1 AND 10000"))
                // The seat counter: never negative, never above capacity.
                .check(check("ck_sessions_seats", "confirmed_count >= 0 AND confirmed_count <= capacity"))
                .check(check("ck_sessions_waitlist", "waitlist_count >= 0 AND waitlist_next >= 1"))
                .check(check("ck_sessions_status", "status IN ('scheduled', 'cancelled')"))
                .check(check("ck_sessions_sequence", "sequence >= 0"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions", &["event_id", "starts_at"], false)).await?;
        m.create_index(index("sessions", &["workshop_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("session_quotas"))
                .col(uuid("session_id", true))
                .col(uuid("organisation_id", true))
                .col(int("seats", true))
                .col(instant("release_at", true))
                .primary_key(Index::create().col(id("session_id")).col(id("organisation_id")))
                .foreign_key(&mut fk("session_quotas", "session_id", "sessions", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("session_quotas", "organisation_id", "organisations", ForeignKeyAction::Restrict))
                .check(check("ck_session_quotas_seats", "seats >= 1"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["session_quotas", "sessions", "workshop_audience", "workshops", "event_organisations", "events"] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        Ok(())
    }
}
