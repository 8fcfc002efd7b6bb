//! The energy site API: tree, production batches, analysis of stored data in the request's language, measures with
//! verified savings, and who may do what.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tanji_energy::synthetic::{ExampleOptions, ruihe_paper_cups_example};
use tanji_store::energy_site::SiteImport;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_AUDITOR, BRAND_EDITOR, BRAND_OWNER, BRAND_VIEWER, SUPPLIER_OWNER, TestApp, World};

async fn facility(api: &crate::harness::Api) -> String {
    let answer =
        api.post("/api/v1/facilities", json!({ "name": "纸杯厂", "kind": "factory", "subdivision": "CN-ZJ" })).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    answer.json["id"].as_str().unwrap().to_owned()
}

/// 70 days from 2025-01-01 of the two cup lines, line 2's heater fixed on 2025-02-19, imported through the store.
async fn import_example(app: &TestApp, world: &World, facility_id: &str) {
    let files = ruihe_paper_cups_example(&ExampleOptions {
        seed: 11,
        first_day: jiff::civil::date(2025, 1, 1),
        days: 70,
        interval_minutes: 60,
        heater_fixed_on: Some(jiff::civil::date(2025, 2, 19)),
        faults: false,
    });
    let site = tanji_energy::file::read_site_file("site.toml", files.site_toml.as_bytes()).unwrap();
    let (readings, _) =
        tanji_energy::file::read_readings_csv("readings.csv", files.readings_csv.as_bytes(), &site.site).unwrap();
    let production =
        tanji_energy::file::read_production_csv("production.csv", files.production_csv.as_bytes(), &site.site).unwrap();
    let import =
        SiteImport::from_files(site.site, &readings, &production, "readings.csv", "production.csv", "site.toml")
            .unwrap();
    let actor = app.store().operator_member_actor(&world.brand, BRAND_EDITOR).await.unwrap();
    app.store().import_energy_site(&actor, facility_id.parse().unwrap(), &import).await.unwrap();
}

on_both_databases!(a_site_is_built_its_production_posted_once_and_its_measure_verified);
async fn a_site_is_built_its_production_posted_once_and_its_measure_verified(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read write").await);
    let facility_id = facility(&api).await;
    let site = format!("/api/v1/energy/sites/{facility_id}");

    let saved = api
        .put(
            &site,
            json!({ "name": "纸杯车间", "interval_minutes": 15, "grid_factor_id": "mee-nbs-2023-grid-cn-zj",
                    "grid_factor_t_co2e_per_mwh": 0.4974, "grid_factor_source": "MEE & NBS 公告2025年第47号" }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    let area = api.put(&format!("{site}/areas/forming"), json!({ "name": "成型车间" })).await;
    assert_eq!(area.status, StatusCode::OK, "{}", area.json);
    let line = json!({ "name": "纸杯三线", "area": "forming", "product_sku": "CUP-9OZ-PE", "output_unit": "cup" });
    assert_eq!(api.put(&format!("{site}/lines/L3"), line).await.status, StatusCode::OK);
    let bad_line = json!({ "name": "x", "area": "nowhere", "product_sku": "CUP", "output_unit": "cup" });
    let answer = api.put(&format!("{site}/lines/L4"), bad_line).await;
    assert_eq!((answer.status, answer.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("area")));
    let meter = json!({ "facility_id": facility_id, "code": "L3-heater", "name": "三线加热器", "kind": "electricity",
                        "unit": "kWh", "register_type": "cumulative" });
    assert_eq!(api.post("/api/v1/energy/meters", meter).await.status, StatusCode::CREATED);
    let placed = api
        .put(
            &format!("{site}/meters/L3-heater/placement"),
            json!({ "area": "forming", "line": "L3", "equipment": "heater" }),
        )
        .await;
    assert_eq!(placed.status, StatusCode::NO_CONTENT, "{}", placed.json);
    let tree = api.get(&site).await;
    assert_eq!(tree.json["lines"][0]["code"], "L3");
    assert_eq!(tree.json["meters"][0]["placement"]["equipment"], "heater");
    assert_eq!(tree.json["site"]["grid_factor"]["factor_id"], "mee-nbs-2023-grid-cn-zj");

    let batch = json!({ "counts": [
        { "line": "L3", "day": "2025-03-01", "sku": "CUP-9OZ-PE", "units": 300000 },
        { "line": "L3", "day": "2025-03-02", "sku": "CUP-9OZ-PE", "units": 310000 },
    ]});
    let first = api.post(&format!("{site}/production"), batch.clone()).await;
    assert_eq!((first.status, first.json["accepted"].as_i64()), (StatusCode::OK, Some(2)), "{}", first.json);
    let again = api.post(&format!("{site}/production"), batch).await;
    assert_eq!((again.json["accepted"].as_i64(), again.json["duplicates"].as_i64()), (Some(0), Some(2)));
    let wrong = json!({ "counts": [{ "line": "L3", "day": "2025-03-03", "sku": "CUP", "units": 1 },
                                   { "line": "L3", "day": "March 4", "sku": "CUP", "units": 1 }] });
    let refused = api.post(&format!("{site}/production"), wrong.clone()).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "production_rejected"));
    assert_eq!(
        (refused.json["items"][0]["index"].as_i64(), refused.json["items"][0]["field"].as_str()),
        (Some(1), Some("day"))
    );
    let english_message = refused.json["items"][0]["message"].as_str().unwrap();
    assert!(english_message.starts_with("counts[1].day"), "{english_message}");
    // In Chinese: the same codes, the messages in the request's language.
    let token = World::token(app.store(), &world.brand, BRAND_EDITOR, "read write").await;
    let chinese: serde_json::Value = reqwest::Client::new()
        .post(format!("{}{site}/production", app.base_url))
        .bearer_auth(&token)
        .header("accept-language", "zh-CN,zh;q=0.9")
        .json(&wrong)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (chinese["code"].as_str(), chinese["items"][0]["code"].as_str()),
        (Some("production_rejected"), Some("malformed"))
    );
    assert_eq!(chinese["message"], "该批中有 1 条产量数据有误，全部未保存；改正后重新发送整批");
    assert_eq!(chinese["items"][0]["message"], "counts[1].day：格式不正确");
}

on_both_databases!(the_analysis_of_stored_data_speaks_the_request_language_and_the_measure_is_verified);
async fn the_analysis_of_stored_data_speaks_the_request_language_and_the_measure_is_verified(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read write").await);
    let facility_id = facility(&api).await;
    import_example(&app, &world, &facility_id).await;
    let site = format!("/api/v1/energy/sites/{facility_id}");

    let analysis_path = format!("{site}/analysis?from=2025-01-01&to=2025-02-18");
    let english = api.get(&analysis_path).await;
    assert_eq!(english.status, StatusCode::OK, "{}", english.json);
    assert_eq!(english.json["language"], "en");
    let peers = english.json["analysis"]["peers"].as_array().unwrap();
    let line_2 = peers.iter().find(|peer| peer["line"] == "L2").expect("line 2 is compared with its peer");
    let gap = line_2["gap_fraction"].as_f64().unwrap();
    assert!((0.25..0.35).contains(&gap), "line 2's gap {gap}");
    assert!(english.json["analysis"]["findings"][0]["kind"].is_object(), "findings keep their codes");
    let token = World::token(app.store(), &world.brand, BRAND_VIEWER, "read").await;
    let chinese: serde_json::Value = reqwest::Client::new()
        .get(format!("{}{analysis_path}", app.base_url))
        .bearer_auth(&token)
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(chinese["language"], "zh-CN");
    let first_text = chinese["findings_text"][0]["text"].as_str().unwrap();
    assert!(first_text.chars().any(|character| ('\u{4e00}'..='\u{9fff}').contains(&character)), "{first_text}");
    assert_eq!(tanji_i18n::latin_sentences(first_text), Vec::<String>::new(), "{first_text}");

    let measure = json!({ "line": "L2", "meter": "L2-heater", "description": "二线加热器设定温度下调",
        "implemented_on": "2025-02-19", "baseline_from": "2025-01-01", "baseline_to": "2025-02-18",
        "reporting_from": "2025-02-19", "reporting_to": "2025-03-11", "expected_saving_kwh_per_year": 300000 });
    let created = api.post(&format!("{site}/measures"), measure).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let per_year = created.json["verification"]["saving_kwh_per_year"].as_f64().unwrap();
    assert!((250_000.0..340_000.0).contains(&per_year), "verified {per_year} kWh/yr");
    let listed = api.get(&format!("{site}/measures")).await;
    assert_eq!(listed.json[0]["verification"]["saving_kwh_per_year"].as_f64(), Some(per_year));

    let backwards = json!({ "line": "L2", "description": "x", "implemented_on": "2025-02-19",
        "baseline_from": "2025-01-01", "baseline_to": "2025-03-01", "reporting_from": "2025-02-19", "reporting_to": "2025-03-11" });
    let refused = api.post(&format!("{site}/measures"), backwards).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("baseline_last"))
    );
}

on_both_databases!(energy_site_endpoints_refuse_strangers_readers_and_other_tenants);
async fn energy_site_endpoints_refuse_strangers_readers_and_other_tenants(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read write").await);
    let facility_id = facility(&owner).await;
    import_example(&app, &world, &facility_id).await;
    let site = format!("/api/v1/energy/sites/{facility_id}");
    let settings =
        json!({ "name": "x", "interval_minutes": 60, "grid_factor_t_co2e_per_mwh": 0.5, "grid_factor_source": "s" });
    let line = json!({ "name": "x", "area": "forming", "product_sku": "CUP", "output_unit": "cup" });
    let count = json!({ "counts": [{ "line": "L1", "day": "2025-06-01", "sku": "CUP-9OZ-PE", "units": 1 }] });
    let measure = json!({ "line": "L2", "description": "x", "implemented_on": "2025-02-19", "baseline_from": "2025-01-01",
        "baseline_to": "2025-02-18", "reporting_from": "2025-02-19", "reporting_to": "2025-03-11" });
    let reads = [site.clone(), format!("{site}/analysis?from=2025-01-01&to=2025-01-31"), format!("{site}/measures")];

    let anonymous = app.anonymous_api();
    for path in &reads {
        assert_eq!(anonymous.get(path).await.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(anonymous.put(&site, settings.clone()).await.status, StatusCode::UNAUTHORIZED);

    let viewer = app.api(&World::token(app.store(), &world.brand, BRAND_VIEWER, "read").await);
    let auditor = app.api(&World::token(app.store(), &world.brand, BRAND_AUDITOR, "read write").await);
    let read_only = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    for api in [&viewer, &auditor, &read_only] {
        for path in &reads {
            assert_eq!(api.get(path).await.status, StatusCode::OK, "{path}");
        }
        for answer in [
            api.put(&site, settings.clone()).await,
            api.put(&format!("{site}/areas/a2"), json!({ "name": "x" })).await,
            api.put(&format!("{site}/lines/L9"), line.clone()).await,
            api.put(&format!("{site}/meters/L1-air/placement"), json!({ "area": "forming", "equipment": "other" }))
                .await,
            api.post(&format!("{site}/production"), count.clone()).await,
            api.post(&format!("{site}/measures"), measure.clone()).await,
        ] {
            assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", answer.json);
        }
    }

    let stranger = app.api(&World::token(app.store(), &world.supplier, SUPPLIER_OWNER, "read write").await);
    for path in &reads {
        let answer = stranger.get(path).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"), "{path}");
    }
    for answer in [
        stranger.put(&site, settings).await,
        stranger.put(&format!("{site}/lines/L9"), line).await,
        stranger.post(&format!("{site}/production"), count).await,
        stranger.post(&format!("{site}/measures"), measure).await,
    ] {
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"), "{}", answer.json);
    }
    let production = owner.get(&format!("{site}/analysis?from=2025-06-01&to=2025-06-01")).await;
    assert_eq!(production.status, StatusCode::OK);

    let document = app.anonymous_api().get("/api/v1/openapi.json").await.json;
    for path in [
        "/api/v1/energy/sites/{facility_id}",
        "/api/v1/energy/sites/{facility_id}/areas/{code}",
        "/api/v1/energy/sites/{facility_id}/lines/{code}",
        "/api/v1/energy/sites/{facility_id}/meters/{code}/placement",
        "/api/v1/energy/sites/{facility_id}/production",
        "/api/v1/energy/sites/{facility_id}/analysis",
        "/api/v1/energy/sites/{facility_id}/measures",
    ] {
        assert!(document["paths"][path].is_object(), "the document lacks {path}");
    }
}

on_both_databases!(the_chain_hands_measured_energy_to_the_footprint_and_the_inventory_over_rest);
/// The one chain over REST: the cup's model takes the output-weighted kWh per cup of both lines, the facility's
/// counted meters go into the inventory once, the sub-metering tree decides which meters count; who may do each.
async fn the_chain_hands_measured_energy_to_the_footprint_and_the_inventory_over_rest(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read write").await);
    let facility_id = facility(&editor).await;
    import_example(&app, &world, &facility_id).await;
    let site = format!("/api/v1/energy/sites/{facility_id}");
    let actor = app.store().operator_member_actor(&world.brand, BRAND_EDITOR).await.unwrap();
    let model =
        tanji_footprint::parse_footprint_file(include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml"))
            .unwrap()
            .model;
    let new = tanji_store::NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    };
    let product = app.store().create_product(&actor, &new).await.unwrap();
    app.store().save_model(&actor, &product.id, &model, "typed").await.unwrap();

    // The SKU's intensity over both lines, each with its share of the output.
    let intensity = editor.get(&format!("{site}/intensity?sku=CUP-9OZ-PE&from=2025-01-01&to=2025-01-31")).await;
    assert_eq!(intensity.status, StatusCode::OK, "{}", intensity.json);
    let lines = intensity.json["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let shares: f64 = lines.iter().map(|line| line["output_share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-12, "{shares}");
    let kwh_per_cup = intensity.json["kwh_per_unit"].as_f64().unwrap();

    let body = json!({ "product_id": product.id, "process_id": "cup-forming", "sku": "CUP-9OZ-PE",
                       "from": "2025-01-01", "to": "2025-01-31" });
    let handed = editor.post(&format!("{site}/footprint"), body.clone()).await;
    assert_eq!(handed.status, StatusCode::CREATED, "{}", handed.json);
    assert_eq!(handed.json["version"], 2);
    assert_eq!(handed.json["measured"]["line"], "L1, L2");
    assert_eq!(handed.json["measured"]["lines"].as_array().unwrap().len(), 2);
    // The site has electricity meters only: the electricity per cup is the whole measured figure.
    let measured = handed.json["measured"]["kwh_per_unit"].as_f64().unwrap();
    assert!((measured / kwh_per_cup - 1.0).abs() < 1e-9, "{measured} vs {kwh_per_cup}");
    let unknown_sku = editor.post(&format!("{site}/footprint"), with(&body, "sku", "PLATE")).await;
    assert_eq!(
        (unknown_sku.status, unknown_sku.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("sku"))
    );
    let bad_day = editor.post(&format!("{site}/footprint"), with(&body, "from", "January")).await;
    assert_eq!((bad_day.status, bad_day.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("from")));

    // The facility's January into the inventory: every line meter counts while none has an upstream meter.
    let inventory_body = json!({ "from": "2025-01-01", "to": "2025-02-09", "emission_point": "主变 10kV 进线" });
    // First the preview (dry run): what would be written and its effect on the 2025 totals, nothing written.
    let mut dry_run = inventory_body.clone();
    dry_run["dry_run"] = json!(true);
    let previewed = editor
        .call_with_headers(
            Method::POST,
            &format!("{site}/inventory"),
            Some(dry_run.clone()),
            &[("accept-language", "zh-CN")],
        )
        .await;
    assert_eq!(previewed.status, StatusCode::OK, "{}", previewed.json);
    assert_eq!((previewed.json["dry_run"].clone(), previewed.json["n_records"].clone()), (json!(true), json!(1)));
    let notice = &previewed.json["electricity_months"][0];
    assert_eq!(notice["factor_origin"], json!({ "origin": "site_grid_factor" }), "{notice}");
    assert!(notice["message"].as_str().unwrap().starts_with("2025-01：计量电量"), "{notice}");
    let year = &previewed.json["years"][0];
    assert_eq!(year["year"], 2025);
    assert!(year["after"]["location_kg"].as_f64().unwrap() > year["before"]["location_kg"].as_f64().unwrap());
    assert!(app.store().activities(&actor, Some(2025)).await.unwrap().is_empty(), "a dry run writes nothing");
    let recorded = editor.post(&format!("{site}/inventory"), inventory_body.clone()).await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.json);
    assert_eq!(recorded.json["n_records"], 1);
    assert_eq!(recorded.json["incomplete"], json!([{ "month": "2025-02", "carrier": "electricity" }]));
    let totals = editor.get(&format!("{site}/totals")).await;
    assert_eq!(totals.status, StatusCode::OK, "{}", totals.json);
    assert!(totals.json["meters"].as_array().unwrap().iter().all(|meter| meter["counts"] == true));
    // L1-heater under L1-drive (both electricity): only L1-drive counts of the two; a loop is refused.
    let parented = editor.put(&format!("{site}/meters/L1-heater/parent"), json!({ "parent": "L1-drive" })).await;
    assert_eq!(parented.status, StatusCode::NO_CONTENT, "{}", parented.json);
    let looped = editor.put(&format!("{site}/meters/L1-drive/parent"), json!({ "parent": "L1-heater" })).await;
    assert_eq!(
        (looped.status, looped.json["field"].as_str(), looped.json["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("parent"), Some("parent_loop"))
    );
    assert!(looped.json["message"].as_str().unwrap().contains("downstream of L1-drive"), "{}", looped.json);
    // The refusals' codes are stable and their messages follow Accept-Language.
    let in_chinese = |path: String, parent: &'static str| {
        let editor = &editor;
        async move {
            editor
                .call_with_headers(
                    Method::PUT,
                    &path,
                    Some(json!({ "parent": parent })),
                    &[("accept-language", "zh-CN")],
                )
                .await
        }
    };
    let looped = in_chinese(format!("{site}/meters/L1-drive/parent"), "L1-heater").await;
    assert_eq!(looped.json["code"], "parent_loop");
    assert!(looped.json["message"].as_str().unwrap().contains("已在表 L1-drive 的下级"), "{}", looped.json);
    let same = in_chinese(format!("{site}/meters/L1-drive/parent"), "L1-drive").await;
    assert_eq!((same.json["code"].as_str(), same.json["field"].as_str()), (Some("parent_same_meter"), Some("parent")));
    assert!(same.json["message"].as_str().unwrap().contains("不能是自己的上级表"), "{}", same.json);
    let unknown = in_chinese(format!("{site}/meters/L1-drive/parent"), "NO-SUCH").await;
    assert_eq!(
        (unknown.status, unknown.json["code"].as_str(), unknown.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("meter_not_placed"), Some("parent"))
    );
    assert!(unknown.json["message"].as_str().unwrap().contains("表 NO-SUCH 没有放入"), "{}", unknown.json);
    let totals = editor.get(&format!("{site}/totals")).await;
    let heater = totals.json["meters"].as_array().unwrap().iter().find(|meter| meter["meter"] == "L1-heater").unwrap();
    assert_eq!((heater["counts"].clone(), heater["top"].clone()), (json!(false), json!("L1-drive")));
    let again = editor.post(&format!("{site}/inventory"), inventory_body.clone()).await;
    assert_eq!((again.json["n_records"].clone(), again.json["n_replaced"].clone()), (json!(1), json!(1)));
    let activities = app.store().activities(&actor, Some(2025)).await.unwrap();
    assert_eq!(activities.len(), 1);
    assert!(!activities[0].record.evidence.contains(&"L1-heater".to_owned()), "{:?}", activities[0].record.evidence);

    // A viewer and an auditor may read but not hand over; another organisation sees nothing.
    for (email, scopes) in [(BRAND_VIEWER, "read"), (BRAND_AUDITOR, "read write")] {
        let reader = app.api(&World::token(app.store(), &world.brand, email, scopes).await);
        assert_eq!(reader.post(&format!("{site}/footprint"), body.clone()).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            reader.post(&format!("{site}/inventory"), inventory_body.clone()).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(reader.post(&format!("{site}/inventory"), dry_run.clone()).await.status, StatusCode::FORBIDDEN);
        let parent = reader.put(&format!("{site}/meters/L1-heater/parent"), json!({ "parent": null })).await;
        assert_eq!(parent.status, StatusCode::FORBIDDEN);
    }
    let stranger = app.api(&World::token(app.store(), &world.supplier, SUPPLIER_OWNER, "read write").await);
    assert_eq!(stranger.post(&format!("{site}/footprint"), body.clone()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.post(&format!("{site}/inventory"), inventory_body).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.post(&format!("{site}/inventory"), dry_run).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&format!("{site}/totals")).await.status, StatusCode::NOT_FOUND);
    let stranger_parent = stranger.put(&format!("{site}/meters/L1-heater/parent"), json!({ "parent": null })).await;
    assert_eq!(stranger_parent.status, StatusCode::NOT_FOUND);
    assert_eq!(app.store().model_versions(&actor, &product.id).await.unwrap().len(), 2, "nothing saved by a refusal");
    let unauthenticated = reqwest::Client::new().get(format!("{}{site}/totals", app.base_url)).send().await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
}

/// A body with one field changed.
fn with(body: &serde_json::Value, field: &str, value: &str) -> serde_json::Value {
    let mut changed = body.clone();
    changed[field] = json!(value);
    changed
}
