//! QR codes of personal check-in codes: SVG for the web app, PNG for mail (mail programs show
//! PNG images and many do not show SVG).

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel, QrCode, Version};

/// Medium error correction: survives a scratched phone screen, stays small.
const EC: EcLevel = EcLevel::M;

fn code(text: &str) -> Option<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EC).ok()
}

/// The modules of the QR code of `text` (row by row) and its width: the very code of
/// [`QrCode::with_error_correction_level`], whose choice of mask costs more than everything else
/// in a confirmation mail (its penalty rules allocate a closure for every module of every
/// mask: a third of the mail worker's CPU, measured with `perf` in issue 24). The same eight
/// masks are tried in the same order and scored with the same rules (ISO/IEC 18004 §7.8.3, as
/// the crate counts them), on plain colours.
fn modules(text: &str) -> Option<(Vec<Color>, usize)> {
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EC).ok()?;
    let version = bits.version();
    let Version::Normal(_) = version else { return None };
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EC).ok()?;
    let mut canvas = Canvas::new(version, EC);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let width = version.width() as usize;
    const MASKS: [MaskPattern; 8] = [
        MaskPattern::Checkerboard,
        MaskPattern::HorizontalLines,
        MaskPattern::VerticalLines,
        MaskPattern::DiagonalLines,
        MaskPattern::LargeCheckerboard,
        MaskPattern::Fields,
        MaskPattern::Diamonds,
        MaskPattern::Meadow,
    ];
    MASKS
        .iter()
        .map(|&mask| {
            let mut c = canvas.clone();
            c.apply_mask(mask);
            c.into_colors()
        })
        .min_by_key(|colors| penalty(colors, width))
        .map(|colors| (colors, width))
}

/// The penalty of a masked code, as `qrcode` counts it (its `compute_total_penalty_scores`).
fn penalty(colors: &[Color], w: usize) -> u16 {
    let rows: Vec<bool> = colors.iter().map(|c| *c == Color::Dark).collect();
    let mut columns = vec![false; rows.len()];
    for y in 0..w {
        for x in 0..w {
            columns[x * w + y] = rows[y * w + x];
        }
    }
    let mut score: u16 = 0;
    for lines in [&rows, &columns] {
        for line in lines.chunks_exact(w) {
            score = score.wrapping_add(line_penalty(line));
        }
        // The three finders' own nine lines in each direction.
        score = score.wrapping_sub(360);
    }
    // 2×2 blocks of one colour: 3 each.
    for y in 0..w - 1 {
        let (top, bottom) = (&rows[y * w..(y + 1) * w], &rows[(y + 1) * w..(y + 2) * w]);
        for x in 0..w - 1 {
            let c = top[x];
            if c == top[x + 1] && c == bottom[x] && c == bottom[x + 1] {
                score = score.wrapping_add(3);
            }
        }
    }
    // Balance of dark and light.
    let ratio = rows.iter().filter(|d| **d).count() * 200 / rows.len();
    score.wrapping_add(ratio.abs_diff(100) as u16)
}

/// One row or column: runs of five or more of one colour (3 + (length - 5) each), and
/// finder-like patterns (dark light dark dark dark light dark) without a dark module among the
/// four (or fewer, at the edge) on one side (40 each).
fn line_penalty(line: &[bool]) -> u16 {
    const FINDER: [bool; 7] = [true, false, true, true, true, false, true];
    let w = line.len();
    let mut score: u16 = 0;
    let mut run = 1u16;
    for j in 1..=w {
        if j < w && line[j] == line[j - 1] {
            run += 1;
        } else {
            if run >= 5 {
                score = score.wrapping_add(run - 2);
            }
            run = 1;
        }
    }
    for j in 0..w.saturating_sub(6) {
        if line[j..j + 7] != FINDER {
            continue;
        }
        let before = line[j.saturating_sub(4)..j].iter().any(|d| *d);
        let after = line[j + 7..(j + 11).min(w)].iter().any(|d| *d);
        if !before || !after {
            score = score.wrapping_add(40);
        }
    }
    score
}

/// The QR code of `text` as an SVG document (empty when the text is too long for a QR code).
pub fn svg(text: &str) -> String {
    code(text)
        .map(|c| {
            c.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .dark_color(qrcode::render::svg::Color("#000000"))
                .light_color(qrcode::render::svg::Color("#ffffff"))
                .build()
        })
        .unwrap_or_default()
}

/// The QR code of `text` as a black-and-white PNG, `scale` pixels a module, with the quiet zone
/// of four modules around it.
pub fn png(text: &str, scale: usize) -> Vec<u8> {
    let Some((colors, modules)) = self::modules(text) else { return Vec::new() };
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    // One bit a pixel (1 = white), rows padded to whole bytes: an eighth of the bytes to
    // compress, and the same picture.
    let row_bytes = side.div_ceil(8);
    let mut pixels = vec![0xffu8; row_bytes * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (mx, my) = (i % modules + quiet, i / modules + quiet);
            for y in my * scale..(my + 1) * scale {
                for x in mx * scale..(mx + 1) * scale {
                    pixels[y * row_bytes + x / 8] &= !(0x80 >> (x % 8));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::One);
    // Each row of modules repeats `scale` times: the Up filter makes the repeats zeros.
    enc.set_compression(png::Compression::Fastest);
    let written = enc.write_header().and_then(|mut w| w.write_image_data(&pixels));
    if written.is_err() {
        return Vec::new();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_modules_are_the_crates_own_code_with_the_same_mask() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(24);
        let alphabet: Vec<char> = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".chars().collect();
        let mut texts: Vec<String> = (0..300)
            .map(|_| (0..rng.random_range(6..=40)).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect())
            .collect();
        texts.extend(["K7Q3M9XP2A4B", "https://leerweek.example/inchecken/K7Q3-M9XP", "0", "ééé"].map(String::from));
        for text in texts {
            let crate_code = super::code(&text).expect("a code");
            let (ours, width) = super::modules(&text).expect("our code");
            assert_eq!(width, crate_code.width(), "{text}");
            assert!(ours == crate_code.to_colors(), "a different code (another mask?) for {text}");
        }
    }

    #[test]
    fn qr_codes_render_as_svg_and_png() {
        let svg = super::svg("K7Q3M9XP2A4B");
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        let png = super::png("K7Q3M9XP2A4B", 4);
        assert_eq!(&png[1..4], b"PNG");
        // A version-1 code (21 modules) plus the quiet zone, four pixels a module.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), (21 + 8) * 4);
    }

    #[test]
    fn the_png_shows_every_module_of_the_code() {
        let (text, scale, quiet) = ("K7Q3M9XP2A4B", 3, 4);
        let code = super::code(text).unwrap();
        let (modules, colors) = (code.width(), code.to_colors());
        let mut decoder = png::Decoder::new(std::io::Cursor::new(super::png(text, scale)));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let side = (modules + 2 * quiet) * scale;
        assert_eq!((info.width as usize, info.height as usize), (side, side));
        let at = |x: usize, y: usize| buf[y * info.line_size + x];
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = ((x / scale).wrapping_sub(quiet), (y / scale).wrapping_sub(quiet));
                let dark = mx < modules && my < modules && colors[my * modules + mx] == qrcode::Color::Dark;
                assert_eq!(at(x, y), if dark { 0 } else { 255 }, "pixel ({x}, {y})");
            }
        }
    }
}
