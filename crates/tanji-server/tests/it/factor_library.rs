//! The emission-factor library in the console and the API: the organisation's regions first, query-string filters
//! by source, year, region and gas, pages of 50, an empty state, both languages.

use reqwest::StatusCode;
use serde_json::json;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_EDITOR, BRAND_VIEWER, Browser, Page, TestApp, World};

/// The factor ids of a library page, in the order shown.
fn listed_ids(page: &Page) -> Vec<String> {
    let table = page.body.split("<table id=\"factors\"").nth(1).unwrap_or_default();
    table
        .split("<code>")
        .skip(1)
        .filter_map(|cell| cell.split("</code>").next())
        .map(|id| id.split('@').next().unwrap_or(id).to_owned())
        .collect()
}

/// A facility in Zhejiang, through the API.
async fn zhejiang_factory(app: &TestApp, world: &World) {
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    let created = api
        .post(
            "/api/v1/facilities",
            json!({ "name": "台州工厂", "code": "TZ-01", "kind": "factory", "subdivision": "CN-ZJ", "city": "台州" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
}

on_both_databases!(the_library_lists_the_organisations_regions_first_and_pages);
async fn the_library_lists_the_organisations_regions_first_and_pages(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    zhejiang_factory(&app, &world).await;
    let browser = app.browser();
    browser.log_in(BRAND_VIEWER).await;

    let first = browser.get("/console/factors").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("id=\"preferred-regions\""), "{}", first.body);
    assert!(first.body.contains("Zhejiang CN-ZJ"), "the facility's province is named");
    let ids = listed_ids(&first);
    assert_eq!(ids.len(), 50, "a page holds 50 factors");
    assert_eq!(
        &ids[..2],
        ["mee-nbs-2023-grid-cn-zj", "mee-nbs-2022-grid-cn-zj"],
        "the facility's province first, newest first"
    );
    assert!(ids[2..].iter().all(|id| id.starts_with("mee-")), "then the country's factors: {ids:?}");
    assert!(first.body.contains("Factors 1–50 of the "), "the count of matches");
    // The two counts say what they count: factors (latest versions, as listed) and versions (earlier ones too).
    let n_versions = tanji_ghg::bundled::factor_library().len();
    let n_factors = tanji_ghg::bundled::factor_library()
        .iter()
        .filter(|factor| {
            tanji_ghg::bundled::factor_library().latest(&factor.id).map(|latest| latest.version) == Some(factor.version)
        })
        .count();
    assert!(n_factors < n_versions, "the bundled library has factors with earlier versions");
    assert!(
        first
            .body
            .contains(&format!("The library holds {n_factors} factors ({n_versions} versions counting earlier ones)")),
        "{}",
        first.body
    );
    assert!(
        first.body.contains(&format!("Factors 1–50 of the {n_factors} that match")),
        "the match count is of factors"
    );
    assert!(first.body.contains("href=\"/console/factors?page=2\" rel=\"next\""), "a next page");

    let second = browser.get("/console/factors?page=2").await;
    assert!(second.body.contains("Factors 51–100 of the "));
    assert!(second.body.contains("href=\"/console/factors\" rel=\"prev\""), "back to page 1");
    let second_ids = listed_ids(&second);
    assert!(second_ids.iter().all(|id| !ids.contains(id)), "page 2 repeats nothing of page 1");
    // A page past the end shows the last page, not an error.
    let past = browser.get("/console/factors?page=9999").await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("rel=\"prev\"") && !past.body.contains("rel=\"next\""));
}

on_both_databases!(the_library_filters_by_source_year_region_and_gas);
async fn the_library_filters_by_source_year_region_and_gas(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;

    // DESNZ 2024 rows that give methane: the per-gas CO2e shares count.
    let methane = browser.get("/console/factors?source=UK+DESNZ&year=2024&gas=ch4").await;
    assert_eq!(methane.status, StatusCode::OK);
    let ids = listed_ids(&methane);
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| id.starts_with("desnz-2024-")), "{ids:?}");
    assert!(!ids.iter().any(|id| id.starts_with("desnz-2024-wtt-")), "WTT rows give CO2e only: {ids:?}");
    assert!(
        methane.body.contains("CH4 0.00029 kg CO2e/L") || methane.body.contains("page=2"),
        "the CH4 share is shown"
    );
    assert!(methane.body.contains("<option value=\"ch4\" selected>"), "the filter stays set");

    // The IPCC natural-gas row of Table 2.3 gives N2O since version 2; Tables 2.4 and 2.5 give it too, and the
    // Table 2.2 (energy industries) row is bundled without N2O because its two readings disagree.
    let nitrous = browser.get("/console/factors?q=natural+gas&source=IPCC&gas=n2o").await;
    assert_eq!(
        listed_ids(&nitrous),
        [
            "ipcc-2006-stationary-commercial-natural-gas-tj",
            "ipcc-2006-stationary-manufacturing-natural-gas-tj",
            "ipcc-2006-stationary-residential-natural-gas-tj"
        ]
    );
    assert!(nitrous.body.contains("ipcc-2006-stationary-manufacturing-natural-gas-tj@2"));

    // Region and year: the 2023 East China grid and nothing else.
    let east = browser.get("/console/factors?region=CN-GRID-EAST&year=2023").await;
    assert_eq!(listed_ids(&east), ["mee-nbs-2023-grid-cn-grid-east"]);
    assert!(east.body.contains("East China grid CN-GRID-EAST"));

    // Nothing meets all filters: an empty state that offers to clear them.
    let none = browser.get("/console/factors?region=CN&gas=n2o").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("id=\"factors-empty\""));
    assert!(none.body.contains("No factor meets all of these filters."));
    assert!(none.body.contains("href=\"/console/factors\""), "a way back to the whole library");
    assert!(!none.body.contains("<table id=\"factors\""));

    // Filters survive paging: the next-page link keeps them.
    let grid = browser.get("/console/factors?region=CN&gas=co2").await;
    assert!(grid.body.contains("href=\"/console/factors?region=CN&#38;gas=co2&#38;page=2\""), "{}", grid.body);
}

on_both_databases!(the_library_speaks_chinese);
async fn the_library_speaks_chinese(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    zhejiang_factory(&app, &world).await;
    let browser = Browser::new(&app.base_url, "zh-CN,zh;q=0.9");
    browser.log_in(BRAND_VIEWER).await;
    let page = browser.get("/console/factors?gas=ch4").await;
    assert_eq!(page.lang(), Some("zh-CN"));
    for text in [
        "甲烷 CH4",
        "个因子符合条件（最新版本）",
        "个版本）；下表每个因子只列最新版本",
        "本组织所在地区的因子排在前面",
        "浙江省 CN-ZJ",
        "清除筛选条件",
        "各气体数值",
    ] {
        assert!(page.body.contains(text), "the Chinese page lacks {text}");
    }
    for english in ["Showing", "Your region", "Clear the filters", "No factor meets"] {
        assert!(!page.body.contains(english), "English on the Chinese page: {english}");
    }
    let none = browser.get("/console/factors?region=CN&gas=n2o").await;
    assert!(none.body.contains("没有同时满足这些筛选条件的因子。"));
    let grid = browser.get("/console/factors?region=CN-GRID-EAST&year=2022").await;
    assert!(grid.body.contains("华东电网 CN-GRID-EAST"));
}

on_both_databases!(the_factor_api_filters_by_gas_and_pages);
async fn the_factor_api_filters_by_gas_and_pages(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_VIEWER, "read").await);
    let all = api.get("/api/v1/factors?source=DESNZ&gas=ch4&limit=1000").await;
    assert_eq!(all.status, StatusCode::OK);
    let all = all.json.as_array().unwrap().clone();
    assert!(all.len() > 100, "DESNZ rows with a CH4 share: {}", all.len());
    assert!(all.iter().all(|factor| {
        factor["published_co2e"]["by_gas"]
            .as_array()
            .is_some_and(|shares| shares.iter().any(|share| share["gas"] == "CH4"))
    }));
    let page = api.get("/api/v1/factors?source=DESNZ&gas=ch4&limit=5&offset=5").await.json;
    let ids = |list: &[serde_json::Value]| list.iter().map(|factor| factor["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(page.as_array().unwrap()), ids(&all[5..10]));
    let unknown = api.get("/api/v1/factors?gas=CO3").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.json.to_string().contains("co2, ch4, n2o, co2e, biogenic_co2"), "{}", unknown.json);
}
