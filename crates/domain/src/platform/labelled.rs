//! Closed sets of words both offices use (union kinds, honours, project kinds, working
//! groups, visit modes …), declared one way. Each has a stable English code, stored in the
//! database and used in URLs and the API, and a Chinese label shown to people; spreadsheets
//! and forms may use the label or a common synonym.
//!
//! A set read from union spreadsheets names itself (`Name as "工会类型"`): its `parse`
//! returns a [`LabelError`](crate::union::LabelError) that lists the accepted labels, so
//! the person who typed the cell knows what to type instead. A set without a name returns
//! `Option`, and also accepts its code, because relocation forms submit codes.

/// Declares such a set:
/// `Name { Variant => ("code", "标签", ["同义词", …]), … }` or
/// `Name as "集合名" { … }` for a `parse` that says what was expected.
macro_rules! labelled {
    (
        @set
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal, [$($alias:literal),*]) ),+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the order lists, forms and reports show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code kept in the database and used in URLs and the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese word staff read on screen, in exports and in circulated reports.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Whether already normalised text is the label or one of its synonyms.
            fn names_match(self, text: &str) -> bool {
                let aliases: &[&str] = match self { $($name::$variant => &[$($alias),*]),+ };
                self.label() == text || aliases.contains(&text)
            }
        }

        /// Shown as the Chinese word, because that is what every reader of this software reads.
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
    (
        $(#[$meta:meta])*
        $name:ident as $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal, [$($alias:literal),*]) ),+ $(,)?
        }
    ) => {
        $crate::platform::labelled::labelled!(@set $(#[$meta])* $name {
            $( $(#[$vmeta])* $variant => ($code, $label, [$($alias),*]) ),+
        });

        impl $name {
            /// Reads the Chinese name back — or a short form people commonly type — from a
            /// form or a spreadsheet cell; full-width characters and surrounding spaces are
            /// tolerated.
            pub fn parse(text: &str) -> Result<$name, $crate::union::LabelError> {
                let wanted = $crate::platform::time::normalise_text(text);
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.names_match(&wanted))
                    .ok_or_else(|| {
                        $crate::union::LabelError::new($what, text, &[$($label),+])
                    })
            }
        }

        /// Parsing from a string is `parse`, so generic code (CSV readers, form extractors)
        /// can use it.
        impl std::str::FromStr for $name {
            type Err = $crate::union::LabelError;

            fn from_str(text: &str) -> Result<$name, $crate::union::LabelError> {
                $name::parse(text)
            }
        }
    };
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal, [$($alias:literal),*]) ),+ $(,)?
        }
    ) => {
        $crate::platform::labelled::labelled!(@set $(#[$meta])* $name {
            $( $(#[$vmeta])* $variant => ($code, $label, [$($alias),*]) ),+
        });

        impl $name {
            /// Reads a code, a Chinese label or a usual synonym, as typed in a form or a
            /// spreadsheet (surrounding and full-width spaces tolerated).
            pub fn parse(text: &str) -> Option<$name> {
                let t = $crate::platform::time::normalise_text(text);
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == t || v.names_match(&t))
            }
        }
    };
}

pub(crate) use labelled;

#[cfg(test)]
mod tests {
    use crate::relocation::household::HouseholdKind;
    use crate::relocation::project::{ProjectKind, ProjectStatus, TeamKind};
    use crate::relocation::worklog::{Attitude, VisitMode};
    use crate::union::activity::{ActivityKind, ActivityLevel};
    use crate::union::aid::AidKind;
    use crate::union::coverage::HeadcountBand;
    use crate::union::honour::{HonourKind, HonourLevel};
    use crate::union::organisation::{Engagement, OfficerPost, ReformGap, UnionKind};
    use crate::union::wage::ContractKind;

    /// Checks that every value of each set reads back from its label, and, where `parse`
    /// accepts codes, from its code. `parse` returns `Result` or `Option`; both iterate.
    macro_rules! reads_back {
        ($($set:ident),+ $(,)?) => {$(
            for v in $set::ALL {
                assert_eq!($set::parse(v.label()).into_iter().next(), Some(*v), "{}", v.label());
            }
        )+};
    }

    #[test]
    fn every_label_reads_back() {
        reads_back!(
            ActivityKind,
            ActivityLevel,
            AidKind,
            HeadcountBand,
            HonourKind,
            HonourLevel,
            Engagement,
            OfficerPost,
            ReformGap,
            UnionKind,
            ContractKind,
            HouseholdKind,
            ProjectKind,
            ProjectStatus,
            TeamKind,
            Attitude,
            VisitMode,
        );
    }

    #[test]
    fn relocation_sets_read_their_codes() {
        macro_rules! codes {
            ($($set:ident),+) => {$(
                for v in $set::ALL {
                    assert_eq!($set::parse(v.code()), Some(*v), "{}", v.code());
                }
            )+};
        }
        codes!(
            HouseholdKind,
            ProjectKind,
            ProjectStatus,
            TeamKind,
            Attitude,
            VisitMode
        );
    }
}
