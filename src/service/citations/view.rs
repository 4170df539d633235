//! Citations as document reads answer them (`cites`, `cited_by`), alike on public and internal
//! reads.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::Cite;
use crate::domain::document::Document;
use crate::domain::ids::DocumentId;
use crate::domain::validity::Validity;

/// One 《title》 or 文号 the text cites, where it stands and what it names.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CiteView {
    /// Exactly the cited characters, brackets included.
    pub text: String,
    /// Offset of the first character, counted in characters (Unicode scalar values, not bytes
    /// or UTF-16 units) into `field`.
    pub start: usize,
    /// Offset just past the last character, in characters.
    pub end: usize,
    /// `body` or `legal_basis`: the text the offsets count in.
    pub field: String,
    /// `title` (《…》) or `number` (文号).
    pub kind: String,
    /// The published registry document it names.
    #[schema(value_type = Option<String>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_id: Option<DocumentId>,
    /// The national law or regulation it names, as the shipped list titles it (行政许可法).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub law_title: Option<String>,
    /// The law's level: `constitution`, `law`, `administrative_regulation`,
    /// `departmental_rule`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub law_level: Option<String>,
    /// The cited registry document's validity today (`in_force`, `repealed` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Validity>,
    /// Whether it names a registry document or a law of the list.
    pub resolved: bool,
}

impl From<Cite> for CiteView {
    fn from(c: Cite) -> Self {
        let f = c.cited.found;
        Self {
            resolved: c.cited.document.is_some() || c.cited.law_title.is_some(),
            text: f.text,
            start: f.start,
            end: f.end,
            field: f.field.as_str().to_string(),
            kind: f.kind.as_str().to_string(),
            document_id: c.cited.document,
            law_title: c.cited.law_title,
            law_level: c.law_level,
            status: c.validity,
        }
    }
}

/// A document that cites this one.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CitingDocument {
    #[schema(value_type = String)]
    pub id: DocumentId,
    pub title: String,
    /// 文号
    pub issuance_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    /// Validity today; `null` before publication (internal reads only show unpublished ones).
    pub validity: Option<Validity>,
}

impl CitingDocument {
    pub fn new(d: &Document, today: NaiveDate) -> Self {
        Self {
            id: d.id,
            title: d.title.clone(),
            issuance_number: d.issuance_number.clone(),
            published_on: d.published_on,
            validity: d.validity_on(today),
        }
    }
}

/// `cites` and `cited_by` of one document.
#[derive(Clone, Debug, Default)]
pub struct Citations {
    pub cites: Vec<CiteView>,
    pub cited_by: Vec<CitingDocument>,
}
