//! What a stored document is on a given day: its validity and the day it ended.

use chrono::NaiveDate;

use crate::db::documents::DocumentRow;
use crate::domain::lifecycle::Status;
use crate::domain::validity::{validity_on, Validity};

/// The validity of a published document on `day`; `None` before publication.
pub fn validity_of(row: &DocumentRow, day: NaiveDate) -> Option<Validity> {
    if row.status != Status::Published.as_str() {
        return None;
    }
    let (effective, until) = (row.effective_on?, row.valid_until?);
    let ended = row.ended_state.as_deref().and_then(Validity::parse).zip(row.ended_on);
    Some(validity_on(day, effective, until, ended))
}

/// The day a document's validity ended: the recorded end, or for an expiry the day after
/// `valid_until` (expiry is an event, not a change of the document; see `db::expiry`).
pub fn ended_on_of(
    ended_on: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    validity: Option<Validity>,
) -> Option<NaiveDate> {
    match (ended_on, validity) {
        (Some(d), _) => Some(d),
        (None, Some(Validity::Expired)) => valid_until.and_then(|u| u.succ_opt()),
        _ => None,
    }
}
