//! End-to-end tests of the HTTP API through the real router on a random port, each scenario on
//! SQLite and on PostgreSQL. One integration-test binary; helpers live in `harness`.

mod harness;
mod smtp;

mod addresses;
mod approval;
mod assignments;
mod attendance;
mod bad_input;
mod calendar_text;
mod cancellation;
mod certificates;
mod concurrency;
mod console;
mod erasure;
mod governance;
mod import;
mod logs;
mod lottery;
mod mail;
mod mail_links;
mod matrix;
mod may;
mod portfolio;
mod privacy;
mod programme;
mod properties;
mod proxies;
mod reports;
mod rules;
mod self_service;
mod sign_in;
mod skills;
mod sso;
mod sso_console;
