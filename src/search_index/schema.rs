//! The fields of the index and how a published document becomes an entry.
//!
//! Validity is never stored as a word, which would go stale as days pass: the entry holds the
//! dates it follows from (effective, valid until, the recorded end and its kind), and a
//! search judges them on the day it asks about, as `domain::validity::validity_on` does.

use chrono::NaiveDate;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

use super::tokenizer;
use crate::domain::cjk_tokens;
use crate::domain::document::Document;
use crate::domain::numbering::DocumentNumber;
use crate::domain::validity::Validity;

/// The fields, looked up once.
#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub title_exact: Field,
    pub numbers: Field,
    pub number_exact: Field,
    pub body: Field,
    pub agency: Field,
    pub year: Field,
    pub published: Field,
    pub effective: Field,
    pub until: Field,
    pub ended_on: Field,
    pub ended_kind: Field,
    pub id_key: Field,
}

pub const ID: &str = "id";
pub const AGENCY: &str = "agency";
pub const YEAR: &str = "year";
pub const PUBLISHED: &str = "published_day";
pub const EFFECTIVE: &str = "effective";
pub const UNTIL: &str = "until";
pub const ENDED_ON: &str = "ended_on";
pub const ENDED_KIND: &str = "ended_kind";
pub const ID_KEY: &str = "id_key";

pub fn build() -> Schema {
    let mut s = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer::NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let number = NumericOptions::default().set_indexed().set_fast();
    s.add_text_field(ID, STRING | STORED);
    s.add_text_field("title", text.clone());
    s.add_text_field("title_exact", STRING);
    s.add_text_field("numbers", text.clone());
    s.add_text_field("number_exact", STRING);
    s.add_text_field("body", text);
    s.add_text_field(AGENCY, STRING | FAST);
    s.add_i64_field(YEAR, number.clone());
    s.add_i64_field(PUBLISHED, number.clone());
    s.add_i64_field(EFFECTIVE, number.clone());
    s.add_i64_field(UNTIL, number.clone());
    s.add_i64_field(ENDED_ON, number);
    s.add_u64_field(ENDED_KIND, INDEXED | FAST);
    s.add_u64_field(ID_KEY, FAST);
    s.build()
}

impl Fields {
    pub fn of(schema: &Schema) -> tantivy::Result<Self> {
        let f = |name: &str| schema.get_field(name);
        Ok(Self {
            id: f(ID)?,
            title: f("title")?,
            title_exact: f("title_exact")?,
            numbers: f("numbers")?,
            number_exact: f("number_exact")?,
            body: f("body")?,
            agency: f(AGENCY)?,
            year: f(YEAR)?,
            published: f(PUBLISHED)?,
            effective: f(EFFECTIVE)?,
            until: f(UNTIL)?,
            ended_on: f(ENDED_ON)?,
            ended_kind: f(ENDED_KIND)?,
            id_key: f(ID_KEY)?,
        })
    }
}

/// A day as the index stores it: days since 1970-01-01.
pub fn day(d: NaiveDate) -> i64 {
    (d - NaiveDate::default()).num_days()
}

/// The code of a recorded end's validity in `ended_kind`: its place in [`Validity::ALL`].
pub fn validity_code(v: Validity) -> u64 {
    Validity::ALL.iter().position(|&x| x == v).unwrap_or(0) as u64
}

/// A 文号 or 登记号 in the one spelling both the index and a query are compared in: the
/// canonical form when it parses, else its exact key.
pub fn number_key(raw: &str) -> String {
    DocumentNumber::parse(raw).map_or_else(|_| cjk_tokens::exact_key(raw), |n| n.canonical())
}

/// The first eight bytes of the id, big-endian: the ids' order as text, for ties.
pub fn id_key(doc: &Document) -> u64 {
    let bytes = doc.id.0.as_bytes();
    u64::from_be_bytes([
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
    ])
}

/// The entry of a published document.
pub fn entry(f: &Fields, doc: &Document) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, doc.id.to_string());
    d.add_text(f.title, &doc.title);
    d.add_text(f.title_exact, cjk_tokens::exact_key(&doc.title));
    for n in [&doc.issuance_number, &doc.registration_number].into_iter().flatten() {
        d.add_text(f.numbers, n);
        d.add_text(f.number_exact, number_key(n));
    }
    d.add_text(f.body, &doc.body);
    d.add_text(f.agency, doc.agency_id.to_string());
    if let Some(p) = doc.published_on {
        d.add_i64(f.year, i64::from(chrono::Datelike::year(&p)));
        d.add_i64(f.published, day(p));
    }
    if let Some(e) = doc.effective_on {
        d.add_i64(f.effective, day(e));
    }
    if let Some(u) = doc.valid_until {
        d.add_i64(f.until, day(u));
    }
    if let Some(end) = &doc.ended {
        d.add_i64(f.ended_on, day(end.on));
        d.add_u64(f.ended_kind, validity_code(end.kind.validity()));
    }
    d.add_u64(f.id_key, id_key(doc));
    d
}
