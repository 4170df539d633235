//! Deadlines that fall due for an agency (issue 4 item 7): what kind of act is due, by when,
//! and whether it is late. The dates themselves come from the rules of filing, review,
//! evaluation, suggestions and cleanup; this module only orders and judges them.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// What must be done by the due date.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A published document must be filed with the filing authority (报送备案).
    Filing,
    /// The filing authority asked for missing materials; the agency files again.
    FilingSupplement,
    /// The filing authority ordered self-correction (自行纠正).
    Correction,
    /// The legality review of a submitted draft (合法性审核).
    Review,
    /// A document's validity ends: evaluate it, then continue, re-issue or let it expire.
    Evaluation,
    /// A citizen's review suggestion must be answered.
    SuggestionReply,
    /// The periodic cleanup (清理) of the agency's documents.
    Cleanup,
    /// A public consultation of a draft closes (征求意见截止).
    ConsultationClose,
    /// Comments of a consultation wait for the drafter's disposition (意见反馈), due when it
    /// closes.
    ConsultationFeedback,
    /// A document in force cites a document that was amended, repealed, expired, revoked or
    /// declared invalid (依据变化): check whether it must be amended or repealed in turn. Due
    /// from the day the cited document changed.
    BasisChanged,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Filing => "filing",
            Self::FilingSupplement => "filing_supplement",
            Self::Correction => "correction",
            Self::Review => "review",
            Self::Evaluation => "evaluation",
            Self::SuggestionReply => "suggestion_reply",
            Self::Cleanup => "cleanup",
            Self::ConsultationClose => "consultation_close",
            Self::ConsultationFeedback => "consultation_feedback",
            Self::BasisChanged => "basis_changed",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::Filing => "报送备案",
            Self::FilingSupplement => "补充备案材料",
            Self::Correction => "自行纠正",
            Self::Review => "合法性审核",
            Self::Evaluation => "有效期届满前评估",
            Self::SuggestionReply => "答复审查建议",
            Self::Cleanup => "规范性文件清理",
            Self::ConsultationClose => "征求意见截止",
            Self::ConsultationFeedback => "反馈公众意见",
            Self::BasisChanged => "依据变化",
        }
    }
}

/// Days from `today` to `due`: 0 on the due day, negative once it has passed.
pub fn days_left(today: NaiveDate, due: NaiveDate) -> i64 {
    (due - today).num_days()
}

/// Late from the day after the due date: the due day itself still counts as in time.
pub fn is_overdue(today: NaiveDate, due: NaiveDate) -> bool {
    today > due
}

/// Whether a deadline belongs in a list looking `within_days` ahead: everything already late,
/// and everything due by then.
pub fn falls_due(today: NaiveDate, due: NaiveDate, within_days: u32) -> bool {
    let horizon =
        today.checked_add_days(Days::new(u64::from(within_days))).unwrap_or(NaiveDate::MAX);
    due <= horizon
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_due_day_is_in_time_and_the_next_is_late() {
        assert!(!is_overdue(d("2026-03-17"), d("2026-03-17")));
        assert!(is_overdue(d("2026-03-18"), d("2026-03-17")));
        assert_eq!(days_left(d("2026-03-17"), d("2026-03-17")), 0);
        assert_eq!(days_left(d("2026-03-18"), d("2026-03-17")), -1);
        assert_eq!(days_left(d("2026-03-02"), d("2026-03-17")), 15);
    }

    #[test]
    fn a_window_holds_what_is_late_and_what_falls_due_within_it() {
        let today = d("2026-03-02");
        assert!(falls_due(today, d("2020-01-01"), 0));
        assert!(falls_due(today, d("2026-03-12"), 10));
        assert!(!falls_due(today, d("2026-03-13"), 10));
    }

    #[test]
    fn kinds_have_stable_codes() {
        assert_eq!(DeadlineKind::FilingSupplement.as_str(), "filing_supplement");
        assert_eq!(
            serde_json::to_value(DeadlineKind::SuggestionReply).unwrap(),
            serde_json::json!("suggestion_reply")
        );
    }
}
