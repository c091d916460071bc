//! Reports of a week: participation per organisation and unit and per person, per workshop and
//! session, the cross-municipality mix, and reach (who has not enrolled at all).
//!
//! Each report is a few aggregate queries (`GROUP BY` in the database, on indexed columns),
//! not rows pulled into memory. Who reads is scoped: managers see the people who report to them,
//! organisers the people of their organisation (and the workshops it hosts), admins everything.

use crate::entities::{org_unit, organisation, session, workshop};
use crate::events::{can_see, load_event};
use crate::{Backend, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryResult, Statement, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Whose people a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everyone (admins).
    All,
    /// The people of one organisation (its organisers).
    Organisation(Uuid),
    /// These people (a manager's reports).
    People(Vec<Uuid>),
}

/// The scope of an actor's reports on an event, or why there is none: "not found" when the
/// event is not theirs to see, "forbidden" for employees without a reporting role.
pub async fn scope_of(store: &Store, actor: &Actor, event_id: Uuid) -> Result<Scope> {
    let e = load_event(store.conn(), event_id).await?.ok_or(StoreError::NotFound("event"))?;
    if !can_see(actor, &e) {
        return Err(StoreError::NotFound("event"));
    }
    if actor.is_admin() {
        Ok(Scope::All)
    } else if actor.is_organiser() {
        Ok(Scope::Organisation(actor.organisation_id))
    } else if actor.is_manager() {
        Ok(Scope::People(crate::enrolments::reports_of(store.conn(), actor.person_id).await?))
    } else {
        Err(StoreError::Forbidden)
    }
}

/// A statement with `$n` placeholders (SQLite reads them as numbered too).
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(text: &str) -> Self {
        Self { text: text.to_owned(), values: vec![] }
    }

    /// Bind a value; returns its placeholder.
    fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        format!("${}", self.values.len())
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// `AND …` restricting `people` alias `p` to the scope.
    fn scope(&mut self, scope: &Scope) {
        match scope {
            Scope::All => {}
            Scope::Organisation(o) => {
                let ph = self.bind(*o);
                self.push(&format!(" AND p.organisation_id = {ph}"));
            }
            Scope::People(ids) if ids.is_empty() => self.push(" AND 1 = 0"),
            Scope::People(ids) => {
                let phs: Vec<String> = ids.iter().map(|id| self.bind(*id)).collect();
                self.push(&format!(" AND p.id IN ({})", phs.join(", ")));
            }
        }
    }

    /// `AND …` restricting `enrolments` alias `e` to the scope's people (the same people as
    /// [`Sql::scope`], checked early so the database reads only their rows).
    fn scope_enrolments(&mut self, scope: &Scope) {
        match scope {
            Scope::All => {}
            // A week's figures stay with the organisation people enrolled as.
            Scope::Organisation(o) => {
                let ph = self.bind(*o);
                self.push(&format!(" AND e.organisation_id = {ph}"));
            }
            Scope::People(ids) if ids.is_empty() => self.push(" AND 1 = 0"),
            Scope::People(ids) => {
                let phs: Vec<String> = ids.iter().map(|id| self.bind(*id)).collect();
                self.push(&format!(" AND e.person_id IN ({})", phs.join(", ")));
            }
        }
    }

    async fn all(self, store: &Store) -> Result<Vec<QueryResult>> {
        let backend = store.conn().get_database_backend();
        Ok(store.conn().query_all_raw(Statement::from_sql_and_values(backend, self.text, self.values)).await?)
    }
}

fn int(r: &QueryResult, col: &str) -> Result<i64> {
    Ok(r.try_get::<Option<i64>>("", col)?.unwrap_or(0))
}

fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// Per person with a seat in the week (in the scope), with the organisation and unit they
/// enrolled as: seats, present, absent, excused and the credited minutes, read in the order of
/// one covering index (so the database groups without sorting).
fn per_person(q: &mut Sql, event_id: Uuid, scope: &Scope) -> String {
    let ev = q.bind(event_id);
    let mut inner = Sql { text: String::new(), values: std::mem::take(&mut q.values) };
    inner.push(&format!(
        "SELECT e.organisation_id AS org, e.org_unit_id AS unit, e.person_id AS pid, COUNT(*) AS seats, \
           SUM(CASE WHEN e.attendance = 'present' THEN 1 ELSE 0 END) AS present, \
           SUM(CASE WHEN e.attendance = 'absent' THEN 1 ELSE 0 END) AS absent, \
           SUM(CASE WHEN e.attendance = 'excused' THEN 1 ELSE 0 END) AS excused, \
           SUM(COALESCE(e.credited_minutes, 0)) AS minutes \
         FROM enrolments e WHERE e.event_id = {ev} AND e.status = 'confirmed'"
    ));
    inner.scope_enrolments(scope);
    inner.push(" GROUP BY e.organisation_id, e.org_unit_id, e.person_id");
    q.values = inner.values;
    inner.text
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 1000.0)
}

/// Names of organisations and units.
async fn names(store: &Store) -> Result<(HashMap<Uuid, String>, HashMap<Uuid, String>)> {
    let orgs = organisation::Entity::find().all(store.conn()).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let units = org_unit::Entity::find().all(store.conn()).await?.into_iter().map(|u| (u.id, u.name)).collect();
    Ok((orgs, units))
}

/// Participation figures of a group of people.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Participation {
    /// People (anonymous stand-ins of old weeks not counted).
    pub employees: i64,
    /// People with at least one seat.
    pub enrolled: i64,
    /// `enrolled / employees`.
    pub enrolled_share: Option<f64>,
    /// People who attended at least one session.
    pub attended: i64,
    /// Sessions attended (seats used).
    pub attended_sessions: i64,
    /// Seats not used without notice.
    pub no_shows: i64,
    /// Seats not used with an accepted reason.
    pub excused: i64,
    /// Hours of development: the summed length of attended sessions.
    pub hours: f64,
}

impl Participation {
    fn add(&mut self, o: &Participation) {
        self.employees += o.employees;
        self.enrolled += o.enrolled;
        self.attended += o.attended;
        self.attended_sessions += o.attended_sessions;
        self.no_shows += o.no_shows;
        self.excused += o.excused;
        self.hours = ((self.hours + o.hours) * 100.0).round() / 100.0;
        self.enrolled_share = ratio(self.enrolled, self.employees);
    }
}

/// One unit's (or organisation's, or the week's) participation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParticipationRow {
    /// The organisation (none: the whole week).
    pub organisation_id: Option<Uuid>,
    /// Its name.
    pub organisation: String,
    /// The unit (none: the organisation as a whole, or people without a unit — see `level`).
    pub org_unit_id: Option<Uuid>,
    /// The unit's name.
    pub org_unit: String,
    /// `unit`, `organisation` or `total`.
    pub level: &'static str,
    /// The figures.
    #[serde(flatten)]
    pub figures: Participation,
}

/// Participation per unit, per organisation and for the week, within the scope.
pub async fn participation(store: &Store, scope: &Scope, event_id: Uuid) -> Result<Vec<ParticipationRow>> {
    // Employees: everyone (from the index on organisation and unit) less the anonymous
    // stand-ins of retention (a partial index of their own).
    let mut groups: BTreeMap<(Uuid, Option<Uuid>), Participation> = BTreeMap::new();
    for (sign, stand_ins) in [(1, ""), (-1, " AND p.email LIKE '%@anonymised.invalid'")] {
        let mut q = Sql::new("");
        let ev = q.bind(event_id);
        q.push(&format!(
            "SELECT p.organisation_id AS org, p.org_unit_id AS unit, COUNT(*) AS employees FROM people p \
             JOIN event_organisations eo ON eo.organisation_id = p.organisation_id AND eo.event_id = {ev} \
             WHERE 1 = 1{stand_ins}"
        ));
        q.scope(scope);
        q.push(" GROUP BY p.organisation_id, p.org_unit_id");
        for r in q.all(store).await? {
            let key = (r.try_get::<Uuid>("", "org")?, r.try_get::<Option<Uuid>>("", "unit")?);
            groups.entry(key).or_default().employees += sign * int(&r, "employees")?;
        }
    }

    let mut q = Sql::new("");
    let x = per_person(&mut q, event_id, scope);
    q.push(&format!(
        "SELECT x.org AS org, x.unit AS unit, COUNT(*) AS enrolled, \
           CAST(SUM(CASE WHEN x.present > 0 THEN 1 ELSE 0 END) AS BIGINT) AS attended, \
           CAST(SUM(x.present) AS BIGINT) AS attended_sessions, CAST(SUM(x.absent) AS BIGINT) AS no_shows, \
           CAST(SUM(x.excused) AS BIGINT) AS excused, CAST(SUM(x.minutes) AS BIGINT) AS minutes \
         FROM ({x}) x GROUP BY x.org, x.unit"
    ));
    for r in q.all(store).await? {
        let Some(org) = r.try_get::<Option<Uuid>>("", "org")? else { continue };
        let g = groups.entry((org, r.try_get::<Option<Uuid>>("", "unit")?)).or_default();
        g.enrolled = int(&r, "enrolled")?;
        g.attended = int(&r, "attended")?;
        g.attended_sessions = int(&r, "attended_sessions")?;
        g.no_shows = int(&r, "no_shows")?;
        g.excused = int(&r, "excused")?;
        g.hours = hours(int(&r, "minutes")?);
    }

    let (orgs, units) = names(store).await?;
    let mut by_org: BTreeMap<String, (Uuid, Participation, Vec<ParticipationRow>)> = BTreeMap::new();
    for ((org, unit), mut figures) in groups {
        figures.enrolled_share = ratio(figures.enrolled, figures.employees);
        let org_name = orgs.get(&org).cloned().unwrap_or_default();
        let entry = by_org.entry(org_name.clone()).or_insert_with(|| (org, Participation::default(), vec![]));
        entry.1.add(&figures);
        entry.2.push(ParticipationRow {
            organisation_id: Some(org),
            organisation: org_name,
            org_unit_id: unit,
            org_unit: unit.and_then(|u| units.get(&u).cloned()).unwrap_or_else(|| "(geen afdeling)".into()),
            level: "unit",
            figures,
        });
    }
    let mut out = Vec::new();
    let mut total = Participation::default();
    for (name, (org, figures, mut rows)) in by_org {
        rows.sort_by(|a, b| a.org_unit.cmp(&b.org_unit));
        total.add(&figures);
        out.push(ParticipationRow {
            organisation_id: Some(org),
            organisation: name,
            org_unit_id: None,
            org_unit: String::new(),
            level: "organisation",
            figures,
        });
        out.extend(rows);
    }
    out.push(ParticipationRow {
        organisation_id: None,
        organisation: String::new(),
        org_unit_id: None,
        org_unit: String::new(),
        level: "total",
        figures: total,
    });
    Ok(out)
}

/// One person's week.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonRow {
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
}

/// Everyone in the scope with a seat in the week, by name; a page and the total.
pub async fn people(
    store: &Store,
    scope: &Scope,
    event_id: Uuid,
    page: Option<(u64, u64)>,
) -> Result<(Vec<PersonRow>, u64)> {
    let mut q = Sql::new("");
    let ev = q.bind(event_id);
    q.push(&format!(
        "SELECT COUNT(DISTINCT e.person_id) AS n FROM enrolments e WHERE e.event_id = {ev} AND e.status = 'confirmed'"
    ));
    q.scope_enrolments(scope);
    let total = match q.all(store).await?.first() {
        Some(r) => int(r, "n")? as u64,
        None => 0,
    };
    // A page: walk people by name (an index) and keep those with a seat, then count only
    // theirs. Everything (a download): one pass over the week's enrolments.
    let scope = match page {
        Some((page, per_page)) => {
            let mut q = Sql::new("SELECT p.id AS id FROM people p WHERE EXISTS (SELECT 1 FROM enrolments e WHERE ");
            let ev = q.bind(event_id);
            q.push(&format!("e.event_id = {ev} AND e.person_id = p.id AND e.status = 'confirmed'"));
            q.scope_enrolments(scope);
            q.push(")");
            if matches!(scope, Scope::People(_)) {
                q.scope(scope); // the same people, so the walk by name visits only them
            }
            let (l, o) = (
                q.bind(per_page as i64),
                q.bind(i64::try_from(page.saturating_sub(1).saturating_mul(per_page)).unwrap_or(i64::MAX)),
            );
            q.push(&format!(" ORDER BY p.name, p.id LIMIT {l} OFFSET {o}"));
            let ids = q.all(store).await?.iter().map(|r| r.try_get::<Uuid>("", "id")).collect::<Result<_, _>>()?;
            Scope::People(ids)
        }
        None => scope.clone(),
    };
    let mut q = Sql::new("");
    let x = per_person(&mut q, event_id, &scope);
    q.push(&format!(
        "SELECT p.id AS id, p.name AS name, p.email AS email, p.organisation_id AS org, p.org_unit_id AS unit, \
           x.seats AS sessions, x.present AS attended, x.absent AS no_shows, x.excused AS excused, x.minutes AS minutes \
         FROM ({x}) x JOIN people p ON p.id = x.pid ORDER BY p.name, p.id"
    ));
    let (orgs, units) = names(store).await?;
    let mut out = Vec::new();
    for r in q.all(store).await? {
        let unit: Option<Uuid> = r.try_get("", "unit")?;
        out.push(PersonRow {
            person_id: r.try_get("", "id")?,
            name: r.try_get("", "name")?,
            email: r.try_get("", "email")?,
            organisation: orgs.get(&r.try_get::<Uuid>("", "org")?).cloned().unwrap_or_default(),
            org_unit: unit.and_then(|u| units.get(&u).cloned()).unwrap_or_default(),
            sessions: int(&r, "sessions")?,
            attended: int(&r, "attended")?,
            no_shows: int(&r, "no_shows")?,
            excused: int(&r, "excused")?,
            hours: hours(int(&r, "minutes")?),
        });
    }
    Ok((out, total))
}

/// Someone to invite personally: in the scope, of an organisation taking part, without any
/// enrolment in the week.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReachRow {
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

/// People in the scope with no enrolment at all (erased people and stand-ins left out), by
/// organisation, unit and name; a page and the total.
pub async fn reach(
    store: &Store,
    scope: &Scope,
    event_id: Uuid,
    page: Option<(u64, u64)>,
) -> Result<(Vec<ReachRow>, u64)> {
    // SQLite, everyone: one anti-join against the week's enrolled people (a set it builds
    // once). A smaller scope, and PostgreSQL always (it plans NOT EXISTS as a hash anti-join,
    // and NOT IN over a large set as a nested loop): a probe per person.
    let sqlite = store.backend() == Backend::Sqlite;
    let from = |q: &mut Sql| {
        let ev = q.bind(event_id);
        let enrolled = if *scope == Scope::All && sqlite {
            format!(
                "p.id NOT IN (SELECT e.person_id FROM enrolments e WHERE e.event_id = {ev} AND e.status <> 'cancelled')"
            )
        } else {
            format!(
                "NOT EXISTS (SELECT 1 FROM enrolments e \
                 WHERE e.event_id = {ev} AND e.person_id = p.id AND e.status <> 'cancelled')"
            )
        };
        q.push(&format!(
            " FROM people p JOIN event_organisations eo ON eo.organisation_id = p.organisation_id AND eo.event_id = {ev} \
             WHERE p.email NOT LIKE '%.invalid' AND {enrolled}"
        ));
        q.scope(scope);
    };
    let mut q = Sql::new(
        "SELECT p.id AS id, p.name AS name, p.email AS email, p.organisation_id AS org, p.org_unit_id AS unit, \
         COUNT(*) OVER () AS total",
    );
    from(&mut q);
    q.push(" ORDER BY p.organisation_id, p.org_unit_id, p.name, p.id");
    if let Some((page, per_page)) = page {
        let (l, o) = (
            q.bind(per_page as i64),
            q.bind(i64::try_from(page.saturating_sub(1).saturating_mul(per_page)).unwrap_or(i64::MAX)),
        );
        q.push(&format!(" LIMIT {l} OFFSET {o}"));
    }
    let rows = q.all(store).await?;
    let total = match rows.first() {
        Some(r) => int(r, "total")? as u64,
        None if page.is_none_or(|(p, _)| p <= 1) => 0,
        // Past the last page: count on its own.
        None => {
            let mut q = Sql::new("SELECT COUNT(*) AS n");
            from(&mut q);
            q.all(store).await?.first().map(|r| int(r, "n")).transpose()?.unwrap_or(0) as u64
        }
    };
    let (orgs, units) = names(store).await?;
    let mut out = Vec::new();
    for r in rows {
        let unit: Option<Uuid> = r.try_get("", "unit")?;
        out.push(ReachRow {
            person_id: r.try_get("", "id")?,
            name: r.try_get("", "name")?,
            email: r.try_get("", "email")?,
            organisation: orgs.get(&r.try_get::<Uuid>("", "org")?).cloned().unwrap_or_default(),
            org_unit: unit.and_then(|u| units.get(&u).cloned()).unwrap_or_default(),
        });
    }
    Ok((out, total))
}

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
    if !can_see(actor, &e) {
        return Err(StoreError::NotFound("event"));
    }
    if !actor.is_admin() && !actor.is_organiser() {
        return Err(StoreError::Forbidden);
    }
    // The week's workshops and sessions are few (thousands): read them, count the enrolments
    // per session from one covering index, and put the two together here.
    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::EventId.eq(event_id))
        .all(store.conn())
        .await?
        .into_iter()
        .filter(|w| actor.is_admin() || w.host_organisation_id == actor.organisation_id)
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
        match r.try_get::<String>("", "status")?.as_str() {
            "confirmed" => c.0 += n,
            "waitlisted" => c.1 += n,
            _ => {}
        }
        match r.try_get::<Option<String>>("", "attendance")?.as_deref() {
            Some("present") => c.2 += n,
            Some("absent") => c.3 += n,
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
            Group { total: t, feedback: (0, 0), sessions: vec![] }
        });
        if row.status != "cancelled" {
            entry.total.capacity += row.capacity;
        }
        entry.total.confirmed += row.confirmed;
        entry.total.waiting += row.waiting;
        entry.total.attended += row.attended;
        entry.total.no_shows += row.no_shows;
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

/// How much the week mixed municipalities, for one organisation's people (in the scope).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MixRow {
    /// The organisation (none: everyone in the scope).
    pub organisation_id: Option<Uuid>,
    /// Its name.
    pub organisation: String,
    /// Sessions its people attended.
    pub attended_sessions: i64,
    /// Of those, in workshops of another host.
    pub at_other_hosts: i64,
    /// `at_other_hosts / attended_sessions`.
    pub at_other_hosts_share: Option<f64>,
    /// Seats in its own workshops taken by people of other organisations (none when the
    /// reader may not see its workshops' figures).
    pub guests_hosted: Option<i64>,
    /// Other organisations whose people its people met in a session.
    pub organisations_met: i64,
    /// Their names.
    pub met: Vec<String>,
}

/// The cross-municipality mix: per organisation (in the scope), then for the scope as a whole.
pub async fn mix(store: &Store, actor: &Actor, scope: &Scope, event_id: Uuid) -> Result<Vec<MixRow>> {
    // Where people came from is the organisation they enrolled as. Per session and
    // organisation, the seats of those present (everyone: who met whom needs all of them).
    let hosts: HashMap<Uuid, Uuid> = {
        let workshops: HashMap<Uuid, Uuid> = workshop::Entity::find()
            .filter(workshop::Column::EventId.eq(event_id))
            .all(store.conn())
            .await?
            .into_iter()
            .map(|w| (w.id, w.host_organisation_id))
            .collect();
        session::Entity::find()
            .filter(session::Column::EventId.eq(event_id))
            .all(store.conn())
            .await?
            .into_iter()
            .filter_map(|s| workshops.get(&s.workshop_id).map(|h| (s.id, *h)))
            .collect()
    };
    // One row per session listing the organisation of every seat present (`hex,hex,…`; on
    // PostgreSQL counted first, `uuid:n,…`, which it does faster): thousands of rows instead of
    // hundreds of thousands.
    let postgres = store.backend() == Backend::Postgres;
    let incidence = |scope: &Scope| {
        let mut q = Sql::new("");
        let ev = q.bind(event_id);
        let rows = format!(
            "FROM enrolments e WHERE e.event_id = {ev} AND e.attendance = 'present' AND e.organisation_id IS NOT NULL"
        );
        if postgres {
            q.push(&format!(
                "SELECT x.session AS session, string_agg(x.org::text || ':' || x.n, ',') AS orgs FROM \
                 (SELECT e.session_id AS session, e.organisation_id AS org, COUNT(*) AS n {rows}"
            ));
        } else {
            q.push(&format!("SELECT e.session_id AS session, group_concat(hex(e.organisation_id)) AS orgs {rows}"));
        }
        match scope {
            // The organisation people enrolled as.
            Scope::Organisation(o) => {
                let ph = q.bind(*o);
                q.push(&format!(" AND e.organisation_id = {ph}"));
            }
            other => q.scope_enrolments(other),
        }
        q.push(if postgres {
            " GROUP BY e.session_id, e.organisation_id) x GROUP BY x.session"
        } else {
            " GROUP BY e.session_id"
        });
        q
    };
    // (session, organisation, seats present)
    let read = |rows: Vec<QueryResult>| -> Result<Vec<(Uuid, Uuid, i64)>> {
        let mut out = Vec::new();
        for r in rows {
            let session: Uuid = r.try_get("", "session")?;
            let mut counts: HashMap<Uuid, i64> = HashMap::new();
            for item in r.try_get::<Option<String>>("", "orgs")?.unwrap_or_default().split(',') {
                let (id, n) = item.split_once(':').unwrap_or((item, "1"));
                if let (Ok(org), Ok(n)) = (Uuid::parse_str(id.trim()), n.parse::<i64>()) {
                    *counts.entry(org).or_default() += n;
                }
            }
            out.extend(counts.into_iter().map(|(org, n)| (session, org, n)));
        }
        Ok(out)
    };
    let everyone = read(incidence(&Scope::All).all(store).await?)?;
    let mine = if *scope == Scope::All { everyone.clone() } else { read(incidence(scope).all(store).await?)? };
    // Who met whom, as bit sets over the organisations (a few hundred): per session the
    // organisations present, per organisation the union over the sessions its people attended.
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    let mut ids: Vec<Uuid> = Vec::new();
    let mut slot = |org: Uuid| {
        *index.entry(org).or_insert_with(|| {
            ids.push(org);
            ids.len() - 1
        })
    };
    let mut present: Vec<(Uuid, usize, i64)> = Vec::with_capacity(everyone.len());
    for (session, org, n) in &everyone {
        present.push((*session, slot(*org), *n));
    }
    let mine: Vec<(Uuid, usize, i64)> = mine.iter().map(|(s, o, n)| (*s, slot(*o), *n)).collect();
    let words = ids.len().div_ceil(64);
    let mut orgs_in: HashMap<Uuid, Vec<u64>> = HashMap::new();
    let mut guests: HashMap<Uuid, i64> = HashMap::new();
    for (session, org, n) in &present {
        orgs_in.entry(*session).or_insert_with(|| vec![0; words])[org / 64] |= 1 << (org % 64);
        if let Some(host) = hosts.get(session).filter(|h| **h != ids[*org]) {
            *guests.entry(*host).or_default() += n;
        }
    }
    let may_see_host = |org: Uuid| actor.is_admin() || (actor.is_organiser() && actor.organisation_id == org);
    let mut seats: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
    let mut met_bits: HashMap<usize, Vec<u64>> = HashMap::new();
    for (session, org, n) in &mine {
        let s = seats.entry(ids[*org]).or_default();
        s.0 += n;
        if hosts.get(session).is_some_and(|h| *h != ids[*org]) {
            s.1 += n;
        }
        if let Some(bits) = orgs_in.get(session) {
            let m = met_bits.entry(*org).or_insert_with(|| vec![0; words]);
            m.iter_mut().zip(bits).for_each(|(a, b)| *a |= b);
        }
    }
    let met: BTreeMap<Uuid, HashSet<Uuid>> = met_bits
        .into_iter()
        .map(|(org, bits)| {
            let others = (0..ids.len()).filter(|i| *i != org && bits[i / 64] & (1 << (i % 64)) != 0);
            (ids[org], others.map(|i| ids[i]).collect())
        })
        .collect();

    let (names, _) = names(store).await?;
    let mut out: Vec<MixRow> = seats
        .iter()
        .map(|(org, (n, other))| {
            let mut m: Vec<String> = met.get(org).into_iter().flatten().filter_map(|o| names.get(o).cloned()).collect();
            m.sort();
            MixRow {
                organisation_id: Some(*org),
                organisation: names.get(org).cloned().unwrap_or_default(),
                attended_sessions: *n,
                at_other_hosts: *other,
                at_other_hosts_share: ratio(*other, *n),
                guests_hosted: may_see_host(*org).then(|| guests.get(org).copied().unwrap_or(0)),
                organisations_met: m.len() as i64,
                met: m,
            }
        })
        .collect();
    out.sort_by(|a, b| a.organisation.cmp(&b.organisation));
    let (n, other) = seats.values().fold((0, 0), |(a, b), (n, o)| (a + n, b + o));
    let all_met: HashSet<&Uuid> = met.values().flatten().collect();
    out.push(MixRow {
        organisation_id: None,
        organisation: String::new(),
        attended_sessions: n,
        at_other_hosts: other,
        at_other_hosts_share: ratio(other, n),
        guests_hosted: None,
        organisations_met: all_met.len() as i64,
        met: vec![],
    });
    Ok(out)
}
