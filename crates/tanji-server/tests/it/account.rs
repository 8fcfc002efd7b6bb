//! The carbon-account scheme's onboarding over HTTP: the REST API (methodology review, sub-platforms, credentials,
//! links) and the operator's console pages, with the denials — other tenants read nothing, roles and kinds are
//! refused, review refusals carry the domain's code in the request's language, and forms need the CSRF token.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::organisation::OrganisationProfile;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_OWNER, OPERATOR, SUPPLIER_OWNER, TestApp, World, add_member};

const EDITOR: &str = "editor@platform.example";
const EXPERT: &str = "expert@platform.example";
const SUB_OWNER: &str = "owner@delivery.example";
const OTHER_OPERATOR: &str = "ops@other-platform.example";

fn metro() -> serde_json::Value {
    json!({
        "behaviour": "metro_trip",
        "title_zh": "地铁出行",
        "title_en": "Metro trip",
        "formula": {"kind": "per_unit", "unit": "person_km", "reduction_per_unit_g_co2e": 46.7},
        "citation": {"title": "深圳市公共交通碳普惠方法学", "publisher": "深圳市"},
        "source_check": "checked",
        "max_quantity_per_event": 100.0
    })
}

on_both_databases!(the_operator_runs_the_review_and_onboards_a_sub_platform_over_the_api);
async fn the_operator_runs_the_review_and_onboards_a_sub_platform_over_the_api(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let store = app.store();
    let world = World::build(store).await;
    add_member(store, &world.platform, EDITOR, Role::Editor).await;
    add_member(store, &world.platform, EXPERT, Role::Auditor).await;
    let register = |name: &'static str, kind| async move {
        store
            .operator_register_organisation(&OrganisationProfile::parse(name, "CN", None).unwrap(), kind)
            .await
            .unwrap()
    };
    let delivery = register("Delivery 外卖", OrganisationKind::SubPlatform).await;
    let other_platform = register("Other platform", OrganisationKind::PlatformOperator).await;
    add_member(store, &delivery, SUB_OWNER, Role::Owner).await;
    add_member(store, &other_platform, OTHER_OPERATOR, Role::Owner).await;
    let editor = app.api(&World::token(store, &world.platform, EDITOR, "read,write").await);
    let expert = app.api(&World::token(store, &world.platform, EXPERT, "read,write").await);
    let owner = app.api(&World::token(store, &world.platform, OPERATOR, "read,write,admin").await);
    let sub_platform = app.api(&World::token(store, &delivery, SUB_OWNER, "read,write,admin").await);
    let other_operator = app.api(&World::token(store, &other_platform, OTHER_OPERATOR, "read,write,admin").await);
    // A retailer runs a scheme of its own: it sees none of this operator's; a supplier runs none at all.
    let brand = app.api(&World::token(store, &world.brand, BRAND_OWNER, "read,write,admin").await);
    let supplier = app.api(&World::token(store, &world.supplier, SUPPLIER_OWNER, "read,write,admin").await);

    let drafted = editor.post("/api/v1/account/methodologies", metro()).await;
    assert_eq!(drafted.status, StatusCode::CREATED, "{}", drafted.json);
    assert_eq!((drafted.json["number"].as_u64(), drafted.json["status"].as_str()), (Some(1), Some("draft")));
    let mut malformed = metro();
    malformed["formula"] = json!({"kind": "magic"});
    malformed["behaviour"] = json!("taxi_trip");
    let refused = editor.post("/api/v1/account/methodologies", malformed).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(refused.json["field"], "formula");

    // Denials: a supplier and a sub-platform cannot draft; a reviewer cannot submit; the author cannot sign off —
    // refused by the domain with its code, in Chinese when asked.
    for outsider in [&supplier, &sub_platform] {
        assert_eq!(outsider.post("/api/v1/account/methodologies", metro()).await.status, StatusCode::FORBIDDEN);
    }
    let path = "/api/v1/account/methodologies/1/versions/1";
    assert_eq!(other_operator.get(path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other_operator.post(&format!("{path}/submit"), json!({})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(expert.post(&format!("{path}/submit"), json!({})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(editor.post(&format!("{path}/submit"), json!({})).await.status, StatusCode::OK);
    let own = editor.post(&format!("{path}/sign-off"), json!({"decision": "approve"})).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "editors are not on the committee");
    let by_author = owner
        .call_with_headers(Method::POST, &format!("{path}/sign-off"), Some(json!({"decision": "approve"})), &[])
        .await;
    assert_eq!(by_author.status, StatusCode::OK, "the owner is not the author: {}", by_author.json);
    let second = expert.post(&format!("{path}/sign-off"), json!({"decision": "approve"})).await;
    assert_eq!(second.status, StatusCode::OK);
    let again = expert
        .call_with_headers(
            Method::POST,
            &format!("{path}/sign-off"),
            Some(json!({"decision": "approve"})),
            &[("accept-language", "zh-CN")],
        )
        .await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "already_signed_off"));
    assert!(again.json["message"].as_str().unwrap().contains("本轮"), "{}", again.json);
    let notice = editor.post(&format!("{path}/public-notice"), json!({})).await;
    assert_eq!(notice.json["status"], "public_notice", "{}", notice.json);
    let early = editor.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!((early.status, early.code()), (StatusCode::CONFLICT, "notice_not_over"));
    let shown = editor.get(path).await.json;
    assert_eq!(shown["steps"].as_array().unwrap().len(), 5, "{shown}");
    assert_eq!(shown["approvals_this_round"], 2);

    // Sub-platforms: only the operator's owner registers; the bound sub-platform reads its registration.
    let body = json!({
        "code": "food_delivery", "name_zh": "外卖", "name_en": "Food delivery",
        "organisation_id": delivery.id.to_string(),
        "behaviours": [{"behaviour": "metro_trip", "methodology_number": 1}]
    });
    assert_eq!(editor.post("/api/v1/account/sub-platforms", body.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(sub_platform.post("/api/v1/account/sub-platforms", body.clone()).await.status, StatusCode::FORBIDDEN);
    let registered = owner.post("/api/v1/account/sub-platforms", body.clone()).await;
    assert_eq!(registered.status, StatusCode::CREATED, "{}", registered.json);
    let taken = owner.post("/api/v1/account/sub-platforms", body).await;
    assert_eq!((taken.status, taken.code()), (StatusCode::CONFLICT, "sub_platform_code_taken"));
    let id = registered.json["id"].as_str().unwrap().to_owned();
    let sub_path = format!("/api/v1/account/sub-platforms/{id}");
    assert_eq!(sub_platform.get(&sub_path).await.status, StatusCode::OK);
    assert_eq!(other_operator.get(&sub_path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(supplier.get(&sub_path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(brand.get(&sub_path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other_operator.get("/api/v1/account/sub-platforms").await.json, json!([]));

    let issued =
        owner.post(&format!("{sub_path}/credentials"), json!({"name": "gateway", "scopes": ["events:write"]})).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.json);
    let secret = issued.json["secret"].as_str().unwrap();
    assert!(secret.starts_with("tanji_sub_"));
    assert!(store.sub_platform_caller(secret).await.unwrap().is_some());
    assert_eq!(sub_platform.get(&format!("{sub_path}/credentials")).await.status, StatusCode::FORBIDDEN);
    let listed = owner.get(&format!("{sub_path}/credentials")).await.json;
    assert!(!listed.to_string().contains(secret), "the secret is never listed");
    let credential_id = issued.json["credential"]["id"].as_str().unwrap();
    assert_eq!(
        other_operator.delete(&format!("{sub_path}/credentials/{credential_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(owner.delete(&format!("{sub_path}/credentials/{credential_id}")).await.status, StatusCode::OK);
    assert!(store.sub_platform_caller(secret).await.unwrap().is_none());

    // Parent accounts and links with consent.
    let account =
        editor.post("/api/v1/account/parent-accounts", json!({"display_name": "王小明", "province": "CN-GD"})).await;
    assert_eq!(account.status, StatusCode::CREATED, "{}", account.json);
    let link_body = json!({
        "external_identity": "rider-1", "person_number": 1, "consent_given_at": "2026-03-01T08:00:00Z",
        "consent_wording_version": "2026-01", "consent_channel": "app"
    });
    assert_eq!(sub_platform.post(&format!("{sub_path}/links"), link_body.clone()).await.status, StatusCode::FORBIDDEN);
    let linked = editor.post(&format!("{sub_path}/links"), link_body.clone()).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.json);
    let duplicate = editor.post(&format!("{sub_path}/links"), link_body).await;
    assert_eq!((duplicate.status, duplicate.code()), (StatusCode::CONFLICT, "identity_already_linked"));
    assert_eq!(sub_platform.get(&format!("{sub_path}/links")).await.json.as_array().unwrap().len(), 1);
    assert_eq!(other_operator.get(&format!("{sub_path}/links")).await.status, StatusCode::NOT_FOUND);
    let link_id = linked.json["id"].as_str().unwrap();
    let unlinked = editor.delete(&format!("{sub_path}/links/{link_id}")).await;
    assert!(unlinked.json["unlinked_at"].is_string(), "{}", unlinked.json);
    assert!(store.linked_parent_account(id.parse().unwrap(), "rider-1").await.unwrap().is_none());

    // The OpenAPI document lists the endpoints.
    let document = app.anonymous_api().get("/api/v1/openapi.json").await.json;
    assert!(document["paths"]["/api/v1/account/methodologies/{number}/versions/{version}/sign-off"].is_object());
}

on_both_databases!(the_console_pages_are_the_operators_and_forms_need_the_csrf_token);
async fn the_console_pages_are_the_operators_and_forms_need_the_csrf_token(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let store = app.store();
    let world = World::build(store).await;
    let operator = app.browser();
    operator.log_in(OPERATOR).await;
    let empty = operator.get("/console/carbon-account/methodologies").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No methodologies yet"), "the empty state");
    let drafted = operator
        .submit(
            "/console/carbon-account/methodologies",
            "/console/carbon-account/methodologies",
            &[
                ("number", ""),
                ("behaviour", "metro_trip"),
                ("title_zh", "地铁出行"),
                ("title_en", "Metro trip"),
                ("formula_kind", "per_unit"),
                ("unit", "person_km"),
                ("reduction_per_unit", "46.7"),
                ("max_quantity_per_event", "100"),
                ("citation_title", "深圳市公共交通碳普惠方法学"),
                ("citation_publisher", "深圳市"),
                ("source_checked", "on"),
            ],
        )
        .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    assert_eq!(drafted.location(), "/console/carbon-account/methodologies/1/1?notice=drafted");
    let page = operator.get("/console/carbon-account/methodologies/1/1").await;
    assert!(page.body.contains("46.7 g CO2e per person-km") && page.body.contains("Submit for expert review"));
    // Without the CSRF token the step is refused.
    let forged = operator.post_raw("/console/carbon-account/methodologies/1/1/step", &[("step", "submit")], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let submitted = operator
        .submit(
            "/console/carbon-account/methodologies/1/1",
            "/console/carbon-account/methodologies/1/1/step",
            &[("step", "submit")],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    // The author's own sign-off is refused by the domain, in the reader's language, on the page.
    let own = operator
        .submit(
            "/console/carbon-account/methodologies/1/1",
            "/console/carbon-account/methodologies/1/1/step",
            &[("step", "sign_approve")],
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert!(own.body.contains("The review step was not taken"), "{}", own.body);
    let audit = store
        .list_audit_events(&store.operator_member_actor(&world.platform, OPERATOR).await.unwrap(), &Default::default())
        .await
        .unwrap();
    assert!(audit.iter().any(|entry| entry.action.as_str() == "methodology.submitted"));

    // A supplier's owner is refused the pages; in Chinese the page says it in Chinese.
    let supplier = app.browser();
    supplier.log_in(SUPPLIER_OWNER).await;
    assert_eq!(supplier.get("/console/carbon-account/methodologies").await.status, StatusCode::FORBIDDEN);
    assert_eq!(supplier.get("/console/carbon-account/sub-platforms").await.status, StatusCode::FORBIDDEN);
    let chinese = crate::harness::Browser::new(&operator_base(&app), "zh-CN");
    chinese.log_in(OPERATOR).await;
    let page = chinese.get("/console/carbon-account/sub-platforms").await;
    assert!(page.body.contains("还没有登记子平台"), "{}", page.status);
    assert_eq!(tanji_i18n::latin_sentences(&strip_tags(&page.body)).len(), 0);
}

fn operator_base(app: &TestApp) -> String {
    app.base_url.clone()
}

/// The visible text of a page, roughly: no tags, no scripts or code.
fn strip_tags(html: &str) -> String {
    let body = html.split("<main").nth(1).unwrap_or(html);
    let mut text = String::new();
    let mut in_tag = false;
    for character in body.chars() {
        match character {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(character),
            _ => {}
        }
    }
    text
}
