//! The crate's output checked by independent implementations (PyPI's PyJWT,
//! cryptography and, if present, openbadgeslib), through
//! tests/independent_verify.py.
//!
//! Python is `$LEERWEEK_PYTHON`, else `python3`. Without PyJWT and
//! cryptography the test prints "SKIPPED: …" to stderr and passes. Debian's
//! `python3-jwt` and `python3-cryptography` packages are enough; for the
//! openbadgeslib check as well:
//! `python3 -m venv /tmp/credvenv && /tmp/credvenv/bin/pip install pyjwt cryptography openbadgeslib`
//! and `LEERWEEK_PYTHON=/tmp/credvenv/bin/python cargo test -p leerweek-credential --test independent`.

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use chrono::{Duration, Utc};
use leerweek_credential::{credential_json, sign_vc_jwt, status_list_credential};
use serde_json::json;

use common::{LIST_URL, achievement, issuer, key};

#[test]
fn python_verifiers_accept_the_credential_and_read_the_status_list() {
    let python = std::env::var("LEERWEEK_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python).args(["-c", "import jwt, cryptography"]).output();
    if !probe.as_ref().is_ok_and(|out| out.status.success()) {
        loud(&format!(
            "SKIPPED: {python} cannot import PyJWT and cryptography; the independent \
             VC-JWT check did not run (see the top of tests/independent.rs)\n"
        ));
        return;
    }

    // openbadgeslib checks validFrom against its own clock, so issue "now".
    let issued_at = Utc::now() - Duration::hours(1);
    let mut a = achievement();
    a.issued_at = issued_at;
    let revoked = [0, 7, 8, a.status.index, 131_071];
    let credential = credential_json(&issuer(), &a).unwrap();
    let jwt = sign_vc_jwt(&key(), &credential).unwrap();
    let status = status_list_credential(&key(), &issuer(), LIST_URL, &revoked, issued_at).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
    write("jwk.json", key().public_jwk().to_string());
    write("credential.jwt", jwt);
    write("status.jwt", status);
    write(
        "expect.json",
        json!({
            "person_name": a.person_name,
            "revoked": revoked,
            "not_revoked": [1, 6, 9, 94_566, 131_070],
            "credential_revoked": 1,
        })
        .to_string(),
    );

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent_verify.py");
    let out = Command::new(&python).arg(script).arg(dir.path()).output().unwrap();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    loud(&String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the independent verifier refused the output");
}

// Straight to the process's stderr: libtest captures eprintln! of a passing
// test, and a skip must not go unseen.
fn loud(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}
