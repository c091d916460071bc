//! The demo's plan: pure and deterministic (a fixed seed, no clock but the `now` it is given).

use super::data::{Aud, BUREAUS, DOMMELVALLEI, FIRST_NAMES, Fmt, LAST_NAMES, ORGANISATIONS, ROOMS, STARTS, WORKSHOPS};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The seed of the generator: the same names every time.
pub const SEED: u64 = 0x4c65_6572_7765_656b; // "Leerweek"

/// E-mail of the demo administrator.
pub const ADMIN_EMAIL: &str = "beheer@leerweek.example";
/// Name of the demo administrator.
pub const ADMIN_NAME: &str = "Demo Beheerder";
/// Most sessions one person may hold in the demo week.
pub const MAX_ENROLMENTS_PER_PERSON: u32 = 4;
/// Enrolments the generator aims for.
pub const TARGET_ENROLMENTS: usize = 400;

/// The week's time zone.
pub const TZ: Tz = chrono_tz::Europe::Amsterdam;

/// A small deterministic generator (SplitMix64): the demo must not change with a dependency's version.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// True with `percent` per cent chance.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Monday and Friday of the third full week of November of `year` (the week of its third Monday).
pub fn third_week_of_november(year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 11, 1).unwrap_or_default();
    let to_monday = (7 - first.weekday().num_days_from_monday()) % 7;
    let monday = first + Days::new(u64::from(to_monday) + 14);
    (monday, monday + Days::new(4))
}

/// An instant from a day and a wall-clock time in Amsterdam.
pub fn local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let naive = day.and_hms_opt(hour, minute, 0).unwrap_or_default();
    // November hours in Amsterdam are never ambiguous or skipped; the fallback is for completeness.
    TZ.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| naive.and_utc())
}

/// The dates of the demo week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoWeek {
    /// Monday.
    pub monday: NaiveDate,
    /// Friday.
    pub friday: NaiveDate,
    /// Enrolment opens a day before `now`, so it is open while you look.
    pub enrolment_opens_at: DateTime<Utc>,
    /// Enrolment closes the Friday before the week, 17:00 in Amsterdam.
    pub enrolment_closes_at: DateTime<Utc>,
}

/// This year's third week of November, or next year's when its enrolment would close within a
/// day (so enrolment is always open in a fresh demo).
pub fn demo_week(now: DateTime<Utc>) -> DemoWeek {
    let this_year = now.with_timezone(&TZ).year();
    let week = |year: i32| {
        let (monday, friday) = third_week_of_november(year);
        DemoWeek {
            monday,
            friday,
            enrolment_opens_at: now - Duration::days(1),
            enrolment_closes_at: local(monday - Days::new(3), 17, 0),
        }
    };
    let current = week(this_year);
    if current.enrolment_closes_at > now + Duration::days(1) { current } else { week(this_year + 1) }
}

/// What a planned person does besides taking part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// An employee.
    Employee,
    /// Head of a department (manager role).
    Manager,
    /// HR/P&O organiser of the week for their organisation (organiser role).
    Organiser,
}

/// A person of the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPerson {
    /// Unique address.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Index in the organisations.
    pub org: usize,
    /// Department.
    pub department: &'static str,
    /// Index of their manager.
    pub manager: Option<usize>,
    /// Their role in the week.
    pub job: Job,
}

/// The people whose tokens the demo prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Personas {
    /// An employee of Enkhuizen.
    pub employee: usize,
    /// Her manager.
    pub manager: usize,
    /// The organiser of her municipality.
    pub organiser: usize,
}

/// Lower-case ASCII letters and digits of a name, for e-mail addresses.
pub fn mail_part(name: &str) -> String {
    name.chars()
        .flat_map(|c| c.to_lowercase())
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            'à' | 'á' | 'â' | 'ä' => Some('a'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ı' => Some('i'),
            'ò' | 'ó' | 'ô' | 'ö' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            'ş' => Some('s'),
            'ğ' => Some('g'),
            _ => None,
        })
        .collect()
}

/// Everyone of the demo, in a fixed order, with the personas.
pub fn plan_people(rng: &mut Rng) -> (Vec<PlannedPerson>, Personas) {
    let mut out: Vec<PlannedPerson> = Vec::with_capacity(2100);
    let mut emails: HashSet<String> = HashSet::new();
    let mut new_person = |rng: &mut Rng,
                          org: usize,
                          department: &'static str,
                          manager: Option<usize>,
                          job: Job,
                          out: &mut Vec<PlannedPerson>| {
        let first = *rng.pick(FIRST_NAMES);
        let last = *rng.pick(LAST_NAMES);
        let base = format!("{}.{}", mail_part(first), mail_part(last));
        let mut email = format!("{base}@{}", ORGANISATIONS[org].domain);
        let mut n = 2;
        while !emails.insert(email.clone()) {
            email = format!("{base}{n}@{}", ORGANISATIONS[org].domain);
            n += 1;
        }
        out.push(PlannedPerson { email, name: format!("{first} {last}"), org, department, manager, job });
        out.len() - 1
    };
    let mut personas = None;
    for (org, spec) in ORGANISATIONS.iter().enumerate() {
        let managers: Vec<usize> =
            spec.departments.iter().map(|d| new_person(rng, org, d, None, Job::Manager, &mut out)).collect();
        let hr = spec.departments.iter().position(|d| *d == "HR").unwrap_or(0);
        let organiser = new_person(rng, org, spec.departments[hr], Some(managers[hr]), Job::Organiser, &mut out);
        let employees = spec.headcount.saturating_sub(managers.len() + 1);
        for i in 0..employees {
            // Every department gets people; the rest spread at random.
            let d = if i < spec.departments.len() { i } else { rng.below(spec.departments.len()) };
            let id = new_person(rng, org, spec.departments[d], Some(managers[d]), Job::Employee, &mut out);
            if org == 1 && personas.is_none() {
                personas = Some(Personas { employee: id, manager: managers[d], organiser });
            }
        }
    }
    let personas = personas.unwrap_or(Personas { employee: 0, manager: 0, organiser: 0 });
    (out, personas)
}

/// A planned session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSession {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Seats.
    pub capacity: u32,
    /// Venue, for on-site and hybrid.
    pub venue: Option<String>,
    /// Room.
    pub room: Option<String>,
    /// Town.
    pub address: Option<String>,
    /// Link, for online and hybrid.
    pub online_url: Option<String>,
    /// Seats kept for one organisation until a release time.
    pub quota: Option<(usize, u32, DateTime<Utc>)>,
}

/// A planned workshop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedWorkshop {
    /// Index in the catalogue.
    pub spec: usize,
    /// Host organisation.
    pub host: usize,
    /// Trainer.
    pub trainer: String,
    /// Its sessions.
    pub sessions: Vec<PlannedSession>,
}

impl PlannedWorkshop {
    /// Whether someone of organisation `org` may enrol.
    pub fn admits(&self, org: usize) -> bool {
        match WORKSHOPS[self.spec].audience {
            Aud::All => true,
            Aud::Host => org == self.host,
            Aud::Dommelvallei => DOMMELVALLEI.contains(&org),
        }
    }
}

/// Titles of the sessions that fill up, each with how many more people than seats want in.
pub const POPULAR: &[(&str, u32, u32)] = &[
    ("Tekenen voor beginners / visueel notuleren", 10, 4),
    ("Grip op stress", 12, 6),
    ("Omgaan met agressie aan de balie", 12, 3),
    ("Coachend leiderschap", 10, 5),
];

fn slug(title: &str) -> String {
    let mut s = String::new();
    for word in title.split(|c: char| !c.is_alphanumeric()) {
        let w = mail_part(word);
        if !w.is_empty() {
            if !s.is_empty() {
                s.push('-');
            }
            s.push_str(&w);
        }
    }
    s
}

/// The programme of the week.
pub fn plan_workshops(rng: &mut Rng, week: &DemoWeek, now: DateTime<Utc>) -> Vec<PlannedWorkshop> {
    let mut out = Vec::with_capacity(WORKSHOPS.len());
    let quota_release = {
        let week_before = week.enrolment_closes_at - Duration::days(7);
        if week_before > now { week_before } else { now + (week.enrolment_closes_at - now) / 2 }
    };
    for (i, spec) in WORKSHOPS.iter().enumerate() {
        let host = match spec.audience {
            Aud::Dommelvallei => *rng.pick(DOMMELVALLEI),
            _ => (i * 5 + rng.below(2)) % ORGANISATIONS.len(),
        };
        let trainer = {
            let name = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
            if rng.chance(55) { format!("{name} ({})", rng.pick(BUREAUS)) } else { name }
        };
        let count = match rng.below(10) {
            0..=3 => 1,
            4..=7 => 2,
            _ => 3,
        };
        let mut days: Vec<u64> = (0..5).collect();
        for k in (1..days.len()).rev() {
            days.swap(k, rng.below(k + 1));
        }
        let popular = POPULAR.iter().find(|p| p.0 == spec.title);
        let mut sessions = Vec::with_capacity(count);
        for (n, day) in days.iter().take(count).enumerate() {
            let date = week.monday + Days::new(*day);
            let fits: Vec<(u32, u32)> =
                STARTS.iter().copied().filter(|(h, m)| h * 60 + m + spec.minutes <= 17 * 60).collect();
            let (h, m) = *rng.pick(&fits);
            let starts_at = local(date, h, m);
            let ends_at = starts_at + Duration::minutes(i64::from(spec.minutes));
            let mut capacity = match spec.format {
                Fmt::S => rng.between(8, 24),
                Fmt::O => rng.between(15, 40),
                Fmt::H => rng.between(12, 30),
            };
            let org = &ORGANISATIONS[host];
            let on_site = matches!(spec.format, Fmt::S | Fmt::H);
            let online = matches!(spec.format, Fmt::O | Fmt::H);
            let mut quota =
                (on_site && capacity >= 16 && rng.chance(30)).then_some((host, capacity / 4, quota_release));
            if let (Some(p), 0) = (popular, n) {
                capacity = p.1;
                quota = None;
            }
            sessions.push(PlannedSession {
                starts_at,
                ends_at,
                capacity,
                venue: on_site.then(|| org.venue.to_owned()),
                room: on_site.then(|| (*rng.pick(ROOMS)).to_owned()),
                address: on_site.then(|| org.town.to_owned()),
                online_url: online.then(|| format!("https://meet.leerweek.example/{}-{}", slug(spec.title), n + 1)),
                quota,
            });
        }
        // The popular session stays first; the others follow by time.
        let keep = usize::from(popular.is_some());
        sessions[keep..].sort_by_key(|s| s.starts_at);
        out.push(PlannedWorkshop { spec: i, host, trainer, sessions });
    }
    out
}

/// One enrolment to make: person, workshop, session (indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedEnrolment {
    /// Index of the person.
    pub person: usize,
    /// Index of the workshop.
    pub workshop: usize,
    /// Index of the session within the workshop.
    pub session: usize,
}

/// Enrolments that keep every rule: popular sessions overfilled first (a waiting list), then the
/// persona's, then people at random. Ordered as they are to be made.
pub fn plan_enrolments(
    rng: &mut Rng,
    people: &[PlannedPerson],
    personas: Personas,
    workshops: &[PlannedWorkshop],
) -> Vec<PlannedEnrolment> {
    let mut out: Vec<PlannedEnrolment> = Vec::new();
    let mut agenda: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    let fits = |agenda: &HashMap<usize, Vec<(usize, usize)>>, p: usize, w: usize, s: usize| {
        let mine = agenda.get(&p).map(Vec::as_slice).unwrap_or(&[]);
        let this = &workshops[w].sessions[s];
        workshops[w].admits(people[p].org)
            && mine.len() < MAX_ENROLMENTS_PER_PERSON as usize
            && mine.iter().all(|&(ow, os)| {
                let o = &workshops[ow].sessions[os];
                ow != w && (o.ends_at <= this.starts_at || this.ends_at <= o.starts_at)
            })
    };
    fn add(
        out: &mut Vec<PlannedEnrolment>,
        agenda: &mut HashMap<usize, Vec<(usize, usize)>>,
        person: usize,
        workshop: usize,
        session: usize,
    ) {
        agenda.entry(person).or_default().push((workshop, session));
        out.push(PlannedEnrolment { person, workshop, session });
    }
    let reserved = [personas.employee, personas.manager, personas.organiser];
    let mut next_fresh = 0usize;
    let mut fresh = |agenda: &HashMap<usize, Vec<(usize, usize)>>| loop {
        let p = next_fresh * 7 % people.len();
        next_fresh += 1;
        if !reserved.contains(&p) && !agenda.contains_key(&p) {
            return p;
        }
    };
    for (title, seats, extra) in POPULAR {
        let Some(w) = workshops.iter().position(|w| WORKSHOPS[w.spec].title == *title) else { continue };
        for _ in 0..seats + extra {
            let p = fresh(&agenda);
            if fits(&agenda, p, w, 0) {
                add(&mut out, &mut agenda, p, w, 0);
            }
        }
    }
    // The employee persona is on one waiting list and has a confirmed seat elsewhere.
    let e = personas.employee;
    if let Some(w) = workshops.iter().position(|w| WORKSHOPS[w.spec].title == POPULAR[0].0)
        && fits(&agenda, e, w, 0)
    {
        add(&mut out, &mut agenda, e, w, 0);
    }
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (w, ws) in workshops.iter().enumerate() {
        for s in 0..ws.sessions.len() {
            if !(s == 0 && POPULAR.iter().any(|p| p.0 == WORKSHOPS[ws.spec].title)) {
                candidates.push((w, s));
            }
        }
    }
    if let Some(&(w, s)) = candidates.iter().find(|&&(w, s)| fits(&agenda, e, w, s)) {
        add(&mut out, &mut agenda, e, w, s);
    }
    let all: Vec<(usize, usize)> =
        workshops.iter().enumerate().flat_map(|(w, ws)| (0..ws.sessions.len()).map(move |s| (w, s))).collect();
    let mut attempts = 0;
    while out.len() < TARGET_ENROLMENTS && attempts < TARGET_ENROLMENTS * 20 {
        attempts += 1;
        let p = rng.below(people.len());
        if reserved.contains(&p) {
            continue;
        }
        let (w, s) = *rng.pick(&all);
        if fits(&agenda, p, w, s) {
            add(&mut out, &mut agenda, p, w, s);
        }
    }
    out
}

/// The whole demo: people, programme and enrolments.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The week.
    pub week: DemoWeek,
    /// Everyone.
    pub people: Vec<PlannedPerson>,
    /// Whose tokens to print.
    pub personas: Personas,
    /// The programme.
    pub workshops: Vec<PlannedWorkshop>,
    /// Enrolments, in order.
    pub enrolments: Vec<PlannedEnrolment>,
}

/// Plan the demo for a given moment. People do not depend on `now`; dates do.
pub fn plan(now: DateTime<Utc>) -> Plan {
    let mut rng = Rng::new(SEED);
    let week = demo_week(now);
    let (people, personas) = plan_people(&mut rng);
    let workshops = plan_workshops(&mut rng, &week, now);
    let enrolments = plan_enrolments(&mut rng, &people, personas, &workshops);
    Plan { week, people, personas, workshops, enrolments }
}

/// Name of the demo event.
pub fn event_name(week: &DemoWeek) -> String {
    format!("Meester in je Werk-week {}", week.monday.year())
}

/// A ready bearer token for one persona.
#[derive(Debug, Clone)]
pub struct PersonaToken {
    /// `medewerker`, `organisator`, `manager`, `beheerder`.
    pub role: &'static str,
    /// Their name.
    pub name: String,
    /// Their organisation.
    pub organisation: String,
    /// Their e-mail.
    pub email: String,
    /// The token.
    pub token: String,
}

/// What seeding did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The event, when this run created it.
    pub event_id: Option<Uuid>,
    /// Its name.
    pub event_name: String,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Organisations created.
    pub organisations: usize,
    /// People created.
    pub people: usize,
    /// Workshops created.
    pub workshops: usize,
    /// Sessions created.
    pub sessions: usize,
    /// Confirmed enrolments.
    pub confirmed: usize,
    /// Waitlisted enrolments.
    pub waitlisted: usize,
    /// Planned enrolments the store refused (should be none).
    pub refused: usize,
    /// Klussen posted in the Klussenbank.
    pub assignments: usize,
    /// Tokens to print.
    pub tokens: Vec<PersonaToken>,
    /// How long it took.
    pub elapsed: std::time::Duration,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;
    use leerweek_domain::text::{EmailAddress, Name, Title};

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn the_week_is_the_third_full_week_of_november_monday_to_friday() {
        for year in 2020..2040 {
            let (mon, fri) = third_week_of_november(year);
            assert_eq!(mon.weekday(), Weekday::Mon);
            assert_eq!(fri.weekday(), Weekday::Fri);
            assert_eq!(fri - mon, Duration::days(4));
            assert_eq!(mon.month(), 11);
            // Two full Monday-to-Sunday weeks of November lie before it, and no third one.
            assert!((15..=21).contains(&mon.day()), "{mon}");
        }
        assert_eq!(third_week_of_november(2026), (ymd(2026, 11, 16), ymd(2026, 11, 20)));
        assert_eq!(third_week_of_november(2027), (ymd(2027, 11, 15), ymd(2027, 11, 19)));
        assert_eq!(third_week_of_november(2025), (ymd(2025, 11, 17), ymd(2025, 11, 21)));
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn enrolment_is_open_now_and_closes_the_friday_before_the_week() {
        for now in [at(2026, 1, 5), at(2026, 11, 1), at(2026, 11, 12), at(2026, 11, 22), at(2026, 12, 31)] {
            let w = demo_week(now);
            assert!(w.enrolment_opens_at < now && now < w.enrolment_closes_at, "{now}: {w:?}");
            let closes = w.enrolment_closes_at.with_timezone(&TZ);
            assert_eq!(closes.weekday(), Weekday::Fri);
            assert_eq!(closes.date_naive(), w.monday - Days::new(3));
            assert_eq!(closes.format("%H:%M").to_string(), "17:00");
        }
    }

    #[test]
    fn a_week_that_has_passed_moves_to_next_year() {
        assert_eq!(demo_week(at(2026, 6, 1)).monday, ymd(2026, 11, 16));
        assert_eq!(demo_week(at(2026, 11, 22)).monday, ymd(2027, 11, 15));
        // The Friday before the week: enrolment would close within a day, so next year.
        assert_eq!(demo_week(at(2026, 11, 13)).monday, ymd(2027, 11, 15));
    }

    #[test]
    fn the_same_seed_gives_the_same_names() {
        let now = at(2026, 11, 22);
        let (a, pa) = plan_people(&mut Rng::new(SEED));
        let (b, pb) = plan_people(&mut Rng::new(SEED));
        assert_eq!(a, b);
        assert_eq!(pa, pb);
        assert_eq!(plan(now).enrolments, plan(now).enrolments);
        let (c, _) = plan_people(&mut Rng::new(SEED + 1));
        assert_ne!(a, c);
    }

    #[test]
    fn about_two_thousand_people_with_unique_valid_addresses_and_a_manager_per_department() {
        let (people, personas) = plan_people(&mut Rng::new(SEED));
        assert_eq!(people.len(), ORGANISATIONS.iter().map(|o| o.headcount).sum::<usize>());
        assert!((1900..=2100).contains(&people.len()));
        let emails: HashSet<&str> = people.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(emails.len(), people.len());
        for p in &people {
            EmailAddress::parse(&p.email).unwrap();
            Name::parse(&p.name).unwrap();
            assert!(p.email.ends_with(".example"), "{}", p.email);
            if let Some(m) = p.manager {
                assert_eq!(people[m].job, Job::Manager);
                assert_eq!((people[m].org, people[m].department), (p.org, p.department));
            }
        }
        for (org, spec) in ORGANISATIONS.iter().enumerate() {
            let managers = people.iter().filter(|p| p.org == org && p.job == Job::Manager).count();
            let organisers = people.iter().filter(|p| p.org == org && p.job == Job::Organiser).count();
            assert_eq!(managers, spec.departments.len(), "{}", spec.name);
            assert_eq!(organisers, 1, "{}", spec.name);
        }
        assert_eq!(people[personas.employee].job, Job::Employee);
        assert_eq!(people[personas.employee].manager, Some(personas.manager));
        assert_eq!(people[personas.organiser].job, Job::Organiser);
        assert_eq!(ORGANISATIONS[people[personas.employee].org].name, "Enkhuizen");
    }

    #[test]
    fn addresses_are_plain_ascii() {
        assert_eq!(mail_part("van den Berg"), "vandenberg");
        assert_eq!(mail_part("Joëlle"), "joelle");
        assert_eq!(mail_part("Yılmaz"), "yilmaz");
        assert_eq!(mail_part("Ayşe Koç"), "aysekoc");
    }

    #[test]
    fn sixty_workshops_with_sessions_inside_office_hours_and_valid_places() {
        let now = at(2026, 11, 22);
        let p = plan(now);
        assert!((55..=65).contains(&p.workshops.len()));
        let themes: HashSet<&str> = p.workshops.iter().map(|w| WORKSHOPS[w.spec].theme).collect();
        for t in ["kennis", "vaardigheden", "talent", "vitaliteit", "leiderschap"] {
            assert!(themes.contains(t), "{t}");
        }
        let hosts: HashSet<usize> = p.workshops.iter().map(|w| w.host).collect();
        assert!(hosts.len() >= 6, "workshops are hosted by various municipalities");
        let mut quotas = 0;
        for w in &p.workshops {
            let spec = &WORKSHOPS[w.spec];
            assert!((1..=3).contains(&w.sessions.len()));
            Title::parse(spec.title).unwrap();
            for s in &w.sessions {
                let (a, b) = (s.starts_at.with_timezone(&TZ), s.ends_at.with_timezone(&TZ));
                assert!(a.date_naive() >= p.week.monday && a.date_naive() <= p.week.friday);
                assert_eq!(a.date_naive(), b.date_naive());
                assert!(a.format("%H:%M").to_string().as_str() >= "09:00");
                assert!(b.format("%H:%M").to_string().as_str() <= "17:00");
                assert!((8..=40).contains(&s.capacity));
                assert!(s.starts_at > p.week.enrolment_closes_at);
                match spec.format {
                    Fmt::S => assert!(s.venue.is_some() && s.online_url.is_none()),
                    Fmt::O => assert!(s.venue.is_none() && s.online_url.is_some()),
                    Fmt::H => assert!(s.venue.is_some() && s.online_url.is_some()),
                }
                if let Some((org, seats, release)) = s.quota {
                    quotas += 1;
                    assert_eq!(org, w.host);
                    assert!(seats >= 1 && seats <= s.capacity);
                    assert!(release > now && release < p.week.enrolment_closes_at);
                }
            }
        }
        assert!(quotas >= 2, "a few sessions keep seats for their host ({quotas})");
    }

    #[test]
    fn enrolments_keep_the_rules_and_overfill_the_popular_sessions() {
        let p = plan(at(2026, 11, 22));
        assert!((300..=TARGET_ENROLMENTS).contains(&p.enrolments.len()), "{}", p.enrolments.len());
        let mut per_person: HashMap<usize, Vec<&PlannedEnrolment>> = HashMap::new();
        for e in &p.enrolments {
            assert!(p.workshops[e.workshop].admits(p.people[e.person].org));
            per_person.entry(e.person).or_default().push(e);
        }
        for list in per_person.values() {
            assert!(list.len() <= MAX_ENROLMENTS_PER_PERSON as usize);
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    let (x, y) =
                        (&p.workshops[a.workshop].sessions[a.session], &p.workshops[b.workshop].sessions[b.session]);
                    assert!(x.ends_at <= y.starts_at || y.ends_at <= x.starts_at, "overlap for one person");
                }
            }
        }
        for (title, seats, extra) in POPULAR {
            let w = p.workshops.iter().position(|w| WORKSHOPS[w.spec].title == *title).unwrap();
            assert_eq!(p.workshops[w].sessions[0].capacity, *seats);
            let wanted = p.enrolments.iter().filter(|e| e.workshop == w && e.session == 0).count() as u32;
            assert!(wanted > *seats, "{title}: {wanted} for {seats} seats");
            let _ = extra;
        }
        let mine = per_person.get(&p.personas.employee).map(Vec::len).unwrap_or(0);
        assert_eq!(mine, 2, "the employee persona has an agenda");
    }

    #[test]
    fn every_demo_skill_is_taught_by_workshops_of_the_catalogue() {
        for (nl, _, titles) in super::super::data::SKILLS {
            assert!(!titles.is_empty(), "{nl}");
            for t in *titles {
                assert!(WORKSHOPS.iter().any(|w| w.title == *t), "{nl}: no workshop {t:?}");
            }
        }
    }
}
