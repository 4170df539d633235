//! Agencies (机关) form a tree; the tree decides filing authorities and who sees what.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::ids::AgencyId;

/// A short stable code for an agency, used in public URLs (`/catalogues/{code}/{year}`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgencyCode(String);

impl AgencyCode {
    /// 1–40 ASCII letters, digits, `-` or `_`, because the code appears in URLs and file names.
    pub fn parse(raw: &str) -> Result<Self, AgencyError> {
        let code = raw.trim();
        let ok = !code.is_empty()
            && code.len() <= 40
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(Self(code.to_string()))
        } else {
            Err(AgencyError::Code(raw.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether an agency is a people's government or one of its departments; it decides where its
/// documents are filed (domain.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    #[default]
    Government,
    Department,
}

impl AgencyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Government => "government",
            AgencyKind::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "government" => Some(Self::Government),
            "department" => Some(Self::Department),
            _ => None,
        }
    }
}

/// A 机关代字 such as `辽政规`: the part of a 文号 before the year.
pub fn parse_prefix(raw: &str, field: &'static str) -> Result<String, AgencyError> {
    let p: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let bad = p.is_empty()
        || p.chars().count() > 20
        || p.chars().any(|c| {
            c.is_ascii_digit() || "〔〕﹝﹞[]［］【】（）()—–-号號".contains(c) || c.is_control()
        });
    if bad {
        Err(AgencyError::Prefix { field, raw: raw.to_string() })
    } else {
        Ok(p)
    }
}

/// A name shown to people: trimmed, 1–200 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, AgencyError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        Err(AgencyError::Name)
    } else {
        Ok(name.to_string())
    }
}

/// Why agency data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyError {
    #[error("code `{0}` must be 1–40 ASCII letters, digits, `-` or `_`")]
    Code(String),
    #[error("name must be 1–200 characters without control characters")]
    Name,
    #[error("{field} `{raw}` must be 1–20 characters without digits, brackets or 号")]
    Prefix { field: &'static str, raw: String },
}

/// The part of an agency the tree rules need.
#[derive(Clone, Debug)]
pub struct AgencyNode {
    pub id: AgencyId,
    pub parent_id: Option<AgencyId>,
    pub kind: AgencyKind,
    pub filing_authority_id: Option<AgencyId>,
}

/// The whole agency tree, loaded once per decision; agencies number in the thousands at most.
#[derive(Clone, Debug, Default)]
pub struct AgencyTree {
    nodes: HashMap<AgencyId, AgencyNode>,
    children: HashMap<AgencyId, Vec<AgencyId>>,
}

impl AgencyTree {
    pub fn new(nodes: impl IntoIterator<Item = AgencyNode>) -> Self {
        let mut tree = AgencyTree::default();
        for node in nodes {
            if let Some(parent) = node.parent_id {
                tree.children.entry(parent).or_default().push(node.id);
            }
            tree.nodes.insert(node.id, node);
        }
        tree
    }

    pub fn contains(&self, id: AgencyId) -> bool {
        self.nodes.contains_key(&id)
    }

    /// The agency itself and everything below it.
    pub fn subtree(&self, root: AgencyId) -> Vec<AgencyId> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            // A cycle is impossible through the API, but bad imported data must not hang us.
            if !seen.insert(id) {
                continue;
            }
            out.push(id);
            if let Some(kids) = self.children.get(&id) {
                stack.extend(kids.iter().copied());
            }
        }
        out
    }

    /// Whether `id` is `ancestor` or lies below it.
    pub fn is_within(&self, id: AgencyId, ancestor: AgencyId) -> bool {
        let mut current = Some(id);
        let mut steps = 0;
        while let Some(c) = current {
            if c == ancestor {
                return true;
            }
            steps += 1;
            if steps > self.nodes.len() {
                return false;
            }
            current = self.nodes.get(&c).and_then(|n| n.parent_id);
        }
        false
    }

    /// Where the agency files its documents: set explicitly, or else the nearest government
    /// above it. For a department that is its own government (the same level); for a
    /// government it is the government one level up (domain.md §2).
    pub fn filing_authority(&self, id: AgencyId) -> Option<AgencyId> {
        let node = self.nodes.get(&id)?;
        node.filing_authority_id.or_else(|| self.nearest_government(node.parent_id))
    }

    /// The government whose legal office reviews the agency's documents (domain.md §2–3): a
    /// government itself, or for a department the nearest government above it.
    pub fn issuing_government(&self, id: AgencyId) -> Option<AgencyId> {
        self.nearest_government(Some(id))
    }

    /// The first government met walking up from `start` (itself included).
    fn nearest_government(&self, start: Option<AgencyId>) -> Option<AgencyId> {
        let mut current = start;
        let mut steps = 0;
        while let Some(c) = current {
            let n = self.nodes.get(&c)?;
            if n.kind == AgencyKind::Government {
                return Some(c);
            }
            steps += 1;
            // A cycle is impossible through the API, but bad imported data must not hang us.
            if steps > self.nodes.len() {
                return None;
            }
            current = n.parent_id;
        }
        None
    }

    /// Whether the legal office of `reviewer` may review documents of `issuer`: the issuer
    /// itself (a department with a legal office of its own) or its issuing government, never
    /// an agency further up.
    pub fn may_review_legality(&self, reviewer: AgencyId, issuer: AgencyId) -> bool {
        reviewer == issuer || self.issuing_government(issuer) == Some(reviewer)
    }

    /// Whether making `parent` the parent of `id` would close a loop.
    pub fn would_cycle(&self, id: AgencyId, parent: AgencyId) -> bool {
        self.is_within(parent, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legality_is_reviewed_by_the_issuing_government_never_by_one_above() {
        let (province, city, bureau, county) =
            (AgencyId::new(), AgencyId::new(), AgencyId::new(), AgencyId::new());
        let tree = AgencyTree::new([
            node(province, None, AgencyKind::Government),
            node(city, Some(province), AgencyKind::Government),
            node(bureau, Some(city), AgencyKind::Department),
            node(county, Some(city), AgencyKind::Government),
        ]);
        assert!(tree.may_review_legality(city, city));
        assert!(tree.may_review_legality(city, bureau), "a department's own government");
        assert!(tree.may_review_legality(bureau, bureau), "a department's own legal office");
        assert!(!tree.may_review_legality(province, city), "the province is above the city");
        assert!(!tree.may_review_legality(province, bureau));
        assert!(!tree.may_review_legality(city, county), "the county is its own government");
        assert!(!tree.may_review_legality(bureau, city));
    }

    fn node(id: AgencyId, parent: Option<AgencyId>, kind: AgencyKind) -> AgencyNode {
        AgencyNode { id, parent_id: parent, kind, filing_authority_id: None }
    }

    #[test]
    fn a_department_files_with_its_own_government_and_a_government_with_the_one_above() {
        let (province, city, city_dept) = (AgencyId::new(), AgencyId::new(), AgencyId::new());
        let tree = AgencyTree::new([
            node(province, None, AgencyKind::Government),
            node(city, Some(province), AgencyKind::Government),
            node(city_dept, Some(city), AgencyKind::Department),
        ]);
        assert_eq!(tree.filing_authority(city_dept), Some(city));
        assert_eq!(tree.filing_authority(city), Some(province));
        assert_eq!(tree.filing_authority(province), None);
    }

    #[test]
    fn an_explicit_filing_authority_wins_over_the_tree() {
        let (a, b, c) = (AgencyId::new(), AgencyId::new(), AgencyId::new());
        let mut child = node(c, Some(b), AgencyKind::Department);
        child.filing_authority_id = Some(a);
        let tree = AgencyTree::new([
            node(a, None, AgencyKind::Government),
            node(b, Some(a), AgencyKind::Government),
            child,
        ]);
        assert_eq!(tree.filing_authority(c), Some(a));
    }

    #[test]
    fn a_subtree_holds_the_root_and_every_descendant_but_no_sibling() {
        let (root, left, right, leaf) =
            (AgencyId::new(), AgencyId::new(), AgencyId::new(), AgencyId::new());
        let tree = AgencyTree::new([
            node(root, None, AgencyKind::Government),
            node(left, Some(root), AgencyKind::Government),
            node(right, Some(root), AgencyKind::Government),
            node(leaf, Some(left), AgencyKind::Department),
        ]);
        let mut sub = tree.subtree(left);
        sub.sort();
        let mut want = vec![left, leaf];
        want.sort();
        assert_eq!(sub, want);
        assert!(tree.would_cycle(left, leaf));
        assert!(!tree.would_cycle(leaf, right));
    }

    #[test]
    fn codes_and_prefixes_are_checked() {
        assert!(AgencyCode::parse("LN-GOV_1").is_ok());
        assert!(AgencyCode::parse("辽宁").is_err());
        assert!(AgencyCode::parse("").is_err());
        assert_eq!(parse_prefix(" 辽政 规 ", "issuance_prefix").unwrap(), "辽政规");
        assert!(parse_prefix("辽政〔", "issuance_prefix").is_err());
        assert!(parse_prefix("2026", "issuance_prefix").is_err());
    }
}
