//! Links in mails that act without signing in: "cancel my place" and, for a manager, "approve"
//! or "decline" an enrolment.
//!
//! A link carries what it may do, to which enrolment and until when, signed with the
//! installation's `mail_links` key (HMAC-SHA256, cut to 128 bits): nothing is stored when a
//! mail is written, so a rush of enrolments queues its mails as fast as before, and every
//! server process on the database checks a link with the same key. A link acts once: its
//! action moves the enrolment out of the state the action needs (a cancelled enrolment cannot
//! be cancelled again, a decided approval not decided again), and a new enrolment of the same
//! person is a new row with an id of its own, which no older link names.

use crate::{Result, Store, StoreError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sha2::Sha256;
use uuid::Uuid;

/// What a link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkAction {
    /// The person gives up their place (seat or waiting-list place).
    Cancel,
    /// The manager approves an enrolment that waits for approval.
    Approve,
    /// The manager declines it.
    Decline,
    /// The candidate's manager consents to a selection for a klus.
    ConsentApprove,
    /// The manager does not consent.
    ConsentDecline,
}

impl LinkAction {
    fn letter(self) -> char {
        match self {
            LinkAction::Cancel => 'c',
            LinkAction::Approve => 'a',
            LinkAction::Decline => 'd',
            LinkAction::ConsentApprove => 'y',
            LinkAction::ConsentDecline => 'n',
        }
    }

    fn from_letter(c: &str) -> Option<Self> {
        match c {
            "c" => Some(LinkAction::Cancel),
            "a" => Some(LinkAction::Approve),
            "d" => Some(LinkAction::Decline),
            "y" => Some(LinkAction::ConsentApprove),
            "n" => Some(LinkAction::ConsentDecline),
            _ => None,
        }
    }
}

/// A link's content, once its signature checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedLink {
    /// What it does.
    pub action: LinkAction,
    /// To which enrolment (cancel, approve, decline) or selection for a klus (consent).
    pub subject: Uuid,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
    /// For whom it was made, when that matters (the manager an approval link was mailed to).
    pub by: Option<Uuid>,
}

/// Why a link does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// Not a link this installation made (mistyped, cut off, or forged).
    Invalid,
    /// Genuine, but its time ran out (the cancellation deadline, or the approval's deadline).
    Expired(SignedLink),
}

/// Signs and checks links with the installation's key. Cheap to clone.
#[derive(Clone)]
pub struct LinkSigner {
    /// The HMAC keyed once; each signature starts from a copy.
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(***)")
    }
}

/// The longest token [`LinkSigner::check`] looks at; anything longer is not ours.
const MAX_TOKEN: usize = 140;

impl LinkSigner {
    /// A signer with this key (tests and the mail snapshots use a fixed one).
    pub fn with_key(key: &[u8]) -> Self {
        // HMAC takes keys of any length (a long one is hashed first): the fallback never runs.
        let keyed = Hmac::<Sha256>::new_from_slice(key)
            .unwrap_or_else(|_| <Hmac<Sha256> as hmac::digest::KeyInit>::new(&Default::default()));
        Self { keyed }
    }

    fn mac(&self, body: &str) -> Hmac<Sha256> {
        let mut mac = self.keyed.clone();
        mac.update(b"leerweek mail link v1\n");
        mac.update(body.as_bytes());
        mac
    }

    /// The token of a link: `{action}.{enrolment}.{expiry, unix seconds}.{signature}`, URL-safe.
    pub fn sign(&self, action: LinkAction, enrolment_id: Uuid, expires_at: DateTime<Utc>) -> String {
        self.signed(format!("{}.{}.{}", action.letter(), enrolment_id.simple(), expires_at.timestamp()))
    }

    /// The token of a link made for one person (`by`): `{action}.{enrolment}.{expiry}.{by}.{signature}`.
    pub fn sign_for(&self, action: LinkAction, enrolment_id: Uuid, by: Uuid, expires_at: DateTime<Utc>) -> String {
        self.signed(format!("{}.{}.{}.{}", action.letter(), enrolment_id.simple(), expires_at.timestamp(), by.simple()))
    }

    fn signed(&self, body: String) -> String {
        let tag = self.mac(&body).finalize().into_bytes();
        format!("{body}.{}", URL_SAFE_NO_PAD.encode(&tag[..16]))
    }

    /// What a token says, if this installation signed it and its time has not run out.
    pub fn check(&self, token: &str, now: DateTime<Utc>) -> std::result::Result<SignedLink, LinkError> {
        if token.len() > MAX_TOKEN {
            return Err(LinkError::Invalid);
        }
        let (body, tag) = token.rsplit_once('.').ok_or(LinkError::Invalid)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| LinkError::Invalid)?;
        if tag.len() != 16 {
            return Err(LinkError::Invalid);
        }
        self.mac(body).verify_truncated_left(&tag).map_err(|_| LinkError::Invalid)?;
        let mut parts = body.split('.');
        let (Some(action), Some(id), Some(expires), by, None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkError::Invalid);
        };
        let by = by.map(Uuid::try_parse).transpose().map_err(|_| LinkError::Invalid)?;
        let action = LinkAction::from_letter(action).ok_or(LinkError::Invalid)?;
        let enrolment_id = Uuid::try_parse(id).map_err(|_| LinkError::Invalid)?;
        let expires_at =
            expires.parse::<i64>().ok().and_then(|s| DateTime::from_timestamp(s, 0)).ok_or(LinkError::Invalid)?;
        let link = SignedLink { action, subject: enrolment_id, expires_at, by };
        if now >= expires_at {
            return Err(LinkError::Expired(link));
        }
        Ok(link)
    }
}

/// The installation's link signer: its key is read once per process, and made by whichever
/// process needs it first (two at once agree: the second insert does nothing and both read
/// the row that won).
pub async fn signer(store: &Store) -> Result<LinkSigner> {
    store
        .link_signer
        .get_or_try_init(|| async {
            let c = store.conn();
            let backend = c.get_database_backend();
            let fresh = crate::auth::secret("");
            let insert = match backend {
                DbBackend::Postgres => {
                    "INSERT INTO installation_keys (purpose, secret, created_at) VALUES ('mail_links', $1, $2) \
                     ON CONFLICT (purpose) DO NOTHING"
                }
                _ => {
                    "INSERT INTO installation_keys (purpose, secret, created_at) VALUES ('mail_links', ?, ?) \
                     ON CONFLICT (purpose) DO NOTHING"
                }
            };
            c.execute_raw(Statement::from_sql_and_values(backend, insert, [fresh.into(), Utc::now().into()])).await?;
            let row = c
                .query_one_raw(Statement::from_string(
                    backend,
                    "SELECT secret FROM installation_keys WHERE purpose = 'mail_links'",
                ))
                .await?
                .ok_or(StoreError::NotFound("installation key"))?;
            let secret: String = row.try_get("", "secret")?;
            let key = URL_SAFE_NO_PAD
                .decode(secret)
                .map_err(|e| StoreError::Config(format!("the mail_links key is not base64url: {e}")))?;
            Ok(LinkSigner::with_key(&key))
        })
        .await
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn signer() -> LinkSigner {
        LinkSigner::with_key(b"0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn a_signed_link_says_what_it_was_signed_with_until_it_expires() {
        let now = Utc::now();
        let until = DateTime::from_timestamp(now.timestamp() + 3600, 0).unwrap();
        let id = Uuid::now_v7();
        for action in [
            LinkAction::Cancel,
            LinkAction::Approve,
            LinkAction::Decline,
            LinkAction::ConsentApprove,
            LinkAction::ConsentDecline,
        ] {
            let token = signer().sign(action, id, until);
            assert!(token.len() < MAX_TOKEN, "{token}");
            assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "URL-safe: {token}");
            let link = SignedLink { action, subject: id, expires_at: until, by: None };
            assert_eq!(signer().check(&token, now), Ok(link));
            assert_eq!(signer().check(&token, until), Err(LinkError::Expired(link)));
            assert_eq!(signer().check(&token, until + Duration::days(1)), Err(LinkError::Expired(link)));
            let manager = Uuid::now_v7();
            let token = signer().sign_for(action, id, manager, until);
            assert!(token.len() < MAX_TOKEN, "{token}");
            assert_eq!(signer().check(&token, now), Ok(SignedLink { by: Some(manager), ..link }));
        }
    }

    #[test]
    fn a_changed_forged_or_foreign_link_is_refused() {
        let now = Utc::now();
        let until = now + Duration::hours(1);
        let id = Uuid::now_v7();
        let token = signer().sign(LinkAction::Cancel, id, until);
        // Another installation's key.
        assert_eq!(LinkSigner::with_key(b"another key").check(&token, now), Err(LinkError::Invalid));
        // Another action, enrolment or expiry under the same signature.
        let (body, tag) = token.rsplit_once('.').unwrap();
        let approve = body.replacen("c.", "a.", 1);
        assert_eq!(signer().check(&format!("{approve}.{tag}"), now), Err(LinkError::Invalid));
        let other = body.replace(&id.simple().to_string(), &Uuid::now_v7().simple().to_string());
        assert_eq!(signer().check(&format!("{other}.{tag}"), now), Err(LinkError::Invalid));
        let later = body.replace(&until.timestamp().to_string(), &(until.timestamp() + 86400).to_string());
        assert_eq!(signer().check(&format!("{later}.{tag}"), now), Err(LinkError::Invalid));
        // Someone else's name put into a manager's link.
        let manager = signer().sign_for(LinkAction::Approve, id, Uuid::now_v7(), until);
        let (body, tag) = manager.rsplit_once('.').unwrap();
        let (head, _) = body.rsplit_once('.').unwrap();
        let other = format!("{head}.{}.{tag}", Uuid::now_v7().simple());
        assert_eq!(signer().check(&other, now), Err(LinkError::Invalid));
        // Cut off, empty, too long, not base64.
        for bad in ["", ".", &token[..token.len() - 1], &format!("{token}{}", "A".repeat(100)), "c.x.1.!!!!"] {
            assert_eq!(signer().check(bad, now), Err(LinkError::Invalid), "{bad:?}");
        }
    }
}
