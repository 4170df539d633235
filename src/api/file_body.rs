//! The bytes of a file on the wire, both ways, without ever holding a whole file in memory:
//! an upload's `multipart/form-data` body streamed into a temporary file (its size bounded
//! and its SHA-256 computed as it arrives), and a download streamed out of the stored chunks
//! one at a time, with its `ETag`, `Content-Disposition` and a single `Range`.

use std::io::Write;
use std::path::PathBuf;

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::domain::files::{
    content_disposition, range, FileKind, RangeAsk, StoredFile, CHUNK_BYTES,
};
use crate::error::{AppError, Problem};
use crate::service::files::{self, Staged};
use crate::state::AppState;

/// A file's bytes, in the content type recognised on upload (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);

/// A temporary file removed when dropped, whatever happened to the upload.
pub struct TempUpload(pub PathBuf);

impl Drop for TempUpload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An upload's form, read: its kind and its staged file.
pub struct UploadForm {
    pub kind: FileKind,
    pub staged: Staged,
    /// Removes the staged bytes when the request ends.
    pub _temp: TempUpload,
}

/// A malformed multipart body: 400, never a 5xx, whatever the client sent.
fn malformed(e: MultipartError) -> AppError {
    match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => AppError::UnsupportedMediaType(
            "send the file as `Content-Type: multipart/form-data` with the fields `kind` and \
             `file`"
                .into(),
        ),
        other => AppError::bad_request(
            "malformed_multipart",
            format!("the form cannot be read: {other}"),
        ),
    }
}

/// The longest `kind` field read.
const MAX_KIND_BYTES: usize = 64;

/// Reads the form `kind` + `file` of an upload, streaming the file into a temporary file.
/// More than `limit` bytes of file: 413, and the staged bytes are removed at once.
pub async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    limit: u64,
) -> Result<UploadForm, AppError> {
    // A declared length far beyond the limit is refused before a byte is read.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit + 64 * 1024) {
        return Err(AppError::PayloadTooLarge { limit: limit as usize });
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut kind: Option<String> = None;
    let mut file: Option<(Staged, TempUpload)> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(malformed)?;
        match field.name() {
            Some("kind") if kind.is_none() => kind = Some(small_text(&mut field).await?),
            Some("file") if file.is_none() => file = Some(stage(&mut field, limit).await?),
            Some(other) => {
                return Err(AppError::invalid(
                    other.to_string(),
                    "the form takes one `kind` and one `file`, nothing else",
                ))
            }
            None => {
                return Err(AppError::bad_request("malformed_multipart", "a field without a name"))
            }
        }
    }
    let kind = kind.ok_or_else(|| AppError::invalid("kind", "the field `kind` is missing"))?;
    let kind = FileKind::parse(kind.trim()).ok_or_else(|| {
        AppError::invalid("kind", format!("unknown kind `{}`", kind.trim().escape_default()))
    })?;
    let (staged, temp) =
        file.ok_or_else(|| AppError::invalid("file", "the field `file` is missing"))?;
    Ok(UploadForm { kind, staged, _temp: temp })
}

async fn small_text(field: &mut Field) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        bytes.extend_from_slice(&chunk.map_err(malformed)?);
        if bytes.len() > MAX_KIND_BYTES {
            return Err(AppError::invalid("kind", "unknown kind"));
        }
    }
    String::from_utf8(bytes).map_err(|_| AppError::invalid("kind", "not UTF-8"))
}

/// The file field into a temporary file, hashed and counted as it arrives. The writes go to
/// the page cache in pieces of a few KiB, which does not hold up the worker noticeably; the
/// client's pace is what a slow upload costs, and it holds no database lock.
async fn stage(field: &mut Field, limit: u64) -> Result<(Staged, TempUpload), AppError> {
    // RFC 8187's `filename*` when the client sent one (UTF-8 percent-encoded), else `filename`.
    let disposition = field.content_disposition();
    let declared_name = disposition
        .and_then(|d| d.get_filename_ext())
        .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
        .or_else(|| disposition.and_then(|d| d.get_filename()).map(str::to_string))
        .unwrap_or_else(|| "file".into());
    let temp = temp_path("upload");
    let path = temp.0.clone();
    let io = |e: std::io::Error| AppError::internal(format!("staging an upload: {e}"));
    let mut out =
        std::io::BufWriter::with_capacity(CHUNK_BYTES, std::fs::File::create(&path).map_err(io)?);
    let mut hash = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(malformed)?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(AppError::PayloadTooLarge { limit: limit as usize });
        }
        hash.update(&chunk);
        out.write_all(&chunk).map_err(io)?;
    }
    out.flush().map_err(io)?;
    if size == 0 {
        return Err(AppError::invalid("file", "the file is empty"));
    }
    let sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((Staged { path, size, sha256, declared_name }, temp))
}

/// The answer to a download of `file`: 304 when the client holds it, 206 for one satisfiable
/// range, 416 for one beyond it, else 200 with the whole file; the body is read chunk by
/// chunk as the client takes it.
pub fn download(
    state: web::Data<AppState>,
    req: &HttpRequest,
    file: StoredFile,
    public: bool,
) -> HttpResponse {
    let etag = format!("\"{}\"", file.sha256);
    let size = file.size as u64;
    let held = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let cache = if public { "public, max-age=300" } else { "private, no-cache" };
    if held {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish();
    }
    let ask = range(req.headers().get(header::RANGE).and_then(|v| v.to_str().ok()), size);
    let (status, start, end) = match ask {
        RangeAsk::Whole => (StatusCode::OK, 0, size.saturating_sub(1)),
        RangeAsk::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end),
        RangeAsk::Unsatisfiable => {
            let problem = Problem {
                kind: "urn:normreg:problem:range_not_satisfiable".into(),
                title: "Range not satisfiable".into(),
                status: 416,
                detail: format!("the file has {size} bytes"),
                code: "range_not_satisfiable".into(),
                errors: Vec::new(),
            };
            return HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{size}")))
                .content_type("application/problem+json")
                .json(problem);
        }
    };
    let length = if size == 0 { 0 } else { end - start + 1 };
    let mut answer = HttpResponse::build(status);
    answer
        .insert_header((header::CONTENT_TYPE, file.content_type.clone()))
        .insert_header((header::CONTENT_DISPOSITION, content_disposition(&file.name)))
        .insert_header((header::ETAG, etag))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CACHE_CONTROL, cache));
    if status == StatusCode::PARTIAL_CONTENT {
        answer.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}")));
    }
    let chunk = CHUNK_BYTES as u64;
    let id = file.id;
    // (next chunk, first byte wanted of it, bytes still to send)
    let first = (start / chunk, start % chunk, length);
    let body = futures_util::stream::unfold(first, move |(n, skip, left)| {
        let state = state.clone();
        async move {
            if left == 0 {
                return None;
            }
            let read = state.read(move |conn, _| files::chunk(conn, id, n as i32)).await;
            Some(match read {
                Ok(bytes) => {
                    let from = (skip as usize).min(bytes.len());
                    let to = (from as u64 + left).min(bytes.len() as u64) as usize;
                    let part = web::Bytes::from(bytes).slice(from..to);
                    let sent = part.len() as u64;
                    // A chunk shorter than promised would loop for ever: stop instead.
                    let next = if sent == 0 { 0 } else { left - sent };
                    (Ok::<_, AppError>(part), (n + 1, 0, next))
                }
                Err(e) => (Err(e), (n, 0, 0)),
            })
        }
    });
    answer.no_chunking(length).streaming(body)
}

/// A temporary file streamed out as the body of a 200 (a filing's package) and removed when
/// the answer ends, read a chunk at a time.
pub fn temp_file_answer(
    temp: TempUpload,
    content_type: &str,
    name: &str,
) -> Result<HttpResponse, AppError> {
    fn io(e: std::io::Error) -> AppError {
        AppError::internal(format!("reading a package: {e}"))
    }
    let length = std::fs::metadata(&temp.0).map_err(io)?.len();
    let file = std::fs::File::open(&temp.0).map_err(io)?;
    let body = futures_util::stream::unfold((file, temp), |(mut file, temp)| async move {
        let mut buf = vec![0u8; CHUNK_BYTES];
        // A read of the page cache; the file was written just before.
        match std::io::Read::read(&mut file, &mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, AppError>(web::Bytes::from(buf)), (file, temp)))
            }
            Err(e) => Some((Err(io(e)), (file, temp))),
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type.to_string()))
        .insert_header((header::CONTENT_DISPOSITION, content_disposition(name)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .no_chunking(length)
        .streaming(body))
}

/// A fresh temporary path, removed when the guard drops.
pub fn temp_path(what: &str) -> TempUpload {
    TempUpload(std::env::temp_dir().join(format!("normreg-{what}-{}", uuid::Uuid::new_v4())))
}
