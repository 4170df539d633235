//! Crash safety: the release binary is killed with SIGKILL while several clients write
//! (drafts, and whole chains up to registration, which draws 文号 and 登记号), restarted on
//! the same database, and must still hold every write it acknowledged, with every numbering
//! series gapless and without duplicates. Acknowledged means a 2xx answer received whole.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::accounts::{create, login};
use crate::binary::Served;
use crate::helpers::{Client, Engine, ADMIN_PASSWORD, PASSWORD};
use crate::{database, required};

/// Kills per engine; each restart costs about a second.
const CRASHES: usize = 4;
/// Writes acknowledged in a round before its kill, so that every kill lands under load.
const ACKS_PER_ROUND: usize = 20;
/// Clients of each city per round: one only creates drafts, the others run whole chains.
const CHAIN_RUNNERS_PER_CITY: usize = 2;

#[test]
fn acknowledged_writes_and_gapless_numbering_survive_kill_9_on_sqlite() {
    if let Some(_alone) = required("crash on SQLite") {
        survive_crashes(Engine::Sqlite);
    }
}

#[test]
fn acknowledged_writes_and_gapless_numbering_survive_kill_9_on_postgres() {
    if let Some(_alone) = required("crash on PostgreSQL") {
        survive_crashes(Engine::Postgres);
    }
}

fn survive_crashes(engine: Engine) {
    let db = database(engine);
    let mut server = Served::start(&db.url);
    let cities = Arc::new(setup(&Client::new(&server.base)));
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    // The document each chain runner was taking through its steps when the server died.
    let mut chains: Vec<Option<String>> = vec![None; cities.len() * CHAIN_RUNNERS_PER_CITY];
    let mut interrupted = 0;
    for round in 0..CRASHES {
        let stop = Arc::new(AtomicBool::new(false));
        let acks_before = ledger.lock().expect("ledger").acks;
        let mut drafters = Vec::new();
        let mut runners = Vec::new();
        for (c, _) in cities.iter().enumerate() {
            let writer = Writer::new(&server.base, &cities, c, &ledger, &stop, round);
            drafters.push(std::thread::spawn(move || writer.write_drafts()));
            for r in 0..CHAIN_RUNNERS_PER_CITY {
                let writer = Writer::new(&server.base, &cities, c, &ledger, &stop, round);
                let current = chains[c * CHAIN_RUNNERS_PER_CITY + r].take();
                runners.push(std::thread::spawn(move || writer.run_chains(current)));
            }
        }
        // Kill at a different moment each round, and only once writes are flowing.
        let at_least = Duration::from_millis(300 + 400 * round as u64);
        let started = Instant::now();
        while started.elapsed() < at_least
            || ledger.lock().expect("ledger").acks < acks_before + ACKS_PER_ROUND
        {
            assert!(started.elapsed() < Duration::from_secs(120), "writes are not acknowledged");
            std::thread::sleep(Duration::from_millis(10));
        }
        server.kill();
        stop.store(true, Ordering::Relaxed);
        interrupted += drafters.into_iter().map(join).filter(|cut| *cut).count();
        for (slot, runner) in chains.iter_mut().zip(runners) {
            let (current, cut) = join(runner);
            *slot = current;
            interrupted += usize::from(cut);
        }
        server = Served::start(&db.url);
        let found = verify(&Client::new(&server.base), &cities, &ledger.lock().expect("ledger"));
        println!(
            "{engine:?}, after kill {}: {found}; requests cut by the kill so far: {interrupted}",
            round + 1
        );
    }
    assert!(interrupted > 0, "no kill landed on a request in flight");
}

fn join<T>(thread: JoinHandle<T>) -> T {
    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A city government with its drafter, legal reviewer and registrar (tokens).
struct City {
    name: &'static str,
    drafter: String,
    reviewer: String,
    registrar: String,
}

/// Two cities under one province: four numbering series (文号 and 登记号 of each city).
fn setup(client: &Client) -> Vec<City> {
    let admin = login(client, "admin", ADMIN_PASSWORD);
    let agency = |body: Value| create(client, &admin, "/api/v1/agencies", body);
    let province = agency(
        json!({"name": "辽宁省人民政府", "code": "LN", "issuance_prefix": "辽政规", "registration_prefix": "LNFS"}),
    );
    [("沈阳", "SY", "沈政规", "SYFS"), ("大连", "DL", "大政规", "DLFS")]
        .into_iter()
        .map(|(name, code, issuance, registration)| {
            let city = agency(json!({"name": format!("{name}市人民政府"), "code": code, "parent_id": province, "issuance_prefix": issuance, "registration_prefix": registration}));
            let user = |role: &str| {
                let username = format!("{code}-{role}").to_lowercase();
                let body = json!({"username": username, "password": PASSWORD, "agency_id": city, "roles": [role]});
                create(client, &admin, "/api/v1/users", body);
                login(client, &username, PASSWORD)
            };
            City {
                name,
                drafter: user("drafter"),
                reviewer: user("legal_reviewer"),
                registrar: user("registrar"),
            }
        })
        .collect()
}

/// How far a document has gone; the order of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Draft,
    UnderReview,
    Reviewed,
    Adopted,
    Registered,
}

impl Stage {
    fn of(doc: &Value) -> Stage {
        match doc["status"].as_str() {
            Some("draft") => Stage::Draft,
            Some("under_review") => Stage::UnderReview,
            Some("reviewed") => Stage::Reviewed,
            Some("adopted") => Stage::Adopted,
            Some("registered") => Stage::Registered,
            other => panic!("a status no client asked for: {other:?} in {doc}"),
        }
    }
}

/// Everything the server acknowledged.
#[derive(Default)]
struct Ledger {
    acks: usize,
    titles: HashMap<String, String>,
    reached: HashMap<String, Stage>,
    /// 文号 and 登记号 answered by each acknowledged registration.
    numbers: HashMap<String, (String, String)>,
}

/// The request the kill cut: the server is gone until the next round.
struct Cut;

/// One client thread of one city in one round.
struct Writer {
    client: Client,
    cities: Arc<Vec<City>>,
    city: usize,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
    /// Makes titles unique across rounds and threads.
    tag: String,
}

impl Writer {
    fn new(
        base: &str,
        cities: &Arc<Vec<City>>,
        city: usize,
        ledger: &Arc<Mutex<Ledger>>,
        stop: &Arc<AtomicBool>,
        round: usize,
    ) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Self {
            client: Client::new(base),
            cities: cities.clone(),
            city,
            ledger: ledger.clone(),
            stop: stop.clone(),
            tag: format!("{round}-{n}"),
        }
    }

    fn city(&self) -> &City {
        &self.cities[self.city]
    }

    /// Creates drafts until the kill; true when the kill cut a request.
    fn write_drafts(self) -> bool {
        while !self.stop.load(Ordering::Relaxed) {
            if self.create().is_err() {
                return true;
            }
        }
        false
    }

    /// Takes documents through submit, review, deliberation and registration until the kill,
    /// starting with `current` if the last round left one; answers the one it was on and
    /// whether the kill cut a request.
    fn run_chains(self, mut current: Option<String>) -> (Option<String>, bool) {
        while !self.stop.load(Ordering::Relaxed) {
            let step = match current.clone() {
                None => self.create().map(Some),
                Some(id) => self.advance(&id).map(|done| (!done).then_some(id)),
            };
            match step {
                Ok(next) => current = next,
                Err(Cut) => return (current, true),
            }
        }
        (current, false)
    }

    fn create(&self) -> Result<String, Cut> {
        let title = format!("{}市第{}号管理办法", self.city().name, self.tag_next());
        let body = json!({"title": title, "body": "第一条 为了规范管理，制定本办法。\n第二条 本办法自发布之日起施行。"});
        let doc = self.act("POST", "/api/v1/documents", &self.city().drafter, Some(body), 201)?;
        let id = doc["id"].as_str().expect("id").to_string();
        let mut ledger = self.ledger.lock().expect("ledger");
        ledger.titles.insert(id.clone(), title);
        ledger.reached.insert(id.clone(), Stage::Draft);
        Ok(id)
    }

    /// One step of `id` from where the server says it is (the step the kill cut may or may
    /// not have been done); true once it is registered.
    fn advance(&self, id: &str) -> Result<bool, Cut> {
        let city = self.city();
        let path = format!("/api/v1/documents/{id}");
        let doc = self.act("GET", &path, &city.drafter, None, 200)?;
        let (token, action, body, reaches) = match Stage::of(&doc) {
            Stage::Draft => (&city.drafter, "submit", None, Stage::UnderReview),
            Stage::UnderReview => (
                &city.reviewer,
                "review",
                Some(json!({"conclusion": "lawful", "opinion": "经审核，合法。", "findings": []})),
                Stage::Reviewed,
            ),
            Stage::Reviewed => {
                // Beijing's today is never before UTC's yesterday; a decision may not be later.
                let yesterday = chrono::Utc::now().date_naive().pred_opt().expect("a date");
                let body = json!({"meeting": "常务会议", "decided_on": yesterday, "adopted": true});
                (&city.drafter, "deliberation", Some(body), Stage::Adopted)
            }
            Stage::Adopted => (&city.registrar, "register", None, Stage::Registered),
            Stage::Registered => return Ok(true),
        };
        let answer = self.act("POST", &format!("{path}/{action}"), token, body, 200)?;
        let mut ledger = self.ledger.lock().expect("ledger");
        ledger.reached.insert(id.to_string(), reaches);
        if reaches == Stage::Registered {
            let number = |field: &str| answer[field].as_str().expect(field).to_string();
            let numbers = (number("issuance_number"), number("registration_number"));
            ledger.numbers.insert(id.to_string(), numbers);
        }
        Ok(reaches == Stage::Registered)
    }

    /// A request whose 2xx counts as acknowledged; any other status fails the test.
    fn act(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
        status: u16,
    ) -> Result<Value, Cut> {
        let answer =
            self.client.try_send(method, path, Some(token), body.as_ref()).map_err(|_| Cut)?;
        assert_eq!(answer.status, status, "{method} {path}: {}", answer.body);
        if method != "GET" {
            self.ledger.lock().expect("ledger").acks += 1;
        }
        Ok(answer.json())
    }

    fn tag_next(&self) -> String {
        static SERIAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        format!("{}-{}", self.tag, SERIAL.fetch_add(1, Ordering::Relaxed))
    }
}

/// Checks the restarted server against the ledger; answers what it found.
fn verify(client: &Client, cities: &[City], ledger: &Ledger) -> String {
    let mut docs: HashMap<String, Value> = HashMap::new();
    for city in cities {
        for doc in all_documents(client, &city.registrar) {
            docs.insert(doc["id"].as_str().expect("id").to_string(), doc);
        }
    }
    for (id, title) in &ledger.titles {
        let doc = docs.get(id).unwrap_or_else(|| panic!("acknowledged document {id} is lost"));
        assert_eq!(doc["title"].as_str(), Some(title.as_str()), "{id}");
    }
    for (id, stage) in &ledger.reached {
        assert!(Stage::of(&docs[id]) >= *stage, "{id} lost an acknowledged step: {}", docs[id]);
    }
    for (id, (issuance, registration)) in &ledger.numbers {
        assert_eq!(docs[id]["issuance_number"].as_str(), Some(issuance.as_str()), "{id}");
        assert_eq!(docs[id]["registration_number"].as_str(), Some(registration.as_str()), "{id}");
    }
    let mut series: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for doc in docs.values() {
        let numbers = ["issuance_number", "registration_number"].map(|f| doc[f].as_str());
        match (Stage::of(doc), numbers) {
            (Stage::Registered, [Some(issuance), Some(registration)]) => {
                for number in [issuance, registration] {
                    let (name, serial) = series_and_serial(number);
                    series.entry(name).or_default().push(serial);
                }
            }
            (Stage::Registered, _) => panic!("registered without both numbers: {doc}"),
            (_, [None, None]) => {}
            _ => panic!("a number on a document that is not registered: {doc}"),
        }
    }
    for (name, serials) in &mut series {
        serials.sort_unstable();
        let expected: Vec<u32> = (1..=serials.len() as u32).collect();
        assert_eq!(*serials, expected, "series {name}: a gap or a duplicate");
    }
    let registered = ledger.numbers.len();
    format!(
        "{} documents, {} acknowledged creations, {} acknowledged registrations, all kept; \
         series {:?} gapless",
        docs.len(),
        ledger.titles.len(),
        registered,
        series.iter().map(|(k, v)| format!("{k}1..{}", v.len())).collect::<Vec<_>>()
    )
}

/// Every document of the caller's scope, page by page.
fn all_documents(client: &Client, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let path = format!("/api/v1/documents?page={page}&per_page=100");
        let answer = client.get(&path, Some(token));
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let answer = answer.json();
        let items = answer["items"].as_array().expect("items").clone();
        let total = answer["total"].as_u64().expect("total") as usize;
        all.extend(items.iter().cloned());
        if items.is_empty() || all.len() >= total {
            assert_eq!(all.len(), total, "paging lost documents");
            break;
        }
    }
    all
}

/// `沈政规〔2026〕12号` → (`沈政规〔2026〕`, 12); `SYFS—2026—12` → (`SYFS—2026—`, 12).
fn series_and_serial(number: &str) -> (String, u32) {
    let number = number.strip_suffix('号').unwrap_or(number);
    let serial_at = number.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let serial = number[serial_at..].parse().unwrap_or_else(|e| panic!("{number}: {e}"));
    (number[..serial_at].to_string(), serial)
}
