//! A normative document as the rules see it: one version with its typed ids, its status, its
//! numbers and dates, and the way it ended if it did. Stored rows become documents (and back)
//! only in `src/db/`; a stored word that is not one of these is a broken row there, never a
//! default here.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use super::ids::{AgencyId, DocumentId, UserId};
use super::later_life::Standing;
use super::lifecycle::Status;
use super::validity::{validity_on, Validity};

/// One version of a document. Versions of the same document share `lineage_id`, the id of
/// the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub id: DocumentId,
    pub lineage_id: DocumentId,
    pub version: i32,
    pub agency_id: AgencyId,
    pub status: Status,
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
    /// How it ended before the run of its validity, if it did (expiry is not recorded here:
    /// it follows from `valid_until`).
    pub ended: Option<Ended>,
    /// The version this one amends.
    pub supersedes_id: Option<DocumentId>,
    /// The version that amended this one.
    pub superseded_by_id: Option<DocumentId>,
    /// Issued before the service and imported with its real numbers and dates.
    pub imported: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The ways a published document ends by an act rather than by the run of its validity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EndKind {
    /// 已修改: a newer version took its place.
    Amended,
    /// 已废止
    Repealed,
    /// 宣布失效
    DeclaredInvalid,
    /// 撤销, by the filing authority.
    Revoked,
}

impl EndKind {
    pub const ALL: [EndKind; 4] =
        [Self::Amended, Self::Repealed, Self::DeclaredInvalid, Self::Revoked];

    /// What the document reads from the day it ended.
    pub fn validity(self) -> Validity {
        match self {
            Self::Amended => Validity::Amended,
            Self::Repealed => Validity::Repealed,
            Self::DeclaredInvalid => Validity::DeclaredInvalid,
            Self::Revoked => Validity::Revoked,
        }
    }

    /// The ending a validity stands for; `None` for a validity that is no act
    /// (`not_yet_effective`, `in_force`, `expired`).
    pub fn from_validity(v: Validity) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.validity() == v)
    }

    /// The stored word: the validity's own.
    pub fn as_str(self) -> &'static str {
        self.validity().as_str()
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for EndKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How and when a document ended, why, and the document that ended it (the amending version,
/// or the repealing document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    pub kind: EndKind,
    /// The first day it reads `kind`.
    pub on: NaiveDate,
    pub reason: Option<String>,
    pub by: Option<DocumentId>,
}

/// One entry of a document's history: who did what and when, the status before and after,
/// why, and what changed (the payload each action writes).
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentEvent {
    pub id: i64,
    pub document_id: DocumentId,
    /// The user who acted; `None` for the system (automatic expiry).
    pub actor_id: Option<UserId>,
    pub at: NaiveDateTime,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub reason: Option<String>,
    pub payload: Option<serde_json::Value>,
}

impl Document {
    /// A first draft (version 1, revision 1) of `agency` with nothing of the later workflow
    /// set yet; the callers that make documents (drafting, amendment, import) change what
    /// differs.
    pub fn draft(
        id: DocumentId,
        agency_id: AgencyId,
        title: String,
        body: String,
        at: NaiveDateTime,
    ) -> Self {
        Self {
            id,
            lineage_id: id,
            version: 1,
            agency_id,
            status: Status::Draft,
            title,
            body,
            revision: 1,
            provisional: false,
            validity_years: None,
            legal_basis: None,
            drafting_notes: None,
            affects_rights: false,
            review_due_on: None,
            meeting: None,
            decided_on: None,
            issuance_number: None,
            registration_number: None,
            published_on: None,
            effective_on: None,
            valid_until: None,
            channel: None,
            early_effect_reason: None,
            ended: None,
            supersedes_id: None,
            superseded_by_id: None,
            imported: false,
            created_at: at,
            updated_at: at,
        }
    }

    /// Where it stands for its later life (`later_life`).
    pub fn standing(&self) -> Standing {
        Standing {
            status: self.status,
            ended: self.ended.as_ref().map(|e| e.kind.validity()),
            valid_until: self.valid_until,
        }
    }

    /// Its validity on `day`; `None` before publication.
    pub fn validity_on(&self, day: NaiveDate) -> Option<Validity> {
        if self.status != Status::Published {
            return None;
        }
        let (effective, until) = (self.effective_on?, self.valid_until?);
        let ended = self.ended.as_ref().map(|e| (e.kind.validity(), e.on));
        Some(validity_on(day, effective, until, ended))
    }

    /// The day its validity ended, given its `validity` today: the recorded end, or for an
    /// expiry the day after `valid_until` (expiry is an event, not a change of the document).
    pub fn ended_on(&self, validity: Option<Validity>) -> Option<NaiveDate> {
        match (&self.ended, validity) {
            (Some(e), _) => Some(e.on),
            (None, Some(Validity::Expired)) => self.valid_until.and_then(|u| u.succ_opt()),
            _ => None,
        }
    }

    /// How it is named in a message: 《title》 with its 文号.
    pub fn cite(&self) -> String {
        match &self.issuance_number {
            Some(n) => format!("《{}》（{n}）", self.title),
            None => format!("《{}》", self.title),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn published() -> Document {
        let at = d("2026-01-05").and_hms_opt(9, 0, 0).unwrap();
        Document {
            status: Status::Published,
            published_on: Some(d("2026-01-05")),
            effective_on: Some(d("2026-02-04")),
            valid_until: Some(d("2031-02-03")),
            ..Document::draft(DocumentId::new(), AgencyId::new(), "办法".into(), "正文".into(), at)
        }
    }

    #[test]
    fn every_ending_is_stored_under_its_validity_word_and_read_back() {
        for k in EndKind::ALL {
            assert_eq!(EndKind::parse(k.as_str()), Some(k));
            assert_eq!(EndKind::from_validity(k.validity()), Some(k));
        }
        assert_eq!(EndKind::parse("expired"), None);
        assert_eq!(EndKind::parse("in_force"), None);
    }

    #[test]
    fn a_draft_has_no_validity_and_a_published_document_follows_its_dates() {
        let at = d("2026-01-05").and_hms_opt(9, 0, 0).unwrap();
        let draft = Document::draft(DocumentId::new(), AgencyId::new(), "t".into(), "b".into(), at);
        assert_eq!(draft.lineage_id, draft.id);
        assert_eq!(draft.validity_on(d("2026-03-01")), None);
        let doc = published();
        assert_eq!(doc.validity_on(d("2026-01-20")), Some(Validity::NotYetEffective));
        assert_eq!(doc.validity_on(d("2026-03-01")), Some(Validity::InForce));
        assert_eq!(doc.validity_on(d("2031-02-04")), Some(Validity::Expired));
        assert_eq!(doc.ended_on(Some(Validity::Expired)), Some(d("2031-02-04")));
    }

    #[test]
    fn a_recorded_end_wins_from_its_day_on() {
        let mut doc = published();
        doc.ended = Some(Ended {
            kind: EndKind::Repealed,
            on: d("2027-01-01"),
            reason: Some("上位法修改".into()),
            by: None,
        });
        assert_eq!(doc.validity_on(d("2026-12-31")), Some(Validity::InForce));
        assert_eq!(doc.validity_on(d("2027-01-01")), Some(Validity::Repealed));
        assert_eq!(doc.ended_on(Some(Validity::Repealed)), Some(d("2027-01-01")));
        assert_eq!(doc.standing().ended, Some(Validity::Repealed));
    }
}
