//! Black-box tests of the `groundwork` command line, on the backend `GROUNDWORK_TEST_DB`
//! names (SQLite by default).

mod activities;
mod aid;
mod audit;
mod bombs;
mod notify;
mod platform;
mod relocation;
mod rights;
mod shutdown;
mod support;
mod union;
mod yearbook;
