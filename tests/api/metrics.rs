//! `GET /metrics`: Prometheus text that a strict parser reads, with requests counted under
//! their route template (never the raw path) and their status.

use std::collections::{BTreeMap, HashMap};

use crate::db_test;

/// A sample's labels, by name.
type Labels = BTreeMap<String, String>;

/// One sample line: metric name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Labels,
    value: f64,
}

fn is_name(s: &str, colon: bool) -> bool {
    let mut chars = s.chars();
    let first_ok = |c: char| c.is_ascii_alphabetic() || c == '_' || (colon && c == ':');
    chars.next().is_some_and(first_ok)
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

/// `{a="x",b="y"}` (the braces already removed), with the format's three escapes only.
fn parse_labels(mut s: &str, line: &str) -> Labels {
    let mut labels = BTreeMap::new();
    while !s.is_empty() {
        let (name, rest) = s.split_once("=\"").unwrap_or_else(|| panic!("label in: {line}"));
        assert!(is_name(name, false), "label name `{name}` in: {line}");
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c @ ('\\' | '"'))) => value.push(c),
                    other => panic!("bad escape {other:?} in: {line}"),
                },
                Some((i, '"')) => break i,
                Some((_, '\n')) | None => panic!("unterminated label value in: {line}"),
                Some((_, c)) => value.push(c),
            }
        };
        assert!(labels.insert(name.to_string(), value).is_none(), "label twice in: {line}");
        s = &rest[end + 1..];
        s = s.strip_prefix(',').unwrap_or_else(|| {
            assert!(s.is_empty(), "labels must be separated by commas: {line}");
            s
        });
    }
    labels
}

fn parse_value(s: &str, line: &str) -> f64 {
    match s {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        _ => s.parse().unwrap_or_else(|_| panic!("value `{s}` in: {line}")),
    }
}

/// A strict reading of the text exposition format 0.0.4: HELP and TYPE lines well formed and
/// at most once per family, TYPE before its samples, every sample `name{labels} value` of a
/// declared family (a counter's samples end in `_total`, a histogram's in `_bucket`, `_sum`
/// or `_count`), and every histogram's buckets cumulative up to `+Inf`, which equals `_count`.
fn parse(text: &str) -> Vec<Sample> {
    let mut types: HashMap<String, String> = HashMap::new();
    let mut helps: HashMap<String, String> = HashMap::new();
    let mut samples = Vec::new();
    assert!(text.ends_with('\n'), "the text ends with a line feed");
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            assert!(is_name(name, true), "HELP name: {line}");
            // A backslash in help text only escapes a backslash or a line feed.
            let unescaped = help.replace("\\\\", "").replace("\\n", "");
            assert!(!unescaped.contains('\\'), "HELP escapes: {line}");
            assert!(helps.insert(name.into(), help.into()).is_none(), "HELP twice: {line}");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or_else(|| panic!("TYPE: {line}"));
            assert!(is_name(name, true), "TYPE name: {line}");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "TYPE kind: {line}"
            );
            assert!(types.insert(name.into(), kind.into()).is_none(), "TYPE twice: {line}");
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("sample: {line}"));
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let inner = rest.strip_suffix('}').unwrap_or_else(|| panic!("braces: {line}"));
                (name, parse_labels(inner, line))
            }
            None => (series, BTreeMap::new()),
        };
        assert!(is_name(name, true), "metric name: {line}");
        let family = types
            .iter()
            .find(|(family, kind)| {
                let suffixes: &[&str] = match kind.as_str() {
                    "counter" => &["", "_total"],
                    "histogram" => &["_bucket", "_sum", "_count"],
                    _ => &[""],
                };
                suffixes.iter().any(|s| name == format!("{family}{s}"))
            })
            .unwrap_or_else(|| panic!("a sample of no declared family: {line}"));
        assert!(helps.contains_key(family.0), "a family without HELP: {line}");
        samples.push(Sample { name: name.into(), labels, value: parse_value(value, line) });
    }
    for (family, _) in types.iter().filter(|(_, k)| *k == "histogram") {
        let bucket = format!("{family}_bucket");
        let mut series: BTreeMap<Labels, Vec<(f64, f64)>> = BTreeMap::new();
        for s in samples.iter().filter(|s| s.name == bucket) {
            let le = parse_value(s.labels.get("le").expect("a bucket has `le`"), &s.name);
            let mut key = s.labels.clone();
            key.remove("le");
            series.entry(key).or_default().push((le, s.value));
        }
        for (labels, buckets) in series {
            assert!(buckets.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1), "{family}");
            assert_eq!(buckets.last().map(|b| b.0), Some(f64::INFINITY), "{family} +Inf");
            let count = samples
                .iter()
                .find(|s| s.name == format!("{family}_count") && s.labels == labels)
                .unwrap_or_else(|| panic!("{family}_count {labels:?}"));
            assert_eq!(count.value, buckets.last().unwrap().1, "{family}: +Inf bucket = count");
        }
    }
    samples
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn value(samples: &[Sample], name: &str, want: &Labels) -> Option<f64> {
    samples.iter().find(|s| s.name == name && &s.labels == want).map(|s| s.value)
}

db_test!(metrics_count_requests_by_route_template_in_prometheus_text, |app| {
    let raw_id = "0193a5b0-7c1e-7000-8000-00000000abcd";
    let r = app.client.get(&format!("/api/v1/public/documents/{raw_id}"), None);
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(app.client.get("/healthz", None).status, 200);
    assert_eq!(app.client.get("/no/such/path/metrics-probe", None).status, 404);
    // A write, whose wait for its transaction is measured.
    let admin = app.admin_token();
    app.agency(&admin, serde_json::json!({"name": "辽宁省人民政府", "code": "LN"}));
    // The same search twice: computed, then answered from the search cache.
    for _ in 0..2 {
        assert_eq!(
            app.client.get("/api/v1/public/documents?q=%E8%A7%84%E8%8C%83", None).status,
            200
        );
    }

    let r = app.client.get("/metrics", None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let samples = parse(&r.body);
    let requests = "normreg_http_requests_total";
    let by_template =
        labels(&[("route", "/api/v1/public/documents/{id}"), ("method", "GET"), ("status", "404")]);
    assert_eq!(value(&samples, requests, &by_template), Some(1.0), "{}", r.body);
    let health = labels(&[("route", "/healthz"), ("method", "GET"), ("status", "200")]);
    assert_eq!(value(&samples, requests, &health), Some(1.0), "{}", r.body);
    let unmatched = labels(&[("route", "unmatched"), ("method", "GET"), ("status", "404")]);
    assert!(value(&samples, requests, &unmatched) >= Some(1.0), "{}", r.body);
    assert!(!r.body.contains(raw_id), "a raw id is never a label:\n{}", r.body);
    assert!(!r.body.contains("metrics-probe"), "a raw path is never a label:\n{}", r.body);

    let latency = labels(&[("route", "/api/v1/public/documents/{id}")]);
    let count = "normreg_http_request_duration_seconds_count";
    assert_eq!(value(&samples, count, &latency), Some(1.0), "{}", r.body);
    let searches = value(&samples, "normreg_public_search_duration_seconds_count", &labels(&[]));
    assert_eq!(searches, Some(2.0), "{}", r.body);
    let search = labels(&[("cache", "search")]);
    assert_eq!(value(&samples, "normreg_public_cache_hits_total", &search), Some(1.0));
    assert_eq!(value(&samples, "normreg_public_cache_misses_total", &search), Some(1.0));
    let read = labels(&[("cache", "read")]);
    assert!(value(&samples, "normreg_public_cache_hits_total", &read).is_some());
    assert!(value(&samples, "normreg_public_cache_misses_total", &read).is_some());
    let max = value(&samples, "normreg_db_pool_connections", &labels(&[("state", "max")]));
    assert!(max >= Some(1.0), "{}", r.body);
    for state in ["in_use", "idle"] {
        let n = value(&samples, "normreg_db_pool_connections", &labels(&[("state", state)]));
        assert!(n.is_some_and(|n| n >= 0.0 && Some(n) <= max), "{state}: {}", r.body);
    }

    let engine = match app.engine {
        crate::helpers::Engine::Sqlite => "sqlite",
        crate::helpers::Engine::Postgres => "postgres",
    };
    let waits =
        value(&samples, "normreg_db_write_wait_seconds_count", &labels(&[("engine", engine)]));
    assert!(waits >= Some(1.0), "the agency's write waited and was timed: {}", r.body);
    assert!(r.body.contains("# TYPE normreg_db_write_wait_seconds histogram"), "{}", r.body);

    // A scraper that asks for OpenMetrics gets the same lines, closed by `# EOF`.
    let accept = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3";
    let open = app.client.raw("GET", "/metrics", None, None, Vec::new(), &[("accept", accept)]);
    assert_eq!(
        open.header("content-type").as_deref(),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    let body = open.body.strip_suffix("# EOF\n").expect("OpenMetrics text ends with # EOF");
    assert!(!body.contains("# EOF"), "{}", open.body);
    parse(body);

    // The scrapes themselves are counted, by the next one.
    let again = parse(&app.client.get("/metrics", None).body);
    let scrape = labels(&[("route", "/metrics"), ("method", "GET"), ("status", "200")]);
    assert_eq!(value(&again, requests, &scrape), Some(2.0));
});

db_test!(
    metrics_count_scheduler_runs_by_outcome,
    config | config | {
        config.run_scheduler = true;
    },
    |app| {
        // The scheduler runs the expiry once at start, then daily.
        let ok = labels(&[("job", "expiry"), ("outcome", "ok")]);
        let mut runs = None;
        for _ in 0..100 {
            let samples = parse(&app.client.get("/metrics", None).body);
            runs = value(&samples, "normreg_scheduler_runs_total", &ok);
            if runs.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(runs, Some(1.0), "the run at start is counted");
    }
);
