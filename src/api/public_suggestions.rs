//! Citizens' review suggestions under `/api/v1/public/review-suggestions`: anyone asks the
//! filing authority to review a published document, then follows it by its tracking code.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::ApiJson;
use super::visitor::Visitor;
use super::Answer;
use crate::error::Problem;
use crate::service::suggestions::{self, SuggestionInput, SuggestionReceipt, SuggestionTracking};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSuggestion {
    /// The published document the suggestion is about.
    #[schema(format = Uuid)]
    pub document_id: String,
    /// At most 10,000 characters.
    #[schema(max_length = 10000)]
    pub content: String,
    /// How the filing authority may reach you; never shown publicly.
    pub contact: Option<String>,
}

/// Asks the filing authority to review a published document (审查建议).
#[utoipa::path(tag = "public", request_body(content = NewSuggestion, example = json!({"document_id": "8d3c5f0e-2b1a-4c6d-9e7f-0a1b2c3d4e5f", "content": "第二条设定了行政许可，建议审查。", "contact": "13800000000"})), responses(
    (status = 201, description = "Received; keep the tracking code", body = SuggestionReceipt),
    (status = 422, description = "Invalid fields, or no published document with this id", body = Problem),
    (status = 429, description = "Too many suggestions from this address; try again later", body = Problem)
))]
#[post("/public/review-suggestions")]
pub async fn create_review_suggestion(visitor: Visitor, body: ApiJson<NewSuggestion>) -> Answer {
    let NewSuggestion { document_id, content, contact } = body.0;
    let input = SuggestionInput::parse(&document_id, &content, contact.as_deref())?;
    let client = suggestions::client_key(crate::auth::client_address::of(&visitor.request));
    let receipt =
        visitor.state.write(move |tx, clock| suggestions::submit(tx, clock, client, input)).await?;
    Ok(HttpResponse::Created().json(receipt))
}

/// The status, deadline and public reply of a suggestion; never the contact.
#[utoipa::path(tag = "public", responses(
    (status = 200, description = "The suggestion's status", body = SuggestionTracking),
    (status = 404, description = "No suggestion has this tracking code", body = Problem)
))]
#[get("/public/review-suggestions/{tracking_code}")]
pub async fn get_review_suggestion(visitor: Visitor, tracking_code: web::Path<String>) -> Answer {
    let code = tracking_code.into_inner();
    let view =
        visitor.state.read(move |conn, clock| suggestions::track(conn, clock, &code)).await?;
    // Not cached by shared caches: the code is the only key to it.
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(view))
}
