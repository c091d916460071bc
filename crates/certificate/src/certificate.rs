//! The layout of a certificate: one A4 page with a frame, the title, the person's name, the
//! workshop, its details and skills, and a footer with the issuer, verification code, URL and QR
//! code. Every text has a box with a maximum number of lines and a minimum font size, and the
//! boxes add up to less than the page, so no input runs off it.

use crate::draw::{ACCENT, Align, GOLD, INK, MUTED, Meta, Op, PAGE_H, PAGE_W, Page, Rgb};
use crate::fonts::Style;
use crate::text::{Atom, Block, Fit, clean, fit, fit_first, items, url_parts, words};
use crate::wording::{self, Words};
use crate::{Certificate, RenderError, qr};

/// Longest text kept of any one field (more cannot fit on the page anyway).
const MAX_FIELD: usize = 600;
const LEFT: f32 = 78.0;
const RIGHT: f32 = PAGE_W - 78.0;
const CENTER: f32 = PAGE_W / 2.0;
const WIDTH: f32 = RIGHT - LEFT;
/// The area between the title and the footer, where the middle part is centred vertically.
const MIDDLE_TOP: f32 = 200.0;
const MIDDLE_BOTTOM: f32 = 625.0;
const FOOTER_TOP: f32 = 652.0;
const QR_SIZE: f32 = 104.0;
const LEADING: f32 = 1.3;

/// Places a block's lines from `top` (the top of the first line's em box); returns its bottom.
pub(crate) fn put(page: &mut Page, block: &Block, top: f32, x: f32, align: Align, color: Rgb, leading: f32) -> f32 {
    if block.lines.is_empty() {
        return top;
    }
    for (i, line) in block.lines.iter().enumerate() {
        let baseline = top + block.size * (0.9 + leading * i as f32);
        page.text(line.clone(), block.size, x, baseline, align, color);
    }
    top + block.size * (leading * (block.lines.len() - 1) as f32 + 1.15)
}

fn fitted(atoms: &[Atom], style: Style, max_width: f32, max_lines: usize, sizes: (f32, f32)) -> Block {
    fit(atoms, Fit { style, max_width, max_lines, max_size: sizes.0, min_size: sizes.1, max_height: None })
}

/// Lays out the page and its metadata.
pub(crate) fn layout(c: &Certificate) -> Result<(Page, Meta), RenderError> {
    let w = wording::words(c.language);
    let field = |s: &str| clean(s, MAX_FIELD);
    let name = field(&c.person_name);
    let workshop = field(&c.workshop_title);
    let url = field(&c.verification_url);
    // The QR code holds the URL exactly as given (the printed text is cleaned and may be cut).
    let matrix = qr::encode(c.verification_url.trim())?;

    let mut page = Page::default();
    frame(&mut page);

    let event = fitted(&words(&field(&c.event_name).to_uppercase()), Style::Bold, WIDTH, 2, (10.0, 7.0));
    put(&mut page, &event, 88.0, CENTER, Align::Center, ACCENT, LEADING);
    let title = fitted(&words(w.certificate), Style::SerifBold, WIDTH, 1, (30.0, 20.0));
    put(&mut page, &title, 128.0, CENTER, Align::Center, INK, LEADING);
    page.rect(CENTER - 40.0, 176.0, 80.0, 1.2, GOLD);

    let mut middle = Page::default();
    let height = middle_part(&mut middle, c, w, &name, &workshop);
    let offset = MIDDLE_TOP + ((MIDDLE_BOTTOM - MIDDLE_TOP - height) / 2.0).max(0.0);
    shift(&mut middle, offset);
    page.ops.append(&mut middle.ops);

    footer(&mut page, c, w, &url, &matrix);

    let title = format!("{} – {} – {}", w.certificate, name, workshop);
    let meta = Meta {
        title: clean(&title, 1000),
        language: w.lang_tag,
        author: field(&c.installation_name),
        date: c.issued_on,
        document_id: format!("leerweek-certificate-{}", field(&c.verification_code)),
    };
    Ok((page, meta))
}

fn frame(page: &mut Page) {
    let border = |page: &mut Page, inset: f32, t: f32, color: Rgb| {
        let (w, h) = (PAGE_W - 2.0 * inset, PAGE_H - 2.0 * inset);
        page.rect(inset, inset, w, t, color);
        page.rect(inset, PAGE_H - inset - t, w, t, color);
        page.rect(inset, inset, t, h, color);
        page.rect(PAGE_W - inset - t, inset, t, h, color);
    };
    border(page, 28.0, 2.0, ACCENT);
    border(page, 35.0, 0.6, GOLD);
}

/// Lays out the middle part from y = 0; returns its height.
fn middle_part(page: &mut Page, c: &Certificate, w: &Words, name: &str, workshop: &str) -> f32 {
    let mut y = 0.0;
    let intro = fitted(&words(w.certify_that), Style::Serif, WIDTH, 1, (12.0, 8.0));
    y = put(page, &intro, y, CENTER, Align::Center, MUTED, LEADING) + 12.0;
    let one = |style, max_size, min_size, max_lines| Fit {
        style,
        max_width: WIDTH,
        max_lines,
        max_size,
        min_size,
        max_height: None,
    };
    let serif = Style::SerifBold;
    let name =
        fit_first(&words(name), &[one(serif, 28.0, 21.0, 1), one(serif, 24.0, 16.0, 2), one(serif, 16.0, 13.0, 3)]);
    y = put(page, &name, y, CENTER, Align::Center, INK, 1.2) + 8.0;
    page.rect(CENTER - 130.0, y, 260.0, 0.6, GOLD);
    y += 16.0;
    let attended = fitted(&words(w.attended), Style::Serif, WIDTH, 1, (12.0, 8.0));
    y = put(page, &attended, y, CENTER, Align::Center, MUTED, LEADING) + 10.0;
    let bold = Style::Bold;
    let workshop =
        fit_first(&words(workshop), &[one(bold, 17.0, 14.0, 1), one(bold, 15.0, 11.0, 3), one(bold, 12.0, 10.0, 4)]);
    y = put(page, &workshop, y, CENTER, Align::Center, ACCENT, 1.25) + 24.0;

    let mut rows = vec![
        (w.date, wording::date(c.language, c.session_date)),
        (
            w.time,
            format!("{} ({})", wording::times(c.language, c.starts, c.ends), wording::hours(c.language, c.minutes)),
        ),
        (w.host, clean(&c.host_organisation, MAX_FIELD)),
    ];
    if let Some(trainer) = c.trainer.as_deref().map(|t| clean(t, MAX_FIELD)).filter(|t| !t.is_empty()) {
        rows.push((w.trainer, trainer));
    }
    let label_right = CENTER - 50.0;
    for (label, value) in rows {
        let label = fitted(&words(label), Style::Regular, label_right - LEFT, 1, (9.5, 7.0));
        let value = fitted(&words(&value), Style::Regular, RIGHT - label_right - 12.0, 2, (10.5, 8.0));
        // Baselines line up: the label starts lower by the difference in size.
        put(page, &label, y + (value.size - label.size) * 0.9, label_right, Align::Right, MUTED, LEADING);
        y = put(page, &value, y, label_right + 12.0, Align::Left, INK, LEADING) + 6.0;
    }

    let skills: Vec<String> = c.skills.iter().map(|s| clean(s, 200)).filter(|s| !s.is_empty()).collect();
    if !skills.is_empty() {
        y += 18.0;
        let heading = fitted(&words(&w.skills.to_uppercase()), Style::Bold, WIDTH, 1, (9.0, 7.0));
        y = put(page, &heading, y, CENTER, Align::Center, MUTED, LEADING) + 6.0;
        // The skills get the room that is left, at least one line.
        let room = (MIDDLE_BOTTOM - MIDDLE_TOP - y).max(0.0);
        let list =
            fit(&items(&skills), Fit { max_height: Some((room, 1.45)), ..one(Style::Regular, 11.0, 7.0, usize::MAX) });
        y = put(page, &list, y, CENTER, Align::Center, INK, 1.45);
    }
    y
}

fn shift(page: &mut Page, dy: f32) {
    for op in &mut page.ops {
        match op {
            Op::Text { y, .. } => *y += dy,
            Op::Rects { rects, .. } => rects.iter_mut().for_each(|r| r[1] += dy),
        }
    }
}

fn footer(page: &mut Page, c: &Certificate, w: &Words, url: &str, matrix: &qr::Matrix) {
    page.rect(LEFT, FOOTER_TOP - 14.0, WIDTH, 0.6, GOLD);
    let qr_left = RIGHT - QR_SIZE;
    let text_width = qr_left - 20.0 - LEFT;

    let issued = format!(
        "{} {} {} {}",
        w.issued_by,
        clean(&c.installation_name, MAX_FIELD),
        w.issued_on,
        wording::date(c.language, c.issued_on)
    );
    let issued = fitted(&words(&issued), Style::Regular, text_width, 2, (9.0, 7.0));
    let mut y = put(page, &issued, FOOTER_TOP, LEFT, Align::Left, INK, LEADING) + 10.0;
    let label = fitted(&words(w.code), Style::Regular, text_width, 1, (8.5, 7.0));
    y = put(page, &label, y, LEFT, Align::Left, MUTED, LEADING) + 3.0;
    let code = fitted(&url_parts(&clean(&c.verification_code, 200)), Style::Bold, text_width, 1, (15.0, 8.0));
    y = put(page, &code, y, LEFT, Align::Left, INK, LEADING) + 10.0;
    let label = fitted(&words(w.verify_at), Style::Regular, text_width, 1, (8.5, 7.0));
    y = put(page, &label, y, LEFT, Align::Left, MUTED, LEADING) + 3.0;
    let link = fitted(&url_parts(url), Style::Regular, text_width, 3, (9.0, 6.5));
    put(page, &link, y, LEFT, Align::Left, ACCENT, LEADING);

    let module = QR_SIZE / matrix.width as f32;
    // Each row reaches a little into the next, so viewers' anti-aliasing shows no white seams
    // between rows (a twentieth of a module: no scanner notices).
    let rects = qr::runs(matrix)
        .into_iter()
        .map(|r| {
            let overlap = if r.y + 1 < matrix.width { module * 0.05 } else { 0.0 };
            [qr_left + r.x as f32 * module, FOOTER_TOP + r.y as f32 * module, r.len as f32 * module, module + overlap]
        })
        .collect();
    page.ops.push(Op::Rects { rects, color: Rgb(0, 0, 0) });
}
