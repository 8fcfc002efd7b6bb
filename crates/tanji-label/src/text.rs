//! Text helpers shared by the label and the charts: XML escaping, number formatting and text-width estimates.

/// Escapes `text` for use in XML character data and attribute values.
///
/// Besides the five predefined entities, characters that XML 1.0 forbids (C0 controls other than tab, line feed and
/// carriage return; U+FFFE and U+FFFF) are dropped, and tab, line feed and carriage return become spaces: every text
/// this crate draws is one line, and a stray control character in a product name must not make the SVG unparsable.
pub fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(' '),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => escaped.push(ch),
        }
    }
    escaped
}

/// The minus sign used in displayed numbers (U+2212, the same width as a digit in the label font), not the hyphen.
pub const MINUS: char = '\u{2212}';

/// Formats `value` with `significant_digits` significant figures for display.
///
/// Trailing zeros after the decimal point are removed (12.0 → "12", 0.50 → "0.5"); integer parts of five or more
/// digits are grouped in threes with commas (123,000); negative numbers take the minus sign U+2212; a value that
/// rounds to zero is "0", never "−0". Non-finite values are "—" (callers validate before they draw).
pub fn format_significant(value: f64, significant_digits: usize) -> String {
    assert!(significant_digits >= 1, "at least one significant digit");
    if !value.is_finite() {
        return "—".to_owned();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    // `{:e}` rounds correctly (half to even on the exact binary value) and tells the magnitude after rounding, so
    // 99.96 with three digits is 1.00e2 and not 99.96.
    let scientific = format!("{:.*e}", significant_digits - 1, value.abs());
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` output has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // The value is 0.<digits> × 10^(exponent + 1): `point` is where the decimal point goes in `digits`.
    let point = exponent + 1;
    let (integer_part, fraction_part) = if point <= 0 {
        ("0".to_owned(), format!("{}{digits}", "0".repeat(point.unsigned_abs() as usize)))
    } else {
        let point = point as usize;
        if point >= digits.len() {
            (format!("{digits}{}", "0".repeat(point - digits.len())), String::new())
        } else {
            (digits[..point].to_owned(), digits[point..].to_owned())
        }
    };
    let fraction_part = fraction_part.trim_end_matches('0');
    let mut formatted = String::new();
    if value < 0.0 {
        formatted.push(MINUS);
    }
    formatted.push_str(&group_thousands(&integer_part));
    if !fraction_part.is_empty() {
        formatted.push('.');
        formatted.push_str(fraction_part);
    }
    formatted
}

/// `value` rounded to `significant_digits` significant figures, as a number (used to choose units after rounding).
fn round_significant(value: f64, significant_digits: usize) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    format!("{:.*e}", significant_digits - 1, value).parse().expect("`{:e}` output parses back")
}

fn group_thousands(integer_digits: &str) -> String {
    if integer_digits.len() < 5 {
        return integer_digits.to_owned();
    }
    let mut grouped = String::with_capacity(integer_digits.len() + integer_digits.len() / 3);
    for (digit_idx, digit) in integer_digits.chars().enumerate() {
        if digit_idx > 0 && (integer_digits.len() - digit_idx).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// The unit a mass of CO₂e is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MassUnit {
    /// Grams: for magnitudes below 0.1 kg (after rounding), so a paper cup reads "12.3 g", not "0.0123 kg".
    Gram,
    /// Kilograms: from 0.1 kg up to (not including) 1,000 kg.
    Kilogram,
    /// Tonnes: from 1,000 kg.
    Tonne,
}

impl MassUnit {
    /// The unit that reads best for `kg` (judged after rounding to three significant figures, so 0.09996 kg is
    /// "0.1 kg" and not "100 g").
    pub fn for_kg(kg: f64) -> MassUnit {
        let magnitude = round_significant(kg, DISPLAY_SIGNIFICANT_DIGITS).abs();
        if magnitude > 0.0 && magnitude < 0.1 {
            MassUnit::Gram
        } else if magnitude >= 1000.0 {
            MassUnit::Tonne
        } else {
            MassUnit::Kilogram
        }
    }

    /// The symbol: "g", "kg" or "t".
    pub fn symbol(self) -> &'static str {
        match self {
            MassUnit::Gram => "g",
            MassUnit::Kilogram => "kg",
            MassUnit::Tonne => "t",
        }
    }

    /// How many of this unit make one kilogram.
    fn per_kg(self) -> f64 {
        match self {
            MassUnit::Gram => 1000.0,
            MassUnit::Kilogram => 1.0,
            MassUnit::Tonne => 0.001,
        }
    }

    /// `kg` expressed in this unit, formatted with three significant figures (no unit symbol).
    pub fn format(self, kg: f64) -> String {
        format_significant(kg * self.per_kg(), DISPLAY_SIGNIFICANT_DIGITS)
    }
}

/// Significant figures of every displayed footprint number. A product footprint's uncertainty is rarely below a
/// few per cent, so a fourth digit would claim a precision the study does not have.
pub const DISPLAY_SIGNIFICANT_DIGITS: usize = 3;

/// A mass of CO₂e in the unit that reads best: "12.3 g", "1.23 kg", "4.5 t".
pub fn format_mass_kg(kg: f64) -> String {
    let unit = MassUnit::for_kg(kg);
    format!("{} {}", unit.format(kg), unit.symbol())
}

/// Advance widths (in 1/1000 em) of printable ASCII (U+0020–U+007E) in Noto Sans CJK SC Regular, the bundled label
/// font, read from its `hmtx` table. Used to lay out text without a font at hand; other fonts in the fallback list
/// differ a little, which the layouts leave room for.
const ADVANCES_REGULAR: [u16; 95] = [
    224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555, 555, 555, 555, 555,
    555, 555, 555, 278, 278, 555, 555, 555, 474, 946, 608, 657, 638, 688, 589, 552, 689, 728, 293, 535, 646, 543, 812,
    723, 742, 633, 742, 635, 596, 599, 721, 575, 878, 573, 531, 603, 338, 392, 338, 555, 559, 606, 563, 618, 510, 620,
    554, 325, 564, 607, 275, 275, 552, 284, 926, 610, 606, 620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338,
    270, 338, 555,
];

/// As [`ADVANCES_REGULAR`], for Noto Sans CJK SC Bold.
const ADVANCES_BOLD: [u16; 95] = [
    227, 370, 574, 590, 590, 963, 740, 325, 378, 378, 507, 590, 325, 370, 325, 387, 590, 590, 590, 590, 590, 590, 590,
    590, 590, 590, 325, 325, 590, 590, 590, 514, 1007, 641, 681, 656, 714, 615, 585, 717, 757, 330, 568, 686, 578, 853,
    749, 770, 667, 770, 682, 624, 625, 748, 619, 915, 627, 580, 613, 378, 387, 378, 590, 567, 626, 591, 644, 527, 644,
    581, 372, 597, 640, 304, 306, 604, 315, 964, 641, 626, 644, 644, 436, 495, 421, 637, 576, 863, 562, 574, 511, 378,
    296, 378, 590,
];

/// Font weight of a run of text, for width estimates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    /// 400.
    Regular,
    /// 700.
    Bold,
}

/// Estimated advance width of `text` in em (no kerning): exact for ASCII in the bundled font; the CJK font's widths
/// for dashes, the minus sign and the super- and subscripts; 1 em for CJK characters and for the symbols and
/// punctuation the CJK font sets full-width (…, ·, ×, ±, curly quotes, arrows, maths signs); 0.6 em for the rest.
pub fn text_width_em(text: &str, weight: Weight) -> f64 {
    let table = match weight {
        Weight::Regular => &ADVANCES_REGULAR,
        Weight::Bold => &ADVANCES_BOLD,
    };
    let ascii = |ch: char| f64::from(table[ch as usize - 0x20]) / 1000.0;
    text.chars()
        .map(|ch| match ch {
            ' '..='~' => ascii(ch),
            MINUS => ascii('+'),
            '\u{2013}' => 0.536,
            '\u{2014}' => 0.894,
            '\u{2070}'..='\u{209f}' | '\u{b2}' | '\u{b3}' | '\u{b9}' => 0.42,
            '\u{b1}' | '\u{b7}' | '\u{d7}' | '\u{f7}' => 1.0,
            '\u{2010}'..='\u{2bff}'
            | '\u{2e80}'..='\u{9fff}'
            | '\u{ac00}'..='\u{d7af}'
            | '\u{f900}'..='\u{faff}'
            | '\u{fe30}'..='\u{fe4f}'
            | '\u{ff00}'..='\u{ff60}' => 1.0,
            _ => 0.6,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_figures() {
        let check = |value: f64, expect: &str| assert_eq!(format_significant(value, 3), expect, "{value}");
        check(12.345, "12.3");
        check(0.0123, "0.0123");
        check(0.012349, "0.0123");
        check(1.0, "1");
        check(12.0, "12");
        check(0.5, "0.5");
        check(99.96, "100");
        check(123.4, "123");
        check(123_456.0, "123,000");
        check(1234.0, "1230");
        check(-2.345, "−2.35");
        check(0.0, "0");
        check(-0.0, "0");
        check(f64::NAN, "—");
        check(0.000_012_34, "0.0000123");
    }

    #[test]
    fn negative_zero_is_zero_and_tiny_values_keep_their_digits() {
        // Significant figures never round a non-zero value to zero; only the zero itself can be negative.
        assert_eq!(format_significant(-0.0, 3), "0");
        let tiny = format_significant(-1.5e-20, 2);
        assert_eq!(tiny, format!("−0.{}15", "0".repeat(19)));
    }

    #[test]
    fn masses_switch_to_grams_below_a_tenth_of_a_kilogram() {
        let check = |kg: f64, expect: &str| assert_eq!(format_mass_kg(kg), expect, "{kg}");
        check(0.0123, "12.3 g");
        check(0.09996, "0.1 kg");
        check(0.1, "0.1 kg");
        check(1.234, "1.23 kg");
        check(123.4, "123 kg");
        check(999.6, "1 t");
        check(4520.0, "4.52 t");
        check(0.0, "0 kg");
        check(-0.0, "0 kg");
        check(-0.0123, "−12.3 g");
    }

    #[test]
    fn escaping_covers_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape_xml(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"
        );
        assert_eq!(escape_xml("a\u{0}b\u{1b}c\nd"), "abc d");
        assert_eq!(escape_xml("纸杯 CO₂e"), "纸杯 CO₂e");
    }

    #[test]
    fn width_estimates_follow_the_font() {
        assert!((text_width_em("0", Weight::Regular) - 0.555).abs() < 1e-9);
        assert!((text_width_em("碳足迹", Weight::Bold) - 3.0).abs() < 1e-9);
        assert!(text_width_em("W", Weight::Bold) > text_width_em("i", Weight::Bold));
        assert!((text_width_em("…·₂−–", Weight::Regular) - (1.0 + 1.0 + 0.42 + 0.555 + 0.536)).abs() < 1e-9);
    }
}
