//! Mainland China mobile numbers, the channel notices and text messages go out on.
//! Parsed once at the edge into the bare 11 digits, so that the same phone typed as
//! `+86 138-1234-5678` and `13812345678` is recognised as one.

use super::identifier::parsed_text;

use super::time::half_width;

/// A mainland mobile number: 11 digits, `1` then `3`–`9`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mobile(String);

/// Why a mobile number was refused; each message tells the person typing what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MobileError {
    /// Nothing was entered.
    #[error("手机号为空")]
    Empty,
    /// Letters or other signs besides the allowed separators.
    #[error("手机号只能包含数字（可带 +86 前缀、空格或短横线）")]
    Characters,
    /// Not 11 digits.
    #[error("手机号应为11位，实际为{0}位")]
    Length(usize),
    /// Usually a landline or a mistyped first digits.
    #[error("手机号应以 13–19 开头，实为{0}")]
    Prefix(String),
}

/// Separators people put inside a phone number; they carry no meaning.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '‐' | '–' | '—')
}

impl Mobile {
    /// Reads a number as people type it: spaces and dashes anywhere, full-width digits,
    /// and a `+86`, `0086` or `86` country prefix.
    pub fn parse(input: &str) -> Result<Mobile, MobileError> {
        let text: String = input
            .chars()
            .map(half_width)
            .filter(|&c| !is_separator(c))
            .collect();
        if text.is_empty() {
            return Err(MobileError::Empty);
        }
        let digits = text
            .strip_prefix("+86")
            .or_else(|| text.strip_prefix("0086"))
            // A bare `86` is a prefix only when what follows is a full number.
            .or_else(|| text.strip_prefix("86").filter(|rest| rest.len() == 11))
            .unwrap_or(&text);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MobileError::Characters);
        }
        if digits.len() != 11 {
            return Err(MobileError::Length(digits.len()));
        }
        let bytes = digits.as_bytes();
        if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
            return Err(MobileError::Prefix(digits[..2].to_string()));
        }
        Ok(Mobile(digits.to_string()))
    }

    /// The bare 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

parsed_text!(Mobile, MobileError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_country_prefix_separators_and_full_width() {
        for s in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+86-13812345678",
            "008613812345678",
            "8613812345678",
            "１３８１２３４５６７８",
            "＋８６　１３８１２３４５６７８",
        ] {
            assert_eq!(
                Mobile::parse(s).map(|m| m.to_string()),
                Ok("13812345678".to_string()),
                "{s:?}"
            );
        }
    }

    #[test]
    fn refuses_wrong_shapes_with_reasons() {
        assert_eq!(Mobile::parse(" - "), Err(MobileError::Empty));
        assert_eq!(Mobile::parse("1381234567"), Err(MobileError::Length(10)));
        assert_eq!(Mobile::parse("138123456789"), Err(MobileError::Length(12)));
        assert_eq!(Mobile::parse("138l2345678"), Err(MobileError::Characters));
        assert_eq!(Mobile::parse("(0571)8888123"), Err(MobileError::Characters));
        assert_eq!(
            Mobile::parse("12812345678"),
            Err(MobileError::Prefix("12".into()))
        );
        assert_eq!(
            Mobile::parse("05718888123"),
            Err(MobileError::Prefix("05".into()))
        );
        assert_eq!(
            Mobile::parse("+8605718888123"),
            Err(MobileError::Prefix("05".into()))
        );
    }

    #[test]
    fn a_number_starting_with_86_is_not_mistaken_for_a_prefix() {
        // 11 digits that happen to begin with 86 are refused for their prefix, not shortened.
        assert_eq!(
            Mobile::parse("86123456789"),
            Err(MobileError::Prefix("86".into()))
        );
    }

    fn plain() -> impl Strategy<Value = String> {
        (3u8..=9, 0u64..1_000_000_000).prop_map(|(second, rest)| format!("1{second}{rest:09}"))
    }

    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    char::from_u32(c as u32 + 0xFEE0).unwrap()
                } else {
                    c
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn formatted_variants_parse_to_the_plain_number(number in plain(), variant in 0usize..7) {
            let (a, b, c) = (&number[..3], &number[3..7], &number[7..]);
            let written = match variant {
                0 => format!("{a} {b} {c}"),
                1 => format!("{a}-{b}-{c}"),
                2 => format!("+86 {number}"),
                3 => format!("0086{number}"),
                4 => format!("86{number}"),
                5 => full_width(&number),
                _ => format!("\u{3000}+86-{a}-{b}-{c} "),
            };
            prop_assert_eq!(Mobile::parse(&written).map(|m| m.to_string()), Ok(number));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Mobile::parse(&s);
        }
    }
}
