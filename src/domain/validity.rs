//! When a published normative document takes effect, until when it is valid, and its status on a day.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Deadlines the registry applies when the drafting agency does not set its own.
///
/// Defaults follow the State Council rules for normative documents: effect 30 days
/// after publication, valid for 5 years, 2 years for 暂行/试行 documents.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ValidityPolicy {
    pub effect_delay_days: u32,
    pub default_validity_years: u32,
    pub provisional_validity_years: u32,
    pub max_validity_years: u32,
}

impl Default for ValidityPolicy {
    fn default() -> Self {
        Self {
            effect_delay_days: 30,
            default_validity_years: 5,
            provisional_validity_years: 2,
            max_validity_years: 5,
        }
    }
}

/// Why requested dates were refused; each message names the request field to fix.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ValidityError {
    #[error("effective_on {requested} is before the publication date {published_on}; choose {published_on} or later")]
    EffectiveBeforePublication { requested: NaiveDate, published_on: NaiveDate },
    #[error("effective_on {requested} is earlier than the standard {default}; give early_effect_reason or choose {default} or later")]
    EarlyEffectWithoutReason { requested: NaiveDate, default: NaiveDate },
    #[error("early_effect_reason is only for an effective_on earlier than the standard {default}; leave it out or choose an earlier effective_on")]
    ReasonWithoutEarlyEffect { default: NaiveDate },
    #[error("valid_until {requested} is before effective_on {effective_on}; choose {effective_on} or later")]
    UntilBeforeEffective { requested: NaiveDate, effective_on: NaiveDate },
    #[error("validity_years must be at least 1")]
    ZeroValidityYears,
    #[error("valid_until {requested} does not match validity_years {years}, which ends on {implied}; send only one of them or make them agree")]
    YearsAndDateDisagree { years: u32, implied: NaiveDate, requested: NaiveDate },
    #[error("{field} goes beyond the maximum validity of {max_years} years; the latest allowed valid_until is {latest}")]
    BeyondMaximum { field: &'static str, latest: NaiveDate, max_years: u32 },
    #[error("{field} is beyond the supported calendar range; check the dates")]
    OutOfRange { field: &'static str },
}

impl ValidityError {
    /// The request field the caller should highlight.
    pub fn field(&self) -> &'static str {
        match self {
            Self::EffectiveBeforePublication { .. } => "effective_on",
            Self::EarlyEffectWithoutReason { .. } | Self::ReasonWithoutEarlyEffect { .. } => {
                "early_effect_reason"
            }
            Self::UntilBeforeEffective { .. } | Self::YearsAndDateDisagree { .. } => "valid_until",
            Self::ZeroValidityYears => "validity_years",
            Self::BeyondMaximum { field, .. } | Self::OutOfRange { field } => field,
        }
    }
}

/// 暂行 and 试行 documents get the shorter provisional validity period.
pub fn is_provisional_title(title: &str) -> bool {
    title.contains("暂行") || title.contains("试行")
}

/// The date a document takes effect.
///
/// Taking effect sooner than the standard delay is the exception the rules allow
/// only for a stated reason (security, major public interest, or because delay
/// would defeat the document), so an early date without one is refused. A reason
/// with no early date is refused too: it would record an exception that was never
/// made (domain.md §3: "earlier only with a recorded reason").
pub fn effective_on(
    published_on: NaiveDate,
    requested: Option<NaiveDate>,
    early_effect_reason: Option<&str>,
    policy: &ValidityPolicy,
) -> Result<NaiveDate, ValidityError> {
    let default = published_on
        .checked_add_days(Days::new(u64::from(policy.effect_delay_days)))
        .ok_or(ValidityError::OutOfRange { field: "effective_on" })?;
    let has_reason = early_effect_reason.is_some_and(|r| !r.trim().is_empty());
    let early = requested.is_some_and(|r| r < default);
    if has_reason && !early {
        return Err(ValidityError::ReasonWithoutEarlyEffect { default });
    }
    let Some(requested) = requested else {
        return Ok(default);
    };
    if requested < published_on {
        return Err(ValidityError::EffectiveBeforePublication { requested, published_on });
    }
    if early && !has_reason {
        return Err(ValidityError::EarlyEffectWithoutReason { requested, default });
    }
    Ok(requested)
}

/// Last day of a validity of `years` counted from `effective_on` inclusive: the day
/// before the anniversary. A 29 February start has no anniversary in common years,
/// so the period ends on the last day of February (民法典 Art. 202).
fn last_valid_day(effective_on: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = effective_on.year().checked_add(i32::try_from(years).ok()?)?;
    match NaiveDate::from_ymd_opt(year, effective_on.month(), effective_on.day()) {
        Some(anniversary) => anniversary.pred_opt(),
        None => NaiveDate::from_ymd_opt(year, 2, 28),
    }
}

/// The last day a document is valid.
///
/// An explicit `requested` date or `validity_years` beyond the maximum is refused,
/// since the drafter asked for it and must decide; only the policy's own default
/// is capped silently. When both are given they must agree, because silently
/// preferring one would hide a mistake in the other.
pub fn valid_until(
    effective_on: NaiveDate,
    requested: Option<NaiveDate>,
    validity_years: Option<u32>,
    provisional: bool,
    policy: &ValidityPolicy,
) -> Result<NaiveDate, ValidityError> {
    if validity_years == Some(0) {
        return Err(ValidityError::ZeroValidityYears);
    }
    let max_years = policy.max_validity_years;
    // A zero maximum would end validity before it starts; keep at least one day.
    let latest = last_valid_day(effective_on, max_years)
        .ok_or(ValidityError::OutOfRange { field: "valid_until" })?
        .max(effective_on);

    if let Some(years) = validity_years {
        if years > max_years {
            return Err(ValidityError::BeyondMaximum {
                field: "validity_years",
                latest,
                max_years,
            });
        }
    }
    let implied = match validity_years {
        Some(years) => Some(
            last_valid_day(effective_on, years)
                .ok_or(ValidityError::OutOfRange { field: "validity_years" })?,
        ),
        None => None,
    };

    if let Some(requested) = requested {
        if requested < effective_on {
            return Err(ValidityError::UntilBeforeEffective { requested, effective_on });
        }
        if requested > latest {
            return Err(ValidityError::BeyondMaximum { field: "valid_until", latest, max_years });
        }
        if let (Some(years), Some(implied)) = (validity_years, implied) {
            if requested != implied {
                return Err(ValidityError::YearsAndDateDisagree { years, implied, requested });
            }
        }
        return Ok(requested);
    }
    if let Some(implied) = implied {
        return Ok(implied);
    }
    let years =
        if provisional { policy.provisional_validity_years } else { policy.default_validity_years };
    let until = last_valid_day(effective_on, years.min(max_years))
        .ok_or(ValidityError::OutOfRange { field: "valid_until" })?;
    Ok(until.max(effective_on))
}

/// Status of a document on a given day (时效性), as shown in public catalogues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    NotYetEffective,
    InForce,
    Amended,
    Expired,
    DeclaredInvalid,
    Repealed,
    Revoked,
}

impl Validity {
    pub const ALL: [Validity; 7] = [
        Self::NotYetEffective,
        Self::InForce,
        Self::Amended,
        Self::Expired,
        Self::DeclaredInvalid,
        Self::Repealed,
        Self::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotYetEffective => "not_yet_effective",
            Self::InForce => "in_force",
            Self::Amended => "amended",
            Self::Expired => "expired",
            Self::DeclaredInvalid => "declared_invalid",
            Self::Repealed => "repealed",
            Self::Revoked => "revoked",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::NotYetEffective => "尚未生效",
            Self::InForce => "现行有效",
            Self::Amended => "已修改",
            Self::Expired => "失效",
            Self::DeclaredInvalid => "宣布失效",
            Self::Repealed => "已废止",
            Self::Revoked => "撤销",
        }
    }

    /// Accepts either the API name (`in_force`) or the Chinese label (现行有效).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|v| v.as_str() == s || v.chinese() == s)
    }
}

impl fmt::Display for Validity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Status on `day`. A recorded terminal state (`ended`, with the date it took
/// effect) overrides the computed one from that date on, even before the document
/// took effect, since a document can be revoked before it ever applies.
pub fn validity_on(
    day: NaiveDate,
    effective_on: NaiveDate,
    valid_until: NaiveDate,
    ended: Option<(Validity, NaiveDate)>,
) -> Validity {
    if let Some((state, since)) = ended {
        if day >= since {
            return state;
        }
    }
    if day < effective_on {
        Validity::NotYetEffective
    } else if day > valid_until {
        Validity::Expired
    } else {
        Validity::InForce
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn policy() -> ValidityPolicy {
        ValidityPolicy::default()
    }

    #[test]
    fn default_policy_is_thirty_days_five_years_two_for_provisional() {
        assert_eq!(
            policy(),
            ValidityPolicy {
                effect_delay_days: 30,
                default_validity_years: 5,
                provisional_validity_years: 2,
                max_validity_years: 5,
            }
        );
    }

    #[test]
    fn a_partial_policy_in_config_keeps_the_other_defaults() {
        let p: ValidityPolicy =
            serde_json::from_str(r#"{"effect_delay_days": 0}"#).expect("valid json");
        assert_eq!(p.effect_delay_days, 0);
        assert_eq!(p.default_validity_years, 5);
        assert_eq!(p.max_validity_years, 5);
    }

    #[test]
    fn titles_with_zanxing_or_shixing_are_provisional() {
        assert!(is_provisional_title("辽宁省行政规范性文件管理暂行办法"));
        assert!(is_provisional_title("关于印发某某实施细则（试行）的通知"));
        assert!(!is_provisional_title("辽宁省行政规范性文件管理办法"));
        assert!(!is_provisional_title(""));
    }

    #[test]
    fn by_default_a_document_takes_effect_thirty_days_after_publication() {
        assert_eq!(effective_on(d(2026, 3, 2), None, None, &policy()), Ok(d(2026, 4, 1)));
        assert_eq!(effective_on(d(2026, 12, 15), None, None, &policy()), Ok(d(2027, 1, 14)));
    }

    #[test]
    fn a_later_effective_date_needs_no_reason() {
        assert_eq!(
            effective_on(d(2026, 3, 2), Some(d(2026, 4, 1)), None, &policy()),
            Ok(d(2026, 4, 1))
        );
        assert_eq!(
            effective_on(d(2026, 3, 2), Some(d(2026, 7, 1)), None, &policy()),
            Ok(d(2026, 7, 1))
        );
    }

    #[test]
    fn early_effect_without_a_reason_is_refused() {
        let expected = Err(ValidityError::EarlyEffectWithoutReason {
            requested: d(2026, 3, 31),
            default: d(2026, 4, 1),
        });
        for reason in [None, Some(""), Some(" \u{3000} ")] {
            assert_eq!(
                effective_on(d(2026, 3, 2), Some(d(2026, 3, 31)), reason, &policy()),
                expected
            );
        }
    }

    #[test]
    fn early_effect_with_a_reason_is_accepted_even_on_the_publication_day() {
        assert_eq!(
            effective_on(
                d(2026, 3, 2),
                Some(d(2026, 3, 2)),
                Some("公布后不立即施行将有碍规范性文件施行"),
                &policy()
            ),
            Ok(d(2026, 3, 2))
        );
    }

    #[test]
    fn a_reason_for_early_effect_is_refused_when_the_effect_is_not_early() {
        let reason = Some("涉及公共利益，需立即施行");
        let refusal = ValidityError::ReasonWithoutEarlyEffect { default: d(2026, 4, 1) };
        let expected = Err(refusal.clone());
        // On the standard day, later (the year 10000 of the hostile probe), or left to default.
        for requested in [Some(d(2026, 4, 1)), Some(d(2026, 7, 1)), Some(d(10000, 1, 1)), None] {
            let got = effective_on(d(2026, 3, 2), requested, reason, &policy());
            assert_eq!(got, expected, "{requested:?}");
        }
        assert_eq!(refusal.field(), "early_effect_reason");
        // A blank reason is no reason.
        assert_eq!(
            effective_on(d(2026, 3, 2), Some(d(2026, 7, 1)), Some("  "), &policy()),
            Ok(d(2026, 7, 1))
        );
    }

    #[test]
    fn an_effective_date_before_publication_is_refused_even_with_a_reason() {
        let err = effective_on(d(2026, 3, 2), Some(d(2026, 3, 1)), Some("急需"), &policy())
            .expect_err("must be refused");
        assert_eq!(
            err,
            ValidityError::EffectiveBeforePublication {
                requested: d(2026, 3, 1),
                published_on: d(2026, 3, 2),
            }
        );
        assert_eq!(err.field(), "effective_on");
        assert!(err.to_string().contains("2026-03-02"));
    }

    #[test]
    fn five_years_from_new_year_end_on_new_year_eve_of_the_fifth_year() {
        assert_eq!(valid_until(d(2026, 1, 1), None, None, false, &policy()), Ok(d(2030, 12, 31)));
    }

    #[test]
    fn provisional_documents_default_to_two_years() {
        assert_eq!(valid_until(d(2026, 4, 1), None, None, true, &policy()), Ok(d(2028, 3, 31)));
    }

    #[test]
    fn explicit_years_within_the_maximum_are_used() {
        assert_eq!(valid_until(d(2026, 4, 1), None, Some(3), false, &policy()), Ok(d(2029, 3, 31)));
        assert_eq!(valid_until(d(2026, 4, 1), None, Some(5), true, &policy()), Ok(d(2031, 3, 31)));
    }

    #[test]
    fn zero_validity_years_are_refused() {
        let err = valid_until(d(2026, 4, 1), None, Some(0), false, &policy())
            .expect_err("must be refused");
        assert_eq!(err, ValidityError::ZeroValidityYears);
        assert_eq!(err.field(), "validity_years");
    }

    #[test]
    fn asking_for_more_years_than_the_maximum_names_the_latest_date() {
        let err = valid_until(d(2026, 4, 1), None, Some(6), false, &policy())
            .expect_err("must be refused");
        assert_eq!(
            err,
            ValidityError::BeyondMaximum {
                field: "validity_years",
                latest: d(2031, 3, 31),
                max_years: 5,
            }
        );
        assert_eq!(err.field(), "validity_years");
        assert!(err.to_string().contains("2031-03-31"));
    }

    #[test]
    fn a_requested_end_date_may_reach_but_not_pass_the_maximum() {
        assert_eq!(
            valid_until(d(2026, 1, 1), Some(d(2030, 12, 31)), None, false, &policy()),
            Ok(d(2030, 12, 31))
        );
        let err = valid_until(d(2026, 1, 1), Some(d(2031, 1, 1)), None, false, &policy())
            .expect_err("must be refused");
        assert_eq!(
            err,
            ValidityError::BeyondMaximum {
                field: "valid_until",
                latest: d(2030, 12, 31),
                max_years: 5,
            }
        );
        assert_eq!(err.field(), "valid_until");
    }

    #[test]
    fn a_requested_end_date_before_the_effective_date_is_refused() {
        let err = valid_until(d(2026, 4, 1), Some(d(2026, 3, 31)), None, false, &policy())
            .expect_err("must be refused");
        assert_eq!(
            err,
            ValidityError::UntilBeforeEffective {
                requested: d(2026, 3, 31),
                effective_on: d(2026, 4, 1),
            }
        );
        assert_eq!(err.field(), "valid_until");
        assert_eq!(
            valid_until(d(2026, 4, 1), Some(d(2026, 4, 1)), None, false, &policy()),
            Ok(d(2026, 4, 1))
        );
    }

    #[test]
    fn years_and_end_date_given_together_must_agree() {
        assert_eq!(
            valid_until(d(2026, 1, 1), Some(d(2028, 12, 31)), Some(3), false, &policy()),
            Ok(d(2028, 12, 31))
        );
        let err = valid_until(d(2026, 1, 1), Some(d(2028, 6, 30)), Some(3), false, &policy())
            .expect_err("must be refused");
        assert_eq!(
            err,
            ValidityError::YearsAndDateDisagree {
                years: 3,
                implied: d(2028, 12, 31),
                requested: d(2028, 6, 30),
            }
        );
        assert_eq!(err.field(), "valid_until");
    }

    #[test]
    fn an_odd_policy_default_beyond_the_maximum_is_capped() {
        let odd = ValidityPolicy {
            default_validity_years: 10,
            provisional_validity_years: 7,
            max_validity_years: 3,
            ..ValidityPolicy::default()
        };
        assert_eq!(valid_until(d(2026, 1, 1), None, None, false, &odd), Ok(d(2028, 12, 31)));
        assert_eq!(valid_until(d(2026, 1, 1), None, None, true, &odd), Ok(d(2028, 12, 31)));
    }

    #[test]
    fn a_zero_year_policy_still_leaves_the_document_valid_on_its_first_day() {
        let zero = ValidityPolicy {
            default_validity_years: 0,
            max_validity_years: 0,
            ..ValidityPolicy::default()
        };
        assert_eq!(valid_until(d(2026, 1, 1), None, None, false, &zero), Ok(d(2026, 1, 1)));
    }

    #[test]
    fn a_leap_day_start_ends_on_the_last_day_of_february() {
        assert_eq!(
            valid_until(d(2024, 2, 29), None, Some(1), false, &policy()),
            Ok(d(2025, 2, 28))
        );
        assert_eq!(valid_until(d(2024, 2, 29), None, None, false, &policy()), Ok(d(2029, 2, 28)));
        // 2028 has a 29 February, so the anniversary exists and the day before it ends the period.
        assert_eq!(
            valid_until(d(2024, 2, 29), None, Some(4), false, &policy()),
            Ok(d(2028, 2, 28))
        );
    }

    #[test]
    fn a_period_ending_before_a_leap_march_first_ends_on_the_leap_day() {
        assert_eq!(valid_until(d(2023, 3, 1), None, Some(1), false, &policy()), Ok(d(2024, 2, 29)));
    }

    #[test]
    fn a_document_is_in_force_on_its_last_day_and_expired_the_next() {
        let (from, until) = (d(2026, 1, 1), d(2030, 12, 31));
        assert_eq!(validity_on(d(2025, 12, 31), from, until, None), Validity::NotYetEffective);
        assert_eq!(validity_on(from, from, until, None), Validity::InForce);
        assert_eq!(validity_on(until, from, until, None), Validity::InForce);
        assert_eq!(validity_on(d(2031, 1, 1), from, until, None), Validity::Expired);
    }

    #[test]
    fn a_recorded_repeal_wins_from_its_date_on() {
        let (from, until) = (d(2026, 1, 1), d(2030, 12, 31));
        let repealed = Some((Validity::Repealed, d(2028, 6, 1)));
        assert_eq!(validity_on(d(2028, 5, 31), from, until, repealed), Validity::InForce);
        assert_eq!(validity_on(d(2028, 6, 1), from, until, repealed), Validity::Repealed);
        assert_eq!(validity_on(d(2032, 1, 1), from, until, repealed), Validity::Repealed);
    }

    #[test]
    fn a_document_revoked_before_taking_effect_shows_as_revoked() {
        let (from, until) = (d(2026, 1, 1), d(2030, 12, 31));
        let revoked = Some((Validity::Revoked, d(2025, 12, 15)));
        assert_eq!(validity_on(d(2025, 12, 10), from, until, revoked), Validity::NotYetEffective);
        assert_eq!(validity_on(d(2025, 12, 20), from, until, revoked), Validity::Revoked);
    }

    #[test]
    fn validity_names_round_trip_in_english_chinese_and_json() {
        for v in Validity::ALL {
            assert_eq!(Validity::parse(v.as_str()), Some(v));
            assert_eq!(Validity::parse(v.chinese()), Some(v));
            let json = serde_json::to_string(&v).expect("serialises");
            assert_eq!(json, format!("\"{}\"", v.as_str()));
        }
        assert_eq!(Validity::InForce.chinese(), "现行有效");
        assert_eq!(Validity::DeclaredInvalid.as_str(), "declared_invalid");
        assert_eq!(Validity::parse(" 已废止 "), Some(Validity::Repealed));
        assert_eq!(Validity::parse("in force"), None);
    }

    #[test]
    fn every_error_names_its_field_in_the_message() {
        let errors = [
            ValidityError::EffectiveBeforePublication {
                requested: d(2026, 1, 1),
                published_on: d(2026, 1, 2),
            },
            ValidityError::EarlyEffectWithoutReason {
                requested: d(2026, 1, 1),
                default: d(2026, 1, 31),
            },
            ValidityError::UntilBeforeEffective {
                requested: d(2026, 1, 1),
                effective_on: d(2026, 1, 2),
            },
            ValidityError::ZeroValidityYears,
            ValidityError::BeyondMaximum {
                field: "validity_years",
                latest: d(2030, 12, 31),
                max_years: 5,
            },
        ];
        for err in errors {
            assert!(err.to_string().contains(err.field()), "{err} should mention {}", err.field());
        }
    }
}
