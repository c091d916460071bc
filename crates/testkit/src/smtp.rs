//! The one SMTP server of the tests and the bench: aiosmtpd (`smtp_sink.py`, a real SMTP
//! server from PyPI; `./scripts/test` installs it) in a child process, listening on a port this
//! process holds ([`ReservedPort`]). It can be stopped and started again on the same port: while
//! stopped, connections are refused, as with a mail relay that is down.
//!
//! In the tests every accepted message is kept as a file and read back parsed ([`Received`]);
//! for the bench, [`SmtpSink::counting`] only counts them.

use crate::net::ReservedPort;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const SCRIPT: &str = include_str!("../smtp_sink.py");

/// An SMTP server for tests, on a loopback port of its own.
#[derive(Debug)]
pub struct SmtpSink {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Where accepted messages are kept (`None`: only counted).
    pub dir: Option<PathBuf>,
    reserved: ReservedPort,
    child: Option<Child>,
    accepted: Arc<AtomicUsize>,
    _tmp: Option<tempfile::TempDir>,
}

/// One received message, parsed.
#[derive(Debug, Clone)]
pub struct Received {
    /// `Message-ID`.
    pub message_id: String,
    /// `To`.
    pub to: String,
    /// `Subject`.
    pub subject: String,
    /// The text/plain part.
    pub text: Option<String>,
    /// The text/html part.
    pub html: Option<String>,
    /// (method parameter of the Content-Type, body) of the text/calendar part.
    pub calendar: Option<(String, String)>,
}

impl SmtpSink {
    /// A sink that keeps messages as files and is not running yet (for outage tests): its port
    /// refuses connections until [`SmtpSink::run`].
    pub fn stopped() -> SmtpSink {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("received");
        Self::new(Some(dir), Some(tmp)).expect("an SMTP port")
    }

    /// A running sink that keeps every message as a file.
    pub fn start() -> SmtpSink {
        let mut s = Self::stopped();
        s.run();
        s
    }

    /// A running sink that only counts messages (the bench's mail relay).
    pub fn counting() -> anyhow::Result<SmtpSink> {
        let mut s = Self::new(None, None)?;
        s.try_run()?;
        Ok(s)
    }

    fn new(dir: Option<PathBuf>, tmp: Option<tempfile::TempDir>) -> std::io::Result<SmtpSink> {
        let reserved = ReservedPort::new()?;
        Ok(SmtpSink { port: reserved.port(), dir, reserved, child: None, accepted: Arc::default(), _tmp: tmp })
    }

    /// Start (again) on the same port; returns when it listens. Panics without aiosmtpd.
    pub fn run(&mut self) {
        self.try_run()
            .expect("the SMTP sink (python3 with aiosmtpd: pip install aiosmtpd; ./scripts/test installs it)");
    }

    fn try_run(&mut self) -> anyhow::Result<()> {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt;
        anyhow::ensure!(self.child.is_none(), "the SMTP sink runs already");
        let socket = self.reserved.socket()?;
        let fd = socket.as_raw_fd();
        let dir = self.dir.as_ref().map(|d| d.display().to_string()).unwrap_or_else(|| "-".into());
        let mut command = Command::new("python3");
        command.arg("-c").arg(SCRIPT).arg(fd.to_string()).arg(dir).stdout(Stdio::piped()).stderr(Stdio::inherit());
        // SAFETY: between fork and exec only fcntl(2) runs, which is async-signal-safe; it lets
        // the child inherit the bound socket (Rust opens every descriptor close-on-exec).
        unsafe {
            command.pre_exec(move || {
                if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn().map_err(|e| anyhow::anyhow!("python3: {e}"))?;
        drop(socket); // the child has it now
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        if line.trim() != "ready" {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!("the SMTP sink did not start (is aiosmtpd installed? pip install aiosmtpd)");
        }
        let accepted = self.accepted.clone();
        std::thread::spawn(move || {
            for line in stdout.lines() {
                match line {
                    Ok(l) if l == "+" => {
                        accepted.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        });
        self.child = Some(child);
        Ok(())
    }

    /// Stop it: its port refuses connections again.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Messages accepted so far, since the sink was made (over every run).
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::Relaxed)
    }

    /// Mailer settings that send here (no TLS), retrying fast.
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

    /// Everything received so far, oldest first (empty for a counting sink).
    pub fn received(&self) -> Vec<Received> {
        let Some(Ok(entries)) = self.dir.as_ref().map(std::fs::read_dir) else { return vec![] };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files.iter().map(|f| parse(&std::fs::read(f).expect("a received message"))).collect()
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
