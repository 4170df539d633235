//! The jurisdiction's policy settings and the holiday calendar (admin).

use actix_web::{get, put, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::json::ApiJson;
use crate::auth::AuthUser;
use crate::domain::calendar::HolidayYear;
use crate::domain::policy::Policy;
use crate::error::{AppError, Problem};
use crate::service::settings;
use crate::state::AppState;

/// The policy in force (any signed-in user: deadlines concern everyone).
#[utoipa::path(tag = "settings", security(("bearer" = [])), responses(
    (status = 200, description = "The policy", body = Policy),
    (status = 401, description = "No or bad token", body = Problem)
))]
#[get("/policy")]
pub async fn get_policy(
    state: web::Data<AppState>,
    _user: AuthUser,
) -> Result<HttpResponse, AppError> {
    let policy = state.db.read(settings::policy).await?;
    Ok(HttpResponse::Ok().json(policy))
}

/// Replaces the policy (admin). Fields left out take their defaults.
#[utoipa::path(tag = "settings", security(("bearer" = [])), request_body = Policy, responses(
    (status = 200, description = "The saved policy", body = Policy),
    (status = 403, description = "Not an admin", body = Problem),
    (status = 422, description = "A setting out of range", body = Problem)
))]
#[put("/policy")]
pub async fn put_policy(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<Policy>,
) -> Result<HttpResponse, AppError> {
    let policy = body.0;
    let saved = state.db.write(move |tx| settings::save_policy(tx, &user, policy)).await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarSaved {
    pub year: i32,
    pub days: usize,
}

/// Replaces one year of the holiday calendar with a holiday-cn file (admin).
#[utoipa::path(tag = "settings", security(("bearer" = [])), request_body = HolidayYear, responses(
    (status = 200, description = "Saved", body = CalendarSaved),
    (status = 403, description = "Not an admin", body = Problem),
    (status = 422, description = "Invalid calendar", body = Problem)
))]
#[put("/calendar/{year}")]
pub async fn put_calendar(
    state: web::Data<AppState>,
    user: AuthUser,
    year: web::Path<i32>,
    body: ApiJson<HolidayYear>,
) -> Result<HttpResponse, AppError> {
    let (year, file) = (year.into_inner(), body.0);
    let saved =
        state.db.write(move |tx| settings::replace_calendar_year(tx, &user, year, file)).await?;
    Ok(HttpResponse::Ok().json(CalendarSaved { year: saved.year, days: saved.days }))
}
