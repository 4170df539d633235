//! Unified numbering (统一登记): an adopted document gets its 文号 and 统一登记号 from the
//! gapless series of its agency.

use chrono::Datelike;

use crate::db::{self, numbering::NumberingError, DbConn, WriterQueue};
use crate::domain::clock::Clock;
use crate::domain::document::Document;
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Action;
use crate::domain::numbering::{format_issuance, issuance_around_serial, RegistrationFormat};
use crate::error::AppError;
use crate::service::actor::Actor;
use crate::service::scope::{load_document, require_own_agency};
use crate::service::step::next_status;

/// Gives the document its 文号 and 统一登记号 (registrar of its agency).
///
/// `conn` is a plain connection, not a transaction: the edge runs this with
/// `Db::write_queued`. The reads come first, outside any write transaction, so that the
/// counters' locks (and SQLite's write lock, taken in `queue`'s turn) are held only for the
/// statements that number the document. The numbering re-checks the state, so a registration
/// that raced us is refused, not doubled.
pub fn register(
    conn: &mut DbConn,
    queue: &WriterQueue,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
) -> Result<Document, AppError> {
    actor.require_any(Action::Register.allowed_roles())?;
    let now = clock.now().naive_utc();
    let year = clock.today().year();
    let mut doc = load_document(conn, actor, id)?;
    require_own_agency(actor, &doc)?;
    let to = next_status(&doc, Action::Register)?;
    let (issuance_prefix, registration_prefix) = prefixes_of(conn, &doc)?;
    let policy = db::settings::policy(conn)?;
    let format = RegistrationFormat {
        template: policy.registration_format.clone(),
        serial_width: policy.registration_serial_width,
    };
    let plan = db::numbering::Registration {
        document_id: doc.id,
        issuance_prefix: issuance_prefix.clone(),
        registration_prefix: registration_prefix.clone(),
        year,
        actor: actor.id,
        at: now,
        printed: format.around_serial(&registration_prefix, year).map(|registration| {
            db::numbering::Printed {
                issuance: issuance_around_serial(&issuance_prefix, year),
                registration,
                serial_width: format.serial_width,
            }
        }),
    };
    let render = |s: &db::numbering::Serials| {
        (
            format_issuance(&issuance_prefix, year, s.issuance),
            format.render(&registration_prefix, year, s.registration),
        )
    };
    let (issuance, registration) =
        db::numbering::register(conn, queue, &plan, render).map_err(|e| match e {
            NumberingError::NumberTaken => AppError::conflict(
                "number_taken",
                "the next number of the series is already used by another document; nothing was numbered",
            ),
            NumberingError::Failed(other) => other.into(),
        })?;
    doc.status = to;
    doc.issuance_number = Some(issuance);
    doc.registration_number = Some(registration);
    doc.updated_at = now;
    Ok(doc)
}

/// The agency's 机关代字 and registration prefix, or 409 when it lacks one.
fn prefixes_of(conn: &mut DbConn, doc: &Document) -> Result<(String, String), AppError> {
    let agency = db::agencies::find(conn, doc.agency_id)?
        .ok_or_else(|| AppError::internal("agency vanished"))?;
    match (agency.issuance_prefix, agency.registration_prefix) {
        (Some(issuance), Some(registration)) => Ok((issuance, registration)),
        _ => Err(AppError::conflict(
            "agency_prefix_missing",
            "the agency needs an issuance_prefix (机关代字) and a registration_prefix before it can number documents",
        )),
    }
}
