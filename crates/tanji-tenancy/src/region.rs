//! Country subdivisions where facilities sit. Grid emission factors and many policies differ by province, so a
//! facility's province is recorded as a code, never as free text.
//!
//! Codes: ISO 3166-2:CN (as amended in 2017) and the GB/T 2260 administrative division codes.

use serde::Serialize;

use crate::organisation::CountryCode;
use crate::validation::{FieldError, Problem};

/// A first-level administrative division.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Subdivision {
    /// ISO 3166-2 code, e.g. `CN-ZJ`.
    pub iso_code: &'static str,
    /// GB/T 2260 code, e.g. `330000`.
    pub gb2260_code: &'static str,
    /// Name in Chinese, e.g. 浙江省.
    pub name_zh: &'static str,
    /// Name in English, e.g. Zhejiang.
    pub name_en: &'static str,
}

const fn subdivision(
    iso_code: &'static str,
    gb2260_code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
) -> Subdivision {
    Subdivision { iso_code, gb2260_code, name_zh, name_en }
}

/// The 34 provincial-level divisions of China, in GB/T 2260 order.
pub const CHINA_PROVINCES: [Subdivision; 34] = [
    subdivision("CN-BJ", "110000", "北京市", "Beijing"),
    subdivision("CN-TJ", "120000", "天津市", "Tianjin"),
    subdivision("CN-HE", "130000", "河北省", "Hebei"),
    subdivision("CN-SX", "140000", "山西省", "Shanxi"),
    subdivision("CN-NM", "150000", "内蒙古自治区", "Inner Mongolia"),
    subdivision("CN-LN", "210000", "辽宁省", "Liaoning"),
    subdivision("CN-JL", "220000", "吉林省", "Jilin"),
    subdivision("CN-HL", "230000", "黑龙江省", "Heilongjiang"),
    subdivision("CN-SH", "310000", "上海市", "Shanghai"),
    subdivision("CN-JS", "320000", "江苏省", "Jiangsu"),
    subdivision("CN-ZJ", "330000", "浙江省", "Zhejiang"),
    subdivision("CN-AH", "340000", "安徽省", "Anhui"),
    subdivision("CN-FJ", "350000", "福建省", "Fujian"),
    subdivision("CN-JX", "360000", "江西省", "Jiangxi"),
    subdivision("CN-SD", "370000", "山东省", "Shandong"),
    subdivision("CN-HA", "410000", "河南省", "Henan"),
    subdivision("CN-HB", "420000", "湖北省", "Hubei"),
    subdivision("CN-HN", "430000", "湖南省", "Hunan"),
    subdivision("CN-GD", "440000", "广东省", "Guangdong"),
    subdivision("CN-GX", "450000", "广西壮族自治区", "Guangxi"),
    subdivision("CN-HI", "460000", "海南省", "Hainan"),
    subdivision("CN-CQ", "500000", "重庆市", "Chongqing"),
    subdivision("CN-SC", "510000", "四川省", "Sichuan"),
    subdivision("CN-GZ", "520000", "贵州省", "Guizhou"),
    subdivision("CN-YN", "530000", "云南省", "Yunnan"),
    subdivision("CN-XZ", "540000", "西藏自治区", "Xizang (Tibet)"),
    subdivision("CN-SN", "610000", "陕西省", "Shaanxi"),
    subdivision("CN-GS", "620000", "甘肃省", "Gansu"),
    subdivision("CN-QH", "630000", "青海省", "Qinghai"),
    subdivision("CN-NX", "640000", "宁夏回族自治区", "Ningxia"),
    subdivision("CN-XJ", "650000", "新疆维吾尔自治区", "Xinjiang"),
    subdivision("CN-TW", "710000", "台湾省", "Taiwan"),
    subdivision("CN-HK", "810000", "香港特别行政区", "Hong Kong"),
    subdivision("CN-MO", "820000", "澳门特别行政区", "Macao"),
];

/// Looks up a Chinese province by its ISO 3166-2 code.
pub fn china_province(iso_code: &str) -> Option<&'static Subdivision> {
    CHINA_PROVINCES.iter().find(|province| province.iso_code == iso_code)
}

/// A validated ISO 3166-2 subdivision code belonging to a given country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SubdivisionCode(String);

impl SubdivisionCode {
    /// Parses a subdivision code of `country`. For China the code must be one of [`CHINA_PROVINCES`]; for other
    /// countries only the ISO 3166-2 form (`CC-` followed by 1–3 letters or digits) is checked.
    pub fn parse(field: &'static str, raw: &str, country: &CountryCode) -> Result<Self, FieldError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(FieldError::new(field, Problem::Required));
        }
        if country.as_str() == "CN" {
            return match china_province(&code) {
                Some(province) => Ok(Self(province.iso_code.to_owned())),
                None => Err(FieldError::new(
                    field,
                    Problem::Malformed { expected: "a Chinese province's ISO 3166-2 code such as CN-ZJ" },
                )),
            };
        }
        let well_formed = code.split_once('-').is_some_and(|(country_part, local_part)| {
            country_part == country.as_str()
                && (1..=3).contains(&local_part.len())
                && local_part.bytes().all(|byte| byte.is_ascii_alphanumeric())
        });
        if !well_formed {
            return Err(FieldError::new(
                field,
                Problem::Malformed { expected: "an ISO 3166-2 code of the facility's country, such as GB-ENG" },
            ));
        }
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Chinese province this code names, if it is one.
    pub fn china_province(&self) -> Option<&'static Subdivision> {
        china_province(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_province_codes_are_unique_and_consistent() {
        let mut iso_codes: Vec<_> = CHINA_PROVINCES.iter().map(|p| p.iso_code).collect();
        iso_codes.sort_unstable();
        iso_codes.dedup();
        assert_eq!(iso_codes.len(), 34);
        for province in CHINA_PROVINCES {
            assert!(province.iso_code.starts_with("CN-"));
            assert_eq!(province.gb2260_code.len(), 6);
            assert!(province.gb2260_code.ends_with("0000"));
        }
    }

    #[test]
    fn subdivision_codes_are_checked_against_the_country() {
        let china = CountryCode::china();
        assert_eq!(SubdivisionCode::parse("subdivision", "cn-zj", &china).unwrap().as_str(), "CN-ZJ");
        assert!(SubdivisionCode::parse("subdivision", "CN-XX", &china).is_err());
        let britain = CountryCode::parse("country", "GB").unwrap();
        assert!(SubdivisionCode::parse("subdivision", "GB-ENG", &britain).is_ok());
        assert!(SubdivisionCode::parse("subdivision", "CN-ZJ", &britain).is_err());
    }
}
