//! The candidate's manager consents (or not) to a selection for a klus, in the app or from the
//! mail's signed links; no answer within five working days lapses (the minute job). Each way,
//! the candidate and the poster are told. The last place consented to fills the klus.

use super::mails::{facts, posters, tell};
use super::responses::{SelectionBrief, brief};
use crate::entities::{assignment, assignment_selection, org_unit, organisation, person, person_role};
use crate::outbox::MailKind;
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::approval::{Approver, DeclineReason};
use leerweek_domain::assignment as rules;
use leerweek_domain::{AssignmentState, ConsentState, Language, Role, WorkPlace};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

pub(crate) fn state_of(s: &assignment_selection::Model) -> ConsentState {
    ConsentState::parse(&s.state).unwrap_or(ConsentState::Pending)
}

/// The organisers of an organisation who have not left, but not `except`.
pub(crate) async fn organisers_of(c: &impl ConnectionTrait, org: Uuid, except: Uuid) -> Result<Vec<Uuid>> {
    let ids: Vec<Uuid> = person_role::Entity::find()
        .select_only()
        .column(person_role::Column::PersonId)
        .filter(person_role::Column::Role.eq(Role::Organiser.as_str()))
        .into_tuple()
        .all(c)
        .await?;
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .filter(person::Column::OrganisationId.eq(org))
        .filter(person::Column::LeftAt.is_null())
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.id)
        .filter(|p| *p != except)
        .collect())
}

/// Who consents for this candidate now: their manager while they have one who has not left,
/// else the organisers of their organisation.
async fn approver_of(c: &impl ConnectionTrait, p: &person::Model) -> Result<Approver> {
    let manager = match p.manager_id {
        Some(m) => person::Entity::find_by_id(m).one(c).await?.filter(|m| m.left_at.is_none()).map(|m| m.id),
        None => None,
    };
    Ok(Approver::of(manager, p.organisation_id))
}

/// A selection as the candidate, their approver or the klus's managers see it.
#[derive(Debug, Clone)]
pub struct SelectionView {
    pub selection: SelectionBrief,
    pub created_at: DateTime<Utc>,
    /// The candidate (None once erased).
    pub person: Option<(Uuid, String, Option<String>, String)>,
    pub assignment_id: Uuid,
    pub title: String,
    pub organisation_name: String,
    pub unit_name: Option<String>,
    pub hours_per_week: u8,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub place: WorkPlace,
    pub description: String,
    /// Whether the reader may consent now.
    pub may_decide: bool,
    /// The reader's language (for a link's page).
    pub language: Language,
}

async fn view(c: &impl ConnectionTrait, actor: &Actor, s: &assignment_selection::Model) -> Result<SelectionView> {
    let a = assignment::Entity::find_by_id(s.assignment_id).one(c).await?.ok_or(StoreError::NotFound("selection"))?;
    let candidate = match s.person_id {
        Some(p) => person::Entity::find_by_id(p).one(c).await?,
        None => None,
    };
    let may_decide = match &candidate {
        Some(p) => state_of(s) == ConsentState::Pending && approver_of(c, p).await?.admits(actor, p.id),
        None => false,
    };
    let person = match candidate {
        Some(p) => {
            let unit = match p.org_unit_id {
                Some(u) => org_unit::Entity::find_by_id(u).one(c).await?.map(|u| u.name),
                None => None,
            };
            let org =
                organisation::Entity::find_by_id(p.organisation_id).one(c).await?.map(|o| o.name).unwrap_or_default();
            Some((p.id, p.name, unit, org))
        }
        None => None,
    };
    let unit_name = match a.org_unit_id {
        Some(u) => org_unit::Entity::find_by_id(u).one(c).await?.map(|u| u.name),
        None => None,
    };
    let language = person::Entity::find_by_id(actor.person_id)
        .one(c)
        .await?
        .map(|p| crate::mapping::language(&p.language))
        .unwrap_or_default();
    Ok(SelectionView {
        selection: brief(s),
        created_at: s.created_at,
        person,
        assignment_id: a.id,
        organisation_name: organisation::Entity::find_by_id(a.organisation_id)
            .one(c)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        unit_name,
        hours_per_week: a.hours_per_week as u8,
        period: super::period_of(&a),
        place: WorkPlace::parse(&a.place).unwrap_or(WorkPlace::OnSite),
        title: a.title,
        description: a.description,
        may_decide,
        language,
    })
}

/// One selection: its candidate, whoever consents for them, and the klus's managers.
pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<SelectionView> {
    let c = store.conn();
    let s = assignment_selection::Entity::find_by_id(id).one(c).await?.ok_or(StoreError::NotFound("selection"))?;
    let a = assignment::Entity::find_by_id(s.assignment_id).one(c).await?.ok_or(StoreError::NotFound("selection"))?;
    let candidate = match s.person_id {
        Some(p) => person::Entity::find_by_id(p).one(c).await?,
        None => None,
    };
    let own = s.person_id == Some(actor.person_id);
    let approver = match &candidate {
        Some(p) => approver_of(c, p).await?.admits(actor, p.id),
        None => false,
    };
    if !(own || approver || super::manages(actor, &a)) {
        return Err(StoreError::NotFound("selection"));
    }
    view(c, actor, &s).await
}

/// The selections waiting for the actor's consent, the soonest deadline first.
pub async fn pending_for(store: &Store, actor: &Actor) -> Result<Vec<SelectionView>> {
    let c = store.conn();
    let pending = assignment_selection::Entity::find()
        .filter(assignment_selection::Column::State.eq(ConsentState::Pending.as_str()))
        .order_by_asc(assignment_selection::Column::DueAt)
        .limit(500)
        .all(c)
        .await?;
    let mut out = Vec::new();
    for s in pending {
        let Some(pid) = s.person_id else { continue };
        let Some(p) = person::Entity::find_by_id(pid).one(c).await? else { continue };
        // Admins decide when nobody else can, but their list is the same as anyone's: what
        // waits for them as manager or organiser.
        let theirs = match approver_of(c, &p).await? {
            Approver::Manager(m) => m == actor.person_id,
            Approver::OrganisersOf(org) => {
                actor.is_organiser() && actor.organisation_id == org && p.id != actor.person_id
            }
        };
        if theirs {
            out.push(view(c, actor, &s).await?);
        }
    }
    Ok(out)
}

/// How a consent came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Signed in.
    App,
    /// The consent mail's signed link.
    MailLink,
}

/// Consent (or not) to a selection, as the candidate's manager (without one: an organiser of
/// their organisation; admins). Anyone else: not found.
pub async fn decide(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    reason: Option<DeclineReason>,
    via: Via,
    now: DateTime<Utc>,
) -> Result<SelectionView> {
    let txn = store.write().await?;
    let s = assignment_selection::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("selection"))?;
    let a = assignment::Entity::find_by_id(s.assignment_id)
        .lock_exclusive()
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound("selection"))?;
    let candidate = match s.person_id {
        Some(p) => person::Entity::find_by_id(p).one(&*txn).await?,
        None => None,
    }
    .ok_or(StoreError::NotFound("selection"))?;
    if !approver_of(&*txn, &candidate).await?.admits(actor, candidate.id) {
        return Err(StoreError::NotFound("selection"));
    }
    // Read again under the klus's lock: the minute job or a withdrawal may have been first.
    let s = assignment_selection::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("selection"))?;
    rules::may_consent(state_of(&s), s.due_at, now)?;
    let mut am: assignment_selection::ActiveModel = s.clone().into();
    am.decided_at = Set(Some(now));
    am.decided_by = Set(Some(actor.person_id));
    let f = facts(&*txn, &a).await?;
    if approve {
        am.state = Set(ConsentState::Approved.as_str().to_owned());
        am.update(&*txn).await?;
        tell(
            &*txn,
            MailKind::AssignmentConsented,
            candidate.id,
            &f,
            json!({"person_name": candidate.name, "for_poster": false}),
            now,
        )
        .await?;
        for p in posters(&*txn, &a).await? {
            tell(
                &*txn,
                MailKind::AssignmentConsented,
                p,
                &f,
                json!({"person_name": candidate.name, "for_poster": true}),
                now,
            )
            .await?;
        }
        fill_if_full(&*txn, &a, now).await?;
    } else {
        am.state = Set(ConsentState::Declined.as_str().to_owned());
        am.reason = Set(reason.as_ref().map(|r| r.as_str().to_owned()));
        am.update(&*txn).await?;
        let words = reason.as_ref().map(DeclineReason::as_str);
        for (to, for_poster) in
            std::iter::once((candidate.id, false)).chain(posters(&*txn, &a).await?.into_iter().map(|p| (p, true)))
        {
            let extra =
                json!({"person_name": candidate.name, "for_poster": for_poster, "lapsed": false, "reason": words});
            tell(&*txn, MailKind::AssignmentNotConsented, to, &f, extra, now).await?;
        }
    }
    let after = json!({"approved": approve, "via": match via { Via::App => "app", Via::MailLink => "mail_link" }});
    let action = if approve { "assignment.consent" } else { "assignment.no_consent" };
    audit::record(&*txn, Some(actor.person_id), action, ("assignment_selection", id), None::<&()>, Some(&after), now)
        .await?;
    txn.commit().await?;
    tracing::info!(selection = %id, approve, "a manager decided on a selection for a klus");
    let s = assignment_selection::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(StoreError::NotFound("selection"))?;
    view(store.conn(), actor, &s).await
}

/// The klus is filled once every place is consented to (from open or closed).
async fn fill_if_full(c: &impl ConnectionTrait, a: &assignment::Model, now: DateTime<Utc>) -> Result<()> {
    let state = super::state_of(a);
    if !matches!(state, AssignmentState::Open | AssignmentState::Closed) {
        return Ok(());
    }
    if super::responses::places_consented(c, a.id).await? >= a.places as u32 {
        let mut am: assignment::ActiveModel = a.clone().into();
        am.state = Set(AssignmentState::Filled.as_str().to_owned());
        am.filled_at = Set(Some(now));
        am.updated_at = Set(now);
        am.update(c).await?;
        audit::record(c, None, "assignment.filled", ("assignment", a.id), None::<&()>, None::<&()>, now).await?;
        tracing::info!(assignment = %a.id, "every place of a klus is taken: filled");
    }
    Ok(())
}

/// The person a consent link was mailed to, as the actor (only while they have not left).
async fn linked_actor(store: &Store, by: Uuid) -> Result<Actor> {
    let p = person::Entity::find_by_id(by)
        .one(store.conn())
        .await?
        .filter(|p| p.left_at.is_none())
        .ok_or(StoreError::NotFound("selection"))?;
    let roles = crate::people::roles_of(store.conn(), p.id).await?;
    Ok(Actor { person_id: p.id, organisation_id: p.organisation_id, roles })
}

/// What a consent link's page shows the person it was mailed to.
pub async fn view_for_link(store: &Store, id: Uuid, by: Uuid) -> Result<SelectionView> {
    let actor = linked_actor(store, by).await?;
    let s = assignment_selection::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(StoreError::NotFound("selection"))?;
    view(store.conn(), &actor, &s).await
}

/// Consent or not through a consent mail's link, as the person it was mailed to (who must
/// still be the one who consents).
pub async fn decide_by_link(
    store: &Store,
    id: Uuid,
    by: Uuid,
    approve: bool,
    reason: Option<DeclineReason>,
    now: DateTime<Utc>,
) -> Result<SelectionView> {
    let actor = linked_actor(store, by).await?;
    decide(store, &actor, id, approve, reason, Via::MailLink, now).await
}

/// Lapse every selection nobody consented to within its five working days (the minute job):
/// the candidate and the poster are told; the poster may select again. Returns how many.
pub async fn lapse_due(store: &Store, now: DateTime<Utc>) -> Result<u32> {
    let due: Vec<Uuid> = assignment_selection::Entity::find()
        .select_only()
        .column(assignment_selection::Column::Id)
        .filter(assignment_selection::Column::State.eq(ConsentState::Pending.as_str()))
        .filter(assignment_selection::Column::DueAt.lte(now))
        .order_by_asc(assignment_selection::Column::DueAt)
        .limit(500)
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut lapsed = 0;
    for id in due {
        let txn = store.write().await?;
        let Some(s) = assignment_selection::Entity::find_by_id(id).one(&*txn).await? else { continue };
        if state_of(&s) != ConsentState::Pending || s.due_at > now {
            continue;
        }
        let Some(a) = assignment::Entity::find_by_id(s.assignment_id).one(&*txn).await? else { continue };
        let mut am: assignment_selection::ActiveModel = s.clone().into();
        am.state = Set(ConsentState::Lapsed.as_str().to_owned());
        am.decided_at = Set(Some(now));
        am.update(&*txn).await?;
        let f = facts(&*txn, &a).await?;
        let candidate = match s.person_id {
            Some(p) => person::Entity::find_by_id(p).one(&*txn).await?,
            None => None,
        };
        let name = candidate.as_ref().map(|p| p.name.clone());
        let mut told: Vec<(Uuid, bool)> = posters(&*txn, &a).await?.into_iter().map(|p| (p, true)).collect();
        if let Some(p) = &candidate {
            told.insert(0, (p.id, false));
        }
        for (to, for_poster) in told {
            let extra = json!({"person_name": name, "for_poster": for_poster, "lapsed": true, "reason": null});
            tell(&*txn, MailKind::AssignmentNotConsented, to, &f, extra, now).await?;
        }
        audit::record(
            &*txn,
            None,
            "assignment.consent_lapsed",
            ("assignment_selection", id),
            None::<&()>,
            None::<&()>,
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(selection = %id, "a consent nobody gave within five working days lapsed; the poster is told");
        lapsed += 1;
    }
    Ok(lapsed)
}
