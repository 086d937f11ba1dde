//! The `members` import: 姓名, 身份证号, 手机号, 所属工会, 入会日期, 农民工.
//!
//! Built for a million rows: unions and every registered ID are read once, rows are
//! checked on their own thread while the batch before them is written, new members are
//! written a thousand to a statement and logged ten thousand to an audit entry, and the
//! set of IDs seen in the file holds 17-digit numbers rather than strings. A registered ID
//! updates its member (a different union is a transfer, kept in the history); a second
//! row with the same ID in one file is an error on that row.

use super::yes_no;
use crate::engine::{
    Applied, BulkImporter, Cells, FieldError, ImportError, ImportOptions, RowCheck, layout,
};
use domain::platform::time::today_local;
use domain::platform::{Mobile, ResidentId};
use sheets::{Column, Row};
use std::collections::HashMap;
use store::StoreError;
use store::Tx;
use store::union::members::{self, NewMember};
use store::union::organisations::{self, UnionRef};
use store::union::{Scope, for_imports};

const NAME: Column = Column::required("姓名");
const ID: Column = Column::required("身份证号").aliases(&["身份证号码", "公民身份号码"]);
const MOBILE: Column = Column::optional("手机号").aliases(&["手机号码", "联系电话"]);
const UNION: Column = Column::required("所属工会");
const JOINED: Column = Column::required("入会日期");
const MIGRANT: Column = Column::optional("农民工").aliases(&["是否农民工"]);

/// The columns, in template order.
pub const COLUMNS: &[Column] = &[NAME, ID, MOBILE, UNION, JOINED, MIGRANT];

/// The first 17 digits of an ID as a number: they determine the check character, so they
/// identify the person, and a `u64` takes a fraction of a `String`'s memory.
fn key(id: &ResidentId) -> u64 {
    id.as_str()
        .bytes()
        .take(17)
        .fold(0u64, |k, b| k * 10 + u64::from(b.wrapping_sub(b'0')))
}

/// Imports members (a [`BulkImporter`]).
pub struct MembersImporter {
    scope: Scope,
    today: chrono::NaiveDate,
    /// The registry's indexes, while a very large import writes without them.
    aside: Option<members::IndexesAside>,
    /// The new members, counted once for the file (see [`members::counts::Joined`]).
    joined: members::counts::Joined,
}

/// Rows from which a file at least as large as the registry is written with the
/// registry's indexes set aside and built once at the end (a smaller import costs less
/// row by row than a rebuild).
pub const SET_ASIDE_FROM: u64 = 50_000;

impl MembersImporter {
    /// An importer limited to `scope`.
    pub fn new(scope: Scope) -> MembersImporter {
        MembersImporter {
            scope,
            today: today_local(),
            aside: None,
            joined: members::counts::Joined::default(),
        }
    }
}

/// A checked member row.
pub enum MemberRow {
    /// A resident ID not yet registered.
    New(NewMember),
    /// A registered member (id, current union) and what the row says now.
    Registered(i64, i64, NewMember),
}

/// Checks member rows against the unions and the registry as read in `prepare`.
pub struct MemberCheck {
    scope: Scope,
    unions: HashMap<String, UnionRef>,
    union_townships: HashMap<i64, Option<&'static str>>,
    /// Registered members: ID key → (member id, union id).
    registered: HashMap<u64, (i64, i64)>,
    /// IDs met in this file → the Excel row where first met.
    seen: HashMap<u64, u32>,
    today: chrono::NaiveDate,
}

impl RowCheck for MemberCheck {
    type Item = MemberRow;

    fn check(&mut self, row: &Row) -> Result<(Applied, MemberRow), Vec<FieldError>> {
        let member = self.member(row)?;
        Ok(
            match self.registered.get(&key(&member.resident_id)).copied() {
                Some((id, union_id)) => (
                    Applied::Updated,
                    MemberRow::Registered(id, union_id, member),
                ),
                None => (Applied::Inserted, MemberRow::New(member)),
            },
        )
    }
}

impl MemberCheck {
    /// Checks a row; the member it describes, or every problem found.
    fn member(&mut self, row: &Row) -> Result<NewMember, Vec<FieldError>> {
        let row = Cells::new(row, COLUMNS);
        let mut errors = Vec::new();
        let name = row.required(NAME, "姓名为空", &mut errors);
        let id_text = row.text(ID);
        let id = match ResidentId::parse(&id_text) {
            Ok(id) => {
                let k = key(&id);
                let excel_row = u32::try_from(row.excel_row()).unwrap_or(u32::MAX);
                if let Some(first) = self.seen.get(&k) {
                    errors.push(FieldError::new(
                        ID,
                        id_text.clone(),
                        format!("与第 {first} 行的身份证号重复，同一文件中每人只能出现一次"),
                    ));
                } else {
                    self.seen.insert(k, excel_row);
                }
                Some(id)
            }
            Err(e) => {
                errors.push(FieldError::new(ID, id_text.clone(), e.to_string()));
                None
            }
        };
        let mobile_text = row.text(MOBILE);
        let mobile = if mobile_text.is_empty() {
            None
        } else {
            match Mobile::parse(&mobile_text) {
                Ok(m) => Some(m),
                Err(e) => {
                    errors.push(FieldError::new(MOBILE, mobile_text, e.to_string()));
                    None
                }
            }
        };
        let union_name = row.text_trimmed(UNION);
        let union = match self.unions.get(&union_name) {
            _ if union_name.is_empty() => {
                errors.push(FieldError::new(UNION, "", "所属工会为空"));
                None
            }
            Some(u) if self.scope.allows_code(u.township.map(|t| t.code())) => Some(*u),
            Some(_) => {
                errors.push(FieldError::new(
                    UNION,
                    union_name.clone(),
                    format!("工会“{union_name}”不属于本乡镇（街道）"),
                ));
                None
            }
            None => {
                errors.push(FieldError::new(
                    UNION,
                    union_name.clone(),
                    format!("工会“{union_name}”不存在，请先建立该工会或核对名称"),
                ));
                None
            }
        };
        let joined = match row.required_date(JOINED, &mut errors) {
            Some(d) if d > self.today => {
                errors.push(FieldError::new(JOINED, d.to_string(), "入会日期晚于今天"));
                None
            }
            joined => joined,
        };
        let migrant = yes_no(MIGRANT, &row.text(MIGRANT))
            .map_err(|e| errors.push(e))
            .ok();
        if let Some(id) = &id
            && let Some((_, union_id)) = self.registered.get(&key(id))
        {
            let township = self.union_townships.get(union_id).copied().flatten();
            if !self.scope.allows_code(township) {
                errors.push(FieldError::new(
                    ID,
                    id_text,
                    "该身份证号不能在此登记，如需转入请联系市总工会",
                ));
            }
        }
        match (id, union, joined, migrant) {
            (Some(resident_id), Some(u), Some(joined_on), Some(migrant_worker))
                if errors.is_empty() =>
            {
                Ok(NewMember {
                    resident_id,
                    name,
                    mobile,
                    union_id: u.id,
                    joined_on,
                    migrant_worker,
                })
            }
            _ => Err(errors),
        }
    }
}

layout!(
    MembersImporter,
    COLUMNS,
    &[
        "张三",
        "330182199001010014",
        "13812345678",
        "建德市新安江街道某某公司工会",
        "2019-03-05",
        "否",
    ]
);

impl BulkImporter for MembersImporter {
    type Check = MemberCheck;

    async fn prepare(
        &mut self,
        tx: &mut Tx,
        opts: &ImportOptions,
    ) -> Result<MemberCheck, ImportError> {
        let unions = organisations::lookup(tx).await?;
        let union_townships = unions
            .values()
            .map(|u| (u.id, u.township.map(|t| t.code())))
            .collect();
        let mut registered = HashMap::new();
        for_imports::each_member(tx, |id, resident_id, union_id| {
            if let Ok(rid) = ResidentId::parse(resident_id) {
                registered.insert(key(&rid), (id, union_id));
            }
        })
        .await?;
        // A file at least as large as the registry (and large): its rows go into the
        // bare table and the indexes are built once at the end (`IndexesAside`).
        let registry = u64::try_from(registered.len()).unwrap_or(u64::MAX);
        let rows = opts.progress.total();
        if !opts.dry_run && rows.is_some_and(|r| r >= SET_ASIDE_FROM.max(registry)) {
            self.aside = Some(members::IndexesAside::begin(tx).await?);
        }
        Ok(MemberCheck {
            scope: self.scope,
            unions,
            union_townships,
            registered,
            seen: HashMap::new(),
            today: self.today,
        })
    }

    async fn finish(&mut self, tx: &mut Tx) -> Result<(), StoreError> {
        if let Some(aside) = self.aside.take() {
            aside.finish(tx).await?;
        }
        std::mem::take(&mut self.joined).apply(tx).await
    }

    async fn write(
        &mut self,
        tx: &mut Tx,
        actor: &str,
        items: Vec<MemberRow>,
    ) -> Result<(), StoreError> {
        let mut new = Vec::with_capacity(items.len());
        let mut registered = Vec::new();
        for item in items {
            match item {
                MemberRow::New(m) => new.push(m),
                MemberRow::Registered(id, old_union, m) => registered.push((id, old_union, m)),
            }
        }
        for (id, old_union, m) in members::differing(tx, registered).await? {
            members::update_from_row(tx, actor, id, old_union, &m, self.today).await?;
        }
        members::insert_counting(tx, actor, &new, &mut self.joined).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_ids_apart_and_ignore_the_check_character() {
        let a = ResidentId::parse("11010519491231002X").unwrap();
        let b = ResidentId::parse("440524188001010014").unwrap();
        assert_ne!(key(&a), key(&b));
        assert_eq!(key(&a), 11010519491231002);
    }
}
