//! Verification engagements through the API: an owner engages a verification body and ends the engagement, a body
//! lists its clients, every refusal has its code; and a verifier's API token acts in the engaging organisation, as
//! an auditor and for nothing else, only while the engagement is open.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_store::Store;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::Organisation;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{Api, BRAND_EDITOR, BRAND_OWNER, OTHER_SUPPLIER_OWNER, SUPPLIER_OWNER, TestApp, World};

const BODY_OWNER: &str = "owner@verifier.example";
const VERIFIER: &str = "verifier@verifier.example";
const GRID_EAST: &str = "mee-nbs-2022-grid-cn-grid-east";

/// A verification body with an owner and an auditor (the verifier).
async fn verification_body(store: &Store) -> Organisation {
    World::verification_body(store, "谨衡 Verifier 核查机构", &[(BODY_OWNER, Role::Owner), (VERIFIER, Role::Auditor)])
        .await
}

async fn api(app: &TestApp, organisation: &Organisation, email: &str, scopes: &str) -> Api {
    app.api(&World::token(app.store(), organisation, email, scopes).await)
}

fn engage_body(body: &Organisation) -> Value {
    json!({ "verification_body_id": body.id.to_string() })
}

on_both_databases!(an_owner_engages_a_body_which_sees_its_client_and_ends_the_engagement);
async fn an_owner_engages_a_body_which_sees_its_client_and_ends_the_engagement(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let body = verification_body(app.store()).await;
    let owner = api(&app, &world.brand, BRAND_OWNER, "read,admin").await;
    let body_owner = api(&app, &body, BODY_OWNER, "read,admin").await;

    let bodies = owner.get("/api/v1/verification-bodies").await;
    assert_eq!(bodies.status, StatusCode::OK, "{}", bodies.json);
    assert_eq!(bodies.json, json!([{ "id": body.id.to_string(), "name": "谨衡 Verifier 核查机构" }]));

    let engaged = owner.post("/api/v1/verification-engagements", engage_body(&body)).await;
    assert_eq!(engaged.status, StatusCode::CREATED, "{}", engaged.json);
    let id = engaged.json["id"].as_str().unwrap().to_owned();
    assert_eq!(engaged.json["organisation"]["id"], world.brand.id.to_string());
    assert_eq!(engaged.json["verification_body"]["name"], "谨衡 Verifier 核查机构");
    assert!(engaged.json["ended_at"].is_null());
    let again = owner.post("/api/v1/verification-engagements", engage_body(&body)).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "already_done"));

    // Both sides list it; the body lists the brand among its clients.
    for side in [&owner, &body_owner] {
        let listed = side.get("/api/v1/verification-engagements").await;
        assert_eq!(listed.status, StatusCode::OK);
        assert_eq!(listed.json.as_array().unwrap().len(), 1, "{}", listed.json);
        assert_eq!(listed.json[0]["id"], id.as_str());
    }
    let clients = body_owner.get("/api/v1/verification-clients").await;
    assert_eq!(clients.status, StatusCode::OK, "{}", clients.json);
    assert_eq!(clients.json[0]["organisation"]["name"], "Brand 品牌");

    // Ended: both audit logs record it, the body has no client any more, and it cannot end twice.
    let ended = owner.post(&format!("/api/v1/verification-engagements/{id}/end"), json!({})).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.json);
    assert!(ended.json["ended_at"].is_string());
    let twice = owner.post(&format!("/api/v1/verification-engagements/{id}/end"), json!({})).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_done"));
    assert_eq!(body_owner.get("/api/v1/verification-clients").await.json, json!([]));
    for side in [&owner, &body_owner] {
        let log = side.get("/api/v1/audit-events?action=verification_engagement.ended").await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.json);
        assert_eq!(log.json["items"].as_array().map(Vec::len), Some(1), "in both audit logs: {}", log.json);
    }
}

on_both_databases!(engaging_and_ending_are_refused_to_everyone_else_with_stable_codes);
async fn engaging_and_ending_are_refused_to_everyone_else_with_stable_codes(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let body = verification_body(app.store()).await;
    let owner = api(&app, &world.brand, BRAND_OWNER, "read,admin").await;

    // A member without ManageVerifiers, and an owner's token without the admin scope.
    for refused in
        [api(&app, &world.brand, BRAND_EDITOR, "read,write").await, api(&app, &world.brand, BRAND_OWNER, "read").await]
    {
        let answer = refused.post("/api/v1/verification-engagements", engage_body(&body)).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", answer.json);
        assert_eq!(refused.get("/api/v1/verification-bodies").await.status, StatusCode::FORBIDDEN);
    }
    // A body does not engage (itself or another), and does not list bodies to engage.
    let body_owner = api(&app, &body, BODY_OWNER, "read,admin").await;
    let answer = body_owner.post("/api/v1/verification-engagements", engage_body(&body)).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, "forbidden"));
    // Only a body has clients.
    let answer = owner.get("/api/v1/verification-clients").await;
    assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, "forbidden"));
    // Unknown ids, and organisations that are not verification bodies, are not found; a malformed body is refused.
    for not_a_body in [uuid::Uuid::nil().to_string(), world.supplier.id.to_string(), world.brand.id.to_string()] {
        let answer =
            owner.post("/api/v1/verification-engagements", json!({ "verification_body_id": not_a_body })).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"), "{not_a_body}");
    }
    let answer = owner.post("/api/v1/verification-engagements", json!({ "verification_body_id": "CQC" })).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.json);
    for unknown in [uuid::Uuid::nil().to_string(), "not-an-id".to_owned()] {
        let answer = owner.post(&format!("/api/v1/verification-engagements/{unknown}/end"), json!({})).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"), "{unknown}");
    }

    // The brand's engagement is nobody else's: another tenant cannot end it, nor see it; the body, which may not
    // end engagements at all, is refused.
    let engaged = owner.post("/api/v1/verification-engagements", engage_body(&body)).await;
    let id = engaged.json["id"].as_str().unwrap().to_owned();
    let other_tenant = api(&app, &world.other_supplier, OTHER_SUPPLIER_OWNER, "read,admin").await;
    let answer = other_tenant.post(&format!("/api/v1/verification-engagements/{id}/end"), json!({})).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"), "{}", answer.json);
    let answer = body_owner.post(&format!("/api/v1/verification-engagements/{id}/end"), json!({})).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", answer.json);
    assert_eq!(other_tenant.get("/api/v1/verification-engagements").await.json, json!([]));
    let still = owner.get("/api/v1/verification-engagements").await;
    assert!(still.json[0]["ended_at"].is_null(), "still open: {}", still.json);
}

on_both_databases!(a_verifiers_token_signs_off_for_its_client_only_while_engaged);
async fn a_verifiers_token_signs_off_for_its_client_only_while_engaged(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let body = verification_body(app.store()).await;
    let owner = api(&app, &world.brand, BRAND_OWNER, "read,admin").await;
    let engaged = owner.post("/api/v1/verification-engagements", engage_body(&body)).await;
    let engagement_id = engaged.json["id"].as_str().unwrap().to_owned();

    // The brand's data: a facility, one month of electricity, an inventory version to sign off.
    let editor = api(&app, &world.brand, BRAND_EDITOR, "read,write").await;
    let facility = json!({ "name": "台州工厂", "code": "TZ-01", "kind": "factory", "subdivision": "CN-ZJ" });
    assert_eq!(editor.post("/api/v1/facilities", facility).await.status, StatusCode::CREATED);
    let activity = json!([{ "id": "elec-2025-01", "facility": "TZ-01", "period": "2025-01",
        "source": "purchased_electricity", "quantity": "100", "unit": "MWh", "factor": GRID_EAST }]);
    assert_eq!(editor.post("/api/v1/activities", activity).await.status, StatusCode::CREATED);
    let computed = editor
        .post(
            "/api/v1/inventories",
            json!({ "reporting_year": 2025, "gwp": "AR6", "consolidation": "operational_control" }),
        )
        .await;
    assert_eq!(computed.status, StatusCode::CREATED, "{}", computed.json);
    let inventory_id = computed.json["id"].as_str().unwrap().to_owned();
    // Another organisation's data, which the verifier must not reach.
    let other_owner = api(&app, &world.supplier, SUPPLIER_OWNER, "read,write,admin").await;
    let other_facility = json!({ "name": "别的工厂", "code": "XX-01", "kind": "factory", "subdivision": "CN-ZJ" });
    let other_facility = other_owner.post("/api/v1/facilities", other_facility).await;
    let other_facility_id = other_facility.json["id"].as_str().unwrap().to_owned();

    // The verifier's token, made while they act in the brand through the engagement.
    let verifier = api(&app, &world.brand, VERIFIER, "read,write").await;
    let listed = verifier.get("/api/v1/inventories").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    let signed = verifier
        .post(&format!("/api/v1/inventories/{inventory_id}/verify"), json!({ "statement": "Limited assurance" }))
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.json);

    // What the engagement grants and nothing more: no data entry, no administration of the brand.
    let refused = verifier.post("/api/v1/activities", json!([])).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", refused.json);
    let refused = verifier.patch("/api/v1/organisation", json!({ "name": "Taken over" })).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
    let refused = verifier.post(&format!("/api/v1/verification-engagements/{engagement_id}/end"), json!({})).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", refused.json);
    assert_eq!(verifier.get("/api/v1/tokens").await.status, StatusCode::FORBIDDEN, "no administration of tokens");
    // Nothing of a third organisation.
    let elsewhere = verifier.get(&format!("/api/v1/facilities/{other_facility_id}")).await;
    assert_eq!((elsewhere.status, elsewhere.code()), (StatusCode::NOT_FOUND, "not_found"));

    // The brand ends the engagement: the token is no credential any more.
    let ended = owner.post(&format!("/api/v1/verification-engagements/{engagement_id}/end"), json!({})).await;
    assert_eq!(ended.status, StatusCode::OK);
    let after = verifier.get("/api/v1/inventories").await;
    assert_eq!((after.status, after.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{}", after.json);
    // Revoked, not only refused: the brand's owner sees it revoked, and engaging the body again does not revive it.
    let tokens = owner.get("/api/v1/tokens").await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    let verifier_user =
        app.store().operator_find_user(&tanji_tenancy::member::Email::parse(VERIFIER).unwrap()).await.unwrap().unwrap();
    let verifier_tokens: Vec<&Value> = tokens
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|token| token["created_by"] == verifier_user.id.to_string())
        .collect();
    assert_eq!(verifier_tokens.len(), 1, "{}", tokens.json);
    assert!(verifier_tokens[0]["revoked_at"].is_string(), "{}", tokens.json);
    let again = owner.post("/api/v1/verification-engagements", engage_body(&body)).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.json);
    let revived = verifier.get("/api/v1/inventories").await;
    assert_eq!((revived.status, revived.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{}", revived.json);
}

// A verifier's overview used to be a carbon manager's empty one ("no carbon data yet: enter activity data…"), with
// nothing of her work on it: it now lists the organisations that engaged her body, each with the way into it.
on_both_databases!(a_verifiers_overview_lists_the_organisations_that_engaged_her_body_and_opens_them);
async fn a_verifiers_overview_lists_the_organisations_that_engaged_her_body_and_opens_them(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let body = verification_body(app.store()).await;
    let verifier = crate::harness::Browser::new(&app.base_url, "zh-CN");
    verifier.log_in(VERIFIER).await;
    let overview = verifier.get("/console").await;
    assert!(overview.body.contains("还没有组织委托本机构"), "{}", overview.body);
    assert!(!overview.body.contains("还没有碳数据"), "no carbon manager's advice to a verification body");

    let owner = api(&app, &world.brand, BRAND_OWNER, "read,admin").await;
    let engaged = owner.post("/api/v1/verification-engagements", engage_body(&body)).await;
    assert_eq!(engaged.status, StatusCode::CREATED, "{}", engaged.json);
    let overview = verifier.get("/console").await;
    let brand_id = world.brand.id.to_string();
    assert!(overview.body.contains(&format!("<strong>{}</strong>", world.brand.name.as_str())), "{}", overview.body);
    assert!(overview.body.contains(&format!("name=\"organisation_id\" value=\"{brand_id}\"")));
    assert!(overview.body.contains("进入核查"));

    // The button opens the client: the overview is then the brand's, seen as its auditor.
    let switched = verifier.submit("/console", "/console/switch", &[("organisation_id", &brand_id)]).await;
    assert_eq!((switched.status, switched.location()), (StatusCode::SEE_OTHER, "/console"), "{}", switched.body);
    let inside = verifier.get("/console").await;
    assert!(!inside.body.contains("委托本机构核查的组织"), "the brand's overview is not a body's");
    assert!(inside.body.contains("审核员"), "she acts there as an auditor: {}", inside.body);
}
