//! When a login may be tried: failed logins are counted per (username, client address), per
//! client address and per username, and each count imposes a growing wait before the next try.
//!
//! Why three counts, and why none of them locks the owner out:
//! - **(username, address)** carries the lock: after [`PAIR_FREE`] failures each further try
//!   waits 1 s, 2 s, 4 s … up to [`MAX_WAIT_SECONDS`], answered 429 with `Retry-After` until
//!   then. It stops one address guessing one password, and only that address: the owner, from
//!   another address, has a count of its own and logs in at once.
//! - **address** (any username) stops one address spraying many usernames; its allowance
//!   ([`ADDRESS_FREE`]) is larger because offices share an address behind their gateway.
//! - **username** (any address) only *slows*: it counts the failures that addresses made
//!   within their allowance, so one address adds at most [`PAIR_FREE`]. Past
//!   [`USERNAME_UNDER_ATTACK`] (several addresses guessing one account) every address gets a
//!   single free try for that username before its waits start. The owner's first try from
//!   any address still goes through: a distributed attack costs the owner nothing if they
//!   type the password right, and a short wait if they mistype; a per-username lock would
//!   instead hand the attacker a way to lock the owner out.
//!
//! A count is forgotten after [`FORGET_AFTER_SECONDS`] without a failure, and a successful
//! login clears its (username, address) count.

use chrono::{DateTime, Duration, Utc};

/// Failures of one username from one address before the waits start.
pub const PAIR_FREE: u32 = 5;
/// Failures from one address, whatever the usernames, before the waits start.
pub const ADDRESS_FREE: u32 = 30;
/// Failures of one username, counted within the addresses' allowances, beyond which each
/// address has one free try for it.
pub const USERNAME_UNDER_ATTACK: u32 = 20;
/// The first wait; each further failure doubles it.
pub const FIRST_WAIT_SECONDS: i64 = 1;
/// The longest wait between two tries.
pub const MAX_WAIT_SECONDS: i64 = 15 * 60;
/// A count with no failure for this long starts again from nothing.
pub const FORGET_AFTER_SECONDS: i64 = 60 * 60;

/// One counter as stored: failures so far and when the last one was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    pub failures: u32,
    pub last_failure_at: DateTime<Utc>,
}

impl Count {
    /// The failures that still count at `now` (none once forgotten).
    pub fn live(count: Option<Count>, now: DateTime<Utc>) -> u32 {
        match count {
            Some(c) if now - c.last_failure_at < Duration::seconds(FORGET_AFTER_SECONDS) => {
                c.failures
            }
            _ => 0,
        }
    }
}

/// The three counts of one login attempt, as read before it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub pair: Option<Count>,
    pub address: Option<Count>,
    pub username: Option<Count>,
}

/// The wait after `failures` failures when `free` of them cost nothing.
pub fn wait(failures: u32, free: u32) -> Duration {
    if failures < free {
        return Duration::zero();
    }
    let doublings = (failures - free).min(30);
    Duration::seconds((FIRST_WAIT_SECONDS << doublings).min(MAX_WAIT_SECONDS))
}

/// The free tries of one username from one address, given the username's count.
pub fn pair_free(username: Option<Count>, now: DateTime<Utc>) -> u32 {
    if Count::live(username, now) >= USERNAME_UNDER_ATTACK {
        1
    } else {
        PAIR_FREE
    }
}

/// Whole seconds until a try is allowed under one count (0: now).
fn seconds_left(count: Option<Count>, free: u32, now: DateTime<Utc>) -> i64 {
    let failures = Count::live(count, now);
    let Some(c) = count.filter(|_| failures > 0) else {
        return 0;
    };
    let allowed_at = c.last_failure_at + wait(failures, free);
    let left = allowed_at - now;
    // Rounded up, so a client that waits `Retry-After` seconds is never refused again.
    (left.num_milliseconds() + 999).div_euclid(1000).max(0)
}

/// `Ok` when a login may be tried now, else the seconds to wait (`Retry-After`).
pub fn admit(counts: &Counts, now: DateTime<Utc>) -> Result<(), i64> {
    let pair = seconds_left(counts.pair, pair_free(counts.username, now), now);
    let address = seconds_left(counts.address, ADDRESS_FREE, now);
    match pair.max(address) {
        0 => Ok(()),
        left => Err(left),
    }
}

/// After charging the try to its (username, address) count, which now holds `charged`
/// failures where `read` were seen before: whether concurrent tries charged it in between
/// so that this one falls in their wait (then it is refused like any early try).
pub fn overtaken(read: u32, charged: u32, free: u32) -> bool {
    let before = charged.saturating_sub(1);
    before > read && before >= free
}

/// Whether a failure of the pair, now at `pair_failures`, counts toward the username's
/// count: only those within the pair's allowance, so one address adds at most [`PAIR_FREE`].
pub fn counts_for_username(pair_failures: u32) -> bool {
    pair_failures <= PAIR_FREE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + seconds, 0).expect("time")
    }

    fn count(failures: u32, last: i64) -> Option<Count> {
        Some(Count { failures, last_failure_at: at(last) })
    }

    #[test]
    fn waits_start_after_the_free_tries_and_double_up_to_the_cap() {
        assert_eq!(wait(4, 5), Duration::zero());
        assert_eq!(wait(5, 5), Duration::seconds(1));
        assert_eq!(wait(6, 5), Duration::seconds(2));
        assert_eq!(wait(9, 5), Duration::seconds(16));
        assert_eq!(wait(60, 5), Duration::seconds(MAX_WAIT_SECONDS));
    }

    #[test]
    fn a_try_inside_the_wait_is_refused_with_the_seconds_left() {
        let counts = Counts { pair: count(7, 0), ..Default::default() };
        assert_eq!(admit(&counts, at(1)), Err(3), "4 s wait after 7 failures");
        assert_eq!(admit(&counts, at(4)), Ok(()));
        assert_eq!(admit(&Counts { pair: count(4, 0), ..Default::default() }, at(0)), Ok(()));
    }

    #[test]
    fn another_address_has_its_own_count_so_the_owner_is_not_locked_out() {
        // The attacker's pair is deep in its waits; the owner's pair has no failure.
        let attacker = Counts { pair: count(50, 0), address: count(50, 0), username: count(5, 0) };
        assert!(admit(&attacker, at(1)).is_err());
        let owner = Counts { pair: None, address: None, username: count(5, 0) };
        assert_eq!(admit(&owner, at(1)), Ok(()));
    }

    #[test]
    fn a_username_under_distributed_attack_leaves_each_address_one_free_try() {
        let under_attack = count(USERNAME_UNDER_ATTACK, 0);
        assert_eq!(pair_free(under_attack, at(1)), 1);
        let fresh = Counts { username: under_attack, ..Default::default() };
        assert_eq!(admit(&fresh, at(1)), Ok(()), "the owner's first try goes through");
        let one_miss = Counts { pair: count(1, 0), username: under_attack, ..Default::default() };
        assert_eq!(admit(&one_miss, at(0)), Err(1), "a mistype waits a second, no more");
    }

    #[test]
    fn an_address_spraying_usernames_waits_for_every_username() {
        let counts = Counts { address: count(ADDRESS_FREE, 0), ..Default::default() };
        assert_eq!(admit(&counts, at(0)), Err(1));
    }

    #[test]
    fn counts_are_forgotten_after_an_hour_of_quiet() {
        let counts = Counts { pair: count(50, 0), ..Default::default() };
        assert_eq!(admit(&counts, at(FORGET_AFTER_SECONDS)), Ok(()));
        assert_eq!(Count::live(count(50, 0), at(FORGET_AFTER_SECONDS)), 0);
    }

    #[test]
    fn a_try_overtaken_by_concurrent_failures_is_refused() {
        assert!(!overtaken(0, 1, 5), "nobody in between");
        assert!(!overtaken(2, 5, 5), "still within the free tries");
        assert!(overtaken(4, 7, 5), "two others failed in between, past the free tries");
    }

    #[test]
    fn one_address_adds_at_most_its_allowance_to_the_username() {
        assert!(counts_for_username(PAIR_FREE));
        assert!(!counts_for_username(PAIR_FREE + 1));
    }
}
