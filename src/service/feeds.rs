//! The read model of the Atom feed (`/feed.atom`): a page of the public catalogue with the
//! public search's filters, and for each document its latest public change (publication,
//! repeal, revocation, expiry …), which is what a feed reader shows as the entry's update.
//! Everything comes from `public_reading`, so nothing unpublished can reach a feed.

use chrono::NaiveDateTime;

use crate::db::{self, DbConn};
use crate::domain::clock::Clock;
use crate::domain::ids::DocumentId;
use crate::error::AppError;
use crate::service::public_cache::SearchCache;
use crate::service::public_reading::{self, Catalogue, CataloguePage, PublicSummary};

/// One entry: the document as the catalogue lists it, when it last changed publicly, and the
/// action of that change (one of `public_reading::public_actions`; `None` for a document
/// that arrived by import, with no such event).
#[derive(Clone, Debug)]
pub struct FeedEntry {
    pub document: PublicSummary,
    pub updated: NaiveDateTime,
    pub change: Option<String>,
}

/// A page of a feed.
#[derive(Clone, Debug)]
pub struct FeedPage {
    pub entries: Vec<FeedEntry>,
    pub page: i64,
    pub per_page: i64,
    /// Documents the whole feed holds, which its pages reach.
    pub total: i64,
    /// The last page, from 1 even when the feed is empty.
    pub last_page: i64,
    /// The name of the agency the feed is filtered on, for its title.
    pub agency_name: Option<String>,
    /// The latest checkpoint of the history, so that a reader who keeps the feed keeps a
    /// commitment to the whole history as it stood (README, "Tamper-evident history").
    pub checkpoint: Option<crate::service::history::Checkpoint>,
}

/// A page of the feed for a catalogue request, through the same search (and search cache)
/// as the public catalogue.
pub fn feed(
    conn: &mut DbConn,
    clock: &dyn Clock,
    cache: &SearchCache,
    index: &crate::service::search_sync::LiveIndex,
    request: Catalogue,
) -> Result<FeedPage, AppError> {
    let agency_name = match request.agency.as_deref() {
        Some(code) => db::agencies::find_by_code(conn, code)?.map(|a| a.name),
        None => None,
    };
    let CataloguePage { items, page, per_page, total, .. } =
        public_reading::catalogue(conn, clock, cache, index, request)?;
    let ids: Vec<DocumentId> = items.iter().map(|d| d.id).collect();
    let latest = db::public::latest_events_of(conn, &ids, &public_reading::public_actions())?;
    let entries = items
        .into_iter()
        .map(|document| {
            let event = latest.iter().find(|(id, _, _)| *id == document.id);
            let published = document.published_on.and_then(|d| d.and_hms_opt(0, 0, 0));
            FeedEntry {
                updated: event.map(|e| e.1).or(published).unwrap_or_default(),
                change: event.map(|e| e.2.clone()),
                document,
            }
        })
        .collect();
    let last_page = ((total + per_page - 1) / per_page).max(1);
    let checkpoint = db::checkpoints::latest(conn)?.map(Into::into);
    Ok(FeedPage { entries, page, per_page, total, last_page, agency_name, checkpoint })
}
