//! The counts of failed logins (see `domain::login_throttle`), shared by every instance on
//! the database. Each change is one statement, so concurrent instances never lose a count.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use super::error::DbError;
use super::schema::login_throttle;
use super::DbConn;
use crate::domain::login_throttle::{Count, FORGET_AFTER_SECONDS};

/// The stored count under `key`, if any.
pub fn read(conn: &mut DbConn, key: &str) -> Result<Option<Count>, DbError> {
    let row: Option<(i32, NaiveDateTime)> = login_throttle::table
        .find(key)
        .select((login_throttle::failures, login_throttle::last_failure_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(failures, at)| Count {
        failures: u32::try_from(failures).unwrap_or(0),
        last_failure_at: at.and_utc(),
    }))
}

#[derive(QueryableByName)]
struct Failures {
    #[diesel(sql_type = Integer)]
    failures: i32,
}

/// Adds a failure under `key` at `now` (starting again from one when the count was
/// forgotten) and answers the new count.
pub fn charge(conn: &mut DbConn, key: &str, now: DateTime<Utc>) -> Result<u32, DbError> {
    let forgotten = now - chrono::Duration::seconds(FORGET_AFTER_SECONDS);
    let sql = "INSERT INTO login_throttle (key, failures, last_failure_at) VALUES (?, 1, ?) \
               ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN login_throttle.last_failure_at <= ? THEN 1 \
                          ELSE login_throttle.failures + 1 END, \
               last_failure_at = excluded.last_failure_at \
               RETURNING failures";
    let rows: Vec<Failures> = diesel::sql_query(super::placeholders(conn, sql))
        .bind::<Text, _>(key)
        .bind::<Timestamp, _>(now.naive_utc())
        .bind::<Timestamp, _>(forgotten.naive_utc())
        .load(conn)?;
    Ok(rows.first().map_or(1, |r| u32::try_from(r.failures).unwrap_or(0)))
}

/// Takes back one failure charged under `key` (the try was not a failure after all).
pub fn uncharge(conn: &mut DbConn, key: &str) -> Result<(), DbError> {
    diesel::update(login_throttle::table.find(key).filter(login_throttle::failures.gt(0)))
        .set(login_throttle::failures.eq(login_throttle::failures - 1))
        .execute(conn)?;
    Ok(())
}

/// Forgets the count under `key` (a successful login of that username from that address).
pub fn clear(conn: &mut DbConn, key: &str) -> Result<(), DbError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}

/// Deletes the counts already forgotten at `now`, so the table holds only live ones.
pub fn purge(conn: &mut DbConn, now: DateTime<Utc>) -> Result<usize, DbError> {
    let forgotten = (now - chrono::Duration::seconds(FORGET_AFTER_SECONDS)).naive_utc();
    Ok(diesel::delete(login_throttle::table.filter(login_throttle::last_failure_at.le(forgotten)))
        .execute(conn)?)
}
