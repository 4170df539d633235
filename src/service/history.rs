//! Tamper-evident history: making checkpoints (`normreg tick`, the daily scheduler, an admin's
//! request, each frozen catalogue) and verifying every chain and checkpoint (`normreg verify`,
//! the admin endpoint). The hashing rules are in `domain::history`.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::db::checkpoints::CheckpointRow;
use crate::db::{self, error::DbError, DbConn};
use crate::domain::history::{self, CheckpointFields, GENESIS};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::actor::Actor;

mod verify;
#[cfg(test)]
mod verify_tests;

pub use verify::{verify, verify_as};

/// A checkpoint as published.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Checkpoint {
    /// 1 for the first checkpoint, then one more each time.
    pub seq: i64,
    pub made_at: DateTime<Utc>,
    /// SHA-256 (hex) over the heads of the chains that moved since the previous checkpoint.
    pub root: String,
    /// The previous checkpoint's `hash` (64 zeros for the first).
    pub previous: String,
    /// SHA-256 (hex) over `previous`, `seq`, `made_at`, `root` and `chain_count`.
    pub hash: String,
    /// How many chains (documents and other subjects) the history holds.
    pub chain_count: i64,
    /// How many of them moved since the previous checkpoint.
    pub moved_count: i64,
}

impl From<CheckpointRow> for Checkpoint {
    fn from(r: CheckpointRow) -> Self {
        Checkpoint {
            seq: r.seq,
            made_at: r.made_at.and_utc(),
            root: r.root,
            previous: r.previous,
            hash: r.hash,
            chain_count: r.chain_count,
            moved_count: r.moved_count,
        }
    }
}

/// Makes a checkpoint of every chain that moved since the last one, in a write transaction of
/// its own (a bare connection); when nothing moved, the last checkpoint still covers
/// everything and is answered instead (`None` before the first event). Several instances may
/// run it at once: the loser of the race for the next `seq` answers the winner's.
pub fn checkpoint(conn: &mut DbConn, at: NaiveDateTime) -> Result<Option<Checkpoint>, AppError> {
    let made = db::write_tx(conn, |tx| {
        let latest = db::checkpoints::latest(tx)?;
        let moved = db::checkpoints::moved_heads(tx)?;
        if moved.is_empty() {
            return Ok(latest);
        }
        let seq = latest.as_ref().map_or(1, |l| l.seq + 1);
        let previous = latest.map_or_else(|| GENESIS.to_string(), |l| l.hash);
        let root = history::root(&moved);
        let chain_count = db::checkpoints::chain_count(tx)?;
        let made_at = history::stored_time(at);
        let hash = CheckpointFields { seq, made_at, root: &root, chain_count }.hash(&previous);
        let row = CheckpointRow {
            seq,
            made_at,
            root,
            previous,
            hash,
            chain_count,
            moved_count: moved.len() as i64,
        };
        db::checkpoints::insert(tx, &row, &moved)?;
        Ok::<_, DbError>(Some(row))
    });
    match made {
        Ok(row) => Ok(row.map(Checkpoint::from)),
        Err(DbError::UniqueViolation(_)) => {
            Ok(db::checkpoints::latest(conn)?.map(Checkpoint::from))
        }
        Err(e) => Err(e.into()),
    }
}

/// [`checkpoint`] on an admin's request.
pub fn checkpoint_now(
    conn: &mut DbConn,
    actor: &Actor,
    at: NaiveDateTime,
) -> Result<Option<Checkpoint>, AppError> {
    actor.require_any(&[Role::Admin])?;
    checkpoint(conn, at)
}

/// The published checkpoints, newest first.
pub fn checkpoints(
    conn: &mut DbConn,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Checkpoint>, i64), AppError> {
    let (rows, total) = db::checkpoints::page(conn, offset, limit)?;
    Ok((rows.into_iter().map(Checkpoint::from).collect(), total))
}

/// A document whose history changed.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangedDocument {
    pub document_id: String,
    /// Its 文号 or 登记号, when it has one (and the document row is still there).
    pub number: Option<String>,
    /// What was found, e.g. "event 3 edited".
    pub problems: Vec<String>,
}

/// A chain of another subject (policy, suggestion, account) whose history changed.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangedChain {
    pub chain: String,
    pub problems: Vec<String>,
}

/// A checkpoint that no longer verifies.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BadCheckpoint {
    pub seq: i64,
    pub problem: String,
}

/// What `verify` found: `intact` when every chain and checkpoint recomputes.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VerifyReport {
    pub intact: bool,
    pub chains: usize,
    pub events: usize,
    pub checkpoints: usize,
    pub documents: Vec<ChangedDocument>,
    pub chains_changed: Vec<ChangedChain>,
    pub checkpoints_failed: Vec<BadCheckpoint>,
}
