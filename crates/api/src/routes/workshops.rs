//! Workshops of a week: add, read, change, cancel.

use super::{at, double_option, now, opt};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::may::WorkshopMayDto;
use crate::problem::{ApiError, Problem};
use crate::routes::skills::SkillDto;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use leerweek_domain::access::Actor;
use leerweek_domain::text::{Description, ShortText, Theme, Title};
use leerweek_domain::{Approval, AudienceKind, FieldError, Invalid, Language, WorkshopFormat};
use leerweek_store::workshops::{self, NewWorkshop, WorkshopPatch, WorkshopView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A workshop.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopDto {
    /// Id.
    pub id: Uuid,
    /// Event.
    pub event_id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Theme (lower case).
    pub theme: String,
    /// Trainer.
    pub trainer: Option<String>,
    /// Host organisation.
    pub host_organisation_id: Uuid,
    /// `nl` or `en`.
    pub language: String,
    /// `on_site`, `online`, `hybrid`.
    pub format: String,
    /// `all`, `host_only`, `listed`.
    pub audience: String,
    /// Listed organisations.
    pub audience_organisation_ids: Vec<Uuid>,
    /// `scheduled` or `cancelled`.
    pub status: String,
    /// `none` or `manager`: manager approval of this workshop's seats, overriding the week's
    /// (null: as the week).
    pub approval: Option<String>,
    /// Skills it teaches, by Dutch name.
    pub skills: Vec<SkillDto>,
    /// What the signed-in person may do with it.
    pub may: WorkshopMayDto,
}

impl WorkshopDto {
    /// The workshop as `actor` sees it.
    pub fn of(v: WorkshopView, actor: &Actor) -> Self {
        let w = v.workshop;
        Self {
            may: WorkshopMayDto::of(actor, w.host_organisation_id),
            id: w.id,
            event_id: w.event_id,
            title: w.title,
            description: w.description,
            theme: w.theme,
            trainer: w.trainer,
            host_organisation_id: w.host_organisation_id,
            language: w.language.as_str().to_owned(),
            format: w.format.as_str().to_owned(),
            audience: w.audience.as_str().to_owned(),
            audience_organisation_ids: v.audience_organisation_ids,
            status: w.status.as_str().to_owned(),
            approval: w.approval.map(|a| a.as_str().to_owned()),
            skills: v.skills.into_iter().map(Into::into).collect(),
        }
    }
}

/// New workshop.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkshopDto {
    /// Title, 1–200.
    pub title: String,
    /// Description, up to 5,000.
    pub description: String,
    /// Theme, e.g. `kennis`, `vaardigheden`, `talent`, `vitaliteit`, `leiderschap`, or a new one.
    pub theme: String,
    /// Host organisation (participating in the event).
    pub host_organisation_id: Uuid,
    /// Trainer.
    pub trainer: Option<String>,
    /// `nl` (default) or `en`.
    pub language: Option<String>,
    /// `on_site` (default), `online`, `hybrid`.
    pub format: Option<String>,
    /// `all` (default), `host_only`, `listed`.
    pub audience: Option<String>,
    /// For `listed`: the organisations.
    pub audience_organisation_ids: Option<Vec<Uuid>>,
    /// `none` or `manager` to differ from the week; leave out to follow it.
    pub approval: Option<String>,
    /// Skills it teaches (at most 12, from `/api/v1/skills`).
    pub skills: Option<Vec<Uuid>>,
}

/// Add a workshop to an event (organisers of the host, admins).
#[utoipa::path(post, path = "/api/v1/events/{id}/workshops", tag = "workshops", request_body = NewWorkshopDto, params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 201, body = WorkshopDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(event_id): Id,
    ApiJson(b): ApiJson<NewWorkshopDto>,
) -> Result<(StatusCode, Json<WorkshopDto>), ApiError> {
    let w = NewWorkshop {
        title: at("title", Title::parse(&b.title))?,
        description: at("description", Description::parse(&b.description))?,
        theme: at("theme", Theme::normalized(&b.theme))?,
        host_organisation_id: b.host_organisation_id,
        trainer: opt("trainer", b.trainer, |t| ShortText::parse(&t))?,
        language: opt("language", b.language, |l| Language::parse(&l))?.unwrap_or_default(),
        format: opt("format", b.format, |f| WorkshopFormat::parse(&f))?.unwrap_or(WorkshopFormat::OnSite),
        audience: opt("audience", b.audience, |a| AudienceKind::parse(&a))?.unwrap_or(AudienceKind::All),
        audience_organisation_ids: b.audience_organisation_ids.unwrap_or_default(),
        approval: opt("approval", b.approval, |a| Approval::parse(&a))?,
        skills: leerweek_domain::skill::workshop_skills(&b.skills.unwrap_or_default(), "skills")?,
    };
    let v = workshops::create_workshop(&s.store, &actor, event_id, w, now()).await?;
    s.programme.invalidate();
    Ok((StatusCode::CREATED, Json(WorkshopDto::of(v, &actor))))
}

/// One workshop.
#[utoipa::path(get, path = "/api/v1/workshops/{id}", tag = "workshops", params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = WorkshopDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<WorkshopDto>, ApiError> {
    Ok(Json(WorkshopDto::of(workshops::get_workshop(&s.store, &actor, id).await?, &actor)))
}

/// Changes to a workshop; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkshopPatchDto {
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Theme.
    pub theme: Option<String>,
    /// Trainer; `null` removes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub trainer: Option<Option<String>>,
    /// Language.
    pub language: Option<String>,
    /// Format.
    pub format: Option<String>,
    /// Audience.
    pub audience: Option<String>,
    /// Listed organisations (with `audience`).
    pub audience_organisation_ids: Option<Vec<Uuid>>,
    /// `none` or `manager`; `null`: as the week.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub approval: Option<Option<String>>,
    /// Skills it teaches, replacing the list (at most 12).
    pub skills: Option<Vec<Uuid>>,
}

/// Change a workshop (organisers of the host, admins).
#[utoipa::path(patch, path = "/api/v1/workshops/{id}", tag = "workshops", request_body = WorkshopPatchDto, params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = WorkshopDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<WorkshopPatchDto>,
) -> Result<Json<WorkshopDto>, ApiError> {
    let audience = match (b.audience, b.audience_organisation_ids) {
        (Some(a), orgs) => Some((at("audience", AudienceKind::parse(&a))?, orgs.unwrap_or_default())),
        (None, Some(_)) => return Err(FieldError::new("audience", Invalid::Required).into()),
        (None, None) => None,
    };
    let p = WorkshopPatch {
        title: opt("title", b.title, |t| Title::parse(&t))?,
        description: opt("description", b.description, |d| Description::parse(&d))?,
        theme: opt("theme", b.theme, |t| Theme::normalized(&t))?,
        trainer: match b.trainer {
            None => None,
            Some(t) => Some(opt("trainer", t, |t| ShortText::parse(&t))?),
        },
        language: opt("language", b.language, |l| Language::parse(&l))?,
        format: opt("format", b.format, |f| WorkshopFormat::parse(&f))?,
        audience,
        approval: match b.approval {
            None => None,
            Some(a) => Some(opt("approval", a, |a| Approval::parse(&a))?),
        },
        skills: b.skills.map(|s| leerweek_domain::skill::workshop_skills(&s, "skills")).transpose()?,
    };
    let v = workshops::update_workshop(&s.store, &actor, id, p, now()).await?;
    s.programme.invalidate();
    Ok(Json(WorkshopDto::of(v, &actor)))
}

/// Cancel a workshop and all its sessions; everyone enrolled is told.
#[utoipa::path(post, path = "/api/v1/workshops/{id}/cancel", tag = "workshops", params(("id" = Uuid, Path, description = "Workshop id")),
    responses((status = 200, body = WorkshopDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel_workshop(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<WorkshopDto>, ApiError> {
    let v = workshops::cancel_workshop(&s.store, &actor, id, now()).await?;
    s.programme.invalidate();
    Ok(Json(WorkshopDto::of(v, &actor)))
}
