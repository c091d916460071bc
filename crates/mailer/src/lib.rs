//! Leerweek's mail: the outbox worker and its transports.
//!
//! A mail exists only as an outbox row written in the transaction of the change that causes
//! it. The worker renders due rows and hands them to a transport; a failure backs off and
//! retries, so nothing is lost when the transport or the process dies. This first version has
//! the file transport (`.eml` files, the newcomer's default); SMTP, HTML parts and calendar
//! invites come with the mail issue.

use chrono::{DateTime, Duration, Utc};
use leerweek_domain::Language;
use leerweek_store::Store;
use leerweek_store::outbox::{self, DueMail};
use std::path::PathBuf;

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Transport {
    /// One `.eml` file per message in a directory.
    File {
        /// The directory (created when missing).
        dir: PathBuf,
    },
}

/// Settings of the worker.
#[derive(Debug, Clone)]
pub struct MailerConfig {
    /// Where mail goes.
    pub transport: Transport,
    /// The `From` header.
    pub from: String,
    /// Attempts before a row is left as failed.
    pub max_attempts: i32,
    /// How often to look for due rows.
    pub poll_interval: std::time::Duration,
}

impl Default for MailerConfig {
    fn default() -> Self {
        Self {
            transport: Transport::File { dir: PathBuf::from("data/mail") },
            from: "Leerweek <noreply@leerweek.localhost>".into(),
            max_attempts: 8,
            poll_interval: std::time::Duration::from_secs(2),
        }
    }
}

/// Failures of the mailer.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] leerweek_store::StoreError),
    /// The transport failed.
    #[error("transport: {0}")]
    Transport(String),
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Stable `Message-ID`, derived from the outbox row: a resend is recognisably the same message.
    pub message_id: String,
    /// Recipient address.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
}

/// Render one due mail in the recipient's language.
pub fn render(m: &DueMail) -> Message {
    let lang = Language::parse(&m.person.language).unwrap_or_default();
    let title = m.workshop.as_ref().map(|w| w.title.as_str()).unwrap_or("Leerweek");
    let when = m
        .session
        .as_ref()
        .map(|s| {
            let tz = chrono_tz::Europe::Amsterdam;
            format!(
                "{} – {}",
                s.starts_at.with_timezone(&tz).format("%d-%m-%Y %H:%M"),
                s.ends_at.with_timezone(&tz).format("%H:%M")
            )
        })
        .unwrap_or_default();
    let position = serde_json::from_str::<serde_json::Value>(&m.row.payload)
        .ok()
        .and_then(|p| p.get("waitlist_position").and_then(|v| v.as_u64()));
    let (subject, lead) = match (m.row.kind.as_str(), lang) {
        ("enrolment_confirmed", Language::Nl) => (format!("Ingeschreven: {title}"), "Je bent ingeschreven.".to_owned()),
        ("enrolment_confirmed", Language::En) => (format!("Enrolled: {title}"), "You are enrolled.".to_owned()),
        ("enrolment_waitlisted", Language::Nl) => {
            (format!("Wachtlijst: {title}"), format!("Je staat op de wachtlijst (plaats {}).", position.unwrap_or(0)))
        }
        ("enrolment_waitlisted", Language::En) => (
            format!("Waiting list: {title}"),
            format!("You are on the waiting list (place {}).", position.unwrap_or(0)),
        ),
        ("enrolment_promoted", Language::Nl) => {
            (format!("Er is plek: {title}"), "Er kwam een plek vrij: je bent nu ingeschreven.".to_owned())
        }
        ("enrolment_promoted", Language::En) => {
            (format!("A seat for you: {title}"), "A seat came free: you are now enrolled.".to_owned())
        }
        ("enrolment_cancelled", Language::Nl) => {
            (format!("Afgemeld: {title}"), "Je inschrijving is geannuleerd.".to_owned())
        }
        ("enrolment_cancelled", Language::En) => {
            (format!("Cancelled: {title}"), "Your enrolment is cancelled.".to_owned())
        }
        ("session_changed", Language::Nl) => {
            (format!("Gewijzigd: {title}"), "De organisator heeft tijd of plaats gewijzigd.".to_owned())
        }
        ("session_changed", Language::En) => {
            (format!("Changed: {title}"), "The organiser changed the time or place.".to_owned())
        }
        ("session_cancelled", Language::Nl) => {
            (format!("Gaat niet door: {title}"), "De organisator heeft deze sessie geannuleerd.".to_owned())
        }
        ("session_cancelled", Language::En) => {
            (format!("Cancelled by the organiser: {title}"), "The organiser cancelled this session.".to_owned())
        }
        (other, _) => (format!("Leerweek: {title}"), other.to_owned()),
    };
    let greeting = match lang {
        Language::Nl => format!("Beste {},", m.person.name),
        Language::En => format!("Dear {},", m.person.name),
    };
    let place = m
        .session
        .as_ref()
        .map(|s| {
            [s.venue.as_deref(), s.room.as_deref(), s.address.as_deref(), s.online_url.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let text = format!("{greeting}\n\n{lead}\n\n{title}\n{when}\n{place}\n\nLeerweek\n");
    Message { message_id: format!("<{}@leerweek>", m.row.id), to: m.person.email.clone(), subject, text }
}

fn to_eml(from: &str, m: &Message, date: DateTime<Utc>) -> String {
    // Subjects may hold non-ASCII: encode as RFC 2047 UTF-8 base64-free quoted form is overkill
    // here; RFC 6532 allows UTF-8 headers, which every current client reads.
    format!(
        "Message-ID: {}\r\nDate: {}\r\nFrom: {from}\r\nTo: {}\r\nSubject: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
        m.message_id,
        date.to_rfc2822(),
        m.to,
        m.subject,
        m.text.replace('\n', "\r\n")
    )
}

fn deliver(cfg: &MailerConfig, m: &Message, row_id: uuid::Uuid, now: DateTime<Utc>) -> Result<(), MailError> {
    match &cfg.transport {
        Transport::File { dir } => {
            std::fs::create_dir_all(dir).map_err(|e| MailError::Transport(format!("{}: {e}", dir.display())))?;
            // Written under a temporary name and renamed: a crash never leaves half a message, and
            // a resend of the same row replaces the same file.
            let tmp = dir.join(format!(".{row_id}.tmp"));
            let path = dir.join(format!("{row_id}.eml"));
            std::fs::write(&tmp, to_eml(&cfg.from, m, now)).map_err(|e| MailError::Transport(e.to_string()))?;
            std::fs::rename(&tmp, &path).map_err(|e| MailError::Transport(e.to_string()))?;
            Ok(())
        }
    }
}

/// Backoff before attempt `n + 1`: 30 s, 1 min, 2 min, … capped at an hour.
pub fn backoff(attempts_so_far: i32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts_so_far.clamp(0, 7));
    Duration::seconds(secs.min(3600))
}

/// Send every due row once; returns how many were sent.
pub async fn run_once(store: &Store, cfg: &MailerConfig, now: DateTime<Utc>) -> Result<usize, MailError> {
    let due = outbox::due(store, 100, now).await?;
    let mut sent = 0;
    for m in due {
        let msg = render(&m);
        match deliver(cfg, &msg, m.row.id, now) {
            Ok(()) => {
                outbox::mark_sent(store, m.row.id, now).await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(outbox_id = %m.row.id, attempt = m.row.attempts + 1, error = %e, "mail not delivered, will retry");
                outbox::mark_attempt_failed(
                    store,
                    &m.row,
                    &e.to_string(),
                    now + backoff(m.row.attempts),
                    cfg.max_attempts,
                )
                .await?;
            }
        }
    }
    Ok(sent)
}

/// Run the worker until `shutdown` resolves.
pub async fn run(store: Store, cfg: MailerConfig, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        match run_once(&store, &cfg, Utc::now()).await {
            Ok(n) if n > 0 => tracing::info!(sent = n, "mail delivered"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "mail worker round failed"),
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(cfg.poll_interval) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::seconds(30));
        assert_eq!(backoff(1), Duration::seconds(60));
        assert_eq!(backoff(20), Duration::seconds(3600));
    }
}
