//! A published document's later life (立改废释): evaluation before expiry, continuation,
//! amendment, repeal, declaration of invalidity, and its text on any date.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::path_id;
use super::views::DocumentView;
use crate::auth::AuthUser;
use crate::domain::ids::DocumentId;
use crate::domain::validity::Validity;
use crate::error::{AppError, Problem};
use crate::service::document_state::validity_of;
use crate::service::evolution::{self, Continuation, Declaration, Repeal};
use crate::service::paging::{Page, Paged};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// Days ahead, 0–3650 (default: the policy's evaluation window, 180).
    #[param(maximum = 3650)]
    pub within_days: Option<u32>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Documents of the caller's scope in force whose validity ends within the window: due for
/// evaluation (continue, re-issue, or let expire).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(ExpiringQuery), responses(
    (status = 200, description = "Documents due for evaluation, soonest first", body = Paged<DocumentView>)
))]
#[get("/documents/expiring")]
pub async fn expiring(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ExpiringQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    let (clock, within) = (state.clock.clone(), query.within_days);
    let (rows, total) = state
        .db
        .read(move |conn| {
            evolution::expiring(conn, &user, clock.as_ref(), within, page.offset(), page.per_page)
        })
        .await?;
    let today = state.clock.today();
    Ok(HttpResponse::Ok()
        .json(page.wrap(rows.into_iter().map(|r| DocumentView::new(r, today)).collect(), total)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContinueRequest {
    pub decided_on: NaiveDate,
    pub reason: String,
    /// The new end of validity, within the policy maximum counted from the decision.
    pub valid_until: NaiveDate,
}

/// Records the evaluation's decision that the document continues, with a new end of validity
/// (registrar or drafter of its agency).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), request_body = ContinueRequest, responses(
    (status = 200, description = "Continued", body = DocumentView),
    (status = 403, description = "Not of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published or already ended", body = Problem),
    (status = 422, description = "Invalid dates", body = Problem)
))]
#[post("/documents/{id}/continue")]
pub async fn continue_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<ContinueRequest>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let input = Continuation {
        decided_on: req.decided_on,
        reason: req.reason,
        valid_until: req.valid_until,
    };
    let clock = state.clock.clone();
    let doc = state
        .db
        .write(move |tx| evolution::continue_document(tx, &user, clock.as_ref(), id, input))
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, state.clock.today())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepealRequest {
    pub repealed_on: NaiveDate,
    pub reason: String,
    /// The document that repeals it, if any.
    pub by_document_id: Option<uuid::Uuid>,
}

/// Repeals a published document from a date (registrar of its agency). History is kept.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), request_body = RepealRequest, responses(
    (status = 200, description = "Repealed", body = DocumentView),
    (status = 403, description = "Not the registrar of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published or already ended", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/documents/{id}/repeal")]
pub async fn repeal(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<RepealRequest>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let input = Repeal {
        repealed_on: req.repealed_on,
        reason: req.reason,
        by_document_id: req.by_document_id.map(DocumentId),
    };
    let clock = state.clock.clone();
    let doc =
        state.db.write(move |tx| evolution::repeal(tx, &user, clock.as_ref(), id, input)).await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, state.clock.today())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareInvalidRequest {
    pub declared_on: NaiveDate,
    pub reason: String,
}

/// Declares a published document invalid (宣布失效), e.g. as a cleanup outcome (registrar).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), request_body = DeclareInvalidRequest, responses(
    (status = 200, description = "Declared invalid", body = DocumentView),
    (status = 403, description = "Not the registrar of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published or already ended", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/documents/{id}/declare-invalid")]
pub async fn declare_invalid(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<DeclareInvalidRequest>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let input = Declaration { declared_on: req.declared_on, reason: req.reason };
    let clock = state.clock.clone();
    let doc = state
        .db
        .write(move |tx| evolution::declare_invalid(tx, &user, clock.as_ref(), id, input))
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, state.clock.today())))
}

/// Starts an amendment: a new draft version of the same document, which goes through its own
/// review, numbering and publication; when published, this version reads `amended`.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), responses(
    (status = 201, description = "The new draft version", body = DocumentView),
    (status = 403, description = "Not a drafter of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published, ended, or an amendment is already open", body = Problem)
))]
#[post("/documents/{id}/amend")]
pub async fn amend(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let clock = state.clock.clone();
    let draft = state.db.write(move |tx| evolution::amend(tx, &user, clock.as_ref(), id)).await?;
    Ok(HttpResponse::Created().json(DocumentView::new(draft, state.clock.today())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The day, `YYYY-MM-DD`.
    pub date: NaiveDate,
}

/// The text of a document as it stood on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextOnDate {
    pub date: NaiveDate,
    /// The version in force (or last published) on that day.
    pub document_id: String,
    pub version: i32,
    pub title: String,
    pub body: String,
    pub issuance_number: Option<String>,
    pub validity: Option<Validity>,
}

/// Point in time: which version's text applied on a date, and its validity then.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(AsOfQuery), responses(
    (status = 200, description = "The text on that date", body = TextOnDate),
    (status = 404, description = "No version was published by that date", body = Problem)
))]
#[get("/documents/{id}/as-of")]
pub async fn as_of(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    query: web::Query<AsOfQuery>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let date = query.date;
    let v = state.db.read(move |conn| evolution::text_on(conn, &user, id, date)).await?;
    Ok(HttpResponse::Ok().json(TextOnDate {
        date,
        validity: validity_of(&v, date),
        document_id: v.id,
        version: v.version,
        title: v.title,
        body: v.body,
        issuance_number: v.issuance_number,
    }))
}
