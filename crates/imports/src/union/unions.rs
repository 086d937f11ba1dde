//! The `unions` import: 工会名称, 上级工会, 类型, 所属乡镇, 覆盖单位信用代码, 成立日期.
//!
//! The name is the natural key. A parent must exist already or stand on an earlier row of
//! the same file (exports list parents first). The covered credit codes are the union's
//! whole coverage: on re-import, enterprises no longer listed are no longer covered by it.

use crate::engine::{
    Applied, Cells, FieldError, ImportError, ImportOptions, Importer, RowOutcome, layout,
};
use domain::platform::CreditCode;
use domain::union::organisation::{UnionKind, validate_enterprise_count};
use domain::union::township::Township;
use sheets::{Column, Row};
use std::collections::HashMap;
use store::StoreError;
use store::Tx;
use store::union::Scope;
use store::union::enterprises;
use store::union::organisations::{self, UnionInput, UnionRef, check_placement};
use store::union::{codes, for_imports};

const NAME: Column = Column::required("工会名称");
const PARENT: Column = Column::required("上级工会");
const KIND: Column = Column::required("类型").aliases(&["工会类型"]);
const TOWNSHIP: Column = Column::required("所属乡镇").aliases(&["所属乡镇（街道）"]);
const COVERS: Column = Column::optional("覆盖单位信用代码").aliases(&["覆盖单位统一社会信用代码"]);
const FOUNDED: Column = Column::optional("成立日期");

/// The columns, in template order.
pub const COLUMNS: &[Column] = &[NAME, PARENT, KIND, TOWNSHIP, COVERS, FOUNDED];

/// What the importer knows of a registered enterprise.
#[derive(Clone, Copy)]
struct Known {
    id: i64,
    township: Township,
    union_id: Option<i64>,
}

/// A checked row.
struct Checked {
    input: UnionInput,
    covers: Vec<CreditCode>,
}

/// Imports unions.
pub struct UnionsImporter {
    scope: Scope,
    unions: HashMap<String, UnionRef>,
    enterprises: HashMap<String, Known>,
    seen_names: HashMap<String, usize>,
    seen_codes: HashMap<String, usize>,
    writing: bool,
}

impl UnionsImporter {
    /// An importer limited to `scope`.
    pub fn new(scope: Scope) -> UnionsImporter {
        UnionsImporter {
            scope,
            unions: HashMap::new(),
            enterprises: HashMap::new(),
            seen_names: HashMap::new(),
            seen_codes: HashMap::new(),
            writing: true,
        }
    }

    fn check(&mut self, row: &Row) -> Result<Checked, Vec<FieldError>> {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let name = row.text_trimmed(NAME);
        if name.is_empty() {
            errors.push(FieldError::new(NAME, "", "工会名称为空"));
        } else if let Some(first) = self.seen_names.get(&name) {
            errors.push(FieldError::new(
                NAME,
                name.clone(),
                format!("与第 {first} 行的工会名称重复"),
            ));
        } else {
            self.seen_names.insert(name.clone(), row.excel_row());
        }
        let kind_text = row.text(KIND);
        let kind = UnionKind::parse(&kind_text)
            .map_err(|e| errors.push(FieldError::new(KIND, kind_text, e.to_string())))
            .ok();
        let parent_name = row.text_trimmed(PARENT);
        let parent = if parent_name.is_empty() {
            None
        } else {
            match self.unions.get(&parent_name) {
                Some(p) => Some(*p),
                None => {
                    errors.push(FieldError::new(
                        PARENT,
                        parent_name.clone(),
                        format!("上级工会“{parent_name}”不存在（上级工会须已建立，或在本文件中排在前面）"),
                    ));
                    None
                }
            }
        };
        let township_text = row.text(TOWNSHIP);
        let township = if township_text.is_empty() {
            Ok(None)
        } else {
            Township::parse(&township_text)
                .map(Some)
                .map_err(|e| FieldError::new(TOWNSHIP, township_text.clone(), e.to_string()))
        };
        let township = match township {
            Ok(t) if self.scope.allows_code(t.map(Township::code)) => Some(t),
            Ok(_) => {
                errors.push(FieldError::new(
                    TOWNSHIP,
                    township_text,
                    "只能导入本乡镇（街道）的工会",
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let founded_on = row.optional_date(FOUNDED, &mut errors);
        let covers_text = row.text(COVERS);
        let mut covers = Vec::new();
        for part in covers_text
            .split([';', '；', ',', '，'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match CreditCode::parse(part) {
                Ok(code) => match self.enterprises.get(code.as_str()) {
                    Some(k) if township.flatten().is_some_and(|t| t != k.township) => {
                        errors.push(FieldError::new(
                            COVERS,
                            part,
                            format!("企业 {code} 属于{}，与工会所属乡镇不同", k.township),
                        ))
                    }
                    Some(_) => {
                        if let Some(first) = self.seen_codes.get(code.as_str()) {
                            errors.push(FieldError::new(
                                COVERS,
                                part,
                                format!("企业 {code} 已在第 {first} 行由其他工会覆盖"),
                            ));
                        } else {
                            self.seen_codes
                                .insert(code.as_str().to_string(), row.excel_row());
                            covers.push(code);
                        }
                    }
                    None => errors.push(FieldError::new(
                        COVERS,
                        part,
                        format!("覆盖单位 {code} 未登记，请先导入企业名录"),
                    )),
                },
                Err(e) => errors.push(FieldError::new(COVERS, part, e.to_string())),
            }
        }
        let (Some(kind), Some(township)) = (kind, township) else {
            return Err(errors);
        };
        if errors.is_empty()
            && let Err(e) = validate_enterprise_count(kind, covers.len())
        {
            errors.push(FieldError::new(COVERS, covers_text, e.to_string()));
        }
        let input = UnionInput {
            name,
            kind,
            parent,
            township,
            founded_on,
        };
        if errors.is_empty()
            && let Err(reason) = check_placement(&input)
        {
            errors.push(FieldError::new(PARENT, parent_name, reason.to_string()));
        }
        if let Some(existing) = self.unions.get(&input.name)
            && !self
                .scope
                .allows_code(existing.township.map(Township::code))
        {
            errors.push(FieldError::new(
                NAME,
                input.name.clone(),
                "该工会属于其他乡镇（街道）",
            ));
        }
        if errors.is_empty() {
            Ok(Checked { input, covers })
        } else {
            Err(errors)
        }
    }

    /// Makes the union cover exactly `covers` (audited changes of the enterprises).
    async fn set_coverage(
        &mut self,
        tx: &mut Tx,
        actor: &str,
        union_id: i64,
        covers: &[CreditCode],
    ) -> Result<(), StoreError> {
        let wanted: Vec<&str> = covers.iter().map(CreditCode::as_str).collect();
        let mut changes: Vec<(String, Option<i64>)> = Vec::new();
        for (code, k) in &self.enterprises {
            let listed = wanted.contains(&code.as_str());
            if listed && k.union_id != Some(union_id) {
                changes.push((code.clone(), Some(union_id)));
            } else if !listed && k.union_id == Some(union_id) {
                changes.push((code.clone(), None));
            }
        }
        changes.sort();
        for (code, to) in changes {
            if let Some(k) = self.enterprises.get_mut(&code) {
                enterprises::set_union(tx, actor, k.id, to).await?;
                k.union_id = to;
            }
        }
        Ok(())
    }
}

layout!(
    UnionsImporter,
    COLUMNS,
    &[
        "建德市新安江街道某某公司工会",
        "建德市新安江街道总工会",
        "企业工会",
        "新安江街道",
        "",
        "2019-05-01",
    ]
);

impl Importer for UnionsImporter {
    async fn prepare(&mut self, tx: &mut Tx, opts: &ImportOptions) -> Result<(), ImportError> {
        self.unions = organisations::lookup(tx).await?;
        for e in for_imports::enterprises(tx).await? {
            let township = codes::township(&e.township)?;
            self.enterprises.insert(
                e.credit_code,
                Known {
                    id: e.id,
                    township,
                    union_id: e.union_id,
                },
            );
        }
        self.writing = !opts.dry_run;
        Ok(())
    }

    async fn apply(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let Checked { input, covers } = match self.check(row) {
            Ok(c) => c,
            Err(errors) => return Ok(Err(errors)),
        };
        let existing = self.unions.get(&input.name).copied();
        if let Err(reason) =
            organisations::check_unique_federation(tx, &input, existing.map(|u| u.id)).await?
        {
            return Ok(Err(vec![FieldError::new(
                KIND,
                input.kind.label(),
                reason.to_string(),
            )]));
        }
        let applied = match existing {
            Some(u) => {
                if self.writing {
                    organisations::update(tx, actor, u.id, &input).await?;
                    self.set_coverage(tx, actor, u.id, &covers).await?;
                }
                Applied::Updated
            }
            None => {
                // When nothing will be written, later rows still need this union as a parent.
                let id = if self.writing {
                    let id = organisations::insert(tx, actor, &input).await?;
                    self.set_coverage(tx, actor, id, &covers).await?;
                    id
                } else {
                    -i64::try_from(row.excel_row).unwrap_or(i64::MAX)
                };
                self.unions.insert(
                    input.name.clone(),
                    UnionRef {
                        id,
                        kind: input.kind,
                        township: input.township,
                    },
                );
                Applied::Inserted
            }
        };
        Ok(Ok(applied))
    }
}
