//! The Klussenbank (issue 27): klussen posted, found, responded to, chosen with the manager's
//! consent, and done. This module holds the klus itself (post, read, list, change, its life
//! cycle); [`responses`] the responses and the poster's choices, [`consent`] the manager's,
//! [`matching`] fit, suggestions, findability and the saved search, [`done`] the portfolio
//! side, [`figures`] the figures per organisation.

pub mod consent;
pub mod done;
pub mod figures;
mod mails;
pub mod matching;
pub mod responses;
mod view;

pub use view::{AssignmentView, ContactRef, MyResponseRef, NeedView, Summary};

use crate::entities::{assignment, assignment_partner, assignment_skill, org_unit, person, skill};
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::assignment::{self as rules, AssignmentInput, RawAssignment};
use leerweek_domain::{AssignmentReach, AssignmentState, FieldError, Invalid, WorkPlace};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashSet;
use uuid::Uuid;

/// The time zone in which the Klussenbank's days (closing dates, working days) are counted.
pub const ZONE: chrono_tz::Tz = chrono_tz::Europe::Amsterdam;

/// Today in the Netherlands.
pub(crate) fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&ZONE).date_naive()
}

pub(crate) fn state_of(a: &assignment::Model) -> AssignmentState {
    AssignmentState::parse(&a.state).unwrap_or(AssignmentState::Draft)
}

pub(crate) fn reach_of(a: &assignment::Model) -> AssignmentReach {
    AssignmentReach::parse(&a.reach).unwrap_or(AssignmentReach::Own)
}

pub(crate) fn period_of(a: &assignment::Model) -> Option<(NaiveDate, NaiveDate)> {
    a.starts_on.zip(a.ends_on)
}

/// Whether the actor manages klus `a`: an organiser (or admin) of its organisation, its contact
/// person, or whoever posted it.
pub(crate) fn manages(actor: &Actor, a: &assignment::Model) -> bool {
    (actor.organisation_id == a.organisation_id && (actor.is_organiser() || actor.is_admin()))
        || Some(actor.person_id) == a.contact_person_id
        || Some(actor.person_id) == a.created_by
}

/// The organisations besides its own that may respond to klus `id`.
pub(crate) async fn partners_of(c: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>> {
    Ok(assignment_partner::Entity::find()
        .filter(assignment_partner::Column::AssignmentId.eq(id))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.organisation_id)
        .collect())
}

/// Whether the actor's organisation may respond to klus `a` (whatever its state).
pub(crate) async fn admitted(c: &impl ConnectionTrait, actor: &Actor, a: &assignment::Model) -> Result<bool> {
    let partners = if reach_of(a) == AssignmentReach::Partners { partners_of(c, a.id).await? } else { Vec::new() };
    Ok(rules::admits(reach_of(a), a.organisation_id, &partners, actor.organisation_id))
}

/// Klus `id` as the actor may see it: its managers always; everyone its reach admits once it
/// was opened. Anyone else: not found.
pub(crate) async fn visible(c: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<assignment::Model> {
    let a = assignment::Entity::find_by_id(id).one(c).await?.ok_or(StoreError::NotFound("assignment"))?;
    if manages(actor, &a) || (state_of(&a) != AssignmentState::Draft && admitted(c, actor, &a).await?) {
        Ok(a)
    } else {
        Err(StoreError::NotFound("assignment"))
    }
}

/// Klus `id` if the actor manages it; otherwise not found (they see it) or not found.
pub(crate) async fn managed(c: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<assignment::Model> {
    let a = visible(c, actor, id).await?;
    if manages(actor, &a) { Ok(a) } else { Err(StoreError::Forbidden) }
}

/// The units a manager may post for: the unit they are in and every unit under it.
async fn own_units(c: &impl ConnectionTrait, actor: &Actor) -> Result<HashSet<Uuid>> {
    let me = person::Entity::find_by_id(actor.person_id).one(c).await?;
    let Some(root) = me.and_then(|p| p.org_unit_id) else { return Ok(HashSet::new()) };
    let units =
        org_unit::Entity::find().filter(org_unit::Column::OrganisationId.eq(actor.organisation_id)).all(c).await?;
    let mut own: HashSet<Uuid> = [root].into();
    loop {
        let before = own.len();
        for u in &units {
            if u.parent_id.is_some_and(|p| own.contains(&p)) {
                own.insert(u.id);
            }
        }
        if own.len() == before {
            return Ok(own);
        }
    }
}

/// Check what the input refers to: the organisation is the actor's own and they may post for
/// it (organisers and admins; managers for their own units), the unit belongs to it, the
/// contact person works there, the skills and partner organisations exist.
async fn check_references(c: &impl ConnectionTrait, actor: &Actor, k: &AssignmentInput) -> Result<()> {
    if k.organisation_id != actor.organisation_id {
        return Err(FieldError::new("organisation_id", Invalid::Outside { what: "your own organisation" }).into());
    }
    let organiser = actor.is_organiser() || actor.is_admin();
    if !organiser {
        let own = own_units(c, actor).await?;
        match k.org_unit_id {
            Some(u) if own.contains(&u) => {}
            _ if !actor.is_manager() => return Err(StoreError::Forbidden),
            _ => return Err(FieldError::new("org_unit_id", Invalid::Outside { what: "your own unit" }).into()),
        }
    }
    if let Some(u) = k.org_unit_id {
        let unit = org_unit::Entity::find_by_id(u).one(c).await?;
        if unit.is_none_or(|u| u.organisation_id != k.organisation_id) {
            return Err(StoreError::UnknownReference { field: "org_unit_id".into() });
        }
    }
    let contact = person::Entity::find_by_id(k.contact_person_id).one(c).await?;
    if contact.is_none_or(|p| p.organisation_id != k.organisation_id || p.left_at.is_some()) {
        return Err(StoreError::UnknownReference { field: "contact_person_id".into() });
    }
    let ids: Vec<Uuid> = k.needs.iter().map(|n| n.skill_id).collect();
    let known: HashSet<Uuid> =
        skill::Entity::find().filter(skill::Column::Id.is_in(ids.clone())).all(c).await?.iter().map(|s| s.id).collect();
    if let Some(i) = ids.iter().position(|s| !known.contains(s)) {
        return Err(StoreError::UnknownReference { field: format!("skills[{i}].skill_id") });
    }
    for (i, p) in k.partners.iter().enumerate() {
        if crate::entities::organisation::Entity::find_by_id(*p).one(c).await?.is_none() {
            return Err(StoreError::UnknownReference { field: format!("partners[{i}]") });
        }
    }
    Ok(())
}

/// Write the skills and partners of klus `id` (replacing what it had).
async fn write_lists(c: &impl ConnectionTrait, id: Uuid, k: &AssignmentInput) -> Result<()> {
    assignment_skill::Entity::delete_many().filter(assignment_skill::Column::AssignmentId.eq(id)).exec(c).await?;
    if !k.needs.is_empty() {
        assignment_skill::Entity::insert_many(k.needs.iter().enumerate().map(|(i, n)| assignment_skill::ActiveModel {
            assignment_id: Set(id),
            skill_id: Set(n.skill_id),
            required: Set(n.required),
            position: Set(i as i32),
        }))
        .exec(c)
        .await?;
    }
    assignment_partner::Entity::delete_many().filter(assignment_partner::Column::AssignmentId.eq(id)).exec(c).await?;
    if !k.partners.is_empty() {
        assignment_partner::Entity::insert_many(
            k.partners
                .iter()
                .map(|p| assignment_partner::ActiveModel { assignment_id: Set(id), organisation_id: Set(*p) }),
        )
        .exec(c)
        .await?;
    }
    Ok(())
}

fn apply(am: &mut assignment::ActiveModel, k: &AssignmentInput) {
    am.title = Set(k.title.clone());
    am.description = Set(k.description.clone());
    am.organisation_id = Set(k.organisation_id);
    am.org_unit_id = Set(k.org_unit_id);
    am.contact_person_id = Set(Some(k.contact_person_id));
    am.hours_per_week = Set(i32::from(k.hours_per_week));
    am.starts_on = Set(k.period.map(|p| p.0));
    am.ends_on = Set(k.period.map(|p| p.1));
    am.place = Set(k.place.as_str().to_owned());
    am.location = Set(k.location.clone());
    am.places = Set(i32::from(k.places));
    am.reach = Set(k.reach.as_str().to_owned());
    am.closes_on = Set(k.closes_on);
}

/// Opening needs a closing date from today on.
fn check_open(closes_on: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    if closes_on < today(now) {
        return Err(rules::AssignmentError::ClosingDateInPast.into());
    }
    Ok(())
}

/// Post a klus, as a draft or open at once.
pub async fn create(
    store: &Store,
    actor: &Actor,
    raw: RawAssignment<'_>,
    open: bool,
    now: DateTime<Utc>,
) -> Result<AssignmentView> {
    let raw = RawAssignment { contact_person_id: raw.contact_person_id.or(Some(actor.person_id)), ..raw };
    let k = rules::parse(raw)?;
    let txn = store.write().await?;
    check_references(&*txn, actor, &k).await?;
    if open {
        check_open(k.closes_on, now)?;
    }
    let id = Uuid::now_v7();
    let state = if open { AssignmentState::Open } else { AssignmentState::Draft };
    let mut am = assignment::ActiveModel {
        id: Set(id),
        created_by: Set(Some(actor.person_id)),
        state: Set(state.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        opened_at: Set(open.then_some(now)),
        filled_at: Set(None),
        done_at: Set(None),
        ..Default::default()
    };
    apply(&mut am, &k);
    let row = am.insert(&*txn).await?;
    write_lists(&*txn, id, &k).await?;
    audit::record(&*txn, Some(actor.person_id), "assignment.create", ("assignment", id), None::<&()>, Some(&row), now)
        .await?;
    txn.commit().await?;
    tracing::info!(assignment = %id, state = %state, "klus posted");
    view::one(store.conn(), actor, id, now).await
}

/// One klus as the actor sees it.
pub async fn get(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<AssignmentView> {
    visible(store.conn(), actor, id).await?;
    view::one(store.conn(), actor, id, now).await
}

/// What a change asks (absent fields stay as they are).
#[derive(Debug, Clone, Default)]
pub struct Change<'a> {
    /// New content (fields left out keep their value).
    pub raw: RawAssignment<'a>,
    /// Whether the period is set to "in overleg" (no dates).
    pub clear_period: bool,
    /// Whether the unit is removed.
    pub clear_unit: bool,
    /// Whether the location is removed.
    pub clear_location: bool,
    /// A move in the life cycle.
    pub state: Option<AssignmentState>,
}

/// Change a klus and/or move it in its life cycle (its managers). Done needs a participant;
/// opening needs a closing date from today on; a done klus no longer changes.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<AssignmentView> {
    let txn = store.write().await?;
    let before = managed(&*txn, actor, id).await?;
    let from = state_of(&before);
    let content_changed = !change.raw.is_empty() || change.clear_period || change.clear_unit || change.clear_location;
    let mut am: assignment::ActiveModel = before.clone().into();
    if content_changed {
        if !rules::editable(from) {
            return Err(rules::AssignmentError::Transition { from, to: from }.into());
        }
        let needs_now: Vec<(Uuid, bool)> = assignment_skill::Entity::find()
            .filter(assignment_skill::Column::AssignmentId.eq(id))
            .order_by_asc(assignment_skill::Column::Position)
            .all(&*txn)
            .await?
            .into_iter()
            .map(|n| (n.skill_id, n.required))
            .collect();
        let partners_now = partners_of(&*txn, id).await?;
        let place_now = WorkPlace::parse(&before.place).unwrap_or(WorkPlace::OnSite);
        let r = change.raw;
        let (starts, ends) = if change.clear_period {
            (None, None)
        } else {
            (r.starts_on.or(before.starts_on), r.ends_on.or(before.ends_on))
        };
        let location_now = if change.clear_location { None } else { before.location.as_deref() };
        let k = rules::parse(RawAssignment {
            title: Some(r.title.unwrap_or(&before.title)),
            description: Some(r.description.unwrap_or(&before.description)),
            organisation_id: Some(before.organisation_id),
            org_unit_id: if change.clear_unit { None } else { r.org_unit_id.or(before.org_unit_id) },
            contact_person_id: r.contact_person_id.or(before.contact_person_id).or(before.created_by),
            hours_per_week: Some(r.hours_per_week.unwrap_or(i64::from(before.hours_per_week))),
            starts_on: starts,
            ends_on: ends,
            place: Some(r.place.unwrap_or(place_now.as_str())),
            location: r.location.or(location_now),
            needs: Some(r.needs.unwrap_or(needs_now)),
            places: Some(r.places.unwrap_or(i64::from(before.places))),
            reach: Some(r.reach.unwrap_or(&before.reach)),
            partners: Some(r.partners.unwrap_or(partners_now)),
            closes_on: Some(r.closes_on.unwrap_or(before.closes_on)),
        })?;
        // Contact and unit are checked as when posting; the organisation stays its own.
        let as_poster = Actor { organisation_id: before.organisation_id, ..actor.clone() };
        if actor.organisation_id == before.organisation_id {
            check_references(&*txn, &as_poster, &k).await?;
        } else {
            return Err(StoreError::Forbidden);
        }
        let taken = responses::places_taken(&*txn, id).await?;
        if u32::from(k.places) < taken {
            return Err(FieldError::new("places", Invalid::TooSmall { min: i64::from(taken) }).into());
        }
        apply(&mut am, &k);
        write_lists(&*txn, id, &k).await?;
    }
    if let Some(to) = change.state.filter(|to| *to != from) {
        rules::may_move(from, to)?;
        match to {
            AssignmentState::Open => {
                let closes = match &am.closes_on {
                    sea_orm::ActiveValue::Set(d) | sea_orm::ActiveValue::Unchanged(d) => *d,
                    _ => before.closes_on,
                };
                check_open(closes, now)?;
                if before.opened_at.is_none() {
                    am.opened_at = Set(Some(now));
                }
            }
            AssignmentState::Filled => am.filled_at = Set(Some(now)),
            AssignmentState::Done => {
                if responses::places_consented(&*txn, id).await? == 0 {
                    return Err(rules::AssignmentError::NoParticipants.into());
                }
                am.done_at = Set(Some(now));
            }
            _ => {}
        }
        am.state = Set(to.as_str().to_owned());
    }
    am.updated_at = Set(now);
    let after = am.update(&*txn).await?;
    let action = match change.state {
        Some(to) if to != from => format!("assignment.{}", to.as_str()),
        _ => "assignment.update".to_owned(),
    };
    audit::record(&*txn, Some(actor.person_id), &action, ("assignment", id), Some(&before), Some(&after), now).await?;
    if state_of(&after) == AssignmentState::Done && from != AssignmentState::Done {
        done::tell_participants(&*txn, &after, now).await?;
    }
    txn.commit().await?;
    view::one(store.conn(), actor, id, now).await
}

/// What the list of klussen is filtered by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Words in the title or description.
    pub q: Option<String>,
    /// Asks this skill.
    pub skill: Option<Uuid>,
    /// Work place.
    pub place: Option<WorkPlace>,
    /// Posted by this organisation.
    pub organisation_id: Option<Uuid>,
    /// At least this many hours a week.
    pub min_hours: Option<u8>,
    /// At most this many.
    pub max_hours: Option<u8>,
    /// Starts on or after (klussen "in overleg" match).
    pub starts_from: Option<NaiveDate>,
    /// Ends on or before (klussen "in overleg" match).
    pub ends_by: Option<NaiveDate>,
    /// In this state (None: every state, for the klussen one manages).
    pub state: Option<AssignmentState>,
    /// Only the klussen the actor manages.
    pub managed: bool,
}

/// A page of klussen the actor may see (open ones they may respond to; with `managed`, the ones
/// they manage in any state), best fit for them first, then the soonest closing date.
pub async fn list(
    store: &Store,
    actor: &Actor,
    f: &Filter,
    page: u64,
    per_page: u64,
    now: DateTime<Utc>,
) -> Result<(Vec<Summary>, u64)> {
    view::list(store.conn(), actor, f, page, per_page, now).await
}
