//! Certificates of attendance: who may have one, their verification codes, and how their study
//! time is counted.

use crate::attendance::Attendance;
use crate::validation::Invalid;

/// The alphabet of verification codes: Crockford's base 32 (no I, L, O, U), so a code read aloud
/// or typed from paper cannot be mistaken.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code (60 bits: guessing one among a million certificates takes 10^12 tries).
pub const CODE_LENGTH: usize = 12;

/// A certificate's verification code: 12 characters of Crockford base 32, shown in groups of
/// four (`K7QF-2M9X-C4TD`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Code(String);

impl Code {
    /// The code of 60 random bits (the low 60 of `random`).
    pub fn from_random(random: u64) -> Self {
        let s = (0..CODE_LENGTH).map(|i| ALPHABET[((random >> (5 * i)) & 31) as usize] as char).collect();
        Self(s)
    }

    /// Parse a code as people type it: any case, with or without dashes and spaces, `O` for
    /// `0` and `I`/`L` for `1` (Crockford's reading rules).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let mut out = String::with_capacity(CODE_LENGTH);
        for c in raw.chars().filter(|c| !matches!(c, '-' | ' ')) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() || out.len() >= CODE_LENGTH {
                return Err(Invalid::NotOneOf { allowed: "certificate codes (12 letters and digits)" });
            }
            out.push(c);
        }
        if out.len() != CODE_LENGTH {
            return Err(Invalid::NotOneOf { allowed: "certificate codes (12 letters and digits)" });
        }
        Ok(Self(out))
    }

    /// The code as stored and in addresses (`K7QF2M9XC4TD`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as printed (`K7QF-2M9X-C4TD`).
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

/// Why a certificate cannot be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// Attendance is not recorded as present.
    #[error("only an attended session gives a certificate")]
    NotAttended,
}

/// A certificate is for a seat whose attendance was recorded as present.
pub fn may_have(attendance: Option<Attendance>) -> Result<(), CertificateError> {
    match attendance {
        Some(Attendance::Present) => Ok(()),
        _ => Err(CertificateError::NotAttended),
    }
}

/// The study time of a session, in whole minutes (never negative).
pub fn minutes(starts_at: chrono::DateTime<chrono::Utc>, ends_at: chrono::DateTime<chrono::Utc>) -> u32 {
    (ends_at - starts_at).num_minutes().clamp(0, i64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_read_the_way_people_type_them() {
        let c = Code::parse("k7qf-2m9x-c4td").unwrap();
        assert_eq!((c.as_str(), c.display().as_str()), ("K7QF2M9XC4TD", "K7QF-2M9X-C4TD"));
        assert_eq!(Code::parse("K7QF 2M9X C4TD").unwrap(), c);
        assert_eq!(Code::parse("O1LI-0000-0000").unwrap().as_str(), "011100000000");
        for bad in ["", "K7QF-2M9X", "K7QF-2M9X-C4TDX", "K7QF-2M9X-C4TU", "K7QF-2M9X-C4T!", "K7QF-2M9X-C4TÖ"] {
            assert!(Code::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_a_present_seat_gives_a_certificate() {
        assert!(may_have(Some(Attendance::Present)).is_ok());
        for a in [None, Some(Attendance::Absent), Some(Attendance::Excused)] {
            assert_eq!(may_have(a), Err(CertificateError::NotAttended));
        }
    }

    proptest! {
        #[test]
        fn every_code_made_parses_back_to_itself(random in any::<u64>()) {
            let c = Code::from_random(random);
            prop_assert_eq!(c.as_str().len(), CODE_LENGTH);
            prop_assert_eq!(Code::parse(&c.display()).unwrap(), c.clone());
            prop_assert_eq!(Code::parse(&c.as_str().to_lowercase()).unwrap(), c);
        }
    }
}
