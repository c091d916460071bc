//! Where the machine's CPU went during a measurement, from `/proc`: the whole machine, the
//! servers under measurement, PostgreSQL's processes, and the bench itself.

use std::time::Duration;

/// CPU used so far by each part (the machine: busy time of all cores).
#[derive(Debug, Clone, Copy, Default)]
pub struct Split {
    /// Busy time of all cores (user, nice, system, irq, softirq, steal).
    pub machine: Duration,
    /// The servers under measurement.
    pub servers: Duration,
    /// Every process named `postgres`.
    pub postgres: Duration,
    /// This process (the bench's clients).
    pub bench: Duration,
    /// Wall time: since the start of the process for a reading, between two for a difference.
    pub wall: Duration,
}

/// When this process started measuring (for [`Split::wall`]).
fn origin() -> std::time::Instant {
    static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(std::time::Instant::now)
}

fn ticks_to_duration(ticks: u64) -> Duration {
    // SAFETY: sysconf has no preconditions.
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / per_sec)
}

fn machine_busy() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(cpu) = stat.lines().find(|l| l.starts_with("cpu ")) else { return Duration::ZERO };
    let f: Vec<u64> = cpu.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal
    let busy = [0, 1, 2, 5, 6, 7].iter().filter_map(|&i| f.get(i)).sum();
    ticks_to_duration(busy)
}

fn named(name: &str) -> Duration {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Duration::ZERO };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name))
        .filter_map(leerweek_testkit::process::cpu_time)
        .sum()
}

impl Split {
    /// Now, with `servers` the servers' CPU so far.
    pub fn now(servers: Duration) -> Split {
        Split {
            machine: machine_busy(),
            servers,
            postgres: named("postgres"),
            bench: leerweek_testkit::process::cpu_time(std::process::id()).unwrap_or_default(),
            wall: origin().elapsed(),
        }
    }

    /// What was used from `earlier` to this one.
    pub fn since(&self, earlier: &Split) -> Split {
        Split {
            machine: self.machine.saturating_sub(earlier.machine),
            servers: self.servers.saturating_sub(earlier.servers),
            postgres: self.postgres.saturating_sub(earlier.postgres),
            bench: self.bench.saturating_sub(earlier.bench),
            wall: self.wall.saturating_sub(earlier.wall),
        }
    }

    /// Everything else on the machine (the mail sink, the system, other work).
    pub fn rest(&self) -> Duration {
        self.machine.saturating_sub(self.servers + self.postgres + self.bench)
    }

    /// Cores busy on average (machine time / wall time).
    pub fn cores_busy(&self) -> f64 {
        self.machine.as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }
}
