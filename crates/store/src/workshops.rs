//! Workshops of a week: creation, changes, cancellation.

use crate::entities::{session, workshop, workshop_audience};
use crate::lookup::{WorkshopRow, attendance_recorded, editable_workshop, load_event, load_workshop, lock_session};
use crate::sessions::cancel_session_in;
use crate::{Conflict, Result, Store, StoreError, audit, mapping, skills};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::rules::check_audience;
use leerweek_domain::skill::Skill;
use leerweek_domain::text::{Description, ShortText, Theme, Title};
use leerweek_domain::workshop::Workshop;
use leerweek_domain::{AudienceKind, Language, SessionStatus, WorkshopFormat};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// A workshop to create, parsed.
#[derive(Debug, Clone)]
pub struct NewWorkshop {
    /// Title.
    pub title: Title,
    /// Description.
    pub description: Description,
    /// Theme, lower case.
    pub theme: Theme,
    /// Host organisation (a participating one).
    pub host_organisation_id: Uuid,
    /// Trainer.
    pub trainer: Option<ShortText>,
    /// Language it is given in.
    pub language: Language,
    /// On site, online or hybrid.
    pub format: WorkshopFormat,
    /// Who may enrol.
    pub audience: AudienceKind,
    /// Listed organisations for [`AudienceKind::Listed`].
    pub audience_organisation_ids: Vec<Uuid>,
    /// Manager approval of its own (`None`: as the week).
    pub approval: Option<leerweek_domain::Approval>,
    /// Skills it teaches (checked by `leerweek_domain::skill::workshop_skills`).
    pub skills: Vec<Uuid>,
}

/// A workshop with its audience list and skills.
#[derive(Debug, Clone)]
pub struct WorkshopView {
    /// The workshop.
    pub workshop: Workshop,
    /// Listed organisations.
    pub audience_organisation_ids: Vec<Uuid>,
    /// Skills it teaches, by name.
    pub skills: Vec<Skill>,
}

/// The view of a workshop row, with its skills.
async fn view(c: &impl ConnectionTrait, w: WorkshopRow) -> Result<WorkshopView> {
    let skills = skills::of_workshops(c, &[w.workshop.id]).await?.remove(&w.workshop.id).unwrap_or_default();
    Ok(view_with(w, skills))
}

fn view_with(w: WorkshopRow, skills: Vec<Skill>) -> WorkshopView {
    WorkshopView {
        workshop: mapping::workshop(&w.workshop),
        audience_organisation_ids: w.audience_organisation_ids,
        skills,
    }
}

/// Add a workshop to an event. The host must take part in the event; the actor must organise for the host.
pub async fn create_workshop(
    store: &Store,
    actor: &Actor,
    event_id: Uuid,
    w: NewWorkshop,
    now: DateTime<Utc>,
) -> Result<WorkshopView> {
    let txn = store.write().await?;
    let e = load_event(&*txn, event_id).await?.filter(|e| e.visible_to(actor)).ok_or(StoreError::NotFound("event"))?;
    if !e.organisation_ids.contains(&w.host_organisation_id) {
        return Err(StoreError::UnknownReference { field: "host_organisation_id".into() });
    }
    if !actor.may_manage_workshop(w.host_organisation_id) {
        return Err(StoreError::Forbidden);
    }
    check_audience(w.audience, &w.audience_organisation_ids, &e.organisation_ids)?;
    check_approval(w.approval, &e)?;
    let m = workshop::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_id: Set(event_id),
        title: Set(w.title.into_inner()),
        description: Set(w.description.into_inner()),
        theme: Set(w.theme.into_inner()),
        trainer: Set(w.trainer.map(ShortText::into_inner).filter(|t| !t.is_empty())),
        host_organisation_id: Set(w.host_organisation_id),
        language: Set(w.language.as_str().to_owned()),
        format: Set(w.format.as_str().to_owned()),
        audience: Set(w.audience.as_str().to_owned()),
        status: Set(SessionStatus::Scheduled.as_str().to_owned()),
        approval: Set(w.approval.map(|a| a.as_str().to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    for org in &w.audience_organisation_ids {
        workshop_audience::ActiveModel { workshop_id: Set(m.id), organisation_id: Set(*org) }.insert(&*txn).await?;
    }
    let taught = skills::set_workshop_skills(&*txn, m.id, &w.skills).await?;
    let after = serde_json::json!({"workshop": m, "skills": w.skills});
    audit::record(&*txn, Some(actor.person_id), "workshop.create", ("workshop", m.id), None::<&()>, Some(&after), now)
        .await?;
    txn.commit().await?;
    Ok(view_with(WorkshopRow { workshop: m, audience_organisation_ids: w.audience_organisation_ids }, taught))
}

/// One workshop, if its event is visible.
pub async fn get_workshop(store: &Store, actor: &Actor, id: Uuid) -> Result<WorkshopView> {
    let w = load_workshop(store.conn(), id).await?.ok_or(StoreError::NotFound("workshop"))?;
    let e = load_event(store.conn(), w.workshop.event_id).await?.ok_or(StoreError::NotFound("workshop"))?;
    if e.visible_to(actor) { view(store.conn(), w).await } else { Err(StoreError::NotFound("workshop")) }
}

/// Changes to a workshop; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct WorkshopPatch {
    /// Title.
    pub title: Option<Title>,
    /// Description.
    pub description: Option<Description>,
    /// Theme.
    pub theme: Option<Theme>,
    /// Trainer (`Some(None)` removes).
    pub trainer: Option<Option<ShortText>>,
    /// Language.
    pub language: Option<Language>,
    /// Format.
    pub format: Option<WorkshopFormat>,
    /// Audience with its list.
    pub audience: Option<(AudienceKind, Vec<Uuid>)>,
    /// Manager approval (`Some(None)`: as the week).
    pub approval: Option<Option<leerweek_domain::Approval>>,
    /// Skills it teaches (replacing the list).
    pub skills: Option<Vec<Uuid>>,
}

/// A workshop in a lottery week cannot ask for approval (see `events::check_approval_with`).
fn check_approval(approval: Option<leerweek_domain::Approval>, e: &crate::lookup::EventRow) -> Result<()> {
    if approval == Some(leerweek_domain::Approval::Manager)
        && mapping::allocation(&e.event.allocation) == leerweek_domain::Allocation::Lottery
    {
        return Err(leerweek_domain::FieldError::new(
            "approval",
            leerweek_domain::Invalid::Outside { what: "what a lottery week allows" },
        )
        .into());
    }
    Ok(())
}

/// Change a workshop (organisers of its host, admins).
pub async fn update_workshop(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    p: WorkshopPatch,
    now: DateTime<Utc>,
) -> Result<WorkshopView> {
    let txn = store.write().await?;
    let (w, e) = editable_workshop(&*txn, actor, id, "workshop").await?;
    if w.cancelled() {
        return Err(Conflict::Cancelled.into());
    }
    let mut am: workshop::ActiveModel = w.workshop.clone().into();
    if let Some(t) = p.title {
        am.title = Set(t.into_inner());
    }
    if let Some(d) = p.description {
        am.description = Set(d.into_inner());
    }
    if let Some(t) = p.theme {
        am.theme = Set(t.into_inner());
    }
    if let Some(t) = p.trainer {
        am.trainer = Set(t.map(ShortText::into_inner).filter(|t| !t.is_empty()));
    }
    if let Some(l) = p.language {
        am.language = Set(l.as_str().to_owned());
    }
    if let Some(f) = p.format {
        am.format = Set(f.as_str().to_owned());
    }
    if let Some(a) = p.approval {
        check_approval(a, &e)?;
        am.approval = Set(a.map(|a| a.as_str().to_owned()));
    }
    let mut listed = w.audience_organisation_ids.clone();
    if let Some((kind, orgs)) = p.audience {
        check_audience(kind, &orgs, &e.organisation_ids)?;
        am.audience = Set(kind.as_str().to_owned());
        workshop_audience::Entity::delete_many()
            .filter(workshop_audience::Column::WorkshopId.eq(id))
            .exec(&*txn)
            .await?;
        for org in &orgs {
            workshop_audience::ActiveModel { workshop_id: Set(id), organisation_id: Set(*org) }.insert(&*txn).await?;
        }
        listed = orgs;
    }
    let skills_before = skills::of_workshops(&*txn, &[id]).await?.remove(&id).unwrap_or_default();
    let taught = match &p.skills {
        Some(list) => skills::set_workshop_skills(&*txn, id, list).await?,
        None => skills_before.clone(),
    };
    am.updated_at = Set(now);
    let updated = am.update(&*txn).await?;
    let ids = |l: &[Skill]| l.iter().map(|s| s.id).collect::<Vec<_>>();
    audit::record(
        &*txn,
        Some(actor.person_id),
        "workshop.update",
        ("workshop", id),
        Some(&serde_json::json!({"workshop": w.workshop, "skills": ids(&skills_before)})),
        Some(&serde_json::json!({"workshop": updated, "skills": ids(&taught)})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(view_with(WorkshopRow { workshop: updated, audience_organisation_ids: listed }, taught))
}

/// Cancel a workshop and every session of it; everyone enrolled is told by mail.
pub async fn cancel_workshop(store: &Store, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<WorkshopView> {
    let txn = store.write().await?;
    let (w, _) = editable_workshop(&*txn, actor, id, "workshop").await?;
    if w.cancelled() {
        return view(&*txn, w).await;
    }
    let sessions = session::Entity::find().filter(session::Column::WorkshopId.eq(id)).all(&*txn).await?;
    for s in sessions {
        // Lock each session so no enrolment slips in between reading and cancelling its list.
        let Some(s) = lock_session(&*txn, store, s.id).await? else { continue };
        // A session whose attendance was recorded took place: it stays.
        if mapping::session_status(&s.status) == SessionStatus::Scheduled && !attendance_recorded(&*txn, s.id).await? {
            cancel_session_in(&*txn, actor, s, now).await?;
        }
    }
    let mut am: workshop::ActiveModel = w.workshop.clone().into();
    am.status = Set(SessionStatus::Cancelled.as_str().to_owned());
    am.updated_at = Set(now);
    let updated = am.update(&*txn).await?;
    audit::record(
        &*txn,
        Some(actor.person_id),
        "workshop.cancel",
        ("workshop", id),
        Some(&w.workshop),
        Some(&updated),
        now,
    )
    .await?;
    let out =
        view(&*txn, WorkshopRow { workshop: updated, audience_organisation_ids: w.audience_organisation_ids }).await?;
    txn.commit().await?;
    Ok(out)
}
