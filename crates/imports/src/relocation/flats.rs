//! The `flats` import: a resettlement project's inventory (安置房源) — flats, storerooms
//! and parking spaces — one row per unit, keyed by project and `房源编号`; re-importing
//! updates a unit (a chosen one keeps its kind and area).

use super::{PROJECT, refused};
use crate::engine::{Applied, Cells, FieldError, RowOutcome};
use domain::platform::SquareMetres;
use domain::relocation::FlatKind;
use sheets::{Column, Row};
use store::Tx;
use store::relocation::flats::{self, FlatPlace};

const CODE: Column = Column::required("房源编号").aliases(&["房号编码", "编号"]);
const KIND: Column = Column::optional("类别").aliases(&["房源类别"]);
const BUILDING: Column = Column::required("幢号").aliases(&["楼幢", "幢"]);
const UNIT: Column = Column::optional("单元");
const FLOOR: Column = Column::required("楼层").aliases(&["层"]);
const ROOM: Column = Column::required("室号").aliases(&["房号", "室"]);
const LAYOUT: Column = Column::optional("户型").aliases(&["房型"]);
const AREA: Column = Column::required("面积").aliases(&["建筑面积", "面积(㎡)", "面积（㎡）"]);
const ORIENTATION: Column = Column::optional("朝向");
/// The columns, in the template's order.
pub(crate) const COLUMNS: &[Column] = &[
    PROJECT,
    CODE,
    KIND,
    BUILDING,
    UNIT,
    FLOOR,
    ROOM,
    LAYOUT,
    AREA,
    ORIENTATION,
];

project_importer! {
    /// The `flats` importer.
    FlatImporter,
    COLUMNS,
    &["QX2019-AZ", "3-1-502", "住宅", "3幢", "1单元", "5", "502", "三室两厅", "118.46", "南"]
}

impl FlatImporter {
    /// Checks one row fully and, only if it is valid, writes it.
    async fn apply_row(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let project = self.ctx.project(&row).map_err(|e| errors.push(e)).ok();
        let code = row.required(CODE, "房源编号不能为空", &mut errors);
        let kind = row.choice(
            KIND,
            FlatKind::Flat,
            FlatKind::parse,
            "类别应为住宅、储藏室或车位",
            &mut errors,
        );
        let building = row.required(BUILDING, "幢号不能为空", &mut errors);
        let room = row.required(ROOM, "室号不能为空", &mut errors);
        let floor_text = row.text(FLOOR);
        let floor = floor_text
            .trim_end_matches(['层', 'F', 'f'])
            .parse::<i64>()
            .ok()
            .filter(|f| (-10..=200).contains(f));
        if floor.is_none() {
            errors.push(FieldError::new(
                FLOOR,
                &floor_text,
                "楼层应为整数（地下层用负数）",
            ));
        }
        let positive = |a: &SquareMetres| {
            if a.0 > 0 {
                Ok(())
            } else {
                Err("面积必须大于0")
            }
        };
        let area = row.parsed(AREA, SquareMetres::parse, positive, &mut errors);
        if let Some(p) = &project
            && !code.is_empty()
            && let Err(e) = self
                .ctx
                .first_time(format!("{}\u{1f}{code}", p.id), row, CODE, &code)
        {
            errors.push(e);
        }
        let (Some(project), Some(kind), Some(floor), Some(area), true) =
            (project, kind, floor, area, errors.is_empty())
        else {
            return Ok(Err(errors));
        };
        let place = FlatPlace {
            building,
            unit: row.text_trimmed(UNIT),
            floor,
            room,
            layout: row.text_trimmed(LAYOUT),
            area,
            orientation: row.text_trimmed(ORIENTATION),
        };
        match flats::upsert(tx, actor, self.ctx.scope(), project.id, &code, kind, &place).await {
            Ok((_, true)) => Ok(Ok(Applied::Inserted)),
            Ok((_, false)) => Ok(Ok(Applied::Updated)),
            Err(e) => refused(e, CODE, &code).map(Err),
        }
    }
}
