//! `leerweek-bench`: Leerweek's benchmarks, outside the product. Each prints its figures next
//! to a baseline measured in the same run on the same database, and their ratio (see
//! `docs/BENCHMARKS.md`):
//! - [`rush`]: the enrolment rush over HTTP against a `leerweek serve` child, beside the
//!   database's own ceiling ([`baseline`]);
//! - [`read`]: reading the programme, alone and during a rush, with its staleness;
//! - [`reports`]: every report, and the pages every employee reads ([`pages`]), on a generated
//!   national week and a tenth of it;
//! - [`startup`]: how long `leerweek serve` takes to answer on a national week;
//! - [`import`]: a file of 20,000 people previewed and imported while people enrol;
//! - [`certificates`]: a session's 200 certificates in one ZIP, beside one by one;
//! - [`klussen`]: the Klussenbank's ranking of 100 responses and suggestions among 20,000.
//!
//! [`fixtures`] generates the weeks (also for the fault tests), with SQL on a connection of the
//! bench's own ([`db`]); what is measured goes through the product: its HTTP API, its start-up
//! and the store's public functions.

pub mod allocation;
pub mod baseline;
pub mod certificates;
pub mod cpu;
pub mod db;
pub mod fixtures;
pub mod import;
pub mod klussen;
pub mod pages;
pub mod read;
pub mod reports;
pub mod rush;
pub mod server;
pub mod startup;
