//! The structure of real texts (the demo's documents, local regulations) and of odd ones.

use super::*;

fn corpus(jsonl: &str) -> Vec<(String, String)> {
    jsonl
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["title"].as_str().unwrap().to_string(), v["body"].as_str().unwrap().to_string())
        })
        .collect()
}

fn demo() -> Vec<(String, String)> {
    corpus(include_str!("../../../assets/demo/documents.jsonl"))
}

fn regulations() -> Vec<(String, String)> {
    corpus(include_str!("../testdata/structured-texts.jsonl"))
}

fn text_of(title: &str) -> String {
    demo().into_iter().chain(regulations()).find(|(t, _)| t == title).unwrap().1
}

fn round_trip(body: &str, s: &Structure) {
    let joined: String = s.spans().into_iter().map(|r| &body[r]).collect();
    assert_eq!(joined, body);
}

fn unique_anchors(s: &Structure) {
    let mut seen = HashSet::new();
    for u in s.walk() {
        assert!(seen.insert(u.anchor.clone()), "duplicate anchor {}", u.anchor);
    }
}

#[test]
fn every_real_text_round_trips_with_unique_anchors_and_consecutive_articles() {
    for (title, body) in demo().into_iter().chain(regulations()) {
        let s = parse(&body);
        round_trip(&body, &s);
        unique_anchors(&s);
        let numbers: Vec<u32> = s.articles().iter().map(|a| a.number).collect();
        let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
        assert_eq!(numbers, expected, "{title}");
    }
}

#[test]
fn chapters_hold_their_articles() {
    let body = text_of("辽宁省信息化促进办法");
    let s = parse(&body);
    let ch1 = &s.units[0];
    assert_eq!((ch1.kind, ch1.number, ch1.anchor.as_str()), (UnitKind::Chapter, 1, "ch-1"));
    assert_eq!(ch1.heading.as_deref(), Some("总则"));
    let art1 = &ch1.children[0];
    assert_eq!(
        (art1.kind, art1.label.as_str(), art1.anchor.as_str()),
        (UnitKind::Article, "第一条", "art-1")
    );
    assert!(art1.children[0].text.as_deref().unwrap().starts_with("为了加快信息化发展"));
    // 第四条 has two paragraphs (款).
    let art4 = s.article(4).unwrap();
    assert_eq!(art4.children.len(), 2);
    assert_eq!(art4.children[1].anchor, "art-4-p-2");
    assert!(art4.children[1]
        .text
        .as_deref()
        .unwrap()
        .starts_with("县级以上人民政府应当将政府投资"));
    assert_eq!(s.units[1].heading.as_deref(), Some("信息化规划与建设管理"));
    assert!(full_text(&body, art4).starts_with("县级以上人民政府应当将促进信息化"));
}

#[test]
fn sections_sit_in_their_chapter() {
    let body = text_of("深圳经济特区房地产登记条例");
    let s = parse(&body);
    let ch3 = s.units.iter().find(|u| u.anchor == "ch-3").unwrap();
    assert_eq!(ch3.heading.as_deref(), Some("登记程序"));
    let secs: Vec<&str> = ch3.children.iter().map(|u| u.anchor.as_str()).collect();
    assert_eq!(secs, ["ch-3-sec-1", "ch-3-sec-2", "ch-3-sec-3", "ch-3-sec-4", "ch-3-sec-5"]);
    assert_eq!(ch3.children[1].heading.as_deref(), Some("首次登记"));
    assert_eq!(ch3.children[1].children[0].label, "第二十七条");
    // 第二十九条: （三） with 1./2./3., each with （1）…: 项 with 目 with a third level.
    let art29 = s.article(29).unwrap();
    let p1 = &art29.children[0];
    let items: Vec<&str> = p1.children.iter().map(|u| u.label.as_str()).collect();
    assert_eq!(items, ["（二）", "（三）", "（四）"], "（一） is inline in the first line");
    let item3 = &p1.children[1];
    assert_eq!(item3.anchor, "art-29-p-1-it-3");
    let subs: Vec<(UnitKind, &str)> =
        item3.children.iter().map(|u| (u.kind, u.label.as_str())).collect();
    assert_eq!(
        subs,
        [(UnitKind::Subitem, "1."), (UnitKind::Subitem, "2."), (UnitKind::Subitem, "3.")]
    );
    assert_eq!(item3.children[0].children.len(), 2);
    assert_eq!(item3.children[0].children[1].anchor, "art-29-p-1-it-3-sub-1-sub-2");
}

#[test]
fn items_belong_to_the_paragraph_and_a_later_paragraph_closes_them() {
    let body = text_of("重庆市查禁赌博条例");
    let s = parse(&body);
    assert!(s.units.iter().all(|u| u.kind == UnitKind::Article), "no chapters");
    let art8 = s.article(8).unwrap();
    assert_eq!(art8.children.len(), 1);
    let items = &art8.children[0].children;
    assert_eq!(items.len(), 3);
    assert_eq!((items[2].kind, items[2].number), (UnitKind::Item, 3));
    assert_eq!(items[2].text.as_deref(), Some("（三）因赌博受治安处罚后六个月内又参与赌博的。"));
    let art10 = s.article(10).unwrap();
    assert_eq!(art10.children.len(), 2, "blank lines between paragraphs do not make units");
}

#[test]
fn a_text_without_articles_is_one_unit() {
    let body = text_of("北京市人民代表大会常务委员会关于废止部分地方性法规的决定");
    let s = parse(&body);
    assert!(!s.is_structured());
    assert_eq!(s.units[0].anchor, "p-1");
    assert_eq!(s.units[0].text.as_deref(), Some(body.trim()));
    round_trip(&body, &s);
    assert!(!parse("").is_structured());
    round_trip("", &parse(""));
}

#[test]
fn parts_arabic_articles_inserted_articles_and_duplicates() {
    let body = "第一编 总则\n第一章 一般规定\n第1条 甲。\n第2条 乙：\n一、丙；\n二、丁。\n第二编 分则\n第二章 其他\n第二条之一 戊。\n第2条 重复。\n";
    let s = parse(body);
    round_trip(body, &s);
    let anchors: Vec<&str> = s.walk().iter().map(|u| u.anchor.as_str()).collect();
    assert_eq!(
        anchors,
        [
            "part-1",
            "ch-1",
            "art-1",
            "art-1-p-1",
            "art-2",
            "art-2-p-1",
            "art-2-p-1-it-1",
            "art-2-p-1-it-2",
            "part-2",
            "ch-2",
            "art-2-1",
            "art-2-1-p-1",
            "art-2-2",
            "art-2-2-p-1"
        ]
    );
    assert_eq!(s.article(2).unwrap().anchor, "art-2");
}

/// A small deterministic generator, so that the property runs the same everywhere.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn arbitrary_strings_never_panic_and_round_trip() {
    let alphabet: Vec<&str> = vec![
        "第",
        "一",
        "十",
        "百",
        "零",
        "二",
        "条",
        "章",
        "节",
        "编",
        "之",
        "（",
        "）",
        "(",
        ")",
        "、",
        ".",
        "．",
        "1",
        "2",
        "０",
        "①",
        "\n",
        "\r\n",
        "\n\n",
        " ",
        "\u{3000}",
        "\t",
        "。",
        "a",
        "é",
        "😀",
        "总则",
        "第一条 ",
        "第二章 ",
        "（一）",
        "1.",
        "二、",
    ];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let len = (rng.next() % 40) as usize;
        let s: String =
            (0..len).map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize]).collect();
        let st = parse(&s);
        round_trip(&s, &st);
        unique_anchors(&st);
        for u in st.walk() {
            let _ = full_text(&s, u);
        }
    }
}
