//! The sheets crate through its public API: files are written to a temporary directory in
//! the shapes people really produce, then read back. One test binary, as the workspace's
//! build-time habit asks.

mod csv;
mod streaming;
mod support;
mod unusable;
mod writer;
mod xls;
mod xlsx;
