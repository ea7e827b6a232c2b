//! The integration tests: one binary, one module per area.
#![allow(missing_docs, reason = "test binary")]

mod support;

mod build;
mod check;
mod cli;
mod errors;
mod incremental;
mod markdown;
mod output;
mod search;
mod serve;
mod site_content;
