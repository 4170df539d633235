//! Filing with the filing authority (报送备案): filing a published document (again, after a
//! request for missing materials), the authority's inbox and decisions, and the counts behind
//! the figures it reports (报备率, 及时率, 规范率, 纠错率).

use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{self, filings::FilingCounts, DbConn};
use crate::domain::clock::Clock;
use crate::domain::document::EndKind;
use crate::domain::filing::MaterialKind;
use crate::domain::filing::{decide as decide_outcome, missing_materials, FilingStatus, Outcome};
use crate::domain::filing_material::{
    Material, MAX_MATERIALS, MAX_MATERIAL_CONTENT, MAX_MATERIAL_TITLE,
};
use crate::domain::ids::{AgencyId, DocumentId, FilingId};
use crate::domain::later_life::{filing_attempt, filing_counts_from, revocation, FilingAttempt};
use crate::domain::role::Role;
use crate::domain::text::{self, MAX_NOTE};
use crate::error::{AppError, FieldError};
use crate::service::consultation_record::{self, ConsultationRecord};
use crate::service::dates;
use crate::service::evolution::{reason, refusal};
use crate::service::scope::{load_document, require_own_agency};
use crate::service::Actor;

pub use crate::domain::filing::Filing;

/// A filing as its reads show it: with its document's consultation record (征求意见情况),
/// part of what the filing authority examines.
#[derive(Clone, Debug)]
pub struct FilingRead {
    pub filing: Filing,
    pub consultation: ConsultationRecord,
}

impl FilingRead {
    fn of(conn: &mut DbConn, filing: Filing, today: chrono::NaiveDate) -> Result<Self, AppError> {
        let consultation = consultation_record::of_document(conn, filing.document_id, today)?;
        Ok(Self { filing, consultation })
    }
}

// A filing as the agency sends it, before its text is checked.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FilingRequest)]
pub struct FilingInput {
    /// The filing report (备案报告).
    pub report: String,
    /// Official text, drafting notes and legal basis are required for a complete filing.
    pub materials: Vec<Material>,
}

/// The report and the materials, trimmed and bounded; every invalid field at once.
fn check(input: FilingInput) -> Result<(String, Vec<Material>), AppError> {
    let mut errors = Vec::new();
    let report = text::paragraph(&input.report, MAX_NOTE)
        .map_err(|e| errors.push(FieldError::new("report", e.to_string())));
    let mut materials = Vec::new();
    for (i, m) in input.materials.into_iter().enumerate() {
        let title = text::line(&m.title, MAX_MATERIAL_TITLE).map_err(|e| {
            errors.push(FieldError::new(format!("materials[{i}].title"), e.to_string()))
        });
        let content = match m.content.as_deref() {
            None => Ok(None),
            Some(c) => text::paragraph(c, MAX_MATERIAL_CONTENT).map(Some).map_err(|e| {
                errors.push(FieldError::new(format!("materials[{i}].content"), e.to_string()))
            }),
        };
        if let (Ok(title), Ok(content)) = (title, content) {
            materials.push(Material { kind: m.kind, title, content, file_id: m.file_id });
        }
    }
    if materials.len() > MAX_MATERIALS {
        errors.push(FieldError::new("materials", format!("at most {MAX_MATERIALS} materials")));
    }
    match report {
        Ok(report) if errors.is_empty() => Ok((report, materials)),
        _ => Err(AppError::invalid_fields(errors)),
    }
}

/// Files a published document with the agency's filing authority (drafter or registrar of the
/// document's agency). After `supplement_required` the same call files again; the answer says
/// which it was.
pub fn file_document(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: FilingInput,
) -> Result<(FilingRead, FilingAttempt), AppError> {
    actor.require_any(&[Role::Drafter, Role::Registrar])?;
    let (report, materials) = check(input)?;
    let (today, now) = (clock.today(), clock.now().naive_utc());
    let doc = load_document(tx, actor, id)?;
    let tree = db::agencies::tree(tx)?;
    require_own_agency(actor, &doc)?;
    let published_on =
        filing_counts_from(doc.status, doc.published_on).map_err(|e| refusal(e, "status"))?;
    let authority = tree.filing_authority(doc.agency_id).ok_or_else(|| {
        AppError::conflict(
            "no_filing_authority",
            "the agency has no filing authority: set one or give it a parent government",
        )
    })?;
    crate::service::filing_package::check_files(tx, doc.id, &materials)?;
    let kinds: Vec<(MaterialKind, bool)> = materials.iter().map(Material::presence).collect();
    let existing = db::filings::find_by_document(tx, doc.id)?;
    let attempt =
        filing_attempt(existing.as_ref().map(|f| f.status)).map_err(|e| refusal(e, "status"))?;
    let row = match (existing, attempt) {
        (Some(mut again), FilingAttempt::Again) => {
            again.report = report;
            again.materials = materials;
            again.status = FilingStatus::Submitted;
            again.resubmissions += 1;
            again.updated_at = now;
            db::filings::save(tx, &again)?;
            again
        }
        _ => {
            let policy = db::settings::policy(tx)?;
            let due_on =
                db::calendar::load(tx)?.add_calendar_days(published_on, policy.filing_days);
            let row = Filing {
                id: FilingId::new(),
                document_id: doc.id,
                agency_id: doc.agency_id,
                authority_id: authority,
                report,
                materials,
                submitted_on: today,
                due_on,
                on_time: today <= due_on,
                complete: missing_materials(&kinds).is_empty(),
                status: FilingStatus::Submitted,
                decision_reason: None,
                correction_due_on: None,
                decided_on: None,
                decided_by: None,
                resubmissions: 0,
                created_at: now,
                updated_at: now,
                found_unlawful: false,
            };
            db::filings::insert(tx, &row)?;
            row
        }
    };
    let payload = serde_json::json!({"filing_id": row.id, "due_on": row.due_on, "on_time": row.on_time, "complete": row.complete});
    db::documents::note_event(tx, &doc, actor.id, now, attempt.event(), None, payload)?;
    Ok((FilingRead::of(tx, row, today)?, attempt))
}

/// Which filings a caller's list shows, by its parsed query.
#[derive(Clone, Debug, Default)]
pub struct FilingQuery {
    pub status: Option<FilingStatus>,
    /// Only filings made late or with a correction past due.
    pub overdue: bool,
}

/// The filing reviewer's inbox (filings received by the caller's agency); for drafters and
/// registrars, the filings their agency sent; for the admin, every filing.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    query: FilingQuery,
    offset: i64,
    limit: i64,
) -> Result<(Vec<FilingRead>, i64), AppError> {
    let own: Vec<AgencyId> = actor.agency_id.into_iter().collect();
    let mut filter = db::filings::FilingFilter {
        status: query.status,
        overdue_on: query.overdue.then_some(clock.today()),
        ..Default::default()
    };
    if !actor.has(Role::Admin) {
        if actor.has(Role::FilingReviewer) {
            filter.authorities = Some(own.clone());
        }
        if actor.has(Role::Drafter) || actor.has(Role::Registrar) || filter.authorities.is_none() {
            filter.filers = Some(own);
        }
    }
    let (filings, total) = db::filings::list(conn, &filter, offset, limit)?;
    // The page's consultation records together, not a few queries per filing.
    let documents: Vec<DocumentId> = filings.iter().map(|f| f.document_id).collect();
    let records = consultation_record::of_documents(conn, &documents, clock.today())?;
    let reads = filings.into_iter().map(|filing| {
        let consultation = records.get(&filing.document_id).cloned().unwrap_or_default();
        FilingRead { filing, consultation }
    });
    Ok((reads.collect(), total))
}

// The authority's decision on a filing.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DecisionRequest)]
pub struct Decision {
    pub outcome: Outcome,
    pub reason: String,
}

/// Decides on a filing (filing reviewer of the receiving authority). `revoked` ends the
/// document's validity today.
pub fn decide(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: FilingId,
    input: Decision,
) -> Result<FilingRead, AppError> {
    actor.require_any(&[Role::FilingReviewer])?;
    let reason = reason(&input.reason)?;
    let own = actor.agency()?;
    let (today, now) = (clock.today(), clock.now().naive_utc());
    let mut filing = db::filings::find(tx, id)?
        .filter(|f| f.authority_id == own)
        .ok_or(AppError::NotFound("filing"))?;
    let to = decide_outcome(filing.status, input.outcome)
        .map_err(|m| AppError::conflict("invalid_decision", m))?;
    let policy = db::settings::policy(tx)?;
    filing.status = to;
    filing.decision_reason = Some(reason.clone());
    filing.decided_on = Some(today);
    filing.decided_by = Some(actor.id);
    filing.updated_at = now;
    if matches!(input.outcome, Outcome::CorrectionRequired | Outcome::Revoked) {
        filing.found_unlawful = true;
    }
    if input.outcome == Outcome::CorrectionRequired {
        let calendar = db::calendar::load(tx)?;
        filing.correction_due_on = Some(calendar.add_calendar_days(today, policy.correction_days));
    }
    db::filings::save(tx, &filing)?;
    let mut doc = db::documents::find(tx, filing.document_id)?
        .ok_or_else(|| AppError::internal("filed document vanished"))?;
    let revoked = input.outcome == Outcome::Revoked;
    if revoked {
        db::expiry::unwatch(tx, doc.id)?;
        doc.ended = Some(revocation(today, &reason));
        doc.updated_at = now;
        db::documents::save(tx, &doc)?;
    }
    let event = if revoked { EndKind::Revoked.as_str() } else { "filing_decision" };
    let payload = serde_json::json!({"filing_id": filing.id, "outcome": input.outcome, "correction_due_on": filing.correction_due_on});
    db::documents::note_event(tx, &doc, actor.id, now, event, Some(&reason), payload)?;
    FilingRead::of(tx, filing, today)
}

/// The counts behind an authority's filing figures for a year.
#[derive(Clone, Debug)]
pub struct FilingFigures {
    pub year: i32,
    pub authority: AgencyId,
    pub counts: FilingCounts,
}

/// The filing counts of an authority for a year (filing reviewer of that authority, or the
/// admin for any): over the documents its filing agencies published that year. By default
/// this year and the caller's agency.
pub fn stats(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    year: Option<i32>,
    agency: Option<AgencyId>,
) -> Result<FilingFigures, AppError> {
    actor.require_any(&[Role::FilingReviewer, Role::Admin])?;
    let (year, from, to) = dates::year_span(conn, clock, year)?;
    let authority = match (agency, actor.has(Role::Admin)) {
        (Some(a), true) => a,
        (Some(a), false) if Some(a) == actor.agency_id => a,
        (Some(_), false) => return Err(AppError::NotFound("agency")),
        (None, _) => actor.agency()?,
    };
    let tree = db::agencies::tree(conn)?;
    if !tree.contains(authority) {
        return Err(AppError::NotFound("agency"));
    }
    let filers: Vec<AgencyId> = tree
        .subtree(authority)
        .into_iter()
        .filter(|a| tree.filing_authority(*a) == Some(authority))
        .collect();
    let counts = db::filings::counts(conn, &filers, from, to)?;
    Ok(FilingFigures { year, authority, counts })
}
