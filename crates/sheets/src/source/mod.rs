//! The three file formats, each turned into the same thing: a stream of raw rows, numbered
//! as Excel numbers them, with every cell from column A on.
//!
//! The format is decided by content first, extension second: an `.xls` that is really an
//! `.xlsx` (or a CSV exported by some system under an `.xls` name) is common, and an upload
//! may arrive in a temporary file with no extension at all.

mod cfb;
mod csv;
pub(crate) mod guard;
pub(crate) mod hint;
mod xls;
mod xlsx;

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use calamine::{Data, DataRef, ExcelDateTime, Sheet, SheetType, SheetVisible};
use chrono::{NaiveDate, NaiveTime};

use crate::cell::Cell;
use crate::error::SheetError;

/// Excel's widest sheet has 16,384 columns (A to XFD); cells beyond it can only come from
/// a malformed file and are dropped, so one bad row cannot take unbounded memory.
pub(crate) const MAX_COLUMNS: usize = 16_384;

/// The message for anything that is not one of the supported formats.
pub(crate) const NOT_A_SHEET: &str = "文件不是可识别的表格（支持 .xlsx、.xls、.csv）";

pub(crate) const ENCRYPTED: &str =
    "文件设置了打开密码，无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入";

/// One row as stored: `index` is zero-based (Excel row `index + 1`), `cells` starts at
/// column A.
pub(crate) struct RawRow {
    pub(crate) index: usize,
    pub(crate) cells: Vec<Cell>,
}

impl RawRow {
    fn new(index: usize) -> RawRow {
        RawRow {
            index,
            cells: Vec::new(),
        }
    }

    fn set(&mut self, column: usize, cell: Cell) {
        if column >= MAX_COLUMNS || cell == Cell::Empty {
            return;
        }
        if self.cells.len() <= column {
            self.cells.resize(column + 1, Cell::Empty);
        }
        self.cells[column] = cell;
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Xls,
    Csv { delimiter: u8 },
}

/// An opened file that can hand out its worksheets in order.
pub(crate) enum Book {
    Xlsx(std::path::PathBuf),
    Xls(Box<xls::XlsBook>),
    Csv(std::path::PathBuf, u8),
}

/// One worksheet being read row by row.
pub(crate) enum SheetRows {
    Xlsx(xlsx::XlsxSheet),
    Xls(xls::XlsSheet),
    Csv(Box<csv::CsvSheet>),
}

impl Book {
    pub(crate) fn open(path: &Path) -> Result<Book, SheetError> {
        Ok(match detect(path)? {
            Format::Xlsx => {
                // Once per file, before any sheet of it is read.
                guard::check_xlsx(path)?;
                Book::Xlsx(path.to_owned())
            }
            Format::Xls => Book::Xls(Box::new(xls::XlsBook::open(path)?)),
            Format::Csv { delimiter } => Book::Csv(path.to_owned(), delimiter),
        })
    }

    /// The `ordinal`-th visible worksheet, or `None` past the last one.
    pub(crate) fn sheet(&mut self, ordinal: usize) -> Result<Option<SheetRows>, SheetError> {
        Ok(match self {
            Book::Xlsx(path) => xlsx::XlsxSheet::open(path, ordinal)?.map(SheetRows::Xlsx),
            Book::Xls(book) => book.sheet(ordinal)?.map(SheetRows::Xls),
            Book::Csv(path, delimiter) if ordinal == 0 => Some(SheetRows::Csv(Box::new(
                csv::CsvSheet::open(path, *delimiter)?,
            ))),
            Book::Csv(..) => None,
        })
    }
}

impl SheetRows {
    pub(crate) fn next_row(&mut self) -> Result<Option<RawRow>, SheetError> {
        match self {
            SheetRows::Xlsx(sheet) => sheet.next_row(),
            SheetRows::Xls(sheet) => Ok(sheet.next_row()),
            SheetRows::Csv(sheet) => sheet.next_row(),
        }
    }
}

/// How much of the file is looked at to decide its format.
const SNIFF_BYTES: usize = 8 * 1024;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn detect(path: &Path) -> Result<Format, SheetError> {
    let head = read_head(path)?;
    if head.is_empty() {
        return Err(SheetError::Unusable("文件是空的，没有任何内容".to_owned()));
    }
    if head.starts_with(ZIP_MAGIC) {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(OLE_MAGIC) {
        return Ok(Format::Xls);
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let text_allowed = matches!(extension.as_str(), "" | "csv" | "txt" | "xls" | "xlsx");
    if !text_allowed || head.contains(&0) {
        return Err(SheetError::Unusable(NOT_A_SHEET.to_owned()));
    }
    let start = head
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&head)
        .trim_ascii_start();
    if start.starts_with(b"<") {
        return Err(SheetError::Unusable(
            "文件其实是网页（HTML）或 XML 格式，不是真正的表格。请用 Excel 打开后另存为 .xlsx 再导入"
                .to_owned(),
        ));
    }
    Ok(Format::Csv {
        delimiter: sniff_delimiter(start),
    })
}

/// Most "CSV" is comma-separated, but some systems export tab-separated text under a
/// `.csv` or `.xls` name; the first line decides.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let count = |byte: u8| first_line.iter().filter(|&&b| b == byte).count();
    if count(b'\t') > count(b',') {
        b'\t'
    } else {
        b','
    }
}

fn read_head(path: &Path) -> Result<Vec<u8>, SheetError> {
    let mut file = File::open(path)?;
    let mut head = vec![0; SNIFF_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error.into()),
        }
    }
    head.truncate(filled);
    Ok(head)
}

/// The worksheets a person can see, in workbook order; hidden sheets only when there is
/// nothing else, since templates hide their lookup lists.
fn readable_sheets(metadata: &[Sheet]) -> Vec<String> {
    let worksheets = || {
        metadata
            .iter()
            .filter(|sheet| sheet.typ == SheetType::WorkSheet)
    };
    let visible: Vec<String> = worksheets()
        .filter(|sheet| sheet.visible == SheetVisible::Visible)
        .map(|sheet| sheet.name.clone())
        .collect();
    if visible.is_empty() {
        worksheets().map(|sheet| sheet.name.clone()).collect()
    } else {
        visible
    }
}

fn from_data(data: &Data) -> Cell {
    match data {
        Data::Int(value) => Cell::Int(*value),
        Data::Float(value) => Cell::Float(*value),
        Data::String(text) => Cell::Text(text.clone()),
        Data::Bool(value) => Cell::Bool(*value),
        Data::DateTime(moment) => from_excel_datetime(moment),
        Data::DateTimeIso(text) => from_iso(text),
        Data::DurationIso(text) => Cell::Text(text.clone()),
        Data::Error(error) => Cell::Error(error.to_string()),
        Data::Empty => Cell::Empty,
    }
}

fn from_data_ref(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Int(value) => Cell::Int(*value),
        DataRef::Float(value) => Cell::Float(*value),
        DataRef::String(text) => Cell::Text(text.clone()),
        DataRef::SharedString(text) => Cell::Text((*text).to_owned()),
        DataRef::Bool(value) => Cell::Bool(*value),
        DataRef::DateTime(moment) => from_excel_datetime(moment),
        DataRef::DateTimeIso(text) => from_iso(text),
        DataRef::DurationIso(text) => Cell::Text(text.clone()),
        DataRef::Error(error) => Cell::Error(error.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

/// A number formatted as a date. calamine knows the workbook's date system (1900 or 1904),
/// so its conversion is used; a value it cannot place (the fictitious 1900-02-29, a
/// duration) is kept as the number, which `Row::date` then explains.
fn from_excel_datetime(moment: &ExcelDateTime) -> Cell {
    let serial = moment.as_f64();
    if moment.is_duration() || !(0.0..2_958_466.0).contains(&serial) {
        return Cell::Float(serial);
    }
    let (year, month, day, hour, minute, second, _milli) = moment.to_ymd_hms_milli();
    let time = NaiveTime::from_hms_opt(hour.into(), minute.into(), second.into());
    if serial < 1.0 {
        // A time of day with no date: show it as Excel does.
        return match time {
            Some(time) => Cell::Text(time.format("%H:%M:%S").to_string()),
            None => Cell::Float(serial),
        };
    }
    match (
        NaiveDate::from_ymd_opt(year.into(), month.into(), day.into()),
        time,
    ) {
        (Some(date), Some(NaiveTime::MIN)) => Cell::Date(date),
        (Some(date), Some(time)) => Cell::DateTime(date.and_time(time)),
        _ => Cell::Float(serial),
    }
}

fn from_iso(text: &str) -> Cell {
    if let Ok(moment) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return if moment.time() == NaiveTime::MIN {
            Cell::Date(moment.date())
        } else {
            Cell::DateTime(moment)
        };
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) => Cell::Date(date),
        Err(_) => Cell::Text(text.to_owned()),
    }
}
