//! The integration tests: one binary, one module per area.
#![allow(missing_docs, reason = "test binary")]

mod support;

mod architecture;
mod bad_input;
mod build;
mod check;
mod cli;
mod errors;
mod incremental;
mod markdown;
mod output;
mod routes;
mod search;
mod serve;
mod site_content;
mod templates;
mod terminal;
mod themes;
mod translations;
