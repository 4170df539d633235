//! Survival of the release binary under hostile conditions (issue 17): SIGKILL in the middle
//! of concurrent writes, and a flood of wrong-password logins, each on SQLite and PostgreSQL.
//!
//! They spawn `normreg serve` as a process of its own and take a minute or so, and the memory
//! figures are those of the release build, so a plain `cargo test` only lists them as not run.
//! `.ci/survival` runs them, and then they cannot skip:
//! `NORMREG_SURVIVAL=required TEST_DATABASE_URL=postgres://… cargo test --release --test survival`.

#[path = "../api/helpers.rs"]
mod helpers;

mod accounts;
mod binary;
mod crash;
mod files;
mod flood;
mod memory;

use std::sync::{Mutex, MutexGuard};

use helpers::{Engine, TestDatabase};

/// Whether `test` runs: only with `NORMREG_SURVIVAL=required`, and then only in a release
/// build. The guard keeps the tests one at a time: each loads the machine, and the memory
/// test times a login.
fn required(test: &str) -> Option<MutexGuard<'static, ()>> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    if std::env::var("NORMREG_SURVIVAL").as_deref() != Ok("required") {
        eprintln!(
            "NOT RUN: survival, {test}: run `NORMREG_SURVIVAL=required cargo test --release \
             --test survival` (.ci/survival)"
        );
        return None;
    }
    if cfg!(debug_assertions) {
        panic!(
            "the survival tests measure the release binary: `cargo test --release --test survival`"
        );
    }
    Some(ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
}

/// A fresh database of `engine`; without `TEST_DATABASE_URL` the PostgreSQL half fails.
fn database(engine: Engine) -> TestDatabase {
    TestDatabase::create(engine).unwrap_or_else(|| {
        panic!("the survival tests run on both engines: set TEST_DATABASE_URL (PostgreSQL)")
    })
}
