//! Cleaning input text, and wrapping and shrinking it into a box of bounded size.

use crate::fonts::{Shaped, Style, shape};

/// Characters that draw nothing (format and bidi controls, soft hyphens, variation selectors,
/// tags, noncharacters): dropped, since the fonts have no glyph for them and PDF/A forbids
/// drawing `.notdef`. Bidi order comes from the Unicode bidi algorithm instead.
fn is_ignorable(c: char) -> bool {
    let u = c as u32;
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' | '\u{FDD0}'..='\u{FDEF}')
        || u & 0xFFFE == 0xFFFE
}

/// One line of text from any string: control characters and runs of white space become one
/// space, invisible characters are dropped, the ends are trimmed, and text longer than
/// `max_chars` characters is cut off with an ellipsis (no field of a certificate can show more,
/// and it bounds the work).
pub(crate) fn clean(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars * 4));
    let mut pending_space = false;
    let mut count = 0;
    for c in s.chars() {
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_ignorable(c) {
            continue;
        }
        if count == max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// A piece of text that is not broken unless it is wider than a whole line, with the glue that
/// goes before it when it does not start a line.
#[derive(Clone, Debug)]
pub(crate) struct Atom {
    pub text: String,
    pub glue: &'static str,
}

/// The words of a cleaned text, glued with spaces.
pub(crate) fn words(text: &str) -> Vec<Atom> {
    text.split(' ').filter(|w| !w.is_empty()).map(|w| Atom { text: w.to_string(), glue: " " }).collect()
}

/// Pieces of a URL or code: it may break after `/`, `.`, `-`, `?`, `&` or `=`.
pub(crate) fn url_parts(text: &str) -> Vec<Atom> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if matches!(c, '/' | '.' | '-' | '?' | '&' | '=' | ' ') {
            out.push(Atom { text: std::mem::take(&mut current), glue: "" });
        }
    }
    if !current.is_empty() {
        out.push(Atom { text: current, glue: "" });
    }
    out
}

/// Items of a list, each kept whole on a line where possible, glued with a middle dot.
pub(crate) fn items(list: &[String]) -> Vec<Atom> {
    list.iter().filter(|s| !s.is_empty()).map(|s| Atom { text: s.clone(), glue: "  ·  " }).collect()
}

/// Text wrapped into lines at one font size.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    pub size: f32,
    pub lines: Vec<Shaped>,
    /// Whether text was cut off (the last line ends in an ellipsis).
    pub truncated: bool,
}

impl Block {
    /// Its height with line height `leading` × size.
    pub fn height(&self, leading: f32) -> f32 {
        self.lines.len() as f32 * self.size * leading
    }
}

/// Box limits for [`fit`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fit {
    pub style: Style,
    pub max_width: f32,
    pub max_lines: usize,
    pub max_size: f32,
    pub min_size: f32,
    /// Also at most this height (with this line height × size), if given: see [`lines_in`].
    pub max_height: Option<(f32, f32)>,
}

/// How many lines of `size` with line height `leading` × size fit in `height`, as [`Block::height`]
/// counts them.
pub(crate) fn lines_in(height: f32, size: f32, leading: f32) -> usize {
    (height / (size * leading)).floor().max(0.0) as usize
}

/// Wraps atoms into at most `max_lines` lines no wider than `max_width`, at the largest font
/// size from `max_size` down to `min_size` (in steps of half a point) that fits; when even the
/// smallest does not, the last line ends in an ellipsis. Never returns a line wider than
/// `max_width` (unless a single character is).
pub(crate) fn fit(atoms: &[Atom], f: Fit) -> Block {
    // Widths scale with the size, so every piece is shaped once, in em.
    let pieces: Vec<(String, f32, &'static str, f32)> = atoms
        .iter()
        .map(|a| (a.text.clone(), shape(&a.text, f.style).width_em, a.glue, shape(a.glue, f.style).width_em))
        .collect();
    let mut size = f.max_size.max(f.min_size);
    loop {
        let max_em = f.max_width / size;
        let max_lines = match f.max_height {
            Some((height, leading)) => f.max_lines.min(lines_in(height, size, leading)),
            None => f.max_lines,
        };
        let lines = wrap(&pieces, max_em, f.style);
        if lines.len() <= max_lines || size <= f.min_size {
            let mut lines = lines;
            let truncated = lines.len() > max_lines;
            if truncated {
                lines.truncate(max_lines.max(1));
                if let Some(last) = lines.last_mut() {
                    *last = with_ellipsis(last, max_em, f.style);
                }
            }
            return Block { size, lines: lines.iter().map(|l| shape(l, f.style)).collect(), truncated };
        }
        size = (size - 0.5).max(f.min_size);
    }
}

/// The first of several fits that needs no ellipsis, else the last: e.g. shrink a name a little
/// on one line before wrapping it onto two.
pub(crate) fn fit_first(atoms: &[Atom], fits: &[Fit]) -> Block {
    let mut block = Block { size: 0.0, lines: Vec::new(), truncated: false };
    for f in fits {
        block = fit(atoms, *f);
        if !block.truncated {
            break;
        }
    }
    block
}

/// Greedy line breaking of measured pieces (text, width, glue, glue width) in em.
fn wrap(pieces: &[(String, f32, &'static str, f32)], max_em: f32, style: Style) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for (text, w, glue, glue_w) in pieces {
        if !line.is_empty() && width + glue_w + w <= max_em {
            line.push_str(glue);
            line.push_str(text);
            width += glue_w + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if *w <= max_em {
            line.push_str(text);
            width = *w;
        } else {
            let mut chunks = break_chars(text, max_em, style);
            line = chunks.pop().unwrap_or_default();
            width = shape(&line, style).width_em;
            lines.extend(chunks);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Breaks a piece wider than a line: at its last space that fits, else between characters.
fn break_chars(text: &str, max_em: f32, style: Style) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for c in text.chars() {
        let w = shape(c.encode_utf8(&mut [0; 4]), style).width_em;
        if !line.is_empty() && width + w > max_em {
            match line.rfind(' ').filter(|i| *i > 0) {
                Some(i) => {
                    let rest = line[i + 1..].to_string();
                    line.truncate(i);
                    out.push(std::mem::replace(&mut line, rest));
                    width = shape(&line, style).width_em;
                }
                None => {
                    out.push(std::mem::take(&mut line));
                    width = 0.0;
                }
            }
        }
        line.push(c);
        width += w;
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

fn with_ellipsis(line: &str, max_em: f32, style: Style) -> String {
    let mut s = line.trim_end().to_string();
    loop {
        let candidate = format!("{s}…");
        if s.is_empty() || shape(&candidate, style).width_em <= max_em {
            return candidate;
        }
        s.pop();
        let trimmed = s.trim_end().len();
        s.truncate(trimmed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_collapses_controls_and_drops_invisibles() {
        assert_eq!(clean("  a\tb\n\n c\u{0}d\u{200F}e\u{FEFF}\u{FFFF} ", 100), "a b c de");
        assert_eq!(clean("abcdef", 3), "abc…");
        assert_eq!(clean("\u{7}\u{1b}", 10), "");
    }

    #[test]
    fn fit_keeps_every_line_inside_the_box() {
        let text = clean(&"Samenwerken in de keten van zorg en veiligheid ".repeat(5), 1000);
        let f = Fit {
            style: Style::Bold,
            max_width: 300.0,
            max_lines: 3,
            max_size: 17.0,
            min_size: 11.0,
            max_height: None,
        };
        let block = fit(&words(&text), f);
        assert!(block.lines.len() <= 3);
        assert!(block.size >= 11.0 && block.size <= 17.0);
        for line in &block.lines {
            assert!(line.width(block.size) <= 300.0 + 0.01, "{}", line.width(block.size));
        }
        assert!(block.lines.last().unwrap().text().ends_with('…'));
    }

    #[test]
    fn short_text_keeps_the_largest_size_and_long_words_break() {
        let f = Fit {
            style: Style::Regular,
            max_width: 100.0,
            max_lines: 5,
            max_size: 12.0,
            min_size: 6.0,
            max_height: None,
        };
        assert_eq!(fit(&words("Zoë"), f).size, 12.0);
        let block = fit(&url_parts(&"x".repeat(200)), f);
        assert!(block.lines.len() > 1 && block.lines.len() <= 5);
        for line in &block.lines {
            assert!(line.width(block.size) <= 100.0 + 0.01);
        }
    }
}
