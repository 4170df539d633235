//! The window of a search: the newest matches of a query, ranked by relevance.
//!
//! Why a window: ranking reads each match's position lists (FTS5's bm25) or its whole token
//! vector (PostgreSQL's ts_rank), some 10–20 µs a match, and a frequent term matches a third
//! of a large catalogue, so ranking every match of it would take half a second. A search
//! therefore ranks at most `size` matches (`NORMREG_SEARCH_WINDOW`), the newest ones: those
//! that entered the index last. Every search costs a bounded amount however common its
//! terms, and an older document is still found by narrowing the search (year, agency,
//! validity), since the filters apply before the window is taken. Elasticsearch bounds its
//! results the same way (`max_result_window`); the answer says when it did so (`truncated`).
//!
//! The database gives the matches newest first with how often each term occurs in them;
//! scoring and ordering them is done here, the same way for both engines, so that SQLite and
//! PostgreSQL answer a search in the same order: first by how many of the query's terms the
//! title holds (a document named after the term is what most searchers look for), then by
//! [`bm25`] over title and text.

use chrono::NaiveDate;

/// One match as the index gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub id: String,
    /// How many of the query's terms the title holds.
    pub title_hits: usize,
    /// Relevance, [`bm25`]; higher is better.
    pub score: f64,
    pub published_on: Option<NaiveDate>,
}

/// BM25's saturation of repeated occurrences.
const K1: f64 = 1.2;
/// BM25's normalisation by length: 0 none, 1 full.
const B: f64 = 0.75;

/// The BM25 relevance of a document that matched a query: `term_counts` holds how often each
/// term occurs in it, `length` its length in characters, `average_length` the mean over the
/// matches ranked with it. Every term weighs the same: each match holds every term, so a
/// term's rarity in the window says nothing. A count of 0 (the term is spelt differently in
/// the text, full-width letters say) counts as the one occurrence the index found.
pub fn bm25(term_counts: &[u32], length: f64, average_length: f64) -> f64 {
    let norm = if average_length > 0.0 { length / average_length } else { 1.0 };
    term_counts
        .iter()
        .map(|&n| {
            let tf = f64::from(n.max(1));
            tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * norm))
        })
        .sum()
}

/// The ranked ids of a search's window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    ids: Vec<String>,
    truncated: bool,
}

impl Window {
    /// Ranks `matches`, given newest first: at most `size` of them are kept, and one more
    /// than that tells that there were more. Most terms in the title first, then best score;
    /// equal scores newest publication first, then by id, so that pages never overlap.
    pub fn rank(mut matches: Vec<Match>, size: usize) -> Self {
        let truncated = matches.len() > size;
        matches.truncate(size);
        matches.sort_by(|a, b| {
            b.title_hits
                .cmp(&a.title_hits)
                .then_with(|| b.score.total_cmp(&a.score))
                .then_with(|| b.published_on.cmp(&a.published_on))
                .then_with(|| a.id.cmp(&b.id))
        });
        Self { ids: matches.into_iter().map(|m| m.id).collect(), truncated }
    }

    /// The number of ranked documents, which paging reaches.
    pub fn total(&self) -> i64 {
        self.ids.len() as i64
    }

    /// True when more documents matched than the window holds.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The ids of one page.
    pub fn page(&self, offset: i64, limit: i64) -> Vec<String> {
        let start = usize::try_from(offset).unwrap_or(0).min(self.ids.len());
        let end = start.saturating_add(usize::try_from(limit).unwrap_or(0)).min(self.ids.len());
        self.ids[start..end].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: &str, score: f64, day: u32) -> Match {
        Match {
            id: id.to_string(),
            title_hits: 0,
            score,
            published_on: NaiveDate::from_ymd_opt(2026, 1, day),
        }
    }

    #[test]
    fn the_best_score_comes_first_then_the_newest_then_the_id() {
        let window = Window::rank(
            vec![hit("d", 1.0, 9), hit("c", 3.0, 1), hit("b", 1.0, 20), hit("a", 1.0, 20)],
            10,
        );
        assert_eq!(window.page(0, 10), ["c", "a", "b", "d"]);
        assert_eq!(window.total(), 4);
        assert!(!window.truncated());
    }

    #[test]
    fn bm25_grows_with_occurrences_and_shrinks_with_length() {
        let avg = 1000.0;
        assert!(bm25(&[4], avg, avg) > bm25(&[2], avg, avg));
        assert!(bm25(&[2], 2.0 * avg, avg) < bm25(&[2], avg, avg));
        // Saturation: the tenth occurrence adds less than the second.
        let gain = |n: u32| bm25(&[n + 1], avg, avg) - bm25(&[n], avg, avg);
        assert!(gain(9) < gain(1));
        // Two terms add up; a count of 0 counts as one.
        assert_eq!(bm25(&[1, 1], avg, avg), 2.0 * bm25(&[1], avg, avg));
        assert_eq!(bm25(&[0], avg, avg), bm25(&[1], avg, avg));
        assert!(bm25(&[3], 0.0, 0.0).is_finite());
    }

    #[test]
    fn a_term_in_the_title_outranks_any_score() {
        let titled = Match { title_hits: 1, ..hit("titled", 0.1, 1) };
        let both = Match { title_hits: 2, ..hit("both", 0.01, 1) };
        let window = Window::rank(vec![hit("body", 9.0, 2), titled, both], 10);
        assert_eq!(window.page(0, 10), ["both", "titled", "body"]);
    }

    #[test]
    fn only_the_newest_matches_are_ranked_when_there_are_more() {
        // Newest first: "old" is the fourth match of a window of three.
        let window = Window::rank(
            vec![hit("n1", 1.0, 5), hit("n2", 2.0, 4), hit("n3", 0.5, 3), hit("old", 9.0, 1)],
            3,
        );
        assert_eq!(window.page(0, 10), ["n2", "n1", "n3"]);
        assert_eq!(window.total(), 3);
        assert!(window.truncated());
    }

    #[test]
    fn pages_are_cut_from_the_ranking_and_past_the_end_are_empty() {
        let matches = (1..=5).map(|i| hit(&format!("d{i}"), f64::from(i), i)).collect();
        let window = Window::rank(matches, 5);
        assert_eq!(window.page(0, 2), ["d5", "d4"]);
        assert_eq!(window.page(4, 2), ["d1"]);
        assert!(window.page(5, 2).is_empty());
        assert!(window.page(i64::MAX, i64::MAX).is_empty());
        assert!(window.page(-1, 2).len() == 2, "a negative offset reads from the start");
    }
}
