//! The unified social credit code of GB 32100-2015, which identifies every employer,
//! union organisation and enterprise on a site. Parsed once at the edge.
//!
//! Only the alphabet and the check character are verified: the registration-authority
//! and type codes have grown since 2015 and the region part follows abolished districts,
//! so checking them would refuse real organisations.

use super::identifier::{check_last, parsed_text};

use super::time::normalise_text;

/// The 31 characters a code may contain; a character's value is its index. I, O, Z, S
/// and V are left out because they are easily misread as 1, 0, 2, 5 and U.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the first 17 characters (3^i mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A valid 18-character unified social credit code, uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

/// Why a credit code was refused; each message tells the person typing what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// Nothing was entered.
    #[error("统一社会信用代码为空")]
    Empty,
    /// Not 18 characters.
    #[error("统一社会信用代码应为18位，实际为{0}位")]
    Length(usize),
    /// A character outside the code's alphabet.
    #[error("统一社会信用代码中不能出现字符“{0}”（只用数字和除 I、O、S、V、Z 以外的大写字母）")]
    Character(char),
    #[error("统一社会信用代码校验位错误：应为{expected}，实为{found}")]
    /// The check character does not match: a typing error somewhere in the code.
    Checksum {
        /// The check character the other 17 give.
        expected: char,
        /// The one written.
        found: char,
    },
}

fn value_of(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    ALPHABET
        .iter()
        .position(|&a| a == byte)
        .and_then(|i| u32::try_from(i).ok())
}

/// The check character for the first 17 characters, or `None` if `first17` is not 17
/// characters of the code alphabet (uppercase). Public for tests and the demo generator.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value_of(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET.get(check as usize).map(|&b| char::from(b))
}

impl CreditCode {
    /// Reads a code as people type it — surrounding spaces, lowercase, full-width
    /// characters — and checks length, alphabet and check character.
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let text = normalise_text(input).to_ascii_uppercase();
        if text.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        if let Some(bad) = text.chars().find(|&c| value_of(c).is_none()) {
            return Err(CreditCodeError::Character(bad));
        }
        // Only alphabet characters are left, all ASCII.
        if text.len() != 18 {
            return Err(CreditCodeError::Length(text.len()));
        }
        let expected = check_char(&text[..17]).ok_or(CreditCodeError::Length(text.len()))?;
        let checksum = |expected, found| CreditCodeError::Checksum { expected, found };
        check_last(&text, expected, CreditCodeError::Length(17), checksum)?;
        Ok(CreditCode(text))
    }

    /// The 18-character uppercase form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

parsed_text!(CreditCode, CreditCodeError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Codes that check, including the standard's own example (91350100M000100Y43).
    const KNOWN: [&str; 3] = [
        "91350100M000100Y43",
        "91110000600037341L",
        "91110108551385082Q",
    ];

    #[test]
    fn accepts_codes_that_check() {
        for s in KNOWN {
            assert_eq!(
                CreditCode::parse(s).map(|c| c.to_string()),
                Ok(s.to_string())
            );
        }
    }

    #[test]
    fn tolerates_spaces_lowercase_and_full_width() {
        let want = CreditCode::parse("91350100M000100Y43").unwrap();
        for s in [
            " 91350100m000100y43 ",
            "\u{3000}９１３５０１００Ｍ０００１００Ｙ４３",
            "９１３５０１００ｍ０００１００ｙ４３",
        ] {
            assert_eq!(CreditCode::parse(s).as_ref(), Ok(&want), "{s:?}");
        }
    }

    #[test]
    fn refuses_wrong_shapes_with_reasons() {
        assert_eq!(CreditCode::parse("  "), Err(CreditCodeError::Empty));
        assert_eq!(
            CreditCode::parse("91350100M000100Y4"),
            Err(CreditCodeError::Length(17))
        );
        assert_eq!(
            CreditCode::parse("91350100I000100Y43"),
            Err(CreditCodeError::Character('I'))
        );
        assert_eq!(
            CreditCode::parse("913501 00M000100Y43"),
            Err(CreditCodeError::Character(' '))
        );
        assert_eq!(
            CreditCode::parse("公司91350100M000100Y"),
            Err(CreditCodeError::Character('公'))
        );
        let err = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::Checksum {
                expected: '3',
                found: '4'
            }
        );
        assert_eq!(err.to_string(), "统一社会信用代码校验位错误：应为3，实为4");
    }

    #[test]
    fn check_char_refuses_prefixes_outside_the_alphabet() {
        assert_eq!(check_char("91350100M000100Y"), None);
        assert_eq!(check_char("91350100O000100Y4"), None);
        assert_eq!(check_char("91350100M000100Y4"), Some('3'));
    }

    fn first17() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET.to_vec()), 17)
            .prop_map(|bytes| bytes.into_iter().map(char::from).collect())
    }

    proptest! {
        #[test]
        fn any_prefix_with_its_check_char_round_trips(prefix in first17()) {
            let code = format!("{prefix}{}", check_char(&prefix).unwrap());
            prop_assert_eq!(CreditCode::parse(&code).map(|c| c.to_string()), Ok(code.clone()));
            prop_assert_eq!(CreditCode::parse(&code.to_lowercase()).map(|c| c.to_string()), Ok(code));
        }

        #[test]
        fn checksum_catches_any_single_character_change(
            prefix in first17(), position in 0usize..18, replacement in proptest::sample::select(ALPHABET.to_vec()),
        ) {
            let mut code: Vec<u8> = format!("{prefix}{}", check_char(&prefix).unwrap()).into_bytes();
            prop_assume!(code[position] != replacement);
            code[position] = replacement;
            let changed = String::from_utf8(code).unwrap();
            prop_assert!(CreditCode::parse(&changed).is_err(), "{} was accepted", changed);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = CreditCode::parse(&s);
        }
    }
}
