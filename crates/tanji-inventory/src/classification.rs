//! Where an emission is reported: GHG Protocol scopes and scope-3 categories, and ISO 14064-1:2018 categories,
//! both derived from the same emission source so that the two views always add up to the same total.

use serde::{Deserialize, Serialize};

/// GHG Protocol scope. Its name for people is in `tanji-i18n` (`Localize`), its code the serde name (`scope1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Scope1,
    Scope2,
    Scope3,
    /// Not in any scope (exports netted only under the China guideline, self-generated renewables, memo items).
    Outside,
}

/// ISO 14064-1:2018 clause 5.2.4 categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsoCategory {
    /// 1 Direct GHG emissions and removals.
    Direct,
    /// 2 Indirect GHG emissions from imported energy.
    ImportedEnergy,
    /// 3 Indirect GHG emissions from transportation.
    Transportation,
    /// 4 Indirect GHG emissions from products used by the organisation.
    ProductsUsed,
    /// 5 Indirect GHG emissions associated with the use of products from the organisation.
    ProductsSold,
    /// 6 Indirect GHG emissions from other sources.
    Other,
}

impl IsoCategory {
    pub const ALL: [IsoCategory; 6] = [
        IsoCategory::Direct,
        IsoCategory::ImportedEnergy,
        IsoCategory::Transportation,
        IsoCategory::ProductsUsed,
        IsoCategory::ProductsSold,
        IsoCategory::Other,
    ];

    pub fn number(self) -> u8 {
        match self {
            IsoCategory::Direct => 1,
            IsoCategory::ImportedEnergy => 2,
            IsoCategory::Transportation => 3,
            IsoCategory::ProductsUsed => 4,
            IsoCategory::ProductsSold => 5,
            IsoCategory::Other => 6,
        }
    }

    pub fn from_number(number: u8) -> Option<IsoCategory> {
        IsoCategory::ALL.into_iter().find(|category| category.number() == number)
    }

    pub fn label_en(self) -> &'static str {
        match self {
            IsoCategory::Direct => "Category 1: direct emissions",
            IsoCategory::ImportedEnergy => "Category 2: imported energy",
            IsoCategory::Transportation => "Category 3: transportation",
            IsoCategory::ProductsUsed => "Category 4: products used by the organisation",
            IsoCategory::ProductsSold => "Category 5: use of the organisation's products",
            IsoCategory::Other => "Category 6: other sources",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            IsoCategory::Direct => "类别1：直接排放",
            IsoCategory::ImportedEnergy => "类别2：输入能源的间接排放",
            IsoCategory::Transportation => "类别3：运输的间接排放",
            IsoCategory::ProductsUsed => "类别4：组织使用产品的间接排放",
            IsoCategory::ProductsSold => "类别5：使用组织产品的间接排放",
            IsoCategory::Other => "类别6：其他来源的间接排放",
        }
    }
}

/// The kind of emission source a record measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EmissionSource {
    StationaryCombustion,
    MobileCombustion,
    Process,
    Fugitive,
    PurchasedElectricity,
    /// Purchased heat, steam or cooling.
    PurchasedHeat,
    /// Electricity delivered to others; netted only in the China guideline total.
    ExportedElectricity,
    /// Heat delivered to others; netted only in the China guideline total.
    ExportedHeat,
    /// Electricity generated on site from renewables (rooftop PV) and used on site: a memo line with no emissions.
    OnSiteRenewable,
    /// A GHG Protocol scope-3 category, 1–15.
    Scope3(Scope3Category),
}

/// The 15 scope-3 categories of the GHG Protocol Corporate Value Chain Standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Scope3Category(u8);

impl Scope3Category {
    pub fn new(number: u8) -> Option<Scope3Category> {
        (1..=15).contains(&number).then_some(Scope3Category(number))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    pub fn label_en(self) -> &'static str {
        SCOPE3_LABELS[usize::from(self.0 - 1)].0
    }

    pub fn label_zh(self) -> &'static str {
        SCOPE3_LABELS[usize::from(self.0 - 1)].1
    }

    /// ISO 14064-1 category this scope-3 category reports under (ISO 14064-1:2018 Annex B, GHG Protocol mapping).
    pub fn iso_category(self) -> IsoCategory {
        match self.0 {
            4 | 6 | 7 | 9 => IsoCategory::Transportation,
            1 | 2 | 3 | 5 | 8 => IsoCategory::ProductsUsed,
            10 | 11 | 12 | 13 | 15 => IsoCategory::ProductsSold,
            _ => IsoCategory::Other,
        }
    }
}

const SCOPE3_LABELS: [(&str, &str); 15] = [
    ("1 Purchased goods and services", "1 外购商品和服务"),
    ("2 Capital goods", "2 资本货物"),
    ("3 Fuel- and energy-related activities", "3 燃料和能源相关活动"),
    ("4 Upstream transportation and distribution", "4 上游运输和配送"),
    ("5 Waste generated in operations", "5 运营中产生的废弃物"),
    ("6 Business travel", "6 商务差旅"),
    ("7 Employee commuting", "7 员工通勤"),
    ("8 Upstream leased assets", "8 上游租赁资产"),
    ("9 Downstream transportation and distribution", "9 下游运输和配送"),
    ("10 Processing of sold products", "10 售出产品的加工"),
    ("11 Use of sold products", "11 售出产品的使用"),
    ("12 End-of-life treatment of sold products", "12 售出产品的报废处理"),
    ("13 Downstream leased assets", "13 下游租赁资产"),
    ("14 Franchises", "14 特许经营"),
    ("15 Investments", "15 投资"),
];

impl EmissionSource {
    /// Parse the file/CSV key: `stationary_combustion`, `purchased_electricity`, `scope3_4`, …
    pub fn parse(text: &str) -> Option<EmissionSource> {
        let text = text.trim().to_lowercase();
        let source = match text.as_str() {
            "stationary_combustion" | "固定燃烧" => EmissionSource::StationaryCombustion,
            "mobile_combustion" | "移动燃烧" => EmissionSource::MobileCombustion,
            "process" | "过程排放" => EmissionSource::Process,
            "fugitive" | "逸散排放" => EmissionSource::Fugitive,
            "purchased_electricity" | "外购电力" => EmissionSource::PurchasedElectricity,
            "purchased_heat" | "外购热力" => EmissionSource::PurchasedHeat,
            "exported_electricity" | "输出电力" => EmissionSource::ExportedElectricity,
            "exported_heat" | "输出热力" => EmissionSource::ExportedHeat,
            "on_site_renewable" | "自发自用可再生电力" => EmissionSource::OnSiteRenewable,
            other => {
                let number: u8 = other.strip_prefix("scope3_")?.parse().ok()?;
                EmissionSource::Scope3(Scope3Category::new(number)?)
            }
        };
        Some(source)
    }

    pub fn key(self) -> String {
        let mut key = String::new();
        self.push_key(&mut key);
        key
    }

    /// [`EmissionSource::key`] written at the end of `out`, for keys built per record without allocating.
    pub fn push_key(self, out: &mut String) {
        let key = match self {
            EmissionSource::StationaryCombustion => "stationary_combustion",
            EmissionSource::MobileCombustion => "mobile_combustion",
            EmissionSource::Process => "process",
            EmissionSource::Fugitive => "fugitive",
            EmissionSource::PurchasedElectricity => "purchased_electricity",
            EmissionSource::PurchasedHeat => "purchased_heat",
            EmissionSource::ExportedElectricity => "exported_electricity",
            EmissionSource::ExportedHeat => "exported_heat",
            EmissionSource::OnSiteRenewable => "on_site_renewable",
            EmissionSource::Scope3(category) => {
                use std::fmt::Write;
                let _ = write!(out, "scope3_{}", category.number());
                return;
            }
        };
        out.push_str(key);
    }

    pub fn scope(self) -> Scope {
        match self {
            EmissionSource::StationaryCombustion
            | EmissionSource::MobileCombustion
            | EmissionSource::Process
            | EmissionSource::Fugitive => Scope::Scope1,
            EmissionSource::PurchasedElectricity | EmissionSource::PurchasedHeat => Scope::Scope2,
            EmissionSource::Scope3(_) => Scope::Scope3,
            EmissionSource::ExportedElectricity | EmissionSource::ExportedHeat | EmissionSource::OnSiteRenewable => {
                Scope::Outside
            }
        }
    }

    pub fn iso_category(self) -> IsoCategory {
        match self {
            EmissionSource::Scope3(category) => category.iso_category(),
            EmissionSource::PurchasedElectricity | EmissionSource::PurchasedHeat => IsoCategory::ImportedEnergy,
            _ => IsoCategory::Direct,
        }
    }

    /// Every key, for documentation and forms.
    pub fn all() -> Vec<EmissionSource> {
        let mut all = vec![
            EmissionSource::StationaryCombustion,
            EmissionSource::MobileCombustion,
            EmissionSource::Process,
            EmissionSource::Fugitive,
            EmissionSource::PurchasedElectricity,
            EmissionSource::PurchasedHeat,
            EmissionSource::ExportedElectricity,
            EmissionSource::ExportedHeat,
            EmissionSource::OnSiteRenewable,
        ];
        all.extend((1..=15).filter_map(Scope3Category::new).map(EmissionSource::Scope3));
        all
    }
}

/// Where activity data came from, in the order of preference when two sources cover the same activity:
/// meter reading > production monthly report > production daily report > finance (invoices) > logistics >
/// derived report > statistics filing > estimate.
///
/// Direct measurement comes first, following the data-quality principle of the GHG Protocol Corporate Standard
/// (chapter 7, managing inventory quality) and ISO 14064-1:2018 (clause 8, inventory quality management): measured
/// activity data are the most accurate, and the reports are compiled from the meters, with transcription, cut-off
/// dates and adjustments of their own. A metered month handed over by the energy engine covers the whole month
/// (partial months are not handed over),
/// so it can stand in for the report's row; invoices are finance records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSourceKind {
    Meter,
    ProductionMonthlyReport,
    ProductionDailyReport,
    Finance,
    Logistics,
    DerivedReport,
    StatisticsFiling,
    Estimate,
}

impl DataSourceKind {
    pub const ALL: [DataSourceKind; 8] = [
        DataSourceKind::Meter,
        DataSourceKind::ProductionMonthlyReport,
        DataSourceKind::ProductionDailyReport,
        DataSourceKind::Finance,
        DataSourceKind::Logistics,
        DataSourceKind::DerivedReport,
        DataSourceKind::StatisticsFiling,
        DataSourceKind::Estimate,
    ];

    /// 1 is the most preferred.
    pub fn priority_rank(self) -> u8 {
        self as u8 + 1
    }

    pub fn key(self) -> &'static str {
        match self {
            DataSourceKind::ProductionMonthlyReport => "production_monthly_report",
            DataSourceKind::ProductionDailyReport => "production_daily_report",
            DataSourceKind::Meter => "meter",
            DataSourceKind::Finance => "finance",
            DataSourceKind::Logistics => "logistics",
            DataSourceKind::DerivedReport => "derived_report",
            DataSourceKind::StatisticsFiling => "statistics_filing",
            DataSourceKind::Estimate => "estimate",
        }
    }

    pub fn parse(text: &str) -> Option<DataSourceKind> {
        let text = text.trim().to_lowercase();
        let aliases: &[(&str, DataSourceKind)] = &[
            ("monthly_report", DataSourceKind::ProductionMonthlyReport),
            ("生产月报", DataSourceKind::ProductionMonthlyReport),
            ("daily_report", DataSourceKind::ProductionDailyReport),
            ("生产日报", DataSourceKind::ProductionDailyReport),
            ("计量表", DataSourceKind::Meter),
            ("invoice", DataSourceKind::Finance),
            ("发票", DataSourceKind::Finance),
            ("财务", DataSourceKind::Finance),
            ("物流", DataSourceKind::Logistics),
            ("推算", DataSourceKind::DerivedReport),
            ("统计报表", DataSourceKind::StatisticsFiling),
            ("估算", DataSourceKind::Estimate),
        ];
        DataSourceKind::ALL
            .into_iter()
            .find(|kind| kind.key() == text)
            .or_else(|| aliases.iter().find(|(alias, _)| *alias == text).map(|(_, kind)| *kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_key_round_trips() {
        for source in EmissionSource::all() {
            assert_eq!(EmissionSource::parse(&source.key()), Some(source));
        }
        assert_eq!(EmissionSource::parse("scope3_16"), None);
    }

    #[test]
    fn data_source_priority_follows_the_stated_order() {
        let ranks: Vec<u8> = DataSourceKind::ALL.iter().map(|kind| kind.priority_rank()).collect();
        assert_eq!(ranks, vec![1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(DataSourceKind::ProductionMonthlyReport < DataSourceKind::Finance);
        // Measured data outrank the reports compiled from them.
        assert!(DataSourceKind::Meter < DataSourceKind::ProductionMonthlyReport);
        assert!(DataSourceKind::Logistics < DataSourceKind::StatisticsFiling);
    }

    #[test]
    fn scope3_categories_map_to_iso_categories() {
        assert_eq!(Scope3Category::new(4).unwrap().iso_category(), IsoCategory::Transportation);
        assert_eq!(Scope3Category::new(1).unwrap().iso_category(), IsoCategory::ProductsUsed);
        assert_eq!(Scope3Category::new(11).unwrap().iso_category(), IsoCategory::ProductsSold);
        assert_eq!(Scope3Category::new(14).unwrap().iso_category(), IsoCategory::Other);
    }
}
