//! What the signed-in person may do with a week, a workshop or a session, sent along with it so
//! that pages offer only what the API would allow (the API stays the guard).
//!
//! Every flag asks the same `domain::access` predicate as the store function that guards the
//! operation, named beside it; a flag is true exactly when that call would not be refused as
//! forbidden (its body may still be invalid, or the state may not allow it: a cancelled session
//! cannot move). They assume the object is visible to the actor: it was just read for them.

use leerweek_domain::access::Actor;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// What the signed-in person may do with a week.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventMayDto {
    /// Change its settings (`PATCH /events/{id}`; `store::events::update_event`): the lead
    /// organisation's organisers, admins.
    pub edit: bool,
    /// Publish or close it (`POST /events/{id}/publish`, `/close`; `store::events::set_event_status`).
    pub set_status: bool,
    /// Archive it once closed (`POST /events/{id}/archive`; `store::events::set_event_status`).
    pub archive: bool,
    /// Change its participating organisations (`organisation_ids` of `PATCH /events/{id}`).
    pub manage_organisations: bool,
    /// Hand its lead to another of its organisations (`lead_organisation_id` of
    /// `PATCH /events/{id}`): admins.
    pub change_lead: bool,
    /// The organisation the person could take out of the week as a partner: their own, when it
    /// takes part and does not lead (`DELETE /events/{id}/organisations/{organisation_id}`;
    /// `store::events::leave_event`, which may still refuse while enrolments keep it).
    pub leave: Option<Uuid>,
    /// The participating organisations whose workshops the person may add and manage in this
    /// week (`POST /events/{id}/workshops` with that host; `store::workshops::create_workshop`).
    pub manage_workshops_of: Vec<Uuid>,
}

impl EventMayDto {
    /// For a week with these participating organisations, led by `lead`.
    pub fn of(actor: &Actor, organisations: &[Uuid], lead: Uuid) -> Self {
        let lead_it = actor.may_lead_event(lead);
        EventMayDto {
            edit: lead_it,
            set_status: lead_it,
            archive: lead_it,
            manage_organisations: lead_it,
            change_lead: actor.may_change_lead(),
            leave: actor.may_leave_event(organisations, lead),
            manage_workshops_of: organisations.iter().copied().filter(|o| actor.may_manage_workshop(*o)).collect(),
        }
    }
}

/// What the signed-in person may do with a workshop.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkshopMayDto {
    /// Change it (`PATCH /workshops/{id}`; `store::lookup::editable_workshop`).
    pub edit: bool,
    /// Add a session (`POST /workshops/{id}/sessions`; `editable_workshop`).
    pub add_session: bool,
    /// Cancel it with all its sessions (`POST /workshops/{id}/cancel`; `editable_workshop`).
    pub cancel: bool,
    /// Read its feedback results (`GET /workshops/{id}/feedback`; `store::feedback`).
    pub see_feedback: bool,
}

impl WorkshopMayDto {
    /// For a workshop hosted by `host`.
    pub fn of(actor: &Actor, host: Uuid) -> Self {
        let manage = actor.may_manage_workshop(host);
        WorkshopMayDto { edit: manage, add_session: manage, cancel: manage, see_feedback: manage }
    }
}

/// What the signed-in person may do with a session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionMayDto {
    /// Move it, change its seats, quotas or trainer (`PATCH /sessions/{id}`;
    /// `store::lookup::editable_workshop`).
    pub edit: bool,
    /// Cancel it (`POST /sessions/{id}/cancel`; `editable_workshop`).
    pub cancel: bool,
    /// Read who is enrolled and waiting (`GET /sessions/{id}/enrolments`;
    /// `store::enrolments::participants`).
    pub see_participants: bool,
    /// Download that list as CSV or XLSX (the same call with `format`).
    pub export: bool,
    /// Check people in and record attendance (`POST /sessions/{id}/check-in`,
    /// `/attendance/all-present`, `/attendance/close`; `store::attendance`).
    pub check_in: bool,
    /// Send its participants a message (`POST /sessions/{id}/messages`;
    /// `store::sessions::message_participants`).
    pub message: bool,
    /// See whom to ask about it: its host's organisers (`GET /sessions/{id}/contacts`;
    /// `store::sessions::host_contacts`).
    pub see_contacts: bool,
    /// Cancel anyone's enrolment in it, whatever their organisation (`DELETE /enrolments/{id}`;
    /// `store::enrolments::cancel`). Organisers may also cancel for their own people elsewhere.
    pub cancel_enrolments: bool,
}

impl SessionMayDto {
    /// For a session of a workshop hosted by `host`, with this trainer.
    pub fn of(actor: &Actor, host: Uuid, trainer: Option<Uuid>) -> Self {
        let manage = actor.may_manage_workshop(host);
        let run = actor.may_run_session(host, trainer);
        SessionMayDto {
            edit: manage,
            cancel: manage,
            see_participants: run,
            export: run,
            check_in: run,
            message: run,
            see_contacts: actor.may_see_host_contacts(),
            cancel_enrolments: actor.may_act_for_everyone_at(host),
        }
    }
}
