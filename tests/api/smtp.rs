//! A real SMTP server for tests: `tests/support/smtp_sink.py` (aiosmtpd) on a free loopback
//! port, each accepted message stored as a file; stoppable and restartable on the same port.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub struct SmtpSink {
    pub port: u16,
    pub dir: PathBuf,
    child: Option<Child>,
    _tmp: tempfile::TempDir,
}

/// One received message, parsed.
#[derive(Debug, Clone)]
pub struct Received {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
    /// (method parameter of the Content-Type, body) of the text/calendar part.
    pub calendar: Option<(String, String)>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpSink {
    /// A sink that is not running yet (for outage tests): its port refuses connections.
    pub fn stopped() -> SmtpSink {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("received");
        SmtpSink { port: free_port(), dir, child: None, _tmp: tmp }
    }

    pub fn start() -> SmtpSink {
        let mut s = Self::stopped();
        s.run();
        s
    }

    /// Start (again) on the same port; returns when it listens.
    pub fn run(&mut self) {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&self.dir)
            .arg(self.port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd; ./scripts/test installs it)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "SMTP sink did not start: install aiosmtpd");
        self.child = Some(child);
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn config(&self) -> leerweek_mailer::MailerConfig {
        leerweek_mailer::MailerConfig {
            transport: leerweek_mailer::Transport::Smtp(leerweek_mailer::SmtpConfig {
                host: "127.0.0.1".into(),
                port: self.port,
                tls: leerweek_mailer::SmtpTls::None,
                credentials: None,
            }),
            retry_base: chrono::Duration::milliseconds(20),
            lease: chrono::Duration::seconds(30),
            batch: 500,
            ..Default::default()
        }
    }

    /// Everything received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return vec![] };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files.iter().map(|f| parse(&std::fs::read(f).unwrap())).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn parse(raw: &[u8]) -> Received {
    use mailparse::MailHeaderMap;
    let m = mailparse::parse_mail(raw).expect("a MIME message");
    let header = |h: &str| m.headers.get_first_value(h).unwrap_or_default();
    let mut r = Received {
        message_id: header("Message-ID"),
        to: header("To"),
        subject: header("Subject"),
        text: None,
        html: None,
        calendar: None,
    };
    let mut stack = vec![&m];
    while let Some(part) = stack.pop() {
        stack.extend(part.subparts.iter());
        match part.ctype.mimetype.as_str() {
            "text/plain" => r.text = part.get_body().ok(),
            "text/html" => r.html = part.get_body().ok(),
            "text/calendar" => {
                let method = part.ctype.params.get("method").cloned().unwrap_or_default();
                r.calendar = part.get_body().ok().map(|b| (method, b));
            }
            _ => {}
        }
    }
    r
}

/// The VEVENT properties of a calendar body, read by an independent parser (the `ical` crate).
pub fn calendar_props(body: &str) -> (String, std::collections::HashMap<String, String>) {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("a valid calendar");
    let method = cal.properties.iter().find(|p| p.name == "METHOD").and_then(|p| p.value.clone()).unwrap_or_default();
    let event = cal.events.first().expect("one event");
    let props = event.properties.iter().map(|p| (p.name.clone(), p.value.clone().unwrap_or_default())).collect();
    (method, props)
}
