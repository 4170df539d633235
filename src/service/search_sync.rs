//! Keeps an instance's search index (`search_index`) up with the database, its source of
//! truth: follows the change feed (`db::search_feed`), rebuilds the index from the documents,
//! and at start-up finds and repairs drift (no index, a watermark this database never gave,
//! a count of entries other than the count of published documents).
//!
//! Every instance follows the feed on its own: a poller every [`POLL`], and every search
//! first, so that a search sees what committed before it on any instance.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Weak};
use std::time::Duration;

use crate::db::search_feed::{self, Watermark};
use crate::db::{DbConn, Pool};
use crate::error::AppError;
use crate::search_index::{IndexError, SearchIndex};

/// How often the poller reads the feed.
pub const POLL: Duration = Duration::from_millis(300);

/// Documents read and written per step of a rebuild.
const REBUILD_PAGE: i64 = 1_000;

/// Events read per step of the feed on SQLite.
const FEED_PAGE: i64 = 5_000;

/// An index with the point of the feed it has reached.
pub struct LiveIndex {
    pub index: SearchIndex,
    position: Mutex<Position>,
    /// A directory made for this instance alone, removed with it.
    temporary: Option<PathBuf>,
}

impl Drop for LiveIndex {
    fn drop(&mut self) {
        if let Some(dir) = &self.temporary {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[derive(Default)]
struct Position {
    watermark: Option<Watermark>,
    /// PostgreSQL: the events read last time, which the next read returns again while their
    /// transactions are at or above the watermark.
    applied: HashSet<i64>,
}

/// What the start-up check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repair {
    /// The index was current, or caught up with the feed.
    None,
    /// Rebuilt from the database, for the reason given.
    Rebuilt(&'static str),
}

fn internal(e: IndexError) -> AppError {
    AppError::internal(e.to_string())
}

impl LiveIndex {
    pub fn new(index: SearchIndex) -> Result<Self, AppError> {
        let watermark = index.watermark().map_err(internal)?.as_deref().and_then(Watermark::decode);
        let position = Mutex::new(Position { watermark, applied: HashSet::new() });
        Ok(Self { index, position, temporary: None })
    }

    /// The index of a serving instance in `dir`, or with `None` in a temporary directory of
    /// its own that goes with it.
    ///
    /// A directory another instance holds (two instances on one SQLite file, or a restart
    /// while the old instance is still closing) is not shared: this instance then keeps a
    /// temporary index of its own, built from the database like any other.
    pub fn open_serving(dir: Option<&Path>) -> Result<Self, AppError> {
        if let Some(dir) = dir {
            match SearchIndex::open_serving(dir) {
                Ok(index) => return Self::new(index),
                Err(e) if e.is_locked() => {
                    tracing::warn!(dir = %dir.display(), "search index held by another instance; using a temporary one");
                }
                Err(e) => return Err(internal(e)),
            }
        }
        let name = format!("normreg-index-{}", uuid::Uuid::new_v4().simple());
        let dir = std::env::temp_dir().join(name);
        let mut live = Self::new(SearchIndex::open_serving(&dir).map_err(internal)?)?;
        live.temporary = Some(dir);
        Ok(live)
    }

    fn position(&self) -> std::sync::MutexGuard<'_, Position> {
        self.position.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Applies what the feed holds since the index's watermark; the number of events applied.
    /// An index without a watermark is left alone (the start-up check rebuilds it).
    pub fn catch_up(&self, conn: &mut DbConn) -> Result<usize, AppError> {
        let mut position = self.position();
        let Some(mut watermark) = position.watermark else {
            return Ok(0);
        };
        let mut applied = 0;
        loop {
            let read = search_feed::since(conn, watermark, FEED_PAGE)?;
            let fresh: Vec<_> = read
                .events
                .iter()
                .filter(|(id, _)| !position.applied.contains(id))
                .map(|&(_, doc)| doc)
                .collect();
            if matches!(read.next, Watermark::Postgres(_)) {
                position.applied = read.events.iter().map(|&(id, _)| id).collect();
            }
            if !fresh.is_empty() {
                let mut ids = fresh;
                ids.sort();
                ids.dedup();
                let (docs, gone) = search_feed::current(conn, &ids)?;
                self.index.put(&docs, &gone).map_err(internal)?;
                self.index.commit(&read.next.encode()).map_err(internal)?;
                applied += ids.len();
            }
            let more =
                matches!(read.next, Watermark::Sqlite(_)) && read.events.len() as i64 == FEED_PAGE;
            watermark = read.next;
            position.watermark = Some(watermark);
            if !more {
                return Ok(applied);
            }
        }
    }

    /// Empties the index and writes every published document into it; `progress` hears
    /// (done, total) after each page. The watermark is taken first, so whatever commits
    /// meanwhile is replayed by the next catch-up.
    pub fn rebuild(
        &self,
        conn: &mut DbConn,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, AppError> {
        let mut position = self.position();
        let watermark = search_feed::now(conn)?;
        let total = usize::try_from(search_feed::published_count(conn)?).unwrap_or(0);
        self.index.clear().map_err(internal)?;
        let (mut done, mut after) = (0, None);
        progress(0, total);
        loop {
            let page = search_feed::published_after(conn, after, REBUILD_PAGE)?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            self.index.add(&page).map_err(internal)?;
            done += page.len();
            progress(done, total.max(done));
        }
        self.index.commit(&watermark.encode()).map_err(internal)?;
        *position = Position { watermark: Some(watermark), applied: HashSet::new() };
        Ok(done)
    }

    /// The start-up check: rebuilds an index that has no watermark or one this database
    /// never gave, catches up with the feed, and rebuilds when the entries then differ in
    /// number from the published documents (documents written by a restore, or an index
    /// damaged by hand).
    pub fn check(&self, conn: &mut DbConn) -> Result<Repair, AppError> {
        let mut quiet = |_: usize, _: usize| {};
        let watermark = self.position().watermark;
        let reason = match watermark {
            None => Some("no index"),
            Some(w) if !search_feed::plausible(conn, w)? => Some("watermark from another database"),
            Some(_) => {
                self.catch_up(conn)?;
                let published = search_feed::published_count(conn)?;
                (published as u64 != self.index.len()).then_some("count differs from the database")
            }
        };
        match reason {
            None => Ok(Repair::None),
            Some(reason) => {
                self.rebuild(conn, &mut quiet)?;
                Ok(Repair::Rebuilt(reason))
            }
        }
    }
}

/// Follows the feed every [`POLL`] on a thread of its own, until the instance (the last
/// strong reference to `index`) is gone. A failed read is logged and tried again.
pub fn follow(pool: Pool, index: Weak<LiveIndex>) {
    let spawned = std::thread::Builder::new().name("search-feed".into()).spawn(move || loop {
        std::thread::sleep(POLL);
        let Some(live) = index.upgrade() else { return };
        let result = pool
            .get()
            .map_err(|e| AppError::internal(e.to_string()))
            .and_then(|mut conn| live.catch_up(&mut conn));
        if let Err(e) = result {
            tracing::warn!(error = %e, "search index: reading the change feed failed");
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "search index: cannot start the feed follower");
    }
}
