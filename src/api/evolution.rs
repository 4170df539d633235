//! A published document's later life (立改废释): evaluation before expiry, continuation,
//! amendment, repeal, declaration of invalidity, and its text on any date.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::path::Path;
use super::responses::{DocumentNotFound, InvalidFields, NotItsAgency, NotItsRegistrar, NotLiving};
use super::views::DocumentView;
use super::Answer;
use crate::domain::ids::DocumentId;
use crate::domain::validity::Validity;
use crate::error::Problem;
use crate::service::evolution::{self, Continuation, Declaration, Repeal};
use crate::service::paging::{PageQuery, Paged};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// Days ahead, 0–3650 (default: the policy's evaluation window, 180).
    #[param(maximum = 3650)]
    pub within_days: Option<u32>,
}

/// Documents of the caller's scope in force whose validity ends within the window: due for
/// evaluation (continue, re-issue, or let expire).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(ExpiringQuery, PageQuery), responses(
    (status = 200, description = "Documents due for evaluation, soonest first", body = Paged<DocumentView>)
))]
#[get("/documents/expiring")]
pub async fn expiring(caller: Caller, query: web::Query<ExpiringQuery>, page: Paging) -> Answer {
    let within = query.within_days;
    let due = caller
        .read(move |conn, actor, clock| {
            evolution::expiring(conn, actor, clock, within, page.offset(), page.per_page)
        })
        .await?;
    let today = caller.today();
    Ok(paged(page, due, |doc| DocumentView::new(doc, today)))
}

/// Records the evaluation's decision that the document continues, with a new end of validity
/// (registrar or drafter of its agency).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(DocumentId), request_body(content = Continuation, example = json!({"decided_on": "2026-03-02", "reason": "评估后继续有效。", "valid_until": "2031-03-31"})), responses(
    (status = 200, description = "Continued", body = DocumentView),
    NotItsAgency, DocumentNotFound, NotLiving,
    (status = 422, description = "Invalid dates", body = Problem)
))]
#[post("/documents/{id}/continue")]
pub async fn continue_document(
    caller: Caller,
    id: Path<DocumentId>,
    body: ApiJson<Continuation>,
) -> Answer {
    caller.document_step(evolution::continue_document, id.0, body.0).await
}

/// Repeals a published document from a date (registrar of its agency). History is kept.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(DocumentId), request_body(content = Repeal, example = json!({"repealed_on": "2026-03-02", "reason": "上位法已修改。"})), responses(
    (status = 200, description = "Repealed", body = DocumentView),
    NotItsRegistrar, DocumentNotFound, NotLiving, InvalidFields
))]
#[post("/documents/{id}/repeal")]
pub async fn repeal(caller: Caller, id: Path<DocumentId>, body: ApiJson<Repeal>) -> Answer {
    caller.document_step(evolution::repeal, id.0, body.0).await
}

/// Declares a published document invalid (宣布失效), e.g. as a cleanup outcome (registrar).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(DocumentId), request_body(content = Declaration, example = json!({"declared_on": "2026-03-02", "reason": "调整对象已消失。"})), responses(
    (status = 200, description = "Declared invalid", body = DocumentView),
    NotItsRegistrar, DocumentNotFound, NotLiving, InvalidFields
))]
#[post("/documents/{id}/declare-invalid")]
pub async fn declare_invalid(
    caller: Caller,
    id: Path<DocumentId>,
    body: ApiJson<Declaration>,
) -> Answer {
    caller.document_step(evolution::declare_invalid, id.0, body.0).await
}

/// Starts an amendment: a new draft version of the same document, which goes through its own
/// review, numbering and publication; when published, this version reads `amended`.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(DocumentId), responses(
    (status = 201, description = "The new draft version", body = DocumentView),
    (status = 403, description = "Not a drafter of the document's agency", body = Problem),
    DocumentNotFound,
    (status = 409, description = "Not published, ended, or an amendment is already open", body = Problem)
))]
#[post("/documents/{id}/amend")]
pub async fn amend(caller: Caller, id: Path<DocumentId>) -> Answer {
    let draft =
        caller.write(move |tx, actor, clock| evolution::amend(tx, actor, clock, id.0)).await?;
    Ok(caller.document(StatusCode::CREATED, draft))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The day, `YYYY-MM-DD`, within the policy's date range. Read as text so that a
    /// malformed date is refused naming the field.
    #[param(value_type = NaiveDate)]
    pub date: String,
}

/// The text of a document as it stood on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextOnDate {
    pub date: NaiveDate,
    /// The version in force (or last published) on that day.
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub version: i32,
    pub title: String,
    pub body: String,
    pub issuance_number: Option<String>,
    pub validity: Option<Validity>,
}

/// Point in time: which version's text applied on a date, and its validity then.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(AsOfQuery, DocumentId), responses(
    (status = 200, description = "The text on that date", body = TextOnDate),
    (status = 404, description = "No version was published by that date", body = Problem),
    (status = 422, description = "A date not written YYYY-MM-DD or outside the policy's range", body = Problem)
))]
#[get("/documents/{id}/as-of")]
pub async fn as_of(caller: Caller, id: Path<DocumentId>, query: web::Query<AsOfQuery>) -> Answer {
    let date = crate::service::dates::parse_field("date", &query.date)?;
    let v = caller.read(move |conn, actor, _| evolution::text_on(conn, actor, id.0, date)).await?;
    Ok(HttpResponse::Ok().json(TextOnDate {
        date,
        validity: v.validity_on(date),
        document_id: v.id,
        version: v.version,
        title: v.title,
        body: v.body,
        issuance_number: v.issuance_number,
    }))
}
