//! `.xlsx`, streamed.
//!
//! calamine's cell reader borrows the workbook it reads from, so the two cannot live in one
//! struct without unsafe code. Instead a worker thread owns both and sends finished rows
//! through a small bounded channel: memory stays flat however long the sheet is, parsing
//! overlaps with the caller's work, and a panic inside the parser on a malformed file ends
//! the thread instead of the import.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Reader, Xlsx, XlsxError};

use super::{ENCRYPTED, NOT_A_SHEET, RawRow, from_data_ref, readable_sheets};
use crate::error::SheetError;

/// Rows sent together: one hand-over between the threads per row cost more than
/// parsing the row (measured on a million rows).
const ROWS_PER_MESSAGE: usize = 512;

/// Messages in flight between the worker and the reader; enough to keep both busy.
const CHANNEL_MESSAGES: usize = 4;

enum Message {
    /// The workbook opened; it has this many readable worksheets.
    Opened {
        sheets: usize,
    },
    Rows(Vec<RawRow>),
    End,
    Failed(SheetError),
}

pub(crate) struct XlsxSheet {
    rows: Receiver<Message>,
    /// The rows of the last message not yet handed out, in reverse order.
    pending: Vec<RawRow>,
    finished: bool,
}

impl XlsxSheet {
    /// Starts streaming the `ordinal`-th readable worksheet, or returns `None` when the
    /// workbook has fewer.
    pub(crate) fn open(path: &Path, ordinal: usize) -> Result<Option<XlsxSheet>, SheetError> {
        let (sender, rows) = sync_channel(CHANNEL_MESSAGES);
        let path = path.to_owned();
        std::thread::Builder::new()
            .name("sheets-xlsx".to_owned())
            .spawn(move || stream(&path, ordinal, &sender))?;
        match rows.recv() {
            Ok(Message::Opened { sheets }) if ordinal < sheets => Ok(Some(XlsxSheet {
                rows,
                pending: Vec::new(),
                finished: false,
            })),
            Ok(Message::Opened { .. }) => Ok(None),
            Ok(Message::Failed(error)) => Err(error),
            Ok(Message::Rows(_) | Message::End) | Err(_) => {
                Err(SheetError::Unusable(NOT_A_SHEET.to_owned()))
            }
        }
    }

    pub(crate) fn next_row(&mut self) -> Result<Option<RawRow>, SheetError> {
        loop {
            if let Some(row) = self.pending.pop() {
                return Ok(Some(row));
            }
            if self.finished {
                return Ok(None);
            }
            match self.rows.recv() {
                Ok(Message::Rows(mut rows)) => {
                    rows.reverse();
                    self.pending = rows;
                }
                Ok(Message::End) => self.finished = true,
                Ok(Message::Failed(error)) => {
                    self.finished = true;
                    return Err(error);
                }
                Ok(Message::Opened { .. }) | Err(_) => {
                    self.finished = true;
                    return Err(SheetError::Damaged(
                        "读取过程意外中断（文件内容可能不完整）".to_owned(),
                    ));
                }
            }
        }
    }
}

/// The worker. Every send failing means the reader was dropped; the worker then simply
/// stops, which is how an abandoned import releases the file.
fn stream(path: &Path, ordinal: usize, sender: &SyncSender<Message>) {
    let mut workbook = match File::open(path)
        .map_err(SheetError::from)
        .and_then(|file| Xlsx::new(BufReader::new(file)).map_err(unusable))
    {
        Ok(workbook) => workbook,
        Err(error) => {
            let _ = sender.send(Message::Failed(error));
            return;
        }
    };
    let sheets = readable_sheets(workbook.sheets_metadata());
    if sender
        .send(Message::Opened {
            sheets: sheets.len(),
        })
        .is_err()
    {
        return;
    }
    let Some(name) = sheets.get(ordinal) else {
        return;
    };
    let outcome = send_rows(&mut workbook, name, sender);
    let last = match outcome {
        Ok(true) => Message::End,
        Ok(false) => return,
        Err(error) => Message::Failed(SheetError::Damaged(error.to_string())),
    };
    let _ = sender.send(last);
}

/// Groups the cell stream, which comes in row order, into rows, and sends them
/// [`ROWS_PER_MESSAGE`] at a time. Returns `Ok(false)` when the reader has gone away.
fn send_rows(
    workbook: &mut Xlsx<BufReader<File>>,
    sheet: &str,
    sender: &SyncSender<Message>,
) -> Result<bool, XlsxError> {
    let mut cells = workbook.worksheet_cells_reader(sheet)?;
    let mut current: Option<RawRow> = None;
    let mut done = Vec::with_capacity(ROWS_PER_MESSAGE);
    while let Some(cell) = cells.next_cell()? {
        let (row, column) = cell.get_position();
        let (row, column) = (row as usize, column as usize);
        let value = from_data_ref(cell.get_value());
        match current.as_mut() {
            Some(raw) if raw.index == row => raw.set(column, value),
            _ => {
                if let Some(finished) = current.take() {
                    keep(&mut done, finished);
                    if done.len() >= ROWS_PER_MESSAGE && !send(sender, &mut done) {
                        return Ok(false);
                    }
                }
                let mut raw = RawRow::new(row);
                raw.set(column, value);
                current = Some(raw);
            }
        }
    }
    if let Some(finished) = current {
        keep(&mut done, finished);
    }
    Ok(send(sender, &mut done))
}

/// Keeps a finished row unless it has no values at all: sheets often carry thousands of
/// formatted but empty rows, and nobody downstream wants them.
fn keep(done: &mut Vec<RawRow>, row: RawRow) {
    if !row.cells.is_empty() {
        done.push(row);
    }
}

/// Sends the rows gathered, if any. False when the reader has gone.
fn send(sender: &SyncSender<Message>, done: &mut Vec<RawRow>) -> bool {
    done.is_empty()
        || sender
            .send(Message::Rows(std::mem::replace(
                done,
                Vec::with_capacity(ROWS_PER_MESSAGE),
            )))
            .is_ok()
}

fn unusable(error: XlsxError) -> SheetError {
    match error {
        XlsxError::Password => SheetError::Unusable(ENCRYPTED.to_owned()),
        XlsxError::Io(error) => SheetError::Io(error),
        _ => SheetError::Unusable(NOT_A_SHEET.to_owned()),
    }
}
