//! One step of a document's life: whether its stored status allows an action, and the save of
//! the new status together with the event that records it.

use chrono::NaiveDateTime;

use crate::db::{self, documents::DocumentRow, documents::NewEvent, DbConn};
use crate::domain::lifecycle::{transition, Action, Status};
use crate::error::AppError;

/// The document's stored status, parsed once so that callers compare enums, not text.
pub fn status_of(doc: &DocumentRow) -> Result<Status, AppError> {
    Status::parse(&doc.status).ok_or_else(|| {
        AppError::internal(format!("document {}: stored status `{}` unknown", doc.id, doc.status))
    })
}

/// The status that follows `action` from `from`, or 409 naming what is missing.
pub fn allowed(from: Status, action: Action) -> Result<Status, AppError> {
    transition(from, action).map_err(|e| AppError::conflict("invalid_transition", e.to_string()))
}

/// Applies `action` to the document's status, or answers 409 naming what is missing.
pub fn next_status(doc: &DocumentRow, action: Action) -> Result<Status, AppError> {
    allowed(status_of(doc)?, action)
}

/// What a step writes into the document's history besides the change of status.
pub struct StepEvent<'a> {
    pub action: &'a str,
    pub reason: Option<&'a str>,
    pub payload: serde_json::Value,
}

/// Saves the document with its new status and writes the event, in the caller's transaction.
pub fn record(
    conn: &mut DbConn,
    doc: &mut DocumentRow,
    to: Status,
    actor: &str,
    at: NaiveDateTime,
    event: StepEvent<'_>,
) -> Result<(), AppError> {
    let from = std::mem::replace(&mut doc.status, to.as_str().to_string());
    doc.updated_at = at;
    db::documents::save(conn, doc)?;
    Ok(db::documents::insert_event(
        conn,
        &NewEvent {
            document_id: &doc.id,
            actor_id: Some(actor),
            at,
            action: event.action,
            from_status: Some(&from),
            to_status: Some(to.as_str()),
            reason: event.reason,
            payload: Some(event.payload),
        },
    )?)
}
