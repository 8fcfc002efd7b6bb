//! The scheme operator's campaigns (活动与排行榜): the list with the creation form, the milestone badges, the
//! personal page passes, and one campaign's boards — totals, the national top ten and the points by province as
//! ECharts bars, and the top 100 of the national or a provincial board.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tanji_account::board::BadgeRule;
use tanji_i18n::account::campaigns::CampaignText;
use tanji_store::StoreError;
use tanji_store::account_campaigns::{BadgeInput, Campaign, CampaignBoards, NewCampaign};
use tanji_tenancy::{FieldError, Permission};
use uuid::Uuid;

use super::{FieldErrors, Tab, TabLink, account_frame, tabs};
use crate::console::charts::{Chart, horizontal_bars};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::redirect::see_other;
use crate::state::AppState;
use crate::web_context::Console;

/// The campaigns page.
pub const CAMPAIGNS_PATH: &str = "/console/carbon-account/campaigns";
/// Rows of a board shown on the console.
const BOARD_ROWS: usize = 100;

fn time(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// A campaign as a row of the list.
pub struct CampaignRow {
    pub href: String,
    pub code: String,
    pub name: String,
    pub window: String,
    pub provinces: String,
    pub badge: String,
}

fn campaign_row(console: &Console, words: &CampaignText, campaign: &Campaign) -> CampaignRow {
    let english = words.language == tanji_i18n::Language::English;
    CampaignRow {
        href: format!("{CAMPAIGNS_PATH}/{}", campaign.id),
        code: campaign.code.clone(),
        name: campaign.name(english).to_owned(),
        window: format!("{} – {}", time(campaign.window.start), time(campaign.window.end)),
        provinces: provinces_text(console, words, &campaign.provinces),
        badge: match &campaign.badge {
            Some(badge) => {
                format!("{} ({} {})", if english { &badge.name_en } else { &badge.name_zh }, badge.points, words.points)
            }
            None => words.no_badge.to_owned(),
        },
    }
}

fn provinces_text(console: &Console, words: &CampaignText, provinces: &[String]) -> String {
    if provinces.is_empty() {
        return words.nationwide.to_owned();
    }
    let t = console.text();
    provinces
        .iter()
        .map(|code| t.subdivision(code))
        .collect::<Vec<_>>()
        .join(if t.language == tanji_i18n::Language::English { ", " } else { "、" })
}

/// The creation form as entered.
#[derive(Debug, Default, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    /// Comma-separated ISO codes (the checkboxes arrive as one value each; see `parse_form`).
    #[serde(default)]
    pub provinces: String,
    #[serde(default)]
    pub badge_code: String,
    #[serde(default)]
    pub badge_name_zh: String,
    #[serde(default)]
    pub badge_name_en: String,
    #[serde(default)]
    pub badge_points: String,
}

#[derive(Template)]
#[template(path = "account_campaigns.html")]
struct ListPage {
    frame: Frame,
    words: &'static CampaignText,
    tabs: Vec<TabLink>,
    rows: Vec<CampaignRow>,
    badges: Vec<(String, String)>,
    can_manage: bool,
    can_issue_passes: bool,
    /// (code, name, checked) of every province, for the form's checkboxes.
    provinces: Vec<(&'static str, String, bool)>,
    form: CampaignForm,
    errors: FieldErrors,
    issued: Option<(String, String)>,
}

/// `GET /console/carbon-account/campaigns`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    list_page(&state, &console, CampaignForm::default(), FieldErrors::default(), None, StatusCode::OK).await
}

fn rule_text(words: &CampaignText, rule: &BadgeRule) -> String {
    match rule {
        BadgeRule::PointsMilestone { points } => format!("{} {points}", words.rule_points),
        BadgeRule::BehaviourMilestone { methodology_id, activities } => {
            format!("{} {activities} (#{})", words.rule_behaviour, methodology_id.0)
        }
        BadgeRule::Campaign { points, .. } => format!("{} {points}", words.rule_campaign),
    }
}

async fn list_page(
    state: &AppState,
    console: &Console,
    form: CampaignForm,
    errors: FieldErrors,
    issued: Option<(String, String)>,
    status: StatusCode,
) -> Response {
    let (mut frame, onboarding) = match account_frame(console, |words| words.nav_carbon_account) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    let words = CampaignText::of(console.text().language);
    frame.title = words.campaigns_title.to_owned();
    if console.web.path.contains("notice=created") {
        frame.notice = Some(words.notice_created);
    } else if console.web.path.contains("notice=passes_revoked") {
        frame.notice = Some(words.notice_passes_revoked);
    }
    let store = state.store();
    let campaigns = match store.list_campaigns(console.actor()).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let badges = match store.list_badges(console.actor()).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let english = words.language == tanji_i18n::Language::English;
    let t = console.text();
    let page = ListPage {
        tabs: tabs(console, onboarding, Tab::Campaigns),
        rows: campaigns.iter().map(|campaign| campaign_row(console, words, campaign)).collect(),
        badges: badges.iter().map(|badge| (badge.name(english).to_owned(), rule_text(words, &badge.rule))).collect(),
        can_manage: console.actor().may(Permission::ManageCampaigns),
        can_issue_passes: console.actor().may(Permission::ManageAccountLinks),
        provinces: tanji_tenancy::region::CHINA_PROVINCES
            .iter()
            .map(|province| {
                let checked = form.provinces.split(',').any(|chosen| chosen == province.iso_code);
                (province.iso_code, t.subdivision(province.iso_code), checked)
            })
            .collect(),
        form,
        errors,
        issued,
        frame,
        words,
    };
    render(status, &page)
}

fn parse_time(field: &'static str, raw: &str) -> Result<jiff::Timestamp, FieldError> {
    // A `datetime-local` input sends `2026-06-01T00:00`; the API and the CLI send RFC 3339.
    let raw = raw.trim();
    raw.parse::<jiff::Timestamp>()
        .or_else(|_| {
            raw.parse::<jiff::civil::DateTime>()
                .map(|civil| civil.to_zoned(jiff::tz::TimeZone::UTC).map(|zoned| zoned.timestamp()))
                .and_then(|found| found)
        })
        .map_err(|_| {
            FieldError::new(field, tanji_tenancy::Problem::Malformed { expected: "a time such as 2026-06-01T00:00" })
        })
}

/// The creation form's values, checked.
pub fn parse_form(form: &CampaignForm) -> Result<NewCampaign, FieldError> {
    let starts_at = parse_time("starts_at", &form.starts_at)?;
    let ends_at = parse_time("ends_at", &form.ends_at)?;
    let provinces: Vec<&str> = form.provinces.split(',').collect();
    let badge = if form.badge_code.trim().is_empty() {
        None
    } else {
        let points = form.badge_points.trim().parse::<u64>().map_err(|_| {
            FieldError::new("badge_points", tanji_tenancy::Problem::OutOfRange { min: "1", max: "9223372036854775807" })
        })?;
        Some(BadgeInput { code: &form.badge_code, name_zh: &form.badge_name_zh, name_en: &form.badge_name_en, points })
    };
    NewCampaign::parse(&form.code, &form.name_zh, &form.name_en, starts_at, ends_at, &provinces, badge)
}

fn campaign_errors(console: &Console, words: &CampaignText, error: &FieldError) -> FieldErrors {
    let t = console.text();
    let label = match error.field {
        "code" => words.code,
        "name_zh" => words.name_zh,
        "name_en" => words.name_en,
        "starts_at" => words.starts_at,
        "ends_at" => words.ends_at,
        "provinces" => words.provinces,
        "badge_code" => words.badge_code,
        "badge_name_zh" => words.badge_name_zh,
        "badge_name_en" => words.badge_name_en,
        "badge_points" => words.badge_points,
        "valid_days" => words.pass_valid_days,
        "person_number" => words.person_number,
        _ => return FieldErrors::one(t, tanji_i18n::account::onboarding::OnboardingText::of(t.language), error),
    };
    let separator = if t.language == tanji_i18n::Language::SimplifiedChinese { "：" } else { ": " };
    FieldErrors::message(error.field, format!("{label}{separator}{}", t.problem(&error.problem)))
}

/// `POST /console/carbon-account/campaigns`: creates a campaign. The province checkboxes arrive as repeated
/// `province` fields, joined here.
pub async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !console.actor().may(Permission::ManageCampaigns) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let mut form = CampaignForm::default();
    let mut provinces = Vec::new();
    for (name, value) in fields {
        match name.as_str() {
            "code" => form.code = value,
            "name_zh" => form.name_zh = value,
            "name_en" => form.name_en = value,
            "starts_at" => form.starts_at = value,
            "ends_at" => form.ends_at = value,
            "province" => provinces.push(value),
            "badge_code" => form.badge_code = value,
            "badge_name_zh" => form.badge_name_zh = value,
            "badge_name_en" => form.badge_name_en = value,
            "badge_points" => form.badge_points = value,
            _ => {}
        }
    }
    form.provinces = provinces.join(",");
    let words = CampaignText::of(console.text().language);
    let new = match parse_form(&form) {
        Ok(new) => new,
        Err(error) => {
            let errors = campaign_errors(&console, words, &error);
            return list_page(&state, &console, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().create_campaign(console.actor(), &new).await {
        Ok(campaign) => see_other(&format!("{CAMPAIGNS_PATH}/{}?notice=created", campaign.id)),
        Err(StoreError::Invalid(error)) => {
            let errors = campaign_errors(&console, words, &error);
            list_page(&state, &console, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// The pass form.
#[derive(Debug, Default, Deserialize)]
pub struct PassForm {
    #[serde(default)]
    pub person_number: String,
    #[serde(default)]
    pub valid_days: String,
    #[serde(default)]
    pub revoke: Option<String>,
}

/// `POST /console/carbon-account/campaigns/passes`: issues (or revokes) a person's page passes; the new secret is
/// shown once, as a link to the sign-in page.
pub async fn passes(State(state): State<AppState>, console: Console, Form(form): Form<PassForm>) -> Response {
    if !console.actor().may(Permission::ManageAccountLinks) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let words = CampaignText::of(console.text().language);
    let Ok(person_number) = form.person_number.trim().parse::<u64>() else {
        let error = FieldError::new(
            "person_number",
            tanji_tenancy::Problem::Malformed { expected: "an account number such as 12" },
        );
        let errors = campaign_errors(&console, words, &error);
        return list_page(&state, &console, CampaignForm::default(), errors, None, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    };
    let store = state.store();
    if form.revoke.is_some() {
        return match store.revoke_person_passes(console.actor(), person_number).await {
            Ok(_) => see_other(&format!("{CAMPAIGNS_PATH}?notice=passes_revoked")),
            Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
        };
    }
    let valid_days = form.valid_days.trim().parse::<u32>().unwrap_or(0);
    match store.issue_person_pass(console.actor(), person_number, valid_days).await {
        Ok(issued) => {
            let link = format!(
                "{}?pass={}",
                crate::account::person::ME_LOGIN_PATH,
                form_urlencoded::byte_serialize(issued.secret.as_bytes()).collect::<String>()
            );
            list_page(
                &state,
                &console,
                CampaignForm::default(),
                FieldErrors::default(),
                Some((link, time(issued.expires_at))),
                StatusCode::OK,
            )
            .await
        }
        Err(StoreError::Invalid(error)) => {
            let errors = campaign_errors(&console, words, &error);
            list_page(&state, &console, CampaignForm::default(), errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// A row of a board as shown.
pub struct BoardRow {
    pub rank: usize,
    pub number: u64,
    pub name: String,
    pub province: String,
    pub points: u128,
    pub reached_at: String,
}

#[derive(Template)]
#[template(path = "account_campaign.html")]
struct CampaignPage {
    frame: Frame,
    words: &'static CampaignText,
    tabs: Vec<TabLink>,
    campaign: CampaignRow,
    people_ranked: usize,
    total_points: u128,
    charts: Vec<Chart>,
    board_choices: Vec<(String, String, bool)>,
    board_title: String,
    rows: Vec<BoardRow>,
    at: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    province: Option<String>,
}

/// The charts of a campaign's boards: the national top ten and the points per province.
pub fn board_charts(console: &Console, words: &'static CampaignText, boards: &CampaignBoards) -> Vec<Chart> {
    let t = console.text();
    let top: Vec<(String, i64)> = boards
        .boards
        .national
        .top(10)
        .iter()
        .map(|row| {
            (
                format!("{} {}", row.rank, boards.name_of(row.entry.person)),
                i64::try_from(row.entry.score.points).unwrap_or(i64::MAX),
            )
        })
        .collect();
    let provinces: Vec<(String, i64)> = boards
        .province_totals()
        .into_iter()
        .map(|(code, _, points)| (t.subdivision(&code), i64::try_from(points).unwrap_or(i64::MAX)))
        .collect();
    vec![
        horizontal_bars("campaign-top", words.chart_top, words.series_points, &top),
        horizontal_bars("campaign-provinces", words.chart_provinces, words.series_points, &provinces),
    ]
}

/// `GET /console/carbon-account/campaigns/{id}`: the campaign's boards now.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Query(query): Query<BoardQuery>,
) -> Response {
    let (mut frame, onboarding) = match account_frame(&console, |words| words.nav_carbon_account) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    let Ok(id) = Uuid::parse_str(&id) else { return ErrorPage::not_found(&console.web).into_response() };
    let words = CampaignText::of(console.text().language);
    if console.web.path.contains("notice=created") {
        frame.notice = Some(words.notice_created);
    }
    let now = state.store().clock().now();
    let boards = match state.store().campaign_boards(console.actor(), id, now).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let english = words.language == tanji_i18n::Language::English;
    frame.title = boards.campaign.name(english).to_owned();
    let t = console.text();
    let province = query.province.filter(|code| boards.boards.by_province.contains_key(code));
    let board = boards.board(province.as_deref()).cloned().unwrap_or_default();
    let rows = board
        .top(BOARD_ROWS)
        .into_iter()
        .map(|row| BoardRow {
            rank: row.rank,
            number: row.entry.person.0,
            name: boards.name_of(row.entry.person).to_owned(),
            province: if row.entry.province.is_empty() { String::new() } else { t.subdivision(&row.entry.province) },
            points: row.entry.score.points,
            reached_at: row.entry.score.reached_at.map(time).unwrap_or_default(),
        })
        .collect();
    let mut board_choices = vec![(String::new(), words.national_board.to_owned(), province.is_none())];
    board_choices.extend(
        boards
            .boards
            .by_province
            .keys()
            .map(|code| (code.clone(), t.subdivision(code), province.as_deref() == Some(code.as_str()))),
    );
    let board_title = match &province {
        Some(code) => format!("{} · {}", t.subdivision(code), words.board_of),
        None => words.national_board.to_owned(),
    };
    let page = CampaignPage {
        tabs: tabs(&console, onboarding, Tab::Campaigns),
        campaign: campaign_row(&console, words, &boards.campaign),
        people_ranked: boards.boards.national.len(),
        total_points: boards.total_points,
        charts: board_charts(&console, words, &boards),
        board_choices,
        board_title,
        rows,
        at: time(now),
        frame,
        words,
    };
    render(StatusCode::OK, &page)
}

/// The campaigns tab, for the tab bar.
pub fn tab(words: &'static CampaignText, current: bool) -> TabLink {
    TabLink { href: CAMPAIGNS_PATH, label: words.tab_campaigns, current }
}
