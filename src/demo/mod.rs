//! Demo data that tells the story users know: the "Meester in je Werk-week" in the third week of
//! November, shared by the SED municipalities, Dommelvallei and Krimpen aan den IJssel.
//!
//! [`plan`] is pure and deterministic (a fixed seed, no clock but the `now` it is given); [`seed`]
//! writes a plan through the store's repositories, the same paths the API uses.

mod data;
mod klussen;
mod plan;
mod seed;

pub use plan::*;
pub use seed::{State, event_id, fresh_tokens, seed, state};
