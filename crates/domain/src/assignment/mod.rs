//! The Klussenbank: temporary assignments ("klussen") a unit posts, employees of the
//! organisations it admits respond to, and the poster chooses from, with the consent of the
//! candidate's own manager. Matching on skills is in [`fit`], the figures per organisation in
//! [`figures`], working days (for the manager's five days) in [`working_days`].

pub mod figures;
pub mod fit;
pub mod working_days;

use crate::validation::{FieldError, Invalid};
use crate::{AssignmentReach, AssignmentState, ConsentState, ResponseState, WorkPlace};
use chrono::NaiveDate;
use uuid::Uuid;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 120;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 5000;
/// Longest place name ("Stadhuis Enkhuizen, 2e verdieping"), in characters.
pub const MAX_LOCATION: usize = 200;
/// Most skills a klus asks for.
pub const MAX_SKILLS: usize = 12;
/// Most partner organisations a klus names.
pub const MAX_PARTNERS: usize = 50;
/// Most people a klus asks for.
pub const MAX_PLACES: i64 = 20;
/// Most hours a week.
pub const MAX_HOURS: i64 = 40;
/// Longest motivation or message, in characters.
pub const MAX_MOTIVATION: usize = 2000;
/// Working days a manager has to consent.
pub const CONSENT_WORKING_DAYS: u32 = 5;

/// A skill a klus asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Need {
    /// The skill (from the shared list).
    pub skill_id: Uuid,
    /// Required, or nice to have.
    pub required: bool,
}

/// What a poster writes about a klus, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentInput {
    /// What the work is, in a line.
    pub title: String,
    /// The work, the team, what one learns.
    pub description: String,
    /// The organisation it is for (the poster's own).
    pub organisation_id: Uuid,
    /// The unit it is for, if any.
    pub org_unit_id: Option<Uuid>,
    /// Whom to ask (a person of the organisation).
    pub contact_person_id: Uuid,
    /// Hours a week, 1–40.
    pub hours_per_week: u8,
    /// The period, both or neither ("in overleg").
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// On site, remote or hybrid.
    pub place: WorkPlace,
    /// Where, when on site or hybrid.
    pub location: Option<String>,
    /// The skills it asks for, each once.
    pub needs: Vec<Need>,
    /// How many people, 1–20.
    pub places: u8,
    /// Who may respond.
    pub reach: AssignmentReach,
    /// With `reach = partners`: which organisations besides its own.
    pub partners: Vec<Uuid>,
    /// The last day to respond.
    pub closes_on: NaiveDate,
}

/// A klus as a client sends it, before checking (every field optional: a PATCH fills what it
/// leaves out from the klus as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawAssignment<'a> {
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub organisation_id: Option<Uuid>,
    pub org_unit_id: Option<Uuid>,
    pub contact_person_id: Option<Uuid>,
    pub hours_per_week: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub place: Option<&'a str>,
    pub location: Option<&'a str>,
    pub needs: Option<Vec<(Uuid, bool)>>,
    pub places: Option<i64>,
    pub reach: Option<&'a str>,
    pub partners: Option<Vec<Uuid>>,
    pub closes_on: Option<NaiveDate>,
}

fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let clean: String = raw.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
    let t = clean.trim();
    if t.chars().count() < min {
        return Err(FieldError::new(field, Invalid::Empty));
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, Invalid::TooLong { max }));
    }
    Ok(t.to_owned())
}

fn number(field: &str, raw: Option<i64>, min: i64, max: i64) -> Result<u8, FieldError> {
    match raw {
        None => Err(FieldError::new(field, Invalid::Required)),
        Some(n) if n < min => Err(FieldError::new(field, Invalid::TooSmall { min })),
        Some(n) if n > max => Err(FieldError::new(field, Invalid::TooLarge { max })),
        Some(n) => Ok(n as u8),
    }
}

impl RawAssignment<'_> {
    /// Whether it says nothing (a change that leaves the content as it is).
    pub fn is_empty(&self) -> bool {
        *self == RawAssignment::default()
    }
}

/// Check a whole klus. `own` is the organisation it is for: a partner list may not name it.
pub fn parse(raw: RawAssignment<'_>) -> Result<AssignmentInput, FieldError> {
    let title = text("title", raw.title.unwrap_or(""), 1, MAX_TITLE)?;
    let description = text("description", raw.description.unwrap_or(""), 0, MAX_DESCRIPTION)?;
    let organisation_id = raw.organisation_id.ok_or(FieldError::new("organisation_id", Invalid::Required))?;
    let contact_person_id = raw.contact_person_id.ok_or(FieldError::new("contact_person_id", Invalid::Required))?;
    let hours_per_week = number("hours_per_week", raw.hours_per_week, 1, MAX_HOURS)?;
    let period = match (raw.starts_on, raw.ends_on) {
        (None, None) => None,
        (Some(_), None) => return Err(FieldError::new("ends_on", Invalid::Required)),
        (None, Some(_)) => return Err(FieldError::new("starts_on", Invalid::Required)),
        (Some(a), Some(b)) if b < a => {
            return Err(FieldError::new("ends_on", Invalid::NotAfter { start_field: "starts_on" }));
        }
        (Some(a), Some(b)) if (b - a).num_days() > 366 * 2 => {
            return Err(FieldError::new("ends_on", Invalid::Outside { what: "two years after starts_on" }));
        }
        (Some(a), Some(b)) => Some((a, b)),
    };
    let place = WorkPlace::parse(raw.place.unwrap_or("")).map_err(|e| FieldError::new("place", e))?;
    let location = match raw.location.map(|l| text("location", l, 0, MAX_LOCATION)).transpose()? {
        Some(l) if !l.is_empty() => Some(l),
        _ => None,
    };
    let needs = needs(raw.needs.unwrap_or_default())?;
    let places = number("places", raw.places, 1, MAX_PLACES)?;
    let reach = AssignmentReach::parse(raw.reach.unwrap_or("")).map_err(|e| FieldError::new("reach", e))?;
    let partners = match reach {
        AssignmentReach::Partners => {
            let list = raw.partners.unwrap_or_default();
            if list.is_empty() {
                return Err(FieldError::new("partners", Invalid::Required));
            }
            if list.len() > MAX_PARTNERS {
                return Err(FieldError::new("partners", Invalid::TooLarge { max: MAX_PARTNERS as i64 }));
            }
            for (i, p) in list.iter().enumerate() {
                if list[..i].contains(p) {
                    return Err(FieldError::new(format!("partners[{i}]"), Invalid::Duplicate));
                }
                if *p == organisation_id {
                    return Err(FieldError::new(
                        format!("partners[{i}]"),
                        Invalid::AlsoIn { other: "organisation_id" },
                    ));
                }
            }
            list
        }
        _ => vec![],
    };
    let closes_on = raw.closes_on.ok_or(FieldError::new("closes_on", Invalid::Required))?;
    if let Some((_, ends)) = period
        && closes_on > ends
    {
        return Err(FieldError::new("closes_on", Invalid::Outside { what: "the period (on or before ends_on)" }));
    }
    Ok(AssignmentInput {
        title,
        description,
        organisation_id,
        org_unit_id: raw.org_unit_id,
        contact_person_id,
        hours_per_week,
        period,
        place,
        location,
        needs,
        places,
        reach,
        partners,
        closes_on,
    })
}

/// Check the skills a klus asks for: at most [`MAX_SKILLS`], each once.
pub fn needs(raw: Vec<(Uuid, bool)>) -> Result<Vec<Need>, FieldError> {
    if raw.len() > MAX_SKILLS {
        return Err(FieldError::new("skills", Invalid::TooLarge { max: MAX_SKILLS as i64 }));
    }
    let mut out: Vec<Need> = Vec::with_capacity(raw.len());
    for (i, (skill_id, required)) in raw.into_iter().enumerate() {
        if out.iter().any(|n| n.skill_id == skill_id) {
            return Err(FieldError::new(format!("skills[{i}].skill_id"), Invalid::Duplicate));
        }
        out.push(Need { skill_id, required });
    }
    Ok(out)
}

/// Whether organisation `org` may respond to a klus of `owner` with this reach and partner list.
pub fn admits(reach: AssignmentReach, owner: Uuid, partners: &[Uuid], org: Uuid) -> bool {
    org == owner
        || match reach {
            AssignmentReach::Own => false,
            AssignmentReach::Partners => partners.contains(&org),
            AssignmentReach::All => true,
        }
}

/// Why something cannot be done with a klus, a response or a selection now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssignmentError {
    /// The klus does not take responses (a draft, closed, filled or done).
    #[error("the assignment is not open for responses")]
    NotOpen,
    /// Its closing date has passed.
    #[error("the closing date has passed")]
    PastClosingDate,
    /// One responds once (a withdrawn response may be sent again).
    #[error("one has responded already")]
    AlreadyResponded,
    /// One does not respond to a klus one posted or is the contact for.
    #[error("one does not respond to one's own assignment")]
    OwnAssignment,
    /// The response cannot be withdrawn (declined already, final, or the klus is done).
    #[error("the response cannot be withdrawn any more")]
    NotWithdrawable,
    /// The poster cannot do this with a response in its state.
    #[error("a response that is {0} cannot be changed this way")]
    ResponseState(ResponseState),
    /// The poster chooses while the klus is open or closed.
    #[error("one chooses while the assignment is open or closed")]
    NotChoosing,
    /// Every place is taken or asked for already.
    #[error("every place is taken or waiting for consent")]
    NoPlaceLeft,
    /// The consent was given, refused or lapsed already.
    #[error("the consent is not pending")]
    ConsentNotPending(ConsentState),
    /// The five working days have passed.
    #[error("the time to consent has passed")]
    ConsentTooLate,
    /// A klus is done when someone took part.
    #[error("nobody took part")]
    NoParticipants,
    /// A change of state the life cycle does not allow.
    #[error("cannot go from {from} to {to}")]
    Transition {
        /// Where it stands.
        from: AssignmentState,
        /// Where it was asked to go.
        to: AssignmentState,
    },
    /// A reflection on a klus is written once it is done, by someone who took part.
    #[error("a reflection can be written once the assignment is done")]
    NotDone,
    /// Opening (again) needs a closing date from today on.
    #[error("the closing date lies in the past")]
    ClosingDateInPast,
}

/// Whether a klus may move from `from` to `to` (by its poster). Filled also happens by itself
/// when the last place is consented to.
pub fn may_move(from: AssignmentState, to: AssignmentState) -> Result<(), AssignmentError> {
    use AssignmentState::*;
    let ok = matches!(
        (from, to),
        (Draft, Open)
            | (Draft, Closed)
            | (Open, Closed)
            | (Open, Filled)
            | (Closed, Open)
            | (Filled, Open)
            | (Closed, Filled)
            | (Closed, Done)
            | (Filled, Done)
    );
    if ok { Ok(()) } else { Err(AssignmentError::Transition { from, to }) }
}

/// Whether the content of a klus may still be edited: until it is done.
pub fn editable(state: AssignmentState) -> bool {
    state != AssignmentState::Done
}

/// Whether someone may respond now.
pub fn may_respond(state: AssignmentState, closes_on: NaiveDate, today: NaiveDate) -> Result<(), AssignmentError> {
    if state != AssignmentState::Open {
        return Err(AssignmentError::NotOpen);
    }
    if today > closes_on {
        return Err(AssignmentError::PastClosingDate);
    }
    Ok(())
}

/// Whether a candidate may withdraw their response: not once declined, withdrawn or final
/// (consented to), and not after the klus is done.
pub fn may_withdraw(
    assignment: AssignmentState,
    response: ResponseState,
    consent: Option<ConsentState>,
) -> Result<(), AssignmentError> {
    let final_ = consent == Some(ConsentState::Approved);
    let open_state = matches!(response, ResponseState::Submitted | ResponseState::Invited | ResponseState::Selected);
    if assignment == AssignmentState::Done || !open_state || final_ {
        return Err(AssignmentError::NotWithdrawable);
    }
    Ok(())
}

/// What a poster does with a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Invite for a talk.
    Invite,
    /// Select: the candidate's manager is asked.
    Select,
    /// Decline.
    Decline,
}

/// Whether the poster may make `choice` on a response in `state` whose last consent (if any) is
/// `consent`, on a klus in `assignment` with `taken` places consented to or asked for out of
/// `places`.
pub fn may_choose(
    choice: Choice,
    assignment: AssignmentState,
    state: ResponseState,
    consent: Option<ConsentState>,
    taken: u32,
    places: u32,
) -> Result<(), AssignmentError> {
    if !matches!(assignment, AssignmentState::Open | AssignmentState::Closed | AssignmentState::Filled) {
        return Err(AssignmentError::NotChoosing);
    }
    // A selection whose consent was refused or lapsed may be tried again, or declined.
    let selection_ended = state == ResponseState::Selected
        && matches!(consent, Some(ConsentState::Declined | ConsentState::Lapsed | ConsentState::Withdrawn));
    match choice {
        Choice::Invite if state == ResponseState::Submitted => Ok(()),
        Choice::Select if matches!(state, ResponseState::Submitted | ResponseState::Invited) || selection_ended => {
            if assignment == AssignmentState::Filled {
                return Err(AssignmentError::NoPlaceLeft);
            }
            if taken >= places { Err(AssignmentError::NoPlaceLeft) } else { Ok(()) }
        }
        Choice::Decline if matches!(state, ResponseState::Submitted | ResponseState::Invited) || selection_ended => {
            Ok(())
        }
        _ => Err(AssignmentError::ResponseState(state)),
    }
}

/// Whether a manager's decision on a consent in `state`, due at `due`, may be taken at `now`.
pub fn may_consent(
    state: ConsentState,
    due: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AssignmentError> {
    if state != ConsentState::Pending {
        return Err(AssignmentError::ConsentNotPending(state));
    }
    if now >= due {
        return Err(AssignmentError::ConsentTooLate);
    }
    Ok(())
}

/// A motivation or a poster's message: trimmed, at most [`MAX_MOTIVATION`] characters;
/// `required` for a motivation.
pub fn message(field: &str, raw: Option<&str>, required: bool) -> Result<Option<String>, FieldError> {
    let t = text(field, raw.unwrap_or(""), usize::from(required), MAX_MOTIVATION)?;
    Ok((!t.is_empty()).then_some(t))
}

/// Hours a klus asks in all: hours a week times its weeks (a started week counts), when its
/// period is known.
pub fn total_hours(hours_per_week: u8, period: Option<(NaiveDate, NaiveDate)>) -> Option<u32> {
    let (a, b) = period?;
    let days = (b - a).num_days().max(0) as u32 + 1;
    Some(u32::from(hours_per_week) * days.div_ceil(7))
}

#[cfg(test)]
mod tests;
