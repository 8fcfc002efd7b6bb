//! Carbon label artwork: a bilingual, print-ready label (SVG, and PNG at print resolution) showing a product's
//! footprint per declared unit, the reduction against a conventional product, who verified it, and a QR code that
//! opens the public footprint page.
//!
//! The label is 60 × 40 mm (the SVG says so in `width`/`height`; one user unit is 0.1 mm). At 300 dpi that is
//! 709 × 472 pixels, and the QR code's modules are 0.4–0.5 mm (about 5 pixels) with the four-module quiet zone the
//! standard asks for, which phone cameras read at arm's length.
//!
//! Text is laid out without a font at hand, from the advance widths of the bundled Noto Sans CJK SC (see
//! `text::text_width_em`); strings that would not fit their space are set smaller, down to a floor, and then cut with
//! an ellipsis. [`label_png`] renders the same SVG with resvg using only the font bytes it is given, and refuses to
//! render a character none of them has rather than print a blank box.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

use jiff::civil::Date;
use qrcode::{EcLevel, QrCode};
use resvg::{tiny_skia, usvg};
use skrifa::MetadataProvider as _;

use crate::text::{MassUnit, Weight, escape_xml, text_width_em};

/// Width of the label in millimetres.
pub const LABEL_WIDTH_MM: f64 = 60.0;
/// Height of the label in millimetres.
pub const LABEL_HEIGHT_MM: f64 = 40.0;
/// The resolution [`label_png`] is meant for when the caller has no printer-specific one.
pub const DEFAULT_DPI: u32 = 300;
/// The resolutions [`label_png`] accepts.
pub const DPI_RANGE: std::ops::RangeInclusive<u32> = 72..=1200;

/// User units per millimetre in the label SVG.
const UNITS_PER_MM: f64 = 10.0;
/// The smallest size the verification statement is printed at, in points at the label's print size: below 6 pt,
/// small print on packaging is hard to read.
pub const MIN_STATEMENT_SIZE_PT: f64 = 6.0;
/// The verification statement's size in user units: 2.2 mm, 6.24 pt (1 pt = 25.4/72 mm), just above
/// [`MIN_STATEMENT_SIZE_PT`].
const VERIFICATION_SIZE: f64 = 22.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = WIDTH - 34.0;
const QR_SIZE: f64 = 184.0;
/// Where the QR code's square starts.
const QR_X: f64 = RIGHT - QR_SIZE + 8.0;
/// The width of the left column (product, number, reduction, verification).
const LEFT_COLUMN_WIDTH: f64 = QR_X - 18.0 - LEFT;
const VERIFICATION_LINE_PITCH: f64 = 25.0;
/// The baseline of the foot lines (verification, version).
const FOOT_BASELINE: f64 = HEIGHT - 24.0;
const BADGE_HEIGHT: f64 = 52.0;
/// The most lines a verifier's name takes on the label; longer names are refused by [`LabelFacts::check`].
const MAX_VERIFIER_LINES: usize = 2;
const WIDTH: f64 = LABEL_WIDTH_MM * UNITS_PER_MM;
const HEIGHT: f64 = LABEL_HEIGHT_MM * UNITS_PER_MM;

/// The fonts, in order of preference: the bundled Noto Sans CJK SC under its web and collection names, then the CJK
/// fonts that Windows, macOS and Linux desktops have, so the SVG looks right in a browser or a design tool too.
pub const FONT_FAMILY: &str = "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', \
    'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

const GREEN: &str = "#17794A";
const DARK: &str = "#14251C";
const GREY: &str = "#56655D";
const PALE_GREEN: &str = "#E5F3EA";

/// The standard a footprint was quantified to, as the label names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FootprintStandard {
    /// ISO 14067:2018, Greenhouse gases — Carbon footprint of products.
    Iso14067_2018,
    /// GB/T 24067-2024, the Chinese national standard that adopts ISO 14067.
    GbT24067_2024,
    /// PAS 2050:2011, the British specification.
    Pas2050_2011,
}

impl FootprintStandard {
    /// The standard's designation as printed: "ISO 14067:2018".
    pub fn designation(self) -> &'static str {
        match self {
            FootprintStandard::Iso14067_2018 => "ISO 14067:2018",
            FootprintStandard::GbT24067_2024 => "GB/T 24067-2024",
            FootprintStandard::Pas2050_2011 => "PAS 2050:2011",
        }
    }
}

/// A closed interval of footprint values, in kg CO₂e per declared unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The lower end (the 2.5th percentile for a 95 % interval).
    pub low: f64,
    /// The upper end (the 97.5th percentile for a 95 % interval).
    pub high: f64,
}

/// Who stands behind a labelled footprint, as the label prints it (`tanji_footprint::Assurance` decides which).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelVerification {
    /// Declared by the publisher alone: "自我声明 Self-declared".
    SelfDeclared,
    /// Signed off by the publisher's own auditor, which is not independent: "内部审核 Internal review".
    InternalReview,
    /// Verified by an independent body, named as the label names it ("中国质量认证中心 CQC"): "第三方核查 Verified
    /// by" over the name.
    ThirdParty {
        /// The verification body's name.
        verifier: String,
    },
}

/// What a label says. Build it from a published footprint; [`label_svg`] checks it before drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelFacts {
    /// The product's Chinese name: "竹纤维纸杯".
    pub product_name_zh: String,
    /// The product's English name: "Bamboo-fibre paper cup".
    pub product_name_en: String,
    /// The declared unit as a Chinese phrase: "每杯", "每只", "每 100 g".
    pub declared_unit_zh: String,
    /// The declared unit as an English phrase: "per cup", "per plate", "per 100 g".
    pub declared_unit_en: String,
    /// The footprint, in kg CO₂e per declared unit.
    pub kg_co2e_per_unit: f64,
    /// The 95 % interval of the footprint (from the uncertainty analysis), if there is one.
    pub interval_95_kg_co2e_per_unit: Option<Interval>,
    /// The footprint of the conventional product this one is compared with, in kg CO₂e per the same declared unit.
    pub baseline_kg_co2e_per_unit: Option<f64>,
    /// Who stands behind the footprint: an independent verifier, the publisher's own review, or nobody.
    pub verification: LabelVerification,
    /// The standard the footprint was quantified to.
    pub standard: FootprintStandard,
    /// The label's full short URL, encoded in the QR code: `https://tanji.example.cn/l/K7M29XQD`.
    pub url: String,
    /// The publication version the label shows.
    pub version: u32,
    /// The day the version was published.
    pub published_on: Date,
}

impl LabelFacts {
    /// How much lower the footprint is than the baseline, in per cent of the baseline (negative when it is higher);
    /// `None` without a positive, finite baseline.
    pub fn reduction_percent(&self) -> Option<f64> {
        let baseline = self.baseline_kg_co2e_per_unit.filter(|baseline| baseline.is_finite() && *baseline > 0.0)?;
        Some((baseline - self.kg_co2e_per_unit) / baseline * 100.0)
    }

    /// The reduction the label claims: [`Self::reduction_percent`] rounded down to a whole per cent, so a label never
    /// overstates it, only when that is at least 1 %, and only for a verified footprint.
    pub fn claimed_reduction_percent(&self) -> Option<u32> {
        // A comparison shown to the public needs verification (`tanji_footprint::Assurance`, which decides what a
        // publication's facts carry); the artwork holds to it too, whatever facts it is given.
        if !matches!(self.verification, LabelVerification::ThirdParty { .. }) {
            return None;
        }
        claimed_reduction_percent(self.kg_co2e_per_unit, self.baseline_kg_co2e_per_unit?)
    }

    /// Checks that the facts can be drawn: names and units given, numbers finite, interval ordered, baseline
    /// positive, version at least 1, URL an http(s) URL a QR code can hold.
    pub fn check(&self) -> Result<(), LabelError> {
        for (field, value) in [
            ("product_name_zh", &self.product_name_zh),
            ("product_name_en", &self.product_name_en),
            ("declared_unit_zh", &self.declared_unit_zh),
            ("declared_unit_en", &self.declared_unit_en),
        ] {
            if value.trim().is_empty() {
                return Err(LabelError::EmptyField { field });
            }
        }
        if !self.kg_co2e_per_unit.is_finite() {
            return Err(LabelError::NotFinite { field: "kg_co2e_per_unit" });
        }
        if let Some(interval) = self.interval_95_kg_co2e_per_unit {
            if !interval.low.is_finite() || !interval.high.is_finite() {
                return Err(LabelError::NotFinite { field: "interval_95_kg_co2e_per_unit" });
            }
            if interval.low > interval.high {
                return Err(LabelError::IntervalReversed);
            }
        }
        if self.baseline_kg_co2e_per_unit.is_some_and(|baseline| !baseline.is_finite() || baseline <= 0.0) {
            return Err(LabelError::BaselineNotPositive);
        }
        if let LabelVerification::ThirdParty { verifier } = &self.verification {
            if verifier.trim().is_empty() {
                return Err(LabelError::EmptyField { field: "verifier" });
            }
            if wrap(verifier, Weight::Bold, VERIFICATION_SIZE, LEFT_COLUMN_WIDTH).len() > MAX_VERIFIER_LINES {
                return Err(LabelError::VerifierTooLong);
            }
        }
        if self.version == 0 {
            return Err(LabelError::VersionZero);
        }
        let rest = self.url.strip_prefix("https://").or_else(|| self.url.strip_prefix("http://"));
        match rest {
            None => return Err(LabelError::InvalidUrl { reason: "it does not start with https:// or http://" }),
            Some("") => return Err(LabelError::InvalidUrl { reason: "it has no host" }),
            Some(_) if !self.url.chars().all(|ch| ch.is_ascii_graphic()) => {
                return Err(LabelError::InvalidUrl { reason: "it has spaces or non-ASCII characters" });
            }
            Some(_) => {}
        }
        Ok(())
    }
}

/// The reduction a label or page may claim for a product of `kg_co2e` against a baseline of `baseline_kg_co2e`: the
/// per cent lower, rounded down to a whole per cent so that it is never overstated, only when that is at least 1 %,
/// and at most 100 % (a product with a negative footprint claims all of the baseline). `None` without a positive,
/// finite baseline. Whether the claim may be shown at all is `tanji_footprint::Assurance`'s rule.
pub fn claimed_reduction_percent(kg_co2e: f64, baseline_kg_co2e: f64) -> Option<u32> {
    if !(baseline_kg_co2e.is_finite() && baseline_kg_co2e > 0.0 && kg_co2e.is_finite()) {
        return None;
    }
    let reduction = ((baseline_kg_co2e - kg_co2e) / baseline_kg_co2e * 100.0).floor();
    (reduction >= 1.0).then(|| reduction.min(100.0) as u32)
}

/// Why a label cannot be drawn or rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LabelError {
    /// A text the label prints is empty.
    #[error("{field} is empty")]
    EmptyField {
        /// The field of [`LabelFacts`].
        field: &'static str,
    },
    /// A number is infinite or not a number.
    #[error("{field} is not a finite number")]
    NotFinite {
        /// The field of [`LabelFacts`].
        field: &'static str,
    },
    /// The interval's low end is above its high end.
    #[error("the 95% interval's low end is above its high end")]
    IntervalReversed,
    /// A baseline must be a positive number of kg CO₂e.
    #[error("the baseline footprint must be a positive number")]
    BaselineNotPositive,
    /// The verifier's name does not fit the label whole at 6 pt (two lines of about 15 Chinese characters).
    #[error("the verifier's name is too long to print whole on the label")]
    VerifierTooLong,
    /// Versions start at 1.
    #[error("the label's version starts at 1")]
    VersionZero,
    /// The URL cannot go under a QR code.
    #[error("the label URL cannot be used: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The URL is longer than a QR code can hold at the label's error-correction level.
    #[error("the label URL is too long for a QR code ({length} bytes)")]
    UrlTooLongForQr {
        /// The URL's length in bytes.
        length: usize,
    },
    /// The resolution is outside [`DPI_RANGE`].
    #[error("{dpi} dpi is outside the supported {}–{} dpi", DPI_RANGE.start(), DPI_RANGE.end())]
    DpiOutOfRange {
        /// The resolution asked for.
        dpi: u32,
    },
    /// None of the font files given could be read.
    #[error("no usable font was given (pass OpenType or TrueType data, e.g. bundled_fonts())")]
    NoUsableFont,
    /// Characters on the label that none of the fonts given has.
    #[error("the fonts given have no glyph for {characters:?}")]
    MissingGlyphs {
        /// The characters, each once, in code point order.
        characters: String,
    },
    /// resvg could not parse the label's SVG (a bug: the SVG is made here).
    #[error("rendering the label failed: {0}")]
    Render(String),
    /// The PNG could not be written.
    #[error("writing the label PNG failed: {0}")]
    Png(String),
}

/// The bundled label fonts: Noto Sans CJK SC Regular and Bold, subset to ASCII, common punctuation and the GB 2312
/// level-1 hanzi (see `fonts/README.md`; licence `fonts/OFL.txt`). Embedded in the binary, so labels render the same
/// everywhere without system fonts.
pub fn bundled_fonts() -> [&'static [u8]; 2] {
    [include_bytes!("../fonts/NotoSansSC-Regular.subset.otf"), include_bytes!("../fonts/NotoSansSC-Bold.subset.otf")]
}

// ---------------------------------------------------------------------------------------------------------------
// SVG

/// The label as a print-ready SVG document (60 × 40 mm).
pub fn label_svg(facts: &LabelFacts) -> Result<String, LabelError> {
    facts.check()?;
    let qr = QrCode::with_error_correction_level(facts.url.as_bytes(), EcLevel::M)
        .map_err(|_| LabelError::UrlTooLongForQr { length: facts.url.len() })?;

    let unit = MassUnit::for_kg(facts.kg_co2e_per_unit);
    let number = unit.format(facts.kg_co2e_per_unit);
    let unit_text = format!("{} CO₂e", unit.symbol());
    let declared_unit = format!("{} {}", facts.declared_unit_zh.trim(), facts.declared_unit_en.trim());
    let summary = format!(
        "碳足迹 Carbon Footprint: {} {}, {number} {unit_text} {declared_unit}",
        facts.product_name_zh.trim(),
        facts.product_name_en.trim()
    );

    let mut svg = String::with_capacity(16 * 1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH_MM}mm" height="{LABEL_HEIGHT_MM}mm" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{aria}" font-family="{FONT_FAMILY}">"#,
        aria = escape_xml(&summary),
    );
    let _ = write!(svg, "<title>{}</title>", escape_xml(&summary));

    // Card: white ground, green rule, green header band with rounded top corners.
    let (inset, radius, rule) = (5.0, 24.0, 6.0);
    let _ = write!(svg, r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>"##);
    let header_bottom = 80.0;
    let _ = write!(
        svg,
        r#"<path d="M{x0},{header_bottom} V{y1} A{radius},{radius} 0 0 1 {x1},{inset} H{x2} A{radius},{radius} 0 0 1 {x3},{y1} V{header_bottom} Z" fill="{GREEN}"/>"#,
        x0 = inset,
        y1 = inset + radius,
        x1 = inset + radius,
        x2 = WIDTH - inset - radius,
        x3 = WIDTH - inset,
    );
    let _ = write!(
        svg,
        r#"<rect x="{inset}" y="{inset}" width="{w}" height="{h}" rx="{r}" fill="none" stroke="{GREEN}" stroke-width="{rule}"/>"#,
        w = WIDTH - 2.0 * inset,
        h = HEIGHT - 2.0 * inset,
        r = radius,
    );

    // Header: a leaf mark, "碳足迹 Carbon Footprint", the standard on the right.
    let (left, right) = (LEFT, RIGHT);
    leaf_mark(&mut svg, left, 22.0, 40.0);
    let title_x = left + 52.0;
    let standard = facts.standard.designation();
    let standard_size = 18.0;
    let title_room = right - text_width_em(standard, Weight::Regular) * standard_size - 24.0 - title_x;
    let (zh_size, en_size, title_gap) = (36.0, 25.0, 12.0);
    let title_width = text_width_em("碳足迹", Weight::Bold) * zh_size
        + title_gap
        + text_width_em("Carbon Footprint", Weight::Regular) * en_size;
    let title_scale = (title_room / title_width).min(1.0);
    let _ = write!(
        svg,
        r##"<text x="{title_x}" y="55" fill="#FFFFFF"><tspan font-size="{zh:.1}" font-weight="700">碳足迹</tspan><tspan font-size="{en:.1}" dx="{gap:.1}">Carbon Footprint</tspan></text>"##,
        zh = zh_size * title_scale,
        en = en_size * title_scale,
        gap = title_gap * title_scale,
    );
    text(&mut svg, right, 55.0, standard, standard_size, Weight::Regular, "#FFFFFF", Anchor::End);

    // Right column: the QR code, the URL under it, the version and date at the foot.
    let (qr_size, qr_x) = (QR_SIZE, QR_X);
    let qr_y = header_bottom + 10.0;
    qr_path(&mut svg, &qr, qr_x, qr_y, qr_size);
    let column_centre = qr_x + qr_size / 2.0;
    let column_width = qr_size;
    let mut y = qr_y + qr_size + 14.0;
    let (host, path) = printed_url(&facts.url);
    let (url_size, url_lines) = url_lines(&host, &path, column_width);
    for line in url_lines {
        text(&mut svg, column_centre, y, line, url_size, Weight::Regular, DARK, Anchor::Middle);
        y += url_size + 3.0;
    }
    let edition = format!("第 {} 版 v{} · {}", facts.version, facts.version, facts.published_on);
    let size = fitted_size(&edition, Weight::Regular, 16.0, 12.0, column_width);
    text(&mut svg, column_centre, FOOT_BASELINE, &edition, size, Weight::Regular, GREY, Anchor::Middle);

    // Left column: product, the number, the declared unit, the interval, the reduction, the verification.
    let column = LEFT_COLUMN_WIDTH;
    let product_zh = fit(facts.product_name_zh.trim(), Weight::Bold, 34.0, 26.0, column);
    text(&mut svg, left, 124.0, &product_zh.0, product_zh.1, Weight::Bold, DARK, Anchor::Start);
    let product_en = fit(facts.product_name_en.trim(), Weight::Regular, 21.0, 16.0, column);
    text(&mut svg, left, 152.0, &product_en.0, product_en.1, Weight::Regular, GREY, Anchor::Start);

    // The verification is laid out first, from the foot up, because it must be printed whole and legible; what
    // sits above it (the number, the interval, the reduction) gives way.
    let verification = verification_lines(&facts.verification, column);
    let verification_top =
        FOOT_BASELINE - VERIFICATION_LINE_PITCH * (verification.len() - 1) as f64 - VERIFICATION_SIZE;

    // The number, with its unit and the declared unit stacked to its right.
    let has_badge = facts.claimed_reduction_percent().is_some();
    let has_interval = facts.interval_95_kg_co2e_per_unit.is_some();
    let below_number = if has_interval { 26.0 } else { 0.0 } + if has_badge { 6.0 + BADGE_HEIGHT } else { 0.0 };
    let number_baseline = (verification_top - 8.0 - below_number).min(252.0);
    let unit_size = 30.0;
    let declared_size = 20.0;
    let gap = 12.0;
    // The number gives way to the unit (and at least the Chinese declared unit); the English one may be cut. Its
    // height is bounded by the room between the English name and its baseline.
    let side_width = (text_width_em(&unit_text, Weight::Bold) * unit_size)
        .max(text_width_em(&facts.declared_unit_zh, Weight::Regular) * declared_size);
    let number_room = ((number_baseline - 162.0) / 0.78).clamp(48.0, 100.0);
    let number_size = fitted_size(&number, Weight::Bold, number_room, 48.0, column - gap - side_width);
    text(&mut svg, left - 3.0, number_baseline, &number, number_size, Weight::Bold, GREEN, Anchor::Start);
    let side_x = left + text_width_em(&number, Weight::Bold) * number_size + gap;
    text(&mut svg, side_x, number_baseline - 38.0, &unit_text, unit_size, Weight::Bold, DARK, Anchor::Start);
    let declared = fit(&declared_unit, Weight::Regular, declared_size, 14.0, left + column - side_x);
    text(&mut svg, side_x, number_baseline - 4.0, &declared.0, declared.1, Weight::Regular, GREY, Anchor::Start);

    let mut y = number_baseline + 26.0;
    if let Some(interval) = facts.interval_95_kg_co2e_per_unit {
        // "10.9–14.1", but "−1.9 – −0.61": a dash against a minus sign reads as one mark.
        let dash = if interval.low < 0.0 || interval.high < 0.0 { " – " } else { "–" };
        let line = format!(
            "95% 区间 interval {}{dash}{} {}",
            unit.format(interval.low),
            unit.format(interval.high),
            unit.symbol()
        );
        let (line, size) = fit(&line, Weight::Regular, 18.0, 14.0, column);
        text(&mut svg, left, y, &line, size, Weight::Regular, GREY, Anchor::Start);
        y += 6.0;
    } else {
        y = number_baseline + 6.0;
    }

    if let Some(percent) = facts.claimed_reduction_percent() {
        let badge_top = y;
        let zh = format!("比常规产品减少 {percent}%");
        let en = format!("{percent}% lower than conventional");
        let (zh, zh_size) = fit(&zh, Weight::Bold, 21.0, 16.0, column - 52.0);
        let (en, en_size) = fit(&en, Weight::Regular, 16.0, 13.0, column - 52.0);
        let _ = write!(
            svg,
            r#"<rect x="{left}" y="{badge_top}" width="{column}" height="{BADGE_HEIGHT}" rx="10" fill="{PALE_GREEN}"/>"#
        );
        // A downward arrow as tall as both lines.
        let _ = write!(
            svg,
            r#"<path d="M{x0},{y0} h10 v14 h8 l-13,16 l-13,-16 h8 z" fill="{GREEN}"/>"#,
            x0 = left + 12.0,
            y0 = badge_top + 9.0,
        );
        let text_x = left + 40.0;
        text(&mut svg, text_x, badge_top + 23.0, &zh, zh_size, Weight::Bold, GREEN, Anchor::Start);
        text(&mut svg, text_x, badge_top + 43.0, &en, en_size, Weight::Regular, DARK, Anchor::Start);
    }

    // Verification, at the foot of the left column: never smaller than 6 pt, never cut.
    for (line_idx, (line, weight, colour)) in verification.iter().enumerate() {
        let baseline = verification_top + VERIFICATION_SIZE + VERIFICATION_LINE_PITCH * line_idx as f64;
        text(&mut svg, left, baseline, line, VERIFICATION_SIZE, *weight, colour, Anchor::Start);
    }

    svg.push_str("</svg>");
    Ok(svg)
}

/// The verification statement as printed, line by line with weight and colour: "自我声明 Self-declared",
/// "内部审核 Internal review", or "第三方核查 Verified by" over the verifier's name, the name wrapped onto at most [`MAX_VERIFIER_LINES`] lines
/// (never cut: [`LabelFacts::check`] refuses a name that does not fit) at [`VERIFICATION_SIZE`].
fn verification_lines(verification: &LabelVerification, width: f64) -> Vec<(String, Weight, &'static str)> {
    match verification {
        LabelVerification::SelfDeclared => vec![("自我声明 Self-declared".to_owned(), Weight::Regular, GREY)],
        LabelVerification::InternalReview => vec![("内部审核 Internal review".to_owned(), Weight::Regular, GREY)],
        LabelVerification::ThirdParty { verifier } => {
            let mut lines = vec![("第三方核查 Verified by".to_owned(), Weight::Regular, GREY)];
            lines.extend(
                wrap(verifier.trim(), Weight::Bold, VERIFICATION_SIZE, width)
                    .into_iter()
                    .map(|line| (line, Weight::Bold, DARK)),
            );
            lines
        }
    }
}

/// `content` broken into lines no wider than `width` at `size`: after a space where there is one, else between
/// any two characters (Chinese text has no spaces).
fn wrap(content: &str, weight: Weight, size: f64, width: f64) -> Vec<String> {
    let fits = |text: &str| text_width_em(text.trim_end(), weight) * size <= width;
    let mut lines = Vec::new();
    let mut rest = content.trim();
    while !rest.is_empty() {
        if fits(rest) {
            lines.push(rest.to_owned());
            break;
        }
        let (mut fitting_end, mut space_end) = (0, None);
        for (byte_idx, ch) in rest.char_indices() {
            let end = byte_idx + ch.len_utf8();
            if !fits(&rest[..end]) {
                break;
            }
            fitting_end = end;
            if ch == ' ' {
                space_end = Some(end);
            }
        }
        let end = space_end.unwrap_or(fitting_end).max(rest.chars().next().map_or(0, char::len_utf8));
        lines.push(rest[..end].trim_end().to_owned());
        rest = rest[end..].trim_start();
    }
    lines
}

/// The URL as printed under the QR code, host and path apart: without the scheme, and a label code at its end in
/// the form people see everywhere else (`/l/K7M2-9XQD`; the server takes either form).
fn printed_url(url: &str) -> (String, String) {
    let (host, path) = display_url(url);
    let path = match path.rsplit_once('/') {
        Some((head, last)) if last.len() == crate::publication::CODE_LENGTH => {
            match crate::publication::parse_code(last) {
                Ok(code) if code.as_str() == last => format!("{head}/{}", code.display()),
                _ => path.to_owned(),
            }
        }
        _ => path.to_owned(),
    };
    (host.to_owned(), path)
}

/// Where a text's `x` is.
#[derive(Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

#[allow(clippy::too_many_arguments)] // one call per line of text reads better than a builder here
fn text(svg: &mut String, x: f64, y: f64, content: &str, size: f64, weight: Weight, fill: &str, anchor: Anchor) {
    let anchor = match anchor {
        Anchor::Start => "",
        Anchor::Middle => r#" text-anchor="middle""#,
        Anchor::End => r#" text-anchor="end""#,
    };
    let weight = match weight {
        Weight::Regular => "",
        Weight::Bold => r#" font-weight="700""#,
    };
    let _ = write!(
        svg,
        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size:.1}"{weight}{anchor} fill="{fill}">{}</text>"#,
        escape_xml(content)
    );
}

/// The font size at which `content` fits `width`: `preferred` if it fits, else smaller down to `minimum`.
fn fitted_size(content: &str, weight: Weight, preferred: f64, minimum: f64, width: f64) -> f64 {
    let em = text_width_em(content, weight);
    if em <= 0.0 { preferred } else { (width / em).clamp(minimum, preferred) }
}

/// `content` at the size that fits `width`; if it does not fit even at `minimum`, cut with an ellipsis.
fn fit(content: &str, weight: Weight, preferred: f64, minimum: f64, width: f64) -> (String, f64) {
    let size = fitted_size(content, weight, preferred, minimum, width);
    if text_width_em(content, weight) * size <= width {
        return (content.to_owned(), size);
    }
    let mut cut = String::new();
    for ch in content.chars() {
        let mut candidate = cut.clone();
        candidate.push(ch);
        if (text_width_em(&candidate, weight) + text_width_em("…", weight)) * size > width {
            break;
        }
        cut = candidate;
    }
    (format!("{}…", cut.trim_end()), size)
}

/// The URL as printed: without its scheme, split after the host so that it takes two short lines.
fn display_url(url: &str) -> (&str, &str) {
    let without_scheme = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    match without_scheme.find('/') {
        Some(slash) if slash > 0 => without_scheme.split_at(slash),
        _ => (without_scheme, ""),
    }
}

/// The URL as printed under the QR code, and its font size: without the scheme, host and path on lines of their own,
/// and a line still wider than `width` at the smallest size broken after a '.', '/' or '-' (or anywhere, if it has
/// none). Never cut short: a reader without a camera types it.
fn url_lines<'a>(host: &'a str, path: &'a str, width: f64) -> (f64, Vec<&'a str>) {
    let widest = if text_width_em(host, Weight::Regular) >= text_width_em(path, Weight::Regular) { host } else { path };
    let size = fitted_size(widest, Weight::Regular, 18.0, 14.0, width);
    let fits = |text: &str| text_width_em(text, Weight::Regular) * size <= width;
    let mut lines = Vec::new();
    for part in [host, path] {
        let mut rest = part;
        while !fits(rest) {
            let (mut fitting_end, mut break_end) = (0, None);
            for (byte_idx, ch) in rest.char_indices() {
                let end = byte_idx + ch.len_utf8();
                if !fits(&rest[..end]) {
                    break;
                }
                fitting_end = end;
                if matches!(ch, '.' | '/' | '-') {
                    break_end = Some(end);
                }
            }
            // At least one character per line, however narrow the column.
            let end = break_end.unwrap_or(fitting_end).max(rest.chars().next().map_or(0, char::len_utf8));
            lines.push(&rest[..end]);
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            lines.push(rest);
        }
    }
    (size, lines)
}

/// The QR code as one path of dark modules, `size` units square including the quiet zone.
fn qr_path(svg: &mut String, qr: &QrCode, x: f64, y: f64, size: f64) {
    const QUIET_ZONE_MODULES: usize = 4;
    let width = qr.width();
    let module = size / (width + 2 * QUIET_ZONE_MODULES) as f64;
    let colors = qr.to_colors();
    let mut path = String::with_capacity(width * width * 4);
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if colors[row * width + col] == qrcode::Color::Dark {
                let run_start = col;
                while col < width && colors[row * width + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let run = col - run_start;
                let _ = write!(path, "M{run_start},{row}h{run}v1h-{run}z");
            } else {
                col += 1;
            }
        }
    }
    let origin = QUIET_ZONE_MODULES as f64 * module;
    let _ = write!(
        svg,
        r##"<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="#FFFFFF"/><path d="{path}" fill="#000000" shape-rendering="crispEdges" transform="translate({tx:.3} {ty:.3}) scale({module:.4})"/>"##,
        tx = x + origin,
        ty = y + origin,
    );
}

/// A small leaf in a circle, white on the header's green.
fn leaf_mark(svg: &mut String, x: f64, y: f64, size: f64) {
    let scale = size / 40.0;
    let _ = write!(
        svg,
        r##"<g transform="translate({x} {y}) scale({scale})"><circle cx="20" cy="20" r="19" fill="#FFFFFF"/><path d="M11,29 C10,17 18,9 31,9 C31,22 24,30 11,29 Z" fill="{GREEN}"/><path d="M11,29 L23,17" stroke="#FFFFFF" stroke-width="2.2" stroke-linecap="round" fill="none"/></g>"##
    );
}

// ---------------------------------------------------------------------------------------------------------------
// PNG

/// The label as a PNG at `dpi` (use [`DEFAULT_DPI`] for print), rendered from [`label_svg`] with the fonts given
/// (OpenType/TrueType files or collections as bytes, e.g. [`bundled_fonts`]). No system fonts are loaded.
///
/// The PNG is opaque RGB, `round(60 mm × dpi / 25.4)` by `round(40 mm × dpi / 25.4)` pixels, and records its
/// resolution (pHYs), so print software places it at its physical size.
pub fn label_png(facts: &LabelFacts, dpi: u32, fonts: &[&[u8]]) -> Result<Vec<u8>, LabelError> {
    if !DPI_RANGE.contains(&dpi) {
        return Err(LabelError::DpiOutOfRange { dpi });
    }
    let svg = label_svg(facts)?;

    let mut fontdb = usvg::fontdb::Database::new();
    for font in fonts {
        fontdb.load_font_data(font.to_vec());
    }
    let family = fontdb.faces().find_map(|face| face.families.first().map(|(family, _)| family.clone()));
    let Some(family) = family else {
        return Err(LabelError::NoUsableFont);
    };
    // The label asks for the bundled font by name; fonts passed in under other names stand in for it through
    // `sans-serif`, the last family of the label's list.
    fontdb.set_sans_serif_family(family.clone());

    let options = usvg::Options {
        font_family: family,
        fontdb: Arc::new(fontdb),
        // The label has no images; refuse any reference rather than let a resolver touch the file system.
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|error| LabelError::Render(error.to_string()))?;
    check_glyphs(&tree, fonts)?;

    let width_px = pixels(LABEL_WIDTH_MM, dpi);
    let height_px = pixels(LABEL_HEIGHT_MM, dpi);
    let mut pixmap =
        tiny_skia::Pixmap::new(width_px, height_px).ok_or(LabelError::Render("empty pixmap".to_owned()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let transform = tiny_skia::Transform::from_scale(
        width_px as f32 / tree.size().width(),
        height_px as f32 / tree.size().height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());

    // The background is opaque white, so the premultiplied RGBA pixels are plain RGB with alpha 255.
    let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|pixel| [pixel[0], pixel[1], pixel[2]]).collect();
    encode_png(&rgb, width_px, height_px, dpi).map_err(|error| LabelError::Png(error.to_string()))
}

fn pixels(millimetres: f64, dpi: u32) -> u32 {
    (millimetres * f64::from(dpi) / 25.4).round() as u32
}

fn encode_png(rgb: &[u8], width_px: u32, height_px: u32, dpi: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width_px, height_px);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let dots_per_metre = (f64::from(dpi) / 0.0254).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: dots_per_metre,
        yppu: dots_per_metre,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(bytes)
}

/// Refuses to render characters that none of `fonts` has (they would print as blank boxes).
fn check_glyphs(tree: &usvg::Tree, fonts: &[&[u8]]) -> Result<(), LabelError> {
    let mut characters = BTreeSet::new();
    collect_text(tree.root(), &mut characters);
    let charmaps: Vec<skrifa::charmap::Charmap<'_>> = fonts
        .iter()
        .filter_map(|data| skrifa::raw::FileRef::new(data).ok())
        .flat_map(|file| file.fonts().filter_map(Result::ok).collect::<Vec<_>>())
        .map(|font| font.charmap())
        .collect();
    let missing: String = characters
        .into_iter()
        .filter(|ch| !ch.is_whitespace())
        .filter(|&ch| !charmaps.iter().any(|charmap| charmap.map(ch).is_some()))
        .collect();
    if missing.is_empty() { Ok(()) } else { Err(LabelError::MissingGlyphs { characters: missing }) }
}

fn collect_text(group: &usvg::Group, characters: &mut BTreeSet<char>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(group) => collect_text(group, characters),
            usvg::Node::Text(text) => {
                for chunk in text.chunks() {
                    characters.extend(chunk.text().chars());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
