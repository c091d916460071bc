//! Reports of a week, as JSON or as CSV/XLSX downloads (`?format=`). Managers see the people who
//! report to them, organisers their organisation (and the workshops it hosts), admins everything.

use crate::AppState;
use crate::export::{Column, Format, Kind, ReportQuery, XLSX, download};
use crate::extract::{ApiQuery, Auth, Id};
use crate::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerweek_store::reports::{self, MixRow, ParticipationRow, PersonRow, ReachRow, SessionRow};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Participation of a unit, an organisation or the whole week.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationDto {
    /// The organisation (none on the week's total).
    pub organisation_id: Option<Uuid>,
    /// Its name.
    pub organisation: String,
    /// The unit (none on an organisation's row, and for people without a unit).
    pub org_unit_id: Option<Uuid>,
    /// The unit's name (`(geen afdeling)`: people without a unit).
    pub org_unit: String,
    /// `unit`, `organisation` or `total`.
    pub level: String,
    /// People.
    pub employees: i64,
    /// People with at least one seat.
    pub enrolled: i64,
    /// `enrolled / employees`, 0–1.
    pub enrolled_share: Option<f64>,
    /// People who attended at least one session.
    pub attended: i64,
    /// Sessions attended.
    pub attended_sessions: i64,
    /// Seats not used without notice.
    pub no_shows: i64,
    /// Seats not used with an accepted reason.
    pub excused: i64,
    /// Hours of development (attended sessions' length).
    pub hours: f64,
    /// Seats waiting for the manager's approval now.
    pub approvals_pending: i64,
    /// Seats the manager approved.
    pub approvals_approved: i64,
    /// Seats the manager declined.
    pub approvals_declined: i64,
    /// Seats released because nobody decided in time.
    pub approvals_lapsed: i64,
}

impl From<ParticipationRow> for ParticipationDto {
    fn from(r: ParticipationRow) -> Self {
        let f = r.figures;
        Self {
            organisation_id: r.organisation_id,
            organisation: r.organisation,
            org_unit_id: r.org_unit_id,
            org_unit: r.org_unit,
            level: r.level.into(),
            employees: f.employees,
            enrolled: f.enrolled,
            enrolled_share: f.enrolled_share,
            attended: f.attended,
            attended_sessions: f.attended_sessions,
            no_shows: f.no_shows,
            excused: f.excused,
            hours: f.hours,
            approvals_pending: f.approvals_pending,
            approvals_approved: f.approvals_approved,
            approvals_declined: f.approvals_declined,
            approvals_lapsed: f.approvals_lapsed,
        }
    }
}

/// A report's rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rows<T: ToSchema> {
    /// The rows.
    pub items: Vec<T>,
}

/// A page of a long report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// All rows.
    pub total: u64,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

fn answer<T: Serialize + ToSchema>(
    name: &str,
    q: &ReportQuery,
    columns: &[Column],
    items: Vec<T>,
) -> Result<Response, ApiError> {
    match q.format() {
        Format::Json => Ok(Json(Rows { items }).into_response()),
        f => download(name, f, columns, &items),
    }
}

fn paged<T: Serialize + ToSchema>(
    name: &str,
    q: &ReportQuery,
    columns: &[Column],
    items: Vec<T>,
    total: u64,
    paging: Option<(u64, u64)>,
) -> Result<Response, ApiError> {
    match (q.format(), paging) {
        (Format::Json, Some((page, per_page))) => Ok(Json(Page { items, total, page, per_page }).into_response()),
        (f, _) => download(name, f, columns, &items),
    }
}

/// Participation per organisation and unit (employees, enrolled, attended, no-shows, hours).
#[utoipa::path(get, path = "/api/v1/events/{id}/reports/participation", tag = "reports",
    params(("id" = Uuid, Path, description = "Event id"), ReportQuery),
    responses((status = 200, content((Rows<ParticipationDto> = "application/json"), (String = "text/csv"), (String = XLSX))),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn participation(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(event): Id,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let scope = reports::scope_of(&s.store, &actor, event).await?;
    let rows = reports::participation(&s.store, &scope, event).await?;
    let columns = [
        Column("organisation", "Organisatie", Kind::Text),
        Column("org_unit", "Afdeling", Kind::Text),
        Column("level", "Niveau", Kind::Text),
        Column("employees", "Medewerkers", Kind::Number),
        Column("enrolled", "Ingeschreven", Kind::Number),
        Column("enrolled_share", "Ingeschreven (%)", Kind::Share),
        Column("attended", "Deelgenomen", Kind::Number),
        Column("attended_sessions", "Bijgewoonde sessies", Kind::Number),
        Column("no_shows", "No-shows", Kind::Number),
        Column("excused", "Afgemeld met reden", Kind::Number),
        Column("hours", "Ontwikkeluren", Kind::Number),
        Column("approvals_pending", "Wacht op goedkeuring", Kind::Number),
        Column("approvals_approved", "Goedgekeurd", Kind::Number),
        Column("approvals_declined", "Afgewezen", Kind::Number),
        Column("approvals_lapsed", "Vervallen (niet op tijd beslist)", Kind::Number),
    ];
    answer("deelname", &q, &columns, rows.into_iter().map(ParticipationDto::from).collect())
}

/// One person's week.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonWeekDto {
    /// The person.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Organisation.
    pub organisation: String,
    /// Unit.
    pub org_unit: String,
    /// Seats held.
    pub sessions: i64,
    /// Attended.
    pub attended: i64,
    /// No-shows.
    pub no_shows: i64,
    /// Excused.
    pub excused: i64,
    /// Hours of development.
    pub hours: f64,
    /// Hours of development in the week's calendar year, across every week.
    pub year_hours: f64,
}

impl From<PersonRow> for PersonWeekDto {
    fn from(r: PersonRow) -> Self {
        Self {
            person_id: r.person_id,
            name: r.name,
            email: r.email,
            organisation: r.organisation,
            org_unit: r.org_unit,
            sessions: r.sessions,
            attended: r.attended,
            no_shows: r.no_shows,
            excused: r.excused,
            hours: r.hours,
            year_hours: r.year_hours,
        }
    }
}

/// Per person with a seat: sessions, attended, no-shows, hours of development.
#[utoipa::path(get, path = "/api/v1/events/{id}/reports/people", tag = "reports",
    params(("id" = Uuid, Path, description = "Event id"), ReportQuery),
    responses((status = 200, content((Page<PersonWeekDto> = "application/json"), (String = "text/csv"), (String = XLSX))),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn people(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(event): Id,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let paging = q.paging()?;
    let scope = reports::scope_of(&s.store, &actor, event).await?;
    let (rows, total) = reports::people(&s.store, &scope, event, paging).await?;
    let columns = [
        Column("name", "Naam", Kind::Text),
        Column("email", "E-mail", Kind::Text),
        Column("organisation", "Organisatie", Kind::Text),
        Column("org_unit", "Afdeling", Kind::Text),
        Column("sessions", "Sessies", Kind::Number),
        Column("attended", "Deelgenomen", Kind::Number),
        Column("no_shows", "No-shows", Kind::Number),
        Column("excused", "Afgemeld met reden", Kind::Number),
        Column("hours", "Ontwikkeluren", Kind::Number),
        Column("year_hours", "Ontwikkeluren dit jaar", Kind::Number),
    ];
    paged("deelnemers", &q, &columns, rows.into_iter().map(PersonWeekDto::from).collect(), total, paging)
}

/// Someone without any enrolment.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReachDto {
    /// The person.
    pub person_id: Uuid,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Organisation.
    pub organisation: String,
    /// Unit.
    pub org_unit: String,
}

impl From<ReachRow> for ReachDto {
    fn from(r: ReachRow) -> Self {
        Self {
            person_id: r.person_id,
            name: r.name,
            email: r.email,
            organisation: r.organisation,
            org_unit: r.org_unit,
        }
    }
}

/// Reach: the people (in the reader's scope) with no enrolment at all, for a personal invitation.
#[utoipa::path(get, path = "/api/v1/events/{id}/reports/reach", tag = "reports",
    params(("id" = Uuid, Path, description = "Event id"), ReportQuery),
    responses((status = 200, content((Page<ReachDto> = "application/json"), (String = "text/csv"), (String = XLSX))),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn reach(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(event): Id,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let paging = q.paging()?;
    let scope = reports::scope_of(&s.store, &actor, event).await?;
    let (rows, total) = reports::reach(&s.store, &scope, event, paging).await?;
    let columns = [
        Column("name", "Naam", Kind::Text),
        Column("email", "E-mail", Kind::Text),
        Column("organisation", "Organisatie", Kind::Text),
        Column("org_unit", "Afdeling", Kind::Text),
    ];
    paged("nog-niet-ingeschreven", &q, &columns, rows.into_iter().map(ReachDto::from).collect(), total, paging)
}

/// A workshop's total, or one of its sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionReportDto {
    /// The workshop.
    pub workshop_id: Uuid,
    /// Its title.
    pub title: String,
    /// The host organisation.
    pub host: String,
    /// The session (none: the workshop's total).
    pub session_id: Option<Uuid>,
    /// Start.
    pub starts_at: Option<DateTime<Utc>>,
    /// `scheduled` or `cancelled` (empty on a total).
    pub status: String,
    /// Seats.
    pub capacity: i64,
    /// Seats taken.
    pub confirmed: i64,
    /// `confirmed / capacity`.
    pub fill_rate: Option<f64>,
    /// People still waiting (at the start, once started): demand for another session.
    pub waiting: i64,
    /// Attended.
    pub attended: i64,
    /// `attended / confirmed`.
    pub attendance_rate: Option<f64>,
    /// No-shows.
    pub no_shows: i64,
    /// `no_shows / confirmed`.
    pub no_show_rate: Option<f64>,
    /// Feedback answers.
    pub feedback_count: i64,
    /// Mean rating 1–5.
    pub feedback_average: Option<f64>,
    /// Certificates of attendance issued (not revoked).
    pub certificates: i64,
}

impl From<SessionRow> for SessionReportDto {
    fn from(r: SessionRow) -> Self {
        Self {
            workshop_id: r.workshop_id,
            title: r.title,
            host: r.host,
            session_id: r.session_id,
            starts_at: r.starts_at,
            status: r.status,
            capacity: r.capacity,
            confirmed: r.confirmed,
            fill_rate: r.fill_rate,
            waiting: r.waiting,
            attended: r.attended,
            attendance_rate: r.attendance_rate,
            no_shows: r.no_shows,
            no_show_rate: r.no_show_rate,
            feedback_count: r.feedback_count,
            feedback_average: r.feedback_average,
            certificates: r.certificates,
        }
    }
}

/// Per workshop and session: fill rate, waiting-list demand, attendance and no-show rates,
/// feedback, certificates issued (organisers of the host, admins).
#[utoipa::path(get, path = "/api/v1/events/{id}/reports/sessions", tag = "reports",
    params(("id" = Uuid, Path, description = "Event id"), ReportQuery),
    responses((status = 200, content((Rows<SessionReportDto> = "application/json"), (String = "text/csv"), (String = XLSX))),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn sessions(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(event): Id,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let rows = reports::sessions(&s.store, &actor, event).await?;
    let columns = [
        Column("title", "Workshop", Kind::Text),
        Column("host", "Aanbieder", Kind::Text),
        Column("starts_at", "Begin", Kind::Time),
        Column("status", "Status", Kind::Text),
        Column("capacity", "Plaatsen", Kind::Number),
        Column("confirmed", "Bezet", Kind::Number),
        Column("fill_rate", "Bezetting (%)", Kind::Share),
        Column("waiting", "Wachtlijst", Kind::Number),
        Column("attended", "Aanwezig", Kind::Number),
        Column("attendance_rate", "Opkomst (%)", Kind::Share),
        Column("no_shows", "No-shows", Kind::Number),
        Column("no_show_rate", "No-shows (%)", Kind::Share),
        Column("feedback_count", "Beoordelingen", Kind::Number),
        Column("feedback_average", "Gemiddelde beoordeling", Kind::Number),
        Column("certificates", "Bewijzen van deelname", Kind::Number),
    ];
    answer("workshops", &q, &columns, rows.into_iter().map(SessionReportDto::from).collect())
}

/// How far an organisation's people crossed municipal borders.
#[derive(Debug, Serialize, ToSchema)]
pub struct MixDto {
    /// The organisation (none: everyone in the reader's scope).
    pub organisation_id: Option<Uuid>,
    /// Its name.
    pub organisation: String,
    /// Sessions its people attended.
    pub attended_sessions: i64,
    /// Of those, in workshops of another organisation.
    pub at_other_hosts: i64,
    /// `at_other_hosts / attended_sessions`.
    pub at_other_hosts_share: Option<f64>,
    /// Seats in its own workshops taken by people of other organisations (when the reader may
    /// see its workshops' figures).
    pub guests_hosted: Option<i64>,
    /// Other organisations its people met in a session.
    pub organisations_met: i64,
    /// Their names.
    pub met: Vec<String>,
}

impl From<MixRow> for MixDto {
    fn from(r: MixRow) -> Self {
        Self {
            organisation_id: r.organisation_id,
            organisation: r.organisation,
            attended_sessions: r.attended_sessions,
            at_other_hosts: r.at_other_hosts,
            at_other_hosts_share: r.at_other_hosts_share,
            guests_hosted: r.guests_hosted,
            organisations_met: r.organisations_met,
            met: r.met,
        }
    }
}

/// The cross-municipality mix: share of attended seats at another organisation's workshop, and
/// how many other municipalities each organisation's people met.
#[utoipa::path(get, path = "/api/v1/events/{id}/reports/mix", tag = "reports",
    params(("id" = Uuid, Path, description = "Event id"), ReportQuery),
    responses((status = 200, content((Rows<MixDto> = "application/json"), (String = "text/csv"), (String = XLSX))),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn mix(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Id(event): Id,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let scope = reports::scope_of(&s.store, &actor, event).await?;
    let rows = reports::mix(&s.store, &actor, &scope, event).await?;
    let columns = [
        Column("organisation", "Organisatie", Kind::Text),
        Column("attended_sessions", "Bijgewoonde sessies", Kind::Number),
        Column("at_other_hosts", "Bij een andere organisatie", Kind::Number),
        Column("at_other_hosts_share", "Bij een andere organisatie (%)", Kind::Share),
        Column("guests_hosted", "Gasten ontvangen", Kind::Number),
        Column("organisations_met", "Andere organisaties ontmoet", Kind::Number),
        Column("met", "Ontmoet", Kind::Text),
    ];
    answer("gemeentegrenzen", &q, &columns, rows.into_iter().map(MixDto::from).collect())
}
