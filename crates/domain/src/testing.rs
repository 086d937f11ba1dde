//! Assertions the tests of several crates share about domain values.

use std::fmt::Debug;

/// Asserts that `read` gives every value of `all` back, each read from one of its
/// spellings (its stored code, its Chinese label …): what every list of codes promises.
pub fn assert_reads_back<T: Copy + PartialEq + Debug>(all: &[T], read: impl Fn(T) -> Option<T>) {
    for &v in all {
        assert_eq!(read(v), Some(v), "{v:?} does not read back");
    }
}

/// Asserts that `read` gives each spelling its expected result: a table of what people
/// type (synonyms, spaces, full-width forms, wrong shapes) and what each must read as, so a
/// parser's test lists its cases instead of repeating one assertion per spelling.
pub fn assert_reads<R: PartialEq + Debug>(read: impl Fn(&str) -> R, cases: &[(&str, R)]) {
    for (text, want) in cases {
        assert_eq!(&read(text), want, "{text:?}");
    }
}
