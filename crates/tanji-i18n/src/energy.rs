//! The energy expert (`tanji-energy`): findings, recommendations, evidence, cleaning decisions, baseline criteria
//! and file problems, in both languages.

pub mod console;

use tanji_energy::cleaning::CleaningEvent;
use tanji_energy::cusum::Direction;
use tanji_energy::file::{FileProblem, ProblemKind};
use tanji_energy::finding::{ChartKind, Evidence, FindingKind, Recommendation};
use tanji_energy::handover::{HandoverError, MeteredNotes, ParentProblem};
use tanji_energy::ingest::{IngestProblem, ReadingField};
use tanji_energy::model::{Equipment, MeterKind};
use tanji_energy::regression::{BaselineCheck, FitError, Term};
use tanji_energy::supersede::{ElectricityMonth, SettingOrigin};

use crate::inventory::figure;
use crate::{Language, Localize, text};

/// A figure with four significant digits.
fn n(value: f64) -> String {
    figure(value, 4)
}

/// A fraction as a percentage with three significant digits ("29.2%").
pub fn percent(fraction: f64) -> String {
    format!("{}%", figure(fraction * 100.0, 3))
}

/// kWh with thousands written out to the unit ("302,628 kWh"): savings are read as whole kilowatt-hours.
pub fn kwh(value: f64) -> String {
    format!("{} kWh", whole(value))
}

/// A count or amount rounded to a whole number, thousands grouped ("97,226,400").
pub fn whole(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let rounded = value.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (digit_idx, digit) in digits.chars().enumerate() {
        if digit_idx > 0 && (digits.len() - digit_idx) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}{grouped}")
}

impl Localize for MeterKind {
    fn localize(&self, language: Language) -> String {
        match self {
            MeterKind::Electricity => text!(language, zh: "电", en: "electricity"),
            MeterKind::NaturalGas => text!(language, zh: "天然气", en: "natural gas"),
            MeterKind::Steam => text!(language, zh: "蒸汽", en: "steam"),
            MeterKind::Water => text!(language, zh: "水", en: "water"),
            MeterKind::CompressedAir => text!(language, zh: "压缩空气", en: "compressed air"),
        }
    }
}

impl Localize for HandoverError {
    fn localize(&self, language: Language) -> String {
        match self {
            HandoverError::UnknownLine { line, known } => text!(language,
                zh: "站点中没有产线 {line}（已有产线：{known}）",
                en: "the site has no line {line} (its lines: {known})"),
            HandoverError::NoEnergyData { line, first, last } => text!(language,
                zh: "产线 {line} 在 {first} 至 {last} 没有计量能耗数据：请选择有读数的期间，或先导入读数",
                en: "line {line} has no metered energy from {first} to {last}: choose a period with readings, or import them first"),
            HandoverError::NoOutput { line, first, last } => text!(language,
                zh: "产线 {line} 在 {first} 至 {last} 有能耗但没有产量记录，无法计算单位产量能耗：请先导入产量",
                en: "line {line} has energy but no recorded output from {first} to {last}, so no energy per unit exists: import its production first"),
            HandoverError::NoMeteredOutput { sku, first, last, unmetered_lines } if unmetered_lines.is_empty() => {
                text!(language,
                zh: "{first} 至 {last} 没有产线在有计量数据的日子生产 {sku}：请选择有产量和读数的期间",
                en: "no line made {sku} on days with metered energy from {first} to {last}: choose a period with output and readings")
            }
            HandoverError::NoMeteredOutput { sku, first, last, unmetered_lines } => text!(language,
                zh: "{first} 至 {last} 生产 {sku} 的产线（{unmetered_lines}）在生产日没有计量能耗数据：请先导入这些产线的读数",
                en: "the lines that made {sku} from {first} to {last} ({unmetered_lines}) have no metered energy on those days: import their readings first"),
            HandoverError::EmptyPeriod { first, last } => text!(language,
                zh: "期间的结束日 {last} 早于开始日 {first}",
                en: "the period ends on {last}, before it starts on {first}"),
        }
    }
}

impl Localize for ParentProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            ParentProblem::SameMeter { meter } => text!(language,
                zh: "表 {meter} 不能是自己的上级表",
                en: "meter {meter} cannot be its own upstream meter"),
            ParentProblem::DifferentKind { meter, kind, parent, parent_kind } => {
                let (kind, parent_kind) = (kind.localize(language), parent_kind.localize(language));
                text!(language,
                    zh: "表 {meter} 计量{kind}，上级表 {parent} 计量{parent_kind}：上下级表须计量同一种能源",
                    en: "meter {meter} measures {kind} and {parent} measures {parent_kind}: a sub-meter and its upstream meter measure the same carrier")
            }
            ParentProblem::Loop { meter, parent, path } => text!(language,
                zh: "表 {parent} 已在表 {meter} 的下级（{path}），不能再作它的上级表",
                en: "meter {parent} is already downstream of {meter} ({path}), so it cannot be its upstream meter"),
            ParentProblem::NotPlaced { meter } => text!(language,
                zh: "表 {meter} 没有放入该设施的站点（计量表页把它放到区域或产线上后再指定上级表）",
                en: "meter {meter} is not placed in this facility's site (place it in an area or on a line on the Meters tab first)"),
        }
    }
}

/// Where a metered month's setting came from, as a parenthesis after the value.
fn origin(origin: &SettingOrigin, language: Language) -> String {
    match origin {
        SettingOrigin::Stated => text!(language, zh: "（本次填写）", en: " (stated)"),
        SettingOrigin::Inherited { record } => {
            text!(language, zh: "（沿用 {record}）", en: " (inherited from {record})")
        }
        SettingOrigin::SiteGridFactor => text!(language, zh: "（站点电网因子）", en: " (the site's grid factor)"),
        SettingOrigin::NotSet => String::new(),
    }
}

/// One metered month of electricity as handed over: what it supersedes and where its grid factor, market factor and
/// instrument coverage come from.
impl Localize for ElectricityMonth {
    fn localize(&self, language: Language) -> String {
        let month = &self.month;
        let quantity = kwh(self.quantity_kwh);
        let supersedes = self
            .supersedes
            .iter()
            .map(|record| {
                format!("{}{}", record.record, parenthesised(&record.data_source.localize(language), language))
            })
            .collect::<Vec<_>>()
            .join(text!(language, zh: "、", en: ", ").as_str());
        let mut sentence = if supersedes.is_empty() {
            text!(language, zh: "{month}：计量电量 {quantity}，未取代其他记录", en: "{month}: metered {quantity}, superseding no record")
        } else {
            text!(language, zh: "{month}：计量电量 {quantity}，取代 {supersedes}", en: "{month}: metered {quantity} supersedes {supersedes}")
        };
        let factor = &self.factor;
        let factor_origin = origin(&self.factor_origin, language);
        sentence.push_str(
            &text!(language, zh: "；电网因子 {factor}{factor_origin}", en: "; grid factor {factor}{factor_origin}"),
        );
        let market_origin = origin(&self.market_factor_origin, language);
        sentence.push_str(&match &self.market_factor {
            Some(factor) => {
                text!(language, zh: "；市场因子 {factor}{market_origin}", en: "; market factor {factor}{market_origin}")
            }
            None => text!(language, zh: "；无市场因子", en: "; no market factor"),
        });
        let covered = kwh(self.covered_by_instruments_kwh);
        let coverage_origin = origin(&self.coverage_origin, language);
        sentence.push_str(&if self.covered_by_instruments_kwh > 0.0 {
            text!(language, zh: "；绿证等覆盖 {covered}{coverage_origin}", en: "; instruments cover {covered}{coverage_origin}")
        } else {
            text!(language, zh: "；无绿证等覆盖{coverage_origin}", en: "; no instruments{coverage_origin}")
        });
        if let Some(lost) = &self.coverage_not_inherited {
            let (record, covered, unit) = (&lost.record, whole(lost.covered), &lost.unit);
            sentence.push_str(&text!(language,
                zh: "；{record} 的绿证等覆盖 {covered} {unit} 属于另一期间，未按月拆分沿用：请填写本月的覆盖量",
                en: "; the instruments of {record} ({covered} {unit}) cover another period and are not split into months: state this month's coverage"));
        }
        sentence
    }
}

fn parenthesised(text: &str, language: Language) -> String {
    match language {
        Language::SimplifiedChinese => format!("（{text}）"),
        Language::English => format!(" ({text})"),
    }
}

/// Output units a line may count in, as (English singular, English plural, Chinese): the units of discrete output a
/// factory writes in either language. A unit not listed (kg, t, m², "10k cups" …) is shown as written.
const OUTPUT_UNITS: &[(&str, &str, &str)] = &[
    ("cup", "cups", "杯"),
    ("plate", "plates", "只"),
    ("bowl", "bowls", "只"),
    ("bottle", "bottles", "瓶"),
    ("box", "boxes", "盒"),
    ("bag", "bags", "袋"),
    ("piece", "pieces", "件"),
    ("unit", "units", "件"),
    ("sheet", "sheets", "张"),
    ("pair", "pairs", "双"),
    ("set", "sets", "套"),
    ("roll", "rolls", "卷"),
];

/// A line's output unit (`output_unit`, typed by the user in one language) for a reader of `language`: the units
/// of [`OUTPUT_UNITS`] in the reader's words ("cup" → "杯" on a Chinese page, "杯" → "cup" on an English one),
/// any other unit as written.
pub fn output_unit(unit: &str, language: Language) -> String {
    let trimmed = unit.trim();
    let known = OUTPUT_UNITS.iter().find(|(singular, plural, chinese)| {
        trimmed.eq_ignore_ascii_case(singular) || trimmed.eq_ignore_ascii_case(plural) || trimmed == *chinese
    });
    match (known, language) {
        (Some((_, _, chinese)), Language::SimplifiedChinese) => (*chinese).to_owned(),
        (Some((singular, _, _)), Language::English) => (*singular).to_owned(),
        (None, _) => unit.to_owned(),
    }
}

impl Localize for MeteredNotes {
    fn localize(&self, language: Language) -> String {
        let MeteredNotes { n_readings, n_intervals, n_estimated, n_days_with_data, n_days } = self;
        // The English sentence is the one metered rows stored before the code: keep it word for word, so that
        // `MeteredNotes::parse` reads those rows back.
        text!(language,
            zh: "计量：{n_readings} 个读数，{n_intervals} 个时段（其中 {n_estimated} 个为估算值），{n_days_with_data} 天有数据（共 {n_days} 天）",
            en: "metered: {n_readings} readings, {n_intervals} intervals ({n_estimated} estimated), {n_days_with_data} of {n_days} days")
    }
}

/// An activity row's notes for a reader of `language`: a metered row's notes (stored as a code, or as the English
/// sentence of rows stored before it) in the reader's language; any other notes, the user's own text, as written.
pub fn activity_notes(text: &str, language: Language) -> String {
    MeteredNotes::parse(text, |notes| vec![notes.english(), notes.chinese()])
        .map_or_else(|| text.to_owned(), |notes| notes.localize(language))
}

impl Localize for Equipment {
    fn localize(&self, language: Language) -> String {
        match self {
            Equipment::WholeLine => text!(language, zh: "整线总表", en: "whole line"),
            Equipment::Heater => text!(language, zh: "加热器", en: "heater"),
            Equipment::Drive => text!(language, zh: "电机传动", en: "drives"),
            Equipment::CompressedAir => text!(language, zh: "压缩空气", en: "compressed air"),
            Equipment::Cooling => text!(language, zh: "冷却", en: "cooling"),
            Equipment::Hvac => text!(language, zh: "暖通空调", en: "HVAC"),
            Equipment::Lighting => text!(language, zh: "照明", en: "lighting"),
            Equipment::Other => text!(language, zh: "其他设备", en: "other equipment"),
        }
    }
}

impl Localize for Recommendation {
    fn localize(&self, language: Language) -> String {
        match self {
            Recommendation::ReviewHeaterSetPoint => text!(language,
                zh: "核对加热器设定温度是否高于产品工艺所需，并检查温控与保温；调低设定温度后用基线验证节能量",
                en: "check whether the heater's set-point is hotter than the product needs, and its control and insulation; after lowering it, verify the saving against the baseline"),
            Recommendation::ReviewDrives => text!(language,
                zh: "检查电机空转、调速控制与机械损耗",
                en: "check the drives for idling, speed control and mechanical losses"),
            Recommendation::ReviewCompressedAir => text!(language,
                zh: "查找压缩空气泄漏，降低供气压力设定",
                en: "find compressed-air leaks and lower the supply pressure set-point"),
            Recommendation::ReviewCooling => text!(language,
                zh: "检查冷水机组与冷却系统的设定值",
                en: "check the chiller and cooling set-points"),
            Recommendation::ReviewHvac => text!(language,
                zh: "检查暖通空调的运行时段与设定值",
                en: "check the HVAC schedules and set-points"),
            Recommendation::ReviewLighting => text!(language,
                zh: "检查照明的开关时段",
                en: "check the lighting schedules"),
            Recommendation::SubMeterLine => text!(language,
                zh: "为该线加装分项计量表，找出差距出在哪台设备",
                en: "sub-meter the line to find which equipment makes the difference"),
            Recommendation::InspectEquipment => text!(language,
                zh: "现场检查该表计量的设备",
                en: "inspect the equipment on that meter"),
        }
    }
}

impl Localize for Direction {
    fn localize(&self, language: Language) -> String {
        match self {
            Direction::Increase => text!(language, zh: "高于", en: "above"),
            Direction::Decrease => text!(language, zh: "低于", en: "below"),
        }
    }
}

impl Localize for Term {
    fn localize(&self, language: Language) -> String {
        match self {
            Term::Intercept => text!(language, zh: "常数项（非生产负荷）", en: "intercept (non-production load)"),
            Term::Production => text!(language, zh: "产量", en: "production"),
            Term::HeatingDegreeDays => text!(language, zh: "采暖度日数", en: "heating degree-days"),
            Term::CoolingDegreeDays => text!(language, zh: "制冷度日数", en: "cooling degree-days"),
            Term::HeatingBelow { balance_point_c } => {
                let balance = n(*balance_point_c);
                text!(language, zh: "低于 {balance} °C 的度数", en: "degrees below {balance} °C")
            }
            Term::CoolingAbove { balance_point_c } => {
                let balance = n(*balance_point_c);
                text!(language, zh: "高于 {balance} °C 的度数", en: "degrees above {balance} °C")
            }
        }
    }
}

impl Localize for BaselineCheck {
    fn localize(&self, language: Language) -> String {
        match self {
            BaselineCheck::CvRmseTooHigh { cv_rmse, limit } => {
                let (value, limit) = (percent(*cv_rmse), percent(*limit));
                text!(language,
                    zh: "CV(RMSE) 为 {value}，超过 ASHRAE Guideline 14 的上限 {limit}",
                    en: "CV(RMSE) is {value}, above the ASHRAE Guideline 14 limit of {limit}")
            }
            BaselineCheck::NmbeTooHigh { nmbe, limit } => {
                let (value, limit) = (percent(*nmbe), percent(*limit));
                text!(language,
                    zh: "NMBE 为 {value}，绝对值超过 ASHRAE Guideline 14 的上限 {limit}",
                    en: "NMBE is {value}, beyond the ASHRAE Guideline 14 limit of ±{limit}")
            }
            BaselineCheck::TermNotSignificant { term, t_statistic, limit } => {
                let (term, t, limit) = (term.localize(language), n(*t_statistic), n(*limit));
                text!(language,
                    zh: "{term}的 t 统计量为 {t}，绝对值小于 {limit}：该项的系数与零没有显著差别",
                    en: "the t-statistic of {term} is {t}, below {limit} in magnitude: its coefficient cannot be told from zero")
            }
            BaselineCheck::SavingsUncertaintyTooHigh { fractional_uncertainty } => {
                let value = percent(*fractional_uncertainty);
                text!(language,
                    zh: "68% 置信度下节能量的相对不确定度为 {value}，超过 50%",
                    en: "the savings uncertainty at 68% confidence is {value} of the savings, above 50%")
            }
        }
    }
}

impl Localize for FitError {
    fn localize(&self, language: Language) -> String {
        match self {
            FitError::TooFewObservations { n_observations, n_parameters } => text!(language,
                zh: "只有 {n_observations} 天数据，不足以拟合 {n_parameters} 个参数的基线",
                en: "{n_observations} days of data are too few for a baseline of {n_parameters} parameters"),
            FitError::MissingCondition { observation_idx } => {
                let number = observation_idx + 1;
                text!(language,
                    zh: "第 {number} 个观测缺少模型所需的驱动变量",
                    en: "observation {number} lacks a variable the model needs")
            }
            FitError::Collinear => text!(language,
                zh: "产量几乎不变，无法区分非生产负荷与单位产量能耗",
                en: "production hardly varies, so the non-production load cannot be told apart from the energy per unit"),
            FitError::NonPositiveMeanEnergy => text!(language,
                zh: "平均能耗不为正，CV(RMSE) 与 NMBE 无定义",
                en: "the mean energy is not positive, so CV(RMSE) and NMBE are undefined"),
        }
    }
}

impl Localize for tanji_energy::measure::VerificationError {
    fn localize(&self, language: Language) -> String {
        use tanji_energy::measure::VerificationError;
        match self {
            VerificationError::UnknownLine { line } => text!(language,
                zh: "站点中没有产线 {line}",
                en: "the site has no line {line}"),
            VerificationError::NoBaseline { error } => {
                let reason = error.localize(language);
                text!(language,
                    zh: "基线期无法拟合基线：{reason}",
                    en: "no baseline could be fitted on the baseline period: {reason}")
            }
            VerificationError::NoReportingData => text!(language,
                zh: "报告期还没有能耗数据，节能量尚无法核证",
                en: "the reporting period has no energy data yet, so the saving cannot be verified yet"),
        }
    }
}

impl Localize for CleaningEvent {
    fn localize(&self, language: Language) -> String {
        match self {
            CleaningEvent::Duplicate { row, kept_row, at } => text!(language,
                zh: "第 {row} 行与第 {kept_row} 行时间相同（{at}）、数值相同：重复读数，只计一次",
                en: "row {row} repeats row {kept_row} ({at}, same value): counted once"),
            CleaningEvent::ConflictingDuplicate { row, kept_row, at, value, kept_value } => {
                let (value, kept_value) = (n(*value), n(*kept_value));
                text!(language,
                    zh: "第 {row} 行与第 {kept_row} 行时间相同（{at}）但数值不同（{value} 与 {kept_value}）：采用先到的第 {kept_row} 行",
                    en: "row {row} has the time of row {kept_row} ({at}) but another value ({value}, not {kept_value}): row {kept_row}, received first, counts")
            }
            CleaningEvent::OffGrid { row, at, interval_minutes } => text!(language,
                zh: "第 {row} 行的时间 {at} 不在 {interval_minutes} 分钟计量网格上：未使用",
                en: "row {row}'s time {at} is not on the {interval_minutes}-minute metering grid: set aside"),
            CleaningEvent::Gap { after, before, n_missing_intervals } => text!(language,
                zh: "{after} 与 {before} 之间缺 {n_missing_intervals} 个时段：已估算并标记",
                en: "{n_missing_intervals} intervals missing between {after} and {before}: estimated and flagged"),
            CleaningEvent::LongGap { after, before, uncounted } => {
                let uncounted = n(*uncounted);
                text!(language,
                    zh: "{after} 与 {before} 之间缺数超过 31 天：不估算，其间的表码差 {uncounted} 不计入",
                    en: "no readings for more than 31 days between {after} and {before}: not estimated, and the register difference of {uncounted} across it is not counted")
            }
            CleaningEvent::HighReading { row, at, value } => {
                let value = n(*value);
                text!(language,
                    zh: "第 {row} 行（{at}）读数 {value} 高于前后读数：视为误读，未使用",
                    en: "row {row} ({at}) reads {value}, above the readings around it: a misread, set aside")
            }
            CleaningEvent::LowReading { row, at, value } => {
                let value = n(*value);
                text!(language,
                    zh: "第 {row} 行（{at}）读数 {value} 低于前一读数且随后恢复：视为误读，未使用",
                    en: "row {row} ({at}) reads {value}, below the reading before, and the register recovers next: a misread, set aside")
            }
            CleaningEvent::Rollover { row, at, rollover_value } => {
                let rollover = n(*rollover_value);
                text!(language,
                    zh: "第 {row} 行（{at}）：表码在 {rollover} 处翻转归零，按翻转计算差值",
                    en: "row {row} ({at}): the register rolled over at {rollover}; the wrapped difference counts")
            }
            CleaningEvent::RegisterReset { row, at, value_before, value_after } => {
                let (before, after) = (n(*value_before), n(*value_after));
                text!(language,
                    zh: "第 {row} 行（{at}）：表码从 {before} 降到 {after}，判为换表或清零；从零起计，清零前未读到的电量无法得知",
                    en: "row {row} ({at}): the register fell from {before} to {after}: a replaced or cleared meter; counted from zero, and the energy between the last reading and the reset is unknown")
            }
            CleaningEvent::NegativeInterval { row, at, value } => {
                let value = n(*value);
                text!(language,
                    zh: "第 {row} 行（{at}）时段用量为负（{value}）：视为缺失并估算",
                    en: "row {row} ({at}) has a negative interval quantity ({value}): treated as missing and estimated")
            }
            CleaningEvent::Spike { at, value, local_median, robust_z, replaced } => {
                let (value, median, z) = (n(*value), n(*local_median), n(*robust_z));
                if *replaced {
                    text!(language,
                        zh: "{at} 的时段值 {value} 偏离邻近中位数 {median}（稳健 z = {z}）：尖峰，已用中位数代替并标记为估算",
                        en: "the interval at {at}, {value}, is far from its neighbourhood's median {median} (robust z = {z}): a spike, replaced by the median and flagged as estimated")
                } else {
                    text!(language,
                        zh: "{at} 的时段值 {value} 偏离邻近中位数 {median}（稳健 z = {z}）：尖峰，已标记（累计表码总量不变）",
                        en: "the interval at {at}, {value}, is far from its neighbourhood's median {median} (robust z = {z}): a spike, flagged (the register's total is unchanged)")
                }
            }
        }
    }
}

impl Localize for ChartKind {
    fn localize(&self, language: Language) -> String {
        match self {
            ChartKind::MonthlySec => {
                text!(language, zh: "各月单位产量能耗与同类产线中位数", en: "SEC by month beside the peer median")
            }
            ChartKind::BaselineFit => {
                text!(language, zh: "日能耗与产量的基线拟合", en: "daily energy against output with the baseline")
            }
            ChartKind::Cusum => {
                text!(language, zh: "实际与预期能耗差的累积和（CUSUM）", en: "CUSUM of actual minus expected energy")
            }
        }
    }
}

impl Localize for Evidence {
    fn localize(&self, language: Language) -> String {
        match self {
            Evidence::LineSec { line, energy_kwh, production_units, sec_kwh_per_unit } => {
                let (energy, units, sec) = (kwh(*energy_kwh), whole(*production_units), n(*sec_kwh_per_unit));
                text!(language,
                    zh: "{line}：能耗 {energy}，产量 {units}，单位产量能耗 {sec} kWh/件",
                    en: "{line}: {energy} for {units} units, {sec} kWh per unit")
            }
            Evidence::EquipmentSec { line, equipment, energy_kwh, kwh_per_unit } => {
                let (equipment, energy, sec) = (equipment.localize(language), kwh(*energy_kwh), n(*kwh_per_unit));
                text!(language,
                    zh: "{line} 的{equipment}：{energy}，{sec} kWh/件",
                    en: "{line} {equipment}: {energy}, {sec} kWh per unit")
            }
            Evidence::BaselineFit {
                line,
                intercept_kwh,
                slope_kwh_per_unit,
                r_squared,
                cv_rmse,
                nmbe,
                n_observations,
            } => {
                let (intercept, slope, r2, cv, nmbe) =
                    (n(*intercept_kwh), n(*slope_kwh_per_unit), n(*r_squared), percent(*cv_rmse), percent(*nmbe));
                text!(language,
                    zh: "{line} 的日基线：E = {intercept} + {slope}·P kWh（R² = {r2}，CV(RMSE) = {cv}，NMBE = {nmbe}，{n_observations} 天）",
                    en: "{line} daily baseline: E = {intercept} + {slope}·P kWh (R² = {r2}, CV(RMSE) = {cv}, NMBE = {nmbe}, {n_observations} days)")
            }
            Evidence::SavingArithmetic {
                sec_difference_kwh_per_unit,
                production_units,
                n_days,
                grid_factor_t_co2e_per_mwh,
                grid_factor_source,
            } => {
                let (difference, units, factor) =
                    (n(*sec_difference_kwh_per_unit), whole(*production_units), n(*grid_factor_t_co2e_per_mwh));
                text!(language,
                    zh: "节能量 = {difference} kWh/件 × {units} 件（{n_days} 天，按 365 天折算）；排放 = kWh ÷ 1000 × {factor} t CO2e/MWh（{grid_factor_source}）",
                    en: "saving = {difference} kWh per unit × {units} units ({n_days} days, scaled to 365); emissions = kWh ÷ 1000 × {factor} t CO2e/MWh ({grid_factor_source})")
            }
            Evidence::Chart { chart, line } => {
                let chart = chart.localize(language);
                text!(language, zh: "图：{line} {chart}", en: "chart: {line} {chart}")
            }
        }
    }
}

impl Localize for FindingKind {
    fn localize(&self, language: Language) -> String {
        match self {
            FindingKind::SecGap {
                line,
                sku,
                output_unit,
                sec_kwh_per_unit,
                peer_median_kwh_per_unit,
                gap_fraction,
                target_line,
                target_kwh_per_unit,
            } => {
                let output_unit = self::output_unit(output_unit, language);
                let (sec, median, gap, target) = (
                    n(*sec_kwh_per_unit),
                    n(*peer_median_kwh_per_unit),
                    percent(*gap_fraction),
                    n(*target_kwh_per_unit),
                );
                text!(language,
                    zh: "{line} 生产 {sku} 的单位产量能耗为 {sec} kWh/{output_unit}，比同类产线中位数 {median} 高 {gap}；按最佳产线 {target_line} 的 {target} kWh/{output_unit} 计算节能潜力",
                    en: "{line} uses {sec} kWh per {output_unit} of {sku}, {gap} more than the median of its peers ({median}); the saving is counted at the best line, {target_line}, with {target} kWh per {output_unit}")
            }
            FindingKind::GapAtEquipment {
                line,
                equipment,
                meters,
                kwh_per_unit,
                target_kwh_per_unit,
                target_line,
                share_of_gap,
                recommendation,
            } => {
                let (equipment, here, there, share) =
                    (equipment.localize(language), n(*kwh_per_unit), n(*target_kwh_per_unit), percent(*share_of_gap));
                let meters = meters.join(", ");
                let recommendation = recommendation.localize(language);
                text!(language,
                    zh: "差距出在{equipment}（表 {meters}）：{line} 为 {here} kWh/件，{target_line} 为 {there} kWh/件，占单耗差距的 {share}。建议：{recommendation}",
                    en: "the gap appears at the {equipment} (meters {meters}): {here} kWh per unit on {line} against {there} on {target_line}, {share} of the gap. Recommended: {recommendation}")
            }
            FindingKind::NonProductionLoad { line, kwh_per_day, share_of_energy } => {
                let (load, share) = (n(*kwh_per_day), percent(*share_of_energy));
                text!(language,
                    zh: "{line} 的非生产负荷（基线常数项 β0）为每天 {load} kWh，占该线能耗的 {share}",
                    en: "{line}'s non-production load (the baseline's β0) is {load} kWh a day, {share} of the line's energy")
            }
            FindingKind::CusumAlarm { line, direction, from, alarm_on, last_alarm_on, n_alarms, excess_kwh } => {
                let (direction, excess) = (direction.localize(language), kwh(excess_kwh.abs()));
                if *n_alarms > 1 {
                    text!(language,
                        zh: "{line} 的能耗自 {from} 起持续{direction}基线预期，CUSUM 在 {alarm_on} 至 {last_alarm_on} 间报警 {n_alarms} 次（累计偏差 {excess}）",
                        en: "{line}'s energy has stayed {direction} the baseline's expectation since {from}; the CUSUM alarm went off {n_alarms} times from {alarm_on} to {last_alarm_on} ({excess} in all)")
                } else {
                    text!(language,
                        zh: "{line} 的能耗自 {from} 起持续{direction}基线预期，CUSUM 于 {alarm_on} 报警（累计偏差 {excess}）",
                        en: "{line}'s energy has stayed {direction} the baseline's expectation since {from}; the CUSUM alarm went off on {alarm_on} ({excess} in all)")
                }
            }
            FindingKind::UnexplainedDays { line, n_days, worst_day, worst_excess_kwh, worst_robust_z } => {
                // The size of the gap and its direction in words: "more by −1,238 kWh" reads as nonsense.
                let (excess, z) = (kwh(worst_excess_kwh.abs()), figure(*worst_robust_z, 3));
                if *worst_excess_kwh < 0.0 {
                    text!(language,
                        zh: "{line} 有 {n_days} 天的能耗无法由产量（及气象）解释（稳健 z 值超过 3.5）；偏差最大的是 {worst_day}：实测比基线预期少 {excess}（z = {z}），请核查当天的运行记录或计量表",
                        en: "{line} has {n_days} days whose energy its output (and weather) do not explain (robust z above 3.5); the largest is {worst_day}: {excess} less than the baseline expects (z = {z}); check that day's operating log or the meter")
                } else {
                    text!(language,
                        zh: "{line} 有 {n_days} 天的能耗无法由产量（及气象）解释（稳健 z 值超过 3.5）；偏差最大的是 {worst_day}：实测比基线预期多 {excess}（z = {z}），请核查当天的运行记录或计量表",
                        en: "{line} has {n_days} days whose energy its output (and weather) do not explain (robust z above 3.5); the largest is {worst_day}: {excess} more than the baseline expects (z = {z}); check that day's operating log or the meter")
                }
            }
            FindingKind::BaselineCriteriaMissed { line, checks } => {
                let checks: Vec<String> = checks.iter().map(|check| check.localize(language)).collect();
                let checks = checks.join(text!(language, zh: "；", en: "; ").as_str());
                text!(language,
                    zh: "{line} 的基线未达到 ASHRAE Guideline 14 要求：{checks}；用它计算的节能量不可靠",
                    en: "{line}'s baseline misses ASHRAE Guideline 14: {checks}; savings computed with it are not reliable")
            }
            FindingKind::BaselineNotFitted { line, error } => {
                let error = error.localize(language);
                text!(language, zh: "{line} 无法建立基线：{error}", en: "no baseline for {line}: {error}")
            }
            FindingKind::VerifiedSavings { line, savings } => {
                let (saved, uncertainty, confidence) =
                    (kwh(savings.savings_kwh), kwh(savings.uncertainty_kwh), percent(savings.confidence));
                let (adjusted, reporting) = (kwh(savings.adjusted_baseline_kwh), kwh(savings.reporting_kwh));
                text!(language,
                    zh: "{line} 报告期节能量 {saved} ± {uncertainty}（{confidence} 置信度；基线调整值 {adjusted}，实测 {reporting}）",
                    en: "{line} saved {saved} ± {uncertainty} in the reporting period ({confidence} confidence; adjusted baseline {adjusted}, measured {reporting})")
            }
            FindingKind::EstimatedData { meter, n_estimated, n_intervals, n_events } => {
                let share = percent(*n_estimated as f64 / (*n_intervals).max(1) as f64);
                text!(language,
                    zh: "表 {meter} 的 {n_intervals} 个时段中有 {n_estimated} 个（{share}）为估算值（共 {n_events} 条清洗记录）",
                    en: "{n_estimated} of meter {meter}'s {n_intervals} intervals ({share}) are estimated ({n_events} cleaning decisions recorded)")
            }
        }
    }
}

impl Localize for ProblemKind {
    fn localize(&self, language: Language) -> String {
        match self {
            ProblemKind::NotText => {
                text!(language, zh: "文件既不是 UTF-8 也不是 GBK 文本", en: "the file is neither UTF-8 nor GBK text")
            }
            // The reader's description is English: a Chinese reader gets its kind and what it expected instead.
            ProblemKind::TomlSyntax { detail } => {
                let syntax = tanji_footprint::TomlSyntax::of_description(detail).localize(language);
                let expected = crate::footprint::toml_expected(detail)
                    .map(|expected| text!(language, zh: "（此处应为 {expected}）", en: ""))
                    .unwrap_or_default();
                text!(language, zh: "TOML 语法错误：{syntax}{expected}", en: "the TOML cannot be read: {detail}")
            }
            ProblemKind::Required => text!(language, zh: "缺少必填项", en: "required, but missing"),
            ProblemKind::UpstreamMeterRefused { problem } => problem.localize(language),
            ProblemKind::UnknownLayout { header } => {
                let header = header.join(",");
                text!(language, zh: "表头 `{header}` 既不是长表也不是宽表", en: "the header `{header}` is neither the long nor the wide layout")
            }
            ProblemKind::WrongCellCount { expected, found } => text!(language,
                zh: "应有 {expected} 个单元格，实有 {found} 个", en: "{found} cells where {expected} were expected"),
            ProblemKind::NotANumber { value } => {
                text!(language, zh: "“{value}”不是数字", en: "“{value}” is not a number")
            }
            ProblemKind::NotPositive { value } => {
                let value = n(*value);
                text!(language, zh: "{value} 必须大于零", en: "{value} must be greater than zero")
            }
            ProblemKind::Negative { value } => {
                let value = n(*value);
                text!(language, zh: "{value} 不能为负", en: "{value} cannot be negative")
            }
            ProblemKind::NotATimestamp { value } => {
                text!(language, zh: "“{value}”不是时间", en: "“{value}” is not a timestamp")
            }
            ProblemKind::NotADate { value } => text!(language, zh: "“{value}”不是日期", en: "“{value}” is not a date"),
            ProblemKind::NotAnOffset { value } => {
                text!(language, zh: "“{value}”不是 UTC 偏移", en: "“{value}” is not a UTC offset")
            }
            ProblemKind::NotOneOf { value, choices } => {
                let choices = choices.join(", ");
                text!(language, zh: "“{value}”不是可选值之一（{choices}）", en: "“{value}” is not one of {choices}")
            }
            ProblemKind::DuplicateId { id } => text!(language, zh: "编号 {id} 重复", en: "the id {id} is used twice"),
            ProblemKind::UnknownMeter { meter, .. } => {
                text!(language, zh: "站点文件中没有表 {meter}", en: "the site file has no meter {meter}")
            }
            ProblemKind::UnknownLine { line, .. } => {
                text!(language, zh: "站点文件中没有产线 {line}", en: "the site file has no line {line}")
            }
            ProblemKind::UnknownArea { area } => {
                text!(language, zh: "站点文件中没有区域 {area}", en: "the site file has no area {area}")
            }
            ProblemKind::MissingKwhPerUnit { unit } => text!(language,
                zh: "以 {unit} 计量的表需要给出每 {unit} 的能量（kwh_per_unit）", en: "a meter counting {unit} needs its energy per {unit} (kwh_per_unit)"),
            ProblemKind::SkuMismatch { sku, expected } => text!(language,
                zh: "产品 {sku} 与站点文件中该线的产品 {expected} 不符", en: "the SKU {sku} is not the line's product in the site file, {expected}"),
            ProblemKind::IntervalNotDividingDay { minutes } => text!(language,
                zh: "计量间隔 {minutes} 分钟不能整除一天", en: "a metering interval of {minutes} minutes does not divide a day"),
            ProblemKind::RangeReversed { first, last } => text!(language,
                zh: "起始日 {first} 晚于结束日 {last}", en: "the first day {first} is after the last day {last}"),
            ProblemKind::DuplicateDay { day } => {
                text!(language, zh: "日期 {day} 出现了两次", en: "the day {day} is given twice")
            }
            ProblemKind::TemperatureOutOfRange { value } => text!(language,
                zh: "温度 {value} °C 超出可信范围", en: "the temperature {value} °C is outside any plausible range"),
            ProblemKind::MoreProblems { n_more } => text!(language,
                zh: "另有 {n_more} 个问题未列出", en: "{n_more} more problems are not listed"),
        }
    }
}

/// What to do about a problem, when there is something specific to say.
pub fn hint(kind: &ProblemKind, language: Language) -> Option<String> {
    Some(match kind {
        ProblemKind::NotText => {
            text!(language, zh: "另存为 UTF-8 或 GBK 编码的 CSV", en: "save the file as UTF-8 or GBK CSV")
        }
        ProblemKind::TomlSyntax { .. } => {
            text!(language, zh: "对照 docs/energy-file.md 检查该行", en: "check that line against docs/energy-file.md")
        }
        ProblemKind::UnknownLayout { .. } => text!(language,
            zh: "长表表头为 `meter,timestamp,value`；宽表第一列为 `timestamp`，其余列为表编号",
            en: "the long layout's header is `meter,timestamp,value`; the wide layout starts with `timestamp` followed by meter ids"),
        ProblemKind::NotATimestamp { .. } => text!(language,
            zh: "写成 2025-01-01 00:15（站点时区）或 2025-01-01T00:15:00+08:00",
            en: "write 2025-01-01 00:15 (site time) or 2025-01-01T00:15:00+08:00"),
        ProblemKind::NotADate { .. } | ProblemKind::RangeReversed { .. } => {
            text!(language, zh: "写成 2025-01-31", en: "write 2025-01-31")
        }
        ProblemKind::NotAnOffset { .. } => text!(language, zh: "写成 +08:00", en: "write +08:00"),
        ProblemKind::UnknownMeter { suggestion: Some(suggestion), .. }
        | ProblemKind::UnknownLine { suggestion: Some(suggestion), .. } => {
            text!(language, zh: "是否应为 {suggestion}？", en: "did you mean {suggestion}?")
        }
        ProblemKind::UpstreamMeterRefused { .. } => text!(language,
            zh: "上级表须是站点文件中同一能源种类、且不在本表下级的另一块表",
            en: "the upstream meter must be another meter of the site file, of the same carrier and not below this one"),
        ProblemKind::UnknownMeter { .. } => {
            text!(language, zh: "在站点文件的 [[meters]] 中添加该表", en: "add the meter to the site file's [[meters]]")
        }
        ProblemKind::UnknownLine { .. } => {
            text!(language, zh: "在站点文件的 [[lines]] 中添加该线", en: "add the line to the site file's [[lines]]")
        }
        ProblemKind::MissingKwhPerUnit { .. } => text!(language,
            zh: "填写有出处的低位发热量或蒸汽焓值折算的 kWh/单位",
            en: "give kWh per unit from a net calorific value or steam enthalpy with its source"),
        ProblemKind::IntervalNotDividingDay { .. } => text!(language, zh: "常用 15 或 60", en: "15 or 60 are usual"),
        ProblemKind::DuplicateDay { .. } => {
            text!(language, zh: "每天只写一行日平均气温", en: "give one row per day with its mean temperature")
        }
        ProblemKind::TemperatureOutOfRange { .. } => text!(language,
            zh: "写日平均气温，单位 °C（不是 °F，也不是 0.1 °C）",
            en: "give the daily mean in °C (not °F, nor tenths of a degree)"),
        _ => return None,
    })
}

/// One problem as people read it: "readings.csv, row 7, column value: … \n  hint: …".
pub fn file_problem_text(problem: &FileProblem, language: Language) -> String {
    let file = &problem.file;
    let mut text = match problem.row {
        Some(row) => text!(language, zh: "{file}，第 {row} 行", en: "{file}, row {row}"),
        None => file.clone(),
    };
    if !problem.field.is_empty() {
        let field = &problem.field;
        text.push_str(&text!(language, zh: "，{field}", en: ", {field}"));
    }
    let reason = problem.kind.localize(language);
    text.push_str(&text!(language, zh: "：{reason}", en: ": {reason}"));
    if let Some(hint) = hint(&problem.kind, language) {
        text.push_str(&text!(language, zh: "\n  提示：{hint}", en: "\n  hint: {hint}"));
    }
    text
}

impl Localize for IngestProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            IngestProblem::NotText => {
                text!(language, zh: "文件既不是 UTF-8 也不是 GBK 文本", en: "the file is neither UTF-8 nor GBK text")
            }
            IngestProblem::HeaderUnreadable => text!(language, zh: "无法读取表头", en: "the header cannot be read"),
            IngestProblem::WrongHeader { header } => text!(language,
                zh: "表头为 `{header}`，不是 `meter,timestamp,value`",
                en: "the header is `{header}`, not `meter,timestamp,value`"),
            IngestProblem::NoReadings => text!(language, zh: "文件中没有读数", en: "the file has no readings"),
            IngestProblem::WrongCellCount { found } => text!(language,
                zh: "该行有 {found} 个单元格，应为 3 个", en: "the row has {found} cells where 3 were expected"),
            IngestProblem::RowUnreadable => {
                text!(language, zh: "该行无法按 CSV 读取", en: "the row cannot be read as CSV")
            }
            IngestProblem::Required => text!(language, zh: "缺少必填项", en: "required, but missing"),
            IngestProblem::NotAString => {
                text!(language, zh: "应为文本（JSON 字符串）", en: "must be text (a JSON string)")
            }
            IngestProblem::NotANumber { value } => {
                text!(language, zh: "“{value}”不是数字", en: "“{value}” is not a number")
            }
            IngestProblem::QuotedNumber { value } => text!(language,
                zh: "“{value}”是文本（JSON 字符串），不是数字", en: "“{value}” is text (a JSON string), not a number"),
            IngestProblem::NotFinite => text!(language, zh: "数值不是有限的数", en: "the value is not a finite number"),
            IngestProblem::MeterCodeTooLong { max_chars } => text!(language,
                zh: "表编号太长，最多 {max_chars} 个字符", en: "a meter code has at most {max_chars} characters"),
            IngestProblem::MeterCodeCharacters { meter } => text!(language,
                zh: "表编号“{meter}”含有不允许的字符", en: "the meter code “{meter}” has characters a code cannot have"),
            IngestProblem::NotATime { value } => {
                text!(language, zh: "“{value}”不是时间", en: "“{value}” is not a time")
            }
            IngestProblem::NoUtcOffset { value } => text!(language,
                zh: "“{value}”没有写明与 UTC 的偏移", en: "“{value}” has no offset from UTC"),
            IngestProblem::TimeOutOfRange { value } => {
                text!(language, zh: "时间“{value}”超出范围", en: "the time “{value}” is out of range")
            }
            IngestProblem::NotAnOffset { value } => text!(language,
                zh: "“{value}”不是与 UTC 的偏移", en: "“{value}” is not an offset from UTC"),
            IngestProblem::UnknownMeter { meter } => text!(language,
                zh: "本组织没有编号为 {meter} 的表", en: "your organisation has no meter {meter}"),
        }
    }
}

/// What to do about a problem of readings being stored, when there is something specific to say.
pub fn ingest_hint(problem: &IngestProblem, language: Language) -> Option<String> {
    Some(match problem {
        IngestProblem::NotText => text!(language,
            zh: "另存为 UTF-8 或 GBK 编码的 CSV（Excel 的“CSV (逗号分隔)”）",
            en: "save it as CSV UTF-8, or as Excel's “CSV (逗号分隔)”"),
        IngestProblem::HeaderUnreadable | IngestProblem::WrongHeader { .. } => text!(language,
            zh: "第一行须恰好为 `meter,timestamp,value`（见 docs/energy-ingestion.md）",
            en: "the first row must be exactly `meter,timestamp,value` (see docs/energy-ingestion.md)"),
        IngestProblem::NoReadings => text!(language,
            zh: "在表头 `meter,timestamp,value` 之后每行写一个读数",
            en: "after the header `meter,timestamp,value` give one reading per row"),
        IngestProblem::WrongCellCount { .. } => {
            text!(language, zh: "每行写三项：`meter,timestamp,value`", en: "give three cells: `meter,timestamp,value`")
        }
        IngestProblem::RowUnreadable => text!(language, zh: "检查该行的引号", en: "check its quotes"),
        IngestProblem::NotAString => {
            text!(language, zh: "加上引号发送，如 \"L2-HEATER-01\"", en: "send it in quotes, e.g. \"L2-HEATER-01\"")
        }
        IngestProblem::NotANumber { .. } => text!(language,
            zh: "写成 1523.75 这样的数，不带单位和千位分隔符",
            en: "write it like 1523.75, without units or thousands separators"),
        IngestProblem::QuotedNumber { .. } => {
            text!(language, zh: "发送不带引号的数，如 12.5", en: "send the number without quotes, e.g. 12.5")
        }
        IngestProblem::MeterCodeCharacters { .. } => text!(language,
            zh: "只用字母 A–Z、数字和 . _ -，如 L2-HEATER-01",
            en: "use letters A–Z, digits and . _ - only, e.g. L2-HEATER-01"),
        IngestProblem::NotATime { .. } => text!(language,
            zh: "写成 2026-03-02T08:15:00+08:00",
            en: "write it as 2026-03-02T08:15:00+08:00"),
        IngestProblem::NoUtcOffset { .. } => text!(language,
            zh: "在时间中写明偏移，如 2026-03-02T08:15:00+08:00；文件中是本地时间时，用 `tanji energy import --timezone +08:00` 说明时区",
            en: "write the offset in the time, e.g. 2026-03-02T08:15:00+08:00; for a file of local times, state the zone with `tanji energy import --timezone +08:00`"),
        IngestProblem::TimeOutOfRange { .. } => text!(language, zh: "检查日期", en: "check the date"),
        IngestProblem::NotAnOffset { .. } => {
            text!(language, zh: "写成 +08:00（中国）、-05:00 或 Z", en: "write it as +08:00 (China), -05:00 or Z")
        }
        IngestProblem::UnknownMeter { .. } => text!(language,
            zh: "先登记该表（POST /api/v1/energy/meters），或更正表编号",
            en: "register the meter first (POST /api/v1/energy/meters), or correct its code"),
        IngestProblem::Required | IngestProblem::NotFinite | IngestProblem::MeterCodeTooLong { .. } => return None,
    })
}

/// One problem of an import file as people read it: "readings.csv, row 7, value: “12 kWh” is not a number
/// \n  hint: …". `row` counts the header as row 1, as spreadsheets do.
pub fn import_problem_text(
    file: &str,
    row: usize,
    field: ReadingField,
    problem: &IngestProblem,
    language: Language,
) -> String {
    let mut text = text!(language, zh: "{file}，第 {row} 行", en: "{file}, row {row}");
    let column = field.column_name();
    if !column.is_empty() {
        text.push_str(&text!(language, zh: "，{column}", en: ", {column}"));
    }
    let reason = problem.localize(language);
    text.push_str(&text!(language, zh: "：{reason}", en: ": {reason}"));
    if let Some(hint) = ingest_hint(problem, language) {
        text.push_str(&text!(language, zh: "\n    提示：{hint}", en: "\n    hint: {hint}"));
    }
    text
}

/// One refused item of a batch of readings, as the API's `message` says it: "readings[3].ts: “x” is not a time;
/// write it as …".
pub fn batch_item_text(index: usize, field: ReadingField, problem: &IngestProblem, language: Language) -> String {
    let place = match field.api_name() {
        "" => format!("readings[{index}]"),
        name => format!("readings[{index}].{name}"),
    };
    let reason = problem.localize(language);
    let mut text = text!(language, zh: "{place}：{reason}", en: "{place}: {reason}");
    if let Some(hint) = ingest_hint(problem, language) {
        text.push_str(&text!(language, zh: "；{hint}", en: "; {hint}"));
    }
    text
}

/// The answer's summary for a refused production batch, in the request's language.
pub fn production_batch_refused_text(n_refused: usize, language: Language) -> String {
    text!(language,
        zh: "该批中有 {n_refused} 条产量数据有误，全部未保存；改正后重新发送整批",
        en: "{n_refused} count(s) of the batch are wrong; nothing was saved. Fix them and send the batch again")
}

/// What a refused readings batch says as a whole, in the request's language.
pub fn batch_refused_text(n_refused: usize, language: Language) -> String {
    match (language, n_refused) {
        (Language::SimplifiedChinese, _) => {
            format!("该批中有 {n_refused} 条读数有误，全部未保存；改正后重新发送整批")
        }
        (Language::English, 1) => {
            "1 reading of the batch is wrong; nothing was saved. Fix it and send the batch again".to_owned()
        }
        (Language::English, _) => {
            format!("{n_refused} readings of the batch are wrong; nothing was saved. Fix them and send the batch again")
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn output_units_are_in_the_readers_words() {
        assert_eq!(super::output_unit("cup", Language::SimplifiedChinese), "杯");
        assert_eq!(super::output_unit("Cups", Language::SimplifiedChinese), "杯");
        assert_eq!(super::output_unit("杯", Language::English), "cup");
        assert_eq!(super::output_unit("cup", Language::English), "cup");
        // Units that are not a count of items are the user's, as written.
        assert_eq!(super::output_unit("万只", Language::English), "万只");
        assert_eq!(super::output_unit("kg", Language::SimplifiedChinese), "kg");
        let finding = FindingKind::SecGap {
            line: "L2".into(),
            sku: "CUP-9OZ-PE".into(),
            output_unit: "cup".into(),
            sec_kwh_per_unit: 0.013,
            peer_median_kwh_per_unit: 0.010,
            gap_fraction: 0.3,
            target_line: "L1".into(),
            target_kwh_per_unit: 0.010,
        };
        assert!(finding.chinese().contains("kWh/杯"), "{}", finding.chinese());
        assert!(!finding.chinese().contains("cup"), "{}", finding.chinese());
    }

    #[test]
    fn a_day_below_its_baseline_says_less_not_more_by_a_negative_figure() {
        let below = FindingKind::UnexplainedDays {
            line: "L2".into(),
            n_days: 46,
            worst_day: jiff::civil::date(2026, 3, 5),
            worst_excess_kwh: -1238.0,
            worst_robust_z: -6.94,
        };
        assert!(below.chinese().contains("实测比基线预期少 1,238 kWh"), "{}", below.chinese());
        assert!(below.english().contains("1,238 kWh less than the baseline expects"), "{}", below.english());
        assert!(!below.english().contains("-1,238"), "{}", below.english());
    }

    #[test]
    fn metered_notes_are_read_in_every_stored_form_and_shown_in_the_readers_language() {
        let notes =
            MeteredNotes { n_readings: 2976, n_intervals: 2975, n_estimated: 3, n_days_with_data: 30, n_days: 31 };
        // The English sentence rows were stored with before the code (handover.rs wrote it until the code).
        let legacy = "metered: 2976 readings, 2975 intervals (3 estimated), 30 of 31 days";
        for stored in [notes.code(), legacy.to_owned(), notes.chinese()] {
            assert_eq!(super::activity_notes(&stored, Language::English), legacy, "{stored}");
            let chinese = super::activity_notes(&stored, Language::SimplifiedChinese);
            assert_eq!(chinese, "计量：2976 个读数，2975 个时段（其中 3 个为估算值），30 天有数据（共 31 天）");
            assert_eq!(crate::latin_sentences(&chinese), Vec::<String>::new());
        }
        // The user's own notes, even with five numbers, are theirs.
        for own in ["meter 1 2 3 4 5", "按 2025 年发票", ""] {
            assert_eq!(super::activity_notes(own, Language::SimplifiedChinese), own);
        }
    }

    use super::*;
    use crate::latin_sentences;

    #[test]
    fn kwh_are_grouped_by_thousands() {
        assert_eq!(kwh(302_627.6), "302,628 kWh");
        assert_eq!(kwh(-1234.0), "-1,234 kWh");
        assert_eq!(kwh(12.0), "12 kWh");
    }

    #[test]
    fn every_handover_error_reads_in_both_languages() {
        let (first, last) = ("2025-01-01".parse().unwrap(), "2025-01-31".parse().unwrap());
        let errors = [
            HandoverError::UnknownLine { line: "L9".into(), known: "L1, L2".into() },
            HandoverError::NoEnergyData { line: "L1".into(), first, last },
            HandoverError::NoOutput { line: "L1".into(), first, last },
            HandoverError::EmptyPeriod { first: last, last: first },
            HandoverError::NoMeteredOutput { sku: "CUP".into(), first, last, unmetered_lines: String::new() },
            HandoverError::NoMeteredOutput { sku: "CUP".into(), first, last, unmetered_lines: "L3".into() },
        ];
        for error in errors {
            let chinese = error.localize(Language::SimplifiedChinese);
            assert_eq!(latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
            let english = error.localize(Language::English);
            assert!(english.is_ascii(), "{english}");
            assert_ne!(chinese, english);
        }
        let problems = [
            ParentProblem::SameMeter { meter: "M1".into() },
            ParentProblem::DifferentKind {
                meter: "L1-drive".into(),
                kind: tanji_energy::model::MeterKind::Electricity,
                parent: "G-main".into(),
                parent_kind: tanji_energy::model::MeterKind::NaturalGas,
            },
            ParentProblem::Loop { meter: "A".into(), parent: "B".into(), path: "A → B → A".into() },
            ParentProblem::NotPlaced { meter: "NO-SUCH".into() },
        ];
        for problem in problems {
            let chinese = problem.localize(Language::SimplifiedChinese);
            assert_eq!(latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
            assert_ne!(chinese, problem.localize(Language::English));
        }
        let month = ElectricityMonth {
            month: "2025-06".into(),
            record: "meter:RH-HY:electricity:kWh:2025-06".into(),
            quantity_kwh: 601_500.0,
            supersedes: vec![tanji_energy::supersede::SupersededRecord {
                record: "elec-2025-06".into(),
                data_source: tanji_inventory::DataSourceKind::ProductionMonthlyReport,
                period_start: first,
                period_end: last,
            }],
            factor: "mee-nbs-2022-grid-cn-grid-east".into(),
            factor_origin: SettingOrigin::Inherited { record: "elec-2025-06".into() },
            market_factor: None,
            market_factor_origin: SettingOrigin::NotSet,
            covered_by_instruments_kwh: 100_000.0,
            coverage_origin: SettingOrigin::Stated,
            coverage_not_inherited: Some(tanji_energy::supersede::CoverageNotInherited {
                record: "elec-2025".into(),
                covered: 1_200_000.0,
                unit: "kWh".into(),
            }),
        };
        let chinese = month.localize(Language::SimplifiedChinese);
        assert_eq!(latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
        assert!(
            chinese.contains("取代 elec-2025-06（生产月报）") && chinese.contains("沿用 elec-2025-06"),
            "{chinese}"
        );
        assert_eq!(
            month.localize(Language::English),
            "2025-06: metered 601,500 kWh supersedes elec-2025-06 (production monthly report); grid factor \
             mee-nbs-2022-grid-cn-grid-east (inherited from elec-2025-06); no market factor; instruments cover 100,000 \
             kWh (stated); the instruments of elec-2025 (1,200,000 kWh) cover another period and are not split into \
             months: state this month's coverage"
        );
        let no_output = HandoverError::NoOutput { line: "L1".into(), first, last };
        assert_eq!(
            no_output.localize(Language::English),
            "line L1 has energy but no recorded output from 2025-01-01 to 2025-01-31, so no energy per unit exists: \
             import its production first"
        );
    }

    #[test]
    fn every_finding_reads_in_chinese_without_english_sentences() {
        let findings = [
            FindingKind::SecGap {
                line: "L2".into(),
                sku: "CUP".into(),
                output_unit: "cup".into(),
                sec_kwh_per_unit: 0.0134,
                peer_median_kwh_per_unit: 0.0103,
                gap_fraction: 0.29,
                target_line: "L1".into(),
                target_kwh_per_unit: 0.0103,
            },
            FindingKind::GapAtEquipment {
                line: "L2".into(),
                equipment: Equipment::Heater,
                meters: vec!["L2-heater".into()],
                kwh_per_unit: 0.008,
                target_kwh_per_unit: 0.005,
                target_line: "L1".into(),
                share_of_gap: 0.98,
                recommendation: Recommendation::ReviewHeaterSetPoint,
            },
            FindingKind::NonProductionLoad { line: "L1".into(), kwh_per_day: 96.0, share_of_energy: 0.034 },
            FindingKind::BaselineNotFitted { line: "L1".into(), error: FitError::Collinear },
        ];
        for finding in findings {
            let chinese = finding.chinese();
            assert_eq!(latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
            assert_ne!(chinese, finding.english());
        }
    }

    #[test]
    fn an_episode_of_cusum_alarms_reads_as_one_finding_with_its_count_days_and_total() {
        let alarms = |n_alarms: usize, last_alarm_on: &str| FindingKind::CusumAlarm {
            line: "L2".into(),
            direction: tanji_energy::cusum::Direction::Decrease,
            from: "2025-09-01".parse().unwrap(),
            alarm_on: "2025-09-05".parse().unwrap(),
            last_alarm_on: last_alarm_on.parse().unwrap(),
            n_alarms,
            excess_kwh: -123_456.7,
        };
        let episode = alarms(21, "2025-12-30");
        assert_eq!(
            episode.chinese(),
            "L2 的能耗自 2025-09-01 起持续低于基线预期，CUSUM 在 2025-09-05 至 2025-12-30 间报警 21 次（累计偏差 123,457 kWh）"
        );
        assert_eq!(
            episode.english(),
            "L2's energy has stayed below the baseline's expectation since 2025-09-01; the CUSUM alarm went off 21 \
             times from 2025-09-05 to 2025-12-30 (123,457 kWh in all)"
        );
        assert!(alarms(1, "2025-09-05").english().contains("went off on 2025-09-05"));
    }

    #[test]
    fn a_file_problem_names_file_row_field_and_fix() {
        let problem = FileProblem {
            file: "readings.csv".into(),
            row: Some(7),
            field: "meter".into(),
            kind: ProblemKind::UnknownMeter { meter: "L1-haeter".into(), suggestion: Some("L1-heater".into()) },
        };
        assert_eq!(
            file_problem_text(&problem, Language::English),
            "readings.csv, row 7, meter: the site file has no meter L1-haeter\n  hint: did you mean L1-heater?"
        );
        assert_eq!(
            file_problem_text(&problem, Language::SimplifiedChinese),
            "readings.csv，第 7 行，meter：站点文件中没有表 L1-haeter\n  提示：是否应为 L1-heater？"
        );
    }

    #[test]
    fn every_ingest_problem_reads_in_both_languages_with_no_english_in_chinese() {
        let problems = [
            IngestProblem::NotText,
            IngestProblem::HeaderUnreadable,
            IngestProblem::WrongHeader { header: "meter,time,value".into() },
            IngestProblem::NoReadings,
            IngestProblem::WrongCellCount { found: 2 },
            IngestProblem::RowUnreadable,
            IngestProblem::Required,
            IngestProblem::NotAString,
            IngestProblem::NotANumber { value: "12 kWh".into() },
            IngestProblem::QuotedNumber { value: "10".into() },
            IngestProblem::NotFinite,
            IngestProblem::MeterCodeTooLong { max_chars: 64 },
            IngestProblem::MeterCodeCharacters { meter: "L 1".into() },
            IngestProblem::NotATime { value: "soon".into() },
            IngestProblem::NoUtcOffset { value: "2026-03-02 08:15".into() },
            IngestProblem::TimeOutOfRange { value: "9999-12-31T23:59:59-14:00".into() },
            IngestProblem::NotAnOffset { value: "Asia/Shanghai".into() },
            IngestProblem::UnknownMeter { meter: "L9".into() },
        ];
        for problem in &problems {
            for field in [ReadingField::Meter, ReadingField::Timestamp, ReadingField::Value, ReadingField::Row] {
                let chinese = import_problem_text("读数.csv", 3, field, problem, Language::SimplifiedChinese);
                assert_eq!(latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
                let chinese = batch_item_text(3, field, problem, Language::SimplifiedChinese);
                assert_eq!(latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
            }
            assert_ne!(problem.chinese(), problem.english());
        }
        assert_eq!(latin_sentences(&batch_refused_text(2, Language::SimplifiedChinese)), Vec::<String>::new());
    }

    #[test]
    fn an_import_problem_names_file_row_column_and_fix() {
        let problem = IngestProblem::NotANumber { value: "12 kWh".into() };
        assert_eq!(
            import_problem_text("r.csv", 3, ReadingField::Value, &problem, Language::English),
            "r.csv, row 3, value: “12 kWh” is not a number\n    hint: write it like 1523.75, without units or thousands separators"
        );
        assert_eq!(
            import_problem_text("r.csv", 3, ReadingField::Value, &problem, Language::SimplifiedChinese),
            "r.csv，第 3 行，value：“12 kWh”不是数字\n    提示：写成 1523.75 这样的数，不带单位和千位分隔符"
        );
        let time = IngestProblem::NotATime { value: "x".into() };
        assert_eq!(
            batch_item_text(3, ReadingField::Timestamp, &time, Language::English),
            "readings[3].ts: “x” is not a time; write it as 2026-03-02T08:15:00+08:00"
        );
        assert_eq!(
            batch_item_text(3, ReadingField::Timestamp, &time, Language::SimplifiedChinese),
            "readings[3].ts：“x”不是时间；写成 2026-03-02T08:15:00+08:00"
        );
    }

    #[test]
    fn a_site_file_toml_error_is_read_in_chinese_without_the_parsers_english() {
        let problem = ProblemKind::TomlSyntax { detail: "missing comma between array elements, expected `,`".into() };
        assert_eq!(problem.chinese(), "TOML 语法错误：元素之间缺少逗号（此处应为 `,`）");
        assert!(problem.english().contains("missing comma between array elements"));
    }
}
