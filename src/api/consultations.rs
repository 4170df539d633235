//! The drafter's side of public consultation (征求意见): open one on a draft, list a
//! document's consultations, read the comments and record a disposition for each; the
//! registrar's exemption. Each handler runs one operation of `service::consultation`.

use actix_web::{get, post, put, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::Caller;
use super::json::ApiJson;
use super::path::{CommentPath, Path};
use super::responses::{
    DocumentNotFound, InvalidFields, NotItsDrafter, NotRegistrar, Unauthenticated,
};
use super::views::DocumentView;
use super::Answer;
use crate::domain::consultation::{Comment, CommentStatus, Disposition};
use crate::domain::ids::{AgencyId, CommentId, ConsultationId, DocumentId};
use crate::error::Problem;
use crate::service::consultation::{
    self, ConsultationView, DispositionInput, ExemptionInput, NewConsultation,
};
use crate::service::consultation_stats::{self, ConsultationStats};

/// Opens a public consultation on the current text of a draft (drafter of its agency).
#[utoipa::path(tag = "consultation", security(("bearer" = [])), params(DocumentId), request_body(content = NewConsultation, example = json!({"closes_on": "2026-03-20", "affects_businesses": false, "drafting_notes": "起草说明：为规范管理，起草本办法。"})), responses(
    (status = 201, description = "Opened (or scheduled)", body = ConsultationView),
    Unauthenticated, NotItsDrafter, DocumentNotFound,
    (status = 409, description = "Not a draft, or a consultation is already scheduled or open", body = Problem),
    (status = 422, description = "Invalid fields, or a period shorter than the policy minimum without a reason", body = Problem)
))]
#[post("/documents/{id}/consultations")]
pub async fn open_consultation(
    caller: Caller,
    id: Path<DocumentId>,
    body: ApiJson<NewConsultation>,
) -> Answer {
    let (id, input) = (id.0, body.0);
    let c = caller
        .write(move |tx, actor, clock| consultation::open(tx, actor, clock, id, input))
        .await?;
    Ok(HttpResponse::Created().json(ConsultationView::new(&c, caller.today())))
}

/// The consultations of a document in the caller's scope, oldest first.
#[utoipa::path(tag = "consultation", security(("bearer" = [])), params(DocumentId), responses(
    (status = 200, description = "The document's consultations", body = Vec<ConsultationView>),
    Unauthenticated, DocumentNotFound
))]
#[get("/documents/{id}/consultations")]
pub async fn list_consultations(caller: Caller, id: Path<DocumentId>) -> Answer {
    let id = id.0;
    let found =
        caller.read(move |conn, actor, _| consultation::of_document(conn, actor, id)).await?;
    let today = caller.today();
    Ok(HttpResponse::Ok()
        .json(found.iter().map(|c| ConsultationView::new(c, today)).collect::<Vec<_>>()))
}

/// A comment as the drafter sees it, with its contact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommentView {
    #[schema(value_type = String)]
    pub id: CommentId,
    #[schema(value_type = String)]
    pub consultation_id: ConsultationId,
    pub tracking_code: String,
    pub content: String,
    pub article: Option<String>,
    pub name: Option<String>,
    /// For the drafter only; never on a public path.
    pub contact: Option<String>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub status: CommentStatus,
    pub disposition: Option<Disposition>,
    pub reason: Option<String>,
    pub summary: Option<String>,
}

impl From<Comment> for CommentView {
    fn from(m: Comment) -> Self {
        Self {
            id: m.id,
            consultation_id: m.consultation_id,
            tracking_code: m.tracking_code,
            content: m.content,
            article: m.article,
            name: m.name,
            contact: m.contact,
            received_at: m.received_at.and_utc(),
            status: CommentStatus::of(m.disposition),
            disposition: m.disposition,
            reason: m.reason,
            summary: m.summary,
        }
    }
}

/// Every comment of a consultation of the caller's agency, in the order received (drafter).
#[utoipa::path(tag = "consultation", security(("bearer" = [])), params(ConsultationId), responses(
    (status = 200, description = "The comments", body = Vec<CommentView>),
    Unauthenticated, NotItsDrafter,
    (status = 404, description = "No such consultation of your agency", body = Problem)
))]
#[get("/consultations/{id}/comments")]
pub async fn list_comments(caller: Caller, id: Path<ConsultationId>) -> Answer {
    let id = id.0;
    let found = caller.read(move |conn, actor, _| consultation::comments(conn, actor, id)).await?;
    Ok(HttpResponse::Ok().json(found.into_iter().map(CommentView::from).collect::<Vec<_>>()))
}

/// Records or corrects the disposition of a comment (drafter of the document's agency).
#[utoipa::path(tag = "consultation", security(("bearer" = [])), params(CommentPath), request_body(content = DispositionInput, example = json!({"disposition": "partly_adopted", "reason": "第三条已补充听证程序，期限不作调整。", "summary": "建议增加听证程序并延长期限。"})), responses(
    (status = 200, description = "Disposed", body = CommentView),
    Unauthenticated, NotItsDrafter,
    (status = 404, description = "No such comment of a consultation of your agency", body = Problem),
    InvalidFields
))]
#[put("/consultations/{id}/comments/{comment_id}")]
pub async fn dispose_comment(
    caller: Caller,
    path: Path<CommentPath>,
    body: ApiJson<DispositionInput>,
) -> Answer {
    let (CommentPath { consultation, comment }, input) = (path.0, body.0);
    let m = caller
        .write(move |tx, actor, clock| {
            consultation::dispose(tx, actor, clock, consultation, comment, input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CommentView::from(m)))
}

/// Records that a draft goes without public consultation, with the reason (registrar).
#[utoipa::path(tag = "consultation", security(("bearer" = [])), params(DocumentId), request_body(content = ExemptionInput, example = json!({"reason": "涉及国家秘密，依法不予公开征求意见。"})), responses(
    (status = 200, description = "Exempted; the draft as it stands", body = DocumentView),
    Unauthenticated, NotRegistrar, DocumentNotFound,
    (status = 409, description = "Not a draft", body = Problem),
    InvalidFields
))]
#[post("/documents/{id}/consultation-exemption")]
pub async fn exempt_from_consultation(
    caller: Caller,
    id: Path<DocumentId>,
    body: ApiJson<ExemptionInput>,
) -> Answer {
    caller.document_step(consultation::exempt, id.0, body.0).await
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationStatsQuery {
    /// Year the consultations opened (default: this year).
    pub year: Option<i32>,
    /// Only this agency (default: every agency in your scope).
    pub agency_id: Option<uuid::Uuid>,
}

/// Consultation figures per agency for a year: held, comments, adoption rate, and the
/// rights-affecting drafts that went without one with the exemption's reason.
#[utoipa::path(tag = "consultation", security(("bearer" = [])), params(ConsultationStatsQuery), responses(
    (status = 200, description = "The figures", body = ConsultationStats),
    Unauthenticated,
    (status = 404, description = "No such agency in your scope", body = Problem),
    (status = 422, description = "A year outside the policy's date range", body = Problem)
))]
#[get("/stats/consultation")]
pub async fn get_consultation_stats(
    caller: Caller,
    query: actix_web::web::Query<ConsultationStatsQuery>,
) -> Answer {
    let (year, agency) = (query.year, query.agency_id.map(AgencyId));
    let figures = caller
        .read(move |conn, actor, clock| consultation_stats::stats(conn, actor, clock, year, agency))
        .await?;
    Ok(HttpResponse::Ok().json(figures))
}
