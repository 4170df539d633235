//! Deadlines that fall due for the caller's agency (issue 4 item 7), one list each agency can
//! poll: filings due or asked for again, corrections ordered, legality reviews, evaluations
//! before expiry, review suggestions to answer, the next periodic cleanup, consultations that
//! close and their comments still without a disposition, and the documents in force whose cited
//! documents changed (依据变化). A filing
//! reviewer also sees the filing deadlines of the agencies that file with its agency.

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::domain::cleanup::next_cleanup_due;
use crate::domain::clock::Clock;
use crate::domain::deadline::{falls_due, DeadlineKind};
use crate::domain::filing::FilingStatus;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::policy::Policy;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::Actor;

/// One thing an agency must do by a date.
#[derive(Clone, Debug)]
pub struct Due {
    pub kind: DeadlineKind,
    /// The agency that must act (for a suggestion: the filing authority answering it).
    pub agency_id: AgencyId,
    /// The document concerned; none for a cleanup.
    pub document_id: Option<DocumentId>,
    /// The document's title, or the cleanup campaign's name.
    pub title: String,
    pub due_on: NaiveDate,
    /// The filing, review suggestion or open cleanup campaign concerned; for a basis change,
    /// the cited document.
    pub reference_id: Option<String>,
    /// For a basis change: the change named (依据变化：《…》自…已废止).
    pub detail: Option<String>,
}

/// What the caller's agency must do by when, soonest first: everything overdue and everything
/// due within `within_days` (0–3650, default: the policy's evaluation window), one page of
/// them with the total. Filing reviewers also see the filing deadlines of the agencies that
/// file with their agency.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    within_days: Option<u32>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Due>, i64), AppError> {
    crate::service::evolution::check_within_days(within_days)?;
    let own = actor.agency()?;
    let today = clock.today();
    let within = match within_days {
        Some(d) => d,
        None => db::settings::policy(conn)?.evaluation_window_days,
    };
    let filers = if actor.has(Role::FilingReviewer) { filers_of(conn, own)? } else { Vec::new() };
    let mut due: Vec<Due> = collect(conn, own, &filers, today, within)?
        .into_iter()
        .filter(|d| falls_due(today, d.due_on, within))
        .collect();
    due.sort_by(|a, b| {
        (a.due_on, a.kind, &a.title, &a.document_id).cmp(&(
            b.due_on,
            b.kind,
            &b.title,
            &b.document_id,
        ))
    });
    let total = due.len() as i64;
    let page = due
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    Ok((page, total))
}

/// The agencies below `authority` that file with it.
fn filers_of(conn: &mut DbConn, authority: AgencyId) -> Result<Vec<AgencyId>, AppError> {
    let tree = db::agencies::tree(conn)?;
    Ok(tree
        .subtree(authority)
        .into_iter()
        .filter(|a| *a != authority && tree.filing_authority(*a) == Some(authority))
        .collect())
}

/// Every deadline of `own` (and the filing deadlines of `filers`), whatever its date.
fn collect(
    conn: &mut DbConn,
    own: AgencyId,
    filers: &[AgencyId],
    today: NaiveDate,
    within_days: u32,
) -> Result<Vec<Due>, AppError> {
    let policy = db::settings::policy(conn)?;
    let mut out = Vec::new();
    let mut filing_agencies = vec![own];
    filing_agencies.extend(filers);
    filing_deadlines(conn, &policy, &filing_agencies, &mut out)?;
    for (id, agency, title, due_on) in db::deadlines::under_review(conn, &[own])? {
        out.push(Due {
            kind: DeadlineKind::Review,
            agency_id: agency,
            document_id: Some(id),
            title,
            due_on,
            reference_id: None,
            detail: None,
        });
    }
    // Evaluation is due by the end of validity, for the documents that `documents/expiring`
    // lists; once the validity has run out the document expires and nothing is due.
    let until =
        today.checked_add_days(chrono::Days::new(u64::from(within_days))).unwrap_or(NaiveDate::MAX);
    let (expiring, _) = db::documents::expiring(conn, Some(vec![own]), today, until, 0, i64::MAX)?;
    for d in expiring {
        if let Some(due_on) = d.valid_until {
            out.push(Due {
                kind: DeadlineKind::Evaluation,
                agency_id: d.agency_id,
                document_id: Some(d.id),
                title: d.title,
                due_on,
                reference_id: None,
                detail: None,
            });
        }
    }
    for (id, document_id, title, due_on) in db::deadlines::unanswered_suggestions(conn, own)? {
        out.push(Due {
            kind: DeadlineKind::SuggestionReply,
            agency_id: own,
            document_id: Some(document_id),
            title,
            due_on,
            reference_id: Some(id.to_string()),
            detail: None,
        });
    }
    out.extend(cleanup_deadline(conn, &policy, own)?);
    for c in crate::service::citations::basis_changes(conn, &[own], today)? {
        out.push(Due {
            kind: DeadlineKind::BasisChanged,
            agency_id: own,
            document_id: Some(c.citing.id),
            title: c.citing.title,
            due_on: c.on,
            reference_id: Some(c.cited.id.to_string()),
            detail: Some(c.note),
        });
    }
    for c in db::consultations::pending_of_agency(conn, own, today)? {
        let due = |kind| Due {
            kind,
            agency_id: own,
            document_id: Some(c.document_id),
            title: c.title.clone(),
            due_on: c.closes_on,
            reference_id: Some(c.id.to_string()),
            detail: None,
        };
        if c.closes_on >= today {
            out.push(due(DeadlineKind::ConsultationClose));
        }
        if c.undisposed > 0 {
            out.push(due(DeadlineKind::ConsultationFeedback));
        }
    }
    Ok(out)
}

/// Filing, filing again and correction deadlines of `agencies`.
fn filing_deadlines(
    conn: &mut DbConn,
    policy: &Policy,
    agencies: &[AgencyId],
    out: &mut Vec<Due>,
) -> Result<(), AppError> {
    let calendar = db::calendar::load(conn)?;
    // Filing: within the policy's days of publication, moved past holidays, as when filed.
    let tree = db::agencies::tree(conn)?;
    for (id, agency, title, published_on) in db::deadlines::unfiled(conn, agencies)? {
        if tree.filing_authority(agency).is_some() {
            out.push(Due {
                kind: DeadlineKind::Filing,
                agency_id: agency,
                document_id: Some(id),
                title,
                due_on: calendar.add_calendar_days(published_on, policy.filing_days),
                reference_id: None,
                detail: None,
            });
        }
    }
    // Asked for missing materials: the policy sets no separate period, so the agency has the
    // filing period again, counted from the request.
    for f in db::deadlines::pending_filings(conn, agencies)? {
        let (kind, due_on) = if f.status == FilingStatus::CorrectionRequired {
            (DeadlineKind::Correction, f.correction_due_on)
        } else {
            (
                DeadlineKind::FilingSupplement,
                f.decided_on.map(|d| calendar.add_calendar_days(d, policy.filing_days)),
            )
        };
        if let Some(due_on) = due_on {
            out.push(Due {
                kind,
                agency_id: f.agency_id,
                document_id: Some(f.document_id),
                title: f.title,
                due_on,
                reference_id: Some(f.id.to_string()),
                detail: None,
            });
        }
    }
    Ok(())
}

/// The agency's next periodic cleanup, named after its open campaign if it has one.
fn cleanup_deadline(
    conn: &mut DbConn,
    policy: &Policy,
    own: AgencyId,
) -> Result<Option<Due>, AppError> {
    let last_closed = db::campaigns::last_closed_on(conn, own)?;
    let first_published = db::deadlines::first_published_on(conn, own)?;
    let Some(due_on) =
        next_cleanup_due(last_closed, first_published, policy.cleanup_interval_years)
    else {
        return Ok(None);
    };
    let open = db::campaigns::open_of(conn, own)?;
    Ok(Some(Due {
        kind: DeadlineKind::Cleanup,
        agency_id: own,
        document_id: None,
        title: open
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_else(|| DeadlineKind::Cleanup.chinese().to_string()),
        due_on,
        reference_id: open.map(|c| c.id.to_string()),
        detail: None,
    }))
}
