//! Cell values and how they turn into text.
//!
//! The rendering rules copy what a person sees in Excel, because that is what they will
//! compare an error message against: `120.0` shows as `120`, a phone number stored as a
//! number shows as its digits, and a number too long for Excel's 15 significant digits shows
//! in scientific notation — which is exactly how a resident ID typed into a number cell
//! looks once Excel has destroyed its last digits. Rendering such a number as digits would
//! hide that damage and let a wrong ID through.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// One cell's value as the file stored it, before any interpretation by the caller.
///
/// CSV cells are always [`Cell::Text`] or [`Cell::Empty`]: a CSV file has no types.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in the cell (or a cell with formatting only).
    Empty,
    /// Text exactly as stored: not trimmed, full-width characters kept.
    Text(String),
    /// A whole number stored as such (rare in `.xlsx`, where every number is a float).
    Int(i64),
    /// A number. Whole numbers arrive here too, as `120.0`.
    Float(f64),
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// A number formatted as a date, with no time of day.
    Date(NaiveDate),
    /// A number formatted as a date and time, with a time of day other than midnight.
    DateTime(NaiveDateTime),
    /// A formula error such as `#N/A` or `#DIV/0!`, kept as Excel shows it.
    Error(String),
}

/// Shared by [`crate::Row::cell`] for columns a row does not have.
pub(crate) static EMPTY: Cell = Cell::Empty;

impl Cell {
    /// True for an empty cell and for text that is only spaces (including full-width
    /// spaces and zero-width characters), which people leave behind when clearing cells.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text
                .chars()
                .all(|c| half_width(c).is_whitespace() || zero_width(c)),
            _ => false,
        }
    }

    /// The cell read as a date, exactly as [`crate::Row::date`] reads it: an Excel date, a
    /// serial number, or text such as `2019-3-5` or `2019年3月5日`; `Ok(None)` when empty.
    /// Public so that code already holding a cell (a rejects file, the fuzz targets in
    /// `fuzz/`) reads dates the one way imports do, without wrapping it in a row.
    ///
    /// # Errors
    /// A reason in Chinese when the cell cannot be read as a date.
    pub fn date(&self) -> Result<Option<NaiveDate>, String> {
        crate::date::cell_date(self)
    }
}

/// Renders the cell as Excel would show it in a General-formatted column; text is returned
/// unchanged. See the module documentation for why large numbers stay in scientific form.
impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Text(text) => f.write_str(text),
            Cell::Int(value) => write!(f, "{value}"),
            Cell::Float(value) => f.write_str(&render_float(*value)),
            Cell::Bool(true) => f.write_str("TRUE"),
            Cell::Bool(false) => f.write_str("FALSE"),
            Cell::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            Cell::DateTime(moment) => {
                if moment.time() == NaiveTime::MIN {
                    write!(f, "{}", moment.format("%Y-%m-%d"))
                } else {
                    write!(f, "{}", moment.format("%Y-%m-%d %H:%M:%S"))
                }
            }
            Cell::Error(code) => f.write_str(code),
        }
    }
}

/// Excel keeps 15 significant digits; from 1e15 up a whole number may already have lost
/// digits, so it is shown the way Excel shows it rather than as plausible-looking digits.
const LARGEST_EXACT: f64 = 1e15;

/// Below this Excel's General format also switches to scientific notation.
const SMALLEST_PLAIN: f64 = 1e-5;

/// Renders a float as Excel's General format does: integers without `.0`, at most 15
/// significant digits, scientific notation (`3.30182199001011E+17`) for very large and
/// very small magnitudes.
pub(crate) fn render_float(value: f64) -> String {
    if !value.is_finite() {
        // Excel cannot store these; show something rather than fail.
        return value.to_string();
    }
    let magnitude = value.abs();
    if magnitude == 0.0 {
        return "0".to_owned();
    }
    if !(SMALLEST_PLAIN..LARGEST_EXACT).contains(&magnitude) {
        return render_scientific(value);
    }
    if value.fract() == 0.0 {
        // Below 1e15 the cast is exact.
        return format!("{}", value as i64);
    }
    let digits_before_point = magnitude.log10().floor() as i32 + 1;
    let decimals = (15 - digits_before_point).clamp(0, 20) as usize;
    trim_fraction(&format!("{value:.decimals$}")).to_owned()
}

/// `3.30182199001011E+17`, as Excel writes it: 15 significant digits, trailing zeros
/// dropped, a signed exponent of at least two digits.
fn render_scientific(value: f64) -> String {
    let rust_form = format!("{value:.14e}");
    let (mantissa, exponent) = rust_form.split_once('e').unwrap_or((&rust_form, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{}E{sign}{:02}", trim_fraction(mantissa), exponent.abs())
}

/// Drops trailing zeros after a decimal point, and the point itself if nothing is left.
fn trim_fraction(number: &str) -> &str {
    if number.contains('.') {
        number.trim_end_matches('0').trim_end_matches('.')
    } else {
        number
    }
}

/// Full-width ASCII (`ＡＢＣ１２３（）`) to half-width, the ideographic space to a plain
/// space, zero-width characters and byte-order marks removed, then trimmed. Chinese input
/// methods produce full-width forms easily and people cannot see the difference, so values
/// compared by a program should go through this.
pub(crate) fn normalise_text(text: &str) -> String {
    if text.is_ascii() {
        // Nothing full-width or zero-width to convert: the common case, kept cheap.
        return text.trim().to_owned();
    }
    let converted: String = text
        .chars()
        .filter(|c| !zero_width(*c))
        .map(half_width)
        .collect();
    let trimmed = converted.trim();
    if trimmed.len() == converted.len() {
        converted
    } else {
        trimmed.to_owned()
    }
}

/// Trimmed like [`normalise_text`] but with full-width characters kept, for names whose
/// full-width brackets are part of how they are officially written.
pub(crate) fn trim_text(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace() || zero_width(c))
        .to_owned()
}

/// Zero-width spaces and joiners and the byte-order mark: invisible characters that come
/// with text pasted from web pages and other systems.
fn zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}')
}

fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_render_without_a_decimal_point() {
        assert_eq!(render_float(120.0), "120");
        assert_eq!(render_float(13812345678.0), "13812345678");
        assert_eq!(render_float(-7.0), "-7");
        assert_eq!(render_float(0.0), "0");
    }

    #[test]
    fn fractions_render_with_at_most_fifteen_significant_digits() {
        assert_eq!(render_float(12.5), "12.5");
        assert_eq!(render_float(0.1 + 0.2), "0.3");
        assert_eq!(render_float(1234.5678), "1234.5678");
    }

    #[test]
    fn numbers_beyond_excel_precision_render_in_scientific_notation() {
        assert_eq!(render_float(3.30182199001011e17), "3.30182199001011E+17");
        assert_eq!(render_float(330182199001011234.0), "3.30182199001011E+17");
        assert_eq!(render_float(1e15), "1E+15");
        assert_eq!(render_float(0.0000012), "1.2E-06");
    }

    #[test]
    fn full_width_characters_become_half_width_and_are_trimmed() {
        assert_eq!(normalise_text("\u{3000}ＡＢＣ１２３（甲）  "), "ABC123(甲)");
        assert_eq!(normalise_text("\u{FEFF}姓名\u{200B}"), "姓名");
        assert_eq!(trim_text("\u{3000}杭州（甲）公司 "), "杭州（甲）公司");
    }

    #[test]
    fn blank_means_empty_or_only_spaces() {
        assert!(Cell::Empty.is_blank());
        assert!(Cell::Text(" \u{3000}\t".into()).is_blank());
        assert!(!Cell::Float(0.0).is_blank());
    }
}
