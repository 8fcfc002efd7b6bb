//! Spawning the app, and clients that talk to it: a cookie-keeping browser and a token-carrying API client.

use std::net::SocketAddr;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tanji_server::{AppState, ServerConfig};
use tanji_store::{NewMember, NewToken, Store};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{Organisation, OrganisationKind, OrganisationProfile};
use tanji_tenancy::token::{TokenName, TokenScopes};
use tanji_testkit::TestDatabase;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Every test user's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// The app, serving on a free port until dropped.
pub struct TestApp {
    pub base_url: String,
    pub database: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl TestApp {
    /// Serves a fresh app over plain HTTP on `database`.
    pub async fn spawn(database: TestDatabase) -> Self {
        Self::spawn_with(database, ServerConfig::default(), None).await
    }

    /// Serves a fresh app with `config`, over TLS when `tls` is given.
    /// Like `tanji serve`, the server is told the address it listens on (unless `config` names another).
    pub async fn spawn_with(
        database: TestDatabase,
        mut config: ServerConfig,
        tls: Option<tanji_server::TlsFiles>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding a free port");
        let address: SocketAddr = listener.local_addr().expect("the bound address");
        config.listen_address.get_or_insert(address);
        let scheme = if tls.is_some() { "https" } else { "http" };
        let app = tanji_server::app(AppState::new(database.store.clone(), config));
        let (shutdown, shutdown_received) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let signal = async {
                let _ = shutdown_received.await;
            };
            if let Err(error) = tanji_server::serve(app, listener, tls, signal).await {
                panic!("the test server failed: {error:#}");
            }
        });
        Self { base_url: format!("{scheme}://{address}"), database, shutdown: Some(shutdown) }
    }

    pub fn store(&self) -> &Store {
        &self.database.store
    }

    /// A browser with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base_url, "en")
    }

    /// An API client presenting `token`.
    pub fn api(&self, token: &str) -> Api {
        Api { client: plain_client(), base_url: self.base_url.clone(), token: Some(token.to_owned()) }
    }

    /// An API client presenting no token.
    pub fn anonymous_api(&self) -> Api {
        Api { client: plain_client(), base_url: self.base_url.clone(), token: None }
    }
}

fn plain_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("an HTTP client")
}

/// A response read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// The `Location` of a redirect.
    pub fn location(&self) -> &str {
        self.headers.get("location").and_then(|value| value.to_str().ok()).unwrap_or("")
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().filter_map(|value| value.to_str().ok()).map(str::to_owned).collect()
    }

    /// The value of the first `csrf_token` hidden field.
    pub fn csrf_token(&self) -> Option<String> {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }

    /// The `<html lang>` of the page.
    pub fn lang(&self) -> Option<&str> {
        let start = self.body.find("<html lang=\"")? + "<html lang=\"".len();
        let end = self.body[start..].find('"')?;
        Some(&self.body[start..start + end])
    }
}

/// A cookie-keeping client that follows no redirects, so tests see them. Clones share the cookie jar.
#[derive(Clone)]
pub struct Browser {
    client: reqwest::Client,
    base_url: String,
}

impl Browser {
    pub fn new(base_url: &str, accept_language: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert("accept-language", accept_language.parse().expect("a valid header"));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .danger_accept_invalid_certs(true)
            .build()
            .expect("an HTTP client");
        Self { client, base_url: base_url.to_owned() }
    }

    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("reading a response body");
        Page { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::read(self.client.get(format!("{}{path}", self.base_url)).send().await.expect("GET")).await
    }

    /// A request with any method and a raw body, for malformed requests.
    pub async fn send_raw(&self, method: reqwest::Method, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .header("content-type", content_type)
            .body(body);
        Self::read(request.send().await.expect("a request")).await
    }

    /// Posts a form exactly as given (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)], extra_headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.post(format!("{}{path}", self.base_url)).form(fields);
        for (name, value) in extra_headers {
            request = request.header(*name, *value);
        }
        Self::read(request.send().await.expect("POST")).await
    }

    /// Posts a form like the page at `form_page` would: with that page's CSRF token.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(form_page).await;
        let token =
            page.csrf_token().unwrap_or_else(|| panic!("{form_page} has no form with a CSRF token: {}", page.status));
        let mut with_token: Vec<(&str, &str)> = fields.to_vec();
        with_token.push(("csrf_token", &token));
        self.post_raw(action, &with_token, &[]).await
    }

    /// A GET whose body is read by the caller as it arrives (server-sent events).
    pub async fn open(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base_url)).send().await.expect("GET")
    }

    /// Posts a multipart body as given, e.g. a file upload with the CSRF token in the action's query.
    pub async fn post_multipart(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        self.send_raw(reqwest::Method::POST, path, content_type, body).await
    }

    /// Logs in and checks it worked.
    pub async fn log_in(&self, email: &str) {
        let page = self.submit("/login", "/login", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "logging in as {email}: {}", page.body);
        assert_eq!(page.location(), "/console");
    }
}

/// A JSON API client.
pub struct Api {
    client: reqwest::Client,
    base_url: String,
    token: Option<String>,
}

/// An API answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Answer {
    /// The error code of an error answer.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }
}

impl Api {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call_with_headers(method, path, body, &[]).await
    }

    /// A call with extra headers, e.g. `Accept-Language` for the language of the answer's messages.
    pub async fn call_with_headers(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base_url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("an API request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("reading an API answer");
        let json =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Answer { status, headers, json }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }
}

/// Adds `email` to `organisation` as `role`, with the test password, through the operator's path.
pub async fn add_member(store: &Store, organisation: &Organisation, email: &str, role: Role) {
    let member = NewMember {
        email: Email::parse(email).unwrap(),
        display_name: Some(DisplayName::parse(email.split('@').next().unwrap()).unwrap()),
        role,
        initial_password: Some(Password::parse_new(PASSWORD).unwrap()),
    };
    store.operator_add_member(organisation.id, &member).await.unwrap();
}

/// Organisations with people of every role, registered through the operator's path.
pub struct World {
    pub brand: Organisation,
    pub supplier: Organisation,
    pub other_supplier: Organisation,
    pub platform: Organisation,
}

pub const BRAND_OWNER: &str = "owner@brand.example";
pub const BRAND_EDITOR: &str = "editor@brand.example";
pub const BRAND_AUDITOR: &str = "auditor@brand.example";
pub const BRAND_VIEWER: &str = "viewer@brand.example";
pub const SUPPLIER_OWNER: &str = "owner@factory.example";
pub const OTHER_SUPPLIER_OWNER: &str = "owner@other.example";
pub const OPERATOR: &str = "ops@platform.example";

impl World {
    pub async fn build(store: &Store) -> Self {
        let register = |name: &'static str, kind| async move {
            let profile = OrganisationProfile::parse(name, "CN", None).unwrap();
            store.operator_register_organisation(&profile, kind).await.unwrap()
        };
        let world = Self {
            brand: register("Brand 品牌", OrganisationKind::BrandRetailer).await,
            supplier: register("Factory 工厂", OrganisationKind::Supplier).await,
            other_supplier: register("Other Factory", OrganisationKind::Supplier).await,
            platform: register("Platform", OrganisationKind::PlatformOperator).await,
        };
        for (organisation, email, role) in [
            (&world.brand, BRAND_OWNER, Role::Owner),
            (&world.brand, BRAND_EDITOR, Role::Editor),
            (&world.brand, BRAND_AUDITOR, Role::Auditor),
            (&world.brand, BRAND_VIEWER, Role::Viewer),
            (&world.supplier, SUPPLIER_OWNER, Role::Owner),
            (&world.other_supplier, OTHER_SUPPLIER_OWNER, Role::Owner),
            (&world.platform, OPERATOR, Role::Owner),
        ] {
            add_member(store, organisation, email, role).await;
        }
        world
    }

    /// A verification body named `name` with one member of each `(email, role)`, registered by the operator.
    pub async fn verification_body(store: &Store, name: &str, members: &[(&str, Role)]) -> Organisation {
        let profile = OrganisationProfile::parse(name, "CN", None).unwrap();
        let body = store.operator_register_organisation(&profile, OrganisationKind::VerificationBody).await.unwrap();
        for (email, role) in members {
            add_member(store, &body, email, *role).await;
        }
        body
    }

    /// An API token of `email` in `organisation` with `scopes`.
    pub async fn token(store: &Store, organisation: &Organisation, email: &str, scopes: &str) -> String {
        let user = store.operator_find_user(&Email::parse(email).unwrap()).await.unwrap().unwrap();
        let new_token = NewToken {
            name: TokenName::parse("test").unwrap(),
            scopes: TokenScopes::parse(scopes).unwrap(),
            expires_at: None,
        };
        store.operator_create_token(organisation.id, user.id, &new_token).await.unwrap().1
    }
}
