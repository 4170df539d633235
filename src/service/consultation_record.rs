//! A document's consultation record (征求意见情况) as the legality review and the filing
//! materials show it: every consultation held on its drafts with the count of comments by
//! disposition, and the registrar's exemption with its reason, if one was recorded. Read-only;
//! the caller has already checked that the document is in the actor's scope.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, DbConn};
use crate::domain::consultation::DispositionCounts;
use crate::domain::ids::DocumentId;
use crate::error::AppError;
use crate::service::consultation::ConsultationView;

/// One consultation held on the document's draft, with what became of its comments.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HeldConsultation {
    #[serde(flatten)]
    pub consultation: ConsultationView,
    /// Comments received.
    pub comments: i64,
    /// Comments still without a disposition.
    pub undisposed: i64,
    pub counts: DispositionCounts,
}

/// The consultations of a document, oldest first, and its exemption from consultation.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct ConsultationRecord {
    pub consultations: Vec<HeldConsultation>,
    /// The registrar's reason for going without a consultation (依法需要保密 and the like).
    pub consultation_exemption: Option<String>,
}

/// The consultation record of the document `id` on `today`.
pub fn of_document(
    conn: &mut DbConn,
    id: DocumentId,
    today: NaiveDate,
) -> Result<ConsultationRecord, AppError> {
    let mut consultations = Vec::new();
    for c in db::consultations::of_document(conn, id)? {
        let comments = db::consultations::comments_of(conn, c.id)?;
        let mut counts = DispositionCounts::default();
        comments.iter().filter_map(|m| m.disposition).for_each(|d| counts.add(d));
        consultations.push(HeldConsultation {
            consultation: ConsultationView::new(&c, today),
            comments: comments.len() as i64,
            undisposed: comments.iter().filter(|m| m.disposition.is_none()).count() as i64,
            counts,
        });
    }
    let consultation_exemption = db::consultations::exemption_of(conn, id)?;
    Ok(ConsultationRecord { consultations, consultation_exemption })
}
