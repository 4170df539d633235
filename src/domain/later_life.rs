//! A published document's later life (立改废释) as pure decisions: whether it still lives on a
//! day, how far a continuation may reach, when it may end by decision, what the publication of
//! an amendment does to the version it amends, when a filing may be made (again), and what a
//! closing cleanup does with each outcome. The services load the rows, ask here, and save.

use chrono::{Months, NaiveDate};

use super::cleanup::CleanupOutcome;
use super::document::{EndKind, Ended};
use super::filing::FilingStatus;
use super::ids::DocumentId;
use super::lifecycle::Status;
use super::validity::Validity;

/// The longest look-ahead of the lists of what falls due (`documents/expiring`, `deadlines`).
pub const MAX_LOOKAHEAD_DAYS: u32 = 3650;

/// Why a step of a document's later life is refused. The services turn each into the same
/// problem code and message whatever edge asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaterLifeError {
    #[error("only a published document can be {action}; this one is `{status}`")]
    NotPublished { action: &'static str, status: Status },
    #[error("the document already ended: `{state}`")]
    AlreadyEnded { state: Validity },
    #[error("the document's validity ran out on {until}; re-issue it as a new document")]
    AlreadyExpired { until: NaiveDate },
    #[error("a decision cannot be recorded before it is made")]
    DecidedInFuture,
    #[error("must be after the current end of validity {current}")]
    NotAfterCurrentEnd { current: NaiveDate },
    #[error("must not pass {latest}, {max_years} years from the decision")]
    BeyondMaximum { latest: NaiveDate, max_years: u32 },
    #[error("cannot end before the document was published")]
    EndsBeforePublication,
    #[error("`{0}` is not an ending by decision")]
    NotAnEnding(Validity),
    #[error("an amendment of this document is already in progress")]
    AmendmentOpen,
    #[error("the version being amended already ended ({state}); it cannot be amended")]
    AmendedVersionEnded { state: Validity },
    #[error("the document was already filed; the filing is `{status}`")]
    AlreadyFiled { status: &'static str },
}

impl LaterLifeError {
    /// The problem code of a refusal that is a conflict with the document's state; `None`
    /// for a refusal of the request's own values (422) or a broken invariant (500).
    pub fn conflict_code(&self) -> Option<&'static str> {
        match self {
            Self::NotPublished { .. } => Some("not_published"),
            Self::AlreadyEnded { .. } | Self::AmendedVersionEnded { .. } => Some("already_ended"),
            Self::AlreadyExpired { .. } => Some("already_expired"),
            Self::AmendmentOpen => Some("amendment_open"),
            Self::AlreadyFiled { .. } => Some("already_filed"),
            Self::DecidedInFuture
            | Self::NotAfterCurrentEnd { .. }
            | Self::BeyondMaximum { .. }
            | Self::EndsBeforePublication
            | Self::NotAnEnding(_) => None,
        }
    }
}

/// Where a document stands for its later life: its status, the end recorded on it, and the
/// last day of its validity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub status: Status,
    pub ended: Option<Validity>,
    pub valid_until: Option<NaiveDate>,
}

impl Standing {
    /// A published document that has not ended by `today`, or why `action` is impossible.
    /// Expiry counts from the day after `valid_until` whether or not the expiry run has
    /// recorded it yet (it records an event, not a change of the document).
    pub fn require_living(
        &self,
        action: &'static str,
        today: NaiveDate,
    ) -> Result<(), LaterLifeError> {
        if self.status != Status::Published {
            return Err(LaterLifeError::NotPublished { action, status: self.status });
        }
        if let Some(state) = self.ended {
            return Err(LaterLifeError::AlreadyEnded { state });
        }
        if let Some(until) = self.valid_until.filter(|u| *u < today) {
            return Err(LaterLifeError::AlreadyExpired { until });
        }
        Ok(())
    }
}

/// A decision is recorded once it is made, never ahead of it.
pub fn check_decided_on(decided_on: NaiveDate, today: NaiveDate) -> Result<(), LaterLifeError> {
    if decided_on > today {
        Err(LaterLifeError::DecidedInFuture)
    } else {
        Ok(())
    }
}

/// The new end of validity of a continuation: after the current one, and not past the policy
/// maximum counted from the decision.
pub fn continued_until(
    current: NaiveDate,
    requested: NaiveDate,
    decided_on: NaiveDate,
    max_years: u32,
) -> Result<NaiveDate, LaterLifeError> {
    let latest = decided_on.checked_add_months(Months::new(max_years * 12)).unwrap_or(decided_on);
    if requested <= current {
        return Err(LaterLifeError::NotAfterCurrentEnd { current });
    }
    if requested > latest {
        return Err(LaterLifeError::BeyondMaximum { latest, max_years });
    }
    Ok(requested)
}

/// How a document ends: the state it reads from a day on, and the event that records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct End {
    pub state: Validity,
    pub on: NaiveDate,
    pub event: &'static str,
}

/// The event of each ending by decision: repealed (废止) or declared invalid (宣布失效).
pub fn ending_event(end: Validity) -> Result<&'static str, LaterLifeError> {
    match end {
        Validity::Repealed => Ok("repealed"),
        Validity::DeclaredInvalid => Ok("declared_invalid"),
        other => Err(LaterLifeError::NotAnEnding(other)),
    }
}

/// Ends a living document by decision from `on`, not before it was published.
pub fn end_by_decision(
    standing: &Standing,
    end: Validity,
    on: NaiveDate,
    published_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<End, LaterLifeError> {
    let event = ending_event(end)?;
    standing.require_living("ended", today)?;
    if published_on.is_some_and(|p| on < p) {
        return Err(LaterLifeError::EndsBeforePublication);
    }
    Ok(End { state: end, on, event })
}

/// What the publication of an amendment records on the version it amends: it reads `amended`
/// from the day the newer version takes effect, ended by that version. A version that already
/// ended cannot be amended any more.
pub fn supersede(
    older_ended: Option<&Ended>,
    newer: DocumentId,
    newer_effective_on: NaiveDate,
) -> Result<Ended, LaterLifeError> {
    match older_ended {
        Some(e) => Err(LaterLifeError::AmendedVersionEnded { state: e.kind.validity() }),
        None => Ok(Ended {
            kind: EndKind::Amended,
            on: newer_effective_on,
            reason: None,
            by: Some(newer),
        }),
    }
}

/// What the filing authority's revocation (撤销) records on the document: it reads `revoked`
/// from the day of the decision, whatever it read before.
pub fn revocation(on: NaiveDate, reason: &str) -> Ended {
    Ended { kind: EndKind::Revoked, on, reason: Some(reason.to_string()), by: None }
}

/// Whether a filing is the document's first or a new one after the authority asked for
/// missing materials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilingAttempt {
    First,
    Again,
}

impl FilingAttempt {
    /// The event each attempt records.
    pub fn event(self) -> &'static str {
        match self {
            Self::First => "filed",
            Self::Again => "filed_again",
        }
    }
}

/// The publication day a filing counts from: only a published document is filed.
pub fn filing_counts_from(
    status: Status,
    published_on: Option<NaiveDate>,
) -> Result<NaiveDate, LaterLifeError> {
    match (status, published_on) {
        (Status::Published, Some(p)) => Ok(p),
        _ => Err(LaterLifeError::NotPublished { action: "filed", status }),
    }
}

/// A document is filed once; after `supplement_required` it is filed again, never otherwise.
pub fn filing_attempt(existing: Option<FilingStatus>) -> Result<FilingAttempt, LaterLifeError> {
    match existing {
        None => Ok(FilingAttempt::First),
        Some(FilingStatus::SupplementRequired) => Ok(FilingAttempt::Again),
        Some(other) => Err(LaterLifeError::AlreadyFiled { status: other.as_str() }),
    }
}

/// What closing a cleanup campaign does with one decided document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CleanupStep {
    /// It ended by other means since it was listed: its fate is already settled and recorded.
    Settled,
    /// 继续有效: only the decision is recorded.
    RecordContinued,
    /// 修改: an amendment is started, or the one already open is linked.
    OrderAmendment,
    /// 废止 or 宣布失效 from the closing day.
    End(Validity),
}

/// The step of a decided outcome when the campaign closes on `today`.
pub fn cleanup_step(outcome: CleanupOutcome, standing: &Standing, today: NaiveDate) -> CleanupStep {
    if standing.require_living("closed", today).is_err() {
        return CleanupStep::Settled;
    }
    match (outcome, outcome.ends_in()) {
        (_, Some(end)) => CleanupStep::End(end),
        (CleanupOutcome::Amend, None) => CleanupStep::OrderAmendment,
        _ => CleanupStep::RecordContinued,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn living_until(until: &str) -> Standing {
        Standing { status: Status::Published, ended: None, valid_until: Some(d(until)) }
    }

    #[test]
    fn a_published_document_lives_through_its_last_valid_day() {
        let s = living_until("2026-06-30");
        assert_eq!(s.require_living("continued", d("2026-06-30")), Ok(()));
        assert_eq!(
            s.require_living("continued", d("2026-07-01")),
            Err(LaterLifeError::AlreadyExpired { until: d("2026-06-30") })
        );
    }

    #[test]
    fn an_unpublished_or_ended_document_does_not_live() {
        let draft = Standing { status: Status::Draft, ..living_until("2030-01-01") };
        let e = draft.require_living("amended", d("2026-03-02")).unwrap_err();
        assert_eq!(e.conflict_code(), Some("not_published"));
        assert_eq!(e.to_string(), "only a published document can be amended; this one is `draft`");
        let repealed = Standing { ended: Some(Validity::Repealed), ..living_until("2030-01-01") };
        let e = repealed.require_living("amended", d("2026-03-02")).unwrap_err();
        assert_eq!(e.conflict_code(), Some("already_ended"));
        assert_eq!(e.to_string(), "the document already ended: `repealed`");
    }

    #[test]
    fn a_decision_is_not_recorded_before_it_is_made() {
        assert_eq!(check_decided_on(d("2026-03-02"), d("2026-03-02")), Ok(()));
        assert_eq!(
            check_decided_on(d("2026-03-03"), d("2026-03-02")),
            Err(LaterLifeError::DecidedInFuture)
        );
    }

    #[test]
    fn a_continuation_moves_the_end_forward_within_the_maximum_from_the_decision() {
        let (current, decided) = (d("2026-06-30"), d("2026-03-02"));
        assert_eq!(continued_until(current, d("2031-03-02"), decided, 5), Ok(d("2031-03-02")));
        assert_eq!(
            continued_until(current, d("2026-06-30"), decided, 5),
            Err(LaterLifeError::NotAfterCurrentEnd { current })
        );
        assert_eq!(
            continued_until(current, d("2031-03-03"), decided, 5),
            Err(LaterLifeError::BeyondMaximum { latest: d("2031-03-02"), max_years: 5 })
        );
    }

    #[test]
    fn only_repeal_and_invalidity_end_by_decision_and_not_before_publication() {
        let s = living_until("2030-01-01");
        let (published, today) = (Some(d("2026-03-02")), d("2026-05-01"));
        assert_eq!(
            end_by_decision(&s, Validity::Repealed, d("2026-04-01"), published, today),
            Ok(End { state: Validity::Repealed, on: d("2026-04-01"), event: "repealed" })
        );
        assert_eq!(
            end_by_decision(&s, Validity::DeclaredInvalid, d("2026-04-01"), published, today)
                .map(|e| e.event),
            Ok("declared_invalid")
        );
        assert_eq!(
            end_by_decision(&s, Validity::Repealed, d("2026-03-01"), published, today),
            Err(LaterLifeError::EndsBeforePublication)
        );
        let e = end_by_decision(&s, Validity::Revoked, d("2026-04-01"), published, today);
        assert_eq!(e, Err(LaterLifeError::NotAnEnding(Validity::Revoked)));
        assert_eq!(e.unwrap_err().conflict_code(), None);
    }

    #[test]
    fn an_ended_document_cannot_end_again() {
        let s = Standing { ended: Some(Validity::Revoked), ..living_until("2030-01-01") };
        assert_eq!(
            end_by_decision(&s, Validity::Repealed, d("2026-04-01"), None, d("2026-05-01")),
            Err(LaterLifeError::AlreadyEnded { state: Validity::Revoked })
        );
    }

    #[test]
    fn the_amended_version_reads_amended_from_the_new_version_taking_effect() {
        let newer = DocumentId::new();
        assert_eq!(
            supersede(None, newer, d("2026-05-01")),
            Ok(Ended {
                kind: EndKind::Amended,
                on: d("2026-05-01"),
                reason: None,
                by: Some(newer)
            })
        );
        let repealed =
            Ended { kind: EndKind::Repealed, on: d("2026-04-01"), reason: None, by: None };
        let e = supersede(Some(&repealed), newer, d("2026-05-01")).unwrap_err();
        assert_eq!(e.conflict_code(), Some("already_ended"));
        assert!(e.to_string().contains("(repealed)"), "{e}");
    }

    #[test]
    fn a_revocation_reads_revoked_from_the_day_of_the_decision() {
        let ended = revocation(d("2026-05-01"), "违反上位法");
        assert_eq!(ended.kind, EndKind::Revoked);
        assert_eq!(
            (ended.on, ended.reason.as_deref(), ended.by),
            (d("2026-05-01"), Some("违反上位法"), None)
        );
    }

    #[test]
    fn a_document_is_filed_once_and_again_only_after_a_request_for_materials() {
        assert_eq!(filing_attempt(None), Ok(FilingAttempt::First));
        assert_eq!(
            filing_attempt(Some(FilingStatus::SupplementRequired)),
            Ok(FilingAttempt::Again)
        );
        for status in [FilingStatus::Submitted, FilingStatus::Accepted, FilingStatus::Revoked] {
            let e = filing_attempt(Some(status)).unwrap_err();
            assert_eq!(e.conflict_code(), Some("already_filed"));
        }
        assert_eq!(FilingAttempt::Again.event(), "filed_again");
    }

    #[test]
    fn only_a_published_document_is_filed() {
        let p = d("2026-03-02");
        assert_eq!(filing_counts_from(Status::Published, Some(p)), Ok(p));
        let e = filing_counts_from(Status::Registered, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "only a published document can be filed; this one is `registered`"
        );
    }

    #[test]
    fn closing_applies_each_outcome_to_living_documents_only() {
        let (s, today) = (living_until("2030-01-01"), d("2026-05-01"));
        let step = |o| cleanup_step(o, &s, today);
        assert_eq!(step(CleanupOutcome::Continue), CleanupStep::RecordContinued);
        assert_eq!(step(CleanupOutcome::Amend), CleanupStep::OrderAmendment);
        assert_eq!(step(CleanupOutcome::Repeal), CleanupStep::End(Validity::Repealed));
        assert_eq!(
            step(CleanupOutcome::DeclareInvalid),
            CleanupStep::End(Validity::DeclaredInvalid)
        );
        let expired = living_until("2026-04-30");
        assert_eq!(cleanup_step(CleanupOutcome::Repeal, &expired, today), CleanupStep::Settled);
    }
}
