//! ECharts options built on the server. The page embeds each option as JSON in a `<script type="application/json">`
//! block; `console.js` hands it to ECharts unchanged. Keeping chart construction here means every chart is built
//! from typed data, tested like any other code, and translated with the rest of the page.

use serde_json::{Value, json};

/// The console's chart palette: greens and teals first (the brand), then contrasting hues.
const PALETTE: [&str; 8] = ["#0f766e", "#14b8a6", "#65a30d", "#0ea5e9", "#f59e0b", "#8b5cf6", "#ef4444", "#64748b"];

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
fn script_safe(option: &Value) -> String {
    option.to_string().replace('<', "\\u003c")
}

fn summary(entries: &[(String, i64)]) -> String {
    entries.iter().map(|(name, value)| format!("{name}: {value}")).collect::<Vec<_>>().join("; ")
}

fn base() -> Value {
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
}
