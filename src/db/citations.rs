//! The citations of each document (`document_citations`, replaced whenever its text is saved)
//! and the documents they were scanned for (`citation_scans`); the registry reads that resolve
//! a citation, which see published documents only.

use diesel::dsl::not;
use diesel::prelude::*;

use super::document_row::{documents as decoded, parsed, parsed_opt, DocumentRow};
use super::documents::id_strings;
use super::error::DbError;
use super::schema::{citation_scans, document_citations, documents};
use super::DbConn;
use crate::domain::citation::{CiteField, CiteKind, Cited, Found};
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::Status;

const PUBLISHED: &str = Status::Published.as_str();
const TABLE: &str = "document_citations";

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = document_citations)]
struct CitationRow {
    document_id: String,
    position: i32,
    field: String,
    kind: String,
    start_char: i32,
    end_char: i32,
    text: String,
    cite_key: String,
    cited_document_id: Option<String>,
    law_title: Option<String>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl CitationRow {
    fn new(document: DocumentId, position: usize, c: &Cited) -> Self {
        Self {
            document_id: document.to_string(),
            position: count(position),
            field: c.found.field.as_str().to_string(),
            kind: c.found.kind.as_str().to_string(),
            start_char: count(c.found.start),
            end_char: count(c.found.end),
            text: c.found.text.clone(),
            cite_key: c.found.key.clone(),
            cited_document_id: c.document.map(|d| d.to_string()),
            law_title: c.law_title.clone(),
        }
    }

    fn decode(self) -> Result<(DocumentId, Cited), DbError> {
        let id = format!("{}/{}", self.document_id, self.position);
        let bad = |column, v: &str| DbError::decode(TABLE, &id, column, format!("`{v}`"));
        let field = CiteField::parse(&self.field).ok_or_else(|| bad("field", &self.field))?;
        let kind = CiteKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))?;
        let citing = parsed(TABLE, &id, "document_id", &self.document_id)?;
        let document =
            parsed_opt(TABLE, &id, "cited_document_id", self.cited_document_id.as_deref())?;
        let found = Found {
            kind,
            field,
            text: self.text,
            start: usize::try_from(self.start_char).unwrap_or(0),
            end: usize::try_from(self.end_char).unwrap_or(0),
            key: self.cite_key,
        };
        Ok((citing, Cited { found, document, law_title: self.law_title }))
    }
}

/// Replaces the citations of `document` with `cited` and records it scanned at `revision`.
pub fn replace(
    conn: &mut DbConn,
    document: DocumentId,
    revision: i32,
    cited: &[Cited],
) -> Result<(), DbError> {
    let id = document.to_string();
    diesel::delete(document_citations::table.filter(document_citations::document_id.eq(&id)))
        .execute(conn)?;
    // One row a statement: multi-row inserts do not go through the engine enum.
    for (position, c) in cited.iter().enumerate() {
        diesel::insert_into(document_citations::table)
            .values(CitationRow::new(document, position, c))
            .execute(conn)?;
    }
    diesel::delete(citation_scans::table.find(&id)).execute(conn)?;
    diesel::insert_into(citation_scans::table)
        .values((citation_scans::document_id.eq(&id), citation_scans::revision.eq(revision)))
        .execute(conn)?;
    Ok(())
}

/// Stores the citations of a document that has none yet (just imported).
pub fn insert_new(
    conn: &mut DbConn,
    document: DocumentId,
    revision: i32,
    cited: &[Cited],
) -> Result<(), DbError> {
    for (position, c) in cited.iter().enumerate() {
        diesel::insert_into(document_citations::table)
            .values(CitationRow::new(document, position, c))
            .execute(conn)?;
    }
    diesel::insert_into(citation_scans::table)
        .values((
            citation_scans::document_id.eq(document.to_string()),
            citation_scans::revision.eq(revision),
        ))
        .execute(conn)?;
    Ok(())
}

/// The unresolved citations with one of `keys`: (citing, position, kind, key), read in slices.
pub fn pending_with_keys(
    conn: &mut DbConn,
    keys: &[String],
) -> Result<Vec<(DocumentId, i32, CiteKind, String)>, DbError> {
    let mut out = Vec::new();
    for slice in keys.chunks(1_000) {
        let rows: Vec<(String, i32, String, String)> = document_citations::table
            .filter(document_citations::cited_document_id.is_null())
            // Both kinds named, so that the partial index on (kind, cite_key) serves.
            .filter(
                document_citations::kind
                    .eq_any([CiteKind::Title.as_str(), CiteKind::Number.as_str()]),
            )
            .filter(document_citations::cite_key.eq_any(slice.to_vec()))
            .select((
                document_citations::document_id,
                document_citations::position,
                document_citations::kind,
                document_citations::cite_key,
            ))
            .load(conn)?;
        for (id, position, kind, key) in rows {
            let citing = parsed(TABLE, &id, "document_id", &id)?;
            let kind = CiteKind::parse(&kind)
                .ok_or_else(|| DbError::decode(TABLE, &id, "kind", format!("`{kind}`")))?;
            out.push((citing, position, kind, key));
        }
    }
    Ok(out)
}

/// Points one citation at `document`.
pub fn resolve_one(
    conn: &mut DbConn,
    citing: DocumentId,
    position: i32,
    document: DocumentId,
) -> Result<(), DbError> {
    diesel::update(document_citations::table.find((citing.to_string(), position)))
        .set(document_citations::cited_document_id.eq(Some(document.to_string())))
        .execute(conn)?;
    Ok(())
}

/// The citations of `document`, in text order (body first).
pub fn of_document(conn: &mut DbConn, document: DocumentId) -> Result<Vec<Cited>, DbError> {
    let rows: Vec<CitationRow> = document_citations::table
        .filter(document_citations::document_id.eq(document.to_string()))
        .order(document_citations::position.asc())
        .select(CitationRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|r| r.decode().map(|(_, c)| c)).collect()
}

/// The documents whose citations name `cited`, each once, oldest first; only the published
/// ones with `published_only`.
pub fn citing(
    conn: &mut DbConn,
    cited: DocumentId,
    published_only: bool,
) -> Result<Vec<Document>, DbError> {
    let ids = document_citations::table
        .filter(document_citations::cited_document_id.eq(cited.to_string()))
        .select(document_citations::document_id);
    let mut query = documents::table.filter(documents::id.eq_any(ids)).into_boxed();
    if published_only {
        query = query.filter(documents::status.eq(PUBLISHED));
    }
    decoded(
        query
            .order((documents::created_at.asc(), documents::id.asc()))
            .load::<DocumentRow>(conn)?,
    )
}

/// Every resolved citation of the published documents of `agencies`: (citing, cited).
pub fn resolved_of_published(
    conn: &mut DbConn,
    agencies: &[AgencyId],
) -> Result<Vec<(DocumentId, DocumentId)>, DbError> {
    let citing = documents::table
        .filter(documents::agency_id.eq_any(id_strings(agencies)))
        .filter(documents::status.eq(PUBLISHED))
        .select(documents::id);
    let rows: Vec<(String, Option<String>)> = document_citations::table
        .filter(document_citations::document_id.eq_any(citing))
        .filter(document_citations::cited_document_id.is_not_null())
        .select((document_citations::document_id, document_citations::cited_document_id))
        .order((document_citations::document_id.asc(), document_citations::position.asc()))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(a, b)| b.map(|b| (a, b)))
        .map(|(a, b)| {
            Ok((parsed(TABLE, &a, "document_id", &a)?, parsed(TABLE, &a, "cited_document_id", &b)?))
        })
        .collect()
}

/// Points the unresolved citations of `kind` with one of `keys` at `document` (just
/// published); answers how many.
pub fn resolve_pending(
    conn: &mut DbConn,
    kind: CiteKind,
    keys: &[String],
    document: DocumentId,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        document_citations::table
            .filter(document_citations::cited_document_id.is_null())
            .filter(document_citations::kind.eq(kind.as_str()))
            .filter(document_citations::cite_key.eq_any(keys.to_vec()))
            .filter(document_citations::document_id.ne(document.to_string())),
    )
    .set(document_citations::cited_document_id.eq(Some(document.to_string())))
    .execute(conn)?)
}

/// The published documents titled one of `titles`, newest version first.
pub fn published_titled(conn: &mut DbConn, titles: &[String]) -> Result<Vec<Document>, DbError> {
    decoded(
        documents::table
            .filter(documents::status.eq(PUBLISHED))
            .filter(documents::title.eq_any(titles.to_vec()))
            .order((documents::published_on.desc(), documents::version.desc()))
            .limit(20)
            .load(conn)?,
    )
}

/// The published documents whose 文号 ends with `tail` (the bracketed year and the serial, as
/// in `〔2023〕3号`): the caller compares the agency codes.
pub fn published_numbered_like(conn: &mut DbConn, tail: &str) -> Result<Vec<Document>, DbError> {
    let pattern = format!("%{}", super::documents::escape_like(tail));
    decoded(
        documents::table
            .filter(documents::status.eq(PUBLISHED))
            .filter(documents::issuance_number.like(pattern).escape('\\'))
            .order((documents::published_on.desc(), documents::version.desc()))
            .limit(50)
            .load(conn)?,
    )
}

/// Documents whose citations were never scanned (written before citations were kept, or
/// restored without them), at most `limit`.
pub fn unscanned(conn: &mut DbConn, limit: i64) -> Result<Vec<Document>, DbError> {
    decoded(
        // NOT EXISTS, which both engines run as an anti-join: PostgreSQL runs `NOT (id =
        // ANY(subquery))` as a subplan per row once the ids outgrow `work_mem`, and a start on
        // a million documents then never finished.
        documents::table
            .filter(not(diesel::dsl::exists(
                citation_scans::table.filter(citation_scans::document_id.eq(documents::id)),
            )))
            .order(documents::id.asc())
            .limit(limit)
            .load(conn)?,
    )
}

/// The published documents among `ids`, in no particular order; read in slices, so that a
/// long list stays within both engines' limits on parameters.
pub fn published_among(conn: &mut DbConn, ids: &[DocumentId]) -> Result<Vec<Document>, DbError> {
    let mut out = Vec::with_capacity(ids.len());
    for slice in ids.chunks(1_000) {
        out.extend(decoded(
            documents::table
                .filter(documents::id.eq_any(id_strings(slice)))
                .filter(documents::status.eq(PUBLISHED))
                .load(conn)?,
        )?);
    }
    Ok(out)
}
