//! How the database's own errors become the service's: a unique violation that slipped past
//! the checks is a conflict to retry, an exhausted pool is "unavailable", the rest internal.

use crate::error::AppError;

/// Whether a diesel error is a unique-constraint violation, on either engine.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        // A unique violation that slipped past the checks is a race with another request.
        if is_unique_violation(&e) {
            return AppError::conflict(
                "unique_violation",
                "another request just wrote the same value; retry",
            );
        }
        AppError::Internal(format!("database: {e}"))
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(format!("pool: {e}"))
    }
}
