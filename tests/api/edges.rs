//! Every edge writes through the one write path: a change made by calling a service operation
//! directly (as the demo and the CLI do) or by the scheduler is visible at once in the same
//! instance's cached public reads.

use normreg::domain::clock::Clock;
use normreg::domain::role::Roles;
use normreg::service::{self, Actor};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// The actor a token stands for, as an edge without HTTP would build it.
fn actor_of(app: &TestApp, token: &str) -> Actor {
    let me = app.client.get("/api/v1/me", Some(token)).json();
    let roles: Vec<String> = serde_json::from_value(me["roles"].clone()).unwrap();
    Actor {
        id: me["id"].as_str().unwrap().parse().unwrap(),
        username: me["username"].as_str().unwrap().to_string(),
        agency_id: me["agency_id"].as_str().map(|a| a.parse().unwrap()),
        roles: Roles::parse(&roles).unwrap(),
    }
}

/// Runs `work` on the instance's own runtime-independent pool, as another edge would.
fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    actix_web::rt::System::new().block_on(work)
}

db_test!(a_repeal_made_through_the_service_is_visible_at_once_in_cached_public_reads, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "关于直接调用检查的通知", "第一条 各入口的写入应当立即可见。");
    let id = doc["id"].as_str().unwrap().to_string();
    let read = format!("/api/v1/public/documents/{id}");
    let search = "/api/v1/public/documents?validity=repealed";
    // Both answers are now in the instance's caches.
    assert_eq!(app.client.get(&read, None).json()["validity"], "not_yet_effective");
    assert_eq!(app.client.get(search, None).json()["total"], 0);

    let registrar = actor_of(app, &p.registrar);
    let state = app.server.state.clone();
    let clock = app.clock.clone();
    let today = app.clock.today();
    let doc_id = id.parse().unwrap();
    block_on(async move {
        state
            .db
            .write(move |tx| {
                let repeal = service::evolution::Repeal {
                    repealed_on: today,
                    reason: "由其他入口废止".into(),
                    by_document_id: None,
                };
                service::evolution::repeal(tx, &registrar, &clock, doc_id, repeal)
            })
            .await
    })
    .expect("repeal through the service");

    assert_eq!(app.client.get(&read, None).json()["validity"], "repealed");
    let found = app.client.get(search, None).json();
    assert_eq!(found["total"], 1, "a cached search outlived the repeal: {found}");
});

db_test!(an_expiry_run_by_the_scheduler_goes_through_the_write_path, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "关于定时失效检查的通知", "第一条 自动失效应当经由同一写入路径。");
    app.clock.set_date(date(doc["valid_until"].as_str().unwrap()) + chrono::Duration::days(1));
    let state = app.server.state.clone();
    let before = state.db.generation();
    let run = state.clone();
    let expired = block_on(async move { normreg::scheduler::run_expiry(&run).await })
        .expect("the scheduler's run");
    assert_eq!(expired, 1);
    // The generation is what the instance's public caches compare with.
    assert!(state.db.generation() > before, "the expiry bypassed the write path");
});
