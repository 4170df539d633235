//! The login throttle around a password check: before it, refuse a try that comes too early
//! (429 with `Retry-After`) or charge it as a failure in advance, so that tries running at
//! once on any instance cannot slip past the count; after it, take the charge back when the
//! password was right (or never checked). The rules are `domain::login_throttle`'s.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

use crate::db::{self, users::UserRow, DbConn};
use crate::domain::clock::Clock;
use crate::domain::login_throttle::{self as rules, Counts};
use crate::error::AppError;

/// The three counts one login attempt is counted under, as opaque keys: hashes, so that
/// neither usernames tried nor client addresses are stored.
#[derive(Clone, Debug)]
pub struct Attempt {
    pair: String,
    address: String,
    username: String,
}

impl Attempt {
    /// An attempt on `username` (in any case: `Admin` and `admin` count together) from
    /// `address`.
    pub fn new(username: &str, address: IpAddr) -> Self {
        let username = username.trim().to_lowercase();
        let address = address.to_string();
        Self {
            pair: key(&["pair", &username, &address]),
            address: key(&["address", &address]),
            username: key(&["username", &username]),
        }
    }
}

fn key(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        // Length-prefixed, so that no two different lists hash alike.
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A try charged in advance, to settle once the password was checked.
#[derive(Debug)]
pub struct Charge {
    attempt: Attempt,
    username_charged: bool,
}

/// How a charged try ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The password was right: the pair's count is cleared, the others take the try back.
    Succeeded,
    /// The password was wrong: the charge stays.
    Failed,
    /// The password was never checked (hashing saturated): the charge is taken back.
    NotTried,
}

/// Refuses a try that comes too early, else charges it; runs in its own transaction on the
/// bare connection `conn` (not on the write path: a login changes no registry data).
pub fn begin(conn: &mut DbConn, clock: &dyn Clock, attempt: Attempt) -> Result<Charge, AppError> {
    let now = clock.now();
    db::write_tx(conn, |tx| {
        let counts = Counts {
            pair: db::login_throttle::read(tx, &attempt.pair)?,
            address: db::login_throttle::read(tx, &attempt.address)?,
            username: db::login_throttle::read(tx, &attempt.username)?,
        };
        if let Err(retry_after_seconds) = rules::admit(&counts, now) {
            return Err(AppError::LoginThrottled { retry_after_seconds });
        }
        let read = rules::Count::live(counts.pair, now);
        let free = rules::pair_free(counts.username, now);
        let pair = db::login_throttle::charge(tx, &attempt.pair, now)?;
        if rules::overtaken(read, pair, free) {
            // Others failed in between: this try falls in their wait. The charge is taken
            // back with the refusal (the transaction rolls back).
            let left = rules::wait(pair.saturating_sub(1), free).num_seconds();
            return Err(AppError::LoginThrottled { retry_after_seconds: left });
        }
        db::login_throttle::charge(tx, &attempt.address, now)?;
        let username_charged = rules::counts_for_username(pair);
        if username_charged {
            db::login_throttle::charge(tx, &attempt.username, now)?;
        }
        db::login_throttle::purge(tx, now)?;
        Ok(Charge { attempt: attempt.clone(), username_charged })
    })
}

/// Settles a charged try by its outcome; its own transaction on the bare connection.
pub fn finish(conn: &mut DbConn, charge: Charge, outcome: Outcome) -> Result<(), AppError> {
    if outcome == Outcome::Failed {
        return Ok(());
    }
    let Charge { attempt, username_charged } = charge;
    db::write_tx(conn, |tx| {
        match outcome {
            Outcome::Succeeded => db::login_throttle::clear(tx, &attempt.pair)?,
            _ => db::login_throttle::uncharge(tx, &attempt.pair)?,
        }
        db::login_throttle::uncharge(tx, &attempt.address)?;
        if username_charged {
            db::login_throttle::uncharge(tx, &attempt.username)?;
        }
        Ok::<_, AppError>(())
    })
}

/// The account a login names, if any (the caller pays the same hashing either way).
pub fn account(conn: &mut DbConn, username: &str) -> Result<Option<UserRow>, AppError> {
    Ok(db::users::find_by_username(conn, username)?)
}
