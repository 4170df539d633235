//! The files of a demo filing: its official text and its filing report, uploaded as an agency
//! would before filing, so that the demo's filings are complete and its 报备规范率 counts them.
//! Each is a small one-page PDF made here (the demo ships no binary files).

use sha2::{Digest, Sha256};

use super::province::DemoUser;
use super::seeder::Seeder;
use crate::domain::files::FileKind;
use crate::domain::ids::{DocumentId, FileId};
use crate::error::AppError;
use crate::service::{self, files::Staged};

/// A minimal well-formed PDF of one empty A4 page (cross-reference table with exact offsets),
/// whose document information names `label`.
fn one_page_pdf(label: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_string(),
        format!("<< /Title ({label}) /Producer (normreg demo) >>"),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Uploads a one-page PDF of `kind` named `name` to the document `id` as `user`.
pub(super) async fn upload_pdf(
    seeder: &Seeder<'_>,
    user: &DemoUser,
    id: DocumentId,
    kind: FileKind,
    name: String,
) -> Result<FileId, AppError> {
    let bytes = one_page_pdf(&format!("{} {id}", kind.as_str()));
    let path = std::env::temp_dir().join(format!("normreg-demo-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, &bytes)
        .map_err(|e| AppError::internal(format!("demo file {}: {e}", path.display())))?;
    let staged = Staged {
        path: path.clone(),
        size: bytes.len() as u64,
        sha256: Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect(),
        declared_name: name,
    };
    let stored = async {
        let format = service::files::recognise(&staged)?;
        seeder
            .write("upload", user, move |tx, actor, clock| {
                service::files::store(tx, actor, clock, id, kind, format, &staged)
            })
            .await
    }
    .await;
    let _ = std::fs::remove_file(&path);
    Ok(stored?.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_pdf_is_recognised_and_its_cross_references_point_at_its_objects() {
        let pdf = one_page_pdf("official_text x");
        let text = String::from_utf8(pdf.clone()).expect("ascii");
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        let xref: usize =
            text.lines().rev().nth(1).and_then(|l| l.parse().ok()).expect("startxref");
        assert!(text[xref..].starts_with("xref\n"));
        for (n, line) in text[xref..].lines().skip(3).take(4).enumerate() {
            let offset: usize = line[..10].parse().expect("offset");
            assert!(text[offset..].starts_with(&format!("{} 0 obj", n + 1)), "{line}");
        }
    }
}
