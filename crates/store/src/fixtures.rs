//! Generated weeks for benchmarks: a national week (342 organisations, 200,000 people, 6,000
//! sessions, 1,000,000 enrolments) or a tenth of it, inserted in bulk. The data satisfies every
//! constraint of the schema (seat counters equal the rows, queue numbers without gaps, marks
//! only on seats) but is not a replay of the enrolment rules: it is a fixture, written fast.

use crate::entities::{
    enrolment, event, event_organisation, feedback, org_unit, organisation, person, person_role, session, workshop,
};
use crate::{Result, Store};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use leerweek_domain::attendance::CheckInCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
use uuid::Uuid;

/// How big a generated week is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Organisations, all taking part.
    pub organisations: usize,
    /// People.
    pub people: usize,
    /// Sessions (three per workshop).
    pub sessions: usize,
    /// Enrolments (confirmed, waitlisted and some cancelled).
    pub enrolments: usize,
}

impl Scale {
    /// The national week.
    pub const NATIONAL: Scale = Scale { organisations: 342, people: 200_000, sessions: 6_000, enrolments: 1_000_000 };

    /// A tenth of the national week.
    pub fn tenth() -> Scale {
        Scale { organisations: 34, people: 20_000, sessions: 600, enrolments: 100_000 }
    }
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The week.
    pub event_id: Uuid,
    /// Rows written.
    pub organisations: usize,
    /// People.
    pub people: usize,
    /// Sessions.
    pub sessions: usize,
    /// Enrolments.
    pub enrolments: usize,
    /// Of which confirmed.
    pub confirmed: usize,
    /// Feedback answers.
    pub feedback: usize,
    /// The largest organisation (for organiser-scoped reports).
    pub largest_organisation: Uuid,
    /// An organiser of it.
    pub organiser: Uuid,
    /// A manager with reports.
    pub manager: Uuid,
}

async fn insert<M, A>(store: &Store, rows: Vec<A>, per_statement: usize) -> Result<()>
where
    A: ActiveModelTrait<Entity = M> + Send,
    M: EntityTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let txn = store.write().await?;
        // A few statements per transaction: big enough to be fast, small enough for locks.
        for _ in 0..20 {
            let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
            if chunk.is_empty() {
                break;
            }
            M::insert_many(chunk).exec_without_returning(&*txn).await?;
        }
        txn.commit().await?;
    }
    Ok(())
}

fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().unwrap_or_default()
}

const THEMES: [&str; 8] = [
    "privacy",
    "informatiebeveiliging",
    "vitaliteit",
    "leiderschap",
    "vaardigheden",
    "kennis",
    "creativiteit",
    "digitaal",
];

/// A generated workshop: number `w` of the week, on `theme`, hosted by `host`.
fn bench_workshop(
    id: Uuid,
    event_id: Uuid,
    w: usize,
    theme: &str,
    host: Uuid,
    now: chrono::DateTime<Utc>,
) -> workshop::Model {
    workshop::Model {
        id,
        event_id,
        title: format!("Workshop {} ({theme})", w + 1),
        description: "Gegenereerd voor de benchmark.".into(),
        theme: theme.into(),
        trainer: None,
        host_organisation_id: host,
        language: "nl".into(),
        format: "on_site".into(),
        audience: "all".into(),
        status: "scheduled".into(),
        created_at: now,
        updated_at: now,
    }
}

/// `hh:mm` Amsterdam time on `day` as an instant (office hours in November: no DST gap).
fn amsterdam(day: NaiveDate, h: u32, m: u32) -> chrono::DateTime<Utc> {
    let local = day.and_hms_opt(h, m, 0).unwrap_or_default();
    chrono_tz::Europe::Amsterdam
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Generate a closed week of the given scale into an empty database; deterministic for a seed.
pub async fn generate(store: &Store, scale: Scale, seed: u64) -> Result<Generated> {
    let mut rng = StdRng::seed_from_u64(seed);
    let now = at(2026, 11, 20, 12);
    let first_day = NaiveDate::from_ymd_opt(2026, 11, 9).unwrap_or_default();

    // Organisations of very different sizes (a few cities, many villages).
    let weights: Vec<f64> = (0..scale.organisations).map(|i| 1.0 / ((i + 1) as f64).powf(0.8)).collect();
    let total_weight: f64 = weights.iter().sum();
    let orgs: Vec<organisation::Model> = (0..scale.organisations)
        .map(|i| organisation::Model { id: Uuid::now_v7(), name: format!("Gemeente {:03}", i + 1), created_at: now })
        .collect();
    let mut sizes: Vec<usize> =
        weights.iter().map(|w| ((w / total_weight) * scale.people as f64).floor().max(1.0) as usize).collect();
    let assigned: usize = sizes.iter().sum();
    sizes[0] += scale.people.saturating_sub(assigned);

    let mut units = Vec::new();
    let mut people = Vec::new();
    let mut roles = Vec::new();
    let (mut organiser, mut manager) = (Uuid::nil(), Uuid::nil());
    for (o, org) in orgs.iter().enumerate() {
        let n_units = (sizes[o] / 400).clamp(2, 40);
        let org_units: Vec<Uuid> = (0..n_units)
            .map(|u| {
                let id = Uuid::now_v7();
                units.push(org_unit::Model {
                    id,
                    organisation_id: org.id,
                    parent_id: None,
                    name: format!("Afdeling {}", u + 1),
                    created_at: now,
                });
                id
            })
            .collect();
        let mut heads: Vec<Option<Uuid>> = vec![None; n_units];
        for i in 0..sizes[o] {
            let u = i % n_units;
            let id = Uuid::now_v7();
            let head = heads[u];
            if head.is_none() {
                heads[u] = Some(id);
                roles.push(person_role::Model { person_id: id, role: "manager".into(), created_at: now });
                if o == 0 && u == 0 {
                    manager = id;
                }
            } else if i == n_units {
                roles.push(person_role::Model { person_id: id, role: "organiser".into(), created_at: now });
                if o == 0 {
                    organiser = id;
                }
            }
            people.push(person::Model {
                id,
                email: format!("p{i}@gemeente-{:03}.bench", o + 1),
                name: format!("Medewerker {} van gemeente {:03}", i + 1, o + 1),
                organisation_id: org.id,
                org_unit_id: Some(org_units[u]),
                manager_id: head,
                language: "nl".into(),
                created_at: now,
            });
        }
    }

    let event_id = Uuid::now_v7();
    let ev = event::Model {
        id: event_id,
        name: "Landelijke Leerweek (benchmark)".into(),
        starts_on: first_day,
        ends_on: first_day + Duration::days(4),
        time_zone: "Europe/Amsterdam".into(),
        enrolment_opens_at: at(2026, 10, 1, 7),
        enrolment_closes_at: at(2026, 11, 8, 22),
        cancellation_deadline_hours: 24,
        max_enrolments_per_person: None,
        status: "closed".into(),
        reminder_hours_before: 24,
        no_show_policy: "automatic".into(),
        created_at: now,
        updated_at: now,
    };

    // Workshops hosted mostly by the larger organisations; three sessions each.
    let mut workshops = Vec::new();
    let mut sessions: Vec<session::Model> = Vec::new();
    for w in 0..scale.sessions.div_ceil(3) {
        let host = &orgs[(rng.random::<f64>().powi(3) * orgs.len() as f64) as usize % orgs.len()];
        let theme = THEMES[w % THEMES.len()];
        let id = Uuid::now_v7();
        workshops.push(bench_workshop(id, event_id, w, theme, host.id, now));
        for _ in 0..3 {
            if sessions.len() == scale.sessions {
                break;
            }
            let day = first_day + Duration::days(rng.random_range(0..5));
            // Local office hours in November: no DST gap, every hour exists once.
            let start = amsterdam(day, rng.random_range(9..16), 0);
            let minutes = [90, 120, 120, 180][rng.random_range(0..4)];
            // Seats for about 85% of the enrolments; the rest wait.
            let capacity = (scale.enrolments as f64 * 0.85 / scale.sessions as f64 * rng.random_range(0.6..1.4)) as i32;
            sessions.push(session::Model {
                id: Uuid::now_v7(),
                workshop_id: id,
                event_id,
                starts_at: start,
                ends_at: start + Duration::minutes(minutes),
                venue: Some(format!("{} stadhuis", host.name)),
                room: None,
                address: None,
                online_url: None,
                capacity: capacity.clamp(1, 10_000),
                confirmed_count: 0,
                waitlist_count: 0,
                waitlist_next: 1,
                status: "scheduled".into(),
                sequence: 0,
                created_at: now,
                updated_at: now,
                trainer_id: None,
                attendance_closed_at: Some(now),
            });
        }
    }

    // Enrolments: popular sessions draw most clicks; everyone takes a few.
    let mut enrolments = Vec::with_capacity(scale.enrolments);
    let mut answers = Vec::new();
    let mut taken: Vec<Uuid> = Vec::new();
    let per_person = scale.enrolments / scale.people.max(1);
    let mut remaining = scale.enrolments;
    for (i, p) in people.iter().enumerate() {
        let left_people = scale.people - i;
        let k = if left_people == 1 { remaining } else { (per_person + rng.random_range(0..3)).saturating_sub(1) }
            .min(remaining)
            .min(sessions.len());
        remaining -= k;
        taken.clear();
        while taken.len() < k {
            let s = (rng.random::<f64>().powf(1.6) * sessions.len() as f64) as usize % sessions.len();
            let sid = sessions[s].id;
            if taken.contains(&sid) {
                continue;
            }
            taken.push(sid);
            let s = &mut sessions[s];
            let cancelled = rng.random_bool(0.03);
            let seat = !cancelled && s.confirmed_count < s.capacity;
            let status = if cancelled {
                "cancelled"
            } else if seat {
                "confirmed"
            } else {
                "waitlisted"
            };
            let mut e = enrolment::Model {
                id: Uuid::now_v7(),
                session_id: s.id,
                person_id: p.id,
                event_id,
                status: status.into(),
                waitlist_seq: None,
                created_at: now - Duration::days(30),
                confirmed_at: None,
                cancelled_at: cancelled.then_some(now - Duration::days(20)),
                cancelled_by: cancelled.then_some(p.id),
                attendance: None,
                reminder_queued_at: None,
                check_in_code: Some(CheckInCode::from_random(rng.random()).as_str().to_owned()),
                attendance_marked_at: None,
                attendance_marked_by: None,
                checked_in_at: None,
                feedback_token_hash: None,
                feedback_requested_at: None,
                organisation_id: Some(p.organisation_id),
                org_unit_id: p.org_unit_id,
                credited_minutes: None,
            };
            if seat {
                s.confirmed_count += 1;
                e.confirmed_at = Some(now - Duration::days(30));
                let roll = rng.random::<f64>();
                let mark = if roll < 0.85 {
                    "present"
                } else if roll < 0.93 {
                    "absent"
                } else {
                    "excused"
                };
                e.attendance = Some(mark.into());
                e.attendance_marked_at = Some(s.ends_at);
                if mark == "present" {
                    e.checked_in_at = Some(s.starts_at);
                    e.credited_minutes = Some(crate::attendance::minutes_of(s));
                    if rng.random_bool(0.3) {
                        answers.push(feedback::Model {
                            id: Uuid::now_v7(),
                            enrolment_id: e.id,
                            session_id: s.id,
                            workshop_id: s.workshop_id,
                            rating: [2, 3, 4, 4, 5, 5][rng.random_range(0..6)],
                            comment: rng.random_bool(0.1).then(|| "Nuttig en goed georganiseerd.".to_owned()),
                            created_at: s.ends_at + Duration::hours(2),
                        });
                    }
                }
            } else if !cancelled {
                e.waitlist_seq = Some(s.waitlist_next);
                s.waitlist_next += 1;
                s.waitlist_count += 1;
            }
            enrolments.push(e);
        }
    }

    let generated = Generated {
        event_id,
        organisations: orgs.len(),
        people: people.len(),
        sessions: sessions.len(),
        enrolments: enrolments.len(),
        confirmed: enrolments.iter().filter(|e| e.status == "confirmed").count(),
        feedback: answers.len(),
        largest_organisation: orgs[0].id,
        organiser,
        manager,
    };
    let links: Vec<event_organisation::ActiveModel> = orgs
        .iter()
        .map(|o| event_organisation::Model { event_id, organisation_id: o.id }.into_active_model())
        .collect();
    insert(store, orgs.into_iter().map(IntoActiveModel::into_active_model).collect(), 500).await?;
    insert(store, units.into_iter().map(IntoActiveModel::into_active_model).collect(), 1000).await?;
    // Managers first: the others refer to them.
    let (heads, others): (Vec<_>, Vec<_>) = people.into_iter().partition(|p| p.manager_id.is_none());
    insert(store, heads.into_iter().map(IntoActiveModel::into_active_model).collect(), 1000).await?;
    insert(store, others.into_iter().map(IntoActiveModel::into_active_model).collect(), 1000).await?;
    insert(store, roles.into_iter().map(IntoActiveModel::into_active_model).collect(), 1000).await?;
    insert(store, vec![ev.into_active_model()], 1).await?;
    insert(store, links, 1000).await?;
    insert(store, workshops.into_iter().map(IntoActiveModel::into_active_model).collect(), 500).await?;
    insert(store, sessions.into_iter().map(IntoActiveModel::into_active_model).collect(), 500).await?;
    insert(store, enrolments.into_iter().map(IntoActiveModel::into_active_model).collect(), 1000).await?;
    insert(store, answers.into_iter().map(IntoActiveModel::into_active_model).collect(), 1000).await?;
    Ok(generated)
}

/// How big the week of an enrolment rush is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RushScale {
    /// Organisations, all taking part.
    pub organisations: usize,
    /// People, each with a bearer token.
    pub people: usize,
    /// Sessions of 20–30 seats (three per workshop), in four time slots a day over five days.
    pub sessions: usize,
}

impl RushScale {
    /// The rush of the benchmark: 50 municipalities, 20,000 people, 600 sessions.
    pub const BENCH: RushScale = RushScale { organisations: 50, people: 20_000, sessions: 600 };
}

/// A published week whose enrolment is open and empty, ready for a rush.
#[derive(Debug, Clone)]
pub struct RushWeek {
    /// The week.
    pub event_id: Uuid,
    /// Sessions with their capacity, most popular first (the rush picks low indexes most).
    pub sessions: Vec<(Uuid, i32)>,
    /// People with their bearer token.
    pub people: Vec<(Uuid, String)>,
    /// An admin's token (to read participant lists afterwards).
    pub admin_token: String,
}

/// Generate a rush week into an empty database: open for enrolment from an hour ago, held a
/// month from `now`, at most three sessions per person, no enrolments yet. Deterministic for a
/// seed except the tokens, which are random secrets.
pub async fn generate_rush(store: &Store, scale: RushScale, seed: u64, now: chrono::DateTime<Utc>) -> Result<RushWeek> {
    use crate::entities::api_token;
    let mut rng = StdRng::seed_from_u64(seed);
    let orgs: Vec<organisation::Model> = (0..scale.organisations)
        .map(|i| organisation::Model { id: Uuid::now_v7(), name: format!("Gemeente {:02}", i + 1), created_at: now })
        .collect();
    let mut people = Vec::with_capacity(scale.people);
    let mut tokens = Vec::with_capacity(scale.people + 1);
    let mut out_people = Vec::with_capacity(scale.people);
    let mut token_for = |person_id: Uuid, rng: &mut StdRng| {
        let bytes: [u8; 32] = rng.random();
        let token = format!("lw_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        tokens.push(api_token::Model {
            id: Uuid::now_v7(),
            person_id,
            token_hash: crate::people::hash_token(&token),
            created_at: now,
            revoked_at: None,
        });
        token
    };
    for i in 0..scale.people {
        let org = &orgs[i % orgs.len()];
        let id = Uuid::now_v7();
        people.push(person::Model {
            id,
            email: format!("p{i}@rush.bench"),
            name: format!("Medewerker {}", i + 1),
            organisation_id: org.id,
            org_unit_id: None,
            manager_id: None,
            language: "nl".into(),
            created_at: now,
        });
        let token = token_for(id, &mut rng);
        out_people.push((id, token));
    }
    let admin = Uuid::now_v7();
    people.push(person::Model {
        id: admin,
        email: "beheer@rush.bench".into(),
        name: "Beheerder".into(),
        organisation_id: orgs[0].id,
        org_unit_id: None,
        manager_id: None,
        language: "nl".into(),
        created_at: now,
    });
    let admin_token = token_for(admin, &mut rng);
    let roles = vec![person_role::Model { person_id: admin, role: "admin".into(), created_at: now }];

    let event_id = Uuid::now_v7();
    let first_day = (now + Duration::days(30)).with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    let ev = event::Model {
        id: event_id,
        name: "Leerweek (enrolment rush)".into(),
        starts_on: first_day,
        ends_on: first_day + Duration::days(4),
        time_zone: "Europe/Amsterdam".into(),
        enrolment_opens_at: now - Duration::hours(1),
        enrolment_closes_at: now + Duration::days(20),
        cancellation_deadline_hours: 24,
        max_enrolments_per_person: Some(3),
        status: "published".into(),
        reminder_hours_before: 24,
        no_show_policy: "automatic".into(),
        created_at: now,
        updated_at: now,
    };
    let slots = [(9, 0), (11, 0), (13, 30), (15, 30)];
    let mut workshops = Vec::new();
    let mut sessions: Vec<session::Model> = Vec::new();
    for w in 0..scale.sessions.div_ceil(3) {
        let host = &orgs[w % orgs.len()];
        let theme = THEMES[w % THEMES.len()];
        let id = Uuid::now_v7();
        workshops.push(bench_workshop(id, event_id, w, theme, host.id, now));
        for _ in 0..3 {
            if sessions.len() == scale.sessions {
                break;
            }
            let day = first_day + Duration::days(rng.random_range(0..5));
            let (h, m) = slots[rng.random_range(0..slots.len())];
            let start = amsterdam(day, h, m);
            sessions.push(session::Model {
                id: Uuid::now_v7(),
                workshop_id: id,
                event_id,
                starts_at: start,
                ends_at: start + Duration::minutes(120),
                venue: Some(format!("{} stadhuis", host.name)),
                room: None,
                address: None,
                online_url: None,
                capacity: rng.random_range(20..=30),
                confirmed_count: 0,
                waitlist_count: 0,
                waitlist_next: 1,
                status: "scheduled".into(),
                sequence: 0,
                created_at: now,
                updated_at: now,
                trainer_id: None,
                attendance_closed_at: None,
            });
        }
    }
    let week = RushWeek {
        event_id,
        sessions: sessions.iter().map(|s| (s.id, s.capacity)).collect(),
        people: out_people,
        admin_token,
    };
    let links: Vec<event_organisation::ActiveModel> = orgs
        .iter()
        .map(|o| event_organisation::Model { event_id, organisation_id: o.id }.into_active_model())
        .collect();
    insert(store, orgs.into_iter().map(IntoActiveModel::into_active_model).collect(), 500).await?;
    insert(store, people.into_iter().map(IntoActiveModel::into_active_model).collect(), 1000).await?;
    insert(store, roles.into_iter().map(IntoActiveModel::into_active_model).collect(), 10).await?;
    insert(store, tokens.into_iter().map(IntoActiveModel::into_active_model).collect(), 1000).await?;
    insert(store, vec![ev.into_active_model()], 1).await?;
    insert(store, links, 1000).await?;
    insert(store, workshops.into_iter().map(IntoActiveModel::into_active_model).collect(), 500).await?;
    insert(store, sessions.into_iter().map(IntoActiveModel::into_active_model).collect(), 500).await?;
    Ok(week)
}
