//! The Akoma Ntoso writer over small texts and real ones (the demo's, the regulations of the
//! structure tests), with citations as refs.

use super::*;
use crate::domain::structure::parse;

fn act<'a>(body: &'a str, s: &'a Structure) -> Act<'a> {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    Act {
        agency_code: "LN",
        agency_name: "辽宁省人民政府",
        work_year: 2026,
        work_number: "3",
        work_date: d(2026, 3, 2),
        title: "辽宁省<测试>办法",
        issuance_number: Some("辽政规〔2026〕3号"),
        published_on: d(2026, 3, 2),
        channel: None,
        events: vec![LifeEvent {
            date: d(2026, 3, 2),
            kind: LifeEventKind::Generation,
            source_uri: "/akn/cn-ln/act/2026/3/zho@2026-03-02".into(),
            show_as: "x".into(),
        }],
        body,
        structure: s,
        refs: &[],
        generated_on: d(2026, 12, 7),
    }
}

#[test]
fn uris_are_stable_and_safe() {
    assert_eq!(work_uri("LN-SFT", 2026, "3"), "/akn/cn-ln-sft/act/2026/3");
    assert_eq!(work_uri("LN", 2026, "辽"), "/akn/cn-ln/act/2026/x");
}

#[test]
fn structure_becomes_hierarchy_and_text_is_escaped() {
    let body = "第一章 总则\n第一条 甲 & 乙：\n（一）丙；\n（二）丁。\n第二条 <戊>\n";
    let s = parse(body);
    let x = render(&act(body, &s));
    assert!(x.contains("<chapter eId=\"ch-1\">\n<num>第一章</num>\n<heading>总则</heading>"));
    assert!(x.contains("<article eId=\"art-1\">\n<num>第一条</num>\n<paragraph eId=\"art-1-p-1\">\n<intro>\n<p>甲 &amp; 乙：</p>"));
    assert!(x.contains("<point eId=\"art-1-p-1-it-2\">\n<num>（二）</num>\n<content>\n<p>丁。</p>"));
    assert!(x.contains("<p>&lt;戊&gt;</p>"));
    assert!(x.contains("<FRBRuri value=\"/akn/cn-ln/act/2026/3/zho@2026-03-02\"/>"));
    assert!(x.contains("<FRBRname value=\"辽宁省&lt;测试&gt;办法\"/>"));
}

/// Every 《title》 and 文号 of `body`, as refs to a URI of its own.
fn cited(body: &str) -> Vec<Ref> {
    let found = crate::domain::citation::find(body, crate::domain::citation::CiteField::Body);
    let spans = found
        .iter()
        .map(|f| CharSpan {
            start: f.start,
            end: f.end,
            text: &f.text,
            href: law_uri("law", &f.key),
        })
        .collect();
    place(body, spans)
}

#[test]
fn resolved_citations_become_refs_in_the_unit_that_holds_them() {
    let body = "第一条 根据《中华人民共和国行政许可法》，制定本办法。\n\
                第二条 下列事项依照《沈阳市甲办法》：\n（一）沈政规〔2026〕1号规定的；\n\
                （二）其他。\n第三条 《未对应》不是引用。\n";
    let s = parse(body);
    let all = cited(body);
    assert_eq!(all.len(), 4);
    // The unresolved title is left out by the service: only three refs are given.
    let refs: Vec<Ref> = all.into_iter().filter(|r| !body[r.start..].starts_with("《未")).collect();
    let x = render(&Act { refs: &refs, ..act(body, &s) });
    let law = law_uri("law", "行政许可法");
    assert!(x.contains(&format!(
        "<paragraph eId=\"art-1-p-1\">\n<content>\n<p>根据<ref href=\"{law}\">《中华人民共和国行政许可法》</ref>，制定本办法。</p>"
    )), "{x}");
    assert!(x.contains("<intro>\n<p>下列事项依照<ref href=\""), "{x}");
    assert!(x.contains("<num>（一）</num>\n<content>\n<p><ref href=\""), "{x}");
    assert!(x.contains(">沈政规〔2026〕1号</ref>规定的；</p>"), "{x}");
    assert!(x.contains("<p>《未对应》不是引用。</p>"), "{x}");
    assert_eq!(x.matches("<ref ").count(), 3);

    // A text without structure: each line is a <p> with its refs.
    let plain = "为规范管理，\n  依照《沈阳市甲办法》执行。\n";
    let s = parse(plain);
    let refs = cited(plain);
    let x = render(&Act { refs: &refs, ..act(plain, &s) });
    assert!(
        x.contains(&format!(
            "<p>依照<ref href=\"{}\">《沈阳市甲办法》</ref>执行。</p>",
            law_uri("law", "沈阳市甲办法")
        )),
        "{x}"
    );
}

#[test]
fn a_span_across_units_stays_plain() {
    let body = "第一条 甲《乙\n第二条 丙》丁。\n";
    let s = parse(body);
    let (a, b) = (body.find('《').unwrap(), body.find('》').unwrap() + '》'.len_utf8());
    let refs = [Ref { start: a, end: b, href: "/x".into() }];
    let x = render(&Act { refs: &refs, ..act(body, &s) });
    assert!(!x.contains("<ref "), "{x}");
    assert!(x.contains("<p>甲《乙</p>") && x.contains("<p>丙》丁。</p>"), "{x}");
}

/// Writes the demo's documents and the regulations of the structure tests as AKN under
/// `target/akn/`, where `.ci/akn-validate` checks them against the OASIS schema.
#[test]
fn real_texts_are_written_for_schema_validation() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/akn");
    std::fs::create_dir_all(&dir).unwrap();
    let texts = include_str!("../../../assets/demo/documents.jsonl")
        .lines()
        .chain(include_str!("../testdata/structured-texts.jsonl").lines());
    for (i, line) in texts.enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let body = v["body"].as_str().unwrap();
        let s = parse(body);
        // Every citation as a ref, so that the schema sees refs in every kind of unit.
        let refs = cited(body);
        let mut a = act(body, &s);
        a.refs = &refs;
        a.title = v["title"].as_str().unwrap();
        std::fs::write(dir.join(format!("unit-{i:02}.xml")), render(&a)).unwrap();
    }
}
