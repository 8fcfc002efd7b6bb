//! The GHG inventory: activity data entered and imported whole or not at all, inventory versions computed, traced
//! line by line to their factor and formula, signed off by an auditor, reported and exported; through the API and
//! through the console, with the refusals that go with it.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tanji_store::NewToken;
use tanji_tenancy::member::Email;
use tanji_tenancy::token::{TokenName, TokenScopes};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{
    Answer, BRAND_AUDITOR, BRAND_EDITOR, BRAND_OWNER, BRAND_VIEWER, OTHER_SUPPLIER_OWNER, PASSWORD, Page, TestApp,
    World,
};

/// The East China grid factor of 2022 (MEE & NBS), kg CO2 per MWh.
const GRID_EAST: &str = "mee-nbs-2022-grid-cn-grid-east";
const GRID_EAST_KG_PER_MWH: f64 = 561.7;

const GOOD_CSV: &str = "\
id,facility,period,source,quantity,unit,data_source,factor,evidence
elec-2025-01,TZ-01,2025-01,purchased_electricity,100,MWh,meter,mee-nbs-2022-grid-cn-grid-east,电费单 2025-01
";

/// Row 2 is fine, row 3 has a unit that does not exist, row 4 names a facility that does not exist.
const BAD_CSV: &str = "\
id,facility,period,source,quantity,unit,factor
ok-2025-05,TZ-01,2025-05,purchased_electricity,10,MWh,mee-nbs-2022-grid-cn-grid-east
bad-unit,TZ-01,2025-06,purchased_electricity,10,furlongs,mee-nbs-2022-grid-cn-grid-east
bad-facility,XX-99,2025-07,purchased_electricity,10,MWh,mee-nbs-2022-grid-cn-grid-east
";

fn assert_kg(actual: &Value, expected: f64, what: &str) {
    let actual = actual.as_f64().unwrap_or_else(|| panic!("{what} is not a number: {actual}"));
    assert!((actual - expected).abs() < 1e-6, "{what}: {actual} kg, by hand {expected} kg");
}

/// Registers the factory TZ-01 through the API with `api`.
async fn factory_tz01(api: &crate::harness::Api) -> String {
    let created = api
        .post(
            "/api/v1/facilities",
            json!({ "name": "台州工厂", "code": "TZ-01", "kind": "factory", "subdivision": "CN-ZJ", "city": "台州" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["code"], "TZ-01");
    created.json["id"].as_str().unwrap().to_owned()
}

/// Posts CSV text to the import endpoint as an API client would (`Content-Type: text/csv`).
async fn import_csv(app: &TestApp, token: Option<&str>, file_name: &str, csv: &str) -> Answer {
    let client = reqwest::Client::new();
    let mut request = client
        .post(format!("{}/api/v1/activities/import?file_name={file_name}", app.base_url))
        .header("content-type", "text/csv; charset=utf-8")
        .body(csv.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("an API request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("reading an API answer");
    let json = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    Answer { status, headers, json }
}

fn compute_body(year: i16) -> Value {
    json!({ "reporting_year": year, "gwp": "AR6", "consolidation": "operational_control", "base_years": [year - 1] })
}

/// The `{row, column}` pairs of a `rows_rejected` answer.
fn rejected_cells(answer: &Answer) -> Vec<(u64, String)> {
    answer.json["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows in {}", answer.json))
        .iter()
        .map(|row| (row["row"].as_u64().unwrap(), row["column"].as_str().unwrap().to_owned()))
        .collect()
}

/// A second console session that can send files: the import form is `multipart/form-data` with the CSRF token in
/// its action's query string, which the form-posting [`crate::harness::Browser`] cannot send.
struct Uploader {
    client: reqwest::Client,
    base_url: String,
}

impl Uploader {
    async fn log_in(app: &TestApp, email: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert("accept-language", "en".parse().unwrap());
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

    /// Posts `csv` as the `file` field of a multipart form to `action`, exactly as given.
    async fn post_file(&self, action: &str, file_name: &str, csv: &str) -> Page {
        let boundary = "----tanji-test-boundary-5f1c0e";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
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

    /// Uploads `csv` through the import form of the activities page, to the action the page gives.
    async fn upload(&self, file_name: &str, csv: &str) -> Page {
        let page = self.get("/console/activities?year=2025").await;
        let action = attribute_starting(&page.body, "action=\"", "/console/activities/import?")
            .unwrap_or_else(|| panic!("the activities page has no import form: {}", page.status));
        assert!(action.contains("csrf_token="), "the import form carries the CSRF token in its action: {action}");
        self.post_file(&action, file_name, csv).await
    }
}

/// The value of the first `attribute` (e.g. `href="`) that starts with `prefix`, HTML entities of `&` undone.
fn attribute_starting(body: &str, attribute: &str, prefix: &str) -> Option<String> {
    let marker = format!("{attribute}{prefix}");
    let start = body.find(&marker)? + attribute.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].replace("&amp;", "&").replace("&#x2F;", "/"))
}

on_both_databases!(an_inventory_through_the_api_equals_the_hand_calculation);
async fn an_inventory_through_the_api_equals_the_hand_calculation(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor_token = World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await;
    let editor = app.api(&editor_token);
    let facility_id = factory_tz01(&editor).await;

    // January from a CSV file, February as a JSON row.
    let imported = import_csv(&app, Some(&editor_token), "energy-2025.csv", GOOD_CSV).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.json);
    assert_eq!(imported.json, json!({ "saved": 1, "file_name": "energy-2025.csv" }));
    let entered = editor
        .post(
            "/api/v1/activities",
            json!([{ "id": "elec-2025-02", "facility": "台州工厂", "period": "2025-02", "source": "purchased_electricity",
                     "quantity": "50", "unit": "MWh", "factor": GRID_EAST }]),
        )
        .await;
    assert_eq!((entered.status, &entered.json), (StatusCode::CREATED, &json!({ "saved": 1 })));
    let activities = editor.get("/api/v1/activities?year=2025").await;
    assert_eq!(activities.status, StatusCode::OK);
    let activities = activities.json.as_array().unwrap().clone();
    assert_eq!(activities.len(), 2, "{activities:?}");
    assert_eq!(activities[0]["record"]["id"], "elec-2025-01");
    assert_eq!(activities[0]["facility_id"], facility_id.as_str());
    assert_eq!(activities[0]["import_file"], "energy-2025.csv");
    assert_eq!(activities[0]["row"]["facility"], "TZ-01", "the row is kept as entered");
    assert_eq!(activities[0]["created_by"], "token \"test\" of editor@brand.example");
    assert!(activities[1]["import_file"].is_null());
    assert_eq!(editor.get("/api/v1/activities?year=2024").await.json, json!([]));

    let computed = editor.post("/api/v1/inventories", compute_body(2025)).await;
    assert_eq!(computed.status, StatusCode::CREATED, "{}", computed.json);
    let id = computed.json["id"].as_str().unwrap().to_owned();
    assert_eq!((computed.json["reporting_year"].as_i64(), computed.json["version"].as_i64()), (Some(2025), Some(1)));
    assert!(computed.json["verified_at"].is_null());

    // By hand: (100 + 50) MWh × 561.7 kg CO2/MWh, GWP of CO2 = 1; no certificates, so market = location.
    let january_kg = 100.0 * GRID_EAST_KG_PER_MWH;
    let february_kg = 50.0 * GRID_EAST_KG_PER_MWH;
    let fetched = editor.get(&format!("/api/v1/inventories/{id}")).await;
    assert_eq!(fetched.status, StatusCode::OK);
    let inventory = &fetched.json["inventory"];
    let totals = &inventory["totals"];
    assert_kg(&totals["total_location_kg"], january_kg + february_kg, "total (location)");
    assert_kg(&totals["total_market_kg"], january_kg + february_kg, "total (market)");
    assert_kg(&totals["scope2_location_kg"], january_kg + february_kg, "scope 2 (location)");
    assert_kg(&totals["scope1_kg"], 0.0, "scope 1");
    assert_kg(&totals["by_facility"][&facility_id], january_kg + february_kg, "the factory");
    assert_eq!(inventory["gwp_set"], "AR6");
    assert_eq!(inventory["organisation"], "Brand 品牌");
    assert_eq!(fetched.json["facility_names"][&facility_id], "台州工厂");

    let lines = inventory["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let january = lines.iter().find(|line| line["record_id"] == "elec-2025-01").expect("the January line");
    assert_kg(&january["co2e_kg"], january_kg, "January");
    assert_kg(&january["market_based_co2e_kg"], january_kg, "January (market)");
    assert_eq!(january["status"], json!({ "status": "counted" }));
    assert_eq!(january["quantity_entered"], "100 MWh");
    assert_eq!(january["evidence"], json!(["电费单 2025-01"]));
    let factor = &january["factors"][0];
    assert_eq!(factor["reference"], json!({ "id": GRID_EAST, "version": 1 }));
    let citation = factor["citation"].as_str().unwrap();
    assert!(citation.contains("生态环境部 (MEE)") && citation.contains("国家统计局 (NBS)"), "{citation}");
    assert_eq!(factor["region"], "CN-GRID-EAST");
    assert_eq!(factor["year"], 2022);
    // The formula's steps are message values: a code with its numbers, and the sentence in the reader's language.
    let step = &january["formula"][0];
    assert_eq!(step["code"], "factor_applied", "{step}");
    let formula = step["message"].as_str().unwrap();
    assert!(formula.starts_with("100 MWh × [561.7 kg CO2/MWh × GWP 1] = 56170 kg CO2e"), "{formula}");
    assert_eq!(january["gases"][0]["gas"], "CO2");
    assert_kg(&january["gases"][0]["mass_kg"], january_kg, "January's CO2");

    let listed = editor.get("/api/v1/inventories").await.json;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_kg(&listed[0]["total_location_kg"], january_kg + february_kg, "the listed total");
    assert_eq!((listed[0]["gwp_set"].as_str(), listed[0]["n_errors"].as_i64()), (Some("AR6"), Some(0)));

    // Editors compute but do not sign off.
    let by_editor =
        editor.post(&format!("/api/v1/inventories/{id}/verify"), json!({ "statement": "Looks fine" })).await;
    assert_eq!((by_editor.status, by_editor.code()), (StatusCode::FORBIDDEN, "forbidden"));
    assert!(editor.get(&format!("/api/v1/inventories/{id}")).await.json["verified_at"].is_null());

    // Recomputing makes a new version; the first is untouched.
    let again = editor.post("/api/v1/inventories", compute_body(2025)).await;
    assert_eq!(again.json["version"], 2);
    assert_eq!(editor.get(&format!("/api/v1/inventories/{id}")).await.json, fetched.json);

    // Bad compute settings name the field.
    for (body, field) in [
        (json!({ "reporting_year": 2025, "gwp": "AR7", "consolidation": "operational_control" }), "gwp"),
        (json!({ "reporting_year": 2025, "gwp": "AR6", "consolidation": "vibes" }), "consolidation"),
        (json!({ "reporting_year": 1066, "gwp": "AR6", "consolidation": "operational_control" }), "reporting_year"),
    ] {
        let answer = editor.post("/api/v1/inventories", body.clone()).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"), "{body}");
        assert_eq!(answer.json["field"], field, "{body}: {}", answer.json);
    }

    // The factor library behind the numbers.
    let found = editor.get("/api/v1/factors?q=华东&region=CN-GRID-EAST").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found.json.as_array().unwrap().iter().any(|factor| factor["id"] == GRID_EAST),
        "searching 华东 finds the East China grid: {}",
        found.json
    );
    let versions = editor.get(&format!("/api/v1/factors/{GRID_EAST}")).await;
    assert_eq!(versions.status, StatusCode::OK);
    assert_eq!(versions.json[0]["citation"]["publisher"], "生态环境部 (MEE) & 国家统计局 (NBS)");
    let unknown = editor.get("/api/v1/factors/no-such-factor").await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::NOT_FOUND, "not_found"));
}

on_both_databases!(an_auditor_signs_an_inventory_off_through_the_api_once);
async fn an_auditor_signs_an_inventory_off_through_the_api_once(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    factory_tz01(&editor).await;
    let rows = json!([{ "facility": "TZ-01", "period": "2025", "source": "purchased_electricity", "quantity": "1000",
                        "unit": "MWh", "factor": GRID_EAST }]);
    assert_eq!(editor.post("/api/v1/activities", rows).await.status, StatusCode::CREATED);
    let id = editor.post("/api/v1/inventories", compute_body(2025)).await.json["id"].as_str().unwrap().to_owned();

    // Verifying needs the `write` scope, so the auditor needs a token with it.
    let auditor = app.store().operator_find_user(&Email::parse(BRAND_AUDITOR).unwrap()).await.unwrap().unwrap();
    let new_token = NewToken {
        name: TokenName::parse("verification").unwrap(),
        scopes: TokenScopes::parse("read,write").unwrap(),
        expires_at: None,
    };
    let issued = app.store().operator_create_token(world.brand.id, auditor.id, &new_token).await;
    let secret = match issued {
        Ok((_, secret)) => secret,
        Err(error) => panic!(
            "an auditor cannot get a token with the write scope that POST /api/v1/inventories/{{id}}/verify \
             requires, so no auditor can verify through the API: {error:?}"
        ),
    };
    let auditor = app.api(&secret);
    let statement = "Limited assurance under ISO 14064-3:2019; no material misstatement found.";
    let verified = auditor.post(&format!("/api/v1/inventories/{id}/verify"), json!({ "statement": statement })).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.json);
    assert_eq!(verified.json["verification_statement"], statement);
    assert!(verified.json["verified_at"].is_string());
    assert!(verified.json["verified_by"].as_str().unwrap().contains(BRAND_AUDITOR), "{}", verified.json);

    let twice = auditor.post(&format!("/api/v1/inventories/{id}/verify"), json!({ "statement": "again" })).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_done"));
    let empty = auditor.post(&format!("/api/v1/inventories/{id}/verify"), json!({ "statement": " " })).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fetched = editor.get(&format!("/api/v1/inventories/{id}")).await.json;
    assert_eq!(fetched["verification_statement"], statement, "the first sign-off stands");
    assert!(editor.get("/api/v1/inventories").await.json[0]["verified_at"].is_string());
}

on_both_databases!(a_bad_import_is_refused_whole_with_every_problem);
async fn a_bad_import_is_refused_whole_with_every_problem(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor_token = World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await;
    let editor = app.api(&editor_token);
    factory_tz01(&editor).await;

    let refused = import_csv(&app, Some(&editor_token), "june.csv", BAD_CSV).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "rows_rejected"));
    let problems = refused.json["rows"].as_array().unwrap().clone();
    let unit = problems.iter().find(|problem| problem["column"] == "unit").expect("the bad unit is reported");
    assert_eq!((unit["file"].as_str(), unit["row"].as_u64()), (Some("june.csv"), Some(3)));
    assert!(unit["reason"].as_str().unwrap().contains("furlongs"), "{unit}");
    assert!(!unit["hint"].as_str().unwrap().is_empty());
    assert!(problems.iter().all(|problem| problem["row"] != 2), "row 2 is fine: {problems:?}");
    // Nothing was saved, not even the good row.
    assert_eq!(editor.get("/api/v1/activities").await.json, json!([]));

    // The same rows as JSON: every problem, each with its row and column (a form's rows count from 1).
    let rows: Vec<Value> = BAD_CSV
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            json!({ "id": cells[0], "facility": cells[1], "period": cells[2], "source": cells[3], "quantity": cells[4],
                    "unit": cells[5], "factor": cells[6] })
        })
        .collect();
    let refused_json = editor.post("/api/v1/activities", Value::Array(rows)).await;
    assert_eq!((refused_json.status, refused_json.code()), (StatusCode::UNPROCESSABLE_ENTITY, "rows_rejected"));
    let cells = rejected_cells(&refused_json);
    assert!(cells.contains(&(2, "unit".to_owned())), "{cells:?}");
    assert!(cells.contains(&(3, "facility".to_owned())), "{cells:?}");
    let facility =
        &refused_json.json["rows"].as_array().unwrap().iter().find(|row| row["column"] == "facility").unwrap();
    assert!(facility["reason"].as_str().unwrap().contains("XX-99"), "{facility}");
    assert_eq!(editor.get("/api/v1/activities").await.json, json!([]));

    // A file that is not an activity sheet.
    let wrong_columns = import_csv(&app, Some(&editor_token), "x.csv", "name,colour\nA,green\n").await;
    assert_eq!(wrong_columns.code(), "rows_rejected");
    assert!(rejected_cells(&wrong_columns).contains(&(1, "name".to_owned())), "{}", wrong_columns.json);
    let empty = import_csv(&app, Some(&editor_token), "empty.csv", "facility,period,source,quantity,unit\n").await;
    assert_eq!(empty.code(), "rows_rejected", "{}", empty.json);
    // An id that is already taken refuses the file too.
    let first = import_csv(&app, Some(&editor_token), "energy-2025.csv", GOOD_CSV).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    let duplicate = import_csv(&app, Some(&editor_token), "again.csv", GOOD_CSV).await;
    assert_eq!(duplicate.code(), "rows_rejected");
    assert_eq!(rejected_cells(&duplicate), [(2, "id".to_owned())]);
    assert_eq!(editor.get("/api/v1/activities").await.json.as_array().unwrap().len(), 1);

    // Every problem of the file is reported at once, so the unknown facility on row 4 is listed with the bad unit.
    let cells = rejected_cells(&refused);
    assert!(
        cells.contains(&(4, "facility".to_owned())),
        "POST /api/v1/activities/import lists only {cells:?}: the unknown facility XX-99 on row 4 is missing"
    );
}

on_both_databases!(the_inventory_api_refuses_what_a_token_may_not_do);
async fn the_inventory_api_refuses_what_a_token_may_not_do(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    factory_tz01(&editor).await;
    let row = json!([{ "facility": "TZ-01", "period": "2025-01", "source": "purchased_electricity", "quantity": "1",
                       "unit": "MWh", "factor": GRID_EAST }]);
    assert_eq!(editor.post("/api/v1/activities", row.clone()).await.status, StatusCode::CREATED);
    let id = editor.post("/api/v1/inventories", compute_body(2025)).await.json["id"].as_str().unwrap().to_owned();

    // Viewers and auditors read but do not write; a read-scope token of an editor does not write either.
    let viewer_token = World::token(app.store(), &world.brand, BRAND_VIEWER, "read").await;
    let read_only_editor_token = World::token(app.store(), &world.brand, BRAND_EDITOR, "read").await;
    let auditor_token = World::token(app.store(), &world.brand, BRAND_AUDITOR, "read").await;
    for (who, token) in
        [("viewer", &viewer_token), ("read-scope editor", &read_only_editor_token), ("auditor", &auditor_token)]
    {
        let api = app.api(token);
        let attempts = [
            api.post("/api/v1/activities", row.clone()).await,
            api.post("/api/v1/inventories", compute_body(2025)).await,
            import_csv(&app, Some(token), "energy.csv", GOOD_CSV).await,
        ];
        for (attempt_idx, answer) in attempts.iter().enumerate() {
            assert_eq!(
                (answer.status, answer.code()),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{who}, attempt {attempt_idx}: {}",
                answer.json
            );
        }
        assert_eq!(api.get("/api/v1/inventories").await.json.as_array().unwrap().len(), 1, "{who} reads");
        assert_eq!(api.get(&format!("/api/v1/inventories/{id}")).await.status, StatusCode::OK, "{who} reads");
        assert_eq!(api.get("/api/v1/activities").await.json.as_array().unwrap().len(), 1, "{who} reads");
    }
    let read_only = app.api(&read_only_editor_token);
    let message = read_only.post("/api/v1/inventories", compute_body(2025)).await.json["message"].clone();
    assert!(message.as_str().unwrap().contains("write"), "the refusal names the missing scope: {message}");
    let owner_verifies = app
        .api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,write").await)
        .post(&format!("/api/v1/inventories/{id}/verify"), json!({ "statement": "ok" }))
        .await;
    assert_eq!(owner_verifies.status, StatusCode::FORBIDDEN, "owners do not verify their own inventory");

    // Another organisation sees nothing of it, exactly as if it did not exist.
    let intruder_token = World::token(app.store(), &world.other_supplier, OTHER_SUPPLIER_OWNER, "read,write").await;
    let intruder = app.api(&intruder_token);
    let answer = intruder.get(&format!("/api/v1/inventories/{id}")).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(intruder.get("/api/v1/inventories/not-an-id").await.status, StatusCode::NOT_FOUND);
    assert_eq!(intruder.get("/api/v1/inventories").await.json, json!([]));
    assert_eq!(intruder.get("/api/v1/activities").await.json, json!([]));
    // Its rows cannot name the brand's facility either.
    let borrowed = intruder.post("/api/v1/activities", row.clone()).await;
    assert_eq!((borrowed.status, borrowed.code()), (StatusCode::UNPROCESSABLE_ENTITY, "rows_rejected"));
    assert_eq!(rejected_cells(&borrowed), [(1, "facility".to_owned())]);
    // Its inventory is its own and empty.
    let own = intruder.post("/api/v1/inventories", compute_body(2025)).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.json);
    assert_eq!(own.json["inventory"]["lines"], json!([]));
    assert_eq!(own.json["version"], 1);

    // Without a token, nothing.
    let anonymous = app.anonymous_api();
    for answer in [
        anonymous.get("/api/v1/inventories").await,
        anonymous.get(&format!("/api/v1/inventories/{id}")).await,
        anonymous.get("/api/v1/activities").await,
        anonymous.post("/api/v1/activities", row.clone()).await,
        anonymous.post("/api/v1/inventories", compute_body(2025)).await,
        anonymous.get("/api/v1/factors?q=grid").await,
        import_csv(&app, None, "energy.csv", GOOD_CSV).await,
    ] {
        assert_eq!((answer.status, answer.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{}", answer.json);
    }

    // Nothing changed on the brand's side.
    assert_eq!(editor.get("/api/v1/activities").await.json.as_array().unwrap().len(), 1);
    assert_eq!(editor.get("/api/v1/inventories").await.json.as_array().unwrap().len(), 1);
    assert!(editor.get(&format!("/api/v1/inventories/{id}")).await.json["verified_at"].is_null());
}

on_both_databases!(an_inventory_through_the_console_in_three_clicks);
async fn an_inventory_through_the_console_in_three_clicks(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    factory_tz01(&api).await;
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;

    let empty = browser.get("/console/inventory").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No inventory computed yet."), "{}", empty.body);
    assert!(empty.body.contains("action=\"/console/inventory/compute\""), "editors see the compute form");
    assert!(empty.body.contains("台州工厂"), "the boundary lists the factory");
    // A viewer is not asked to enter data it cannot enter (found in the walk-through).
    let viewer = app.browser();
    viewer.log_in(BRAND_VIEWER).await;
    let read_only = viewer.get("/console/inventory").await;
    assert!(read_only.body.contains("your role can view only"), "{}", read_only.body);
    assert!(!read_only.body.contains("Enter or import activity data, then compute"));

    // One entry from the form.
    let entry = [
        ("facility", "TZ-01"),
        ("period", "2025-03"),
        ("source", "purchased_electricity"),
        ("quantity", "20"),
        ("unit", "MWh"),
        ("data_source", "meter"),
        ("factor", GRID_EAST),
        ("evidence", "电费单 2025-03"),
    ];
    let saved = browser.submit("/console/activities?year=2025", "/console/activities", &entry).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "/console/activities?year=2025&notice=activity_saved")
    );
    let list = browser.get(saved.location()).await;
    assert!(list.body.contains("Activity data saved."));
    assert!(list.body.contains("台州工厂") && list.body.contains("2025-03") && list.body.contains(GRID_EAST));
    // A wrong entry is shown back with its problem and saves nothing.
    let wrong: Vec<(&str, &str)> =
        entry.iter().map(|&(name, value)| if name == "unit" { (name, "furlongs") } else { (name, value) }).collect();
    let refused = browser.submit("/console/activities?year=2025", "/console/activities", &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Nothing was saved.") && refused.body.contains("<code>unit</code>"));
    assert_eq!(api.get("/api/v1/activities").await.json.as_array().unwrap().len(), 1);

    // A file through the import form.
    let uploader = Uploader::log_in(&app, BRAND_EDITOR).await;
    let imported = uploader.upload("energy-2025.csv", GOOD_CSV).await;
    assert_eq!(
        (imported.status, imported.location()),
        (StatusCode::SEE_OTHER, "/console/activities?year=2025&notice=imported"),
        "{}",
        imported.body
    );
    let list = browser.get(imported.location()).await;
    assert!(list.body.contains("Activity data imported."));
    assert!(list.body.contains("elec-2025-01"));
    // A bad file shows its problems, row by row, and saves nothing.
    let bad = uploader.upload("june.csv", BAD_CSV).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"import-errors\"") && bad.body.contains("Nothing was saved."));
    assert!(bad.body.contains("<td>june.csv</td><td>3</td><td><code>unit</code></td>"), "{}", bad.body);
    assert!(bad.body.contains("e.g. kWh, 万kWh, t, 10^4Nm3, L, kg, t.km"), "the hint is shown");
    assert!(!bad.body.contains("<code>ok-2025-05</code>"));
    assert_eq!(api.get("/api/v1/activities").await.json.as_array().unwrap().len(), 2);

    // Compute, then the three clicks: list → version → line.
    let computed = browser
        .submit(
            "/console/inventory",
            "/console/inventory/compute",
            &[
                ("reporting_year", "2025"),
                ("gwp", "AR6"),
                ("consolidation", "operational_control"),
                ("base_years", ""),
                ("significance_threshold_percent", "5"),
            ],
        )
        .await;
    assert_eq!(computed.status, StatusCode::SEE_OTHER, "{}", computed.body);
    let version_path = computed.location().strip_suffix("?notice=inventory_computed").unwrap().to_owned();
    let id = version_path.strip_prefix("/console/inventory/").unwrap().to_owned();
    let landed = browser.get(computed.location()).await;
    assert_eq!(landed.status, StatusCode::OK);
    assert!(landed.body.contains("A new inventory version was computed."));
    // (100 + 20) MWh × 561.7 kg/MWh = 67 404 kg = 67.404 t
    assert!(landed.body.contains("67.404"), "the total in tonnes: {}", landed.body);

    let inventory = browser.get("/console/inventory").await;
    assert!(!inventory.body.contains("No inventory computed yet."));
    let first_click =
        attribute_starting(&inventory.body, "href=\"", "/console/inventory/").expect("the list links the version");
    assert_eq!(first_click, version_path);
    let version = browser.get(&first_click).await;
    assert_eq!(version.status, StatusCode::OK);
    assert!(version.body.contains("Brand 品牌 · 2025 v1"));
    let second_click = attribute_starting(&version.body, "href=\"", &format!("{version_path}/lines/elec-2025-01"))
        .expect("the version links each line");
    let line = browser.get(&second_click).await;
    assert_eq!(line.status, StatusCode::OK);
    for expected in [
        "elec-2025-01",
        "mee-nbs-2022-grid-cn-grid-east@1",
        "生态环境部 (MEE)",
        "100 MWh × [561.7 kg CO2/MWh × GWP 1] = 56170 kg CO2e",
        "AR6",
        "56.170",
        "电费单 2025-01",
        "energy-2025.csv",
        "CN-GRID-EAST · 2022",
    ] {
        assert!(line.body.contains(expected), "the provenance page lacks {expected}: {}", line.body);
    }
    let missing_line = browser.get(&format!("{version_path}/lines/no-such-record")).await;
    assert_eq!(missing_line.status, StatusCode::NOT_FOUND);

    // The report and the exports.
    let report = browser.get(&format!("{version_path}/report")).await;
    assert_eq!(report.status, StatusCode::OK);
    for expected in ["Brand 品牌", "2025-01-01", "AR6", "67.404", "mee-nbs-2022-grid-cn-grid-east@1", "台州工厂"]
    {
        assert!(report.body.contains(expected), "the report lacks {expected}");
    }
    let exported = browser.get(&format!("{version_path}/export.csv")).await;
    assert_eq!(exported.status, StatusCode::OK);
    let content_type = exported.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert!(
        exported.headers.get("content-disposition").unwrap().to_str().unwrap().contains("inventory-2025-v1.csv"),
        "a download with a telling name"
    );
    let text = exported.body.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(&header[..3], ["record_id", "facility", "period_start"]);
    for column in ["line_co2e_kg", "factors", "formula", "gwp_set"] {
        assert!(header.iter().any(|name| name == column), "the export lacks {column}: {header:?}");
    }
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2, "one row per line and gas");
    let column = |name: &str| header.iter().position(|header_name| header_name == name).unwrap();
    let january = records.iter().find(|record| &record[0] == "elec-2025-01").expect("January exported");
    assert_eq!(january[column("line_co2e_kg")].parse::<f64>().unwrap().round(), 56170.0);
    assert_eq!(&january[column("gwp_set")], "AR6");
    assert!(january[column("factors")].contains("mee-nbs-2022-grid-cn-grid-east@1 (生态环境部"));
    let json_export = browser.get(&format!("{version_path}/export.json")).await;
    assert_eq!(json_export.status, StatusCode::OK);
    assert!(json_export.headers.get("content-type").unwrap().to_str().unwrap().starts_with("application/json"));
    let parsed: Value = serde_json::from_str(&json_export.body).expect("the JSON export parses");
    assert_eq!(parsed["id"], id.as_str());
    assert_kg(&parsed["inventory"]["totals"]["total_location_kg"], 120.0 * GRID_EAST_KG_PER_MWH, "exported total");

    // The factor browser finds the factor the line cites.
    let factors = browser.get("/console/factors?q=华东").await;
    assert_eq!(factors.status, StatusCode::OK);
    assert!(factors.body.contains("mee-nbs-2022-grid-cn-grid-east@1"));

    // The auditor signs the version off in the console; it is frozen from then on.
    assert!(!version.body.contains(&format!("action=\"{version_path}/verify\"")), "editors see no sign-off form");
    let auditor = app.browser();
    auditor.log_in(BRAND_AUDITOR).await;
    let statement = "Limited assurance, ISO 14064-3; no material misstatement.";
    let signed = auditor.submit(&version_path, &format!("{version_path}/verify"), &[("statement", statement)]).await;
    assert_eq!(
        (signed.status, signed.location()),
        (StatusCode::SEE_OTHER, format!("{version_path}?notice=inventory_verified").as_str())
    );
    let frozen = auditor.get(signed.location()).await;
    assert!(frozen.body.contains("Inventory verified and frozen.") && frozen.body.contains(statement));
    assert!(!frozen.body.contains(&format!("action=\"{version_path}/verify\"")), "no second sign-off form");
    let twice = auditor.submit("/console/inventory", &format!("{version_path}/verify"), &[("statement", "x")]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(browser.get(&format!("{version_path}/report")).await.body.contains(statement));

    // Deleting a record changes the next version, not this one.
    let activities = api.get("/api/v1/activities").await.json;
    let march = activities.as_array().unwrap().iter().find(|activity| activity["row"]["period"] == "2025-03").unwrap();
    let deleted = browser
        .submit(
            "/console/activities?year=2025",
            &format!("/console/activities/{}/delete", march["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert_eq!(
        (deleted.status, deleted.location()),
        (StatusCode::SEE_OTHER, "/console/activities?year=2025&notice=activity_deleted")
    );
    let recomputed = browser
        .submit(
            "/console/inventory",
            "/console/inventory/compute",
            &[("reporting_year", "2025"), ("gwp", "AR6"), ("consolidation", "operational_control")],
        )
        .await;
    assert_eq!(recomputed.status, StatusCode::SEE_OTHER);
    assert!(browser.get(recomputed.location()).await.body.contains("56.170"), "v2 holds January only");
    assert!(browser.get(&version_path).await.body.contains("67.404"), "v1 is unchanged");

    // The bad file's every problem is listed at once: the unknown facility on row 4 too.
    assert!(
        bad.body.contains("<td>june.csv</td><td>4</td><td><code>facility</code></td>"),
        "POST /console/activities/import shows only the bad unit, not the unknown facility XX-99 on row 4"
    );
}

on_both_databases!(the_console_refuses_what_a_member_may_not_do_with_the_inventory);
async fn the_console_refuses_what_a_member_may_not_do_with_the_inventory(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    let facility_id = factory_tz01(&api).await;
    let row = json!([{ "id": "elec-2025-01", "facility": "TZ-01", "period": "2025-01", "source": "purchased_electricity",
                       "quantity": "100", "unit": "MWh", "factor": GRID_EAST }]);
    assert_eq!(api.post("/api/v1/activities", row).await.status, StatusCode::CREATED);
    let activity_id = api.get("/api/v1/activities").await.json[0]["id"].as_str().unwrap().to_owned();
    let id = api.post("/api/v1/inventories", compute_body(2025)).await.json["id"].as_str().unwrap().to_owned();
    let version_path = format!("/console/inventory/{id}");
    let compute_form = [("reporting_year", "2025"), ("gwp", "AR6"), ("consolidation", "operational_control")];

    // Viewers see the inventory, with no forms, and their posts are refused.
    let viewer = app.browser();
    viewer.log_in(BRAND_VIEWER).await;
    let page = viewer.get("/console/inventory").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("href=\"{version_path}\"")), "viewers see the versions");
    assert!(!page.body.contains("action=\"/console/inventory/compute\""), "viewers see no compute form");
    assert!(!page.body.contains("action=\"/console/inventory/boundary/"), "viewers see no boundary form");
    let attempt = viewer.submit("/console/inventory", "/console/inventory/compute", &compute_form).await;
    assert_eq!(attempt.status, StatusCode::FORBIDDEN);
    assert!(attempt.body.contains("Your role does not allow this."));
    let activities = viewer.get("/console/activities?year=2025").await;
    assert!(activities.body.contains("elec-2025-01"), "viewers see the activity data");
    assert!(!activities.body.contains("action=\"/console/activities/import"), "viewers see no import form");
    assert!(!activities.body.contains("method=\"post\" action=\"/console/activities\""), "nor the entry form");
    assert!(!activities.body.contains("/delete\""), "nor delete buttons");
    let posts = [
        ("/console/activities".to_owned(), vec![("facility", "TZ-01"), ("period", "2025-02"), ("quantity", "1")]),
        (format!("/console/activities/{activity_id}/delete"), vec![]),
        (format!("/console/inventory/boundary/{facility_id}"), vec![("equity_share_percent", "50")]),
        (format!("{version_path}/verify"), vec![("statement", "fine")]),
    ];
    for (action, fields) in &posts {
        assert_eq!(viewer.submit("/console", action, fields).await.status, StatusCode::FORBIDDEN, "viewer: {action}");
    }
    for path in [version_path.clone(), format!("{version_path}/lines/elec-2025-01"), format!("{version_path}/report")] {
        assert_eq!(viewer.get(&path).await.status, StatusCode::OK, "viewers read {path}");
    }
    let editor = app.browser();
    editor.log_in(BRAND_EDITOR).await;
    let signed_by_editor =
        editor.submit(&version_path, &format!("{version_path}/verify"), &[("statement", "ok")]).await;
    assert_eq!(signed_by_editor.status, StatusCode::FORBIDDEN, "editors do not sign off");

    // Another organisation's member gets 404 for every page and every change.
    let intruder = app.browser();
    intruder.log_in(OTHER_SUPPLIER_OWNER).await;
    for path in [
        version_path.clone(),
        format!("{version_path}/lines/elec-2025-01"),
        format!("{version_path}/report"),
        format!("{version_path}/export.csv"),
        format!("{version_path}/export.json"),
    ] {
        let page = intruder.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        // (The requested path itself comes back in the language switcher's return path.)
        for secret in ["台州工厂", "Brand 品牌", GRID_EAST, "56.170"] {
            assert!(!page.body.contains(secret), "{secret} leaked into {path}");
        }
    }
    for (action, fields) in [
        (format!("/console/activities/{activity_id}/delete"), vec![]),
        (
            format!("/console/inventory/boundary/{facility_id}"),
            vec![("equity_share_percent", "0"), ("operational_control", "on")],
        ),
    ] {
        assert_eq!(intruder.submit("/console", &action, &fields).await.status, StatusCode::NOT_FOUND, "{action}");
    }
    let theirs = intruder.get("/console/inventory").await;
    assert!(!theirs.body.contains(&id) && !theirs.body.contains("台州工厂"));
    assert!(!intruder.get("/console/activities?year=2025").await.body.contains("elec-2025-01"));

    // Posts without the CSRF token are refused, the file upload included.
    let forged = editor.post_raw("/console/inventory/compute", &compute_form, &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("could not be verified"));
    assert_eq!(
        editor.post_raw(&format!("/console/activities/{activity_id}/delete"), &[], &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let uploader = Uploader::log_in(&app, BRAND_EDITOR).await;
    let without_token = uploader.post_file("/console/activities/import", "energy.csv", GOOD_CSV).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    let wrong_token = uploader.post_file("/console/activities/import?csrf_token=guess", "energy.csv", GOOD_CSV).await;
    assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);

    // Nothing changed.
    assert_eq!(api.get("/api/v1/activities").await.json.as_array().unwrap().len(), 1);
    assert_eq!(api.get("/api/v1/inventories").await.json.as_array().unwrap().len(), 1);
    assert!(api.get(&format!("/api/v1/inventories/{id}")).await.json["verified_at"].is_null());
    let facility = api.get(&format!("/api/v1/facilities/{facility_id}")).await;
    assert_eq!(facility.status, StatusCode::OK);
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    assert!(owner.get("/console/inventory").await.body.contains("value=\"100\""), "the equity share is still 100 %");
}

on_both_databases!(the_openapi_document_describes_the_inventory);
async fn the_openapi_document_describes_the_inventory(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let document = app.anonymous_api().get("/api/v1/openapi.json").await.json;
    for path in [
        "/api/v1/activities",
        "/api/v1/activities/import",
        "/api/v1/inventories",
        "/api/v1/inventories/{id}",
        "/api/v1/inventories/{id}/verify",
        "/api/v1/factors",
        "/api/v1/factors/{id}",
    ] {
        assert!(document["paths"][path].is_object(), "the document lacks {path}");
    }
    assert!(document["paths"]["/api/v1/activities"]["post"].is_object());
    assert!(document["paths"]["/api/v1/inventories"]["get"].is_object());
    assert!(document["paths"]["/api/v1/activities/import"]["post"]["requestBody"]["content"]["text/csv"].is_object());
    assert!(document["components"]["schemas"]["ComputeBody"]["properties"]["reporting_year"].is_object());
}
