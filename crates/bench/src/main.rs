//! `leerweek-bench`: the benchmarks of docs/BENCHMARKS.md, and `generate` to leave a generated
//! week in a database to look around in by hand. Exit status: 1 when a run lost, overbooked or
//! miscounted anything (rush, programme), a start-up took 1 s or more or an import missed a target; 3 when a report took
//! 1 s or more.

use clap::{Parser, Subcommand};
use leerweek_bench::fixtures::{self, RushScale, Scale};
use leerweek_bench::{import, read, reports, rush, startup};
use leerweek_store::{Store, StoreOptions};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Benchmarks of Leerweek (see docs/BENCHMARKS.md).
#[derive(Debug, Parser)]
#[command(name = "leerweek-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Time every report on generated weeks (1/10 and national scale), SQLite and PostgreSQL.
    Reports {
        /// Scales to run, comma separated.
        #[arg(long, value_delimiter = ',', default_value = "tenth,national")]
        scales: Vec<String>,
        /// PostgreSQL URL of a role that may create databases (also run there).
        #[arg(long, env = "LEERWEEK_BENCH_POSTGRES_URL", hide_env_values = true)]
        postgres: Option<String>,
        /// Timed runs per report; the median counts.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Only PostgreSQL.
        #[arg(long)]
        no_sqlite: bool,
    },
    /// The enrolment rush over HTTP against a `leerweek serve` child process, beside the
    /// database's own ceiling (raw SQL, same transaction shape), on SQLite and PostgreSQL.
    Rush {
        /// Concurrent clients per run, comma separated.
        #[arg(long, value_delimiter = ',', default_value = "50")]
        clients: Vec<usize>,
        /// PostgreSQL URL of a role that may create databases (also run there).
        #[arg(long, env = "LEERWEEK_BENCH_POSTGRES_URL", hide_env_values = true)]
        postgres: Option<String>,
        /// Only PostgreSQL.
        #[arg(long)]
        no_sqlite: bool,
        /// Longest a run may take, in seconds.
        #[arg(long, default_value_t = 30)]
        budget_secs: u64,
        /// People in the week, imported through the API (one run each, comma separated; with two
        /// or more the growth of the CPU a decision is printed).
        #[arg(long, value_delimiter = ',', default_value = "20000")]
        people: Vec<usize>,
        /// Organisations of the week built through the API.
        #[arg(long, default_value_t = 4)]
        organisations: usize,
        /// Sessions of each workshop: `5`, or a range such as `1-10` (workshops in turn).
        #[arg(long, default_value = "5")]
        sessions_per_workshop: String,
        /// Requests of each person: `once` (each request a person not seen before), or
        /// `up-to-limit` (each person as many times as the week's limit, 3).
        #[arg(long, default_value = "once")]
        clicks: String,
        /// At most this many requests a run.
        #[arg(long)]
        requests: Option<usize>,
        /// `leerweek serve` processes on one PostgreSQL database, requests alternating (with 2
        /// or more, a one-server run is made beside for the comparison).
        #[arg(long, default_value_t = 1)]
        servers: usize,
        /// Longest the bench waits after a rush for its confirmation mails, in seconds.
        #[arg(long, default_value_t = 300)]
        drain_secs: u64,
        /// Also print the run on the generated week (rows written by the bench).
        #[arg(long)]
        fixtures: bool,
    },
    /// The preference lottery: people rank sessions through the API, one allocation places
    /// everyone (timed with the server's CPU), beside first come on the same choices.
    Allocation {
        /// People who rank sessions (imported, a token each).
        #[arg(long, default_value_t = 20_000)]
        people: usize,
        /// Sessions of the week (20 seats each).
        #[arg(long, default_value_t = 600)]
        sessions: usize,
        /// Sessions each person ranks.
        #[arg(long, default_value_t = 5)]
        preferences: usize,
        /// Concurrent clients giving preferences and clicking in the first-come baseline.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// PostgreSQL URL of a role that may create databases (also run there).
        #[arg(long, env = "LEERWEEK_BENCH_POSTGRES_URL", hide_env_values = true)]
        postgres: Option<String>,
        /// Only PostgreSQL.
        #[arg(long)]
        no_sqlite: bool,
    },
    /// A session's certificates: 200 people attend, the host downloads them all in one ZIP
    /// (timed, with the server's CPU), beside downloading them one by one.
    Certificates {
        /// People attending the session (imported, a token each).
        #[arg(long, default_value_t = 200)]
        people: usize,
        /// PostgreSQL URL of a role that may create databases (also run there).
        #[arg(long, env = "LEERWEEK_BENCH_POSTGRES_URL", hide_env_values = true)]
        postgres: Option<String>,
        /// Only PostgreSQL.
        #[arg(long)]
        no_sqlite: bool,
    },
    /// The Klussenbank: ranking 100 responses and suggesting findable people among 20,000, each
    /// with their own skills, all built through the API (timed, with the server's CPU, beside
    /// reading the klus itself).
    Klussen {
        /// People on the installation (imported, a token each, their own skills).
        #[arg(long, default_value_t = 20_000)]
        people: usize,
        /// Responses to the klus.
        #[arg(long, default_value_t = 100)]
        responses: usize,
        /// Times each read is repeated.
        #[arg(long, default_value_t = 50)]
        repeats: usize,
        /// PostgreSQL URL of a role that may create databases (also run there).
        #[arg(long, env = "LEERWEEK_BENCH_POSTGRES_URL", hide_env_values = true)]
        postgres: Option<String>,
        /// Only PostgreSQL.
        #[arg(long)]
        no_sqlite: bool,
    },
    /// Reading the programme (600 sessions, live seat counts) over HTTP, alone and during an
    /// enrolment rush, with a check that seat counts are never staler than 1 s.
    Programme {
        /// Concurrent readers (and as many enrolling clients during the rush).
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// PostgreSQL URL of a role that may create databases (also run there).
        #[arg(long, env = "LEERWEEK_BENCH_POSTGRES_URL", hide_env_values = true)]
        postgres: Option<String>,
        /// Only PostgreSQL.
        #[arg(long)]
        no_sqlite: bool,
        /// Length of each phase, in seconds.
        #[arg(long, default_value_t = 10)]
        secs: u64,
    },
    /// Start-up time of `leerweek serve` on a SQLite file holding a generated week.
    Startup {
        /// `tenth` or `national`.
        #[arg(long, default_value = "national")]
        scale: String,
        /// Starts timed; the median counts.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// A file of 20,000 people (CSV, then XLSX) previewed and imported over HTTP on SQLite while
    /// enrolments trickle in beside it.
    Import {
        /// Rows in the file.
        #[arg(long, default_value_t = 20_000)]
        rows: usize,
    },
    /// Generate a week into the (empty) database, to look around by hand.
    Generate {
        /// `tenth` or `national`.
        #[arg(long, default_value = "tenth")]
        scale: String,
        /// Database URL: sqlite://path?mode=rwc or postgres://user:pass@host/db (migrated first).
        #[arg(
            long,
            value_name = "URL",
            env = "LEERWEEK__DATABASE__URL",
            hide_env_values = true,
            default_value = "sqlite://data/leerweek.db?mode=rwc"
        )]
        database: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("leerweek-bench: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("leerweek-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ok_or = |ok: bool, code: u8| if ok { ExitCode::SUCCESS } else { ExitCode::from(code) };
    match cli.command {
        Command::Reports { scales, postgres, runs, no_sqlite } => {
            let plan = reports::Plan { scales, postgres, runs, no_sqlite };
            Ok(ok_or(reports::run(&plan).await?, 3))
        }
        Command::Rush {
            clients,
            postgres,
            no_sqlite,
            budget_secs,
            people,
            organisations,
            sessions_per_workshop,
            clicks,
            requests,
            servers,
            drain_secs,
            fixtures,
        } => {
            let sessions_per_workshop = parse_range(&sessions_per_workshop)?;
            let base = fixtures::through_api::ApiShape::ISSUE_24;
            let clicks_per_person = match clicks.as_str() {
                "once" => 1,
                "up-to-limit" => base.max_per_person as usize,
                other => anyhow::bail!("--clicks is `once` or `up-to-limit`, not `{other}`"),
            };
            anyhow::ensure!(!people.is_empty() && people.iter().all(|&p| p > 0), "--people needs a number above 0");
            anyhow::ensure!(organisations > 0, "--organisations needs a number above 0");
            let plan = rush::RushPlan {
                clients,
                postgres,
                no_sqlite,
                budget: Duration::from_secs(budget_secs),
                scale: RushScale::BENCH,
                api_shape: fixtures::through_api::ApiShape {
                    organisations,
                    sessions_per_workshop,
                    clicks_per_person,
                    requests,
                    ..base
                },
                people,
                servers: servers.max(1),
                drain: Duration::from_secs(drain_secs),
                fixtures,
            };
            Ok(ok_or(rush::run(&plan).await?, 1))
        }
        Command::Programme { clients, postgres, no_sqlite, secs } => {
            let plan = read::ProgrammePlan {
                clients: clients.max(1),
                postgres,
                no_sqlite,
                secs: secs.max(1),
                scale: RushScale::BENCH,
            };
            Ok(ok_or(read::run(&plan).await?, 1))
        }
        Command::Allocation { people, sessions, preferences, clients, postgres, no_sqlite } => {
            anyhow::ensure!(people > 0 && sessions > 0, "--people and --sessions need a number above 0");
            anyhow::ensure!((1..=20).contains(&preferences), "--preferences is 1–20");
            let plan = leerweek_bench::allocation::AllocationPlan {
                people,
                sessions,
                preferences,
                clients: clients.max(1),
                postgres,
                no_sqlite,
            };
            Ok(ok_or(leerweek_bench::allocation::run(&plan).await?, 1))
        }
        Command::Certificates { people, postgres, no_sqlite } => {
            anyhow::ensure!(people > 0, "--people needs a number above 0");
            let plan = leerweek_bench::certificates::CertificatesPlan { people, postgres, no_sqlite };
            Ok(ok_or(leerweek_bench::certificates::run(&plan).await?, 1))
        }
        Command::Klussen { people, responses, repeats, postgres, no_sqlite } => {
            anyhow::ensure!(people > 0 && responses > 0 && responses <= people, "--responses needs 1 up to --people");
            let plan = leerweek_bench::klussen::KlussenPlan {
                people,
                responses,
                repeats: repeats.max(1),
                postgres,
                no_sqlite,
            };
            Ok(ok_or(leerweek_bench::klussen::run(&plan).await?, 1))
        }
        Command::Import { rows } => Ok(ok_or(import::run(&import::ImportPlan { rows: rows.max(1) }).await?, 1)),
        Command::Startup { scale, runs } => Ok(ok_or(startup::run(Scale::named(&scale)?, runs.max(1)).await?, 1)),
        Command::Generate { scale, database } => {
            let scale = Scale::named(&scale)?;
            let (store, _background) = Store::connect(&database, &StoreOptions::default()).await?;
            store.migrate().await?;
            let t = Instant::now();
            let g = fixtures::generate(&database, scale, 2027).await?;
            println!(
                "Gegenereerd in {:.1} s: week {}, {} organisaties, {} mensen, {} sessies, {} inschrijvingen",
                t.elapsed().as_secs_f64(),
                g.event_id,
                g.organisations,
                g.people,
                g.sessions,
                g.enrolments
            );
            store.close().await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `5` or `1-10`.
fn parse_range(text: &str) -> anyhow::Result<(usize, usize)> {
    let bad = || anyhow::anyhow!("--sessions-per-workshop is a number or a range such as 1-10, not `{text}`");
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let (a, b): (usize, usize) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    anyhow::ensure!(a >= 1 && a <= b && b <= 50, bad());
    Ok((a, b))
}
