//! Citations between documents (issue 15 parts 3 and 4): found in the body and the legal basis
//! whenever a text is saved (drafting, amendment, import) and again on publication, resolved
//! to a published registry document or a national law of the shipped list, and stored, so that
//! `cited_by` is an indexed read. What follows when a cited document ends (依据变化) is derived
//! at read time from the citations and the cited document as it stands, so no transition of a
//! document's life has to write anything for the documents that cite it.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::domain::citation::{
    basis_change, basis_change_note, concern, find_in_document, national_laws, resolve,
    stored_titles, title_key, CiteKind, Cited, Concern, Found, Resolution,
};
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::Status;
use crate::domain::numbering::IssuanceNumber;
use crate::domain::validity::Validity;
use crate::error::AppError;
use crate::service::scope::visible_agencies;
use crate::service::Actor;

mod view;

pub use view::{Citations, CiteView, CitingDocument};

/// How many documents start-up scans in one go.
const SCAN_BATCH: i64 = 500;

/// The published registry documents a citation may name, newest first: (id, lineage).
type Candidates = Vec<(DocumentId, DocumentId)>;
/// Candidates already looked up, by kind and key (an import resolves many texts at once).
type Lookups = HashMap<(CiteKind, String), Candidates>;

/// The published registry document `found` names, other than a version of `citing` itself.
fn in_registry(
    conn: &mut DbConn,
    citing: &Document,
    found: &Found,
    lookups: &mut Lookups,
) -> Result<Option<DocumentId>, AppError> {
    let lookup = (found.kind, found.key.clone());
    if !lookups.contains_key(&lookup) {
        let candidates = candidates(conn, found)?;
        lookups.insert(lookup.clone(), candidates);
    }
    Ok(lookups[&lookup]
        .iter()
        .find(|(_, lineage)| *lineage != citing.lineage_id)
        .map(|(id, _)| *id))
}

fn candidates(conn: &mut DbConn, found: &Found) -> Result<Candidates, AppError> {
    let candidates = match found.kind {
        CiteKind::Title => db::citations::published_titled(conn, &stored_titles(&found.key))?,
        CiteKind::Number => {
            let Ok(wanted) = IssuanceNumber::parse(&found.key) else { return Ok(Vec::new()) };
            let tail = found.key.find('〔').map(|at| &found.key[at..]).unwrap_or(&found.key);
            // The text may carry words before the agency code that the finder kept; the code
            // of the registry's number must end the cited one.
            db::citations::published_numbered_like(conn, tail)?
                .into_iter()
                .filter(|d| {
                    d.issuance_number
                        .as_deref()
                        .and_then(|n| IssuanceNumber::parse(n).ok())
                        .is_some_and(|n| {
                            n.year() == wanted.year()
                                && n.serial() == wanted.serial()
                                && wanted.prefix().ends_with(n.prefix())
                        })
                })
                .collect()
        }
    };
    Ok(candidates.into_iter().map(|d| (d.id, d.lineage_id)).collect())
}

/// Finds and resolves the citations of `doc`'s text.
pub fn scan(conn: &mut DbConn, doc: &Document) -> Result<Vec<Cited>, AppError> {
    scan_with(conn, doc, &mut Lookups::new())
}

fn scan_with(
    conn: &mut DbConn,
    doc: &Document,
    lookups: &mut Lookups,
) -> Result<Vec<Cited>, AppError> {
    let mut out = Vec::new();
    for found in find_in_document(&doc.body, doc.legal_basis.as_deref()) {
        let registry = in_registry(conn, doc, &found, lookups)?;
        let (document, law_title) = match resolve(&found, |_| registry, national_laws()) {
            Resolution::Document(d) => (Some(d), None),
            Resolution::Law(l) => (None, Some(l.title.clone())),
            Resolution::Unresolved => (None, None),
        };
        out.push(Cited { found, document, law_title });
    }
    Ok(out)
}

/// Stores the citations of `doc`'s text as it now stands; every operation that saves a text
/// calls it in its own transaction.
pub fn record(conn: &mut DbConn, doc: &Document) -> Result<(), AppError> {
    let cited = scan(conn, doc)?;
    Ok(db::citations::replace(conn, doc.id, doc.revision, &cited)?)
}

/// On publication: the document's own citations again (what they name may have been published
/// since the draft was saved), and the citations of other documents that named it by title or
/// 文号 before it existed in the registry now point at it.
pub fn on_publication(conn: &mut DbConn, doc: &Document) -> Result<(), AppError> {
    record(conn, doc)?;
    let title = title_key(&doc.title);
    db::citations::resolve_pending(conn, CiteKind::Title, &[title], doc.id)?;
    if let Some(n) = doc.issuance_number.as_deref().and_then(|n| IssuanceNumber::parse(n).ok()) {
        db::citations::resolve_pending(conn, CiteKind::Number, &[n.to_string()], doc.id)?;
    }
    Ok(())
}

/// The citations of documents just imported (all inserted, published, new): each text's
/// citations with the registry looked up once a key, then the citations of earlier documents
/// that named an imported one, read in slices. The per-document statements of [`record`] and
/// [`on_publication`] would multiply an import's statements.
pub fn on_import(conn: &mut DbConn, docs: &[Document]) -> Result<(), AppError> {
    let mut lookups = Lookups::new();
    for doc in docs {
        let cited = scan_with(conn, doc, &mut lookups)?;
        db::citations::insert_new(conn, doc.id, doc.revision, &cited)?;
    }
    let mut named: HashMap<(CiteKind, String), DocumentId> = HashMap::new();
    for doc in docs {
        named.insert((CiteKind::Title, title_key(&doc.title)), doc.id);
        if let Some(n) = doc.issuance_number.as_deref().and_then(|n| IssuanceNumber::parse(n).ok())
        {
            named.insert((CiteKind::Number, n.to_string()), doc.id);
        }
    }
    let keys: Vec<String> = named.keys().map(|(_, k)| k.clone()).collect();
    for (citing, position, kind, key) in db::citations::pending_with_keys(conn, &keys)? {
        if let Some(target) = named.get(&(kind, key)).filter(|t| **t != citing) {
            db::citations::resolve_one(conn, citing, position, *target)?;
        }
    }
    Ok(())
}

/// Scans every document whose citations were never stored (documents written before
/// migration `…_citations`, or restored without its tables); start-up runs it, like the
/// search index's catch-up. Answers how many were scanned.
pub fn scan_missing(conn: &mut DbConn) -> Result<usize, AppError> {
    let mut scanned = 0;
    loop {
        let batch = db::citations::unscanned(conn, SCAN_BATCH)?;
        if batch.is_empty() {
            return Ok(scanned);
        }
        for doc in &batch {
            record(conn, doc)?;
        }
        scanned += batch.len();
    }
}

/// One citation of a document as a read answers it.
#[derive(Clone, Debug)]
pub struct Cite {
    pub cited: Cited,
    /// The cited registry document's validity today.
    pub validity: Option<Validity>,
    /// The cited law's level (`law`, `administrative_regulation` …).
    pub law_level: Option<String>,
}

/// The citations of `doc`, each with where the document it names stands today.
pub fn cites(conn: &mut DbConn, doc: DocumentId, today: NaiveDate) -> Result<Vec<Cite>, AppError> {
    let stored = db::citations::of_document(conn, doc)?;
    let mut out = Vec::with_capacity(stored.len());
    for cited in stored {
        let validity = match cited.document {
            Some(id) => db::public::find_published(conn, id)?.and_then(|d| d.validity_on(today)),
            None => None,
        };
        let law_level = cited
            .law_title
            .as_deref()
            .and_then(|t| national_laws().find(&title_key(t)))
            .map(|l| l.level.clone());
        out.push(Cite { cited, validity, law_level });
    }
    Ok(out)
}

/// The published documents that cite `doc`: what the public may see.
pub fn cited_by_public(conn: &mut DbConn, doc: DocumentId) -> Result<Vec<Document>, AppError> {
    Ok(db::citations::citing(conn, doc, true)?)
}

/// The documents that cite `doc` as `actor` may see them: every published one, and the
/// unpublished ones of the agencies in the actor's scope.
pub fn cited_by(
    conn: &mut DbConn,
    actor: &Actor,
    doc: DocumentId,
) -> Result<Vec<Document>, AppError> {
    let tree = db::agencies::tree(conn)?;
    let scope = visible_agencies(actor, &tree);
    Ok(db::citations::citing(conn, doc, false)?
        .into_iter()
        .filter(|d| {
            d.status == Status::Published
                || scope.as_ref().is_none_or(|ids| ids.contains(&d.agency_id))
        })
        .collect())
}

/// A document in force whose cited registry document no longer stands (依据变化).
#[derive(Clone, Debug)]
pub struct BasisChange {
    pub citing: Document,
    pub cited: Document,
    /// What the cited document reads now, and since when.
    pub validity: Validity,
    pub on: NaiveDate,
    /// The change named, e.g. 依据变化：《沈阳市甲办法》（沈政规〔2026〕1号）自2026-06-10已废止.
    pub note: String,
}

/// Every basis change of the documents of `agencies` in force on `today`, by citing document
/// and then cited document, each pair once.
pub fn basis_changes(
    conn: &mut DbConn,
    agencies: &[AgencyId],
    today: NaiveDate,
) -> Result<Vec<BasisChange>, AppError> {
    let mut pairs = db::citations::resolved_of_published(conn, agencies)?;
    pairs.sort();
    pairs.dedup();
    // Two reads in all, however many citations: the cited documents, then the citing
    // documents of those that changed.
    let mut cited_ids: Vec<DocumentId> = pairs.iter().map(|(_, cited)| *cited).collect();
    cited_ids.sort();
    cited_ids.dedup();
    let changed: HashMap<DocumentId, (Document, Validity, NaiveDate)> =
        db::citations::published_among(conn, &cited_ids)?
            .into_iter()
            .filter_map(|d| basis_change(&d, today).map(|(v, on)| (d.id, (d, v, on))))
            .collect();
    pairs.retain(|(_, cited)| changed.contains_key(cited));
    let mut citing_ids: Vec<DocumentId> = pairs.iter().map(|(citing, _)| *citing).collect();
    citing_ids.dedup();
    let citing: HashMap<DocumentId, Document> =
        db::citations::published_among(conn, &citing_ids)?.into_iter().map(|d| (d.id, d)).collect();
    let mut out = Vec::new();
    for (citing_id, cited_id) in pairs {
        let (Some(citing), Some((cited, validity, on))) =
            (citing.get(&citing_id), changed.get(&cited_id))
        else {
            continue;
        };
        // Only a document that still applies must act on a change of its basis; a version
        // never rests on another version of itself.
        if citing.validity_on(today) != Some(Validity::InForce)
            || citing.lineage_id == cited.lineage_id
        {
            continue;
        }
        out.push(BasisChange {
            citing: citing.clone(),
            cited: cited.clone(),
            validity: *validity,
            on: *on,
            note: basis_change_note(cited, *validity, *on),
        });
    }
    Ok(out)
}

/// A citation of a draft that deserves the reviewer's attention on submission.
#[derive(Clone, Debug)]
pub struct Flagged {
    pub cite: Cite,
    pub concern: Concern,
}

/// The citations of `doc` that name nothing known or a registry document no longer in force.
pub fn concerns(
    conn: &mut DbConn,
    doc: DocumentId,
    today: NaiveDate,
) -> Result<Vec<Flagged>, AppError> {
    Ok(cites(conn, doc, today)?
        .into_iter()
        .filter_map(|cite| {
            let resolved = cite.cited.document.is_some() || cite.cited.law_title.is_some();
            concern(cite.cited.found.kind, resolved, cite.validity)
                .map(|concern| Flagged { cite, concern })
        })
        .collect())
}

/// `cites` and `cited_by` of `doc` for a public read: only published citing documents.
pub fn public_of(
    conn: &mut DbConn,
    doc: DocumentId,
    today: NaiveDate,
) -> Result<Citations, AppError> {
    let cites = cites(conn, doc, today)?.into_iter().map(CiteView::from).collect();
    let cited_by =
        cited_by_public(conn, doc)?.iter().map(|d| CitingDocument::new(d, today)).collect();
    Ok(Citations { cites, cited_by })
}

/// `cites` and `cited_by` of `doc` for `actor`'s read: published citing documents and the
/// unpublished ones of the actor's scope.
pub fn internal_of(
    conn: &mut DbConn,
    actor: &Actor,
    doc: DocumentId,
    today: NaiveDate,
) -> Result<Citations, AppError> {
    let cites = cites(conn, doc, today)?.into_iter().map(CiteView::from).collect();
    let cited_by =
        cited_by(conn, actor, doc)?.iter().map(|d| CitingDocument::new(d, today)).collect();
    Ok(Citations { cites, cited_by })
}
