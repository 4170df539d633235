//! Waiting at start for a PostgreSQL server that is not up yet: bounded, and quiet.

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection};

use super::{redact, DatabaseUrl};

/// Tries to reach the database until it answers or `wait` has passed. One line says what it
/// waits for, once; the attempts themselves are not logged (r2d2's pool would log an ERROR
/// line for each). SQLite is a local file and is not waited for. The error is one line that
/// names the server (password hidden) and its last answer.
pub fn wait_for(url: &DatabaseUrl, wait: Duration) -> Result<(), String> {
    let DatabaseUrl::Postgres(raw) = url else { return Ok(()) };
    let shown = redact(raw);
    let deadline = Instant::now() + wait;
    let mut announced = false;
    let mut pause = Duration::from_millis(100);
    loop {
        let last = match PgConnection::establish(raw) {
            Ok(_) => return Ok(()),
            Err(e) => one_line(&e.to_string()),
        };
        if refused_for_good(&last) {
            return Err(format!("the database at {shown} refuses the connection: {last}"));
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(format!(
                "the database at {shown} cannot be reached (waited {} s): {last}",
                wait.as_secs()
            ));
        }
        if !announced {
            eprintln!("normreg: waiting for the database at {shown} (up to {} s)…", wait.as_secs());
            announced = true;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

/// A server that answers but refuses (no such database, role or password) will not change
/// its mind while we wait: reported at once. Anything else (refused, timed out, "the
/// database system is starting up") may pass.
fn refused_for_good(message: &str) -> bool {
    ["does not exist", "authentication failed", "no pg_hba.conf entry"]
        .iter()
        .any(|m| message.contains(m))
}

/// libpq's messages span lines; the report is one.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
