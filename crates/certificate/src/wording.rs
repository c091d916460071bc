//! The fixed Dutch and English wording, dates and durations written out.

use chrono::{Datelike, NaiveDate, NaiveTime};

use crate::Language;

/// Fixed text of the documents in one language.
pub(crate) struct Words {
    pub lang_tag: &'static str,
    pub certificate: &'static str,
    pub certify_that: &'static str,
    pub attended: &'static str,
    pub date: &'static str,
    pub time: &'static str,
    pub host: &'static str,
    pub trainer: &'static str,
    pub skills: &'static str,
    pub issued_by: &'static str,
    pub issued_on: &'static str,
    pub code: &'static str,
    pub verify_at: &'static str,
    pub portfolio: &'static str,
    pub generated_on: &'static str,
    pub col_date: &'static str,
    pub col_workshop: &'static str,
    pub col_hours: &'static str,
    pub col_certificate: &'static str,
    pub page_of: fn(usize, usize) -> String,
}

const NL: Words = Words {
    lang_tag: "nl-NL",
    certificate: "Bewijs van deelname",
    certify_that: "Hierbij wordt verklaard dat",
    attended: "heeft deelgenomen aan",
    date: "Datum",
    time: "Tijd",
    host: "Georganiseerd door",
    trainer: "Trainer",
    skills: "Vaardigheden",
    issued_by: "Uitgereikt door",
    issued_on: "op",
    code: "Verificatiecode",
    verify_at: "Controleer echtheid op",
    portfolio: "Ontwikkelportfolio",
    generated_on: "Samengesteld op",
    col_date: "Datum",
    col_workshop: "Workshop",
    col_hours: "Uren",
    col_certificate: "Certificaat",
    page_of: |page, pages| format!("Pagina {page} van {pages}"),
};

const EN: Words = Words {
    lang_tag: "en-GB",
    certificate: "Certificate of attendance",
    certify_that: "This is to certify that",
    attended: "attended",
    date: "Date",
    time: "Time",
    host: "Hosted by",
    trainer: "Trainer",
    skills: "Skills",
    issued_by: "Issued by",
    issued_on: "on",
    code: "Verification code",
    verify_at: "Verify at",
    portfolio: "Development portfolio",
    generated_on: "Compiled on",
    col_date: "Date",
    col_workshop: "Workshop",
    col_hours: "Hours",
    col_certificate: "Certificate",
    page_of: |page, pages| format!("Page {page} of {pages}"),
};

/// The wording of a language.
pub(crate) fn words(language: Language) -> &'static Words {
    match language {
        Language::Nl => &NL,
        Language::En => &EN,
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date written out: "12 november 2026" or "12 November 2026".
pub(crate) fn date(language: Language, d: NaiveDate) -> String {
    let months = match language {
        Language::Nl => &MONTHS_NL,
        Language::En => &MONTHS_EN,
    };
    format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
}

/// A short date for tables: "12-11-2026" or "12/11/2026".
pub(crate) fn short_date(language: Language, d: NaiveDate) -> String {
    match language {
        Language::Nl => d.format("%d-%m-%Y").to_string(),
        Language::En => d.format("%d/%m/%Y").to_string(),
    }
}

/// A time span: "09:30–12:00 uur" or "09:30–12:00".
pub(crate) fn times(language: Language, starts: NaiveTime, ends: NaiveTime) -> String {
    let span = format!("{}–{}", starts.format("%H:%M"), ends.format("%H:%M"));
    match language {
        Language::Nl => format!("{span} uur"),
        Language::En => span,
    }
}

/// A number of minutes as hours with at most two decimals, in the language's decimal sign:
/// 150 → "2,5" or "2.5"; 100 → "1,67" or "1.67".
pub(crate) fn hours_number(language: Language, minutes: u32) -> String {
    let hundredths = (u64::from(minutes) * 100 + 30) / 60;
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    let sep = match language {
        Language::Nl => ",",
        Language::En => ".",
    };
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}{sep}{}", f / 10),
        f => format!("{whole}{sep}{f:02}"),
    }
}

/// A duration: "2,5 uur", "1 hour", "2.5 hours".
pub(crate) fn hours(language: Language, minutes: u32) -> String {
    let n = hours_number(language, minutes);
    match language {
        Language::Nl => format!("{n} uur"),
        Language::En if n == "1" => "1 hour".to_string(),
        Language::En => format!("{n} hours"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_hours_are_written_out_per_language() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 12).unwrap();
        assert_eq!(date(Language::Nl, d), "12 november 2026");
        assert_eq!(date(Language::En, d), "12 November 2026");
        assert_eq!(short_date(Language::Nl, d), "12-11-2026");
        assert_eq!(hours(Language::Nl, 150), "2,5 uur");
        assert_eq!(hours(Language::En, 150), "2.5 hours");
        assert_eq!(hours(Language::En, 60), "1 hour");
        assert_eq!(hours(Language::Nl, 100), "1,67 uur");
        assert_eq!(hours(Language::En, 0), "0 hours");
        assert_eq!(hours(Language::Nl, u32::MAX), "71582788,25 uur");
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(times(Language::Nl, t(9, 30), t(12, 0)), "09:30–12:00 uur");
    }
}
