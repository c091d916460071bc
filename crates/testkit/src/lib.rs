//! `leerweek-testkit`: what every test harness of Leerweek shares, written once.
//!
//! - [`db::TestDb`]: a database of one's own per test (a SQLite file in a temporary directory, or a
//!   PostgreSQL database created from `LEERWEEK_TEST_POSTGRES_URL`), dropped when the value is
//!   dropped, also after a panic; with [`db::Sql`], a plain SQL handle of its own for assertions.
//! - [`smtp::SmtpSink`]: the one SMTP server of the tests and the bench (aiosmtpd, a real server).
//! - [`net`]: listeners bound before a server starts, and ports held closed; never a port that
//!   is picked, released and hoped to be free.
//! - [`process::ServerProcess`]: a `leerweek serve` child on a port of the kernel's choice.
//! - [`api::Api`]: typed helpers for the API (organisations, people, tokens, weeks, workshops,
//!   sessions, enrolments, problem answers).
//!
//! Used by `tests/api`, `tests/faults`, `tests/limits` and `crates/bench`; never by the product.

pub mod api;
pub mod db;
pub mod net;
pub mod process;
pub mod smtp;

pub use api::{Api, Person};
pub use db::{Backend, Sql, TestDb};
pub use net::{ReservedPort, listener};
pub use process::ServerProcess;
pub use smtp::SmtpSink;
