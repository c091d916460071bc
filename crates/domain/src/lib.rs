//! Leerweek's domain: the types and rules of a development week that several municipalities share.
//!
//! Pure: no IO, no async, no database, no HTTP. Values are parsed at the boundary into the
//! newtypes of [`text`] and [`session`]; the rules are plain functions in [`enrolment`].

pub mod access;
pub mod allocation;
pub mod approval;
pub mod assignment;
pub mod attendance;
pub mod certificate;
pub mod dates;
pub mod enrolment;
pub mod event;
pub mod feedback;
pub mod model;
pub mod people;
pub mod privacy;
pub mod reflection;
pub mod rules;
pub mod session;
pub mod skill;
pub mod sso;
pub mod text;
pub mod validation;
pub mod workshop;

pub use model::*;
pub use validation::{FieldError, Invalid};
