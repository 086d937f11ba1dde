//! Command-line tests of the union module.
