//! The one mapping from stored rows to the domain's types: every stored status, kind and
//! counter is read back here, and nowhere else. Values the schema's check constraints allow
//! always parse; should one not (a row written by hand), the fallback is the safe side (a
//! cancelled status, a draft week) and the mismatch is logged.

use crate::entities::{event, session, workshop};
use chrono_tz::Tz;
use leerweek_domain::attendance::NoShowPolicy;
use leerweek_domain::event::Event;
use leerweek_domain::session::Session;
use leerweek_domain::workshop::Workshop;
use leerweek_domain::{AudienceKind, EventStatus, Invalid, Language, SessionStatus, WorkshopFormat};
use uuid::Uuid;

/// Parse a stored name, or fall back (and say so in the log).
fn stored<T>(column: &'static str, raw: &str, parse: fn(&str) -> Result<T, Invalid>, fallback: T) -> T {
    parse(raw).unwrap_or_else(|_| {
        tracing::warn!(column, value = raw, "a stored value the schema should not allow; read as its safe default");
        fallback
    })
}

/// A counter the schema keeps at zero or above.
fn count(n: i32) -> u32 {
    n.max(0) as u32
}

/// A week's status.
pub(crate) fn event_status(raw: &str) -> EventStatus {
    stored("events.status", raw, EventStatus::parse, EventStatus::Draft)
}

/// A session's or workshop's status.
pub(crate) fn session_status(raw: &str) -> SessionStatus {
    stored("sessions.status", raw, SessionStatus::parse, SessionStatus::Cancelled)
}

/// A workshop's audience kind.
pub(crate) fn audience(raw: &str) -> AudienceKind {
    stored("workshops.audience", raw, AudienceKind::parse, AudienceKind::HostOnly)
}

/// A workshop's format.
pub(crate) fn format(raw: &str) -> WorkshopFormat {
    stored("workshops.format", raw, WorkshopFormat::parse, WorkshopFormat::OnSite)
}

/// A stored language.
pub(crate) fn language(raw: &str) -> Language {
    stored("language", raw, Language::parse, Language::Nl)
}

/// How a person holds a skill (the safe side: wanting it, not claiming it).
pub(crate) fn skill_kind(raw: &str) -> leerweek_domain::SkillKind {
    stored("person_skills.kind", raw, leerweek_domain::SkillKind::parse, leerweek_domain::SkillKind::Want)
}

/// A week's time zone.
pub(crate) fn time_zone(raw: &str) -> Tz {
    raw.parse().unwrap_or(chrono_tz::Europe::Amsterdam)
}

/// What the enrolment rules need of a week's row (read on every enrolment: no copies).
pub(crate) fn policy(e: &event::Model) -> leerweek_domain::event::EventPolicy {
    leerweek_domain::event::EventPolicy {
        status: event_status(&e.status),
        enrolment_opens_at: e.enrolment_opens_at,
        enrolment_closes_at: e.enrolment_closes_at,
        cancellation_deadline_hours: count(e.cancellation_deadline_hours),
        max_enrolments_per_person: e.max_enrolments_per_person.map(|n| n.max(1) as u32),
        allocation: allocation(&e.allocation),
        allocated_at: e.allocated_at,
    }
}

/// A week's allocation policy as stored.
pub(crate) fn allocation(raw: &str) -> leerweek_domain::Allocation {
    use leerweek_domain::Allocation;
    stored("events.allocation", raw, Allocation::parse, Allocation::FirstCome)
}

/// A week's row with its organisations and its lead.
pub(crate) fn event(e: &event::Model, organisation_ids: Vec<Uuid>, lead: Uuid) -> Event {
    Event {
        id: e.id,
        name: e.name.clone(),
        starts_on: e.starts_on,
        ends_on: e.ends_on,
        time_zone: time_zone(&e.time_zone),
        enrolment_opens_at: e.enrolment_opens_at,
        enrolment_closes_at: e.enrolment_closes_at,
        cancellation_deadline_hours: count(e.cancellation_deadline_hours),
        max_enrolments_per_person: e.max_enrolments_per_person.map(|n| n.max(1) as u32),
        status: event_status(&e.status),
        reminder_hours_before: count(e.reminder_hours_before),
        no_show_policy: stored(
            "events.no_show_policy",
            &e.no_show_policy,
            NoShowPolicy::parse,
            NoShowPolicy::Automatic,
        ),
        allocation: allocation(&e.allocation),
        max_preferences: count(e.max_preferences).max(1),
        allocated_at: e.allocated_at,
        approval: approval_policy(&e.approval),
        approval_hours: count(e.approval_hours).max(1),
        organisation_ids,
        lead_organisation_id: lead,
    }
}

/// A workshop's row.
pub(crate) fn workshop(w: &workshop::Model) -> Workshop {
    Workshop {
        id: w.id,
        event_id: w.event_id,
        title: w.title.clone(),
        description: w.description.clone(),
        theme: w.theme.clone(),
        trainer: w.trainer.clone(),
        host_organisation_id: w.host_organisation_id,
        language: language(&w.language),
        format: format(&w.format),
        audience: audience(&w.audience),
        status: session_status(&w.status),
        approval: w.approval.as_deref().map(approval_policy),
    }
}

/// A week's or workshop's approval policy as stored.
pub(crate) fn approval_policy(raw: &str) -> leerweek_domain::Approval {
    use leerweek_domain::Approval;
    stored("approval", raw, Approval::parse, Approval::None)
}

/// Where an enrolment's approval stands, as stored.
pub(crate) fn approval_state(raw: &str) -> leerweek_domain::ApprovalState {
    use leerweek_domain::ApprovalState;
    stored("enrolments.approval", raw, ApprovalState::parse, ApprovalState::Pending)
}

/// A session's row.
pub(crate) fn session(s: &session::Model) -> Session {
    Session {
        id: s.id,
        workshop_id: s.workshop_id,
        event_id: s.event_id,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        venue: s.venue.clone(),
        room: s.room.clone(),
        address: s.address.clone(),
        online_url: s.online_url.clone(),
        capacity: count(s.capacity),
        confirmed_count: count(s.confirmed_count),
        waitlist_count: count(s.waitlist_count),
        status: session_status(&s.status),
        sequence: count(s.sequence),
        trainer_id: s.trainer_id,
        attendance_closed_at: s.attendance_closed_at,
    }
}

/// An enrolment's status.
pub(crate) fn enrolment_status(raw: &str) -> leerweek_domain::EnrolmentStatus {
    use leerweek_domain::EnrolmentStatus;
    stored("enrolments.status", raw, EnrolmentStatus::parse, EnrolmentStatus::Cancelled)
}

/// A recorded attendance.
pub(crate) fn attendance(raw: &str) -> leerweek_domain::attendance::Attendance {
    use leerweek_domain::attendance::Attendance;
    stored("enrolments.attendance", raw, Attendance::parse, Attendance::Absent)
}

/// An enrolment's row.
pub(crate) fn enrolment(e: &crate::entities::enrolment::Model) -> leerweek_domain::enrolment::Enrolment {
    leerweek_domain::enrolment::Enrolment {
        id: e.id,
        session_id: e.session_id,
        person_id: e.person_id,
        event_id: e.event_id,
        status: match (enrolment_status(&e.status), e.approval.as_deref()) {
            (leerweek_domain::EnrolmentStatus::Confirmed, Some("pending")) => {
                leerweek_domain::EnrolmentStatus::PendingApproval
            }
            (status, _) => status,
        },
        created_at: e.created_at,
        confirmed_at: e.confirmed_at,
        cancelled_at: e.cancelled_at,
        cancelled_by: e.cancelled_by,
        attendance: e.attendance.as_deref().map(attendance),
        attendance_marked_at: e.attendance_marked_at,
        attendance_marked_by: e.attendance_marked_by,
        checked_in_at: e.checked_in_at,
        check_in_code: e.check_in_code.as_deref().and_then(|c| leerweek_domain::attendance::CheckInCode::parse(c).ok()),
        credited_minutes: e.credited_minutes.map(|m| m.max(0) as u32),
        approval: e.approval.as_deref().map(approval_state),
        approval_due_at: e.approval_due_at,
    }
}

/// A person's row.
pub(crate) fn person(p: &crate::entities::person::Model) -> leerweek_domain::people::Person {
    leerweek_domain::people::Person {
        id: p.id,
        email: p.email.clone(),
        name: p.name.clone(),
        organisation_id: p.organisation_id,
        org_unit_id: p.org_unit_id,
        manager_id: p.manager_id,
        language: language(&p.language),
        created_at: p.created_at,
        left_at: p.left_at,
    }
}

/// An organisation's row.
pub(crate) fn organisation(o: &crate::entities::organisation::Model) -> leerweek_domain::people::Organisation {
    leerweek_domain::people::Organisation {
        id: o.id,
        name: o.name.clone(),
        mail_link_sign_in: o.mail_link_sign_in,
        created_at: o.created_at,
    }
}

/// A unit's row.
pub(crate) fn org_unit(u: &crate::entities::org_unit::Model) -> leerweek_domain::people::OrgUnit {
    leerweek_domain::people::OrgUnit {
        id: u.id,
        organisation_id: u.organisation_id,
        parent_id: u.parent_id,
        name: u.name.clone(),
    }
}

/// A queued mail's status.
pub(crate) fn mail_status(raw: &str) -> leerweek_domain::MailStatus {
    use leerweek_domain::MailStatus;
    stored("outbox.status", raw, MailStatus::parse, MailStatus::Failed)
}

/// A queued mail's kind.
pub(crate) fn mail_kind(raw: &str) -> leerweek_domain::MailKind {
    use leerweek_domain::MailKind;
    stored("outbox.kind", raw, MailKind::parse, MailKind::SessionMessage)
}
