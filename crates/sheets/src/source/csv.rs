//! `.csv`, streamed, in UTF-8 (with or without a byte-order mark) or GBK/GB18030.
//!
//! Excel on a Chinese Windows saves "CSV" in GBK, other tools in UTF-8, and nothing in the
//! file says which. UTF-8 is strict enough that a GBK file containing Chinese is almost
//! never valid UTF-8, so the whole file is checked once (in fixed-size chunks, so memory
//! stays flat) and read as GB18030, a superset of GBK, if the check fails.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::Path;

use encoding_rs::GB18030;
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use super::{MAX_COLUMNS, RawRow};
use crate::cell::Cell;
use crate::error::SheetError;

pub(crate) struct CsvSheet {
    reader: csv::Reader<DecodeReaderBytes<BufReader<File>, Vec<u8>>>,
    record: csv::ByteRecord,
    /// Zero-based Excel row of the next record. Excel shows one record per row even when a
    /// quoted field spans lines, so this is not the line number; but Excel does show an
    /// empty line as a row, which the csv crate skips, so those are added back.
    next_row: usize,
    /// The reader's line after the previous record.
    next_line: u64,
}

impl CsvSheet {
    pub(crate) fn open(path: &Path, delimiter: u8) -> Result<CsvSheet, SheetError> {
        let mut decoding = DecodeReaderBytesBuilder::new();
        decoding.strip_bom(true);
        if is_utf8(path)? {
            decoding.utf8_passthru(true);
        } else {
            // bom_override: a UTF-16 file (which fails the UTF-8 check) is still read right.
            decoding.encoding(Some(GB18030)).bom_override(true);
        }
        let decoded = decoding.build(BufReader::new(File::open(path)?));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(decoded);
        Ok(CsvSheet {
            reader,
            record: csv::ByteRecord::new(),
            next_row: 0,
            next_line: 1,
        })
    }

    pub(crate) fn next_row(&mut self) -> Result<Option<RawRow>, SheetError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(error) => {
                let message = error.to_string();
                return Err(match error.into_kind() {
                    csv::ErrorKind::Io(error) => SheetError::Io(error),
                    _ => SheetError::Damaged(message),
                });
            }
        }
        // The reader's line counter moved over the skipped empty lines, the record's own
        // lines (one, plus any line breaks inside quoted fields) and its terminator.
        let line_after = self.reader.position().line();
        let breaks_inside: usize = self.record.iter().map(count_newlines).sum();
        let own_lines = 1 + u64::try_from(breaks_inside).unwrap_or(u64::MAX);
        let empty_lines = line_after
            .saturating_sub(self.next_line)
            .saturating_sub(own_lines);
        self.next_row += usize::try_from(empty_lines).unwrap_or(0);
        let mut row = RawRow::new(self.next_row);
        self.next_row += 1;
        self.next_line = line_after;
        row.cells = self
            .record
            .iter()
            .take(MAX_COLUMNS)
            .map(|field| {
                if field.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(String::from_utf8_lossy(field).into_owned())
                }
            })
            .collect();
        Ok(Some(row))
    }
}

/// Checks the whole file in 64 KiB chunks, carrying an incomplete character over a chunk
/// boundary.
fn is_utf8(path: &Path) -> Result<bool, SheetError> {
    let mut file = File::open(path)?;
    let mut buffer = vec![0; 64 * 1024];
    let mut carried = 0;
    loop {
        let read = match file.read(&mut buffer[carried..]) {
            Ok(read) => read,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error.into()),
        };
        if read == 0 {
            // A character cut off by the end of the file is not valid UTF-8.
            return Ok(carried == 0);
        }
        let filled = carried + read;
        carried = match std::str::from_utf8(&buffer[..filled]) {
            Ok(_) => 0,
            Err(error) if error.error_len().is_some() => return Ok(false),
            Err(error) => {
                let valid = error.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                filled - valid
            }
        };
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}
