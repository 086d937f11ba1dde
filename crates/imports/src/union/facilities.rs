//! The `facilities` import: 阵地名称, 阵地类型, 所属乡镇, 所属工会, 面积（平方米）,
//! 投资额（元）, 建设状态, 状态日期, 获评年度, 获评级别. Name and township are the natural
//! key: a known facility has its fields updated and, when the status differs, moves to it
//! on the given day (a step the status rules refuse is a row error). A year and level
//! record an advanced-workers'-home award.

use crate::engine::{
    Applied, Cells, FieldError, ImportError, ImportOptions, Importer, RowOutcome, layout,
};
use chrono::NaiveDate;
use domain::platform::{Fen, SquareMetres};
use domain::union::facility::{AwardLevel, FacilityKind, FacilityStatus, check_award};
use domain::union::township::Township;
use sheets::{Column, Row};
use std::collections::HashMap;
use store::Tx;
use store::union::Scope;
use store::union::facilities::{self, Award, FacilityInput};
use store::union::organisations::{self, UnionRef};

const NAME: Column = Column::required("阵地名称").aliases(&["名称"]);
const KIND: Column = Column::required("阵地类型").aliases(&["类型"]);
const TOWNSHIP: Column =
    Column::required("所属乡镇").aliases(&["所属乡镇（街道）", "乡镇（街道）"]);
const UNION: Column = Column::optional("所属工会");
const AREA: Column = Column::required("面积（平方米）").aliases(&["面积"]);
const INVESTMENT: Column = Column::required("投资额（元）").aliases(&["投资额"]);
const STATUS: Column = Column::required("建设状态").aliases(&["状态"]);
const SINCE: Column = Column::required("状态日期");
const AWARD_YEAR: Column = Column::optional("获评年度");
const AWARD_LEVEL: Column = Column::optional("获评级别");

/// The columns, in template order.
pub const COLUMNS: &[Column] = &[
    NAME,
    KIND,
    TOWNSHIP,
    UNION,
    AREA,
    INVESTMENT,
    STATUS,
    SINCE,
    AWARD_YEAR,
    AWARD_LEVEL,
];

type Known = (i64, FacilityKind, FacilityStatus, NaiveDate);

/// Imports facilities.
pub struct FacilitiesImporter {
    scope: Scope,
    unions: HashMap<String, UnionRef>,
    known: HashMap<(String, String), Known>,
    writing: bool,
}

/// A checked row.
struct Checked {
    input: FacilityInput,
    status: FacilityStatus,
    since: NaiveDate,
    award: Option<Award>,
}

impl FacilitiesImporter {
    /// An importer limited to `scope`.
    pub fn new(scope: Scope) -> FacilitiesImporter {
        FacilitiesImporter {
            scope,
            unions: HashMap::new(),
            known: HashMap::new(),
            writing: true,
        }
    }

    fn check(&self, row: &Row) -> Result<Checked, Vec<FieldError>> {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let name = row.required(NAME, "阵地名称为空", &mut errors);
        let kind = row.parsed(KIND, FacilityKind::parse, |_| Ok(()), &mut errors);
        let scope = self.scope;
        let township = row.parsed(
            TOWNSHIP,
            Township::parse,
            |t| {
                if scope.allows_code(Some(t.code())) {
                    Ok(())
                } else {
                    Err("只能导入本乡镇（街道）的阵地")
                }
            },
            &mut errors,
        );
        let union_text = row.text(UNION);
        let union_id = if union_text.is_empty() {
            Some(None)
        } else {
            match self.unions.get(&union_text) {
                Some(u) if scope.may_see(u.township.map(Township::code)) => Some(Some(u.id)),
                _ => {
                    errors.push(FieldError::new(UNION, union_text, "未找到该工会"));
                    None
                }
            }
        };
        let area = row.parsed(AREA, SquareMetres::parse, |_| Ok(()), &mut errors);
        let investment = row.parsed(INVESTMENT, Fen::parse_yuan, |_| Ok(()), &mut errors);
        let status = row.parsed(STATUS, FacilityStatus::parse, |_| Ok(()), &mut errors);
        let since = row.required_date(SINCE, &mut errors);
        let award = match (row.text(AWARD_YEAR), row.text(AWARD_LEVEL)) {
            (y, l) if y.is_empty() && l.is_empty() => Some(None),
            _ => {
                let year = row.year(AWARD_YEAR, 1990..=2100, "获评年度应为四位年份", &mut errors);
                let level = row.parsed(AWARD_LEVEL, AwardLevel::parse, |_| Ok(()), &mut errors);
                match (year, level, kind) {
                    (Some(year), Some(level), Some(k)) => match check_award(k) {
                        Ok(()) => Some(Some(Award { year, level })),
                        Err(e) => {
                            errors.push(FieldError::new(
                                AWARD_LEVEL,
                                row.text(AWARD_LEVEL),
                                e.to_string(),
                            ));
                            None
                        }
                    },
                    _ => None,
                }
            }
        };
        if let (Some(t), Some(status), Some(since)) = (township, status, since)
            && let Some(&(_, _, current, last)) =
                self.known.get(&(name.clone(), t.code().to_string()))
            && current != status
            && let Err(e) = current.change(last, status, since)
        {
            errors.push(FieldError::new(STATUS, row.text(STATUS), e.to_string()));
        }
        match (
            kind, township, union_id, area, investment, status, since, award,
        ) {
            (
                Some(kind),
                Some(township),
                Some(union_id),
                Some(area),
                Some(investment),
                Some(status),
                Some(since),
                Some(award),
            ) if errors.is_empty() => Ok(Checked {
                input: FacilityInput {
                    name,
                    kind,
                    township,
                    union_id,
                    area,
                    investment,
                },
                status,
                since,
                award,
            }),
            _ => Err(errors),
        }
    }
}

layout!(
    FacilitiesImporter,
    COLUMNS,
    &[
        "新安江街道某某企业职工之家",
        "职工之家",
        "新安江街道",
        "",
        "120.50",
        "150000.00",
        "已开放",
        "2018-06-01",
        "2019",
        "建德市级",
    ]
);

impl Importer for FacilitiesImporter {
    async fn prepare(&mut self, tx: &mut Tx, opts: &ImportOptions) -> Result<(), ImportError> {
        self.unions = organisations::lookup(tx).await?;
        self.known = facilities::keys(tx).await?;
        self.writing = !opts.dry_run;
        Ok(())
    }

    async fn apply(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let c = match self.check(row) {
            Ok(c) => c,
            Err(errors) => return Ok(Err(errors)),
        };
        let key = (c.input.name.clone(), c.input.township.code().to_string());
        let known = self.known.get(&key).copied();
        let id = match known {
            Some((id, kind, status, last)) => {
                if self.writing {
                    facilities::update(tx, actor, self.scope, id, &c.input).await?;
                    if status != c.status {
                        facilities::change_status(tx, actor, self.scope, id, c.status, c.since)
                            .await?;
                    }
                }
                let (status, last) = if status != c.status {
                    (c.status, c.since)
                } else {
                    (status, last)
                };
                self.known.insert(key, (id, kind, status, last));
                id
            }
            None => {
                let id = if self.writing {
                    facilities::create(tx, actor, self.scope, &c.input, c.status, c.since).await?
                } else {
                    0
                };
                self.known
                    .insert(key, (id, c.input.kind, c.status, c.since));
                id
            }
        };
        if let Some(award) = c.award
            && self.writing
        {
            facilities::award(tx, actor, self.scope, id, award).await?;
        }
        Ok(Ok(if known.is_some() {
            Applied::Updated
        } else {
            Applied::Inserted
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Layout;

    #[test]
    fn the_template_example_is_a_valid_facility() {
        let importer = FacilitiesImporter::new(Scope::City);
        let example = importer.example();
        assert_eq!(example.len(), COLUMNS.len());
        let cell = |name: &str| example[COLUMNS.iter().position(|c| c.name == name).unwrap()];
        assert!(FacilityKind::parse(cell("阵地类型")).is_ok());
        assert!(SquareMetres::parse(cell("面积（平方米）")).is_ok());
        assert!(Fen::parse_yuan(cell("投资额（元）")).is_ok());
        assert!(FacilityStatus::parse(cell("建设状态")).is_ok());
        assert!(AwardLevel::parse(cell("获评级别")).is_ok());
    }
}
