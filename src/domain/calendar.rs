//! Working-day arithmetic over the Chinese official holiday calendar (holiday-cn data).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Earliest calendar year accepted; the PRC official calendar starts in 1949.
pub const MIN_YEAR: i32 = 1949;
/// Latest calendar year accepted; anything later is a typo, not planning.
pub const MAX_YEAR: i32 = 2200;

/// Longest run of consecutive non-working days a walk will cross before giving up.
///
/// No real calendar has more than a couple of weeks off in a row, so ten years of
/// off days can only be bad data; stopping keeps a request from spinning forever.
const MAX_NON_WORKING_RUN: u32 = 3660;

/// Why a holiday calendar file was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CalendarError {
    #[error("holiday calendar is not valid JSON in holiday-cn format: {0}")]
    Json(String),
    #[error("holiday calendar year {year} is outside {MIN_YEAR}..={MAX_YEAR}; correct the \"year\" field")]
    YearOutOfRange { year: i32 },
    #[error("day {date} does not belong to the {year} calendar; fix the date or move it to the file for {}", .date.year())]
    DateOutsideYear { year: i32, date: NaiveDate },
    #[error("day {date} is listed more than once; keep a single entry for it")]
    DuplicateDate { date: NaiveDate },
    #[error("day {date} has an empty name; give the holiday it belongs to (for example 春节)")]
    EmptyName { date: NaiveDate },
}

/// One year of the official calendar, as published by holiday-cn.
#[derive(Deserialize, Serialize, Clone, Debug, utoipa::ToSchema)]
pub struct HolidayYear {
    pub year: i32,
    /// Links to the State Council notices the year was taken from.
    #[serde(default)]
    pub papers: Vec<String>,
    pub days: Vec<HolidayDay>,
}

/// A day that differs from the plain Monday–Friday rule.
#[derive(Deserialize, Serialize, Clone, Debug, utoipa::ToSchema)]
pub struct HolidayDay {
    pub name: String,
    #[serde(deserialize_with = "super::dates::iso")]
    pub date: NaiveDate,
    /// `false` marks a make-up working day (调休) falling on a weekend.
    #[serde(rename = "isOffDay")]
    pub is_off_day: bool,
}

impl HolidayYear {
    /// Parses one holiday-cn JSON file and validates it.
    pub fn from_json(json: &str) -> Result<Self, CalendarError> {
        let year: Self =
            serde_json::from_str(json).map_err(|e| CalendarError::Json(e.to_string()))?;
        year.validate()?;
        Ok(year)
    }

    /// Refuses data that would silently corrupt deadline arithmetic.
    pub fn validate(&self) -> Result<(), CalendarError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&self.year) {
            return Err(CalendarError::YearOutOfRange { year: self.year });
        }
        let mut seen = BTreeSet::new();
        for day in &self.days {
            if day.date.year() != self.year {
                return Err(CalendarError::DateOutsideYear { year: self.year, date: day.date });
            }
            if !seen.insert(day.date) {
                return Err(CalendarError::DuplicateDate { date: day.date });
            }
            if day.name.trim().is_empty() {
                return Err(CalendarError::EmptyName { date: day.date });
            }
        }
        Ok(())
    }
}

/// Official holidays and make-up working days, keyed by date (`true` = off day).
///
/// Dates without an entry follow the plain rule: Monday to Friday are working days.
#[derive(Clone, Debug, Default)]
pub struct HolidayCalendar {
    days: BTreeMap<NaiveDate, bool>,
}

impl HolidayCalendar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a calendar from `(date, is_off_day)` pairs, e.g. rows read from storage.
    pub fn from_entries(entries: impl IntoIterator<Item = (NaiveDate, bool)>) -> Self {
        Self { days: entries.into_iter().collect() }
    }

    /// Replaces everything known about `year.year` with the given data.
    ///
    /// Replacing rather than merging lets a corrected notice remove a day that an
    /// earlier version listed. Callers should run [`HolidayYear::validate`] first.
    pub fn insert_year(&mut self, year: &HolidayYear) {
        if let (Some(first), Some(last)) =
            (NaiveDate::from_ymd_opt(year.year, 1, 1), NaiveDate::from_ymd_opt(year.year, 12, 31))
        {
            let stale: Vec<NaiveDate> = self.days.range(first..=last).map(|(d, _)| *d).collect();
            for date in stale {
                self.days.remove(&date);
            }
        }
        for day in &year.days {
            self.days.insert(day.date, day.is_off_day);
        }
    }

    /// All explicit entries, in date order.
    pub fn entries(&self) -> impl Iterator<Item = (NaiveDate, bool)> + '_ {
        self.days.iter().map(|(d, off)| (*d, *off))
    }

    pub fn len(&self) -> usize {
        self.days.len()
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(is_off_day) => !is_off_day,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `start`; `start` itself is never counted.
    ///
    /// Returns the last date reached if the calendar runs off chrono's range or
    /// claims more than ten years in a row are off.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut counted = 0;
        let mut non_working_run = 0;
        while counted < n {
            let Some(next) = day.succ_opt() else {
                return day;
            };
            day = next;
            if self.is_working_day(day) {
                counted += 1;
                non_working_run = 0;
            } else {
                non_working_run += 1;
                if non_working_run >= MAX_NON_WORKING_RUN {
                    return day;
                }
            }
        }
        day
    }

    /// `n` calendar days after `start`, pushed to the next working day when the
    /// period would end on a rest day or holiday (民法典 Art. 201 and 203).
    pub fn add_calendar_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let end = start.checked_add_days(chrono::Days::new(u64::from(n))).unwrap_or(NaiveDate::MAX);
        self.next_working_day_on_or_after(end)
    }

    /// `date` if it is a working day, otherwise the first working day after it.
    pub fn next_working_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        for _ in 0..MAX_NON_WORKING_RUN {
            if self.is_working_day(day) {
                return day;
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
        }
        day
    }

    /// `months` months after `start`, clamped to the end of a shorter month
    /// (31 Jan + 1 month = 28/29 Feb, as 民法典 Art. 202 prescribes), then pushed to
    /// the next working day like [`Self::add_calendar_days`].
    pub fn add_months_calendar(&self, start: NaiveDate, months: u32) -> NaiveDate {
        let end = start.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX);
        self.next_working_day_on_or_after(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y2025: &str = include_str!("testdata/holidays-2025.json");
    const Y2026: &str = include_str!("testdata/holidays-2026.json");

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn year(json: &str) -> HolidayYear {
        HolidayYear::from_json(json).expect("bundled calendar is valid")
    }

    fn calendar() -> HolidayCalendar {
        let mut cal = HolidayCalendar::new();
        cal.insert_year(&year(Y2025));
        cal.insert_year(&year(Y2026));
        cal
    }

    fn day(name: &str, date: NaiveDate, is_off_day: bool) -> HolidayDay {
        HolidayDay { name: name.to_string(), date, is_off_day }
    }

    #[test]
    fn bundled_files_parse_with_their_schema_fields_and_papers() {
        let y = year(Y2026);
        assert_eq!(y.year, 2026);
        assert_eq!(y.papers.len(), 1);
        assert_eq!(y.days.len(), 39);
    }

    #[test]
    fn every_2026_make_up_day_is_a_working_weekend_day() {
        let cal = calendar();
        let make_up: Vec<NaiveDate> =
            year(Y2026).days.iter().filter(|day| !day.is_off_day).map(|day| day.date).collect();
        assert_eq!(
            make_up,
            vec![
                d(2026, 1, 4),
                d(2026, 2, 14),
                d(2026, 2, 28),
                d(2026, 5, 9),
                d(2026, 9, 20),
                d(2026, 10, 10),
            ]
        );
        for date in make_up {
            assert!(
                matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
                "{date} should fall on a weekend"
            );
            assert!(cal.is_working_day(date), "{date} should be a working day");
        }
    }

    #[test]
    fn spring_festival_2026_days_are_not_working_days() {
        let cal = calendar();
        for dom in 15..=23 {
            assert!(!cal.is_working_day(d(2026, 2, dom)), "2026-02-{dom}");
        }
        assert!(cal.is_working_day(d(2026, 2, 24)));
    }

    #[test]
    fn fifteen_working_days_from_monday_28_september_2026_skip_national_day() {
        // 9-29, 9-30, then 10-01..07 off, 10-08, 10-09, 10-10 (Sat, make-up),
        // 10-12..16, 10-19..23: the fifteenth is Friday 23 October.
        assert_eq!(calendar().add_working_days(d(2026, 9, 28), 15), d(2026, 10, 23));
    }

    #[test]
    fn fifteen_working_days_from_friday_18_september_2026_count_both_make_up_sundays_and_saturdays()
    {
        // 9-20 (Sun, make-up), 9-21..24, [9-25..27 中秋], 9-28..30, [10-01..07],
        // 10-08, 10-09, 10-10 (make-up), 10-12..15: the fifteenth is 15 October.
        assert_eq!(calendar().add_working_days(d(2026, 9, 18), 15), d(2026, 10, 15));
    }

    #[test]
    fn working_days_cross_the_new_year_using_both_years() {
        // 12-29, 12-30, 12-31, [1-1..1-3], 1-4 (Sun, make-up), 1-5.
        assert_eq!(calendar().add_working_days(d(2025, 12, 26), 5), d(2026, 1, 5));
    }

    #[test]
    fn zero_working_days_return_the_start_even_on_a_holiday() {
        assert_eq!(calendar().add_working_days(d(2026, 10, 1), 0), d(2026, 10, 1));
    }

    #[test]
    fn calendar_period_ending_on_national_day_moves_to_the_next_working_day() {
        // 2026-09-21 + 10 days = 10-01, a holiday through 10-07.
        assert_eq!(calendar().add_calendar_days(d(2026, 9, 21), 10), d(2026, 10, 8));
    }

    #[test]
    fn calendar_period_ending_on_a_working_day_stays_put() {
        assert_eq!(calendar().add_calendar_days(d(2026, 3, 2), 30), d(2026, 4, 1));
    }

    #[test]
    fn calendar_period_ending_on_a_make_up_saturday_stays_on_it() {
        // 2026-02-18 + 10 = Saturday 02-28, a make-up working day.
        assert_eq!(calendar().add_calendar_days(d(2026, 2, 18), 10), d(2026, 2, 28));
    }

    #[test]
    fn month_period_clamps_to_month_end_then_keeps_a_working_saturday() {
        // 31 Jan + 1 month clamps to 28 Feb 2026, which is a make-up working Saturday.
        assert_eq!(calendar().add_months_calendar(d(2026, 1, 31), 1), d(2026, 2, 28));
    }

    #[test]
    fn month_period_ending_in_spring_festival_moves_past_it() {
        assert_eq!(calendar().add_months_calendar(d(2026, 1, 15), 1), d(2026, 2, 24));
    }

    #[test]
    fn next_working_day_on_or_after_skips_the_whole_holiday() {
        let cal = calendar();
        assert_eq!(cal.next_working_day_on_or_after(d(2026, 5, 1)), d(2026, 5, 6));
        assert_eq!(cal.next_working_day_on_or_after(d(2026, 5, 6)), d(2026, 5, 6));
    }

    #[test]
    fn without_calendar_data_only_weekends_are_rest_days() {
        let cal = HolidayCalendar::new();
        // 2030-01-01 is a Tuesday and a real holiday, but nothing is loaded for 2030.
        assert!(cal.is_working_day(d(2030, 1, 1)));
        assert!(!cal.is_working_day(d(2030, 1, 5)));
        assert!(!cal.is_working_day(d(2030, 1, 6)));
        // Friday 4 Jan + 1 working day skips the weekend.
        assert_eq!(cal.add_working_days(d(2030, 1, 4), 1), d(2030, 1, 7));
        assert_eq!(cal.add_working_days(d(2030, 1, 1), 10), d(2030, 1, 15));
        // Tuesday 1 Jan + 4 days = Saturday, moved to Monday.
        assert_eq!(cal.add_calendar_days(d(2030, 1, 1), 4), d(2030, 1, 7));
    }

    #[test]
    fn insert_year_replaces_the_earlier_data_for_that_year() {
        let mut cal = calendar();
        let corrected = HolidayYear {
            year: 2026,
            papers: vec![],
            days: vec![day("元旦", d(2026, 1, 1), true)],
        };
        cal.insert_year(&corrected);
        assert!(!cal.is_working_day(d(2026, 1, 1)));
        // 10-01 was dropped with the old 2026 data; 2025 stays untouched.
        assert!(cal.is_working_day(d(2026, 10, 1)));
        assert!(!cal.is_working_day(d(2025, 10, 1)));
    }

    #[test]
    fn from_entries_uses_the_given_flags() {
        let cal = HolidayCalendar::from_entries([(d(2030, 1, 1), true), (d(2030, 1, 5), false)]);
        assert_eq!(cal.len(), 2);
        assert!(!cal.is_working_day(d(2030, 1, 1)));
        assert!(cal.is_working_day(d(2030, 1, 5)));
    }

    #[test]
    fn a_calendar_of_endless_holidays_cannot_hang_the_walk() {
        let start = d(2030, 1, 1);
        let cal =
            HolidayCalendar::from_entries(start.iter_days().take(5000).map(|day| (day, true)));
        let limit = start + chrono::Days::new(u64::from(MAX_NON_WORKING_RUN));
        assert!(cal.add_working_days(start, 3) <= limit);
        assert!(cal.next_working_day_on_or_after(start) <= limit);
        assert!(cal.add_calendar_days(start, 1) <= limit + chrono::Days::new(1));
    }

    #[test]
    fn validate_refuses_a_date_listed_twice() {
        let y = HolidayYear {
            year: 2026,
            papers: vec![],
            days: vec![day("元旦", d(2026, 1, 1), true), day("元旦", d(2026, 1, 1), false)],
        };
        let err = y.validate().expect_err("duplicate must be refused");
        assert_eq!(err, CalendarError::DuplicateDate { date: d(2026, 1, 1) });
        assert!(err.to_string().contains("2026-01-01"));
    }

    #[test]
    fn validate_refuses_a_date_from_another_year_and_names_it() {
        let y = HolidayYear {
            year: 2026,
            papers: vec![],
            days: vec![day("元旦", d(2025, 12, 31), true)],
        };
        let err = y.validate().expect_err("foreign date must be refused");
        assert_eq!(err, CalendarError::DateOutsideYear { year: 2026, date: d(2025, 12, 31) });
        assert!(err.to_string().contains("2025-12-31"));
        assert!(err.to_string().contains("file for 2025"));
    }

    #[test]
    fn validate_refuses_years_out_of_range_and_blank_names() {
        let too_early = HolidayYear { year: 1948, papers: vec![], days: vec![] };
        assert_eq!(too_early.validate(), Err(CalendarError::YearOutOfRange { year: 1948 }));
        let blank =
            HolidayYear { year: 2026, papers: vec![], days: vec![day("  ", d(2026, 1, 1), true)] };
        assert_eq!(blank.validate(), Err(CalendarError::EmptyName { date: d(2026, 1, 1) }));
    }

    #[test]
    fn from_json_reports_malformed_input() {
        assert!(matches!(HolidayYear::from_json("{\"year\": 2026}"), Err(CalendarError::Json(_))));
    }
}
