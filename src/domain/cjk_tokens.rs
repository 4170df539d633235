//! Search tokens for Chinese full-text search: overlapping CJK bigrams and ASCII words, the
//! tokens the search index (`crate::search_index::tokenizer`) stores and queries are made of.
//!
//! Chinese has no spaces to split words on, and a dictionary segmenter would miss the terms of
//! law it does not know. So, as Lucene's CJK analyzer does:
//! - a run of CJK characters becomes its overlapping bigrams (许可证 → 许可 可证), a run of one
//!   character becomes that character; a query term is a phrase of its bigrams, so it matches
//!   wherever the term occurs as consecutive characters;
//! - a run of ASCII letters and digits becomes one lowercase word;
//! - everything else separates tokens.
//!
//! Tokens contain only Han characters, `〇`, `a-z` and `0-9`.
//!
//! Known limit: a 1-character query term only finds that character where it stands alone
//! (between separators), because longer runs are indexed as bigrams only.

/// At most this many query terms are used; the rest are dropped.
pub const MAX_TERMS: usize = 16;

/// At most this many tokens of one query term are used; the rest are dropped.
pub const MAX_TOKENS_PER_TERM: usize = 64;

/// True for the characters that form CJK runs: Han ideographs (the unified block, extensions
/// A and beyond, compatibility ideographs) and 〇, the ideographic zero used in dates.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{323AF}'
        | '〇')
}

/// True for the characters of ASCII words and digit runs, once folded.
pub fn is_word_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Folds one character: full-width ASCII to half-width, ASCII to lowercase, the many bracket
/// spellings of document numbers (`〔2018〕`, `[2018]`, `（2018）` …) to a space.
///
/// One character always maps to one character, so offsets in the folded text are offsets in
/// the original, which `highlight` relies on.
pub fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    match c {
        '〔' | '〕' | '﹝' | '﹞' | '[' | ']' | '【' | '】' | '(' | ')' => ' ',
        _ => c.to_ascii_lowercase(),
    }
}

/// The text with every character folded as the tokens see it.
pub fn normalize(text: &str) -> String {
    text.chars().map(fold).collect()
}

/// Appends the tokens of `text` to `out`, in text order.
fn push_tokens(text: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = text.chars().map(fold).collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run_end = |pred: fn(char) -> bool| {
            chars[i..].iter().position(|&c| !pred(c)).map_or(chars.len(), |n| i + n)
        };
        if is_cjk(c) {
            let end = run_end(is_cjk);
            let run = &chars[i..end];
            if run.len() == 1 {
                out.push(run[0].to_string());
            } else {
                out.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
            }
            i = end;
        } else if is_word_char(c) {
            let end = run_end(is_word_char);
            out.push(chars[i..end].iter().collect());
            i = end;
        } else {
            i += 1;
        }
    }
}

/// The tokens of `text` in order, each with the byte range of the original text it comes
/// from: what a full-text engine's tokenizer hands on (a token's position is its index).
pub fn tokens_with_offsets(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let chars: Vec<char> = text.chars().map(fold).collect();
    let bytes = |from: usize, to: usize| starts[from]..starts[to];
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run_end = |pred: fn(char) -> bool| {
            chars[i..].iter().position(|&c| !pred(c)).map_or(chars.len(), |n| i + n)
        };
        if is_cjk(c) {
            let end = run_end(is_cjk);
            if end - i == 1 {
                out.push((c.to_string(), bytes(i, end)));
            } else {
                for k in i..end - 1 {
                    out.push((chars[k..k + 2].iter().collect(), bytes(k, k + 2)));
                }
            }
            i = end;
        } else if is_word_char(c) {
            let end = run_end(is_word_char);
            out.push((chars[i..end].iter().collect(), bytes(i, end)));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// A title as it is compared with a query for an exact match: folded, with only the
/// characters tokens are made of (no spaces, punctuation, 《》 or brackets), so that
/// `《某市审计监督条例》` and `某市审计监督条例 ` are the same title.
pub fn exact_key(text: &str) -> String {
    text.chars().map(fold).filter(|&c| is_cjk(c) || is_word_char(c)).collect()
}

/// The tokens of `text` in order, space-separated: [`tokens_with_offsets`] without the offsets.
pub fn index_tokens(text: &str) -> String {
    let mut tokens = Vec::new();
    push_tokens(text, &mut tokens);
    tokens.join(" ")
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '＂' | '“' | '”')
}

/// Splits a query into raw terms: whitespace separates terms except inside double quotes
/// (straight, full-width or curly), which keep a phrase with spaces as one term. An
/// unclosed quote runs to the end of the query.
fn split_terms(query: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in query.chars() {
        if is_quote(c) {
            quoted = !quoted;
            if !quoted {
                terms.push(std::mem::take(&mut current));
            }
        } else if c.is_whitespace() && !quoted {
            terms.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    terms.push(current);
    terms
}

/// The query as terms, each the list of its tokens in order: a term matches where its tokens
/// occur consecutively in [`index_tokens`]. Terms without any token (punctuation only) are
/// dropped; at most [`MAX_TERMS`] terms of at most [`MAX_TOKENS_PER_TERM`] tokens are kept.
pub fn query_tokens(query: &str) -> Vec<Vec<String>> {
    split_terms(query)
        .iter()
        .map(|term| {
            let mut tokens = Vec::new();
            push_tokens(term, &mut tokens);
            tokens.truncate(MAX_TOKENS_PER_TERM);
            tokens
        })
        .filter(|tokens| !tokens.is_empty())
        .take(MAX_TERMS)
        .collect()
}

/// How many of the query's terms (from [`query_tokens`]) occur in `text` the way the index
/// finds them: their tokens consecutive among the text's tokens.
pub fn terms_found_in(text: &str, query: &[Vec<String>]) -> usize {
    let mut tokens = Vec::new();
    push_tokens(text, &mut tokens);
    query
        .iter()
        .filter(|term| !term.is_empty() && tokens.windows(term.len()).any(|w| w == term.as_slice()))
        .count()
}

/// The raw terms of a query with quotes stripped, for [`highlight`]; terms without any
/// searchable character are dropped, as in [`query_tokens`].
pub fn terms_for_highlight(query: &str) -> Vec<String> {
    split_terms(query)
        .into_iter()
        .map(|term| term.trim().to_owned())
        .filter(|term| term.chars().map(fold).any(|c| is_cjk(c) || is_word_char(c)))
        .take(MAX_TERMS)
        .collect()
}

/// Whether `c` may appear in a token: what the engines' query syntaxes may be given.
pub fn is_token_char(c: char) -> bool {
    is_cjk(c) || is_word_char(c)
}

fn push_escaped(out: &mut String, chars: &[char]) {
    for &c in chars {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Non-overlapping occurrences of any term in `folded`, left to right, the longest term
/// winning where several start at the same place.
fn occurrences(folded: &[char], terms: &[Vec<char>]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        let longest = terms.iter().filter(|t| folded[i..].starts_with(t)).map(Vec::len).max();
        match longest {
            Some(len) => {
                found.push((i, i + len));
                i += len;
            }
            None => i += 1,
        }
    }
    found
}

/// Chooses the part of a text of `len` characters to show, at most `max_chars` characters
/// counting the ellipses, around an occurrence starting at `at` of `hit_len` characters.
/// Returns the window and whether it is cut at the start and at the end.
fn window(len: usize, max_chars: usize, at: usize, hit_len: usize) -> (usize, usize, bool, bool) {
    if len <= max_chars {
        return (0, len, false, false);
    }
    // Too little room for text between two ellipses: show the start, as without a term.
    if max_chars < 3 {
        return (0, max_chars.saturating_sub(1), false, max_chars > 0);
    }
    // Room when both ends are cut; the occurrence sits in the middle of it.
    let room = max_chars.saturating_sub(2);
    let start = at.saturating_sub(room.saturating_sub(hit_len) / 2);
    if start == 0 {
        return (0, max_chars.saturating_sub(1), false, true);
    }
    let tail_room = max_chars.saturating_sub(1);
    if start + tail_room >= len {
        return (len - tail_room, len, true, false);
    }
    (start, start + room, true, true)
}

/// An HTML snippet of `text`: at most `max_chars` characters of it (ellipses `…` included,
/// markup and escapes not counted) around the first occurrence of any term, every occurrence
/// wrapped in `<mark>`…`</mark>`, everything else escaped. Terms match ignoring ASCII case and
/// full-width forms. Without any occurrence, the start of the text.
pub fn highlight(text: &str, terms: &[String], max_chars: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| fold(c)).collect();
    let terms: Vec<Vec<char>> = terms
        .iter()
        .map(|t| t.trim().chars().map(fold).collect::<Vec<char>>())
        // A term of punctuation would mark every comma, or every space once folded.
        .filter(|t| t.iter().any(|&c| is_cjk(c) || is_word_char(c)))
        .collect();
    let found = occurrences(&folded, &terms);
    let (at, hit_len) = found.first().map_or((0, 0), |&(s, e)| (s, e - s));
    let (start, end, cut_start, cut_end) = window(chars.len(), max_chars, at, hit_len);

    let mut out = String::new();
    if cut_start {
        out.push('…');
    }
    let mut pos = start;
    for &(s, e) in &found {
        let (s, e) = (s.max(start), e.min(end));
        if s >= e {
            continue;
        }
        push_escaped(&mut out, &chars[pos..s]);
        out.push_str("<mark>");
        push_escaped(&mut out, &chars[s..e]);
        out.push_str("</mark>");
        pos = e;
    }
    push_escaped(&mut out, &chars[pos..end]);
    if cut_end {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_with_offsets_are_the_index_tokens_with_byte_ranges_of_the_original() {
        let text = "《审计条例》ＡＢ12 法";
        let tokens = tokens_with_offsets(text);
        let words: Vec<&str> = tokens.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(words.join(" "), index_tokens(text));
        assert_eq!(words, ["审计", "计条", "条例", "ab12", "法"]);
        assert_eq!(&text[tokens[0].1.clone()], "审计");
        assert_eq!(&text[tokens[3].1.clone()], "ＡＢ12");
        assert_eq!(&text[tokens[4].1.clone()], "法");
    }

    #[test]
    fn an_exact_key_ignores_spaces_punctuation_book_marks_and_full_width_forms() {
        assert_eq!(exact_key("《某市 审计监督条例》"), exact_key("某市审计监督条例"));
        assert_eq!(exact_key("ＡＢＣ条例（2020）"), "abc条例2020");
    }

    fn tokens(text: &str) -> Vec<String> {
        index_tokens(text).split(' ').map(str::to_owned).collect()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_two_character_term_is_one_bigram() {
        assert_eq!(query_tokens("许可"), vec![strings(&["许可"])]);
        assert_eq!(index_tokens("许可"), "许可");
    }

    #[test]
    fn a_four_character_term_is_three_overlapping_bigrams_in_order() {
        assert_eq!(query_tokens("行政许可"), vec![strings(&["行政", "政许", "许可"])]);
    }

    #[test]
    fn a_single_character_alone_in_its_run_is_a_unigram() {
        assert_eq!(index_tokens("第3条"), "第 3 条");
        assert_eq!(query_tokens("罚"), vec![strings(&["罚"])]);
    }

    #[test]
    fn ascii_words_are_lowercased_and_separate_from_cjk_runs() {
        assert_eq!(index_tokens("GB/T 9704-2012标准"), "gb t 9704 2012 标准");
        assert_eq!(index_tokens("ＡＢＣ１２３号文"), "abc123 号文");
        assert_eq!(query_tokens("FTS5检索"), vec![strings(&["fts5", "检索"])]);
    }

    #[test]
    fn every_bracket_spelling_of_a_document_number_gives_the_same_tokens() {
        let canonical = index_tokens("辽政规〔2026〕3号");
        assert_eq!(canonical, "辽政 政规 2026 3 号");
        for spelling in [
            "辽政规[2026]3号",
            "辽政规［2026］3号",
            "辽政规【2026】3号",
            "辽政规（2026）3号",
            "辽政规(2026)3号",
            "辽政规﹝2026﹞3号",
        ] {
            assert_eq!(index_tokens(spelling), canonical, "{spelling}");
        }
    }

    #[test]
    fn ideographic_zero_belongs_to_cjk_runs() {
        assert_eq!(index_tokens("二〇二六年"), "二〇 〇二 二六 六年");
    }

    #[test]
    fn the_index_tokens_of_a_sentence_contain_each_query_phrase_consecutively() {
        let sentence = "规范性文件不得设定行政许可、行政处罚和行政强制。";
        let indexed = tokens(sentence);
        for query in ["行政许可", "设定", "规范性文件"] {
            let phrase = &query_tokens(query)[0];
            assert!(
                indexed.windows(phrase.len()).any(|w| w == phrase.as_slice()),
                "{query}: {phrase:?} not in {indexed:?}"
            );
        }
        let absent = &query_tokens("许可处罚")[0];
        assert!(!indexed.windows(absent.len()).any(|w| w == absent.as_slice()));
    }

    #[test]
    fn index_tokens_hold_only_characters_both_engines_accept() {
        let indexed = index_tokens("“引号”'单' <b>标签</b> a&b 50%；第1条…终");
        assert!(indexed.chars().all(|c| c == ' ' || is_cjk(c) || is_word_char(c)), "{indexed}");
        assert_eq!(indexed, "引号 单 b 标签 b a b 50 第 1 条 终");
    }

    #[test]
    fn quoted_phrases_are_one_term_each() {
        assert_eq!(
            query_tokens("\"行政 许可\" 罚款 “备案审查”"),
            vec![
                strings(&["行政", "许可"]),
                strings(&["罚款"]),
                strings(&["备案", "案审", "审查"])
            ]
        );
    }

    #[test]
    fn empty_and_punctuation_only_queries_give_nothing() {
        assert!(query_tokens("").is_empty());
        assert!(query_tokens("   ").is_empty());
        assert!(query_tokens("，。！？ \"\" ——").is_empty());
        assert!(query_tokens("、").is_empty());
    }

    #[test]
    fn queries_are_capped_at_sixteen_terms_of_sixty_four_tokens() {
        let many = (0..20).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        let terms = query_tokens(&many);
        assert_eq!(terms.len(), 16);
        assert_eq!(terms[15], strings(&["w15"]));
        // 100 characters make 99 bigrams.
        let long = "规范".repeat(50);
        assert_eq!(query_tokens(&long)[0].len(), 64);
    }

    #[test]
    fn terms_are_found_in_a_title_as_the_index_finds_them() {
        let query = query_tokens("消防 安全管理 罚款");
        assert_eq!(terms_found_in("沈阳市消防安全管理办法", &query), 2);
        assert_eq!(terms_found_in("关于消防、安全和管理的通知", &query), 1);
        assert_eq!(terms_found_in("关于规范行政处罚的通知", &query), 0);
        assert_eq!(terms_found_in("", &query), 0);
    }

    #[test]
    fn highlight_terms_are_the_raw_terms_without_quotes() {
        assert_eq!(
            terms_for_highlight("\"行政 许可\"  GB/T “备案” ，"),
            strings(&["行政 许可", "GB/T", "备案"])
        );
    }

    #[test]
    fn highlight_marks_every_occurrence_and_escapes_the_rest() {
        let text = "<b>许可</b> & \"许可\"'s";
        assert_eq!(
            highlight(text, &strings(&["许可"]), 100),
            "&lt;b&gt;<mark>许可</mark>&lt;/b&gt; &amp; &quot;<mark>许可</mark>&quot;&#39;s"
        );
    }

    #[test]
    fn highlight_ignores_ascii_case_but_keeps_the_original_spelling() {
        assert_eq!(
            highlight("按GB/T 9704排版", &strings(&["gb/t"]), 50),
            "按<mark>GB/T</mark> 9704排版"
        );
    }

    #[test]
    fn highlight_prefers_the_longest_term_at_a_place() {
        assert_eq!(
            highlight("行政许可事项", &strings(&["许可", "行政许可"]), 50),
            "<mark>行政许可</mark>事项"
        );
    }

    #[test]
    fn highlight_cuts_a_long_text_around_the_first_occurrence() {
        // 20 characters: 一二三四五六七八九十 then 罚款 at 10..12, then 甲乙丙丁戊己庚辛.
        let text = "一二三四五六七八九十罚款甲乙丙丁戊己庚辛";
        // 10 visible characters: two ellipses leave room 8, the 2-character term gets 3 before
        // it (offsets 7..10) and the window is 7..15.
        assert_eq!(highlight(text, &strings(&["罚款"]), 10), "…八九十<mark>罚款</mark>甲乙丙…");
    }

    #[test]
    fn highlight_near_the_edges_uses_one_ellipsis() {
        let text = "罚款一二三四五六七八九十";
        assert_eq!(highlight(text, &strings(&["罚款"]), 6), "<mark>罚款</mark>一二三…");
        let text = "一二三四五六七八九十罚款";
        assert_eq!(highlight(text, &strings(&["罚款"]), 6), "…八九十<mark>罚款</mark>");
    }

    #[test]
    fn highlight_without_an_occurrence_shows_the_start_escaped() {
        assert_eq!(highlight("a<b>c一二三四", &strings(&["罚款"]), 5), "a&lt;b&gt;…");
        assert_eq!(highlight("短文", &[], 5), "短文");
        assert_eq!(highlight("甲 乙，丙", &strings(&["（", "，"]), 9), "甲 乙，丙");
        assert_eq!(highlight("任何文字", &strings(&["文"]), 0), "");
        assert_eq!(highlight("任何文字", &strings(&["文"]), 2), "任…");
    }

    #[test]
    fn an_occurrence_cut_by_the_window_is_marked_only_inside_it() {
        // The term is longer than the room: the window starts at it and cuts it.
        let text = "前文前文前文行政规范性文件后文后文后文";
        assert_eq!(highlight(text, &strings(&["行政规范性文件"]), 6), "…<mark>行政规范</mark>…");
    }
}
