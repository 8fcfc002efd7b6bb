//! Tenant isolation, proven for every resource type, through the API and through the console: a member of one
//! organisation gets 404 for another's objects, exactly as for objects that do not exist, and changes nothing.

use reqwest::StatusCode;
use serde_json::json;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_OWNER, OTHER_SUPPLIER_OWNER, SUPPLIER_OWNER, TestApp, World};

/// Objects of the brand, as ids, created through the API.
struct BrandObjects {
    facility: String,
    member: String,
    token: String,
    invitation: String,
    link: String,
}

async fn brand_objects(app: &TestApp, world: &World) -> BrandObjects {
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,write,admin").await);
    let facility =
        brand.post("/api/v1/facilities", json!({ "name": "Brand DC", "kind": "warehouse" })).await.json["id"].clone();
    let members = brand.get("/api/v1/members").await.json;
    let member = members[0]["user_id"].clone();
    let token =
        brand.post("/api/v1/tokens", json!({ "name": "Brand ERP", "scopes": ["read"] })).await.json["token"]["id"]
            .clone();
    let invitation = brand.post("/api/v1/supplier-invitations", json!({ "supplier_name": "Someone" })).await.json["invitation"]["id"].clone();
    // A link between the brand and its supplier: the other supplier is a third party to it.
    let code =
        brand.post("/api/v1/supplier-invitations", json!({ "supplier_name": "Factory" })).await.json["code"].clone();
    let supplier = app.api(&World::token(app.store(), &world.supplier, SUPPLIER_OWNER, "read,admin").await);
    let link = supplier.post("/api/v1/supplier-invitations/accept", json!({ "code": code })).await.json["id"].clone();
    let text = |value: serde_json::Value| value.as_str().expect("an id").to_owned();
    BrandObjects {
        facility: text(facility),
        member: text(member),
        token: text(token),
        invitation: text(invitation),
        link: text(link),
    }
}

on_both_databases!(the_api_hides_other_organisations_objects);
async fn the_api_hides_other_organisations_objects(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let objects = brand_objects(&app, &world).await;
    let intruder =
        app.api(&World::token(app.store(), &world.other_supplier, OTHER_SUPPLIER_OWNER, "read,write,admin").await);

    let attempts = [
        intruder.get(&format!("/api/v1/facilities/{}", objects.facility)).await,
        intruder
            .put(&format!("/api/v1/facilities/{}", objects.facility), json!({ "name": "Mine", "kind": "factory" }))
            .await,
        intruder.post(&format!("/api/v1/facilities/{}/archive", objects.facility), json!({})).await,
        intruder.post(&format!("/api/v1/facilities/{}/restore", objects.facility), json!({})).await,
        intruder.patch(&format!("/api/v1/members/{}", objects.member), json!({ "role": "viewer" })).await,
        intruder.delete(&format!("/api/v1/members/{}", objects.member)).await,
        intruder.delete(&format!("/api/v1/tokens/{}", objects.token)).await,
        intruder.post(&format!("/api/v1/supplier-invitations/{}/withdraw", objects.invitation), json!({})).await,
        intruder.post(&format!("/api/v1/supplier-links/{}/end", objects.link), json!({})).await,
    ];
    for (attempt_idx, answer) in attempts.iter().enumerate() {
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "attempt {attempt_idx}: {}",
            answer.json
        );
    }

    // Lists hold only the intruder's own objects.
    let everything = [
        intruder.get("/api/v1/facilities?include_archived=true").await.json,
        intruder.get("/api/v1/tokens").await.json,
        intruder.get("/api/v1/supplier-links?include_ended=true").await.json,
        intruder.get("/api/v1/supplier-invitations").await.json,
        intruder.get("/api/v1/audit-events?limit=200").await.json,
        intruder.get("/api/v1/members").await.json,
    ]
    .map(|json| json.to_string())
    .join("\n");
    for secret in [
        &objects.facility,
        &objects.token,
        &objects.invitation,
        &objects.link,
        &objects.member,
        "Brand DC",
        "Brand ERP",
    ] {
        assert!(!everything.contains(secret), "{secret} leaked into the intruder's lists");
    }
    let audit_cursor = intruder.get(&format!("/api/v1/audit-events?object_id={}", objects.facility)).await;
    assert_eq!(audit_cursor.json["items"], json!([]));

    // And nothing changed.
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    let facility = brand.get(&format!("/api/v1/facilities/{}", objects.facility)).await.json;
    assert_eq!((facility["name"].as_str(), facility["archived"].as_bool()), (Some("Brand DC"), Some(false)));
    assert_eq!(brand.get("/api/v1/members").await.json.as_array().unwrap().len(), 4);
    assert_eq!(brand.get("/api/v1/supplier-links").await.json.as_array().unwrap().len(), 1);
}

on_both_databases!(the_console_hides_other_organisations_objects);
async fn the_console_hides_other_organisations_objects(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let objects = brand_objects(&app, &world).await;
    let intruder = app.browser();
    intruder.log_in(OTHER_SUPPLIER_OWNER).await;

    let page = intruder.get(&format!("/console/facilities/{}", objects.facility)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("Brand DC"));
    let facility_form = [("name", "Mine"), ("kind", "factory"), ("country", "CN")];
    let posts = [
        (format!("/console/facilities/{}", objects.facility), facility_form.to_vec()),
        (format!("/console/facilities/{}/archive", objects.facility), vec![]),
        (format!("/console/facilities/{}/restore", objects.facility), vec![]),
        (format!("/console/members/{}/role", objects.member), vec![("role", "viewer")]),
        (format!("/console/members/{}/remove", objects.member), vec![]),
        (format!("/console/tokens/{}/revoke", objects.token), vec![]),
        (format!("/console/suppliers/invitations/{}/withdraw", objects.invitation), vec![]),
        (format!("/console/suppliers/links/{}/end", objects.link), vec![]),
    ];
    for (action, fields) in posts {
        let answer = intruder.submit("/console", &action, &fields).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "POST {action}");
    }
    for path in [
        "/console/facilities?archived=true",
        "/console/members",
        "/console/tokens",
        "/console/suppliers",
        "/console/audit",
    ] {
        let page = intruder.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for secret in ["Brand DC", "Brand ERP", "owner@brand.example", "Someone"] {
            assert!(!page.body.contains(secret), "{secret} leaked into {path}");
        }
    }
    // Switching into an organisation one does not belong to is refused.
    let switch =
        intruder.submit("/console", "/console/switch", &[("organisation_id", &world.brand.id.to_string())]).await;
    assert_eq!(switch.status, StatusCode::NOT_FOUND);
    assert!(intruder.get("/console").await.body.contains("Other Factory"));

    // Nothing changed on the brand's side.
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    assert_eq!(brand.get(&format!("/api/v1/facilities/{}", objects.facility)).await.json["name"], "Brand DC");
    assert_eq!(
        brand
            .get("/api/v1/supplier-invitations")
            .await
            .json
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["state"] == "open")
            .count(),
        1
    );
}
