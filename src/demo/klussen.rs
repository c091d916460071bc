//! The demo's Klussenbank: a handful of realistic klussen across the municipalities, written
//! through the same store functions as the API, so a newcomer sees it filled: open klussen with
//! responses ranked by fit, a selection waiting for the manager persona's consent, a klus done
//! in someone's portfolio, and findable colleagues with skills the posters can find.

use super::plan::{Job, Plan};
use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use leerweek_domain::access::Actor;
use leerweek_domain::assignment::{Choice, RawAssignment};
use leerweek_domain::{AssignmentState, Role, SkillKind};
use leerweek_store::Store;
use leerweek_store::assignments::consent::{self, Via};
use leerweek_store::assignments::matching::{self, Profile};
use leerweek_store::assignments::{self, Change, responses};
use std::collections::HashMap;
use uuid::Uuid;

/// What the Klussenbank's demo needs from the seed.
pub struct Ids<'a> {
    pub plan: &'a Plan,
    /// Organisation ids, by index in `ORGANISATIONS`.
    pub orgs: &'a [Uuid],
    /// Each planned person's id and organisation.
    pub people: &'a dyn Fn(usize) -> anyhow::Result<(Uuid, Uuid)>,
    /// The organiser of each organisation (by index).
    pub organisers: &'a HashMap<usize, Actor>,
    /// Skills by Dutch name.
    pub skills: &'a HashMap<&'static str, Uuid>,
}

struct Klus {
    org: usize,
    title: &'static str,
    description: &'static str,
    hours: i64,
    /// Days from today to start and end; None: "in overleg".
    period: Option<(i64, i64)>,
    place: &'static str,
    location: Option<&'static str>,
    /// (skill, required)
    skills: &'static [(&'static str, bool)],
    places: i64,
    reach: &'static str,
    partners: &'static [usize],
    closes_in: i64,
}

#[rustfmt::skip]
const KLUSSEN: &[Klus] = &[
    Klus { org: 1, title: "Projectondersteuning Omgevingswet",
        description: "Het team Vergunningen zoekt versterking bij het invoeren van de Omgevingswet: dossiers doorlopen, werkprocessen beschrijven en collega's helpen met het nieuwe Omgevingsloket. Je leert hoe een vergunningstraject onder de nieuwe wet loopt.",
        hours: 8, period: Some((30, 150)), place: "hybrid", location: Some("Stadhuis Enkhuizen, Westerstraat 108"),
        skills: &[("Omgevingswet", true), ("Projectmatig werken", true), ("Schrijven in begrijpelijke taal", false)],
        places: 2, reach: "all", partners: &[], closes_in: 21 },
    Klus { org: 0, title: "Communicatie zomerdrukte Burgerzaken",
        description: "In de zomer vragen veel inwoners tegelijk een paspoort of ID-kaart aan. Help Burgerzaken met duidelijke berichten op de website en sociale media, en schrijf de brieven mee in begrijpelijke taal.",
        hours: 12, period: Some((170, 260)), place: "on_site", location: Some("Gemeentehuis Stede Broec, Bovenkarspel"),
        skills: &[("Schrijven in begrijpelijke taal", true), ("Gesprekstechnieken", false)],
        places: 1, reach: "partners", partners: &[1, 2, 3], closes_in: 35 },
    Klus { org: 4, title: "Dashboard sociaal domein in Power BI",
        description: "Bouw met het team Sociaal Domein een dashboard dat laat zien hoeveel inwoners welke ondersteuning krijgen, per wijk. Data staat klaar; we zoeken iemand die er een helder overzicht van maakt.",
        hours: 6, period: None, place: "remote", location: None,
        skills: &[("Werken met data", true), ("Presenteren", false)],
        places: 1, reach: "partners", partners: &[5, 6], closes_in: 28 },
    Klus { org: 7, title: "Trainer 'Grip op stress' voor teams",
        description: "Geef samen met onze vertrouwenspersoon drie korte sessies over werkdruk en veerkracht aan teams van de buitendienst.",
        hours: 4, period: Some((45, 105)), place: "on_site", location: Some("Raadhuis Krimpen aan den IJssel"),
        skills: &[("Veerkracht", true), ("Presenteren", true), ("Gesprekstechnieken", false)],
        places: 2, reach: "all", partners: &[], closes_in: 30 },
    Klus { org: 6, title: "Verandertraject klantcontactcentrum",
        description: "Het klantcontactcentrum gaat over op een nieuw telefoniesysteem en nieuwe werktijden. Help de teamleider het team mee te nemen in de verandering.",
        hours: 16, period: Some((60, 240)), place: "on_site", location: Some("Gemeentehuis Son en Breugel"),
        skills: &[("Veranderkunde", true), ("Coachend leidinggeven", false)],
        places: 1, reach: "own", partners: &[], closes_in: 20 },
    Klus { org: 5, title: "Privacyscan van de subsidieregelingen",
        description: "Loop met de functionaris gegevensbescherming de subsidieregelingen na: welke persoonsgegevens vragen we, waarom, en hoe lang bewaren we ze?",
        hours: 8, period: Some((-90, 7)), place: "hybrid", location: Some("Gemeentehuis Nuenen"),
        skills: &[("Privacy en informatieveiligheid", true), ("Schrijven in begrijpelijke taal", false)],
        places: 1, reach: "all", partners: &[], closes_in: 0 },
];

fn employees_of(plan: &Plan, org: usize, skip: &[usize]) -> impl Iterator<Item = usize> {
    plan.people
        .iter()
        .enumerate()
        .filter(move |(i, p)| p.org == org && p.job == Job::Employee && p.manager.is_some() && !skip.contains(i))
        .map(|(i, _)| i)
}

fn employee(id: (Uuid, Uuid)) -> Actor {
    Actor { person_id: id.0, organisation_id: id.1, roles: vec![] }
}

/// Post the demo's klussen and play their story. Returns how many klussen.
pub async fn seed(store: &Store, ids: &Ids<'_>, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let today: NaiveDate = now.with_timezone(&super::plan::TZ).date_naive();
    let personas = ids.plan.personas;
    let skip = [personas.employee, personas.manager, personas.organiser];
    let skill = |name: &str| ids.skills.get(name).copied().with_context(|| format!("demo skill {name}"));

    // Colleagues who opted in to be findable, with skills the klussen ask: three per
    // municipality, each with two skills they have and one they want.
    let names: Vec<&str> = ids.skills.keys().copied().collect();
    let mut sorted = names.clone();
    sorted.sort();
    for org in 0..ids.orgs.len() {
        for (n, i) in employees_of(ids.plan, org, &skip).take(3).enumerate() {
            let who = employee((ids.people)(i)?);
            let pick = |k: usize| skill(sorted[(org * 3 + n + k) % sorted.len()]);
            let lists = vec![(pick(0)?, SkillKind::Have), (pick(3)?, SkillKind::Have), (pick(6)?, SkillKind::Want)];
            leerweek_store::skills::mine::set_my_skills(store, &who, lists, now).await.context("demo skills")?;
            matching::set_profile(store, &who, Profile { findable: true, ..Default::default() }, now)
                .await
                .context("demo findability")?;
        }
    }
    // The employee persona has projectmatig werken and wants to learn the Omgevingswet.
    let persona = employee((ids.people)(personas.employee)?);
    let lists = vec![(skill("Projectmatig werken")?, SkillKind::Have), (skill("Omgevingswet")?, SkillKind::Want)];
    leerweek_store::skills::mine::set_my_skills(store, &persona, lists, now).await.context("persona skills")?;

    let mut posted = Vec::new();
    for k in KLUSSEN {
        let poster = ids.organisers.get(&k.org).with_context(|| format!("an organiser of organisation {}", k.org))?;
        let needs: Vec<(Uuid, bool)> =
            k.skills.iter().map(|(n, r)| skill(n).map(|s| (s, *r))).collect::<anyhow::Result<_>>()?;
        let raw = RawAssignment {
            title: Some(k.title),
            description: Some(k.description),
            organisation_id: Some(ids.orgs[k.org]),
            hours_per_week: Some(k.hours),
            starts_on: k.period.map(|p| today + Duration::days(p.0)),
            ends_on: k.period.map(|p| today + Duration::days(p.1)),
            place: Some(k.place),
            location: k.location,
            needs: Some(needs),
            places: Some(k.places),
            reach: Some(k.reach),
            partners: Some(k.partners.iter().map(|p| ids.orgs[*p]).collect()),
            closes_on: Some(today + Duration::days(k.closes_in)),
            ..Default::default()
        };
        let made = assignments::create(store, poster, raw, true, now)
            .await
            .with_context(|| format!("demo klus {}", k.title))?;
        posted.push((k, made.id, poster.clone()));
    }

    // Responses: people of the admitted municipalities, with a motivation.
    let motivations = [
        "Ik werk al een paar jaar met dit onderwerp en wil graag zien hoe het bij jullie gaat.",
        "Dit past bij wat ik wil leren; ik kan twee dagdelen per week vrijmaken.",
        "Bij ons heb ik iets vergelijkbaars opgezet. Ik denk graag mee.",
    ];
    let respond = |who: Actor, klus: Uuid, n: usize| async move {
        responses::respond(store, &who, klus, motivations[n % motivations.len()], vec![], now)
            .await
            .context("demo response")
    };
    // Projectondersteuning Omgevingswet: two from Nuenen, one from Drechterland.
    let (_, omgevingswet, _) = &posted[0];
    for (n, i) in employees_of(ids.plan, 5, &skip)
        .skip(3)
        .take(2)
        .chain(employees_of(ids.plan, 2, &skip).skip(3).take(1))
        .enumerate()
    {
        respond(employee((ids.people)(i)?), *omgevingswet, n).await?;
    }
    // Communicatie zomerdrukte: the employee persona responds and is selected; her manager
    // (the manager persona) is asked to consent.
    let (_, zomer, stede_broec) = &posted[1];
    let r = respond(persona.clone(), *zomer, 1).await?;
    responses::choose(store, stede_broec, r.id, Choice::Select, Some("Wat fijn dat je wilt helpen!"), now)
        .await
        .context("demo selection")?;
    // Trainer 'Grip op stress': one from Krimpen, one from Son en Breugel.
    let (_, stress, _) = &posted[3];
    for (n, i) in employees_of(ids.plan, 7, &skip)
        .skip(3)
        .take(1)
        .chain(employees_of(ids.plan, 6, &skip).skip(3).take(1))
        .enumerate()
    {
        respond(employee((ids.people)(i)?), *stress, n + 1).await?;
    }
    // Privacyscan (Nuenen): a colleague from Enkhuizen did it, with her manager's consent; done.
    let (_, privacy, nuenen) = &posted[5];
    let helper = employees_of(ids.plan, 1, &skip).nth(3).context("an Enkhuizen employee")?;
    let r = respond(employee((ids.people)(helper)?), *privacy, 2).await?;
    let chosen = responses::choose(store, nuenen, r.id, Choice::Select, None, now).await.context("demo selection")?;
    let manager = ids.plan.people[helper].manager.context("a manager")?;
    let (mid, morg) = (ids.people)(manager)?;
    let manager = Actor { person_id: mid, organisation_id: morg, roles: vec![Role::Manager] };
    let selection = chosen.selection.context("a selection")?.id;
    consent::decide(store, &manager, selection, true, None, Via::App, now).await.context("demo consent")?;
    let done = Change { state: Some(AssignmentState::Done), ..Default::default() };
    assignments::update(store, nuenen, *privacy, done, now).await.context("demo klus done")?;
    Ok(posted.len())
}
