//! Server-rendered SVG charts for the public footprint page, readable without JavaScript: the footprint by
//! life-cycle stage (with the conventional product beside it) and the uncertainty interval.
//!
//! Both charts scale with the page (`viewBox`, `width="100%"`, no fixed height), are one image to assistive
//! technology (`role="img"`, an `aria-label` and a `<title>` that state the numbers), and print every value next to
//! its mark so that nothing depends on colour. Numbers have three significant figures ([`format_significant`]).

use std::fmt::Write as _;

use crate::label::FONT_FAMILY;
use crate::text::{Weight, escape_xml, format_significant, text_width_em};

/// Width of the charts' coordinate system. Text sizes are in the same units, so on a 360-pixel phone screen the
/// 15-unit labels are 11 pixels.
const CHART_WIDTH: f64 = 480.0;
const PAD: f64 = 8.0;
const LABEL_SIZE: f64 = 15.0;
const VALUE_SIZE: f64 = 13.0;
const BAR_HEIGHT: f64 = 16.0;

const PRODUCT_FILL: &str = "#17794A";
const BASELINE_FILL: &str = "#A9B4AE";
const INK: &str = "#14251C";
const MUTED: &str = "#56655D";

/// Horizontal bars of the footprint by life-cycle stage, in `unit_label` (e.g. "kg CO₂e" or "g CO₂e"; the values
/// are in that unit).
///
/// Each stage's label sits above its bar and the value is printed at the bar's end. Negative values (biogenic carbon
/// uptake, recycling credits) are drawn to the left of the zero line, in their series' colour: a bar's colour always
/// says whose it is, as the legend does (a third colour for negatives was in no legend). With a `baseline` (the
/// conventional product, by the same stage labels), each stage gets a grey bar for the baseline under the product's,
/// and a legend; stages only the baseline has come last. A value that is not finite is shown as "—" without a bar.
pub fn stage_bars_svg(stages: &[(String, f64)], baseline: Option<&[(String, f64)]>, unit_label: &str) -> String {
    // One row per stage label: the product's stages in order, then any the baseline adds.
    let mut rows: Vec<(&str, Option<f64>, Option<f64>)> =
        stages.iter().map(|(label, value)| (label.as_str(), Some(*value), None)).collect();
    for (label, value) in baseline.unwrap_or_default() {
        match rows.iter_mut().find(|row| row.0 == label) {
            Some(row) if row.2.is_none() => row.2 = Some(*value),
            _ => rows.push((label.as_str(), None, Some(*value))),
        }
    }
    let has_baseline = baseline.is_some();
    let values = || rows.iter().flat_map(|row| [row.1, row.2]).flatten().filter(|value| value.is_finite());
    let max_value = values().fold(0.0_f64, f64::max);
    let min_value = values().fold(0.0_f64, f64::min);

    let summary = stage_summary(&rows, has_baseline, unit_label);
    let mut body = String::new();

    // Horizontal scale: room on the right for the largest positive value's text, on the left for the most negative.
    let value_text_width =
        |value: f64| text_width_em(&format_significant(value, 3), Weight::Regular) * VALUE_SIZE + 6.0;
    let right_room = if max_value > 0.0 { value_text_width(max_value) } else { 0.0 };
    let left_room = if min_value < 0.0 { value_text_width(min_value) } else { 0.0 };
    let plot_left = PAD + left_room;
    let plot_right = CHART_WIDTH - PAD - right_room;
    let span = if max_value > min_value { max_value - min_value } else { 1.0 };
    let scale = (plot_right - plot_left) / span;
    let zero_x = plot_left - min_value * scale;

    let mut y = PAD;
    if has_baseline {
        legend(&mut body, y);
        y += 28.0;
    }
    let bars_top = y;
    if rows.is_empty() {
        let _ = write!(
            body,
            r#"<text x="{x}" y="{y}" font-size="{LABEL_SIZE}" text-anchor="middle" fill="{MUTED}">无数据 No data</text>"#,
            x = CHART_WIDTH / 2.0,
            y = y + 20.0,
        );
        y += 32.0;
    }
    for (label, product, reference) in &rows {
        let label_baseline = y + LABEL_SIZE;
        let _ = write!(
            body,
            r#"<text x="{PAD}" y="{label_baseline}" font-size="{LABEL_SIZE}" fill="{INK}">{}</text>"#,
            escape_xml(label)
        );
        y = label_baseline + 5.0;
        bar(&mut body, y, *product, zero_x, scale, PRODUCT_FILL);
        y += BAR_HEIGHT + 3.0;
        if has_baseline {
            bar(&mut body, y, *reference, zero_x, scale, BASELINE_FILL);
            y += BAR_HEIGHT + 3.0;
        }
        y += 9.0;
    }
    if !rows.is_empty() {
        let _ = write!(
            body,
            r#"<line x1="{zero_x:.1}" y1="{top:.1}" x2="{zero_x:.1}" y2="{bottom:.1}" stroke="{INK}" stroke-width="1"/>"#,
            top = bars_top + LABEL_SIZE + 2.0,
            bottom = y - 9.0,
        );
    }
    let _ = write!(
        body,
        r#"<text x="{x}" y="{y:.1}" font-size="{VALUE_SIZE}" text-anchor="end" fill="{MUTED}">{}</text>"#,
        escape_xml(unit_label),
        x = CHART_WIDTH - PAD,
        y = y + VALUE_SIZE - 2.0,
    );
    y += VALUE_SIZE + PAD;
    document(&summary, y, &body)
}

/// One bar from zero to `value`, with the value printed beyond its end.
fn bar(body: &mut String, top: f64, value: Option<f64>, zero_x: f64, scale: f64, fill: &str) {
    let text_y = top + BAR_HEIGHT - 3.5;
    let Some(value) = value.filter(|value| value.is_finite()) else {
        let _ = write!(
            body,
            r#"<text x="{x:.1}" y="{text_y:.1}" font-size="{VALUE_SIZE}" fill="{MUTED}">—</text>"#,
            x = zero_x + 4.0
        );
        return;
    };
    let length = (value.abs() * scale).max(if value == 0.0 { 0.0 } else { 1.0 });
    let x = if value < 0.0 { zero_x - length } else { zero_x };
    let _ = write!(
        body,
        r#"<rect x="{x:.1}" y="{top:.1}" width="{length:.1}" height="{BAR_HEIGHT}" rx="2" fill="{fill}"/>"#
    );
    let (text_x, anchor) = if value < 0.0 { (x - 4.0, "end") } else { (x + length + 4.0, "start") };
    let _ = write!(
        body,
        r#"<text x="{text_x:.1}" y="{text_y:.1}" font-size="{VALUE_SIZE}" text-anchor="{anchor}" fill="{INK}">{}</text>"#,
        format_significant(value, 3)
    );
}

fn legend(body: &mut String, y: f64) {
    let mut x = PAD;
    for (fill, label) in [(PRODUCT_FILL, "本产品 This product"), (BASELINE_FILL, "常规产品 Conventional product")]
    {
        let _ = write!(
            body,
            r#"<rect x="{x:.1}" y="{y:.1}" width="14" height="14" rx="2" fill="{fill}"/><text x="{tx:.1}" y="{ty:.1}" font-size="{VALUE_SIZE}" fill="{INK}">{label}</text>"#,
            tx = x + 20.0,
            ty = y + 12.0,
        );
        x += 20.0 + text_width_em(label, Weight::Regular) * VALUE_SIZE + 18.0;
    }
}

/// The chart's text alternative: every number the chart shows.
fn stage_summary(rows: &[(&str, Option<f64>, Option<f64>)], has_baseline: bool, unit_label: &str) -> String {
    let show = |value: Option<f64>| value.map_or_else(|| "—".to_owned(), |value| format_significant(value, 3));
    let mut summary = format!("各阶段碳足迹 Carbon footprint by life-cycle stage ({unit_label})");
    if rows.is_empty() {
        summary.push_str(": 无数据 no data");
    }
    for (row_idx, (label, product, reference)) in rows.iter().enumerate() {
        summary.push_str(if row_idx == 0 { ": " } else { "; " });
        let _ = write!(summary, "{label} {}", show(*product));
        if has_baseline {
            let _ = write!(summary, " (常规产品 conventional {})", show(*reference));
        }
    }
    summary
}

/// Wraps a chart body in a responsive, accessible `<svg>` of the given height.
fn document(summary: &str, height: f64, body: &str) -> String {
    let summary = escape_xml(summary);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height:.1}" width="100%" role="img" aria-label="{summary}" font-family="{FONT_FAMILY}"><title>{summary}</title>{body}</svg>"#
    )
}

/// Why an interval cannot be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// A number is infinite or not a number.
    #[error("the interval has a value that is not a finite number")]
    NotFinite,
    /// The interval's ends and median are not in order (low ≤ median ≤ high).
    #[error("the interval is not ordered: low ≤ median ≤ high is required")]
    NotOrdered,
}

/// The uncertainty of a footprint as an interval plot: a bar from `low` to `high` (the 95 % interval), a tick at the
/// `median` of the uncertainty analysis, and a dot at the declared `value` (which need not lie inside the interval),
/// all in `unit_label`.
pub fn range_svg(low: f64, median: f64, high: f64, value: f64, unit_label: &str) -> Result<String, ChartError> {
    if ![low, median, high, value].iter().all(|number| number.is_finite()) {
        return Err(ChartError::NotFinite);
    }
    if !(low <= median && median <= high) {
        return Err(ChartError::NotOrdered);
    }
    let show = |number: f64| format_significant(number, 3);
    let summary = format!(
        "95% 区间 95% interval: {}–{} {unit_label}; 中位数 median {}; 声明值 declared value {}",
        show(low),
        show(high),
        show(median),
        show(value)
    );

    let domain_low = low.min(value);
    let domain_high = high.max(value);
    let pad =
        if domain_high > domain_low { (domain_high - domain_low) * 0.08 } else { domain_low.abs().max(1.0) * 0.1 };
    let (domain_low, domain_high) = (domain_low - pad, domain_high + pad);
    let (plot_left, plot_right) = (PAD + 24.0, CHART_WIDTH - PAD - 24.0);
    let x_of = |number: f64| plot_left + (number - domain_low) / (domain_high - domain_low) * (plot_right - plot_left);

    let mut body = String::new();
    let axis_y = 58.0;
    // The axis, the interval bar, the median tick and the declared value's dot.
    let _ = write!(
        body,
        r#"<line x1="{plot_left}" y1="{axis_y}" x2="{plot_right}" y2="{axis_y}" stroke="{MUTED}" stroke-width="1"/>"#
    );
    let _ = write!(
        body,
        r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="14" rx="7" fill="{PRODUCT_FILL}" fill-opacity="0.25" stroke="{PRODUCT_FILL}" stroke-width="1.5"/>"#,
        x = x_of(low),
        y = axis_y - 7.0,
        w = (x_of(high) - x_of(low)).max(1.0),
    );
    let _ = write!(
        body,
        r#"<line x1="{x:.1}" y1="{y1:.1}" x2="{x:.1}" y2="{y2:.1}" stroke="{PRODUCT_FILL}" stroke-width="3"/>"#,
        x = x_of(median),
        y1 = axis_y - 11.0,
        y2 = axis_y + 11.0,
    );
    let _ = write!(
        body,
        r##"<circle cx="{x:.1}" cy="{axis_y}" r="6" fill="{INK}" stroke="#FFFFFF" stroke-width="2"/>"##,
        x = x_of(value),
    );
    // The declared value above, the interval's ends and the median below.
    let _ = write!(
        body,
        r#"<text x="{x:.1}" y="26" font-size="{LABEL_SIZE}" font-weight="700" text-anchor="middle" fill="{INK}">{} {}</text>"#,
        show(value),
        escape_xml(unit_label),
        x = x_of(value).clamp(plot_left + 40.0, plot_right - 40.0),
    );
    let below = axis_y + 30.0;
    for (number, anchor) in [(low, "end"), (high, "start")] {
        let _ = write!(
            body,
            r#"<text x="{x:.1}" y="{below}" font-size="{VALUE_SIZE}" text-anchor="{anchor}" fill="{MUTED}">{}</text>"#,
            show(number),
            x = x_of(number) + if anchor == "end" { 6.0 } else { -6.0 },
        );
    }
    let _ = write!(
        body,
        r#"<text x="{x:.1}" y="{y}" font-size="{VALUE_SIZE}" text-anchor="middle" fill="{MUTED}">95% 区间 interval · 中位数 median {}</text>"#,
        show(median),
        x = CHART_WIDTH / 2.0,
        y = below + 22.0,
    );
    Ok(document(&summary, below + 32.0, &body))
}

#[cfg(test)]
mod tests;
