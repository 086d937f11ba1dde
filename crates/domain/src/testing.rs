//! Assertions the tests of several crates share about domain values.

use std::fmt::Debug;

/// Asserts that `read` gives every value of `all` back, each read from one of its
/// spellings (its stored code, its Chinese label …): what every list of codes promises.
pub fn assert_reads_back<T: Copy + PartialEq + Debug>(all: &[T], read: impl Fn(T) -> Option<T>) {
    for &v in all {
        assert_eq!(read(v), Some(v), "{v:?} does not read back");
    }
}
