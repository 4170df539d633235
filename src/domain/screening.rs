//! Screening of draft texts for wording that a normative document may not contain, with the rules kept as data.
//!
//! The screen assists a legality reviewer; it never decides. A finding says "look here", with
//! the ground the reviewer should check, and plain administrative prose must give none.
//!
//! # Rule sets
//! A rule set is JSON:
//! `{"version": 1, "rules": [{"id": "penalty.fine", "category": "penalty", "pattern": "…",
//! "explanation": "…"}]}`. `category` is one of [`Category`]'s snake_case names. Rule ids are
//! unique; the bundled default set is `screening_rules.json` beside this file.
//!
//! # Pattern language
//! Deliberately tiny, so that a reviewer can read and write rules without knowing regular
//! expressions:
//! - a pattern is literal text, matched character by character (Unicode scalar values);
//! - `…` (U+2026) or `...` is a gap: any [`MAX_GAP`] characters or fewer (none is fine) that
//!   contain no sentence end (`。；！？` or their ASCII forms `;!?`, or a line break), so that a
//!   gap never joins two sentences; adjacent gaps (`……`) count as one;
//! - `|` separates alternatives at the top level; there are no groups, so "指定…机构|指定…单位"
//!   spells out what a regular expression would write as `指定.*(机构|单位)`;
//! - whitespace around an alternative is ignored; there is no escape, so a rule cannot match a
//!   literal `|` or `…`.
//!
//! An alternative must contain literal text, and must not begin or end with a gap: a gap at an
//! edge would only stretch the excerpt over unrelated words.
//!
//! # Matches
//! Each rule reports its leftmost-longest match, then looks again after it, so one rule never
//! reports overlapping excerpts; different rules may report the same words. Offsets are
//! character offsets, end exclusive.

mod category;
mod pattern;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub use category::Category;
pub use pattern::MAX_GAP;
use pattern::{compile, next_stops, Alternative};

/// The only rule set format this code understands.
const SUPPORTED_VERSION: u32 = 1;

/// Why a rule set was refused. Every error about one rule names that rule.
#[derive(Debug, thiserror::Error)]
pub enum ScreeningError {
    #[error("the rule set is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("rule set version {0} is not supported (expected {SUPPORTED_VERSION})")]
    UnsupportedVersion(u32),
    #[error("rule number {index} has an empty id")]
    EmptyId { index: usize },
    #[error("rule `{rule}` appears more than once")]
    DuplicateId { rule: String },
    #[error("rule `{rule}` has unknown category `{category}`")]
    UnknownCategory { rule: String, category: String },
    #[error("rule `{rule}` has an empty explanation")]
    EmptyExplanation { rule: String },
    #[error("rule `{rule}` has an empty pattern")]
    EmptyPattern { rule: String },
    #[error("rule `{rule}` has an empty alternative (a stray `|`)")]
    EmptyAlternative { rule: String },
    #[error(
        "rule `{rule}` has an alternative made only of gaps (`…`), which would match anything"
    )]
    OnlyWildcards { rule: String },
    #[error("rule `{rule}` has an alternative that begins or ends with a gap (`…`)")]
    EdgeWildcard { rule: String },
}

/// One place in a text that a rule matched.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The id of the rule that matched.
    pub rule: String,
    pub category: Category,
    /// Exactly the matched characters.
    pub excerpt: String,
    /// Offset of the first matched character, counted in characters (not bytes).
    pub start: usize,
    /// Offset just past the last matched character, counted in characters.
    pub end: usize,
    /// The ground a reviewer should check.
    pub explanation: String,
}

/// One screening rule, as written in the rule set.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    id: String,
    category: Category,
    pattern: String,
    explanation: String,
    #[serde(skip)]
    alternatives: Vec<Alternative>,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn category(&self) -> Category {
        self.category
    }

    /// The pattern as written, in the language described in the module documentation.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    pub fn explanation(&self) -> &str {
        &self.explanation
    }
}

/// A validated set of screening rules, ready to screen texts.
#[derive(Clone, Debug, Serialize)]
pub struct RuleSet {
    version: u32,
    rules: Vec<Rule>,
    /// For each character, the (rule, alternative) pairs whose literal text starts with it,
    /// ordered by rule: most characters of a text start no pattern, and trying every
    /// alternative at every offset made screening 50,000 characters take ~70 ms.
    #[serde(skip)]
    first_chars: HashMap<char, Vec<(usize, usize)>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleSet {
    version: u32,
    rules: Vec<RawRule>,
}

// The category is read as a string so that an unknown one can be reported with its rule id,
// which serde's own enum error would not name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    category: String,
    pattern: String,
    explanation: String,
}

impl RuleSet {
    /// Parses and validates a rule set.
    pub fn from_json(json: &str) -> Result<RuleSet, ScreeningError> {
        let raw: RawRuleSet = serde_json::from_str(json)?;
        if raw.version != SUPPORTED_VERSION {
            return Err(ScreeningError::UnsupportedVersion(raw.version));
        }
        let mut seen = HashSet::new();
        let mut rules = Vec::with_capacity(raw.rules.len());
        for (index, r) in raw.rules.into_iter().enumerate() {
            let id = r.id.trim().to_owned();
            if id.is_empty() {
                return Err(ScreeningError::EmptyId { index });
            }
            if !seen.insert(id.clone()) {
                return Err(ScreeningError::DuplicateId { rule: id });
            }
            let Some(category) = Category::parse(r.category.trim()) else {
                return Err(ScreeningError::UnknownCategory { rule: id, category: r.category });
            };
            if r.explanation.trim().is_empty() {
                return Err(ScreeningError::EmptyExplanation { rule: id });
            }
            let alternatives = match compile(&r.pattern) {
                Ok(a) => a,
                Err(problem) => return Err(problem.for_rule(id)),
            };
            rules.push(Rule {
                id,
                category,
                pattern: r.pattern,
                explanation: r.explanation,
                alternatives,
            });
        }
        let mut first_chars: HashMap<char, Vec<(usize, usize)>> = HashMap::new();
        for (r, rule) in rules.iter().enumerate() {
            for (a, alt) in rule.alternatives.iter().enumerate() {
                if let Some(c) = alt.first_char() {
                    first_chars.entry(c).or_default().push((r, a));
                }
            }
        }
        Ok(RuleSet { version: raw.version, rules, first_chars })
    }

    /// The rule set that ships with the service.
    pub fn default_rules() -> RuleSet {
        match RuleSet::from_json(include_str!("screening_rules.json")) {
            Ok(rules) => rules,
            // The file is compiled in and a unit test parses it, so this can only fire in a
            // build whose tests were not run; failing loudly beats screening with no rules.
            Err(e) => panic!("the bundled screening_rules.json is invalid: {e}"),
        }
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every finding of every rule in `text`, sorted by start offset, then rule id.
    pub fn screen(&self, text: &str) -> Vec<Finding> {
        let chars: Vec<char> = text.chars().collect();
        let stops = next_stops(&chars);
        // Where each rule may match next: a rule resumes after its own last match, so its
        // matches never overlap, while other rules still see the same characters.
        let mut resume_at = vec![0; self.rules.len()];
        let mut findings = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            let Some(candidates) = self.first_chars.get(c) else {
                continue;
            };
            // Candidates are grouped by rule; the longest end over a rule's alternatives wins.
            let mut k = 0;
            while k < candidates.len() {
                let r = candidates[k].0;
                let mut best: Option<usize> = None;
                while k < candidates.len() && candidates[k].0 == r {
                    if resume_at[r] <= i {
                        let alt = &self.rules[r].alternatives[candidates[k].1];
                        best = best.max(alt.longest_match_at(&chars, &stops, i));
                    }
                    k += 1;
                }
                if let Some(end) = best {
                    let rule = &self.rules[r];
                    findings.push(Finding {
                        rule: rule.id.clone(),
                        category: rule.category,
                        excerpt: chars[i..end].iter().collect(),
                        start: i,
                        end,
                        explanation: rule.explanation.clone(),
                    });
                    resume_at[r] = end;
                }
            }
        }
        findings.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.rule.cmp(&b.rule)));
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_rule(pattern: &str) -> RuleSet {
        let json = serde_json::json!({
            "version": 1,
            "rules": [{"id": "t", "category": "penalty", "pattern": pattern, "explanation": "e"}]
        });
        RuleSet::from_json(&json.to_string()).unwrap()
    }

    fn spans(rules: &RuleSet, text: &str) -> Vec<(usize, usize, String)> {
        rules.screen(text).into_iter().map(|f| (f.start, f.end, f.excerpt)).collect()
    }

    #[derive(serde::Deserialize)]
    struct Sample {
        source: String,
        text: String,
    }

    fn samples() -> Vec<Sample> {
        serde_json::from_str(include_str!("testdata/screening-samples.json")).unwrap()
    }

    #[test]
    fn the_bundled_rule_set_parses_and_covers_every_category() {
        let rules = RuleSet::default_rules();
        assert_eq!(rules.version(), 1);
        for category in Category::ALL {
            assert!(
                rules.rules().iter().any(|r| r.category() == category),
                "no rule for {category:?}"
            );
        }
        assert!(rules.len() >= 40, "only {} rules", rules.len());
    }

    #[test]
    fn every_bundled_explanation_is_chinese_and_names_a_ground() {
        for rule in RuleSet::default_rules().rules() {
            let e = rule.explanation();
            assert!(
                ["37号", "行政许可法", "行政处罚法", "行政强制法", "338号", "反垄断法", "条例"]
                    .iter()
                    .any(|ground| e.contains(ground)),
                "rule {} cites no ground: {e}",
                rule.id()
            );
        }
    }

    #[test]
    fn plain_administrative_prose_gives_no_findings() {
        let rules = RuleSet::default_rules();
        for text in [
            "为了规范管理，根据有关规定，结合本市实际，制定本办法。",
            "各部门应当加强协调配合。",
            "本办法自发布之日起施行。",
            "市人民政府办公厅负责本办法的组织实施，各区县人民政府应当按照职责分工做好相关工作。",
            "各区县人民政府、市政府各部门要高度重视，加强组织领导，明确责任分工。相关工作经费纳入同级财政预算。对在工作中做出突出贡献的单位和个人，按照有关规定给予表彰和奖励。本办法自2026年3月1日起施行，有效期5年。",
        ] {
            assert_eq!(rules.screen(text), vec![], "{text}");
        }
    }

    #[test]
    fn a_real_plain_text_gives_no_findings() {
        let rules = RuleSet::default_rules();
        let plain = &samples()[2];
        let findings = rules.screen(&plain.text);
        assert!(findings.is_empty(), "{}: {findings:?}", plain.source);
    }

    #[test]
    fn a_real_text_with_fines_gives_exactly_its_two_fines() {
        let sample = &samples()[0];
        let findings = RuleSet::default_rules().screen(&sample.text);
        // The sample ends "……可处以两千元以上一万元以下的罚款；情节严重的，处以一万元以上三万元以下的罚款。":
        // each fine is 15 characters, 。 closes the text and ；情节严重的， (7) sits between them.
        let n = sample.text.chars().count();
        let got: Vec<(&str, usize, usize, &str)> = findings
            .iter()
            .map(|f| (f.rule.as_str(), f.start, f.end, f.excerpt.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("penalty.fine", n - 38, n - 23, "处以两千元以上一万元以下的罚款"),
                ("penalty.fine", n - 16, n - 1, "处以一万元以上三万元以下的罚款"),
            ],
            "{}",
            sample.source
        );
        let chars: Vec<char> = sample.text.chars().collect();
        for f in &findings {
            assert_eq!(chars[f.start..f.end].iter().collect::<String>(), f.excerpt);
        }
    }

    #[test]
    fn a_real_text_with_approvals_is_flagged_as_licensing_only() {
        let sample = &samples()[1];
        let findings = RuleSet::default_rules().screen(&sample.text);
        // "第九条 设立水路运输服务企业，应当具备下列条件：": 4 + 10 + 1 characters precede it.
        let first = &findings[0];
        assert_eq!(
            (first.rule.as_str(), first.start, first.end, first.excerpt.as_str()),
            ("licensing.added_conditions", 15, 23, "应当具备下列条件")
        );
        assert!(findings.iter().any(|f| f.rule == "licensing.issue_permit"));
        assert!(
            findings
                .iter()
                .all(|f| matches!(f.category, Category::Licensing | Category::DisguisedLicensing)),
            "{}: {findings:?}",
            sample.source
        );
    }

    #[test]
    fn the_default_rules_find_a_fine_with_its_amount() {
        let findings =
            RuleSet::default_rules().screen("违反本办法的，处以五百元以上一千元以下罚款。");
        let fine = findings.iter().find(|f| f.rule == "penalty.fine").unwrap();
        // 违反本办法的， is 7 characters; 处以五百元以上一千元以下罚款 is 14.
        assert_eq!((fine.start, fine.end), (7, 21));
        assert_eq!(fine.excerpt, "处以五百元以上一千元以下罚款");
        assert_eq!(fine.category, Category::Penalty);
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let rules = one_rule("罚款");
        // Each of 违反规定 is 3 bytes in UTF-8 but one character.
        assert_eq!(spans(&rules, "违反规定罚款"), vec![(4, 6, "罚款".into())]);
        // An astral character (4 bytes, 2 UTF-16 units) is still one character.
        assert_eq!(spans(&rules, "𠀋罚款"), vec![(1, 3, "罚款".into())]);
    }

    #[test]
    fn a_gap_matches_nothing_or_up_to_thirty_characters() {
        let rules = one_rule("处以…罚款");
        assert_eq!(spans(&rules, "处以罚款"), vec![(0, 4, "处以罚款".into())]);
        let thirty = "一".repeat(30);
        let text = format!("处以{thirty}罚款");
        assert_eq!(spans(&rules, &text), vec![(0, 34, text.clone())]);
        let thirty_one = "一".repeat(31);
        assert_eq!(spans(&rules, &format!("处以{thirty_one}罚款")), vec![]);
    }

    #[test]
    fn three_dots_are_a_gap_too() {
        let rules = one_rule("处以...罚款");
        assert_eq!(spans(&rules, "处以一万元罚款"), vec![(0, 7, "处以一万元罚款".into())]);
    }

    #[test]
    fn a_gap_never_crosses_a_sentence_end() {
        let rules = one_rule("处以…罚款");
        for end in ["。", "；", "！", "？", "\n", ";"] {
            let text = format!("处以警告{end}罚款");
            assert_eq!(spans(&rules, &text), vec![], "{end:?}");
        }
        assert_eq!(spans(&rules, "处以警告，罚款"), vec![(0, 7, "处以警告，罚款".into())]);
    }

    #[test]
    fn the_longest_match_at_the_leftmost_start_wins() {
        let rules = one_rule("罚款|处以…罚款");
        // Both alternatives could match; at offset 0 only the second starts, and it reaches
        // the later 罚款 because a gap may contain the first one.
        assert_eq!(
            spans(&rules, "处以罚款或者罚款。罚款"),
            vec![(0, 8, "处以罚款或者罚款".into()), (9, 11, "罚款".into())]
        );
    }

    #[test]
    fn overlapping_matches_of_one_rule_are_reported_once() {
        let rules = one_rule("啊啊");
        assert_eq!(spans(&rules, "啊啊啊啊啊"), vec![(0, 2, "啊啊".into()), (2, 4, "啊啊".into())]);
    }

    #[test]
    fn findings_are_sorted_by_start_then_rule() {
        let json = r#"{"version": 1, "rules": [
            {"id": "z", "category": "penalty", "pattern": "罚款", "explanation": "e"},
            {"id": "a", "category": "penalty", "pattern": "罚款|没收", "explanation": "e"},
            {"id": "m", "category": "fee", "pattern": "收费", "explanation": "e"}
        ]}"#;
        let rules = RuleSet::from_json(json).unwrap();
        let order: Vec<(usize, String)> =
            rules.screen("收费后没收，再罚款").into_iter().map(|f| (f.start, f.rule)).collect();
        assert_eq!(
            order,
            vec![
                (0, "m".to_owned()),
                (3, "a".to_owned()),
                (7, "a".to_owned()),
                (7, "z".to_owned())
            ]
        );
    }

    #[test]
    fn a_pattern_with_three_segments_needs_them_in_order() {
        let rules = one_rule("未经…备案…不得");
        assert_eq!(
            spans(&rules, "未经主管部门备案的，不得开展经营。"),
            vec![(0, 12, "未经主管部门备案的，不得".into())]
        );
        assert_eq!(spans(&rules, "不得未经备案"), vec![]);
    }

    #[test]
    fn a_finding_serialises_with_a_snake_case_category() {
        let rules = RuleSet::from_json(
            r#"{"version": 1, "rules": [{"id": "x.y", "category": "disguised_licensing", "pattern": "年检", "explanation": "说明"}]}"#,
        )
        .unwrap();
        let json = serde_json::to_value(rules.screen("年检")).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{"rule": "x.y", "category": "disguised_licensing",
                "excerpt": "年检", "start": 0, "end": 2, "explanation": "说明"}])
        );
    }

    fn refusal(rules: serde_json::Value) -> String {
        let json = serde_json::json!({"version": 1, "rules": rules}).to_string();
        RuleSet::from_json(&json).unwrap_err().to_string()
    }

    #[test]
    fn an_unknown_category_is_refused_naming_the_rule() {
        let message = refusal(serde_json::json!([
            {"id": "bad.one", "category": "tax", "pattern": "税", "explanation": "e"}
        ]));
        assert!(message.contains("bad.one") && message.contains("tax"), "{message}");
    }

    #[test]
    fn an_empty_pattern_is_refused_naming_the_rule() {
        let message = refusal(serde_json::json!([
            {"id": "empty.one", "category": "fee", "pattern": "  ", "explanation": "e"}
        ]));
        assert_eq!(message, "rule `empty.one` has an empty pattern");
    }

    #[test]
    fn a_duplicate_rule_id_is_refused_naming_the_rule() {
        let message = refusal(serde_json::json!([
            {"id": "twice", "category": "fee", "pattern": "收费", "explanation": "e"},
            {"id": "twice", "category": "fee", "pattern": "收取", "explanation": "e"}
        ]));
        assert_eq!(message, "rule `twice` appears more than once");
    }

    #[test]
    fn a_pattern_of_only_wildcards_is_refused_naming_the_rule() {
        for pattern in ["…", "...", "……|罚款", "罚款|…..."] {
            let message = refusal(serde_json::json!([
                {"id": "dots", "category": "fee", "pattern": pattern, "explanation": "e"}
            ]));
            assert!(
                message.starts_with("rule `dots` has an alternative made only of gaps"),
                "{pattern}: {message}"
            );
        }
    }

    #[test]
    fn a_gap_at_the_edge_or_a_stray_bar_is_refused() {
        let edge = refusal(serde_json::json!([
            {"id": "edge", "category": "fee", "pattern": "收取…", "explanation": "e"}
        ]));
        assert!(edge.contains("`edge`") && edge.contains("begins or ends"), "{edge}");
        let bar = refusal(serde_json::json!([
            {"id": "bar", "category": "fee", "pattern": "收费|", "explanation": "e"}
        ]));
        assert_eq!(bar, "rule `bar` has an empty alternative (a stray `|`)");
    }

    #[test]
    fn an_unsupported_version_or_unknown_field_is_refused() {
        let v2 = RuleSet::from_json(r#"{"version": 2, "rules": []}"#).unwrap_err();
        assert!(matches!(v2, ScreeningError::UnsupportedVersion(2)));
        let typo = RuleSet::from_json(
            r#"{"version": 1, "rules": [{"id": "a", "category": "fee", "patern": "x", "explanation": "e"}]}"#,
        )
        .unwrap_err();
        assert!(matches!(typo, ScreeningError::Json(_)));
    }

    #[test]
    fn screening_a_long_text_with_the_default_rules_stays_fast() {
        let rules = RuleSet::default_rules();
        let mut text = String::new();
        for sample in samples() {
            text.push_str(&sample.text);
        }
        // Adversarial filler: every character starts a pattern, and no sentence ends.
        let filler = "处以未经须经指定".repeat(750);
        let mut long: String = text.chars().cycle().take(44_000).collect();
        long.push_str(&filler.chars().take(6_000).collect::<String>());
        assert_eq!(long.chars().count(), 50_000);
        let started = std::time::Instant::now();
        let findings = rules.screen(&long);
        let elapsed = started.elapsed();
        assert!(!findings.is_empty());
        // Generous bound for unoptimised test builds; release is measured separately.
        assert!(elapsed.as_millis() < 2_000, "took {elapsed:?}");
    }
}
