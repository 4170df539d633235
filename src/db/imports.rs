//! Writing a checked legacy import: every document with its first text revision, its
//! `imported` event and its search entry, then the number series moved on past the highest
//! imported serial. The caller runs it in one write transaction: the whole file or nothing.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::agencies::AgencyRow;
use super::document_row::DocumentWrite;
use super::error::DbError;
use super::numbering::{self, SeriesKind};
use super::schema::{agencies, document_revisions, documents};
use super::{insert_many, DbConn};
use crate::domain::document::Document;
use crate::domain::ids::UserId;
use crate::domain::import::highest_serials;
use crate::domain::lifecycle::Status;
use crate::domain::numbering::{IssuanceNumber, RegistrationNumber};

/// Rows per multi-row statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound
/// parameters for the widest table (32 columns).
const CHUNK: usize = 400;

/// The agencies with these codes, by code.
pub fn agencies_by_code(
    conn: &mut DbConn,
    codes: &HashSet<String>,
) -> Result<HashMap<String, AgencyRow>, DbError> {
    let codes: Vec<String> = codes.iter().cloned().collect();
    let mut found = HashMap::new();
    for chunk in codes.chunks(CHUNK) {
        let rows = super::agencies::decoded(
            agencies::table.filter(agencies::code.eq_any(chunk.to_vec())).load(conn)?,
        )?;
        found.extend(rows.into_iter().map(|a| (a.code.clone(), a)));
    }
    Ok(found)
}

/// Which of these 文号 or 登记号 some document already carries.
pub fn numbers_in_use(conn: &mut DbConn, numbers: &[String]) -> Result<HashSet<String>, DbError> {
    let mut used = HashSet::new();
    for chunk in numbers.chunks(CHUNK) {
        let rows: Vec<(Option<String>, Option<String>)> = documents::table
            .filter(
                documents::issuance_number
                    .eq_any(chunk.to_vec())
                    .or(documents::registration_number.eq_any(chunk.to_vec())),
            )
            .select((documents::issuance_number, documents::registration_number))
            .load(conn)?;
        used.extend(rows.into_iter().flat_map(|(a, b)| [a, b]).flatten());
    }
    // A row found by one of its numbers brings its other number along; keep only the asked.
    let asked: HashSet<&String> = numbers.iter().collect();
    Ok(used.into_iter().filter(|n| asked.contains(n)).collect())
}

/// Inserts the documents (already `published`, `imported`) and everything that goes with them.
pub fn insert_all(
    conn: &mut DbConn,
    rows: &[Document],
    actor: Option<UserId>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let actor = actor.map(|a| a.to_string());
    for chunk in rows.chunks(CHUNK) {
        let writes: Vec<DocumentWrite> = chunk.iter().map(DocumentWrite::from).collect();
        insert_many!(conn, documents::table, writes)?;
        let revisions: Vec<_> = chunk
            .iter()
            .map(|d| {
                (
                    document_revisions::document_id.eq(d.id.to_string()),
                    document_revisions::revision.eq(d.revision),
                    document_revisions::title.eq(&d.title),
                    document_revisions::body.eq(&d.body),
                    document_revisions::created_by.eq(actor.as_deref()),
                    document_revisions::created_at.eq(at),
                )
            })
            .collect();
        insert_many!(conn, document_revisions::table, &revisions)?;
        let payloads: Vec<String> = chunk
            .iter()
            .map(|d| {
                serde_json::json!({
                    "issuance_number": d.issuance_number,
                    "registration_number": d.registration_number,
                    "published_on": d.published_on,
                    "effective_on": d.effective_on,
                    "valid_until": d.valid_until,
                })
                .to_string()
            })
            .collect();
        let events: Vec<_> = chunk
            .iter()
            .zip(payloads)
            .map(|(d, payload)| super::history::EventText {
                document_id: d.id.to_string(),
                actor_id: actor.clone(),
                at,
                action: "imported".to_string(),
                from_status: None,
                to_status: Some(Status::Published.as_str().to_string()),
                reason: Some("issued before the registry; imported".to_string()),
                payload: Some(payload),
            })
            .collect();
        super::history::append(conn, &events)?;
        let watched: Vec<_> = chunk.iter().filter_map(|d| Some((d.id, d.valid_until?))).collect();
        super::expiry::watch_new(conn, &watched)?;
    }
    Ok(())
}

/// Moves each series touched by the import on to its highest imported serial.
pub fn continue_series(
    conn: &mut DbConn,
    issuance: &[IssuanceNumber],
    registration: &[RegistrationNumber],
) -> Result<(), DbError> {
    let top = highest_serials(issuance.iter().map(|n| (n.prefix(), n.year(), n.serial())));
    for (prefix, year, serial) in top {
        numbering::raise_to(conn, SeriesKind::Issuance, &prefix, year, serial)?;
    }
    let top = highest_serials(registration.iter().map(|n| (n.prefix(), n.year(), n.serial())));
    for (prefix, year, serial) in top {
        numbering::raise_to(conn, SeriesKind::Registration, &prefix, year, serial)?;
    }
    Ok(())
}
