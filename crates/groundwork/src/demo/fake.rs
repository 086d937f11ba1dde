//! Realistic fake data for the demo: people's names, resident IDs and mobiles that pass the
//! real checks, enterprise names and credit codes. Deterministic (a fixed seed), so every
//! demo database holds the same records and the same 2019 figures.

use chrono::NaiveDate;
use domain::platform::{credit_code, resident_id};
use std::collections::HashSet;

/// A small xorshift generator: reproducible, no dependency, good enough for fake data.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (zero is replaced, xorshift would stay at zero).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// An index into a slice of `len` items (`len > 0`).
    pub fn index(&mut self, len: usize) -> usize {
        (self.next() % len.max(1) as u64) as usize
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.range(0, 99) < percent
    }

    /// A date in `from..=to`.
    pub fn date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as u64;
        from + chrono::Days::new(self.range(0, span))
    }
}

/// Surnames weighted towards those common in western Zhejiang (方, 叶, 徐, 余, 洪 …).
const SURNAMES: &[&str] = &[
    "方", "方", "叶", "叶", "徐", "徐", "王", "王", "余", "洪", "邵", "胡", "李", "张", "陈", "刘",
    "吴", "周", "何", "姜", "汪", "朱", "许", "杨", "黄", "赵", "孙", "郑", "钱", "严", "邓", "程",
    "唐", "罗", "项", "童", "傅", "章", "鲍", "毛", "詹", "翁", "应", "郎", "戴", "金", "林", "潘",
];

/// Characters of given names.
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "辉", "玲", "红", "燕", "新",
    "春", "林", "峰", "斌", "波", "婷", "雪", "晨", "宇", "浩", "凯", "鹏", "晓", "佳", "丹", "萍",
    "俊", "慧", "琴", "云", "海", "亮", "飞", "益", "德", "荣", "美", "金", "水", "根", "土", "松",
];

/// A plausible Chinese name of two or three characters.
pub fn person_name(rng: &mut Rng) -> String {
    let mut name = rng.pick(SURNAMES).to_string();
    name.push_str(rng.pick::<&str>(GIVEN));
    if rng.chance(70) {
        name.push_str(rng.pick::<&str>(GIVEN));
    }
    name
}

/// A mobile number that parses: 13x–19x and eight more digits.
pub fn mobile(rng: &mut Rng) -> String {
    let second = *rng.pick(&[3u64, 5, 7, 8, 9]);
    format!(
        "1{second}{}{:08}",
        rng.range(0, 9),
        rng.range(0, 99_999_999)
    )
}

/// Resident IDs issued in Jiande (region 330182), unique within one generator, never equal
/// to the IDs set aside (the demo member's).
pub struct Ids {
    used: HashSet<String>,
}

impl Ids {
    /// A generator that will never produce any of `reserved`.
    pub fn new(reserved: &[&str]) -> Ids {
        Ids {
            used: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A new valid ID of someone born between 1960 and 2001.
    pub fn next(&mut self, rng: &mut Rng) -> String {
        loop {
            let birth = rng.date(
                NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default(),
                NaiveDate::from_ymd_opt(2001, 12, 31).unwrap_or_default(),
            );
            let first17 = format!("330182{}{:03}", birth.format("%Y%m%d"), rng.range(0, 999));
            let Some(check) = resident_id::check_char(&first17) else {
                continue;
            };
            let id = format!("{first17}{check}");
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The 31 characters of a credit code.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Unified social credit codes of Jiande enterprises (`91330182…`), unique.
pub struct CreditCodes {
    used: HashSet<String>,
}

impl CreditCodes {
    /// A fresh generator.
    pub fn new() -> CreditCodes {
        CreditCodes {
            used: HashSet::new(),
        }
    }

    /// A new valid code.
    pub fn next(&mut self, rng: &mut Rng) -> String {
        loop {
            let mut first17 = String::from("91330182");
            for _ in 0..9 {
                first17.push(char::from(*rng.pick(CODE_ALPHABET)));
            }
            let Some(check) = credit_code::check_char(&first17) else {
                continue;
            };
            let code = format!("{first17}{check}");
            if self.used.insert(code.clone()) {
                return code;
            }
        }
    }
}

const WORDS: &[&str] = &[
    "新安", "富春", "严州", "千岛", "江南", "兰江", "三江", "白沙", "天和", "华丰", "恒通", "宏达",
    "鑫源", "金秋", "正大", "永盛", "佳和", "博远", "绿源", "康达", "明珠", "利民", "顺发", "信诚",
];

const TRADES: &[&str] = &[
    "机械制造",
    "化工",
    "食品",
    "纺织",
    "电子科技",
    "新型建材",
    "物流",
    "茶业",
    "竹木制品",
    "塑业",
    "五金",
    "包装",
    "服饰",
    "医疗器械",
    "汽车配件",
    "电器",
    "农业开发",
    "旅游开发",
    "建筑工程",
    "印务",
];

/// Enterprise names, unique: `建德市{乡镇简称}{字号}{行业}有限公司`.
pub struct EnterpriseNames {
    used: HashSet<String>,
}

impl EnterpriseNames {
    /// A fresh generator.
    pub fn new() -> EnterpriseNames {
        EnterpriseNames {
            used: HashSet::new(),
        }
    }

    /// A new name for an enterprise of the township with short name `short`.
    pub fn next(&mut self, rng: &mut Rng, short: &str) -> String {
        loop {
            let suffix = if rng.chance(15) {
                "股份有限公司"
            } else {
                "有限公司"
            };
            let name = format!(
                "建德市{short}{}{}{suffix}",
                rng.pick(WORDS),
                rng.pick(TRADES)
            );
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::platform::{CreditCode, Mobile, ResidentId};

    #[test]
    fn generated_identifiers_pass_the_real_checks() {
        let mut rng = Rng::new(7);
        let mut ids = Ids::new(&["330182199001010014"]);
        let mut codes = CreditCodes::new();
        for _ in 0..500 {
            let id = ids.next(&mut rng);
            assert!(ResidentId::parse(&id).is_ok(), "{id}");
            assert_ne!(id, "330182199001010014");
            let code = codes.next(&mut rng);
            assert!(CreditCode::parse(&code).is_ok(), "{code}");
            let m = mobile(&mut rng);
            assert!(Mobile::parse(&m).is_ok(), "{m}");
            let n = person_name(&mut rng).chars().count();
            assert!((2..=3).contains(&n));
        }
    }
}
