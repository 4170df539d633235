//! The consultation records of a page of documents (the filings' list) in three queries,
//! whatever the page's size: the documents' consultations, their comments counted by
//! disposition in the database (never loaded one by one), and the documents' exemptions.

use std::collections::HashMap;

use diesel::prelude::*;

use super::super::document_row::{parsed, word};
use super::super::documents::id_strings;
use super::super::error::DbError;
use super::super::schema::{consultation_comments as cc, consultation_exemptions as ex};
use super::super::DbConn;
use super::{all, Stored};
use crate::domain::consultation::{Consultation, Disposition};
use crate::domain::ids::{ConsultationId, DocumentId};

/// The consultations of `documents`, each document's oldest first.
pub fn of_documents(
    conn: &mut DbConn,
    documents: &[DocumentId],
) -> Result<Vec<Consultation>, DbError> {
    use super::super::schema::consultations as c;
    all(c::table
        .filter(c::document_id.eq_any(id_strings(documents)))
        .order((c::created_at.asc(), c::id.asc()))
        .load::<Stored>(conn)?)
}

/// How many comments each of `consultations` received, by disposition (`None`: not disposed
/// yet): `(consultation, disposition, count)`, only for the pairs that have comments.
pub fn comment_counts(
    conn: &mut DbConn,
    consultations: &[ConsultationId],
) -> Result<Vec<(ConsultationId, Option<Disposition>, i64)>, DbError> {
    const T: &str = "consultation_comments";
    let rows: Vec<(String, Option<String>, i64)> = cc::table
        .filter(cc::consultation_id.eq_any(id_strings(consultations)))
        .group_by((cc::consultation_id, cc::disposition))
        .select((cc::consultation_id, cc::disposition, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, disposition, n)| {
            let disposition = disposition
                .as_deref()
                .map(|d| word(T, &id, "disposition", d, Disposition::parse))
                .transpose()?;
            Ok((parsed(T, &id, "consultation_id", &id)?, disposition, n))
        })
        .collect()
}

/// The reason of the latest exemption of each of `documents` that has one, by document id.
pub fn exemptions_of(
    conn: &mut DbConn,
    documents: &[DocumentId],
) -> Result<HashMap<String, String>, DbError> {
    let rows: Vec<(String, String)> = ex::table
        .filter(ex::document_id.eq_any(id_strings(documents)))
        .order((ex::recorded_at.asc(), ex::id.asc()))
        .select((ex::document_id, ex::reason))
        .load(conn)?;
    // Oldest first: a later exemption of a document replaces an earlier one.
    Ok(rows.into_iter().collect())
}
