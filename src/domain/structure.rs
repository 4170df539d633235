//! The structure of a Chinese normative text: 编/章/节/条/款/项/目 (`part`, `chapter`,
//! `section`, `article`, `paragraph`, `item`, `subitem`), read from the body at read time.
//!
//! Every unit owns a contiguous span of the body, and the spans in reading order join back to
//! the body exactly ([`Structure::spans`]): nothing is lost, so that anchors, comparisons and
//! renderings all speak of the same text. A text with no 编, 章, 节 or 条 is one unit; no
//! input fails. Anchors are stable as long as the numbering is: `art-5`, `art-5-p-2`,
//! `art-5-p-2-it-3`, `ch-2`, `ch-2-sec-1`, `part-1`.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

pub mod compare;
mod line;
pub mod numerals;

use line::{Level, Line, Style};

/// The kinds of unit, from the largest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 编
    Part,
    /// 章
    Chapter,
    /// 节
    Section,
    /// 条
    Article,
    /// 款
    Paragraph,
    /// 项
    Item,
    /// 目
    Subitem,
}

impl UnitKind {
    /// Rank in the tree: a unit closes every open unit of its rank or below.
    fn rank(self) -> u8 {
        match self {
            Self::Part => 0,
            Self::Chapter => 1,
            Self::Section => 2,
            Self::Article => 3,
            Self::Paragraph => 4,
            Self::Item | Self::Subitem => 5,
        }
    }

    /// The anchor's word for this kind.
    fn anchor_word(self) -> &'static str {
        match self {
            Self::Part => "part",
            Self::Chapter => "ch",
            Self::Section => "sec",
            Self::Article => "art",
            Self::Paragraph => "p",
            Self::Item => "it",
            Self::Subitem => "sub",
        }
    }
}

/// One unit of a text and the units inside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub kind: UnitKind,
    /// 5 for 第五条 and for （五）; paragraphs count from 1 within their unit.
    pub number: u32,
    /// The unit's label as written (第五条, 第十条之一, （一）, 1.); empty for a paragraph.
    pub label: String,
    /// The heading of a 编, 章 or 节 (总则).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The unit's own text (without its label for the first paragraph of an article and
    /// without the items below it); absent on headings and articles, whose text is in their
    /// children.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Unique within the document; the fragment of the unit on the document page.
    pub anchor: String,
    #[schema(no_recursion)]
    pub children: Vec<Unit>,
    /// The bytes of the body this unit owns itself (not its children's).
    #[serde(skip)]
    pub span: Range<usize>,
}

impl Unit {
    /// The bytes of the body under this unit, its children's included.
    pub fn extent(&self) -> Range<usize> {
        let end = self.children.last().map_or(self.span.end, |c| c.extent().end);
        self.span.start..end.max(self.span.end)
    }

    /// Every unit at or below this one, in reading order.
    pub fn walk(&self) -> Vec<&Unit> {
        let mut all = vec![self];
        for c in &self.children {
            all.extend(c.walk());
        }
        all
    }
}

/// A body read into units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Structure {
    pub units: Vec<Unit>,
}

impl Structure {
    /// Every unit, in reading order.
    pub fn walk(&self) -> Vec<&Unit> {
        self.units.iter().flat_map(Unit::walk).collect()
    }

    /// The articles, in reading order.
    pub fn articles(&self) -> Vec<&Unit> {
        self.walk().into_iter().filter(|u| u.kind == UnitKind::Article).collect()
    }

    /// The first article numbered `n` (第n条, not 第n条之一).
    pub fn article(&self, n: u32) -> Option<&Unit> {
        self.articles().into_iter().find(|u| u.number == n && !u.label.contains('之'))
    }

    /// The units' own spans in reading order: joined, they give back the body.
    pub fn spans(&self) -> Vec<Range<usize>> {
        self.walk().into_iter().map(|u| u.span.clone()).collect()
    }

    /// Whether the text has 编, 章, 节 or 条 (else it is one unit).
    pub fn is_structured(&self) -> bool {
        !(self.units.len() == 1 && self.units[0].children.is_empty())
    }
}

/// The text of a unit and everything under it, without its label: an article as one string.
pub fn full_text(body: &str, unit: &Unit) -> String {
    let range = unit.extent();
    let text = body.get(range).unwrap_or_default().trim();
    text.strip_prefix(unit.label.as_str()).unwrap_or(text).trim().to_string()
}

/// A unit while the body is read: flat, with its parent.
struct Flat {
    kind: UnitKind,
    number: u32,
    label: String,
    heading: Option<String>,
    text: Option<Range<usize>>,
    span: Range<usize>,
    parent: Option<usize>,
    style: Option<Style>,
    anchor_tail: String,
}

/// Reads a body into units. Never fails: what is not recognised is text.
pub fn parse(body: &str) -> Structure {
    let mut units: Vec<Flat> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut next_article = 1u32;
    let mut structured = false;
    let mut offset = 0usize;
    for raw in body.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let at = start + lead; // where the trimmed line starts in the body
                               // Blank lines before the first unit belong to it.
        let first_start = if units.is_empty() { 0 } else { start };
        let push = |units: &mut Vec<Flat>, open: &mut Vec<usize>, mut f: Flat| {
            f.parent = open.last().copied();
            units.push(f);
            open.push(units.len() - 1);
        };
        match line::classify(trimmed, next_article) {
            Line::Blank => {
                if let Some(last) = units.last_mut() {
                    last.span.end = offset;
                }
            }
            Line::Heading { level, number, label_end } => {
                structured = true;
                let kind = match level {
                    Level::Part => UnitKind::Part,
                    Level::Chapter => UnitKind::Chapter,
                    Level::Section => UnitKind::Section,
                };
                close_to(&units, &mut open, kind.rank());
                let heading: String =
                    trimmed[label_end..].chars().filter(|c| !c.is_whitespace()).collect();
                let f = flat(kind, number, &trimmed[..label_end], first_start..offset);
                push(&mut units, &mut open, Flat { heading: Some(heading), ..f });
            }
            Line::Article { number, sub, label_end } => {
                structured = true;
                next_article = number + 1;
                close_to(&units, &mut open, UnitKind::Article.rank());
                let label = &trimmed[..label_end];
                let rest = &trimmed[label_end..];
                let rest_at = at + label_end + (rest.len() - rest.trim_start().len());
                let mut f = flat(UnitKind::Article, number, label, first_start..rest_at);
                if let Some(s) = sub {
                    f.anchor_tail = format!("{number}-{s}");
                }
                if rest.trim().is_empty() {
                    f.span.end = offset;
                    push(&mut units, &mut open, f);
                } else {
                    push(&mut units, &mut open, f);
                    let mut p = flat(UnitKind::Paragraph, 1, "", rest_at..offset);
                    p.text = Some(rest_at..at + trimmed.len());
                    push(&mut units, &mut open, p);
                }
            }
            Line::Item { style, number, label_end } => {
                // A style already open nests back to that list; a new style opens a list
                // inside the current unit.
                let mut p = open.len();
                while p > 0 && units[open[p - 1]].style.is_some() {
                    p -= 1;
                    if units[open[p]].style == Some(style) {
                        open.truncate(p);
                        break;
                    }
                }
                let parent_is_item = open.last().is_some_and(|&i| units[i].style.is_some());
                let kind = if parent_is_item { UnitKind::Subitem } else { UnitKind::Item };
                let mut f = flat(kind, number, &trimmed[..label_end], first_start..offset);
                f.style = Some(style);
                f.text = Some(at..at + trimmed.len());
                push(&mut units, &mut open, f);
            }
            Line::Text => {
                while open.last().is_some_and(|&i| units[i].kind.rank() >= 4) {
                    open.pop();
                }
                let mut f = flat(UnitKind::Paragraph, 0, "", first_start..offset);
                f.text = Some(at..at + trimmed.len());
                push(&mut units, &mut open, f);
            }
        }
    }
    if !structured {
        return one_unit(body);
    }
    Structure { units: nest(body, units) }
}

fn flat(kind: UnitKind, number: u32, label: &str, span: Range<usize>) -> Flat {
    Flat {
        kind,
        number,
        label: label.to_string(),
        heading: None,
        text: None,
        span,
        parent: None,
        style: None,
        anchor_tail: number.to_string(),
    }
}

/// Closes every open unit of `rank` or below.
fn close_to(units: &[Flat], open: &mut Vec<usize>, rank: u8) {
    while open.last().is_some_and(|&i| units[i].kind.rank() >= rank) {
        open.pop();
    }
}

/// A text without structure: one paragraph.
fn one_unit(body: &str) -> Structure {
    Structure {
        units: vec![Unit {
            kind: UnitKind::Paragraph,
            number: 1,
            label: String::new(),
            heading: None,
            text: Some(body.trim().to_string()),
            anchor: "p-1".into(),
            children: vec![],
            span: 0..body.len(),
        }],
    }
}

/// The flat units as a tree, with paragraph numbers and unique anchors.
fn nest(body: &str, mut flat: Vec<Flat>) -> Vec<Unit> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); flat.len()];
    let mut roots = Vec::new();
    for (i, f) in flat.iter().enumerate() {
        match f.parent {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    // Paragraphs count from 1 among their siblings.
    for list in children.iter().chain(std::iter::once(&roots)) {
        let mut n = 0;
        for &i in list {
            if flat[i].kind == UnitKind::Paragraph {
                n += 1;
                flat[i].number = n;
                flat[i].anchor_tail = n.to_string();
            }
        }
    }
    let mut seen = HashSet::new();
    roots.iter().map(|&i| build(body, &flat, &children, i, "", &mut seen)).collect()
}

fn build(
    body: &str,
    flat: &[Flat],
    children: &[Vec<usize>],
    i: usize,
    parent_anchor: &str,
    seen: &mut HashSet<String>,
) -> Unit {
    let f = &flat[i];
    let own = format!("{}-{}", f.kind.anchor_word(), f.anchor_tail);
    // Parts, chapters and articles are numbered through the whole text; the others within
    // their unit.
    let global = matches!(f.kind, UnitKind::Part | UnitKind::Chapter | UnitKind::Article);
    let base =
        if global || parent_anchor.is_empty() { own } else { format!("{parent_anchor}-{own}") };
    let mut anchor = base.clone();
    let mut k = 2;
    while !seen.insert(anchor.clone()) {
        anchor = format!("{base}-{k}");
        k += 1;
    }
    let kids = children[i].iter().map(|&c| build(body, flat, children, c, &anchor, seen)).collect();
    Unit {
        kind: f.kind,
        number: f.number,
        label: f.label.clone(),
        heading: f.heading.clone(),
        text: f.text.clone().map(|r| body[r].to_string()),
        anchor,
        children: kids,
        span: f.span.clone(),
    }
}

#[cfg(test)]
mod tests;
