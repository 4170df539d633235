//! A legality review opinion (合法性审核意见) as it is kept: its conclusion, one finding per
//! checklist point, and the drafter's answers once the draft comes back.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{DocumentId, ReviewId, UserId};
use super::lifecycle::{Conclusion, ReviewPoint};

// One finding of a review opinion, as the reviewer sends it and as it is stored. (No doc
// comment: it would become the schema's description in the OpenAPI document.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewFinding {
    /// A point of the legality checklist (令第338号).
    pub point: ReviewPoint,
    pub note: String,
    /// The article the finding is about, when it is about one: 5 for 第五条 of the reviewed
    /// text (as numbered in the document's `structure`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, example = 5)]
    pub article: Option<u32>,
}

/// A stored review opinion of one text revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    pub id: ReviewId,
    pub document_id: DocumentId,
    /// The text revision that was reviewed.
    pub revision: i32,
    pub reviewer_id: UserId,
    pub conclusion: Conclusion,
    /// The written opinion (审核意见书).
    pub opinion: String,
    pub findings: Vec<ReviewFinding>,
    /// The drafter's answers to the findings, recorded on resubmission.
    pub responses: Option<serde_json::Value>,
    pub due_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}
