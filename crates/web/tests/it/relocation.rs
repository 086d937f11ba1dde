//! Tests of the relocation module.
