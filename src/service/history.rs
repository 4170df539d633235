//! Tamper-evident history: making checkpoints (`normreg tick`, the daily scheduler, an admin's
//! request, each frozen catalogue) and verifying every chain and checkpoint (`normreg verify`,
//! the admin endpoint). The hashing rules are in `domain::history`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::db::checkpoints::CheckpointRow;
use crate::db::{self, error::DbError, DbConn};
use crate::domain::history::{self, ChainProblem, CheckpointFields, Rehash, StoredLink, GENESIS};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::actor::Actor;

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

/// [`verify`] on an admin's request.
pub fn verify_as(conn: &mut DbConn, actor: &Actor) -> Result<VerifyReport, AppError> {
    actor.require_any(&[Role::Admin])?;
    verify(conn)
}

/// Problems found, by chain.
type Found = BTreeMap<String, Vec<ChainProblem>>;

/// Recomputes every chain and checkpoint from one snapshot of the database (a bare
/// connection) and names what changed.
pub fn verify(conn: &mut DbConn) -> Result<VerifyReport, AppError> {
    db::backup::in_snapshot(conn, |conn| {
        let heads: HashMap<String, (i64, String)> =
            db::history::heads(conn)?.into_iter().map(|h| (h.chain, (h.length, h.head))).collect();
        let mut walks = HashMap::new();
        let mut events = 0;
        let doc_events = db::history::document_events(conn)?;
        events += doc_events.len();
        for rows in doc_events.chunk_by(|a, b| a.document_id == b.document_id) {
            let links = rows.iter().map(|r| {
                let link = StoredLink {
                    id: r.id,
                    seq: r.seq,
                    prev_hash: r.prev_hash.as_deref(),
                    hash: r.hash.as_deref(),
                };
                let rehash: Rehash = Box::new(move |seq, prev| r.fields(seq).hash(prev));
                (link, rehash)
            });
            walks.insert(history::document_chain(&rows[0].document_id), history::walk(links));
        }
        let audit = db::audit::all(conn)?;
        events += audit.len();
        for rows in audit.chunk_by(|a, b| a.subject == b.subject) {
            let links = rows.iter().map(|r| {
                let link = StoredLink {
                    id: r.id,
                    seq: Some(r.seq),
                    prev_hash: Some(&r.prev_hash),
                    hash: Some(&r.hash),
                };
                let rehash: Rehash = Box::new(move |seq, prev| r.fields(seq).hash(prev));
                (link, rehash)
            });
            walks.insert(rows[0].subject.clone(), history::walk(links));
        }
        let mut found = Found::new();
        for (chain, walk) in &walks {
            let head = heads.get(chain).map(|(n, h)| (*n, h.as_str()));
            if let Some(p) = walk.against_head(head) {
                found.entry(chain.clone()).or_default().push(p);
            }
        }
        for (chain, (length, _)) in &heads {
            if *length > 0 && !walks.contains_key(chain) {
                let p = ChainProblem::Truncated { events: 0, head: *length };
                found.entry(chain.clone()).or_default().push(p);
            }
        }
        let (checkpoints, failed) = verify_checkpoints(conn, &walks, &mut found)?;
        report(conn, found, walks.len(), events, checkpoints, failed)
    })
}

/// Walks the checkpoints in order: each links to the previous, its root is over the heads it
/// lists, and each of those heads is what the chain recomputes to at that length now.
fn verify_checkpoints(
    conn: &mut DbConn,
    walks: &HashMap<String, history::Walk>,
    found: &mut Found,
) -> Result<(usize, Vec<BadCheckpoint>), AppError> {
    let rows = db::checkpoints::all(conn)?;
    let mut committed: BTreeMap<i64, Vec<history::Head>> = BTreeMap::new();
    for (seq, head) in db::checkpoints::committed_heads(conn)? {
        committed.entry(seq).or_default().push(head);
    }
    let mut failed = Vec::new();
    let mut previous = GENESIS.to_string();
    for (expected, row) in (1_i64..).zip(&rows) {
        let heads = committed.remove(&row.seq).unwrap_or_default();
        let fields = CheckpointFields {
            seq: row.seq,
            made_at: row.made_at,
            root: &row.root,
            chain_count: row.chain_count,
        };
        let problem = if row.seq != expected {
            Some(format!("checkpoint {expected} is missing"))
        } else if row.previous != previous {
            Some("does not link to the previous checkpoint".to_string())
        } else if row.hash != fields.hash(&row.previous) {
            Some("its hash does not match its fields".to_string())
        } else if row.root != history::root(&heads) {
            Some("its root does not match the heads it lists".to_string())
        } else {
            None
        };
        let mut rewritten = 0;
        for h in &heads {
            let now = walks.get(&h.chain).and_then(|w| w.at_length(h.length));
            if now != Some(h.head.as_str()) {
                rewritten += 1;
                let p = ChainProblem::Rewritten { checkpoint: row.seq };
                found.entry(h.chain.clone()).or_default().push(p);
            }
        }
        if let Some(problem) = problem {
            failed.push(BadCheckpoint { seq: row.seq, problem });
        } else if rewritten > 0 {
            let problem = format!("{rewritten} chain(s) no longer match what it committed to");
            failed.push(BadCheckpoint { seq: row.seq, problem });
        }
        previous = row.hash.clone();
    }
    Ok((rows.len(), failed))
}

fn report(
    conn: &mut DbConn,
    found: Found,
    chains: usize,
    events: usize,
    checkpoints: usize,
    checkpoints_failed: Vec<BadCheckpoint>,
) -> Result<VerifyReport, AppError> {
    let mut documents = Vec::new();
    let mut chains_changed = Vec::new();
    for (chain, problems) in found {
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        match history::document_of_chain(&chain) {
            Some(id) => {
                let number = match id.parse() {
                    Ok(id) => db::documents::find(conn, id)?
                        .and_then(|d| d.issuance_number.or(d.registration_number)),
                    Err(_) => None,
                };
                documents.push(ChangedDocument { document_id: id.to_string(), number, problems });
            }
            None => chains_changed.push(ChangedChain { chain, problems }),
        }
    }
    Ok(VerifyReport {
        intact: documents.is_empty() && chains_changed.is_empty() && checkpoints_failed.is_empty(),
        chains,
        events,
        checkpoints,
        documents,
        chains_changed,
        checkpoints_failed,
    })
}
