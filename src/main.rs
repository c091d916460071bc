//! `leerweek`: serve the planner, migrate the database, load demo data, create the first admin,
//! import people. A thin layer over the library crates.

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use leerweek::config::{Overrides, Settings};
use leerweek::demo::{self, PersonaToken, State, Summary};
use leerweek::{startup, telemetry};
use leerweek_domain::access::Actor;
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_store::Store;
use leerweek_store::people::{self, ImportOptions, ImportRow, RowOutcome};
use std::path::PathBuf;
use std::process::ExitCode;

/// Leerweek: plan a development week shared by municipalities.
#[derive(Debug, Parser)]
#[command(name = "leerweek", version, about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Global {
    /// Database URL: sqlite://path?mode=rwc (default: data/leerweek.db) or postgres://user:pass@host/db
    #[arg(long, global = true, value_name = "URL", env = "LEERWEEK__DATABASE__URL", hide_env_values = true)]
    database: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run migrations and serve the API and the web app.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080; port 0 picks a free port).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// Load demo data into an empty database and print ready-to-use tokens.
        #[arg(long)]
        demo: bool,
    },
    /// Run only the background jobs (mail outbox, waiting lists, reminders), without HTTP.
    Worker,
    /// Bring the database schema up to date.
    Migrate,
    /// Load the demo week into an empty database.
    SeedDemo,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The preference lottery of a week.
    Allocation {
        #[command(subcommand)]
        command: AllocationCommand,
    },
    /// Import people from a CSV or Excel file (email,name,organisation[,org_unit,manager_email],
    /// or the usual Dutch headers): all rows or none.
    ImportPeople {
        /// The CSV or XLSX file, with a header line.
        csv: PathBuf,
        /// E-mail of the admin on whose behalf to import (default: the first admin).
        #[arg(long = "as", value_name = "EMAIL")]
        as_admin: Option<String>,
        /// Mark the people of the file's organisations whom it does not list as gone.
        #[arg(long)]
        mark_gone: bool,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an administrator (or find an existing person) and print a new API token.
    Create {
        /// Their e-mail address.
        #[arg(long)]
        email: String,
        /// Their name.
        #[arg(long)]
        name: String,
    },
    /// Revoke an API token, given its id or the token itself (e.g. one that leaked). This server
    /// refuses it at once; other running servers within 5 seconds.
    RevokeToken {
        /// The token's id (as the console lists it) or the token (`lw_…`).
        token: String,
    },
}

#[derive(Debug, Subcommand)]
enum AllocationCommand {
    /// Recompute a week's allocation from the input and seed kept with it and compare it with
    /// what the run gave, kept on its enrolments, and the preferences it read. Exit code 1 on any difference.
    Verify {
        /// The week's id.
        event: uuid::Uuid,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("leerweek: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("leerweek: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let bind = match &cli.command {
        Command::Serve { bind, .. } => bind.clone(),
        _ => None,
    };
    let settings = Settings::load(&Overrides { database_url: cli.global.database.clone(), bind })?;
    telemetry::init(&settings.log.filter);
    tracing::debug!(?settings, "settings");
    match cli.command {
        Command::Serve { demo, .. } => serve(settings, demo).await,
        Command::Worker => {
            let (store, background) = startup::connect(&settings).await?;
            println!("Leerweek-worker draait (mail, wachtlijsten, herinneringen); stop met Ctrl-C");
            startup::run_workers(store.clone(), &settings, startup::shutdown_signal()).await;
            store.close().await?;
            startup::stop_background(background).await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let (store, background) = startup::connect(&settings).await?;
            store.close().await?;
            startup::stop_background(background).await;
            println!("Database bijgewerkt: {}", settings.database.url);
            Ok(ExitCode::SUCCESS)
        }
        Command::SeedDemo => {
            let (store, background) = startup::connect(&settings).await?;
            let summary = demo::seed(&store, Utc::now()).await?;
            print_demo(&summary, &public_base(&settings));
            store.close().await?;
            startup::stop_background(background).await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { command: AdminCommand::Create { email, name } } => {
            let email = EmailAddress::parse(&email).map_err(|e| anyhow::anyhow!("--email {e}"))?;
            let name = Name::parse(&name).map_err(|e| anyhow::anyhow!("--name {e}"))?;
            let (store, background) = startup::connect(&settings).await?;
            let (person, token) = people::create_admin(&store, email, name, Utc::now()).await?;
            store.close().await?;
            startup::stop_background(background).await;
            println!("Beheerder: {} <{}> ({})", person.name, person.email, person.id);
            println!("API-token (wordt niet nog eens getoond; gebruik als Authorization: Bearer <token>):");
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { command: AdminCommand::RevokeToken { token } } => {
            let (store, background) = startup::connect(&settings).await?;
            let revoked = people::revoke_token_from_shell(&store, &token, Utc::now()).await;
            store.close().await?;
            startup::stop_background(background).await;
            match revoked? {
                Some((id, person)) => {
                    println!("API-token {id} (van persoon {person}) is ingetrokken.");
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    eprintln!("Geen API-token gevonden met dit id of deze waarde.");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Allocation { command: AllocationCommand::Verify { event } } => {
            let (store, background) = startup::connect(&settings).await?;
            let checked = leerweek_store::allocation::verify(&store, event).await;
            store.close().await?;
            startup::stop_background(background).await;
            let v = match checked {
                Ok(v) => v,
                Err(leerweek_store::StoreError::NotFound(_)) => {
                    eprintln!("Week {event} heeft geen uitgevoerde loting (alleen proeflotingen, of geen).");
                    return Ok(ExitCode::FAILURE);
                }
                Err(e) => return Err(e.into()),
            };
            println!("Loting {} van week {event}, seed {}", v.run_id, v.seed);
            println!("Plaatsingen: {} herberekend, {} in de database", v.expected, v.stored);
            if v.holds() {
                println!("In orde: de database bevat precies wat de loting met deze seed beslist.");
                return Ok(ExitCode::SUCCESS);
            }
            println!("{} verschil(len):", v.differences.len());
            for d in &v.differences {
                println!("- {d}");
            }
            Ok(ExitCode::FAILURE)
        }
        Command::ImportPeople { csv, as_admin, mark_gone } => {
            import_people(&settings, &csv, as_admin.as_deref(), ImportOptions { mark_gone }).await
        }
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<ExitCode> {
    if demo && let Ok(addr) = settings.server.bind.parse() {
        // Refuse before touching the database: the demo signs anyone in.
        startup::check_demo_bind(addr)?;
    }
    let listener = startup::listen(&settings.server.bind)
        .await
        .with_context(|| format!("cannot listen on {}", settings.server.bind))?;
    if demo {
        startup::check_demo_bind(listener.local_addr()?)?;
    }
    let server = startup::build(&settings, listener, startup::shutdown_signal()).await?;
    let store = server.store();
    let mut demo_block: Option<Summary> = None;
    if demo {
        match demo::state(store).await? {
            State::Empty => {
                tracing::info!("loading demo data");
                let summary = demo::seed(store, Utc::now()).await.context("loading demo data")?;
                tracing::info!(seconds = summary.elapsed.as_secs_f64(), "demo data loaded");
                demo_block = Some(summary);
            }
            State::Seeded => {
                let tokens = demo::fresh_tokens(store, Utc::now()).await?;
                let event_id = demo::event_id(store).await?;
                demo_block = Some(Summary { tokens, event_id, ..Default::default() });
            }
            State::Other => {
                tracing::warn!("the database already holds other data: demo data not loaded");
            }
        }
    }
    #[cfg(unix)]
    match startup::raise_open_files_limit() {
        Ok((soft, hard)) => tracing::info!(soft, hard, "open files limit"),
        Err(e) => tracing::warn!(error = %e, "cannot raise the open files limit"),
    }
    let url = startup::public_url(server.local_addr()?);
    println!("Leerweek draait op {url}");
    if let Some(summary) = &demo_block {
        print_demo(summary, &url);
    } else {
        print_setup_address(store, &settings, &url).await?;
    }
    tracing::info!(%url, database = %settings.database.url, "listening");
    let personas = demo_block
        .as_ref()
        .map(|d| d.tokens.iter().map(|t| (t.role.to_owned(), t.name.clone(), t.email.clone())).collect())
        .unwrap_or_default();
    let background = server.with_demo_personas(personas).run().await?;
    startup::stop_background(background).await;
    Ok(ExitCode::SUCCESS)
}

/// On an installation without an admin: a one-time address where the first admin sets it up.
async fn print_setup_address(store: &leerweek_store::Store, settings: &Settings, url: &str) -> anyhow::Result<()> {
    let now = Utc::now();
    let Some(code) = leerweek_store::people::issue_setup_code(store, now).await? else { return Ok(()) };
    // The address people reach the server at (behind a proxy), unless it is still the default:
    // then the address this server really listens on.
    let configured = settings.mail.public_url.trim_end_matches('/');
    let base = if configured.is_empty() || configured == "http://127.0.0.1:8080" { url } else { configured };
    let until = (now + leerweek_store::people::SETUP_CODE_VALIDITY).with_timezone(&chrono_tz::Europe::Amsterdam);
    println!();
    println!("Eerste keer: richt Leerweek in op {base}/inrichten#{code}");
    println!(
        "  Daar maak je de eerste beheerder aan. Het adres werkt één keer, tot {} (Nederlandse tijd);",
        until.format("%H:%M")
    );
    println!("  een herstart geeft een nieuw adres. Voor scripts: leerweek admin create --email … --name …");
    tracing::info!("no admin yet: printed a one-time set-up address");
    Ok(())
}

/// The URL to show when no server is running in this process.
fn public_base(settings: &Settings) -> String {
    settings.server.bind.parse().map(startup::public_url).unwrap_or_else(|_| format!("http://{}", settings.server.bind))
}

fn print_demo(s: &Summary, url: &str) {
    println!();
    if let (Some(from), Some(to)) = (s.starts_on, s.ends_on) {
        println!(
            "Demo: {}, maandag {} t/m vrijdag {}",
            s.event_name,
            leerweek_domain::dates::dutch_date(from),
            leerweek_domain::dates::dutch_date(to)
        );
        println!(
            "  {} organisaties, {} medewerkers, {} workshops, {} sessies; {} inschrijvingen bevestigd, {} op een wachtlijst (geladen in {} s)",
            s.organisations,
            s.people,
            s.workshops,
            s.sessions,
            s.confirmed,
            s.waitlisted,
            format!("{:.1}", s.elapsed.as_secs_f64()).replace('.', ",")
        );
        if s.refused > 0 {
            println!("  ({} geplande inschrijvingen geweigerd door de regels)", s.refused);
        }
        if s.assignments > 0 {
            println!("  Klussenbank: {} klussen van verschillende gemeenten, onder /klussen", s.assignments);
        }
    } else {
        println!("Demo: de demogegevens stonden al in de database; hier zijn nieuwe tokens.");
    }
    if s.tokens.is_empty() {
        return;
    }
    println!();
    println!("Tokens (stuur mee als Authorization: Bearer <token>):");
    let width = s.tokens.iter().map(|t| t.name.chars().count() + t.organisation.chars().count() + 2).max().unwrap_or(0);
    for PersonaToken { role, name, organisation, token, .. } in &s.tokens {
        let who = format!("{name}, {organisation}");
        println!("  {role:<12} {who:<width$}  {token}");
    }
    let employee = &s.tokens[0].token;
    println!();
    println!("Probeer:");
    println!("  curl {url}/health");
    println!("  curl -H \"Authorization: Bearer {employee}\" {url}/api/v1/me/enrolments");
    if let Some(id) = s.event_id {
        println!(
            "  curl -H \"Authorization: Bearer {employee}\" \"{url}/api/v1/events/{id}/programme?available=true\""
        );
    }
    println!("  API-beschrijving: {url}/api/v1/openapi.json");
}

async fn import_people(
    settings: &Settings,
    csv_path: &std::path::Path,
    as_admin: Option<&str>,
    options: ImportOptions,
) -> anyhow::Result<ExitCode> {
    let rows = read_people_file(csv_path)?;
    let (store, background) = startup::connect(settings).await?;
    let actor = admin_actor(&store, as_admin).await?;
    let report = people::import_people(&store, &actor, &rows, options, Utc::now()).await?;
    store.close().await?;
    startup::stop_background(background).await;
    for r in &report.rows {
        let problems: Vec<String> = match &r.outcome {
            RowOutcome::Invalid(errors) => errors.iter().map(|e| format!("{}: {}", e.field, e.problem)).collect(),
            RowOutcome::Changed(changes) => changes
                .iter()
                .map(|c| {
                    format!("{}: {} → {}", c.field, c.old.as_deref().unwrap_or(""), c.new.as_deref().unwrap_or(""))
                })
                .collect(),
            RowOutcome::New | RowOutcome::Unchanged => vec![],
        };
        if problems.is_empty() {
            println!("regel {:>5}  {:<40} {}", r.line, r.email, r.outcome.as_str());
        } else {
            println!("regel {:>5}  {:<40} {}  ({})", r.line, r.email, r.outcome.as_str(), problems.join("; "));
        }
    }
    for g in &report.gone {
        println!("vertrokken   {:<40} {}", g.email, g.name);
    }
    if report.imported {
        println!(
            "Geïmporteerd: {} nieuw, {} gewijzigd, {} ongewijzigd, {} vertrokken.",
            report.new,
            report.changed,
            report.unchanged,
            report.gone.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("Niets geïmporteerd: {} ongeldige regel(s). Verbeter het bestand en probeer opnieuw.", report.invalid);
        Ok(ExitCode::from(2))
    }
}

/// Read a CSV or XLSX file of people as the API does (`leerweek_api::people_file`).
fn read_people_file(path: &std::path::Path) -> anyhow::Result<Vec<ImportRow>> {
    use leerweek_api::people_file::{self, FileKind, FileProblem};
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let kind =
        FileKind::of(Some(if xlsx { people_file::XLSX_TYPE } else { "text/csv" }), &bytes).unwrap_or(FileKind::Csv);
    let rows = people_file::read(&bytes, kind).and_then(|t| people_file::rows(&t, &Default::default(), None));
    rows.map_err(|e| match e {
        FileProblem::MissingColumn { field, columns } => {
            anyhow::anyhow!("{}: no column for {} in the header {columns:?}", path.display(), field.as_str())
        }
        other => anyhow::anyhow!("{}: {other:?}", path.display()),
    })
}

/// The admin on whose behalf the command line acts: the one named, or the first one created.
async fn admin_actor(store: &Store, email: Option<&str>) -> anyhow::Result<Actor> {
    let person = match email {
        Some(e) => {
            let e = EmailAddress::parse(e).map_err(|err| anyhow::anyhow!("--as {err}"))?;
            people::person_by_email(store, &e).await?.with_context(|| format!("nobody has the address {e}"))?
        }
        None => people::first_admin(store)
            .await?
            .context("there is no admin yet: create one with `leerweek admin create --email … --name …`")?,
    };
    let actor = people::actor_of(store, &person).await?;
    if !actor.may_administer() {
        bail!("{} is not an admin", person.email);
    }
    Ok(actor)
}
