//! Backup and restore of a whole registry as one portable JSON Lines file, the same on SQLite
//! and PostgreSQL (so a registry also moves from one engine to the other).
//!
//! The file: a header line `{"engine":…,"format":"normreg-backup","migrations":[…],"tables":[…],
//! "version":1}`, then one line per row, `{"row":{…},"table":"agencies"}`, table after table
//! in the order of `db::backup::TABLES` (each after those it refers to), then a closing line
//! `{"end":true,"rows":{"agencies":3,…}}` with the count of each table. A file without its
//! closing line, or whose counts differ, was cut short and is refused.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Write};

use serde_json::{json, Map, Value};

use crate::db::backup::{self as store, Column, Table};
use crate::db::{Backend, DbConn};
use crate::error::AppError;

/// The first field of the header: what kind of file this is.
pub const FORMAT: &str = "normreg-backup";
/// The version of the file's layout (not of the schema, which the migrations name).
pub const VERSION: u64 = 1;

/// Rows read per query while backing up.
const PAGE: i64 = 1000;
/// A restore writes a table's rows in statements of at most this many rows or bytes.
const BATCH_ROWS: usize = 500;
const BATCH_BYTES: usize = 8 << 20;

/// What a backup or a restore moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Rows per table (of those the file has).
    pub rows: BTreeMap<String, u64>,
}

impl Summary {
    pub fn total(&self) -> u64 {
        self.rows.values().sum()
    }
}

/// Writes the whole registry to `out` from one consistent snapshot; every line is written by
/// serde_json (keys sorted, no spaces), so a registry's file is the same from either engine: writers may go on
/// meanwhile, and what they commit after the snapshot began is not in the file.
pub fn backup(conn: &mut DbConn, out: &mut dyn Write) -> Result<Summary, AppError> {
    let engine = match conn.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    store::in_snapshot(conn, |conn| {
        let header = json!({
            "format": FORMAT,
            "version": VERSION,
            "engine": engine,
            "migrations": store::applied_migrations(conn)?,
            "tables": store::TABLES.iter().map(|t| t.name).collect::<Vec<_>>(),
        });
        writeln!(out, "{header}").map_err(not_written)?;
        let mut rows = BTreeMap::new();
        for table in store::TABLES {
            let columns = store::columns(conn, table.name)?;
            let mut count = 0u64;
            let mut last: Option<Map<String, Value>> = None;
            loop {
                let page = store::export_page(conn, table, &columns, last.as_ref(), PAGE)?;
                for row in &page {
                    // Read back and written by serde_json, each row is spelt alike from either
                    // engine: keys in order, no spaces.
                    let row: Map<String, Value> = serde_json::from_str(row).map_err(|e| {
                        AppError::internal(format!(
                            "{}: a row is not a JSON object: {e}",
                            table.name
                        ))
                    })?;
                    writeln!(out, "{}", json!({"table": table.name, "row": row}))
                        .map_err(not_written)?;
                    last = Some(row);
                }
                count += page.len() as u64;
                if (page.len() as i64) < PAGE {
                    break;
                }
            }
            rows.insert(table.name.to_string(), count);
        }
        writeln!(out, "{}", json!({"end": true, "rows": rows})).map_err(not_written)?;
        out.flush().map_err(not_written)?;
        Ok(Summary { rows })
    })
}

fn not_written(e: std::io::Error) -> AppError {
    AppError::bad_request("backup_not_written", format!("cannot write the backup: {e}"))
}

/// Writes the backup read from `input` into this database, which must hold no agency, user
/// or document; call it inside one write transaction, so that a refusal or a failure at any
/// line leaves the database as it was. The number series come back with the rows, so the
/// next registration continues each series.
pub fn restore(conn: &mut DbConn, input: &mut dyn BufRead) -> Result<Summary, AppError> {
    if !store::holds_no_registry(conn)? {
        return Err(AppError::conflict(
            "database_not_empty",
            "the database already holds agencies, users or documents; a backup is restored \
             only into an empty one (migrated, nothing else): nothing was changed",
        ));
    }
    let mut lines = input.lines().enumerate().map(|(i, line)| (i + 1, line));
    let (_, first) = lines.next().ok_or_else(|| refused(1, "the file is empty"))?;
    check_header(conn, &parse(1, first)?)?;
    store::clear(conn)?;

    let mut pending = Pending::default();
    let mut rows: BTreeMap<String, u64> = BTreeMap::new();
    let mut position = 0;
    for (n, line) in lines {
        let value = parse(n, line)?;
        if value.get("end") == Some(&Value::Bool(true)) {
            pending.flush(conn)?;
            check_counts(n, &value, &rows)?;
            store::after_restore(conn)?;
            return Ok(Summary { rows });
        }
        let name = value.get("table").and_then(Value::as_str).unwrap_or_default();
        let Some(offset) = store::TABLES[position..].iter().position(|t| t.name == name) else {
            return Err(refused(n, format!("unknown or out-of-order table `{name}`")));
        };
        if offset > 0 || pending.table.is_none() {
            pending.flush(conn)?;
            position += offset;
            let table = &store::TABLES[position];
            pending.start(table, store::columns(conn, table.name)?);
        }
        let Some(Value::Object(row)) = value.get("row") else {
            return Err(refused(n, "a row line needs a `row` object"));
        };
        pending.check_columns(n, row)?;
        *rows.entry(name.to_string()).or_default() += 1;
        pending.push(conn, Value::Object(row.clone()))?;
    }
    Err(AppError::bad_request(
        "backup_incomplete",
        "the backup ends before its closing line (cut short?): nothing was restored",
    ))
}

/// The rows of one table not written yet.
#[derive(Default)]
struct Pending {
    table: Option<&'static Table>,
    columns: Vec<Column>,
    rows: Vec<Value>,
    bytes: usize,
}

impl Pending {
    fn start(&mut self, table: &'static Table, columns: Vec<Column>) {
        self.table = Some(table);
        self.columns = columns;
    }

    /// The row must have exactly this database's columns of the table.
    fn check_columns(&self, n: usize, row: &Map<String, Value>) -> Result<(), AppError> {
        let expected: HashSet<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        let found: HashSet<&str> = row.keys().map(String::as_str).collect();
        if expected != found {
            let mut missing: Vec<_> = expected.difference(&found).copied().collect();
            let mut extra: Vec<_> = found.difference(&expected).copied().collect();
            missing.sort_unstable();
            extra.sort_unstable();
            return Err(refused(
                n,
                format!("the row's columns differ (missing {missing:?}, unknown {extra:?})"),
            ));
        }
        Ok(())
    }

    fn push(&mut self, conn: &mut DbConn, row: Value) -> Result<(), AppError> {
        self.bytes += row.to_string().len();
        self.rows.push(row);
        // A table that refers to itself is written whole, parents first.
        let whole = self.table.is_some_and(|t| !t.self_refs.is_empty());
        if !whole && (self.rows.len() >= BATCH_ROWS || self.bytes >= BATCH_BYTES) {
            self.flush(conn)?;
        }
        Ok(())
    }

    fn flush(&mut self, conn: &mut DbConn) -> Result<(), AppError> {
        let Some(table) = self.table else { return Ok(()) };
        let mut rows = std::mem::take(&mut self.rows);
        self.bytes = 0;
        if !table.self_refs.is_empty() {
            rows = parents_first(rows, table.self_refs);
        }
        for batch in rows.chunks(BATCH_ROWS) {
            let json = Value::Array(batch.to_vec()).to_string();
            store::insert_rows(conn, table.name, &self.columns, &json)?;
        }
        Ok(())
    }
}

/// Orders the rows of a table that refers to itself by `refs` so that every row comes after
/// the row it names. A reference to no row of the table, or a cycle, is left for the
/// database's foreign keys to judge.
fn parents_first(mut rows: Vec<Value>, refs: &[&str]) -> Vec<Value> {
    let id = |row: &Value| row.get("id").and_then(Value::as_str).map(str::to_string);
    let mut waiting: HashSet<String> = rows.iter().filter_map(id).collect();
    let mut ordered = Vec::with_capacity(rows.len());
    while !rows.is_empty() {
        let (ready, rest): (Vec<Value>, Vec<Value>) = rows.into_iter().partition(|row| {
            let own = id(row);
            refs.iter().all(|r| match row.get(*r).and_then(Value::as_str) {
                Some(target) => Some(target) == own.as_deref() || !waiting.contains(target),
                None => true,
            })
        });
        if ready.is_empty() {
            ordered.extend(rest);
            break;
        }
        for row in &ready {
            if let Some(own) = id(row) {
                waiting.remove(&own);
            }
        }
        ordered.extend(ready);
        rows = rest;
    }
    ordered
}

fn parse(n: usize, line: std::io::Result<String>) -> Result<Value, AppError> {
    let line = line.map_err(|e| refused(n, format!("cannot be read: {e}")))?;
    serde_json::from_str(&line).map_err(|e| refused(n, format!("is not JSON: {e}")))
}

/// The header must name this format and version and the same migrations as this database.
fn check_header(conn: &mut DbConn, header: &Value) -> Result<(), AppError> {
    if header.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(refused(
            1,
            format!("this is not a normreg backup (no \"format\":\"{FORMAT}\")"),
        ));
    }
    if header.get("version").and_then(Value::as_u64) != Some(VERSION) {
        return Err(refused(1, format!("only version {VERSION} of the backup format is read")));
    }
    let theirs: Vec<&str> = header
        .get("migrations")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let ours = store::applied_migrations(conn)?;
    if theirs != ours.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(refused(
            1,
            format!(
                "the backup was made at schema {} and this database is at {}: restore it with \
                 the normreg version that made it, then upgrade",
                theirs.last().unwrap_or(&"(none)"),
                ours.last().map(String::as_str).unwrap_or("(none)")
            ),
        ));
    }
    Ok(())
}

/// The closing line's counts must be those of the rows read.
fn check_counts(n: usize, end: &Value, read: &BTreeMap<String, u64>) -> Result<(), AppError> {
    let declared: BTreeMap<String, u64> = end
        .get("rows")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_u64()?))).filter(|(_, v)| *v > 0)
        })
        .into_iter()
        .flatten()
        .collect();
    if &declared != read {
        return Err(refused(n, "the closing line's counts differ from the rows read"));
    }
    Ok(())
}

fn refused(line: usize, why: impl std::fmt::Display) -> AppError {
    AppError::bad_request(
        "backup_unreadable",
        format!("line {line} of the backup: {why}; nothing was restored"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_before_the_rows_that_name_them() {
        let rows = vec![
            json!({"id": "c", "parent_id": "b"}),
            json!({"id": "b", "parent_id": "a"}),
            json!({"id": "a", "parent_id": null}),
            json!({"id": "d", "parent_id": "elsewhere"}),
        ];
        let ids: Vec<_> = parents_first(rows, &["parent_id"])
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, ["a", "d", "b", "c"]);
    }
}
