//! The account events: who did what to which account, when. Every account change writes one,
//! in the change's own transaction, through [`record`] and nothing else; each account's
//! events form a hash chain of their own in `audit_events` (subject `user:<id>`), verified
//! with every other chain by `normreg verify`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::DbError;
use super::schema::audit_events;
use super::DbConn;
use crate::domain::account::AccountAction;
use crate::domain::ids::UserId;

/// One stored account event.
#[derive(Clone, Debug, Queryable)]
pub struct AccountEventRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub user_id: String,
    pub action: String,
    pub detail: Option<String>,
}

/// An account event to record.
#[derive(Clone, Debug)]
pub struct AccountEvent<'a> {
    pub at: NaiveDateTime,
    /// Who acted: `None` for the operator's command line.
    pub actor_id: Option<&'a str>,
    /// The account acted upon.
    pub user_id: &'a str,
    pub action: AccountAction,
    /// What changed, as JSON (never a password or its hash).
    pub detail: Option<serde_json::Value>,
}

/// The chain of the account `user_id` in `audit_events`.
fn subject(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// Writes one account event onto the account's hash chain (`audit_events`, subject
/// `user:<id>`); call it inside the transaction of the change it records.
pub fn record(conn: &mut DbConn, event: AccountEvent<'_>) -> Result<(), DbError> {
    let actor = match event.actor_id {
        Some(id) => Some(id.parse::<UserId>().map_err(|_| DbError::internal("actor id"))?),
        None => None,
    };
    super::audit::record(
        conn,
        &subject(event.user_id),
        actor,
        event.at,
        event.action.as_str(),
        event.detail.as_ref(),
    )
}

/// id, at, actor_id, action, detail of one audit event, as [`of_user`] selects them.
type StoredColumns = (i64, NaiveDateTime, Option<String>, String, Option<String>);

/// The events of one account, oldest first.
pub fn of_user(conn: &mut DbConn, user_id: &str) -> Result<Vec<AccountEventRow>, DbError> {
    let rows: Vec<StoredColumns> = audit_events::table
        .filter(audit_events::subject.eq(subject(user_id)))
        .order(audit_events::seq.asc())
        .select((
            audit_events::id,
            audit_events::at,
            audit_events::actor_id,
            audit_events::action,
            audit_events::detail,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, at, actor_id, action, detail)| AccountEventRow {
            id,
            at,
            actor_id,
            user_id: user_id.to_string(),
            action,
            detail,
        })
        .collect())
}
