//! The public reads of cleanup campaigns: closed campaigns only, so that no undecided
//! outcome is ever public. Their answers are what the public API renders, like those of
//! `public_reading`.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{
    self,
    campaigns::{CampaignFilter, ItemRow},
    DbConn,
};
use crate::domain::cleanup::{CampaignStatus, CleanupOutcome};
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, CampaignId};
use crate::error::AppError;
use crate::service::public_reading::PublicAgency;

/// A repealed or invalidated document in a campaign's published list.
#[derive(Clone, Debug, Serialize, ToSchema)]
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

impl PublicCleanupEntry {
    fn new(item: ItemRow, doc: Document) -> Self {
        Self {
            document_id: doc.id.to_string(),
            title: doc.title,
            issuance_number: doc.issuance_number,
            registration_number: doc.registration_number,
            published_on: doc.published_on,
            ended_on: doc.ended.as_ref().map(|e| e.on),
            reason: item.reason.unwrap_or_default(),
            by_document_id: item.by_document_id.map(|d| d.to_string()),
        }
    }
}

/// The published result of a closed campaign (清理结果).
#[derive(Clone, Debug, Serialize, ToSchema)]
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

/// A closed campaign in the public index.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicCampaignSummary {
    pub id: String,
    pub agency: Option<PublicAgency>,
    pub name: String,
    pub year: i32,
    pub closed_on: Option<NaiveDate>,
}

/// The published list of a closed campaign; 404 while it is open, so that no undecided
/// outcome is ever public.
pub fn public_result(conn: &mut DbConn, id: CampaignId) -> Result<PublicCampaign, AppError> {
    let row =
        db::campaigns::find_closed(conn, id)?.ok_or(AppError::NotFound("cleanup campaign"))?;
    let agency = db::agencies::find(conn, row.agency_id)?;
    let items = db::campaigns::items_of(conn, row.id)?;
    let mut result = PublicCampaign {
        id: row.id.to_string(),
        agency: agency.map(PublicAgency::from),
        name: row.name,
        year: row.year,
        opened_on: row.opened_on,
        closed_on: row.closed_on,
        reviewed: items.len() as i64,
        continued: 0,
        to_be_amended: 0,
        repealed: Vec::new(),
        declared_invalid: Vec::new(),
    };
    for (item, doc) in items {
        // Only what this campaign applied; a document that ended otherwise was not repealed by
        // it.
        if item.applied_on.is_none() {
            continue;
        }
        match item.outcome {
            Some(CleanupOutcome::Continue) => result.continued += 1,
            Some(CleanupOutcome::Amend) => result.to_be_amended += 1,
            Some(CleanupOutcome::Repeal) => {
                result.repealed.push(PublicCleanupEntry::new(item, doc))
            }
            Some(CleanupOutcome::DeclareInvalid) => {
                result.declared_invalid.push(PublicCleanupEntry::new(item, doc))
            }
            None => {}
        }
    }
    Ok(result)
}

/// The closed campaigns, newest first, of one agency named by its code or of all, each with
/// its agency; 422 for an unknown code.
pub fn public_list(
    conn: &mut DbConn,
    agency_code: Option<String>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<PublicCampaignSummary>, i64), AppError> {
    let agencies = match agency_code {
        None => None,
        Some(code) => {
            let a = db::agencies::find_by_code(conn, &code)?.ok_or_else(|| {
                AppError::invalid("agency", format!("no agency has the code `{code}`"))
            })?;
            Some(vec![a.id])
        }
    };
    let filter = CampaignFilter { agencies, status: Some(CampaignStatus::Closed) };
    let (rows, total) = db::campaigns::list(conn, &filter, offset, limit)?;
    let mut ids: Vec<AgencyId> = rows.iter().map(|r| r.agency_id).collect();
    ids.sort();
    ids.dedup();
    let agencies = db::public::agencies_by_id(conn, &ids)?;
    let rows = rows
        .into_iter()
        .map(|r| PublicCampaignSummary {
            agency: agencies.iter().find(|a| a.id == r.agency_id).cloned().map(PublicAgency::from),
            id: r.id.to_string(),
            name: r.name,
            year: r.year,
            closed_on: r.closed_on,
        })
        .collect();
    Ok((rows, total))
}
