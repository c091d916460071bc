//! The server under measurement: a real `leerweek serve` child process (the binary beside
//! `leerweek-bench`, or `$LEERWEEK_BIN`), sending its mail over SMTP to the tests' SMTP sink in
//! counting mode, as it would to a mail relay in production. (A file transport on this machine's
//! disk measured the file system instead: ext4 spent a fifth of the server's CPU finding free
//! inodes for the message files.)

use anyhow::Context;
use leerweek_testkit::process::{leerweek_bin, serve_command};
use leerweek_testkit::{ServerProcess, SmtpSink};
use std::path::PathBuf;
use std::time::Duration;

/// The `leerweek` binary to measure: `$LEERWEEK_BIN`, else `leerweek` beside this executable
/// (`cargo build --release` builds both into `target/release`).
pub fn leerweek_exe() -> anyhow::Result<PathBuf> {
    let beside = std::env::current_exe()?.with_file_name("leerweek");
    let exe = leerweek_bin(beside);
    anyhow::ensure!(
        exe.is_file(),
        "no server binary at {}: build it (cargo build --release --bin leerweek) or set LEERWEEK_BIN",
        exe.display()
    );
    Ok(exe)
}

/// A running server with its mail sink.
pub struct Server {
    process: ServerProcess,
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// Where its mail goes.
    pub mail: SmtpSink,
}

impl Server {
    /// Start `leerweek serve` on `url` and wait until `/health` answers 200.
    pub async fn start(url: &str) -> anyhow::Result<Server> {
        leerweek_api::sso::install_crypto_provider();
        let mail = SmtpSink::counting()?;
        let mut command = serve_command(leerweek_exe()?);
        command
            .env("LEERWEEK__DATABASE__URL", url)
            .env("LEERWEEK__MAIL__TRANSPORT", "smtp")
            .env("LEERWEEK__MAIL__SMTP_HOST", "127.0.0.1")
            .env("LEERWEEK__MAIL__SMTP_PORT", mail.port.to_string())
            .env("LEERWEEK__MAIL__SMTP_TLS", "none")
            // The server's own log filter: warnings, unless LEERWEEK_BENCH_SERVER_LOG says otherwise
            // (`leerweek_store=debug` shows every slow enrolment batch with its phases).
            .env("RUST_LOG", std::env::var("LEERWEEK_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()));
        let process =
            ServerProcess::start(command, Duration::from_secs(15)).await.context("starting leerweek serve")?;
        Ok(Server { base: process.base.clone(), process, mail })
    }

    /// From spawning it to its first `200` on `/health`.
    pub fn started_in(&self) -> Duration {
        self.process.started_in
    }

    /// CPU time the server has used so far.
    pub fn cpu_time(&self) -> Duration {
        self.process.cpu_time()
    }

    /// Peak resident set size (VmHWM) in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        self.process.peak_rss_mib()
    }

    /// CPU time its threads named `name` have used so far (`mail-render`: the mail worker's
    /// rendering thread).
    pub fn thread_cpu(&self, name: &str) -> Duration {
        let Some(pid) = self.process.pid() else { return Duration::ZERO };
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Duration::ZERO };
        tasks
            .filter_map(Result::ok)
            .filter_map(|t| t.file_name().to_str()?.parse::<u32>().ok())
            .filter(|tid| {
                std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm")).is_ok_and(|c| c.trim() == name)
            })
            .filter_map(|tid| leerweek_testkit::process::thread_cpu_time(pid, tid))
            .sum()
    }

    /// Mails the sink accepted so far.
    pub fn mails(&self) -> usize {
        self.mail.accepted()
    }

    /// SIGTERM, and wait (at most 10 s) for it to stop.
    pub async fn stop(mut self) {
        self.process.terminate(Duration::from_secs(10)).await;
    }
}

/// One server or several on the same database, the rush's requests alternating between them.
pub struct Servers(Vec<Server>);

impl Servers {
    /// Start `n` servers on `url`, one after the other.
    pub async fn start(url: &str, n: usize) -> anyhow::Result<Servers> {
        let mut all = Vec::with_capacity(n.max(1));
        for _ in 0..n.max(1) {
            all.push(Server::start(url).await?);
        }
        Ok(Servers(all))
    }

    /// Their addresses.
    pub fn bases(&self) -> Vec<String> {
        self.0.iter().map(|s| s.base.clone()).collect()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never: [`Servers::start`] starts one at least.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// CPU time all of them have used so far.
    pub fn cpu_time(&self) -> Duration {
        self.0.iter().map(Server::cpu_time).sum()
    }

    /// CPU time their threads named `name` have used so far.
    pub fn thread_cpu(&self, name: &str) -> Duration {
        self.0.iter().map(|s| s.thread_cpu(name)).sum()
    }

    /// The highest peak resident set size among them, in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        self.0.iter().map(Server::peak_rss_mib).fold(0.0, f64::max)
    }

    /// Mails their sinks accepted so far.
    pub fn mails(&self) -> usize {
        self.0.iter().map(Server::mails).sum()
    }

    /// Stop them all.
    pub async fn stop(self) {
        for s in self.0 {
            s.stop().await;
        }
    }
}
