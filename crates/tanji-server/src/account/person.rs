//! The person's own page (我的碳账户), mobile first: balance, history with the methodology behind each credit,
//! badges, rank in my province with my neighbours, and the redeem and donate forms.
//!
//! How a person signs in (a choice, documented in docs/carbon-account-campaigns.md): the scheme's operator issues a
//! *pass* for one parent account (`Store::issue_person_pass`, shown once, sent through a channel the person has
//! verified). The person opens `/me/login?pass=…`, which only fills in the form, and confirms with a POST carrying
//! the CSRF token; the pass then lives in an HttpOnly, `SameSite=Strict` cookie and is looked up on every request,
//! so revoking it or its expiry ends the page at once. Nothing a person sends names an account: every read and every
//! spend is of the pass's own account, so one person can never read another's, nor any other tenant's data.
//!
//! These routes sit under the web-context layer like the console: language, the CSRF token of every form, and the
//! CSRF/Origin check of every POST come from there.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use tanji_account::ledger::Amount;
use tanji_account::points::Spend;
use tanji_i18n::Localize;
use tanji_i18n::account::campaigns::CampaignText;
use tanji_store::account_campaigns::{HistoryKind, PersonAccount, PersonSession, PersonSpendError};
use tanji_store::credentials::new_secret;

use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::redirect::see_other;
use crate::state::AppState;
use crate::web_context::WebContext;

/// The person's page.
pub const ME_PATH: &str = "/me";
/// The sign-in page.
pub const ME_LOGIN_PATH: &str = "/me/login";

/// The cookie holding the person's pass; with the `__Host-` prefix when cookies are `Secure`.
pub fn person_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-tanji_person" } else { "tanji_person" }
}

/// The person's routes (under the web-context layer).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(ME_PATH, get(show))
        .route(ME_LOGIN_PATH, get(sign_in_page).post(sign_in))
        .route("/me/logout", post(sign_out))
        .route("/me/redeem", post(redeem))
        .route("/me/donate", post(donate))
}

/// The person a request's pass cookie signs in, if any.
pub async fn person_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<PersonSession>, tanji_store::StoreError> {
    let jar = CookieJar::from_headers(headers);
    let Some(secret) = jar.get(person_cookie_name(state.config().secure_cookies)) else { return Ok(None) };
    state.store().person_session(secret.value()).await
}

#[derive(Template)]
#[template(path = "person_signin.html")]
struct SignInPage {
    frame: Frame,
    words: &'static CampaignText,
    pass: String,
    failed: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    pass: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    pass: String,
}

fn sign_in_response(web: &WebContext, pass: String, failed: bool) -> Response {
    let words = CampaignText::of(web.language);
    let page = SignInPage { frame: Frame::public(web, words.me_signin_title), words, pass, failed };
    render(if failed { StatusCode::UNAUTHORIZED } else { StatusCode::OK }, &page)
}

/// `GET /me/login`: the form, filled in from the link's `pass` (nothing is signed in by a GET).
pub async fn sign_in_page(web: WebContext, Query(query): Query<SignInQuery>) -> Response {
    // The link carries the secret: the application's `Referrer-Policy: same-origin` keeps it from other sites.
    // (`no-referrer` would be stricter, but browsers then send `Origin: null` with the form, which the CSRF check
    // rightly refuses.)
    sign_in_response(&web, query.pass, false)
}

/// `POST /me/login`: checks the pass and keeps it in the person's cookie.
pub async fn sign_in(State(state): State<AppState>, web: WebContext, Form(form): Form<SignInForm>) -> Response {
    let pass = form.pass.trim().to_owned();
    match state.store().person_session(&pass).await {
        Ok(Some(session)) => {
            let max_age = session.expires_at.duration_since(state.store().clock().now()).as_secs().max(0);
            (CookieJar::new().add(person_cookie(&state, pass, max_age)), see_other(ME_PATH)).into_response()
        }
        Ok(None) => sign_in_response(&web, String::new(), true),
        Err(error) => ErrorPage::from_store(&web, error).into_response(),
    }
}

/// `POST /me/logout`: forgets the pass in this browser (the operator revokes passes).
pub async fn sign_out(State(state): State<AppState>) -> Response {
    // An empty cookie with Max-Age=0 makes the browser drop it.
    (CookieJar::new().add(person_cookie(&state, String::new(), 0)), see_other(ME_LOGIN_PATH)).into_response()
}

/// The pass cookie with `value`, living `max_age_seconds`: HttpOnly, and `SameSite=Strict`, since no other site
/// ever needs to open the page signed in (the sign-in link fills in a form, it does not sign in).
fn person_cookie(state: &AppState, value: String, max_age_seconds: i64) -> Cookie<'static> {
    let secure = state.config().secure_cookies;
    Cookie::build((person_cookie_name(secure), value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .build()
}

/// A history line as shown.
pub struct HistoryRow {
    pub when: String,
    pub what: &'static str,
    pub points: String,
    pub incoming: bool,
    pub methodology: Option<String>,
    pub source: Option<String>,
    pub occurred: Option<String>,
    pub expires: Option<String>,
}

/// A campaign as shown.
pub struct CampaignRow {
    pub name: String,
    pub window: String,
    pub points: Amount,
    pub province_rank: String,
    pub national_rank: String,
    pub neighbours: Vec<NeighbourRow>,
}

/// A row of "my rank and my neighbours".
pub struct NeighbourRow {
    pub rank: usize,
    pub name: String,
    pub points: Amount,
    pub me: bool,
}

#[derive(Template)]
#[template(path = "person_page.html")]
struct PersonPage {
    frame: Frame,
    words: &'static CampaignText,
    name: String,
    scheme: String,
    province: String,
    available: Amount,
    earned: Amount,
    pass_until: String,
    badges: Vec<(String, String)>,
    campaigns: Vec<CampaignRow>,
    history: Vec<HistoryRow>,
    request: String,
    notice: Option<&'static str>,
    refusal: Option<String>,
}

/// A time in the scheme's day (China Standard Time).
fn local(time: jiff::Timestamp) -> String {
    let offset = jiff::tz::Offset::constant(8).to_time_zone();
    time.to_zoned(offset).strftime("%Y-%m-%d %H:%M").to_string()
}

fn rank_text(words: &CampaignText, rank: Option<usize>, of: usize) -> String {
    match rank {
        Some(rank) if words.language == tanji_i18n::Language::SimplifiedChinese => {
            format!("第 {rank} 名（共 {of} 人）")
        }
        Some(rank) => format!("{rank} of {of}"),
        None => words.me_not_ranked.to_owned(),
    }
}

fn page_of(web: &WebContext, account: &PersonAccount, refusal: Option<String>) -> PersonPage {
    let done = web.path.split_once('?').and_then(|(_, query)| {
        form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "done").map(|(_, value)| value.into_owned())
    });
    let words = CampaignText::of(web.language);
    let english = words.language == tanji_i18n::Language::English;
    let t = web.text();
    let session = &account.session;
    let scheme = match (&session.operator_name_en, english) {
        (Some(name_en), true) => name_en.clone(),
        _ => session.operator_name.clone(),
    };
    let history = account
        .history
        .iter()
        .map(|line| HistoryRow {
            when: local(line.at),
            what: match line.kind {
                HistoryKind::Earned => words.kind_earned,
                HistoryKind::Redeemed => words.kind_redeemed,
                HistoryKind::Donated => words.kind_donated,
                HistoryKind::Expired => words.kind_expired,
                HistoryKind::Reversed => words.kind_reversed,
            },
            points: if line.incoming { format!("+{}", line.points) } else { format!("−{}", line.points) },
            incoming: line.incoming,
            methodology: (line.kind == HistoryKind::Earned).then(|| match &line.methodology {
                Some(found) => format!(
                    "{} · {} {}",
                    if english { &found.title_en } else { &found.title_zh },
                    words.me_version,
                    found.key.version
                ),
                None => words.me_unknown_methodology.to_owned(),
            }),
            source: line.methodology.as_ref().map(|found| {
                let citation = &found.citation;
                let mut parts = vec![citation.title.clone(), citation.publisher.clone()];
                parts.extend(citation.version.clone());
                parts.extend(citation.year.map(|year| year.to_string()));
                parts.join(" · ")
            }),
            occurred: line.occurred_at.map(local),
            expires: (line.kind == HistoryKind::Earned)
                .then(|| line.expires_at.map_or_else(|| words.me_never.to_owned(), local)),
        })
        .collect();
    let campaigns = account
        .campaigns
        .iter()
        .map(|campaign| CampaignRow {
            name: campaign.campaign.name(english).to_owned(),
            window: format!("{} – {}", local(campaign.campaign.window.start), local(campaign.campaign.window.end)),
            points: campaign.points,
            province_rank: rank_text(words, campaign.province_rank, campaign.province_size),
            national_rank: rank_text(words, campaign.national_rank, campaign.national_size),
            neighbours: campaign
                .neighbours
                .iter()
                .map(|(row, name)| NeighbourRow {
                    rank: row.rank,
                    name: name.clone(),
                    points: row.entry.score.points,
                    me: row.entry.person.0 == session.person.number,
                })
                .collect(),
        })
        .collect();
    PersonPage {
        frame: Frame::public(web, words.me_title),
        words,
        name: session.person.display_name.clone(),
        scheme,
        province: session.person.province.as_deref().map(|code| t.subdivision(code)).unwrap_or_default(),
        available: account.available,
        earned: account.earned,
        pass_until: local(session.expires_at),
        badges: account.badges.iter().map(|badge| (badge.name(english).to_owned(), local(badge.earned_at))).collect(),
        campaigns,
        history,
        request: new_secret(""),
        // Only these names are accepted, so the parameter cannot inject text.
        notice: match done.as_deref() {
            Some("redeemed") => Some(words.me_redeemed),
            Some("donated") => Some(words.me_donated),
            _ => None,
        },
        refusal,
    }
}

async fn person_page(
    state: &AppState,
    web: &WebContext,
    headers: &HeaderMap,
    refusal: Option<String>,
    status: StatusCode,
) -> Response {
    let session = match person_of(state, headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return see_other(ME_LOGIN_PATH),
        Err(error) => return ErrorPage::from_store(web, error).into_response(),
    };
    match state.store().person_account(&session, state.store().clock().now()).await {
        Ok(account) => render(status, &page_of(web, &account, refusal)),
        Err(error) => ErrorPage::from_store(web, error).into_response(),
    }
}

/// `GET /me`: the person's page, or the sign-in page without a valid pass.
pub async fn show(State(state): State<AppState>, web: WebContext, headers: HeaderMap) -> Response {
    person_page(&state, &web, &headers, None, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct SpendForm {
    #[serde(default)]
    choice: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    request: String,
}

/// The illustrative catalogue: offers and projects by their form value and ledger number (`user_data_128`).
const OFFERS: [(&str, u128); 2] = [("discount", 1), ("service", 2)];
const PROJECTS: [(&str, u128); 2] = [("trees", 1), ("wetlands", 2)];

async fn spend(state: AppState, web: WebContext, headers: HeaderMap, form: SpendForm, donate: bool) -> Response {
    let session = match person_of(&state, &headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return see_other(ME_LOGIN_PATH),
        Err(error) => return ErrorPage::from_store(&web, error).into_response(),
    };
    let words = CampaignText::of(web.language);
    let catalogue = if donate { &PROJECTS } else { &OFFERS };
    let Some(&(_, number)) = catalogue.iter().find(|(value, _)| *value == form.choice) else {
        return ErrorPage::not_found(&web).into_response();
    };
    let what = if donate { Spend::Donate { project: number } } else { Spend::Redeem { offer: number } };
    let amount: Amount = match form.amount.trim().parse() {
        Ok(amount) => amount,
        Err(_) => {
            let refusal = format!(
                "{}{}{}",
                words.me_refused,
                web.text().separator,
                tanji_account::points::SpendError::AmountMustBePositive.localize(web.language)
            );
            return person_page(&state, &web, &headers, Some(refusal), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let request = if form.request.trim().is_empty() { new_secret("") } else { form.request.chars().take(64).collect() };
    let now = state.store().clock().now();
    match state.store().person_spend(&session, what, amount, &request, now).await {
        Ok(()) => see_other(&format!("{ME_PATH}?done={}", if donate { "donated" } else { "redeemed" })),
        Err(PersonSpendError::Refused(refused)) => {
            let refusal = format!("{}{}{}", words.me_refused, web.text().separator, refused.localize(web.language));
            person_page(&state, &web, &headers, Some(refusal), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(PersonSpendError::Store(error)) => ErrorPage::from_store(&web, error).into_response(),
    }
}

/// `POST /me/redeem`.
pub async fn redeem(
    State(state): State<AppState>,
    web: WebContext,
    headers: HeaderMap,
    Form(form): Form<SpendForm>,
) -> Response {
    spend(state, web, headers, form, false).await
}

/// `POST /me/donate`.
pub async fn donate(
    State(state): State<AppState>,
    web: WebContext,
    headers: HeaderMap,
    Form(form): Form<SpendForm>,
) -> Response {
    spend(state, web, headers, form, true).await
}
