//! Participation: figures per organisation and unit, the people with a seat, and those the week
//! has not reached.

use super::{Scope, Sql, hours, int, names, per_person, ratio};
use crate::{Backend, Result, Store};
use leerweek_domain::EnrolmentStatus;
use std::collections::BTreeMap;
use uuid::Uuid;

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
    /// Seats waiting for the manager's approval now.
    pub approvals_pending: i64,
    /// Seats the manager approved.
    pub approvals_approved: i64,
    /// Seats the manager declined.
    pub approvals_declined: i64,
    /// Seats released because nobody decided in time.
    pub approvals_lapsed: i64,
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
        self.approvals_pending += o.approvals_pending;
        self.approvals_approved += o.approvals_approved;
        self.approvals_declined += o.approvals_declined;
        self.approvals_lapsed += o.approvals_lapsed;
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

    approvals(store, scope, event_id, &mut groups).await?;

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

/// The managers' decisions per organisation and unit (of the enrolment's own time), into `groups`.
async fn approvals(
    store: &Store,
    scope: &Scope,
    event_id: Uuid,
    groups: &mut BTreeMap<(Uuid, Option<Uuid>), Participation>,
) -> Result<()> {
    use leerweek_domain::ApprovalState as A;
    let mut q = Sql::new("");
    let ev = q.bind(event_id);
    q.push(&format!(
        "SELECT e.organisation_id AS org, e.org_unit_id AS unit, e.approval AS approval, COUNT(*) AS n \
         FROM enrolments e WHERE e.event_id = {ev} AND e.approval IS NOT NULL"
    ));
    q.scope_enrolments(scope);
    q.push(" GROUP BY e.organisation_id, e.org_unit_id, e.approval");
    for r in q.all(store).await? {
        let Some(org) = r.try_get::<Option<Uuid>>("", "org")? else { continue };
        let g = groups.entry((org, r.try_get::<Option<Uuid>>("", "unit")?)).or_default();
        let n = int(&r, "n")?;
        match A::parse(&r.try_get::<String>("", "approval")?) {
            Ok(A::Pending) => g.approvals_pending += n,
            Ok(A::Approved) => g.approvals_approved += n,
            Ok(A::Declined) => g.approvals_declined += n,
            Ok(A::Lapsed) => g.approvals_lapsed += n,
            Ok(A::Withdrawn) | Err(_) => {}
        }
    }
    Ok(())
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
    /// Hours of development in the week's calendar year, across every week (Europe/Amsterdam).
    pub year_hours: f64,
}

/// Minutes credited per person in `[from, to)`, across every week: attended sessions only.
async fn minutes_between(
    store: &Store,
    people: &[Uuid],
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> Result<std::collections::HashMap<Uuid, i64>> {
    let mut out = std::collections::HashMap::with_capacity(people.len());
    // Bounded lists: both databases take far more parameters, and each look is an index walk.
    for chunk in people.chunks(2000) {
        let mut q = Sql::new("SELECT e.person_id AS id, SUM(e.credited_minutes) AS minutes FROM enrolments e ");
        q.push("JOIN sessions s ON s.id = e.session_id WHERE e.person_id IN (");
        let list: Vec<String> = chunk.iter().map(|p| q.bind(*p)).collect();
        q.push(&list.join(", "));
        let (a, b) = (q.bind(from), q.bind(to));
        q.push(&format!(
            ") AND e.attendance = '{present}' AND s.starts_at >= {a} AND s.starts_at < {b} GROUP BY e.person_id",
            present = leerweek_domain::attendance::Attendance::Present.as_str()
        ));
        for r in q.all(store).await? {
            out.insert(r.try_get("", "id")?, r.try_get::<Option<i64>>("", "minutes")?.unwrap_or(0));
        }
    }
    Ok(out)
}

/// The calendar year of a week's first day, as UTC instants of its local midnights.
fn year_of(e: &leerweek_domain::event::Event) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    use chrono::{Datelike, NaiveDate, TimeZone};
    let y = e.starts_on.year();
    let midnight = |year: i32| {
        let d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN).and_hms_opt(0, 0, 0).unwrap_or_default();
        e.time_zone.from_local_datetime(&d).earliest().map(|t| t.with_timezone(&chrono::Utc)).unwrap_or_default()
    };
    (midnight(y), midnight(y + 1))
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
        "SELECT COUNT(DISTINCT e.person_id) AS n FROM enrolments e WHERE e.event_id = {ev} AND e.status = '{confirmed}'",
        confirmed = EnrolmentStatus::Confirmed.as_str(),
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
            q.push(&format!(
                "e.event_id = {ev} AND e.person_id = p.id AND e.status = '{confirmed}'",
                confirmed = EnrolmentStatus::Confirmed.as_str()
            ));
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
            year_hours: 0.0,
        });
    }
    if let Some(e) = crate::lookup::load_event(store.conn(), event_id).await? {
        let (from, to) = year_of(&e.to_event());
        let ids: Vec<Uuid> = out.iter().map(|r| r.person_id).collect();
        let minutes = minutes_between(store, &ids, from, to).await?;
        for r in &mut out {
            r.year_hours = hours(minutes.get(&r.person_id).copied().unwrap_or(0));
        }
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
        let cancelled = EnrolmentStatus::Cancelled.as_str();
        let enrolled = if *scope == Scope::All && sqlite {
            format!(
                "p.id NOT IN (SELECT e.person_id FROM enrolments e WHERE e.event_id = {ev} AND e.status <> '{cancelled}')"
            )
        } else {
            format!(
                "NOT EXISTS (SELECT 1 FROM enrolments e \
                 WHERE e.event_id = {ev} AND e.person_id = p.id AND e.status <> '{cancelled}')"
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
