//! Manager approval (issue 25). A week (`events.approval`) or one workshop
//! (`workshops.approval`, empty: as its week) asks the person's manager to agree before a seat
//! is final.
//!
//! An enrolment waiting for that agreement holds its seat: its `status` stays `confirmed`
//! (counted, as every seat, in `sessions.confirmed_count` and the quotas) and `approval` says
//! `pending` until `approval_due_at`. Then `approved`, or `declined` / `lapsed` (no decision in
//! time), which cancel it; `withdrawn` when it was cancelled while pending. The checks keep a
//! pending enrolment on a seat and a decided one with its moment.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let alter = |table: &str, column: ColumnDef| Table::alter().table(id(table)).add_column(column).to_owned();
        m.alter_table(alter(
            "events",
            text("approval", true).default("none").check(Expr::cust("approval IN ('none', 'manager')")).to_owned(),
        ))
        .await?;
        m.alter_table(alter(
            "events",
            int("approval_hours", true).default(72).check(Expr::cust("approval_hours BETWEEN 1 AND 720")).to_owned(),
        ))
        .await?;
        m.alter_table(alter(
            "workshops",
            text("approval", false).check(Expr::cust("approval IS NULL OR approval IN ('none', 'manager')")).to_owned(),
        ))
        .await?;
        m.alter_table(alter("enrolments", instant("approval_due_at", false))).await?;
        m.alter_table(alter("enrolments", instant("approval_decided_at", false))).await?;
        m.alter_table(alter("enrolments", uuid("approval_decided_by", false))).await?;
        m.alter_table(alter(
            "enrolments",
            text("approval_reason", false)
                .check(Expr::cust("approval_reason IS NULL OR length(approval_reason) <= 500"))
                .to_owned(),
        ))
        .await?;
        // SQLite cannot add a table check to an existing table, so the column carries it
        // (a column check may name the row's other columns, added before it).
        m.alter_table(alter(
            "enrolments",
            text("approval", false)
                .check(Expr::cust(
                    "approval IS NULL OR (approval IN ('pending', 'approved', 'declined', 'lapsed', 'withdrawn') \
                     AND approval_due_at IS NOT NULL \
                     AND (approval <> 'pending' OR status = 'confirmed') \
                     AND (approval IN ('pending', 'approved') OR status = 'cancelled') \
                     AND (approval = 'pending' OR approval_decided_at IS NOT NULL))",
                ))
                .to_owned(),
        ))
        .await?;
        // The minute job's question: which pending approvals are due.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_enrolments_approval_due ON enrolments (approval_due_at) WHERE approval = 'pending'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX ix_enrolments_approval_due").await?;
        for c in ["approval", "approval_reason", "approval_decided_by", "approval_decided_at", "approval_due_at"] {
            m.alter_table(Table::alter().table(id("enrolments")).drop_column(id(c)).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(id("workshops")).drop_column(id("approval")).to_owned()).await?;
        for c in ["approval_hours", "approval"] {
            m.alter_table(Table::alter().table(id("events")).drop_column(id(c)).to_owned()).await?;
        }
        Ok(())
    }
}
