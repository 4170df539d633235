//! The life of a document (domain.md §3) as one enum and one transition function.
//!
//! Handlers never compare statuses themselves: they ask [`transition`] whether an action is
//! allowed from the current status and which status follows, and get an error that names the
//! state and what is missing when it is not.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::role::Role;

/// Where a document stands in its drafting-to-publication life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    UnderReview,
    RevisionRequired,
    Rejected,
    Reviewed,
    Adopted,
    Registered,
    Published,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::UnderReview,
        Status::RevisionRequired,
        Status::Rejected,
        Status::Reviewed,
        Status::Adopted,
        Status::Registered,
        Status::Published,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::UnderReview => "under_review",
            Status::RevisionRequired => "revision_required",
            Status::Rejected => "rejected",
            Status::Reviewed => "reviewed",
            Status::Adopted => "adopted",
            Status::Registered => "registered",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Status::Draft => "起草中",
            Status::UnderReview => "合法性审核中",
            Status::RevisionRequired => "退回修改",
            Status::Rejected => "审核不予通过",
            Status::Reviewed => "审核通过",
            Status::Adopted => "集体审议通过",
            Status::Registered => "已登记编号",
            Status::Published => "已公布",
        }
    }

    /// Text may change only while the drafter holds the document.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::RevisionRequired)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The legality reviewer's conclusion (合法性审核意见).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Lawful,
    Revise,
    Unlawful,
}

impl Conclusion {
    pub fn as_str(self) -> &'static str {
        match self {
            Conclusion::Lawful => "lawful",
            Conclusion::Revise => "revise",
            Conclusion::Unlawful => "unlawful",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Lawful, Self::Revise, Self::Unlawful].into_iter().find(|c| c.as_str() == s)
    }
}

/// Something a user asks to do to a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Edit,
    Submit,
    Review(Conclusion),
    Deliberate { adopted: bool },
    Register,
    Publish,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Submit => "submit",
            Action::Review(_) => "review",
            Action::Deliberate { .. } => "deliberation",
            Action::Register => "register",
            Action::Publish => "publish",
        }
    }

    /// The word the document's history records the action under. Registration and
    /// publication are recorded under the status they reach.
    pub fn event(self) -> &'static str {
        match self {
            Action::Edit => "edited",
            Action::Submit => "submitted",
            Action::Review(_) => "reviewed",
            Action::Deliberate { .. } => "deliberated",
            Action::Register => Status::Registered.as_str(),
            Action::Publish => Status::Published.as_str(),
        }
    }

    /// The roles allowed to take the action (any one suffices).
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            Action::Edit | Action::Submit => &[Role::Drafter],
            Action::Review(_) => &[Role::LegalReviewer],
            // The drafting agency or the issuing office records the meeting's decision.
            Action::Deliberate { .. } => &[Role::Drafter, Role::Registrar],
            Action::Register | Action::Publish => &[Role::Registrar],
        }
    }
}

/// An action that the document's status does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a document that is `{from}`: {missing}")]
pub struct TransitionError {
    pub action: &'static str,
    pub from: Status,
    pub missing: &'static str,
}

/// The status that follows `action` from `from`, or why the action is not allowed now.
pub fn transition(from: Status, action: Action) -> Result<Status, TransitionError> {
    use Action::*;
    use Status::*;
    let next = match (from, action) {
        (Draft | RevisionRequired, Edit) => Some(from),
        (Draft | RevisionRequired, Submit) => Some(UnderReview),
        (UnderReview, Review(Conclusion::Lawful)) => Some(Reviewed),
        (UnderReview, Review(Conclusion::Revise)) => Some(RevisionRequired),
        (UnderReview, Review(Conclusion::Unlawful)) => Some(Rejected),
        (Reviewed, Deliberate { adopted: true }) => Some(Adopted),
        (Reviewed, Deliberate { adopted: false }) => Some(RevisionRequired),
        (Adopted, Register) => Some(Registered),
        (Registered, Publish) => Some(Published),
        _ => None,
    };
    next.ok_or_else(|| TransitionError {
        action: action.name(),
        from,
        missing: missing_step(from, action),
    })
}

/// What has to happen first, in words a drafter understands.
fn missing_step(from: Status, action: Action) -> &'static str {
    use Action::*;
    use Status::*;
    match (from, action) {
        (Rejected, _) => "it was found unlawful; start a new draft",
        (Published, Publish) => "it is already published",
        (Published, _) => "it is published; amend or repeal it instead",
        (_, Edit) => "text can change only while it is `draft` or `revision_required`",
        (_, Submit) => "only a `draft` or `revision_required` document can be submitted for review",
        (_, Review(_)) => "it must be submitted for legality review first",
        (Draft | UnderReview | RevisionRequired, Deliberate { .. }) => {
            "collective deliberation needs a `lawful` legality review first"
        }
        (_, Deliberate { .. }) => "deliberation was already recorded",
        (Draft | UnderReview | RevisionRequired | Reviewed, Register) => {
            "numbering needs a `lawful` review and adoption by collective deliberation"
        }
        (_, Register) => "it already has its numbers",
        (_, Publish) => "it must be registered and numbered before publication",
    }
}

/// The legality review checklist (辽宁省行政规范性文件合法性审核办法, 令第338号).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewPoint {
    /// 制定主体合法
    Issuer,
    /// 未超越法定职权，未涉及市场机制或行业自律可以调节的事项
    Authority,
    /// 与宪法、法律、法规、规章和国家政策相一致
    Consistency,
    /// 未设定行政许可、行政处罚、行政强制、行政事业性收费
    ProhibitedMeasures,
    /// 未违法减损权利或者增加义务
    RightsObligations,
    /// 未违法增加本机关权力或者减少法定职责
    PowersDuties,
    /// 制定程序符合规定
    Procedure,
}

impl ReviewPoint {
    pub const ALL: [ReviewPoint; 7] = [
        ReviewPoint::Issuer,
        ReviewPoint::Authority,
        ReviewPoint::Consistency,
        ReviewPoint::ProhibitedMeasures,
        ReviewPoint::RightsObligations,
        ReviewPoint::PowersDuties,
        ReviewPoint::Procedure,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_runs_from_draft_to_published() {
        let mut s = Status::Draft;
        for a in [
            Action::Submit,
            Action::Review(Conclusion::Lawful),
            Action::Deliberate { adopted: true },
            Action::Register,
            Action::Publish,
        ] {
            s = transition(s, a).unwrap();
        }
        assert_eq!(s, Status::Published);
    }

    #[test]
    fn numbering_before_review_is_refused_and_says_what_is_missing() {
        let err = transition(Status::UnderReview, Action::Register).unwrap_err();
        assert_eq!(err.from, Status::UnderReview);
        assert!(err.to_string().contains("`lawful` review"), "{err}");
    }

    #[test]
    fn a_revise_opinion_returns_the_draft_and_resubmission_is_allowed() {
        let s = transition(Status::UnderReview, Action::Review(Conclusion::Revise)).unwrap();
        assert_eq!(s, Status::RevisionRequired);
        assert_eq!(transition(s, Action::Edit).unwrap(), Status::RevisionRequired);
        assert_eq!(transition(s, Action::Submit).unwrap(), Status::UnderReview);
    }

    #[test]
    fn an_unlawful_draft_goes_no_further() {
        let s = transition(Status::UnderReview, Action::Review(Conclusion::Unlawful)).unwrap();
        assert_eq!(s, Status::Rejected);
        for a in [Action::Submit, Action::Edit, Action::Deliberate { adopted: true }] {
            assert!(transition(s, a).is_err());
        }
    }

    #[test]
    fn a_deliberation_that_does_not_adopt_sends_the_draft_back() {
        let s = transition(Status::Reviewed, Action::Deliberate { adopted: false }).unwrap();
        assert_eq!(s, Status::RevisionRequired);
    }

    #[test]
    fn editing_after_submission_and_publishing_twice_are_refused() {
        assert!(transition(Status::UnderReview, Action::Edit).is_err());
        let err = transition(Status::Published, Action::Publish).unwrap_err();
        assert!(err.to_string().contains("already published"));
    }

    #[test]
    fn every_status_round_trips_through_its_code() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
