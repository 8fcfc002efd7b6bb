//! Supplier assessment campaigns over HTTP: the brand launches over the API, the supplier answers with evidence
//! and submits, the brand's reviewer accepts, the ranking comes back as JSON and CSV; the console pages in both
//! languages; and the denials — anonymous, another supplier, another brand, the wrong role, a refused file, and a
//! console form without its CSRF token.

use base64::Engine as _;
use reqwest::StatusCode;
use serde_json::json;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::{OrganisationKind, OrganisationProfile};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{
    BRAND_AUDITOR, BRAND_OWNER, BRAND_VIEWER, OTHER_SUPPLIER_OWNER, SUPPLIER_OWNER, TestApp, World, add_member,
};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

on_both_databases!(a_brand_assesses_a_supplier_over_the_api_and_the_console);
async fn a_brand_assesses_a_supplier_over_the_api_and_the_console(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let store = app.store();
    let world = World::build(store).await;
    let brand = app.api(&World::token(store, &world.brand, BRAND_OWNER, "read,write,admin").await);
    let reviewer = app.api(&World::token(store, &world.brand, BRAND_AUDITOR, "read,write").await);
    let viewer = app.api(&World::token(store, &world.brand, BRAND_VIEWER, "read").await);
    let supplier = app.api(&World::token(store, &world.supplier, SUPPLIER_OWNER, "read,write,admin").await);
    let other = app.api(&World::token(store, &world.other_supplier, OTHER_SUPPLIER_OWNER, "read,write,admin").await);

    let invited = brand.post("/api/v1/supplier-invitations", json!({ "supplier_name": "Factory 工厂" })).await;
    let code = invited.json["code"].as_str().unwrap().to_owned();
    let link = supplier.post("/api/v1/supplier-invitations/accept", json!({ "code": code })).await;
    let link_id = link.json["id"].as_str().unwrap().to_owned();

    let launch = json!({
        "name": "2026 代工厂评估",
        "framework_id": "factory-carbon-management",
        "framework_version": 1,
        "due_on": "2030-06-30",
        "supplier_link_ids": [link_id],
    });
    assert_eq!(viewer.post("/api/v1/supplier-campaigns", launch.clone()).await.status, StatusCode::FORBIDDEN);
    let mut past = launch.clone();
    past["due_on"] = json!("2001-01-01");
    let refused = brand
        .call_with_headers(
            reqwest::Method::POST,
            "/api/v1/supplier-campaigns",
            Some(past),
            &[("accept-language", "zh-CN")],
        )
        .await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "due_date_in_past"));
    assert!(refused.json["message"].as_str().unwrap().contains("截止日期"), "{}", refused.json);
    let launched = brand.post("/api/v1/supplier-campaigns", launch).await;
    assert_eq!(launched.status, StatusCode::CREATED, "{}", launched.json);
    let campaign = launched.json["id"].as_str().unwrap().to_owned();
    let participant = launched.json["participants"][0]["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/supplier-campaigns/participants/{participant}");

    // The supplier sees what it is asked; another supplier sees nothing of it.
    assert_eq!(supplier.get("/api/v1/supplier-campaigns/asked").await.json.as_array().unwrap().len(), 1);
    assert!(other.get("/api/v1/supplier-campaigns/asked").await.json.as_array().unwrap().is_empty());
    assert_eq!(other.get(&base).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(&format!("/api/v1/supplier-campaigns/{campaign}/ranking")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.anonymous_api().get(&base).await.status, StatusCode::UNAUTHORIZED);

    let answered = supplier
        .post(
            &format!("{base}/answers"),
            json!({"indicator": "management-structure", "tier": "accountable-leader-and-team"}),
        )
        .await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);
    let again = supplier
        .post(&format!("{base}/answers"), json!({"indicator": "management-structure", "tier": "named-person"}))
        .await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "already_answered"));
    for (file_name, content, code) in [
        ("tool.pdf", &b"MZ\x90\0\x03\0"[..], "type_not_accepted"),
        ("cert.pdf", &b"%PDF-1.7 << /S /JavaScript /JS (x) >>"[..], "active_content"),
    ] {
        let refused = supplier
            .post(
                &format!("{base}/evidence"),
                json!({"indicator": "management-structure", "kind": "management_document", "file_name": file_name, "content_base64": base64(content)}),
            )
            .await;
        assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, code), "{}", refused.json);
    }
    let evidence = supplier
        .post(
            &format!("{base}/evidence"),
            json!({"indicator": "management-structure", "kind": "management_document", "file_name": "任命.pdf", "content_base64": base64(PDF)}),
        )
        .await;
    assert_eq!(evidence.status, StatusCode::CREATED, "{}", evidence.json);
    let evidence_id = evidence.json["id"].as_str().unwrap().to_owned();
    assert_eq!(supplier.post(&format!("{base}/submit"), json!({})).await.status, StatusCode::OK);

    // The answering organisation cannot accept its own evidence; a viewer cannot decide; the auditor accepts.
    let decision = format!("{base}/evidence/{evidence_id}/decision");
    let own = supplier.post(&decision, json!({"verdict": "accepted"})).await;
    assert_eq!((own.status, own.code()), (StatusCode::CONFLICT, "self_approval"));
    assert_eq!(viewer.post(&decision, json!({"verdict": "accepted"})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(reviewer.post(&decision, json!({"verdict": "accepted"})).await.status, StatusCode::NO_CONTENT);

    let card = brand.get(&base).await;
    assert_eq!(card.status, StatusCode::OK);
    assert_eq!(card.json["score"], 7.5);
    let ranking = brand.get(&format!("/api/v1/supplier-campaigns/{campaign}/ranking")).await;
    assert_eq!(ranking.json["rows"][0]["score"], 7.5);
    let csv = reqwest::Client::new()
        .get(format!("{}/api/v1/supplier-campaigns/{campaign}/ranking?format=csv", app.base_url))
        .bearer_auth(World::token(store, &world.brand, BRAND_OWNER, "read").await)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("7.5"), "{csv}");
    let file = reviewer.get(&format!("{base}/evidence/{evidence_id}")).await;
    assert_eq!(file.status, StatusCode::OK);

    // The console: the brand's ranking page, the supplier's questionnaire, in Chinese without English sentences.
    let console = app.browser();
    console.log_in(BRAND_OWNER).await;
    let page = console.get(&format!("/console/supplier-assessment/campaigns/{campaign}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("supplier-scores") && page.body.contains("Factory 工厂"));
    let chinese = crate::harness::Browser::new(&app.base_url, "zh-CN");
    chinese.log_in(SUPPLIER_OWNER).await;
    let questionnaire = chinese.get(&format!("/console/supplier-assessment/participants/{participant}")).await;
    assert_eq!(questionnaire.status, StatusCode::OK);
    assert!(questionnaire.body.contains("评分卡"), "{}", questionnaire.body);
    let landing = chinese.get("/console/supplier-assessment").await;
    assert!(landing.body.contains("客户请本组织填写的评估"));
    // Forms need the CSRF token; with it, the supplier answers from the console.
    let forged = chinese
        .post_raw(
            &format!("/console/supplier-assessment/participants/{participant}/answer"),
            &[("indicator", "disclosure"), ("tier", "public")],
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let answered = chinese
        .submit(
            &format!("/console/supplier-assessment/participants/{participant}"),
            &format!("/console/supplier-assessment/participants/{participant}/answer"),
            &[("indicator", "disclosure"), ("tier", "public"), ("note", "")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);

    // Another brand's owner sees no campaign and no questionnaire.
    let rival = store
        .operator_register_organisation(
            &OrganisationProfile::parse("Rival 竞品", "CN", None).unwrap(),
            OrganisationKind::BrandRetailer,
        )
        .await
        .unwrap();
    add_member(store, &rival, "owner@rival.example", Role::Owner).await;
    let rival_console = app.browser();
    rival_console.log_in("owner@rival.example").await;
    assert_eq!(
        rival_console.get(&format!("/console/supplier-assessment/campaigns/{campaign}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        rival_console.get(&format!("/console/supplier-assessment/participants/{participant}")).await.status,
        StatusCode::NOT_FOUND
    );
}
