//! Findability, suggestions of findable people for a klus, and the saved search with its weekly
//! mail. Nobody is suggested without having opted in; opting out takes effect at once (the
//! suggestions are computed on every request).

use super::mails::{facts, tell};
use super::view::{NeedView, needs, needs_of};
use crate::entities::{assignment, assignment_response, klus_profile, organisation, person, person_skill, skill};
use crate::outbox::MailKind;
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, Duration, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::assignment::fit::{self, Fit};
use leerweek_domain::assignment::{self as rules};
use leerweek_domain::{AssignmentReach, AssignmentState, FieldError, Invalid, ResponseState, WorkPlace};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Most suggestions shown for a klus.
pub const MAX_SUGGESTIONS: usize = 20;

/// A saved search (what the list's filters hold), mailed weekly when asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSearch {
    /// Words in the title or description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Any of these skills.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Uuid>,
    /// Work place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<WorkPlace>,
    /// Of this organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    /// At least this many hours a week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_hours: Option<u8>,
    /// At most this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hours: Option<u8>,
}

impl SavedSearch {
    /// Whether klus `a` with skills `asked` matches.
    pub fn matches(&self, a: &assignment::Model, asked: &[Uuid]) -> bool {
        let words = self.q.as_deref().map(str::to_lowercase);
        words.is_none_or(|w| a.title.to_lowercase().contains(&w) || a.description.to_lowercase().contains(&w))
            && (self.skills.is_empty() || self.skills.iter().any(|s| asked.contains(s)))
            && self.place.is_none_or(|p| p.as_str() == a.place)
            && self.organisation_id.is_none_or(|o| o == a.organisation_id)
            && self.min_hours.is_none_or(|h| a.hours_per_week >= i32::from(h))
            && self.max_hours.is_none_or(|h| a.hours_per_week <= i32::from(h))
    }
}

/// A person's Klussenbank choices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// Posters may see them as a suggestion (name, unit, matching skills).
    pub findable: bool,
    /// Their saved search.
    pub search: Option<SavedSearch>,
    /// Whether the saved search is mailed weekly.
    pub search_weekly: bool,
}

fn profile_of(m: Option<klus_profile::Model>) -> Profile {
    match m {
        None => Profile::default(),
        Some(m) => Profile {
            findable: m.findable,
            search: m.search.as_deref().and_then(|s| serde_json::from_str(s).ok()),
            search_weekly: m.search_weekly,
        },
    }
}

/// The actor's choices.
pub async fn profile(store: &Store, actor: &Actor) -> Result<Profile> {
    Ok(profile_of(klus_profile::Entity::find_by_id(actor.person_id).one(store.conn()).await?))
}

/// Set the actor's choices. A saved search's skills must exist; hours 1–40, min ≤ max; the
/// weekly mail needs a saved search.
pub async fn set_profile(store: &Store, actor: &Actor, p: Profile, now: DateTime<Utc>) -> Result<Profile> {
    if let Some(s) = &p.search {
        if s.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
            return Err(FieldError::new("search.q", Invalid::TooLong { max: 200 }).into());
        }
        if s.skills.len() > rules::MAX_SKILLS {
            return Err(FieldError::new("search.skills", Invalid::TooLarge { max: rules::MAX_SKILLS as i64 }).into());
        }
        for (field, h) in [("search.min_hours", s.min_hours), ("search.max_hours", s.max_hours)] {
            match h {
                Some(0) => return Err(FieldError::new(field, Invalid::TooSmall { min: 1 }).into()),
                Some(h) if i64::from(h) > rules::MAX_HOURS => {
                    return Err(FieldError::new(field, Invalid::TooLarge { max: rules::MAX_HOURS }).into());
                }
                _ => {}
            }
        }
        if let (Some(a), Some(b)) = (s.min_hours, s.max_hours)
            && b < a
        {
            return Err(
                FieldError::new("search.max_hours", Invalid::NotAfter { start_field: "search.min_hours" }).into()
            );
        }
        let known: HashSet<Uuid> = skill::Entity::find()
            .filter(skill::Column::Id.is_in(s.skills.clone()))
            .all(store.conn())
            .await?
            .iter()
            .map(|k| k.id)
            .collect();
        if let Some(i) = s.skills.iter().position(|k| !known.contains(k)) {
            return Err(StoreError::UnknownReference { field: format!("search.skills[{i}]") });
        }
    }
    if p.search_weekly && p.search.is_none() {
        return Err(FieldError::new("search", Invalid::Required).into());
    }
    let txn = store.write().await?;
    let before = profile_of(klus_profile::Entity::find_by_id(actor.person_id).one(&*txn).await?);
    let search = p.search.as_ref().map(|s| serde_json::to_string(s).unwrap_or_default());
    klus_profile::Entity::insert(klus_profile::ActiveModel {
        person_id: Set(actor.person_id),
        findable: Set(p.findable),
        search: Set(search),
        search_weekly: Set(p.search_weekly),
        last_digest_at: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(klus_profile::Column::PersonId)
            .update_columns([
                klus_profile::Column::Findable,
                klus_profile::Column::Search,
                klus_profile::Column::SearchWeekly,
                klus_profile::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&*txn)
    .await?;
    let note = |p: &Profile| serde_json::json!({"findable": p.findable, "search_weekly": p.search_weekly});
    audit::record(
        &*txn,
        Some(actor.person_id),
        "klus_profile.set",
        ("person", actor.person_id),
        Some(&note(&before)),
        Some(&note(&p)),
        now,
    )
    .await?;
    txn.commit().await?;
    if before.findable != p.findable {
        tracing::info!(person = %actor.person_id, findable = p.findable, "findability changed");
    }
    Ok(p)
}

/// A findable person suggested for a klus: name, unit and the skills that match; nothing more.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub person_id: Uuid,
    pub name: String,
    pub unit_name: Option<String>,
    pub organisation_name: String,
    /// The klus's skills they have.
    pub matching: Vec<NeedView>,
    pub fit: Fit,
}

/// Findable people who have at least one skill klus `id` asks for, from the organisations it
/// admits, who have not responded and do not post it; best fit first, at most
/// [`MAX_SUGGESTIONS`] (its managers).
pub async fn suggestions(store: &Store, actor: &Actor, id: Uuid) -> Result<Vec<Suggestion>> {
    let c = store.conn();
    let a = super::managed(c, actor, id).await.map_err(|e| match e {
        StoreError::Forbidden => StoreError::NotFound("assignment"),
        e => e,
    })?;
    let need_views = needs_of(c, &[id]).await?.remove(&id).unwrap_or_default();
    if need_views.is_empty() || super::state_of(&a) == AssignmentState::Done {
        return Ok(vec![]);
    }
    let asked: Vec<Uuid> = need_views.iter().map(|n| n.skill_id).collect();
    // Correlated by primary key for each candidate row: cheaper than materialising every
    // findable person and every person of the installation (measured by `leerweek-bench klussen`).
    let findable = Query::select()
        .expr(Expr::val(1))
        .from(klus_profile::Entity)
        .and_where(
            Expr::col((klus_profile::Entity, klus_profile::Column::PersonId))
                .equals((person_skill::Entity, person_skill::Column::PersonId)),
        )
        .and_where(Expr::col((klus_profile::Entity, klus_profile::Column::Findable)).eq(true))
        .to_owned();
    let mut people = Query::select()
        .expr(Expr::val(1))
        .from(person::Entity)
        .and_where(
            Expr::col((person::Entity, person::Column::Id))
                .equals((person_skill::Entity, person_skill::Column::PersonId)),
        )
        .and_where(Expr::col((person::Entity, person::Column::LeftAt)).is_null())
        .to_owned();
    match super::reach_of(&a) {
        AssignmentReach::All => {}
        AssignmentReach::Own => {
            people.and_where(Expr::col((person::Entity, person::Column::OrganisationId)).eq(a.organisation_id));
        }
        AssignmentReach::Partners => {
            let mut orgs = super::partners_of(c, id).await?;
            orgs.push(a.organisation_id);
            people.and_where(Expr::col((person::Entity, person::Column::OrganisationId)).is_in(orgs));
        }
    }
    let rows: Vec<(Uuid, Uuid, String)> = person_skill::Entity::find()
        .select_only()
        .column(person_skill::Column::PersonId)
        .column(person_skill::Column::SkillId)
        .column(person_skill::Column::Kind)
        .filter(person_skill::Column::SkillId.is_in(asked.clone()))
        .filter(Expr::exists(findable))
        .filter(Expr::exists(people))
        .into_tuple()
        .all(c)
        .await?;
    let mut have: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    let mut want: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (p, s, kind) in rows {
        let into = if kind == "have" { &mut have } else { &mut want };
        into.entry(p).or_default().insert(s);
    }
    let responded: HashSet<Uuid> = assignment_response::Entity::find()
        .filter(assignment_response::Column::AssignmentId.eq(id))
        .filter(assignment_response::Column::State.ne(ResponseState::Withdrawn.as_str()))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    let asked_needs = needs(&need_views);
    let empty = HashSet::new();
    let mut scored: Vec<(Uuid, Fit, DateTime<Utc>, Uuid)> = have
        .iter()
        .filter(|(p, _)| {
            !responded.contains(p)
                && Some(**p) != a.contact_person_id
                && Some(**p) != a.created_by
                && **p != actor.person_id
        })
        .map(|(p, h)| (*p, fit::fit(&asked_needs, h, want.get(p).unwrap_or(&empty)), DateTime::<Utc>::MIN_UTC, *p))
        .filter(|(_, f, ..)| f.has_any())
        .collect();
    fit::rank(&mut scored);
    scored.truncate(MAX_SUGGESTIONS);
    let ids: Vec<Uuid> = scored.iter().map(|s| s.0).collect();
    let found = super::view::people_named(c, ids).await?;
    Ok(scored
        .into_iter()
        .filter_map(|(p, f, ..)| {
            let named = found.get(&p)?;
            let had = &have[&p];
            Some(Suggestion {
                person_id: p,
                name: named.person.name.clone(),
                unit_name: named.unit_name.clone(),
                organisation_name: named.organisation_name.clone(),
                matching: need_views.iter().filter(|n| had.contains(&n.skill_id)).cloned().collect(),
                fit: f,
            })
        })
        .collect())
}

/// Mail each saved search that is due (weekly) the klussen opened since its last mail that
/// match and that the person may respond to; a week without any sends nothing. Returns how
/// many mails were queued.
pub async fn send_digests(store: &Store, now: DateTime<Utc>) -> Result<u32> {
    let c = store.conn();
    let week_ago = now - Duration::days(7);
    let due = klus_profile::Entity::find()
        .filter(klus_profile::Column::SearchWeekly.eq(true))
        .filter(
            sea_orm::Condition::any()
                .add(klus_profile::Column::LastDigestAt.is_null())
                .add(klus_profile::Column::LastDigestAt.lte(week_ago)),
        )
        .limit(1000)
        .all(c)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let open = assignment::Entity::find()
        .filter(assignment::Column::State.eq(AssignmentState::Open.as_str()))
        .filter(assignment::Column::ClosesOn.gte(super::today(now)))
        .all(c)
        .await?;
    let ids: Vec<Uuid> = open.iter().map(|a| a.id).collect();
    let needs = needs_of(c, &ids).await?;
    // Partners and organisation names once for every saved search, not per person.
    let mut partners: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for p in crate::entities::assignment_partner::Entity::find()
        .filter(crate::entities::assignment_partner::Column::AssignmentId.is_in(ids.clone()))
        .all(c)
        .await?
    {
        partners.entry(p.assignment_id).or_default().push(p.organisation_id);
    }
    let orgs: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(open.iter().map(|a| a.organisation_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut sent = 0;
    for p in due {
        let Some(search) = p.search.as_deref().and_then(|s| serde_json::from_str::<SavedSearch>(s).ok()) else {
            continue;
        };
        let Some(me) = person::Entity::find_by_id(p.person_id).one(c).await? else { continue };
        let since = p.last_digest_at.unwrap_or(week_ago);
        let (have, want) = super::view::skills_of(c, me.id).await?;
        let mut found = Vec::new();
        for a in open.iter().filter(|a| a.opened_at.is_some_and(|o| o > since)) {
            let asked: Vec<Uuid> = needs.get(&a.id).map(|n| n.iter().map(|n| n.skill_id).collect()).unwrap_or_default();
            let own = Some(me.id) == a.created_by || Some(me.id) == a.contact_person_id;
            if own
                || !search.matches(a, &asked)
                || !rules::admits(
                    super::reach_of(a),
                    a.organisation_id,
                    partners.get(&a.id).map_or(&[][..], Vec::as_slice),
                    me.organisation_id,
                )
            {
                continue;
            }
            let n = needs.get(&a.id).cloned().unwrap_or_default();
            let percent = (!n.is_empty()).then(|| fit::fit(&self::needs(&n), &have, &want).percent());
            let org = orgs.get(&a.organisation_id);
            found.push(serde_json::json!({
                "id": a.id, "title": a.title, "organisation_name": org, "hours_per_week": a.hours_per_week,
                "closes_on": a.closes_on, "place": a.place, "percent": percent,
            }));
        }
        let txn = store.write().await?;
        if !found.is_empty() {
            let first = open.iter().find(|a| Some(a.id.to_string().as_str()) == found[0]["id"].as_str());
            let f = match first {
                Some(a) => facts(&*txn, a).await?,
                None => serde_json::Value::Null,
            };
            tell(&*txn, MailKind::AssignmentDigest, me.id, &f, serde_json::json!({"assignments": found}), now).await?;
            sent += 1;
        }
        klus_profile::Entity::update_many()
            .col_expr(klus_profile::Column::LastDigestAt, sea_orm::sea_query::Expr::value(Some(now)))
            .filter(klus_profile::Column::PersonId.eq(me.id))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
    }
    if sent > 0 {
        tracing::info!(mails = sent, "weekly mails of saved klus searches queued");
    }
    Ok(sent)
}
