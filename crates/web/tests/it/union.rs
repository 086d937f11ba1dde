//! Tests of the union module: the checklist and ranking, the imports' rules, township
//! scoping and masking, the member registry. Shared arrangements live here.

mod activities;
mod checklist;
mod counters;
mod filters;
mod imports;
mod kept;
mod member_app;
mod notify;
mod paging;
mod registry;
mod rights;
mod scoping;
mod welfare;
mod welfare_pages;

use crate::support::committed;
use ::imports::{ImportOptions, ImportReport};
use chrono::NaiveDate;
use domain::platform::credit_code;
use domain::platform::resident_id;
use domain::platform::{Mobile, ResidentId};
use domain::union::organisation::UnionKind;
use domain::union::township::Township;
use store::Db;
use store::union::Scope;
use store::union::enterprises::{self, EnterpriseInput};
use store::union::members::NewMember;
use store::union::organisations::{self, UnionInput, UnionRef};

pub use crate::support::xlsx;

/// The members import's headers, as the template and the clerks' files have them.
pub const MEMBER_HEADERS: [&str; 6] = [
    "姓名",
    "身份证号",
    "手机号",
    "所属工会",
    "入会日期",
    "农民工",
];

/// 新安江街道, where the test union_staff account works.
pub fn xinanjiang() -> Township {
    Township::JIANDE[0]
}

/// 洋溪街道, another township.
pub fn yangxi() -> Township {
    Township::JIANDE[1]
}

/// A valid credit code made from a number.
pub fn code(n: u32) -> String {
    let first17 = format!("91330182MA{n:07}");
    format!(
        "{first17}{}",
        credit_code::check_char(&first17).expect("alphabet")
    )
}

/// A valid resident ID made from a number (born 1985, sequence from `n`).
pub fn rid(n: u32) -> String {
    let day = 1 + n / 1000 % 28;
    let first17 = format!("33018219850{}{day:02}{:03}", 1 + n / 28_000 % 9, n % 1000);
    format!(
        "{first17}{}",
        resident_id::check_char(&first17).expect("digits")
    )
}

/// The unions every test starts from: the city federation and the federations of
/// 新安江街道 and 洋溪街道.
pub struct Seed {
    /// 建德市总工会.
    pub city: UnionRef,
    /// 新安江街道总工会.
    pub xin: UnionRef,
    /// 洋溪街道总工会.
    pub yang: UnionRef,
}

/// Creates a union through the store (audited) and returns its reference.
pub async fn union(
    db: &Db,
    name: &str,
    kind: UnionKind,
    parent: Option<UnionRef>,
    t: Option<Township>,
    founded: &str,
) -> UnionRef {
    let input = UnionInput {
        name: name.into(),
        kind,
        parent,
        township: t,
        founded_on: domain::platform::time::parse_date(founded),
    };
    let id = committed(db, async |tx| {
        organisations::create(tx, "test", Scope::City, &input).await
    })
    .await
    .expect("union");
    UnionRef {
        id,
        kind,
        township: t,
    }
}

impl Seed {
    /// A joint union founded 2018-01-01 under the federation of `t` (新安江街道 or 洋溪街道):
    /// the union most tests register their members in, spelled once here.
    pub async fn joint(&self, db: &Db, name: &str, t: Township) -> UnionRef {
        let parent = if t == xinanjiang() {
            self.xin
        } else {
            assert_eq!(
                t,
                yangxi(),
                "the seed has federations in 新安江街道 and 洋溪街道 only"
            );
            self.yang
        };
        union(
            db,
            name,
            UnionKind::JointUnion,
            Some(parent),
            Some(t),
            "2018-01-01",
        )
        .await
    }
}

/// A new member with the test's values; `id` must be a valid resident ID, an invalid
/// `mobile` (or "") is none. Shared so that each test names only what it cares about.
pub fn member(
    id: &str,
    name: &str,
    mobile: &str,
    union_id: i64,
    joined: (i32, u32, u32),
) -> NewMember {
    NewMember {
        resident_id: ResidentId::parse(id).expect("id"),
        name: name.into(),
        mobile: Mobile::parse(mobile).ok(),
        union_id,
        joined_on: NaiveDate::from_ymd_opt(joined.0, joined.1, joined.2).expect("date"),
        migrant_worker: false,
    }
}

/// The federations.
pub async fn seed(db: &Db) -> Seed {
    let city = union(
        db,
        "建德市总工会",
        UnionKind::CityFederation,
        None,
        None,
        "1952-05-01",
    )
    .await;
    let xin = union(
        db,
        "新安江街道总工会",
        UnionKind::TownshipFederation,
        Some(city),
        Some(xinanjiang()),
        "1995-05-01",
    )
    .await;
    let yang = union(
        db,
        "洋溪街道总工会",
        UnionKind::TownshipFederation,
        Some(city),
        Some(yangxi()),
        "1996-05-01",
    )
    .await;
    Seed { city, xin, yang }
}

/// Registers an enterprise; its id.
pub async fn enterprise(db: &Db, n: u32, t: Township, headcount: u32, provincial: bool) -> i64 {
    let input = EnterpriseInput {
        name: format!("测试企业{n}有限公司"),
        credit_code: domain::platform::CreditCode::parse(&code(n)).expect("code"),
        township: t,
        headcount,
        provincial,
    };
    committed(db, async |tx| {
        enterprises::create(tx, "test", Scope::City, &input).await
    })
    .await
    .expect("enterprise")
}

/// Imports `path` as `kind` for the whole city.
pub async fn import(
    db: &Db,
    kind: &str,
    path: &std::path::Path,
    opts: ImportOptions,
) -> ImportReport {
    crate::support::import_file(
        db,
        kind,
        path,
        &ImportOptions {
            actor: "test".into(),
            ..opts
        },
    )
    .await
    .expect("import runs")
}

/// How many members are registered (in the whole city).
pub async fn members_count(db: &Db) -> i64 {
    let f = store::union::members::MemberFilter::default();
    store::union::members::list(db, Scope::City, &f, 1, 0)
        .await
        .expect("members")
        .1
}

/// How many enterprises are registered.
pub async fn enterprises_count(db: &Db) -> i64 {
    let f = store::union::enterprises::EnterpriseFilter::default();
    enterprises::list(db, Scope::City, &f, 1, 0)
        .await
        .expect("enterprises")
        .1
}

/// Asserts the audit chain and every audited record are intact, and the member counters
/// agree with the members.
pub async fn assert_audit_intact(db: &Db) {
    let v = store::audit::verify(db, &store::audited())
        .await
        .expect("verify");
    assert!(
        v.problem.is_none(),
        "audit verify: {:?}",
        v.problem.map(|p| p.to_string())
    );
    // The member counters kept beside the records agree with them too.
    let drift = store::union::members::counts::drift(db)
        .await
        .expect("counters");
    assert!(drift.is_empty(), "member counters drifted: {drift:?}");
}
