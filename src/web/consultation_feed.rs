//! The Atom feed of public consultations (`/consultations.atom`): open, scheduled and closed
//! ones, the latest opening first, optionally of one agency, paged with RFC 5005 links like the
//! documents' feed (`feed.rs`, whose URL helpers it shares). An entry is updated when its
//! period opens and again when it closes, since that is when the feedback is published.
//! Absolute URLs start with `NORMREG_PUBLIC_URL`, never with the request's `Host`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::feed::{rfc3339, url};
use super::html::esc;
use crate::domain::consultation::ConsultationStatus;
use crate::http_caching::cached;
use crate::service::consultation_public::{self as public, PublicConsultationSummary};
use crate::service::paging::Page;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct FeedForm {
    /// An agency's code.
    #[serde(default)]
    pub agency: String,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// When an entry last changed: the day after `closes_on` once closed (the feedback), else
/// the day it opens.
fn updated(c: &PublicConsultationSummary) -> chrono::NaiveDateTime {
    let day = if c.status == ConsultationStatus::Closed {
        c.closes_on.succ_opt().unwrap_or(c.closes_on)
    } else {
        c.opens_on
    };
    day.and_time(chrono::NaiveTime::MIN)
}

fn entry(base: &str, c: &PublicConsultationSummary) -> String {
    let word =
        if c.status == ConsultationStatus::Closed { "意见采纳情况" } else { "征求意见" };
    format!(
        "<entry>\n<id>{base}/consultations/{id}</id>\n<title>{word}：{title}</title>\n<updated>{updated}</updated>\n\
         <published>{published}</published>\n<author><name>行政规范性文件库</name></author>\n\
         <category term=\"{term}\" label=\"{label}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/consultations/{id}\"/>\n\
         <summary>征求意见期 {opens} 至 {closes}；{label}</summary>\n</entry>\n",
        base = esc(base),
        id = c.id,
        title = esc(&c.title),
        updated = rfc3339(updated(c)),
        published = rfc3339(c.opens_on.and_time(chrono::NaiveTime::MIN)),
        term = c.status.as_str(),
        label = esc(&c.status_label),
        opens = c.opens_on,
        closes = c.closes_on,
    )
}

/// The feed document of one page of `total` consultations.
fn render(
    base: &str,
    form: &FeedForm,
    page: Page,
    total: i64,
    items: &[PublicConsultationSummary],
) -> String {
    // In a fixed order, so that the feed's id and links do not depend on the request's.
    let per_page = form.per_page.map(|n| n.to_string()).unwrap_or_default();
    let filters = vec![("agency", form.agency.trim().to_string()), ("per_page", per_page)];
    let last = ((total + page.per_page - 1) / page.per_page).max(1);
    let feed_url = |p: Option<i64>| url(base, "/consultations.atom", &filters, p);
    // An empty feed still needs a date; a fixed one keeps its ETag stable.
    let latest = items.iter().map(updated).max().map(rfc3339);
    let mut links = format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         <link rel=\"first\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         <link rel=\"last\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        feed_url(Some(page.page)),
        feed_url(Some(1)),
        feed_url(Some(last)),
    );
    if page.page > 1 {
        let previous = (page.page - 1).min(last);
        let href = feed_url(Some(previous));
        links.push_str(&format!(
            "<link rel=\"previous\" type=\"application/atom+xml\" href=\"{href}\"/>\n"
        ));
    }
    if page.page < last {
        let href = feed_url(Some(page.page + 1));
        links.push_str(&format!(
            "<link rel=\"next\" type=\"application/atom+xml\" href=\"{href}\"/>\n"
        ));
    }
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\" xml:lang=\"zh-CN\">\n\
         <id>{id}</id>\n<title>公开征求意见</title>\n<subtitle>行政规范性文件征求意见稿及意见采纳情况，按征求意见开始日期从新到旧。</subtitle>\n\
         <updated>{updated}</updated>\n<author><name>行政规范性文件库</name></author>\n\
         {links}<link rel=\"alternate\" type=\"text/html\" href=\"{base}/consultations\"/>\n\
         <opensearch:totalResults>{total}</opensearch:totalResults>\n\
         <opensearch:startIndex>{start}</opensearch:startIndex>\n\
         <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n",
        id = feed_url(None),
        updated = latest.unwrap_or_else(|| "2026-01-01T00:00:00Z".to_string()),
        base = esc(base),
        start = page.offset() + 1,
        per_page = page.per_page,
    );
    for c in items {
        xml.push_str(&entry(base, c));
    }
    xml.push_str("</feed>\n");
    xml
}

/// `GET /consultations.atom`: a page of the consultations feed.
pub(super) async fn feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Query<FeedForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let page = match Page::from_query(form.page, form.per_page) {
        Ok(p) => p,
        Err(e) => return super::error_page(e),
    };
    let (clock, agency) = (state.clock.clone(), form.agency.clone());
    let found = state
        .db
        .read(move |conn| {
            public::list(conn, clock.as_ref(), Some(&agency), None, page.offset(), page.per_page)
        })
        .await;
    let (items, total) = match found {
        Ok(found) => found,
        Err(e) => return super::error_page(e),
    };
    let xml = render(&state.config.public_url(), &form, page, total, &items);
    cached(&req, "application/atom+xml; charset=utf-8", xml.into_bytes())
}
