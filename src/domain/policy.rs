//! The jurisdiction's settings: every number of domain.md that varies between places.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::{self, DateRange, RangeError, WIDEST_WHY};
use super::validity::ValidityPolicy;

/// Settings with the defaults of domain.md. Stored as data and changed by an admin; no
/// handler holds a literal deadline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Legality review time limit, in working days (default 15; some cities use 5).
    pub review_working_days: u32,
    /// Minimum public consultation for documents that affect rights, in working days.
    pub consultation_working_days: u32,
    /// Minimum public consultation where closely tied to businesses, in calendar days.
    pub consultation_business_days: u32,
    /// Days from publication to effect unless an earlier date has a recorded reason.
    pub effect_delay_days: u32,
    /// Validity when the document states none.
    pub default_validity_years: u32,
    /// Validity of 暂行 / 试行 documents.
    pub provisional_validity_years: u32,
    /// No document is valid longer than this.
    pub max_validity_years: u32,
    /// Documents expiring within this many days are due for evaluation (6 months).
    pub evaluation_window_days: u32,
    /// Filing deadline after publication, in calendar days (Liaoning: 15).
    pub filing_days: u32,
    /// Deadline for self-correction ordered by the filing authority, in calendar days.
    pub correction_days: u32,
    /// Deadline for revocation after a filing was found unlawful, in calendar days.
    pub revocation_days: u32,
    /// Reply deadline for citizens' review suggestions, in calendar days.
    pub suggestion_reply_days: u32,
    /// Interval of periodic cleanup campaigns (清理), in years.
    pub cleanup_interval_years: u32,
    /// Shape of the 统一登记号, with `{prefix}`, `{year}` and `{n}`.
    pub registration_format: String,
    /// Zero-padding width of the registration serial (0: none).
    pub registration_serial_width: u8,
    /// The earliest date any request may carry (default 1949-10-01, the founding of the PRC).
    /// Every date the service accepts (publication, effect, validity, decisions, repeals,
    /// as-of reads, imports, `normreg expire --as-of`) must lie between this and
    /// `latest_date`; years (catalogues, campaigns, figures) must overlap that range.
    #[serde(deserialize_with = "dates::iso")]
    pub earliest_date: NaiveDate,
    /// The latest date any request may carry (default 2199-12-31); at most 9998-12-31, so
    /// that every stored date keeps four-digit years and both engines order dates alike.
    #[serde(deserialize_with = "dates::iso")]
    pub latest_date: NaiveDate,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            review_working_days: 15,
            consultation_working_days: 7,
            consultation_business_days: 30,
            effect_delay_days: 30,
            default_validity_years: 5,
            provisional_validity_years: 2,
            max_validity_years: 5,
            evaluation_window_days: 180,
            filing_days: 15,
            correction_days: 30,
            revocation_days: 60,
            suggestion_reply_days: 15,
            cleanup_interval_years: 2,
            registration_format: "{prefix}—{year}—{n}".to_string(),
            registration_serial_width: 0,
            earliest_date: dates::DEFAULT_EARLIEST,
            latest_date: dates::DEFAULT_LATEST,
        }
    }
}

/// A setting out of its sensible range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PolicyError {
    pub field: &'static str,
    pub message: String,
}

impl Policy {
    /// Refuses settings that would make deadlines meaningless.
    pub fn validate(&self) -> Result<(), Vec<PolicyError>> {
        let mut errors = Vec::new();
        let mut range = |field: &'static str, value: u32, min: u32, max: u32| {
            if value < min || value > max {
                errors.push(PolicyError {
                    field,
                    message: format!("must be between {min} and {max}, got {value}"),
                });
            }
        };
        range("review_working_days", self.review_working_days, 1, 120);
        range("consultation_working_days", self.consultation_working_days, 1, 120);
        range("consultation_business_days", self.consultation_business_days, 1, 365);
        range("effect_delay_days", self.effect_delay_days, 0, 365);
        range("default_validity_years", self.default_validity_years, 1, 50);
        range("provisional_validity_years", self.provisional_validity_years, 1, 50);
        range("max_validity_years", self.max_validity_years, 1, 50);
        range("evaluation_window_days", self.evaluation_window_days, 1, 3650);
        range("filing_days", self.filing_days, 1, 365);
        range("correction_days", self.correction_days, 1, 365);
        range("revocation_days", self.revocation_days, 1, 365);
        range("suggestion_reply_days", self.suggestion_reply_days, 1, 365);
        range("cleanup_interval_years", self.cleanup_interval_years, 1, 20);
        range("registration_serial_width", self.registration_serial_width.into(), 0, 9);
        if self.default_validity_years > self.max_validity_years {
            errors.push(PolicyError {
                field: "default_validity_years",
                message: "must not exceed max_validity_years".into(),
            });
        }
        if self.provisional_validity_years > self.max_validity_years {
            errors.push(PolicyError {
                field: "provisional_validity_years",
                message: "must not exceed max_validity_years".into(),
            });
        }
        for placeholder in ["{prefix}", "{year}", "{n}"] {
            if !self.registration_format.contains(placeholder) {
                errors.push(PolicyError {
                    field: "registration_format",
                    message: format!("must contain {placeholder}"),
                });
            }
        }
        // Each end on its own first, so that the end at fault is the one named.
        let ends = [("earliest_date", self.earliest_date), ("latest_date", self.latest_date)];
        for (field, date) in ends {
            if let Err(e) = DateRange::widest().check(date) {
                errors.push(PolicyError { field, message: format!("{e}: {WIDEST_WHY}") });
            }
        }
        // A reversed range is reported on `latest_date`, unless that end is already named as
        // out of the widest range: one field, one reason.
        let latest_named = errors.iter().any(|e| e.field == "latest_date");
        if let (false, Err(e @ RangeError::Reversed { .. })) =
            (latest_named, DateRange::new(self.earliest_date, self.latest_date))
        {
            errors.push(PolicyError { field: "latest_date", message: e.to_string() });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The range every accepted date must lie in. A stored policy was validated when saved;
    /// should one be out of order all the same, the default range applies rather than none.
    pub fn date_range(&self) -> DateRange {
        DateRange::new(self.earliest_date, self.latest_date).unwrap_or_default()
    }

    pub fn validity(&self) -> ValidityPolicy {
        ValidityPolicy {
            effect_delay_days: self.effect_delay_days,
            default_validity_years: self.default_validity_years,
            provisional_validity_years: self.provisional_validity_years,
            max_validity_years: self.max_validity_years,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_those_of_the_domain_rules_and_valid() {
        let p = Policy::default();
        assert_eq!((p.review_working_days, p.filing_days, p.max_validity_years), (15, 15, 5));
        assert!(p.validate().is_ok());
    }

    #[test]
    fn a_default_validity_beyond_the_maximum_is_refused() {
        let p = Policy { default_validity_years: 8, ..Policy::default() };
        let errs = p.validate().unwrap_err();
        assert_eq!(errs[0].field, "default_validity_years");
    }

    #[test]
    fn a_registration_format_without_serial_is_refused() {
        let p = Policy { registration_format: "{prefix}-{year}".into(), ..Policy::default() };
        assert!(p.validate().unwrap_err().iter().any(|e| e.field == "registration_format"));
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_default_date_range_runs_from_the_founding_to_2199() {
        let range = Policy::default().date_range();
        assert_eq!((range.earliest, range.latest), (day("1949-10-01"), day("2199-12-31")));
    }

    #[test]
    fn a_date_range_out_of_order_or_beyond_four_digits_is_refused_naming_its_end() {
        let field = |earliest: &str, latest: &str| {
            let p = Policy {
                earliest_date: day(earliest),
                latest_date: day(latest),
                ..Policy::default()
            };
            p.validate().unwrap_err().iter().map(|e| e.field).collect::<Vec<_>>()
        };
        assert_eq!(field("2000-01-01", "1999-12-31"), ["latest_date"]);
        assert_eq!(field("0999-12-31", "2000-01-01"), ["earliest_date"]);
        assert_eq!(field("1949-10-01", "9999-12-31"), ["latest_date"]);
        assert_eq!(field("9999-12-31", "2199-12-31"), ["earliest_date", "latest_date"]);
        assert_eq!(field("1949-10-01", "0000-01-01"), ["latest_date"]);
        let narrow = Policy {
            earliest_date: day("2020-01-01"),
            latest_date: day("2030-12-31"),
            ..Policy::default()
        };
        assert!(narrow.validate().is_ok());
        assert_eq!(narrow.date_range().latest, day("2030-12-31"));
    }

    #[test]
    fn a_stored_policy_without_a_date_range_takes_the_default_and_a_bad_shape_is_refused() {
        let p: Policy = serde_json::from_str(r#"{"filing_days": 20}"#).unwrap();
        assert_eq!(p.date_range(), DateRange::default());
        assert!(serde_json::from_str::<Policy>(r#"{"latest_date": "2199-1-1"}"#).is_err());
        assert!(serde_json::from_str::<Policy>(r#"{"latest_date": "+10000-01-01"}"#).is_err());
    }
}
