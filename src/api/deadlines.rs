//! Deadlines that fall due for the caller's agency (issue 4 item 7), one list each agency can
//! poll: filings due or asked for again, corrections ordered, legality reviews, evaluations
//! before expiry, review suggestions to answer and the next periodic cleanup. A filing
//! reviewer also sees the filing deadlines of the agencies that file with its agency.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::domain::deadline::{days_left, is_overdue, DeadlineKind};
use crate::error::{AppError, Problem};
use crate::service::deadlines::{self, Due};
use crate::service::paging::{Page, Paged};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Days ahead, 0–3650 (default: the policy's evaluation window, 180). Overdue deadlines
    /// are always listed.
    #[param(maximum = 3650)]
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

impl DeadlineView {
    fn new(due: Due, today: NaiveDate) -> Self {
        Self {
            kind_label: due.kind.chinese().to_string(),
            kind: due.kind,
            agency_id: due.agency_id,
            document_id: due.document_id,
            title: due.title,
            overdue: is_overdue(today, due.due_on),
            days_left: days_left(today, due.due_on),
            due_on: due.due_on,
            reference_id: due.reference_id,
        }
    }
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
    let (clock, within) = (state.clock.clone(), query.within_days);
    let (due, total) = state
        .db
        .read(move |conn| {
            deadlines::list(conn, &user, clock.as_ref(), within, page.offset(), page.per_page)
        })
        .await?;
    let today = state.clock.today();
    Ok(HttpResponse::Ok()
        .json(page.wrap(due.into_iter().map(|d| DeadlineView::new(d, today)).collect(), total)))
}
