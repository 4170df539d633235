//! Collective deliberation (集体审议): the meeting that adopts or rejects a reviewed draft.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::domain::clock::Clock;
use crate::domain::document::Document;
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Action;
use crate::domain::text;
use crate::error::AppError;
use crate::service::actor::Actor;
use crate::service::dates;
use crate::service::scope::{load_document, require_own_agency};
use crate::service::step::{next_status, record, StepEvent};

// The meeting's decision as sent; [`deliberate`] checks it.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DeliberationRequest)]
pub struct Decision {
    /// e.g. 省政府第12次常务会议
    pub meeting: String,
    #[serde(deserialize_with = "crate::domain::dates::iso")]
    pub decided_on: NaiveDate,
    pub adopted: bool,
}

/// Records the collective deliberation (drafter or registrar of the agency).
pub fn deliberate(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    decision: Decision,
) -> Result<Document, AppError> {
    let action = Action::Deliberate { adopted: decision.adopted };
    actor.require_any(action.allowed_roles())?;
    dates::require_in_range(tx, &[("decided_on", Some(decision.decided_on))])?;
    let meeting = text::line(&decision.meeting, 200)
        .map_err(|e| AppError::invalid("meeting", e.to_string()))?;
    if decision.decided_on > clock.today() {
        return Err(AppError::invalid(
            "decided_on",
            "a meeting that has not happened cannot be recorded",
        ));
    }
    let now = clock.now().naive_utc();
    let mut doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    let to = next_status(&doc, action)?;
    doc.meeting = Some(meeting.clone());
    doc.decided_on = Some(decision.decided_on);
    let payload = serde_json::json!({"meeting": meeting, "decided_on": decision.decided_on, "adopted": decision.adopted});
    let event = StepEvent { action: action.event(), reason: None, payload };
    record(tx, &mut doc, to, actor.id, now, event)?;
    Ok(doc)
}
