//! Log lines carry no one's address, token or link (issue 23, part 7), also when a mail server
//! refuses a recipient and repeats the address in its answer, as real servers do. Read from the
//! real `leerweek worker` at debug level; the admin's outbox keeps the whole error.

use crate::harness::{Backend, TestApp};
use crate::smtp::SmtpSink;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn log_lines_carry_no_address_token_or_link() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let sink = SmtpSink::start();
    let org = app.org("Drechterland").await;
    let (refused, anna) = ("weiger-eva@drechterland.nl", "anna@drechterland.nl");
    let eva = app.person(org, refused).await;
    let anna_p = app.person(org, anna).await;
    for email in [refused, anna] {
        let (st, _) = app.post("", "/api/v1/auth/link", json!({"email": email})).await;
        assert_eq!(st, StatusCode::ACCEPTED);
    }
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("worker.log");
    let mut worker = std::process::Command::new(env!("CARGO_BIN_EXE_leerweek"))
        .arg("worker")
        .env("LEERWEEK__DATABASE__URL", &app.database_url)
        .env("LEERWEEK__MAIL__TRANSPORT", "smtp")
        .env("LEERWEEK__MAIL__SMTP_HOST", "127.0.0.1")
        .env("LEERWEEK__MAIL__SMTP_PORT", sink.port.to_string())
        .env("LEERWEEK__MAIL__SMTP_TLS", "none")
        .env("LEERWEEK__MAIL__POLL_INTERVAL_MS", "50")
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .expect("leerweek worker");
    let sql = app.sql().await;
    let started = Instant::now();
    loop {
        let sent = sql.outbox_count("sent").await;
        let failed = sql.one::<i64>("SELECT count(*) FROM outbox WHERE last_error IS NOT NULL", []).await;
        if sent >= 1 && failed >= Some(1) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the worker did not try both mails");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = worker.kill();
    let _ = worker.wait();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("mail not delivered"), "the refusal was not logged at all:\n{log}");
    for secret in [refused, anna, "si_", "token=", eva.token.as_str(), anna_p.token.as_str(), app.admin.as_str()] {
        assert!(!log.contains(secret), "the log carries {secret:?}:\n{log}");
    }
    // The admin's outbox keeps what the server said, address and all.
    let error = sql.one::<String>("SELECT last_error FROM outbox WHERE last_error IS NOT NULL", []).await.unwrap();
    assert!(error.contains(refused), "{error}");
    app.finish().await;
}
