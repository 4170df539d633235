//! Checkpoints of history: each commits to the heads of the chains that moved since the one
//! before (`checkpoint_heads`) and to that one's hash (`domain::history`). Only ever inserted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::DbError;
use super::schema::{checkpoint_heads, checkpoints, history_heads};
use super::{insert_many, DbConn};
use crate::domain::history::Head;

/// One row of `checkpoints`.
#[derive(Clone, Debug, Queryable, Insertable, PartialEq, Eq)]
#[diesel(table_name = checkpoints)]
pub struct CheckpointRow {
    pub seq: i64,
    pub made_at: NaiveDateTime,
    pub root: String,
    pub previous: String,
    pub hash: String,
    pub chain_count: i64,
    pub moved_count: i64,
}

pub fn latest(conn: &mut DbConn) -> Result<Option<CheckpointRow>, DbError> {
    Ok(checkpoints::table.order(checkpoints::seq.desc()).first(conn).optional()?)
}

/// Newest first.
pub fn page(
    conn: &mut DbConn,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CheckpointRow>, i64), DbError> {
    let total = checkpoints::table.count().get_result(conn)?;
    let rows =
        checkpoints::table.order(checkpoints::seq.desc()).offset(offset).limit(limit).load(conn)?;
    Ok((rows, total))
}

/// Oldest first, for `verify`.
pub fn all(conn: &mut DbConn) -> Result<Vec<CheckpointRow>, DbError> {
    Ok(checkpoints::table.order(checkpoints::seq.asc()).load(conn)?)
}

/// Every head a checkpoint committed to: `(checkpoint, head)`.
pub fn committed_heads(conn: &mut DbConn) -> Result<Vec<(i64, Head)>, DbError> {
    let rows: Vec<(i64, String, i64, String)> = checkpoint_heads::table
        .select((
            checkpoint_heads::checkpoint_seq,
            checkpoint_heads::chain,
            checkpoint_heads::length,
            checkpoint_heads::head,
        ))
        .order((checkpoint_heads::checkpoint_seq.asc(), checkpoint_heads::chain.asc()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(s, chain, length, head)| (s, Head { chain, length, head })).collect())
}

/// The heads of the chains that moved since the last checkpoint (at a length no checkpoint
/// committed to), in one statement: one snapshot of every head.
pub fn moved_heads(conn: &mut DbConn) -> Result<Vec<Head>, DbError> {
    let rows: Vec<(String, i64, String)> = history_heads::table
        .filter(history_heads::length.gt(0))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            checkpoint_heads::table
                .filter(checkpoint_heads::chain.eq(history_heads::chain))
                .filter(checkpoint_heads::length.eq(history_heads::length)),
        )))
        .select((history_heads::chain, history_heads::length, history_heads::head))
        .order(history_heads::chain.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(|(chain, length, head)| Head { chain, length, head }).collect())
}

/// How many chains hold at least one event.
pub fn chain_count(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(history_heads::table.filter(history_heads::length.gt(0)).count().get_result(conn)?)
}

/// Writes a checkpoint and the heads it commits to; a checkpoint of the same `seq` written
/// meanwhile by another instance is a unique violation.
pub fn insert(conn: &mut DbConn, row: &CheckpointRow, moved: &[Head]) -> Result<(), DbError> {
    diesel::insert_into(checkpoints::table).values(row).execute(conn)?;
    for chunk in moved.chunks(1_000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|h| {
                (
                    checkpoint_heads::checkpoint_seq.eq(row.seq),
                    checkpoint_heads::chain.eq(&h.chain),
                    checkpoint_heads::length.eq(h.length),
                    checkpoint_heads::head.eq(&h.head),
                )
            })
            .collect();
        insert_many!(conn, checkpoint_heads::table, &values)?;
    }
    Ok(())
}
