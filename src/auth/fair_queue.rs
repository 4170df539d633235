//! The waiting room of the hashing gate: jobs wait per key (the username a login names) and
//! the keys take turns, so that a flood against one account cannot starve another's login.
//!
//! In plain arrival order, the owner of another account waits behind every attempt the
//! attackers have queued (64 parallel attackers: ~2 s on two cores, BENCHMARKS.md). Taking
//! turns per key, a login waits for at most one job of each other key with jobs waiting.
//! When the room is full, a newcomer takes the place of the newest job of the longest queue
//! (longest-queue drop), so one key's flood cannot hold every place either.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// What became of a job offered to a full or non-full room.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission<T> {
    /// It waits.
    Queued,
    /// It waits; the newest job of the longest queue (returned) lost its place.
    QueuedInsteadOf(T),
    /// No place: the room is full and the job's own key already waits the most.
    Refused(T),
}

/// Jobs waiting per key, served one key at a time in turn.
#[derive(Debug)]
pub struct FairQueue<K, T> {
    by_key: HashMap<K, VecDeque<T>>,
    /// The keys with waiting jobs, in the order they will be served.
    turns: VecDeque<K>,
    len: usize,
    capacity: usize,
}

impl<K: Clone + Eq + Hash, T> FairQueue<K, T> {
    /// A room for at most `capacity` waiting jobs.
    pub fn new(capacity: usize) -> Self {
        Self { by_key: HashMap::new(), turns: VecDeque::new(), len: 0, capacity }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Offers a job; a new key takes its turn after the keys already waiting.
    pub fn push(&mut self, key: K, job: T) -> Admission<T> {
        let mut admission = Admission::Queued;
        if self.len >= self.capacity {
            let own = self.by_key.get(&key).map_or(0, VecDeque::len);
            // Evict only from a queue at least two longer than the newcomer's own: otherwise
            // the newcomer's key would become (one of) the longest, and it is the one refused.
            let Some(longest) = self.longest().filter(|(_, n)| *n > own + 1).map(|(k, _)| k) else {
                return Admission::Refused(job);
            };
            match self.by_key.get_mut(&longest).and_then(VecDeque::pop_back) {
                Some(evicted) => {
                    self.len -= 1;
                    admission = Admission::QueuedInsteadOf(evicted);
                }
                None => return Admission::Refused(job),
            }
        }
        let queue = self.by_key.entry(key.clone()).or_default();
        if queue.is_empty() {
            self.turns.push_back(key);
        }
        queue.push_back(job);
        self.len += 1;
        admission
    }

    /// The next job: the oldest of the key whose turn it is; that key then goes last.
    pub fn pop(&mut self) -> Option<T> {
        let key = self.turns.pop_front()?;
        let queue = self.by_key.get_mut(&key)?;
        let job = queue.pop_front();
        if queue.is_empty() {
            self.by_key.remove(&key);
        } else {
            self.turns.push_back(key);
        }
        if job.is_some() {
            self.len -= 1;
        }
        job
    }

    /// Takes out the first job of `key` that `matches` (a waiter that gave up); true if found.
    pub fn remove(&mut self, key: &K, matches: impl Fn(&T) -> bool) -> bool {
        let Some(queue) = self.by_key.get_mut(key) else {
            return false;
        };
        let Some(at) = queue.iter().position(matches) else {
            return false;
        };
        queue.remove(at);
        self.len -= 1;
        if queue.is_empty() {
            self.by_key.remove(key);
            self.turns.retain(|k| k != key);
        }
        true
    }

    /// The key with the most waiting jobs and how many.
    fn longest(&self) -> Option<(K, usize)> {
        self.by_key.iter().max_by_key(|(_, q)| q.len()).map(|(k, q)| (k.clone(), q.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(queue: &mut FairQueue<&'static str, u32>) -> Vec<u32> {
        std::iter::from_fn(|| queue.pop()).collect()
    }

    #[test]
    fn keys_take_turns_so_a_late_key_waits_for_one_job_of_each_other_key_not_for_all() {
        let mut queue = FairQueue::new(100);
        for n in 1..=5 {
            assert_eq!(queue.push("admin", n), Admission::Queued);
        }
        assert_eq!(queue.push("alice", 100), Admission::Queued);
        assert_eq!(queue.push("bob", 200), Admission::Queued);
        assert_eq!(queue.push("alice", 101), Admission::Queued);
        assert_eq!(drain(&mut queue), [1, 100, 200, 2, 101, 3, 4, 5]);
        assert!(queue.is_empty());
    }

    #[test]
    fn one_key_alone_is_served_in_arrival_order() {
        let mut queue = FairQueue::new(10);
        for n in [3, 1, 2] {
            queue.push("admin", n);
        }
        assert_eq!(drain(&mut queue), [3, 1, 2]);
    }

    #[test]
    fn a_full_room_gives_a_newcomer_the_place_of_the_newest_job_of_the_longest_queue() {
        let mut queue = FairQueue::new(4);
        for n in 1..=3 {
            queue.push("admin", n);
        }
        queue.push("bob", 10);
        assert_eq!(queue.push("alice", 100), Admission::QueuedInsteadOf(3));
        assert_eq!(queue.len(), 4);
        assert_eq!(drain(&mut queue), [1, 10, 100, 2]);
    }

    #[test]
    fn a_full_room_refuses_a_newcomer_whose_own_key_would_wait_the_most() {
        let mut queue = FairQueue::new(3);
        for n in 1..=3 {
            queue.push("admin", n);
        }
        assert_eq!(queue.push("admin", 4), Admission::Refused(4));
        assert_eq!(queue.push("alice", 100), Admission::QueuedInsteadOf(3));
        // admin 2 jobs, alice 1: one more of alice's would tie with admin, so it is refused.
        assert_eq!(queue.push("alice", 101), Admission::Refused(101));
        assert_eq!(drain(&mut queue), [1, 100, 2]);
    }

    #[test]
    fn a_room_of_no_places_refuses_everyone() {
        let mut queue = FairQueue::new(0);
        assert_eq!(queue.push("alice", 1), Admission::Refused(1));
        assert!(queue.pop().is_none());
    }

    #[test]
    fn a_removed_job_frees_its_place_and_its_key_loses_its_turn_when_it_was_the_last() {
        let mut queue = FairQueue::new(3);
        queue.push("admin", 1);
        queue.push("alice", 100);
        queue.push("admin", 2);
        assert!(queue.remove(&"alice", |&n| n == 100));
        assert!(!queue.remove(&"alice", |&n| n == 100), "already gone");
        assert!(!queue.remove(&"admin", |&n| n == 7), "never there");
        assert_eq!(queue.len(), 2);
        assert_eq!(queue.push("bob", 200), Admission::Queued);
        assert_eq!(drain(&mut queue), [1, 200, 2]);
    }
}
