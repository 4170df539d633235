//! Automatic expiry (规范性文件自动失效): on each day, every document whose validity ran out
//! records its `expired` event, with no person acting. The scheduler of `serve`, `normreg
//! expire` and the demo run it; several instances may run it at once (it is idempotent).

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::{self, DbConn};
use crate::error::AppError;

/// Records the expiry of everything valid until before `as_of`; answers how many expired.
/// It is one write transaction of its own, so call it outside one (`Db::write_statement`).
/// `as_of` must lie within the policy's date range (`normreg expire --as-of` takes any date).
pub fn expire_due(
    conn: &mut DbConn,
    as_of: NaiveDate,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    crate::service::dates::require_in_range(conn, &[("as_of", Some(as_of))])?;
    Ok(db::expiry::expire_due(conn, as_of, at)?)
}
