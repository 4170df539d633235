//! A small in-memory cache of public answers: each entry carries a stamp (what it was computed
//! from) and is used only while the caller's current stamp is the same and the entry is younger
//! than the cache's lifetime. The public read and search caches are both this.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// Entries keyed by text, each with its stamp and the moment it was stored. A zero lifetime
/// turns the cache off.
pub struct StampedCache<S, V> {
    ttl: Duration,
    capacity: usize,
    entries: RwLock<HashMap<String, (S, Instant, V)>>,
}

impl<S: PartialEq, V: Clone> StampedCache<S, V> {
    /// Past `capacity` entries the cache starts afresh rather than tracking recency.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self { ttl, capacity, entries: Default::default() }
    }

    pub fn get(&self, key: &str, stamp: &S) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(s, stored, _)| s == stamp && stored.elapsed() < self.ttl)
            .map(|(_, _, value)| value.clone())
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
