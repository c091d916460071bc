//! Reading klussen: one in full, and the list, each with the reader's fit.

use super::{Filter, manages, period_of, reach_of, state_of};
use crate::entities::{
    assignment, assignment_partner, assignment_response, assignment_selection, assignment_skill, org_unit,
    organisation, person, skill,
};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::assignment::fit::{self, Fit};
use leerweek_domain::assignment::{self as rules, Need};
use leerweek_domain::{AssignmentReach, AssignmentState, ConsentState, ResponseState, WorkPlace};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A skill a klus asks for, with its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedView {
    /// The skill.
    pub skill_id: Uuid,
    /// Dutch name.
    pub name_nl: String,
    /// English name, if given.
    pub name_en: Option<String>,
    /// Required, or nice to have.
    pub required: bool,
}

/// Whom to ask about a klus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRef {
    /// Person id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
}

/// A klus as a reader sees it.
#[derive(Debug, Clone)]
pub struct AssignmentView {
    /// The row's facts.
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub org_unit_id: Option<Uuid>,
    pub unit_name: Option<String>,
    pub contact: Option<ContactRef>,
    pub title: String,
    pub description: String,
    pub hours_per_week: u8,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub total_hours: Option<u32>,
    pub place: WorkPlace,
    pub location: Option<String>,
    pub needs: Vec<NeedView>,
    pub places: u32,
    /// People consented to.
    pub taken: u32,
    /// Selections waiting for consent.
    pub pending: u32,
    pub reach: AssignmentReach,
    pub partners: Vec<(Uuid, String)>,
    pub closes_on: NaiveDate,
    pub state: AssignmentState,
    pub created_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub filled_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    /// Whether the reader manages it.
    pub may_manage: bool,
    /// Whether the reader may respond now.
    pub may_respond: bool,
    /// The reader's fit (None for a klus that asks no skills).
    pub fit: Option<Fit>,
    /// The reader's response.
    pub my_response: Option<MyResponseRef>,
    /// Responses (its managers only).
    pub responses: Option<u32>,
}

/// The reader's own response to a klus.
#[derive(Debug, Clone)]
pub struct MyResponseRef {
    pub id: Uuid,
    pub state: ResponseState,
    /// What they wrote.
    pub motivation: String,
    /// The poster's last message.
    pub message: Option<String>,
    /// The last selection and its consent.
    pub selection: Option<super::responses::SelectionBrief>,
}

/// A klus in a list.
#[derive(Debug, Clone)]
pub struct Summary {
    pub id: Uuid,
    pub title: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub unit_name: Option<String>,
    pub hours_per_week: u8,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub place: WorkPlace,
    pub closes_on: NaiveDate,
    pub state: AssignmentState,
    pub needs: Vec<NeedView>,
    pub places: u32,
    pub taken: u32,
    /// Selections waiting for a manager's consent.
    pub pending: u32,
    pub fit: Option<Fit>,
    /// Whether the reader responded (and did not withdraw).
    pub responded: bool,
}

/// The skills a person has and wants.
pub(crate) async fn skills_of(c: &impl ConnectionTrait, person_id: Uuid) -> Result<(HashSet<Uuid>, HashSet<Uuid>)> {
    use crate::entities::person_skill;
    let rows = person_skill::Entity::find().filter(person_skill::Column::PersonId.eq(person_id)).all(c).await?;
    let (mut have, mut want) = (HashSet::new(), HashSet::new());
    for r in rows {
        if r.kind == "have" {
            have.insert(r.skill_id);
        } else {
            want.insert(r.skill_id);
        }
    }
    Ok((have, want))
}

/// The skills klussen ask for, by klus, in their order.
pub(crate) async fn needs_of(c: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<NeedView>>> {
    let rows = assignment_skill::Entity::find()
        .filter(assignment_skill::Column::AssignmentId.is_in(ids.to_vec()))
        .order_by_asc(assignment_skill::Column::Position)
        .all(c)
        .await?;
    let skill_ids: Vec<Uuid> = rows.iter().map(|r| r.skill_id).collect();
    let names: HashMap<Uuid, skill::Model> = skill::Entity::find()
        .filter(skill::Column::Id.is_in(skill_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut out: HashMap<Uuid, Vec<NeedView>> = HashMap::new();
    for r in rows {
        let Some(s) = names.get(&r.skill_id) else { continue };
        out.entry(r.assignment_id).or_default().push(NeedView {
            skill_id: r.skill_id,
            name_nl: s.name_nl.clone(),
            name_en: s.name_en.clone(),
            required: r.required,
        });
    }
    Ok(out)
}

pub(crate) fn needs(views: &[NeedView]) -> Vec<Need> {
    views.iter().map(|n| Need { skill_id: n.skill_id, required: n.required }).collect()
}

/// Selections consented to and pending, by klus.
async fn counts(c: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, (u32, u32)>> {
    let rows = assignment_selection::Entity::find()
        .filter(assignment_selection::Column::AssignmentId.is_in(ids.to_vec()))
        .filter(
            assignment_selection::Column::State
                .is_in([ConsentState::Approved.as_str(), ConsentState::Pending.as_str()]),
        )
        .all(c)
        .await?;
    let mut out: HashMap<Uuid, (u32, u32)> = HashMap::new();
    for r in rows {
        let e = out.entry(r.assignment_id).or_default();
        if r.state == ConsentState::Approved.as_str() {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    Ok(out)
}

async fn organisation_names(c: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

async fn unit_names(c: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>> {
    Ok(org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// People with their organisation's and unit's names, by id.
pub(crate) struct Named {
    pub person: person::Model,
    pub organisation_name: String,
    pub unit_name: Option<String>,
}

/// Some people with the names of their organisation and unit, in three queries.
pub(crate) async fn people_named(c: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<HashMap<Uuid, Named>> {
    let people = person::Entity::find().filter(person::Column::Id.is_in(ids)).all(c).await?;
    let orgs = organisation_names(c, people.iter().map(|p| p.organisation_id).collect()).await?;
    let units = unit_names(c, people.iter().filter_map(|p| p.org_unit_id).collect()).await?;
    Ok(people
        .into_iter()
        .map(|p| {
            let named = Named {
                organisation_name: orgs.get(&p.organisation_id).cloned().unwrap_or_default(),
                unit_name: p.org_unit_id.and_then(|u| units.get(&u).cloned()),
                person: p,
            };
            (named.person.id, named)
        })
        .collect())
}

/// One klus in full, as the actor sees it (visibility already checked).
pub(crate) async fn one(
    c: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<AssignmentView> {
    let a = assignment::Entity::find_by_id(id).one(c).await?.ok_or(StoreError::NotFound("assignment"))?;
    let may_manage = manages(actor, &a);
    let needs = needs_of(c, &[id]).await?.remove(&id).unwrap_or_default();
    let partner_ids: Vec<Uuid> = assignment_partner::Entity::find()
        .filter(assignment_partner::Column::AssignmentId.eq(id))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.organisation_id)
        .collect();
    let mut orgs = organisation_names(c, [vec![a.organisation_id], partner_ids.clone()].concat()).await?;
    let mut partners: Vec<(Uuid, String)> =
        partner_ids.iter().map(|p| (*p, orgs.get(p).cloned().unwrap_or_default())).collect();
    partners.sort_by(|x, y| x.1.cmp(&y.1));
    let unit_name = match a.org_unit_id {
        Some(u) => unit_names(c, vec![u]).await?.remove(&u),
        None => None,
    };
    let contact = match a.contact_person_id {
        Some(p) => {
            person::Entity::find_by_id(p).one(c).await?.map(|p| ContactRef { id: p.id, name: p.name, email: p.email })
        }
        None => None,
    };
    let (taken, pending) = counts(c, &[id]).await?.remove(&id).unwrap_or_default();
    let mine = assignment_response::Entity::find()
        .filter(assignment_response::Column::AssignmentId.eq(id))
        .filter(assignment_response::Column::PersonId.eq(actor.person_id))
        .one(c)
        .await?;
    let my_response = match mine {
        Some(r) => Some(MyResponseRef {
            id: r.id,
            state: ResponseState::parse(&r.state).unwrap_or(ResponseState::Submitted),
            selection: super::responses::last_selection(c, r.id).await?.as_ref().map(super::responses::brief),
            motivation: r.motivation,
            message: r.message,
        }),
        None => None,
    };
    let responses = if may_manage {
        Some(
            assignment_response::Entity::find()
                .filter(assignment_response::Column::AssignmentId.eq(id))
                .filter(assignment_response::Column::State.ne(ResponseState::Withdrawn.as_str()))
                .all(c)
                .await?
                .len() as u32,
        )
    } else {
        None
    };
    let (have, want) = skills_of(c, actor.person_id).await?;
    let fit = (!needs.is_empty()).then(|| fit::fit(&self::needs(&needs), &have, &want));
    let state = state_of(&a);
    let own = may_manage && (Some(actor.person_id) == a.contact_person_id || Some(actor.person_id) == a.created_by);
    let may_respond = !own
        && rules::may_respond(state, a.closes_on, super::today(now)).is_ok()
        && rules::admits(reach_of(&a), a.organisation_id, &partner_ids, actor.organisation_id)
        && my_response.as_ref().is_none_or(|r| r.state == ResponseState::Withdrawn);
    Ok(AssignmentView {
        id,
        organisation_id: a.organisation_id,
        organisation_name: orgs.remove(&a.organisation_id).unwrap_or_default(),
        org_unit_id: a.org_unit_id,
        unit_name,
        contact,
        total_hours: rules::total_hours(a.hours_per_week as u8, period_of(&a)),
        period: period_of(&a),
        title: a.title,
        description: a.description,
        hours_per_week: a.hours_per_week as u8,
        place: WorkPlace::parse(&a.place).unwrap_or(WorkPlace::OnSite),
        location: a.location,
        needs,
        places: a.places as u32,
        taken,
        pending,
        reach: AssignmentReach::parse(&a.reach).unwrap_or(AssignmentReach::Own),
        partners,
        closes_on: a.closes_on,
        state,
        created_at: a.created_at,
        opened_at: a.opened_at,
        filled_at: a.filled_at,
        done_at: a.done_at,
        may_manage,
        may_respond,
        fit,
        my_response,
        responses,
    })
}

/// See [`super::list`].
pub(crate) async fn list(
    c: &impl ConnectionTrait,
    actor: &Actor,
    f: &Filter,
    page: u64,
    per_page: u64,
    now: DateTime<Utc>,
) -> Result<(Vec<Summary>, u64)> {
    let mut q = assignment::Entity::find();
    match (f.managed, f.state) {
        (_, Some(s)) => q = q.filter(assignment::Column::State.eq(s.as_str())),
        (false, None) => q = q.filter(assignment::Column::State.eq(AssignmentState::Open.as_str())),
        (true, None) => {}
    }
    if !f.managed && f.state.is_none_or(|s| s == AssignmentState::Open) {
        q = q.filter(assignment::Column::ClosesOn.gte(super::today(now)));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(assignment::Column::OrganisationId.eq(o));
    }
    if let Some(p) = f.place {
        q = q.filter(assignment::Column::Place.eq(p.as_str()));
    }
    if let Some(h) = f.min_hours {
        q = q.filter(assignment::Column::HoursPerWeek.gte(i32::from(h)));
    }
    if let Some(h) = f.max_hours {
        q = q.filter(assignment::Column::HoursPerWeek.lte(i32::from(h)));
    }
    if let Some(d) = f.starts_from {
        q = q.filter(
            sea_orm::Condition::any()
                .add(assignment::Column::StartsOn.is_null())
                .add(assignment::Column::StartsOn.gte(d)),
        );
    }
    if let Some(d) = f.ends_by {
        q = q.filter(
            sea_orm::Condition::any().add(assignment::Column::EndsOn.is_null()).add(assignment::Column::EndsOn.lte(d)),
        );
    }
    if let Some(s) = f.skill {
        q = q.filter(
            assignment::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(assignment_skill::Column::AssignmentId)
                    .from(assignment_skill::Entity)
                    .and_where(assignment_skill::Column::SkillId.eq(s))
                    .to_owned(),
            ),
        );
    }
    if let Some(like) = crate::search::pattern(f.q.as_deref()) {
        q = q.filter(
            sea_orm::Condition::any()
                .add(crate::search::contains(assignment::Column::Title, &like))
                .add(crate::search::contains(assignment::Column::Description, &like)),
        );
    }
    let rows = q.order_by_asc(assignment::Column::ClosesOn).all(c).await?;
    // Reach and management are decided per klus: a few hundred open ones at most.
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let mut partners: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for p in assignment_partner::Entity::find()
        .filter(assignment_partner::Column::AssignmentId.is_in(ids.clone()))
        .all(c)
        .await?
    {
        partners.entry(p.assignment_id).or_default().push(p.organisation_id);
    }
    let seen: Vec<assignment::Model> = rows
        .into_iter()
        .filter(|a| {
            let m = manages(actor, a);
            if f.managed {
                return m;
            }
            let ps = partners.get(&a.id).map(Vec::as_slice).unwrap_or(&[]);
            m || (state_of(a) != AssignmentState::Draft
                && rules::admits(reach_of(a), a.organisation_id, ps, actor.organisation_id))
        })
        .collect();
    let ids: Vec<Uuid> = seen.iter().map(|a| a.id).collect();
    let mut needs = needs_of(c, &ids).await?;
    let counts = counts(c, &ids).await?;
    let (have, want) = skills_of(c, actor.person_id).await?;
    let responded: HashSet<Uuid> = assignment_response::Entity::find()
        .filter(assignment_response::Column::PersonId.eq(actor.person_id))
        .filter(assignment_response::Column::State.ne(ResponseState::Withdrawn.as_str()))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.assignment_id)
        .collect();
    let orgs = organisation_names(c, seen.iter().map(|a| a.organisation_id).collect()).await?;
    let units = unit_names(c, seen.iter().filter_map(|a| a.org_unit_id).collect()).await?;
    let mut out: Vec<Summary> = seen
        .into_iter()
        .map(|a| {
            let n = needs.remove(&a.id).unwrap_or_default();
            let fit = (!n.is_empty()).then(|| fit::fit(&self::needs(&n), &have, &want));
            Summary {
                id: a.id,
                title: a.title.clone(),
                organisation_id: a.organisation_id,
                organisation_name: orgs.get(&a.organisation_id).cloned().unwrap_or_default(),
                unit_name: a.org_unit_id.and_then(|u| units.get(&u).cloned()),
                hours_per_week: a.hours_per_week as u8,
                period: period_of(&a),
                place: WorkPlace::parse(&a.place).unwrap_or(WorkPlace::OnSite),
                closes_on: a.closes_on,
                state: state_of(&a),
                needs: n,
                places: a.places as u32,
                taken: counts.get(&a.id).map(|c| c.0).unwrap_or(0),
                pending: counts.get(&a.id).map(|c| c.1).unwrap_or(0),
                fit,
                responded: responded.contains(&a.id),
            }
        })
        .collect();
    // Best fit first (a klus without skills after those that fit), then the soonest closing.
    out.sort_by(|x, y| {
        let px = x.fit.as_ref().map(|f| f.percent()).unwrap_or(0);
        let py = y.fit.as_ref().map(|f| f.percent()).unwrap_or(0);
        py.cmp(&px).then(x.closes_on.cmp(&y.closes_on)).then(x.id.cmp(&y.id))
    });
    let total = out.len() as u64;
    let start = ((page - 1) * per_page).min(total) as usize;
    let end = (start + per_page as usize).min(out.len());
    Ok((out.drain(start..end).collect(), total))
}
