//! The fixed material of the demo: organisations, departments, names and the workshop catalogue.

/// A participating organisation of the demo week.
pub struct OrgSpec {
    /// Its name as people know it.
    pub name: &'static str,
    /// Mail domain of its people (a reserved `.example` domain: demo mail never reaches anyone).
    pub domain: &'static str,
    /// Building where its on-site workshops take place.
    pub venue: &'static str,
    /// Town of that building.
    pub town: &'static str,
    /// People working there, managers and the organiser included.
    pub headcount: usize,
    /// Its departments; the first one named `HR` holds the organiser.
    pub departments: &'static [&'static str],
}

/// The SED municipalities and their shared service organisation, Dommelvallei, and Krimpen aan den IJssel.
pub const ORGANISATIONS: &[OrgSpec] = &[
    OrgSpec {
        name: "Stede Broec",
        domain: "stedebroec.example",
        venue: "Gemeentehuis Stede Broec",
        town: "Bovenkarspel",
        headcount: 170,
        departments: &["Burgerzaken", "Publiekszaken", "Ruimte", "Bestuursondersteuning", "HR"],
    },
    OrgSpec {
        name: "Enkhuizen",
        domain: "enkhuizen.example",
        venue: "Stadhuis Enkhuizen",
        town: "Enkhuizen",
        headcount: 190,
        departments: &["Burgerzaken", "Publiekszaken", "Ruimte", "Sociaal Domein", "HR", "Communicatie"],
    },
    OrgSpec {
        name: "Drechterland",
        domain: "drechterland.example",
        venue: "Gemeentehuis Drechterland",
        town: "Hoogkarspel",
        headcount: 150,
        departments: &["Burgerzaken", "Publiekszaken", "Ruimte", "HR"],
    },
    OrgSpec {
        name: "SED-organisatie",
        domain: "sed-organisatie.example",
        venue: "SED-kantoor",
        town: "Bovenkarspel",
        headcount: 430,
        departments: &[
            "Sociaal Domein",
            "Ruimte",
            "Bedrijfsvoering",
            "ICT",
            "Financiën",
            "HR",
            "Belastingen",
            "Openbare Ruimte",
        ],
    },
    OrgSpec {
        name: "Geldrop-Mierlo",
        domain: "geldrop-mierlo.example",
        venue: "Gemeentehuis Geldrop-Mierlo",
        town: "Geldrop",
        headcount: 340,
        departments: &[
            "Burgerzaken",
            "Sociaal Domein",
            "Ruimte",
            "Bedrijfsvoering",
            "Publiekszaken",
            "ICT",
            "Financiën",
            "HR",
        ],
    },
    OrgSpec {
        name: "Nuenen",
        domain: "nuenen.example",
        venue: "Gemeentehuis Nuenen",
        town: "Nuenen",
        headcount: 220,
        departments: &["Burgerzaken", "Sociaal Domein", "Ruimte", "Bedrijfsvoering", "Financiën", "HR"],
    },
    OrgSpec {
        name: "Son en Breugel",
        domain: "sonenbreugel.example",
        venue: "Gemeentehuis Son en Breugel",
        town: "Son",
        headcount: 170,
        departments: &["Burgerzaken", "Sociaal Domein", "Ruimte", "Bedrijfsvoering", "HR"],
    },
    OrgSpec {
        name: "Krimpen aan den IJssel",
        domain: "krimpenaandenijssel.example",
        venue: "Gemeentehuis Krimpen aan den IJssel",
        town: "Krimpen aan den IJssel",
        headcount: 330,
        departments: &[
            "Burgerzaken",
            "Sociaal Domein",
            "Ruimte",
            "Bedrijfsvoering",
            "Publiekszaken",
            "ICT",
            "Financiën",
            "HR",
        ],
    },
];

/// Index in [`ORGANISATIONS`] of the Dommelvallei municipalities, who share some workshops among themselves.
pub const DOMMELVALLEI: &[usize] = &[4, 5, 6];

/// Rooms of the venues.
pub const ROOMS: &[&str] =
    &["Raadzaal", "Trouwzaal", "Vergaderzaal 1", "Vergaderzaal 2", "Collegekamer", "Kantine", "Studio 0.12"];

/// Dutch first names.
#[rustfmt::skip]
pub const FIRST_NAMES: &[&str] = &[
    "Sanne", "Daan", "Emma", "Lucas", "Julia", "Sem", "Lotte", "Thijs", "Anouk", "Bram", "Fleur", "Jesse", "Lisa",
    "Ruben", "Eva", "Tim", "Sophie", "Lars", "Iris", "Niels", "Maud", "Koen", "Noor", "Joris", "Femke", "Stijn",
    "Marloes", "Wouter", "Esther", "Pieter", "Ingrid", "Henk", "Marieke", "Jeroen", "Annemiek", "Martijn", "Ellen",
    "Bas", "Linda", "Rob", "Petra", "Erik", "Monique", "Jan", "Karin", "Gerrit", "Wilma", "Kees", "Saskia", "Mark",
    "Yvonne", "Dennis", "Hanneke", "Arjen", "Mirjam", "Sander", "Nicole", "Frank", "Chantal", "Rik", "Joyce",
    "Mohamed", "Fatima", "Yusuf", "Samira", "Mehmet", "Ayşe", "Daniëlle", "Joëlle", "Zoë", "Renée", "Rogier",
    "Hester", "Teun", "Floor", "Gijs", "Marit", "Wessel", "Roos", "Hidde", "Tessa", "Jolanda", "Freek", "Nadia",
];

/// Dutch family names, with their particles where they have one.
#[rustfmt::skip]
pub const LAST_NAMES: &[&str] = &[
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
    "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten",
    "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam",
    "van der Wal", "Prins", "Blom", "Huisman", "Peeters", "de Kort", "Kuipers", "van Wijk", "Post", "Kuiper",
    "Veenstra", "Kramer", "van den Brink", "Scholten", "van Wijngaarden", "Groen", "Sarmo", "Yılmaz", "El Amrani",
    "Koç", "Tromp", "Appelman", "Schipper", "Roozendaal", "Zwaan", "Steur", "Sluis", "Weel",
];

/// Training bureaus that give workshops together with the municipalities' own people.
pub const BUREAUS: &[&str] = &[
    "Bureau Helder",
    "Academie West-Friesland",
    "Kempen Opleidingen",
    "Het Leerhuis",
    "Vitaal op het Werk",
    "Studio Beeldtaal",
    "Taalkracht",
    "Team Informatieveiligheid",
];

/// Format of a catalogued workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    /// On site.
    S,
    /// Online.
    O,
    /// Hybrid.
    H,
}

/// Who may come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aud {
    /// Everyone of the week.
    All,
    /// The host's own people.
    Host,
    /// The Dommelvallei municipalities.
    Dommelvallei,
}

/// A workshop of the catalogue: title, theme, description, format, minutes, audience.
pub struct WorkshopSpec {
    /// Title.
    pub title: &'static str,
    /// Theme.
    pub theme: &'static str,
    /// Description.
    pub description: &'static str,
    /// Format.
    pub format: Fmt,
    /// Length of one session.
    pub minutes: u32,
    /// Audience.
    pub audience: Aud,
}

const fn w(
    title: &'static str,
    theme: &'static str,
    description: &'static str,
    format: Fmt,
    minutes: u32,
    audience: Aud,
) -> WorkshopSpec {
    WorkshopSpec { title, theme, description, format, minutes, audience }
}

/// The catalogue of the Meester in je Werk-week.
#[rustfmt::skip]
pub const WORKSHOPS: &[WorkshopSpec] = &[
    // kennis
    w("Privacy en de AVG in de praktijk", "kennis", "Wat mag je wel en niet met persoonsgegevens van inwoners? Aan de hand van herkenbare situaties uit de gemeentelijke praktijk.", Fmt::H, 120, Aud::All),
    w("Informatieveiligheid: phishing herkennen", "kennis", "Hoe herken je een nepmail, een valse factuur of een verdacht telefoontje? Met een live demonstratie van een phishingaanval.", Fmt::O, 90, Aud::All),
    w("De Omgevingswet voor niet-juristen", "kennis", "Wat verandert er voor inwoners en ondernemers, en wat betekent dat voor jouw werk? Een heldere uitleg zonder juridisch jargon.", Fmt::S, 150, Aud::All),
    w("Wet open overheid (Woo): actief openbaar maken", "kennis", "Wat de Woo van je vraagt bij het opstellen, bewaren en openbaar maken van documenten.", Fmt::O, 90, Aud::All),
    w("Archiveren en informatiebeheer", "kennis", "Waar laat je je documenten zodat je collega's en je opvolger ze terugvinden? Over zaakgericht werken en bewaartermijnen.", Fmt::O, 90, Aud::All),
    w("Hoe werkt de gemeentebegroting?", "kennis", "Van kadernota tot jaarrekening: hoe de gemeente haar geld verdeelt en waar jij invloed hebt.", Fmt::S, 120, Aud::All),
    w("Integriteit: dilemma's uit de praktijk", "kennis", "Een cadeautje van een leverancier, een buurman aan de balie: in gesprek over lastige situaties.", Fmt::S, 120, Aud::All),
    w("Digitale toegankelijkheid van websites en documenten", "kennis", "Zo maak je pdf's, webteksten en formulieren die iedereen kan gebruiken, ook met een screenreader.", Fmt::O, 120, Aud::All),
    w("Kunstmatige intelligentie op het werk: kansen en risico's", "kennis", "Wat kun je met AI-assistenten, en wat juist niet als je met gegevens van inwoners werkt?", Fmt::H, 120, Aud::All),
    w("Inclusief werken en vooroordelen", "kennis", "Over onbewuste vooroordelen bij werving, dienstverlening en samenwerking, met oefeningen.", Fmt::S, 150, Aud::All),
    w("Armoede en schulden herkennen", "kennis", "Signalen herkennen bij inwoners en weten waar je naar kunt doorverwijzen.", Fmt::S, 120, Aud::All),
    w("De gemeenteraad van binnenuit", "kennis", "Hoe een raadsvoorstel tot stand komt en wat een raadslid van jouw stuk wil weten. Met een griffier.", Fmt::S, 90, Aud::Host),
    w("Werken met het zaaksysteem: tips en trucs", "kennis", "Slimmer zoeken, sjablonen gebruiken en zaken sneller afhandelen.", Fmt::O, 60, Aud::Host),
    // vaardigheden
    w("Tekenen voor beginners / visueel notuleren", "vaardigheden", "Leer met eenvoudige poppetjes, pijlen en kaders een vergadering of idee in beeld te brengen. Geen tekentalent nodig.", Fmt::S, 180, Aud::All),
    w("Schrijven in begrijpelijke taal (B1)", "vaardigheden", "Brieven en webteksten die iedere inwoner begrijpt. Neem een eigen tekst mee om te herschrijven.", Fmt::H, 150, Aud::All),
    w("Excel voor beginners", "vaardigheden", "Tabellen, formules en filters: de basis om met gegevens aan de slag te gaan.", Fmt::S, 180, Aud::All),
    w("Excel voor gevorderden: draaitabellen", "vaardigheden", "Draaitabellen, grafieken en verticaal zoeken voor wie al met Excel werkt.", Fmt::S, 180, Aud::All),
    w("Timemanagement en prioriteren", "vaardigheden", "Grip op je agenda, je mailbox en de vraag wat nu echt belangrijk is.", Fmt::O, 120, Aud::All),
    w("Feedback geven en ontvangen", "vaardigheden", "Oefenen met feedback die aankomt, ook als het spannend is. Met een trainingsacteur.", Fmt::S, 150, Aud::All),
    w("Presenteren met impact", "vaardigheden", "Je verhaal helder en overtuigend brengen voor een college, raad of zaal vol inwoners.", Fmt::S, 180, Aud::All),
    w("Omgaan met agressie aan de balie", "vaardigheden", "De-escaleren, grenzen stellen en nazorg, geoefend met realistische situaties aan balie en telefoon.", Fmt::S, 180, Aud::All),
    w("Lastige gesprekken aan de telefoon", "vaardigheden", "Rust bewaren en de inwoner helpen, ook als die boos of verdrietig is.", Fmt::O, 90, Aud::All),
    w("Effectief vergaderen", "vaardigheden", "Kortere vergaderingen met betere besluiten: voorbereiding, rollen en afspraken.", Fmt::O, 90, Aud::All),
    w("Onderhandelen met het Harvard-model", "vaardigheden", "Belangen in plaats van posities: onderhandelen met aannemers, partners en collega's.", Fmt::S, 180, Aud::All),
    w("Samenwerken in Teams en OneDrive", "vaardigheden", "Samen in documenten werken, kanalen inrichten en je bestanden op orde houden.", Fmt::O, 60, Aud::All),
    w("Projectmatig werken", "vaardigheden", "Van opdracht tot oplevering: fasering, risico's en een heldere projectopdracht.", Fmt::H, 150, Aud::All),
    w("Pitchen in drie minuten", "vaardigheden", "Je idee kort en krachtig presenteren aan een directeur of wethouder.", Fmt::S, 90, Aud::All),
    w("Social media voor de gemeente", "vaardigheden", "Berichten die gelezen worden, reageren op kritiek en wat je beter niet post.", Fmt::O, 90, Aud::All),
    w("Fotograferen met je telefoon", "vaardigheden", "Betere foto's voor nieuwsbrief, website en projectverslag.", Fmt::S, 120, Aud::All),
    w("Werken met data: dashboards in Power BI", "vaardigheden", "Van een Excellijst naar een overzichtelijk dashboard voor je team.", Fmt::O, 150, Aud::All),
    // talent
    w("Motivatie en zelfsturing", "talent", "Wat geeft jou energie in je werk, en hoe neem je zelf de regie?", Fmt::S, 150, Aud::All),
    w("Ontdek je talenten", "talent", "Met de talentenspiegel van collega's zie je waar je goed in bent en waar je blij van wordt.", Fmt::S, 180, Aud::All),
    w("Loopbaan: waar wil jij over vijf jaar staan?", "talent", "Een eerste stap naar je loopbaanplan, met een loopbaancoach.", Fmt::H, 120, Aud::All),
    w("Netwerken voor introverten", "talent", "Op je eigen manier contacten leggen, binnen en buiten de gemeente.", Fmt::S, 120, Aud::All),
    w("Creatief denken", "talent", "Technieken om vastgelopen vraagstukken anders te bekijken en nieuwe ideeën te vinden.", Fmt::S, 150, Aud::All),
    w("Improvisatietheater: ja, en...", "talent", "Spelenderwijs leren inspelen op het onverwachte. Gegarandeerd lachen.", Fmt::S, 120, Aud::All),
    w("Mentor worden van een nieuwe collega", "talent", "Wat heeft een nieuwe collega nodig om snel zijn weg te vinden?", Fmt::O, 90, Aud::All),
    w("Kijkje in de keuken: een dag meelopen", "talent", "Kennismaken met het werk van een collega in een andere gemeente van de regio.", Fmt::S, 240, Aud::All),
    w("Dommelvallei: samenwerken in de regio", "talent", "Collega's uit Geldrop-Mierlo, Nuenen en Son en Breugel leren elkaars werk en gezichten kennen.", Fmt::S, 150, Aud::Dommelvallei),
    w("Persoonlijk leiderschap", "talent", "Keuzes maken vanuit wat jij belangrijk vindt, ook onder druk.", Fmt::S, 150, Aud::All),
    w("Stem en uitstraling", "talent", "Met je stem en houding meer overtuigingskracht, in gesprek en op het podium.", Fmt::S, 120, Aud::All),
    w("Schrijfworkshop: je eigen verhaal", "talent", "Over je werk schrijven voor intranet, blog of nieuwsbrief.", Fmt::H, 120, Aud::All),
    // vitaliteit
    w("Grip op stress", "vitaliteit", "Herken je stresssignalen en leer wat je zelf kunt doen om in balans te blijven.", Fmt::H, 120, Aud::All),
    w("Mindfulness op het werk", "vitaliteit", "Korte oefeningen om je aandacht te richten en rustig te blijven bij drukte.", Fmt::O, 60, Aud::All),
    w("Duurzame inzetbaarheid", "vitaliteit", "Gezond, met plezier en productief werken, nu en over tien jaar.", Fmt::S, 120, Aud::All),
    w("Gezond thuiswerken", "vitaliteit", "Een goede werkplek, pauzes en grenzen tussen werk en privé.", Fmt::O, 60, Aud::All),
    w("Slaap je fit", "vitaliteit", "Wat slaap met je werk doet en hoe je beter slaapt.", Fmt::O, 90, Aud::All),
    w("Wandelcoaching: in beweging in het Streekbos", "vitaliteit", "Een coachende wandeling met collega's uit de regio.", Fmt::S, 120, Aud::All),
    w("Bootcamp in de pauze", "vitaliteit", "Een uur buiten sporten onder begeleiding, voor elk niveau.", Fmt::S, 60, Aud::All),
    w("Gezonde voeding en energie", "vitaliteit", "Wat je eet en drinkt en hoe je je middagdip voorkomt.", Fmt::O, 60, Aud::All),
    w("Mantelzorg en werk combineren", "vitaliteit", "Regelingen, afspraken met je leidinggevende en zorgen voor jezelf.", Fmt::O, 90, Aud::All),
    w("Veerkracht na verandering", "vitaliteit", "Omgaan met reorganisaties, nieuwe systemen en nieuwe collega's.", Fmt::S, 120, Aud::All),
    w("Ergonomie: goed zitten, goed werken", "vitaliteit", "Je werkplek instellen en klachten voorkomen, met een fysiotherapeut.", Fmt::S, 60, Aud::Host),
    // leiderschap
    w("Coachend leiderschap", "leiderschap", "Medewerkers laten groeien door vragen te stellen in plaats van antwoorden te geven.", Fmt::S, 180, Aud::All),
    w("Intervisie voor leidinggevenden", "leiderschap", "Met collega-leidinggevenden uit de regio werken aan een eigen casus.", Fmt::S, 150, Aud::All),
    w("Leidinggeven op afstand", "leiderschap", "Verbinding en vertrouwen houden als je team hybride werkt.", Fmt::O, 90, Aud::All),
    w("Het goede gesprek: ontwikkelgesprekken voeren", "leiderschap", "Gesprekken over ontwikkeling, ambitie en welzijn in plaats van een afvinklijst.", Fmt::H, 120, Aud::All),
    w("Verzuim bespreekbaar maken", "leiderschap", "Vroeg signaleren en het gesprek aangaan, met de bedrijfsarts.", Fmt::S, 120, Aud::All),
    w("Verandermanagement", "leiderschap", "Veranderingen zo inrichten dat je team ze draagt.", Fmt::S, 150, Aud::All),
    w("Besluiten nemen in onzekerheid", "leiderschap", "Knopen doorhakken als niet alle informatie er is.", Fmt::O, 90, Aud::All),
    w("Teamontwikkeling met Lencioni", "leiderschap", "Vertrouwen, conflicten en verantwoordelijkheid in je team.", Fmt::S, 180, Aud::All),
    w("Politiek-bestuurlijke sensitiviteit", "leiderschap", "Aanvoelen wat er speelt tussen college, raad en organisatie.", Fmt::H, 120, Aud::All),
];

/// The demo's skills (Dutch, English) and the workshops that teach them, by title. Not linked
/// to ESCO: an admin does that from an uploaded ESCO file.
#[rustfmt::skip]
pub const SKILLS: &[(&str, &str, &[&str])] = &[
    ("Privacy en informatieveiligheid", "Privacy and information security", &["Privacy en de AVG in de praktijk", "Informatieveiligheid: phishing herkennen", "Kunstmatige intelligentie op het werk: kansen en risico's"]),
    ("Schrijven in begrijpelijke taal", "Writing in plain language", &["Schrijven in begrijpelijke taal (B1)", "Schrijfworkshop: je eigen verhaal", "Digitale toegankelijkheid van websites en documenten", "Social media voor de gemeente"]),
    ("Werken met data", "Working with data", &["Excel voor beginners", "Excel voor gevorderden: draaitabellen", "Werken met data: dashboards in Power BI"]),
    ("Gesprekstechnieken", "Conversation skills", &["Feedback geven en ontvangen", "Omgaan met agressie aan de balie", "Lastige gesprekken aan de telefoon", "Onderhandelen met het Harvard-model", "Het goede gesprek: ontwikkelgesprekken voeren"]),
    ("Presenteren", "Presenting", &["Presenteren met impact", "Pitchen in drie minuten", "Stem en uitstraling"]),
    ("Projectmatig werken", "Project work", &["Projectmatig werken", "Effectief vergaderen", "Timemanagement en prioriteren"]),
    ("Coachend leidinggeven", "Coaching leadership", &["Coachend leiderschap", "Intervisie voor leidinggevenden", "Leidinggeven op afstand", "Het goede gesprek: ontwikkelgesprekken voeren", "Mentor worden van een nieuwe collega"]),
    ("Omgevingswet", "Environment and Planning Act", &["De Omgevingswet voor niet-juristen"]),
    ("Veerkracht", "Resilience", &["Grip op stress", "Mindfulness op het werk", "Veerkracht na verandering", "Duurzame inzetbaarheid"]),
    ("Veranderkunde", "Leading change", &["Verandermanagement", "Teamontwikkeling met Lencioni", "Besluiten nemen in onzekerheid"]),
];

/// Session start times (Europe/Amsterdam), hours and minutes.
pub const STARTS: &[(u32, u32)] = &[(9, 0), (9, 30), (10, 0), (11, 0), (13, 0), (13, 30), (14, 0), (15, 0)];
