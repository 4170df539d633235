//! The citations on a document's page: what it cites (引用文件), each registry document linked
//! and each national law named with its level, and the published documents citing it
//! (被引用). A section of its own, so that the page's text can change shape without it.

use super::html::{badge, esc};
use crate::service::public_reading::PublicDocument;

fn level_label(level: &str) -> &'static str {
    match level {
        "constitution" => "宪法",
        "law" => "法律",
        "administrative_regulation" => "行政法规",
        "departmental_rule" => "部门规章",
        _ => "",
    }
}

/// Both lists, or nothing when the document neither cites nor is cited.
pub fn section(doc: &PublicDocument) -> String {
    let mut out = String::new();
    if !doc.cites.is_empty() {
        out.push_str("<section aria-labelledby=\"cites\"><h2 id=\"cites\">引用文件</h2><ul>\n");
        for c in &doc.cites {
            let item = match (&c.document_id, &c.law_title, &c.law_level) {
                (Some(id), _, _) => {
                    format!("<a href=\"/documents/{id}\">{}</a> {}", esc(&c.text), badge(c.status))
                }
                (None, Some(_), level) => format!(
                    "{} <span class=\"meta\">{}</span>",
                    esc(&c.text),
                    level_label(level.as_deref().unwrap_or(""))
                ),
                (None, None, _) => format!("{} <span class=\"meta\">未能对应</span>", esc(&c.text)),
            };
            out.push_str(&format!("<li>{item}</li>\n"));
        }
        out.push_str("</ul></section>\n");
    }
    if !doc.cited_by.is_empty() {
        out.push_str(
            "<section aria-labelledby=\"cited-by\"><h2 id=\"cited-by\">被以下文件引用</h2><ul>\n",
        );
        for d in &doc.cited_by {
            let number =
                d.issuance_number.as_deref().map(|n| format!("（{}）", esc(n))).unwrap_or_default();
            out.push_str(&format!(
                "<li><a href=\"/documents/{}\">{}</a>{number} {}</li>\n",
                d.id,
                esc(&d.title),
                badge(d.validity)
            ));
        }
        out.push_str("</ul></section>\n");
    }
    out
}
