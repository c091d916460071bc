//! Typed helpers for the HTTP API: one client, an administrator's token, and the actors and
//! objects of a development week (organisations, people with tokens, weeks, workshops, sessions,
//! enrolments), each asserting the answer it expects.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// A client of a running server, acting as an administrator unless told otherwise.
#[derive(Debug, Clone)]
pub struct Api {
    /// `http://host:port` of the server.
    pub base: String,
    /// The client (keeps up to 400 idle connections, follows no redirects).
    pub client: reqwest::Client,
    /// The administrator's bearer token.
    pub admin: String,
}

/// A person who can act through the API.
#[derive(Debug, Clone)]
pub struct Person {
    /// Their id.
    pub id: Uuid,
    /// Their bearer token.
    pub token: String,
}

impl Api {
    /// A client of the server at `base`, with the administrator's token `admin`.
    pub fn new(base: impl Into<String>, admin: impl Into<String>) -> Api {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(400)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Api { base: base.into(), client, admin: admin.into() }
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Send a request; its status and its body as JSON (or as a JSON string when it is not JSON).
    pub async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// GET as the holder of `token`.
    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(self.client.get(self.url(path)).bearer_auth(token)).await
    }

    /// POST `body` as the holder of `token`.
    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.client.post(self.url(path)).bearer_auth(token).json(&body)).await
    }

    /// PATCH `body` as the holder of `token`.
    pub async fn patch(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.client.patch(self.url(path)).bearer_auth(token).json(&body)).await
    }

    /// PUT `body` as the holder of `token`.
    pub async fn put(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.client.put(self.url(path)).bearer_auth(token).json(&body)).await
    }

    /// DELETE as the holder of `token`.
    pub async fn delete(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(self.client.delete(self.url(path)).bearer_auth(token)).await
    }

    /// Create an organisation, return its id.
    pub async fn org(&self, name: &str) -> Uuid {
        let (s, b) = self.post(&self.admin, "/api/v1/organisations", json!({"name": name})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        id(&b)
    }

    /// Create a person in `org` with a token.
    pub async fn person(&self, org: Uuid, email: &str) -> Person {
        let (s, b) = self
            .post(&self.admin, "/api/v1/people", json!({"email": email, "name": email, "organisation_id": org}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let person = id(&b);
        Person { id: person, token: self.token(person).await }
    }

    /// A new bearer token for `person`.
    pub async fn token(&self, person: Uuid) -> String {
        let (s, b) = self.post(&self.admin, "/api/v1/tokens", json!({"person_id": person})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b["token"].as_str().expect("a token").to_owned()
    }

    /// `n` people of organisation `org_name` through one CSV import, each with a token.
    pub async fn people(&self, org: Uuid, org_name: &str, prefix: &str, n: usize) -> Vec<Person> {
        let mut csv = String::from("email,name,organisation,org_unit,manager_email\n");
        for i in 0..n {
            csv.push_str(&format!("{prefix}{i}@test.nl,Mens {i},{org_name},Team {},\n", i % 5));
        }
        let (s, b) = self
            .send(
                self.client
                    .post(self.url("/api/v1/people/import"))
                    .bearer_auth(&self.admin)
                    .header("content-type", "text/csv")
                    .body(csv),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["new"], n);
        let (_, page) = self.get(&self.admin, &format!("/api/v1/people?organisation_id={org}&per_page=500")).await;
        let mut ids: Vec<(String, Uuid)> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|p| p["email"].as_str().unwrap_or_default().starts_with(prefix))
            .map(|p| (p["email"].as_str().unwrap_or_default().to_owned(), id(p)))
            .collect();
        ids.sort_by_key(|(e, _)| {
            e.trim_start_matches(prefix).trim_end_matches("@test.nl").parse::<usize>().expect("a number")
        });
        let tokens = futures::future::join_all(ids.iter().map(|(_, pid)| self.token(*pid))).await;
        ids.into_iter().zip(tokens).map(|((_, id), token)| Person { id, token }).collect()
    }

    /// A published week on days today+7 … today+11 with enrolment open now, for `orgs`.
    pub async fn week(&self, orgs: &[Uuid], extra: Value) -> Uuid {
        let mut body = json!({
            "name": "Meester in je Werk-week",
            "starts_on": first_day(),
            "ends_on": first_day() + Duration::days(4),
            "enrolment_opens_at": Utc::now() - Duration::hours(1),
            "enrolment_closes_at": Utc::now() + Duration::days(6),
            "organisation_ids": orgs,
        });
        merge(&mut body, extra);
        let (s, b) = self.post(&self.admin, "/api/v1/events", body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let event = id(&b);
        let (s, b) = self.post(&self.admin, &format!("/api/v1/events/{event}/publish"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        event
    }

    /// A workshop of `event` hosted by `host`; `extra` overrides fields of the body.
    pub async fn workshop(&self, event: Uuid, host: Uuid, extra: Value) -> Uuid {
        let mut body = json!({"title": "Grip op stress", "description": "Omgaan met werkdruk.", "theme": "vitaliteit", "host_organisation_id": host});
        merge(&mut body, extra);
        let (s, b) = self.post(&self.admin, &format!("/api/v1/events/{event}/workshops"), body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        id(&b)
    }

    /// A session on day `day` (0 = first day) from `hour` for `hours`, Amsterdam time.
    pub async fn session(&self, workshop: Uuid, day: i64, hour: u32, hours: i64, capacity: i64) -> Uuid {
        let start = local(first_day() + Duration::days(day), hour);
        let body = json!({"starts_at": start, "ends_at": start + Duration::hours(hours), "capacity": capacity,
            "location": {"venue": "Stadhuis", "room": "Raadzaal"}});
        let (s, b) = self.post(&self.admin, &format!("/api/v1/workshops/{workshop}/sessions"), body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        id(&b)
    }

    /// `who` enrols in `session`.
    pub async fn enrol(&self, who: &Person, session: Uuid) -> (StatusCode, Value) {
        self.send(self.client.post(self.url(&format!("/api/v1/sessions/{session}/enrolments"))).bearer_auth(&who.token))
            .await
    }

    /// The session's seat and waiting-list counters, as the API shows them.
    pub async fn session_counts(&self, session: Uuid) -> (i64, i64) {
        let (s, b) = self.get(&self.admin, &format!("/api/v1/sessions/{session}")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        (b["confirmed_count"].as_i64().expect("confirmed_count"), b["waitlist_count"].as_i64().expect("waitlist_count"))
    }

    /// The session's active enrolments from the participant list (confirmed, then the queue).
    pub async fn participants(&self, session: Uuid) -> Vec<Value> {
        let (s, b) = self.get(&self.admin, &format!("/api/v1/sessions/{session}/enrolments")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        b["items"].as_array().expect("items").clone()
    }
}

/// The `id` of an answer.
pub fn id(v: &Value) -> Uuid {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).parse().expect("a uuid")
}

/// First day of the test week: a week from now, in Amsterdam.
pub fn first_day() -> NaiveDate {
    (Utc::now() + Duration::days(7)).with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

/// `hour`:00 on `day` in Amsterdam, as UTC.
pub fn local(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Amsterdam
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).expect("a time"))
        .single()
        .expect("one local time")
        .with_timezone(&Utc)
}

fn merge(base: &mut Value, extra: Value) {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
}

/// Assert a problem+json answer with `status` whose type ends in `/errors/<slug>`.
pub async fn expect_problem(res: reqwest::Response, status: StatusCode, slug: &str) -> Value {
    let got = res.status();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    assert_eq!(ct, "application/problem+json", "{body}");
    assert!(body["type"].as_str().unwrap_or("").ends_with(&format!("/errors/{slug}")), "expected {slug}: {body}");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert!(!body["detail"].as_str().unwrap_or("").is_empty(), "{body}");
    body
}
