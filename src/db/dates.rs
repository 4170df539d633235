//! The stored dates that migration `…_date_range` found outside the default date range: a
//! report kept until an operator deals with each line (corrects the value, or accepts it, and
//! deletes the line). Nothing here rewrites a date.

use diesel::prelude::*;

use super::error::DbError;
use super::schema::date_anomalies;
use super::DbConn;

/// One stored date outside the range: where it is and what it holds, as text.
#[derive(Clone, Debug, PartialEq, Eq, Queryable)]
pub struct Anomaly {
    pub table_name: String,
    pub row_key: String,
    pub column_name: String,
    pub stored_value: String,
}

/// At most `limit` anomalies, in a stable order, and how many there are in all.
pub fn anomalies(conn: &mut DbConn, limit: i64) -> Result<(Vec<Anomaly>, i64), DbError> {
    let total: i64 = date_anomalies::table.count().get_result(conn)?;
    if total == 0 {
        return Ok((Vec::new(), 0));
    }
    let rows = date_anomalies::table
        .order((date_anomalies::table_name, date_anomalies::row_key, date_anomalies::column_name))
        .limit(limit)
        .load::<Anomaly>(conn)?;
    Ok((rows, total))
}
