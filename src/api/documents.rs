//! The HTTP edge of drafting: create, edit, list and read documents in the caller's scope, and
//! their history (the operations are in `service::drafting`, whose inputs are the bodies).

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::path::Path;
use super::responses::{DocumentNotFound, InvalidFields, InvalidFilter, NotItsDrafter};
use super::views::DocumentView;
use super::{status_filter, Answer};
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Status;
use crate::error::Problem;
use crate::service::drafting::{self, DraftChanges, HistoryEntry, NewDraft};
use crate::service::paging::{PageQuery, Paged};

/// Creates a draft in the caller's agency (drafter).
#[utoipa::path(tag = "documents", security(("bearer" = [])), request_body(content = NewDraft, example = json!({"title": "沈阳市行政审批中介服务管理办法", "body": "第一条 为了规范行政审批中介服务，制定本办法。\n第二条 本办法自发布之日起施行。", "legal_basis": "《中华人民共和国行政许可法》"})), responses(
    (status = 201, description = "The new draft", body = DocumentView),
    (status = 403, description = "Not a drafter", body = Problem),
    InvalidFields
))]
#[post("/documents")]
pub async fn create_document(caller: Caller, body: ApiJson<NewDraft>) -> Answer {
    let doc =
        caller.write(move |tx, actor, clock| drafting::create(tx, actor, clock, body.0)).await?;
    Ok(caller.document(StatusCode::CREATED, doc))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// Only documents in this status.
    #[param(value_type = Option<crate::domain::lifecycle::Status>)]
    pub status: Option<String>,
    /// Words of the title.
    pub q: Option<String>,
}

/// Lists the documents of the caller's scope.
#[utoipa::path(tag = "documents", security(("bearer" = [])), params(DocumentQuery, PageQuery), responses(
    (status = 200, description = "A page of documents", body = Paged<DocumentView>),
    InvalidFilter
))]
#[get("/documents")]
pub async fn list_documents(
    caller: Caller,
    query: web::Query<DocumentQuery>,
    page: Paging,
) -> Answer {
    let status = status_filter(query.status.as_deref(), "status", Status::parse)?;
    let query = drafting::DocumentQuery {
        status,
        q: query.q.clone(),
        offset: page.offset(),
        limit: page.per_page,
    };
    let found = caller.read(move |conn, actor, _| drafting::list(conn, actor, query)).await?;
    let today = caller.today();
    Ok(paged(page, found, |doc| DocumentView::new(doc, today)))
}

/// One document of the caller's scope.
#[utoipa::path(tag = "documents", security(("bearer" = [])), params(DocumentId), responses(
    (status = 200, description = "The document", body = DocumentView),
    DocumentNotFound
))]
#[get("/documents/{id}")]
pub async fn get_document(caller: Caller, id: Path<DocumentId>) -> Answer {
    let reading =
        caller.read(move |conn, actor, clock| drafting::read(conn, actor, clock, id.0)).await?;
    let mut view = DocumentView::new(reading.document, caller.today());
    view.cites = Some(reading.citations.cites);
    view.cited_by = Some(reading.citations.cited_by);
    view.structure = Some(reading.structure);
    Ok(HttpResponse::Ok().json(view))
}

/// Edits a draft while it is `draft` or `revision_required` (drafter of its agency). A change of
/// title or text makes a new revision; every revision is kept.
#[utoipa::path(tag = "documents", security(("bearer" = [])), params(DocumentId), request_body(content = DraftChanges, example = json!({"body": "第一条 为了规范行政审批中介服务，制定本办法。\n第二条 本办法自发布之日起施行。"})), responses(
    (status = 200, description = "The edited draft", body = DocumentView),
    NotItsDrafter, DocumentNotFound,
    (status = 409, description = "Not editable in its status", body = Problem),
    InvalidFields
))]
#[patch("/documents/{id}")]
pub async fn edit_document(
    caller: Caller,
    id: Path<DocumentId>,
    body: ApiJson<DraftChanges>,
) -> Answer {
    caller.document_step(drafting::edit, id.0, body.0).await
}

/// One entry of a document's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub document_id: String,
    /// The user who acted; absent for the system (automatic expiry).
    pub actor_id: Option<String>,
    pub at: DateTime<Utc>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    pub payload: Option<serde_json::Value>,
}

impl From<HistoryEntry> for EventView {
    fn from(entry: HistoryEntry) -> Self {
        let e = entry.event;
        Self {
            id: e.id,
            document_id: e.document_id.to_string(),
            actor_id: e.actor_id.map(|a| a.to_string()),
            at: e.at.and_utc(),
            action: e.action,
            from_status: e.from_status.map(|s| s.as_str().to_string()),
            to_status: e.to_status.map(|s| s.as_str().to_string()),
            reason: entry.reason,
            payload: e.payload,
        }
    }
}

/// Every event of the document and its other versions: who, when, what, why.
#[utoipa::path(tag = "documents", security(("bearer" = [])), params(DocumentId), responses(
    (status = 200, description = "The events, oldest first", body = Vec<EventView>),
    DocumentNotFound
))]
#[get("/documents/{id}/history")]
pub async fn document_history(caller: Caller, id: Path<DocumentId>) -> Answer {
    let entries = caller.read(move |conn, actor, _| drafting::history(conn, actor, id.0)).await?;
    Ok(HttpResponse::Ok().json(entries.into_iter().map(EventView::from).collect::<Vec<_>>()))
}
