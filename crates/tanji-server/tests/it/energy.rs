//! The energy API: meters, idempotent batches of readings, roll-ups, and who may do what.

use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_AUDITOR, BRAND_EDITOR, BRAND_OWNER, BRAND_VIEWER, SUPPLIER_OWNER, TestApp, World};

async fn facility(api: &crate::harness::Api) -> String {
    let answer =
        api.post("/api/v1/facilities", json!({ "name": "纸杯厂", "kind": "factory", "subdivision": "CN-ZJ" })).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    answer.json["id"].as_str().unwrap().to_owned()
}

fn meter(facility_id: &str, code: &str, register_type: &str) -> Value {
    json!({
        "facility_id": facility_id, "code": code, "name": "二号线加热器", "kind": "electricity", "unit": "kWh",
        "register_type": register_type, "multiplier": 1.0
    })
}

on_both_databases!(a_batch_sent_twice_is_stored_once);
async fn a_batch_sent_twice_is_stored_once(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read write").await);
    let facility_id = facility(&api).await;
    let created = api.post("/api/v1/energy/meters", meter(&facility_id, "L2-HEATER", "cumulative")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["register_type"], "cumulative");

    let batch = json!({ "readings": [
        { "meter": "L2-HEATER", "ts": "2026-03-02T08:00:00+08:00", "value": 1000.0 },
        { "meter": "L2-HEATER", "ts": "2026-03-02T08:15:00+08:00", "value": 1012.5 },
        { "meter": "L2-HEATER", "ts": "2026-03-02T09:00:00+08:00", "value": 1030 },
    ]});
    let first = api.post("/api/v1/energy/readings", batch.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!((first.json["accepted"].as_i64(), first.json["duplicates"].as_i64()), (Some(3), Some(0)));
    let again = api.post("/api/v1/energy/readings", batch).await;
    assert_eq!((again.json["accepted"].as_i64(), again.json["duplicates"].as_i64()), (Some(0), Some(3)));

    let changed = json!({ "readings": [{ "meter": "L2-HEATER", "ts": "2026-03-02T00:15:00Z", "value": 1013 }] });
    let conflict = api.post("/api/v1/energy/readings", changed).await;
    assert_eq!(conflict.json["conflicts"].as_i64(), Some(1));
    assert_eq!(conflict.json["conflict_items"][0]["stored_value"].as_f64(), Some(1012.5));

    let hours = api
        .get("/api/v1/energy/meters/L2-HEATER/rollups?grain=hour&from=2026-03-02T00:00:00%2B08:00&to=2026-03-03T00:00:00%2B08:00")
        .await;
    assert_eq!(hours.status, StatusCode::OK, "{}", hours.json);
    let buckets: Vec<(String, f64)> = hours.json["rollups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|bucket| (bucket["bucket_start"].as_str().unwrap().to_owned(), bucket["consumption"].as_f64().unwrap()))
        .collect();
    assert_eq!(buckets, [("2026-03-02T00:00:00Z".to_owned(), 12.5), ("2026-03-02T01:00:00Z".to_owned(), 17.5)]);

    let meters = api.get("/api/v1/energy/meters").await;
    assert_eq!(meters.json[0]["n_readings"].as_i64(), Some(3));
}

on_both_databases!(a_batch_with_wrong_readings_is_refused_whole_naming_each);
async fn a_batch_with_wrong_readings_is_refused_whole_naming_each(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read write").await);
    let facility_id = facility(&api).await;
    api.post("/api/v1/energy/meters", meter(&facility_id, "L1-MAIN", "interval")).await;

    let batch = json!({ "readings": [
        { "meter": "L1-MAIN", "ts": "2026-03-02T08:00:00+08:00", "value": 10 },
        { "meter": "L1-MAIN", "ts": "2026-03-02 08:15", "value": 10 },
        { "meter": "L1-MAIN", "ts": "2026-03-02T08:30:00+08:00", "value": "10" },
        { "meter": "L1-MAIN", "ts": "2026-03-02T08:45:00+08:00" },
    ]});
    let refused = api.post("/api/v1/energy/readings", batch.clone()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.code(), "readings_rejected");
    let items: Vec<(i64, &str)> = refused.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| (item["index"].as_i64().unwrap(), item["field"].as_str().unwrap()))
        .collect();
    assert_eq!(items, [(1, "ts"), (2, "value"), (3, "value")]);
    let codes: Vec<&str> =
        refused.json["items"].as_array().unwrap().iter().map(|item| item["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["no_utc_offset", "quoted_number", "required"]);
    assert_eq!(
        refused.json["items"][0]["message"],
        "readings[1].ts: “2026-03-02 08:15” has no offset from UTC; write the offset in the time, e.g. \
         2026-03-02T08:15:00+08:00; for a file of local times, state the zone with `tanji energy import --timezone +08:00`"
    );
    // The same batch from a Chinese client: the same codes, the messages in Chinese.
    let chinese = api
        .call_with_headers(
            Method::POST,
            "/api/v1/energy/readings",
            Some(batch),
            &[("accept-language", "zh-CN,zh;q=0.9")],
        )
        .await;
    assert_eq!((chinese.status, chinese.code()), (StatusCode::UNPROCESSABLE_ENTITY, "readings_rejected"));
    let chinese_codes: Vec<&str> =
        chinese.json["items"].as_array().unwrap().iter().map(|item| item["code"].as_str().unwrap()).collect();
    assert_eq!(chinese_codes, codes);
    assert_eq!(chinese.json["message"], "该批中有 3 条读数有误，全部未保存；改正后重新发送整批");
    assert_eq!(
        chinese.json["items"][1]["message"],
        "readings[2].value：“10”是文本（JSON 字符串），不是数字；发送不带引号的数，如 12.5"
    );
    for item in chinese.json["items"].as_array().unwrap() {
        let message = item["message"].as_str().unwrap();
        assert_eq!(tanji_i18n::latin_sentences(message), Vec::<String>::new(), "{message}");
    }

    // An unknown meter refuses the batch too, found by the store.
    let unknown = json!({ "readings": [
        { "meter": "L1-MAIN", "ts": "2026-03-02T08:00:00+08:00", "value": 10 },
        { "meter": "NO-SUCH", "ts": "2026-03-02T08:00:00+08:00", "value": 10 },
    ]});
    let refused = api.post("/api/v1/energy/readings", unknown).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "readings_rejected"));
    assert_eq!(refused.json["items"][0]["index"].as_i64(), Some(1));
    assert_eq!(refused.json["items"][0]["code"], "unknown_meter");
    assert!(refused.json["items"][0]["message"].as_str().unwrap().contains("your organisation has no meter NO-SUCH"));
    let meters = api.get("/api/v1/energy/meters").await;
    assert_eq!(meters.json[0]["n_readings"].as_i64(), Some(0), "nothing of a refused batch is stored");
}

on_both_databases!(energy_endpoints_refuse_strangers_readers_and_other_tenants);
async fn energy_endpoints_refuse_strangers_readers_and_other_tenants(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read write").await);
    let facility_id = facility(&owner).await;
    owner.post("/api/v1/energy/meters", meter(&facility_id, "L1-MAIN", "interval")).await;
    let reading = json!({ "readings": [{ "meter": "L1-MAIN", "ts": "2026-03-02T08:00:00+08:00", "value": 1 }] });

    // No token.
    for answer in [
        app.anonymous_api().get("/api/v1/energy/meters").await,
        app.anonymous_api().post("/api/v1/energy/readings", reading.clone()).await,
    ] {
        assert_eq!((answer.status, answer.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    }

    // A viewer, an auditor (whose role lacks EditEnergy even with a write token) and an owner's read-only token:
    // they read, they do not write.
    let viewer = app.api(&World::token(app.store(), &world.brand, BRAND_VIEWER, "read").await);
    let auditor = app.api(&World::token(app.store(), &world.brand, BRAND_AUDITOR, "read write").await);
    let read_only = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    for api in [&viewer, &auditor, &read_only] {
        assert_eq!(api.get("/api/v1/energy/meters").await.status, StatusCode::OK);
        let answer = api.post("/api/v1/energy/readings", reading.clone()).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, "forbidden"));
        let answer = api.post("/api/v1/energy/meters", meter(&facility_id, "L9", "interval")).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, "forbidden"));
    }

    // Another tenant: no meter of that code, no readings stored, no roll-ups.
    let stranger = app.api(&World::token(app.store(), &world.supplier, SUPPLIER_OWNER, "read write").await);
    assert_eq!(stranger.get("/api/v1/energy/meters").await.json, json!([]));
    let answer = stranger.post("/api/v1/energy/readings", reading).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::UNPROCESSABLE_ENTITY, "readings_rejected"));
    let answer = stranger.get("/api/v1/energy/meters/L1-MAIN/rollups?grain=day").await;
    assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"));
    let answer = stranger.post("/api/v1/energy/meters", meter(&facility_id, "MINE", "interval")).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(answer.json["field"], "facility_id");
    assert_eq!(owner.get("/api/v1/energy/meters").await.json[0]["n_readings"].as_i64(), Some(0));

    // The document lists the endpoints.
    let document = app.anonymous_api().get("/api/v1/openapi.json").await.json;
    for path in ["/api/v1/energy/readings", "/api/v1/energy/meters", "/api/v1/energy/meters/{code}/rollups"] {
        assert!(document["paths"][path].is_object(), "the document lacks {path}");
    }
}
