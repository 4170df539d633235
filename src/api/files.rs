//! A document's files: uploads (`multipart/form-data`), the lists and the downloads, and the
//! public's downloads of a published document's official text (正式文本).

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::Caller;
use super::file_body::{download, read_upload, FileBytes};
use super::path::{FilePath, Path, PublicFilePath};
use super::responses::DocumentNotFound;
use super::visitor::Visitor;
use super::Answer;
use crate::domain::files::{FileKind, StoredFile};
use crate::domain::ids::{DocumentId, FileId, UserId};
use crate::error::Problem;
use crate::service::files;

/// One stored file (a version of one kind of a document's files).
#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    #[schema(value_type = String)]
    pub id: FileId,
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub kind: FileKind,
    /// The file name as cleaned on upload (no path, no control characters).
    pub name: String,
    /// Lowercase hex SHA-256 of the bytes; also the download's ETag.
    pub sha256: String,
    pub size: i64,
    /// Recognised from the bytes, not from what the client declared.
    pub content_type: String,
    /// 1 for the first file of its kind on the document, then 2, 3 …; older versions stay.
    pub version: i32,
    /// The account that uploaded it; the nil UUID for an official text imported at the
    /// command line (`normreg import`), where no account acts.
    #[schema(value_type = String)]
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl From<StoredFile> for FileView {
    fn from(f: StoredFile) -> Self {
        Self {
            id: f.id,
            document_id: f.document_id,
            kind: f.kind,
            name: f.name,
            sha256: f.sha256,
            size: f.size,
            content_type: f.content_type,
            version: f.version,
            uploaded_by: f.uploaded_by,
            created_at: f.created_at.and_utc(),
        }
    }
}

/// The public's view of an official text: no uploader.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFileView {
    #[schema(value_type = String)]
    pub id: FileId,
    pub kind: FileKind,
    pub name: String,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub version: i32,
}

impl From<StoredFile> for PublicFileView {
    fn from(f: StoredFile) -> Self {
        Self {
            id: f.id,
            kind: f.kind,
            name: f.name,
            sha256: f.sha256,
            size: f.size,
            content_type: f.content_type,
            version: f.version,
        }
    }
}

// The upload form as the OpenAPI document declares it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    kind: FileKind,
    /// The file; its filename is the stored name (cleaned). PDF, OFD, DOCX, DOC, PNG or
    /// JPEG, recognised from the bytes.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Adds a file to a document in the caller's scope: the next version of its kind (older
/// versions stay). Drafters and registrars of the document's agency; reviewers their review
/// opinions. At most `NORMREG_MAX_UPLOAD_BYTES` (50 MiB by default).
#[utoipa::path(tag = "files", security(("bearer" = [])), params(DocumentId),
    request_body(content = FileUpload, content_type = "multipart/form-data",
        example = json!({"kind": "official_text", "file": "(the bytes of 正式文本.pdf)"})),
    responses(
        (status = 201, description = "Stored", body = FileView),
        (status = 403, description = "Not allowed to add files (of this kind) to this document", body = Problem),
        DocumentNotFound,
        (status = 413, description = "The file is larger than the upload limit; nothing is stored", body = Problem),
        (status = 415, description = "Not multipart/form-data, or a file that is not PDF, OFD, DOCX, DOC, PNG or JPEG", body = Problem),
        (status = 422, description = "The field `kind` or `file` missing or invalid", body = Problem)
))]
#[post("/documents/{id}/files")]
pub async fn upload_file(
    caller: Caller,
    id: Path<DocumentId>,
    req: HttpRequest,
    payload: web::Payload,
) -> Answer {
    let doc = id.0;
    // Refused before a byte is read: a document out of scope, a caller who may not add files.
    caller.read(move |conn, actor, _| files::check_upload(conn, actor, doc)).await?;
    let form = read_upload(&req, payload, caller.state.config.upload_limit).await?;
    let staged = form.staged.clone();
    let format = web::block(move || files::recognise(&staged))
        .await
        .map_err(|e| crate::error::AppError::internal(e.to_string()))??;
    let (kind, staged) = (form.kind, form.staged.clone());
    let stored = caller
        .write(move |tx, actor, clock| files::store(tx, actor, clock, doc, kind, format, &staged))
        .await?;
    drop(form);
    Ok(HttpResponse::build(StatusCode::CREATED).json(FileView::from(stored)))
}

/// The files of a document in the caller's scope, every kind and version.
#[utoipa::path(tag = "files", security(("bearer" = [])), params(DocumentId), responses(
    (status = 200, description = "The files, by kind and version", body = Vec<FileView>),
    DocumentNotFound
))]
#[get("/documents/{id}/files")]
pub async fn list_files(caller: Caller, id: Path<DocumentId>) -> Answer {
    let found = caller.read(move |conn, actor, _| files::list(conn, actor, id.0)).await?;
    Ok(HttpResponse::Ok().json(found.into_iter().map(FileView::from).collect::<Vec<_>>()))
}

/// The bytes of a file of a document in the caller's scope, with `Content-Disposition` (the
/// UTF-8 name), `ETag` (the SHA-256) and single `Range` requests; HEAD answers the headers.
#[utoipa::path(tag = "files", security(("bearer" = [])), params(FilePath), responses(
    (status = 200, description = "The whole file", content((FileBytes = "application/pdf"), (FileBytes = "application/ofd"), (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileBytes = "application/msword"), (FileBytes = "image/png"), (FileBytes = "image/jpeg"))),
    (status = 206, description = "The range asked for", content((FileBytes = "application/pdf"), (FileBytes = "application/ofd"), (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileBytes = "application/msword"), (FileBytes = "image/png"), (FileBytes = "image/jpeg"))),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 404, description = "No such file in your scope", body = Problem),
    (status = 416, description = "The range lies beyond the file", body = Problem)
))]
#[get("/files/{file_id}")]
pub async fn get_file(caller: Caller, id: Path<FilePath>, req: HttpRequest) -> Answer {
    let file_id = id.0.file;
    let file = caller.read(move |conn, actor, _| files::find(conn, actor, file_id)).await?;
    Ok(download(caller.state.clone(), &req, file, false))
}

/// The official texts (正式文本) of a published document, every version; never any other
/// kind of file.
#[utoipa::path(tag = "public", params(DocumentId), responses(
    (status = 200, description = "The official texts", body = Vec<PublicFileView>),
    (status = 404, description = "No published document with this id", body = Problem)
))]
#[get("/public/documents/{id}/files")]
pub async fn list_public_files(visitor: Visitor, id: Path<DocumentId>) -> Answer {
    let found = visitor.state.read(move |conn, _| files::public_list(conn, id.0)).await?;
    Ok(HttpResponse::Ok().json(found.into_iter().map(PublicFileView::from).collect::<Vec<_>>()))
}

/// The bytes of an official text of a published document, like `GET /api/v1/files/{file_id}`.
#[utoipa::path(tag = "public", params(PublicFilePath), responses(
    (status = 200, description = "The whole file", content((FileBytes = "application/pdf"), (FileBytes = "application/ofd"), (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileBytes = "application/msword"), (FileBytes = "image/png"), (FileBytes = "image/jpeg"))),
    (status = 206, description = "The range asked for", content((FileBytes = "application/pdf"), (FileBytes = "application/ofd"), (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileBytes = "application/msword"), (FileBytes = "image/png"), (FileBytes = "image/jpeg"))),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 404, description = "No such official text of a published document", body = Problem),
    (status = 416, description = "The range lies beyond the file", body = Problem)
))]
#[get("/public/documents/{id}/files/{file_id}")]
pub async fn get_public_file(
    visitor: Visitor,
    path: Path<PublicFilePath>,
    req: HttpRequest,
) -> Answer {
    let (doc, file) = (path.0.document, path.0.file);
    let found = visitor.state.read(move |conn, _| files::public_find(conn, doc, file)).await?;
    Ok(download(visitor.state.clone(), &req, found, true))
}
