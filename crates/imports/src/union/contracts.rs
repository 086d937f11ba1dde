//! The `contracts` import: 统一社会信用代码, 单位名称, 合同类型, 签订日期, 到期日期,
//! 示范单位年度. The enterprise is found by its credit code; the same enterprise, kind and
//! signing day is the same contract (its expiry is updated). A year in 示范单位年度 names
//! the enterprise a wage-bargaining demonstration unit of that year.

use super::rights_rows::enterprise_in_scope;
use crate::engine::{
    Applied, Cells, FieldError, ImportError, ImportOptions, Importer, RowOutcome, layout,
};
use domain::union::wage::{ContractKind, WageContract};
use sheets::{Column, Row};
use std::collections::{HashMap, HashSet};
use store::Tx;
use store::union::{Scope, contracts};

const CODE: Column = Column::required("统一社会信用代码").aliases(&["信用代码"]);
const NAME: Column = Column::optional("单位名称").aliases(&["企业名称"]);
const KIND: Column = Column::required("合同类型");
const SIGNED: Column = Column::required("签订日期");
const EXPIRY: Column = Column::required("到期日期").aliases(&["有效期至"]);
const DEMONSTRATION: Column = Column::optional("示范单位年度");

/// The columns, in template order.
pub const COLUMNS: &[Column] = &[CODE, NAME, KIND, SIGNED, EXPIRY, DEMONSTRATION];

/// Imports collective contracts.
pub struct ContractsImporter {
    scope: Scope,
    registered: HashMap<String, (i64, String)>,
    existing: HashSet<(i64, String, String)>,
    writing: bool,
}

impl ContractsImporter {
    /// An importer limited to `scope`.
    pub fn new(scope: Scope) -> ContractsImporter {
        ContractsImporter {
            scope,
            registered: HashMap::new(),
            existing: HashSet::new(),
            writing: true,
        }
    }

    fn check(&self, row: &Row) -> Result<(i64, WageContract, Option<i32>), Vec<FieldError>> {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let enterprise = enterprise_in_scope(&row, CODE, &self.registered, self.scope, &mut errors);
        let kind = row.parsed(KIND, ContractKind::parse, |_| Ok(()), &mut errors);
        let signed = row.required_date(SIGNED, &mut errors);
        let expiry = row.required_date(EXPIRY, &mut errors);
        let year_text = row.text(DEMONSTRATION);
        let year = if year_text.is_empty() {
            Some(None)
        } else {
            row.year(
                DEMONSTRATION,
                1990..=2100,
                "示范单位年度应为四位年份",
                &mut errors,
            )
            .map(Some)
        };
        let contract = match (kind, signed, expiry) {
            (Some(k), Some(s), Some(e)) => match WageContract::new(k, s, e) {
                Ok(c) => Some(c),
                Err(err) => {
                    errors.push(FieldError::new(EXPIRY, row.text(EXPIRY), err.to_string()));
                    None
                }
            },
            _ => None,
        };
        match (enterprise, contract, year) {
            (Some(e), Some(c), Some(y)) if errors.is_empty() => Ok((e, c, y)),
            _ => Err(errors),
        }
    }
}

// A credit code whose check character is right (a test reads the template back).
layout!(
    ContractsImporter,
    COLUMNS,
    &[
        "91330182MA2B0Q1K41",
        "建德市某某机械有限公司",
        "工资专项集体合同",
        "2019-03-01",
        "2022-02-28",
        "2019",
    ]
);

impl Importer for ContractsImporter {
    async fn prepare(&mut self, tx: &mut Tx, opts: &ImportOptions) -> Result<(), ImportError> {
        self.registered = super::rights_rows::registered_enterprises(tx).await?;
        self.existing = contracts::keys(tx).await?;
        self.writing = !opts.dry_run;
        Ok(())
    }

    async fn apply(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let (enterprise, contract, year) = match self.check(row) {
            Ok(v) => v,
            Err(errors) => return Ok(Err(errors)),
        };
        let key = (
            enterprise,
            contract.kind().code().to_string(),
            contract.signed().format("%Y-%m-%d").to_string(),
        );
        let inserted = self.existing.insert(key);
        if self.writing {
            contracts::record(tx, actor, self.scope, enterprise, &contract).await?;
            if let Some(year) = year {
                contracts::set_demonstration(tx, actor, self.scope, enterprise, year).await?;
            }
        }
        Ok(Ok(if inserted {
            Applied::Inserted
        } else {
            Applied::Updated
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Layout;

    #[test]
    fn the_template_example_is_a_valid_contract() {
        let example = ContractsImporter::new(Scope::City).example();
        assert_eq!(example.len(), COLUMNS.len());
        assert!(domain::platform::CreditCode::parse(example[0]).is_ok());
        assert_eq!(
            ContractKind::parse(example[2]),
            Ok(ContractKind::WageSpecific)
        );
    }
}
