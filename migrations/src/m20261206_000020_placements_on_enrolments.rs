//! What the lottery gave is kept on the enrolment it wrote (issue 25, the allocation's speed on
//! PostgreSQL): `allocation_placed` (`seat` or `waiting`), `allocation_position` (a waiting
//! place's position when the run wrote it), `allocation_rank` (which choice, from 1) and
//! `allocation_round`. One real run per week (`ux_allocation_runs_real`) makes the week name the
//! run. The placements table, a row per enrolment with four foreign keys and four indexes of its
//! own, cost PostgreSQL 1.5 s of a 6.4 s run of 60,000 places; its rows move onto their
//! enrolments and it goes.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let add = |column: ColumnDef| Table::alter().table(id("enrolments")).add_column(column).to_owned();
        m.alter_table(add(int("allocation_rank", false))).await?;
        m.alter_table(add(int("allocation_round", false))).await?;
        m.alter_table(add(int("allocation_position", false))).await?;
        // The column check names the others, added before it (SQLite adds checks only this way).
        m.alter_table(add(text("allocation_placed", false)
            .check(Expr::cust(
                "(allocation_placed IS NULL AND allocation_rank IS NULL AND allocation_round IS NULL \
                 AND allocation_position IS NULL) \
                 OR (allocation_rank BETWEEN 1 AND 20 AND allocation_round >= 1 \
                 AND ((allocation_placed = 'seat' AND allocation_position IS NULL) \
                 OR (allocation_placed = 'waiting' AND allocation_position >= 1)))",
            ))
            .to_owned()))
            .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE enrolments SET \
               allocation_placed = (SELECT p.placed FROM allocation_placements p WHERE p.enrolment_id = enrolments.id), \
               allocation_position = (SELECT p.position FROM allocation_placements p WHERE p.enrolment_id = enrolments.id), \
               allocation_rank = (SELECT p.rank FROM allocation_placements p WHERE p.enrolment_id = enrolments.id), \
               allocation_round = (SELECT p.round FROM allocation_placements p WHERE p.enrolment_id = enrolments.id) \
             WHERE id IN (SELECT enrolment_id FROM allocation_placements WHERE enrolment_id IS NOT NULL)",
        )
        .await?;
        m.drop_table(Table::drop().table(id("allocation_placements")).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The placements come back empty: what the runs gave stays readable on the enrolments
        // only until the columns go.
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
                .to_owned(),
        )
        .await?;
        for c in ["allocation_placed", "allocation_position", "allocation_round", "allocation_rank"] {
            m.alter_table(Table::alter().table(id("enrolments")).drop_column(id(c)).to_owned()).await?;
        }
        Ok(())
    }
}
