//! Command-line tests of the relocation module.
