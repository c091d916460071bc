//! Serving: the HTTP API with its background workers (mail outbox, quota releases), stopped
//! together and gracefully on a signal.

use crate::config::{MailTransport, Settings, SmtpTlsSetting};
use leerweek_api::ApiOptions;
use leerweek_store::{Background, Store};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How often waiting lists are checked for seats freed by a quota's release.
pub const RELEASE_CHECK_INTERVAL: Duration = Duration::from_secs(60);

/// Connect to the configured database and bring its schema up to date. The store's background
/// tasks come along: wait for them (after dropping the store) before the process ends.
pub async fn connect(settings: &Settings) -> anyhow::Result<(Store, Background)> {
    let url = &settings.database.url;
    tracing::info!(database = %url, "connecting");
    let (store, background) = Store::connect(url.expose(), &settings.database.store_options())
        .await
        .map_err(|e| anyhow::anyhow!("cannot open database {url}: {e}"))?;
    store.migrate().await.map_err(|e| anyhow::anyhow!("migrating database {url}: {e}"))?;
    Ok((store, background))
}

/// The HTTP options from the settings.
pub fn api_options(settings: &Settings) -> ApiOptions {
    ApiOptions {
        max_body_bytes: settings.server.max_body_bytes,
        request_timeout: Duration::from_secs(settings.server.request_timeout_secs.max(1)),
        body_read_timeout: Duration::from_secs(settings.server.body_read_timeout_secs.max(1)),
        public_url: settings.mail.public_url.clone(),
        mail_from: settings.mail.from.clone(),
        demo_personas: vec![],
        retention_days: settings.privacy.retention_days,
        secure_cookies: settings.mail.public_url.starts_with("https://") || !loopback(&settings.server.bind),
        trusted_proxies: settings.server.trusted_proxies.clone(),
        mail_file_dir: (settings.mail.transport == MailTransport::File).then(|| settings.mail.file_dir.clone()),
    }
}

/// Whether `bind` (`host:port`) listens on this machine alone. Anything else may be reached by
/// others, so its cookies go over https only, also when `public_url` was left at http.
fn loopback(bind: &str) -> bool {
    match bind.parse::<std::net::SocketAddr>() {
        Ok(a) => a.ip().is_loopback(),
        Err(_) => bind.rsplit_once(':').map_or(bind, |(host, _)| host).eq_ignore_ascii_case("localhost"),
    }
}

/// The mail worker's settings.
pub fn mailer_config(settings: &Settings) -> leerweek_mailer::MailerConfig {
    let m = &settings.mail;
    let transport = match m.transport {
        MailTransport::File => leerweek_mailer::Transport::File { dir: m.file_dir.clone() },
        MailTransport::Smtp => leerweek_mailer::Transport::Smtp(leerweek_mailer::SmtpConfig {
            host: m.smtp_host.clone().unwrap_or_default(),
            port: m.smtp_port,
            tls: match m.smtp_tls {
                SmtpTlsSetting::None => leerweek_mailer::SmtpTls::None,
                SmtpTlsSetting::Starttls => leerweek_mailer::SmtpTls::StartTls,
                SmtpTlsSetting::Tls => leerweek_mailer::SmtpTls::Tls,
            },
            credentials: m
                .smtp_username
                .clone()
                .map(|u| (u, m.smtp_password.as_ref().map(|p| p.expose().to_owned()).unwrap_or_default())),
        }),
    };
    leerweek_mailer::MailerConfig {
        transport,
        from: m.from.clone(),
        max_attempts: m.max_attempts.max(1),
        retry_base: chrono::Duration::seconds(m.retry_base_secs.max(1) as i64),
        base_url: m.public_url.clone(),
        lease: chrono::Duration::seconds(m.lease_secs.max(1) as i64),
        poll_interval: Duration::from_millis(m.poll_interval_ms.max(10)),
        ..Default::default()
    }
}

/// The demo signs anyone in without a password: only on a loopback address.
pub fn check_demo_bind(addr: SocketAddr) -> anyhow::Result<()> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        anyhow::bail!(
            "--demo lets anyone sign in as any demo persona, so it only runs on a loopback address (127.0.0.1 or ::1), not on {addr}"
        )
    }
}

/// The address to show people: an unspecified bind address becomes the loopback one.
pub fn public_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(v4) if v4.is_unspecified() => std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        std::net::IpAddr::V6(v6) if v6.is_unspecified() => std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// A server made by [`build`]: its database connected and migrated, its listener bound. It
/// serves once [`Server::run`] (or [`Server::spawn`]) is called, until its shutdown future
/// resolves; then running requests finish and the background jobs stop.
pub struct Server {
    store: Store,
    background: Background,
    settings: Settings,
    listener: TcpListener,
    shutdown: std::pin::Pin<Box<dyn Future<Output = ()> + Send>>,
    demo_personas: Vec<(String, String, String)>,
    workers: bool,
}

/// The one start-up of a server, for `leerweek serve` and the tests alike: connect to the
/// configured database and migrate it, to serve the API and the web app on `listener` with the
/// background jobs (mail outbox, the minute job) beside, until `shutdown` resolves.
pub async fn build(
    settings: &Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Server> {
    let (store, background) = connect(settings).await?;
    Ok(Server {
        store,
        background,
        settings: settings.clone(),
        listener,
        shutdown: Box::pin(shutdown),
        demo_personas: vec![],
        workers: true,
    })
}

impl Server {
    /// The database, connected and migrated (to load data before serving, or to look at it).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Where it listens.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Offer these demo personas (role, name, e-mail) at `/demo`.
    pub fn with_demo_personas(mut self, personas: Vec<(String, String, String)>) -> Self {
        self.demo_personas = personas;
        self
    }

    /// Serve without the background jobs: for tests that run the mail worker and the minute
    /// jobs themselves, at the moments they choose.
    pub fn without_workers(mut self) -> Self {
        self.workers = false;
        self
    }

    /// Serve until the shutdown future resolves, then let running requests finish and stop the
    /// background jobs. Returns the store's background tasks: they end once the caller has
    /// dropped its copies of the store too ([`stop_background`]).
    pub async fn run(self) -> anyhow::Result<Background> {
        let Server { store, background, settings, listener, shutdown, demo_personas, workers } = self;
        let (stop_tx, stop_rx) = watch::channel(false);
        let stop_tx = Arc::new(stop_tx);
        let stopped = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };

        let workers = if workers { spawn_workers(&store, &settings, &stop_rx, stopped) } else { vec![] };

        let app = leerweek_api::router(store, leerweek_api::ApiOptions { demo_personas, ..api_options(&settings) });
        let signal_tx = stop_tx.clone();
        serve(listener, app, Transport::from_settings(&settings), async move {
            shutdown.await;
            tracing::info!("shutting down: finishing running requests");
            let _ = signal_tx.send(true);
        })
        .await;
        let _ = stop_tx.send(true);
        for w in workers {
            let _ = w.await;
        }
        tracing::info!("stopped");
        Ok(background)
    }

    /// [`Server::run`] on a task of its own.
    pub fn spawn(self) -> tokio::task::JoinHandle<anyhow::Result<Background>> {
        tokio::spawn(self.run())
    }
}

/// How long a stopping process waits for the store's background tasks (the enrolment writer
/// finishing its batch) once nothing uses the store any more.
const BACKGROUND_GRACE: Duration = Duration::from_secs(5);

/// Wait for the store's background tasks to end (every copy of the store must be dropped by
/// then), and say in the log which did not.
pub async fn stop_background(mut background: Background) {
    let running = background.finished(BACKGROUND_GRACE).await;
    if !running.is_empty() {
        tracing::warn!(
            ?running,
            "background tasks of the store still running at exit (a copy of the store is still held)"
        );
    }
}

/// Connections the kernel may hold for us before we accept them (capped by
/// `net.core.somaxconn`). Larger than tokio's 1024, so that a burst of new connections is not
/// dropped while the accept loop catches up.
pub const LISTEN_BACKLOG: u32 = 4096;

/// Listen on `addr` (`host:port`), on its first address that binds.
pub async fn listen(addr: &str) -> std::io::Result<TcpListener> {
    let mut last = None;
    for a in tokio::net::lookup_host(addr).await? {
        let socket = if a.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
        #[cfg(unix)]
        socket.set_reuseaddr(true)?;
        match socket.bind(a).and_then(|()| socket.listen(LISTEN_BACKLOG)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{addr}: no address"))))
}

/// Limits of the connections themselves, below the router.
#[derive(Debug, Clone, Copy)]
pub struct Transport {
    /// Time a client gets to send a request's headers, counted from when the server starts
    /// waiting for them (a new connection, or the next request on a kept-alive one).
    pub header_read_timeout: Duration,
}

impl Transport {
    /// From `[server]`.
    pub fn from_settings(settings: &Settings) -> Self {
        Self { header_read_timeout: Duration::from_secs(settings.server.header_read_timeout_secs.max(1)) }
    }
}

/// Serve HTTP/1.1 on `listener` until `shutdown` resolves; then stop accepting, let running
/// requests finish, close idle connections, and return when every connection is gone.
///
/// Like `axum::serve`, plus a header-read timeout (hyper's, which needs a timer that
/// `axum::serve` does not give it): a client that sends its headers a byte at a time, or never,
/// is disconnected after [`Transport::header_read_timeout`]. Request bodies have their own
/// deadline in the router (408). HTTP/2 and TLS are the reverse proxy's job.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    transport: Transport,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(transport.header_read_timeout).keep_alive(true);
    // Connections hold a receiver; each drops it when done. `closed()` resolves when all are gone.
    let (done_tx, done_rx) = watch::channel(());
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone().map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(remote));
            req.map(axum::body::Body::new)
        });
        let conn = http.serve_connection(TokioIo::new(stream), hyper_util::service::TowerToHyperService::new(app));
        let mut stop_rx = stop_rx.clone();
        let done_rx = done_rx.clone();
        tokio::spawn(async move {
            tokio::pin!(conn);
            tokio::select! {
                res = conn.as_mut() => {
                    if let Err(e) = res {
                        tracing::debug!(error = %e, %remote, "connection ended with an error");
                    }
                }
                _ = async { stop_rx.wait_for(|stop| *stop).await.map(|_| ()) } => {
                    conn.as_mut().graceful_shutdown();
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, %remote, "connection ended with an error");
                    }
                }
            }
            drop(done_rx);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(done_rx);
    tracing::debug!(connections = done_tx.receiver_count(), "waiting for open connections");
    done_tx.closed().await;
}

/// A failed `accept`: a connection that went away before it was accepted is nothing; anything
/// else (out of file descriptors) is logged, and accepting pauses a moment instead of spinning.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Raise this process's soft limit of open files to its hard limit, so that many clients can be
/// connected at once (a soft limit of 1024 is common). Returns `(soft, hard)` as they now are.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)] // rlim_t is u64 on Linux, not everywhere
pub fn raise_open_files_limit() -> std::io::Result<(u64, u64)> {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit { rlim_cur: lim.rlim_max, rlim_max: lim.rlim_max };
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        lim = raised;
    }
    Ok((lim.rlim_cur as u64, lim.rlim_max as u64))
}

/// The background jobs of a server (or of `leerweek worker`): the mail outbox, and the
/// minute job that promotes into released quota seats and queues reminders.
pub fn spawn_workers<F, Fut>(
    store: &Store,
    settings: &Settings,
    stop_rx: &watch::Receiver<bool>,
    stopped: F,
) -> Vec<tokio::task::JoinHandle<()>>
where
    F: Fn(watch::Receiver<bool>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    vec![
        tokio::spawn(leerweek_mailer::run(store.clone(), mailer_config(settings), stopped(stop_rx.clone()))),
        tokio::spawn(minute_jobs(
            store.clone(),
            settings.privacy.retention_days,
            format!("{}/feedback", settings.mail.public_url.trim_end_matches('/')),
            format!("{}/voorkeuren", settings.mail.public_url.trim_end_matches('/')),
            stopped(stop_rx.clone()),
        )),
    ]
}

/// Run only the background jobs until `shutdown` resolves: `leerweek worker`.
pub async fn run_workers(store: Store, settings: &Settings, shutdown: impl Future<Output = ()>) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let workers = spawn_workers(&store, settings, &stop_rx, stopped);
    shutdown.await;
    tracing::info!("shutting down the workers");
    let _ = stop_tx.send(true);
    for w in workers {
        let _ = w.await;
    }
}

/// Every [`RELEASE_CHECK_INTERVAL`]: promote waiting people into seats that a quota's release
/// opened, release seats whose manager did not decide in time, queue the reminders that are due, turn unmarked enrolments of finished sessions into
/// no-shows (events with the automatic policy), ask those who attended for feedback, and
/// anonymise enrolments of weeks archived longer than the retention period (the one an admin
/// set, else `default_retention_days`).
async fn minute_jobs(
    store: Store,
    default_retention_days: u32,
    feedback_page: String,
    preferences_page: String,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let now = chrono::Utc::now();
        // Every minute (and at start): SQLite's planner statistics are refreshed where a table
        // grew or shrank 25-fold or has none yet (a look costs a few milliseconds when nothing
        // did; connections are replaced only when the statistics changed). Imports and the demo
        // refresh them at once.
        if let Err(e) = store.refresh_statistics().await {
            tracing::warn!(error = %e, "refreshing query statistics failed");
        }
        match leerweek_store::enrolments::promote_released(&store, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(promoted = n, "released quota seats went to the waiting list"),
            Err(e) => tracing::warn!(error = %e, "checking released quotas failed"),
        }
        match leerweek_store::enrolments::approval::lapse_due(&store, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(lapsed = n, "approvals nobody gave in time lapsed; their seats were released"),
            Err(e) => tracing::warn!(error = %e, "lapsing unanswered approvals failed"),
        }
        match leerweek_store::assignments::consent::lapse_due(&store, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(lapsed = n, "consents to klus selections nobody gave in time lapsed; posters told"),
            Err(e) => tracing::warn!(error = %e, "lapsing unanswered consents failed"),
        }
        match leerweek_store::assignments::matching::send_digests(&store, now).await {
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the weekly mails of saved klus searches failed"),
        }
        match leerweek_store::enrolments::queue_reminders(&store, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(queued = n, "reminders queued"),
            Err(e) => tracing::warn!(error = %e, "queueing reminders failed"),
        }
        match leerweek_store::attendance::close_finished(&store, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(no_shows = n, "attendance lists of finished sessions closed"),
            Err(e) => tracing::warn!(error = %e, "closing attendance lists failed"),
        }
        match leerweek_store::allocation::queue_preference_reminders(&store, &preferences_page, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(queued = n, "preference window reminders queued"),
            Err(e) => tracing::warn!(error = %e, "queueing preference window reminders failed"),
        }
        match leerweek_store::feedback::queue_requests(&store, &feedback_page, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(queued = n, "feedback requests queued"),
            Err(e) => tracing::warn!(error = %e, "queueing feedback requests failed"),
        }
        // The period an admin set in the console, else the configured one.
        let retention_days = match leerweek_store::privacy::retention(&store, default_retention_days).await {
            Ok(r) => r.days,
            Err(e) => {
                tracing::warn!(error = %e, "reading the retention period failed; using the configured one");
                default_retention_days
            }
        };
        let cutoff = now - chrono::Duration::days(retention_days as i64);
        match leerweek_store::privacy::anonymise_archived(&store, cutoff, now).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(enrolments = n, retention_days, "retention: enrolments of archived weeks anonymised")
            }
            Err(e) => tracing::warn!(error = %e, "retention job failed"),
        }
        match leerweek_store::assignments::done::forget_ended(&store, cutoff, now).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(klussen = n, retention_days, "retention: responses to klussen that ended were removed")
            }
            Err(e) => tracing::warn!(error = %e, "retention of klussen failed"),
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(RELEASE_CHECK_INTERVAL) => {}
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_url_never_says_zero_zero_zero_zero() {
        assert_eq!(public_url("0.0.0.0:8080".parse().unwrap()), "http://127.0.0.1:8080");
        assert_eq!(public_url("127.0.0.1:9000".parse().unwrap()), "http://127.0.0.1:9000");
        assert_eq!(public_url("[::]:80".parse().unwrap()), "http://[::1]:80");
    }

    #[test]
    fn cookies_go_over_https_only_unless_the_server_is_this_machines_alone() {
        let mut settings = Settings::defaults().expect("the default settings");
        settings.mail.public_url = "http://127.0.0.1:8080".into();
        for (bind, secure) in [
            ("127.0.0.1:8080", false),
            ("[::1]:8080", false),
            ("localhost:8080", false),
            ("0.0.0.0:8080", true),
            ("192.0.2.7:8080", true),
            ("leerweek.intern:8080", true),
        ] {
            settings.server.bind = bind.into();
            assert_eq!(api_options(&settings).secure_cookies, secure, "{bind}");
        }
        settings.server.bind = "127.0.0.1:8080".into();
        settings.mail.public_url = "https://leerweek.example.nl".into();
        assert!(api_options(&settings).secure_cookies, "https always");
    }

    #[test]
    fn the_demo_runs_on_loopback_only() {
        assert!(check_demo_bind("127.0.0.1:8080".parse().unwrap()).is_ok());
        assert!(check_demo_bind("[::1]:8080".parse().unwrap()).is_ok());
        assert!(check_demo_bind("0.0.0.0:8080".parse().unwrap()).is_err());
        assert!(check_demo_bind("192.0.2.7:8080".parse().unwrap()).is_err());
    }
}
