//! The time-driven jobs and the history's check on the command line: `normreg expire`,
//! `normreg tick` (every job the daily scheduler of `serve` runs, as of a date),
//! `normreg verify` and `normreg reindex`.

use crate::config::Config;
use crate::domain::clock::{Clock, SystemClock};
use crate::service;

/// A date on the command line, `YYYY-MM-DD` exactly (clap would take chrono's looser forms).
pub fn exact_date(raw: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::dates::parse_iso(raw).map_err(|e| e.to_string())
}

pub async fn expire(config: Config, as_of: Option<chrono::NaiveDate>) -> Result<(), String> {
    let mut conn = super::open_checked(&config)?;
    let day = as_of.unwrap_or_else(|| SystemClock.today());
    let n = service::expiry::expire_due(&mut conn, day, SystemClock.now().naive_utc())
        .map_err(|e| e.to_string())?;
    println!("{n} document(s) expired as of {day}");
    Ok(())
}

/// Expiry as of the day, the closing of consultations whose period ended before it, then a
/// checkpoint of the history (which then covers both).
pub async fn tick(config: Config, as_of: Option<chrono::NaiveDate>) -> Result<(), String> {
    expire(config.clone(), as_of).await?;
    let mut conn = super::open_checked(&config)?;
    let day = as_of.unwrap_or_else(|| SystemClock.today());
    let closed = service::consultation::close_due(&mut conn, day, SystemClock.now().naive_utc())
        .map_err(|e| e.to_string())?;
    println!("{closed} consultation(s) closed as of {day}");
    match service::history::checkpoint(&mut conn, SystemClock.now().naive_utc())
        .map_err(|e| e.to_string())?
    {
        Some(c) => println!("checkpoint {}: {} ({} chain(s))", c.seq, c.hash, c.chain_count),
        None => println!("no checkpoint: the history holds no event yet"),
    }
    Ok(())
}

/// Prints what verification found, one line per finding; fails (exit status 1) unless intact.
pub async fn verify(config: Config) -> Result<(), String> {
    let mut conn = super::open_checked(&config)?;
    let report = service::history::verify(&mut conn).map_err(|e| e.to_string())?;
    for d in &report.documents {
        let number = d.number.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
        println!("document {}{number}: {}", d.document_id, d.problems.join("; "));
    }
    for c in &report.chains_changed {
        println!("chain {}: {}", c.chain, c.problems.join("; "));
    }
    for c in &report.checkpoints_failed {
        println!("checkpoint {}: {}", c.seq, c.problem);
    }
    let counts = format!(
        "{} chain(s), {} event(s), {} checkpoint(s)",
        report.chains, report.events, report.checkpoints
    );
    if report.intact {
        println!("history intact: {counts}");
        Ok(())
    } else {
        Err(format!(
            "history changed: {} document(s), {} other chain(s), {} checkpoint(s) do not verify ({counts})",
            report.documents.len(),
            report.chains_changed.len(),
            report.checkpoints_failed.len()
        ))
    }
}

/// Rebuilds the search index in `dir` (else the configured one) from the database.
pub async fn reindex(config: Config, dir: Option<std::path::PathBuf>) -> Result<(), String> {
    let dir = dir.or(config.index_dir.clone()).or(match &config.database_url {
        crate::db::DatabaseUrl::Sqlite(path) => Some(crate::startup::sqlite_index_dir(path)),
        crate::db::DatabaseUrl::Postgres(_) => None,
    });
    let dir = dir.ok_or("on PostgreSQL name the index directory: --dir or NORMREG_INDEX_DIR")?;
    let mut conn = super::open_checked(&config)?;
    let started = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let index = crate::search_index::SearchIndex::open(&dir, threads, 200_000_000, 1)
        .map_err(|e| format!("{e} (is an instance serving from {}?)", dir.display()))?;
    let live = service::search_sync::LiveIndex::new(index).map_err(|e| e.to_string())?;
    let mut bar = crate::progress::Progress::new("indexing");
    let n = live
        .rebuild(&mut conn, &mut |done, total| bar.update(done, total))
        .map_err(|e| e.to_string())?;
    println!(
        "{n} document(s) indexed in {} in {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
