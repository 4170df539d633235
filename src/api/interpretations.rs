//! Interpretations (解释) of a published document by its issuing agency: attached to the
//! document, published with it, never altering its text.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::evolution::require_living;
use super::json::ApiJson;
use super::paging::{Page, PageQuery, Paged};
use super::path_id;
use crate::auth::AuthUser;
use crate::db::{self, interpretations::InterpretationRow};
use crate::domain::ids::{DocumentId, InterpretationId};
use crate::domain::interpretation::check_issued_on;
use crate::domain::numbering::IssuanceNumber;
use crate::domain::role::Role;
use crate::domain::text;
use crate::domain::text::{MAX_BODY, MAX_TITLE};
use crate::error::{AppError, FieldError, Problem};
use crate::service::scope::{load_document, require_own_agency};
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
    pub id: String,
    /// The document interpreted.
    pub document_id: String,
    pub title: String,
    pub body: String,
    pub issued_on: NaiveDate,
    /// 文号
    pub issuance_number: Option<String>,
    /// Who recorded it.
    pub created_by: String,
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
    user.require_any(&[Role::Registrar])?;
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let mut errors = Vec::new();
    let title = text::line(&req.title, MAX_TITLE)
        .map_err(|e| errors.push(FieldError::new("title", e.to_string())));
    let text_body = text::paragraph(&req.body, MAX_BODY)
        .map_err(|e| errors.push(FieldError::new("body", e.to_string())));
    let number = match req.issuance_number.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => IssuanceNumber::parse(n)
            .map(|n| Some(n.to_string()))
            .map_err(|e| errors.push(FieldError::new("issuance_number", e.to_string()))),
    };
    let (Ok(title), Ok(text_body), Ok(number)) = (title, text_body, number) else {
        return Err(AppError::invalid_fields(errors));
    };
    let today = state.clock.today();
    let now = state.clock.now().naive_utc();
    let actor = user.id.to_string();
    let row = state
        .db
        .write(move |conn| {
            let doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            require_living(&doc, "interpreted", today)?;
            let published_on = doc
                .published_on
                .ok_or_else(|| AppError::internal("published without published_on"))?;
            let issued_on = check_issued_on(req.issued_on, published_on, today)
                .map_err(|e| AppError::invalid("issued_on", e.to_string()))?;
            if let Some(n) = &number {
                if db::interpretations::number_taken(conn, n)? {
                    return Err(AppError::conflict(
                        "number_taken",
                        format!("{n} already names another document or interpretation"),
                    ));
                }
            }
            let row = InterpretationRow {
                id: InterpretationId::new().to_string(),
                document_id: doc.id.clone(),
                agency_id: doc.agency_id.clone(),
                title,
                body: text_body,
                issued_on,
                issuance_number: number,
                created_by: actor.clone(),
                created_at: now,
            };
            db::interpretations::insert(conn, &row)?;
            db::documents::note_event(
                conn,
                &doc,
                &actor,
                now,
                "interpreted",
                None,
                serde_json::json!({"interpretation_id": row.id, "title": row.title, "issued_on": row.issued_on, "issuance_number": row.issuance_number}),
            )?;
            Ok(row)
        })
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
        .read(move |conn| {
            let doc = load_document(conn, &user, &id.to_string())?;
            db::interpretations::of_document(conn, &doc.id, page.offset(), page.per_page)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(page.wrap(rows.into_iter().map(InterpretationView::from).collect(), total)))
}
