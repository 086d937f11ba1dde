//! The `activities` import: 活动名称, 活动类型, 活动级别, 所属乡镇, 主办单位, 协办单位,
//! 联办方式, 开始日期, 结束日期, 地点, 名额, 开放报名, 承办队伍.
//!
//! The name and first day are the natural key: a registered activity is updated. A city
//! activity leaves 所属乡镇 empty; township staff import only their township's.

use super::yes_no;
use crate::engine::{
    Applied, Cells, FieldError, ImportError, ImportOptions, Importer, RowOutcome, layout,
};
use domain::union::activity::{ActivityKind, ActivityLevel};
use domain::union::organising::{JointMode, Organisation, check_plan, split_co_organisers};
use domain::union::township::Township;
use sheets::{Column, Row};
use std::collections::HashMap;
use store::Tx;
use store::union::Scope;
use store::union::activities::{self, Activity, ActivityInput};
use store::union::teams;

const NAME: Column = Column::required("活动名称");
const KIND: Column = Column::required("活动类型");
const LEVEL: Column = Column::required("活动级别");
const TOWNSHIP: Column =
    Column::optional("所属乡镇").aliases(&["所属乡镇（街道）", "乡镇（街道）"]);
const ORGANISER: Column = Column::required("主办单位");
const CO: Column = Column::optional("协办单位").aliases(&["联办单位"]);
const MODE: Column = Column::optional("联办方式");
const START: Column = Column::required("开始日期");
const END: Column = Column::optional("结束日期");
const PLACE: Column = Column::optional("地点").aliases(&["活动地点"]);
const CAPACITY: Column = Column::optional("名额");
const OPEN: Column = Column::optional("开放报名").aliases(&["是否开放报名"]);
const TEAM: Column = Column::optional("承办队伍");

/// The columns, in template order.
pub const COLUMNS: &[Column] = &[
    NAME, KIND, LEVEL, TOWNSHIP, ORGANISER, CO, MODE, START, END, PLACE, CAPACITY, OPEN, TEAM,
];

/// An activity as an export row, in [`COLUMNS`] order (it re-imports).
pub fn cells(a: &Activity) -> Vec<String> {
    vec![
        a.name.clone(),
        a.kind.label().to_string(),
        a.level().label().to_string(),
        a.township()
            .map(|t| t.name().to_string())
            .unwrap_or_default(),
        a.organiser.clone(),
        a.co_organisers_text(),
        a.joint_mode
            .map(|m| m.label().to_string())
            .unwrap_or_default(),
        a.dates.start().to_string(),
        a.dates.end().to_string(),
        a.place.clone(),
        a.capacity.map(|c| c.to_string()).unwrap_or_default(),
        super::yes_no_text(a.open_for_signup).to_string(),
        a.team_name.clone().unwrap_or_default(),
    ]
}

/// An optional cell read with `parse`: `Some(None)` when empty, `Some(Some(v))` when it
/// reads, `None` (with the reason added to `errors`) when it does not.
pub(crate) fn optional<T, E: ToString>(
    row: &Cells,
    column: Column,
    parse: impl FnOnce(&str) -> Result<T, E>,
    errors: &mut Vec<FieldError>,
) -> Option<Option<T>> {
    if row.text(column).is_empty() {
        return Some(None);
    }
    row.parsed(column, parse, |_| Ok(()), errors).map(Some)
}

/// Imports activities.
pub struct ActivitiesImporter {
    scope: Scope,
    /// (name, first day) → (id, township code).
    registered: HashMap<(String, String), (i64, Option<String>)>,
    /// Team name → (id, township code).
    teams: HashMap<String, (i64, Option<String>)>,
    seen: HashMap<(String, String), usize>,
    writing: bool,
}

impl ActivitiesImporter {
    /// An importer limited to `scope`.
    pub fn new(scope: Scope) -> ActivitiesImporter {
        ActivitiesImporter {
            scope,
            registered: HashMap::new(),
            teams: HashMap::new(),
            seen: HashMap::new(),
            writing: true,
        }
    }

    fn check(&mut self, row: &Row) -> Result<ActivityInput, Vec<FieldError>> {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let name = row.required(NAME, "活动名称为空", &mut errors);
        let kind = row.parsed(KIND, ActivityKind::parse, |_| Ok(()), &mut errors);
        let level = row.parsed(LEVEL, ActivityLevel::parse, |_| Ok(()), &mut errors);
        let township_text = row.text(TOWNSHIP);
        let township = optional(&row, TOWNSHIP, Township::parse, &mut errors);
        let organisation = match (level, township) {
            (Some(l), Some(t)) => match Organisation::new(l, t) {
                Ok(o) if self.scope.allows_code(o.township().map(Township::code)) => Some(o),
                Ok(_) => {
                    errors.push(FieldError::new(
                        TOWNSHIP,
                        township_text,
                        "只能导入本乡镇（街道）的活动",
                    ));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new(TOWNSHIP, township_text, e.to_string()));
                    None
                }
            },
            _ => None,
        };
        let organiser = row.required(ORGANISER, "主办单位为空", &mut errors);
        let joint_mode = optional(&row, MODE, JointMode::parse, &mut errors);
        let start = row.required_date(START, &mut errors);
        let end = row.optional_date(END, &mut errors).or(start);
        let capacity = optional(&row, CAPACITY, |t| t.parse::<u32>(), &mut errors);
        let open = yes_no(OPEN, &row.text(OPEN))
            .map_err(|e| errors.push(e))
            .ok();
        let team_text = row.text_trimmed(TEAM);
        let team_id = match self.teams.get(&team_text) {
            _ if team_text.is_empty() => Some(None),
            Some((id, _)) => Some(Some(*id)),
            None => {
                errors.push(FieldError::new(
                    TEAM,
                    team_text,
                    "队伍不存在，请先登记该队伍",
                ));
                None
            }
        };
        let dates = match (start, end, capacity) {
            (Some(s), Some(e), Some(c)) => check_plan((s, e), c)
                .map_err(|err| errors.push(FieldError::new(END, e.to_string(), err.to_string())))
                .ok(),
            _ => None,
        };
        if let Some(d) = dates {
            let key = (name.clone(), d.start().to_string());
            if let Some(first) = self.seen.get(&key) {
                errors.push(FieldError::new(
                    NAME,
                    name.clone(),
                    format!("与第 {first} 行的活动重复（名称和开始日期相同）"),
                ));
            } else {
                self.seen.insert(key.clone(), row.excel_row());
            }
            if let Some((_, t)) = self.registered.get(&key)
                && !self.scope.allows_code(t.as_deref())
            {
                errors.push(FieldError::new(
                    NAME,
                    name.clone(),
                    "该活动属于其他乡镇（街道）或市级",
                ));
            }
        }
        match (
            kind,
            organisation,
            joint_mode,
            dates,
            capacity,
            open,
            team_id,
        ) {
            (
                Some(kind),
                Some(organisation),
                Some(joint_mode),
                Some(dates),
                Some(capacity),
                Some(open),
                Some(team_id),
            ) if errors.is_empty() => Ok(ActivityInput {
                name,
                kind,
                organisation,
                organiser,
                co_organisers: split_co_organisers(&row.text_trimmed(CO)),
                joint_mode,
                dates,
                place: row.text_trimmed(PLACE),
                capacity,
                open_for_signup: open,
                team_id,
            }),
            _ => Err(errors),
        }
    }
}

layout!(
    ActivitiesImporter,
    COLUMNS,
    &[
        "2019年新安江街道职工技能竞赛",
        "技能竞赛",
        "乡镇级",
        "新安江街道",
        "新安江街道总工会",
        "团市委、市人力社保局",
        "区域联动",
        "2019-05-10",
        "2019-05-11",
        "新安江街道职工之家",
        "60",
        "是",
        "",
    ]
);

impl Importer for ActivitiesImporter {
    async fn prepare(&mut self, tx: &mut Tx, opts: &ImportOptions) -> Result<(), ImportError> {
        self.registered = activities::keys(&mut *tx)
            .await?
            .into_iter()
            .map(|k| ((k.name, k.start_on), (k.id, k.township)))
            .collect();
        self.teams = teams::names(&mut *tx)
            .await?
            .into_iter()
            .map(|(id, name, t)| (name, (id, t)))
            .collect();
        self.writing = !opts.dry_run;
        Ok(())
    }

    async fn apply(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome {
        let a = match self.check(row) {
            Ok(a) => a,
            Err(errors) => return Ok(Err(errors)),
        };
        let key = (a.name.clone(), a.dates.start().to_string());
        match self.registered.get(&key) {
            Some(&(id, _)) => {
                if self.writing {
                    activities::update(tx, actor, self.scope, id, &a).await?;
                }
                Ok(Ok(Applied::Updated))
            }
            None => {
                if self.writing {
                    let id = activities::create(tx, actor, self.scope, &a).await?;
                    let township = a.organisation.township().map(|t| t.code().to_string());
                    self.registered.insert(key, (id, township));
                }
                Ok(Ok(Applied::Inserted))
            }
        }
    }
}
