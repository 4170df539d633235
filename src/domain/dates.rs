//! The one rule for every date the service accepts: written `YYYY-MM-DD` exactly, and within
//! the range of dates a normative document can carry (by default from the founding of the
//! People's Republic, 1949-10-01, to 2199-12-31; a policy setting).
//!
//! Why a range at all: chrono accepts years 0, -1 and +10000, and SQLite compares dates stored
//! as text as text, so `'+10004-12-31' < '2026-…'` there and not on PostgreSQL. Inside the
//! range every stored date is fixed-width ISO text, and both engines order dates alike.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The earliest and latest date accepted, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DateRange {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

/// 1949-10-01, the founding of the People's Republic: no normative document is older.
pub const DEFAULT_EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1949, 10, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// 2199-12-31: far beyond any validity the policy allows, still four digits.
pub const DEFAULT_LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

impl Default for DateRange {
    fn default() -> Self {
        Self { earliest: DEFAULT_EARLIEST, latest: DEFAULT_LATEST }
    }
}

/// Why a date was refused; the message says what to send instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("must be a date written YYYY-MM-DD, got `{0}`")]
    Format(String),
    #[error("must be between {earliest} and {latest}, got {date}")]
    OutOfRange { date: NaiveDate, earliest: NaiveDate, latest: NaiveDate },
}

impl DateRange {
    /// A range whose ends are themselves writable dates in order, or why not.
    pub fn new(earliest: NaiveDate, latest: NaiveDate) -> Result<Self, String> {
        let widest = DateRange { earliest: year_one(), latest: year_9999() };
        if earliest > latest {
            return Err(format!("earliest {earliest} is after latest {latest}"));
        }
        if earliest < widest.earliest || latest > widest.latest {
            return Err("both ends must have four-digit years".into());
        }
        Ok(Self { earliest, latest })
    }

    /// `date` if it lies within the range.
    pub fn check(&self, date: NaiveDate) -> Result<NaiveDate, DateError> {
        if date < self.earliest || date > self.latest {
            return Err(DateError::OutOfRange {
                date,
                earliest: self.earliest,
                latest: self.latest,
            });
        }
        Ok(date)
    }

    /// Parses `YYYY-MM-DD` exactly (no sign, no single-digit month or day, no time) and
    /// checks the range.
    pub fn parse(&self, text: &str) -> Result<NaiveDate, DateError> {
        self.check(parse_iso(text)?)
    }
}

/// Parses `YYYY-MM-DD` exactly: ten characters, four-digit year, two-digit month and day.
pub fn parse_iso(text: &str) -> Result<NaiveDate, DateError> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return Err(DateError::Format(text.chars().take(40).collect()));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DateError::Format(text.to_string()))
}

fn year_one() -> NaiveDate {
    NaiveDate::from_ymd_opt(1000, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn year_9999() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_ends_of_the_default_range_are_accepted() {
        let range = DateRange::default();
        assert_eq!(range.parse("1949-10-01"), Ok(day("1949-10-01")));
        assert_eq!(range.parse("2199-12-31"), Ok(day("2199-12-31")));
    }

    #[test]
    fn dates_outside_the_range_are_refused_with_the_range() {
        let range = DateRange::default();
        for outside in ["1949-09-30", "1899-12-31", "2200-01-01", "9999-12-31"] {
            let e = range.parse(outside).unwrap_err();
            assert!(matches!(e, DateError::OutOfRange { .. }), "{outside}: {e}");
            assert!(e.to_string().contains("1949-10-01"), "{e}");
        }
    }

    #[test]
    fn anything_but_ten_character_iso_dates_is_a_format_error() {
        let range = DateRange::default();
        for bad in [
            "0000-01-01",
            "+10000-01-01",
            "-0001-01-01",
            "2026-1-1",
            "2026-02-30",
            "",
            "2026/01/01",
        ] {
            let e = range.parse(bad).unwrap_err();
            // Year 0 is well-formed but out of range; the rest are malformed.
            if bad == "0000-01-01" {
                assert!(matches!(e, DateError::OutOfRange { .. }), "{bad}: {e}");
            } else {
                assert!(matches!(e, DateError::Format(_)), "{bad}: {e}");
            }
        }
    }

    #[test]
    fn a_range_must_be_in_order_with_four_digit_years() {
        assert!(DateRange::new(day("2000-01-01"), day("1999-12-31")).is_err());
        assert!(DateRange::new(day("0999-12-31"), day("2000-01-01")).is_err());
        assert!(DateRange::new(day("1949-10-01"), day("2199-12-31")).is_ok());
    }
}
