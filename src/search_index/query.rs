//! A search as a tantivy query: which documents match, how they rank, and the filters.
//!
//! Matching: every term of the query (terms are separated by spaces; "quotes" keep a phrase)
//! must occur, its characters in sequence (a phrase of bigrams), in the title, a number or
//! the text. Ranking adds, to BM25 over title (weight 3), numbers and text (weight 1):
//! - 1,000,000 when the query is the document's 文号 or 登记号 in any spelling (such a
//!   document matches even when the spelling's tokens differ, e.g. `LNFS-2026-0003`);
//! - 100,000 when the query, ignoring spaces, punctuation, 《》 and full-width forms, is the
//!   whole title;
//! - 1,000 when the query's characters, all terms run together, stand in sequence in the
//!   title, plus that phrase's own BM25 over the title at weight 20, in which a short title
//!   scores above a long one (length normalisation);
//!
//! so that these tiers order the matches before anything the text says.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::schema::{day, number_key, validity_code, Fields};
use crate::domain::cjk_tokens;
use crate::domain::ids::AgencyId;
use crate::domain::validity::Validity;

pub const NUMBER_TIER: f32 = 1_000_000.0;
pub const EXACT_TITLE_TIER: f32 = 100_000.0;
pub const TITLE_PHRASE_TIER: f32 = 1_000.0;
pub const TITLE_WEIGHT: f32 = 3.0;
pub const TITLE_PHRASE_WEIGHT: f32 = 20.0;

/// The filters of a search, applied to the whole match set.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub agencies: Option<Vec<AgencyId>>,
    pub year: Option<i32>,
    pub validity: Option<Validity>,
    pub day: chrono::NaiveDate,
}

type Boxed = Box<dyn Query>;

/// Where `tokens` stand consecutively in `field` (one token: where it occurs).
fn phrase(field: Field, tokens: &[String]) -> Option<Boxed> {
    let terms: Vec<Term> = tokens.iter().map(|t| Term::from_field_text(field, t)).collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms[0].clone(),
            IndexRecordOption::WithFreqsAndPositions,
        ))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    }
}

fn term(field: Field, text: &str) -> Boxed {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic))
}

/// The query for `q`; `None` when it holds nothing searchable (punctuation only).
pub fn text_query(f: &Fields, q: &str) -> Option<Boxed> {
    let terms = cjk_tokens::query_tokens(q);
    if terms.is_empty() {
        return None;
    }
    let mut all: Vec<(Occur, Boxed)> = Vec::new();
    for tokens in &terms {
        let mut any: Vec<(Occur, Boxed)> = Vec::new();
        if let Some(t) = phrase(f.title, tokens) {
            any.push((Occur::Should, Box::new(BoostQuery::new(t, TITLE_WEIGHT))));
        }
        for field in [f.numbers, f.body] {
            if let Some(p) = phrase(field, tokens) {
                any.push((Occur::Should, p));
            }
        }
        all.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    let key = cjk_tokens::exact_key(q);
    all.push((
        Occur::Should,
        Box::new(ConstScoreQuery::new(term(f.title_exact, &key), EXACT_TITLE_TIER)),
    ));
    let run_together: Vec<String> =
        cjk_tokens::tokens_with_offsets(&key).into_iter().map(|(t, _)| t).collect();
    if let Some(p) = phrase(f.title, &run_together) {
        all.push((Occur::Should, Box::new(ConstScoreQuery::new(p.box_clone(), TITLE_PHRASE_TIER))));
        all.push((Occur::Should, Box::new(BoostQuery::new(p, TITLE_PHRASE_WEIGHT))));
    }
    let text = Box::new(BooleanQuery::new(all));
    let number = Box::new(ConstScoreQuery::new(term(f.number_exact, &number_key(q)), NUMBER_TIER));
    Some(Box::new(BooleanQuery::new(vec![(Occur::Should, text), (Occur::Should, number)])))
}

/// The documents whose `field` lies between the bounds; with both unbounded, those that have
/// the field at all (tantivy's range query panics without a bound, so the lower one is set).
fn range(field: Field, lower: Bound<i64>, upper: Bound<i64>) -> Boxed {
    let lower = match (&lower, &upper) {
        (Bound::Unbounded, Bound::Unbounded) => Bound::Included(i64::MIN),
        _ => lower,
    };
    let t = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
        Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(t(lower), t(upper)))
}

/// The filters as clauses to add to the text query; an impossible filter (no agency, a year
/// out of range) makes the whole query match nothing.
pub fn filtered(f: &Fields, text: Boxed, filters: &Filters) -> Boxed {
    let mut all: Vec<(Occur, Boxed)> = vec![(Occur::Must, text)];
    if let Some(agencies) = &filters.agencies {
        if agencies.is_empty() {
            return Box::new(EmptyQuery);
        }
        let terms = agencies.iter().map(|a| Term::from_field_text(f.agency, &a.to_string()));
        all.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
    }
    if let Some(year) = filters.year {
        let t = Term::from_field_i64(f.year, i64::from(year));
        all.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
    }
    if let Some(v) = filters.validity {
        let d = day(filters.day);
        let ended = || range(f.ended_on, Bound::Unbounded, Bound::Included(d));
        let up_to = |field| range(field, Bound::Unbounded, Bound::Included(d));
        let after = |field| range(field, Bound::Excluded(d), Bound::Unbounded);
        match v {
            Validity::NotYetEffective => {
                all.push((Occur::MustNot, ended()));
                all.push((Occur::Must, after(f.effective)));
                all.push((Occur::Must, range(f.until, Bound::Unbounded, Bound::Unbounded)));
            }
            Validity::InForce => {
                all.push((Occur::MustNot, ended()));
                all.push((Occur::Must, up_to(f.effective)));
                all.push((Occur::Must, range(f.until, Bound::Included(d), Bound::Unbounded)));
            }
            Validity::Expired => {
                all.push((Occur::MustNot, ended()));
                all.push((Occur::Must, range(f.effective, Bound::Unbounded, Bound::Unbounded)));
                all.push((Occur::Must, range(f.until, Bound::Unbounded, Bound::Excluded(d))));
            }
            ended_kind => {
                all.push((Occur::Must, ended()));
                let t = Term::from_field_u64(f.ended_kind, validity_code(ended_kind));
                all.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
            }
        }
    }
    Box::new(BooleanQuery::new(all))
}
