//! The workbook guard: before calamine reads an `.xlsx`, every XML part is inflated once,
//! as a stream, and measured. A small file may expand to gigabytes (one cell of a billion
//! characters, a shared-string table of millions of entries): calamine would hold such a
//! cell or table in memory whole, so a part that breaks a limit refuses the file before
//! anything is read. Memory stays at one buffer whatever the file.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::SheetError;

/// Excel's own limit on the characters of one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The longest run of text (or one tag) an XML part may hold: a cell at Excel's limit,
/// four bytes a character, and room for its tag.
const MAX_RUN_BYTES: usize = MAX_CELL_CHARS * 4 + 4_096;
/// The shared-string table calamine keeps in memory whole.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 128 << 20;
/// Any one part, inflated.
pub const MAX_PART_BYTES: u64 = 2 << 30;
/// How much a part may expand beyond [`RATIO_FROM_BYTES`]: real sheets compress 5 to 30
/// times; a bomb, thousands.
pub const MAX_RATIO: u64 = 200;
/// Parts smaller than this are not held to [`MAX_RATIO`] (tiny parts compress oddly).
const RATIO_FROM_BYTES: u64 = 32 << 20;

/// Checks every XML part of the workbook at `path` against the limits.
pub(crate) fn check_xlsx(path: &Path) -> Result<(), SheetError> {
    let file = File::open(path)?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|_| SheetError::Unusable(super::NOT_A_SHEET.to_owned()))?;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = match zip.by_index(i) {
            Ok(part) => part,
            // Encrypted or unsupported entries are calamine's to report.
            Err(_) => continue,
        };
        let Ok(name) = part.name().map(|n| n.into_owned()) else {
            continue;
        };
        if !name.ends_with(".xml") {
            continue;
        }
        let compressed = part.compressed_size().max(1);
        let shared = name.ends_with("sharedStrings.xml");
        let mut inflated: u64 = 0;
        let mut run: usize = 0;
        loop {
            let n = match part.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                // A damaged part: calamine reports it in its own words.
                Err(_) => break,
            };
            inflated += n as u64;
            if inflated > MAX_PART_BYTES
                || (inflated > RATIO_FROM_BYTES && inflated / compressed > MAX_RATIO)
            {
                return Err(refused(format!(
                    "文件解压后异常膨胀（{name} 超过 {} MB 或压缩比超过 {MAX_RATIO} 倍），疑似恶意文件",
                    inflated >> 20
                )));
            }
            if shared && inflated > MAX_SHARED_STRINGS_BYTES {
                return Err(refused(format!(
                    "共享字符串表超过 {} MB，超出导入上限；请拆分文件",
                    MAX_SHARED_STRINGS_BYTES >> 20
                )));
            }
            for &b in &buffer[..n] {
                if b == b'<' || b == b'>' {
                    run = 0;
                } else {
                    run += 1;
                    if run > MAX_RUN_BYTES {
                        return Err(refused(format!(
                            "有单元格内容超过 Excel 上限 {MAX_CELL_CHARS} 个字符（{name}）"
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

fn refused(reason: String) -> SheetError {
    SheetError::Unusable(format!("文件被拒绝：{reason}"))
}
