//! Text newtypes that can only hold valid values.

use crate::validation::Invalid;
use serde::Serialize;

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, min = $min:expr, max = $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Longest allowed value, in characters.
            pub const MAX: usize = $max;

            /// Trim and check the length.
            pub fn parse(raw: &str) -> Result<Self, Invalid> {
                let trimmed = raw.trim();
                if $min > 0 && trimmed.is_empty() {
                    return Err(Invalid::Empty);
                }
                if trimmed.chars().count() > $max {
                    return Err(Invalid::TooLong { max: $max });
                }
                if trimmed.chars().any(|c| c == '\0') {
                    return Err(Invalid::NotOneOf { allowed: "printable characters" });
                }
                Ok(Self(trimmed.to_owned()))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The owned text.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// A name of a person, organisation, unit or event: 1–200 characters.
    Name, min = 1, max = 200
);
bounded_text!(
    /// A workshop title: 1–200 characters.
    Title, min = 1, max = 200
);
bounded_text!(
    /// A description: up to 5,000 characters, may be empty.
    Description, min = 0, max = 5000
);
bounded_text!(
    /// A theme such as `kennis` or `vitaliteit`: 1–60 characters, stored lower case.
    Theme, min = 1, max = 60
);
bounded_text!(
    /// The name of a skill ("Schrijven voor inwoners"): 1–100 characters.
    SkillName, min = 1, max = 100
);
bounded_text!(
    /// A short optional text (trainer, venue, room, address): up to 300 characters.
    ShortText, min = 0, max = 300
);

bounded_text!(
    /// The subject of a message to a session's participants: 1–150 characters on one line.
    MessageSubject, min = 1, max = 150
);
bounded_text!(
    /// The text of a message to a session's participants: 1–5,000 characters.
    MessageBody, min = 1, max = 5000
);

impl MessageSubject {
    /// A subject is one line: a line break would end up in a mail header.
    pub fn parse_line(raw: &str) -> Result<Self, Invalid> {
        if raw.chars().any(|c| c.is_control()) {
            return Err(Invalid::NotOneOf { allowed: "one line of text" });
        }
        Self::parse(raw)
    }
}

impl Theme {
    /// Themes compare without regard to case: stored lower case.
    pub fn normalized(raw: &str) -> Result<Self, Invalid> {
        Self::parse(&raw.to_lowercase())
    }
}

/// An e-mail address, stored lower case so that uniqueness is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Longest address (RFC 5321 path limit).
    pub const MAX: usize = 254;

    /// Trim, lower-case and check the shape `local@domain.tld`.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(Invalid::Empty);
        }
        if s.chars().count() > Self::MAX {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(Invalid::NotAnEmail);
        };
        let ok_local = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let ok_domain = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if ok_local && ok_domain { Ok(Self(s)) } else { Err(Invalid::NotAnEmail) }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An online meeting link: `http://` or `https://`, up to 2,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OnlineUrl(String);

impl OnlineUrl {
    /// Check the scheme and length.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Invalid::Empty);
        }
        if s.len() > 2000 {
            return Err(Invalid::TooLong { max: 2000 });
        }
        let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(Self(s.to_owned())),
            _ => Err(Invalid::NotAUrl),
        }
    }

    /// The link.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Enkhuizen ").unwrap().as_str(), "Enkhuizen");
        assert_eq!(Name::parse("   "), Err(Invalid::Empty));
        assert_eq!(Name::parse(&"x".repeat(10_000)), Err(Invalid::TooLong { max: 200 }));
        assert!(Description::parse("").is_ok());
        assert!(MessageSubject::parse_line("Lokaal gewijzigd").is_ok());
        assert!(MessageSubject::parse_line("Bcc: iedereen\r\nX").is_err());
        assert!(MessageSubject::parse_line("  ").is_err());
        assert!(MessageBody::parse(&"x".repeat(5001)).is_err());
        assert!(MessageBody::parse("Neem je laptop mee.\nTot dan!").is_ok());
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(EmailAddress::parse(" Anna@Enkhuizen.NL ").unwrap().as_str(), "anna@enkhuizen.nl");
        for bad in ["", "anna", "anna@", "@x.nl", "anna@nl", "a b@x.nl", "anna@x..nl", "anna@-x.nl"] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn online_urls_need_http() {
        assert!(OnlineUrl::parse("https://teams.example/abc").is_ok());
        assert_eq!(OnlineUrl::parse("javascript:alert(1)"), Err(Invalid::NotAUrl));
    }

    proptest! {
        #[test]
        fn any_accepted_name_is_trimmed_nonempty_and_short(s in "\\PC{0,300}") {
            if let Ok(n) = Name::parse(&s) {
                prop_assert!(!n.as_str().is_empty());
                prop_assert!(n.as_str().chars().count() <= 200);
                prop_assert_eq!(n.as_str(), n.as_str().trim());
            }
        }

        #[test]
        fn email_parse_is_case_insensitive(local in "[a-z]{1,10}", domain in "[a-z]{1,10}") {
            let lower = format!("{local}@{domain}.nl");
            let upper = lower.to_uppercase();
            prop_assert_eq!(EmailAddress::parse(&lower).unwrap(), EmailAddress::parse(&upper).unwrap());
        }
    }
}
