//! Inserting a run's tens of thousands of rows. PostgreSQL takes each table's rows in one
//! statement, column by column as arrays (`crate::unnest`): as JSON (`jsonb_populate_recordset`)
//! the 60,000 enrolments of a national week cost it a third more, as multi-row `INSERT`s with a
//! bound value per column (23,000 values a statement) the run spent 9 s. SQLite takes multi-row
//! `INSERT`s of 1,000 rows (well under its 32,766 values).

use crate::Result;
use crate::entities::calendar_sequence::Model as Sequence;
use crate::entities::enrolment::Model as Enrolment;
use crate::entities::outbox::Model as Mail;
use crate::entities::session;
use crate::unnest::columns;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Statement};
use uuid::Uuid;

/// Rows per multi-row `INSERT` on SQLite.
const SQLITE_ROWS: usize = 1000;

/// Where a value is NULL, what its array carries instead (never written).
const NO_ID: Uuid = Uuid::nil();
const NO_TIME: DateTime<Utc> = DateTime::<Utc>::UNIX_EPOCH;

fn postgres(c: &impl ConnectionTrait) -> bool {
    c.get_database_backend() == sea_orm::DbBackend::Postgres
}

/// Insert `rows` into SQLite's table of `E`.
async fn sqlite<E>(c: &impl ConnectionTrait, rows: &[E::Model]) -> Result<()>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Clone,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    for chunk in rows.chunks(SQLITE_ROWS) {
        E::insert_many(chunk.iter().cloned().map(IntoActiveModel::into_active_model)).exec(c).await?;
    }
    Ok(())
}

/// Insert enrolments.
pub(super) async fn enrolments(c: &impl ConnectionTrait, rows: &[Enrolment]) -> Result<()> {
    if !postgres(c) {
        return sqlite::<crate::entities::enrolment::Entity>(c, rows).await;
    }
    let s = String::new;
    columns!(rows, Enrolment {
        id: col "uuid", session_id: col "uuid", person_id: col "uuid", event_id: col "uuid",
        status: col "text", waitlist_seq: opt "bigint" = 0, created_at: col "timestamptz",
        confirmed_at: opt "timestamptz" = NO_TIME, cancelled_at: opt "timestamptz" = NO_TIME,
        cancelled_by: opt "uuid" = NO_ID, attendance: opt "text" = s(),
        reminder_queued_at: opt "timestamptz" = NO_TIME, check_in_code: opt "text" = s(),
        attendance_marked_at: opt "timestamptz" = NO_TIME, attendance_marked_by: opt "uuid" = NO_ID,
        checked_in_at: opt "timestamptz" = NO_TIME, feedback_token_hash: opt "text" = s(),
        feedback_requested_at: opt "timestamptz" = NO_TIME, organisation_id: opt "uuid" = NO_ID,
        org_unit_id: opt "uuid" = NO_ID, credited_minutes: opt "integer" = 0, approval: opt "text" = s(),
        approval_due_at: opt "timestamptz" = NO_TIME, approval_decided_at: opt "timestamptz" = NO_TIME,
        approval_decided_by: opt "uuid" = NO_ID, approval_reason: opt "text" = s(),
        allocation_rank: opt "integer" = 0, allocation_round: opt "integer" = 0,
        allocation_position: opt "integer" = 0, allocation_placed: opt "text" = s(),
    })
    .insert(c, "enrolments")
    .await
}

/// Insert queued mails.
pub(super) async fn mails(c: &impl ConnectionTrait, rows: &[Mail]) -> Result<()> {
    if !postgres(c) {
        return sqlite::<crate::entities::outbox::Entity>(c, rows).await;
    }
    let s = String::new;
    columns!(rows, Mail {
        id: col "uuid", kind: col "text", person_id: col "uuid", session_id: opt "uuid" = NO_ID,
        enrolment_id: opt "uuid" = NO_ID, payload: col "text", status: col "text", attempts: col "integer",
        next_attempt_at: col "timestamptz", created_at: col "timestamptz",
        sent_at: opt "timestamptz" = NO_TIME, last_error: opt "text" = s(), first_failed_at: opt "timestamptz" = NO_TIME,
    })
    .insert(c, "outbox")
    .await
}

/// Insert calendar sequences.
pub(super) async fn sequences(c: &impl ConnectionTrait, rows: &[Sequence]) -> Result<()> {
    if !postgres(c) {
        return sqlite::<crate::entities::calendar_sequence::Entity>(c, rows).await;
    }
    columns!(rows, Sequence { person_id: col "uuid", session_id: col "uuid", sequence: col "integer" })
        .insert(c, "calendar_sequences")
        .await
}

/// Set the seat counters of `sessions` to theirs: one statement on PostgreSQL, one a session on SQLite.
pub(super) async fn counters(c: &impl ConnectionTrait, sessions: &[session::Model]) -> Result<()> {
    if postgres(c) {
        let json = serde_json::to_string(sessions).map_err(|e| sea_orm::DbErr::Json(e.to_string()))?;
        let sql = "UPDATE sessions AS s SET confirmed_count = v.confirmed_count, waitlist_count = v.waitlist_count, \
                   waitlist_next = v.waitlist_next FROM jsonb_populate_recordset(NULL::sessions, $1::jsonb) AS v \
                   WHERE s.id = v.id";
        c.execute_raw(Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, sql, [json.into()])).await?;
        return Ok(());
    }
    for s in sessions {
        session::Entity::update_many()
            .col_expr(session::Column::ConfirmedCount, Expr::val(s.confirmed_count))
            .col_expr(session::Column::WaitlistCount, Expr::val(s.waitlist_count))
            .col_expr(session::Column::WaitlistNext, Expr::val(s.waitlist_next))
            .filter(session::Column::Id.eq(s.id))
            .exec(c)
            .await?;
    }
    Ok(())
}
