//! Public consultation on drafts (公开征求意见, domain.md §3): where a consultation stands on a
//! day, whether its period is long enough, the drafter's disposition of each comment, and the
//! gate that keeps a rights-affecting draft from legality review until the public was heard.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::HolidayCalendar;
use super::ids::{AgencyId, CommentId, ConsultationId, DocumentId, UserId};
use super::policy::Policy;

/// One consultation as kept: the text as consulted stays as it was whatever the draft becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consultation {
    pub id: ConsultationId,
    pub document_id: DocumentId,
    pub agency_id: AgencyId,
    /// The revision of the draft that was consulted, with its title and text.
    pub revision: i32,
    pub title: String,
    pub body: String,
    /// 起草说明, published with the text.
    pub drafting_notes: Option<String>,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub affects_businesses: bool,
    pub short_period_reason: Option<String>,
    pub opened_by: UserId,
    pub created_at: NaiveDateTime,
    /// When the closing run recorded the close; the status follows from the dates alone.
    pub closed_at: Option<NaiveDateTime>,
}

impl Consultation {
    pub fn status(&self, today: NaiveDate) -> ConsultationStatus {
        ConsultationStatus::on(today, self.opens_on, self.closes_on)
    }
}

/// One public comment with the drafter's disposition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub consultation_id: ConsultationId,
    pub tracking_code: String,
    pub content: String,
    /// The article the comment is about, as the commenter named it.
    pub article: Option<String>,
    pub name: Option<String>,
    /// For the drafter only; never on a public path.
    pub contact: Option<String>,
    /// SHA-256 of the client address, for rate limiting.
    pub client_key: String,
    pub received_at: NaiveDateTime,
    pub disposition: Option<Disposition>,
    pub reason: Option<String>,
    /// A short public summary of the comment, written by the drafter.
    pub summary: Option<String>,
    pub disposed_on: Option<NaiveDate>,
    pub disposed_by: Option<UserId>,
}

/// Where a consultation stands on a day. It follows from its dates alone, so a comment is
/// refused after `closes_on` even before the closing run has recorded the close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationStatus {
    Scheduled,
    Open,
    Closed,
}

impl ConsultationStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::Scheduled => "即将开始",
            Self::Open => "正在征求意见",
            Self::Closed => "已结束",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Scheduled, Self::Open, Self::Closed].into_iter().find(|v| v.as_str() == s)
    }

    /// Open through the whole of `closes_on` (Beijing), closed from the day after.
    pub fn on(today: NaiveDate, opens_on: NaiveDate, closes_on: NaiveDate) -> Self {
        if today < opens_on {
            Self::Scheduled
        } else if today <= closes_on {
            Self::Open
        } else {
            Self::Closed
        }
    }
}

/// The drafter's answer to one comment (意见采纳情况).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Adopted,
    PartlyAdopted,
    NotAdopted,
}

impl Disposition {
    pub const ALL: [Self; 3] = [Self::Adopted, Self::PartlyAdopted, Self::NotAdopted];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Adopted => "adopted",
            Self::PartlyAdopted => "partly_adopted",
            Self::NotAdopted => "not_adopted",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::Adopted => "采纳",
            Self::PartlyAdopted => "部分采纳",
            Self::NotAdopted => "未采纳",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Where a comment stands: received, or answered with a disposition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    Received,
    Disposed,
}

impl CommentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Disposed => "disposed",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::Received => "已收到，待处理",
            Self::Disposed => "已反馈",
        }
    }

    /// A comment is disposed once it has a disposition.
    pub fn of(disposition: Option<Disposition>) -> Self {
        if disposition.is_some() {
            Self::Disposed
        } else {
            Self::Received
        }
    }
}

/// A period the drafter asked for, before it is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// 涉及市场主体: the longer calendar-day minimum applies as well.
    pub affects_businesses: bool,
    /// Why a period shorter than the minimum is enough; recorded and published.
    pub short_period_reason: Option<String>,
}

/// Why a period was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("must not be before today ({today})")]
    OpensInThePast { today: NaiveDate },
    #[error("must not be before opens_on ({opens_on})")]
    ClosesBeforeOpening { opens_on: NaiveDate },
    #[error(
        "the period is shorter than the minimum ({minimum}): close on {earliest} or later, or give a short_period_reason"
    )]
    TooShort { earliest: NaiveDate, minimum: String },
}

impl PeriodError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::OpensInThePast { .. } => "opens_on",
            Self::ClosesBeforeOpening { .. } | Self::TooShort { .. } => "closes_on",
        }
    }
}

/// The earliest `closes_on` the policy allows for a consultation opening on `opens_on`, and
/// the minimum in words. Counted as every period of domain.md §4: the opening day is not
/// counted; working days skip weekends and holidays and count make-up working days; a period
/// in calendar days that would end on a rest day runs to the next working day.
pub fn earliest_close(
    policy: &Policy,
    calendar: &HolidayCalendar,
    opens_on: NaiveDate,
    affects_businesses: bool,
) -> (NaiveDate, String) {
    let working = calendar.add_working_days(opens_on, policy.consultation_working_days);
    let mut minimum = format!("{} working days", policy.consultation_working_days);
    if !affects_businesses {
        return (working, minimum);
    }
    let calendar_days = calendar.add_calendar_days(opens_on, policy.consultation_business_days);
    minimum = format!("{minimum} and {} days", policy.consultation_business_days);
    (working.max(calendar_days), minimum)
}

/// Checks a period against the policy on `today`: it opens today or later, closes on or
/// after it opens, and is at least the minimum unless a reason for a shorter one is recorded.
pub fn check_period(
    policy: &Policy,
    calendar: &HolidayCalendar,
    today: NaiveDate,
    period: &Period,
) -> Result<(), PeriodError> {
    if period.opens_on < today {
        return Err(PeriodError::OpensInThePast { today });
    }
    if period.closes_on < period.opens_on {
        return Err(PeriodError::ClosesBeforeOpening { opens_on: period.opens_on });
    }
    let (earliest, minimum) =
        earliest_close(policy, calendar, period.opens_on, period.affects_businesses);
    if period.closes_on < earliest && period.short_period_reason.is_none() {
        return Err(PeriodError::TooShort { earliest, minimum });
    }
    Ok(())
}

/// What the gate needs to know of a document's latest consultation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsultationFacts {
    /// The revision of the text that was consulted.
    pub revision: i32,
    pub status: ConsultationStatus,
    pub closes_on: NaiveDate,
    /// Comments without a disposition.
    pub undisposed: i64,
}

/// Why a rights-affecting draft may not go to legality review yet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GateRefusal {
    #[error(
        "this draft affects rights: it needs a closed public consultation of its current text, or an exemption recorded by the registrar"
    )]
    NoConsultation,
    #[error(
        "the text was revised after the consultation (revision {consulted} was consulted, the draft is at revision {current}): consult on the current text, or record an exemption"
    )]
    TextChanged { consulted: i32, current: i32 },
    #[error("the public consultation is still {status} until {closes_on}; submit after it closes")]
    NotClosed { status: &'static str, closes_on: NaiveDate },
    #[error("{0} comment(s) of the consultation have no disposition yet")]
    Undisposed(i64),
}

impl GateRefusal {
    /// The stable code of the refusal (problem+json `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoConsultation => "consultation_required",
            Self::TextChanged { .. } => "consultation_outdated",
            Self::NotClosed { .. } => "consultation_open",
            Self::Undisposed(_) => "comments_undisposed",
        }
    }
}

/// The submit gate (tasks 8 and 15): a draft that affects rights goes to legality review only
/// after a closed consultation of its current text with every comment disposed, or with an
/// exemption. `latest` is the document's most recent consultation.
pub fn submit_gate(
    affects_rights: bool,
    current_revision: i32,
    latest: Option<ConsultationFacts>,
    exempted: bool,
) -> Result<(), GateRefusal> {
    if !affects_rights || exempted {
        return Ok(());
    }
    let c = latest.ok_or(GateRefusal::NoConsultation)?;
    if c.status != ConsultationStatus::Closed {
        return Err(GateRefusal::NotClosed { status: c.status.as_str(), closes_on: c.closes_on });
    }
    if c.revision != current_revision {
        return Err(GateRefusal::TextChanged { consulted: c.revision, current: current_revision });
    }
    if c.undisposed > 0 {
        return Err(GateRefusal::Undisposed(c.undisposed));
    }
    Ok(())
}

/// Comments counted by disposition, for the published feedback and the statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct DispositionCounts {
    pub adopted: i64,
    pub partly_adopted: i64,
    pub not_adopted: i64,
}

impl DispositionCounts {
    pub fn add(&mut self, d: Disposition) {
        self.add_many(d, 1);
    }

    /// Counts `n` comments of disposition `d` at once (a count the database made).
    pub fn add_many(&mut self, d: Disposition, n: i64) {
        match d {
            Disposition::Adopted => self.adopted += n,
            Disposition::PartlyAdopted => self.partly_adopted += n,
            Disposition::NotAdopted => self.not_adopted += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// 2026: 国庆 1–7 October off, Sunday 27 September and Saturday 10 October worked.
    fn national_day() -> HolidayCalendar {
        let mut entries: Vec<(NaiveDate, bool)> =
            (1..=7).map(|d| (day(&format!("2026-10-0{d}")), true)).collect();
        entries.push((day("2026-09-27"), false));
        entries.push((day("2026-10-10"), false));
        HolidayCalendar::from_entries(entries)
    }

    fn period(opens: &str, closes: &str, business: bool, reason: Option<&str>) -> Period {
        Period {
            opens_on: day(opens),
            closes_on: day(closes),
            affects_businesses: business,
            short_period_reason: reason.map(str::to_string),
        }
    }

    #[test]
    fn a_consultation_is_scheduled_then_open_through_its_last_day_then_closed() {
        let (opens, closes) = (day("2026-03-02"), day("2026-03-11"));
        assert_eq!(ConsultationStatus::on(day("2026-03-01"), opens, closes).as_str(), "scheduled");
        assert_eq!(ConsultationStatus::on(opens, opens, closes), ConsultationStatus::Open);
        assert_eq!(ConsultationStatus::on(closes, opens, closes), ConsultationStatus::Open);
        assert_eq!(ConsultationStatus::on(day("2026-03-12"), opens, closes).as_str(), "closed");
    }

    #[test]
    fn seven_working_days_skip_a_holiday_and_count_a_make_up_working_day() {
        let (policy, cal) = (Policy::default(), national_day());
        // Opens Wed 30 Sep: 9 Oct (Fri) is working day 2, Sat 10 Oct (make-up) day 3,
        // then 12–15 Oct days 4–7.
        let (earliest, _) = earliest_close(&policy, &cal, day("2026-09-30"), false);
        assert_eq!(earliest, day("2026-10-15"));
        let today = day("2026-09-30");
        assert!(check_period(
            &policy,
            &cal,
            today,
            &period("2026-09-30", "2026-10-15", false, None)
        )
        .is_ok());
        let short =
            check_period(&policy, &cal, today, &period("2026-09-30", "2026-10-14", false, None));
        assert_eq!(
            short,
            Err(PeriodError::TooShort {
                earliest: day("2026-10-15"),
                minimum: "7 working days".into()
            })
        );
        // Without the make-up day it would have been the 16th.
        let plain =
            HolidayCalendar::from_entries((1..=7).map(|d| (day(&format!("2026-10-0{d}")), true)));
        assert_eq!(earliest_close(&policy, &plain, day("2026-09-30"), false).0, day("2026-10-16"));
    }

    #[test]
    fn a_consultation_tied_to_businesses_runs_thirty_days_to_a_working_day() {
        let (policy, cal) = (Policy::default(), HolidayCalendar::new());
        // 2 March + 30 days is Wed 1 April.
        assert_eq!(earliest_close(&policy, &cal, day("2026-03-02"), true).0, day("2026-04-01"));
        // 5 March + 30 days is Sat 4 April: the period runs to Mon 6 April.
        assert_eq!(earliest_close(&policy, &cal, day("2026-03-05"), true).0, day("2026-04-06"));
        let today = day("2026-03-02");
        let p = period("2026-03-02", "2026-03-31", true, None);
        assert!(matches!(
            check_period(&policy, &cal, today, &p),
            Err(PeriodError::TooShort { .. })
        ));
        // A shorter period with its reason recorded is allowed.
        let p = period("2026-03-02", "2026-03-11", true, Some("上级文件要求限期出台"));
        assert!(check_period(&policy, &cal, today, &p).is_ok());
    }

    #[test]
    fn a_period_in_the_past_or_reversed_is_refused_even_with_a_reason() {
        let (policy, cal) = (Policy::default(), HolidayCalendar::new());
        let today = day("2026-03-02");
        let past =
            check_period(&policy, &cal, today, &period("2026-03-01", "2026-04-30", false, None));
        assert_eq!(past.unwrap_err().field(), "opens_on");
        let reversed = check_period(
            &policy,
            &cal,
            today,
            &period("2026-03-10", "2026-03-09", false, Some("急")),
        );
        assert_eq!(reversed.unwrap_err().field(), "closes_on");
    }

    #[test]
    fn the_gate_names_what_is_missing() {
        let facts = |status, revision, undisposed| ConsultationFacts {
            revision,
            status,
            closes_on: day("2026-03-11"),
            undisposed,
        };
        use ConsultationStatus::*;
        assert_eq!(submit_gate(false, 1, None, false), Ok(()));
        assert_eq!(submit_gate(true, 1, None, true), Ok(()));
        assert_eq!(submit_gate(true, 1, None, false).unwrap_err().code(), "consultation_required");
        assert_eq!(
            submit_gate(true, 1, Some(facts(Open, 1, 0)), false).unwrap_err().code(),
            "consultation_open"
        );
        assert_eq!(
            submit_gate(true, 1, Some(facts(Scheduled, 1, 0)), false).unwrap_err().code(),
            "consultation_open"
        );
        assert_eq!(
            submit_gate(true, 2, Some(facts(Closed, 1, 0)), false).unwrap_err().code(),
            "consultation_outdated"
        );
        assert_eq!(
            submit_gate(true, 1, Some(facts(Closed, 1, 2)), false),
            Err(GateRefusal::Undisposed(2))
        );
        assert_eq!(submit_gate(true, 1, Some(facts(Closed, 1, 0)), false), Ok(()));
    }

    #[test]
    fn dispositions_read_and_count() {
        assert_eq!(Disposition::parse("partly_adopted"), Some(Disposition::PartlyAdopted));
        assert_eq!(Disposition::parse("rejected"), None);
        let mut counts = DispositionCounts::default();
        for d in [Disposition::Adopted, Disposition::NotAdopted, Disposition::NotAdopted] {
            counts.add(d);
        }
        assert_eq!((counts.adopted, counts.partly_adopted, counts.not_adopted), (1, 0, 2));
        assert_eq!(CommentStatus::of(None).as_str(), "received");
        assert_eq!(CommentStatus::of(Some(Disposition::Adopted)), CommentStatus::Disposed);
    }
}
