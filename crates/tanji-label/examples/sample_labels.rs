//! Writes the demo products' labels (SVG and 300 dpi PNG with the bundled fonts) and sample page charts into a
//! directory, to look at them: `cargo run -p tanji-label --example sample_labels -- /tmp/labels`.
#![allow(clippy::print_stderr)] // a maintainer tool that says what it wrote

use std::path::PathBuf;

use jiff::civil::date;
use tanji_label::label::{
    DEFAULT_DPI, FootprintStandard, Interval, LabelFacts, LabelVerification, bundled_fonts, label_png, label_svg,
};
use tanji_label::page_chart::{range_svg, stage_bars_svg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/sample-labels".to_owned()));
    std::fs::create_dir_all(&out_dir)?;
    let cup = LabelFacts {
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
    };
    let plate = LabelFacts {
        product_name_zh: "甘蔗渣餐盘（10 只装）".to_owned(),
        product_name_en: "Sugarcane-bagasse plate, pack of 10".to_owned(),
        declared_unit_zh: "每只".to_owned(),
        declared_unit_en: "per plate".to_owned(),
        kg_co2e_per_unit: 0.0456,
        interval_95_kg_co2e_per_unit: None,
        baseline_kg_co2e_per_unit: Some(0.0712),
        verification: LabelVerification::SelfDeclared,
        standard: FootprintStandard::Iso14067_2018,
        url: "https://tanji.example.cn/l/PB4TE9QM".to_owned(),
        version: 1,
        published_on: date(2025, 6, 1),
    };
    let fonts = bundled_fonts();
    for (name, facts) in [("cup", &cup), ("plate", &plate)] {
        let svg_path = out_dir.join(format!("label-{name}.svg"));
        std::fs::write(&svg_path, label_svg(facts)?)?;
        let png_path = out_dir.join(format!("label-{name}.png"));
        std::fs::write(&png_path, label_png(facts, DEFAULT_DPI, &fonts)?)?;
        eprintln!("wrote {} and {}", svg_path.display(), png_path.display());
    }
    let stages = [
        ("原材料获取 Raw materials".to_owned(), 7.1),
        ("生产 Production".to_owned(), 4.3),
        ("运输 Distribution".to_owned(), 1.2),
        ("废弃处理 End of life".to_owned(), 0.9),
        ("生物碳吸收 Biogenic uptake".to_owned(), -1.2),
    ];
    let baseline = [
        ("原材料获取 Raw materials".to_owned(), 9.8),
        ("生产 Production".to_owned(), 4.9),
        ("运输 Distribution".to_owned(), 1.2),
        ("废弃处理 End of life".to_owned(), 0.1),
    ];
    let chart_path = out_dir.join("stages.svg");
    std::fs::write(&chart_path, stage_bars_svg(&stages, Some(&baseline), "g CO₂e"))?;
    let range_path = out_dir.join("range.svg");
    std::fs::write(&range_path, range_svg(10.9, 12.2, 14.1, 12.3, "g CO₂e")?)?;
    eprintln!("wrote {} and {}", chart_path.display(), range_path.display());
    // Previews of the charts as a 360-pixel-wide phone would show them, to look at without a browser.
    for path in [chart_path, range_path] {
        let preview = path.with_extension("preview.png");
        std::fs::write(&preview, preview_png(&std::fs::read_to_string(&path)?, 360.0)?)?;
        eprintln!("wrote {}", preview.display());
    }
    Ok(())
}

fn preview_png(svg: &str, width_px: f32) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options::default();
    for font in bundled_fonts() {
        options.fontdb_mut().load_font_data(font.to_vec());
    }
    let tree = usvg::Tree::from_str(svg, &options)?;
    let scale = width_px / tree.size().width();
    let height_px = (tree.size().height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width_px as u32, height_px).ok_or("empty chart")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    Ok(pixmap.encode_png()?)
}
