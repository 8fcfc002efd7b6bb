//! The fields that identify a product as people type them — the SKU and the Chinese and English names — with their
//! limits and allowed characters in one place, for the console form, the API, the model file and the store.

use tanji_tenancy::validation::{FieldError, Problem as FieldProblem, single_line_text};

/// A stock-keeping unit or the company's own product id: 1–64 letters (any script), digits, inner spaces and the
/// punctuation of [`Sku::ALLOWED_PUNCTUATION`]. Kept short and plain because it appears in file names, label pages,
/// audit entries and CSV exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sku(String);

impl Sku {
    /// The most characters a SKU may have.
    pub const MAX_CHARS: usize = 64;
    /// Punctuation allowed besides letters, digits and spaces.
    pub const ALLOWED_PUNCTUATION: &'static str = "-_./#+()";
    /// The rule, in English, as an expected form.
    const EXPECTED: &'static str = "letters, digits, spaces and - _ . / # + ( ) only";

    /// Parses a SKU typed into field `field`, trimming surrounding spaces.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let sku = single_line_text(field, raw, Self::MAX_CHARS)?;
        let allowed = |character: char| {
            character.is_alphanumeric() || character == ' ' || Self::ALLOWED_PUNCTUATION.contains(character)
        };
        if !sku.chars().all(allowed) {
            return Err(FieldError::new(field, FieldProblem::Malformed { expected: Self::EXPECTED }));
        }
        Ok(Self(sku))
    }

    /// The SKU.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The product's names in Chinese and English: each one line of at most [`ProductNames::MAX_CHARS`] characters
/// without control characters; at least one of them given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductNames {
    /// 中文名称 (may be empty when the English one is given).
    pub zh: String,
    /// English name (may be empty when the Chinese one is given).
    pub en: String,
}

impl ProductNames {
    /// The most characters a name may have.
    pub const MAX_CHARS: usize = 200;

    /// Parses the two names typed into fields `zh_field` and `en_field`.
    pub fn parse(zh_field: &'static str, zh: &str, en_field: &'static str, en: &str) -> Result<Self, FieldError> {
        let one = |field, raw: &str| -> Result<String, FieldError> {
            if raw.trim().is_empty() { Ok(String::new()) } else { single_line_text(field, raw, Self::MAX_CHARS) }
        };
        let names = Self { zh: one(zh_field, zh)?, en: one(en_field, en)? };
        if names.zh.is_empty() && names.en.is_empty() {
            return Err(FieldError::new(zh_field, FieldProblem::Required));
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus() {
        for good in ["RH-CUP-BF-250", " 竹纤维杯-01 ", "A/B #3 (v2)", "x"] {
            assert_eq!(Sku::parse("sku", good).map(|sku| sku.0), Ok(good.trim().to_owned()), "{good:?}");
        }
        let problem = |raw: &str| Sku::parse("sku", raw).unwrap_err().problem;
        assert_eq!(problem(""), FieldProblem::Required);
        assert_eq!(problem("a\u{0}b"), FieldProblem::ForbiddenCharacters);
        assert_eq!(problem("a\r\nb"), FieldProblem::ForbiddenCharacters);
        assert_eq!(problem(&"x".repeat(65)), FieldProblem::TooLong { max_chars: 64 });
        assert_eq!(problem(&"x".repeat(100_000)), FieldProblem::TooLong { max_chars: 64 });
        for bad in ["a\"b", "a<script>", "=1+1", "a,b", "a;b", "a\\b", "a\u{202E}b"] {
            assert!(
                matches!(problem(bad), FieldProblem::Malformed { .. } | FieldProblem::ForbiddenCharacters),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn names() {
        let parse = |zh: &str, en: &str| ProductNames::parse("name_zh", zh, "name_en", en);
        assert_eq!(parse(" 纸杯 ", ""), Ok(ProductNames { zh: "纸杯".into(), en: String::new() }));
        assert_eq!(parse("", "Cup"), Ok(ProductNames { zh: String::new(), en: "Cup".into() }));
        assert_eq!(parse(" ", "  ").unwrap_err(), FieldError::new("name_zh", FieldProblem::Required));
        assert_eq!(parse("a\tb", "x").unwrap_err().problem, FieldProblem::ForbiddenCharacters);
        assert_eq!(
            parse("x", &"y".repeat(201)).unwrap_err(),
            FieldError::new("name_en", FieldProblem::TooLong { max_chars: 200 })
        );
    }
}
