//! The Klussenbank: klussen (temporary assignments) posted, found, responded to, chosen with
//! the candidate's manager's consent, and done. `dto` holds the wire types; `responses` the
//! responses and choices; `consent` the manager's side, reflections and one's own choices.

pub mod consent;
pub mod dto;
pub mod figures;
pub mod responses;

use super::{double_option, now};
use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use dto::{AssignmentDto, AssignmentSummaryDto};
use leerweek_domain::assignment::RawAssignment;
use leerweek_domain::{AssignmentState, FieldError, WorkPlace};
use leerweek_store::assignments::{self, Change, Filter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A skill a klus asks for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedInput {
    /// The skill (from the shared list).
    pub skill_id: Uuid,
    /// Required (default) or nice to have.
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

/// A new klus.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssignmentDto {
    /// What the work is, in a line (1–120 characters).
    pub title: String,
    /// The work, the team, what one learns (up to 5,000 characters).
    #[serde(default)]
    pub description: String,
    /// The organisation it is for: one's own.
    pub organisation_id: Uuid,
    /// The unit it is for (managers: their own unit or one under it).
    pub org_unit_id: Option<Uuid>,
    /// Whom to ask (a person of the organisation); default: oneself.
    pub contact_person_id: Option<Uuid>,
    /// Hours a week, 1–40.
    pub hours_per_week: Option<i64>,
    /// The period: both or neither ("in overleg").
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// `on_site`, `remote` or `hybrid`.
    pub place: String,
    /// Where (on site or hybrid).
    pub location: Option<String>,
    /// Skills asked (at most 12, each once).
    #[serde(default)]
    pub skills: Vec<NeedInput>,
    /// People asked for, 1–20.
    pub places: Option<i64>,
    /// Who may respond: `own`, `partners` or `all`.
    pub reach: String,
    /// With `reach = partners`: organisations besides its own.
    #[serde(default)]
    pub partners: Vec<Uuid>,
    /// The last day to respond.
    pub closes_on: Option<NaiveDate>,
    /// `draft` (default) or `open`.
    pub state: Option<String>,
}

/// Post a klus for one's own organisation (organisers and admins; managers for their own
/// unit), as a draft or open at once.
#[utoipa::path(operation_id = "create_assignment", post, path = "/api/v1/assignments", tag = "assignments", request_body = NewAssignmentDto,
    responses((status = 201, body = AssignmentDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<NewAssignmentDto>,
) -> Result<(StatusCode, Json<AssignmentDto>), ApiError> {
    if !(actor.is_organiser() || actor.is_admin() || actor.is_manager()) {
        return Err(leerweek_store::StoreError::Forbidden.into());
    }
    let open = match b.state.as_deref() {
        None | Some("draft") => false,
        Some("open") => true,
        Some(_) => {
            return Err(FieldError::new("state", leerweek_domain::Invalid::NotOneOf { allowed: "draft open" }).into());
        }
    };
    let raw = RawAssignment {
        title: Some(&b.title),
        description: Some(&b.description),
        organisation_id: Some(b.organisation_id),
        org_unit_id: b.org_unit_id,
        contact_person_id: b.contact_person_id,
        hours_per_week: b.hours_per_week,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        place: Some(&b.place),
        location: b.location.as_deref(),
        needs: Some(b.skills.iter().map(|n| (n.skill_id, n.required)).collect()),
        places: b.places,
        reach: Some(&b.reach),
        partners: Some(b.partners.clone()),
        closes_on: b.closes_on,
    };
    let v = assignments::create(&s.store, &actor, raw, open, now()).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// A change to a klus: any field; `null` clears the unit, the location or the period ("in
/// overleg"); `state` moves it (draft → open → closed/filled → done; closed or filled → open).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentPatchDto {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub org_unit_id: Option<Option<Uuid>>,
    pub contact_person_id: Option<Uuid>,
    pub hours_per_week: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub starts_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub ends_on: Option<Option<NaiveDate>>,
    pub place: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    pub skills: Option<Vec<NeedInput>>,
    pub places: Option<i64>,
    pub reach: Option<String>,
    pub partners: Option<Vec<Uuid>>,
    pub closes_on: Option<NaiveDate>,
    /// `open`, `closed`, `filled` or `done`.
    pub state: Option<String>,
}

/// Change a klus or move it in its life cycle (its managers: organisers of its organisation,
/// its contact person, whoever posted it). Done tells each participant and puts the klus in
/// their portfolio.
#[utoipa::path(operation_id = "update_assignment", patch, path = "/api/v1/assignments/{id}", tag = "assignments", request_body = AssignmentPatchDto,
    params(("id" = Uuid, Path, description = "Klus id")),
    responses((status = 200, body = AssignmentDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<AssignmentPatchDto>,
) -> Result<Json<AssignmentDto>, ApiError> {
    let state =
        b.state.as_deref().map(|st| AssignmentState::parse(st).map_err(|e| FieldError::new("state", e))).transpose()?;
    let clear_period = matches!((b.starts_on, b.ends_on), (Some(None), _) | (_, Some(None)));
    let change = Change {
        raw: RawAssignment {
            title: b.title.as_deref(),
            description: b.description.as_deref(),
            org_unit_id: b.org_unit_id.flatten(),
            contact_person_id: b.contact_person_id,
            hours_per_week: b.hours_per_week,
            starts_on: b.starts_on.flatten(),
            ends_on: b.ends_on.flatten(),
            place: b.place.as_deref(),
            location: b.location.as_ref().and_then(|l| l.as_deref()),
            needs: b.skills.map(|v| v.iter().map(|n| (n.skill_id, n.required)).collect()),
            places: b.places,
            reach: b.reach.as_deref(),
            partners: b.partners,
            closes_on: b.closes_on,
            organisation_id: None,
        },
        clear_period,
        clear_unit: matches!(b.org_unit_id, Some(None)),
        clear_location: matches!(b.location, Some(None)),
        state,
    };
    Ok(Json(assignments::update(&s.store, &actor, id, change, now()).await?.into()))
}

/// One klus: its managers always; everyone its reach admits once it was opened.
#[utoipa::path(operation_id = "get_assignment", get, path = "/api/v1/assignments/{id}", tag = "assignments",
    params(("id" = Uuid, Path, description = "Klus id")),
    responses((status = 200, body = AssignmentDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get(State(s): State<AppState>, Auth(actor): Auth, Id(id): Id) -> Result<Json<AssignmentDto>, ApiError> {
    Ok(Json(assignments::get(&s.store, &actor, id, now()).await?.into()))
}

/// Filters and paging of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Words in the title or description.
    pub q: Option<String>,
    /// Asks this skill.
    pub skill: Option<Uuid>,
    /// `on_site`, `remote` or `hybrid`.
    pub place: Option<String>,
    /// Posted by this organisation.
    pub organisation_id: Option<Uuid>,
    /// At least this many hours a week (1–40).
    pub min_hours: Option<u8>,
    /// At most this many hours a week (1–40).
    pub max_hours: Option<u8>,
    /// Starts on or after this day (klussen "in overleg" match).
    pub starts_from: Option<NaiveDate>,
    /// Ends on or before this day (klussen "in overleg" match).
    pub ends_by: Option<NaiveDate>,
    /// `open` (default), or with `managed=true` any state or `all`.
    pub state: Option<String>,
    /// `true`: the klussen I manage.
    pub managed: Option<bool>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Per page, 1–100 (default 20).
    pub per_page: Option<u64>,
}

/// A page of klussen.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentPage {
    /// The klussen of this page, best fit for the reader first, then the soonest closing.
    pub items: Vec<AssignmentSummaryDto>,
    /// All that match.
    pub total: u64,
    /// Page, from 1.
    pub page: u64,
    /// Per page.
    pub per_page: u64,
}

/// Open klussen the reader may respond to (or, with `managed=true`, those they manage, in any
/// state), filtered, best fit for the reader first.
#[utoipa::path(operation_id = "list_assignments", get, path = "/api/v1/assignments", tag = "assignments", params(ListQuery),
    responses((status = 200, body = AssignmentPage), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<AssignmentPage>, ApiError> {
    let (page, per_page) = crate::paging::check(q.page, q.per_page, 20, 100)?;
    let bad = |field: &str, detail: &str| ApiError::InvalidQuery { field: field.into(), detail: detail.into() };
    let managed = q.managed.unwrap_or(false);
    let state = match q.state.as_deref() {
        None => None,
        Some("all") if managed => None,
        Some(st) => match AssignmentState::parse(st) {
            Ok(AssignmentState::Open) => Some(AssignmentState::Open),
            Ok(other) if managed => Some(other),
            _ => return Err(bad("state", "must be open, or with managed=true draft, closed, filled, done or all")),
        },
    };
    for (field, h) in [("min_hours", q.min_hours), ("max_hours", q.max_hours)] {
        if h.is_some_and(|h| !(1..=40).contains(&h)) {
            return Err(bad(field, "must be 1–40"));
        }
    }
    let place = match q.place.as_deref() {
        None => None,
        Some(p) => Some(WorkPlace::parse(p).map_err(|_| bad("place", "must be on_site, remote or hybrid"))?),
    };
    let f = Filter {
        q: crate::paging::search("q", q.q)?,
        skill: q.skill,
        place,
        organisation_id: q.organisation_id,
        min_hours: q.min_hours,
        max_hours: q.max_hours,
        starts_from: q.starts_from,
        ends_by: q.ends_by,
        state,
        managed,
    };
    let (items, total) = assignments::list(&s.store, &actor, &f, page, per_page, now()).await?;
    Ok(Json(AssignmentPage { items: items.into_iter().map(Into::into).collect(), total, page, per_page }))
}
