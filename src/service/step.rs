//! One step of a document's life: whether its status allows an action, and the save of the
//! new status together with the event that records it.

use chrono::NaiveDateTime;

use crate::db::{self, documents::NewEvent, DbConn};
use crate::domain::document::Document;
use crate::domain::ids::UserId;
use crate::domain::lifecycle::{transition, Action, Status};
use crate::error::AppError;

/// The status that follows `action` from `from`, or 409 naming what is missing.
pub fn allowed(from: Status, action: Action) -> Result<Status, AppError> {
    transition(from, action).map_err(|e| AppError::conflict("invalid_transition", e.to_string()))
}

/// Applies `action` to the document's status, or answers 409 naming what is missing.
pub fn next_status(doc: &Document, action: Action) -> Result<Status, AppError> {
    allowed(doc.status, action)
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
    doc: &mut Document,
    to: Status,
    actor: UserId,
    at: NaiveDateTime,
    event: StepEvent<'_>,
) -> Result<(), AppError> {
    let from = std::mem::replace(&mut doc.status, to);
    doc.updated_at = at;
    db::documents::save(conn, doc)?;
    db::documents::insert_event(
        conn,
        &NewEvent {
            document_id: doc.id,
            actor_id: Some(actor),
            at,
            action: event.action,
            from_status: Some(from),
            to_status: Some(to),
            reason: event.reason,
            payload: Some(event.payload),
        },
    )?;
    Ok(())
}
