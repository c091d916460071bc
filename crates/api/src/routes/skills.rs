//! Skills: the vocabulary (everyone reads it; admins add, change and merge, also from an
//! uploaded ESCO file), and a person's own skills with their self-ratings.

use super::{at, double_option, now, opt};
use crate::AppState;
use crate::esco_file::{self, EscoFileProblem};
use crate::extract::{ApiJson, ApiQuery, Auth, FileBody, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use leerweek_domain::Language;
use leerweek_domain::skill::{EscoUri, Level, Skill};
use leerweek_domain::text::{Description, SkillName};
use leerweek_store::StoreError;
use leerweek_store::skills::mine::PersonSkills;
use leerweek_store::skills::{self, NewSkill, SkillPatch, SkillUse, esco, mine};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest ESCO file taken: the EU's `skills_en.csv` (about 14,000 skills with their other
/// labels and descriptions) with room to spare.
pub const MAX_ESCO_BYTES: usize = 32 * 1024 * 1024;

/// A skill.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkillDto {
    /// Id.
    pub id: Uuid,
    /// Dutch name.
    pub name_nl: String,
    /// English name (null: the Dutch one is used).
    pub name_en: Option<String>,
    /// What it covers.
    pub description: String,
    /// The ESCO skill it is.
    pub esco_uri: Option<String>,
}

impl From<Skill> for SkillDto {
    fn from(s: Skill) -> Self {
        Self { id: s.id, name_nl: s.name_nl, name_en: s.name_en, description: s.description, esco_uri: s.esco_uri }
    }
}

impl From<&Skill> for SkillDto {
    fn from(s: &Skill) -> Self {
        s.clone().into()
    }
}

/// A skill of the vocabulary with its use.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillUseDto {
    /// Id.
    pub id: Uuid,
    /// Dutch name.
    pub name_nl: String,
    /// English name.
    pub name_en: Option<String>,
    /// What it covers.
    pub description: String,
    /// The ESCO skill it is.
    pub esco_uri: Option<String>,
    /// Workshops that teach it.
    pub workshops: u64,
    /// People who have or want it.
    pub people: u64,
}

impl From<SkillUse> for SkillUseDto {
    fn from(u: SkillUse) -> Self {
        let s = u.skill;
        Self {
            id: s.id,
            name_nl: s.name_nl,
            name_en: s.name_en,
            description: s.description,
            esco_uri: s.esco_uri,
            workshops: u.workshops,
            people: u.people,
        }
    }
}

/// Search of the vocabulary.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SkillQuery {
    /// Text in the Dutch or English name.
    pub q: Option<String>,
}

/// The skills of the installation, by Dutch name (everyone signed in).
#[utoipa::path(get, path = "/api/v1/skills", tag = "skills", params(SkillQuery),
    responses((status = 200, body = Vec<SkillUseDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_skills(
    State(s): State<AppState>,
    Auth(_actor): Auth,
    ApiQuery(q): ApiQuery<SkillQuery>,
) -> Result<Json<Vec<SkillUseDto>>, ApiError> {
    Ok(Json(skills::list_skills(&s.store, q.q.as_deref()).await?.into_iter().map(Into::into).collect()))
}

/// One skill (everyone signed in).
#[utoipa::path(get, path = "/api/v1/skills/{id}", tag = "skills", params(("id" = Uuid, Path, description = "Skill id")),
    responses((status = 200, body = SkillDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_skill(State(s): State<AppState>, Auth(_actor): Auth, Id(id): Id) -> Result<Json<SkillDto>, ApiError> {
    Ok(Json(skills::get_skill(&s.store, id).await?.into()))
}

/// A new skill.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSkillDto {
    /// Dutch name, 1–100; unique (case and spaces aside).
    pub name_nl: String,
    /// English name, 1–100.
    pub name_en: Option<String>,
    /// What it covers, up to 5,000.
    pub description: Option<String>,
    /// The ESCO skill it is (`http://data.europa.eu/esco/skill/…`); each at most once.
    pub esco_uri: Option<String>,
}

/// Add a skill (admins).
#[utoipa::path(post, path = "/api/v1/skills", tag = "skills", request_body = NewSkillDto,
    responses((status = 201, body = SkillDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create_skill(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<NewSkillDto>,
) -> Result<(StatusCode, Json<SkillDto>), ApiError> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden.into());
    }
    let n = NewSkill {
        name_nl: at("name_nl", SkillName::parse(&b.name_nl))?,
        name_en: opt("name_en", b.name_en.filter(|n| !n.trim().is_empty()), |n| SkillName::parse(&n))?,
        description: at("description", Description::parse(b.description.as_deref().unwrap_or("")))?,
        esco_uri: opt("esco_uri", b.esco_uri.filter(|u| !u.trim().is_empty()), |u| EscoUri::parse(&u))?,
    };
    let skill = skills::create_skill(&s.store, &actor, n, now()).await?;
    Ok((StatusCode::CREATED, Json(skill.into())))
}

/// Changes to a skill; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillPatchDto {
    /// Dutch name.
    pub name_nl: Option<String>,
    /// English name; `null` removes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name_en: Option<Option<String>>,
    /// What it covers.
    pub description: Option<String>,
    /// The ESCO skill; `null` removes the link.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub esco_uri: Option<Option<String>>,
}

/// Change a skill (admins). Workshops and people that name it keep it.
#[utoipa::path(patch, path = "/api/v1/skills/{id}", tag = "skills", request_body = SkillPatchDto, params(("id" = Uuid, Path, description = "Skill id")),
    responses((status = 200, body = SkillDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn update_skill(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<SkillPatchDto>,
) -> Result<Json<SkillDto>, ApiError> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden.into());
    }
    let optional = |field: &str, v: Option<Option<String>>, parse: fn(&str) -> Result<_, _>| match v {
        None => Ok(None),
        Some(v) => opt(field, v.filter(|t: &String| !t.trim().is_empty()), |t| parse(&t)).map(Some),
    };
    let p = SkillPatch {
        name_nl: opt("name_nl", b.name_nl, |n| SkillName::parse(&n))?,
        name_en: optional("name_en", b.name_en, SkillName::parse)?,
        description: opt("description", b.description, |d| Description::parse(&d))?,
        esco_uri: match b.esco_uri {
            None => None,
            Some(u) => Some(opt("esco_uri", u.filter(|u| !u.trim().is_empty()), |u| EscoUri::parse(&u))?),
        },
    };
    let skill = skills::update_skill(&s.store, &actor, id, p, now()).await?;
    s.programme.invalidate();
    Ok(Json(skill.into()))
}

/// Which skill takes another's place.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeSkillDto {
    /// The skill that stays.
    pub into: Uuid,
}

/// Merge a skill into another (admins): its workshops, people and ratings move to `into`, and
/// it is gone. Answers the skill that stays.
#[utoipa::path(post, path = "/api/v1/skills/{id}/merge", tag = "skills", request_body = MergeSkillDto, params(("id" = Uuid, Path, description = "The skill that goes")),
    responses((status = 200, body = SkillDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn merge_skill(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<MergeSkillDto>,
) -> Result<Json<SkillDto>, ApiError> {
    let skill = skills::merge_skill(&s.store, &actor, id, b.into, now()).await?;
    s.programme.invalidate();
    Ok(Json(skill.into()))
}

/// Which language an ESCO file is in.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EscoUploadQuery {
    /// `nl` (the EU's `skills_nl.csv`) or `en` (`skills_en.csv`).
    pub language: String,
}

/// What an ESCO upload did.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscoUploadDto {
    /// The file's language.
    pub language: String,
    /// ESCO skills read and stored.
    pub concepts: u64,
    /// Rows left out (not an ESCO skill, or no label).
    pub skipped: usize,
    /// ESCO skills known now, both languages together.
    pub known: u64,
}

/// Upload one language's ESCO skills file as `text/csv` (admins), to search when adding
/// skills. Uploading a language again replaces its labels; the other language's stay.
#[utoipa::path(post, path = "/api/v1/skills/esco", tag = "skills", params(EscoUploadQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = EscoUploadDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn upload_esco(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<EscoUploadQuery>,
    file: FileBody,
) -> Result<Json<EscoUploadDto>, ApiError> {
    if !actor.may_administer() {
        return Err(StoreError::Forbidden.into());
    }
    let language = Language::parse(&q.language)
        .map_err(|e| ApiError::InvalidQuery { field: "language".into(), detail: e.to_string() })?;
    let FileBody(bytes, kind) = file;
    if kind != crate::people_file::FileKind::Csv {
        return Err(ApiError::UnsupportedMediaType("text/csv"));
    }
    // Reading 14,000 rows with their labels takes a moment: off the request threads.
    let read = tokio::task::spawn_blocking(move || esco_file::read(&bytes))
        .await
        .map_err(|e| ApiError::Internal(format!("reading an ESCO file: {e}")))?
        .map_err(ApiError::EscoFile)?;
    let done = esco::import(&s.store, &actor, language, read.concepts, now()).await?;
    Ok(Json(EscoUploadDto {
        language: language.as_str().to_owned(),
        concepts: done.concepts,
        skipped: read.skipped,
        known: done.known,
    }))
}

/// A search of the uploaded ESCO skills.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EscoQuery {
    /// Text in a label (preferred or alternative, Dutch or English).
    pub q: String,
    /// At most this many (default 20, at most 100).
    pub limit: Option<u64>,
}

/// An ESCO skill found.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscoMatchDto {
    /// Its address.
    pub uri: String,
    /// Dutch label (null: the Dutch file was not uploaded).
    pub label_nl: Option<String>,
    /// English label.
    pub label_en: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The skill of the vocabulary linked to it already, if any.
    pub skill_id: Option<Uuid>,
}

/// Search the uploaded ESCO skills (admins): those whose label holds the text first.
#[utoipa::path(get, path = "/api/v1/skills/esco", tag = "skills", params(EscoQuery),
    responses((status = 200, body = Vec<EscoMatchDto>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn search_esco(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<EscoQuery>,
) -> Result<Json<Vec<EscoMatchDto>>, ApiError> {
    let found = esco::search(&s.store, &actor, &q.q, q.limit.unwrap_or(20)).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|m| EscoMatchDto {
                uri: m.uri,
                label_nl: m.label_nl,
                label_en: m.label_en,
                description: m.description,
                skill_id: m.skill_id,
            })
            .collect(),
    ))
}

/// A self-rating on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingDto {
    /// 1–5.
    pub level: u8,
    /// The day.
    pub on: NaiveDate,
}

/// A skill a person rated, with every rating by day.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatedSkillDto {
    /// The skill.
    pub skill: SkillDto,
    /// Ratings, oldest first.
    pub ratings: Vec<RatingDto>,
    /// Last rating minus the first (null: rated on one day only).
    pub growth: Option<i8>,
}

/// A person's skills.
#[derive(Debug, Serialize, ToSchema)]
pub struct MySkillsDto {
    /// Skills they have.
    pub have: Vec<SkillDto>,
    /// Skills they want to grow in.
    pub want: Vec<SkillDto>,
    /// Skills they rated themselves on.
    pub rated: Vec<RatedSkillDto>,
}

impl From<PersonSkills> for MySkillsDto {
    fn from(p: PersonSkills) -> Self {
        Self {
            have: p.have.into_iter().map(Into::into).collect(),
            want: p.want.into_iter().map(Into::into).collect(),
            rated: p
                .rated
                .into_iter()
                .map(|(s, a)| RatedSkillDto {
                    growth: leerweek_domain::skill::growth(&a),
                    skill: s.into(),
                    ratings: a.iter().map(|a| RatingDto { level: a.level.get(), on: a.on }).collect(),
                })
                .collect(),
        }
    }
}

/// The signed-in person's skills.
#[utoipa::path(get, path = "/api/v1/me/skills", tag = "me",
    responses((status = 200, body = MySkillsDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn my_skills(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<MySkillsDto>, ApiError> {
    Ok(Json(mine::my_skills(&s.store, &actor).await?.into()))
}

/// A person's two lists.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MySkillsBody {
    /// Skills they have (at most 50).
    pub have: Vec<Uuid>,
    /// Skills they want to grow in (at most 50; none also in `have`).
    pub want: Vec<Uuid>,
}

/// Replace the signed-in person's skills.
#[utoipa::path(put, path = "/api/v1/me/skills", tag = "me", request_body = MySkillsBody,
    responses((status = 200, body = MySkillsDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn set_my_skills(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<MySkillsBody>,
) -> Result<Json<MySkillsDto>, ApiError> {
    let lists = leerweek_domain::skill::person_skills(&b.have, &b.want)?;
    Ok(Json(mine::set_my_skills(&s.store, &actor, lists, now()).await?.into()))
}

/// A self-rating.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentBody {
    /// The skill.
    pub skill_id: Uuid,
    /// 1 (just starting) to 5 (could teach it).
    pub level: i64,
}

/// Rate oneself on a skill today; rating again today replaces today's rating, a later day adds
/// one, so growth shows.
#[utoipa::path(post, path = "/api/v1/me/skills/assessments", tag = "me", request_body = AssessmentBody,
    responses((status = 200, body = MySkillsDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn assess(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<AssessmentBody>,
) -> Result<Json<MySkillsDto>, ApiError> {
    let level = at("level", Level::parse(b.level))?;
    Ok(Json(mine::assess(&s.store, &actor, b.skill_id, level, now()).await?.into()))
}

impl From<EscoFileProblem> for ApiError {
    fn from(p: EscoFileProblem) -> Self {
        ApiError::EscoFile(p)
    }
}
