//! The public catalogue under `/api/v1/public/documents` and `/api/v1/public/lookup`:
//! published documents only, no account, with HTTP caching. The reads themselves are
//! `crate::service::public_reading`, which the web pages render too.

use std::sync::Arc;

use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::path_id;
use crate::domain::ids::DocumentId;
use crate::error::{AppError, Problem};
use crate::http_caching::{cached_json, cached_with_etag, etag_of};
use crate::service::public_reading::{
    self, Catalogue, CataloguePage, CatalogueQuery, PublicDocument,
};
use crate::state::AppState;

/// The catalogue of published documents, searchable in Chinese.
#[utoipa::path(tag = "public", params(CatalogueQuery), responses(
    (status = 200, description = "A page of published documents, best match first when searching (among the newest `NORMREG_SEARCH_WINDOW` matches), else newest first; with ETag and Cache-Control", body = CataloguePage),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 400, description = "Unreadable query string", body = Problem),
    (status = 422, description = "Invalid filter", body = Problem)
))]
#[get("/public/documents")]
pub async fn list_public_documents(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, AppError> {
    let request = Catalogue::parse(&query, state.clock.today())?;
    let (clock, cache, window) =
        (state.clock.clone(), state.search_cache.clone(), state.config.search_window);
    let page = state
        .db
        .read(move |conn| public_reading::catalogue(conn, clock.as_ref(), &cache, window, request))
        .await?;
    cached_json(&req, &page)
}

/// One published document: text, numbers, dates, validity and versions.
#[utoipa::path(tag = "public", responses(
    (status = 200, description = "The document, with ETag and Cache-Control", body = PublicDocument),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 404, description = "No published document with this id", body = Problem)
))]
#[get("/public/documents/{id}")]
pub async fn get_public_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let today = state.clock.today();
    let key = id.to_string();
    // Read before the database, so that a write landing meanwhile marks this entry stale.
    let generation = state.db.generation();
    if let Some((body, etag)) = state.read_cache.get(&key, &(today, generation)) {
        return Ok(cached_with_etag(&req, "application/json", Bytes::from_owner(body), etag));
    }
    let clock = state.clock.clone();
    let doc = state.db.read(move |conn| public_reading::document(conn, clock.as_ref(), id)).await?;
    let body: Arc<[u8]> =
        serde_json::to_vec(&doc).map_err(|e| AppError::internal(e.to_string()))?.into();
    let etag = etag_of(&body);
    state.read_cache.put(key, (today, generation), (body.clone(), etag.clone()));
    Ok(cached_with_etag(&req, "application/json", Bytes::from_owner(body), etag))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// A 文号 (辽政规〔2026〕3号, with 〔〕 ﹝﹞ [] 【】 （） …) or 统一登记号 (LNFS—2026—3).
    pub number: String,
}

/// The published document with a 文号 or 登记号, in any bracket spelling.
#[utoipa::path(tag = "public", params(LookupQuery), responses(
    (status = 200, description = "The document, with ETag and Cache-Control", body = PublicDocument),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 400, description = "No number given", body = Problem),
    (status = 404, description = "No published document has this number", body = Problem),
    (status = 422, description = "Not a document number; the message says how to write one", body = Problem)
))]
#[get("/public/lookup")]
pub async fn lookup_number(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LookupQuery>,
) -> Result<HttpResponse, AppError> {
    let number = public_reading::parse_number(&query.number)?;
    let clock = state.clock.clone();
    let doc =
        state.db.read(move |conn| public_reading::lookup(conn, clock.as_ref(), &number)).await?;
    cached_json(&req, &doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_quoted_and_change_with_the_body() {
        let a = etag_of(b"a");
        assert!(a.starts_with('"') && a.ends_with('"'));
        assert_ne!(a, etag_of(b"b"));
    }
}
