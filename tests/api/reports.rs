//! Reports against numbers worked out by hand on a small fixed week: three municipalities, four
//! sessions (one crossing the October DST change: 01:00 summer time to 04:00 winter time is four
//! hours, not three), every kind of attendance, feedback, and an erased person whose figures
//! must stay. Then scoping (a manager sees only their people), exports (CSV and XLSX hold the
//! same numbers) and the participant list download.

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(reports_match_the_hand_computed_figures_and_are_scoped_by_role);

async fn unit(app: &TestApp, org: Uuid, name: &str) -> Uuid {
    let (st, b) = app.post(&app.admin, &format!("/api/v1/organisations/{org}/units"), json!({"name": name})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    id(&b)
}

async fn person(app: &TestApp, org: Uuid, unit: Option<Uuid>, name: &str, manager: Option<Uuid>) -> Person {
    let email = format!("{}@week.test", name.to_lowercase());
    let body =
        json!({"email": email, "name": name, "organisation_id": org, "org_unit_id": unit, "manager_id": manager});
    let (st, b) = app.post(&app.admin, "/api/v1/people", body).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let pid = id(&b);
    Person { id: pid, token: app.token(pid).await }
}

async fn move_session(app: &TestApp, session: Uuid, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) {
    let sql = "UPDATE sessions SET starts_at = $1, ends_at = $2 WHERE id = $3";
    app.sql().await.execute(sql, [starts_at.into(), ends_at.into(), session.into()]).await;
}

fn find<'a>(items: &'a [Value], key: &str, value: &str, level: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i[key] == value && (level.is_empty() || i["level"] == level))
        .unwrap_or_else(|| panic!("no row {key}={value} {level} in {items:?}"))
}

/// (employees, enrolled, enrolled_share, attended, attended_sessions, no_shows, excused, hours)
fn figures(r: &Value) -> (i64, i64, f64, i64, i64, i64, i64, f64) {
    (
        r["employees"].as_i64().unwrap(),
        r["enrolled"].as_i64().unwrap(),
        r["enrolled_share"].as_f64().unwrap_or(-1.0),
        r["attended"].as_i64().unwrap(),
        r["attended_sessions"].as_i64().unwrap(),
        r["no_shows"].as_i64().unwrap(),
        r["excused"].as_i64().unwrap(),
        r["hours"].as_f64().unwrap(),
    )
}

async fn report(app: &TestApp, token: &str, event: Uuid, name: &str) -> Vec<Value> {
    let (st, b) = app.get(token, &format!("/api/v1/events/{event}/reports/{name}")).await;
    assert_eq!(st, StatusCode::OK, "{name}: {b}");
    b["items"].as_array().unwrap().clone()
}

async fn reports_match_the_hand_computed_figures_and_are_scoped_by_role(app: &TestApp) {
    let son = app.org("Son en Breugel").await;
    let nuenen = app.org("Nuenen").await;
    let geldrop = app.org("Geldrop-Mierlo").await;
    let (sociaal, burgerzaken, ruimte) = (
        unit(app, son, "Sociaal domein").await,
        unit(app, son, "Burgerzaken").await,
        unit(app, nuenen, "Ruimte").await,
    );
    let manager = person(app, son, Some(sociaal), "Manon", None).await;
    let a1 = person(app, son, Some(sociaal), "Anna", Some(manager.id)).await;
    let a2 = person(app, son, Some(sociaal), "Bram", Some(manager.id)).await;
    let a3 = person(app, son, Some(burgerzaken), "Cor", None).await;
    let a4 = person(app, son, Some(burgerzaken), "Dina", None).await;
    let organiser = person(app, son, Some(burgerzaken), "Olga", None).await;
    let b1 = person(app, nuenen, Some(ruimte), "Eva", None).await;
    let b2 = person(app, nuenen, Some(ruimte), "Frank", None).await;
    let c1 = person(app, geldrop, None, "Gijs", None).await;
    for (p, role) in [(&manager, "manager"), (&organiser, "organiser")] {
        let (st, _) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", p.id), json!({"role": role})).await;
        assert_eq!(st, StatusCode::OK);
    }

    let week = app.week(&[son, nuenen, geldrop], json!({})).await;
    let stress = app.workshop(week, son, json!({"title": "Grip op stress"})).await;
    let privacy = app.workshop(week, nuenen, json!({"title": "Privacy in de praktijk"})).await;
    let tekenen = app.workshop(week, geldrop, json!({"title": "Tekenen"})).await;
    let s1 = app.session(stress, 0, 9, 2, 3).await;
    let s2 = app.session(stress, 0, 13, 1, 2).await;
    let s3 = app.session(privacy, 1, 9, 4, 5).await;
    let s4 = app.session(tekenen, 2, 9, 2, 10).await;
    let mut e = std::collections::HashMap::new();
    for (who, name, s) in [
        (&a1, "a1s1", s1),
        (&b1, "b1s1", s1),
        (&c1, "c1s1", s1),
        (&a3, "a3s1", s1), // waitlisted: S1 is full
        (&a2, "a2s2", s2),
        (&a1, "a1s2", s2),
        (&a1, "a1s3", s3),
        (&b2, "b2s3", s3),
        (&manager, "ms3", s3),
        (&a4, "a4s4", s4),
        (&b1, "b1s4", s4),
        (&b2, "b2s4", s4),
        (&c1, "c1s4", s4),
    ] {
        let (st, b) = app.enrol(who, s).await;
        assert_eq!(st, StatusCode::CREATED, "{name}: {b}");
        e.insert(name, b);
    }
    assert_eq!(e["a3s1"]["status"], "waitlisted");

    // The week took place. S3 crossed the DST change: 01:00 CEST to 04:00 CET, four hours.
    let utc = |y, mo, d, h, mi| Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap();
    move_session(app, s1, utc(2026, 11, 2, 9, 0), utc(2026, 11, 2, 11, 0)).await;
    move_session(app, s2, utc(2026, 11, 2, 12, 0), utc(2026, 11, 2, 13, 0)).await;
    move_session(app, s3, utc(2025, 10, 25, 23, 0), utc(2025, 10, 26, 3, 0)).await;
    move_session(app, s4, utc(2026, 11, 3, 9, 0), utc(2026, 11, 3, 10, 30)).await;
    let ams = chrono_tz::Europe::Amsterdam;
    assert_eq!(utc(2025, 10, 25, 23, 0).with_timezone(&ams).format("%H:%M %Z").to_string(), "01:00 CEST");
    assert_eq!(utc(2025, 10, 26, 3, 0).with_timezone(&ams).format("%H:%M %Z").to_string(), "04:00 CET");
    for (name, mark) in [
        ("a1s1", "present"),
        ("b1s1", "present"),
        ("c1s1", "absent"),
        ("a2s2", "present"),
        ("a1s2", "excused"),
        ("a1s3", "present"),
        ("b2s3", "present"),
        ("ms3", "absent"),
        ("a4s4", "present"),
        ("b1s4", "present"),
        ("b2s4", "present"),
        ("c1s4", "present"),
    ] {
        let path = format!("/api/v1/enrolments/{}/attendance", id(&e[name]));
        let (st, b) = app.put(&app.admin, &path, json!({"attendance": mark})).await;
        assert_eq!(st, StatusCode::OK, "{name}: {b}");
    }
    for (who, name, rating) in [(&a1, "a1s1", 5), (&b1, "b1s1", 3)] {
        let (st, b) = app
            .post(&who.token, &format!("/api/v1/enrolments/{}/feedback", id(&e[name])), json!({"rating": rating}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{b}");
    }
    // Frank is erased: his figures stay.
    let (st, _) = app.post(&app.admin, &format!("/api/v1/admin/people/{}/erase", b2.id), json!({})).await;
    assert_eq!(st, StatusCode::OK);

    // --- Participation (admin: everything) ---
    let p = report(app, &app.admin, week, "participation").await;
    assert_eq!(figures(find(&p, "org_unit", "Sociaal domein", "unit")), (3, 3, 1.0, 2, 3, 1, 1, 7.0));
    assert_eq!(figures(find(&p, "org_unit", "Burgerzaken", "unit")), (3, 1, 0.333, 1, 1, 0, 0, 1.5));
    assert_eq!(figures(find(&p, "organisation", "Son en Breugel", "organisation")), (6, 4, 0.667, 3, 4, 1, 1, 8.5));
    assert_eq!(figures(find(&p, "organisation", "Nuenen", "organisation")), (2, 2, 1.0, 2, 4, 0, 0, 9.0));
    assert_eq!(figures(find(&p, "org_unit", "(geen afdeling)", "unit")), (1, 1, 1.0, 1, 1, 1, 0, 1.5));
    assert_eq!(figures(find(&p, "level", "total", "")), (9, 7, 0.778, 6, 9, 2, 1, 19.0));

    // --- Per person ---
    let (st, people) = app.get(&app.admin, &format!("/api/v1/events/{week}/reports/people?per_page=5")).await;
    assert_eq!((st, people["total"].as_u64(), people["items"].as_array().unwrap().len()), (StatusCode::OK, Some(7), 5));
    let (_, all) = app.get(&app.admin, &format!("/api/v1/events/{week}/reports/people")).await;
    let all = all["items"].as_array().unwrap().clone();
    let anna = find(&all, "name", "Anna", "");
    assert_eq!(
        (anna["sessions"].as_i64(), anna["attended"].as_i64(), anna["excused"].as_i64()),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(anna["hours"], 6.0, "two hours plus the four of the DST night");
    assert_eq!(anna["year_hours"], 2.0, "the DST night was moved to 2025, not the week's year");
    assert_eq!(find(&all, "name", "Verwijderde persoon", "")["hours"], 5.5, "the erased person's hours stay");
    assert!(!all.iter().any(|r| r["name"] == "Frank"), "the erased name is gone");

    // --- Reach: nobody enrolled at all (a place on a waiting list counts as enrolled) ---
    let (_, reach) = app.get(&app.admin, &format!("/api/v1/events/{week}/reports/reach")).await;
    let names: Vec<&str> = reach["items"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!((names, reach["total"].as_u64()), (vec!["Olga"], Some(1)));

    // --- Workshops and sessions ---
    let s = report(app, &app.admin, week, "sessions").await;
    let row = |session: Uuid| s.iter().find(|r| r["session_id"] == json!(session)).unwrap().clone();
    let rates = |r: &Value| {
        (
            r["capacity"].as_i64().unwrap(),
            r["confirmed"].as_i64().unwrap(),
            r["fill_rate"].as_f64().unwrap(),
            r["waiting"].as_i64().unwrap(),
            r["attended"].as_i64().unwrap(),
            r["attendance_rate"].as_f64().unwrap(),
            r["no_shows"].as_i64().unwrap(),
            r["no_show_rate"].as_f64().unwrap(),
        )
    };
    assert_eq!(rates(&row(s1)), (3, 3, 1.0, 1, 2, 0.667, 1, 0.333));
    assert_eq!(rates(&row(s2)), (2, 2, 1.0, 0, 1, 0.5, 0, 0.0));
    assert_eq!(rates(&row(s3)), (5, 3, 0.6, 0, 2, 0.667, 1, 0.333));
    assert_eq!(rates(&row(s4)), (10, 4, 0.4, 0, 4, 1.0, 0, 0.0));
    let w1 = s.iter().find(|r| r["workshop_id"] == json!(stress) && r["session_id"].is_null()).unwrap();
    assert_eq!(rates(w1), (5, 5, 1.0, 1, 3, 0.6, 1, 0.2));
    assert_eq!((row(s1)["feedback_count"].as_i64(), row(s1)["feedback_average"].as_f64()), (Some(2), Some(4.0)));
    assert_eq!(w1["feedback_average"], 4.0);

    // --- Across municipal borders ---
    let m = report(app, &app.admin, week, "mix").await;
    let mix = |org: &str| {
        let r = find(&m, "organisation", org, "");
        (
            r["attended_sessions"].as_i64().unwrap(),
            r["at_other_hosts"].as_i64().unwrap(),
            r["at_other_hosts_share"].as_f64().unwrap(),
            r["guests_hosted"].as_i64(),
            r["organisations_met"].as_i64().unwrap(),
        )
    };
    assert_eq!(mix("Son en Breugel"), (4, 2, 0.5, Some(1), 2));
    assert_eq!(mix("Nuenen"), (4, 3, 0.75, Some(1), 2));
    assert_eq!(mix("Geldrop-Mierlo"), (1, 0, 0.0, Some(3), 2));
    assert_eq!(find(&m, "organisation", "Son en Breugel", "")["met"], json!(["Geldrop-Mierlo", "Nuenen"]));
    let total = m.iter().find(|r| r["organisation_id"].is_null()).unwrap();
    assert_eq!((total["attended_sessions"].as_i64(), total["at_other_hosts_share"].as_f64()), (Some(9), Some(0.556)));

    // --- Scoping: the manager sees his two reports, nothing of other units or municipalities ---
    let p = report(app, &manager.token, week, "participation").await;
    assert_eq!(p.len(), 3, "his unit, his organisation, the total: {p:?}");
    assert_eq!(figures(find(&p, "org_unit", "Sociaal domein", "unit")), (2, 2, 1.0, 2, 3, 0, 1, 7.0));
    assert!(!p.iter().any(|r| r["organisation"] == "Nuenen" || r["org_unit"] == "Burgerzaken"));
    let (_, reach) = app.get(&manager.token, &format!("/api/v1/events/{week}/reports/reach")).await;
    assert_eq!(reach["total"], 0);
    let m = report(app, &manager.token, week, "mix").await;
    assert_eq!(m.len(), 2, "{m:?}");
    let son_row = find(&m, "organisation", "Son en Breugel", "");
    assert_eq!((son_row["attended_sessions"].as_i64(), son_row["at_other_hosts"].as_i64()), (Some(3), Some(1)));
    assert_eq!((son_row["guests_hosted"].clone(), son_row["met"].clone()), (Value::Null, json!(["Nuenen"])));
    let (st, _) = app.get(&manager.token, &format!("/api/v1/events/{week}/reports/sessions")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "workshop figures are for organisers");
    // The organiser sees her organisation, and the workshops it hosts.
    let p = report(app, &organiser.token, week, "participation").await;
    assert!(p.iter().all(|r| r["organisation"] == "Son en Breugel" || r["level"] == "total"), "{p:?}");
    assert_eq!(figures(find(&p, "level", "total", "")).0, 6);
    let s = report(app, &organiser.token, week, "sessions").await;
    assert!(s.len() == 3 && s.iter().all(|r| r["workshop_id"] == json!(stress)), "{s:?}");
    let (_, reach) = app.get(&organiser.token, &format!("/api/v1/events/{week}/reports/reach")).await;
    assert_eq!(reach["items"][0]["name"], "Olga");
    // Employees have no reports.
    let (st, _) = app.get(&a1.token, &format!("/api/v1/events/{week}/reports/participation")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // --- Downloads hold the same numbers ---
    let get = |path: String| app.client.get(app.url(&path)).bearer_auth(&app.admin).send();
    let res = get(format!("/api/v1/events/{week}/reports/participation?format=csv")).await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("deelname.csv"));
    let text = res.text().await.unwrap();
    let mut csv = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[0], "Organisatie");
    let son_csv =
        csv.records().map(Result::unwrap).find(|r| &r[0] == "Son en Breugel" && &r[2] == "organisation").unwrap();
    assert_eq!(
        son_csv.iter().skip(3).collect::<Vec<_>>(),
        ["6", "4", "0.667", "3", "4", "1", "1", "8.5", "0", "0", "0", "0"]
    );

    let res = get(format!("/api/v1/events/{week}/reports/sessions?format=xlsx")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    use calamine::{DataType, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<calamine::Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[0][0].to_string(), "Workshop");
    assert_eq!(rows.len(), 1 + s_len(app, week).await, "a header and every row");
    let s3_row = rows.iter().find(|r| r[0] == "Privacy in de praktijk" && !r[2].to_string().is_empty()).unwrap();
    assert_eq!(s3_row[2].to_string(), "2025-10-26 01:00", "local start time");
    assert_eq!((s3_row[4].as_f64(), s3_row[5].as_f64(), s3_row[6].as_f64()), (Some(5.0), Some(3.0), Some(0.6)));

    let res = get(format!("/api/v1/sessions/{s1}/enrolments?format=csv")).await.unwrap();
    let list = res.text().await.unwrap();
    assert!(list.contains("Anna,anna@week.test,confirmed,,present"), "{list}");
    assert!(list.contains("Cor,cor@week.test,waitlisted,1,"), "{list}");
    let bad = get(format!("/api/v1/events/{week}/reports/people?per_page=0")).await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad = get(format!("/api/v1/events/{week}/reports/people?format=pdf")).await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

async fn s_len(app: &TestApp, week: Uuid) -> usize {
    report(app, &app.admin, week, "sessions").await.len()
}

on_both_backends!(a_generated_week_keeps_every_invariant_and_its_reports_add_up);

/// The benchmark's generator at a small scale: its rows pass every constraint, seat counters
/// equal the rows, and the reports' totals equal plain counts of the rows.
async fn a_generated_week_keeps_every_invariant_and_its_reports_add_up(app: &TestApp) {
    use leerweek_bench::fixtures::{Scale, generate};
    use sea_orm::{ConnectionTrait, Statement};
    let scale = Scale { organisations: 6, people: 400, sessions: 30, enrolments: 2000 };
    let g = generate(&app.database_url, scale, 7).await.expect("generate");
    assert_eq!((g.organisations, g.people, g.sessions, g.enrolments), (6, 400, 30, 2000));
    let count = |sql: String| async move {
        let db = app.sql().await.conn();
        let backend = db.get_database_backend();
        let row = db.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    };
    let drift = count(
        "SELECT count(*) FROM sessions s WHERE s.confirmed_count <> \
         (SELECT count(*) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'confirmed') \
         OR s.waitlist_count <> (SELECT count(*) FROM enrolments e WHERE e.session_id = s.id AND e.status = 'waitlisted')"
            .into(),
    )
    .await;
    assert_eq!(drift, 0, "seat counters equal the rows");
    let p = report(app, &app.admin, g.event_id, "participation").await;
    let total = p.iter().find(|r| r["level"] == "total").unwrap();
    let present = count("SELECT count(*) FROM enrolments WHERE attendance = 'present'".into()).await;
    let minutes = count("SELECT coalesce(sum(credited_minutes), 0) FROM enrolments".into()).await;
    let enrolled = count("SELECT count(DISTINCT person_id) FROM enrolments WHERE status = 'confirmed'".into()).await;
    assert_eq!(total["employees"], 400);
    assert_eq!((total["attended_sessions"].as_i64(), total["enrolled"].as_i64()), (Some(present), Some(enrolled)));
    assert_eq!(total["hours"].as_f64().unwrap(), (minutes as f64 / 60.0 * 100.0).round() / 100.0);
    let (_, people) = app.get(&app.admin, &format!("/api/v1/events/{}/reports/people?per_page=1000", g.event_id)).await;
    let hours: f64 = people["items"].as_array().unwrap().iter().map(|r| r["hours"].as_f64().unwrap()).sum();
    assert!((hours - total["hours"].as_f64().unwrap()).abs() < 0.5, "{hours} vs {total}");
    let (_, reach) = app.get(&app.admin, &format!("/api/v1/events/{}/reports/reach", g.event_id)).await;
    let active = count("SELECT count(DISTINCT person_id) FROM enrolments WHERE status <> 'cancelled'".into()).await;
    assert_eq!(reach["total"].as_i64(), Some(400 - active));
    let m = report(app, &app.admin, g.event_id, "mix").await;
    assert_eq!(m.iter().find(|r| r["organisation_id"].is_null()).unwrap()["attended_sessions"].as_i64(), Some(present));
}
