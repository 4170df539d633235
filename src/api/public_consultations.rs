//! Public consultation (征求意见) for everyone under `/api/v1/public/consultations`: the
//! consultations with their text and, once closed, their feedback; a comment while one is
//! open; a comment's status and disposition by its tracking code. Never a contact.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::path::Path;
use super::responses::{InvalidFilter, InvalidPaging};
use super::visitor::Visitor;
use super::{status_filter, Answer};
use crate::domain::consultation::ConsultationStatus;
use crate::domain::ids::ConsultationId;
use crate::error::Problem;
use crate::service::consultation_public::{
    self, CommentInput, CommentReceipt, CommentTracking, PublicConsultation,
    PublicConsultationSummary,
};
use crate::service::paging::{PageQuery, Paged};
use crate::service::suggestions;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationQuery {
    /// Code of the agency holding the consultation.
    pub agency: Option<String>,
    /// `scheduled`, `open` or `closed`.
    pub status: Option<String>,
}

/// Public consultations, latest first (征求意见).
#[utoipa::path(tag = "public", security(()), params(ConsultationQuery, PageQuery), responses(
    (status = 200, description = "A page of consultations", body = Paged<PublicConsultationSummary>),
    InvalidFilter, InvalidPaging
))]
#[get("/public/consultations")]
pub async fn list_public_consultations(
    visitor: Visitor,
    query: web::Query<ConsultationQuery>,
    page: Paging,
) -> Answer {
    let status =
        status_filter(query.status.as_deref(), "consultation status", ConsultationStatus::parse)?;
    let agency = query.into_inner().agency;
    let found = visitor
        .state
        .read(move |conn, clock| {
            consultation_public::list(
                conn,
                clock,
                agency.as_deref(),
                status,
                page.offset(),
                page.per_page,
            )
        })
        .await?;
    Ok(paged(page, found, |c| c))
}

/// One consultation with the text as consulted and, once closed, the feedback (意见采纳情况).
#[utoipa::path(tag = "public", security(()), params(ConsultationId), responses(
    (status = 200, description = "The consultation", body = PublicConsultation),
    (status = 404, description = "No such consultation", body = Problem)
))]
#[get("/public/consultations/{id}")]
pub async fn get_public_consultation(visitor: Visitor, id: Path<ConsultationId>) -> Answer {
    let id = id.0;
    let found =
        visitor.state.read(move |conn, clock| consultation_public::get(conn, clock, id)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "建议第三条增加听证程序。", "article": "第三条", "name": "张三", "contact": "zhangsan@example.com"}))]
pub struct NewComment {
    /// At most 10,000 characters.
    #[schema(max_length = 10000)]
    pub content: String,
    /// The article commented on, e.g. 第三条.
    pub article: Option<String>,
    pub name: Option<String>,
    /// How the drafter may reach you; never shown publicly.
    pub contact: Option<String>,
}

/// Comments on an open consultation; keep the tracking code to read the disposition.
#[utoipa::path(tag = "public", security(()), params(ConsultationId), request_body(content = NewComment, example = json!({"content": "建议第三条增加听证程序。", "article": "第三条", "name": "张三", "contact": "zhangsan@example.com"})), responses(
    (status = 201, description = "Received", body = CommentReceipt),
    (status = 404, description = "No such consultation", body = Problem),
    (status = 409, description = "The consultation is not open (not yet, or closed)", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem),
    (status = 429, description = "Too many comments from this address; try again later", body = Problem)
))]
#[post("/public/consultations/{id}/comments")]
pub async fn create_comment(
    visitor: Visitor,
    id: Path<ConsultationId>,
    body: ApiJson<NewComment>,
) -> Answer {
    let NewComment { content, article, name, contact } = body.0;
    let input =
        CommentInput::parse(&content, article.as_deref(), name.as_deref(), contact.as_deref())?;
    // The same client address and key as review suggestions use, so one limit reads alike.
    let client = suggestions::client_key(crate::auth::client_address::of(&visitor.request));
    let id = id.0;
    let receipt = visitor
        .state
        .write(move |tx, clock| consultation_public::comment(tx, clock, client, id, input))
        .await?;
    Ok(HttpResponse::Created().json(receipt))
}

/// A comment's status and the drafter's disposition; never the contact.
#[utoipa::path(tag = "public", security(()), params(("tracking_code" = String, Path, description = "The code given when the comment was sent")), responses(
    (status = 200, description = "The comment's status", body = CommentTracking),
    (status = 404, description = "No comment has this tracking code", body = Problem)
))]
#[get("/public/consultation-comments/{tracking_code}")]
pub async fn get_comment(visitor: Visitor, tracking_code: web::Path<String>) -> Answer {
    let code = tracking_code.into_inner();
    let view = visitor.state.read(move |conn, _| consultation_public::track(conn, &code)).await?;
    // Not cached by shared caches: the code is the only key to it.
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(view))
}
