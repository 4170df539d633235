//! As-of reads: which published version of a document applied on a given day.

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::domain::document::Document;
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Status;
use crate::error::AppError;
use crate::service::scope::load_document;
use crate::service::Actor;

/// The version of a document of the caller's scope whose text applied on `date`: 404 when no
/// version was published by then.
pub fn text_on(
    conn: &mut DbConn,
    actor: &Actor,
    id: DocumentId,
    date: NaiveDate,
) -> Result<Document, AppError> {
    crate::service::dates::require_in_range(conn, &[("date", Some(date))])?;
    let doc = load_document(conn, actor, id)?;
    let versions = db::documents::versions(conn, doc.lineage_id)?;
    version_on(versions, date).ok_or(AppError::NotFound("version on that date"))
}

/// The latest published version that had taken effect on `date`, else the latest published by
/// then (not yet effective).
pub fn version_on(versions: Vec<Document>, date: NaiveDate) -> Option<Document> {
    let published: Vec<Document> = versions
        .into_iter()
        .filter(|v| v.status == Status::Published && v.published_on.is_some_and(|p| p <= date))
        .collect();
    let effective = published
        .iter()
        .filter(|v| v.effective_on.is_some_and(|e| e <= date))
        .max_by_key(|v| v.version)
        .cloned();
    effective.or_else(|| published.into_iter().max_by_key(|v| v.version))
}
