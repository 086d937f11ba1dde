//! The union federation (市总工会): enterprise coverage, the member registry and the rest of part A.
//!
//! Only the rules live here — which union may sit under which, when an enterprise must have a
//! union, how townships are ranked, how an aid application moves — so that the store, the web
//! pages and the reports all apply the same arithmetic. Nothing here reads a file or a database.
//!
//! Most kinds in this module are closed lists that staff know by their Chinese names (劳模,
//! 工人先锋号, 技能竞赛 …). They are Rust enums so a typo cannot become a new kind; each one can
//! be shown with `label()` and read back with `parse()`, which is where spreadsheets and forms
//! enter; all are declared with the one `labelled!` macro in `platform::labelled`.

pub mod activity;
pub mod aid;
pub mod assessment;
pub mod coverage;
pub mod duplicates;
pub mod facility;
pub mod honour;
pub mod organisation;
pub mod organising;
pub mod protection;
pub mod rights;
pub mod township;
pub mod wage;
pub mod welfare;

/// A cell or form field that names none of the values of a closed list. The message lists
/// the accepted names, because the person who typed it needs to know what to type instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法识别的{what}：“{text}”，应为以下之一：{expected}")]
pub struct LabelError {
    /// What was being read, in Chinese (e.g. `工会类型`).
    pub what: &'static str,
    /// The text as it was given.
    pub text: String,
    /// The accepted labels, joined with `、`.
    pub expected: String,
}

impl LabelError {
    /// Builds the error from the list's name, the offending text and the accepted labels.
    pub fn new(what: &'static str, text: &str, labels: &[&str]) -> LabelError {
        LabelError {
            what,
            text: text.trim().to_string(),
            expected: labels.join("、"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::organisation::UnionKind;

    #[test]
    fn unknown_label_lists_what_would_be_accepted() {
        let err = UnionKind::parse(" 总工会 ").unwrap_err();
        assert_eq!(err.text, "总工会");
        let message = err.to_string();
        assert!(message.contains("工会类型"), "{message}");
        assert!(message.contains("市总工会、乡镇总工会"), "{message}");
    }

    #[test]
    fn parse_tolerates_full_width_spaces() {
        assert_eq!(
            UnionKind::parse("\u{3000}企业工会 "),
            Ok(UnionKind::EnterpriseUnion)
        );
        assert_eq!("联合工会".parse::<UnionKind>(), Ok(UnionKind::JointUnion));
    }
}
