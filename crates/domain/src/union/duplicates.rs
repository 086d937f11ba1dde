//! Duplicate registrations in the member registry. The same resident ID twice is refused
//! by the registry's key; what slips through is the same person under two IDs (a digit
//! typed wrong, an old 15-digit number converted differently). Such records share the
//! name, the birth date the ID encodes and the mobile: those are the suspects a clerk
//! looks at and, when they are one person, merges.

use crate::platform::{Mobile, ResidentId};

/// What the suspicion compares of one registration.
#[derive(Debug, Clone, Copy)]
pub struct Registration<'a> {
    /// Resident ID (its birth date is compared, not its other digits).
    pub resident_id: &'a ResidentId,
    /// Name as registered.
    pub name: &'a str,
    /// Mobile, if one was given: without one, two records are never suspects.
    pub mobile: Option<&'a Mobile>,
}

/// Why two registrations cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// A record merged into itself.
    #[error("不能把会员与其本人合并")]
    SameRecord,
    /// Records that differ in name, birth date or mobile.
    #[error("两条会员记录的姓名、出生日期和手机号不完全一致，不能合并")]
    NotSuspects,
    /// A merge without a written reason.
    #[error("请填写合并原因")]
    ReasonMissing,
}

/// Whether two different registrations look like one person: same name (spaces
/// ignored), same birth date in the ID, same mobile, different IDs.
pub fn suspected(a: Registration<'_>, b: Registration<'_>) -> bool {
    let name = |s: &str| s.split_whitespace().collect::<String>();
    a.resident_id != b.resident_id
        && name(a.name) == name(b.name)
        && a.resident_id.birth_date() == b.resident_id.birth_date()
        && matches!((a.mobile, b.mobile), (Some(x), Some(y)) if x == y)
}

/// Checks a merge of `merged` into `kept` before anything is written.
pub fn check_merge(
    kept: Registration<'_>,
    merged: Registration<'_>,
    reason: &str,
) -> Result<(), MergeError> {
    if kept.resident_id == merged.resident_id {
        return Err(MergeError::SameRecord);
    }
    if !suspected(kept, merged) {
        return Err(MergeError::NotSuspects);
    }
    if reason.trim().is_empty() {
        return Err(MergeError::ReasonMissing);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ResidentId {
        ResidentId::parse(s).expect("valid id")
    }

    #[test]
    fn same_name_birth_date_and_mobile_under_two_ids_are_suspects() {
        let (a, b) = (id("330182199001010014"), id("330182199001010030"));
        let m = Mobile::parse("13800000001").expect("mobile");
        let other = Mobile::parse("13800000002").expect("mobile");
        let r = |resident_id, name, mobile| Registration {
            resident_id,
            name,
            mobile,
        };
        assert!(suspected(r(&a, "张三", Some(&m)), r(&b, "张 三", Some(&m))));
        assert!(!suspected(r(&a, "张三", Some(&m)), r(&b, "张四", Some(&m))));
        assert!(!suspected(
            r(&a, "张三", Some(&m)),
            r(&b, "张三", Some(&other))
        ));
        assert!(!suspected(r(&a, "张三", None), r(&b, "张三", None)));
        let later = id("33018219900102001X");
        assert!(!suspected(
            r(&a, "张三", Some(&m)),
            r(&later, "张三", Some(&m))
        ));
        assert_eq!(
            check_merge(r(&a, "张三", Some(&m)), r(&a, "张三", Some(&m)), "重复"),
            Err(MergeError::SameRecord)
        );
        assert_eq!(
            check_merge(r(&a, "张三", Some(&m)), r(&b, "张三", Some(&m)), " "),
            Err(MergeError::ReasonMissing)
        );
        assert_eq!(
            check_merge(
                r(&a, "张三", Some(&m)),
                r(&b, "张三", Some(&m)),
                "身份证号录入错误"
            ),
            Ok(())
        );
    }
}
