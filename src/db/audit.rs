//! Events of subjects that are not one document (the policy, a review suggestion, an account):
//! each subject's events form a hash chain of its own, like a document's (`db::history`).
//! [`record`] is the one way to write one, in the transaction of the change it records.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::DbError;
use super::history::{lock_heads, set_heads};
use super::schema::audit_events;
use super::DbConn;
use crate::domain::history::{self, AuditEventFields, Head, GENESIS};
use crate::domain::ids::UserId;

/// Records that `actor` (none: the system) did `action` to `subject` at `at`, with `detail`
/// (any JSON, e.g. the values before and after), appended to the subject's chain. Subjects are
/// named `kind` or `kind:id`: `policy`, `suggestion:<id>`, `consultation:<id>`,
/// `campaign:<id>`, `agency:<id>`, `user:<id>`.
pub fn record(
    conn: &mut DbConn,
    subject: &str,
    actor: Option<UserId>,
    at: NaiveDateTime,
    action: &str,
    detail: Option<&serde_json::Value>,
) -> Result<(), DbError> {
    if history::document_of_chain(subject).is_some() {
        return Err(DbError::internal("a document's events go to document_events"));
    }
    let chain = subject.to_string();
    let heads = lock_heads(conn, std::slice::from_ref(&chain))?;
    let (length, prev) = heads.get(&chain).cloned().unwrap_or((0, GENESIS.to_string()));
    let (seq, at) = (length + 1, history::stored_time(at));
    let actor = actor.map(|a| a.to_string());
    let detail = detail.map(|d| d.to_string());
    let hash = AuditEventFields {
        subject,
        seq,
        actor_id: actor.as_deref(),
        at,
        action,
        detail: detail.as_deref(),
    }
    .hash(&prev);
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::subject.eq(subject),
            audit_events::seq.eq(seq),
            audit_events::actor_id.eq(&actor),
            audit_events::at.eq(at),
            audit_events::action.eq(action),
            audit_events::detail.eq(&detail),
            audit_events::prev_hash.eq(&prev),
            audit_events::hash.eq(&hash),
        ))
        .execute(conn)?;
    set_heads(conn, &[Head { chain, length: seq, head: hash }])
}

/// One stored audit event with its links, as `verify` reads it.
#[derive(Clone, Debug, Queryable)]
pub struct StoredAuditEvent {
    pub id: i64,
    pub subject: String,
    pub seq: i64,
    pub actor_id: Option<String>,
    pub at: NaiveDateTime,
    pub action: String,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredAuditEvent {
    pub fn fields(&self, seq: i64) -> AuditEventFields<'_> {
        AuditEventFields {
            subject: &self.subject,
            seq,
            actor_id: self.actor_id.as_deref(),
            at: self.at,
            action: &self.action,
            detail: self.detail.as_deref(),
        }
    }
}

/// Every audit event, subject by subject, each in its stored order.
pub fn all(conn: &mut DbConn) -> Result<Vec<StoredAuditEvent>, DbError> {
    use audit_events as a;
    Ok(a::table
        .select((
            a::id,
            a::subject,
            a::seq,
            a::actor_id,
            a::at,
            a::action,
            a::detail,
            a::prev_hash,
            a::hash,
        ))
        .order((a::subject.asc(), a::seq.asc(), a::id.asc()))
        .load(conn)?)
}
