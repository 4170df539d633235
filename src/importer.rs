//! The legacy import use case shared by `normreg import FILE` and `POST /api/v1/imports`:
//! check every line, then write all of them in one transaction, or nothing.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::{self, error::DbError, write_tx, DbConn};
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, DocumentId, UserId};
use crate::domain::import::{self, ImportLine, ImportedDocument, LineError};
use crate::domain::lifecycle::Status;
use crate::domain::numbering::RegistrationFormat;
use crate::error::AppError;
use crate::service::import_files::{self, StagedText};
pub use crate::service::import_files::{ImportFiles, TextOrigin};

/// At most this many line errors are reported; the rest are counted.
pub const MAX_REPORTED_ERRORS: usize = 200;

/// Whose documents the caller may import.
#[derive(Clone, Debug)]
pub enum ImportScope {
    /// The operator at the command line, or an admin.
    Any,
    /// A registrar: only documents of this agency.
    Agency(AgencyId),
}

/// One imported document, for the caller's report.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportedItem {
    pub line: usize,
    pub id: String,
    pub issuance_number: String,
    pub registration_number: Option<String>,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum ImportFailure {
    /// Lines at fault (at most [`MAX_REPORTED_ERRORS`]) and how many there were in all.
    Lines {
        errors: Vec<LineError>,
        total: usize,
    },
    Other(AppError),
}

impl From<AppError> for ImportFailure {
    fn from(e: AppError) -> Self {
        Self::Other(e)
    }
}

impl From<DbError> for ImportFailure {
    fn from(e: DbError) -> Self {
        Self::Other(e.into())
    }
}

impl From<ImportFailure> for AppError {
    fn from(f: ImportFailure) -> Self {
        match f {
            ImportFailure::Other(e) => e,
            ImportFailure::Lines { errors, total } => {
                let mut fields: Vec<_> = errors
                    .iter()
                    .map(|e| {
                        crate::error::FieldError::at_line(
                            e.line,
                            e.field.clone().unwrap_or_else(|| "line".into()),
                            e.message.clone(),
                        )
                    })
                    .collect();
                if total > errors.len() {
                    fields.push(crate::error::FieldError::new(
                        "lines",
                        format!("{} more lines are at fault", total - errors.len()),
                    ));
                }
                let mut e = AppError::invalid_fields(fields);
                if let AppError::Invalid { detail, .. } = &mut e {
                    *detail = format!("nothing was imported: {total} line(s) at fault; {detail}");
                }
                e
            }
        }
    }
}

/// Checks parsed lines (each with its line number) into importable documents, or every fault;
/// every date must lie within the policy's range.
pub fn check(
    lines: Vec<(usize, Result<ImportLine, LineError>)>,
    today: NaiveDate,
    policy: &crate::domain::policy::Policy,
) -> Result<Vec<ImportedDocument>, Vec<LineError>> {
    let (validity, range) = (policy.validity(), policy.date_range());
    let mut errors = Vec::new();
    let mut docs = Vec::with_capacity(lines.len());
    for (line, parsed) in lines {
        match parsed
            .map_err(|e| vec![e])
            .and_then(|raw| import::check_line(line, raw, today, &validity, &range))
        {
            Ok(doc) => docs.push(doc),
            Err(mut e) => errors.append(&mut e),
        }
    }
    errors.extend(import::duplicates(&docs));
    if errors.is_empty() {
        Ok(docs)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Imports the lines in one write transaction: the whole file or nothing. `progress` is told
/// how many documents of how many were written.
// The edges' whole say in one call: what, who, when, where the files are, and progress.
#[allow(clippy::too_many_arguments)]
pub fn run(
    conn: &mut DbConn,
    lines: Vec<(usize, Result<ImportLine, LineError>)>,
    scope: &ImportScope,
    actor: Option<UserId>,
    today: NaiveDate,
    at: NaiveDateTime,
    files: ImportFiles<'_>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<ImportedItem>, ImportFailure> {
    if lines.is_empty() {
        return Err(ImportFailure::Other(AppError::bad_request(
            "empty_import",
            "the import holds no documents",
        )));
    }
    let policy = db::settings::policy(conn)?;
    let docs = check(lines, today, &policy).map_err(fail)?;
    // The official texts are read and checked before the transaction; their temporary files
    // go when `texts` is dropped, whatever happens.
    let texts = import_files::stage_all(&docs, files).map_err(fail)?;
    // `write` refuses before it writes anything, so a refusal commits an empty transaction.
    write_tx(conn, |conn| write(conn, &docs, &texts, scope, actor, at, &policy, progress))?
        .map_err(fail)
}

fn fail(mut errors: Vec<LineError>) -> ImportFailure {
    errors.sort_by_key(|e| e.line);
    let total = errors.len();
    errors.truncate(MAX_REPORTED_ERRORS);
    ImportFailure::Lines { errors, total }
}

/// Checks what only the database knows (agencies, numbers in use, scope), then writes.
#[allow(clippy::too_many_arguments)]
fn write(
    conn: &mut DbConn,
    docs: &[ImportedDocument],
    texts: &[Option<StagedText>],
    scope: &ImportScope,
    actor: Option<UserId>,
    at: NaiveDateTime,
    policy: &crate::domain::policy::Policy,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Result<Vec<ImportedItem>, Vec<LineError>>, AppError> {
    let format = RegistrationFormat {
        template: policy.registration_format.clone(),
        serial_width: policy.registration_serial_width,
    };
    let codes: HashSet<String> = docs.iter().map(|d| d.agency_code.clone()).collect();
    let agencies = db::imports::agencies_by_code(conn, &codes)?;
    let numbers = |d: &ImportedDocument| {
        let registration = d.registration.as_ref().map(|r| r.format(&format));
        (d.issuance.to_string(), registration)
    };
    let all_numbers: Vec<String> = docs
        .iter()
        .flat_map(|d| {
            let (i, r) = numbers(d);
            [Some(i), r]
        })
        .flatten()
        .collect();
    let in_use = db::imports::numbers_in_use(conn, &all_numbers)?;

    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(docs.len());
    for d in docs {
        let Some(agency) = agencies.get(&d.agency_code) else {
            errors.push(LineError::new(
                d.line,
                "agency_code",
                format!("no agency has the code `{}`", d.agency_code),
            ));
            continue;
        };
        if let ImportScope::Agency(own) = scope {
            if agency.id != *own {
                errors.push(LineError::new(
                    d.line,
                    "agency_code",
                    format!(
                        "`{}` is not your agency; a registrar imports only its own documents",
                        d.agency_code
                    ),
                ));
                continue;
            }
        }
        let (issuance, registration) = numbers(d);
        if in_use.contains(&issuance) {
            errors.push(LineError::new(
                d.line,
                "issuance_number",
                format!("{issuance} is already the number of a document in the registry"),
            ));
        }
        if let Some(r) = registration.as_ref().filter(|r| in_use.contains(*r)) {
            errors.push(LineError::new(
                d.line,
                "registration_number",
                format!("{r} is already the number of a document in the registry"),
            ));
        }
        rows.push(Document {
            status: Status::Published,
            provisional: d.provisional,
            issuance_number: Some(issuance),
            registration_number: registration,
            published_on: Some(d.published_on),
            effective_on: Some(d.effective_on),
            valid_until: Some(d.valid_until),
            imported: true,
            ..Document::draft(DocumentId::new(), agency.id, d.title.clone(), d.body.clone(), at)
        });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let total = rows.len();
    for (i, chunk) in rows.chunks(2_000).enumerate() {
        db::imports::insert_all(conn, chunk, actor, at)?;
        progress((i * 2_000 + chunk.len()).min(total), total);
    }
    // Once every imported document is in, so that they may cite one another.
    crate::service::citations::on_import(conn, &rows)?;
    // Each official text after its document's `imported` event, on the same chain.
    for (row, text) in rows.iter().zip(texts) {
        if let Some(text) = text {
            import_files::store(conn, row, text, actor, at)?;
        }
    }
    let issuance: Vec<_> = docs.iter().map(|d| d.issuance.clone()).collect();
    let registration: Vec<_> = docs.iter().filter_map(|d| d.registration.clone()).collect();
    db::imports::continue_series(conn, &issuance, &registration)?;
    Ok(Ok(docs
        .iter()
        .zip(rows)
        .map(|(d, row)| ImportedItem {
            line: d.line,
            id: row.id.to_string(),
            issuance_number: row.issuance_number.unwrap_or_default(),
            registration_number: row.registration_number,
        })
        .collect()))
}
