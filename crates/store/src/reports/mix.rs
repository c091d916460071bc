//! The mix: who met whom across organisations in the sessions they attended.

use super::{Scope, Sql, names, ratio};
use crate::entities::{session, workshop};
use crate::{Backend, Result, Store};
use leerweek_domain::access::Actor;
use leerweek_domain::attendance::Attendance;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryResult};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

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
            "FROM enrolments e WHERE e.event_id = {ev} AND e.attendance = '{present}' AND e.organisation_id IS NOT NULL",
            present = Attendance::Present.as_str()
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
    let may_see_host = |org: Uuid| actor.may_see_figures_of(org);
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
