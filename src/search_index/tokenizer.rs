//! The tokenizer the index reads titles, numbers and texts with: the same tokens as
//! `domain::cjk_tokens` (overlapping CJK bigrams, a lone CJK character alone, ASCII words and
//! digit runs, after folding full-width forms and case), each at its own position so that a
//! phrase of bigrams is a run of consecutive characters.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::domain::cjk_tokens;

/// The name the schema's text fields give their tokenizer.
pub const NAME: &str = "cjk_bigram";

#[derive(Clone, Default)]
pub struct CjkBigrams;

pub struct CjkStream {
    tokens: Vec<(String, std::ops::Range<usize>)>,
    next: usize,
    token: Token,
}

impl Tokenizer for CjkBigrams {
    type TokenStream<'a> = CjkStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CjkStream {
        CjkStream {
            tokens: cjk_tokens::tokens_with_offsets(text),
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for CjkStream {
    fn advance(&mut self) -> bool {
        let Some((text, range)) = self.tokens.get_mut(self.next) else {
            return false;
        };
        self.token.text = std::mem::take(text);
        self.token.offset_from = range.start;
        self.token.offset_to = range.end;
        self.token.position = self.next;
        self.token.position_length = 1;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_stand_at_consecutive_positions() {
        let mut t = CjkBigrams;
        let mut stream = t.token_stream("审计条例 2026");
        let mut seen = Vec::new();
        while stream.advance() {
            let tok = stream.token();
            seen.push((tok.text.clone(), tok.position));
        }
        let expected = [("审计", 0), ("计条", 1), ("条例", 2), ("2026", 3)];
        assert_eq!(seen, expected.map(|(t, p)| (t.to_string(), p)));
    }
}
