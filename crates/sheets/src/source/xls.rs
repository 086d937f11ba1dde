//! `.xls` (Excel 97–2003), read whole.
//!
//! The format caps a sheet at 65,536 rows and calamine parses it in one go, so there is
//! nothing to gain from streaming. calamine runs inside `catch_unwind` here because this
//! binary format is intricate and a malformed file must give an error, not a crash.

use std::fs::File;
use std::io::BufReader;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use calamine::{Data, Range, Reader, Xls, XlsError, Xlsx, XlsxError};

use super::{ENCRYPTED, NOT_A_SHEET, RawRow, from_data, readable_sheets};
use crate::error::SheetError;

pub(crate) struct XlsBook {
    workbook: Xls<BufReader<File>>,
    sheets: Vec<String>,
}

impl XlsBook {
    pub(crate) fn open(path: &Path) -> Result<XlsBook, SheetError> {
        super::cfb::check_xls(path)?;
        let file = BufReader::new(File::open(path)?);
        match catch_unwind(AssertUnwindSafe(|| Xls::new(file))) {
            Ok(Ok(workbook)) => {
                let sheets = readable_sheets(workbook.sheets_metadata());
                Ok(XlsBook { workbook, sheets })
            }
            Ok(Err(XlsError::Password)) => Err(SheetError::Unusable(ENCRYPTED.to_owned())),
            Ok(Err(XlsError::Io(error))) => Err(SheetError::Io(error)),
            // An encrypted .xlsx is also an OLE container: say so rather than "not a sheet".
            Ok(Err(_)) | Err(_) if is_encrypted_xlsx(path) => {
                Err(SheetError::Unusable(ENCRYPTED.to_owned()))
            }
            Ok(Err(_)) | Err(_) => Err(SheetError::Unusable(NOT_A_SHEET.to_owned())),
        }
    }

    pub(crate) fn sheet(&mut self, ordinal: usize) -> Result<Option<XlsSheet>, SheetError> {
        let Some(name) = self.sheets.get(ordinal) else {
            return Ok(None);
        };
        let workbook = &mut self.workbook;
        match catch_unwind(AssertUnwindSafe(|| workbook.worksheet_range(name))) {
            Ok(Ok(range)) => Ok(Some(XlsSheet { range, next: 0 })),
            Ok(Err(error)) => Err(SheetError::Damaged(error.to_string())),
            Err(_) => Err(SheetError::Damaged("工作表内容无法解析".to_owned())),
        }
    }
}

fn is_encrypted_xlsx(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    matches!(
        catch_unwind(AssertUnwindSafe(|| Xlsx::new(BufReader::new(file)))),
        Ok(Err(XlsxError::Password))
    )
}

pub(crate) struct XlsSheet {
    range: Range<Data>,
    /// Next row to return, relative to the range's first row.
    next: usize,
}

impl XlsSheet {
    pub(crate) fn next_row(&mut self) -> Option<RawRow> {
        let (first_row, first_column) = self.range.start()?;
        if self.next >= self.range.height() {
            return None;
        }
        let relative = self.next;
        self.next += 1;
        let mut row = RawRow::new(first_row as usize + relative);
        for column in 0..self.range.width() {
            if let Some(data) = self.range.get((relative, column)) {
                row.set(first_column as usize + column, from_data(data));
            }
        }
        Some(row)
    }
}
