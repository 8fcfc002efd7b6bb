//! The assessment pages: the landing page (the brand's campaigns and launch form; the questionnaires customers
//! asked a supplier to answer), a campaign's ranking with its charts, and one participant's questionnaire and
//! scorecard — answer, upload and submit forms for the supplier, accept/reject and reopen forms for the brand's
//! reviewers. Every page needs `ViewSupplierLinks`; every change its own permission, checked again by the store,
//! which also confines every read (another tenant's campaign or questionnaire is a 404). Forms carry the CSRF token
//! (the web-context layer checks it; the upload form in its query, as the activity import does).

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tanji_i18n::supplier::console::CampaignText;
use tanji_i18n::{Language, Localize};
use tanji_store::StoreError;
use tanji_store::supplier_assessment::{
    AssessmentError, Campaign, CampaignResults, NewCampaign, Participant, Questionnaire, StoredEvidence,
    evidence_kind_code,
};
use tanji_supplier::framework::EvidenceKind;
use tanji_supplier::scoring::Verdict;
use tanji_tenancy::supplier_link::InvitationDetails;
use tanji_tenancy::{Permission, SupplierLinkId};
use uuid::Uuid;

use super::CAMPAIGNS_PATH;
use crate::console::charts::{self, Chart};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, Section, render};
use crate::redirect::see_other;
use crate::state::AppState;
use crate::web_context::Console;

/// A stored note in the reader's language: a note written "中文 / English" shows the reader's half, any other note
/// as written (it is the brand's own text).
fn note_in(language: Language, note: &str) -> String {
    match note.split_once(" / ") {
        Some((chinese, english)) => if language == Language::English { english } else { chinese }.trim().to_owned(),
        None => note.to_owned(),
    }
}

fn points(value: f64) -> String {
    tanji_i18n::inventory::figure(value, 3)
}

/// The frame and words of an assessment page, or the 403 page. A one-off `notice` is one of these pages' own names.
fn assessment_frame(console: &Console, title: &str) -> Result<(Frame, &'static CampaignText), Box<ErrorPage>> {
    if !console.actor().may(Permission::ViewSupplierLinks) {
        return Err(Box::new(ErrorPage::forbidden(&console.web)));
    }
    let words = CampaignText::of(console.text().language);
    let mut frame = Frame::console(console, Section::SupplierAssessment, title);
    if let Some(query) = console.web.path.split_once('?').map(|(_, query)| query) {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if name == "notice" {
                frame.notice = match value.as_ref() {
                    "launched" => Some(words.notice_launched),
                    "answered" => Some(words.notice_answered),
                    "uploaded" => Some(words.notice_uploaded),
                    "submitted" => Some(words.notice_submitted),
                    "reopened" => Some(words.notice_reopened),
                    "reviewed" => Some(words.notice_reviewed),
                    _ => frame.notice,
                };
            }
        }
    }
    Ok((frame, words))
}

/// A refused step in the reader's language; store errors other than invalid input become the error page.
fn refusal(console: &Console, error: AssessmentError) -> Result<String, Box<Response>> {
    let language = console.text().language;
    match error {
        AssessmentError::Store(StoreError::Invalid(field_error)) => {
            Ok(console.text().field_problem(field_error.field, &field_error.problem))
        }
        AssessmentError::Store(error) => Err(Box::new(ErrorPage::from_store(&console.web, error).into_response())),
        AssessmentError::Answer(refused) => Ok(refused.localize(language)),
        AssessmentError::EvidenceFile(refused) => Ok(refused.localize(language)),
        AssessmentError::Campaign(refused) => Ok(refused.localize(language)),
    }
}

fn framework_name(language: Language, campaign: &Campaign) -> String {
    match tanji_supplier::bundled::framework(&campaign.framework_id, campaign.framework_version) {
        Some(framework) => {
            let name = if language == Language::English { framework.name_en } else { framework.name_zh };
            format!("{name} v{}", framework.version)
        }
        None => format!("{} v{}", campaign.framework_id, campaign.framework_version),
    }
}

/// A campaign as a row of the lists.
pub struct CampaignRow {
    pub href: String,
    pub name: String,
    pub brand: String,
    pub framework: String,
    pub due_on: String,
    pub n_participants: usize,
    pub illustrative: bool,
    pub status: &'static str,
}

fn campaign_row(language: Language, campaign: &Campaign, href: String, status: &'static str) -> CampaignRow {
    CampaignRow {
        href,
        name: campaign.name.clone(),
        brand: campaign.brand_name.clone(),
        framework: framework_name(language, campaign),
        due_on: campaign.due_on.to_string(),
        n_participants: campaign.n_participants,
        illustrative: campaign.illustrative_note.is_some(),
        status,
    }
}

/// The launch form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LaunchForm {
    pub name: String,
    pub due_on: String,
    /// Checked links, repeated fields read as one comma-joined text by `serde_html_form`-less forms: see `links`.
    pub links: String,
    pub invite: String,
}

#[derive(Template)]
#[template(path = "supplier_campaigns.html")]
struct LandingPage {
    frame: Frame,
    words: &'static CampaignText,
    campaigns: Vec<CampaignRow>,
    asked: Vec<CampaignRow>,
    can_launch: bool,
    /// (link id, supplier name) of the brand's links in force as customer.
    links: Vec<(String, String)>,
    form: LaunchForm,
    error: Option<String>,
    invitation_codes: Vec<(String, String)>,
}

/// `GET /console/supplier-assessment`.
pub async fn landing(State(state): State<AppState>, console: Console) -> Response {
    landing_page(&state, &console, LaunchForm::default(), None, Vec::new(), StatusCode::OK).await
}

async fn landing_page(
    state: &AppState,
    console: &Console,
    form: LaunchForm,
    error: Option<String>,
    invitation_codes: Vec<(String, String)>,
    status: StatusCode,
) -> Response {
    let words = CampaignText::of(console.text().language);
    let (frame, words) = match assessment_frame(console, words.campaigns_title) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    let store = state.store();
    let actor = console.actor();
    let language = words.language;
    let campaigns = match store.list_supplier_campaigns(actor).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let asked = match store.assessments_asked(actor).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let can_launch = actor.may(Permission::ManageSuppliers);
    let links = if can_launch {
        match store.list_supplier_links(actor, false).await {
            Ok(links) => links
                .into_iter()
                .filter(|link| link.customer.id == actor.organisation_id)
                .map(|link| (link.id.to_string(), link.supplier.name.as_str().to_owned()))
                .collect(),
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        Vec::new()
    };
    let page = LandingPage {
        campaigns: campaigns
            .iter()
            .map(|campaign| campaign_row(language, campaign, format!("{CAMPAIGNS_PATH}/campaigns/{}", campaign.id), ""))
            .collect(),
        asked: asked
            .iter()
            .map(|(campaign, participant)| {
                let status =
                    if participant.submitted_at.is_some() { words.status_submitted } else { words.status_draft };
                campaign_row(language, campaign, format!("{CAMPAIGNS_PATH}/participants/{}", participant.id), status)
            })
            .collect(),
        can_launch,
        links,
        form,
        error,
        invitation_codes,
        frame,
        words,
    };
    render(status, &page)
}

/// `POST /console/supplier-assessment`: launches a campaign on the bundled framework.
pub async fn launch(State(state): State<AppState>, console: Console, body: axum::body::Bytes) -> Response {
    if !console.actor().may(Permission::ManageSuppliers) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    // The checked links arrive as repeated `link` fields, which the plain form extractor does not gather.
    let mut form = LaunchForm::default();
    let mut link_ids = Vec::new();
    let mut bad_link = false;
    for (name, value) in form_urlencoded::parse(&body) {
        match name.as_ref() {
            "name" => form.name = value.into_owned(),
            "due_on" => form.due_on = value.into_owned(),
            "invite" => form.invite = value.into_owned(),
            "link" => match value.parse::<Uuid>() {
                Ok(id) => link_ids.push(SupplierLinkId::from_uuid(id)),
                Err(_) => bad_link = true,
            },
            _ => {}
        }
    }
    form.links = link_ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    let t = console.text();
    let due_on = match form.due_on.trim().parse::<jiff::civil::Date>() {
        Ok(date) if !bad_link => date,
        _ => {
            let message = t.field_problem(
                "due_on",
                &tanji_tenancy::validation::Problem::Malformed { expected: "a date such as 2026-03-31" },
            );
            return landing_page(&state, &console, form, Some(message), Vec::new(), StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let mut invite = Vec::new();
    for line in form.invite.lines().map(str::trim).filter(|line| !line.is_empty()) {
        match InvitationDetails::parse(line, None) {
            Ok(details) => invite.push(details),
            Err(error) => {
                let message = t.field_problem(error.field, &error.problem);
                return landing_page(
                    &state,
                    &console,
                    form,
                    Some(message),
                    Vec::new(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    }
    let framework = tanji_supplier::bundled::factory_carbon_management();
    let new = NewCampaign {
        name: form.name.clone(),
        framework_id: framework.id,
        framework_version: framework.version,
        due_on,
        supplier_link_ids: link_ids,
        invite,
        illustrative_note: None,
    };
    match state.store().launch_campaign(console.actor(), &new).await {
        Ok(launched) if launched.invitation_codes.is_empty() => {
            see_other(&format!("{CAMPAIGNS_PATH}/campaigns/{}?notice=launched", launched.campaign.id))
        }
        // Invitation codes are shown this once, on the page the launch answers with.
        Ok(launched) => {
            landing_page(&state, &console, LaunchForm::default(), None, launched.invitation_codes, StatusCode::CREATED)
                .await
        }
        Err(error) => match refusal(&console, error) {
            Ok(message) => {
                landing_page(&state, &console, form, Some(message), Vec::new(), StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(page) => *page,
        },
    }
}

/// A row of the ranking.
pub struct RankingView {
    pub rank: usize,
    pub href: String,
    pub supplier: String,
    pub score: String,
    pub grade: String,
    pub band_grade: String,
    pub gates: String,
    pub n_answered: usize,
    pub n_accepted: usize,
    pub n_awaiting: usize,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "supplier_campaign.html")]
struct CampaignPage {
    frame: Frame,
    words: &'static CampaignText,
    name: String,
    framework: String,
    due_on: String,
    illustrative_note: Option<String>,
    rows: Vec<RankingView>,
    charts: Vec<Chart>,
    csv_href: String,
    json_href: String,
}

fn participant_status(words: &'static CampaignText, participant: &Participant) -> &'static str {
    if participant.supplier_organisation_id.is_none() {
        words.status_invited
    } else if participant.submitted_at.is_some() {
        words.status_submitted
    } else {
        words.status_draft
    }
}

/// `GET /console/supplier-assessment/campaigns/{id}`: the ranking, the score and grade charts, the export links.
pub async fn campaign(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<Uuid>() else { return ErrorPage::not_found(&console.web).into_response() };
    let results = match state.store().campaign_results(console.actor(), id).await {
        Ok(results) => results,
        Err(AssessmentError::Store(error)) => return ErrorPage::from_store(&console.web, error).into_response(),
        Err(other) => return ErrorPage::internal(&console.web, &other).into_response(),
    };
    let (frame, words) = match assessment_frame(&console, &results.campaign.name) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    render(StatusCode::OK, &campaign_page(frame, words, &results))
}

fn campaign_page(frame: Frame, words: &'static CampaignText, results: &CampaignResults) -> CampaignPage {
    let language = words.language;
    let rows: Vec<RankingView> = results
        .rows
        .iter()
        .map(|row| RankingView {
            rank: row.rank,
            href: format!("{CAMPAIGNS_PATH}/participants/{}", row.participant.id),
            supplier: row.participant.supplier_name.clone(),
            score: points(row.score),
            grade: row.grade.clone(),
            band_grade: row.band_grade.clone(),
            gates: row.gates_lowering.join("、"),
            n_answered: row.n_answered,
            n_accepted: row.n_evidence_accepted,
            n_awaiting: row.n_evidence_awaiting,
            status: participant_status(words, &row.participant),
        })
        .collect();
    let scores: Vec<(String, f64)> =
        results.rows.iter().map(|row| (row.participant.supplier_name.clone(), row.score)).collect();
    let grades: Vec<(String, i64)> = results
        .grade_distribution
        .iter()
        .map(|(grade, count)| (grade.clone(), i64::try_from(*count).unwrap_or(i64::MAX)))
        .collect();
    let charts = vec![
        score_bars("supplier-scores", words.chart_scores, words.series_score, &scores),
        grade_columns("supplier-grades", words.chart_grades, words.series_suppliers, &grades),
    ];
    CampaignPage {
        name: results.campaign.name.clone(),
        framework: framework_name(language, &results.campaign),
        due_on: results.campaign.due_on.to_string(),
        illustrative_note: results.campaign.illustrative_note.as_deref().map(|note| note_in(language, note)),
        rows,
        charts,
        csv_href: format!("{CAMPAIGNS_PATH}/campaigns/{}/ranking.csv", results.campaign.id),
        json_href: format!("/api/v1/supplier-campaigns/{}/ranking", results.campaign.id),
        frame,
        words,
    }
}

/// Horizontal bars of scores, best on top.
fn score_bars(id: &'static str, title: &'static str, series_name: &str, entries: &[(String, f64)]) -> Chart {
    let mut option = charts::base();
    option["tooltip"] = json!({ "trigger": "axis", "axisPointer": { "type": "shadow" } });
    option["grid"] = json!({ "left": 140, "right": 24, "top": 8, "bottom": 24 });
    let reversed: Vec<&(String, f64)> = entries.iter().rev().collect();
    option["yAxis"] = json!({
        "type": "category",
        "data": reversed.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        "axisLabel": { "width": 128, "overflow": "truncate" },
    });
    option["xAxis"] = json!({ "type": "value", "min": 0, "max": 100 });
    option["series"] = json!([{
        "name": series_name,
        "type": "bar",
        "barMaxWidth": 18,
        "itemStyle": { "borderRadius": [0, 4, 4, 0] },
        "data": reversed.iter().map(|(_, value)| (value * 10.0).round() / 10.0).collect::<Vec<_>>(),
    }]);
    let summary =
        entries.iter().map(|(name, value)| format!("{name}: {}", points(*value))).collect::<Vec<_>>().join("; ");
    Chart { id, title, option_json: charts::script_safe(&option), summary }
}

/// Columns of counts by grade, in band order.
fn grade_columns(id: &'static str, title: &'static str, series_name: &str, entries: &[(String, i64)]) -> Chart {
    let mut option = charts::base();
    option["tooltip"] = json!({ "trigger": "axis" });
    option["grid"] = json!({ "left": 8, "right": 16, "top": 16, "bottom": 8, "containLabel": true });
    option["xAxis"] = json!({ "type": "category", "data": entries.iter().map(|(grade, _)| grade).collect::<Vec<_>>() });
    option["yAxis"] = json!({ "type": "value", "minInterval": 1 });
    option["series"] = json!([{
        "name": series_name,
        "type": "bar",
        "barMaxWidth": 40,
        "data": entries.iter().map(|(_, count)| count).collect::<Vec<_>>(),
    }]);
    let summary = entries.iter().map(|(grade, count)| format!("{grade}: {count}")).collect::<Vec<_>>().join("; ");
    Chart { id, title, option_json: charts::script_safe(&option), summary }
}

/// A radar of each area's share of its points.
fn area_radar(id: &'static str, title: &'static str, series_name: &str, entries: &[(String, f64)]) -> Chart {
    let mut option = charts::base();
    option["radar"] = json!({
        "indicator": entries.iter().map(|(name, _)| json!({ "name": name, "max": 100 })).collect::<Vec<_>>(),
        "radius": "62%",
    });
    option["series"] = json!([{
        "name": series_name,
        "type": "radar",
        "areaStyle": { "opacity": 0.25 },
        "data": [{ "name": series_name, "value": entries.iter().map(|(_, fraction)| (fraction * 1000.0).round() / 10.0).collect::<Vec<_>>() }],
    }]);
    let summary = entries
        .iter()
        .map(|(name, fraction)| format!("{name}: {}%", points(fraction * 100.0)))
        .collect::<Vec<_>>()
        .join("; ");
    Chart { id, title, option_json: charts::script_safe(&option), summary }
}

/// `GET /console/supplier-assessment/campaigns/{id}/ranking.csv`.
pub async fn ranking_download(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<Uuid>() else { return ErrorPage::not_found(&console.web).into_response() };
    match state.store().campaign_results(console.actor(), id).await {
        Ok(results) => super::ranking_csv(&results, console.text().language),
        Err(AssessmentError::Store(error)) => ErrorPage::from_store(&console.web, error).into_response(),
        Err(other) => ErrorPage::internal(&console.web, &other).into_response(),
    }
}

/// An evidence item as the questionnaire shows it.
pub struct EvidenceView {
    pub file_name: String,
    pub kind: String,
    pub size: String,
    pub sha256_short: String,
    pub href: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub reviewer: Option<String>,
    pub comment: Option<String>,
    pub decide_action: Option<String>,
}

/// An indicator with its answer, score and forms.
pub struct IndicatorView {
    pub id: String,
    pub area: String,
    pub name: String,
    pub answered: Option<String>,
    pub version: Option<u32>,
    pub note: Option<String>,
    pub scored: String,
    pub points: String,
    pub max_points: String,
    pub outcome: String,
    pub evidence: Vec<EvidenceView>,
    /// (tier id, label with points) for the answer form.
    pub tiers: Vec<(String, String)>,
    pub can_answer: bool,
    pub can_upload: bool,
    pub can_reopen: bool,
    /// (kind code, label), the claimed tier's required kinds first.
    pub kinds: Vec<(String, String)>,
}

/// A gap as the improvement list shows it.
pub struct GapView {
    pub indicator: String,
    pub next_tier: String,
    pub points: String,
    pub evidence: String,
}

#[derive(Template)]
#[template(path = "supplier_questionnaire.html")]
struct QuestionnairePage {
    frame: Frame,
    words: &'static CampaignText,
    campaign_name: String,
    brand_name: String,
    supplier_name: String,
    framework: String,
    due_on: String,
    illustrative_note: Option<String>,
    read_by_brand: bool,
    invited_pending: bool,
    back_href: String,
    score: String,
    max_score: String,
    grade: String,
    band_grade: String,
    gates: Vec<String>,
    indicators: Vec<IndicatorView>,
    gaps: Vec<GapView>,
    charts: Vec<Chart>,
    can_submit: bool,
    action_base: String,
    error: Option<String>,
}

fn tier_label(language: Language, questionnaire: &Questionnaire, indicator: &str, tier: &str) -> String {
    questionnaire
        .framework
        .indicator(indicator)
        .and_then(|found| found.tier(tier))
        .map(|found| if language == Language::English { found.label_en.clone() } else { found.label_zh.clone() })
        .unwrap_or_else(|| tier.to_owned())
}

fn evidence_view(
    words: &'static CampaignText,
    action_base: &str,
    item: &StoredEvidence,
    can_decide: bool,
) -> EvidenceView {
    let (status, status_class, reviewer, comment) = match item.last_decision() {
        Some(decision) => match &decision.verdict {
            Verdict::Accepted => (words.decision_accepted, "badge-ok", Some(decision.reviewer_name.clone()), None),
            Verdict::Rejected { comment } => {
                (words.decision_rejected, "badge-warn", Some(decision.reviewer_name.clone()), Some(comment.clone()))
            }
        },
        None => (words.decision_awaiting, "badge-muted", None, None),
    };
    EvidenceView {
        file_name: item.file_name.clone(),
        kind: item.kind.localize(words.language),
        size: format!("{} KB", item.size_bytes.div_ceil(1000)),
        sha256_short: item.sha256.chars().take(12).collect(),
        href: format!("{action_base}/evidence/{}", item.id),
        status,
        status_class,
        reviewer,
        comment,
        decide_action: can_decide.then(|| format!("{action_base}/evidence/{}/decision", item.id)),
    }
}

fn questionnaire_page(
    frame: Frame,
    console: &Console,
    words: &'static CampaignText,
    questionnaire: &Questionnaire,
    error: Option<String>,
) -> QuestionnairePage {
    let language = words.language;
    let english = language == Language::English;
    let actor = console.actor();
    let brand = questionnaire.read_by_brand;
    let may_answer = !brand && actor.may(Permission::AnswerSupplierAssessments);
    let may_review = brand && actor.may(Permission::ReviewSupplierEvidence);
    let action_base = format!("{CAMPAIGNS_PATH}/participants/{}", questionnaire.participant.id);
    let mut indicators = Vec::new();
    for area in &questionnaire.scorecard.areas {
        let Some(framework_area) = questionnaire.framework.areas.iter().find(|candidate| candidate.id == area.area)
        else {
            continue;
        };
        for scored in &area.indicators {
            let Some(indicator) = questionnaire.framework.indicator(&scored.indicator) else { continue };
            let current = questionnaire.current(&indicator.id);
            let claimed = current.and_then(|answer| indicator.tier(&answer.tier));
            let mut kinds: Vec<EvidenceKind> = claimed.map(|tier| tier.evidence.clone()).unwrap_or_default();
            kinds.extend(EvidenceKind::ALL.iter().filter(|kind| !kinds.contains(kind)).copied().collect::<Vec<_>>());
            indicators.push(IndicatorView {
                id: indicator.id.clone(),
                area: if english { framework_area.name_en.clone() } else { framework_area.name_zh.clone() },
                name: if english { indicator.name_en.clone() } else { indicator.name_zh.clone() },
                answered: current.map(|answer| tier_label(language, questionnaire, &indicator.id, &answer.tier)),
                version: current.map(|answer| answer.version),
                note: current.and_then(|answer| answer.note.clone()),
                scored: tier_label(language, questionnaire, &indicator.id, &scored.scored_tier),
                points: points(scored.points),
                max_points: points(
                    area.weight * indicator.weight
                        / framework_area.indicators.iter().map(|candidate| candidate.weight).sum::<f64>(),
                ),
                outcome: scored.outcome.localize(language),
                evidence: current
                    .map(|answer| {
                        answer
                            .evidence
                            .iter()
                            .map(|item| evidence_view(words, &action_base, item, may_review))
                            .collect()
                    })
                    .unwrap_or_default(),
                tiers: indicator
                    .tiers
                    .iter()
                    .map(|tier| {
                        let label = if english { &tier.label_en } else { &tier.label_zh };
                        (tier.id.clone(), format!("{label} ({})", points(tier.points)))
                    })
                    .collect(),
                can_answer: may_answer && current.is_none_or(|answer| answer.reopened_at.is_some()),
                can_upload: may_answer
                    && current.is_some_and(|answer| answer.submitted_at.is_none() && answer.reopened_at.is_none()),
                can_reopen: current.is_some_and(|answer| {
                    answer.reopened_at.is_none() && (may_answer || (may_review && answer.submitted_at.is_some()))
                }),
                kinds: kinds.iter().map(|kind| (evidence_kind_code(*kind), kind.localize(language))).collect(),
            });
        }
    }
    let gaps = questionnaire
        .scorecard
        .gaps(&questionnaire.framework)
        .iter()
        .take(8)
        .map(|gap| GapView {
            indicator: questionnaire
                .framework
                .indicator(&gap.indicator)
                .map(|indicator| if english { indicator.name_en.clone() } else { indicator.name_zh.clone() })
                .unwrap_or_else(|| gap.indicator.clone()),
            next_tier: tier_label(language, questionnaire, &gap.indicator, &gap.next_tier),
            points: points(gap.points_to_best_tier),
            evidence: gap.evidence_needed.iter().map(|kind| kind.localize(language)).collect::<Vec<_>>().join("、"),
        })
        .collect();
    let areas: Vec<(String, f64)> = questionnaire
        .scorecard
        .areas
        .iter()
        .map(|area| {
            let name = questionnaire
                .framework
                .areas
                .iter()
                .find(|candidate| candidate.id == area.area)
                .map(|found| if english { found.name_en.clone() } else { found.name_zh.clone() })
                .unwrap_or_else(|| area.area.clone());
            (name, area.fraction)
        })
        .collect();
    let gates = questionnaire
        .scorecard
        .gates
        .iter()
        .map(|gate| {
            let name = questionnaire
                .framework
                .gates
                .iter()
                .find(|candidate| candidate.id == gate.gate)
                .map(|found| if english { found.name_en.clone() } else { found.name_zh.clone() })
                .unwrap_or_else(|| gate.gate.clone());
            format!("{name} {} {}", words.gate_caps, gate.cap_grade)
        })
        .collect();
    let campaign = &questionnaire.campaign;
    QuestionnairePage {
        campaign_name: campaign.name.clone(),
        brand_name: campaign.brand_name.clone(),
        supplier_name: questionnaire.participant.supplier_name.clone(),
        framework: framework_name(language, campaign),
        due_on: campaign.due_on.to_string(),
        illustrative_note: campaign.illustrative_note.as_deref().map(|note| note_in(language, note)),
        read_by_brand: brand,
        invited_pending: questionnaire.participant.supplier_organisation_id.is_none(),
        back_href: if brand {
            format!("{CAMPAIGNS_PATH}/campaigns/{}", campaign.id)
        } else {
            CAMPAIGNS_PATH.to_owned()
        },
        score: points(questionnaire.scorecard.score),
        max_score: points(questionnaire.scorecard.max_score),
        grade: questionnaire.scorecard.grade.clone(),
        band_grade: questionnaire.scorecard.band_grade.clone(),
        gates,
        indicators,
        gaps,
        charts: vec![area_radar("supplier-areas", words.chart_areas, words.series_fraction, &areas)],
        can_submit: may_answer && questionnaire.answers.iter().any(|answer| answer.submitted_at.is_none()),
        action_base,
        error,
        frame,
        words,
    }
}

async fn show_questionnaire(
    state: &AppState,
    console: &Console,
    participant_id: Uuid,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let questionnaire = match state.store().questionnaire(console.actor(), participant_id).await {
        Ok(found) => found,
        Err(AssessmentError::Store(error)) => return ErrorPage::from_store(&console.web, error).into_response(),
        Err(other) => return ErrorPage::internal(&console.web, &other).into_response(),
    };
    let (frame, words) = match assessment_frame(console, &questionnaire.participant.supplier_name) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    render(status, &questionnaire_page(frame, console, words, &questionnaire, error))
}

fn participant_id(console: &Console, raw: &str) -> Result<Uuid, Box<Response>> {
    raw.parse::<Uuid>().map_err(|_| Box::new(ErrorPage::not_found(&console.web).into_response()))
}

/// `GET /console/supplier-assessment/participants/{id}`: the questionnaire and its scorecard.
pub async fn questionnaire(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let id = match participant_id(&console, &id) {
        Ok(id) => id,
        Err(page) => return *page,
    };
    show_questionnaire(&state, &console, id, None, StatusCode::OK).await
}

/// After a step: back to the questionnaire with a notice, or the questionnaire again with the refusal.
async fn after_step(
    state: &AppState,
    console: &Console,
    participant: Uuid,
    result: Result<(), AssessmentError>,
    notice: &str,
    anchor: &str,
) -> Response {
    match result {
        Ok(()) => see_other(&format!("{CAMPAIGNS_PATH}/participants/{participant}?notice={notice}#{anchor}")),
        Err(error) => match refusal(console, error) {
            Ok(message) => {
                show_questionnaire(state, console, participant, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(page) => *page,
        },
    }
}

/// The answer form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub indicator: String,
    pub tier: String,
    pub note: String,
}

/// `POST …/participants/{id}/answer`.
pub async fn answer(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let id = match participant_id(&console, &id) {
        Ok(id) => id,
        Err(page) => return *page,
    };
    let result = state
        .store()
        .answer_indicator(console.actor(), id, &form.indicator, &form.tier, Some(&form.note))
        .await
        .map(|_| ());
    after_step(&state, &console, id, result, "answered", &form.indicator).await
}

/// The reopen form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReopenForm {
    pub indicator: String,
}

/// `POST …/participants/{id}/reopen`.
pub async fn reopen(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<ReopenForm>,
) -> Response {
    let id = match participant_id(&console, &id) {
        Ok(id) => id,
        Err(page) => return *page,
    };
    let result = state.store().reopen_answer(console.actor(), id, &form.indicator).await;
    after_step(&state, &console, id, result, "reopened", &form.indicator).await
}

/// `POST …/participants/{id}/submit`.
pub async fn submit(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let id = match participant_id(&console, &id) {
        Ok(id) => id,
        Err(page) => return *page,
    };
    let result = state.store().submit_questionnaire(console.actor(), id).await.map(|_| ());
    after_step(&state, &console, id, result, "submitted", "submit").await
}

/// The decision form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub verdict: String,
    pub comment: String,
}

/// `POST …/participants/{id}/evidence/{evidence_id}/decision`.
pub async fn decide(
    State(state): State<AppState>,
    console: Console,
    Path((id, evidence_id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let (Ok(id), Ok(evidence_id)) = (id.parse::<Uuid>(), evidence_id.parse::<Uuid>()) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    let verdict = match super::api::parse_verdict(&form.verdict, form.comment.clone()) {
        Ok(verdict) => verdict,
        Err(error) => {
            let message = console.text().field_problem(error.field, &error.problem);
            return show_questionnaire(&state, &console, id, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let result = state.store().review_evidence(console.actor(), id, evidence_id, verdict).await;
    after_step(&state, &console, id, result, "reviewed", "indicators").await
}

/// `POST …/participants/{id}/evidence` (multipart: `indicator`, `kind`, `file`).
pub async fn upload(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let id = match participant_id(&console, &id) {
        Ok(id) => id,
        Err(page) => return *page,
    };
    let mut indicator = String::new();
    let mut kind = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("indicator") => indicator = field.text().await.unwrap_or_default(),
                Some("kind") => kind = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_owned();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes.to_vec())),
                        Err(_) => return ErrorPage::payload_too_large(&console.web).into_response(),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return ErrorPage::payload_too_large(&console.web).into_response(),
        }
    }
    let (file_name, bytes) = file.unwrap_or_default();
    let result =
        state.store().upload_evidence(console.actor(), id, &indicator, &kind, &file_name, &bytes).await.map(|_| ());
    after_step(&state, &console, id, result, "uploaded", &indicator).await
}

/// `GET …/participants/{id}/evidence/{evidence_id}`: the file, as an attachment.
pub async fn download(
    State(state): State<AppState>,
    console: Console,
    Path((id, evidence_id)): Path<(String, String)>,
) -> Response {
    let (Ok(id), Ok(evidence_id)) = (id.parse::<Uuid>(), evidence_id.parse::<Uuid>()) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    match state.store().evidence_content(console.actor(), id, evidence_id).await {
        Ok((facts, content)) => crate::download::attachment(facts.media_type.mime(), &facts.file_name, content),
        Err(AssessmentError::Store(error)) => ErrorPage::from_store(&console.web, error).into_response(),
        Err(other) => ErrorPage::internal(&console.web, &other).into_response(),
    }
}
