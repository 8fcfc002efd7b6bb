use jiff::civil::date;
use resvg::usvg::roxmltree;

use super::*;

fn cup() -> LabelFacts {
    LabelFacts {
        product_name_zh: "竹纤维纸杯".to_owned(),
        product_name_en: "Bamboo-fibre paper cup".to_owned(),
        declared_unit_zh: "每杯".to_owned(),
        declared_unit_en: "per cup".to_owned(),
        kg_co2e_per_unit: 0.0123,
        interval_95_kg_co2e_per_unit: Some(Interval { low: 0.0109, high: 0.0141 }),
        baseline_kg_co2e_per_unit: Some(0.0160),
        verification: LabelVerification::ThirdParty { verifier: "中国质量认证中心 CQC".to_owned() },
        standard: FootprintStandard::Iso14067_2018,
        url: "https://tanji.example.cn/l/K7M29XQD".to_owned(),
        version: 2,
        published_on: date(2025, 6, 1),
    }
}

/// All text the SVG shows, element by element (what a reader or a browser would see after unescaping).
fn texts(svg: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).expect("the label is well-formed XML");
    document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .map(|node| {
            node.descendants().filter(|child| child.is_text()).filter_map(|child| child.text()).collect::<String>()
        })
        .collect()
}

fn shows(svg: &str, expected: &str) -> bool {
    texts(svg).iter().any(|text| text == expected)
}

#[test]
fn the_label_shows_the_footprint_bilingually() {
    let svg = label_svg(&cup()).unwrap();
    for expected in [
        "碳足迹Carbon Footprint",
        "ISO 14067:2018",
        "竹纤维纸杯",
        "Bamboo-fibre paper cup",
        "12.3",
        "g CO₂e",
        "每杯 per cup",
        "95% 区间 interval 10.9–14.1 g",
        "比常规产品减少 23%",
        "23% lower than conventional",
        "第三方核查 Verified by",
        "中国质量认证中心 CQC",
        "tanji.example.cn",
        "/l/K7M2-9XQD",
        "第 2 版 v2 · 2025-06-01",
    ] {
        assert!(shows(&svg, expected), "{expected:?} not in {:?}", texts(&svg));
    }
    assert!(svg.contains(r#"width="60mm" height="40mm" viewBox="0 0 600 400""#));
    assert!(svg.contains("'Noto Sans SC', 'Noto Sans CJK SC'"));
    assert!(svg.contains(r#"role="img""#) && svg.contains("<title>碳足迹 Carbon Footprint: 竹纤维纸杯"));
}

#[test]
fn the_reduction_is_computed_from_the_baseline_and_never_overstated() {
    let facts = cup();
    let reduction = facts.reduction_percent().unwrap();
    assert!((reduction - 23.125).abs() < 1e-9, "{reduction}");
    assert_eq!(facts.claimed_reduction_percent(), Some(23));

    let barely = LabelFacts { kg_co2e_per_unit: 0.01599, ..cup() };
    assert_eq!(barely.claimed_reduction_percent(), None, "under 1 % is not claimed");
    let worse = LabelFacts { kg_co2e_per_unit: 0.02, ..cup() };
    assert!(worse.reduction_percent().unwrap() < 0.0);
    assert_eq!(worse.claimed_reduction_percent(), None);
    let svg = label_svg(&worse).unwrap();
    assert!(!svg.contains("减少") && !svg.contains("lower than"));

    let no_baseline = LabelFacts { baseline_kg_co2e_per_unit: None, ..cup() };
    assert_eq!(no_baseline.reduction_percent(), None);
    assert!(!label_svg(&no_baseline).unwrap().contains("减少"));

    let net_negative = LabelFacts { kg_co2e_per_unit: -0.002, interval_95_kg_co2e_per_unit: None, ..cup() };
    assert_eq!(net_negative.claimed_reduction_percent(), Some(100));
}

#[test]
fn an_internally_reviewed_footprint_says_so_and_claims_no_reduction() {
    let facts = LabelFacts { verification: LabelVerification::InternalReview, ..cup() };
    assert_eq!(facts.claimed_reduction_percent(), None, "a member's own review is not independent verification");
    let svg = label_svg(&facts).unwrap();
    assert!(shows(&svg, "内部审核 Internal review"));
    assert!(!svg.contains("Verified by") && !svg.contains("第三方"));
    assert!(!svg.contains("减少") && !svg.contains("lower than"), "{:?}", texts(&svg));
}

#[test]
fn a_self_declared_footprint_says_so_and_claims_no_reduction() {
    let facts = LabelFacts { verification: LabelVerification::SelfDeclared, ..cup() };
    assert!(facts.reduction_percent().is_some(), "the facts have a baseline");
    assert_eq!(facts.claimed_reduction_percent(), None, "but a self-declared label does not compare");
    let svg = label_svg(&facts).unwrap();
    assert!(shows(&svg, "自我声明 Self-declared"));
    assert!(!svg.contains("Verified by"));
    assert!(!svg.contains("减少") && !svg.contains("lower than"), "{:?}", texts(&svg));
}

/// The `<text>` elements of a label with their font size in user units (0.1 mm).
fn sized_texts(svg: &str) -> Vec<(String, f64)> {
    let document = roxmltree::Document::parse(svg).expect("the label is well-formed XML");
    document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .filter_map(|node| {
            let size = node.attribute("font-size")?.parse::<f64>().ok()?;
            let text = node.descendants().filter(|child| child.is_text()).filter_map(|child| child.text()).collect();
            Some((text, size))
        })
        .collect()
}

/// Points at the label's print size (60 mm wide) of a font size in user units.
fn points(size_units: f64) -> f64 {
    size_units / UNITS_PER_MM / (25.4 / 72.0)
}

#[test]
fn the_verification_line_is_at_least_6_pt_whole_and_said_once() {
    for verifier in [
        "中国质量认证中心 CQC",
        "杭州谨衡碳核查有限公司",
        "SGS-CSTC Standards Technical Services Co., Ltd.",
        "中环联合（北京）认证中心有限公司 CEC",
    ] {
        let svg = label_svg(&LabelFacts {
            verification: LabelVerification::ThirdParty { verifier: verifier.to_owned() },
            ..cup()
        })
        .unwrap();
        let sized = sized_texts(&svg);
        let heading: Vec<_> = sized.iter().filter(|(text, _)| text.contains("Verified by")).collect();
        assert_eq!(heading.len(), 1, "said once: {sized:?}");
        assert_eq!(heading[0].0, "第三方核查 Verified by");
        assert!(points(heading[0].1) >= MIN_STATEMENT_SIZE_PT, "{} pt", points(heading[0].1));
        // The name follows on lines of its own, whole (no ellipsis), each within the column, at 6 pt or more.
        let at = sized.iter().position(|(text, _)| text.contains("Verified by")).unwrap();
        let name_lines = &sized[at + 1..];
        assert!(!name_lines.is_empty() && name_lines.len() <= 2, "{verifier}: {name_lines:?}");
        let joined: String = name_lines.iter().map(|(text, _)| text.as_str()).collect::<Vec<_>>().join(" ");
        let squeeze = |text: &str| text.chars().filter(|ch| !ch.is_whitespace()).collect::<String>();
        assert_eq!(squeeze(&joined), squeeze(verifier), "the name is printed whole");
        for (line, size) in name_lines {
            assert!(points(*size) >= MIN_STATEMENT_SIZE_PT, "{line}: {} pt", points(*size));
            assert!(!line.contains('…'), "{line}");
            assert!(text_width_em(line, Weight::Bold) * size <= LEFT_COLUMN_WIDTH + 1e-9, "{line} is too wide");
        }
        let everything = squeeze(&texts(&svg).concat());
        assert_eq!(everything.matches(&squeeze(verifier)).count(), 1, "printed once: {sized:?}");
    }
    let svg = label_svg(&LabelFacts { verification: LabelVerification::SelfDeclared, ..cup() }).unwrap();
    let sized = sized_texts(&svg);
    let (_, size) = sized.iter().find(|(text, _)| text == "自我声明 Self-declared").unwrap();
    assert!(points(*size) >= MIN_STATEMENT_SIZE_PT);
}

#[test]
fn a_verifier_name_too_long_to_print_whole_is_refused() {
    let long = "中华人民共和国某某省某某市某某区某某街道第三方温室气体排放核查与碳足迹认证服务中心有限责任公司";
    assert_eq!(
        label_svg(&LabelFacts { verification: LabelVerification::ThirdParty { verifier: long.to_owned() }, ..cup() }),
        Err(LabelError::VerifierTooLong)
    );
}

#[test]
fn the_code_is_printed_as_on_the_pages() {
    let svg = label_svg(&cup()).unwrap();
    assert!(shows(&svg, "/l/K7M2-9XQD"), "{:?}", texts(&svg));
    assert!(!shows(&svg, "/l/K7M29XQD"));
    // The QR code still encodes the canonical URL; a path that is not a code is printed as it is.
    assert_eq!(printed_url("https://t.example/l/K7M29XQD").1, "/l/K7M2-9XQD");
    assert_eq!(printed_url("https://t.example/l/ABC").1, "/l/ABC");
    assert_eq!(printed_url("https://t.example/labels/verylongx").1, "/labels/verylongx");
    assert_eq!(crate::publication::parse_code("K7M2-9XQD").unwrap().display(), "K7M2-9XQD");
}

#[test]
fn numbers_switch_units_and_keep_three_significant_figures() {
    let check = |kg: f64, number: &str, unit: &str| {
        let facts = LabelFacts { kg_co2e_per_unit: kg, interval_95_kg_co2e_per_unit: None, ..cup() };
        let svg = label_svg(&facts).unwrap();
        assert!(shows(&svg, number), "{kg}: {number:?} not in {:?}", texts(&svg));
        assert!(shows(&svg, unit), "{kg}: {unit:?} not in {:?}", texts(&svg));
    };
    check(0.0123, "12.3", "g CO₂e");
    check(0.012349, "12.3", "g CO₂e");
    check(0.25, "0.25", "kg CO₂e");
    check(1.2345, "1.23", "kg CO₂e");
    check(1234.5, "1.23", "t CO₂e");
    check(0.0, "0", "kg CO₂e");
    check(-0.0, "0", "kg CO₂e");
    check(-0.0042, "−4.2", "g CO₂e");
}

#[test]
fn text_is_escaped() {
    let facts = LabelFacts {
        product_name_en: "Tom & Jerry's <cup> \"deluxe\"".to_owned(),
        verification: LabelVerification::ThirdParty { verifier: "A&B <Verifiers>".to_owned() },
        ..cup()
    };
    let svg = label_svg(&facts).unwrap();
    assert!(svg.contains("Tom &amp; Jerry&apos;s &lt;cup&gt; &quot;deluxe&quot;"));
    assert!(!svg.contains("<cup>"));
    assert!(shows(&svg, "Tom & Jerry's <cup> \"deluxe\""));
    assert!(shows(&svg, "A&B <Verifiers>"));
}

#[test]
fn control_characters_in_names_do_not_break_the_svg() {
    let facts = LabelFacts { product_name_zh: "纸杯\u{0}\u{1b}[31m".to_owned(), ..cup() };
    let svg = label_svg(&facts).unwrap();
    assert!(shows(&svg, "纸杯[31m"));
}

#[test]
fn long_names_are_set_smaller_then_cut() {
    let long = "Sugarcane-bagasse compostable dinner plate with three compartments, pack of fifty";
    let facts = LabelFacts { product_name_en: long.to_owned(), ..cup() };
    let svg = label_svg(&facts).unwrap();
    let shown = texts(&svg).into_iter().find(|text| text.starts_with("Sugarcane")).unwrap();
    assert!(shown.ends_with('…') && shown.len() < long.len(), "{shown}");
}

#[test]
fn facts_are_checked() {
    let check = |facts: LabelFacts, expected: LabelError| assert_eq!(label_svg(&facts), Err(expected));
    check(LabelFacts { product_name_zh: " ".to_owned(), ..cup() }, LabelError::EmptyField { field: "product_name_zh" });
    check(
        LabelFacts { declared_unit_en: String::new(), ..cup() },
        LabelError::EmptyField { field: "declared_unit_en" },
    );
    check(LabelFacts { kg_co2e_per_unit: f64::NAN, ..cup() }, LabelError::NotFinite { field: "kg_co2e_per_unit" });
    check(
        LabelFacts { interval_95_kg_co2e_per_unit: Some(Interval { low: 0.02, high: 0.01 }), ..cup() },
        LabelError::IntervalReversed,
    );
    check(LabelFacts { baseline_kg_co2e_per_unit: Some(0.0), ..cup() }, LabelError::BaselineNotPositive);
    check(LabelFacts { version: 0, ..cup() }, LabelError::VersionZero);
    check(
        LabelFacts { url: "tanji.example.cn/l/K7M29XQD".to_owned(), ..cup() },
        LabelError::InvalidUrl { reason: "it does not start with https:// or http://" },
    );
    check(
        LabelFacts { url: "https://tanji.example.cn/l/K7M 29XQD".to_owned(), ..cup() },
        LabelError::InvalidUrl { reason: "it has spaces or non-ASCII characters" },
    );
    let huge = format!("https://tanji.example.cn/{}", "x".repeat(3000));
    check(LabelFacts { url: huge.clone(), ..cup() }, LabelError::UrlTooLongForQr { length: huge.len() });
}

// ---- PNG --------------------------------------------------------------------------------------------------------

fn decode_png(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut pixels).expect("one frame");
    pixels.truncate(info.buffer_size());
    (info, pixels)
}

#[test]
fn the_png_has_the_print_size_and_resolution() {
    let bytes = label_png(&cup(), DEFAULT_DPI, &bundled_fonts()).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (info, _) = decode_png(&bytes);
    // 60 × 40 mm at 300 dpi.
    assert_eq!((info.width, info.height), (709, 472));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let reader = png::Decoder::new(std::io::Cursor::new(&bytes)).read_info().unwrap();
    let dims = reader.info().pixel_dims.expect("the PNG records its resolution");
    assert_eq!((dims.xppu, dims.yppu, dims.unit), (11811, 11811, png::Unit::Meter));
}

#[test]
fn the_png_size_follows_the_dpi() {
    let bytes = label_png(&cup(), 150, &bundled_fonts()).unwrap();
    let (info, _) = decode_png(&bytes);
    assert_eq!((info.width, info.height), (354, 236));
    assert_eq!(label_png(&cup(), 20, &bundled_fonts()), Err(LabelError::DpiOutOfRange { dpi: 20 }));
}

#[test]
fn the_qr_code_in_the_png_reads_back_as_the_url() {
    let bytes = label_png(&cup(), DEFAULT_DPI, &bundled_fonts()).unwrap();
    let (info, rgb) = decode_png(&bytes);
    let (width, height) = (info.width as usize, info.height as usize);
    let luma = |x: usize, y: usize| {
        let pixel = &rgb[(y * width + x) * 3..][..3];
        ((u32::from(pixel[0]) * 299 + u32::from(pixel[1]) * 587 + u32::from(pixel[2]) * 114) / 1000) as u8
    };
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, luma);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the label");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    assert_eq!(content, "https://tanji.example.cn/l/K7M29XQD");
}

#[test]
fn no_font_is_an_error_not_a_blank_label() {
    assert_eq!(label_png(&cup(), DEFAULT_DPI, &[]), Err(LabelError::NoUsableFont));
    assert_eq!(label_png(&cup(), DEFAULT_DPI, &[b"not a font"]), Err(LabelError::NoUsableFont));
}

#[test]
fn characters_the_fonts_lack_are_refused() {
    // U+2A6A5 (four 龍) is far outside the bundled subset.
    let facts = LabelFacts { product_name_zh: "𪚥纸杯".to_owned(), ..cup() };
    assert_eq!(
        label_png(&facts, 150, &bundled_fonts()),
        Err(LabelError::MissingGlyphs { characters: "𪚥".to_owned() })
    );
}

#[test]
fn the_bundled_fonts_cover_the_labels_own_words_and_the_demo_products() {
    let fonts = bundled_fonts();
    let words = "碳足迹 Carbon Footprint 比常规产品减少 lower than conventional 第三方核查 Verified by 自我声明 \
        Self-declared 区间 interval 第版 每杯只个盒包件 CO₂e 竹纤维纸杯 甘蔗渣餐盘 竹筷 烘焙纸 旅行内裤 一次性 可降解 \
        中国质量认证中心 ～（）·–—%";
    let characters: String = words.chars().filter(|ch| !ch.is_whitespace()).collect();
    let charmaps: Vec<_> =
        fonts.iter().map(|data| skrifa::FontRef::new(data).expect("an OpenType font").charmap()).collect();
    let missing: String = characters.chars().filter(|&ch| charmaps.iter().all(|map| map.map(ch).is_none())).collect();
    assert_eq!(missing, "");
}

#[test]
fn display_urls_drop_the_scheme_and_split_after_the_host() {
    assert_eq!(display_url("https://tanji.example.cn/l/K7M29XQD"), ("tanji.example.cn", "/l/K7M29XQD"));
    assert_eq!(display_url("http://t.cn"), ("t.cn", ""));
    assert_eq!(url_lines("tanji.example.cn", "/l/K7M2-9XQD", 184.0), (18.0, vec!["tanji.example.cn", "/l/K7M2-9XQD"]));
    // A long host is broken after a dot, never cut.
    let (host, path) = printed_url("https://carbon-label.tanji.example.com.cn/l/ZZZZZZZZ");
    let (size, lines) = url_lines(&host, &path, 184.0);
    assert_eq!(size, 14.0);
    assert_eq!(lines, ["carbon-label.tanji.example.", "com.cn", "/l/ZZZZ-ZZZZ"]);
    for line in lines {
        assert!(text_width_em(line, Weight::Regular) * size <= 184.0);
    }
}

#[test]
fn negative_intervals_keep_dash_and_minus_apart() {
    let facts = LabelFacts {
        kg_co2e_per_unit: -1.2345,
        interval_95_kg_co2e_per_unit: Some(Interval { low: -1.9, high: -0.61 }),
        ..cup()
    };
    let svg = label_svg(&facts).unwrap();
    assert!(shows(&svg, "−1.23"));
    assert!(shows(&svg, "95% 区间 interval −1.9 – −0.61 kg"), "{:?}", texts(&svg));
}
