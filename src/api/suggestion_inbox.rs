//! The filing authority's inbox of citizens' review suggestions under
//! `/api/v1/review-suggestions` (filing reviewers): the list, and the reply.

use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::Caller;
use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::responses::{InvalidFields, InvalidPaging, NotFilingReviewer, Unauthenticated};
use super::Answer;
use crate::domain::ids::SuggestionId;
use crate::error::Problem;
use crate::service::paging::{PageQuery, Paged};
use crate::service::suggestions::{self, AddressedSuggestion, ReplyText, SuggestionTracking};

/// A suggestion as its filing authority sees it, with the contact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SuggestionInboxItem {
    #[schema(value_type = String)]
    pub id: SuggestionId,
    #[serde(flatten)]
    pub tracking: SuggestionTracking,
    pub content: String,
    pub contact: Option<String>,
}

impl From<AddressedSuggestion> for SuggestionInboxItem {
    fn from(s: AddressedSuggestion) -> Self {
        Self { id: s.id, tracking: s.tracking, content: s.content, contact: s.contact }
    }
}

/// The filing authority's inbox of review suggestions, earliest deadline first (filing reviewer).
#[utoipa::path(tag = "filings", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, description = "A page of suggestions addressed to your agency", body = Paged<SuggestionInboxItem>),
    Unauthenticated, NotFilingReviewer, InvalidPaging
))]
#[get("/review-suggestions")]
pub async fn list_review_suggestions(caller: Caller, page: Paging) -> Answer {
    let found = caller
        .read(move |conn, actor, clock| {
            suggestions::inbox(conn, actor, clock, page.offset(), page.per_page)
        })
        .await?;
    Ok(paged(page, found, SuggestionInboxItem::from))
}

/// Answers a review suggestion (filing reviewer of the authority it is addressed to).
#[utoipa::path(tag = "filings", security(("bearer" = [])), request_body(content = ReplyText, example = json!({"reply": "经审查，该文件第二条已责令改正。", "outcome": "correction_ordered"})), responses(
    (status = 200, description = "Replied", body = SuggestionInboxItem),
    Unauthenticated, NotFilingReviewer,
    (status = 404, description = "No such suggestion for your agency", body = Problem),
    (status = 409, description = "Already replied", body = Problem),
    InvalidFields
))]
#[post("/review-suggestions/{id}/reply")]
pub async fn reply_review_suggestion(
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<ReplyText>,
) -> Answer {
    let id = id.into_inner();
    let item = caller
        .write(move |tx, actor, clock| suggestions::reply(tx, actor, clock, &id, body.0))
        .await?;
    Ok(HttpResponse::Ok().json(SuggestionInboxItem::from(item)))
}
