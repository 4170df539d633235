//! HTTP caching of public answers, shared by the API and the web pages: strong ETags of the
//! exact bytes, `Cache-Control`, and 304 for a client that has the answer already.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// How long clients and shared caches may reuse a public answer without asking again. Short,
/// because validity changes with the date and repeals take effect on publication.
pub const CACHE_CONTROL: &str = "public, max-age=60";
/// The `max-age` of [`CACHE_CONTROL`].
pub const CACHE_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// A strong validator of the exact bytes sent.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether the client's `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for
/// this header).
fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim() == "*" || strip(t) == strip(etag)))
}

/// Answers `body` with its ETag and cache lifetime, or 304 when the client has it already.
pub fn cached(req: &HttpRequest, content_type: &str, body: Vec<u8>) -> HttpResponse {
    let etag = etag_of(&body);
    cached_with_etag(req, content_type, Bytes::from(body), etag)
}

/// [`cached`] for a body whose ETag is known already.
pub fn cached_with_etag(
    req: &HttpRequest,
    content_type: &str,
    body: Bytes,
    etag: String,
) -> HttpResponse {
    if not_modified(req, &etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .content_type(content_type)
        .body(body)
}

pub fn cached_json<T: Serialize>(req: &HttpRequest, value: &T) -> Result<HttpResponse, AppError> {
    let body = serde_json::to_vec(value).map_err(|e| AppError::internal(e.to_string()))?;
    Ok(cached(req, "application/json", body))
}
