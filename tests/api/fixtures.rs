//! A small province to test documents in: a provincial government (the filing authority) and a
//! city government with its drafter, legal reviewer and registrar.

use serde_json::{json, Value};

use crate::helpers::*;

pub struct Province {
    pub admin: String,
    pub province_id: String,
    pub drafter: String,
    pub reviewer: String,
    pub registrar: String,
    pub filing_reviewer: String,
}

impl Province {
    pub fn new(app: &TestApp) -> Self {
        let admin = app.admin_token();
        let province = app.agency(&admin, json!({"name": "辽宁省人民政府", "code": "LN", "issuance_prefix": "辽政规", "registration_prefix": "LNFS"}));
        let city = app.agency(&admin, json!({"name": "沈阳市人民政府", "code": "SY", "parent_id": province["id"], "issuance_prefix": "沈政规", "registration_prefix": "SYFS"}));
        let city_id = city["id"].as_str().unwrap().to_string();
        let province_id = province["id"].as_str().unwrap().to_string();
        Self {
            drafter: app.user(&admin, "sy-drafter", &city_id, &["drafter"]),
            reviewer: app.user(&admin, "sy-legal", &city_id, &["legal_reviewer"]),
            registrar: app.user(&admin, "sy-registrar", &city_id, &["registrar"]),
            filing_reviewer: app.user(&admin, "ln-filing", &province_id, &["filing_reviewer"]),
            admin,
            province_id,
        }
    }

    pub fn draft(&self, app: &TestApp, title: &str, body: &str) -> String {
        let r = app.client.post(
            "/api/v1/documents",
            Some(&self.drafter),
            &json!({"title": title, "body": body}),
        );
        assert_eq!(r.status, 201, "create: {}", r.body);
        r.json()["id"].as_str().unwrap().to_string()
    }

    pub fn submit(&self, app: &TestApp, id: &str) -> Value {
        let r = app.client.raw(
            "POST",
            &format!("/api/v1/documents/{id}/submit"),
            Some(&self.drafter),
            None,
            Vec::new(),
            &[],
        );
        assert_eq!(r.status, 200, "submit: {}", r.body);
        r.json()
    }

    pub fn review_lawful(&self, app: &TestApp, id: &str) {
        let r = app.client.post(&format!("/api/v1/documents/{id}/review"), Some(&self.reviewer), &json!({"conclusion": "lawful", "opinion": "经审核，该文件符合法律规定。", "findings": []}));
        assert_eq!(r.status, 200, "review: {}", r.body);
    }

    pub fn adopt(&self, app: &TestApp, id: &str) {
        let r = app.client.post(
            &format!("/api/v1/documents/{id}/deliberation"),
            Some(&self.drafter),
            &json!({"meeting": "市政府第5次常务会议", "decided_on": "2026-03-02", "adopted": true}),
        );
        assert_eq!(r.status, 200, "deliberation: {}", r.body);
    }

    pub fn register(&self, app: &TestApp, id: &str) -> Value {
        let r = app.client.raw(
            "POST",
            &format!("/api/v1/documents/{id}/register"),
            Some(&self.registrar),
            None,
            Vec::new(),
            &[],
        );
        assert_eq!(r.status, 200, "register: {}", r.body);
        r.json()
    }

    /// A document adopted and ready for numbering.
    pub fn adopted(&self, app: &TestApp, title: &str) -> String {
        let id = self.draft(
            app,
            title,
            "第一条 为了规范管理，结合本市实际，制定本办法。\n第二条 本办法自发布之日起施行。",
        );
        self.submit(app, &id);
        self.review_lawful(app, &id);
        self.adopt(app, &id);
        id
    }

    /// A document published on the clock's date with the defaults.
    pub fn published(&self, app: &TestApp, title: &str, body: &str) -> Value {
        let id = self.draft(app, title, body);
        self.submit(app, &id);
        self.review_lawful(app, &id);
        self.adopt(app, &id);
        self.register(app, &id);
        let today = app.clock.today().to_string();
        let r = app.client.post(
            &format!("/api/v1/documents/{id}/publish"),
            Some(&self.registrar),
            &json!({"published_on": today, "channel": "沈阳市人民政府公报"}),
        );
        assert_eq!(r.status, 200, "publish: {}", r.body);
        r.json()
    }

    /// Freezes the city's (SY) annual catalogue of `year` as its registrar (the clock must be
    /// past the year's end); answers the city's id.
    pub fn freeze_city_catalogue(&self, app: &TestApp, year: i32) -> Value {
        let city = app.client.get("/api/v1/agencies?per_page=100", Some(&self.admin)).json()
            ["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == "SY")
            .map(|a| a["id"].clone())
            .unwrap();
        let r = app.client.post(
            "/api/v1/catalogues",
            Some(&self.registrar),
            &json!({"agency_id": city, "year": year}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        city
    }
}

use normreg::domain::clock::Clock;

/// A second city under the same province (create it once per test): users made in it belong
/// to another agency and must neither see nor touch the first city's documents.
pub fn neighbour_city(app: &TestApp, p: &Province) -> String {
    let city = app.agency(&p.admin, json!({"name": "大连市人民政府", "code": "DL", "parent_id": p.province_id, "issuance_prefix": "大政规", "registration_prefix": "DLFS"}));
    city["id"].as_str().unwrap().to_string()
}
