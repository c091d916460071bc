//! Renders 200 certificates with different names and prints the wall time, then writes samples
//! to /tmp: certificate-nl.pdf, certificate-en.pdf, portfolio-nl.pdf (40 sessions), and
//! certificate-long.pdf (every field far too long) and certificate-mixed.pdf (scripts, emoji)
//! to look at.
//!
//!     cargo run --release -p leerweek-certificate --example render_200

use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveTime};
use leerweek_certificate::{
    Certificate, Language, Portfolio, Section, SessionRow, render_certificate, render_portfolio,
};

fn sample(language: Language, name: &str) -> Certificate {
    let (workshop, skills) = match language {
        Language::Nl => (
            "Omgaan met agressie aan de balie",
            vec!["Deëscaleren".to_string(), "Grenzen stellen".to_string(), "Samenwerken".to_string()],
        ),
        Language::En => (
            "Dealing with aggression at the counter",
            vec!["De-escalation".to_string(), "Setting boundaries".to_string(), "Collaboration".to_string()],
        ),
    };
    Certificate {
        language,
        person_name: name.to_string(),
        workshop_title: workshop.to_string(),
        session_date: NaiveDate::from_ymd_opt(2026, 11, 12).unwrap(),
        starts: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        ends: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        minutes: 150,
        skills,
        host_organisation: "Gemeente Enkhuizen".to_string(),
        trainer: Some("Zoë Çelik".to_string()),
        event_name: "Meester in je Werk-week 2026".to_string(),
        verification_code: "K7QF-2M9X-C4TD".to_string(),
        verification_url: "https://leerweek.example.nl/verificatie/K7QF2M9XC4TD".to_string(),
        issued_on: NaiveDate::from_ymd_opt(2026, 11, 13).unwrap(),
        installation_name: "Leerweek SED".to_string(),
    }
}

fn portfolio() -> Portfolio {
    let day = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
    let sessions = (0..40)
        .map(|i| SessionRow {
            date: day + Duration::days(i * 17),
            workshop: format!(
                "Workshop {i}: {}",
                [
                    "Klantgericht schrijven",
                    "Omgaan met agressie aan de balie en aan de telefoon",
                    "Excel voor gevorderden",
                    "Projectmatig werken"
                ][i as usize % 4]
            ),
            minutes: 60 + (i as u32 % 4) * 30,
            certificate_code: (i % 5 != 0).then(|| format!("K7QF-2M9X-{:04}", i)),
        })
        .collect();
    Portfolio {
        language: Language::Nl,
        person_name: "Anoeska Ĳsselmeer-d'Hondt".to_string(),
        generated_on: NaiveDate::from_ymd_opt(2026, 11, 13).unwrap(),
        installation_name: "Leerweek SED".to_string(),
        sections: vec![
            Section {
                heading: "Over mij".to_string(),
                paragraphs: vec![
                    "Ik werk sinds 2019 bij de afdeling Burgerzaken en wil me verder ontwikkelen in klantcontact en in het begeleiden van nieuwe collega's.".to_string(),
                    "Mijn leerdoelen voor dit jaar: beter omgaan met lastige gesprekken, en meer overzicht in projecten.".to_string(),
                ],
                sessions: vec![],
            },
            Section {
                heading: "Gevolgde workshops".to_string(),
                paragraphs: vec!["Alle workshops die ik tijdens de leerweken heb gevolgd, met het certificaat dat erbij hoort.".to_string()],
                sessions,
            },
            Section {
                heading: "Vaardigheden".to_string(),
                paragraphs: vec!["Deëscaleren · Grenzen stellen · Samenwerken · Klantgericht schrijven · Projectmatig werken".to_string()],
                sessions: vec![],
            },
        ],
    }
}

fn main() {
    let names = ["Anoeska Ĳsselmeer-d'Hondt", "Zoë de Vries", "Mehmet Çelik", "Nguyễn Thị Lan", "Jan Jansen"];
    let start = Instant::now();
    let mut total = 0;
    for i in 0..200 {
        let c = sample(Language::Nl, &format!("{} {i}", names[i % names.len()]));
        total += render_certificate(&c).expect("renders").len();
    }
    let elapsed = start.elapsed();
    println!(
        "200 certificates in {:.3} s ({:.2} ms each, {} bytes in total)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 5.0,
        total
    );

    let nl = render_certificate(&sample(Language::Nl, names[0])).expect("renders");
    let en = render_certificate(&sample(Language::En, names[0])).expect("renders");
    let start = Instant::now();
    let p = render_portfolio(&portfolio()).expect("renders");
    println!("portfolio (40 sessions) in {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    println!(
        "certificate-nl.pdf: {} bytes; certificate-en.pdf: {} bytes; portfolio-nl.pdf: {} bytes",
        nl.len(),
        en.len(),
        p.len()
    );
    std::fs::write("/tmp/certificate-nl.pdf", nl).expect("writes /tmp/certificate-nl.pdf");
    std::fs::write("/tmp/certificate-en.pdf", en).expect("writes /tmp/certificate-en.pdf");
    std::fs::write("/tmp/portfolio-nl.pdf", p).expect("writes /tmp/portfolio-nl.pdf");

    let mut long =
        sample(Language::Nl, &"Maximiliaan Alexander Johannes Cornelis van der Steenhoven-Ĳsselmeer ".repeat(2));
    long.workshop_title = "Samenwerken in de keten van zorg en veiligheid: ".repeat(5);
    long.skills = (1..=30).map(|i| format!("Vaardigheid {i} met een naam")).collect();
    long.host_organisation = "Gemeenschappelijke Regeling Westfriesland ".repeat(4);
    long.verification_url = format!("https://leerweek.example.nl/verificatie/{}", "K7QF2M9XC4TD".repeat(12));
    std::fs::write("/tmp/certificate-long.pdf", render_certificate(&long).expect("renders")).expect("writes");
    let mut mixed = sample(Language::En, "محمد Nguyễn Zoë 李小龙 😀");
    mixed.workshop_title = "שלום: Hebrew and English in one title".to_string();
    mixed.trainer = Some("Ελένη Παπαδοπούλου / Дмитрий".to_string());
    std::fs::write("/tmp/certificate-mixed.pdf", render_certificate(&mixed).expect("renders")).expect("writes");
}
