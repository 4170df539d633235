//! The holiday calendar as stored data.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use super::error::DbError;
use super::schema::calendar_days;
use super::DbConn;
use crate::domain::calendar::{HolidayCalendar, HolidayYear};

/// Replaces every entry of the year with the given file's days.
pub fn replace_year(conn: &mut DbConn, year: &HolidayYear) -> Result<(), DbError> {
    let (first, last) = year_bounds(year.year)?;
    diesel::delete(calendar_days::table.filter(calendar_days::day.between(first, last)))
        .execute(conn)?;
    // Multi-row inserts do not compile through MultiConnection; a year has ~40 entries.
    for d in &year.days {
        diesel::insert_into(calendar_days::table)
            .values((
                calendar_days::day.eq(d.date),
                calendar_days::name.eq(&d.name),
                calendar_days::is_off_day.eq(d.is_off_day),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn load(conn: &mut DbConn) -> Result<HolidayCalendar, DbError> {
    let rows: Vec<(NaiveDate, bool)> =
        calendar_days::table.select((calendar_days::day, calendar_days::is_off_day)).load(conn)?;
    Ok(HolidayCalendar::from_entries(rows))
}

/// Which years the calendar holds, so a start-up can seed only what is missing.
pub fn years(conn: &mut DbConn) -> Result<Vec<i32>, DbError> {
    let days: Vec<NaiveDate> = calendar_days::table.select(calendar_days::day).load(conn)?;
    let mut years: Vec<i32> = days.iter().map(|d| d.year()).collect();
    years.sort_unstable();
    years.dedup();
    Ok(years)
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), DbError> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1);
    let last = NaiveDate::from_ymd_opt(year, 12, 31);
    first.zip(last).ok_or(DbError::NotACalendarYear(year))
}
