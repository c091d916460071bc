//! The verification URL as a QR code, drawn as filled rectangles: one per horizontal run of dark
//! modules, which keeps the content stream small.

use qrcode::{Color, EcLevel, QrCode};

use crate::RenderError;

/// The modules of a QR code, row by row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Matrix {
    pub width: usize,
    pub dark: Vec<bool>,
}

/// Encodes `text` with medium error correction (survives a crease or a smudge on paper), or low
/// when the text is too long for that.
pub(crate) fn encode(text: &str) -> Result<Matrix, RenderError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L))
        .map_err(|e| RenderError::QrCode(e.to_string()))?;
    Ok(Matrix { width: code.width(), dark: code.to_colors().into_iter().map(|c| c == Color::Dark).collect() })
}

/// A horizontal run of dark modules: row, first column, length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RowRun {
    pub y: usize,
    pub x: usize,
    pub len: usize,
}

/// The dark modules merged into horizontal runs per row.
pub(crate) fn runs(m: &Matrix) -> Vec<RowRun> {
    let mut out = Vec::new();
    for y in 0..m.width {
        let row = &m.dark[y * m.width..(y + 1) * m.width];
        let mut x = 0;
        while x < m.width {
            if row[x] {
                let start = x;
                while x < m.width && row[x] {
                    x += 1;
                }
                out.push(RowRun { y, x: start, len: x - start });
            } else {
                x += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_exactly_the_dark_modules_of_qrcode() {
        let url = "https://leerweek.example.nl/verificatie/K7QF2M9XC4TD";
        let m = encode(url).unwrap();
        let reference = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        assert_eq!(m.width, reference.width());
        let mut drawn = vec![false; m.width * m.width];
        let runs = runs(&m);
        for r in &runs {
            for x in r.x..r.x + r.len {
                assert!(!drawn[r.y * m.width + x], "overlap");
                drawn[r.y * m.width + x] = true;
            }
        }
        let expected: Vec<bool> = reference.to_colors().into_iter().map(|c| c == Color::Dark).collect();
        assert_eq!(drawn, expected);
        assert!(runs.len() < expected.iter().filter(|d| **d).count(), "runs are merged");
    }

    #[test]
    fn too_long_text_is_an_error_not_a_panic() {
        assert!(matches!(encode(&"x".repeat(5000)), Err(RenderError::QrCode(_))));
    }
}
