//! A bound on password hashing: at most `concurrency` argon2 computations at once, at most
//! `queue` more waiting, and past that an immediate refusal.
//!
//! Every argon2id computation takes a 19 MiB buffer and ~30 ms of a core. Unbounded, 64
//! parallel wrong-password logins from anyone without an account took the server to 7 GB;
//! bounded, memory stays near `concurrency × 19 MiB` and a burst costs waiting, then 503s.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

/// Why a hashing job did not run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GateError {
    /// Every slot is busy and the queue is full: try again in a moment.
    #[error("password hashing is saturated; try again in a moment")]
    Saturated,
    /// The blocking pool failed or the job panicked.
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// The gate shared by every request of one process.
pub struct HashingGate {
    running: Semaphore,
    /// Jobs admitted (running or waiting); bounded by `capacity`.
    admitted: AtomicUsize,
    capacity: usize,
}

impl HashingGate {
    /// At most `concurrency` jobs run at once (0 counts as 1) and `queue` more wait.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        let concurrency = concurrency.max(1);
        Self {
            running: Semaphore::new(concurrency),
            admitted: AtomicUsize::new(0),
            capacity: concurrency + queue,
        }
    }

    /// Runs `job` on the blocking pool once a slot is free, or refuses at once when the queue
    /// is full.
    pub async fn run<T, F>(&self, job: F) -> Result<T, GateError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _admission = self.admit()?;
        let _slot = self.running.acquire().await.map_err(|e| GateError::Failed(e.to_string()))?;
        actix_web::web::block(job).await.map_err(|e| GateError::Failed(e.to_string()))
    }

    fn admit(&self) -> Result<Admission<'_>, GateError> {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admission = Admission(&self.admitted);
        if before >= self.capacity {
            return Err(GateError::Saturated);
        }
        Ok(admission)
    }
}

/// One admitted job; leaving (finished, refused or cancelled) frees its place.
struct Admission<'a>(&'a AtomicUsize);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_beyond_the_slots_and_the_queue_are_refused_and_their_places_come_back() {
        let gate = HashingGate::new(1, 1);
        let first = gate.admit().expect("a slot");
        let second = gate.admit().expect("a place in the queue");
        assert_eq!(gate.admit().err(), Some(GateError::Saturated));
        drop(second);
        let third = gate.admit().expect("the freed place");
        drop((first, third));
        assert_eq!(gate.admitted.load(Ordering::Acquire), 0);
    }

    #[actix_web::test]
    async fn a_job_runs_and_answers() {
        let gate = HashingGate::new(2, 0);
        assert_eq!(gate.run(|| 6 * 7).await, Ok(42));
    }
}
