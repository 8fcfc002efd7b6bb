//! The GHG inventory's section of the catalogue: diagnostics, exclusions, completeness, plausibility findings,
//! base-year explanations, import row problems (with the own factor file's problems) and the names of sources and
//! scopes, in 简体中文 and English.
//! Also how the inventory writes a figure for people (significant figures, no float noise, t or kg CO2e).

use tanji_ghg::{FactorCategory, FactorError, GwpError, TableProblem};
use tanji_inventory::base_year::RecalculationMessage;
use tanji_inventory::import::{RowError, RowProblem};
use tanji_inventory::{
    BaseYearPolicy, Completeness, ConsolidationApproach, DataSourceKind, DiagnosticKind, DiagnosticMessage,
    EmissionSource, ExclusionReason, FactorTerm, FormulaStep, GasTotalGroup, Parameter, ParameterOrigin, Plausibility,
    RefrigerantLoss, Scope, UncountedActivity, formula_number as n,
};

use crate::{Language, Localize, text};

/// A number for people: at most `significant` significant figures, no exponent for everyday magnitudes, no trailing
/// zeros, no `-0`, thousands grouped with a thin space in neither language (plain digits, as Chinese forms write them).
pub fn figure(value: f64, significant: usize) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    // Float noise such as 3.4694e-18 next to figures of ordinary size is zero for people.
    if value.abs() < 1e-9 {
        return "0".to_owned();
    }
    // Beyond a thousand trillion only a typing error produces a figure: say its size, not thirty digits of it.
    if value.abs() >= 1e15 {
        let text = format!("{:.*e}", significant.saturating_sub(1), value);
        let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
        let mantissa =
            if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
        return format!("{mantissa}×10^{exponent}");
    }
    let magnitude = value.abs().log10().floor() as i64;
    let decimals = (significant as i64 - 1 - magnitude).max(0) as usize;
    let factor = 10f64.powi((magnitude + 1 - significant as i64) as i32);
    let rounded = if magnitude + 1 > significant as i64 { (value / factor).round() * factor } else { value };
    let text = format!("{rounded:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    if text == "-0" { "0".to_owned() } else { text }
}

/// A mass of CO2e for people: tonnes from 1 t up, kilograms below, `significant` significant figures. The unit
/// symbols are the same in both languages.
pub fn mass_co2e(kg: f64, significant: usize) -> String {
    if kg.abs() >= 1000.0 {
        format!("{} t CO2e", figure(kg / 1000.0, significant))
    } else {
        format!("{} kg CO2e", figure(kg, significant))
    }
}

impl Localize for EmissionSource {
    fn localize(&self, language: Language) -> String {
        match self {
            EmissionSource::StationaryCombustion => text!(language, zh: "固定燃烧", en: "Stationary combustion"),
            EmissionSource::MobileCombustion => text!(language, zh: "移动燃烧", en: "Mobile combustion"),
            EmissionSource::Process => text!(language, zh: "工业过程", en: "Process"),
            EmissionSource::Fugitive => text!(language, zh: "逸散（制冷剂）", en: "Fugitive (refrigerants)"),
            EmissionSource::PurchasedElectricity => text!(language, zh: "外购电力", en: "Purchased electricity"),
            EmissionSource::PurchasedHeat => text!(language, zh: "外购热力", en: "Purchased heat and steam"),
            EmissionSource::ExportedElectricity => text!(language, zh: "输出电力", en: "Exported electricity"),
            EmissionSource::ExportedHeat => text!(language, zh: "输出热力", en: "Exported heat"),
            EmissionSource::OnSiteRenewable => {
                text!(language, zh: "自发自用可再生电力", en: "On-site renewable electricity")
            }
            EmissionSource::Scope3(category) => {
                let (number, zh_label, en_label) = (category.number(), category.label_zh(), category.label_en());
                // The labels start with their number ("4 Upstream …"); say the category once.
                let zh_name = zh_label.split_once(' ').map_or(zh_label, |(_, name)| name);
                let en_name = en_label.split_once(' ').map_or(en_label, |(_, name)| name).to_lowercase();
                text!(language, zh: "范围三 类别 {number}：{zh_name}", en: "Scope 3, category {number} {en_name}")
            }
            other => other.key(),
        }
    }
}

impl Localize for GasTotalGroup {
    fn localize(&self, language: Language) -> String {
        match self {
            // Chemical formulas and the IPCC's group abbreviations read the same in both languages.
            GasTotalGroup::Group(tanji_ghg::GasGroup::Other) => text!(language, zh: "其他气体", en: "other gases"),
            GasTotalGroup::Group(group) => group.symbol().to_owned(),
            GasTotalGroup::PublishedNonCo2 => text!(language,
                zh: "非CO2气体（公布的CO2e）",
                en: "non-CO2 (published CO2e)"),
        }
    }
}

impl Localize for Scope {
    fn localize(&self, language: Language) -> String {
        match self {
            Scope::Scope1 => text!(language, zh: "范围一", en: "Scope 1"),
            Scope::Scope2 => text!(language, zh: "范围二", en: "Scope 2"),
            Scope::Scope3 => text!(language, zh: "范围三", en: "Scope 3"),
            Scope::Outside => text!(language, zh: "范围外", en: "Outside scopes"),
        }
    }
}

impl Localize for DataSourceKind {
    fn localize(&self, language: Language) -> String {
        match self {
            DataSourceKind::ProductionMonthlyReport => text!(language, zh: "生产月报", en: "production monthly report"),
            DataSourceKind::ProductionDailyReport => text!(language, zh: "生产日报", en: "production daily report"),
            DataSourceKind::Meter => text!(language, zh: "计量表", en: "meter"),
            DataSourceKind::Finance => text!(language, zh: "财务（发票）", en: "finance (invoices)"),
            DataSourceKind::Logistics => text!(language, zh: "物流", en: "logistics"),
            DataSourceKind::DerivedReport => text!(language, zh: "推算报表", en: "derived report"),
            DataSourceKind::StatisticsFiling => text!(language, zh: "统计报表", en: "statistics filing"),
            DataSourceKind::Estimate => text!(language, zh: "估算", en: "estimate"),
        }
    }
}

fn suggestion_text(suggestion: &Option<String>, language: Language) -> String {
    match suggestion {
        Some(name) => text!(language, zh: "；您是不是要找“{name}”？", en: "; did you mean “{name}”?"),
        None => String::new(),
    }
}

fn dimension_name(dimension: tanji_units::Dimension, language: Language) -> &'static str {
    match language {
        Language::SimplifiedChinese => dimension.name_zh(),
        Language::English => dimension.name_en(),
    }
}

impl Localize for DiagnosticMessage {
    fn localize(&self, language: Language) -> String {
        match self {
            DiagnosticMessage::FactorNotInLibrary { factor, version, suggestion } => {
                let did_you_mean = suggestion_text(suggestion, language);
                match version {
                    Some(version) => text!(language,
                        zh: "排放因子库中没有“{factor}”第 {version} 版{did_you_mean}。可用 `tanji factors search` 查找",
                        en: "factor “{factor}” version {version} is not in the library{did_you_mean}; search with `tanji factors search`"),
                    None => text!(language,
                        zh: "排放因子库中没有“{factor}”{did_you_mean}。可用 `tanji factors search` 查找",
                        en: "factor “{factor}” is not in the library{did_you_mean}; search with `tanji factors search`"),
                }
            }
            DiagnosticMessage::FuelParametersNotInLibrary { id, suggestion } => {
                let did_you_mean = suggestion_text(suggestion, language);
                text!(language,
                    zh: "库中没有默认燃料参数“{id}”{did_you_mean}",
                    en: "default fuel parameters “{id}” are not in the library{did_you_mean}")
            }
            DiagnosticMessage::UnitsIncompatible { from, to, from_dimension, to_dimension } => {
                let from_name = dimension_name(*from_dimension, language);
                let to_name = dimension_name(*to_dimension, language);
                text!(language,
                    zh: "无法把 {from}（{from_name}）换算为 {to}（{to_name}）：请按因子的单位录入活动数据，或换用与活动数据单位一致的因子",
                    en: "cannot convert {from} ({from_name}) to {to} ({to_name}): enter the activity in the factor's unit, or choose a factor in the unit of your data")
            }
            DiagnosticMessage::GasUnknown { gas, suggestion } => {
                let did_you_mean = suggestion_text(suggestion, language);
                text!(language,
                    zh: "没有“{gas}”的 GWP 值{did_you_mean}（例如 HFC-134a、R-410A、SF6）",
                    en: "no GWP is known for “{gas}”{did_you_mean} (e.g. HFC-134a, R-410A, SF6)")
            }
            DiagnosticMessage::GasNotInGwpSet { gas, set } => text!(language,
                zh: "{set} 未给出 {gas} 的 GWP：请换用其他 GWP 值集，或将该气体作为备忘项报告",
                en: "{set} gives no GWP for {gas}; choose another GWP set or report the gas as a memo item"),
            DiagnosticMessage::PublishedUnderOtherGwpSet { factor, published_set, inventory_set } => text!(language,
                zh: "因子 {factor} 按 {published_set} 公布 CO2e 且未按气体拆分；清单采用 {inventory_set}，但此处仍使用公布值",
                en: "factor {factor} publishes CO2e under {published_set} without a per-gas split; the published value is used although the inventory states {inventory_set}"),
            DiagnosticMessage::OxidationMissing => text!(language,
                zh: "缺少碳氧化率（OF）：请填写实测值或指定默认参数",
                en: "the oxidation factor (OF) is missing: measure it or name default parameters"),
            DiagnosticMessage::NcvMissing => text!(language,
                zh: "缺少低位发热量（NCV）：请填写实测值或指定默认参数",
                en: "the net calorific value (NCV) is missing: measure it or name default parameters"),
            DiagnosticMessage::CarbonContentMissing => text!(language,
                zh: "缺少单位热值含碳量（CC）：请填写实测值或指定默认参数",
                en: "the carbon content per unit heat (CC) is missing: measure it or name default parameters"),
            DiagnosticMessage::MarketFactorNotPerEnergy { factor } => text!(language,
                zh: "市场法因子 {factor} 不是按能量计的因子",
                en: "market factor {factor} is not per unit of energy"),
            DiagnosticMessage::FacilityNotInBoundary { facility } => text!(language,
                zh: "设施“{facility}”不在组织边界内；请把它加入设施，此记录未计入合计",
                en: "facility “{facility}” is not in the organisation boundary; add it to the facilities — this record is not counted"),
            DiagnosticMessage::PartlyInPeriod { start, end, percent_in_period } => {
                let percent = figure(*percent_in_period, 3);
                text!(language,
                    zh: "记录覆盖 {start} 至 {end}，其中 {percent}% 落在报告期内并计入",
                    en: "record covers {start} to {end}; {percent} % of it falls in the reporting period and is counted")
            }
            DiagnosticMessage::ImplausibleResult { co2e_kg } => match co2e_kg {
                Some(kg) => {
                    let kg = figure(*kg, 3);
                    text!(language,
                        zh: "计算结果（{kg} kg CO2e）超出任何真实排放：请检查此记录的数量、单位和参数",
                        en: "the result ({kg} kg CO2e) is beyond any real emission; check the quantity, its unit and the parameters of this record")
                }
                None => text!(language,
                    zh: "计算结果超出任何真实排放：请检查此记录的数量、单位和参数",
                    en: "the result is beyond any real emission; check the quantity, its unit and the parameters of this record"),
            },
            DiagnosticMessage::MarketFactorMissing { n_records, record_ids } => {
                let ids = record_ids.join(", ");
                let more = if *n_records > record_ids.len() { ", …" } else { "" };
                text!(language,
                    zh: "{n_records} 条电力记录（{ids}{more}）没有剩余组合或供应商因子：其基于市场的结果对未被绿证或购电协议覆盖的电量使用了基于位置的因子",
                    en: "{n_records} electricity record(s) ({ids}{more}) have no residual-mix or supplier factor: their market-based figure uses the location factor for electricity not covered by certificates or PPAs")
            }
            DiagnosticMessage::MemoGas { gas } => text!(language,
                zh: "{gas} 不是京都议定书气体：作为备忘项报告，不计入范围合计",
                en: "{gas} is not a Kyoto gas: reported as a memo item, not in scope totals"),
            DiagnosticMessage::SourceChosen { by_record, by_source, this_source } => {
                let (by_source, this_source) = (by_source.localize(language), this_source.localize(language));
                text!(language,
                    zh: "记录 {by_record}（{by_source}）以更高优先级的数据来源覆盖同一活动和期间；本记录（{this_source}）仅显示，不计入",
                    en: "record {by_record} ({by_source}) covers the same activity and period with a higher-priority source; this record ({this_source}) is shown but not counted")
            }
            DiagnosticMessage::InstrumentsNotCarried {
                record,
                by_record,
                covered_by_instruments,
                unit,
                market_factor,
            } => {
                let covered = figure(*covered_by_instruments, 6);
                let (zh_what, en_what) = match (*covered_by_instruments > 0.0, *market_factor) {
                    (true, true) => (
                        format!("绿证或购电协议覆盖的 {covered} {unit} 电量和市场因子"),
                        format!("its {covered} {unit} covered by certificates or PPAs and its market factor"),
                    ),
                    (true, false) => (
                        format!("绿证或购电协议覆盖的 {covered} {unit} 电量"),
                        format!("its {covered} {unit} covered by certificates or PPAs"),
                    ),
                    _ => ("市场因子".to_owned(), "its market factor".to_owned()),
                };
                text!(language,
                    zh: "记录 {record} 被 {by_record} 取代，但其{zh_what}没有随之转到 {by_record}：基于市场的结果不再计入它们。请在 {by_record} 上填写 covered_by_instruments 和 market_factor，或用能耗交接（它会自动承接）",
                    en: "record {record} is superseded by {by_record}, which does not carry {en_what}: the market-based figure no longer counts them. State covered_by_instruments and market_factor on {by_record}, or use the energy handover, which carries them over")
            }
            DiagnosticMessage::PossibleDoubleCount { record, other_record } => text!(language,
                zh: "记录 {record} 与 {other_record} 来自同类数据来源，覆盖同一活动且期间重叠，两者都已计入——请确认不是同一笔消耗",
                en: "records {record} and {other_record} cover the same activity and overlapping periods from the same kind of source; both are counted — check they are not the same consumption"),
            DiagnosticMessage::PeriodGap { facility, source, emission_point, months } => {
                let source = source.localize(language);
                let months = months.join(", ");
                text!(language,
                    zh: "{facility} · {source} · {emission_point}：{months} 没有数据——请补录，或说明该排放源未运行的原因",
                    en: "{facility} · {source} · {emission_point}: no data for {months} — add the missing records or state why the source did not operate")
            }
            DiagnosticMessage::Implausible(finding) => finding.localize(language),
            DiagnosticMessage::Legacy { text } => text.clone(),
        }
    }
}

impl Localize for Plausibility {
    fn localize(&self, language: Language) -> String {
        match self {
            Plausibility::CarbonContentLooksPerTj { value } => {
                let (value, divided) = (figure(*value, 4), figure(value / 1000.0, 4));
                text!(language,
                    zh: "单位热值含碳量 {value} tC/GJ 比任何燃料都高约 1000 倍：像是 tC/TJ（即 kgC/GJ）的数值，应为 {divided} tC/GJ",
                    en: "carbon content {value} tC/GJ is about 1000× that of any fuel: it looks like tC/TJ (kg C/GJ); in tC/GJ it is {divided}")
            }
            Plausibility::CarbonContentLooksTooSmall { value } => {
                let (value, multiplied) = (figure(*value, 4), figure(value * 1000.0, 4));
                text!(language,
                    zh: "单位热值含碳量 {value} tC/GJ 低于任何燃料：若该值以 tC/TJ 为单位换算过两次，应为 {multiplied} tC/GJ，请核对",
                    en: "carbon content {value} tC/GJ is below that of any fuel: if it was divided by 1000 once too often it is {multiplied} tC/GJ; check it")
            }
            Plausibility::OxidationAbove100 { percent } => {
                let percent = figure(*percent, 4);
                text!(language,
                    zh: "碳氧化率 {percent}% 超过 100%：请写 0 到 1 之间的小数（如 0.98）或 0 到 100 之间的百分数（如 98）",
                    en: "an oxidation rate of {percent} % is above 100 %: write a fraction 0 to 1 (e.g. 0.98) or a percentage 0 to 100 (e.g. 98)")
            }
            Plausibility::NcvWithoutUnit { quantity_unit } => text!(language,
                zh: "数量以质量（{quantity_unit}）计时，低位发热量必须注明单位（ncv_unit，如 GJ/t）：GJ/kg 与 GJ/t 相差 1000 倍",
                en: "the quantity is a mass ({quantity_unit}), so the NCV needs its unit (ncv_unit, e.g. GJ/t): GJ/kg and GJ/t differ 1000×"),
            Plausibility::FactorKindMismatch { factor, category, source } => {
                let source = source.localize(language);
                let category = category.key();
                text!(language,
                    zh: "因子 {factor} 是燃烧因子（{category}），而{source}需要电网排放因子：请换用电力因子（如 mee-nbs-2022-grid-cn-grid-east）",
                    en: "factor {factor} is a combustion factor ({category}) but {source} needs a grid electricity factor: choose an electricity factor (e.g. mee-nbs-2022-grid-cn-grid-east)")
            }
            Plausibility::CoverageAboveConsumption { covered, consumed, unit } => {
                let (covered, consumed) = (figure(*covered, 6), figure(*consumed, 6));
                text!(language,
                    zh: "绿证/购电协议覆盖的电量 {covered} {unit} 多于本记录的用电量 {consumed} {unit}：覆盖量不能超过所覆盖的消耗",
                    en: "certificates or PPAs cover {covered} {unit}, more than the {consumed} {unit} this record consumed: coverage cannot exceed the consumption it covers")
            }
        }
    }
}

impl Localize for ExclusionReason {
    fn localize(&self, language: Language) -> String {
        match self {
            ExclusionReason::ZeroShare { approach } => {
                let approach = approach.key();
                text!(language, zh: "在 {approach} 下份额为 0", en: "share 0 under {approach}")
            }
            ExclusionReason::OutsidePeriod => text!(language, zh: "不在报告期内", en: "outside the reporting period"),
            ExclusionReason::Legacy { text } => text.clone(),
        }
    }
}

impl Localize for UncountedActivity {
    fn localize(&self, language: Language) -> String {
        let source = self.source.localize(language);
        let (not_counted, total, unit) = (figure(self.not_counted, 4), figure(self.total, 4), &self.unit);
        let dimension = dimension_name(self.dimension, language);
        text!(language,
            zh: "{source}：{total} {unit}（{dimension}）中有 {not_counted} {unit} 未计入",
            en: "{source}: {not_counted} of {total} {unit} ({dimension}) not counted")
    }
}

impl Localize for Completeness {
    /// "complete" or "incomplete: N records, X of Y activity not counted" — one sentence for every total.
    fn localize(&self, language: Language) -> String {
        match self {
            Completeness::Complete => {
                text!(language, zh: "完整：所有记录均已计入", en: "complete: every record is counted")
            }
            Completeness::Incomplete { n_records_not_counted, n_records, activity, .. } => {
                let parts: Vec<String> = activity.iter().map(|part| part.localize(language)).collect();
                let joined = parts.join(match language {
                    Language::SimplifiedChinese => "；",
                    Language::English => "; ",
                });
                text!(language,
                    zh: "不完整：{n_records} 条记录中有 {n_records_not_counted} 条无法计算，未计入合计（{joined}）",
                    en: "incomplete: {n_records_not_counted} of {n_records} records could not be calculated and are not in this total ({joined})")
            }
        }
    }
}

impl Localize for RecalculationMessage {
    fn localize(&self, language: Language) -> String {
        match self {
            RecalculationMessage::Assessed { impact_percent, threshold_percent, recalculate, n_organic_ignored } => {
                let (percent, threshold) = (format!("{impact_percent:.2}"), figure(*threshold_percent, 4));
                let decision = match (recalculate, language) {
                    (true, Language::SimplifiedChinese) => "需要重新计算基准年",
                    (false, Language::SimplifiedChinese) => "无需重新计算",
                    (true, Language::English) => "recalculate the base year",
                    (false, Language::English) => "no recalculation",
                };
                let mut sentence = text!(language,
                    zh: "结构、方法、因子和错误更正共使基准年变化 {percent}%，显著性阈值为 {threshold}%：{decision}",
                    en: "structural, method, factor and error changes together move the base year by {percent} % against a significance threshold of {threshold} %: {decision}");
                if *n_organic_ignored > 0 {
                    sentence.push_str(&text!(language,
                        zh: "；按标准要求忽略了 {n_organic_ignored} 项有机增长变化",
                        en: "; {n_organic_ignored} organic-growth change(s) ignored, as the standards require"));
                }
                sentence
            }
            RecalculationMessage::Legacy { text } => text.clone(),
        }
    }
}

impl Localize for ConsolidationApproach {
    /// The approach's name, as the console's organisation page names it.
    fn localize(&self, language: Language) -> String {
        match self {
            ConsolidationApproach::EquityShare => text!(language, zh: "股权比例法", en: "equity share"),
            ConsolidationApproach::FinancialControl => text!(language, zh: "财务控制法", en: "financial control"),
            ConsolidationApproach::OperationalControl => {
                text!(language, zh: "运营控制法", en: "operational control")
            }
        }
    }
}

impl Localize for BaseYearPolicy {
    fn localize(&self, language: Language) -> String {
        match self {
            BaseYearPolicy::Fixed(year) => year.to_string(),
            BaseYearPolicy::Average(years) => {
                let years = years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                text!(language, zh: "{years} 年的平均值", en: "average of {years}")
            }
        }
    }
}

impl Localize for RowProblem {
    /// What is wrong with the cell.
    fn localize(&self, language: Language) -> String {
        match self {
            RowProblem::UnitIncompatibleWithFactor { unit, dimension, factor, factor_unit, factor_dimension } => {
                let (dimension, factor_dimension) =
                    (dimension_name(*dimension, language), dimension_name(*factor_dimension, language));
                text!(language,
                    zh: "单位 {unit}（{dimension}）无法换算为因子 {factor} 的单位 {factor_unit}（{factor_dimension}），此行永远无法计算",
                    en: "the unit {unit} ({dimension}) cannot be converted to {factor_unit} ({factor_dimension}), the unit of factor {factor}: this row could never be calculated")
            }
            RowProblem::FactorNotFound { factor, version, suggestion } => {
                let did_you_mean = suggestion_text(suggestion, language);
                match version {
                    Some(version) => text!(language,
                        zh: "没有排放因子“{factor}”第 {version} 版{did_you_mean}",
                        en: "no factor “{factor}” version {version}{did_you_mean}"),
                    None => text!(language,
                        zh: "没有排放因子“{factor}”{did_you_mean}",
                        en: "no factor “{factor}”{did_you_mean}"),
                }
            }
            RowProblem::FuelParametersNotFound { id, suggestion } => {
                let did_you_mean = suggestion_text(suggestion, language);
                text!(language,
                    zh: "没有默认燃料参数“{id}”{did_you_mean}",
                    en: "no default fuel parameters “{id}”{did_you_mean}")
            }
            RowProblem::RefrigerantUnknown { refrigerant, suggestion } => {
                let did_you_mean = suggestion_text(suggestion, language);
                text!(language,
                    zh: "没有“{refrigerant}”的 GWP 值{did_you_mean}",
                    en: "no GWP is known for “{refrigerant}”{did_you_mean}")
            }
            RowProblem::Implausible(finding) => finding.localize(language),
            RowProblem::Required => text!(language, zh: "必填", en: "is required"),
            RowProblem::NotANumber { text } => {
                text!(language, zh: "“{text}”不是数字", en: "“{text}” is not a number")
            }
            RowProblem::UnknownUnit { text, suggestion } => {
                let did_you_mean = suggestion_text(suggestion, language);
                text!(language, zh: "未知单位“{text}”{did_you_mean}", en: "unknown unit “{text}”{did_you_mean}")
            }
            RowProblem::NotAPeriod { text } => {
                text!(language, zh: "“{text}”不是期间", en: "“{text}” is not a period")
            }
            RowProblem::NoPeriod => text!(language, zh: "未填写期间", en: "no period given"),
            RowProblem::PeriodEndBeforeStart => {
                text!(language, zh: "结束日期早于开始日期", en: "is before period_start")
            }
            RowProblem::NotASource { text } => {
                text!(language, zh: "“{text}”不是排放源类型", en: "“{text}” is not an emission source")
            }
            RowProblem::NotADataSource { text } => {
                text!(language, zh: "“{text}”不是数据来源类型", en: "“{text}” is not a data source")
            }
            RowProblem::NotAMethod { text } => {
                text!(language, zh: "“{text}”不是计算方法", en: "“{text}” is not a method")
            }
            RowProblem::Negative => text!(language, zh: "不能为负数", en: "cannot be negative"),
            RowProblem::FacilityNotFound { facility } => text!(language,
                zh: "没有编码或名称为“{facility}”的在用设施",
                en: "no active facility with code or name “{facility}”"),
            RowProblem::DuplicateId { id, first_row } => text!(language,
                zh: "编号“{id}”已在第 {first_row} 行使用",
                en: "id “{id}” is also used on row {first_row}"),
            RowProblem::IdExists { id } => {
                text!(language, zh: "编号为“{id}”的记录已存在", en: "a record with id “{id}” already exists")
            }
            RowProblem::UnknownColumn { column } => {
                text!(language, zh: "未知列“{column}”", en: "unknown column “{column}”")
            }
            RowProblem::NoRows => text!(language, zh: "没有数据行", en: "no rows"),
            RowProblem::NotText => {
                text!(language, zh: "文件既不是 UTF-8 也不是 GBK 文本", en: "the file is neither UTF-8 nor GBK text")
            }
            RowProblem::CellCount { expected, found } => text!(language,
                zh: "此行有 {found} 个单元格，表头有 {expected} 列",
                en: "the row has {found} cells; the header has {expected} columns"),
            RowProblem::CsvUnreadable => {
                text!(language, zh: "此行不是可读取的 CSV", en: "the row cannot be read as CSV")
            }
            RowProblem::TooLong { n_chars, max_chars } => text!(language,
                zh: "有 {n_chars} 个字符，最多保留 {max_chars} 个",
                en: "has {n_chars} characters; at most {max_chars} are kept"),
            RowProblem::ControlCharacter { code_point, .. } => {
                let code_point = format!("U+{code_point:04X}");
                text!(language, zh: "含有控制字符 {code_point}", en: "contains the control character {code_point}")
            }
            RowProblem::NotQualityScores { text } => {
                text!(language, zh: "“{text}”不是五项评分", en: "“{text}” is not five scores")
            }
            RowProblem::UncertaintyTooLarge { max_percent } => {
                let max_percent = figure(*max_percent, 4);
                text!(language, zh: "不能大于 {max_percent}%", en: "cannot be more than {max_percent} %")
            }
            RowProblem::NotAnIsoCategory { text } => text!(language,
                zh: "“{text}”不是 ISO 14064-1 类别",
                en: "“{text}” is not an ISO 14064-1 category"),
            RowProblem::NotARefrigerantApproach { text } => {
                text!(language, zh: "“{text}”不是制冷剂核算方法", en: "“{text}” is not a refrigerant approach")
            }
            RowProblem::NotEnergyPerQuantity { text } => text!(language,
                zh: "“{text}”不是“能量/数量”形式的单位",
                en: "“{text}” is not energy per quantity"),
            RowProblem::NcvUnitMismatch { ncv_unit, quantity_unit } => text!(language,
                zh: "低位发热量单位 {ncv_unit} 不适用于以 {quantity_unit} 计的数量",
                en: "the NCV unit {ncv_unit} does not fit a quantity in {quantity_unit}"),
            RowProblem::NotACoalBasis { text } => {
                text!(language, zh: "“{text}”不是煤的基准", en: "“{text}” is not a coal basis")
            }
            RowProblem::MoistureOutOfRange { percent } => {
                let percent = figure(*percent, 6);
                text!(language,
                    zh: "水分 {percent}% 不在 0% 至 100%（不含）之间",
                    en: "a moisture of {percent} % is not between 0 % and 100 % (exclusive)")
            }
            RowProblem::TomlInvalid => text!(language,
                zh: "此处不是有效的 TOML，或值的类型不对",
                en: "this is not valid TOML, or a value has the wrong type"),
            RowProblem::TomlUnknownKey { key } => {
                text!(language, zh: "清单文件没有“{key}”这一项", en: "the inventory file has no key “{key}”")
            }
            RowProblem::TomlMissingKey { key } => {
                text!(language, zh: "缺少必填项“{key}”", en: "the required key “{key}” is missing")
            }
            RowProblem::UnknownGwpSet { text } => {
                text!(language, zh: "“{text}”不是 GWP 值集", en: "“{text}” is not a GWP set")
            }
            RowProblem::NotAConsolidationApproach { text } => text!(language,
                zh: "“{text}”不是合并方法",
                en: "“{text}” is not a consolidation approach"),
            RowProblem::NotAPercentage { facility, value } => {
                let value = figure(*value, 6);
                text!(language,
                    zh: "设施 {facility}：{value} 不是百分比",
                    en: "facility {facility}: {value} is not a percentage")
            }
            RowProblem::NoFacilities => text!(language, zh: "没有设施", en: "no facilities"),
            RowProblem::BaseYearAmbiguous => text!(language,
                zh: "基准年须给出 year 或 years 之一",
                en: "give either year or years"),
            RowProblem::GwpSetMissing => text!(language, zh: "未指定 GWP 值集", en: "no GWP set given"),
            RowProblem::IdSavedConcurrently { id } => text!(language,
                zh: "编号为“{id}”的记录刚被其他人同时保存",
                en: "a record with id “{id}” was saved at the same time by someone else"),
            RowProblem::BundledFactorId { id } => {
                text!(language, zh: "“{id}”是内置因子的编号", en: "“{id}” is a bundled factor")
            }
            RowProblem::FactorVersionExists { factor } => {
                text!(language, zh: "因子 {factor} 已存在", en: "factor {factor} already exists")
            }
            RowProblem::FactorVersionGap { id, version, latest } => text!(language,
                zh: "因子 {id}：第 {version} 版没有紧接最新的第 {latest} 版",
                en: "factor {id}: version {version} does not follow the latest version {latest}"),
            RowProblem::FactorFileRow { problem } => problem.localize(language),
        }
    }
}

/// Why a factor has no CO2e per unit under a GWP set (`tanji factors search`).
impl Localize for FactorError {
    fn localize(&self, language: Language) -> String {
        match self {
            FactorError::Gwp { factor, source: GwpError::UnknownGas(gas) } => text!(language,
                zh: "因子 {factor}：没有“{gas}”的 GWP 值",
                en: "factor {factor}: no GWP is known for “{gas}”"),
            FactorError::Gwp { factor, source: GwpError::NotInSet { gas, set } } => {
                let set = set.name();
                text!(language,
                    zh: "因子 {factor}：{set} 没有 {gas} 的 GWP 值",
                    en: "factor {factor}: {set} gives no GWP for {gas}")
            }
            FactorError::Empty(factor) => {
                text!(language, zh: "因子 {factor} 没有数值", en: "factor {factor} has no values")
            }
        }
    }
}

impl Localize for TableProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            TableProblem::MissingColumn => text!(language, zh: "表头缺少此列", en: "the header lacks this column"),
            TableProblem::CellCount { expected, found } => text!(language,
                zh: "此行有 {found} 个单元格，表头有 {expected} 个",
                en: "this row has {found} cells where the header has {expected}"),
            TableProblem::CsvUnreadable => {
                text!(language, zh: "无法读取此处的 CSV 结构", en: "the CSV structure cannot be read here")
            }
            TableProblem::Required => text!(language, zh: "必填", en: "is required"),
            TableProblem::NotANumber { text } => {
                text!(language, zh: "“{text}”不是数字", en: "“{text}” is not a number")
            }
            TableProblem::NotNonNegative { text } => text!(language,
                zh: "“{text}”须为有限的非负数",
                en: "“{text}” must be a finite, non-negative number"),
            TableProblem::NotASlug { text } => {
                text!(language, zh: "“{text}”不是有效的编号", en: "“{text}” is not a valid id")
            }
            TableProblem::NotAVersion { text } => {
                text!(language, zh: "“{text}”不是版本号", en: "“{text}” is not a version number")
            }
            TableProblem::UnknownCategory { text } => {
                text!(language, zh: "“{text}”不是因子类别", en: "“{text}” is not a factor category")
            }
            TableProblem::UnknownUnit { text, suggestion } => {
                let did_you_mean = suggestion_text(suggestion, language);
                text!(language, zh: "未知单位“{text}”{did_you_mean}", en: "unknown unit “{text}”{did_you_mean}")
            }
            TableProblem::IncompatibleUnits { from, to, from_dimension, to_dimension } => {
                let (from_name, to_name) =
                    (dimension_name(*from_dimension, language), dimension_name(*to_dimension, language));
                text!(language,
                    zh: "{from}（{from_name}）不能换算为 {to}（{to_name}）",
                    en: "{from} ({from_name}) cannot be converted to {to} ({to_name})")
            }
            TableProblem::GwpSetRequired => text!(language,
                zh: "有 CO2e 值时须注明计算它所用的 GWP 值集",
                en: "a CO2e value needs the GWP set it was computed with"),
            TableProblem::UnknownGwpSet { text } => {
                text!(language, zh: "“{text}”不是 GWP 值集", en: "“{text}” is not a GWP set")
            }
            TableProblem::GasShareWithoutTotal => text!(language,
                zh: "给出单一气体的 CO2e 份额时，须在 co2e 列给出公布的 CO2e 总值",
                en: "a gas's CO2e share needs the published CO2e total in co2e"),
            TableProblem::NoGas => text!(language,
                zh: "因子至少需要 co2、ch4、n2o、co2e 或 biogenic_co2 中的一项",
                en: "a factor needs at least one of co2, ch4, n2o, co2e or biogenic_co2"),
            TableProblem::NotAYear { text } => {
                text!(language, zh: "“{text}”不是四位数的年份", en: "“{text}” is not a four-digit year")
            }
            TableProblem::NotEnergyPerQuantity { text } => text!(language,
                zh: "“{text}”不是“能量/数量”形式的单位",
                en: "“{text}” is not energy per quantity"),
            TableProblem::OxidationAsPercentage { value } => {
                let value = figure(*value, 6);
                text!(language, zh: "碳氧化率 {value} 大于 1", en: "an oxidation fraction of {value} is above 1")
            }
            TableProblem::NotASpecies { text } => {
                text!(language, zh: "“{text}”不是 GWP 表中的物质", en: "“{text}” is not a species of the GWP table")
            }
            TableProblem::BlendNotWhole { blend, percent } => {
                let percent = figure(*percent, 6);
                text!(language,
                    zh: "{blend} 各组分合计 {percent}%，不是 100%",
                    en: "the components of {blend} add up to {percent} %, not 100 %")
            }
        }
    }
}

/// How to fix a problem found in `column` of an own factor file (or a bundled table).
pub fn table_problem_hint(problem: &TableProblem, column: &str, language: Language) -> String {
    match problem {
        TableProblem::MissingColumn => text!(language,
            zh: "在表头加上此列；因子文件的列见 docs/factors.md",
            en: "add the column to the header; the factor-file columns are in docs/factors.md"),
        TableProblem::CellCount { .. } => {
            row_problem_hint(&RowProblem::CellCount { expected: 0, found: 0 }, column, language)
        }
        TableProblem::CsvUnreadable => row_problem_hint(&RowProblem::CsvUnreadable, column, language),
        TableProblem::Required => match column {
            "id" => text!(language,
                zh: "每个因子需要编号，如 own-steam-2025",
                en: "every factor needs an id, e.g. own-steam-2025"),
            "publisher" | "document" | "licence" => text!(language,
                zh: "每个因子须注明出处：发布机构（publisher）、文件（document）和许可（licence）",
                en: "every factor cites its source: publisher, document and licence"),
            "region" => text!(language,
                zh: "填写 GLOBAL、国家代码（CN）或下级地区代码（CN-HE）",
                en: "write GLOBAL, a country code (CN) or a subdivision (CN-HE)"),
            "ncv" => text!(language,
                zh: "填写低位发热量，单位见 ncv_unit 列",
                en: "the net calorific value, in the unit of the ncv_unit column"),
            _ => {
                text!(language, zh: "因子文件的列见 docs/factors.md", en: "see the factor-file columns in docs/factors.md")
            }
        },
        TableProblem::NotANumber { .. } => {
            row_problem_hint(&RowProblem::NotANumber { text: String::new() }, column, language)
        }
        TableProblem::NotNonNegative { .. } => text!(language,
            zh: "填写 0 或正数（每单位活动的 kg），如 0.5703",
            en: "write 0 or a positive number (kg per unit of activity), e.g. 0.5703"),
        TableProblem::NotASlug { .. } => text!(language,
            zh: "编号只用小写字母 a–z、数字 0–9 和连字符 -，如 own-steam-2025",
            en: "use a lowercase slug of a–z, 0–9 and '-', e.g. own-steam-2025"),
        TableProblem::NotAVersion { .. } => text!(language,
            zh: "版本号是从 1 开始的整数：新因子为 1，更正使用下一个版本号",
            en: "versions are whole numbers from 1: a new factor is 1, a correction the next number"),
        TableProblem::UnknownCategory { .. } => {
            let categories = FactorCategory::ALL.iter().map(|category| category.key()).collect::<Vec<_>>().join(", ");
            text!(language, zh: "可用的类别：{categories}", en: "the categories are: {categories}")
        }
        TableProblem::UnknownUnit { .. } => {
            row_problem_hint(&RowProblem::UnknownUnit { text: String::new(), suggestion: None }, column, language)
        }
        TableProblem::IncompatibleUnits { .. } | TableProblem::NotEnergyPerQuantity { .. } => text!(language,
            zh: "低位发热量单位须为每单位 quantity_unit 的能量，如以 t 计的燃料用 GJ/t",
            en: "the NCV unit is energy per unit of quantity_unit, e.g. GJ/t for a fuel in t"),
        TableProblem::GwpSetRequired | TableProblem::UnknownGwpSet { .. } => text!(language,
            zh: "SAR、AR4、AR5 或 AR6：发布机构计算 CO2e 时所用的值集",
            en: "SAR, AR4, AR5 or AR6: the set the publisher computed the CO2e with"),
        TableProblem::GasShareWithoutTotal => text!(language,
            zh: "在 co2e 列填写公布的总值，或清空 ch4_co2e 和 n2o_co2e",
            en: "fill co2e with the published total, or leave ch4_co2e and n2o_co2e empty"),
        TableProblem::NoGas => text!(language,
            zh: "在 co2、ch4、n2o 列填写每单位各气体的 kg，或在 co2e 列填写公布的总值并注明 gwp_set",
            en: "give kg of each gas per unit in co2, ch4 and n2o, or the published total in co2e with its gwp_set"),
        TableProblem::NotAYear { .. } => text!(language,
            zh: "填写因子适用的年份，如 2024",
            en: "write the year the factor applies to, e.g. 2024"),
        TableProblem::OxidationAsPercentage { .. } => text!(language,
            zh: "填写小数（0.98），不要填百分数",
            en: "write a fraction (0.98), not a percentage"),
        TableProblem::NotASpecies { .. } => text!(language,
            zh: "按 GWP 表的写法填写物质名称，如 HFC-32",
            en: "name the species as the GWP table writes it, e.g. HFC-32"),
        TableProblem::BlendNotWhole { .. } => text!(language,
            zh: "混合制冷剂各组分的质量百分比之和须为 100",
            en: "the mass percentages of a blend's components add up to 100"),
    }
}

/// The hint for a required cell, by column.
fn required_hint(column: &str, language: Language) -> String {
    match column {
        "facility" => text!(language,
            zh: "填写设施页面上列出的设施编码或完整名称",
            en: "the facility's code or exact name, as listed on the Facilities page"),
        "quantity" => text!(language,
            zh: "消耗量，单位见 unit 列",
            en: "the amount consumed, in the unit of the unit column"),
        "factor" => text!(language,
            zh: "排放因子编号，可用 `tanji factors search` 或因子库页面查找（外购电力填电网因子，如 mee-nbs-2022-grid-cn-grid-east）",
            en: "a factor id from `tanji factors search` or the factor library (a grid factor for purchased electricity, e.g. mee-nbs-2022-grid-cn-grid-east)"),
        "gas" => {
            text!(language, zh: "所测气体，如 CO2、CH4、N2O、SF6", en: "the gas measured, e.g. CO2, CH4, N2O, SF6")
        }
        "refrigerant" => text!(language, zh: "如 R-410A、R-134a、HFC-32", en: "e.g. R-410A, R-134a, HFC-32"),
        "leak_rate_percent" => text!(language,
            zh: "筛选法需要年泄漏率，如 10 表示每年 10%；数量填设备充注量",
            en: "screening needs an annual leak rate, e.g. 10 for 10 % a year; the quantity is the equipment charge"),
        _ => String::new(),
    }
}

fn uncertainty_hint(language: Language) -> String {
    text!(language, zh: "95% 置信区间的半宽，以百分比计，如 5", en: "the 95 % confidence half-width in percent, e.g. 5")
}

/// How to fix a row problem found in `column`.
pub fn row_problem_hint(problem: &RowProblem, column: &str, language: Language) -> String {
    match problem {
        RowProblem::Required => required_hint(column, language),
        RowProblem::NotANumber { .. } => text!(language,
            zh: "用阿拉伯数字和小数点书写，如 1234.5",
            en: "write digits with a dot for decimals, e.g. 1234.5"),
        RowProblem::UnknownUnit { .. } => text!(language,
            zh: "例如 kWh、万kWh、t、10^4Nm3、L、kg、t.km",
            en: "e.g. kWh, 万kWh, t, 10^4Nm3, L, kg, t.km"),
        RowProblem::NotAPeriod { .. } => text!(language,
            zh: "写 2025（一年）、2025-03（一个月）或 2025-03-14（一天）",
            en: "write 2025 (a year), 2025-03 (a month) or 2025-03-14 (a day)"),
        RowProblem::NoPeriod => text!(language,
            zh: "填写 period（2025-03），或 period_start 和 period_end（2025-03-01、2025-03-31）",
            en: "fill period (2025-03) or period_start and period_end (2025-03-01, 2025-03-31)"),
        RowProblem::PeriodEndBeforeStart => text!(language, zh: "交换两个日期", en: "swap the two dates"),
        RowProblem::NotASource { .. } => text!(language,
            zh: "使用 stationary_combustion、mobile_combustion、process、fugitive、purchased_electricity、purchased_heat、exported_electricity、exported_heat、on_site_renewable 或 scope3_1 … scope3_15（也可写“外购电力”等中文名称）",
            en: "use stationary_combustion, mobile_combustion, process, fugitive, purchased_electricity, purchased_heat, exported_electricity, exported_heat, on_site_renewable or scope3_1 … scope3_15"),
        RowProblem::NotADataSource { .. } => text!(language,
            zh: "使用 production_monthly_report、production_daily_report、meter、finance、logistics、derived_report、statistics_filing 或 estimate（也可写“生产月报”等中文名称）",
            en: "use production_monthly_report, production_daily_report, meter, finance, logistics, derived_report, statistics_filing or estimate"),
        RowProblem::NotAMethod { .. } => text!(language,
            zh: "factor、electricity、fuel_combustion、direct、refrigerant 或 none",
            en: "factor, electricity, fuel_combustion, direct, refrigerant or none"),
        RowProblem::Negative if column == "quantity" => text!(language,
            zh: "输出的电力或热力请用 exported_electricity 或 exported_heat 排放源记录",
            en: "record exports with source exported_electricity or exported_heat"),
        RowProblem::Negative if column == "uncertainty_percent" => uncertainty_hint(language),
        RowProblem::Negative => text!(language,
            zh: "绿证或购电协议覆盖的电量，单位与数量相同",
            en: "electricity covered by green certificates or PPAs, in the record's unit"),
        RowProblem::FacilityNotFound { .. } => text!(language,
            zh: "使用设施页面上列出的设施编码或完整名称",
            en: "use the facility's code or exact name as listed on the Facilities page"),
        RowProblem::DuplicateId { .. } => text!(language,
            zh: "每行使用不同的编号，或留空",
            en: "give every row its own id, or leave id empty"),
        RowProblem::IdExists { .. } => text!(language,
            zh: "编号用于识别记录：新记录请留空编号，或先删除旧记录",
            en: "ids identify records: leave id empty for new records, or delete the old record first"),
        RowProblem::UnknownColumn { .. } => {
            let columns = tanji_inventory::ACTIVITY_COLUMNS.join(", ");
            text!(language, zh: "可用的列：{columns}", en: "the columns are: {columns}")
        }
        RowProblem::NoRows => text!(language,
            zh: "文件需要一行表头和至少一行数据",
            en: "the file needs a header row and at least one data row"),
        RowProblem::NotText => text!(language,
            zh: "另存为 UTF-8 文本（在 Excel 中选“CSV UTF-8”）",
            en: "save it as UTF-8 text (from Excel: “CSV UTF-8”)"),
        RowProblem::CellCount { .. } => text!(language,
            zh: "每行的单元格数须与表头相同；含逗号的文字请加英文双引号",
            en: "every row needs as many cells as the header; quote text that holds a comma"),
        RowProblem::CsvUnreadable => text!(language,
            zh: "在 Excel 中另存为“CSV UTF-8”，并检查引号是否成对",
            en: "save the sheet as CSV UTF-8 and check that quotes come in pairs"),
        RowProblem::TooLong { .. } => text!(language, zh: "请缩短", en: "shorten it"),
        RowProblem::ControlCharacter { multi_line: true, .. } => text!(language,
            zh: "删除不可见字符（只保留换行和制表符）",
            en: "remove invisible characters (only line breaks and tabs are kept)"),
        RowProblem::ControlCharacter { multi_line: false, .. } => text!(language,
            zh: "写在一行内，不含制表符或不可见字符",
            en: "write it on one line, without tabs or invisible characters"),
        RowProblem::NotQualityScores { .. } => text!(language,
            zh: "五项评分，1（很好）至 5（很差）：可靠性、时间、地理、技术、完整性，如 1,2,1,2,1",
            en: "five scores 1 (very good) to 5 (very poor): reliability, temporal, geographical, technological, completeness, e.g. 1,2,1,2,1"),
        RowProblem::UncertaintyTooLarge { .. } => uncertainty_hint(language),
        RowProblem::NotAnIsoCategory { .. } => text!(language, zh: "填写 1 至 6 的数字", en: "a number 1 to 6"),
        RowProblem::NotARefrigerantApproach { .. } => text!(language,
            zh: "top_up（补充量）、mass_balance（质量平衡）或 screening（筛选法）",
            en: "top_up, mass_balance or screening"),
        RowProblem::NotEnergyPerQuantity { .. } => {
            text!(language, zh: "如 GJ/t 或 GJ/10^4Nm3", en: "e.g. GJ/t or GJ/10^4Nm3")
        }
        RowProblem::NcvUnitMismatch { .. } => text!(language,
            zh: "低位发热量须为每单位数量的能量，如以 t 计的煤用 GJ/t",
            en: "the NCV must be energy per unit of the quantity, e.g. GJ/t for coal in t"),
        RowProblem::NotACoalBasis { .. } => text!(language,
            zh: "ar（收到基）、ad（空气干燥基）或 d（干燥基）",
            en: "ar (as received), ad (air-dried) or d (dry)"),
        RowProblem::MoistureOutOfRange { .. } => {
            text!(language, zh: "按质量百分比填写水分，如 8.5", en: "moisture in percent by mass, e.g. 8.5")
        }
        RowProblem::TomlInvalid | RowProblem::TomlUnknownKey { .. } | RowProblem::TomlMissingKey { .. } => {
            text!(language, zh: "格式见 docs/inventory-file.md", en: "see docs/inventory-file.md for the format")
        }
        RowProblem::UnknownGwpSet { .. } => text!(language, zh: "SAR、AR4、AR5 或 AR6", en: "SAR, AR4, AR5 or AR6"),
        RowProblem::NotAConsolidationApproach { .. } => text!(language,
            zh: "equity_share（股权比例法）、financial_control（财务控制法）或 operational_control（运营控制法）",
            en: "equity_share, financial_control or operational_control"),
        RowProblem::NotAPercentage { .. } => text!(language, zh: "0 至 100", en: "0 to 100"),
        RowProblem::NoFacilities => text!(language,
            zh: "至少添加一个带 key 的 [[facilities]] 表",
            en: "add at least one [[facilities]] table with a key"),
        RowProblem::BaseYearAmbiguous => text!(language,
            zh: "year = 2024，或 years = [2022, 2023, 2024]",
            en: "year = 2024, or years = [2022, 2023, 2024]"),
        RowProblem::GwpSetMissing => text!(language,
            zh: "在文件中加上 gwp = \"AR6\"，或使用 --gwp AR6",
            en: "add gwp = \"AR6\" to the file or pass --gwp AR6"),
        RowProblem::IdSavedConcurrently { .. } => text!(language,
            zh: "刷新活动数据列表后重新导入",
            en: "reload the activity list and import again"),
        RowProblem::BundledFactorId { .. } => text!(language,
            zh: "自有因子须使用自己的编号，如加上本组织的前缀",
            en: "own factors need their own ids, e.g. prefixed with your organisation"),
        RowProblem::FactorVersionExists { .. } | RowProblem::FactorVersionGap { .. } => text!(language,
            zh: "新因子从第 1 版开始；更正使用下一个版本号",
            en: "a new factor starts at version 1; a correction is the next version"),
        RowProblem::FactorFileRow { problem } => table_problem_hint(problem, column, language),
        RowProblem::UnitIncompatibleWithFactor { factor_unit, .. } => text!(language,
            zh: "按 {factor_unit} 录入数量，或换用与该单位一致的因子（如用电按 kWh 录入并选电网因子）",
            en: "enter the quantity in {factor_unit}, or choose a factor in your unit (electricity is entered in kWh against a grid factor)"),
        RowProblem::FactorNotFound { .. } => text!(language,
            zh: "在因子库页面或用 `tanji factors search` 查找因子编号",
            en: "find factor ids with the factor browser or `tanji factors search`"),
        RowProblem::FuelParametersNotFound { .. } => text!(language,
            zh: "填写参数编号，如 ipcc-2006-ncv-cc-other-bituminous-coal；或填写实测的 ncv、carbon_content、oxidation",
            en: "name a parameter set such as ipcc-2006-ncv-cc-other-bituminous-coal, or give measured ncv, carbon_content and oxidation"),
        RowProblem::RefrigerantUnknown { .. } => text!(language,
            zh: "按 ASHRAE 编号填写，如 R-410A、R-134a、HFC-32",
            en: "write the ASHRAE designation, e.g. R-410A, R-134a, HFC-32"),
        RowProblem::Implausible(finding) => match finding {
            Plausibility::CarbonContentLooksPerTj { .. } | Plausibility::CarbonContentLooksTooSmall { .. } => {
                text!(language,
                zh: "carbon_content 按 tC/GJ 填写，如其他烟煤 0.0258（IPCC 2006）",
                en: "write carbon_content in tC/GJ, e.g. 0.0258 for other bituminous coal (IPCC 2006)")
            }
            Plausibility::OxidationAbove100 { .. } => text!(language,
                zh: "写 0.98 或 98（表示 98%）",
                en: "write 0.98 or 98 (meaning 98 %)"),
            Plausibility::NcvWithoutUnit { .. } => text!(language,
                zh: "在 ncv_unit 列填写单位，如 GJ/t",
                en: "fill the ncv_unit column, e.g. GJ/t"),
            Plausibility::FactorKindMismatch { .. } => text!(language,
                zh: "用 `tanji factors search 电网` 查找电网排放因子",
                en: "find grid factors with `tanji factors search grid`"),
            Plausibility::CoverageAboveConsumption { .. } => text!(language,
                zh: "covered_by_instruments 填写本记录用电中由绿证或购电协议覆盖的部分，单位与数量相同",
                en: "covered_by_instruments is the part of this record's electricity covered by certificates or PPAs, in the quantity's unit"),
        },
    }
}

/// A row error's reason and hint for people, in `language`.
pub fn row_error_parts(error: &RowError, language: Language) -> (String, String) {
    (error.problem.localize(language), row_problem_hint(&error.problem, &error.column, language))
}

/// A row error as one block of text (file, row, column, reason and a `hint:` line). Row 0 is the file as a whole
/// and is not named.
pub fn row_error_text(error: &RowError, language: Language) -> String {
    let (reason, hint) = row_error_parts(error, language);
    let (file, row) = (&error.file, error.row);
    let mut text =
        if row == 0 { file.clone() } else { text!(language, zh: "{file}，第 {row} 行", en: "{file}, row {row}") };
    if !error.column.is_empty() {
        let column = &error.column;
        text.push_str(&text!(language, zh: "，{column} 列", en: ", column {column}"));
    }
    text.push_str(&text!(language, zh: "：{reason}", en: ": {reason}"));
    if !hint.is_empty() {
        text.push_str(&text!(language, zh: "\n  提示：{hint}", en: "\n  hint: {hint}"));
    }
    text
}

impl Localize for FactorTerm {
    fn localize(&self, language: Language) -> String {
        match self {
            FactorTerm::Gas { gas, kg_per_unit, unit, gwp } => {
                let (rate, gwp) = (n(*kg_per_unit), n(*gwp));
                text!(language, zh: "{rate} kg {gas}/{unit} × GWP {gwp}", en: "{rate} kg {gas}/{unit} × GWP {gwp}")
            }
            FactorTerm::PublishedCo2e { kg_co2e_per_unit, unit } => {
                let rate = n(*kg_co2e_per_unit);
                text!(language,
                    zh: "{rate} kg CO2e/{unit}（公布值，未按气体拆分）",
                    en: "{rate} kg CO2e/{unit} (published, not split by gas)")
            }
        }
    }
}

impl Localize for RefrigerantLoss {
    fn localize(&self, language: Language) -> String {
        match self {
            RefrigerantLoss::TopUp { kg } => {
                let kg = n(*kg);
                text!(language, zh: "补充量 {kg} kg = 逸散量", en: "top-up {kg} kg = loss")
            }
            RefrigerantLoss::MassBalance { inventory_decrease_kg, purchased_kg, disposed_kg, capacity_increase_kg } => {
                let loss = n(inventory_decrease_kg + purchased_kg - disposed_kg - capacity_increase_kg);
                let (decrease, purchased, disposed, capacity) =
                    (n(*inventory_decrease_kg), n(*purchased_kg), n(*disposed_kg), n(*capacity_increase_kg));
                text!(language,
                    zh: "质量平衡 {decrease} + {purchased} − {disposed} − {capacity} = {loss} kg",
                    en: "mass balance {decrease} + {purchased} − {disposed} − {capacity} = {loss} kg")
            }
            RefrigerantLoss::Screening { charge_kg, leak_rate_percent, years } => {
                let loss = n(charge_kg * leak_rate_percent / 100.0 * years);
                let (charge, rate, years) = (n(*charge_kg), n(*leak_rate_percent), n(*years));
                text!(language,
                    zh: "筛选法：充注量 {charge} kg × 年泄漏率 {rate}% × {years} 年 = {loss} kg",
                    en: "screening: charge {charge} kg × leak rate {rate} %/yr × {years} yr = {loss} kg")
            }
        }
    }
}

impl Localize for FormulaStep {
    /// One step of a line's arithmetic; the numbers, units and symbols (FC, NCV, AD, CC, OF) are the same in both
    /// languages, the words are not.
    fn localize(&self, language: Language) -> String {
        let plus = " + ";
        match self {
            FormulaStep::FactorApplied { activity, unit, terms, co2e_kg } => {
                let terms: Vec<String> = terms.iter().map(|term| term.localize(language)).collect();
                let (activity, terms, total) = (n(*activity), terms.join(plus), n(*co2e_kg));
                text!(language,
                    zh: "{activity} {unit} × [{terms}] = {total} kg CO2e",
                    en: "{activity} {unit} × [{terms}] = {total} kg CO2e")
            }
            FormulaStep::MarketBased { activity, covered, unit, rate_kg_co2e, market_unit, co2e_kg } => {
                let (activity, covered, rate, total) = (n(*activity), n(*covered), n(*rate_kg_co2e), n(*co2e_kg));
                text!(language,
                    zh: "基于市场：({activity} − 绿证/购电协议覆盖的 {covered}) {unit} × {rate} kg CO2e/{market_unit} = {total} kg CO2e",
                    en: "market-based: ({activity} − {covered} covered by certificates/PPAs) {unit} × {rate} kg CO2e/{market_unit} = {total} kg CO2e")
            }
            FormulaStep::MeasuredGas { gas, mass_kg, gwp, co2e_kg } => {
                let (mass, gwp, total) = (n(*mass_kg), n(*gwp), n(*co2e_kg));
                text!(language,
                    zh: "实测 {gas}：{mass} kg × GWP {gwp} = {total} kg CO2e",
                    en: "measured {gas}: {mass} kg × GWP {gwp} = {total} kg CO2e")
            }
            FormulaStep::RefrigerantLoss { loss, loss_kg, components, co2e_kg } => {
                let how = loss.localize(language);
                let parts: Vec<String> = components
                    .iter()
                    .map(|component| {
                        let (percent, gas, gwp) = (n(component.percent), &component.gas, n(component.gwp));
                        text!(language, zh: "{percent}% {gas} × GWP {gwp}", en: "{percent} % {gas} × GWP {gwp}")
                    })
                    .collect();
                let (loss, parts, total) = (n(*loss_kg), parts.join(plus), n(*co2e_kg));
                text!(language,
                    zh: "{how}；{loss} kg × [{parts}] = {total} kg CO2e",
                    en: "{how}; {loss} kg × [{parts}] = {total} kg CO2e")
            }
            FormulaStep::NoEmissions { amount, unit } => {
                let amount = n(*amount);
                text!(language, zh: "{amount} {unit}：无排放（备忘）", en: "{amount} {unit}: no emissions (memo)")
            }
            FormulaStep::FuelConsumed { quantity } => text!(language, zh: "FC {quantity}", en: "FC {quantity}"),
            FormulaStep::CoalAsReceived { amount, unit, basis, factor, as_received } => {
                let (amount, factor, as_received) = (n(*amount), n(*factor), n(*as_received));
                let basis = coal_basis_name(basis, language);
                text!(language,
                    zh: "FC_ar = {amount} {unit}（{basis}）× {factor} = {as_received} {unit}",
                    en: "FC_ar = {amount} {unit} ({basis}) × {factor} = {as_received} {unit}")
            }
            FormulaStep::CarbonFromMass { tonnes, carbon_percent, carbon_t } => {
                let (tonnes, percent, carbon) = (n(*tonnes), n(*carbon_percent), n(*carbon_t));
                text!(language,
                    zh: "C = {tonnes} t × {percent}% = {carbon} t C",
                    en: "C = {tonnes} t × {percent} % = {carbon} t C")
            }
            FormulaStep::EnergyFromNcv { quantity, ncv, energy_gj } => {
                let (quantity, ncv, energy) = (n(*quantity), n(*ncv), n(*energy_gj));
                text!(language, zh: "AD = {quantity} × {ncv} = {energy} GJ", en: "AD = {quantity} × {ncv} = {energy} GJ")
            }
            FormulaStep::CarbonFromEnergy { energy_gj, carbon_content, carbon_t } => {
                let (energy, content, carbon) = (n(*energy_gj), n(*carbon_content), n(*carbon_t));
                text!(language,
                    zh: "C = {energy} GJ × {content} tC/GJ = {carbon} t C",
                    en: "C = {energy} GJ × {content} tC/GJ = {carbon} t C")
            }
            FormulaStep::Co2FromCarbon { carbon_t, oxidation, co2_kg } => {
                let (carbon, oxidation, co2) = (n(*carbon_t), n(*oxidation), n(*co2_kg));
                text!(language,
                    zh: "CO2 = {carbon} t C × {oxidation} × 44/12 = {co2} kg",
                    en: "CO2 = {carbon} t C × {oxidation} × 44/12 = {co2} kg")
            }
            FormulaStep::BiomassBiogenic => text!(language,
                zh: "生物质：CO2 作为生物源排放单独报告，不计入各范围合计",
                en: "biomass: CO2 reported as biogenic, outside scope totals"),
            FormulaStep::Reported { gross_kg, period_share, boundary_share, co2e_kg } => {
                let (gross, period, boundary, total) =
                    (n(*gross_kg), n(*period_share), n(*boundary_share), n(*co2e_kg));
                text!(language,
                    zh: "报告值 = {gross} × 报告期占比 {period} × 边界占比 {boundary} = {total} kg CO2e",
                    en: "reported = {gross} × period share {period} × boundary share {boundary} = {total} kg CO2e")
            }
            FormulaStep::Legacy { text } => text.clone(),
        }
    }
}

/// A line's arithmetic on one line (the CLI, CSV exports): its steps joined with the language's separator.
pub fn formula_text(formula: &[FormulaStep], language: Language) -> String {
    let steps: Vec<String> = formula.iter().map(|step| step.localize(language)).collect();
    steps.join(text!(language, zh: "；", en: "; ").as_str())
}

/// A coal basis by its symbol (`ar`, `ad`, `d`), as the line stores it.
fn coal_basis_name(symbol: &str, language: Language) -> String {
    match symbol {
        "ar" => text!(language, zh: "收到基", en: "as received"),
        "ad" => text!(language, zh: "空气干燥基", en: "air-dried"),
        "d" => text!(language, zh: "干燥基", en: "dry"),
        other => other.to_owned(),
    }
}

impl Localize for ParameterOrigin {
    fn localize(&self, language: Language) -> String {
        match self {
            ParameterOrigin::Measured => text!(language, zh: "实测", en: "measured"),
            ParameterOrigin::Default { id: Some(id), citation: Some(citation) } => {
                text!(language, zh: "默认值 {id}，{citation}", en: "default {id}, {citation}")
            }
            ParameterOrigin::Default { id: Some(id), citation: None } => {
                text!(language, zh: "默认值 {id}", en: "default {id}")
            }
            ParameterOrigin::Default { id: None, .. } => text!(language, zh: "默认值", en: "default"),
        }
    }
}

impl Localize for Parameter {
    fn localize(&self, language: Language) -> String {
        match self {
            Parameter::Ncv { gj_per_unit, unit, origin } => {
                let (value, origin) = (n(*gj_per_unit), origin.localize(language));
                text!(language,
                    zh: "低位发热量 NCV {value} GJ/{unit}（{origin}）",
                    en: "net calorific value NCV {value} GJ/{unit} ({origin})")
            }
            Parameter::CarbonContent { t_c_per_gj, origin } => {
                let (value, origin) = (n(*t_c_per_gj), origin.localize(language));
                text!(language,
                    zh: "单位热值含碳量 CC {value} tC/GJ（{origin}）",
                    en: "carbon content CC {value} tC/GJ ({origin})")
            }
            Parameter::Oxidation { fraction, origin } => {
                let (value, origin) = (n(*fraction), origin.localize(language));
                text!(language, zh: "碳氧化率 OF {value}（{origin}）", en: "oxidation factor OF {value} ({origin})")
            }
            Parameter::CoalCarbonAsReceived {
                basis,
                carbon_percent,
                factor,
                as_received_percent,
                moisture_as_received_percent,
                moisture_air_dried_percent,
            } => {
                let (carbon, factor, as_received) = (n(*carbon_percent), n(*factor), n(*as_received_percent));
                let (m_ar, m_ad) = (n(*moisture_as_received_percent), n(*moisture_air_dried_percent));
                let basis_name = coal_basis_name(basis, language);
                text!(language,
                    zh: "收到基含碳量 C_ar = C_{basis}（{basis_name}）{carbon}% × {factor} = {as_received}%（M_ar {m_ar}%，M_ad {m_ad}%）",
                    en: "carbon as received C_ar = C_{basis} ({basis_name}) {carbon} % × {factor} = {as_received} % (M_ar {m_ar} %, M_ad {m_ad} %)")
            }
            Parameter::RefrigerantGwp { designation, gwp_set, gwp } => {
                let gwp = n(*gwp);
                text!(language, zh: "{designation} GWP（{gwp_set}）= {gwp}", en: "{designation} GWP ({gwp_set}) = {gwp}")
            }
            Parameter::Legacy { text } => text.clone(),
        }
    }
}

/// A kind of diagnostic as a short headline (the console's diagnostics list, the CLI's count of omitted ones).
pub fn diagnostic_kind_name(kind: DiagnosticKind, language: Language) -> &'static str {
    use DiagnosticKind as K;
    let (zh, en) = match kind {
        K::MissingFactor => ("缺少排放因子", "Missing factor"),
        K::UnitMismatch => ("单位不匹配", "Unit mismatch"),
        K::MissingGwp => ("缺少 GWP", "Missing GWP"),
        K::MissingParameter => ("缺少燃料参数", "Missing fuel parameter"),
        K::UnknownFacility => ("设施不在边界内", "Facility outside the boundary"),
        K::PeriodGap => ("月份缺数据", "Months without data"),
        K::OutsidePeriod => ("跨越报告期", "Outside the reporting period"),
        K::SourceChosen => ("已按数据来源优先级取用", "Data source chosen by priority"),
        K::PossibleDoubleCount => ("可能重复计算", "Possible double count"),
        K::InstrumentsNotCarried => ("绿证/市场因子未承接", "Certificates or market factor not carried over"),
        K::GwpSetDiffers => ("因子 GWP 值集不同", "Factor uses another GWP set"),
        K::MarketFactorMissing => ("缺少剩余组合/供应商因子", "No residual-mix or supplier factor"),
        K::MemoGas => ("非京都气体（备忘）", "Non-Kyoto gas (memo)"),
        K::ImplausibleResult => ("结果不合理", "Implausible result"),
        K::ImplausibleParameter => ("参数可疑（单位或范围）", "Suspicious parameter (unit or range)"),
    };
    match language {
        Language::SimplifiedChinese => zh,
        Language::English => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_have_no_float_noise_and_sensible_digits() {
        assert_eq!(figure(3.4694e-18, 4), "0");
        assert_eq!(figure(-0.0, 4), "0");
        assert_eq!(figure(1234.5678, 4), "1235");
        assert_eq!(figure(12.345678, 4), "12.35");
        assert_eq!(figure(0.0123456, 3), "0.0123");
        assert_eq!(figure(1_234_567.0, 4), "1235000");
        assert_eq!(figure(1.0, 4), "1");
        assert_eq!(figure(1e33, 4), "1×10^33");
        assert_eq!(figure(5.617e29, 4), "5.617×10^29");
        assert_eq!(mass_co2e(1_234_567.0, 4), "1235 t CO2e");
        assert_eq!(mass_co2e(56.78, 4), "56.78 kg CO2e");
        assert_eq!(mass_co2e(3.4694e-18, 6), "0 kg CO2e");
    }

    /// Renders `message` in both languages: English is there, and Chinese has no English sentence in it.
    fn check_both_languages(message: &dyn Localize) {
        let (zh, en) = (message.chinese(), message.english());
        assert!(!en.trim().is_empty(), "no English text (zh: {zh})");
        assert!(!zh.trim().is_empty(), "no Chinese text (en: {en})");
        assert_eq!(crate::latin_sentences(&zh), Vec::<String>::new(), "English in the Chinese text: {zh}");
    }

    /// One value of every import problem; the `match` fails to compile when a code is added without a sample.
    fn every_row_problem() -> Vec<RowProblem> {
        let text = || "地址".to_owned();
        let samples = vec![
            RowProblem::UnitIncompatibleWithFactor {
                unit: "kg".into(),
                dimension: tanji_units::Dimension::Mass,
                factor: "mee-nbs-2022-grid-cn-national@1".into(),
                factor_unit: "MWh".into(),
                factor_dimension: tanji_units::Dimension::Energy,
            },
            RowProblem::FactorNotFound { factor: "grid-x".into(), version: Some(2), suggestion: Some("grid-y".into()) },
            RowProblem::FuelParametersNotFound { id: "coal-x".into(), suggestion: None },
            RowProblem::RefrigerantUnknown { refrigerant: "R-41".into(), suggestion: Some("R-410A".into()) },
            RowProblem::Implausible(Plausibility::OxidationAbove100 { percent: 120.0 }),
            RowProblem::Required,
            RowProblem::NotANumber { text: text() },
            RowProblem::UnknownUnit { text: "kwhh".into(), suggestion: Some("kWh".into()) },
            RowProblem::NotAPeriod { text: text() },
            RowProblem::NoPeriod,
            RowProblem::PeriodEndBeforeStart,
            RowProblem::NotASource { text: text() },
            RowProblem::NotADataSource { text: text() },
            RowProblem::NotAMethod { text: text() },
            RowProblem::Negative,
            RowProblem::FacilityNotFound { facility: "TZ-09".into() },
            RowProblem::DuplicateId { id: "a-1".into(), first_row: 2 },
            RowProblem::IdExists { id: "a-1".into() },
            RowProblem::UnknownColumn { column: "colour".into() },
            RowProblem::NoRows,
            RowProblem::NotText,
            RowProblem::CellCount { expected: 7, found: 8 },
            RowProblem::CsvUnreadable,
            RowProblem::TooLong { n_chars: 101, max_chars: 100 },
            RowProblem::ControlCharacter { code_point: 7, multi_line: false },
            RowProblem::ControlCharacter { code_point: 0x1b, multi_line: true },
            RowProblem::NotQualityScores { text: "1,2,9".into() },
            RowProblem::UncertaintyTooLarge { max_percent: 1000.0 },
            RowProblem::NotAnIsoCategory { text: "7".into() },
            RowProblem::NotARefrigerantApproach { text: text() },
            RowProblem::NotEnergyPerQuantity { text: "GJ".into() },
            RowProblem::NcvUnitMismatch { ncv_unit: "GJ/t".into(), quantity_unit: "kWh".into() },
            RowProblem::NotACoalBasis { text: "xx".into() },
            RowProblem::MoistureOutOfRange { percent: 120.0 },
            RowProblem::TomlInvalid,
            RowProblem::TomlUnknownKey { key: "organization".into() },
            RowProblem::TomlMissingKey { key: "consolidation".into() },
            RowProblem::UnknownGwpSet { text: "AR7".into() },
            RowProblem::NotAConsolidationApproach { text: text() },
            RowProblem::NotAPercentage { facility: "TZ-01".into(), value: 120.0 },
            RowProblem::NoFacilities,
            RowProblem::BaseYearAmbiguous,
            RowProblem::GwpSetMissing,
            RowProblem::IdSavedConcurrently { id: "a-1".into() },
            RowProblem::BundledFactorId { id: "mee-nbs-2022-grid-cn-national".into() },
            RowProblem::FactorVersionExists { factor: "own-steam@1".into() },
            RowProblem::FactorVersionGap { id: "own-steam".into(), version: 3, latest: 1 },
        ];
        let samples: Vec<RowProblem> = samples
            .into_iter()
            .chain(every_table_problem().into_iter().map(|problem| RowProblem::FactorFileRow { problem }))
            .collect();
        for sample in &samples {
            match sample {
                RowProblem::UnitIncompatibleWithFactor { .. }
                | RowProblem::FactorNotFound { .. }
                | RowProblem::FuelParametersNotFound { .. }
                | RowProblem::RefrigerantUnknown { .. }
                | RowProblem::Implausible(_)
                | RowProblem::Required
                | RowProblem::NotANumber { .. }
                | RowProblem::UnknownUnit { .. }
                | RowProblem::NotAPeriod { .. }
                | RowProblem::NoPeriod
                | RowProblem::PeriodEndBeforeStart
                | RowProblem::NotASource { .. }
                | RowProblem::NotADataSource { .. }
                | RowProblem::NotAMethod { .. }
                | RowProblem::Negative
                | RowProblem::FacilityNotFound { .. }
                | RowProblem::DuplicateId { .. }
                | RowProblem::IdExists { .. }
                | RowProblem::UnknownColumn { .. }
                | RowProblem::NoRows
                | RowProblem::NotText
                | RowProblem::CellCount { .. }
                | RowProblem::CsvUnreadable
                | RowProblem::TooLong { .. }
                | RowProblem::ControlCharacter { .. }
                | RowProblem::NotQualityScores { .. }
                | RowProblem::UncertaintyTooLarge { .. }
                | RowProblem::NotAnIsoCategory { .. }
                | RowProblem::NotARefrigerantApproach { .. }
                | RowProblem::NotEnergyPerQuantity { .. }
                | RowProblem::NcvUnitMismatch { .. }
                | RowProblem::NotACoalBasis { .. }
                | RowProblem::MoistureOutOfRange { .. }
                | RowProblem::TomlInvalid
                | RowProblem::TomlUnknownKey { .. }
                | RowProblem::TomlMissingKey { .. }
                | RowProblem::UnknownGwpSet { .. }
                | RowProblem::NotAConsolidationApproach { .. }
                | RowProblem::NotAPercentage { .. }
                | RowProblem::NoFacilities
                | RowProblem::BaseYearAmbiguous
                | RowProblem::GwpSetMissing
                | RowProblem::IdSavedConcurrently { .. }
                | RowProblem::BundledFactorId { .. }
                | RowProblem::FactorVersionExists { .. }
                | RowProblem::FactorVersionGap { .. }
                | RowProblem::FactorFileRow { .. } => {}
            }
        }
        samples
    }

    /// One value of every factor-file problem; the `match` fails to compile when a code is added without a sample.
    fn every_table_problem() -> Vec<TableProblem> {
        let samples = vec![
            TableProblem::MissingColumn,
            TableProblem::CellCount { expected: 24, found: 25 },
            TableProblem::CsvUnreadable,
            TableProblem::Required,
            TableProblem::NotANumber { text: "零点五".into() },
            TableProblem::NotNonNegative { text: "-0.5".into() },
            TableProblem::NotASlug { text: "自有蒸汽".into() },
            TableProblem::NotAVersion { text: "0".into() },
            TableProblem::UnknownCategory { text: "蒸汽".into() },
            TableProblem::UnknownUnit { text: "kwhh".into(), suggestion: Some("kWh".into()) },
            TableProblem::IncompatibleUnits {
                from: "kg".into(),
                to: "GJ".into(),
                from_dimension: tanji_units::Dimension::Mass,
                to_dimension: tanji_units::Dimension::Energy,
            },
            TableProblem::GwpSetRequired,
            TableProblem::UnknownGwpSet { text: "AR7".into() },
            TableProblem::GasShareWithoutTotal,
            TableProblem::NoGas,
            TableProblem::NotAYear { text: "24".into() },
            TableProblem::NotEnergyPerQuantity { text: "GJ".into() },
            TableProblem::OxidationAsPercentage { value: 98.0 },
            TableProblem::NotASpecies { text: "HFC-999".into() },
            TableProblem::BlendNotWhole { blend: "R-410A".into(), percent: 99.5 },
        ];
        for sample in &samples {
            match sample {
                TableProblem::MissingColumn
                | TableProblem::CellCount { .. }
                | TableProblem::CsvUnreadable
                | TableProblem::Required
                | TableProblem::NotANumber { .. }
                | TableProblem::NotNonNegative { .. }
                | TableProblem::NotASlug { .. }
                | TableProblem::NotAVersion { .. }
                | TableProblem::UnknownCategory { .. }
                | TableProblem::UnknownUnit { .. }
                | TableProblem::IncompatibleUnits { .. }
                | TableProblem::GwpSetRequired
                | TableProblem::UnknownGwpSet { .. }
                | TableProblem::GasShareWithoutTotal
                | TableProblem::NoGas
                | TableProblem::NotAYear { .. }
                | TableProblem::NotEnergyPerQuantity { .. }
                | TableProblem::OxidationAsPercentage { .. }
                | TableProblem::NotASpecies { .. }
                | TableProblem::BlendNotWhole { .. } => {}
            }
        }
        samples
    }

    #[test]
    fn every_factor_file_problem_names_file_row_column_and_fix_in_chinese() {
        for problem in every_table_problem() {
            check_both_languages(&problem);
            for column in ["id", "publisher", "region", "ncv", "co2", "unit", "ncv_unit", "notes"] {
                let hint = table_problem_hint(&problem, column, Language::SimplifiedChinese);
                assert!(!hint.trim().is_empty(), "{problem:?} in {column}: no hint");
                assert_eq!(crate::latin_sentences(&hint), Vec::<String>::new(), "{problem:?}: {hint}");
                assert!(!table_problem_hint(&problem, column, Language::English).trim().is_empty());
            }
            let error = RowError::of("自有因子.csv", 4, "co2", RowProblem::FactorFileRow { problem: problem.clone() });
            let zh = row_error_text(&error, Language::SimplifiedChinese);
            assert!(zh.starts_with("自有因子.csv，第 4 行，co2 列："), "{zh}");
            assert!(zh.contains("\n  提示："), "{zh}");
            assert_eq!(crate::latin_sentences(&zh), Vec::<String>::new(), "{zh}");
            let en = row_error_text(&error, Language::English);
            assert!(en.starts_with("自有因子.csv, row 4, column co2: ") && en.contains("\n  hint: "), "{en}");
        }
    }

    #[test]
    fn a_real_factor_file_error_renders_in_chinese() {
        // Through the reader, not a hand-made value: a percentage in co2 and a category that does not exist.
        let csv = "id,version,name_en,name_zh,category,unit,co2,publisher,document,year,region,licence\n\
                   own-steam,1,Steam,蒸汽,steam,GJ,-5,Own,Meter,2024,CN,own\n\
                   own-gas,1,Gas,天然气,stationary_combustion,GJ,abc,Own,Meter,2024,CN,own\n";
        let errors = tanji_ghg::bundled::parse_factor_csv("own.csv", csv, &tanji_ghg::FactorOwner::Bundled)
            .expect_err("two bad rows");
        let rendered: Vec<String> = errors
            .into_iter()
            .map(|error| row_error_text(&RowError::from(error), Language::SimplifiedChinese))
            .collect();
        assert_eq!(
            rendered,
            [
                "own.csv，第 2 行，category 列：“steam”不是因子类别\n  提示：可用的类别：stationary_combustion, \
                 mobile_combustion, electricity, heat_steam, refrigerant, process, transport_freight, \
                 transport_passenger, waste, water, material, spend, other",
                "own.csv，第 3 行，co2 列：“abc”不是数字\n  提示：用阿拉伯数字和小数点书写，如 1234.5",
            ]
        );
    }

    #[test]
    fn every_import_problem_and_its_hint_is_in_both_languages() {
        for problem in every_row_problem() {
            check_both_languages(&problem);
            for column in ["quantity", "uncertainty_percent", "leak_rate_percent", "covered_by_instruments"] {
                let hint = row_problem_hint(&problem, column, Language::SimplifiedChinese);
                assert_eq!(crate::latin_sentences(&hint), Vec::<String>::new(), "{problem:?}: {hint}");
            }
            let error = RowError::of("能耗.csv", 3, "quantity", problem.clone());
            let zh = row_error_text(&error, Language::SimplifiedChinese);
            assert!(zh.starts_with("能耗.csv，第 3 行，quantity 列："), "{zh}");
            assert_eq!(crate::latin_sentences(&zh), Vec::<String>::new(), "{zh}");
        }
    }

    #[test]
    fn every_formula_step_and_parameter_is_in_both_languages() {
        let steps = [
            FormulaStep::FactorApplied {
                activity: 1000.0,
                unit: "kWh".into(),
                terms: vec![
                    FactorTerm::Gas { gas: "CO2".into(), kg_per_unit: 0.5, unit: "kWh".into(), gwp: 1.0 },
                    FactorTerm::PublishedCo2e { kg_co2e_per_unit: 0.01, unit: "kWh".into() },
                ],
                co2e_kg: 510.0,
            },
            FormulaStep::MarketBased {
                activity: 1000.0,
                covered: 200.0,
                unit: "kWh".into(),
                rate_kg_co2e: 0.5,
                market_unit: "kWh".into(),
                co2e_kg: 400.0,
            },
            FormulaStep::MeasuredGas { gas: "SF6".into(), mass_kg: 1.0, gwp: 23500.0, co2e_kg: 23500.0 },
            FormulaStep::RefrigerantLoss {
                loss: RefrigerantLoss::Screening { charge_kg: 10.0, leak_rate_percent: 10.0, years: 1.0 },
                loss_kg: 1.0,
                components: vec![tanji_inventory::BlendComponent { gas: "HFC-32".into(), percent: 50.0, gwp: 677.0 }],
                co2e_kg: 338.5,
            },
            FormulaStep::RefrigerantLoss {
                loss: RefrigerantLoss::MassBalance {
                    inventory_decrease_kg: 1.0,
                    purchased_kg: 2.0,
                    disposed_kg: 0.5,
                    capacity_increase_kg: 0.5,
                },
                loss_kg: 2.0,
                components: vec![],
                co2e_kg: 0.0,
            },
            FormulaStep::RefrigerantLoss {
                loss: RefrigerantLoss::TopUp { kg: 2.0 },
                loss_kg: 2.0,
                components: vec![],
                co2e_kg: 0.0,
            },
            FormulaStep::NoEmissions { amount: 5.0, unit: "kWh".into() },
            FormulaStep::FuelConsumed { quantity: "100 t".into() },
            FormulaStep::CoalAsReceived {
                amount: 90.0,
                unit: "t".into(),
                basis: "d".into(),
                factor: 1.111,
                as_received: 100.0,
            },
            FormulaStep::CarbonFromMass { tonnes: 100.0, carbon_percent: 46.86, carbon_t: 46.86 },
            FormulaStep::EnergyFromNcv { quantity: 100.0, ncv: 389.31, energy_gj: 38931.0 },
            FormulaStep::CarbonFromEnergy { energy_gj: 38931.0, carbon_content: 0.0153, carbon_t: 595.6 },
            FormulaStep::Co2FromCarbon { carbon_t: 595.6, oxidation: 0.99, co2_kg: 2_162_188.0 },
            FormulaStep::BiomassBiogenic,
            FormulaStep::Reported { gross_kg: 100.0, period_share: 0.5, boundary_share: 1.0, co2e_kg: 50.0 },
        ];
        for step in &steps {
            check_both_languages(step);
        }
        let market = steps[1].chinese();
        assert!(market.starts_with("基于市场：") && !market.contains("market"), "{market}");
        assert!(steps[1].english().starts_with("market-based: "), "{}", steps[1].english());
        let parameters = [
            Parameter::Ncv { gj_per_unit: 389.31, unit: "10^4Nm³".into(), origin: ParameterOrigin::Measured },
            Parameter::CarbonContent {
                t_c_per_gj: 0.0258,
                origin: ParameterOrigin::Default {
                    id: Some("ipcc-2006-ncv-cc-other-bituminous-coal".into()),
                    citation: Some("IPCC · 2006 IPCC Guidelines · Vol. 2 · Table 1.3".into()),
                },
            },
            Parameter::Oxidation { fraction: 0.98, origin: ParameterOrigin::Default { id: None, citation: None } },
            Parameter::CoalCarbonAsReceived {
                basis: "ad".into(),
                carbon_percent: 60.08,
                factor: 0.78,
                as_received_percent: 46.86,
                moisture_as_received_percent: 29.02,
                moisture_air_dried_percent: 9.0,
            },
            Parameter::RefrigerantGwp { designation: "R-410A".into(), gwp_set: "AR5".into(), gwp: 1923.5 },
        ];
        for parameter in &parameters[..3] {
            let zh = parameter.chinese();
            assert!(!zh.contains("measured") && !zh.contains("default"), "{zh}");
        }
        for parameter in [&parameters[0], &parameters[2], &parameters[3], &parameters[4]] {
            check_both_languages(parameter);
        }
        assert_eq!(parameters[0].chinese(), "低位发热量 NCV 389.31 GJ/10^4Nm³（实测）");
        assert_eq!(parameters[0].english(), "net calorific value NCV 389.31 GJ/10^4Nm³ (measured)");
        // An older version's text is shown as it was stored.
        let legacy = FormulaStep::Legacy { text: "AD = 100 × 389.31 = 38931 GJ".into() };
        assert_eq!(legacy.chinese(), "AD = 100 × 389.31 = 38931 GJ");
        assert_eq!(
            formula_text(&steps[10..12], Language::SimplifiedChinese),
            "AD = 100 × 389.31 = 38931 GJ；C = 38931 GJ × 0.0153 tC/GJ = 595.6 t C"
        );
    }

    #[test]
    fn scope3_categories_read_as_words() {
        let source = EmissionSource::parse("scope3_4").unwrap();
        assert_eq!(source.english(), "Scope 3, category 4 upstream transportation and distribution");
        assert_eq!(source.chinese(), "范围三 类别 4：上游运输和配送");
    }
}
