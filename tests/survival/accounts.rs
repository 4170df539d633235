//! What the survival tests and the login flood bench set up through the API before they
//! start: logins and created resources, each of which must succeed.

use serde_json::{json, Value};

use crate::helpers::Client;

/// A bearer token for `username`.
pub fn login(client: &Client, username: &str, password: &str) -> String {
    let body = json!({"username": username, "password": password});
    let answer = client.post("/api/v1/auth/login", None, &body);
    assert_eq!(answer.status, 200, "login of {username}: {}", answer.body);
    answer.json()["access_token"].as_str().expect("token").to_string()
}

/// `POST`s `body` to `path` and answers the id of what was created.
pub fn create(client: &Client, token: &str, path: &str, body: Value) -> String {
    let answer = client.post(path, Some(token), &body);
    assert_eq!(answer.status, 201, "POST {path}: {}", answer.body);
    answer.json()["id"].as_str().expect("id").to_string()
}
