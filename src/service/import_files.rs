//! The official texts (正式文本) that come with a legacy import: each staged in a temporary
//! file before the import's transaction (read from a path beside the JSON Lines file, or
//! decoded from the API's base64, in pieces, hashed and counted as they arrive), checked as
//! an upload is (recognised from its bytes, within `NORMREG_MAX_UPLOAD_BYTES`), then written
//! as version 1 of the imported document's official text inside the import's transaction.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::domain::document::Document;
use crate::domain::files::{FileKind, Format, CHUNK_BYTES};
use crate::domain::ids::UserId;
use crate::domain::import::{base64_piece, ImportedDocument, LineError, OfficialTextSource};
use crate::error::AppError;
use crate::service::files::{self, Staged};

/// Where an import's official texts may come from: the command line reads paths beside its
/// JSON Lines file, the API only base64 in its body (never a path on the server).
#[derive(Clone, Copy, Debug)]
pub enum TextOrigin<'a> {
    /// The folder of the JSON Lines file.
    Beside(&'a Path),
    Inline,
}

/// What the import's official texts are read from, and the largest accepted.
#[derive(Clone, Copy, Debug)]
pub struct ImportFiles<'a> {
    pub origin: TextOrigin<'a>,
    /// `NORMREG_MAX_UPLOAD_BYTES`.
    pub limit: u64,
}

/// An official text staged and recognised, its temporary file removed when dropped.
pub struct StagedText {
    staged: Staged,
    format: Format,
}

impl Drop for StagedText {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.staged.path);
    }
}

/// Stages the official text of every document that has one, aligned with `docs`; every line
/// at fault otherwise. Runs before the import's transaction: it reads only files and the body.
pub fn stage_all(
    docs: &[ImportedDocument],
    files: ImportFiles<'_>,
) -> Result<Vec<Option<StagedText>>, Vec<LineError>> {
    let mut staged = Vec::with_capacity(docs.len());
    let mut errors = Vec::new();
    for d in docs {
        match d.official_text.as_ref().map(|source| stage(d.line, source, files)).transpose() {
            Ok(text) => staged.push(text),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(staged)
    } else {
        Err(errors)
    }
}

/// Writes a staged official text as version 1 of the imported document's, with its
/// `file_added` event, in the import's transaction.
pub fn store(
    tx: &mut DbConn,
    doc: &Document,
    text: &StagedText,
    uploader: Option<UserId>,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    files::write_version(tx, doc, FileKind::OfficialText, text.format, &text.staged, uploader, at)
        .map(|_| ())
}

/// One line's official text into a temporary file, then recognised from its bytes.
fn stage(
    line: usize,
    source: &OfficialTextSource,
    files: ImportFiles<'_>,
) -> Result<StagedText, LineError> {
    let field = source.field();
    let fault = |message: String| LineError::new(line, field, message);
    let mut sink = Sink::new(files.limit).map_err(|e| fault(e.to_string()))?;
    let declared_name = match (source, files.origin) {
        (OfficialTextSource::Beside(relative), TextOrigin::Beside(dir)) => {
            copy_beside(dir, relative, &mut sink).map_err(fault)?;
            relative.rsplit(['/', '\\']).next().unwrap_or("file").to_string()
        }
        (OfficialTextSource::Inline { name, base64 }, TextOrigin::Inline) => {
            decode_into(base64, &mut sink).map_err(fault)?;
            name.clone()
        }
        (OfficialTextSource::Beside(_), TextOrigin::Inline) => {
            return Err(fault(
                "a path is read only by `normreg import`; send the bytes as \
                 `official_text_base64` with `official_text_name`"
                    .into(),
            ))
        }
        (OfficialTextSource::Inline { .. }, TextOrigin::Beside(_)) => {
            return Err(fault(
                "`normreg import` reads the official text from a file beside the JSON Lines \
                 file: give its path in `official_text_file`"
                    .into(),
            ))
        }
    };
    let staged = sink.finish(declared_name).map_err(fault)?;
    let format = match files::recognise(&staged) {
        Ok(format) => format,
        Err(AppError::UnsupportedMediaType(message)) => {
            let _ = std::fs::remove_file(&staged.path);
            return Err(fault(message));
        }
        Err(e) => {
            let _ = std::fs::remove_file(&staged.path);
            return Err(fault(e.to_string()));
        }
    };
    Ok(StagedText { staged, format })
}

/// The file at `relative` in `dir`, which must stay inside `dir` once links are resolved.
fn copy_beside(dir: &Path, relative: &str, sink: &mut Sink) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot read `{relative}`: {e}");
    let root = dir.canonicalize().map_err(cannot)?;
    let path = root.join(relative).canonicalize().map_err(cannot)?;
    if !path.starts_with(&root) {
        return Err(format!("`{relative}` leads out of the folder of the JSON Lines file"));
    }
    if !path.is_file() {
        return Err(format!("`{relative}` is not a file"));
    }
    let mut file = File::open(&path).map_err(cannot)?;
    let mut buf = vec![0u8; CHUNK_BYTES];
    loop {
        let n = file.read(&mut buf).map_err(cannot)?;
        if n == 0 {
            return Ok(());
        }
        sink.write(&buf[..n])?;
    }
}

/// Standard base64 decoded a piece at a time (the text is already in memory, the bytes
/// need not be twice).
fn decode_into(base64: &str, sink: &mut Sink) -> Result<(), String> {
    // A multiple of 4 characters, ASCII: a piece never splits a character.
    const PIECE: usize = CHUNK_BYTES / 3 * 4;
    if !base64.is_ascii() {
        return Err("not standard base64: it holds a character outside ASCII".into());
    }
    let mut rest = base64;
    while !rest.is_empty() {
        let (piece, tail) = rest.split_at(PIECE.min(rest.len()));
        sink.write(&base64_piece(piece, tail.is_empty())?)?;
        rest = tail;
    }
    Ok(())
}

/// A temporary file taking bytes within the size limit, hashing and counting them.
struct Sink {
    path: PathBuf,
    out: Option<std::io::BufWriter<File>>,
    hash: Sha256,
    size: u64,
    limit: u64,
}

impl Sink {
    fn new(limit: u64) -> std::io::Result<Self> {
        let path =
            std::env::temp_dir().join(format!("normreg-import-text-{}", uuid::Uuid::new_v4()));
        let out = std::io::BufWriter::with_capacity(CHUNK_BYTES, File::create(&path)?);
        Ok(Self { path, out: Some(out), hash: Sha256::new(), size: 0, limit })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.size += bytes.len() as u64;
        if self.size > self.limit {
            return Err(format!(
                "the file is larger than {} bytes (NORMREG_MAX_UPLOAD_BYTES)",
                self.limit
            ));
        }
        self.hash.update(bytes);
        let out = self.out.as_mut().ok_or("the staged file is closed")?;
        out.write_all(bytes).map_err(|e| format!("staging the file: {e}"))
    }

    /// The staged file; the sink no longer removes it (the `StagedText` will).
    fn finish(mut self, declared_name: String) -> Result<Staged, String> {
        let out = self.out.take().ok_or("the staged file is closed")?;
        out.into_inner().map_err(|e| format!("staging the file: {e}"))?;
        if self.size == 0 {
            return Err("the file is empty".into());
        }
        let sha256 =
            std::mem::take(&mut self.hash).finalize().iter().map(|b| format!("{b:02x}")).collect();
        let path = std::mem::take(&mut self.path);
        Ok(Staged { path, size: self.size, sha256, declared_name })
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        // Empty once `finish` handed the file on.
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
