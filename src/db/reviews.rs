//! Legality review opinions, one row per opinion. Findings and responses are stored as JSON
//! and decoded strictly here: a column that does not decode is an error naming the review,
//! never "no findings", which would let a resubmission pass without answering them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::document_row::{parsed, word};
use super::error::DbError;
use super::schema::reviews;
use super::DbConn;
use crate::domain::ids::{DocumentId, ReviewId};
use crate::domain::lifecycle::Conclusion;
use crate::domain::review::Review;

/// One row of `reviews`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = reviews)]
struct ReviewRow {
    id: String,
    document_id: String,
    revision: i32,
    reviewer_id: String,
    conclusion: String,
    opinion: String,
    findings: String,
    responses: Option<String>,
    due_on: Option<NaiveDate>,
    created_at: NaiveDateTime,
}

/// A JSON column of review `id`, decoded.
fn json<T: serde::de::DeserializeOwned>(
    id: &str,
    column: &'static str,
    raw: &str,
) -> Result<T, DbError> {
    serde_json::from_str(raw).map_err(|e| DbError::decode("reviews", id, column, e))
}

fn encoded<T: serde::Serialize>(
    id: ReviewId,
    column: &'static str,
    v: &T,
) -> Result<String, DbError> {
    serde_json::to_string(v).map_err(|e| DbError::decode("reviews", id, column, e))
}

impl TryFrom<ReviewRow> for Review {
    type Error = DbError;

    fn try_from(r: ReviewRow) -> Result<Self, DbError> {
        let conclusion = word("reviews", &r.id, "conclusion", &r.conclusion, Conclusion::parse)?;
        Ok(Review {
            document_id: parsed("reviews", &r.id, "document_id", &r.document_id)?,
            reviewer_id: parsed("reviews", &r.id, "reviewer_id", &r.reviewer_id)?,
            findings: json(&r.id, "findings", &r.findings)?,
            responses: r
                .responses
                .as_deref()
                .map(|raw| json(&r.id, "responses", raw))
                .transpose()?,
            id: parsed("reviews", &r.id, "id", &r.id)?,
            conclusion,
            revision: r.revision,
            opinion: r.opinion,
            due_on: r.due_on,
            created_at: r.created_at,
        })
    }
}

pub fn insert(conn: &mut DbConn, review: &Review) -> Result<(), DbError> {
    let row = ReviewRow {
        id: review.id.to_string(),
        document_id: review.document_id.to_string(),
        revision: review.revision,
        reviewer_id: review.reviewer_id.to_string(),
        conclusion: review.conclusion.as_str().to_string(),
        opinion: review.opinion.clone(),
        findings: encoded(review.id, "findings", &review.findings)?,
        responses: review
            .responses
            .as_ref()
            .map(|r| encoded(review.id, "responses", r))
            .transpose()?,
        due_on: review.due_on,
        created_at: review.created_at,
    };
    diesel::insert_into(reviews::table).values(&row).execute(conn)?;
    Ok(())
}

/// The opinions on a document, oldest first.
pub fn of_document(conn: &mut DbConn, document_id: DocumentId) -> Result<Vec<Review>, DbError> {
    let rows: Vec<ReviewRow> = reviews::table
        .filter(reviews::document_id.eq(document_id.to_string()))
        .order(reviews::created_at.asc())
        .load(conn)?;
    rows.into_iter().map(Review::try_from).collect()
}

/// Records the drafter's responses on the review they answer.
pub fn set_responses(
    conn: &mut DbConn,
    review_id: ReviewId,
    responses: &serde_json::Value,
) -> Result<(), DbError> {
    let json = encoded(review_id, "responses", responses)?;
    diesel::update(reviews::table.find(review_id.to_string()))
        .set(reviews::responses.eq(json))
        .execute(conn)?;
    Ok(())
}
