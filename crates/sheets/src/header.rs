//! Recognising the header row by the names in it.
//!
//! Real sheets rarely start with the header: there is a merged title row, a date line, a
//! blank row, maybe a note. People also retype headers with full-width letters, stray
//! spaces or an asterisk marking a required column. So the header is found by looking for
//! the caller's column names, compared after normalising, rather than assumed to be row 1.

use crate::cell::{Cell, normalise_text};

/// How many non-empty rows at the top of a sheet are searched for the header. Titles and
/// notes take a few rows; twenty leaves room without reading far into the data.
pub(crate) const HEADER_SCAN_ROWS: usize = 20;

/// A column the caller wants from the sheet, found by its header text.
///
/// Column order in the file does not matter and columns the caller does not name are
/// ignored, so people may rearrange or add columns to a template without breaking imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header text as the template writes it, e.g. `"身份证号"`. Also used in the
    /// `NoHeader` message, so it should be what a person would recognise.
    pub name: &'static str,
    /// Other header texts accepted for this column, e.g. `&["身份证号码", "公民身份号码"]`,
    /// because different offices name the same column differently.
    pub aliases: &'static [&'static str],
    /// Whether a header row lacking this column is not the header row at all. Optional
    /// columns are used when present.
    pub required: bool,
}

impl Column {
    /// A column that must be present, with no aliases.
    pub const fn required(name: &'static str) -> Column {
        Column {
            name,
            aliases: &[],
            required: true,
        }
    }

    /// A column that is read when present and left empty when not.
    pub const fn optional(name: &'static str) -> Column {
        Column {
            name,
            aliases: &[],
            required: false,
        }
    }

    /// The same column, also recognised under these other header texts.
    pub const fn aliases(self, aliases: &'static [&'static str]) -> Column {
        Column { aliases, ..self }
    }

    fn matches(&self, normalised_header: &str) -> bool {
        !normalised_header.is_empty()
            && std::iter::once(self.name)
                .chain(self.aliases.iter().copied())
                .any(|name| normalise_header(name) == normalised_header)
    }
}

/// Trimmed, inner whitespace removed, full-width to half-width, ASCII lower-cased, and a
/// leading or trailing `*` (the usual "required" mark in templates) dropped.
pub(crate) fn normalise_header(text: &str) -> String {
    let text: String = normalise_text(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    text.trim_matches('*').to_owned()
}

/// Where each of the caller's columns sits in a candidate header row.
pub(crate) struct HeaderMatch {
    /// For each caller column, the zero-based index of the file column holding it.
    pub(crate) positions: Vec<Option<usize>>,
    /// Names of required columns not in the row, in the caller's order.
    pub(crate) missing: Vec<String>,
}

impl HeaderMatch {
    /// A row is the header when it holds every required column — and at least one column,
    /// so that a caller with only optional columns does not take the title row.
    pub(crate) fn is_header(&self) -> bool {
        self.missing.is_empty() && self.positions.iter().any(Option::is_some)
    }
}

/// Matches one row against the caller's columns. The first matching file column wins when
/// a header appears twice.
pub(crate) fn match_row(cells: &[Cell], columns: &[Column]) -> HeaderMatch {
    let headers: Vec<String> = cells
        .iter()
        .map(|cell| normalise_header(&cell.to_string()))
        .collect();
    let positions: Vec<Option<usize>> = columns
        .iter()
        .map(|column| headers.iter().position(|header| column.matches(header)))
        .collect();
    let missing = columns
        .iter()
        .zip(&positions)
        .filter(|(column, position)| column.required && position.is_none())
        .map(|(column, _)| column.name.to_owned())
        .collect();
    HeaderMatch { positions, missing }
}

/// All required column names, for when no sheet had a row worth comparing.
pub(crate) fn required_names(columns: &[Column]) -> Vec<String> {
    columns
        .iter()
        .filter(|column| column.required)
        .map(|column| column.name.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(values: &[&str]) -> Vec<Cell> {
        values.iter().map(|v| Cell::Text((*v).to_owned())).collect()
    }

    const COLUMNS: [Column; 3] = [
        Column::required("姓名"),
        Column::required("身份证号").aliases(&["公民身份号码"]),
        Column::optional("备注"),
    ];

    #[test]
    fn headers_match_despite_spaces_full_width_and_required_marks() {
        assert_eq!(normalise_header(" 姓 名\u{3000}"), "姓名");
        assert_eq!(normalise_header("*ＩＤ号"), "id号");
        let found = match_row(&texts(&["序号", "*姓 名", "公民身份号码 "]), &COLUMNS);
        assert!(found.is_header());
        assert_eq!(found.positions, vec![Some(1), Some(2), None]);
    }

    #[test]
    fn a_row_lacking_a_required_column_names_it() {
        let found = match_row(&texts(&["姓名", "备注"]), &COLUMNS);
        assert!(!found.is_header());
        assert_eq!(found.missing, vec!["身份证号".to_owned()]);
    }

    #[test]
    fn a_row_with_none_of_only_optional_columns_is_not_a_header() {
        let optional = [Column::optional("备注")];
        assert!(!match_row(&texts(&["标题"]), &optional).is_header());
        assert!(match_row(&texts(&["备注"]), &optional).is_header());
    }
}
