//! The integration tests: one binary, one module per area.
#![allow(missing_docs, reason = "test binary")]

mod support;

mod build;
mod cli;
mod errors;
mod output;
mod site_content;
