//! The energy console pages (能源): each page in both languages with its empty state, who may do what, another
//! organisation's facility, the meter form with errors next to fields and CSRF, the import's preview and
//! whole-or-nothing confirmation, and the live stream's tenant isolation.

use reqwest::StatusCode;
use serde_json::json;
use tanji_testkit::{TestDatabase, on_both_databases};

use tanji_store::LoginOutcome;
use tanji_tenancy::member::Password;

use crate::harness::{BRAND_EDITOR, BRAND_OWNER, BRAND_VIEWER, Browser, PASSWORD, SUPPLIER_OWNER, TestApp, World};

async fn facility(app: &TestApp, world: &World, organisation: &str) -> String {
    let (organisation, email) = match organisation {
        "brand" => (&world.brand, BRAND_OWNER),
        _ => (&world.supplier, SUPPLIER_OWNER),
    };
    let api = app.api(&World::token(app.store(), organisation, email, "read write").await);
    let answer =
        api.post("/api/v1/facilities", json!({ "name": "纸杯厂", "kind": "factory", "subdivision": "CN-ZJ" })).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    answer.json["id"].as_str().unwrap().to_owned()
}

async fn browser(app: &TestApp, email: &str, language: &str) -> Browser {
    let browser = Browser::new(&app.base_url, language);
    browser.log_in(email).await;
    browser
}

fn meter_fields<'a>(code: &'a str, unit: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name", "一号线总表"),
        ("kind", "electricity"),
        ("unit", unit),
        ("register_type", "cumulative"),
        ("multiplier", "1"),
        ("utc_offset_minutes", "480"),
    ]
}

/// The multipart body of the import form: the file and the time zone.
fn upload(file_name: &str, csv: &str, timezone: &str) -> (String, Vec<u8>) {
    let boundary = "----tanji-energy-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"timezone\"\r\n\r\n{timezone}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

/// The CSRF token of a page, for a multipart form's action.
async fn token(browser: &Browser, page: &str) -> String {
    browser.get(page).await.csrf_token().expect("a CSRF token on the page")
}

on_both_databases!(every_energy_page_answers_in_both_languages_with_its_empty_state);
async fn every_energy_page_answers_in_both_languages_with_its_empty_state(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let chinese = browser(&app, BRAND_VIEWER, "zh-CN").await;
    let landing = chinese.get("/console/energy").await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("还没有设施"), "{}", landing.body);
    assert!(landing.body.contains("href=\"/console/energy\" aria-current=\"page\">能源"), "the nav entry");

    let facility_id = facility(&app, &world, "brand").await;
    for (path, empty_state) in [
        (format!("/console/energy/facilities/{facility_id}"), "这个设施还没有可分析的数据"),
        (format!("/console/energy/facilities/{facility_id}/meters"), "这个设施还没有计量表"),
        (format!("/console/energy/facilities/{facility_id}/measures"), "还没有能源站点设置"),
        ("/console/energy/import".to_owned(), "本组织还没有计量表"),
        ("/console/energy/live".to_owned(), "还没有计量表"),
    ] {
        let page = chinese.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(empty_state), "{path}: {}", page.body);
        assert_eq!(tanji_i18n::latin_sentences(&visible_text(&page.body)), Vec::<String>::new(), "{path}");
    }
    let english = browser(&app, BRAND_VIEWER, "en").await;
    let page = english.get(&format!("/console/energy/facilities/{facility_id}/meters")).await;
    assert!(page.body.contains("This facility has no meters yet"), "{}", page.body);
    // A viewer sees the tree but no form to change it.
    assert!(!page.body.contains("id=\"add-meter\""));

    let anonymous = Browser::new(&app.base_url, "zh-CN");
    let page = anonymous.get("/console/energy/live").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "anonymous visitors are sent to log in");
}

/// The page's text without tags, scripts and attribute values (what a reader sees).
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        text.push_str(&rest[..start]);
        rest = rest[start..].find("</script>").map_or("", |end| &rest[start + end + 9..]);
    }
    text.push_str(rest);
    let mut visible = String::new();
    for character in text.chars() {
        match character {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                visible.push(' ');
            }
            _ if !in_tag => visible.push(character),
            _ => {}
        }
    }
    visible
}

on_both_databases!(another_organisations_facility_is_not_found_on_any_energy_page);
async fn another_organisations_facility_is_not_found_on_any_energy_page(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let brand_facility = facility(&app, &world, "brand").await;
    let supplier = browser(&app, SUPPLIER_OWNER, "en").await;
    for suffix in ["", "/meters", "/measures"] {
        let page = supplier.get(&format!("/console/energy/facilities/{brand_facility}{suffix}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{suffix}");
    }
    let page = supplier.get("/console/energy/facilities/not-a-uuid").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let mut fields = meter_fields("L1-MAIN", "kWh");
    let csrf = token(&supplier, "/console/energy").await;
    fields.push(("csrf_token", &csrf));
    let page = supplier.post_raw(&format!("/console/energy/facilities/{brand_facility}/meters"), &fields, &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(app.store().list_meters(&actor(&app, &world, BRAND_OWNER).await).await.unwrap().is_empty());
}

/// Every form of a facility's energy pages (one prologue, `energy::console::facility_form`).
fn facility_forms(facility_id: &str) -> Vec<String> {
    ["meters", "meters/site", "meters/area", "meters/line", "meters/place", "measures", "chain/parent"]
        .into_iter()
        .chain(["chain/footprint", "chain/inventory"])
        .map(|form| format!("/console/energy/facilities/{facility_id}/{form}"))
        .collect()
}

on_both_databases!(every_facility_form_refuses_a_member_who_may_not_and_another_organisations_facility);
async fn every_facility_form_refuses_a_member_who_may_not_and_another_organisations_facility(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let brand_facility = facility(&app, &world, "brand").await;
    let fields = |csrf: &str| {
        vec![
            ("csrf_token".to_owned(), csrf.to_owned()),
            ("code".to_owned(), "A1".to_owned()),
            ("name".to_owned(), "车间".to_owned()),
            ("meter".to_owned(), "L1-MAIN".to_owned()),
            ("confirm".to_owned(), "yes".to_owned()),
        ]
    };
    let post = |browser: &Browser, path: String, fields: Vec<(String, String)>| {
        let browser = browser.clone();
        async move {
            let fields: Vec<(&str, &str)> =
                fields.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
            browser.post_raw(&path, &fields, &[]).await.status
        }
    };
    // A viewer holds ViewEnergy but not EditEnergy: 403 on every form of their own facility.
    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    let viewer_csrf = token(&viewer, "/console/energy").await;
    for path in facility_forms(&brand_facility) {
        assert_eq!(post(&viewer, path.clone(), fields(&viewer_csrf)).await, StatusCode::FORBIDDEN, "{path}");
    }
    // Another organisation's owner may edit energy, but the facility reads as not found; a malformed id likewise.
    let supplier = browser(&app, SUPPLIER_OWNER, "en").await;
    let supplier_csrf = token(&supplier, "/console/energy").await;
    for path in facility_forms(&brand_facility).into_iter().chain(facility_forms("not-a-uuid")) {
        assert_eq!(post(&supplier, path.clone(), fields(&supplier_csrf)).await, StatusCode::NOT_FOUND, "{path}");
    }
    // The brand's owner without the form's CSRF token: refused before the handler runs.
    let owner = browser(&app, BRAND_OWNER, "zh-CN").await;
    for path in facility_forms(&brand_facility) {
        assert_eq!(post(&owner, path.clone(), fields("forged")).await, StatusCode::FORBIDDEN, "{path}");
    }
    let owner_actor = actor(&app, &world, BRAND_OWNER).await;
    let facility_id = brand_facility.parse().unwrap();
    assert!(
        matches!(app.store().energy_site_tree(&owner_actor, facility_id).await, Err(tanji_store::StoreError::NotFound)),
        "nothing was saved"
    );
    assert!(app.store().list_meters(&owner_actor).await.unwrap().is_empty());
}

async fn actor(app: &TestApp, world: &World, email: &str) -> tanji_tenancy::Actor {
    let organisation = if email == SUPPLIER_OWNER { &world.supplier } else { &world.brand };
    let LoginOutcome::LoggedIn(session) =
        app.store().login(email, &Password::for_login(PASSWORD), Some(organisation.id)).await.unwrap()
    else {
        panic!("{email} cannot log in")
    };
    app.store().session(&session.secret).await.unwrap().unwrap().actor
}

on_both_databases!(a_meter_is_registered_from_the_form_and_wrong_fields_are_named_beside_them);
async fn a_meter_is_registered_from_the_form_and_wrong_fields_are_named_beside_them(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let facility_id = facility(&app, &world, "brand").await;
    let page_path = format!("/console/energy/facilities/{facility_id}/meters");
    let editor = browser(&app, BRAND_EDITOR, "zh-CN").await;

    let wrong = editor.submit(&page_path, &page_path, &meter_fields("L1 MAIN", "furlongs")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.body);
    assert!(wrong.body.contains("id=\"error-code\""), "the code's error is beside it: {}", wrong.body);
    assert!(wrong.body.contains("id=\"error-unit\""), "the unit's error is beside it");
    assert!(wrong.body.contains("如 kWh、MWh"), "the unit's fix in Chinese");
    assert!(wrong.body.contains("value=\"furlongs\""), "what was typed is kept");

    let added = editor.submit(&page_path, &page_path, &meter_fields("L1-MAIN", "kWh")).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(added.location(), format!("{page_path}?notice=meter_added"));
    let tree = editor.get(added.location()).await;
    assert!(tree.body.contains("<code>L1-MAIN</code>") && tree.body.contains("计量表已登记"), "{}", tree.body);
    assert!(tree.body.contains("累计读数"), "the register type in Chinese");

    let again = editor.submit(&page_path, &page_path, &meter_fields("L1-MAIN", "kWh")).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a second meter with the code");

    // CSRF: the same form without the token is refused and nothing is stored.
    let without_token = editor.post_raw(&page_path, &meter_fields("L2-MAIN", "kWh"), &[]).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    // A viewer may look but not register.
    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    let refused = viewer.submit(&page_path, &page_path, &meter_fields("L3-MAIN", "kWh")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let codes: Vec<String> = app
        .store()
        .list_meters(&actor(&app, &world, BRAND_OWNER).await)
        .await
        .unwrap()
        .into_iter()
        .map(|meter| meter.code.as_str().to_owned())
        .collect();
    assert_eq!(codes, ["L1-MAIN"]);
}

async fn register_meter(app: &TestApp, world: &World, organisation: &str, facility_id: &str, code: &str) {
    let (organisation, email) = match organisation {
        "brand" => (&world.brand, BRAND_OWNER),
        _ => (&world.supplier, SUPPLIER_OWNER),
    };
    let api = app.api(&World::token(app.store(), organisation, email, "read write").await);
    let answer = api
        .post(
            "/api/v1/energy/meters",
            json!({ "facility_id": facility_id, "code": code, "name": "表", "kind": "electricity", "unit": "kWh",
                    "register_type": "interval" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
}

on_both_databases!(an_import_is_previewed_with_every_row_error_and_confirmed_whole);
async fn an_import_is_previewed_with_every_row_error_and_confirmed_whole(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let facility_id = facility(&app, &world, "brand").await;
    register_meter(&app, &world, "brand", &facility_id, "L1-MAIN").await;
    let editor = browser(&app, BRAND_EDITOR, "zh-CN").await;
    let csrf = token(&editor, "/console/energy/import").await;
    let preview_path = format!("/console/energy/import/preview?csrf_token={csrf}");

    let wrong =
        "meter,timestamp,value\nL1-MAIN,2026-03-02 08:15,10\nL1-MIAN,2026-03-02 08:30,11\nL1-MAIN,yesterday,x\n";
    let (content_type, body) = upload("readings.csv", wrong, "+08:00");
    let page = editor.post_multipart(&preview_path, &content_type, body).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
    for expected in [
        "<td class=\"num\">3</td><td><code>meter</code>",
        "L1-MAIN",
        "<td class=\"num\">4</td><td><code>timestamp</code>",
        "<td class=\"num\">4</td><td><code>value</code>",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert!(!page.body.contains("/console/energy/import/confirm"), "nothing to confirm while rows are wrong");

    let good = "meter,timestamp,value\nL1-MAIN,2026-03-02 08:15,10\nL1-MAIN,2026-03-02 08:30,11.5\n";
    let (content_type, body) = upload("readings.csv", good, "+08:00");
    let page = editor.post_multipart(&preview_path, &content_type, body).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("长表（每行一条读数）") && page.body.contains("2026-03-02 08:30"), "{}", page.body);
    let owner = actor(&app, &world, BRAND_OWNER).await;
    let code = tanji_store::energy::MeterCode::parse("meter", "L1-MAIN").unwrap();
    assert_eq!(app.store().meter(&owner, &code).await.unwrap().n_readings, 0, "a preview stores nothing");

    // Confirm sends back what was previewed.
    let confirm_path = format!("/console/energy/import/confirm?csrf_token={csrf}");
    let (content_type, body) = confirm_body(good, "+08:00");
    let page = editor.post_multipart(&confirm_path, &content_type, body.clone()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"import-result\""), "{}", page.body);
    assert_eq!(app.store().meter(&owner, &code).await.unwrap().n_readings, 2);
    let stored = app.store().recent_readings(&owner, 5).await.unwrap();
    assert_eq!(stored[&code][0].reading_at.to_string(), "2026-03-02T00:15:00Z", "local time at +08:00");
    // Again: the same readings are duplicates, stored once.
    let page = editor.post_multipart(&confirm_path, &content_type, body).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.store().meter(&owner, &code).await.unwrap().n_readings, 2);

    // Without the token, or as a viewer: refused, nothing read.
    let (content_type, body) = upload("readings.csv", good, "+08:00");
    let page = editor.post_multipart("/console/energy/import/preview", &content_type, body).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    let viewer_csrf = token(&viewer, "/console/energy/import").await;
    let (content_type, body) = confirm_body("meter,timestamp,value\nL1-MAIN,2026-03-03 08:15,10\n", "+08:00");
    let page = viewer
        .post_multipart(&format!("/console/energy/import/confirm?csrf_token={viewer_csrf}"), &content_type, body)
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store().meter(&owner, &code).await.unwrap().n_readings, 2);
}

fn confirm_body(content: &str, timezone: &str) -> (String, Vec<u8>) {
    let boundary = "----tanji-energy-confirm";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file_name\"\r\n\r\nreadings.csv\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"timezone\"\r\n\r\n{timezone}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

on_both_databases!(the_live_stream_carries_only_the_viewers_organisations_readings);
async fn the_live_stream_carries_only_the_viewers_organisations_readings(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let brand_facility = facility(&app, &world, "brand").await;
    let supplier_facility = facility(&app, &world, "supplier").await;
    // The same meter code in both organisations: isolation cannot rest on the code.
    register_meter(&app, &world, "brand", &brand_facility, "L1-MAIN").await;
    register_meter(&app, &world, "supplier", &supplier_facility, "L1-MAIN").await;

    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    let page = viewer.get("/console/energy/live").await;
    assert!(page.body.contains("data-meter=\"L1-MAIN\"") && page.body.contains("data-live-stream"), "{}", page.body);
    let mut stream = viewer.open("/console/energy/live/stream").await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(stream.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));

    let post = |organisation, email, value: f64| {
        let app = &app;
        async move {
            let api = app.api(&World::token(app.store(), organisation, email, "read write").await);
            let readings =
                json!({ "readings": [{ "meter": "L1-MAIN", "ts": "2026-03-02T08:15:00+08:00", "value": value }] });
            let answer = api.post("/api/v1/energy/readings", readings).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        }
    };
    post(&world.supplier, SUPPLIER_OWNER, 222.0).await;
    post(&world.brand, BRAND_OWNER, 111.0).await;

    // Read until the brand's reading arrives; nothing of the supplier's may come before or with it.
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !received.contains("111") {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk()).await.expect("the brand's reading in time");
        received.push_str(&String::from_utf8_lossy(&chunk.unwrap().expect("the stream stays open")));
    }
    assert!(received.contains("event: readings"), "{received}");
    assert!(received.contains(r#""meter":"L1-MAIN""#) && received.contains(r#""source":"api""#), "{received}");
    assert!(!received.contains("222"), "another organisation's reading reached the stream: {received}");

    // The supplier's own viewer does get the supplier's next reading, and not the brand's.
    let supplier = browser(&app, SUPPLIER_OWNER, "zh-CN").await;
    let mut supplier_stream = supplier.open("/console/energy/live/stream").await;
    post(&world.brand, BRAND_OWNER, 333.0).await;
    let readings = json!({ "readings": [{ "meter": "L1-MAIN", "ts": "2026-03-02T08:30:00+08:00", "value": 444.0 }] });
    let api = app.api(&World::token(app.store(), &world.supplier, SUPPLIER_OWNER, "read write").await);
    assert_eq!(api.post("/api/v1/energy/readings", readings).await.status, StatusCode::OK);
    let mut received = String::new();
    while !received.contains("444") {
        let chunk = tokio::time::timeout_at(deadline, supplier_stream.chunk()).await.expect("in time");
        received.push_str(&String::from_utf8_lossy(&chunk.unwrap().expect("open")));
    }
    assert!(!received.contains("333"), "{received}");
}

/// Reads a live stream until it ends (`None`) or `deadline` passes (a panic: it stayed open); what it carried.
async fn until_the_stream_ends(stream: &mut reqwest::Response, deadline: tokio::time::Instant) -> String {
    let mut received = String::new();
    loop {
        match tokio::time::timeout_at(deadline, stream.chunk()).await.expect("the stream ended in time") {
            Ok(Some(chunk)) => received.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(None) | Err(_) => return received,
        }
    }
}

on_both_databases!(a_live_stream_ends_when_its_session_ends_or_its_viewer_leaves_the_organisation);
/// A stream outlives the request that checked its session: it must end after logout, and when its viewer is removed
/// from the organisation, and carry nothing stored after that.
async fn a_live_stream_ends_when_its_session_ends_or_its_viewer_leaves_the_organisation(database: TestDatabase) {
    let config = tanji_server::ServerConfig {
        live_session_recheck: Some(std::time::Duration::from_millis(50)),
        ..tanji_server::ServerConfig::default()
    };
    let app = TestApp::spawn_with(database, config, None).await;
    let world = World::build(app.store()).await;
    let facility_id = facility(&app, &world, "brand").await;
    register_meter(&app, &world, "brand", &facility_id, "L1-MAIN").await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read write").await);
    let post = |minute: u32, value: f64| {
        let api = &api;
        async move {
            let ts = format!("2026-03-02T08:{minute:02}:00+08:00");
            let readings = json!({ "readings": [{ "meter": "L1-MAIN", "ts": ts, "value": value }] });
            assert_eq!(api.post("/api/v1/energy/readings", readings).await.status, StatusCode::OK);
        }
    };

    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    let mut stream = viewer.open("/console/energy/live/stream").await;
    assert_eq!(stream.status(), StatusCode::OK);
    // Open while the session holds, through several re-checks.
    post(15, 111.0).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut received = String::new();
    while !received.contains("111") {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk()).await.expect("the reading in time");
        received.push_str(&String::from_utf8_lossy(&chunk.unwrap().expect("the stream stays open")));
    }
    let logout = viewer.submit("/console", "/logout", &[]).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    let after = until_the_stream_ends(&mut stream, deadline).await;
    post(30, 222.0).await;
    assert!(!after.contains("222"), "{after}");

    // Removed from the organisation while watching.
    let editor = browser(&app, BRAND_EDITOR, "zh-CN").await;
    let mut stream = editor.open("/console/energy/live/stream").await;
    assert_eq!(stream.status(), StatusCode::OK);
    let owner = actor(&app, &world, BRAND_OWNER).await;
    let editor_id = actor(&app, &world, BRAND_EDITOR).await.user_id;
    app.store().remove_member(&owner, editor_id).await.unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let after = until_the_stream_ends(&mut stream, deadline).await;
    post(45, 333.0).await;
    assert!(!after.contains("333"), "{after}");
}

/// 70 days of the seeded 瑞禾 example, hourly; line 2's heater fixed on 2025-02-19.
fn example_import() -> tanji_store::energy_site::SiteImport {
    use tanji_energy::synthetic::{ExampleOptions, ruihe_paper_cups_example};
    let files = ruihe_paper_cups_example(&ExampleOptions {
        seed: 7,
        first_day: jiff::civil::date(2025, 1, 1),
        days: 70,
        interval_minutes: 60,
        heater_fixed_on: Some(jiff::civil::date(2025, 2, 19)),
        faults: false,
    });
    let site_file = tanji_energy::file::read_site_file("site.toml", files.site_toml.as_bytes()).unwrap();
    let (readings, _) =
        tanji_energy::file::read_readings_csv("readings.csv", files.readings_csv.as_bytes(), &site_file.site).unwrap();
    let production =
        tanji_energy::file::read_production_csv("production.csv", files.production_csv.as_bytes(), &site_file.site)
            .unwrap();
    tanji_store::energy_site::SiteImport::from_files(
        site_file.site,
        &readings,
        &production,
        "readings.csv",
        "production.csv",
        "site.toml",
    )
    .unwrap()
}

// SQLite only for now: on PostgreSQL `Store::import_energy_site` (the energy-store branch) fails with "incorrect binary
// data format in bind parameter 10" on this example; reported in /work/coord/energy-console.md. The pages' own paths
// (forms, readings, measures) run on both databases in the other tests here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_site_shows_its_tree_analysis_and_a_measures_verified_saving_on_sqlite() {
    tanji_testkit::run(
        a_stored_site_shows_its_tree_analysis_and_a_measures_verified_saving,
        tanji_testkit::Engine::Sqlite,
    )
    .await;
}

async fn a_stored_site_shows_its_tree_analysis_and_a_measures_verified_saving(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let facility_id = facility(&app, &world, "brand").await;
    let editor_actor = actor(&app, &world, BRAND_OWNER).await;
    app.store().import_energy_site(&editor_actor, facility_id.parse().unwrap(), &example_import()).await.unwrap();
    let editor = browser(&app, BRAND_EDITOR, "zh-CN").await;

    // The tree: meters under their lines, with the equipment they serve.
    let tree = editor.get(&format!("/console/energy/facilities/{facility_id}/meters")).await;
    assert_eq!(tree.status, StatusCode::OK);
    assert!(tree.body.contains(" › ") && tree.body.contains("<code>L2-heater</code>"), "{}", tree.body);
    assert!(tree.body.contains("加热器"), "equipment in Chinese");
    assert!(tree.body.contains("0.5306 t CO2e/MWh"), "the recorded grid factor");

    // The analysis over the period asked for (before the fix): the gap, the baseline table, the charts, the findings.
    let page = editor.get(&format!("/console/energy/facilities/{facility_id}?from=2025-01-01&to=2025-02-18")).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "id=\"energy-line-sec\"",
        "id=\"energy-baseline-fit\"",
        "id=\"energy-cusum\"",
        "id=\"findings\"",
        "ASHRAE G14",
        "badge badge-warn\">+",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert!(page.body.contains("t CO2e/年"), "savings in t CO2e");
    // The grid factor's source is shown as recorded (here an English citation); everything else is Chinese.
    let tree = app.store().energy_site_tree(&editor_actor, facility_id.parse().unwrap()).await.unwrap();
    let source = &tree.site.settings.grid_factor.source;
    let visible = unescape(&visible_text(&page.body));
    assert!(visible.contains(source.as_str()), "the factor's source is named");
    assert_eq!(tanji_i18n::latin_sentences(&visible.replace(source.as_str(), "")), Vec::<String>::new());

    // A measure, recorded through the form, and its verified saving with its uncertainty.
    let measures = format!("/console/energy/facilities/{facility_id}/measures");
    let wrong = editor
        .submit(
            &measures,
            &measures,
            &[
                ("description", "调低二号线加热器设定温度"),
                ("line", "L2"),
                ("implemented_on", "2025-02-19"),
                ("baseline_first", "2025-01-01"),
                ("baseline_last", "2025-02-25"),
                ("reporting_first", "2025-02-19"),
                ("reporting_last", "2025-03-11"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "a baseline ending after the measure");
    assert!(wrong.body.contains("id=\"error-baseline_last\""), "{}", wrong.body);
    let recorded = editor
        .submit(
            &measures,
            &measures,
            &[
                ("description", "调低二号线加热器设定温度"),
                ("line", "L2"),
                ("meter", "L2-heater"),
                ("implemented_on", "2025-02-19"),
                ("baseline_first", "2025-01-01"),
                ("baseline_last", "2025-02-18"),
                ("reporting_first", "2025-02-19"),
                ("reporting_last", "2025-03-11"),
                ("expected_saving_kwh_per_year", "300000"),
            ],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let page = editor.get(&measures).await;
    let with_saving = app
        .store()
        .measure_with_saving(
            &editor_actor,
            &app.store().list_measures(&editor_actor, facility_id.parse().unwrap()).await.unwrap()[0].id,
        )
        .await
        .unwrap();
    let verification = with_saving.verification.expect("verified");
    let saving = tanji_i18n::energy::whole(verification.saving_kwh_per_year);
    let uncertainty = tanji_i18n::energy::whole(verification.uncertainty_kwh_per_year);
    assert!(
        page.body.contains(&saving) && page.body.contains(&format!("± {uncertainty}")),
        "{saving} ± {uncertainty}: {}",
        page.body
    );
    assert!(verification.saving_kwh_per_year > 100_000.0, "the heater fix saves: {}", verification.saving_kwh_per_year);

    // A viewer cannot record a measure; another organisation cannot see the facility's measures.
    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    let refused = viewer.submit(&measures, &measures, &[("description", "x"), ("line", "L2")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let supplier = browser(&app, SUPPLIER_OWNER, "zh-CN").await;
    assert_eq!(supplier.get(&measures).await.status, StatusCode::NOT_FOUND);
}

on_both_databases!(the_site_tree_is_built_from_the_forms);
async fn the_site_tree_is_built_from_the_forms(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let facility_id = facility(&app, &world, "brand").await;
    register_meter(&app, &world, "brand", &facility_id, "L1-HEATER").await;
    let editor = browser(&app, BRAND_EDITOR, "zh-CN").await;
    let page = format!("/console/energy/facilities/{facility_id}/meters");
    let post = |form: &'static str| format!("{page}/{form}");

    let missing_factor = editor
        .submit(
            &page,
            &post("site"),
            &[
                ("name", "纸杯厂"),
                ("utc_offset_minutes", "480"),
                ("interval_minutes", "15"),
                ("grid_factor", ""),
                ("grid_factor_source", ""),
            ],
        )
        .await;
    assert_eq!(missing_factor.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing_factor.body.contains("id=\"error-site-grid_factor\""), "{}", missing_factor.body);
    let saved = editor
        .submit(
            &page,
            &post("site"),
            &[
                ("name", "纸杯厂"),
                ("utc_offset_minutes", "480"),
                ("interval_minutes", "15"),
                ("grid_factor", "0.5306"),
                ("grid_factor_source", "生态环境部、国家统计局 2023 年全国电力平均二氧化碳排放因子"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        editor.submit(&page, &post("area"), &[("code", "W1"), ("name", "一车间")]).await.status,
        StatusCode::SEE_OTHER
    );
    let line = editor
        .submit(
            &page,
            &post("line"),
            &[("area", "W1"), ("code", "L1"), ("name", "一号线"), ("product_sku", "CUP-250"), ("output_unit", "杯")],
        )
        .await;
    assert_eq!(line.status, StatusCode::SEE_OTHER, "{}", line.body);
    let unknown_line = editor
        .submit(
            &page,
            &post("place"),
            &[("meter", "L1-HEATER"), ("area", "W1"), ("line", "L9"), ("equipment", "heater")],
        )
        .await;
    assert_eq!(unknown_line.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown_line.body);
    let placed = editor
        .submit(
            &page,
            &post("place"),
            &[
                ("meter", "L1-HEATER"),
                ("area", "W1"),
                ("line", "L1"),
                ("equipment", "heater"),
                ("ct_ratio", "1"),
                ("pt_ratio", "1"),
            ],
        )
        .await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    let tree = editor.get(&page).await;
    assert!(
        tree.body.contains("一车间 › 一号线 (L1 · CUP-250)") && tree.body.contains("<code>L1-HEATER</code>"),
        "{}",
        tree.body
    );
    assert!(!tree.body.contains("未放置到产线"), "the meter is placed");

    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    assert_eq!(
        viewer.submit(&page, &post("area"), &[("code", "W2"), ("name", "二车间")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        editor.post_raw(&post("area"), &[("code", "W2"), ("name", "二车间")], &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

/// HTML entities undone, as a reader sees the text.
fn unescape(text: &str) -> String {
    text.replace("&#38;", "&")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

// The audit log's energy entries used to link to no page, label a meter's code as a facility's "Internal code", its
// kind and register as "Other field", and show the stored machine names (`electricity`).
on_both_databases!(the_audit_log_links_energy_entries_to_their_facility_and_labels_their_fields);
async fn the_audit_log_links_energy_entries_to_their_facility_and_labels_their_fields(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let facility_id = facility(&app, &world, "brand").await;
    register_meter(&app, &world, "brand", &facility_id, "L1-MAIN").await;
    let meters_page = format!("href=\"/console/energy/facilities/{facility_id}/meters\"");

    let chinese = browser(&app, BRAND_OWNER, "zh-CN").await.get("/console/audit?action=energy_meter.registered").await;
    assert_eq!(chinese.status, StatusCode::OK);
    assert!(chinese.body.contains(&format!("<a {meters_page}>L1-MAIN</a>")), "{}", chinese.body);
    for label in ["表号", "种类", "寄存器类型", "倍率（CT/PT）", "<ins>电</ins>", "<ins>区间量</ins>"]
    {
        assert!(chinese.body.contains(label), "{label}: {}", chinese.body);
    }
    for wrong in ["其他字段", "内部编码", "<ins>electricity</ins>", "<ins>interval</ins>"] {
        assert!(!chinese.body.contains(wrong), "{wrong}: {}", chinese.body);
    }
    let english = browser(&app, BRAND_OWNER, "en").await.get("/console/audit").await;
    assert!(english.body.contains(&format!("<a {meters_page}>L1-MAIN</a>")), "{}", english.body);
    for label in ["Meter code", "Register", "<ins>Electricity</ins>"] {
        assert!(english.body.contains(label), "{label}: {}", english.body);
    }
    assert!(!english.body.contains("Other field"), "{}", english.body);
}

on_both_databases!(the_chain_page_shows_which_meters_count_and_hands_over_with_confirmation);
/// The chain page: which meters count in the inventory, an upstream meter set from the form, the inventory handover
/// refused without its confirmation and done with it, in Chinese; CSRF, a viewer and another organisation refused.
async fn the_chain_page_shows_which_meters_count_and_hands_over_with_confirmation(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let facility_id = facility(&app, &world, "brand").await;
    let owner = actor(&app, &world, BRAND_OWNER).await;
    app.store().import_energy_site(&owner, facility_id.parse().unwrap(), &example_import()).await.unwrap();
    let page_path = format!("/console/energy/facilities/{facility_id}/chain");
    let editor = browser(&app, BRAND_EDITOR, "zh-CN").await;

    let page = editor.get(&page_path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "哪些表计入盘查总量",
        "<td>L2-heater</td>",
        "badge badge-ok\">计入",
        "将计量电量记入温室气体盘查",
        "预览对盘查的影响",
        "电网排放因子（留空：沿用被取代记录的因子",
    ] {
        assert!(page.body.contains(expected), "{expected} is missing: {}", page.body);
    }
    let english = browser(&app, BRAND_EDITOR, "en").await.get(&page_path).await;
    assert!(english.body.contains("Which meters count in the inventory"), "{}", english.body);

    let parent = editor
        .submit(&page_path, &format!("{page_path}/parent"), &[("meter", "L1-heater"), ("parent", "L1-drive")])
        .await;
    assert_eq!(parent.status, StatusCode::OK, "{}", parent.body);
    assert!(parent.body.contains("上级表已保存") && parent.body.contains("已含在 L1-drive"), "{}", parent.body);
    let looped = editor
        .submit(&page_path, &format!("{page_path}/parent"), &[("meter", "L1-drive"), ("parent", "L1-heater")])
        .await;
    assert_eq!(looped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(looped.body.contains("id=\"error-parent\""), "{}", looped.body);
    assert!(looped.body.contains("表 L1-heater 已在表 L1-drive 的下级"), "the refusal in Chinese: {}", looped.body);

    let inventory = format!("{page_path}/inventory");
    let period = [("from", "2025-01-01"), ("to", "2025-01-31"), ("emission_point", "主变 10kV 进线")];
    // The preview: each month, what it supersedes and its effect on the year's totals; nothing written yet.
    let preview_path = format!("{inventory}/preview");
    let preview = editor.submit(&page_path, &preview_path, &period).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    for expected in [
        "记入盘查前的预览",
        "id=\"preview-months\"",
        "<td class=\"nowrap\">2025-01</td>",
        "2025-01：计量电量",
        "（站点电网因子）",
        "基于市场 t CO2e（前 → 后）",
        "确认：将这些月份写入盘查活动数据",
        "name=\"emission_point\" value=\"主变 10kV 进线\"",
    ] {
        assert!(preview.body.contains(expected), "{expected} is missing: {}", preview.body);
    }
    assert!(app.store().activities(&owner, Some(2025)).await.unwrap().is_empty(), "a preview writes nothing");
    let bad_coverage = [("from", "2025-01-01"), ("to", "2025-01-31"), ("covered_by_instruments_kwh", "9e12")];
    let refused = editor.submit(&page_path, &preview_path, &bad_coverage).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "coverage above the metered month");
    assert!(refused.body.contains("id=\"error-covered_by_instruments_kwh\""), "{}", refused.body);
    let unconfirmed = editor.submit(&page_path, &inventory, &period).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("id=\"error-confirm\""), "{}", unconfirmed.body);
    assert!(app.store().activities(&owner, Some(2025)).await.unwrap().is_empty(), "nothing written unconfirmed");
    let mut confirmed = period.to_vec();
    confirmed.push(("confirm", "yes"));
    let done = editor.submit(&page_path, &inventory, &confirmed).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("已写入活动数据（条） 1"), "{}", done.body);
    let written = app.store().activities(&owner, Some(2025)).await.unwrap();
    assert_eq!(written.len(), 1);
    assert!(!written[0].record.evidence.contains(&"L1-heater".to_owned()), "a sub-meter is not added");

    // Without the CSRF token, as a viewer, or for another organisation's facility: refused, nothing written.
    let without_token = editor.post_raw(&inventory, &confirmed, &[]).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    assert_eq!(viewer.get(&page_path).await.status, StatusCode::OK, "a viewer may look");
    assert_eq!(viewer.submit(&page_path, &inventory, &confirmed).await.status, StatusCode::FORBIDDEN);
    assert_eq!(viewer.submit(&page_path, &preview_path, &period).await.status, StatusCode::FORBIDDEN);
    assert_eq!(editor.post_raw(&preview_path, &period, &[]).await.status, StatusCode::FORBIDDEN, "CSRF");
    let supplier = browser(&app, SUPPLIER_OWNER, "zh-CN").await;
    assert_eq!(supplier.get(&page_path).await.status, StatusCode::NOT_FOUND);
    let csrf = token(&supplier, "/console/energy").await;
    let mut stranger = confirmed.clone();
    stranger.push(("csrf_token", &csrf));
    assert_eq!(supplier.post_raw(&inventory, &stranger, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(supplier.post_raw(&preview_path, &stranger, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.store().activities(&owner, Some(2025)).await.unwrap().len(), 1);
}

/// A site of two paper-cup lines at the facility, through the store.
async fn site_with_two_lines(app: &TestApp, world: &World, facility_id: &str) {
    use tanji_store::energy_site::{AreaInput, LineInput, RecordedGridFactor, SiteSettings};
    let owner = actor(app, world, BRAND_OWNER).await;
    let id = facility_id.parse().unwrap();
    let settings = SiteSettings {
        name: "瑞禾".to_owned(),
        utc_offset_minutes: 480,
        interval_minutes: 15,
        grid_factor: RecordedGridFactor {
            factor_id: None,
            t_co2e_per_mwh: 0.5306,
            source: "公告2025年第47号".to_owned(),
        },
        tariff: None,
    };
    app.store().save_energy_site(&owner, id, &settings).await.unwrap();
    app.store()
        .save_energy_area(&owner, id, &AreaInput { code: "A1".to_owned(), name: "成型车间".to_owned() })
        .await
        .unwrap();
    for code in ["L1", "L2"] {
        let line = LineInput {
            code: code.to_owned(),
            name: format!("纸杯{code}"),
            area_code: "A1".to_owned(),
            product_sku: "CUP-9OZ-PE".to_owned(),
            output_unit: "cup".to_owned(),
            product_id: None,
        };
        app.store().save_energy_line(&owner, id, &line).await.unwrap();
    }
}

on_both_databases!(production_is_previewed_with_every_row_error_and_confirmed_whole_once);
/// The production import: the empty state and template, a file with errors (row, field, fix; nothing stored), a good
/// file previewed then confirmed whole, the same file again stored once, a changed count kept as a conflict, the
/// audit entry; and the denials (CSRF, a viewer, another organisation).
async fn production_is_previewed_with_every_row_error_and_confirmed_whole_once(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let empty_facility = facility(&app, &world, "brand").await;
    let editor = browser(&app, BRAND_EDITOR, "zh-CN").await;
    let empty = editor.get(&format!("/console/energy/facilities/{empty_facility}/production")).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("这个设施还没有产线") && !empty.body.contains("id=\"upload\""), "{}", empty.body);
    assert_eq!(tanji_i18n::latin_sentences(&visible_text(&empty.body)), Vec::<String>::new());

    let facility_id = empty_facility;
    site_with_two_lines(&app, &world, &facility_id).await;
    let page_path = format!("/console/energy/facilities/{facility_id}/production");
    let page = editor.get(&page_path).await;
    assert!(page.body.contains("id=\"upload\"") && page.body.contains("下载 CSV 模板"), "{}", page.body);
    let template = editor.get(&format!("{page_path}/template.csv")).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(template.body, "line,date,sku,units\nL1,,CUP-9OZ-PE,\nL2,,CUP-9OZ-PE,\n");

    let csrf = token(&editor, &page_path).await;
    let preview_path = format!("{page_path}/preview?csrf_token={csrf}");
    let wrong = "line,date,sku,units\nL1,2025-03-02,CUP-9OZ-PE,1000\nL3,2025-03-02,CUP-9OZ-PE,5\n\
                 L2,2025-13-01,CUP-9OZ-PE,12 cups\nL2,2025-03-02,CUP-12OZ,7\n";
    let (content_type, body) = upload("production.csv", wrong, "");
    let page = editor.post_multipart(&preview_path, &content_type, body).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
    for expected in [
        "<td class=\"num\">3</td><td><code>line</code>",
        "是否应为 L1？",
        "<td class=\"num\">4</td><td><code>date</code>",
        "<td class=\"num\">4</td><td><code>units</code>",
        "<td class=\"num\">5</td><td><code>sku</code>",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert!(!page.body.contains("/production/confirm"), "nothing to confirm while rows are wrong");
    assert_eq!(tanji_i18n::latin_sentences(&visible_text(&page.body)), Vec::<String>::new());
    let english = browser(&app, BRAND_EDITOR, "en").await;
    let english_csrf = token(&english, &page_path).await;
    let (content_type, body) = upload("production.csv", wrong, "");
    let page =
        english.post_multipart(&format!("{page_path}/preview?csrf_token={english_csrf}"), &content_type, body).await;
    assert!(page.body.contains("did you mean L1?"), "{}", page.body);

    let good = "line,date,sku,units\nL1,2025-03-02,CUP-9OZ-PE,1000\nL2,2025-03-02,CUP-9OZ-PE,900\n\
                L1,2025-03-03,CUP-9OZ-PE,1100\n";
    let (content_type, body) = upload("production.csv", good, "");
    let page = editor.post_multipart(&preview_path, &content_type, body).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<td class=\"num\">2100</td>"), "L1's output in total: {}", page.body);
    let owner = actor(&app, &world, BRAND_OWNER).await;
    let id = facility_id.parse().unwrap();
    let period = tanji_energy::DayRange { first: "2025-01-01".parse().unwrap(), last: "2025-12-31".parse().unwrap() };
    assert!(app.store().production_counts(&owner, id, period).await.unwrap().is_empty(), "a preview stores nothing");

    let confirm_path = format!("{page_path}/confirm?csrf_token={csrf}");
    let (content_type, body) = confirm_body(good, "");
    let page = editor.post_multipart(&confirm_path, &content_type, body.clone()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"import-result\""), "{}", page.body);
    let stored = app.store().production_counts(&owner, id, period).await.unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[0].source, "csv");
    assert_eq!(stored[0].source_reference, "console:readings.csv#row2");
    // The same file again: duplicates, stored once.
    let page = editor.post_multipart(&confirm_path, &content_type, body).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<dd class=\"num\">3</dd>"), "three duplicates: {}", page.body);
    assert_eq!(app.store().production_counts(&owner, id, period).await.unwrap().len(), 3);
    // A changed count is a conflict; the stored one is kept.
    let (content_type, body) = confirm_body("line,date,sku,units\nL2,2025-03-02,CUP-9OZ-PE,950\n", "");
    let page = editor.post_multipart(&confirm_path, &content_type, body).await;
    assert!(page.body.contains("id=\"production-conflicts\""), "{}", page.body);
    let stored = app.store().production_counts(&owner, id, period).await.unwrap();
    assert_eq!(stored.iter().find(|count| count.line_code == "L2").unwrap().units, 900.0);
    let audit = browser(&app, BRAND_OWNER, "en").await.get("/console/audit?action=energy_production.recorded").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains(&format!("/console/energy/facilities/{facility_id}")), "{}", audit.body);

    // Without the token, as a viewer, or from another organisation: refused, nothing stored.
    let more = "line,date,sku,units\nL1,2025-03-04,CUP-9OZ-PE,1000\n";
    let (content_type, body) = confirm_body(more, "");
    assert_eq!(
        editor.post_multipart(&format!("{page_path}/confirm"), &content_type, body).await.status,
        StatusCode::FORBIDDEN
    );
    let viewer = browser(&app, BRAND_VIEWER, "zh-CN").await;
    let viewer_page = viewer.get(&page_path).await;
    assert!(!viewer_page.body.contains("id=\"upload\""), "a viewer sees no upload form");
    let viewer_csrf = viewer_page.csrf_token().unwrap();
    let (content_type, body) = confirm_body(more, "");
    let page =
        viewer.post_multipart(&format!("{page_path}/confirm?csrf_token={viewer_csrf}"), &content_type, body).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let supplier = browser(&app, SUPPLIER_OWNER, "en").await;
    let supplier_csrf = token(&supplier, "/console/energy").await;
    for path in [format!("{page_path}/confirm?csrf_token={supplier_csrf}"), format!("{page_path}/template.csv")] {
        let (content_type, body) = confirm_body(more, "");
        let page = if path.ends_with(".csv") {
            supplier.get(&path).await
        } else {
            supplier.post_multipart(&path, &content_type, body).await
        };
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.store().production_counts(&owner, id, period).await.unwrap().len(), 3);
}
