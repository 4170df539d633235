//! Resolved citations as `<ref href="…">` inside the Akoma Ntoso text: where each lies in the
//! body (citations count characters, the structure counts bytes), the URI of what it names,
//! and the inline text of a unit with its refs written in.
//!
//! A ref is written only when its span lies whole inside the text one `<p>` holds: a span
//! across two units (or reaching into a label or heading) stays plain text, so the XML never
//! nests wrongly and the text always reads the same with or without its refs.

use super::{esc, slug};

/// A resolved citation placed in the body: the bytes `start..end` name `href`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub start: usize,
    pub end: usize,
    pub href: String,
}

/// One resolved citation as the citations of a document give it: the character span in the
/// body (end exclusive), the characters it covered when it was found, and the URI it names.
#[derive(Clone, Debug)]
pub struct CharSpan<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub href: String,
}

/// The refs of `body`, in body order: each citation's character span turned into bytes. A
/// citation whose characters are no longer there (a body changed after it was scanned) and
/// one overlapping an earlier ref are left out.
pub fn place(body: &str, cites: Vec<CharSpan>) -> Vec<Ref> {
    // Byte offset of every character boundary, the end included.
    let bounds: Vec<usize> = body.char_indices().map(|(i, _)| i).chain([body.len()]).collect();
    let mut refs: Vec<Ref> = cites
        .into_iter()
        .filter_map(|c| {
            let (start, end) = (*bounds.get(c.start)?, *bounds.get(c.end)?);
            (start < end && body.get(start..end) == Some(c.text)).then_some(Ref {
                start,
                end,
                href: c.href,
            })
        })
        .collect();
    refs.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Ref> = Vec::with_capacity(refs.len());
    for r in refs {
        if out.last().is_none_or(|last| r.start >= last.end) {
            out.push(r);
        }
    }
    out
}

/// The URI of a national law, administrative regulation or rule of the shipped list:
/// `/akn/cn/act/national/<level>/<title>`, the title as the list writes it (without
/// 中华人民共和国) percent-encoded in UTF-8. It names the work, so it does not change when
/// the list moves to a newer version of the law.
pub fn law_uri(level: &str, title: &str) -> String {
    format!("/akn/cn/act/national/{}/{}", slug(level), percent(title))
}

/// Percent-encoding of everything but the unreserved characters of RFC 3986.
fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `text`, which starts at byte `at` of the body (`None`: not taken from the body), escaped
/// with the refs that lie whole inside it written as `<ref>`.
pub fn inline(text: &str, at: Option<usize>, refs: &[Ref]) -> String {
    let Some(at) = at else { return esc(text) };
    let end = at + text.len();
    let mut out = String::with_capacity(text.len() + 64);
    let mut done = at;
    for r in refs.iter().filter(|r| r.start >= at && r.end <= end) {
        out.push_str(&esc(&text[done - at..r.start - at]));
        out.push_str(&format!(
            "<ref href=\"{}\">{}</ref>",
            esc(&r.href),
            esc(&text[r.start - at..r.end - at])
        ));
        done = r.end;
    }
    out.push_str(&esc(&text[done - at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cite<'a>(body: &'a str, text: &'a str, href: &str) -> CharSpan<'a> {
        let byte = body.find(text).unwrap();
        let start = body[..byte].chars().count();
        CharSpan { start, end: start + text.chars().count(), text, href: href.into() }
    }

    #[test]
    fn character_spans_become_byte_ranges_and_stale_or_overlapping_ones_are_dropped() {
        let body = "根据《行政许可法》和沈政规〔2026〕1号，制定本办法。";
        let law = cite(body, "《行政许可法》", "/law");
        let number = cite(body, "沈政规〔2026〕1号", "/doc");
        let stale = CharSpan { start: 0, end: 2, text: "依照", href: "/x".into() };
        let overlapping = CharSpan { href: "/inner".into(), ..cite(body, "行政许可法", "") };
        let out_of_range = CharSpan { start: 90, end: 95, text: "x", href: "/y".into() };
        let refs = place(body, vec![number, overlapping, law, stale, out_of_range]);
        assert_eq!(refs.len(), 2, "{refs:?}");
        assert_eq!(&body[refs[0].start..refs[0].end], "《行政许可法》");
        assert_eq!(refs[0].href, "/law");
        assert_eq!(&body[refs[1].start..refs[1].end], "沈政规〔2026〕1号");
    }

    #[test]
    fn refs_inside_the_text_are_written_escaped_and_others_stay_plain() {
        let body = "甲<乙>依照《A&B办法》执行。\n第二行《丙》";
        let refs = place(
            body,
            vec![
                cite(body, "《A&B办法》", "/akn/cn-ln/act/2026/1?a=1&b=2"),
                cite(body, "《丙》", "/akn/cn-ln/act/2026/2"),
            ],
        );
        let first = body.lines().next().unwrap();
        assert_eq!(
            inline(first, Some(0), &refs),
            "甲&lt;乙&gt;依照<ref href=\"/akn/cn-ln/act/2026/1?a=1&amp;b=2\">《A&amp;B办法》</ref>执行。"
        );
        // A text that holds only part of a ref (a span across units) keeps it plain.
        let part = &body[..body.find("办法》").unwrap()];
        assert_eq!(inline(part, Some(0), &refs), esc(part));
        assert_eq!(inline(first, None, &refs), esc(first));
        let second = body.lines().nth(1).unwrap();
        let at = body.find(second).unwrap();
        assert_eq!(
            inline(second, Some(at), &refs),
            "第二行<ref href=\"/akn/cn-ln/act/2026/2\">《丙》</ref>"
        );
    }

    #[test]
    fn a_law_has_a_stable_ascii_uri() {
        assert_eq!(
            law_uri("administrative_regulation", "政府信息公开条例"),
            "/akn/cn/act/national/administrative-regulation/%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E6%9D%A1%E4%BE%8B"
        );
        assert_eq!(law_uri("law", "A b"), "/akn/cn/act/national/law/A%20b");
    }
}
