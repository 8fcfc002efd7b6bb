//! Product carbon footprints through the API and the console: products and baselines, model versions saved as JSON,
//! as TOML and from the console's editor, footprints with Monte Carlo and the baseline comparison, the verifier's
//! sign-off, label publication, republication and withdrawal — and the refusals: roles, token scopes, bad models,
//! limits, and other organisations, which see nothing.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tanji_footprint::{FootprintFile, ProductModel, parse_footprint_file};
use tanji_store::NewMember;
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_testkit::footprint_files::{cup_with_six_mistakes, line_of};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{
    Answer, Api, BRAND_AUDITOR, BRAND_EDITOR, BRAND_OWNER, BRAND_VIEWER, OTHER_SUPPLIER_OWNER, PASSWORD, Page, TestApp,
    World,
};

const CUP_TOML: &str = include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml");
const CUP_SKU: &str = "RH-CUP-BF-250";
const BASELINE_SKU: &str = "BASELINE-CUP-250";
const GRID_EAST: &str = "mee-nbs-2022-grid-cn-grid-east";

fn cup_file() -> FootprintFile {
    parse_footprint_file(CUP_TOML).expect("the example parses")
}

/// The cup's footprint as the engine computes it without any server in between.
fn cup_by_hand() -> tanji_footprint::Footprint {
    tanji_footprint::compute(&cup_file().model, tanji_ghg::bundled::factor_library(), tanji_ghg::bundled::gwp_table())
        .expect("the example computes")
}

fn close(actual: &Value, expected: f64, what: &str) {
    let actual = actual.as_f64().unwrap_or_else(|| panic!("{what} is not a number: {actual}"));
    assert!((actual - expected).abs() <= 1e-9 * expected.abs().max(1.0), "{what}: {actual}, by hand {expected}");
}

fn id_of(answer: &Answer) -> String {
    answer.json["id"].as_str().unwrap_or_else(|| panic!("no id in {}", answer.json)).to_owned()
}

/// Posts `body` with a content type of our choosing (the harness posts JSON only).
async fn post_text(app: &TestApp, token: &str, path: &str, content_type: &str, body: &str) -> Answer {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", app.base_url))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("an API request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("an answer");
    Answer { status, headers, json: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
}

/// A product created through the API.
async fn create_product(api: &Api, sku: &str, name_en: &str) -> String {
    let created = api.post("/api/v1/products", json!({ "sku": sku, "name_zh": "纸杯", "name_en": name_en })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    id_of(&created)
}

/// The brand's cup and its baseline with their models saved (the baseline as JSON, the cup as the TOML file), the
/// baseline's footprint computed, and the cup compared with it: (cup id, baseline id).
async fn cup_with_baseline(app: &TestApp, editor_token: &str) -> (String, String) {
    let editor = app.api(editor_token);
    let baseline = create_product(&editor, BASELINE_SKU, "Conventional cup").await;
    let cup = create_product(&editor, CUP_SKU, "Bamboo cup").await;
    let baseline_model = cup_file().baseline.expect("the example has a baseline");
    let saved = editor
        .post(&format!("/api/v1/products/{baseline}/models"), json!({ "model": baseline_model, "note": "wood pulp" }))
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.json);
    let saved = post_text(
        app,
        editor_token,
        &format!("/api/v1/products/{cup}/models?note=from%20the%20example%20file"),
        "application/toml; charset=utf-8",
        CUP_TOML,
    )
    .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.json);
    assert_eq!((saved.json["version"].as_i64(), saved.json["note"].as_str()), (Some(1), Some("from the example file")));
    let computed = editor.post(&format!("/api/v1/products/{baseline}/footprints"), json!({})).await;
    assert_eq!(computed.status, StatusCode::CREATED, "{}", computed.json);
    let set = editor.put(&format!("/api/v1/products/{cup}/baseline"), json!({ "baseline_product_id": baseline })).await;
    assert_eq!((set.status, set.json["baseline_product_id"].as_str()), (StatusCode::OK, Some(baseline.as_str())));
    (cup, baseline)
}

on_both_databases!(a_footprint_from_product_to_withdrawn_label_through_the_api);
async fn a_footprint_from_product_to_withdrawn_label_through_the_api(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor_token = World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await;
    let auditor_token = World::token(app.store(), &world.brand, BRAND_AUDITOR, "read,write").await;
    let editor = app.api(&editor_token);
    let auditor = app.api(&auditor_token);
    let (cup, baseline) = cup_with_baseline(&app, &editor_token).await;

    // The saved version pins every factor to the version the library holds.
    let versions = editor.get(&format!("/api/v1/products/{cup}/models")).await;
    assert_eq!(versions.json.as_array().map(Vec::len), Some(1), "{}", versions.json);
    let version = editor.get(&format!("/api/v1/products/{cup}/models/1")).await;
    assert_eq!(version.status, StatusCode::OK);
    assert_eq!(version.json["model"]["processes"][0]["factors"][0]["factor"], format!("{GRID_EAST}@1"));
    assert_eq!(version.json["model"]["product"]["sku"], CUP_SKU);
    for missing in ["0", "2", "-1", "latest"] {
        let answer = editor.get(&format!("/api/v1/products/{cup}/models/{missing}")).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"), "version {missing}");
    }

    // Computed with Monte Carlo: the same figure as the engine's, inside its 95 % range, lower than the baseline.
    let computed = editor
        .post(&format!("/api/v1/products/{cup}/footprints"), json!({ "monte_carlo": { "iterations": 500, "seed": 7 } }))
        .await;
    assert_eq!(computed.status, StatusCode::CREATED, "{}", computed.json);
    let footprint_id = id_of(&computed);
    let by_hand = cup_by_hand();
    let footprint = &computed.json["footprint"];
    close(&footprint["total_kg_co2e"], by_hand.total_kg_co2e, "total");
    close(&footprint["fossil_kg_co2e"], by_hand.fossil_kg_co2e, "fossil");
    close(&footprint["biogenic_removals_kg_co2e"], by_hand.biogenic_removals_kg_co2e, "removals");
    let spread = &footprint["uncertainty"];
    assert_eq!((spread["iterations"].as_u64(), spread["seed"].as_u64()), (Some(500), Some(7)));
    let (low, high) = (spread["p2_5_kg_co2e"].as_f64().unwrap(), spread["p97_5_kg_co2e"].as_f64().unwrap());
    assert!(low < by_hand.total_kg_co2e && by_hand.total_kg_co2e < high, "{low} < {} < {high}", by_hand.total_kg_co2e);
    let comparison = &computed.json["comparison"];
    let baseline_total = comparison["baseline_kg_co2e"].as_f64().unwrap();
    close(&comparison["reduction_kg_co2e"], baseline_total - by_hand.total_kg_co2e, "reduction");
    assert!(comparison["reduction_percent"].as_f64().unwrap() > 20.0, "{comparison}");
    assert_eq!(computed.json["baseline"]["product"]["sku"], BASELINE_SKU);
    let line = footprint["lines"].as_array().unwrap().iter().find(|line| line["path"] == "processes[1].factors[1]");
    let line = line.expect("the metered forming electricity has its line");
    assert_eq!(line["source"], format!("{GRID_EAST}@1"));
    assert_eq!(
        (line["formula"]["code"].as_str(), line["formula"]["entered"].as_str()),
        (Some("exchange"), Some("9 kWh")),
        "{line}"
    );

    let listed = editor.get(&format!("/api/v1/products/{cup}/footprints")).await;
    assert_eq!(listed.json[0]["id"], footprint_id.as_str());
    close(&listed.json[0]["total_kg_co2e"], by_hand.total_kg_co2e, "listed total");
    assert_eq!(listed.json[0]["verified"], false);
    let product = editor.get(&format!("/api/v1/products/{cup}")).await;
    assert_eq!(product.json["latest_footprint"]["id"], footprint_id.as_str());
    assert_eq!(product.json["latest_model_version"], 1);
    assert!(product.json["label"].is_null());
    assert_eq!(editor.get(&format!("/api/v1/footprints/{footprint_id}")).await.json["id"], footprint_id.as_str());

    // Only the auditor signs off, once.
    let statement = json!({ "verifier_organisation": "CQC", "statement": "ISO 14067:2018, limited assurance" });
    let by_editor = editor.post(&format!("/api/v1/footprints/{footprint_id}/verify"), statement.clone()).await;
    assert_eq!((by_editor.status, by_editor.code()), (StatusCode::FORBIDDEN, "forbidden"));
    let empty = auditor
        .post(
            &format!("/api/v1/footprints/{footprint_id}/verify"),
            json!({ "verifier_organisation": "CQC", "statement": " " }),
        )
        .await;
    assert_eq!((empty.status, empty.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("statement")));
    let verified = auditor.post(&format!("/api/v1/footprints/{footprint_id}/verify"), statement.clone()).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.json);
    assert_eq!(verified.json["sign_off"]["verifier_organisation"], "CQC");
    let again = auditor.post(&format!("/api/v1/footprints/{footprint_id}/verify"), statement).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "already_done"));

    // The auditor may not edit or publish.
    for refused in [
        auditor.post("/api/v1/products", json!({ "sku": "X-1", "name_en": "x" })).await,
        auditor.post(&format!("/api/v1/products/{cup}/models"), json!({ "model": cup_file().model })).await,
        auditor.post(&format!("/api/v1/products/{cup}/footprints"), json!({})).await,
        auditor.put(&format!("/api/v1/products/{cup}/baseline"), json!({ "baseline_product_id": null })).await,
        auditor.post(&format!("/api/v1/footprints/{footprint_id}/publish"), json!({})).await,
    ] {
        assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", refused.json);
    }

    // Published: a code and its public links; the label carries the sign-off.
    let published = editor.post(&format!("/api/v1/footprints/{footprint_id}/publish"), json!({})).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
    let code = published.json["code"].as_str().unwrap().to_owned();
    assert_eq!(published.json["version"], 1);
    assert_eq!(published.json["links"]["page_url"], format!("{}/l/{code}", app.base_url));
    assert_eq!(published.json["links"]["svg_url"], format!("{}/l/{code}/label.svg", app.base_url));
    assert_eq!(published.json["sign_off"]["verifier_organisation"], "CQC");
    close(&published.json["content"]["total_kg_co2e"], by_hand.total_kg_co2e, "published total");
    // The brand's own auditor signed: internal review, so the comparison is left out and the reason recorded.
    assert_eq!(published.json["assurance"], "internal_review");
    assert!(published.json["content"]["baseline"].is_null(), "{}", published.json);
    assert_eq!(published.json["content"]["comparison_withheld"]["code"], "internal_review_only");
    assert_eq!(editor.get(&format!("/api/v1/products/{cup}")).await.json["label"]["code"], code.as_str());

    // Republished from a new computation: version 2 of the same code, so printed QR codes keep working.
    let recomputed = editor.post(&format!("/api/v1/products/{cup}/footprints"), json!({ "version": 1 })).await;
    assert_eq!(recomputed.status, StatusCode::CREATED, "{}", recomputed.json);
    let republished = editor.post(&format!("/api/v1/footprints/{}/publish", id_of(&recomputed)), json!({})).await;
    assert_eq!(republished.status, StatusCode::CREATED, "{}", republished.json);
    assert_eq!(
        (republished.json["code"].as_str(), republished.json["version"].as_u64()),
        (Some(code.as_str()), Some(2))
    );
    assert!(republished.json["sign_off"].is_null(), "the new footprint was not verified");
    assert_eq!(republished.json["previous_hash"], published.json["record_hash"], "one chain");
    let publications = editor.get("/api/v1/publications").await;
    assert_eq!(publications.json.as_array().map(Vec::len), Some(2));
    assert_eq!(publications.json[0]["version"], 2, "newest first");

    // Withdrawn with a reason, once.
    let withdrawn_path = format!("/api/v1/publications/{}/withdraw", id_of(&published));
    let no_reason = editor.post(&withdrawn_path, json!({ "reason": "" })).await;
    assert_eq!(
        (no_reason.status, no_reason.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let by_auditor = auditor.post(&withdrawn_path, json!({ "reason": "superseded" })).await;
    assert_eq!(by_auditor.status, StatusCode::FORBIDDEN);
    let withdrawn = editor.post(&withdrawn_path, json!({ "reason": "superseded by v2" })).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.json);
    assert_eq!(withdrawn.json["withdrawn_reason"], "superseded by v2");
    assert!(withdrawn.json["withdrawn_at"].is_string());
    let twice = editor.post(&withdrawn_path, json!({ "reason": "again" })).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_done"));

    // The baseline can be cleared.
    let cleared = editor.put(&format!("/api/v1/products/{cup}/baseline"), json!({ "baseline_product_id": null })).await;
    assert!(cleared.json["baseline_product_id"].is_null(), "{}", cleared.json);
    let itself = editor.put(&format!("/api/v1/products/{cup}/baseline"), json!({ "baseline_product_id": cup })).await;
    assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(editor.get(&format!("/api/v1/products/{baseline}")).await.status, StatusCode::OK);
}

on_both_databases!(bad_products_models_and_requests_are_refused_with_what_to_fix);
async fn bad_products_models_and_requests_are_refused_with_what_to_fix(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor_token = World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await;
    let editor = app.api(&editor_token);
    let cup = create_product(&editor, CUP_SKU, "Bamboo cup").await;

    let duplicate = editor.post("/api/v1/products", json!({ "sku": CUP_SKU, "name_en": "Again" })).await;
    assert_eq!(
        (duplicate.status, duplicate.code(), duplicate.json["field"].as_str()),
        (StatusCode::CONFLICT, "product_sku_taken", Some("sku"))
    );
    let no_sku = editor.post("/api/v1/products", json!({ "sku": " ", "name_en": "x" })).await;
    assert_eq!((no_sku.status, no_sku.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("sku")));

    // A model naming a factor the library does not have: every problem with its path, nothing saved.
    let mut model: ProductModel = cup_file().model;
    model.processes[0].factors[0].factor = "no-such-factor".into();
    model.processes[2].factors[1].unit = "furlongs".into();
    let refused = editor.post(&format!("/api/v1/products/{cup}/models"), json!({ "model": model })).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "model_invalid"),
        "{}",
        refused.json
    );
    let problems = refused.json["problems"].as_array().unwrap();
    let paths: Vec<&str> = problems.iter().map(|problem| problem["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"processes[0].factors[0].factor"), "{paths:?}");
    assert!(paths.contains(&"processes[2].factors[1].unit"), "{paths:?}");
    let unknown = problems.iter().find(|problem| problem["path"] == "processes[0].factors[0].factor").unwrap();
    assert!(unknown["message"].as_str().unwrap().contains("no-such-factor"), "{unknown}");
    assert!(!unknown["hint"].as_str().unwrap().is_empty());
    assert_eq!(editor.get(&format!("/api/v1/products/{cup}/models")).await.json, json!([]), "nothing was saved");

    // A broken TOML file names its line; a body that is neither JSON nor TOML is a bad request.
    let broken =
        post_text(&app, &editor_token, &format!("/api/v1/products/{cup}/models"), "application/toml", "gwp = \n").await;
    assert_eq!((broken.status, broken.code()), (StatusCode::UNPROCESSABLE_ENTITY, "model_invalid"));
    assert_eq!(broken.json["problems"][0]["line"], 1, "{}", broken.json);
    assert_eq!(broken.json["problems"][0]["code"], "toml_syntax", "{}", broken.json);
    assert_eq!(unknown["code"], "unknown_factor", "{unknown}");
    // Six mistakes, three the file reader finds and three only the model check finds: all six in one answer, each
    // with the line and key it is about — as `tanji footprint compute` reports them.
    let six = cup_with_six_mistakes();
    let refused =
        post_text(&app, &editor_token, &format!("/api/v1/products/{cup}/models"), "application/toml", &six).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "model_invalid"));
    let problems = refused.json["problems"].as_array().unwrap();
    let found: Vec<(&str, &str, u64)> = problems
        .iter()
        .map(|problem| {
            let line = problem["line"].as_u64().unwrap_or_else(|| panic!("no line in {problem}"));
            (problem["code"].as_str().unwrap(), problem["path"].as_str().unwrap(), line)
        })
        .collect();
    let line = |needle: &str| line_of(&six, needle) as u64;
    for expected in [
        ("wrong_type", "processes[0].outputs[0].amount", line("amount = \"one\"")),
        ("unknown_value", "processes[1].stage", line("stage = \"producton\"")),
        ("unknown_key", "product.reference_perod_end", line("reference_perod_end")),
        ("unknown_factor", "processes[0].factors[1].factor", line("natural-gas-t\"")),
        ("negative_amount", "processes[1].inputs[0].amount", line("amount = -10.5")),
        ("unit_mismatch", "processes[0].factors[2].unit", line("amount = 30, unit = \"kWh\"")),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert_eq!(found.len(), 6, "each problem once: {found:?}");
    assert_eq!(editor.get(&format!("/api/v1/products/{cup}/models")).await.json, json!([]), "nothing was saved");
    let text = post_text(&app, &editor_token, &format!("/api/v1/products/{cup}/models"), "text/plain", "hello").await;
    assert_eq!((text.status, text.code()), (StatusCode::BAD_REQUEST, "bad_request"));
    let shapeless = editor.post(&format!("/api/v1/products/{cup}/models"), json!({ "processes": [] })).await;
    assert_eq!((shapeless.status, shapeless.code()), (StatusCode::BAD_REQUEST, "bad_request"));

    // Computing needs a model; Monte Carlo is capped.
    let no_model = editor.post(&format!("/api/v1/products/{cup}/footprints"), json!({})).await;
    assert_eq!(no_model.status, StatusCode::NOT_FOUND, "{}", no_model.json);
    let saved =
        post_text(&app, &editor_token, &format!("/api/v1/products/{cup}/models"), "application/toml", CUP_TOML).await;
    assert_eq!(saved.status, StatusCode::CREATED);
    let too_many = editor
        .post(&format!("/api/v1/products/{cup}/footprints"), json!({ "monte_carlo": { "iterations": 20_001 } }))
        .await;
    assert_eq!(
        (too_many.status, too_many.code(), too_many.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", Some("monte_carlo.iterations"))
    );
    assert!(too_many.json["message"].as_str().unwrap().contains("20000"), "{}", too_many.json);
    let version_zero = editor.post(&format!("/api/v1/products/{cup}/footprints"), json!({ "version": 0 })).await;
    assert_eq!(version_zero.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_such_version = editor.post(&format!("/api/v1/products/{cup}/footprints"), json!({ "version": 9 })).await;
    assert_eq!(no_such_version.status, StatusCode::NOT_FOUND);
    assert_eq!(editor.get(&format!("/api/v1/products/{cup}/footprints")).await.json, json!([]), "nothing computed");

    // A read-scope token reads and may not write (viewers, whose tokens can only read, are tried in the console).
    let reader = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read").await);
    assert_eq!(reader.get("/api/v1/products").await.status, StatusCode::OK);
    assert_eq!(reader.get(&format!("/api/v1/products/{cup}/models/1")).await.status, StatusCode::OK);
    for refused in [
        reader.post("/api/v1/products", json!({ "sku": "R-1", "name_en": "r" })).await,
        reader.post(&format!("/api/v1/products/{cup}/models"), json!({ "model": cup_file().model })).await,
        reader.post(&format!("/api/v1/products/{cup}/footprints"), json!({})).await,
        reader.put(&format!("/api/v1/products/{cup}/baseline"), json!({ "baseline_product_id": null })).await,
    ] {
        assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", refused.json);
        assert!(refused.json["message"].as_str().unwrap().contains("write"), "names the scope: {}", refused.json);
    }
    assert_eq!(app.anonymous_api().get("/api/v1/products").await.status, StatusCode::UNAUTHORIZED);

    // The OpenAPI document describes the resources.
    let document = app.anonymous_api().get("/api/v1/openapi.json").await.json;
    for path in [
        "/api/v1/products",
        "/api/v1/products/{id}/baseline",
        "/api/v1/products/{id}/models/{version}",
        "/api/v1/products/{id}/footprints",
        "/api/v1/footprints/{id}/verify",
        "/api/v1/footprints/{id}/publish",
        "/api/v1/publications/{id}/withdraw",
    ] {
        assert!(document["paths"][path].is_object(), "{path} is not documented");
    }
    assert!(
        document["paths"]["/api/v1/products/{id}/models"]["post"]["requestBody"]["content"]["application/toml"]
            .is_object()
    );
}

/// Every id of the brand's product footprint work, as another organisation would try them.
struct BrandIds {
    cup: String,
    baseline: String,
    footprint: String,
    publication: String,
}

async fn brand_ids(app: &TestApp, world: &World) -> BrandIds {
    let editor_token = World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await;
    let editor = app.api(&editor_token);
    let (cup, baseline) = cup_with_baseline(app, &editor_token).await;
    let footprint = id_of(&editor.post(&format!("/api/v1/products/{cup}/footprints"), json!({})).await);
    let publication = id_of(&editor.post(&format!("/api/v1/footprints/{footprint}/publish"), json!({})).await);
    BrandIds { cup, baseline, footprint, publication }
}

/// An auditor of the other supplier, so that even the verify endpoint is tried by someone allowed to verify.
async fn other_auditor(app: &TestApp, world: &World) -> String {
    let email = "auditor@other.example";
    let member = NewMember {
        email: Email::parse(email).unwrap(),
        display_name: Some(DisplayName::parse("Other auditor").unwrap()),
        role: Role::Auditor,
        initial_password: Some(Password::parse_new(PASSWORD).unwrap()),
    };
    app.store().operator_add_member(world.other_supplier.id, &member).await.unwrap();
    World::token(app.store(), &world.other_supplier, email, "read,write").await
}

on_both_databases!(another_organisation_sees_none_of_the_products_footprints_or_labels);
async fn another_organisation_sees_none_of_the_products_footprints_or_labels(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let ids = brand_ids(&app, &world).await;
    let intruder_token = World::token(app.store(), &world.other_supplier, OTHER_SUPPLIER_OWNER, "read,write").await;
    let intruder = app.api(&intruder_token);
    let auditor = app.api(&other_auditor(&app, &world).await);
    let BrandIds { cup, baseline, footprint, publication } = &ids;
    // The intruder's own product, to try the brand's as its baseline.
    let own = create_product(&intruder, "OTHER-1", "Other cup").await;

    let attempts = [
        intruder.get(&format!("/api/v1/products/{cup}")).await,
        intruder.put(&format!("/api/v1/products/{cup}/baseline"), json!({ "baseline_product_id": null })).await,
        intruder.put(&format!("/api/v1/products/{own}/baseline"), json!({ "baseline_product_id": baseline })).await,
        intruder.get(&format!("/api/v1/products/{cup}/models")).await,
        intruder.post(&format!("/api/v1/products/{cup}/models"), json!({ "model": cup_file().model })).await,
        post_text(&app, &intruder_token, &format!("/api/v1/products/{cup}/models"), "application/toml", CUP_TOML).await,
        intruder.get(&format!("/api/v1/products/{cup}/models/1")).await,
        intruder.post(&format!("/api/v1/products/{cup}/footprints"), json!({})).await,
        intruder.get(&format!("/api/v1/products/{cup}/footprints")).await,
        intruder.get(&format!("/api/v1/footprints/{footprint}")).await,
        intruder.post(&format!("/api/v1/footprints/{footprint}/publish"), json!({})).await,
        intruder.post(&format!("/api/v1/publications/{publication}/withdraw"), json!({ "reason": "mine" })).await,
        auditor
            .post(
                &format!("/api/v1/footprints/{footprint}/verify"),
                json!({ "verifier_organisation": "X", "statement": "verified" }),
            )
            .await,
    ];
    for (attempt_idx, answer) in attempts.iter().enumerate() {
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "attempt {attempt_idx} should be 404: {}",
            answer.json
        );
    }
    assert_eq!(intruder.get("/api/v1/products").await.json.as_array().map(Vec::len), Some(1), "only its own");
    assert_eq!(intruder.get("/api/v1/publications").await.json, json!([]));

    // Nothing changed for the brand.
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    let product = brand.get(&format!("/api/v1/products/{cup}")).await.json;
    assert_eq!(
        (product["latest_model_version"].as_i64(), product["baseline_product_id"].as_str()),
        (Some(1), Some(baseline.as_str()))
    );
    assert!(brand.get(&format!("/api/v1/footprints/{footprint}")).await.json["sign_off"].is_null());
    assert!(brand.get("/api/v1/publications").await.json[0]["withdrawn_at"].is_null());

    // The console hides them the same way.
    let browser = app.browser();
    browser.log_in(OTHER_SUPPLIER_OWNER).await;
    for path in [
        format!("/console/products/{cup}"),
        format!("/console/products/{cup}/model"),
        format!("/console/products/{cup}/model.toml"),
        format!("/console/footprints/{footprint}"),
        format!("/console/footprints/{footprint}/line?path=processes%5B0%5D.factors%5B0%5D"),
    ] {
        assert_eq!(browser.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    for (action, fields) in [
        (format!("/console/products/{cup}/compute"), vec![]),
        (format!("/console/products/{cup}/baseline"), vec![("baseline_product_id", "")]),
        (format!("/console/products/{cup}/model"), vec![("op", "save")]),
        (format!("/console/footprints/{footprint}/publish"), vec![]),
        (format!("/console/publications/{publication}/withdraw"), vec![("reason", "mine")]),
    ] {
        let page = browser.submit("/console/products", &action, &fields).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}: {}", page.status);
    }
    let list = browser.get("/console/products").await;
    assert!(!list.body.contains(cup.as_str()) && !list.body.contains(footprint.as_str()));
}

// ── The console ─────────────────────────────────────────────────────────────────────────────────────────────────

/// Undoes the HTML escaping of attribute values, as a browser reads them: named and numeric character references.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find(';').filter(|end| *end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "quot" => Some('"'),
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|decimal| decimal.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(character) => {
                out.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + end]))
}

/// The fields a browser would send for the form `form_id` of `html`, without any submit button: text and hidden
/// inputs, checked checkboxes, each select's selected (or first) option, textareas.
fn form_fields(html: &str, form_id: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("id=\"{form_id}\"")).unwrap_or_else(|| panic!("no form #{form_id}"));
    let form = &html[start..start + html[start..].find("</form>").expect("the form ends")];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if tag.starts_with("<input") {
            let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
            let checked = kind != "checkbox" || tag.contains(" checked");
            if let (Some(name), true, false) = (attribute(tag, "name"), checked, kind == "file") {
                fields.push((name, attribute(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            let name = attribute(tag, "name").unwrap_or_default();
            let close = rest.find("</select>").expect("the select ends");
            let options: Vec<&str> = rest[..close].split("<option").skip(1).collect();
            let chosen = options.iter().find(|option| option.contains(" selected")).or(options.first());
            let value = chosen.and_then(|option| attribute(&format!(" {option}"), "value")).unwrap_or_default();
            fields.push((name, value));
            rest = &rest[close..];
            continue;
        } else if tag.starts_with("<textarea") {
            let name = attribute(tag, "name").unwrap_or_default();
            let close = rest.find("</textarea>").expect("the textarea ends");
            fields.push((name, unescape(&rest[tag_end + 1..close])));
        }
        rest = &rest[tag_end.min(rest.len())..];
        if rest.len() <= 1 {
            break;
        }
        rest = &rest[1..];
    }
    fields
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    match fields.iter_mut().find(|(key, _)| key == name) {
        Some(field) => field.1 = value.to_owned(),
        None => panic!("the form has no field {name}: {:?}", fields.iter().map(|(key, _)| key).collect::<Vec<_>>()),
    }
}

/// Posts the editor's fields with `op`.
async fn post_editor(browser: &crate::harness::Browser, product: &str, fields: &[(String, String)], op: &str) -> Page {
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    pairs.push(("op", op));
    browser.post_raw(&format!("/console/products/{product}/model"), &pairs, &[]).await
}

/// The id in a redirect to `/console/{kind}/{id}…`.
fn redirected_id(page: &Page, kind: &str) -> String {
    let location = page.location();
    let prefix = format!("/console/{kind}/");
    assert!(location.starts_with(&prefix), "expected a redirect to {prefix}…, got {} {location}", page.status);
    location[prefix.len()..].split(['?', '#', '/']).next().unwrap().to_owned()
}

on_both_databases!(a_product_model_built_computed_and_published_in_the_console);
async fn a_product_model_built_computed_and_published_in_the_console(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;

    // The empty list explains what a product footprint is and offers the examples.
    let empty = browser.get("/console/products").await;
    assert_eq!(empty.status, StatusCode::OK);
    for text in ["No products yet.", "kg CO2e per declared unit", "Load example", "bamboo-fibre-cup.toml"] {
        assert!(empty.body.contains(text), "the empty list lacks {text:?}");
    }
    let example = browser.get("/console/products/examples/bamboo-fibre-cup.toml").await;
    assert_eq!(example.status, StatusCode::OK);
    assert!(example.headers["content-type"].to_str().unwrap().starts_with("application/toml"));
    assert!(example.body.contains("[baseline]"));

    // A product from the form; its SKU again is refused next to the form, with the values kept.
    let fields = [("sku", "LZ-PLATE-1"), ("name_zh", "甘蔗渣餐盘"), ("name_en", "Bagasse plate")];
    let created = browser.submit("/console/products", "/console/products", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let product = redirected_id(&created, "products");
    let page = browser.get(created.location()).await;
    assert!(page.body.contains("Product created. Next: build its model."), "{}", page.body);
    assert!(page.body.contains("This product has no model yet."));
    let again = browser.submit("/console/products", "/console/products", &fields).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("already has a product with this SKU") && again.body.contains("value=\"甘蔗渣餐盘\""));

    // The editor starts with one process; adding a row comes back with it, nothing saved, the cursor in it.
    let editor = browser.get(&format!("/console/products/{product}/model")).await;
    assert_eq!(editor.status, StatusCode::OK);
    assert!(editor.body.contains("first model.") && editor.body.contains("Save as version 1"), "{}", editor.body);
    let mut fields = form_fields(&editor.body, "model-editor");
    set(&mut fields, "product.name_en", "Bagasse plate 9 inch");
    let added = post_editor(&browser, &product, &fields, "add:0:factors").await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(added.body.contains("name=\"processes[0].factors[0].factor\" value=\"\" autofocus"), "{}", added.body);
    assert!(added.body.contains("value=\"Bagasse plate 9 inch\""), "what was typed stays");
    assert!(!browser.get(&format!("/console/products/{product}")).await.body.contains("Saved as version"), "not saved");

    // Saving with an unknown factor and a word for a number: each problem at its path, everything kept.
    let mut fields = form_fields(&added.body, "model-editor");
    set(&mut fields, "processes[0].factors[0].factor", "no-such-factor");
    set(&mut fields, "processes[0].factors[0].amount", "nine");
    set(&mut fields, "processes[0].factors[0].unit", "kWh");
    let refused = post_editor(&browser, &product, &fields, "save").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("processes[0].factors[0].amount") && refused.body.contains("“nine” is not a number"));
    assert!(refused.body.contains("name=\"processes[0].factors[0].amount\" value=\"nine\" aria-invalid=\"true\""));
    assert!(
        refused.body.contains("no factor “no-such-factor” in the library"),
        "every problem at once: {}",
        refused.body
    );
    set(&mut fields, "processes[0].factors[0].amount", "9");
    let refused = post_editor(&browser, &product, &fields, "save").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("processes[0].factors[0].factor"), "the problem names its path");
    assert!(refused.body.contains("no factor “no-such-factor” in the library"), "{}", refused.body);
    assert!(refused.body.contains("name=\"processes[0].factors[0].factor\" value=\"no-such-factor\" aria-invalid"));
    assert!(refused.body.contains("product.mass_per_declared_unit_kg"), "the empty mass is a problem too");

    // Corrected and saved as version 1.
    set(&mut fields, "processes[0].factors[0].factor", GRID_EAST);
    set(&mut fields, "product.mass_per_declared_unit_kg", "0.014");
    set(&mut fields, "note", "first model");
    let saved = post_editor(&browser, &product, &fields, "save").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.location().contains("notice=model_saved&version=1"), "{}", saved.location());
    let page = browser.get(saved.location()).await;
    assert!(page.body.contains("Saved as version 1."));
    assert!(page.body.contains("first model") && page.body.contains(&format!("{GRID_EAST}@1")), "pinned and shown");
    let toml = browser.get(&format!("/console/products/{product}/model.toml?version=1")).await;
    assert_eq!(toml.status, StatusCode::OK);
    let downloaded = parse_footprint_file(toml.body.as_str()).expect("the download is a footprint file");
    assert_eq!(downloaded.model.processes[0].factors[0].factor, format!("{GRID_EAST}@1"));

    // Monte Carlo above the limit is refused next to the form; without it, a footprint.
    let compute_page = format!("/console/products/{product}");
    let action = format!("/console/products/{product}/compute");
    let too_many =
        browser.submit(&compute_page, &action, &[("monte_carlo", "on"), ("iterations", "50000"), ("seed", "1")]).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_many.body.contains("Iterations: is out of range"), "{}", too_many.body);
    let computed = browser.submit(&compute_page, &action, &[("iterations", "2000"), ("seed", "42")]).await;
    assert_eq!(computed.status, StatusCode::SEE_OTHER, "{}", computed.body);
    let footprint = redirected_id(&computed, "footprints");
    let page = browser.get(&format!("/console/footprints/{footprint}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // 9 kWh per plate × 561.7 kg CO2e/MWh = 5.055 kg CO2e, shown in kilograms.
    assert!(page.body.contains("id=\"total-figure\">5.055</a>"), "{}", page.body);
    for text in [
        "kg CO2e",
        "Lines (provenance)",
        "stage-waterfall",
        "process-contribution",
        "contribution-sankey",
        "Contributions through the product system",
        "Not verified yet",
    ] {
        assert!(page.body.contains(text), "the footprint page lacks {text:?}");
    }
    assert!(!page.body.contains("monte-carlo-histogram"), "no histogram without a Monte Carlo run");
    // A number leads to its line, the line to its factor.
    let line = browser.get(&format!("/console/footprints/{footprint}/line?path=processes%5B0%5D.factors%5B0%5D")).await;
    assert_eq!(line.status, StatusCode::OK);
    assert!(line.body.contains("0.009 MWh × 561.7 kg CO2e/MWh = 5.0553 kg CO2e"), "{}", line.body);
    assert!(line.body.contains(&format!("href=\"/console/factors?q={GRID_EAST}\"")));
    assert!(line.body.contains("PRC official document"), "the factor's licence");
    let missing = browser.get(&format!("/console/footprints/{footprint}/line?path=processes%5B9%5D")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let factors = browser.get(&format!("/console/factors?q={GRID_EAST}")).await;
    assert!(factors.body.contains("561.7"), "the factor page finds the factor");

    // Published from the console: the code, the public page and the artwork links.
    let published = browser
        .submit(&format!("/console/footprints/{footprint}"), &format!("/console/footprints/{footprint}/publish"), &[])
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let page = browser.get(published.location()).await;
    assert!(page.body.contains("Carbon label published."));
    let code_start =
        page.body.find("id=\"public-url\">").expect("the public URL is shown") + "id=\"public-url\">".len();
    let public_url = &page.body[code_start..code_start + page.body[code_start..].find('<').unwrap()];
    let code = public_url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(public_url, format!("{}/l/{code}", app.base_url));
    assert!(page.body.contains(&format!("/l/{code}/label.svg")) && page.body.contains(&format!("/l/{code}/label.png")));

    // Withdrawn from the product page, with a reason.
    let publication = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read").await);
    let publication_id = publication.get("/api/v1/publications").await.json[0]["id"].as_str().unwrap().to_owned();
    let withdrawn = browser
        .submit(
            &format!("/console/products/{product}"),
            &format!("/console/publications/{publication_id}/withdraw"),
            &[("reason", "packaging changed"), ("back", &format!("/console/products/{product}"))],
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    assert!(withdrawn.location().starts_with(&format!("/console/products/{product}?notice=label_withdrawn")));
    let page = browser.get(withdrawn.location()).await;
    assert!(page.body.contains("Carbon label withdrawn.") && page.body.contains("packaging changed"));

    // The list shows the product, its footprint and its label's state.
    let list = browser.get("/console/products").await;
    assert!(list.body.contains("LZ-PLATE-1") && list.body.contains("5.055") && list.body.contains("Withdrawn"));
}

on_both_databases!(a_suppliers_footprint_entered_in_the_editor_is_saved_with_the_model);
async fn a_suppliers_footprint_entered_in_the_editor_is_saved_with_the_model(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let _world = World::build(app.store()).await;
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;
    let fields = [("sku", "LZ-BOWL-1"), ("name_zh", "甘蔗渣碗"), ("name_en", "Bagasse bowl")];
    let created = browser.submit("/console/products", "/console/products", &fields).await;
    let product = redirected_id(&created, "products");

    // "Add supplier footprint" comes back with an empty row, the cursor in its id, nothing saved.
    let editor = browser.get(&format!("/console/products/{product}/model")).await;
    let fields = form_fields(&editor.body, "model-editor");
    let added = post_editor(&browser, &product, &fields, "add_supplier").await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(added.body.contains("name=\"supplier_footprints[0].id\" value=\"\" autofocus"), "{}", added.body);
    let mut fields = form_fields(&added.body, "model-editor");
    for (name, value) in [
        ("supplier_footprints[0].id", "pcf-bagasse-pulp"),
        ("supplier_footprints[0].name_zh", "甘蔗渣浆"),
        ("supplier_footprints[0].name_en", "Bagasse pulp"),
        ("supplier_footprints[0].supplier", "Guangxi Pulp Co."),
        ("supplier_footprints[0].unit", "kg"),
        ("supplier_footprints[0].fossil_kg_co2e", "1.2"),
        ("supplier_footprints[0].biogenic_emissions_kg_co2e", "0.1"),
        ("supplier_footprints[0].biogenic_removals_kg_co2e", "-0.8"),
        ("supplier_footprints[0].land_use_change_kg_co2e", "0.05"),
        ("supplier_footprints[0].data", "primary"),
        ("supplier_footprints[0].quality.technological", "2"),
        ("supplier_footprints[0].quality.temporal", "2"),
        ("supplier_footprints[0].quality.geographical", "1"),
        ("product.mass_per_declared_unit_kg", "0.015"),
    ] {
        set(&mut fields, name, value);
    }
    let with_input = post_editor(&browser, &product, &fields, "add:0:inputs").await;
    assert_eq!(with_input.status, StatusCode::OK);
    assert!(with_input.body.contains("value=\"Guangxi Pulp Co.\""), "what was typed stays");
    let mut fields = form_fields(&with_input.body, "model-editor");
    set(&mut fields, "processes[0].inputs[0].product", "pcf-bagasse-pulp");
    set(&mut fields, "processes[0].inputs[0].amount", "0.015");
    set(&mut fields, "processes[0].inputs[0].unit", "kg");

    // Without its source it is refused, the problem next to the field, everything typed kept, nothing saved.
    let refused = post_editor(&browser, &product, &fields, "save").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("supplier_footprints[0].source"), "{}", refused.body);
    assert!(refused.body.contains("a supplier footprint needs its source"), "{}", refused.body);
    assert!(refused.body.contains("name=\"supplier_footprints[0].source\" value=\"\" aria-invalid=\"true\""));
    for typed in ["value=\"pcf-bagasse-pulp\"", "value=\"Guangxi Pulp Co.\"", "value=\"-0.8\"", "value=\"0.05\""] {
        assert!(refused.body.contains(typed), "{typed} is kept");
    }
    assert!(browser.get(&format!("/console/products/{product}")).await.body.contains("This product has no model yet."));

    // With its source, saved as version 1; the saved model holds the supplier footprint as entered.
    let mut fields = form_fields(&refused.body, "model-editor");
    set(&mut fields, "supplier_footprints[0].source", "EPD-CN-2024-0042");
    let saved = post_editor(&browser, &product, &fields, "save").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.location().contains("version=1"), "{}", saved.location());
    let expected = tanji_footprint::SupplierFootprint {
        id: "pcf-bagasse-pulp".into(),
        name_zh: "甘蔗渣浆".into(),
        name_en: "Bagasse pulp".into(),
        supplier: "Guangxi Pulp Co.".into(),
        unit: "kg".into(),
        fossil_kg_co2e: 1.2,
        biogenic_emissions_kg_co2e: 0.1,
        biogenic_removals_kg_co2e: -0.8,
        land_use_change_kg_co2e: 0.05,
        data: tanji_footprint::DataKind::Primary,
        quality: Some(tanji_footprint::DataQuality {
            technological: 2,
            temporal: 2,
            geographical: 1,
            completeness: None,
            reliability: None,
        }),
        source: "EPD-CN-2024-0042".into(),
        uncertainty: None,
    };
    let toml = browser.get(&format!("/console/products/{product}/model.toml?version=1")).await;
    let saved_model = parse_footprint_file(toml.body.as_str()).expect("the download is a footprint file").model;
    assert_eq!(saved_model.supplier_footprints, std::slice::from_ref(&expected));

    // Opened again and saved unchanged, the next version keeps it.
    let editor = browser.get(&format!("/console/products/{product}/model")).await;
    assert!(editor.body.contains("name=\"supplier_footprints[0].source\" value=\"EPD-CN-2024-0042\""));
    let again = post_editor(&browser, &product, &form_fields(&editor.body, "model-editor"), "save").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let toml = browser.get(&format!("/console/products/{product}/model.toml?version=2")).await;
    let second = parse_footprint_file(toml.body.as_str()).expect("the download is a footprint file").model;
    assert_eq!(second, saved_model, "the round trip through the editor changes nothing");
}

on_both_databases!(examples_uploads_and_other_products_footprints_in_the_console);
async fn examples_uploads_and_other_products_footprints_in_the_console(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let browser = crate::harness::Browser::new(&app.base_url, "zh-CN");
    browser.log_in(BRAND_EDITOR).await;

    // The example: the cup and its baseline, both computed, the cup compared.
    let loaded =
        browser.submit("/console/products", "/console/products/examples", &[("name", "bamboo-fibre-cup")]).await;
    assert_eq!(loaded.status, StatusCode::SEE_OTHER, "{}", loaded.body);
    let cup = redirected_id(&loaded, "products");
    let page = browser.get(loaded.location()).await;
    assert!(page.body.contains("示例已载入") && page.body.contains("原材料获取"), "{}", page.body);
    // With Monte Carlo, the footprint page shows the histogram and the contribution graph, in Chinese.
    let computed = browser
        .submit(
            &format!("/console/products/{cup}"),
            &format!("/console/products/{cup}/compute"),
            &[("monte_carlo", "on"), ("iterations", "300"), ("seed", "3")],
        )
        .await;
    assert_eq!(computed.status, StatusCode::SEE_OTHER, "{}", computed.body);
    let footprint_page = browser.get(&format!("/console/footprints/{}", redirected_id(&computed, "footprints"))).await;
    for text in
        ["monte-carlo-histogram", "蒙特卡洛结果分布", "中位数", "P97.5", "contribution-sankey", "产品系统中的贡献流"]
    {
        assert!(footprint_page.body.contains(text), "the Chinese footprint page lacks {text:?}");
    }
    for english in ["Monte Carlo results", "Contributions through", "more below the cut-off", "(fossil)"] {
        assert!(!footprint_page.body.contains(english), "English {english:?} on the Chinese page");
    }
    assert!(page.body.contains("17.34") && page.body.contains("g CO2e 每只杯"), "the cup in grams per cup");
    let twice =
        browser.submit("/console/products", "/console/products/examples", &[("name", "bamboo-fibre-cup")]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "the SKUs are taken");
    let unknown = browser.submit("/console/products", "/console/products/examples", &[("name", "../etc")]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Another product uses the cup's latest footprint as an input.
    let created = browser
        .submit(
            "/console/products",
            "/console/products",
            &[("sku", "LZ-GIFT-SET"), ("name_zh", "礼盒"), ("name_en", "Gift set")],
        )
        .await;
    let gift = redirected_id(&created, "products");
    let editor = browser.get(&format!("/console/products/{gift}/model")).await;
    let mut fields = form_fields(&editor.body, "model-editor");
    assert!(editor.body.contains(&format!("<option value=\"{cup}\">RH-CUP-BF-250")), "the cup is offered");
    set(&mut fields, "add_input_product[0]", &cup);
    let added = post_editor(&browser, &gift, &fields, "add_product_input:0").await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(added.body.contains("pcf-rh-cup-bf-250") && added.body.contains("tanji footprint "), "{}", added.body);
    let mut fields = form_fields(&added.body, "model-editor");
    set(&mut fields, "processes[0].inputs[0].amount", "6");
    set(&mut fields, "product.mass_per_declared_unit_kg", "0.07");
    let saved = post_editor(&browser, &gift, &fields, "save").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let computed =
        browser.submit(&format!("/console/products/{gift}"), &format!("/console/products/{gift}/compute"), &[]).await;
    let footprint = redirected_id(&computed, "footprints");
    let line = browser.get(&format!("/console/footprints/{footprint}/line?path=processes%5B0%5D.inputs%5B0%5D")).await;
    assert_eq!(line.status, StatusCode::OK);
    assert!(line.body.contains("href=\"/console/footprints/"), "the input leads on to the cup's footprint");
    // Six cups: six times the cup's footprint, all of it from that input.
    let gift_total = app
        .api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read").await)
        .get(&format!("/api/v1/footprints/{footprint}"))
        .await
        .json["footprint"]["total_kg_co2e"]
        .clone();
    close(&gift_total, 6.0 * cup_by_hand().total_kg_co2e, "six cups");

    // A footprint file uploaded as the next version; a broken one is refused with its problems.
    let uploader = Uploader::log_in(&app, BRAND_EDITOR).await;
    let product_page = uploader.get(&format!("/console/products/{cup}")).await;
    let action = action_of(&product_page);
    assert!(action.contains("csrf_token="));
    let broken = uploader.post_file(&action, "gwp = \n", "broken").await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("upload-problems") && broken.body.contains("line 1"), "{}", broken.body);
    // Six mistakes of both kinds (the file reader's and the model check's): all six in one pass, each with its line
    // and key, in the person's language.
    let six_mistakes = cup_with_six_mistakes();
    let six = uploader.post_file(&action, &six_mistakes, "broken").await;
    assert_eq!(six.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(six.body.contains("did you mean “production”?"), "{}", six.body);
    let chinese = Uploader::log_in_in(&app, BRAND_EDITOR, "zh-CN").await;
    let six = chinese
        .post_file(&action_of(&chinese.get(&format!("/console/products/{cup}")).await), &six_mistakes, "错")
        .await;
    assert_eq!(six.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = six.body.split("id=\"upload-problems\"").nth(1).expect("the problems table");
    let problems = problems.split("</table>").next().unwrap();
    let rows: Vec<&str> = problems.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 6, "each problem once: {problems}");
    for (path, needle) in [
        ("processes[0].outputs[0].amount", "amount = \"one\""),
        ("processes[1].stage", "stage = \"producton\""),
        ("product.reference_perod_end", "reference_perod_end"),
        ("processes[0].factors[1].factor", "natural-gas-t\""),
        ("processes[1].inputs[0].amount", "amount = -10.5"),
        ("processes[0].factors[2].unit", "amount = 30, unit = \"kWh\""),
    ] {
        let line = format!("第 {} 行", line_of(&six_mistakes, needle));
        assert!(
            rows.iter().any(|row| row.contains(&format!("<code>{path}</code>")) && row.contains(&line)),
            "{path} at {line} not in {problems}"
        );
    }
    assert!(!problems.contains("must be") && !problems.contains("did you mean"), "English on a zh-CN page: {problems}");
    let uploaded = uploader.post_file(&action, CUP_TOML, "re-uploaded").await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER);
    assert!(uploaded.location().contains("version=2"), "{}", uploaded.location());
    let without_token = uploader.post_file(&format!("/console/products/{cup}/upload"), CUP_TOML, "x").await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN, "CSRF");
}

on_both_databases!(auditors_verify_in_the_console_and_change_nothing_else);
async fn auditors_verify_in_the_console_and_change_nothing_else(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let ids = brand_ids(&app, &world).await;
    let BrandIds { cup, footprint, publication, .. } = &ids;
    let auditor = app.browser();
    auditor.log_in(BRAND_AUDITOR).await;

    let page = auditor.get(&format!("/console/products/{cup}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(&format!("action=\"/console/products/{cup}/compute\"")), "no compute form");
    assert!(!page.body.contains("upload?csrf_token"), "no upload form");
    assert_eq!(auditor.get(&format!("/console/products/{cup}/model")).await.status, StatusCode::FORBIDDEN);
    let page = auditor.get(&format!("/console/footprints/{footprint}")).await;
    assert!(page.body.contains(&format!("action=\"/console/footprints/{footprint}/verify\"")));
    assert!(!page.body.contains(&format!("action=\"/console/footprints/{footprint}/publish\"")));

    let from = format!("/console/footprints/{footprint}");
    for (action, fields) in [
        ("/console/products".to_owned(), vec![("sku", "A-1"), ("name_en", "a")]),
        ("/console/products/examples".to_owned(), vec![("name", "bagasse-plate")]),
        (format!("/console/products/{cup}/model"), vec![("op", "save")]),
        (format!("/console/products/{cup}/compute"), vec![]),
        (format!("/console/products/{cup}/baseline"), vec![("baseline_product_id", "")]),
        (format!("/console/footprints/{footprint}/publish"), vec![]),
        (format!("/console/publications/{publication}/withdraw"), vec![("reason", "no")]),
    ] {
        let refused = auditor.submit(&from, &action, &fields).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{action}");
    }

    // The editor may not verify; the auditor does, once; the page then shows the sign-off.
    let editor = app.browser();
    editor.log_in(BRAND_EDITOR).await;
    let verify = format!("/console/footprints/{footprint}/verify");
    let statement = [("verifier_organisation", "CQC 中国质量认证中心"), ("statement", "ISO 14067 有限保证")];
    assert_eq!(editor.submit(&from, &verify, &statement).await.status, StatusCode::FORBIDDEN);
    let empty = auditor.submit(&from, &verify, &[("verifier_organisation", "CQC"), ("statement", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Verification statement: is required"), "{}", empty.body);
    let verified = auditor.submit(&from, &verify, &statement).await;
    assert_eq!(verified.status, StatusCode::SEE_OTHER);
    let page = auditor.get(verified.location()).await;
    assert!(page.body.contains("Footprint signed off as verified.") && page.body.contains("CQC 中国质量认证中心"));
    assert!(!page.body.contains(&format!("action=\"{verify}\"")), "signed once");

    // Viewers read everything and change nothing.
    let viewer = app.browser();
    viewer.log_in(BRAND_VIEWER).await;
    assert_eq!(viewer.get(&format!("/console/footprints/{footprint}")).await.status, StatusCode::OK);
    let list = viewer.get("/console/products").await;
    assert!(list.body.contains(CUP_SKU) && !list.body.contains("action=\"/console/products\""));
}

/// A console session that can send files (the upload form is multipart with its CSRF token in the action).
struct Uploader {
    client: reqwest::Client,
    base_url: String,
}

/// The upload form's action on a product page, with its CSRF token.
fn action_of(product_page: &Page) -> String {
    let (product, query) = product_page
        .body
        .split("action=\"/console/products/")
        .find_map(|rest| {
            let action = rest.split('"').next().unwrap();
            action.split_once("/upload?").map(|(product, query)| (product.to_owned(), query.to_owned()))
        })
        .expect("the upload form");
    format!("/console/products/{product}/upload?{}", unescape(&query))
}

impl Uploader {
    async fn log_in(app: &TestApp, email: &str) -> Self {
        Self::log_in_in(app, email, "en").await
    }

    /// Logs in with `accept_language` as the browser's language.
    async fn log_in_in(app: &TestApp, email: &str, accept_language: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert("accept-language", accept_language.parse().unwrap());
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("an HTTP client");
        let uploader = Self { client, base_url: app.base_url.clone() };
        let token = uploader.get("/login").await.csrf_token().expect("the login form");
        let response = uploader
            .client
            .post(format!("{}/login", uploader.base_url))
            .form(&[("email", email), ("password", PASSWORD), ("csrf_token", token.as_str())])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "logging in as {email}");
        uploader
    }

    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("reading a response body");
        Page { status, headers, body }
    }

    async fn get(&self, path: &str) -> Page {
        Self::read(self.client.get(format!("{}{path}", self.base_url)).send().await.expect("GET")).await
    }

    async fn post_file(&self, action: &str, toml: &str, note: &str) -> Page {
        let boundary = "----tanji-footprint-boundary-7d2a";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model.toml\"\r\n\
             Content-Type: application/toml\r\n\r\n{toml}\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"note\"\r\n\r\n{note}\r\n--{boundary}--\r\n"
        );
        let response = self
            .client
            .post(format!("{}{action}", self.base_url))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .expect("POST multipart");
        Self::read(response).await
    }
}

on_both_databases!(loading_an_example_that_fails_part_way_leaves_nothing);
async fn loading_an_example_that_fails_part_way_leaves_nothing(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let browser = crate::harness::Browser::new(&app.base_url, "en");
    browser.log_in(BRAND_EDITOR).await;
    // The cup's SKU is taken, its baseline's is not: the example fails after the baseline would have been made.
    let created = browser
        .submit("/console/products", "/console/products", &[("sku", CUP_SKU), ("name_zh", "杯"), ("name_en", "Cup")])
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);

    let loaded =
        browser.submit("/console/products", "/console/products/examples", &[("name", "bamboo-fibre-cup")]).await;
    assert_eq!(loaded.status, StatusCode::CONFLICT, "{}", loaded.body);
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read").await);
    let products = api.get("/api/v1/products").await.json;
    let skus: Vec<&str> = products.as_array().unwrap().iter().map(|product| product["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, [CUP_SKU], "nothing of the example was kept");
}
