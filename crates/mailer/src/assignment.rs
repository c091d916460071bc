//! The template context of the Klussenbank's mails: the klus's facts worded for the reader
//! (organisation, hours a week, period or "in overleg", where), the poster's message, and the
//! weekly digest of a saved search. These mails have no session.

use chrono::NaiveDate;
use leerweek_domain::{Language, MailKind};
use serde_json::{Value, json};

/// The mails about a klus (their payload's `extra.assignment` is the klus).
pub(crate) fn is_assignment(kind: MailKind) -> bool {
    matches!(
        kind,
        MailKind::AssignmentResponse
            | MailKind::AssignmentInvited
            | MailKind::AssignmentDeclined
            | MailKind::AssignmentSelected
            | MailKind::ConsentRequest
            | MailKind::AssignmentConsented
            | MailKind::AssignmentNotConsented
            | MailKind::AssignmentDone
            | MailKind::AssignmentDigest
            | MailKind::AssignmentWithdrawn
    )
}

/// The keys of `extra.assignment` the templates read; each is there (its texts empty when the
/// payload lacks them), so a template neither reads an attribute of nothing nor prints "none".
const KEYS: [&str; 11] = [
    "id",
    "title",
    "organisation_name",
    "unit_name",
    "hours_per_week",
    "starts_on",
    "ends_on",
    "place",
    "location",
    "contact_name",
    "contact_email",
];

/// Add the klus's context to `ctx`, from the payload's `extra`, in `lang`.
pub(crate) fn add(ctx: &mut Value, extra: &Value, lang: Language) {
    let a = &extra["assignment"];
    let assignment: serde_json::Map<String, Value> = KEYS
        .iter()
        .map(|k| {
            let v = match &a[*k] {
                Value::Null if *k != "id" && *k != "hours_per_week" => json!(""),
                v => v.clone(),
            };
            ((*k).to_owned(), v)
        })
        .collect();
    let organisation = [&a["organisation_name"], &a["unit_name"]]
        .iter()
        .filter_map(|v| v.as_str().filter(|s| !s.trim().is_empty()))
        .collect::<Vec<_>>()
        .join(", ");
    let digest: Vec<Value> = extra["assignments"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|k| {
                    json!({
                        "id": k["id"],
                        "title": k["title"].as_str().unwrap_or(""),
                        "organisation_name": k["organisation_name"].as_str().unwrap_or(""),
                        "hours": hours(&k["hours_per_week"], lang),
                        "closes": date(&k["closes_on"], lang),
                        "place_words": place_words(&k["place"], lang),
                        "percent": k["percent"].as_f64().map(|p| p.round().clamp(0.0, 100.0) as i64),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let set = |ctx: &mut Value, key: &str, v: Value| ctx[key] = v;
    set(ctx, "assignment", Value::Object(assignment));
    set(ctx, "organisation", json!(organisation));
    set(ctx, "hours", json!(hours(&a["hours_per_week"], lang)));
    set(ctx, "period", json!(period(&a["starts_on"], &a["ends_on"], lang)));
    set(ctx, "place_words", json!(place_words(&a["place"], lang)));
    set(ctx, "message", text(&extra["message"]));
    set(ctx, "reason", text(&extra["reason"]));
    set(ctx, "person_organisation", text(&extra["person_organisation"]));
    set(ctx, "person_name", json!(extra["person_name"].as_str().unwrap_or("")));
    set(ctx, "for_poster", json!(extra["for_poster"].as_bool().unwrap_or(false)));
    set(ctx, "was_selected", json!(extra["was_selected"].as_bool().unwrap_or(false)));
    set(ctx, "digest", json!(digest));
}

/// A text someone typed, or null when there is none (blank counts as none).
fn text(v: &Value) -> Value {
    v.as_str().filter(|s| !s.trim().is_empty()).map_or(Value::Null, |s| json!(s.trim()))
}

/// "8 uur per week" / "8 hours a week"; empty when unknown.
fn hours(v: &Value, lang: Language) -> String {
    let Some(h) = v.as_f64() else { return String::new() };
    let n = if h.fract() == 0.0 { format!("{h:.0}") } else { format!("{h}") };
    match lang {
        Language::Nl => format!("{} uur per week", n.replace('.', ",")),
        Language::En if h == 1.0 => "1 hour a week".to_owned(),
        Language::En => format!("{n} hours a week"),
    }
}

/// "on_site" | "remote" | "hybrid" in words; empty when unknown.
fn place_words(v: &Value, lang: Language) -> &'static str {
    match (v.as_str(), lang) {
        (Some("on_site"), Language::Nl) => "op locatie",
        (Some("on_site"), Language::En) => "on site",
        (Some("remote"), Language::Nl) => "op afstand",
        (Some("remote"), Language::En) => "remote",
        (Some("hybrid"), Language::Nl) => "hybride",
        (Some("hybrid"), Language::En) => "hybrid",
        _ => "",
    }
}

/// A date (YYYY-MM-DD) as "1 december 2026" / "1 December 2026"; empty when there is none.
fn date(v: &Value, lang: Language) -> String {
    let Some(d) = v.as_str().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) else {
        return String::new();
    };
    match lang {
        Language::Nl => leerweek_domain::dates::dutch_date(d),
        Language::En => d.format("%-d %B %Y").to_string(),
    }
}

/// The period of a klus: "1 december 2026 – 31 maart 2027", from or until one date, or
/// "in overleg" / "by arrangement" without dates.
fn period(starts: &Value, ends: &Value, lang: Language) -> String {
    match (date(starts, lang), date(ends, lang), lang) {
        (s, e, _) if !s.is_empty() && !e.is_empty() => format!("{s} – {e}"),
        (s, _, Language::Nl) if !s.is_empty() => format!("vanaf {s}"),
        (s, _, Language::En) if !s.is_empty() => format!("from {s}"),
        (_, e, Language::Nl) if !e.is_empty() => format!("tot en met {e}"),
        (_, e, Language::En) if !e.is_empty() => format!("until {e}"),
        (_, _, Language::Nl) => "in overleg".to_owned(),
        (_, _, Language::En) => "by arrangement".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_klus_is_worded_for_the_reader_and_missing_facts_leave_nothing_odd() {
        let extra = json!({"assignment": {"title": "Archief", "organisation_name": "Gemeente Nuenen", "unit_name": null,
            "hours_per_week": 1, "starts_on": null, "ends_on": null, "place": "remote"}, "message": "  "});
        let mut ctx = json!({});
        add(&mut ctx, &extra, Language::Nl);
        assert_eq!(ctx["period"], "in overleg");
        assert_eq!(ctx["hours"], "1 uur per week");
        assert_eq!(ctx["place_words"], "op afstand");
        assert_eq!(ctx["organisation"], "Gemeente Nuenen");
        assert_eq!(ctx["message"], Value::Null);
        assert!(ctx["assignment"]["contact_email"] == "" && ctx["digest"] == json!([]));
        let mut ctx = json!({});
        add(&mut ctx, &json!({"assignment": null}), Language::En);
        assert_eq!((ctx["period"].as_str(), ctx["hours"].as_str()), (Some("by arrangement"), Some("")));
        assert!(ctx["assignment"].is_object());
        assert_eq!(period(&json!("2026-12-01"), &json!("2027-03-31"), Language::En), "1 December 2026 – 31 March 2027");
        assert_eq!(period(&json!("2026-12-01"), &json!("2027-03-31"), Language::Nl), "1 december 2026 – 31 maart 2027");
        assert_eq!(hours(&json!(2.5), Language::Nl), "2,5 uur per week");
    }
}
