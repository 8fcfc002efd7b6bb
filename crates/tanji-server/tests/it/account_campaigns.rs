//! Campaigns and leaderboards over HTTP (the REST API and the operator's console pages), and the person's own page
//! and API through an operator-issued pass — with the denials: other tenants, wrong roles, no pass, no CSRF token,
//! an API token where a pass is needed, a revoked pass.

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::json;
use tanji_account::ledger::Ledger;
use tanji_account::methodology::{MethodologyId, MethodologyVersionKey};
use tanji_account::points::{Chart, EarnData, PersonId, TransferCode, derive_id};
use tanji_store::Store;
use tanji_tenancy::organisation::Organisation;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_OWNER, BRAND_VIEWER, OPERATOR, SUPPLIER_OWNER, TestApp, World};

/// Credits `points` to the brand's person `person` for an activity at `occurred_at` (a metro trip of methodology
/// 1 v1), as a scheme's earning transfer.
async fn credit(store: &Store, brand: &Organisation, person: u64, event: &str, occurred_at: Timestamp, points: u128) {
    let owner = store.operator_member_actor(brand, BRAND_OWNER).await.unwrap();
    let mut ledger = store.points_ledger(&owner).await.unwrap();
    let chart = Chart::SCHEME;
    let now = store.clock().now();
    let mut accounts = chart.scheme_accounts();
    accounts.push(chart.person_account(PersonId(person)));
    ledger.create_accounts(&accounts, now).await.unwrap();
    let id = derive_id("test/earn", &[event.as_bytes()]);
    let mut transfer = chart.transfer(id, chart.issuance(), chart.person(PersonId(person)), points, TransferCode::Earn);
    let key = MethodologyVersionKey { methodology_id: MethodologyId(1), version: 1 };
    transfer.user_data_128 = EarnData { methodology: key, occurred_at, sub_platform: 4 }.user_data_128();
    let results = ledger.create_transfers(&[transfer], now).await.unwrap();
    assert!(results[0].is_ok(), "{results:?}");
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    let mut in_script = false;
    for (index, character) in html.char_indices() {
        if html[index..].starts_with("<script") {
            in_script = true;
        }
        if html[index..].starts_with("</script") {
            in_script = false;
        }
        match character {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag && !in_script => text.push(character),
            _ => {}
        }
    }
    text
}

on_both_databases!(campaigns_boards_and_the_persons_own_page_with_their_denials);
async fn campaigns_boards_and_the_persons_own_page_with_their_denials(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let store = app.store();
    let world = World::build(store).await;
    let owner_actor = store.operator_member_actor(&world.brand, BRAND_OWNER).await.unwrap();
    for (name, province) in [("甲", "CN-ZJ"), ("乙", "CN-ZJ"), ("丙", "CN-SH")] {
        store.open_parent_account(&owner_actor, name, Some(province)).await.unwrap();
    }
    let start = store.clock().now() - SignedDuration::from_hours(24);
    for (person, event, hours, points) in [(1, "e1", 1, 300), (2, "e2", 2, 500), (3, "e3", 3, 400), (1, "e4", 4, 100)] {
        credit(store, &world.brand, person, event, start + SignedDuration::from_hours(hours), points).await;
    }
    // The ledger stamps a batch's transfers a nanosecond apart from the clock's now; a board counts only what was
    // credited by the time it is read, so let the (manual) clock move on.
    app.database.clock.advance(SignedDuration::from_secs(60));
    let owner = app.api(&World::token(store, &world.brand, BRAND_OWNER, "read,write").await);
    let viewer = app.api(&World::token(store, &world.brand, BRAND_VIEWER, "read").await);
    let supplier = app.api(&World::token(store, &world.supplier, SUPPLIER_OWNER, "read,write").await);
    let platform = app.api(&World::token(store, &world.platform, OPERATOR, "read,write").await);

    // A campaign over the last day and the next, nationwide, with its badge.
    let body = json!({
        "code": "green_week", "name_zh": "绿色周", "name_en": "Green week",
        "starts_at": start.to_string(), "ends_at": (start + SignedDuration::from_hours(48)).to_string(),
        "provinces": ["CN-ZJ", "CN-SH"],
        "badge": {"code": "green_star", "name_zh": "绿色之星", "name_en": "Green star", "points": 350}
    });
    let created = owner.post("/api/v1/account/campaigns", body.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.json["id"].as_str().unwrap().to_owned();
    assert_eq!(viewer.post("/api/v1/account/campaigns", body.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(supplier.get("/api/v1/account/campaigns").await.status, StatusCode::FORBIDDEN);
    let mut bad = body.clone();
    bad["provinces"] = json!(["Zhejiang"]);
    bad["code"] = json!("other_week");
    let refused = owner.post("/api/v1/account/campaigns", bad).await;
    assert_eq!((refused.status, refused.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("provinces")));

    // The boards: exact ranks, a province's board, my rank and my neighbours.
    let board = viewer.get(&format!("/api/v1/account/campaigns/{id}/leaderboard?person=1&around=1")).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.json);
    let top: Vec<(u64, u64)> = board.json["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["person_number"].as_u64().unwrap(), row["points"].as_u64().unwrap()))
        .collect();
    // 3 and 1 tie on 400: 3's last counted credit came first.
    assert_eq!(top, vec![(2, 500), (3, 400), (1, 400)]);
    assert_eq!(board.json["rank"], 3);
    assert_eq!(board.json["neighbours"].as_array().unwrap().len(), 2, "rank 2 above, nobody below");
    let zhejiang = viewer.get(&format!("/api/v1/account/campaigns/{id}/leaderboard?province=CN-ZJ")).await;
    assert_eq!(zhejiang.json["n_ranked"], 2);
    // Another tenant's campaign is not found; a supplier may not look; nobody anonymous.
    let path = format!("/api/v1/account/campaigns/{id}/leaderboard");
    assert_eq!(platform.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(supplier.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.anonymous_api().get(&path).await.status, StatusCode::UNAUTHORIZED);

    // Passes: owners and editors issue them, for their own scheme's accounts only.
    let pass_path = "/api/v1/account/parent-accounts/1/passes";
    assert_eq!(viewer.post(pass_path, json!({"valid_days": 30})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(platform.post(pass_path, json!({"valid_days": 30})).await.status, StatusCode::NOT_FOUND);
    let issued = owner.post(pass_path, json!({"valid_days": 30})).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.json);
    let secret = issued.json["secret"].as_str().unwrap().to_owned();
    let link = issued.json["link"].as_str().unwrap().to_owned();
    let second = owner.post("/api/v1/account/parent-accounts/2/passes", json!({"valid_days": 30})).await;
    let second_secret = second.json["secret"].as_str().unwrap().to_owned();

    // The person's API: their pass, never an API token; their own account only.
    let person = app.api(&secret);
    let mine = person.get("/api/v1/me/account").await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.json);
    assert_eq!((mine.json["person_number"].as_u64(), mine.json["available_points"].as_u64()), (Some(1), Some(400)));
    assert_eq!(mine.json["badges"][0]["code"], "green_star");
    assert_eq!(mine.json["campaigns"][0]["province_rank"], 2);
    assert_eq!(owner.get("/api/v1/me/account").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.anonymous_api().get("/api/v1/me/account").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(person.get("/api/v1/organisation").await.status, StatusCode::UNAUTHORIZED, "a pass is no API token");
    let spend =
        |points: u64, request: &str| json!({"kind": "donate", "target": 1, "points": points, "request_id": request});
    let too_much = person.post("/api/v1/me/spend", spend(401, "r1")).await;
    assert_eq!((too_much.status, too_much.code()), (StatusCode::UNPROCESSABLE_ENTITY, "insufficient_points"));
    assert_eq!(person.post("/api/v1/me/spend", spend(40, "r2")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(person.post("/api/v1/me/spend", spend(40, "r2")).await.status, StatusCode::NO_CONTENT, "a retry");
    assert_eq!(person.get("/api/v1/me/account").await.json["available_points"], 360);
    assert_eq!(app.api(&second_secret).get("/api/v1/me/account").await.json["available_points"], 500);

    // The person's page: the link only fills in the form; signing in needs the form's CSRF token.
    let browser = crate::harness::Browser::new(&app.base_url, "zh-CN");
    assert_eq!(browser.get("/me").await.location(), "/me/login");
    let form = browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&secret), "the link fills the form in");
    let forged = browser.post_raw("/me/login", &[("pass", &secret)], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no CSRF token");
    let wrong = browser.submit("/me/login", "/me/login", &[("pass", "tanji_person_nope")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let signed_in = browser.submit("/me/login", "/me/login", &[("pass", &secret)]).await;
    assert_eq!((signed_in.status, signed_in.location()), (StatusCode::SEE_OTHER, "/me"));
    assert!(
        signed_in.set_cookies().iter().any(|cookie| cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
    );
    let page = browser.get("/me").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("我的碳账户") && page.body.contains("甲") && page.body.contains("360"), "{}", page.body);
    assert!(!page.body.contains("乙（我）"));
    assert_eq!(tanji_i18n::latin_sentences(&strip_tags(&page.body)), Vec::<String>::new());
    // Redeeming: with the form's token, within the balance; beyond it refused in the person's language.
    let redeemed =
        browser.submit("/me", "/me/redeem", &[("choice", "discount"), ("amount", "60"), ("request", "x1")]).await;
    assert_eq!((redeemed.status, redeemed.location()), (StatusCode::SEE_OTHER, "/me?done=redeemed"));
    let refused =
        browser.submit("/me", "/me/donate", &[("choice", "trees"), ("amount", "9999"), ("request", "x2")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("可用积分 300"), "{}", refused.body);
    let no_token = browser.post_raw("/me/donate", &[("choice", "trees"), ("amount", "1")], &[]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    // The pass opens no console page, and revoking it ends the page at once.
    assert!(browser.get("/console/carbon-account/campaigns").await.location().starts_with("/login"));
    store.revoke_person_passes(&owner_actor, 1).await.unwrap();
    assert_eq!(browser.get("/me").await.location(), "/me/login");

    // The operator's console: the campaigns page and the boards with their charts; a supplier is refused.
    let console = app.browser();
    console.log_in(BRAND_OWNER).await;
    let list = console.get("/console/carbon-account/campaigns").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Green week"), "{}", list.body);
    let shown = console.get(&format!("/console/carbon-account/campaigns/{id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("campaign-top") && shown.body.contains("campaign-provinces"));
    let made = console
        .submit(
            "/console/carbon-account/campaigns",
            "/console/carbon-account/campaigns",
            &[
                ("code", "spring_week"),
                ("name_zh", "春季周"),
                ("name_en", "Spring week"),
                ("starts_at", "2026-04-01T00:00"),
                ("ends_at", "2026-04-08T00:00"),
                ("province", "CN-ZJ"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let supplier_console = app.browser();
    supplier_console.log_in(SUPPLIER_OWNER).await;
    assert_eq!(supplier_console.get("/console/carbon-account/campaigns").await.status, StatusCode::FORBIDDEN);
}
