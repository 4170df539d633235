//! The changes a catalogue records since the previous year's (new, amended, ended
//! documents): read in a fixed order, and counted per kind.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::error::DbError;
use crate::db::schema::catalogue_changes;
use crate::db::DbConn;
use crate::domain::catalogue::{Change, ChangeEntry};

/// Every change since the previous year, in a fixed order (kind, date, number, id) that does
/// not depend on the engine's collation.
pub fn changes(conn: &mut DbConn, catalogue_id: &str) -> Result<Vec<ChangeEntry>, DbError> {
    type Columns =
        (String, String, String, Option<String>, Option<String>, Option<NaiveDate>, Option<String>);
    let rows: Vec<Columns> = catalogue_changes::table
        .filter(catalogue_changes::catalogue_id.eq(catalogue_id))
        .select((
            catalogue_changes::change,
            catalogue_changes::document_id,
            catalogue_changes::title,
            catalogue_changes::issuance_number,
            catalogue_changes::registration_number,
            catalogue_changes::on_date,
            catalogue_changes::reason,
        ))
        .load(conn)?;
    let mut out: Vec<ChangeEntry> = rows
        .into_iter()
        .filter_map(|(change, document_id, title, issuance, registration, on_date, reason)| {
            Some(ChangeEntry {
                change: Change::parse(&change)?,
                document_id,
                title,
                issuance_number: issuance,
                registration_number: registration,
                on_date,
                reason,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.change, a.on_date, &a.issuance_number, &a.document_id).cmp(&(
            b.change,
            b.on_date,
            &b.issuance_number,
            &b.document_id,
        ))
    });
    Ok(out)
}

/// How many documents each kind of change concerns, counted in the database (a summary needs
/// no list).
pub fn change_counts(
    conn: &mut DbConn,
    catalogue_id: &str,
) -> Result<std::collections::BTreeMap<String, usize>, DbError> {
    let rows: Vec<(String, i64)> = catalogue_changes::table
        .filter(catalogue_changes::catalogue_id.eq(catalogue_id))
        .group_by(catalogue_changes::change)
        .select((catalogue_changes::change, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(change, n)| (change, n.max(0) as usize)).collect())
}
