//! The GHG inventory's section of the catalogue: diagnostics, exclusions, completeness, plausibility findings,
//! base-year explanations, import row problems and the names of sources and scopes, in 简体中文 and English.
//! Also how the inventory writes a figure for people (significant figures, no float noise, t or kg CO2e).

use tanji_inventory::base_year::RecalculationMessage;
use tanji_inventory::import::{RowError, RowProblem};
use tanji_inventory::{
    BaseYearPolicy, Completeness, DataSourceKind, DiagnosticMessage, EmissionSource, ExclusionReason, Plausibility,
    Scope, UncountedActivity,
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
        }
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
        _ => String::new(),
    }
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

/// A row error for people: "file, row 3, column unit: reason" and its hint, in `language` where the problem is a
/// message value (problems not yet converted are English, as the domain wrote them).
pub fn row_error_parts(error: &RowError, language: Language) -> (String, String) {
    match &error.problem {
        Some(problem) => (problem.localize(language), row_problem_hint(problem, &error.column, language)),
        None => (error.reason.clone(), error.hint.clone()),
    }
}

/// A row error as one block of text (file, row, column, reason and a `hint:` line).
pub fn row_error_text(error: &RowError, language: Language) -> String {
    let (reason, hint) = row_error_parts(error, language);
    let (file, row) = (&error.file, error.row);
    let mut text = text!(language, zh: "{file}，第 {row} 行", en: "{file}, row {row}");
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

    #[test]
    fn scope3_categories_read_as_words() {
        let source = EmissionSource::parse("scope3_4").unwrap();
        assert_eq!(source.english(), "Scope 3, category 4 upstream transportation and distribution");
        assert_eq!(source.chinese(), "范围三 类别 4：上游运输和配送");
    }
}
