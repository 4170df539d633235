//! A document as Akoma Ntoso 3.0 (OASIS LegalDocML) XML: the FRBR identification of the work,
//! the expression (the version, in Chinese) and the manifestation (this XML), the publication
//! and lifecycle events, and the body's structure as chapters, sections, articles,
//! paragraphs and points. Pure: the service gathers the facts, this writes them.
//!
//! URIs follow the AKN naming convention for the jurisdiction: the work is
//! `/akn/cn-<agency code>/act/<year>/<number>`, the expression adds `/zho@<date>`, the
//! manifestation `.akn`. The same document always gets the same URIs.

use chrono::NaiveDate;

use crate::domain::structure::{Structure, Unit, UnitKind};

const NS: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

/// What happened to the work, for `<lifecycle>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifeEvent {
    pub date: NaiveDate,
    pub kind: LifeEventKind,
    /// The URI of the act that made the event (the amending version, the repealing document).
    pub source_uri: String,
    pub show_as: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifeEventKind {
    /// The first publication.
    Generation,
    Amendment,
    /// Repeal, declaration of invalidity or revocation: the end of the work.
    Repeal,
}

/// The facts an act's XML is made of.
#[derive(Clone, Debug)]
pub struct Act<'a> {
    /// The agency's code, e.g. `LN`.
    pub agency_code: &'a str,
    pub agency_name: &'a str,
    /// The year and number that name the work (of its first version).
    pub work_year: i32,
    pub work_number: &'a str,
    pub work_date: NaiveDate,
    pub title: &'a str,
    /// 文号 of this version.
    pub issuance_number: Option<&'a str>,
    /// This version's publication: the expression's date.
    pub published_on: NaiveDate,
    pub channel: Option<&'a str>,
    pub events: Vec<LifeEvent>,
    pub body: &'a str,
    pub structure: &'a Structure,
    /// When this manifestation was made.
    pub generated_on: NaiveDate,
}

impl Act<'_> {
    /// `/akn/cn-ln/act/2026/3`
    pub fn work_uri(&self) -> String {
        work_uri(self.agency_code, self.work_year, self.work_number)
    }

    pub fn expression_uri(&self) -> String {
        format!("{}/zho@{}", self.work_uri(), self.published_on)
    }
}

/// The work URI of an agency's act.
pub fn work_uri(agency_code: &str, year: i32, number: &str) -> String {
    format!("/akn/cn-{}/act/{year}/{}", slug(agency_code), slug(number))
}

/// A URI segment: lower-case letters, digits and dashes.
fn slug(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    if out.trim_matches('-').is_empty() {
        "x".into()
    } else {
        out
    }
}

/// The XML of an act.
pub fn render(act: &Act) -> String {
    let (work, expr) = (act.work_uri(), act.expression_uri());
    let author = format!("#{}", slug(act.agency_code));
    let mut x = String::with_capacity(act.body.len() * 2 + 4096);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!("<akomaNtoso xmlns=\"{NS}\">\n<act name=\"act\">\n<meta>\n"));
    x.push_str("<identification source=\"#normreg\">\n<FRBRWork>\n");
    x.push_str(&format!("<FRBRthis value=\"{work}/!main\"/>\n<FRBRuri value=\"{work}\"/>\n"));
    x.push_str(&format!("<FRBRdate date=\"{}\" name=\"Generation\"/>\n", act.work_date));
    x.push_str(&format!("<FRBRauthor href=\"{author}\"/>\n<FRBRcountry value=\"cn\"/>\n"));
    x.push_str(&format!("<FRBRnumber value=\"{}\"/>\n", esc(act.work_number)));
    x.push_str(&format!("<FRBRname value=\"{}\"/>\n</FRBRWork>\n", esc(act.title)));
    x.push_str(&format!("<FRBRExpression>\n<FRBRthis value=\"{expr}/!main\"/>\n"));
    x.push_str(&format!("<FRBRuri value=\"{expr}\"/>\n"));
    x.push_str(&format!("<FRBRdate date=\"{}\" name=\"Publication\"/>\n", act.published_on));
    x.push_str(&format!("<FRBRauthor href=\"{author}\"/>\n<FRBRlanguage language=\"zho\"/>\n"));
    x.push_str("</FRBRExpression>\n<FRBRManifestation>\n");
    x.push_str(&format!(
        "<FRBRthis value=\"{expr}/!main.akn\"/>\n<FRBRuri value=\"{expr}.akn\"/>\n"
    ));
    x.push_str(&format!("<FRBRdate date=\"{}\" name=\"Generation\"/>\n", act.generated_on));
    x.push_str("<FRBRauthor href=\"#normreg\"/>\n</FRBRManifestation>\n</identification>\n");
    let channel = act.channel.unwrap_or("公报");
    x.push_str(&format!(
        "<publication date=\"{}\" name=\"{}\" showAs=\"{}\"{}/>\n",
        act.published_on,
        esc(channel),
        esc(channel),
        act.issuance_number.map(|n| format!(" number=\"{}\"", esc(n))).unwrap_or_default()
    ));
    if !act.events.is_empty() {
        x.push_str("<lifecycle source=\"#normreg\">\n");
        for (i, e) in act.events.iter().enumerate() {
            let (kind, source) = match e.kind {
                LifeEventKind::Generation => ("generation", "#original".to_string()),
                LifeEventKind::Amendment => ("amendment", format!("#source-{}", i + 1)),
                LifeEventKind::Repeal => ("repeal", format!("#source-{}", i + 1)),
            };
            x.push_str(&format!(
                "<eventRef eId=\"event-{}\" date=\"{}\" source=\"{source}\" type=\"{kind}\"/>\n",
                i + 1,
                e.date
            ));
        }
        x.push_str("</lifecycle>\n");
    }
    x.push_str("<references source=\"#normreg\">\n");
    x.push_str(&format!(
        "<original eId=\"original\" href=\"{}\" showAs=\"{}\"/>\n",
        act.events
            .iter()
            .find(|e| e.kind == LifeEventKind::Generation)
            .map_or(expr.clone(), |e| e.source_uri.clone()),
        esc(act.title)
    ));
    for (i, e) in act.events.iter().enumerate() {
        if e.kind != LifeEventKind::Generation {
            x.push_str(&format!(
                "<passiveRef eId=\"source-{}\" href=\"{}\" showAs=\"{}\"/>\n",
                i + 1,
                esc(&e.source_uri),
                esc(&e.show_as)
            ));
        }
    }
    x.push_str(&format!(
        "<TLCOrganization eId=\"{}\" href=\"/ontology/organization/cn/{}\" showAs=\"{}\"/>\n",
        slug(act.agency_code),
        slug(act.agency_code),
        esc(act.agency_name)
    ));
    x.push_str("<TLCOrganization eId=\"normreg\" href=\"/ontology/organization/normreg\" showAs=\"normreg\"/>\n");
    x.push_str("</references>\n</meta>\n");
    x.push_str(&format!(
        "<preface>\n<p class=\"title\"><docTitle>{}</docTitle></p>\n</preface>\n",
        esc(act.title)
    ));
    x.push_str("<body>\n");
    if act.structure.is_structured() {
        for u in &act.structure.units {
            unit(&mut x, u);
        }
    } else {
        x.push_str("<paragraph eId=\"p-1\">\n<content>\n");
        for line in act.body.lines().map(str::trim).filter(|l| !l.is_empty()) {
            x.push_str(&format!("<p>{}</p>\n", inline(line)));
        }
        if act.body.trim().is_empty() {
            x.push_str("<p/>\n");
        }
        x.push_str("</content>\n</paragraph>\n");
    }
    x.push_str("</body>\n</act>\n</akomaNtoso>\n");
    x
}

/// One unit as its AKN hierarchy element.
fn unit(x: &mut String, u: &Unit) {
    let tag = match u.kind {
        UnitKind::Part => "part",
        UnitKind::Chapter => "chapter",
        UnitKind::Section => "section",
        UnitKind::Article => "article",
        UnitKind::Paragraph => "paragraph",
        UnitKind::Item | UnitKind::Subitem => "point",
    };
    x.push_str(&format!("<{tag} eId=\"{}\">\n", esc(&u.anchor)));
    if !u.label.is_empty() {
        x.push_str(&format!("<num>{}</num>\n", esc(&u.label)));
    }
    if let Some(h) = u.heading.as_deref().filter(|h| !h.is_empty()) {
        x.push_str(&format!("<heading>{}</heading>\n", esc(h)));
    }
    // An item's text starts with its label, already in <num>.
    let text = u.text.as_deref().map(|t| t.strip_prefix(u.label.as_str()).unwrap_or(t).trim());
    if u.children.is_empty() {
        x.push_str(&format!("<content>\n<p>{}</p>\n</content>\n", inline(text.unwrap_or(""))));
    } else {
        if let Some(t) = text.filter(|t| !t.is_empty()) {
            x.push_str(&format!("<intro>\n<p>{}</p>\n</intro>\n", inline(t)));
        }
        for c in &u.children {
            unit(x, c);
        }
    }
    x.push_str(&format!("</{tag}>\n"));
}

/// The inline text of a unit. The hook for citations: a resolved citation's span becomes a
/// `<ref href="…">` here once the citations are known.
fn inline(text: &str) -> String {
    esc(text)
}

/// XML escaping of text and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
        assert!(
            x.contains("<point eId=\"art-1-p-1-it-2\">\n<num>（二）</num>\n<content>\n<p>丁。</p>")
        );
        assert!(x.contains("<p>&lt;戊&gt;</p>"));
        assert!(x.contains("<FRBRuri value=\"/akn/cn-ln/act/2026/3/zho@2026-03-02\"/>"));
        assert!(x.contains("<FRBRname value=\"辽宁省&lt;测试&gt;办法\"/>"));
    }

    /// Writes the demo's documents and the regulations of the structure tests as AKN under
    /// `target/akn/`, where `.ci/akn-validate` checks them against the OASIS schema.
    #[test]
    fn real_texts_are_written_for_schema_validation() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/akn");
        std::fs::create_dir_all(&dir).unwrap();
        let texts = include_str!("../../assets/demo/documents.jsonl")
            .lines()
            .chain(include_str!("testdata/structured-texts.jsonl").lines());
        for (i, line) in texts.enumerate() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let body = v["body"].as_str().unwrap();
            let s = parse(body);
            let mut a = act(body, &s);
            a.title = v["title"].as_str().unwrap();
            std::fs::write(dir.join(format!("unit-{i:02}.xml")), render(&a)).unwrap();
        }
    }
}
