//! Periodic cleanup (清理, domain.md §3): every document in force gets one outcome; closing the
//! campaign applies them all at once and publishes the repealed and invalidated documents.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::validity::Validity;

/// What a cleanup decided for one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CleanupOutcome {
    /// 继续有效: nothing changes but the record of the decision.
    Continue,
    /// 修改: an amendment is started; the document stays in force until it is published.
    Amend,
    /// 废止
    Repeal,
    /// 宣布失效
    DeclareInvalid,
}

impl CleanupOutcome {
    pub const ALL: [CleanupOutcome; 4] =
        [Self::Continue, Self::Amend, Self::Repeal, Self::DeclareInvalid];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Continue => "continue",
            Self::Amend => "amend",
            Self::Repeal => "repeal",
            Self::DeclareInvalid => "declare_invalid",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::Continue => "继续有效",
            Self::Amend => "修改",
            Self::Repeal => "废止",
            Self::DeclareInvalid => "宣布失效",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The validity the document ends in when the campaign closes, for the outcomes that end
    /// it; these are the ones whose names, dates, 文号 and reasons are published.
    pub fn ends_in(self) -> Option<Validity> {
        match self {
            Self::Repeal => Some(Validity::Repealed),
            Self::DeclareInvalid => Some(Validity::DeclaredInvalid),
            Self::Continue | Self::Amend => None,
        }
    }

    /// Only a repeal may name the document that repeals it; a declaration of invalidity states
    /// that the document no longer applies, without a successor.
    pub fn check_repealing_document(self, given: bool) -> Result<(), &'static str> {
        if given && self != Self::Repeal {
            Err("only a `repeal` outcome may name a repealing document")
        } else {
            Ok(())
        }
    }
}

/// Where a campaign stands: decisions are changed while it is open; closing applies them and
/// freezes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    Open,
    Closed,
}

impl CampaignStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Closed].into_iter().find(|c| c.as_str() == s)
    }
}

/// The year a campaign is named after: by default this year; never before the earliest year a
/// document can carry, nor beyond next year (a campaign prepared in late December).
pub fn campaign_year(requested: Option<i32>, today: NaiveDate) -> Result<i32, String> {
    let year = requested.unwrap_or(today.year());
    let latest = today.year() + 1;
    if (super::numbering::MIN_YEAR..=latest).contains(&year) {
        Ok(year)
    } else {
        Err(format!("must be between {} and {latest}", super::numbering::MIN_YEAR))
    }
}

/// When the agency's next cleanup is due: `interval_years` after the last closed campaign, or,
/// when it never closed one, after its earliest published document (its documents have gone
/// uncleaned since then). `None` for an agency that has published nothing.
pub fn next_cleanup_due(
    last_closed: Option<NaiveDate>,
    first_published: Option<NaiveDate>,
    interval_years: u32,
) -> Option<NaiveDate> {
    let since = last_closed.or(first_published)?;
    Some(since.checked_add_months(Months::new(interval_years.saturating_mul(12))).unwrap_or(since))
}

/// The items still waiting for an outcome, by whatever the caller uses to name them.
pub fn undecided<'a, T>(
    items: impl IntoIterator<Item = (&'a T, Option<CleanupOutcome>)>,
) -> Vec<&'a T>
where
    T: 'a,
{
    items.into_iter().filter(|(_, o)| o.is_none()).map(|(t, _)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn outcomes_round_trip_and_only_repeal_and_invalidity_end_a_document() {
        for o in CleanupOutcome::ALL {
            assert_eq!(CleanupOutcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(CleanupOutcome::Repeal.ends_in(), Some(Validity::Repealed));
        assert_eq!(CleanupOutcome::DeclareInvalid.ends_in(), Some(Validity::DeclaredInvalid));
        assert_eq!(CleanupOutcome::Continue.ends_in(), None);
        assert_eq!(CleanupOutcome::Amend.ends_in(), None);
        assert_eq!(CleanupOutcome::parse("abolish"), None);
    }

    #[test]
    fn only_a_repeal_names_a_repealing_document() {
        assert!(CleanupOutcome::Repeal.check_repealing_document(true).is_ok());
        assert!(CleanupOutcome::Continue.check_repealing_document(false).is_ok());
        assert!(CleanupOutcome::DeclareInvalid.check_repealing_document(true).is_err());
    }

    #[test]
    fn the_campaign_year_defaults_to_this_year_and_stays_near_it() {
        assert_eq!(campaign_year(None, d("2026-03-02")), Ok(2026));
        assert_eq!(campaign_year(Some(2027), d("2026-12-20")), Ok(2027));
        assert!(campaign_year(Some(2028), d("2026-12-20")).is_err());
        assert!(campaign_year(Some(1900), d("2026-12-20")).is_err());
    }

    #[test]
    fn the_next_cleanup_is_due_an_interval_after_the_last_one_or_the_first_publication() {
        assert_eq!(
            next_cleanup_due(Some(d("2026-03-02")), Some(d("2010-01-01")), 2),
            Some(d("2028-03-02"))
        );
        assert_eq!(next_cleanup_due(None, Some(d("2024-02-29")), 2), Some(d("2026-02-28")));
        assert_eq!(next_cleanup_due(None, None, 2), None);
    }

    #[test]
    fn undecided_items_are_named_in_order() {
        let items = [("甲", Some(CleanupOutcome::Continue)), ("乙", None), ("丙", None)];
        let names = undecided(items.iter().map(|(n, o)| (n, *o)));
        assert_eq!(names, vec![&"乙", &"丙"]);
    }
}
