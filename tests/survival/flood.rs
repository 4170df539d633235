//! A flood of wrong-password logins against a running binary while legitimate users log in,
//! with the server's resident memory sampled throughout: the measure behind the memory test
//! (`memory.rs`) and the login flood bench (`benches/login_flood.rs`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::accounts::{create, login};
use crate::binary::Served;
use crate::helpers::{Client, ADMIN_PASSWORD, PASSWORD};

/// The account the attackers guess the password of.
pub const ATTACKED: &str = "admin";
/// Another account, whose owner logs in during the attack.
pub const OTHER: &str = "other-user";

const RSS_EVERY: Duration = Duration::from_millis(50);
/// Each legitimate user logs in this often.
const LOGIN_EVERY: Duration = Duration::from_millis(250);

/// What a flood did.
pub struct Report {
    pub idle_kib: u64,
    pub peak_kib: u64,
    /// Resident memory after the attack stopped, with the time since it stopped.
    pub after: Vec<(Duration, u64)>,
    /// Logins of the other account during the attack: time to answer, status (0: none).
    pub other: Vec<(Duration, u16)>,
    /// Logins of the attacked account's owner, with the right password.
    pub owner: Vec<(Duration, u16)>,
    /// The attackers' answers by status (0: none).
    pub attackers: BTreeMap<u16, usize>,
}

/// Creates the other account (an agency and a drafter in it) as the admin.
pub fn add_other_account(client: &Client) {
    let admin = login(client, ATTACKED, ADMIN_PASSWORD);
    let body = json!({"name": "沈阳市人民政府", "code": "SY"});
    let agency = create(client, &admin, "/api/v1/agencies", body);
    let body =
        json!({"username": OTHER, "password": PASSWORD, "agency_id": agency, "roles": ["drafter"]});
    create(client, &admin, "/api/v1/users", body);
}

/// `attackers` threads send wrong passwords for [`ATTACKED`] back to back for `length`, each
/// on its own connection, while the owner and [`OTHER`] log in every 250 ms; then the memory
/// is followed for `after`.
pub fn flood(server: &Served, attackers: usize, length: Duration, after: Duration) -> Report {
    let idle_kib = server.rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(BTreeMap::new()));
    let threads: Vec<_> = (0..attackers)
        .map(|i| {
            let (client, stop, answers) =
                (Client::new(&server.base), stop.clone(), answers.clone());
            std::thread::spawn(move || {
                let password = format!("wrong password {i}");
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    // A botnet: every try from another address (documentation addresses,
                    // only ever written in a header), so that the login throttle, which
                    // answers one address 429 after a few failures, leaves every try to
                    // reach the password hashing this flood measures.
                    n += 1;
                    let from = format!("2001:db8::{i:x}:{:x}:{:x}", n >> 16, n & 0xffff);
                    let (_, status) = attempt(&client, Some(&from), ATTACKED, &password);
                    *answers.lock().expect("answers").entry(status).or_insert(0) += 1;
                }
            })
        })
        .collect();
    let logins = |username: &'static str, password: &'static str, offset: Duration| {
        let (client, stop) = (Client::new(&server.base), stop.clone());
        std::thread::spawn(move || {
            std::thread::sleep(offset);
            let mut answers = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(LOGIN_EVERY);
                answers.push(attempt(&client, None, username, password));
            }
            answers
        })
    };
    let other = logins(OTHER, PASSWORD, Duration::ZERO);
    let owner = logins(ATTACKED, ADMIN_PASSWORD, LOGIN_EVERY / 2);
    let started = Instant::now();
    let mut peak_kib = 0;
    while started.elapsed() < length {
        peak_kib = peak_kib.max(server.rss_kib());
        std::thread::sleep(RSS_EVERY);
    }
    stop.store(true, Ordering::Relaxed);
    let stopped = Instant::now();
    let mut after_kib = Vec::new();
    while stopped.elapsed() < after {
        std::thread::sleep(RSS_EVERY);
        let kib = server.rss_kib();
        peak_kib = peak_kib.max(kib);
        after_kib.push((stopped.elapsed(), kib));
    }
    for thread in threads {
        thread.join().expect("an attacker");
    }
    let attackers = answers.lock().expect("answers").clone();
    Report {
        idle_kib,
        peak_kib,
        after: after_kib,
        other: other.join().expect("the other account"),
        owner: owner.join().expect("the owner"),
        attackers,
    }
}

/// Time to answer and status of one login, from the address `from` when given (status 0
/// when no answer came).
fn attempt(client: &Client, from: Option<&str>, username: &str, password: &str) -> (Duration, u16) {
    let started = Instant::now();
    let body = json!({"username": username, "password": password});
    let answer = match from {
        Some(from) => client.try_post_from(from, "/api/v1/auth/login", &body),
        None => client.try_send("POST", "/api/v1/auth/login", None, Some(&body)),
    };
    (started.elapsed(), answer.map_or(0, |a| a.status))
}

impl Report {
    /// How long after the attack the memory was first under `kib`.
    pub fn under_after(&self, kib: u64) -> Option<Duration> {
        self.after.iter().find(|(_, k)| *k < kib).map(|(t, _)| *t)
    }

    pub fn summary(&self) -> String {
        format!(
            "RSS idle {} MB, peak {} MB, {} MB {:.1} s after; other account's logins {}; \
             attacked account owner's logins {}; attackers' answers {:?}",
            self.idle_kib / 1024,
            self.peak_kib / 1024,
            self.after.last().map_or(0, |(_, k)| k / 1024),
            self.after.last().map_or(0.0, |(t, _)| t.as_secs_f64()),
            latencies(&self.other),
            latencies(&self.owner),
            self.attackers,
        )
    }
}

/// Statuses, then p50 / p99 / max of the answered (200) logins.
fn latencies(logins: &[(Duration, u16)]) -> String {
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for (_, status) in logins {
        *statuses.entry(*status).or_insert(0) += 1;
    }
    let mut times: Vec<Duration> =
        logins.iter().filter(|(_, s)| *s == 200).map(|(t, _)| *t).collect();
    times.sort();
    let pick = |q: f64| {
        let at = ((times.len() as f64 - 1.0) * q).round().max(0.0) as usize;
        times.get(at).map_or("-".into(), |t| format!("{} ms", t.as_millis()))
    };
    format!("{statuses:?} p50 {} p99 {} max {}", pick(0.5), pick(0.99), pick(1.0))
}
