//! A published document as Akoma Ntoso 3.0: the facts gathered for `domain::akn` (the
//! agency, the versions of the work for its identification and lifecycle, the ending, the
//! URIs of what its resolved citations name).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::db::{self, DbConn};
use crate::domain::akn::{self, Act, CharSpan, LifeEvent, LifeEventKind, Ref};
use crate::domain::citation::{national_laws, title_key, CiteField};
use crate::domain::clock::Clock;
use crate::domain::document::{Document, EndKind};
use crate::domain::ids::DocumentId;
use crate::domain::structure;
use crate::error::AppError;

/// The media type of the answer.
pub const MEDIA_TYPE: &str = "application/akn+xml";

/// The AKN XML of a published document; 404 for anything else.
pub fn document(conn: &mut DbConn, clock: &dyn Clock, id: DocumentId) -> Result<String, AppError> {
    let doc = db::public::find_published(conn, id)?.ok_or(AppError::NotFound("document"))?;
    let versions = db::public::published_versions(conn, doc.lineage_id)?;
    let agency = db::agencies::find(conn, doc.agency_id)?.ok_or(AppError::NotFound("agency"))?;
    let published_on = doc.published_on.unwrap_or(doc.created_at.date());
    let first = versions.iter().min_by_key(|v| v.version).unwrap_or(&doc);
    let Work { date: work_date, number } = Work::of(&doc, &versions);
    let work = akn::work_uri(&agency.code, work_date.year(), &number);
    let mut events = Vec::new();
    for v in versions.iter().filter(|v| v.version <= doc.version) {
        let Some(on) = v.published_on else { continue };
        events.push(LifeEvent {
            date: on,
            kind: if v.version == first.version {
                LifeEventKind::Generation
            } else {
                LifeEventKind::Amendment
            },
            source_uri: format!("{work}/zho@{on}"),
            show_as: v.issuance_number.clone().unwrap_or_else(|| v.title.clone()),
        });
    }
    if let Some(end) = doc.ended.as_ref().filter(|e| e.kind != EndKind::Amended) {
        events.push(LifeEvent {
            date: end.on,
            kind: LifeEventKind::Repeal,
            source_uri: end.by.map_or(work.clone(), |by| format!("/api/v1/public/documents/{by}")),
            show_as: end.kind.validity().chinese().to_string(),
        });
    }
    let s = structure::parse(&doc.body);
    let act = Act {
        agency_code: &agency.code,
        agency_name: &agency.name,
        work_year: work_date.year(),
        work_number: &number,
        work_date,
        title: &doc.title,
        issuance_number: doc.issuance_number.as_deref(),
        published_on,
        channel: doc.channel.as_deref(),
        events,
        body: &doc.body,
        structure: &s,
        refs: &refs(conn, &doc)?,
        generated_on: clock.today(),
    };
    Ok(akn::render(&act))
}

/// What names a work: the first version's publication date and its number.
struct Work {
    date: NaiveDate,
    number: String,
}

impl Work {
    /// The work of `doc`, given the published versions of its lineage.
    fn of(doc: &Document, versions: &[Document]) -> Self {
        let first = versions.iter().min_by_key(|v| v.version).unwrap_or(doc);
        let date = first.published_on.or(doc.published_on).unwrap_or(doc.created_at.date());
        // The work is named by its first version's year and serial number (文号's serial), else
        // by its lineage id: the same for every version, never changing.
        let number = first
            .issuance_number
            .as_deref()
            .and_then(serial)
            .unwrap_or_else(|| doc.lineage_id.to_string());
        Self { date, number }
    }
}

/// The work URI of the published registry document `id`, as its own AKN names its work.
fn work_uri_of(conn: &mut DbConn, id: DocumentId) -> Result<Option<String>, AppError> {
    let Some(doc) = db::public::find_published(conn, id)? else { return Ok(None) };
    let Some(agency) = db::agencies::find(conn, doc.agency_id)? else { return Ok(None) };
    let versions = db::public::published_versions(conn, doc.lineage_id)?;
    let work = Work::of(&doc, &versions);
    Ok(Some(akn::work_uri(&agency.code, work.date.year(), &work.number)))
}

/// The resolved citations of `doc`'s body as refs: a registry document by its work URI, a
/// national law by [`akn::law_uri`]; unresolved ones (and the legal basis) are left out.
fn refs(conn: &mut DbConn, doc: &Document) -> Result<Vec<Ref>, AppError> {
    let cited = db::citations::of_document(conn, doc.id)?;
    let mut works: HashMap<DocumentId, Option<String>> = HashMap::new();
    let mut spans = Vec::new();
    for c in cited.iter().filter(|c| c.found.field == CiteField::Body) {
        let href = match (c.document, c.law_title.as_deref()) {
            (Some(id), _) => match works.get(&id) {
                Some(uri) => uri.clone(),
                None => {
                    let uri = work_uri_of(conn, id)?;
                    works.insert(id, uri.clone());
                    uri
                }
            },
            (None, Some(title)) => {
                national_laws().find(&title_key(title)).map(|l| akn::law_uri(&l.level, &l.title))
            }
            (None, None) => None,
        };
        if let Some(href) = href {
            let f = &c.found;
            spans.push(CharSpan { start: f.start, end: f.end, text: &f.text, href });
        }
    }
    Ok(akn::place(&doc.body, spans))
}

/// The serial of a 文号: 3 of 辽政规〔2026〕3号.
fn serial(number: &str) -> Option<String> {
    let before = number.trim().strip_suffix('号')?;
    let digits: String = before.chars().rev().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| digits.chars().rev().collect())
}
