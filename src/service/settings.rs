//! The jurisdiction's settings: the policy in force (deadlines, numbering formats …) and the
//! holiday calendar that working-day deadlines count by.

use crate::db::{self, DbConn};
use crate::domain::calendar::HolidayYear;
use crate::domain::clock::Clock;
use crate::domain::policy::Policy;
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::service::actor::Actor;

/// The policy in force (any signed-in user: deadlines concern everyone).
pub fn policy(conn: &mut DbConn) -> Result<Policy, AppError> {
    Ok(db::settings::policy(conn)?)
}

/// Replaces the policy (admin), each setting out of range named; answers what was saved. The
/// change is recorded in the `policy` chain of the audit events, with the policy before it.
pub fn save_policy(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    policy: Policy,
) -> Result<Policy, AppError> {
    actor.require_any(&[Role::Admin])?;
    policy.validate().map_err(|errs| {
        AppError::invalid_fields(
            errs.into_iter().map(|e| FieldError::new(e.field, e.message)).collect(),
        )
    })?;
    let before = db::settings::policy(tx)?;
    db::settings::save_policy(tx, &policy)?;
    let detail = serde_json::json!({ "before": before, "after": policy });
    db::audit::record(
        tx,
        "policy",
        Some(actor.id),
        clock.now().naive_utc(),
        "changed",
        Some(&detail),
    )?;
    Ok(policy)
}

/// One year of the calendar as saved: the year and how many days it lists.
#[derive(Clone, Copy, Debug)]
pub struct CalendarYearSaved {
    pub year: i32,
    pub days: usize,
}

/// Replaces the calendar of `year` with a holiday-cn file for that year (admin).
pub fn replace_calendar_year(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    year: i32,
    file: HolidayYear,
) -> Result<CalendarYearSaved, AppError> {
    actor.require_any(&[Role::Admin])?;
    if file.year != year {
        return Err(AppError::invalid(
            "year",
            format!("the file is for {}, the path for {}", file.year, year),
        ));
    }
    file.validate().map_err(|e| AppError::invalid("days", e.to_string()))?;
    db::calendar::replace_year(tx, &file)?;
    let detail = serde_json::to_value(&file.days).map_err(|e| AppError::internal(e.to_string()))?;
    let at = clock.now().naive_utc();
    db::audit::record(
        tx,
        &format!("calendar:{year}"),
        Some(actor.id),
        at,
        "replaced",
        Some(&detail),
    )?;
    Ok(CalendarYearSaved { year: file.year, days: file.days.len() })
}
