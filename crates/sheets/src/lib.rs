//! Reading and writing the spreadsheets people bring to and take from groundwork.
//!
//! **For:** turning an uploaded `.xlsx`, `.xls` or `.csv` file into rows of cells the
//! caller asked for by column name — wherever the header row is, whatever the column order,
//! however the file is encoded — and writing `.xlsx` exports, templates and rejects files.
//! Both directions stream, so a million-row file takes no more memory than a small one.
//!
//! **Not for:** deciding what a value means. This crate does not know what a resident ID,
//! an amount of money or a union member is; it hands over cells and text (rendered so that
//! damage done by Excel stays visible) and the importing code parses them into domain
//! types and reports problems by row number. It also does not write `.xls` or CSV.
//!
//! ```no_run
//! use sheets::{Column, SheetReader};
//!
//! const COLUMNS: &[Column] = &[
//!     Column::required("姓名"),
//!     Column::required("身份证号").aliases(&["公民身份号码"]),
//!     Column::optional("入会日期"),
//! ];
//!
//! # fn main() -> Result<(), sheets::SheetError> {
//! let mut reader = SheetReader::open("members.xlsx".as_ref(), COLUMNS)?;
//! while let Some(row) = reader.next_row()? {
//!     let name = row.text(0);
//!     let joined = row.date(2);
//!     println!("第 {} 行：{name} {joined:?}", row.excel_row);
//! }
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod cell;
mod date;
mod error;
mod header;
mod reader;
mod source;
mod writer;

pub use cell::Cell;
pub use error::SheetError;
pub use header::Column;
pub use reader::{Row, SheetReader};
pub use source::guard::{MAX_CELL_CHARS, MAX_SHARED_STRINGS_BYTES};
pub use source::hint::rows_hint;
pub use writer::SheetWriter;
