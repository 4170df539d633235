//! `normreg verify` and the admin endpoint: every chain and checkpoint recomputed from one
//! snapshot of the database. Document events are read a page of documents at a time and each
//! chain is checked (against its head, and against what every checkpoint committed to) as soon
//! as it is walked, so memory holds one page, the heads and the checkpoints' heads, never the
//! whole history: a registry of a million documents has millions of events.

use std::collections::{BTreeMap, HashMap};

use super::{BadCheckpoint, ChangedChain, ChangedDocument, VerifyReport};
use crate::db::{self, DbConn};
use crate::domain::history::{self, ChainProblem, CheckpointFields, Rehash, StoredLink, GENESIS};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::actor::Actor;

/// Documents whose events are read and walked together.
const DOCUMENTS_PER_PAGE: i64 = 1_000;

/// [`verify`] on an admin's request.
pub fn verify_as(conn: &mut DbConn, actor: &Actor) -> Result<VerifyReport, AppError> {
    actor.require_any(&[Role::Admin])?;
    verify(conn)
}

/// Recomputes every chain and checkpoint from one snapshot of the database (a bare
/// connection) and names what changed.
pub fn verify(conn: &mut DbConn) -> Result<VerifyReport, AppError> {
    verify_in_pages(conn, DOCUMENTS_PER_PAGE)
}

/// [`verify`], reading the events of `per_page` documents at a time.
pub(super) fn verify_in_pages(conn: &mut DbConn, per_page: i64) -> Result<VerifyReport, AppError> {
    db::backup::in_snapshot(conn, |conn| {
        let heads = db::history::heads(conn)?.into_iter().map(|h| (h.chain, (h.length, h.head)));
        let (checkpoints, committed) = checkpoints_as_stored(conn)?;
        let mut tally = Tally {
            heads: heads.collect(),
            committed,
            rewritten: BTreeMap::new(),
            found: BTreeMap::new(),
            chains: 0,
            events: 0,
        };
        let mut after: Option<String> = None;
        loop {
            let page = db::history::document_events_page(conn, after.as_deref(), per_page)?;
            let Some(last) = page.last() else { break };
            after = Some(last.document_id.clone());
            for rows in page.chunk_by(|a, b| a.document_id == b.document_id) {
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
                let chain = history::document_chain(&rows[0].document_id);
                tally.check(chain, rows.len(), history::walk(links));
            }
        }
        let audit = db::audit::all(conn)?;
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
            tally.check(rows[0].subject.clone(), rows.len(), history::walk(links));
        }
        let (found, counts) = tally.unwalked();
        let checkpoint_count = checkpoints.len();
        let failed = checkpoint_failures(checkpoints, &counts.rewritten);
        report(conn, found, counts.chains, counts.events, checkpoint_count, failed)
    })
}

/// Problems found, by chain.
type Found = BTreeMap<String, Vec<ChainProblem>>;

/// What a checkpoint committed to for one chain: `(checkpoint, length, head)`.
type Commitment = (i64, i64, String);

/// A checkpoint's `seq`, and what its stored fields fail (`None`: nothing).
type CheckedCheckpoint = (i64, Option<String>);

/// What the checkpoints committed to, by chain.
type Commitments = HashMap<String, Vec<Commitment>>;

/// The checks of the chains walked so far, and what is left to check.
struct Tally {
    /// The stored heads of the chains not walked yet.
    heads: HashMap<String, (i64, String)>,
    /// What the checkpoints committed to, for the chains not walked yet, in checkpoint order.
    committed: Commitments,
    /// Per checkpoint, how many chains no longer recompute to what it committed to.
    rewritten: BTreeMap<i64, usize>,
    found: Found,
    chains: usize,
    events: usize,
}

impl Tally {
    /// Checks the chain just walked against its stored head and every checkpoint, then
    /// forgets both.
    fn check(&mut self, chain: String, events: usize, walk: history::Walk) {
        self.chains += 1;
        self.events += events;
        let head = self.heads.remove(&chain);
        let mut problems = Vec::new();
        if let Some(p) = walk.against_head(head.as_ref().map(|(n, h)| (*n, h.as_str()))) {
            problems.push(p);
        }
        for (checkpoint, length, committed) in self.committed.remove(&chain).unwrap_or_default() {
            if walk.at_length(length) != Some(committed.as_str()) {
                *self.rewritten.entry(checkpoint).or_default() += 1;
                problems.push(ChainProblem::Rewritten { checkpoint });
            }
        }
        if !problems.is_empty() {
            self.found.entry(chain).or_default().extend(problems);
        }
    }

    /// The chains never walked: a head with no events is a truncated chain, and a checkpoint
    /// that committed to a chain with no events now was rewritten. Answers what was found,
    /// the counts, and the rewritten chains per checkpoint.
    fn unwalked(mut self) -> (Found, Counts) {
        for (chain, (length, _)) in self.heads {
            if length > 0 {
                let p = ChainProblem::Truncated { events: 0, head: length };
                self.found.entry(chain).or_default().push(p);
            }
        }
        for (chain, commitments) in self.committed {
            for (checkpoint, _, _) in commitments {
                *self.rewritten.entry(checkpoint).or_default() += 1;
                self.found
                    .entry(chain.clone())
                    .or_default()
                    .push(ChainProblem::Rewritten { checkpoint });
            }
        }
        let counts = Counts { chains: self.chains, events: self.events, rewritten: self.rewritten };
        (self.found, counts)
    }
}

/// How much was verified, and the rewritten chains per checkpoint.
struct Counts {
    chains: usize,
    events: usize,
    rewritten: BTreeMap<i64, usize>,
}

/// The checkpoints in order, each with what its stored fields fail (`None`: it links to the
/// previous one, its hash matches its fields and its root the heads it lists), and what they
/// committed to, by chain.
fn checkpoints_as_stored(
    conn: &mut DbConn,
) -> Result<(Vec<CheckedCheckpoint>, Commitments), AppError> {
    let rows = db::checkpoints::all(conn)?;
    let mut listed: BTreeMap<i64, Vec<history::Head>> = BTreeMap::new();
    for (seq, head) in db::checkpoints::committed_heads(conn)? {
        listed.entry(seq).or_default().push(head);
    }
    let mut checked = Vec::with_capacity(rows.len());
    let mut by_chain = Commitments::new();
    let mut previous = GENESIS.to_string();
    for (expected, row) in (1_i64..).zip(&rows) {
        let heads = listed.remove(&row.seq).unwrap_or_default();
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
        checked.push((row.seq, problem));
        for h in heads {
            by_chain.entry(h.chain).or_default().push((row.seq, h.length, h.head));
        }
        previous = row.hash.clone();
    }
    Ok((checked, by_chain))
}

/// The checkpoints that fail: by their own fields first, else by the chains that no longer
/// recompute to what they committed to (`rewritten`, per checkpoint).
fn checkpoint_failures(
    checkpoints: Vec<CheckedCheckpoint>,
    rewritten: &BTreeMap<i64, usize>,
) -> Vec<BadCheckpoint> {
    let mut failed = Vec::new();
    for (seq, problem) in checkpoints {
        let rewritten = rewritten.get(&seq).copied().unwrap_or(0);
        if let Some(problem) = problem {
            failed.push(BadCheckpoint { seq, problem });
        } else if rewritten > 0 {
            let problem = format!("{rewritten} chain(s) no longer match what it committed to");
            failed.push(BadCheckpoint { seq, problem });
        }
    }
    failed
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
