//! Periodic cleanup campaigns (清理) of an agency's documents: open one over every document in
//! force, decide an outcome with a reason for each, and close it, which applies all outcomes in
//! one transaction and publishes the repealed and invalidated documents.
//!
//! Outcomes on closing go through the same code as the single-document operations:
//! `repeal` and `declare_invalid` through [`end_living`] (the document reads `repealed` or
//! `declared_invalid` from the closing day), `amend` through [`start_amendment`] (a new draft
//! version is started for the drafters, or the one already open is linked; the document stays
//! in force until the amendment is published), `continue` only records its event. Every
//! document of the campaign gets exactly one event. A document that ended by other means while
//! the campaign was open (expiry, a separate repeal, revocation, a published amendment) is left
//! as it is and its item reads `applied_on: null`.

mod public;

pub use public::{
    public_list, public_result, PublicCampaign, PublicCampaignSummary, PublicCleanupEntry,
};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{
    self,
    campaigns::{CampaignFilter, CampaignRow, ItemRow},
    error::DbError,
    DbConn,
};
use crate::domain::cleanup::{campaign_year, undecided, CampaignStatus, CleanupOutcome};
use crate::domain::clock::Clock;
use crate::domain::document::Document;
use crate::domain::ids::{CampaignId, DocumentId, UserId};
use crate::domain::later_life::{cleanup_step, CleanupStep};
use crate::domain::role::Role;
use crate::domain::text::{self, MAX_NOTE};
use crate::domain::validity::Validity;
use crate::error::{AppError, FieldError};
use crate::service::citations::BasisChange;
use crate::service::dates;
use crate::service::evolution::{
    end_living, is_published, open_amendment, require_living, start_amendment, Ending,
};
use crate::service::scope::visible_agencies;
use crate::service::Actor;

/// A campaign with every document under review, in list order.
#[derive(Clone, Debug)]
pub struct Campaign {
    pub row: CampaignRow,
    pub items: Vec<(ItemRow, Document)>,
    /// While open: the documents of the campaign whose cited documents changed (依据变化),
    /// derived at read time from their citations.
    pub basis_changes: Vec<BasisChange>,
}

fn with_items(conn: &mut DbConn, row: CampaignRow, today: NaiveDate) -> Result<Campaign, AppError> {
    let items = db::campaigns::items_of(conn, row.id)?;
    let basis_changes = if row.status == CampaignStatus::Open {
        crate::service::citations::basis_changes(conn, &[row.agency_id], today)?
            .into_iter()
            .filter(|c| items.iter().any(|(i, _)| i.document_id == c.citing.id))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Campaign { row, items, basis_changes })
}

/// A campaign the caller may see, or 404 without revealing that it exists.
fn load_campaign(
    conn: &mut DbConn,
    actor: &Actor,
    id: CampaignId,
) -> Result<CampaignRow, AppError> {
    let campaign = db::campaigns::find(conn, id)?.ok_or(AppError::NotFound("cleanup campaign"))?;
    let tree = db::agencies::tree(conn)?;
    match visible_agencies(actor, &tree) {
        Some(ids) if !ids.contains(&campaign.agency_id) => {
            Err(AppError::NotFound("cleanup campaign"))
        }
        _ => Ok(campaign),
    }
}

/// 403 unless the caller belongs to the campaign's agency; 409 once it is closed.
fn require_own_open(actor: &Actor, campaign: &CampaignRow) -> Result<(), AppError> {
    if actor.agency_id != Some(campaign.agency_id) {
        return Err(AppError::Forbidden("only the campaign's own agency may do this".into()));
    }
    if campaign.status != CampaignStatus::Open {
        return Err(AppError::conflict(
            "campaign_closed",
            format!(
                "the campaign was closed on {}; its outcomes are final",
                campaign.closed_on.map(|d| d.to_string()).unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

// A new campaign as the registrar names it.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OpenCampaign)]
pub struct NewCampaign {
    /// e.g. 2026年度规范性文件清理
    pub name: String,
    /// The year it is named after (default: this year).
    pub year: Option<i32>,
}

/// Opens a cleanup campaign of the caller's agency over every one of its documents in force
/// today (registrar). An agency has at most one open campaign.
pub fn open(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    input: NewCampaign,
) -> Result<Campaign, AppError> {
    actor.require_any(&[Role::Registrar])?;
    let agency = actor.agency()?;
    let today = clock.today();
    let mut errors = Vec::new();
    let name = text::line(&input.name, 200)
        .map_err(|e| errors.push(FieldError::new("name", e.to_string())));
    let year =
        campaign_year(input.year, today).map_err(|m| errors.push(FieldError::new("year", m)));
    let (Ok(name), Ok(year)) = (name, year) else {
        return Err(AppError::invalid_fields(errors));
    };
    // The policy's date range is checked after the shape, so that every field error of a bad
    // request is reported together.
    dates::require_year_in_range(tx, "year", year)?;
    let now = clock.now().naive_utc();
    let already_open = || {
        AppError::conflict(
            "campaign_open",
            "the agency already has an open cleanup campaign; close it first",
        )
    };
    if db::campaigns::open_of(tx, agency)?.is_some() {
        return Err(already_open());
    }
    let row = CampaignRow {
        id: CampaignId::new(),
        agency_id: agency,
        name,
        year,
        status: CampaignStatus::Open,
        opened_on: today,
        closed_on: None,
        opened_by: actor.id,
        closed_by: None,
        created_at: now,
        updated_at: now,
    };
    db::campaigns::insert_campaign(tx, &row).map_err(|e| match e {
        // Another request opened one in the meantime (the one-open index).
        DbError::UniqueViolation(_) => already_open(),
        other => other.into(),
    })?;
    let in_force = db::campaigns::running_documents(tx, agency)?
        .into_iter()
        .filter(|d| d.validity_on(today) == Some(Validity::InForce));
    for (position, doc) in in_force.enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        db::campaigns::insert_item(tx, &ItemRow::undecided(row.id, doc.id, position))?;
    }
    let detail = serde_json::json!({ "agency_id": agency, "name": row.name, "year": row.year });
    db::audit::record(tx, &chain_subject(row.id), Some(actor.id), now, "opened", Some(&detail))?;
    with_items(tx, row, today)
}

/// The hash chain of a campaign's own events (opened, closed).
fn chain_subject(id: CampaignId) -> String {
    format!("campaign:{id}")
}

/// A campaign of a list with its counts.
#[derive(Clone, Debug)]
pub struct CampaignCounts {
    pub row: CampaignRow,
    /// Documents under review.
    pub items_total: i64,
    /// Documents with an outcome.
    pub items_decided: i64,
}

/// The campaigns of the caller's scope, newest first, with the total.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    status: Option<CampaignStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CampaignCounts>, i64), AppError> {
    let tree = db::agencies::tree(conn)?;
    let filter = CampaignFilter { agencies: visible_agencies(actor, &tree), status };
    let (rows, total) = db::campaigns::list(conn, &filter, offset, limit)?;
    let ids: Vec<CampaignId> = rows.iter().map(|r| r.id).collect();
    let outcomes = db::campaigns::outcomes_of(conn, &ids)?;
    let items = rows
        .into_iter()
        .map(|row| {
            let of_this = outcomes.iter().filter(|(c, _)| *c == row.id);
            let items_total = of_this.clone().count() as i64;
            let items_decided = of_this.filter(|(_, decided)| *decided).count() as i64;
            CampaignCounts { row, items_total, items_decided }
        })
        .collect();
    Ok((items, total))
}

/// One campaign of the caller's scope with every document.
pub fn get(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: CampaignId,
) -> Result<Campaign, AppError> {
    let row = load_campaign(conn, actor, id)?;
    with_items(conn, row, clock.today())
}

// The outcome the registrar decides for one document.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DecideItem)]
pub struct ItemDecision {
    pub outcome: CleanupOutcome,
    /// Why: required for every outcome, published with repeals and declarations of invalidity.
    pub reason: String,
    /// With `repeal` only: the published document that repeals it.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub by_document_id: Option<DocumentId>,
}

/// Decides the outcome of one document of an open campaign (registrar of its agency); a later
/// decision replaces an earlier one until the campaign closes. Nothing changes for the document
/// before then.
pub fn decide_item(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: CampaignId,
    document_id: DocumentId,
    input: ItemDecision,
) -> Result<(ItemRow, Document), AppError> {
    actor.require_any(&[Role::Registrar])?;
    let mut errors = Vec::new();
    let reason = text::paragraph(&input.reason, MAX_NOTE)
        .map_err(|e| errors.push(FieldError::new("reason", e.to_string())));
    if let Err(m) = input.outcome.check_repealing_document(input.by_document_id.is_some()) {
        errors.push(FieldError::new("by_document_id", m));
    }
    let Ok(reason) = reason else {
        return Err(AppError::invalid_fields(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let today = clock.today();
    let campaign = load_campaign(tx, actor, id)?;
    require_own_open(actor, &campaign)?;
    let mut item = db::campaigns::find_item(tx, campaign.id, document_id)?
        .ok_or(AppError::NotFound("cleanup item"))?;
    let doc = db::documents::find(tx, item.document_id)?
        .ok_or_else(|| AppError::internal("campaign document vanished"))?;
    require_living(&doc, "decided on", today)?;
    if let Some(by) = input.by_document_id {
        if by == doc.id || !is_published(tx, by)? {
            return Err(AppError::invalid("by_document_id", "must be another published document"));
        }
    }
    item.outcome = Some(input.outcome);
    item.reason = Some(reason);
    item.by_document_id = input.by_document_id;
    item.decided_on = Some(today);
    item.decided_by = Some(actor.id);
    db::campaigns::save_item(tx, &item)?;
    Ok((item, doc))
}

/// Closes a campaign (registrar of its agency): refused while any document lacks an outcome;
/// otherwise applies every outcome in one transaction, one event per document, and publishes
/// the list of repealed and invalidated documents.
pub fn close(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: CampaignId,
) -> Result<Campaign, AppError> {
    actor.require_any(&[Role::Registrar])?;
    let (today, now) = (clock.today(), clock.now().naive_utc());
    let campaign = load_campaign(tx, actor, id)?;
    require_own_open(actor, &campaign)?;
    let items = db::campaigns::items_of(tx, campaign.id)?;
    let missing = undecided(items.iter().map(|(i, d)| (d, i.outcome)));
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|d| d.cite()).collect();
        return Err(AppError::conflict(
            "undecided_items",
            format!("{} document(s) still have no outcome: {}", names.len(), names.join("；")),
        ));
    }
    // Claim the campaign first: a second closing racing this one finds it closed.
    if !db::campaigns::mark_closed(tx, campaign.id, today, actor.id, now)? {
        return Err(AppError::conflict("campaign_closed", "the campaign was just closed"));
    }
    let closing = Closing { campaign: &campaign, actor: actor.id, today, now };
    for (mut item, mut doc) in items {
        closing.apply(tx, &mut item, &mut doc)?;
    }
    // Each outcome is an event of its document; the close itself is the campaign's.
    db::audit::record(tx, &chain_subject(campaign.id), Some(actor.id), now, "closed", None)?;
    let closed = db::campaigns::find(tx, campaign.id)?
        .ok_or_else(|| AppError::internal("campaign vanished"))?;
    with_items(tx, closed, today)
}

/// The campaign being closed, by whom and when.
struct Closing<'a> {
    campaign: &'a CampaignRow,
    actor: UserId,
    today: NaiveDate,
    now: NaiveDateTime,
}

impl Closing<'_> {
    /// Applies one decided outcome in the closing transaction.
    fn apply(
        &self,
        conn: &mut DbConn,
        item: &mut ItemRow,
        doc: &mut Document,
    ) -> Result<(), AppError> {
        let outcome =
            item.outcome.ok_or_else(|| AppError::internal("undecided item at closing"))?;
        let step = cleanup_step(outcome, &doc.standing(), self.today);
        let reason = item.reason.clone().unwrap_or_default();
        let (campaign, actor, now) = (self.campaign, self.actor, self.now);
        let extra = serde_json::json!({"campaign_id": campaign.id, "campaign": campaign.name, "outcome": outcome});
        match step {
            // Ended by other means since it was listed: its fate is already settled and recorded.
            CleanupStep::Settled => return Ok(()),
            CleanupStep::RecordContinued => {
                let event = "cleanup_continued";
                db::documents::note_event(conn, doc, actor, now, event, Some(&reason), extra)?;
            }
            CleanupStep::OrderAmendment => {
                let draft = match open_amendment(conn, doc)? {
                    Some(open) => open,
                    None => start_amendment(conn, doc, actor, now, self.today, extra.clone())?,
                };
                let mut payload = extra;
                payload["amendment_id"] = serde_json::json!(draft.id);
                let event = "cleanup_amendment_ordered";
                db::documents::note_event(conn, doc, actor, now, event, Some(&reason), payload)?;
                item.amendment_id = Some(draft.id);
            }
            CleanupStep::End(end) => {
                let ending = Ending {
                    end,
                    date_field: "closed_on",
                    on: self.today,
                    reason: &reason,
                    by: item.by_document_id,
                };
                end_living(conn, doc, &ending, actor, now, self.today, extra)?;
            }
        }
        item.applied_on = Some(self.today);
        Ok(db::campaigns::save_item(conn, item)?)
    }
}
