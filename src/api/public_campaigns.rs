//! The published results of closed cleanup campaigns (清理结果) under
//! `/api/v1/public/cleanup-campaigns`: no account, cached, and nothing of a campaign that is
//! still open.

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::paging::Paging;
use super::path::Path;
use super::responses::NotModified;
use super::visitor::Visitor;
use super::Answer;
use crate::domain::ids::CampaignId;
use crate::error::Problem;
use crate::service::campaigns::{self, PublicCampaign, PublicCampaignSummary};
use crate::service::paging::{PageQuery, Paged};

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
    visitor.cached(&result)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicCampaignQuery {
    /// Code of the agency whose campaigns to list.
    pub agency: Option<String>,
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
    let (items, total) = visitor
        .state
        .read(move |conn, _| campaigns::public_list(conn, code, page.offset(), page.per_page))
        .await?;
    visitor.cached(&page.wrap(items, total))
}
