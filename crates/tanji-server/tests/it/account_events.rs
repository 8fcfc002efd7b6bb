//! A sub-platform's events over HTTP: a batch is decided exactly once (a repeated batch answers `replayed` with the
//! stored outcomes), a reused event id is refused with its code, the outcomes read back for reconciliation — and the
//! denials: anonymous, a member's API token, another sub-platform's credential, another tenant's, a revoked one.

use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_testkit::account::metro_scheme;
use tanji_testkit::{TestDatabase, on_both_databases, start_time};

use crate::harness::{OPERATOR, TestApp, World};

fn trip(event_id: &str, identity: &str, km: f64) -> Value {
    let at = start_time() - SignedDuration::from_hours(1);
    json!({
        "event_id": event_id,
        "identity": identity,
        "behaviour": "metro_trip",
        "occurred_at": at.to_string(),
        "activity": {"kind": "distance", "person_km": km}
    })
}

on_both_databases!(a_sub_platform_reports_events_once_and_reads_their_outcomes);
async fn a_sub_platform_reports_events_once_and_reads_their_outcomes(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let store = app.store();
    let scheme = metro_scheme(store, "Metro operator", 2).await;
    let other_tenant = metro_scheme(store, "Other operator", 1).await;
    let path = format!("/api/v1/account/sub-platforms/{}/events", scheme.sub_platform_id);
    let client = app.api(&scheme.secret);
    let identity = &scheme.people[0].0;
    let batch = json!({"events": [trip("e-1", identity, 10.0), trip("e-2", "nobody", 3.0)]});

    let first = client.post(&path, batch.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    let answers = first.json["answers"].as_array().unwrap();
    assert_eq!(answers[0]["delivery"], "recorded");
    assert_eq!(answers[0]["outcome"]["outcome_code"], "credited");
    assert_eq!(answers[0]["outcome"]["outcome"]["points"], 467);
    assert_eq!(answers[0]["outcome"]["outcome"]["methodology"]["version"], 1);
    assert_eq!(answers[1]["outcome"]["outcome"]["reason"]["code"], "unlinked_identity");

    // The same batch again (a client retrying after a timeout): the stored outcomes, nothing credited twice.
    let again = client.post(&path, batch).await;
    let answers_again = again.json["answers"].as_array().unwrap();
    assert_eq!(answers_again[0]["delivery"], "replayed");
    assert_eq!(answers_again[0]["outcome"], answers[0]["outcome"]);

    // The same id with another payload: refused with its code, said in Chinese when asked.
    let reused = client
        .call_with_headers(
            reqwest::Method::POST,
            &path,
            Some(json!({"events": [trip("e-1", identity, 20.0)]})),
            &[("accept-language", "zh-CN")],
        )
        .await;
    assert_eq!(reused.status, StatusCode::OK);
    let refusal = &reused.json["answers"][0]["refusal"];
    assert_eq!(refusal["code"], "event_id_reused", "{}", reused.json);
    assert!(refusal["message"].as_str().unwrap().contains("事件编号"), "{refusal}");

    // Reconciliation.
    let listed = client.get(&path).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    assert_eq!(listed.json.as_array().unwrap().len(), 2);
    let one = client.get(&format!("{path}/e-1")).await;
    assert_eq!((one.status, one.json["points_credited"].as_u64()), (StatusCode::OK, Some(467)));
    assert_eq!(client.get(&format!("{path}/e-404")).await.status, StatusCode::NOT_FOUND);

    // A malformed activity is a 400 naming the field.
    let mut broken = trip("e-3", identity, 1.0);
    broken["activity"] = json!({"kind": "teleport"});
    let malformed = client.post(&path, json!({"events": [broken]})).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST, "{}", malformed.json);

    // Denials. Anonymous and a member's API token: 401 (only sub-platform credentials report events).
    let batch = json!({"events": [trip("e-9", identity, 1.0)]});
    assert_eq!(app.anonymous_api().post(&path, batch.clone()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.anonymous_api().get(&path).await.status, StatusCode::UNAUTHORIZED);
    let world = World::build(store).await;
    let member_token = World::token(store, &world.platform, OPERATOR, "read,write,admin").await;
    assert_eq!(app.api(&member_token).post(&path, batch.clone()).await.status, StatusCode::UNAUTHORIZED);
    // Another sub-platform of the same operator, and another tenant's sub-platform: 404, as if it did not exist.
    for secret in [&scheme.other_secret, &other_tenant.secret] {
        let stranger = app.api(secret);
        assert_eq!(stranger.post(&path, batch.clone()).await.status, StatusCode::NOT_FOUND);
        assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(stranger.get(&format!("{path}/e-1")).await.status, StatusCode::NOT_FOUND);
    }
    // A revoked credential stops working at once.
    let credentials = store.list_sub_platform_credentials(&scheme.owner, scheme.sub_platform_id).await.unwrap();
    store.revoke_sub_platform_credential(&scheme.owner, scheme.sub_platform_id, credentials[0].id).await.unwrap();
    assert_eq!(client.post(&path, batch).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(client.get(&path).await.status, StatusCode::UNAUTHORIZED);
    // Nothing the strangers sent was recorded.
    assert!(store.points_ledger(&scheme.owner).await.unwrap().check().await.unwrap().is_ok());
}

on_both_databases!(a_credential_without_the_scope_is_refused);
async fn a_credential_without_the_scope_is_refused(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let store = app.store();
    let scheme = metro_scheme(store, "Metro operator", 1).await;
    let (_, read_only) = store
        .issue_sub_platform_credential(
            &scheme.owner,
            scheme.sub_platform_id,
            "reconciliation",
            &[tanji_store::account_sub_platforms::CredentialScope::OutcomesRead],
        )
        .await
        .unwrap();
    let path = format!("/api/v1/account/sub-platforms/{}/events", scheme.sub_platform_id);
    let client = app.api(&read_only);
    let posted = client.post(&path, json!({"events": [trip("e-1", &scheme.people[0].0, 1.0)]})).await;
    assert_eq!((posted.status, posted.code()), (StatusCode::FORBIDDEN, "forbidden"));
    assert_eq!(client.get(&path).await.status, StatusCode::OK);
}
