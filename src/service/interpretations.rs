//! Interpretations (解释) of a published document by its issuing agency: recorded by the
//! registrar, attached to the document and published with it, never altering its text.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{self, interpretations::InterpretationRow, DbConn};
use crate::domain::clock::Clock;
use crate::domain::ids::{DocumentId, InterpretationId};
use crate::domain::interpretation::check_issued_on;
use crate::domain::numbering::IssuanceNumber;
use crate::domain::role::Role;
use crate::domain::text::{self, MAX_BODY, MAX_TITLE};
use crate::error::{AppError, FieldError};
use crate::service::dates;
use crate::service::evolution::require_living;
use crate::service::scope::{load_document, require_own_agency};
use crate::service::Actor;

// An interpretation as the registrar sends it, before its text is checked.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInterpretation {
    /// e.g. 关于《沈阳市养犬管理办法》第五条的解释
    pub title: String,
    pub body: String,
    /// The day the interpretation was issued: not before the document's publication, not
    /// after today.
    #[serde(deserialize_with = "crate::domain::dates::iso")]
    pub issued_on: NaiveDate,
    /// Its own 文号, when it was issued with one; any bracket spelling, stored canonically.
    pub issuance_number: Option<String>,
}

/// The checked text of an interpretation: title, body and canonical 文号.
struct Checked {
    title: String,
    body: String,
    number: Option<String>,
}

/// Every invalid field at once, so the registrar fixes them in one go.
fn check(input: &NewInterpretation) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let title = text::line(&input.title, MAX_TITLE)
        .map_err(|e| errors.push(FieldError::new("title", e.to_string())));
    let body = text::paragraph(&input.body, MAX_BODY)
        .map_err(|e| errors.push(FieldError::new("body", e.to_string())));
    let number = match input.issuance_number.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => IssuanceNumber::parse(n)
            .map(|n| Some(n.to_string()))
            .map_err(|e| errors.push(FieldError::new("issuance_number", e.to_string()))),
    };
    match (title, body, number) {
        (Ok(title), Ok(body), Ok(number)) => Ok(Checked { title, body, number }),
        _ => Err(AppError::invalid_fields(errors)),
    }
}

/// Attaches an interpretation to a published document that is still running (registrar of
/// its agency). Recording it publishes it with the document, and publication is the
/// registrar's act (统一印发、公布), as for the document itself.
pub fn create(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: NewInterpretation,
) -> Result<InterpretationRow, AppError> {
    actor.require_any(&[Role::Registrar])?;
    dates::require_in_range(tx, &[("issued_on", Some(input.issued_on))])?;
    let checked = check(&input)?;
    let (today, now) = (clock.today(), clock.now().naive_utc());
    let doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    require_living(&doc, "interpreted", today)?;
    let published_on =
        doc.published_on.ok_or_else(|| AppError::internal("published without published_on"))?;
    let issued_on = check_issued_on(input.issued_on, published_on, today)
        .map_err(|e| AppError::invalid("issued_on", e.to_string()))?;
    if let Some(n) = &checked.number {
        if db::interpretations::number_taken(tx, n)? {
            return Err(AppError::conflict(
                "number_taken",
                format!("{n} already names another document or interpretation"),
            ));
        }
    }
    let row = InterpretationRow {
        id: InterpretationId::new(),
        document_id: doc.id,
        agency_id: doc.agency_id,
        title: checked.title,
        body: checked.body,
        issued_on,
        issuance_number: checked.number,
        created_by: actor.id,
        created_at: now,
    };
    db::interpretations::insert(tx, &row)?;
    let payload = serde_json::json!({"interpretation_id": row.id, "title": row.title, "issued_on": row.issued_on, "issuance_number": row.issuance_number});
    db::documents::note_event(tx, &doc, actor.id, now, "interpreted", None, payload)?;
    Ok(row)
}

/// The interpretations of a document of the caller's scope, in the order they were issued,
/// with their total.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    id: DocumentId,
    offset: i64,
    limit: i64,
) -> Result<(Vec<InterpretationRow>, i64), AppError> {
    let doc = load_document(conn, actor, id)?;
    Ok(db::interpretations::of_document(conn, doc.id, offset, limit)?)
}
