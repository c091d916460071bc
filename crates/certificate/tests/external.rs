//! Checks by programs that do not share code with krilla, when they are installed: qpdf
//! (structure), poppler's pdffonts, pdfinfo, pdftotext and pdftoppm, and Ghostscript (renders
//! the file without errors). The QR code is read back from a rendered page with rqrr.
//!
//! A missing tool skips its test loudly ("SKIPPED: … not installed" on stderr): Debian packages
//! `qpdf poppler-utils ghostscript`. No PDF/A validator (veraPDF) is installable here; krilla's
//! own PDF/A-2b validation runs in every render.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{NaiveDate, NaiveTime};
use leerweek_certificate::{
    Certificate, Language, Portfolio, Section, SessionRow, render_certificate, render_portfolio,
};

fn sample() -> Certificate {
    Certificate {
        language: Language::Nl,
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

fn documents() -> Vec<(&'static str, Vec<u8>)> {
    let mut en = sample();
    en.language = Language::En;
    en.person_name = "محمد Nguyễn 😀 李".into();
    let p = Portfolio {
        language: Language::Nl,
        person_name: "Zoë".into(),
        generated_on: NaiveDate::from_ymd_opt(2026, 11, 13).unwrap(),
        installation_name: "Leerweek SED".into(),
        sections: vec![Section {
            heading: "Workshops".into(),
            paragraphs: vec!["Alle workshops.".into()],
            sessions: (0..60)
                .map(|i| SessionRow {
                    date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    workshop: format!("Workshop {i}"),
                    minutes: 90,
                    certificate_code: None,
                })
                .collect(),
        }],
    };
    vec![
        ("certificate-nl", render_certificate(&sample()).unwrap()),
        ("certificate-mixed", render_certificate(&en).unwrap()),
        ("portfolio", render_portfolio(&p).unwrap()),
    ]
}

/// Whether `tool` runs; says so loudly when it does not, on the real stderr (the test harness
/// captures `eprintln!` of passing tests).
fn installed(tool: &str, package: &str) -> bool {
    let ok = Command::new(tool).arg(if tool == "gs" { "--version" } else { "-v" }).output().is_ok();
    if !ok {
        let message = format!("\nSKIPPED: {tool} not installed (Debian package {package})\n");
        std::io::stderr().write_all(message.as_bytes()).ok();
    }
    ok
}

fn write(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    path
}

fn run(tool: &str, args: &[&str]) -> Output {
    let out = Command::new(tool).args(args).output().unwrap();
    eprintln!(
        "$ {tool} {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn qpdf_finds_no_structural_errors() {
    if !installed("qpdf", "qpdf") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, pdf) in documents() {
        let path = write(dir.path(), name, &pdf);
        let out = run("qpdf", &["--check", path.to_str().unwrap()]);
        assert!(out.status.success(), "{name}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("No syntax or stream encoding errors found"), "{name}");
    }
}

#[test]
fn poppler_sees_embedded_fonts_a4_title_and_text() {
    if !installed("pdffonts", "poppler-utils") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, pdf) in documents() {
        let path = write(dir.path(), name, &pdf);
        let path = path.to_str().unwrap();
        let fonts = run("pdffonts", &[path]);
        assert!(fonts.status.success());
        let listing = String::from_utf8_lossy(&fonts.stdout);
        let rows: Vec<&str> = listing.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{name}: fonts listed");
        for row in rows {
            // name, type, encoding, then emb sub uni: all "yes".
            assert!(row.contains("DejaVu") && row.contains("yes yes yes"), "{name}: {row}");
        }
        let info = run("pdfinfo", &[path]);
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("Page size:       595.28 x 841.89 pts (A4)"), "{name}");
        assert!(info.lines().any(|l| l.starts_with("Title:") && l.len() > 20), "{name}");
        assert!(!info.contains("Suspects:        yes"), "{name}");
    }
    let (_, pdf) = &documents()[0];
    let path = write(dir.path(), "text", pdf);
    let text = run("pdftotext", &[path.to_str().unwrap(), "-"]);
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in ["Anoeska Ĳsselmeer-d'Hondt", "Omgaan met agressie aan de balie", "K7QF-2M9X-C4TD"] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
}

#[test]
fn ghostscript_renders_without_errors() {
    if !installed("gs", "ghostscript") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, pdf) in documents() {
        let path = write(dir.path(), name, &pdf);
        let out =
            run("gs", &["-q", "-dNOPAUSE", "-dBATCH", "-dPDFSTOPONERROR", "-sDEVICE=nullpage", path.to_str().unwrap()]);
        assert!(out.status.success(), "{name}");
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains("****") && !all.to_lowercase().contains("error"), "{name}: {all}");
    }
}

/// Reads a binary greyscale PGM ("P5") as pdftoppm writes it.
fn read_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).to_string());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[i + 1..].to_vec();
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels)
}

#[test]
fn the_qr_code_on_the_page_reads_back_as_the_url() {
    if !installed("pdftoppm", "poppler-utils") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for url in ["https://leerweek.example.nl/verificatie/K7QF2M9XC4TD", "https://example.nl/v/ÄÖÜ?x=1&y=2"] {
        let mut c = sample();
        c.verification_url = url.into();
        let path = write(dir.path(), "qr", &render_certificate(&c).unwrap());
        let prefix = dir.path().join("page");
        let out =
            run("pdftoppm", &["-gray", "-r", "110", "-singlefile", path.to_str().unwrap(), prefix.to_str().unwrap()]);
        assert!(out.status.success());
        let (w, h, pixels) = read_pgm(&std::fs::read(prefix.with_extension("pgm")).unwrap());
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code on the page");
        let (_, content) = grids[0].decode().expect("the QR code decodes");
        assert_eq!(content, url);
    }
}
