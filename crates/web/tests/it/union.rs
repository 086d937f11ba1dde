//! Tests of the union module.
