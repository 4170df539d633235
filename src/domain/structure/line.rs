//! One line of a body read for what it opens: a 编/章/节 heading, an article (第X条), an item
//! of a list ((一), 一、, 1., (1), ①), plain text, or nothing (blank).

use super::numerals;

/// The heading levels above the article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Part,
    Chapter,
    Section,
}

/// How the items of a list are numbered; items of different styles nest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// （一） or (一)
    ParenChinese,
    /// 一、
    ChineseComma,
    /// （1） or (1)
    ParenArabic,
    /// 1. 1． 1、
    ArabicDot,
    /// ①
    Circled,
}

/// What a line opens; offsets are bytes into the trimmed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Blank,
    Text,
    /// `label_end`: where 第X章 ends; the heading follows.
    Heading {
        level: Level,
        number: u32,
        label_end: usize,
    },
    /// `label_end`: where 第X条 (or 第X条之一) ends; `sub`: the 之一 of an inserted article.
    Article {
        number: u32,
        sub: Option<u32>,
        label_end: usize,
    },
    Item {
        style: Style,
        number: u32,
        label_end: usize,
    },
}

/// The longest line still read as a 编/章/节 heading: headings are short, and a long line
/// starting 第一章 is a sentence that happens to begin so.
const MAX_HEADING_CHARS: usize = 60;

/// Reads a trimmed line; `next_article` is the number the next article would have, which
/// lets 第五条为了… (no space after the label) still count as an article when it is the next.
pub fn classify(line: &str, next_article: u32) -> Line {
    if line.is_empty() {
        return Line::Blank;
    }
    if let Some(l) = numbered_unit(line, next_article) {
        return l;
    }
    item(line).unwrap_or(Line::Text)
}

/// 第 + numeral + 编/章/节/条 (+ 之 + numeral for an inserted article).
fn numbered_unit(line: &str, next_article: u32) -> Option<Line> {
    let rest = line.strip_prefix('第')?;
    let digits_len: usize = rest
        .chars()
        .take_while(|&c| numerals::is_chinese_digit(c) || numerals::arabic(c).is_some())
        .map(char::len_utf8)
        .sum();
    let number = numerals::value(&rest[..digits_len])?;
    let after = &rest[digits_len..];
    let marker = after.chars().next()?;
    let label_end = '第'.len_utf8() + digits_len + marker.len_utf8();
    let tail = &line[label_end..];
    match marker {
        '编' | '章' | '节' => {
            let level = match marker {
                '编' => Level::Part,
                '章' => Level::Chapter,
                _ => Level::Section,
            };
            let heading_like = line.chars().count() <= MAX_HEADING_CHARS && !line.contains('。');
            heading_like.then_some(Line::Heading { level, number, label_end })
        }
        '条' => {
            let (sub, label_end) = match inserted(tail) {
                Some((sub, len)) => (Some(sub), label_end + len),
                None => (None, label_end),
            };
            let tail = &line[label_end..];
            let spaced = tail.is_empty() || tail.starts_with(char::is_whitespace);
            (spaced || number == next_article).then_some(Line::Article { number, sub, label_end })
        }
        _ => None,
    }
}

/// 之一 after 第十条: the number and the bytes it takes.
fn inserted(tail: &str) -> Option<(u32, usize)> {
    let rest = tail.strip_prefix('之')?;
    let len: usize =
        rest.chars().take_while(|&c| numerals::is_chinese_digit(c)).map(char::len_utf8).sum();
    numerals::value(&rest[..len]).map(|n| (n, '之'.len_utf8() + len))
}

/// An enumerator at the start of a line.
fn item(line: &str) -> Option<Line> {
    let first = line.chars().next()?;
    if let Some(n) = circled(first) {
        return Some(Line::Item { style: Style::Circled, number: n, label_end: first.len_utf8() });
    }
    if first == '（' || first == '(' {
        let inner = &line[first.len_utf8()..];
        let close = inner.find(['）', ')'])?;
        let digits = &inner[..close];
        let number = numerals::value(digits)?;
        let close_len = inner[close..].chars().next()?.len_utf8();
        let style = if digits.chars().all(|c| numerals::arabic(c).is_some()) {
            Style::ParenArabic
        } else {
            Style::ParenChinese
        };
        return Some(Line::Item { style, number, label_end: first.len_utf8() + close + close_len });
    }
    let len: usize = line
        .chars()
        .take_while(|&c| numerals::is_chinese_digit(c) || numerals::arabic(c).is_some())
        .map(char::len_utf8)
        .sum();
    let digits = &line[..len];
    let number = numerals::value(digits)?;
    let mut after = line[len..].chars();
    let mark = after.next()?;
    let arabic = digits.chars().all(|c| numerals::arabic(c).is_some());
    let style = match mark {
        '、' if arabic => Style::ArabicDot,
        '、' => Style::ChineseComma,
        // 1.5倍 is a number, not an item.
        '.' | '．' if arabic && after.next().is_none_or(|c| numerals::arabic(c).is_none()) => {
            Style::ArabicDot
        }
        _ => return None,
    };
    Some(Line::Item { style, number, label_end: len + mark.len_utf8() })
}

fn circled(c: char) -> Option<u32> {
    ('①'..='⑳').contains(&c).then(|| c as u32 - '①' as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_articles_and_items() {
        assert_eq!(
            classify("第二章　信息化规划与建设管理", 1),
            Line::Heading { level: Level::Chapter, number: 2, label_end: 9 }
        );
        assert!(matches!(
            classify("第一节 首次登记", 1),
            Line::Heading { level: Level::Section, .. }
        ));
        assert!(matches!(classify("第一编 总则", 1), Line::Heading { level: Level::Part, .. }));
        assert_eq!(
            classify("第十二条 本办法自公布之日起施行。", 12),
            Line::Article { number: 12, sub: None, label_end: 12 }
        );
        assert_eq!(
            classify("第12条 施行。", 1),
            Line::Article { number: 12, sub: None, label_end: 8 }
        );
        assert!(matches!(
            classify("第十条之一 新增。", 11),
            Line::Article { number: 10, sub: Some(1), .. }
        ));
        for (line, style, n) in [
            ("（一）登记申请书；", Style::ParenChinese, 1),
            ("(三) 其他", Style::ParenChinese, 3),
            ("十二、废止", Style::ChineseComma, 12),
            ("（1）付清地价款证明；", Style::ParenArabic, 1),
            ("2.以行政划拨方式", Style::ArabicDot, 2),
            ("3、以其他", Style::ArabicDot, 3),
            ("②其他", Style::Circled, 2),
        ] {
            assert!(
                matches!(classify(line, 1), Line::Item { style: s, number, .. } if s == style && number == n),
                "{line}"
            );
        }
    }

    #[test]
    fn sentences_that_only_look_like_units() {
        // No space after the label and not the next article: a sentence citing an article.
        assert_eq!(classify("第五条规定的情形，适用本办法。", 2), Line::Text);
        assert_eq!(
            classify("第五条规定的情形", 5),
            Line::Article { number: 5, sub: None, label_end: 9 }
        );
        assert_eq!(classify("第一章规定的事项由市政府负责。", 1), Line::Text);
        assert_eq!(classify("1.5倍以上的", 1), Line::Text);
        assert_eq!(classify("2018年1月1日起施行", 1), Line::Text);
        assert_eq!(classify("（以下简称市知识产权局）", 1), Line::Text);
        assert_eq!(classify("第条", 1), Line::Text);
        assert_eq!(classify("", 1), Line::Blank);
    }
}
