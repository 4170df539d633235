//! The OpenAPI document, generated from the handlers and served byte-identical to
//! `openapi/openapi.json` in the repository.

use actix_web::{get, web, HttpResponse};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use super::{routes, ApiDoc};

/// The document as pretty JSON, exactly as checked in.
pub struct SpecJson(pub String);

/// Builds the document by registering every route on a throwaway app, then declares the
/// answers of the edge on each operation.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, spec) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    let mut spec = spec;
    super::edge_responses::apply(&mut spec);
    super::openapi_rules::apply(&mut spec);
    spec
}

/// The checked-in form: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

/// This document.
#[utoipa::path(tag = "health", responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json(spec: web::Data<SpecJson>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(spec.0.clone())
}
