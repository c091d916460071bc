//! Single sign-on through an organisation's own OpenID Connect provider (Entra ID, Keycloak,
//! ADFS): the settings an admin gives, and whom a provider's verified answer signs in.

use crate::text::{EmailAddress, Name};
use crate::validation::{FieldError, Invalid};
use uuid::Uuid;

/// The issuer of an OpenID provider: `https://…`, or `http://` on a loopback host only (a
/// provider on the same machine, as in tests). No query or fragment; no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerUrl(String);

impl IssuerUrl {
    /// Longest accepted issuer.
    pub const MAX: usize = 500;

    /// Check scheme, host and shape.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().trim_end_matches('/');
        if s.is_empty() {
            return Err(Invalid::Empty);
        }
        if s.len() > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        let (secure, rest) = match (s.strip_prefix("https://"), s.strip_prefix("http://")) {
            (Some(r), _) => (true, r),
            (None, Some(r)) => (false, r),
            _ => return Err(Invalid::NotAUrl),
        };
        let host = rest.split('/').next().unwrap_or("");
        let bad = host.is_empty()
            || host.contains('@')
            || s.contains(|c: char| c.is_whitespace() || c.is_control() || c == '?' || c == '#');
        if bad {
            return Err(Invalid::NotAUrl);
        }
        if !secure && !is_loopback(host) {
            return Err(Invalid::NotOneOf { allowed: "https:// addresses (http:// only on localhost)" });
        }
        Ok(Self(s.to_owned()))
    }

    /// The issuer.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_loopback(host_port: &str) -> bool {
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// The client id Leerweek has at the provider: 1–255 printable characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    /// Trim and check.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Ok(Self(printable(raw, 255)?))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The client secret: 1–1,000 printable characters. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Trim and check.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Ok(Self(printable(raw, 1000)?))
    }

    /// The secret itself, for the token request and for storage.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret(***)")
    }
}

fn printable(raw: &str, max: usize) -> Result<String, Invalid> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Invalid::Empty);
    }
    if s.chars().count() > max {
        return Err(Invalid::TooLong { max });
    }
    if s.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Invalid::NotOneOf { allowed: "printable characters without spaces" });
    }
    Ok(s.to_owned())
}

/// The e-mail domains a provider may vouch for: 1–20 distinct domains, lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailDomains(Vec<String>);

impl EmailDomains {
    /// Most domains one provider may have.
    pub const MAX: usize = 20;

    /// Parse a list; the error names the offending entry (`allowed_domains[2]`).
    pub fn parse(field: &str, raw: &[String]) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::new(field, Invalid::Required));
        }
        if raw.len() > Self::MAX {
            return Err(FieldError::new(field, Invalid::TooLarge { max: Self::MAX as i64 }));
        }
        let mut out: Vec<String> = Vec::with_capacity(raw.len());
        for (i, d) in raw.iter().enumerate() {
            let at = |p| FieldError::new(format!("{field}[{i}]"), p);
            let d = d.trim().trim_start_matches('@').to_lowercase();
            // A domain is valid exactly when `x@domain` is an address.
            EmailAddress::parse(&format!("x@{d}")).map_err(|_| at(Invalid::NotOneOf { allowed: "domain names" }))?;
            if out.contains(&d) {
                return Err(at(Invalid::Duplicate));
            }
            out.push(d);
        }
        Ok(Self(out))
    }

    /// Domains as stored (trusted input from the database).
    pub fn from_stored(list: &str) -> Self {
        Self(list.split(',').map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned).collect())
    }

    /// For storage: comma separated.
    pub fn to_stored(&self) -> String {
        self.0.join(",")
    }

    /// The domains.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Whether the address is in one of the domains (exactly: no subdomains).
    pub fn allows(&self, email: &EmailAddress) -> bool {
        email.as_str().rsplit_once('@').is_some_and(|(_, d)| self.0.iter().any(|x| x == d))
    }
}

/// What an organisation's provider may do in Leerweek.
#[derive(Debug, Clone)]
pub struct SsoPolicy {
    /// The organisation whose provider it is.
    pub organisation_id: Uuid,
    /// Addresses it may vouch for.
    pub domains: EmailDomains,
    /// Whether a person unknown to Leerweek is created in the organisation on first sign-in.
    pub create_people: bool,
    /// Whether the provider's `email` counts as verified when it sends no `email_verified` (an
    /// admin's choice per provider, off by default: only for a provider that manages the
    /// addresses itself). An explicit `email_verified: false` is refused regardless.
    pub trust_email: bool,
}

/// What the provider said about the person, after the ID token's signature, issuer, audience,
/// expiry and nonce have been verified.
#[derive(Debug, Clone)]
pub struct Asserted {
    /// The provider's stable subject identifier.
    pub subject: String,
    /// The address the provider gives, if any (not yet checked against the domains).
    pub email: Option<String>,
    /// The provider's `email_verified`, when it sends one.
    pub email_verified: Option<bool>,
    /// The display name, if any.
    pub name: Option<String>,
}

/// A person Leerweek knows, as found by subject or by address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    /// The person.
    pub person_id: Uuid,
    /// Their organisation.
    pub organisation_id: Uuid,
    /// Whether an import marked them as gone (they may not sign in).
    pub left: bool,
}

/// Whom the sign-in is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// The subject is already linked to this person.
    Linked(Uuid),
    /// Matched by address: link the subject to this person now.
    Link(Uuid),
    /// Nobody known: create this person in the organisation, linked to the subject.
    Create {
        /// Their address.
        email: EmailAddress,
        /// Their name (the provider's, else the address's local part).
        name: Name,
    },
}

/// Why a provider's answer signs nobody in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInRefused {
    /// The provider gave no usable e-mail address.
    #[error("the sign-in service did not give an e-mail address")]
    NoEmail,
    /// The provider says the address is not verified.
    #[error("the sign-in service has not verified this e-mail address")]
    EmailNotVerified,
    /// The address is outside the domains this provider may vouch for.
    #[error("this organisation's sign-in service may not sign in this e-mail address")]
    DomainNotAllowed,
    /// The person belongs to another organisation.
    #[error("this person belongs to another organisation")]
    OtherOrganisation,
    /// The person is linked to another account at this provider.
    #[error("this person is linked to another account of the sign-in service")]
    SubjectConflict,
    /// Nobody with this address, and the organisation does not create people on sign-in.
    #[error("nobody with this e-mail address is known to Leerweek")]
    Unknown,
    /// The person was marked as gone by an import: they no longer work there.
    #[error("this person no longer works at the organisation")]
    Left,
}

/// Decide whom a verified answer of `policy`'s provider signs in.
///
/// `by_subject` is the person already linked to the answer's subject at this issuer;
/// `by_email` the person with the answer's address, with the subject they are linked to at this
/// issuer, if any. A linked subject wins (addresses change); otherwise the address must be
/// verified (`email_verified: true`, or absent where the policy trusts the provider's address),
/// inside the provider's domains, and of its organisation.
pub fn decide(
    policy: &SsoPolicy,
    asserted: &Asserted,
    by_subject: Option<Known>,
    by_email: Option<(Known, Option<String>)>,
) -> Result<SignIn, SignInRefused> {
    if by_subject.is_some_and(|k| k.left) || by_email.as_ref().is_some_and(|(k, _)| k.left) {
        return Err(SignInRefused::Left);
    }
    if let Some(k) = by_subject {
        return if k.organisation_id == policy.organisation_id {
            Ok(SignIn::Linked(k.person_id))
        } else {
            Err(SignInRefused::OtherOrganisation)
        };
    }
    let email = asserted.email.as_deref().and_then(|e| EmailAddress::parse(e).ok()).ok_or(SignInRefused::NoEmail)?;
    let verified = match asserted.email_verified {
        Some(v) => v,
        None => policy.trust_email,
    };
    if !verified {
        return Err(SignInRefused::EmailNotVerified);
    }
    if !policy.domains.allows(&email) {
        return Err(SignInRefused::DomainNotAllowed);
    }
    match by_email {
        Some((k, _)) if k.organisation_id != policy.organisation_id => Err(SignInRefused::OtherOrganisation),
        Some((_, Some(linked))) if linked != asserted.subject => Err(SignInRefused::SubjectConflict),
        Some((k, _)) => Ok(SignIn::Link(k.person_id)),
        None if policy.create_people => {
            let local = email.as_str().split('@').next().unwrap_or("");
            let name = asserted
                .name
                .as_deref()
                .and_then(|n| Name::parse(n).ok())
                .or_else(|| Name::parse(local).ok())
                .ok_or(SignInRefused::NoEmail)?;
            Ok(SignIn::Create { email, name })
        }
        None => Err(SignInRefused::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);

    fn policy(create: bool) -> SsoPolicy {
        SsoPolicy {
            organisation_id: ORG,
            domains: EmailDomains::parse("d", &["nuenen.nl".into(), "@Dommelvallei.NL".into()]).unwrap(),
            create_people: create,
            trust_email: false,
        }
    }

    fn said(email: &str) -> Asserted {
        Asserted { subject: "sub-1".into(), email: Some(email.into()), email_verified: Some(true), name: None }
    }

    fn known(person: u128, org: Uuid) -> Known {
        Known { person_id: Uuid::from_u128(person), organisation_id: org, left: false }
    }

    #[test]
    fn issuers_need_https_except_on_loopback() {
        assert_eq!(
            IssuerUrl::parse("https://login.microsoftonline.com/abc/v2.0/").unwrap().as_str(),
            "https://login.microsoftonline.com/abc/v2.0"
        );
        assert!(IssuerUrl::parse("http://127.0.0.1:4444").is_ok());
        assert!(IssuerUrl::parse("http://localhost/realms/x").is_ok());
        assert!(IssuerUrl::parse("http://[::1]:8080").is_ok());
        assert!(matches!(IssuerUrl::parse("http://idp.nuenen.nl"), Err(Invalid::NotOneOf { .. })));
        assert!(matches!(IssuerUrl::parse("http://localhost.evil.nl"), Err(Invalid::NotOneOf { .. })));
        for bad in ["ftp://x", "https://", "https://a b", "https://x?y=1", "https://x#f", "https://u@x", "javascript:x"]
        {
            assert!(IssuerUrl::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn domains_are_checked_named_and_compared_exactly() {
        let p = policy(false);
        assert_eq!(p.domains.as_slice(), ["nuenen.nl", "dommelvallei.nl"]);
        assert!(p.domains.allows(&EmailAddress::parse("a@dommelvallei.nl").unwrap()));
        assert!(!p.domains.allows(&EmailAddress::parse("a@sub.nuenen.nl").unwrap()));
        assert!(!p.domains.allows(&EmailAddress::parse("a@nuenen.nl.evil.com").unwrap()));
        let e = EmailDomains::parse("allowed_domains", &["a.nl".into(), "geen domein".into()]).unwrap_err();
        assert_eq!(e.field, "allowed_domains[1]");
        let e = EmailDomains::parse("allowed_domains", &["a.nl".into(), "A.nl".into()]).unwrap_err();
        assert_eq!((e.field.as_str(), e.problem), ("allowed_domains[1]", Invalid::Duplicate));
        assert_eq!(EmailDomains::parse("d", &[]).unwrap_err().problem, Invalid::Required);
        assert_eq!(EmailDomains::from_stored(&p.domains.to_stored()), p.domains);
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let s = ClientSecret::parse("s3cr3t").unwrap();
        assert!(!format!("{s:?}").contains("s3cr3t"));
        assert!(ClientSecret::parse("with space").is_err());
        assert!(ClientId::parse("").is_err());
    }

    #[test]
    fn a_linked_subject_signs_in_even_after_the_address_changed() {
        let mut a = said("nieuw@elders.nl");
        a.email = None;
        assert_eq!(decide(&policy(false), &a, Some(known(7, ORG)), None), Ok(SignIn::Linked(Uuid::from_u128(7))));
        assert_eq!(decide(&policy(false), &a, Some(known(7, OTHER)), None), Err(SignInRefused::OtherOrganisation));
    }

    #[test]
    fn people_who_left_are_refused_however_they_are_found() {
        let gone = Known { left: true, ..known(7, ORG) };
        let a = said("ilse@nuenen.nl");
        assert_eq!(decide(&policy(true), &a, Some(gone), None), Err(SignInRefused::Left));
        assert_eq!(decide(&policy(true), &a, None, Some((gone, None))), Err(SignInRefused::Left));
    }

    #[test]
    fn an_address_match_links_the_subject_once() {
        let p = policy(false);
        let a = said("Ilse@Nuenen.nl");
        assert_eq!(decide(&p, &a, None, Some((known(7, ORG), None))), Ok(SignIn::Link(Uuid::from_u128(7))));
        // Linked to this same subject before but not found by it (cannot happen, harmless): link again.
        assert_eq!(
            decide(&p, &a, None, Some((known(7, ORG), Some("sub-1".into())))),
            Ok(SignIn::Link(Uuid::from_u128(7)))
        );
        assert_eq!(
            decide(&p, &a, None, Some((known(7, ORG), Some("sub-other".into())))),
            Err(SignInRefused::SubjectConflict)
        );
        assert_eq!(decide(&p, &a, None, Some((known(7, OTHER), None))), Err(SignInRefused::OtherOrganisation));
    }

    #[test]
    fn addresses_must_be_present_verified_and_inside_the_domains() {
        let p = policy(true);
        let mut a = said("ilse@nuenen.nl");
        a.email_verified = Some(false);
        assert_eq!(decide(&p, &a, None, None), Err(SignInRefused::EmailNotVerified));
        // Silence is not a yes, unless the admin trusts this provider's addresses.
        a.email_verified = None;
        assert_eq!(decide(&p, &a, None, None), Err(SignInRefused::EmailNotVerified));
        let trusting = SsoPolicy { trust_email: true, ..policy(true) };
        assert!(matches!(decide(&trusting, &a, None, None), Ok(SignIn::Create { .. })));
        a.email_verified = Some(false);
        assert_eq!(decide(&trusting, &a, None, None), Err(SignInRefused::EmailNotVerified));
        // An account already linked signs in by its subject, whatever the address says.
        assert_eq!(decide(&p, &a, Some(known(7, ORG)), None), Ok(SignIn::Linked(Uuid::from_u128(7))));
        assert_eq!(decide(&p, &said("ilse@eindhoven.nl"), None, None), Err(SignInRefused::DomainNotAllowed));
        assert_eq!(decide(&p, &said("geen adres"), None, None), Err(SignInRefused::NoEmail));
        let mut none = said("x");
        none.email = None;
        assert_eq!(decide(&p, &none, None, None), Err(SignInRefused::NoEmail));
    }

    #[test]
    fn unknown_people_are_created_only_when_the_organisation_allows_it() {
        let mut a = said("ilse.de.vries@nuenen.nl");
        assert_eq!(decide(&policy(false), &a, None, None), Err(SignInRefused::Unknown));
        let SignIn::Create { email, name } = decide(&policy(true), &a, None, None).unwrap() else { panic!() };
        assert_eq!((email.as_str(), name.as_str()), ("ilse.de.vries@nuenen.nl", "ilse.de.vries"));
        a.name = Some("Ilse de Vries".into());
        let SignIn::Create { name, .. } = decide(&policy(true), &a, None, None).unwrap() else { panic!() };
        assert_eq!(name.as_str(), "Ilse de Vries");
    }
}
