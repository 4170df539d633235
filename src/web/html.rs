//! The HTML building blocks of the public pages: escaping, the page frame with its inline
//! style, the validity badge and query-string encoding.

use crate::domain::validity::Validity;

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string value (UTF-8, everything but unreserved characters).
pub fn url_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string from pairs, leaving out empty values.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The form that asks for a tracking code, sent by GET to `action`.
pub fn code_form(action: &str, placeholder: &str, code: &str) -> String {
    format!(
        "<form class=\"search\" action=\"{action}\" method=\"get\">\
         <div><label for=\"code\">查询码</label><input id=\"code\" name=\"code\" value=\"{}\" placeholder=\"{placeholder}\" required></div>\
         <div><button type=\"submit\">查询</button></div></form>",
        esc(code)
    )
}

/// Everything is inline: the pages load nothing from elsewhere and work without JavaScript.
const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;font-family:system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;line-height:1.7;color:#1b1b1b;background:#fafafa}\
a{color:#0b57a4}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f5a623;outline-offset:2px}\
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px}\
header{background:#9e1b1b;color:#fff;padding:12px 16px}header a{color:#fff;text-decoration:none;font-weight:600;font-size:1.15rem}\
main{max-width:960px;margin:0 auto;padding:16px}\
footer{max-width:960px;margin:0 auto;padding:16px;color:#555;font-size:.875rem}\
form.search{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin:12px 0}\
form.search div{display:flex;flex-direction:column}\
input,select,button,textarea{font:inherit;padding:6px 8px;border:1px solid #767676;border-radius:4px;background:#fff}\
input[type=search]{min-width:16rem}textarea{width:100%}button{background:#9e1b1b;color:#fff;border-color:#9e1b1b;cursor:pointer}\
ol.results{list-style:none;padding:0}ol.results li{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;margin:0 0 12px}\
ol.results h2{font-size:1.1rem;margin:0 0 4px}.meta{color:#555;font-size:.9rem}\
mark{background:#ffe58a;color:inherit}\
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:.85rem;border:1px solid}\
.v-in_force{color:#0a6b2d;border-color:#0a6b2d;background:#e6f4ea}.v-not_yet_effective{color:#0b57a4;border-color:#0b57a4;background:#e8f0fb}\
.v-ended{color:#8a1c1c;border-color:#8a1c1c;background:#fbeaea}\
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px}\
dl.facts dt{color:#555}dl.facts dd{margin:0}\
.text{background:#fff;border:1px solid #ddd;border-radius:6px;padding:16px;white-space:pre-wrap;word-break:break-word}\
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:6px;text-align:left}\
nav.pages{display:flex;gap:16px;align-items:center;margin:16px 0}\
@media (max-width:600px){input[type=search]{min-width:0;width:100%}form.search div{width:100%}dl.facts{grid-template-columns:1fr}}";

/// A whole page: `title` is text (escaped here), `main` is HTML built with [`esc`]; its 订阅
/// link is the feed of every document.
pub fn page(title: &str, main: &str) -> String {
    page_with_feed(title, main, "/feed.atom")
}

/// [`page`] whose 订阅 link (and the feed it announces to browsers) is `feed`, the feed of
/// what the page shows (a search, an agency), as a path.
pub fn page_with_feed(title: &str, main: &str, feed: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} - 行政规范性文件库</title>\n\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"订阅：新公布、废止和失效的文件\" href=\"{feed}\">\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">跳到正文</a>\n\
         <header role=\"banner\"><a href=\"/\">行政规范性文件库</a> \
         <nav aria-label=\"站点\" style=\"display:inline\"><a href=\"/catalogues\" style=\"font-size:.9rem;font-weight:400;margin-left:12px\">年度目录</a> <a href=\"/suggestions\" style=\"font-size:.9rem;font-weight:400;margin-left:12px\">审查建议查询</a> <a href=\"/consultations\" style=\"font-size:.9rem;font-weight:400;margin-left:12px\">征求意见</a> \
         <a href=\"{feed}\" style=\"font-size:.9rem;font-weight:400;margin-left:12px\">订阅</a></nav></header>\n\
         <main id=\"main\" role=\"main\">\n{main}\n</main>\n\
         <footer role=\"contentinfo\">未经公布的规范性文件不得作为行政管理依据。本库只收录已公布的文件。</footer>\n\
         </body>\n</html>\n",
        title = esc(title),
        feed = esc(feed),
    )
}

/// The validity as a badge with the Chinese word; colour only repeats what the word says.
pub fn badge(validity: Option<Validity>) -> String {
    match validity {
        None => String::new(),
        Some(v) => {
            let class = match v {
                Validity::InForce => "v-in_force",
                Validity::NotYetEffective => "v-not_yet_effective",
                _ => "v-ended",
            };
            format!("<span class=\"badge {class}\">{}</span>", esc(v.chinese()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_both_quotes() {
        assert_eq!(
            esc("<a href='x'>\"&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn query_values_are_percent_encoded_in_utf8() {
        assert_eq!(
            query_string(&[("q", "许可 a&b"), ("agency", "")]),
            "q=%E8%AE%B8%E5%8F%AF%20a%26b"
        );
    }
}
