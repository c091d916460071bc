//! Rules about a value in relation to others: a week's organisations, a workshop's audience, a
//! session's place and quotas. Each either accepts, finds a bad value ([`FieldError`]) or finds a
//! reference to something that is not there (an organisation that does not take part).

use crate::model::{AudienceKind, WorkshopFormat};
use crate::session::Location;
use crate::text::OnlineUrl;
use crate::validation::{FieldError, Invalid};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Why a rule of this module refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A value broke a field rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// An id in the request (this field) names nothing the rule can accept.
    #[error("{field} refers to nothing")]
    UnknownReference {
        /// The request field holding the id.
        field: String,
    },
}

/// A week's list of organisations: at least one, none twice.
pub fn check_organisation_list(ids: &[Uuid], field: &str) -> Result<(), FieldError> {
    if ids.is_empty() {
        return Err(FieldError::new(field, Invalid::Required));
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(FieldError::new(format!("{field}[{i}]"), Invalid::Duplicate));
        }
    }
    Ok(())
}

/// A workshop's audience: a listed audience lists at least one organisation, each taking part
/// in the week, none twice.
pub fn check_audience(kind: AudienceKind, listed: &[Uuid], participating: &[Uuid]) -> Result<(), RuleError> {
    if kind == AudienceKind::Listed && listed.is_empty() {
        return Err(FieldError::new("audience_organisation_ids", Invalid::Required).into());
    }
    for (i, o) in listed.iter().enumerate() {
        if !participating.contains(o) {
            return Err(RuleError::UnknownReference { field: format!("audience_organisation_ids[{i}]") });
        }
        if listed[..i].contains(o) {
            return Err(FieldError::new(format!("audience_organisation_ids[{i}]"), Invalid::Duplicate).into());
        }
    }
    Ok(())
}

/// Where a session of a workshop in this format takes place: on site and hybrid need a venue,
/// online and hybrid a link.
pub fn check_where(
    format: WorkshopFormat,
    location: &Location,
    online_url: Option<&OnlineUrl>,
) -> Result<(), FieldError> {
    let has_venue = location.venue.as_ref().is_some_and(|v| !v.as_str().is_empty());
    match format {
        WorkshopFormat::OnSite | WorkshopFormat::Hybrid if !has_venue => {
            Err(FieldError::new("location.venue", Invalid::Required))
        }
        WorkshopFormat::Online | WorkshopFormat::Hybrid if online_url.is_none() => {
            Err(FieldError::new("online_url", Invalid::Required))
        }
        _ => Ok(()),
    }
}

/// A session's quotas (organisation, seats, release) keep seats only for organisations that take
/// part in the week.
pub fn check_quota_organisations(
    quotas: &[(Uuid, i64, DateTime<Utc>)],
    participating: &[Uuid],
) -> Result<(), RuleError> {
    for (i, (org, _, _)) in quotas.iter().enumerate() {
        if !participating.contains(org) {
            return Err(RuleError::UnknownReference { field: format!("quotas[{i}].organisation_id") });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::ShortText;

    const A: Uuid = Uuid::from_u128(1);
    const B: Uuid = Uuid::from_u128(2);
    const C: Uuid = Uuid::from_u128(3);

    #[test]
    fn a_week_needs_organisations_each_once() {
        assert_eq!(
            check_organisation_list(&[], "organisation_ids"),
            Err(FieldError::new("organisation_ids", Invalid::Required))
        );
        assert_eq!(
            check_organisation_list(&[A, B, A], "organisation_ids"),
            Err(FieldError::new("organisation_ids[2]", Invalid::Duplicate))
        );
        assert_eq!(check_organisation_list(&[A, B], "organisation_ids"), Ok(()));
    }

    #[test]
    fn a_listed_audience_names_participants_once() {
        assert!(matches!(check_audience(AudienceKind::Listed, &[], &[A]), Err(RuleError::Invalid(_))));
        assert_eq!(
            check_audience(AudienceKind::Listed, &[A, C], &[A, B]),
            Err(RuleError::UnknownReference { field: "audience_organisation_ids[1]".into() })
        );
        assert!(matches!(check_audience(AudienceKind::Listed, &[A, A], &[A]), Err(RuleError::Invalid(_))));
        assert_eq!(check_audience(AudienceKind::All, &[], &[A]), Ok(()));
        assert_eq!(check_audience(AudienceKind::Listed, &[B], &[A, B]), Ok(()));
    }

    #[test]
    fn the_format_decides_what_a_session_needs() {
        let nowhere = Location::default();
        let venue = Location { venue: Some(ShortText::parse("Stadhuis").unwrap()), ..Location::default() };
        let url = OnlineUrl::parse("https://meet.example/x").unwrap();
        assert_eq!(check_where(WorkshopFormat::OnSite, &nowhere, None).unwrap_err().field, "location.venue");
        assert_eq!(check_where(WorkshopFormat::Online, &nowhere, None).unwrap_err().field, "online_url");
        assert_eq!(check_where(WorkshopFormat::Hybrid, &venue, None).unwrap_err().field, "online_url");
        assert_eq!(check_where(WorkshopFormat::Hybrid, &venue, Some(&url)), Ok(()));
        assert_eq!(check_where(WorkshopFormat::Online, &nowhere, Some(&url)), Ok(()));
    }

    #[test]
    fn quotas_are_for_participants() {
        let at = Utc::now();
        assert_eq!(check_quota_organisations(&[(A, 2, at)], &[A]), Ok(()));
        assert_eq!(
            check_quota_organisations(&[(A, 2, at), (C, 1, at)], &[A, B]),
            Err(RuleError::UnknownReference { field: "quotas[1].organisation_id".into() })
        );
    }
}
