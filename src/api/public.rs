//! The public catalogue under `/api/v1/public/documents` and `/api/v1/public/lookup`:
//! published documents only, no account, with HTTP caching. The reads themselves are
//! `crate::service::public_reading`, which the web pages render too.

use std::sync::Arc;

use actix_web::web::Bytes;
use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::path::Path;
use super::responses::NotModified;
use super::visitor::Visitor;
use super::Answer;
use crate::domain::ids::DocumentId;
use crate::error::{AppError, Problem};
use crate::http_caching::{cached, cached_with_etag, etag_of};
use crate::service::public_reading::{
    self, Catalogue, CataloguePage, CatalogueQuery, PublicDocument,
};
use crate::service::structured_texts::akn;

/// The catalogue of published documents, searchable in Chinese.
#[utoipa::path(tag = "public", params(CatalogueQuery), responses(
    (status = 200, description = "A page of published documents, best match first when searching (every match ranked and counted, with facets), else newest first; with ETag and Cache-Control", body = CataloguePage),
    NotModified,
    (status = 400, description = "Unreadable query string", body = Problem),
    (status = 422, description = "Invalid filter", body = Problem)
))]
#[get("/public/documents")]
pub async fn list_public_documents(visitor: Visitor, query: web::Query<CatalogueQuery>) -> Answer {
    let state = &visitor.state;
    let request = Catalogue::parse(&query, state.clock.today())?;
    let (cache, index) = (state.search_cache.clone(), state.search_index.clone());
    let started = std::time::Instant::now();
    let page = state
        .read(move |conn, clock| public_reading::catalogue(conn, clock, &cache, &index, request))
        .await?;
    state.metrics.search(started.elapsed().as_secs_f64());
    visitor.cached(&page)
}

/// `?format=` of a document read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentFormat {
    /// `json` (the default) or `akn`: Akoma Ntoso 3.0 XML, `application/akn+xml`.
    pub format: Option<String>,
}

/// One published document: text, structure, numbers, dates, validity and versions; or, with
/// `?format=akn`, the same as Akoma Ntoso 3.0 XML.
#[utoipa::path(tag = "public", params(DocumentId, DocumentFormat), responses(
    (status = 200, description = "The document, with ETag and Cache-Control", content(
        (PublicDocument = "application/json"),
        (String = "application/akn+xml", example = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">…</akomaNtoso>")
    )),
    NotModified,
    (status = 400, description = "Unreadable query string", body = Problem),
    (status = 404, description = "No published document with this id", body = Problem),
    (status = 422, description = "Unknown format", body = Problem)
))]
#[get("/public/documents/{id}")]
pub async fn get_public_document(
    visitor: Visitor,
    id: Path<DocumentId>,
    format: web::Query<DocumentFormat>,
) -> Answer {
    let (state, req) = (&visitor.state, &visitor.request);
    match format.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => {}
        Some("akn") => {
            let id = id.0;
            let xml = state.read(move |conn, clock| akn::document(conn, clock, id)).await?;
            return Ok(cached(req, akn::MEDIA_TYPE, xml.into_bytes()));
        }
        Some(_) => return Err(AppError::invalid("format", "must be json or akn")),
    }
    let today = state.clock.today();
    let key = id.0.to_string();
    // Read before the database, so that a write landing meanwhile marks this entry stale.
    let generation = state.db.generation();
    if let Some((body, etag)) = state.read_cache.get(&key, &(today, generation)) {
        return Ok(cached_with_etag(req, "application/json", Bytes::from_owner(body), etag));
    }
    let doc = state.read(move |conn, clock| public_reading::document(conn, clock, id.0)).await?;
    let body: Arc<[u8]> =
        serde_json::to_vec(&doc).map_err(|e| AppError::internal(e.to_string()))?.into();
    let etag = etag_of(&body);
    state.read_cache.put(key, (today, generation), (body.clone(), etag.clone()));
    Ok(cached_with_etag(req, "application/json", Bytes::from_owner(body), etag))
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
    NotModified,
    (status = 400, description = "No number given", body = Problem),
    (status = 404, description = "No published document has this number", body = Problem),
    (status = 422, description = "Not a document number; the message says how to write one", body = Problem)
))]
#[get("/public/lookup")]
pub async fn lookup_number(visitor: Visitor, query: web::Query<LookupQuery>) -> Answer {
    let number = public_reading::parse_number(&query.number)?;
    let doc =
        visitor.state.read(move |conn, clock| public_reading::lookup(conn, clock, &number)).await?;
    visitor.cached(&doc)
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
