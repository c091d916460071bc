//! SQLite's reads and writes of a batch: each sent as **one** multi-statement query.

use super::{KIND_COLUMN, KINDS, Rows, Writes};
use crate::Result;
use crate::entities::{
    calendar_sequence, enrolment, event, event_organisation, idempotency_key, person, session, session_quota, workshop,
    workshop_audience,
};
use leerweek_domain::EnrolmentStatus;
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Statement,
};
use std::collections::HashMap;
use uuid::Uuid;

/// SQLite: every read depends only on the requests (later ones use subqueries instead of earlier
/// results), so they run as **one** multi-statement query, each row tagged with its kind: each
/// statement sent to SQLite's connection thread is a round trip between two threads, and under a
/// rush those round trips, not SQLite's work, were most of a batch's time.
pub(super) async fn reads(
    c: &impl ConnectionTrait,
    person_ids: &[Uuid],
    session_ids: &[Uuid],
    keyed: &[(Uuid, &str)],
    asked: &[(Uuid, Uuid)],
) -> Result<Rows> {
    use sea_orm::sea_query::{Alias, Query, SelectStatement};
    let column_of = |col: session::Column| -> SelectStatement {
        Query::select()
            .column(col)
            .from(session::Entity)
            .and_where(session::Column::Id.is_in(session_ids.iter().copied()))
            .to_owned()
    };
    let active = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.is_in(person_ids.iter().copied()))
        .filter(enrolment::Column::EventId.in_subquery(column_of(session::Column::EventId)))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Cancelled.as_str()));
    use calendar_sequence::Column as Seq;
    use idempotency_key::Column as Key;
    let replayed = pairs(keyed.iter().map(|(a, k)| Key::ActorId.eq(*a).and(Key::Key.eq(*k))));
    let sequenced = pairs(asked.iter().map(|(p, s)| Seq::PersonId.eq(*p).and(Seq::SessionId.eq(*s))));
    let statements: [Option<SelectStatement>; 11] = [
        Some(
            person::Entity::find()
                .filter(person::Column::Id.is_in(person_ids.iter().copied()))
                .order_by_asc(person::Column::Id)
                .into_query(),
        ),
        (!keyed.is_empty()).then(|| idempotency_key::Entity::find().filter(replayed).into_query()),
        Some(
            session::Entity::find()
                .filter(session::Column::Id.is_in(session_ids.iter().copied()))
                .order_by_asc(session::Column::Id)
                .into_query(),
        ),
        Some(
            event::Entity::find()
                .filter(event::Column::Id.in_subquery(column_of(session::Column::EventId)))
                .into_query(),
        ),
        Some(
            event_organisation::Entity::find()
                .filter(event_organisation::Column::EventId.in_subquery(column_of(session::Column::EventId)))
                .into_query(),
        ),
        Some(
            workshop::Entity::find()
                .filter(workshop::Column::Id.in_subquery(column_of(session::Column::WorkshopId)))
                .into_query(),
        ),
        Some(
            workshop_audience::Entity::find()
                .filter(workshop_audience::Column::WorkshopId.in_subquery(column_of(session::Column::WorkshopId)))
                .into_query(),
        ),
        Some(active.clone().into_query()),
        // The times of the other sessions those enrolments are in.
        Some(
            session::Entity::find()
                .filter(
                    session::Column::Id
                        .in_subquery(active.select_only().column(enrolment::Column::SessionId).into_query()),
                )
                .into_query(),
        ),
        Some(
            session_quota::Entity::find()
                .filter(session_quota::Column::SessionId.is_in(session_ids.iter().copied()))
                .into_query(),
        ),
        (!asked.is_empty()).then(|| calendar_sequence::Entity::find().filter(sequenced).into_query()),
    ];
    let backend = c.get_database_backend();
    let mut built = Vec::new();
    for (i, q) in statements.into_iter().enumerate() {
        if let Some(mut q) = q {
            q.expr_as(Expr::cust(i.to_string()), Alias::new(KIND_COLUMN));
            built.push(backend.build(&q));
        }
    }
    let mut rows = Vec::new();
    for row in c.query_all_raw(joined(backend, built)).await? {
        let i: i32 = row.try_get("", KIND_COLUMN)?;
        if let Some(kind) = KINDS.get(i as usize) {
            rows.push((*kind, row));
        }
    }
    Ok(rows)
}

/// Rows matching any one of `each` (a pair of columns each; callers skip the query when there is
/// none). Written as `(a = ? AND b = ?) OR …` rather than `a IN (…) AND b IN (…)`: for the latter
/// SQLite looks up every combination in the two-column index. Measured on a table of 60,000 keys:
/// 30 pairs 0.27 → 0.02 ms, 60 pairs 1.0 → 0.04 ms.
fn pairs(each: impl Iterator<Item = Expr>) -> sea_orm::Condition {
    each.fold(sea_orm::Condition::any(), |any, e| any.add(e))
}

/// Statements joined into one multi-statement query (SQLite binds each statement's parameters
/// from the shared list in order).
fn joined(backend: sea_orm::DbBackend, statements: Vec<Statement>) -> Statement {
    let mut sql = String::new();
    let mut values = Vec::new();
    for st in statements {
        if !sql.is_empty() {
            sql.push_str(";\n");
        }
        sql.push_str(&st.sql);
        if let Some(v) = st.values {
            values.extend(v.0);
        }
    }
    Statement::from_sql_and_values(backend, sql, values)
}

/// SQLite takes every write of a batch in one multi-statement query (one round trip to its
/// connection thread), each table with a multi-row insert.
pub(super) async fn writes(
    c: &impl ConnectionTrait,
    w: Writes,
    sessions: &HashMap<Uuid, session::Model>,
) -> Result<()> {
    let backend = c.get_database_backend();
    let mut writes: Vec<Statement> = Vec::new();
    if !w.enrolments.is_empty() {
        writes.push(
            enrolment::Entity::insert_many(w.enrolments.iter().cloned().map(IntoActiveModel::into_active_model))
                .build(backend),
        );
    }
    if !w.touched.is_empty() {
        // One statement sets every touched session's counters to the values decided.
        let case = |f: fn(&session::Model) -> sea_orm::Value, col: session::Column| {
            let mut cs = CaseStatement::new();
            for s in super::decide::counters(&w, sessions) {
                cs = cs.case(session::Column::Id.eq(s.id), Expr::val(f(s)));
            }
            let e: Expr = cs.finally(Expr::col(col)).into();
            e
        };
        writes.push(
            session::Entity::update_many()
                .col_expr(
                    session::Column::ConfirmedCount,
                    case(|s| s.confirmed_count.into(), session::Column::ConfirmedCount),
                )
                .col_expr(
                    session::Column::WaitlistCount,
                    case(|s| s.waitlist_count.into(), session::Column::WaitlistCount),
                )
                .col_expr(
                    session::Column::WaitlistNext,
                    case(|s| s.waitlist_next.into(), session::Column::WaitlistNext),
                )
                .filter(session::Column::Id.is_in(w.touched.iter().copied()))
                .build(backend),
        );
    }
    if !w.outbox.is_empty() {
        writes.push(
            crate::entities::outbox::Entity::insert_many(w.outbox.into_iter().map(IntoActiveModel::into_active_model))
                .build(backend),
        );
    }
    if !w.new_sequences.is_empty() {
        writes.push(
            calendar_sequence::Entity::insert_many(w.new_sequences.into_iter().map(IntoActiveModel::into_active_model))
                .build(backend),
        );
    }
    for r in w.raised_sequences {
        writes.push(
            calendar_sequence::Entity::update_many()
                .col_expr(calendar_sequence::Column::Sequence, Expr::val(r.sequence))
                .filter(calendar_sequence::Column::PersonId.eq(r.person_id))
                .filter(calendar_sequence::Column::SessionId.eq(r.session_id))
                .build(backend),
        );
    }
    if !w.keys.is_empty() {
        writes.push(
            idempotency_key::Entity::insert_many(w.keys.into_iter().map(IntoActiveModel::into_active_model))
                .build(backend),
        );
    }
    if !writes.is_empty() {
        c.execute_raw(joined(backend, writes)).await?;
    }
    Ok(())
}
