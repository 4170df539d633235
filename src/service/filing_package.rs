//! A filing's files: the check that the files its materials name are the document's own, and
//! the package the filing reviewer downloads, one ZIP of every named file with a
//! `manifest.json` (`[{name, kind, sha256, size}]`), written to a temporary file chunk by
//! chunk so that no file sits whole in memory.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::db::{self, DbConn};
use crate::domain::filing_material::Material;
use crate::domain::ids::{DocumentId, FilingId};
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::service::Actor;

/// 422 for a material naming a file that is not one of the document's.
pub fn check_files(
    conn: &mut DbConn,
    doc: DocumentId,
    materials: &[Material],
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    for (i, m) in materials.iter().enumerate() {
        let Some(id) = m.file_id else { continue };
        if db::files::find(conn, id)?.is_none_or(|f| f.document_id != doc) {
            errors.push(FieldError::new(
                format!("materials[{i}].file_id"),
                "no file of this document has this id",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid_fields(errors))
    }
}

/// One line of the package's manifest.
#[derive(Debug, Serialize)]
pub struct ManifestEntry {
    pub name: String,
    pub kind: String,
    pub sha256: String,
    pub size: i64,
}

/// Writes the package of filing `id` into the file at `out`: the filing reviewer of the
/// receiving authority, the filing agency's drafters and registrars, or the admin; 404 for
/// anyone else. Answers the manifest.
pub fn write_package(
    conn: &mut DbConn,
    actor: &Actor,
    id: FilingId,
    out: &Path,
) -> Result<Vec<ManifestEntry>, AppError> {
    let filing = db::filings::find(conn, id)?.ok_or(AppError::NotFound("filing"))?;
    let own = actor.agency_id;
    let reviewer = actor.has(Role::FilingReviewer) && own == Some(filing.authority_id);
    let filer =
        (actor.has(Role::Drafter) || actor.has(Role::Registrar)) && own == Some(filing.agency_id);
    if !(reviewer || filer || actor.has(Role::Admin)) {
        return Err(AppError::NotFound("filing"));
    }
    let io = |e: std::io::Error| AppError::internal(format!("writing a filing package: {e}"));
    let zipped = |e: zip::result::ZipError| AppError::internal(format!("writing a package: {e}"));
    let (mut zip, stored) = crate::service::stored_zip::create(out, "a filing package")?;
    let mut manifest = Vec::new();
    let mut names = HashSet::new();
    for m in &filing.materials {
        let Some(file_id) = m.file_id else { continue };
        let Some(file) =
            db::files::find(conn, file_id)?.filter(|f| f.document_id == filing.document_id)
        else {
            continue;
        };
        // Two materials may share a name: the later gets its kind and version in front.
        let mut name = file.name.clone();
        if !names.insert(name.clone()) {
            name = format!("{}-v{}-{}", file.kind.as_str(), file.version, file.name);
            names.insert(name.clone());
        }
        zip.start_file(name.as_str(), stored).map_err(zipped)?;
        for n in 0..file.chunks {
            let bytes = db::files::chunk(conn, file.id, n)?
                .ok_or_else(|| AppError::internal(format!("chunk {n} of {} missing", file.id)))?;
            zip.write_all(&bytes).map_err(io)?;
        }
        manifest.push(ManifestEntry {
            name,
            kind: file.kind.as_str().to_string(),
            sha256: file.sha256,
            size: file.size,
        });
    }
    let json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| AppError::internal(e.to_string()))?;
    zip.start_file("manifest.json", stored).map_err(zipped)?;
    zip.write_all(&json).map_err(io)?;
    zip.finish().map_err(zipped)?;
    Ok(manifest)
}
