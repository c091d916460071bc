//! The few server-rendered pages (sign-in, demo picker, feedback form): one frame, one CSP
//! (no script at all; inline styles and same-origin forms only), one way to escape text.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Escape text for HTML content and attribute values.
pub fn escape(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A Dutch page titled `title` with heading `heading` around `body` (already HTML).
pub fn page(status: StatusCode, title: &str, heading: &str, body: &str) -> Response {
    page_in(leerweek_domain::Language::Nl, status, title, heading, body)
}

/// [`page`] in the language `lang` (its `lang` attribute, for screen readers).
pub fn page_in(
    lang: leerweek_domain::Language,
    status: StatusCode,
    title: &str,
    heading: &str,
    body: &str,
) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5">
<main><h1>{heading}</h1>
{body}</main></body></html>"#,
        title = escape(title),
        heading = escape(heading),
        lang = lang.as_str(),
    );
    (
        status,
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        )],
        Html(html),
    )
        .into_response()
}
