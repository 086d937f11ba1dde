//! Shared by the tests: the columns an import would ask for, and a scratch directory.

use std::path::PathBuf;

use chrono::NaiveDate;
use sheets::Column;

/// Indexes into [`MEMBER_COLUMNS`].
pub const NAME: usize = 0;
pub const ID: usize = 1;
pub const JOINED: usize = 2;
pub const HEADCOUNT: usize = 3;
pub const QQ: usize = 4;
pub const PHONE: usize = 5;

pub const MEMBER_COLUMNS: &[Column] = &[
    Column::required("姓名"),
    Column::required("身份证号").aliases(&["公民身份号码"]),
    Column::optional("入会日期"),
    Column::optional("人数"),
    Column::optional("QQ号"),
    Column::optional("手机号码"),
];

pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }
}

pub fn march_5_2019() -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 3, 5).expect("valid date")
}
