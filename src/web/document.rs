//! The page of one published document: its facts, text, interpretations and versions, and
//! the form to suggest that its filing authority review it.

use actix_web::{web, HttpRequest, HttpResponse};

use super::html::{badge, esc, page_with_feed, query_string};
use super::{error_page, HTML};
use crate::domain::files::StoredFile;
use crate::domain::ids::DocumentId;
use crate::error::AppError;
use crate::http_caching::cached;
use crate::service::files;
use crate::service::public_reading::{self, PublicDocument};
use crate::service::suggestions::MAX_SUGGESTION;
use crate::state::AppState;

fn document_page(doc: &PublicDocument, official: &[StoredFile]) -> String {
    let mut facts = Vec::new();
    let mut fact =
        |label: &str, value: String| facts.push(format!("<dt>{}</dt><dd>{value}</dd>", esc(label)));
    fact("时效性", badge(doc.validity));
    if let Some(n) = &doc.issuance_number {
        fact("文号", esc(n));
    }
    if let Some(n) = &doc.registration_number {
        fact("登记号", esc(n));
    }
    if let Some(a) = &doc.agency {
        fact(
            "发布机关",
            format!(
                "<a href=\"/search?{}\">{}</a>",
                esc(&query_string(&[("agency", &a.code)])),
                esc(&a.name)
            ),
        );
    }
    if let Some(d) = doc.published_on {
        fact("公布日期", d.to_string());
    }
    if let Some(d) = doc.effective_on {
        fact("施行日期", d.to_string());
    }
    if let Some(d) = doc.valid_until {
        fact("有效期至", d.to_string());
    }
    if let Some(d) = doc.ended_on {
        fact("终止日期", d.to_string());
    }
    if let Some(r) = &doc.ended_reason {
        fact("终止原因", esc(r));
    }
    if let Some(c) = &doc.channel {
        fact("公布载体", esc(c));
    }
    // The official text as issued (正式文本): its latest version, downloaded from the API.
    if let Some(f) = official.iter().max_by_key(|f| f.version) {
        fact(
            "正式文本",
            format!(
                "<a href=\"/api/v1/public/documents/{}/files/{}\" download>{}</a>（{} 字节，SHA-256 {}）",
                doc.id,
                f.id,
                esc(&f.name),
                f.size,
                esc(&f.sha256)
            ),
        );
    }
    let mut versions = String::new();
    if !doc.versions.is_empty() {
        versions.push_str(
            "<section aria-labelledby=\"versions\"><h2 id=\"versions\">历次版本</h2>\n<table>\
             <caption class=\"skip\">本文件已公布的各个版本</caption>\
             <thead><tr><th scope=\"col\">版本</th><th scope=\"col\">标题</th><th scope=\"col\">文号</th>\
             <th scope=\"col\">公布日期</th><th scope=\"col\">时效性</th></tr></thead><tbody>\n",
        );
        for v in &doc.versions {
            let current = if v.id == doc.id { " aria-current=\"page\"" } else { "" };
            versions.push_str(&format!(
                "<tr><td>{n}</td><td><a href=\"/documents/{id}\"{current}>{title}</a></td><td>{number}</td><td>{date}</td><td>{badge}</td></tr>\n",
                n = v.version,
                id = v.id,
                title = esc(&v.title),
                number = esc(v.issuance_number.as_deref().unwrap_or("")),
                date = v.published_on.map(|d| d.to_string()).unwrap_or_default(),
                badge = badge(v.validity),
            ));
        }
        versions.push_str("</tbody></table></section>");
    }
    let main = format!(
        "<article aria-labelledby=\"title\"><h1 id=\"title\">{title}</h1>\n<dl class=\"facts\">{facts}</dl>\n\
         {compare}{toc}<h2>正文</h2>\n{body}\n</article>\n{citations}{interpretations}{consultations}{versions}\n{suggest}{style}",
        title = esc(&doc.title),
        facts = facts.join(""),
        compare = super::structured::comparison_links(doc),
        toc = super::structured::toc(doc),
        body = super::structured::text(doc),
        citations = super::document_citations::section(doc),
        style = super::structured::STYLE,
        interpretations = interpretations_section(doc),
        consultations = consultations_section(doc),
        suggest = suggestion_form(doc.id),
    );
    // 订阅 follows the document's agency.
    let code = doc.agency.as_ref().map(|a| a.code.as_str()).unwrap_or("");
    page_with_feed(&doc.title, &main, &super::feed::link(&[("agency", code)]))
}

/// Links to the public consultations of its draft and their feedback (意见采纳情况).
fn consultations_section(doc: &PublicDocument) -> String {
    if doc.consultations.is_empty() {
        return String::new();
    }
    let items: String = doc
        .consultations
        .iter()
        .map(|c| {
            format!(
                "<li><a href=\"/consultations/{}\">公开征求意见（{} 至 {}）及意见采纳情况</a></li>",
                c.id, c.opens_on, c.closes_on
            )
        })
        .collect();
    format!("<section aria-labelledby=\"consulted\"><h2 id=\"consulted\">公开征求意见</h2><ul>{items}</ul></section>\n")
}

/// The interpretations published with the document, each with its date and 文号.
fn interpretations_section(doc: &PublicDocument) -> String {
    if doc.interpretations.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section aria-labelledby=\"interpretations\"><h2 id=\"interpretations\">解释</h2>\n",
    );
    for i in &doc.interpretations {
        let number =
            i.issuance_number.as_deref().map(|n| format!(" · {}", esc(n))).unwrap_or_default();
        out.push_str(&format!(
            "<article><h3>{title}</h3><p class=\"meta\">{date} 发布{number}</p><div class=\"text\">{body}</div></article>\n",
            title = esc(&i.title),
            date = i.issued_on,
            body = esc(&i.body),
        ));
    }
    out.push_str("</section>\n");
    out
}

/// `GET /documents/{id}`: one published document.
pub(super) async fn document(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let Ok(id) = id.parse::<DocumentId>() else {
        return error_page(AppError::NotFound("document"));
    };
    let clock = state.clock.clone();
    let read = state.db.read(move |conn| {
        let doc = public_reading::document(conn, clock.as_ref(), id)?;
        Ok::<_, AppError>((doc, files::public_list(conn, id)?))
    });
    match read.await {
        Ok((doc, official)) => cached(&req, HTML, document_page(&doc, &official).into_bytes()),
        Err(e) => error_page(e),
    }
}

/// The form to ask the filing authority to review the document.
fn suggestion_form(document_id: DocumentId) -> String {
    format!(
        "<section aria-labelledby=\"suggest\"><h2 id=\"suggest\">提出审查建议</h2>\n\
         <p>认为本文件违法或者不当的，可以向备案审查机关提出审查建议。提交后请保存查询码。</p>\n\
         <form class=\"search\" action=\"/documents/{id}/suggestions\" method=\"post\">\n\
         <div style=\"width:100%\"><label for=\"content\">建议内容（不超过10000字）</label>\
         <textarea id=\"content\" name=\"content\" rows=\"6\" maxlength=\"{max}\" required></textarea></div>\n\
         <div><label for=\"contact\">联系方式（选填，不会公开）</label><input id=\"contact\" name=\"contact\" maxlength=\"200\" autocomplete=\"email\"></div>\n\
         <div><button type=\"submit\">提交建议</button></div>\n</form></section>",
        id = document_id,
        max = MAX_SUGGESTION,
    )
}
