//! Skills: the vocabulary (admins add, rename, merge, also from an ESCO file), the skills a
//! workshop teaches and the programme's filter on them, and a person's own skills with their
//! dated self-ratings.

use crate::harness::{TestApp, id};
use crate::on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    admins_keep_the_vocabulary_and_names_and_esco_links_stay_unique,
    workshops_name_the_skills_they_teach_and_the_programme_filters_on_them,
    a_person_keeps_skills_had_and_wanted_and_ratings_that_show_growth,
    merging_two_skills_moves_workshops_people_and_ratings,
    an_esco_file_is_uploaded_searched_and_linked,
);

/// Assert a problem answer: status, `type` slug and the field at fault.
fn problem(got: (StatusCode, Value), status: StatusCode, slug: &str, field: Option<&str>) -> Value {
    let (st, b) = got;
    assert_eq!(st, status, "{b}");
    assert!(b["type"].as_str().unwrap_or("").ends_with(&format!("/errors/{slug}")), "expected {slug}: {b}");
    assert_eq!(b["field"].as_str(), field, "{b}");
    b
}

async fn skill(app: &TestApp, name: &str) -> Uuid {
    let (st, b) = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": name})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    id(&b)
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|s| s["name_nl"].as_str().unwrap()).collect()
}

const ESCO_WRITING: &str = "http://data.europa.eu/esco/skill/1c0ad6b8-5a4e-4b4a-9d7e-3f1a6b2c9e01";

async fn admins_keep_the_vocabulary_and_names_and_esco_links_stay_unique(app: &TestApp) {
    let org = app.org("Enkhuizen").await;
    let eva = app.person(org, "eva@enkhuizen.test").await;
    let (st, b) = app
        .post(
            &app.admin,
            "/api/v1/skills",
            json!({"name_nl": "  Schrijven voor inwoners ", "name_en": "Writing for residents",
                   "description": "Heldere brieven en webteksten.", "esco_uri": ESCO_WRITING.replace("http:", "https:")}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    assert_eq!((b["name_nl"].as_str(), b["esco_uri"].as_str()), (Some("Schrijven voor inwoners"), Some(ESCO_WRITING)));
    let writing = id(&b);

    // The same name in other case and spacing, or the same ESCO skill, is one skill already.
    let dup = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": "schrijven  VOOR inwoners"})).await;
    problem(dup, StatusCode::CONFLICT, "skill-name-taken", Some("name_nl"));
    let dup = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": "Brieven", "esco_uri": ESCO_WRITING})).await;
    problem(dup, StatusCode::CONFLICT, "esco-skill-linked", Some("esco_uri"));
    let bad =
        app.post(&app.admin, "/api/v1/skills", json!({"name_nl": "X", "esco_uri": "http://example.org/skill/1"})).await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("esco_uri"));
    let bad = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": "  "})).await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("name_nl"));
    let bad = app.post(&app.admin, "/api/v1/skills", json!({"name_nl": "x".repeat(101)})).await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("name_nl"));

    // Employees read the vocabulary but do not change it.
    let denied = app.post(&eva.token, "/api/v1/skills", json!({"name_nl": "Eigen vaardigheid"})).await;
    problem(denied, StatusCode::FORBIDDEN, "forbidden", None);
    let denied = app.patch(&eva.token, &format!("/api/v1/skills/{writing}"), json!({"name_nl": "Anders"})).await;
    problem(denied, StatusCode::FORBIDDEN, "forbidden", None);
    skill(app, "Wmo-wetgeving").await;
    let (st, list) = app.get(&eva.token, "/api/v1/skills").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(names(&list), vec!["Schrijven voor inwoners", "Wmo-wetgeving"]);
    let (_, found) = app.get(&eva.token, "/api/v1/skills?q=RESIDENTS").await;
    assert_eq!(names(&found), vec!["Schrijven voor inwoners"]);
    let (_, none) = app.get(&eva.token, "/api/v1/skills?q=%25").await;
    assert_eq!(names(&none), Vec::<&str>::new(), "a % is searched for literally");

    // Renaming keeps the rules; removing the English name and the link with null.
    let (st, b) =
        app.patch(&app.admin, &format!("/api/v1/skills/{writing}"), json!({"name_en": null, "esco_uri": null})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!((b["name_en"].clone(), b["esco_uri"].clone()), (Value::Null, Value::Null));
    let clash = app.patch(&app.admin, &format!("/api/v1/skills/{writing}"), json!({"name_nl": "WMO-wetgeving"})).await;
    problem(clash, StatusCode::CONFLICT, "skill-name-taken", Some("name_nl"));
    let gone = app.get(&eva.token, &format!("/api/v1/skills/{}", Uuid::now_v7())).await;
    let b = problem(gone, StatusCode::NOT_FOUND, "not-found", None);
    assert_eq!(b["detail"], "Deze vaardigheid bestaat niet of is niet zichtbaar voor jou.");
    let audited: i64 =
        app.sql().await.one("SELECT count(*) FROM audit_log WHERE action LIKE 'skill.%'", []).await.unwrap();
    assert_eq!(audited, 3, "two skills added and one change, each audited");
}

async fn workshops_name_the_skills_they_teach_and_the_programme_filters_on_them(app: &TestApp) {
    let org = app.org("Drechterland").await;
    let eva = app.person(org, "eva@drechterland.test").await;
    let coaching = skill(app, "Coachend leidinggeven").await;
    let writing = skill(app, "Schrijven voor inwoners").await;
    let event = app.week(&[org], json!({})).await;
    let (st, w) = app
        .post(
            &app.admin,
            &format!("/api/v1/events/{event}/workshops"),
            json!({"title": "Coachen in de praktijk", "description": "", "theme": "leiderschap",
                   "host_organisation_id": org, "skills": [writing, coaching]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{w}");
    assert_eq!(names(&w["skills"]), vec!["Coachend leidinggeven", "Schrijven voor inwoners"]);
    let taught = id(&w);
    let other = app.workshop(event, org, json!({"title": "Grip op stress"})).await;
    let s1 = app.session(taught, 0, 10, 2, 10).await;
    app.session(other, 1, 10, 2, 10).await;

    let (st, p) = app.get(&eva.token, &format!("/api/v1/events/{event}/programme?skill={coaching}")).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    let sessions = p["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{p}");
    assert_eq!(sessions[0]["session_id"], json!(s1));
    assert_eq!(names(&sessions[0]["skills"]), vec!["Coachend leidinggeven", "Schrijven voor inwoners"]);
    let (_, all) = app.get(&eva.token, &format!("/api/v1/events/{event}/programme")).await;
    assert_eq!(all["sessions"].as_array().unwrap().len(), 2);
    let bad = app.get(&eva.token, &format!("/api/v1/events/{event}/programme?skill=geen-id")).await;
    problem(bad, StatusCode::BAD_REQUEST, "invalid-parameter", Some("skill"));

    // The list is replaced; a renamed skill shows at once in the programme.
    let (st, w) = app.patch(&app.admin, &format!("/api/v1/workshops/{taught}"), json!({"skills": [writing]})).await;
    assert_eq!(st, StatusCode::OK, "{w}");
    assert_eq!(names(&w["skills"]), vec!["Schrijven voor inwoners"]);
    let (_, p) = app.get(&eva.token, &format!("/api/v1/events/{event}/programme?skill={coaching}")).await;
    assert_eq!(p["sessions"].as_array().unwrap().len(), 0, "{p}");
    let (st, _) =
        app.patch(&app.admin, &format!("/api/v1/skills/{writing}"), json!({"name_nl": "Helder schrijven"})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, p) = app.get(&eva.token, &format!("/api/v1/events/{event}/programme?skill={writing}")).await;
    assert_eq!(names(&p["sessions"][0]["skills"]), vec!["Helder schrijven"], "{p}");

    // Unknown, doubled and too many skills are refused, naming the entry.
    let path = format!("/api/v1/workshops/{taught}");
    let unknown = app.patch(&app.admin, &path, json!({"skills": [writing, Uuid::now_v7()]})).await;
    problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "unknown-reference", Some("skills[1]"));
    let doubled = app.patch(&app.admin, &path, json!({"skills": [writing, coaching, writing]})).await;
    problem(doubled, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("skills[2]"));
    let many: Vec<Uuid> = (0..13).map(|_| Uuid::now_v7()).collect();
    let many = app.patch(&app.admin, &path, json!({"skills": many})).await;
    problem(many, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("skills"));
    let (_, w) = app.get(&eva.token, &path).await;
    assert_eq!(names(&w["skills"]), vec!["Helder schrijven"], "a refused change changed nothing");
    // An employee cannot change what a workshop teaches.
    let denied = app.patch(&eva.token, &path, json!({"skills": []})).await;
    problem(denied, StatusCode::FORBIDDEN, "forbidden", None);
}

async fn a_person_keeps_skills_had_and_wanted_and_ratings_that_show_growth(app: &TestApp) {
    let org = app.org("Nuenen").await;
    let eva = app.person(org, "eva@nuenen.test").await;
    let bart = app.person(org, "bart@nuenen.test").await;
    let wmo = skill(app, "Wmo-wetgeving").await;
    let excel = skill(app, "Excel").await;
    let coaching = skill(app, "Coachend leidinggeven").await;

    let (st, empty) = app.get(&eva.token, "/api/v1/me/skills").await;
    assert_eq!((st, empty), (StatusCode::OK, json!({"have": [], "want": [], "rated": []})));
    let (st, b) = app.put(&eva.token, "/api/v1/me/skills", json!({"have": [wmo, excel], "want": [coaching]})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!((names(&b["have"]), names(&b["want"])), (vec!["Excel", "Wmo-wetgeving"], vec!["Coachend leidinggeven"]));
    let both = app.put(&eva.token, "/api/v1/me/skills", json!({"have": [wmo], "want": [excel, wmo]})).await;
    problem(both, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("want[1]"));
    let unknown = app.put(&eva.token, "/api/v1/me/skills", json!({"have": [], "want": [Uuid::now_v7()]})).await;
    problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "unknown-reference", Some("want[0]"));
    let (_, b) = app.get(&eva.token, "/api/v1/me/skills").await;
    assert_eq!(names(&b["have"]), vec!["Excel", "Wmo-wetgeving"], "refused lists changed nothing");
    let (_, theirs) = app.get(&bart.token, "/api/v1/me/skills").await;
    assert_eq!(theirs["have"], json!([]), "one person's skills are theirs alone");

    // Rated twice today: today's rating is the last one.
    for level in [2, 3] {
        let (st, b) =
            app.post(&eva.token, "/api/v1/me/skills/assessments", json!({"skill_id": coaching, "level": level})).await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    let bad = app.post(&eva.token, "/api/v1/me/skills/assessments", json!({"skill_id": coaching, "level": 6})).await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("level"));
    let bad =
        app.post(&eva.token, "/api/v1/me/skills/assessments", json!({"skill_id": Uuid::now_v7(), "level": 3})).await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "unknown-reference", Some("skill_id"));
    let (_, b) = app.get(&eva.token, "/api/v1/me/skills").await;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    assert_eq!(b["rated"][0]["ratings"], json!([{"level": 3, "on": today}]), "{b}");
    assert_eq!(b["rated"][0]["growth"], Value::Null);

    // A rating from half a year ago (written as the rating of that day was): growth shows.
    let earlier = today - chrono::Days::new(180);
    app.sql()
        .await
        .execute(
            "INSERT INTO skill_assessments (person_id, skill_id, assessed_on, level, assessed_at) VALUES ($1, $2, $3, 1, $4)",
            [eva.id.into(), coaching.into(), earlier.into(), (chrono::Utc::now() - chrono::Duration::days(180)).into()],
        )
        .await;
    let (_, b) = app.get(&eva.token, "/api/v1/me/skills").await;
    assert_eq!(b["rated"][0]["skill"]["name_nl"], "Coachend leidinggeven");
    assert_eq!(b["rated"][0]["ratings"], json!([{"level": 1, "on": earlier}, {"level": 3, "on": today}]), "{b}");
    assert_eq!(b["rated"][0]["growth"], 2);

    // The export holds them; an erasure removes them.
    let (_, export) = app.get(&eva.token, "/api/v1/me/export").await;
    assert_eq!(export["skills"].as_array().map(Vec::len), Some(3), "{}", export["skills"]);
    assert_eq!(export["skill_assessments"].as_array().map(Vec::len), Some(2));
    let (st, b) = app.post(&app.admin, &format!("/api/v1/admin/people/{}/erase", eva.id), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let sql = app.sql().await;
    let left: i64 = sql
        .one(
            "SELECT (SELECT count(*) FROM person_skills WHERE person_id = $1) + (SELECT count(*) FROM skill_assessments WHERE person_id = $1)",
            [eva.id.into()],
        )
        .await
        .unwrap();
    assert_eq!(left, 0);
}

async fn merging_two_skills_moves_workshops_people_and_ratings(app: &TestApp) {
    let org = app.org("Stede Broec").await;
    let eva = app.person(org, "eva@stedebroec.test").await;
    let bart = app.person(org, "bart@stedebroec.test").await;
    let old = skill(app, "Klantgericht schrijven").await;
    let kept = skill(app, "Schrijven voor inwoners").await;
    let (st, _) = app.patch(&app.admin, &format!("/api/v1/skills/{old}"), json!({"esco_uri": ESCO_WRITING})).await;
    assert_eq!(st, StatusCode::OK);
    let event = app.week(&[org], json!({})).await;
    let both = app.workshop(event, org, json!({"skills": [old, kept]})).await;
    let only_old = app.workshop(event, org, json!({"title": "Brieven", "skills": [old]})).await;
    // Eva wants the old one and has the kept one: she has it. Bart wanted the old one.
    let (st, _) = app.put(&eva.token, "/api/v1/me/skills", json!({"have": [kept], "want": [old]})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app.put(&bart.token, "/api/v1/me/skills", json!({"have": [], "want": [old]})).await;
    assert_eq!(st, StatusCode::OK);
    for (who, s, level) in [(&eva, old, 2), (&eva, kept, 4), (&bart, old, 3)] {
        let (st, _) =
            app.post(&who.token, "/api/v1/me/skills/assessments", json!({"skill_id": s, "level": level})).await;
        assert_eq!(st, StatusCode::OK);
    }

    let onto_itself = app.post(&app.admin, &format!("/api/v1/skills/{old}/merge"), json!({"into": old})).await;
    problem(onto_itself, StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", Some("into"));
    let nowhere = app.post(&app.admin, &format!("/api/v1/skills/{old}/merge"), json!({"into": Uuid::now_v7()})).await;
    problem(nowhere, StatusCode::UNPROCESSABLE_ENTITY, "unknown-reference", Some("into"));
    let denied = app.post(&eva.token, &format!("/api/v1/skills/{old}/merge"), json!({"into": kept})).await;
    problem(denied, StatusCode::FORBIDDEN, "forbidden", None);

    let (st, b) = app.post(&app.admin, &format!("/api/v1/skills/{old}/merge"), json!({"into": kept})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["esco_uri"], ESCO_WRITING, "the ESCO link of the merged skill is kept");
    let gone = app.get(&eva.token, &format!("/api/v1/skills/{old}")).await;
    problem(gone, StatusCode::NOT_FOUND, "not-found", None);
    for w in [both, only_old] {
        let (_, w) = app.get(&eva.token, &format!("/api/v1/workshops/{w}")).await;
        assert_eq!(names(&w["skills"]), vec!["Schrijven voor inwoners"], "{w}");
    }
    let (_, e) = app.get(&eva.token, "/api/v1/me/skills").await;
    assert_eq!((names(&e["have"]), names(&e["want"])), (vec!["Schrijven voor inwoners"], vec![]), "having wins: {e}");
    assert_eq!(e["rated"][0]["ratings"][0]["level"], 4, "a day rated for both keeps the rating of the kept skill");
    let (_, b) = app.get(&bart.token, "/api/v1/me/skills").await;
    assert_eq!((names(&b["have"]), names(&b["want"])), (vec![], vec!["Schrijven voor inwoners"]), "{b}");
    assert_eq!(b["rated"][0]["ratings"][0]["level"], 3, "{b}");
    let (_, list) = app.get(&eva.token, "/api/v1/skills").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!((list[0]["workshops"].clone(), list[0]["people"].clone()), (json!(2), json!(2)));
}

const ESCO_NL: &str = "\u{feff}conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description\n\
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/1c0ad6b8-5a4e-4b4a-9d7e-3f1a6b2c9e01,skill/competence,cross-sector,schrijven voor een breed publiek,\"teksten schrijven voor inwoners\nheldere taal gebruiken\",,released,2023-11-30,,,,Teksten schrijven die iedereen begrijpt.\n\
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/2d1be7c9-6b5f-4c5b-8e8f-4a2b7c3d0f12,skill/competence,sector-specific,coachen van medewerkers,\"medewerkers begeleiden\",,released,2023-11-30,,,,Medewerkers helpen groeien.\n\
KnowledgeSkillCompetence,http://data.europa.eu/esco/occupation/3e2cf8da-7c60-4d6c-9f90-5b3c8d4e1a23,skill/competence,,geen vaardigheid,,,released,,,,,\n";

const ESCO_EN: &str = "conceptType,conceptUri,preferredLabel,altLabels,description\n\
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/1c0ad6b8-5a4e-4b4a-9d7e-3f1a6b2c9e01,write for a broad audience,plain language,Write texts everyone understands.\n";

async fn an_esco_file_is_uploaded_searched_and_linked(app: &TestApp) {
    let org = app.org("Son en Breugel").await;
    let eva = app.person(org, "eva@son.test").await;
    let upload = |token: String, language: &'static str, body: &'static str| {
        let req = app
            .client
            .post(app.url(&format!("/api/v1/skills/esco?language={language}")))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body);
        app.send(req)
    };
    let (st, b) = upload(app.admin.clone(), "nl", ESCO_NL).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b, json!({"language": "nl", "concepts": 2, "skipped": 1, "known": 2}));
    // Found by an alternative label while only the Dutch file is there.
    let (_, found) = app.get(&app.admin, "/api/v1/skills/esco?q=medewerkers%20begeleiden").await;
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found[0]["label_en"], Value::Null);
    let (st, b) = upload(app.admin.clone(), "en", ESCO_EN).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!((b["concepts"].clone(), b["known"].clone()), (json!(1), json!(2)));
    problem(upload(eva.token.clone(), "nl", ESCO_NL).await, StatusCode::FORBIDDEN, "forbidden", None);
    problem(
        upload(app.admin.clone(), "de", ESCO_NL).await,
        StatusCode::BAD_REQUEST,
        "invalid-parameter",
        Some("language"),
    );
    let wrong = upload(app.admin.clone(), "nl", "email,name\neva@son.test,Eva\n").await;
    let b = problem(wrong, StatusCode::UNPROCESSABLE_ENTITY, "esco-column-missing", Some("file"));
    assert_eq!(b["columns"], json!(["email", "name"]));

    // Found by a Dutch other label, an English label; the label match first.
    let (st, found) = app.get(&app.admin, "/api/v1/skills/esco?q=inwoners").await;
    assert_eq!(st, StatusCode::OK, "{found}");
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["label_nl"], "schrijven voor een breed publiek");
    assert_eq!(found[0]["label_en"], "write for a broad audience", "the English upload kept the Dutch label");
    assert_eq!(found[0]["skill_id"], Value::Null);
    let (_, found) = app.get(&app.admin, "/api/v1/skills/esco?q=BROAD").await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let (_, found) = app.get(&app.admin, "/api/v1/skills/esco?q=medewerkers").await;
    assert_eq!(found[0]["label_nl"], "coachen van medewerkers", "{found}");
    problem(app.get(&eva.token, "/api/v1/skills/esco?q=coach").await, StatusCode::FORBIDDEN, "forbidden", None);

    // Added from the search: the search then shows it is linked.
    let uri = "http://data.europa.eu/esco/skill/1c0ad6b8-5a4e-4b4a-9d7e-3f1a6b2c9e01";
    let (st, s) =
        app.post(&app.admin, "/api/v1/skills", json!({"name_nl": "Schrijven voor inwoners", "esco_uri": uri})).await;
    assert_eq!(st, StatusCode::CREATED, "{s}");
    let (_, found) = app.get(&app.admin, "/api/v1/skills/esco?q=publiek").await;
    assert_eq!(found[0]["skill_id"], s["id"]);
}
