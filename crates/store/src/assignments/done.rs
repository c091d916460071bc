//! A klus done: its participants are told, it appears in their portfolio with the period, the
//! hours and the skills practised, and each may write a reflection (private unless shared with
//! their manager). Retention removes, some time after a klus ended, who responded.

use super::mails::{facts, tell};
use super::view::{NeedView, needs_of};
use crate::entities::{
    assignment, assignment_reflection, assignment_response, assignment_selection, org_unit, organisation,
};
use crate::outbox::MailKind;
use crate::portfolio::ReflectionView;
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::assignment::{self as rules, AssignmentError};
use leerweek_domain::reflection::Reflection;
use leerweek_domain::{AssignmentState, ConsentState};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// Tell each participant of a klus just done (in the caller's transaction).
pub(crate) async fn tell_participants(
    c: &impl ConnectionTrait,
    a: &assignment::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let f = facts(c, a).await?;
    for s in participants(c, a.id).await? {
        if let Some(p) = s.person_id {
            tell(c, MailKind::AssignmentDone, p, &f, serde_json::json!({"selection_id": s.id}), now).await?;
        }
    }
    Ok(())
}

async fn participants(c: &impl ConnectionTrait, id: Uuid) -> Result<Vec<assignment_selection::Model>> {
    Ok(assignment_selection::Entity::find()
        .filter(assignment_selection::Column::AssignmentId.eq(id))
        .filter(assignment_selection::Column::State.eq(ConsentState::Approved.as_str()))
        .all(c)
        .await?)
}

/// A klus in someone's portfolio.
#[derive(Debug, Clone)]
pub struct PortfolioKlus {
    pub selection_id: Uuid,
    pub assignment_id: Uuid,
    pub title: String,
    pub organisation_name: String,
    pub unit_name: Option<String>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub hours_per_week: u8,
    pub total_hours: Option<u32>,
    /// The skills practised (those the klus asked).
    pub skills: Vec<NeedView>,
    pub done_at: Option<DateTime<Utc>>,
    pub reflection: Option<ReflectionView>,
}

/// The klussen person `p` took part in that are done, newest first; with `shared_only`, only
/// reflections shared with the manager.
pub async fn portfolio(c: &impl ConnectionTrait, person_id: Uuid, shared_only: bool) -> Result<Vec<PortfolioKlus>> {
    let selections = assignment_selection::Entity::find()
        .filter(assignment_selection::Column::PersonId.eq(person_id))
        .filter(assignment_selection::Column::State.eq(ConsentState::Approved.as_str()))
        .all(c)
        .await?;
    let ids: Vec<Uuid> = selections.iter().map(|s| s.assignment_id).collect();
    let klussen: std::collections::HashMap<Uuid, assignment::Model> = assignment::Entity::find()
        .filter(assignment::Column::Id.is_in(ids.clone()))
        .filter(assignment::Column::State.eq(AssignmentState::Done.as_str()))
        .order_by_desc(assignment::Column::DoneAt)
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut needs = needs_of(c, &ids).await?;
    let reflections: std::collections::HashMap<Uuid, assignment_reflection::Model> =
        assignment_reflection::Entity::find()
            .filter(
                assignment_reflection::Column::SelectionId.is_in(selections.iter().map(|s| s.id).collect::<Vec<_>>()),
            )
            .all(c)
            .await?
            .into_iter()
            .map(|r| (r.selection_id, r))
            .collect();
    let mut out = Vec::new();
    for s in selections {
        let Some(a) = klussen.get(&s.assignment_id) else { continue };
        let organisation_name =
            organisation::Entity::find_by_id(a.organisation_id).one(c).await?.map(|o| o.name).unwrap_or_default();
        let unit_name = match a.org_unit_id {
            Some(u) => org_unit::Entity::find_by_id(u).one(c).await?.map(|u| u.name),
            None => None,
        };
        let reflection = reflections.get(&s.id).filter(|r| !shared_only || r.shared_with_manager).map(view);
        out.push(PortfolioKlus {
            selection_id: s.id,
            assignment_id: a.id,
            title: a.title.clone(),
            organisation_name,
            unit_name,
            period: super::period_of(a),
            hours_per_week: a.hours_per_week as u8,
            total_hours: rules::total_hours(a.hours_per_week as u8, super::period_of(a)),
            skills: needs.remove(&a.id).unwrap_or_default(),
            done_at: a.done_at,
            reflection,
        });
    }
    out.sort_by_key(|k| std::cmp::Reverse(k.done_at));
    Ok(out)
}

fn view(r: &assignment_reflection::Model) -> ReflectionView {
    ReflectionView {
        learned: r.learned.clone(),
        will_do: r.will_do.clone(),
        shared_with_manager: r.shared_with_manager,
        updated_at: r.updated_at,
    }
}

/// The actor's own selection, consented to; anyone else's is "not found".
async fn own(
    c: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<(assignment_selection::Model, assignment::Model)> {
    let s = assignment_selection::Entity::find_by_id(id)
        .one(c)
        .await?
        .filter(|s| s.person_id == Some(actor.person_id))
        .ok_or(StoreError::NotFound("selection"))?;
    let a = assignment::Entity::find_by_id(s.assignment_id).one(c).await?.ok_or(StoreError::NotFound("selection"))?;
    Ok((s, a))
}

/// The actor's reflection on a klus they took part in.
pub async fn reflection(store: &Store, actor: &Actor, id: Uuid) -> Result<Option<ReflectionView>> {
    own(store.conn(), actor, id).await?;
    Ok(assignment_reflection::Entity::find_by_id(id).one(store.conn()).await?.as_ref().map(view))
}

/// Write (or rewrite) the actor's reflection on a klus they took part in, once it is done.
pub async fn put_reflection(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    r: Reflection,
    now: DateTime<Utc>,
) -> Result<ReflectionView> {
    let txn = store.write().await?;
    let (s, a) = own(&*txn, actor, id).await?;
    if super::consent::state_of(&s) != ConsentState::Approved || super::state_of(&a) != AssignmentState::Done {
        return Err(AssignmentError::NotDone.into());
    }
    assignment_reflection::Entity::insert(assignment_reflection::ActiveModel {
        selection_id: Set(id),
        person_id: Set(actor.person_id),
        learned: Set(r.learned.clone()),
        will_do: Set(r.will_do.clone()),
        shared_with_manager: Set(r.shared_with_manager),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(assignment_reflection::Column::SelectionId)
            .update_columns([
                assignment_reflection::Column::Learned,
                assignment_reflection::Column::WillDo,
                assignment_reflection::Column::SharedWithManager,
                assignment_reflection::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&*txn)
    .await?;
    let note = serde_json::json!({"shared_with_manager": r.shared_with_manager});
    audit::record(
        &*txn,
        Some(actor.person_id),
        "assignment_reflection.write",
        ("assignment_selection", id),
        None::<&()>,
        Some(&note),
        now,
    )
    .await?;
    let out = assignment_reflection::Entity::find_by_id(id).one(&*txn).await?.as_ref().map(view);
    txn.commit().await?;
    out.ok_or(StoreError::NotFound("selection"))
}

/// Remove the actor's reflection on a klus (nothing there: nothing happens).
pub async fn delete_reflection(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let txn = store.write().await?;
    own(&*txn, actor, id).await?;
    let gone = assignment_reflection::Entity::delete_by_id(id).exec(&*txn).await?.rows_affected;
    if gone > 0 {
        audit::record(
            &*txn,
            Some(actor.person_id),
            "assignment_reflection.delete",
            ("assignment_selection", id),
            None::<&()>,
            None::<&()>,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// What the Klussenbank holds of a person, for their export: responses (with the skills they
/// said they bring), selections, reflections on klussen, findability and saved search.
pub(crate) async fn export_of(c: &impl ConnectionTrait, person_id: Uuid) -> Result<serde_json::Value> {
    use crate::entities::{assignment_response_skill, klus_profile};
    let responses =
        assignment_response::Entity::find().filter(assignment_response::Column::PersonId.eq(person_id)).all(c).await?;
    let brought = assignment_response_skill::Entity::find()
        .filter(assignment_response_skill::Column::ResponseId.is_in(responses.iter().map(|r| r.id).collect::<Vec<_>>()))
        .all(c)
        .await?;
    let selections = assignment_selection::Entity::find()
        .filter(assignment_selection::Column::PersonId.eq(person_id))
        .all(c)
        .await?;
    let reflections = assignment_reflection::Entity::find()
        .filter(assignment_reflection::Column::PersonId.eq(person_id))
        .all(c)
        .await?;
    let profile = klus_profile::Entity::find_by_id(person_id).one(c).await?;
    Ok(serde_json::json!({
        "responses": responses,
        "skills_brought": brought,
        "selections": selections,
        "reflections": reflections,
        "profile": profile,
    }))
}

/// Erasure: a person's reflections on klussen go.
pub(crate) async fn erase_in(c: &impl ConnectionTrait, person_id: Uuid) -> Result<()> {
    assignment_reflection::Entity::delete_many()
        .filter(assignment_reflection::Column::PersonId.eq(person_id))
        .exec(c)
        .await?;
    super::responses::erase_in(c, person_id).await
}

/// Retention: of klussen done or closed before `before`, the responses (motivations, who
/// responded) and reflections go and the selections keep only the organisation, for the
/// figures. Returns how many klussen.
pub async fn forget_ended(store: &Store, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
    let ended: Vec<Uuid> = assignment::Entity::find()
        .filter(assignment::Column::State.is_in([AssignmentState::Done.as_str(), AssignmentState::Closed.as_str()]))
        .filter(assignment::Column::UpdatedAt.lt(before))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut forgotten = 0;
    for id in ended {
        let c = store.conn();
        let people =
            assignment_response::Entity::find().filter(assignment_response::Column::AssignmentId.eq(id)).all(c).await?;
        let selections = assignment_selection::Entity::find()
            .filter(assignment_selection::Column::AssignmentId.eq(id))
            .filter(assignment_selection::Column::PersonId.is_not_null())
            .all(c)
            .await?;
        if people.is_empty() && selections.is_empty() {
            continue;
        }
        let txn = store.write().await?;
        assignment_reflection::Entity::delete_many()
            .filter(
                assignment_reflection::Column::SelectionId.is_in(selections.iter().map(|s| s.id).collect::<Vec<_>>()),
            )
            .exec(&*txn)
            .await?;
        assignment_selection::Entity::update_many()
            .col_expr(assignment_selection::Column::PersonId, Expr::value(Option::<Uuid>::None))
            .col_expr(assignment_selection::Column::ResponseId, Expr::value(Option::<Uuid>::None))
            .col_expr(assignment_selection::Column::Reason, Expr::value(Option::<String>::None))
            .filter(assignment_selection::Column::AssignmentId.eq(id))
            .exec(&*txn)
            .await?;
        assignment_response::Entity::delete_many()
            .filter(assignment_response::Column::AssignmentId.eq(id))
            .exec(&*txn)
            .await?;
        audit::record(&*txn, None, "assignment.retention", ("assignment", id), None::<&()>, None::<&()>, now).await?;
        txn.commit().await?;
        forgotten += 1;
    }
    Ok(forgotten)
}
