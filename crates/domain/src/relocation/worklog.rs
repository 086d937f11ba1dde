//! The work log (工作日志): every visit and call to a household, how it went and what
//! comes next. The nightly meeting reads it to decide who goes where tomorrow.

use crate::platform::labelled::labelled;

labelled! {
    /// How staff reached the household.
    VisitMode {
        /// 上门走访: at the household's home or premises.
        OnSite => ("on_site", "上门走访", ["上门", "走访", "入户"]),
        /// 赴外省走访: a trip to a household living in another province.
        Trip => ("trip", "赴外省走访", ["赴外省", "外出走访", "异地走访"]),
        /// 电话联系.
        Phone => ("phone", "电话联系", ["电话", "电联"]),
    }
}

labelled! {
    /// The household's attitude as the visitors judged it; three steps are enough for the
    /// nightly meeting to see who needs the policy group next.
    Attitude {
        /// 配合: ready to sign.
        Cooperative => ("cooperative", "配合", ["同意", "支持"]),
        /// 观望: waiting to see what the neighbours get.
        Hesitant => ("hesitant", "观望", ["犹豫"]),
        /// 抵触: refuses; a difficult case.
        Resistant => ("resistant", "抵触", ["反对", "不配合"]),
    }
}

impl Attitude {
    /// Whether a visit with this attitude should flag the household as a difficult case
    /// for the nightly meeting.
    pub fn suggests_difficult(self) -> bool {
        self == Attitude::Resistant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_attitudes_parse() {
        assert_eq!(VisitMode::parse("电话"), Some(VisitMode::Phone));
        assert_eq!(VisitMode::parse("trip"), Some(VisitMode::Trip));
        assert_eq!(Attitude::parse("观望"), Some(Attitude::Hesitant));
        assert!(Attitude::Resistant.suggests_difficult());
        assert!(!Attitude::Hesitant.suggests_difficult());
    }
}
