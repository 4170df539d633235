//! Login that resists guessing without locking the owner out: failures counted per username
//! and client address in the database (so every instance shares them), growing waits, then
//! 429 with `Retry-After`; another address is not stopped; `X-Forwarded-For` believed only
//! from a trusted proxy.

use chrono::Duration;
use normreg::domain::clock::Clock;
use serde_json::json;

use crate::db_test;
use crate::helpers::*;

const ATTACKER: &str = "203.0.113.5";
const OWNER: &str = "198.51.100.20";

fn login_from(client: &Client, address: &str, username: &str, password: &str) -> Answer {
    client.post_from(
        address,
        "/api/v1/auth/login",
        None,
        &json!({"username": username, "password": password}),
    )
}

/// `n` wrong passwords for `username` from `address`; answers the statuses.
fn guesses(client: &Client, address: &str, username: &str, n: usize) -> Vec<u16> {
    (0..n).map(|i| login_from(client, address, username, &format!("guess {i}")).status).collect()
}

db_test!(
    fifty_failures_from_one_address_meet_429_and_the_owner_logs_in_from_another_at_once,
    config | c | {
        trust_loopback(c);
    },
    |app| {
        let statuses = guesses(&app.client, ATTACKER, "admin", 50);
        assert!(statuses.iter().all(|s| [401, 429].contains(s)), "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
        let refused = login_from(&app.client, ATTACKER, "admin", "guess 51");
        let p = refused.problem(429);
        assert_eq!(p["code"], "login_throttled");
        let wait: i64 = refused.header("retry-after").expect("Retry-After").parse().unwrap();
        assert!(wait >= 1, "{wait}");
        // Even the right password waits at that address: it is not checked at all.
        login_from(&app.client, ATTACKER, "admin", ADMIN_PASSWORD).problem(429);

        let owner = login_from(&app.client, OWNER, "admin", ADMIN_PASSWORD);
        assert_eq!(owner.status, 200, "the owner from another address: {}", owner.body);

        // Once the wait is over, the attacker's address may try again (once).
        app.clock.set(app.clock.now() + Duration::seconds(wait));
        assert_eq!(login_from(&app.client, ATTACKER, "admin", "guess 52").status, 401);
        login_from(&app.client, ATTACKER, "admin", "guess 53").problem(429);
    }
);

db_test!(
    the_counts_hold_across_two_instances_on_one_database,
    config | c | {
        trust_loopback(c);
    },
    |app| {
        let mut config = test_config(&app.db.url).expect("config");
        trust_loopback(&mut config);
        let other = TestServer::start_with(config, app.clock.clone()).expect("second instance");
        let there = Client::new(&other.base);
        assert_eq!(guesses(&app.client, ATTACKER, "admin", 3), [401, 401, 401]);
        assert_eq!(guesses(&there, ATTACKER, "admin", 2), [401, 401]);
        login_from(&there, ATTACKER, "admin", "guess").problem(429);
        login_from(&app.client, ATTACKER, "admin", "guess").problem(429);
        assert_eq!(login_from(&there, OWNER, "admin", ADMIN_PASSWORD).status, 200);
    }
);

db_test!(
    an_unknown_username_is_answered_and_throttled_as_a_known_one,
    config | c | {
        trust_loopback(c);
    },
    |app| {
        let known = guesses(&app.client, ATTACKER, "admin", 6);
        let unknown = guesses(&app.client, ATTACKER, "nobody-here", 6);
        assert_eq!(known, unknown);
        assert_eq!(known, [401, 401, 401, 401, 401, 429]);
        let a = login_from(&app.client, OWNER, "admin", "wrong").problem(401);
        let b = login_from(&app.client, OWNER, "nobody-here", "wrong").problem(401);
        assert_eq!(a["detail"], b["detail"]);
    }
);

db_test!(an_untrusted_client_cannot_pick_its_address_with_x_forwarded_for, |app| {
    // No trusted proxy: each request names another address, all of them ignored.
    let statuses: Vec<u16> = (0..6)
        .map(|i| login_from(&app.client, &format!("192.0.2.{i}"), "admin", "guess").status)
        .collect();
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
});

db_test!(
    a_successful_login_clears_its_own_count_and_a_wrong_current_password_counts_too,
    config | c | {
        trust_loopback(c);
    },
    |app| {
        assert_eq!(guesses(&app.client, OWNER, "admin", 4), [401; 4]);
        assert_eq!(login_from(&app.client, OWNER, "admin", ADMIN_PASSWORD).status, 200);
        assert_eq!(guesses(&app.client, OWNER, "admin", 5), [401; 5], "the count began again");
        // Guessing through the password change meets the same count.
        let token = app.login("admin", ADMIN_PASSWORD);
        let body =
            json!({"current_password": "guess", "new_password": "Granite-Meadow-Lantern-47"});
        let r = app.client.post_from(OWNER, "/api/v1/me/password", Some(&token), &body);
        r.problem(429);
    }
);
