//! The guard for `.xls`, run before calamine reads the file: the things a few kilobytes
//! can ask calamine for that end the process rather than give an error (an allocation
//! that fails aborts; `catch_unwind` cannot catch it).
//!
//! - The OLE container's sector chains must end. calamine follows a chain until the end
//!   mark, so a chain that loops back on itself has it append the same sectors forever.
//! - The sheets must fit the format. calamine lays each sheet out densely, from its first
//!   cell to its last, and reserves room for what the sheet's DIMENSIONS record claims; a
//!   cell at column 60,000 or a claim of a billion rows asks for gigabytes.
//!
//! A real workbook passes both, so a failure refuses the file with a reason.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::SheetError;

/// Sector numbers from here up are marks (free, end of chain, FAT, DIFAT), not sectors.
const FIRST_MARK: u32 = 0xFFFF_FFFA;
/// `.xls` holds at most 65,536 rows by 256 columns a sheet; a compound file larger than
/// this is not a workbook anyone made in Excel.
const MAX_FILE_BYTES: u64 = 512 << 20;
/// Columns of an `.xls` sheet: A to IV.
const MAX_COLUMNS: u32 = 256;
/// Rows of an `.xls` sheet.
const MAX_ROWS: u64 = 65_536;
/// Sheet area calamine may lay out over the whole workbook: 65,536 rows by 61 columns,
/// about 160 MB as calamine holds cells. Real `.xls` files fill far less.
const MAX_CELLS: u64 = 4_000_000;
/// Streams shorter than this live in the mini stream, in 64-byte sectors.
const MINI_CUTOFF: u64 = 4096;

/// What the person is told about a container whose chains loop.
const LOOPING: &str =
    "文件已损坏（.xls 内部结构首尾相接），无法读取。请在 Excel 中打开后另存为 .xlsx 再导入";
/// What the person is told about a sheet larger than the format allows.
const TOO_LARGE: &str = "文件中的工作表范围超出 .xls 格式的限制（或文件已损坏），无法读取。请在 Excel 中打开后另存为 .xlsx 再导入";

/// Refuses an `.xls` whose container loops or whose sheets exceed the format. Anything
/// else wrong with the file is left to calamine to report.
pub(crate) fn check_xls(path: &Path) -> Result<(), SheetError> {
    let file = File::open(path)?;
    if file.metadata()?.len() > MAX_FILE_BYTES {
        return Err(SheetError::Unusable(TOO_LARGE.to_owned()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES).read_to_end(&mut bytes)?;
    let Some(container) = Container::parse(&bytes)? else {
        return Ok(());
    };
    match container
        .stream("Workbook")
        .or_else(|| container.stream("Book"))
    {
        Some(workbook) => check_extents(&workbook),
        None => Ok(()),
    }
}

struct Container<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    /// Directory entries: name, first sector, size.
    entries: Vec<(String, u32, u64)>,
}

impl<'a> Container<'a> {
    /// `None` when the header is not one calamine would read; it says why.
    fn parse(bytes: &'a [u8]) -> Result<Option<Container<'a>>, SheetError> {
        let Some(header) = bytes.get(..512) else {
            return Ok(None);
        };
        let sector_size = match u16_at(header, 0x1E) {
            9 => 512,
            12 => 4096,
            _ => return Ok(None),
        };
        let mut container = Container {
            bytes,
            sector_size,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            entries: Vec::new(),
        };
        let sectors = bytes.len() / sector_size;

        // The FAT's own sectors: 109 in the header, the rest in a chain of DIFAT sectors.
        let mut fat_sectors: Vec<u32> = words(&header[0x4C..512]).collect();
        let mut difat = u32_at(header, 0x44);
        let mut hops = 0;
        while difat < FIRST_MARK {
            hops += 1;
            let Some(block) = container.sector(difat).filter(|_| hops <= sectors) else {
                return Err(SheetError::Unusable(LOOPING.to_owned()));
            };
            let mut entries: Vec<u32> = words(block).collect();
            difat = entries.pop().unwrap_or(FIRST_MARK);
            fat_sectors.extend(entries);
        }
        for id in fat_sectors.into_iter().filter(|id| *id < FIRST_MARK) {
            match container.sector(id) {
                Some(block) => container.fat.extend(words(block)),
                // calamine says "points past end of file".
                None => return Ok(None),
            }
        }
        if loops(&container.fat) {
            return Err(SheetError::Unusable(LOOPING.to_owned()));
        }
        // From here on every FAT chain ends, so the reads below are bounded.
        let mini_fat = container.chain(u32_at(header, 0x3C), false);
        container.mini_fat = words(&mini_fat).collect();
        if loops(&container.mini_fat) {
            return Err(SheetError::Unusable(LOOPING.to_owned()));
        }
        let directory = container.chain(u32_at(header, 0x30), false);
        container.entries = directory
            .chunks_exact(128)
            .map(|entry| {
                let name_bytes = usize::from(u16_at(entry, 64)).min(64);
                let units: Vec<u16> = entry[..name_bytes]
                    .chunks_exact(2)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                    .take_while(|unit| *unit != 0)
                    .collect();
                let name = String::from_utf16_lossy(&units);
                (name, u32_at(entry, 116), u64::from(u32_at(entry, 120)))
            })
            .collect();
        Ok(Some(container))
    }

    /// Sector `id`, cut short by the end of the file as calamine reads it (a truncated
    /// FAT sector still links what it holds); `None` when it starts past the end.
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = usize::try_from(id)
            .ok()?
            .checked_add(1)?
            .checked_mul(self.sector_size)?;
        let end = start.checked_add(self.sector_size)?.min(self.bytes.len());
        self.bytes.get(start..end)
    }

    /// A chain's bytes, through the FAT or (`mini`) through the mini FAT over the mini
    /// stream. Stops at a sector past the end of the file, as calamine's read would.
    fn chain(&self, start: u32, mini: bool) -> Vec<u8> {
        let (table, ministream) = if mini {
            let root = self.entries.first().map_or(FIRST_MARK, |entry| entry.1);
            (&self.mini_fat, Some(self.chain(root, false)))
        } else {
            (&self.fat, None)
        };
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0;
        while id < FIRST_MARK && steps <= table.len() {
            steps += 1;
            let block = match &ministream {
                Some(stream) => {
                    let at = id as usize * 64;
                    stream.get(at..at + 64)
                }
                None => self.sector(id),
            };
            let Some(block) = block else { break };
            out.extend_from_slice(block);
            id = table.get(id as usize).copied().unwrap_or(FIRST_MARK);
        }
        out
    }

    fn stream(&self, name: &str) -> Option<Vec<u8>> {
        let (_, start, size) = self
            .entries
            .iter()
            .find(|entry| entry.0.eq_ignore_ascii_case(name))?;
        let mut bytes = self.chain(*start, *size < MINI_CUTOFF);
        bytes.truncate(usize::try_from(*size).unwrap_or(usize::MAX));
        Some(bytes)
    }
}

/// Walks the BIFF records of the workbook stream, sheet by sheet (each sheet starts with a
/// BOF record), measuring the area calamine will lay out and reserve.
fn check_extents(stream: &[u8]) -> Result<(), SheetError> {
    let too_large = || SheetError::Unusable(TOO_LARGE.to_owned());
    let mut sheets_named: u64 = 0;
    let mut total: u64 = 0;
    let mut largest: u64 = 0;
    let mut sheet = Extent::default();
    let mut at = 0;
    while let Some(head) = stream.get(at..at + 4) {
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        at += 4 + len;
        match kind {
            // BOUNDSHEET: calamine reads each named sheet, wherever it points.
            0x0085 => sheets_named += 1,
            // BOF: a new sheet.
            0x0809 => {
                let area = sheet.area();
                total = total.saturating_add(area);
                largest = largest.max(area);
                sheet = Extent::default();
            }
            // DIMENSIONS: calamine reserves room for the claimed rows times columns.
            0x0200 => {
                let (first_row, last_row, first_col, last_col) = match data.len() {
                    10 => (
                        u32::from(u16_at(data, 0)),
                        u32::from(u16_at(data, 2)),
                        u32::from(u16_at(data, 4)),
                        u32::from(u16_at(data, 6)),
                    ),
                    14 | 16 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u32::from(u16_at(data, 8)),
                        u32::from(u16_at(data, 10)),
                    ),
                    _ => continue,
                };
                let first_col = if first_col > 0xFF || last_col < first_col {
                    0
                } else {
                    first_col
                };
                if last_row >= 1 && last_col >= 1 {
                    let rows = u64::from(last_row).checked_sub(u64::from(first_row));
                    let cols = u64::from(last_col).checked_sub(u64::from(first_col));
                    match (rows, cols) {
                        (Some(rows), Some(cols)) if rows <= MAX_ROWS && cols <= 0xFFFF => {
                            sheet.reserved = sheet.reserved.max(rows * cols);
                        }
                        _ => return Err(too_large()),
                    }
                }
            }
            // Cells: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if data.len() >= 4 => {
                sheet.add(u16_at(data, 0), u16_at(data, 2), u16_at(data, 2));
            }
            // MULRK: one row, a run of columns.
            0x00BD if data.len() >= 6 => {
                let last = u16_at(data, data.len() - 2);
                sheet.add(u16_at(data, 0), u16_at(data, 2), last);
            }
            _ => {}
        }
        if sheet.widest > MAX_COLUMNS {
            return Err(too_large());
        }
    }
    let area = sheet.area();
    total = total.saturating_add(area);
    largest = largest.max(area);
    if total.max(largest.saturating_mul(sheets_named)) > MAX_CELLS {
        return Err(too_large());
    }
    Ok(())
}

/// The rectangle a sheet's cells span, and the room its DIMENSIONS record claims.
#[derive(Default)]
struct Extent {
    span: Option<(u16, u16, u16, u16)>,
    widest: u32,
    reserved: u64,
}

impl Extent {
    fn add(&mut self, row: u16, first_col: u16, last_col: u16) {
        let (low_col, high_col) = (first_col.min(last_col), first_col.max(last_col));
        self.widest = self.widest.max(u32::from(high_col) + 1);
        self.span = Some(match self.span {
            None => (row, row, low_col, high_col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(low_col), c1.max(high_col)),
        });
    }

    /// Cells laid out plus cells reserved.
    fn area(&self) -> u64 {
        let laid_out = self.span.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
        });
        laid_out.saturating_add(self.reserved)
    }
}

/// Whether following `next` from some entry comes back to an entry already passed.
/// Each entry is walked once overall, so this is linear in the table's size.
fn loops(next: &[u32]) -> bool {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const ENDS: u8 = 2;
    let mut state = vec![NEW; next.len()];
    for start in 0..next.len() {
        let mut path = Vec::new();
        let mut at = start;
        let looped = loop {
            match state[at] {
                ON_PATH => break true,
                ENDS => break false,
                _ => {}
            }
            state[at] = ON_PATH;
            path.push(at);
            match usize::try_from(next[at]) {
                Ok(following) if following < next.len() => at = following,
                _ => break false,
            }
        };
        if looped {
            return true;
        }
        for passed in path {
            state[passed] = ENDS;
        }
    }
    false
}

fn words(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|word| u32::from_le_bytes([word[0], word[1], word[2], word[3]]))
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}
