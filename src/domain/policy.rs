//! The jurisdiction's settings: every number of domain.md that varies between places.

use serde::{Deserialize, Serialize};

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
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
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
}
