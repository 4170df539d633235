//! The Atom feeds (`/feed.atom`): the public catalogue with the public search's filters
//! (`agency`, `q`, `validity`, `year`, `include_sub`, `valid_on`), paged with RFC 5005 links
//! (`first`, `previous`, `next`, `last`) and OpenSearch totals, each entry a published document
//! updated at its latest public change. A person who opens a feed in a browser sees a Chinese
//! page: rendered here when the browser asks for HTML (and names no feed type), and otherwise
//! by the XSLT stylesheet (`/feed.xsl`) the feed names. Absolute URLs start with
//! `NORMREG_PUBLIC_URL`, never with the request's `Host`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::html::{esc, query_string};
use crate::domain::lifecycle::Status;
use crate::domain::validity::Validity;
use crate::http_caching::cached;
use crate::service::feeds::{self, FeedEntry, FeedPage};
use crate::service::public_reading::{Catalogue, CatalogueQuery};
use crate::state::AppState;

/// The stylesheet that renders a feed as a page, served at `/feed.xsl`.
const STYLESHEET: &str = include_str!("feed.xsl");

/// The word an entry's title starts with, by the action of its latest public change (one of
/// `public_reading::public_actions`).
fn word_of(action: Option<&str>) -> &'static str {
    let words = [
        (Status::Published.as_str(), "公布"),
        (Validity::Repealed.as_str(), "废止"),
        (Validity::Revoked.as_str(), "撤销"),
        (Validity::DeclaredInvalid.as_str(), "宣布失效"),
        (Validity::Expired.as_str(), "失效"),
    ];
    match action {
        None => "公布",
        Some(action) => words.iter().find(|(a, _)| *a == action).map_or("更新", |(_, w)| *w),
    }
}

/// The filters of a feed as query-string pairs, in a fixed order, so that a feed's id and
/// links are the same whatever order its request named them in.
fn filters(query: &CatalogueQuery) -> Vec<(&'static str, String)> {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
    vec![
        ("q", text(&query.q)),
        ("validity", text(&query.validity)),
        ("agency", text(&query.agency)),
        (
            "include_sub",
            if query.include_sub == Some(true) { "true".into() } else { String::new() },
        ),
        ("year", query.year.map(|y| y.to_string()).unwrap_or_default()),
        ("valid_on", text(&query.valid_on)),
        ("per_page", query.per_page.map(|n| n.to_string()).unwrap_or_default()),
    ]
}

/// `{base}{path}?{filters}[&page=n]`, escaped for XML.
pub(super) fn url(
    base: &str,
    path: &str,
    filters: &[(&'static str, String)],
    page: Option<i64>,
) -> String {
    let page = page.map(|p| p.to_string()).unwrap_or_default();
    let mut pairs: Vec<(&str, &str)> = filters.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("page", &page));
    let qs = query_string(&pairs);
    let sep = if qs.is_empty() { "" } else { "?" };
    esc(&format!("{base}{path}{sep}{qs}"))
}

pub(super) fn rfc3339(at: chrono::NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn title_of(query: &CatalogueQuery, page: &FeedPage) -> String {
    let mut parts = vec!["行政规范性文件".to_string()];
    if let Some(name) = &page.agency_name {
        parts.push(name.clone());
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        parts.push(format!("“{q}”"));
    }
    if let Some(v) = query.validity.as_deref().and_then(Validity::parse) {
        parts.push(v.chinese().to_string());
    }
    if let Some(year) = query.year {
        parts.push(format!("{year}年公布"));
    }
    parts.join(" · ")
}

fn entry(base: &str, e: &FeedEntry) -> String {
    let doc = &e.document;
    let word = word_of(e.change.as_deref());
    let mut summary = Vec::new();
    if let Some(n) = &doc.issuance_number {
        summary.push(n.clone());
    }
    if let Some(d) = doc.published_on {
        summary.push(format!("{d} 公布"));
    }
    if let Some(label) = &doc.validity_label {
        summary.push(label.clone());
    }
    let author = doc.agency.as_ref().map(|a| a.name.as_str()).unwrap_or("行政规范性文件库");
    let published = doc
        .published_on
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|at| format!("<published>{}</published>\n", rfc3339(at)))
        .unwrap_or_default();
    let category = doc
        .validity
        .map(|v| format!("<category term=\"{}\" label=\"{}\"/>\n", v.as_str(), esc(v.chinese())))
        .unwrap_or_default();
    format!(
        "<entry>\n<id>{base}/documents/{id}</id>\n<title>{word}：{title}</title>\n<updated>{updated}</updated>\n\
         {published}<author><name>{author}</name></author>\n{category}\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/documents/{id}\"/>\n<summary>{summary}</summary>\n</entry>\n",
        base = esc(base),
        id = doc.id,
        title = esc(&doc.title),
        updated = rfc3339(e.updated),
        author = esc(author),
        summary = esc(&summary.join("；")),
    )
}

/// The namespace of the history's checkpoint in a feed (an Atom extension element).
const HISTORY_NS: &str = "urn:normreg:history";

/// The latest checkpoint of the history as a feed-level extension element, with a link to the
/// public list of checkpoints: whoever keeps a copy can later prove that history before it
/// was not rewritten (`normreg verify` fails on a history that no longer matches it).
fn checkpoint(base: &str, c: &crate::service::history::Checkpoint) -> String {
    format!(
        "<history:checkpoint seq=\"{seq}\" made_at=\"{made_at}\" hash=\"{hash}\" root=\"{root}\" \
         previous=\"{previous}\" chain_count=\"{chains}\" href=\"{base}/api/v1/public/checkpoints\"/>\n",
        seq = c.seq,
        made_at = c.made_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        hash = esc(&c.hash),
        root = esc(&c.root),
        previous = esc(&c.previous),
        chains = c.chain_count,
    )
}

/// The feed document of one page.
fn render(base: &str, query: &CatalogueQuery, page: &FeedPage) -> String {
    let filters = filters(query);
    // An empty feed still needs a date; a fixed one keeps its ETag stable.
    let updated = page
        .entries
        .iter()
        .map(|e| e.updated)
        .max()
        .map(rfc3339)
        .unwrap_or_else(|| "2026-01-01T00:00:00Z".to_string());
    let feed_url = |p: i64| url(base, "/feed.atom", &filters, Some(p));
    let mut links = format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         <link rel=\"first\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         <link rel=\"last\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        feed_url(page.page),
        feed_url(1),
        feed_url(page.last_page),
    );
    if page.page > 1 {
        let previous = (page.page - 1).min(page.last_page);
        links.push_str(&format!(
            "<link rel=\"previous\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            feed_url(previous)
        ));
    }
    if page.page < page.last_page {
        links.push_str(&format!(
            "<link rel=\"next\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            feed_url(page.page + 1)
        ));
    }
    // The search page shows the same filters (it has no per_page or valid_on).
    let search_filters: Vec<(&'static str, String)> =
        filters.iter().filter(|(k, _)| !["per_page", "valid_on"].contains(k)).cloned().collect();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"feed.xsl\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\" xmlns:history=\"{HISTORY_NS}\" xml:lang=\"zh-CN\">\n\
         <id>{id}</id>\n<title>{title}</title>\n<subtitle>已公布的行政规范性文件，按公布日期从新到旧，每条注明最近一次公布、废止或失效。</subtitle>\n\
         <updated>{updated}</updated>\n<author><name>行政规范性文件库</name></author>\n\
         {links}<link rel=\"alternate\" type=\"text/html\" href=\"{alternate}\"/>\n\
         <opensearch:totalResults>{total}</opensearch:totalResults>\n\
         <opensearch:startIndex>{start}</opensearch:startIndex>\n\
         <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n",
        id = url(base, "/feed.atom", &filters, None),
        title = esc(&title_of(query, page)),
        alternate = url(base, "/search", &search_filters, None),
        total = page.total,
        start = (page.page - 1) * page.per_page + 1,
        per_page = page.per_page,
    );
    if let Some(c) = &page.checkpoint {
        xml.push_str(&checkpoint(base, c));
    }
    for e in &page.entries {
        xml.push_str(&entry(base, e));
    }
    xml.push_str("</feed>\n");
    xml
}

/// Whether the request comes from a browser opening the feed: it asks for HTML and names no
/// feed type. Feed readers name Atom (or ask for anything); browsers never do, and Chromium
/// shows `application/atom+xml` as raw text rather than through the stylesheet.
fn wants_html(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    accept.contains("text/html") && !accept.contains("atom") && !accept.contains("rss")
}

/// The feed as a page, for a person: what it lists, the address to give a feed reader, and
/// the pages, as the stylesheet shows it to browsers that apply XSLT.
fn render_html(base: &str, query: &CatalogueQuery, page: &FeedPage) -> String {
    let filters = filters(query);
    let pairs = |p: Option<i64>| {
        let page = p.map(|p| p.to_string()).unwrap_or_default();
        let mut pairs: Vec<(&str, String)> = filters.iter().map(|(k, v)| (*k, v.clone())).collect();
        pairs.push(("page", page));
        pairs
    };
    let path = |p: Option<i64>| {
        let pairs = pairs(p);
        link(&pairs.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
    };
    let mut items = String::new();
    for e in &page.entries {
        items.push_str(&super::search::summary_item(&e.document));
    }
    if items.is_empty() {
        items.push_str("<li>没有符合条件的文件。</li>");
    }
    let mut nav = String::new();
    if page.page > 1 {
        let previous = (page.page - 1).min(page.last_page);
        nav.push_str(&format!(
            "<a href=\"{}\" rel=\"prev\">上一页</a>",
            esc(&path(Some(previous)))
        ));
    }
    nav.push_str(&format!("<span>第 {} / {} 页</span>", page.page, page.last_page));
    if page.page < page.last_page {
        nav.push_str(&format!(
            "<a href=\"{}\" rel=\"next\">下一页</a>",
            esc(&path(Some(page.page + 1)))
        ));
    }
    let title = title_of(query, page);
    let main = format!(
        "<h1>{title}（订阅源）</h1>\n<p class=\"text\">这是一个订阅源（Atom 格式）。把下面的地址复制到 RSS/Atom 阅读器中，\
         即可在文件公布、废止或失效时收到更新：<br><code>{address}</code></p>\n\
         <p role=\"status\">共 {total} 件文件。</p>\n<ol class=\"results\">\n{items}</ol>\n\
         <nav class=\"pages\" aria-label=\"分页\">{nav}</nav>",
        title = esc(&title),
        address = url(base, "/feed.atom", &filters, None),
        total = page.total,
    );
    super::html::page_with_feed(&format!("{title}（订阅源）"), &main, &path(None))
}

/// `GET /feed.atom`: a page of the feed for the filters of the public search; to a browser,
/// the same as a page.
pub async fn feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CatalogueQuery>,
) -> HttpResponse {
    let query = query.into_inner();
    let request = match Catalogue::parse(&query, state.clock.today()) {
        Ok(r) => r,
        Err(e) => return super::error_page(e),
    };
    let (clock, cache, index) =
        (state.clock.clone(), state.search_cache.clone(), state.search_index.clone());
    let page =
        state.db.read(move |conn| feeds::feed(conn, clock.as_ref(), &cache, &index, request)).await;
    let page = match page {
        Ok(p) => p,
        Err(e) => return super::error_page(e),
    };
    let base = state.config.public_url();
    let mut answer = if wants_html(&req) {
        cached(&req, super::HTML, render_html(&base, &query, &page).into_bytes())
    } else {
        cached(
            &req,
            "application/atom+xml; charset=utf-8",
            render(&base, &query, &page).into_bytes(),
        )
    };
    // Shared caches must keep the page and the feed apart.
    answer.headers_mut().insert(header::VARY, header::HeaderValue::from_static("Accept"));
    answer
}

/// `GET /feed.xsl`: the stylesheet that shows a feed to a person as a page.
pub async fn stylesheet(req: HttpRequest) -> HttpResponse {
    cached(&req, "text/xsl; charset=utf-8", STYLESHEET.as_bytes().to_vec())
}

/// Where the 订阅 link of a page points: the feed of the same filters.
pub fn link(pairs: &[(&str, &str)]) -> String {
    let qs = query_string(pairs);
    if qs.is_empty() {
        "/feed.atom".to_string()
    } else {
        format!("/feed.atom?{qs}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_urls_keep_a_fixed_order_and_are_escaped() {
        let query = CatalogueQuery {
            agency: Some("SY".into()),
            q: Some("许可 a&b".into()),
            ..CatalogueQuery::default()
        };
        assert_eq!(
            url("https://x.example", "/feed.atom", &filters(&query), Some(2)),
            "https://x.example/feed.atom?q=%E8%AE%B8%E5%8F%AF%20a%26b&amp;agency=SY&amp;page=2"
        );
        assert_eq!(link(&[("agency", ""), ("q", "")]), "/feed.atom");
    }
}
