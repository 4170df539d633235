//! Filing with the filing authority (报送备案): filing a published document (again, after a
//! request for missing materials), the authority's inbox and decisions, and the counts behind
//! the figures it reports (报备率, 及时率, 规范率, 纠错率).

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{self, filings::FilingCounts, filings::FilingRow, DbConn};
use crate::domain::clock::Clock;
use crate::domain::filing::MaterialKind;
use crate::domain::filing::{decide as decide_outcome, missing_materials, FilingStatus, Outcome};
use crate::domain::filing_material::{
    Material, MAX_MATERIALS, MAX_MATERIAL_CONTENT, MAX_MATERIAL_TITLE,
};
use crate::domain::ids::{AgencyId, DocumentId, FilingId};
use crate::domain::later_life::{filing_attempt, filing_counts_from, FilingAttempt};
use crate::domain::role::Role;
use crate::domain::text::{self, MAX_NOTE};
use crate::domain::validity::Validity;
use crate::error::{AppError, FieldError};
use crate::service::dates;
use crate::service::evolution::{reason, refusal, status_of};
use crate::service::scope::{load_document, require_own_agency};
use crate::service::Actor;

/// A stored filing with its status and materials decoded.
#[derive(Clone, Debug)]
pub struct Filing {
    pub row: FilingRow,
    pub status: FilingStatus,
    pub materials: Vec<Material>,
}

impl Filing {
    /// Decodes the stored status and materials strictly: a row that does not decode is an
    /// error naming it, never read as an empty filing.
    pub fn decode(row: FilingRow) -> Result<Self, AppError> {
        let materials = serde_json::from_str(&row.materials).map_err(|e| {
            AppError::internal(format!("filing {}: stored materials do not decode: {e}", row.id))
        })?;
        let status = stored_status(&row)?;
        Ok(Self { row, status, materials })
    }
}

fn stored_status(row: &FilingRow) -> Result<FilingStatus, AppError> {
    FilingStatus::parse(&row.status).ok_or_else(|| {
        AppError::internal(format!("filing {}: stored status `{}` is unknown", row.id, row.status))
    })
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
            materials.push(Material { kind: m.kind, title, content });
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
) -> Result<(Filing, FilingAttempt), AppError> {
    actor.require_any(&[Role::Drafter, Role::Registrar])?;
    let (report, materials) = check(input)?;
    let (today, now) = (clock.today(), clock.now().naive_utc());
    let doc = load_document(tx, actor, &id.to_string())?;
    let tree = db::agencies::tree(tx)?;
    require_own_agency(actor, &doc)?;
    let published_on =
        filing_counts_from(status_of(&doc)?, doc.published_on).map_err(|e| refusal(e, "status"))?;
    let agency: AgencyId =
        doc.agency_id.parse().map_err(|_| AppError::internal("bad agency id"))?;
    let authority = tree.filing_authority(agency).ok_or_else(|| {
        AppError::conflict(
            "no_filing_authority",
            "the agency has no filing authority: set one or give it a parent government",
        )
    })?;
    let kinds: Vec<MaterialKind> = materials.iter().map(|m| m.kind).collect();
    let materials_json =
        serde_json::to_string(&materials).map_err(|e| AppError::internal(e.to_string()))?;
    let existing = db::filings::find_by_document(tx, &doc.id)?;
    let existing_status = existing.as_ref().map(stored_status).transpose()?;
    let attempt = filing_attempt(existing_status).map_err(|e| refusal(e, "status"))?;
    let row = match (existing, attempt) {
        (Some(mut again), FilingAttempt::Again) => {
            again.report = report;
            again.materials = materials_json;
            again.status = FilingStatus::Submitted.as_str().into();
            again.resubmissions += 1;
            again.updated_at = now;
            db::filings::save(tx, &again)?;
            again
        }
        _ => {
            let policy = db::settings::policy(tx)?;
            let due_on =
                db::calendar::load(tx)?.add_calendar_days(published_on, policy.filing_days);
            let row = FilingRow {
                id: FilingId::new().to_string(),
                document_id: doc.id.clone(),
                agency_id: doc.agency_id.clone(),
                authority_id: authority.to_string(),
                report,
                materials: materials_json,
                submitted_on: today,
                due_on,
                on_time: today <= due_on,
                complete: missing_materials(&kinds).is_empty(),
                status: FilingStatus::Submitted.as_str().into(),
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
    db::documents::note_event(
        tx,
        &doc,
        &actor.id.to_string(),
        now,
        attempt.event(),
        None,
        payload,
    )?;
    Ok((Filing::decode(row)?, attempt))
}

/// Which filings a caller's list shows, by its parsed query.
#[derive(Clone, Debug, Default)]
pub struct FilingQuery {
    pub status: Option<String>,
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
) -> Result<(Vec<Filing>, i64), AppError> {
    let own = actor.agency_id.map(|a| a.to_string()).unwrap_or_default();
    let mut filter = db::filings::FilingFilter {
        status: query.status,
        overdue_on: query.overdue.then_some(clock.today()),
        ..Default::default()
    };
    if !actor.has(Role::Admin) {
        if actor.has(Role::FilingReviewer) {
            filter.authorities = Some(vec![own.clone()]);
        }
        if actor.has(Role::Drafter) || actor.has(Role::Registrar) || filter.authorities.is_none() {
            filter.filers = Some(vec![own]);
        }
    }
    let (rows, total) = db::filings::list(conn, &filter, offset, limit)?;
    let filings = rows.into_iter().map(Filing::decode).collect::<Result<_, _>>()?;
    Ok((filings, total))
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
) -> Result<Filing, AppError> {
    actor.require_any(&[Role::FilingReviewer])?;
    let reason = reason(&input.reason)?;
    let own = actor.agency()?.to_string();
    let (today, now) = (clock.today(), clock.now().naive_utc());
    let actor_id = actor.id.to_string();
    let mut filing = db::filings::find(tx, &id.to_string())?
        .filter(|f| f.authority_id == own)
        .ok_or(AppError::NotFound("filing"))?;
    let to = decide_outcome(stored_status(&filing)?, input.outcome)
        .map_err(|m| AppError::conflict("invalid_decision", m))?;
    let policy = db::settings::policy(tx)?;
    filing.status = to.as_str().into();
    filing.decision_reason = Some(reason.clone());
    filing.decided_on = Some(today);
    filing.decided_by = Some(actor_id.clone());
    filing.updated_at = now;
    if matches!(input.outcome, Outcome::CorrectionRequired | Outcome::Revoked) {
        filing.found_unlawful = true;
    }
    if input.outcome == Outcome::CorrectionRequired {
        let calendar = db::calendar::load(tx)?;
        filing.correction_due_on = Some(calendar.add_calendar_days(today, policy.correction_days));
    }
    db::filings::save(tx, &filing)?;
    let mut doc = db::documents::find(tx, &filing.document_id)?
        .ok_or_else(|| AppError::internal("filed document vanished"))?;
    let revoked = input.outcome == Outcome::Revoked;
    if revoked {
        db::expiry::unwatch(tx, &doc.id)?;
        doc.ended_state = Some(Validity::Revoked.as_str().into());
        doc.ended_on = Some(today);
        doc.ended_reason = Some(reason.clone());
        doc.updated_at = now;
        db::documents::save(tx, &doc)?;
    }
    let event = if revoked { Validity::Revoked.as_str() } else { "filing_decision" };
    let payload = serde_json::json!({"filing_id": filing.id, "outcome": input.outcome, "correction_due_on": filing.correction_due_on});
    db::documents::note_event(tx, &doc, &actor_id, now, event, Some(&reason), payload)?;
    Filing::decode(filing)
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
    let year = year.unwrap_or_else(|| clock.today().year());
    dates::require_year_in_range(conn, "year", year)?;
    let (Some(from), Some(to)) =
        (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
    else {
        return Err(AppError::invalid("year", "not a calendar year"));
    };
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
    let filers: Vec<String> = tree
        .subtree(authority)
        .into_iter()
        .filter(|a| tree.filing_authority(*a) == Some(authority))
        .map(|a| a.to_string())
        .collect();
    let counts = db::filings::counts(conn, &filers, from, to)?;
    Ok(FilingFigures { year, authority, counts })
}
