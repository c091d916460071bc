//! The installation's Ed25519 signing key and its public JWK (RFC 8037).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// Why a public key could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The JWK is not `{"kty":"OKP","crv":"Ed25519","x":…}`.
    #[error("not an Ed25519 OKP JWK: {0}")]
    NotEd25519(&'static str),
    /// The JWK carries a private part (`d`); a public key must never have one.
    #[error("the JWK holds a private key (\"d\"); refusing it as a public key")]
    PrivatePart,
    /// `x` is not 32 bytes of base64url, or not a valid curve point.
    #[error("the key bytes are not a valid Ed25519 public key")]
    InvalidKey,
}

/// The issuer's signing key: Ed25519, made from a 32-byte seed that the
/// installation keeps (the crate neither generates nor stores keys).
///
/// The JWS `kid` defaults to the key's RFC 9278 JWK thumbprint URI; set a URL
/// that serves [`IssuerKey::public_jwk`] with [`IssuerKey::with_key_url`], as
/// Open Badges 3.0 §8.2 wants a `kid` that can be dereferenced to the JWK.
#[derive(Clone)]
pub struct IssuerKey {
    signing: SigningKey,
    kid: String,
}

impl IssuerKey {
    /// The key whose RFC 8032 private seed is `seed`.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        let public = PublicKey(signing.verifying_key());
        let kid = format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{}", public.thumbprint());
        Self { signing, kid }
    }

    /// The same key, announced in signatures (`kid`) as `url`: the address at
    /// which the installation serves [`IssuerKey::public_jwk`].
    pub fn with_key_url(mut self, url: impl Into<String>) -> Self {
        self.kid = url.into();
        self
    }

    /// The `kid` put in the JOSE header of everything this key signs.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: a
    /// stable name for the key, e.g. for the last segment of its URL.
    pub fn thumbprint(&self) -> String {
        self.public_key().thumbprint()
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    /// The public key as a JWK to publish: `kty`, `crv`, `x`, and `kid`,
    /// `alg` and `use` so that a verifier can match it to a signature. It has
    /// no `d`.
    pub fn public_jwk(&self) -> Value {
        let mut jwk = self.public_key().to_jwk();
        let object = jwk.as_object_mut().expect("to_jwk builds an object");
        object.insert("kid".into(), Value::String(self.kid.clone()));
        object.insert("alg".into(), Value::String("EdDSA".into()));
        object.insert("use".into(), Value::String("sig".into()));
        jwk
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

impl std::fmt::Debug for IssuerKey {
    // Never print the seed, not even in a panic message or a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerKey")
            .field("kid", &self.kid)
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// An Ed25519 public key to verify signatures with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(pub(crate) VerifyingKey);

impl PublicKey {
    /// The key from its 32 raw bytes; fails on bytes that are not a point on
    /// the curve.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, KeyError> {
        VerifyingKey::from_bytes(&bytes).map(Self).map_err(|_| KeyError::InvalidKey)
    }

    /// The key from an RFC 8037 JWK (`kty` "OKP", `crv` "Ed25519", `x`).
    /// Other members (`kid`, `alg`, `use`) are ignored; a JWK with a private
    /// part `d` is refused.
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        if jwk.get("kty").and_then(Value::as_str) != Some("OKP") {
            return Err(KeyError::NotEd25519("kty is not \"OKP\""));
        }
        if jwk.get("crv").and_then(Value::as_str) != Some("Ed25519") {
            return Err(KeyError::NotEd25519("crv is not \"Ed25519\""));
        }
        if jwk.get("d").is_some() {
            return Err(KeyError::PrivatePart);
        }
        let x = jwk.get("x").and_then(Value::as_str).ok_or(KeyError::NotEd25519("no \"x\""))?;
        let bytes: [u8; 32] =
            URL_SAFE_NO_PAD.decode(x).ok().and_then(|b| b.try_into().ok()).ok_or(KeyError::InvalidKey)?;
        Self::from_bytes(bytes)
    }

    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key as a bare JWK: `{"kty":"OKP","crv":"Ed25519","x":…}`.
    pub fn to_jwk(&self) -> Value {
        json!({ "kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(self.0.as_bytes()) })
    }

    /// The RFC 7638 thumbprint: base64url(SHA-256) of the required members in
    /// lexicographic order without whitespace (RFC 8037 §2: `crv`, `kty`, `x`).
    pub fn thumbprint(&self) -> String {
        let canonical =
            format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, URL_SAFE_NO_PAD.encode(self.0.as_bytes()));
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", URL_SAFE_NO_PAD.encode(self.0.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 8037 Appendix A.1/A.3: the seed, the public x and the thumbprint.
    const RFC8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    const RFC8037_THUMBPRINT: &str = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    fn rfc_key() -> IssuerKey {
        let seed: [u8; 32] = URL_SAFE_NO_PAD.decode(RFC8037_D).unwrap().try_into().unwrap();
        IssuerKey::from_seed(seed)
    }

    #[test]
    fn the_rfc_8037_seed_gives_its_public_key_and_thumbprint() {
        let key = rfc_key();
        assert_eq!(key.public_key().to_jwk()["x"], RFC8037_X);
        assert_eq!(key.thumbprint(), RFC8037_THUMBPRINT);
        assert_eq!(key.kid(), format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{RFC8037_THUMBPRINT}"));
    }

    #[test]
    fn the_published_jwk_reads_back_and_has_no_private_part() {
        let key = rfc_key().with_key_url("https://leerweek.example.nl/api/v1/issuer/keys/1");
        let jwk = key.public_jwk();
        assert!(jwk.get("d").is_none());
        assert_eq!(jwk["kid"], "https://leerweek.example.nl/api/v1/issuer/keys/1");
        assert_eq!(PublicKey::from_jwk(&jwk).unwrap(), key.public_key());
        assert!(!format!("{key:?}").contains(RFC8037_D));
    }

    #[test]
    fn jwks_that_are_not_public_ed25519_keys_are_refused() {
        let mut private = rfc_key().public_jwk();
        private["d"] = Value::String(RFC8037_D.into());
        assert_eq!(PublicKey::from_jwk(&private), Err(KeyError::PrivatePart));
        let mut wrong_curve = rfc_key().public_jwk();
        wrong_curve["crv"] = Value::String("X25519".into());
        assert!(matches!(PublicKey::from_jwk(&wrong_curve), Err(KeyError::NotEd25519(_))));
        let short = json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"});
        assert_eq!(PublicKey::from_jwk(&short), Err(KeyError::InvalidKey));
    }
}
