//! Gapless number series: one counter row per (kind, prefix, year), advanced by an
//! `UPDATE … RETURNING` in the same transaction that numbers the document ([`register`]).
//! The row lock serialises concurrent registrations of one series; a rollback returns the
//! number.

use std::cell::Cell;
use std::sync::LazyLock;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use super::error::DbError;
use super::kept_sql::{KeptSql, Param};
use super::schema::number_series;
use super::{DbConn, WriterQueue};
use crate::domain::ids::{DocumentId, UserId};
use crate::domain::lifecycle::Status;

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

fn ensure(conn: &mut DbConn, kind: SeriesKind, prefix: &str, year: i32) -> Result<(), DbError> {
    diesel::sql_query(super::placeholders(
        conn,
        "INSERT INTO number_series (kind, prefix, year, last_value) VALUES (?, ?, ?, 0) \
         ON CONFLICT (kind, prefix, year) DO NOTHING",
    ))
    .bind::<Text, _>(kind.as_str())
    .bind::<Text, _>(prefix)
    .bind::<Integer, _>(year)
    .execute(conn)?;
    Ok(())
}

/// Moves the series on to at least `serial`, so that the next number drawn follows the highest
/// one already used (imported documents); never moves it back.
pub fn raise_to(
    conn: &mut DbConn,
    kind: SeriesKind,
    prefix: &str,
    year: i32,
    serial: u32,
) -> Result<(), DbError> {
    ensure(conn, kind, prefix, year)?;
    let serial = i32::try_from(serial).map_err(|_| DbError::internal("serial out of range"))?;
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

/// What a registration writes, settled before the write transaction starts.
#[derive(Clone, Debug)]
pub struct Registration {
    pub document_id: DocumentId,
    pub issuance_prefix: String,
    pub registration_prefix: String,
    pub year: i32,
    pub actor: UserId,
    pub at: NaiveDateTime,
    /// Both numbers as printed around their serials, and the registration serial's width:
    /// with it PostgreSQL draws, prints and writes in one statement.
    pub printed: Option<Printed>,
}

/// A registration's numbers around their serials (see `RegistrationFormat::around_serial`).
#[derive(Clone, Debug)]
pub struct Printed {
    pub issuance: (String, String),
    pub registration: (String, String),
    pub serial_width: u8,
}

#[derive(QueryableByName)]
struct PrintedNumbers {
    #[diesel(sql_type = Text)]
    issuance: String,
    #[diesel(sql_type = Text)]
    registration: String,
}

/// PostgreSQL, one statement (the function `normreg_register` of the migrations, whose plan
/// PostgreSQL keeps) and so its own transaction: lock the document while it is still
/// `adopted` and both series rows exist, then advance the counters in a fixed order (issuance
/// first: `r` reads `i`), print the numbers, move the document and write its event. The
/// counters' locks are held for that statement and its commit only: under 64 concurrent
/// registrars every round trip inside the lock is paid by all of them. When the document is
/// not `adopted` or a series row is missing, nothing at all is written and no row comes back;
/// the caller tells the two apart. A unique violation undoes the whole statement.
fn register_in_one_statement(
    conn: &mut DbConn,
    r: &Registration,
    p: &Printed,
) -> Result<Option<(String, String)>, Failure> {
    // Numbered once per process: this runs on every registration.
    static CALL: LazyLock<String> = LazyLock::new(|| {
        super::numbered(
            "SELECT issuance, registration \
             FROM normreg_register(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
    });
    let rows: Vec<PrintedNumbers> = diesel::sql_query(CALL.as_str())
        .bind::<Integer, _>(r.year)
        .bind::<Text, _>(&r.issuance_prefix)
        .bind::<Text, _>(&r.registration_prefix)
        .bind::<Text, _>(&p.issuance.0)
        .bind::<Text, _>(&p.issuance.1)
        .bind::<Text, _>(&p.registration.0)
        .bind::<Text, _>(&p.registration.1)
        .bind::<Integer, _>(i32::from(p.serial_width))
        .bind::<Timestamp, _>(r.at)
        .bind::<Text, _>(r.document_id.to_string())
        .bind::<Text, _>(r.actor.to_string())
        .load(conn)
        .map_err(refusal_of)?;
    Ok(rows.into_iter().next().map(|n| (n.issuance, n.registration)))
}

/// The numbers a registration was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Serials {
    pub issuance: u32,
    pub registration: u32,
}

#[derive(QueryableByName)]
struct SeriesValue {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Integer)]
    last_value: i32,
}

/// Why a registration numbered nothing, where the caller answers differently.
#[derive(Debug)]
pub enum NumberingError {
    /// The next number of a series is already used by another document (a unique index
    /// refused it, e.g. an imported number): the whole registration was undone.
    NumberTaken,
    /// Anything else (e.g. [`DbError::NoLongerAdopted`] when another request moved the
    /// document first).
    Failed(DbError),
}

impl From<DbError> for NumberingError {
    fn from(e: DbError) -> Self {
        NumberingError::Failed(e)
    }
}

/// Why one attempt numbered nothing and wrote nothing.
enum Failure {
    /// A series of the year has no row yet: [`register`] creates it and numbers again.
    SeriesMissing,
    NumberTaken,
    Other(DbError),
}

impl From<DbError> for Failure {
    fn from(e: DbError) -> Self {
        Failure::Other(e)
    }
}

impl From<Failure> for NumberingError {
    fn from(f: Failure) -> Self {
        NumberingError::Failed(match f {
            Failure::NumberTaken => return NumberingError::NumberTaken,
            Failure::SeriesMissing => DbError::SeriesMissing,
            Failure::Other(e) => e,
        })
    }
}

/// A failed statement of a registration: a unique violation is a taken number.
fn refusal_of(e: diesel::result::Error) -> Failure {
    if super::is_unique_violation(&e) {
        Failure::NumberTaken
    } else {
        Failure::Other(e.into())
    }
}

/// Numbers an adopted document in one short write transaction: both counters advance in one
/// statement (so their row locks are taken together and held only until commit), then the
/// document moves to `registered` with its numbers and its event, still only if it is
/// `adopted` at that instant. `render` turns the serials into the printed numbers.
/// When the document is no longer `adopted`, nothing is written and the answer is 409.
pub fn register(
    conn: &mut DbConn,
    queue: &WriterQueue,
    r: &Registration,
    render: impl Fn(&Serials) -> (String, String),
) -> Result<(String, String), NumberingError> {
    match register_once(conn, queue, r, &render) {
        // The first number of a year: create the rows (outside the failed transaction, which
        // rolled back whatever it had advanced) and number again.
        Err(Failure::SeriesMissing) => {
            ensure(conn, SeriesKind::Issuance, &r.issuance_prefix, r.year)?;
            ensure(conn, SeriesKind::Registration, &r.registration_prefix, r.year)?;
            Ok(register_once(conn, queue, r, &render)?)
        }
        other => Ok(other?),
    }
}

/// PostgreSQL: both counters advanced in one statement, with their row locks taken in a fixed
/// order, issuance first: `r` reads `i`, so it runs after it. (One UPDATE over both rows locks
/// them in physical order, which changes as row versions move, and two registrations locking
/// in opposite orders deadlock; an UPDATE joined to a `FOR UPDATE` subquery to order them can
/// skip a row that a concurrent registration just advanced.) Binds: `$1` year, `$2` issuance
/// prefix, `$3` registration prefix.
const COUNTERS: &str = "i AS (UPDATE number_series SET last_value = last_value + 1 \
                          WHERE kind = 'issuance' AND prefix = $2 AND year = $1 \
                          RETURNING kind, last_value), \
                     r AS (UPDATE number_series SET last_value = last_value + 1 \
                          WHERE kind = 'registration' AND prefix = $3 AND year = $1 \
                            AND EXISTS (SELECT 1 FROM i) \
                          RETURNING kind, last_value)";

/// Why the one statement changed nothing: the document is no longer `adopted`, or (when it
/// still is) a series of the year had no row yet when the statement began, even if another
/// registration has created it since.
fn missing_series_or_moved(conn: &mut DbConn, r: &Registration) -> Result<Failure, DbError> {
    let status: Option<String> = super::schema::documents::table
        .find(r.document_id.to_string())
        .select(super::schema::documents::status)
        .first(conn)
        .optional()?;
    Ok(if status.as_deref().and_then(Status::parse) == Some(Status::Adopted) {
        Failure::SeriesMissing
    } else {
        Failure::Other(DbError::NoLongerAdopted)
    })
}

fn register_once(
    conn: &mut DbConn,
    queue: &WriterQueue,
    r: &Registration,
    render: &impl Fn(&Serials) -> (String, String),
) -> Result<(String, String), Failure> {
    if let (DbConn::Postgres(_), Some(printed)) = (&*conn, &r.printed) {
        // No BEGIN/COMMIT round trips: the statement is atomic on its own.
        return match register_in_one_statement(conn, r, printed)? {
            Some(done) => Ok(done),
            None => Err(missing_series_or_moved(conn, r)?),
        };
    }
    // A refusal must still roll the transaction back (a counter may have advanced already),
    // so the closure fails with a `DbError` and leaves the reason here.
    let refusal = Cell::new(None);
    // On SQLite in this instance's writer queue, not asleep in SQLite's busy handler.
    queue
        .write_tx(conn, |conn| {
            let serials = advance_counters(conn, r, &refusal)?;
            let (issuance, registration) = render(&serials);
            if move_document(conn, r, &issuance, &registration, &refusal)? {
                Ok((issuance, registration))
            } else {
                // Someone else moved the document first: give the numbers back.
                Err(DbError::NoLongerAdopted)
            }
        })
        .map_err(|e| refusal.take().unwrap_or(Failure::Other(e)))
}

/// Advances both counters of the registration by one, in the caller's transaction.
fn advance_counters(
    conn: &mut DbConn,
    r: &Registration,
    refusal: &Cell<Option<Failure>>,
) -> Result<Serials, DbError> {
    let rows: Vec<(String, i32)> = match conn {
        // See COUNTERS.
        DbConn::Postgres(_) => diesel::sql_query(format!(
            "WITH {COUNTERS} \
             SELECT kind, last_value FROM i UNION ALL SELECT kind, last_value FROM r"
        ))
        .bind::<Integer, _>(r.year)
        .bind::<Text, _>(&r.issuance_prefix)
        .bind::<Text, _>(&r.registration_prefix)
        .load::<SeriesValue>(conn)?
        .into_iter()
        .map(|s| (s.kind, s.last_value))
        .collect(),
        // SQLite's write lock is the whole database: nothing to order. Kept prepared: this
        // runs in the one writer's turn.
        DbConn::Sqlite(sqlite) => {
            struct AdvanceCounters;
            KeptSql::<AdvanceCounters, (Text, Integer)>::new(
                "UPDATE number_series SET last_value = last_value + 1 \
                 WHERE year = ? AND ((kind = 'issuance' AND prefix = ?) \
                                     OR (kind = 'registration' AND prefix = ?)) \
                 RETURNING kind, last_value",
                &[
                    Param::Integer(r.year),
                    Param::Text(&r.issuance_prefix),
                    Param::Text(&r.registration_prefix),
                ],
            )
            .load(sqlite)?
        }
    };
    let value = |kind: SeriesKind| {
        rows.iter()
            .find(|(k, _)| k == kind.as_str())
            .map(|(_, last)| (*last).max(0) as u32)
            .ok_or_else(|| {
                refusal.set(Some(Failure::SeriesMissing));
                DbError::SeriesMissing
            })
    };
    Ok(Serials {
        issuance: value(SeriesKind::Issuance)?,
        registration: value(SeriesKind::Registration)?,
    })
}

/// Moves the document to `registered` with its numbers and writes its event, if it is still
/// `adopted`; answers whether it was.
fn move_document(
    conn: &mut DbConn,
    r: &Registration,
    issuance: &str,
    registration: &str,
    refusal: &Cell<Option<Failure>>,
) -> Result<bool, DbError> {
    let taken = |e: diesel::result::Error| {
        if super::is_unique_violation(&e) {
            refusal.set(Some(Failure::NumberTaken));
        }
        DbError::from(e)
    };
    let payload = serde_json::json!({
        "issuance_number": issuance,
        "registration_number": registration,
    })
    .to_string();
    // The domain's words, formatted in (constants, never input); the event is named after the
    // status it reaches. The event goes through the chain's funnel (`db::history::append`),
    // hashed here, so the document is moved first and the event written after it.
    let (from, to) = (Status::Adopted.as_str(), Status::Registered.as_str());
    static MOVE: LazyLock<String> = LazyLock::new(|| {
        let (from, to) = (Status::Adopted.as_str(), Status::Registered.as_str());
        format!(
            "UPDATE documents SET status = '{to}', issuance_number = ?, \
                    registration_number = ?, updated_at = ? \
             WHERE id = ? AND status = '{from}'",
        )
    });
    let document_id = r.document_id.to_string();
    let moved = match conn {
        // Kept prepared: this runs in SQLite's one writer's turn.
        DbConn::Sqlite(sqlite) => {
            struct MoveToRegistered;
            KeptSql::<MoveToRegistered>::new(
                &MOVE,
                &[
                    Param::Text(issuance),
                    Param::Text(registration),
                    Param::Timestamp(&r.at),
                    Param::Text(&document_id),
                ],
            )
            .execute(sqlite)
        }
        DbConn::Postgres(_) => diesel::sql_query(super::numbered(&MOVE))
            .bind::<Text, _>(issuance)
            .bind::<Text, _>(registration)
            .bind::<Timestamp, _>(r.at)
            .bind::<Text, _>(&document_id)
            .execute(conn),
    }
    .map_err(taken)?;
    if moved == 1 {
        super::history::append(
            conn,
            &[super::history::EventText {
                document_id,
                actor_id: Some(r.actor.to_string()),
                at: r.at,
                action: to.to_string(),
                from_status: Some(from.to_string()),
                to_status: Some(to.to_string()),
                reason: None,
                payload: Some(payload),
            }],
        )?;
    }
    Ok(moved == 1)
}
