//! Writing `.xlsx` files: exports, import templates, and rejects files.
//!
//! Rows go to disk as they are written (rust_xlsxwriter's constant-memory mode), so a
//! million-row export needs no more memory than a ten-row one. Text is always written as
//! text, and every column is formatted as text, so an ID typed into a template later stays
//! an ID instead of becoming `3.30182E+17`.

use std::path::Path;

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::cell::Cell;
use crate::date::excel_serial;
use crate::error::SheetError;

/// Excel's limits for one worksheet.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
const MAX_CELL_CHARS: usize = 32_767;

/// Column widths, in Excel's units (about one Latin character; a Chinese character takes
/// two). Wide enough for an 18-digit ID, not so wide that one long note takes the screen.
const MIN_WIDTH: usize = 10;
const MAX_WIDTH: usize = 60;

/// Writes a worksheet of an `.xlsx` file, row by row: an optional merged title row, a
/// bold header row that stays in view while scrolling, then data. Past Excel's 1,048,576
/// rows the rows continue on a second worksheet (and a third …) under the same headers,
/// so a file of millions of rejected rows keeps every one of them.
///
/// Rows cannot be revisited once written — that is what keeps memory constant. Nothing is
/// on disk at `path` until [`SheetWriter::finish`] succeeds.
pub struct SheetWriter {
    workbook: Workbook,
    /// The worksheet being written (0 until the first fills up).
    current: usize,
    /// The headers, repeated at the top of each continuation sheet.
    headers: Vec<String>,
    next_row: u32,
    /// Widest content seen per column, so columns can be sized when the file is finished.
    widths: Vec<usize>,
    text: Format,
    date: Format,
    datetime: Format,
}

impl SheetWriter {
    /// Starts a sheet whose first row is `headers`.
    ///
    /// # Errors
    /// [`SheetError::Write`] when the temporary file for the rows cannot be created or
    /// there are more than 16,384 headers.
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Result<SheetWriter, SheetError> {
        SheetWriter::start(None, headers)
    }

    /// Starts a sheet with `title` merged across the width of the table above the header
    /// row, as printed reports and templates usually have. Readers in this crate skip it.
    ///
    /// # Errors
    /// As [`SheetWriter::new`].
    pub fn with_title<S: AsRef<str>>(
        title: &str,
        headers: &[S],
    ) -> Result<SheetWriter, SheetError> {
        SheetWriter::start(Some(title), headers)
    }

    fn start<S: AsRef<str>>(title: Option<&str>, headers: &[S]) -> Result<SheetWriter, SheetError> {
        if headers.is_empty() || headers.len() > MAX_COLUMNS {
            return Err(SheetError::Write(format!(
                "表头列数应在 1 到 {MAX_COLUMNS} 之间，实际为 {}",
                headers.len()
            )));
        }
        let mut writer = SheetWriter {
            workbook: Workbook::new(),
            current: 0,
            headers: headers.iter().map(|h| h.as_ref().to_string()).collect(),
            next_row: 0,
            widths: vec![0; headers.len()],
            text: Format::new().set_num_format("@"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        };
        writer.open_sheet(title)?;
        Ok(writer)
    }

    /// Adds a worksheet and writes its title (if any) and header rows; rows go there next.
    fn open_sheet(&mut self, title: Option<&str>) -> Result<(), SheetError> {
        let text = self.text.clone();
        let columns = self.headers.len();
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(write_error)?;
        for column in 0..columns {
            sheet
                .set_column_format(column_number(column), &text)
                .map_err(write_error)?;
        }
        self.next_row = 0;
        if let Some(title) = title {
            let title_format = Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter);
            let last = column_number(columns - 1);
            if last == 0 {
                sheet.write_string_with_format(0, 0, title, &title_format)
            } else {
                sheet.merge_range(0, 0, 0, last, title, &title_format)
            }
            .map_err(write_error)?;
            sheet.set_row_height(0, 24).map_err(write_error)?;
            self.next_row = 1;
        }
        let header_format = Format::new()
            .set_bold()
            .set_num_format("@")
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(0x00D9_E1F2))
            .set_border(FormatBorder::Thin);
        let header_row = self.next_row;
        let headers = self.headers.clone();
        self.write_with(&headers, |sheet, row, column, header| {
            sheet.write_string_with_format(row, column, header, &header_format)
        })?;
        // Keep the header visible while scrolling through the data.
        self.sheet()?
            .set_freeze_panes(header_row + 1, 0)
            .map_err(write_error)?;
        Ok(())
    }

    /// Appends a row of text cells. Values are written exactly as given, as text, so IDs,
    /// phone numbers and codes with leading zeros survive; a value starting with `=` is
    /// text too, never a formula.
    ///
    /// # Errors
    /// [`SheetError::Write`] past Excel's 16,384 columns.
    pub fn write_row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), SheetError> {
        let text = self.text.clone();
        self.write_with(cells, |sheet, row, column, value| {
            if value.is_empty() {
                return Ok(sheet);
            }
            sheet.write_string_with_format(row, column, value, &text)
        })
    }

    /// Appends a row of typed cells: numbers as numbers (so Excel can sum an export's
    /// amounts), dates as real Excel dates, text as text. Use [`SheetWriter::write_row`]
    /// for anything that merely looks like a number, such as an ID.
    ///
    /// # Errors
    /// As [`SheetWriter::write_row`].
    pub fn write_cells(&mut self, cells: &[Cell]) -> Result<(), SheetError> {
        let (text, date, datetime) = (self.text.clone(), self.date.clone(), self.datetime.clone());
        let shown: Vec<String> = cells.iter().map(Cell::to_string).collect();
        self.write_with(&shown, |sheet, row, column, shown_text| {
            let Some(cell) = cells.get(usize::from(column)) else {
                return Ok(sheet);
            };
            match cell {
                Cell::Empty => Ok(sheet),
                Cell::Int(value) => {
                    sheet.write_number_with_format(row, column, *value as f64, &Format::new())
                }
                Cell::Float(value) if value.is_finite() => {
                    sheet.write_number_with_format(row, column, *value, &Format::new())
                }
                Cell::Bool(value) => {
                    sheet.write_boolean_with_format(row, column, *value, &Format::new())
                }
                Cell::Date(day) => match excel_serial(day.and_time(chrono::NaiveTime::MIN)) {
                    Some(serial) => sheet.write_number_with_format(row, column, serial, &date),
                    None => sheet.write_string_with_format(row, column, shown_text, &text),
                },
                Cell::DateTime(moment) => match excel_serial(*moment) {
                    Some(serial) => sheet.write_number_with_format(row, column, serial, &datetime),
                    None => sheet.write_string_with_format(row, column, shown_text, &text),
                },
                Cell::Float(_) | Cell::Text(_) | Cell::Error(_) => {
                    sheet.write_string_with_format(row, column, shown_text, &text)
                }
            }
        })
    }

    /// Sizes the columns to their content and writes the file to `path`.
    ///
    /// # Errors
    /// [`SheetError::Write`] when the file cannot be written.
    pub fn finish(mut self, path: &Path) -> Result<(), SheetError> {
        let widths = std::mem::take(&mut self.widths);
        for index in 0..=self.current {
            let sheet = self
                .workbook
                .worksheet_from_index(index)
                .map_err(write_error)?;
            for (column, width) in widths.iter().enumerate() {
                let width = (width + 2).clamp(MIN_WIDTH, MAX_WIDTH);
                sheet
                    .set_column_width(column_number(column), width as f64)
                    .map_err(write_error)?;
            }
        }
        self.workbook.save(path).map_err(write_error)
    }

    fn sheet(&mut self) -> Result<&mut Worksheet, SheetError> {
        self.workbook
            .worksheet_from_index(self.current)
            .map_err(write_error)
    }

    /// Writes one row through `write`, which gets the row's index (on the sheet being
    /// written, a new one once the last is full), each cell's column and its text
    /// (truncated to Excel's 32,767-character limit), and records the widths.
    fn write_with<S, F>(&mut self, cells: &[S], mut write: F) -> Result<(), SheetError>
    where
        S: AsRef<str>,
        F: for<'w> FnMut(&'w mut Worksheet, u32, u16, &str) -> Result<&'w mut Worksheet, XlsxError>,
    {
        if self.next_row >= MAX_ROWS {
            // This sheet is full: the rows go on under the same headers on the next one.
            self.current += 1;
            self.open_sheet(None)?;
        }
        if cells.len() > MAX_COLUMNS {
            return Err(SheetError::Write(format!(
                "超过 Excel 单个工作表 {MAX_COLUMNS} 列的上限"
            )));
        }
        if self.widths.len() < cells.len() {
            self.widths.resize(cells.len(), 0);
        }
        let sheet = self
            .workbook
            .worksheet_from_index(self.current)
            .map_err(write_error)?;
        for (column, value) in cells.iter().enumerate() {
            let value = truncate(value.as_ref());
            write(sheet, self.next_row, column_number(column), value).map_err(write_error)?;
            let width = display_width(value);
            if let Some(widest) = self.widths.get_mut(column) {
                *widest = (*widest).max(width);
            }
        }
        self.next_row += 1;
        Ok(())
    }
}

impl std::fmt::Debug for SheetWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetWriter")
            .field("rows_written", &self.next_row)
            .finish_non_exhaustive()
    }
}

/// Column indexes are checked against [`MAX_COLUMNS`] before they get here.
fn column_number(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn truncate(text: &str) -> &str {
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// Width of the longest line, counting CJK and other wide characters as two.
fn display_width(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum())
        .max()
        .unwrap_or(0)
}

fn write_error(error: XlsxError) -> SheetError {
    SheetError::Write(error.to_string())
}
