//! Masking of personal data for anything shown publicly: posted lists (公示), the live
//! wall, exports that leave the office. Enough is kept for a person to recognise their
//! own line, not enough for a stranger to learn who someone is.
//!
//! The functions take plain strings because public lists are also built from imported
//! cells that never became a `ResidentId`; they work on characters, never bytes, and
//! never panic, whatever the input.

use super::mobile::Mobile;
use super::resident_id::ResidentId;
use super::time::normalise_text;

/// `张三` → `张*`, `张小三` → `张*三`, `欧阳小明` → `欧*明`, `张` → `*`. Exactly one `*`
/// whatever the length, so the mask does not even reveal how long the name is.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [_] => "*".to_string(),
        [first, _] => format!("{first}*"),
        [first, .., last] => format!("{first}*{last}"),
    }
}

/// `330182199001011234` → `330182********1234`: region and the last four kept, the birth
/// date hidden. Other lengths (damaged or foreign numbers) keep the first three and last
/// two characters if there are more than five, else everything is hidden. The length is
/// kept so that columns line up.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = normalise_text(id).chars().collect();
    match chars.len() {
        18 => keep_ends(&chars, 6, 4),
        n if n > 5 => keep_ends(&chars, 3, 2),
        n => "*".repeat(n),
    }
}

/// `13812345678` → `138****5678`. A number that parses as a mobile is masked in its bare
/// 11-digit form, however it was written; anything else longer than seven characters
/// keeps the first three and last four, and shorter text is hidden entirely.
pub fn mask_mobile(m: &str) -> String {
    if let Ok(mobile) = Mobile::parse(m) {
        let chars: Vec<char> = mobile.as_str().chars().collect();
        return keep_ends(&chars, 3, 4);
    }
    let chars: Vec<char> = normalise_text(m).chars().collect();
    match chars.len() {
        n if n > 7 => keep_ends(&chars, 3, 4),
        n => "*".repeat(n),
    }
}

/// The first `head` and last `tail` characters, `*` in between; callers ensure
/// `head + tail < chars.len()`.
fn keep_ends(chars: &[char], head: usize, tail: usize) -> String {
    let hidden = chars.len().saturating_sub(head + tail);
    let mut out: String = chars.iter().take(head).collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(chars.iter().skip(head + hidden));
    out
}

impl ResidentId {
    /// The ID as shown publicly: `330182********123X`.
    pub fn masked(&self) -> String {
        mask_id(self.as_str())
    }
}

impl Mobile {
    /// The number as shown publicly: `138****5678`.
    pub fn masked(&self) -> String {
        mask_mobile(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::resident_id::check_char;
    use proptest::prelude::*;

    #[test]
    fn names_keep_first_and_last_character() {
        for (text, shown) in [
            ("张三", "张*"),
            ("张小三", "张*三"),
            ("欧阳小明", "欧*明"),
            ("阿卜杜·热合曼", "阿*曼"),
            (" 张 ", "*"),
            ("\u{3000}张三\u{3000}", "张*"),
            ("", ""),
        ] {
            assert_eq!(mask_name(text), shown, "{text}");
        }
    }

    #[test]
    fn ids_hide_the_birth_date() {
        for (text, shown) in [
            ("33018219900101123X", "330182********123X"),
            (" 33018219900101123X ", "330182********123X"),
            ("330182900101123", "330**********23"),
            ("12345", "*****"),
            ("", ""),
        ] {
            assert_eq!(mask_id(text), shown, "{text}");
        }
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn mobiles_hide_the_middle_four() {
        for (text, shown) in [
            ("13812345678", "138****5678"),
            ("+86 138-1234-5678", "138****5678"),
            ("0571-88881234", "057******1234"),
            ("1234567", "*******"),
        ] {
            assert_eq!(mask_mobile(text), shown, "{text}");
        }
        assert_eq!(
            Mobile::parse("13812345678").unwrap().masked(),
            "138****5678"
        );
    }

    fn valid_id() -> impl Strategy<Value = ResidentId> {
        (
            0u32..1_000_000,
            1900i32..2020,
            1u32..=12,
            1u32..=28,
            0u32..1000,
        )
            .prop_map(|(r, y, m, d, s)| {
                let first17 = format!("{r:06}{y:04}{m:02}{d:02}{s:03}");
                let id = format!("{first17}{}", check_char(&first17).unwrap());
                ResidentId::parse(&id).unwrap()
            })
    }

    proptest! {
        #[test]
        fn masked_ids_keep_length_and_hide_the_middle(id in valid_id()) {
            let masked: Vec<char> = id.masked().chars().collect();
            let original: Vec<char> = id.as_str().chars().collect();
            prop_assert_eq!(masked.len(), 18);
            prop_assert_eq!(&masked[..6], &original[..6]);
            prop_assert!(masked[6..14].iter().all(|&c| c == '*'));
            prop_assert_eq!(&masked[14..], &original[14..]);
            prop_assert!(!id.masked().contains(&id.as_str()[6..14]));
        }

        #[test]
        fn masked_mobiles_keep_length_and_hide_the_middle(second in 3u8..=9, rest in 0u64..1_000_000_000) {
            let mobile = Mobile::parse(&format!("1{second}{rest:09}")).unwrap();
            let masked = mobile.masked();
            prop_assert_eq!(masked.chars().count(), 11);
            prop_assert_eq!(&masked[..3], &mobile.as_str()[..3]);
            prop_assert_eq!(&masked[3..7], "****");
            prop_assert_eq!(&masked[7..], &mobile.as_str()[7..]);
        }

        #[test]
        fn masked_names_show_at_most_two_characters(name in "\\PC{0,12}") {
            let masked = mask_name(&name);
            prop_assert!(masked.chars().count() <= 3);
            if !name.trim().is_empty() {
                prop_assert_eq!(masked.chars().nth(1).or(masked.chars().next()), Some('*'));
            }
            let trimmed: Vec<char> = name.trim().chars().collect();
            if trimmed.len() >= 3 {
                // Any middle character that differs from both ends must be gone.
                for c in &trimmed[1..trimmed.len() - 1] {
                    if *c != trimmed[0] && Some(c) != trimmed.last() && *c != '*' {
                        prop_assert!(!masked.contains(*c));
                    }
                }
            }
        }

        #[test]
        fn masking_never_panics_on_any_text(s in any::<String>()) {
            let _ = mask_name(&s);
            let _ = mask_mobile(&s);
            let id = mask_id(&s);
            prop_assert!(id.chars().count() <= s.chars().count());
        }
    }
}
