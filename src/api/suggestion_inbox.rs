//! The filing authority's inbox of citizens' review suggestions under
//! `/api/v1/review-suggestions` (filing reviewers): the list, and the reply.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use crate::auth::AuthUser;
use crate::domain::ids::SuggestionId;
use crate::error::{AppError, Problem};
use crate::service::paging::{Page, PageQuery, Paged};
use crate::service::suggestions::{self, AddressedSuggestion, ReplyText, SuggestionTracking};
use crate::state::AppState;

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
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not a filing reviewer", body = Problem),
    (status = 422, description = "Invalid paging", body = Problem)
))]
#[get("/review-suggestions")]
pub async fn list_review_suggestions(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    let clock = state.clock.clone();
    let (items, total) = state
        .db
        .read(move |conn| {
            suggestions::inbox(conn, &user, clock.as_ref(), page.offset(), page.per_page)
        })
        .await?;
    let items = items.into_iter().map(SuggestionInboxItem::from).collect();
    Ok(HttpResponse::Ok().json(page.wrap(items, total)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionReply {
    /// The public reply.
    pub reply: String,
    /// e.g. `no_problem_found`, `correction_ordered`, `revoked`: free text, shown publicly.
    pub outcome: String,
}

/// Answers a review suggestion (filing reviewer of the authority it is addressed to).
#[utoipa::path(tag = "filings", security(("bearer" = [])), request_body = SuggestionReply, responses(
    (status = 200, description = "Replied", body = SuggestionInboxItem),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not a filing reviewer", body = Problem),
    (status = 404, description = "No such suggestion for your agency", body = Problem),
    (status = 409, description = "Already replied", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/review-suggestions/{id}/reply")]
pub async fn reply_review_suggestion(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<SuggestionReply>,
) -> Result<HttpResponse, AppError> {
    let text = ReplyText { reply: body.0.reply, outcome: body.0.outcome };
    let clock = state.clock.clone();
    let id = id.into_inner();
    let item =
        state.db.write(move |tx| suggestions::reply(tx, &user, clock.as_ref(), &id, text)).await?;
    Ok(HttpResponse::Ok().json(SuggestionInboxItem::from(item)))
}
