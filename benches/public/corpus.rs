//! The bench's documents: generated deterministically by recombining the sentences of the
//! demo's real texts (`assets/demo/documents.jsonl`), streamed chunk by chunk so that a
//! million of them never sit in memory, with the exact number of documents that hold each
//! measured term counted on the way; and their bulk load straight into the `documents`
//! table. The load writes no events, so the search index learns of the documents only by a
//! rebuild (`normreg reindex`, `NORMREG_BENCH_REINDEX`), as after a restore.
//!
//! Besides the generated titles, the 41 real regulation titles of `benches/data/titles.txt`
//! are each given to one older document, and three newer documents per title are named
//! 关于贯彻落实《title》的实施意见: the exact-title case of issue 11.

use std::collections::HashMap;

use diesel::{Connection, RunQueryDsl};

/// A generated published document.
pub struct Doc {
    pub id: String,
    pub agency_id: String,
    pub title: String,
    pub body: String,
    pub issuance_number: String,
    pub registration_number: String,
    pub published_on: chrono::NaiveDate,
    /// The pool sentences the body is made of, for counting matches without scanning it.
    sentences: Vec<u32>,
}

/// splitmix64: a fixed, dependency-free sequence, so every run loads the same documents.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The real regulation titles.
pub fn real_titles() -> Vec<String> {
    include_str!("../data/titles.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// A document that carries a real title: the regulation itself, or one implementing it.
#[derive(Clone)]
pub struct Special {
    pub title_index: usize,
    pub regulation: bool,
}

/// The documents of a run, one at a time, in publication order.
pub struct Corpus {
    sentences: Vec<String>,
    subjects: Vec<String>,
    titles: Vec<String>,
    agencies: Vec<(String, &'static str, &'static str, &'static str)>,
    rng: Rng,
    ids: Rng,
    days: Vec<i64>,
    next: usize,
    serials: HashMap<(&'static str, i32), u32>,
    specials: HashMap<usize, Special>,
}

const KINDS: [&str; 6] = ["管理办法", "实施细则", "暂行办法", "若干规定", "实施办法", "工作规程"];

impl Corpus {
    /// `agencies`: (id, 文号 prefix, 登记号 prefix, place name) of each issuing agency.
    pub fn new(
        n: usize,
        agencies: Vec<(String, &'static str, &'static str, &'static str)>,
    ) -> Self {
        let demo = normreg::demo::documents().expect("demo documents");
        let mut sentences: Vec<String> = Vec::new();
        for d in &demo {
            for line in d.body.lines() {
                for s in line.split_inclusive(['。', '；']) {
                    let s = s.trim();
                    if s.chars().count() >= 8 {
                        sentences.push(s.to_string());
                    }
                }
            }
        }
        let subjects = demo
            .iter()
            .map(|d| {
                let t = d.title.chars().skip(3).collect::<String>();
                t.trim_end_matches("办法")
                    .trim_end_matches("规定")
                    .trim_end_matches("暂行")
                    .to_string()
            })
            .collect();
        let mut rng = Rng(20_261_126);
        // In date order, so that serials follow publication as a registrar's would.
        let mut days: Vec<i64> = (0..n).map(|_| rng.below(2_600) as i64).collect();
        days.sort_unstable();
        let titles = real_titles();
        // Each regulation in the older half; its three implementing opinions later.
        let mut specials = HashMap::new();
        if n >= 4 * titles.len() {
            for k in 0..titles.len() {
                let at = k * (n / 2) / titles.len();
                specials.insert(at, Special { title_index: k, regulation: true });
                for j in 1..=3 {
                    let later = at + j * n / 8 + 1;
                    specials.entry(later).or_insert(Special { title_index: k, regulation: false });
                }
            }
        }
        Self {
            sentences,
            subjects,
            titles,
            agencies,
            rng,
            ids: Rng(20_261_207),
            days,
            next: 0,
            serials: HashMap::new(),
            specials,
        }
    }

    pub fn sentence_count(&self) -> usize {
        self.sentences.len()
    }

    pub fn sentence(&self, i: usize) -> &str {
        &self.sentences[i]
    }

    pub fn special(&self, position: usize) -> Option<&Special> {
        self.specials.get(&position)
    }
}

impl Iterator for Corpus {
    type Item = Doc;

    fn next(&mut self) -> Option<Doc> {
        let day = *self.days.get(self.next)?;
        let position = self.next;
        self.next += 1;
        let (agency_id, prefix, reg, place) = &self.agencies[self.rng.below(self.agencies.len())];
        let published_on =
            chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Duration::days(day);
        let year = chrono::Datelike::year(&published_on);
        let serial = self.serials.entry((prefix, year)).or_insert(0u32);
        *serial += 1;
        let subject = self.rng.below(self.subjects.len());
        let kind = self.rng.below(KINDS.len());
        let title = match self.specials.get(&position) {
            Some(s) if s.regulation => self.titles[s.title_index].clone(),
            Some(s) => format!("关于贯彻落实《{}》的实施意见", self.titles[s.title_index]),
            None => format!("{place}{}{}", self.subjects[subject], KINDS[kind]),
        };
        let n = 6 + self.rng.below(10);
        let sentences: Vec<u32> =
            (0..n).map(|_| self.rng.below(self.sentences.len()) as u32).collect();
        let body = sentences
            .iter()
            .map(|&i| self.sentences[i as usize].as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.ids.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.ids.next().to_le_bytes());
        Some(Doc {
            id: uuid::Builder::from_random_bytes(bytes).into_uuid().to_string(),
            agency_id: agency_id.clone(),
            title,
            body,
            issuance_number: format!("{prefix}〔{year}〕{serial}号"),
            registration_number: format!("{reg}—{year}—{serial}"),
            published_on,
            sentences,
        })
    }
}

/// Counts, for each term, the documents whose title, numbers or text hold it: what an exact
/// `total` of a one-term search is (the texts are joined by line breaks, which no term
/// spans). Sentences and titles repeat, so each is looked at once per term.
pub struct Counter {
    terms: Vec<String>,
    in_sentence: Vec<Vec<bool>>,
    pub counts: Vec<u64>,
}

impl Counter {
    pub fn new(corpus: &Corpus, terms: &[String]) -> Self {
        let in_sentence = terms
            .iter()
            .map(|t| {
                (0..corpus.sentence_count())
                    .map(|i| corpus.sentence(i).contains(t.as_str()))
                    .collect()
            })
            .collect();
        Self { terms: terms.to_vec(), in_sentence, counts: vec![0; terms.len()] }
    }

    pub fn add(&mut self, d: &Doc) {
        for (i, count) in self.counts.iter_mut().enumerate() {
            let t = self.terms[i].as_str();
            if d.sentences.iter().any(|&s| self.in_sentence[i][s as usize])
                || d.title.contains(t)
                || d.issuance_number.contains(t)
                || d.registration_number.contains(t)
            {
                *count += 1;
            }
        }
    }

    pub fn count(&self, term: &str) -> u64 {
        self.terms.iter().position(|t| t == term).map(|i| self.counts[i]).unwrap_or(0)
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A connection that runs raw SQL on either engine.
pub struct Raw {
    pub postgres: bool,
    pg: Option<diesel::PgConnection>,
    sqlite: Option<diesel::SqliteConnection>,
}

impl Raw {
    pub fn open(url: &str) -> Self {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let mut c = diesel::SqliteConnection::establish(path).expect("sqlite");
            diesel::sql_query("PRAGMA busy_timeout = 60000").execute(&mut c).unwrap();
            Self { postgres: false, pg: None, sqlite: Some(c) }
        } else {
            let c = diesel::PgConnection::establish(url).expect("postgres");
            Self { postgres: true, pg: Some(c), sqlite: None }
        }
    }

    pub fn exec(&mut self, sql: &str) {
        let r = match (&mut self.pg, &mut self.sqlite) {
            (Some(c), _) => diesel::sql_query(sql).execute(c),
            (_, Some(c)) => diesel::sql_query(sql).execute(c),
            _ => unreachable!(),
        };
        r.unwrap_or_else(|e| panic!("{e}: {}", &sql[..sql.len().min(300)]));
    }

    /// The first column of every row of `sql`, as text.
    pub fn texts(&mut self, sql: &str) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            v: String,
        }
        let rows: Vec<Row> = match (&mut self.pg, &mut self.sqlite) {
            (Some(c), _) => diesel::sql_query(sql).load(c),
            (_, Some(c)) => diesel::sql_query(sql).load(c),
            _ => unreachable!(),
        }
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
        rows.into_iter().map(|r| r.v).collect()
    }
}

/// Bulk inserts of `docs` into `documents`, committed every 50 chunks. On PostgreSQL the
/// secondary indexes are dropped first and built once at the end, as a restore does; `each`
/// sees every document (counting).
pub fn load(url: &str, docs: impl Iterator<Item = Doc>, mut each: impl FnMut(&Doc)) -> usize {
    let mut db = Raw::open(url);
    let postgres = db.postgres;
    let mut rebuild = Vec::new();
    if postgres {
        db.exec("SET synchronous_commit = off");
        db.exec("SET maintenance_work_mem = '512MB'");
        // Indexes that back no constraint: dropped now, built again after the load.
        rebuild = db.texts(
            "SELECT indexdef AS v FROM pg_indexes i WHERE schemaname = 'public' \
             AND tablename = 'documents' \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        );
        for name in db.texts(
            "SELECT indexname AS v FROM pg_indexes i WHERE schemaname = 'public' \
             AND tablename = 'documents' \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        ) {
            db.exec(&format!("DROP INDEX {name}"));
        }
    } else {
        db.exec("PRAGMA synchronous = OFF");
        db.exec("PRAGMA cache_size = -262144");
    }
    let mut loaded = 0;
    let mut chunk = Vec::with_capacity(250);
    let mut docs = docs.peekable();
    db.exec("BEGIN");
    let mut chunks = 0;
    while docs.peek().is_some() {
        chunk.clear();
        chunk.extend(docs.by_ref().take(250));
        for d in &chunk {
            each(d);
        }
        loaded += chunk.len();
        insert_chunk(&mut db, &chunk);
        chunks += 1;
        if chunks % 50 == 0 {
            db.exec("COMMIT");
            db.exec("BEGIN");
        }
    }
    // Their citations count as scanned (the bench measures search, not the start-up's
    // backfill of citations, which would read every text once).
    db.exec(
        "INSERT INTO citation_scans (document_id, revision) SELECT id, revision FROM documents",
    );
    db.exec("COMMIT");
    for sql in &rebuild {
        db.exec(sql);
    }
    if !postgres {
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    db.exec("ANALYZE");
    loaded
}

fn insert_chunk(db: &mut Raw, chunk: &[Doc]) {
    let mut sql = String::from(
        "INSERT INTO documents (id, lineage_id, version, agency_id, status, title, body, revision, provisional, \
         affects_rights, issuance_number, registration_number, published_on, effective_on, valid_until, channel, \
         imported, created_at, updated_at) VALUES ",
    );
    for (i, d) in chunk.iter().enumerate() {
        let effective = d.published_on + chrono::Duration::days(30);
        let until = effective + chrono::Duration::days(5 * 365);
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "({id}, {id}, 1, {agency}, 'published', {title}, {body}, 1, false, false, {n}, {r}, '{p}', '{e}', '{u}', '政府公报', false, '{p} 00:00:00', '{p} 00:00:00')",
            id = quote(&d.id),
            agency = quote(&d.agency_id),
            title = quote(&d.title),
            body = quote(&d.body),
            n = quote(&d.issuance_number),
            r = quote(&d.registration_number),
            p = d.published_on,
            e = effective,
            u = until,
        ));
    }
    db.exec(&sql);
}
