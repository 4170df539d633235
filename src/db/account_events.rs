//! The account events: who did what to which account, when. Every account change writes one
//! here, in the change's own transaction, through [`record`] and nothing else, so that the
//! history's hash chain can take them over in one place.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::DbError;
use super::schema::account_events;
use super::DbConn;
use crate::domain::account::AccountAction;

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

/// Writes one account event; call it inside the transaction of the change it records.
pub fn record(conn: &mut DbConn, event: AccountEvent<'_>) -> Result<(), DbError> {
    diesel::insert_into(account_events::table)
        .values((
            account_events::at.eq(event.at),
            account_events::actor_id.eq(event.actor_id),
            account_events::user_id.eq(event.user_id),
            account_events::action.eq(event.action.as_str()),
            account_events::detail.eq(event.detail.map(|d| d.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// The events of one account, oldest first.
pub fn of_user(conn: &mut DbConn, user_id: &str) -> Result<Vec<AccountEventRow>, DbError> {
    Ok(account_events::table
        .filter(account_events::user_id.eq(user_id))
        .order(account_events::id.asc())
        .load(conn)?)
}
