//! The storage side of backup and restore: which tables make a registry and in what order,
//! their columns as the database itself describes them, each row read as one portable JSON
//! object from a consistent snapshot, rows written back in batches, and what a restore must
//! set again afterwards (the event serial, the search index). The format of the file is
//! `service::backup`'s.
//!
//! Portable means the same JSON on both engines: booleans are `true`/`false` (SQLite stores
//! 0/1), dates `YYYY-MM-DD`, times `YYYY-MM-DD HH:MM:SS[.fff[fff]]` (what diesel writes on
//! SQLite, and what PostgreSQL parses), numbers numbers. So a backup of one engine restores
//! into the other.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::error::DbError;
use super::DbConn;

/// A table of the registry, with the order its rows are read in, and the columns by which it
/// refers to itself (a restore writes a parent before the rows that name it).
pub struct Table {
    pub name: &'static str,
    order: &'static str,
    pub self_refs: &'static [&'static str],
}

const fn table(name: &'static str, order: &'static str) -> Table {
    Table { name, order, self_refs: &[] }
}

/// Every table that holds the registry, each after the tables it refers to. The full-text
/// index is not among them: a restore rebuilds it from the published documents.
pub const TABLES: &[Table] = &[
    table("settings", "key"),
    Table { name: "agencies", order: "id", self_refs: &["parent_id", "filing_authority_id"] },
    table("users", "id"),
    table("login_throttle", "key"),
    table("calendar_days", "day"),
    table("number_series", "kind, prefix, year"),
    table("documents", "id"),
    table("document_revisions", "document_id, revision"),
    table("reviews", "id"),
    table("document_events", "id"),
    table("filings", "id"),
    table("interpretations", "id"),
    table("cleanup_campaigns", "id"),
    table("cleanup_items", "campaign_id, document_id"),
    Table { name: "catalogues", order: "id", self_refs: &["previous_id"] },
    table("catalogue_entries", "catalogue_id, position"),
    table("catalogue_changes", "catalogue_id, change, document_id"),
    table("expiry_watch", "document_id"),
    table("review_suggestions", "id"),
    table("consultations", "id"),
    table("consultation_comments", "id"),
    table("consultation_exemptions", "id"),
    table("document_citations", "document_id, position"),
    table("citation_scans", "document_id"),
    table("document_files", "id"),
    table("file_chunks", "file_id, n"),
    table("date_anomalies", "table_name, row_key, column_name"),
    table("history_heads", "chain"),
    table("audit_events", "id"),
    table("checkpoints", "seq"),
    table("checkpoint_heads", "chain, length"),
];

/// How a column's values are written in the portable JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bool,
    Date,
    Timestamp,
    /// Bytes (a file's chunks): `\x` and lowercase hex on both engines, PostgreSQL's own text
    /// form of `bytea`.
    Blob,
    Other,
}

/// A column as the database declares it.
pub struct Column {
    pub name: String,
    kind: Kind,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
}

#[derive(QueryableByName)]
struct LineRow {
    #[diesel(sql_type = Text)]
    line: String,
}

#[derive(QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = Text)]
    version: String,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Runs `work` in a read-only transaction that sees one snapshot of the whole database while
/// writers go on: PostgreSQL's REPEATABLE READ, and on SQLite (in WAL mode) a read
/// transaction, whose snapshot is fixed by its first read.
pub fn in_snapshot<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    match conn {
        DbConn::Postgres(pg) => AnsiTransactionManager::begin_transaction_sql(
            pg,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        ),
        DbConn::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN"),
    }
    .map_err(DbError::from)?;
    let result = work(conn);
    // Nothing was written: ending it by rollback is the same whatever `work` answered.
    <DbConn as Connection>::TransactionManager::rollback_transaction(conn)
        .map_err(DbError::from)?;
    result
}

/// The migrations applied to this database, oldest first: a backup restores only into a
/// database with the same ones, i.e. the same tables and columns.
pub fn applied_migrations(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
    let rows: Vec<VersionRow> = diesel::sql_query(
        "SELECT CAST(version AS TEXT) AS version FROM __diesel_schema_migrations ORDER BY version",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.version).collect())
}

/// The columns of `table`, in their declared order, as the database describes them.
pub fn columns(conn: &mut DbConn, table: &str) -> Result<Vec<Column>, DbError> {
    let rows: Vec<ColumnRow> = match conn {
        DbConn::Sqlite(_) => {
            diesel::sql_query("SELECT name, type AS kind FROM pragma_table_info(?) ORDER BY cid")
                .bind::<Text, _>(table)
                .load(conn)?
        }
        DbConn::Postgres(_) => diesel::sql_query(super::placeholders(
            conn,
            "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS kind \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        ))
        .bind::<Text, _>(table)
        .load(conn)?,
    };
    if rows.is_empty() {
        return Err(DbError::internal(format!("table {table} does not exist")));
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let declared = r.kind.to_ascii_lowercase();
            let kind = if declared.starts_with("bool") {
                Kind::Bool
            } else if declared.starts_with("timestamp") {
                Kind::Timestamp
            } else if declared == "date" {
                Kind::Date
            } else if declared == "blob" || declared == "bytea" {
                Kind::Blob
            } else {
                Kind::Other
            };
            Column { name: r.name, kind }
        })
        .collect())
}

/// Up to `limit` rows of `table` in the table's order, after the row `after` (the last of the
/// previous page; `None` for the first), each as one JSON object (text) with the portable
/// values (its spacing and key order are the engine's). Pages follow the key rather than
/// an OFFSET, so that a large table costs one pass, not one more per page.
pub fn export_page(
    conn: &mut DbConn,
    table: &Table,
    columns: &[Column],
    after: Option<&serde_json::Map<String, serde_json::Value>>,
    limit: i64,
) -> Result<Vec<String>, DbError> {
    let keys: Vec<&str> = table.order.split(", ").collect();
    let order = keys.iter().map(|k| quoted(k)).collect::<Vec<_>>().join(", ");
    let after = match after {
        None => String::new(),
        Some(row) => {
            let values = keys
                .iter()
                .map(|k| literal(table.name, k, row.get(*k)))
                .collect::<Result<Vec<_>, _>>()?;
            format!("WHERE ({order}) > ({})", values.join(", "))
        }
    };
    let postgres = matches!(conn, DbConn::Postgres(_));
    let fields = columns
        .iter()
        .map(|c| {
            let q = quoted(&c.name);
            let value = match (postgres, c.kind) {
                (false, Kind::Bool) => format!(
                    "CASE WHEN {q} IS NULL THEN NULL WHEN {q} THEN json('true') ELSE json('false') END"
                ),
                // As chrono's `%.f` writes it on SQLite: no fraction, or 3 or 6 digits.
                (true, Kind::Timestamp) => format!(
                    "CASE to_char({q}, 'US') WHEN '000000' THEN to_char({q}, 'YYYY-MM-DD HH24:MI:SS') \
                     ELSE to_char({q}, CASE WHEN to_char({q}, 'US') LIKE '%000' \
                     THEN 'YYYY-MM-DD HH24:MI:SS.MS' ELSE 'YYYY-MM-DD HH24:MI:SS.US' END) END"
                ),
                (true, Kind::Date) => format!("to_char({q}, 'YYYY-MM-DD')"),
                (false, Kind::Blob) => format!("'\\x' || lower(hex({q}))"),
                _ => q,
            };
            format!("'{}', {value}", c.name)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let object = if postgres {
        format!("CAST(json_build_object({fields}) AS TEXT)")
    } else {
        format!("json_object({fields})")
    };
    let rows: Vec<LineRow> = diesel::sql_query(format!(
        "SELECT {object} AS line FROM {} {after} ORDER BY {order} LIMIT {limit}",
        quoted(table.name),
    ))
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.line).collect())
}

/// Whether the database holds no agency, user or document: the only kind a restore writes to.
pub fn holds_no_registry(conn: &mut DbConn) -> Result<bool, DbError> {
    let row: CountRow = diesel::sql_query(
        "SELECT (SELECT COUNT(*) FROM agencies) + (SELECT COUNT(*) FROM users) \
         + (SELECT COUNT(*) FROM documents) AS n",
    )
    .get_result(conn)?;
    Ok(row.n == 0)
}

/// Empties every table of the registry: what a start of the service may have seeded
/// (settings, the calendar) gives way to the backup's.
pub fn clear(conn: &mut DbConn) -> Result<(), DbError> {
    let mut sql = String::new();
    for name in TABLES.iter().rev().map(|t| t.name) {
        sql.push_str(&format!("DELETE FROM {};\n", quoted(name)));
    }
    conn.batch_execute(&sql)?;
    Ok(())
}

/// Writes `rows` (a JSON array of objects with exactly the table's columns) into `table` in one
/// statement.
pub fn insert_rows(
    conn: &mut DbConn,
    table: &str,
    columns: &[Column],
    rows_json: &str,
) -> Result<(), DbError> {
    let names = columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ");
    let sql = match conn {
        // PostgreSQL parses each value with the column's own type.
        DbConn::Postgres(_) => format!(
            "INSERT INTO {t} ({names}) SELECT {names} \
             FROM json_populate_recordset(CAST(NULL AS {t}), CAST(? AS JSON))",
            t = quoted(table)
        ),
        // json_extract gives true/false as 1/0, which is how SQLite stores booleans.
        DbConn::Sqlite(_) => {
            let values = columns
                .iter()
                .map(|c| match c.kind {
                    Kind::Blob => {
                        format!("unhex(substr(json_extract(value, '$.\"{}\"'), 3))", c.name)
                    }
                    _ => format!("json_extract(value, '$.\"{}\"')", c.name),
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "INSERT INTO {} ({names}) SELECT {values} FROM json_each(?) ORDER BY key",
                quoted(table)
            )
        }
    };
    diesel::sql_query(super::placeholders(conn, &sql)).bind::<Text, _>(rows_json).execute(conn)?;
    Ok(())
}

/// What a restore sets again after the rows are written: PostgreSQL's event serials (SQLite's
/// AUTOINCREMENT follows the highest id written by itself). The search index is not here: it
/// is derived, and the next start finds it behind the restored events and rebuilds it.
pub fn after_restore(conn: &mut DbConn) -> Result<(), DbError> {
    if let DbConn::Postgres(_) = conn {
        conn.batch_execute(
            "SELECT setval(pg_get_serial_sequence('document_events', 'id'), \
             COALESCE(MAX(id), 0) + 1, false) FROM document_events; \
             SELECT setval(pg_get_serial_sequence('audit_events', 'id'), \
             COALESCE(MAX(id), 0) + 1, false) FROM audit_events",
        )?;
    }
    Ok(())
}

/// A key's value, read from the row the database gave, as an SQL literal (text or integer;
/// a date key is text that both engines compare as a date).
fn literal(table: &str, key: &str, value: Option<&serde_json::Value>) -> Result<String, DbError> {
    match value {
        Some(serde_json::Value::String(s)) => Ok(format!("'{}'", s.replace('\'', "''"))),
        Some(serde_json::Value::Number(n)) if n.is_i64() => Ok(n.to_string()),
        other => Err(DbError::internal(format!(
            "{table}: key {key} is {other:?}, not text or an integer"
        ))),
    }
}

/// A name as an SQL identifier (every name here is the code's own, never a user's).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
