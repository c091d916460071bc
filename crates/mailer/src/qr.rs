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
    enc.set_compression(png::Compression::Fast);
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
