use resvg::usvg::roxmltree;

use super::*;

fn stages() -> Vec<(String, f64)> {
    vec![
        ("原材料 Raw materials".to_owned(), 7.1),
        ("生产 Production".to_owned(), 4.3),
        ("生物碳 Biogenic uptake".to_owned(), -1.2),
    ]
}

fn baseline() -> Vec<(String, f64)> {
    vec![
        ("原材料 Raw materials".to_owned(), 9.8),
        ("生产 Production".to_owned(), 4.9),
        ("Use & <care>".to_owned(), 0.3),
    ]
}

fn texts(svg: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).expect("the chart is well-formed XML");
    document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .map(|node| node.text().unwrap_or_default().to_owned())
        .collect()
}

/// (x, width) of the rects drawn in `fill`.
fn bars(svg: &str, fill: &str) -> Vec<(f64, f64)> {
    let document = roxmltree::Document::parse(svg).unwrap();
    document
        .descendants()
        .filter(|node| {
            node.has_tag_name("rect") && node.attribute("fill") == Some(fill) && node.attribute("rx") == Some("2")
        })
        .filter(|node| node.attribute("height") == Some(&*BAR_HEIGHT.to_string()))
        .map(|node| (node.attribute("x").unwrap().parse().unwrap(), node.attribute("width").unwrap().parse().unwrap()))
        .collect()
}

fn zero_line_x(svg: &str) -> f64 {
    let document = roxmltree::Document::parse(svg).unwrap();
    let line = document.descendants().find(|node| node.has_tag_name("line")).expect("a zero line");
    line.attribute("x1").unwrap().parse().unwrap()
}

#[test]
fn stage_bars_are_accessible_and_responsive() {
    let svg = stage_bars_svg(&stages(), None, "kg CO₂e");
    let document = roxmltree::Document::parse(&svg).unwrap();
    let root = document.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("width"), Some("100%"));
    assert!(root.attribute("height").is_none());
    assert!(root.attribute("viewBox").unwrap().starts_with("0 0 480 "));
    let label = root.attribute("aria-label").unwrap();
    assert_eq!(
        label,
        "各阶段碳足迹 Carbon footprint by life-cycle stage (kg CO₂e): 原材料 Raw materials 7.1; 生产 Production 4.3; \
         生物碳 Biogenic uptake −1.2"
    );
    let title = root.first_element_child().unwrap();
    assert!(title.has_tag_name("title"));
    assert_eq!(title.text(), Some(label));
}

#[test]
fn stage_bars_print_labels_and_values() {
    let svg = stage_bars_svg(&stages(), None, "kg CO₂e");
    let texts = texts(&svg);
    for expected in
        ["原材料 Raw materials", "生产 Production", "生物碳 Biogenic uptake", "7.1", "4.3", "−1.2", "kg CO₂e"]
    {
        assert!(texts.iter().any(|text| text == expected), "{expected:?} not in {texts:?}");
    }
    assert!(!svg.contains("This product"), "no legend without a baseline");
}

#[test]
fn negative_values_are_drawn_left_of_zero() {
    let svg = stage_bars_svg(&stages(), None, "kg CO₂e");
    let zero = zero_line_x(&svg);
    let product = bars(&svg, PRODUCT_FILL);
    assert_eq!(product.len(), 3, "negative bars keep the product's colour");
    let (positive, negative): (Vec<_>, Vec<_>) = product.into_iter().partition(|(x, _)| (x - zero).abs() < 0.11);
    assert_eq!(positive.len(), 2);
    assert_eq!(negative.len(), 1);
    let (x, width) = negative[0];
    assert!((x + width - zero).abs() < 0.11 && x < zero);
    // Lengths are to scale: 7.1 against 1.2.
    assert!((positive[0].1 / width - 7.1 / 1.2).abs() < 0.02);
}

#[test]
fn the_baseline_is_shown_beside_each_stage() {
    let baseline = baseline();
    let svg = stage_bars_svg(&stages(), Some(&baseline), "kg CO₂e");
    let texts = texts(&svg);
    assert!(texts.iter().any(|text| text == "本产品 This product"));
    assert!(texts.iter().any(|text| text == "常规产品 Conventional product"));
    for expected in ["9.8", "4.9", "0.3", "Use & <care>", "—"] {
        assert!(texts.iter().any(|text| text == expected), "{expected:?} not in {texts:?}");
    }
    assert!(svg.contains("Use &amp; &lt;care&gt;"));
    assert_eq!(bars(&svg, BASELINE_FILL).len(), 3);
    // The stage only the baseline has comes last, with no product bar ("—").
    let label = roxmltree::Document::parse(&svg).unwrap().root_element().attribute("aria-label").unwrap().to_owned();
    assert!(label.ends_with("; Use & <care> — (常规产品 conventional 0.3)"), "{label}");
}

#[test]
fn no_stages_say_so() {
    let svg = stage_bars_svg(&[], None, "kg CO₂e");
    assert!(texts(&svg).iter().any(|text| text == "无数据 No data"));
}

#[test]
fn values_that_are_not_numbers_are_shown_as_missing() {
    let stages = vec![("A".to_owned(), f64::NAN), ("B".to_owned(), 2.0)];
    let svg = stage_bars_svg(&stages, None, "kg CO₂e");
    assert!(texts(&svg).iter().any(|text| text == "—"));
    assert!(!svg.contains("NaN"));
    assert_eq!(bars(&svg, PRODUCT_FILL).len(), 1);
}

#[test]
fn large_and_tiny_values_keep_three_significant_figures() {
    let stages = vec![("A".to_owned(), 123_456.0), ("B".to_owned(), 0.000_123_4), ("C".to_owned(), -0.0)];
    let svg = stage_bars_svg(&stages, None, "kg CO₂e");
    let texts = texts(&svg);
    for expected in ["123,000", "0.000123", "0"] {
        assert!(texts.iter().any(|text| text == expected), "{expected:?} not in {texts:?}");
    }
    assert!(!svg.contains("−0<"));
}

#[test]
fn the_range_plot_shows_the_interval_median_and_value() {
    let svg = range_svg(10.9, 12.2, 14.1, 12.3, "g CO₂e").unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    let root = document.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("width"), Some("100%"));
    assert_eq!(
        root.attribute("aria-label"),
        Some("95% 区间 95% interval: 10.9–14.1 g CO₂e; 中位数 median 12.2; 声明值 declared value 12.3")
    );
    let texts = texts(&svg);
    for expected in ["12.3 g CO₂e", "10.9", "14.1", "95% 区间 interval · 中位数 median 12.2"] {
        assert!(texts.iter().any(|text| text == expected), "{expected:?} not in {texts:?}");
    }
}

#[test]
fn the_range_plot_places_marks_in_order() {
    let svg = range_svg(1.0, 2.0, 4.0, 5.0, "kg CO₂e").unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    let number = |node: roxmltree::Node<'_, '_>, name: &str| -> f64 { node.attribute(name).unwrap().parse().unwrap() };
    let interval = document.descendants().find(|node| node.has_tag_name("rect")).unwrap();
    let median = document.descendants().filter(|node| node.has_tag_name("line")).nth(1).unwrap();
    let value = document.descendants().find(|node| node.has_tag_name("circle")).unwrap();
    let (low_x, high_x) = (number(interval, "x"), number(interval, "x") + number(interval, "width"));
    let median_x = number(median, "x1");
    let value_x = number(value, "cx");
    assert!(low_x < median_x && median_x < high_x && high_x < value_x, "the value lies outside the interval");
    // 2.0 is a third of the way from 1.0 to 4.0.
    assert!(((median_x - low_x) / (high_x - low_x) - 1.0 / 3.0).abs() < 0.01);
}

#[test]
fn the_range_plot_refuses_bad_intervals() {
    assert_eq!(range_svg(2.0, 1.0, 3.0, 2.0, "kg"), Err(ChartError::NotOrdered));
    assert_eq!(range_svg(1.0, 2.0, f64::INFINITY, 2.0, "kg"), Err(ChartError::NotFinite));
    assert!(range_svg(2.0, 2.0, 2.0, 2.0, "kg").is_ok(), "a zero-width interval still draws");
}

/// The fills of the legend's swatches and of the bars.
fn legend_and_bar_fills(svg: &str) -> (Vec<String>, Vec<String>) {
    let document = roxmltree::Document::parse(svg).unwrap();
    let rects = || document.descendants().filter(|node| node.has_tag_name("rect"));
    let fills = |height: &str| {
        rects()
            .filter(|node| node.attribute("height") == Some(height))
            .filter_map(|node| node.attribute("fill").map(str::to_owned))
            .collect::<Vec<_>>()
    };
    (fills("14"), fills(&BAR_HEIGHT.to_string()))
}

#[test]
fn every_bar_colour_is_in_the_legend() {
    // Regression: negative values (biogenic uptake) were drawn in a blue the legend did not have.
    let mut with_uptake = baseline();
    with_uptake.push(("生物碳 Biogenic uptake".to_owned(), -0.4));
    let svg = stage_bars_svg(&stages(), Some(&with_uptake), "kg CO₂e");
    let (legend, bars_drawn) = legend_and_bar_fills(&svg);
    assert_eq!(legend, [PRODUCT_FILL, BASELINE_FILL]);
    assert!(!bars_drawn.is_empty());
    for fill in &bars_drawn {
        assert!(legend.contains(fill), "{fill} is drawn but not in the legend {legend:?}");
    }
    // Each series' negative bar is in its own colour, left of zero.
    let zero = zero_line_x(&svg);
    assert!(bars(&svg, PRODUCT_FILL).iter().any(|(x, _)| *x < zero - 1.0));
    assert!(bars(&svg, BASELINE_FILL).iter().any(|(x, _)| *x < zero - 1.0));
}
