//! `normreg demo`: seeds a small province (辽宁) with agencies, users of every role and a few
//! dozen published documents, so that a newcomer sees a working catalogue in one command.
//!
//! Every step calls the same service operations the HTTP handlers call, as the demo user who
//! would have acted, with a clock moved to the day each step happened: documents are drafted, reviewed, deliberated, numbered from the gapless
//! series, published (and so indexed for search), filed, repealed and finally expired exactly
//! as users would have done it, and each carries its full history. Nothing is written around
//! the rules, so the demo cannot show a state the service itself would never reach.

mod consultations;
mod files;
mod province;
mod seeder;

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::config::Config;
use crate::db;
use crate::domain::clock::ManualClock;
use crate::error::AppError;
use crate::startup;

pub use province::DemoUser;
use seeder::Seeder;

/// The demo catalogue: 36 real local regulations rewritten as Liaoning normative documents
/// (`assets/demo/build.py` says how). Also the sentence pool of `benches/public.rs`.
pub const DOCUMENTS_JSONL: &str = include_str!("../assets/demo/documents.jsonl");

/// The setting that marks a database as seeded, holding the day it was.
const SEEDED_KEY: &str = "demo_seeded_on";

/// One line of `documents.jsonl`.
#[derive(Clone, Debug, Deserialize)]
pub struct DemoDocument {
    /// Code of the issuing agency, one of [`AGENCIES`].
    pub agency: String,
    pub title: String,
    pub body: String,
    /// Published this many days before the day of seeding.
    pub published_days_ago: i64,
    pub fate: Fate,
    /// The regulation the text was taken from.
    pub source: String,
}

/// What becomes of a demo document after its publication (`fate` in `documents.jsonl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// `""`: published and left in force, not filed.
    #[serde(rename = "")]
    InForce,
    /// Filed within the policy's days.
    Filed,
    /// Filed late, on purpose.
    FiledLate,
    /// Repealed later.
    Repealed,
    /// A provisional (暂行) document.
    Provisional,
}

/// The demo documents, in file order.
pub fn documents() -> Result<Vec<DemoDocument>, String> {
    DOCUMENTS_JSONL
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| format!("documents.jsonl line {}: {e}", i + 1))
        })
        .collect()
}

/// What seeding did, for the console.
#[derive(Clone, Debug)]
pub struct Summary {
    pub users: Vec<DemoUser>,
    pub password: String,
    pub agencies: usize,
    pub published: usize,
    pub filed: usize,
    pub repealed: usize,
    pub expired: usize,
    /// Annual catalogues frozen: last year's, one per agency.
    pub catalogues: usize,
}

/// The outcome of `normreg demo`.
#[derive(Clone, Debug)]
pub enum Outcome {
    Seeded(Summary),
    /// The database was seeded before, on this day; nothing was changed.
    AlreadySeeded(String),
}

/// Seeds the database of `config` as of `today`, unless it already holds the demo. A database
/// with other agencies is refused: the demo never mixes into real data.
pub async fn seed(config: Config, today: NaiveDate, password: &str) -> Result<Outcome, AppError> {
    crate::auth::password::check_strength(password, &[])
        .map_err(|m| AppError::invalid("password", format!("the demo password {m}")))?;
    let clock = ManualClock::at_date(today);
    let state = startup::prepare(config, Arc::new(clock.clone())).await?;
    let (seeded, agencies) = state
        .db
        .read(|conn| {
            let seeded = db::settings::get(conn, SEEDED_KEY)?;
            let (_, agencies) = db::agencies::list(conn, None, 0, 1)?;
            Ok::<_, AppError>((seeded, agencies))
        })
        .await?;
    if let Some(day) = seeded {
        return Ok(Outcome::AlreadySeeded(day));
    }
    if agencies > 0 {
        return Err(AppError::conflict(
            "not_empty",
            "the database already holds agencies that are not the demo's; `normreg demo` only \
             seeds an empty catalogue: point DATABASE_URL at a new database",
        ));
    }
    let seeder = Seeder { state: &state, clock, today };
    let summary = seeder.run(password).await?;
    state.db.write(move |conn| db::settings::put(conn, SEEDED_KEY, &today.to_string())).await?;
    Ok(Outcome::Seeded(summary))
}

/// `normreg demo`: seeds the demo as of today and prints its accounts and where to start.
pub async fn command(config: Config, password: Option<String>) -> Result<(), String> {
    use crate::domain::clock::{Clock, SystemClock};
    use chrono::Datelike;
    let bind = config.bind.clone();
    let database = match &config.database_url {
        db::DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        db::DatabaseUrl::Postgres(url) => db::redact(url),
    };
    let password = password.unwrap_or_else(|| startup::random_token(8));
    let outcome = seed(config, SystemClock.today(), &password).await.map_err(|e| e.to_string())?;
    let summary = match outcome {
        Outcome::AlreadySeeded(day) => {
            println!(
                "normreg demo: this database already holds the demo (seeded on {day}); nothing changed.\n\
                 Its passwords were printed then. To start over, remove the database (data/normreg.db by default) and run `normreg demo` again."
            );
            return Ok(());
        }
        Outcome::Seeded(s) => s,
    };
    println!(
        "normreg demo: seeded {database}\n  {} agencies of 辽宁省, {} published documents ({} filed, {} repealed, {} expired), \
         {} annual catalogues of {} frozen\n",
        summary.agencies, summary.published, summary.filed, summary.repealed, summary.expired,
        summary.catalogues, SystemClock.today().year() - 1
    );
    println!("Accounts (every one has the password: {})", summary.password);
    for u in &summary.users {
        println!("  {:<18} {:<16} {}", u.username, u.roles.join(","), u.agency_name);
    }
    println!(
        "\nNow start the service:   cargo run --release   (or `normreg serve`)\n\
         Public catalogue:        http://{bind}/   e.g. http://{bind}/search?q=许可\n\
         Log in to the API:       curl -s http://{bind}/api/v1/auth/login -H 'content-type: application/json' \\\n\
         \x20                          -d '{{\"username\":\"ln-drafter\",\"password\":\"{}\"}}'",
        summary.password
    );
    Ok(())
}
