//! Leerweek's certificates of attendance as Open Badges 3.0 credentials.
//!
//! - [`credential_json`]: the unsigned `OpenBadgeCredential` (1EdTech Open
//!   Badges 3.0, on the W3C VC Data Model 2.0) for one certificate.
//! - [`sign_vc_jwt`] / [`verify_vc_jwt`]: the VC-JWT proof of OB 3.0 §8.2
//!   (compact JWS, `alg` EdDSA with Ed25519, the credential as the payload).
//! - [`status_list_credential`], [`encoded_list`], [`is_set`]: the W3C
//!   Bitstring Status List v1.0 that says which certificates are revoked.
//! - [`IssuerKey`]: the key from a 32-byte seed the installation keeps, and
//!   the public JWK it publishes.
//!
//! Plain data in, JSON values and strings out: no IO, no clock (times are
//! passed in), no randomness.

mod badge;
mod jwt;
mod key;
mod status_list;

pub use badge::{
    ACHIEVEMENT_TYPE, AttendanceAchievement, CredentialError, ESCO_TARGET_TYPE, Issuer, Language, OB_CONTEXT,
    OB_SCHEMA, Skill, StatusEntry, VC_CONTEXT, credential_json, criteria_narrative, subject_id,
};
pub use jwt::{ALGORITHM, SignError, VerifyError, sign_vc_jwt, verify_jws, verify_vc_jwt};
pub use key::{IssuerKey, KeyError, PublicKey};
pub use status_list::{
    STATUS_LIST_LENGTH, StatusListCredentialError, StatusListError, decode_list, encoded_list, is_set,
    status_list_credential, status_list_credential_json,
};
