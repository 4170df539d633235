//! The jurisdiction's policy settings and the holiday calendar (admin).

use actix_web::{get, put, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::Caller;
use super::json::ApiJson;
use super::responses::{NotAdmin, Unauthenticated};
use super::Answer;
use crate::domain::calendar::HolidayYear;
use crate::domain::policy::Policy;
use crate::error::Problem;
use crate::service::settings;

/// The policy in force (any signed-in user: deadlines concern everyone).
#[utoipa::path(tag = "settings", security(("bearer" = [])), responses(
    (status = 200, description = "The policy", body = Policy),
    Unauthenticated
))]
#[get("/policy")]
pub async fn get_policy(caller: Caller) -> Answer {
    let policy = caller.read(|conn, _, _| settings::policy(conn)).await?;
    Ok(HttpResponse::Ok().json(policy))
}

/// Replaces the policy (admin). Fields left out take their defaults.
#[utoipa::path(tag = "settings", security(("bearer" = [])), request_body(content = Policy, example = json!({"review_working_days": 15, "consultation_working_days": 7, "consultation_business_days": 30, "effect_delay_days": 30, "default_validity_years": 5, "provisional_validity_years": 2, "max_validity_years": 5, "evaluation_window_days": 180, "filing_days": 15, "correction_days": 30, "revocation_days": 60, "suggestion_reply_days": 15, "cleanup_interval_years": 2, "registration_format": "{prefix}—{year}—{n}", "registration_serial_width": 0, "earliest_date": "1949-10-01", "latest_date": "2199-12-31"})), responses(
    (status = 200, description = "The saved policy", body = Policy),
    NotAdmin,
    (status = 422, description = "A setting out of range", body = Problem)
))]
#[put("/policy")]
pub async fn put_policy(caller: Caller, body: ApiJson<Policy>) -> Answer {
    let saved = caller
        .write(move |tx, actor, clock| settings::save_policy(tx, actor, clock, body.0))
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarSaved {
    pub year: i32,
    pub days: usize,
}

/// Replaces one year of the holiday calendar with a holiday-cn file (admin).
#[utoipa::path(tag = "settings", security(("bearer" = [])), request_body(content = HolidayYear, example = json!({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]})), responses(
    (status = 200, description = "Saved", body = CalendarSaved),
    NotAdmin,
    (status = 422, description = "Invalid calendar", body = Problem)
))]
#[put("/calendar/{year}")]
pub async fn put_calendar(
    caller: Caller,
    year: web::Path<i32>,
    body: ApiJson<HolidayYear>,
) -> Answer {
    let year = year.into_inner();
    let saved = caller
        .write(move |tx, actor, clock| {
            settings::replace_calendar_year(tx, actor, clock, year, body.0)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CalendarSaved { year: saved.year, days: saved.days }))
}
