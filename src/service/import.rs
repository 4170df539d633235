//! Importing documents issued before the service, with their real numbers and dates, whole or
//! not at all (the API; the command line calls `crate::importer` itself with its own progress).

use crate::db::DbConn;
use crate::domain::clock::Clock;
use crate::domain::import::{ImportLine, LineError};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::importer::{self, ImportScope, ImportedItem};
use crate::service::actor::Actor;

/// Imports the parsed `lines` (numbered from 1) as published documents: an admin for any
/// agency, a registrar for its own. One bad line imports nothing.
///
/// `importer::run` opens its own write transaction, so `conn` is a bare connection.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    lines: Vec<(usize, Result<ImportLine, LineError>)>,
) -> Result<Vec<ImportedItem>, AppError> {
    actor.require_any(&[Role::Admin, Role::Registrar])?;
    let scope = if actor.has(Role::Admin) {
        ImportScope::Any
    } else {
        ImportScope::Agency(actor.agency()?)
    };
    let (today, at) = (clock.today(), clock.now().naive_utc());
    importer::run(conn, lines, &scope, Some(actor.id), today, at, &mut |_, _| {})
        .map_err(AppError::from)
}
