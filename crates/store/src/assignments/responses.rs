//! Responding to a klus, withdrawing, and the poster's side: responses ranked by fit, and
//! inviting, selecting (which asks the candidate's manager) or declining.

use super::mails::{facts, posters, tell};
use super::view::{NeedView, needs, needs_of};
use super::{ZONE, manages, today, visible};
use crate::entities::{
    assignment, assignment_response, assignment_response_skill, assignment_selection, organisation, person,
    person_skill,
};
use crate::outbox::MailKind;
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::approval::Approver;
use leerweek_domain::assignment::fit::{self, Fit};
use leerweek_domain::assignment::{self as rules, AssignmentError, CONSENT_WORKING_DAYS, Choice, working_days};
use leerweek_domain::{ConsentState, FieldError, Invalid, ResponseState};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// People consented to or asked about (the places in use).
pub(crate) async fn places_taken(c: &impl ConnectionTrait, id: Uuid) -> Result<u32> {
    count_selections(c, id, &[ConsentState::Approved, ConsentState::Pending]).await
}

/// People consented to.
pub(crate) async fn places_consented(c: &impl ConnectionTrait, id: Uuid) -> Result<u32> {
    count_selections(c, id, &[ConsentState::Approved]).await
}

async fn count_selections(c: &impl ConnectionTrait, id: Uuid, states: &[ConsentState]) -> Result<u32> {
    use sea_orm::PaginatorTrait;
    Ok(assignment_selection::Entity::find()
        .filter(assignment_selection::Column::AssignmentId.eq(id))
        .filter(assignment_selection::Column::State.is_in(states.iter().map(|s| s.as_str())))
        .count(c)
        .await? as u32)
}

/// The newest selection of a response.
pub(crate) async fn last_selection(
    c: &impl ConnectionTrait,
    response: Uuid,
) -> Result<Option<assignment_selection::Model>> {
    Ok(assignment_selection::Entity::find()
        .filter(assignment_selection::Column::ResponseId.eq(response))
        .order_by_desc(assignment_selection::Column::CreatedAt)
        .order_by_desc(assignment_selection::Column::Id)
        .one(c)
        .await?)
}

fn response_state(r: &assignment_response::Model) -> ResponseState {
    ResponseState::parse(&r.state).unwrap_or(ResponseState::Submitted)
}

/// A selection in short.
#[derive(Debug, Clone)]
pub struct SelectionBrief {
    pub id: Uuid,
    pub state: ConsentState,
    pub due_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

pub(crate) fn brief(s: &assignment_selection::Model) -> SelectionBrief {
    SelectionBrief {
        id: s.id,
        state: super::consent::state_of(s),
        due_at: s.due_at,
        decided_at: s.decided_at,
        reason: s.reason.clone(),
    }
}

/// A respondent as the poster sees them.
#[derive(Debug, Clone)]
pub struct Respondent {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub organisation_name: String,
    pub unit_name: Option<String>,
}

/// A response as the poster sees it.
#[derive(Debug, Clone)]
pub struct ResponseView {
    pub id: Uuid,
    pub assignment_id: Uuid,
    pub person: Respondent,
    pub motivation: String,
    /// Skills they say they bring (of those the klus asks).
    pub brings: Vec<NeedView>,
    /// The klus's skills with their names, for the fit's parts.
    pub needs: Vec<NeedView>,
    pub fit: Fit,
    /// 1 for the best fit.
    pub rank: u32,
    pub state: ResponseState,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub selection: Option<SelectionBrief>,
}

/// Respond to an open klus one's organisation may respond to, with a motivation and the
/// skills of the klus one says one brings. Once (a withdrawn response is sent again).
pub async fn respond(
    store: &Store,
    actor: &Actor,
    assignment_id: Uuid,
    motivation: &str,
    brings: Vec<Uuid>,
    now: DateTime<Utc>,
) -> Result<MyResponse> {
    let motivation = rules::message("motivation", Some(motivation), true)?.unwrap_or_default();
    let txn = store.write().await?;
    let a = visible(&*txn, actor, assignment_id).await?;
    if !super::admitted(&*txn, actor, &a).await? {
        return Err(StoreError::NotFound("assignment"));
    }
    if Some(actor.person_id) == a.contact_person_id || Some(actor.person_id) == a.created_by {
        return Err(AssignmentError::OwnAssignment.into());
    }
    rules::may_respond(super::state_of(&a), a.closes_on, today(now))?;
    let asked: HashSet<Uuid> =
        needs_of(&*txn, &[a.id]).await?.remove(&a.id).unwrap_or_default().iter().map(|n| n.skill_id).collect();
    if brings.len() > rules::MAX_SKILLS {
        return Err(FieldError::new("skills", Invalid::TooLarge { max: rules::MAX_SKILLS as i64 }).into());
    }
    for (i, s) in brings.iter().enumerate() {
        if brings[..i].contains(s) {
            return Err(FieldError::new(format!("skills[{i}]"), Invalid::Duplicate).into());
        }
        if !asked.contains(s) {
            return Err(FieldError::new(
                format!("skills[{i}]"),
                Invalid::Outside { what: "the skills the assignment asks" },
            )
            .into());
        }
    }
    let existing = assignment_response::Entity::find()
        .filter(assignment_response::Column::AssignmentId.eq(a.id))
        .filter(assignment_response::Column::PersonId.eq(actor.person_id))
        .one(&*txn)
        .await?;
    let id = match existing {
        Some(r) if response_state(&r) != ResponseState::Withdrawn => {
            return Err(AssignmentError::AlreadyResponded.into());
        }
        Some(r) => {
            let mut am: assignment_response::ActiveModel = r.clone().into();
            am.motivation = Set(motivation);
            am.state = Set(ResponseState::Submitted.as_str().to_owned());
            am.message = Set(None);
            am.updated_at = Set(now);
            am.update(&*txn).await?;
            r.id
        }
        None => {
            let id = Uuid::now_v7();
            assignment_response::ActiveModel {
                id: Set(id),
                assignment_id: Set(a.id),
                person_id: Set(actor.person_id),
                motivation: Set(motivation),
                state: Set(ResponseState::Submitted.as_str().to_owned()),
                message: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&*txn)
            .await?;
            id
        }
    };
    assignment_response_skill::Entity::delete_many()
        .filter(assignment_response_skill::Column::ResponseId.eq(id))
        .exec(&*txn)
        .await?;
    if !brings.is_empty() {
        assignment_response_skill::Entity::insert_many(
            brings.iter().map(|s| assignment_response_skill::ActiveModel { response_id: Set(id), skill_id: Set(*s) }),
        )
        .exec(&*txn)
        .await?;
    }
    let me = person::Entity::find_by_id(actor.person_id).one(&*txn).await?.ok_or(StoreError::NotFound("person"))?;
    let my_org = organisation::Entity::find_by_id(me.organisation_id).one(&*txn).await?.map(|o| o.name);
    let f = facts(&*txn, &a).await?;
    for p in posters(&*txn, &a).await? {
        let extra = json!({"person_name": me.name, "person_organisation": my_org});
        tell(&*txn, MailKind::AssignmentResponse, p, &f, extra, now).await?;
    }
    // The audit log notes the response, never the motivation's words.
    let note = json!({"assignment": a.id, "skills": brings});
    audit::record(
        &*txn,
        Some(actor.person_id),
        "assignment.respond",
        ("assignment_response", id),
        None::<&()>,
        Some(&note),
        now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(assignment = %a.id, response = %id, "response to a klus");
    own_responses(store.conn(), actor.person_id, Some(id)).await?.pop().ok_or(StoreError::NotFound("response"))
}

/// Withdraw one's response while it is not final; a selection waiting for consent is withdrawn
/// with it (the manager no longer needs to decide). A poster who invited or selected them is
/// told.
pub async fn withdraw(store: &Store, actor: &Actor, response_id: Uuid, now: DateTime<Utc>) -> Result<MyResponse> {
    let txn = store.write().await?;
    let r = assignment_response::Entity::find_by_id(response_id)
        .one(&*txn)
        .await?
        .filter(|r| r.person_id == actor.person_id)
        .ok_or(StoreError::NotFound("response"))?;
    let a =
        assignment::Entity::find_by_id(r.assignment_id).one(&*txn).await?.ok_or(StoreError::NotFound("response"))?;
    let last = last_selection(&*txn, r.id).await?;
    rules::may_withdraw(super::state_of(&a), response_state(&r), last.as_ref().map(super::consent::state_of))?;
    let pending = last.filter(|s| super::consent::state_of(s) == ConsentState::Pending);
    let was_selected = pending.is_some();
    if let Some(s) = pending {
        let mut am: assignment_selection::ActiveModel = s.into();
        am.state = Set(ConsentState::Withdrawn.as_str().to_owned());
        am.decided_at = Set(Some(now));
        am.update(&*txn).await?;
    }
    let mut am: assignment_response::ActiveModel = r.clone().into();
    am.state = Set(ResponseState::Withdrawn.as_str().to_owned());
    am.updated_at = Set(now);
    am.update(&*txn).await?;
    // The poster chose them (invited or selected): they are told.
    if matches!(response_state(&r), ResponseState::Invited | ResponseState::Selected) {
        let me = person::Entity::find_by_id(actor.person_id).one(&*txn).await?.ok_or(StoreError::NotFound("person"))?;
        let org = organisation::Entity::find_by_id(me.organisation_id).one(&*txn).await?.map(|o| o.name);
        let f = facts(&*txn, &a).await?;
        let extra = json!({"person_name": me.name, "person_organisation": org, "for_poster": true,
            "was_selected": was_selected});
        for p in posters(&*txn, &a).await? {
            tell(&*txn, MailKind::AssignmentWithdrawn, p, &f, extra.clone(), now).await?;
        }
    }
    audit::record(
        &*txn,
        Some(actor.person_id),
        "assignment.withdraw",
        ("assignment_response", r.id),
        None::<&()>,
        None::<&()>,
        now,
    )
    .await?;
    txn.commit().await?;
    own_responses(store.conn(), actor.person_id, Some(response_id)).await?.pop().ok_or(StoreError::NotFound("response"))
}

/// The responses to a klus, best fit first (its managers).
pub async fn list(store: &Store, actor: &Actor, assignment_id: Uuid) -> Result<Vec<ResponseView>> {
    let a = super::managed(store.conn(), actor, assignment_id).await.map_err(|e| match e {
        StoreError::Forbidden => StoreError::NotFound("assignment"),
        e => e,
    })?;
    ranked(store.conn(), &a, None).await
}

/// The responses to klus `a` ranked by fit (withdrawn and declined ones after the rest); with
/// `only`, just that one (still with its rank among all).
pub(crate) async fn ranked(
    c: &impl ConnectionTrait,
    a: &assignment::Model,
    only: Option<Uuid>,
) -> Result<Vec<ResponseView>> {
    let rows =
        assignment_response::Entity::find().filter(assignment_response::Column::AssignmentId.eq(a.id)).all(c).await?;
    let people_ids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let people = super::view::people_named(c, people_ids.clone()).await?;
    let mut have: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    let mut want: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    let need_views = needs_of(c, &[a.id]).await?.remove(&a.id).unwrap_or_default();
    let asked: Vec<Uuid> = need_views.iter().map(|n| n.skill_id).collect();
    for s in person_skill::Entity::find()
        .filter(person_skill::Column::PersonId.is_in(people_ids))
        .filter(person_skill::Column::SkillId.is_in(asked.clone()))
        .all(c)
        .await?
    {
        let into = if s.kind == "have" { &mut have } else { &mut want };
        into.entry(s.person_id).or_default().insert(s.skill_id);
    }
    let response_ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut brought: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for b in assignment_response_skill::Entity::find()
        .filter(assignment_response_skill::Column::ResponseId.is_in(response_ids.clone()))
        .all(c)
        .await?
    {
        brought.entry(b.response_id).or_default().push(b.skill_id);
    }
    let mut selections: HashMap<Uuid, assignment_selection::Model> = HashMap::new();
    for s in assignment_selection::Entity::find()
        .filter(assignment_selection::Column::AssignmentId.eq(a.id))
        .order_by_asc(assignment_selection::Column::CreatedAt)
        .order_by_asc(assignment_selection::Column::Id)
        .all(c)
        .await?
    {
        if let Some(r) = s.response_id {
            selections.insert(r, s);
        }
    }
    let asked_needs = needs(&need_views);
    let empty = HashSet::new();
    let mut scored: Vec<(assignment_response::Model, Fit, DateTime<Utc>, Uuid)> = rows
        .into_iter()
        .map(|r| {
            let mut h = have.get(&r.person_id).cloned().unwrap_or_default();
            h.extend(brought.get(&r.id).into_iter().flatten().copied());
            let f = fit::fit(&asked_needs, &h, want.get(&r.person_id).unwrap_or(&empty));
            let (at, id) = (r.created_at, r.id);
            (r, f, at, id)
        })
        .collect();
    fit::rank(&mut scored);
    // Those still in the running first, in fit order; declined and withdrawn after.
    scored.sort_by_key(|(r, ..)| matches!(response_state(r), ResponseState::Declined | ResponseState::Withdrawn));
    let mut out = Vec::new();
    for (i, (r, f, ..)) in scored.into_iter().enumerate() {
        if only.is_some_and(|o| o != r.id) {
            continue;
        }
        let Some(named) = people.get(&r.person_id) else { continue };
        let p = &named.person;
        let brings = brought
            .get(&r.id)
            .map(|b| need_views.iter().filter(|n| b.contains(&n.skill_id)).cloned().collect())
            .unwrap_or_default();
        out.push(ResponseView {
            id: r.id,
            assignment_id: a.id,
            person: Respondent {
                id: p.id,
                name: p.name.clone(),
                email: p.email.clone(),
                organisation_name: named.organisation_name.clone(),
                unit_name: named.unit_name.clone(),
            },
            state: response_state(&r),
            motivation: r.motivation,
            brings,
            needs: need_views.clone(),
            fit: f,
            rank: i as u32 + 1,
            message: r.message,
            created_at: r.created_at,
            selection: selections.get(&r.id).map(brief),
        });
    }
    Ok(out)
}

/// The poster's choice on a response: invite for a talk, select (the candidate's manager is
/// asked to consent within five working days), or decline; each with an optional message to
/// the candidate.
pub async fn choose(
    store: &Store,
    actor: &Actor,
    response_id: Uuid,
    choice: Choice,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ResponseView> {
    let message = rules::message("message", message, false)?;
    let txn = store.write().await?;
    let r = assignment_response::Entity::find_by_id(response_id)
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound("response"))?;
    // The klus's row is locked: two posters selecting for the last place wait for each other.
    let a = assignment::Entity::find_by_id(r.assignment_id)
        .lock_exclusive()
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound("response"))?;
    if !manages(actor, &a) {
        return Err(StoreError::NotFound("response"));
    }
    let last = last_selection(&*txn, r.id).await?;
    let taken = places_taken(&*txn, a.id).await?;
    rules::may_choose(
        choice,
        super::state_of(&a),
        response_state(&r),
        last.as_ref().map(super::consent::state_of),
        taken,
        a.places as u32,
    )?;
    let candidate =
        person::Entity::find_by_id(r.person_id).one(&*txn).await?.ok_or(StoreError::NotFound("response"))?;
    let f = facts(&*txn, &a).await?;
    let (state, action) = match choice {
        Choice::Invite => (ResponseState::Invited, "assignment.invite"),
        Choice::Select => (ResponseState::Selected, "assignment.select"),
        Choice::Decline => (ResponseState::Declined, "assignment.decline"),
    };
    let mut am: assignment_response::ActiveModel = r.clone().into();
    am.state = Set(state.as_str().to_owned());
    am.message = Set(message.clone());
    am.updated_at = Set(now);
    am.update(&*txn).await?;
    match choice {
        Choice::Invite => {
            tell(&*txn, MailKind::AssignmentInvited, candidate.id, &f, json!({"message": message}), now).await?;
        }
        Choice::Decline => {
            tell(&*txn, MailKind::AssignmentDeclined, candidate.id, &f, json!({"message": message}), now).await?;
        }
        Choice::Select => select(&*txn, &a, &r, &candidate, &f, now).await?,
    }
    let note = json!({"response": r.id, "state": state});
    audit::record(&*txn, Some(actor.person_id), action, ("assignment", a.id), None::<&()>, Some(&note), now).await?;
    txn.commit().await?;
    tracing::info!(assignment = %a.id, response = %r.id, choice = action, "a poster chose");
    let mut list = ranked(store.conn(), &a, Some(response_id)).await?;
    list.pop().ok_or(StoreError::NotFound("response"))
}

/// Make the selection and ask whoever consents: the candidate's manager (one who has not left),
/// else the organisers of the candidate's organisation.
async fn select(
    c: &impl ConnectionTrait,
    a: &assignment::Model,
    r: &assignment_response::Model,
    candidate: &person::Model,
    f: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    let manager = match candidate.manager_id {
        Some(m) => person::Entity::find_by_id(m).one(c).await?.filter(|m| m.left_at.is_none()).map(|m| m.id),
        None => None,
    };
    let approver = Approver::of(manager, candidate.organisation_id);
    let due = working_days::after(now, CONSENT_WORKING_DAYS, ZONE);
    let id = Uuid::now_v7();
    assignment_selection::ActiveModel {
        id: Set(id),
        assignment_id: Set(a.id),
        response_id: Set(Some(r.id)),
        person_id: Set(Some(candidate.id)),
        organisation_id: Set(candidate.organisation_id),
        approver_id: Set(manager),
        state: Set(ConsentState::Pending.as_str().to_owned()),
        due_at: Set(due),
        created_at: Set(now),
        decided_at: Set(None),
        decided_by: Set(None),
        reason: Set(None),
    }
    .insert(c)
    .await?;
    tell(c, MailKind::AssignmentSelected, candidate.id, f, json!({"due_at": due, "selection_id": id}), now).await?;
    let approvers = match approver {
        Approver::Manager(m) => vec![m],
        Approver::OrganisersOf(org) => super::consent::organisers_of(c, org, candidate.id).await?,
    };
    if approvers.is_empty() {
        tracing::warn!(selection = %id, "nobody to ask for consent (no manager, no organisers): it lapses unless an admin decides");
    }
    for to in approvers {
        let extra = json!({"selection_id": id, "person_name": candidate.name, "due_at": due});
        tell(c, MailKind::ConsentRequest, to, f, extra, now).await?;
    }
    Ok(())
}

/// One's own responses, newest first.
#[derive(Debug, Clone)]
pub struct MyResponse {
    pub id: Uuid,
    pub assignment: assignment::Model,
    pub organisation_name: String,
    pub motivation: String,
    pub state: ResponseState,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub selection: Option<SelectionBrief>,
}

/// The actor's responses, newest first.
pub async fn mine(store: &Store, actor: &Actor) -> Result<Vec<MyResponse>> {
    own_responses(store.conn(), actor.person_id, None).await
}

/// A person's responses (at most 500, newest first), or with `only` just that one, each with its
/// klus, the klus's organisation and the last selection: four queries, however many.
async fn own_responses(c: &impl ConnectionTrait, person_id: Uuid, only: Option<Uuid>) -> Result<Vec<MyResponse>> {
    let mut q = assignment_response::Entity::find().filter(assignment_response::Column::PersonId.eq(person_id));
    if let Some(id) = only {
        q = q.filter(assignment_response::Column::Id.eq(id));
    }
    let rows = q.order_by_desc(assignment_response::Column::CreatedAt).limit(500).all(c).await?;
    let klussen: HashMap<Uuid, assignment::Model> = assignment::Entity::find()
        .filter(assignment::Column::Id.is_in(rows.iter().map(|r| r.assignment_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let orgs: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(klussen.values().map(|a| a.organisation_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    // The newest selection of each response wins (ascending, so later ones overwrite).
    let mut last: HashMap<Uuid, SelectionBrief> = HashMap::new();
    for s in assignment_selection::Entity::find()
        .filter(assignment_selection::Column::ResponseId.is_in(rows.iter().map(|r| r.id).collect::<Vec<_>>()))
        .order_by_asc(assignment_selection::Column::CreatedAt)
        .order_by_asc(assignment_selection::Column::Id)
        .all(c)
        .await?
    {
        if let Some(r) = s.response_id {
            last.insert(r, brief(&s));
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let a = klussen.get(&r.assignment_id)?.clone();
            Some(MyResponse {
                id: r.id,
                organisation_name: orgs.get(&a.organisation_id).cloned().unwrap_or_default(),
                state: response_state(&r),
                selection: last.remove(&r.id),
                motivation: r.motivation,
                message: r.message,
                created_at: r.created_at,
                assignment: a,
            })
        })
        .collect())
}

/// A person's responses go (erasure): selections keep the organisation only, for the figures.
pub(crate) async fn erase_in(c: &impl ConnectionTrait, person_id: Uuid) -> Result<()> {
    use sea_orm::sea_query::Expr;
    assignment_selection::Entity::update_many()
        .col_expr(assignment_selection::Column::PersonId, Expr::value(Option::<Uuid>::None))
        .col_expr(assignment_selection::Column::ResponseId, Expr::value(Option::<Uuid>::None))
        .filter(assignment_selection::Column::PersonId.eq(person_id))
        .exec(c)
        .await?;
    assignment_response::Entity::delete_many()
        .filter(assignment_response::Column::PersonId.eq(person_id))
        .exec(c)
        .await?;
    crate::entities::klus_profile::Entity::delete_by_id(person_id).exec(c).await?;
    // Klussen they posted or were the contact for stay, without their name.
    for column in [assignment::Column::ContactPersonId, assignment::Column::CreatedBy] {
        assignment::Entity::update_many()
            .col_expr(column, Expr::value(Option::<Uuid>::None))
            .filter(column.eq(person_id))
            .exec(c)
            .await?;
    }
    Ok(())
}
