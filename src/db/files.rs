//! The files of documents (`document_files`) and their bytes in chunks (`file_chunks`), one
//! row per statement as `MultiConnection` needs. Rows decode strictly into
//! `domain::files::StoredFile`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::document_row::{parsed, word};
use super::error::DbError;
use super::schema::{document_files, file_chunks};
use super::DbConn;
use crate::domain::files::{FileKind, StoredFile};
use crate::domain::ids::{DocumentId, FileId};

/// One row of `document_files`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = document_files)]
struct FileRow {
    id: String,
    document_id: String,
    agency_id: String,
    kind: String,
    version: i32,
    name: String,
    content_type: String,
    size: i64,
    sha256: String,
    chunks: i32,
    uploaded_by: String,
    created_at: NaiveDateTime,
}

impl TryFrom<FileRow> for StoredFile {
    type Error = DbError;

    fn try_from(r: FileRow) -> Result<Self, DbError> {
        let id = &r.id;
        Ok(StoredFile {
            id: parsed("document_files", id, "id", id)?,
            document_id: parsed("document_files", id, "document_id", &r.document_id)?,
            agency_id: parsed("document_files", id, "agency_id", &r.agency_id)?,
            kind: word("document_files", id, "kind", &r.kind, FileKind::parse)?,
            uploaded_by: parsed("document_files", id, "uploaded_by", &r.uploaded_by)?,
            version: r.version,
            name: r.name,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            chunks: r.chunks,
            created_at: r.created_at,
        })
    }
}

impl From<&StoredFile> for FileRow {
    fn from(f: &StoredFile) -> Self {
        FileRow {
            id: f.id.to_string(),
            document_id: f.document_id.to_string(),
            agency_id: f.agency_id.to_string(),
            kind: f.kind.as_str().to_string(),
            version: f.version,
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
            chunks: f.chunks,
            uploaded_by: f.uploaded_by.to_string(),
            created_at: f.created_at,
        }
    }
}

/// The version the next file of `kind` on the document gets. The caller holds the document's
/// history head locked (`history::lock_heads`), so two uploads of one document take turns.
pub fn next_version(conn: &mut DbConn, doc: DocumentId, kind: FileKind) -> Result<i32, DbError> {
    use diesel::dsl::max;
    let last: Option<i32> = document_files::table
        .filter(document_files::document_id.eq(doc.to_string()))
        .filter(document_files::kind.eq(kind.as_str()))
        .select(max(document_files::version))
        .first(conn)?;
    Ok(last.unwrap_or(0) + 1)
}

pub fn insert(conn: &mut DbConn, file: &StoredFile) -> Result<(), DbError> {
    diesel::insert_into(document_files::table).values(FileRow::from(file)).execute(conn)?;
    Ok(())
}

/// Chunk `n` (from 0) of a file's bytes.
pub fn insert_chunk(conn: &mut DbConn, file: FileId, n: i32, bytes: &[u8]) -> Result<(), DbError> {
    diesel::insert_into(file_chunks::table)
        .values((
            file_chunks::file_id.eq(file.to_string()),
            file_chunks::n.eq(n),
            file_chunks::bytes.eq(bytes),
        ))
        .execute(conn)?;
    Ok(())
}

/// Chunk `n` of a file, `None` past its last.
pub fn chunk(conn: &mut DbConn, file: FileId, n: i32) -> Result<Option<Vec<u8>>, DbError> {
    Ok(file_chunks::table
        .filter(file_chunks::file_id.eq(file.to_string()))
        .filter(file_chunks::n.eq(n))
        .select(file_chunks::bytes)
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut DbConn, id: FileId) -> Result<Option<StoredFile>, DbError> {
    document_files::table
        .filter(document_files::id.eq(id.to_string()))
        .first::<FileRow>(conn)
        .optional()?
        .map(StoredFile::try_from)
        .transpose()
}

/// A document's files, by kind and version; only `kind` when given.
pub fn of_document(
    conn: &mut DbConn,
    doc: DocumentId,
    kind: Option<FileKind>,
) -> Result<Vec<StoredFile>, DbError> {
    let mut q =
        document_files::table.filter(document_files::document_id.eq(doc.to_string())).into_boxed();
    if let Some(k) = kind {
        q = q.filter(document_files::kind.eq(k.as_str()));
    }
    q.order((document_files::kind, document_files::version))
        .load::<FileRow>(conn)?
        .into_iter()
        .map(StoredFile::try_from)
        .collect()
}
