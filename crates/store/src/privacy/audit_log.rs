//! The audit log: who did what to which thing, when; read by admins with filters. An erasure
//! scrubs the erased person's name and address out of what the log recorded.

use crate::entities::{audit, person};
use crate::{Result, Store, StoreError, search};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Id.
    pub id: Uuid,
    /// Who did it (`None`: the system, or the command line).
    pub actor_id: Option<Uuid>,
    /// The actor's name as it is now (an erased actor's is the stand-in's).
    pub actor_name: Option<String>,
    /// What was done (`event.update`, `person.erase`, …).
    pub action: String,
    /// The kind of thing it was done to.
    pub subject_type: String,
    /// The thing.
    pub subject_id: Uuid,
    /// The thing before, as JSON.
    pub before: Option<String>,
    /// The thing after, as JSON.
    pub after: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Which entries to read; every part optional, all parts must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Done by this person.
    pub actor_id: Option<Uuid>,
    /// Done by someone whose name or address contains this.
    pub actor: Option<String>,
    /// The action, exactly (`person.erase`) or all of a kind (`person.`, ending in a dot).
    pub action: Option<String>,
    /// To this kind of thing (`person`, `session`, …).
    pub subject_type: Option<String>,
    /// To this thing.
    pub subject_id: Option<Uuid>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
}

/// A page of the audit log, newest first (admins), filtered.
pub async fn audit_log(
    store: &Store,
    actor: &Actor,
    f: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<AuditEntry>, u64)> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let mut q = audit::Entity::find();
    if let Some(id) = f.actor_id {
        q = q.filter(audit::Column::ActorId.eq(id));
    }
    if let Some(p) = search::pattern(f.actor.as_deref()) {
        let actors = Query::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .cond_where(
                Condition::any()
                    .add(search::contains((person::Entity, person::Column::Name), &p))
                    .add(search::contains((person::Entity, person::Column::Email), &p)),
            )
            .to_owned();
        q = q.filter(audit::Column::ActorId.in_subquery(actors));
    }
    match f.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) if a.ends_with('.') => q = q.filter(audit::Column::Action.starts_with(a)),
        Some(a) => q = q.filter(audit::Column::Action.eq(a)),
        None => {}
    }
    if let Some(t) = f.subject_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(audit::Column::SubjectType.eq(t));
    }
    if let Some(s) = f.subject_id {
        q = q.filter(audit::Column::SubjectId.eq(s));
    }
    if let Some(from) = f.from {
        q = q.filter(audit::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit::Column::At.lt(to));
    }
    let total = q.clone().count(store.conn()).await?;
    let rows = q
        .order_by_desc(audit::Column::At)
        .order_by_desc(audit::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(store.conn())
        .await?;
    let names: HashMap<Uuid, String> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Name)
        .filter(person::Column::Id.is_in(rows.iter().filter_map(|r| r.actor_id)))
        .into_tuple::<(Uuid, String)>()
        .all(store.conn())
        .await?
        .into_iter()
        .collect();
    let entries = rows
        .into_iter()
        .map(|a| AuditEntry {
            id: a.id,
            actor_name: a.actor_id.and_then(|id| names.get(&id).cloned()),
            actor_id: a.actor_id,
            action: a.action,
            subject_type: a.subject_type,
            subject_id: a.subject_id,
            before: a.before,
            after: a.after,
            at: a.at,
        })
        .collect();
    Ok((entries, total))
}

/// Replace an erased person's name and address wherever the log recorded them (as JSON strings
/// in `before` and `after`: a created person, an import) by the stand-ins they were erased to.
pub(super) async fn scrub(
    c: &impl ConnectionTrait,
    (name, email): (&str, &str),
    (by_name, by_email): (&str, &str),
) -> Result<()> {
    let json = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let (name, email, by_name, by_email) = (json(name), json(email), json(by_name), json(by_email));
    // The address also inside longer strings (a CSV line in an import's record); the name only
    // as a whole JSON string, since a short name is part of many words.
    let bare = |s: &str| s.trim_matches('"').to_owned();
    for column in [audit::Column::Before, audit::Column::After] {
        let replaced = Func::cust("REPLACE").args([
            Func::cust("REPLACE")
                .args([Expr::col(column), Expr::value(bare(&email)), Expr::value(bare(&by_email))])
                .into(),
            Expr::value(name.clone()),
            Expr::value(by_name.clone()),
        ]);
        audit::Entity::update_many()
            .col_expr(column, replaced.into())
            .filter(
                Condition::any()
                    .add(
                        Expr::col(column)
                            .like(LikeExpr::new(format!("%{}%", like_literal(&bare(&email)))).escape('\\')),
                    )
                    .add(Expr::col(column).like(LikeExpr::new(format!("%{}%", like_literal(&name))).escape('\\'))),
            )
            .exec(c)
            .await?;
    }
    Ok(())
}

/// `s` with LIKE's wildcards taken literally (escaped with `\\`).
fn like_literal(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
