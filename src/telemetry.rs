//! Logging, set up once: `RUST_LOG` when set, else the configured filter; to standard error, so
//! standard output keeps only what the commands print for people and scripts.

use tracing_subscriber::EnvFilter;

/// The filter used when nothing else is configured.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sqlx::postgres::notice=warn";

/// Install the global subscriber. Calling it twice is harmless (the second call does nothing).
pub fn init(configured: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(configured))
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
