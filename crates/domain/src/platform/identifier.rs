//! The plumbing every parsed identifier shares (resident ID, credit code, mobile number):
//! shown, serialised and stored as its text, and made from text only through its `parse`,
//! so that a value that exists is valid however it arrived (form, JSON, database row).

/// Gives a `struct Name(String)` whose `parse(&str) -> Result<Name, Error>` checks the text
/// `Display`, `FromStr`, and serde that writes the plain text and reads it back through
/// `parse`.
macro_rules! parsed_text {
    ($name:ident, $error:ty) => {
        /// Shown as the stored text.
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Parsing from a string is `parse`, so generic code (forms, CSV readers) checks it.
        impl std::str::FromStr for $name {
            type Err = $error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }

        /// Serialised as the plain text.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        /// Deserialising goes through `parse`, so the value is valid however it was made.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use parsed_text;

/// Compares the 18th character of an 18-character code with the `expected` check
/// character, giving the identifier's own error: `short` if there is no 18th character,
/// `wrong(expected, found)` if it differs.
pub(crate) fn check_last<E>(
    text: &str,
    expected: char,
    short: E,
    wrong: impl FnOnce(char, char) -> E,
) -> Result<(), E> {
    match text.get(17..).and_then(|rest| rest.chars().next()) {
        None => Err(short),
        Some(found) if found != expected => Err(wrong(expected, found)),
        Some(_) => Ok(()),
    }
}
