//! sea-orm entities, one per table. Rows, not domain types: repositories convert.
#![allow(missing_docs)]

pub mod allocation_run;
pub mod api_token;
pub mod audit;
pub mod browser_session;
pub mod calendar_sequence;
pub mod calendar_token;
pub mod certificate;
pub mod credential_key;
pub mod enrolment;
pub mod esco_concept;
pub mod event;
pub mod event_organisation;
pub mod feedback;
pub mod idempotency_key;
pub mod org_unit;
pub mod organisation;
pub mod outbox;
pub mod person;
pub mod person_role;
pub mod person_skill;
pub mod preference;
pub mod privacy_settings;
pub mod reflection;
pub mod session;
pub mod session_quota;
pub mod setup_code;
pub mod sign_in_token;
pub mod skill;
pub mod skill_assessment;
pub mod sso_identity;
pub mod sso_login;
pub mod sso_provider;
pub mod workshop;
pub mod workshop_audience;
pub mod workshop_skill;
