//! Pages as lists of drawing operations, and writing them as a PDF/A-2b document with krilla.
//!
//! Layout produces [`Page`]s first (so tests can check that nothing leaves the page), then
//! [`write`] turns them into PDF bytes. krilla validates PDF/A-2b while writing and refuses to
//! produce a non-conforming file.

use chrono::{Datelike, NaiveDate};
use krilla::Document;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;

use crate::RenderError;
use crate::fonts::{Shaped, pdf_font};

/// A4 in points.
pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

pub(crate) const INK: Rgb = Rgb(0x1f, 0x29, 0x37);
pub(crate) const MUTED: Rgb = Rgb(0x5b, 0x64, 0x70);
pub(crate) const ACCENT: Rgb = Rgb(0x1d, 0x4e, 0x6e);
pub(crate) const GOLD: Rgb = Rgb(0xb0, 0x8d, 0x57);
pub(crate) const TINT: Rgb = Rgb(0xe8, 0xef, 0xf4);

/// Where a line of text is anchored horizontally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// One drawing operation; y grows downwards from the top of the page.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// A shaped line with its left end at `x` and its baseline at `y`.
    Text { x: f32, y: f32, size: f32, color: Rgb, line: Shaped },
    /// Filled rectangles in one path.
    Rects { rects: Vec<[f32; 4]>, color: Rgb },
}

/// A page of drawing operations.
#[derive(Clone, Debug, Default)]
pub(crate) struct Page {
    pub ops: Vec<Op>,
}

impl Page {
    /// Adds a line anchored at `x` by `align`; returns its width.
    pub fn text(&mut self, line: Shaped, size: f32, x: f32, y: f32, align: Align, color: Rgb) -> f32 {
        let w = line.width(size);
        let x = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        self.ops.push(Op::Text { x, y, size, color, line });
        w
    }

    /// Adds a filled rectangle.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.ops.push(Op::Rects { rects: vec![[x, y, w, h]], color });
    }

    /// The bounding boxes (x, top, right, bottom) of everything drawn, text by its font size.
    #[cfg(test)]
    pub fn extents(&self) -> Vec<[f32; 4]> {
        self.ops
            .iter()
            .flat_map(|op| match op {
                Op::Text { x, y, size, line, .. } => vec![[*x, y - size * 0.8, x + line.width(*size), y + size * 0.25]],
                Op::Rects { rects, .. } => rects.iter().map(|[x, y, w, h]| [*x, *y, x + w, y + h]).collect(),
            })
            .collect()
    }

    /// All text on the page, line by line.
    #[cfg(test)]
    pub fn text_lines(&self) -> Vec<String> {
        self.ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { line, .. } => Some(line.text()),
                Op::Rects { .. } => None,
            })
            .collect()
    }
}

/// Document metadata.
pub(crate) struct Meta {
    pub title: String,
    pub language: &'static str,
    pub author: String,
    pub date: NaiveDate,
    pub document_id: String,
}

fn fill(color: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

/// Writes pages as a validated PDF/A-2b document.
pub(crate) fn write(pages: &[Page], meta: Meta) -> Result<Vec<u8>, RenderError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    let settings = krilla::SerializeSettings { configuration, enable_tagging: false, ..Default::default() };
    let mut document = Document::new_with(settings);
    let date = DateTime::new(u16::try_from(meta.date.year()).unwrap_or(1970))
        .month(meta.date.month() as u8)
        .day(meta.date.day() as u8);
    document.set_metadata(
        Metadata::new()
            .title(meta.title)
            .language(meta.language.to_string())
            .authors(vec![meta.author])
            .creator("Leerweek".to_string())
            .creation_date(date)
            .document_id(meta.document_id),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| RenderError::Pdf("page size".into()))?;
    for page in pages {
        let mut pdf_page = document.start_page_with(settings.clone());
        let mut surface = pdf_page.surface();
        draw(&mut surface, page);
        surface.finish();
        pdf_page.finish();
    }
    document.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => {
            RenderError::NotPdfA(errors.iter().map(|(e, _)| format!("{e:?}")).collect::<Vec<_>>().join("; "))
        }
        other => RenderError::Pdf(format!("{other:?}")),
    })
}

fn draw(surface: &mut Surface, page: &Page) {
    for op in &page.ops {
        match op {
            Op::Text { x, y, size, color, line } => {
                surface.set_fill(Some(fill(*color)));
                let mut cx = *x;
                for run in &line.runs {
                    surface.draw_glyphs(
                        Point::from_xy(cx, *y),
                        &run.glyphs,
                        pdf_font(run.font),
                        &run.text,
                        *size,
                        false,
                    );
                    cx += run.width_em * size;
                }
            }
            Op::Rects { rects, color } => {
                let mut pb = PathBuilder::new();
                for [x, y, w, h] in rects {
                    if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(r);
                    }
                }
                if let Some(path) = pb.finish() {
                    surface.set_fill(Some(fill(*color)));
                    surface.draw_path(&path);
                }
            }
        }
    }
}
