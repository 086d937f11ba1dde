//! Closed sets of words the headquarters uses (project kinds, working groups, household
//! kinds, visit modes, attitudes). Each has a stable English code, stored in the database
//! and used in URLs and the API, and a Chinese label shown to people; spreadsheets may use
//! either, or a common synonym, so parsing accepts all three.

/// Declares such a set: `Name { Variant => ("code", "标签", ["同义词", …]), … }`.
macro_rules! labelled {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal, [$($alias:literal),*]) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the order lists and forms show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code kept in the database and used in URLs and the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese word shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Reads a code, a Chinese label or a usual synonym, as typed in a form or a
            /// spreadsheet (surrounding and full-width spaces tolerated).
            pub fn parse(text: &str) -> Option<$name> {
                let t = $crate::platform::time::normalise_text(text);
                $name::ALL.iter().copied().find(|v| {
                    let aliases: &[&str] = match v { $($name::$variant => &[$($alias),*]),+ };
                    v.code() == t || v.label() == t || aliases.contains(&t.as_str())
                })
            }
        }

        /// Shown as the Chinese word.
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub(crate) use labelled;
