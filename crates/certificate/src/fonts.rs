//! The embedded fonts (DejaVu, from the `dejavu` crate), font fallback and shaping.
//!
//! Text is shaped here with rustybuzz (the shaper krilla uses itself) so that what the layout
//! measures is exactly what krilla draws: each line becomes runs of glyphs, one font per run,
//! in visual order (bidirectional text is reordered with `unicode-bidi`).

use std::ops::Range;
use std::sync::LazyLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::BidiInfo;

/// One of the embedded font files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FontKey {
    Sans = 0,
    SansBold = 1,
    Serif = 2,
    SerifBold = 3,
}

/// A text style: the font to use first and the ones to fall back on for characters it lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Regular,
    Bold,
    Serif,
    SerifBold,
}

impl Style {
    fn chain(self) -> &'static [FontKey] {
        match self {
            Style::Regular => &[FontKey::Sans],
            Style::Bold => &[FontKey::SansBold, FontKey::Sans],
            Style::Serif => &[FontKey::Serif, FontKey::Sans],
            Style::SerifBold => &[FontKey::SerifBold, FontKey::SansBold, FontKey::Sans],
        }
    }
}

struct Loaded {
    pdf: Font,
    face: rustybuzz::Face<'static>,
    units_per_em: f32,
}

struct Fonts {
    fonts: [Loaded; 4],
    /// What a character no font has is drawn as: U+FFFD if DejaVu Sans has it, else `?`.
    replacement: char,
}

/// Parsed once per process: 200 certificates do not parse the font files 200 times.
static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let load = |data: &'static [u8]| {
        let face = rustybuzz::Face::from_slice(data, 0).expect("DejaVu font parses");
        let units_per_em = face.units_per_em() as f32;
        Loaded { pdf: Font::new(data.into(), 0).expect("DejaVu font parses"), face, units_per_em }
    };
    let fonts = [
        load(dejavu::sans::regular()),
        load(dejavu::sans::bold()),
        load(dejavu::serif::regular()),
        load(dejavu::serif::bold()),
    ];
    let replacement = if fonts[0].face.glyph_index('\u{FFFD}').is_some() { '\u{FFFD}' } else { '?' };
    Fonts { fonts, replacement }
});

fn loaded(key: FontKey) -> &'static Loaded {
    &FONTS.fonts[key as usize]
}

/// The krilla font of a key.
pub(crate) fn pdf_font(key: FontKey) -> Font {
    loaded(key).pdf.clone()
}

/// Whether `key`'s font has a glyph for `c`.
pub(crate) fn has_glyph(key: FontKey, c: char) -> bool {
    loaded(key).face.glyph_index(c).is_some()
}

/// The character drawn in place of one that no embedded font has.
pub(crate) fn replacement_char() -> char {
    FONTS.replacement
}

/// Combining marks stay in the font of the character they sit on, when that font has them.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05C7}'
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}'
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// A run of glyphs in one font, with the text they stand for (krilla writes it into the PDF's
/// ToUnicode map, so the text can be selected and extracted).
#[derive(Clone, Debug)]
pub(crate) struct Run {
    pub font: FontKey,
    pub text: String,
    pub glyphs: Vec<KrillaGlyph>,
    /// Width in em (multiply by the font size for points).
    pub width_em: f32,
}

/// A shaped line: runs in visual order, left to right.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shaped {
    pub runs: Vec<Run>,
    pub width_em: f32,
}

impl Shaped {
    /// The width in points at `size`.
    pub fn width(&self, size: f32) -> f32 {
        self.width_em * size
    }

    /// The text of the line, in visual order of its runs.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// Shapes one line of cleaned text (see [`crate::text::clean`]) in `style`.
pub(crate) fn shape(line: &str, style: Style) -> Shaped {
    let mut out = Shaped::default();
    if line.is_empty() {
        return out;
    }
    let bidi = BidiInfo::new(line, None);
    for para in &bidi.paragraphs {
        let (levels, runs) = bidi.visual_runs(para, para.range.clone());
        for range in runs {
            let rtl = levels[range.start].is_rtl();
            let mut segments = segment(&line[range], style);
            if rtl {
                segments.reverse();
            }
            for (font, text) in segments {
                let run = shape_run(font, text, rtl);
                out.width_em += run.width_em;
                out.runs.push(run);
            }
        }
    }
    out
}

/// Splits text (logical order) into pieces of one font each, replacing characters that no font
/// of the style has.
fn segment(text: &str, style: Style) -> Vec<(FontKey, String)> {
    let chain = style.chain();
    let mut out: Vec<(FontKey, String)> = Vec::new();
    for c in text.chars() {
        let previous = out.last().map(|(font, _)| *font);
        let sticky = (is_mark(c) || c == ' ').then_some(previous).flatten().filter(|f| has_glyph(*f, c));
        let (font, c) = match sticky.or_else(|| chain.iter().copied().find(|f| has_glyph(*f, c))) {
            Some(font) => (font, c),
            None => {
                let r = replacement_char();
                (chain.iter().copied().find(|f| has_glyph(*f, r)).unwrap_or(FontKey::Sans), r)
            }
        };
        match out.last_mut() {
            Some((f, s)) if *f == font => s.push(c),
            _ => out.push((font, c.to_string())),
        }
    }
    out
}

fn shape_run(font: FontKey, text: String, rtl: bool) -> Run {
    let loaded = loaded(font);
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(&text);
    buffer.guess_segment_properties();
    buffer.set_direction(if rtl { Direction::RightToLeft } else { Direction::LeftToRight });
    let output = rustybuzz::shape(&loaded.face, &[], buffer);
    let mut starts: Vec<usize> = output.glyph_infos().iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let cluster_range = |start: usize| -> Range<usize> {
        let end = starts.iter().copied().find(|s| *s > start).unwrap_or(text.len());
        start..end
    };
    let upem = loaded.units_per_em;
    let mut width_em = 0.0;
    let glyphs = output
        .glyph_infos()
        .iter()
        .zip(output.glyph_positions())
        // The .notdef glyph is not allowed in PDF/A; fallback above should leave none, this is
        // the last line of defence.
        .filter(|(info, _)| info.glyph_id != 0)
        .map(|(info, pos)| {
            width_em += pos.x_advance as f32 / upem;
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / upem,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                cluster_range(info.cluster as usize),
                None,
            )
        })
        .collect();
    Run { font, text, glyphs, width_em }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_and_other_latin_names_need_no_replacement() {
        for name in ["Anoeska Ĳsselmeer-d'Hondt", "Zoë", "Çelik", "Nguyễn", "Łukasz Żółć", "Ørsted"] {
            for style in [Style::Regular, Style::Bold, Style::Serif, Style::SerifBold] {
                let shaped = shape(name, style);
                assert_eq!(shaped.text(), name, "{style:?}");
                assert!(!shaped.text().contains(replacement_char()), "{name} in {style:?}");
                assert!(shaped.runs.iter().all(|r| r.glyphs.iter().all(|g| g.glyph_id.to_u32() != 0)));
                assert!(shaped.width_em > 0.0);
            }
        }
    }

    #[test]
    fn serif_falls_back_to_sans_for_arabic_and_replaces_what_no_font_has() {
        let shaped = shape("محمد", Style::Serif);
        assert!(shaped.runs.iter().all(|r| r.font == FontKey::Sans), "{shaped:?}");
        assert!(!shaped.text().contains(replacement_char()));
        let shaped = shape("李小龙", Style::Regular);
        assert_eq!(shaped.text(), replacement_char().to_string().repeat(3));
    }

    #[test]
    fn mixed_direction_keeps_latin_left_to_right() {
        let shaped = shape("Smith שלום Jones", Style::Regular);
        let text = shaped.text();
        assert!(text.starts_with("Smith "), "{text}");
        assert!(text.ends_with("Jones"), "{text}");
    }
}
