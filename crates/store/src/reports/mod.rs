//! Reports of a week: participation per organisation and unit and per person, per workshop and
//! session, the cross-municipality mix, and reach (who has not enrolled at all).
//!
//! Each report is a few aggregate queries (`GROUP BY` in the database, on indexed columns),
//! not rows pulled into memory. Who reads is scoped: managers see the people who report to them,
//! organisers the people of their organisation (and the workshops it hosts), admins everything.

mod mix;
mod participation;
mod sessions;

pub use mix::{MixRow, mix};
pub use participation::{Participation, ParticipationRow, PersonRow, ReachRow, participation, people, reach};
pub use sessions::{SessionRow, sessions};

use crate::entities::{org_unit, organisation};
use crate::lookup::{load_event, reports_of};
use crate::{Result, Store, StoreError};
use leerweek_domain::EnrolmentStatus;
use leerweek_domain::access::{Actor, ReportReach};
use leerweek_domain::attendance::Attendance;
use sea_orm::{ConnectionTrait, EntityTrait, QueryResult, Statement, Value};
use std::collections::HashMap;
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
    if !e.visible_to(actor) {
        return Err(StoreError::NotFound("event"));
    }
    match actor.report_reach() {
        Some(ReportReach::All) => Ok(Scope::All),
        Some(ReportReach::Organisation(o)) => Ok(Scope::Organisation(o)),
        Some(ReportReach::TheirPeople) => Ok(Scope::People(reports_of(store.conn(), actor.person_id).await?)),
        None => Err(StoreError::Forbidden),
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
           SUM(CASE WHEN e.attendance = '{present}' THEN 1 ELSE 0 END) AS present, \
           SUM(CASE WHEN e.attendance = '{absent}' THEN 1 ELSE 0 END) AS absent, \
           SUM(CASE WHEN e.attendance = '{excused}' THEN 1 ELSE 0 END) AS excused, \
           SUM(COALESCE(e.credited_minutes, 0)) AS minutes \
         FROM enrolments e WHERE e.event_id = {ev} AND e.status = '{confirmed}'",
        present = Attendance::Present.as_str(),
        absent = Attendance::Absent.as_str(),
        excused = Attendance::Excused.as_str(),
        confirmed = EnrolmentStatus::Confirmed.as_str(),
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
