//! CSRF, Origin checks, login throttling, headers, health checks, TLS and shutdown.

use jiff::SignedDuration;
use reqwest::StatusCode;
use tanji_server::{ServerConfig, TlsFiles};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_EDITOR, BRAND_OWNER, Browser, PASSWORD, TestApp, World};

on_both_databases!(state_changing_requests_need_the_csrf_token_and_our_origin);
async fn state_changing_requests_need_the_csrf_token_and_our_origin(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;
    let fields = [("name", "Forged"), ("kind", "factory")];
    let without_token = browser.post_raw("/console/facilities", &fields, &[]).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    assert!(without_token.body.contains("could not be verified"));
    let wrong_token = browser
        .post_raw("/console/facilities", &[("name", "Forged"), ("kind", "factory"), ("csrf_token", "guess")], &[])
        .await;
    assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);

    let token = browser.get("/console/facilities").await.csrf_token().unwrap();
    let with_token = [("name", "Forged"), ("kind", "factory"), ("csrf_token", token.as_str())];
    let cross_site = browser.post_raw("/console/facilities", &with_token, &[("origin", "https://evil.example")]).await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN, "a forged form from another site is refused");
    let same_site = browser.post_raw("/console/facilities", &with_token, &[("origin", &app.base_url)]).await;
    assert_eq!(same_site.status, StatusCode::SEE_OTHER);
    // The token also travels in a header, as htmx sends it.
    let by_header = browser
        .post_raw(
            "/console/facilities",
            &[("name", "Second"), ("kind", "factory")],
            &[("x-csrf-token", token.as_str())],
        )
        .await;
    assert_eq!(by_header.status, StatusCode::SEE_OTHER);

    // Another person's token does not work in this session, and logout needs the token too.
    let other = app.browser();
    other.log_in(BRAND_OWNER).await;
    let their_token = other.get("/console").await.csrf_token().unwrap();
    let mixed = browser
        .post_raw(
            "/console/facilities",
            &[("name", "Mixed"), ("kind", "factory"), ("csrf_token", their_token.as_str())],
            &[],
        )
        .await;
    assert_eq!(mixed.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.post_raw("/logout", &[], &[]).await.status, StatusCode::FORBIDDEN);

    // Only the two legitimate posts created anything.
    let api = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    let names: Vec<String> =
        api.get("/api/v1/facilities").await.json.as_array().unwrap().iter().map(|f| f["name"].to_string()).collect();
    assert_eq!(names, ["\"Forged\"", "\"Second\""]);
}

on_both_databases!(the_login_form_is_protected_too);
async fn the_login_form_is_protected_too(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    // Login CSRF: a forged login without the visitor's own token is refused.
    let browser = app.browser();
    let forged = browser.post_raw("/login", &[("email", BRAND_EDITOR), ("password", PASSWORD)], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let page = browser.get("/login").await;
    let csrf_cookie = page.set_cookies().into_iter().find(|cookie| cookie.starts_with("tanji_csrf=")).unwrap();
    assert!(csrf_cookie.contains("SameSite=Strict") && csrf_cookie.contains("HttpOnly"), "{csrf_cookie}");
    // After login, the redirect target must be local.
    let page = browser
        .submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", PASSWORD), ("next", "//evil.example/x")])
        .await;
    assert_eq!(page.location(), "/console");
}

on_both_databases!(repeated_failed_logins_are_throttled);
async fn repeated_failed_logins_are_throttled(database: TestDatabase) {
    let clock = database.clock.clone();
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let browser = app.browser();
    for attempt in 0..5 {
        let page = browser.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", "wrong")]).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    // Even the right password is refused now, and the answer says when to retry.
    let page = browser.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = page.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert!(page.body.contains("Too many failed attempts"));
    // Other accounts are unaffected.
    browser.log_in(BRAND_OWNER).await;
    // Fifteen minutes later the account may try again.
    clock.advance(SignedDuration::from_mins(15));
    let later = app.browser();
    later.log_in(BRAND_EDITOR).await;
}

on_both_databases!(responses_carry_security_headers_and_request_ids);
async fn responses_carry_security_headers_and_request_ids(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let browser = app.browser();
    let page = browser.get("/login").await;
    let header =
        |name: &str| page.headers.get(name).map(|value| value.to_str().unwrap().to_owned()).unwrap_or_default();
    assert!(header("content-security-policy").contains("script-src 'self'"));
    assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "same-origin");
    assert_eq!(header("x-frame-options"), "DENY");
    assert!(header("strict-transport-security").is_empty(), "no HSTS over plain HTTP");
    assert_eq!(header("x-request-id").len(), 36, "a UUID request id");
    // Assets are embedded, fingerprinted and cacheable.
    let css_start = page.body.find("/assets/console.css?v=").unwrap();
    let css_url = &page.body[css_start..css_start + page.body[css_start..].find('"').unwrap()];
    let css = browser.get(css_url).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers.get("cache-control").unwrap().to_str().unwrap().contains("immutable"));
    assert!(css.body.contains("Noto Sans SC Subset"));
    for asset in
        ["/assets/vendor/echarts.min.js", "/assets/vendor/htmx.min.js", "/assets/fonts/NotoSansSC-Regular.subset.woff2"]
    {
        assert_eq!(browser.get(asset).await.status, StatusCode::OK, "{asset}");
    }
    assert_eq!(browser.get("/assets/vendor/LICENSES.md").await.status, StatusCode::NOT_FOUND);
}

on_both_databases!(health_and_readiness);
async fn health_and_readiness(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let api = app.anonymous_api();
    let health = api.get("/healthz").await;
    assert_eq!((health.status, health.json["status"].as_str()), (StatusCode::OK, Some("ok")));
    let ready = api.get("/readyz").await;
    assert_eq!((ready.status, ready.json["status"].as_str()), (StatusCode::OK, Some("ready")));
    // A closed database makes the server not ready, without crashing it.
    app.store().close().await;
    let not_ready = api.get("/readyz").await;
    assert_eq!((not_ready.status, not_ready.code()), (StatusCode::SERVICE_UNAVAILABLE, "unavailable"));
    assert_eq!(api.get("/healthz").await.status, StatusCode::OK);
}

on_both_databases!(https_serving_marks_cookies_secure);
async fn https_serving_marks_cookies_secure(database: TestDatabase) {
    let directory = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let certificate = directory.path().join("cert.pem");
    let private_key = directory.path().join("key.pem");
    std::fs::write(&certificate, certified.cert.pem()).unwrap();
    std::fs::write(&private_key, certified.key_pair.serialize_pem()).unwrap();
    let config = ServerConfig { secure_cookies: true, ..ServerConfig::default() };
    let app = TestApp::spawn_with(database, config, Some(TlsFiles { certificate, private_key })).await;
    World::build(app.store()).await;
    assert!(app.base_url.starts_with("https://"));
    let browser = Browser::new(&app.base_url, "en");
    let page = browser.get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.headers.get("strict-transport-security").is_some());
    let login = browser.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", PASSWORD)]).await;
    let session_cookie = login.set_cookies().into_iter().find(|cookie| cookie.contains("tanji_session=")).unwrap();
    assert!(session_cookie.starts_with("__Host-tanji_session="), "{session_cookie}");
    assert!(session_cookie.contains("Secure"));
    assert_eq!(browser.get("/console").await.status, StatusCode::OK);
}

on_both_databases!(the_server_stops_gracefully_on_the_shutdown_signal);
async fn the_server_stops_gracefully_on_the_shutdown_signal(database: TestDatabase) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = tanji_server::app(tanji_server::AppState::new(database.store.clone(), ServerConfig::default()));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tanji_server::serve(app, listener, None, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("http://{address}/healthz")).send().await.unwrap().status(), StatusCode::OK);
    stop.send(()).unwrap();
    let finished = tokio::time::timeout(std::time::Duration::from_secs(10), server).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))), "serve returns cleanly after the signal: {finished:?}");
    assert!(
        reqwest::Client::new().get(format!("http://{address}/healthz")).send().await.is_err(),
        "no longer accepting"
    );
}
