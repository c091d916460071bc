//! Per workshop and per session: seats, the waiting list, attendance, feedback and certificates.

use super::{Sql, int, names, ratio};
use crate::entities::{session, workshop};
use crate::lookup::load_event;
use crate::{Result, Store, StoreError, mapping};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::Attendance;
use leerweek_domain::{EnrolmentStatus, SessionStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// One session's (or workshop's) figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionRow {
    /// The workshop.
    pub workshop_id: Uuid,
    /// Its title.
    pub title: String,
    /// The host organisation.
    pub host: String,
    /// The session (none: the workshop's total).
    pub session_id: Option<Uuid>,
    /// Start (none on a workshop's total).
    pub starts_at: Option<DateTime<Utc>>,
    /// `scheduled` or `cancelled` (empty on a total).
    pub status: String,
    /// Seats.
    pub capacity: i64,
    /// Seats taken.
    pub confirmed: i64,
    /// `confirmed / capacity`.
    pub fill_rate: Option<f64>,
    /// People still waiting (at the start, once it has started): demand for another session.
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
    /// Mean rating.
    pub feedback_average: Option<f64>,
    /// Certificates of attendance issued and not revoked.
    pub certificates: i64,
}

impl SessionRow {
    fn rates(&mut self) {
        self.fill_rate = ratio(self.confirmed, self.capacity);
        self.attendance_rate = ratio(self.attended, self.confirmed);
        self.no_show_rate = ratio(self.no_shows, self.confirmed);
    }
}

/// Per workshop (a total row first) and per session, for the workshops the actor may see the
/// figures of: those its organisation hosts (organisers), all (admins).
pub async fn sessions(store: &Store, actor: &Actor, event_id: Uuid) -> Result<Vec<SessionRow>> {
    let e = load_event(store.conn(), event_id).await?.ok_or(StoreError::NotFound("event"))?;
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("event"));
    }
    if !actor.may_see_workshop_figures() {
        return Err(StoreError::Forbidden);
    }
    // The week's workshops and sessions are few (thousands): read them, count the enrolments
    // per session from one covering index, and put the two together here.
    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::EventId.eq(event_id))
        .all(store.conn())
        .await?
        .into_iter()
        .filter(|w| actor.may_see_figures_of(w.host_organisation_id))
        .map(|w| (w.id, w))
        .collect();
    let sessions: Vec<session::Model> = session::Entity::find()
        .filter(session::Column::EventId.eq(event_id))
        .all(store.conn())
        .await?
        .into_iter()
        .filter(|s| workshops.contains_key(&s.workshop_id))
        .collect();
    let mut q = Sql::new("");
    let ev = q.bind(event_id);
    q.push(&format!(
        "SELECT e.session_id AS id, e.status AS status, e.attendance AS attendance, COUNT(*) AS n \
         FROM enrolments e WHERE e.event_id = {ev} GROUP BY e.session_id, e.status, e.attendance"
    ));
    // (confirmed, waiting, present, absent) per session.
    let mut counts: HashMap<Uuid, (i64, i64, i64, i64)> = HashMap::new();
    for r in q.all(store).await? {
        let c = counts.entry(r.try_get("", "id")?).or_default();
        let n = int(&r, "n")?;
        match mapping::enrolment_status(&r.try_get::<String>("", "status")?) {
            EnrolmentStatus::Confirmed | EnrolmentStatus::PendingApproval => c.0 += n,
            EnrolmentStatus::Waitlisted => c.1 += n,
            EnrolmentStatus::Cancelled => {}
        }
        match r.try_get::<Option<String>>("", "attendance")?.as_deref().map(mapping::attendance) {
            Some(Attendance::Present) => c.2 += n,
            Some(Attendance::Absent) => c.3 += n,
            _ => {}
        }
    }
    let mut q = Sql::new("");
    let ev = q.bind(event_id);
    q.push(&format!(
        "SELECT f.session_id AS id, COUNT(*) AS n, SUM(f.rating) AS total FROM feedback f \
         WHERE f.session_id IN (SELECT id FROM sessions WHERE event_id = {ev}) GROUP BY f.session_id"
    ));
    let mut feedback: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for r in q.all(store).await? {
        feedback.insert(r.try_get("", "id")?, (int(&r, "n")?, int(&r, "total")?));
    }

    let mut q = Sql::new("");
    let ev = q.bind(event_id);
    q.push(&format!(
        "SELECT c.session_id AS id, COUNT(*) AS n FROM certificates c \
         WHERE c.revoked_at IS NULL AND c.session_id IN (SELECT id FROM sessions WHERE event_id = {ev}) \
         GROUP BY c.session_id"
    ));
    let mut certificates: HashMap<Uuid, i64> = HashMap::new();
    for r in q.all(store).await? {
        certificates.insert(r.try_get("", "id")?, int(&r, "n")?);
    }

    let (orgs, _) = names(store).await?;
    // By title: the workshop's total, its feedback (answers, sum of ratings), its sessions.
    struct Group {
        total: SessionRow,
        feedback: (i64, i64),
        sessions: Vec<SessionRow>,
    }
    let mut per_workshop: BTreeMap<(String, Uuid), Group> = BTreeMap::new();
    for s in sessions {
        let Some(w) = workshops.get(&s.workshop_id) else { continue };
        let (n, total) = feedback.get(&s.id).copied().unwrap_or((0, 0));
        let (confirmed, waiting, attended, no_shows) = counts.get(&s.id).copied().unwrap_or_default();
        let workshop_id = s.workshop_id;
        let mut row = SessionRow {
            workshop_id,
            title: w.title.clone(),
            host: orgs.get(&w.host_organisation_id).cloned().unwrap_or_default(),
            session_id: Some(s.id),
            starts_at: Some(s.starts_at),
            status: s.status,
            capacity: s.capacity as i64,
            confirmed,
            fill_rate: None,
            waiting,
            attended,
            attendance_rate: None,
            no_shows,
            no_show_rate: None,
            feedback_count: n,
            feedback_average: (n > 0).then(|| (total as f64 / n as f64 * 100.0).round() / 100.0),
            certificates: certificates.get(&s.id).copied().unwrap_or(0),
        };
        row.rates();
        let entry = per_workshop.entry((w.title.clone(), workshop_id)).or_insert_with(|| {
            let mut t = row.clone();
            t.session_id = None;
            t.starts_at = None;
            t.status = String::new();
            t.capacity = 0;
            t.confirmed = 0;
            t.waiting = 0;
            t.attended = 0;
            t.no_shows = 0;
            t.certificates = 0;
            Group { total: t, feedback: (0, 0), sessions: vec![] }
        });
        if row.status != SessionStatus::Cancelled.as_str() {
            entry.total.capacity += row.capacity;
        }
        entry.total.confirmed += row.confirmed;
        entry.total.waiting += row.waiting;
        entry.total.attended += row.attended;
        entry.total.no_shows += row.no_shows;
        entry.total.certificates += row.certificates;
        entry.feedback.0 += n;
        entry.feedback.1 += total;
        entry.sessions.push(row);
    }
    let mut out = Vec::new();
    for Group { mut total, feedback: (n, sum), sessions: mut rows } in per_workshop.into_values() {
        total.rates();
        total.feedback_count = n;
        total.feedback_average = (n > 0).then(|| (sum as f64 / n as f64 * 100.0).round() / 100.0);
        rows.sort_by_key(|r| r.starts_at);
        out.push(total);
        out.extend(rows);
    }
    Ok(out)
}
