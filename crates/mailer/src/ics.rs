//! Calendar parts (RFC 5545) with iTIP methods (RFC 5546): one appointment per person and
//! session, identified by a stable UID; every change raises SEQUENCE; a cancel removes it.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, EventStatus, Property, Trigger};
use uuid::Uuid;

/// The stable UID of a person's appointment for a session.
pub fn uid(person_id: Uuid, session_id: Uuid) -> String {
    format!("{session_id}-{person_id}@leerweek")
}

/// What goes into one invite.
#[derive(Debug, Clone)]
pub struct Invite<'a> {
    /// `REQUEST` or `CANCEL`.
    pub method: &'a str,
    /// The appointment's UID.
    pub uid: String,
    /// Its SEQUENCE.
    pub sequence: u32,
    /// Title.
    pub summary: &'a str,
    /// Longer text.
    pub description: &'a str,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Place, or the online link.
    pub location: &'a str,
    /// The online link, if any.
    pub url: Option<&'a str>,
    /// Organizer address (the sender).
    pub organizer: &'a str,
    /// Not final yet (a seat waiting for approval, a waiting-list place in the feed):
    /// `STATUS:TENTATIVE`, and the attendee's `PARTSTAT=TENTATIVE`.
    pub tentative: bool,
    /// Attendee name.
    pub attendee_name: &'a str,
    /// Attendee address.
    pub attendee_email: &'a str,
    /// DTSTAMP.
    pub stamp: DateTime<Utc>,
}

/// One VEVENT (for invites and the personal feed).
pub fn event(i: &Invite<'_>) -> Event {
    let mut e = Event::new();
    e.uid(&i.uid).sequence(i.sequence).timestamp(i.stamp).summary(i.summary).starts(i.starts_at).ends(i.ends_at);
    if !i.description.is_empty() {
        e.description(i.description);
    }
    if !i.location.is_empty() {
        e.location(i.location);
    }
    if let Some(url) = i.url {
        e.url(url);
    }
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", i.organizer));
    organizer.add_parameter("CN", "Leerweek");
    e.append_property(organizer);
    let mut attendee = Property::new("ATTENDEE", format!("mailto:{}", i.attendee_email));
    attendee
        .add_parameter("CN", &param_text(i.attendee_name))
        .add_parameter("ROLE", "REQ-PARTICIPANT")
        .add_parameter("PARTSTAT", if i.tentative { "TENTATIVE" } else { "ACCEPTED" })
        .add_parameter("RSVP", "FALSE");
    e.append_property(attendee);
    if i.method == "CANCEL" {
        e.status(EventStatus::Cancelled);
    } else if i.tentative {
        e.status(EventStatus::Tentative);
        e.alarm(Alarm::display(i.summary, Trigger::before_start(Duration::minutes(15))));
    } else {
        e.status(EventStatus::Confirmed);
        e.alarm(Alarm::display(i.summary, Trigger::before_start(Duration::minutes(15))));
    }
    e.done()
}

/// A name as a parameter value (`CN=`): a parameter cannot hold a double quote or a line break,
/// so they are written as RFC 6868 says (`^'`, `^n`, and `^^` for a caret), and other control
/// characters are left out. Without this a name could end the parameter and add properties of
/// its own (another ATTENDEE, say). The crate quotes values with `;`, `:` or `,`.
fn param_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("^n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A whole calendar object with its METHOD, ready to send.
pub fn invite(i: &Invite<'_>) -> String {
    let mut cal = Calendar::new();
    cal.append_property(Property::new("METHOD", i.method));
    cal.push(event(i));
    cal.done().to_string()
}

/// A calendar feed (no METHOD: a subscription, not a message).
pub fn feed(name: &str, events: Vec<Event>) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    for e in events {
        cal.push(e);
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn invite_for(name: &str, summary: &str) -> String {
        let at = Utc.with_ymd_and_hms(2027, 11, 16, 9, 0, 0).unwrap();
        invite(&Invite {
            method: "REQUEST",
            uid: "u@leerweek".into(),
            sequence: 0,
            summary,
            description: "",
            starts_at: at,
            ends_at: at,
            location: "",
            url: None,
            organizer: "leerweek@example.nl",
            tentative: false,
            attendee_name: name,
            attendee_email: "jan@example.nl",
            stamp: at,
        })
    }

    #[test]
    fn a_name_or_title_cannot_add_lines_or_parameters_to_the_calendar() {
        let out = invite_for(
            "Jan \"de\" Vries;ROLE=CHAIR:x\r\nATTENDEE:mailto:kwaad@example.nl",
            "Les\r\nORGANIZER:mailto:x",
        );
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.lines().filter(|l| l.starts_with("ATTENDEE")).count(), 1, "{out}");
        assert_eq!(unfolded.lines().filter(|l| l.starts_with("ORGANIZER")).count(), 1, "{out}");
        let attendee = unfolded.lines().find(|l| l.starts_with("ATTENDEE")).unwrap();
        assert!(attendee.contains("ROLE=REQ-PARTICIPANT") && !attendee.contains("ROLE=CHAIR;"), "{attendee}");
        assert!(attendee.ends_with(":mailto:jan@example.nl"), "{attendee}");
        assert!(
            attendee.starts_with("ATTENDEE;CN=\"Jan ^'de^' Vries;ROLE=CHAIR:x^nATTENDEE:mailto:kwaad@example.nl\";"),
            "{attendee}"
        );
        assert_eq!(param_text("Anna^Bé\tx"), "Anna^^Béx");
    }
}
