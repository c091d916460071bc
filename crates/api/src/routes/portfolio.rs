//! *Mijn ontwikkeling*: a person's portfolio (JSON, and a PDF for the development
//! conversation), their reflections, and a manager's view of what a report shared.

use super::now;
use super::skills::{MySkillsDto, SkillDto};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerweek_domain::Language;
use leerweek_domain::reflection::Reflection;
use leerweek_store::portfolio::{self, Portfolio, ReflectionView, reflections};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const AMSTERDAM: chrono_tz::Tz = chrono_tz::Europe::Amsterdam;

/// A reflection on a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReflectionDto {
    /// What I learned.
    pub learned: String,
    /// What I will do with it.
    pub will_do: String,
    /// Whether my manager may read it.
    pub shared_with_manager: bool,
    /// Last written.
    pub updated_at: DateTime<Utc>,
}

impl From<ReflectionView> for ReflectionDto {
    fn from(r: ReflectionView) -> Self {
        Self {
            learned: r.learned,
            will_do: r.will_do,
            shared_with_manager: r.shared_with_manager,
            updated_at: r.updated_at,
        }
    }
}

/// A session taken part in.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioSessionDto {
    /// The seat (for its certificate and reflection).
    pub enrolment_id: uuid::Uuid,
    /// The session.
    pub session_id: uuid::Uuid,
    /// Workshop.
    pub workshop_title: String,
    /// Week.
    pub event_name: String,
    /// Host organisation.
    pub host_organisation: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// `present`, `absent`, `excused`, or null (not recorded yet).
    pub attendance: Option<String>,
    /// Study time credited, in minutes (attended only).
    pub minutes: u32,
    /// Skills the workshop teaches.
    pub skills: Vec<SkillDto>,
    /// The valid certificate's code (`K7QF-2M9X-C4TD`), once one was downloaded.
    pub certificate_code: Option<String>,
    /// Whether a certificate can be downloaded (attended).
    pub certificate_available: bool,
    /// The reflection (in a manager's view: only a shared one).
    pub reflection: Option<ReflectionDto>,
}

/// Study in a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearDto {
    /// Year.
    pub year: i32,
    /// Sessions attended.
    pub sessions: u32,
    /// Minutes credited.
    pub minutes: u32,
}

/// A session to come that teaches a skill the person wants.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionDto {
    /// Session.
    pub session_id: uuid::Uuid,
    /// Week.
    pub event_id: uuid::Uuid,
    /// Week's name.
    pub event_name: String,
    /// Workshop.
    pub workshop_title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// The wanted skills it teaches.
    pub skills: Vec<SkillDto>,
}

/// A portfolio.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioDto {
    /// Whose.
    pub name: String,
    /// Sessions taken part in, newest first.
    pub sessions: Vec<PortfolioSessionDto>,
    /// Attended sessions and study time per year, newest first.
    pub years: Vec<YearDto>,
    /// Skills had, wanted and rated (empty in a manager's view).
    pub skills: MySkillsDto,
    /// Sessions to come that teach a wanted skill (empty in a manager's view).
    pub suggestions: Vec<SuggestionDto>,
    /// Klussen taken part in that are done, newest first.
    pub assignments: Vec<PortfolioKlusDto>,
}

/// A klus taken part in, done.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioKlusDto {
    /// The selection (for its reflection: `/assignment-selections/{id}/reflection`).
    pub selection_id: uuid::Uuid,
    pub assignment_id: uuid::Uuid,
    pub title: String,
    pub organisation_name: String,
    pub unit_name: Option<String>,
    /// The period (null: "in overleg").
    pub starts_on: Option<chrono::NaiveDate>,
    pub ends_on: Option<chrono::NaiveDate>,
    pub hours_per_week: u8,
    /// Hours in all, when the period is known.
    pub total_hours: Option<u32>,
    /// The skills practised.
    pub skills: Vec<super::assignments::dto::NeedDto>,
    pub done_at: Option<DateTime<Utc>>,
    /// The reflection (in a manager's view: only a shared one).
    pub reflection: Option<ReflectionDto>,
}

impl From<Portfolio> for PortfolioDto {
    fn from(p: Portfolio) -> Self {
        use leerweek_domain::attendance::Attendance;
        Self {
            name: p.name,
            sessions: p
                .sessions
                .into_iter()
                .map(|s| PortfolioSessionDto {
                    enrolment_id: s.enrolment_id,
                    session_id: s.session_id,
                    workshop_title: s.workshop_title,
                    event_name: s.event_name,
                    host_organisation: s.host_organisation,
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                    certificate_available: s.attendance == Some(Attendance::Present),
                    attendance: s.attendance.map(|a| a.as_str().to_owned()),
                    minutes: s.minutes,
                    skills: s.skills.into_iter().map(Into::into).collect(),
                    certificate_code: s.certificate.map(|c| c.display()),
                    reflection: s.reflection.map(Into::into),
                })
                .collect(),
            years: p
                .years
                .into_iter()
                .map(|y| YearDto { year: y.year, sessions: y.sessions, minutes: y.minutes })
                .collect(),
            skills: p.skills.into(),
            suggestions: p
                .suggestions
                .into_iter()
                .map(|s| SuggestionDto {
                    session_id: s.session_id,
                    event_id: s.event_id,
                    event_name: s.event_name,
                    workshop_title: s.workshop_title,
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                    skills: s.skills.into_iter().map(Into::into).collect(),
                })
                .collect(),
            assignments: p
                .assignments
                .into_iter()
                .map(|k| PortfolioKlusDto {
                    selection_id: k.selection_id,
                    assignment_id: k.assignment_id,
                    title: k.title,
                    organisation_name: k.organisation_name,
                    unit_name: k.unit_name,
                    starts_on: k.period.map(|p| p.0),
                    ends_on: k.period.map(|p| p.1),
                    hours_per_week: k.hours_per_week,
                    total_hours: k.total_hours,
                    skills: super::assignments::dto::needs(&k.skills),
                    done_at: k.done_at,
                    reflection: k.reflection.map(Into::into),
                })
                .collect(),
        }
    }
}

/// The signed-in person's portfolio: sessions taken part in with hours per year, certificates,
/// reflections, skills with their ratings, and suggestions. Also their data as JSON to keep.
#[utoipa::path(get, path = "/api/v1/me/portfolio", tag = "me",
    responses((status = 200, body = PortfolioDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn my_portfolio(State(s): State<AppState>, Auth(actor): Auth) -> Result<Json<PortfolioDto>, ApiError> {
    Ok(Json(portfolio::mine(&s.store, &actor, now()).await?.into()))
}

/// The signed-in person's portfolio as one PDF/A-2b document, for the development conversation.
#[utoipa::path(get, path = "/api/v1/me/portfolio.pdf", tag = "me",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn my_portfolio_pdf(State(s): State<AppState>, Auth(actor): Auth) -> Result<Response, ApiError> {
    let p = portfolio::mine(&s.store, &actor, now()).await?;
    let issuer = s.issuer_name.clone();
    let language = p.language;
    let bytes = tokio::task::spawn_blocking(move || {
        leerweek_certificate::render_portfolio(&document(p, issuer))
            .map_err(|e| ApiError::Internal(format!("rendering a portfolio: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("rendering a portfolio: {e}")))??;
    let name = if language == Language::En { "development-portfolio.pdf" } else { "ontwikkelportfolio.pdf" };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        bytes,
    )
        .into_response())
}

/// The portfolio as a document: sessions with hours, skills, reflections.
fn document(p: Portfolio, issuer: String) -> leerweek_certificate::Portfolio {
    use leerweek_certificate::{Section, SessionRow};
    let en = p.language == Language::En;
    let tr = |nl: &str, en_text: &str| if en { en_text.to_owned() } else { nl.to_owned() };
    let hours = |m: u32| {
        let h = m as f64 / 60.0;
        if en { format!("{h:.1} hours") } else { format!("{} uur", format!("{h:.1}").replace('.', ",")) }
    };
    let name_of = |s: &leerweek_domain::skill::Skill| s.name(p.language).to_owned();
    let attended: Vec<_> = p.sessions.iter().filter(|s| s.minutes > 0 || s.certificate.is_some()).collect();
    let mut sections = vec![Section {
        heading: tr("Deelname", "Participation"),
        paragraphs: if p.years.is_empty() {
            vec![tr("Nog geen sessies bijgewoond.", "No sessions attended yet.")]
        } else {
            p.years
                .iter()
                .map(|y| {
                    if en {
                        format!("{}: {} sessions, {}", y.year, y.sessions, hours(y.minutes))
                    } else {
                        format!("{}: {} sessies, {}", y.year, y.sessions, hours(y.minutes))
                    }
                })
                .collect()
        },
        sessions: attended
            .iter()
            .map(|s| SessionRow {
                date: s.starts_at.with_timezone(&AMSTERDAM).date_naive(),
                workshop: s.workshop_title.clone(),
                minutes: s.minutes,
                certificate_code: s.certificate.as_ref().map(|c| c.display()),
            })
            .collect(),
    }];
    let list = |skills: &[leerweek_domain::skill::Skill]| skills.iter().map(name_of).collect::<Vec<_>>().join(", ");
    let mut skills = vec![];
    if !p.skills.have.is_empty() {
        skills.push(format!("{}: {}", tr("Wat ik kan", "Skills I have"), list(&p.skills.have)));
    }
    if !p.skills.want.is_empty() {
        skills.push(format!("{}: {}", tr("Waar ik in wil groeien", "Skills I want to grow in"), list(&p.skills.want)));
    }
    for (skill, ratings) in &p.skills.rated {
        let history =
            ratings.iter().map(|a| format!("{} {}", a.on.format("%d-%m-%Y"), a.level.get())).collect::<Vec<_>>();
        skills.push(format!(
            "{} ({}): {}",
            name_of(skill),
            tr("zelfbeoordeling 1–5", "self-rating 1–5"),
            history.join(" · ")
        ));
    }
    if skills.is_empty() {
        skills.push(tr("Nog geen vaardigheden gekozen.", "No skills chosen yet."));
    }
    sections.push(Section { heading: tr("Vaardigheden", "Skills"), paragraphs: skills, sessions: vec![] });
    if !p.assignments.is_empty() {
        sections.push(Section { heading: tr("Klussen", "Assignments"), paragraphs: klussen(&p, en), sessions: vec![] });
    }
    let mut reflections = vec![];
    for s in &p.sessions {
        let Some(r) = &s.reflection else { continue };
        let day = s.starts_at.with_timezone(&AMSTERDAM).format("%d-%m-%Y");
        reflections.push(format!("{} — {day}", s.workshop_title));
        if !r.learned.is_empty() {
            reflections.push(format!("{}: {}", tr("Wat ik leerde", "What I learned"), r.learned));
        }
        if !r.will_do.is_empty() {
            reflections.push(format!("{}: {}", tr("Wat ik ermee ga doen", "What I will do"), r.will_do));
        }
    }
    if !reflections.is_empty() {
        sections.push(Section { heading: tr("Reflecties", "Reflections"), paragraphs: reflections, sessions: vec![] });
    }
    leerweek_certificate::Portfolio {
        language: if en { leerweek_certificate::Language::En } else { leerweek_certificate::Language::Nl },
        person_name: p.name,
        generated_on: Utc::now().with_timezone(&AMSTERDAM).date_naive(),
        installation_name: issuer,
        sections,
    }
}

/// The klussen done, a paragraph each (with its reflection), for the PDF.
fn klussen(p: &Portfolio, en: bool) -> Vec<String> {
    let mut out = vec![];
    for k in &p.assignments {
        let at = match &k.unit_name {
            Some(u) => format!("{}, {u}", k.organisation_name),
            None => k.organisation_name.clone(),
        };
        let period = match k.period {
            Some((a, b)) if en => format!("{} to {}", a.format("%d-%m-%Y"), b.format("%d-%m-%Y")),
            Some((a, b)) => format!("{} t/m {}", a.format("%d-%m-%Y"), b.format("%d-%m-%Y")),
            None if en => "period by arrangement".to_owned(),
            None => "periode in overleg".to_owned(),
        };
        let hours = match (k.total_hours, en) {
            (Some(t), true) => format!("{} hours a week, {t} hours in all", k.hours_per_week),
            (Some(t), false) => format!("{} uur per week, {t} uur in totaal", k.hours_per_week),
            (None, true) => format!("{} hours a week", k.hours_per_week),
            (None, false) => format!("{} uur per week", k.hours_per_week),
        };
        out.push(format!("{} — {at}; {period}; {hours}", k.title));
        if !k.skills.is_empty() {
            let names: Vec<&str> = k
                .skills
                .iter()
                .map(|s| if en { s.name_en.as_deref().unwrap_or(&s.name_nl) } else { &s.name_nl })
                .collect();
            out.push(format!(
                "{}: {}",
                if en { "Skills practised" } else { "Vaardigheden geoefend" },
                names.join(", ")
            ));
        }
        if let Some(r) = &k.reflection {
            if !r.learned.is_empty() {
                out.push(format!("{}: {}", if en { "What I learned" } else { "Wat ik leerde" }, r.learned));
            }
            if !r.will_do.is_empty() {
                out.push(format!("{}: {}", if en { "What I will do" } else { "Wat ik ermee ga doen" }, r.will_do));
            }
        }
    }
    out
}

/// A report's portfolio for their own manager: sessions taken part in, and only the
/// reflections they shared. Anyone else: 404.
#[utoipa::path(get, path = "/api/v1/people/{id}/portfolio", tag = "people", params(("id" = uuid::Uuid, Path, description = "Person id")),
    responses((status = 200, body = PortfolioDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn report_portfolio(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<PortfolioDto>, ApiError> {
    Ok(Json(portfolio::of_report(&s.store, &actor, id, now()).await?.into()))
}

/// A reflection to write.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReflectionBody {
    /// What I learned (up to 2,000 characters).
    pub learned: String,
    /// What I will do with it (up to 2,000; one of the two must say something).
    pub will_do: String,
    /// Let my manager read it (default: private).
    pub shared_with_manager: Option<bool>,
}

/// One's own reflection on a seat (404 when none was written).
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/reflection", tag = "enrolments", params(("id" = uuid::Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = ReflectionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_reflection(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<Json<ReflectionDto>, ApiError> {
    let r = reflections::get(&s.store, &actor, id).await?.ok_or(ApiError::NotFound("reflection"))?;
    Ok(Json(r.into()))
}

/// Write one's reflection on a seat, after its session (private unless shared with one's
/// manager); writing again replaces it.
#[utoipa::path(put, path = "/api/v1/enrolments/{id}/reflection", tag = "enrolments", request_body = ReflectionBody, params(("id" = uuid::Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = ReflectionDto), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn put_reflection(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
    ApiJson(b): ApiJson<ReflectionBody>,
) -> Result<Json<ReflectionDto>, ApiError> {
    let r = Reflection::parse(&b.learned, &b.will_do, b.shared_with_manager.unwrap_or(false))?;
    Ok(Json(reflections::put(&s.store, &actor, id, r, now()).await?.into()))
}

/// Remove one's reflection on a seat.
#[utoipa::path(delete, path = "/api/v1/enrolments/{id}/reflection", tag = "enrolments", params(("id" = uuid::Uuid, Path, description = "Enrolment id")),
    responses((status = 204), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_reflection(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    reflections::delete(&s.store, &actor, id, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
