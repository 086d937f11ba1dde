//! PostgreSQL's bulk path: `COPY … FROM STDIN` in text format, for imports of hundreds of
//! thousands of rows, where a multi-row INSERT spends most of its time parsing and
//! planning. Only the encoding of values lives here; what to copy is the caller's.

use sqlx::PgConnection;

/// Appends one field in COPY's text format: `\N` for NULL; backslash, tab, newline and
/// carriage return escaped, so any text (names, JSON snapshots) survives unchanged.
pub fn field(out: &mut String, value: Option<&str>) {
    match value {
        None => out.push_str("\\N"),
        Some(v) => {
            for ch in v.chars() {
                match ch {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
    }
}

/// Appends a whole row: fields separated by tabs, ended by a newline.
pub fn row(out: &mut String, values: &[Option<&str>]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        field(out, *v);
    }
    out.push('\n');
}

/// Runs `COPY table (columns) FROM STDIN` with `data` (rows built with [`row`]); the
/// number of rows copied.
pub async fn copy_in(
    conn: &mut PgConnection,
    statement: &str,
    data: String,
) -> Result<u64, sqlx::Error> {
    let mut copy = conn.copy_in_raw(statement).await?;
    copy.send(data.into_bytes()).await?;
    copy.finish().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format_escapes_what_would_break_a_row() {
        let mut out = String::new();
        row(
            &mut out,
            &[Some("a\tb"), None, Some("x\\y\nz"), Some("张三")],
        );
        assert_eq!(out, "a\\tb\t\\N\tx\\\\y\\nz\t张三\n");
    }
}
