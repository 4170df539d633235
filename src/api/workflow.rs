//! The HTTP edge of a document's life after drafting: submission for legality review, the
//! review, collective deliberation, unified numbering and publication. Each step is one
//! operation of `service::{review, deliberation, numbering, publication}`, which checks role,
//! scope and state, changes the document and writes its event.

use actix_web::http::StatusCode;
use actix_web::{get, post, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::json::{ApiJson, MaybeJson};
use super::path::Path;
use super::responses::{DocumentNotFound, InvalidFields, NotItsDrafter, NotRegistrar};
use super::views::DocumentView;
use super::Answer;
use crate::domain::ids::{DocumentId, ReviewId, UserId};
use crate::domain::screening::{Finding, RuleSet};
use crate::error::Problem;
use crate::service::citations::{CiteView, Flagged};
use crate::service::consultation_record::ConsultationRecord;
use crate::service::deliberation::Decision;
use crate::service::publication::Publication;
use crate::service::review::{DrafterAnswer, Opinion, Review, ReviewFinding};
use crate::service::{self, numbering};

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

/// What the screen flags in a document's text.
fn screening_of(rules: &RuleSet, body: &str) -> Vec<ScreeningFinding> {
    rules.screen(body).into_iter().map(ScreeningFinding::from).collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// On resubmission after a `revise` opinion: the drafter's answer to each finding.
    #[serde(default)]
    pub responses: Vec<DrafterAnswer>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitAnswer {
    pub document: DocumentView,
    pub screening: Vec<ScreeningFinding>,
    /// Citations for the reviewer's attention (never blocking): a 《title》 that names no
    /// registry document and no national law or regulation (`citation_unknown`), and a
    /// registry document no longer in force (`citation_not_in_force`).
    pub citation_findings: Vec<CitationFinding>,
}

/// A citation the screen flags on submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct CitationFinding {
    /// `citation_unknown` or `citation_not_in_force`.
    pub rule: String,
    pub citation: CiteView,
    pub explanation: String,
}

impl From<Flagged> for CitationFinding {
    fn from(f: Flagged) -> Self {
        Self {
            rule: f.concern.code().to_string(),
            explanation: f.concern.explanation(),
            citation: CiteView::from(f.cite),
        }
    }
}

/// Submits a draft for legality review (drafter of its agency); answers the screening.
#[utoipa::path(tag = "workflow", security(("bearer" = [])), params(DocumentId), request_body(content = Option<SubmitRequest>, description = "Optional; responses are required when answering a `revise` opinion", example = json!({"responses": [{"point": "prohibited_measures", "response": "已删除第二条。"}]})), responses(
    (status = 200, description = "Under review", body = SubmitAnswer),
    NotItsDrafter, DocumentNotFound,
    (status = 409, description = "Not submittable in its status", body = Problem),
    (status = 422, description = "Missing responses to the review findings", body = Problem)
))]
#[post("/documents/{id}/submit")]
pub async fn submit(
    caller: Caller,
    id: Path<DocumentId>,
    MaybeJson(body): MaybeJson<SubmitRequest>,
) -> Answer {
    let answers = body.map(|b| b.responses).unwrap_or_default();
    let (doc, flagged) = caller
        .write(move |tx, actor, clock| {
            let doc = service::review::submit(tx, actor, clock, id.0, answers)?;
            let flagged = service::citations::concerns(tx, doc.id, clock.today())?;
            Ok((doc, flagged))
        })
        .await?;
    // The screen runs after the commit, outside the write lock: it only informs the answer.
    let screening = screening_of(&caller.state.screening, &doc.body);
    let document = DocumentView::new(doc, caller.today());
    let citation_findings = flagged.into_iter().map(CitationFinding::from).collect();
    Ok(HttpResponse::Ok().json(SubmitAnswer { document, screening, citation_findings }))
}

/// Records the legality review opinion (legal reviewer of the issuing government).
#[utoipa::path(tag = "workflow", security(("bearer" = [])), params(DocumentId), request_body(content = Opinion, example = json!({"conclusion": "lawful", "opinion": "经审核，该文件符合法律规定。", "findings": []})), responses(
    (status = 200, description = "The document after the review", body = DocumentView),
    (status = 403, description = "Not a legal reviewer over this agency", body = Problem),
    DocumentNotFound,
    (status = 409, description = "Not under review", body = Problem),
    (status = 422, description = "Invalid opinion", body = Problem)
))]
#[post("/documents/{id}/review")]
pub async fn review(caller: Caller, id: Path<DocumentId>, body: ApiJson<Opinion>) -> Answer {
    caller.document_step(service::review::record_review, id.0, body.0).await
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
    #[schema(value_type = crate::domain::lifecycle::Conclusion)]
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

/// The review opinions of a document, oldest first, with the current screening findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewsAnswer {
    pub reviews: Vec<ReviewView>,
    pub screening: Vec<ScreeningFinding>,
    /// The consultation record (征求意见情况): the consultations held on the draft, or its
    /// exemption.
    #[serde(flatten)]
    pub consultation: ConsultationRecord,
}

/// The reviewer's view: every opinion with the drafter's responses, and the screening.
#[utoipa::path(tag = "workflow", security(("bearer" = [])), params(DocumentId), responses(
    (status = 200, description = "Opinions and screening", body = ReviewsAnswer),
    DocumentNotFound
))]
#[get("/documents/{id}/reviews")]
pub async fn list_reviews(caller: Caller, id: Path<DocumentId>) -> Answer {
    let (doc, reviews, consultation) = caller
        .read(move |conn, actor, clock| service::review::reviews(conn, actor, clock, id.0))
        .await?;
    Ok(HttpResponse::Ok().json(ReviewsAnswer {
        reviews: reviews.into_iter().map(ReviewView::from).collect(),
        screening: screening_of(&caller.state.screening, &doc.body),
        consultation,
    }))
}

/// Records the collective deliberation (drafter or registrar of the agency).
#[utoipa::path(tag = "workflow", security(("bearer" = [])), params(DocumentId), request_body(content = Decision, example = json!({"meeting": "市政府第5次常务会议", "decided_on": "2026-03-02", "adopted": true})), responses(
    (status = 200, description = "The document after deliberation", body = DocumentView),
    (status = 403, description = "Not allowed", body = Problem),
    DocumentNotFound,
    (status = 409, description = "No lawful review yet", body = Problem),
    InvalidFields
))]
#[post("/documents/{id}/deliberation")]
pub async fn deliberation(caller: Caller, id: Path<DocumentId>, body: ApiJson<Decision>) -> Answer {
    caller.document_step(service::deliberation::deliberate, id.0, body.0).await
}

/// Gives the document its 文号 and 统一登记号 (registrar of its agency). Both numbers come from
/// gapless series allocated inside this transaction.
#[utoipa::path(tag = "workflow", security(("bearer" = [])), params(DocumentId), responses(
    (status = 200, description = "Registered with its numbers", body = DocumentView),
    NotRegistrar, DocumentNotFound,
    (status = 409, description = "Not adopted, or the agency has no prefixes", body = Problem)
))]
#[post("/documents/{id}/register")]
pub async fn register(caller: Caller, id: Path<DocumentId>) -> Answer {
    // Reads on the bare connection, then a write transaction of its own in the instance's
    // writer queue (see `service::numbering::register`).
    let doc = caller
        .write_queued(move |conn, actor, clock, queue| {
            numbering::register(conn, queue, actor, clock, id.0)
        })
        .await?;
    Ok(caller.document(StatusCode::OK, doc))
}

/// Publishes a registered document (registrar of its agency).
#[utoipa::path(tag = "workflow", security(("bearer" = [])), params(DocumentId), request_body(content = Publication, example = json!({"published_on": "2026-03-02", "channel": "沈阳市人民政府公报"})), responses(
    (status = 200, description = "Published", body = DocumentView),
    NotRegistrar, DocumentNotFound,
    (status = 409, description = "Not registered, or already published", body = Problem),
    (status = 422, description = "Invalid dates", body = Problem)
))]
#[post("/documents/{id}/publish")]
pub async fn publish(caller: Caller, id: Path<DocumentId>, body: ApiJson<Publication>) -> Answer {
    caller.document_step(service::publication::publish, id.0, body.0).await
}
