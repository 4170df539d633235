//! Annual catalogues (年度目录): freezing an agency's list of documents valid on 31 December
//! (the API and `normreg catalogue`), and reading the frozen ones in public (the API's JSON
//! and CSV, the web pages).

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::{self, agencies::AgencyRow, catalogues::CatalogueRow, error::DbError, DbConn};
use crate::domain::catalogue::{self, ChangeEntry, Entry};
use crate::domain::clock::Clock;
use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::actor::Actor;
use crate::service::dates;

pub mod akn;

/// How many documents each kind of change concerns, by the change's name.
pub type ChangeCounts = BTreeMap<String, usize>;

/// Whether a new catalogue was made or the one frozen before was found.
pub enum Frozen {
    New(CatalogueRow),
    Existing(CatalogueRow),
}

impl Frozen {
    pub fn row(&self) -> &CatalogueRow {
        match self {
            Frozen::New(r) | Frozen::Existing(r) => r,
        }
    }
}

/// Freezes the agency's catalogue for `year`, or finds the one frozen before: a catalogue is
/// made once, and asking again answers the same one. Used by the API and the command line.
///
/// It opens its own write transaction, so `conn` is a bare connection: a race with another
/// request freezing the same catalogue ends in a unique violation, after which the winner's
/// catalogue is read outside the failed transaction.
pub fn freeze_or_find(
    conn: &mut DbConn,
    agency: &AgencyRow,
    year: i32,
    today: NaiveDate,
    at: NaiveDateTime,
    actor: Option<UserId>,
) -> Result<Frozen, AppError> {
    dates::require_year_in_range(conn, "year", year)?;
    let as_of = catalogue::freezable(year, today)
        .map_err(|e| AppError::conflict("year_not_over", e.to_string()))?;
    if let Some(existing) = db::catalogues::find(conn, agency.id, year)? {
        return Ok(Frozen::Existing(existing));
    }
    // A checkpoint first: the catalogue records its hash, so that a reader who keeps the
    // catalogue can later hold the registry's history to it.
    crate::service::history::checkpoint(conn, at)?;
    let made =
        db::write_tx(conn, |conn| db::catalogues::freeze(conn, agency, year, as_of, at, actor));
    match made {
        Ok(row) => Ok(Frozen::New(row)),
        // Another request froze it between our look and our write: answer that one.
        Err(DbError::UniqueViolation(_)) => db::catalogues::find(conn, agency.id, year)?
            .map(Frozen::Existing)
            .ok_or_else(|| AppError::internal("catalogue vanished after a unique violation")),
        Err(e) => Err(e.into()),
    }
}

/// A catalogue frozen by [`freeze`]: now or before, its agency and its change counts.
pub struct Freezing {
    pub frozen: Frozen,
    pub agency: AgencyRow,
    pub change_counts: ChangeCounts,
}

/// Freezes the catalogue of the agency `agency_id` for `year` (admin, or the agency's own
/// registrar), or finds the one frozen before. Like [`freeze_or_find`] it takes a bare
/// connection and opens its own transaction.
pub fn freeze(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    agency_id: &str,
    year: i32,
) -> Result<Freezing, AppError> {
    actor.require_any(&[Role::Admin, Role::Registrar])?;
    let agency_id: AgencyId =
        agency_id.parse().map_err(|_| AppError::invalid("agency_id", "not an agency id"))?;
    if !actor.has(Role::Admin) && actor.agency()? != agency_id {
        return Err(AppError::Forbidden(
            "a registrar freezes only its own agency's catalogue".into(),
        ));
    }
    catalogue::year_end(year).map_err(|e| AppError::invalid("year", e.to_string()))?;
    let agency = db::agencies::find(conn, agency_id)?.ok_or(AppError::NotFound("agency"))?;
    let at = clock.now().naive_utc();
    let frozen = freeze_or_find(conn, &agency, year, clock.today(), at, Some(actor.id))?;
    let change_counts = db::catalogues::change_counts(conn, &frozen.row().id)?;
    Ok(Freezing { frozen, agency, change_counts })
}

/// An agency by code and its frozen catalogues, latest year first; 404 for an unknown code.
pub fn frozen_of_agency(
    conn: &mut DbConn,
    code: &str,
) -> Result<(AgencyRow, Vec<CatalogueRow>), AppError> {
    let agency = db::agencies::find_by_code(conn, code)?.ok_or(AppError::NotFound("agency"))?;
    let rows = db::catalogues::of_agency(conn, agency.id)?;
    Ok((agency, rows))
}

/// [`frozen_of_agency`] with each catalogue's change counts.
pub fn frozen_of_agency_counted(
    conn: &mut DbConn,
    code: &str,
) -> Result<(AgencyRow, Vec<(CatalogueRow, ChangeCounts)>), AppError> {
    let (agency, rows) = frozen_of_agency(conn, code)?;
    let mut out = Vec::new();
    for row in rows {
        let counts = db::catalogues::change_counts(conn, &row.id)?;
        out.push((row, counts));
    }
    Ok((agency, out))
}

/// Which entries of a catalogue to read.
#[derive(Clone, Copy, Debug)]
pub enum Entries {
    None,
    /// Every entry, without texts.
    All,
    Page {
        page: i64,
        per_page: i64,
        texts: bool,
    },
}

/// A frozen catalogue as read for the public.
pub struct Loaded {
    pub row: CatalogueRow,
    pub agency: AgencyRow,
    pub changes: Vec<ChangeEntry>,
    pub entries: Vec<Entry>,
}

/// Reads a frozen catalogue by agency code and year; 404 when either is unknown.
pub fn load(conn: &mut DbConn, code: &str, year: i32, wanted: Entries) -> Result<Loaded, AppError> {
    let agency = db::agencies::find_by_code(conn, code)?.ok_or(AppError::NotFound("agency"))?;
    let row =
        db::catalogues::find(conn, agency.id, year)?.ok_or(AppError::NotFound("catalogue"))?;
    let changes = db::catalogues::changes(conn, &row.id)?;
    let entries = match wanted {
        Entries::None => Vec::new(),
        Entries::All => db::catalogues::entries(conn, &row.id, 0, row.entry_count, false)?,
        Entries::Page { page, per_page, texts } => {
            let (after, limit) = db::catalogues::position_range(page, per_page);
            db::catalogues::entries(conn, &row.id, after, limit, texts)?
        }
    };
    Ok(Loaded { row, agency, changes, entries })
}

/// Every frozen catalogue, with its agency, agencies in code order and latest year first.
pub fn all_frozen(conn: &mut DbConn) -> Result<Vec<(AgencyRow, CatalogueRow)>, AppError> {
    // Keyed by the stored text: a catalogue row still carries its agency's id as stored.
    let agencies: HashMap<String, AgencyRow> =
        db::public::all_agencies(conn)?.into_iter().map(|a| (a.id.to_string(), a)).collect();
    let mut out: Vec<_> = db::catalogues::all(conn)?
        .into_iter()
        .filter_map(|c| Some((agencies.get(&c.agency_id)?.clone(), c)))
        .collect();
    out.sort_by(|(a, x), (b, y)| (&a.code, -x.year).cmp(&(&b.code, -y.year)));
    Ok(out)
}
