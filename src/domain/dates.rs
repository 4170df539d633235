//! The one rule for every date the service accepts: written `YYYY-MM-DD` exactly, and within
//! the range of dates a normative document can carry (by default from the founding of the
//! People's Republic, 1949-10-01, to 2199-12-31; the policy's `earliest_date` and
//! `latest_date`).
//!
//! Why a range at all: chrono accepts years 0, -1 and +10000, and SQLite compares dates stored
//! as text as text, so `'+10004-12-31' < '2026-…'` there and not on PostgreSQL. Inside the
//! range every stored date is fixed-width ISO text, and both engines order dates alike.
//!
//! The shape is checked where a date is read (serde's `deserialize_with`, a query string, the
//! command line), because chrono's own parser takes `2026-1-1` and `+10000-01-01`; the range
//! is checked by the operation, which knows the policy in force.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

/// The earliest and latest date accepted, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// The widest range a policy may set. Four-digit years at both ends, and a year to spare at
/// the top: deadlines are counted forward from accepted dates (filing within at most 365 days,
/// moved past holidays), and what they give must still be stored in four digits.
pub const WIDEST_EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
pub const WIDEST_LATEST: NaiveDate = match NaiveDate::from_ymd_opt(9998, 12, 31) {
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
    #[error("must be a year between {first} and {last}, got {year}")]
    YearOutOfRange { year: i32, first: i32, last: i32 },
}

impl DateError {
    /// The message for a date the policy settled by default (the standard effect, the default
    /// validity) rather than one the request gave: the request should give it.
    pub fn settled(&self, field: &str) -> String {
        format!("the date the policy settles by default is out of range: {self}; give {field}")
    }
}

/// Why a range cannot be a policy's range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("earliest date {earliest} is after the latest date {latest}")]
    Reversed { earliest: NaiveDate, latest: NaiveDate },
    #[error("must not be before {WIDEST_EARLIEST}: {WIDEST_WHY}")]
    TooEarly,
    #[error("must not be after {WIDEST_LATEST}: {WIDEST_WHY}")]
    TooLate,
}

/// Why the widest range stops where it does, for messages.
pub const WIDEST_WHY: &str =
    "both ends need four-digit years, with a year to spare for deadlines counted from a date";

impl DateRange {
    /// The widest range a policy may set.
    pub fn widest() -> Self {
        Self { earliest: WIDEST_EARLIEST, latest: WIDEST_LATEST }
    }

    /// A range whose ends are in order and within [`WIDEST_EARLIEST`]..=[`WIDEST_LATEST`].
    pub fn new(earliest: NaiveDate, latest: NaiveDate) -> Result<Self, RangeError> {
        if earliest < WIDEST_EARLIEST {
            return Err(RangeError::TooEarly);
        }
        if latest > WIDEST_LATEST {
            return Err(RangeError::TooLate);
        }
        if earliest > latest {
            return Err(RangeError::Reversed { earliest, latest });
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

    /// `year` if some of its days lie within the range (a catalogue, a campaign or a figure
    /// named after a year).
    pub fn check_year(&self, year: i32) -> Result<i32, DateError> {
        let (first, last) = (self.earliest.year(), self.latest.year());
        if year < first || year > last {
            return Err(DateError::YearOutOfRange { year, first, last });
        }
        Ok(year)
    }

    /// Every date of a request outside the range, with the field that carries it; dates left
    /// out (`None`) are not checked.
    pub fn outside(
        &self,
        fields: &[(&'static str, Option<NaiveDate>)],
    ) -> Vec<(&'static str, DateError)> {
        fields
            .iter()
            .filter_map(|(field, date)| Some((*field, self.check((*date)?).err()?)))
            .collect()
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

/// serde's `deserialize_with` for a date field of a request: [`parse_iso`], so that a body
/// with `2026-1-1` or `+10000-01-01` is refused naming the field.
pub fn iso<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_iso(&text).map_err(serde::de::Error::custom)
}

/// [`iso`] for a date that may be left out or `null` (with `#[serde(default)]`).
pub fn iso_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_iso(&text).map(Some).map_err(serde::de::Error::custom),
    }
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
        assert_eq!(DateRange::new(day("1000-01-01"), day("9999-12-31")), Err(RangeError::TooLate));
        assert!(DateRange::new(day("1000-01-01"), day("9998-12-31")).is_ok());
    }

    #[test]
    fn a_year_is_in_range_when_some_of_its_days_are() {
        let range = DateRange::default();
        assert_eq!(range.check_year(1949), Ok(1949));
        assert_eq!(range.check_year(2199), Ok(2199));
        for outside in [0, 1948, 2200, 10000, -1] {
            let e = range.check_year(outside).unwrap_err();
            assert!(e.to_string().contains("between 1949 and 2199"), "{e}");
        }
    }

    #[test]
    fn every_field_outside_the_range_is_named_and_absent_ones_are_skipped() {
        let range = DateRange::default();
        let fields = [
            ("published_on", Some(day("1899-12-31"))),
            ("effective_on", None),
            ("valid_until", Some(day("9999-12-31"))),
            ("decided_on", Some(day("2026-03-02"))),
        ];
        let named: Vec<_> = range.outside(&fields).into_iter().map(|(f, _)| f).collect();
        assert_eq!(named, ["published_on", "valid_until"]);
    }

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "iso")]
        on: NaiveDate,
        #[serde(default, deserialize_with = "iso_opt")]
        until: Option<NaiveDate>,
    }

    #[test]
    fn request_fields_take_only_the_exact_shape_where_chrono_would_take_more() {
        // chrono's own deserialiser is what let these through.
        assert!(serde_json::from_str::<NaiveDate>("\"2026-1-1\"").is_ok());
        for bad in ["2026-1-1", "+10000-01-01", "-0001-01-01", "2026-01-01T00:00:00"] {
            let json = format!(r#"{{"on": "{bad}"}}"#);
            let e = serde_json::from_str::<Body>(&json).unwrap_err();
            assert!(e.to_string().contains("YYYY-MM-DD"), "{bad}: {e}");
            let json = format!(r#"{{"on": "2026-03-02", "until": "{bad}"}}"#);
            assert!(serde_json::from_str::<Body>(&json).is_err(), "{bad}");
        }
        let ok: Body = serde_json::from_str(r#"{"on": "2026-03-02", "until": null}"#).unwrap();
        assert_eq!((ok.on, ok.until), (day("2026-03-02"), None));
        let ok: Body = serde_json::from_str(r#"{"on": "2026-03-02"}"#).unwrap();
        assert_eq!(ok.until, None);
    }
}
