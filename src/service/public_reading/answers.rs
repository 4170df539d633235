//! The answers of the public reads, as both the public API and the web pages render them: a
//! document in a list, a whole document with its versions and interpretations, a page of the
//! catalogue. Never an internal note, opinion or actor.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, agencies::AgencyRow};
use crate::domain::cjk_tokens;
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, DocumentId, InterpretationId};
use crate::domain::validity::Validity;

/// Characters of body text shown around the first match in a search result.
pub const SNIPPET_CHARS: usize = 120;

/// The issuing agency as the public sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicAgency {
    #[schema(value_type = String)]
    pub id: AgencyId,
    /// Stable code used in public URLs, e.g. `LN`.
    pub code: String,
    pub name: String,
}

impl From<AgencyRow> for PublicAgency {
    fn from(a: AgencyRow) -> Self {
        Self { id: a.id, code: a.code, name: a.name }
    }
}

/// A published document in a list of the catalogue.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicSummary {
    #[schema(value_type = String)]
    pub id: DocumentId,
    pub title: String,
    pub agency: Option<PublicAgency>,
    /// 文号
    pub issuance_number: Option<String>,
    /// 统一登记号
    pub registration_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Validity today.
    pub validity: Option<Validity>,
    /// Validity today in Chinese (现行有效 …).
    pub validity_label: Option<String>,
    /// With `q`: the title as HTML, escaped, matches in `<mark>`.
    pub title_html: Option<String>,
    /// With `q`: an HTML excerpt of the text around the first match, escaped, matches in
    /// `<mark>`.
    pub snippet: Option<String>,
}

/// One version of a document, in its history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicVersion {
    #[schema(value_type = String)]
    pub id: DocumentId,
    pub version: i32,
    pub title: String,
    pub issuance_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub validity: Option<Validity>,
    pub validity_label: Option<String>,
}

/// An interpretation (解释) published with the document it interprets.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicInterpretation {
    #[schema(value_type = String)]
    pub id: InterpretationId,
    pub title: String,
    pub body: String,
    pub issued_on: NaiveDate,
    /// 文号
    pub issuance_number: Option<String>,
}

impl From<db::interpretations::InterpretationRow> for PublicInterpretation {
    fn from(r: db::interpretations::InterpretationRow) -> Self {
        Self {
            id: r.id,
            title: r.title,
            body: r.body,
            issued_on: r.issued_on,
            issuance_number: r.issuance_number,
        }
    }
}

/// A published document with its text; never an internal note, opinion or actor.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicDocument {
    #[schema(value_type = String)]
    pub id: DocumentId,
    /// Shared by every version of the same document.
    #[schema(value_type = String)]
    pub lineage_id: DocumentId,
    pub version: i32,
    pub title: String,
    pub body: String,
    pub agency: Option<PublicAgency>,
    /// 文号
    pub issuance_number: Option<String>,
    /// 统一登记号
    pub registration_number: Option<String>,
    pub provisional: bool,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Where it was published, e.g. 辽宁省人民政府公报.
    pub channel: Option<String>,
    /// Validity today.
    pub validity: Option<Validity>,
    pub validity_label: Option<String>,
    /// When an amendment, repeal or revocation took effect.
    pub ended_on: Option<NaiveDate>,
    /// Why it ended (published with a repeal).
    pub ended_reason: Option<String>,
    #[schema(value_type = Option<String>)]
    pub ended_by_document_id: Option<DocumentId>,
    /// Every published version, oldest first, this one included.
    pub versions: Vec<PublicVersion>,
    /// Interpretations of this version, in the order they were issued.
    pub interpretations: Vec<PublicInterpretation>,
    /// The public consultations held on its draft, each with its feedback at
    /// `/public/consultations/{id}`.
    pub consultations: Vec<crate::service::consultation_public::PublicConsultationSummary>,
    /// The 《titles》 and 文号 its body and legal basis cite, with spans and what each names.
    pub cites: Vec<crate::service::citations::CiteView>,
    /// The published documents that cite it.
    pub cited_by: Vec<crate::service::citations::CitingDocument>,
    /// The text's units (编/章/节/条/款/项/目), each with its anchor on the document page.
    pub structure: Vec<crate::domain::structure::Unit>,
}

fn validity_pair(row: &Document, today: NaiveDate) -> (Option<Validity>, Option<String>) {
    let v = row.validity_on(today);
    (v, v.map(|v| v.chinese().to_string()))
}

impl PublicSummary {
    pub(super) fn new(
        row: Document,
        agency: Option<PublicAgency>,
        today: NaiveDate,
        terms: &[String],
    ) -> Self {
        let (validity, validity_label) = validity_pair(&row, today);
        let (title_html, snippet) = if terms.is_empty() {
            (None, None)
        } else {
            (
                Some(cjk_tokens::highlight(&row.title, terms, row.title.chars().count())),
                Some(cjk_tokens::highlight(&row.body, terms, SNIPPET_CHARS)),
            )
        };
        Self {
            id: row.id,
            title: row.title,
            agency,
            issuance_number: row.issuance_number,
            registration_number: row.registration_number,
            published_on: row.published_on,
            effective_on: row.effective_on,
            valid_until: row.valid_until,
            validity,
            validity_label,
            title_html,
            snippet,
        }
    }
}

impl PublicVersion {
    fn new(v: &Document, today: NaiveDate) -> Self {
        let (validity, validity_label) = validity_pair(v, today);
        Self {
            id: v.id,
            version: v.version,
            title: v.title.clone(),
            issuance_number: v.issuance_number.clone(),
            published_on: v.published_on,
            effective_on: v.effective_on,
            valid_until: v.valid_until,
            validity,
            validity_label,
        }
    }
}

impl PublicDocument {
    pub(super) fn new(
        row: Document,
        agency: Option<PublicAgency>,
        versions: &[Document],
        interpretations: Vec<PublicInterpretation>,
        today: NaiveDate,
    ) -> Self {
        let (validity, validity_label) = validity_pair(&row, today);
        let ended_on = row.ended_on(validity);
        let (ended_reason, ended_by_document_id) = match row.ended {
            Some(e) => (e.reason, e.by),
            None => (None, None),
        };
        let structure = crate::domain::structure::parse(&row.body).units;
        Self {
            structure,
            id: row.id,
            lineage_id: row.lineage_id,
            version: row.version,
            title: row.title,
            body: row.body,
            agency,
            issuance_number: row.issuance_number,
            registration_number: row.registration_number,
            provisional: row.provisional,
            published_on: row.published_on,
            effective_on: row.effective_on,
            valid_until: row.valid_until,
            channel: row.channel,
            validity,
            validity_label,
            ended_on,
            ended_reason,
            ended_by_document_id,
            versions: versions.iter().map(|v| PublicVersion::new(v, today)).collect(),
            interpretations,
            consultations: Vec::new(),
            cites: Vec::new(),
            cited_by: Vec::new(),
        }
    }
}

/// A page of the public catalogue: `{items, page, per_page, total}` like every list, its
/// order and, for a search, the facets of every match.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CataloguePage {
    pub items: Vec<PublicSummary>,
    pub page: i64,
    pub per_page: i64,
    /// The number of documents the list holds, which paging reaches.
    pub total: i64,
    /// Always false: a search ranks and counts every match (kept for clients that read it).
    pub truncated: bool,
    /// The order of the items.
    pub sort: super::SearchSort,
    /// With `q`: counts of all the matches by agency, year and validity.
    pub facets: Option<super::Facets>,
}
