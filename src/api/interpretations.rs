//! Interpretations (解释) of a published document by its issuing agency: attached to the
//! document, published with it, never altering its text.

use actix_web::{get, post, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::Caller;
use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::path::Path;
use super::responses::{
    DocumentNotFound, InvalidFields, InvalidPaging, NotItsRegistrar, Unauthenticated,
};
use super::Answer;
use crate::db::interpretations::InterpretationRow;
use crate::domain::ids::{DocumentId, InterpretationId, UserId};
use crate::error::Problem;
use crate::service::interpretations::{self, NewInterpretation};
use crate::service::paging::{PageQuery, Paged};

/// An interpretation as the issuing agency sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterpretationView {
    #[schema(value_type = String)]
    pub id: InterpretationId,
    /// The document interpreted.
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub title: String,
    pub body: String,
    pub issued_on: NaiveDate,
    /// 文号
    pub issuance_number: Option<String>,
    /// Who recorded it.
    #[schema(value_type = String)]
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl From<InterpretationRow> for InterpretationView {
    fn from(r: InterpretationRow) -> Self {
        Self {
            id: r.id,
            document_id: r.document_id,
            title: r.title,
            body: r.body,
            issued_on: r.issued_on,
            issuance_number: r.issuance_number,
            created_by: r.created_by,
            created_at: r.created_at.and_utc(),
        }
    }
}

/// Attaches an interpretation to a published document that is still running (registrar of
/// its agency). Recording it publishes it with the document, and publication is the
/// registrar's act (统一印发、公布), as for the document itself.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(DocumentId), request_body(content = NewInterpretation, example = json!({"title": "关于《沈阳市行政审批中介服务管理办法》第二条的解释", "body": "第二条所称中介服务机构，是指……", "issued_on": "2026-03-02"})), responses(
    (status = 201, description = "Recorded and published with the document", body = InterpretationView),
    Unauthenticated, NotItsRegistrar, DocumentNotFound,
    (status = 409, description = "Not published, already ended, or the 文号 is taken", body = Problem),
    InvalidFields
))]
#[post("/documents/{id}/interpretations")]
pub async fn create_interpretation(
    caller: Caller,
    id: Path<DocumentId>,
    body: ApiJson<NewInterpretation>,
) -> Answer {
    let row = caller
        .write(move |tx, actor, clock| interpretations::create(tx, actor, clock, id.0, body.0))
        .await?;
    Ok(HttpResponse::Created().json(InterpretationView::from(row)))
}

/// The interpretations of a document of the caller's scope, in the order they were issued.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(PageQuery, DocumentId), responses(
    (status = 200, description = "A page of interpretations", body = Paged<InterpretationView>),
    Unauthenticated, DocumentNotFound, InvalidPaging
))]
#[get("/documents/{id}/interpretations")]
pub async fn list_interpretations(caller: Caller, id: Path<DocumentId>, page: Paging) -> Answer {
    let found = caller
        .read(move |conn, actor, _| {
            interpretations::list(conn, actor, id.0, page.offset(), page.per_page)
        })
        .await?;
    Ok(paged(page, found, InterpretationView::from))
}
