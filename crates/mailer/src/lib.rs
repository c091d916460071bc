//! Leerweek's mail: the outbox worker, templates, calendar parts and transports.
//!
//! A mail exists only as an outbox row written in the transaction of the change that causes
//! it. The worker claims due rows (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several
//! servers share the queue), renders them in the recipient's language with a calendar part
//! where due, and hands them to SMTP or to `.eml` files. A failure backs off and retries; a
//! crash between "sent" and "marked sent" resends with the same `Message-ID`.

mod assignment;
mod compose;
pub mod ics;
pub mod links;
pub mod qr;
pub mod render;

pub use compose::{Outgoing, QR_CONTENT_ID, compose, context, subject};

use chrono::{DateTime, Duration, Utc};
use leerweek_store::Store;
use leerweek_store::outbox::{self, DueMail};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use render::Renderer;
use std::path::PathBuf;
use std::sync::Arc;

/// How SMTP connections are secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (only for a relay on the same host or in tests).
    None,
    /// STARTTLS after connecting (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// SMTP settings.
#[derive(Clone)]
pub struct SmtpConfig {
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Security.
    pub tls: SmtpTls,
    /// User name and password, if the server wants them.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.credentials.as_ref().map(|c| &c.0))
            .field("password", &self.credentials.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Transport {
    /// One `.eml` file per message in a directory.
    File {
        /// The directory (created when missing).
        dir: PathBuf,
    },
    /// An SMTP server.
    Smtp(SmtpConfig),
}

/// Settings of the worker.
#[derive(Debug, Clone)]
pub struct MailerConfig {
    /// Where mail goes.
    pub transport: Transport,
    /// The `From` header, `Name <address>`.
    pub from: String,
    /// Attempts before a row is left as failed (visible to admins, retryable).
    pub max_attempts: i32,
    /// How often to look for due rows.
    pub poll_interval: std::time::Duration,
    /// First retry delay; doubles per attempt, capped at an hour.
    pub retry_base: Duration,
    /// How long a claimed row stays hidden from other workers.
    pub lease: Duration,
    /// Rows claimed per round.
    pub batch: u64,
    /// Public address of the web app, for links in mails.
    pub base_url: String,
}

impl Default for MailerConfig {
    fn default() -> Self {
        Self {
            transport: Transport::File { dir: PathBuf::from("data/mail") },
            from: "Leerweek <noreply@leerweek.localhost>".into(),
            max_attempts: 8,
            poll_interval: std::time::Duration::from_secs(2),
            retry_base: Duration::seconds(30),
            lease: Duration::minutes(5),
            batch: 50,
            base_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// Failures of the mailer.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] leerweek_store::StoreError),
    /// The message could not be built (bad address).
    #[error("message: {0}")]
    Message(String),
    /// The transport failed.
    #[error("transport: {0}")]
    Transport(String),
}

/// `text` with every e-mail address in it replaced by `<adres>`: for log lines, since a mail
/// server's refusal usually repeats the recipient's address (`550 5.1.1 <iemand@…>: …`) and the
/// log must not carry anyone's address. The outbox row keeps the whole error for admins.
pub fn without_addresses(text: &str) -> String {
    let local = |c: char| c.is_alphanumeric() || "._%+-'!#$&*=?^`{|}~".contains(c);
    let domain = |c: char| c.is_alphanumeric() || c == '.' || c == '-';
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let start = out.iter().rposition(|c| !local(*c)).map_or(0, |p| p + 1);
            let end = chars[i + 1..].iter().position(|c| !domain(*c)).map_or(chars.len(), |p| i + 1 + p);
            if start < out.len() && end > i + 1 {
                out.truncate(start);
                out.extend("<adres>".chars());
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out.into_iter().collect()
}

/// The domain part of the sender, for Message-IDs.
fn sender_domain(from: &str) -> String {
    from.rsplit('@')
        .next()
        .map(|d| d.trim_end_matches('>').trim().to_owned())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "leerweek".into())
}

fn sender_address(from: &str) -> String {
    match (from.find('<'), from.find('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].trim().to_owned(),
        _ => from.trim().to_owned(),
    }
}

/// The stable Message-ID of an outbox row.
pub fn message_id(row_id: uuid::Uuid, from: &str) -> String {
    format!("<{row_id}@{}>", sender_domain(from))
}

/// A connected transport.
pub enum Sender {
    /// Files.
    File(PathBuf),
    /// SMTP.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Sender {
    /// Build the transport of a configuration.
    pub fn new(cfg: &MailerConfig) -> Result<Self, MailError> {
        match &cfg.transport {
            Transport::File { dir } => Ok(Sender::File(dir.clone())),
            Transport::Smtp(s) => {
                let tls =
                    |host: &str| TlsParameters::new(host.to_owned()).map_err(|e| MailError::Transport(e.to_string()));
                let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
                    .port(s.port)
                    .timeout(Some(std::time::Duration::from_secs(15)));
                b = match s.tls {
                    SmtpTls::None => b.tls(Tls::None),
                    SmtpTls::StartTls => b.tls(Tls::Required(tls(&s.host)?)),
                    SmtpTls::Tls => b.tls(Tls::Wrapper(tls(&s.host)?)),
                };
                if let Some((u, p)) = &s.credentials {
                    b = b.credentials(Credentials::new(u.clone(), p.clone()));
                }
                Ok(Sender::Smtp(b.build()))
            }
        }
    }

    /// The directory of the file transport.
    fn file_dir(&self) -> Option<PathBuf> {
        match self {
            Sender::File(dir) => Some(dir.clone()),
            Sender::Smtp(_) => None,
        }
    }

    /// Deliver one message.
    pub async fn send(&self, out: &Outgoing, row_id: uuid::Uuid) -> Result<(), MailError> {
        match self {
            Sender::File(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| MailError::Transport(format!("{}: {e}", dir.display())))?;
                // Written under a temporary name and renamed: a crash never leaves half a message,
                // and a resend of the same row replaces the same file.
                let tmp = dir.join(format!(".{row_id}.tmp"));
                let path = dir.join(format!("{row_id}.eml"));
                tokio::fs::write(&tmp, out.message.formatted())
                    .await
                    .map_err(|e| MailError::Transport(e.to_string()))?;
                tokio::fs::rename(&tmp, &path).await.map_err(|e| MailError::Transport(e.to_string()))?;
                Ok(())
            }
            Sender::Smtp(t) => {
                t.send(out.message.clone()).await.map(|_| ()).map_err(|e| MailError::Transport(e.to_string()))
            }
        }
    }
}

/// Backoff after `attempts` failed attempts: `base`, 2×, 4×, … capped at an hour.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 1i64 << (attempts - 1).clamp(0, 16);
    Duration::milliseconds(base.num_milliseconds().saturating_mul(factor).min(3_600_000))
}

/// Write a message into the file transport's directory (blocking: call it off the async threads).
/// Written under a temporary name and renamed: a crash never leaves half a message, and a
/// resend of the same row replaces the same file.
fn write_file(dir: &std::path::Path, out: &Outgoing, row_id: uuid::Uuid) -> Result<(), MailError> {
    std::fs::create_dir_all(dir).map_err(|e| MailError::Transport(format!("{}: {e}", dir.display())))?;
    let tmp = dir.join(format!(".{row_id}.tmp"));
    let path = dir.join(format!("{row_id}.eml"));
    std::fs::write(&tmp, out.message.formatted()).map_err(|e| MailError::Transport(e.to_string()))?;
    std::fs::rename(&tmp, &path).map_err(|e| MailError::Transport(e.to_string()))
}

/// The thread the worker's CPU- and disk-heavy steps run on: templates, QR code, PNG, calendar
/// file, and for the file transport the file itself. It runs at the lowest CPU priority:
/// when enrolment opens and both cores are busy answering people, confirmations wait a little
/// instead of slowing the answers; on a quiet machine the thread gets all the CPU it asks for.
struct Backroom {
    jobs: std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>,
}

impl Backroom {
    /// Start the thread; `None` when the system refuses one (the work then runs on tokio's
    /// blocking pool at normal priority).
    fn start() -> Option<Self> {
        let (jobs, rx) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let started = std::thread::Builder::new().name("mail-render".into()).spawn(move || {
            lower_priority();
            while let Ok(job) = rx.recv() {
                job();
            }
        });
        match started {
            Ok(_) => Some(Self { jobs }),
            Err(e) => {
                tracing::warn!(error = %e, "no thread for rendering mail; rendering on the blocking pool");
                None
            }
        }
    }

    /// Run `f` on the thread and wait for its result (a panic in `f` becomes an error).
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, MailError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
            }))
            .map_err(|_| MailError::Message("the mail rendering thread stopped".into()))?;
        match rx.await {
            Ok(Ok(v)) => Ok(v),
            _ => Err(MailError::Message("rendering a mail panicked".into())),
        }
    }
}

/// Give the calling thread the lowest priority of the normal class (nice 19): when both cores
/// are busy it gets about 1.5% of a core against a normal thread, on a quiet machine all it asks
/// for. A nice of 10 was not enough: measured during the rush, the mail thread still took 28% of
/// the CPU and delayed the enrolment writer's wake-ups. Not `SCHED_IDLE`: a thread in that class
/// that is preempted while it holds a lock the answering threads need (the log writer, the
/// allocator) stalls them for as long as the cores stay busy.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain system calls on the calling thread: its id, then its nice value.
        let failed = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, 19) != 0
        };
        if failed {
            tracing::debug!(error = %std::io::Error::last_os_error(), "could not lower the mail thread's priority");
        }
    }
}

/// How long a stopping worker lets its current round finish. Rendering runs at the lowest CPU
/// priority, so on a busy machine a round of a few hundred mails can take longer than a service
/// manager waits; the round's rows are claimed for [`MailerConfig::lease`] only, so a round left
/// unfinished goes out again later (or from the next start), never lost.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// People whose mails a round hands to the transport at the same time.
const SENDS_AT_ONCE: usize = 8;

/// One round: claim due rows, send each, mark it. Returns how many were sent.
pub async fn run_once(store: &Store, cfg: &MailerConfig, now: DateTime<Utc>) -> Result<usize, MailError> {
    let renderer = Arc::new(Renderer::new());
    let sender = Sender::new(cfg)?;
    round(store, cfg, &renderer, &sender, None, now).await
}

/// A due mail with its message composed (`Some`), or already written by the file transport (`None`).
type Prepared = Vec<(DueMail, Result<Option<Outgoing>, MailError>)>;

async fn round(
    store: &Store,
    cfg: &MailerConfig,
    renderer: &Arc<Renderer>,
    sender: &Sender,
    backroom: Option<&Backroom>,
    now: DateTime<Utc>,
) -> Result<usize, MailError> {
    let due = outbox::claim_due(store, cfg.batch, now, cfg.lease).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let signer = leerweek_store::links::signer(store).await?;
    let work = {
        let (renderer, cfg, dir) = (renderer.clone(), cfg.clone(), sender.file_dir());
        move || -> Prepared {
            due.into_iter()
                .map(|m| {
                    let out = compose(&renderer, &cfg, &signer, &m, Utc::now()).and_then(|out| match &dir {
                        Some(dir) => write_file(dir, &out, m.row.id).map(|()| None),
                        None => Ok(Some(out)),
                    });
                    (m, out)
                })
                .collect()
        }
    };
    let prepared = match backroom {
        Some(b) => b.run(work).await?,
        None => tokio::task::spawn_blocking(work).await.map_err(|e| MailError::Message(e.to_string()))?,
    };
    // Several people at a time: each SMTP conversation is mostly waiting (round trips, and a
    // stall of about 40 ms per message where the transport writes the body and its end in two
    // packets), so one after the other the worker managed 22 mails a second on an idle machine.
    // One person's mails go one after the other, in the order they were queued, so an inbox
    // never shows "cancelled" before "enrolled".
    use futures::StreamExt;
    let mut per_person: Vec<Prepared> = Vec::new();
    let mut slot: std::collections::HashMap<uuid::Uuid, usize> = std::collections::HashMap::new();
    for (m, out) in prepared {
        let i = *slot.entry(m.person.id).or_insert_with(|| {
            per_person.push(Vec::new());
            per_person.len() - 1
        });
        per_person[i].push((m, out));
    }
    let delivered: Vec<(DueMail, Result<(), MailError>)> = futures::stream::iter(per_person)
        .map(|mails| async move {
            let mut results = Vec::with_capacity(mails.len());
            for (m, out) in mails {
                let result = match out {
                    Ok(None) => Ok(()),
                    Ok(Some(out)) => sender.send(&out, m.row.id).await,
                    Err(e) => Err(e),
                };
                results.push((m, result));
            }
            results
        })
        .buffer_unordered(SENDS_AT_ONCE)
        .flat_map(futures::stream::iter)
        .collect()
        .await;
    let mut sent = Vec::with_capacity(delivered.len());
    let mut failure = None;
    for (m, result) in delivered {
        match result {
            Ok(()) => sent.push(m.row.id),
            Err(e) => {
                let last = m.row.attempts >= cfg.max_attempts;
                if last {
                    let error = without_addresses(&e.to_string());
                    tracing::error!(outbox_id = %m.row.id, kind = %m.row.kind, attempts = m.row.attempts, %error, "mail failed for good; an admin can retry it");
                } else {
                    let error = without_addresses(&e.to_string());
                    tracing::warn!(outbox_id = %m.row.id, kind = %m.row.kind, attempt = m.row.attempts, %error, "mail not delivered, will retry");
                }
                if let Err(e) = outbox::mark_attempt_failed(
                    store,
                    &m.row,
                    &e.to_string(),
                    Utc::now(),
                    Utc::now() + backoff(cfg.retry_base, m.row.attempts),
                    cfg.max_attempts,
                )
                .await
                {
                    failure.get_or_insert(e);
                }
            }
        }
    }
    // One write for the round (a crash before it resends the round, with the same Message-IDs).
    outbox::mark_sent(store, &sent, Utc::now()).await?;
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(sent.len()),
    }
}

/// Run the worker until `shutdown` resolves.
pub async fn run(store: Store, cfg: MailerConfig, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    let renderer = Arc::new(Renderer::new());
    let backroom = Backroom::start();
    let sender = match Sender::new(&cfg) {
        Ok(s) => s,
        Err(e) => {
            let error = without_addresses(&e.to_string());
            tracing::error!(%error, "mail transport cannot be set up; mail stays queued");
            return;
        }
    };
    tracing::info!(transport = ?cfg.transport, "mail worker started");
    loop {
        let mut sent_any = false;
        let now = Utc::now();
        let current = round(&store, &cfg, &renderer, &sender, backroom.as_ref(), now);
        tokio::pin!(current);
        let (outcome, stopping) = tokio::select! {
            outcome = &mut current => (Some(outcome), false),
            _ = &mut shutdown => match tokio::time::timeout(STOP_GRACE, &mut current).await {
                Ok(outcome) => (Some(outcome), true),
                Err(_) => (None, true),
            },
        };
        match outcome {
            Some(Ok(n)) if n > 0 => {
                tracing::info!(sent = n, "mail delivered");
                sent_any = true;
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => tracing::warn!(error = %without_addresses(&e.to_string()), "mail worker round failed"),
            None => tracing::warn!(
                grace_secs = STOP_GRACE.as_secs(),
                retry_from = %(now + cfg.lease),
                "stopping in the middle of a mail round: its mails not yet marked sent go out again once \
                 their claim lapses (a mail already handed over is sent again with the same Message-ID)"
            ),
        }
        if stopping {
            break;
        }
        // After a full round go again at once: more may be waiting.
        let pause = if sent_any { std::time::Duration::ZERO } else { cfg.poll_interval };
        tokio::select! {
            biased;
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_lose_every_address() {
        assert_eq!(
            without_addresses(
                "transport: permanent error (550): 5.1.1 <eva.jansen+x@drechterland.nl>: Recipient address rejected"
            ),
            "transport: permanent error (550): 5.1.1 <<adres>>: Recipient address rejected"
        );
        assert_eq!(without_addresses("a@b.nl, c@d.nl"), "<adres>, <adres>");
        assert_eq!(without_addresses("no address @ all, or @home"), "no address @ all, or @home");
        assert_eq!(without_addresses("zoë@gemeente.nl"), "<adres>");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::seconds(30);
        assert_eq!(backoff(base, 1), Duration::seconds(30));
        assert_eq!(backoff(base, 2), Duration::seconds(60));
        assert_eq!(backoff(base, 40), Duration::seconds(3600));
    }

    #[test]
    fn message_ids_use_the_sender_domain() {
        let id = uuid::Uuid::nil();
        assert_eq!(message_id(id, "Leerweek <noreply@gemeente.nl>"), format!("<{id}@gemeente.nl>"));
        assert_eq!(sender_address("Leerweek <noreply@gemeente.nl>"), "noreply@gemeente.nl");
    }
}
