//! Imports of what belongs to a household: `household-members` (户编号, 姓名, 身份证号,
//! 与户主关系), `buildings` (户编号, 权证号, 结构, 测绘面积, 合法面积, optionally 审批文件)
//! and `appraisals` (户编号, 项目 — the appraised item —, 金额, optionally 类别, 评估人).

use super::{Context, HOUSEHOLD, PROJECT, household_of, refused};
use crate::engine::{Applied, Cells, FieldError, RowOutcome};
use domain::platform::{Fen, ResidentId, SquareMetres};
use domain::relocation::{AppraisalItem, AppraisalKind, BuildingStructure};
use sheets::{Column, Row};
use store::StoreError;
use store::Tx;
use store::relocation::buildings::{self, BuildingFields};
use store::relocation::{appraisals, members};

fn applied(r: Result<(i64, bool), StoreError>, column: Column, value: &str) -> RowOutcome {
    match r {
        Ok((_, true)) => Ok(Ok(Applied::Inserted)),
        Ok((_, false)) => Ok(Ok(Applied::Updated)),
        Err(e) => refused(e, column, value).map(Err),
    }
}

/// Resolves project and household of a row; errors are pushed.
async fn household(
    ctx: &Context,
    tx: &mut Tx,
    row: &Cells<'_>,
    errors: &mut Vec<FieldError>,
) -> Result<Option<(i64, i64)>, StoreError> {
    let Ok(project) = ctx.project(row).map_err(|e| errors.push(e)) else {
        return Ok(None);
    };
    Ok(household_of(tx, &project, row)
        .await?
        .map_err(|e| errors.push(e))
        .ok()
        .map(|h| (project.id, h)))
}

const NAME: Column = Column::required("姓名");
const ID: Column = Column::required("身份证号").aliases(&["公民身份号码", "身份证号码"]);
const RELATION: Column = Column::required("与户主关系").aliases(&["关系"]);
const MEMBER_COLUMNS: &[Column] = &[PROJECT, HOUSEHOLD, NAME, ID, RELATION];

project_importer! {
    /// The `household-members` importer.
    MemberImporter,
    MEMBER_COLUMNS,
    &[
            "YCQ2019-01",
            "YCQ-001",
            "张三",
            "11010519491231002X",
            "户主",
    ]
}

impl MemberImporter {
    /// Checks one row fully and, only if it is valid, writes it.
    async fn apply_row(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let row = Cells::new(row, MEMBER_COLUMNS);
        let mut errors = Vec::new();
        let target = household(&self.ctx, tx, &row, &mut errors).await?;
        let name = row.required(NAME, "姓名不能为空", &mut errors);
        let id_text = row.text(ID);
        let id = ResidentId::parse(&id_text)
            .map_err(|e| errors.push(FieldError::new(ID, &id_text, e.to_string())))
            .ok();
        let relation = row.text(RELATION);
        if relation.is_empty() {
            errors.push(FieldError::new(RELATION, "", "与户主关系不能为空"));
        }
        if let (Some((_, h)), Some(id)) = (target, &id)
            && let Err(e) =
                self.ctx
                    .first_time(format!("{h}\u{1f}{}", id.as_str()), row, ID, &id_text)
        {
            errors.push(e);
        }
        let (Some((_, h)), Some(id), true) = (target, id, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        applied(
            members::upsert(tx, actor, self.ctx.scope(), h, &name, &id, &relation).await,
            ID,
            &id_text,
        )
    }
}

const CERTIFICATE: Column = Column::required("权证号").aliases(&["产权证号", "房屋编号"]);
const STRUCTURE: Column = Column::required("结构").aliases(&["房屋结构"]);
const MEASURED: Column = Column::required("测绘面积").aliases(&["测绘面积(㎡)", "测绘面积（㎡）"]);
const LEGAL: Column = Column::required("合法面积").aliases(&["合法面积(㎡)", "合法面积（㎡）"]);
const APPROVALS: Column = Column::optional("审批文件").aliases(&["审批情况"]);
const BUILDING_COLUMNS: &[Column] = &[
    PROJECT,
    HOUSEHOLD,
    CERTIFICATE,
    STRUCTURE,
    MEASURED,
    LEGAL,
    APPROVALS,
];

project_importer! {
    /// The `buildings` importer.
    BuildingImporter,
    BUILDING_COLUMNS,
    &[
            "YCQ2019-01",
            "YCQ-001",
            "建房权字第2003-118号",
            "砖混",
            "150.00",
            "120.35",
            "1998年建房审批表",
    ]
}

impl BuildingImporter {
    /// Checks one row fully and, only if it is valid, writes it.
    async fn apply_row(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let row = Cells::new(row, BUILDING_COLUMNS);
        let mut errors = Vec::new();
        let target = household(&self.ctx, tx, &row, &mut errors).await?;
        let no = row.required(
            CERTIFICATE,
            "权证号不能为空（无证房屋请填“无证1”等编号）",
            &mut errors,
        );
        let structure = row.parsed(STRUCTURE, BuildingStructure::parse, |_| Ok(()), &mut errors);
        let measured = row.parsed(MEASURED, SquareMetres::parse, |_| Ok(()), &mut errors);
        let legal = row.parsed(LEGAL, SquareMetres::parse, |_| Ok(()), &mut errors);
        if let Some((_, h)) = target
            && !no.is_empty()
            && let Err(e) = self
                .ctx
                .first_time(format!("{h}\u{1f}{no}"), row, CERTIFICATE, &no)
        {
            errors.push(e);
        }
        let (Some((_, h)), Some(structure), Some(measured), Some(legal), true) =
            (target, structure, measured, legal, errors.is_empty())
        else {
            return Ok(Err(errors));
        };
        let fields = BuildingFields {
            certificate_no: no.clone(),
            approvals: row.text_trimmed(APPROVALS),
            structure,
            measured,
            legal,
        };
        applied(
            buildings::upsert(tx, actor, self.ctx.scope(), h, &fields).await,
            CERTIFICATE,
            &no,
        )
    }
}

const ITEM: Column = Column::required("项目").aliases(&["评估项目"]);
const AMOUNT: Column = Column::required("金额").aliases(&["评估金额", "金额(元)", "金额（元）"]);
const CATEGORY: Column = Column::optional("类别").aliases(&["评估类别"]);
const APPRAISER: Column = Column::optional("评估人").aliases(&["评估机构"]);
const APPRAISAL_COLUMNS: &[Column] = &[PROJECT, HOUSEHOLD, ITEM, AMOUNT, CATEGORY, APPRAISER];

project_importer! {
    /// The `appraisals` importer.
    AppraisalImporter,
    APPRAISAL_COLUMNS,
    &[
            "YCQ2019-01",
            "YCQ-001",
            "客厅吊顶",
            "12800.00",
            "装修",
            "建德市某评估公司",
    ]
}

impl AppraisalImporter {
    /// Checks one row fully and, only if it is valid, writes it.
    async fn apply_row(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let row = Cells::new(row, APPRAISAL_COLUMNS);
        let mut errors = Vec::new();
        let target = household(&self.ctx, tx, &row, &mut errors).await?;
        let item = row.required(ITEM, "评估项目不能为空", &mut errors);
        let not_negative = |a: &Fen| {
            if a.0 >= 0 {
                Ok(())
            } else {
                Err("金额不能为负")
            }
        };
        let amount = row.parsed(AMOUNT, Fen::parse_yuan, not_negative, &mut errors);
        let kind = row.choice(
            CATEGORY,
            AppraisalKind::Other,
            AppraisalKind::parse,
            "类别应为装修、附属物、青苗或其他",
            &mut errors,
        );
        if let Some((_, h)) = target
            && !item.is_empty()
            && let Err(e) = self
                .ctx
                .first_time(format!("{h}\u{1f}{item}"), row, ITEM, &item)
        {
            errors.push(e);
        }
        let (Some((_, h)), Some(amount), Some(kind), true) =
            (target, amount, kind, errors.is_empty())
        else {
            return Ok(Err(errors));
        };
        let a = AppraisalItem {
            kind,
            description: item.clone(),
            amount,
        };
        applied(
            appraisals::upsert(
                tx,
                actor,
                self.ctx.scope(),
                h,
                &a,
                &row.text_trimmed(APPRAISER),
            )
            .await,
            ITEM,
            &item,
        )
    }
}
