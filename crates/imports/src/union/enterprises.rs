//! The `enterprises` import: 单位名称, 统一社会信用代码, 所属乡镇, 职工人数, 省总备案.
//! The credit code is the natural key: a registered code updates its enterprise.

use super::yes_no;
use crate::engine::{
    Applied, Cells, FieldError, ImportError, ImportOptions, Importer, RowOutcome, layout,
};
use domain::platform::CreditCode;
use domain::union::township::Township;
use sheets::{Column, Row};
use std::collections::HashMap;
use store::Tx;
use store::union::enterprises::{self, EnterpriseInput};
use store::union::{Scope, for_imports};

const NAME: Column = Column::required("单位名称").aliases(&["企业名称"]);
const CODE: Column = Column::required("统一社会信用代码").aliases(&["信用代码"]);
const TOWNSHIP: Column =
    Column::required("所属乡镇").aliases(&["所属乡镇（街道）", "乡镇（街道）"]);
const HEADCOUNT: Column = Column::required("职工人数");
const PROVINCIAL: Column = Column::optional("省总备案").aliases(&["是否省总备案"]);

/// The columns, in template order.
pub const COLUMNS: &[Column] = &[NAME, CODE, TOWNSHIP, HEADCOUNT, PROVINCIAL];

/// Imports enterprises.
pub struct EnterprisesImporter {
    scope: Scope,
    /// Registered enterprises: credit code → (id, township code).
    registered: HashMap<String, (i64, String)>,
    /// Codes met in this file → the Excel row where first met.
    seen: HashMap<String, usize>,
    writing: bool,
}

impl EnterprisesImporter {
    /// An importer limited to `scope`.
    pub fn new(scope: Scope) -> EnterprisesImporter {
        EnterprisesImporter {
            scope,
            registered: HashMap::new(),
            seen: HashMap::new(),
            writing: true,
        }
    }

    fn check(&mut self, row: &Row) -> Result<EnterpriseInput, Vec<FieldError>> {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let name = row.required(NAME, "单位名称为空", &mut errors);
        let code_text = row.text(CODE);
        let code = match CreditCode::parse(&code_text) {
            Ok(c) => {
                if let Some(first) = self.seen.get(c.as_str()) {
                    errors.push(FieldError::new(
                        CODE,
                        code_text.clone(),
                        format!("与第 {first} 行的统一社会信用代码重复"),
                    ));
                } else {
                    self.seen.insert(c.as_str().to_string(), row.excel_row());
                }
                Some(c)
            }
            Err(e) => {
                errors.push(FieldError::new(CODE, code_text.clone(), e.to_string()));
                None
            }
        };
        let township_text = row.text(TOWNSHIP);
        let township = match Township::parse(&township_text) {
            Ok(t) if self.scope.allows_code(Some(t.code())) => Some(t),
            Ok(t) => {
                errors.push(FieldError::new(
                    TOWNSHIP,
                    township_text,
                    format!("只能导入本乡镇（街道）的企业，此行为{t}"),
                ));
                None
            }
            Err(e) => {
                errors.push(FieldError::new(TOWNSHIP, township_text, e.to_string()));
                None
            }
        };
        let headcount_text = row.text(HEADCOUNT);
        let headcount = match headcount_text.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(
                    HEADCOUNT,
                    headcount_text,
                    "职工人数应为不小于0的整数",
                ));
                None
            }
        };
        let provincial = yes_no(PROVINCIAL, &row.text(PROVINCIAL))
            .map_err(|e| errors.push(e))
            .ok();
        if let Some(c) = &code
            && let Some((_, t)) = self.registered.get(c.as_str())
            && !self.scope.allows_code(Some(t))
        {
            errors.push(FieldError::new(
                CODE,
                code_text,
                "该企业已在其他乡镇（街道）登记",
            ));
        }
        match (code, township, headcount, provincial) {
            (Some(credit_code), Some(township), Some(headcount), Some(provincial))
                if errors.is_empty() =>
            {
                Ok(EnterpriseInput {
                    name,
                    credit_code,
                    township,
                    headcount,
                    provincial,
                })
            }
            _ => Err(errors),
        }
    }
}

// A credit code whose check character is right (a test reads the template back).
layout!(
    EnterprisesImporter,
    COLUMNS,
    &[
        "建德市某某机械有限公司",
        "91330182MA2B0Q1K41",
        "新安江街道",
        "120",
        "是",
    ]
);

impl Importer for EnterprisesImporter {
    async fn prepare(&mut self, tx: &mut Tx, opts: &ImportOptions) -> Result<(), ImportError> {
        self.registered = for_imports::enterprises(tx)
            .await?
            .into_iter()
            .map(|e| (e.credit_code, (e.id, e.township)))
            .collect();
        self.writing = !opts.dry_run;
        Ok(())
    }

    async fn apply(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let e = match self.check(row) {
            Ok(e) => e,
            Err(errors) => return Ok(Err(errors)),
        };
        match self.registered.get(e.credit_code.as_str()) {
            Some(&(id, _)) => {
                if self.writing {
                    enterprises::replace_fields(tx, actor, id, &e).await?;
                }
                Ok(Ok(Applied::Updated))
            }
            None => {
                if self.writing {
                    let id = enterprises::insert(tx, actor, &e).await?;
                    self.registered.insert(
                        e.credit_code.as_str().to_string(),
                        (id, e.township.code().to_string()),
                    );
                }
                Ok(Ok(Applied::Inserted))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Layout;

    #[test]
    fn the_template_example_is_a_valid_enterprise() {
        let example = EnterprisesImporter::new(Scope::City).example();
        assert_eq!(example.len(), COLUMNS.len());
        let code = COLUMNS.iter().position(|c| c.name == CODE.name).unwrap();
        assert!(domain::platform::CreditCode::parse(example[code]).is_ok());
    }
}
