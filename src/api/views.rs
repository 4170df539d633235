//! Response types shared by several handler modules: a document as its agency sees it, and an
//! agency as the public sees it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::Status;
use crate::domain::validity::Validity;

/// A document as its agency and reviewers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    #[schema(value_type = String)]
    pub id: DocumentId,
    /// Shared by every version of the same document.
    #[schema(value_type = String)]
    pub lineage_id: DocumentId,
    pub version: i32,
    #[schema(value_type = String)]
    pub agency_id: AgencyId,
    pub status: Status,
    /// The status in Chinese.
    pub status_label: String,
    pub title: String,
    pub body: String,
    /// Number of the current text revision.
    pub revision: i32,
    pub provisional: bool,
    pub validity_years: Option<i32>,
    pub legal_basis: Option<String>,
    pub drafting_notes: Option<String>,
    pub affects_rights: bool,
    pub review_due_on: Option<NaiveDate>,
    /// Under review past its due date.
    pub review_overdue: bool,
    pub meeting: Option<String>,
    pub decided_on: Option<NaiveDate>,
    /// 文号
    pub issuance_number: Option<String>,
    /// 统一登记号
    pub registration_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub channel: Option<String>,
    pub early_effect_reason: Option<String>,
    /// For published documents: `not_yet_effective`, `in_force`, `amended`, `expired`,
    /// `declared_invalid`, `repealed` or `revoked`, as of today.
    pub validity: Option<Validity>,
    pub validity_label: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub ended_reason: Option<String>,
    #[schema(value_type = Option<String>)]
    pub ended_by_document_id: Option<DocumentId>,
    #[schema(value_type = Option<String>)]
    pub supersedes_id: Option<DocumentId>,
    #[schema(value_type = Option<String>)]
    pub superseded_by_id: Option<DocumentId>,
    pub imported: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// On `GET /documents/{id}`: the 《titles》 and 文号 its body and legal basis cite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cites: Option<Vec<crate::service::citations::CiteView>>,
    /// On `GET /documents/{id}`: the documents citing it (published ones, and unpublished ones
    /// of the caller's scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cited_by: Option<Vec<crate::service::citations::CitingDocument>>,
    /// On `GET /documents/{id}`: the text's units (编/章/节/条/款/项/目), each with its
    /// anchor. Lists and the answers of workflow steps leave it out, as they do `cites`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structure: Option<Vec<crate::domain::structure::Unit>>,
}

impl DocumentView {
    pub fn new(row: Document, today: NaiveDate) -> Self {
        let status = row.status;
        let validity = row.validity_on(today);
        let ended_on = row.ended_on(validity);
        let (ended_reason, ended_by_document_id) = match row.ended {
            Some(e) => (e.reason, e.by),
            None => (None, None),
        };
        Self {
            structure: None,
            review_overdue: status == Status::UnderReview
                && row.review_due_on.is_some_and(|d| today > d),
            status_label: status.chinese().to_string(),
            status,
            validity_label: validity.map(|v| v.chinese().to_string()),
            validity,
            id: row.id,
            lineage_id: row.lineage_id,
            version: row.version,
            agency_id: row.agency_id,
            title: row.title,
            body: row.body,
            revision: row.revision,
            provisional: row.provisional,
            validity_years: row.validity_years,
            legal_basis: row.legal_basis,
            drafting_notes: row.drafting_notes,
            affects_rights: row.affects_rights,
            review_due_on: row.review_due_on,
            meeting: row.meeting,
            decided_on: row.decided_on,
            issuance_number: row.issuance_number,
            registration_number: row.registration_number,
            published_on: row.published_on,
            effective_on: row.effective_on,
            valid_until: row.valid_until,
            channel: row.channel,
            early_effect_reason: row.early_effect_reason,
            ended_on,
            ended_reason,
            ended_by_document_id,
            supersedes_id: row.supersedes_id,
            superseded_by_id: row.superseded_by_id,
            imported: row.imported,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            cites: None,
            cited_by: None,
        }
    }
}

/// The issuing agency as the public sees it; defined with the public reads, whose answers
/// carry it.
pub use crate::service::public_reading::PublicAgency;
