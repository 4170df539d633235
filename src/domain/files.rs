//! The rules of a document's files (正式文本, 备案报告 and the other materials): their kinds,
//! which contents are accepted (recognised from the bytes, never from the declared type or
//! the name), how an uploaded file name is made safe, and the `Range` a download answers.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::ids::{AgencyId, DocumentId, FileId, UserId};

/// One stored file: one version of one kind of a document's files, never changed once
/// written.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredFile {
    pub id: FileId,
    pub document_id: DocumentId,
    pub agency_id: AgencyId,
    pub kind: FileKind,
    /// 1 for the first file of its kind on the document, then 2, 3 …
    pub version: i32,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// Lowercase hex.
    pub sha256: String,
    /// How many chunks of at most [`CHUNK_BYTES`] hold its bytes.
    pub chunks: i32,
    pub uploaded_by: UserId,
    pub created_at: NaiveDateTime,
}

/// The largest chunk a file's bytes are stored in: large enough that a 50 MB file is 200
/// rows, small enough that a read or write of one holds little memory.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// What a file is to its document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// 正式文本: the signed official text as issued; the one kind that becomes public.
    OfficialText,
    /// 备案报告
    FilingReport,
    /// 起草说明
    DraftingNotes,
    /// 制定依据
    LegalBasis,
    /// 征求意见情况
    ConsultationRecord,
    /// 合法性审核意见 or a filing reviewer's opinion
    ReviewOpinion,
    Other,
}

impl FileKind {
    pub const ALL: [FileKind; 7] = [
        FileKind::OfficialText,
        FileKind::FilingReport,
        FileKind::DraftingNotes,
        FileKind::LegalBasis,
        FileKind::ConsultationRecord,
        FileKind::ReviewOpinion,
        FileKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::OfficialText => "official_text",
            FileKind::FilingReport => "filing_report",
            FileKind::DraftingNotes => "drafting_notes",
            FileKind::LegalBasis => "legal_basis",
            FileKind::ConsultationRecord => "consultation_record",
            FileKind::ReviewOpinion => "review_opinion",
            FileKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Only the official text of a published document is ever shown to the public.
    pub fn may_be_public(self) -> bool {
        self == FileKind::OfficialText
    }
}

/// An accepted content, recognised from the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    /// GB/T 33190: a ZIP holding `OFD.xml`.
    Ofd,
    /// A ZIP holding `word/document.xml`.
    Docx,
    /// The OLE2 compound file of Word 97–2003.
    Doc,
    Png,
    Jpeg,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Ofd => "application/ofd",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Doc => "application/msword",
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
        }
    }

    /// The extension a cleaned name ends with.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Ofd => "ofd",
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Png => "png",
            Format::Jpeg => "jpg",
        }
    }

    fn also_named(self) -> &'static [&'static str] {
        match self {
            Format::Jpeg => &["jpeg"],
            _ => &[],
        }
    }
}

/// What the first bytes of a file say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Known(Format),
    /// A ZIP container: OFD or DOCX by its entries ([`zip_format`]), else refused.
    Zip,
    Unknown,
}

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: usize = 8;

/// The content of a file from its first bytes. HTML, scripts and executables (ELF, PE) match
/// nothing, whatever their name says.
pub fn sniff(head: &[u8]) -> Sniffed {
    const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if head.starts_with(b"%PDF-") {
        Sniffed::Known(Format::Pdf)
    } else if head.starts_with(PNG) {
        Sniffed::Known(Format::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Sniffed::Known(Format::Jpeg)
    } else if head.starts_with(OLE2) {
        Sniffed::Known(Format::Doc)
    } else if head.starts_with(b"PK\x03\x04") {
        Sniffed::Zip
    } else {
        Sniffed::Unknown
    }
}

/// The format of a ZIP container from the names of its entries: OFD (`OFD.xml` at its root)
/// or DOCX (`word/document.xml`); any other ZIP is refused.
pub fn zip_format<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Format> {
    let mut found = None;
    for name in names {
        if name == "OFD.xml" {
            return Some(Format::Ofd);
        }
        if name == "word/document.xml" {
            found = Some(Format::Docx);
        }
    }
    found
}

/// The longest cleaned name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A file name safe to store and to send back in `Content-Disposition`: the last segment of
/// any path (`/` or `\`), without control or bidirectional-override characters, characters
/// Windows forbids, leading dots or trailing dots and spaces; a reserved device name (CON,
/// NUL, COM1 …) gets a `_` in front; the extension is the format's own. Chinese is kept.
pub fn clean_name(raw: &str, format: Format) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'))
        .map(|c| if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') { '_' } else { c })
        .collect();
    let trimmed = kept.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).trim();
    let (stem, ext) = match trimmed.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, Some(e)),
        _ => (trimmed, None),
    };
    let ext_ok = ext.is_some_and(|e| {
        let e = e.to_ascii_lowercase();
        e == format.extension() || format.also_named().contains(&e.as_str())
    });
    let mut stem: String = if ext_ok { stem.to_string() } else { trimmed.to_string() };
    if stem.trim().is_empty() {
        stem = "file".into();
    }
    let device = stem.split('.').next().unwrap_or("").trim().to_ascii_uppercase();
    let reserved = matches!(device.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (device.len() == 4
            && (device.starts_with("COM") || device.starts_with("LPT"))
            && device.as_bytes()[3].is_ascii_digit());
    if reserved {
        stem.insert(0, '_');
    }
    let ext = match ext {
        Some(e) if ext_ok => e.to_string(),
        _ => format.extension().to_string(),
    };
    let room = MAX_NAME_CHARS.saturating_sub(ext.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    format!("{stem}.{ext}")
}

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeAsk {
    /// No range, or one this service ignores (several ranges, another unit, malformed): the
    /// whole file, 200.
    Whole,
    /// Bytes `start..=end`: 206.
    Part { start: u64, end: u64 },
    /// A range that lies beyond the file: 416.
    Unsatisfiable,
}

/// A single `bytes=` range (RFC 9110 §14.1.2): `a-b`, `a-` or the suffix `-n`.
pub fn range(header: Option<&str>, size: u64) -> RangeAsk {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeAsk::Whole;
    };
    if spec.contains(',') {
        return RangeAsk::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeAsk::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let number = |s: &str| s.parse::<u64>().ok().filter(|_| s.bytes().all(|c| c.is_ascii_digit()));
    match (a.is_empty(), b.is_empty()) {
        (true, true) => RangeAsk::Whole,
        (true, false) => match number(b) {
            None => RangeAsk::Whole,
            Some(0) => RangeAsk::Unsatisfiable,
            Some(_) if size == 0 => RangeAsk::Unsatisfiable,
            Some(n) => RangeAsk::Part { start: size.saturating_sub(n), end: size - 1 },
        },
        (false, _) => {
            let Some(start) = number(a) else { return RangeAsk::Whole };
            let end = if b.is_empty() { Some(u64::MAX) } else { number(b) };
            match end {
                None => RangeAsk::Whole,
                Some(end) if end < start => RangeAsk::Whole,
                Some(_) if start >= size => RangeAsk::Unsatisfiable,
                Some(end) => RangeAsk::Part { start, end: end.min(size - 1) },
            }
        }
    }
}

/// `Content-Disposition: attachment` naming `name` (RFC 6266 with RFC 8187's `filename*` for
/// the UTF-8 name, and an ASCII fallback where every other character is `_`).
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_are_known_by_their_bytes_only() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Sniffed::Known(Format::Pdf));
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), Sniffed::Unknown);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\x00"), Sniffed::Unknown);
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00"), Sniffed::Unknown);
        assert_eq!(sniff(b"PK\x03\x04\x14\x00"), Sniffed::Zip);
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            Sniffed::Known(Format::Doc)
        );
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Sniffed::Known(Format::Jpeg));
        assert_eq!(zip_format(["Doc_0/Document.xml", "OFD.xml"]), Some(Format::Ofd));
        assert_eq!(zip_format(["[Content_Types].xml", "word/document.xml"]), Some(Format::Docx));
        assert_eq!(zip_format(["a.txt"]), None);
    }

    #[test]
    fn names_lose_paths_controls_and_reserved_devices_but_keep_chinese() {
        assert_eq!(clean_name("../../etc/passwd.pdf", Format::Pdf), "passwd.pdf");
        assert_eq!(clean_name("C:\\Users\\x\\正式文本.PDF", Format::Pdf), "正式文本.PDF");
        assert_eq!(clean_name("a\u{0}b\r\n\u{202E}fdp.exe", Format::Pdf), "abfdp.exe.pdf");
        assert_eq!(clean_name("CON.pdf", Format::Pdf), "_CON.pdf");
        assert_eq!(clean_name("nul", Format::Png), "_nul.png");
        assert_eq!(clean_name("com1.tar.pdf", Format::Pdf), "_com1.tar.pdf");
        assert_eq!(clean_name("...", Format::Pdf), "file.pdf");
        assert_eq!(clean_name("报告.jpeg", Format::Jpeg), "报告.jpeg");
        assert_eq!(clean_name("a<b>?.ofd", Format::Ofd), "a_b__.ofd");
        assert_eq!(clean_name(&"长".repeat(500), Format::Pdf).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn one_byte_range_is_answered_and_others_are_whole_or_unsatisfiable() {
        assert_eq!(range(Some("bytes=0-9"), 100), RangeAsk::Part { start: 0, end: 9 });
        assert_eq!(range(Some("bytes=90-"), 100), RangeAsk::Part { start: 90, end: 99 });
        assert_eq!(range(Some("bytes=-10"), 100), RangeAsk::Part { start: 90, end: 99 });
        assert_eq!(range(Some("bytes=50-500"), 100), RangeAsk::Part { start: 50, end: 99 });
        assert_eq!(range(Some("bytes=100-"), 100), RangeAsk::Unsatisfiable);
        assert_eq!(range(Some("bytes=0-1,5-6"), 100), RangeAsk::Whole);
        assert_eq!(range(Some("items=0-1"), 100), RangeAsk::Whole);
        assert_eq!(range(Some("bytes=9-1"), 100), RangeAsk::Whole);
        assert_eq!(range(None, 100), RangeAsk::Whole);
    }

    #[test]
    fn disposition_carries_the_utf8_name_and_an_ascii_fallback() {
        assert_eq!(
            content_disposition("正式 文本.pdf"),
            "attachment; filename=\"__ __.pdf\"; filename*=UTF-8''%E6%AD%A3%E5%BC%8F%20%E6%96%87%E6%9C%AC.pdf"
        );
    }
}
