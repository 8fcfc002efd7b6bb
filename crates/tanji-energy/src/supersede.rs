//! What a metered month of electricity takes from the inventory record it supersedes (issue 9, "the one chain").
//!
//! A metered month is written with data source `meter`, which the inventory ranks above the production monthly
//! report (`tanji_inventory::DataSourceKind`): where both record the same facility, emission point, activity and
//! method for overlapping periods, the metered month is counted and the report's row is not. The report's row may
//! hold what no meter knows — the grid factor the inventory uses, a market-based (residual-mix or supplier) factor,
//! and the energy covered by green certificates or green-power trading. [`settle_electricity`] therefore gives each
//! metered month of electricity those settings explicitly: stated with the handover ([`ElectricityChoice`]), else
//! inherited from the best record it supersedes, else the site's grid factor and nothing market-based; and it says
//! so for every month ([`ElectricityMonth`]), so that nothing is lost silently.
//!
//! Instruments are inherited only from a record of exactly the same month: certificates are not split or summed
//! here, and a record of another period (a year, a quarter) that the month supersedes is named in
//! [`ElectricityMonth::coverage_not_inherited`], for the user to state the month's coverage.
//!
//! Whether the inherited coverage fits the metered consumption is the inventory import's rule (coverage above
//! consumption is refused with its row and field), applied when the rows are recorded.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tanji_inventory::{ActivityRecord, ActivityRow, DataSourceKind};

/// The electricity settings a handover states for every metered month; each one left `None` is inherited from the
/// record the month supersedes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ElectricityChoice {
    /// The location-based grid factor, a factor library id (`id` or `id@version`).
    pub factor: Option<String>,
    /// The market-based factor for the energy not covered by instruments, a factor library id.
    pub market_factor: Option<String>,
    /// Energy covered by contractual instruments (green certificates, green-power trading) each month, kWh.
    pub covered_by_instruments_kwh: Option<f64>,
}

/// Where one setting of a metered month comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum SettingOrigin {
    /// Stated with the handover.
    Stated,
    /// Taken from the record the month supersedes.
    Inherited {
        /// That record's key.
        record: String,
    },
    /// The energy site's grid factor: nothing stated, and no superseded record names one.
    SiteGridFactor,
    /// Not set: nothing stated, and no superseded record sets it.
    NotSet,
}

/// An inventory record a metered month supersedes: the same facility, emission point, activity and method, an
/// overlapping period, and a data source the inventory ranks below the meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupersededRecord {
    /// The record's key.
    pub record: String,
    /// Its data source.
    pub data_source: DataSourceKind,
    /// Its first day.
    pub period_start: Date,
    /// Its last day.
    pub period_end: Date,
}

/// Instruments of a superseded record that the month does not take, because the record's period is not the month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageNotInherited {
    /// The record's key.
    pub record: String,
    /// The energy its instruments cover over its whole period, in its unit.
    pub covered: f64,
    /// That unit.
    pub unit: String,
}

/// One metered month of electricity as it goes into the inventory, with where each of its settings comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElectricityMonth {
    /// The month, `2025-03`.
    pub month: String,
    /// The metered record's key.
    pub record: String,
    /// The metered energy, kWh.
    pub quantity_kwh: f64,
    /// The records it supersedes, best data source first.
    pub supersedes: Vec<SupersededRecord>,
    /// The location-based grid factor written.
    pub factor: String,
    /// Where it comes from.
    pub factor_origin: SettingOrigin,
    /// The market-based factor written, if any.
    pub market_factor: Option<String>,
    /// Where it comes from.
    pub market_factor_origin: SettingOrigin,
    /// Energy covered by instruments written, kWh (0 when none).
    pub covered_by_instruments_kwh: f64,
    /// Where it comes from.
    pub coverage_origin: SettingOrigin,
    /// A superseded record's instruments not taken over (its period is not the month).
    pub coverage_not_inherited: Option<CoverageNotInherited>,
}

/// Gives every metered electricity row of `rows` its grid factor, market factor and instrument coverage — stated in
/// `choice`, else inherited from the best-ranked record of `existing` it supersedes, else the row's own (the site's)
/// grid factor and nothing market-based — and says for each month what it supersedes and where each setting came
/// from. `existing` holds the facility's stored rows with their parsed records, whose `facility` is
/// `facility_in_records`; rows of data source `meter` never count as superseded (they are the handover's own earlier
/// months, replaced by key). Rows that are not electricity, or do not parse, are left as they are.
pub fn settle_electricity(
    rows: &mut [ActivityRow],
    existing: &[(ActivityRow, ActivityRecord)],
    facility_in_records: &str,
    choice: &ElectricityChoice,
) -> Vec<ElectricityMonth> {
    let mut months = Vec::new();
    for row in rows.iter_mut().filter(|row| row.method == "electricity") {
        let Ok(mut record) = row.clone().into_record("meters", 0) else { continue };
        record.facility = facility_in_records.to_owned();
        let key = record.competition_key();
        let mut supersedes: Vec<(&ActivityRow, &ActivityRecord)> = existing
            .iter()
            .filter(|(_, other)| {
                other.data_source > DataSourceKind::Meter
                    && other.period_start <= record.period_end
                    && record.period_start <= other.period_end
                    && other.competition_key() == key
            })
            .map(|(row, record)| (row, record))
            .collect();
        supersedes.sort_by(|left, right| (left.1.data_source, &left.1.id).cmp(&(right.1.data_source, &right.1.id)));
        let best = supersedes.first().copied();
        // A setting the best superseded record holds, with that record's key.
        let inherit = |pick: fn(&ActivityRow) -> &str| {
            best.and_then(|(best_row, best_record)| {
                let value = pick(best_row).trim();
                (!value.is_empty()).then(|| (value.to_owned(), best_record.id.clone()))
            })
        };
        let (factor, factor_origin) = match (&choice.factor, inherit(factor_of)) {
            (Some(factor), _) => (factor.trim().to_owned(), SettingOrigin::Stated),
            (None, Some((factor, record))) => (factor, SettingOrigin::Inherited { record }),
            (None, None) => (row.factor.clone(), SettingOrigin::SiteGridFactor),
        };
        row.factor = factor;
        let (market_factor, market_factor_origin) = match (&choice.market_factor, inherit(market_factor_of)) {
            (Some(factor), _) => (factor.trim().to_owned(), SettingOrigin::Stated),
            (None, Some((factor, record))) => (factor, SettingOrigin::Inherited { record }),
            (None, None) => (String::new(), SettingOrigin::NotSet),
        };
        row.market_factor = market_factor;
        let covered_by = |record: &ActivityRecord| match &record.method {
            tanji_inventory::Method::Electricity { market, .. } => market.covered_by_instruments,
            _ => 0.0,
        };
        let coverage_origin;
        let mut coverage_not_inherited = None;
        let mut covered_kwh = 0.0;
        match (choice.covered_by_instruments_kwh, best) {
            (Some(covered), _) => {
                covered_kwh = covered;
                coverage_origin = SettingOrigin::Stated;
            }
            (None, Some((best_row, best_record))) if covered_by(best_record) > 0.0 => {
                let same_month =
                    best_record.period_start == record.period_start && best_record.period_end == record.period_end;
                let in_kwh = best_record.quantity.unit.symbol() == "kWh";
                if same_month && in_kwh {
                    covered_kwh = covered_by(best_record);
                    coverage_origin = SettingOrigin::Inherited { record: best_record.id.clone() };
                } else {
                    coverage_not_inherited = Some(CoverageNotInherited {
                        record: best_record.id.clone(),
                        covered: covered_by(best_record),
                        unit: best_row.unit.trim().to_owned(),
                    });
                    coverage_origin = SettingOrigin::NotSet;
                }
            }
            (None, _) => coverage_origin = SettingOrigin::NotSet,
        }
        row.covered_by_instruments = if covered_kwh > 0.0 || coverage_origin == SettingOrigin::Stated {
            format!("{covered_kwh}")
        } else {
            String::new()
        };
        months.push(ElectricityMonth {
            month: row.period.clone(),
            record: row.id.clone(),
            quantity_kwh: record.quantity.value,
            supersedes: supersedes
                .iter()
                .map(|(_, record)| SupersededRecord {
                    record: record.id.clone(),
                    data_source: record.data_source,
                    period_start: record.period_start,
                    period_end: record.period_end,
                })
                .collect(),
            factor: row.factor.clone(),
            factor_origin,
            market_factor: Some(row.market_factor.clone()).filter(|factor| !factor.is_empty()),
            market_factor_origin,
            covered_by_instruments_kwh: covered_kwh,
            coverage_origin,
            coverage_not_inherited,
        });
    }
    months
}

fn factor_of(row: &ActivityRow) -> &str {
    &row.factor
}

fn market_factor_of(row: &ActivityRow) -> &str {
    &row.market_factor
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE_FACTOR: &str = "mee-2023-grid-cn-zj";
    const EAST: &str = "mee-nbs-2022-grid-cn-grid-east";

    fn metered(month: &str, kwh: &str) -> ActivityRow {
        ActivityRow {
            id: format!("meter:RH-HY:electricity:kWh:{month}"),
            facility: "RH-HY".into(),
            period: month.into(),
            source: "purchased_electricity".into(),
            emission_point: "主变 10kV 进线".into(),
            activity: "电网购电".into(),
            quantity: kwh.into(),
            unit: "kWh".into(),
            data_source: "meter".into(),
            method: "electricity".into(),
            factor: SITE_FACTOR.into(),
            ..ActivityRow::default()
        }
    }

    fn report(id: &str, period: &str, kwh: &str, market_factor: &str, covered: &str) -> (ActivityRow, ActivityRecord) {
        let row = ActivityRow {
            id: id.into(),
            data_source: "production_monthly_report".into(),
            method: String::new(),
            factor: EAST.into(),
            market_factor: market_factor.into(),
            covered_by_instruments: covered.into(),
            period: period.into(),
            quantity: kwh.into(),
            ..metered("2025-06", "0")
        };
        let mut record = row.clone().into_record("activities.csv", 2).unwrap();
        record.id = id.into();
        record.facility = "facility-1".into();
        (row, record)
    }

    /// Factor and origin, market factor and origin, coverage and origin, superseded keys, coverage not inherited.
    type Expected<'a> =
        (&'a str, SettingOrigin, Option<&'a str>, SettingOrigin, f64, SettingOrigin, &'a [&'a str], Option<&'a str>);

    /// (stated choice, existing records) → (factor and origin, market factor and origin, coverage and origin,
    /// superseded keys, coverage not inherited).
    fn check(choice: ElectricityChoice, existing: &[(ActivityRow, ActivityRecord)], expect: Expected<'_>) {
        let mut rows = vec![metered("2025-06", "601500")];
        let months = settle_electricity(&mut rows, existing, "facility-1", &choice);
        assert_eq!(months.len(), 1);
        let month = &months[0];
        let (factor, factor_origin, market, market_origin, covered, coverage_origin, supersedes, not_inherited) =
            expect;
        assert_eq!((month.factor.as_str(), &month.factor_origin), (factor, &factor_origin));
        assert_eq!((month.market_factor.as_deref(), &month.market_factor_origin), (market, &market_origin));
        assert_eq!((month.covered_by_instruments_kwh, &month.coverage_origin), (covered, &coverage_origin));
        let keys: Vec<&str> = month.supersedes.iter().map(|record| record.record.as_str()).collect();
        assert_eq!(keys, supersedes);
        assert_eq!(month.coverage_not_inherited.as_ref().map(|lost| lost.record.as_str()), not_inherited);
        // The row says what the notice says.
        assert_eq!(rows[0].factor, factor);
        assert_eq!(rows[0].market_factor, market.unwrap_or_default());
        let written: f64 = rows[0].covered_by_instruments.parse().unwrap_or(0.0);
        assert_eq!(written, covered);
        assert_eq!(month.quantity_kwh, 601_500.0);
    }

    fn inherited(record: &str) -> SettingOrigin {
        SettingOrigin::Inherited { record: record.into() }
    }

    #[test]
    fn a_metered_month_takes_the_superseded_reports_factors_and_certificates() {
        let existing = [report("elec-2025-06", "2025-06", "600000", "residual-mix-cn-2023", "100000")];
        check(
            ElectricityChoice::default(),
            &existing,
            (
                EAST,
                inherited("elec-2025-06"),
                Some("residual-mix-cn-2023"),
                inherited("elec-2025-06"),
                100_000.0,
                inherited("elec-2025-06"),
                &["elec-2025-06"],
                None,
            ),
        );
    }

    #[test]
    fn a_stated_setting_wins_over_the_superseded_records() {
        let existing = [report("elec-2025-06", "2025-06", "600000", "residual-mix-cn-2023", "100000")];
        let choice = ElectricityChoice {
            factor: Some("mee-2023-grid-cn-national".into()),
            market_factor: None,
            covered_by_instruments_kwh: Some(50_000.0),
        };
        check(
            choice,
            &existing,
            (
                "mee-2023-grid-cn-national",
                SettingOrigin::Stated,
                Some("residual-mix-cn-2023"),
                inherited("elec-2025-06"),
                50_000.0,
                SettingOrigin::Stated,
                &["elec-2025-06"],
                None,
            ),
        );
    }

    #[test]
    fn nothing_superseded_keeps_the_sites_grid_factor_and_nothing_market_based() {
        // Another emission point does not compete with the metered month.
        let (mut row, _) = report("elec-2025-06", "2025-06", "600000", "residual-mix-cn-2023", "100000");
        row.emission_point = "办公楼".into();
        let mut record = row.clone().into_record("activities.csv", 2).unwrap();
        record.facility = "facility-1".into();
        check(
            ElectricityChoice::default(),
            &[(row, record)],
            (
                SITE_FACTOR,
                SettingOrigin::SiteGridFactor,
                None,
                SettingOrigin::NotSet,
                0.0,
                SettingOrigin::NotSet,
                &[],
                None,
            ),
        );
    }

    #[test]
    fn a_years_certificates_are_not_split_into_a_month_and_the_notice_names_them() {
        let existing = [
            report("elec-2025", "2025", "7000000", "", "1200000"),
            report("elec-2025-06-daily", "2025-06", "600000", "", ""),
        ];
        let (mut daily_row, mut daily) = existing[1].clone();
        daily_row.data_source = "production_daily_report".into();
        daily.data_source = DataSourceKind::ProductionDailyReport;
        let existing = [existing[0].clone(), (daily_row, daily)];
        // The yearly report ranks above the daily report, so it is the record inherited from; its certificates
        // cover the year and are left for the user to state per month.
        check(
            ElectricityChoice::default(),
            &existing,
            (
                EAST,
                inherited("elec-2025"),
                None,
                SettingOrigin::NotSet,
                0.0,
                SettingOrigin::NotSet,
                &["elec-2025", "elec-2025-06-daily"],
                Some("elec-2025"),
            ),
        );
    }

    #[test]
    fn the_handovers_own_earlier_months_are_not_superseded_records() {
        let mut earlier = metered("2025-06", "590000");
        earlier.covered_by_instruments = "90000".into();
        let mut record = earlier.clone().into_record("meters", 2).unwrap();
        record.facility = "facility-1".into();
        check(
            ElectricityChoice::default(),
            &[(earlier, record)],
            (
                SITE_FACTOR,
                SettingOrigin::SiteGridFactor,
                None,
                SettingOrigin::NotSet,
                0.0,
                SettingOrigin::NotSet,
                &[],
                None,
            ),
        );
    }
}
