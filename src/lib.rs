//! The `leerweek` binary's library: settings, start-up, logging and demo data, shared by
//! `src/main.rs` and the end-to-end tests.

pub mod config;
pub mod demo;
pub mod startup;
pub mod telemetry;
