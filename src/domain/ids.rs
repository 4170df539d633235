//! Typed identifiers, so an agency id can never be passed where a document id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// An agency (机关) of the tree.
    AgencyId
);
typed_id!(
    /// A user account.
    UserId
);
typed_id!(
    /// One version of a normative document.
    DocumentId
);
typed_id!(
    /// A filing (报送备案) of a published document with its filing authority.
    FilingId
);
typed_id!(
    /// A legality review opinion.
    ReviewId
);
typed_id!(
    /// A frozen annual catalogue.
    CatalogueId
);
typed_id!(
    /// An interpretation (解释) attached to a published document.
    InterpretationId
);
typed_id!(
    /// A periodic cleanup campaign (清理) of one agency's documents.
    CampaignId
);
typed_id!(
    /// A citizens' review suggestion (审查建议).
    SuggestionId
);
typed_id!(
    /// A public consultation (征求意见) on one revision of a draft.
    ConsultationId
);
typed_id!(
    /// One public comment on a consultation.
    CommentId
);
typed_id!(
    /// One uploaded file (one version of one kind of a document's files).
    FileId
);
