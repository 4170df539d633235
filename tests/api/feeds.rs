//! The Atom feeds: well-formed Atom read by a real XML parser, per agency and per search with
//! the public search's filters, paged by RFC 5005 links that walk the whole list, shown to a
//! browser as a page, and never anything unpublished.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// A title no published document carries: a draft's, which no feed may show.
pub const DRAFT_TITLE: &str = "沈阳市未公布草稿管理办法";

/// An import line of agency `code` (SY or LN), published on 15 January of `year`.
pub fn line(code: &str, year: i32, n: u32, valid_until: Option<&str>) -> Value {
    let (prefix, name) =
        if code == "SY" { ("沈政规", "沈阳市") } else { ("辽政规", "辽宁省") };
    // The third of each agency is the one a search for 交通运输 finds.
    let topic = if n == 3 { "交通运输" } else { "公共服务" };
    let mut line = json!({
        "agency_code": code,
        "title": format!("{name}{topic}事项办理规定（{year}年第{n}号）"),
        "body": format!("第一条 为了规范第{n}项公共服务事项，制定本规定。\n第二条 本规定自发布之日起施行。"),
        "issuance_number": format!("{prefix}〔{year}〕{n}号"),
        "registration_number": format!("{}fs-{year}-{n}", code.to_lowercase()),
        "published_on": format!("{year}-01-15"),
        "effective_on": format!("{year}-01-15"),
    });
    if let Some(until) = valid_until {
        line["valid_until"] = json!(until);
    }
    line
}

/// The catalogue of the tests: seven documents of the city SY and three of the province LN
/// (one of them no longer in force), plus one draft of SY.
pub fn catalogue(app: &TestApp, p: &Province) {
    let mut lines: Vec<Value> = (1..=7).map(|n| line("SY", 2026, n, None)).collect();
    lines.push(line("LN", 2025, 1, None));
    lines.push(line("LN", 2025, 2, Some("2025-12-31")));
    lines.push(line("LN", 2026, 3, None));
    let r = app.client.post("/api/v1/imports", Some(&p.admin), &Value::Array(lines));
    assert_eq!(r.status, 201, "import: {}", r.body);
    p.draft(app, DRAFT_TITLE, "第一条 草稿。");
}

/// The ids of a public list, every page of it.
pub fn public_ids(app: &TestApp, filters: &str) -> BTreeSet<String> {
    let r = app.client.get(&format!("/api/v1/public/documents?per_page=100&{filters}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let list = r.json();
    assert!(list["total"].as_i64().unwrap() <= 100, "one page holds the test's list");
    list["items"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().into()).collect()
}

/// One page of a feed, checked as Atom.
struct FeedPage {
    title: String,
    links: Vec<(String, String)>,
    /// Per entry: the document id (from its alternate link), its title and author.
    entries: Vec<(String, String, String)>,
}

impl FeedPage {
    fn link(&self, rel: &str) -> Option<&str> {
        self.links.iter().find(|(r, _)| r == rel).map(|(_, h)| h.as_str())
    }
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|c| c.has_tag_name((ATOM, name)))
}

fn text_of(node: roxmltree::Node, name: &str, what: &str) -> String {
    let element = child(node, name).unwrap_or_else(|| panic!("{what} has no <{name}>"));
    let text = element.text().unwrap_or_default().to_string();
    assert!(!text.trim().is_empty(), "{what}'s <{name}> is empty");
    text
}

/// Reads an Atom document (RFC 4287) with a real XML parser and checks what the format
/// requires: the feed's id, title and updated, and each entry's id, title, updated and link.
fn parse_atom(xml: &str, base: &str) -> FeedPage {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML ({e}): {xml}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "the root is an Atom feed: {xml}");
    let title = text_of(feed, "title", "the feed");
    let id = text_of(feed, "id", "the feed");
    assert!(id.starts_with(base), "feed id {id} starts with the public URL {base}");
    chrono::DateTime::parse_from_rfc3339(&text_of(feed, "updated", "the feed")).expect("RFC 3339");
    assert!(child(feed, "author").is_some(), "a feed author covers entries without one");
    let links: Vec<(String, String)> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "link")))
        .map(|l| {
            let href = l.attribute("href").expect("link href").to_string();
            assert!(href.starts_with(base), "absolute link {href} from the public URL");
            (l.attribute("rel").unwrap_or("alternate").to_string(), href)
        })
        .collect();
    let mut entries = Vec::new();
    for entry in feed.children().filter(|c| c.has_tag_name((ATOM, "entry"))) {
        let entry_id = text_of(entry, "id", "an entry");
        let title = text_of(entry, "title", "an entry");
        chrono::DateTime::parse_from_rfc3339(&text_of(entry, "updated", "an entry"))
            .expect("entry updated is RFC 3339");
        let href = entry
            .children()
            .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("alternate"))
            .and_then(|l| l.attribute("href"))
            .expect("an entry links to its page");
        assert_eq!(entry_id, href, "an entry's id is its document's page");
        let doc_id = href
            .strip_prefix(&format!("{base}/documents/"))
            .unwrap_or_else(|| panic!("entry link {href}"))
            .to_string();
        let author = child(entry, "author").map(|a| text_of(a, "name", "an author"));
        entries.push((doc_id, title, author.unwrap_or_default()));
    }
    FeedPage { title, links, entries }
}

/// `path` on the test server, as the feed's absolute links give it.
fn relative<'a>(href: &'a str, base: &str) -> &'a str {
    href.strip_prefix(base).expect("link on the public URL")
}

fn get_feed(app: &TestApp, path: &str) -> FeedPage {
    let r = app.client.get(path, None);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert_eq!(r.header("content-type").as_deref(), Some("application/atom+xml; charset=utf-8"));
    assert!(
        r.body.contains("<?xml-stylesheet type=\"text/xsl\" href=\"feed.xsl\"?>"),
        "a browser gets the stylesheet: {}",
        r.body
    );
    assert!(!r.body.contains(DRAFT_TITLE), "a draft never appears: {}", r.body);
    parse_atom(&r.body, &app.server.base)
}

/// Follows `next` from `path` until there is none: every entry, each page checked.
fn walk(app: &TestApp, path: &str) -> Vec<(String, String, String)> {
    let base = app.server.base.clone();
    let mut page = get_feed(app, path);
    assert!(page.link("previous").is_none(), "the first page has no previous");
    let first = page.link("first").expect("first").to_string();
    let last = page.link("last").expect("last").to_string();
    let mut entries = page.entries.clone();
    let mut pages = 1;
    while let Some(next) = page.link("next").map(String::from) {
        let came_from = page.link("self").expect("self").to_string();
        page = get_feed(app, relative(&next, &base));
        pages += 1;
        assert!(pages < 100, "the walk ends");
        assert_eq!(page.link("previous"), Some(came_from.as_str()), "previous leads back");
        assert_eq!(page.link("first"), Some(first.as_str()));
        assert_eq!(page.link("last"), Some(last.as_str()));
        entries.extend(page.entries.clone());
    }
    assert_eq!(page.link("self"), Some(last.as_str()), "the walk ends on the last page");
    entries
}

db_test!(a_feed_walks_the_whole_catalogue_page_by_page_and_validates_as_atom, |app| {
    let p = Province::new(app);
    catalogue(app, &p);
    let published =
        p.published(app, "沈阳市政务公开工作规定", "第一条 为了推进政务公开，制定本规定。");
    let expected = public_ids(app, "");
    assert_eq!(expected.len(), 11);

    let entries = walk(app, "/feed.atom?per_page=3");
    let ids: Vec<String> = entries.iter().map(|e| e.0.clone()).collect();
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(ids.len(), unique.len(), "no entry twice: {ids:?}");
    assert_eq!(unique, expected, "every published document, nothing else");
    let doc_id = published["id"].as_str().unwrap();
    let entry = entries.iter().find(|e| e.0 == doc_id).expect("the new document");
    assert_eq!(entry.1, "公布：沈阳市政务公开工作规定");
    assert_eq!(entry.2, "沈阳市人民政府", "the agency is the entry's author");

    // A repeal is the entry's latest change, and the repealed-documents feed holds it alone.
    let r = app.client.post(
        &format!("/api/v1/documents/{doc_id}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": "2026-03-02", "reason": "已被新规定替代。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let repealed = get_feed(app, "/feed.atom?validity=repealed");
    assert_eq!(repealed.entries.len(), 1);
    assert_eq!(repealed.entries[0].1, "废止：沈阳市政务公开工作规定");
    assert!(repealed.title.contains("已废止"), "{}", repealed.title);

    // The default page size holds them all: one page, its own first and last.
    let whole = get_feed(app, "/feed.atom");
    assert_eq!(whole.entries.len(), 11);
    assert_eq!(whole.link("first"), whole.link("last"));
    assert!(whole.link("next").is_none() && whole.link("previous").is_none());
});

db_test!(feeds_per_agency_and_per_search_hold_only_the_matching_documents, |app| {
    let p = Province::new(app);
    catalogue(app, &p);
    for (filters, count) in [
        ("agency=LN", 3),
        ("agency=SY", 7),
        ("agency=LN&include_sub=true", 10),
        ("q=%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93", 2),
        ("agency=LN&q=%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93", 1),
        ("year=2025", 2),
        ("validity=in_force", 9),
        ("validity=expired&agency=LN", 1),
    ] {
        let expected = public_ids(app, filters);
        assert_eq!(expected.len(), count, "{filters}");
        let entries = walk(app, &format!("/feed.atom?{filters}&per_page=2"));
        let ids: BTreeSet<String> = entries.iter().map(|e| e.0.clone()).collect();
        assert_eq!(ids.len(), entries.len(), "{filters}: no entry twice");
        assert_eq!(ids, expected, "{filters}: the feed holds what the search finds");
    }
    let province = get_feed(app, "/feed.atom?agency=LN");
    assert!(province.title.contains("辽宁省人民政府"), "{}", province.title);
    assert!(province.entries.iter().all(|e| e.2 == "辽宁省人民政府"));
    let alternate = province.link("alternate").expect("the same search as a page");
    assert!(alternate.ends_with("/search?agency=LN"), "{alternate}");

    // The same filters are refused the same way as the search's.
    assert_eq!(app.client.get("/feed.atom?agency=XX", None).status, 422);
    assert_eq!(app.client.get("/feed.atom?validity=sometimes", None).status, 422);
    assert_eq!(app.client.get("/feed.atom?page=0", None).status, 422);
    // Past the last page: empty, with the links that lead back.
    let beyond = get_feed(app, "/feed.atom?agency=LN&page=9");
    assert!(beyond.entries.is_empty());
    assert!(beyond.link("previous").is_some_and(|h| h.ends_with("page=1")), "{:?}", beyond.links);
});

db_test!(a_browser_sees_the_feed_as_a_page_and_pages_link_to_their_feed, |app| {
    let p = Province::new(app);
    catalogue(app, &p);
    let xsl = app.client.get("/feed.xsl", None);
    assert_eq!(xsl.status, 200);
    assert_eq!(xsl.header("content-type").as_deref(), Some("text/xsl; charset=utf-8"));
    let sheet = roxmltree::Document::parse(&xsl.body).expect("the stylesheet is XML");
    assert!(sheet
        .root_element()
        .has_tag_name(("http://www.w3.org/1999/XSL/Transform", "stylesheet")));
    assert!(xsl.body.contains("订阅源") && xsl.body.contains("下一页"));

    // A browser asks for HTML and names no feed type: it gets the feed as a page.
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
    let page = app.client.raw(
        "GET",
        "/feed.atom?agency=LN&per_page=2",
        None,
        None,
        Vec::new(),
        &[("accept", browser)],
    );
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(page.header("vary").as_deref().map(|v| v.contains("Accept")), Some(true));
    let address = format!("<code>{}/feed.atom?agency=LN&amp;per_page=2</code>", app.server.base);
    assert!(page.body.contains(&address), "the address for a feed reader: {}", page.body);
    assert!(page.body.contains("辽宁省交通运输事项办理规定（2026年第3号）"), "{}", page.body);
    assert!(
        page.body.contains(
            "<a href=\"/feed.atom?agency=LN&amp;per_page=2&amp;page=2\" rel=\"next\">下一页</a>"
        ),
        "{}",
        page.body
    );
    // A feed reader names Atom, even beside HTML; one that asks for anything gets Atom too.
    for accept in ["application/atom+xml, text/html;q=0.5", "*/*"] {
        let feed =
            app.client.raw("GET", "/feed.atom", None, None, Vec::new(), &[("accept", accept)]);
        assert_eq!(
            feed.header("content-type").as_deref(),
            Some("application/atom+xml; charset=utf-8"),
            "{accept}"
        );
    }

    let search = app.client.get("/search?q=%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93&agency=SY", None);
    assert_eq!(search.status, 200);
    let feed = "/feed.atom?q=%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93&amp;agency=SY";
    assert!(
        search.body.contains(&format!("<a href=\"{feed}\"")),
        "订阅 this search: {}",
        search.body
    );
    assert!(search.body.contains(&format!(
        "type=\"application/atom+xml\" title=\"订阅：新公布、废止和失效的文件\" href=\"{feed}\""
    )));
    let id = public_ids(app, "agency=SY").into_iter().next().unwrap();
    let page = app.client.get(&format!("/documents/{id}"), None);
    assert!(page.body.contains("<a href=\"/feed.atom?agency=SY\""), "订阅 its agency");
    let home = app.client.get("/", None);
    assert!(home.body.contains("<a href=\"/feed.atom\""), "订阅 everything");
});

db_test!(a_feed_carries_the_latest_checkpoint_of_the_history, |app| {
    let p = Province::new(app);
    catalogue(app, &p);
    let xml = app.client.get("/feed.atom", None).body;
    assert!(!xml.contains("history:checkpoint"), "no checkpoint made yet: {xml}");

    let made = app.client.post("/api/v1/admin/checkpoints", Some(&p.admin), &json!({}));
    assert!(made.status == 200 || made.status == 201, "{}", made.body);
    let published = app.client.get("/api/v1/public/checkpoints", None).json()["items"][0].clone();
    let xml = app.client.get("/feed.atom", None).body;
    let doc = roxmltree::Document::parse(&xml).expect("Atom");
    let kept = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name(("urn:normreg:history", "checkpoint")))
        .unwrap_or_else(|| panic!("the feed names the checkpoint: {xml}"));
    assert_eq!(kept.attribute("hash"), published["hash"].as_str(), "{xml}");
    assert_eq!(kept.attribute("seq"), Some(published["seq"].to_string().as_str()), "{xml}");
    assert_eq!(kept.attribute("root"), published["root"].as_str(), "{xml}");
});
