//! Periodic cleanup campaigns (清理) of an agency's documents over HTTP: open one, decide an
//! outcome for each document, close it, and the published results. The rules, and how closing
//! applies each outcome, are in `service::campaigns`.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::path_id;
use super::views::PublicAgency;
use crate::auth::AuthUser;
use crate::db::campaigns::ItemRow;
use crate::domain::cleanup::{CampaignStatus, CleanupOutcome};
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, CampaignId, DocumentId};
use crate::domain::validity::Validity;
use crate::error::{AppError, Problem};
use crate::http_caching::cached;
use crate::service::campaigns::{self, Campaign, CampaignCounts, ItemDecision, NewCampaign};
use crate::service::paging::{Page, Paged};
use crate::state::AppState;

/// A campaign without its items, as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignSummary {
    #[schema(value_type = String)]
    pub id: CampaignId,
    #[schema(value_type = String)]
    pub agency_id: AgencyId,
    /// e.g. 2026年度规范性文件清理
    pub name: String,
    pub year: i32,
    pub status: CampaignStatus,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// Documents under review.
    pub items_total: i64,
    /// Documents with an outcome.
    pub items_decided: i64,
    pub created_at: DateTime<Utc>,
}

impl CampaignSummary {
    fn new(counts: CampaignCounts) -> Self {
        let CampaignCounts { row, items_total, items_decided } = counts;
        Self {
            status: row.status,
            id: row.id,
            agency_id: row.agency_id,
            name: row.name,
            year: row.year,
            opened_on: row.opened_on,
            closed_on: row.closed_on,
            items_total,
            items_decided,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// One document of a campaign with its outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignItemView {
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub title: String,
    /// 文号
    pub issuance_number: Option<String>,
    /// 统一登记号
    pub registration_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// The document's validity today.
    pub validity: Option<Validity>,
    /// `null` until decided.
    pub outcome: Option<CleanupOutcome>,
    /// The outcome in Chinese (继续有效, 修改, 废止, 宣布失效).
    pub outcome_label: Option<String>,
    pub reason: Option<String>,
    /// With `repeal`: the document that repeals it.
    #[schema(value_type = Option<String>)]
    pub by_document_id: Option<DocumentId>,
    pub decided_on: Option<NaiveDate>,
    /// The day closing applied the outcome; `null` while open, or when the document had ended
    /// by other means before.
    pub applied_on: Option<NaiveDate>,
    /// With `amend`, once closed: the draft of the amendment.
    #[schema(value_type = Option<String>)]
    pub amendment_id: Option<DocumentId>,
}

impl CampaignItemView {
    fn new(item: ItemRow, doc: &Document, today: NaiveDate) -> Self {
        let outcome = item.outcome;
        Self {
            document_id: item.document_id,
            title: doc.title.clone(),
            issuance_number: doc.issuance_number.clone(),
            registration_number: doc.registration_number.clone(),
            published_on: doc.published_on,
            valid_until: doc.valid_until,
            validity: doc.validity_on(today),
            outcome_label: outcome.map(|o| o.chinese().to_string()),
            outcome,
            reason: item.reason,
            by_document_id: item.by_document_id,
            decided_on: item.decided_on,
            applied_on: item.applied_on,
            amendment_id: item.amendment_id,
        }
    }
}

/// A campaign with every document under review.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDetail {
    #[serde(flatten)]
    pub campaign: CampaignSummary,
    pub items: Vec<CampaignItemView>,
}

impl CampaignDetail {
    fn new(c: Campaign, today: NaiveDate) -> Self {
        let decided = c.items.iter().filter(|(i, _)| i.outcome.is_some()).count() as i64;
        let counts = CampaignCounts {
            row: c.row,
            items_total: c.items.len() as i64,
            items_decided: decided,
        };
        let items = c.items.into_iter().map(|(i, d)| CampaignItemView::new(i, &d, today)).collect();
        Self { campaign: CampaignSummary::new(counts), items }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCampaign {
    /// e.g. 2026年度规范性文件清理
    pub name: String,
    /// The year it is named after (default: this year).
    pub year: Option<i32>,
}

/// Opens a cleanup campaign of the caller's agency over every one of its documents in force
/// today (registrar). An agency has at most one open campaign.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), request_body = OpenCampaign, responses(
    (status = 201, description = "Opened, with every document in force", body = CampaignDetail),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not a registrar of an agency", body = Problem),
    (status = 409, description = "The agency already has an open campaign", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/cleanup-campaigns")]
pub async fn open_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<OpenCampaign>,
) -> Result<HttpResponse, AppError> {
    let input = NewCampaign { name: body.0.name, year: body.0.year };
    let clock = state.clock.clone();
    let campaign =
        state.db.write(move |tx| campaigns::open(tx, &user, clock.as_ref(), input)).await?;
    Ok(HttpResponse::Created().json(CampaignDetail::new(campaign, state.clock.today())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    /// `open` or `closed`.
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The campaigns of the caller's scope, newest first.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), params(CampaignQuery), responses(
    (status = 200, description = "A page of campaigns", body = Paged<CampaignSummary>),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 422, description = "Invalid filter", body = Problem)
))]
#[get("/cleanup-campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<CampaignQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    let status =
        super::status_filter(query.status.as_deref(), "campaign status", CampaignStatus::parse)?;
    let (rows, total) = state
        .db
        .read(move |conn| campaigns::list(conn, &user, status, page.offset(), page.per_page))
        .await?;
    Ok(HttpResponse::Ok()
        .json(page.wrap(rows.into_iter().map(CampaignSummary::new).collect(), total)))
}

/// One campaign of the caller's scope with every document, its 文号 and outcome.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), responses(
    (status = 200, description = "The campaign", body = CampaignDetail),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 404, description = "No such campaign in your scope", body = Problem)
))]
#[get("/cleanup-campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: CampaignId = path_id(&id, "cleanup campaign")?;
    let campaign = state.db.read(move |conn| campaigns::get(conn, &user, id)).await?;
    Ok(HttpResponse::Ok().json(CampaignDetail::new(campaign, state.clock.today())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideItem {
    pub outcome: CleanupOutcome,
    /// Why: required for every outcome, published with repeals and declarations of invalidity.
    pub reason: String,
    /// With `repeal` only: the published document that repeals it.
    pub by_document_id: Option<uuid::Uuid>,
}

/// Decides the outcome of one document of an open campaign (registrar of its agency); a later
/// decision replaces an earlier one until the campaign closes. Nothing changes for the document
/// before then.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), request_body = DecideItem, responses(
    (status = 200, description = "Decided", body = CampaignItemView),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not the registrar of the campaign's agency", body = Problem),
    (status = 404, description = "No such campaign in your scope, or the document is not in it", body = Problem),
    (status = 409, description = "The campaign is closed, or the document already ended", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[put("/cleanup-campaigns/{id}/items/{document_id}")]
pub async fn decide_item(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
    body: ApiJson<DecideItem>,
) -> Result<HttpResponse, AppError> {
    let (id, document_id) = path.into_inner();
    let id: CampaignId = path_id(&id, "cleanup campaign")?;
    let document_id: DocumentId = path_id(&document_id, "cleanup item")?;
    let req = body.0;
    let input = ItemDecision {
        outcome: req.outcome,
        reason: req.reason,
        by_document_id: req.by_document_id.map(DocumentId),
    };
    let clock = state.clock.clone();
    let (item, doc) = state
        .db
        .write(move |tx| campaigns::decide_item(tx, &user, clock.as_ref(), id, document_id, input))
        .await?;
    Ok(HttpResponse::Ok().json(CampaignItemView::new(item, &doc, state.clock.today())))
}

/// Closes a campaign (registrar of its agency): refused while any document lacks an outcome;
/// otherwise applies every outcome in one transaction, one event per document, and publishes
/// the list of repealed and invalidated documents.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), responses(
    (status = 200, description = "Closed; outcomes applied", body = CampaignDetail),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not the registrar of the campaign's agency", body = Problem),
    (status = 404, description = "No such campaign in your scope", body = Problem),
    (status = 409, description = "Already closed, or documents without an outcome (named)", body = Problem)
))]
#[post("/cleanup-campaigns/{id}/close")]
pub async fn close_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: CampaignId = path_id(&id, "cleanup campaign")?;
    let clock = state.clock.clone();
    let campaign =
        state.db.write(move |tx| campaigns::close(tx, &user, clock.as_ref(), id)).await?;
    Ok(HttpResponse::Ok().json(CampaignDetail::new(campaign, state.clock.today())))
}

// ---- Public ----

/// A repealed or invalidated document in a campaign's published list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCleanupEntry {
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub title: String,
    /// 文号
    pub issuance_number: Option<String>,
    /// 统一登记号
    pub registration_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    /// The day it stopped applying: the day the campaign closed.
    pub ended_on: Option<NaiveDate>,
    pub reason: String,
    /// The document that repeals it, if named.
    #[schema(value_type = Option<String>)]
    pub by_document_id: Option<DocumentId>,
}

/// The published result of a closed campaign (清理结果).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCampaign {
    #[schema(value_type = String)]
    pub id: CampaignId,
    pub agency: Option<PublicAgency>,
    pub name: String,
    pub year: i32,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// Documents reviewed.
    pub reviewed: i64,
    /// Documents that continue (继续有效).
    pub continued: i64,
    /// Documents to be amended (修改).
    pub to_be_amended: i64,
    /// 废止: names, dates, 文号 and reasons.
    pub repealed: Vec<PublicCleanupEntry>,
    /// 宣布失效: names, dates, 文号 and reasons.
    pub declared_invalid: Vec<PublicCleanupEntry>,
}

/// The published list of a closed campaign; 404 while it is open, so that no undecided
/// outcome is ever public.
#[utoipa::path(tag = "public", responses(
    (status = 200, description = "The campaign's published result, with ETag and Cache-Control", body = PublicCampaign),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 404, description = "No closed campaign with this id", body = Problem)
))]
#[get("/public/cleanup-campaigns/{id}")]
pub async fn get_public_campaign(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: CampaignId = path_id(&id, "cleanup campaign")?;
    let result = state.db.read(move |conn| campaigns::public_result(conn, id)).await?;
    let entry = |(item, doc): (ItemRow, Document)| PublicCleanupEntry {
        ended_on: doc.ended.as_ref().map(|e| e.on),
        document_id: doc.id,
        title: doc.title,
        issuance_number: doc.issuance_number,
        registration_number: doc.registration_number,
        published_on: doc.published_on,
        reason: item.reason.unwrap_or_default(),
        by_document_id: item.by_document_id,
    };
    let c = result.row;
    let view = PublicCampaign {
        id: c.id,
        agency: result.agency.map(PublicAgency::from),
        name: c.name,
        year: c.year,
        opened_on: c.opened_on,
        closed_on: c.closed_on,
        reviewed: result.reviewed,
        continued: result.continued,
        to_be_amended: result.to_be_amended,
        repealed: result.repealed.into_iter().map(entry).collect(),
        declared_invalid: result.declared_invalid.into_iter().map(entry).collect(),
    };
    let body = serde_json::to_vec(&view).map_err(|e| AppError::internal(e.to_string()))?;
    Ok(cached(&req, "application/json", body))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicCampaignQuery {
    /// Code of the agency whose campaigns to list.
    pub agency: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// A closed campaign in the public index.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCampaignSummary {
    #[schema(value_type = String)]
    pub id: CampaignId,
    pub agency: Option<PublicAgency>,
    pub name: String,
    pub year: i32,
    pub closed_on: Option<NaiveDate>,
}

/// The closed cleanup campaigns, newest first; open ones are never listed.
#[utoipa::path(tag = "public", params(PublicCampaignQuery), responses(
    (status = 200, description = "A page of closed campaigns, with ETag and Cache-Control", body = Paged<PublicCampaignSummary>),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 422, description = "Unknown agency code or invalid paging", body = Problem)
))]
#[get("/public/cleanup-campaigns")]
pub async fn list_public_campaigns(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<PublicCampaignQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    let code = query.agency.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(String::from);
    let (rows, total) = state
        .db
        .read(move |conn| campaigns::public_list(conn, code, page.offset(), page.per_page))
        .await?;
    let items = rows
        .into_iter()
        .map(|(r, agency)| PublicCampaignSummary {
            agency: agency.map(PublicAgency::from),
            id: r.id,
            name: r.name,
            year: r.year,
            closed_on: r.closed_on,
        })
        .collect();
    let body = serde_json::to_vec(&page.wrap(items, total))
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(cached(&req, "application/json", body))
}
