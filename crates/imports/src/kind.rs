//! The kinds of file groundwork imports, exports and writes templates for. Each kind's
//! name (`members`, `household-members` …) is spelled here and nowhere else: the command
//! line, the upload pages and the template links all read it from [`ImportKind`].

use std::fmt;

/// Which module a kind belongs to: its upload page offers only that module's kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Module {
    /// The trade-union federation (市总工会).
    Union,
    /// The expropriation and resettlement headquarters (征收安置指挥部).
    Relocation,
}

/// One kind of import/export file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    /// Enterprises (企业名录).
    Enterprises,
    /// The union tree (工会组织).
    Unions,
    /// The real-name member registry (会员名册).
    Members,
    /// Households to be relocated (被征收户).
    Households,
    /// The members of those households (家庭成员).
    HouseholdMembers,
    /// Buildings with their titles (房屋及权证).
    Buildings,
    /// Appraised items (评估项目).
    Appraisals,
    /// Resettlement flats, storerooms and parking spaces (安置房源).
    Flats,
    /// Union activities (工会活动).
    Activities,
    /// Who took part in union activities (活动参与名单).
    Participations,
    /// Honours of people and collectives (先进典型荣誉).
    Honours,
    /// Union facilities (职工阵地).
    Facilities,
    /// Collective contracts (集体合同).
    Contracts,
}

impl ImportKind {
    /// Every kind, union first, in the order pages and help texts list them.
    pub const ALL: [ImportKind; 13] = [
        ImportKind::Enterprises,
        ImportKind::Unions,
        ImportKind::Members,
        ImportKind::Households,
        ImportKind::HouseholdMembers,
        ImportKind::Buildings,
        ImportKind::Appraisals,
        ImportKind::Flats,
        ImportKind::Activities,
        ImportKind::Participations,
        ImportKind::Honours,
        ImportKind::Facilities,
        ImportKind::Contracts,
    ];

    /// The name on the command line and in URLs and forms.
    pub const fn name(self) -> &'static str {
        match self {
            ImportKind::Enterprises => "enterprises",
            ImportKind::Unions => "unions",
            ImportKind::Members => "members",
            ImportKind::Households => "households",
            ImportKind::HouseholdMembers => "household-members",
            ImportKind::Buildings => "buildings",
            ImportKind::Appraisals => "appraisals",
            ImportKind::Flats => "flats",
            ImportKind::Activities => "activities",
            ImportKind::Participations => "participations",
            ImportKind::Honours => "honours",
            ImportKind::Facilities => "facilities",
            ImportKind::Contracts => "contracts",
        }
    }

    /// The Chinese name people see on the upload page and in the template's file name.
    pub const fn label(self) -> &'static str {
        match self {
            ImportKind::Enterprises => "企业名录",
            ImportKind::Unions => "工会组织",
            ImportKind::Members => "会员名册",
            ImportKind::Households => "被征收户（住户/企业）",
            ImportKind::HouseholdMembers => "家庭成员",
            ImportKind::Buildings => "房屋及权证",
            ImportKind::Appraisals => "评估项目",
            ImportKind::Flats => "安置房源",
            ImportKind::Activities => "工会活动",
            ImportKind::Participations => "活动参与名单",
            ImportKind::Honours => "先进典型荣誉",
            ImportKind::Facilities => "职工阵地",
            ImportKind::Contracts => "集体合同",
        }
    }

    /// The module whose records the kind holds.
    pub const fn module(self) -> Module {
        match self {
            ImportKind::Activities | ImportKind::Participations | ImportKind::Honours => {
                Module::Union
            }
            ImportKind::Enterprises | ImportKind::Unions | ImportKind::Members => Module::Union,
            ImportKind::Facilities | ImportKind::Contracts => Module::Union,
            _ => Module::Relocation,
        }
    }

    /// The kinds of one module, for its upload page.
    pub fn of(module: Module) -> Vec<ImportKind> {
        ImportKind::ALL
            .into_iter()
            .filter(|k| k.module() == module)
            .collect()
    }

    /// The kind of that name; the error names the kinds there are, in Chinese.
    pub fn parse(name: &str) -> Result<ImportKind, UnknownKind> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| UnknownKind(name.to_string()))
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A kind name that is none of [`ImportKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的数据类型：{0}（可选：{names}）", names = ImportKind::ALL.map(ImportKind::name).join("、"))]
pub struct UnknownKind(pub String);

/// On the command line the kind is checked by clap, which lists the names in `--help`.
#[cfg(feature = "clap")]
impl clap::ValueEnum for ImportKind {
    fn value_variants<'a>() -> &'a [Self] {
        &ImportKind::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()).help(self.label()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        domain::testing::assert_reads_back(&ImportKind::ALL, |k| ImportKind::parse(k.name()).ok());
        let err = ImportKind::parse("no-such-kind").unwrap_err().to_string();
        assert!(err.contains("未知的数据类型") && err.contains("household-members"));
    }
}
