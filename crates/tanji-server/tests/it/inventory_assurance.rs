//! An inventory sign-off reads as what it is, everywhere it shows: third-party verification when the auditor of an
//! engaged verification body signed, internal review when the organisation's own auditor did — on the versions list,
//! the version page, the report's first page, the CSV and JSON exports and the API. A customer sees a supplier's
//! latest *independently verified* inventory only, on the supplier's page and through the API.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_store::{LoginOutcome, Store};
use tanji_tenancy::Actor;
use tanji_tenancy::member::{Password, Role};
use tanji_tenancy::organisation::Organisation;
use tanji_tenancy::supplier_link::InvitationDetails;
use tanji_tenancy::supplier_share::ShareKind;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{Api, BRAND_EDITOR, BRAND_VIEWER, Browser, PASSWORD, SUPPLIER_OWNER, TestApp, World, add_member};

const BODY_NAME: &str = "谨衡 Verifier 核查机构";
const VERIFIER: &str = "verifier@assurance.example";
const SUPPLIER_AUDITOR: &str = "auditor@factory.example";
const GRID_EAST: &str = "mee-nbs-2022-grid-cn-grid-east";

async fn actor(store: &Store, email: &str, organisation: &Organisation) -> Actor {
    let LoginOutcome::LoggedIn(session) =
        store.login(email, &Password::for_login(PASSWORD), Some(organisation.id)).await.unwrap()
    else {
        panic!("{email} cannot log in")
    };
    store.session(&session.secret).await.unwrap().unwrap().actor
}

async fn api(app: &TestApp, organisation: &Organisation, email: &str, scopes: &str) -> Api {
    app.api(&World::token(app.store(), organisation, email, scopes).await)
}

/// Computes a new 2025 version and has `signer` sign it off; returns the signed version as the API gives it.
async fn signed_version(owner: &Api, signer: &Api) -> Value {
    let computed = owner
        .post(
            "/api/v1/inventories",
            json!({ "reporting_year": 2025, "gwp": "AR6", "consolidation": "operational_control" }),
        )
        .await;
    assert_eq!(computed.status, StatusCode::CREATED, "{}", computed.json);
    assert_eq!(computed.json["assurance"], "self_declared", "not signed off yet");
    let id = computed.json["id"].as_str().unwrap();
    let signed = signer.post(&format!("/api/v1/inventories/{id}/verify"), json!({ "statement": "Opinion." })).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.json);
    signed.json
}

on_both_databases!(an_inventory_is_verified_only_when_signed_for_an_engaged_body_and_customers_see_only_that);
async fn an_inventory_is_verified_only_when_signed_for_an_engaged_body_and_customers_see_only_that(
    database: TestDatabase,
) {
    let app = TestApp::spawn(database).await;
    let store = app.store();
    let world = World::build(store).await;
    let body = World::verification_body(store, BODY_NAME, &[(VERIFIER, Role::Auditor)]).await;
    add_member(store, &world.supplier, SUPPLIER_AUDITOR, Role::Auditor).await;

    // The brand buys from the supplier, which shares its verified inventory summary with it.
    let brand_editor = actor(store, BRAND_EDITOR, &world.brand).await;
    let supplier_owner = actor(store, SUPPLIER_OWNER, &world.supplier).await;
    let (_, code) =
        store.create_invitation(&brand_editor, &InvitationDetails::parse("Factory 工厂", None).unwrap()).await.unwrap();
    let link = store.accept_invitation(&supplier_owner, &code).await.unwrap();
    store.grant_supplier_share(&supplier_owner, link.id, ShareKind::VerifiedInventorySummary).await.unwrap();
    let supplier_page = format!("/console/suppliers/links/{}", link.id);
    let shared_path = format!("/api/v1/supplier-links/{}/shared", link.id);
    let customer = app.browser();
    customer.log_in(BRAND_VIEWER).await;
    let customer_api = api(&app, &world.brand, BRAND_VIEWER, "read").await;

    // The supplier's data.
    let owner = api(&app, &world.supplier, SUPPLIER_OWNER, "read,write,admin").await;
    let facility = json!({ "name": "台州工厂", "code": "TZ-01", "kind": "factory", "subdivision": "CN-ZJ" });
    assert_eq!(owner.post("/api/v1/facilities", facility).await.status, StatusCode::CREATED);
    let activity = json!([{ "id": "elec-2025-01", "facility": "TZ-01", "period": "2025-01",
        "source": "purchased_electricity", "quantity": "100", "unit": "MWh", "factor": GRID_EAST }]);
    assert_eq!(owner.post("/api/v1/activities", activity).await.status, StatusCode::CREATED);

    // Version 1, signed off by the supplier's own auditor: internal review, everywhere.
    let own_auditor = api(&app, &world.supplier, SUPPLIER_AUDITOR, "read,write").await;
    let reviewed = signed_version(&owner, &own_auditor).await;
    assert_eq!(reviewed["assurance"], "internal_review", "{reviewed}");
    assert_eq!(reviewed["assurance_label"], "Internal review");
    assert!(reviewed["verification_body_id"].is_null() && reviewed["verification_body_name"].is_null());
    let reviewed_id = reviewed["id"].as_str().unwrap().to_owned();
    let supplier = app.browser();
    supplier.log_in(SUPPLIER_OWNER).await;
    let page = supplier.get(&format!("/console/inventory/{reviewed_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"internal-review-note\""), "{}", page.body);
    assert!(page.body.contains("id=\"badge-assurance\">Internal review<"), "the heading's badge");
    assert!(!page.body.contains("id=\"verification-body\""));
    let report = supplier.get(&format!("/console/inventory/{reviewed_id}/report")).await;
    assert!(
        report.body.contains("<p id=\"report-assurance\"><span class=\"badge badge-warn\">Internal review</span></p>")
    );
    let csv = supplier.get(&format!("/console/inventory/{reviewed_id}/export.csv")).await;
    assert!(csv.body.lines().next().unwrap().ends_with(",assurance,assurance_label,verification_body"), "{}", csv.body);
    assert!(csv.body.lines().nth(1).unwrap().ends_with(",internal_review,Internal review,"), "{}", csv.body);
    // The customer is not shown it as verified, nor at all.
    let seen = customer.get(&supplier_page).await;
    assert!(seen.body.contains("has no inventory verified by an independent verification body yet"), "{}", seen.body);
    assert!(!seen.body.contains("supplier-inventory-table"));
    let shared = customer_api.get(&shared_path).await;
    assert_eq!(shared.status, StatusCode::OK, "{}", shared.json);
    assert!(shared.json["inventory"].is_null(), "{}", shared.json);

    // Version 2, signed off by the auditor of the body the supplier engaged: third-party verification.
    let engaged =
        owner.post("/api/v1/verification-engagements", json!({ "verification_body_id": body.id.to_string() })).await;
    assert_eq!(engaged.status, StatusCode::CREATED, "{}", engaged.json);
    let verifier = api(&app, &world.supplier, VERIFIER, "read,write").await;
    let verified = signed_version(&owner, &verifier).await;
    assert_eq!(verified["assurance"], "verified", "{verified}");
    assert_eq!(verified["assurance_label"], "Verified");
    assert_eq!(verified["verification_body_id"], body.id.to_string());
    assert_eq!(verified["verification_body_name"], BODY_NAME);
    let verified_id = verified["id"].as_str().unwrap().to_owned();
    // Version 3, reviewed internally again: it does not replace version 2 in the customer's view.
    signed_version(&owner, &own_auditor).await;

    let page = supplier.get(&format!("/console/inventory/{verified_id}")).await;
    assert!(page.body.contains(&format!("id=\"verification-body\">{BODY_NAME}<")), "{}", page.body);
    assert!(!page.body.contains("id=\"internal-review-note\""));
    let report = supplier.get(&format!("/console/inventory/{verified_id}/report")).await;
    assert!(report.body.contains(&format!(
        "<p id=\"report-assurance\"><span class=\"badge badge-ok\">Verified</span> Verification body: {BODY_NAME}</p>"
    )));
    let csv = supplier.get(&format!("/console/inventory/{verified_id}/export.csv")).await;
    assert!(csv.body.lines().nth(1).unwrap().ends_with(&format!(",verified,Verified,{BODY_NAME}")), "{}", csv.body);
    let exported = supplier.get(&format!("/console/inventory/{verified_id}/export.json")).await;
    let exported: Value = serde_json::from_str(&exported.body).unwrap();
    assert_eq!(
        (exported["assurance"].as_str(), exported["verification_body_name"].as_str()),
        (Some("verified"), Some(BODY_NAME))
    );
    let listed = owner.get("/api/v1/inventories").await;
    let assurances: Vec<(i64, &str)> = listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|version| (version["version"].as_i64().unwrap(), version["assurance"].as_str().unwrap()))
        .collect();
    assert_eq!(assurances, [(3, "internal_review"), (2, "verified"), (1, "internal_review")]);
    let list_page = supplier.get("/console/inventory").await;
    assert!(list_page.body.contains("<span class=\"badge badge-warn\">Internal review</span>"));
    assert!(list_page.body.contains("<span class=\"badge badge-ok\">Verified</span>"));

    // The customer sees version 2 with the body's name, on the supplier's page and through the API.
    let seen = customer.get(&supplier_page).await;
    assert!(seen.body.contains("supplier-inventory-table"), "{}", seen.body);
    assert!(seen.body.contains("v2"));
    assert!(seen.body.contains(&format!("id=\"supplier-inventory-body\">{BODY_NAME}<")));
    let shared = customer_api.get(&shared_path).await;
    assert_eq!(shared.json["inventory"]["version"], 2, "{}", shared.json);
    assert_eq!(shared.json["inventory"]["assurance"], "verified");
    assert_eq!(shared.json["inventory"]["verification_body_name"], BODY_NAME);
    // Nobody else reads the supplier's shared data.
    let stranger = api(&app, &world.other_supplier, crate::harness::OTHER_SUPPLIER_OWNER, "read").await;
    let refused = stranger.get(&shared_path).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::NOT_FOUND, "not_found"));

    // In Chinese, the same words as footprints: 内部审核 and 已核查.
    let chinese = Browser::new(&app.base_url, "zh-CN");
    chinese.log_in(SUPPLIER_OWNER).await;
    let page = chinese.get(&format!("/console/inventory/{reviewed_id}")).await;
    assert!(page.body.contains("id=\"badge-assurance\">内部审核<"), "{}", page.body);
    assert!(page.body.contains("属于内部审核，不是独立的第三方核查"));
    let page = chinese.get(&format!("/console/inventory/{verified_id}")).await;
    assert!(page.body.contains("id=\"badge-assurance\">已核查<"));
}
