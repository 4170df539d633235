//! Filing with the filing authority, the authority's inbox and decisions, and the figures
//! it reports (报备率, 及时率, 规范率, 纠错率).

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::paging::{Page, Paged};
use super::{path_id, status_filter};
use crate::auth::AuthUser;
use crate::db::{self, filings::FilingRow};
use crate::domain::filing::{
    decide, missing_materials, ratio, FilingStatus, MaterialKind, Outcome,
};
use crate::domain::ids::{AgencyId, DocumentId, FilingId};
use crate::domain::lifecycle::Status;
use crate::domain::role::Role;
use crate::domain::text;
use crate::domain::text::MAX_NOTE;
use crate::error::{AppError, FieldError, Problem};
use crate::service::scope::{load_document, require_own_agency};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub kind: MaterialKind,
    /// e.g. 关于《……办法》的起草说明
    pub title: String,
    /// The material's text, or a reference to where it is kept.
    pub content: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingRequest {
    /// The filing report (备案报告).
    pub report: String,
    /// Official text, drafting notes and legal basis are required for a complete filing.
    pub materials: Vec<Material>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilingView {
    pub id: String,
    pub document_id: String,
    pub agency_id: String,
    pub authority_id: String,
    pub report: String,
    pub materials: Vec<Material>,
    pub submitted_on: NaiveDate,
    /// Publication + the policy's filing days, moved past holidays.
    pub due_on: NaiveDate,
    /// Filed after the due date.
    pub late: bool,
    /// Filed with all required materials the first time.
    pub complete: bool,
    pub missing_materials: Vec<MaterialKind>,
    pub status: FilingStatus,
    pub decision_reason: Option<String>,
    pub correction_due_on: Option<NaiveDate>,
    /// A correction order past its deadline.
    pub overdue: bool,
    pub decided_on: Option<NaiveDate>,
    pub resubmissions: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FilingView {
    fn new(row: FilingRow, today: NaiveDate) -> Self {
        let materials: Vec<Material> = serde_json::from_str(&row.materials).unwrap_or_default();
        let kinds: Vec<MaterialKind> = materials.iter().map(|m| m.kind).collect();
        let status = FilingStatus::parse(&row.status).unwrap_or(FilingStatus::Submitted);
        Self {
            missing_materials: missing_materials(&kinds),
            overdue: status == FilingStatus::CorrectionRequired
                && row.correction_due_on.is_some_and(|d| today > d),
            late: !row.on_time,
            status,
            materials,
            id: row.id,
            document_id: row.document_id,
            agency_id: row.agency_id,
            authority_id: row.authority_id,
            report: row.report,
            submitted_on: row.submitted_on,
            due_on: row.due_on,
            complete: row.complete,
            decision_reason: row.decision_reason,
            correction_due_on: row.correction_due_on,
            decided_on: row.decided_on,
            resubmissions: row.resubmissions,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// Files a published document with the agency's filing authority (drafter or registrar of the
/// document's agency). After `supplement_required` the same call files again.
#[utoipa::path(tag = "filing", security(("bearer" = [])), request_body = FilingRequest, responses(
    (status = 201, description = "Filed", body = FilingView),
    (status = 200, description = "Filed again with the missing materials", body = FilingView),
    (status = 403, description = "Not of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published, already filed, or no filing authority", body = Problem),
    (status = 422, description = "Invalid report or materials", body = Problem)
))]
#[post("/documents/{id}/filing")]
pub async fn file_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<FilingRequest>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::Drafter, Role::Registrar])?;
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let mut errors = Vec::new();
    let report = text::paragraph(&req.report, MAX_NOTE)
        .map_err(|e| errors.push(FieldError::new("report", e.to_string())));
    let mut materials = Vec::new();
    for (i, m) in req.materials.into_iter().enumerate() {
        let title = text::line(&m.title, 300).map_err(|e| {
            errors.push(FieldError::new(format!("materials[{i}].title"), e.to_string()))
        });
        let content = match m.content.as_deref() {
            None => Ok(None),
            Some(c) => text::paragraph(c, 500_000).map(Some).map_err(|e| {
                errors.push(FieldError::new(format!("materials[{i}].content"), e.to_string()))
            }),
        };
        if let (Ok(title), Ok(content)) = (title, content) {
            materials.push(Material { kind: m.kind, title, content });
        }
    }
    if materials.len() > 50 {
        errors.push(FieldError::new("materials", "at most 50 materials"));
    }
    let Ok(report) = report else {
        return Err(AppError::invalid_fields(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let now = state.clock.now().naive_utc();
    let today = state.clock.today();
    let actor = user.id.to_string();
    let (row, created) = state
        .db
        .write(move |conn| {
            let doc = load_document(conn, &user, &id.to_string())?;
            let tree = db::agencies::tree(conn)?;
            require_own_agency(&user, &doc)?;
            let published_on = match (doc.status.as_str(), doc.published_on) {
                (s, Some(p)) if s == Status::Published.as_str() => p,
                _ => return Err(AppError::conflict("not_published", format!("only a published document can be filed; this one is `{}`", doc.status))),
            };
            let agency: AgencyId = doc.agency_id.parse().map_err(|_| AppError::internal("bad agency id"))?;
            let authority = tree.filing_authority(agency).ok_or_else(|| {
                AppError::conflict("no_filing_authority", "the agency has no filing authority: set one or give it a parent government")
            })?;
            let kinds: Vec<MaterialKind> = materials.iter().map(|m| m.kind).collect();
            let materials_json = serde_json::to_string(&materials).map_err(|e| AppError::internal(e.to_string()))?;
            let (row, created) = match db::filings::find_by_document(conn, &doc.id)? {
                Some(mut existing) if existing.status == FilingStatus::SupplementRequired.as_str() => {
                    existing.report = report.clone();
                    existing.materials = materials_json;
                    existing.status = FilingStatus::Submitted.as_str().into();
                    existing.resubmissions += 1;
                    existing.updated_at = now;
                    db::filings::save(conn, &existing)?;
                    (existing, false)
                }
                Some(existing) => {
                    return Err(AppError::conflict("already_filed", format!("the document was already filed; the filing is `{}`", existing.status)))
                }
                None => {
                    let policy = db::settings::policy(conn)?;
                    let due_on = db::calendar::load(conn)?.add_calendar_days(published_on, policy.filing_days);
                    let row = FilingRow {
                        id: FilingId::new().to_string(),
                        document_id: doc.id.clone(),
                        agency_id: doc.agency_id.clone(),
                        authority_id: authority.to_string(),
                        report: report.clone(),
                        materials: materials_json,
                        submitted_on: today,
                        due_on,
                        on_time: today <= due_on,
                        complete: missing_materials(&kinds).is_empty(),
                        status: FilingStatus::Submitted.as_str().into(),
                        decision_reason: None,
                        correction_due_on: None,
                        decided_on: None,
                        decided_by: None,
                        resubmissions: 0,
                        created_at: now,
                        updated_at: now,
                        found_unlawful: false,
                    };
                    db::filings::insert(conn, &row)?;
                    (row, true)
                }
            };
            db::documents::note_event(
                conn,
                &doc,
                &actor,
                now,
                if created { "filed" } else { "filed_again" },
                None,
                serde_json::json!({"filing_id": row.id, "due_on": row.due_on, "on_time": row.on_time, "complete": row.complete}),
            )?;
            Ok((row, created))
        })
        .await?;
    let view = FilingView::new(row, today);
    Ok(if created { HttpResponse::Created().json(view) } else { HttpResponse::Ok().json(view) })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilingQuery {
    /// `submitted`, `accepted`, `supplement_required`, `correction_required` or `revoked`.
    pub status: Option<String>,
    /// `true`: only filings made late or with a correction past due.
    pub overdue: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The filing reviewer's inbox (filings received by the caller's agency); for drafters and
/// registrars, the filings their agency sent.
#[utoipa::path(tag = "filing", security(("bearer" = [])), params(FilingQuery), responses(
    (status = 200, description = "A page of filings", body = Paged<FilingView>),
    (status = 422, description = "Invalid filter", body = Problem)
))]
#[get("/filings")]
pub async fn list_filings(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<FilingQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    let status = status_filter(query.status.as_deref(), "filing status", FilingStatus::parse)?;
    let today = state.clock.today();
    let own = user.agency_id.map(|a| a.to_string()).unwrap_or_default();
    let mut filter = db::filings::FilingFilter {
        status,
        overdue_on: query.overdue.unwrap_or(false).then_some(today),
        ..Default::default()
    };
    if !user.has(Role::Admin) {
        if user.has(Role::FilingReviewer) {
            filter.authorities = Some(vec![own.clone()]);
        }
        if user.has(Role::Drafter) || user.has(Role::Registrar) || filter.authorities.is_none() {
            filter.filers = Some(vec![own]);
        }
    }
    let (rows, total) = state
        .db
        .read(move |conn| db::filings::list(conn, &filter, page.offset(), page.per_page))
        .await?;
    Ok(HttpResponse::Ok()
        .json(page.wrap(rows.into_iter().map(|r| FilingView::new(r, today)).collect(), total)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub outcome: Outcome,
    pub reason: String,
}

/// Decides on a filing (filing reviewer of the receiving authority). `revoked` ends the
/// document's validity today.
#[utoipa::path(tag = "filing", security(("bearer" = [])), request_body = DecisionRequest, responses(
    (status = 200, description = "Decided", body = FilingView),
    (status = 403, description = "Not a filing reviewer", body = Problem),
    (status = 404, description = "No such filing in your inbox", body = Problem),
    (status = 409, description = "The filing's state does not allow the decision", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/filings/{id}/decision")]
pub async fn decide_filing(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<DecisionRequest>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::FilingReviewer])?;
    let id: FilingId = path_id(&id, "filing")?;
    let req = body.0;
    let reason = text::paragraph(&req.reason, MAX_NOTE)
        .map_err(|e| AppError::invalid("reason", e.to_string()))?;
    let own = user.agency()?.to_string();
    let now = state.clock.now().naive_utc();
    let today = state.clock.today();
    let actor = user.id.to_string();
    let row = state
        .db
        .write(move |conn| {
            let mut filing = db::filings::find(conn, &id.to_string())?
                .filter(|f| f.authority_id == own)
                .ok_or(AppError::NotFound("filing"))?;
            let from = FilingStatus::parse(&filing.status).ok_or_else(|| AppError::internal("bad filing status"))?;
            let to = decide(from, req.outcome).map_err(|m| AppError::conflict("invalid_decision", m))?;
            let policy = db::settings::policy(conn)?;
            filing.status = to.as_str().into();
            filing.decision_reason = Some(reason.clone());
            filing.decided_on = Some(today);
            filing.decided_by = Some(actor.clone());
            filing.updated_at = now;
            if matches!(req.outcome, Outcome::CorrectionRequired | Outcome::Revoked) {
                filing.found_unlawful = true;
            }
            filing.correction_due_on = match req.outcome {
                Outcome::CorrectionRequired => Some(db::calendar::load(conn)?.add_calendar_days(today, policy.correction_days)),
                _ => filing.correction_due_on,
            };
            db::filings::save(conn, &filing)?;
            let mut doc = db::documents::find(conn, &filing.document_id)?.ok_or_else(|| AppError::internal("filed document vanished"))?;
            if req.outcome == Outcome::Revoked {
                db::expiry::unwatch(conn, &doc.id)?;
                doc.ended_state = Some("revoked".into());
                doc.ended_on = Some(today);
                doc.ended_reason = Some(reason.clone());
                doc.updated_at = now;
                db::documents::save(conn, &doc)?;
            }
            db::documents::note_event(
                conn,
                &doc,
                &actor,
                now,
                if req.outcome == Outcome::Revoked { "revoked" } else { "filing_decision" },
                Some(&reason),
                serde_json::json!({"filing_id": filing.id, "outcome": req.outcome, "correction_due_on": filing.correction_due_on}),
            )?;
            Ok(filing)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FilingView::new(row, today)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Year of publication (default: this year).
    pub year: Option<i32>,
    /// The filing authority whose figures these are (default: the caller's agency).
    pub agency_id: Option<uuid::Uuid>,
}

/// A figure with its counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Figure {
    pub numerator: i64,
    pub denominator: i64,
    /// numerator ÷ denominator, rounded to 4 places; null when the denominator is 0.
    pub rate: Option<f64>,
}

impl Figure {
    fn of(numerator: i64, denominator: i64) -> Self {
        Self { numerator, denominator, rate: ratio(numerator, denominator) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilingStats {
    pub year: i32,
    pub authority_id: String,
    /// 报备率: filed ÷ published that had to be filed.
    pub filing_rate: Figure,
    /// 报备及时率: filed on time ÷ filed.
    pub timeliness_rate: Figure,
    /// 报备规范率: filed complete ÷ filed.
    pub completeness_rate: Figure,
    /// 纠错率: corrected or revoked ÷ found unlawful.
    pub correction_rate: Figure,
}

/// The filing figures of an authority for a year: over the documents its filing agencies
/// published that year.
#[utoipa::path(tag = "filing", security(("bearer" = [])), params(StatsQuery), responses(
    (status = 200, description = "The figures", body = FilingStats),
    (status = 403, description = "Not a filing reviewer or admin", body = Problem),
    (status = 404, description = "No such agency in your scope", body = Problem)
))]
#[get("/stats/filing")]
pub async fn filing_stats(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::FilingReviewer, Role::Admin])?;
    let year = query.year.unwrap_or_else(|| state.clock.today().year());
    let (Some(from), Some(to)) =
        (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
    else {
        return Err(AppError::invalid("year", "not a calendar year"));
    };
    let authority = match (query.agency_id, user.has(Role::Admin)) {
        (Some(a), true) => AgencyId(a),
        (Some(a), false) if Some(AgencyId(a)) == user.agency_id => AgencyId(a),
        (Some(_), false) => return Err(AppError::NotFound("agency")),
        (None, _) => user.agency()?,
    };
    let counts = state
        .db
        .read(move |conn| {
            let tree = db::agencies::tree(conn)?;
            if !tree.contains(authority) {
                return Err(AppError::NotFound("agency"));
            }
            let filers: Vec<String> = tree
                .subtree(authority)
                .into_iter()
                .filter(|a| tree.filing_authority(*a) == Some(authority))
                .map(|a| a.to_string())
                .collect();
            db::filings::counts(conn, &filers, from, to)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FilingStats {
        year,
        authority_id: authority.to_string(),
        filing_rate: Figure::of(counts.filed, counts.published),
        timeliness_rate: Figure::of(counts.on_time, counts.filed),
        completeness_rate: Figure::of(counts.complete, counts.filed),
        correction_rate: Figure::of(counts.corrected_or_revoked, counts.found_unlawful),
    }))
}
