//! A document's consultation record (征求意见情况) as the legality review and the filing
//! materials show it: every consultation held on its drafts with the count of comments by
//! disposition, and the registrar's exemption with its reason, if one was recorded. Read-only;
//! the caller has already checked that each document is in the actor's scope.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::consultations::records;
use crate::db::DbConn;
use crate::domain::consultation::DispositionCounts;
use crate::domain::ids::{ConsultationId, DocumentId};
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
    Ok(of_documents(conn, &[id], today)?.remove(&id).unwrap_or_default())
}

/// The consultation records of `documents` on `today`, each document's in the map (empty
/// when it has none), in three queries whatever their number: a page of filings shows each.
pub fn of_documents(
    conn: &mut DbConn,
    documents: &[DocumentId],
    today: NaiveDate,
) -> Result<HashMap<DocumentId, ConsultationRecord>, AppError> {
    let held = records::of_documents(conn, documents)?;
    let ids: Vec<ConsultationId> = held.iter().map(|c| c.id).collect();
    // Per consultation: comments received, those not disposed yet, and the dispositions.
    let mut tallies: HashMap<ConsultationId, (i64, i64, DispositionCounts)> = HashMap::new();
    for (id, disposition, n) in records::comment_counts(conn, &ids)? {
        let (comments, undisposed, counts) = tallies.entry(id).or_default();
        *comments += n;
        match disposition {
            Some(d) => counts.add_many(d, n),
            None => *undisposed += n,
        }
    }
    let mut exemptions = records::exemptions_of(conn, documents)?;
    let mut out: HashMap<DocumentId, ConsultationRecord> = documents
        .iter()
        .map(|id| {
            let consultation_exemption = exemptions.remove(&id.to_string());
            (*id, ConsultationRecord { consultations: Vec::new(), consultation_exemption })
        })
        .collect();
    for c in held {
        let (comments, undisposed, counts) = tallies.remove(&c.id).unwrap_or_default();
        let consultation = ConsultationView::new(&c, today);
        let record = out.entry(c.document_id).or_default();
        record.consultations.push(HeldConsultation { consultation, comments, undisposed, counts });
    }
    Ok(out)
}
