//! Certificates of attendance and development portfolios as PDF/A-2b documents.
//!
//! Plain data in, PDF bytes out: no IO, no async, no database. The PDFs are written with krilla,
//! which validates PDF/A-2b itself while writing (a document that would not conform is a
//! [`RenderError::NotPdfA`], never bytes). Text is real text (selectable and extractable) in
//! embedded subsets of the DejaVu fonts (DejaVu Sans and DejaVu Serif, regular and bold, from
//! the `dejavu` crate 2.37: Bitstream Vera and Arev font licences, DejaVu's own changes in the
//! public domain; free, embeddable, and usable from EUPL-1.2 code; the licence text is in
//! `LICENSE-DejaVu-fonts.txt` beside this crate).
//!
//! Any string is accepted: control characters and runs of white space become one space,
//! invisible characters (bidi controls, zero-width characters, variation selectors) are dropped,
//! right-to-left text is ordered by the Unicode bidi algorithm, and a character that none of the
//! fonts has (Chinese, most emoji) is drawn as U+FFFD "�", since PDF/A forbids the `.notdef`
//! glyph. Long text wraps, then shrinks, then is cut off with an ellipsis: nothing runs off the
//! page. The same input gives the same bytes: the creation date is the issue date and the
//! document identifiers are hashes of the content.

mod certificate;
mod draw;
mod fonts;
#[cfg(test)]
mod layout_tests;
mod portfolio;
mod qr;
mod text;
mod wording;

use chrono::{NaiveDate, NaiveTime};

/// The language of a document's fixed wording, dates and metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    /// Dutch (nl-NL).
    Nl,
    /// English (en-GB).
    En,
}

/// A certificate of attendance of one person at one session of a workshop.
#[derive(Clone, Debug, PartialEq)]
pub struct Certificate {
    /// The language of the certificate.
    pub language: Language,
    /// The participant's name as it is to be printed.
    pub person_name: String,
    /// The workshop's title.
    pub workshop_title: String,
    /// The day of the session in Europe/Amsterdam.
    pub session_date: NaiveDate,
    /// When the session started (local time).
    pub starts: NaiveTime,
    /// When the session ended (local time).
    pub ends: NaiveTime,
    /// The study time credited, in minutes (printed as hours: 150 → "2,5 uur" / "2.5 hours").
    /// It is its own field since it need not equal `ends - starts` (breaks).
    pub minutes: u32,
    /// The skills the workshop develops, named in the certificate's language.
    pub skills: Vec<String>,
    /// The organisation that hosted the session, e.g. "Gemeente Enkhuizen".
    pub host_organisation: String,
    /// The trainer, if the certificate is to name one.
    pub trainer: Option<String>,
    /// The learning week, e.g. "Meester in je Werk-week 2026".
    pub event_name: String,
    /// The code that verifies the certificate, e.g. "K7QF-2M9X-C4TD".
    pub verification_code: String,
    /// Where the certificate can be verified; printed as text and as a QR code.
    pub verification_url: String,
    /// The day the certificate was issued; also the PDF's creation date.
    pub issued_on: NaiveDate,
    /// The issuer: the name of this Leerweek installation, e.g. "Leerweek SED".
    pub installation_name: String,
}

/// A person's development record: sections of text and tables of sessions attended.
#[derive(Clone, Debug, PartialEq)]
pub struct Portfolio {
    /// The language of the portfolio.
    pub language: Language,
    /// The person the portfolio is about.
    pub person_name: String,
    /// The day the portfolio was compiled; also the PDF's creation date.
    pub generated_on: NaiveDate,
    /// The issuer: the name of this Leerweek installation, shown in every page's footer.
    pub installation_name: String,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

/// A section of a portfolio: a heading, paragraphs, then a table of sessions if there are any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    /// The section's heading.
    pub heading: String,
    /// Paragraphs of text, each wrapped to the page width; a paragraph may span pages.
    pub paragraphs: Vec<String>,
    /// Sessions shown as a table (date | workshop | hours | certificate code); no table when
    /// empty. Long tables continue on the next page with the header repeated.
    pub sessions: Vec<SessionRow>,
}

/// One row of a portfolio's table of sessions.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    /// The day of the session in Europe/Amsterdam.
    pub date: NaiveDate,
    /// The workshop's title.
    pub workshop: String,
    /// The study time credited, in minutes (printed as hours).
    pub minutes: u32,
    /// The verification code of the certificate for this session, if one was issued.
    pub certificate_code: Option<String>,
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The verification URL does not fit in a QR code (it has a few thousand bytes at most).
    #[error("the verification URL cannot be encoded as a QR code: {0}")]
    QrCode(String),
    /// krilla's PDF/A-2b validation refused the document; lists what it found.
    #[error("the document would not conform to PDF/A-2b: {0}")]
    NotPdfA(String),
    /// krilla could not write the document.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// Renders a certificate of attendance: one A4 page, PDF/A-2b.
pub fn render_certificate(c: &Certificate) -> Result<Vec<u8>, RenderError> {
    let (page, meta) = certificate::layout(c)?;
    draw::write(&[page], meta)
}

/// Renders a portfolio: A4 pages, PDF/A-2b, numbered "page n of m".
pub fn render_portfolio(p: &Portfolio) -> Result<Vec<u8>, RenderError> {
    let (pages, meta) = portfolio::layout(p);
    draw::write(&pages, meta)
}
