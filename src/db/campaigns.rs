//! Queries on cleanup campaigns (清理) and their items, one per document under review.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::documents::DocumentRow;
use super::error::DbError;
use super::schema::{cleanup_campaigns, cleanup_items, documents};
use super::DbConn;
use crate::domain::cleanup::CampaignStatus;
use crate::domain::lifecycle::Status;

/// One row of `cleanup_campaigns`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = cleanup_campaigns)]
pub struct CampaignRow {
    pub id: String,
    pub agency_id: String,
    pub name: String,
    pub year: i32,
    pub status: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub opened_by: String,
    pub closed_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One row of `cleanup_items`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = cleanup_items)]
pub struct ItemRow {
    pub campaign_id: String,
    pub document_id: String,
    /// Order of the list, fixed when the campaign opens.
    pub position: i32,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub by_document_id: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    /// When closing applied the outcome; `None` while open, or when the document had already
    /// ended by other means before the campaign closed.
    pub applied_on: Option<NaiveDate>,
    /// The amendment draft a closing `amend` started or found open.
    pub amendment_id: Option<String>,
}

impl ItemRow {
    /// A document listed at `position` of a campaign, waiting for its outcome.
    pub fn undecided(campaign_id: &str, document_id: String, position: i32) -> Self {
        Self {
            campaign_id: campaign_id.to_string(),
            document_id,
            position,
            outcome: None,
            reason: None,
            by_document_id: None,
            decided_on: None,
            decided_by: None,
            applied_on: None,
            amendment_id: None,
        }
    }
}

pub fn insert_campaign(conn: &mut DbConn, row: &CampaignRow) -> Result<(), DbError> {
    diesel::insert_into(cleanup_campaigns::table).values(row).execute(conn)?;
    Ok(())
}

pub fn insert_item(conn: &mut DbConn, row: &ItemRow) -> Result<(), DbError> {
    diesel::insert_into(cleanup_items::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<CampaignRow>, DbError> {
    Ok(cleanup_campaigns::table.find(id).first(conn).optional()?)
}

/// A campaign the public may read: closed ones only, so that nothing undecided leaks.
pub fn find_closed(conn: &mut DbConn, id: &str) -> Result<Option<CampaignRow>, DbError> {
    Ok(cleanup_campaigns::table
        .filter(cleanup_campaigns::id.eq(id))
        .filter(cleanup_campaigns::status.eq(CampaignStatus::Closed.as_str()))
        .first(conn)
        .optional()?)
}

/// The agency's open campaign, if any (there is at most one).
pub fn open_of(conn: &mut DbConn, agency_id: &str) -> Result<Option<CampaignRow>, DbError> {
    Ok(cleanup_campaigns::table
        .filter(cleanup_campaigns::agency_id.eq(agency_id))
        .filter(cleanup_campaigns::status.eq(CampaignStatus::Open.as_str()))
        .first(conn)
        .optional()?)
}

/// Which campaigns a list shows.
#[derive(Clone, Debug, Default)]
pub struct CampaignFilter {
    /// `None` is every agency.
    pub agencies: Option<Vec<String>>,
    pub status: Option<String>,
}

/// Campaigns, newest first.
pub fn list(
    conn: &mut DbConn,
    f: &CampaignFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CampaignRow>, i64), DbError> {
    let build = || {
        let mut q = cleanup_campaigns::table.into_boxed();
        if let Some(a) = &f.agencies {
            q = q.filter(cleanup_campaigns::agency_id.eq_any(a.clone()));
        }
        if let Some(s) = &f.status {
            q = q.filter(cleanup_campaigns::status.eq(s.clone()));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = build()
        .order((
            cleanup_campaigns::opened_on.desc(),
            cleanup_campaigns::created_at.desc(),
            cleanup_campaigns::id.asc(),
        ))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// `(campaign_id, outcome)` of every item of these campaigns, to count decisions.
pub fn outcomes_of(
    conn: &mut DbConn,
    campaign_ids: &[String],
) -> Result<Vec<(String, Option<String>)>, DbError> {
    if campaign_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(cleanup_items::table
        .filter(cleanup_items::campaign_id.eq_any(campaign_ids.to_vec()))
        .select((cleanup_items::campaign_id, cleanup_items::outcome))
        .load(conn)?)
}

/// The items of a campaign with their documents, in list order.
pub fn items_of(
    conn: &mut DbConn,
    campaign_id: &str,
) -> Result<Vec<(ItemRow, DocumentRow)>, DbError> {
    Ok(cleanup_items::table
        .inner_join(documents::table.on(documents::id.eq(cleanup_items::document_id)))
        .filter(cleanup_items::campaign_id.eq(campaign_id))
        .order(cleanup_items::position.asc())
        .select((cleanup_items::all_columns, documents::all_columns))
        .load(conn)?)
}

pub fn find_item(
    conn: &mut DbConn,
    campaign_id: &str,
    document_id: &str,
) -> Result<Option<ItemRow>, DbError> {
    Ok(cleanup_items::table.find((campaign_id, document_id)).first(conn).optional()?)
}

/// Writes the decision fields of an item.
pub fn save_item(conn: &mut DbConn, row: &ItemRow) -> Result<(), DbError> {
    diesel::update(cleanup_items::table.find((&row.campaign_id, &row.document_id)))
        .set((
            cleanup_items::outcome.eq(&row.outcome),
            cleanup_items::reason.eq(&row.reason),
            cleanup_items::by_document_id.eq(&row.by_document_id),
            cleanup_items::decided_on.eq(row.decided_on),
            cleanup_items::decided_by.eq(&row.decided_by),
            cleanup_items::applied_on.eq(row.applied_on),
            cleanup_items::amendment_id.eq(&row.amendment_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks a campaign closed, but only if it is still open: answers whether this call closed
/// it, so that two closings racing each other apply the outcomes once.
pub fn mark_closed(
    conn: &mut DbConn,
    id: &str,
    on: NaiveDate,
    by: &str,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        cleanup_campaigns::table
            .filter(cleanup_campaigns::id.eq(id))
            .filter(cleanup_campaigns::status.eq(CampaignStatus::Open.as_str())),
    )
    .set((
        cleanup_campaigns::status.eq(CampaignStatus::Closed.as_str()),
        cleanup_campaigns::closed_on.eq(Some(on)),
        cleanup_campaigns::closed_by.eq(Some(by)),
        cleanup_campaigns::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The published documents of an agency that have not ended, oldest publication first: the
/// candidates for a new campaign (the caller keeps those in force on the day).
pub fn running_documents(conn: &mut DbConn, agency_id: &str) -> Result<Vec<DocumentRow>, DbError> {
    Ok(documents::table
        .filter(documents::agency_id.eq(agency_id))
        .filter(documents::status.eq(Status::Published.as_str()))
        .filter(documents::ended_state.is_null())
        .order((
            documents::published_on.asc(),
            documents::issuance_number.asc(),
            documents::id.asc(),
        ))
        .load(conn)?)
}

/// The day the agency last closed a campaign.
pub fn last_closed_on(conn: &mut DbConn, agency_id: &str) -> Result<Option<NaiveDate>, DbError> {
    Ok(cleanup_campaigns::table
        .filter(cleanup_campaigns::agency_id.eq(agency_id))
        .filter(cleanup_campaigns::status.eq(CampaignStatus::Closed.as_str()))
        .select(diesel::dsl::max(cleanup_campaigns::closed_on))
        .first::<Option<NaiveDate>>(conn)?)
}
