//! Layout tests: long and hostile input stays on the page and inside its boxes.

use chrono::{NaiveDate, NaiveTime};

use crate::draw::{PAGE_H, PAGE_W, Page};
use crate::fonts::replacement_char;
use crate::{Certificate, Language, Portfolio, Section, SessionRow, certificate, portfolio};

pub(crate) fn sample(language: Language) -> Certificate {
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

/// Text lies at least `margin` from the edges of the page, rectangles (the frame) at least 28 pt.
fn assert_on_page(page: &Page, margin: f32) {
    let text = page.ops.iter().filter(|op| matches!(op, crate::draw::Op::Text { .. }));
    for [left, top, right, bottom] in (Page { ops: text.cloned().collect() }).extents() {
        assert!(left >= margin - 0.01 && right <= PAGE_W - margin + 0.01, "x {left}..{right} off the page");
        assert!(top >= margin - 0.01 && bottom <= PAGE_H - margin + 0.01, "y {top}..{bottom} off the page");
    }
    for [left, top, right, bottom] in page.extents() {
        let margin = 28.0;
        assert!(left >= margin - 0.01 && right <= PAGE_W - margin + 0.01, "x {left}..{right} off the page");
        assert!(top >= margin - 0.01 && bottom <= PAGE_H - margin + 0.01, "y {top}..{bottom} off the page");
    }
}

fn assert_no_text_overlap(page: &Page) {
    let boxes: Vec<[f32; 4]> = page
        .ops
        .iter()
        .filter_map(|op| match op {
            crate::draw::Op::Text { x, y, size, line, .. } => Some([*x, y - size * 0.75, x + line.width(*size), *y]),
            crate::draw::Op::Rects { .. } => None,
        })
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap = a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5;
            assert!(!overlap, "text boxes overlap: {a:?} {b:?}");
        }
    }
}

#[test]
fn the_sample_is_on_the_page_with_all_its_text() {
    for language in [Language::Nl, Language::En] {
        let (page, meta) = certificate::layout(&sample(language)).unwrap();
        assert_on_page(&page, 40.0);
        assert_no_text_overlap(&page);
        let text = page.text_lines().join("\n");
        for expected in ["Anoeska Ĳsselmeer-d'Hondt", "Omgaan met agressie", "K7QF-2M9X-C4TD", "Zoë Çelik"] {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
        assert!(!text.contains(replacement_char()));
        assert!(meta.title.contains("Anoeska"));
    }
}

#[test]
fn long_inputs_wrap_or_shrink_and_stay_inside() {
    let mut c = sample(Language::Nl);
    c.person_name =
        "Maximiliaan Alexander Johannes Cornelis van der Steenhoven-Ĳsselmeer d'Hondt tot Oud-Beijerland".into();
    c.person_name.push_str(&"e".repeat(100 - c.person_name.chars().count()));
    c.workshop_title = "Samenwerken in de keten: ".repeat(8);
    c.skills = (0..30).map(|i| format!("Vaardigheid nummer {i} met een lange naam")).collect();
    c.host_organisation = "Gemeenschappelijke Regeling ".repeat(10);
    c.trainer = Some("T".repeat(300));
    c.event_name = "Week ".repeat(100);
    c.verification_code = "K7QF-".repeat(40);
    c.verification_url = format!("https://leerweek.example.nl/verificatie/{}", "A".repeat(400));
    c.installation_name = "Leerweek ".repeat(50);
    let (page, _) = certificate::layout(&c).unwrap();
    assert_on_page(&page, 40.0);
    assert_no_text_overlap(&page);
    let text = page.text_lines().join(" ");
    assert!(text.contains(&c.person_name), "the whole 100-character name: {text}");
    assert!(text.contains('…'), "cut-off text ends in an ellipsis");
    let mut c = sample(Language::En);
    c.workshop_title = "Samenwerken in de keten van zorg en veiligheid: ".repeat(4) + "en nog veel meer";
    assert!(c.workshop_title.chars().count() >= 200);
    c.skills = (1..=30).map(|i| format!("Vaardigheid {i} met een naam")).collect();
    let (page, _) = certificate::layout(&c).unwrap();
    assert_on_page(&page, 40.0);
    let text = page.text_lines().join(" ");
    assert!(text.contains(c.workshop_title.trim()), "the whole 200-character title: {text}");
    assert!(text.contains("Vaardigheid 30 met een naam"), "all 30 skills: {text}");
}

#[test]
fn hostile_strings_never_panic_and_draw_no_notdef() {
    let nasty = [
        "",
        " \t\n\r\u{0}\u{7}\u{1b}[31m",
        "שלום עולם Smith",
        "محمد بن سلمان",
        "Zoë 😀👨‍👩‍👧 🇳🇱",
        "李小龙 李小龍",
        "\u{202E}evil\u{202C} \u{200B}\u{FEFF}\u{FFFE}\u{E000}",
        "a\u{0301}\u{0301}\u{0301}\u{0301}",
        &"x".repeat(10_000),
        &"🙂".repeat(500),
    ];
    for s in nasty {
        let mut c = sample(Language::En);
        c.person_name = s.to_string();
        c.workshop_title = s.to_string();
        c.skills = vec![s.to_string(); 3];
        c.trainer = Some(s.to_string());
        c.host_organisation = s.to_string();
        c.verification_code = s.to_string();
        let (page, _) = certificate::layout(&c).unwrap();
        assert_on_page(&page, 40.0);
        for op in &page.ops {
            if let crate::draw::Op::Text { line, .. } = op {
                assert!(line.runs.iter().all(|r| r.glyphs.iter().all(|g| g.glyph_id.to_u32() != 0)), "{s:?}");
            }
        }
        crate::render_certificate(&c).unwrap_or_else(|e| panic!("{s:?}: {e}"));
    }
}

#[test]
fn portfolio_flows_over_pages_and_numbers_them() {
    let rows = (0..120)
        .map(|i| SessionRow {
            date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            workshop: format!("Workshop {i}: {}", "lang ".repeat(i % 12)),
            minutes: 90,
            certificate_code: Some("K7QF-".repeat(1 + i % 9)),
        })
        .collect();
    let p = Portfolio {
        language: Language::En,
        person_name: "Zoë".into(),
        generated_on: NaiveDate::from_ymd_opt(2026, 11, 13).unwrap(),
        installation_name: "Leerweek SED".into(),
        sections: vec![
            Section { heading: "About".into(), paragraphs: vec!["word ".repeat(3000)], sessions: vec![] },
            Section { heading: "Sessions ".repeat(40), paragraphs: vec![], sessions: rows },
        ],
    };
    let (pages, _) = portfolio::layout(&p);
    assert!(pages.len() > 3, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        assert_on_page(page, 30.0);
        assert_no_text_overlap(page);
        let text = page.text_lines().join("\n");
        assert!(text.contains(&format!("Page {} of {}", i + 1, pages.len())), "{text}");
    }
    let all = pages.iter().flat_map(|p| p.text_lines()).collect::<Vec<_>>().join("\n");
    assert_eq!(all.matches("Workshop 119:").count(), 1, "the last row is there once");
    let headers = pages.iter().filter(|p| p.text_lines().iter().any(|l| l == "Certificate")).count();
    assert!(headers > 1, "the table header repeats on every page of the table");
}

#[test]
fn krilla_refuses_a_notdef_glyph_so_pdf_a_validation_is_on() {
    let (mut page, meta) = certificate::layout(&sample(Language::Nl)).unwrap();
    let Some(crate::draw::Op::Text { line, .. }) =
        page.ops.iter_mut().find(|op| matches!(op, crate::draw::Op::Text { .. }))
    else {
        panic!("the certificate has text");
    };
    line.runs[0].glyphs[0].glyph_id = krilla::text::GlyphId::new(0);
    let err = crate::draw::write(&[page], meta).unwrap_err();
    assert!(matches!(err, crate::RenderError::NotPdfA(ref e) if e.contains("NotDef")), "{err}");
}

#[test]
fn the_qr_code_holds_the_url_as_given_or_the_render_fails() {
    for url in ["", "https://example.nl/ü?a=1&b=😀", &format!("https://example.nl/{}", "a".repeat(1500))] {
        let mut c = sample(Language::Nl);
        c.verification_url = url.into();
        let (page, _) = certificate::layout(&c).unwrap();
        assert_on_page(&page, 40.0);
        let expected = crate::qr::encode(url).unwrap();
        let drawn = crate::qr::runs(&expected).len();
        let rects = page.ops.iter().filter_map(|op| match op {
            crate::draw::Op::Rects { rects, .. } if rects.len() > 1 => Some(rects.len()),
            _ => None,
        });
        assert_eq!(rects.collect::<Vec<_>>(), vec![drawn], "one QR path with one rectangle per run");
    }
    let mut c = sample(Language::Nl);
    c.verification_url = format!("https://example.nl/{}", "a".repeat(5000));
    assert!(matches!(crate::render_certificate(&c), Err(crate::RenderError::QrCode(_))));
}
