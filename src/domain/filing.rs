//! Filing with the filing authority (报送备案) and its review: statuses, decisions, materials
//! and the figures authorities report (domain.md §3, §6).

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::filing_material::Material;
use super::ids::{AgencyId, DocumentId, FilingId, UserId};

/// Where a filing stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// Received, waiting for the authority's decision.
    Submitted,
    Accepted,
    /// Materials missing: the agency files again.
    SupplementRequired,
    /// The agency must correct the document by a deadline.
    CorrectionRequired,
    /// The authority revoked the document.
    Revoked,
}

impl FilingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FilingStatus::Submitted => "submitted",
            FilingStatus::Accepted => "accepted",
            FilingStatus::SupplementRequired => "supplement_required",
            FilingStatus::CorrectionRequired => "correction_required",
            FilingStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Submitted,
            Self::Accepted,
            Self::SupplementRequired,
            Self::CorrectionRequired,
            Self::Revoked,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }
}

/// The authority's decision on a filing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Accepted,
    SupplementRequired,
    CorrectionRequired,
    Revoked,
}

impl Outcome {
    pub fn status(self) -> FilingStatus {
        match self {
            Outcome::Accepted => FilingStatus::Accepted,
            Outcome::SupplementRequired => FilingStatus::SupplementRequired,
            Outcome::CorrectionRequired => FilingStatus::CorrectionRequired,
            Outcome::Revoked => FilingStatus::Revoked,
        }
    }
}

/// A filing of one published document with its filing authority, as kept.
#[derive(Clone, Debug)]
pub struct Filing {
    pub id: FilingId,
    pub document_id: DocumentId,
    /// The agency that filed.
    pub agency_id: AgencyId,
    /// The filing authority that receives it.
    pub authority_id: AgencyId,
    /// The filing report (备案报告).
    pub report: String,
    pub materials: Vec<Material>,
    pub submitted_on: NaiveDate,
    pub due_on: NaiveDate,
    pub on_time: bool,
    /// Filed with every required material the first time.
    pub complete: bool,
    pub status: FilingStatus,
    pub decision_reason: Option<String>,
    pub correction_due_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<UserId>,
    pub resubmissions: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The authority ordered a correction or revoked it.
    pub found_unlawful: bool,
}

/// Whether the authority may decide `outcome` on a filing that is `from`.
///
/// A received filing can get any decision. After a correction order the authority either
/// accepts the corrected document or revokes it. Other states wait for the agency.
pub fn decide(from: FilingStatus, outcome: Outcome) -> Result<FilingStatus, String> {
    use FilingStatus::*;
    match (from, outcome) {
        (Submitted, o) => Ok(o.status()),
        (CorrectionRequired, Outcome::Accepted | Outcome::Revoked) => Ok(outcome.status()),
        (CorrectionRequired, _) => {
            Err("after a correction order the filing can only be accepted or revoked".into())
        }
        (SupplementRequired, _) => {
            Err("the agency has not yet supplied the missing materials".into())
        }
        (Accepted | Revoked, _) => {
            Err(format!("the filing was already decided: `{}`", from.as_str()))
        }
    }
}

/// A kind of filing material (备案材料).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    /// 正式文本
    OfficialText,
    /// 备案报告, the signed report as a file (the filing's `report` is its text)
    FilingReport,
    /// 起草说明
    DraftingNotes,
    /// 制定依据
    LegalBasis,
    /// 合法性审核意见 and other supporting documents
    Other,
}

/// The materials every complete filing names.
pub const REQUIRED_MATERIALS: [MaterialKind; 4] = [
    MaterialKind::OfficialText,
    MaterialKind::FilingReport,
    MaterialKind::DraftingNotes,
    MaterialKind::LegalBasis,
];

/// The materials that count only with an uploaded file: the official text as issued and the
/// signed filing report.
pub const FILE_REQUIRED: [MaterialKind; 2] =
    [MaterialKind::OfficialText, MaterialKind::FilingReport];

/// The required materials that are missing, from each material's kind and whether it names
/// an uploaded file: the official text and the report count only with their file.
pub fn missing_materials(present: &[(MaterialKind, bool)]) -> Vec<MaterialKind> {
    REQUIRED_MATERIALS
        .into_iter()
        .filter(|k| {
            let needs_file = FILE_REQUIRED.contains(k);
            !present.iter().any(|(kind, file)| kind == k && (*file || !needs_file))
        })
        .collect()
}

/// A ratio for a report: `None` when nothing was counted, so that 0/0 is not shown as 100%.
pub fn ratio(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| (numerator as f64 / denominator as f64 * 10_000.0).round() / 10_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_received_filing_takes_any_decision_and_a_decided_one_none() {
        assert_eq!(decide(FilingStatus::Submitted, Outcome::Revoked), Ok(FilingStatus::Revoked));
        assert!(decide(FilingStatus::Accepted, Outcome::Revoked).is_err());
        assert!(decide(FilingStatus::SupplementRequired, Outcome::Accepted).is_err());
    }

    #[test]
    fn a_correction_order_ends_in_acceptance_or_revocation() {
        assert_eq!(
            decide(FilingStatus::CorrectionRequired, Outcome::Accepted),
            Ok(FilingStatus::Accepted)
        );
        assert!(decide(FilingStatus::CorrectionRequired, Outcome::SupplementRequired).is_err());
    }

    #[test]
    fn missing_materials_are_named_and_the_official_text_and_report_need_their_files() {
        use MaterialKind::*;
        assert_eq!(
            missing_materials(&[(OfficialText, true)]),
            vec![FilingReport, DraftingNotes, LegalBasis]
        );
        assert_eq!(
            missing_materials(&[
                (OfficialText, false),
                (FilingReport, true),
                (DraftingNotes, false),
                (LegalBasis, false)
            ]),
            vec![OfficialText]
        );
        let all: Vec<_> = REQUIRED_MATERIALS.into_iter().map(|k| (k, true)).collect();
        assert!(missing_materials(&all).is_empty());
    }

    #[test]
    fn ratios_are_rounded_and_empty_denominators_give_none() {
        assert_eq!(ratio(2, 3), Some(0.6667));
        assert_eq!(ratio(0, 0), None);
    }
}
