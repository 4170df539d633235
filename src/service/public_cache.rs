//! The in-memory caches of public answers: a small cache whose entries carry a stamp (what
//! they were computed from) and are used only while the caller's current stamp is the same and
//! the entry is younger than the cache's lifetime, and the two public caches built on it (whole
//! document reads, catalogue pages and search results).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::service::public_reading::CataloguePage;

/// Entries keyed by text, each with its stamp and the moment it was stored. A zero lifetime
/// turns the cache off.
pub struct StampedCache<S, V> {
    ttl: Duration,
    capacity: usize,
    entries: RwLock<HashMap<String, (S, Instant, V)>>,
    /// Lookups answered and not answered, for the metrics; an off cache counts neither.
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<S: PartialEq, V: Clone> StampedCache<S, V> {
    /// Past `capacity` entries the cache starts afresh rather than tracking recency.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self { ttl, capacity, entries: Default::default(), hits: 0.into(), misses: 0.into() }
    }

    pub fn get(&self, key: &str, stamp: &S) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let found = entries
            .get(key)
            .filter(|(s, stored, _)| s == stamp && stored.elapsed() < self.ttl)
            .map(|(_, _, value)| value.clone());
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// How many lookups found an entry, and how many did not.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    pub fn put(&self, key: String, stamp: S, value: V) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key, (stamp, Instant::now(), value));
    }
}

/// Public document reads kept in memory for a few seconds: the most frequent public request
/// then costs no database round trip, no serialisation and no hashing.
///
/// Why it stays correct: an entry is only used on the day it was made (validity is judged by
/// the day), only while this instance has committed no write since it was read (so an
/// instance always shows its own repeals and amendments at once), and for at most
/// `NORMREG_PUBLIC_CACHE_SECONDS`, which bounds what another instance's write can leave
/// unseen, well within the `max-age` the answer already grants to every HTTP cache. Only
/// published documents are kept; a 404 is never cached, so a document is readable as soon as
/// its publication commits. Stamped by the day and the instance's write generation; holds the
/// body (shared, so that a hit copies nothing) and its ETag.
pub type ReadCache = StampedCache<(NaiveDate, u64), (Arc<[u8]>, String)>;

/// A bound on the read cache's memory.
const READ_CACHE_ENTRIES: usize = 10_000;

/// The read cache: entries live `seconds` (0: off).
pub fn read_cache(seconds: u64) -> ReadCache {
    StampedCache::new(Duration::from_secs(seconds), READ_CACHE_ENTRIES)
}

/// Catalogue pages and search results already computed, valid while the catalogue has not
/// changed. A search ranks up to `NORMREG_SEARCH_WINDOW` matches and reads 20 texts for its
/// snippets, 5–25 ms at 100,000 documents (BENCHMARKS.md); a popular search asked again is
/// answered in under a millisecond.
///
/// Why it stays correct across instances sharing one database: an entry is tagged with the
/// catalogue's version, the last event id in the database, read in the same blocking task
/// before the search itself. Everything that changes what the public sees (publication,
/// repeal, declaration of invalidity, amendment, continuation, revocation, expiry) writes an
/// event in its own transaction, so any instance's change gives every instance a new version,
/// and a document is findable as soon as its publication commits. Entries are keyed by the
/// day as well, since validity is judged by it.
///
/// One gap remains on PostgreSQL: event ids are drawn before commit, so a change committing
/// after a concurrent one with a higher id leaves the version unchanged. Entries therefore
/// also expire after the `max-age` of every public answer (`crate::http_caching::CACHE_MAX_AGE`),
/// the staleness every answer already allows HTTP caches, which bounds that case.
/// `NORMREG_PUBLIC_CACHE_SECONDS=0` turns this cache off too.
pub type SearchCache = StampedCache<i64, CataloguePage>;

/// A bound on the search cache's memory.
const SEARCH_CACHE_ENTRIES: usize = 2_000;

/// The search cache: entries live at most `max_age` (the HTTP answers' `max-age`, given by the
/// edge); none at all when `enabled` is false.
pub fn search_cache(enabled: bool, max_age: Duration) -> SearchCache {
    let ttl = if enabled { max_age } else { Duration::ZERO };
    StampedCache::new(ttl, SEARCH_CACHE_ENTRIES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_serves_only_its_own_stamp_and_an_off_cache_keeps_nothing() {
        let cache = StampedCache::new(Duration::from_secs(60), 2);
        cache.put("a".into(), 1, "one");
        assert_eq!(cache.get("a", &1), Some("one"));
        assert_eq!(cache.get("a", &2), None);
        cache.put("b".into(), 1, "two");
        cache.put("c".into(), 1, "three");
        assert_eq!(cache.get("a", &1), None, "past capacity it starts afresh");
        let off = StampedCache::new(Duration::ZERO, 2);
        off.put("a".into(), 1, "one");
        assert_eq!(off.get("a", &1), None);
    }
}
