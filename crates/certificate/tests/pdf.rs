//! The PDFs themselves: PDF/A-2b markers, embedded fonts, extractable text (with pdf-extract,
//! a PDF reader that shares no code with krilla), determinism.

use chrono::{Duration, NaiveDate, NaiveTime};
use leerweek_certificate::{
    Certificate, Language, Portfolio, Section, SessionRow, render_certificate, render_portfolio,
};

fn sample(language: Language) -> Certificate {
    Certificate {
        language,
        person_name: "Anoeska Ĳsselmeer-d'Hondt".into(),
        workshop_title: "Omgaan met agressie aan de balie".into(),
        session_date: NaiveDate::from_ymd_opt(2026, 11, 12).unwrap(),
        starts: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        ends: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        minutes: 150,
        skills: vec!["Deëscaleren".into(), "Grenzen stellen".into()],
        host_organisation: "Gemeente Enkhuizen".into(),
        trainer: Some("Zoë Çelik".into()),
        event_name: "Meester in je Werk-week 2026".into(),
        verification_code: "K7QF-2M9X-C4TD".into(),
        verification_url: "https://leerweek.example.nl/verificatie/K7QF2M9XC4TD".into(),
        issued_on: NaiveDate::from_ymd_opt(2026, 11, 13).unwrap(),
        installation_name: "Leerweek SED".into(),
    }
}

fn portfolio(sessions: usize) -> Portfolio {
    let day = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
    Portfolio {
        language: Language::Nl,
        person_name: "Nguyễn Thị Lan".into(),
        generated_on: NaiveDate::from_ymd_opt(2026, 11, 13).unwrap(),
        installation_name: "Leerweek SED".into(),
        sections: vec![
            Section {
                heading: "Over mij".into(),
                paragraphs: vec!["Ik werk bij Burgerzaken en wil groeien in klantcontact.".into()],
                sessions: vec![],
            },
            Section {
                heading: "Gevolgde workshops".into(),
                paragraphs: vec![],
                sessions: (0..sessions)
                    .map(|i| SessionRow {
                        date: day + Duration::days(i as i64 * 9),
                        workshop: format!("Workshop nummer {i}"),
                        minutes: 90,
                        certificate_code: Some(format!("CODE-{i:04}")),
                    })
                    .collect(),
            },
        ],
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// What a PDF/A-2b file must carry, as bytes in the file (krilla writes the XMP metadata and
/// the catalog uncompressed).
fn assert_pdf_a_2b(pdf: &[u8], lang: &str) {
    assert!(pdf.starts_with(b"%PDF-1.7"), "{:?}", String::from_utf8_lossy(&pdf[..8]));
    assert!(contains(pdf, "<pdfaid:part>2</pdfaid:part>"), "XMP pdfaid:part 2");
    assert!(contains(pdf, "<pdfaid:conformance>B</pdfaid:conformance>"), "XMP pdfaid:conformance B");
    assert!(contains(pdf, "/OutputIntents"), "an output intent");
    assert!(contains(pdf, "/GTS_PDFA1"), "the PDF/A output intent subtype");
    assert!(contains(pdf, "/FontFile2") || contains(pdf, "/FontFile3"), "embedded font programs");
    assert!(contains(pdf, &format!("/Lang({lang})")), "document language {lang}");
    assert!(contains(pdf, "<dc:title>"), "a title in the XMP metadata");
}

fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("pdf-extract reads the PDF");
    // Lines are broken and spaced by position; compare words.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn dutch_certificate_is_pdf_a_2b_with_extractable_text() {
    let c = sample(Language::Nl);
    let pdf = render_certificate(&c).unwrap();
    assert_pdf_a_2b(&pdf, "nl-NL");
    let text = text_of(&pdf);
    for expected in [
        "Bewijs van deelname",
        "heeft deelgenomen aan",
        "Anoeska Ĳsselmeer-d'Hondt",
        "Omgaan met agressie aan de balie",
        "K7QF-2M9X-C4TD",
        "12 november 2026",
        "09:30–12:00 uur (2,5 uur)",
        "Gemeente Enkhuizen",
        "Zoë Çelik",
        "Deëscaleren",
        "Controleer echtheid op",
        "https://leerweek.example.nl/verificatie/K7QF2M9XC4TD",
        "Uitgereikt door Leerweek SED op 13 november 2026",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text:?}");
    }
}

#[test]
fn english_certificate_is_pdf_a_2b_with_english_wording() {
    let c = sample(Language::En);
    let pdf = render_certificate(&c).unwrap();
    assert_pdf_a_2b(&pdf, "en-GB");
    let text = text_of(&pdf);
    for expected in [
        "Certificate of attendance",
        "attended",
        "12 November 2026",
        "2.5 hours",
        "Verify at",
        "Anoeska Ĳsselmeer-d'Hondt",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text:?}");
    }
    assert!(!text.contains("Bewijs van deelname"));
}

#[test]
fn names_from_many_languages_come_out_as_text() {
    for name in ["Zoë", "Çelik", "Nguyễn Văn Anh", "Łukasz Żółć", "Ελένη", "Дмитрий"] {
        let mut c = sample(Language::Nl);
        c.person_name = name.into();
        let text = text_of(&render_certificate(&c).unwrap());
        assert!(text.contains(name), "{name:?} not in {text:?}");
        assert!(!text.contains('\u{FFFD}'), "no replacement character for {name:?}");
    }
}

#[test]
fn same_input_gives_the_same_bytes() {
    let c = sample(Language::Nl);
    let a = render_certificate(&c).unwrap();
    assert_eq!(a, render_certificate(&c).unwrap());
    let mut other = c.clone();
    other.person_name = "Zoë de Vries".into();
    assert_ne!(a, render_certificate(&other).unwrap());
    let p = portfolio(10);
    assert_eq!(render_portfolio(&p).unwrap(), render_portfolio(&p).unwrap());
}

#[test]
fn the_creation_date_is_the_issue_date() {
    let pdf = render_certificate(&sample(Language::En)).unwrap();
    assert!(contains(&pdf, "/CreationDate(D:20261113"), "Info dictionary");
    assert!(contains(&pdf, "<xmp:CreateDate>2026-11-13"), "XMP");
}

#[test]
fn portfolio_is_pdf_a_2b_over_several_pages_with_every_session() {
    let p = portfolio(40);
    let pdf = render_portfolio(&p).unwrap();
    assert_pdf_a_2b(&pdf, "nl-NL");
    let text = text_of(&pdf);
    assert!(text.contains("Ontwikkelportfolio"), "{text}");
    assert!(text.contains("Nguyễn Thị Lan"), "{text}");
    assert!(text.contains("Pagina 1 van 2") && text.contains("Pagina 2 van 2"), "{text}");
    for i in 0..40 {
        assert!(text.contains(&format!("CODE-{i:04}")), "session {i} in {text}");
    }
    assert!(text.contains("06-01-2025"), "{text}");
}

#[test]
fn an_empty_portfolio_is_one_page() {
    let mut p = portfolio(0);
    p.sections.clear();
    let text = text_of(&render_portfolio(&p).unwrap());
    assert!(text.contains("Pagina 1 van 1"), "{text}");
}
