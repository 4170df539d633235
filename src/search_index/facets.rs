//! The counts of a whole match set by agency, publication year and validity on a day: a
//! collector that reads each match's fast fields, so the counts cost one pass over the
//! matches and no stored document.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::{self, day};
use crate::domain::validity::{validity_on, Validity};

/// Counts of the matches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    pub total: u64,
    /// By agency id.
    pub agency: HashMap<String, u64>,
    pub year: BTreeMap<i64, u64>,
    /// By validity, in the order of [`Validity::ALL`].
    pub validity: [u64; 7],
}

pub struct FacetCounts {
    /// The day validity is judged on, as the index stores days.
    pub day: i64,
}

impl FacetCounts {
    pub fn on(d: chrono::NaiveDate) -> Self {
        Self { day: day(d) }
    }
}

pub struct SegmentCounts {
    day: i64,
    agency: Option<StrColumn>,
    year: Column<i64>,
    effective: Column<i64>,
    until: Column<i64>,
    ended_on: Column<i64>,
    ended_kind: Column<u64>,
    total: u64,
    by_agency_ord: HashMap<u64, u64>,
    year_counts: BTreeMap<i64, u64>,
    validity: [u64; 7],
}

impl Collector for FacetCounts {
    type Fruit = Counts;
    type Child = SegmentCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = reader.fast_fields();
        Ok(SegmentCounts {
            day: self.day,
            agency: fast.str(schema::AGENCY)?,
            year: fast.i64(schema::YEAR)?,
            effective: fast.i64(schema::EFFECTIVE)?,
            until: fast.i64(schema::UNTIL)?,
            ended_on: fast.i64(schema::ENDED_ON)?,
            ended_kind: fast.u64(schema::ENDED_KIND)?,
            total: 0,
            by_agency_ord: HashMap::new(),
            year_counts: BTreeMap::new(),
            validity: [0; 7],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = Counts::default();
        for c in fruits {
            all.total += c.total;
            for (k, n) in c.agency {
                *all.agency.entry(k).or_default() += n;
            }
            for (k, n) in c.year {
                *all.year.entry(k).or_default() += n;
            }
            for (all, n) in all.validity.iter_mut().zip(c.validity) {
                *all += n;
            }
        }
        Ok(all)
    }
}

/// A day of the index as a date.
fn date(days: i64) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::default().checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

impl SegmentCounts {
    fn validity(&self, doc: DocId) -> Option<Validity> {
        let (effective, until) = (self.effective.first(doc)?, self.until.first(doc)?);
        let ended = match (self.ended_on.first(doc), self.ended_kind.first(doc)) {
            (Some(on), Some(kind)) => Some((*Validity::ALL.get(kind as usize)?, date(on)?)),
            _ => None,
        };
        Some(validity_on(date(self.day)?, date(effective)?, date(until)?, ended))
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.total += 1;
        if let Some(agency) = &self.agency {
            if let Some(ord) = agency.ords().first(doc) {
                *self.by_agency_ord.entry(ord).or_default() += 1;
            }
        }
        if let Some(y) = self.year.first(doc) {
            *self.year_counts.entry(y).or_default() += 1;
        }
        if let Some(v) = self.validity(doc) {
            self.validity[schema::validity_code(v) as usize] += 1;
        }
    }

    fn harvest(self) -> Counts {
        let mut agency = HashMap::new();
        if let Some(column) = &self.agency {
            for (ord, n) in self.by_agency_ord {
                let mut name = String::new();
                if column.ord_to_str(ord, &mut name).unwrap_or(false) {
                    agency.insert(name, n);
                }
            }
        }
        Counts { total: self.total, agency, year: self.year_counts, validity: self.validity }
    }
}
