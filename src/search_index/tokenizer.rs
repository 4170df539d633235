//! The tokenizer the index reads titles, numbers and texts with: the same tokens as
//! `domain::cjk_tokens::tokens_with_offsets` (overlapping CJK bigrams, a lone CJK character
//! alone, ASCII words and digit runs, after folding full-width forms and case), each at its
//! own position so that a phrase of bigrams is a run of consecutive characters. It streams
//! them into one reused buffer: a rebuild tokenizes every text of the registry.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::domain::cjk_tokens::{fold, is_cjk, is_word_char};

/// The name the schema's text fields give their tokenizer.
pub const NAME: &str = "cjk_bigram";

#[derive(Clone, Default)]
pub struct CjkBigrams;

pub struct CjkStream {
    /// Each character folded, with its byte offset in the original text.
    chars: Vec<(usize, char)>,
    text_len: usize,
    i: usize,
    /// The end of the CJK run `i` is in, once found, and its length.
    run_end: usize,
    run_len: usize,
    position: usize,
    token: Token,
}

impl Tokenizer for CjkBigrams {
    type TokenStream<'a> = CjkStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CjkStream {
        CjkStream {
            chars: text.char_indices().map(|(at, c)| (at, fold(c))).collect(),
            text_len: text.len(),
            i: 0,
            run_end: 0,
            run_len: 0,
            position: 0,
            token: Token::default(),
        }
    }
}

impl CjkStream {
    fn end_of(&self, from: usize, pred: fn(char) -> bool) -> usize {
        self.chars[from..]
            .iter()
            .position(|&(_, c)| !pred(c))
            .map_or(self.chars.len(), |n| from + n)
    }

    fn emit(&mut self, from: usize, to: usize) {
        self.token.text.clear();
        self.token.text.extend(self.chars[from..to].iter().map(|&(_, c)| c));
        self.token.offset_from = self.chars[from].0;
        self.token.offset_to = self.chars.get(to).map_or(self.text_len, |&(at, _)| at);
        self.token.position = self.position;
        self.token.position_length = 1;
        self.position += 1;
    }
}

impl TokenStream for CjkStream {
    fn advance(&mut self) -> bool {
        while let Some(&(_, c)) = self.chars.get(self.i) {
            if is_cjk(c) {
                if self.run_end <= self.i {
                    self.run_end = self.end_of(self.i, is_cjk);
                    self.run_len = self.run_end - self.i;
                }
                if self.run_len == 1 {
                    self.emit(self.i, self.i + 1);
                    self.i = self.run_end;
                } else {
                    self.emit(self.i, self.i + 2);
                    self.i += 1;
                    if self.i + 1 >= self.run_end {
                        self.i = self.run_end;
                    }
                }
                return true;
            }
            if is_word_char(c) {
                let end = self.end_of(self.i, is_word_char);
                self.emit(self.i, end);
                self.i = end;
                return true;
            }
            self.i += 1;
        }
        false
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
    use crate::domain::cjk_tokens;

    fn streamed(text: &str) -> Vec<(String, std::ops::Range<usize>, usize)> {
        let mut t = CjkBigrams;
        let mut stream = t.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let tok = stream.token();
            seen.push((tok.text.clone(), tok.offset_from..tok.offset_to, tok.position));
        }
        seen
    }

    #[test]
    fn the_stream_gives_the_domain_tokens_at_consecutive_positions() {
        for text in [
            "审计条例 2026",
            "《沈阳市城市供水管理办法》（沈政规〔2026〕3号）ＡＢＣ12法 x",
            "法",
            "",
            "，。！",
            "第一条　为了规范Ｗｅｂ服务，制定本办法。\n第二条 本办法自2026年1月1日起施行",
        ] {
            let expected: Vec<_> = cjk_tokens::tokens_with_offsets(text)
                .into_iter()
                .enumerate()
                .map(|(i, (t, r))| (t, r, i))
                .collect();
            assert_eq!(streamed(text), expected, "{text}");
        }
    }
}
