//! The people import: CSV as Dutch Excel writes it, workbooks, column mappings, the preview that
//! writes nothing, all or nothing, and people who left.

use crate::harness::{Person, TestApp, expect_problem};
use crate::on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_dutch_excel_csv_with_semicolons_in_windows_1252_imports_with_its_accents,
    a_workbook_with_its_own_headers_is_mapped_previewed_and_then_imported,
    a_file_with_an_invalid_row_is_previewed_with_reasons_and_imports_nobody,
    people_left_out_are_marked_gone_only_when_asked_and_come_back_when_listed
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn upload(app: &TestApp, path: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    app.send(app.client.post(app.url(path)).bearer_auth(&app.admin).header("content-type", content_type).body(body))
        .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.sql().await.scalar_i64(sql).await
}

/// A workbook of `rows` under `header`.
fn workbook(header: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn a_dutch_excel_csv_with_semicolons_in_windows_1252_imports_with_its_accents(app: &TestApp) {
    let org = app.org("Nuenen").await;
    // As Dutch Excel saves "CSV (gescheidingsteken: puntkomma)": Windows-1252, `;`, CRLF.
    let mut file = b"E-mailadres;Volledige naam;Organisatie;Afdeling;E-mail leidinggevende\r\n".to_vec();
    file.extend_from_slice(b"jose@nuenen.nl;Jos\xE9 M\xFCller;Nuenen;Caf\xE9;\r\n");
    file.extend_from_slice(b"anna@nuenen.nl;\"Vries; Anna de\";Nuenen;Caf\xE9;jose@nuenen.nl\r\n");
    let (st, report) = upload(app, "/api/v1/people/import", "text/csv", file).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!((report["imported"].as_bool(), report["new"].as_u64()), (Some(true), Some(2)), "{report}");
    let (_, people) = app.get(&app.admin, &format!("/api/v1/people?organisation_id={org}")).await;
    let items = people["items"].as_array().unwrap();
    let jose = items.iter().find(|p| p["email"] == "jose@nuenen.nl").unwrap();
    let anna = items.iter().find(|p| p["email"] == "anna@nuenen.nl").unwrap();
    assert_eq!((jose["name"].as_str(), anna["name"].as_str()), (Some("José Müller"), Some("Vries; Anna de")));
    assert_eq!(anna["manager_id"], jose["id"]);
    assert_eq!(jose["left_at"], Value::Null);
    let (_, units) = app.get(&app.admin, &format!("/api/v1/organisations/{org}/units")).await;
    assert_eq!(units[0]["name"], "Café", "{units}");
    assert_eq!(count(app, "SELECT count(*) FROM audit_log WHERE action = 'people.import'").await, 1);
}

async fn a_workbook_with_its_own_headers_is_mapped_previewed_and_then_imported(app: &TestApp) {
    let org = app.org("Best").await;
    let header = ["Adres werk", "Wie", "Personeelsnummer"];
    let rows = vec![vec!["a@best.nl", "Ans", "1"], vec!["b@best.nl", "Bas", "2"], vec!["c@best.nl", "Cas", "3"]];
    let file = workbook(&header, &rows);
    // Unrecognised headers: the problem names the field and lists the file's columns.
    let res = app
        .client
        .post(app.url("/api/v1/people/import/preview"))
        .bearer_auth(&app.admin)
        .header("content-type", XLSX)
        .body(file.clone())
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import-column-missing").await;
    assert_eq!((problem["field"].as_str(), problem["columns"][1].as_str()), (Some("email"), Some("Wie")));
    // A mapping to a column the file lacks names that mapping.
    let res = app
        .client
        .post(app.url("/api/v1/people/import/preview?col_email=Mail&col_name=Wie"))
        .bearer_auth(&app.admin)
        .header("content-type", XLSX)
        .header("accept-language", "en")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import-column-unknown").await;
    assert_eq!(problem["field"], "col_email");
    assert!(problem["detail"].as_str().unwrap().contains("\"Mail\""), "{problem}");

    let query = format!("?col_email=Adres%20werk&col_name=Wie&organisation_id={org}");
    let (st, preview) = upload(app, &format!("/api/v1/people/import/preview{query}"), XLSX, file.clone()).await;
    assert_eq!(st, StatusCode::OK, "{preview}");
    assert_eq!((preview["imported"].as_bool(), preview["new"].as_u64()), (Some(false), Some(3)));
    assert_eq!(preview["rows"][0], json!({"line": 2, "email": "a@best.nl", "status": "new"}));
    assert_eq!(
        count(app, "SELECT count(*) FROM people WHERE email LIKE '%@best.nl'").await,
        0,
        "a preview writes nothing"
    );
    assert_eq!(count(app, "SELECT count(*) FROM audit_log WHERE action = 'people.import'").await, 0);

    let (st, report) = upload(app, &format!("/api/v1/people/import{query}"), XLSX, file).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!((report["imported"].as_bool(), report["new"].as_u64()), (Some(true), Some(3)));
    // Bas renamed: changed, with the change; the others unchanged; nothing else touched.
    let renamed = vec![rows[0].clone(), vec!["b@best.nl", "Bas Bos", "2"], rows[2].clone()];
    let (_, preview) =
        upload(app, &format!("/api/v1/people/import/preview{query}"), XLSX, workbook(&header, &renamed)).await;
    assert_eq!((preview["changed"].as_u64(), preview["unchanged"].as_u64()), (Some(1), Some(2)), "{preview}");
    assert_eq!(preview["rows"][1]["changes"], json!([{"field": "name", "old": "Bas", "new": "Bas Bos"}]));
}

async fn a_file_with_an_invalid_row_is_previewed_with_reasons_and_imports_nobody(app: &TestApp) {
    app.org("Geldrop").await;
    let csv =
        "email,name,organisation\nok@geldrop.nl,Oké,Geldrop\ngeen-adres,Xander,Geldrop\nz@geldrop.nl,Zoë,Mierlo\n";
    let (st, preview) = upload(app, "/api/v1/people/import/preview", "text/csv", csv.into()).await;
    assert_eq!(st, StatusCode::OK, "{preview}");
    assert_eq!((preview["new"].as_u64(), preview["invalid"].as_u64()), (Some(1), Some(2)));
    assert_eq!(
        preview["rows"][1]["errors"],
        json!([{"field": "email", "nl": "is geen e-mailadres", "en": "is not an e-mail address"}])
    );
    assert_eq!(preview["rows"][2]["errors"][0]["field"], "organisation");
    assert_eq!(preview["rows"][2]["errors"][0]["nl"], "valt buiten de bekende organisaties");
    let res = app
        .client
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(&app.admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import-rejected").await;
    assert_eq!((problem["imported"].as_bool(), problem["invalid"].as_u64()), (Some(false), Some(2)));
    assert_eq!(count(app, "SELECT count(*) FROM people WHERE email LIKE '%@geldrop.nl'").await, 0);
    assert_eq!(count(app, "SELECT count(*) FROM audit_log WHERE action = 'people.import'").await, 0);
    // A file over the 1 MiB of other bodies is taken (the import's own limit is 16 MiB).
    let mut big = String::from("email,name,organisation,opmerking\n");
    let filler = "x".repeat(2_000);
    for i in 0..1_000 {
        big.push_str(&format!("p{i}@geldrop.nl,P {i},Geldrop,{filler}\n"));
    }
    assert!(big.len() > 2 * 1024 * 1024 - 100_000);
    let (st, preview) = upload(app, "/api/v1/people/import/preview", "text/csv", big.into_bytes()).await;
    assert_eq!((st, preview["new"].as_u64()), (StatusCode::OK, Some(1_000)));
    // Not a file we read.
    let res = app
        .client
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(&app.admin)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type").await;
}

async fn people_left_out_are_marked_gone_only_when_asked_and_come_back_when_listed(app: &TestApp) {
    let org = app.org("Mierlo").await;
    let other = app.org("Someren").await;
    let outsider = app.person(other, "blijft@someren.nl").await;
    let file = |people: &[&str]| {
        let mut csv = String::from("email,name,organisation\n");
        for p in people {
            csv.push_str(&format!("{p}@mierlo.nl,{p},Mierlo\n"));
        }
        csv.into_bytes()
    };
    let (st, b) = upload(app, "/api/v1/people/import", "text/csv", file(&["ann", "bob", "cor"])).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (_, page) = app.get(&app.admin, &format!("/api/v1/people?organisation_id={org}")).await;
    let cor_id = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == "cor@mierlo.nl")
        .map(crate::harness::id)
        .unwrap();
    let cor = Person { id: cor_id, token: app.token(cor_id).await };
    // Cor has history: an enrolment.
    let week = app.week(&[org], json!({})).await;
    let session = app.session(app.workshop(week, org, json!({})).await, 0, 10, 2, 5).await;
    let (st, e) = app.enrol(&cor, session).await;
    assert_eq!(st, StatusCode::CREATED, "{e}");

    // Without asking, nobody is marked.
    let (st, b) = upload(app, "/api/v1/people/import", "text/csv", file(&["ann", "bob"])).await;
    assert_eq!((st, b["gone"].as_u64(), b["unchanged"].as_u64()), (StatusCode::OK, Some(0), Some(2)), "{b}");
    assert_eq!(app.get(&cor.token, "/api/v1/me").await.0, StatusCode::OK);
    // The preview names whom it would mark and marks nobody.
    let (_, preview) = upload(app, "/api/v1/people/import/preview?gone=mark", "text/csv", file(&["ann", "bob"])).await;
    assert_eq!(preview["gone_people"], json!([{"id": cor.id, "email": "cor@mierlo.nl", "name": "cor"}]), "{preview}");
    assert_eq!(app.get(&cor.token, "/api/v1/me").await.0, StatusCode::OK);
    // Marked: the token is refused at the next request, the history stays.
    let (st, b) = upload(app, "/api/v1/people/import?gone=mark", "text/csv", file(&["ann", "bob"])).await;
    assert_eq!((st, b["gone"].as_u64()), (StatusCode::OK, Some(1)), "{b}");
    assert_eq!(app.get(&cor.token, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (_, person) = app.get(&app.admin, &format!("/api/v1/people/{}", cor.id)).await;
    assert!(person["left_at"].is_string(), "{person}");
    let sql = "SELECT count(*) FROM enrolments WHERE person_id = $1";
    assert_eq!(app.sql().await.scalar_i64_with(sql, [cor.id.into()]).await, 1, "history kept");
    assert_eq!(count(app, "SELECT count(*) FROM audit_log WHERE action = 'person.leave'").await, 1);
    assert_eq!(app.get(&outsider.token, "/api/v1/me").await.0, StatusCode::OK, "another organisation is untouched");
    // No sign-in link for someone gone (and the same answer as for anyone).
    let before = count(app, "SELECT count(*) FROM outbox WHERE kind = 'sign_in_link'").await;
    let (st, _) =
        app.send(app.client.post(app.url("/api/v1/auth/link")).json(&json!({"email": "cor@mierlo.nl"}))).await;
    assert!(st.is_success());
    assert_eq!(count(app, "SELECT count(*) FROM outbox WHERE kind = 'sign_in_link'").await, before);
    // A bad value of `gone` is a bad parameter.
    let (st, b) = upload(app, "/api/v1/people/import?gone=ja", "text/csv", file(&["ann"])).await;
    assert_eq!((st, b["field"].as_str()), (StatusCode::BAD_REQUEST, Some("gone")), "{b}");

    // Listed again: back, the change shown; a new token works.
    let (st, b) = upload(app, "/api/v1/people/import?gone=mark", "text/csv", file(&["ann", "bob", "cor"])).await;
    assert_eq!((st, b["changed"].as_u64(), b["gone"].as_u64()), (StatusCode::OK, Some(1), Some(0)), "{b}");
    assert_eq!(b["rows"][2]["changes"][0]["field"], "left_at");
    let (_, person) = app.get(&app.admin, &format!("/api/v1/people/{}", cor.id)).await;
    assert_eq!(person["left_at"], Value::Null);
    assert_eq!(app.get(&cor.token, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "the old token stays revoked");
    assert_eq!(app.get(&app.token(cor.id).await, "/api/v1/me").await.0, StatusCode::OK);
}
