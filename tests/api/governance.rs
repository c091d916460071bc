//! A shared week has a lead organisation (issue 23, part 1): only its organisers and admins
//! change the week's settings, organisations and status; a partner manages its own workshops and
//! may leave, taking them along, while nothing of its people is at stake; nobody drops another
//! organisation's work; admins hand the lead on.

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    a_partner_cannot_take_over_a_shared_week_and_leaves_only_with_nothing_at_stake,
    the_lead_is_the_creators_organisation_and_only_admins_hand_it_on,
);

async fn organiser(app: &TestApp, org: Uuid, email: &str) -> Person {
    let p = app.person(org, email).await;
    let (st, b) = app.post(&app.admin, &format!("/api/v1/people/{}/roles", p.id), json!({"role": "organiser"})).await;
    assert!(st.is_success(), "{b}");
    p
}

fn slug(b: &Value) -> Option<&str> {
    b["type"].as_str()
}

fn new_week(orgs: &[Uuid], extra: Value) -> Value {
    let day = crate::harness::first_day();
    let mut b = json!({"name": "Meester in je Werk-week", "starts_on": day, "ends_on": day + Duration::days(4),
        "enrolment_opens_at": Utc::now() - Duration::hours(1), "enrolment_closes_at": Utc::now() + Duration::days(6),
        "organisation_ids": orgs});
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

async fn a_partner_cannot_take_over_a_shared_week_and_leaves_only_with_nothing_at_stake(app: &TestApp) {
    let lead = app.org("Enkhuizen").await;
    let partner = app.org("Stede Broec").await;
    let anne = organiser(app, lead, "anne@enkhuizen.nl").await;
    let piet = organiser(app, partner, "piet@stedebroec.nl").await;
    let sanne = app.person(partner, "sanne@stedebroec.nl").await;

    // Anne's organisation creates the week with Stede Broec: it leads.
    let (st, w) = app.post(&anne.token, "/api/v1/events", new_week(&[lead, partner], json!({}))).await;
    assert_eq!(st, StatusCode::CREATED, "{w}");
    let week = id(&w);
    assert_eq!(w["lead_organisation_id"], json!(lead), "{w}");
    let (st, b) = app.post(&anne.token, &format!("/api/v1/events/{week}/publish"), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{b}");

    // Piet sees it, may add his own workshops and leave, but not lead.
    let (st, seen) = app.get(&piet.token, &format!("/api/v1/events/{week}")).await;
    assert_eq!(st, StatusCode::OK, "{seen}");
    let may = &seen["may"];
    assert_eq!(
        (&may["edit"], &may["set_status"], &may["archive"], &may["manage_organisations"], &may["change_lead"]),
        (&json!(false), &json!(false), &json!(false), &json!(false), &json!(false)),
        "{seen}"
    );
    assert_eq!((&may["leave"], &may["manage_workshops_of"]), (&json!(partner), &json!([partner])), "{seen}");
    let (_, by_anne) = app.get(&anne.token, &format!("/api/v1/events/{week}")).await;
    assert_eq!((&by_anne["may"]["edit"], &by_anne["may"]["leave"]), (&json!(true), &Value::Null), "{by_anne}");

    // …and every way of taking the week over is refused, changing nothing.
    let path = format!("/api/v1/events/{week}");
    for (what, body) in [
        ("rename", json!({"name": "Overgenomen"})),
        ("drop the lead", json!({"organisation_ids": [partner]})),
        ("take the lead", json!({"lead_organisation_id": partner})),
    ] {
        let (st, b) = app.patch(&piet.token, &path, body).await;
        assert_eq!((st, slug(&b)), (StatusCode::FORBIDDEN, Some("/errors/forbidden")), "{what}: {b}");
    }
    for action in ["close", "archive"] {
        let (st, b) = app.post(&piet.token, &format!("/api/v1/events/{week}/{action}"), json!({})).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{action}: {b}");
    }
    let (st, b) = app.delete(&piet.token, &format!("/api/v1/events/{week}/organisations/{lead}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "a partner removes the lead: {b}");
    let (_, still) = app.get(&anne.token, &path).await;
    assert_eq!(
        (&still["name"], &still["status"], &still["organisation_ids"].as_array().unwrap().len()),
        (&json!("Meester in je Werk-week"), &json!("published"), &2),
        "{still}"
    );

    // Piet adds a workshop of his own; Anne's workshop lists Stede Broec and keeps it seats.
    let (st, ws) = app
        .post(
            &piet.token,
            &format!("/api/v1/events/{week}/workshops"),
            json!({"title": "Tekenen", "description": "", "theme": "creatief", "host_organisation_id": partner}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{ws}");
    let piets_workshop = id(&ws);
    let piets_session = app.session(piets_workshop, 1, 10, 2, 8).await;
    let annes_workshop =
        app.workshop(week, lead, json!({"audience": "listed", "audience_organisation_ids": [partner]})).await;
    let annes_session = app.session(annes_workshop, 0, 10, 2, 8).await;
    let release = crate::harness::local(crate::harness::first_day(), 8) - Duration::days(2);
    let (st, b) = app
        .patch(
            &anne.token,
            &format!("/api/v1/sessions/{annes_session}"),
            json!({"quotas": [{"organisation_id": partner, "seats": 3, "release_at": release}]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");

    // The lead cannot drop a partner that hosts workshops: only the partner leaves with them.
    let (st, b) = app.patch(&anne.token, &path, json!({"organisation_ids": [lead]})).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, Some("/errors/organisation-hosts-workshops")), "{b}");
    assert_eq!(b["field"], json!("organisation_ids"), "{b}");
    // The lead itself never goes.
    let (st, b) = app.delete(&anne.token, &format!("/api/v1/events/{week}/organisations/{lead}")).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, Some("/errors/lead-organisation-stays")), "{b}");

    // While Sanne holds a place in the week, Stede Broec stays.
    let (st, e) = app.enrol(&sanne, annes_session).await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    let leave = format!("/api/v1/events/{week}/organisations/{partner}");
    let (st, b) = app.delete(&piet.token, &leave).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, Some("/errors/organisation-has-enrolments")), "{b}");
    assert!(b["detail"].as_str().is_some_and(|d| !d.is_empty()), "{b}");
    let (st, b) = app.delete(&sanne.token, &format!("/api/v1/enrolments/{}", id(&e))).await;
    assert!(st.is_success(), "{b}");

    // Now it leaves: its workshop goes along, its quota and audience entry in Anne's go.
    let (st, b) = app.delete(&piet.token, &leave).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{b}");
    let (_, after) = app.get(&anne.token, &path).await;
    assert_eq!(after["organisation_ids"], json!([lead]), "{after}");
    let (st, _) = app.get(&app.admin, &format!("/api/v1/workshops/{piets_workshop}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "the partner's workshop left with it");
    let (st, _) = app.get(&app.admin, &format!("/api/v1/sessions/{piets_session}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, s) = app.get(&anne.token, &format!("/api/v1/sessions/{annes_session}")).await;
    assert_eq!(s["quotas"], json!([]), "{s}");
    let (_, w) = app.get(&anne.token, &format!("/api/v1/workshops/{annes_workshop}")).await;
    assert_eq!((&w["audience"], &w["audience_organisation_ids"]), (&json!("host_only"), &json!([])), "{w}");
    // Its people no longer see the week; the audit says who took it out.
    let (st, _) = app.get(&sanne.token, &path).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, log) = app.get(&app.admin, &format!("/api/v1/admin/audit?subject_id={week}")).await;
    let removal = log["items"].as_array().unwrap().iter().find(|i| i["action"] == "event.organisation_remove");
    let removal = removal.unwrap_or_else(|| panic!("no audit of the removal: {log}"));
    assert_eq!(removal["actor_id"], json!(piet.id), "{removal}");
    assert_eq!(removal["before"]["organisation_id"], json!(partner), "{removal}");
}

async fn the_lead_is_the_creators_organisation_and_only_admins_hand_it_on(app: &TestApp) {
    let lead = app.org("Geldrop-Mierlo").await;
    let partner = app.org("Nuenen").await;
    let outside = app.org("Son en Breugel").await;
    let gert = organiser(app, lead, "gert@geldrop-mierlo.nl").await;
    let nina = organiser(app, partner, "nina@nuenen.nl").await;

    // An organiser leads only with their own organisation, which must take part.
    let (st, b) = app
        .post(&gert.token, "/api/v1/events", new_week(&[lead, partner], json!({"lead_organisation_id": partner})))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    let (st, b) = app.post(&gert.token, "/api/v1/events", new_week(&[partner], json!({}))).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    let (st, b) = app
        .post(&app.admin, "/api/v1/events", new_week(&[lead, partner], json!({"lead_organisation_id": outside})))
        .await;
    assert_eq!(
        (st, b["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("lead_organisation_id")),
        "{b}"
    );

    let (st, w) = app.post(&gert.token, "/api/v1/events", new_week(&[lead, partner], json!({}))).await;
    assert_eq!((st, &w["lead_organisation_id"]), (StatusCode::CREATED, &json!(lead)), "{w}");
    let path = format!("/api/v1/events/{}", id(&w));

    // The lead's organiser may change the list but not hand the lead on, nor drop the lead.
    let (st, b) = app.patch(&gert.token, &path, json!({"lead_organisation_id": partner})).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    let (st, b) = app.patch(&gert.token, &path, json!({"organisation_ids": [partner]})).await;
    assert_eq!((st, slug(&b)), (StatusCode::CONFLICT, Some("/errors/lead-organisation-stays")), "{b}");
    let (st, b) = app.patch(&gert.token, &path, json!({"organisation_ids": [lead, partner, outside]})).await;
    assert_eq!((st, &b["organisation_ids"]), (StatusCode::OK, &json!([lead, partner, outside])), "{b}");
    // A partner hosting nothing the lead may take out again.
    let (st, b) = app.patch(&gert.token, &path, json!({"organisation_ids": [lead, partner]})).await;
    assert_eq!(st, StatusCode::OK, "{b}");

    // An admin hands the lead to a participating organisation only.
    let (st, b) = app.patch(&app.admin, &path, json!({"lead_organisation_id": outside})).await;
    assert_eq!(
        (st, b["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("lead_organisation_id")),
        "{b}"
    );
    let (st, b) =
        app.patch(&app.admin, &path, json!({"lead_organisation_id": outside, "organisation_ids": [outside]})).await;
    assert_eq!(st, StatusCode::OK, "the lead handed on and the old lead taken out at once: {b}");
    assert_eq!((&b["lead_organisation_id"], &b["organisation_ids"]), (&json!(outside), &json!([outside])), "{b}");
    let (st, b) = app
        .patch(&app.admin, &path, json!({"lead_organisation_id": partner, "organisation_ids": [lead, partner]}))
        .await;
    assert_eq!((st, &b["lead_organisation_id"]), (StatusCode::OK, &json!(partner)), "{b}");

    // Now Nina's organisation leads and Gert's is the partner.
    let (st, b) = app.patch(&gert.token, &path, json!({"name": "Nog van ons?"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    let (st, b) = app.post(&nina.token, &format!("{path}/publish"), json!({})).await;
    assert_eq!((st, &b["status"]), (StatusCode::OK, &json!("published")), "{b}");
    let (_, seen) = app.get(&gert.token, &path).await;
    assert_eq!((&seen["may"]["edit"], &seen["may"]["leave"]), (&json!(false), &json!(lead)), "{seen}");
    // One lead per week, in the database too.
    let n = app
        .sql()
        .await
        .one::<i64>("SELECT count(*) FROM event_organisations WHERE is_lead AND event_id = $1", [id(&w).into()])
        .await;
    assert_eq!(n, Some(1));
}
