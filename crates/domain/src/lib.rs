//! The rules of groundwork with no I/O: identifiers, money and area, masking of personal
//! data, the union federation's coverage arithmetic and the expropriation headquarters'
//! compensation, milestone and choosing-order rules, and the yearbook's figure definitions.
//!
//! Everything here is pure: values are parsed once at the edge ("parse, don't validate")
//! and are valid for as long as they live. Storage, HTTP and files live in other crates.

pub mod platform;
pub mod relocation;
pub mod testing;
pub mod union;
pub mod yearbook;
