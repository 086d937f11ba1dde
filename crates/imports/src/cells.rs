//! Reading an import row by column name rather than by position.

use crate::engine::FieldError;
use sheets::{Column, Row};

/// A row as an importer reads it: each cell asked for by its column in the layout, never
/// by position, so that moving a column in the layout cannot make a cell be read as another.
#[derive(Debug, Clone, Copy)]
pub struct Cells<'a> {
    row: &'a Row,
    columns: &'static [Column],
}

impl<'a> Cells<'a> {
    /// The cells of `row`, read with the layout `columns` the file was opened with.
    pub fn new(row: &'a Row, columns: &'static [Column]) -> Cells<'a> {
        Cells { row, columns }
    }

    /// The row number as Excel shows it.
    pub fn excel_row(&self) -> usize {
        self.row.excel_row
    }

    /// Where `column` stands in the layout; past the end (an empty cell) for a column the
    /// layout lacks, which the importers' tests would show at once.
    fn index(&self, column: Column) -> usize {
        let index = self.columns.iter().position(|c| c.name == column.name);
        debug_assert!(index.is_some(), "column {} not in the layout", column.name);
        index.unwrap_or(usize::MAX)
    }

    /// The cell as text for parsing ([`Row::text`]).
    pub fn text(&self, column: Column) -> String {
        self.row.text(self.index(column))
    }

    /// The cell as text keeping full-width characters ([`Row::text_trimmed`]).
    pub fn text_trimmed(&self, column: Column) -> String {
        self.row.text_trimmed(self.index(column))
    }

    /// The cell's text ([`Row::text_trimmed`]) when the column must not be empty;
    /// an empty cell adds `reason` for that column to `errors`.
    pub fn required(&self, column: Column, reason: &str, errors: &mut Vec<FieldError>) -> String {
        let text = self.text_trimmed(column);
        if text.is_empty() {
            errors.push(FieldError::new(column, "", reason));
        }
        text
    }

    /// The cell parsed by `parse` and held to `rule` (which names what is wrong); an
    /// unreadable or refused value adds its reason for that column to `errors`.
    pub fn parsed<T, E: ToString>(
        &self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, E>,
        rule: impl FnOnce(&T) -> Result<(), &'static str>,
        errors: &mut Vec<FieldError>,
    ) -> Option<T> {
        let text = self.text(column);
        let reason = match parse(&text) {
            Ok(v) => match rule(&v) {
                Ok(()) => return Some(v),
                Err(reason) => reason.to_string(),
            },
            Err(e) => e.to_string(),
        };
        errors.push(FieldError::new(column, &text, reason));
        None
    }

    /// The cell as a year (`2019` or `2019年`, as clerks type it) within `years`; one
    /// outside adds `reason` for that column to `errors`. Every import with a year column
    /// reads it this way.
    pub fn year(
        &self,
        column: Column,
        years: std::ops::RangeInclusive<i32>,
        reason: &'static str,
        errors: &mut Vec<FieldError>,
    ) -> Option<i32> {
        self.parsed(
            column,
            |t| t.trim_end_matches('年').parse::<i32>(),
            |y| {
                if years.contains(y) {
                    Ok(())
                } else {
                    Err(reason)
                }
            },
            errors,
        )
    }

    /// The cell as one of a set of codes or labels (`parse`), `default` when empty; an
    /// unknown one adds `reason` for that column to `errors`.
    pub fn choice<T>(
        &self,
        column: Column,
        default: T,
        parse: impl FnOnce(&str) -> Option<T>,
        reason: &'static str,
        errors: &mut Vec<FieldError>,
    ) -> Option<T> {
        if self.text(column).is_empty() {
            return Some(default);
        }
        self.parsed(column, |t| parse(t).ok_or(reason), |_| Ok(()), errors)
    }

    /// The cell as a date ([`Row::date`]).
    pub fn date(&self, column: Column) -> Result<Option<chrono::NaiveDate>, String> {
        self.row.date(self.index(column))
    }

    /// The cell as a date, `None` when empty; an unreadable one adds its reason for that
    /// column to `errors`.
    pub fn optional_date(
        &self,
        column: Column,
        errors: &mut Vec<FieldError>,
    ) -> Option<chrono::NaiveDate> {
        self.date(column).unwrap_or_else(|reason| {
            errors.push(FieldError::new(column, self.text(column), reason));
            None
        })
    }

    /// The cell as a date that must be there; an empty cell adds "<column>为空" and an
    /// unreadable one its reason, for that column, to `errors`.
    pub fn required_date(
        &self,
        column: Column,
        errors: &mut Vec<FieldError>,
    ) -> Option<chrono::NaiveDate> {
        match self.date(column) {
            Ok(None) => {
                errors.push(FieldError::new(column, "", format!("{}为空", column.name)));
                None
            }
            _ => self.optional_date(column, errors),
        }
    }
}
