//! Interpretations (解释) of a published document by its issuing agency: attached to the
//! document, published with it, never altering its text.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::path_id;
use crate::auth::AuthUser;
use crate::db::interpretations::InterpretationRow;
use crate::domain::ids::{DocumentId, InterpretationId, UserId};
use crate::error::{AppError, Problem};
use crate::service::interpretations;
use crate::service::paging::{Page, PageQuery, Paged};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInterpretation {
    /// e.g. 关于《沈阳市养犬管理办法》第五条的解释
    pub title: String,
    pub body: String,
    /// The day the interpretation was issued: not before the document's publication, not
    /// after today.
    pub issued_on: NaiveDate,
    /// Its own 文号, when it was issued with one; any bracket spelling, stored canonically.
    pub issuance_number: Option<String>,
}

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
#[utoipa::path(tag = "evolution", security(("bearer" = [])), request_body = NewInterpretation, responses(
    (status = 201, description = "Recorded and published with the document", body = InterpretationView),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not the registrar of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published, already ended, or the 文号 is taken", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/documents/{id}/interpretations")]
pub async fn create_interpretation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<NewInterpretation>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let input = interpretations::NewInterpretation {
        title: req.title,
        body: req.body,
        issued_on: req.issued_on,
        issuance_number: req.issuance_number,
    };
    let clock = state.clock.clone();
    let row = state
        .db
        .write(move |tx| interpretations::create(tx, &user, clock.as_ref(), id, input))
        .await?;
    Ok(HttpResponse::Created().json(InterpretationView::from(row)))
}

/// The interpretations of a document of the caller's scope, in the order they were issued.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, description = "A page of interpretations", body = Paged<InterpretationView>),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 422, description = "Invalid paging", body = Problem)
))]
#[get("/documents/{id}/interpretations")]
pub async fn list_interpretations(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let page = Page::from_query(query.page, query.per_page)?;
    let (rows, total) = state
        .db
        .read(move |conn| interpretations::list(conn, &user, id, page.offset(), page.per_page))
        .await?;
    Ok(HttpResponse::Ok()
        .json(page.wrap(rows.into_iter().map(InterpretationView::from).collect(), total)))
}
