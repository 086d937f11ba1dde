//! Import of `households`: 项目编号, 户编号, 类型, 户主姓名, 户主身份证号/统一社会信用代码
//! (one column holding either, read according to 类型), 手机号, 村, 组, 现居住地.

use super::{HOUSEHOLD, PROJECT, refused};
use crate::engine::{Applied, Cells, FieldError, RowOutcome};
use domain::platform::Mobile;
use domain::relocation::{HeadId, HouseholdKind, Residence};
use sheets::{Column, Row};
use store::Tx;
use store::relocation::households::{HouseholdFields, upsert};

const KIND: Column = Column::required("类型").aliases(&["户类型"]);
const NAME: Column = Column::required("户主姓名").aliases(&["户主姓名/企业名称", "户主"]);
const HEAD_ID: Column = Column::required("户主身份证号/统一社会信用代码").aliases(&[
    "户主身份证号",
    "身份证号/统一社会信用代码",
    "证件号码",
]);
const MOBILE: Column = Column::optional("手机号").aliases(&["手机号码", "联系电话"]);
const VILLAGE: Column = Column::optional("村");
const GROUP: Column = Column::optional("组");
const RESIDENCE: Column = Column::optional("现居住地").aliases(&["现住址"]);

const COLUMNS: &[Column] = &[
    PROJECT, HOUSEHOLD, KIND, NAME, HEAD_ID, MOBILE, VILLAGE, GROUP, RESIDENCE,
];

project_importer! {
    /// The `households` importer.
    HouseholdImporter,
    COLUMNS,
    &[
            "YCQ2019-01",
            "YCQ-001",
            "住户",
            "张三",
            "11010519491231002X",
            "13812345678",
            "绪塘村",
            "3组",
            "本镇",
    ]
}

impl HouseholdImporter {
    /// Checks one row fully and, only if it is valid, writes it.
    async fn apply_row(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let project = self.ctx.project(&row).map_err(|e| errors.push(e)).ok();
        let code = row.text(HOUSEHOLD);
        if code.is_empty() {
            errors.push(FieldError::new(HOUSEHOLD, "", "户编号不能为空"));
        }
        let kind_text = row.text(KIND);
        let kind = HouseholdKind::parse(&kind_text);
        if kind.is_none() {
            errors.push(FieldError::new(KIND, &kind_text, "类型应为“住户”或“企业”"));
        }
        let name = row.required(NAME, "户主姓名（企业名称）不能为空", &mut errors);
        let id_text = row.text(HEAD_ID);
        let head_id = kind.and_then(|k| {
            HeadId::parse(k, &id_text)
                .map_err(|e| errors.push(FieldError::new(HEAD_ID, &id_text, e.to_string())))
                .ok()
        });
        let mobile_text = row.text(MOBILE);
        let mobile = if mobile_text.is_empty() {
            None
        } else {
            Mobile::parse(&mobile_text)
                .map_err(|e| errors.push(FieldError::new(MOBILE, &mobile_text, e.to_string())))
                .ok()
        };
        if let Some(p) = &project
            && !code.is_empty()
            && let Err(e) =
                self.ctx
                    .first_time(format!("{}\u{1f}{code}", p.id), row, HOUSEHOLD, &code)
        {
            errors.push(e);
        }
        let (Some(project), Some(kind), Some(head_id), true) =
            (project, kind, head_id, errors.is_empty())
        else {
            return Ok(Err(errors));
        };
        let fields = HouseholdFields {
            code: code.clone(),
            kind,
            head_name: name,
            head_id,
            mobile,
            village: row.text(VILLAGE),
            village_group: row.text(GROUP),
            residence: Residence::parse(&row.text(RESIDENCE), &project.town),
        };
        match upsert(tx, actor, &project, &fields).await {
            Ok((_, true)) => Ok(Ok(Applied::Inserted)),
            Ok((_, false)) => Ok(Ok(Applied::Updated)),
            Err(e) => refused(e, HOUSEHOLD, &code).map(Err),
        }
    }
}
