//! Periodic cleanup campaigns (清理) of an agency's documents over HTTP, as its registrars run
//! them: open one, decide an outcome for each document, close it. The rules, and how closing
//! applies each outcome, are in `service::campaigns`; the published results are in
//! `public_campaigns`.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::path::{ItemPath, Path};
use super::responses::{
    CampaignNotFound, InvalidFields, InvalidFilter, NotCampaignRegistrar, Unauthenticated,
};
use super::{status_filter, Answer};
use crate::db::campaigns::ItemRow;
use crate::domain::cleanup::{CampaignStatus, CleanupOutcome};
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, CampaignId, DocumentId};
use crate::domain::validity::Validity;
use crate::error::Problem;
use crate::service::campaigns::{self, Campaign, CampaignCounts, ItemDecision, NewCampaign};
use crate::service::paging::{PageQuery, Paged};

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
    /// While open: "basis changed" (依据变化) items, one for each document of the campaign
    /// and each of its cited documents that was amended, repealed, expired, revoked or
    /// declared invalid; an outcome for the document is the answer.
    pub basis_changes: Vec<BasisChangeView>,
}

/// A document of an open campaign whose cited document no longer stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct BasisChangeView {
    /// The document of the campaign that cites it.
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub title: String,
    /// The cited document.
    #[schema(value_type = String)]
    pub cited_document_id: DocumentId,
    pub cited_title: String,
    /// What the cited document reads now, and since when.
    pub cited_validity: Validity,
    pub changed_on: NaiveDate,
    /// The change named: 依据变化：《…》（…号）自2026-06-10已废止.
    pub detail: String,
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
        let basis_changes = c
            .basis_changes
            .into_iter()
            .map(|b| BasisChangeView {
                document_id: b.citing.id,
                title: b.citing.title,
                cited_document_id: b.cited.id,
                cited_title: b.cited.title,
                cited_validity: b.validity,
                changed_on: b.on,
                detail: b.note,
            })
            .collect();
        Self { campaign: CampaignSummary::new(counts), items, basis_changes }
    }
}

/// Opens a cleanup campaign of the caller's agency over every one of its documents in force
/// today (registrar). An agency has at most one open campaign.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), request_body(content = NewCampaign, example = json!({"name": "2026年度规范性文件清理", "year": 2026})), responses(
    (status = 201, description = "Opened, with every document in force", body = CampaignDetail),
    Unauthenticated,
    (status = 403, description = "Not a registrar of an agency", body = Problem),
    (status = 409, description = "The agency already has an open campaign", body = Problem),
    InvalidFields
))]
#[post("/cleanup-campaigns")]
pub async fn open_campaign(caller: Caller, body: ApiJson<NewCampaign>) -> Answer {
    let campaign =
        caller.write(move |tx, actor, clock| campaigns::open(tx, actor, clock, body.0)).await?;
    Ok(detail(&caller, StatusCode::CREATED, campaign))
}

/// The answer of `status` with a campaign and its documents as they read today.
fn detail(caller: &Caller, status: StatusCode, campaign: Campaign) -> HttpResponse {
    HttpResponse::build(status).json(CampaignDetail::new(campaign, caller.today()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    /// Only campaigns in this status.
    #[param(value_type = Option<crate::domain::cleanup::CampaignStatus>)]
    pub status: Option<String>,
}

/// The campaigns of the caller's scope, newest first.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), params(CampaignQuery, PageQuery), responses(
    (status = 200, description = "A page of campaigns", body = Paged<CampaignSummary>),
    Unauthenticated, InvalidFilter
))]
#[get("/cleanup-campaigns")]
pub async fn list_campaigns(
    caller: Caller,
    query: web::Query<CampaignQuery>,
    page: Paging,
) -> Answer {
    let status = status_filter(query.status.as_deref(), "campaign status", CampaignStatus::parse)?;
    let found = caller
        .read(move |conn, actor, _| {
            campaigns::list(conn, actor, status, page.offset(), page.per_page)
        })
        .await?;
    Ok(paged(page, found, CampaignSummary::new))
}

/// One campaign of the caller's scope with every document, its 文号 and outcome.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), params(CampaignId), responses(
    (status = 200, description = "The campaign", body = CampaignDetail),
    Unauthenticated, CampaignNotFound
))]
#[get("/cleanup-campaigns/{id}")]
pub async fn get_campaign(caller: Caller, id: Path<CampaignId>) -> Answer {
    let campaign =
        caller.read(move |conn, actor, clock| campaigns::get(conn, actor, clock, id.0)).await?;
    Ok(detail(&caller, StatusCode::OK, campaign))
}

/// Decides the outcome of one document of an open campaign (registrar of its agency); a later
/// decision replaces an earlier one until the campaign closes. Nothing changes for the document
/// before then.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), params(ItemPath), request_body(content = ItemDecision, example = json!({"outcome": "continue", "reason": "符合上位法，继续有效。"})), responses(
    (status = 200, description = "Decided", body = CampaignItemView),
    Unauthenticated, NotCampaignRegistrar,
    (status = 404, description = "No such campaign in your scope, or the document is not in it", body = Problem),
    (status = 409, description = "The campaign is closed, or the document already ended", body = Problem),
    InvalidFields
))]
#[put("/cleanup-campaigns/{id}/items/{document_id}")]
pub async fn decide_item(
    caller: Caller,
    path: Path<ItemPath>,
    body: ApiJson<ItemDecision>,
) -> Answer {
    let ItemPath { campaign, document } = path.0;
    let (item, doc) = caller
        .write(move |tx, actor, clock| {
            campaigns::decide_item(tx, actor, clock, campaign, document, body.0)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CampaignItemView::new(item, &doc, caller.today())))
}

/// Closes a campaign (registrar of its agency): refused while any document lacks an outcome;
/// otherwise applies every outcome in one transaction, one event per document, and publishes
/// the list of repealed and invalidated documents.
#[utoipa::path(tag = "cleanup", security(("bearer" = [])), params(CampaignId), responses(
    (status = 200, description = "Closed; outcomes applied", body = CampaignDetail),
    Unauthenticated, NotCampaignRegistrar, CampaignNotFound,
    (status = 409, description = "Already closed, or documents without an outcome (named)", body = Problem)
))]
#[post("/cleanup-campaigns/{id}/close")]
pub async fn close_campaign(caller: Caller, id: Path<CampaignId>) -> Answer {
    let campaign =
        caller.write(move |tx, actor, clock| campaigns::close(tx, actor, clock, id.0)).await?;
    Ok(detail(&caller, StatusCode::OK, campaign))
}
