//! The memory test of issue 17, whose figures are its acceptance: 64 parallel wrong-password
//! logins for 10 s keep the release binary under 300 MB, it is back under 100 MB within 5 s
//! after, and meanwhile another account's login is answered within 2 s.
//!
//! Unlike the rest of the suite these assertions are on time and memory: they are the
//! promise. The bound on hashing makes the memory; the gate's turns per username make the
//! login (in arrival order it took ~2 s behind 64 attackers, BENCHMARKS.md).

use std::time::Duration;

use crate::binary::Served;
use crate::flood::{add_other_account, flood};
use crate::helpers::{Client, Engine};
use crate::{database, required};

const ATTACKERS: usize = 64;
const ATTACK: Duration = Duration::from_secs(10);
const PEAK_KIB: u64 = 300 * 1024;
const SETTLED_KIB: u64 = 100 * 1024;
const SETTLED_WITHIN: Duration = Duration::from_secs(5);
const LOGIN_WITHIN: Duration = Duration::from_secs(2);

#[test]
fn a_login_flood_keeps_memory_bounded_and_other_logins_prompt_on_sqlite() {
    if let Some(_alone) = required("memory on SQLite") {
        withstand_flood(Engine::Sqlite);
    }
}

#[test]
fn a_login_flood_keeps_memory_bounded_and_other_logins_prompt_on_postgres() {
    if let Some(_alone) = required("memory on PostgreSQL") {
        withstand_flood(Engine::Postgres);
    }
}

fn withstand_flood(engine: Engine) {
    let db = database(engine);
    let server = Served::start(&db.url);
    add_other_account(&Client::new(&server.base));
    let report = flood(&server, ATTACKERS, ATTACK, SETTLED_WITHIN);
    println!("{engine:?}, {ATTACKERS} attackers, {ATTACK:?}: {}", report.summary());

    assert!(report.peak_kib < PEAK_KIB, "peak RSS {} MB", report.peak_kib / 1024);
    assert!(
        report.under_after(SETTLED_KIB).is_some(),
        "still over {} MB {SETTLED_WITHIN:?} after the attack: {:?}",
        SETTLED_KIB / 1024,
        report.after.last()
    );
    // One every 250 ms plus its answer: ~30 in 10 s on an idle machine, ~13 on one loaded by
    // other builds; at 2 s each, 4. Fewer means the other account was not served meanwhile.
    assert!(report.other.len() >= 4, "only {} logins of the other account", report.other.len());
    for (took, status) in &report.other {
        assert_eq!(*status, 200, "the other account's login was refused or lost");
        assert!(*took < LOGIN_WITHIN, "the other account's login took {took:?}");
    }
    let hashed = report.attackers.get(&401).copied().unwrap_or(0);
    assert!(hashed >= ATTACKERS, "the attack hardly reached hashing: {:?}", report.attackers);
    assert!(
        report.attackers.keys().all(|s| [401, 503].contains(s)),
        "attackers got other answers than 401 and 503 busy: {:?}",
        report.attackers
    );
}
