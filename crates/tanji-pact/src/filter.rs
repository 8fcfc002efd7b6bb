//! `GET /3/footprints`: the query's filters, `limit` and the pagination cursor, and which footprints match.
//!
//! Repeated values of one criterion are OR-ed, different criteria AND-ed; every match is case-insensitive, parameter
//! names included (the spec's own example writes `productId` and `productid`). Parameters prefixed `x-` are host
//! extensions and are ignored, as are unknown ones. The cursor is an offset into the list ordered by creation time
//! and id: footprints are immutable and only ever added, so a pagination link keeps working (the spec asks for at
//! least 180 seconds) and may be called more than once.

use jiff::{Span, Timestamp};
use serde::Serialize;

use crate::model::ProductFootprint;

/// The most footprints one page holds when the caller asks for more or sets no limit.
pub const MAX_PAGE: usize = 100;

/// The name of the pagination parameter tanji adds to its `Link: rel="next"` URLs.
pub const OFFSET_PARAMETER: &str = "offset";

/// The filters of a list request (also the criteria of a RequestCreated event).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Filter {
    pub product_ids: Vec<String>,
    pub company_ids: Vec<String>,
    pub geographies: Vec<String>,
    pub classifications: Vec<String>,
    pub valid_on: Option<Timestamp>,
    pub valid_after: Option<Timestamp>,
    pub valid_before: Option<Timestamp>,
    /// Matched case-insensitively; a value that is no status matches nothing (the conformance suite's negative
    /// test expects an empty list, not an error).
    pub status: Option<String>,
}

/// A parsed `GET /3/footprints` query.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListQuery {
    pub filter: Filter,
    pub limit: Option<usize>,
    pub offset: usize,
}

/// What is wrong with a query: the parameter and its value. Answered 400 BadRequest.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryProblem {
    /// `limit` or the cursor is not a whole number ≥ 0.
    #[error("{parameter} must be a whole number of at least 0, not {value:?}")]
    NotACount { parameter: String, value: String },
    /// A validity parameter is not an RFC 3339 date-time.
    #[error("{parameter} must be an RFC 3339 date-time such as 2025-04-01T00:00:00Z, not {value:?}")]
    NotADateTime { parameter: String, value: String },
    /// A URN-valued filter is not a URN.
    #[error("{parameter} must be a URN (urn:…), not {value:?}")]
    NotAUrn { parameter: String, value: String },
    /// A single-valued parameter was given twice.
    #[error("{parameter} may be given only once")]
    Repeated { parameter: String },
}

/// Reads a date-time leniently: RFC 3339, also without seconds (`2025-04-01T00:00Z`, as the spec's example), or a date.
pub fn parse_date_time(text: &str) -> Option<Timestamp> {
    if let Ok(time) = text.parse::<Timestamp>() {
        return Some(time);
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return date.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|zoned| zoned.timestamp());
    }
    // `…T00:00Z` / `…T00:00+01:00`: insert the seconds.
    let (date_and_time, zone) = match text.find(['Z', 'z', '+']).or_else(|| text.rfind('-').filter(|at| *at > 10)) {
        Some(at) => text.split_at(at),
        None => return None,
    };
    if date_and_time.len() == 16 {
        return format!("{date_and_time}:00{zone}").parse().ok();
    }
    None
}

impl ListQuery {
    /// Parses query pairs (already percent-decoded), in order.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, QueryProblem> {
        let mut query = ListQuery::default();
        let mut seen_single: Vec<&'static str> = Vec::new();
        for (name, value) in pairs {
            let lower = name.to_ascii_lowercase();
            let mut single = |parameter: &'static str| {
                if seen_single.contains(&parameter) {
                    Err(QueryProblem::Repeated { parameter: parameter.to_owned() })
                } else {
                    seen_single.push(parameter);
                    Ok(())
                }
            };
            let urn = |parameter: &str| {
                if value.len() > 4 && value[..4].eq_ignore_ascii_case("urn:") {
                    Ok(value.clone())
                } else {
                    Err(QueryProblem::NotAUrn { parameter: parameter.to_owned(), value: value.clone() })
                }
            };
            let date_time = |parameter: &str| {
                parse_date_time(value)
                    .ok_or_else(|| QueryProblem::NotADateTime { parameter: parameter.to_owned(), value: value.clone() })
            };
            let count = |parameter: &str| {
                value
                    .parse::<usize>()
                    .map_err(|_| QueryProblem::NotACount { parameter: parameter.to_owned(), value: value.clone() })
            };
            match lower.as_str() {
                "limit" => {
                    single("limit")?;
                    query.limit = Some(count("limit")?);
                }
                OFFSET_PARAMETER => {
                    single("offset")?;
                    query.offset = count(OFFSET_PARAMETER)?;
                }
                "productid" => query.filter.product_ids.push(urn("productId")?),
                "companyid" => query.filter.company_ids.push(urn("companyId")?),
                "classification" => query.filter.classifications.push(urn("classification")?),
                "geography" => query.filter.geographies.push(value.clone()),
                "validon" => {
                    single("validOn")?;
                    query.filter.valid_on = Some(date_time("validOn")?);
                }
                "validafter" => {
                    single("validAfter")?;
                    query.filter.valid_after = Some(date_time("validAfter")?);
                }
                "validbefore" => {
                    single("validBefore")?;
                    query.filter.valid_before = Some(date_time("validBefore")?);
                }
                "status" => {
                    single("status")?;
                    query.filter.status = Some(value.clone());
                }
                _ => {}
            }
        }
        Ok(query)
    }

    /// The page of `footprints` (in list order) this query asks for, and the cursor of the next page when more match.
    pub fn page<'a>(&self, footprints: &'a [ProductFootprint]) -> (Vec<&'a ProductFootprint>, Option<usize>) {
        let size = self.limit.unwrap_or(MAX_PAGE).min(MAX_PAGE);
        let matching: Vec<&ProductFootprint> =
            footprints.iter().filter(|footprint| self.filter.matches(footprint)).collect();
        let page: Vec<&ProductFootprint> = matching.iter().skip(self.offset).take(size).copied().collect();
        let next = self.offset.saturating_add(size);
        (page, (next < matching.len() && size > 0).then_some(next))
    }
}

/// The validity period of a footprint: stated, or three years from the end of its reference period (spec §"Validity Period").
pub fn validity_period(footprint: &ProductFootprint) -> Option<(Timestamp, Timestamp)> {
    let reference_end: Timestamp = footprint.pcf.reference_period_end.parse().ok()?;
    let start = match &footprint.validity_period_start {
        Some(start) => start.parse().ok()?,
        None => reference_end,
    };
    let end = match &footprint.validity_period_end {
        Some(end) => end.parse().ok()?,
        None => reference_end.to_zoned(jiff::tz::TimeZone::UTC).checked_add(Span::new().years(3)).ok()?.timestamp(),
    };
    Some((start, end))
}

fn any_equal(wanted: &[String], have: &[String]) -> bool {
    wanted.is_empty() || wanted.iter().any(|value| have.iter().any(|own| own.eq_ignore_ascii_case(value)))
}

impl Filter {
    /// Whether `footprint` meets every criterion (each met by at least one of its values).
    pub fn matches(&self, footprint: &ProductFootprint) -> bool {
        let classifications = footprint.product_classifications.as_deref().unwrap_or_default();
        let pcf = &footprint.pcf;
        let geography_matches = self.geographies.is_empty()
            || self.geographies.iter().any(|wanted| {
                let region = pcf.geography_region_or_subregion.as_deref();
                let country = pcf.geography_country.as_deref();
                let subdivision = pcf.geography_country_subdivision.as_deref();
                // A subdivision lies within its country: `CN` also finds footprints of `CN-ZJ`.
                let subdivision_country = subdivision.and_then(|code| code.split_once('-')).map(|(country, _)| country);
                [region, country, subdivision, subdivision_country]
                    .into_iter()
                    .flatten()
                    .any(|own| own.eq_ignore_ascii_case(wanted))
            });
        let validity = validity_period(footprint);
        let valid = |test: &dyn Fn((Timestamp, Timestamp)) -> bool| validity.is_some_and(test);
        any_equal(&self.product_ids, &footprint.product_ids)
            && any_equal(&self.company_ids, &footprint.company_ids)
            && (self.classifications.is_empty() || any_equal(&self.classifications, classifications))
            && geography_matches
            && self.valid_on.is_none_or(|on| valid(&|(start, end)| start <= on && on <= end))
            && self.valid_after.is_none_or(|after| valid(&|(start, _)| start > after))
            && self.valid_before.is_none_or(|before| valid(&|(_, end)| end < before))
            && self.status.as_ref().is_none_or(|status| footprint.status.eq_ignore_ascii_case(status))
    }
}

/// The absolute URL of the next page: `base` (scheme and the request's `Host`) + `path` + the request's own query
/// with the cursor set to `next_offset`. Values are percent-encoded again.
pub fn next_link(base: &str, path: &str, pairs: &[(String, String)], next_offset: usize) -> String {
    let mut query: Vec<String> = pairs
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case(OFFSET_PARAMETER))
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect();
    query.push(format!("{OFFSET_PARAMETER}={next_offset}"));
    format!("<{}{}?{}>; rel=\"next\"", base.trim_end_matches('/'), path, query.join("&"))
}

fn encode(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
