//! The `participations` import: 活动名称, 活动开始日期, 姓名, 身份证号, 参与日期, 是否会员.
//!
//! A list of who took part — thousands of rows for an online project — matched to the
//! member registry by resident ID. The rule for people not in the registry: a row whose
//! 是否会员 is 是 (or empty, the usual case) must name a registered current member, or
//! it is an error on 身份证号 (a typo would otherwise count a stranger); a row marked 否
//! records a participant who is not a member, kept with the ID and name as given. An ID
//! that is in the registry is always linked to its member, whatever the column says.
//! 参与日期 defaults to the activity's first day and must fall within its dates.
//!
//! Every row is a new participation (one person may take part many times), so importing
//! the same list twice records it twice: the import's report says how many were added.
//! Built like the members import: lookups read once, rows checked on their own thread,
//! written a thousand to a statement and logged as one batch entry per batch.

use super::yes_no;
use crate::engine::{
    Applied, BulkImporter, Cells, FieldError, ImportError, ImportOptions, RowCheck, layout,
};
use chrono::NaiveDate;
use domain::platform::ResidentId;
use sheets::{Column, Row};
use std::collections::HashMap;
use store::union::Scope;
use store::union::activities;
use store::union::participations::{self, NewParticipation, Participation};
use store::{StoreError, Tx};

const ACTIVITY: Column = Column::required("活动名称");
const START: Column = Column::required("活动开始日期");
const NAME: Column = Column::required("姓名");
const ID: Column = Column::required("身份证号").aliases(&["身份证号码", "公民身份号码"]);
const ON: Column = Column::optional("参与日期");
const MEMBER: Column = Column::optional("是否会员").aliases(&["会员"]);

/// The columns, in template order.
pub const COLUMNS: &[Column] = &[ACTIVITY, START, NAME, ID, ON, MEMBER];

/// A participation as an export row, in [`COLUMNS`] order; the ID masked when `masked`.
pub fn cells(p: &Participation, masked: bool) -> Vec<String> {
    vec![
        p.activity_name.clone(),
        p.activity_start_on.clone(),
        p.name.clone(),
        if masked {
            p.masked_id()
        } else {
            p.resident_id.clone()
        },
        p.took_part_on.clone(),
        super::yes_no_text(p.member_id.is_some()).to_string(),
    ]
}

/// Imports participation lists (a [`BulkImporter`]).
pub struct ParticipationsImporter {
    scope: Scope,
}

impl ParticipationsImporter {
    /// An importer limited to `scope`: township staff add to their township's activities.
    pub fn new(scope: Scope) -> ParticipationsImporter {
        ParticipationsImporter { scope }
    }
}

/// An activity as rows name it.
struct Target {
    id: i64,
    start: NaiveDate,
    end: NaiveDate,
    township: Option<String>,
}

/// Checks participation rows against the activities and the registry read in `prepare`.
pub struct ParticipationCheck {
    scope: Scope,
    activities: HashMap<(String, NaiveDate), Target>,
    /// Resident ID → member id (current members).
    members: HashMap<String, i64>,
}

impl RowCheck for ParticipationCheck {
    type Item = NewParticipation;

    fn check(&mut self, row: &Row) -> Result<(Applied, NewParticipation), Vec<FieldError>> {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let activity_name = row.required(ACTIVITY, "活动名称为空", &mut errors);
        let start = row.required_date(START, &mut errors);
        let target = start.and_then(|s| match self.activities.get(&(activity_name.clone(), s)) {
            Some(t) if self.scope.allows_code(t.township.as_deref()) => Some(t),
            Some(_) => {
                errors.push(FieldError::new(
                    ACTIVITY,
                    activity_name.clone(),
                    "该活动不属于本乡镇（街道），不能导入其参与名单",
                ));
                None
            }
            None if activity_name.is_empty() => None,
            None => {
                errors.push(FieldError::new(
                    ACTIVITY,
                    activity_name.clone(),
                    format!("找不到{s}开始的活动“{activity_name}”，请先登记活动"),
                ));
                None
            }
        });
        let name = row.required(NAME, "姓名为空", &mut errors);
        let id_text = row.text(ID);
        let id = ResidentId::parse(&id_text)
            .map_err(|e| errors.push(FieldError::new(ID, id_text.clone(), e.to_string())))
            .ok();
        let said_member = yes_no(MEMBER, &row.text(MEMBER))
            .map(|b| b || row.text(MEMBER).is_empty())
            .map_err(|e| errors.push(e))
            .ok();
        let member_id = match (&id, said_member) {
            (Some(id), Some(said)) => match self.members.get(id.as_str()) {
                Some(m) => Some(Some(*m)),
                None if said => {
                    errors.push(FieldError::new(
                        ID,
                        id_text,
                        "会员名册中没有该身份证号；如参与者不是会员，请在“是否会员”填“否”",
                    ));
                    None
                }
                None => Some(None),
            },
            _ => None,
        };
        let on = match (row.date(ON), target) {
            (Ok(Some(d)), Some(t)) if d < t.start || d > t.end => {
                errors.push(FieldError::new(
                    ON,
                    d.to_string(),
                    format!("参与日期应在活动日期 {} 至 {} 之内", t.start, t.end),
                ));
                None
            }
            (Ok(Some(d)), _) => Some(d),
            (Ok(None), t) => t.map(|t| t.start),
            (Err(reason), _) => {
                errors.push(FieldError::new(ON, row.text(ON), reason));
                None
            }
        };
        match (target, id, member_id, on) {
            (Some(t), Some(resident_id), Some(member_id), Some(took_part_on))
                if errors.is_empty() =>
            {
                Ok((
                    Applied::Inserted,
                    NewParticipation {
                        activity_id: t.id,
                        member_id,
                        resident_id,
                        name,
                        took_part_on,
                    },
                ))
            }
            _ => Err(errors),
        }
    }
}

layout!(
    ParticipationsImporter,
    COLUMNS,
    &[
        "2019年建德市总工会网上项目第1期",
        "2019-03-01",
        "张三",
        "330182199001010014",
        "2019-03-15",
        "是",
    ]
);

impl BulkImporter for ParticipationsImporter {
    type Check = ParticipationCheck;

    async fn prepare(
        &mut self,
        tx: &mut Tx,
        _opts: &ImportOptions,
    ) -> Result<ParticipationCheck, ImportError> {
        let mut targets = HashMap::new();
        for k in activities::keys(&mut *tx).await? {
            let (Some(start), Some(end)) = (
                store::union::codes::date(Some(&k.start_on)),
                store::union::codes::date(Some(&k.end_on)),
            ) else {
                continue;
            };
            targets.insert(
                (k.name, start),
                Target {
                    id: k.id,
                    start,
                    end,
                    township: k.township,
                },
            );
        }
        let members = participations::registry(&mut *tx)
            .await?
            .into_iter()
            .map(|p| (p.resident_id, p.id))
            .collect();
        Ok(ParticipationCheck {
            scope: self.scope,
            activities: targets,
            members,
        })
    }

    async fn write(
        &mut self,
        tx: &mut Tx,
        actor: &str,
        items: Vec<NewParticipation>,
    ) -> Result<(), StoreError> {
        participations::insert_many(tx, actor, &items).await
    }
}
