use super::*;
use crate::domain::document::{EndKind, Ended};
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::Status;

fn found(text: &str) -> Vec<(CiteKind, String, usize, usize, String)> {
    find(text, CiteField::Body)
        .into_iter()
        .map(|f| (f.kind, f.text, f.start, f.end, f.key))
        .collect()
}

fn span_text(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn a_title_is_found_with_its_character_span() {
    let text = "根据《中华人民共和国行政许可法》，制定本办法。";
    let f = found(text);
    assert_eq!(f.len(), 1);
    let (kind, t, start, end, key) = &f[0];
    assert_eq!(*kind, CiteKind::Title);
    assert_eq!(t, "《中华人民共和国行政许可法》");
    assert_eq!((*start, *end), (2, 16));
    assert_eq!(span_text(text, *start, *end), *t);
    assert_eq!(key, "行政许可法");
}

#[test]
fn nested_titles_stay_one_citation_whose_key_writes_every_inner_bracket_alike() {
    let text = "按照《国务院办公厅关于印发〈沈阳市甲办法〉的通知》和《省政府关于转发《乙规定》的通知》执行。";
    let f = found(text);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].1, "《国务院办公厅关于印发〈沈阳市甲办法〉的通知》");
    assert_eq!(f[1].1, "《省政府关于转发《乙规定》的通知》");
    assert_eq!(f[1].4, "省政府关于转发〈乙规定〉的通知");
    for (_, t, s, e, _) in &f {
        assert_eq!(span_text(text, *s, *e), *t);
    }
}

#[test]
fn a_stray_mark_is_no_title() {
    assert!(found("第一条 《未闭合的书名号\n第二条 》").is_empty());
    assert!(found("《》").is_empty());
}

#[test]
fn an_issuance_number_is_found_in_every_bracket_spelling_with_one_key() {
    for spelling in [
        "辽政规〔2023〕3号",
        "辽政规[2023]3号",
        "辽政规【2023】3号",
        "辽政规（2023）3号",
        "辽政规(2023)3号",
        "辽政规［2023］第3号",
        "辽政规〔２０２３〕３号",
        "辽政规〔2023〕003号",
    ] {
        let text = format!("根据{spelling}文件，制定本办法。");
        let f = found(&text);
        assert_eq!(f.len(), 1, "{spelling}: {f:?}");
        assert_eq!(f[0].0, CiteKind::Number);
        assert_eq!(f[0].1, spelling, "the lead-in 根据 is not part of it");
        assert_eq!((f[0].2, f[0].3), (2, 2 + spelling.chars().count()));
        assert_eq!(f[0].4, "辽政规〔2023〕3号");
    }
}

#[test]
fn a_number_without_号_or_without_an_agency_code_or_serial_is_judged_by_what_it_has() {
    let f = found("见国办发〔2023〕12（草案）");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].1, "国办发〔2023〕12");
    assert!(found("于（2023）年修订").is_empty(), "no serial");
    assert!(found("，（2023）5号").is_empty(), "no agency code");
    assert!(found("共(12)项").is_empty());
}

#[test]
fn a_title_followed_by_its_number_gives_both_in_text_order() {
    let text = "《沈阳市甲办法》（沈政规〔2026〕1号）同时废止。";
    let f = found(text);
    let kinds: Vec<_> = f.iter().map(|f| (f.0, f.1.as_str())).collect();
    assert_eq!(
        kinds,
        vec![(CiteKind::Title, "《沈阳市甲办法》"), (CiteKind::Number, "沈政规〔2026〕1号")]
    );
}

#[test]
fn citations_of_the_legal_basis_are_counted_in_the_legal_basis() {
    let f = find_in_document("正文。", Some("《行政处罚法》"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].field, CiteField::LegalBasis);
    assert_eq!((f[0].start, f[0].end), (0, 7));
}

#[test]
fn citations_in_real_regulations_are_found_where_they_stand() {
    // 上海市专利保护条例, 第一条 (the regulations corpus).
    let text = "第一条 为了保护发明创造专利权，保障专利权人的合法权益，促进技术创新，维护市场经济秩序，根据《中华人民共和国专利法》、《中华人民共和国专利法实施细则》和其他有关法律、行政法规，结合本市实际情况，制定本条例。";
    let f = found(text);
    let keys: Vec<_> = f.iter().map(|f| f.4.as_str()).collect();
    assert_eq!(keys, vec!["专利法", "专利法实施细则"]);
    for (_, t, s, e, _) in &f {
        assert_eq!(span_text(text, *s, *e), *t);
    }
    // 北京市市容环境卫生条例, its closing article: a nested title and a 文号 after a date and
    // the agency's full name.
    let text = "修正的《北京市城市市容环境卫生条例》，1994年8月17日市人民政府第17号令发布、根据1997年12月31日市人民政府第12号令修改的《违反〈北京市城市市容环境卫生条例〉行政处罚办法》，1985年11月30日市人民政府京政发〔1985〕167号文件发布";
    let f = found(text);
    let texts: Vec<_> = f.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "《北京市城市市容环境卫生条例》",
            "《违反〈北京市城市市容环境卫生条例〉行政处罚办法》",
            "京政发〔1985〕167号"
        ]
    );
    for (_, t, s, e, _) in &f {
        assert_eq!(span_text(text, *s, *e), *t);
    }
}

#[test]
fn the_shipped_list_resolves_titles_with_or_without_the_prc_prefix() {
    let laws = national_laws();
    assert_eq!(laws.len(), 1000, "every line of assets/national-laws.jsonl is read");
    for text in ["《中华人民共和国行政许可法》", "《行政许可法》", "《 行政许可法 》"]
    {
        let f = &find(text, CiteField::Body)[0];
        match resolve::<()>(f, |_| None, laws) {
            Resolution::Law(l) => {
                assert_eq!(l.title, "行政许可法");
                assert_eq!(l.level, "law");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    let unknown = &find("《沈阳市不存在的办法》", CiteField::Body)[0];
    assert_eq!(resolve::<()>(unknown, |_| None, laws), Resolution::Unresolved);
    // A title of the list itself carrying the prefix is still found by its own title.
    let inner = &find("《外国人在中华人民共和国收养子女登记办法》", CiteField::Body)[0];
    assert!(matches!(resolve::<()>(inner, |_| None, laws), Resolution::Law(_)));
}

#[test]
fn the_registry_comes_before_the_list_and_a_number_is_only_looked_up_there() {
    let laws = national_laws();
    let title = &find("《行政许可法》", CiteField::Body)[0];
    assert_eq!(resolve(title, |_| Some(7), laws), Resolution::Document(7));
    let number = &find("辽政规〔2023〕3号", CiteField::Body)[0];
    assert_eq!(resolve::<()>(number, |_| None, laws), Resolution::Unresolved);
    assert_eq!(stored_titles("行政许可法")[1], "中华人民共和国行政许可法");
}

fn published(title: &str) -> Document {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    Document {
        status: Status::Published,
        published_on: Some(d("2026-01-05")),
        effective_on: Some(d("2026-02-04")),
        valid_until: Some(d("2031-02-03")),
        issuance_number: Some("沈政规〔2026〕1号".into()),
        ..Document::draft(
            DocumentId::new(),
            AgencyId::new(),
            title.into(),
            "正文".into(),
            d("2026-01-05").and_hms_opt(9, 0, 0).unwrap(),
        )
    }
}

#[test]
fn a_cited_document_changes_the_basis_once_it_ended_in_any_way() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let mut cited = published("沈阳市甲办法");
    assert_eq!(basis_change(&cited, d("2026-03-01")), None);
    assert_eq!(basis_change(&cited, d("2031-02-04")), Some((Validity::Expired, d("2031-02-04"))));
    for kind in EndKind::ALL {
        cited.ended = Some(Ended { kind, on: d("2026-06-10"), reason: None, by: None });
        let (v, on) = basis_change(&cited, d("2026-07-01")).expect("ended");
        assert_eq!((v, on), (kind.validity(), d("2026-06-10")));
        let note = basis_change_note(&cited, v, on);
        assert!(
            note.starts_with("依据变化：《沈阳市甲办法》（沈政规〔2026〕1号）自2026-06-10"),
            "{note}"
        );
    }
}

#[test]
fn submission_flags_unknown_titles_and_documents_no_longer_in_force() {
    use CiteKind::*;
    assert_eq!(concern(Title, false, None), Some(Concern::UnknownTitle));
    assert_eq!(concern(Number, false, None), None, "a number may be of another registry");
    assert_eq!(concern(Title, true, None), None, "a national law");
    assert_eq!(concern(Title, true, Some(Validity::InForce)), None);
    assert_eq!(
        concern(Number, true, Some(Validity::Repealed)),
        Some(Concern::NotInForce(Validity::Repealed))
    );
    assert_eq!(Concern::NotInForce(Validity::Repealed).code(), "citation_not_in_force");
}
