//! `/console/energy/facilities/{id}/analysis`: a facility's energy analysis — SEC per line per month, the baseline
//! fit with its statistics and Guideline 14 verdict, CUSUM with alarms, non-production load, peer gaps and the
//! ranked findings with their savings in kWh, ¥ and t CO2e.
//!
//! The view model and the ECharts options are pure functions of [`tanji_energy::Analysis`] and the language, tested
//! below on the seeded 瑞禾 example; the handler only finds the facility's inputs and renders.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use tanji_energy::Analysis;
use tanji_energy::analysis::LineResult;
use tanji_energy::regression::{Conditions, Term};
use tanji_i18n::energy::console::EnergyText;
use tanji_i18n::energy::{kwh, percent, whole};
use tanji_i18n::inventory::figure;
use tanji_i18n::{Language, Localize};

use crate::console::charts::{Chart, PALETTE, base, script_safe, tooltip_text};

/// One line in the comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRow {
    pub line: String,
    pub name: String,
    pub sku: String,
    pub output_unit: String,
    pub energy: String,
    pub production: String,
    pub sec: String,
    pub peer_median: String,
    pub gap: String,
    /// Whether the line is above its peers (shown as a warning).
    pub above_peers: bool,
    pub target_line: String,
    pub saving_kwh_per_year: String,
    pub non_production_load: String,
}

/// One line's baseline and its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineRow {
    pub line: String,
    /// The fitted model, `E = 96.2 + 0.0101·P`, or why there is none.
    pub model: String,
    pub r_squared: String,
    /// R² adjusted for the number of terms, by which the weather terms were chosen.
    pub adjusted_r_squared: String,
    /// The models compared, "P 0.91 · P+HDD 0.95 ✓", when more than one was tried.
    pub models_compared: String,
    pub cv_rmse: String,
    pub nmbe: String,
    pub t_production: String,
    pub n_days: String,
    /// Whether a model exists and meets every Guideline 14 criterion.
    pub meets_g14: bool,
    pub fitted: bool,
    /// Each criterion missed, as a sentence in the reader's language.
    pub failed_criteria: Vec<String>,
}

/// A CUSUM alarm.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmRow {
    pub line: String,
    pub direction: String,
    pub from: String,
    pub alarm_on: String,
    pub excess: String,
}

/// A ranked finding.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub rank: usize,
    pub text: String,
    pub evidence: Vec<String>,
    pub saving_kwh: Option<String>,
    pub saving_cny: Option<String>,
    pub saving_t_co2e: Option<String>,
}

/// Everything the analysis page shows, in one language.
#[derive(Debug)]
pub struct AnalysisView {
    pub lines: Vec<LineRow>,
    pub baselines: Vec<BaselineRow>,
    pub alarms: Vec<AlarmRow>,
    pub findings: Vec<FindingRow>,
    /// "0.5306 t CO2e/MWh (source)": the factor every t CO2e figure uses, named.
    pub grid_factor: String,
    /// "0.65 ¥/kWh (source)", or the "no tariff" words.
    pub tariff: String,
    /// "station (source), degree-days at 18 °C / 18 °C", or the "no weather" words.
    pub weather: String,
    pub baseline_period: String,
    pub reporting_period: String,
    pub charts: Vec<Chart>,
}

fn four(value: f64) -> String {
    figure(value, 4)
}

fn period_text(range: Option<tanji_energy::DayRange>, et: &EnergyText) -> String {
    range.map_or_else(|| et.not_set.to_owned(), |range| format!("{} – {}", range.first, range.last))
}

/// The page's view of `analysis` in `language`.
/// The analysis with the site's citations in the reader's language: the analysis (cached for every reader) carries
/// the grid factor's and tariff's sources as stored, and a site imported from a file with `source_zh` also has them
/// in Chinese (migration 0017).
pub fn with_sources_in<'analysis>(
    analysis: &'analysis Analysis,
    site: &tanji_store::energy_site::EnergySite,
    language: Language,
) -> std::borrow::Cow<'analysis, Analysis> {
    let grid_factor_source = site.grid_factor_source(language);
    let tariff_source = site.tariff_source(language);
    let same_grid = analysis.grid_factor.source == grid_factor_source;
    let same_tariff = analysis.tariff.as_ref().map(|tariff| tariff.source.as_str()) == tariff_source
        || analysis.tariff.is_none()
        || tariff_source.is_none();
    if same_grid && same_tariff {
        return std::borrow::Cow::Borrowed(analysis);
    }
    let stored_grid_source = analysis.grid_factor.source.clone();
    let mut translated = analysis.clone();
    grid_factor_source.clone_into(&mut translated.grid_factor.source);
    if let (Some(tariff), Some(source)) = (&mut translated.tariff, tariff_source) {
        source.clone_into(&mut tariff.source);
    }
    for finding in &mut translated.findings {
        for evidence in &mut finding.evidence {
            if let tanji_energy::finding::Evidence::SavingArithmetic { grid_factor_source: source, .. } = evidence
                && *source == stored_grid_source
            {
                grid_factor_source.clone_into(source);
            }
        }
    }
    std::borrow::Cow::Owned(translated)
}

pub fn analysis_view(analysis: &Analysis, language: Language) -> AnalysisView {
    let et = EnergyText::of(language);
    let none = "—".to_owned();
    let lines = analysis
        .lines
        .iter()
        .map(|line| {
            let peer = analysis.peers.iter().find(|peer| peer.line == line.line);
            LineRow {
                line: line.line.clone(),
                name: line.name.clone(),
                sku: line.sku.clone(),
                output_unit: tanji_i18n::energy::output_unit(&line.output_unit, language),
                energy: whole(line.energy_kwh),
                production: whole(line.production_units),
                sec: line.sec_kwh_per_unit.map_or_else(|| none.clone(), four),
                peer_median: peer.map_or_else(|| none.clone(), |peer| four(peer.peer_median_kwh_per_unit)),
                gap: peer.map_or_else(|| none.clone(), |peer| signed_percent(peer.gap_fraction)),
                above_peers: peer.is_some_and(|peer| peer.gap_fraction > 0.0),
                target_line: peer.map_or_else(|| none.clone(), |peer| peer.target_line.clone()),
                saving_kwh_per_year: peer
                    .filter(|peer| peer.saving_kwh_per_year > 0.0)
                    .map_or_else(|| none.clone(), |peer| whole(peer.saving_kwh_per_year)),
                non_production_load: line
                    .baseline
                    .as_ref()
                    .and_then(|baseline| baseline.non_production_load_kwh())
                    .map_or_else(|| none.clone(), four),
            }
        })
        .collect();
    let baselines = analysis.lines.iter().map(|line| baseline_row(line, language)).collect();
    let alarms = analysis
        .lines
        .iter()
        .flat_map(|line| {
            line.alarms.iter().filter_map(move |alarm| {
                let (from, on) = (line.daily.get(alarm.start_idx)?, line.daily.get(alarm.alarm_idx)?);
                Some(AlarmRow {
                    line: line.line.clone(),
                    direction: alarm.direction.localize(language),
                    from: from.day.to_string(),
                    alarm_on: on.day.to_string(),
                    excess: kwh(alarm.excess_kwh),
                })
            })
        })
        .collect();
    let findings = analysis
        .findings
        .iter()
        .map(|finding| FindingRow {
            rank: finding.rank,
            text: finding.kind.localize(language),
            evidence: finding.evidence.iter().map(|evidence| evidence.localize(language)).collect(),
            saving_kwh: finding.saving.map(|saving| whole(saving.kwh_per_year)),
            saving_cny: finding.saving.and_then(|saving| saving.cny_per_year).map(whole),
            saving_t_co2e: finding.saving.map(|saving| figure(saving.t_co2e_per_year, 4)),
        })
        .collect();
    let factor = &analysis.grid_factor;
    AnalysisView {
        lines,
        baselines,
        alarms,
        findings,
        grid_factor: format!("{} t CO2e/MWh（{}）", four(factor.t_co2e_per_mwh), factor.source)
            .replace('（', if language == Language::English { " (" } else { "（" })
            .replace('）', if language == Language::English { ")" } else { "）" }),
        tariff: analysis.tariff.as_ref().map_or_else(
            || et.no_tariff.to_owned(),
            |tariff| match language {
                Language::SimplifiedChinese => format!("{} 元/kWh（{}）", four(tariff.cny_per_kwh), tariff.source),
                Language::English => format!("¥{} per kWh ({})", four(tariff.cny_per_kwh), tariff.source),
            },
        ),
        weather: analysis.weather.as_ref().map_or_else(
            || et.no_weather.to_owned(),
            |weather| {
                let (heating, cooling) =
                    (figure(weather.bases.heating_base_c, 3), figure(weather.bases.cooling_base_c, 3));
                match language {
                    // The station and source in Chinese where the site gives them (migration 0022).
                    Language::SimplifiedChinese => format!(
                        "{}（{}）；度日数基准温度 采暖 {heating} °C / 制冷 {cooling} °C；{} 天",
                        weather.station_zh.as_deref().unwrap_or(&weather.station),
                        weather.source_zh.as_deref().unwrap_or(&weather.source),
                        weather.n_days
                    ),
                    Language::English => format!(
                        "{} ({}); degree-days at {heating} °C heating / {cooling} °C cooling; {} days",
                        weather.station, weather.source, weather.n_days
                    ),
                }
            },
        ),
        baseline_period: period_text(analysis.baseline_period, et),
        reporting_period: period_text(analysis.reporting_period, et),
        charts: vec![line_sec_chart(analysis, et), baseline_fit_chart(analysis, et), cusum_chart(analysis, et)],
    }
}

fn signed_percent(fraction: f64) -> String {
    if fraction > 0.0 { format!("+{}", percent(fraction)) } else { percent(fraction) }
}

fn baseline_row(line: &LineResult, language: Language) -> BaselineRow {
    let none = "—".to_owned();
    let Some(baseline) = &line.baseline else {
        let model = line
            .baseline_error
            .as_ref()
            .map_or_else(|| EnergyText::of(language).no_baseline.to_owned(), |error| error.localize(language));
        return BaselineRow {
            line: line.line.clone(),
            model,
            r_squared: none.clone(),
            adjusted_r_squared: none.clone(),
            models_compared: String::new(),
            cv_rmse: none.clone(),
            nmbe: none.clone(),
            t_production: none.clone(),
            n_days: none,
            meets_g14: false,
            fitted: false,
            failed_criteria: Vec::new(),
        };
    };
    let statistics = &baseline.statistics;
    let mut model = "E =".to_owned();
    for (term_idx, coefficient) in baseline.coefficients.iter().enumerate() {
        let value = four(coefficient.estimate.abs());
        let sign = if coefficient.estimate < 0.0 {
            "−"
        } else if term_idx == 0 {
            ""
        } else {
            "+"
        };
        let term = match term_symbol(coefficient.term) {
            symbol if symbol.is_empty() => String::new(),
            symbol => format!("·{symbol}"),
        };
        model.push_str(&format!(" {sign}{}{value}{term}", if sign.is_empty() { "" } else { " " }));
    }
    let models_compared = if line.model_candidates.len() > 1 {
        line.model_candidates
            .iter()
            .map(|candidate| {
                let terms: Vec<String> = candidate
                    .terms
                    .iter()
                    .filter(|term| !matches!(term, Term::Intercept))
                    .map(|term| term_symbol(*term))
                    .collect();
                let fit = candidate.adjusted_r_squared.map_or_else(|| "—".to_owned(), |value| figure(value, 4));
                let chosen = if candidate.chosen { " ✓" } else { "" };
                format!("{} {fit}{chosen}", terms.join("+"))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        String::new()
    };
    let t_production = baseline
        .coefficient(|term| matches!(term, Term::Production))
        .map_or_else(|| none.clone(), |coefficient| figure(coefficient.t_statistic, 3));
    BaselineRow {
        line: line.line.clone(),
        model,
        r_squared: figure(statistics.r_squared, 4),
        adjusted_r_squared: figure(statistics.adjusted_r_squared, 4),
        models_compared,
        cv_rmse: percent(statistics.cv_rmse),
        nmbe: percent(statistics.nmbe),
        t_production,
        n_days: statistics.n_observations.to_string(),
        meets_g14: line.baseline_checks.is_empty(),
        fitted: true,
        failed_criteria: line.baseline_checks.iter().map(|check| check.localize(language)).collect(),
    }
}

/// A term as the model formula writes it: P, HDD, CDD, (T<15.5); the intercept has none.
fn term_symbol(term: Term) -> String {
    match term {
        Term::Intercept => String::new(),
        Term::Production => "P".to_owned(),
        Term::HeatingDegreeDays => "HDD".to_owned(),
        Term::CoolingDegreeDays => "CDD".to_owned(),
        Term::HeatingBelow { balance_point_c } => format!("(T<{})", figure(balance_point_c, 3)),
        Term::CoolingAbove { balance_point_c } => format!("(T>{})", figure(balance_point_c, 3)),
    }
}

/// Each line's colour, the same in every chart of the page: its SEC, its daily points and its baseline, its CUSUM.
/// Distinct hues, not the palette's two neighbouring teals, so that two lines never look alike.
fn line_colour(line_idx: usize) -> &'static str {
    const ORDER: [usize; 6] = [0, 4, 3, 5, 6, 2];
    PALETTE[ORDER[line_idx % ORDER.len()]]
}

/// The grey of reference series (the median of the lines), which belong to no line.
const REFERENCE_GREY: &str = "#64748b";

/// The median of `values` (not empty).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[middle - 1] + values[middle]) / 2.0 } else { values[middle] }
}

/// SEC per line per month, with the median of the lines making the same product dashed: the line comparison chart.
///
/// The table's peer median of a line leaves the line itself out, so with two lines it *is* the other line; drawn as
/// "the first line's view" it lay exactly on the second line's curve, and its legend entry named nothing visible.
/// The chart draws, per product made by two or more lines, the median of all of them, a reference between them.
pub fn line_sec_chart(analysis: &Analysis, et: &'static EnergyText) -> Chart {
    let months: Vec<String> = analysis
        .lines
        .iter()
        .flat_map(|line| line.monthly.iter().map(|month| month.month.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let sec_in = |line: &LineResult, month: &str| {
        line.monthly.iter().find(|monthly| monthly.month == month).and_then(|monthly| monthly.sec_kwh_per_unit)
    };
    let mut series = Vec::new();
    let mut summary = Vec::new();
    for (line_idx, line) in analysis.lines.iter().enumerate() {
        let colour = line_colour(line_idx);
        series.push(json!({
            "name": tooltip_text(&line.line),
            "type": "line",
            "symbolSize": 6,
            "itemStyle": { "color": colour },
            "lineStyle": { "color": colour },
            "data": months
                .iter()
                .map(|month| sec_in(line, month).map_or(Value::Null, |sec| json!(round_to(sec, 6))))
                .collect::<Vec<_>>(),
        }));
        if let Some(sec) = line.sec_kwh_per_unit {
            summary.push(format!("{} {}", line.line, four(sec)));
        }
    }
    let mut products: Vec<&str> = analysis.lines.iter().map(|line| line.sku.as_str()).collect();
    products.sort_unstable();
    let shared: Vec<&str> =
        products.chunk_by(|left, right| left == right).filter(|lines| lines.len() >= 2).map(|lines| lines[0]).collect();
    for sku in &shared {
        let medians: Vec<Value> = months
            .iter()
            .map(|month| {
                let secs: Vec<f64> = analysis
                    .lines
                    .iter()
                    .filter(|line| line.sku == *sku)
                    .filter_map(|line| sec_in(line, month))
                    .collect();
                if secs.len() >= 2 { json!(round_to(median(secs), 6)) } else { Value::Null }
            })
            .collect();
        let name = if shared.len() == 1 {
            et.series_lines_median.to_owned()
        } else {
            format!("{} {}", et.series_lines_median, tooltip_text(sku))
        };
        series.push(json!({
            "name": name,
            "type": "line",
            "symbol": "none",
            "itemStyle": { "color": REFERENCE_GREY },
            "lineStyle": { "type": "dashed", "width": 1, "color": REFERENCE_GREY },
            "data": medians,
        }));
    }
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "axis" });
    option["legend"] = json!({ "bottom": 0, "type": "scroll" });
    // The title names the unit (kWh per unit of output); a "kWh" axis name would misstate it, and clipped at the top.
    option["grid"] = json!({ "left": 8, "right": 16, "top": 16, "bottom": 56, "containLabel": true });
    option["xAxis"] = json!({
        "type": "category", "data": months, "name": et.axis_month, "nameLocation": "middle", "nameGap": 26,
        "axisLabel": { "hideOverlap": true },
    });
    option["yAxis"] = json!({ "type": "value", "scale": true });
    option["series"] = Value::Array(series);
    Chart {
        id: "energy-line-sec",
        title: et.chart_line_sec,
        option_json: script_safe(&option),
        summary: summary.join("; "),
    }
}

/// Daily energy against output per line (scatter) with each line's fitted baseline drawn across its output range.
pub fn baseline_fit_chart(analysis: &Analysis, et: &'static EnergyText) -> Chart {
    let mut series = Vec::new();
    let mut summary = Vec::new();
    for (line_idx, line) in analysis.lines.iter().enumerate() {
        let name = tooltip_text(&line.line);
        // A line's points and its baseline share its colour, so the reader sees which fit belongs to which cloud.
        let colour = line_colour(line_idx);
        series.push(json!({
            "name": name,
            "type": "scatter",
            "symbolSize": 5,
            "itemStyle": { "color": colour, "opacity": 0.6 },
            "data": line.daily.iter()
                .map(|point| json!([round_to(point.production_units, 3), round_to(point.energy_kwh, 3)]))
                .collect::<Vec<_>>(),
        }));
        let Some(baseline) = &line.baseline else { continue };
        let output = |point: &tanji_energy::analysis::DailyPoint| point.production_units;
        let low = line.daily.iter().map(output).fold(f64::INFINITY, f64::min);
        let high = line.daily.iter().map(output).fold(f64::NEG_INFINITY, f64::max);
        if !(low.is_finite() && high.is_finite()) {
            continue;
        }
        let with_weather = baseline
            .coefficients
            .iter()
            .any(|coefficient| !matches!(coefficient.term, Term::Intercept | Term::Production));
        if with_weather {
            // With weather terms the baseline is no straight line in output: each day's prediction is drawn instead.
            let points: Vec<Value> = line
                .daily
                .iter()
                .filter_map(|day| {
                    day.expected_kwh.map(|expected| json!([round_to(day.production_units, 3), round_to(expected, 3)]))
                })
                .collect();
            series.push(json!({
                "name": format!("{name} {}", et.series_baseline),
                "type": "scatter",
                "symbolSize": 3,
                "data": points,
            }));
            summary.push(format!("{} R² {}", line.line, figure(baseline.statistics.r_squared, 4)));
            continue;
        }
        let predict = |units: f64| baseline.predict(&Conditions { production_units: units, ..Conditions::default() });
        if let (Some(at_low), Some(at_high)) = (predict(low), predict(high)) {
            series.push(json!({
                "name": format!("{name} {}", et.series_baseline),
                "type": "line",
                "symbol": "none",
                "itemStyle": { "color": colour },
                "lineStyle": { "color": colour, "width": 2 },
                "data": [[round_to(low, 3), round_to(at_low, 3)], [round_to(high, 3), round_to(at_high, 3)]],
            }));
            summary.push(format!("{} R² {}", line.line, figure(baseline.statistics.r_squared, 4)));
        }
    }
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "item" });
    option["legend"] = json!({ "bottom": 0, "type": "scroll" });
    // The output axis is named under its middle: at its end the name was cut off by the card's edge.
    option["grid"] = json!({ "left": 8, "right": 24, "top": 24, "bottom": 56, "containLabel": true });
    option["xAxis"] =
        json!({ "type": "value", "scale": true, "name": et.axis_output, "nameLocation": "middle", "nameGap": 26 });
    option["yAxis"] = json!({ "type": "value", "scale": true, "name": "kWh" });
    option["series"] = Value::Array(series);
    Chart {
        id: "energy-baseline-fit",
        title: et.chart_baseline_fit,
        option_json: script_safe(&option),
        summary: summary.join("; "),
    }
}

/// The running sum of (actual − expected) per line by day, alarms marked where they went off.
pub fn cusum_chart(analysis: &Analysis, et: &'static EnergyText) -> Chart {
    let days: Vec<String> = analysis
        .lines
        .iter()
        .flat_map(|line| line.daily.iter().filter(|point| point.cusum_kwh.is_some()).map(|point| point.day.to_string()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut series = Vec::new();
    let mut summary = Vec::new();
    for (line_idx, line) in analysis.lines.iter().enumerate() {
        let colour = line_colour(line_idx);
        let data: Vec<Value> = days
            .iter()
            .map(|day| {
                line.daily
                    .iter()
                    .find(|point| &point.day.to_string() == day)
                    .and_then(|point| point.cusum_kwh)
                    .map_or(Value::Null, |sum| json!(round_to(sum, 3)))
            })
            .collect();
        let mark_points: Vec<Value> = line
            .alarms
            .iter()
            .filter_map(|alarm| {
                let point = line.daily.get(alarm.alarm_idx)?;
                Some(json!({
                    "name": et.series_alarm,
                    "coord": [point.day.to_string(), round_to(point.cusum_kwh?, 3)],
                    "value": et.series_alarm,
                }))
            })
            .collect();
        summary.push(format!("{} {}", line.line, line.alarms.len()));
        series.push(json!({
            "name": tooltip_text(&line.line),
            "type": "line",
            "symbol": "none",
            "itemStyle": { "color": colour },
            "lineStyle": { "color": colour },
            "data": data,
            // A small ringed dot per alarm in the line's colour: pins 36 px tall piled up into one blot where a line
            // alarmed every few days (the demo's line 2 after its measure), hiding the curve they mark.
            "markPoint": {
                "symbol": "circle",
                "symbolSize": 9,
                "itemStyle": { "color": colour, "borderColor": "#fff", "borderWidth": 1.5 },
                "label": { "show": false },
                "data": mark_points,
            },
        }));
    }
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "axis" });
    option["legend"] = json!({ "bottom": 0, "type": "scroll" });
    option["grid"] = json!({ "left": 8, "right": 16, "top": 24, "bottom": 56, "containLabel": true });
    option["xAxis"] = json!({
        "type": "category", "data": days, "name": et.axis_day, "nameLocation": "middle", "nameGap": 26,
        "axisLabel": { "hideOverlap": true },
    });
    option["yAxis"] = json!({ "type": "value", "name": "kWh" });
    option["series"] = Value::Array(series);
    Chart { id: "energy-cusum", title: et.chart_cusum, option_json: script_safe(&option), summary: summary.join("; ") }
}

/// Rounds for the chart's JSON (the page shows the exact figures in its tables).
fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10_f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// The seeded 瑞禾 example over 120 days, analysed once for every test.
    fn example() -> &'static Analysis {
        static ANALYSIS: OnceLock<Analysis> = OnceLock::new();
        ANALYSIS.get_or_init(|| {
            let files = tanji_energy::synthetic::ruihe_paper_cups(7, jiff::civil::date(2025, 1, 1), 120);
            let site_file = tanji_energy::read_site_file("site.toml", files.site_toml.as_bytes()).unwrap();
            let (readings, _) =
                tanji_energy::read_readings_csv("readings.csv", files.readings_csv.as_bytes(), &site_file.site)
                    .unwrap();
            let production =
                tanji_energy::read_production_csv("production.csv", files.production_csv.as_bytes(), &site_file.site)
                    .unwrap();
            tanji_energy::analyze(&site_file.site, &readings, &production, &site_file.options)
        })
    }

    fn chart(view: &AnalysisView, id: &str) -> Value {
        let chart = view.charts.iter().find(|chart| chart.id == id).expect("the chart");
        serde_json::from_str(&chart.option_json.replace("\\u003c", "<")).unwrap()
    }

    #[test]
    fn the_line_table_shows_each_line_with_its_peer_gap_and_saving() {
        let analysis = example();
        let view = analysis_view(analysis, Language::English);
        assert_eq!(view.lines.len(), analysis.lines.len());
        let hot = analysis.peers.iter().max_by(|a, b| a.gap_fraction.total_cmp(&b.gap_fraction)).unwrap();
        let row = view.lines.iter().find(|row| row.line == hot.line).unwrap();
        assert!(row.above_peers, "{row:?}");
        assert_eq!(row.gap, format!("+{}", percent(hot.gap_fraction)));
        assert_eq!(row.saving_kwh_per_year, whole(hot.saving_kwh_per_year));
        assert_eq!(row.target_line, hot.target_line);
        // The best line is its own target and saves nothing.
        let best = view.lines.iter().find(|row| row.line == hot.target_line).unwrap();
        assert!(!best.above_peers);
        assert_eq!(best.saving_kwh_per_year, "—");
    }

    #[test]
    fn the_baseline_rows_give_the_statistics_and_name_each_missed_criterion() {
        let analysis = example();
        let view = analysis_view(analysis, Language::SimplifiedChinese);
        for (line, row) in analysis.lines.iter().zip(&view.baselines) {
            let baseline = line.baseline.as_ref().expect("the example fits a baseline");
            assert_eq!(row.r_squared, figure(baseline.statistics.r_squared, 4));
            assert_eq!(row.cv_rmse, percent(baseline.statistics.cv_rmse));
            assert!(row.model.starts_with("E = ") && row.model.contains("·P"), "{}", row.model);
            assert_eq!(row.meets_g14, line.baseline_checks.is_empty());
            assert_eq!(row.failed_criteria.len(), line.baseline_checks.len());
        }
        // A line whose model misses a criterion says which, in the reader's language.
        let mut failing = analysis.lines[0].clone();
        failing.baseline_checks =
            vec![tanji_energy::regression::BaselineCheck::CvRmseTooHigh { cv_rmse: 0.4, limit: 0.3 }];
        let row = baseline_row(&failing, Language::SimplifiedChinese);
        assert!(!row.meets_g14);
        assert_eq!(row.failed_criteria, [failing.baseline_checks[0].localize(Language::SimplifiedChinese)]);
        assert!(row.failed_criteria[0].contains("CV(RMSE)"), "{:?}", row.failed_criteria);
    }

    #[test]
    fn a_line_without_a_baseline_says_why() {
        let mut line = example().lines[0].clone();
        line.baseline = None;
        line.baseline_error = Some(tanji_energy::regression::FitError::Collinear);
        let row = baseline_row(&line, Language::English);
        assert!(!row.fitted && !row.meets_g14);
        assert_eq!(row.model, tanji_energy::regression::FitError::Collinear.localize(Language::English));
    }

    #[test]
    fn findings_keep_their_rank_and_give_savings_with_the_named_factor() {
        let analysis = example();
        let view = analysis_view(analysis, Language::SimplifiedChinese);
        assert_eq!(view.findings.len(), analysis.findings.len());
        assert!(!view.findings.is_empty());
        let ranks: Vec<usize> = view.findings.iter().map(|finding| finding.rank).collect();
        assert!(ranks.windows(2).all(|pair| pair[0] < pair[1]), "{ranks:?}");
        let first = &analysis.findings[0];
        let saving = first.saving.expect("the top finding has a saving");
        assert_eq!(view.findings[0].saving_kwh.as_deref(), Some(whole(saving.kwh_per_year).as_str()));
        assert_eq!(view.findings[0].saving_t_co2e.as_deref(), Some(figure(saving.t_co2e_per_year, 4).as_str()));
        assert_eq!(view.findings[0].saving_cny.is_some(), saving.cny_per_year.is_some());
        assert!(view.grid_factor.contains(&four(analysis.grid_factor.t_co2e_per_mwh)), "{}", view.grid_factor);
        assert!(view.grid_factor.contains(&analysis.grid_factor.source));
        for finding in &view.findings {
            assert_eq!(tanji_i18n::latin_sentences(&finding.text), Vec::<String>::new(), "{}", finding.text);
        }
    }

    #[test]
    fn the_sec_chart_has_a_series_per_line_and_the_peer_median_by_month() {
        let analysis = example();
        let option = chart(&analysis_view(analysis, Language::English), "energy-line-sec");
        let months = option["xAxis"]["data"].as_array().unwrap();
        assert_eq!(months.len(), 4, "{months:?}"); // January to April 2025
        let series = option["series"].as_array().unwrap();
        assert_eq!(series.len(), analysis.lines.len() + 1);
        let first_line = &analysis.lines[0];
        let january = first_line.monthly.iter().find(|month| month.month == months[0]).unwrap();
        assert_eq!(series[0]["data"][0].as_f64(), january.sec_kwh_per_unit.map(|sec| round_to(sec, 6)));
        let median = series.last().unwrap();
        assert_eq!(median["lineStyle"]["type"], "dashed");
        // The median of both lines lies between them, on neither (the old series was the other line's curve).
        let second = analysis.lines[1].monthly.iter().find(|month| month.month == months[0]).unwrap();
        let (first_sec, second_sec) = (january.sec_kwh_per_unit.unwrap(), second.sec_kwh_per_unit.unwrap());
        let expected = round_to((first_sec + second_sec) / 2.0, 6);
        assert!((median["data"][0].as_f64().unwrap() - expected).abs() < 1e-6, "{median}");
        assert_eq!(median["name"], EnergyText::of(Language::English).series_lines_median);
    }

    /// A line's colour is its own and the same in every chart: its SEC, its points and its baseline, its CUSUM and
    /// alarms. (The fit chart gave a line's points and its baseline two different palette colours.)
    #[test]
    fn each_line_has_one_colour_in_every_chart_and_no_two_lines_share_one() {
        let analysis = example();
        let view = analysis_view(analysis, Language::English);
        let colour_of = |series: &Value| series["itemStyle"]["color"].as_str().unwrap().to_owned();
        let sec = chart(&view, "energy-line-sec");
        let fit = chart(&view, "energy-baseline-fit");
        let cusum = chart(&view, "energy-cusum");
        let mut colours = Vec::new();
        for (line_idx, line) in analysis.lines.iter().enumerate() {
            let colour = colour_of(&sec["series"][line_idx]);
            let fit_series: Vec<&Value> = fit["series"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|series| series["name"].as_str().unwrap().starts_with(&line.line))
                .collect();
            assert_eq!(fit_series.len(), 2, "points and baseline of {}", line.line);
            for series in fit_series {
                assert_eq!(colour_of(series), colour, "{}", series["name"]);
            }
            assert_eq!(colour_of(&cusum["series"][line_idx]), colour);
            assert_eq!(cusum["series"][line_idx]["markPoint"]["itemStyle"]["color"], colour.as_str());
            colours.push(colour);
        }
        colours.sort_unstable();
        colours.dedup();
        assert_eq!(colours.len(), analysis.lines.len());
    }

    #[test]
    fn the_fit_chart_draws_each_baseline_through_its_prediction() {
        let analysis = example();
        let option = chart(&analysis_view(analysis, Language::English), "energy-baseline-fit");
        let series = option["series"].as_array().unwrap();
        let line = &analysis.lines[0];
        assert_eq!(series[0]["type"], "scatter");
        assert_eq!(series[0]["data"].as_array().unwrap().len(), line.daily.len());
        assert_eq!(series[1]["type"], "line");
        let [x, y] = [series[1]["data"][1][0].as_f64().unwrap(), series[1]["data"][1][1].as_f64().unwrap()];
        let expected =
            line.baseline.as_ref().unwrap().predict(&Conditions { production_units: x, ..Conditions::default() });
        assert!((y - expected.unwrap()).abs() < 0.01 * y.abs().max(1.0), "{y} vs {expected:?}");
    }

    #[test]
    fn the_cusum_chart_marks_every_alarm() {
        let analysis = example();
        let option = chart(&analysis_view(analysis, Language::English), "energy-cusum");
        let series = option["series"].as_array().unwrap();
        for (line, series) in analysis.lines.iter().zip(series) {
            assert_eq!(series["markPoint"]["data"].as_array().unwrap().len(), line.alarms.len());
        }
    }

    #[test]
    fn a_line_name_cannot_break_out_of_a_tooltip_or_the_script() {
        let mut analysis = example().clone();
        analysis.lines[0].line = "</script><b>{a}".into();
        let view = analysis_view(&analysis, Language::English);
        for chart in &view.charts {
            assert!(!chart.option_json.contains("</script>"), "{}", chart.id);
            assert!(!chart.option_json.contains("{a}"), "{}", chart.id);
        }
    }
}
