//! The comparison of two versions of a text, article by article (修改对照表): each article is
//! unchanged, changed (with the changed characters marked), added, deleted, or moved (the same
//! article under another number, renumbered by an insertion or a deletion before it, perhaps
//! changed too). Articles are matched by text, not by number, so that a renumbering reads as
//! what it is rather than as every later article deleted and added again.

use std::collections::HashSet;

use serde::Serialize;

use super::{full_text, Structure};

/// What became of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Unchanged,
    Changed,
    Added,
    Deleted,
    /// Under another number (and changed too when `diff` marks changes).
    Moved,
}

/// A run of characters of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Segment {
    /// `equal`, `delete` (only in the old text) or `insert` (only in the new).
    pub op: SegmentOp,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SegmentOp {
    Equal,
    Delete,
    Insert,
}

/// One row of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ArticleChange {
    pub change: Change,
    /// The article's number in the old version (absent when added).
    pub old_number: Option<u32>,
    pub new_number: Option<u32>,
    pub old_label: Option<String>,
    pub new_label: Option<String>,
    pub old_text: Option<String>,
    pub new_text: Option<String>,
    /// The changed characters, when the texts differ and both exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<Segment>>,
}

/// An article of one side: its number, label and whole text.
#[derive(Clone, Debug)]
struct Side {
    number: u32,
    label: String,
    text: String,
}

fn sides(body: &str, s: &Structure) -> Vec<Side> {
    let articles = s.articles();
    if articles.is_empty() {
        // A text without articles compares as one unit.
        return vec![Side { number: 0, label: String::new(), text: body.trim().to_string() }];
    }
    articles
        .into_iter()
        .map(|a| Side { number: a.number, label: a.label.clone(), text: full_text(body, a) })
        .collect()
}

/// The least similarity (Dice over character bigrams) for two articles to count as one:
/// below it, the old is deleted and the new added.
const SAME_NUMBER_THRESHOLD: f64 = 0.5;
const MOVED_THRESHOLD: f64 = 0.6;

/// Compares the old body with the new, in the new text's order, each deleted article where it
/// stood.
pub fn compare(
    old_body: &str,
    old: &Structure,
    new_body: &str,
    new: &Structure,
) -> Vec<ArticleChange> {
    let (olds, news) = (sides(old_body, old), sides(new_body, new));
    let mut pair: Vec<Option<usize>> = vec![None; news.len()]; // new -> old
    let mut taken: HashSet<usize> = HashSet::new();
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let old_norm: Vec<String> = olds.iter().map(|o| norm(&o.text)).collect();
    // 1. The same text, the same number first, then anywhere.
    for same_number in [true, false] {
        for (j, n) in news.iter().enumerate() {
            if pair[j].is_some() {
                continue;
            }
            let t = norm(&n.text);
            let found = (0..olds.len()).find(|&i| {
                !taken.contains(&i)
                    && old_norm[i] == t
                    && (!same_number || olds[i].number == n.number)
            });
            if let Some(i) = found {
                pair[j] = Some(i);
                taken.insert(i);
            }
        }
    }
    // 2. The same number and a similar text; 3. the most similar text anywhere.
    let grams_old: Vec<HashSet<(char, char)>> = olds.iter().map(|o| bigrams(&o.text)).collect();
    for (j, n) in news.iter().enumerate() {
        if pair[j].is_some() {
            continue;
        }
        let g = bigrams(&n.text);
        let same = (0..olds.len()).find(|&i| !taken.contains(&i) && olds[i].number == n.number);
        if let Some(i) = same.filter(|&i| dice(&grams_old[i], &g) >= SAME_NUMBER_THRESHOLD) {
            pair[j] = Some(i);
            taken.insert(i);
        }
    }
    for (j, n) in news.iter().enumerate() {
        if pair[j].is_some() {
            continue;
        }
        let g = bigrams(&n.text);
        let best = (0..olds.len())
            .filter(|i| !taken.contains(i))
            .map(|i| (i, dice(&grams_old[i], &g)))
            .filter(|&(_, d)| d >= MOVED_THRESHOLD)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = best {
            pair[j] = Some(i);
            taken.insert(i);
        }
    }
    let mut rows = Vec::new();
    let mut next_old = 0; // deleted articles before this index are already listed
    let deleted = |i: usize| ArticleChange {
        change: Change::Deleted,
        old_number: Some(olds[i].number),
        new_number: None,
        old_label: Some(olds[i].label.clone()),
        new_label: None,
        old_text: Some(olds[i].text.clone()),
        new_text: None,
        diff: None,
    };
    for (j, n) in news.iter().enumerate() {
        if let Some(i) = pair[j] {
            while next_old < i {
                if !taken.contains(&next_old) {
                    rows.push(deleted(next_old));
                }
                next_old += 1;
            }
            next_old = next_old.max(i + 1);
        }
        rows.push(match pair[j] {
            None => ArticleChange {
                change: Change::Added,
                old_number: None,
                new_number: Some(n.number),
                old_label: None,
                new_label: Some(n.label.clone()),
                old_text: None,
                new_text: Some(n.text.clone()),
                diff: None,
            },
            Some(i) => {
                let o = &olds[i];
                let same_text = old_norm[i] == norm(&n.text);
                let change = match (o.number == n.number && o.label == n.label, same_text) {
                    (true, true) => Change::Unchanged,
                    (true, false) => Change::Changed,
                    (false, _) => Change::Moved,
                };
                ArticleChange {
                    change,
                    old_number: Some(o.number),
                    new_number: Some(n.number),
                    old_label: Some(o.label.clone()),
                    new_label: Some(n.label.clone()),
                    old_text: Some(o.text.clone()),
                    new_text: Some(n.text.clone()),
                    diff: (!same_text).then(|| diff(&o.text, &n.text)),
                }
            }
        });
    }
    for i in next_old..olds.len() {
        if !taken.contains(&i) {
            rows.push(deleted(i));
        }
    }
    rows
}

fn bigrams(s: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

/// The most cells the character diff fills; beyond, the differing middle is shown as deleted
/// and inserted whole (no article of a real text comes near).
const MAX_DIFF_CELLS: usize = 4_000_000;

/// A character-level diff of two texts (longest common subsequence, after the common prefix
/// and suffix), as runs of equal, deleted and inserted characters.
pub fn diff(old: &str, new: &str) -> Vec<Segment> {
    let (a, b): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix =
        a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<(SegmentOp, char)> =
        a[..prefix].iter().map(|&c| (SegmentOp::Equal, c)).collect();
    if am.len().saturating_mul(bm.len()) > MAX_DIFF_CELLS {
        ops.extend(am.iter().map(|&c| (SegmentOp::Delete, c)));
        ops.extend(bm.iter().map(|&c| (SegmentOp::Insert, c)));
    } else {
        ops.extend(lcs_ops(am, bm));
    }
    ops.extend(a[a.len() - suffix..].iter().map(|&c| (SegmentOp::Equal, c)));
    let mut out: Vec<Segment> = Vec::new();
    for (op, c) in ops {
        match out.last_mut() {
            Some(s) if s.op == op => s.text.push(c),
            _ => out.push(Segment { op, text: c.to_string() }),
        }
    }
    out
}

fn lcs_ops(a: &[char], b: &[char]) -> Vec<(SegmentOp, char)> {
    let (n, m) = (a.len(), b.len());
    // table[i][j]: the LCS of a[i..] and b[j..].
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i] == b[j] {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::with_capacity(n + m));
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((SegmentOp::Equal, a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || table[at(i, j + 1)] >= table[at(i + 1, j)]) {
            ops.push((SegmentOp::Insert, b[j]));
            j += 1;
        } else {
            ops.push((SegmentOp::Delete, a[i]));
            i += 1;
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn text_of(title: &str) -> String {
        include_str!("../../../assets/demo/documents.jsonl")
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["title"] == title)
            .unwrap()["body"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn rows(old: &str, new: &str) -> Vec<ArticleChange> {
        compare(old, &parse(old), new, &parse(new))
    }

    /// The amendment of a real text: 第三条 changed, a new 第五条 inserted (so the old 第五条
    /// onward are renumbered), the old 第七条 deleted (so the numbers meet again).
    #[test]
    fn an_amendment_with_a_changed_an_added_a_deleted_and_renumbered_articles() {
        let old = text_of("辽宁省信息化促进办法");
        let s = parse(&old);
        let arts: Vec<String> = s.articles().iter().map(|a| full_text(&old, a)).collect();
        let mut new_arts: Vec<String> = arts.clone();
        new_arts[2] = new_arts[2].replace("统筹规划", "统筹规划、协同推进");
        new_arts.remove(6); // old 第七条
        new_arts.insert(4, "省人民政府应当建立数字政府建设评估制度，定期公布评估结果。".into());
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
        let new: String = new_arts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let n = i + 1;
                let label = if n <= 10 { numerals[n - 1].to_string() } else { format!("{n}") };
                format!("第{label}条 {t}\n")
            })
            .collect();
        let r = rows(&old, &new);
        let by_new = |n: u32| r.iter().find(|x| x.new_number == Some(n)).unwrap();
        assert_eq!(by_new(1).change, Change::Unchanged);
        let changed = by_new(3);
        assert_eq!(changed.change, Change::Changed);
        let diff = changed.diff.as_ref().unwrap();
        assert!(
            diff.iter()
                .any(|s| s.op == SegmentOp::Insert && s.text.trim_matches('、') == "协同推进"),
            "{diff:?}"
        );
        assert!(diff.iter().all(|s| s.op != SegmentOp::Delete));
        assert_eq!(by_new(5).change, Change::Added);
        let moved = by_new(6);
        assert_eq!((moved.change, moved.old_number), (Change::Moved, Some(5)));
        assert!(moved.diff.is_none());
        let deleted: Vec<_> = r.iter().filter(|x| x.change == Change::Deleted).collect();
        assert_eq!(deleted.len(), 1);
        assert_eq!(deleted[0].old_number, Some(7));
        // After the deletion the numbers meet again: old 第八条 is new 第八条.
        assert_eq!(by_new(8).change, Change::Unchanged);
        // Rows follow the new order, the deleted one where it stood.
        let pos = |x: &ArticleChange| r.iter().position(|y| y == x).unwrap();
        assert!(pos(deleted[0]) > pos(by_new(7)) && pos(deleted[0]) < pos(by_new(8)));
        assert_eq!(r.len(), arts.len() + 1);
    }

    #[test]
    fn texts_without_articles_compare_as_one_unit() {
        let r = rows("本决定自公布之日起施行。", "本决定自2027年1月1日起施行。");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].change, Change::Changed);
    }

    #[test]
    fn character_diff() {
        let d = diff("应当在三十日内办结", "应当在二十个工作日内办结");
        let joined_old: String =
            d.iter().filter(|s| s.op != SegmentOp::Insert).map(|s| s.text.as_str()).collect();
        let joined_new: String =
            d.iter().filter(|s| s.op != SegmentOp::Delete).map(|s| s.text.as_str()).collect();
        assert_eq!(joined_old, "应当在三十日内办结");
        assert_eq!(joined_new, "应当在二十个工作日内办结");
        assert_eq!(d[0], Segment { op: SegmentOp::Equal, text: "应当在".into() });
        assert!(diff("", "").is_empty());
    }
}
