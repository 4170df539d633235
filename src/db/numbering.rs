//! Gapless number series: one counter row per (kind, prefix, year), advanced by a single
//! `UPDATE … RETURNING` inside the registering transaction. The row lock serialises
//! concurrent registrations of one series; a rollback returns the number.

use diesel::prelude::*;

use super::schema::number_series;
use super::DbConn;
use crate::error::AppError;

/// The two series a registration draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesKind {
    /// 文号, per 机关代字 and year.
    Issuance,
    /// 统一登记号, per registration prefix and year.
    Registration,
}

impl SeriesKind {
    fn as_str(self) -> &'static str {
        match self {
            SeriesKind::Issuance => "issuance",
            SeriesKind::Registration => "registration",
        }
    }
}

/// Takes the next number of the series; call inside the write transaction.
pub fn next(conn: &mut DbConn, kind: SeriesKind, prefix: &str, year: i32) -> Result<u32, AppError> {
    if let Some(n) = bump(conn, kind, prefix, year)? {
        return Ok(n);
    }
    // First number of the series: create the row (another transaction may race us to it).
    ensure(conn, kind, prefix, year)?;
    bump(conn, kind, prefix, year)?
        .ok_or_else(|| AppError::internal("number series row missing after insert"))
}

fn ensure(conn: &mut DbConn, kind: SeriesKind, prefix: &str, year: i32) -> Result<(), AppError> {
    diesel::sql_query(
        "INSERT INTO number_series (kind, prefix, year, last_value) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (kind, prefix, year) DO NOTHING",
    )
    .bind::<diesel::sql_types::Text, _>(kind.as_str())
    .bind::<diesel::sql_types::Text, _>(prefix)
    .bind::<diesel::sql_types::Integer, _>(year)
    .execute(conn)?;
    Ok(())
}

fn bump(
    conn: &mut DbConn,
    kind: SeriesKind,
    prefix: &str,
    year: i32,
) -> Result<Option<u32>, AppError> {
    let n: Option<i32> = diesel::update(
        number_series::table
            .filter(number_series::kind.eq(kind.as_str()))
            .filter(number_series::prefix.eq(prefix))
            .filter(number_series::year.eq(year)),
    )
    .set(number_series::last_value.eq(number_series::last_value + 1))
    .returning(number_series::last_value)
    .get_result(conn)
    .optional()?;
    Ok(n.map(|v| v.max(0) as u32))
}

/// Moves the series on to at least `serial`, so that the next number drawn follows the highest
/// one already used (imported documents); never moves it back.
pub fn raise_to(
    conn: &mut DbConn,
    kind: SeriesKind,
    prefix: &str,
    year: i32,
    serial: u32,
) -> Result<(), AppError> {
    ensure(conn, kind, prefix, year)?;
    let serial = i32::try_from(serial).map_err(|_| AppError::internal("serial out of range"))?;
    diesel::update(
        number_series::table
            .filter(number_series::kind.eq(kind.as_str()))
            .filter(number_series::prefix.eq(prefix))
            .filter(number_series::year.eq(year))
            .filter(number_series::last_value.lt(serial)),
    )
    .set(number_series::last_value.eq(serial))
    .execute(conn)?;
    Ok(())
}
