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

/// Run worker rounds through `sink`, with links to `app`'s server (as its `public_url`), until
/// nothing is pending (bounded).
pub async fn deliver(app: &crate::harness::TestApp, sink: &SmtpSink) {
    let mut cfg = sink.config();
    cfg.base_url = app.base.clone();
    for _ in 0..200 {
        leerweek_mailer::run_once(&app.store, &cfg, chrono::Utc::now()).await.expect("worker round");
        if app.sql().await.outbox_count("pending").await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("outbox did not drain");
}

/// The address on the line of a text part that starts with `label` (`Afmelden …: https://…`).
pub fn link_after(text: &str, label: &str) -> Option<String> {
    text.lines().find(|l| l.trim_start().starts_with(label)).and_then(|l| l.split(": ").nth(1)).map(str::to_owned)
}
