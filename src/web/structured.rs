//! Structured texts on the pages: a document's table of contents and its text unit by unit
//! (each article, paragraph and item with its anchor, paragraphs with the first-line indent
//! of Chinese official texts), the print stylesheet, and the comparison page of two versions
//! (`GET /documents/{id}/compare?with=`), which both versions link to.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::html::{esc, page};
use super::{error_page, HTML};
use crate::domain::ids::DocumentId;
use crate::domain::structure::compare::{ArticleChange, Change, SegmentOp};
use crate::domain::structure::{Unit, UnitKind};
use crate::error::AppError;
use crate::http_caching::cached;
use crate::service::public_reading::PublicDocument;
use crate::service::structured_texts::{self, CompareQuery, Comparison};
use crate::state::AppState;

/// The styles of structured texts, and what a printed page leaves out (navigation, forms).
pub const STYLE: &str = "<style>\
nav.toc{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 16px;margin:12px 0}\
nav.toc ol{padding-left:1.2em;margin:4px 0}nav.toc .arts a{margin-right:.6em;white-space:nowrap}\
.text.structured{white-space:normal}\
.structured h3,.structured h4{text-align:center;margin:1em 0 .5em}\
.structured p{text-indent:2em;margin:0 0 .4em}\
.structured a.label{font-weight:600;color:inherit;text-decoration:none}\
.structured :target{background:#fff4cc}\
table.compare td{vertical-align:top;width:40%}table.compare td.change{width:20%}\
del{background:#fbeaea;color:#8a1c1c}ins{background:#e6f4ea;color:#0a6b2d;text-decoration:none;border-bottom:1px solid}\
@media print{header,footer,nav.toc,form,.no-print,a.skip{display:none}\
body{background:#fff;font-size:12pt;line-height:1.8}main{max-width:none;padding:0}\
.text{border:0;padding:0}a{color:inherit;text-decoration:none}\
.structured h3{page-break-after:avoid}.structured .article{page-break-inside:avoid}}\
</style>";

/// The table of contents: parts, chapters and sections with their articles; a text with
/// articles only lists them.
pub fn toc(doc: &PublicDocument) -> String {
    let units = &doc.structure;
    if !units.iter().any(|u| u.kind != UnitKind::Paragraph) {
        return String::new();
    }
    format!(
        "<nav class=\"toc\" aria-labelledby=\"toc\"><h2 id=\"toc\">目录</h2>{}</nav>\n",
        toc_list(units)
    )
}

fn toc_list(units: &[Unit]) -> String {
    let articles: Vec<&Unit> = units.iter().filter(|u| u.kind == UnitKind::Article).collect();
    let mut out = String::new();
    if !articles.is_empty() {
        out.push_str("<p class=\"arts\">");
        for a in articles {
            out.push_str(&format!("<a href=\"#{}\">{}</a> ", esc(&a.anchor), esc(&a.label)));
        }
        out.push_str("</p>");
    }
    let heads: Vec<&Unit> = units
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::Part | UnitKind::Chapter | UnitKind::Section))
        .collect();
    if !heads.is_empty() {
        out.push_str("<ol>");
        for h in heads {
            out.push_str(&format!(
                "<li><a href=\"#{}\">{}　{}</a>{}</li>",
                esc(&h.anchor),
                esc(&h.label),
                esc(h.heading.as_deref().unwrap_or("")),
                toc_list(&h.children)
            ));
        }
        out.push_str("</ol>");
    }
    out
}

/// The text, unit by unit, each with its anchor as `id`.
pub fn text(doc: &PublicDocument) -> String {
    let mut out = String::from("<div class=\"text structured\">");
    if doc.structure.iter().any(|u| u.kind != UnitKind::Paragraph || !u.children.is_empty()) {
        for u in &doc.structure {
            unit(&mut out, u, "");
        }
    } else {
        for line in doc.body.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push_str(&format!("<p>{}</p>", esc(line)));
        }
    }
    out.push_str("</div>");
    out
}

/// `label` is the article's, put before its first paragraph.
fn unit(out: &mut String, u: &Unit, label: &str) {
    let id = esc(&u.anchor);
    match u.kind {
        UnitKind::Part | UnitKind::Chapter | UnitKind::Section => {
            let tag = if u.kind == UnitKind::Section { "h4" } else { "h3" };
            let heading = esc(u.heading.as_deref().unwrap_or(""));
            out.push_str(&format!("<{tag} id=\"{id}\">{}　{heading}</{tag}>", esc(&u.label)));
            for c in &u.children {
                unit(out, c, "");
            }
        }
        UnitKind::Article => {
            let link = format!("<a class=\"label\" href=\"#{id}\">{}</a>　", esc(&u.label));
            out.push_str(&format!("<div class=\"article\" id=\"{id}\">"));
            if u.children.is_empty() {
                out.push_str(&format!("<p>{link}</p>"));
            }
            for (i, c) in u.children.iter().enumerate() {
                unit(out, c, if i == 0 { &link } else { "" });
            }
            out.push_str("</div>");
        }
        UnitKind::Paragraph | UnitKind::Item | UnitKind::Subitem => {
            let class = if u.kind == UnitKind::Paragraph { "" } else { " class=\"item\"" };
            let t = esc(u.text.as_deref().unwrap_or(""));
            out.push_str(&format!("<p id=\"{id}\"{class}>{label}{t}</p>"));
            for c in &u.children {
                unit(out, c, "");
            }
        }
    }
}

/// Links to the comparisons with the previous and the next published version.
pub fn comparison_links(doc: &PublicDocument) -> String {
    let prev = doc.versions.iter().filter(|v| v.version < doc.version).max_by_key(|v| v.version);
    let next = doc.versions.iter().filter(|v| v.version > doc.version).min_by_key(|v| v.version);
    let mut links = Vec::new();
    if let Some(p) = prev {
        links.push(format!(
            "<a href=\"/documents/{}/compare?with={}\">与上一版本（第{}版）对照</a>",
            doc.id, p.id, p.version
        ));
    }
    if let Some(n) = next {
        links.push(format!(
            "<a href=\"/documents/{}/compare?with={}\">与修改后版本（第{}版）对照</a>",
            n.id, doc.id, n.version
        ));
    }
    if links.is_empty() {
        return String::new();
    }
    format!("<p class=\"compare-links no-print\">修改对照表：{}</p>\n", links.join("　"))
}

#[derive(Debug, Deserialize)]
pub(super) struct CompareParams {
    with: Option<String>,
}

/// `GET /documents/{id}/compare`: the 修改对照表 of a published version and an earlier one.
pub(super) async fn compare_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<CompareParams>,
) -> HttpResponse {
    let Ok(id) = id.parse::<DocumentId>() else {
        return error_page(AppError::NotFound("document"));
    };
    let query = CompareQuery { with: params.into_inner().with };
    match state.db.read(move |conn| structured_texts::compare(conn, id, &query)).await {
        Ok(c) => cached(&req, HTML, comparison_page(&c).into_bytes()),
        Err(e) => error_page(e),
    }
}

fn comparison_page(c: &Comparison) -> String {
    let mut rows = String::new();
    for a in &c.articles {
        rows.push_str(&format!(
            "<tr class=\"c-{change}\"><td>{old}</td><td>{new}</td><td class=\"change\">{label}</td></tr>\n",
            change = change_word(a.change),
            old = side(a, true),
            new = side(a, false),
            label = change_label(a),
        ));
    }
    let n = &c.counts;
    let main = format!(
        "{STYLE}<h1 id=\"title\">{title} 修改对照表</h1>\n\
         <p class=\"meta\">第{wv}版 <a href=\"/documents/{wid}\">{wtitle}</a> → 第{v}版 <a href=\"/documents/{id}\">{title}</a></p>\n\
         <p class=\"summary\">修改 {changed} 条，新增 {added} 条，删除 {deleted} 条，条序变动 {moved} 条，未修改 {unchanged} 条。</p>\n\
         <table class=\"compare\"><caption class=\"skip\">逐条对照</caption><thead><tr>\
         <th scope=\"col\">原条文</th><th scope=\"col\">修改后条文</th><th scope=\"col\">说明</th></tr></thead><tbody>\n{rows}</tbody></table>",
        title = esc(&c.title),
        wtitle = esc(&c.with_title),
        wv = c.with_version,
        v = c.version,
        wid = c.with_document_id,
        id = c.document_id,
        changed = n.changed,
        added = n.added,
        deleted = n.deleted,
        moved = n.moved,
        unchanged = n.unchanged,
    );
    page(&format!("{} 修改对照表", c.title), &main)
}

/// One side of a row: its label and text, the changed characters marked.
fn side(a: &ArticleChange, old: bool) -> String {
    let (label, text) = if old { (&a.old_label, &a.old_text) } else { (&a.new_label, &a.new_text) };
    let Some(text) = text else { return String::new() };
    let label = esc(label.as_deref().unwrap_or(""));
    let body = match &a.diff {
        Some(segments) => segments
            .iter()
            .filter_map(|s| match (s.op, old) {
                (SegmentOp::Equal, _) => Some(esc(&s.text)),
                (SegmentOp::Delete, true) => Some(format!("<del>{}</del>", esc(&s.text))),
                (SegmentOp::Insert, false) => Some(format!("<ins>{}</ins>", esc(&s.text))),
                _ => None,
            })
            .collect(),
        None => esc(text),
    };
    format!("<strong>{label}</strong>　{body}")
}

fn change_word(c: Change) -> &'static str {
    match c {
        Change::Unchanged => "unchanged",
        Change::Changed => "changed",
        Change::Added => "added",
        Change::Deleted => "deleted",
        Change::Moved => "moved",
    }
}

fn change_label(a: &ArticleChange) -> String {
    match a.change {
        Change::Unchanged => "未修改".into(),
        Change::Changed => "修改".into(),
        Change::Added => "新增".into(),
        Change::Deleted => "删除".into(),
        Change::Moved => {
            let edited = if a.diff.is_some() { "并修改" } else { "" };
            format!(
                "条序变动（{}→{}）{edited}",
                esc(a.old_label.as_deref().unwrap_or("")),
                esc(a.new_label.as_deref().unwrap_or(""))
            )
        }
    }
}
