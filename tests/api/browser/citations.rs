//! Citations in a real browser: a document that cites another shows what it cites (引用文件)
//! with a working link to the cited document, whose page lists the documents citing it
//! (被引用) with a link back. Screenshots: `structure-citations*.png`.

use serde_json::Value;

use super::{artifacts_dir, browser_available, Browser};
use crate::db_test;
use crate::fixtures::Province;

const CITING: &str = "第一条 根据《中华人民共和国行政许可法》和《沈阳市甲办法》（沈政规〔2026〕1号），结合本市实际，制定本办法。\n第二条 本办法自发布之日起施行。";

db_test!(a_reader_follows_a_citation_and_back_in_a_real_browser, |app| {
    if !browser_available() {
        return;
    }
    let p = Province::new(app);
    let id = |v: Value| v["id"].as_str().unwrap().to_string();
    let cited = id(p.published(app, "沈阳市甲办法", "第一条 为了规范管理，制定本办法。"));
    let citing = id(p.published(app, "沈阳市乙办法", CITING));
    let engine = format!("{:?}", app.engine).to_lowercase();
    let artifacts = artifacts_dir(&format!("structure-citations-{engine}"));
    let base = app.server.base.clone();
    let mut b = Browser::start(artifacts);

    // The citing document's page: its citations section is shown, each resolved one named.
    b.open(&format!("{base}/documents/{citing}"));
    assert_eq!(b.text("h1#title"), "沈阳市乙办法");
    let cites = "section[aria-labelledby=cites]";
    assert!(b.displayed(cites), "the citations section is visible");
    let list = b.text(cites);
    assert!(list.starts_with("引用文件"), "{list}");
    assert!(list.contains("《中华人民共和国行政许可法》 法律"), "{list}");
    assert!(list.contains("《沈阳市甲办法》") && list.contains("沈政规〔2026〕1号"), "{list}");
    b.scroll_to(cites);
    b.screenshot_as("structure-citations");

    // The link to the cited document leads to it.
    let link = format!("{cites} a[href='/documents/{cited}']");
    assert_eq!(b.text(&link), "《沈阳市甲办法》");
    b.click_and_wait(&link);
    assert!(b.url().ends_with(&format!("/documents/{cited}")), "{}", b.url());
    assert_eq!(b.text("h1#title"), "沈阳市甲办法");

    // Its page lists the document citing it (被引用), linked back.
    let cited_by = "section[aria-labelledby=cited-by]";
    assert!(b.displayed(cited_by), "the cited-by section is visible");
    let list = b.text(cited_by);
    assert!(list.starts_with("被以下文件引用") && list.contains("沈阳市乙办法"), "{list}");
    b.scroll_to(cited_by);
    b.screenshot_as("structure-citations-cited-by");
    b.click_and_wait(&format!("{cited_by} a[href='/documents/{citing}']"));
    assert_eq!(b.text("h1#title"), "沈阳市乙办法");
});
