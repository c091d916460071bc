//! A person's own skills: which they have and which they want to grow in, and the ratings they
//! give themselves over time.

use super::to_skill;
use crate::entities::{person_skill, skill, skill_assessment};
use crate::{Result, Store, StoreError, audit, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::SkillKind;
use leerweek_domain::access::Actor;
use leerweek_domain::skill::{Assessment, Level, Skill, name_key};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// A person's skills.
#[derive(Debug, Clone, Default)]
pub struct PersonSkills {
    /// Skills they have, by name.
    pub have: Vec<Skill>,
    /// Skills they want to grow in, by name.
    pub want: Vec<Skill>,
    /// Every skill they rated, with its ratings by day (also skills no longer in either list).
    pub rated: Vec<(Skill, Vec<Assessment>)>,
}

/// The skills of a person.
pub async fn person_skills(c: &impl ConnectionTrait, person_id: Uuid) -> Result<PersonSkills> {
    let held = person_skill::Entity::find().filter(person_skill::Column::PersonId.eq(person_id)).all(c).await?;
    let ratings = skill_assessment::Entity::find()
        .filter(skill_assessment::Column::PersonId.eq(person_id))
        .order_by_asc(skill_assessment::Column::AssessedOn)
        .all(c)
        .await?;
    let ids: Vec<Uuid> = held.iter().map(|h| h.skill_id).chain(ratings.iter().map(|r| r.skill_id)).collect();
    let skills: HashMap<Uuid, Skill> = skill::Entity::find()
        .filter(skill::Column::Id.is_in(ids))
        .all(c)
        .await?
        .iter()
        .map(|s| (s.id, to_skill(s)))
        .collect();
    let mut out = PersonSkills::default();
    for h in &held {
        let Some(s) = skills.get(&h.skill_id) else { continue };
        match mapping::skill_kind(&h.kind) {
            SkillKind::Have => out.have.push(s.clone()),
            SkillKind::Want => out.want.push(s.clone()),
        }
    }
    let mut rated: HashMap<Uuid, Vec<Assessment>> = HashMap::new();
    for r in &ratings {
        let Ok(level) = Level::parse(r.level.into()) else { continue };
        rated.entry(r.skill_id).or_default().push(Assessment { skill_id: r.skill_id, level, on: r.assessed_on });
    }
    out.rated = rated.into_iter().filter_map(|(id, a)| skills.get(&id).map(|s| (s.clone(), a))).collect();
    let by_name = |s: &Skill| name_key(&s.name_nl);
    out.have.sort_by_key(by_name);
    out.want.sort_by_key(by_name);
    out.rated.sort_by_key(|(s, _)| by_name(s));
    Ok(out)
}

/// The actor's own skills.
pub async fn my_skills(store: &Store, actor: &Actor) -> Result<PersonSkills> {
    person_skills(store.conn(), actor.person_id).await
}

/// Replace the actor's lists (checked by `leerweek_domain::skill::person_skills`); every skill
/// must exist.
pub async fn set_my_skills(
    store: &Store,
    actor: &Actor,
    lists: Vec<(Uuid, SkillKind)>,
    now: DateTime<Utc>,
) -> Result<PersonSkills> {
    let txn = store.write().await?;
    let ids: Vec<Uuid> = lists.iter().map(|(s, _)| *s).collect();
    let found: Vec<Uuid> = skill::Entity::find()
        .filter(skill::Column::Id.is_in(ids.clone()))
        .all(&*txn)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    if let Some((id, kind)) = lists.iter().find(|(s, _)| !found.contains(s)) {
        let i = lists.iter().filter(|(_, k)| k == kind).position(|(s, _)| s == id).unwrap_or(0);
        return Err(StoreError::UnknownReference { field: format!("{}[{i}]", kind.as_str()) });
    }
    let before =
        person_skill::Entity::find().filter(person_skill::Column::PersonId.eq(actor.person_id)).all(&*txn).await?;
    person_skill::Entity::delete_many().filter(person_skill::Column::PersonId.eq(actor.person_id)).exec(&*txn).await?;
    if !lists.is_empty() {
        person_skill::Entity::insert_many(lists.iter().map(|(s, k)| person_skill::ActiveModel {
            person_id: Set(actor.person_id),
            skill_id: Set(*s),
            kind: Set(k.as_str().to_owned()),
            updated_at: Set(now),
        }))
        .exec(&*txn)
        .await?;
    }
    let summary = |rows: Vec<(Uuid, &str)>| serde_json::json!(rows);
    audit::record(
        &*txn,
        Some(actor.person_id),
        "person.skills",
        ("person", actor.person_id),
        Some(&summary(before.iter().map(|b| (b.skill_id, b.kind.as_str())).collect())),
        Some(&summary(lists.iter().map(|(s, k)| (*s, k.as_str())).collect())),
        now,
    )
    .await?;
    let out = person_skills(&*txn, actor.person_id).await?;
    txn.commit().await?;
    Ok(out)
}

/// The actor rates a skill today (Europe/Amsterdam); a second rating the same day replaces the
/// first.
pub async fn assess(
    store: &Store,
    actor: &Actor,
    skill_id: Uuid,
    level: Level,
    now: DateTime<Utc>,
) -> Result<PersonSkills> {
    let txn = store.write().await?;
    if skill::Entity::find_by_id(skill_id).one(&*txn).await?.is_none() {
        return Err(StoreError::UnknownReference { field: "skill_id".into() });
    }
    let on = now.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    skill_assessment::Entity::insert(skill_assessment::ActiveModel {
        person_id: Set(actor.person_id),
        skill_id: Set(skill_id),
        assessed_on: Set(on),
        level: Set(level.get().into()),
        assessed_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            skill_assessment::Column::PersonId,
            skill_assessment::Column::SkillId,
            skill_assessment::Column::AssessedOn,
        ])
        .update_columns([skill_assessment::Column::Level, skill_assessment::Column::AssessedAt])
        .to_owned(),
    )
    .exec(&*txn)
    .await?;
    let after = serde_json::json!({"skill_id": skill_id, "level": level.get(), "on": on});
    audit::record(
        &*txn,
        Some(actor.person_id),
        "person.assess",
        ("person", actor.person_id),
        None::<&()>,
        Some(&after),
        now,
    )
    .await?;
    let out = person_skills(&*txn, actor.person_id).await?;
    txn.commit().await?;
    Ok(out)
}

/// An erased person's skills and ratings go (in the erasure's transaction).
pub(crate) async fn erase_in(c: &impl ConnectionTrait, person_id: Uuid) -> Result<()> {
    person_skill::Entity::delete_many().filter(person_skill::Column::PersonId.eq(person_id)).exec(c).await?;
    skill_assessment::Entity::delete_many().filter(skill_assessment::Column::PersonId.eq(person_id)).exec(c).await?;
    Ok(())
}
