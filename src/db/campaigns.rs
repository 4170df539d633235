//! Queries on cleanup campaigns (清理) and their items, one per document under review.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::document_row::{documents as decoded, parsed, parsed_opt, word, DocumentRow};
use super::documents::id_strings;
use super::error::DbError;
use super::schema::{cleanup_campaigns, cleanup_items, documents};
use super::DbConn;
use crate::domain::cleanup::{CampaignStatus, CleanupOutcome};
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, CampaignId, DocumentId, UserId};
use crate::domain::lifecycle::Status;

/// One cleanup campaign, its ids and status typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignRow {
    pub id: CampaignId,
    pub agency_id: AgencyId,
    pub name: String,
    pub year: i32,
    pub status: CampaignStatus,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub opened_by: UserId,
    pub closed_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One document under review in a campaign, its ids and outcome typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRow {
    pub campaign_id: CampaignId,
    pub document_id: DocumentId,
    /// Order of the list, fixed when the campaign opens.
    pub position: i32,
    pub outcome: Option<CleanupOutcome>,
    pub reason: Option<String>,
    pub by_document_id: Option<DocumentId>,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<UserId>,
    /// When closing applied the outcome; `None` while open, or when the document had already
    /// ended by other means before the campaign closed.
    pub applied_on: Option<NaiveDate>,
    /// The amendment draft a closing `amend` started or found open.
    pub amendment_id: Option<DocumentId>,
}

/// One row of `cleanup_campaigns` as stored, field order as in the schema.
#[derive(Queryable, Insertable)]
#[diesel(table_name = cleanup_campaigns)]
struct StoredCampaign {
    id: String,
    agency_id: String,
    name: String,
    year: i32,
    status: String,
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    opened_by: String,
    closed_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// One row of `cleanup_items` as stored, field order as in the schema.
#[derive(Queryable, Insertable)]
#[diesel(table_name = cleanup_items)]
struct StoredItem {
    campaign_id: String,
    document_id: String,
    position: i32,
    outcome: Option<String>,
    reason: Option<String>,
    by_document_id: Option<String>,
    decided_on: Option<NaiveDate>,
    decided_by: Option<String>,
    applied_on: Option<NaiveDate>,
    amendment_id: Option<String>,
}

impl TryFrom<StoredCampaign> for CampaignRow {
    type Error = DbError;

    fn try_from(s: StoredCampaign) -> Result<Self, DbError> {
        const T: &str = "cleanup_campaigns";
        let id = &s.id;
        let status = word(T, id, "status", &s.status, CampaignStatus::parse)?;
        Ok(CampaignRow {
            id: parsed(T, id, "id", id)?,
            agency_id: parsed(T, id, "agency_id", &s.agency_id)?,
            opened_by: parsed(T, id, "opened_by", &s.opened_by)?,
            closed_by: parsed_opt(T, id, "closed_by", s.closed_by.as_deref())?,
            status,
            name: s.name,
            year: s.year,
            opened_on: s.opened_on,
            closed_on: s.closed_on,
            created_at: s.created_at,
            updated_at: s.updated_at,
        })
    }
}

impl TryFrom<StoredItem> for ItemRow {
    type Error = DbError;

    fn try_from(s: StoredItem) -> Result<Self, DbError> {
        const T: &str = "cleanup_items";
        let key = format!("{}/{}", s.campaign_id, s.document_id);
        let outcome = match s.outcome.as_deref() {
            None => None,
            Some(o) => Some(word(T, &key, "outcome", o, CleanupOutcome::parse)?),
        };
        Ok(ItemRow {
            campaign_id: parsed(T, &key, "campaign_id", &s.campaign_id)?,
            document_id: parsed(T, &key, "document_id", &s.document_id)?,
            by_document_id: parsed_opt(T, &key, "by_document_id", s.by_document_id.as_deref())?,
            decided_by: parsed_opt(T, &key, "decided_by", s.decided_by.as_deref())?,
            amendment_id: parsed_opt(T, &key, "amendment_id", s.amendment_id.as_deref())?,
            outcome,
            position: s.position,
            reason: s.reason,
            decided_on: s.decided_on,
            applied_on: s.applied_on,
        })
    }
}

fn campaign(row: Option<StoredCampaign>) -> Result<Option<CampaignRow>, DbError> {
    row.map(CampaignRow::try_from).transpose()
}

fn id_string<T: ToString>(id: Option<T>) -> Option<String> {
    id.map(|i| i.to_string())
}

impl ItemRow {
    /// A document listed at `position` of a campaign, waiting for its outcome.
    pub fn undecided(campaign_id: CampaignId, document_id: DocumentId, position: i32) -> Self {
        Self {
            campaign_id,
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

pub fn insert_campaign(conn: &mut DbConn, c: &CampaignRow) -> Result<(), DbError> {
    let row = StoredCampaign {
        id: c.id.to_string(),
        agency_id: c.agency_id.to_string(),
        name: c.name.clone(),
        year: c.year,
        status: c.status.as_str().to_string(),
        opened_on: c.opened_on,
        closed_on: c.closed_on,
        opened_by: c.opened_by.to_string(),
        closed_by: id_string(c.closed_by),
        created_at: c.created_at,
        updated_at: c.updated_at,
    };
    diesel::insert_into(cleanup_campaigns::table).values(&row).execute(conn)?;
    Ok(())
}

pub fn insert_item(conn: &mut DbConn, item: &ItemRow) -> Result<(), DbError> {
    let row = StoredItem {
        campaign_id: item.campaign_id.to_string(),
        document_id: item.document_id.to_string(),
        position: item.position,
        outcome: item.outcome.map(|o| o.as_str().to_string()),
        reason: item.reason.clone(),
        by_document_id: id_string(item.by_document_id),
        decided_on: item.decided_on,
        decided_by: id_string(item.decided_by),
        applied_on: item.applied_on,
        amendment_id: id_string(item.amendment_id),
    };
    diesel::insert_into(cleanup_items::table).values(&row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: CampaignId) -> Result<Option<CampaignRow>, DbError> {
    campaign(cleanup_campaigns::table.find(id.to_string()).first(conn).optional()?)
}

/// A campaign the public may read: closed ones only, so that nothing undecided leaks.
pub fn find_closed(conn: &mut DbConn, id: CampaignId) -> Result<Option<CampaignRow>, DbError> {
    campaign(
        cleanup_campaigns::table
            .filter(cleanup_campaigns::id.eq(id.to_string()))
            .filter(cleanup_campaigns::status.eq(CampaignStatus::Closed.as_str()))
            .first(conn)
            .optional()?,
    )
}

/// The agency's open campaign, if any (there is at most one).
pub fn open_of(conn: &mut DbConn, agency_id: AgencyId) -> Result<Option<CampaignRow>, DbError> {
    campaign(
        cleanup_campaigns::table
            .filter(cleanup_campaigns::agency_id.eq(agency_id.to_string()))
            .filter(cleanup_campaigns::status.eq(CampaignStatus::Open.as_str()))
            .first(conn)
            .optional()?,
    )
}

/// Which campaigns a list shows.
#[derive(Clone, Debug, Default)]
pub struct CampaignFilter {
    /// `None` is every agency.
    pub agencies: Option<Vec<AgencyId>>,
    pub status: Option<CampaignStatus>,
}

/// Campaigns, newest first.
pub fn list(
    conn: &mut DbConn,
    f: &CampaignFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CampaignRow>, i64), DbError> {
    let agencies = f.agencies.as_deref().map(id_strings);
    let build = || {
        let mut q = cleanup_campaigns::table.into_boxed();
        if let Some(a) = &agencies {
            q = q.filter(cleanup_campaigns::agency_id.eq_any(a.clone()));
        }
        if let Some(s) = f.status {
            q = q.filter(cleanup_campaigns::status.eq(s.as_str()));
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
        .load::<StoredCampaign>(conn)?;
    let rows = rows.into_iter().map(CampaignRow::try_from).collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// `(campaign_id, decided)` of every item of these campaigns, to count decisions.
pub fn outcomes_of(
    conn: &mut DbConn,
    campaign_ids: &[CampaignId],
) -> Result<Vec<(CampaignId, bool)>, DbError> {
    if campaign_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, Option<String>)> = cleanup_items::table
        .filter(cleanup_items::campaign_id.eq_any(id_strings(campaign_ids)))
        .select((cleanup_items::campaign_id, cleanup_items::outcome))
        .load(conn)?;
    rows.into_iter()
        .map(|(c, o)| Ok((parsed("cleanup_items", &c, "campaign_id", &c)?, o.is_some())))
        .collect()
}

/// The items of a campaign with their documents, in list order.
pub fn items_of(
    conn: &mut DbConn,
    campaign_id: CampaignId,
) -> Result<Vec<(ItemRow, Document)>, DbError> {
    let rows: Vec<(StoredItem, DocumentRow)> = cleanup_items::table
        .inner_join(documents::table.on(documents::id.eq(cleanup_items::document_id)))
        .filter(cleanup_items::campaign_id.eq(campaign_id.to_string()))
        .order(cleanup_items::position.asc())
        .select((cleanup_items::all_columns, documents::all_columns))
        .load(conn)?;
    rows.into_iter()
        .map(|(item, doc)| Ok((ItemRow::try_from(item)?, Document::try_from(doc)?)))
        .collect()
}

pub fn find_item(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    document_id: DocumentId,
) -> Result<Option<ItemRow>, DbError> {
    let row: Option<StoredItem> = cleanup_items::table
        .find((campaign_id.to_string(), document_id.to_string()))
        .first(conn)
        .optional()?;
    row.map(ItemRow::try_from).transpose()
}

/// Writes the decision fields of an item.
pub fn save_item(conn: &mut DbConn, row: &ItemRow) -> Result<(), DbError> {
    let key = (row.campaign_id.to_string(), row.document_id.to_string());
    diesel::update(cleanup_items::table.find(key))
        .set((
            cleanup_items::outcome.eq(row.outcome.map(CleanupOutcome::as_str)),
            cleanup_items::reason.eq(&row.reason),
            cleanup_items::by_document_id.eq(id_string(row.by_document_id)),
            cleanup_items::decided_on.eq(row.decided_on),
            cleanup_items::decided_by.eq(id_string(row.decided_by)),
            cleanup_items::applied_on.eq(row.applied_on),
            cleanup_items::amendment_id.eq(id_string(row.amendment_id)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks a campaign closed, but only if it is still open: answers whether this call closed
/// it, so that two closings racing each other apply the outcomes once.
pub fn mark_closed(
    conn: &mut DbConn,
    id: CampaignId,
    on: NaiveDate,
    by: UserId,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        cleanup_campaigns::table
            .filter(cleanup_campaigns::id.eq(id.to_string()))
            .filter(cleanup_campaigns::status.eq(CampaignStatus::Open.as_str())),
    )
    .set((
        cleanup_campaigns::status.eq(CampaignStatus::Closed.as_str()),
        cleanup_campaigns::closed_on.eq(Some(on)),
        cleanup_campaigns::closed_by.eq(Some(by.to_string())),
        cleanup_campaigns::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The published documents of an agency that have not ended, oldest publication first: the
/// candidates for a new campaign (the caller keeps those in force on the day).
pub fn running_documents(conn: &mut DbConn, agency_id: AgencyId) -> Result<Vec<Document>, DbError> {
    decoded(
        documents::table
            .filter(documents::agency_id.eq(agency_id.to_string()))
            .filter(documents::status.eq(Status::Published.as_str()))
            .filter(documents::ended_state.is_null())
            .order((
                documents::published_on.asc(),
                documents::issuance_number.asc(),
                documents::id.asc(),
            ))
            .load(conn)?,
    )
}

/// The day the agency last closed a campaign.
pub fn last_closed_on(
    conn: &mut DbConn,
    agency_id: AgencyId,
) -> Result<Option<NaiveDate>, DbError> {
    Ok(cleanup_campaigns::table
        .filter(cleanup_campaigns::agency_id.eq(agency_id.to_string()))
        .filter(cleanup_campaigns::status.eq(CampaignStatus::Closed.as_str()))
        .select(diesel::dsl::max(cleanup_campaigns::closed_on))
        .first::<Option<NaiveDate>>(conn)?)
}
