//! Citizens' review suggestions (审查建议) as stored: written by anyone, answered by the
//! filing authority they are addressed to.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::document_row::{parsed, parsed_opt, word};
use super::error::DbError;
use super::schema::review_suggestions;
use super::DbConn;
use crate::domain::ids::{AgencyId, SuggestionId};
use crate::domain::suggestion::{Suggestion, SuggestionStatus};

/// One row of `review_suggestions` as stored, field order as in the schema.
#[derive(Queryable, Insertable)]
#[diesel(table_name = review_suggestions)]
struct Stored {
    id: String,
    tracking_code: String,
    document_id: String,
    authority_id: String,
    content: String,
    contact: Option<String>,
    client_key: String,
    status: String,
    received_on: NaiveDate,
    due_on: NaiveDate,
    reply: Option<String>,
    outcome: Option<String>,
    replied_on: Option<NaiveDate>,
    replied_by: Option<String>,
    created_at: NaiveDateTime,
}

impl TryFrom<Stored> for Suggestion {
    type Error = DbError;

    fn try_from(s: Stored) -> Result<Self, DbError> {
        const T: &str = "review_suggestions";
        let id = &s.id;
        let status = word(T, id, "status", &s.status, SuggestionStatus::parse)?;
        Ok(Suggestion {
            id: parsed(T, id, "id", id)?,
            document_id: parsed(T, id, "document_id", &s.document_id)?,
            authority_id: parsed(T, id, "authority_id", &s.authority_id)?,
            replied_by: parsed_opt(T, id, "replied_by", s.replied_by.as_deref())?,
            status,
            tracking_code: s.tracking_code,
            content: s.content,
            contact: s.contact,
            client_key: s.client_key,
            received_on: s.received_on,
            due_on: s.due_on,
            reply: s.reply,
            outcome: s.outcome,
            replied_on: s.replied_on,
            created_at: s.created_at,
        })
    }
}

fn first(row: Option<Stored>) -> Result<Option<Suggestion>, DbError> {
    row.map(Suggestion::try_from).transpose()
}

pub fn insert(conn: &mut DbConn, s: &Suggestion) -> Result<(), DbError> {
    let row = Stored {
        id: s.id.to_string(),
        tracking_code: s.tracking_code.clone(),
        document_id: s.document_id.to_string(),
        authority_id: s.authority_id.to_string(),
        content: s.content.clone(),
        contact: s.contact.clone(),
        client_key: s.client_key.clone(),
        status: s.status.as_str().to_string(),
        received_on: s.received_on,
        due_on: s.due_on,
        reply: s.reply.clone(),
        outcome: s.outcome.clone(),
        replied_on: s.replied_on,
        replied_by: s.replied_by.map(|r| r.to_string()),
        created_at: s.created_at,
    };
    diesel::insert_into(review_suggestions::table).values(&row).execute(conn)?;
    Ok(())
}

pub fn find_by_code(conn: &mut DbConn, tracking_code: &str) -> Result<Option<Suggestion>, DbError> {
    first(
        review_suggestions::table
            .filter(review_suggestions::tracking_code.eq(tracking_code))
            .first(conn)
            .optional()?,
    )
}

pub fn find(conn: &mut DbConn, id: SuggestionId) -> Result<Option<Suggestion>, DbError> {
    first(review_suggestions::table.find(id.to_string()).first(conn).optional()?)
}

/// The suggestions an authority must answer, oldest deadline first.
pub fn addressed_to(
    conn: &mut DbConn,
    authority_id: AgencyId,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Suggestion>, i64), DbError> {
    let authority_id = authority_id.to_string();
    let of_authority = review_suggestions::authority_id.eq(&authority_id);
    let total = review_suggestions::table.filter(of_authority).count().get_result(conn)?;
    let rows: Vec<Stored> = review_suggestions::table
        .filter(of_authority)
        .order((
            review_suggestions::due_on.asc(),
            review_suggestions::created_at.asc(),
            review_suggestions::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    let rows = rows.into_iter().map(Suggestion::try_from).collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// Records the authority's reply.
pub fn save_reply(conn: &mut DbConn, s: &Suggestion) -> Result<(), DbError> {
    diesel::update(review_suggestions::table.find(s.id.to_string()))
        .set((
            review_suggestions::status.eq(s.status.as_str()),
            review_suggestions::reply.eq(&s.reply),
            review_suggestions::outcome.eq(&s.outcome),
            review_suggestions::replied_on.eq(s.replied_on),
            review_suggestions::replied_by.eq(s.replied_by.map(|r| r.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many suggestions one client address sent since `since`.
pub fn from_client_since(
    conn: &mut DbConn,
    client_key: &str,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(review_suggestions::table
        .filter(review_suggestions::client_key.eq(client_key))
        .filter(review_suggestions::created_at.gt(since))
        .count()
        .get_result(conn)?)
}
