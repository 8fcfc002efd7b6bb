//! Organisations (tenants) and the kinds they come in.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::OrganisationId;
use crate::validation::{self, FieldError, Problem};

/// What part an organisation plays on the platform. The kind decides which capabilities it may use.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// Runs the platform: onboards tenants, curates methodologies and the factor library (平台运营方).
    PlatformOperator,
    /// A brand or retailer that buys from suppliers and sells to consumers (品牌商/零售商).
    BrandRetailer,
    /// A supplier, typically a factory, that makes products for brands (供应商/工厂).
    Supplier,
    /// An app or business line that reports consumers' low-carbon behaviour to the carbon account (子平台).
    SubPlatform,
    /// An independent verification body (核查机构): its auditors verify the inventories and footprints of the
    /// organisations that engage it ([`crate::verification`]), and have no data of their own to verify.
    VerificationBody,
}

impl OrganisationKind {
    /// Every kind, in the order menus show them.
    pub const ALL: [OrganisationKind; 5] = [
        OrganisationKind::BrandRetailer,
        OrganisationKind::Supplier,
        OrganisationKind::SubPlatform,
        OrganisationKind::VerificationBody,
        OrganisationKind::PlatformOperator,
    ];

    /// The stable machine name used in URLs, forms, the API and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::PlatformOperator => "platform_operator",
            OrganisationKind::BrandRetailer => "brand_retailer",
            OrganisationKind::Supplier => "supplier",
            OrganisationKind::SubPlatform => "sub_platform",
            OrganisationKind::VerificationBody => "verification_body",
        }
    }

    /// Parses a machine name.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        validation::one_of(field, raw, &Self::ALL.map(|kind| (kind.as_str(), kind)))
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// An organisation's registered name, e.g. "台州瑞康日用品科技有限公司".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrganisationName(String);

impl OrganisationName {
    /// Longest accepted name, in characters.
    pub const MAX_CHARS: usize = 120;

    /// Parses a name: trimmed, one line, 1–120 characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_field("name", raw)
    }

    /// Parses a name given in the input field `field` (e.g. `name_en`), with the same rules.
    pub fn parse_field(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        validation::single_line_text(field, raw, Self::MAX_CHARS).map(Self)
    }

    /// Parses an optional name: empty or blank is none.
    pub fn parse_optional(field: &'static str, raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(name) => Self::parse_field(field, name).map(Some),
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code such as `CN` or `GB`, stored upper-case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CountryCode(String);

impl CountryCode {
    /// Parses two ASCII letters, in either case.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(FieldError::new(field, Problem::Required));
        }
        if code.len() != 2 || !code.bytes().all(|byte| byte.is_ascii_uppercase()) {
            return Err(FieldError::new(
                field,
                Problem::Malformed { expected: "an ISO 3166-1 alpha-2 country code such as CN" },
            ));
        }
        Ok(Self(code))
    }

    /// China, the default country of the platform's users.
    pub fn china() -> Self {
        Self("CN".to_owned())
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A unified social credit code (统一社会信用代码) as defined by GB 32100-2015, with its check character verified.
///
/// The code identifies a legal entity in China. Verifying the check character catches most typing errors before a
/// supplier is matched to the wrong company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnifiedSocialCreditCode(String);

impl UnifiedSocialCreditCode {
    /// The 31 characters a code may use, in the order of their values 0–30 (GB 32100-2015, table 3: no I, O, S, V, Z).
    const ALPHABET: &'static str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    /// Weights of positions 1–17 in the check character's computation (GB 32100-2015, clause 5): 3^(i-1) mod 31.
    const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// Parses an 18-character code, accepting lower case and surrounding spaces, and verifies its check character.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        const FIELD: &str = "credit_code";
        let code: String = raw.trim().to_ascii_uppercase();
        let malformed = || {
            FieldError::new(
                FIELD,
                Problem::Malformed {
                    expected: "an 18-character unified social credit code (GB 32100-2015) with a valid check character",
                },
            )
        };
        if code.chars().count() != 18 {
            return Err(malformed());
        }
        let values: Option<Vec<u32>> =
            code.chars().map(|character| Self::ALPHABET.find(character).map(|v| v as u32)).collect();
        let values = values.ok_or_else(malformed)?;
        let weighted_sum: u32 = values[..17].iter().zip(Self::WEIGHTS).map(|(value, weight)| value * weight).sum();
        let expected_check = (31 - weighted_sum % 31) % 31;
        if values[17] != expected_check {
            return Err(malformed());
        }
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An organisation as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// Its identifier.
    pub id: OrganisationId,
    /// Its registered name.
    pub name: OrganisationName,
    /// Its English name, when it gave one; English pages show it instead of the registered name.
    #[serde(default)]
    pub name_en: Option<OrganisationName>,
    /// The part it plays on the platform.
    pub kind: OrganisationKind,
    /// The country it is registered in.
    pub country: CountryCode,
    /// Its unified social credit code, when it is a Chinese legal entity and has given one.
    pub credit_code: Option<UnifiedSocialCreditCode>,
    /// When it was registered on the platform.
    pub created_at: Timestamp,
    /// When its profile last changed.
    pub updated_at: Timestamp,
}

/// The editable profile of an organisation, parsed from a form or API body.
#[derive(Clone, Debug, PartialEq)]
pub struct OrganisationProfile {
    /// Its registered name.
    pub name: OrganisationName,
    /// Its English name, if given.
    pub name_en: Option<OrganisationName>,
    /// The country it is registered in.
    pub country: CountryCode,
    /// Its unified social credit code, if given.
    pub credit_code: Option<UnifiedSocialCreditCode>,
}

impl OrganisationProfile {
    /// Parses a profile from raw text fields, reporting the first field that is wrong.
    pub fn parse(name: &str, country: &str, credit_code: Option<&str>) -> Result<Self, FieldError> {
        let credit_code = match credit_code.map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(UnifiedSocialCreditCode::parse(code)?),
        };
        Ok(Self {
            name: OrganisationName::parse(name)?,
            name_en: None,
            country: CountryCode::parse("country", country)?,
            credit_code,
        })
    }

    /// The profile with an English name (`None` or blank: none).
    pub fn with_name_en(self, name_en: Option<&str>) -> Result<Self, FieldError> {
        Ok(Self { name_en: OrganisationName::parse_optional("name_en", name_en)?, ..self })
    }
}

impl Organisation {
    /// The name to show in `language`: the English name on English pages when there is one, else the registered
    /// name.
    pub fn name_in(&self, language: crate::member::Language) -> &str {
        name_in(language, &self.name, self.name_en.as_ref())
    }
}

/// The name to show in `language`: `name_en` on English pages when there is one, else `name`.
pub fn name_in<'a>(
    language: crate::member::Language,
    name: &'a OrganisationName,
    name_en: Option<&'a OrganisationName>,
) -> &'a str {
    match (language, name_en) {
        (crate::member::Language::English, Some(english)) => english.as_str(),
        _ => name.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_code_check_character_is_verified() {
        // A code published as a format example in many registration guides; its check character is 3.
        assert!(UnifiedSocialCreditCode::parse("91350100M000100Y43").is_ok());
        assert!(UnifiedSocialCreditCode::parse(" 91350100m000100y43 ").is_ok(), "lower case and spaces are accepted");
        // One changed character breaks the check.
        assert!(UnifiedSocialCreditCode::parse("91350100M000100Y44").is_err());
        assert!(UnifiedSocialCreditCode::parse("91350100M000100Y4").is_err(), "17 characters");
        assert!(UnifiedSocialCreditCode::parse("9135010OM000100Y43").is_err(), "O is not in the alphabet");
    }

    #[test]
    fn the_english_name_is_optional_and_shown_on_english_pages() {
        use crate::member::Language;
        let profile = OrganisationProfile::parse("台州瑞禾日用品科技有限公司", "CN", None).unwrap();
        assert_eq!(profile.clone().with_name_en(Some("  ")).unwrap().name_en, None);
        let profile = profile.with_name_en(Some(" Taizhou Ruihe Daily Products ")).unwrap();
        let english = profile.name_en.clone().unwrap();
        assert_eq!(english.as_str(), "Taizhou Ruihe Daily Products");
        assert_eq!(name_in(Language::English, &profile.name, Some(&english)), "Taizhou Ruihe Daily Products");
        assert_eq!(name_in(Language::SimplifiedChinese, &profile.name, Some(&english)), "台州瑞禾日用品科技有限公司");
        assert_eq!(name_in(Language::English, &profile.name, None), "台州瑞禾日用品科技有限公司");
        let too_long = "x".repeat(OrganisationName::MAX_CHARS + 1);
        assert_eq!(profile.with_name_en(Some(&too_long)).unwrap_err().field, "name_en");
    }

    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(CountryCode::parse("country", "cn").unwrap().as_str(), "CN");
        assert!(CountryCode::parse("country", "CHN").is_err());
        assert!(CountryCode::parse("country", "C1").is_err());
    }

    #[test]
    fn kinds_round_trip_through_their_machine_names() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse("kind", kind.as_str()), Ok(kind));
        }
    }
}
