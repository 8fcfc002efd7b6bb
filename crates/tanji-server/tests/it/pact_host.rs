//! The PACT v3 host over HTTPS: OAuth client credentials, discovery, ListFootprints with filters and pagination,
//! GetFootprint, Events with the asynchronous answer — and every refusal: wrong secret, invalid and expired tokens,
//! another partner, a partner the footprint is not shared with, malformed events, plain HTTP.

use std::time::Duration;

use axum::body::Bytes;
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_footprint::parse_footprint_file;
use tanji_pact::Decimal;
use tanji_pact::mapping::CarbonContent;
use tanji_server::{ServerConfig, TlsFiles};
use tanji_store::pact::{NewPactClient, PactSharing};
use tanji_store::{LoginOutcome, NewProduct, Store};
use tanji_tenancy::Actor;
use tanji_tenancy::member::Password;
use tanji_tenancy::organisation::Organisation;
use tanji_tenancy::supplier_link::InvitationDetails;
use tanji_tenancy::supplier_share::ShareKind;
use tanji_testkit::{TestDatabase, on_both_databases};
use tokio::sync::mpsc;

use crate::harness::{BRAND_EDITOR, BRAND_OWNER, OTHER_SUPPLIER_OWNER, PASSWORD, SUPPLIER_OWNER, TestApp, World};

const CUP: &str = include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml");

async fn actor(store: &Store, organisation: &Organisation, email: &str) -> Actor {
    let outcome = store.login(email, &Password::for_login(PASSWORD), Some(organisation.id)).await.unwrap();
    let LoginOutcome::LoggedIn(session) = outcome else { panic!("{email} could not log in: {outcome:?}") };
    store.session(&session.secret).await.unwrap().expect("a fresh session").actor
}

/// The app over HTTPS with a self-signed certificate, answering partners' `http://` webhooks (the test's).
async fn https_app(database: TestDatabase) -> (TestApp, tempfile::TempDir) {
    let directory = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let certificate = directory.path().join("cert.pem");
    let private_key = directory.path().join("key.pem");
    std::fs::write(&certificate, certified.cert.pem()).unwrap();
    std::fs::write(&private_key, certified.key_pair.serialize_pem()).unwrap();
    let config =
        ServerConfig { secure_cookies: true, pact_allow_plain_http_callbacks: true, ..ServerConfig::default() };
    let app = TestApp::spawn_with(database, config, Some(TlsFiles { certificate, private_key })).await;
    (app, directory)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().danger_accept_invalid_certs(true).build().unwrap()
}

/// The brand publishes the cup twice (v1 deprecated by v2) with declared carbon contents; returns the ids.
async fn publish_cup_twice(store: &Store, owner: &Actor) -> Vec<String> {
    let model = parse_footprint_file(CUP).unwrap().model;
    let new = NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    };
    let product = store.create_product(owner, &new).await.unwrap();
    store.save_model(owner, &product.id, &model, "first model").await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let footprint = store.compute_footprint(owner, &product.id, None, None).await.unwrap();
        let publication = store.publish_footprint(owner, &footprint.id).await.unwrap();
        // Test data, not a published figure.
        let content = CarbonContent { fossil_kg_c: Decimal::parse("0.0004").unwrap(), biogenic_kg_c: None };
        store.declare_pact_carbon_content(owner, &publication.id, &content).await.unwrap();
        ids.push(publication.id);
    }
    ids
}

async fn get_token(app: &TestApp, client_id: &str, secret: &str) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{}/auth/token", app.base_url))
        .basic_auth(client_id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let response = client().get(format!("{}{path}", app.base_url)).bearer_auth(token).send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap_or(Value::Null))
}

async fn post_event(app: &TestApp, token: &str, event: &Value) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{}/3/events", app.base_url))
        .bearer_auth(token)
        .header("content-type", "application/cloudevents+json; charset=UTF-8")
        .body(event.to_string())
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap_or(Value::Null))
}

/// A partner's events endpoint: every body posted to `/3/events` arrives on the channel.
async fn webhook() -> (String, mpsc::UnboundedReceiver<Value>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let router = axum::Router::new().route(
        "/3/events",
        axum::routing::post(move |body: Bytes| {
            let sender = sender.clone();
            async move {
                let _ = sender.send(serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{address}"), receiver)
}

on_both_databases!(a_partner_gets_the_shared_footprints_over_pact);
async fn a_partner_gets_the_shared_footprints_over_pact(database: TestDatabase) {
    let (app, _certificates) = https_app(database).await;
    let store = app.store();
    let world = World::build(store).await;
    let owner = actor(store, &world.brand, BRAND_OWNER).await;
    let ids = publish_cup_twice(store, &owner).await;
    let new = NewPactClient { name: "Public partner".to_owned(), sharing: PactSharing::Public, events_url: None };
    let (client_record, secret) = store.create_pact_client(&owner, &new).await.unwrap();

    // Discovery names the token endpoint on the request's host.
    let discovery: Value = client()
        .get(format!("{}/.well-known/openid-configuration", app.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["token_endpoint"], format!("{}/auth/token", app.base_url));

    // Token: right secret, wrong secret, wrong grant, wrong body.
    let (status, token) = get_token(&app, &client_record.client_id, &secret).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    let token = token["access_token"].as_str().unwrap().to_owned();
    let (status, refused) = get_token(&app, &client_record.client_id, "wrong secret").await;
    assert_eq!((status, refused["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
    let wrong_grant = client()
        .post(format!("{}/auth/token", app.base_url))
        .basic_auth(&client_record.client_id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=password")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_grant.status(), StatusCode::BAD_REQUEST);
    assert_eq!(wrong_grant.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");

    // List, page by page, with the Link on the request's host.
    let (status, headers, body) = get(&app, &token, "/3/footprints").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    assert!(headers.get("link").is_none());
    let (_, headers, body) = get(&app, &token, "/3/footprints?limit=1").await;
    assert_eq!(body["data"][0]["id"], ids[0].as_str());
    let link = headers.get("link").expect("a next link").to_str().unwrap().to_owned();
    assert_eq!(link, format!("<{}/3/footprints?limit=1&offset=1>; rel=\"next\"", app.base_url));
    let next = link.trim_start_matches('<').split('>').next().unwrap().trim_start_matches(&app.base_url).to_owned();
    for _ in 0..2 {
        let (status, headers, body) = get(&app, &token, &next).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["data"][0]["id"], ids[1].as_str());
        assert!(headers.get("link").is_none(), "the last page");
    }

    // Filters: the conformance suite's positive and negative cases.
    let first = body["data"][0].clone();
    let product_id = first["productIds"][0].as_str().unwrap();
    let company_id = first["companyIds"][0].as_str().unwrap();
    let count = |body: &Value| body["data"].as_array().map_or(usize::MAX, Vec::len);
    for (query, expected) in [
        (format!("productId={product_id}&status=Active"), 1),
        (format!("companyId={company_id}&companyId=urn:bogus:company:x"), 2),
        ("geography=CN".to_owned(), 2),
        ("geography=XX".to_owned(), 0),
        ("status=Deprecated".to_owned(), 1),
        ("status=BogusStatus".to_owned(), 0),
        ("validOn=1900-01-01T00:00:00Z".to_owned(), 0),
        ("validAfter=2099-12-31T23:59:59Z".to_owned(), 0),
        ("validBefore=1900-01-01T00:00:00Z".to_owned(), 0),
        ("classification=urn:bogus:classification:x".to_owned(), 0),
        ("companyId=urn:bogus:company:5FIi8zS3&productId=urn:bogus:product:nonexistent123".to_owned(), 0),
    ] {
        let (status, _, body) = get(&app, &token, &format!("/3/footprints?{query}")).await;
        assert_eq!((status, count(&body)), (StatusCode::OK, expected), "{query}: {body}");
    }
    let (status, _, body) = get(&app, &token, "/3/footprints?validOn=not-a-date").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("BadRequest")));

    // Get one; an unknown id.
    let (status, _, body) = get(&app, &token, &format!("/3/footprints/{}", ids[1])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["status"], "Active");
    assert_eq!(body["data"]["precedingPfIds"], json!([ids[0]]));
    let (status, _, body) = get(&app, &token, "/3/footprints/non-existent-id").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NotFound")));

    // Invalid and expired tokens: 401.
    let (status, _, body) = get(&app, "invalid-access-token", "/3/footprints").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("BadRequest")));
    app.database.clock.advance(SignedDuration::from_secs(3601));
    let (status, _, body) = get(&app, &token, "/3/footprints").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("TokenExpired")));
    let (status, _) = post_event(&app, &token, &json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

on_both_databases!(partners_see_only_what_is_shared_with_them);
async fn partners_see_only_what_is_shared_with_them(database: TestDatabase) {
    let (app, _certificates) = https_app(database).await;
    let store = app.store();
    let world = World::build(store).await;
    // The factory is the data owner; the brand, its customer through a link, the partner.
    let owner = actor(store, &world.supplier, SUPPLIER_OWNER).await;
    let ids = publish_cup_twice(store, &owner).await;
    let brand_editor = actor(store, &world.brand, BRAND_EDITOR).await;
    let details = InvitationDetails::parse("Factory 工厂", None).unwrap();
    let (_, code) = store.create_invitation(&brand_editor, &details).await.unwrap();
    let link = store.accept_invitation(&owner, &code).await.unwrap();
    let customer =
        NewPactClient { name: "Customer".to_owned(), sharing: PactSharing::Customer(link.id), events_url: None };
    let (customer_client, customer_secret) = store.create_pact_client(&owner, &customer).await.unwrap();
    let (_, token) = get_token(&app, &customer_client.client_id, &customer_secret).await;
    let token = token["access_token"].as_str().unwrap().to_owned();
    // Not shared on the link: an empty list, and 403 for a footprint of this data owner.
    let (status, _, body) = get(&app, &token, "/3/footprints").await;
    assert_eq!((status, body["data"].as_array().unwrap().len()), (StatusCode::OK, 0));
    let (status, _, body) = get(&app, &token, &format!("/3/footprints/{}", ids[0])).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("AccessDenied")));
    // Shared: both versions.
    store.grant_supplier_share(&owner, link.id, ShareKind::PublishedFootprints).await.unwrap();
    let (_, _, body) = get(&app, &token, "/3/footprints").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 2);

    // Another data owner's partner never learns the brand's footprints exist: 404.
    let other_owner = actor(store, &world.other_supplier, OTHER_SUPPLIER_OWNER).await;
    let other = NewPactClient { name: "Other".to_owned(), sharing: PactSharing::Public, events_url: None };
    let (other_client, other_secret) = store.create_pact_client(&other_owner, &other).await.unwrap();
    let (_, other_token) = get_token(&app, &other_client.client_id, &other_secret).await;
    let other_token = other_token["access_token"].as_str().unwrap().to_owned();
    let (status, _, body) = get(&app, &other_token, &format!("/3/footprints/{}", ids[0])).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NotFound")));
    let (_, _, body) = get(&app, &other_token, "/3/footprints").await;
    assert_eq!(body["data"], json!([]));

    // A revoked client's token stops at once.
    store.revoke_pact_client(&other_owner, &other_client.id).await.unwrap();
    let (status, _, _) = get(&app, &other_token, "/3/footprints").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

on_both_databases!(events_are_checked_stored_and_requests_answered_asynchronously);
async fn events_are_checked_stored_and_requests_answered_asynchronously(database: TestDatabase) {
    let (app, _certificates) = https_app(database).await;
    let store = app.store();
    let world = World::build(store).await;
    let owner = actor(store, &world.brand, BRAND_OWNER).await;
    let ids = publish_cup_twice(store, &owner).await;
    let new = NewPactClient { name: "Public partner".to_owned(), sharing: PactSharing::Public, events_url: None };
    let (client_record, secret) = store.create_pact_client(&owner, &new).await.unwrap();
    let (_, token) = get_token(&app, &client_record.client_id, &secret).await;
    let token = token["access_token"].as_str().unwrap().to_owned();
    let (_, _, listed) = get(&app, &token, "/3/footprints").await;
    let product_id = listed["data"][0]["productIds"][0].as_str().unwrap().to_owned();
    let (webhook_url, mut received) = webhook().await;
    let event = |id: &str, kind: &str, data: Value| {
        json!({"specversion": "1.0", "id": id, "source": webhook_url, "time": "2026-03-01T08:00:00Z",
               "type": format!("org.wbcsd.pact.ProductFootprint.{kind}.3"), "data": data})
    };

    // Malformed events: 400 BadRequest.
    for bad in [json!({"specversion": "1.0"}), json!("text"), event("e-0", "NoSuchEvent", json!({}))] {
        let (status, body) = post_event(&app, &token, &bad).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("BadRequest")), "{bad}");
    }
    let (status, _) =
        post_event(&app, &token, &event("e-1", "PublishedEvent", json!({"pfIds": ["urn:gtin:4712345060507"]}))).await;
    assert_eq!(status, StatusCode::OK);

    // A request that matches is fulfilled, one that does not is rejected — both posted back to the source.
    let (status, _) =
        post_event(&app, &token, &event("e-2", "RequestCreatedEvent", json!({"productId": [product_id]}))).await;
    assert_eq!(status, StatusCode::OK);
    let answer = tokio::time::timeout(Duration::from_secs(20), received.recv()).await.unwrap().unwrap();
    assert_eq!(answer["type"], "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3");
    assert_eq!(answer["data"]["requestEventId"], "e-2");
    let answered: Vec<&str> =
        answer["data"]["pfs"].as_array().unwrap().iter().map(|pf| pf["id"].as_str().unwrap()).collect();
    assert_eq!(answered, [ids[0].as_str(), ids[1].as_str()]);
    let (status, _) =
        post_event(&app, &token, &event("e-3", "RequestCreatedEvent", json!({"productId": ["urn:pact:null"]}))).await;
    assert_eq!(status, StatusCode::OK);
    let answer = tokio::time::timeout(Duration::from_secs(20), received.recv()).await.unwrap().unwrap();
    assert_eq!(answer["type"], "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3");
    assert_eq!(answer["data"]["error"]["code"], "NotFound");

    // A redelivered request is stored once and answered once.
    let (status, _) =
        post_event(&app, &token, &event("e-3", "RequestCreatedEvent", json!({"productId": ["urn:pact:null"]}))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(tokio::time::timeout(Duration::from_millis(1500), received.recv()).await.is_err());

    // Every event is recorded, with the answers' deliveries.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events = store.pact_events(&owner).await.unwrap();
    let states: Vec<(&str, &str)> =
        events.iter().map(|event| (event.direction.as_str(), event.state.as_str())).collect();
    assert_eq!(events.len(), 5, "{states:?}");
    assert!(states.contains(&("in", "fulfilled")) && states.contains(&("in", "rejected")), "{states:?}");
    assert_eq!(states.iter().filter(|state| **state == ("out", "delivered")).count(), 2, "{states:?}");
}

on_both_databases!(plain_http_does_not_answer_the_pact_paths);
async fn plain_http_does_not_answer_the_pact_paths(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    World::build(app.store()).await;
    let client = reqwest::Client::new();
    let token = client
        .post(format!("{}/auth/token", app.base_url))
        .basic_auth("tanji_pact_client_x", Some("secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_ne!(token.status(), StatusCode::OK);
    assert!(!token.text().await.unwrap().contains("access_token"));
    for path in ["/3/footprints", "/.well-known/openid-configuration"] {
        let response = client.get(format!("{}{path}", app.base_url)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

on_both_databases!(the_carbon_manager_manages_partners_in_the_console);
async fn the_carbon_manager_manages_partners_in_the_console(database: TestDatabase) {
    let (app, _certificates) = https_app(database).await;
    let store = app.store();
    let world = World::build(store).await;
    let owner = actor(store, &world.brand, BRAND_OWNER).await;
    publish_cup_twice(store, &owner).await;

    let browser = crate::harness::Browser::new(&app.base_url, "zh-CN");
    browser.log_in(BRAND_OWNER).await;
    let page = browser.get("/console/pact").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("PACT 产品碳足迹交换"), "in Chinese");
    assert!(!page.body.contains("Partners read the product footprints"), "no English on the Chinese page");

    // No CSRF token: refused, nothing created.
    let forged = browser.post_raw("/console/pact/clients", &[("name", "Forged"), ("sharing", "public")], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(store.pact_clients(&owner).await.unwrap().is_empty());

    // Created: the secret is on this answer only, and works.
    let created =
        browser.submit("/console/pact", "/console/pact/clients", &[("name", "ERP 伙伴"), ("sharing", "public")]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.headers.get("cache-control").unwrap(), "no-store");
    let client_record = store.pact_clients(&owner).await.unwrap().remove(0);
    let marker = "<code id=\"new-secret\">";
    let start = created.body.find(marker).unwrap() + marker.len();
    let secret = &created.body[start..start + created.body[start..].find('<').unwrap()];
    let (status, _) = get_token(&app, &client_record.client_id, secret).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!browser.get("/console/pact").await.body.contains(secret), "shown once");

    // Another organisation's owner cannot revoke it; a viewer of the brand may not see the page.
    let other = crate::harness::Browser::new(&app.base_url, "en");
    other.log_in(OTHER_SUPPLIER_OWNER).await;
    let path = format!("/console/pact/clients/{}/revoke", client_record.id);
    let refused = other.submit("/console/pact", &path, &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let viewer = crate::harness::Browser::new(&app.base_url, "en");
    viewer.log_in(crate::harness::BRAND_VIEWER).await;
    assert_eq!(viewer.get("/console/pact").await.status, StatusCode::FORBIDDEN);

    let revoked = browser.submit("/console/pact", &path, &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let (status, _) = get_token(&app, &client_record.client_id, secret).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
