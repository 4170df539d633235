//! The public reads of cleanup campaigns: closed campaigns only, so that no undecided
//! outcome is ever public.

use crate::db::{
    self,
    agencies::AgencyRow,
    campaigns::{CampaignFilter, CampaignRow, ItemRow},
    DbConn,
};
use crate::domain::cleanup::{CampaignStatus, CleanupOutcome};
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, CampaignId};
use crate::error::AppError;

/// The published result of a closed campaign: what it applied, by outcome.
#[derive(Clone, Debug)]
pub struct PublishedResult {
    pub row: CampaignRow,
    pub agency: Option<AgencyRow>,
    /// Documents reviewed.
    pub reviewed: i64,
    pub continued: i64,
    pub to_be_amended: i64,
    pub repealed: Vec<(ItemRow, Document)>,
    pub declared_invalid: Vec<(ItemRow, Document)>,
}

/// The published list of a closed campaign; 404 while it is open, so that no undecided
/// outcome is ever public.
pub fn public_result(conn: &mut DbConn, id: CampaignId) -> Result<PublishedResult, AppError> {
    let row =
        db::campaigns::find_closed(conn, id)?.ok_or(AppError::NotFound("cleanup campaign"))?;
    let agency = db::agencies::find(conn, row.agency_id)?;
    let items = db::campaigns::items_of(conn, row.id)?;
    let mut result = PublishedResult {
        row,
        agency,
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
            Some(CleanupOutcome::Repeal) => result.repealed.push((item, doc)),
            Some(CleanupOutcome::DeclareInvalid) => result.declared_invalid.push((item, doc)),
            None => {}
        }
    }
    Ok(result)
}

/// A closed campaign with its agency, as the public index lists it.
pub type PublicCampaignRow = (CampaignRow, Option<AgencyRow>);

/// The closed campaigns, newest first, of one agency named by its code or of all, each with
/// its agency; 422 for an unknown code.
pub fn public_list(
    conn: &mut DbConn,
    agency_code: Option<String>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<PublicCampaignRow>, i64), AppError> {
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
        .map(|r| {
            let agency = agencies.iter().find(|a| a.id == r.agency_id).cloned();
            (r, agency)
        })
        .collect();
    Ok((rows, total))
}
