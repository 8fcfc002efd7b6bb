//! The public label pages (SPEC.md §1, story item 4): a shopper scans the QR code and sees the footprint and the
//! reduction without logging in, in Chinese or English; older versions point to the newest, withdrawals and
//! tampering show, unknown codes get a friendly page, and the label artwork is served as SVG and PNG.

use std::num::NonZeroUsize;

use jiff::SignedDuration;
use reqwest::StatusCode;
use tanji_footprint::{MonteCarloRequest, ProductModel, parse_footprint_file};
use tanji_label::text::MassUnit;
use tanji_server::ServerConfig;
use tanji_server::i18n::{EN, ZH};
use tanji_store::{LoginOutcome, NewProduct, Publication, Store};
use tanji_tenancy::Actor;
use tanji_tenancy::member::{Password, Role};
use tanji_tenancy::organisation::Organisation;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_AUDITOR, BRAND_EDITOR, BRAND_OWNER, Browser, PASSWORD, Page, TestApp, World};

const CUP: &str = include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml");
const MONTE_CARLO: MonteCarloRequest = MonteCarloRequest { iterations: 200, seed: 7, threads: NonZeroUsize::MIN };

/// Longer than the public pages keep a rendered page in memory (5 s), so the next request reads the database.
const PAST_THE_PAGE_CACHE: SignedDuration = SignedDuration::from_secs(6);

async fn actor(store: &Store, organisation: &Organisation, email: &str) -> Actor {
    let outcome = store.login(email, &Password::for_login(PASSWORD), Some(organisation.id)).await.unwrap();
    let LoginOutcome::LoggedIn(session) = outcome else { panic!("{email} could not log in: {outcome:?}") };
    store.session(&session.secret).await.unwrap().expect("a fresh session").actor
}

fn new_product(model: &ProductModel) -> NewProduct {
    NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    }
}

/// The brand's bamboo-fibre cup, with its conventional baseline, computed with Monte Carlo.
struct Cup {
    editor: Actor,
    /// The verifier of an independent body the brand engaged, acting in the brand: their sign-off is verification.
    auditor: Actor,
    /// The brand's own auditor, a member: their sign-off is internal review.
    member_auditor: Actor,
    product_id: String,
    footprint_id: String,
}

async fn cup(store: &Store) -> Cup {
    let world = World::build(store).await;
    let editor = actor(store, &world.brand, BRAND_EDITOR).await;
    let member_auditor = actor(store, &world.brand, BRAND_AUDITOR).await;
    let auditor = engaged_verifier(store, &world.brand).await;
    let file = parse_footprint_file(CUP).unwrap();
    let baseline_model = file.baseline.unwrap();
    let baseline = store.create_product(&editor, &new_product(&baseline_model)).await.unwrap();
    store.save_model(&editor, &baseline.id, &baseline_model, "conventional cup").await.unwrap();
    store.compute_footprint(&editor, &baseline.id, None, None).await.unwrap();
    let product = store.create_product(&editor, &new_product(&file.model)).await.unwrap();
    store.set_baseline(&editor, &product.id, Some(&baseline.id)).await.unwrap();
    store.save_model(&editor, &product.id, &file.model, "first model").await.unwrap();
    let footprint = store.compute_footprint(&editor, &product.id, None, Some(MONTE_CARLO)).await.unwrap();
    Cup { editor, auditor, member_auditor, product_id: product.id, footprint_id: footprint.id }
}

/// The verifier of a verification body named "CQC 中国质量认证中心" that `organisation`'s owner engaged, acting there.
async fn engaged_verifier(store: &Store, organisation: &Organisation) -> Actor {
    let body = World::verification_body(store, "CQC 中国质量认证中心", &[(VERIFIER, Role::Auditor)]).await;
    let owner = actor(store, organisation, BRAND_OWNER).await;
    store.engage_verification_body(&owner, body.id).await.unwrap();
    actor(store, organisation, VERIFIER).await
}

const VERIFIER: &str = "verifier@cqc.example";

async fn publish(store: &Store, cup: &Cup) -> Publication {
    store.publish_footprint(&cup.editor, &cup.footprint_id).await.unwrap()
}

/// The footprint as the page writes it: "17.3" (grams here).
fn shown_total(publication: &Publication) -> String {
    let total = publication.summary().unwrap().total_kg_co2e;
    MassUnit::for_kg(total).format(total)
}

fn header<'a>(page: &'a Page, name: &str) -> &'a str {
    page.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
}

/// A GET with no cookies and the given `Accept-Language`.
async fn get(app: &TestApp, path: &str, accept_language: &str) -> Page {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client
        .get(format!("{}{path}", app.base_url))
        .header("accept-language", accept_language)
        .send()
        .await
        .expect("GET");
    let status = response.status();
    let headers = response.headers().clone();
    Page { status, headers, body: response.text().await.unwrap() }
}

async fn get_bytes(app: &TestApp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::get(format!("{}{path}", app.base_url)).await.expect("GET");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.unwrap().to_vec())
}

on_both_databases!(a_published_label_is_public_in_both_languages);
async fn a_published_label_is_public_in_both_languages(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    app.store().verify_footprint(&cup.auditor, &cup.footprint_id, "CQC 中国质量认证中心", "ISO 14067").await.unwrap();
    let published = publish(app.store(), &cup).await;
    let code = published.record.code.to_string();

    let page = get(&app, &format!("/l/{code}"), "zh-CN,zh;q=0.9").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.lang(), Some("zh-CN"));
    assert!(header(&page, "content-type").starts_with("text/html"));
    assert!(page.body.contains(&shown_total(&published)), "the footprint {} is on the page", shown_total(&published));
    for text in ["g CO₂e", "每只杯", "per cup", "竹纤维纸杯 250 ml", "Bamboo-fibre paper cup 250 ml"] {
        assert!(page.body.contains(text), "{text} is on the page");
    }
    // The declared unit's amount in Chinese: "1 个", not the model's English unit symbol (found in the walk-through).
    assert!(page.body.contains("每只杯，1 个"), "the declared unit in Chinese");
    assert!(!page.body.contains("1 unit"), "no English unit on the Chinese page");
    for text in [ZH.public_carbon_footprint, EN.public_carbon_footprint, ZH.public_verified, "CQC 中国质量认证中心"]
    {
        assert!(page.body.contains(text), "{text} is on the page");
    }
    assert!(page.body.contains("ISO 14067:2018") && page.body.contains("AR6"), "the standard and the GWP set");
    assert!(page.body.contains("<svg"), "the charts are drawn on the server");
    assert!(!page.body.contains("<script"), "no JavaScript");
    assert!(page.set_cookies().is_empty(), "no cookie: {:?}", page.set_cookies());
    // The security headers the rest of the application gets from middleware, which these routes skip.
    assert!(header(&page, "content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "referrer-policy"), "same-origin");
    assert_eq!(header(&page, "cache-control"), "public, max-age=60");
    assert!(header(&page, "vary").contains("Accept-Language") && header(&page, "vary").contains("Accept-Encoding"));
    // Nothing internal: not who pressed "publish", not the store's row ids.
    assert!(!page.body.contains(BRAND_EDITOR), "the publisher's login is not shown");
    assert!(!page.body.contains(&published.id) && !page.body.contains(&cup.product_id), "no row ids");

    // English from the browser's languages, or from a link; the link wins.
    let english = get(&app, &format!("/l/{code}"), "en-GB,en;q=0.8").await;
    assert_eq!(english.lang(), Some("en"));
    assert!(english.body.contains(EN.public_verified) && english.body.contains(&shown_total(&published)));
    let chosen = get(&app, &format!("/l/{code}?lang=zh"), "en").await;
    assert_eq!(chosen.lang(), Some("zh-CN"));
    assert!(chosen.body.contains(&format!("/l/{code}/verify?lang=zh")), "links keep the chosen language");

    // Codes are read as people type them and redirected to the printed spelling.
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let redirect = get(&app, &format!("/l/{typed}?lang=en"), "en").await;
    assert_eq!(redirect.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(redirect.location(), format!("/l/{code}?lang=en"));

    // Phones that take gzip get the page gzipped (once, when it was cached).
    let client = reqwest::Client::new();
    let zipped = client
        .get(format!("{}/l/{code}", app.base_url))
        .header("accept-encoding", "gzip, deflate, br")
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let zipped = zipped.bytes().await.unwrap();
    assert_eq!(&zipped[..2], b"\x1f\x8b");
    assert!(zipped.len() * 3 < page.body.len(), "{} bytes gzipped, {} plain", zipped.len(), page.body.len());

    // A conditional request for an unchanged page is answered without the body.
    let again = client
        .get(format!("{}/l/{code}", app.base_url))
        .header("if-none-match", header(&page, "etag"))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

on_both_databases!(an_older_version_points_to_the_newest_and_a_withdrawal_shows);
async fn an_older_version_points_to_the_newest_and_a_withdrawal_shows(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    let first = publish(app.store(), &cup).await;
    let code = first.record.code.to_string();
    let self_declared = get(&app, &format!("/l/{code}?lang=en"), "en").await;
    assert!(self_declared.body.contains(EN.public_self_declared));
    assert!(!self_declared.body.contains(EN.public_see_latest));

    // The verifier signs off later, and the footprint is published again under the same code.
    app.store().verify_footprint(&cup.auditor, &cup.footprint_id, "CQC", "ISO 14067").await.unwrap();
    let second = publish(app.store(), &cup).await;
    assert_eq!((second.record.code.to_string(), second.record.version), (code.clone(), 2));

    let old = get(&app, &format!("/l/{code}?v=1&lang=en"), "en").await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.body.contains("A newer version of this label exists (version 2)"), "the newer-version banner");
    assert!(old.body.contains(&format!("href=\"/l/{code}?lang=en\"")), "a link to the newest version");
    assert!(old.body.contains(EN.public_self_declared), "version 1 says what it said");
    assert_eq!(header(&old, "cache-control"), "public, max-age=300");
    // The newest version is the default once the cached page has expired.
    app.database.clock.advance(PAST_THE_PAGE_CACHE);
    let latest = get(&app, &format!("/l/{code}?lang=en"), "en").await;
    assert!(!latest.body.contains(EN.public_see_latest));
    assert!(latest.body.contains(EN.public_verified));

    app.store().withdraw_publication(&cup.editor, &second.id, "board supplier changed").await.unwrap();
    app.database.clock.advance(PAST_THE_PAGE_CACHE);
    let withdrawn = get(&app, &format!("/l/{code}?lang=en"), "en").await;
    assert_eq!(withdrawn.status, StatusCode::GONE);
    assert!(withdrawn.body.contains(EN.public_withdrawn), "the withdrawal page");
    assert!(withdrawn.body.contains("board supplier changed"), "the publisher's reason");
    let chinese = get(&app, &format!("/l/{code}"), "zh-CN").await;
    assert!(chinese.body.contains(ZH.public_withdrawn));
    // Version 1 was not withdrawn; its page still points to the newest version, which says it was withdrawn.
    let old = get(&app, &format!("/l/{code}?v=1&lang=en"), "en").await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.body.contains(EN.public_see_latest));
}

on_both_databases!(unknown_and_malformed_codes_get_a_friendly_page);
async fn unknown_and_malformed_codes_get_a_friendly_page(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    let code = publish(app.store(), &cup).await.record.code.to_string();

    for (path, status) in [
        ("/l/ZZZZ2222".to_owned(), StatusCode::NOT_FOUND),
        (format!("/l/{code}?v=9"), StatusCode::NOT_FOUND),
        (format!("/l/{code}?v=zero"), StatusCode::NOT_FOUND),
        ("/l/ZZZZ2222/verify".to_owned(), StatusCode::NOT_FOUND),
        (format!("/l/{code}/no-such-page"), StatusCode::NOT_FOUND),
        ("/l/not-a-code!".to_owned(), StatusCode::BAD_REQUEST),
        ("/l/".to_owned(), StatusCode::BAD_REQUEST),
    ] {
        let page = get(&app, &path, "zh-CN").await;
        assert_eq!(page.status, status, "{path}");
        assert!(header(&page, "content-type").starts_with("text/html"), "{path}");
        assert!(page.body.contains(ZH.public_not_found_title), "{path}: the friendly page, in Chinese");
        assert!(page.body.contains(EN.public_not_found_title), "{path}: and in English");
        assert!(!page.body.contains("<script") && page.set_cookies().is_empty(), "{path}");
        assert_eq!(header(&page, "x-frame-options"), "DENY", "{path}");
    }
    let unknown = get(&app, "/l/ZZZZ2222", "en").await;
    assert!(
        unknown.body.contains("check the code printed under the QR code") || unknown.body.contains("Check the code")
    );
    let malformed = get(&app, "/l/not-a-code!", "en").await;
    assert!(malformed.body.contains(EN.public_malformed));
    for path in ["/l/ZZZZ2222/label.svg", "/l/ZZZZ2222/label.png", "/l/ZZZZ2222/content.json"] {
        assert_eq!(get(&app, path, "en").await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

on_both_databases!(tampering_shows_on_the_verify_view_and_the_label_page);
async fn tampering_shows_on_the_verify_view_and_the_label_page(test: TestDatabase) {
    let url = test.url.clone();
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    let first = publish(app.store(), &cup).await;
    publish(app.store(), &cup).await;
    let code = first.record.code.to_string();

    let verify = get(&app, &format!("/l/{code}/verify?v=1&lang=en"), "en").await;
    assert_eq!(verify.status, StatusCode::OK);
    assert!(verify.body.contains(EN.public_intact), "the record checks out");
    assert!(verify.body.contains("The whole chain checks out: 2 records"));
    for hash in [first.record.content_hash, first.record.previous_hash, first.record.record_hash] {
        assert!(verify.body.contains(&hash.to_string()), "{hash} is shown");
    }
    assert!(verify.body.contains(&first.record.canonical_content().replace('"', "&#34;")), "the canonical JSON");
    assert!(verify.set_cookies().is_empty() && !verify.body.contains("<script"));
    // The content JSON downloads byte for byte and hashes to the content hash.
    let (status, _, json) = get_bytes(&app, &format!("/l/{code}/content.json?v=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tanji_label::publication::Digest::of(&json), first.record.content_hash);

    // Someone with database access makes the cup look greener.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut content = first.record.content.clone();
    content["total_kg_co2e"] = serde_json::json!(first.record.content["total_kg_co2e"].as_f64().unwrap() / 2.0);
    sqlx::query("UPDATE label_publications SET content_json = $1 WHERE id = $2")
        .bind(serde_json::to_string(&content).unwrap())
        .bind(&first.id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    app.database.clock.advance(PAST_THE_PAGE_CACHE);

    let verify = get(&app, &format!("/l/{code}/verify?v=1&lang=en"), "en").await;
    assert!(verify.body.contains(EN.public_integrity_failed), "the verify view says the record fails");
    assert!(verify.body.contains(EN.public_problem_content), "and why, in words");
    assert!(verify.body.contains("1 record(s) in the chain fail their check."));
    assert!(verify.body.contains(&tanji_label::publication::content_hash(&content).to_string()), "the new hash");
    let page = get(&app, &format!("/l/{code}?v=1&lang=zh"), "zh-CN").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(ZH.public_integrity_failed), "the label page warns");
    assert!(page.body.contains(ZH.public_problem_content));
    // No artwork is drawn from an altered record.
    let (status, _, _) = get_bytes(&app, &format!("/l/{code}/label.svg?v=1")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The newer version is intact by itself: its record links to the altered one's stored record hash.
    let latest = get(&app, &format!("/l/{code}?lang=en"), "en").await;
    assert!(!latest.body.contains(EN.public_integrity_failed));
}

on_both_databases!(label_artwork_is_served_as_svg_and_png);
async fn label_artwork_is_served_as_svg_and_png(test: TestDatabase) {
    let config = ServerConfig { public_url: Some("https://tanji.example.com/".into()), ..ServerConfig::default() };
    let app = TestApp::spawn_with(test, config, None).await;
    let cup = cup(app.store()).await;
    let code = publish(app.store(), &cup).await.record.code.to_string();

    let (status, headers, svg) = get_bytes(&app, &format!("/l/{code}/label.svg?v=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert_eq!(headers["cache-control"], "public, max-age=300", "briefly: the version can be withdrawn");
    assert_eq!(headers["content-disposition"], format!("inline; filename=\"tanji-label-{code}-v1.svg\""));
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "an SVG document");
    // Printed under the QR code as the pages print codes: K7M2-9XQD.
    let printed = format!("/l/{}-{}", &code[..4], &code[4..]);
    assert!(svg.contains("tanji.example.com") && svg.contains(&printed), "the public short URL");

    let (status, headers, png) = get_bytes(&app, &format!("/l/{code}/label.png?dpi=300")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["cache-control"], "public, max-age=300", "the newest version's artwork may change");
    assert_eq!(headers["content-disposition"], format!("inline; filename=\"tanji-label-{code}-v1.png\""));
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // 60 × 40 mm at 300 dpi: 709 × 472 pixels (IHDR width and height, big-endian).
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 709);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 472);
    let (status, _, _) = get_bytes(&app, &format!("/l/{code}/label.png?dpi=5000")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// A GET whose `Host` header names a site that is not this server.
async fn get_as_host(app: &TestApp, path: &str, host: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", app.base_url)).header("host", host);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("GET");
    (response.status(), response.bytes().await.unwrap().to_vec())
}

fn mentions(body: &[u8], text: &str) -> bool {
    body.windows(text.len()).any(|window| window == text.as_bytes())
}

on_both_databases!(links_never_take_their_host_from_the_request);
async fn links_never_take_their_host_from_the_request(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    let code = publish(app.store(), &cup).await.record.code.to_string();
    let listen_address = app.base_url.strip_prefix("http://").unwrap();
    const EVIL: &str = "evil.example";

    // The artwork first drawn for a request naming another host is the same as for this server's own name: the QR
    // code and the short URL printed under it come from the configuration (here the listen address).
    let artwork = [format!("/l/{code}/label.svg?v=1"), format!("/l/{code}/label.png?v=1&dpi=300")];
    let mut drawn_for_evil = Vec::new();
    for path in &artwork {
        let (status, body) = get_as_host(&app, path, EVIL, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!mentions(&body, EVIL), "{path} names {EVIL}");
        drawn_for_evil.push(body);
    }
    app.database.clock.advance(PAST_THE_PAGE_CACHE);
    for (path, evil_body) in artwork.iter().zip(&drawn_for_evil) {
        let (_, body) = get_as_host(&app, path, listen_address, None).await;
        assert!(body == *evil_body, "{path} depends on the Host header");
    }
    // The short URL is printed in two lines, host and path.
    assert!(mentions(&drawn_for_evil[0], listen_address), "the short URL is this server's");

    // The pages (the verify view prints a command with the server's address).
    for path in [format!("/l/{code}?lang=en"), format!("/l/{code}/verify?lang=en")] {
        let (status, body) = get_as_host(&app, &path, EVIL, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!mentions(&body, EVIL), "{path} names {EVIL}");
    }
    let (_, verify) = get_as_host(&app, &format!("/l/{code}/verify?lang=en"), EVIL, None).await;
    assert!(mentions(&verify, &format!("{}/l/{code}/content.json", app.base_url)), "the check command");

    // The API's label links and invitation links.
    let brand = app.store().operator_find_organisation("Brand 品牌").await.unwrap().unwrap();
    let token = World::token(app.store(), &brand, BRAND_OWNER, "read,admin").await;
    let (status, publications) = get_as_host(&app, "/api/v1/publications", EVIL, Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let publications: serde_json::Value = serde_json::from_slice(&publications).unwrap();
    assert_eq!(publications[0]["links"]["page_url"], format!("{}/l/{code}", app.base_url));
    let invited = reqwest::Client::new()
        .post(format!("{}/api/v1/supplier-invitations", app.base_url))
        .header("host", EVIL)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "supplier_name": "Factory 工厂" }))
        .send()
        .await
        .unwrap();
    assert_eq!(invited.status(), StatusCode::CREATED);
    let invited: serde_json::Value = invited.json().await.unwrap();
    let link = invited["link"].as_str().unwrap();
    assert!(link.starts_with(&format!("{}/invitations/", app.base_url)), "{link}");
}

on_both_databases!(the_label_png_comes_in_three_sizes_only);
async fn the_label_png_comes_in_three_sizes_only(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    let code = publish(app.store(), &cup).await.record.code.to_string();
    // 60 mm wide: 354, 709 and 1417 pixels; 300 dpi when none is asked for.
    for (query, width_px) in
        [("?dpi=150", 354), ("?dpi=300", 709), ("?dpi=600", 1417), ("", 709), ("?v=1&dpi=600", 1417)]
    {
        let (status, _, png) = get_bytes(&app, &format!("/l/{code}/label.png{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), width_px, "{query}");
    }
    // Any other value is refused, saying which sizes there are, rather than drawn and cached once per value.
    for dpi in ["72", "299", "301", "1200", "5000", "abc", ""] {
        let (status, headers, body) = get_bytes(&app, &format!("/l/{code}/label.png?dpi={dpi}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "dpi={dpi}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"), "dpi={dpi}");
        let body = String::from_utf8(body).unwrap();
        assert!(body.contains("150, 300") && body.contains("600"), "dpi={dpi}: {body}");
        assert!(body.contains("dpi") && body.contains("分辨率"), "in both languages: {body}");
    }
}

on_both_databases!(a_withdrawn_label_is_gone_everywhere_within_the_page_cache_time);
async fn a_withdrawn_label_is_gone_everywhere_within_the_page_cache_time(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    let first = publish(app.store(), &cup).await;
    let code = first.record.code.to_string();
    app.database.clock.advance(SignedDuration::from_hours(24));

    // Everything that a withdrawal changes is cached briefly, nothing for good.
    let withdrawable = [
        format!("/l/{code}"),
        format!("/l/{code}?v=1"),
        format!("/l/{code}/label.svg?v=1"),
        format!("/l/{code}/label.png?v=1&dpi=300"),
        format!("/l/{code}/label.svg"),
        format!("/l/{code}/content.json?v=1"),
    ];
    for path in &withdrawable {
        let (status, headers, _) = get_bytes(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let cache_control = headers["cache-control"].to_str().unwrap();
        assert!(!cache_control.contains("immutable"), "{path}: {cache_control}");
        let max_age: u32 = cache_control.split("max-age=").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
        assert!(max_age <= 300, "{path}: {cache_control}");
    }

    // Withdrawn a second after those answers were rendered: the server's copies are served at most until five
    // seconds after they were made.
    app.database.clock.advance(SignedDuration::from_secs(1));
    app.store().withdraw_publication(&cup.editor, &first.id, "board supplier changed").await.unwrap();
    assert_eq!(get(&app, &format!("/l/{code}"), "zh-CN").await.status, StatusCode::OK, "still the cached page");
    app.database.clock.advance(SignedDuration::from_secs(4));

    // The page answers 410 Gone, in both languages, with the date and the publisher's reason.
    for (path, accept_language) in [(format!("/l/{code}?lang=en"), "en"), (format!("/l/{code}?v=1"), "zh-CN")] {
        let page = get(&app, &path, accept_language).await;
        assert_eq!(page.status, StatusCode::GONE, "{path}");
        assert!(header(&page, "content-type").starts_with("text/html"), "{path}");
        assert!(page.body.contains(EN.public_withdrawn) && page.body.contains(ZH.public_withdrawn), "{path}");
        assert!(page.body.contains("2026-03-03"), "{path}: the withdrawal date");
        assert!(page.body.contains("board supplier changed"), "{path}: the reason");
        assert!(page.body.contains(&format!("/l/{code}/verify")), "{path}: the chain still shows the record");
        assert!(!header(&page, "cache-control").contains("immutable"), "{path}");
        assert!(!page.body.contains("<script") && page.set_cookies().is_empty(), "{path}");
    }
    let english = get(&app, &format!("/l/{code}?lang=en"), "en").await;
    assert_eq!(english.lang(), Some("en"));
    // The artwork and the content are gone too.
    for path in &withdrawable[2..] {
        let (status, headers, body) = get_bytes(&app, path).await;
        assert_eq!(status, StatusCode::GONE, "{path}");
        assert!(!headers["cache-control"].to_str().unwrap().contains("immutable"), "{path}");
        assert!(String::from_utf8_lossy(&body).contains("2026-03-03"), "{path}: says when");
    }
    // The verify view still shows the record: withdrawing keeps it in the chain.
    let verify = get(&app, &format!("/l/{code}/verify?lang=en"), "en").await;
    assert_eq!(verify.status, StatusCode::OK);
    assert!(verify.body.contains(&first.record.record_hash.to_string()));
}

on_both_databases!(the_content_json_carries_no_internal_ids);
async fn the_content_json_carries_no_internal_ids(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    let published = publish(app.store(), &cup).await;
    let code = published.record.code.to_string();
    let (status, _, json) = get_bytes(&app, &format!("/l/{code}/content.json?v=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tanji_label::publication::Digest::of(&json), published.record.content_hash, "still checkable");
    let verify = get(&app, &format!("/l/{code}/verify?v=1"), "en").await;
    for id in [&cup.footprint_id, &cup.product_id, &published.id, &published.footprint_id] {
        assert!(!mentions(&json, id), "content.json names {id}: {}", String::from_utf8_lossy(&json));
        assert!(!verify.body.contains(id.as_str()), "the verify view names {id}");
    }
    let content: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(content.get("footprint_id").is_none(), "{content}");
    assert_eq!(content["sku"], "RH-CUP-BF-250", "public codes stay");
}

on_both_databases!(one_unreadable_record_leaves_the_rest_of_the_chain_readable);
async fn one_unreadable_record_leaves_the_rest_of_the_chain_readable(test: TestDatabase) {
    let url = test.url.clone();
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    let first = publish(app.store(), &cup).await;
    let second = publish(app.store(), &cup).await;
    let third = publish(app.store(), &cup).await;
    let code = first.record.code.to_string();

    // The second record's content is cut short in the database: it is no longer JSON at all.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query("UPDATE label_publications SET content_json = $1 WHERE id = $2")
        .bind(&second.record.canonical_content()[..40])
        .bind(&second.id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    // The verify view shows the whole chain and names the broken record.
    let verify = get(&app, &format!("/l/{code}/verify?lang=en"), "en").await;
    assert_eq!(verify.status, StatusCode::OK, "{}", verify.body);
    assert!(verify.body.contains("1 record(s) in the chain fail their check."));
    for record in [&first.record, &second.record, &third.record] {
        assert!(verify.body.contains(&record.record_hash.to_string()[..12]), "record {} is listed", record.sequence);
    }
    assert!(verify.body.contains("Unreadable"), "the broken record is named");
    let old = get(&app, &format!("/l/{code}/verify?v=1&lang=en"), "en").await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.body.contains(EN.public_intact), "the first record checks out");

    // The other versions' pages and artwork still show, intact: the link from the third record to the second is
    // checked against the second's stored record hash, which is readable.
    for version in [1, 3] {
        let page = get(&app, &format!("/l/{code}?v={version}&lang=en"), "en").await;
        assert_eq!(page.status, StatusCode::OK, "version {version}");
        assert!(!page.body.contains(EN.public_integrity_failed), "version {version}");
        let (status, _, _) = get_bytes(&app, &format!("/l/{code}/label.svg?v={version}")).await;
        assert_eq!(status, StatusCode::OK, "version {version}");
    }
    assert_eq!(get(&app, &format!("/l/{code}?lang=en"), "en").await.status, StatusCode::OK, "the newest version");
}

/// The fragments of a page's text that tell a comparison is shown: the reduction badge and its words.
fn shows_a_comparison(body: &str) -> bool {
    body.contains("class=\"badge badge-reduction\"")
        || body.contains("lower than conventional")
        || body.contains("比常规产品减少")
}

on_both_databases!(a_self_declared_footprint_publishes_no_comparison_and_a_verified_one_does);
async fn a_self_declared_footprint_publishes_no_comparison_and_a_verified_one_does(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;

    // The publisher is told before publishing, in the console's publish step, in both languages.
    for (accept_language, expected) in
        [("en", "is compared with a conventional one"), ("zh-CN", "因此公开页面和标签只显示碳足迹本身")]
    {
        let browser = Browser::new(&app.base_url, accept_language);
        browser.log_in(BRAND_EDITOR).await;
        let page = browser.get(&format!("/console/footprints/{}", cup.footprint_id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"publish-comparison\""), "the publish step explains the comparison");
        assert!(page.body.contains(expected), "{accept_language}: {expected:?} not in the publish step");
        assert!(page.body.contains("ISO 14044"));
    }

    // Published self-declared: the footprint, and why no comparison, on the page and in the artwork.
    let first = publish(app.store(), &cup).await;
    let code = first.record.code.to_string();
    for (accept_language, explained) in [
        ("en", "the comparison is not shown because this footprint has not been verified by a third party"),
        ("zh-CN", "因此不显示比较结果"),
    ] {
        let page = get(&app, &format!("/l/{code}"), accept_language).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&shown_total(&first)), "the footprint itself is shown");
        assert!(
            page.body.contains("id=\"comparison-not-verified\"") && page.body.contains(explained),
            "{accept_language}"
        );
        assert!(!shows_a_comparison(&page.body), "{accept_language}: a comparison is shown without verification");
    }
    let (_, _, svg) = get_bytes(&app, &format!("/l/{code}/label.svg")).await;
    let svg = String::from_utf8(svg).unwrap();
    assert!(!svg.contains("lower than conventional") && !svg.contains("减少"), "no claim on the label either");
    assert!(svg.contains("自我声明 Self-declared"));

    // Verified, published again: now the comparison is shown.
    app.store().verify_footprint(&cup.auditor, &cup.footprint_id, "CQC 中国质量认证中心", "ISO 14067").await.unwrap();
    publish(app.store(), &cup).await;
    app.database.clock.advance(PAST_THE_PAGE_CACHE);
    let page = get(&app, &format!("/l/{code}?lang=en"), "en").await;
    assert!(shows_a_comparison(&page.body), "the verified label compares");
    assert!(!page.body.contains("comparison-not-verified"));
    let (_, _, svg) = get_bytes(&app, &format!("/l/{code}/label.svg?v=2")).await;
    assert!(String::from_utf8(svg).unwrap().contains("lower than conventional"));
    // Version 1 still says what it said: no comparison.
    let old = get(&app, &format!("/l/{code}?v=1&lang=en"), "en").await;
    assert!(!shows_a_comparison(&old.body) && old.body.contains("comparison-not-verified"));
}

on_both_databases!(a_members_sign_off_is_internal_review_and_publishes_no_comparison);
async fn a_members_sign_off_is_internal_review_and_publishes_no_comparison(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    // The brand's own auditor signs off, naming a body: it is still the brand reviewing itself.
    let typed = "CQC 中国质量认证中心";
    app.store().verify_footprint(&cup.member_auditor, &cup.footprint_id, typed, "ISO 14067").await.unwrap();

    // The console says so before publishing, in both languages.
    for (accept_language, note, publish_step) in [
        ("en", "an internal review, not independent third-party verification", "only reviewed internally"),
        ("zh-CN", ZH.fp_internal_review_note, "只经本组织审核员内部审核"),
    ] {
        let browser = Browser::new(&app.base_url, accept_language);
        browser.log_in(BRAND_EDITOR).await;
        let page = browser.get(&format!("/console/footprints/{}", cup.footprint_id)).await;
        assert!(page.body.contains("id=\"badge-internal-review\"") && page.body.contains(note), "{accept_language}");
        assert!(page.body.contains(publish_step), "{accept_language}: the publish step says why");
    }

    let published = publish(app.store(), &cup).await;
    let code = published.record.code.to_string();
    for (accept_language, explained) in
        [("en", "was only reviewed internally by the publisher"), ("zh-CN", "只经发布方自己的审核员内部审核")]
    {
        let page = get(&app, &format!("/l/{code}"), accept_language).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!shows_a_comparison(&page.body), "{accept_language}: an internal review shows no comparison");
        assert!(page.body.contains("id=\"comparison-not-verified\"") && page.body.contains(explained));
        assert!(page.body.contains("id=\"internal-review\"") && page.body.contains("id=\"badge-internal-review\""));
        assert!(!page.body.contains(EN.public_verified) && !page.body.contains(ZH.public_verified));
    }
    let (_, _, svg) = get_bytes(&app, &format!("/l/{code}/label.svg")).await;
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.contains("内部审核 Internal review") && !svg.contains("Verified by"), "the artwork says so too");
    assert!(!svg.contains("lower than conventional") && !svg.contains("减少"));
    let verify = get(&app, &format!("/l/{code}/verify?lang=en"), "en").await;
    assert!(verify.body.contains(EN.public_internal_review_by) && !verify.body.contains(EN.public_verified_by));
}

on_both_databases!(the_page_prints_the_code_as_the_label_does_and_the_chart_matches_its_legend);
async fn the_page_prints_the_code_as_the_label_does_and_the_chart_matches_its_legend(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    let cup = cup(app.store()).await;
    app.store().verify_footprint(&cup.auditor, &cup.footprint_id, "CQC", "ISO 14067").await.unwrap();
    let published = publish(app.store(), &cup).await;
    let code = published.record.code.to_string();
    let printed = published.record.code.display();
    assert_eq!(printed, format!("{}-{}", &code[..4], &code[4..]));
    let page = get(&app, &format!("/l/{code}?lang=en"), "en").await;
    assert!(page.body.contains(&printed), "the page shows {printed}");
    let (_, _, svg) = get_bytes(&app, &format!("/l/{code}/label.svg")).await;
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.contains(&format!("/l/{printed}")), "the label prints the same form under its QR code");
    // Every bar colour of the stage chart is one its legend shows.
    let chart_start = page.body.find("Carbon footprint by life-cycle stage").expect("the stage chart");
    let chart = &page.body[chart_start..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    let fills: std::collections::BTreeSet<&str> = chart
        .split("fill=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|fill| fill.starts_with('#'))
        .collect();
    for fill in fills {
        assert!(
            ["#17794A", "#A9B4AE", "#14251C", "#56655D"].contains(&fill),
            "{fill} is in the chart but not its legend"
        );
    }
}
