//! Drafting: create, edit, list and read documents in the caller's scope, and their history.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::paging::{Page, Paged};
use super::views::DocumentView;
use super::{path_id, status_filter};
use crate::auth::AuthUser;
use crate::db::{self, documents::DocumentRow, documents::NewEvent};
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::{transition, Action, Status};
use crate::domain::role::Role;
use crate::domain::text;
use crate::domain::text::{MAX_BODY, MAX_NOTE, MAX_TITLE};

use crate::error::{AppError, FieldError, Problem};
use crate::service::scope::{load_document, require_own_agency, visible_agencies};
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

/// Parses an optional note; `Some("")` clears it.
fn note(field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<Option<String>> {
    let raw = raw?;
    if raw.trim().is_empty() {
        return Some(None);
    }
    match text::paragraph(raw, MAX_NOTE) {
        Ok(t) => Some(Some(t)),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

fn validity_years(raw: Option<i32>, errors: &mut Vec<FieldError>) -> Option<i32> {
    let v = raw?;
    if (1..=50).contains(&v) {
        Some(v)
    } else {
        errors.push(FieldError::new("validity_years", "must be between 1 and 50"));
        None
    }
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
    user.require_any(&[Role::Drafter])?;
    let agency = user.agency()?;
    let req = body.0;
    let mut errors = Vec::new();
    let title = text::line(&req.title, MAX_TITLE)
        .map_err(|e| errors.push(FieldError::new("title", e.to_string())));
    let text_body = text::paragraph(&req.body, MAX_BODY)
        .map_err(|e| errors.push(FieldError::new("body", e.to_string())));
    let legal_basis = note("legal_basis", req.legal_basis.as_deref(), &mut errors).flatten();
    let drafting_notes =
        note("drafting_notes", req.drafting_notes.as_deref(), &mut errors).flatten();
    let years = validity_years(req.validity_years, &mut errors);
    let (Ok(title), Ok(text_body)) = (title, text_body) else {
        return Err(AppError::invalid_fields(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let now = state.clock.now().naive_utc();
    let row = DocumentRow {
        provisional: req.provisional.unwrap_or(false),
        validity_years: years,
        legal_basis,
        drafting_notes,
        affects_rights: req.affects_rights.unwrap_or(false),
        ..DocumentRow::draft(
            DocumentId::new().to_string(),
            agency.to_string(),
            title,
            text_body,
            now,
        )
    };
    let actor = user.id.to_string();
    let today = state.clock.today();
    let view = state
        .db
        .write(move |conn| {
            db::documents::insert(conn, &row)?;
            db::documents::insert_revision(conn, &row, Some(&actor), now)?;
            db::documents::insert_event(
                conn,
                &NewEvent {
                    document_id: &row.id,
                    actor_id: Some(&actor),
                    at: now,
                    action: "created",
                    from_status: None,
                    to_status: Some(Status::Draft.as_str()),
                    reason: None,
                    payload: Some(serde_json::json!({"revision": 1, "title": row.title})),
                },
            )?;
            Ok(DocumentView::new(row, today))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
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
    let q = query.q.clone().filter(|q| !q.trim().is_empty()).map(|q| q.trim().to_string());
    let today = state.clock.today();
    let (rows, total) = state
        .db
        .read(move |conn| {
            let tree = db::agencies::tree(conn)?;
            let filter =
                db::documents::ListFilter { agencies: visible_agencies(&user, &tree), status, q };
            db::documents::list(conn, &filter, page.offset(), page.per_page)
        })
        .await?;
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
    let today = state.clock.today();
    let row = state.db.read(move |conn| load_document(conn, &user, &id.to_string())).await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(row, today)))
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
    user.require_any(Action::Edit.allowed_roles())?;
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let mut errors = Vec::new();
    let title = req.title.as_deref().map(|t| {
        text::line(t, MAX_TITLE).map_err(|e| errors.push(FieldError::new("title", e.to_string())))
    });
    let new_body = req.body.as_deref().map(|b| {
        text::paragraph(b, MAX_BODY)
            .map_err(|e| errors.push(FieldError::new("body", e.to_string())))
    });
    let legal_basis = note("legal_basis", req.legal_basis.as_deref(), &mut errors);
    let drafting_notes = note("drafting_notes", req.drafting_notes.as_deref(), &mut errors);
    let years = validity_years(req.validity_years, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let title = title.and_then(Result::ok);
    let new_body = new_body.and_then(Result::ok);
    let now = state.clock.now().naive_utc();
    let today = state.clock.today();
    let actor = user.id.to_string();
    let view = state
        .db
        .write(move |conn| {
            let mut doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            let status =
                Status::parse(&doc.status).ok_or_else(|| AppError::internal("bad status"))?;
            transition(status, Action::Edit)
                .map_err(|e| AppError::conflict("invalid_transition", e.to_string()))?;
            let text_changed = title.as_ref().is_some_and(|t| *t != doc.title)
                || new_body.as_ref().is_some_and(|b| *b != doc.body);
            if let Some(t) = title {
                doc.title = t;
            }
            if let Some(b) = new_body {
                doc.body = b;
            }
            if let Some(p) = req.provisional {
                doc.provisional = p;
            }
            if years.is_some() {
                doc.validity_years = years;
            }
            if let Some(l) = legal_basis {
                doc.legal_basis = l;
            }
            if let Some(d) = drafting_notes {
                doc.drafting_notes = d;
            }
            if let Some(a) = req.affects_rights {
                doc.affects_rights = a;
            }
            if text_changed {
                doc.revision += 1;
                db::documents::insert_revision(conn, &doc, Some(&actor), now)?;
            }
            doc.updated_at = now;
            db::documents::save(conn, &doc)?;
            db::documents::note_event(
                conn,
                &doc,
                &actor,
                now,
                "edited",
                None,
                serde_json::json!({"revision": doc.revision, "text_changed": text_changed}),
            )?;
            Ok(DocumentView::new(doc, today))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
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

impl From<db::documents::EventRow> for EventView {
    fn from(e: db::documents::EventRow) -> Self {
        // Expiry events are written by the million and carry no text of their own.
        let reason = e.reason.or_else(|| db::expiry::reason_of(&e.action).map(str::to_string));
        Self {
            id: e.id,
            document_id: e.document_id,
            actor_id: e.actor_id,
            at: e.at.and_utc(),
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            reason,
            payload: e.payload.and_then(|p| serde_json::from_str(&p).ok()),
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
    let events = state
        .db
        .read(move |conn| {
            let doc = load_document(conn, &user, &id.to_string())?;
            let ids: Vec<String> =
                db::documents::versions(conn, &doc.lineage_id)?.into_iter().map(|v| v.id).collect();
            db::documents::events_of(conn, &ids)
        })
        .await?;
    Ok(HttpResponse::Ok().json(events.into_iter().map(EventView::from).collect::<Vec<_>>()))
}
