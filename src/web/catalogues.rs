//! The annual catalogue pages: every agency's frozen catalogues, and one catalogue with its
//! changes since the year before and its list, linked to each document's page.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::html::{esc, page, url_encode};
use super::{error_page, HTML};
use crate::error::AppError;
use crate::http_caching::cached;
use crate::service::catalogues::{self, Entries, Loaded};
use crate::state::AppState;

/// Entries per page of a catalogue page.
const PER_PAGE: i64 = 100;

/// `/catalogues`: the frozen catalogues of every agency.
pub async fn index(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let all = match state.db.read(catalogues::all_frozen).await {
        Ok(all) => all,
        Err(e) => return error_page(e),
    };
    let mut main = String::from(
        "<h1>年度规范性文件目录</h1>\n<p>各机关每年公布截至12月31日现行有效的规范性文件目录。目录一经公布即冻结，之后的修改、废止不会改变已公布的目录。</p>\n",
    );
    if all.is_empty() {
        main.push_str("<p>尚未公布年度目录。</p>");
    } else {
        main.push_str("<table>\n<caption class=\"skip\">年度目录</caption>\n<thead><tr><th scope=\"col\">机关</th><th scope=\"col\">年度</th><th scope=\"col\">文件数</th><th scope=\"col\">公布时间</th></tr></thead>\n<tbody>\n");
        for (agency, c) in &all {
            main.push_str(&format!(
                "<tr><td><a href=\"/catalogues/{code}\">{name}</a></td><td><a href=\"/catalogues/{code}/{year}\">{year}年度</a></td><td>{n}</td><td>{at}</td></tr>\n",
                code = url_encode(&agency.code),
                name = esc(&agency.name),
                year = c.year,
                n = c.entry_count,
                at = c.frozen_at.date(),
            ));
        }
        main.push_str("</tbody>\n</table>");
    }
    cached(&req, HTML, page("年度目录", &main).into_bytes())
}

/// `/catalogues/{code}`: one agency's frozen catalogues.
pub async fn of_agency(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    let code = code.into_inner();
    let found = state.db.read(move |conn| catalogues::frozen_of_agency(conn, &code)).await;
    let (agency, mine) = match found {
        Ok((_, rows)) if rows.is_empty() => return error_page(AppError::NotFound("catalogue")),
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let mut main = format!("<h1>{}年度规范性文件目录</h1>\n<ul>\n", esc(&agency.name));
    for c in &mine {
        main.push_str(&format!(
            "<li><a href=\"/catalogues/{code}/{year}\">{year}年度目录</a>（{n}件，截至{as_of}）</li>\n",
            code = url_encode(&agency.code),
            year = c.year,
            n = c.entry_count,
            as_of = c.as_of,
        ));
    }
    main.push_str("</ul>");
    let title = format!("{}年度目录", agency.name);
    let feed = super::feed::link(&[("agency", &agency.code)]);
    cached(&req, HTML, super::html::page_with_feed(&title, &main, &feed).into_bytes())
}

#[derive(Debug, Default, Deserialize)]
pub struct CataloguePageQuery {
    #[serde(default)]
    pub page: String,
}

/// `/catalogues/{code}/{year}`: one frozen catalogue.
pub async fn catalogue(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<CataloguePageQuery>,
) -> HttpResponse {
    let (code, year) = path.into_inner();
    let Ok(year) = year.parse::<i32>() else {
        return error_page(AppError::NotFound("catalogue"));
    };
    let page_no = match query.page.trim() {
        "" => 1,
        raw => match raw.parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => n,
            _ => return error_page(AppError::invalid("page", "请输入页码")),
        },
    };
    let wanted = Entries::Page { page: page_no, per_page: PER_PAGE, texts: false };
    match state.db.read(move |conn| catalogues::load(conn, &code, year, wanted)).await {
        Ok(loaded) => cached(&req, HTML, catalogue_page(&loaded, page_no).into_bytes()),
        Err(e) => error_page(e),
    }
}

/// The official text's SHA-256 at freeze time: its first 12 hex digits, the whole value in the
/// title (and in the JSON and CSV forms); a dash when the document had none.
fn official_text_cell(sha256: Option<&str>) -> String {
    match sha256 {
        Some(h) => format!(
            "<code title=\"SHA-256 {full}\">{short}…</code>",
            full = esc(h),
            short = esc(&h.chars().take(12).collect::<String>())
        ),
        None => "—".into(),
    }
}

fn catalogue_page(c: &Loaded, page_no: i64) -> String {
    let code = url_encode(&c.agency.code);
    let mut main = format!(
        "<h1>{name}{year}年度规范性文件目录</h1>\n\
         <dl class=\"facts\"><dt>截至</dt><dd>{as_of}</dd><dt>现行有效文件</dt><dd>{n}件</dd>\
         <dt>公布时间</dt><dd>{at}</dd><dt>内容校验值</dt><dd><code style=\"word-break:break-all\">{hash}</code></dd></dl>\n\
         <p><a href=\"/api/v1/public/catalogues/{code}/{year}?format=csv\" download>下载目录（CSV）</a> · \
         <a href=\"/api/v1/public/catalogues/{code}/{year}?format=csv&amp;list=changes\" download>下载变化情况（CSV）</a> · \
         <a href=\"/api/v1/public/catalogues/{code}/{year}.akn.zip\" download>下载全部文件（Akoma Ntoso，ZIP）</a> · \
         <a href=\"/catalogues/{code}\">其他年度</a></p>\n",
        name = esc(&c.agency.name),
        year = c.row.year,
        as_of = c.row.as_of,
        n = c.row.entry_count,
        at = c.row.frozen_at.date(),
        hash = esc(&c.row.content_hash),
    );
    main.push_str("<section aria-labelledby=\"changes\"><h2 id=\"changes\">较上年变化</h2>\n");
    if c.changes.is_empty() {
        main.push_str("<p>与上年相比没有变化。</p>");
    } else {
        main.push_str("<table>\n<thead><tr><th scope=\"col\">变化</th><th scope=\"col\">文件名称</th><th scope=\"col\">文号</th><th scope=\"col\">日期</th><th scope=\"col\">理由</th></tr></thead>\n<tbody>\n");
        for ch in &c.changes {
            main.push_str(&format!(
                "<tr><td>{}</td><td><a href=\"/documents/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(ch.change.chinese()),
                esc(&ch.document_id),
                esc(&ch.title),
                esc(ch.issuance_number.as_deref().unwrap_or("")),
                ch.on_date.map(|d| d.to_string()).unwrap_or_default(),
                esc(ch.reason.as_deref().unwrap_or("")),
            ));
        }
        main.push_str("</tbody>\n</table>");
    }
    main.push_str("</section>\n<section aria-labelledby=\"list\"><h2 id=\"list\">目录</h2>\n");
    if c.entries.is_empty() {
        main.push_str("<p>本页没有文件。</p>");
    } else {
        main.push_str("<table>\n<thead><tr><th scope=\"col\">序号</th><th scope=\"col\">文件名称</th><th scope=\"col\">文号</th><th scope=\"col\">公布日期</th><th scope=\"col\">有效期至</th><th scope=\"col\">正式文本校验值</th></tr></thead>\n<tbody>\n");
        for e in &c.entries {
            main.push_str(&format!(
                "<tr><td>{}</td><td><a href=\"/documents/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                e.position,
                esc(&e.document_id),
                esc(&e.title),
                esc(e.issuance_number.as_deref().unwrap_or("")),
                e.published_on,
                e.valid_until,
                official_text_cell(e.official_text_sha256.as_deref()),
            ));
        }
        main.push_str("</tbody>\n</table>");
    }
    let pages = (i64::from(c.row.entry_count) + PER_PAGE - 1) / PER_PAGE;
    if pages > 1 {
        main.push_str("<nav class=\"pages\" aria-label=\"分页\">");
        if page_no > 1 {
            main.push_str(&format!(
                "<a href=\"/catalogues/{code}/{}?page={}\" rel=\"prev\">上一页</a>",
                c.row.year,
                page_no - 1
            ));
        }
        main.push_str(&format!("<span>第{page_no}页，共{pages}页</span>"));
        if page_no < pages {
            main.push_str(&format!(
                "<a href=\"/catalogues/{code}/{}?page={}\" rel=\"next\">下一页</a>",
                c.row.year,
                page_no + 1
            ));
        }
        main.push_str("</nav>");
    }
    main.push_str("</section>");
    let title = format!("{}{}年度目录", c.agency.name, c.row.year);
    page(&title, &main)
}
