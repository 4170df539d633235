//! A bound on password hashing: at most `concurrency` argon2 computations at once, at most
//! `queue` more waiting, served fairly per key (the username a login names), and past that an
//! immediate refusal.
//!
//! Every argon2id computation takes a 19 MiB buffer and ~30 ms of a core. Unbounded, 64
//! parallel wrong-password logins from anyone without an account took the server to 7 GB;
//! bounded, memory stays near `concurrency × 19 MiB` and a burst costs waiting, then 503s.
//! The waiting room ([`FairQueue`]) lets keys take turns, so a flood of attempts on one
//! account does not delay another account's login by more than a job or two.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use super::fair_queue::{Admission, FairQueue};

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
#[derive(Clone)]
pub struct HashingGate {
    inner: Arc<Inner>,
}

struct Inner {
    concurrency: usize,
    state: Mutex<State>,
}

struct State {
    /// Slots taken; a freed slot passes straight to the next waiter, so while anyone waits
    /// this equals `concurrency`.
    running: usize,
    waiting: FairQueue<String, Waiter>,
    next_ticket: u64,
}

/// A job waiting for a slot; told `Ok` when a slot is passed to it, `Err` when it loses its
/// place to a newcomer of a less busy key.
struct Waiter {
    ticket: u64,
    wake: oneshot::Sender<Result<(), GateError>>,
}

impl HashingGate {
    /// At most `concurrency` jobs run at once (0 counts as 1) and `queue` more wait.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        let state = State { running: 0, waiting: FairQueue::new(queue), next_ticket: 0 };
        let inner = Inner { concurrency: concurrency.max(1), state: Mutex::new(state) };
        Self { inner: Arc::new(inner) }
    }

    /// Runs `job` on the blocking pool once a slot is free, waiting in one shared turn with
    /// every other job given no key; refuses at once when the queue is full.
    pub async fn run<T, F>(&self, job: F) -> Result<T, GateError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.run_for("", job).await
    }

    /// Runs `job` on the blocking pool once a slot is free, waiting in `key`'s turn (a
    /// login's username); refuses at once when the queue is full and `key` waits the most.
    pub async fn run_for<T, F>(&self, key: &str, job: F) -> Result<T, GateError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let slot = self.enter(key).await?;
        // The slot goes with the job: if the request is cancelled (its client went away), the
        // computation still runs to its end on the blocking pool and must still count.
        // Logged inside the request's span (its request id), as `Db::read` does.
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _in_request = span.enter();
            let _slot = slot;
            job()
        })
        .await
        .map_err(|e| GateError::Failed(e.to_string()))
    }

    /// A slot, at once when one is free, else after waiting in `key`'s turn.
    async fn enter(&self, key: &str) -> Result<Slot, GateError> {
        let (ticket, wake) = {
            let mut state = self.inner.lock();
            if state.running < self.inner.concurrency {
                state.running += 1;
                return Ok(Slot(self.inner.clone()));
            }
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            let (tx, rx) = oneshot::channel();
            match state.waiting.push(key.to_owned(), Waiter { ticket, wake: tx }) {
                Admission::Queued => {}
                Admission::QueuedInsteadOf(evicted) => {
                    let _ = evicted.wake.send(Err(GateError::Saturated));
                }
                Admission::Refused(_) => return Err(GateError::Saturated),
            }
            (ticket, rx)
        };
        Waiting { inner: self.inner.clone(), key: key.to_owned(), ticket, wake: Some(wake) }
            .wait()
            .await
    }

    #[cfg(test)]
    fn running_and_waiting(&self) -> (usize, usize) {
        let state = self.inner.lock();
        (state.running, state.waiting.len())
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every panic point (none while it is held).
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    /// Passes a freed slot to the next waiter still there, or frees it.
    fn release(&mut self) {
        while let Some(waiter) = self.waiting.pop() {
            if waiter.wake.send(Ok(())).is_ok() {
                return;
            }
        }
        self.running -= 1;
    }
}

/// One running job's slot; dropping it passes the slot on.
struct Slot(Arc<Inner>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.lock().release();
    }
}

/// A place in the waiting room; dropped before its answer (the request was cancelled), it
/// gives the place back, or passes on a slot that reached it too late.
struct Waiting {
    inner: Arc<Inner>,
    key: String,
    ticket: u64,
    wake: Option<oneshot::Receiver<Result<(), GateError>>>,
}

impl Waiting {
    async fn wait(mut self) -> Result<Slot, GateError> {
        let answer = match self.wake.as_mut() {
            Some(wake) => wake.await,
            None => return Err(GateError::Failed("waited twice".into())),
        };
        self.wake = None;
        match answer {
            Ok(Ok(())) => Ok(Slot(self.inner.clone())),
            Ok(Err(refused)) => Err(refused),
            Err(_) => Err(GateError::Failed("the hashing gate was dropped".into())),
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let Some(mut wake) = self.wake.take() else {
            return;
        };
        let mut state = self.inner.lock();
        if state.waiting.remove(&self.key, |w| w.ticket == self.ticket) {
            return;
        }
        // Not waiting any more: every answer is sent under the lock, so it is here already.
        wake.close();
        if let Ok(Ok(())) = wake.try_recv() {
            state.release();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use actix_web::rt::{spawn, task::yield_now};
    use futures_util::FutureExt;

    use super::*;

    /// A task that waits for a slot in `who`'s turn and gives it back at once.
    fn enter_later(
        gate: &HashingGate,
        who: &'static str,
    ) -> actix_web::rt::task::JoinHandle<Result<(), GateError>> {
        let gate = gate.clone();
        spawn(async move { gate.enter(who).await.map(drop) })
    }

    /// Lets every spawned task of the test's single-threaded runtime run until it waits.
    async fn settle() {
        for _ in 0..10 {
            yield_now().await;
        }
    }

    #[actix_web::test]
    async fn a_job_runs_and_answers() {
        let gate = HashingGate::new(2, 0);
        assert_eq!(gate.run(|| 6 * 7).await, Ok(42));
        assert_eq!(gate.run_for("alice", || 1).await, Ok(1));
        assert_eq!(gate.running_and_waiting(), (0, 0));
    }

    #[actix_web::test]
    async fn jobs_beyond_the_slots_and_the_queue_are_refused_and_their_places_come_back() {
        let gate = HashingGate::new(1, 1);
        let slot = gate.enter("admin").await.expect("a slot");
        let waiter = enter_later(&gate, "admin");
        settle().await;
        assert_eq!(gate.running_and_waiting(), (1, 1));
        assert_eq!(gate.enter("admin").await.err(), Some(GateError::Saturated));
        drop(slot);
        assert_eq!(waiter.await.expect("task"), Ok(()));
        assert_eq!(gate.running_and_waiting(), (0, 0));
    }

    #[actix_web::test]
    async fn a_login_for_another_account_is_served_before_the_rest_of_a_flood() {
        let gate = HashingGate::new(1, 100);
        let served = Arc::new(Mutex::new(Vec::new()));
        let slot = gate.enter("admin").await.expect("a slot");
        let mut tasks = Vec::new();
        for who in ["admin", "admin", "admin", "admin", "alice", "admin"] {
            let (gate, served) = (gate.clone(), served.clone());
            tasks.push(spawn(async move {
                let slot = gate.enter(who).await;
                served.lock().expect("list").push(who);
                drop(slot);
            }));
            settle().await;
        }
        assert_eq!(gate.running_and_waiting(), (1, 6));
        drop(slot);
        for task in tasks {
            task.await.expect("task");
        }
        let served = served.lock().expect("list").clone();
        assert_eq!(served, ["admin", "alice", "admin", "admin", "admin", "admin"]);
    }

    #[actix_web::test]
    async fn a_full_queue_makes_room_for_another_account_by_refusing_the_flood_s_newest() {
        let gate = HashingGate::new(1, 2);
        let slot = gate.enter("admin").await.expect("a slot");
        let first = enter_later(&gate, "admin");
        settle().await;
        let newest = enter_later(&gate, "admin");
        settle().await;
        let alice = enter_later(&gate, "alice");
        settle().await;
        assert_eq!(newest.await.expect("task"), Err(GateError::Saturated));
        drop(slot);
        assert_eq!(first.await.expect("task"), Ok(()));
        assert_eq!(alice.await.expect("task"), Ok(()));
        assert_eq!(gate.running_and_waiting(), (0, 0));
    }

    #[actix_web::test]
    async fn a_cancelled_waiter_gives_back_its_place_and_any_slot_passed_to_it() {
        let gate = HashingGate::new(1, 1);
        let slot = gate.enter("admin").await.expect("a slot");
        let waiter = enter_later(&gate, "admin");
        settle().await;
        waiter.abort();
        settle().await;
        assert_eq!(gate.running_and_waiting(), (1, 0), "its place came back");

        let late = enter_later(&gate, "admin");
        settle().await;
        // The slot is passed to `late`, which is cancelled before it runs to take it.
        drop(slot);
        late.abort();
        settle().await;
        assert_eq!(gate.running_and_waiting(), (0, 0), "the slot passed to it came back");
        assert!(gate.enter("alice").now_or_never().is_some_and(|r| r.is_ok()));
    }

    #[actix_web::test]
    async fn a_job_whose_request_is_cancelled_keeps_its_slot_until_it_ends() {
        let gate = HashingGate::new(1, 4);
        let (started_tx, started) = mpsc::channel();
        let (finish, finish_rx) = mpsc::channel::<()>();
        let request = spawn({
            let gate = gate.clone();
            async move {
                gate.run_for("admin", move || {
                    let _ = started_tx.send(());
                    let _ = finish_rx.recv();
                })
                .await
            }
        });
        while started.try_recv().is_err() {
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        request.abort();
        settle().await;
        assert_eq!(gate.running_and_waiting(), (1, 0), "the computation still holds its slot");
        let _ = finish.send(());
        for _ in 0..200 {
            if gate.running_and_waiting() == (0, 0) {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the slot was not given back when the job ended");
    }
}
