//! Legacy import: documents issued before the service, one JSON object per line, checked
//! line by line into documents the registry can hold. Nothing here touches storage; the
//! caller imports the whole file or nothing once every line has passed.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde::Deserialize;

use super::dates::{self, DateRange};
use super::numbering::{IssuanceNumber, RegistrationNumber};
use super::text;
use super::validity::{self, is_provisional_title, ValidityPolicy};

mod official_text;

use official_text::official_text;
pub use official_text::{base64_piece, relative_path, OfficialTextSource};

/// The longest title and text accepted, as for drafts.
pub const MAX_TITLE: usize = 300;
pub const MAX_BODY: usize = 200_000;

/// One import line (README, "Importing documents"); missing dates follow the policy defaults.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportLine {
    /// Code of the issuing agency, which must already exist.
    pub agency_code: String,
    pub title: String,
    pub body: String,
    /// 文号 in any usual spelling; stored in the canonical form.
    pub issuance_number: String,
    /// 统一登记号, when the document had one.
    pub registration_number: Option<String>,
    #[serde(deserialize_with = "dates::iso")]
    pub published_on: NaiveDate,
    #[serde(default, deserialize_with = "dates::iso_opt")]
    pub effective_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "dates::iso_opt")]
    pub valid_until: Option<NaiveDate>,
    pub provisional: Option<bool>,
    /// `normreg import` only: the official text (正式文本) as issued, a file given by its path
    /// relative to the folder of the JSON Lines file (no absolute path, no `..`).
    pub official_text_file: Option<String>,
    /// `POST /api/v1/imports` only: the official text's bytes in standard base64 (with
    /// padding), within the body limit of the endpoint; large files go through the command
    /// line or a later upload.
    pub official_text_base64: Option<String>,
    /// The file name of `official_text_base64` (cleaned as an upload's).
    pub official_text_name: Option<String>,
}

/// A line that passed every check, with canonical numbers and settled dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedDocument {
    /// 1-based line number in the file (or position in the API's array).
    pub line: usize,
    pub agency_code: String,
    pub title: String,
    pub body: String,
    pub issuance: IssuanceNumber,
    pub registration: Option<RegistrationNumber>,
    pub published_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub provisional: bool,
    /// The official text to store as version 1 of its kind, when the line gave one.
    pub official_text: Option<OfficialTextSource>,
}

/// Why a line was refused; `field` is the key of the line at fault, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub field: Option<String>,
    pub message: String,
}

impl LineError {
    pub fn new(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { line, field: Some(field.into()), message: message.into() }
    }

    fn whole(line: usize, message: impl Into<String>) -> Self {
        Self { line, field: None, message: message.into() }
    }
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}: {}: {}", self.line, field, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Parses one JSON object; a syntax or type error names the field where serde found it.
pub fn parse_line(line: usize, raw: &str) -> Result<ImportLine, LineError> {
    decode(line, &mut serde_json::Deserializer::from_str(raw))
}

/// Parses one element of the API's JSON array, naming the field at fault as [`parse_line`] does.
pub fn parse_value(line: usize, value: serde_json::Value) -> Result<ImportLine, LineError> {
    decode(line, value)
}

/// Deserialises a line from text or from a parsed value; a type error names its field path,
/// a syntax error the whole line.
fn decode<'de, D>(line: usize, de: D) -> Result<ImportLine, LineError>
where
    D: serde::Deserializer<'de, Error = serde_json::Error>,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data if path != "." => {
                LineError::new(line, path, strip_position(&inner.to_string()))
            }
            serde_json::error::Category::Data => {
                LineError::whole(line, strip_position(&inner.to_string()))
            }
            _ => LineError::whole(line, format!("not a valid JSON object: {inner}")),
        }
    })
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Splits a JSON Lines text into numbered lines, skipping blank ones (and a byte-order mark)
/// so that line numbers still match what an editor shows.
pub fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// Checks one parsed line against the rules a registered document obeys.
///
/// Historical dates are facts, so an effective date earlier than the standard delay needs no
/// reason here (the rule asking for one binds new documents); but validity never passes the
/// policy maximum, nothing can be published after `today`, and every date, given or settled
/// by default, lies within the policy's `range`.
pub fn check_line(
    line: usize,
    raw: ImportLine,
    today: NaiveDate,
    policy: &ValidityPolicy,
    range: &DateRange,
) -> Result<ImportedDocument, Vec<LineError>> {
    let mut errors = Vec::new();
    let agency_code = text::line(&raw.agency_code, 64)
        .map_err(|e| errors.push(LineError::new(line, "agency_code", e.to_string())))
        .unwrap_or_default();
    let title = text::line(&raw.title, MAX_TITLE)
        .map_err(|e| errors.push(LineError::new(line, "title", e.to_string())))
        .unwrap_or_default();
    let body = text::paragraph(&raw.body, MAX_BODY)
        .map_err(|e| errors.push(LineError::new(line, "body", e.to_string())))
        .unwrap_or_default();
    let issuance = IssuanceNumber::parse(&raw.issuance_number)
        .map_err(|e| errors.push(LineError::new(line, "issuance_number", e.to_string())))
        .ok();
    let registration = match raw.registration_number.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => RegistrationNumber::parse(r)
            .map_err(|e| errors.push(LineError::new(line, "registration_number", e.to_string())))
            .ok(),
    };
    let given = [
        ("published_on", Some(raw.published_on)),
        ("effective_on", raw.effective_on),
        ("valid_until", raw.valid_until),
    ];
    let outside = range.outside(&given);
    for (field, e) in &outside {
        errors.push(LineError::new(line, *field, e.to_string()));
    }
    if outside.is_empty() && raw.published_on > today {
        errors.push(LineError::new(
            line,
            "published_on",
            format!(
                "{} is in the future; only documents already published can be imported",
                raw.published_on
            ),
        ));
    }
    let official_text = official_text(
        line,
        raw.official_text_file,
        raw.official_text_base64,
        raw.official_text_name,
    )
    .map_err(|e| errors.push(e))
    .ok()
    .flatten();
    let provisional = raw.provisional.unwrap_or(false) || is_provisional_title(&title);
    let dates = if outside.is_empty() {
        settle_dates(raw.published_on, raw.effective_on, raw.valid_until, provisional, policy)
            .and_then(|settled| settled_in_range(settled, range))
            .map_err(|(field, message)| errors.push(LineError::new(line, field, message)))
    } else {
        Err(())
    };
    match (errors.is_empty(), issuance, dates) {
        (true, Some(issuance), Ok((effective_on, valid_until))) => Ok(ImportedDocument {
            line,
            agency_code,
            title,
            body,
            issuance,
            registration,
            published_on: raw.published_on,
            effective_on,
            valid_until,
            provisional,
            official_text,
        }),
        _ => Err(errors),
    }
}

fn settle_dates(
    published_on: NaiveDate,
    effective_on: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    provisional: bool,
    policy: &ValidityPolicy,
) -> Result<(NaiveDate, NaiveDate), (&'static str, String)> {
    let effective = match effective_on {
        Some(d) if d < published_on => {
            return Err((
                "effective_on",
                format!("{d} is before the publication date {published_on}"),
            ))
        }
        Some(d) => d,
        None => published_on
            .checked_add_days(Days::new(u64::from(policy.effect_delay_days)))
            .ok_or(("effective_on", "beyond the supported calendar range".to_string()))?,
    };
    let until = validity::valid_until(effective, valid_until, None, provisional, policy)
        .map_err(|e| (e.field(), e.to_string()))?;
    Ok((effective, until))
}

/// The dates the policy settled (effect after the standard delay, the default validity) must
/// lie within the range as much as the dates given.
fn settled_in_range(
    (effective, until): (NaiveDate, NaiveDate),
    range: &DateRange,
) -> Result<(NaiveDate, NaiveDate), (&'static str, String)> {
    for (field, date) in [("effective_on", effective), ("valid_until", until)] {
        range.check(date).map_err(|e| (field, e.settled(field)))?;
    }
    Ok((effective, until))
}

/// Finds numbers used twice within one file; each repeat is an error naming the first line.
pub fn duplicates(docs: &[ImportedDocument]) -> Vec<LineError> {
    let mut errors = Vec::new();
    let mut issuance: HashMap<String, usize> = HashMap::new();
    let mut registration: HashMap<String, usize> = HashMap::new();
    for d in docs {
        if let Some(first) = issuance.insert(d.issuance.to_string(), d.line) {
            errors.push(LineError::new(
                d.line,
                "issuance_number",
                format!("{} is also the 文号 on line {first}", d.issuance),
            ));
            issuance.insert(d.issuance.to_string(), first);
        }
        if let Some(r) = &d.registration {
            if let Some(first) = registration.insert(r.to_string(), d.line) {
                errors.push(LineError::new(
                    d.line,
                    "registration_number",
                    format!("{r} is also the 登记号 on line {first}"),
                ));
                registration.insert(r.to_string(), first);
            }
        }
    }
    errors
}

/// The highest serial imported per series (prefix, year), so that numbering continues after it.
pub fn highest_serials<'a, I>(numbers: I) -> Vec<(String, i32, u32)>
where
    I: IntoIterator<Item = (&'a str, i32, u32)>,
{
    let mut top: HashMap<(String, i32), u32> = HashMap::new();
    for (prefix, year, serial) in numbers {
        let e = top.entry((prefix.to_string(), year)).or_insert(0);
        *e = (*e).max(serial);
    }
    let mut out: Vec<_> = top.into_iter().map(|((p, y), s)| (p, y, s)).collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    const TODAY: (i32, u32, u32) = (2026, 3, 2);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    fn line(json: &str) -> Result<ImportedDocument, Vec<LineError>> {
        let raw = parse_line(7, json).map_err(|e| vec![e])?;
        check_line(7, raw, today(), &ValidityPolicy::default(), &DateRange::default())
    }

    #[test]
    fn a_line_in_an_odd_spelling_gets_canonical_numbers_and_default_dates() {
        let doc = line(r#"{"agency_code":"SY","title":"沈阳市物业管理办法","body":"第一条 为了规范。","issuance_number":"沈政规 [2019] 第05號","registration_number":"syfs-2019-5","published_on":"2019-04-01"}"#).unwrap();
        assert_eq!(doc.issuance.to_string(), "沈政规〔2019〕5号");
        assert_eq!(doc.registration.unwrap().to_string(), "SYFS—2019—5");
        assert_eq!(doc.effective_on, d(2019, 5, 1));
        assert_eq!(doc.valid_until, d(2024, 4, 30));
        assert!(!doc.provisional);
    }

    #[test]
    fn a_provisional_title_gets_the_shorter_validity() {
        let doc = line(r#"{"agency_code":"SY","title":"沈阳市停车管理暂行办法","body":"正文","issuance_number":"沈政规〔2020〕1号","published_on":"2020-01-10","effective_on":"2020-01-10"}"#).unwrap();
        assert!(doc.provisional);
        assert_eq!(doc.valid_until, d(2022, 1, 9));
    }

    #[test]
    fn a_historical_early_effective_date_needs_no_reason_but_never_precedes_publication() {
        let ok = line(
            r#"{"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规〔2020〕1号","published_on":"2020-01-10","effective_on":"2020-01-10"}"#,
        );
        assert!(ok.is_ok());
        let errs = line(r#"{"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规〔2020〕1号","published_on":"2020-01-10","effective_on":"2020-01-09"}"#).unwrap_err();
        assert_eq!(errs[0].field.as_deref(), Some("effective_on"));
        assert_eq!(errs[0].line, 7);
    }

    #[test]
    fn validity_beyond_the_maximum_and_future_publication_are_refused_together() {
        let errs = line(r#"{"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规〔2026〕1号","published_on":"2026-05-01","valid_until":"2040-01-01"}"#).unwrap_err();
        let fields: Vec<_> = errs.iter().filter_map(|e| e.field.as_deref()).collect();
        assert_eq!(fields, ["published_on", "valid_until"]);
    }

    #[test]
    fn a_bad_number_a_missing_field_and_bad_json_name_their_fault() {
        let errs = line(r#"{"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规2020年1号","published_on":"2020-01-10"}"#).unwrap_err();
        assert_eq!(errs[0].field.as_deref(), Some("issuance_number"));
        let errs =
            line(r#"{"agency_code":"SY","title":"t","body":"b","published_on":"2020-01-10"}"#)
                .unwrap_err();
        assert!(errs[0].message.contains("issuance_number"), "{errs:?}");
        let errs = line(r#"{"agency_code":"SY","title":"t","#).unwrap_err();
        assert_eq!(errs[0].field, None);
        assert!(errs[0].to_string().starts_with("line 7: "));
        let errs = line(r#"{"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规〔2020〕1号","published_on":"2020-02-30"}"#).unwrap_err();
        assert_eq!(errs[0].field.as_deref(), Some("published_on"));
        let errs = line(r#"{"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规〔2020〕1号","published_on":"2020-01-10","colour":"red"}"#).unwrap_err();
        assert!(errs[0].message.contains("colour"));
    }

    #[test]
    fn every_date_out_of_shape_or_range_is_refused_naming_its_field() {
        let with = |field: &str, value: &str| {
            let mut json = serde_json::json!({"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规〔2020〕1号","published_on":"2020-01-10"});
            json[field] = value.into();
            line(&json.to_string()).unwrap_err()
        };
        for field in ["published_on", "effective_on", "valid_until"] {
            for bad in ["0000-01-01", "1899-12-31", "9999-12-31", "+10000-01-01", "2026-1-1"] {
                let errs = with(field, bad);
                assert_eq!(errs.len(), 1, "{field} {bad}: {errs:?}");
                assert_eq!(errs[0].field.as_deref(), Some(field), "{field} {bad}: {errs:?}");
            }
        }
    }

    #[test]
    fn dates_the_policy_settles_must_lie_in_the_range_too() {
        let range = DateRange::new(d(1949, 10, 1), d(2020, 12, 31)).unwrap();
        let raw = parse_line(3, r#"{"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规〔2020〕1号","published_on":"2020-01-10"}"#).unwrap();
        let errs = check_line(3, raw, today(), &ValidityPolicy::default(), &range).unwrap_err();
        assert_eq!(errs[0].field.as_deref(), Some("valid_until"), "{errs:?}");
        assert!(errs[0].message.contains("2020-12-31"), "{errs:?}");
    }

    #[test]
    fn numbered_lines_skip_blanks_and_keep_editor_line_numbers() {
        let text = "\u{feff}{\"a\":1}\n\n  \n{\"b\":2}\r\n";
        let lines: Vec<_> = numbered_lines(text).map(|(n, _)| n).collect();
        assert_eq!(lines, [1, 4]);
    }

    #[test]
    fn a_number_used_twice_in_any_spelling_is_refused_on_its_second_line() {
        let a = line(r#"{"agency_code":"SY","title":"t","body":"b","issuance_number":"沈政规〔2020〕1号","registration_number":"SYFS—2020—1","published_on":"2020-01-10"}"#).unwrap();
        let mut b = line(r#"{"agency_code":"SY","title":"t2","body":"b","issuance_number":"沈政规[2020]01号","registration_number":"SYFS-2020-2","published_on":"2020-01-10"}"#).unwrap();
        b.line = 9;
        let mut c = line(r#"{"agency_code":"SY","title":"t3","body":"b","issuance_number":"沈政规〔2020〕3号","registration_number":"syfs—2020—1","published_on":"2020-01-10"}"#).unwrap();
        c.line = 12;
        let errs = duplicates(&[a, b, c]);
        assert_eq!(errs.len(), 2);
        assert_eq!((errs[0].line, errs[0].field.as_deref()), (9, Some("issuance_number")));
        assert!(errs[0].message.contains("line 7"));
        assert_eq!((errs[1].line, errs[1].field.as_deref()), (12, Some("registration_number")));
    }

    #[test]
    fn the_highest_serial_is_kept_per_prefix_and_year() {
        let top = highest_serials([("A", 2020, 3), ("A", 2020, 9), ("A", 2021, 1), ("B", 2020, 2)]);
        assert_eq!(
            top,
            [("A".to_string(), 2020, 9), ("A".to_string(), 2021, 1), ("B".to_string(), 2020, 2)]
        );
    }
}
