//! Citizens' review suggestions (审查建议, domain.md §3): where one stands, and one as kept.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use super::ids::{AgencyId, DocumentId, SuggestionId, UserId};

/// Status of a suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionStatus {
    Received,
    Replied,
}

impl SuggestionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Replied => "replied",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::Received => "已受理，办理中",
            Self::Replied => "已答复",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Received, Self::Replied].into_iter().find(|v| v.as_str() == s)
    }
}

/// One suggestion with its reply, as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub id: SuggestionId,
    pub tracking_code: String,
    pub document_id: DocumentId,
    /// The filing authority that must answer it.
    pub authority_id: AgencyId,
    pub content: String,
    /// For the authority only; never on a public path.
    pub contact: Option<String>,
    /// SHA-256 of the client address, for rate limiting.
    pub client_key: String,
    pub status: SuggestionStatus,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    pub reply: Option<String>,
    pub outcome: Option<String>,
    pub replied_on: Option<NaiveDate>,
    pub replied_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}
