//! Mail in the tests: the SMTP server is testkit's (`SmtpSink`: aiosmtpd, a real SMTP server);
//! calendar parts are read back with an independent parser.

pub use leerweek_testkit::SmtpSink;

/// The VEVENT properties of a calendar body, read by an independent parser (the `ical` crate).
pub fn calendar_props(body: &str) -> (String, std::collections::HashMap<String, String>) {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("a valid calendar");
    let method = cal.properties.iter().find(|p| p.name == "METHOD").and_then(|p| p.value.clone()).unwrap_or_default();
    let event = cal.events.first().expect("one event");
    let props = event.properties.iter().map(|p| (p.name.clone(), p.value.clone().unwrap_or_default())).collect();
    (method, props)
}
