//! The Atom feed of public consultations: well-formed Atom read by a real XML parser, the
//! latest opening first, open and closed alike, paged by RFC 5005 links on the public URL,
//! and announced by the consultation pages.

use serde_json::json;

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const BODY: &str = "第一条 为了规范行政许可事项，制定本办法。\n第二条 本办法自发布之日起施行。";

/// Puts a new rights-affecting draft titled `title` to the public.
fn consulted(app: &TestApp, p: &Province, title: &str, period: serde_json::Value) -> String {
    let r = app.client.post(
        "/api/v1/documents",
        Some(&p.drafter),
        &json!({"title": title, "body": BODY, "affects_rights": true}),
    );
    assert_eq!(r.status, 201, "create: {}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = app.client.post(
        &format!("/api/v1/documents/{id}/consultations"),
        Some(&p.drafter),
        &period,
    );
    assert_eq!(r.status, 201, "open: {}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

/// One page of the feed: its links by rel and its entries as (id, title, category).
struct Page {
    links: Vec<(String, String)>,
    entries: Vec<(String, String, String)>,
}

fn get_page(app: &TestApp, path: &str) -> Page {
    let base = &app.server.base;
    let r = app.client.get(path, None);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert_eq!(r.header("content-type").as_deref(), Some("application/atom+xml; charset=utf-8"));
    let doc = roxmltree::Document::parse(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "{}", r.body);
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .and_then(|c| c.text())
            .unwrap_or_else(|| panic!("no <{name}>: {}", r.body))
            .to_string()
    };
    assert!(child(feed, "id").starts_with(base.as_str()));
    assert_eq!(child(feed, "title"), "公开征求意见");
    chrono::DateTime::parse_from_rfc3339(&child(feed, "updated")).expect("RFC 3339");
    let links = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "link")))
        .map(|l| {
            let href = l.attribute("href").unwrap().to_string();
            assert!(href.starts_with(base.as_str()), "absolute link {href}");
            (l.attribute("rel").unwrap().to_string(), href)
        })
        .collect();
    let entries = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|e| {
            chrono::DateTime::parse_from_rfc3339(&child(e, "updated")).expect("RFC 3339");
            let href = e
                .children()
                .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("alternate"))
                .and_then(|l| l.attribute("href"))
                .expect("an entry links to its page")
                .to_string();
            assert_eq!(child(e, "id"), href);
            let id = href.strip_prefix(&format!("{base}/consultations/")).expect(&href).to_string();
            let category = e
                .children()
                .find(|c| c.has_tag_name((ATOM, "category")))
                .and_then(|c| c.attribute("term"))
                .unwrap_or_default()
                .to_string();
            (id, child(e, "title"), category)
        })
        .collect();
    Page { links, entries }
}

impl Page {
    fn link(&self, rel: &str) -> Option<&str> {
        self.links.iter().find(|(r, _)| r == rel).map(|(_, h)| h.as_str())
    }
}

db_test!(the_consultations_feed_lists_open_and_closed_ones_latest_first_in_pages, |app| {
    let p = Province::new(app);
    let first = consulted(app, &p, "沈阳市甲办法", json!({"closes_on": "2026-03-11"}));
    app.clock.set_date(date("2026-03-12"));
    let second = consulted(app, &p, "沈阳市乙办法", json!({"closes_on": "2026-04-30"}));
    let third = consulted(
        app,
        &p,
        "沈阳市丙办法",
        json!({"opens_on": "2026-03-20", "closes_on": "2026-04-30"}),
    );

    let one = get_page(app, "/consultations.atom?per_page=2");
    let ids: Vec<&str> = one.entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(ids, [third.as_str(), second.as_str()], "latest opening first");
    assert_eq!(one.entries[1].1, "征求意见：沈阳市乙办法");
    assert_eq!(one.entries[1].2, "open");
    assert!(one.link("previous").is_none());
    let base = &app.server.base;
    let next = one.link("next").expect("a next page");
    assert_eq!(one.link("last"), Some(next));
    let two = get_page(app, next.strip_prefix(base.as_str()).unwrap());
    assert_eq!(two.entries.len(), 1);
    assert_eq!(two.entries[0].0, first);
    assert_eq!(two.entries[0].1, "意见采纳情况：沈阳市甲办法");
    assert_eq!(two.entries[0].2, "closed");
    assert!(two.link("next").is_none());
    assert_eq!(two.link("first"), one.link("first"));

    // Of one agency; another agency's feed is empty; bad input is a 4xx page.
    assert_eq!(get_page(app, "/consultations.atom?agency=SY").entries.len(), 3);
    assert_eq!(get_page(app, "/consultations.atom?agency=LN").entries.len(), 0);
    for bad in ["/consultations.atom?agency=XX", "/consultations.atom?page=0"] {
        let r = app.client.get(bad, None);
        assert!((400..500).contains(&r.status), "{bad}: {} {}", r.status, r.body);
    }

    // The consultation pages announce the feed.
    for page in ["/consultations".to_string(), format!("/consultations/{first}")] {
        let r = app.client.get(&page, None);
        assert!(r.body.contains("href=\"/consultations.atom\""), "{page}: {}", r.body);
    }
});
