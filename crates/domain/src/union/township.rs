//! The townships and subdistricts (乡镇（街道）) a deployment serves: Jiande's 16 unless
//! configured otherwise ([`Township::configure`]; a larger deployment lists its own, read
//! once at start from `GROUNDWORK_TOWNSHIPS`). Coverage is counted, ranked and circulated
//! per township, so every enterprise, union and report line is tied to one of them; a
//! closed list keeps `新安江` and `新安江街道` from becoming two townships in a ranking.

use crate::platform::time::normalise_text;
use std::fmt;
use std::sync::OnceLock;

/// Jiande's administrative region code (GB/T 2260), the prefix of our township keys.
pub const JIANDE_REGION_CODE: &str = "330182";

/// The townships and subdistricts of Jiande in the order the city lists them: subdistricts
/// first, then towns, then the one township. Reports follow this order when all else is equal.
pub const JIANDE_TOWNSHIPS: [&str; 16] = [
    "新安江街道",
    "洋溪街道",
    "更楼街道",
    "莲花镇",
    "乾潭镇",
    "梅城镇",
    "杨村桥镇",
    "下涯镇",
    "大洋镇",
    "三都镇",
    "寿昌镇",
    "航头镇",
    "大慈岩镇",
    "大同镇",
    "李家镇",
    "钦堂乡",
];

/// One township or subdistrict. Only those of [`Township::all`] exist, so a value of this
/// type always names a real one.
///
/// The `code` is our own stable key — `330182` followed by the township's position in
/// [`JIANDE_TOWNSHIPS`] as three digits (`330182001` … `330182016`) — not the statistics
/// bureau's code; it only has to stay the same across imports, exports and databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Township {
    code: &'static str,
    name: &'static str,
}

/// Why a text names no township, or a configured list cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TownshipError {
    /// Not one of the townships served.
    #[error("不是本系统管辖的乡镇（街道）：“{0}”")]
    Unknown(String),
    /// A line of a configured list is not `代码,名称`, or repeats a code or a name.
    #[error("乡镇（街道）清单第 {line} 行有误：{reason}")]
    BadList {
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The list was already in use when it was configured.
    #[error("乡镇（街道）清单已在使用，不能再更改")]
    AlreadyConfigured,
}

/// The deployment's townships when configured; Jiande's otherwise.
static CONFIGURED: OnceLock<Vec<Township>> = OnceLock::new();

const fn township(code: &'static str, index: usize) -> Township {
    Township {
        code,
        name: JIANDE_TOWNSHIPS[index],
    }
}

impl Township {
    /// Jiande's 16, in [`JIANDE_TOWNSHIPS`] order: the default list, and the demo's.
    pub const JIANDE: [Township; 16] = [
        township("330182001", 0),
        township("330182002", 1),
        township("330182003", 2),
        township("330182004", 3),
        township("330182005", 4),
        township("330182006", 5),
        township("330182007", 6),
        township("330182008", 7),
        township("330182009", 8),
        township("330182010", 9),
        township("330182011", 10),
        township("330182012", 11),
        township("330182013", 12),
        township("330182014", 13),
        township("330182015", 14),
        township("330182016", 15),
    ];

    /// Our stable key, e.g. `330182007` for 杨村桥镇; what the database stores.
    pub fn code(self) -> &'static str {
        self.code
    }

    /// The full Chinese name, e.g. `杨村桥镇`; what people read.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The name without its `街道`/`镇`/`乡` suffix (`杨村桥`), which is how staff often write
    /// it in spreadsheets; Jiande's 16 short names are distinct, so it is still unambiguous
    /// there (a configured list where two are alike is read by full name first).
    pub fn short_name(self) -> &'static str {
        ["街道", "镇", "乡"]
            .iter()
            .find_map(|suffix| self.name.strip_suffix(suffix))
            .unwrap_or(self.name)
    }

    /// Every township served, in the order reports list them; report pages iterate this
    /// so a township with no enterprises still gets its line.
    pub fn all() -> &'static [Township] {
        CONFIGURED.get().map_or(&Township::JIANDE, Vec::as_slice)
    }

    /// Makes `list` (code, name — in report order) the townships served, for the rest of
    /// the process. Called once at start, before anything reads [`Township::all`]; the
    /// names are kept for the life of the process.
    pub fn configure(list: Vec<(String, String)>) -> Result<(), TownshipError> {
        let townships = list
            .into_iter()
            .map(|(code, name)| Township {
                code: Box::leak(code.into_boxed_str()),
                name: Box::leak(name.into_boxed_str()),
            })
            .collect();
        CONFIGURED
            .set(townships)
            .map_err(|_| TownshipError::AlreadyConfigured)
    }

    /// [`Township::read_list`] then [`Township::configure`]: the list a file holds becomes
    /// the townships served.
    pub fn configure_from(text: &str) -> Result<(), TownshipError> {
        Township::configure(Township::read_list(text)?)
    }

    /// Reads a township list as written in a file: one `代码,名称` a line (a comma or a
    /// tab; blank lines and lines starting with `#` skipped); codes and names unique.
    pub fn read_list(text: &str) -> Result<Vec<(String, String)>, TownshipError> {
        let mut list: Vec<(String, String)> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = normalise_text(line);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |reason: &str| TownshipError::BadList {
                line: i + 1,
                reason: reason.to_string(),
            };
            let (code, name) = line
                .split_once([',', '\t'])
                .map(|(c, n)| (c.trim().to_string(), n.trim().to_string()))
                .ok_or_else(|| bad("应为“代码,名称”"))?;
            if code.is_empty() || name.is_empty() || name.contains(',') {
                return Err(bad("代码和名称都不能为空，名称中不能有逗号"));
            }
            if list.iter().any(|(c, n)| *c == code || *n == name) {
                return Err(bad("代码或名称与前面的行重复"));
            }
            list.push((code, name));
        }
        if list.is_empty() {
            return Err(TownshipError::BadList {
                line: 0,
                reason: "清单中没有任何乡镇（街道）".to_string(),
            });
        }
        Ok(list)
    }

    /// Position in [`Township::all`] (0-based), the order reports list townships in.
    pub fn position(self) -> usize {
        let all = Township::all();
        all.iter()
            .position(|t| t.name == self.name)
            .unwrap_or(all.len())
    }

    /// Looks a township up by our key.
    pub fn from_code(code: &str) -> Option<Township> {
        let code = normalise_text(code);
        Township::all().iter().copied().find(|t| t.code == code)
    }

    /// Reads a township as people write it: the full name (`杨村桥镇`), the short name
    /// (`杨村桥`), with a `浙江省`/`杭州市`/`建德市` prefix, or our key (`330182007`).
    pub fn parse(text: &str) -> Result<Township, TownshipError> {
        let cleaned: String = normalise_text(text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut rest = cleaned.as_str();
        for prefix in ["浙江省", "杭州市", "建德市"] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        let all = Township::all();
        all.iter()
            .find(|t| t.name == rest || t.code == rest)
            .or_else(|| all.iter().find(|t| t.short_name() == rest))
            .copied()
            .ok_or_else(|| TownshipError::Unknown(text.trim().to_string()))
    }
}

/// Shown as its full Chinese name.
impl fmt::Display for Township {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn all_sixteen_townships_have_distinct_keys_and_short_names() {
        let codes: HashSet<_> = Township::JIANDE.iter().map(|t| t.code()).collect();
        let shorts: HashSet<_> = Township::JIANDE.iter().map(|t| t.short_name()).collect();
        assert_eq!(codes.len(), 16);
        assert_eq!(shorts.len(), 16);
        for (i, t) in Township::JIANDE.iter().enumerate() {
            assert_eq!(t.name(), JIANDE_TOWNSHIPS[i]);
            assert_eq!(t.position(), i);
            assert!(t.code().starts_with(JIANDE_REGION_CODE));
        }
    }

    #[test]
    fn reads_townships_the_ways_staff_write_them() {
        let yangcunqiao = Township::parse("杨村桥镇").unwrap();
        assert_eq!(yangcunqiao.code(), "330182007");
        for text in [
            "杨村桥",
            " 建德市杨村桥镇 ",
            "浙江省杭州市建德市杨村桥镇",
            "330182007",
        ] {
            assert_eq!(Township::parse(text), Ok(yangcunqiao), "{text}");
        }
        assert_eq!(Township::parse("钦堂").map(Township::name), Ok("钦堂乡"));
        assert_eq!(
            Township::parse("新安江").map(Township::name),
            Ok("新安江街道")
        );
        assert_eq!(
            Township::from_code("330182016"),
            Township::parse("钦堂乡").ok()
        );
    }

    #[test]
    fn rejects_places_outside_jiande() {
        assert_eq!(
            Township::parse("瓶窑镇"),
            Err(TownshipError::Unknown("瓶窑镇".to_string()))
        );
        assert!(Township::parse("").is_err());
        assert!(Township::from_code("330182017").is_none());
    }

    #[test]
    fn a_configured_list_is_read_line_by_line_and_refused_when_wrong() {
        let list = Township::read_list("# 代码,名称\n330100001,甲街道\n\n330100002\t乙镇\n")
            .expect("list");
        assert_eq!(
            list,
            vec![
                ("330100001".to_string(), "甲街道".to_string()),
                ("330100002".to_string(), "乙镇".to_string())
            ]
        );
        assert!(matches!(
            Township::read_list("330100001,甲街道\n330100001,乙镇"),
            Err(TownshipError::BadList { line: 2, .. })
        ));
        assert!(matches!(
            Township::read_list("甲街道"),
            Err(TownshipError::BadList { line: 1, .. })
        ));
        assert!(Township::read_list("# 空\n").is_err());
    }

    #[test]
    fn every_name_and_key_round_trips() {
        for t in Township::JIANDE {
            assert_eq!(Township::parse(t.name()), Ok(t));
            assert_eq!(Township::parse(&t.to_string()), Ok(t));
            assert_eq!(Township::from_code(t.code()), Some(t));
        }
    }
}
