//! Periodic cleanup campaigns (清理) of an agency's documents: open one over every document in
//! force, decide an outcome with a reason for each, and close it, which applies all outcomes in
//! one transaction and publishes the repealed and invalidated documents.
//!
//! Outcomes on closing go through the same code as the single-document endpoints:
//! `repeal` and `declare_invalid` through [`end_living`] (the document reads `repealed` or
//! `declared_invalid` from the closing day), `amend` through [`start_amendment`] (a new draft
//! version is started for the drafters, or the one already open is linked; the document stays
//! in force until the amendment is published), `continue` only records its event. Every
//! document of the campaign gets exactly one event. A document that ended by other means while
//! the campaign was open (expiry, a separate repeal, revocation, a published amendment) is left
//! as it is and its item reads `applied_on: null`.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::evolution::{end_living, open_amendment, require_living, start_amendment, Ending};
use super::json::ApiJson;
use super::paging::{Page, Paged};
use super::path_id;
use super::views::PublicAgency;
use crate::auth::AuthUser;
use crate::db::{
    self,
    campaigns::{CampaignFilter, CampaignRow, ItemRow},
    documents::DocumentRow,
    DbConn,
};
use crate::domain::cleanup::{campaign_year, undecided, CampaignStatus, CleanupOutcome};
use crate::domain::ids::{CampaignId, DocumentId};
use crate::domain::role::Role;
use crate::domain::text;
use crate::domain::text::MAX_NOTE;
use crate::domain::validity::Validity;
use crate::error::{AppError, FieldError, Problem};
use crate::http_caching::cached;
use crate::service::document_state::validity_of;
use crate::service::scope::visible_agencies;
use crate::state::AppState;

/// A campaign without its items, as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignSummary {
    pub id: String,
    pub agency_id: String,
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
    fn new(row: CampaignRow, items_total: i64, items_decided: i64) -> Self {
        Self {
            status: CampaignStatus::parse(&row.status).unwrap_or(CampaignStatus::Open),
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
    pub document_id: String,
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
    pub by_document_id: Option<String>,
    pub decided_on: Option<NaiveDate>,
    /// The day closing applied the outcome; `null` while open, or when the document had ended
    /// by other means before.
    pub applied_on: Option<NaiveDate>,
    /// With `amend`, once closed: the draft of the amendment.
    pub amendment_id: Option<String>,
}

impl CampaignItemView {
    fn new(item: ItemRow, doc: &DocumentRow, today: NaiveDate) -> Self {
        let outcome = item.outcome.as_deref().and_then(CleanupOutcome::parse);
        Self {
            document_id: item.document_id,
            title: doc.title.clone(),
            issuance_number: doc.issuance_number.clone(),
            registration_number: doc.registration_number.clone(),
            published_on: doc.published_on,
            valid_until: doc.valid_until,
            validity: validity_of(doc, today),
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

fn detail(
    conn: &mut DbConn,
    row: CampaignRow,
    today: NaiveDate,
) -> Result<CampaignDetail, AppError> {
    let items = db::campaigns::items_of(conn, &row.id)?;
    let decided = items.iter().filter(|(i, _)| i.outcome.is_some()).count() as i64;
    let campaign = CampaignSummary::new(row, items.len() as i64, decided);
    let items = items.into_iter().map(|(i, d)| CampaignItemView::new(i, &d, today)).collect();
    Ok(CampaignDetail { campaign, items })
}

/// A campaign the caller may see, or 404 without revealing that it exists.
fn load_campaign(conn: &mut DbConn, user: &AuthUser, id: &str) -> Result<CampaignRow, AppError> {
    let campaign = db::campaigns::find(conn, id)?.ok_or(AppError::NotFound("cleanup campaign"))?;
    let tree = db::agencies::tree(conn)?;
    match visible_agencies(user, &tree) {
        Some(ids) if !ids.contains(&campaign.agency_id) => {
            Err(AppError::NotFound("cleanup campaign"))
        }
        _ => Ok(campaign),
    }
}

/// 403 unless the caller belongs to the campaign's agency; 409 once it is closed.
fn require_own_open(user: &AuthUser, campaign: &CampaignRow) -> Result<(), AppError> {
    if user.agency_id.map(|a| a.to_string()).as_deref() != Some(campaign.agency_id.as_str()) {
        return Err(AppError::Forbidden("only the campaign's own agency may do this".into()));
    }
    if campaign.status != CampaignStatus::Open.as_str() {
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
    user.require_any(&[Role::Registrar])?;
    let agency = user.agency()?.to_string();
    let today = state.clock.today();
    let mut errors = Vec::new();
    let name = text::line(&body.0.name, 200)
        .map_err(|e| errors.push(FieldError::new("name", e.to_string())));
    let year =
        campaign_year(body.0.year, today).map_err(|m| errors.push(FieldError::new("year", m)));
    let (Ok(name), Ok(year)) = (name, year) else {
        return Err(AppError::invalid_fields(errors));
    };
    let now = state.clock.now().naive_utc();
    let actor = user.id.to_string();
    let already_open = || {
        AppError::conflict(
            "campaign_open",
            "the agency already has an open cleanup campaign; close it first",
        )
    };
    let view = state
        .db
        .write(move |conn| {
            if db::campaigns::open_of(conn, &agency)?.is_some() {
                return Err(already_open());
            }
            let row = CampaignRow {
                id: CampaignId::new().to_string(),
                agency_id: agency.clone(),
                name,
                year,
                status: CampaignStatus::Open.as_str().into(),
                opened_on: today,
                closed_on: None,
                opened_by: actor,
                closed_by: None,
                created_at: now,
                updated_at: now,
            };
            db::campaigns::insert_campaign(conn, &row).map_err(|e| match e {
                // Another request opened one in the meantime (the one-open index).
                AppError::Conflict { code: "unique_violation", .. } => already_open(),
                other => other,
            })?;
            let in_force = db::campaigns::running_documents(conn, &agency)?
                .into_iter()
                .filter(|d| validity_of(d, today) == Some(Validity::InForce));
            for (position, doc) in in_force.enumerate() {
                db::campaigns::insert_item(
                    conn,
                    &ItemRow {
                        campaign_id: row.id.clone(),
                        document_id: doc.id,
                        position: i32::try_from(position).unwrap_or(i32::MAX),
                        outcome: None,
                        reason: None,
                        by_document_id: None,
                        decided_on: None,
                        decided_by: None,
                        applied_on: None,
                        amendment_id: None,
                    },
                )?;
            }
            detail(conn, row, today)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
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
    let (items, total) = state
        .db
        .read(move |conn| {
            let tree = db::agencies::tree(conn)?;
            let filter = CampaignFilter { agencies: visible_agencies(&user, &tree), status };
            let (rows, total) = db::campaigns::list(conn, &filter, page.offset(), page.per_page)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let outcomes = db::campaigns::outcomes_of(conn, &ids)?;
            let items = rows
                .into_iter()
                .map(|r| {
                    let of_this = outcomes.iter().filter(|(c, _)| *c == r.id);
                    let total = of_this.clone().count() as i64;
                    let decided = of_this.filter(|(_, o)| o.is_some()).count() as i64;
                    CampaignSummary::new(r, total, decided)
                })
                .collect();
            Ok((items, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.wrap(items, total)))
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
    let today = state.clock.today();
    let view = state
        .db
        .read(move |conn| {
            let row = load_campaign(conn, &user, &id.to_string())?;
            detail(conn, row, today)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
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
    user.require_any(&[Role::Registrar])?;
    let (id, document_id) = path.into_inner();
    let id: CampaignId = path_id(&id, "cleanup campaign")?;
    let document_id: DocumentId = path_id(&document_id, "cleanup item")?;
    let req = body.0;
    let mut errors = Vec::new();
    let reason = text::paragraph(&req.reason, MAX_NOTE)
        .map_err(|e| errors.push(FieldError::new("reason", e.to_string())));
    if let Err(m) = req.outcome.check_repealing_document(req.by_document_id.is_some()) {
        errors.push(FieldError::new("by_document_id", m));
    }
    let Ok(reason) = reason else {
        return Err(AppError::invalid_fields(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let today = state.clock.today();
    let actor = user.id.to_string();
    let view = state
        .db
        .write(move |conn| {
            let campaign = load_campaign(conn, &user, &id.to_string())?;
            require_own_open(&user, &campaign)?;
            let mut item = db::campaigns::find_item(conn, &campaign.id, &document_id.to_string())?
                .ok_or(AppError::NotFound("cleanup item"))?;
            let doc = db::documents::find(conn, &item.document_id)?
                .ok_or_else(|| AppError::internal("campaign document vanished"))?;
            require_living(&doc, "decided on", today)?;
            if let Some(by) = req.by_document_id {
                let by = by.to_string();
                let published = db::documents::find(conn, &by)?.is_some_and(|d| {
                    d.status == crate::domain::lifecycle::Status::Published.as_str()
                });
                if !published || by == doc.id {
                    return Err(AppError::invalid(
                        "by_document_id",
                        "must be another published document",
                    ));
                }
            }
            item.outcome = Some(req.outcome.as_str().into());
            item.reason = Some(reason);
            item.by_document_id = req.by_document_id.map(|b| b.to_string());
            item.decided_on = Some(today);
            item.decided_by = Some(actor);
            db::campaigns::save_item(conn, &item)?;
            Ok(CampaignItemView::new(item, &doc, today))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// How a document is named in a refusal: 《title》 with its 文号.
fn cite(doc: &DocumentRow) -> String {
    match &doc.issuance_number {
        Some(n) => format!("《{}》（{n}）", doc.title),
        None => format!("《{}》", doc.title),
    }
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
    user.require_any(&[Role::Registrar])?;
    let id: CampaignId = path_id(&id, "cleanup campaign")?;
    let today = state.clock.today();
    let now = state.clock.now().naive_utc();
    let actor = user.id.to_string();
    let view = state
        .db
        .write(move |conn| {
            let campaign = load_campaign(conn, &user, &id.to_string())?;
            require_own_open(&user, &campaign)?;
            let items = db::campaigns::items_of(conn, &campaign.id)?;
            let missing = undecided(
                items
                    .iter()
                    .map(|(i, d)| (d, i.outcome.as_deref().and_then(CleanupOutcome::parse))),
            );
            if !missing.is_empty() {
                let names: Vec<String> = missing.iter().map(|d| cite(d)).collect();
                return Err(AppError::conflict(
                    "undecided_items",
                    format!(
                        "{} document(s) still have no outcome: {}",
                        names.len(),
                        names.join("；")
                    ),
                ));
            }
            // Claim the campaign first: a second closing racing this one finds it closed.
            if !db::campaigns::mark_closed(conn, &campaign.id, today, &actor, now)? {
                return Err(AppError::conflict("campaign_closed", "the campaign was just closed"));
            }
            for (mut item, mut doc) in items {
                apply(conn, &campaign, &mut item, &mut doc, &actor, today, now)?;
            }
            let closed = db::campaigns::find(conn, &campaign.id)?
                .ok_or_else(|| AppError::internal("campaign vanished"))?;
            detail(conn, closed, today)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Applies one decided outcome in the closing transaction.
fn apply(
    conn: &mut DbConn,
    campaign: &CampaignRow,
    item: &mut ItemRow,
    doc: &mut DocumentRow,
    actor: &str,
    today: NaiveDate,
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let outcome = item
        .outcome
        .as_deref()
        .and_then(CleanupOutcome::parse)
        .ok_or_else(|| AppError::internal("undecided item at closing"))?;
    // Ended by other means since it was listed: its fate is already settled and recorded.
    if require_living(doc, "closed", today).is_err() {
        return Ok(());
    }
    let reason = item.reason.clone().unwrap_or_default();
    let extra = serde_json::json!({"campaign_id": campaign.id, "campaign": campaign.name, "outcome": outcome});
    match outcome {
        CleanupOutcome::Continue => {
            db::documents::note_event(
                conn,
                doc,
                actor,
                now,
                "cleanup_continued",
                Some(&reason),
                extra,
            )?;
        }
        CleanupOutcome::Amend => {
            let draft = match open_amendment(conn, doc)? {
                Some(open) => open,
                None => start_amendment(conn, doc, actor, now, today, extra.clone())?,
            };
            let mut payload = extra;
            payload["amendment_id"] = serde_json::json!(draft.id);
            db::documents::note_event(
                conn,
                doc,
                actor,
                now,
                "cleanup_amendment_ordered",
                Some(&reason),
                payload,
            )?;
            item.amendment_id = Some(draft.id);
        }
        CleanupOutcome::Repeal | CleanupOutcome::DeclareInvalid => {
            let end =
                outcome.ends_in().ok_or_else(|| AppError::internal("outcome does not end"))?;
            let ending = Ending {
                end,
                date_field: "closed_on",
                on: today,
                reason: &reason,
                by: item.by_document_id.clone(),
            };
            end_living(conn, doc, &ending, actor, now, today, extra)?;
        }
    }
    item.applied_on = Some(today);
    db::campaigns::save_item(conn, item)
}

// ---- Public ----

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
    let view = state
        .db
        .read(move |conn| {
            let c = db::campaigns::find_closed(conn, &id.to_string())?
                .ok_or(AppError::NotFound("cleanup campaign"))?;
            let agency = db::agencies::find(conn, &c.agency_id)?.map(PublicAgency::from);
            let items = db::campaigns::items_of(conn, &c.id)?;
            let mut view = PublicCampaign {
                id: c.id,
                agency,
                name: c.name,
                year: c.year,
                opened_on: c.opened_on,
                closed_on: c.closed_on,
                reviewed: items.len() as i64,
                continued: 0,
                to_be_amended: 0,
                repealed: Vec::new(),
                declared_invalid: Vec::new(),
            };
            for (item, doc) in items {
                let outcome = item.outcome.as_deref().and_then(CleanupOutcome::parse);
                // Only what this campaign applied; a document that ended otherwise was not
                // repealed by it.
                if item.applied_on.is_none() {
                    continue;
                }
                let entry = || PublicCleanupEntry {
                    document_id: doc.id.clone(),
                    title: doc.title.clone(),
                    issuance_number: doc.issuance_number.clone(),
                    registration_number: doc.registration_number.clone(),
                    published_on: doc.published_on,
                    ended_on: doc.ended_on,
                    reason: item.reason.clone().unwrap_or_default(),
                    by_document_id: item.by_document_id.clone(),
                };
                match outcome {
                    Some(CleanupOutcome::Continue) => view.continued += 1,
                    Some(CleanupOutcome::Amend) => view.to_be_amended += 1,
                    Some(CleanupOutcome::Repeal) => view.repealed.push(entry()),
                    Some(CleanupOutcome::DeclareInvalid) => view.declared_invalid.push(entry()),
                    None => {}
                }
            }
            Ok(view)
        })
        .await?;
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
    pub id: String,
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
    let paged = state
        .db
        .read(move |conn| {
            let agencies = match code {
                None => None,
                Some(code) => {
                    let a = db::agencies::find_by_code(conn, &code)?.ok_or_else(|| {
                        AppError::invalid("agency", format!("no agency has the code `{code}`"))
                    })?;
                    Some(vec![a.id])
                }
            };
            let filter =
                CampaignFilter { agencies, status: Some(CampaignStatus::Closed.as_str().into()) };
            let (rows, total) = db::campaigns::list(conn, &filter, page.offset(), page.per_page)?;
            let mut ids: Vec<String> = rows.iter().map(|r| r.agency_id.clone()).collect();
            ids.sort();
            ids.dedup();
            let agencies = db::public::agencies_by_id(conn, &ids)?;
            let items = rows
                .into_iter()
                .map(|r| PublicCampaignSummary {
                    agency: agencies
                        .iter()
                        .find(|a| a.id == r.agency_id)
                        .cloned()
                        .map(PublicAgency::from),
                    id: r.id,
                    name: r.name,
                    year: r.year,
                    closed_on: r.closed_on,
                })
                .collect();
            Ok(page.wrap(items, total))
        })
        .await?;
    let body = serde_json::to_vec(&paged).map_err(|e| AppError::internal(e.to_string()))?;
    Ok(cached(&req, "application/json", body))
}
