//! Importing documents issued before the service, with their real numbers and dates, whole or
//! not at all (the API; the command line calls `crate::importer` itself with its own progress).

use crate::db::DbConn;
use crate::domain::clock::Clock;
use crate::domain::import::{ImportLine, LineError};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::importer::{self, ImportFiles, ImportScope, ImportedItem, TextOrigin};
use crate::service::actor::Actor;

/// Imports the parsed `lines` (numbered from 1) as published documents: an admin for any
/// agency, a registrar for its own. One bad line imports nothing. An official text given
/// inline (base64) is checked as an upload, within `upload_limit` bytes.
///
/// `importer::run` opens its own write transaction, so `conn` is a bare connection.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    lines: Vec<(usize, Result<ImportLine, LineError>)>,
    upload_limit: u64,
) -> Result<Vec<ImportedItem>, AppError> {
    actor.require_any(&[Role::Admin, Role::Registrar])?;
    let scope = if actor.has(Role::Admin) {
        ImportScope::Any
    } else {
        ImportScope::Agency(actor.agency()?)
    };
    let (today, at) = (clock.today(), clock.now().naive_utc());
    // Official texts come only inline: the API never reads a path on the server.
    let files = ImportFiles { origin: TextOrigin::Inline, limit: upload_limit };
    importer::run(conn, lines, &scope, Some(actor.id), today, at, files, &mut |_, _| {})
        .map_err(AppError::from)
}
