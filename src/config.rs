//! Settings: the embedded `config/default.toml`, then the file named by `LEERWEEK_CONFIG`, then
//! environment variables `LEERWEEK__SECTION__KEY`, then command-line flags. Secrets never reach
//! `Debug` output or logs.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The built-in defaults, compiled into the binary so that it runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Environment variable naming an extra settings file.
pub const CONFIG_FILE_ENV: &str = "LEERWEEK_CONFIG";

/// Prefix of environment overrides: `LEERWEEK__DATABASE__URL` sets `database.url`.
pub const ENV_PREFIX: &str = "LEERWEEK__";

/// All settings.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// HTTP server.
    pub server: ServerSettings,
    /// Database.
    pub database: DatabaseSettings,
    /// Outgoing mail.
    pub mail: MailSettings,
    /// Logging.
    pub log: LogSettings,
    /// Privacy: retention of personal data.
    #[serde(default)]
    pub privacy: PrivacySettings,
}

/// Privacy settings.
#[derive(Debug, Clone, Deserialize)]
pub struct PrivacySettings {
    /// Days after an event is archived before its enrolments are anonymised.
    #[serde(default = "default_retention_days")]
    pub retention_days: u32,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self { retention_days: default_retention_days() }
    }
}

fn default_retention_days() -> u32 {
    365
}

/// HTTP server settings.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub bind: String,
    /// Largest accepted request body, in bytes.
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// Longest a request may take, in seconds.
    #[serde(default = "default_request_timeout_secs")]
    pub request_timeout_secs: u64,
    /// Seconds a client gets to send a request's headers, counted from when the server starts
    /// waiting for them: on a new connection and between requests on a kept-alive one, so this
    /// is also how long an idle connection stays open. Slow-loris clients are cut off by it.
    #[serde(default = "default_header_read_timeout_secs")]
    pub header_read_timeout_secs: u64,
    /// Seconds a client gets to send a whole request body; slower gets 408.
    #[serde(default = "default_body_read_timeout_secs")]
    pub body_read_timeout_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client, as networks (`10.0.0.0/8`) or
    /// addresses (`127.0.0.1`). Empty (the default): the header is ignored and the connection's
    /// own address limits sign-in requests.
    #[serde(default, deserialize_with = "networks")]
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// A list of networks or single addresses.
fn networks<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ipnet::IpNet>, D::Error> {
    let raw: Vec<String> = Deserialize::deserialize(d)?;
    raw.iter()
        .map(|r| {
            let r = r.trim();
            r.parse::<ipnet::IpNet>().or_else(|_| r.parse::<std::net::IpAddr>().map(ipnet::IpNet::from)).map_err(|_| {
                serde::de::Error::custom(format!("not a network or address: {r:?} (write 10.0.0.0/8 or 127.0.0.1)"))
            })
        })
        .collect()
}

fn default_max_body_bytes() -> usize {
    1024 * 1024
}

fn default_request_timeout_secs() -> u64 {
    30
}

fn default_header_read_timeout_secs() -> u64 {
    15
}

fn default_body_read_timeout_secs() -> u64 {
    20
}

/// Database settings.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; the password inside is redacted in `Debug` and `Display`.
    pub url: DatabaseUrl,
    /// Largest number of pooled connections.
    #[serde(default = "default_max_connections")]
    pub max_connections: u32,
    /// How long to wait for a connection or a lock, in seconds.
    #[serde(default = "default_acquire_timeout_secs")]
    pub acquire_timeout_secs: u64,
}

fn default_max_connections() -> u32 {
    16
}

fn default_acquire_timeout_secs() -> u64 {
    10
}

impl DatabaseSettings {
    /// Options for [`leerweek_store::Store::connect`].
    pub fn store_options(&self) -> leerweek_store::StoreOptions {
        leerweek_store::StoreOptions {
            max_connections: self.max_connections.max(1),
            acquire_timeout: Duration::from_secs(self.acquire_timeout_secs.max(1)),
            background_checkpoints: true,
        }
    }
}

/// A database URL that keeps its password out of logs.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wrap a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The full URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it points at PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", redact_url(&self.0))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

/// Replace the password of `scheme://user:password@host/…` with `***`; other URLs are unchanged.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some(at) = authority.rfind('@') else { return url.to_owned() };
    let (userinfo, host) = authority.split_at(at);
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***{host}{tail}"),
        None => url.to_owned(),
    }
}

/// A secret string (password, key): `Debug` shows `[redacted]`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself: only for handing to the client that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How mail leaves the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    /// One file per mail under `file_dir` (development, tests).
    File,
    /// SMTP through the `smtp_*` keys.
    Smtp,
}

/// How SMTP connections are secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTlsSetting {
    /// Plain (a relay on the same host, tests).
    None,
    /// STARTTLS (port 587).
    Starttls,
    /// TLS from the start (port 465).
    Tls,
}

/// Mail settings: `[mail]`, each key also `LEERWEEK__MAIL__<KEY>`.
#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    /// `file` or `smtp`.
    pub transport: MailTransport,
    /// Directory for the file transport.
    #[serde(default = "default_mail_dir")]
    pub file_dir: PathBuf,
    /// Sender, `Name <address>`.
    pub from: String,
    /// SMTP host, required for the SMTP transport.
    #[serde(default)]
    pub smtp_host: Option<String>,
    /// SMTP port (587 for STARTTLS, 465 for TLS).
    #[serde(default = "default_smtp_port")]
    pub smtp_port: u16,
    /// `none`, `starttls` or `tls`.
    #[serde(default = "default_smtp_tls")]
    pub smtp_tls: SmtpTlsSetting,
    /// User name, if the server wants one.
    #[serde(default)]
    pub smtp_username: Option<String>,
    /// Password, redacted in `Debug`.
    #[serde(default)]
    pub smtp_password: Option<Secret>,
    /// Attempts before a mail is left as failed.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: i32,
    /// First retry delay in seconds (doubles per attempt).
    #[serde(default = "default_retry_base")]
    pub retry_base_secs: u64,
    /// Public address of the web app, for links in mails.
    #[serde(default = "default_public_url")]
    pub public_url: String,
    /// Seconds a claimed mail stays hidden from other workers before it counts as lost.
    #[serde(default = "default_lease")]
    pub lease_secs: u64,
    /// Milliseconds between looks at an empty queue.
    #[serde(default = "default_poll")]
    pub poll_interval_ms: u64,
}

fn default_lease() -> u64 {
    300
}

fn default_poll() -> u64 {
    2000
}

fn default_mail_dir() -> PathBuf {
    PathBuf::from("data/mail")
}

fn default_smtp_port() -> u16 {
    587
}

fn default_smtp_tls() -> SmtpTlsSetting {
    SmtpTlsSetting::Starttls
}

fn default_max_attempts() -> i32 {
    8
}

fn default_retry_base() -> u64 {
    30
}

fn default_public_url() -> String {
    "http://127.0.0.1:8080".into()
}

/// Logging settings.
#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    /// An `EnvFilter` directive; `RUST_LOG` wins when set.
    pub filter: String,
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--database URL`.
    pub database_url: Option<String>,
    /// `--bind ADDR`.
    pub bind: Option<String>,
}

/// Something wrong with the settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `LEERWEEK_CONFIG` names a file that is not there.
    #[error("{CONFIG_FILE_ENV} names {0}, which does not exist")]
    MissingFile(PathBuf),
    /// A value is missing or has the wrong shape.
    #[error("invalid settings: {0}")]
    Invalid(#[from] Box<figment::Error>),
    /// The mail settings do not fit together.
    #[error("invalid settings: {0}")]
    Inconsistent(String),
}

impl Settings {
    /// Load the settings from the real environment.
    pub fn load(overrides: &Overrides) -> Result<Self, ConfigError> {
        let file = std::env::var_os(CONFIG_FILE_ENV).filter(|v| !v.is_empty()).map(PathBuf::from);
        Self::from_figment(figment(file.as_deref(), overrides)?)
    }

    /// The built-in defaults alone, without a settings file or the environment: for tests, which
    /// set what they need on the value.
    pub fn defaults() -> Result<Self, ConfigError> {
        Self::from_figment(Figment::from(Toml::string(DEFAULT_TOML)))
    }

    /// Extract and check settings from a prepared figment.
    pub fn from_figment(f: Figment) -> Result<Self, ConfigError> {
        let s: Settings = f.extract().map_err(Box::new)?;
        if s.mail.transport == MailTransport::Smtp && s.mail.smtp_host.as_deref().is_none_or(str::is_empty) {
            return Err(ConfigError::Inconsistent("mail.transport = \"smtp\" needs mail.smtp_host".into()));
        }
        Ok(s)
    }
}

/// The layered providers: defaults ← file ← environment ← flags.
pub fn figment(file: Option<&Path>, overrides: &Overrides) -> Result<Figment, ConfigError> {
    let mut f = Figment::from(Toml::string(DEFAULT_TOML));
    if let Some(path) = file {
        if !path.is_file() {
            return Err(ConfigError::MissingFile(path.to_owned()));
        }
        f = f.merge(Toml::file(path));
    }
    f = f.merge(Env::prefixed(ENV_PREFIX).split("__"));
    if let Some(url) = &overrides.database_url {
        f = f.merge(Serialized::default("database.url", url));
    }
    if let Some(bind) = &overrides.bind {
        f = f.merge(Serialized::default("server.bind", bind));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults_only(overrides: &Overrides) -> Settings {
        // Without the environment layer, so the test does not depend on the shell it runs in.
        let mut f = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(url) = &overrides.database_url {
            f = f.merge(Serialized::default("database.url", url));
        }
        if let Some(bind) = &overrides.bind {
            f = f.merge(Serialized::default("server.bind", bind));
        }
        Settings::from_figment(f).unwrap()
    }

    #[test]
    fn defaults_need_nothing_and_use_an_embedded_sqlite_file() {
        let s = defaults_only(&Overrides::default());
        assert_eq!(s.server.bind, "127.0.0.1:8080");
        assert_eq!(s.database.url.expose(), "sqlite://data/leerweek.db?mode=rwc");
        assert!(!s.database.url.is_postgres());
        assert_eq!(s.mail.transport, MailTransport::File);
        assert_eq!(s.mail.file_dir, PathBuf::from("data/mail"));
        assert_eq!(s.mail.from, "Leerweek <noreply@leerweek.localhost>");
        assert!(s.log.filter.contains("sqlx::postgres::notice=warn"));
        assert_eq!((s.server.header_read_timeout_secs, s.server.body_read_timeout_secs), (15, 20));
        assert!(s.server.body_read_timeout_secs < s.server.request_timeout_secs, "a slow body gets 408, not 503");
    }

    #[test]
    fn command_line_flags_win_over_the_defaults() {
        let s = defaults_only(&Overrides {
            database_url: Some("postgres://u:p@db:5432/x".into()),
            bind: Some("0.0.0.0:9000".into()),
        });
        assert_eq!(s.server.bind, "0.0.0.0:9000");
        assert!(s.database.url.is_postgres());
    }

    #[test]
    fn a_layered_file_overrides_single_keys_and_keeps_the_rest() {
        let f = Figment::from(Toml::string(DEFAULT_TOML)).merge(Toml::string("[server]\nbind = \"127.0.0.1:0\"\n"));
        let s = Settings::from_figment(f).unwrap();
        assert_eq!(s.server.bind, "127.0.0.1:0");
        assert_eq!(s.database.url.expose(), "sqlite://data/leerweek.db?mode=rwc");
    }

    #[test]
    fn the_shipped_example_files_parse() {
        for text in [include_str!("../config/test.toml"), include_str!("../config/production.example.toml")] {
            let f = Figment::from(Toml::string(DEFAULT_TOML)).merge(Toml::string(text));
            Settings::from_figment(f).unwrap();
        }
    }

    #[test]
    fn trusted_proxies_are_networks_or_addresses_and_none_by_default() {
        let s = Settings::from_figment(Figment::from(Toml::string(DEFAULT_TOML))).unwrap();
        assert!(s.server.trusted_proxies.is_empty());
        let f = Figment::from(Toml::string(DEFAULT_TOML))
            .merge(Toml::string("[server]\ntrusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"]\n"));
        let nets: Vec<String> =
            Settings::from_figment(f).unwrap().server.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(nets, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        let f = Figment::from(Toml::string(DEFAULT_TOML))
            .merge(Toml::string("[server]\ntrusted_proxies = [\"the proxy\"]\n"));
        let err = Settings::from_figment(f).unwrap_err().to_string();
        assert!(err.contains("the proxy"), "{err}");
    }

    #[test]
    fn smtp_without_its_section_is_refused() {
        let f = Figment::from(Toml::string(DEFAULT_TOML)).merge(Toml::string("[mail]\ntransport = \"smtp\"\n"));
        assert!(matches!(Settings::from_figment(f), Err(ConfigError::Inconsistent(_))));
    }

    #[test]
    fn a_missing_config_file_is_an_error_not_silence() {
        let err = figment(Some(Path::new("/nonexistent/leerweek.toml")), &Overrides::default()).unwrap_err();
        assert!(matches!(err, ConfigError::MissingFile(_)));
    }

    #[test]
    fn passwords_never_show_in_debug_output() {
        let f = Figment::from(Toml::string(DEFAULT_TOML)).merge(Toml::string(
            "[database]\nurl = \"postgres://leerweek:s3cret@db:5432/lw\"\n[mail]\ntransport = \"smtp\"\nsmtp_host = \"h\"\nsmtp_password = \"hunter2\"\n",
        ));
        let s = Settings::from_figment(f).unwrap();
        let shown = format!("{s:?} {}", s.database.url);
        assert!(!shown.contains("s3cret") && !shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://leerweek:***@db:5432/lw"));
        assert_eq!(s.database.url.expose(), "postgres://leerweek:s3cret@db:5432/lw");
    }

    #[test]
    fn redaction_leaves_urls_without_a_password_alone() {
        assert_eq!(redact_url("sqlite://data/x.db?mode=rwc"), "sqlite://data/x.db?mode=rwc");
        assert_eq!(redact_url("postgres://user@host/db"), "postgres://user@host/db");
        assert_eq!(redact_url("postgres://u:p%40ss@host:5432/db?x=1"), "postgres://u:***@host:5432/db?x=1");
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
