//! The REST API: its document, authentication, the facility life cycle, errors, members, tokens, links, audit.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_EDITOR, BRAND_OWNER, BRAND_VIEWER, OPERATOR, SUPPLIER_OWNER, TestApp, World};

fn factory(name: &str) -> Value {
    json!({ "name": name, "kind": "factory", "subdivision": "CN-ZJ", "city": "台州" })
}

on_both_databases!(the_openapi_document_describes_every_route);
async fn the_openapi_document_describes_every_route(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let answer = app.anonymous_api().get("/api/v1/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = answer.json;
    assert!(document["openapi"].as_str().unwrap().starts_with("3."), "{}", document["openapi"]);
    for path in [
        "/api/v1/me",
        "/api/v1/organisation",
        "/api/v1/facilities",
        "/api/v1/facilities/{id}",
        "/api/v1/facilities/{id}/archive",
        "/api/v1/members",
        "/api/v1/members/{user_id}",
        "/api/v1/members/invitations",
        "/api/v1/members/invitations/{id}/revoke",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
        "/api/v1/supplier-links",
        "/api/v1/supplier-invitations",
        "/api/v1/supplier-invitations/accept",
        "/api/v1/audit-events",
        "/api/v1/tenants",
    ] {
        assert!(document["paths"][path].is_object(), "the document lacks {path}");
    }
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
    assert_eq!(
        document["components"]["schemas"]["FacilityView"]["properties"]["kind"]["$ref"],
        "#/components/schemas/FacilityKind"
    );
}

on_both_databases!(requests_without_a_valid_token_are_unauthenticated);
async fn requests_without_a_valid_token_are_unauthenticated(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    for api in [app.anonymous_api(), app.api("tanji_pat_not-a-real-token"), app.api("")] {
        let answer = api.get("/api/v1/facilities").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.code(), "unauthenticated");
        assert!(answer.headers.get("www-authenticate").is_some());
    }
    // Unknown API paths answer in JSON too.
    let answer = app.anonymous_api().get("/api/v1/no-such-thing").await;
    assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"));
}

on_both_databases!(a_facility_through_its_life_cycle);
async fn a_facility_through_its_life_cycle(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);

    let created = api.post("/api/v1/facilities", factory("黄岩工厂")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.json["id"].as_str().unwrap().to_owned();
    assert_eq!(created.json["subdivision"], "CN-ZJ");
    assert_eq!(created.json["country"], "CN");
    assert_eq!(created.json["organisation_id"], world.brand.id.to_string());

    let fetched = api.get(&format!("/api/v1/facilities/{id}")).await;
    assert_eq!(fetched.json, created.json);

    let renamed = api.put(&format!("/api/v1/facilities/{id}"), factory("黄岩一厂")).await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed.json["name"], "黄岩一厂");

    let archived = api.post(&format!("/api/v1/facilities/{id}/archive"), json!({})).await;
    assert_eq!(archived.json["archived"], true);
    assert_eq!(api.get("/api/v1/facilities").await.json, json!([]));
    assert_eq!(api.get("/api/v1/facilities?include_archived=true").await.json.as_array().unwrap().len(), 1);
    let again = api.post(&format!("/api/v1/facilities/{id}/archive"), json!({})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "already_done"));
    let restored = api.post(&format!("/api/v1/facilities/{id}/restore"), json!({})).await;
    assert_eq!(restored.json["archived"], false);
}

on_both_databases!(bad_input_is_answered_with_the_field_and_a_stable_code);
async fn bad_input_is_answered_with_the_field_and_a_stable_code(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);

    let cases = [
        (json!({ "name": "", "kind": "factory" }), "name"),
        (json!({ "name": "A", "kind": "mine" }), "kind"),
        (json!({ "name": "A", "kind": "factory", "subdivision": "CN-XX" }), "subdivision"),
        (json!({ "name": "A", "kind": "factory", "country": "China" }), "country"),
        (json!({ "name": "A\nB", "kind": "factory" }), "name"),
    ];
    for (body, field) in cases {
        let answer = api.post("/api/v1/facilities", body.clone()).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(answer.code(), "validation_failed");
        assert_eq!(answer.json["field"], field, "{body}: {}", answer.json);
        assert!(answer.json["message"].as_str().unwrap().starts_with(field));
    }
    // The body's shape.
    let unknown_field =
        api.post("/api/v1/facilities", json!({ "name": "A", "kind": "factory", "colour": "green" })).await;
    assert_eq!((unknown_field.status, unknown_field.code()), (StatusCode::BAD_REQUEST, "bad_request"));
    assert!(unknown_field.json["message"].as_str().unwrap().contains("colour"), "{}", unknown_field.json);
    let missing = api.post("/api/v1/facilities", json!({ "kind": "factory" })).await;
    assert_eq!(missing.code(), "bad_request");
    assert!(missing.json["message"].as_str().unwrap().contains("name"), "{}", missing.json);
    // Conflicts name the field too.
    api.post("/api/v1/facilities", factory("Plant")).await;
    let duplicate = api.post("/api/v1/facilities", factory("Plant")).await;
    assert_eq!((duplicate.status, duplicate.code()), (StatusCode::CONFLICT, "facility_name_taken"));
    assert_eq!(duplicate.json["field"], "name");
    // An id that is not a UUID names nothing.
    let nonsense = api.get("/api/v1/facilities/not-a-uuid").await;
    assert_eq!((nonsense.status, nonsense.code()), (StatusCode::NOT_FOUND, "not_found"));
    // Nothing of the failed attempts was stored.
    assert_eq!(api.get("/api/v1/facilities").await.json.as_array().unwrap().len(), 1);
}

on_both_databases!(scopes_and_roles_limit_what_a_token_does);
async fn scopes_and_roles_limit_what_a_token_does(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let read_only = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    let answer = read_only.post("/api/v1/facilities", factory("X")).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, "forbidden"));
    assert!(answer.json["message"].as_str().unwrap().contains("write"), "{}", answer.json);
    assert_eq!(read_only.get("/api/v1/facilities").await.status, StatusCode::OK);

    let viewer = app.api(&World::token(app.store(), &world.brand, BRAND_VIEWER, "read").await);
    assert_eq!(viewer.get("/api/v1/audit-events").await.status, StatusCode::FORBIDDEN);
    let me = viewer.get("/api/v1/me").await;
    assert_eq!(me.json["role"], "viewer");
    assert_eq!(me.json["scopes"], json!(["read"]));
    assert_eq!(me.json["organisation"]["name"], "Brand 品牌");
}

on_both_databases!(members_and_roles_through_the_api);
async fn members_and_roles_through_the_api(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,write,admin").await);
    // People join by invitation (see member_invitations.rs); here the newcomer registers from theirs.
    let invited =
        owner.post("/api/v1/members/invitations", json!({ "email": "new@brand.example", "role": "editor" })).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.json);
    let account = tanji_store::NewInvitedAccount {
        display_name: tanji_tenancy::member::DisplayName::parse("New").unwrap(),
        password: tanji_tenancy::member::Password::parse_new("a good long password").unwrap(),
    };
    let code = invited.json["code"].as_str().unwrap();
    let added = app.store().register_from_member_invitation(code, &account).await.unwrap();
    let user_id = added.user.id.to_string();
    let malformed =
        owner.post("/api/v1/members/invitations", json!({ "email": "not an address", "role": "viewer" })).await;
    assert_eq!((malformed.status, malformed.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email")));

    let changed = owner.patch(&format!("/api/v1/members/{user_id}"), json!({ "role": "auditor" })).await;
    assert_eq!(changed.json["role"], "auditor");
    let members = owner.get("/api/v1/members").await.json;
    let owner_id = members.as_array().unwrap().iter().find(|m| m["email"] == BRAND_OWNER).unwrap()["user_id"].clone();
    let last_owner =
        owner.patch(&format!("/api/v1/members/{}", owner_id.as_str().unwrap()), json!({ "role": "viewer" })).await;
    assert_eq!((last_owner.status, last_owner.code()), (StatusCode::CONFLICT, "last_owner"));
    assert_eq!(owner.delete(&format!("/api/v1/members/{user_id}")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(owner.get("/api/v1/members").await.json.as_array().unwrap().len(), 4);
}

on_both_databases!(tokens_through_the_api);
async fn tokens_through_the_api(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let admin = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    let created = admin.post("/api/v1/tokens", json!({ "name": "ERP", "scopes": ["read"] })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let secret = created.json["secret"].as_str().unwrap().to_owned();
    let id = created.json["token"]["id"].as_str().unwrap().to_owned();
    let erp = app.api(&secret);
    assert_eq!(erp.get("/api/v1/facilities").await.status, StatusCode::OK);
    // Listing never shows a secret.
    let listed = admin.get("/api/v1/tokens").await.json.to_string();
    assert!(!listed.contains(&secret));
    assert_eq!(admin.delete(&format!("/api/v1/tokens/{id}")).await.json["active"], false);
    assert_eq!(erp.get("/api/v1/facilities").await.status, StatusCode::UNAUTHORIZED);
}

on_both_databases!(a_supplier_accepts_an_invitation_through_the_api);
async fn a_supplier_accepts_an_invitation_through_the_api(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    let invited = brand.post("/api/v1/supplier-invitations", json!({ "supplier_name": "Factory 工厂" })).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.json);
    let code = invited.json["code"].as_str().unwrap().to_owned();
    assert_eq!(invited.json["link"], format!("{}/invitations/{code}", app.base_url));

    let supplier = app.api(&World::token(app.store(), &world.supplier, SUPPLIER_OWNER, "read,admin").await);
    let linked = supplier.post("/api/v1/supplier-invitations/accept", json!({ "code": code })).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.json);
    assert_eq!(linked.json["customer"]["name"], "Brand 品牌");
    let again = supplier.post("/api/v1/supplier-invitations/accept", json!({ "code": code })).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "invitation_not_open"));
    assert_eq!(brand.get("/api/v1/supplier-links").await.json.as_array().unwrap().len(), 1);
    assert_eq!(brand.get("/api/v1/supplier-invitations").await.json[0]["state"], "accepted");
}

on_both_databases!(the_audit_log_pages_through_the_api);
async fn the_audit_log_pages_through_the_api(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    for facility_idx in 0..5 {
        editor.post("/api/v1/facilities", factory(&format!("Plant {facility_idx}"))).await;
    }
    let auditor = app.api(&World::token(app.store(), &world.brand, crate::harness::BRAND_AUDITOR, "read").await);
    let first = auditor.get("/api/v1/audit-events?action=facility.created&limit=3").await;
    assert_eq!(first.json["items"].as_array().unwrap().len(), 3);
    assert_eq!(first.json["items"][0]["object_label"], "Plant 4");
    assert_eq!(first.json["items"][0]["actor_label"], "token \"test\" of editor@brand.example");
    let before = first.json["next_before"].as_str().unwrap();
    let second = auditor.get(&format!("/api/v1/audit-events?action=facility.created&limit=3&before={before}")).await;
    assert_eq!(second.json["items"].as_array().unwrap().len(), 2);
    assert!(second.json["next_before"].is_null());
    let bad = auditor.get("/api/v1/audit-events?action=facility.exploded").await;
    assert_eq!((bad.status, bad.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("action")));
    let bad_limit = auditor.get("/api/v1/audit-events?limit=1000").await;
    assert_eq!(bad_limit.json["field"], "limit");
}

on_both_databases!(only_the_platform_operator_sees_tenants);
async fn only_the_platform_operator_sees_tenants(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let operator = app.api(&World::token(app.store(), &world.platform, OPERATOR, "read,admin").await);
    let tenants = operator.get("/api/v1/tenants").await;
    assert_eq!(tenants.json.as_array().unwrap().len(), 4);
    let registered =
        operator.post("/api/v1/tenants", json!({ "name": "New Retailer", "kind": "brand_retailer" })).await;
    assert_eq!(registered.status, StatusCode::CREATED, "{}", registered.json);
    assert!(registered.json["owner_invitation"].is_null());
    assert_eq!(operator.get("/api/v1/tenants").await.json.as_array().unwrap().len(), 5);
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    assert_eq!(brand.get("/api/v1/tenants").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        brand.post("/api/v1/tenants", json!({ "name": "X", "kind": "supplier" })).await.status,
        StatusCode::FORBIDDEN
    );
}
