//! The annual catalogue (年度规范性文件目录): which documents it holds, what changed since the
//! previous year and why, its content hash and its CSV form. A catalogue is frozen once made.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::validity::{validity_on, Validity};

/// The earliest year a catalogue can be made for (the rules on normative documents are younger).
pub const FIRST_YEAR: i32 = 1980;

/// Why a catalogue cannot be frozen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("year {0} is outside {FIRST_YEAR}–9998")]
    YearOutOfRange(i32),
    #[error("the year {year} is not over: its catalogue lists what is valid on {year}-12-31 and can be frozen from {next}-01-01")]
    YearNotOver { year: i32, next: i32 },
}

/// 31 December of `year`: the day a catalogue speaks of.
pub fn year_end(year: i32) -> Result<NaiveDate, CatalogueError> {
    if !(FIRST_YEAR..=9998).contains(&year) {
        return Err(CatalogueError::YearOutOfRange(year));
    }
    NaiveDate::from_ymd_opt(year, 12, 31).ok_or(CatalogueError::YearOutOfRange(year))
}

/// The day of the catalogue of `year`, once the year is over: freezing earlier would publish a
/// forecast, not a record.
pub fn freezable(year: i32, today: NaiveDate) -> Result<NaiveDate, CatalogueError> {
    let end = year_end(year)?;
    if today <= end {
        return Err(CatalogueError::YearNotOver { year, next: year + 1 });
    }
    Ok(end)
}

/// How a frozen catalogue is served: JSON (paged), CSV (the whole list, for spreadsheets) or
/// a ZIP of each listed document's Akoma Ntoso.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueFormat {
    Json,
    Csv,
    Akn,
}

/// Which list of a frozen catalogue a CSV holds: its documents, or the changes of its year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueList {
    Entries,
    Changes,
}

impl CatalogueFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Akn => "akn",
        }
    }

    /// Blank is the default, JSON; anything unknown is `None`.
    pub fn parse(raw: Option<&str>) -> Option<Self> {
        match raw.unwrap_or("") {
            "" => Some(Self::Json),
            s => [Self::Json, Self::Csv, Self::Akn].into_iter().find(|f| f.as_str() == s),
        }
    }
}

impl CatalogueList {
    /// Blank is the default, the entries; anything unknown is `None`.
    pub fn parse(raw: Option<&str>) -> Option<Self> {
        match raw.unwrap_or("") {
            "" | "entries" => Some(Self::Entries),
            "changes" => Some(Self::Changes),
            _ => None,
        }
    }
}

/// How a document's place in the catalogue changed since the previous year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// New in the list: published (or imported) since, and not a new version of a listed one.
    Added,
    /// A new version replaced the one listed last year.
    Amended,
    Repealed,
    Expired,
    DeclaredInvalid,
    Revoked,
    /// Left the list for another reason (e.g. not in force on the day for a later start).
    Removed,
}

impl Change {
    pub const ALL: [Change; 7] = [
        Self::Added,
        Self::Amended,
        Self::Repealed,
        Self::Expired,
        Self::DeclaredInvalid,
        Self::Revoked,
        Self::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Amended => "amended",
            Self::Repealed => "repealed",
            Self::Expired => "expired",
            Self::DeclaredInvalid => "declared_invalid",
            Self::Revoked => "revoked",
            Self::Removed => "removed",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::Added => "新增",
            Self::Amended => "修改",
            Self::Repealed => "废止",
            Self::Expired => "失效",
            Self::DeclaredInvalid => "宣布失效",
            Self::Revoked => "撤销",
            Self::Removed => "移出",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a document listed last year is missing on `day`, and since when.
pub fn departure(
    day: NaiveDate,
    effective_on: NaiveDate,
    valid_until: NaiveDate,
    ended: Option<(Validity, NaiveDate)>,
) -> (Change, Option<NaiveDate>) {
    let since = ended.map(|(_, on)| on).filter(|on| *on <= day);
    match validity_on(day, effective_on, valid_until, ended) {
        Validity::Repealed => (Change::Repealed, since),
        Validity::DeclaredInvalid => (Change::DeclaredInvalid, since),
        Validity::Revoked => (Change::Revoked, since),
        Validity::Amended => (Change::Amended, since),
        Validity::Expired => (Change::Expired, since.or_else(|| valid_until.succ_opt())),
        Validity::InForce | Validity::NotYetEffective => (Change::Removed, None),
    }
}

/// One listed document, as it is hashed and printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub position: i32,
    pub document_id: String,
    pub title: String,
    pub issuance_number: Option<String>,
    pub registration_number: Option<String>,
    pub published_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub body: String,
    /// The SHA-256 (lowercase hex) of the document's official text (正式文本) at freeze time,
    /// its newest version then; `None` when it had none, or for catalogues frozen before
    /// catalogues recorded it.
    pub official_text_sha256: Option<String>,
}

/// One change since the previous year, as it is hashed and printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangeEntry {
    pub change: Change,
    pub document_id: String,
    pub title: String,
    pub issuance_number: Option<String>,
    pub registration_number: Option<String>,
    pub on_date: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// SHA-256 over a canonical form: one JSON array per line, header first, entries in order,
/// then changes in order. Anyone holding the published JSON can recompute it. An entry with
/// an official text's SHA-256 carries it as a tenth element; one without has nine, so the
/// hashes of catalogues frozen before the official texts were recorded stay as they were.
pub struct ContentHasher(Sha256);

impl ContentHasher {
    pub fn new(agency_code: &str, year: i32, as_of: NaiveDate) -> Self {
        let mut h = Self(Sha256::new());
        h.line(&serde_json::json!(["catalogue", agency_code, year, as_of]));
        h
    }

    fn line(&mut self, value: &serde_json::Value) {
        self.0.update(value.to_string().as_bytes());
        self.0.update(b"\n");
    }

    pub fn entry(&mut self, e: &Entry) {
        let mut line = serde_json::json!([
            e.position,
            e.document_id,
            e.title,
            e.issuance_number,
            e.registration_number,
            e.published_on,
            e.effective_on,
            e.valid_until,
            e.body
        ]);
        if let (Some(sha), Some(items)) = (&e.official_text_sha256, line.as_array_mut()) {
            items.push(sha.clone().into());
        }
        self.line(&line);
    }

    pub fn change(&mut self, c: &ChangeEntry) {
        self.line(&serde_json::json!([
            c.change,
            c.document_id,
            c.title,
            c.issuance_number,
            c.registration_number,
            c.on_date,
            c.reason
        ]));
    }

    /// `sha256:` and the hex digest.
    pub fn finish(self) -> String {
        let digest = self.0.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}

/// The header row of the CSV form, in Chinese as the published catalogues print it.
/// Columns are only ever added at the end, never renamed or dropped.
pub const CSV_HEADER: [&str; 9] = [
    "序号",
    "文件名称",
    "文号",
    "登记号",
    "公布日期",
    "施行日期",
    "有效期至",
    "较上年变化",
    "正式文本SHA-256",
];

/// One CSV record (RFC 4180), ended by CRLF. A cell that a spreadsheet would run as a formula
/// (starting with = + - @) is prefixed with an apostrophe, as OWASP advises for CSV exports.
pub fn csv_record<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cell = cell.as_ref();
        let guarded;
        let cell = if cell.starts_with(['=', '+', '-', '@']) {
            guarded = format!("'{cell}");
            guarded.as_str()
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn a_year_can_be_frozen_only_once_it_is_over() {
        assert_eq!(freezable(2025, d(2026, 1, 1)), Ok(d(2025, 12, 31)));
        assert_eq!(
            freezable(2025, d(2025, 12, 31)),
            Err(CatalogueError::YearNotOver { year: 2025, next: 2026 })
        );
        assert!(freezable(1900, d(2026, 1, 1)).is_err());
    }

    #[test]
    fn a_departure_is_explained_by_what_ended_the_document() {
        let end = d(2026, 12, 31);
        let (eff, until) = (d(2020, 1, 1), d(2030, 1, 1));
        assert_eq!(
            departure(end, eff, until, Some((Validity::Repealed, d(2026, 5, 1)))),
            (Change::Repealed, Some(d(2026, 5, 1)))
        );
        assert_eq!(
            departure(end, eff, d(2026, 6, 30), None),
            (Change::Expired, Some(d(2026, 7, 1))),
            "expired even when the expiry run has not recorded it yet"
        );
        assert_eq!(
            departure(end, eff, d(2026, 6, 30), Some((Validity::Expired, d(2026, 7, 1)))),
            (Change::Expired, Some(d(2026, 7, 1)))
        );
        assert_eq!(
            departure(end, eff, until, Some((Validity::DeclaredInvalid, d(2026, 2, 1)))).0,
            Change::DeclaredInvalid
        );
        assert_eq!(
            departure(end, eff, until, Some((Validity::Amended, d(2026, 3, 1)))).0,
            Change::Amended
        );
        // Repealed only from next year on: still in force on the day, so it left for
        // another reason (it moved to another agency, say).
        assert_eq!(
            departure(end, eff, until, Some((Validity::Repealed, d(2027, 1, 1)))),
            (Change::Removed, None)
        );
    }

    fn entry(title: &str) -> Entry {
        Entry {
            position: 1,
            document_id: "d1".into(),
            title: title.into(),
            issuance_number: Some("沈政规〔2026〕1号".into()),
            registration_number: None,
            published_on: d(2026, 1, 1),
            effective_on: d(2026, 2, 1),
            valid_until: d(2031, 1, 31),
            body: "正文".into(),
            official_text_sha256: None,
        }
    }

    #[test]
    fn the_hash_changes_with_any_byte_of_the_content_and_nothing_else() {
        let hash = |title: &str, year| {
            let mut h = ContentHasher::new("SY", year, d(year, 12, 31));
            h.entry(&entry(title));
            h.finish()
        };
        assert_eq!(hash("办法", 2026), hash("办法", 2026));
        assert_ne!(hash("办法", 2026), hash("办法。", 2026));
        assert_ne!(hash("办法", 2026), hash("办法", 2025));
        assert!(hash("办法", 2026).starts_with("sha256:"));
        assert_eq!(hash("办法", 2026).len(), 7 + 64);
    }

    #[test]
    fn the_official_texts_hash_counts_only_when_there_is_one() {
        let hash = |e: &Entry| {
            let mut h = ContentHasher::new("SY", 2026, d(2026, 12, 31));
            h.entry(e);
            h.finish()
        };
        let without = entry("办法");
        let mut expected = ContentHasher::new("SY", 2026, d(2026, 12, 31));
        expected.line(&serde_json::json!([
            1,
            "d1",
            "办法",
            "沈政规〔2026〕1号",
            null,
            "2026-01-01",
            "2026-02-01",
            "2031-01-31",
            "正文"
        ]));
        assert_eq!(hash(&without), expected.finish(), "nine elements, as before");
        let with = Entry { official_text_sha256: Some("ab".repeat(32)), ..entry("办法") };
        assert_ne!(hash(&with), hash(&without));
    }

    #[test]
    fn csv_cells_are_quoted_and_guarded() {
        assert_eq!(csv_record(&["a", "b,c", "say \"hi\""]), "a,\"b,c\",\"say \"\"hi\"\"\"\r\n");
        assert_eq!(
            csv_record(&["=SUM(A1)", "沈政规〔2026〕1号"]),
            "'=SUM(A1),沈政规〔2026〕1号\r\n"
        );
        assert_eq!(csv_record(&["line\nbreak"]), "\"line\nbreak\"\r\n");
    }
}
