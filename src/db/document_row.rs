//! A row of `documents` and the one place it becomes a [`Document`] and back. A stored id,
//! status or ending that does not parse is a [`DbError::Decode`] naming the row: a broken
//! row must never read as a draft, or as a document that has not ended.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::error::DbError;
use super::schema::documents;
use crate::domain::document::{Document, EndKind, Ended};
use crate::domain::lifecycle::Status;

/// One row of `documents` as read, field order as in the schema.
#[derive(Clone, Debug, Queryable)]
pub struct DocumentRow {
    pub id: String,
    pub lineage_id: String,
    pub version: i32,
    pub agency_id: String,
    pub status: String,
    pub title: String,
    pub body: String,
    pub revision: i32,
    pub provisional: bool,
    pub validity_years: Option<i32>,
    pub legal_basis: Option<String>,
    pub drafting_notes: Option<String>,
    pub affects_rights: bool,
    pub review_due_on: Option<NaiveDate>,
    pub meeting: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub issuance_number: Option<String>,
    pub registration_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub channel: Option<String>,
    pub early_effect_reason: Option<String>,
    pub ended_state: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub ended_reason: Option<String>,
    pub ended_by_document_id: Option<String>,
    pub supersedes_id: Option<String>,
    pub superseded_by_id: Option<String>,
    pub imported: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A document as written: every column, the texts borrowed (bodies can be long and imports
/// write hundreds at a time).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = documents, treat_none_as_null = true)]
pub struct DocumentWrite<'a> {
    id: String,
    lineage_id: String,
    version: i32,
    agency_id: String,
    status: &'static str,
    title: &'a str,
    body: &'a str,
    revision: i32,
    provisional: bool,
    validity_years: Option<i32>,
    legal_basis: Option<&'a str>,
    drafting_notes: Option<&'a str>,
    affects_rights: bool,
    review_due_on: Option<NaiveDate>,
    meeting: Option<&'a str>,
    decided_on: Option<NaiveDate>,
    issuance_number: Option<&'a str>,
    registration_number: Option<&'a str>,
    published_on: Option<NaiveDate>,
    effective_on: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    channel: Option<&'a str>,
    early_effect_reason: Option<&'a str>,
    ended_state: Option<&'static str>,
    ended_on: Option<NaiveDate>,
    ended_reason: Option<&'a str>,
    ended_by_document_id: Option<String>,
    supersedes_id: Option<String>,
    superseded_by_id: Option<String>,
    imported: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl<'a> From<&'a Document> for DocumentWrite<'a> {
    fn from(d: &'a Document) -> Self {
        let ended = d.ended.as_ref();
        Self {
            id: d.id.to_string(),
            lineage_id: d.lineage_id.to_string(),
            version: d.version,
            agency_id: d.agency_id.to_string(),
            status: d.status.as_str(),
            title: &d.title,
            body: &d.body,
            revision: d.revision,
            provisional: d.provisional,
            validity_years: d.validity_years,
            legal_basis: d.legal_basis.as_deref(),
            drafting_notes: d.drafting_notes.as_deref(),
            affects_rights: d.affects_rights,
            review_due_on: d.review_due_on,
            meeting: d.meeting.as_deref(),
            decided_on: d.decided_on,
            issuance_number: d.issuance_number.as_deref(),
            registration_number: d.registration_number.as_deref(),
            published_on: d.published_on,
            effective_on: d.effective_on,
            valid_until: d.valid_until,
            channel: d.channel.as_deref(),
            early_effect_reason: d.early_effect_reason.as_deref(),
            ended_state: ended.map(|e| e.kind.as_str()),
            ended_on: ended.map(|e| e.on),
            ended_reason: ended.and_then(|e| e.reason.as_deref()),
            ended_by_document_id: ended.and_then(|e| e.by).map(|b| b.to_string()),
            supersedes_id: d.supersedes_id.map(|s| s.to_string()),
            superseded_by_id: d.superseded_by_id.map(|s| s.to_string()),
            imported: d.imported,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// A stored value of `column` in row `row_id` of `table`, parsed, or the error naming them.
pub(crate) fn parsed<T>(
    table: &'static str,
    row_id: &dyn std::fmt::Display,
    column: &'static str,
    value: &str,
) -> Result<T, DbError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e| DbError::decode(table, row_id, column, format!("`{value}`: {e}")))
}

/// An optional stored value, parsed when present.
pub(crate) fn parsed_opt<T>(
    table: &'static str,
    row_id: &dyn std::fmt::Display,
    column: &'static str,
    value: Option<&str>,
) -> Result<Option<T>, DbError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value.map(|v| parsed(table, row_id, column, v)).transpose()
}

/// A stored word of the domain (a status, an outcome) read by its `parse`, or the error
/// naming the row: an unknown word is never taken for a default.
pub(crate) fn word<T>(
    table: &'static str,
    row_id: &dyn std::fmt::Display,
    column: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, DbError> {
    parse(value).ok_or_else(|| {
        DbError::decode(table, row_id, column, format!("unknown {column} `{value}`"))
    })
}

impl DocumentRow {
    /// How the document ended: a state and its day come together, or neither is stored.
    fn ended(&mut self) -> Result<Option<Ended>, DbError> {
        let broken = |cause: String| DbError::decode("documents", &self.id, "ended_state", cause);
        match (self.ended_state.as_deref(), self.ended_on) {
            (None, None) => Ok(None),
            (Some(state), Some(on)) => {
                let kind = word("documents", &self.id, "ended_state", state, EndKind::parse)?;
                let by = parsed_opt(
                    "documents",
                    &self.id,
                    "ended_by_document_id",
                    self.ended_by_document_id.as_deref(),
                )?;
                Ok(Some(Ended { kind, on, reason: self.ended_reason.take(), by }))
            }
            (Some(state), None) => Err(broken(format!("`{state}` without ended_on"))),
            (None, Some(on)) => Err(broken(format!("ended_on {on} without a state"))),
        }
    }
}

impl TryFrom<DocumentRow> for Document {
    type Error = DbError;

    fn try_from(mut r: DocumentRow) -> Result<Self, DbError> {
        const T: &str = "documents";
        let ended = r.ended()?;
        let id = &r.id;
        Ok(Document {
            id: parsed(T, id, "id", id)?,
            lineage_id: parsed(T, id, "lineage_id", &r.lineage_id)?,
            agency_id: parsed(T, id, "agency_id", &r.agency_id)?,
            status: word(T, id, "status", &r.status, Status::parse)?,
            supersedes_id: parsed_opt(T, id, "supersedes_id", r.supersedes_id.as_deref())?,
            superseded_by_id: parsed_opt(T, id, "superseded_by_id", r.superseded_by_id.as_deref())?,
            ended,
            version: r.version,
            title: r.title,
            body: r.body,
            revision: r.revision,
            provisional: r.provisional,
            validity_years: r.validity_years,
            legal_basis: r.legal_basis,
            drafting_notes: r.drafting_notes,
            affects_rights: r.affects_rights,
            review_due_on: r.review_due_on,
            meeting: r.meeting,
            decided_on: r.decided_on,
            issuance_number: r.issuance_number,
            registration_number: r.registration_number,
            published_on: r.published_on,
            effective_on: r.effective_on,
            valid_until: r.valid_until,
            channel: r.channel,
            early_effect_reason: r.early_effect_reason,
            imported: r.imported,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Rows read, as documents; the first broken row fails the read.
pub(crate) fn documents(rows: Vec<DocumentRow>) -> Result<Vec<Document>, DbError> {
    rows.into_iter().map(Document::try_from).collect()
}
