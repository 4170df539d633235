//! Login, tokens, roles and agency scope.

use normreg::domain::clock::Clock;
use serde_json::json;

use crate::db_test;
use crate::helpers::*;

db_test!(login_succeeds_with_the_right_password_only, |app| {
    let ok = app.client.post(
        "/api/v1/auth/login",
        None,
        &json!({"username": "admin", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let body = ok.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], TOKEN_TTL_SECONDS);
    let token = body["access_token"].as_str().unwrap();
    let me = app.client.get("/api/v1/me", Some(token)).json();
    assert_eq!(me["username"], "admin");
    assert_eq!(me["roles"], json!(["admin"]));

    let wrong = app.client.post(
        "/api/v1/auth/login",
        None,
        &json!({"username": "admin", "password": "not the password"}),
    );
    let unknown = app.client.post(
        "/api/v1/auth/login",
        None,
        &json!({"username": "nobody", "password": ADMIN_PASSWORD}),
    );
    // The same answer for both, so usernames cannot be probed.
    assert_eq!(wrong.problem(401)["detail"], unknown.problem(401)["detail"]);
});

db_test!(expired_tampered_unsigned_and_foreign_audience_tokens_are_refused, |app| {
    let now = app.clock.now().timestamp();
    // The admin's own id: a token must name an account that exists (tested below too).
    let admin_id = app.client.get("/api/v1/me", Some(&app.admin_token())).json()["id"].clone();
    let claims = |exp: i64, aud: &str| json!({"sub": admin_id, "exp": exp, "iat": now - 10, "iss": "normreg", "aud": aud, "roles": ["admin"], "name": "admin"});
    let sign = |c: &serde_json::Value| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            c,
            &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
        )
        .unwrap()
    };
    // A correctly signed token works, which proves the refusals below are about the defect.
    let good = sign(&claims(now + 600, "normreg-api"));
    assert_eq!(app.client.get("/api/v1/agencies", Some(&good)).status, 200);

    let expired = sign(&claims(now - 600, "normreg-api"));
    let foreign = sign(&claims(now + 600, "another-service"));
    let mut parts: Vec<String> = good.split('.').map(String::from).collect();
    parts[1] = b64(&claims(now + 600, "normreg-api")
        .to_string()
        .replace("\"admin\"]", "\"admin\",\"x\"]"));
    let tampered = parts.join(".");
    let unsigned = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&claims(now + 600, "normreg-api").to_string())
    );
    let mut nobody = claims(now + 600, "normreg-api");
    nobody["sub"] = json!(uuid::Uuid::new_v4().to_string());
    let nobody = sign(&nobody);
    for (what, token) in [
        ("of no account", nobody),
        ("expired", expired),
        ("foreign audience", foreign),
        ("tampered", tampered),
        ("alg none", unsigned),
        ("garbage", "abc".into()),
    ] {
        let r = app.client.get("/api/v1/agencies", Some(&token));
        assert_eq!(r.status, 401, "{what} token: {}", r.body);
        r.problem(401);
    }
    app.client.get("/api/v1/agencies", None).problem(401);
});

db_test!(admin_endpoints_refuse_every_other_role, |app| {
    let admin = app.admin_token();
    let agency = app.agency(&admin, json!({"name": "辽宁省人民政府", "code": "LN"}));
    let id = agency["id"].as_str().unwrap();
    for role in ["drafter", "legal_reviewer", "registrar", "filing_reviewer"] {
        let token = app.user(&admin, &format!("user-{role}"), id, &[role]);
        let attempts = [
            app.client.post("/api/v1/agencies", Some(&token), &json!({"name": "某部门", "code": format!("X-{role}")})),
            app.client.post("/api/v1/users", Some(&token), &json!({"username": format!("new-{role}"), "password": PASSWORD, "agency_id": id, "roles": ["admin"]})),
            app.client.put("/api/v1/policy", Some(&token), &json!({})),
            app.client.put("/api/v1/calendar/2027", Some(&token), &json!({"year": 2027, "days": []})),
        ];
        for r in attempts {
            r.problem(403);
        }
    }
    let agencies = app.client.get("/api/v1/agencies", Some(&admin)).json();
    assert_eq!(agencies["total"], 1, "no agency was created by a non-admin");
    let users = app.client.get("/api/v1/users", Some(&admin)).json();
    assert_eq!(users["total"], 5, "admin plus the four role users");
});

db_test!(a_user_sees_only_the_users_of_their_own_agency, |app| {
    let admin = app.admin_token();
    let a = app.agency(&admin, json!({"name": "沈阳市人民政府", "code": "SY"}));
    let b = app.agency(&admin, json!({"name": "大连市人民政府", "code": "DL"}));
    let alice = app.user(&admin, "alice", a["id"].as_str().unwrap(), &["drafter"]);
    app.user(&admin, "bob", b["id"].as_str().unwrap(), &["drafter"]);
    let users = app.client.get("/api/v1/users", Some(&admin)).json();
    let bob_id =
        users["items"].as_array().unwrap().iter().find(|u| u["username"] == "bob").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
    let alice_id =
        users["items"].as_array().unwrap().iter().find(|u| u["username"] == "alice").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();

    app.client.get(&format!("/api/v1/users/{bob_id}"), Some(&alice)).problem(404);
    assert_eq!(app.client.get(&format!("/api/v1/users/{alice_id}"), Some(&alice)).status, 200);
    assert_eq!(app.client.get(&format!("/api/v1/users/{bob_id}"), Some(&admin)).status, 200);
    let visible = app.client.get("/api/v1/users", Some(&alice)).json();
    assert_eq!(visible["total"], 1);
    assert_eq!(visible["items"][0]["username"], "alice");
});

db_test!(the_filing_authority_follows_the_tree_unless_set, |app| {
    let admin = app.admin_token();
    let province = app.agency(&admin, json!({"name": "辽宁省人民政府", "code": "LN", "issuance_prefix": "辽政规", "registration_prefix": "LNFS"}));
    let city = app.agency(
        &admin,
        json!({"name": "沈阳市人民政府", "code": "SY", "parent_id": province["id"]}),
    );
    let dept = app.agency(&admin, json!({"name": "沈阳市教育局", "code": "SY-EDU", "parent_id": city["id"], "kind": "department"}));
    assert_eq!(city["filing_authority_id"], province["id"]);
    assert_eq!(dept["filing_authority_id"], city["id"]);
    assert_eq!(province["filing_authority_id"], serde_json::Value::Null);
    assert_eq!(province["issuance_prefix"], "辽政规");
    let explicit = app.agency(&admin, json!({"name": "沈阳市某局", "code": "SY-X", "parent_id": city["id"], "kind": "department", "filing_authority_id": province["id"]}));
    assert_eq!(explicit["filing_authority_id"], province["id"]);
    assert_eq!(explicit["filing_authority_explicit"], true);
    let dup =
        app.client.post("/api/v1/agencies", Some(&admin), &json!({"name": "重复", "code": "SY"}));
    assert_eq!(dup.problem(409)["code"], "agency_code_taken");
});

db_test!(data_and_tokens_survive_a_restart, |app| {
    let admin = app.admin_token();
    let agency = app.agency(&admin, json!({"name": "鞍山市人民政府", "code": "AS"}));
    let drafter = app.user(&admin, "drafter-as", agency["id"].as_str().unwrap(), &["drafter"]);
    app.restart();
    let list = app.client.get("/api/v1/agencies", Some(&admin));
    assert_eq!(list.status, 200, "the old admin token works after restart: {}", list.body);
    assert_eq!(list.json()["items"][0]["code"], "AS");
    assert_eq!(app.client.get("/api/v1/me", Some(&drafter)).json()["username"], "drafter-as");
    // Still exactly one admin: the first-start set-up did not run again.
    assert_eq!(app.client.get("/api/v1/users", Some(&admin)).json()["total"], 2);
});

db_test!(two_servers_starting_at_once_on_one_database_both_serve, |app| {
    // `app` migrated the database already; start two more servers at the same instant on a
    // second, empty database so both race through migrations and first-start set-up.
    let fresh = TestDatabase::create(app.engine).expect("database");
    let url = fresh.url.clone();
    let starters: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                TestServer::start(
                    &url,
                    normreg::domain::clock::ManualClock::at_date(date("2026-03-02")),
                )
            })
        })
        .collect();
    let servers: Vec<TestServer> =
        starters.into_iter().map(|t| t.join().unwrap().expect("server starts")).collect();
    for s in &servers {
        let c = Client::new(&s.base);
        assert_eq!(c.get("/readyz", None).status, 200);
        let r = c.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "admin", "password": ADMIN_PASSWORD}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let token = r.json()["access_token"].as_str().unwrap().to_string();
        assert_eq!(
            c.get("/api/v1/users", Some(&token)).json()["total"],
            1,
            "exactly one admin was created"
        );
    }
    drop(servers);
    drop(fresh);
});

db_test!(
    logins_beyond_the_hashing_bound_get_503_with_retry_after_and_the_bound_frees_again,
    config | c | {
        c.hash_concurrency = 1;
        c.hash_queue = 0;
        // Each login from an address of its own, so that the login throttle (which would
        // answer 429 to one address long before) leaves the hashing bound to be measured.
        trust_loopback(c);
    },
    |app| {
        // One hashing slot and no queue: of 24 wrong-password logins sent at once, those that
        // find the slot taken are refused at once instead of queueing for memory.
        let mut refused = Vec::new();
        for round in 0..5 {
            let answers: Vec<Answer> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..24)
                    .map(|i| {
                        let base = app.server.base.clone();
                        s.spawn(move || {
                            Client::new(&base).post_from(
                                &format!("198.51.100.{}", round * 24 + i),
                                "/api/v1/auth/login",
                                None,
                                &json!({"username": "admin", "password": format!("wrong {i}")}),
                            )
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("client thread")).collect()
            });
            for a in &answers {
                assert!(a.status == 401 || a.status == 503, "{} {}", a.status, a.body);
            }
            refused.extend(answers.into_iter().filter(|a| a.status == 503));
            if !refused.is_empty() {
                break;
            }
        }
        assert!(!refused.is_empty(), "no login was ever refused by a gate of one slot");
        for a in &refused {
            assert_eq!(a.problem(503)["code"], "busy");
            assert_eq!(a.header("retry-after").as_deref(), Some("1"));
        }
        // Every place is given back: the owner logs in afterwards.
        let ok = app.client.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "admin", "password": ADMIN_PASSWORD}),
        );
        assert_eq!(ok.status, 200, "{}", ok.body);
    }
);
