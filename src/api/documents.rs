//! The HTTP edge of drafting: create, edit, list and read documents in the caller's scope, and
//! their history (the operations are in `service::drafting`).

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::views::DocumentView;
use super::{path_id, status_filter};
use crate::auth::AuthUser;
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Status;
use crate::error::{AppError, Problem};
use crate::service::drafting::{self, DraftChanges, HistoryEntry, NewDraft};
use crate::service::paging::{Page, Paged};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDocument {
    pub title: String,
    pub body: String,
    /// 暂行/试行: valid 2 years by default. Titles with 暂行 or 试行 are provisional anyway.
    pub provisional: Option<bool>,
    /// Stated validity in years; the policy maximum applies.
    pub validity_years: Option<i32>,
    /// 制定依据
    pub legal_basis: Option<String>,
    /// 起草说明
    pub drafting_notes: Option<String>,
    /// Whether the document affects the rights and obligations of the public (consultation).
    pub affects_rights: Option<bool>,
}

/// Creates a draft in the caller's agency (drafter).
#[utoipa::path(tag = "documents", security(("bearer" = [])), request_body = CreateDocument, responses(
    (status = 201, description = "The new draft", body = DocumentView),
    (status = 403, description = "Not a drafter", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/documents")]
pub async fn create_document(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<CreateDocument>,
) -> Result<HttpResponse, AppError> {
    let draft = body.0.into();
    let clock = state.clock.clone();
    let row = state.db.write(move |tx| drafting::create(tx, &user, clock.as_ref(), draft)).await?;
    Ok(HttpResponse::Created().json(DocumentView::new(row, state.clock.today())))
}

impl From<CreateDocument> for NewDraft {
    fn from(req: CreateDocument) -> Self {
        Self {
            title: req.title,
            body: req.body,
            provisional: req.provisional,
            validity_years: req.validity_years,
            legal_basis: req.legal_basis,
            drafting_notes: req.drafting_notes,
            affects_rights: req.affects_rights,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// Only documents in this status.
    pub status: Option<String>,
    /// Words of the title.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Lists the documents of the caller's scope.
#[utoipa::path(tag = "documents", security(("bearer" = [])), params(DocumentQuery), responses(
    (status = 200, description = "A page of documents", body = Paged<DocumentView>),
    (status = 422, description = "Invalid filter", body = Problem)
))]
#[get("/documents")]
pub async fn list_documents(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<DocumentQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    let status = status_filter(query.status.as_deref(), "status", Status::parse)?;
    let query = drafting::DocumentQuery {
        status,
        q: query.q.clone(),
        offset: page.offset(),
        limit: page.per_page,
    };
    let (rows, total) = state.db.read(move |conn| drafting::list(conn, &user, query)).await?;
    let today = state.clock.today();
    let items = rows.into_iter().map(|r| DocumentView::new(r, today)).collect();
    Ok(HttpResponse::Ok().json(page.wrap(items, total)))
}

/// One document of the caller's scope.
#[utoipa::path(tag = "documents", security(("bearer" = [])), responses(
    (status = 200, description = "The document", body = DocumentView),
    (status = 404, description = "No such document in your scope", body = Problem)
))]
#[get("/documents/{id}")]
pub async fn get_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let row = state.db.read(move |conn| drafting::get(conn, &user, id)).await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(row, state.clock.today())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditDocument {
    pub title: Option<String>,
    pub body: Option<String>,
    pub provisional: Option<bool>,
    pub validity_years: Option<i32>,
    /// An empty string clears it.
    pub legal_basis: Option<String>,
    /// An empty string clears it.
    pub drafting_notes: Option<String>,
    pub affects_rights: Option<bool>,
}

/// Edits a draft while it is `draft` or `revision_required` (drafter of its agency). A change of
/// title or text makes a new revision; every revision is kept.
#[utoipa::path(tag = "documents", security(("bearer" = [])), request_body = EditDocument, responses(
    (status = 200, description = "The edited draft", body = DocumentView),
    (status = 403, description = "Not a drafter of this agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not editable in its status", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[patch("/documents/{id}")]
pub async fn edit_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<EditDocument>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let changes = body.0.into();
    let clock = state.clock.clone();
    let row =
        state.db.write(move |tx| drafting::edit(tx, &user, clock.as_ref(), id, changes)).await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(row, state.clock.today())))
}

impl From<EditDocument> for DraftChanges {
    fn from(req: EditDocument) -> Self {
        Self {
            title: req.title,
            body: req.body,
            provisional: req.provisional,
            validity_years: req.validity_years,
            legal_basis: req.legal_basis,
            drafting_notes: req.drafting_notes,
            affects_rights: req.affects_rights,
        }
    }
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
#[utoipa::path(tag = "documents", security(("bearer" = [])), responses(
    (status = 200, description = "The events, oldest first", body = Vec<EventView>),
    (status = 404, description = "No such document in your scope", body = Problem)
))]
#[get("/documents/{id}/history")]
pub async fn document_history(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let entries = state.db.read(move |conn| drafting::history(conn, &user, id)).await?;
    Ok(HttpResponse::Ok().json(entries.into_iter().map(EventView::from).collect::<Vec<_>>()))
}
