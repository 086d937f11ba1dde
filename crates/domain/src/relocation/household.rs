//! A household to be expropriated (被征收户): residential or an enterprise, identified by
//! the head's resident ID or the enterprise's credit code, living in town or elsewhere.

use crate::platform::labelled::labelled;
use crate::platform::masking::{mask_id, mask_name};
use crate::platform::time::normalise_text;
use crate::platform::{CreditCode, CreditCodeError, ResidentId, ResidentIdError};
use serde::{Deserialize, Serialize};
use std::fmt;

labelled! {
    /// Residential households are headed by a person; enterprises by the enterprise
    /// itself, identified by its unified social credit code.
    HouseholdKind {
        /// 住户.
        Residential => ("residential", "住户", ["居民", "个人", "农户", "住宅", "居民户"]),
        /// 企业.
        Enterprise => ("enterprise", "企业", ["单位", "公司", "企业户"]),
    }
}

/// Who the household is: a person's resident ID or an enterprise's credit code. One
/// spreadsheet column holds either, so which one is read depends on the household kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeadId {
    /// The head of a residential household.
    Person(ResidentId),
    /// An enterprise.
    Enterprise(CreditCode),
}

/// Why the head's identifier was refused; the message names which kind was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeadIdError {
    /// A person's ID that does not parse.
    #[error("户主身份证号有误：{0}")]
    Person(ResidentIdError),
    /// An enterprise's credit code that does not parse.
    #[error("企业统一社会信用代码有误：{0}")]
    Enterprise(CreditCodeError),
}

impl HeadId {
    /// Reads the identifier a household of `kind` must have.
    pub fn parse(kind: HouseholdKind, text: &str) -> Result<HeadId, HeadIdError> {
        match kind {
            HouseholdKind::Residential => ResidentId::parse(text)
                .map(HeadId::Person)
                .map_err(HeadIdError::Person),
            HouseholdKind::Enterprise => CreditCode::parse(text)
                .map(HeadId::Enterprise)
                .map_err(HeadIdError::Enterprise),
        }
    }

    /// The canonical text stored and exported.
    pub fn as_str(&self) -> &str {
        match self {
            HeadId::Person(id) => id.as_str(),
            HeadId::Enterprise(code) => code.as_str(),
        }
    }
}

/// The head's name as posted publicly: a person's name is masked; an enterprise's name is
/// public information and stays readable, as on its business licence.
pub fn public_head_name(kind: HouseholdKind, name: &str) -> String {
    match kind {
        HouseholdKind::Residential => mask_name(name),
        HouseholdKind::Enterprise => name.trim().to_string(),
    }
}

/// The head's identifier as posted publicly: resident IDs masked, credit codes shown.
pub fn public_head_id(kind: HouseholdKind, id: &str) -> String {
    match kind {
        HouseholdKind::Residential => mask_id(id),
        HouseholdKind::Enterprise => id.trim().to_string(),
    }
}

/// Provincial-level divisions, in the short form people write before an address; the
/// full names (with 省, 市, 自治区 …) are derived for display.
const PROVINCES: &[(&str, &str)] = &[
    ("北京", "北京市"),
    ("天津", "天津市"),
    ("上海", "上海市"),
    ("重庆", "重庆市"),
    ("河北", "河北省"),
    ("山西", "山西省"),
    ("辽宁", "辽宁省"),
    ("吉林", "吉林省"),
    ("黑龙江", "黑龙江省"),
    ("江苏", "江苏省"),
    ("浙江", "浙江省"),
    ("安徽", "安徽省"),
    ("福建", "福建省"),
    ("江西", "江西省"),
    ("山东", "山东省"),
    ("河南", "河南省"),
    ("湖北", "湖北省"),
    ("湖南", "湖南省"),
    ("广东", "广东省"),
    ("海南", "海南省"),
    ("四川", "四川省"),
    ("贵州", "贵州省"),
    ("云南", "云南省"),
    ("陕西", "陕西省"),
    ("甘肃", "甘肃省"),
    ("青海", "青海省"),
    ("台湾", "台湾省"),
    ("内蒙古", "内蒙古自治区"),
    ("广西", "广西壮族自治区"),
    ("西藏", "西藏自治区"),
    ("宁夏", "宁夏回族自治区"),
    ("新疆", "新疆维吾尔自治区"),
    ("香港", "香港特别行政区"),
    ("澳门", "澳门特别行政区"),
];

/// The province of the town's own headquarters: living elsewhere in it needs no
/// inter-provincial trip.
pub const HOME_PROVINCE: &str = "浙江省";

/// Where a household lives now. Staff travel to households living in other provinces,
/// so the province is read out of the address as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Residence {
    /// The address as written (may be empty for "in town").
    pub address: String,
    /// Lives in the town of the project.
    pub in_town: bool,
    /// The province named at the start of the address, full form (`安徽省`), if any.
    pub province: Option<String>,
}

impl Residence {
    /// Reads `现居住地` as written. Empty, `本镇`, `本地`, `本村` or an address starting with
    /// the project's town (`杨村桥镇…`) means in town; anything else is elsewhere, with the
    /// province taken from the start of the address when it names one.
    pub fn parse(text: &str, town: &str) -> Residence {
        let address = normalise_text(text);
        let town = normalise_text(town);
        let in_town = address.is_empty()
            || ["本镇", "本地", "本村", "镇内"]
                .iter()
                .any(|w| address.starts_with(w))
            || (!town.is_empty() && address.starts_with(&town));
        let province = if in_town {
            None
        } else {
            PROVINCES
                .iter()
                .find(|(short, _)| address.starts_with(short))
                .map(|(_, full)| (*full).to_string())
        };
        Residence {
            address,
            in_town,
            province,
        }
    }

    /// Whether a visit means a trip to another province (赴外省).
    pub fn out_of_province(&self) -> bool {
        self.province.as_deref().is_some_and(|p| p != HOME_PROVINCE)
    }
}

/// `本镇`, `外地（安徽省）`, `外地` — the short form used in lists.
impl fmt::Display for Residence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.in_town, &self.province) {
            (true, _) => f.write_str("本镇"),
            (false, Some(p)) => write!(f, "外地（{p}）"),
            (false, None) => f.write_str("外地"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::credit_code;
    use crate::platform::resident_id::check_char;

    #[test]
    fn head_id_is_read_according_to_the_kind() {
        let person = "11010519491231002X";
        assert!(matches!(
            HeadId::parse(HouseholdKind::Residential, person),
            Ok(HeadId::Person(_))
        ));
        let err = HeadId::parse(HouseholdKind::Enterprise, person).unwrap_err();
        assert!(
            err.to_string().starts_with("企业统一社会信用代码有误"),
            "{err}"
        );
        let first17 = "91330182MA2AXXXX0";
        let code = format!("{first17}{}", credit_code::check_char(first17).unwrap());
        let parsed = HeadId::parse(HouseholdKind::Enterprise, &code).unwrap();
        assert_eq!(parsed.as_str(), code);
        assert!(HeadId::parse(HouseholdKind::Residential, &code).is_err());
        let id17 = "33018219800101001";
        let id = format!("{id17}{}", check_char(id17).unwrap());
        assert_eq!(
            HeadId::parse(HouseholdKind::Residential, &id)
                .unwrap()
                .as_str(),
            id
        );
    }

    #[test]
    fn public_forms_mask_people_but_not_enterprises() {
        assert_eq!(
            public_head_name(HouseholdKind::Residential, "张小三"),
            "张*三"
        );
        assert_eq!(
            public_head_name(HouseholdKind::Enterprise, "建德市某某有限公司"),
            "建德市某某有限公司"
        );
        assert_eq!(
            public_head_id(HouseholdKind::Residential, "11010519491231002X"),
            "110105********002X"
        );
    }

    #[test]
    fn residence_reads_town_and_province() {
        let r = Residence::parse("本镇", "杨村桥镇");
        assert!(r.in_town && r.province.is_none());
        assert!(Residence::parse("", "杨村桥镇").in_town);
        assert!(Residence::parse("杨村桥镇绪塘村", "杨村桥镇").in_town);
        let r = Residence::parse("安徽省歙县", "杨村桥镇");
        assert_eq!(r.province.as_deref(), Some("安徽省"));
        assert!(r.out_of_province());
        assert_eq!(r.to_string(), "外地（安徽省）");
        let r = Residence::parse("浙江杭州市西湖区", "杨村桥镇");
        assert_eq!(r.province.as_deref(), Some("浙江省"));
        assert!(!r.out_of_province());
        let r = Residence::parse("新安江街道", "杨村桥镇");
        assert!(!r.in_town && r.province.is_none());
        assert_eq!(r.to_string(), "外地");
    }

    #[test]
    fn kinds_accept_synonyms() {
        crate::testing::assert_reads(
            HouseholdKind::parse,
            &[
                ("企业", Some(HouseholdKind::Enterprise)),
                ("居民", Some(HouseholdKind::Residential)),
                ("其他", None),
            ],
        );
    }
}
