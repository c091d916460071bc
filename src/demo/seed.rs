//! Writing the plan through the store's repositories, the same paths the API uses.

use super::data::{Aud, DOMMELVALLEI, Fmt, ORGANISATIONS, SKILLS, WORKSHOPS};
use super::plan::{
    ADMIN_EMAIL, ADMIN_NAME, Job, MAX_ENROLMENTS_PER_PERSON, PersonaToken, Plan, Summary, TZ, event_name, plan,
};
use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::event::EventSchedule;
use leerweek_domain::people::Person;
use leerweek_domain::session::{Capacity, Location, TimeRange};
use leerweek_domain::text::{Description, EmailAddress, Name, OnlineUrl, ShortText, SkillName, Theme, Title};
use leerweek_domain::{AudienceKind, EnrolmentStatus, EventStatus, Language, Role, WorkshopFormat};
use leerweek_store::events::NewEvent;
use leerweek_store::people::{ADMIN_ORGANISATION, ImportRow};
use leerweek_store::sessions::{self, NewSession};
use leerweek_store::skills::{self, NewSkill};
use leerweek_store::workshops::{self, NewWorkshop};
use leerweek_store::{Store, StoreError, enrolments, events, people};
use std::collections::HashMap;
use uuid::Uuid;

/// What the database holds, as far as the demo is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No event and no organisation except the one of command-line admins: the demo may be seeded.
    Empty,
    /// The demo was seeded before.
    Seeded,
    /// Other data: the demo stays out.
    Other,
}

/// Look at the database.
pub async fn state(store: &Store) -> anyhow::Result<State> {
    let demo_admin = people::person_by_email(store, &admin_email()?).await?;
    let orgs = people::list_organisations(store).await?;
    if demo_admin.is_some() && orgs.iter().any(|o| o.name == ORGANISATIONS[0].name) {
        return Ok(State::Seeded);
    }
    let events = events::all_names(store).await?;
    let others = orgs.iter().filter(|o| o.name != ADMIN_ORGANISATION).count();
    Ok(if events.is_empty() && others == 0 { State::Empty } else { State::Other })
}

/// The demo administrator's address.
fn admin_email() -> anyhow::Result<EmailAddress> {
    text(EmailAddress::parse(ADMIN_EMAIL), "e-mail", ADMIN_EMAIL)
}

fn text<T>(r: Result<T, leerweek_domain::Invalid>, what: &str, value: &str) -> anyhow::Result<T> {
    r.map_err(|e| anyhow::anyhow!("demo {what} {value:?} {e}"))
}

/// Seed the demo into an empty database. Refuses when the database holds anything (see [`state`]).
pub async fn seed(store: &Store, now: DateTime<Utc>) -> anyhow::Result<Summary> {
    let started = std::time::Instant::now();
    if state(store).await? != State::Empty {
        bail!("the database is not empty; demo data is only loaded into an empty database");
    }
    let plan = plan(now);
    let mut summary = Summary { event_name: event_name(&plan.week), ..Default::default() };

    let (admin_person, admin_token) =
        people::create_admin(store, admin_email()?, text(Name::parse(ADMIN_NAME), "name", ADMIN_NAME)?, now)
            .await
            .context("creating the demo administrator")?;
    let admin =
        Actor { person_id: admin_person.id, organisation_id: admin_person.organisation_id, roles: vec![Role::Admin] };

    let mut org_ids = Vec::with_capacity(ORGANISATIONS.len());
    for spec in ORGANISATIONS {
        let m =
            people::create_organisation(store, &admin, text(Name::parse(spec.name), "organisation", spec.name)?, now)
                .await
                .with_context(|| format!("creating organisation {}", spec.name))?;
        org_ids.push(m.id);
    }
    summary.organisations = org_ids.len();

    let rows: Vec<ImportRow> = plan
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| ImportRow {
            line: i + 2,
            email: p.email.clone(),
            name: p.name.clone(),
            organisation: ORGANISATIONS[p.org].name.to_owned(),
            org_unit: Some(p.department.to_owned()),
            manager_email: Some(p.manager.map(|m| plan.people[m].email.clone()).unwrap_or_default()),
        })
        .collect();
    let report = people::import_people(store, &admin, &rows, Default::default(), now)
        .await
        .context("importing the demo people")?;
    if !report.imported {
        let first = report.rows.iter().find(|r| r.outcome.as_str() == "invalid");
        bail!("the demo people were refused: {first:?}");
    }
    summary.people = report.new;

    // The import answers each row with the person it made.
    let ids: HashMap<String, (Uuid, Uuid)> = report
        .rows
        .iter()
        .zip(&plan.people)
        .filter_map(|(r, p)| r.person_id.map(|id| (p.email.clone(), (id, org_ids[p.org]))))
        .collect();
    let id_of = |i: usize| -> anyhow::Result<(Uuid, Uuid)> {
        ids.get(&plan.people[i].email).copied().with_context(|| format!("{} was not imported", plan.people[i].email))
    };
    for (i, p) in plan.people.iter().enumerate() {
        let role = match p.job {
            Job::Employee => continue,
            Job::Manager => Role::Manager,
            Job::Organiser => Role::Organiser,
        };
        people::grant_role(store, &admin, id_of(i)?.0, role, now).await.context("granting a demo role")?;
    }
    let organisers: HashMap<usize, Actor> = plan
        .people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.job == Job::Organiser)
        .map(|(i, p)| {
            id_of(i)
                .map(|(id, org)| (p.org, Actor { person_id: id, organisation_id: org, roles: vec![Role::Organiser] }))
        })
        .collect::<anyhow::Result<_>>()?;

    let name = summary.event_name.clone();
    let schedule = EventSchedule::new(
        plan.week.monday,
        plan.week.friday,
        TZ,
        plan.week.enrolment_opens_at,
        plan.week.enrolment_closes_at,
    )?;
    let ev = events::create_event(
        store,
        &admin,
        NewEvent {
            name: text(Name::parse(&name), "event", &name)?,
            schedule,
            cancellation_deadline_hours: 24,
            max_enrolments_per_person: Some(MAX_ENROLMENTS_PER_PERSON),
            organisation_ids: org_ids.clone(),
            reminder_hours_before: leerweek_domain::event::DEFAULT_REMINDER_HOURS,
            // The demo's organiser persona runs the week: their municipality leads it.
            lead_organisation_id: Some(id_of(plan.personas.organiser)?.1),
            no_show_policy: Default::default(),
            allocation: Default::default(),
            max_preferences: leerweek_domain::event::DEFAULT_MAX_PREFERENCES,
            approval: leerweek_domain::Approval::None,
            approval_hours: leerweek_domain::approval::DEFAULT_APPROVAL_HOURS,
        },
        now,
    )
    .await
    .context("creating the demo week")?;
    let event_id = ev.id;
    summary.event_id = Some(event_id);
    summary.starts_on = Some(plan.week.monday);
    summary.ends_on = Some(plan.week.friday);

    let mut taught: HashMap<&str, Vec<Uuid>> = HashMap::new();
    let mut skill_ids: HashMap<&'static str, Uuid> = HashMap::new();
    for (nl, en, titles) in SKILLS {
        let new = NewSkill {
            name_nl: text(SkillName::parse(nl), "skill", nl)?,
            name_en: Some(text(SkillName::parse(en), "skill", en)?),
            description: text(Description::parse(""), "skill", nl)?,
            esco_uri: None,
        };
        let made =
            skills::create_skill(store, &admin, new, now).await.with_context(|| format!("creating skill {nl}"))?;
        for t in *titles {
            taught.entry(t).or_default().push(made.id);
        }
        skill_ids.insert(nl, made.id);
    }

    let mut session_ids: Vec<Vec<Uuid>> = Vec::with_capacity(plan.workshops.len());
    for w in &plan.workshops {
        let spec = &WORKSHOPS[w.spec];
        let organiser = organisers.get(&w.host).unwrap_or(&admin);
        let (audience, listed) = match spec.audience {
            Aud::All => (AudienceKind::All, vec![]),
            Aud::Host => (AudienceKind::HostOnly, vec![]),
            Aud::Dommelvallei => (AudienceKind::Listed, DOMMELVALLEI.iter().map(|&o| org_ids[o]).collect()),
        };
        let made = workshops::create_workshop(
            store,
            organiser,
            event_id,
            NewWorkshop {
                title: text(Title::parse(spec.title), "title", spec.title)?,
                description: text(Description::parse(spec.description), "description", spec.title)?,
                theme: text(Theme::normalized(spec.theme), "theme", spec.theme)?,
                host_organisation_id: org_ids[w.host],
                trainer: Some(text(ShortText::parse(&w.trainer), "trainer", &w.trainer)?),
                language: Language::Nl,
                format: match spec.format {
                    Fmt::S => WorkshopFormat::OnSite,
                    Fmt::O => WorkshopFormat::Online,
                    Fmt::H => WorkshopFormat::Hybrid,
                },
                audience,
                audience_organisation_ids: listed,
                approval: None,
                skills: taught.get(spec.title).cloned().unwrap_or_default(),
            },
            now,
        )
        .await
        .with_context(|| format!("creating workshop {}", spec.title))?;
        let mut ids = Vec::with_capacity(w.sessions.len());
        for s in &w.sessions {
            let short = |v: &Option<String>| -> anyhow::Result<Option<ShortText>> {
                v.as_deref().map(|t| text(ShortText::parse(t), "location", t)).transpose()
            };
            let view = sessions::create_session(
                store,
                organiser,
                made.workshop.id,
                NewSession {
                    time: TimeRange::new(s.starts_at, s.ends_at)?,
                    capacity: text(Capacity::parse(i64::from(s.capacity)), "capacity", spec.title)?,
                    location: Location { venue: short(&s.venue)?, room: short(&s.room)?, address: short(&s.address)? },
                    online_url: s.online_url.as_deref().map(|u| text(OnlineUrl::parse(u), "link", u)).transpose()?,
                    quotas: s.quota.iter().map(|&(o, seats, at)| (org_ids[o], i64::from(seats), at)).collect(),
                    trainer_id: None,
                },
                now,
            )
            .await
            .with_context(|| format!("creating a session of {}", spec.title))?;
            ids.push(view.session.id);
        }
        summary.sessions += ids.len();
        session_ids.push(ids);
    }
    summary.workshops = plan.workshops.len();
    events::set_event_status(store, &admin, event_id, EventStatus::Published, now)
        .await
        .context("publishing the demo week")?;

    for e in &plan.enrolments {
        let (person_id, organisation_id) = id_of(e.person)?;
        let actor = Actor { person_id, organisation_id, roles: vec![] };
        match enrolments::enrol(store, &actor, session_ids[e.workshop][e.session], None, None, now).await {
            Ok(o) if o.enrolment.status == EnrolmentStatus::Confirmed => summary.confirmed += 1,
            Ok(_) => summary.waitlisted += 1,
            Err(StoreError::Enrol(err)) => {
                tracing::debug!(error = %err, "demo enrolment refused");
                summary.refused += 1;
            }
            Err(err) => return Err(err).context("enrolling demo people"),
        }
    }

    let ids = super::klussen::Ids {
        plan: &plan,
        orgs: &org_ids,
        people: &id_of,
        organisers: &organisers,
        skills: &skill_ids,
    };
    summary.assignments = super::klussen::seed(store, &ids, now).await.context("the demo's Klussenbank")?;
    summary.tokens = persona_tokens(store, &plan, now, Some((admin_person, admin_token))).await?;
    summary.elapsed = started.elapsed();
    // The demo's tables are filled at once: the planner learns of them before anyone asks.
    store
        .statistics_after_bulk_write(&[
            "people",
            "org_units",
            "api_tokens",
            "sessions",
            "workshops",
            "enrolments",
            "outbox",
        ])
        .await
        .context("refreshing query statistics after the demo")?;
    Ok(summary)
}

/// Fresh tokens for the personas of an earlier seed (tokens are stored hashed, so they cannot be shown again).
pub async fn fresh_tokens(store: &Store, now: DateTime<Utc>) -> anyhow::Result<Vec<PersonaToken>> {
    let plan = plan(now);
    persona_tokens(store, &plan, now, None).await
}

async fn persona_tokens(
    store: &Store,
    plan: &Plan,
    now: DateTime<Utc>,
    admin: Option<(Person, String)>,
) -> anyhow::Result<Vec<PersonaToken>> {
    let mut out = Vec::with_capacity(4);
    let personas = [
        ("medewerker", plan.personas.employee),
        ("manager", plan.personas.manager),
        ("organisator", plan.personas.organiser),
    ];
    for (role, i) in personas {
        let p = &plan.people[i];
        let email = text(EmailAddress::parse(&p.email), "e-mail", &p.email)?;
        let Some(m) = people::person_by_email(store, &email).await? else {
            continue;
        };
        let token = people::issue_token_unchecked(store, m.id, now).await?;
        out.push(PersonaToken {
            role,
            name: m.name,
            organisation: ORGANISATIONS[p.org].name.to_owned(),
            email: m.email,
            token,
        });
    }
    let admin = match admin {
        Some(a) => Some(a),
        None => match people::person_by_email(store, &admin_email()?).await? {
            Some(m) => {
                let token = people::issue_token_unchecked(store, m.id, now).await?;
                Some((m, token))
            }
            None => None,
        },
    };
    if let Some((m, token)) = admin {
        out.push(PersonaToken {
            role: "beheerder",
            name: m.name,
            organisation: ADMIN_ORGANISATION.to_owned(),
            email: m.email,
            token,
        });
    }
    Ok(out)
}

/// The id of the demo event, if there is one.
pub async fn event_id(store: &Store) -> anyhow::Result<Option<Uuid>> {
    Ok(events::all_names(store)
        .await?
        .into_iter()
        .find(|(_, name)| name.starts_with("Meester in je Werk-week"))
        .map(|(id, _)| id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use leerweek_testkit::{Backend, TestDb};

    /// Seed, then check what the database holds and that a second seed is refused.
    async fn seed_and_check(db: &TestDb) {
        let (store, _background) = Store::connect(db.url(), &Default::default()).await.unwrap();
        let store = &store;
        store.migrate().await.unwrap();
        let now = Utc::now();
        let planned = plan(now);
        assert_eq!(state(store).await.unwrap(), State::Empty);
        let s = seed(store, now).await.unwrap();
        assert_eq!(s.organisations, ORGANISATIONS.len());
        assert_eq!(s.people, planned.people.len());
        assert_eq!(s.workshops, planned.workshops.len());
        assert_eq!(s.sessions, planned.workshops.iter().map(|w| w.sessions.len()).sum::<usize>());
        assert_eq!(s.refused, 0, "every planned enrolment keeps the rules");
        assert_eq!(s.confirmed + s.waitlisted, planned.enrolments.len());
        assert!(s.waitlisted > 0, "some sessions are full with a waiting list");
        assert!(s.elapsed < std::time::Duration::from_secs(30), "seeding took {:?}", s.elapsed);
        let roles: Vec<(&str, Vec<Role>)> = vec![
            ("medewerker", vec![]),
            ("manager", vec![Role::Manager]),
            ("organisator", vec![Role::Organiser]),
            ("beheerder", vec![Role::Admin]),
        ];
        assert_eq!(s.tokens.len(), roles.len());
        for (t, (label, expected)) in s.tokens.iter().zip(roles) {
            assert_eq!(t.role, label);
            let actor = people::authenticate(store, &t.token).await.unwrap().expect("the printed token works");
            assert_eq!(actor.roles, expected, "{label}");
        }
        let people_now = || async { db.sql().await.scalar_i64("SELECT COUNT(*) FROM people").await as usize };
        assert_eq!(people_now().await, planned.people.len() + 1);
        assert_eq!(state(store).await.unwrap(), State::Seeded);
        assert!(seed(store, now).await.is_err(), "a second seed is refused");
        assert_eq!(people_now().await, planned.people.len() + 1);
        assert_eq!(fresh_tokens(store, now).await.unwrap().len(), 4);
        assert_eq!(event_id(store).await.unwrap(), s.event_id);
        // The Klussenbank is filled: open klussen with responses, one waiting for the manager
        // persona's consent, one done with a participant from another municipality.
        assert!(s.assignments >= 5, "{}", s.assignments);
        let sql = db.sql().await;
        assert!(sql.scalar_i64("SELECT COUNT(*) FROM assignments WHERE state = 'open'").await >= 4);
        assert!(sql.scalar_i64("SELECT COUNT(*) FROM assignment_responses").await >= 6);
        assert_eq!(sql.scalar_i64("SELECT COUNT(*) FROM assignment_selections WHERE state = 'pending'").await, 1);
        assert_eq!(sql.scalar_i64("SELECT COUNT(*) FROM assignments WHERE state = 'done'").await, 1);
        assert!(sql.scalar_i64("SELECT COUNT(*) FROM klus_profiles WHERE findable").await >= 20);
        let manager = &s.tokens[1];
        let actor = people::authenticate(store, &manager.token).await.unwrap().unwrap();
        let waiting = leerweek_store::assignments::consent::pending_for(store, &actor).await.unwrap();
        assert_eq!(waiting.len(), 1, "the manager persona has a consent waiting");
    }

    #[tokio::test]
    async fn seeding_fills_an_empty_sqlite_database_once() {
        seed_and_check(&TestDb::new(Backend::Sqlite).await).await;
    }

    #[tokio::test]
    async fn seeding_fills_an_empty_postgres_database_once() {
        let Some(db) = TestDb::postgres().await else { return };
        seed_and_check(&db).await;
    }
}
