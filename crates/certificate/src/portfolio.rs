//! The layout of a portfolio: A4 pages with a header on the first, sections of headings,
//! paragraphs and tables of sessions that flow over as many pages as they need, and a footer
//! with the person's name and "page n of m" on each.

use crate::certificate::put;
use crate::draw::{ACCENT, Align, GOLD, INK, MUTED, Meta, PAGE_H, PAGE_W, Page, Rgb, TINT};
use crate::fonts::Style;
use crate::text::{Block, Fit, clean, fit, url_parts, words};
use crate::wording::{self, Words};
use crate::{Language, Portfolio, Section, SessionRow};

const LEFT: f32 = 60.0;
const RIGHT: f32 = PAGE_W - 60.0;
const WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 60.0;
const BOTTOM: f32 = PAGE_H - 64.0;
/// Longest paragraph kept (about eight pages); bounds the work for any input.
const MAX_PARAGRAPH: usize = 20_000;
const BODY: f32 = 10.0;
const BODY_LEADING: f32 = 1.45;
const CELL: f32 = 9.0;
const CELL_LEADING: f32 = 1.3;
const PAD: f32 = 4.0;

/// Column widths: date, workshop, hours, certificate.
const COLS: [f32; 4] = [68.0, WIDTH - 68.0 - 48.0 - 112.0, 48.0, 112.0];

fn block(text: &[crate::text::Atom], style: Style, width: f32, lines: usize, sizes: (f32, f32)) -> Block {
    fit(text, Fit { style, max_width: width, max_lines: lines, max_size: sizes.0, min_size: sizes.1, max_height: None })
}

/// Pages being filled from top to bottom.
struct Flow {
    pages: Vec<Page>,
    y: f32,
}

impl Flow {
    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow has a page")
    }

    /// Starts a new page unless `height` still fits on this one; returns whether it did.
    fn room(&mut self, height: f32) -> bool {
        if self.y + height <= BOTTOM || self.y <= TOP {
            return false;
        }
        self.pages.push(Page::default());
        self.y = TOP;
        true
    }
}

/// Lays out the pages and the metadata.
pub(crate) fn layout(p: &Portfolio) -> (Vec<Page>, Meta) {
    let w = wording::words(p.language);
    let name = clean(&p.person_name, 600);
    let installation = clean(&p.installation_name, 600);
    let mut flow = Flow { pages: vec![Page::default()], y: TOP };

    let page = flow.page();
    page.rect(LEFT, TOP - 14.0, WIDTH, 2.0, ACCENT);
    let title = block(&words(w.portfolio), Style::SerifBold, WIDTH, 1, (24.0, 18.0));
    let mut y = put(page, &title, TOP, LEFT, Align::Left, INK, 1.2) + 6.0;
    let who = block(&words(&name), Style::Bold, WIDTH, 2, (16.0, 11.0));
    y = put(page, &who, y, LEFT, Align::Left, ACCENT, 1.25) + 4.0;
    let line = format!("{} {} · {}", w.generated_on, wording::date(p.language, p.generated_on), installation);
    let sub = block(&words(&line), Style::Regular, WIDTH, 2, (9.0, 7.0));
    y = put(page, &sub, y, LEFT, Align::Left, MUTED, 1.3) + 10.0;
    page.rect(LEFT, y, WIDTH, 0.6, GOLD);
    flow.y = y + 18.0;

    for section in &p.sections {
        section_part(&mut flow, section, w, p.language);
    }

    let count = flow.pages.len();
    let footer_name = block(&words(&format!("{name} · {}", w.portfolio)), Style::Regular, WIDTH - 120.0, 1, (8.0, 6.0));
    for (i, page) in flow.pages.iter_mut().enumerate() {
        page.rect(LEFT, PAGE_H - 48.0, WIDTH, 0.5, GOLD);
        put(page, &footer_name, PAGE_H - 42.0, LEFT, Align::Left, MUTED, 1.2);
        let number = block(&words(&(w.page_of)(i + 1, count)), Style::Regular, 110.0, 1, (8.0, 6.0));
        put(page, &number, PAGE_H - 42.0, RIGHT, Align::Right, MUTED, 1.2);
    }

    let meta = Meta {
        title: clean(&format!("{} – {}", w.portfolio, name), 1000),
        language: w.lang_tag,
        author: installation,
        date: p.generated_on,
        document_id: format!("leerweek-portfolio-{name}-{}", p.generated_on),
    };
    (flow.pages, meta)
}

fn section_part(flow: &mut Flow, section: &Section, w: &Words, language: Language) {
    let heading = block(&words(&clean(&section.heading, 600)), Style::SerifBold, WIDTH, 3, (14.0, 10.0));
    // A heading stays with the first lines after it.
    let heading_height = heading.height(1.25) + 8.0;
    flow.room(heading_height + 3.0 * BODY * BODY_LEADING);
    let y = flow.y;
    flow.y = put(flow.page(), &heading, y, LEFT, Align::Left, ACCENT, 1.25) + 8.0;

    for paragraph in &section.paragraphs {
        let text = clean(paragraph, MAX_PARAGRAPH);
        if text.is_empty() {
            continue;
        }
        let body = block(&words(&text), Style::Regular, WIDTH, usize::MAX, (BODY, BODY));
        for line in body.lines {
            flow.room(BODY * BODY_LEADING);
            let y = flow.y;
            let one = Block { size: BODY, lines: vec![line], truncated: false };
            put(flow.page(), &one, y, LEFT, Align::Left, INK, BODY_LEADING);
            flow.y += BODY * BODY_LEADING;
        }
        flow.y += 6.0;
    }

    if !section.sessions.is_empty() {
        flow.y += 4.0;
        let header = header_row(w);
        flow.room(header.1 + 2.0 * row_height(1));
        draw_header(flow, &header);
        for row in &section.sessions {
            let cells = cells(row, language);
            let height = row_height(cells.iter().map(|b| b.lines.len()).max().unwrap_or(1));
            if flow.room(height) {
                draw_header(flow, &header);
            }
            draw_row(flow, &cells, height, Style::Regular);
        }
    }
    flow.y += 16.0;
}

fn row_height(lines: usize) -> f32 {
    CELL * (CELL_LEADING * (lines.max(1) - 1) as f32 + 1.15) + 2.0 * PAD
}

fn header_row(w: &Words) -> (Vec<Block>, f32) {
    let names = [w.col_date, w.col_workshop, w.col_hours, w.col_certificate];
    let cells: Vec<Block> = names
        .iter()
        .zip(COLS)
        .map(|(n, width)| block(&words(n), Style::Bold, width - 2.0 * PAD, 1, (8.5, 6.0)))
        .collect();
    (cells, row_height(1))
}

fn draw_header(flow: &mut Flow, header: &(Vec<Block>, f32)) {
    let y = flow.y;
    flow.page().rect(LEFT, y, WIDTH, header.1, TINT);
    draw_row(flow, &header.0, header.1, Style::Bold);
}

fn cells(row: &SessionRow, language: Language) -> Vec<Block> {
    let code = row.certificate_code.as_deref().map(|c| clean(c, 200)).unwrap_or_default();
    vec![
        block(&words(&wording::short_date(language, row.date)), Style::Regular, COLS[0] - 2.0 * PAD, 1, (CELL, 6.0)),
        block(&words(&clean(&row.workshop, 600)), Style::Regular, COLS[1] - 2.0 * PAD, 3, (CELL, CELL)),
        block(
            &words(&wording::hours_number(language, row.minutes)),
            Style::Regular,
            COLS[2] - 2.0 * PAD,
            1,
            (CELL, 6.0),
        ),
        block(&url_parts(&code), Style::Regular, COLS[3] - 2.0 * PAD, 2, (CELL, 6.5)),
    ]
}

fn draw_row(flow: &mut Flow, cells: &[Block], height: f32, style: Style) {
    let y = flow.y;
    let color: Rgb = if style == Style::Bold { MUTED } else { INK };
    let page = flow.page();
    let mut x = LEFT;
    for (i, (cell, width)) in cells.iter().zip(COLS).enumerate() {
        // Hours are numbers: right-aligned.
        let (anchor, align) = if i == 2 { (x + width - PAD, Align::Right) } else { (x + PAD, Align::Left) };
        put(page, cell, y + PAD, anchor, align, color, CELL_LEADING);
        x += width;
    }
    page.rect(LEFT, y + height - 0.4, WIDTH, 0.4, Rgb(0xc9, 0xd3, 0xdc));
    flow.y += height;
}
