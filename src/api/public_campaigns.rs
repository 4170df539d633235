//! The published results of closed cleanup campaigns (清理结果) under
//! `/api/v1/public/cleanup-campaigns`: no account, cached, and nothing of a campaign that is
//! still open.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::paging::Paging;
use super::path::Path;
use super::responses::NotModified;
use super::views::PublicAgency;
use super::visitor::Visitor;
use super::Answer;
use crate::db::{campaigns::ItemRow, documents::DocumentRow};
use crate::domain::ids::CampaignId;
use crate::error::Problem;
use crate::service::campaigns;
use crate::service::paging::{PageQuery, Paged};

/// A repealed or invalidated document in a campaign's published list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCleanupEntry {
    pub document_id: String,
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
    pub by_document_id: Option<String>,
}

/// The published result of a closed campaign (清理结果).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCampaign {
    pub id: String,
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
#[utoipa::path(tag = "public", params(CampaignId), responses(
    (status = 200, description = "The campaign's published result, with ETag and Cache-Control", body = PublicCampaign),
    NotModified,
    (status = 404, description = "No closed campaign with this id", body = Problem)
))]
#[get("/public/cleanup-campaigns/{id}")]
pub async fn get_public_campaign(visitor: Visitor, id: Path<CampaignId>) -> Answer {
    let result = visitor.state.read(move |conn, _| campaigns::public_result(conn, id.0)).await?;
    let entry = |(item, doc): (ItemRow, DocumentRow)| PublicCleanupEntry {
        document_id: doc.id,
        title: doc.title,
        issuance_number: doc.issuance_number,
        registration_number: doc.registration_number,
        published_on: doc.published_on,
        ended_on: doc.ended_on,
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
    visitor.cached(&view)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicCampaignQuery {
    /// Code of the agency whose campaigns to list.
    pub agency: Option<String>,
}

/// A closed campaign in the public index.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCampaignSummary {
    pub id: String,
    pub agency: Option<PublicAgency>,
    pub name: String,
    pub year: i32,
    pub closed_on: Option<NaiveDate>,
}

/// The closed cleanup campaigns, newest first; open ones are never listed.
#[utoipa::path(tag = "public", params(PublicCampaignQuery, PageQuery), responses(
    (status = 200, description = "A page of closed campaigns, with ETag and Cache-Control", body = Paged<PublicCampaignSummary>),
    NotModified,
    (status = 422, description = "Unknown agency code or invalid paging", body = Problem)
))]
#[get("/public/cleanup-campaigns")]
pub async fn list_public_campaigns(
    visitor: Visitor,
    query: web::Query<PublicCampaignQuery>,
    page: Paging,
) -> Answer {
    let code = query.agency.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(String::from);
    let (rows, total) = visitor
        .state
        .read(move |conn, _| campaigns::public_list(conn, code, page.offset(), page.per_page))
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
    visitor.cached(&page.wrap(items, total))
}
