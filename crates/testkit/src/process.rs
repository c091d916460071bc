//! A `leerweek serve` child process on a loopback port of the kernel's choice: it is started with
//! `--bind 127.0.0.1:0` and says where it listens (`Leerweek draait op http://…`, its first line
//! on standard output), so no port is picked here and hoped to be free. A server started again on
//! the same database gets a new address; clients follow [`ServerProcess::base`].

use anyhow::{Context, bail};
use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The `leerweek` binary: `$LEERWEEK_BIN` when set, else `default` (a test's
/// `env!("CARGO_BIN_EXE_leerweek")`, or the bench's sibling executable).
pub fn leerweek_bin(default: impl Into<PathBuf>) -> PathBuf {
    std::env::var_os("LEERWEEK_BIN").filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| default.into())
}

/// `leerweek serve --bind 127.0.0.1:0` with `exe`, killed when dropped; set its environment, then
/// hand it to [`ServerProcess::start`].
pub fn serve_command(exe: impl AsRef<OsStr>) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(exe);
    c.args(["serve", "--bind", "127.0.0.1:0"]).kill_on_drop(true);
    c
}

/// A running `leerweek serve` child.
#[derive(Debug)]
pub struct ServerProcess {
    child: tokio::process::Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://addr`.
    pub base: String,
    /// From spawning it to its first `200` on `/health`.
    pub started_in: Duration,
    stdout: tokio::task::JoinHandle<String>,
}

impl ServerProcess {
    /// Spawn `command` (from [`serve_command`]), read the address it prints and wait until
    /// `/health` answers 200 (polled every 5 ms), at most `within`. Standard output is read here;
    /// standard error is whatever `command` says.
    pub async fn start(mut command: tokio::process::Command, within: Duration) -> anyhow::Result<ServerProcess> {
        let started = Instant::now();
        let mut child = command.stdout(Stdio::piped()).spawn().context("spawning leerweek serve")?;
        let mut lines = BufReader::new(child.stdout.take().context("piped stdout")?).lines();
        let first = tokio::time::timeout(within, lines.next_line()).await;
        let line = match first {
            Ok(Ok(Some(line))) => line,
            Ok(_) => {
                let status = child.wait().await.ok();
                bail!("leerweek serve exited ({status:?}) before saying where it listens")
            }
            Err(_) => bail!("leerweek serve did not say where it listens within {within:?}"),
        };
        let base = line
            .strip_prefix("Leerweek draait op ")
            .with_context(|| format!("unexpected first line of leerweek serve: {line:?}"))?
            .trim()
            .to_owned();
        let addr: SocketAddr =
            base.trim_start_matches("http://").parse().with_context(|| format!("an address in {line:?}"))?;
        // The rest of its output is read (and kept), so that the server never writes into a full pipe.
        let stdout = tokio::spawn(async move {
            let mut rest = String::new();
            while let Ok(Some(l)) = lines.next_line().await {
                rest.push_str(&l);
                rest.push('\n');
            }
            rest
        });
        let mut server = ServerProcess { child, addr, base, started_in: Duration::ZERO, stdout };
        // No connection of ours is left open in the server (tests count its descriptors).
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).build()?;
        while started.elapsed() < within {
            let health = client.get(format!("{}/health", server.base)).header("connection", "close").send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                server.started_in = started.elapsed();
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                bail!("leerweek serve exited with {status} before answering /health");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        bail!("leerweek serve did not answer /health within {within:?}")
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Its process id (`None` once it has been waited for).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Whether it still runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// A line of `/proc/PID/status` in MiB (`VmRSS`, `VmHWM`).
    fn status_mib(&self, field: &str) -> f64 {
        let Some(pid) = self.pid() else { return 0.0 };
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    }

    /// Resident memory now, in MiB.
    pub fn rss_mib(&self) -> f64 {
        self.status_mib("VmRSS:")
    }

    /// Peak resident memory (`VmHWM`), in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        self.status_mib("VmHWM:")
    }

    /// Its open file descriptors (sockets among them).
    pub fn open_fds(&self) -> usize {
        self.pid().and_then(|pid| std::fs::read_dir(format!("/proc/{pid}/fd")).ok()).map(|d| d.count()).unwrap_or(0)
    }

    /// CPU time (user + system) it has used so far, from `/proc/PID/stat`.
    pub fn cpu_time(&self) -> Duration {
        self.pid().and_then(cpu_time).unwrap_or_default()
    }

    /// `kill -9`: no chance to finish anything. Returns how it exited.
    pub async fn kill9(mut self) -> std::process::ExitStatus {
        self.child.start_kill().expect("SIGKILL");
        self.child.wait().await.expect("wait")
    }

    /// SIGTERM, then wait at most `within` for the graceful stop; whether it stopped. A server
    /// that did not stop still runs (and is killed when dropped).
    pub async fn terminate(&mut self, within: Duration) -> bool {
        if let Some(pid) = self.pid() {
            // SAFETY: kill(2) with a child's pid and a signal number has no memory effects.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        }
        tokio::time::timeout(within, self.child.wait()).await.is_ok()
    }

    /// What it printed on standard output after its first line, once it has exited.
    pub async fn stdout(self) -> String {
        self.stdout.await.unwrap_or_default()
    }
}

/// CPU time (user + system) process `pid` has used so far, from `/proc/PID/stat`.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    stat_cpu_time(&format!("/proc/{pid}/stat"))
}

/// CPU time one thread `tid` of process `pid` has used so far, from `/proc/PID/task/TID/stat`
/// (not `/proc/TID/stat`: that one adds up the whole process).
pub fn thread_cpu_time(pid: u32, tid: u32) -> Option<Duration> {
    stat_cpu_time(&format!("/proc/{pid}/task/{tid}/stat"))
}

/// The user and system time in a `stat` file of `/proc`.
fn stat_cpu_time(path: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(Duration::from_millis(ticks * 1000 / per_sec))
}
