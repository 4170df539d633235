//! The HTTP edge of a document's life after drafting: submission for legality review, the
//! review, collective deliberation, unified numbering and publication. Each step is one
//! operation of `service::{review, deliberation, numbering, publication}`, which checks role,
//! scope and state, changes the document and writes its event.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::{ApiJson, MaybeJson};
use super::path_id;
use super::views::DocumentView;
use crate::auth::AuthUser;
use crate::domain::ids::{DocumentId, ReviewId, UserId};
use crate::domain::lifecycle::{Conclusion, ReviewPoint};
use crate::domain::screening::{Finding, RuleSet};
use crate::error::{AppError, Problem};
use crate::service;
use crate::service::deliberation::Decision;
use crate::service::publication::Publication;
use crate::service::review::{DrafterAnswer, Opinion, Review, ReviewFinding};
use crate::state::AppState;

/// A passage the screen flagged for the reviewer's attention; it never blocks.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningFinding {
    pub rule: String,
    pub category: String,
    /// The flagged characters.
    pub excerpt: String,
    /// Character offsets (Unicode scalar values) into `body`, end exclusive.
    pub start: usize,
    pub end: usize,
    pub explanation: String,
}

impl From<Finding> for ScreeningFinding {
    fn from(f: Finding) -> Self {
        Self {
            rule: f.rule,
            category: f.category.as_str().to_string(),
            excerpt: f.excerpt,
            start: f.start,
            end: f.end,
            explanation: f.explanation,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrafterResponse {
    pub point: ReviewPoint,
    pub response: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// On resubmission after a `revise` opinion: the drafter's answer to each finding.
    #[serde(default)]
    pub responses: Vec<DrafterResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitAnswer {
    pub document: DocumentView,
    pub screening: Vec<ScreeningFinding>,
}

/// Submits a draft for legality review (drafter of its agency); answers the screening.
#[utoipa::path(tag = "workflow", security(("bearer" = [])), request_body(content = Option<SubmitRequest>, description = "Optional; responses are required when answering a `revise` opinion"), responses(
    (status = 200, description = "Under review", body = SubmitAnswer),
    (status = 403, description = "Not a drafter of this agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not submittable in its status", body = Problem),
    (status = 422, description = "Missing responses to the review findings", body = Problem)
))]
#[post("/documents/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: MaybeJson<SubmitRequest>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let answers = body.0.map(|b| b.responses).unwrap_or_default();
    let answers = answers
        .into_iter()
        .map(|r| DrafterAnswer { point: r.point, response: r.response })
        .collect();
    let clock = state.clock.clone();
    let doc = state
        .db
        .write(move |tx| service::review::submit(tx, &user, clock.as_ref(), id, answers))
        .await?;
    // The screen runs after the commit, outside the write lock: it only informs the answer.
    let screening = screening_of(&state.screening, &doc.body);
    let document = DocumentView::new(doc, state.clock.today());
    Ok(HttpResponse::Ok().json(SubmitAnswer { document, screening }))
}

/// What the screen flags in a document's text.
fn screening_of(rules: &RuleSet, body: &str) -> Vec<ScreeningFinding> {
    rules.screen(body).into_iter().map(ScreeningFinding::from).collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub conclusion: Conclusion,
    /// The written opinion (审核意见书).
    pub opinion: String,
    /// At most one finding per checklist point; `revise` and `unlawful` need at least one.
    #[serde(default)]
    pub findings: Vec<ReviewFinding>,
}

/// A review opinion with the drafter's responses.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    #[schema(value_type = String)]
    pub id: ReviewId,
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    /// The text revision that was reviewed.
    pub revision: i32,
    #[schema(value_type = String)]
    pub reviewer_id: UserId,
    pub conclusion: String,
    pub opinion: String,
    pub findings: Vec<ReviewFinding>,
    pub responses: Option<serde_json::Value>,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

impl From<Review> for ReviewView {
    fn from(r: Review) -> Self {
        Self {
            findings: r.findings,
            responses: r.responses,
            id: r.id,
            document_id: r.document_id,
            revision: r.revision,
            reviewer_id: r.reviewer_id,
            conclusion: r.conclusion.as_str().to_string(),
            opinion: r.opinion,
            due_on: r.due_on,
            created_at: r.created_at.and_utc(),
        }
    }
}

/// Records the legality review opinion (legal reviewer of the issuing government).
#[utoipa::path(tag = "workflow", security(("bearer" = [])), request_body = ReviewRequest, responses(
    (status = 200, description = "The document after the review", body = DocumentView),
    (status = 403, description = "Not a legal reviewer over this agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not under review", body = Problem),
    (status = 422, description = "Invalid opinion", body = Problem)
))]
#[post("/documents/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<ReviewRequest>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let opinion =
        Opinion { conclusion: req.conclusion, opinion: req.opinion, findings: req.findings };
    let clock = state.clock.clone();
    let doc = state
        .db
        .write(move |tx| service::review::record_review(tx, &user, clock.as_ref(), id, opinion))
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, state.clock.today())))
}

/// The review opinions of a document, oldest first, with the current screening findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewsAnswer {
    pub reviews: Vec<ReviewView>,
    pub screening: Vec<ScreeningFinding>,
}

/// The reviewer's view: every opinion with the drafter's responses, and the screening.
#[utoipa::path(tag = "workflow", security(("bearer" = [])), responses(
    (status = 200, description = "Opinions and screening", body = ReviewsAnswer),
    (status = 404, description = "No such document in your scope", body = Problem)
))]
#[get("/documents/{id}/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let (doc, reviews) =
        state.db.read(move |conn| service::review::reviews(conn, &user, id)).await?;
    Ok(HttpResponse::Ok().json(ReviewsAnswer {
        reviews: reviews.into_iter().map(ReviewView::from).collect(),
        screening: screening_of(&state.screening, &doc.body),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliberationRequest {
    /// e.g. 省政府第12次常务会议
    pub meeting: String,
    pub decided_on: NaiveDate,
    pub adopted: bool,
}

/// Records the collective deliberation (drafter or registrar of the agency).
#[utoipa::path(tag = "workflow", security(("bearer" = [])), request_body = DeliberationRequest, responses(
    (status = 200, description = "The document after deliberation", body = DocumentView),
    (status = 403, description = "Not allowed", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "No lawful review yet", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/documents/{id}/deliberation")]
pub async fn deliberation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<DeliberationRequest>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let decision =
        Decision { meeting: req.meeting, decided_on: req.decided_on, adopted: req.adopted };
    let clock = state.clock.clone();
    let doc = state
        .db
        .write(move |tx| service::deliberation::deliberate(tx, &user, clock.as_ref(), id, decision))
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, state.clock.today())))
}

/// Gives the document its 文号 and 统一登记号 (registrar of its agency). Both numbers come from
/// gapless series allocated inside this transaction.
#[utoipa::path(tag = "workflow", security(("bearer" = [])), responses(
    (status = 200, description = "Registered with its numbers", body = DocumentView),
    (status = 403, description = "Not the registrar of this agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not adopted, or the agency has no prefixes", body = Problem)
))]
#[post("/documents/{id}/register")]
pub async fn register(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let clock = state.clock.clone();
    // One statement of its own (see `service::numbering::register`), not a transaction.
    let doc = state
        .db
        .write_statement(move |conn| service::numbering::register(conn, &user, clock.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, state.clock.today())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    pub published_on: NaiveDate,
    /// Defaults to publication + 30 days (policy); earlier only with `early_effect_reason`.
    pub effective_on: Option<NaiveDate>,
    pub early_effect_reason: Option<String>,
    /// Defaults to 5 years (2 for 暂行/试行); never beyond the policy maximum.
    pub valid_until: Option<NaiveDate>,
    /// Where it was published, e.g. 辽宁省人民政府公报.
    pub channel: String,
}

/// Publishes a registered document (registrar of its agency).
#[utoipa::path(tag = "workflow", security(("bearer" = [])), request_body = PublishRequest, responses(
    (status = 200, description = "Published", body = DocumentView),
    (status = 403, description = "Not the registrar of this agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not registered, or already published", body = Problem),
    (status = 422, description = "Invalid dates", body = Problem)
))]
#[post("/documents/{id}/publish")]
pub async fn publish(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<PublishRequest>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let publication = Publication {
        published_on: req.published_on,
        effective_on: req.effective_on,
        early_effect_reason: req.early_effect_reason,
        valid_until: req.valid_until,
        channel: req.channel,
    };
    let clock = state.clock.clone();
    let doc = state
        .db
        .write(move |tx| service::publication::publish(tx, &user, clock.as_ref(), id, publication))
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, state.clock.today())))
}
