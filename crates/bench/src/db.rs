//! The bench's own SQL connection to a database, beside the product's store: fixtures are
//! written, statistics refreshed and outcomes read with plain SQL on it. It opens SQLite as the
//! store does (WAL, `synchronous = NORMAL`, a busy timeout, foreign keys, temporary data in
//! memory), so that writing a fixture or the baseline's transactions cost what they cost there.

use anyhow::Context;
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait, Value,
};
use std::time::Duration;

/// Connect to `url` with a pool of at most `max` connections.
pub async fn connect(url: &str, max: u32) -> anyhow::Result<DatabaseConnection> {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let mut opt = sea_orm::ConnectOptions::new(url.to_owned());
    opt.max_connections(max)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("temp_store", "memory")
                // As the store's connections: its own task checkpoints in the background, this
                // is only the backstop.
                .pragma("wal_autocheckpoint", "131072")
        });
    sea_orm::Database::connect(opt).await.with_context(|| format!("connecting to {}", redact(url)))
}

/// `url` without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// A write transaction: on SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), as the
/// store's do.
pub async fn write(conn: &DatabaseConnection) -> anyhow::Result<DatabaseTransaction> {
    Ok(match conn.get_database_backend() {
        DatabaseBackend::Sqlite => {
            conn.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?
        }
        _ => conn.begin().await?,
    })
}

/// A statement with `$1`, `$2`, … placeholders (SQLite and PostgreSQL both take them).
pub fn statement(conn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(conn.get_database_backend(), sql, values)
}

/// Insert `rows` (each the values of `columns`, in order) into `table`, `per_statement` rows to
/// a multi-row `INSERT` and twenty statements to a transaction: big enough to be fast, small
/// enough for locks.
pub async fn insert(
    conn: &DatabaseConnection,
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Vec<Value>>,
    per_statement: usize,
) -> anyhow::Result<()> {
    let backend = conn.get_database_backend();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let txn = write(conn).await?;
        for _ in 0..20 {
            let mut chunk = rows.by_ref().take(per_statement).peekable();
            if chunk.peek().is_none() {
                break;
            }
            let mut insert = Query::insert();
            insert.into_table(Alias::new(table)).columns(columns.iter().map(|c| Alias::new(*c)));
            for row in chunk {
                insert.values(row.into_iter().map(Into::into)).with_context(|| format!("a row of {table}"))?;
            }
            txn.execute_raw(backend.build(&insert)).await.with_context(|| format!("inserting into {table}"))?;
        }
        txn.commit().await?;
    }
    Ok(())
}

/// Fresh planner statistics of the tables the benchmarks read, as the server's hourly job keeps
/// them on SQLite (PostgreSQL's autovacuum would). On PostgreSQL only the named tables: a plain
/// `ANALYZE` also visits the catalogues, which a role that is not a superuser may not.
pub async fn analyze(conn: &DatabaseConnection, postgres_tables: &str) -> anyhow::Result<()> {
    let sql = match conn.get_database_backend() {
        DatabaseBackend::Postgres => format!("ANALYZE {postgres_tables}"),
        _ => "ANALYZE".to_owned(),
    };
    conn.execute_unprepared(&sql).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(super::redact("postgres://u:geheim@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(super::redact("sqlite:///tmp/x.db?mode=rwc"), "sqlite:///tmp/x.db?mode=rwc");
    }
}
