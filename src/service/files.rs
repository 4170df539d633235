//! A document's files: storing an upload that the edge has staged in a temporary file (its
//! content recognised from the bytes, its name cleaned, as the next version of its kind, with
//! its event), the lists, and the reads a download streams chunk by chunk. The public sees
//! only the official text of a published document.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use chrono::NaiveDateTime;

use crate::db::{self, DbConn};
use crate::domain::clock::Clock;
use crate::domain::document::Document;
use crate::domain::files::{
    clean_name, sniff, zip_format, FileKind, Format, Sniffed, StoredFile, CHUNK_BYTES, SNIFF_LEN,
};
use crate::domain::history::document_chain;
use crate::domain::ids::{DocumentId, FileId, UserId};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::scope::load_document;
use crate::service::Actor;

/// An upload as the edge received it: its bytes in a temporary file (which the edge removes),
/// their size and SHA-256 computed while they arrived, and the name the client gave.
#[derive(Clone, Debug)]
pub struct Staged {
    pub path: PathBuf,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
    pub declared_name: String,
}

/// The refusal of any content that is not one of the accepted formats.
fn unsupported() -> AppError {
    AppError::UnsupportedMediaType(
        "the file is not a PDF, OFD, DOCX, DOC, PNG or JPEG (recognised from its bytes, \
         whatever its name or declared type)"
            .into(),
    )
}

/// The format of the staged bytes, read from the file itself (a ZIP by its entries); 415 for
/// anything else. Runs before the write transaction: it reads only the temporary file.
pub fn recognise(staged: &Staged) -> Result<Format, AppError> {
    let io = |e: std::io::Error| AppError::internal(format!("reading the staged upload: {e}"));
    let mut file = File::open(&staged.path).map_err(io)?;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut file).take(SNIFF_LEN as u64).read_to_end(&mut head).map_err(io)?;
    match sniff(&head) {
        Sniffed::Known(format) => Ok(format),
        Sniffed::Unknown => Err(unsupported()),
        Sniffed::Zip => {
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            // A ZIP that does not open (truncated, an executable's self-extractor) is refused.
            let archive = zip::ZipArchive::new(file).map_err(|_| unsupported())?;
            let names: Vec<String> =
                archive.file_names().filter_map(Result::ok).map(|n| n.into_owned()).collect();
            zip_format(names.iter().map(String::as_str)).ok_or_else(unsupported)
        }
    }
}

/// Who may add a file of `kind` to a document they can see: its own agency's drafters and
/// registrars any kind; legal and filing reviewers their opinions.
fn may_upload(actor: &Actor, own: bool, kind: FileKind) -> Result<(), AppError> {
    let staff = own && (actor.has(Role::Drafter) || actor.has(Role::Registrar));
    let reviewer = kind == FileKind::ReviewOpinion
        && (actor.has(Role::LegalReviewer) || actor.has(Role::FilingReviewer));
    if staff || reviewer || actor.has(Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "files are added by the document's own drafters and registrars (reviewers may add \
             their review opinions)"
                .into(),
        ))
    }
}

/// 404 or 403 before any byte of an upload is read: the caller must be able to add files to
/// the document.
pub fn check_upload(conn: &mut DbConn, actor: &Actor, id: DocumentId) -> Result<(), AppError> {
    let doc = load_document(conn, actor, id)?;
    let own = actor.agency_id == Some(doc.agency_id);
    // The kind is not known yet: the broadest right suffices here, `store` checks the kind.
    may_upload(actor, own, FileKind::ReviewOpinion)
}

/// Stores the staged upload as the next version of `kind` on the document, its bytes in
/// chunks, with the document's event, all in the caller's (write) transaction.
pub fn store(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    kind: FileKind,
    format: Format,
    staged: &Staged,
) -> Result<StoredFile, AppError> {
    let doc = load_document(tx, actor, id)?;
    may_upload(actor, actor.agency_id == Some(doc.agency_id), kind)?;
    write_version(tx, &doc, kind, format, staged, Some(actor.id), clock.now().naive_utc())
}

/// Who uploaded a file imported at the command line, where no account acts: the nil UUID.
pub const OPERATOR: UserId = UserId(uuid::Uuid::nil());

/// Writes `staged` as the next version of `kind` on `doc`, its bytes in chunks, with the
/// document's `file_added` event, in the caller's write transaction (an upload, or an
/// import's official text). `uploader` is `None` for the operator at the command line.
pub fn write_version(
    tx: &mut DbConn,
    doc: &Document,
    kind: FileKind,
    format: Format,
    staged: &Staged,
    uploader: Option<UserId>,
    now: NaiveDateTime,
) -> Result<StoredFile, AppError> {
    // Two uploads to one document take turns on its history head, so the versions never
    // collide; the event below appends to the same chain.
    db::history::lock_heads(tx, &[document_chain(&doc.id.to_string())])?;
    let version = db::files::next_version(tx, doc.id, kind)?;
    let chunks = staged.size.div_ceil(CHUNK_BYTES as u64);
    let file = StoredFile {
        id: FileId::new(),
        document_id: doc.id,
        agency_id: doc.agency_id,
        kind,
        version,
        name: clean_name(&staged.declared_name, format),
        content_type: format.content_type().to_string(),
        size: staged.size as i64,
        sha256: staged.sha256.clone(),
        chunks: chunks as i32,
        uploaded_by: uploader.unwrap_or(OPERATOR),
        created_at: now,
    };
    db::files::insert(tx, &file)?;
    let io = |e: std::io::Error| AppError::internal(format!("reading the staged upload: {e}"));
    let mut source = File::open(&staged.path).map_err(io)?;
    let mut buf = vec![0u8; CHUNK_BYTES];
    for n in 0..chunks {
        let want = (staged.size - n * CHUNK_BYTES as u64).min(CHUNK_BYTES as u64) as usize;
        source.read_exact(&mut buf[..want]).map_err(io)?;
        db::files::insert_chunk(tx, file.id, n as i32, &buf[..want])?;
    }
    let payload = serde_json::json!({
        "file_id": file.id, "kind": kind.as_str(), "version": version, "name": file.name,
        "sha256": file.sha256, "size": file.size,
    });
    let event = db::documents::NewEvent {
        document_id: doc.id,
        actor_id: uploader,
        at: now,
        action: "file_added",
        from_status: Some(doc.status),
        to_status: Some(doc.status),
        reason: None,
        payload: Some(payload),
    };
    db::documents::insert_event(tx, &event)?;
    Ok(file)
}

/// The files of a document the caller can see.
pub fn list(conn: &mut DbConn, actor: &Actor, id: DocumentId) -> Result<Vec<StoredFile>, AppError> {
    let doc = load_document(conn, actor, id)?;
    Ok(db::files::of_document(conn, doc.id, None)?)
}

/// A file of a document the caller can see; 404 for any other.
pub fn find(conn: &mut DbConn, actor: &Actor, id: FileId) -> Result<StoredFile, AppError> {
    let file = db::files::find(conn, id)?.ok_or(AppError::NotFound("file"))?;
    load_document(conn, actor, file.document_id).map_err(|_| AppError::NotFound("file"))?;
    Ok(file)
}

/// The official texts of a published document; 404 for a document that is not published.
pub fn public_list(conn: &mut DbConn, id: DocumentId) -> Result<Vec<StoredFile>, AppError> {
    let doc = db::public::find_published(conn, id)?.ok_or(AppError::NotFound("document"))?;
    Ok(db::files::of_document(conn, doc.id, Some(FileKind::OfficialText))?)
}

/// One official text of a published document; 404 for every other file, whatever its kind.
pub fn public_find(
    conn: &mut DbConn,
    id: DocumentId,
    file: FileId,
) -> Result<StoredFile, AppError> {
    db::public::find_published(conn, id)?.ok_or(AppError::NotFound("file"))?;
    db::files::find(conn, file)?
        .filter(|f| f.document_id == id && f.kind.may_be_public())
        .ok_or(AppError::NotFound("file"))
}

/// Chunk `n` of a file found by [`find`] or [`public_find`]: what a download reads, one at a
/// time.
pub fn chunk(conn: &mut DbConn, file: FileId, n: i32) -> Result<Vec<u8>, AppError> {
    db::files::chunk(conn, file, n)?
        .ok_or_else(|| AppError::internal(format!("chunk {n} of file {file} is missing")))
}
