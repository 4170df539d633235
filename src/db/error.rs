//! The storage layer's own errors, and (only here) how each becomes an HTTP problem: a unique
//! violation that slipped past the checks is a conflict to retry, an exhausted pool is
//! "unavailable", a stored value that does not decode is a broken row (500, named in the log),
//! the rest internal. `crate::error` knows nothing of the database.

use crate::error::AppError;

/// Everything a function of `src/db/` can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique index refused a write: another request wrote the same value first.
    #[error("unique violation: {0}")]
    UniqueViolation(diesel::result::Error),
    /// No connection could be had from the pool.
    #[error("pool: {0}")]
    Unavailable(#[from] diesel::r2d2::PoolError),
    /// A statement failed.
    #[error("database: {0}")]
    Query(diesel::result::Error),
    /// A stored value the domain cannot read: the row is broken, never read as a default.
    #[error("{table} {id}: stored {column} cannot be read: {cause}")]
    Decode { table: &'static str, id: String, column: &'static str, cause: String },
    /// Registration re-checks the status as it numbers: another request moved the document
    /// since it was loaded.
    #[error("the document is no longer `adopted`; it was registered or changed meanwhile")]
    NoLongerAdopted,
    /// A number series of the year has no row, even after it was created.
    #[error("number series row missing")]
    SeriesMissing,
    /// The holiday calendar was given a year chrono cannot hold.
    #[error("{0} is not a calendar year")]
    NotACalendarYear(i32),
    /// A broken invariant of the storage itself (set-up, migrations, a value out of range).
    #[error("{0}")]
    Internal(String),
}

impl DbError {
    pub fn internal(cause: impl Into<String>) -> Self {
        Self::Internal(cause.into())
    }

    /// A stored value of `column` in row `id` of `table` that does not decode.
    pub fn decode(
        table: &'static str,
        id: impl ToString,
        column: &'static str,
        cause: impl ToString,
    ) -> Self {
        Self::Decode { table, id: id.to_string(), column, cause: cause.to_string() }
    }
}

/// Whether a diesel error is a unique-constraint violation, on either engine.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

impl From<diesel::result::Error> for DbError {
    fn from(e: diesel::result::Error) -> Self {
        if is_unique_violation(&e) {
            DbError::UniqueViolation(e)
        } else {
            DbError::Query(e)
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            // A unique violation that slipped past the checks is a race with another request.
            DbError::UniqueViolation(_) => AppError::conflict(
                "unique_violation",
                "another request just wrote the same value; retry",
            ),
            DbError::Unavailable(e) => AppError::Unavailable(format!("pool: {e}")),
            DbError::NoLongerAdopted => AppError::conflict("invalid_transition", e.to_string()),
            DbError::SeriesMissing => AppError::conflict("series_missing", e.to_string()),
            DbError::NotACalendarYear(_) => AppError::invalid("year", e.to_string()),
            DbError::Internal(cause) => AppError::Internal(cause),
            DbError::Query(_) | DbError::Decode { .. } => AppError::Internal(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    #[test]
    fn each_storage_error_keeps_its_http_answer() {
        let status = |e: DbError| AppError::from(e).status_code().as_u16();
        let unique = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate".to_string()),
        );
        assert_eq!(AppError::from(DbError::from(unique)).code(), "unique_violation");
        assert_eq!(status(DbError::NoLongerAdopted), 409);
        assert_eq!(status(DbError::NotACalendarYear(300_000)), 422);
        assert_eq!(status(DbError::Query(diesel::result::Error::NotFound)), 500);
        let broken = DbError::decode("documents", "d-1", "status", "unknown word `publishd`");
        assert!(broken.to_string().contains("documents d-1"), "{broken}");
        assert_eq!(status(broken), 500);
    }
}
