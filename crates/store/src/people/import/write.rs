//! Writing a checked import in short transactions: units (with the audit row), new people,
//! changes and managers, then the people who left. Each transaction runs statements until
//! [`BATCH_TIME`] has passed and then commits, so the SQLite writer (and PostgreSQL's row
//! locks) are never held long: enrolments take their turn between two batches.

use super::plan::{Plan, Planned, UnitTarget};
use super::{ImportReport, RowOutcome};
use crate::entities::{api_token, browser_session, org_unit, person};
use crate::people::organisations::insert_unit;
use crate::{Result, Store, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::Language;
use leerweek_domain::access::Actor;
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict, Query, SubQueryStatement};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long one transaction of an import keeps writing before it commits (plus at most one
/// statement): well under the 250 ms an enrolment may wait for the writer.
pub(super) const BATCH_TIME: Duration = Duration::from_millis(100);
/// Rows in one multi-row insert.
const INSERT_ROWS: usize = 200;
/// People marked as gone in one statement.
const GONE_ROWS: usize = 200;

/// Write a plan without invalid rows.
pub(super) async fn write(store: &Store, actor: &Actor, plan: Plan, now: DateTime<Utc>) -> Result<ImportReport> {
    let Plan { mut report, people, gone } = plan;

    // Units first, in one transaction with the audit row of the whole import.
    let txn = store.write().await?;
    let mut units: HashMap<(Uuid, String), Uuid> = HashMap::new();
    for p in &people {
        let UnitTarget::New(name) = &p.unit else { continue };
        let key = (p.organisation_id, name.to_lowercase());
        if units.contains_key(&key) {
            continue;
        }
        // Made meanwhile by someone else? Then that one.
        let existing = org_unit::Entity::find()
            .filter(org_unit::Column::OrganisationId.eq(p.organisation_id))
            .filter(Expr::expr(Func::lower(Expr::col(org_unit::Column::Name))).eq(key.1.clone()))
            .one(&*txn)
            .await?;
        let id = match existing {
            Some(u) => u.id,
            None => insert_unit(&*txn, p.organisation_id, name, None, now).await?.id,
        };
        units.insert(key, id);
    }
    let counts = serde_json::json!({
        "new": report.new, "changed": report.changed, "unchanged": report.unchanged, "gone": gone.len(),
    });
    audit::record(
        &*txn,
        Some(actor.person_id),
        "people.import",
        ("import", Uuid::now_v7()),
        None::<&()>,
        Some(&counts),
        now,
    )
    .await?;
    txn.commit().await?;
    let unit_of = |p: &Planned| -> Option<Option<Uuid>> {
        match &p.unit {
            UnitTarget::Keep => None,
            UnitTarget::None => Some(None),
            UnitTarget::Existing(id) => Some(Some(*id)),
            UnitTarget::New(name) => Some(units.get(&(p.organisation_id, name.to_lowercase())).copied()),
        }
    };

    // New people, without their managers (who may come later in the file).
    let new: Vec<&Planned> = people.iter().filter(|p| !p.known).collect();
    let mut inserted = 0;
    let mut rest = new.as_slice();
    while !rest.is_empty() {
        let txn = store.write().await?;
        let began = Instant::now();
        while !rest.is_empty() && began.elapsed() < BATCH_TIME {
            let (chunk, after) = rest.split_at(rest.len().min(INSERT_ROWS));
            rest = after;
            let rows = chunk.iter().map(|p| person::ActiveModel {
                id: Set(p.id),
                email: Set(p.email.clone()),
                name: Set(p.name.clone()),
                organisation_id: Set(p.organisation_id),
                org_unit_id: Set(unit_of(p).flatten()),
                manager_id: Set(None),
                language: Set(Language::Nl.as_str().to_owned()),
                created_at: Set(now),
                left_at: Set(None),
            });
            // Someone added with the same address meanwhile is updated below instead.
            inserted += person::Entity::insert_many(rows)
                .on_conflict(OnConflict::column(person::Column::Email).do_nothing().to_owned())
                .exec_without_returning(&*txn)
                .await?;
        }
        txn.commit().await?;
    }

    // Changes of known people, and the managers of new ones; found by address, managers too.
    let updates: Vec<&Planned> =
        people.iter().filter(|p| (p.known && p.write) || (!p.known && matches!(p.manager, Some(Some(_))))).collect();
    let mut rest = updates.as_slice();
    while !rest.is_empty() {
        let txn = store.write().await?;
        let began = Instant::now();
        while let Some((p, after)) = rest.split_first()
            && began.elapsed() < BATCH_TIME
        {
            rest = after;
            let mut q = person::Entity::update_many().filter(person::Column::Email.eq(p.email.as_str()));
            if p.known {
                q = q
                    .col_expr(person::Column::Name, Expr::value(p.name.clone()))
                    .col_expr(person::Column::OrganisationId, Expr::value(p.organisation_id))
                    .col_expr(person::Column::LeftAt, Expr::value(Option::<DateTime<Utc>>::None));
                if let Some(unit) = unit_of(p) {
                    q = q.col_expr(person::Column::OrgUnitId, Expr::value(unit));
                }
            }
            match &p.manager {
                None => {}
                Some(None) => q = q.col_expr(person::Column::ManagerId, Expr::value(Option::<Uuid>::None)),
                Some(Some(m)) => q = q.col_expr(person::Column::ManagerId, id_of(m)),
            }
            q.exec(&*txn).await?;
        }
        txn.commit().await?;
    }
    // Someone who came back may sign in again (with a new link or token).
    store.sign_ins().clear();

    // The people who left: marked, their tokens and sessions ended, their history kept.
    for chunk in gone.chunks(GONE_ROWS) {
        let txn = store.write().await?;
        person::Entity::update_many()
            .col_expr(person::Column::LeftAt, Expr::value(now))
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .filter(person::Column::LeftAt.is_null())
            .exec(&*txn)
            .await?;
        api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(now))
            .filter(api_token::Column::PersonId.is_in(chunk.iter().copied()))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&*txn)
            .await?;
        browser_session::Entity::update_many()
            .col_expr(browser_session::Column::RevokedAt, Expr::value(now))
            .filter(browser_session::Column::PersonId.is_in(chunk.iter().copied()))
            .filter(browser_session::Column::RevokedAt.is_null())
            .exec(&*txn)
            .await?;
        for id in chunk {
            audit::record(&*txn, Some(actor.person_id), "person.leave", ("person", *id), None::<&()>, None::<&()>, now)
                .await?;
        }
        txn.commit().await?;
        store.sign_ins().clear();
    }

    if (inserted as usize) < new.len() {
        // Someone with an address of the file was added meanwhile: report their id.
        let emails: Vec<String> = new.iter().map(|p| p.email.clone()).collect();
        let mut ids = HashMap::new();
        for chunk in emails.chunks(500) {
            let found = person::Entity::find()
                .filter(person::Column::Email.is_in(chunk.iter().cloned()))
                .all(store.conn())
                .await?;
            ids.extend(found.into_iter().map(|p| (p.email, p.id)));
        }
        for (row, p) in report.rows.iter_mut().filter(|r| r.outcome == RowOutcome::New).zip(&new) {
            row.person_id = ids.get(&p.email).copied().or(row.person_id);
        }
    }
    report.imported = true;
    Ok(report)
}

/// The id of the person with this address, as a subquery (they may have been added by this
/// import, or by someone else since it was checked).
fn id_of(email: &str) -> Expr {
    let q = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(Expr::col(person::Column::Email).eq(email))
        .to_owned();
    Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(q)))
}
