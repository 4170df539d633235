//! The daily jobs inside `serve`: automatic expiry, the closing of consultations whose period
//! ended, then a checkpoint of the history; once at start, then every day at the configured
//! Beijing time. Several instances may run them at once: expiry and closing are idempotent,
//! and of two checkpoints raced for, one is made.

use std::time::Duration;

use actix_web::web;
use chrono::{Days, NaiveTime};

use crate::domain::clock::{beijing, Clock};
use crate::error::AppError;
use crate::service;
use crate::state::AppState;

/// Runs one expiry as of the clock's today; answers how many documents expired.
pub async fn run_expiry(state: &AppState) -> Result<usize, AppError> {
    let today = state.clock.today();
    let at = state.clock.now().naive_utc();
    let n =
        state.db.write_statement(move |conn| service::expiry::expire_due(conn, today, at)).await?;
    if n > 0 {
        tracing::info!(expired = n, %today, "automatic expiry");
    }
    Ok(n)
}

/// Records the close of every consultation whose period ended before the clock's today;
/// answers how many this run closed.
pub async fn run_consultation_closing(state: &AppState) -> Result<usize, AppError> {
    let today = state.clock.today();
    let at = state.clock.now().naive_utc();
    let n = state
        .db
        .write_statement(move |conn| service::consultation::close_due(conn, today, at))
        .await?;
    if n > 0 {
        tracing::info!(closed = n, %today, "consultations closed");
    }
    Ok(n)
}

/// Makes a checkpoint of the history (after the day's expiry, so that it covers it).
pub async fn run_checkpoint(state: &AppState) -> Result<(), AppError> {
    let at = state.clock.now().naive_utc();
    let made = state.db.write_statement(move |conn| service::history::checkpoint(conn, at)).await?;
    if let Some(c) = made {
        tracing::info!(seq = c.seq, hash = %c.hash, "history checkpoint");
    }
    Ok(())
}

/// Starts the daily loop on the current actix runtime.
pub fn spawn(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        loop {
            let result = run_expiry(&state).await;
            state.metrics.run("expiry", result.is_ok());
            if let Err(e) = result {
                tracing::error!(error = %e, "automatic expiry failed; retrying at the next run");
            }
            let closing = run_consultation_closing(&state).await;
            state.metrics.run("consultation_closing", closing.is_ok());
            if let Err(e) = closing {
                tracing::error!(error = %e, "closing consultations failed; retrying at the next run");
            }
            let result = run_checkpoint(&state).await;
            state.metrics.run("checkpoint", result.is_ok());
            if let Err(e) = result {
                tracing::error!(error = %e, "history checkpoint failed; retrying at the next run");
            }
            let wait = until_next(state.clock.as_ref(), state.config.expiry_time);
            actix_web::rt::time::sleep(wait).await;
        }
    });
}

/// Time from now to the next `at` in Beijing.
fn until_next(clock: &dyn Clock, at: NaiveTime) -> Duration {
    let now = clock.now().with_timezone(&beijing());
    let today_at = now.date_naive().and_time(at);
    let next = if now.naive_local() < today_at {
        today_at
    } else {
        (now.date_naive() + Days::new(1)).and_time(at)
    };
    (next - now.naive_local())
        .to_std()
        .unwrap_or(Duration::from_secs(60))
        .max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::ManualClock;

    #[test]
    fn the_next_run_is_at_five_past_midnight_beijing() {
        // 2026-03-02 23:00 Beijing is 15:00 UTC: next run 00:05, 65 minutes later.
        let clock = ManualClock::new("2026-03-02T15:00:00Z".parse().unwrap());
        let at = NaiveTime::from_hms_opt(0, 5, 0).unwrap();
        assert_eq!(until_next(&clock, at), Duration::from_secs(65 * 60));
    }
}
