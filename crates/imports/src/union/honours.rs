//! The `honours` import: 年度, 荣誉类型, 荣誉级别, 获得者, 身份证号, 工作单位, 所属乡镇.
//!
//! 获得者 is the person's name (劳模, 浙江工匠) or the collective's (创新工作室, 工人先锋号);
//! a person's ID is optional and checked when given; a collective has none. Year, kind,
//! level, holder and workplace are the natural key, so the same list imported twice
//! changes nothing. Township staff import their township's honours only.

use super::activities::optional;
use crate::engine::{
    Applied, Cells, FieldError, ImportError, ImportOptions, Importer, RowOutcome, layout,
};
use domain::platform::ResidentId;
use domain::union::honour::{HonourKind, HonourLevel, validate_level};
use domain::union::township::Township;
use sheets::{Column, Row};
use store::Tx;
use store::union::Scope;
use store::union::honours::{self, Honour, HonourInput};

const YEAR: Column = Column::required("年度").aliases(&["年份"]);
const KIND: Column = Column::required("荣誉类型");
const LEVEL: Column = Column::required("荣誉级别");
const HOLDER: Column = Column::required("获得者").aliases(&["姓名", "集体名称"]);
const ID: Column = Column::optional("身份证号").aliases(&["身份证号码"]);
const WORKPLACE: Column = Column::required("工作单位").aliases(&["所在单位"]);
const TOWNSHIP: Column =
    Column::optional("所属乡镇").aliases(&["所属乡镇（街道）", "乡镇（街道）"]);

/// The columns, in template order.
pub const COLUMNS: &[Column] = &[YEAR, KIND, LEVEL, HOLDER, ID, WORKPLACE, TOWNSHIP];

/// An honour as an export row, in [`COLUMNS`] order; the ID masked when `masked`.
pub fn cells(h: &Honour, masked: bool) -> Vec<String> {
    vec![
        h.year.to_string(),
        h.kind.label().to_string(),
        h.level.label().to_string(),
        h.holder.clone(),
        if masked {
            h.masked_id()
        } else {
            h.resident_id.clone().unwrap_or_default()
        },
        h.workplace.clone(),
        h.township.map(|t| t.name().to_string()).unwrap_or_default(),
    ]
}

/// Imports honours.
pub struct HonoursImporter {
    scope: Scope,
    writing: bool,
}

impl HonoursImporter {
    /// An importer limited to `scope`.
    pub fn new(scope: Scope) -> HonoursImporter {
        HonoursImporter {
            scope,
            writing: true,
        }
    }

    fn check(&self, row: &Row) -> Result<HonourInput, Vec<FieldError>> {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let year = row.year(YEAR, 1950..=2100, "年度应在1950至2100之间", &mut errors);
        let kind = row.parsed(KIND, HonourKind::parse, |_| Ok(()), &mut errors);
        let level = row.parsed(LEVEL, HonourLevel::parse, |_| Ok(()), &mut errors);
        if let (Some(k), Some(l)) = (kind, level)
            && let Err(e) = validate_level(k, l)
        {
            errors.push(FieldError::new(LEVEL, l.label(), e.to_string()));
        }
        let holder = row.required(HOLDER, "获得者为空", &mut errors);
        let id_text = row.text(ID);
        let resident_id = if !id_text.is_empty() && kind.is_some_and(HonourKind::is_collective) {
            errors.push(FieldError::new(ID, id_text, "集体荣誉不填身份证号"));
            None
        } else {
            optional(&row, ID, ResidentId::parse, &mut errors)
        };
        let workplace = row.required(WORKPLACE, "工作单位为空", &mut errors);
        let township_text = row.text(TOWNSHIP);
        let township = optional(&row, TOWNSHIP, Township::parse, &mut errors);
        if let Some(t) = township
            && !self.scope.allows_code(t.map(Township::code))
        {
            errors.push(FieldError::new(
                TOWNSHIP,
                township_text,
                "只能导入本乡镇（街道）的荣誉",
            ));
        }
        match (year, kind, level, resident_id, township) {
            (Some(year), Some(kind), Some(level), Some(resident_id), Some(township))
                if errors.is_empty() =>
            {
                Ok(HonourInput {
                    kind,
                    level,
                    year,
                    holder,
                    resident_id,
                    workplace,
                    township,
                })
            }
            _ => Err(errors),
        }
    }
}

layout!(
    HonoursImporter,
    COLUMNS,
    &[
        "2019",
        "劳模",
        "建德市级",
        "张三",
        "330182199001010014",
        "建德市某某机械有限公司",
        "新安江街道",
    ]
);

impl Importer for HonoursImporter {
    async fn prepare(&mut self, _tx: &mut Tx, opts: &ImportOptions) -> Result<(), ImportError> {
        self.writing = !opts.dry_run;
        Ok(())
    }

    async fn apply(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let h = match self.check(row) {
            Ok(h) => h,
            Err(errors) => return Ok(Err(errors)),
        };
        if !self.writing {
            return Ok(Ok(Applied::Inserted));
        }
        let (_, new) = honours::record(tx, actor, self.scope, &h).await?;
        Ok(Ok(if new {
            Applied::Inserted
        } else {
            Applied::Updated
        }))
    }
}
