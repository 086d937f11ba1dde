//! Building the WHERE clause of a filtered list from the filters actually set.
//!
//! A fixed `($1 IS NULL OR col = $1)` query would be simpler, but it keeps the planner
//! from using the member indexes, and a search in a million members must use them. The
//! clauses pushed here are constants of the calling module; only values are bound.

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub enum Bind {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
    /// A flag.
    Bool(bool),
    /// Text or NULL.
    OptText(Option<String>),
    /// An integer or NULL.
    OptInt(Option<i64>),
}

/// `From` for each kind of value a statement binds, so call sites write `value.into()`.
macro_rules! bind_from {
    ($($t:ty => |$v:ident| $e:expr;)*) => {
        $(impl From<$t> for Bind {
            fn from($v: $t) -> Bind {
                $e
            }
        })*
    };
}

bind_from! {
    i64 => |v| Bind::Int(v);
    bool => |v| Bind::Bool(v);
    &str => |v| Bind::Text(v.to_string());
    String => |v| Bind::Text(v);
    &String => |v| Bind::Text(v.clone());
    Option<&str> => |v| Bind::OptText(v.map(str::to_string));
    Option<String> => |v| Bind::OptText(v);
    &Option<String> => |v| Bind::OptText(v.clone());
    Option<i64> => |v| Bind::OptInt(v);
}

/// The conditions of a list query, joined with AND, and their values.
#[derive(Debug, Default, Clone)]
pub struct Where {
    clauses: Vec<String>,
    /// The values, in placeholder order.
    pub binds: Vec<Bind>,
}

impl Where {
    /// A condition without values.
    pub fn push(&mut self, clause: &str) {
        self.clauses.push(clause.to_string());
    }

    /// A condition where each `?` stands for the next of `values`.
    pub fn push_with(&mut self, clause: &str, values: Vec<Bind>) {
        let mut out = String::with_capacity(clause.len() + 8);
        let mut values = values.into_iter();
        for ch in clause.chars() {
            if ch == '?'
                && let Some(v) = values.next()
            {
                self.binds.push(v);
                out.push_str(&format!("${}", self.binds.len()));
                continue;
            }
            out.push(ch);
        }
        self.clauses.push(out);
    }

    /// `clause` with its one `?` bound to `value` when the filter is set; nothing when it
    /// is `None`, since an unset filter does not restrict. Each list's filters then read as
    /// one line per filter, e.g. `w.push_some("f.kind = ?", f.kind.map(|k| k.code()))`.
    pub fn push_some<V: Into<Bind>>(&mut self, clause: &str, value: Option<V>) {
        if let Some(v) = value {
            self.push_with(clause, vec![v.into()]);
        }
    }

    /// A search box: `clause` with every `?` bound to [`contains_pattern`] of `text`, when
    /// `text` has anything but spaces; a blank search does not restrict.
    pub fn push_search(&mut self, clause: &str, text: Option<&str>) {
        if let Some(q) = text.map(str::trim).filter(|q| !q.is_empty()) {
            let p = contains_pattern(q);
            let values = vec![Bind::Text(p); clause.matches('?').count()];
            self.push_with(clause, values);
        }
    }

    /// ` WHERE a AND b`, or nothing when no filter is set.
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// The placeholder number after the last bound value (for LIMIT/OFFSET).
    pub fn next_placeholder(&self) -> usize {
        self.binds.len() + 1
    }
}

/// Binds every value of a [`Where`] (and then any extra values) to a query; a macro so
/// that it works on the SQLite and the PostgreSQL query types alike.
#[macro_export]
#[doc(hidden)]
macro_rules! bind_where {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                $crate::union::sql::Bind::Text(s) => q.bind(s.clone()),
                $crate::union::sql::Bind::Int(i) => q.bind(*i),
                $crate::union::sql::Bind::Bool(x) => q.bind(*x),
                $crate::union::sql::Bind::OptText(s) => q.bind(s.clone()),
                $crate::union::sql::Bind::OptInt(i) => q.bind(*i),
            };
        }
        q
    }};
}

/// A LIKE pattern matching `text` anywhere, with LIKE's wildcards in `text` taken
/// literally (escaped with `\`, declared by `ESCAPE '\'` in the clause).
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// The upper bound of a prefix range (`name >= p AND name < upper`), which both backends
/// answer from a B-tree index, unlike `LIKE 'p%'`.
pub fn prefix_upper(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut w = Where::default();
        assert_eq!(w.sql(), "");
        w.push_with("a = ?", vec![Bind::Int(1)]);
        w.push("b IS NULL");
        w.push_with(
            "(c >= ? AND c < ?)",
            vec![Bind::Text("x".into()), Bind::Text("y".into())],
        );
        assert_eq!(
            w.sql(),
            " WHERE a = $1 AND b IS NULL AND (c >= $2 AND c < $3)"
        );
        assert_eq!(w.next_placeholder(), 4);
    }

    #[test]
    fn unset_filters_and_blank_searches_do_not_restrict() {
        let mut w = Where::default();
        w.push_some("a = ?", None::<i64>);
        w.push_search("n LIKE ?", Some(" \u{3000} "));
        w.push_search("n LIKE ?", None);
        assert_eq!(w.sql(), "");
        w.push_some("a = ?", Some(7));
        w.push_search("(n LIKE ? OR m LIKE ?)", Some(" 5%_ "));
        assert_eq!(w.sql(), " WHERE a = $1 AND (n LIKE $2 OR m LIKE $3)");
        match &w.binds[..] {
            [Bind::Int(7), Bind::Text(n), Bind::Text(m)] => {
                assert_eq!((n.as_str(), m.as_str()), ("%5\\%\\_%", "%5\\%\\_%"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn like_wildcards_are_taken_literally() {
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
