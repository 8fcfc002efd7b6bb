//! ECharts options built on the server. The page embeds each option as JSON in a `<script type="application/json">`
//! block; `console.js` hands it to ECharts unchanged. Keeping chart construction here means every chart is built
//! from typed data, tested like any other code, and translated with the rest of the page.

use serde_json::{Value, json};

/// The console's chart palette: greens and teals first (the brand), then contrasting hues.
pub(crate) const PALETTE: [&str; 8] =
    ["#0f766e", "#14b8a6", "#65a30d", "#0ea5e9", "#f59e0b", "#8b5cf6", "#ef4444", "#64748b"];

/// A chart to place on a page.
#[derive(Debug)]
pub struct Chart {
    /// Unique within the page; names the JSON block.
    pub id: &'static str,
    /// Heading shown above the chart.
    pub title: &'static str,
    /// The ECharts option, as JSON text.
    pub option_json: String,
    /// A text alternative for screen readers, e.g. "Factory: 2; Warehouse: 1".
    pub summary: String,
}

/// JSON that is safe inside a `<script>` element: `<` is escaped, so no value can close the element early.
pub(crate) fn script_safe(option: &Value) -> String {
    option.to_string().replace('<', "\\u003c")
}

/// Text for a label's `formatter` string, which ECharts reads as a template: `{…}` would be taken for a variable.
fn label_text(text: &str) -> String {
    text.replace('{', "(").replace('}', ")")
}

/// Text for a tooltip's `formatter` string, which ECharts reads as a template and puts into the page as HTML: names
/// people typed (processes, products) are escaped for both.
pub(crate) fn tooltip_text(text: &str) -> String {
    label_text(&text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;"))
}

fn summary(entries: &[(String, i64)]) -> String {
    entries.iter().map(|(name, value)| format!("{name}: {value}")).collect::<Vec<_>>().join("; ")
}

pub(crate) fn base() -> Value {
    json!({
        "color": PALETTE,
        "textStyle": { "fontFamily": "Noto Sans SC Subset, system-ui, sans-serif" },
        "tooltip": {},
        "animationDuration": 300,
    })
}

/// A doughnut of parts of a whole. On narrow screens (phones) the slice labels would not fit beside the ring, so a
/// media rule hides them there and the legend names the slices instead.
pub fn doughnut(id: &'static str, title: &'static str, entries: &[(String, i64)]) -> Chart {
    let mut base_option = base();
    base_option["tooltip"] = json!({ "trigger": "item", "formatter": "{b}: {c} ({d}%)" });
    base_option["legend"] = json!({ "bottom": 0, "type": "scroll" });
    base_option["series"] = json!([{
        "type": "pie",
        "radius": ["45%", "72%"],
        "center": ["50%", "45%"],
        "avoidLabelOverlap": true,
        "itemStyle": { "borderColor": "#fff", "borderWidth": 2 },
        "label": { "formatter": "{b}\n{c}" },
        "data": entries.iter().map(|(name, value)| json!({ "name": name, "value": value })).collect::<Vec<_>>(),
    }]);
    let option = json!({
        "baseOption": base_option,
        "media": [{
            "query": { "maxWidth": 480 },
            "option": { "series": [{ "label": { "show": false }, "labelLine": { "show": false }, "radius": ["40%", "68%"] }] },
        }],
    });
    Chart { id, title, option_json: script_safe(&option), summary: summary(entries) }
}

/// Horizontal bars, largest first: for counts by a category with long names (provinces).
pub fn horizontal_bars(id: &'static str, title: &'static str, series_name: &str, entries: &[(String, i64)]) -> Chart {
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "axis", "axisPointer": { "type": "shadow" } });
    // Long category names (ISO categories, facility names) get a fixed label column and are truncated with an
    // ellipsis there; the tooltip shows them whole.
    option["grid"] = json!({ "left": 132, "right": 24, "top": 8, "bottom": 24 });
    // ECharts draws the first category at the bottom; reverse so the largest is on top.
    let reversed: Vec<&(String, i64)> = entries.iter().rev().collect();
    option["yAxis"] = json!({
        "type": "category",
        "data": reversed.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        "axisLabel": { "width": 120, "overflow": "truncate" },
    });
    option["xAxis"] = json!({ "type": "value", "minInterval": 1 });
    option["series"] = json!([{
        "name": series_name,
        "type": "bar",
        "barMaxWidth": 22,
        "itemStyle": { "borderRadius": [0, 4, 4, 0] },
        "data": reversed.iter().map(|(_, value)| value).collect::<Vec<_>>(),
    }]);
    Chart { id, title, option_json: script_safe(&option), summary: summary(entries) }
}

/// Vertical bars over days.
pub fn daily_bars(id: &'static str, title: &'static str, series_name: &str, entries: &[(String, i64)]) -> Chart {
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "axis" });
    option["grid"] = json!({ "left": 8, "right": 16, "top": 16, "bottom": 8, "containLabel": true });
    // Show days as MM-DD; the year is in the tooltip's full date.
    option["xAxis"] = json!({
        "type": "category",
        "data": entries.iter().map(|(date, _)| date).collect::<Vec<_>>(),
        "axisLabel": { "formatter": "{value}", "hideOverlap": true },
    });
    option["yAxis"] = json!({ "type": "value", "minInterval": 1 });
    option["series"] = json!([{
        "name": series_name,
        "type": "bar",
        "barMaxWidth": 18,
        "itemStyle": { "borderRadius": [3, 3, 0, 0] },
        "data": entries.iter().map(|(_, value)| value).collect::<Vec<_>>(),
    }]);
    Chart { id, title, option_json: script_safe(&option), summary: summary(entries) }
}

/// Whether a total in a chart counts every record it should.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarCompleteness {
    Complete,
    /// The total leaves out this many records that could not be calculated.
    Incomplete {
        n_records_not_counted: usize,
    },
    /// Not recorded when the total was computed (older stored comparisons).
    Unknown,
}

/// A total to draw as one bar, with whether it is complete.
#[derive(Debug, Clone)]
pub struct TotalBar {
    pub label: String,
    pub value: i64,
    pub completeness: BarCompleteness,
}

/// The words a totals chart needs, in the page's language.
pub struct CompletenessWords<'a> {
    /// The legend entry of complete totals ("完整").
    pub complete: &'a str,
    /// The legend entry, and the label over each bar, of incomplete totals ("不完整").
    pub incomplete: &'a str,
    /// What an incomplete total leaves out, given the number of records ("不完整：未计入的记录 3").
    pub records_not_counted: &'a dyn Fn(usize) -> String,
    /// The tooltip of a total whose completeness was not recorded.
    pub unknown: &'a str,
}

/// Totals side by side (years, or the base year and this year). A total that leaves records out is never drawn
/// like a complete one: it is a hollow bar with a dashed outline in its own legend entry, labelled "incomplete"
/// over the bar, and its tooltip and the text alternative say how many records are not counted. (Two stacked
/// series, one for each kind, so that each category keeps a single bar and the legend names both styles.)
pub fn totals_with_completeness(
    id: &'static str,
    title: &'static str,
    unit: &str,
    bars: &[TotalBar],
    words: &CompletenessWords<'_>,
) -> Chart {
    const INCOMPLETE: &str = "#b45309";
    let note = |completeness: BarCompleteness| match completeness {
        BarCompleteness::Complete => None,
        BarCompleteness::Incomplete { n_records_not_counted } => {
            Some((words.records_not_counted)(n_records_not_counted))
        }
        BarCompleteness::Unknown => Some(words.unknown.to_owned()),
    };
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "item" });
    option["legend"] = json!({ "top": 0, "left": "center", "data": [words.complete, words.incomplete] });
    option["grid"] = json!({ "left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": true });
    option["xAxis"] = json!({
        "type": "category",
        "data": bars.iter().map(|bar| &bar.label).collect::<Vec<_>>(),
        "axisLabel": { "hideOverlap": true },
    });
    option["yAxis"] = json!({ "type": "value", "minInterval": 1, "name": unit, "nameTextStyle": { "align": "left" } });
    let point = |bar: &TotalBar| {
        let mut tooltip = tooltip_text(&format!("{}: {} {unit}", bar.label, bar.value));
        if let Some(note) = note(bar.completeness) {
            tooltip = format!("{tooltip}<br>{}", tooltip_text(&note));
        }
        json!({ "value": bar.value, "tooltip": { "formatter": tooltip } })
    };
    let of_kind =
        |incomplete: bool| {
            bars.iter()
                .map(|bar| {
                    if (bar.completeness != BarCompleteness::Complete) == incomplete { point(bar) } else { json!("-") }
                })
                .collect::<Vec<_>>()
        };
    option["series"] = json!([
        {
            "name": words.complete, "type": "bar", "stack": "total", "barMaxWidth": 28,
            "itemStyle": { "color": PALETTE[0], "borderRadius": [3, 3, 0, 0] },
            "data": of_kind(false),
        },
        {
            "name": words.incomplete, "type": "bar", "stack": "total", "barMaxWidth": 28,
            "itemStyle": {
                "color": "rgba(180, 83, 9, 0.08)", "borderColor": INCOMPLETE, "borderWidth": 2, "borderType": "dashed",
            },
            "label": { "show": true, "position": "top", "color": INCOMPLETE, "formatter": label_text(words.incomplete) },
            "labelLayout": { "hideOverlap": true },
            "data": of_kind(true),
        },
    ]);
    let summary = bars
        .iter()
        .map(|bar| match note(bar.completeness) {
            Some(note) => format!("{}: {} {unit} ({note})", bar.label, bar.value),
            None => format!("{}: {} {unit}", bar.label, bar.value),
        })
        .collect::<Vec<_>>()
        .join("; ");
    Chart { id, title, option_json: script_safe(&option), summary }
}

// Product footprints (issue 4): signed values in one unit (g or kg CO2e), so that removals show below zero.

/// A signed figure with four significant digits, as charts label their bars.
fn signed_label(value: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(0, 8) as usize;
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    text.replace('-', "−")
}

fn rounded(value: f64) -> f64 {
    signed_label(value).replace('−', "-").parse().unwrap_or(value)
}

/// Category names under vertical bars break onto more lines, in a smaller font, on a phone. (ECharts queries the
/// chart's own width: a half-width card on a laptop is about 430 px, a phone's chart about 330 px.)
fn with_narrow_category_labels(option: Value) -> Value {
    json!({
        "baseOption": option,
        "media": [{
            "query": { "maxWidth": 400 },
            "option": { "xAxis": { "axisLabel": { "width": 40, "fontSize": 10, "lineHeight": 12 } } },
        }],
    })
}

fn signed_summary(entries: &[(String, f64)], unit: &str) -> String {
    entries
        .iter()
        .map(|(name, value)| format!("{name}: {} {unit}", signed_label(*value)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A waterfall: each entry's bar starts where the previous one ended, so the steps add up to the last bar, the
/// total. Increases and decreases (removals) have their own colours; the total starts from zero.
pub fn waterfall(
    id: &'static str,
    title: &'static str,
    unit: &str,
    entries: &[(String, f64)],
    total_label: &str,
) -> Chart {
    const UP: &str = "#0f766e";
    const DOWN: &str = "#65a30d";
    const TOTAL: &str = "#334155";
    let mut names: Vec<String> = Vec::new();
    let mut bases: Vec<f64> = Vec::new();
    let mut bars: Vec<Value> = Vec::new();
    let mut running = 0.0;
    let mut push = |name: &str, low: f64, high: f64, signed: f64, colour: &str| {
        names.push(name.to_owned());
        bases.push(rounded(low));
        let text = format!("{} {unit}", signed_label(signed));
        bars.push(json!({
            "value": rounded(high - low),
            "itemStyle": { "color": colour },
            "label": { "formatter": signed_label(signed) },
            "tooltip": { "formatter": format!("{name}: {text}") },
        }));
    };
    for (name, value) in entries {
        let next = running + value;
        push(name, running.min(next), running.max(next), *value, if *value >= 0.0 { UP } else { DOWN });
        running = next;
    }
    push(total_label, running.min(0.0), running.max(0.0), running, TOTAL);
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "item" });
    option["grid"] = json!({ "left": 8, "right": 16, "top": 24, "bottom": 8, "containLabel": true });
    option["xAxis"] = json!({
        "type": "category",
        "data": names,
        "axisLabel": { "interval": 0, "width": 84, "overflow": "break" },
    });
    option["yAxis"] = json!({ "type": "value", "name": unit, "nameTextStyle": { "align": "left" } });
    // `stackStrategy: all` stacks across zero, so an invisible base below zero still lifts the visible bar.
    option["series"] = json!([
        {
            "type": "bar", "stack": "waterfall", "stackStrategy": "all", "silent": true,
            "itemStyle": { "color": "transparent" }, "emphasis": { "disabled": true }, "tooltip": { "show": false },
            "data": bases,
        },
        {
            "type": "bar", "stack": "waterfall", "stackStrategy": "all", "barMaxWidth": 44,
            "label": { "show": true, "position": "top" },
            "data": bars,
        },
    ]);
    let mut summary_entries = entries.to_vec();
    summary_entries.push((total_label.to_owned(), running));
    let option = with_narrow_category_labels(option);
    Chart { id, title, option_json: script_safe(&option), summary: signed_summary(&summary_entries, unit) }
}

/// Horizontal bars of signed values, largest magnitude on top; negatives (removals) extend to the left.
pub fn signed_bars(id: &'static str, title: &'static str, unit: &str, entries: &[(String, f64)]) -> Chart {
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "axis", "axisPointer": { "type": "shadow" } });
    option["grid"] = json!({ "left": 8, "right": 56, "top": 8, "bottom": 28, "containLabel": true });
    let reversed: Vec<&(String, f64)> = entries.iter().rev().collect();
    option["yAxis"] = json!({
        "type": "category",
        "data": reversed.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        "axisLabel": { "width": 150, "overflow": "truncate" },
    });
    // Room beyond the longest bars for their labels, on the negative side too.
    option["xAxis"] = json!({
        "type": "value", "name": unit, "nameLocation": "middle", "nameGap": 26, "boundaryGap": ["12%", "12%"],
        "axisLabel": { "hideOverlap": true },
    });
    option["series"] = json!([{
        "name": unit,
        "type": "bar",
        "barMaxWidth": 22,
        "label": { "show": true, "position": "right" },
        "data": reversed.iter().map(|(_, value)| json!({
            "value": rounded(*value),
            "itemStyle": { "color": if *value >= 0.0 { "#0f766e" } else { "#65a30d" } },
            // Right of the bar's right end: after a positive bar, and just right of zero for a negative one, so
            // that a removal's label never runs into the category names on the left.
            "label": { "formatter": signed_label(*value), "position": "right" },
        })).collect::<Vec<_>>(),
    }]);
    // On a phone (a chart under 400 px) a 150 px label column leaves the bars no room: names get 110 px in a smaller
    // font, cut with an ellipsis (the tooltip and the table below give them whole). Breaking them onto more lines
    // was tried: an English process name takes four lines, more than a bar's band, and the top one is lost.
    let option = json!({
        "baseOption": option,
        "media": [{
            "query": { "maxWidth": 400 },
            "option": { "yAxis": { "axisLabel": { "width": 110, "fontSize": 11 } } },
        }],
    });
    Chart { id, title, option_json: script_safe(&option), summary: signed_summary(entries, unit) }
}

/// Two series side by side per category (this product and its baseline, stage by stage).
pub fn paired_bars(
    id: &'static str,
    title: &'static str,
    unit: &str,
    series_names: [&str; 2],
    entries: &[(String, f64, f64)],
) -> Chart {
    let mut option = base();
    option["color"] = json!(["#0f766e", "#94a3b8"]);
    option["tooltip"] = json!({ "trigger": "axis", "axisPointer": { "type": "shadow" } });
    // The legend on its own line above the unit, so that neither covers the other on a phone.
    option["legend"] = json!({ "top": 0, "left": "center" });
    option["grid"] = json!({ "left": 8, "right": 16, "top": 56, "bottom": 8, "containLabel": true });
    option["xAxis"] = json!({
        "type": "category",
        "data": entries.iter().map(|(name, _, _)| name).collect::<Vec<_>>(),
        "axisLabel": { "interval": 0, "width": 84, "overflow": "break" },
    });
    option["yAxis"] = json!({ "type": "value", "name": unit, "nameTextStyle": { "align": "left" } });
    option["series"] = json!([
        { "name": series_names[0], "type": "bar", "barMaxWidth": 26,
          "data": entries.iter().map(|(_, ours, _)| rounded(*ours)).collect::<Vec<_>>() },
        { "name": series_names[1], "type": "bar", "barMaxWidth": 26,
          "data": entries.iter().map(|(_, _, theirs)| rounded(*theirs)).collect::<Vec<_>>() },
    ]);
    let summary = entries
        .iter()
        .map(|(name, ours, theirs)| {
            format!(
                "{name}: {} {} {unit}, {} {} {unit}",
                series_names[0],
                signed_label(*ours),
                series_names[1],
                signed_label(*theirs)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let option = with_narrow_category_labels(option);
    Chart { id, title, option_json: script_safe(&option), summary }
}

/// A histogram of Monte Carlo results: one bar per bin (`from`, `to`, count) on a value axis, with the percentiles
/// marked as dashed vertical lines labelled with their names (P2.5, median, P97.5).
pub fn histogram(
    id: &'static str,
    title: &'static str,
    unit: &str,
    count_name: &str,
    bins: &[(f64, f64, usize)],
    markers: &[(String, f64)],
) -> Chart {
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "axis", "axisPointer": { "type": "shadow" } });
    option["grid"] = json!({ "left": 8, "right": 24, "top": 36, "bottom": 8, "containLabel": true });
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        return Chart { id, title, option_json: script_safe(&option), summary: String::new() };
    };
    option["xAxis"] = json!({
        "type": "value",
        "name": unit,
        "nameLocation": "middle",
        "nameGap": 24,
        "min": rounded(first.0),
        "max": rounded(last.1),
        "axisLabel": { "hideOverlap": true },
    });
    option["yAxis"] = json!({ "type": "value", "minInterval": 1, "name": count_name });
    option["series"] = json!([{
        "name": count_name,
        "type": "bar",
        "barWidth": "96%",
        "itemStyle": { "color": PALETTE[1] },
        "data": bins.iter().map(|(from, to, count)| json!([rounded(0.5 * (from + to)), count])).collect::<Vec<_>>(),
        "markLine": {
            "symbol": "none",
            "silent": true,
            "lineStyle": { "type": "dashed", "color": PALETTE[0] },
            "label": { "formatter": "{b}", "position": "end", "fontSize": 11 },
            "data": markers.iter().map(|(name, value)| json!({ "name": name, "xAxis": rounded(*value) })).collect::<Vec<_>>(),
        },
    }]);
    let summary = markers
        .iter()
        .map(|(name, value)| format!("{name}: {} {unit}", signed_label(*value)))
        .chain(std::iter::once(format!("{count_name}: {}", bins.iter().map(|bin| bin.2).sum::<usize>())))
        .collect::<Vec<_>>()
        .join("; ");
    let option = json!({
        "baseOption": option,
        "media": [{ "query": { "maxWidth": 400 }, "option": { "series": [{ "markLine": { "label": { "fontSize": 9 } } }] } }],
    });
    Chart { id, title, option_json: script_safe(&option), summary }
}

/// One node of a flow graph: a unique key, the name shown, and its value.
#[derive(Debug, Clone)]
pub struct FlowNode {
    pub key: String,
    pub name: String,
}

/// A Sankey diagram of contributions: each link carries `value` (in `unit`) from a contributor to what it goes into,
/// ending at the product. Node keys are unique; names may repeat (the same factor under two processes). On a phone
/// (a chart narrower than 360 px) the labels get smaller and the gaps tighter; the diagram stays horizontal, as a
/// vertical Sankey has no room for its labels.
pub fn sankey(
    id: &'static str,
    title: &'static str,
    unit: &str,
    nodes: &[FlowNode],
    links: &[(String, String, f64)],
) -> Chart {
    let mut option = base();
    option["tooltip"] = json!({ "trigger": "item", "triggerOn": "mousemove" });
    let series = |orient: &str| {
        json!({
            "type": "sankey",
            "orient": orient,
            "left": 8,
            "right": if orient == "horizontal" { 96 } else { 8 },
            "top": 8,
            "bottom": if orient == "horizontal" { 8 } else { 48 },
            // Every flow ends at the product: align nodes to the right, so that an emission feeding the product
            // directly sits next to it instead of in the leftmost column with the deepest suppliers.
            "nodeAlign": "right",
            "nodeWidth": 12,
            "nodeGap": 10,
            "draggable": false,
            "emphasis": { "focus": "adjacency" },
            "lineStyle": { "color": "gradient", "curveness": 0.5, "opacity": 0.4 },
            "label": { "fontSize": 11, "overflow": "truncate", "width": 110 },
        })
    };
    let mut horizontal = series("horizontal");
    horizontal["data"] = json!(
        nodes
            .iter()
            .map(|node| json!({
                "name": node.key,
                "label": { "formatter": label_text(&node.name) },
                "tooltip": { "formatter": tooltip_text(&node.name) },
            }))
            .collect::<Vec<_>>()
    );
    horizontal["links"] = json!(
        links
            .iter()
            .map(|(source, target, value)| {
                let name =
                    nodes.iter().find(|node| node.key == *source).map(|node| node.name.as_str()).unwrap_or_default();
                json!({
                    "source": source,
                    "target": target,
                    "value": rounded(*value),
                    "tooltip": { "formatter": tooltip_text(&format!("{name}: {} {unit}", signed_label(*value))) },
                })
            })
            .collect::<Vec<_>>()
    );
    option["series"] = json!([horizontal]);
    let summary = links
        .iter()
        .filter_map(|(source, target, value)| {
            let name = |key: &String| nodes.iter().find(|node| node.key == *key).map(|node| node.name.clone());
            Some(format!("{} → {}: {} {unit}", name(source)?, name(target)?, signed_label(*value)))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let option = json!({
        "baseOption": option,
        "media": [{
            "query": { "maxWidth": 360 },
            "option": { "series": [{ "right": 64, "nodeGap": 6, "label": { "fontSize": 9, "width": 56 } }] },
        }],
    });
    Chart { id, title, option_json: script_safe(&option), summary }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_put_the_largest_on_top_and_summaries_read_in_order() {
        let entries = vec![("浙江省".to_owned(), 3), ("江苏省".to_owned(), 1)];
        let chart = horizontal_bars("provinces", "Provinces", "Facilities", &entries);
        let option: Value = serde_json::from_str(&chart.option_json).unwrap();
        assert_eq!(option["yAxis"]["data"], json!(["江苏省", "浙江省"]));
        assert_eq!(option["series"][0]["data"], json!([1, 3]));
        assert_eq!(chart.summary, "浙江省: 3; 江苏省: 1");
    }

    #[test]
    fn the_histogram_marks_its_percentiles_and_the_sankey_flows_into_the_product() {
        let bins = [(1.0, 2.0, 3), (2.0, 3.0, 5), (3.0, 4.0, 2)];
        let markers = [("P2.5".to_owned(), 1.1), ("中位数".to_owned(), 2.4), ("P97.5".to_owned(), 3.9)];
        let chart = histogram("mc", "蒙特卡洛结果分布", "g CO2e", "迭代次数", &bins, &markers);
        let option: Value = serde_json::from_str(&chart.option_json).unwrap();
        let series = &option["baseOption"]["series"][0];
        assert_eq!(series["data"], json!([[1.5, 3], [2.5, 5], [3.5, 2]]));
        assert_eq!(series["markLine"]["data"][1], json!({ "name": "中位数", "xAxis": 2.4 }));
        assert_eq!(chart.summary, "P2.5: 1.1 g CO2e; 中位数: 2.4 g CO2e; P97.5: 3.9 g CO2e; 迭代次数: 10");

        let nodes = [
            FlowNode { key: "0".into(), name: "Cup".into() },
            FlowNode { key: "0.0".into(), name: "Board {mill}".into() },
            FlowNode { key: "0.0.1".into(), name: "grid".into() },
        ];
        let links = [("0.0".to_owned(), "0".to_owned(), 12.0), ("0.0.1".to_owned(), "0.0".to_owned(), 7.5)];
        let chart = sankey("flows", "Flows", "g CO2e", &nodes, &links);
        let option: Value = serde_json::from_str(&chart.option_json).unwrap();
        let series = &option["baseOption"]["series"][0];
        assert_eq!(series["type"], "sankey");
        assert_eq!(series["nodeAlign"], "right", "flows end at the product on the right");
        assert_eq!(series["data"][1]["label"]["formatter"], "Board (mill)", "no ECharts template braces");
        assert_eq!(
            series["links"][1],
            json!({ "source": "0.0.1", "target": "0.0", "value": 7.5, "tooltip": { "formatter": "grid: 7.5 g CO2e" } })
        );
        assert_eq!(option["media"][0]["query"]["maxWidth"], 360, "smaller labels on a phone only");
        assert_eq!(chart.summary, "Board {mill} → Cup: 12 g CO2e; grid → Board {mill}: 7.5 g CO2e");

        // Tooltips are HTML: a name someone typed is text there, never markup.
        let nodes = [
            FlowNode { key: "0".into(), name: "Cup".into() },
            FlowNode { key: "0.0".into(), name: "<img src=x onerror=alert(1)> & co".into() },
        ];
        let chart = sankey("flows", "Flows", "g CO2e", &nodes, &[("0.0".to_owned(), "0".to_owned(), 1.0)]);
        let option: Value = serde_json::from_str(&chart.option_json).unwrap();
        let series = &option["baseOption"]["series"][0];
        assert_eq!(series["data"][1]["tooltip"]["formatter"], "&lt;img src=x onerror=alert(1)&gt; &amp; co");
        assert_eq!(series["links"][0]["tooltip"]["formatter"], "&lt;img src=x onerror=alert(1)&gt; &amp; co: 1 g CO2e");
        assert_eq!(
            series["data"][1]["label"]["formatter"], "<img src=x onerror=alert(1)> & co",
            "labels are drawn as text"
        );
    }

    #[test]
    fn option_json_cannot_close_its_script_element() {
        let chart = doughnut("kinds", "Kinds", &[("</script><script>alert(1)</script>".to_owned(), 1)]);
        assert!(!chart.option_json.contains("</script>"));
        let option: Value = serde_json::from_str(&chart.option_json).unwrap();
        assert_eq!(option["baseOption"]["series"][0]["data"][0]["name"], "</script><script>alert(1)</script>");
    }

    #[test]
    fn doughnut_data_carries_names_and_values() {
        let chart = doughnut("kinds", "Kinds", &[("Factory".to_owned(), 2)]);
        let option: Value = serde_json::from_str(&chart.option_json).unwrap();
        assert_eq!(option["baseOption"]["series"][0]["data"], json!([{ "name": "Factory", "value": 2 }]));
        assert_eq!(option["media"][0]["option"]["series"][0]["label"]["show"], false, "no labels on phones");
    }

    #[test]
    fn a_waterfall_adds_up_and_its_removal_steps_sit_below_zero() {
        let entries = vec![("raw".to_owned(), -8.6), ("production".to_owned(), 7.0), ("end of life".to_owned(), 16.7)];
        let chart = waterfall("stages", "Stages", "g CO2e", &entries, "Total");
        let whole: Value = serde_json::from_str(&chart.option_json).unwrap();
        assert_eq!(whole["media"][0]["option"]["xAxis"]["axisLabel"]["width"], 40, "narrow labels on phones");
        let option = &whole["baseOption"];
        assert_eq!(option["xAxis"]["data"], json!(["raw", "production", "end of life", "Total"]));
        // Invisible bases: the removal step runs from −8.6 up to 0; production from −8.6 to −1.6; the total from 0.
        assert_eq!(option["series"][0]["data"], json!([-8.6, -8.6, -1.6, 0.0]));
        let heights: Vec<f64> =
            option["series"][1]["data"].as_array().unwrap().iter().map(|bar| bar["value"].as_f64().unwrap()).collect();
        assert_eq!(heights, vec![8.6, 7.0, 16.7, 15.1]);
        assert_eq!(option["series"][1]["data"][0]["label"]["formatter"], "−8.6");
        assert!(chart.summary.ends_with("Total: 15.1 g CO2e"), "{}", chart.summary);
    }

    #[test]
    fn an_incomplete_total_is_drawn_hollow_in_its_own_legend_entry_and_says_what_it_leaves_out() {
        let words = CompletenessWords {
            complete: "完整",
            incomplete: "不完整",
            records_not_counted: &|n| format!("不完整：未计入的记录 {n}"),
            unknown: "未记录完整性",
        };
        let bars = [
            TotalBar { label: "2024".into(), value: 120, completeness: BarCompleteness::Complete },
            TotalBar {
                label: "2025".into(),
                value: 90,
                completeness: BarCompleteness::Incomplete { n_records_not_counted: 3 },
            },
        ];
        let chart = totals_with_completeness("trend", "合计", "t CO2e", &bars, &words);
        let option: Value = serde_json::from_str(&chart.option_json).unwrap();
        assert_eq!(option["legend"]["data"], json!(["完整", "不完整"]));
        let (complete, incomplete) = (&option["series"][0], &option["series"][1]);
        assert_eq!(complete["data"][0]["value"], 120);
        assert_eq!(complete["data"][1], "-", "one bar per year");
        assert_eq!(incomplete["data"][0], "-");
        assert_eq!(incomplete["data"][1]["value"], 90);
        assert_eq!(incomplete["itemStyle"]["borderType"], "dashed");
        assert_eq!(incomplete["label"]["formatter"], "不完整");
        assert_eq!(incomplete["data"][1]["tooltip"]["formatter"], "2025: 90 t CO2e<br>不完整：未计入的记录 3");
        assert_eq!(chart.summary, "2024: 120 t CO2e; 2025: 90 t CO2e (不完整：未计入的记录 3)");

        let unknown = [TotalBar { label: "基准年".into(), value: 1, completeness: BarCompleteness::Unknown }];
        let chart = totals_with_completeness("base", "基准年", "t CO2e", &unknown, &words);
        let option: Value = serde_json::from_str(&chart.option_json).unwrap();
        assert_eq!(option["series"][1]["data"][0]["tooltip"]["formatter"], "基准年: 1 t CO2e<br>未记录完整性");
    }

    #[test]
    fn signed_labels_keep_four_significant_digits() {
        assert_eq!(signed_label(17.66684), "17.67");
        assert_eq!(signed_label(-0.000713805), "−0.0007138");
        assert_eq!(signed_label(1234.6), "1235");
        assert_eq!(signed_label(0.0), "0");
    }
}
