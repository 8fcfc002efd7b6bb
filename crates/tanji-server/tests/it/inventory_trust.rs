//! Inventory numbers you can trust, through the API and the console: a total that leaves records out says so (in the
//! API's JSON with codes, on the version page and the report in the reader's language), an incomplete version is
//! signed off only with a written reason, an import refuses a row that could never be calculated, and the intensity
//! per unit of output is saved with the version.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_store::NewToken;
use tanji_tenancy::member::Email;
use tanji_tenancy::token::{TokenName, TokenScopes};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_AUDITOR, BRAND_EDITOR, Browser, TestApp, World};

const GRID_EAST: &str = "mee-nbs-2022-grid-cn-grid-east";

/// Two records: one ordinary, one whose result is beyond any real emission (10³⁰ MWh), which cannot be calculated.
fn activities() -> Value {
    json!([
        { "id": "elec-2025-01", "facility": "TZ-01", "period": "2025-01", "source": "purchased_electricity",
          "quantity": "100", "unit": "MWh", "factor": GRID_EAST },
        { "id": "huge-2025-02", "facility": "TZ-01", "period": "2025-02", "source": "purchased_electricity",
          "quantity": "1e30", "unit": "MWh", "factor": GRID_EAST },
    ])
}

async fn factory_with_activities(app: &TestApp, world: &World, rows: Value) -> crate::harness::Api {
    let editor = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    let created = editor
        .post(
            "/api/v1/facilities",
            json!({ "name": "台州工厂", "code": "TZ-01", "kind": "factory", "subdivision": "CN-ZJ" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    if rows.as_array().is_some_and(|rows| !rows.is_empty()) {
        let saved = editor.post("/api/v1/activities", rows).await;
        assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.json);
    }
    editor
}

fn compute_body() -> Value {
    json!({ "reporting_year": 2025, "gwp": "AR6", "consolidation": "operational_control",
            "output_quantity": 4000, "output_unit": "万只", "output_description": "纸杯" })
}

/// An API client for the auditor with the `write` scope that signing off needs.
async fn auditor_api(app: &TestApp, world: &World) -> crate::harness::Api {
    let auditor = app.store().operator_find_user(&Email::parse(BRAND_AUDITOR).unwrap()).await.unwrap().unwrap();
    let new_token = NewToken {
        name: TokenName::parse("verification").unwrap(),
        scopes: TokenScopes::parse("read,write").unwrap(),
        expires_at: None,
    };
    let (_, secret) = app.store().operator_create_token(world.brand.id, auditor.id, &new_token).await.unwrap();
    app.api(&secret)
}

/// The visible text of a page, tags removed, for checks on what a reader sees.
fn visible_text(body: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    let mut in_script = false;
    let lower = body.to_lowercase();
    for (index, character) in body.char_indices() {
        if character == '<' {
            in_tag = true;
            if lower[index..].starts_with("<script") || lower[index..].starts_with("<style") {
                in_script = true;
            } else if lower[index..].starts_with("</script") || lower[index..].starts_with("</style") {
                in_script = false;
            }
            continue;
        }
        if character == '>' {
            in_tag = false;
            text.push(' ');
            continue;
        }
        if !in_tag && !in_script {
            text.push(character);
        }
    }
    text
}

on_both_databases!(an_incomplete_inventory_is_flagged_in_the_api_with_codes_and_messages);
async fn an_incomplete_inventory_is_flagged_in_the_api_with_codes_and_messages(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = factory_with_activities(&app, &world, activities()).await;
    let computed = editor.post("/api/v1/inventories", compute_body()).await;
    assert_eq!(computed.status, StatusCode::CREATED, "{}", computed.json);
    let version = &computed.json;
    assert_eq!(version["complete"], false);
    assert_eq!(version["completeness"]["status"], "incomplete");
    assert_eq!(version["completeness"]["n_records_not_counted"], 1);
    assert_eq!(version["completeness"]["record_ids"], json!(["huge-2025-02"]));
    let message = version["completeness"]["message"].as_str().unwrap();
    assert!(message.starts_with("incomplete: 1 of 2 records"), "{message}");
    assert_eq!(version["inventory"]["totals"]["completeness"]["status"], "incomplete");
    let diagnostic = version["inventory"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|diagnostic| diagnostic["record_id"] == "huge-2025-02")
        .expect("a diagnostic for the record");
    assert_eq!(diagnostic["code"], "implausible_result");
    assert_eq!(diagnostic["message"]["code"], "implausible_result");
    assert!(diagnostic["message"]["message"].as_str().unwrap().contains("beyond any real emission"), "{diagnostic}");
    // The intensity per unit of output is saved with the version.
    assert_eq!(version["intensity"]["output_unit"], "万只");
    let total = version["inventory"]["totals"]["total_location_kg"].as_f64().unwrap();
    let intensity = version["intensity"]["kg_co2e_per_unit_location"].as_f64().unwrap();
    assert!((intensity - total / 4000.0).abs() < 1e-9, "{intensity} vs {total} / 4000");

    // The list says it too, and a reader asking for Chinese gets Chinese messages beside the same codes.
    let listed = editor.get("/api/v1/inventories").await.json;
    assert_eq!((listed[0]["complete"].clone(), listed[0]["n_records_not_counted"].clone()), (json!(false), json!(1)));
    let id = version["id"].as_str().unwrap();
    let chinese = reqwest::Client::new()
        .get(format!("{}/api/v1/inventories/{id}", app.base_url))
        .bearer_auth(World::token(app.store(), &world.brand, BRAND_EDITOR, "read").await)
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(chinese["completeness"]["status"], "incomplete");
    assert!(chinese["completeness"]["message"].as_str().unwrap().starts_with("不完整"), "{}", chinese["completeness"]);
}

on_both_databases!(the_console_shows_the_incomplete_banner_in_chinese_and_no_computed_notice);
async fn the_console_shows_the_incomplete_banner_in_chinese_and_no_computed_notice(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    factory_with_activities(&app, &world, activities()).await;
    let browser = Browser::new(&app.base_url, "zh-CN");
    browser.log_in(BRAND_EDITOR).await;
    let computed = browser
        .submit(
            "/console/inventory",
            "/console/inventory/compute",
            &[
                ("reporting_year", "2025"),
                ("gwp", "AR6"),
                ("consolidation", "operational_control"),
                ("output_quantity", "4000"),
                ("output_unit", "万只"),
            ],
        )
        .await;
    assert_eq!(computed.status, StatusCode::SEE_OTHER, "{}", computed.body);
    assert!(!computed.location().contains("notice="), "no green “computed” for an incomplete version");
    let page = browser.get(computed.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = visible_text(&page.body);
    assert!(text.contains("清单不完整"), "the banner: {text}");
    assert!(text.contains("不完整：2 条记录中有 1 条无法计算"), "the completeness sentence: {text}");
    assert!(text.contains("huge-2025-02"), "the record left out is named");
    assert!(text.contains("超出任何真实排放"), "its problem in Chinese");
    assert!(page.body.contains("notice-error") && !page.body.contains("notice-success"), "{}", page.body);
    for english in ["incomplete:", "Incomplete", "beyond any real emission", "could not be calculated", "did you mean"]
    {
        assert!(!text.contains(english), "English “{english}” on the 简体中文 page: {text}");
    }
    // The intensity is shown with its unit.
    assert!(text.contains("kg CO2e / 万只"), "{text}");
    // The versions list flags it.
    let list = visible_text(&browser.get("/console/inventory").await.body);
    assert!(list.contains("未计入的记录 1"), "{list}");
    // The report says so on its first page, before the results.
    let id = computed.location().trim_start_matches("/console/inventory/");
    let report = browser.get(&format!("/console/inventory/{id}/report")).await;
    let report_text = visible_text(&report.body);
    let banner = report_text.find("清单不完整").expect("the report's banner");
    let results = report_text.find("4.").expect("the results section");
    assert!(banner < results, "the completeness comes first");
    assert!(report_text.contains("排放强度"), "{report_text}");

    // An English reader sees the same in English.
    let english = Browser::new(&app.base_url, "en");
    english.log_in(BRAND_EDITOR).await;
    let page = visible_text(&english.get(computed.location()).await.body);
    assert!(page.contains("Incomplete inventory") && page.contains("incomplete: 1 of 2 records"), "{page}");
}

on_both_databases!(an_incomplete_version_is_signed_off_only_with_a_written_reason);
async fn an_incomplete_version_is_signed_off_only_with_a_written_reason(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = factory_with_activities(&app, &world, activities()).await;
    let id = editor.post("/api/v1/inventories", compute_body()).await.json["id"].as_str().unwrap().to_owned();
    let auditor = auditor_api(&app, &world).await;
    let refused =
        auditor.post(&format!("/api/v1/inventories/{id}/verify"), json!({ "statement": "Limited assurance" })).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "inventory_incomplete"), "{}", refused.json);
    assert_eq!(refused.json["field"], "incomplete_reason");

    // The console refuses it too, in Chinese, and offers the reason field.
    let browser = Browser::new(&app.base_url, "zh-CN");
    browser.log_in(BRAND_AUDITOR).await;
    let page = browser.get(&format!("/console/inventory/{id}")).await;
    assert!(page.body.contains("name=\"incomplete_reason\""), "the sign-off form asks for the reason");
    let refused = browser
        .submit(
            &format!("/console/inventory/{id}"),
            &format!("/console/inventory/{id}/verify"),
            &[("statement", "有限保证")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        visible_text(&refused.body).contains("此清单版本不完整，签署时必须写明接受缺失记录的理由"),
        "{}",
        refused.body
    );
    assert!(editor.get(&format!("/api/v1/inventories/{id}")).await.json["verified_at"].is_null());

    let reason = "huge-2025-02 为录入错误，已确认不重大（保留意见）";
    let verified = auditor
        .post(
            &format!("/api/v1/inventories/{id}/verify"),
            json!({ "statement": "Limited assurance", "incomplete_reason": reason }),
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.json);
    assert_eq!(verified.json["incomplete_sign_off_reason"], reason);
    let report = visible_text(&browser.get(&format!("/console/inventory/{id}/report")).await.body);
    let printed = report.find(reason).expect("the reason is printed in the report");
    assert!(printed < report.find("4.").unwrap(), "on its first page, before the results");
}

on_both_databases!(an_import_refuses_a_row_that_could_never_be_calculated);
async fn an_import_refuses_a_row_that_could_never_be_calculated(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = factory_with_activities(&app, &world, json!([])).await;
    let kg = json!([{ "facility": "TZ-01", "period": "2025-03", "source": "purchased_electricity", "quantity": "1200",
                      "unit": "kg", "factor": GRID_EAST }]);
    let refused = editor.post("/api/v1/activities", kg).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "rows_rejected"));
    let row = &refused.json["rows"][0];
    assert_eq!((row["column"].as_str(), row["code"].as_str()), (Some("unit"), Some("unit_incompatible_with_factor")));
    assert!(row["reason"].as_str().unwrap().contains("cannot be converted to MWh"), "{row}");
    assert!(row["hint"].as_str().unwrap().contains("enter the quantity in MWh"), "{row}");
    assert!(editor.get("/api/v1/activities").await.json.as_array().unwrap().is_empty());
}

on_both_databases!(the_rarer_import_checks_answer_with_their_codes);
async fn the_rarer_import_checks_answer_with_their_codes(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = factory_with_activities(&app, &world, json!([])).await;
    let rows = json!([
        { "facility": "TZ-01", "period": "2025-03", "source": "purchased_electricity", "quantity": "1200",
          "unit": "kWh", "factor": GRID_EAST, "quality": "9,9", "uncertainty_percent": "5000" },
        { "facility": "TZ-01", "period": "2025-03", "source": "stationary_combustion", "quantity": "100", "unit": "t",
          "method": "fuel_combustion", "ncv": "20", "ncv_unit": "GJ/t", "carbon_content": "0.026", "oxidation": "0.98",
          "coal_quantity_basis": "wet", "moisture_as_received": "120" },
        { "facility": "TZ-01", "period": "2025-03", "source": "fugitive", "quantity": "2", "unit": "kg",
          "refrigerant": "R-410A", "refrigerant_approach": "guess", "notes": "a\u{7}b" },
    ]);
    let refused = editor.post("/api/v1/activities", rows).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "rows_rejected"));
    let coded: Vec<(u64, &str, &str)> = refused.json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["row"].as_u64().unwrap(), row["column"].as_str().unwrap(), row["code"].as_str().unwrap()))
        .collect();
    for expected in [
        (1, "quality", "not_quality_scores"),
        (1, "uncertainty_percent", "uncertainty_too_large"),
        (2, "coal_quantity_basis", "not_a_coal_basis"),
        (2, "moisture_as_received", "moisture_out_of_range"),
        (3, "refrigerant_approach", "not_a_refrigerant_approach"),
        (3, "notes", "control_character"),
    ] {
        assert!(coded.contains(&expected), "{expected:?} missing from {coded:?}");
    }
    let coal = refused.json["rows"].as_array().unwrap().iter().find(|row| row["code"] == "not_a_coal_basis").unwrap();
    assert_eq!(coal["reason"], "“wet” is not a coal basis");
    assert!(coal["hint"].as_str().unwrap().contains("air-dried"), "{coal}");
    assert!(editor.get("/api/v1/activities").await.json.as_array().unwrap().is_empty());
}

on_both_databases!(activity_entry_offers_a_template_and_puts_the_import_above_the_list);
async fn activity_entry_offers_a_template_and_puts_the_import_above_the_list(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    factory_with_activities(&app, &world, activities()).await;
    let browser = Browser::new(&app.base_url, "zh-CN");
    browser.log_in(BRAND_EDITOR).await;
    let page = browser.get("/console/activities?year=2025").await;
    let import = page.body.find("id=\"import\"").expect("the import form");
    let list = page.body.find("id=\"activities\"").expect("the activity list");
    assert!(import < list, "the import form comes before the list");
    assert!(page.body.contains("href=\"/console/activities/template.csv\""));
    let template = browser.get("/console/activities/template.csv").await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let header = template.body.trim_start_matches('\u{feff}').lines().next().unwrap().to_owned();
    assert_eq!(header, tanji_inventory::ACTIVITY_COLUMNS.join(","));
    // A wrong entry is refused with its problems in the page's language.
    let refused = browser
        .submit(
            "/console/activities?year=2025",
            "/console/activities",
            &[
                ("facility", "TZ-01"),
                ("period", "2025-13"),
                ("source", "purchased_electricity"),
                ("quantity", "12x"),
                ("unit", "kWhh"),
                ("factor", GRID_EAST),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&refused.body);
    for chinese in
        ["未知单位“kWhh”；您是不是要找“kWh”？", "“12x”不是数字", "“2025-13”不是期间", "用阿拉伯数字和小数点书写"]
    {
        assert!(text.contains(chinese), "“{chinese}” missing: {text}");
    }
    for english in ["unknown unit", "is not a number", "is not a period", "did you mean"] {
        assert!(!text.contains(english), "English “{english}” on the 简体中文 page: {text}");
    }
    // Not for people who are not logged in.
    let anonymous = Browser::new(&app.base_url, "en").get("/console/activities/template.csv").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}

on_both_databases!(a_suspicious_parameter_is_accepted_with_a_warning_next_to_its_figure);
async fn a_suspicious_parameter_is_accepted_with_a_warning_next_to_its_figure(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    // 0.2 tC/GJ is possible as a number but above any fuel's carbon content: accepted, and flagged.
    let coal = json!([{ "id": "coal-2025-01", "facility": "TZ-01", "period": "2025-01", "source": "stationary_combustion",
                        "quantity": "10", "unit": "t", "ncv": "20.9", "ncv_unit": "GJ/t", "carbon_content": "0.2",
                        "oxidation": "0.98" }]);
    let editor = factory_with_activities(&app, &world, coal).await;
    let version = editor.post("/api/v1/inventories", compute_body()).await.json;
    assert_eq!(version["complete"], true, "a warning does not make the totals incomplete");
    let id = version["id"].as_str().unwrap();
    let browser = Browser::new(&app.base_url, "zh-CN");
    browser.log_in(BRAND_EDITOR).await;
    let page = browser.get(&format!("/console/inventory/{id}")).await;
    assert!(page.body.contains("lines/coal-2025-01#line-diagnostics"), "the line's figure links its warning");
    let line = visible_text(&browser.get(&format!("/console/inventory/{id}/lines/coal-2025-01")).await.body);
    assert!(line.contains("参数可疑") && line.contains("单位热值含碳量 0.2 tC/GJ"), "{line}");
    assert!(!line.contains("carbon content 0.2"), "no English on the 简体中文 page: {line}");
}

on_both_databases!(the_csv_export_and_the_trend_chart_say_when_a_total_is_incomplete);
async fn the_csv_export_and_the_trend_chart_say_when_a_total_is_incomplete(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let mut rows = activities();
    rows.as_array_mut().unwrap().push(json!({ "id": "elec-2024-01", "facility": "TZ-01", "period": "2024-01",
        "source": "purchased_electricity", "quantity": "90", "unit": "MWh", "factor": GRID_EAST }));
    let editor = factory_with_activities(&app, &world, rows).await;
    let complete = editor
        .post(
            "/api/v1/inventories",
            json!({ "reporting_year": 2024, "gwp": "AR6", "consolidation": "operational_control" }),
        )
        .await;
    assert_eq!(complete.json["complete"], true, "{}", complete.json);
    let incomplete = editor.post("/api/v1/inventories", compute_body()).await;
    assert_eq!(incomplete.json["complete"], false, "{}", incomplete.json);
    let browser = Browser::new(&app.base_url, "zh-CN");
    browser.log_in(BRAND_EDITOR).await;

    // The export: every row says whether the total is complete, and the record left out is marked.
    let export = |id: String| {
        let browser = &browser;
        async move {
            let exported = browser.get(&format!("/console/inventory/{id}/export.csv")).await;
            assert_eq!(exported.status, StatusCode::OK);
            let text = exported.body.trim_start_matches('\u{feff}').to_owned();
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
            let column = |name: &str| header.iter().position(|known| known == name).unwrap();
            let (complete, left_out) = (column("total_complete"), column("left_out_of_total"));
            reader
                .records()
                .map(|record| {
                    let record = record.unwrap();
                    (record[0].to_owned(), record[complete].to_owned(), record[left_out].to_owned())
                })
                .collect::<Vec<_>>()
        }
    };
    let rows = export(incomplete.json["id"].as_str().unwrap().to_owned()).await;
    assert!(rows.iter().all(|(_, complete, _)| complete == "false"), "{rows:?}");
    assert!(rows.contains(&("huge-2025-02".to_owned(), "false".to_owned(), "true".to_owned())), "{rows:?}");
    assert!(rows.contains(&("elec-2025-01".to_owned(), "false".to_owned(), "false".to_owned())), "{rows:?}");
    let rows = export(complete.json["id"].as_str().unwrap().to_owned()).await;
    assert_eq!(rows, vec![("elec-2024-01".to_owned(), "true".to_owned(), "false".to_owned())]);
    // The status: a stable code for filters, and the same status in the reader's language beside it.
    let exported =
        browser.get(&format!("/console/inventory/{}/export.csv", complete.json["id"].as_str().unwrap())).await;
    let text = exported.body.trim_start_matches('\u{feff}').to_owned();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let column = |name: &str| header.iter().position(|known| known == name).unwrap();
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!((&record[column("status")], &record[column("status_label")]), ("counted", "计入"));
    // The scope likewise: the code the filters and the JSON output use, and its name for the reader.
    assert_eq!((&record[column("scope")], &record[column("scope_label")]), ("scope2", "范围二"));

    // The trend chart: 2025 is drawn hollow in the "incomplete" legend entry, 2024 solid; the text alternative and
    // the tooltip say how many records are left out, in the page's language.
    let page = browser.get("/console/inventory").await;
    let option_json = page
        .body
        .split("<script type=\"application/json\" id=\"trend\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the trend chart");
    let option: Value = serde_json::from_str(option_json).unwrap();
    assert_eq!(option["legend"]["data"], json!(["完整", "不完整"]));
    assert_eq!(option["xAxis"]["data"], json!(["2024", "2025"]));
    assert_eq!(option["series"][0]["data"][1], "-");
    assert_eq!(option["series"][1]["data"][0], "-");
    assert_eq!(option["series"][1]["itemStyle"]["borderType"], "dashed");
    assert!(
        option["series"][1]["data"][1]["tooltip"]["formatter"].as_str().unwrap().contains("不完整：未计入的记录 1"),
        "{option}"
    );
    assert!(page.body.contains(" t CO2e (不完整：未计入的记录 1)"), "the text alternative");
    let english = Browser::new(&app.base_url, "en");
    english.log_in(BRAND_EDITOR).await;
    let page = english.get("/console/inventory").await;
    assert!(page.body.contains("(Incomplete: Records not counted 1)"), "the English text alternative");
}
