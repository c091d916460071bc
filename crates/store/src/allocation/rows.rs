//! Inserting a run's tens of thousands of rows. PostgreSQL takes each table's rows as one JSON
//! parameter (`jsonb_populate_recordset`, 10,000 rows a statement): as multi-row `INSERT`s of
//! 1,000 rows with a bound value per column (23,000 values a statement for enrolments) the run on
//! PostgreSQL spent 9 s. SQLite takes the multi-row `INSERT`s (well under its 32,766 values).

use crate::Result;
use crate::entities::session;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Statement};

/// Rows per multi-row `INSERT` on SQLite.
const SQLITE_ROWS: usize = 1000;
/// Rows per JSON statement on PostgreSQL.
const POSTGRES_ROWS: usize = 10_000;

/// Insert `rows` into `E`'s table.
pub(super) async fn insert<E>(c: &impl ConnectionTrait, rows: &[E::Model]) -> Result<()>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + serde::Serialize + Clone,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        let table = E::default().table_name().to_owned();
        let sql = format!("INSERT INTO {table} SELECT * FROM jsonb_populate_recordset(NULL::{table}, $1::jsonb)");
        for chunk in rows.chunks(POSTGRES_ROWS) {
            let json = serde_json::to_string(chunk).map_err(|e| sea_orm::DbErr::Json(e.to_string()))?;
            c.execute_raw(Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, &sql, [json.into()])).await?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(SQLITE_ROWS) {
        E::insert_many(chunk.iter().cloned().map(IntoActiveModel::into_active_model)).exec(c).await?;
    }
    Ok(())
}

/// Set the seat counters of `sessions` to theirs: one statement on PostgreSQL, one a session on SQLite.
pub(super) async fn counters(c: &impl ConnectionTrait, sessions: &[session::Model]) -> Result<()> {
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
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
