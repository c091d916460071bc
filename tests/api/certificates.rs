//! Certificates of attendance: only after attendance, the PDF and the signed Open Badges
//! credential (checked with the published key), public verification of valid, revoked and
//! unknown codes, revocation by the host's organisers and by a corrected attendance, and what
//! an erasure leaves.

use crate::harness::{Person, TestApp, id};
use crate::on_both_backends;
use chrono::{Duration, Utc};
use leerweek_credential as vc;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    a_certificate_is_had_only_after_attending_and_verifies_for_anyone,
    revoked_and_corrected_certificates_say_so_everywhere_and_an_erased_person_is_unknown,
    the_host_prints_a_sessions_certificates_in_one_zip,
    certificates_outlive_the_weeks_archiving_until_retention_unnames_them,
);

struct Attended {
    organiser: Person,
    eva: Person,
    bart: Person,
    week: Uuid,
    session: Uuid,
    enrolment: Uuid,
    bart_enrolment: Uuid,
}

/// Eva and Bart hold seats in a session of Enkhuizen's that took place this morning; the
/// organiser marks Eva present.
async fn attended(app: &TestApp) -> Attended {
    let host = app.org("Enkhuizen").await;
    let organiser = app.person(host, "organisator@enkhuizen.test").await;
    let (st, _) =
        app.post(&app.admin, &format!("/api/v1/people/{}/roles", organiser.id), json!({"role": "organiser"})).await;
    assert_eq!(st, StatusCode::OK);
    let eva = named(app, host, "eva@enkhuizen.test", "Eva de Vries").await;
    let bart = named(app, host, "bart@enkhuizen.test", "Bart Çelik").await;
    let (st, s) = app
        .post(
            &app.admin,
            "/api/v1/skills",
            json!({"name_nl": "Gesprekstechnieken", "name_en": "Conversation skills",
        "esco_uri": "http://data.europa.eu/esco/skill/2d1be7c9-6b5f-4c5b-8e8f-4a2b7c3d0f12"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{s}");
    let week = app.week(&[host], json!({"name": "Meester in je Werk-week 2026"})).await;
    let workshop = app
        .workshop(
            week,
            host,
            json!({"title": "Omgaan met agressie aan de balie", "trainer": "Zoë Çelik", "skills": [id(&s)]}),
        )
        .await;
    let session = app.session(workshop, 0, 10, 2, 10).await;
    let (_, e) = app.enrol(&eva, session).await;
    let (_, b) = app.enrol(&bart, session).await;
    let starts = Utc::now() - Duration::hours(3);
    let sql = "UPDATE sessions SET starts_at = $1, ends_at = $2 WHERE id = $3";
    app.sql().await.execute(sql, [starts.into(), (starts + Duration::minutes(150)).into(), session.into()]).await;
    let (st, m) = app
        .put(&organiser.token, &format!("/api/v1/enrolments/{}/attendance", id(&e)), json!({"attendance": "present"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{m}");
    Attended { organiser, eva, bart, week, session, enrolment: id(&e), bart_enrolment: id(&b) }
}

async fn named(app: &TestApp, org: Uuid, email: &str, name: &str) -> Person {
    let (st, b) =
        app.post(&app.admin, "/api/v1/people", json!({"email": email, "name": name, "organisation_id": org})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    Person { id: id(&b), token: app.token(id(&b)).await }
}

async fn download(app: &TestApp, token: &str, enrolment: Uuid, kind: &str) -> reqwest::Response {
    let url = app.url(&format!("/api/v1/enrolments/{enrolment}/certificate.{kind}"));
    app.client.get(url).bearer_auth(token).send().await.unwrap()
}

/// The text of the one QR code on a certificate's page: the page rendered by poppler's
/// `pdftoppm` (greyscale), read with rqrr. `None`, said loudly, where poppler is not installed
/// (`./scripts/test` installs it).
fn scan(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let (file, prefix) = (dir.path().join("certificate.pdf"), dir.path().join("page"));
    std::fs::write(&file, pdf).unwrap();
    let args = ["-gray", "-r", "110", "-singlefile", file.to_str().unwrap(), prefix.to_str().unwrap()];
    let Ok(out) = std::process::Command::new("pdftoppm").args(args).output() else {
        eprintln!(
            "SKIPPED: pdftoppm (Debian poppler-utils) is not installed: the certificate's QR code was not scanned"
        );
        return None;
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(prefix.with_extension("pgm")).unwrap();
    // A binary greyscale PGM: "P5", width, height, maximum, then one byte a pixel.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).to_string());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &bytes[i + 1..];
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the certificate");
    Some(grids[0].decode().expect("the QR code decodes").1)
}

async fn verification(app: &TestApp, code: &str) -> (StatusCode, Value) {
    app.send(app.client.get(app.url(&format!("/api/v1/certificates/{code}")))).await
}

async fn a_certificate_is_had_only_after_attending_and_verifies_for_anyone(app: &TestApp) {
    let a = attended(app).await;
    // Bart's seat has no attendance: no certificate, in any form.
    for kind in ["pdf", "json", "jwt"] {
        let res = download(app, &a.bart.token, a.bart_enrolment, kind).await;
        crate::harness::expect_problem(res, StatusCode::CONFLICT, "certificate-not-attended").await;
    }
    // Someone else's certificate is not theirs to have; the host's organiser may print it.
    let res = download(app, &a.bart.token, a.enrolment, "pdf").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = download(app, &a.eva.token, a.enrolment, "pdf").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert!(pdf.windows(12).any(|w| w == b"pdfaid:part>"), "no PDF/A identification");
    let code = disposition.split("bewijs-van-deelname-").nth(1).unwrap().trim_end_matches(".pdf\"").to_owned();
    assert_eq!(code.len(), 12, "{disposition}");
    // Scan the QR code on the page, as a phone would, and open its address.
    if let Some(url) = scan(&pdf) {
        assert_eq!(url, app.url(&format!("/verificatie/{code}")), "the QR code holds the verification address");
        let page = app.client.get(&url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("echt en geldig"));
    }
    let res = download(app, &a.organiser.token, a.enrolment, "pdf").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(&code), "the same certificate again");

    // The credential: an OpenBadgeCredential about Eva, signed with the published key.
    let res = download(app, &a.eva.token, a.enrolment, "json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let credential: Value = res.json().await.unwrap();
    assert_eq!(credential["type"], json!(["VerifiableCredential", "OpenBadgeCredential"]));
    let achievement = &credential["credentialSubject"]["achievement"];
    assert_eq!(achievement["name"], "Omgaan met agressie aan de balie");
    assert_eq!(
        achievement["alignment"][0]["targetUrl"],
        "http://data.europa.eu/esco/skill/2d1be7c9-6b5f-4c5b-8e8f-4a2b7c3d0f12"
    );
    assert_eq!(credential["credentialSubject"]["identifier"][0]["identityHash"], "Eva de Vries");
    assert!(!credential.to_string().contains("eva@enkhuizen.test"), "no e-mail address in a credential");
    let res = download(app, &a.eva.token, a.enrolment, "jwt").await;
    assert_eq!(res.headers()["content-type"], "application/vc+jwt");
    let jwt = res.text().await.unwrap();
    let (st, issuer) = app.send(app.client.get(app.url("/api/v1/credentials/issuer"))).await;
    assert_eq!(st, StatusCode::OK, "{issuer}");
    let key_url = issuer["verificationMethod"][0].as_str().unwrap().to_owned();
    let path = key_url.split_once("/api/v1/").map(|(_, p)| format!("/api/v1/{p}")).unwrap();
    let (st, jwk) = app.send(app.client.get(app.url(&path))).await;
    assert_eq!(st, StatusCode::OK, "{jwk}");
    assert!(jwk.get("d").is_none(), "the private key stays private");
    let key = vc::PublicKey::from_jwk(&jwk).unwrap();
    let payload = vc::verify_vc_jwt(&jwt, &key, Utc::now()).expect("the credential verifies with the published key");
    assert_eq!(payload["credentialSubject"]["achievement"], credential["credentialSubject"]["achievement"]);
    let mut forged = jwt.clone();
    forged.replace_range(jwt.len() - 6..jwt.len() - 2, "AAAA");
    assert!(vc::verify_vc_jwt(&forged, &key, Utc::now()).is_err());

    // Anyone verifies it by its code, without signing in, and learns only the name of whom.
    let (st, v) = verification(app, &code.to_lowercase()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "valid");
    assert_eq!(v["person_name"], "Eva de Vries");
    assert_eq!(v["workshop_title"], "Omgaan met agressie aan de balie");
    assert_eq!(v["minutes"], 150);
    assert_eq!(v["skills"], json!(["Gesprekstechnieken"]));
    assert!(!v.to_string().contains("enkhuizen.test"), "nothing else about the person: {v}");
    let page = app.client.get(app.url(&format!("/verificatie/{code}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("echt en geldig")
            && html.contains("Eva de Vries")
            && html.contains("Omgaan met agressie")
            && html.contains("2,5 uur"),
        "{html}"
    );

    // An unknown or malformed code answers the same shape, 404, and says nothing more.
    for unknown in ["ZZZZ-ZZZZ-ZZZZ", "geen-code", "%3Cscript%3E"] {
        let (st, v) = verification(app, unknown).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
        assert_eq!(v["status"], "unknown");
        assert_eq!(v["person_name"], Value::Null);
        assert_eq!(v.as_object().unwrap().len(), 13, "the same shape: {v}");
    }
    let page = app.client.get(app.url("/verificatie/%3Cscript%3E")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(!page.text().await.unwrap().contains("<script>"), "the code is escaped on the page");
    let issued: i64 =
        app.sql().await.one("SELECT count(*) FROM audit_log WHERE action = 'certificate.issue'", []).await.unwrap();
    assert_eq!(issued, 1, "issued once, downloaded many times");
    let _ = a.session;
}

async fn revoked_and_corrected_certificates_say_so_everywhere_and_an_erased_person_is_unknown(app: &TestApp) {
    let a = attended(app).await;
    let res = download(app, &a.eva.token, a.enrolment, "json").await;
    let credential: Value = res.json().await.unwrap();
    let status = &credential["credentialStatus"];
    let index: u32 = status["statusListIndex"].as_str().unwrap().parse().unwrap();
    let list_path =
        format!("/api/v1/{}", status["statusListCredential"].as_str().unwrap().split_once("/api/v1/").unwrap().1);
    let code = credential["id"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    async fn bit(app: &TestApp, path: &str, index: u32) -> bool {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let jwt = res.text().await.unwrap();
        let payload = vc::verify_jws(&jwt, &{
            let (_, jwk) = app.send(app.client.get(app.url("/api/v1/credentials/keys/1"))).await;
            vc::PublicKey::from_jwk(&jwk).unwrap()
        })
        .unwrap();
        vc::is_set(payload["credentialSubject"]["encodedList"].as_str().unwrap(), index).unwrap()
    }
    assert!(!bit(app, &list_path, index).await, "a valid certificate's bit is clear");

    // Only the host's organisers revoke; Eva cannot revoke her own.
    let path = format!("/api/v1/certificates/{code}/revoke");
    let (st, _) = app.post(&a.eva.token, &path, json!({"reason": "zelf"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) = app.post(&a.organiser.token, &path, json!({"reason": "Verkeerd ingecheckt"})).await;
    assert_eq!((st, v["status"].as_str()), (StatusCode::OK, Some("revoked")), "{v}");
    let (st, v) = verification(app, &code).await;
    assert_eq!((st, v["status"].as_str()), (StatusCode::OK, Some("revoked")), "{v}");
    assert!(v["revoked_at"].is_string());
    assert!(bit(app, &list_path, index).await, "the status list says revoked");
    let page = app.client.get(app.url(&format!("/verificatie/{code}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("ingetrokken"), "{page}");
    // Downloading again gives a new certificate (she did attend), with a new code.
    let res = download(app, &a.eva.token, a.enrolment, "json").await;
    let again: Value = res.json().await.unwrap();
    let new_code = again["id"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    assert_ne!(new_code, code);

    // A corrected attendance revokes it at once.
    let (st, _) = app
        .put(
            &a.organiser.token,
            &format!("/api/v1/enrolments/{}/attendance", a.enrolment),
            json!({"attendance": "absent"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, v) = verification(app, &new_code).await;
    assert_eq!(v["status"], "revoked", "{v}");
    let res = download(app, &a.eva.token, a.enrolment, "pdf").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Marked present again, then erased: her certificates verify as revoked, for nobody known.
    let (st, _) = app
        .put(
            &a.organiser.token,
            &format!("/api/v1/enrolments/{}/attendance", a.enrolment),
            json!({"attendance": "present"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let res = download(app, &a.eva.token, a.enrolment, "json").await;
    let third: Value = res.json().await.unwrap();
    let third_code = third["id"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let (_, v) = verification(app, &third_code).await;
    assert_eq!(v["status"], "valid");
    let (st, b) = app.post(&app.admin, &format!("/api/v1/admin/people/{}/erase", a.eva.id), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    for c in [&code, &new_code, &third_code] {
        let (st, v) = verification(app, c).await;
        assert_eq!(
            (st, v["status"].as_str(), &v["person_name"]),
            (StatusCode::OK, Some("revoked"), &Value::Null),
            "{v}"
        );
    }
    let names: i64 =
        app.sql().await.one("SELECT count(*) FROM certificates WHERE person_name = 'Eva de Vries'", []).await.unwrap();
    assert_eq!(names, 0, "the name is gone from every certificate");
    let _ = (a.bart, a.session);
}

async fn the_host_prints_a_sessions_certificates_in_one_zip(app: &TestApp) {
    let a = attended(app).await;
    let (st, _) = app
        .put(
            &a.organiser.token,
            &format!("/api/v1/enrolments/{}/attendance", a.bart_enrolment),
            json!({"attendance": "present"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // Eight first downloads at once: one certificate.
    let ids: Vec<Value> = futures::future::join_all((0..8).map(|_| async {
        let res = download(app, &a.eva.token, a.enrolment, "json").await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<Value>().await.unwrap()["id"].clone()
    }))
    .await;
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    let rows: i64 = app.sql().await.one("SELECT count(*) FROM certificates", []).await.unwrap();
    assert_eq!(rows, 1);
    let list = format!("/api/v1/sessions/{}/certificates", a.session);
    let (st, none) = app.get(&a.organiser.token, &list).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(none.as_array().map(Vec::len), Some(1), "only Eva's, which she asked for: {none}");
    let (st, _) = app.get(&a.eva.token, &list).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "a participant does not see the others' certificates");
    let zip_url = app.url(&format!("/api/v1/sessions/{}/certificates.zip", a.session));
    let res = app.client.get(&zip_url).bearer_auth(&a.eva.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = app.client.get(&zip_url).bearer_auth(&a.organiser.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with("Bart-Çelik-") && names[1].starts_with("Eva-de-Vries-"), "{names:?}");
    for i in 0..2 {
        let mut pdf = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_index(i).unwrap(), &mut pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
    let (_, issued) = app.get(&a.organiser.token, &list).await;
    assert_eq!(issued.as_array().map(Vec::len), Some(2), "{issued}");
    assert_eq!(issued[1]["person_name"], "Eva de Vries");
    // The sessions report counts them, per session and for the workshop.
    let (st, report) = app.get(&a.organiser.token, &format!("/api/v1/events/{}/reports/sessions", a.week)).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    let rows = report["items"].as_array().or(report.as_array()).unwrap();
    assert_eq!(rows.iter().map(|r| r["certificates"].as_i64().unwrap()).collect::<Vec<_>>(), vec![2, 2], "{report}");
    // Again: the same two certificates, no new ones.
    let res = app.client.get(&zip_url).bearer_auth(&a.organiser.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, again) = app.get(&a.organiser.token, &list).await;
    assert_eq!(again, issued);
}

async fn certificates_outlive_the_weeks_archiving_until_retention_unnames_them(app: &TestApp) {
    let a = attended(app).await;
    let res = download(app, &a.eva.token, a.enrolment, "json").await;
    let credential: Value = res.json().await.unwrap();
    let code = credential["id"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let reflection = json!({"learned": "Rustig blijven helpt", "will_do": "De-escaleren oefenen"});
    let (st, b) = app.put(&a.eva.token, &format!("/api/v1/enrolments/{}/reflection", a.enrolment), reflection).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    for step in ["close", "archive"] {
        let (st, b) = app.post(&app.admin, &format!("/api/v1/events/{}/{step}", a.week), json!({})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    // Archived: still hers, still valid.
    let (st, v) = verification(app, &code).await;
    assert_eq!(
        (st, v["status"].as_str(), v["person_name"].as_str()),
        (StatusCode::OK, Some("valid"), Some("Eva de Vries"))
    );
    let (_, me) = app.get(&a.eva.token, "/api/v1/me/portfolio").await;
    assert_eq!(me["sessions"].as_array().map(Vec::len), Some(1), "{me}");
    assert_eq!(me["sessions"][0]["reflection"]["learned"], "Rustig blijven helpt");
    // Past the retention period: anonymous, revoked, and her reflection gone.
    let later = Utc::now() + Duration::days(366);
    let n = leerweek_store::privacy::anonymise_archived(&app.store, later - Duration::days(365), later).await.unwrap();
    assert_eq!(n, 2, "Eva's and Bart's seats");
    let (st, v) = verification(app, &code).await;
    assert_eq!((st, v["status"].as_str(), &v["person_name"]), (StatusCode::OK, Some("revoked"), &Value::Null), "{v}");
    let (_, me) = app.get(&a.eva.token, "/api/v1/me/portfolio").await;
    assert_eq!(me["sessions"], json!([]), "the seat no longer points at her");
    let left: i64 = app.sql().await.one("SELECT count(*) FROM reflections", []).await.unwrap();
    assert_eq!(left, 0);
    let named: i64 =
        app.sql().await.one("SELECT count(*) FROM certificates WHERE person_name = 'Eva de Vries'", []).await.unwrap();
    assert_eq!(named, 0);
}
