//! A frozen annual catalogue as one ZIP of Akoma Ntoso: `<文号 or id>.akn.xml` for each listed
//! document (the version the catalogue lists) and `manifest.json`
//! (`[{document_id, file, sha256}]`). Written to a temporary file one document at a time,
//! entries read a page at a time, so that neither the list nor the texts sit whole in memory.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{self, DbConn};
use crate::domain::clock::Clock;
use crate::domain::ids::DocumentId;
use crate::error::AppError;
use crate::service::structured_texts::akn;

/// Entries read from the catalogue at a time.
const PAGE: i32 = 100;

/// One line of the ZIP's manifest.
#[derive(Debug, Serialize)]
pub struct ManifestEntry {
    pub document_id: String,
    pub file: String,
    /// Lowercase hex SHA-256 of the entry's bytes.
    pub sha256: String,
}

/// Writes the AKN ZIP of the catalogue of agency `code` for `year` into the file at `out`;
/// 404 when either is unknown. Answers the download's file name.
pub fn write_zip(
    conn: &mut DbConn,
    clock: &dyn Clock,
    code: &str,
    year: i32,
    out: &Path,
) -> Result<String, AppError> {
    let agency = db::agencies::find_by_code(conn, code)?.ok_or(AppError::NotFound("agency"))?;
    let row =
        db::catalogues::find(conn, agency.id, year)?.ok_or(AppError::NotFound("catalogue"))?;
    let io = |e: std::io::Error| AppError::internal(format!("writing a catalogue ZIP: {e}"));
    let zipped = |e: zip::result::ZipError| AppError::internal(format!("writing a ZIP: {e}"));
    let (mut zip, stored) = crate::service::stored_zip::create(out, "a catalogue ZIP")?;
    let mut manifest = Vec::new();
    let mut names = HashSet::new();
    let mut after = 0;
    loop {
        let page = db::catalogues::entries(conn, &row.id, after, PAGE, false)?;
        let Some(last) = page.last() else { break };
        after = last.position;
        for e in &page {
            let id: DocumentId = e.document_id.parse().map_err(|_| {
                AppError::internal(format!("catalogue entry {} is no document id", e.document_id))
            })?;
            // A listed version stays published for ever; its AKN is read as the public reads it.
            let xml = akn::document(conn, clock, id)?;
            let mut file = format!(
                "{}.akn.xml",
                e.issuance_number.as_deref().map(file_stem).unwrap_or_else(|| id.to_string())
            );
            if !names.insert(file.clone()) {
                file = format!("{id}.akn.xml");
                names.insert(file.clone());
            }
            zip.start_file(file.as_str(), stored).map_err(zipped)?;
            zip.write_all(xml.as_bytes()).map_err(io)?;
            let sha256 =
                Sha256::digest(xml.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
            manifest.push(ManifestEntry { document_id: e.document_id.clone(), file, sha256 });
        }
    }
    let json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| AppError::internal(e.to_string()))?;
    zip.start_file("manifest.json", stored).map_err(zipped)?;
    zip.write_all(&json).map_err(io)?;
    zip.finish().map_err(zipped)?;
    Ok(format!("{}-{}.akn.zip", agency.code, row.year))
}

/// A 文号 as a file name: no path separators, no characters file systems refuse.
fn file_stem(number: &str) -> String {
    let stem: String = number
        .trim()
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '-' } else { c })
        .collect();
    if stem.trim_matches(['-', '.']).is_empty() {
        "x".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn a_number_makes_a_safe_file_name() {
        assert_eq!(file_stem("辽政规〔2026〕3号"), "辽政规〔2026〕3号");
        assert_eq!(file_stem("../a/b"), "..-a-b");
        assert_eq!(file_stem(".."), "x");
    }
}
