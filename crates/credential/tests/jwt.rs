//! VC-JWT: signing, verifying, and what verification must refuse.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use ed25519_dalek::{Signer as _, SigningKey};
use leerweek_credential::{IssuerKey, PublicKey, SignError, VerifyError, credential_json, sign_vc_jwt, verify_vc_jwt};
use serde_json::{Value, json};

use common::{OTHER_SEED, SEED, achievement, issued_at, issuer, key};

fn signed() -> (Value, String) {
    let credential = credential_json(&issuer(), &achievement()).unwrap();
    let jwt = sign_vc_jwt(&key(), &credential).unwrap();
    (credential, jwt)
}

fn parts(jwt: &str) -> (Value, Value) {
    let mut it = jwt.split('.');
    let mut next = || serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    (next(), next())
}

// Signs any header and payload with the test seed, outside the crate, to make
// tokens the crate itself would never make.
fn forge(header: &Value, payload: &Value) -> String {
    let input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(payload.to_string()));
    let signature = SigningKey::from_bytes(&SEED).sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn now() -> chrono::DateTime<chrono::Utc> {
    issued_at() + Duration::days(1)
}

#[test]
fn a_signed_credential_verifies_and_gives_back_the_credential_with_its_claims() {
    let (credential, jwt) = signed();
    let payload = verify_vc_jwt(&jwt, &key().public_key(), now()).unwrap();
    for (member, value) in credential.as_object().unwrap() {
        assert_eq!(&payload[member], value, "{member}");
    }
    assert_eq!(payload["iss"], credential["issuer"]["id"]);
    assert_eq!(payload["jti"], credential["id"]);
    assert_eq!(payload["sub"], credential["credentialSubject"]["id"]);
    assert_eq!(payload["nbf"], issued_at().timestamp());
    assert!(payload.get("vc").is_none(), "OB 3.0 puts the credential itself in the payload");
    assert!(payload.get("exp").is_none());
}

#[test]
fn the_header_is_alg_kid_typ_and_nothing_else() {
    let (_, jwt) = signed();
    let (header, _) = parts(&jwt);
    assert_eq!(header, json!({"alg": "EdDSA", "kid": common::KEY_URL, "typ": "JWT"}));
}

#[test]
fn a_verifier_with_the_published_jwk_accepts_it() {
    let (_, jwt) = signed();
    let published = key().public_jwk();
    let public = PublicKey::from_jwk(&published).unwrap();
    assert!(verify_vc_jwt(&jwt, &public, now()).is_ok());
}

#[test]
fn a_changed_payload_is_refused() {
    let (_, jwt) = signed();
    let (_, mut payload) = parts(&jwt);
    payload["credentialSubject"]["identifier"][0]["identityHash"] = json!("Mallory");
    let pieces: Vec<&str> = jwt.split('.').collect();
    let tampered = format!("{}.{}.{}", pieces[0], URL_SAFE_NO_PAD.encode(payload.to_string()), pieces[2]);
    assert_eq!(verify_vc_jwt(&tampered, &key().public_key(), now()), Err(VerifyError::Signature));
}

#[test]
fn a_changed_signature_is_refused() {
    let (_, jwt) = signed();
    let (input, signature) = jwt.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    for position in [0, 31, 63] {
        bytes[position] ^= 1;
        let tampered = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_eq!(
            verify_vc_jwt(&tampered, &key().public_key(), now()),
            Err(VerifyError::Signature),
            "bit flipped in byte {position}"
        );
        bytes[position] ^= 1;
    }
    let truncated = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&bytes[..63]));
    assert!(verify_vc_jwt(&truncated, &key().public_key(), now()).is_err());
}

#[test]
fn another_key_is_refused() {
    let (_, jwt) = signed();
    let other = IssuerKey::from_seed(OTHER_SEED).public_key();
    assert_eq!(verify_vc_jwt(&jwt, &other, now()), Err(VerifyError::Signature));
}

#[test]
fn alg_none_and_other_algorithms_are_refused_even_when_the_signature_verifies() {
    let (_, jwt) = signed();
    let (header, payload) = parts(&jwt);
    let public = key().public_key();

    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    assert_eq!(verify_vc_jwt(&unsigned, &public, now()), Err(VerifyError::Algorithm("none".into())));

    for alg in ["HS256", "RS256", "ES256", "Ed25519", "eddsa"] {
        let mut other = header.clone();
        other["alg"] = json!(alg);
        assert_eq!(verify_vc_jwt(&forge(&other, &payload), &public, now()), Err(VerifyError::Algorithm(alg.into())));
    }
    let mut no_alg = header.clone();
    no_alg.as_object_mut().unwrap().remove("alg");
    assert!(matches!(verify_vc_jwt(&forge(&no_alg, &payload), &public, now()), Err(VerifyError::Algorithm(_))));
}

#[test]
fn a_foreign_typ_or_a_crit_header_is_refused() {
    let (_, jwt) = signed();
    let (header, payload) = parts(&jwt);
    let public = key().public_key();
    let mut typ = header.clone();
    typ["typ"] = json!("vc+sd-jwt");
    assert!(matches!(verify_vc_jwt(&forge(&typ, &payload), &public, now()), Err(VerifyError::Header(_))));
    let mut crit = header.clone();
    crit["crit"] = json!(["b64"]);
    crit["b64"] = json!(false);
    assert!(matches!(verify_vc_jwt(&forge(&crit, &payload), &public, now()), Err(VerifyError::Header(_))));
    // Without typ the token is still a valid OB 3.0 VC-JWT (typ is optional).
    let mut bare = header.clone();
    bare.as_object_mut().unwrap().remove("typ");
    assert!(verify_vc_jwt(&forge(&bare, &payload), &public, now()).is_ok());
}

#[test]
fn claims_that_disagree_with_the_credential_are_refused_though_signed() {
    let (_, jwt) = signed();
    let (header, payload) = parts(&jwt);
    let public = key().public_key();
    let cases: [(&str, Value, &str); 6] = [
        ("iss", json!("https://evil.example/issuer"), "iss"),
        ("jti", json!("urn:uuid:00000000-0000-0000-0000-000000000000"), "jti"),
        ("sub", json!("urn:uuid:00000000-0000-0000-0000-000000000000"), "sub"),
        ("nbf", json!(issued_at().timestamp() - 1), "nbf"),
        ("exp", json!(issued_at().timestamp() + 3600), "exp"),
        ("validFrom", json!("2026-01-01T00:00:00Z"), "nbf"),
    ];
    for (member, value, claim) in cases {
        let mut changed = payload.clone();
        changed[member] = value;
        assert_eq!(
            verify_vc_jwt(&forge(&header, &changed), &public, now()),
            Err(VerifyError::Claim(claim)),
            "{member}"
        );
    }
    for claim in ["iss", "jti", "nbf", "sub"] {
        let mut missing = payload.clone();
        missing.as_object_mut().unwrap().remove(claim);
        assert_eq!(
            verify_vc_jwt(&forge(&header, &missing), &public, now()),
            Err(VerifyError::Claim(claim)),
            "without {claim}"
        );
    }
}

#[test]
fn validity_is_checked_against_the_time_given() {
    let (_, jwt) = signed();
    let public = key().public_key();
    assert!(verify_vc_jwt(&jwt, &public, issued_at()).is_ok());
    assert_eq!(verify_vc_jwt(&jwt, &public, issued_at() - Duration::seconds(1)), Err(VerifyError::NotYetValid));

    let mut credential = credential_json(&issuer(), &achievement()).unwrap();
    credential["validUntil"] = json!("2027-03-12T16:30:00Z");
    let expiring = sign_vc_jwt(&key(), &credential).unwrap();
    let (_, payload) = parts(&expiring);
    assert_eq!(payload["exp"], 1_804_869_000);
    assert!(verify_vc_jwt(&expiring, &public, now()).is_ok());
    assert_eq!(verify_vc_jwt(&expiring, &public, now() + Duration::days(400)), Err(VerifyError::Expired));
}

#[test]
fn signing_needs_the_members_the_claims_come_from() {
    let credential = credential_json(&issuer(), &achievement()).unwrap();
    for (member, error) in [
        ("id", SignError::Missing("id")),
        ("issuer", SignError::Missing("issuer id")),
        ("validFrom", SignError::Missing("validFrom")),
    ] {
        let mut without = credential.clone();
        without.as_object_mut().unwrap().remove(member);
        assert_eq!(sign_vc_jwt(&key(), &without), Err(error));
    }
    let mut bad_date = credential.clone();
    bad_date["validFrom"] = json!("12 maart 2026");
    assert_eq!(sign_vc_jwt(&key(), &bad_date), Err(SignError::BadDate("validFrom")));
    let mut with_claim = credential.clone();
    with_claim["vc"] = json!({});
    assert_eq!(sign_vc_jwt(&key(), &with_claim), Err(SignError::ClaimPresent("vc")));
}

#[test]
fn garbage_is_malformed_not_a_panic() {
    let public = key().public_key();
    for garbage in ["", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.e30", "W10.W10.AA"] {
        assert!(verify_vc_jwt(garbage, &public, now()).is_err(), "{garbage}");
    }
}
