//! The wire types of the Klussenbank.

use chrono::{DateTime, NaiveDate, Utc};
use leerweek_domain::assignment::fit::{Fit, Standing};
use leerweek_store::assignments::responses::{ResponseView, SelectionBrief};
use leerweek_store::assignments::{AssignmentView, NeedView, Summary};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A skill a klus asks for.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedDto {
    /// The skill.
    pub skill_id: Uuid,
    /// Its Dutch name.
    pub name: String,
    /// Its English name, if given.
    pub name_en: Option<String>,
    /// Required (else nice to have).
    pub required: bool,
}

impl From<&NeedView> for NeedDto {
    fn from(n: &NeedView) -> Self {
        Self { skill_id: n.skill_id, name: n.name_nl.clone(), name_en: n.name_en.clone(), required: n.required }
    }
}

pub(crate) fn needs(v: &[NeedView]) -> Vec<NeedDto> {
    v.iter().map(NeedDto::from).collect()
}

/// One part of a fit: how the reader stands to one skill the klus asks for.
#[derive(Debug, Serialize, ToSchema)]
pub struct FitPartDto {
    /// The skill.
    pub skill_id: Uuid,
    /// Its Dutch name.
    pub name: String,
    /// Its English name, if given.
    pub name_en: Option<String>,
    /// Whether the klus requires it.
    pub required: bool,
    /// `has`, `wants` (to grow in it) or `missing`.
    pub standing: String,
    /// Points it gives: required 4 (had) or 1 (wanted); nice to have 2 or 1.
    pub points: u32,
}

/// How well someone fits a klus, with the parts that make it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FitDto {
    /// Points as a share of the most one could get, 0–100.
    pub percent: u8,
    /// Points had.
    pub points: u32,
    /// The most one could get.
    pub max: u32,
    /// Required skills had.
    pub required_had: u32,
    /// Required skills asked.
    pub required_asked: u32,
    /// Skills of the klus one wants to grow in.
    pub growth: u32,
    /// One part per skill, in the klus's order.
    pub parts: Vec<FitPartDto>,
}

pub(super) fn fit(f: &Fit, needs: &[NeedView]) -> FitDto {
    let names: std::collections::HashMap<Uuid, &NeedView> = needs.iter().map(|n| (n.skill_id, n)).collect();
    FitDto {
        percent: f.percent(),
        points: f.points,
        max: f.max,
        required_had: f.required_had() as u32,
        required_asked: f.required_asked() as u32,
        growth: f.growth() as u32,
        parts: f
            .parts
            .iter()
            .map(|p| FitPartDto {
                skill_id: p.skill_id,
                name: names.get(&p.skill_id).map(|n| n.name_nl.clone()).unwrap_or_default(),
                name_en: names.get(&p.skill_id).and_then(|n| n.name_en.clone()),
                required: p.required,
                standing: match p.standing {
                    Standing::Has => "has",
                    Standing::Wants => "wants",
                    Standing::Missing => "missing",
                }
                .into(),
                points: p.points,
            })
            .collect(),
    }
}

/// Whom to ask about a klus.
#[derive(Debug, Serialize, ToSchema)]
pub struct KlusContactDto {
    /// Person id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
}

/// An organisation by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationRefDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// The reader's own response to a klus.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyResponseRefDto {
    /// The response.
    pub id: Uuid,
    /// `submitted`, `invited`, `selected`, `declined` or `withdrawn`.
    pub state: String,
    /// The consent of its last selection: `pending`, `approved`, `declined`, `lapsed`, `withdrawn`.
    pub consent_state: Option<String>,
    /// What I wrote.
    pub motivation: String,
    /// The poster's last message to me.
    pub message: Option<String>,
    /// The last selection (its deadline, the manager's reason).
    pub selection: Option<SelectionBriefDto>,
}

/// A klus in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentDto {
    pub id: Uuid,
    /// What the work is, in a line.
    pub title: String,
    /// The work, the team, what one learns.
    pub description: String,
    /// The organisation it is for.
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// The unit it is for.
    pub org_unit_id: Option<Uuid>,
    pub unit_name: Option<String>,
    /// Whom to ask.
    pub contact: Option<KlusContactDto>,
    /// Hours a week.
    pub hours_per_week: u8,
    /// The period; both null: "in overleg".
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Hours in all (hours a week × the weeks of the period), when the period is known.
    pub total_hours: Option<u32>,
    /// `on_site`, `remote` or `hybrid`.
    pub place: String,
    /// Where, if given.
    pub location: Option<String>,
    /// Skills asked, required or nice to have.
    pub skills: Vec<NeedDto>,
    /// People asked for.
    pub places: u32,
    /// People consented to.
    pub taken: u32,
    /// Selections waiting for a manager's consent.
    pub pending: u32,
    /// `own`, `partners` or `all`.
    pub reach: String,
    /// With `reach = partners`: the organisations besides its own.
    pub partners: Vec<OrganisationRefDto>,
    /// The last day to respond.
    pub closes_on: NaiveDate,
    /// `draft`, `open`, `closed`, `filled` or `done`.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub filled_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    /// Whether the reader manages it (edit, responses, choose).
    pub may_manage: bool,
    /// Whether the reader may respond now.
    pub may_respond: bool,
    /// The reader's fit (null: the klus asks no skills).
    pub fit: Option<FitDto>,
    /// The reader's response.
    pub my_response: Option<MyResponseRefDto>,
    /// Responses (not withdrawn), for its managers only.
    pub responses: Option<u32>,
}

impl From<AssignmentView> for AssignmentDto {
    fn from(v: AssignmentView) -> Self {
        Self {
            fit: v.fit.as_ref().map(|f| fit(f, &v.needs)),
            skills: needs(&v.needs),
            id: v.id,
            title: v.title,
            description: v.description,
            organisation_id: v.organisation_id,
            organisation_name: v.organisation_name,
            org_unit_id: v.org_unit_id,
            unit_name: v.unit_name,
            contact: v.contact.map(|c| KlusContactDto { id: c.id, name: c.name, email: c.email }),
            hours_per_week: v.hours_per_week,
            starts_on: v.period.map(|p| p.0),
            ends_on: v.period.map(|p| p.1),
            total_hours: v.total_hours,
            place: v.place.as_str().into(),
            location: v.location,
            places: v.places,
            taken: v.taken,
            pending: v.pending,
            reach: v.reach.as_str().into(),
            partners: v.partners.into_iter().map(|(id, name)| OrganisationRefDto { id, name }).collect(),
            closes_on: v.closes_on,
            state: v.state.as_str().into(),
            created_at: v.created_at,
            opened_at: v.opened_at,
            filled_at: v.filled_at,
            done_at: v.done_at,
            may_manage: v.may_manage,
            may_respond: v.may_respond,
            my_response: v.my_response.map(|r| MyResponseRefDto {
                id: r.id,
                state: r.state.as_str().into(),
                consent_state: r.selection.as_ref().map(|s| s.state.as_str().into()),
                motivation: r.motivation,
                message: r.message,
                selection: r.selection.map(Into::into),
            }),
            responses: v.responses,
        }
    }
}

/// A klus in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentSummaryDto {
    pub id: Uuid,
    pub title: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub unit_name: Option<String>,
    pub hours_per_week: u8,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// `on_site`, `remote` or `hybrid`.
    pub place: String,
    pub closes_on: NaiveDate,
    /// `draft`, `open`, `closed`, `filled` or `done`.
    pub state: String,
    pub skills: Vec<NeedDto>,
    pub places: u32,
    /// People consented to.
    pub taken: u32,
    /// Selections waiting for a manager's consent.
    pub pending: u32,
    /// The reader's fit (null: the klus asks no skills).
    pub fit: Option<FitDto>,
    /// Whether the reader responded (and did not withdraw).
    pub responded: bool,
}

impl From<Summary> for AssignmentSummaryDto {
    fn from(s: Summary) -> Self {
        Self {
            fit: s.fit.as_ref().map(|f| fit(f, &s.needs)),
            skills: needs(&s.needs),
            id: s.id,
            title: s.title,
            organisation_id: s.organisation_id,
            organisation_name: s.organisation_name,
            unit_name: s.unit_name,
            hours_per_week: s.hours_per_week,
            starts_on: s.period.map(|p| p.0),
            ends_on: s.period.map(|p| p.1),
            place: s.place.as_str().into(),
            closes_on: s.closes_on,
            state: s.state.as_str().into(),
            places: s.places,
            taken: s.taken,
            pending: s.pending,
            responded: s.responded,
        }
    }
}

/// A selection in short: the manager's consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionBriefDto {
    /// The selection (for `POST /assignment-selections/{id}/consent`).
    pub id: Uuid,
    /// `pending`, `approved`, `declined`, `lapsed` or `withdrawn`.
    pub state: String,
    /// Until when the manager may consent (five working days).
    pub due_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The manager's reason for declining.
    pub reason: Option<String>,
}

impl From<SelectionBrief> for SelectionBriefDto {
    fn from(s: SelectionBrief) -> Self {
        Self { id: s.id, state: s.state.as_str().into(), due_at: s.due_at, decided_at: s.decided_at, reason: s.reason }
    }
}

/// A respondent as the poster sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct RespondentDto {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub organisation_name: String,
    pub unit_name: Option<String>,
}

/// A response to a klus.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseDto {
    pub id: Uuid,
    pub assignment_id: Uuid,
    pub person: RespondentDto,
    /// Why they respond.
    pub motivation: String,
    /// Skills of the klus they say they bring.
    pub skills: Vec<NeedDto>,
    /// Their fit (their own skills plus what they bring).
    pub fit: FitDto,
    /// Their place in the ranking, 1 for the best fit.
    pub rank: u32,
    /// `submitted`, `invited`, `selected`, `declined` or `withdrawn`.
    pub state: String,
    /// The poster's last message to them.
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The last selection and its consent.
    pub selection: Option<SelectionBriefDto>,
}

impl From<ResponseView> for ResponseDto {
    fn from(r: ResponseView) -> Self {
        Self {
            fit: fit(&r.fit, &r.needs),
            skills: needs(&r.brings),
            id: r.id,
            assignment_id: r.assignment_id,
            person: RespondentDto {
                id: r.person.id,
                name: r.person.name,
                email: r.person.email,
                organisation_name: r.person.organisation_name,
                unit_name: r.person.unit_name,
            },
            motivation: r.motivation,
            rank: r.rank,
            state: r.state.as_str().into(),
            message: r.message,
            created_at: r.created_at,
            selection: r.selection.map(Into::into),
        }
    }
}
