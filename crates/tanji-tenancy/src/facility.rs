//! Facilities (sites) of an organisation: the factories, warehouses, offices and shops where energy is used and
//! emissions happen. Every later engine (energy, inventory, footprint) hangs its data off a facility.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{FacilityId, OrganisationId};
use crate::organisation::CountryCode;
use crate::region::SubdivisionCode;
use crate::validation::{self, FieldError};

/// What a facility is used for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    /// A production site (工厂).
    Factory,
    /// A storage site (仓库).
    Warehouse,
    /// A logistics hub or pick-up station (物流站点).
    LogisticsHub,
    /// An office (办公场所).
    Office,
    /// A shop (门店).
    Store,
    /// A data centre (数据中心).
    DataCentre,
    /// Anything else (其他).
    Other,
}

impl FacilityKind {
    /// Every kind, in the order menus show them.
    pub const ALL: [FacilityKind; 7] = [
        FacilityKind::Factory,
        FacilityKind::Warehouse,
        FacilityKind::LogisticsHub,
        FacilityKind::Office,
        FacilityKind::Store,
        FacilityKind::DataCentre,
        FacilityKind::Other,
    ];

    /// The stable machine name.
    pub const fn as_str(self) -> &'static str {
        match self {
            FacilityKind::Factory => "factory",
            FacilityKind::Warehouse => "warehouse",
            FacilityKind::LogisticsHub => "logistics_hub",
            FacilityKind::Office => "office",
            FacilityKind::Store => "store",
            FacilityKind::DataCentre => "data_centre",
            FacilityKind::Other => "other",
        }
    }

    /// Parses a machine name.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        validation::one_of(field, raw, &Self::ALL.map(|kind| (kind.as_str(), kind)))
    }
}

impl fmt::Display for FacilityKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The details of a facility that people enter and edit, parsed and valid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityDetails {
    /// Its name, e.g. "台州黄岩工厂".
    pub name: String,
    /// The organisation's own code for it (e.g. an ERP plant code), unique within the organisation when given.
    pub code: Option<String>,
    /// What it is used for.
    pub kind: FacilityKind,
    /// The country it is in.
    pub country: CountryCode,
    /// Its province or other first-level subdivision, which later selects regional grid factors.
    pub subdivision: Option<SubdivisionCode>,
    /// Its city.
    pub city: Option<String>,
    /// Its street address.
    pub address: Option<String>,
    /// Its English name, when given; English pages show it instead of `name`.
    #[serde(default)]
    pub name_en: Option<String>,
}

impl FacilityDetails {
    /// The name to show in `language`: the English name on English pages when there is one.
    pub fn name_in(&self, language: crate::member::Language) -> &str {
        match (language, &self.name_en) {
            (crate::member::Language::English, Some(english)) => english,
            _ => &self.name,
        }
    }
}

/// Raw facility fields as they arrive from a form, an API body or a CLI, before parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacilityInput<'a> {
    /// `name`: required, at most 120 characters.
    pub name: &'a str,
    /// `code`: optional, at most 40 characters.
    pub code: Option<&'a str>,
    /// `kind`: one of [`FacilityKind::ALL`]'s machine names.
    pub kind: &'a str,
    /// `country`: ISO 3166-1 alpha-2; empty means CN.
    pub country: Option<&'a str>,
    /// `subdivision`: ISO 3166-2 code of the country, optional.
    pub subdivision: Option<&'a str>,
    /// `city`: optional, at most 80 characters.
    pub city: Option<&'a str>,
    /// `address`: optional, at most 300 characters.
    pub address: Option<&'a str>,
    /// `name_en`: optional, at most 120 characters.
    pub name_en: Option<&'a str>,
}

impl FacilityDetails {
    /// Longest accepted name, in characters.
    pub const MAX_NAME_CHARS: usize = 120;

    /// Parses raw fields, reporting the first field that is wrong.
    pub fn parse(input: &FacilityInput<'_>) -> Result<Self, FieldError> {
        let name = validation::single_line_text("name", input.name, Self::MAX_NAME_CHARS)?;
        let code = validation::optional_single_line_text("code", input.code, 40)?;
        let kind = FacilityKind::parse("kind", input.kind)?;
        let country = match input.country.map(str::trim) {
            None | Some("") => CountryCode::china(),
            Some(raw) => CountryCode::parse("country", raw)?,
        };
        let subdivision = match input.subdivision.map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(SubdivisionCode::parse("subdivision", raw, &country)?),
        };
        let city = validation::optional_single_line_text("city", input.city, 80)?;
        let address = validation::optional_single_line_text("address", input.address, 300)?;
        let name_en = validation::optional_single_line_text("name_en", input.name_en, Self::MAX_NAME_CHARS)?;
        Ok(Self { name, code, kind, country, subdivision, city, address, name_en })
    }
}

/// A facility as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    /// Its identifier.
    pub id: FacilityId,
    /// The organisation it belongs to.
    pub organisation_id: OrganisationId,
    /// Its editable details.
    #[serde(flatten)]
    pub details: FacilityDetails,
    /// Whether it was archived (closed or sold); archived facilities keep their history but leave lists.
    pub archived: bool,
    /// When it was registered.
    pub created_at: Timestamp,
    /// When its details last changed.
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::Problem;

    fn input<'a>(name: &'a str, kind: &'a str, subdivision: &'a str) -> FacilityInput<'a> {
        FacilityInput { name, kind, subdivision: Some(subdivision), ..FacilityInput::default() }
    }

    #[test]
    fn parses_a_chinese_factory() {
        let details = FacilityDetails::parse(&input(" 台州黄岩工厂 ", "factory", "cn-zj")).unwrap();
        assert_eq!(details.name, "台州黄岩工厂");
        assert_eq!(details.country.as_str(), "CN");
        assert_eq!(details.subdivision.unwrap().china_province().unwrap().name_en, "Zhejiang");
    }

    #[test]
    fn the_english_name_is_optional() {
        use crate::member::Language;
        let details = FacilityDetails::parse(&input("黄岩工厂", "factory", "CN-ZJ")).unwrap();
        assert_eq!(details.name_in(Language::English), "黄岩工厂");
        let details = FacilityDetails::parse(&FacilityInput {
            name_en: Some(" Huangyan factory "),
            ..input("黄岩工厂", "factory", "CN-ZJ")
        })
        .unwrap();
        assert_eq!(details.name_in(Language::English), "Huangyan factory");
        assert_eq!(details.name_in(Language::SimplifiedChinese), "黄岩工厂");
        let blank =
            FacilityDetails::parse(&FacilityInput { name_en: Some("  "), ..input("A", "factory", "") }).unwrap();
        assert_eq!(blank.name_en, None);
        let long = "x".repeat(121);
        let error = FacilityDetails::parse(&FacilityInput { name_en: Some(&long), ..input("A", "factory", "") });
        assert_eq!(error.unwrap_err().field, "name_en");
    }

    #[test]
    fn names_the_wrong_field() {
        assert_eq!(FacilityDetails::parse(&input("", "factory", "")).unwrap_err().field, "name");
        let wrong_kind = FacilityDetails::parse(&input("A", "mine", "")).unwrap_err();
        assert_eq!(wrong_kind.field, "kind");
        assert!(matches!(wrong_kind.problem, Problem::NotOneOf { .. }));
        assert_eq!(FacilityDetails::parse(&input("A", "factory", "CN-ZZ")).unwrap_err().field, "subdivision");
    }
}
