//! The one error type of this crate, with messages written for the person who uploaded the
//! file: they are shown as they are, so they are in Chinese and say what to do.

/// Why a spreadsheet could not be read or written.
///
/// Row-level problems (a date that cannot be read, a value the caller rejects) are not
/// errors of this kind: they belong to one row and the import goes on, so [`crate::Row::date`]
/// returns them as plain strings instead.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The file is not a spreadsheet this crate can read (wrong format, encrypted, empty,
    /// a web page saved with an `.xls` extension…). The message says which and what to do.
    #[error("{0}")]
    Unusable(String),

    /// No row among the first rows of any worksheet holds all the required column names.
    /// `missing` lists the required columns absent from the row that came closest, so the
    /// person can fix the header instead of guessing.
    #[error("找不到表头：缺少列 {}（表头须在前 {} 个非空行内）", .missing.join("、"), crate::header::HEADER_SCAN_ROWS)]
    NoHeader {
        /// Names of the required columns that were not found, in the caller's order.
        missing: Vec<String>,
    },

    /// The file started out readable but broke part way through (a truncated download, a
    /// damaged zip). Rows already returned were read correctly.
    #[error("表格文件已损坏，无法继续读取：{0}")]
    Damaged(String),

    /// The operating system refused to open, read or write a file.
    #[error("读写文件失败：{0}")]
    Io(#[from] std::io::Error),

    /// Writing an `.xlsx` file failed (disk full, no temporary directory, too many rows).
    #[error("写入表格失败：{0}")]
    Write(String),
}
