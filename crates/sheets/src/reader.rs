//! Reading a sheet: find the header, then hand out data rows one at a time.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::cell::{Cell, EMPTY, normalise_text, trim_text};
use crate::error::SheetError;
use crate::header::{Column, HEADER_SCAN_ROWS, match_row, required_names};
use crate::source::{Book, RawRow, SheetRows};

/// Rows of any kind, blank ones included, looked at before giving up on a sheet, so that a
/// sheet of endless spaces-only rows is not read to the end in search of a header.
const HEADER_SCAN_LIMIT: usize = 1_000;

/// Worksheets tried, in order, when looking for the header. Workbooks often open with an
/// instructions sheet; nobody's data is in the 33rd.
const MAX_SHEETS: usize = 32;

/// Reads the data rows of a spreadsheet, one at a time, as the caller's columns.
///
/// Opening finds the format and the header row; [`SheetReader::next_row`] then streams
/// what follows, so memory does not grow with the number of rows (`.xls`, capped at 65,536
/// rows, is the exception: it is loaded whole). The first worksheet with a matching header
/// is read, so an instructions sheet placed before the data does not get in the way.
pub struct SheetReader {
    rows: SheetRows,
    positions: Arc<[Option<usize>]>,
    header_row: usize,
    source_headers: Vec<String>,
    finished: bool,
}

impl SheetReader {
    /// Opens `path` (`.xlsx`, `.xls` or `.csv`, decided by content as well as extension)
    /// and finds the header row holding every required column among the first
    /// non-empty rows of each worksheet.
    ///
    /// # Errors
    /// [`SheetError::Unusable`] when the file is not a readable spreadsheet,
    /// [`SheetError::NoHeader`] when no header row holds all required columns (naming the
    /// missing ones), [`SheetError::Io`] and [`SheetError::Damaged`] as their names say.
    pub fn open(path: &Path, columns: &[Column]) -> Result<SheetReader, SheetError> {
        let mut book = Book::open(path)?;
        let mut closest: Option<Vec<String>> = None;
        for ordinal in 0..MAX_SHEETS {
            let Some(mut rows) = book.sheet(ordinal)? else {
                break;
            };
            match find_header(&mut rows, columns)? {
                HeaderSearch::Found(header, positions) => {
                    let source_headers = header.cells.iter().map(Cell::to_string).collect();
                    return Ok(SheetReader {
                        rows,
                        positions: positions.into(),
                        header_row: header.index + 1,
                        source_headers,
                        finished: false,
                    });
                }
                HeaderSearch::Missing(missing) => {
                    if closest
                        .as_ref()
                        .is_none_or(|best| missing.len() < best.len())
                    {
                        closest = Some(missing);
                    }
                }
            }
        }
        Err(SheetError::NoHeader {
            missing: closest.unwrap_or_else(|| required_names(columns)),
        })
    }

    /// The header row's number as Excel shows it (1-based), for messages such as "表头在第
    /// 3 行".
    pub fn header_row(&self) -> usize {
        self.header_row
    }

    /// Whether the header row has the caller's column `column_index`. Always true for
    /// required columns; lets the caller tell "optional column absent" from "cell empty".
    pub fn has_column(&self, column_index: usize) -> bool {
        self.positions
            .get(column_index)
            .is_some_and(Option::is_some)
    }

    /// The header row's texts as written, from column A, so a rejects file can repeat the
    /// person's own columns; pairs with [`Row::source_cells`].
    pub fn source_headers(&self) -> &[String] {
        &self.source_headers
    }

    /// The next data row, skipping rows with nothing in any cell; `None` at the end.
    ///
    /// # Errors
    /// [`SheetError::Damaged`] or [`SheetError::Io`] when the rest of the file cannot be
    /// read; after an error every later call returns `Ok(None)`.
    pub fn next_row(&mut self) -> Result<Option<Row>, SheetError> {
        while !self.finished {
            let raw = match self.rows.next_row() {
                Ok(Some(raw)) => raw,
                Ok(None) => break,
                Err(error) => {
                    self.finished = true;
                    return Err(error);
                }
            };
            if raw.is_blank() {
                continue;
            }
            return Ok(Some(Row {
                excel_row: raw.index + 1,
                cells: raw.cells,
                positions: Arc::clone(&self.positions),
            }));
        }
        self.finished = true;
        Ok(None)
    }
}

impl std::fmt::Debug for SheetReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetReader")
            .field("header_row", &self.header_row)
            .field("source_headers", &self.source_headers)
            .field("positions", &self.positions)
            .finish_non_exhaustive()
    }
}

/// Rows as an iterator, for `for row in reader { let row = row?; … }`.
impl Iterator for SheetReader {
    type Item = Result<Row, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().transpose()
    }
}

enum HeaderSearch {
    /// The header row, and where each caller column is in it.
    Found(RawRow, Vec<Option<usize>>),
    /// No header; the required columns missing from the row that came closest.
    Missing(Vec<String>),
}

/// Reads up to [`HEADER_SCAN_ROWS`] non-empty rows looking for the header.
fn find_header(rows: &mut SheetRows, columns: &[Column]) -> Result<HeaderSearch, SheetError> {
    let mut closest = required_names(columns);
    let mut scanned = 0;
    let mut examined = 0;
    while scanned < HEADER_SCAN_ROWS && examined < HEADER_SCAN_LIMIT {
        let Some(raw) = rows.next_row()? else {
            break;
        };
        examined += 1;
        if raw.is_blank() {
            continue;
        }
        scanned += 1;
        let found = match_row(&raw.cells, columns);
        if found.is_header() {
            return Ok(HeaderSearch::Found(raw, found.positions));
        }
        if found.missing.len() < closest.len() {
            closest = found.missing;
        }
    }
    Ok(HeaderSearch::Missing(closest))
}

/// One data row, with its cells reachable by the caller's column index (the position in
/// the `columns` slice given to [`SheetReader::open`]).
#[derive(Debug, Clone)]
pub struct Row {
    /// The row number as Excel shows it (1-based), for messages such as "第 12 行：…".
    pub excel_row: usize,
    cells: Vec<Cell>,
    positions: Arc<[Option<usize>]>,
}

impl Row {
    /// The raw cell for the caller's column; [`Cell::Empty`] when the column is absent
    /// from the file or the index is out of range.
    pub fn cell(&self, column_index: usize) -> &Cell {
        self.positions
            .get(column_index)
            .copied()
            .flatten()
            .and_then(|position| self.cells.get(position))
            .unwrap_or(&EMPTY)
    }

    /// The cell as text for parsing: trimmed, full-width letters, digits and punctuation
    /// made half-width, numbers rendered as Excel shows them. A number too large for
    /// Excel's 15 digits comes back in scientific form (`3.30182199001011E+17`) rather
    /// than as digits, so an ID that Excel has already damaged is reported, not accepted.
    pub fn text(&self, column_index: usize) -> String {
        match self.cell(column_index) {
            Cell::Text(text) => normalise_text(text),
            other => normalise_text(&other.to_string()),
        }
    }

    /// Like [`Row::text`] but keeping full-width characters, for values such as
    /// organisation names whose full-width brackets are part of the official spelling.
    pub fn text_trimmed(&self, column_index: usize) -> String {
        match self.cell(column_index) {
            Cell::Text(text) => trim_text(text),
            other => trim_text(&other.to_string()),
        }
    }

    /// The cell as a date: an Excel date, a serial number, or text such as `2019-3-5`,
    /// `2019.03.05`, `2019/3/5`, `2019年3月5日`, `20190305`. `Ok(None)` for an empty cell.
    ///
    /// # Errors
    /// A reason in Chinese, ready to show beside the row number, when the cell cannot be
    /// read as a date.
    pub fn date(&self, column_index: usize) -> Result<Option<NaiveDate>, String> {
        self.cell(column_index).date()
    }

    /// Whether every one of the caller's columns is blank — a row with content only in
    /// columns the caller ignores. Fully empty rows never reach the caller at all.
    pub fn is_blank(&self) -> bool {
        (0..self.positions.len()).all(|index| self.cell(index).is_blank())
    }

    /// The whole row as stored, from column A, including columns the caller ignores; with
    /// [`SheetReader::source_headers`] it lets a rejects file give back the person's rows
    /// as they wrote them.
    pub fn source_cells(&self) -> &[Cell] {
        &self.cells
    }
}
