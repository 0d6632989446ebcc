//! One level of the hierarchy parsed from its TSV file: `code<TAB>name<TAB>parent`
//! after a header line, any order. Rows are kept sorted by code, so a lookup
//! is a binary search and the children of a code are one contiguous slice
//! (every code starts with its parent's code, which parsing checks).

use crate::error::{Level, TableError};

pub const HEADER: &str = "code\tname\tparent";

/// One division. `parent` is the code one level up, empty for provinces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Division {
    pub code: &'static str,
    pub name: &'static str,
    pub parent: &'static str,
}

#[derive(Debug)]
pub(crate) struct Table {
    level: Level,
    rows: Vec<Division>,
}

impl Table {
    pub(crate) fn parse(level: Level, text: &'static str) -> Result<Self, TableError> {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(TableError::MissingHeader { table: level });
        }
        let mut rows = Vec::new();
        for (index, line) in lines.enumerate() {
            // the header is line 1
            let row = parse_row(level, line).map_err(|problem| TableError::MalformedLine {
                table: level,
                line: index + 2,
                problem,
            })?;
            rows.push(row);
        }
        rows.sort_unstable_by_key(|row| row.code);
        if let Some(pair) = rows.windows(2).find(|pair| pair[0].code == pair[1].code) {
            return Err(TableError::Duplicate {
                table: level,
                code: pair[0].code.to_owned(),
            });
        }
        Ok(Self { level, rows })
    }

    pub(crate) fn level(&self) -> Level {
        self.level
    }

    pub(crate) fn rows(&self) -> &[Division] {
        &self.rows
    }

    pub(crate) fn get(&self, code: &str) -> Option<&Division> {
        let index = self.rows.binary_search_by(|row| row.code.cmp(code)).ok()?;
        self.rows.get(index)
    }

    /// The rows whose code starts with `prefix`.
    pub(crate) fn under(&self, prefix: &str) -> &[Division] {
        let start = self.rows.partition_point(|row| row.code < prefix);
        let length = self.rows[start..].partition_point(|row| row.code.starts_with(prefix));
        &self.rows[start..start + length]
    }
}

pub(crate) fn is_code_of(level: Level, raw: &str) -> bool {
    raw.len() == level.code_len() && raw.bytes().all(|b| b.is_ascii_digit())
}

fn parse_row(level: Level, line: &'static str) -> Result<Division, &'static str> {
    let mut fields = line.split('\t');
    let (Some(code), Some(name), Some(parent), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err("expected 3 tab-separated fields");
    };
    if !is_code_of(level, code) || code.starts_with('0') {
        return Err("code has the wrong length or is not digits");
    }
    if name.is_empty() || name.trim() != name {
        return Err("name is empty or has surrounding spaces");
    }
    let parent_ok = match level.parent() {
        None => parent.is_empty(),
        Some(parent_level) => is_code_of(parent_level, parent) && code.starts_with(parent),
    };
    if !parent_ok {
        return Err("parent is not the code one level up that prefixes the code");
    }
    Ok(Division { code, name, parent })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a panic is how a test fails")]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_finds_rows_and_children() {
        let table = Table::parse(
            Level::Street,
            "code\tname\tparent\n500108002\tB\t500108\n500108001\tA\t500108\n500103001\tC\t500103\n",
        )
        .unwrap();
        assert_eq!(table.get("500108001").map(|d| d.name), Some("A"));
        assert_eq!(table.get("500108003"), None);
        let names: Vec<_> = table.under("500108").iter().map(|d| d.name).collect();
        assert_eq!(names, ["A", "B"]);
        assert!(table.under("500104").is_empty());
    }

    #[test]
    fn refuses_broken_tables() {
        let cases = [
            ("", "missing header"),
            ("code,name,parent\n", "missing header"),
            ("code\tname\tparent\n50010800\tA\t500108\n", "short code"),
            ("code\tname\tparent\n500108001\tA\n", "two fields"),
            (
                "code\tname\tparent\n500108001\tA\t500108\tx\n",
                "four fields",
            ),
            ("code\tname\tparent\n500108001\t\t500108\n", "empty name"),
            (
                "code\tname\tparent\n500108001\tA\t500103\n",
                "parent not a prefix",
            ),
            (
                "code\tname\tparent\n500108001\tA\t5001\n",
                "parent of wrong level",
            ),
            (
                "code\tname\tparent\n500108001\tA\t500108\n500108001\tB\t500108\n",
                "duplicate",
            ),
        ];
        for (text, why) in cases {
            assert!(Table::parse(Level::Street, text).is_err(), "{why}");
        }
    }
}
