//! The allocation's mails: one per applicant with every choice and its result (a seat with its
//! invite, a waiting place, or none and why), composed without the database.

use super::input::Loaded;
use crate::enrolments::display_code;
use crate::entities::{enrolment, outbox as outbox_row, session};
use crate::lookup::EventRow;
use crate::outbox::{self, MailKind, NewMail};
use chrono::{DateTime, Utc};
use leerweek_domain::EnrolmentStatus;
use leerweek_domain::session::TimeRange;
use std::collections::HashMap;
use uuid::Uuid;

/// Why a choice gave nothing, as the mail words it.
fn reason(eligible: bool, open: bool, clash: bool, at_limit: bool) -> &'static str {
    match () {
        _ if !open => "closed",
        _ if !eligible => "audience",
        _ if clash => "overlap",
        _ if at_limit => "limit",
        _ => "full",
    }
}

/// One mail per applicant with every choice and its result; each seat carries its invite.
pub(super) fn compose(
    e: &EventRow,
    loaded: &Loaded,
    sessions: &HashMap<Uuid, session::Model>,
    enrolments: &[enrolment::Model],
    given: &HashMap<(Uuid, Uuid), usize>,
    sequences: &HashMap<(Uuid, Uuid), i32>,
    now: DateTime<Utc>,
) -> Vec<outbox_row::Model> {
    let limit = loaded.snapshot.limit.unwrap_or(u32::MAX) as usize;
    let open: std::collections::HashSet<Uuid> = loaded.snapshot.offers.iter().map(|o| o.id).collect();
    let mut mails: Vec<outbox_row::Model> = Vec::with_capacity(loaded.snapshot.applicants.len());
    for a in &loaded.snapshot.applicants {
        let mine: Vec<&enrolment::Model> =
            a.choices.iter().filter_map(|(s, _)| given.get(&(a.person, *s)).map(|i| &enrolments[*i])).collect();
        let times: Vec<TimeRange> = a
            .held
            .iter()
            .map(|(_, s, e)| (*s, *e))
            .chain(mine.iter().filter_map(|en| sessions.get(&en.session_id).map(|s| (s.starts_at, s.ends_at))))
            .filter_map(|(s, e)| TimeRange::new(s, e).ok())
            .collect();
        let at_limit = a.held.len() + mine.len() >= limit;
        let mut results = Vec::with_capacity(a.choices.len());
        for (rank, (sid, eligible)) in a.choices.iter().enumerate() {
            let Some(s) = sessions.get(sid) else { continue };
            let w = loaded.workshops.get(&s.workshop_id);
            let mut snapshot = outbox::snapshot_of(s, w, Some(&e.event));
            // The mail names the week, its time zone and its cancellation deadline once; each
            // result carries only what it shows, without empty fields: a mail of five results
            // then stays under PostgreSQL's 2 KB TOAST threshold (no compression, no side table).
            if let Some(o) = snapshot.as_object_mut() {
                for k in ["event_name", "status", "time_zone", "cancel_before"] {
                    o.remove(k);
                }
                o.retain(|_, v| !v.is_null() && v.as_str() != Some(""));
            }
            let result = match given.get(&(a.person, *sid)).map(|i| &enrolments[*i]) {
                Some(en) if en.status == EnrolmentStatus::Confirmed.as_str() => serde_json::json!({
                    "placed": "seat",
                    "enrolment_id": en.id,
                    "check_in_code": display_code(en),
                    "calendar": {"method": "REQUEST", "sequence": sequences.get(&(a.person, *sid)).copied().unwrap_or(0)},
                }),
                Some(en) => {
                    snapshot.as_object_mut().map(|o| o.remove("description"));
                    serde_json::json!({"placed": "waiting", "enrolment_id": en.id, "position": en.allocation_position})
                }
                None => {
                    snapshot.as_object_mut().map(|o| o.remove("description"));
                    let clash =
                        TimeRange::new(s.starts_at, s.ends_at).is_ok_and(|t| times.iter().any(|h| h.overlaps(&t)));
                    let held = a.held.iter().any(|(h, _, _)| h == sid);
                    let why = if held { "held" } else { reason(*eligible, open.contains(sid), clash, at_limit) };
                    serde_json::json!({"placed": "none", "reason": why})
                }
            };
            let mut result = result;
            result["rank"] = (rank + 1).into();
            result["session"] = snapshot;
            results.push(result);
        }
        let mail = NewMail {
            kind: MailKind::AllocationResult,
            person_id: a.person,
            enrolment_id: None,
            session: None,
            calendar: None,
            extra: serde_json::json!({
                "event_name": e.event.name,
                "time_zone": e.event.time_zone,
                "cancellation_deadline_hours": e.event.cancellation_deadline_hours,
                "results": results,
            }),
        };
        mails.push(outbox::row(&mail, None, now));
    }
    mails
}
