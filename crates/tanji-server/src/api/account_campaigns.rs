//! `/api/v1/account/campaigns` (the scheme operator's campaigns and their leaderboards), the passes to persons'
//! own pages, and `/api/v1/me/account` (the person's own account, with their pass as the bearer token).
//!
//! Leaderboards are recomputed from the ledger at every request (`tanji_store::account_campaigns`): exact ranks,
//! ties broken by who reached the score first, then by the smaller account number; expired and reversed points never
//! count. A person's pass (`tanji_person_…`) reads that person's account and nothing else; an operator's token never
//! reads a person's page, and a person's pass is not an API token for anything else.

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tanji_i18n::{Language, Localize};
use tanji_store::account_campaigns::{
    BadgeInput, Campaign, CampaignBoards, HistoryKind, NewCampaign, PersonAccount, PersonSession,
};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::ApiActor;
use super::extract::ApiJson;
use super::inventory::ApiLanguage;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A campaign's badge.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CampaignBadgeBody {
    #[schema(example = "green_week_2026")]
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Points earned within the window that award the badge.
    pub points: u64,
}

/// A campaign to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CampaignBody {
    #[schema(example = "green_week_2026")]
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// ISO 3166-2 codes (`CN-GD`); empty or missing for nationwide.
    #[serde(default)]
    pub provinces: Vec<String>,
    #[serde(default)]
    pub badge: Option<CampaignBadgeBody>,
}

/// A campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignView {
    pub id: Uuid,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// Empty: nationwide.
    pub provinces: Vec<String>,
    pub badge: Option<CampaignBadgeBody>,
    pub created_at: Timestamp,
}

impl From<Campaign> for CampaignView {
    fn from(campaign: Campaign) -> Self {
        CampaignView {
            id: campaign.id,
            code: campaign.code,
            name_zh: campaign.name_zh,
            name_en: campaign.name_en,
            starts_at: campaign.window.start,
            ends_at: campaign.window.end,
            provinces: campaign.provinces,
            badge: campaign.badge.map(|badge| CampaignBadgeBody {
                code: badge.code,
                name_zh: badge.name_zh,
                name_en: badge.name_en,
                points: u64::try_from(badge.points).unwrap_or(u64::MAX),
            }),
            created_at: campaign.created_at,
        }
    }
}

/// The scheme's campaigns, the latest first (`read` scope; the scheme's operator).
#[utoipa::path(get, path = "/api/v1/account/campaigns", tag = "carbon account",
    responses((status = 200, body = Vec<CampaignView>), (status = 403, body = ErrorBody)))]
pub async fn list_campaigns(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    Ok(Json(state.store().list_campaigns(&actor).await?.into_iter().map(CampaignView::from).collect()))
}

/// Creates a campaign (`write` scope; owners and editors of the scheme's operator).
#[utoipa::path(post, path = "/api/v1/account/campaigns", tag = "carbon account", request_body = CampaignBody,
    responses((status = 201, body = CampaignView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_campaign(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CampaignBody>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let provinces: Vec<&str> = body.provinces.iter().map(String::as_str).collect();
    let badge = body.badge.as_ref().map(|badge| BadgeInput {
        code: &badge.code,
        name_zh: &badge.name_zh,
        name_en: &badge.name_en,
        points: badge.points,
    });
    let new =
        NewCampaign::parse(&body.code, &body.name_zh, &body.name_en, body.starts_at, body.ends_at, &provinces, badge)?;
    let campaign = state.store().create_campaign(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(campaign.into())))
}

/// Which board and how much of it.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct BoardParams {
    /// A province's board (ISO 3166-2, `CN-GD`); the national board without it.
    #[serde(default)]
    pub province: Option<String>,
    /// Rows from the top (default 10, at most 1,000).
    #[serde(default)]
    pub top: Option<usize>,
    /// A person's account number: their rank and their neighbours on the board.
    #[serde(default)]
    pub person: Option<u64>,
    /// Rows above and below the person (default 2, at most 50).
    #[serde(default)]
    pub around: Option<usize>,
}

/// A row of a board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardRowView {
    pub rank: usize,
    pub person_number: u64,
    pub display_name: String,
    /// ISO 3166-2; empty for a person without a province.
    pub province: String,
    pub points: u64,
    /// When the person's last counted credit was made (ties go to whoever reached the score first).
    pub reached_at: Option<Timestamp>,
}

/// A board of a campaign at a moment.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderboardView {
    pub campaign: CampaignView,
    pub at: Timestamp,
    /// The board's province; null for the national board.
    pub province: Option<String>,
    pub n_ranked: usize,
    pub total_points: u64,
    pub top: Vec<BoardRowView>,
    /// The person's rank, when `person` was given and they are ranked.
    pub rank: Option<usize>,
    /// The rows around the person, the person included.
    pub neighbours: Vec<BoardRowView>,
}

fn row_view(boards: &CampaignBoards, row: &tanji_account::board::Ranked) -> BoardRowView {
    BoardRowView {
        rank: row.rank,
        person_number: row.entry.person.0,
        display_name: boards.name_of(row.entry.person).to_owned(),
        province: row.entry.province.clone(),
        points: u64::try_from(row.entry.score.points).unwrap_or(u64::MAX),
        reached_at: row.entry.score.reached_at,
    }
}

/// A campaign's national or provincial board now: the top rows, and a person's rank with their neighbours
/// (`read` scope; the scheme's operator).
#[utoipa::path(get, path = "/api/v1/account/campaigns/{id}/leaderboard", tag = "carbon account",
    params(("id" = Uuid, Path), BoardParams),
    responses((status = 200, body = LeaderboardView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_leaderboard(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    Query(params): Query<BoardParams>,
) -> Result<Json<LeaderboardView>, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    let now = state.store().clock().now();
    let boards = state.store().campaign_boards(&actor, id, now).await?;
    let empty = tanji_account::board::Leaderboard::default();
    let board = match params.province.as_deref() {
        None => &boards.boards.national,
        Some(code) if tanji_tenancy::region::china_province(code).is_some() => {
            boards.board(Some(code)).unwrap_or(&empty)
        }
        Some(_) => {
            return Err(ApiError::validation(&tanji_tenancy::FieldError::new(
                "province",
                tanji_tenancy::Problem::Malformed {
                    expected: "an ISO 3166-2 code of a Chinese province, such as CN-GD",
                },
            )));
        }
    };
    let top = params.top.unwrap_or(10).min(1_000);
    let around = params.around.unwrap_or(2).min(50);
    let person = params.person.map(tanji_account::points::PersonId);
    let view = LeaderboardView {
        province: params.province.clone(),
        n_ranked: board.len(),
        total_points: board
            .top(usize::MAX)
            .iter()
            .map(|row| u64::try_from(row.entry.score.points).unwrap_or(u64::MAX))
            .sum(),
        top: board.top(top).iter().map(|row| row_view(&boards, row)).collect(),
        rank: person.and_then(|person| board.rank_of(person)),
        neighbours: person
            .map(|person| board.neighbourhood(person, around).iter().map(|row| row_view(&boards, row)).collect())
            .unwrap_or_default(),
        at: boards.at,
        campaign: boards.campaign.clone().into(),
    };
    Ok(Json(view))
}

/// A pass to issue.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PassBody {
    /// Days the pass is valid (1–366).
    #[schema(example = 30)]
    pub valid_days: u32,
}

/// A pass as issued: the secret is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct PassView {
    pub id: Uuid,
    pub person_number: u64,
    /// `tanji_person_…`: the person's bearer token for `/api/v1/me/account`, and what `/me/login` asks for.
    pub secret: String,
    /// The sign-in link to send the person (through a channel they have verified).
    pub link: String,
    pub expires_at: Timestamp,
}

/// Issues a pass to a person's own page (`write` scope; owners and editors of the scheme's operator).
#[utoipa::path(post, path = "/api/v1/account/parent-accounts/{person_number}/passes", tag = "carbon account",
    params(("person_number" = u64, Path)), request_body = PassBody,
    responses((status = 201, body = PassView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue_pass(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(person_number): Path<String>,
    ApiJson(body): ApiJson<PassBody>,
) -> Result<(StatusCode, Json<PassView>), ApiError> {
    let person_number: u64 = person_number.parse().map_err(|_| ApiError::not_found())?;
    let issued = state.store().issue_person_pass(&actor, person_number, body.valid_days).await?;
    let link = format!(
        "{}?pass={}",
        crate::account::person::ME_LOGIN_PATH,
        form_urlencoded::byte_serialize(issued.secret.as_bytes()).collect::<String>()
    );
    Ok((
        StatusCode::CREATED,
        Json(PassView {
            id: issued.id,
            person_number: issued.person_number,
            secret: issued.secret,
            link,
            expires_at: issued.expires_at,
        }),
    ))
}

/// The person behind a request's `Authorization: Bearer tanji_person_…`.
pub struct ApiPerson(pub PersonSession);

impl FromRequestParts<AppState> for ApiPerson {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header_value = parts.headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok());
        let Some(secret) = header_value.and_then(|value| value.strip_prefix("Bearer ")) else {
            return Err(ApiError::unauthenticated());
        };
        match state.store().person_session(secret.trim()).await? {
            Some(session) => Ok(ApiPerson(session)),
            None => Err(ApiError::unauthenticated()),
        }
    }
}

/// A credit's methodology.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditMethodologyView {
    pub number: u32,
    pub version: u32,
    pub behaviour: String,
    /// The title in the request's language.
    pub title: String,
    pub citation: super::account::CitationBody,
}

/// A line of the person's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryLineView {
    pub at: Timestamp,
    /// `earned`, `redeemed`, `donated`, `expired` or `reversed`.
    pub kind: &'static str,
    /// The same in the request's language.
    pub kind_text: String,
    /// Positive for points in, negative for points out.
    pub points: i64,
    pub occurred_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    pub methodology: Option<CreditMethodologyView>,
}

/// A badge the person holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldBadgeView {
    pub code: String,
    pub name: String,
    pub earned_at: Timestamp,
}

/// The person's standing in a campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonCampaignView {
    pub campaign_id: Uuid,
    pub name: String,
    pub points: u64,
    pub province_rank: Option<usize>,
    pub province_size: usize,
    pub national_rank: Option<usize>,
    pub national_size: usize,
    /// Rows around the person on their province's board (national without a province); names are as the
    /// operator shows them on its boards.
    pub neighbours: Vec<BoardRowView>,
}

/// The person's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonAccountView {
    pub person_number: u64,
    pub display_name: String,
    pub province: Option<String>,
    pub scheme: String,
    pub at: Timestamp,
    pub available_points: u64,
    pub earned_points: u64,
    pub badges: Vec<HeldBadgeView>,
    pub campaigns: Vec<PersonCampaignView>,
    pub history: Vec<HistoryLineView>,
}

fn kind_code(kind: HistoryKind) -> &'static str {
    match kind {
        HistoryKind::Earned => "earned",
        HistoryKind::Redeemed => "redeemed",
        HistoryKind::Donated => "donated",
        HistoryKind::Expired => "expired",
        HistoryKind::Reversed => "reversed",
    }
}

fn person_view(account: PersonAccount, language: Language) -> PersonAccountView {
    let words = tanji_i18n::account::campaigns::CampaignText::of(language);
    let english = language == Language::English;
    let points = |amount: u128| u64::try_from(amount).unwrap_or(u64::MAX);
    let session = account.session;
    PersonAccountView {
        person_number: session.person.number,
        display_name: session.person.display_name,
        province: session.person.province,
        scheme: match (session.operator_name_en, english) {
            (Some(name_en), true) => name_en,
            _ => session.operator_name,
        },
        at: account.at,
        available_points: points(account.available),
        earned_points: points(account.earned),
        badges: account
            .badges
            .into_iter()
            .map(|badge| HeldBadgeView {
                name: badge.name(english).to_owned(),
                code: badge.code,
                earned_at: badge.earned_at,
            })
            .collect(),
        campaigns: account
            .campaigns
            .into_iter()
            .map(|campaign| PersonCampaignView {
                campaign_id: campaign.campaign.id,
                name: campaign.campaign.name(english).to_owned(),
                points: points(campaign.points),
                province_rank: campaign.province_rank,
                province_size: campaign.province_size,
                national_rank: campaign.national_rank,
                national_size: campaign.national_size,
                neighbours: campaign
                    .neighbours
                    .into_iter()
                    .map(|(row, name)| BoardRowView {
                        rank: row.rank,
                        person_number: row.entry.person.0,
                        display_name: name,
                        province: row.entry.province,
                        points: points(row.entry.score.points),
                        reached_at: row.entry.score.reached_at,
                    })
                    .collect(),
            })
            .collect(),
        history: account
            .history
            .into_iter()
            .map(|line| HistoryLineView {
                at: line.at,
                kind: kind_code(line.kind),
                kind_text: match line.kind {
                    HistoryKind::Earned => words.kind_earned,
                    HistoryKind::Redeemed => words.kind_redeemed,
                    HistoryKind::Donated => words.kind_donated,
                    HistoryKind::Expired => words.kind_expired,
                    HistoryKind::Reversed => words.kind_reversed,
                }
                .to_owned(),
                points: i64::try_from(line.points)
                    .map_or(i64::MAX, |amount| if line.incoming { amount } else { -amount }),
                occurred_at: line.occurred_at,
                expires_at: line.expires_at,
                methodology: line.methodology.map(|found| CreditMethodologyView {
                    number: found.key.methodology_id.0,
                    version: found.key.version,
                    behaviour: found.behaviour,
                    title: if english { found.title_en } else { found.title_zh },
                    citation: (&found.citation).into(),
                }),
            })
            .collect(),
    }
}

/// The person's own account: balance, history with the methodology behind each credit, badges, campaign ranks
/// with neighbours. Authenticated by the person's pass (`Authorization: Bearer tanji_person_…`), never by an API
/// token; it reads that person's account only.
#[utoipa::path(get, path = "/api/v1/me/account", tag = "carbon account",
    responses((status = 200, body = PersonAccountView), (status = 401, body = ErrorBody)))]
pub async fn get_my_account(
    State(state): State<AppState>,
    ApiPerson(session): ApiPerson,
    ApiLanguage(language): ApiLanguage,
) -> Result<Json<PersonAccountView>, ApiError> {
    let now = state.store().clock().now();
    let account = state.store().person_account(&session, now).await?;
    Ok(Json(person_view(account, language)))
}

/// A redemption or donation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SpendBody {
    /// `redeem` or `donate`.
    pub kind: String,
    /// The offer (redeem) or project (donate) number in the operator's catalogue.
    pub target: u64,
    pub points: u64,
    /// The client's id for this request: retrying with the same id spends once.
    #[schema(example = "order-2026-06-03-0001")]
    pub request_id: String,
}

/// Redeems or donates the person's points, the points that expire first used first (authenticated by the
/// person's pass). Refused beyond the balance with 422 `insufficient_points`.
#[utoipa::path(post, path = "/api/v1/me/spend", tag = "carbon account", request_body = SpendBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_my_spend(
    State(state): State<AppState>,
    ApiPerson(session): ApiPerson,
    ApiLanguage(language): ApiLanguage,
    ApiJson(body): ApiJson<SpendBody>,
) -> Result<StatusCode, ApiError> {
    let what = match body.kind.as_str() {
        "redeem" => tanji_account::points::Spend::Redeem { offer: u128::from(body.target) },
        "donate" => tanji_account::points::Spend::Donate { project: u128::from(body.target) },
        _ => {
            return Err(ApiError::validation(&tanji_tenancy::FieldError::new(
                "kind",
                tanji_tenancy::Problem::NotOneOf { choices: vec!["redeem", "donate"] },
            )));
        }
    };
    if body.request_id.trim().is_empty() || body.request_id.chars().count() > 64 {
        return Err(ApiError::validation(&tanji_tenancy::FieldError::new(
            "request_id",
            tanji_tenancy::Problem::Malformed { expected: "1 to 64 characters" },
        )));
    }
    let now = state.store().clock().now();
    match state.store().person_spend(&session, what, u128::from(body.points), &body.request_id, now).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(tanji_store::account_campaigns::PersonSpendError::Refused(refused)) => {
            let code = match refused {
                tanji_account::points::SpendError::AmountMustBePositive => "amount_must_be_positive",
                tanji_account::points::SpendError::InsufficientPoints { .. } => "insufficient_points",
                tanji_account::points::SpendError::NoSuchLot { .. } => "no_such_lot",
            };
            Err(ApiError::refused(code, "points", refused.localize(language)))
        }
        Err(tanji_store::account_campaigns::PersonSpendError::Store(error)) => Err(error.into()),
    }
}
