//! Templates (one folder per mail: subject, text, HTML) rendered by minijinja in the
//! recipient's language.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use leerweek_domain::Language;
use minijinja::Environment;
use serde_json::Value;

macro_rules! templates {
    ($($kind:literal),+ $(,)?) => {
        &[$(
            (concat!($kind, "/subject.txt"), include_str!(concat!("../templates/", $kind, "/subject.txt"))),
            (concat!($kind, "/text.txt"), include_str!(concat!("../templates/", $kind, "/text.txt"))),
            (concat!($kind, "/html.html"), include_str!(concat!("../templates/", $kind, "/html.html"))),
        )+]
    };
}

/// Every template, compiled in.
const TEMPLATES: &[(&str, &str)] = templates!(
    "enrolment_confirmed",
    "enrolment_waitlisted",
    "enrolment_promoted",
    "enrolment_cancelled",
    "session_changed",
    "session_cancelled",
    "session_reminder",
    "sign_in_link",
    "feedback_request",
    "session_message",
    "test_mail",
    "allocation_result",
    "preferences_reminder",
    "enrolment_pending",
    "approval_request",
    "approval_declined",
    "assignment_response",
    "assignment_invited",
    "assignment_declined",
    "assignment_selected",
    "consent_request",
    "assignment_consented",
    "assignment_not_consented",
    "assignment_done",
    "assignment_digest",
    "assignment_withdrawn",
);

/// A rendered mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML.
    pub html: String,
}

/// The template engine with all mails loaded.
pub struct Renderer {
    env: Environment<'static>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// Load the templates. A template that does not parse is a build bug: the test suite renders each.
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.add_template("_layout.html", include_str!("../templates/_layout.html")).expect("layout template parses");
        env.add_template("_links.html", include_str!("../templates/_links.html")).expect("links template parses");
        env.add_template("_links.txt", include_str!("../templates/_links.txt")).expect("links template parses");
        env.add_template("_session.html", include_str!("../templates/_session.html")).expect("session template parses");
        env.add_template("_session.txt", include_str!("../templates/_session.txt")).expect("session template parses");
        env.add_template("_assignment_layout.html", include_str!("../templates/_assignment_layout.html"))
            .expect("klus layout parses");
        env.add_template("_assignment.html", include_str!("../templates/_assignment.html"))
            .expect("klus template parses");
        env.add_template("_assignment.txt", include_str!("../templates/_assignment.txt"))
            .expect("klus template parses");
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("mail template parses");
        }
        Self { env }
    }

    /// Render mail `kind` with `ctx` (which must hold `lang`).
    pub fn render(&self, kind: &str, ctx: &Value) -> Result<Rendered, minijinja::Error> {
        let get = |part: &str| -> Result<String, minijinja::Error> {
            self.env.get_template(&format!("{kind}/{part}"))?.render(ctx)
        };
        let subject = get("subject.txt")?.trim().to_owned();
        let mut ctx_html = ctx.clone();
        ctx_html["subject"] = Value::String(subject.clone());
        let html = self.env.get_template(&format!("{kind}/html.html"))?.render(&ctx_html)?;
        Ok(Rendered { subject, text: tidy(&get("text.txt")?), html })
    }

    /// The kinds that have templates.
    pub fn kinds() -> impl Iterator<Item = &'static str> {
        TEMPLATES.iter().filter_map(|(n, _)| n.strip_suffix("/subject.txt"))
    }
}

/// Collapse the blank lines that conditional template parts leave behind.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim().to_owned() + "\n"
}

/// "maandag 16 november 2026, 10:00–12:00" / "Monday 16 November 2026, 10:00–12:00" in `tz`.
pub fn when(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz, lang: Language) -> String {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let day = match lang {
        Language::Nl => leerweek_domain::dates::dutch_day(s.date_naive()),
        Language::En => s.format("%A %-d %B %Y").to_string(),
    };
    if s.date_naive() == e.date_naive() {
        format!("{day}, {}–{}", s.format("%H:%M"), e.format("%H:%M"))
    } else {
        format!("{day}, {} – {}", s.format("%H:%M"), e.format("%d-%m-%Y %H:%M"))
    }
}

/// A moment as "16-11-2026 10:00" in `tz`.
pub fn moment(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%d-%m-%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_template_renders_in_both_languages() {
        let r = Renderer::new();
        for kind in Renderer::kinds() {
            for lang in ["nl", "en"] {
                let ctx = serde_json::json!({"lang": lang, "name": "Anna", "title": "Grip op stress", "when": "x",
                    "place": "Stadhuis", "position": 3, "deadline": "y", "link": "https://example.nl/x",
                    "has_calendar": true, "by_organiser": false, "message_subject": "Ander lokaal",
                    "message_body": "Zaal 2.\nTot dan!", "sender": "Gijs", "assignment": {"title": "Archief"}});
                let m = r.render(kind, &ctx).unwrap_or_else(|e| panic!("{kind}/{lang}: {e}"));
                assert!(!m.subject.is_empty() && m.text.contains("Anna") && m.html.contains("Anna"), "{kind}/{lang}");
                assert!(m.html.contains(&format!("<html lang=\"{lang}\">")), "{kind}/{lang}");
            }
        }
    }

    #[test]
    fn html_escapes_what_people_typed() {
        let r = Renderer::new();
        let ctx = serde_json::json!({"lang": "nl", "name": "<script>x</script>", "title": "A & B", "when": "", "deadline": ""});
        let m = r.render("enrolment_confirmed", &ctx).unwrap();
        assert!(!m.html.contains("<script>x"));
        assert!(m.html.contains("A &amp; B"));
    }

    #[test]
    fn dates_are_dutch_in_amsterdam_time() {
        let s = Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap();
        let e = Utc.with_ymd_and_hms(2026, 11, 16, 11, 30, 0).unwrap();
        assert_eq!(when(s, e, chrono_tz::Europe::Amsterdam, Language::Nl), "maandag 16 november 2026, 10:00–12:30");
        assert_eq!(when(s, e, chrono_tz::Europe::Amsterdam, Language::En), "Monday 16 November 2026, 10:00–12:30");
    }
}
