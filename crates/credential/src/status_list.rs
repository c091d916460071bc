//! W3C Bitstring Status List v1.0: the revocation list that every
//! credential's `credentialStatus` points into.

use std::io::{Read as _, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use crate::badge::{Issuer, VC_CONTEXT};
use crate::jwt::{SignError, sign_vc_jwt};
use crate::key::IssuerKey;

/// Entries in one status list: the specification's minimum, 131,072 bits
/// (16 KiB uncompressed). Indexes run from 0 to 131,071.
pub const STATUS_LIST_LENGTH: u32 = 131_072;

// A decoded list larger than this is refused rather than inflated: a small
// gzip bomb could otherwise take all memory. 2^24 bits is 128 times the
// minimum list.
const MAX_DECODED_BYTES: u64 = 2 * 1024 * 1024;

/// Why a status list could not be made or read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StatusListError {
    /// The requested length is below 131,072 or not a whole number of bytes.
    #[error("a status list has at least 131072 entries, in whole bytes; {0} is not allowed")]
    Length(u64),
    /// An index is outside the list.
    #[error("index {index} is outside a list of {length} entries")]
    Range {
        /// The index asked for.
        index: u64,
        /// The number of entries in the list.
        length: u64,
    },
    /// Not a multibase `u` (base64url, no padding) string of GZIP data.
    #[error("encodedList is not multibase base64url GZIP: {0}")]
    Encoding(&'static str),
}

/// The `encodedList` for a list of `length` entries in which exactly the
/// indexes in `revoked` are set: bit `i` is the `i`-th bit counted from the
/// most significant bit of the first byte, GZIP-compressed, base64url without
/// padding, with the multibase prefix `u`.
pub fn encoded_list(revoked: &[u32], length: u32) -> Result<String, StatusListError> {
    if length < STATUS_LIST_LENGTH || !length.is_multiple_of(8) {
        return Err(StatusListError::Length(length.into()));
    }
    let mut bits = vec![0u8; length as usize / 8];
    for &index in revoked {
        if index >= length {
            return Err(StatusListError::Range { index: index.into(), length: length.into() });
        }
        bits[index as usize / 8] |= 0x80 >> (index % 8);
    }
    let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
    gzip.write_all(&bits).expect("writing to a Vec cannot fail");
    let compressed = gzip.finish().expect("writing to a Vec cannot fail");
    Ok(format!("u{}", URL_SAFE_NO_PAD.encode(compressed)))
}

/// The uncompressed bitstring of an `encodedList` (most significant bit first);
/// refused when it is shorter than 131,072 bits.
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, StatusListError> {
    let base64 = encoded.strip_prefix('u').ok_or(StatusListError::Encoding("no multibase prefix \"u\""))?;
    let compressed =
        URL_SAFE_NO_PAD.decode(base64).map_err(|_| StatusListError::Encoding("not base64url without padding"))?;
    let mut bits = Vec::new();
    GzDecoder::new(compressed.as_slice())
        .take(MAX_DECODED_BYTES + 1)
        .read_to_end(&mut bits)
        .map_err(|_| StatusListError::Encoding("not GZIP"))?;
    if bits.len() as u64 > MAX_DECODED_BYTES {
        return Err(StatusListError::Encoding("larger than this crate reads"));
    }
    let length = bits.len() as u64 * 8;
    if length < u64::from(STATUS_LIST_LENGTH) {
        return Err(StatusListError::Length(length));
    }
    Ok(bits)
}

/// Whether bit `index` of an `encodedList` is set (for a revocation list:
/// whether that credential is revoked).
pub fn is_set(encoded: &str, index: u32) -> Result<bool, StatusListError> {
    let bits = decode_list(encoded)?;
    let byte = bits
        .get(index as usize / 8)
        .ok_or(StatusListError::Range { index: index.into(), length: bits.len() as u64 * 8 })?;
    Ok(byte & (0x80 >> (index % 8)) != 0)
}

/// The unsigned `BitstringStatusListCredential` served at `list_url`, for a
/// list of [`STATUS_LIST_LENGTH`] entries with the indexes in `revoked` set,
/// `statusPurpose` "revocation", issued by `issuer` at `issued_at`.
pub fn status_list_credential_json(
    issuer: &Issuer,
    list_url: &str,
    revoked: &[u32],
    issued_at: DateTime<Utc>,
) -> Result<Value, StatusListError> {
    Ok(json!({
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.profile(),
        "validFrom": issued_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked, STATUS_LIST_LENGTH)?,
        },
    }))
}

/// Why a status list credential could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StatusListCredentialError {
    /// The list itself.
    #[error(transparent)]
    List(#[from] StatusListError),
    /// Signing it.
    #[error(transparent)]
    Sign(#[from] SignError),
}

/// [`status_list_credential_json`], signed as a VC-JWT with `key`: what the
/// installation serves at `list_url`.
pub fn status_list_credential(
    key: &IssuerKey,
    issuer: &Issuer,
    list_url: &str,
    revoked: &[u32],
    issued_at: DateTime<Utc>,
) -> Result<String, StatusListCredentialError> {
    let credential = status_list_credential_json(issuer, list_url, revoked, issued_at)?;
    Ok(sign_vc_jwt(key, &credential)?)
}
