//! Filing with the filing authority, the authority's inbox and decisions, and the figures
//! it reports (报备率, 及时率, 规范率, 纠错率).

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::path::Path;
use super::responses::{
    DocumentNotFound, InvalidFields, InvalidFilter, NotFilingReviewer, NotItsAgency,
};
use super::{status_filter, Answer};
use crate::domain::filing::{missing_materials, ratio, FilingStatus, MaterialKind};
use crate::domain::filing_material::Material;
use crate::domain::ids::{AgencyId, DocumentId, FilingId};
use crate::domain::later_life::FilingAttempt;
use crate::error::Problem;
use crate::service::consultation_record::ConsultationRecord;
use crate::service::filing::{self, Decision, FilingInput, FilingRead};
use crate::service::paging::{PageQuery, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct FilingView {
    #[schema(value_type = String)]
    pub id: FilingId,
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    #[schema(value_type = String)]
    pub agency_id: AgencyId,
    #[schema(value_type = String)]
    pub authority_id: AgencyId,
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
    /// The consultation record (征求意见情况) among the materials: the consultations held on
    /// the draft, or its exemption.
    #[serde(flatten)]
    pub consultation: ConsultationRecord,
}

impl FilingView {
    fn new(read: FilingRead, today: NaiveDate) -> Self {
        let status = read.filing.status;
        let row = read.filing;
        let kinds: Vec<(MaterialKind, bool)> =
            row.materials.iter().map(Material::presence).collect();
        Self {
            missing_materials: missing_materials(&kinds),
            overdue: status == FilingStatus::CorrectionRequired
                && row.correction_due_on.is_some_and(|d| today > d),
            late: !row.on_time,
            status,
            materials: row.materials,
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
            consultation: read.consultation,
        }
    }
}

/// Files a published document with the agency's filing authority (drafter or registrar of the
/// document's agency). After `supplement_required` the same call files again.
#[utoipa::path(tag = "filing", security(("bearer" = [])), params(DocumentId), request_body(content = FilingInput, example = json!({"report": "关于报送《沈阳市行政审批中介服务管理办法》备案的报告", "materials": [{"kind": "official_text", "title": "正式文本"}, {"kind": "drafting_notes", "title": "起草说明"}, {"kind": "legal_basis", "title": "制定依据"}]})), responses(
    (status = 201, description = "Filed", body = FilingView),
    (status = 200, description = "Filed again with the missing materials", body = FilingView),
    NotItsAgency, DocumentNotFound,
    (status = 409, description = "Not published, already filed, or no filing authority", body = Problem),
    (status = 422, description = "Invalid report or materials", body = Problem)
))]
#[post("/documents/{id}/filing")]
pub async fn file_document(
    caller: Caller,
    id: Path<DocumentId>,
    body: ApiJson<FilingInput>,
) -> Answer {
    let (filing, attempt) = caller
        .write(move |tx, actor, clock| filing::file_document(tx, actor, clock, id.0, body.0))
        .await?;
    let status = match attempt {
        FilingAttempt::First => StatusCode::CREATED,
        FilingAttempt::Again => StatusCode::OK,
    };
    Ok(HttpResponse::build(status).json(FilingView::new(filing, caller.today())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilingQuery {
    /// Only filings in this status.
    #[param(value_type = Option<crate::domain::filing::FilingStatus>)]
    pub status: Option<String>,
    /// `true`: only filings made late or with a correction past due.
    pub overdue: Option<bool>,
}

/// The filing reviewer's inbox (filings received by the caller's agency); for drafters and
/// registrars, the filings their agency sent.
#[utoipa::path(tag = "filing", security(("bearer" = [])), params(FilingQuery, PageQuery), responses(
    (status = 200, description = "A page of filings", body = Paged<FilingView>),
    InvalidFilter
))]
#[get("/filings")]
pub async fn list_filings(caller: Caller, query: web::Query<FilingQuery>, page: Paging) -> Answer {
    let status = status_filter(query.status.as_deref(), "filing status", FilingStatus::parse)?;
    let filter = filing::FilingQuery { status, overdue: query.overdue.unwrap_or(false) };
    let found = caller
        .read(move |conn, actor, clock| {
            filing::list(conn, actor, clock, filter, page.offset(), page.per_page)
        })
        .await?;
    let today = caller.today();
    Ok(paged(page, found, |f| FilingView::new(f, today)))
}

/// Decides on a filing (filing reviewer of the receiving authority). `revoked` ends the
/// document's validity today.
#[utoipa::path(tag = "filing", security(("bearer" = [])), params(FilingId), request_body(content = Decision, example = json!({"outcome": "accepted", "reason": "材料齐全，予以备案。"})), responses(
    (status = 200, description = "Decided", body = FilingView),
    NotFilingReviewer,
    (status = 404, description = "No such filing in your inbox", body = Problem),
    (status = 409, description = "The filing's state does not allow the decision", body = Problem),
    InvalidFields
))]
#[post("/filings/{id}/decision")]
pub async fn decide_filing(caller: Caller, id: Path<FilingId>, body: ApiJson<Decision>) -> Answer {
    let filing = caller
        .write(move |tx, actor, clock| filing::decide(tx, actor, clock, id.0, body.0))
        .await?;
    Ok(HttpResponse::Ok().json(FilingView::new(filing, caller.today())))
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
    (status = 404, description = "No such agency in your scope", body = Problem),
    (status = 422, description = "A year outside the policy's date range", body = Problem)
))]
#[get("/stats/filing")]
pub async fn filing_stats(caller: Caller, query: web::Query<StatsQuery>) -> Answer {
    let (year, agency) = (query.year, query.agency_id.map(AgencyId));
    let figures = caller
        .read(move |conn, actor, clock| filing::stats(conn, actor, clock, year, agency))
        .await?;
    let counts = figures.counts;
    Ok(HttpResponse::Ok().json(FilingStats {
        year: figures.year,
        authority_id: figures.authority.to_string(),
        filing_rate: Figure::of(counts.filed, counts.published),
        timeliness_rate: Figure::of(counts.on_time, counts.filed),
        completeness_rate: Figure::of(counts.complete, counts.filed),
        correction_rate: Figure::of(counts.corrected_or_revoked, counts.found_unlawful),
    }))
}

/// The filing's files as one ZIP (stored entries) with `manifest.json`
/// (`[{name, kind, sha256, size}]`): for the filing reviewer of the receiving authority (and
/// the filing agency's drafters and registrars). Only materials that name an uploaded file
/// are in it.
#[utoipa::path(tag = "filing", security(("bearer" = [])), params(FilingId), responses(
    (status = 200, description = "The package", content_type = "application/zip", body = super::file_body::FileBytes),
    (status = 404, description = "No such filing in your scope", body = Problem)
))]
#[get("/filings/{id}/package")]
pub async fn filing_package(caller: Caller, id: Path<FilingId>) -> Answer {
    let temp = super::file_body::temp_path("package");
    let path = temp.0.clone();
    let filing = id.0;
    caller
        .read(move |conn, actor, _| {
            crate::service::filing_package::write_package(conn, actor, filing, &path)
        })
        .await?;
    super::file_body::temp_file_answer(temp, "application/zip", &format!("filing-{filing}.zip"))
}
