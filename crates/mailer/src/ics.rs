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
        .add_parameter("CN", i.attendee_name)
        .add_parameter("ROLE", "REQ-PARTICIPANT")
        .add_parameter("PARTSTAT", "ACCEPTED")
        .add_parameter("RSVP", "FALSE");
    e.append_property(attendee);
    if i.method == "CANCEL" {
        e.status(EventStatus::Cancelled);
    } else {
        e.status(EventStatus::Confirmed);
        e.alarm(Alarm::display(i.summary, Trigger::before_start(Duration::minutes(15))));
    }
    e.done()
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
