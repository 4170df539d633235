//! The ZIP archives the service hands out (a filing's package, a catalogue's Akoma Ntoso):
//! written to a file that is then streamed, so memory stays flat whatever the archive's size,
//! with stored entries, since PDFs, OFDs and short XML files gain little from deflating.

use std::fs::File;
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::ZipWriter;

use crate::error::AppError;

/// A new archive at `out` and the options of its entries (stored; ZIP64 where needed). `what`
/// names the archive in an error.
pub fn create(out: &Path, what: &str) -> Result<(ZipWriter<File>, SimpleFileOptions), AppError> {
    let file = File::create(out).map_err(|e| AppError::internal(format!("writing {what}: {e}")))?;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    Ok((ZipWriter::new(file), options))
}
