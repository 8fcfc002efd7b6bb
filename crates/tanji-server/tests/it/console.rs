//! The web console: logging in and out, languages, forms, role-dependent pages, the invitation journey.

use reqwest::StatusCode;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{
    BRAND_AUDITOR, BRAND_EDITOR, BRAND_OWNER, BRAND_VIEWER, Browser, OPERATOR, PASSWORD, SUPPLIER_OWNER, TestApp, World,
};

on_both_databases!(logging_in_and_out);
async fn logging_in_and_out(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let browser = app.browser();
    let to_login = browser.get("/console/facilities").await;
    assert_eq!(to_login.status, StatusCode::SEE_OTHER);
    assert_eq!(to_login.location(), "/login?next=%2Fconsole%2Ffacilities");

    let wrong = browser.submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", "not the password")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Wrong e-mail address or password"));
    assert!(wrong.body.contains(BRAND_EDITOR), "the e-mail address is kept in the form");
    assert!(!wrong.body.contains("not the password"), "the password is never echoed");

    let page = browser
        .submit("/login", "/login", &[("email", BRAND_EDITOR), ("password", PASSWORD), ("next", "/console/facilities")])
        .await;
    assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/console/facilities"));
    let session_cookie = page.set_cookies().into_iter().find(|cookie| cookie.starts_with("tanji_session=")).unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(session_cookie.contains(attribute), "{session_cookie} lacks {attribute}");
    }
    assert!(!session_cookie.contains("Secure"), "plain HTTP cannot carry Secure cookies");
    let console = browser.get("/console").await;
    assert_eq!(console.status, StatusCode::OK);
    assert!(console.body.contains("Brand 品牌"));

    let logout = browser.submit("/console", "/logout", &[]).await;
    assert_eq!((logout.status, logout.location()), (StatusCode::SEE_OTHER, "/login?notice=logged_out"));
    assert_eq!(browser.get("/console").await.status, StatusCode::SEE_OTHER);
}

on_both_databases!(the_language_follows_the_browser_until_chosen_and_then_sticks);
async fn the_language_follows_the_browser_until_chosen_and_then_sticks(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let chinese_browser = Browser::new(&app.base_url, "zh-CN,zh;q=0.9,en;q=0.8");
    let page = chinese_browser.get("/login").await;
    assert_eq!(page.lang(), Some("zh-CN"));
    assert!(page.body.contains("登录"));
    let english_browser = app.browser();
    let page = english_browser.get("/login").await;
    assert_eq!(page.lang(), Some("en"));
    assert!(page.body.contains("Log in"));
    // Neither language: Chinese, the platform's home language.
    assert_eq!(Browser::new(&app.base_url, "fr-FR").get("/login").await.lang(), Some("zh-CN"));

    english_browser.log_in(BRAND_VIEWER).await;
    let switched =
        english_browser.submit("/console", "/lang", &[("lang", "zh-CN"), ("next", "/console/facilities")]).await;
    assert_eq!((switched.status, switched.location()), (StatusCode::SEE_OTHER, "/console/facilities"));
    let page = english_browser.get("/console/facilities").await;
    assert_eq!(page.lang(), Some("zh-CN"));
    assert!(page.body.contains("设施"));

    // The choice was saved with the person: a fresh English browser shows Chinese after login.
    let elsewhere = app.browser();
    elsewhere.log_in(BRAND_VIEWER).await;
    assert_eq!(elsewhere.get("/console").await.lang(), Some("zh-CN"));

    // Only the two languages and only local return paths are accepted.
    let unknown = english_browser.submit("/console", "/lang", &[("lang", "fr")]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let away = english_browser.submit("/console", "/lang", &[("lang", "en"), ("next", "https://evil.example/")]).await;
    assert_eq!(away.location(), "/console");
}

on_both_databases!(creating_a_facility_through_the_console);
async fn creating_a_facility_through_the_console(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let browser = app.browser();
    browser.log_in(BRAND_EDITOR).await;
    let fields =
        [("name", "台州黄岩工厂"), ("kind", "factory"), ("country", "CN"), ("subdivision", "CN-ZJ"), ("city", "台州")];
    let created = browser.submit("/console/facilities", "/console/facilities", &fields).await;
    assert_eq!(
        (created.status, created.location()),
        (StatusCode::SEE_OTHER, "/console/facilities?notice=facility_created")
    );
    let list = browser.get("/console/facilities?notice=facility_created").await;
    assert!(list.body.contains("Facility added."));
    assert!(list.body.contains("台州黄岩工厂"));
    assert!(list.body.contains("Zhejiang"));

    // A mistake re-renders the form with the message, the typed values, and the field marked.
    let wrong = [("name", "Second plant"), ("kind", "factory"), ("country", "CN"), ("subdivision", "CN-XX")];
    let page = browser.submit("/console/facilities", "/console/facilities", &wrong).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Province"), "the message names the field: {}", page.body);
    assert!(page.body.contains("value=\"Second plant\""));
    assert!(page.body.contains("value=\"CN-XX\" list=\"provinces\" maxlength=\"6\" aria-invalid=\"true\""));
    let duplicate = browser.submit("/console/facilities", "/console/facilities", &fields).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(duplicate.body.contains("already has a facility with this name"));
}

on_both_databases!(every_page_renders_for_every_role_in_both_languages);
async fn every_page_renders_for_every_role_in_both_languages(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,write").await);
    let facility =
        brand.post("/api/v1/facilities", serde_json::json!({ "name": "Depot", "kind": "warehouse" })).await.json;
    let facility_page = format!("/console/facilities/{}", facility["id"].as_str().unwrap());
    let pages = [
        "/console",
        "/console/organisation",
        "/console/facilities",
        facility_page.as_str(),
        "/console/members",
        "/console/tokens",
        "/console/suppliers",
        "/console/audit",
        "/console/tenants",
        "/console/account",
    ];
    //                                 overview org  facilities facility members tokens suppliers audit tenants account
    let expected: [(&str, [u16; 10]); 5] = [
        (BRAND_OWNER, [200, 200, 200, 200, 200, 200, 200, 200, 403, 200]),
        (BRAND_EDITOR, [200, 200, 200, 200, 200, 200, 200, 403, 403, 200]),
        (BRAND_AUDITOR, [200, 200, 200, 200, 200, 200, 200, 200, 403, 200]),
        (BRAND_VIEWER, [200, 200, 200, 200, 200, 403, 200, 403, 403, 200]),
        (OPERATOR, [200, 200, 200, 404, 200, 200, 200, 200, 200, 200]),
    ];
    for accept_language in ["en", "zh-CN"] {
        for (email, statuses) in expected {
            let browser = Browser::new(&app.base_url, accept_language);
            browser.log_in(email).await;
            for (path, status) in pages.iter().zip(statuses) {
                let page = browser.get(path).await;
                assert_eq!(page.status.as_u16(), status, "{email} {path} ({accept_language})");
                let lang = if accept_language == "en" { "en" } else { "zh-CN" };
                assert_eq!(page.lang(), Some(lang), "{email} {path}");
                assert!(page.body.contains("</html>"), "{email} {path} is a complete page");
            }
        }
    }
}

on_both_databases!(read_only_roles_see_no_forms_and_their_posts_are_refused);
async fn read_only_roles_see_no_forms_and_their_posts_are_refused(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    for email in [BRAND_VIEWER, BRAND_AUDITOR] {
        let browser = app.browser();
        browser.log_in(email).await;
        let page = browser.get("/console/facilities").await;
        assert!(!page.body.contains("action=\"/console/facilities\""), "{email} sees the add form");
        let attempt = browser.submit("/console", "/console/facilities", &[("name", "X"), ("kind", "factory")]).await;
        assert_eq!(attempt.status, StatusCode::FORBIDDEN, "{email}");
        assert!(attempt.body.contains("Your role does not allow this."));
    }
    let editor = app.browser();
    editor.log_in(BRAND_EDITOR).await;
    let attempt = editor.submit("/console", "/console/organisation", &[("name", "Renamed"), ("country", "CN")]).await;
    assert_eq!(attempt.status, StatusCode::FORBIDDEN);
}

on_both_databases!(a_new_supplier_registers_from_an_invitation_link);
async fn a_new_supplier_registers_from_an_invitation_link(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let brand = app.browser();
    brand.log_in(BRAND_EDITOR).await;
    let invited = brand
        .submit(
            "/console/suppliers",
            "/console/suppliers/invitations",
            &[("supplier_name", "瑞禾"), ("message", "请加入")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED);
    assert_eq!(invited.headers.get("cache-control").unwrap(), "no-store");
    let marker = format!("{}/invitations/", app.base_url);
    let start = invited.body.find(&marker).expect("the page shows the invitation link");
    let link = &invited.body[start..];
    let link = &link[..link.find('<').unwrap()];
    let path = link.strip_prefix(&app.base_url).unwrap().to_owned();

    let supplier = app.browser();
    let landing = supplier.get(&path).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("Brand 品牌") && landing.body.contains("请加入"));
    let form = [
        ("company_name", "台州瑞禾日用品科技有限公司"),
        ("credit_code", ""),
        ("country", "CN"),
        ("display_name", "赵永"),
        ("email", "zhao@ruihe.example"),
        ("password", "a strong pass phrase"),
    ];
    let weak =
        supplier.submit(&path, &format!("{path}/register"), &[&form[..5], &[("password", "short")]].concat()).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("too short"), "{}", weak.body);
    let registered = supplier.submit(&path, &format!("{path}/register"), &form).await;
    assert_eq!((registered.status, registered.location()), (StatusCode::SEE_OTHER, "/login?notice=registered"));

    let page = supplier
        .submit("/login", "/login", &[("email", "zhao@ruihe.example"), ("password", "a strong pass phrase")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let customers = supplier.get("/console/suppliers").await;
    assert!(customers.body.contains("Brand 品牌"), "the new supplier sees its customer");
    // The link is spent.
    assert!(supplier.get(&path).await.body.contains("can no longer be accepted"));
}

on_both_databases!(an_existing_supplier_accepts_by_pasting_the_link);
async fn an_existing_supplier_accepts_by_pasting_the_link(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    let link = brand.post("/api/v1/supplier-invitations", serde_json::json!({ "supplier_name": "Factory" })).await.json
        ["link"]
        .as_str()
        .unwrap()
        .to_owned();
    let supplier = app.browser();
    supplier.log_in(SUPPLIER_OWNER).await;
    let unknown =
        supplier.submit("/console/suppliers", "/console/suppliers/accept", &[("code_or_link", "tanji_inv_nope")]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("This invitation does not exist"));
    let accepted = supplier.submit("/console/suppliers", "/console/suppliers/accept", &[("code_or_link", &link)]).await;
    assert_eq!(
        (accepted.status, accepted.location()),
        (StatusCode::SEE_OTHER, "/console/suppliers?notice=link_created")
    );
    let page = supplier.get("/console/suppliers").await;
    assert!(page.body.contains("Brand 品牌"));
}

on_both_databases!(the_audit_log_reads_in_the_readers_language);
async fn the_audit_log_reads_in_the_readers_language(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let editor = app.browser();
    editor.log_in(BRAND_EDITOR).await;
    let fields = [("name", "Plant"), ("kind", "factory"), ("country", "CN"), ("subdivision", "CN-ZJ")];
    editor.submit("/console/facilities", "/console/facilities", &fields).await;

    let english = app.browser();
    english.log_in(BRAND_AUDITOR).await;
    let page = english.get("/console/audit").await;
    assert!(page.body.contains("<span title=\"kind\">Kind</span>: <del>—</del> → <ins>Factory</ins>"), "{}", page.body);
    assert!(page.body.contains("<ins>Zhejiang</ins>"));
    assert!(
        page.body.contains("Platform operator (command line)"),
        "operator entries are named in the reader's language"
    );
    let chinese = Browser::new(&app.base_url, "zh-CN");
    chinese.log_in(BRAND_AUDITOR).await;
    let page = chinese.get("/console/audit?action=facility.created").await;
    assert!(
        page.body.contains("<span title=\"kind\">设施类型</span>：<del>—</del> → <ins>工厂</ins>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<ins>浙江省</ins>"));
    assert!(!page.body.contains("title=\"member.added\""), "the filter keeps only facility creations");
    assert!(page.body.contains("title=\"facility.created\""));
}
