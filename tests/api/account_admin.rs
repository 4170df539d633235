//! Accounts a government can run: a user changes its password, an admin resets one, disables
//! and enables an account, changes roles and agency, each taking effect on the next request
//! (on every instance), and every such action recorded as an account event.

use chrono::{DateTime, Duration, Utc};
use normreg::db::DatabaseUrl;
use normreg::domain::clock::Clock;
use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::*;

const NEW_PASSWORD: &str = "Granite-Meadow-Lantern-47";

/// An agency and `alice`, a drafter in it, with her token; answers (admin, agency id, alice's id, alice's token).
fn alice(app: &TestApp) -> (String, String, String, String) {
    let admin = app.admin_token();
    let agency = app.agency(&admin, json!({"name": "沈阳市人民政府", "code": "SY"}));
    let agency_id = agency["id"].as_str().unwrap().to_string();
    let token = app.user(&admin, "alice", &agency_id, &["drafter"]);
    let id = app.client.get("/api/v1/me", Some(&token)).json()["id"].as_str().unwrap().to_string();
    (admin, agency_id, id, token)
}

fn change_password(app: &TestApp, token: &str, current: &str, new: &str) -> Answer {
    app.client.post(
        "/api/v1/me/password",
        Some(token),
        &json!({"current_password": current, "new_password": new}),
    )
}

fn login_answer(app: &TestApp, username: &str, password: &str) -> Answer {
    app.client.post(
        "/api/v1/auth/login",
        None,
        &json!({"username": username, "password": password}),
    )
}

/// The actions recorded for the account `user_id`, oldest first, read from the database.
fn account_actions(app: &TestApp, user_id: &str) -> Vec<(Option<String>, String)> {
    let url = DatabaseUrl::parse(&app.db.url).expect("url");
    let pool = normreg::db::connect(&url, 1).expect("pool");
    let mut conn = pool.get().expect("connection");
    normreg::db::account_events::of_user(&mut conn, user_id)
        .expect("events")
        .into_iter()
        .map(|e| (e.actor_id, e.action))
        .collect()
}

db_test!(a_password_change_ends_every_other_token_and_the_new_password_works, |app| {
    let (_, _, _, first) = alice(app);
    let second = app.login("alice", PASSWORD);
    let wrong = change_password(app, &first, "not the password", NEW_PASSWORD).problem(422);
    assert_eq!(wrong["errors"][0]["field"], "current_password", "{wrong}");
    let weak = change_password(app, &first, PASSWORD, "password123").problem(422);
    assert_eq!(weak["errors"][0]["field"], "new_password", "{weak}");
    assert!(weak["detail"].as_str().unwrap().contains("too easy to guess"), "{weak}");
    let short = change_password(app, &first, PASSWORD, "Ab1-x").problem(422);
    assert!(short["detail"].as_str().unwrap().contains("at least 10"), "{short}");
    assert_eq!(app.client.get("/api/v1/me", Some(&second)).status, 200, "nothing changed yet");

    let done = change_password(app, &first, PASSWORD, NEW_PASSWORD);
    assert_eq!(done.status, 204, "{}", done.body);
    app.client.get("/api/v1/me", Some(&second)).problem(401);
    assert_eq!(app.client.get("/api/v1/me", Some(&first)).status, 200, "the changing token stays");
    login_answer(app, "alice", PASSWORD).problem(401);
    let fresh = app.login("alice", NEW_PASSWORD);
    assert_eq!(app.client.get("/api/v1/me", Some(&fresh)).json()["username"], "alice");
});

db_test!(a_reset_gives_a_temporary_password_good_only_for_setting_a_new_one, |app| {
    let (admin, _, alice_id, old_token) = alice(app);
    let reset = app.client.post(
        &format!("/api/v1/users/{alice_id}/password-reset"),
        Some(&admin),
        &json!({}),
    );
    assert_eq!(reset.status, 200, "{}", reset.body);
    let temporary = reset.json()["temporary_password"].as_str().unwrap().to_string();
    app.client.get("/api/v1/me", Some(&old_token)).problem(401);
    login_answer(app, "alice", PASSWORD).problem(401);

    let login = login_answer(app, "alice", &temporary);
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(login.json()["password_change_required"], true);
    let limited = login.json()["access_token"].as_str().unwrap().to_string();
    for path in ["/api/v1/me", "/api/v1/documents", "/api/v1/agencies"] {
        let p = app.client.get(path, Some(&limited)).problem(403);
        assert!(p["detail"].as_str().unwrap().contains("/api/v1/me/password"), "{p}");
    }
    let draft = json!({"title": "测试办法", "body": "第一条 测试。"});
    app.client.post("/api/v1/documents", Some(&limited), &draft).problem(403);

    let done = change_password(app, &limited, &temporary, NEW_PASSWORD);
    assert_eq!(done.status, 204, "{}", done.body);
    change_password(app, &limited, NEW_PASSWORD, "Another-Fine-Passphrase-8").problem(401);
    login_answer(app, "alice", &temporary).problem(401);
    let login = login_answer(app, "alice", NEW_PASSWORD);
    assert_eq!(login.json()["password_change_required"], false, "{}", login.body);
    let token = login.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.client.post("/api/v1/documents", Some(&token), &draft).status, 201);

    let actions = account_actions(app, &alice_id);
    let admin_id =
        app.client.get("/api/v1/me", Some(&admin)).json()["id"].as_str().map(String::from);
    assert_eq!(
        actions,
        [
            (admin_id.clone(), "created".to_string()),
            (admin_id, "password_reset".to_string()),
            (Some(alice_id.clone()), "password_changed".to_string()),
        ]
    );
});

db_test!(disabling_ends_every_token_at_once_and_enabling_does_not_revive_them, |app| {
    let (admin, _, alice_id, token) = alice(app);
    let path = format!("/api/v1/users/{alice_id}");
    let r = app.client.patch(&path, Some(&admin), &json!({"disabled": true}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["disabled"], true);
    let p = app.client.get("/api/v1/documents", Some(&token)).problem(401);
    assert!(p["detail"].as_str().unwrap().contains("disabled"), "{p}");
    login_answer(app, "alice", PASSWORD).problem(401);
    let listed = app.client.get("/api/v1/users?disabled=true", Some(&admin)).json();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["username"], "alice");

    assert_eq!(app.client.patch(&path, Some(&admin), &json!({"disabled": false})).status, 200);
    app.client.get("/api/v1/documents", Some(&token)).problem(401);
    let again = app.login("alice", PASSWORD);
    assert_eq!(app.client.get("/api/v1/documents", Some(&again)).status, 200);
    let actions: Vec<String> = account_actions(app, &alice_id).into_iter().map(|a| a.1).collect();
    assert_eq!(actions, ["created", "disabled", "enabled"]);
});

db_test!(a_disabled_account_is_refused_at_once_by_another_instance_on_the_same_database, |app| {
    let (admin, _, alice_id, _) = alice(app);
    let other = TestServer::start(&app.db.url, app.clock.clone()).expect("second instance");
    let there = Client::new(&other.base);
    let token = app.login("alice", PASSWORD);
    assert_eq!(
        there.get("/api/v1/documents", Some(&token)).status,
        200,
        "one token, both instances"
    );
    let r =
        there.patch(&format!("/api/v1/users/{alice_id}"), Some(&admin), &json!({"disabled": true}));
    assert_eq!(r.status, 200, "{}", r.body);
    app.client.get("/api/v1/documents", Some(&token)).problem(401);
    there.get("/api/v1/documents", Some(&token)).problem(401);
});

db_test!(role_and_agency_changes_take_effect_on_the_next_request, |app| {
    let (admin, agency_id, alice_id, token) = alice(app);
    let other = app.agency(&admin, json!({"name": "大连市人民政府", "code": "DL"}));
    let draft = json!({"title": "测试办法", "body": "第一条 测试。"});
    let created = app.client.post("/api/v1/documents", Some(&token), &draft);
    assert_eq!(created.status, 201, "{}", created.body);
    let doc = format!("/api/v1/documents/{}", created.json()["id"].as_str().unwrap());
    let path = format!("/api/v1/users/{alice_id}");

    let r = app.client.patch(&path, Some(&admin), &json!({"roles": ["registrar"]}));
    assert_eq!(r.json()["roles"], json!(["registrar"]), "{}", r.body);
    app.client.post("/api/v1/documents", Some(&token), &draft).problem(403);
    assert_eq!(app.client.get("/api/v1/me", Some(&token)).json()["roles"], json!(["registrar"]));

    assert_eq!(app.client.get(&doc, Some(&token)).status, 200);
    let r = app.client.patch(&path, Some(&admin), &json!({"agency_id": other["id"]}));
    assert_eq!(r.status, 200, "{}", r.body);
    app.client.get(&doc, Some(&token)).problem(404);
    assert_eq!(app.client.get("/api/v1/me", Some(&token)).json()["agency_id"], other["id"]);
    let listed =
        app.client.get(&format!("/api/v1/users?agency_id={agency_id}"), Some(&admin)).json();
    assert_eq!(listed["total"], 0, "{listed}");
    let actions: Vec<String> = account_actions(app, &alice_id).into_iter().map(|a| a.1).collect();
    assert_eq!(actions, ["created", "roles_changed", "agency_changed"]);
});

db_test!(the_admin_lists_users_by_agency_role_and_state, |app| {
    let (admin, agency_id, _, _) = alice(app);
    app.user(&admin, "bob", &agency_id, &["registrar", "drafter"]);
    app.user(&admin, "carol", &agency_id, &["legal_reviewer"]);
    let names = |query: &str| -> Vec<Value> {
        let r = app.client.get(&format!("/api/v1/users?{query}"), Some(&admin));
        assert_eq!(r.status, 200, "{query}: {}", r.body);
        r.json()["items"].as_array().unwrap().iter().map(|u| u["username"].clone()).collect()
    };
    assert_eq!(names("role=drafter"), [json!("alice"), json!("bob")]);
    assert_eq!(names("role=admin"), [json!("admin")]);
    assert_eq!(names(&format!("agency_id={agency_id}&role=legal_reviewer")), [json!("carol")]);
    assert_eq!(names("disabled=false&per_page=2").len(), 2);
    let p = app.client.get("/api/v1/users?role=emperor", Some(&admin)).problem(422);
    assert_eq!(p["errors"][0]["field"], "role", "{p}");
});

db_test!(account_changes_refuse_other_roles_unknown_accounts_and_bad_input, |app| {
    let (admin, _, alice_id, alice) = alice(app);
    let admin_id =
        app.client.get("/api/v1/me", Some(&admin)).json()["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/users/{alice_id}");
    app.client.patch(&path, Some(&alice), &json!({"roles": ["admin"]})).problem(403);
    app.client.post(&format!("{path}/password-reset"), Some(&alice), &json!({})).problem(403);
    let nobody = format!("/api/v1/users/{}", uuid::Uuid::new_v4());
    app.client.patch(&nobody, Some(&admin), &json!({"disabled": true})).problem(404);
    app.client.post(&format!("{nobody}/password-reset"), Some(&admin), &json!({})).problem(404);
    let p = app.client.patch(&path, Some(&admin), &json!({"roles": ["emperor"]})).problem(422);
    assert_eq!(p["errors"][0]["field"], "roles", "{p}");
    app.client.patch(&path, Some(&admin), &json!({"roles": []})).problem(422);
    let p = app
        .client
        .patch(&path, Some(&admin), &json!({"agency_id": uuid::Uuid::new_v4()}))
        .problem(422);
    assert_eq!(p["errors"][0]["field"], "agency_id", "{p}");
    app.client.patch(&path, Some(&admin), &json!({"disabled": "yes"})).problem(422);
    app.client.patch(&path, Some(&admin), &json!({"password": "x"})).problem(422);
    // The only admin cannot disable itself or give up the role.
    let me = format!("/api/v1/users/{admin_id}");
    let p = app.client.patch(&me, Some(&admin), &json!({"disabled": true})).problem(409);
    assert_eq!(p["code"], "last_admin");
    app.client.patch(&me, Some(&admin), &json!({"roles": ["drafter"]})).problem(409);
    assert_eq!(app.client.get("/api/v1/me", Some(&admin)).status, 200);
    let unchanged = app.client.get(&path, Some(&admin)).json();
    assert_eq!(
        (unchanged["roles"].clone(), unchanged["disabled"].clone()),
        (json!(["drafter"]), json!(false))
    );
});

db_test!(the_operator_resets_a_lost_admin_password_from_the_command_line, |app| {
    let out = run_normreg(&app.db.url, &["reset-password", "admin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    let temporary = printed
        .lines()
        .find_map(|l| l.strip_prefix("temporary password of `admin`: "))
        .unwrap_or_else(|| panic!("no temporary password in: {printed}"))
        .trim()
        .to_string();
    login_answer(app, "admin", ADMIN_PASSWORD).problem(401);
    let login = login_answer(app, "admin", &temporary);
    assert_eq!(login.json()["password_change_required"], true, "{}", login.body);
    let limited = login.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(change_password(app, &limited, &temporary, NEW_PASSWORD).status, 204);
    let admin = app.login("admin", NEW_PASSWORD);
    assert_eq!(app.client.get("/api/v1/users", Some(&admin)).status, 200);

    let missing = run_normreg(&app.db.url, &["reset-password", "nobody"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nobody"));
});

db_test!(a_temporary_password_no_longer_logs_in_once_its_hours_are_over, |app| {
    let (admin, _, alice_id, _) = alice(app);
    let reset_path = format!("/api/v1/users/{alice_id}/password-reset");
    let given = app.clock.now();
    let reset = app.client.post(&reset_path, Some(&admin), &json!({}));
    assert_eq!(reset.status, 200, "{}", reset.body);
    let temporary = reset.json()["temporary_password"].as_str().unwrap().to_string();
    let expires_at: DateTime<Utc> =
        reset.json()["expires_at"].as_str().unwrap().parse().expect("a time");
    assert_eq!(expires_at, given + Duration::hours(72), "the default lifetime");
    let listed = app.client.get("/api/v1/users?role=drafter", Some(&admin)).json();
    let shown: DateTime<Utc> =
        listed["items"][0]["temporary_password_expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(shown, expires_at, "{listed}");

    app.clock.set(expires_at - Duration::seconds(1));
    let login = login_answer(app, "alice", &temporary);
    assert_eq!(login.status, 200, "a second before: {}", login.body);
    assert_eq!(login.json()["password_change_required"], true);
    app.clock.set(expires_at);
    let refused = login_answer(app, "alice", &temporary).problem(401);
    assert!(refused["detail"].as_str().unwrap().contains("expired"), "{refused}");
    let wrong = login_answer(app, "alice", "Not-The-Password-123").problem(401);
    assert!(!wrong["detail"].as_str().unwrap().contains("expired"), "only to its holder: {wrong}");

    // The admin resets again (with a token of the new hour), and the new one logs in.
    let admin = app.admin_token();
    let again = app.client.post(&reset_path, Some(&admin), &json!({}));
    let temporary = again.json()["temporary_password"].as_str().unwrap().to_string();
    let login = login_answer(app, "alice", &temporary);
    assert_eq!(login.status, 200, "{}", login.body);
    let done = change_password(
        app,
        login.json()["access_token"].as_str().unwrap(),
        &temporary,
        NEW_PASSWORD,
    );
    assert_eq!(done.status, 204, "{}", done.body);
    let listed = app.client.get("/api/v1/users?role=drafter", Some(&admin)).json();
    assert!(listed["items"][0].get("temporary_password_expires_at").is_none(), "{listed}");
    app.clock.set(expires_at + Duration::days(3650));
    assert_eq!(login_answer(app, "alice", NEW_PASSWORD).status, 200, "one's own never ends");
});

db_test!(two_admins_disabling_each_other_at_once_leave_one_enabled, |app| {
    let admin = app.admin_token();
    let admin_id =
        app.client.get("/api/v1/me", Some(&admin)).json()["id"].as_str().unwrap().to_string();
    let agency = app.agency(&admin, json!({"name": "辽宁省人民政府", "code": "LN"}));
    let bob = app.user(&admin, "bob", agency["id"].as_str().unwrap(), &["admin"]);
    let bob_id =
        app.client.get("/api/v1/me", Some(&bob)).json()["id"].as_str().unwrap().to_string();
    for round in 0..20 {
        let (admin, bob) = (app.admin_token(), app.login("bob", PASSWORD));
        // Each disables the other, both requests let go together.
        let barrier = std::sync::Barrier::new(2);
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let requests = [(&admin, &bob_id), (&bob, &admin_id)].map(|(token, target)| {
                let (client, barrier) = (app.client.clone(), &barrier);
                s.spawn(move || {
                    barrier.wait();
                    let path = format!("/api/v1/users/{target}");
                    client.patch(&path, Some(token), &json!({"disabled": true})).status
                })
            });
            requests.map(|r| r.join().expect("request")).to_vec()
        });
        assert!(statuses.contains(&200), "round {round}: {statuses:?}");
        assert!(!statuses.iter().all(|s| *s == 200), "round {round}: both went through");
        assert!(statuses.iter().all(|s| [200, 401, 409].contains(s)), "{statuses:?}");
        // Whoever is left enables the other again for the next round.
        let (left, other) = if statuses[0] == 200 { (&admin, &bob_id) } else { (&bob, &admin_id) };
        let again = app.client.patch(
            &format!("/api/v1/users/{other}"),
            Some(left),
            &json!({"disabled": false}),
        );
        assert_eq!(again.status, 200, "round {round}: {}", again.body);
    }
});
