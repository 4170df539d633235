//! The full-text index of published documents: writing and removing its entries. The public
//! catalogue query that reads it is `search_query`.
//!
//! Why bigrams in each engine's own full-text index: neither SQLite nor PostgreSQL segments
//! Chinese. FTS5's trigram tokenizer silently returns nothing for a two-character term, and
//! most legal terms have two characters (许可, 罚款); PostgreSQL's parser sees a whole run of
//! Han characters as one word and pg_trgm falls back to a scan for two characters. Storing
//! overlapping CJK bigrams (as Lucene's CJK analyzer does) finds every substring of two or
//! more characters as a phrase of bigrams, needs no dictionary, and keeps the index inside the
//! database: it is written in the publishing transaction (findable as soon as it commits),
//! shared by every instance on one PostgreSQL, and answered by FTS5 / GIN rather than a scan.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text};

use super::error::DbError;
use super::DbConn;
use crate::domain::cjk_tokens;
use crate::domain::document::Document;
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Status;

type Multi = <DbConn as Connection>::Backend;

/// The text the index holds for a document: title, both numbers and the body. Newlines keep
/// the parts apart for nothing but readability; tokens never join across separators anyway.
pub(crate) fn indexed_text(row: &Document) -> String {
    [
        Some(row.title.as_str()),
        row.issuance_number.as_deref(),
        row.registration_number.as_deref(),
        Some(row.body.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
}

/// Writes the document's tokens into the index, replacing any earlier entry; call it in the
/// transaction that publishes the document so that search and catalogue never disagree.
pub fn index_document(conn: &mut DbConn, row: &Document) -> Result<(), DbError> {
    remove_document(conn, row.id)?;
    index_new(conn, std::slice::from_ref(row))
}

/// Index entries for documents that have none yet, in one statement (imports write hundreds
/// at a time). Each entry carries the document's agency and publication date, which the
/// agency and year filters of a search read (see the `search_facets` migration).
pub fn index_new(conn: &mut DbConn, rows: &[Document]) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    let (columns, values) = if sqlite {
        ("document_id, tokens", "(?, ?)")
    } else {
        ("document_id, tokens, agency_id, published_on", "(?, to_tsvector('simple', ?), ?, ?)")
    };
    let mut sql = format!("INSERT INTO document_search ({columns}) VALUES ");
    sql.push_str(&vec![values; rows.len()].join(", "));
    let mut insert = diesel::sql_query(super::placeholders(conn, &sql)).into_boxed::<Multi>();
    for row in rows {
        insert = insert
            .bind::<Text, _>(row.id.to_string())
            .bind::<Text, _>(cjk_tokens::index_tokens(&indexed_text(row)));
        if !sqlite {
            insert = insert
                .bind::<Text, _>(row.agency_id.to_string())
                .bind::<Nullable<Date>, _>(row.published_on);
        }
    }
    if !sqlite {
        insert.execute(conn)?;
        return Ok(());
    }
    // FTS5 numbers new entries after the highest rowid, so the entries just written are the
    // ones above the highest before.
    let before: Option<i64> =
        diesel::sql_query("SELECT rowid AS rowid FROM document_search ORDER BY rowid DESC LIMIT 1")
            .get_result::<RowidRow>(conn)
            .optional()?
            .map(|r| r.rowid);
    insert.execute(conn)?;
    // The agency and date come from `rows`: the publishing transaction may not have written
    // them to `documents` yet.
    let mut sql = String::from("WITH v (document_id, agency_id, published_on) AS (VALUES ");
    sql.push_str(&vec!["(?, ?, ?)"; rows.len()].join(", "));
    sql.push_str(
        ") INSERT INTO document_search_rows (search_rowid, document_id, agency_id, published_on) \
         SELECT s.rowid, v.document_id, v.agency_id, v.published_on \
         FROM document_search s JOIN v ON v.document_id = s.document_id WHERE s.rowid > ?",
    );
    let mut facets = diesel::sql_query(sql).into_boxed::<Multi>();
    for row in rows {
        facets = facets
            .bind::<Text, _>(row.id.to_string())
            .bind::<Text, _>(row.agency_id.to_string())
            .bind::<Nullable<Date>, _>(row.published_on);
    }
    facets.bind::<BigInt, _>(before.unwrap_or(0)).execute(conn)?;
    Ok(())
}

/// Drops the document from the index.
pub fn remove_document(conn: &mut DbConn, document_id: DocumentId) -> Result<(), DbError> {
    let document_id = document_id.to_string();
    if matches!(conn, DbConn::Sqlite(_)) {
        diesel::sql_query(
            "DELETE FROM document_search WHERE rowid IN \
             (SELECT search_rowid FROM document_search_rows WHERE document_id = ?)",
        )
        .bind::<Text, _>(&document_id)
        .execute(conn)?;
        diesel::sql_query("DELETE FROM document_search_rows WHERE document_id = ?")
            .bind::<Text, _>(&document_id)
            .execute(conn)?;
        return Ok(());
    }
    diesel::sql_query(super::placeholders(
        conn,
        "DELETE FROM document_search WHERE document_id = ?",
    ))
    .bind::<Text, _>(document_id)
    .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Indexes every published document that has no index entry yet: documents published
/// before the index existed, or written by a path that does not index (imports, a restore).
/// They enter in the order of publication, which is the order a search's window takes as
/// newest last.
pub fn index_missing(conn: &mut DbConn) -> Result<usize, DbError> {
    // SQLite looks entries up by document in the side table: FTS5 would scan itself once
    // per document.
    let entries = match conn {
        DbConn::Sqlite(_) => "document_search_rows",
        DbConn::Postgres(_) => "document_search",
    };
    let ids: Vec<IdRow> = diesel::sql_query(format!(
        "SELECT d.id AS id FROM documents d WHERE d.status = '{published}' \
         AND NOT EXISTS (SELECT 1 FROM {entries} s WHERE s.document_id = d.id) \
         ORDER BY d.published_on, d.id",
        published = Status::Published.as_str()
    ))
    .load(conn)?;
    for IdRow { id } in &ids {
        let id = super::document_row::parsed("documents", id, "id", id)?;
        if let Some(row) = super::documents::find(conn, id)? {
            index_document(conn, &row)?;
        }
    }
    Ok(ids.len())
}

/// An FTS5 rowid.
#[derive(QueryableByName)]
struct RowidRow {
    #[diesel(sql_type = BigInt)]
    rowid: i64,
}
