//! The preference lottery (issue 25). A week chooses how it hands out seats: `first_come` (as
//! before) or `lottery`, where people rank up to `max_preferences` sessions while the window is
//! open and an organiser then runs the allocation once.
//!
//! - `preferences`: a person's ranked sessions in a week (rank 1 is the first choice); a rank
//!   and a session each at most once per person and week.
//! - `allocation_runs`: each run with its seed and report; at most one real (not dry) run per
//!   week, by a partial unique index. The real run keeps its input (`input`, JSON), so that
//!   `leerweek allocation verify` can recompute it.
//! - `allocation_placements`: what the real run gave each person (a seat or a waiting place, the
//!   rank of the choice and the round), with the enrolment it wrote.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let add = |column: ColumnDef| Table::alter().table(id("events")).add_column(column).to_owned();
        m.alter_table(add(text("allocation", true)
            .default("first_come")
            .check(Expr::cust("allocation IN ('first_come', 'lottery')"))
            .to_owned()))
            .await?;
        m.alter_table(add(int("max_preferences", true)
            .default(5)
            .check(Expr::cust("max_preferences BETWEEN 1 AND 20"))
            .to_owned()))
            .await?;
        m.alter_table(add(instant("allocated_at", false))).await?;
        // When the people who had not ranked anything were reminded (once, before the window closes).
        m.alter_table(add(instant("preferences_reminded_at", false))).await?;

        m.create_table(
            Table::create()
                .table(id("preferences"))
                .col(uuid("event_id", true))
                .col(uuid("person_id", true))
                .col(int("rank", true))
                .col(uuid("session_id", true))
                .col(instant("updated_at", true))
                .primary_key(Index::create().col(id("event_id")).col(id("person_id")).col(id("rank")))
                .foreign_key(&mut fk("preferences", "event_id", "events", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("preferences", "person_id", "people", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("preferences", "session_id", "sessions", ForeignKeyAction::Cascade))
                .check(check("ck_preferences_rank", "rank BETWEEN 1 AND 20"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("preferences", &["person_id", "session_id"], true)).await?;
        m.create_index(index("preferences", &["session_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("allocation_runs"))
                .col(pk("id"))
                .col(uuid("event_id", true))
                .col(bigint("seed", true))
                .col(boolean("dry_run"))
                .col(instant("ran_at", true))
                .col(uuid("ran_by", false))
                .col(text("input", false))
                .col(text("summary", true))
                .foreign_key(&mut fk("allocation_runs", "event_id", "events", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("allocation_runs", "ran_by", "people", ForeignKeyAction::SetNull))
                .check(check("ck_allocation_runs_input", "dry_run OR input IS NOT NULL"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("allocation_runs", &["event_id", "ran_at"], false)).await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_allocation_runs_real ON allocation_runs (event_id) WHERE NOT dry_run",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(id("allocation_placements"))
                .col(uuid("run_id", true))
                .col(uuid("person_id", true))
                .col(uuid("session_id", true))
                .col(int("rank", true))
                .col(text("placed", true))
                .col(int("position", false))
                .col(int("round", true))
                .col(uuid("enrolment_id", false))
                .primary_key(Index::create().col(id("run_id")).col(id("person_id")).col(id("session_id")))
                .foreign_key(&mut fk("allocation_placements", "run_id", "allocation_runs", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("allocation_placements", "person_id", "people", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("allocation_placements", "session_id", "sessions", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("allocation_placements", "enrolment_id", "enrolments", ForeignKeyAction::SetNull))
                .check(check("ck_allocation_placements_rank", "rank BETWEEN 1 AND 20"))
                .check(check("ck_allocation_placements_round", "round >= 1"))
                .check(check(
                    "ck_allocation_placements_placed",
                    "(placed = 'seat' AND position IS NULL) OR (placed = 'waiting' AND position >= 1)",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("allocation_placements", &["session_id"], false)).await?;
        m.create_index(index("allocation_placements", &["person_id"], false)).await?;
        m.create_index(index("allocation_placements", &["enrolment_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["allocation_placements", "allocation_runs", "preferences"] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        for c in ["preferences_reminded_at", "allocated_at", "max_preferences", "allocation"] {
            m.alter_table(Table::alter().table(id("events")).drop_column(id(c)).to_owned()).await?;
        }
        Ok(())
    }
}
