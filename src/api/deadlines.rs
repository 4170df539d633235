//! Deadlines that fall due for the caller's agency (issue 4 item 7), one list each agency can
//! poll: filings due or asked for again, corrections ordered, legality reviews, evaluations
//! before expiry, review suggestions to answer and the next periodic cleanup. A filing
//! reviewer also sees the filing deadlines of the agencies that file with its agency.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::paging::{Page, Paged};
use crate::auth::AuthUser;
use crate::db::{self, DbConn};
use crate::domain::cleanup::next_cleanup_due;
use crate::domain::deadline::{days_left, falls_due, is_overdue, DeadlineKind};
use crate::domain::ids::AgencyId;
use crate::domain::role::Role;
use crate::error::{AppError, Problem};
use crate::state::AppState;

/// Longest look-ahead accepted, as for `documents/expiring`.
const MAX_WITHIN_DAYS: u32 = 3650;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Days ahead, 0–3650 (default: the policy's evaluation window, 180). Overdue deadlines
    /// are always listed.
    pub within_days: Option<u32>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// One thing that must be done by a date.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    pub kind: DeadlineKind,
    /// The kind in Chinese.
    pub kind_label: String,
    /// The agency that must act (for a suggestion: the filing authority answering it).
    pub agency_id: String,
    /// The document concerned; none for a cleanup.
    pub document_id: Option<String>,
    /// The document's title, or the cleanup campaign's name.
    pub title: String,
    pub due_on: NaiveDate,
    /// Past the due date and still not done.
    pub overdue: bool,
    /// Days until the due date: 0 on the day, negative once overdue.
    pub days_left: i64,
    /// The filing, review suggestion or open cleanup campaign concerned.
    pub reference_id: Option<String>,
}

struct Due {
    kind: DeadlineKind,
    agency_id: String,
    document_id: Option<String>,
    title: String,
    due_on: NaiveDate,
    reference_id: Option<String>,
}

impl Due {
    fn view(self, today: NaiveDate) -> DeadlineView {
        DeadlineView {
            kind_label: self.kind.chinese().to_string(),
            kind: self.kind,
            agency_id: self.agency_id,
            document_id: self.document_id,
            title: self.title,
            overdue: is_overdue(today, self.due_on),
            days_left: days_left(today, self.due_on),
            due_on: self.due_on,
            reference_id: self.reference_id,
        }
    }
}

/// Every deadline of `own` (and the filing deadlines of `filers`), whatever its date.
fn collect(
    conn: &mut DbConn,
    own: &str,
    filers: &[String],
    today: NaiveDate,
    within_days: u32,
) -> Result<Vec<Due>, AppError> {
    let policy = db::settings::policy(conn)?;
    let calendar = db::calendar::load(conn)?;
    let mut out = Vec::new();
    let mut filing_agencies = vec![own.to_string()];
    filing_agencies.extend(filers.iter().cloned());

    // Filing: within the policy's days of publication, moved past holidays, as when filed.
    let tree = db::agencies::tree(conn)?;
    for (id, agency, title, published_on) in db::deadlines::unfiled(conn, &filing_agencies)? {
        let has_authority =
            agency.parse::<AgencyId>().ok().and_then(|a| tree.filing_authority(a)).is_some();
        if has_authority {
            out.push(Due {
                kind: DeadlineKind::Filing,
                agency_id: agency,
                document_id: Some(id),
                title,
                due_on: calendar.add_calendar_days(published_on, policy.filing_days),
                reference_id: None,
            });
        }
    }
    // Asked for missing materials: the policy sets no separate period, so the agency has the
    // filing period again, counted from the request.
    for f in db::deadlines::pending_filings(conn, &filing_agencies)? {
        let (kind, due_on) = if f.status == "correction_required" {
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
                reference_id: Some(f.id),
            });
        }
    }

    let own_only = vec![own.to_string()];
    for (id, agency, title, due_on) in db::deadlines::under_review(conn, &own_only)? {
        out.push(Due {
            kind: DeadlineKind::Review,
            agency_id: agency,
            document_id: Some(id),
            title,
            due_on,
            reference_id: None,
        });
    }
    // Evaluation is due by the end of validity, for the documents that `documents/expiring`
    // lists; once the validity has run out the document expires and nothing is due.
    let until =
        today.checked_add_days(chrono::Days::new(u64::from(within_days))).unwrap_or(NaiveDate::MAX);
    let (expiring, _) =
        db::documents::expiring(conn, Some(own_only.clone()), today, until, 0, i64::MAX)?;
    for d in expiring {
        if let Some(due_on) = d.valid_until {
            out.push(Due {
                kind: DeadlineKind::Evaluation,
                agency_id: d.agency_id,
                document_id: Some(d.id),
                title: d.title,
                due_on,
                reference_id: None,
            });
        }
    }
    for (id, document_id, title, due_on) in db::deadlines::unanswered_suggestions(conn, own)? {
        out.push(Due {
            kind: DeadlineKind::SuggestionReply,
            agency_id: own.to_string(),
            document_id: Some(document_id),
            title,
            due_on,
            reference_id: Some(id),
        });
    }
    let last_closed = db::campaigns::last_closed_on(conn, own)?;
    let first_published = db::deadlines::first_published_on(conn, own)?;
    if let Some(due_on) =
        next_cleanup_due(last_closed, first_published, policy.cleanup_interval_years)
    {
        let open = db::campaigns::open_of(conn, own)?;
        out.push(Due {
            kind: DeadlineKind::Cleanup,
            agency_id: own.to_string(),
            document_id: None,
            title: open
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_else(|| DeadlineKind::Cleanup.chinese().to_string()),
            due_on,
            reference_id: open.map(|c| c.id),
        });
    }
    Ok(out)
}

/// What the caller's agency must do by when, soonest first: everything overdue and everything
/// due within `within_days`. Filing reviewers also see the filing deadlines of the agencies
/// that file with their agency.
#[utoipa::path(tag = "deadlines", security(("bearer" = [])), params(DeadlineQuery), responses(
    (status = 200, description = "A page of deadlines, by due date", body = Paged<DeadlineView>),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "The account belongs to no agency", body = Problem),
    (status = 422, description = "Invalid window or paging", body = Problem)
))]
#[get("/deadlines")]
pub async fn list_deadlines(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<DeadlineQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    if query.within_days.is_some_and(|d| d > MAX_WITHIN_DAYS) {
        return Err(AppError::invalid("within_days", format!("at most {MAX_WITHIN_DAYS}")));
    }
    let own = user.agency()?;
    let today = state.clock.today();
    let within = query.within_days;
    let (items, total) = state
        .db
        .read(move |conn| {
            let within = match within {
                Some(d) => d,
                None => db::settings::policy(conn)?.evaluation_window_days,
            };
            let filers: Vec<String> = if user.has(Role::FilingReviewer) {
                let tree = db::agencies::tree(conn)?;
                tree.subtree(own)
                    .into_iter()
                    .filter(|a| *a != own && tree.filing_authority(*a) == Some(own))
                    .map(|a| a.to_string())
                    .collect()
            } else {
                Vec::new()
            };
            let mut due: Vec<Due> = collect(conn, &own.to_string(), &filers, today, within)?
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
            let items: Vec<DeadlineView> = due
                .into_iter()
                .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
                .take(usize::try_from(page.per_page).unwrap_or(0))
                .map(|d| d.view(today))
                .collect();
            Ok((items, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.wrap(items, total)))
}
