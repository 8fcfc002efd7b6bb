//! What the public label templates show, built from a publication: every number formatted, every sentence in the
//! page's language, the charts drawn. Only the publication's content and record are read, so nothing the publisher
//! did not publish (who clicked "publish", internal ids outside the content) can reach the page.

use askama::Template;
use tanji_footprint::{Assurance, ComparisonWithheld, PublishedFootprint, PublishedStage, Stage};
use tanji_label::label::{FootprintStandard, Interval, LabelFacts, LabelVerification};
use tanji_label::page_chart::{range_svg, stage_bars_svg};
use tanji_label::publication::{ChainProblem, UnreadableRecord, content_hash};
use tanji_label::text::{MassUnit, format_mass_kg, format_significant};
use tanji_store::{PublicChain, PublicLabel, Publication};
use tanji_tenancy::member::Language;

use crate::i18n::Text;

/// How the page was asked for: its language, whether the language was chosen in the URL, and the version asked for.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    pub language: Language,
    /// `?lang=` was given: links on the page keep it.
    pub explicit_language: bool,
    /// `?v=` was given.
    pub version: Option<u32>,
}

impl Request {
    /// The page's strings.
    pub fn t(&self) -> &'static Text {
        Text::of(self.language)
    }

    /// The other language's strings, shown smaller beside headings.
    pub fn s(&self) -> &'static Text {
        Text::of(match self.language {
            Language::SimplifiedChinese => Language::English,
            Language::English => Language::SimplifiedChinese,
        })
    }

    /// `path` with `?v=version` (when given) and `lang` (when the language was chosen in the URL).
    pub fn link(&self, path: &str, version: Option<u32>) -> String {
        let mut query = Vec::new();
        if let Some(version) = version {
            query.push(format!("v={version}"));
        }
        if self.explicit_language {
            query.push(format!("lang={}", language_parameter(self.language)));
        }
        if query.is_empty() { path.to_owned() } else { format!("{path}?{}", query.join("&")) }
    }

    /// `path` in `language`, keeping the version asked for.
    pub fn link_in(&self, path: &str, language: Language) -> String {
        match self.version {
            Some(version) => format!("{path}?v={version}&lang={}", language_parameter(language)),
            None => format!("{path}?lang={}", language_parameter(language)),
        }
    }
}

/// The `lang` query value of a language.
pub fn language_parameter(language: Language) -> &'static str {
    match language {
        Language::SimplifiedChinese => "zh",
        Language::English => "en",
    }
}

/// The top of every public page: strings, title, language links.
#[derive(Debug)]
pub struct Chrome {
    pub t: &'static Text,
    pub s: &'static Text,
    pub title: String,
    pub zh_href: String,
    pub en_href: String,
    pub is_zh: bool,
    /// ": " or "：" between a label and its value.
    pub colon: &'static str,
    /// ", " or "，".
    pub comma: &'static str,
}

impl Chrome {
    fn new(request: &Request, title: String, path: &str) -> Self {
        Self {
            t: request.t(),
            s: request.s(),
            title,
            zh_href: request.link_in(path, Language::SimplifiedChinese),
            en_href: request.link_in(path, Language::English),
            is_zh: request.language == Language::SimplifiedChinese,
            colon: pick(request.language, "：", ": "),
            comma: request_comma(request.language),
        }
    }
}

/// A label and value.
#[derive(Debug)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    /// A hash or code, set in monospace and broken anywhere.
    pub mono: bool,
}

fn fact(label: &'static str, value: impl Into<String>) -> Fact {
    Fact { label, value: value.into(), mono: false }
}

fn hash_fact(label: &'static str, value: impl Into<String>) -> Fact {
    Fact { label, value: value.into(), mono: true }
}

// ---------------------------------------------------------------------------------------------------------------
// The label page

/// `GET /l/{code}`.
#[derive(Template)]
#[template(path = "label_page.html")]
pub struct LabelPage {
    pub chrome: Chrome,
    pub code_display: String,
    pub version: u32,
    pub newer: Option<String>,
    pub newer_href: String,
    /// The chain check's problems in words; empty when the record is intact.
    pub integrity_problems: Vec<String>,
    pub footprint: Option<FootprintView>,
    pub verify_href: String,
    pub svg_href: String,
    pub png_href: String,
}

/// The published footprint, formatted.
#[derive(Debug)]
pub struct FootprintView {
    pub name: String,
    pub other_name: String,
    pub organisation: String,
    pub number: String,
    pub unit: String,
    pub declared_unit: String,
    pub other_declared_unit: String,
    pub range_text: Option<String>,
    pub range_chart: Option<String>,
    pub range_explained: String,
    pub reduction: Option<ReductionView>,
    /// Why the comparison with a conventional product is not shown, when the model has one.
    pub comparison_withheld: Option<String>,
    pub stage_chart: String,
    /// Some stage is below zero (uptake or credits), which the note under the chart explains.
    pub has_negative_stage: bool,
    pub split: Vec<Fact>,
    pub primary_share: String,
    pub primary_share_percent: String,
    pub dqr: Option<DqrView>,
    pub exempted: String,
    pub sign_off: Option<SignOffView>,
    pub about: Vec<Fact>,
}

/// The comparison with the conventional product.
#[derive(Debug)]
pub struct ReductionView {
    /// "降低 25%", or "about the same" when less than 1 % would be claimed.
    pub headline: String,
    /// The hero's badge: "比常规产品低 25%".
    pub badge: String,
    /// Whether the product is lower than the baseline (the headline is then a claim).
    pub lower: bool,
    pub difference: String,
    pub baseline_name: String,
    pub baseline_figure: String,
    pub product_figure: String,
    pub baseline_short_figure: String,
    /// Bar lengths of the product and the baseline, in per cent of the longer one.
    pub product_bar_percent: String,
    pub baseline_bar_percent: String,
    /// What part of the reduction is biogenic uptake, when some is.
    pub uptake_note: Option<String>,
}

/// The data quality rating.
#[derive(Debug)]
pub struct DqrView {
    pub overall: String,
    pub grade: &'static str,
    pub parts: Vec<Fact>,
}

/// A verifier's sign-off.
#[derive(Debug)]
pub struct SignOffView {
    /// Whether it was made for an independent verification body (third-party verification); otherwise the
    /// publisher's own auditor signed: internal review.
    pub independent: bool,
    pub organisation: String,
    pub verifier: String,
    pub statement: String,
    pub signed_on: String,
}

/// Kilograms of `kg` expressed in `unit`.
fn in_unit(kg: f64, unit: MassUnit) -> f64 {
    match unit {
        MassUnit::Gram => kg * 1000.0,
        MassUnit::Kilogram => kg,
        MassUnit::Tonne => kg / 1000.0,
    }
}

fn co2e(unit: MassUnit) -> String {
    format!("{} CO₂e", unit.symbol())
}

fn stage_name(stage: Stage, language: Language) -> &'static str {
    match language {
        Language::SimplifiedChinese => stage.name_zh(),
        Language::English => stage.name_en(),
    }
}

fn pick<'a>(language: Language, zh: &'a str, en: &'a str) -> &'a str {
    match language {
        Language::SimplifiedChinese => zh,
        Language::English => en,
    }
}

fn request_comma(language: Language) -> &'static str {
    pick(language, "，", ", ")
}

fn percent(value: f64) -> String {
    format!("{}%", format_significant(value, 3))
}

fn day(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%d").to_string()
}

/// A time as the record hash covers it: RFC 3339 in UTC with six fractional digits, `2026-03-02T08:00:00.000000Z`.
fn moment(timestamp: jiff::Timestamp) -> String {
    format!("{timestamp:.6}")
}

/// The code as printed under the QR code: `K7M2-9XQD`.
pub fn display_code(code: &str) -> String {
    if code.len() == 8 { format!("{}-{}", &code[..4], &code[4..]) } else { code.to_owned() }
}

/// The standard named in a published footprint, as the label knows it (ISO 14067 unless another is named).
fn standard(summary: &PublishedFootprint) -> FootprintStandard {
    [FootprintStandard::GbT24067_2024, FootprintStandard::Pas2050_2011]
        .into_iter()
        .find(|standard| standard.designation() == summary.standard.trim())
        .unwrap_or(FootprintStandard::Iso14067_2018)
}

/// What the label artwork says about a publication; `url` is the absolute short URL its QR code opens.
pub fn label_facts(publication: &Publication, summary: &PublishedFootprint, url: String) -> LabelFacts {
    let record = &publication.record;
    let assurance = publication.assurance();
    LabelFacts {
        product_name_zh: summary.name_zh.clone(),
        product_name_en: summary.name_en.clone(),
        declared_unit_zh: summary.declared_unit.name_zh.clone(),
        declared_unit_en: summary.declared_unit.name_en.clone(),
        kg_co2e_per_unit: summary.total_kg_co2e,
        interval_95_kg_co2e_per_unit: summary
            .range
            .as_ref()
            .map(|range| Interval { low: range.p2_5_kg_co2e, high: range.p97_5_kg_co2e }),
        // Only a verified footprint's comparison is printed: the same rule as the page (`Assurance`).
        baseline_kg_co2e_per_unit: summary
            .public_comparison(assurance)
            .map(|baseline| baseline.total_kg_co2e)
            .filter(|total| total.is_finite() && *total > 0.0),
        verification: match (assurance, &record.sign_off) {
            (Assurance::Verified, Some(sign_off)) => {
                LabelVerification::ThirdParty { verifier: sign_off.verifier_organisation.clone() }
            }
            (Assurance::InternalReview, _) => LabelVerification::InternalReview,
            _ => LabelVerification::SelfDeclared,
        },
        standard: standard(summary),
        url,
        version: record.version,
        published_on: record.published_at.to_zoned(jiff::tz::TimeZone::UTC).date(),
    }
}

/// The stages as the chart takes them, in `unit`.
fn chart_stages(stages: &[PublishedStage], language: Language, unit: MassUnit) -> Vec<(String, f64)> {
    stages.iter().map(|stage| (stage_name(stage.stage, language).to_owned(), in_unit(stage.kg_co2e, unit))).collect()
}

/// The DQR grade of the PEF method's bands (≤ 1.6 excellent, ≤ 2 very good, ≤ 3 good, ≤ 4 fair, else poor).
fn dqr_grade(t: &'static Text, overall: f64) -> &'static str {
    match overall {
        value if value <= 1.6 => t.public_dqr_excellent,
        value if value <= 2.0 => t.public_dqr_very_good,
        value if value <= 3.0 => t.public_dqr_good,
        value if value <= 4.0 => t.public_dqr_fair,
        _ => t.public_dqr_poor,
    }
}

fn footprint_view(request: &Request, publication: &Publication, summary: &PublishedFootprint) -> FootprintView {
    let record = &publication.record;
    let (t, language) = (request.t(), request.language);
    let unit = MassUnit::for_kg(summary.total_kg_co2e);
    let unit_label = co2e(unit);
    let show = |kg: f64| format!("{} {unit_label}", unit.format(kg));
    let declared_unit = pick(language, &summary.declared_unit.name_zh, &summary.declared_unit.name_en).to_owned();
    let other_declared_unit = pick(language, &summary.declared_unit.name_en, &summary.declared_unit.name_zh).to_owned();
    // The label's facts carry the claim rules (whole per cent, rounded down, at least 1 %): page and label agree.
    let facts = label_facts(publication, summary, String::new());

    let range = summary.range.as_ref();
    let range_text = range
        .map(|range| format!("{}–{} {unit_label}", unit.format(range.p2_5_kg_co2e), unit.format(range.p97_5_kg_co2e)));
    let range_chart = range.and_then(|range| {
        range_svg(
            in_unit(range.p2_5_kg_co2e, unit),
            in_unit(range.p50_kg_co2e, unit),
            in_unit(range.p97_5_kg_co2e, unit),
            in_unit(summary.total_kg_co2e, unit),
            &unit_label,
        )
        .ok()
    });
    let range_explained = match range {
        Some(range) => {
            t.public_range_explained.replace("{iterations}", &format_significant(range.iterations as f64, 6))
        }
        None => t.public_no_range.to_owned(),
    };

    let assurance = publication.assurance();
    let comparison = summary.public_comparison(assurance);
    let comparison_withheld = summary.withheld_comparison(assurance).map(|reason| match reason {
        ComparisonWithheld::NotVerified => t.public_comparison_not_verified.to_owned(),
        ComparisonWithheld::InternalReviewOnly => t.public_comparison_internal_review.to_owned(),
        _ => t.public_comparison_withheld.to_owned(),
    });
    let uptake_note = summary.reduction_from_uptake(assurance).map(|uptake| {
        let amount = format!("{} CO₂e", format_mass_kg(uptake.uptake_kg_co2e));
        match uptake.reduction_excluding_uptake_percent {
            Some(percent_excluding) => t
                .public_reduction_uptake
                .replace("{amount}", &amount)
                .replace("{percent}", &format_significant(percent_excluding, 2)),
            None => t.public_reduction_uptake_baseline_unknown.replace("{amount}", &amount),
        }
    });
    let reduction = comparison.map(|baseline| {
        let claimed = facts.claimed_reduction_percent();
        let headline = match claimed {
            Some(claimed) => t.public_percent_lower.replace("{percent}", &claimed.to_string()),
            None => t.public_about_the_same.to_owned(),
        };
        let badge =
            claimed.map_or_else(String::new, |claimed| t.public_badge_lower.replace("{percent}", &claimed.to_string()));
        let longest = summary.total_kg_co2e.max(baseline.total_kg_co2e);
        let bar = |kg: f64| {
            let share = if longest > 0.0 { (kg / longest * 100.0).clamp(0.0, 100.0) } else { 0.0 };
            format!("{share:.1}")
        };
        let amount = format!("{} CO₂e", format_mass_kg(baseline.reduction_kg_co2e.abs()));
        let difference = if baseline.reduction_kg_co2e >= 0.0 {
            t.public_less_than_baseline.replace("{amount}", &amount)
        } else {
            t.public_more_than_baseline.replace("{amount}", &amount)
        };
        ReductionView {
            headline,
            badge,
            lower: claimed.is_some(),
            difference,
            baseline_name: pick(language, &baseline.name_zh, &baseline.name_en).to_owned(),
            baseline_figure: format!("{} {declared_unit}", show(baseline.total_kg_co2e)),
            product_figure: show(summary.total_kg_co2e),
            baseline_short_figure: show(baseline.total_kg_co2e),
            product_bar_percent: bar(summary.total_kg_co2e),
            baseline_bar_percent: bar(baseline.total_kg_co2e),
            uptake_note: uptake_note.clone(),
        }
    });
    let stages = chart_stages(&summary.stages, language, unit);
    let baseline_stages = comparison.map(|baseline| chart_stages(&baseline.stages, language, unit));
    let stage_chart = stage_bars_svg(&stages, baseline_stages.as_deref(), &unit_label);

    let split = vec![
        fact(t.public_fossil, show(summary.fossil_kg_co2e)),
        fact(t.public_biogenic_emissions, show(summary.biogenic_emissions_kg_co2e)),
        fact(t.public_biogenic_removals, show(summary.biogenic_removals_kg_co2e)),
        fact(t.public_land_use_change, show(summary.land_use_change_kg_co2e)),
        fact(t.public_total, show(summary.total_kg_co2e)),
        fact(t.public_excluding_uptake, show(summary.excluding_biogenic_uptake_kg_co2e)),
    ];

    let dqr = summary.data_quality.map(|ratings| {
        let overall = ratings.iter().sum::<f64>() / 3.0;
        DqrView {
            overall: format!("{:.1}", overall),
            grade: dqr_grade(t, overall),
            parts: vec![
                fact(t.public_dqr_technological, format!("{:.1}", ratings[0])),
                fact(t.public_dqr_temporal, format!("{:.1}", ratings[1])),
                fact(t.public_dqr_geographical, format!("{:.1}", ratings[2])),
            ],
        }
    });
    let primary_share = summary.primary_data_share_percent.clamp(0.0, 100.0);

    let sign_off = record.sign_off.as_ref().map(|sign_off| SignOffView {
        independent: assurance == Assurance::Verified,
        organisation: sign_off.verifier_organisation.clone(),
        verifier: sign_off.verifier_name.clone(),
        statement: sign_off.statement.clone(),
        signed_on: day(sign_off.signed_at),
    });

    let amount = format!(
        "{} {}",
        format_significant(summary.declared_unit.amount, 6),
        tanji_i18n::footprint::unit_symbol(&summary.declared_unit.unit, language)
    );
    let about = vec![
        fact(t.public_standard, summary.standard.clone()),
        fact(t.public_gwp, t.public_gwp_value.replace("{set}", &summary.gwp_set)),
        fact(
            t.public_reference_period,
            format!("{} – {}", summary.reference_period_start, summary.reference_period_end),
        ),
        fact(t.public_declared_unit, format!("{declared_unit}{}{amount}", request_comma(language))),
        fact(t.public_mass, format_mass_kg(summary.mass_per_declared_unit_kg)),
        fact(t.public_published_by, summary.organisation.clone()),
        fact(t.public_sku, summary.sku.clone()),
        fact(t.public_label_code, format!("{} · v{}", display_code(record.code.as_str()), record.version)),
        fact(t.public_published_on, day(record.published_at)),
        fact(t.public_model_version, format!("v{}", summary.model_version)),
    ];

    FootprintView {
        name: pick(language, &summary.name_zh, &summary.name_en).to_owned(),
        other_name: pick(language, &summary.name_en, &summary.name_zh).to_owned(),
        organisation: summary.organisation.clone(),
        number: unit.format(summary.total_kg_co2e),
        unit: unit_label.clone(),
        declared_unit,
        other_declared_unit,
        range_text,
        range_chart,
        range_explained,
        reduction,
        comparison_withheld,
        stage_chart,
        has_negative_stage: summary
            .stages
            .iter()
            .chain(comparison.iter().flat_map(|baseline| &baseline.stages))
            .any(|stage| stage.kg_co2e < 0.0),
        split,
        primary_share: percent(primary_share),
        primary_share_percent: format!("{primary_share:.1}"),
        dqr,
        exempted: percent(summary.exempted_percent),
        sign_off,
        about,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// A withdrawn version

/// `GET /l/{code}` of a withdrawn version (answered 410 Gone): when and why, in both languages, without the figures
/// the publisher no longer claims.
#[derive(Template)]
#[template(path = "label_withdrawn.html")]
pub struct WithdrawnPage {
    pub chrome: Chrome,
    pub product: String,
    pub code_display: String,
    pub version: u32,
    pub explanation: String,
    pub other_explanation: String,
    pub other_colon: &'static str,
    pub reason: Option<String>,
    /// The newest version's page, when a newer version than this one exists.
    pub newer_href: Option<String>,
    pub verify_href: String,
}

/// "Withdrawn on {date}. Its figures are no longer claimed." in the language of `t`.
fn withdrawn_explanation(t: &'static Text, publication: &Publication) -> String {
    let date = publication.withdrawn_at.map(day).unwrap_or_default();
    t.public_withdrawn_explained.replace("{date}", &date)
}

fn withdrawn_reason(publication: &Publication) -> Option<String> {
    publication.withdrawn_reason.clone().filter(|reason| !reason.trim().is_empty())
}

/// The page of `label`, a withdrawn version.
pub fn withdrawn_page(request: &Request, label: &PublicLabel) -> WithdrawnPage {
    let (t, s) = (request.t(), request.s());
    let publication = &label.publication;
    let record = &publication.record;
    let path = format!("/l/{}", record.code);
    let product = product_name(publication, request.language);
    let code_display = display_code(record.code.as_str());
    let title = format!("{} · {}", if product.is_empty() { &code_display } else { &product }, t.public_withdrawn);
    WithdrawnPage {
        chrome: Chrome::new(request, title, &path),
        product,
        code_display,
        version: record.version,
        explanation: withdrawn_explanation(t, publication),
        other_explanation: withdrawn_explanation(s, publication),
        other_colon: pick(s.language, "：", ": "),
        reason: withdrawn_reason(publication),
        newer_href: (record.version < label.latest_version).then(|| request.link(&path, None)),
        verify_href: request.link(&format!("{path}/verify"), Some(record.version)),
    }
}

/// The body of a withdrawn version's artwork or content (answered 410 Gone): when and why, in both languages.
pub fn withdrawn_text(publication: &Publication) -> String {
    let mut text = String::new();
    for (t, colon) in [(Text::of(Language::SimplifiedChinese), "："), (Text::of(Language::English), ": ")] {
        text.push_str(&format!("{}{colon}{}\n", t.public_withdrawn, withdrawn_explanation(t, publication)));
        if let Some(reason) = withdrawn_reason(publication) {
            text.push_str(&format!("{}{colon}{reason}\n", t.public_withdrawn_reason));
        }
    }
    text
}

/// The label page of `label`.
pub fn label_page(request: &Request, label: &PublicLabel) -> LabelPage {
    let t = request.t();
    let record = &label.publication.record;
    let code = record.code.as_str().to_owned();
    let path = format!("/l/{code}");
    let summary = label.publication.summary();
    let footprint = summary.as_ref().map(|summary| footprint_view(request, &label.publication, summary));
    let title = match &footprint {
        Some(footprint) => format!("{} · {}", footprint.name, t.public_carbon_label),
        None => format!("{} · {}", display_code(&code), t.public_carbon_label),
    };
    let newer = (record.version < label.latest_version).then(|| {
        t.public_newer_version
            .replace("{latest}", &label.latest_version.to_string())
            .replace("{version}", &record.version.to_string())
    });
    LabelPage {
        chrome: Chrome::new(request, title, &path),
        code_display: display_code(&code),
        version: record.version,
        newer,
        newer_href: request.link(&path, None),
        integrity_problems: label.problems.iter().map(|problem| explain(t, problem)).collect(),
        footprint,
        verify_href: request.link(&format!("{path}/verify"), request.version),
        // The artwork of this very version, whichever way the page was asked for.
        svg_href: format!("{path}/label.svg?v={}", record.version),
        png_href: format!("{path}/label.png?v={}&dpi=300", record.version),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The verify view

/// `GET /l/{code}/verify`.
#[derive(Template)]
#[template(path = "label_verify.html")]
pub struct VerifyPage {
    pub chrome: Chrome,
    pub code_display: String,
    pub version: u32,
    pub product_name: String,
    pub label_href: String,
    pub content_json_href: String,
    pub intact: bool,
    pub record: Vec<Fact>,
    pub record_problems: Vec<String>,
    pub chain_summary: String,
    pub chain_intact: bool,
    pub head: String,
    pub rows: Vec<ChainRow>,
    pub canonical_json: String,
    pub check_command: String,
}

/// One record of the chain table.
#[derive(Debug)]
pub struct ChainRow {
    pub sequence: u64,
    pub code: String,
    pub href: String,
    /// The version, or "?" when a damaged record's cannot be read.
    pub version: String,
    pub product: String,
    pub date: String,
    pub record_hash_short: String,
    pub record_hash: String,
    pub ok: bool,
    pub this_one: bool,
    pub withdrawn: bool,
    pub problems: Vec<String>,
}

/// A chain problem in words.
pub fn explain(t: &'static Text, problem: &ChainProblem) -> String {
    match problem {
        ChainProblem::ContentAltered { .. } => t.public_problem_content.to_owned(),
        ChainProblem::RecordAltered { .. } => t.public_problem_record.to_owned(),
        ChainProblem::LinkBroken { .. } => t.public_problem_link.to_owned(),
        ChainProblem::SequenceGap { expected, found } => t
            .public_problem_sequence
            .replace("{expected}", &expected.to_string())
            .replace("{found}", &found.to_string()),
        ChainProblem::VersionGap { expected, found } => {
            t.public_problem_version.replace("{expected}", &expected.to_string()).replace("{found}", &found.to_string())
        }
        ChainProblem::Unreadable { field } => t.public_problem_unreadable.replace("{field}", field),
        ChainProblem::PredecessorUnreadable { sequence } => {
            t.public_problem_predecessor_unreadable.replace("{sequence}", &sequence.to_string())
        }
        _ => t.public_problem_other.to_owned(),
    }
}

/// The product name of a publication's content, if it can be read.
fn product_name(publication: &Publication, language: Language) -> String {
    let content = &publication.record.content;
    let name = |key: &str| content.get(key).and_then(|value| value.as_str()).map(str::to_owned);
    match language {
        Language::SimplifiedChinese => name("name_zh").or_else(|| name("name_en")),
        Language::English => name("name_en").or_else(|| name("name_zh")),
    }
    .unwrap_or_default()
}

/// The verify view of version `index` of the chain (an index into `chain.publications`, of a readable record), with
/// `base_url` for the command that checks the content hash.
pub fn verify_page(request: &Request, chain: &PublicChain, index: usize, base_url: &str) -> VerifyPage {
    let t = request.t();
    let publication = chain.publications[index].as_ref().expect("the verify view is of a readable record");
    let record = &publication.record;
    let code = record.code.as_str();
    let path = format!("/l/{code}");
    let check = &chain.report.records[index];
    let product = product_name(publication, request.language);

    let mut facts = vec![
        fact(t.public_label_code, format!("{} · v{}", display_code(code), record.version)),
        fact(t.public_sequence, record.sequence.to_string()),
        hash_fact(t.public_published_at, moment(record.published_at)),
        hash_fact(t.public_content_hash, record.content_hash.to_string()),
    ];
    let recomputed_content = content_hash(&record.content);
    if recomputed_content != record.content_hash {
        facts.push(hash_fact(t.public_content_hash_now, recomputed_content.to_string()));
    }
    facts.push(hash_fact(t.public_previous_hash, record.previous_hash.to_string()));
    facts.push(hash_fact(t.public_record_hash, record.record_hash.to_string()));
    let recomputed_record = record.compute_record_hash();
    if recomputed_record != record.record_hash {
        facts.push(hash_fact(t.public_record_hash_now, recomputed_record.to_string()));
    }
    match &record.sign_off {
        Some(sign_off) => {
            let signed_for = match publication.assurance() {
                Assurance::Verified => t.public_verified_by,
                _ => t.public_internal_review_by,
            };
            facts.push(fact(signed_for, sign_off.verifier_organisation.clone()));
            facts.push(fact(t.public_verifier, sign_off.verifier_name.clone()));
            facts.push(fact(t.public_statement, sign_off.statement.clone()));
            facts.push(hash_fact(t.public_signed_on, moment(sign_off.signed_at)));
        }
        None => facts.push(fact(t.public_sign_off, t.public_none_self_declared)),
    }

    let rows: Vec<ChainRow> = chain
        .publications
        .iter()
        .zip(&chain.report.records)
        .enumerate()
        .map(|(row_idx, (publication, check))| {
            let publication = match publication {
                Ok(publication) => publication,
                Err(unreadable) => return unreadable_row(request, unreadable, check.problems.iter()),
            };
            let record = &publication.record;
            let record_hash = record.record_hash.to_string();
            ChainRow {
                sequence: record.sequence,
                code: display_code(record.code.as_str()),
                href: request.link(&format!("/l/{}", record.code), Some(record.version)),
                version: record.version.to_string(),
                product: product_name(publication, request.language),
                date: day(record.published_at),
                record_hash_short: record_hash[..12].to_owned(),
                record_hash,
                ok: check.is_ok(),
                this_one: row_idx == index,
                withdrawn: publication.withdrawn_at.is_some(),
                problems: check.problems.iter().map(|problem| explain(t, problem)).collect(),
            }
        })
        .collect();
    let failures = chain.report.failures().count();
    let chain_summary = if failures == 0 {
        t.public_chain_intact.replace("{count}", &rows.len().to_string())
    } else {
        t.public_chain_broken.replace("{count}", &failures.to_string())
    };
    let title = format!("{} · {}", t.public_verify_title, display_code(code));
    let content_json_path = format!("{path}/content.json?v={}", record.version);
    VerifyPage {
        chrome: Chrome::new(request, title, &format!("{path}/verify")),
        code_display: display_code(code),
        version: record.version,
        product_name: product,
        label_href: request.link(&path, request.version),
        check_command: format!("curl -s '{base_url}{content_json_path}' | sha256sum"),
        content_json_href: content_json_path,
        intact: check.is_ok(),
        record: facts,
        record_problems: check.problems.iter().map(|problem| explain(t, problem)).collect(),
        chain_summary,
        chain_intact: failures == 0,
        head: chain.report.head.map(|head| head.to_string()).unwrap_or_default(),
        rows,
        canonical_json: record.canonical_content(),
    }
}

/// The chain table's row of a damaged record: what could be read of it, and what is wrong.
fn unreadable_row<'a>(
    request: &Request,
    unreadable: &UnreadableRecord,
    problems: impl Iterator<Item = &'a ChainProblem>,
) -> ChainRow {
    let record_hash = unreadable.record_hash.map(|hash| hash.to_string()).unwrap_or_default();
    let code = unreadable.code.as_ref();
    ChainRow {
        sequence: unreadable.sequence,
        code: code.map_or_else(|| "?".to_owned(), |code| display_code(code.as_str())),
        href: code.map_or_else(String::new, |code| request.link(&format!("/l/{code}/verify"), None)),
        version: unreadable.version.map_or_else(|| "?".to_owned(), |version| version.to_string()),
        product: String::new(),
        date: String::new(),
        record_hash_short: record_hash.get(..12).unwrap_or("?").to_owned(),
        record_hash,
        ok: false,
        this_one: false,
        withdrawn: false,
        problems: problems.map(|problem| explain(request.t(), problem)).collect(),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Not found

/// The page for a code that is unknown or malformed.
#[derive(Template)]
#[template(path = "label_missing.html")]
pub struct MissingPage {
    pub chrome: Chrome,
    pub heading: &'static str,
    pub message: &'static str,
    pub other_heading: &'static str,
    pub other_message: &'static str,
    pub code_given: String,
}

/// Why there is no label to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// No publication has this code (or this version).
    Unknown,
    /// The text is not a label code.
    Malformed,
    /// The store failed; logged by the caller.
    Unavailable,
}

/// The page saying there is no label at `code_given`.
pub fn missing_page(request: &Request, missing: Missing, code_given: &str) -> MissingPage {
    let words = |t: &'static Text| match missing {
        Missing::Unknown => (t.public_not_found_title, t.public_not_found),
        Missing::Malformed => (t.public_not_found_title, t.public_malformed),
        Missing::Unavailable => (t.public_unavailable_title, t.public_unavailable),
    };
    let (heading, message) = words(request.t());
    let (other_heading, other_message) = words(request.s());
    // Only a short, printable excerpt of what was asked for is shown back.
    let code_given: String = code_given.chars().filter(|ch| !ch.is_control()).take(40).collect();
    let path = format!("/l/{}", code_given.chars().filter(char::is_ascii_alphanumeric).collect::<String>());
    MissingPage {
        chrome: Chrome::new(request, heading.to_owned(), &path),
        heading,
        message,
        other_heading,
        other_message,
        code_given,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_shown_as_printed() {
        assert_eq!(display_code("K7M29XQD"), "K7M2-9XQD");
        assert_eq!(display_code("SHORT"), "SHORT");
    }

    #[test]
    fn dqr_grades_follow_the_pef_bands() {
        let t = Text::of(Language::English);
        assert_eq!(dqr_grade(t, 1.0), "Excellent");
        assert_eq!(dqr_grade(t, 2.0), "Very good");
        assert_eq!(dqr_grade(t, 2.03), "Good");
        assert_eq!(dqr_grade(t, 4.0), "Fair");
        assert_eq!(dqr_grade(t, 4.5), "Poor");
    }

    #[test]
    fn links_keep_a_language_chosen_in_the_url_only() {
        let mut request = Request { language: Language::English, explicit_language: false, version: Some(2) };
        assert_eq!(request.link("/l/K7M29XQD", None), "/l/K7M29XQD");
        assert_eq!(request.link("/l/K7M29XQD/verify", Some(2)), "/l/K7M29XQD/verify?v=2");
        request.explicit_language = true;
        assert_eq!(request.link("/l/K7M29XQD", Some(1)), "/l/K7M29XQD?v=1&lang=en");
        assert_eq!(request.link_in("/l/K7M29XQD", Language::SimplifiedChinese), "/l/K7M29XQD?v=2&lang=zh");
    }
}
