//! The pattern language of screening rules (see the parent module): literal text, gaps (`…`)
//! that never cross a sentence end, and top-level alternatives (`|`); compiled once, matched
//! leftmost-longest.

use super::ScreeningError;

/// The largest number of characters a gap (`…`) may span.
///
/// Prohibited wording is compact ("处以二千元以上二万元以下的罚款" has 13 characters between
/// 处以 and 罚款); a longer gap mostly links words of unrelated clauses.
pub const MAX_GAP: usize = 30;

/// What is wrong with a pattern, before it is known which rule it belongs to.
pub(super) enum PatternProblem {
    Empty,
    EmptyAlternative,
    OnlyWildcards,
    EdgeWildcard,
}

impl PatternProblem {
    pub(super) fn for_rule(self, rule: String) -> ScreeningError {
        match self {
            PatternProblem::Empty => ScreeningError::EmptyPattern { rule },
            PatternProblem::EmptyAlternative => ScreeningError::EmptyAlternative { rule },
            PatternProblem::OnlyWildcards => ScreeningError::OnlyWildcards { rule },
            PatternProblem::EdgeWildcard => ScreeningError::EdgeWildcard { rule },
        }
    }
}

/// One alternative of a pattern: literal segments with a gap between each two.
#[derive(Clone, Debug)]
pub(super) struct Alternative {
    segments: Vec<Vec<char>>,
}

/// The alternatives of a pattern, or what is wrong with it.
pub(super) fn compile(pattern: &str) -> Result<Vec<Alternative>, PatternProblem> {
    if pattern.trim().is_empty() {
        return Err(PatternProblem::Empty);
    }
    pattern.split('|').map(compile_alternative).collect()
}

fn compile_alternative(text: &str) -> Result<Alternative, PatternProblem> {
    let chars: Vec<char> = text.trim().chars().collect();
    if chars.is_empty() {
        return Err(PatternProblem::EmptyAlternative);
    }
    // `None` marks a gap; a run of gaps collapses into one when the segments are cut below.
    let mut items: Vec<Option<char>> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '…' {
            items.push(None);
            i += 1;
        } else if chars[i..].starts_with(&['.', '.', '.']) {
            items.push(None);
            i += 3;
        } else {
            items.push(Some(chars[i]));
            i += 1;
        }
    }
    if items.iter().all(Option::is_none) {
        return Err(PatternProblem::OnlyWildcards);
    }
    if items.first().is_some_and(Option::is_none) || items.last().is_some_and(Option::is_none) {
        return Err(PatternProblem::EdgeWildcard);
    }
    let segments = items
        .split(Option::is_none)
        .filter(|s| !s.is_empty())
        .map(|s| s.iter().flatten().copied().collect())
        .collect();
    Ok(Alternative { segments })
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | '！' | '？' | ';' | '!' | '?' | '\n' | '\r')
}

/// For every offset, the offset of the next sentence end at or after it (or the text length),
/// so that the end of a gap starting anywhere is found without rescanning the text.
pub(super) fn next_stops(chars: &[char]) -> Vec<usize> {
    let mut stops = vec![chars.len(); chars.len() + 1];
    for i in (0..chars.len()).rev() {
        stops[i] = if is_sentence_end(chars[i]) { i } else { stops[i + 1] };
    }
    stops
}

fn literal_at(chars: &[char], at: usize, literal: &[char]) -> bool {
    // Comparing the first character before the slice rejects almost every place cheaply, which
    // matters inside gap windows where each place is tried.
    chars.get(at) == literal.first() && chars.get(at..at + literal.len()) == Some(literal)
}

impl Alternative {
    /// The character every match of this alternative starts with.
    pub(super) fn first_char(&self) -> Option<char> {
        self.segments.first().and_then(|s| s.first()).copied()
    }

    /// The end of the longest match that starts exactly at `start`, if any.
    ///
    /// Tracks the set of offsets where the text matched so far can end; a gap widens each
    /// offset into a window of at most `MAX_GAP + 1` places, so the work per start offset is
    /// bounded by the pattern, never by the text length.
    pub(super) fn longest_match_at(
        &self,
        chars: &[char],
        stops: &[usize],
        start: usize,
    ) -> Option<usize> {
        let (first, rest) = self.segments.split_first()?;
        if !literal_at(chars, start, first) {
            return None;
        }
        let mut ends = vec![start + first.len()];
        for segment in rest {
            let mut next = Vec::new();
            // `ends` is sorted and both a window's start and its end grow with it, so the
            // windows can be walked in one pass without visiting a place twice.
            let mut from = 0;
            for &p in &ends {
                let last = (p + MAX_GAP).min(stops[p]);
                for q in from.max(p)..=last {
                    if literal_at(chars, q, segment) {
                        next.push(q + segment.len());
                    }
                }
                from = from.max(last + 1);
            }
            if next.is_empty() {
                return None;
            }
            next.sort_unstable();
            next.dedup();
            ends = next;
        }
        ends.last().copied()
    }
}
