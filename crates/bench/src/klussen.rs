//! The Klussenbank (issue 27): 20,000 people imported through the API, each with a token,
//! setting their own skills (three they have, one they want) and half of them opting in to be
//! findable, all through their own requests; an organiser posts a klus that asks four skills;
//! 100 people respond. Timed over HTTP, with the server's CPU: the poster's ranked responses
//! (`GET /assignments/{id}/responses`) and the suggestions among the 20,000
//! (`GET /assignments/{id}/suggestions`); beside them, the baseline of reading the klus itself
//! (`GET /assignments/{id}`). The target: each under 200 ms on SQLite.

use crate::fixtures::through_api::{self, Api, ApiShape};
use crate::rush::{backends, fresh_database};
use crate::server::Servers;
use anyhow::{Context, bail};
use futures::StreamExt;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The target for ranking and suggesting.
const TARGET: Duration = Duration::from_millis(200);
/// Skills in the installation's list.
const SKILLS: usize = 30;

/// What to measure.
#[derive(Debug, Clone)]
pub struct KlussenPlan {
    /// People on the installation.
    pub people: usize,
    /// Responses to the klus.
    pub responses: usize,
    /// Times each read is repeated.
    pub repeats: usize,
    /// PostgreSQL URL of a role that may create databases (also run there).
    pub postgres: Option<String>,
    /// Only PostgreSQL.
    pub no_sqlite: bool,
}

fn id(v: &Value) -> anyhow::Result<Uuid> {
    v["id"].as_str().and_then(|s| s.parse().ok()).with_context(|| format!("no id in {v}"))
}

/// Many requests with their own tokens, `width` at a time; any refusal is an error.
async fn each<T: Sync>(
    api: &Api,
    items: &[T],
    width: usize,
    request: impl Fn(&reqwest::Client, &T) -> reqwest::RequestBuilder,
) -> anyhow::Result<()> {
    let results: Vec<anyhow::Result<()>> = futures::stream::iter(items)
        .map(|item| {
            let req = request(&api.client, item);
            async move {
                let res = req.send().await?;
                if !res.status().is_success() {
                    bail!("{} {}", res.status(), res.text().await.unwrap_or_default());
                }
                Ok(())
            }
        })
        .buffer_unordered(width)
        .collect()
        .await;
    results.into_iter().collect()
}

/// Timings of one read repeated: median, 95th percentile, the server's CPU per read.
struct Timed {
    median: Duration,
    p95: Duration,
    cpu_per_read: Duration,
    body: Value,
}

async fn timed(servers: &Servers, api: &Api, token: &str, path: &str, repeats: usize) -> anyhow::Result<Timed> {
    let mut times = Vec::with_capacity(repeats);
    let mut body = Value::Null;
    let cpu = servers.cpu_time();
    for _ in 0..repeats {
        let t = Instant::now();
        let res = api.client.get(format!("{}{path}", api.base)).bearer_auth(token).send().await?;
        let status = res.status();
        body = res.json().await.unwrap_or(Value::Null);
        times.push(t.elapsed());
        if !status.is_success() {
            bail!("{path}: {status} {body}");
        }
    }
    let cpu = servers.cpu_time().saturating_sub(cpu);
    times.sort();
    Ok(Timed {
        median: times[times.len() / 2],
        p95: times[(times.len() * 95 / 100).min(times.len() - 1)],
        cpu_per_read: cpu / repeats.max(1) as u32,
        body,
    })
}

async fn on(backend: &'static str, plan: &KlussenPlan) -> anyhow::Result<bool> {
    let shape = ApiShape {
        organisations: 10,
        people: plan.people,
        sessions: 1,
        sessions_per_workshop: (1, 1),
        capacity: 10,
        max_per_person: 3,
        clicks_per_person: 1,
        requests: None,
    };
    let database = fresh_database(backend, plan.postgres.as_deref(), "klussen").await?;
    let admin = through_api::set_up(&crate::server::leerweek_exe()?, database.url())?;
    let servers = Servers::start(database.url(), 1).await?;
    let base = servers.bases()[0].clone();
    let api = Api::new(&base, &admin)?;
    let started = Instant::now();
    let (orgs, people) = through_api::people(&api, shape).await?;
    let mut skills = Vec::with_capacity(SKILLS);
    for i in 0..SKILLS {
        skills.push(id(&api.post("/api/v1/skills", json!({"name_nl": format!("Vaardigheid {:02}", i + 1)})).await?)?);
    }
    // Everyone sets their own skills; half opt in to be findable.
    let mut rng = rand::rngs::StdRng::seed_from_u64(27);
    let lists: Vec<(String, Value, bool)> = people
        .iter()
        .map(|(_, token)| {
            let mut pick = skills.clone();
            pick.shuffle(&mut rng);
            pick.truncate(4);
            let want = pick.pop().unwrap_or_default();
            (token.clone(), json!({"have": pick, "want": [want]}), rng.random_bool(0.5))
        })
        .collect();
    each(&api, &lists, 16, |c, (token, body, _)| {
        c.put(format!("{base}/api/v1/me/skills")).bearer_auth(token).json(body)
    })
    .await
    .context("setting skills")?;
    let findable: Vec<&(String, Value, bool)> = lists.iter().filter(|l| l.2).collect();
    each(&api, &findable, 16, |c, (token, _, _)| {
        c.put(format!("{base}/api/v1/me/klus-profile")).bearer_auth(token).json(&json!({"findable": true}))
    })
    .await
    .context("opting in")?;
    // The poster: an organiser of the first organisation.
    let poster = api
        .post(
            "/api/v1/people",
            json!({"email": "plaatser@bench.example", "name": "Plaatser", "organisation_id": orgs[0].0}),
        )
        .await?;
    api.post(&format!("/api/v1/people/{}/roles", id(&poster)?), json!({"role": "organiser"})).await?;
    let poster = api.post("/api/v1/tokens", json!({"person_id": id(&poster)?})).await?["token"]
        .as_str()
        .context("a token")?
        .to_owned();
    let closes = chrono::Utc::now().date_naive() + chrono::Duration::days(14);
    let klus = json!({"title": "Projectondersteuning Omgevingswet", "organisation_id": orgs[0].0, "hours_per_week": 8,
        "place": "hybrid", "places": 3, "reach": "all", "closes_on": closes, "state": "open",
        "skills": [{"skill_id": skills[0], "required": true}, {"skill_id": skills[1], "required": true},
                   {"skill_id": skills[2], "required": false}, {"skill_id": skills[3], "required": false}]});
    let res = api.client.post(format!("{base}/api/v1/assignments")).bearer_auth(&poster).json(&klus).send().await?;
    let klus: Value = res.json().await?;
    let klus = id(&klus)?;
    let respondents: Vec<(String, Value)> = people
        .iter()
        .take(plan.responses)
        .map(|(_, token)| {
            let brings: Vec<Uuid> = skills[..4].iter().filter(|_| rng.random_bool(0.25)).copied().collect();
            (token.clone(), json!({"motivation": "Ik help graag mee met de Omgevingswet.", "skills": brings}))
        })
        .collect();
    each(&api, &respondents, 8, |c, (token, body)| {
        c.post(format!("{base}/api/v1/assignments/{klus}/responses")).bearer_auth(token).json(body)
    })
    .await
    .context("responding")?;
    let built = started.elapsed();

    // Warm up once each, then time.
    for path in ["", "/responses", "/suggestions"] {
        timed(&servers, &api, &poster, &format!("/api/v1/assignments/{klus}{path}"), 1).await?;
    }
    let baseline = timed(&servers, &api, &poster, &format!("/api/v1/assignments/{klus}"), plan.repeats).await?;
    let ranked = timed(&servers, &api, &poster, &format!("/api/v1/assignments/{klus}/responses"), plan.repeats).await?;
    let suggested =
        timed(&servers, &api, &poster, &format!("/api/v1/assignments/{klus}/suggestions"), plan.repeats).await?;
    let ranked_n = ranked.body.as_array().map(Vec::len).unwrap_or(0);
    let suggested_n = suggested.body.as_array().map(Vec::len).unwrap_or(0);
    anyhow::ensure!(ranked_n == plan.responses, "ranked {ranked_n} of {} responses", plan.responses);
    anyhow::ensure!(suggested_n > 0, "no suggestions among {} people", plan.people);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{backend:<8} built through the API in {:.0} s: {} people with skills ({} findable), a klus asking 4 skills, {} responses",
        built.as_secs_f64(),
        people.len(),
        findable.len(),
        plan.responses
    );
    for (what, t) in [("rank the responses", &ranked), ("suggest findable people", &suggested)] {
        println!(
            "{backend:<8} {what:<24} median {:>6.1} ms, p95 {:>6.1} ms, server CPU {:>6.1} ms a read — {:.1}× the baseline's CPU — {}",
            ms(t.median),
            ms(t.p95),
            ms(t.cpu_per_read),
            t.cpu_per_read.as_secs_f64() / baseline.cpu_per_read.as_secs_f64().max(1e-9),
            if t.p95 < TARGET { "target met (p95 under 200 ms)" } else { "TARGET MISSED (p95 over 200 ms)" },
        );
    }
    println!(
        "{backend:<8} baseline: read the klus itself, median {:.1} ms, p95 {:.1} ms, server CPU {:.1} ms a read",
        ms(baseline.median),
        ms(baseline.p95),
        ms(baseline.cpu_per_read)
    );
    let ok = ranked.p95 < TARGET && suggested.p95 < TARGET;
    servers.stop().await;
    database.remove().await.context("removing the bench database")?;
    Ok(ok || backend != "sqlite")
}

/// Run the plan on each backend asked for.
pub async fn run(plan: &KlussenPlan) -> anyhow::Result<bool> {
    println!(
        "klussen: {} people, {} responses, each read {} times; the target is under 200 ms on SQLite",
        plan.people, plan.responses, plan.repeats
    );
    let mut ok = true;
    for backend in backends(plan.no_sqlite, plan.postgres.as_deref()) {
        ok &= on(backend, plan).await?;
    }
    Ok(ok)
}
