//! A published document as Akoma Ntoso 3.0: the facts gathered for `domain::akn` (the
//! agency, the versions of the work for its identification and lifecycle, the ending).

use chrono::Datelike;

use crate::db::{self, DbConn};
use crate::domain::akn::{self, Act, LifeEvent, LifeEventKind};
use crate::domain::clock::Clock;
use crate::domain::document::EndKind;
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
    let work_date = first.published_on.unwrap_or(published_on);
    // The work is named by its first version's year and serial number (文号's serial), else by
    // its lineage id: the same for every version, never changing.
    let number = first
        .issuance_number
        .as_deref()
        .and_then(serial)
        .unwrap_or_else(|| doc.lineage_id.to_string());
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
        generated_on: clock.today(),
    };
    Ok(akn::render(&act))
}

/// The serial of a 文号: 3 of 辽政规〔2026〕3号.
fn serial(number: &str) -> Option<String> {
    let before = number.trim().strip_suffix('号')?;
    let digits: String = before.chars().rev().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| digits.chars().rev().collect())
}
