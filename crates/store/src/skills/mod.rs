//! Skills: the installation's vocabulary (admins add, rename and merge), the skills workshops
//! teach, what people have and want ([`mine`]) and the ESCO skills an admin uploaded to pick
//! from ([`esco`]).

pub mod esco;
pub mod mine;

use crate::entities::{person_skill, skill, skill_assessment, workshop_skill};
use crate::search::{contains, pattern};
use crate::{Result, Store, StoreError, audit};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::skill::{EscoUri, MAX_SKILLS, Skill, merged_kind, name_key};
use leerweek_domain::text::{Description, SkillName};
use leerweek_domain::{FieldError, Invalid, SkillKind};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A skill with how much it is used.
#[derive(Debug, Clone)]
pub struct SkillUse {
    /// The skill.
    pub skill: Skill,
    /// Workshops that teach it.
    pub workshops: u64,
    /// People who have it or want it.
    pub people: u64,
}

/// A skill to add, parsed.
#[derive(Debug, Clone)]
pub struct NewSkill {
    /// Dutch name.
    pub name_nl: SkillName,
    /// English name.
    pub name_en: Option<SkillName>,
    /// What it covers.
    pub description: Description,
    /// The ESCO skill it is.
    pub esco_uri: Option<EscoUri>,
}

/// Changes to a skill; `None` keeps the value (`Some(None)` removes an optional one).
#[derive(Debug, Clone, Default)]
pub struct SkillPatch {
    /// Dutch name.
    pub name_nl: Option<SkillName>,
    /// English name.
    pub name_en: Option<Option<SkillName>>,
    /// What it covers.
    pub description: Option<Description>,
    /// The ESCO skill.
    pub esco_uri: Option<Option<EscoUri>>,
}

pub(crate) fn to_skill(m: &skill::Model) -> Skill {
    Skill {
        id: m.id,
        name_nl: m.name_nl.clone(),
        name_en: m.name_en.clone(),
        description: m.description.clone(),
        esco_uri: m.esco_uri.clone(),
    }
}

/// The vocabulary, by Dutch name, with its use; `q` finds text in either name (any signed-in
/// person reads it: people pick their skills from it).
pub async fn list_skills(store: &Store, q: Option<&str>) -> Result<Vec<SkillUse>> {
    let mut query = skill::Entity::find().order_by_asc(skill::Column::NameKey);
    if let Some(p) = pattern(q) {
        query = query
            .filter(Condition::any().add(contains(skill::Column::NameNl, &p)).add(contains(skill::Column::NameEn, &p)));
    }
    let skills = query.all(store.conn()).await?;
    let workshops = counts(store.conn(), workshop_skill::Entity, workshop_skill::Column::SkillId).await?;
    let people = counts(store.conn(), person_skill::Entity, person_skill::Column::SkillId).await?;
    Ok(skills
        .iter()
        .map(|s| SkillUse {
            skill: to_skill(s),
            workshops: workshops.get(&s.id).copied().unwrap_or(0),
            people: people.get(&s.id).copied().unwrap_or(0),
        })
        .collect())
}

async fn counts<E: EntityTrait>(c: &impl ConnectionTrait, _: E, column: E::Column) -> Result<HashMap<Uuid, u64>> {
    let rows: Vec<(Uuid, i64)> = E::find()
        .select_only()
        .column(column)
        .column_as(Expr::expr(Func::count(Expr::col(column))), "n")
        .group_by(column)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (id, n.max(0) as u64)).collect())
}

/// One skill.
pub async fn get_skill(store: &Store, id: Uuid) -> Result<Skill> {
    skill::Entity::find_by_id(id).one(store.conn()).await?.map(|m| to_skill(&m)).ok_or(StoreError::NotFound("skill"))
}

/// Add a skill (admins). A name already used (in any case or spacing) or an ESCO skill already
/// linked is a conflict.
pub async fn create_skill(store: &Store, actor: &Actor, s: NewSkill, now: DateTime<Utc>) -> Result<Skill> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    if skill::Entity::find().count(&*txn).await? as usize >= MAX_SKILLS {
        return Err(FieldError::new("name_nl", Invalid::SumExceeds { what: "2000 skills" }).into());
    }
    let m = skill::ActiveModel {
        id: Set(Uuid::now_v7()),
        name_key: Set(name_key(s.name_nl.as_str())),
        name_nl: Set(s.name_nl.into_inner()),
        name_en: Set(s.name_en.map(SkillName::into_inner)),
        description: Set(s.description.into_inner()),
        esco_uri: Set(s.esco_uri.map(EscoUri::into_inner)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    audit::record(&*txn, Some(actor.person_id), "skill.create", ("skill", m.id), None::<&()>, Some(&m), now).await?;
    txn.commit().await?;
    Ok(to_skill(&m))
}

/// Change a skill (admins).
pub async fn update_skill(store: &Store, actor: &Actor, id: Uuid, p: SkillPatch, now: DateTime<Utc>) -> Result<Skill> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    let txn = store.write().await?;
    let before = skill::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound("skill"))?;
    let mut am: skill::ActiveModel = before.clone().into();
    if let Some(n) = p.name_nl {
        am.name_key = Set(name_key(n.as_str()));
        am.name_nl = Set(n.into_inner());
    }
    if let Some(n) = p.name_en {
        am.name_en = Set(n.map(SkillName::into_inner));
    }
    if let Some(d) = p.description {
        am.description = Set(d.into_inner());
    }
    if let Some(u) = p.esco_uri {
        am.esco_uri = Set(u.map(EscoUri::into_inner));
    }
    am.updated_at = Set(now);
    let after = am.update(&*txn).await?;
    audit::record(&*txn, Some(actor.person_id), "skill.update", ("skill", id), Some(&before), Some(&after), now)
        .await?;
    txn.commit().await?;
    Ok(to_skill(&after))
}

/// Merge skill `from` into `into` (admins): workshops teaching `from` teach `into`, people who
/// had or wanted `from` have or want `into` (having wins), their ratings of `from` become
/// ratings of `into` (a day rated for both keeps the rating of `into`), and `from` is gone.
pub async fn merge_skill(store: &Store, actor: &Actor, from: Uuid, into: Uuid, now: DateTime<Utc>) -> Result<Skill> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden);
    }
    if from == into {
        return Err(FieldError::new("into", Invalid::Outside { what: "the other skills" }).into());
    }
    let txn = store.write().await?;
    let gone = skill::Entity::find_by_id(from).one(&*txn).await?.ok_or(StoreError::NotFound("skill"))?;
    let kept = skill::Entity::find_by_id(into)
        .one(&*txn)
        .await?
        .ok_or(StoreError::UnknownReference { field: "into".into() })?;

    let taught: Vec<Uuid> = workshop_skill::Entity::find()
        .select_only()
        .column(workshop_skill::Column::WorkshopId)
        .filter(workshop_skill::Column::SkillId.eq(from))
        .into_tuple()
        .all(&*txn)
        .await?;
    if !taught.is_empty() {
        workshop_skill::Entity::insert_many(
            taught.iter().map(|w| workshop_skill::ActiveModel { workshop_id: Set(*w), skill_id: Set(into) }),
        )
        .on_conflict_do_nothing_on([workshop_skill::Column::WorkshopId, workshop_skill::Column::SkillId])
        .exec(&*txn)
        .await?;
    }

    move_assignment_skills(&*txn, from, into).await?;
    let held =
        person_skill::Entity::find().filter(person_skill::Column::SkillId.is_in([from, into])).all(&*txn).await?;
    let mut kinds: HashMap<Uuid, SkillKind> = HashMap::new();
    for h in held.iter().filter(|h| h.skill_id == into).chain(held.iter().filter(|h| h.skill_id == from)) {
        let k = crate::mapping::skill_kind(&h.kind);
        kinds.entry(h.person_id).and_modify(|e| *e = merged_kind(*e, k)).or_insert(k);
    }
    let moved: Vec<_> = held.iter().filter(|h| h.skill_id == from).map(|h| h.person_id).collect();
    if !moved.is_empty() {
        person_skill::Entity::delete_many()
            .filter(person_skill::Column::SkillId.is_in([from, into]))
            .filter(person_skill::Column::PersonId.is_in(moved.clone()))
            .exec(&*txn)
            .await?;
        person_skill::Entity::insert_many(moved.iter().map(|p| person_skill::ActiveModel {
            person_id: Set(*p),
            skill_id: Set(into),
            kind: Set(kinds[p].as_str().to_owned()),
            updated_at: Set(now),
        }))
        .exec(&*txn)
        .await?;
    }

    let ratings =
        skill_assessment::Entity::find().filter(skill_assessment::Column::SkillId.eq(from)).all(&*txn).await?;
    if !ratings.is_empty() {
        skill_assessment::Entity::insert_many(ratings.iter().map(|r| skill_assessment::ActiveModel {
            person_id: Set(r.person_id),
            skill_id: Set(into),
            assessed_on: Set(r.assessed_on),
            level: Set(r.level),
            assessed_at: Set(r.assessed_at),
        }))
        .on_conflict_do_nothing_on([
            skill_assessment::Column::PersonId,
            skill_assessment::Column::SkillId,
            skill_assessment::Column::AssessedOn,
        ])
        .exec(&*txn)
        .await?;
    }
    // The rows of `from` go with it (cascade).
    skill::Entity::delete_by_id(from).exec(&*txn).await?;
    let mut am: skill::ActiveModel = kept.clone().into();
    if kept.esco_uri.is_none() && gone.esco_uri.is_some() {
        // The ESCO link of the merged skill is kept when the one that stays has none.
        am.esco_uri = Set(gone.esco_uri.clone());
    }
    am.updated_at = Set(now);
    let after = am.update(&*txn).await?;
    let summary = serde_json::json!({
        "merged": gone, "into": into, "workshops": taught.len(), "people": moved.len(), "ratings": ratings.len(),
    });
    audit::record(&*txn, Some(actor.person_id), "skill.merge", ("skill", from), Some(&gone), Some(&summary), now)
        .await?;
    txn.commit().await?;
    tracing::info!(from = %from, into = %into, workshops = taught.len(), people = moved.len(), "skills merged");
    Ok(to_skill(&after))
}

/// The skills of some workshops, by workshop, each list by Dutch name.
pub(crate) async fn of_workshops(c: &impl ConnectionTrait, workshops: &[Uuid]) -> Result<HashMap<Uuid, Vec<Skill>>> {
    if workshops.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out: HashMap<Uuid, Vec<Skill>> = HashMap::new();
    for chunk in workshops.chunks(500) {
        let rows = workshop_skill::Entity::find()
            .filter(workshop_skill::Column::WorkshopId.is_in(chunk.to_vec()))
            .all(c)
            .await?;
        let ids: Vec<Uuid> =
            rows.iter().map(|r| r.skill_id).collect::<std::collections::HashSet<_>>().into_iter().collect();
        let skills: HashMap<Uuid, Skill> = skill::Entity::find()
            .filter(skill::Column::Id.is_in(ids))
            .all(c)
            .await?
            .iter()
            .map(|s| (s.id, to_skill(s)))
            .collect();
        for r in rows {
            if let Some(s) = skills.get(&r.skill_id) {
                out.entry(r.workshop_id).or_default().push(s.clone());
            }
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(|s| name_key(&s.name_nl));
    }
    Ok(out)
}

/// Set what a workshop teaches (in the caller's transaction); every skill must exist.
pub(crate) async fn set_workshop_skills(
    c: &impl ConnectionTrait,
    workshop: Uuid,
    skills: &[Uuid],
) -> Result<Vec<Skill>> {
    let found = skill::Entity::find().filter(skill::Column::Id.is_in(skills.to_vec())).all(c).await?;
    if let Some(i) = skills.iter().position(|s| !found.iter().any(|f| f.id == *s)) {
        return Err(StoreError::UnknownReference { field: format!("skills[{i}]") });
    }
    workshop_skill::Entity::delete_many().filter(workshop_skill::Column::WorkshopId.eq(workshop)).exec(c).await?;
    if !skills.is_empty() {
        workshop_skill::Entity::insert_many(
            skills.iter().map(|s| workshop_skill::ActiveModel { workshop_id: Set(workshop), skill_id: Set(*s) }),
        )
        .exec(c)
        .await?;
    }
    let mut out: Vec<Skill> = found.iter().map(to_skill).collect();
    out.sort_by_key(|s| name_key(&s.name_nl));
    Ok(out)
}

/// A merge moves the skills klussen ask for and respondents bring (a klus that asked both keeps
/// the kept one as it was).
async fn move_assignment_skills(c: &impl ConnectionTrait, from: Uuid, into: Uuid) -> Result<()> {
    use crate::entities::{assignment_response_skill as rs, assignment_skill as ks};
    let asked = ks::Entity::find().filter(ks::Column::SkillId.eq(from)).all(c).await?;
    if !asked.is_empty() {
        ks::Entity::insert_many(asked.iter().map(|k| ks::ActiveModel {
            assignment_id: Set(k.assignment_id),
            skill_id: Set(into),
            required: Set(k.required),
            position: Set(k.position),
        }))
        .on_conflict_do_nothing_on([ks::Column::AssignmentId, ks::Column::SkillId])
        .exec(c)
        .await?;
    }
    let brought = rs::Entity::find().filter(rs::Column::SkillId.eq(from)).all(c).await?;
    if !brought.is_empty() {
        rs::Entity::insert_many(
            brought.iter().map(|b| rs::ActiveModel { response_id: Set(b.response_id), skill_id: Set(into) }),
        )
        .on_conflict_do_nothing_on([rs::Column::ResponseId, rs::Column::SkillId])
        .exec(c)
        .await?;
    }
    Ok(())
}
