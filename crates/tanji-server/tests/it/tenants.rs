//! Registering a tenant over HTTP (platform-operator owners, console and API): the organisation is created with an
//! invitation for its first owner, who becomes owner only by accepting the link. Regression tests for the rest of
//! security defect 3 of issue 15: registering a tenant made any existing account its owner without consent, and the
//! answer (a created user, or an existing one with the name and password ignored) told whether the address had one.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tanji_tenancy::member::Email;
use tanji_tenancy::organisation::Organisation;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{Api, BRAND_OWNER, Browser, OPERATOR, PASSWORD, Page, SUPPLIER_OWNER, TestApp, World};
use crate::member_invitations::{link_path, link_path_of, shape};

/// An address nobody has an account for.
const NEWCOMER: &str = "lin@lvzhou.example";

async fn operator_api(app: &TestApp, world: &World) -> Api {
    app.api(&World::token(app.store(), &world.platform, OPERATOR, "read,admin").await)
}

/// The number of members of the tenant called `name`, as the operator's directory shows it.
async fn n_members(operator: &Api, name: &str) -> i64 {
    let tenants = operator.get("/api/v1/tenants").await.json;
    let tenant = tenants.as_array().unwrap().iter().find(|tenant| tenant["organisation"]["name"] == name);
    tenant.unwrap_or_else(|| panic!("no tenant {name}: {tenants}"))["n_members"].as_i64().unwrap()
}

async fn find(app: &TestApp, name: &str) -> Organisation {
    app.store().operator_find_organisation(name).await.unwrap().unwrap()
}

/// Registers a tenant in the console as the operator; returns the answer.
async fn register_in_console(operator: &Browser, name: &str, fields: &[(&str, &str)]) -> Page {
    let mut form = vec![("name", name), ("kind", "brand_retailer"), ("country", "CN"), ("credit_code", "")];
    form.extend_from_slice(fields);
    operator.submit("/console/tenants", "/console/tenants", &form).await
}

fn without(mut value: Value, keys: &[&str]) -> Value {
    for key in keys {
        value.as_object_mut().unwrap().remove(*key);
    }
    value
}

on_both_databases!(registering_a_tenant_does_not_make_an_existing_user_a_member_until_they_accept);
async fn registering_a_tenant_does_not_make_an_existing_user_a_member_until_they_accept(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let operator = operator_api(&app, &world).await;

    // The API: the organisation and an open owner invitation; nobody joins.
    let registered = operator
        .post(
            "/api/v1/tenants",
            json!({ "name": "Retailer Two", "kind": "brand_retailer",
                                         "owner": { "email": SUPPLIER_OWNER } }),
        )
        .await;
    assert_eq!(registered.status, StatusCode::CREATED, "{}", registered.json);
    let invitation = &registered.json["owner_invitation"]["invitation"];
    assert_eq!((invitation["email"].as_str(), invitation["role"].as_str()), (Some(SUPPLIER_OWNER), Some("owner")));
    assert_eq!(invitation["state"], "open");
    let code = registered.json["owner_invitation"]["code"].as_str().unwrap();
    assert_eq!(registered.json["owner_invitation"]["link"], format!("{}/join/{code}", app.base_url));
    assert_eq!(n_members(&operator, "Retailer Two").await, 0);

    // The console: the link is shown once, and nobody joins either.
    let console = app.browser();
    console.log_in(OPERATOR).await;
    let page = register_in_console(&console, "Retailer Three", &[("owner_email", SUPPLIER_OWNER)]).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-store");
    assert!(page.body.contains("Organisation registered, and its first owner invited."));
    let path = link_path(&app, &page);
    assert!(!console.get("/console/tenants").await.body.contains(&path), "the link is shown only once");
    assert_eq!(n_members(&operator, "Retailer Three").await, 0);

    // The invited person sees neither organisation until they accept.
    let invitee = app.browser();
    invitee.log_in(SUPPLIER_OWNER).await;
    let overview = invitee.get("/console").await;
    assert!(!overview.body.contains("Retailer Two") && !overview.body.contains("Retailer Three"));

    // Accepting makes them the owner of the new organisation, which had none: they land in it and may invite.
    let accepted = invitee.submit(&path, &format!("{path}/accept"), &[]).await;
    assert_eq!((accepted.status, accepted.location()), (StatusCode::SEE_OTHER, "/console?notice=joined"));
    assert!(invitee.get("/console?notice=joined").await.body.contains("Retailer Three"));
    let members = invitee.get("/console/members").await;
    assert!(members.body.contains("action=\"/console/members/invitations\""), "the owner's invite form");
    assert_eq!(n_members(&operator, "Retailer Three").await, 1);
    assert_eq!(n_members(&operator, "Retailer Two").await, 0, "the other invitation is still only an invitation");

    // The new organisation's log says who invited whom, and who accepted.
    let owner_api =
        app.api(&World::token(app.store(), &find(&app, "Retailer Three").await, SUPPLIER_OWNER, "read").await);
    let log = owner_api.get("/api/v1/audit-events").await.json;
    let actions: Vec<(&str, &str)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|entry| (entry["action"].as_str().unwrap(), entry["actor_label"].as_str().unwrap()))
        .collect();
    // (Then the test's own token, made at the command line.)
    assert_eq!(
        actions[..4],
        [
            ("organisation.registered", OPERATOR),
            ("member_invitation.created", OPERATOR),
            ("member_invitation.accepted", SUPPLIER_OWNER),
            ("member.added", SUPPLIER_OWNER),
        ]
    );
}

on_both_databases!(registering_a_tenant_answers_the_same_for_known_and_unknown_addresses);
async fn registering_a_tenant_answers_the_same_for_known_and_unknown_addresses(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let operator = operator_api(&app, &world).await;

    // The API: same status, same body shape, the same values but for ids, names, addresses and codes.
    let tenant = |name: &str, email: &str| json!({ "name": name, "kind": "supplier", "owner": { "email": email } });
    let known = operator.post("/api/v1/tenants", tenant("Known Co", SUPPLIER_OWNER)).await;
    let unknown = operator.post("/api/v1/tenants", tenant("Unknown Co", NEWCOMER)).await;
    assert_eq!((known.status, unknown.status), (StatusCode::CREATED, StatusCode::CREATED), "{}", unknown.json);
    assert_eq!(shape(&known.json), shape(&unknown.json));
    let neutral = |answer: &Value| {
        (
            without(answer["organisation"].clone(), &["id", "name"]),
            without(answer["owner_invitation"]["invitation"].clone(), &["id", "email"]),
        )
    };
    assert_eq!(neutral(&known.json), neutral(&unknown.json));

    // The console: the same page, but for the tenants table (which lists both), the link and the address.
    let console = app.browser();
    console.log_in(OPERATOR).await;
    let known_page = register_in_console(&console, "Known Ltd", &[("owner_email", SUPPLIER_OWNER)]).await;
    let unknown_page = register_in_console(&console, "Unknown Ltd", &[("owner_email", NEWCOMER)]).await;
    assert_eq!((known_page.status, unknown_page.status), (StatusCode::CREATED, StatusCode::CREATED));
    let neutral = |page: &Page| {
        let table_start = page.body.find("<table id=\"tenants\"").expect("the tenants table");
        let table_end = table_start + page.body[table_start..].find("</table>").unwrap();
        let body = format!("{}{}", &page.body[..table_start], &page.body[table_end..]);
        body.replace(&link_path(&app, page), "/join/CODE")
    };
    assert_eq!(neutral(&known_page), neutral(&unknown_page));
}

on_both_databases!(the_invited_first_owner_creates_their_account_and_runs_the_new_organisation);
async fn the_invited_first_owner_creates_their_account_and_runs_the_new_organisation(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let operator = operator_api(&app, &world).await;
    let registered = operator
        .post(
            "/api/v1/tenants",
            json!({ "name": "绿洲超市", "kind": "brand_retailer", "owner": { "email": NEWCOMER } }),
        )
        .await;
    assert_eq!(registered.status, StatusCode::CREATED, "{}", registered.json);
    let path = link_path_of(&app, &registered.json["owner_invitation"]);

    let newcomer = app.browser();
    let landing = newcomer.get(&path).await;
    assert!(landing.body.contains("绿洲超市") && landing.body.contains("l***@lvzhou.example"), "{}", landing.body);
    let joined = newcomer
        .submit(&path, &format!("{path}/register"), &[("display_name", "林晓"), ("password", "a strong pass phrase")])
        .await;
    assert_eq!((joined.status, joined.location()), (StatusCode::SEE_OTHER, "/login?notice=registered"));
    let logged_in =
        newcomer.submit("/login", "/login", &[("email", NEWCOMER), ("password", "a strong pass phrase")]).await;
    assert_eq!((logged_in.status, logged_in.location()), (StatusCode::SEE_OTHER, "/console"));
    assert!(newcomer.get("/console").await.body.contains("绿洲超市"));
    // As its owner: they edit the organisation and invite people.
    let organisation = newcomer.get("/console/organisation").await;
    assert!(organisation.body.contains("action=\"/console/organisation\""), "{}", organisation.body);
    let invited = newcomer
        .submit(
            "/console/members",
            "/console/members/invitations",
            &[("email", "zhou@lvzhou.example"), ("role", "editor")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED);
    assert_eq!(n_members(&operator, "绿洲超市").await, 1);
    // The link is spent.
    assert_eq!(app.browser().get(&path).await.status, StatusCode::GONE);
}

on_both_databases!(only_platform_operators_register_tenants);
async fn only_platform_operators_register_tenants(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    let fields = [("name", "Sneaky"), ("kind", "supplier"), ("country", "CN"), ("owner_email", BRAND_OWNER)];
    let console_attempt = owner.submit("/console", "/console/tenants", &fields).await;
    assert_eq!(console_attempt.status, StatusCode::FORBIDDEN);
    let brand = app.api(&World::token(app.store(), &world.brand, BRAND_OWNER, "read,write,admin").await);
    let api_attempt = brand
        .post("/api/v1/tenants", json!({ "name": "Sneaky", "kind": "supplier", "owner": { "email": BRAND_OWNER } }))
        .await;
    assert_eq!((api_attempt.status, api_attempt.code()), (StatusCode::FORBIDDEN, "forbidden"));
    // An operator's token without the admin scope may not either.
    let reader = app.api(&World::token(app.store(), &world.platform, OPERATOR, "read,write").await);
    let reader_attempt = reader.post("/api/v1/tenants", json!({ "name": "Sneaky", "kind": "supplier" })).await;
    assert_eq!(reader_attempt.status, StatusCode::FORBIDDEN);
    assert!(app.store().operator_find_organisation("Sneaky").await.unwrap().is_none());
}

on_both_databases!(the_old_first_owner_name_and_password_are_refused_or_ignored);
async fn the_old_first_owner_name_and_password_are_refused_or_ignored(database: TestDatabase) {
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let operator = operator_api(&app, &world).await;

    // The API refuses them as unknown fields, and registers nothing.
    let old_body = json!({ "name": "Retailer Old", "kind": "brand_retailer",
        "owner": { "email": NEWCOMER, "display_name": "Boss", "initial_password": PASSWORD } });
    let refused = operator.post("/api/v1/tenants", old_body).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::BAD_REQUEST, "bad_request"), "{}", refused.json);
    assert!(refused.json["message"].as_str().unwrap().contains("display_name"), "{}", refused.json);
    assert!(app.store().operator_find_organisation("Retailer Old").await.unwrap().is_none());
    let document = app.anonymous_api().get("/api/v1/openapi.json").await.json;
    let owner_fields = &document["components"]["schemas"]["FirstOwnerBody"]["properties"];
    assert_eq!(owner_fields.as_object().unwrap().keys().collect::<Vec<_>>(), ["email"]);

    // The console has no such fields, and ignores them when posted: no account is made with that password.
    let console = app.browser();
    console.log_in(OPERATOR).await;
    let form = console.get("/console/tenants").await;
    assert!(!form.body.contains("owner_password") && !form.body.contains("owner_name"));
    let page = register_in_console(
        &console,
        "Retailer Old",
        &[("owner_email", NEWCOMER), ("owner_name", "Boss"), ("owner_password", PASSWORD)],
    )
    .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let attempt = app.browser().submit("/login", "/login", &[("email", NEWCOMER), ("password", PASSWORD)]).await;
    assert_eq!(attempt.status, StatusCode::UNAUTHORIZED);
    assert!(app.store().operator_find_user(&Email::parse(NEWCOMER).unwrap()).await.unwrap().is_none());
}

on_both_databases!(the_operators_overview_points_to_the_tenants_not_to_carbon_data);
/// Found in the walk-through: the platform operator's overview asked it to enter activity data and model products,
/// which an operator never does. It now says where its work is, in both languages; a carbon manager's empty
/// overview still asks for data.
async fn the_operators_overview_points_to_the_tenants_not_to_carbon_data(test: TestDatabase) {
    let app = TestApp::spawn(test).await;
    World::build(app.store()).await;
    let operator = Browser::new(&app.base_url, "zh-CN,zh;q=0.9");
    operator.log_in(OPERATOR).await;
    let overview = operator.get("/console").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("id=\"operator-overview\""), "{}", overview.body);
    assert!(
        overview.body.contains("平台运营方自己不录入碳数据") && overview.body.contains("href=\"/console/tenants\"")
    );
    assert!(!overview.body.contains("先录入活动数据计算温室气体清单"), "no request for carbon data");
    let owner = app.browser();
    owner.log_in(BRAND_OWNER).await;
    let brand = owner.get("/console").await;
    assert!(!brand.body.contains("id=\"operator-overview\""));
}
