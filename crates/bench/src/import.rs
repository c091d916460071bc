//! `leerweek-bench import`: a file of 20,000 people previewed and imported over HTTP against a
//! `leerweek serve` child on SQLite, as CSV and as XLSX, each on a fresh database, while a
//! trickle of enrolments (one every 10 ms, by people imported beforehand through the API) keeps
//! going. Prints the wall time of preview and import, the server's CPU per row, and the
//! enrolments' latency before and during the import: its p99 and maximum during the import are
//! what "the import never holds the writer longer than 250 ms" means to the people enrolling.
//! The baseline is the same trickle's latency with nothing else going on, in the same run.

use crate::server::Server;
use anyhow::{Context, ensure};
use leerweek_domain::text::{EmailAddress, Name};
use leerweek_store::{Store, StoreOptions, people};
use leerweek_testkit::Api;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

/// What to run.
pub struct ImportPlan {
    /// Rows in the file.
    pub rows: usize,
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// People who enrol during the import, and the sessions they enrol in.
const ENROLLING: usize = 300;
const SESSIONS: usize = 10;

/// Phases of a run, as the trickle tags its samples.
const IDLE: u8 = 0;
const PREVIEW: u8 = 1;
const IMPORT: u8 = 2;
const STOP: u8 = 3;

/// The file: `rows` people of "Gemeente Bench" in 50 units, each group of 20 managed by its first.
pub fn csv(rows: usize) -> String {
    let mut out = String::from("E-mailadres;Naam;Organisatie;Afdeling;E-mail leidinggevende\n");
    for i in 0..rows {
        let manager = if i % 20 == 0 { String::new() } else { format!("p{}@bench.nl", i - i % 20) };
        out.push_str(&format!("p{i}@bench.nl;Medewerker {i};Gemeente Bench;Afdeling {};{manager}\n", i % 50));
    }
    out
}

/// The same file as a workbook.
pub fn xlsx(rows: usize) -> anyhow::Result<Vec<u8>> {
    let text = csv(rows);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell)?;
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

/// Run the benchmark; `true` when the targets were met.
pub async fn run(plan: &ImportPlan) -> anyhow::Result<bool> {
    println!("Import van {} mensen via HTTP, SQLite, met één inschrijving per 10 ms ernaast", plan.rows);
    let files: [(&str, &str, Vec<u8>); 2] =
        [("CSV", "text/csv", csv(plan.rows).into_bytes()), ("XLSX", XLSX, xlsx(plan.rows)?)];
    let mut ok = true;
    let mut walls = Vec::new();
    for (label, content_type, body) in files {
        let r = one(label, content_type, body, plan.rows).await?;
        ok &= r.preview < Duration::from_secs(5)
            && r.import < Duration::from_secs(10)
            && r.worst < Duration::from_millis(250);
        walls.push(r);
    }
    println!(
        "XLSX/CSV: voorvertoning ×{:.2}, import ×{:.2}",
        walls[1].preview.as_secs_f64() / walls[0].preview.as_secs_f64(),
        walls[1].import.as_secs_f64() / walls[0].import.as_secs_f64()
    );
    println!("{}", if ok { "Alle doelen gehaald." } else { "DOEL GEMIST." });
    Ok(ok)
}

struct Figures {
    preview: Duration,
    import: Duration,
    worst: Duration,
}

async fn one(label: &str, content_type: &str, body: Vec<u8>, rows: usize) -> anyhow::Result<Figures> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("import.db").display());
    let admin = {
        let (store, background) = Store::connect(&url, &StoreOptions::default()).await?;
        store.migrate().await?;
        let (_, token) = people::create_admin(
            &store,
            EmailAddress::parse("beheer@bench.nl").map_err(|e| anyhow::anyhow!("{e}"))?,
            Name::parse("Beheerder").map_err(|e| anyhow::anyhow!("{e}"))?,
            chrono::Utc::now(),
        )
        .await?;
        store.close().await?;
        drop(background);
        token
    };
    let server = Server::start(&url).await?;
    let api = Api::new(server.base.clone(), admin.clone());
    let org = api.org("Gemeente Bench").await;
    let enrolling = api.people(org, "Gemeente Bench", "trickle", ENROLLING).await;
    let week = api.week(&[org], json!({})).await;
    let workshop = api.workshop(week, org, json!({})).await;
    let mut sessions = Vec::new();
    for s in 0..SESSIONS {
        sessions.push(api.session(workshop, (s / 2) as i64, if s % 2 == 0 { 9 } else { 13 }, 2, 10_000).await);
    }

    let phase = Arc::new(AtomicU8::new(IDLE));
    let trickle = {
        let (phase, client, base) = (phase.clone(), api.client.clone(), api.base.clone());
        tokio::spawn(async move {
            let mut samples: Vec<(u8, Duration, u16)> = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            for i in 0.. {
                tick.tick().await;
                let now = phase.load(Ordering::Acquire);
                if now == STOP {
                    break;
                }
                let (who, session) = (&enrolling[i % ENROLLING], sessions[(i / ENROLLING) % SESSIONS]);
                let t = Instant::now();
                let status = client
                    .post(format!("{base}/api/v1/sessions/{session}/enrolments"))
                    .bearer_auth(&who.token)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                samples.push((now, t.elapsed(), status));
            }
            samples
        })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;

    let post = |path: &'static str| {
        api.client
            .post(format!("{}{path}", api.base))
            .bearer_auth(&admin)
            .header("content-type", content_type)
            .body(body.clone())
    };
    phase.store(PREVIEW, Ordering::Release);
    let (cpu, t) = (server.cpu_time(), Instant::now());
    let res = post("/api/v1/people/import/preview").send().await?;
    let preview_status = res.status();
    let preview_body: Value = res.json().await?;
    let preview = t.elapsed();
    let preview_cpu = server.cpu_time().saturating_sub(cpu);
    ensure!(
        preview_status.is_success() && preview_body["new"] == rows,
        "preview: {preview_status} {}",
        preview_body["new"]
    );

    phase.store(IMPORT, Ordering::Release);
    let (cpu, t) = (server.cpu_time(), Instant::now());
    let res = post("/api/v1/people/import").send().await?;
    let status = res.status();
    let report: Value = res.json().await?;
    let import = t.elapsed();
    let import_cpu = server.cpu_time().saturating_sub(cpu);
    ensure!(status.is_success() && report["new"] == rows, "import: {status} {}", report["title"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    phase.store(STOP, Ordering::Release);
    let samples = trickle.await.context("the enrolment trickle")?;
    let (_, page) = api.get(&admin, &format!("/api/v1/people?organisation_id={org}&per_page=1")).await;
    ensure!(page["total"] == rows + ENROLLING, "people after the import: {}", page["total"]);
    server.stop().await;

    let lat = |p: u8| {
        let mut v: Vec<Duration> = samples.iter().filter(|s| s.0 == p).map(|s| s.1).collect();
        v.sort();
        let q =
            |f: f64| v.get(((v.len() as f64 * f) as usize).min(v.len().saturating_sub(1))).copied().unwrap_or_default();
        (v.len(), q(0.5), q(0.99), v.last().copied().unwrap_or_default())
    };
    let failed = samples.iter().filter(|s| !(200..300).contains(&s.2)).count();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let per_row = |d: Duration| d.as_secs_f64() * 1e6 / rows as f64;
    println!(
        "{label:<4} voorvertoning {:>6.2} s ({:>5.1} µs CPU/regel, {} kB antwoord), import {:>6.2} s ({:>5.1} µs CPU/regel)",
        preview.as_secs_f64(),
        per_row(preview_cpu),
        serde_json::to_vec(&preview_body)?.len() / 1024,
        import.as_secs_f64(),
        per_row(import_cpu),
    );
    let (n0, p50_0, p99_0, max0) = lat(IDLE);
    let (n2, p50_2, p99_2, max2) = lat(IMPORT);
    println!(
        "     inschrijvingen: rustig {n0} (p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms); tijdens import {n2} (p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms); p99 ×{:.1} t.o.v. rustig; {failed} niet 2xx",
        ms(p50_0),
        ms(p99_0),
        ms(max0),
        ms(p50_2),
        ms(p99_2),
        ms(max2),
        p99_2.as_secs_f64() / p99_0.as_secs_f64().max(1e-6),
    );
    Ok(Figures { preview, import, worst: max2 })
}
