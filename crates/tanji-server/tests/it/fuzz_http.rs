//! Fuzzing the HTTP surface (issue 15): mutated forms and query strings to every console route, mutated JSON, CSV
//! and TOML to every API route, as a logged-in owner with real ids in the paths. What every answer must be:
//!
//! - an answer at all: never a dropped connection;
//! - never a 5xx, except a deliberately structured 500 (the surface's own error format, with an `x-request-id`);
//! - from the API, errors as JSON `{code, message}`; from the console, errors as an HTML page.
//!
//! The forms are the ones the console renders: each page is fetched and its `<form>`s read (action, fields, hidden
//! values, the CSRF token), so new forms are fuzzed without this file changing. Files (activity CSV, factor CSV,
//! footprint TOML) come from `tanji-fuzz`'s seeds and mutators. Runs on SQLite only: the target is the HTTP layer,
//! and the storage suite covers both databases.
//!
//! Settings (environment):
//! - `TANJI_FUZZ_HTTP_REQUESTS` (default 400) and `TANJI_FUZZ_HTTP_SEED` (default 15);
//! - `TANJI_FUZZ_HTTP_STRICT`: unset, every violation fails the test except those in [`KNOWN_FAILING`] (reported,
//!   awaiting server fixes); `all`, those too; `report`, none (the list is printed either way).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::Duration;

use arbitrary::Unstructured;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tanji_fuzz::{mutate::mutate_bytes, pools, targets};
use tanji_testkit::{Engine, TestDatabase};

use crate::harness::{BRAND_OWNER, BRAND_VIEWER, PASSWORD, TestApp, World};

/// Violations accepted for now, as (category, status, route or `*`): printed but not failing the test. Empty since
/// the server-side fixes of issue 15 (structured errors everywhere, the one redirect check): every violation fails.
const KNOWN_FAILING: &[(&str, u16, &str)] = &[];

/// Inputs that showed the failures fixed in issue 15 (plain-text 400/413/422 answers, a 500 for a control character
/// in `next`), sent on every run as regression probes:
/// (surface, method, path and query, content type, body).
const PROBES: &[(Surface, &str, &str, &str, &str)] = &[
    (Surface::Api, "GET", "/api/v1/activities?year=abc", "", ""),
    (Surface::Api, "GET", "/api/v1/facilities?include_archived=maybe", "", ""),
    (Surface::Console, "GET", "/console/activities?year=2025&year=2024", "", ""),
    (Surface::Console, "POST", "/lang", "application/x-www-form-urlencoded", "next=%2Fconsole%0Daccount&lang=zh-CN"),
    (Surface::Console, "POST", "/console/facilities", "application/x-www-form-urlencoded", "name=a&name=b"),
];

const CUP_TOML: &str = include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml");

const ACTIVITY_CSV: &str = "\
id,facility,period,source,quantity,unit,data_source,factor
elec-2025-01,TZ-01,2025-01,purchased_electricity,100,MWh,meter,mee-nbs-2022-grid-cn-grid-east
";

/// What a request was for, to judge its answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Surface {
    Api,
    Console,
}

/// A request to send.
struct Request {
    surface: Surface,
    method: Method,
    /// The route as the router names it, for the report.
    route: String,
    path_and_query: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A broken promise, with what showed it.
struct Violation {
    category: &'static str,
    method: String,
    route: String,
    status: Option<u16>,
    input: String,
    answer: String,
}

/// Violations are reported once per (category, method, route, status).
type GroupKey = (&'static str, String, String, Option<u16>);

/// A form as the console renders it.
#[derive(Clone, Debug)]
struct Form {
    action: String,
    multipart: bool,
    fields: Vec<(String, String)>,
}

fn excerpt(bytes: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out.replace('\n', "⏎")
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(
        tag[start..start + end]
            .replace("&amp;", "&")
            .replace("&#x2F;", "/")
            .replace("&quot;", "\"")
            .replace("&#39;", "'"),
    )
}

/// Every `<form method="post">` of a page with its fields and their rendered values.
fn forms_of(body: &str) -> Vec<Form> {
    let mut forms = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let end = after.find("</form>").unwrap_or(after.len());
        let html = &after[..end];
        rest = &after[end.min(after.len())..];
        let tag_end = html.find('>').unwrap_or(html.len());
        let tag = &html[..tag_end];
        if !attribute(tag, "method").is_some_and(|method| method.eq_ignore_ascii_case("post")) {
            continue;
        }
        let Some(action) = attribute(tag, "action") else { continue };
        let multipart = attribute(tag, "enctype").is_some_and(|enctype| enctype.contains("multipart"));
        let mut fields = Vec::new();
        for element in ["<input", "<select", "<textarea", "<button"] {
            let mut inner = html;
            while let Some(position) = inner.find(element) {
                let field_html = &inner[position..];
                let field_tag = &field_html[..field_html.find('>').unwrap_or(field_html.len())];
                inner = &field_html[1..];
                let Some(name) = attribute(field_tag, "name") else { continue };
                let value = match element {
                    "<select" => field_html
                        .find("<option")
                        .and_then(|option| attribute(&field_html[option..], "value"))
                        .unwrap_or_default(),
                    "<textarea" => {
                        let content_start = field_tag.len() + 1;
                        let content_end = field_html.find("</textarea>").unwrap_or(content_start);
                        field_html.get(content_start..content_end).unwrap_or_default().to_owned()
                    }
                    _ => attribute(field_tag, "value").unwrap_or_default(),
                };
                if attribute(field_tag, "type").as_deref() == Some("file") {
                    continue;
                }
                // Of several submit buttons with one name (中文 | English), a browser sends the one clicked.
                if element == "<button" && fields.iter().any(|(known, _)| *known == name) {
                    continue;
                }
                fields.push((name, value));
            }
        }
        forms.push(Form { action, multipart, fields });
    }
    forms
}

/// The route of a path: ids replaced by their placeholder, so the report groups by route.
fn route_of(path: &str, ids: &BTreeMap<&'static str, String>) -> String {
    let mut route = path.split('?').next().unwrap_or_default().to_owned();
    for (name, id) in ids {
        if !id.is_empty() {
            route = route.replace(id.as_str(), &format!("{{{name}}}"));
        }
    }
    // Ids of records made during the run (members, tokens, activities) look alike.
    route
        .split('/')
        .map(|segment| {
            let uuid_like = segment.len() == 36 && segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            if uuid_like { "{id}" } else { segment }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn percent_encode(text: &[u8]) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(byte) {
            out.push(*byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A value for a query string: at most 2,000 characters, as links and browsers send (an HTTP client refuses
/// a URL past 64 KiB before anything is sent).
fn odd_query_value(rng: &mut impl Rng) -> String {
    let value = odd_value(rng);
    value.chars().take(2_000).collect()
}

/// A value a form field or query parameter rarely expects.
fn odd_value(rng: &mut impl Rng) -> String {
    match rng.random_range(0..10) {
        0 | 1 => pools::NUMBERS[rng.random_range(0..pools::NUMBERS.len())].to_owned(),
        2 => pools::DATES[rng.random_range(0..pools::DATES.len())].to_owned(),
        3 => pools::UNITS[rng.random_range(0..pools::UNITS.len())].to_owned(),
        4 => {
            let n_chars =
                if rng.random_bool(0.7) { rng.random_range(200..5_000) } else { rng.random_range(5_000..300_000) };
            pools::long_text(['a', '漢', '9', ' '][rng.random_range(0..4)], n_chars)
        }
        5 => uuid_like(rng),
        6 => {
            (0..rng.random_range(1..40)).map(|_| char::from_u32(rng.random_range(1..0x3_0000)).unwrap_or('?')).collect()
        }
        _ => pools::TEXT[rng.random_range(0..pools::TEXT.len())].to_owned(),
    }
}

fn uuid_like(rng: &mut impl Rng) -> String {
    match rng.random_range(0..4) {
        0 => "00000000-0000-0000-0000-000000000000".into(),
        1 => format!("{:032x}", rng.random::<u128>()),
        2 => "not-a-uuid".into(),
        _ => format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            rng.random::<u32>(),
            rng.random::<u16>(),
            rng.random_range(0..0x1000),
            rng.random_range(0..0x1000),
            rng.random::<u64>() & 0xffff_ffff_ffff
        ),
    }
}

/// Form or query pairs with a few fields changed, dropped, repeated or added.
fn mutate_pairs(
    rng: &mut impl Rng,
    pairs: &[(String, String)],
    known_keys: &[&str],
    in_query: bool,
) -> Vec<(String, String)> {
    let odd_value = |rng: &mut _| if in_query { odd_query_value(rng) } else { odd_value(rng) };
    let mut pairs = pairs.to_vec();
    for _ in 0..rng.random_range(1..4) {
        match rng.random_range(0..8) {
            0..=3 if !pairs.is_empty() => {
                let idx = rng.random_range(0..pairs.len());
                pairs[idx].1 = odd_value(rng);
            }
            4 if !pairs.is_empty() => {
                // Keep the CSRF token most of the time: refusals by the CSRF check would hide the handlers.
                let idx = rng.random_range(0..pairs.len());
                if pairs[idx].0 != "csrf_token" || rng.random_bool(0.2) {
                    pairs.remove(idx);
                }
            }
            5 if !pairs.is_empty() => {
                let idx = rng.random_range(0..pairs.len());
                let mut repeated = pairs[idx].clone();
                repeated.1 = odd_value(rng);
                pairs.push(repeated);
            }
            _ => {
                let key = if known_keys.is_empty() || rng.random_bool(0.3) {
                    odd_value(rng).chars().take(40).collect()
                } else {
                    known_keys[rng.random_range(0..known_keys.len())].to_owned()
                };
                pairs.push((key, odd_value(rng)));
            }
        }
    }
    pairs
}

/// `key=value&…`, percent-encoded, sometimes with its bytes broken (bad escapes, invalid UTF-8, stray `&` and `=`).
fn encode_pairs(rng: &mut impl Rng, pairs: &[(String, String)]) -> Vec<u8> {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}={}", percent_encode(key.as_bytes()), percent_encode(value.as_bytes())))
        .collect();
    let mut bytes = encoded.join("&").into_bytes();
    if rng.random_bool(0.15) {
        let tokens =
            [b"%".to_vec(), b"%ZZ".to_vec(), b"%FF%FE".to_vec(), b"&&".to_vec(), b"==".to_vec(), b"+".to_vec()];
        bytes = mutate_bytes(rng, &bytes, &[], &tokens, 400_000);
    }
    bytes
}

/// A JSON value with a few nodes replaced by values of other types, removed, or added.
fn mutate_json(rng: &mut impl Rng, value: &mut Value, depth: usize) {
    let odd = |rng: &mut Xoshiro256PlusPlus| -> Value {
        match rng.random_range(0..10) {
            0 => Value::Null,
            1 => json!(rng.random_bool(0.5)),
            2 => json!([-1, 0, 1, 2025, 32768, i64::MAX, i64::MIN][rng.random_range(0..7)]),
            3 => json!([1e308, -1e308, 5e-324, 0.5, -0.0, 1e15][rng.random_range(0..6)]),
            4 => json!([]),
            5 => json!({}),
            6 => json!(u64::MAX),
            _ => Value::String(odd_value(rng)),
        }
    };
    let mut local = Xoshiro256PlusPlus::seed_from_u64(rng.random());
    match value {
        Value::Object(map) if !map.is_empty() && depth < 6 && rng.random_bool(0.7) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.random_range(0..keys.len())];
            match rng.random_range(0..5) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(odd_value(rng).chars().take(30).collect(), odd(&mut local));
                }
                _ => {
                    if let Some(child) = map.get_mut(key) {
                        mutate_json(rng, child, depth + 1);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() && depth < 6 && rng.random_bool(0.7) => {
            let idx = rng.random_range(0..items.len());
            if rng.random_bool(0.2) {
                let copy = items[idx].clone();
                items.extend(std::iter::repeat_n(copy, rng.random_range(1..50)));
            } else {
                mutate_json(rng, &mut items[idx], depth + 1);
            }
        }
        _ => *value = odd(&mut local),
    }
}

/// Bytes for a file upload: a seed of `target` after structure-aware or byte mutation.
fn fuzzed_file(rng: &mut impl Rng, target: &str) -> Vec<u8> {
    let target = targets::find(target).expect("a tanji-fuzz target");
    let seeds = (target.seeds)();
    if rng.random_bool(0.5) {
        let noise: Vec<u8> = (0..rng.random_range(64..2048)).map(|_| rng.random()).collect();
        if let Ok(bytes) = (target.structured)(&mut Unstructured::new(&noise), &seeds) {
            return bytes;
        }
    }
    let corpus: Vec<Vec<u8>> = seeds.iter().map(|seed| seed.bytes.clone()).collect();
    let parent = &corpus[rng.random_range(0..corpus.len())];
    let dictionary: Vec<Vec<u8>> = target.dictionary.iter().map(|word| word.as_bytes().to_vec()).collect();
    mutate_bytes(rng, parent, &corpus, &dictionary, 256 * 1024)
}

fn multipart(file_name: &str, content_type: &str, file: &[u8], fields: &[(String, String)]) -> (String, Vec<u8>) {
    let boundary = "----tanji-fuzz-boundary-7d3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Judges one answer; `None` when it keeps every promise.
fn judge(request: &Request, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Option<&'static str> {
    let content_type = headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or("");
    let is_api_error = || {
        content_type.starts_with("application/json")
            && serde_json::from_slice::<Value>(body)
                .is_ok_and(|json| json["code"].is_string() && json["message"].is_string())
    };
    let is_html = content_type.starts_with("text/html");
    let structured = match request.surface {
        Surface::Api => is_api_error(),
        Surface::Console => is_html,
    };
    if status.is_server_error() {
        let deliberate =
            status == StatusCode::INTERNAL_SERVER_ERROR && structured && headers.contains_key("x-request-id");
        return Some(if deliberate { "structured-500" } else { "unstructured-5xx" });
    }
    if status.is_client_error() && !structured {
        return Some(match request.surface {
            Surface::Api => "api-error-not-json",
            Surface::Console => "console-error-not-html",
        });
    }
    None
}

struct Fuzzer {
    app: TestApp,
    rng: Xoshiro256PlusPlus,
    console: reqwest::Client,
    api: reqwest::Client,
    token: String,
    ids: BTreeMap<&'static str, String>,
    forms: Vec<Form>,
    violations: Vec<Violation>,
    n_sent: usize,
    n_retried: usize,
    /// `TANJI_FUZZ_HTTP_VERBOSE=1`: every request and its status on stderr.
    verbose: bool,
    by_status: BTreeMap<u16, usize>,
}

fn browser_client() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("accept-language", "zh-CN,zh;q=0.9,en;q=0.5".parse().expect("a header"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(120))
        .build()
        .expect("an HTTP client")
}

impl Fuzzer {
    /// One attempt: the answer, or the error (`None` when the client refused to build the request).
    async fn try_send(&self, request: &Request) -> Result<(StatusCode, HeaderMap, Vec<u8>), Option<String>> {
        let client = if request.surface == Surface::Api { &self.api } else { &self.console };
        let url = format!("{}{}", self.app.base_url, request.path_and_query);
        let mut builder = client.request(request.method.clone(), url);
        if request.surface == Surface::Api {
            builder = builder.bearer_auth(&self.token);
        }
        if let Some(content_type) = &request.content_type {
            builder = builder.header("content-type", content_type);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        match builder.send().await {
            Ok(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                match response.bytes().await {
                    Ok(body) => Ok((status, headers, body.to_vec())),
                    Err(error) => Err(Some(format!("the body broke off: {error}"))),
                }
            }
            Err(error) if error.is_builder() => Err(None),
            Err(error) => Err(Some(format!("{error:?}"))),
        }
    }

    async fn send(&mut self, request: Request) {
        self.n_sent += 1;
        let input = format!("{} {}", excerpt(request.path_and_query.as_bytes(), 160), excerpt(&request.body, 160));
        let mut answer = self.try_send(&request).await;
        let mut first_error = None;
        if let Err(Some(error)) = &answer {
            // Once more on a new connection: a pooled connection the server had already closed is the client's
            // problem, not the server's; a second failure is a dropped connection.
            first_error = Some(error.clone());
            answer = self.try_send(&request).await;
        }
        let answer = match answer {
            Ok(answer) => Ok(answer),
            // A request the client itself refuses to build (a URL past 64 KiB) never reached the server.
            Err(None) => return,
            Err(Some(error)) => Err(format!("{error} (first attempt: {})", first_error.as_deref().unwrap_or_default())),
        };
        if first_error.is_some() && answer.is_ok() {
            self.n_retried += 1;
        }
        if self.verbose {
            let status = answer.as_ref().map_or("no answer".to_owned(), |(status, _, _)| status.to_string());
            let _ = writeln!(std::io::stderr(), "{} {} → {status}", request.method, input);
        }
        match answer {
            Ok((status, headers, body)) => {
                *self.by_status.entry(status.as_u16()).or_default() += 1;
                if let Some(category) = judge(&request, status, &headers, &body) {
                    self.violations.push(Violation {
                        category,
                        method: request.method.to_string(),
                        route: request.route.clone(),
                        status: Some(status.as_u16()),
                        input,
                        answer: format!(
                            "{} {}",
                            headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or("(no type)"),
                            excerpt(&body, 160)
                        ),
                    });
                }
            }
            Err(error) => self.violations.push(Violation {
                category: "dropped-connection",
                method: request.method.to_string(),
                route: request.route.clone(),
                status: None,
                input,
                answer: error,
            }),
        }
    }

    /// Logs the owner's browser in (again, if a fuzzed form ended the session) and reads the forms of every page.
    async fn log_in_and_read_forms(&mut self) {
        self.console = browser_client();
        let login = self.console.get(format!("{}/login", self.app.base_url)).send().await.expect("GET /login");
        let login = login.text().await.expect("the login page");
        let token = forms_of(&login)
            .into_iter()
            .flat_map(|form| form.fields)
            .find(|(name, _)| name == "csrf_token")
            .map(|(_, value)| value)
            .expect("the login form has a CSRF token");
        let response = self
            .console
            .post(format!("{}/login", self.app.base_url))
            .form(&[("email", BRAND_OWNER), ("password", PASSWORD), ("csrf_token", token.as_str())])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "logging in as the owner");
        self.forms.clear();
        for page in self.console_pages() {
            let Ok(response) = self.console.get(format!("{}{page}", self.app.base_url)).send().await else { continue };
            let Ok(body) = response.text().await else { continue };
            // Not the owner's own membership (removing or demoting it would end the run's credentials), nor logout.
            let owner = self.ids.get("owner").cloned().unwrap_or_default();
            self.forms.extend(
                forms_of(&body)
                    .into_iter()
                    .filter(|form| form.action != "/logout" && (owner.is_empty() || !form.action.contains(&owner))),
            );
        }
        // The language switch is on every page: one copy of each form (action and field names) is enough.
        let mut seen = std::collections::BTreeSet::new();
        self.forms.retain(|form| {
            let names: Vec<&str> = form.fields.iter().map(|(name, _)| name.as_str()).collect();
            seen.insert(format!("{} {}", form.action.split('?').next().unwrap_or_default(), names.join(",")))
        });
    }

    fn console_pages(&self) -> Vec<String> {
        let id = |name: &str| self.ids.get(name).cloned().unwrap_or_default();
        vec![
            "/console".into(),
            "/console/organisation".into(),
            "/console/facilities".into(),
            format!("/console/facilities/{}", id("facility")),
            "/console/members".into(),
            "/console/tokens".into(),
            "/console/suppliers".into(),
            "/console/audit".into(),
            "/console/tenants".into(),
            "/console/inventory".into(),
            format!("/console/inventory/{}", id("inventory")),
            format!("/console/inventory/{}/report", id("inventory")),
            format!("/console/inventory/{}/export.csv", id("inventory")),
            format!("/console/inventory/{}/export.json", id("inventory")),
            format!("/console/inventory/{}/lines/{}", id("inventory"), id("record")),
            "/console/activities?year=2025".into(),
            "/console/factors".into(),
            "/console/products".into(),
            format!("/console/products/{}", id("product")),
            format!("/console/products/{}/model", id("product")),
            format!("/console/products/{}/model.toml", id("product")),
            "/console/products/examples/bamboo-fibre-cup.toml".into(),
            format!("/console/footprints/{}", id("footprint")),
            format!("/console/footprints/{}/line?path=total", id("footprint")),
            "/console/account".into(),
            "/invitations/not-a-code".into(),
        ]
    }

    /// A console page with a mutated query string.
    fn console_query(&mut self) -> Request {
        const KEYS: &[&str] = &[
            "year", "archived", "action", "before", "scope", "iso", "facility", "stage", "process", "origin", "q",
            "region", "source", "v", "version", "next", "from", "path", "category",
        ];
        let pages = self.console_pages();
        let page = pages[self.rng.random_range(0..pages.len())].clone();
        let (path, query) = page.split_once('?').map_or((page.as_str(), ""), |(path, query)| (path, query));
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect();
        let mutated = mutate_pairs(&mut self.rng, &pairs, KEYS, true);
        let encoded = String::from_utf8_lossy(&encode_pairs(&mut self.rng, &mutated)).into_owned();
        Request {
            surface: Surface::Console,
            method: Method::GET,
            route: route_of(path, &self.ids),
            path_and_query: format!("{path}?{encoded}"),
            content_type: None,
            body: Vec::new(),
        }
    }

    /// A console form, submitted with mutated fields (or, for uploads, a mutated file).
    fn console_form(&mut self) -> Option<Request> {
        if self.forms.is_empty() {
            return None;
        }
        let form = self.forms[self.rng.random_range(0..self.forms.len())].clone();
        let route = route_of(&form.action, &self.ids);
        if form.multipart {
            let (target, file_name, file_type) = if form.action.contains("/upload") {
                ("footprint_toml", "model.toml", "application/toml")
            } else if form.action.contains("/factors/") {
                ("factor_csv", "factors.csv", "text/csv")
            } else {
                ("activity_csv", "activities.csv", "text/csv")
            };
            let file = fuzzed_file(&mut self.rng, target);
            let fields = if self.rng.random_bool(0.8) {
                form.fields.clone()
            } else {
                mutate_pairs(&mut self.rng, &form.fields, &[], false)
            };
            let (content_type, body) = multipart(file_name, file_type, &file, &fields);
            return Some(Request {
                surface: Surface::Console,
                method: Method::POST,
                route,
                path_and_query: form.action,
                content_type: Some(content_type),
                body,
            });
        }
        let keys: Vec<&str> = form.fields.iter().map(|(name, _)| name.as_str()).collect();
        let mutated = mutate_pairs(&mut self.rng, &form.fields, &keys, false);
        let mut body = encode_pairs(&mut self.rng, &mutated);
        let content_type = match self.rng.random_range(0..20) {
            0 => None,
            1 => Some("application/json".to_owned()),
            2 => Some("text/plain".to_owned()),
            3 => {
                // Larger than the server takes.
                body = vec![b'a'; 2 * 1024 * 1024 + 1024];
                Some("application/x-www-form-urlencoded".to_owned())
            }
            _ => Some("application/x-www-form-urlencoded".to_owned()),
        };
        Some(Request {
            surface: Surface::Console,
            method: Method::POST,
            route,
            path_and_query: form.action,
            content_type,
            body,
        })
    }

    /// An API route with a mutated query, path id or body.
    fn api_request(&mut self) -> Request {
        let id = |name: &str| self.ids.get(name).cloned().unwrap_or_default();
        let product = id("product");
        let routes: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, "/api/v1/me".into(), None),
            (Method::GET, "/api/v1/organisation".into(), None),
            (Method::PATCH, "/api/v1/organisation".into(), Some(json!({ "name": "Brand 品牌", "country": "CN" }))),
            (Method::GET, "/api/v1/tenants".into(), None),
            (
                Method::POST,
                "/api/v1/tenants".into(),
                Some(
                    json!({ "name": "New 新", "kind": "supplier", "country": "CN", "owner": { "email": "n@new.example" } }),
                ),
            ),
            (Method::GET, "/api/v1/facilities?include_archived=true".into(), None),
            (
                Method::POST,
                "/api/v1/facilities".into(),
                Some(
                    json!({ "name": "工厂", "code": "F-1", "kind": "factory", "subdivision": "CN-ZJ", "city": "台州" }),
                ),
            ),
            (Method::GET, format!("/api/v1/facilities/{}", id("facility")), None),
            (
                Method::PUT,
                format!("/api/v1/facilities/{}", id("facility")),
                Some(json!({ "name": "台州工厂", "code": "TZ-01", "kind": "factory", "subdivision": "CN-ZJ" })),
            ),
            (Method::POST, format!("/api/v1/facilities/{}/archive", id("facility")), Some(json!({}))),
            (Method::POST, format!("/api/v1/facilities/{}/restore", id("facility")), Some(json!({}))),
            (Method::GET, "/api/v1/members".into(), None),
            (Method::POST, "/api/v1/members".into(), Some(json!({ "email": "m@brand.example", "role": "viewer" }))),
            (Method::PATCH, format!("/api/v1/members/{}", id("member")), Some(json!({ "role": "viewer" }))),
            (Method::GET, "/api/v1/tokens".into(), None),
            (Method::POST, "/api/v1/tokens".into(), Some(json!({ "name": "fuzz", "scopes": ["read"] }))),
            (Method::GET, "/api/v1/supplier-links?include_ended=true".into(), None),
            (Method::GET, "/api/v1/supplier-invitations".into(), None),
            (
                Method::POST,
                "/api/v1/supplier-invitations".into(),
                Some(json!({ "supplier_name": "Factory 工厂", "message": "hi" })),
            ),
            (Method::POST, "/api/v1/supplier-invitations/accept".into(), Some(json!({ "code": "not-a-code" }))),
            (Method::GET, "/api/v1/audit-events?limit=5".into(), None),
            (Method::GET, "/api/v1/activities?year=2025".into(), None),
            (
                Method::POST,
                "/api/v1/activities".into(),
                Some(
                    json!([{ "id": "a-1", "facility": "TZ-01", "period": "2025-02", "source": "purchased_electricity",
                    "quantity": "5", "unit": "MWh", "factor": "mee-nbs-2022-grid-cn-grid-east" }]),
                ),
            ),
            (Method::GET, "/api/v1/inventories".into(), None),
            (
                Method::POST,
                "/api/v1/inventories".into(),
                Some(json!({ "reporting_year": 2025, "gwp": "AR6", "consolidation": "operational_control" })),
            ),
            (Method::GET, format!("/api/v1/inventories/{}", id("inventory")), None),
            (
                Method::POST,
                format!("/api/v1/inventories/{}/verify", id("inventory")),
                Some(json!({ "statement": "ok" })),
            ),
            (Method::GET, "/api/v1/factors?q=电网&region=CN&year=2022".into(), None),
            (Method::GET, "/api/v1/factors/mee-nbs-2022-grid-cn-grid-east".into(), None),
            (Method::GET, "/api/v1/products".into(), None),
            (
                Method::POST,
                "/api/v1/products".into(),
                Some(json!({ "sku": "SKU-1", "name_zh": "杯", "name_en": "Cup" })),
            ),
            (Method::GET, format!("/api/v1/products/{product}"), None),
            (Method::PUT, format!("/api/v1/products/{product}/baseline"), Some(json!({ "baseline_product_id": null }))),
            (Method::GET, format!("/api/v1/products/{product}/models"), None),
            (Method::GET, format!("/api/v1/products/{product}/models/1"), None),
            (
                Method::POST,
                format!("/api/v1/products/{product}/models"),
                Some(
                    json!({ "model": tanji_footprint::parse_footprint_file(CUP_TOML).expect("the example").model, "note": "n" }),
                ),
            ),
            (Method::GET, format!("/api/v1/products/{product}/footprints"), None),
            (
                Method::POST,
                format!("/api/v1/products/{product}/footprints"),
                Some(json!({ "monte_carlo": { "iterations": 100, "seed": 1 } })),
            ),
            (Method::GET, format!("/api/v1/footprints/{}", id("footprint")), None),
            (
                Method::POST,
                format!("/api/v1/footprints/{}/verify", id("footprint")),
                Some(json!({ "statement": "ok" })),
            ),
            (Method::POST, format!("/api/v1/footprints/{}/publish", id("footprint")), Some(json!({}))),
            (Method::GET, "/api/v1/publications".into(), None),
            (
                Method::POST,
                format!("/api/v1/publications/{}/withdraw", uuid_like(&mut self.rng)),
                Some(json!({ "reason": "r" })),
            ),
        ];
        let choice = self.rng.random_range(0..routes.len() + 3);
        // File uploads: CSV and TOML bodies.
        if choice >= routes.len() {
            let (path, target, content_type) = match choice - routes.len() {
                0 => ("/api/v1/activities/import?file_name=fuzz.csv".to_owned(), "activity_csv", "text/csv"),
                1 => ("/api/v1/factors?file_name=fuzz.csv".to_owned(), "factor_csv", "text/csv"),
                _ => (format!("/api/v1/products/{product}/models?note=fuzz"), "footprint_toml", "application/toml"),
            };
            let body = fuzzed_file(&mut self.rng, target);
            return Request {
                surface: Surface::Api,
                method: Method::POST,
                route: route_of(&path, &self.ids),
                path_and_query: path,
                content_type: Some(content_type.to_owned()),
                body,
            };
        }
        let (method, mut path, body) = routes[choice].clone();
        let route = route_of(&path, &self.ids);
        // The path: an id replaced by something else.
        if self.rng.random_bool(0.1) {
            for id in self.ids.values() {
                if !id.is_empty() && path.contains(id.as_str()) {
                    let replacement = percent_encode(odd_query_value(&mut self.rng).as_bytes());
                    path = path.replace(id.as_str(), &replacement);
                    break;
                }
            }
        }
        // The query: mutated pairs.
        if body.is_none() || self.rng.random_bool(0.2) {
            const KEYS: &[&str] = &[
                "include_archived",
                "include_ended",
                "limit",
                "before",
                "action",
                "object_id",
                "year",
                "q",
                "region",
                "source",
                "category",
                "file_name",
                "note",
            ];
            let (bare, query) = path
                .split_once('?')
                .map_or((path.clone(), String::new()), |(bare, query)| (bare.to_owned(), query.to_owned()));
            let pairs: Vec<(String, String)> = query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(key, value)| (key.to_owned(), value.to_owned()))
                .collect();
            let mutated = mutate_pairs(&mut self.rng, &pairs, KEYS, true);
            path = format!("{bare}?{}", String::from_utf8_lossy(&encode_pairs(&mut self.rng, &mutated)));
        }
        let (content_type, body) = match body {
            None => (None, Vec::new()),
            Some(mut json) => {
                for _ in 0..self.rng.random_range(0..3) {
                    mutate_json(&mut self.rng, &mut json, 0);
                }
                let text = serde_json::to_vec(&json).expect("JSON");
                match self.rng.random_range(0..25) {
                    0 => (Some("application/json".to_owned()), Vec::new()),
                    1 => (Some("text/plain".to_owned()), text),
                    2 => (None, text),
                    3 => (
                        Some("application/json".to_owned()),
                        format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
                    ),
                    4 => (Some("application/json".to_owned()), vec![b' '; 2 * 1024 * 1024 + 1024]),
                    5..=7 => {
                        let broken = mutate_bytes(&mut self.rng, &text, &[], &[b"\"".to_vec(), b"{".to_vec()], 400_000);
                        (Some("application/json".to_owned()), broken)
                    }
                    _ => (Some("application/json".to_owned()), text),
                }
            }
        };
        Request { surface: Surface::Api, method, route, path_and_query: path, content_type, body }
    }

    /// Whether the owner's session and token still work; if not, log in again or mint a new token.
    async fn keep_credentials(&mut self, world: &World) {
        let me = self.api.get(format!("{}/api/v1/me", self.app.base_url)).bearer_auth(&self.token).send().await;
        if !me.is_ok_and(|response| response.status() == StatusCode::OK) {
            self.token = World::token(self.app.store(), &world.brand, BRAND_OWNER, "read,write,admin").await;
        }
        let console = self.console.get(format!("{}/console", self.app.base_url)).send().await;
        if !console.is_ok_and(|response| response.status() == StatusCode::OK) {
            self.log_in_and_read_forms().await;
        }
    }
}

/// Records to fuzz against: a facility, an activity, an inventory, a product with a model and a footprint.
async fn fixtures(app: &TestApp, token: &str) -> BTreeMap<&'static str, String> {
    let api = app.api(token);
    let mut ids = BTreeMap::new();
    let facility = api
        .post(
            "/api/v1/facilities",
            json!({ "name": "台州工厂", "code": "TZ-01", "kind": "factory", "subdivision": "CN-ZJ" }),
        )
        .await;
    assert_eq!(facility.status, StatusCode::CREATED, "{}", facility.json);
    ids.insert("facility", facility.json["id"].as_str().unwrap_or_default().to_owned());
    let imported = reqwest::Client::new()
        .post(format!("{}/api/v1/activities/import?file_name=fixture.csv", app.base_url))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(ACTIVITY_CSV)
        .send()
        .await
        .expect("importing activities");
    assert!(imported.status().is_success(), "importing the fixture activities: {}", imported.status());
    ids.insert("record", "elec-2025-01".to_owned());
    let inventory = api
        .post(
            "/api/v1/inventories",
            json!({ "reporting_year": 2025, "gwp": "AR6", "consolidation": "operational_control" }),
        )
        .await;
    assert_eq!(inventory.status, StatusCode::CREATED, "{}", inventory.json);
    ids.insert("inventory", inventory.json["id"].as_str().unwrap_or_default().to_owned());
    let product =
        api.post("/api/v1/products", json!({ "sku": "RH-CUP-BF-250", "name_zh": "纸杯", "name_en": "Cup" })).await;
    assert_eq!(product.status, StatusCode::CREATED, "{}", product.json);
    let product_id = product.json["id"].as_str().unwrap_or_default().to_owned();
    let model = reqwest::Client::new()
        .post(format!("{}/api/v1/products/{product_id}/models?note=fixture", app.base_url))
        .bearer_auth(token)
        .header("content-type", "application/toml")
        .body(CUP_TOML)
        .send()
        .await
        .expect("saving the model");
    assert_eq!(model.status(), StatusCode::CREATED, "saving the fixture model");
    let footprint = api.post(&format!("/api/v1/products/{product_id}/footprints"), json!({})).await;
    assert_eq!(footprint.status, StatusCode::CREATED, "{}", footprint.json);
    ids.insert("product", product_id);
    ids.insert("footprint", footprint.json["id"].as_str().unwrap_or_default().to_owned());
    let members = api.get("/api/v1/members").await;
    let viewer = members.json.as_array().and_then(|members| {
        members.iter().find(|member| member["email"] == BRAND_VIEWER).and_then(|member| member["user_id"].as_str())
    });
    ids.insert("member", viewer.unwrap_or_default().to_owned());
    let me = api.get("/api/v1/me").await;
    let owner = me.json["user"]["id"].as_str().or(me.json["user_id"].as_str()).unwrap_or_default().to_owned();
    assert!(!owner.is_empty(), "the owner's user id in /api/v1/me: {}", me.json);
    ids.insert("owner", owner);
    ids
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

async fn fuzz_every_route(database: TestDatabase) {
    let n_requests = env_number("TANJI_FUZZ_HTTP_REQUESTS", 400) as usize;
    let seed = env_number("TANJI_FUZZ_HTTP_SEED", 15);
    let strictness = std::env::var("TANJI_FUZZ_HTTP_STRICT").unwrap_or_default();
    let app = TestApp::spawn(database).await;
    let world = World::build(app.store()).await;
    let token = World::token(app.store(), &world.brand, BRAND_OWNER, "read,write,admin").await;
    let ids = fixtures(&app, &token).await;
    let mut fuzzer = Fuzzer {
        app,
        rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        console: browser_client(),
        api: reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("an HTTP client"),
        token,
        ids,
        forms: Vec::new(),
        violations: Vec::new(),
        n_sent: 0,
        n_retried: 0,
        verbose: std::env::var("TANJI_FUZZ_HTTP_VERBOSE").is_ok_and(|value| value == "1"),
        by_status: BTreeMap::new(),
    };
    fuzzer.log_in_and_read_forms().await;
    assert!(fuzzer.forms.len() >= 15, "the console pages should offer forms, found {}", fuzzer.forms.len());
    let n_forms = fuzzer.forms.len();
    let csrf_token = fuzzer
        .forms
        .iter()
        .flat_map(|form| form.fields.iter())
        .find(|(name, _)| name == "csrf_token")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    for (surface, method, path_and_query, content_type, body) in PROBES {
        let body = if *surface == Surface::Console && *method == "POST" {
            format!("{body}&csrf_token={csrf_token}")
        } else {
            (*body).to_owned()
        };
        let route = route_of(path_and_query, &fuzzer.ids);
        fuzzer
            .send(Request {
                surface: *surface,
                method: method.parse().expect("a method"),
                route,
                path_and_query: (*path_and_query).to_owned(),
                content_type: (!content_type.is_empty()).then(|| (*content_type).to_owned()),
                body: body.into_bytes(),
            })
            .await;
    }
    fuzzer
        .send(Request {
            surface: Surface::Api,
            method: Method::POST,
            route: "/api/v1/products".into(),
            path_and_query: "/api/v1/products".into(),
            content_type: Some("application/json".into()),
            body: vec![b' '; 2 * 1024 * 1024 + 1],
        })
        .await;
    for request_idx in 0..n_requests {
        let request = match fuzzer.rng.random_range(0..10) {
            0..=2 => fuzzer.console_query(),
            3..=5 => match fuzzer.console_form() {
                Some(request) => request,
                None => fuzzer.console_query(),
            },
            _ => fuzzer.api_request(),
        };
        fuzzer.send(request).await;
        if request_idx % 25 == 24 {
            fuzzer.keep_credentials(&world).await;
        }
    }

    // One line per (category, method, route, status), with the first input that showed it.
    let mut grouped: BTreeMap<GroupKey, (usize, &Violation)> = BTreeMap::new();
    for violation in &fuzzer.violations {
        let key = (violation.category, violation.method.clone(), violation.route.clone(), violation.status);
        grouped.entry(key).or_insert((0, violation)).0 += 1;
    }
    let known = |category: &str, status: Option<u16>, route: &str| {
        category == "structured-500"
            || KNOWN_FAILING.iter().any(|(known_category, known_status, known_route)| {
                *known_category == category
                    && status.unwrap_or(0) == *known_status
                    && (*known_route == "*" || *known_route == route)
            })
    };
    let mut stderr = std::io::stderr();
    let _ = writeln!(
        stderr,
        "HTTP fuzzing: {} requests (seed {seed}; {} answered only when sent again), {n_forms} console forms, answers by \
         status {:?}; {} violation(s) in {} group(s)",
        fuzzer.n_sent,
        fuzzer.n_retried,
        fuzzer.by_status,
        fuzzer.violations.len(),
        grouped.len()
    );
    let mut failing = Vec::new();
    for ((category, method, route, status), (count, violation)) in &grouped {
        let allowed = strictness != "all" && known(category, *status, route);
        let status = status.map_or("no answer".to_owned(), |status| status.to_string());
        let line = format!(
            "{}{category} ×{count}: {method} {route} → {status}\n    input: {}\n    answer: {}",
            if allowed { "(known) " } else { "" },
            violation.input,
            violation.answer
        );
        let _ = writeln!(stderr, "  {line}");
        if !allowed {
            failing.push(line);
        }
    }
    if strictness != "report" {
        assert!(failing.is_empty(), "{} kind(s) of broken promise:\n{}", failing.len(), failing.join("\n"));
    }
}

/// Deliberately not `on_both_databases!`: see the module comment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_fuzzed_input_in_its_own_error_format() {
    tanji_testkit::run(fuzz_every_route, Engine::Sqlite).await;
}
