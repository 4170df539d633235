//! Legality review: submission of a draft (with the drafter's answers to the last `revise`
//! opinion), the reviewer's opinion, and the opinions a document has had.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{self, DbConn};
use crate::domain::clock::Clock;
use crate::domain::document::Document;
use crate::domain::ids::{DocumentId, ReviewId};
use crate::domain::lifecycle::{Action, Conclusion, ReviewPoint, Status};
use crate::domain::structure;
use crate::domain::text;
use crate::domain::text::MAX_NOTE;
use crate::error::{AppError, FieldError};
use crate::service::actor::Actor;
use crate::service::consultation_record::{self, ConsultationRecord};
use crate::service::scope::{load_document, require_own_agency, require_within_agency};
use crate::service::step::{allowed, next_status, record, StepEvent};

pub use crate::domain::review::{Review, ReviewFinding};

// The drafter's answer to one finding, as sent.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DrafterResponse)]
pub struct DrafterAnswer {
    pub point: ReviewPoint,
    pub response: String,
}

// A review opinion as the reviewer sent it; [`record_review`] checks it.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReviewRequest)]
pub struct Opinion {
    pub conclusion: Conclusion,
    /// The written opinion (审核意见书).
    pub opinion: String,
    /// At most one finding per checklist point; `revise` and `unlawful` need at least one.
    #[serde(default)]
    pub findings: Vec<ReviewFinding>,
}

/// The answers with their text checked, or every invalid one at once.
fn checked_answers(answers: Vec<DrafterAnswer>) -> Result<Vec<(ReviewPoint, String)>, AppError> {
    let mut checked = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in answers.into_iter().enumerate() {
        match text::paragraph(&r.response, MAX_NOTE) {
            Ok(t) => checked.push((r.point, t)),
            Err(e) => {
                errors.push(FieldError::new(format!("responses[{i}].response"), e.to_string()))
            }
        }
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(AppError::invalid_fields(errors))
    }
}

/// Submits a draft for legality review (drafter of its agency) and sets the review's due date.
pub fn submit(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    answers: Vec<DrafterAnswer>,
) -> Result<Document, AppError> {
    actor.require_any(Action::Submit.allowed_roles())?;
    let answers = checked_answers(answers)?;
    let now = clock.now().naive_utc();
    let today = clock.today();
    let mut doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    let from = doc.status;
    let to = allowed(from, Action::Submit)?;
    crate::service::consultation::require_consulted(tx, &doc, today)?;
    if from == Status::RevisionRequired {
        answer_last_review(tx, &doc, &answers)?;
    }
    let policy = db::settings::policy(tx)?;
    let calendar = db::calendar::load(tx)?;
    doc.review_due_on = Some(calendar.add_working_days(today, policy.review_working_days));
    let payload = serde_json::json!({"revision": doc.revision, "review_due_on": doc.review_due_on});
    let event = StepEvent { action: Action::Submit.event(), reason: None, payload };
    record(tx, &mut doc, to, actor.id, now, event)?;
    Ok(doc)
}

/// On resubmission after `revise`, every finding of that opinion needs the drafter's answer.
fn answer_last_review(
    conn: &mut DbConn,
    doc: &Document,
    answers: &[(ReviewPoint, String)],
) -> Result<(), AppError> {
    let Some(last) = db::reviews::of_document(conn, doc.id)?.pop() else {
        return Ok(());
    };
    if last.conclusion != Conclusion::Revise {
        return Ok(());
    }
    let missing: Vec<FieldError> = last
        .findings
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
    let responses = serde_json::Value::Array(
        answers.iter().map(|(p, r)| serde_json::json!({"point": p, "response": r})).collect(),
    );
    Ok(db::reviews::set_responses(conn, last.id, &responses)?)
}

impl Opinion {
    /// The opinion's text and findings checked, or every invalid field at once.
    fn checked(self) -> Result<(String, Vec<ReviewFinding>), AppError> {
        let mut errors = Vec::new();
        let opinion = text::paragraph(&self.opinion, MAX_NOTE)
            .map_err(|e| errors.push(FieldError::new("opinion", e.to_string())));
        let mut findings = Vec::new();
        for (i, f) in self.findings.iter().enumerate() {
            if findings.iter().any(|g: &ReviewFinding| g.point == f.point) {
                errors.push(FieldError::new(
                    format!("findings[{i}].point"),
                    "one finding per checklist point",
                ));
            }
            match text::paragraph(&f.note, MAX_NOTE) {
                Ok(note) => {
                    findings.push(ReviewFinding { point: f.point, note, article: f.article })
                }
                Err(e) => {
                    errors.push(FieldError::new(format!("findings[{i}].note"), e.to_string()))
                }
            }
        }
        if self.conclusion != Conclusion::Lawful && self.findings.is_empty() {
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
        Ok((opinion, findings))
    }
}

/// Every article a finding names is an article of the reviewed text.
fn require_named_articles(doc: &Document, findings: &[ReviewFinding]) -> Result<(), AppError> {
    let structure = structure::parse(&doc.body);
    let errors: Vec<FieldError> = findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f.article?)))
        .filter(|(_, n)| structure.article(*n).is_none())
        .map(|(i, n)| {
            FieldError::new(
                format!("findings[{i}].article"),
                format!("the reviewed text has no article {n}"),
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid_fields(errors))
    }
}

/// Records the legality review opinion (legal reviewer of the issuing government).
pub fn record_review(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: Opinion,
) -> Result<Document, AppError> {
    let conclusion = input.conclusion;
    actor.require_any(Action::Review(conclusion).allowed_roles())?;
    let (opinion, findings) = input.checked()?;
    let now = clock.now().naive_utc();
    let mut doc = load_document(tx, actor, id)?;
    let tree = db::agencies::tree(tx)?;
    require_within_agency(actor, &doc, &tree)?;
    let to = next_status(&doc, Action::Review(conclusion))?;
    require_named_articles(&doc, &findings)?;
    let review = Review {
        id: ReviewId::new(),
        document_id: doc.id,
        revision: doc.revision,
        reviewer_id: actor.id,
        conclusion,
        opinion,
        findings,
        responses: None,
        due_on: doc.review_due_on,
        created_at: now,
    };
    db::reviews::insert(tx, &review)?;
    let payload = serde_json::json!({"review_id": review.id, "conclusion": conclusion, "revision": doc.revision, "findings": review.findings.len()});
    let event = StepEvent {
        action: Action::Review(conclusion).event(),
        reason: Some(&review.opinion),
        payload,
    };
    record(tx, &mut doc, to, actor.id, now, event)?;
    Ok(doc)
}

/// A document of the caller's scope with its review opinions, oldest first, and its
/// consultation record, which the legality review examines.
pub fn reviews(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
) -> Result<(Document, Vec<Review>, ConsultationRecord), AppError> {
    let doc = load_document(conn, actor, id)?;
    let reviews = db::reviews::of_document(conn, doc.id)?;
    let consultation = consultation_record::of_document(conn, doc.id, clock.today())?;
    Ok((doc, reviews, consultation))
}
