//! Where the time comes from: the system clock in production, a settable one in tests.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China has one time zone and no daylight saving: dates of documents are Beijing dates.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
}

/// A source of the current time. Every deadline and validity check asks it, never the OS.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Beijing, the date every rule of domain.md counts in.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&beijing()).date_naive()
    }
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told otherwise; shared by clones.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<RwLock<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(RwLock::new(at)))
    }

    /// A clock standing at noon, Beijing time, on `day`.
    pub fn at_date(day: NaiveDate) -> Self {
        Self::new(noon_beijing(day))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn set_date(&self, day: NaiveDate) {
        self.set(noon_beijing(day));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.read().unwrap_or_else(|e| e.into_inner())
    }
}

fn noon_beijing(day: NaiveDate) -> DateTime<Utc> {
    // 04:00 UTC is noon in Beijing: the same date in both zones.
    day.and_hms_opt(4, 0, 0).unwrap_or_default().and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_reports_the_beijing_date_it_was_set_to() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        let clock = ManualClock::at_date(day);
        assert_eq!(clock.today(), day);
        clock.set_date(day.succ_opt().unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    }

    #[test]
    fn late_evening_utc_is_already_the_next_day_in_beijing() {
        let clock = ManualClock::new("2026-12-31T17:00:00Z".parse().unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }
}
