//! Black-box tests of the web application: a real server on a random port with a fresh
//! database on the backend `GROUNDWORK_TEST_DB` names (SQLite by default).

mod api;
mod jobs;
mod notifications;
mod platform;
mod relocation;
mod slow;
mod support;
mod union;
mod yearbook;
