//! Deadlines that fall due for the caller's agency (issue 4 item 7), one list each agency can
//! poll: filings due or asked for again, corrections ordered, legality reviews, evaluations
//! before expiry, review suggestions to answer and the next periodic cleanup. A filing
//! reviewer also sees the filing deadlines of the agencies that file with its agency.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::paging::{paged, Paging};
use super::responses::Unauthenticated;
use super::Answer;
use crate::domain::deadline::{days_left, is_overdue, DeadlineKind};
use crate::error::Problem;
use crate::service::deadlines::{self, Due};
use crate::service::paging::{PageQuery, Paged};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Days ahead, 0–3650 (default: the policy's evaluation window, 180). Overdue deadlines
    /// are always listed.
    #[param(maximum = 3650)]
    pub within_days: Option<u32>,
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
    /// The filing, review suggestion or open cleanup campaign concerned; for `basis_changed`,
    /// the cited document.
    pub reference_id: Option<String>,
    /// For `basis_changed`: the change named, e.g. 依据变化：《…》（…号）自2026-06-10已废止.
    pub detail: Option<String>,
}

impl DeadlineView {
    fn new(due: Due, today: NaiveDate) -> Self {
        Self {
            kind_label: due.kind.chinese().to_string(),
            kind: due.kind,
            agency_id: due.agency_id.to_string(),
            document_id: due.document_id.map(|d| d.to_string()),
            title: due.title,
            overdue: is_overdue(today, due.due_on),
            days_left: days_left(today, due.due_on),
            due_on: due.due_on,
            reference_id: due.reference_id,
            detail: due.detail,
        }
    }
}

/// What the caller's agency must do by when, soonest first: everything overdue and everything
/// due within `within_days`. Filing reviewers also see the filing deadlines of the agencies
/// that file with their agency.
#[utoipa::path(tag = "deadlines", security(("bearer" = [])), params(DeadlineQuery, PageQuery), responses(
    (status = 200, description = "A page of deadlines, by due date", body = Paged<DeadlineView>),
    Unauthenticated,
    (status = 403, description = "The account belongs to no agency", body = Problem),
    (status = 422, description = "Invalid window or paging", body = Problem)
))]
#[get("/deadlines")]
pub async fn list_deadlines(
    caller: Caller,
    query: web::Query<DeadlineQuery>,
    page: Paging,
) -> Answer {
    let within = query.within_days;
    let due = caller
        .read(move |conn, actor, clock| {
            deadlines::list(conn, actor, clock, within, page.offset(), page.per_page)
        })
        .await?;
    let today = caller.today();
    Ok(paged(page, due, |d| DeadlineView::new(d, today)))
}
