//! An organiser learns no more about another organisation's people than that an address cannot
//! be used (issue 23, part 7): creating a person, importing one, naming a manager.

use crate::harness::{Person, TestApp};
use crate::on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(an_organiser_learns_only_that_another_organisations_address_cannot_be_used);

async fn preview(app: &TestApp, who: &Person, csv: String) -> Value {
    let req = app
        .client
        .post(app.url("/api/v1/people/import/preview"))
        .bearer_auth(&who.token)
        .header("content-type", "text/csv")
        .body(csv);
    let (st, b) = app.send(req).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    b
}

async fn an_organiser_learns_only_that_another_organisations_address_cannot_be_used(app: &TestApp) {
    let own = app.org("Nuenen").await;
    let other = app.org("Son en Breugel").await;
    app.person(other, "piet@sonenbreugel.nl").await;
    app.person(own, "anna@nuenen.nl").await;
    let gert = app.person(own, "gert@nuenen.nl").await;
    let (st, b) =
        app.post(&app.admin, &format!("/api/v1/people/{}/roles", gert.id), json!({"role": "organiser"})).await;
    assert!(st.is_success(), "{b}");

    // Someone of another organisation: "cannot be used", nothing about whom or where.
    let body = |email: &str| json!({"email": email, "name": "Nieuw", "organisation_id": own});
    let (st, b) = app.post(&gert.token, "/api/v1/people", body("piet@sonenbreugel.nl")).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("/errors/invalid-field")), "{b}");
    assert_eq!(
        (b["errors"][0]["field"].as_str(), b["errors"][0]["detail"].as_str()),
        (Some("email"), Some("kan niet worden gebruikt")),
        "{b}"
    );
    let text = b.to_string();
    assert!(
        !text.contains("Son en Breugel") && !text.contains(&other.to_string()) && !text.contains("bestaat"),
        "{text}"
    );
    // Someone of their own organisation they see anyway: taken. An admin hears it is taken.
    let (st, b) = app.post(&gert.token, "/api/v1/people", body("anna@nuenen.nl")).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/email-taken")), "{b}");
    let (st, b) = app.post(&app.admin, "/api/v1/people", body("piet@sonenbreugel.nl")).await;
    assert_eq!((st, b["type"].as_str()), (StatusCode::CONFLICT, Some("/errors/email-taken")), "{b}");

    // The import's preview says the same, and a manager they may not see reads as unknown.
    let head = "email,name,organisation,org_unit,manager_email\n";
    let p = preview(app, &gert, format!("{head}piet@sonenbreugel.nl,Piet,Nuenen,,\n")).await;
    assert_eq!(p["rows"][0]["errors"][0]["field"], "email", "{p}");
    assert_eq!(p["rows"][0]["errors"][0]["nl"], "kan niet worden gebruikt", "{p}");
    assert!(!p.to_string().contains("Son en Breugel"), "{p}");
    let as_manager = |m: &str| format!("{head}nieuw@nuenen.nl,Nieuw,Nuenen,,{m}\n");
    let known_elsewhere = preview(app, &gert, as_manager("piet@sonenbreugel.nl")).await;
    let nobody = preview(app, &gert, as_manager("niemand@nergens.nl")).await;
    assert_eq!(known_elsewhere["rows"][0]["errors"], nobody["rows"][0]["errors"], "{known_elsewhere} vs {nobody}");
    assert_eq!(nobody["rows"][0]["errors"][0]["field"], "manager_email", "{nobody}");
}
