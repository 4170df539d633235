//! A document as Akoma Ntoso 3.0 (OASIS LegalDocML) XML: the FRBR identification of the work,
//! the expression (the version, in Chinese) and the manifestation (this XML), the publication
//! and lifecycle events, and the body's structure as chapters, sections, articles,
//! paragraphs and points. Pure: the service gathers the facts, this writes them.
//!
//! URIs follow the AKN naming convention for the jurisdiction: the work is
//! `/akn/cn-<agency code>/act/<year>/<number>`, the expression adds `/zho@<date>`, the
//! manifestation `.akn`. The same document always gets the same URIs. Resolved citations of
//! the body become `<ref>`s to such a work URI, or to a national law's URI (`refs`).

mod refs;

use chrono::NaiveDate;

pub use refs::{law_uri, place, CharSpan, Ref};

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
    /// The resolved citations of the body, placed by [`place`], in body order.
    pub refs: &'a [Ref],
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
            unit(&mut x, u, act);
        }
    } else {
        x.push_str("<paragraph eId=\"p-1\">\n<content>\n");
        let mut offset = 0;
        for raw in act.body.split_inclusive('\n') {
            let (line, at) = trimmed(raw, offset);
            offset += raw.len();
            if !line.is_empty() {
                x.push_str(&format!("<p>{}</p>\n", refs::inline(line, Some(at), act.refs)));
            }
        }
        if act.body.trim().is_empty() {
            x.push_str("<p/>\n");
        }
        x.push_str("</content>\n</paragraph>\n");
    }
    x.push_str("</body>\n</act>\n</akomaNtoso>\n");
    x
}

/// `s` trimmed, and where it then starts when `s` starts at byte `at`.
fn trimmed(s: &str, at: usize) -> (&str, usize) {
    let t = s.trim_start();
    (t.trim_end(), at + s.len() - t.len())
}

/// One unit as its AKN hierarchy element.
fn unit(x: &mut String, u: &Unit, act: &Act) {
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
    // An item's text starts with its label, already in <num>. Where the text stands in the
    // body places the citations' refs: the unit's text is the first of its own span.
    let text = u.text.as_deref().map(|t| {
        let at = act.body.get(u.span.clone()).and_then(|s| s.find(t)).map(|i| u.span.start + i);
        let rest = t.strip_prefix(u.label.as_str()).unwrap_or(t);
        let (rest, skipped) = trimmed(rest, t.len() - rest.len());
        (rest, at.map(|at| at + skipped))
    });
    let inline = |(t, at): (&str, Option<usize>)| refs::inline(t, at, act.refs);
    if u.children.is_empty() {
        let p = inline(text.unwrap_or(("", None)));
        x.push_str(&format!("<content>\n<p>{p}</p>\n</content>\n"));
    } else {
        if let Some(t) = text.filter(|(t, _)| !t.is_empty()) {
            x.push_str(&format!("<intro>\n<p>{}</p>\n</intro>\n", inline(t)));
        }
        for c in &u.children {
            unit(x, c, act);
        }
    }
    x.push_str(&format!("</{tag}>\n"));
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
mod tests;
