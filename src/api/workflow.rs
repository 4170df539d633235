//! The steps of a document's life after drafting: submission for legality review, the review,
//! collective deliberation, unified numbering and publication. Each step is one transaction
//! that checks role, scope and state, changes the document and writes its event.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::{ApiJson, MaybeJson};
use super::path_id;
use super::views::DocumentView;
use crate::auth::AuthUser;
use crate::db::{self, documents::DocumentRow, documents::NewEvent, DbConn};
use crate::domain::ids::{DocumentId, ReviewId};
use crate::domain::lifecycle::{transition, Action, Conclusion, ReviewPoint, Status};
use crate::domain::numbering::{format_issuance, issuance_around_serial, RegistrationFormat};
use crate::domain::screening::Finding;
use crate::domain::text;
use crate::domain::text::MAX_NOTE;
use crate::domain::validity::{self, is_provisional_title};
use crate::error::{AppError, FieldError, Problem};
use crate::service::scope::{load_document, require_own_agency, require_within_agency};
use crate::state::AppState;

/// Applies `action` to the document's status, or answers 409 naming what is missing.
fn next_status(doc: &DocumentRow, action: Action) -> Result<Status, AppError> {
    let from =
        Status::parse(&doc.status).ok_or_else(|| AppError::internal("stored status unknown"))?;
    transition(from, action).map_err(|e| AppError::conflict("invalid_transition", e.to_string()))
}

/// Saves the document with its new status and writes the event, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn record(
    conn: &mut DbConn,
    doc: &mut DocumentRow,
    to: Status,
    actor: &str,
    at: NaiveDateTime,
    action: &str,
    reason: Option<&str>,
    payload: serde_json::Value,
) -> Result<(), AppError> {
    let from = std::mem::replace(&mut doc.status, to.as_str().to_string());
    doc.updated_at = at;
    db::documents::save(conn, doc)?;
    db::documents::insert_event(
        conn,
        &NewEvent {
            document_id: &doc.id,
            actor_id: Some(actor),
            at,
            action,
            from_status: Some(&from),
            to_status: Some(to.as_str()),
            reason,
            payload: Some(payload),
        },
    )
}

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
    user.require_any(Action::Submit.allowed_roles())?;
    let id: DocumentId = path_id(&id, "document")?;
    let responses = body.0.map(|b| b.responses).unwrap_or_default();
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in responses.into_iter().enumerate() {
        match text::paragraph(&r.response, MAX_NOTE) {
            Ok(t) => answers.push((r.point, t)),
            Err(e) => {
                errors.push(FieldError::new(format!("responses[{i}].response"), e.to_string()))
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let now = state.clock.now().naive_utc();
    let today = state.clock.today();
    let actor = user.id.to_string();
    let doc = state
        .db
        .write(move |conn| {
            let mut doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            let to = next_status(&doc, Action::Submit)?;
            if doc.status == Status::RevisionRequired.as_str() {
                answer_last_review(conn, &doc, &answers)?;
            }
            let policy = db::settings::policy(conn)?;
            let calendar = db::calendar::load(conn)?;
            doc.review_due_on = Some(calendar.add_working_days(today, policy.review_working_days));
            let payload =
                serde_json::json!({"revision": doc.revision, "review_due_on": doc.review_due_on});
            record(conn, &mut doc, to, &actor, now, "submitted", None, payload)?;
            Ok(doc)
        })
        .await?;
    let screening =
        state.screening.screen(&doc.body).into_iter().map(ScreeningFinding::from).collect();
    Ok(HttpResponse::Ok().json(SubmitAnswer { document: DocumentView::new(doc, today), screening }))
}

/// On resubmission after `revise`, every finding of that opinion needs the drafter's answer.
fn answer_last_review(
    conn: &mut DbConn,
    doc: &DocumentRow,
    answers: &[(ReviewPoint, String)],
) -> Result<(), AppError> {
    let Some(last) = db::documents::reviews_of(conn, &doc.id)?.pop() else {
        return Ok(());
    };
    if last.conclusion != Conclusion::Revise.as_str() {
        return Ok(());
    }
    let findings: Vec<ReviewFinding> = serde_json::from_str(&last.findings).unwrap_or_default();
    let missing: Vec<FieldError> = findings
        .iter()
        .filter(|f| !answers.iter().any(|(p, _)| *p == f.point))
        .map(|f| {
            FieldError::new(
                "responses",
                format!(
                    "answer the finding on `{}` of the review opinion",
                    serde_json::to_value(f.point).unwrap_or_default().as_str().unwrap_or("")
                ),
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(AppError::invalid_fields(missing));
    }
    let json = serde_json::to_string(
        &answers
            .iter()
            .map(|(p, r)| serde_json::json!({"point": p, "response": r}))
            .collect::<Vec<_>>(),
    )
    .map_err(|e| AppError::internal(e.to_string()))?;
    db::documents::set_review_responses(conn, &last.id, &json)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewFinding {
    /// A point of the legality checklist (令第338号).
    pub point: ReviewPoint,
    pub note: String,
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
    pub id: String,
    pub document_id: String,
    /// The text revision that was reviewed.
    pub revision: i32,
    pub reviewer_id: String,
    pub conclusion: String,
    pub opinion: String,
    pub findings: Vec<ReviewFinding>,
    pub responses: Option<serde_json::Value>,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

impl From<db::documents::ReviewRow> for ReviewView {
    fn from(r: db::documents::ReviewRow) -> Self {
        Self {
            findings: serde_json::from_str(&r.findings).unwrap_or_default(),
            responses: r.responses.and_then(|x| serde_json::from_str(&x).ok()),
            id: r.id,
            document_id: r.document_id,
            revision: r.revision,
            reviewer_id: r.reviewer_id,
            conclusion: r.conclusion,
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
    let req = body.0;
    user.require_any(Action::Review(req.conclusion).allowed_roles())?;
    let id: DocumentId = path_id(&id, "document")?;
    let mut errors = Vec::new();
    let opinion = text::paragraph(&req.opinion, MAX_NOTE)
        .map_err(|e| errors.push(FieldError::new("opinion", e.to_string())));
    let mut findings = Vec::new();
    for (i, f) in req.findings.iter().enumerate() {
        if findings.iter().any(|g: &ReviewFinding| g.point == f.point) {
            errors.push(FieldError::new(
                format!("findings[{i}].point"),
                "one finding per checklist point",
            ));
        }
        match text::paragraph(&f.note, MAX_NOTE) {
            Ok(note) => findings.push(ReviewFinding { point: f.point, note }),
            Err(e) => errors.push(FieldError::new(format!("findings[{i}].note"), e.to_string())),
        }
    }
    if req.conclusion != Conclusion::Lawful && req.findings.is_empty() {
        errors.push(FieldError::new(
            "findings",
            "a `revise` or `unlawful` conclusion needs at least one finding",
        ));
    }
    let Ok(opinion) = opinion else {
        return Err(AppError::invalid_fields(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let now = state.clock.now().naive_utc();
    let today = state.clock.today();
    let actor = user.id.to_string();
    let conclusion = req.conclusion;
    let doc = state
        .db
        .write(move |conn| {
            let mut doc = load_document(conn, &user, &id.to_string())?;
            let tree = db::agencies::tree(conn)?;
            require_within_agency(&user, &doc, &tree)?;
            let to = next_status(&doc, Action::Review(conclusion))?;
            let review_id = ReviewId::new().to_string();
            db::documents::insert_review(
                conn,
                &db::documents::ReviewRow {
                    id: review_id.clone(),
                    document_id: doc.id.clone(),
                    revision: doc.revision,
                    reviewer_id: actor.clone(),
                    conclusion: conclusion.as_str().into(),
                    opinion: opinion.clone(),
                    findings: serde_json::to_string(&findings).map_err(|e| AppError::internal(e.to_string()))?,
                    responses: None,
                    due_on: doc.review_due_on,
                    created_at: now,
                },
            )?;
            let payload = serde_json::json!({"review_id": review_id, "conclusion": conclusion, "revision": doc.revision, "findings": findings.len()});
            record(conn, &mut doc, to, &actor, now, "reviewed", Some(&opinion), payload)?;
            Ok(doc)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, today)))
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
    let (doc, reviews) = state
        .db
        .read(move |conn| {
            let doc = load_document(conn, &user, &id.to_string())?;
            let reviews = db::documents::reviews_of(conn, &doc.id)?;
            Ok((doc, reviews))
        })
        .await?;
    let screening =
        state.screening.screen(&doc.body).into_iter().map(ScreeningFinding::from).collect();
    Ok(HttpResponse::Ok().json(ReviewsAnswer {
        reviews: reviews.into_iter().map(ReviewView::from).collect(),
        screening,
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
    let req = body.0;
    let action = Action::Deliberate { adopted: req.adopted };
    user.require_any(action.allowed_roles())?;
    let id: DocumentId = path_id(&id, "document")?;
    let meeting =
        text::line(&req.meeting, 200).map_err(|e| AppError::invalid("meeting", e.to_string()))?;
    let today = state.clock.today();
    if req.decided_on > today {
        return Err(AppError::invalid(
            "decided_on",
            "a meeting that has not happened cannot be recorded",
        ));
    }
    let now = state.clock.now().naive_utc();
    let actor = user.id.to_string();
    let doc = state
        .db
        .write(move |conn| {
            let mut doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            let to = next_status(&doc, action)?;
            doc.meeting = Some(meeting.clone());
            doc.decided_on = Some(req.decided_on);
            let payload = serde_json::json!({"meeting": meeting, "decided_on": req.decided_on, "adopted": req.adopted});
            record(conn, &mut doc, to, &actor, now, "deliberated", None, payload)?;
            Ok(doc)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, today)))
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
    user.require_any(Action::Register.allowed_roles())?;
    let id: DocumentId = path_id(&id, "document")?;
    let now = state.clock.now().naive_utc();
    let today = state.clock.today();
    let actor = user.id.to_string();
    // Reads first, outside the write transaction, so that the counters' locks (and SQLite's
    // write lock) are held only for the two statements that number the document. The write
    // re-checks the state, so a registration that raced us is refused, not doubled.
    let doc = state
        .db
        .read(move |conn| {
            let mut doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            let to = next_status(&doc, Action::Register)?;
            let agency = db::agencies::find(conn, &doc.agency_id)?.ok_or_else(|| AppError::internal("agency vanished"))?;
            let (Some(issuance_prefix), Some(registration_prefix)) = (agency.issuance_prefix, agency.registration_prefix) else {
                return Err(AppError::conflict(
                    "agency_prefix_missing",
                    "the agency needs an issuance_prefix (机关代字) and a registration_prefix before it can number documents",
                ));
            };
            let policy = db::settings::policy(conn)?;
            let format = RegistrationFormat { template: policy.registration_format.clone(), serial_width: policy.registration_serial_width };
            let year = today.year();
            let plan = db::numbering::Registration {
                document_id: doc.id.clone(),
                issuance_prefix: issuance_prefix.clone(),
                registration_prefix: registration_prefix.clone(),
                year,
                actor: actor.clone(),
                at: now,
                printed: format.around_serial(&registration_prefix, year).map(|registration| db::numbering::Printed {
                    issuance: issuance_around_serial(&issuance_prefix, year),
                    registration,
                    serial_width: format.serial_width,
                }),
            };
            let render = |s: &db::numbering::Serials| {
                (format_issuance(&issuance_prefix, year, s.issuance), format.render(&registration_prefix, year, s.registration))
            };
            let (issuance, registration) = db::numbering::register(conn, &plan, render).map_err(|e| match e {
                AppError::Conflict { code: "unique_violation", .. } => {
                    AppError::conflict("number_taken", "the next number of the series is already used by another document; nothing was numbered")
                }
                other => other,
            })?;
            doc.status = to.as_str().to_string();
            doc.issuance_number = Some(issuance);
            doc.registration_number = Some(registration);
            doc.updated_at = now;
            Ok(doc)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, today)))
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
    user.require_any(Action::Publish.allowed_roles())?;
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let channel =
        text::line(&req.channel, 200).map_err(|e| AppError::invalid("channel", e.to_string()))?;
    let early = match req.early_effect_reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(
            text::paragraph(r, MAX_NOTE)
                .map_err(|e| AppError::invalid("early_effect_reason", e.to_string()))?,
        ),
    };
    let today = state.clock.today();
    if req.published_on > today {
        return Err(AppError::invalid(
            "published_on",
            "publication cannot be recorded before it happens",
        ));
    }
    let now = state.clock.now().naive_utc();
    let actor = user.id.to_string();
    let doc = state
        .db
        .write(move |conn| {
            let mut doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            let to = next_status(&doc, Action::Publish)?;
            let policy = db::settings::policy(conn)?.validity();
            let invalid = |e: validity::ValidityError| AppError::invalid(e.field(), e.to_string());
            let effective = validity::effective_on(req.published_on, req.effective_on, early.as_deref(), &policy).map_err(invalid)?;
            let provisional = doc.provisional || is_provisional_title(&doc.title);
            // A stated end date wins over stated years; years alone give the end date.
            let years = if req.valid_until.is_some() { None } else { doc.validity_years.map(|y| y as u32) };
            let until = validity::valid_until(effective, req.valid_until, years, provisional, &policy).map_err(invalid)?;
            doc.published_on = Some(req.published_on);
            doc.effective_on = Some(effective);
            doc.valid_until = Some(until);
            doc.channel = Some(channel.clone());
            doc.early_effect_reason = early.clone();
            if let Some(older_id) = doc.supersedes_id.clone() {
                supersede(conn, &older_id, &doc, &actor, now)?;
            }
            let payload = serde_json::json!({"published_on": req.published_on, "effective_on": effective, "valid_until": until, "channel": channel, "early_effect_reason": early});
            db::search::index_document(conn, &doc)?;
            db::expiry::watch(conn, &doc.id, until)?;
            record(conn, &mut doc, to, &actor, now, "published", None, payload)?;
            Ok(doc)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, today)))
}

/// The earlier version of an amended document reads `amended` from the day the new version
/// takes effect, and points to it.
fn supersede(
    conn: &mut DbConn,
    older_id: &str,
    newer: &DocumentRow,
    actor: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(mut older) = db::documents::find(conn, older_id)? else {
        return Ok(());
    };
    if older.ended_state.is_some() {
        return Err(AppError::conflict(
            "already_ended",
            format!(
                "the version being amended already ended ({}); it cannot be amended",
                older.ended_state.as_deref().unwrap_or("")
            ),
        ));
    }
    db::expiry::unwatch(conn, &older.id)?;
    older.superseded_by_id = Some(newer.id.clone());
    older.ended_state = Some("amended".into());
    older.ended_on = newer.effective_on;
    older.ended_by_document_id = Some(newer.id.clone());
    older.updated_at = at;
    db::documents::save(conn, &older)?;
    db::documents::note_event(
        conn,
        &older,
        actor,
        at,
        "amended",
        None,
        serde_json::json!({"superseded_by": newer.id, "from": newer.effective_on}),
    )
}
