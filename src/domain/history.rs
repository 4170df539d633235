//! Tamper-evident history: the canonical encoding of an event, the hash chain that links a
//! chain's events, and the checkpoint that commits to every chain head and to the checkpoint
//! before it (the Certificate Transparency idea: whoever kept a checkpoint can later prove that
//! the history before it was not rewritten).
//!
//! Every stored event is hashed as `SHA-256(prev_hash ‖ tag ‖ field ‖ field …)`, hex. A field
//! is `len:bytes` (its UTF-8 length in decimal, a colon, the bytes) or `~` when absent, so that
//! no two lists of fields encode alike (`"ab","c"` is not `"a","bc"`, `None` is not `""`). The
//! encoding is simple enough to be rebuilt in SQL (PostgreSQL's registration function does):
//! change it and the migrations' `normreg_register` must change with it.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// The hash before the first event of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Tags that keep the hash of one kind of record from ever equalling another kind's.
const DOCUMENT_TAG: &str = "normreg/document-event/1";
const AUDIT_TAG: &str = "normreg/audit-event/1";
const CHECKPOINT_TAG: &str = "normreg/checkpoint/1";
const ROOT_TAG: &str = "normreg/checkpoint-heads/1";

/// The chain of a document's events, among every chain of the registry.
pub fn document_chain(document_id: &str) -> String {
    format!("document:{document_id}")
}

/// The document a chain name belongs to, if it is a document's chain.
pub fn document_of_chain(chain: &str) -> Option<&str> {
    chain.strip_prefix("document:")
}

/// An event's time as hashed: microseconds, which both engines store exactly.
pub fn time_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// `at` cut to whole microseconds, so that what is hashed is what is stored (PostgreSQL keeps
/// microseconds; SQLite would keep nanoseconds as written).
pub fn stored_time(at: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    at.with_nanosecond(at.nanosecond() / 1_000 * 1_000).unwrap_or(at)
}

/// Appends one field to an encoding.
fn field(out: &mut String, value: Option<&str>) {
    match value {
        Some(v) => {
            out.push_str(&v.len().to_string());
            out.push(':');
            out.push_str(v);
        }
        None => out.push('~'),
    }
}

fn encode(tag: &str, fields: &[Option<&str>]) -> String {
    let mut out = String::new();
    field(&mut out, Some(tag));
    for f in fields {
        field(&mut out, *f);
    }
    out
}

/// Lower-case hex SHA-256 of `prev ‖ encoding`.
fn chained(prev: &str, encoding: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(encoding.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The fields of one document event, as stored (`payload` is the stored JSON text, hashed
/// byte for byte).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentEventFields<'a> {
    pub document_id: &'a str,
    pub seq: i64,
    pub actor_id: Option<&'a str>,
    pub at: NaiveDateTime,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub payload: Option<&'a str>,
}

impl DocumentEventFields<'_> {
    /// The canonical encoding (without the previous hash).
    pub fn canonical(&self) -> String {
        let (seq, at) = (self.seq.to_string(), time_text(self.at));
        encode(
            DOCUMENT_TAG,
            &[
                Some(self.document_id),
                Some(&seq),
                self.actor_id,
                Some(&at),
                Some(self.action),
                self.from_status,
                self.to_status,
                self.reason,
                self.payload,
            ],
        )
    }

    /// This event's hash after `prev`.
    pub fn hash(&self, prev: &str) -> String {
        chained(prev, &self.canonical())
    }
}

/// The fields of one event of a subject that is not a document (policy, suggestion, user).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEventFields<'a> {
    pub subject: &'a str,
    pub seq: i64,
    pub actor_id: Option<&'a str>,
    pub at: NaiveDateTime,
    pub action: &'a str,
    pub detail: Option<&'a str>,
}

impl AuditEventFields<'_> {
    pub fn hash(&self, prev: &str) -> String {
        let (seq, at) = (self.seq.to_string(), time_text(self.at));
        chained(
            prev,
            &encode(
                AUDIT_TAG,
                &[
                    Some(self.subject),
                    Some(&seq),
                    self.actor_id,
                    Some(&at),
                    Some(self.action),
                    self.detail,
                ],
            ),
        )
    }
}

/// A chain's head: how many events it holds and the hash of the last one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Head {
    pub chain: String,
    pub length: i64,
    pub head: String,
}

/// The root of a checkpoint: a hash over the heads of the chains that moved since the
/// previous checkpoint, sorted by chain. With the previous checkpoint's hash in each
/// checkpoint's own hash, the latest checkpoint commits to every head ever checkpointed: a
/// chain that did not move is committed to by the checkpoint that last saw it move.
pub fn root(heads: &[Head]) -> String {
    let mut sorted: Vec<&Head> = heads.iter().collect();
    sorted.sort();
    let mut out = String::new();
    for h in sorted {
        let length = h.length.to_string();
        out.push_str(&encode(ROOT_TAG, &[Some(&h.chain), Some(&length), Some(&h.head)]));
    }
    chained(GENESIS, &out)
}

/// What a checkpoint's own hash covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointFields<'a> {
    pub seq: i64,
    pub made_at: NaiveDateTime,
    pub root: &'a str,
    pub chain_count: i64,
}

impl CheckpointFields<'_> {
    /// The checkpoint's hash after the previous checkpoint's (`GENESIS` for the first).
    pub fn hash(&self, previous: &str) -> String {
        let (seq, at, count) =
            (self.seq.to_string(), time_text(self.made_at), self.chain_count.to_string());
        chained(
            previous,
            &encode(CHECKPOINT_TAG, &[Some(&seq), Some(&at), Some(self.root), Some(&count)]),
        )
    }
}

/// One stored event's place in its chain, as read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredLink<'a> {
    /// The row's id: ids grow with the order events were written.
    pub id: i64,
    pub seq: Option<i64>,
    pub prev_hash: Option<&'a str>,
    pub hash: Option<&'a str>,
}

/// Recomputes one stored event's hash from its fields: `(seq, prev) -> hash`.
pub type Rehash<'a> = Box<dyn Fn(i64, &str) -> String + 'a>;

/// What is wrong with a chain, first thing found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainProblem {
    /// An event carries no position or hash.
    Unchained { position: i64 },
    /// Events are missing before this position (deleted).
    Missing { position: i64 },
    /// Events were moved out of the order they were written in.
    Reordered { position: i64 },
    /// The event at this position is not what was hashed (edited).
    Edited { position: i64 },
    /// The chain is shorter than its head says (its last events deleted).
    Truncated { events: i64, head: i64 },
    /// The chain's head does not match its events.
    HeadMismatch,
    /// Events whose chain has no head at all.
    NoHead,
    /// A checkpoint committed to another history of this chain.
    Rewritten { checkpoint: i64 },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unchained { position } => write!(f, "event {position} is not chained"),
            Self::Missing { position } => write!(f, "events deleted before event {position}"),
            Self::Reordered { position } => write!(f, "events reordered at event {position}"),
            Self::Edited { position } => write!(f, "event {position} edited"),
            Self::Truncated { events, head } => {
                write!(f, "events deleted: {events} left of {head}")
            }
            Self::HeadMismatch => write!(f, "the chain's head does not match its events"),
            Self::NoHead => write!(f, "events without a chain head"),
            Self::Rewritten { checkpoint } => {
                write!(f, "history differs from what checkpoint {checkpoint} committed to")
            }
        }
    }
}

/// A chain walked: the hash of each event recomputed from its stored fields (in stored
/// order), and the first problem found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Walk {
    pub recomputed: Vec<String>,
    pub problem: Option<ChainProblem>,
}

impl Walk {
    /// The recomputed head after `length` events, if the chain is that long.
    pub fn at_length(&self, length: i64) -> Option<&str> {
        let i = usize::try_from(length).ok()?.checked_sub(1)?;
        self.recomputed.get(i).map(String::as_str)
    }

    /// The first problem, or one with the stored head (`None`: the chain has no head row).
    pub fn against_head(&self, head: Option<(i64, &str)>) -> Option<ChainProblem> {
        if self.problem.is_some() {
            return self.problem.clone();
        }
        let events = self.recomputed.len() as i64;
        match head {
            None if events > 0 => Some(ChainProblem::NoHead),
            None => None,
            Some((length, _)) if length > events => {
                Some(ChainProblem::Truncated { events, head: length })
            }
            Some((length, hash)) if length != events || self.at_length(length) != Some(hash) => {
                Some(ChainProblem::HeadMismatch)
            }
            Some(_) => None,
        }
    }
}

/// Walks one chain's events in stored order (by position): `rehash(seq, prev)` recomputes an
/// event's hash from its stored fields. Each event is hashed after the previous event's
/// recomputed hash, so an edit shows at the edited event and every checkpoint after it.
pub fn walk<'a>(links: impl IntoIterator<Item = (StoredLink<'a>, Rehash<'a>)>) -> Walk {
    let mut out = Walk::default();
    let mut prev = GENESIS.to_string();
    let mut last_id = i64::MIN;
    for (expected, (link, rehash)) in (1_i64..).zip(links) {
        let seq = link.seq.unwrap_or(expected);
        let hash = rehash(seq, &prev);
        let problem = match link.seq {
            _ if link.hash.is_none() || link.seq.is_none() => {
                Some(ChainProblem::Unchained { position: expected })
            }
            Some(s) if s > expected => Some(ChainProblem::Missing { position: s }),
            Some(s) if s < expected => Some(ChainProblem::Reordered { position: s }),
            _ if link.id < last_id => Some(ChainProblem::Reordered { position: expected }),
            _ if link.prev_hash != Some(prev.as_str()) || link.hash != Some(hash.as_str()) => {
                Some(ChainProblem::Edited { position: expected })
            }
            _ => None,
        };
        if out.problem.is_none() {
            out.problem = problem;
        }
        last_id = link.id;
        prev = hash.clone();
        out.recomputed.push(hash);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        "2026-03-02T08:30:00.123456".parse().unwrap()
    }

    fn event() -> DocumentEventFields<'static> {
        DocumentEventFields {
            document_id: "d1",
            seq: 1,
            actor_id: Some("u1"),
            at: at(),
            action: "submitted",
            from_status: Some("draft"),
            to_status: Some("under_review"),
            reason: None,
            payload: Some("{\"a\":1}"),
        }
    }

    #[test]
    fn the_encoding_is_length_prefixed_with_a_mark_for_absent_fields() {
        assert_eq!(
            event().canonical(),
            "24:normreg/document-event/12:d11:12:u126:2026-03-02T08:30:00.1234569:submitted\
             5:draft12:under_review~7:{\"a\":1}"
        );
    }

    #[test]
    fn shifting_bytes_between_fields_or_emptying_one_changes_the_hash() {
        let e = event();
        let shifted = DocumentEventFields { action: "submitte", reason: Some("d"), ..e.clone() };
        assert_ne!(e.hash(GENESIS), shifted.hash(GENESIS));
        let empty = DocumentEventFields { reason: Some(""), ..e.clone() };
        assert_ne!(e.hash(GENESIS), empty.hash(GENESIS));
    }

    #[test]
    fn the_hash_depends_on_the_previous_hash_and_the_position() {
        let e = event();
        let h = e.hash(GENESIS);
        assert_eq!(h.len(), 64);
        assert_ne!(h, e.hash(&h));
        assert_ne!(h, DocumentEventFields { seq: 2, ..e.clone() }.hash(GENESIS));
        // Known answer: the encoding above after 64 zeros, as `sha256sum` computes it.
        assert_eq!(h, "5c45e0fc419c1a8d1bd3983276c0f2d0a381a622aa5135c841b070ad50ce00ea");
    }

    #[test]
    fn times_are_hashed_to_the_microsecond_as_stored() {
        let fine: NaiveDateTime = "2026-03-02T08:30:00.123456789".parse().unwrap();
        assert_eq!(stored_time(fine), at());
        assert_eq!(time_text(stored_time(fine)), "2026-03-02T08:30:00.123456");
        let whole: NaiveDateTime = "2026-03-02T08:30:00".parse().unwrap();
        assert_eq!(time_text(whole), "2026-03-02T08:30:00.000000");
    }

    #[test]
    fn an_audit_event_never_hashes_like_a_document_event() {
        let a = AuditEventFields {
            subject: "d1",
            seq: 1,
            actor_id: Some("u1"),
            at: at(),
            action: "submitted",
            detail: None,
        };
        assert_ne!(a.hash(GENESIS), event().hash(GENESIS));
    }

    #[test]
    fn the_root_ignores_the_order_heads_come_in_but_not_their_content() {
        let h = |c: &str, n| Head { chain: c.into(), length: n, head: "ab".into() };
        assert_eq!(root(&[h("a", 1), h("b", 2)]), root(&[h("b", 2), h("a", 1)]));
        assert_ne!(root(&[h("a", 1), h("b", 2)]), root(&[h("a", 1), h("b", 3)]));
        assert_ne!(root(&[h("a", 1)]), root(&[]));
    }

    #[test]
    fn a_checkpoint_hash_chains_to_the_previous_one() {
        let c = CheckpointFields { seq: 2, made_at: at(), root: "r", chain_count: 3 };
        assert_ne!(c.hash(GENESIS), c.hash("ff"));
        assert_ne!(c.hash(GENESIS), CheckpointFields { chain_count: 4, ..c.clone() }.hash(GENESIS));
    }

    #[test]
    fn document_chains_are_named_after_their_document() {
        assert_eq!(document_of_chain(&document_chain("x")), Some("x"));
        assert_eq!(document_of_chain("policy"), None);
    }

    /// A chain of `n` events whose "fields" are their texts, stored as written.
    fn chain(texts: &[&str]) -> Vec<(i64, i64, String, String, String)> {
        let mut prev = GENESIS.to_string();
        let mut out = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            let seq = i as i64 + 1;
            let hash = chained(&prev, &format!("{seq}{t}"));
            out.push((seq * 10, seq, t.to_string(), prev.clone(), hash.clone()));
            prev = hash;
        }
        out
    }

    fn walked(rows: &[(i64, i64, String, String, String)]) -> Walk {
        walk(rows.iter().map(|(id, seq, text, prev, hash)| {
            let link = StoredLink {
                id: *id,
                seq: Some(*seq),
                prev_hash: Some(prev.as_str()),
                hash: Some(hash.as_str()),
            };
            let text = text.clone();
            let rehash: Rehash = Box::new(move |seq, prev| chained(prev, &format!("{seq}{text}")));
            (link, rehash)
        }))
    }

    #[test]
    fn an_untouched_chain_walks_clean_and_matches_its_head() {
        let rows = chain(&["a", "b", "c"]);
        let w = walked(&rows);
        assert_eq!(w.problem, None);
        assert_eq!(w.against_head(Some((3, &rows[2].4))), None);
        assert_eq!(w.at_length(2), Some(rows[1].4.as_str()));
    }

    #[test]
    fn an_edit_a_deletion_and_a_reordering_are_each_named() {
        let mut rows = chain(&["a", "b", "c"]);
        rows[1].2 = "B".into();
        assert_eq!(walked(&rows).problem, Some(ChainProblem::Edited { position: 2 }));

        let mut rows = chain(&["a", "b", "c"]);
        rows.remove(1);
        assert_eq!(walked(&rows).problem, Some(ChainProblem::Missing { position: 3 }));

        let rows = chain(&["a", "b", "c"]);
        let head = rows[2].4.clone();
        let w = walked(&rows[..2]);
        assert_eq!(
            w.against_head(Some((3, &head))),
            Some(ChainProblem::Truncated { events: 2, head: 3 })
        );

        // Rows swapped by id: the order written no longer follows the positions.
        let mut rows = chain(&["a", "b", "c"]);
        let (a, b) = (rows[0].0, rows[1].0);
        rows[0].0 = b;
        rows[1].0 = a;
        assert_eq!(walked(&rows).problem, Some(ChainProblem::Reordered { position: 2 }));
    }
}
