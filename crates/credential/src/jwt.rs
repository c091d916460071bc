//! VC-JWT as Open Badges 3.0 §8.2 "JSON Web Token Proof Format" has it: a
//! compact JWS whose payload is the credential itself, with the JWT claims
//! `iss`, `jti`, `nbf`, `sub` (and `exp`) copied from it, next to its members;
//! there is no `vc` claim (that wrapper belongs to the VC Data Model 1.1).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ed25519_dalek::Signature;
use serde_json::{Value, json};

use crate::key::{IssuerKey, PublicKey};

/// The only signing algorithm this crate makes and accepts (RFC 8037).
pub const ALGORITHM: &str = "EdDSA";

/// Why a credential could not be signed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignError {
    /// The credential lacks a member that a JWT claim must be taken from.
    #[error("the credential has no {0}, which the JWT needs")]
    Missing(&'static str),
    /// `validFrom` or `validUntil` is not an RFC 3339 date-time.
    #[error("{0} is not an RFC 3339 date-time")]
    BadDate(&'static str),
    /// The credential already has JWT claims that disagree with it.
    #[error("the credential already carries the JWT claim {0}")]
    ClaimPresent(&'static str),
}

/// Why a VC-JWT was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// Not three base64url parts holding a JSON header and payload.
    #[error("not a compact JWS: {0}")]
    Malformed(&'static str),
    /// The header names an algorithm other than EdDSA (or none).
    #[error("algorithm {0:?} is not accepted; only EdDSA is")]
    Algorithm(String),
    /// The header is not one Open Badges 3.0 allows (`typ` other than "JWT",
    /// or a `crit` extension this crate does not implement).
    #[error("header not accepted: {0}")]
    Header(&'static str),
    /// The signature does not match the key.
    #[error("the signature does not verify with the given key")]
    Signature,
    /// A JWT claim is missing or disagrees with the credential (OB 3.0 §8.2).
    #[error("claim {0} is missing or does not match the credential")]
    Claim(&'static str),
    /// `validFrom`/`nbf` is after `now`.
    #[error("the credential is not valid yet")]
    NotYetValid,
    /// `validUntil`/`exp` is at or before `now`.
    #[error("the credential has expired")]
    Expired,
}

/// Signs `credential` (an unsigned credential such as [`crate::credential_json`]
/// or [`crate::status_list_credential_json`] makes) as a VC-JWT with `key`.
///
/// JOSE header: `{"alg":"EdDSA","kid":key.kid(),"typ":"JWT"}`, no others
/// (OB 3.0 §8.2 allows no additional headers). Payload: the credential's
/// members plus `iss` = `issuer.id` (or `issuer` if it is a string),
/// `jti` = `id`, `nbf` = `validFrom`, `sub` = `credentialSubject.id` when the
/// subject has one, and `exp` = `validUntil` when there is one.
pub fn sign_vc_jwt(key: &IssuerKey, credential: &Value) -> Result<String, SignError> {
    let object = credential.as_object().ok_or(SignError::Missing("object"))?;
    for claim in ["iss", "jti", "nbf", "sub", "exp", "vc"] {
        if object.contains_key(claim) {
            return Err(SignError::ClaimPresent(claim));
        }
    }
    let mut payload = object.clone();
    let issuer = issuer_id(credential).ok_or(SignError::Missing("issuer id"))?;
    payload.insert("iss".into(), Value::String(issuer.into()));
    let id = credential.get("id").and_then(Value::as_str).ok_or(SignError::Missing("id"))?;
    payload.insert("jti".into(), Value::String(id.into()));
    let valid_from =
        date(credential, "validFrom").ok_or(SignError::Missing("validFrom"))?.ok_or(SignError::BadDate("validFrom"))?;
    payload.insert("nbf".into(), valid_from.timestamp().into());
    if let Some(subject) = subject_id(credential) {
        payload.insert("sub".into(), Value::String(subject.into()));
    }
    if let Some(until) = date(credential, "validUntil") {
        let until = until.ok_or(SignError::BadDate("validUntil"))?;
        payload.insert("exp".into(), until.timestamp().into());
    }

    let header = json!({ "alg": ALGORITHM, "kid": key.kid(), "typ": "JWT" });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(Value::Object(payload).to_string())
    );
    let signature = key.sign(signing_input.as_bytes());
    Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// Checks a VC-JWT against `key` and returns its payload (the credential with
/// its JWT claims).
///
/// Accepts only `alg` "EdDSA" (never "none", never an algorithm the token
/// chooses for itself), `typ` "JWT" if present, no `crit`; verifies the
/// signature strictly (no malleable or small-order signatures); then does the
/// checks of OB 3.0 §8.2 "Verify a Credential VC-JWT Signature": `iss`, `jti`,
/// `nbf` and (if the subject has an id) `sub` must be present and equal the
/// credential's `issuer.id`, `id`, `validFrom` and `credentialSubject.id`;
/// `validFrom` must not be after `now`, and `exp`/`validUntil`, if present,
/// must agree and be after `now`.
///
/// The header's `kid` or `jwk` is not used to find the key: the caller
/// decides which key it trusts.
pub fn verify_vc_jwt(jwt: &str, key: &PublicKey, now: DateTime<Utc>) -> Result<Value, VerifyError> {
    let payload = verify_jws(jwt, key)?;
    check_claims(&payload, now)?;
    Ok(payload)
}

/// Checks the compact JWS signature and header only, and returns the payload
/// as JSON; [`verify_vc_jwt`] also checks the claims.
pub fn verify_jws(jwt: &str, key: &PublicKey) -> Result<Value, VerifyError> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed("not three parts"));
    };
    let header_json: Value = decode_json(header)?;
    let header_object = header_json.as_object().ok_or(VerifyError::Malformed("header is not an object"))?;
    match header_object.get("alg").and_then(Value::as_str) {
        Some(ALGORITHM) => {}
        Some(other) => return Err(VerifyError::Algorithm(other.to_string())),
        None => return Err(VerifyError::Algorithm(String::new())),
    }
    if header_object.get("typ").is_some_and(|typ| typ.as_str() != Some("JWT")) {
        return Err(VerifyError::Header("typ is not \"JWT\""));
    }
    if header_object.contains_key("crit") {
        return Err(VerifyError::Header("crit is not supported"));
    }

    let signature: [u8; 64] = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| VerifyError::Malformed("signature is not base64url"))?
        .try_into()
        .map_err(|_| VerifyError::Signature)?;
    let signing_input = &jwt[..header.len() + 1 + payload.len()];
    key.0
        .verify_strict(signing_input.as_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| VerifyError::Signature)?;

    let payload: Value = decode_json(payload)?;
    if !payload.is_object() {
        return Err(VerifyError::Malformed("payload is not an object"));
    }
    Ok(payload)
}

fn check_claims(payload: &Value, now: DateTime<Utc>) -> Result<(), VerifyError> {
    let claim = |name: &str| payload.get(name);
    if claim("iss").and_then(Value::as_str) != Some(issuer_id(payload).ok_or(VerifyError::Claim("iss"))?) {
        return Err(VerifyError::Claim("iss"));
    }
    let id = payload.get("id").and_then(Value::as_str);
    if id.is_none() || claim("jti").and_then(Value::as_str) != id {
        return Err(VerifyError::Claim("jti"));
    }
    if claim("sub").and_then(Value::as_str) != subject_id(payload) {
        return Err(VerifyError::Claim("sub"));
    }
    let valid_from = date(payload, "validFrom").flatten().ok_or(VerifyError::Claim("nbf"))?;
    if claim("nbf").and_then(Value::as_i64) != Some(valid_from.timestamp()) {
        return Err(VerifyError::Claim("nbf"));
    }
    if valid_from > now {
        return Err(VerifyError::NotYetValid);
    }
    match (claim("exp"), date(payload, "validUntil")) {
        (None, None) => {}
        (Some(exp), Some(Some(until))) if exp.as_i64() == Some(until.timestamp()) => {
            if until <= now {
                return Err(VerifyError::Expired);
            }
        }
        _ => return Err(VerifyError::Claim("exp")),
    }
    Ok(())
}

fn decode_json(part: &str) -> Result<Value, VerifyError> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| VerifyError::Malformed("a part is not base64url"))?;
    serde_json::from_slice(&bytes).map_err(|_| VerifyError::Malformed("a part is not JSON"))
}

/// `issuer.id`, or `issuer` itself when it is a plain IRI.
fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(id) => Some(id),
        issuer => issuer.get("id")?.as_str(),
    }
}

fn subject_id(credential: &Value) -> Option<&str> {
    credential.get("credentialSubject")?.get("id")?.as_str()
}

/// `None` when the member is absent, `Some(None)` when it is not a date-time.
fn date(credential: &Value, member: &str) -> Option<Option<DateTime<Utc>>> {
    let raw = credential.get(member)?;
    Some(raw.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|d| d.with_timezone(&Utc)))
}
