//! Joining an organisation by invitation, over HTTP: owners invite (console and API), the invited person accepts at
//! `/join/{code}` — logged in with the invited address, or by creating an account for it — and nobody else can.
//! Regression tests for security defect 3 of issue 15: owners could attach any existing account to their
//! organisation, and the answer told them whether an e-mail address had an account.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{
    BRAND_AUDITOR, BRAND_EDITOR, BRAND_OWNER, Browser, OTHER_SUPPLIER_OWNER, PASSWORD, Page, SUPPLIER_OWNER, TestApp,
    World,
};

/// An address nobody has an account for.
const NEWCOMER: &str = "qian.xy@newcomer.example";

/// The `/join/…` path in the link a members page shows once after inviting.
pub(crate) fn link_path(app: &TestApp, page: &Page) -> String {
    let marker = format!("{}/join/", app.base_url);
    let start = page.body.find(&marker).unwrap_or_else(|| panic!("the page shows no invitation link: {}", page.body));
    let link = &page.body[start..];
    link[..link.find('<').unwrap()].strip_prefix(&app.base_url).unwrap().to_owned()
}

/// Invites `email` as `role` through the console as the brand's owner; returns the page and the link's path.
async fn invite_in_console(app: &TestApp, owner: &Browser, email: &str, role: &str) -> (Page, String) {
    let page =
        owner.submit("/console/members", "/console/members/invitations", &[("email", email), ("role", role)]).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let path = link_path(app, &page);
    (page, path)
}

/// The JSON's shape: every key with the kind of its value, recursively, values left out.
pub(crate) fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(key, value)| (key.clone(), shape(value))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
        Value::Null => Value::Null,
    }
}

async fn member_emails(app: &TestApp, world: &World) -> Vec<String> {
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read").await);
    let members = owner.get("/api/v1/members").await.json;
    members.as_array().unwrap().iter().map(|member| member["email"].as_str().unwrap().to_owned()).collect()
}

on_both_databases!(inviting_answers_the_same_for_known_and_unknown_addresses);
async fn inviting_answers_the_same_for_known_and_unknown_addresses(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;

    // The API: same status, same body shape, same audit entry shape.
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    let known = owner.post("/api/v1/members/invitations", json!({ "email": SUPPLIER_OWNER, "role": "editor" })).await;
    let unknown = owner.post("/api/v1/members/invitations", json!({ "email": NEWCOMER, "role": "editor" })).await;
    assert_eq!((known.status, unknown.status), (StatusCode::CREATED, StatusCode::CREATED), "{}", known.json);
    assert_eq!(shape(&known.json), shape(&unknown.json));
    for (answer, email) in [(&known, SUPPLIER_OWNER), (&unknown, NEWCOMER)] {
        assert_eq!(answer.json["invitation"]["email"], email);
        assert_eq!(answer.json["invitation"]["state"], "open");
        let code = answer.json["code"].as_str().unwrap();
        assert_eq!(answer.json["link"], format!("{}/join/{code}", app.base_url));
    }
    let without = |mut value: Value, keys: &[&str]| {
        for key in keys {
            value.as_object_mut().unwrap().remove(*key);
        }
        value
    };
    assert_eq!(
        without(known.json["invitation"].clone(), &["id", "email"]),
        without(unknown.json["invitation"].clone(), &["id", "email"])
    );
    let log = owner.get("/api/v1/audit-events?action=member_invitation.created").await.json;
    let entries = log["items"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        without(entries[0].clone(), &["id", "object_id", "object_label"]),
        without(entries[1].clone(), &["id", "object_id", "object_label"])
    );

    // The console: the same page, but for the address and the link.
    let browser = app.browser();
    browser.log_in(BRAND_OWNER).await;
    let (known_page, known_path) = invite_in_console(&app, &browser, SUPPLIER_OWNER, "viewer").await;
    let (unknown_page, unknown_path) = invite_in_console(&app, &browser, NEWCOMER, "viewer").await;
    let neutral = |page: &Page, path: &str| {
        // Everything above the list of open invitations (which names every invited address): the link shown once,
        // the members, the form.
        let above_the_list = &page.body[..page.body.find("id=\"invitations\"").expect("the list of invitations")];
        above_the_list.replace(path, "/join/CODE")
    };
    assert_eq!(neutral(&known_page, &known_path), neutral(&unknown_page, &unknown_path));

    // And nobody was added.
    assert!(!member_emails(&app, &world).await.contains(&SUPPLIER_OWNER.to_owned()));
}

on_both_databases!(an_existing_user_is_not_a_member_until_they_accept);
async fn an_existing_user_is_not_a_member_until_they_accept(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    let (page, path) = invite_in_console(&app, &owner, SUPPLIER_OWNER, "editor").await;
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-store");
    assert!(!member_emails(&app, &world).await.contains(&SUPPLIER_OWNER.to_owned()));
    let listed = owner.get("/console/members").await;
    assert!(listed.body.contains("member-invitations") && listed.body.contains(SUPPLIER_OWNER));
    assert!(!listed.body.contains(&path), "the link is shown only once");

    // Logged out, the invited person is sent to log in and comes back to the page.
    let invitee = app.browser();
    let landing = invitee.get(&path).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("Brand 品牌") && landing.body.contains("o***@factory.example"));
    assert!(!landing.body.contains(SUPPLIER_OWNER), "the address is masked on the page");
    let accept_logged_out = invitee.submit(&path, &format!("{path}/accept"), &[]).await;
    assert_eq!(accept_logged_out.status, StatusCode::SEE_OTHER);
    let next = accept_logged_out.location().to_owned();
    assert!(next.starts_with("/login?next=%2Fjoin%2F"), "{next}");
    let logged_in =
        invitee.submit(&next, "/login", &[("email", SUPPLIER_OWNER), ("password", PASSWORD), ("next", &path)]).await;
    assert_eq!((logged_in.status, logged_in.location()), (StatusCode::SEE_OTHER, path.as_str()));

    let page = invitee.get(&path).await;
    assert!(page.body.contains(&format!("action=\"{path}/accept\"")), "{}", page.body);
    let accepted = invitee.submit(&path, &format!("{path}/accept"), &[]).await;
    assert_eq!((accepted.status, accepted.location()), (StatusCode::SEE_OTHER, "/console?notice=joined"));
    // Their session moved to the organisation they joined.
    let overview = invitee.get("/console?notice=joined").await;
    assert!(overview.body.contains("You have joined the organisation."));
    assert!(overview.body.contains("Brand 品牌"));
    assert!(member_emails(&app, &world).await.contains(&SUPPLIER_OWNER.to_owned()));

    // A used link says so, and cannot be used again.
    let spent = invitee.get(&path).await;
    assert_eq!(spent.status, StatusCode::GONE);
    assert!(spent.body.contains("already been accepted"));
    let again = invitee.post_raw(&format!("{path}/accept"), &[("csrf_token", &spent.csrf_token().unwrap())], &[]).await;
    assert_eq!(again.status, StatusCode::GONE);
}

on_both_databases!(the_wrong_person_cannot_accept);
async fn the_wrong_person_cannot_accept(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    let (_, path) = invite_in_console(&app, &owner, SUPPLIER_OWNER, "owner").await;

    let intruder = app.browser();
    intruder.log_in(OTHER_SUPPLIER_OWNER).await;
    let page = intruder.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("This invitation is for another e-mail address"));
    assert!(!page.body.contains(&format!("action=\"{path}/accept\"")));
    // Posting anyway is refused, and changes nothing.
    let refused = intruder.submit(&path, &format!("{path}/accept"), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("This invitation is for another e-mail address"));
    assert!(!member_emails(&app, &world).await.contains(&OTHER_SUPPLIER_OWNER.to_owned()));
    // A member of the organisation cannot take it over either.
    let editor = app.browser();
    editor.log_in(BRAND_EDITOR).await;
    assert_eq!(editor.submit(&path, &format!("{path}/accept"), &[]).await.status, StatusCode::CONFLICT);

    // The invited person still can.
    let invitee = app.browser();
    invitee.log_in(SUPPLIER_OWNER).await;
    let accepted = invitee.submit(&path, &format!("{path}/accept"), &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
}

on_both_databases!(only_owners_invite);
async fn only_owners_invite(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    for email in [BRAND_EDITOR, BRAND_AUDITOR] {
        let browser = app.browser();
        browser.log_in(email).await;
        let page = browser.get("/console/members").await;
        assert!(!page.body.contains("/console/members/invitations"), "{email} sees no invite form");
        let attempt = browser
            .submit("/console/members", "/console/members/invitations", &[("email", NEWCOMER), ("role", "owner")])
            .await;
        assert_eq!(attempt.status, StatusCode::FORBIDDEN, "{email}");
    }
    let editor = app.api(&World::token(app.store(), &world.brand, BRAND_EDITOR, "read,write").await);
    let auditor = app.api(&World::token(app.store(), &world.brand, BRAND_AUDITOR, "read").await);
    // An owner's token without the admin scope may not invite either.
    let owner_reader = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,write").await);
    for api in [&editor, &auditor, &owner_reader] {
        let invite = api.post("/api/v1/members/invitations", json!({ "email": NEWCOMER, "role": "owner" })).await;
        assert_eq!((invite.status, invite.code()), (StatusCode::FORBIDDEN, "forbidden"));
        assert_eq!(api.get("/api/v1/members/invitations").await.status, StatusCode::FORBIDDEN);
    }
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    assert_eq!(owner.get("/api/v1/members/invitations").await.json, json!([]));
}

on_both_databases!(another_tenant_cannot_revoke_an_invitation);
async fn another_tenant_cannot_revoke_an_invitation(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    let created = owner.post("/api/v1/members/invitations", json!({ "email": NEWCOMER, "role": "viewer" })).await;
    let id = created.json["invitation"]["id"].as_str().unwrap().to_owned();

    let intruder =
        app.api(&World::token(app.store(), &world.other_supplier, OTHER_SUPPLIER_OWNER, "read,write,admin").await);
    let attempt = intruder.post(&format!("/api/v1/members/invitations/{id}/revoke"), json!({})).await;
    assert_eq!((attempt.status, attempt.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(intruder.get("/api/v1/members/invitations").await.json, json!([]));
    let browser = app.browser();
    browser.log_in(OTHER_SUPPLIER_OWNER).await;
    let console_attempt = browser.submit("/console", &format!("/console/members/invitations/{id}/revoke"), &[]).await;
    assert_eq!(console_attempt.status, StatusCode::NOT_FOUND);
    assert_eq!(owner.get("/api/v1/members/invitations").await.json[0]["state"], "open");

    // Its own organisation's owner can, once.
    let revoked = owner.post(&format!("/api/v1/members/invitations/{id}/revoke"), json!({})).await;
    assert_eq!((revoked.status, revoked.json["state"].as_str()), (StatusCode::OK, Some("revoked")));
    let again = owner.post(&format!("/api/v1/members/invitations/{id}/revoke"), json!({})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "already_done"));
    let page = app.browser().get(&link_path_of(&app, &created.json)).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("This invitation was withdrawn by the organisation."));
}

pub(crate) fn link_path_of(app: &TestApp, created: &Value) -> String {
    created["link"].as_str().unwrap().strip_prefix(&app.base_url).unwrap().to_owned()
}

on_both_databases!(the_old_add_endpoints_no_longer_attach_people);
async fn the_old_add_endpoints_no_longer_attach_people(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,write,admin").await);
    let api_attempt = owner.post("/api/v1/members", json!({ "email": SUPPLIER_OWNER, "role": "owner" })).await;
    assert_eq!(api_attempt.status, StatusCode::METHOD_NOT_ALLOWED, "{}", api_attempt.json);
    let browser = app.browser();
    browser.log_in(BRAND_OWNER).await;
    let console_attempt =
        browser.submit("/console/members", "/console/members", &[("email", SUPPLIER_OWNER), ("role", "owner")]).await;
    assert_eq!(console_attempt.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(!member_emails(&app, &world).await.contains(&SUPPLIER_OWNER.to_owned()));
    let document = app.anonymous_api().get("/api/v1/openapi.json").await.json;
    assert!(document["paths"]["/api/v1/members"]["post"].is_null());
    assert!(document["paths"]["/api/v1/members/invitations"]["post"].is_object());
    assert!(document["paths"]["/api/v1/members/invitations/{id}/revoke"]["post"].is_object());
}

on_both_databases!(the_join_page_does_not_tell_whether_an_address_has_an_account);
async fn the_join_page_does_not_tell_whether_an_address_has_an_account(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    // Two addresses with the same first letter and domain: one has an account, the other none.
    let with_account =
        owner.post("/api/v1/members/invitations", json!({ "email": SUPPLIER_OWNER, "role": "editor" })).await;
    let without_account =
        owner.post("/api/v1/members/invitations", json!({ "email": "other@factory.example", "role": "editor" })).await;
    let visitor = app.browser();
    let first_path = link_path_of(&app, &with_account.json);
    let second_path = link_path_of(&app, &without_account.json);
    let first = visitor.get(&first_path).await;
    let second = visitor.get(&second_path).await;
    assert_eq!((first.status, second.status), (StatusCode::OK, StatusCode::OK));
    assert!(first.body.contains("Log in to accept") && first.body.contains("Create account and join"));
    assert_eq!(first.body.replace(&first_path, "/join/CODE"), second.body.replace(&second_path, "/join/CODE"));
}

on_both_databases!(a_new_person_creates_an_account_from_the_link);
async fn a_new_person_creates_an_account_from_the_link(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    let (_, path) = invite_in_console(&app, &owner, NEWCOMER, "auditor").await;

    let newcomer = app.browser();
    let register = format!("{path}/register");
    let weak = newcomer.submit(&path, &register, &[("display_name", "钱晓燕"), ("password", "short")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("too short"), "{}", weak.body);
    // The form has no address field: a posted one is ignored, the account gets the invited address.
    let registered = newcomer
        .submit(
            &path,
            &register,
            &[("display_name", "钱晓燕"), ("password", "a strong pass phrase"), ("email", "x@evil.example")],
        )
        .await;
    assert_eq!((registered.status, registered.location()), (StatusCode::SEE_OTHER, "/login?notice=registered"));
    let logged_in =
        newcomer.submit("/login", "/login", &[("email", NEWCOMER), ("password", "a strong pass phrase")]).await;
    assert_eq!(logged_in.status, StatusCode::SEE_OTHER);
    assert!(newcomer.get("/console").await.body.contains("Brand 品牌"));
    assert!(member_emails(&app, &world).await.contains(&NEWCOMER.to_owned()));
    let failed = app
        .browser()
        .submit("/login", "/login", &[("email", "x@evil.example"), ("password", "a strong pass phrase")])
        .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
}

on_both_databases!(registering_an_address_that_has_an_account_creates_nothing);
async fn registering_an_address_that_has_an_account_creates_nothing(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    let (_, path) = invite_in_console(&app, &owner, SUPPLIER_OWNER, "owner").await;
    // The inviting owner, holding the link, tries to set the invitee's password by registering.
    let holder = app.browser();
    let attempt = holder
        .submit(&path, &format!("{path}/register"), &[("display_name", "Not me"), ("password", "the owner's choice")])
        .await;
    assert_eq!(attempt.status, StatusCode::CONFLICT);
    assert!(attempt.body.contains("already has an account; nothing was created"), "{}", attempt.body);
    let takeover =
        holder.submit("/login", "/login", &[("email", SUPPLIER_OWNER), ("password", "the owner's choice")]).await;
    assert_eq!(takeover.status, StatusCode::UNAUTHORIZED);
    assert!(!member_emails(&app, &world).await.contains(&SUPPLIER_OWNER.to_owned()));
    // The invitation stays open for the person it is for.
    assert_eq!(holder.get(&path).await.status, StatusCode::OK);
}

on_both_databases!(closed_and_unknown_links_get_a_clear_page_in_the_persons_language);
async fn closed_and_unknown_links_get_a_clear_page_in_the_persons_language(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,admin").await);
    let created = owner.post("/api/v1/members/invitations", json!({ "email": NEWCOMER, "role": "viewer" })).await;
    let path = link_path_of(&app, &created.json);
    let chinese = Browser::new(&app.base_url, "zh-CN");

    let unknown = chinese.get("/join/tanji_join_no-such-code").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("此邀请链接不存在"), "{}", unknown.body);

    app.database.clock.advance(jiff::SignedDuration::from_hours(7 * 24));
    let expired = chinese.get(&path).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("此邀请已过期"));
    assert!(!expired.body.contains(&format!("action=\"{path}/register\"")));
    let english = app.browser().get(&path).await;
    assert!(english.body.contains("This invitation has expired."));
    let register = chinese
        .submit(&path, &format!("{path}/register"), &[("display_name", "钱晓燕"), ("password", "a strong pass phrase")])
        .await;
    assert_eq!(register.status, StatusCode::GONE);
    assert!(!member_emails(&app, &world).await.contains(&NEWCOMER.to_owned()));
}
