//! Public consultation on drafts (公开征求意见), the drafter's side: open a consultation on the
//! current text of a draft, read every comment and record a disposition for each, the
//! registrar's exemption, the gate at submission, and the closing run of the scheduler and
//! `normreg tick`. The public's side is `consultation_public`.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::{self, documents::NewEvent, DbConn};
use crate::domain::clock::Clock;
use crate::domain::consultation::{
    check_period, submit_gate, Comment, CommentStatus, Consultation, ConsultationFacts,
    ConsultationStatus, Disposition, Period,
};
use crate::domain::document::Document;
use crate::domain::ids::{CommentId, ConsultationId, DocumentId};
use crate::domain::lifecycle::Action;
use crate::domain::role::Role;
use crate::domain::text::{self, MAX_NOTE};
use crate::error::{AppError, FieldError};
use crate::service::actor::Actor;
use crate::service::dates;
use crate::service::scope::{load_document, require_own_agency};
use crate::service::step::next_status;

/// The longest reason (short period, exemption, disposition) and public summary, in characters.
pub const MAX_REASON: usize = 2_000;

// A consultation as the drafter asked for it; [`open`] checks it.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OpenConsultation, example = json!({"closes_on": "2026-03-20", "affects_businesses": false, "drafting_notes": "起草说明：为规范管理，起草本办法。"}))]
pub struct NewConsultation {
    /// Default today.
    #[serde(default, deserialize_with = "crate::domain::dates::iso_opt")]
    pub opens_on: Option<NaiveDate>,
    /// The last day comments are taken; at least the policy minimum after `opens_on`.
    #[serde(deserialize_with = "crate::domain::dates::iso")]
    pub closes_on: NaiveDate,
    /// 涉及市场主体: at least `consultation_business_days` calendar days.
    pub affects_businesses: Option<bool>,
    /// Required for a period shorter than the minimum; published.
    pub short_period_reason: Option<String>,
    /// 起草说明 to publish; default the draft's own.
    pub drafting_notes: Option<String>,
}

/// A consultation as its agency sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConsultationView {
    #[schema(value_type = String)]
    pub id: ConsultationId,
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub status: ConsultationStatus,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// The revision of the draft that was consulted.
    pub revision: i32,
    pub affects_businesses: bool,
    pub short_period_reason: Option<String>,
    /// When the closing run recorded the close.
    #[schema(value_type = Option<String>)]
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl ConsultationView {
    pub fn new(c: &Consultation, today: NaiveDate) -> Self {
        Self {
            id: c.id,
            document_id: c.document_id,
            status: c.status(today),
            opens_on: c.opens_on,
            closes_on: c.closes_on,
            revision: c.revision,
            affects_businesses: c.affects_businesses,
            short_period_reason: c.short_period_reason.clone(),
            closed_at: c.closed_at.map(|t| t.and_utc()),
        }
    }
}

/// An optional text: blank is none.
fn optional(
    field: &str,
    raw: Option<&str>,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
    text::paragraph(raw, max).map_err(|e| errors.push(FieldError::new(field, e.to_string()))).ok()
}

/// A required text, or the error naming its field.
fn required(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    text::paragraph(raw, max).map_err(|e| AppError::invalid(field, e.to_string()))
}

/// Loads a draft of the caller's own agency that may still change (draft, revision required).
fn own_draft(tx: &mut DbConn, actor: &Actor, id: DocumentId) -> Result<Document, AppError> {
    let doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    next_status(&doc, Action::Edit)?;
    Ok(doc)
}

/// Writes an event of the consultation into the document's history.
fn note(
    tx: &mut DbConn,
    doc: DocumentId,
    actor: Option<&Actor>,
    at: NaiveDateTime,
    action: &str,
    reason: Option<&str>,
    payload: serde_json::Value,
) -> Result<(), AppError> {
    let actor_id = actor.map(|a| a.id);
    let event = NewEvent {
        document_id: doc,
        actor_id,
        at,
        action,
        from_status: None,
        to_status: None,
        reason,
        payload: Some(payload),
    };
    Ok(db::documents::insert_event(tx, &event)?)
}

/// Opens a consultation on the current text of a draft of the caller's agency (drafter). One
/// scheduled or open consultation per document at a time; earlier ones stay on record.
pub fn open(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: NewConsultation,
) -> Result<Consultation, AppError> {
    actor.require_any(&[Role::Drafter])?;
    let today = clock.today();
    let mut errors = Vec::new();
    let reason = optional(
        "short_period_reason",
        input.short_period_reason.as_deref(),
        MAX_REASON,
        &mut errors,
    );
    let notes = optional("drafting_notes", input.drafting_notes.as_deref(), MAX_NOTE, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let opens_on = input.opens_on.unwrap_or(today);
    dates::require_in_range(
        tx,
        &[("opens_on", Some(opens_on)), ("closes_on", Some(input.closes_on))],
    )?;
    // The document's row is held first: a second consultation opened at the same moment
    // waits here, then sees this one.
    db::consultations::lock_document(tx, id)?;
    let doc = own_draft(tx, actor, id)?;
    let now = clock.now().naive_utc();
    let existing = db::consultations::of_document(tx, id)?;
    if let Some(c) = existing.iter().find(|c| c.status(today) != ConsultationStatus::Closed) {
        return Err(AppError::conflict(
            "consultation_in_progress",
            format!(
                "the document already has a {} consultation until {}",
                c.status(today).as_str(),
                c.closes_on
            ),
        ));
    }
    let period = Period {
        opens_on,
        closes_on: input.closes_on,
        affects_businesses: input.affects_businesses.unwrap_or(false),
        short_period_reason: reason,
    };
    let policy = db::settings::policy(tx)?;
    let calendar = db::calendar::load(tx)?;
    check_period(&policy, &calendar, today, &period)
        .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    let c = Consultation {
        id: ConsultationId::new(),
        document_id: doc.id,
        agency_id: doc.agency_id,
        revision: doc.revision,
        title: doc.title.clone(),
        body: doc.body.clone(),
        drafting_notes: notes.or(doc.drafting_notes.clone()),
        opens_on,
        closes_on: period.closes_on,
        affects_businesses: period.affects_businesses,
        short_period_reason: period.short_period_reason,
        opened_by: actor.id,
        created_at: now,
        closed_at: None,
    };
    db::consultations::insert(tx, &c)?;
    let payload = serde_json::json!({"consultation_id": c.id, "revision": c.revision,
        "opens_on": c.opens_on, "closes_on": c.closes_on});
    note(
        tx,
        doc.id,
        Some(actor),
        now,
        "consultation_opened",
        c.short_period_reason.as_deref(),
        payload,
    )?;
    Ok(c)
}

/// The consultations of a document in the caller's scope, oldest first.
pub fn of_document(
    conn: &mut DbConn,
    actor: &Actor,
    id: DocumentId,
) -> Result<Vec<Consultation>, AppError> {
    let doc = load_document(conn, actor, id)?;
    Ok(db::consultations::of_document(conn, doc.id)?)
}

/// A consultation of a document of the caller's own agency, or 404.
fn own_consultation(
    conn: &mut DbConn,
    actor: &Actor,
    id: ConsultationId,
) -> Result<Consultation, AppError> {
    actor.require_any(&[Role::Drafter])?;
    let c = db::consultations::find(conn, id)?.ok_or(AppError::NotFound("consultation"))?;
    let doc = load_document(conn, actor, c.document_id)
        .map_err(|_| AppError::NotFound("consultation"))?;
    require_own_agency(actor, &doc).map_err(|_| AppError::NotFound("consultation"))?;
    Ok(c)
}

/// Every comment of a consultation of the caller's agency, with its contact (drafter).
pub fn comments(
    conn: &mut DbConn,
    actor: &Actor,
    id: ConsultationId,
) -> Result<Vec<Comment>, AppError> {
    let c = own_consultation(conn, actor, id)?;
    Ok(db::consultations::comments_of(conn, c.id)?)
}

// The drafter's disposition of one comment.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CommentDisposition, example = json!({"disposition": "partly_adopted", "reason": "第三条已补充听证程序，期限不作调整。", "summary": "建议增加听证程序并延长期限。"}))]
pub struct DispositionInput {
    pub disposition: Disposition,
    /// Why, published with the feedback.
    pub reason: String,
    /// A short public summary of the comment (the comment itself is not published).
    pub summary: String,
}

/// Records (or corrects) the disposition of a comment (drafter of the document's agency).
pub fn dispose(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: ConsultationId,
    comment_id: CommentId,
    input: DispositionInput,
) -> Result<Comment, AppError> {
    let reason = required("reason", &input.reason, MAX_REASON);
    let summary = required("summary", &input.summary, MAX_REASON);
    let (reason, summary) = match (reason, summary) {
        (Ok(r), Ok(s)) => (r, s),
        (
            Err(AppError::Invalid { errors: mut a, .. }),
            Err(AppError::Invalid { errors: b, .. }),
        ) => {
            a.extend(b);
            return Err(AppError::invalid_fields(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let c = own_consultation(tx, actor, id)?;
    let mut comment = db::consultations::find_comment(tx, comment_id)?
        .filter(|m| m.consultation_id == c.id)
        .ok_or(AppError::NotFound("comment"))?;
    comment.disposition = Some(input.disposition);
    comment.reason = Some(reason);
    comment.summary = Some(summary);
    comment.disposed_on = Some(clock.today());
    comment.disposed_by = Some(actor.id);
    db::consultations::save_disposition(tx, &comment)?;
    let detail = serde_json::json!({
        "comment_id": comment.id,
        "disposition": input.disposition.as_str(),
        "reason": comment.reason,
        "summary": comment.summary,
    });
    let at = clock.now().naive_utc();
    db::audit::record(
        tx,
        &chain_subject(c.id),
        Some(actor.id),
        at,
        "comment_disposed",
        Some(&detail),
    )?;
    Ok(comment)
}

/// The hash chain of a consultation's comments and their dispositions (the consultation's
/// opening, closing and exemption are events of its document's own chain).
pub fn chain_subject(id: ConsultationId) -> String {
    format!("consultation:{id}")
}

// The registrar's exemption of a draft from public consultation.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ConsultationExemption, example = json!({"reason": "涉及国家秘密，依法不予公开征求意见。"}))]
pub struct ExemptionInput {
    /// e.g. 依法需要保密.
    pub reason: String,
}

/// Records that a draft of the caller's agency goes without consultation (registrar).
pub fn exempt(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: ExemptionInput,
) -> Result<Document, AppError> {
    actor.require_any(&[Role::Registrar])?;
    let reason = required("reason", &input.reason, MAX_REASON)?;
    let doc = own_draft(tx, actor, id)?;
    let now = clock.now().naive_utc();
    db::consultations::insert_exemption(tx, doc.id, &reason, actor.id, now)?;
    let payload = serde_json::json!({"revision": doc.revision});
    note(tx, doc.id, Some(actor), now, "consultation_exempted", Some(&reason), payload)?;
    Ok(doc)
}

/// The gate at submission: 409 naming what is missing when a rights-affecting draft has no
/// closed consultation of its current text with every comment disposed, nor an exemption.
pub fn require_consulted(
    tx: &mut DbConn,
    doc: &Document,
    today: NaiveDate,
) -> Result<(), AppError> {
    if !doc.affects_rights {
        return Ok(());
    }
    let exempted = db::consultations::exemption_of(tx, doc.id)?.is_some();
    let latest = match db::consultations::of_document(tx, doc.id)?.pop() {
        None => None,
        Some(c) => Some(ConsultationFacts {
            revision: c.revision,
            status: c.status(today),
            closes_on: c.closes_on,
            undisposed: db::consultations::undisposed(tx, c.id)?,
        }),
    };
    submit_gate(doc.affects_rights, doc.revision, latest, exempted)
        .map_err(|e| AppError::conflict(e.code(), e.to_string()))
}

/// Records the close of every consultation whose period ended before `as_of`, with its event;
/// answers how many this run closed. Its own write transaction (call it outside one); of
/// several instances running at once, each close is recorded by exactly one.
pub fn close_due(
    conn: &mut DbConn,
    as_of: NaiveDate,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    dates::require_in_range(conn, &[("as_of", Some(as_of))])?;
    db::write_tx(conn, |tx| {
        let mut closed = 0;
        for c in db::consultations::due_to_close(tx, as_of)? {
            if !db::consultations::mark_closed(tx, c.id, at)? {
                continue;
            }
            let comments = db::consultations::comments_of(tx, c.id)?;
            let undisposed = comments
                .iter()
                .filter(|m| CommentStatus::of(m.disposition) == CommentStatus::Received)
                .count();
            let payload = serde_json::json!({"consultation_id": c.id, "closes_on": c.closes_on,
                "comments": comments.len(), "undisposed": undisposed});
            note(tx, c.document_id, None, at, "consultation_closed", None, payload)?;
            closed += 1;
        }
        Ok(closed)
    })
}
