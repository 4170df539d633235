//! The national laws, administrative regulations and departmental rules that ship with the
//! service (`assets/national-laws.jsonl`, 1,000 titles from the national database of laws and
//! regulations, without the 中华人民共和国 prefix), by the key citations are compared in.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;

use super::title_key;

const SHIPPED: &str = include_str!("../../../assets/national-laws.jsonl");

/// One law of the list.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Law {
    /// As the list writes it (行政许可法).
    pub title: String,
    /// `constitution`, `law`, `administrative_regulation` or `departmental_rule`.
    pub level: String,
    /// The date of the version in the list, when it has one.
    pub date: Option<NaiveDate>,
}

/// The list, by title key.
#[derive(Debug, Default)]
pub struct Laws {
    by_key: HashMap<String, Law>,
}

impl Laws {
    /// Reads a list in the shipped format, one JSON object a line; blank lines are skipped.
    pub fn parse(jsonl: &str) -> Result<Self, String> {
        let mut by_key = HashMap::new();
        for (n, line) in jsonl.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let law: Law =
                serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
            by_key.insert(title_key(&law.title), law);
        }
        Ok(Self { by_key })
    }

    /// The law whose title has this key.
    pub fn find(&self, key: &str) -> Option<&Law> {
        self.by_key.get(key)
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

/// The shipped list, read once.
pub fn national_laws() -> &'static Laws {
    static LAWS: OnceLock<Laws> = OnceLock::new();
    // The list is part of the binary and checked by a unit test: it cannot fail at run time.
    LAWS.get_or_init(|| Laws::parse(SHIPPED).unwrap_or_default())
}
