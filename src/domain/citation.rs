//! Citations in a document's text (issue 15 part 3): the 《titles》 and 文号 a body or a legal
//! basis names, where they stand, and the keys they are resolved by; what a citation of a
//! document that no longer stands means for the documents resting on it (part 4).
//!
//! Spans are counted in **characters** (Unicode scalar values), end exclusive, as the
//! screening's findings are: a JavaScript client must still convert UTF-16 for characters
//! outside the BMP, but never has to decode UTF-8 to place a span.
//!
//! A title is what stands between the outermost 《 and its 》 (nested 〈〉 or 《》 stay part of
//! it). A 文号 is an agency code of Chinese characters, a four-digit year in any of the bracket
//! pairs `numbering` accepts (〔〕 [] 【】 （） () …), an optional 第, a serial and an optional
//! 号; the words that lead into it in running text (根据, 按照, 印发 …) are not part of it.

mod laws;

use chrono::NaiveDate;

pub use laws::{national_laws, Law, Laws};

use super::document::Document;
use super::ids::DocumentId;
use super::numbering::{is_cjk, normalise_spelling, IssuanceNumber, CLOSING, OPENING};
use super::validity::Validity;

/// The prefix national laws carry in texts and not in the shipped list.
pub const PRC_PREFIX: &str = "中华人民共和国";
/// A 《…》 longer than this is a stray mark, not a title.
const MAX_TITLE_CHARS: usize = 200;
/// The longest agency code (机关代字) looked for before a year in brackets.
const MAX_CODE_CHARS: usize = 10;
/// Characters of a date, which end a backward walk for an agency code (1985年11月30日京政发…).
const DATE_WORDS: &[char] = &['年', '月', '日'];
/// How an agency's full name ends; an agency code never contains these.
const NAME_ENDS: &[&str] = &["人民政府", "办公厅", "办公室", "委员会"];
/// Words that lead into a 文号 in running text and are not part of the agency code.
const LEAD_INS: &[&str] = &[
    "根据", "依据", "依照", "按照", "参照", "遵照", "贯彻", "落实", "执行", "印发", "转发", "关于",
    "详见", "见", "和", "及", "与", "或", "以", "据", "的",
];

/// What a citation names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CiteKind {
    /// 《title》
    Title,
    /// 文号
    Number,
}

impl CiteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Number => "number",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Title, Self::Number].into_iter().find(|k| k.as_str() == s)
    }
}

/// The text a citation was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CiteField {
    Body,
    LegalBasis,
}

impl CiteField {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Body => "body",
            Self::LegalBasis => "legal_basis",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Body, Self::LegalBasis].into_iter().find(|k| k.as_str() == s)
    }
}

/// One citation found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub kind: CiteKind,
    pub field: CiteField,
    /// Exactly the characters `start..end` of the field, brackets included.
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// What it is resolved by: [`title_key`] of the title, or the canonical 文号.
    pub key: String,
}

/// A citation as stored with its document: what was found and what it resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    pub found: Found,
    /// The published registry document it names.
    pub document: Option<DocumentId>,
    /// The title of the national law it names, as the shipped list writes it.
    pub law_title: Option<String>,
}

/// Every citation of the body, then of the legal basis, each in text order.
pub fn find_in_document(body: &str, legal_basis: Option<&str>) -> Vec<Found> {
    let mut out = find(body, CiteField::Body);
    if let Some(basis) = legal_basis {
        out.extend(find(basis, CiteField::LegalBasis));
    }
    out
}

/// Every 《title》 and 文号 of `text`, in text order.
pub fn find(text: &str, field: CiteField) -> Vec<Found> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = titles(&chars, field);
    out.extend(numbers(&chars, field));
    out.sort_by_key(|f| (f.start, f.end));
    out
}

fn found(
    chars: &[char],
    kind: CiteKind,
    field: CiteField,
    start: usize,
    end: usize,
    key: String,
) -> Found {
    Found { kind, field, text: chars[start..end].iter().collect(), start, end, key }
}

fn titles(chars: &[char], field: CiteField) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '《' {
            i += 1;
            continue;
        }
        // The matching 》 of the outermost 《, counting nested 《》 (sloppy texts use them where
        // 〈〉 belong); a line break or an overlong run means a stray mark.
        let mut depth = 0usize;
        let mut close = None;
        for (j, &c) in chars.iter().enumerate().skip(i) {
            if c == '\n' || j - i > MAX_TITLE_CHARS {
                break;
            }
            match c {
                '《' => depth += 1,
                '》' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        match close {
            Some(j) => {
                let inner: String = chars[i + 1..j].iter().collect();
                let key = title_key(&inner);
                if !key.is_empty() {
                    out.push(found(chars, CiteKind::Title, field, i, j + 1, key));
                }
                i = j + 1;
            }
            None => i += 1,
        }
    }
    out
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn numbers(chars: &[char], field: CiteField) -> Vec<Found> {
    let mut out = Vec::new();
    for open in 0..chars.len() {
        if !OPENING.contains(&chars[open]) {
            continue;
        }
        let year_end = open + 5;
        if year_end >= chars.len()
            || !chars[open + 1..year_end].iter().all(|c| is_digit(*c))
            || !CLOSING.contains(&chars[year_end])
        {
            continue;
        }
        let mut end = year_end + 1;
        if chars.get(end) == Some(&'第') {
            end += 1;
        }
        let digits = end;
        while end < chars.len() && is_digit(chars[end]) {
            end += 1;
        }
        if end == digits {
            continue;
        }
        if matches!(chars.get(end), Some('号' | '號')) {
            end += 1;
        }
        let Some(start) = code_start(chars, open) else { continue };
        let text: String = chars[start..end].iter().collect();
        if let Ok(n) = IssuanceNumber::parse(&text) {
            out.push(found(chars, CiteKind::Number, field, start, end, n.to_string()));
        }
    }
    out
}

/// Where the agency code before the bracket at `open` starts: the Chinese characters before
/// it, without the words that lead into a number; `None` when there is no code.
fn code_start(chars: &[char], open: usize) -> Option<usize> {
    let mut start = open;
    while start > 0
        && open - start < MAX_CODE_CHARS
        && is_cjk(chars[start - 1])
        && !DATE_WORDS.contains(&chars[start - 1])
    {
        start -= 1;
    }
    // An agency's full name before its code (市人民政府京政发): the code follows the name.
    let before: String = chars[start..open].iter().collect();
    if let Some((at, name)) =
        NAME_ENDS.iter().filter_map(|n| before.rfind(n).map(|at| (at, n))).max()
    {
        start += before[..at].chars().count() + name.chars().count();
    }
    loop {
        let rest: String = chars[start..open].iter().collect();
        let lead = LEAD_INS
            .iter()
            .find(|w| rest.starts_with(*w) && rest.chars().count() > w.chars().count() + 1);
        match lead {
            Some(w) => start += w.chars().count(),
            None => break,
        }
    }
    (start < open).then_some(start)
}

/// The form a title is compared in: whitespace dropped, full-width ASCII folded, every angle
/// bracket written 〈〉, and without the 中华人民共和国 prefix.
pub fn title_key(title: &str) -> String {
    let s: String = normalise_spelling(title)
        .chars()
        .map(|c| match c {
            '《' | '<' | '＜' | '〈' => '〈',
            '》' | '>' | '＞' | '〉' => '〉',
            other => other,
        })
        .collect();
    match s.strip_prefix(PRC_PREFIX) {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s,
    }
}

/// The titles a registry document may be stored under for a title cited as `key`: the key
/// itself and with the 中华人民共和国 prefix.
pub fn stored_titles(key: &str) -> Vec<String> {
    vec![key.to_string(), format!("{PRC_PREFIX}{key}")]
}

/// What a citation was resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution<'a, D> {
    /// A published document of the registry.
    Document(D),
    /// A national law, administrative regulation or rule of the shipped list.
    Law(&'a Law),
    Unresolved,
}

/// Resolves `found`: a 文号 only within the registry, a title first in the registry (as its
/// documents are titled) and then in the list of national laws.
pub fn resolve<'a, D>(
    found: &Found,
    in_registry: impl FnOnce(&Found) -> Option<D>,
    laws: &'a Laws,
) -> Resolution<'a, D> {
    if let Some(d) = in_registry(found) {
        return Resolution::Document(d);
    }
    match found.kind {
        CiteKind::Title => laws.find(&found.key).map_or(Resolution::Unresolved, Resolution::Law),
        CiteKind::Number => Resolution::Unresolved,
    }
}

/// How a cited registry document no longer stands on `today`: its validity and the first day
/// of it; `None` while it is in force or not yet effective.
pub fn basis_change(cited: &Document, today: NaiveDate) -> Option<(Validity, NaiveDate)> {
    let v = cited.validity_on(today)?;
    match v {
        Validity::InForce | Validity::NotYetEffective => None,
        _ => Some((v, cited.ended_on(Some(v)).unwrap_or(today))),
    }
}

/// The change named for the documents that cite `cited` (依据变化): e.g.
/// 依据《沈阳市甲办法》（沈政规〔2026〕1号）自2026-06-10已废止.
pub fn basis_change_note(cited: &Document, validity: Validity, on: NaiveDate) -> String {
    format!("依据变化：{}自{on}{}", cited.cite(), validity_phrase(validity))
}

fn validity_phrase(v: Validity) -> &'static str {
    match v {
        Validity::Amended => "已修改",
        Validity::Expired => "有效期届满失效",
        Validity::DeclaredInvalid => "宣布失效",
        Validity::Revoked => "被撤销",
        Validity::Repealed => "已废止",
        Validity::InForce | Validity::NotYetEffective => "现行有效",
    }
}

/// Why a citation deserves the reviewer's attention on submission; it never blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concern {
    /// A 《title》 that no registry document and no national law carries.
    UnknownTitle,
    /// A registry document that no longer stands (repealed, amended, expired …).
    NotInForce(Validity),
}

impl Concern {
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownTitle => "citation_unknown",
            Self::NotInForce(_) => "citation_not_in_force",
        }
    }

    pub fn explanation(self) -> String {
        match self {
            Self::UnknownTitle => {
                "引用的文件名称未能对应到本库文件或国家法律、行政法规，请核对名称是否准确、是否已废止。"
                    .to_string()
            }
            Self::NotInForce(v) => format!("引用的文件{}，请核对依据是否仍然有效。", v.chinese()),
        }
    }
}

/// The concern a citation raises, given what it resolved to and, for a registry document,
/// its validity today.
pub fn concern(
    kind: CiteKind,
    resolved_any: bool,
    cited_validity: Option<Validity>,
) -> Option<Concern> {
    match cited_validity {
        Some(Validity::InForce | Validity::NotYetEffective) => None,
        Some(v) => Some(Concern::NotInForce(v)),
        None if !resolved_any && kind == CiteKind::Title => Some(Concern::UnknownTitle),
        None => None,
    }
}

#[cfg(test)]
mod tests;
