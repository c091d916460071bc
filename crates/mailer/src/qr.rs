//! QR codes of personal check-in codes: SVG for the web app, PNG for mail (mail programs show
//! PNG images and many do not show SVG).

use qrcode::{Color, EcLevel, QrCode};

fn code(text: &str) -> Option<QrCode> {
    // Medium error correction: survives a scratched phone screen, stays small.
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()
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
    let Some(c) = code(text) else { return Vec::new() };
    let modules = c.width();
    let colors = c.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (mx, my) = (i % modules + quiet, i / modules + quiet);
            for y in my * scale..(my + 1) * scale {
                pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let written = enc.write_header().and_then(|mut w| w.write_image_data(&pixels));
    if written.is_err() {
        return Vec::new();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn qr_codes_render_as_svg_and_png() {
        let svg = super::svg("K7Q3M9XP2A4B");
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        let png = super::png("K7Q3M9XP2A4B", 4);
        assert_eq!(&png[1..4], b"PNG");
        // A version-1 code (21 modules) plus the quiet zone, four pixels a module.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), (21 + 8) * 4);
    }
}
