//! The query syntax of each engine's full-text index, written from the service's tokens:
//! FTS5 MATCH expressions for SQLite, `to_tsquery('simple', …)` for PostgreSQL.

use crate::domain::cjk_tokens::is_token_char;

/// Tokens come from this module, but the expressions below are pasted into query syntax, so a
/// token from elsewhere that could break out of it is left out rather than trusted.
fn safe_tokens(term: &[String]) -> Vec<&str> {
    term.iter()
        .map(String::as_str)
        .filter(|t| !t.is_empty() && t.chars().all(is_token_char))
        .collect()
}

fn expression(
    query: &[Vec<String>],
    phrase: impl Fn(&[&str]) -> String,
    and: &str,
) -> Option<String> {
    let phrases: Vec<String> = query
        .iter()
        .map(|term| safe_tokens(term))
        .filter(|tokens| !tokens.is_empty())
        .map(|tokens| phrase(&tokens))
        .collect();
    (!phrases.is_empty()).then(|| phrases.join(and))
}

/// An FTS5 MATCH expression: each term a phrase of its tokens, all terms required.
/// `None` when there is nothing to search for.
pub fn fts5_match_expression(query: &[Vec<String>]) -> Option<String> {
    expression(query, |tokens| format!("\"{}\"", tokens.join(" ")), " AND ")
}

/// A `to_tsquery('simple', …)` expression: each term its tokens joined by `<->` (followed by),
/// all terms required. `None` when there is nothing to search for.
pub fn tsquery_expression(query: &[Vec<String>]) -> Option<String> {
    expression(query, |tokens| tokens.join(" <-> "), " & ")
}

/// A `to_tsquery('simple', …)` expression requiring every token of every term, anywhere and in
/// any order: what PostgreSQL's GIN index answers exactly, without reading a single text. It
/// finds a superset of [`tsquery_expression`], the same set when no term has two tokens.
pub fn tsquery_all_tokens(query: &[Vec<String>]) -> Option<String> {
    expression(query, |tokens| tokens.join(" & "), " & ")
}

/// True when some term is a phrase of several tokens, so that matching all its tokens is not
/// yet matching the term.
pub fn has_phrase(query: &[Vec<String>]) -> bool {
    query.iter().any(|term| safe_tokens(term).len() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cjk_tokens::query_tokens;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nothing_to_search_for_gives_no_expression() {
        assert_eq!(fts5_match_expression(&query_tokens("、")), None);
        assert_eq!(tsquery_expression(&[]), None);
    }

    #[test]
    fn the_fts5_expression_is_a_phrase_per_term_joined_with_and() {
        let query = query_tokens("行政许可 罚款 gb9704");
        assert_eq!(
            fts5_match_expression(&query).unwrap(),
            "\"行政 政许 许可\" AND \"罚款\" AND \"gb9704\""
        );
    }

    #[test]
    fn all_tokens_drop_the_order_that_phrases_keep() {
        let query = query_tokens("行政许可 罚款");
        assert_eq!(tsquery_all_tokens(&query).unwrap(), "行政 & 政许 & 许可 & 罚款");
        assert!(has_phrase(&query));
        let single = query_tokens("许可 罚款");
        assert_eq!(tsquery_all_tokens(&single), tsquery_expression(&single));
        assert!(!has_phrase(&single));
        assert_eq!(tsquery_all_tokens(&[]), None);
    }

    #[test]
    fn the_tsquery_expression_chains_tokens_with_followed_by() {
        let query = query_tokens("行政许可 罚款");
        assert_eq!(tsquery_expression(&query).unwrap(), "行政 <-> 政许 <-> 许可 & 罚款");
    }

    #[test]
    fn expressions_leave_out_tokens_that_could_break_the_syntax() {
        let hostile = vec![strings(&["许可", "a\" OR \"b", "x'y"]), strings(&["&"])];
        assert_eq!(fts5_match_expression(&hostile).unwrap(), "\"许可\"");
        assert_eq!(tsquery_expression(&hostile).unwrap(), "许可");
    }
}
