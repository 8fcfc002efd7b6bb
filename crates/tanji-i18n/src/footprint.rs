//! Product footprints (`tanji-footprint`): model problems with their fixes, and the notes on a result.

use tanji_footprint::{
    AmountOf, Expected, LineFormula, LoopStepNamed, NodeName, Note, Origin, Problem, ProblemKind, SupplierAmount,
    TextProblem, TomlSyntax, UncertaintyReason, UnsolvableReason, figure,
};

use crate::{Language, Localize, text};

/// Where a problem is, for people: `line 12, processes[0].factors[1].amount` or just the path.
pub fn location(problem: &Problem, language: Language) -> String {
    let path = &problem.path;
    match problem.line {
        Some(line) => text!(language, zh: "第 {line} 行，{path}", en: "line {line}, {path}"),
        None => path.clone(),
    }
}

/// "line 12" / "第 12 行".
pub fn line(line: usize, language: Language) -> String {
    text!(language, zh: "第 {line} 行", en: "line {line}")
}

/// A problem's fix, in the reader's language.
pub struct Hint<'a>(pub &'a ProblemKind);

impl Localize for Problem {
    fn localize(&self, language: Language) -> String {
        self.kind.localize(language)
    }
}

fn quoted_list(items: &[String]) -> String {
    items.iter().map(|item| format!("“{item}”")).collect::<Vec<_>>().join(", ")
}

fn did_you_mean(suggestion: &Option<String>, language: Language) -> String {
    match suggestion {
        Some(suggestion) => text!(language, zh: "（是否想写“{suggestion}”？）", en: " (did you mean “{suggestion}”?)"),
        None => String::new(),
    }
}

impl Localize for Expected {
    fn localize(&self, language: Language) -> String {
        match self {
            Expected::Number => text!(language, zh: "数字", en: "a number"),
            Expected::WholeNumber => text!(language, zh: "整数", en: "a whole number"),
            Expected::Text => text!(language, zh: "带引号的文本", en: "text in quotes"),
            Expected::TrueOrFalse => text!(language, zh: "true 或 false", en: "true or false"),
            Expected::Table => text!(language, zh: "表（[…] 或 {{ … }}）", en: "a table ([…] or {{ … }})"),
            Expected::List => text!(language, zh: "列表 [ … ]", en: "a list [ … ]"),
            Expected::Other => text!(language, zh: "另一种类型的值", en: "a value of another type"),
        }
    }
}

impl Localize for TextProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            TextProblem::Required => text!(language, zh: "不能为空", en: "is required"),
            TextProblem::TooLong => text!(language, zh: "太长", en: "is too long"),
            TextProblem::ForbiddenCharacters => {
                text!(language, zh: "含有不允许的字符", en: "contains characters that are not allowed")
            }
            TextProblem::Malformed => text!(language, zh: "格式不对", en: "is not in the expected form"),
        }
    }
}

impl Localize for UncertaintyReason {
    fn localize(&self, language: Language) -> String {
        match self {
            UncertaintyReason::NonFinite { parameter } => {
                text!(language, zh: "{parameter} 不是有限的数字", en: "the {parameter} is not a finite number")
            }
            UncertaintyReason::GeometricSdBelowOne { geometric_sd } => {
                let geometric_sd = figure(*geometric_sd);
                text!(language,
                    zh: "几何标准差至少为 1（1 表示没有离散），但这里是 {geometric_sd}；小于 1 通常是把 1/GSD 或 σ 当成了 GSD = exp(σ)",
                    en: "the geometric standard deviation must be at least 1 (1 means no spread), but it is {geometric_sd}; a GSD below 1 is usually 1/GSD or σ given instead of GSD = exp(σ)")
            }
            UncertaintyReason::LognormalOfZero => text!(language,
                zh: "对数正态分布需要非零的数量（即其中位数），但数量为 0",
                en: "a lognormal distribution needs a non-zero amount (its median), but the amount is 0"),
            UncertaintyReason::NegativeSd { sd } => {
                let sd = figure(*sd);
                text!(language, zh: "标准差不能为负，但这里是 {sd}", en: "the standard deviation must not be negative, but it is {sd}")
            }
            UncertaintyReason::EmptyRange { min, max } => {
                let (min, max) = (figure(*min), figure(*max));
                text!(language, zh: "最小值（{min}）必须小于最大值（{max}）", en: "the minimum ({min}) must be below the maximum ({max})")
            }
            UncertaintyReason::ModeOutsideRange { min, mode, max } => {
                let (min, mode, max) = (figure(*min), figure(*mode), figure(*max));
                text!(language,
                    zh: "众数（{mode}）必须在最小值（{min}）和最大值（{max}）之间",
                    en: "the mode ({mode}) must lie between the minimum ({min}) and the maximum ({max})")
            }
            UncertaintyReason::AmountOutsideRange { amount, min, max } => {
                let (amount, min, max) = (figure(*amount), figure(*min), figure(*max));
                text!(language,
                    zh: "数量（{amount}）不在分布的范围 [{min}, {max}] 内",
                    en: "the amount ({amount}) lies outside the distribution's range [{min}, {max}]")
            }
            UncertaintyReason::PedigreeScore { indicator, score } => text!(language,
                zh: "谱系矩阵指标 {indicator} 的评分必须是 1 到 5 的整数，但这里是 {score}",
                en: "the {indicator} score must be 1, 2, 3, 4 or 5, but it is {score}"),
            UncertaintyReason::DataQualityRating { indicator, rating } => {
                let rating = figure(*rating);
                text!(language,
                    zh: "数据质量指标 {indicator} 的评分必须在 1 到 5 之间，但这里是 {rating}",
                    en: "the {indicator} data-quality rating must be from 1 to 5, but it is {rating}")
            }
        }
    }
}

fn loop_steps(steps: &[LoopStepNamed], language: Language) -> String {
    let parts: Vec<String> = steps
        .iter()
        .map(|step| {
            let (consumer, provider, path) = (&step.consumer, &step.provider, &step.path);
            let units = figure(step.units_per_unit);
            if step.consumer == step.provider {
                text!(language,
                    zh: "每单位“{consumer}”需要 {units} 单位它自己的产品（{path}）",
                    en: "each unit of “{consumer}” needs {units} units of its own product ({path})")
            } else {
                text!(language,
                    zh: "每单位“{consumer}”需要 {units} 单位“{provider}”（{path}）",
                    en: "each unit of “{consumer}” needs {units} units of “{provider}” ({path})")
            }
        })
        .collect();
    parts.join(text!(language, zh: "，", en: ", ").as_str())
}

impl Localize for Origin {
    fn localize(&self, language: Language) -> String {
        match self {
            Origin::Fossil => text!(language, zh: "化石", en: "fossil"),
            Origin::Biogenic => text!(language, zh: "生物源", en: "biogenic"),
            Origin::LandUseChange => text!(language, zh: "土地利用变化", en: "land-use change"),
        }
    }
}

impl Localize for LineFormula {
    /// One exchange's arithmetic; numbers and units are the same in both languages.
    fn localize(&self, language: Language) -> String {
        match self {
            LineFormula::Emission { kg_gas, gas, gwp, kg_co2e } => {
                let (kg_gas, gwp, kg_co2e) = (figure(*kg_gas), figure(*gwp), figure(*kg_co2e));
                text!(language,
                    zh: "{kg_gas} kg {gas} × GWP {gwp} = {kg_co2e} kg CO2e",
                    en: "{kg_gas} kg {gas} × GWP {gwp} = {kg_co2e} kg CO2e")
            }
            LineFormula::Exchange { amount, unit, kg_co2e_per_unit, kg_co2e, entered } => {
                let (amount, per_unit, kg_co2e) = (figure(*amount), figure(*kg_co2e_per_unit), figure(*kg_co2e));
                let formula = text!(language,
                    zh: "{amount} {unit} × {per_unit} kg CO2e/{unit} = {kg_co2e} kg CO2e",
                    en: "{amount} {unit} × {per_unit} kg CO2e/{unit} = {kg_co2e} kg CO2e");
                match entered {
                    Some(entered) => text!(language,
                        zh: "{formula}（每次运行录入：{entered}）",
                        en: "{formula} (entered per run: {entered})"),
                    None => formula,
                }
            }
            LineFormula::Legacy { text } => text.clone(),
        }
    }
}

impl Localize for NodeName {
    /// A supply-tree node's name: names from the model as written, the engine's words in `language`.
    fn localize(&self, language: Language) -> String {
        match self {
            NodeName::Process { process, product: None } => process.clone(),
            NodeName::Process { process, product: Some(product) } => {
                text!(language, zh: "{process}（{product}）", en: "{process} ({product})")
            }
            NodeName::Factor { factor, description } if description.is_empty() => factor.clone(),
            NodeName::Factor { description, .. } => description.clone(),
            NodeName::Supplier { name_zh, name_en } => match language {
                Language::SimplifiedChinese if !name_zh.trim().is_empty() => name_zh.clone(),
                Language::English if !name_en.trim().is_empty() => name_en.clone(),
                _ => {
                    if name_zh.trim().is_empty() {
                        name_en.clone()
                    } else {
                        name_zh.clone()
                    }
                }
            },
            NodeName::Emission { gas, origin } => {
                let origin = origin.localize(language);
                text!(language, zh: "{gas}（{origin}）", en: "{gas} ({origin})")
            }
            NodeName::FoldedBelowCutOff { n_items } => text!(language,
                zh: "另有 {n_items} 项低于截断阈值（已折叠）",
                en: "{n_items} more below the cut-off"),
            NodeName::Legacy { text } => text.clone(),
        }
    }
}

impl Localize for UnsolvableReason {
    fn localize(&self, language: Language) -> String {
        match self {
            UnsolvableReason::NoReferenceProduction => text!(language,
                zh: "这些过程的参考产品没有产出（产出量为零）",
                en: "no reference product comes from these processes (zero output)"),
            UnsolvableReason::StructurallySingular => text!(language,
                zh: "技术圈矩阵结构奇异：某些产品无人生产",
                en: "the technosphere matrix is structurally singular: some product is made by no process"),
            UnsolvableReason::NumericallySingular => text!(language,
                zh: "技术圈矩阵数值奇异，结果不是有限值",
                en: "the technosphere matrix is numerically singular: the results are not finite"),
            UnsolvableReason::IllConditioned { condition_lower_bound } => {
                let condition = crate::inventory::figure(*condition_lower_bound, 2);
                text!(language,
                    zh: "系统病态（条件数至少为 {condition}），结果不可信",
                    en: "the system is ill-conditioned (condition number at least {condition}); the results cannot be trusted")
            }
            UnsolvableReason::Inaccurate { relative_residual } => {
                let residual = crate::inventory::figure(*relative_residual, 2);
                text!(language,
                    zh: "求解不准确（相对残差 {residual}）",
                    en: "the solve is inaccurate (relative residual {residual})")
            }
            UnsolvableReason::Factorisation { cause } => {
                let cause = cause.localize(language);
                text!(language, zh: "矩阵分解失败：{cause}", en: "the factorisation failed: {cause}")
            }
            UnsolvableReason::NotConverged { steps, relative_residual } => {
                let residual = crate::inventory::figure(*relative_residual, 2);
                text!(language,
                    zh: "迭代求解未收敛：{steps} 步后相对残差为 {residual}",
                    en: "the iterative solve did not converge: relative residual {residual} after {steps} steps")
            }
            UnsolvableReason::UnproductiveLoop { loop_gain } => {
                let gain = crate::inventory::figure(*loop_gain, 4);
                text!(language,
                    zh: "过程互相供应，形成的循环没有净产出（循环增益 {gain}，不小于 1）",
                    en: "processes supply each other in a loop that produces nothing net (loop gain {gain}, at least 1)")
            }
            UnsolvableReason::ProductOutOfRange { product, n_products } => text!(language,
                zh: "没有产品 {product}（系统共有 {n_products} 个产品）",
                en: "there is no product {product} (the system has {n_products} products)"),
            UnsolvableReason::SampleNotSolvable { iteration } => text!(language,
                zh: "蒙特卡洛第 {iteration} 次抽样得到的系统无法求解",
                en: "the system drawn in Monte Carlo iteration {iteration} cannot be solved"),
            UnsolvableReason::NoIterations => {
                text!(language, zh: "蒙特卡洛分析至少需要一次迭代", en: "a Monte Carlo analysis needs at least one iteration")
            }
            UnsolvableReason::EmptyDemand => text!(language,
                zh: "参考流的数量为零，无法求解",
                en: "the reference flow's amount is zero, so there is nothing to solve for"),
        }
    }
}

/// What a TOML parser's description says it expected, as code a Chinese reader can use without the English around
/// it: "missing comma between array elements, expected `,`" gives "`,`"; "…, expected `]`, `,`" gives
/// "`]` 或 `,`". `None` when the parser expected something it describes in words ("a value"), which would be
/// English on a Chinese page.
pub fn toml_expected(detail: &str) -> Option<String> {
    let (_, after) = detail.rsplit_once(", expected ")?;
    let items: Vec<&str> = after.trim().split(", ").collect();
    let literal = |item: &&str| item.len() > 2 && item.starts_with('`') && item.ends_with('`');
    items.iter().all(literal).then(|| items.join(" 或 "))
}

impl Localize for TomlSyntax {
    fn localize(&self, language: Language) -> String {
        match self {
            TomlSyntax::InvalidString => {
                text!(language, zh: "字符串的引号没有闭合，或含有无效的转义", en: "a string is not closed or has an invalid escape")
            }
            TomlSyntax::UnquotedText => {
                text!(language, zh: "文字值须放在双引号中", en: "text values must be in double quotes")
            }
            TomlSyntax::UnclosedBracket => {
                text!(language, zh: "方括号或花括号没有闭合", en: "a bracket or brace is not closed")
            }
            TomlSyntax::MissingComma => {
                text!(language, zh: "元素之间缺少逗号", en: "a comma is missing between elements")
            }
            TomlSyntax::ExtraComma => text!(language, zh: "多了一个逗号", en: "there is a comma too many"),
            TomlSyntax::MissingValue => {
                text!(language, zh: "键后缺少“=”和值", en: "a key has no “=” and value")
            }
            TomlSyntax::InvalidKey => text!(language, zh: "键名无效", en: "a key is not valid"),
            TomlSyntax::DuplicateKey => text!(language, zh: "同一个键出现了两次", en: "a key appears twice"),
            TomlSyntax::InvalidNumber => text!(language,
                zh: "数字的写法无效（如前导零、位置不对的 _ 或正负号）",
                en: "a number is written in a way TOML does not allow (leading zero, misplaced _ or sign)"),
            TomlSyntax::Other => text!(language, zh: "无法解析这一行", en: "this line cannot be parsed"),
        }
    }
}

impl Localize for ProblemKind {
    fn localize(&self, language: Language) -> String {
        match self {
            // The parser's description is English: an English reader gets it, a Chinese reader its kind and the
            // characters the parser expected there.
            ProblemKind::TomlSyntax { syntax, detail } => {
                let syntax = syntax.localize(language);
                let expected = toml_expected(detail)
                    .map(|expected| text!(language, zh: "（此处应为 {expected}）", en: ""))
                    .unwrap_or_default();
                text!(language, zh: "TOML 语法错误：{syntax}{expected}", en: "TOML syntax error: {detail}")
            }
            ProblemKind::WrongType { key, expected, found } => {
                let expected = expected.localize(language);
                text!(language, zh: "“{key}”应为{expected}，但写的是 {found}", en: "“{key}” must be {expected}, not {found}")
            }
            ProblemKind::MissingKey { key } => text!(language, zh: "缺少“{key}”", en: "“{key}” is missing"),
            ProblemKind::UnknownKey { key, suggestion, .. } => {
                let hint = did_you_mean(suggestion, language);
                text!(language, zh: "没有名为“{key}”的字段{hint}", en: "there is no field “{key}”{hint}")
            }
            ProblemKind::UnknownValue { key, value, suggestion, allowed } => {
                let hint = did_you_mean(suggestion, language);
                let allowed = quoted_list(allowed);
                text!(language,
                    zh: "“{key}”不能是“{value}”{hint}；可以是：{allowed}",
                    en: "“{key}” cannot be “{value}”{hint}; write one of {allowed}")
            }
            ProblemKind::TomlOther { detail } => {
                text!(language, zh: "此处的值无法读取", en: "the file cannot be read: {detail}")
            }
            ProblemKind::NotUtf8 => text!(language, zh: "文件不是 UTF-8 文本", en: "the file is not UTF-8 text"),
            ProblemKind::UnknownGwpSet { given } => {
                text!(language, zh: "没有名为“{given}”的 GWP 集", en: "there is no GWP set “{given}”")
            }
            ProblemKind::DuplicateProcessId { id } => {
                text!(language, zh: "过程编号“{id}”用了两次", en: "process id “{id}” is used twice")
            }
            ProblemKind::ProcessMakesNothing { id } => {
                text!(language, zh: "过程“{id}”没有产出", en: "process “{id}” makes nothing")
            }
            ProblemKind::OutputAmountNotPositive { amount } => {
                let amount = figure(*amount);
                text!(language, zh: "产出数量必须为正数，而不是 {amount}", en: "the output amount must be positive, not {amount}")
            }
            ProblemKind::UnknownUnit { unit, suggestion } => {
                let hint = did_you_mean(suggestion, language);
                text!(language, zh: "“{unit}”不是可识别的单位{hint}", en: "“{unit}” is not a unit tanji knows{hint}")
            }
            ProblemKind::NegativeAmount { amount, of } => {
                let amount = figure(*amount);
                match of {
                    AmountOf::Input => {
                        text!(language, zh: "投入量不能为负（{amount}）", en: "an input cannot be negative ({amount})")
                    }
                    AmountOf::FactorActivity => text!(language,
                        zh: "活动量不能为负（{amount}）", en: "an activity amount cannot be negative ({amount})"),
                    AmountOf::TransportMass => text!(language,
                        zh: "运输质量不能为负（{amount} kg）", en: "a transported mass cannot be negative ({amount} kg)"),
                    AmountOf::TransportDistance => text!(language,
                        zh: "运输距离不能为负（{amount} km）", en: "a distance cannot be negative ({amount} km)"),
                    AmountOf::Recycling => text!(language,
                        zh: "送去回收的质量不能为负（{amount} kg）", en: "material sent to recycling cannot be negative ({amount} kg)"),
                    AmountOf::AllocationKey => text!(language,
                        zh: "分配依据的数值不能为负（{amount}）", en: "an allocation property cannot be negative ({amount})"),
                }
            }
            ProblemKind::ProductMadeTwice { product } => {
                text!(language, zh: "产品“{product}”由不止一个过程生产", en: "product “{product}” is made by more than one process")
            }
            ProblemKind::DuplicateSupplierId { id } => text!(language,
                zh: "“{id}”已经是某个产品或另一个供应商足迹的编号",
                en: "“{id}” is already the id of a product or another supplier footprint"),
            ProblemKind::UnknownProduct { product, suggestion } => {
                let hint = did_you_mean(suggestion, language);
                text!(language,
                    zh: "没有过程生产“{product}”，也没有这个编号的供应商足迹{hint}",
                    en: "no process makes “{product}” and no supplier footprint has that id{hint}")
            }
            ProblemKind::UnknownFactor { factor, suggestion } => {
                let hint = did_you_mean(suggestion, language);
                text!(language, zh: "因子库中没有“{factor}”{hint}", en: "no factor “{factor}” in the library{hint}")
            }
            ProblemKind::UnitMismatch { from, to } => {
                text!(language, zh: "此处需要 {to}，不能用 {from}", en: "{from} cannot be used where {to} is expected")
            }
            ProblemKind::EmissionNotANumber => text!(language, zh: "排放量不是数字", en: "the amount is not a number"),
            ProblemKind::UnknownGas { gas, suggestion } => {
                let hint = did_you_mean(suggestion, language);
                text!(language, zh: "没有气体“{gas}”的 GWP 值{hint}", en: "no GWP is known for gas “{gas}”{hint}")
            }
            ProblemKind::NegativeEmission { gas, kg } => {
                let kg = figure(*kg);
                text!(language,
                    zh: "{gas} 排放为负（{kg} kg）：只有生物源 CO2 可以为负（吸收）",
                    en: "a negative emission of {gas} ({kg} kg): only biogenic CO2 may be negative (an uptake)")
            }
            ProblemKind::UnknownReferenceProcess { process, suggestion } => {
                let hint = did_you_mean(suggestion, language);
                text!(language, zh: "没有过程“{process}”{hint}", en: "there is no process “{process}”{hint}")
            }
            ProblemKind::InvalidUncertainty { reason } => reason.localize(language),
            ProblemKind::GwpUnavailable { gas, set: Some(set) } => {
                text!(language, zh: "{set} 未给出 {gas} 的 GWP", en: "{set} gives no GWP for {gas}")
            }
            ProblemKind::GwpUnavailable { gas, set: None } => {
                text!(language, zh: "没有“{gas}”的 GWP 值", en: "no GWP is known for “{gas}”")
            }
            ProblemKind::FactorNotCharacterised { factor, gas: Some(gas), set: Some(set) } => text!(language,
                zh: "因子 {factor} 无法换算为 CO2e：{set} 未给出 {gas} 的 GWP",
                en: "factor {factor} cannot be characterised: {set} gives no GWP for {gas}"),
            ProblemKind::FactorNotCharacterised { factor, gas: Some(gas), set: None } => text!(language,
                zh: "因子 {factor} 无法换算为 CO2e：没有“{gas}”的 GWP 值",
                en: "factor {factor} cannot be characterised: no GWP is known for “{gas}”"),
            ProblemKind::FactorNotCharacterised { factor, gas: None, .. } => text!(language,
                zh: "因子 {factor} 没有任何数值，无法换算为 CO2e",
                en: "factor {factor} has no values to characterise"),
            ProblemKind::SystemInvalid { error } => {
                let error = error.localize(language);
                text!(language, zh: "无法组成产品系统矩阵：{error}", en: "the product system cannot be formed: {error}")
            }
            ProblemKind::InvalidSku { problem, .. } => {
                let problem = problem.localize(language);
                text!(language, zh: "SKU {problem}", en: "the SKU {problem}")
            }
            ProblemKind::InvalidName { field, problem, .. } => {
                let problem = problem.localize(language);
                text!(language, zh: "名称 {field} {problem}", en: "the name {field} {problem}")
            }
            ProblemKind::DeclaredUnitNotPositive { amount } => {
                let amount = figure(*amount);
                text!(language, zh: "声明单位的数量必须为正数，而不是 {amount}", en: "the declared unit amount must be positive, not {amount}")
            }
            ProblemKind::MassNegative { mass_kg } => {
                let mass_kg = figure(*mass_kg);
                text!(language,
                    zh: "每声明单位的质量必须为零或正数，而不是 {mass_kg} kg",
                    en: "the mass per declared unit must be zero or positive, not {mass_kg} kg")
            }
            ProblemKind::NotADate { value, .. } => {
                text!(language, zh: "“{value}”不是日期", en: "“{value}” is not a date")
            }
            ProblemKind::PeriodEndsBeforeStart => {
                text!(language, zh: "参考期的结束早于开始", en: "the reference period ends before it starts")
            }
            ProblemKind::TreeThresholdOutOfRange { percent } => {
                let percent = figure(*percent);
                text!(language,
                    zh: "供应树折叠阈值必须在 0 到 100 之间，而不是 {percent}",
                    en: "the supply-tree threshold must be between 0 and 100, not {percent}")
            }
            ProblemKind::ExemptedLimitOutOfRange { percent } => {
                let percent = figure(*percent);
                text!(language,
                    zh: "豁免份额上限必须在 0 到 100 之间，而不是 {percent}",
                    en: "the exempted share limit must be between 0 and 100, not {percent}")
            }
            ProblemKind::ExemptionEstimateNegative { estimate_kg_co2e } => {
                let estimate = figure(*estimate_kg_co2e);
                text!(language, zh: "估计值必须为零或正数，而不是 {estimate}", en: "the estimate must be zero or positive, not {estimate}")
            }
            ProblemKind::ExemptionWithoutReason => {
                text!(language, zh: "豁免项需要说明理由", en: "an exempted item needs a reason")
            }
            ProblemKind::QualityRatingOutOfRange { rating } => {
                text!(language, zh: "数据质量评分必须是 1 到 5，而不是 {rating}", en: "a data-quality rating must be 1 to 5, not {rating}")
            }
            ProblemKind::SupplierEmissionNegative { amount, value } => {
                let value = figure(*value);
                let field = match amount {
                    SupplierAmount::Fossil => text!(language, zh: "化石排放", en: "fossil emissions"),
                    SupplierAmount::BiogenicEmissions => text!(language, zh: "生物源排放", en: "biogenic emissions"),
                    SupplierAmount::LandUseChange => {
                        text!(language, zh: "土地利用变化排放", en: "land-use change emissions")
                    }
                };
                text!(language, zh: "{field}必须为零或正数，而不是 {value}", en: "{field} must be zero or positive, not {value}")
            }
            ProblemKind::SupplierRemovalPositive { value } => {
                let value = figure(*value);
                text!(language,
                    zh: "生物源清除量写为负数（或零），而不是 {value}",
                    en: "biogenic removals are written as a negative number (or zero), not {value}")
            }
            ProblemKind::SupplierWithoutSource => {
                text!(language, zh: "供应商足迹需要注明来源", en: "a supplier footprint needs its source")
            }
            ProblemKind::AllocationOnSingleOutput => {
                text!(language, zh: "只有一个产出的过程不需要分配", en: "a process with one output needs no allocation")
            }
            ProblemKind::NoAllocationData { process, n_outputs } => text!(language,
                zh: "过程“{process}”有 {n_outputs} 个产出，但没有分配数据",
                en: "process “{process}” has {n_outputs} outputs but no allocation data"),
            ProblemKind::AllocationPropertyMissing { method } => {
                let method = allocation_method(method, language);
                text!(language, zh: "{method}分配需要每个产出都给出该属性", en: "{method} allocation needs that property on every output")
            }
            ProblemKind::AllocationSkipsHierarchy { method, preferred } => {
                let method = allocation_method(method, language);
                let preferred = allocation_method(preferred, language);
                text!(language,
                    zh: "已给出{preferred}数据，却使用{method}分配",
                    en: "{method} allocation skips {preferred} allocation although its data are given")
            }
            ProblemKind::AllocationValuesNotPositive { method } => {
                let method = allocation_method(method, language);
                text!(language, zh: "各产出的{method}数值必须为正", en: "the outputs' {method} values must be positive")
            }
            ProblemKind::DeclaredUnitsDiffer { product_amount, product_unit, baseline_amount, baseline_unit } => {
                let (product_amount, baseline_amount) = (figure(*product_amount), figure(*baseline_amount));
                text!(language,
                    zh: "产品按 {product_amount} {product_unit} 声明，基准产品按 {baseline_amount} {baseline_unit}",
                    en: "the product is declared per {product_amount} {product_unit} but the baseline per {baseline_amount} {baseline_unit}")
            }
            ProblemKind::GwpSetsDiffer { product, baseline } => text!(language,
                zh: "产品使用 {product}，基准产品使用 {baseline}",
                en: "the product uses {product} but the baseline {baseline}"),
            ProblemKind::UnproductiveLoop { processes, steps, cycle_gain, .. } => {
                let steps_text = loop_steps(steps, language);
                let gain = figure(*cycle_gain);
                let first = steps.first().map(|step| step.consumer.clone()).unwrap_or_default();
                let names = quoted_list(processes);
                if steps.len() == 1 && steps[0].consumer == steps[0].provider {
                    text!(language,
                        zh: "过程“{first}”用掉的自身产品不少于它的产出：{steps_text}，净产出为零或负，无法得到非负解",
                        en: "process “{first}” uses at least as much of its own product as it makes: {steps_text}; it produces nothing net, so there is no non-negative solution")
                } else {
                    text!(language,
                        zh: "过程 {names} 互相供应，形成的循环没有净产出：{steps_text}；因此每单位“{first}”经循环需要 {gain} 单位“{first}”，无法得到非负解",
                        en: "processes {names} supply each other in a loop that produces nothing net: {steps_text}; so each unit of “{first}” needs {gain} units of “{first}” through the loop, and there is no non-negative solution")
                }
            }
            ProblemKind::Unsolvable { processes, reason } => {
                let reason = reason.localize(language);
                if processes.is_empty() {
                    text!(language, zh: "产品系统无法求解：{reason}", en: "the product system cannot be solved: {reason}")
                } else {
                    let names = quoted_list(processes);
                    text!(language,
                        zh: "产品系统无法求解，涉及过程 {names}：{reason}",
                        en: "the product system cannot be solved; processes involved: {names} ({reason})")
                }
            }
            ProblemKind::NegativeSupply { processes } => {
                let names = quoted_list(processes);
                text!(language,
                    zh: "过程 {names} 需要运行负的次数，结果会是负的碳足迹，因此不予计算",
                    en: "processes {names} would run a negative number of times, which would give a negative footprint, so nothing is reported")
            }
            ProblemKind::Text { message, .. } => message.clone(),
        }
    }
}

/// An allocation method's key (`mass`, `energy`, `economic`) in words.
pub fn allocation_method(key: &str, language: Language) -> String {
    match key {
        "mass" => text!(language, zh: "质量", en: "mass"),
        "energy" => text!(language, zh: "能量", en: "energy"),
        "economic" => text!(language, zh: "经济价值", en: "economic"),
        "subdivision" => text!(language, zh: "过程细分", en: "subdivision"),
        other => other.to_owned(),
    }
}

/// A unit symbol as a reader of `language` writes it after a number: the counted-item unit (`unit`, which models
/// write in English) is "个" in Chinese ("1 个"); every other symbol (kg, kWh, m³) is the same in both languages.
pub fn unit_symbol(symbol: &str, language: Language) -> String {
    match (symbol, language) {
        ("unit" | "units", Language::SimplifiedChinese) => "个".to_owned(),
        _ => symbol.to_owned(),
    }
}

/// Why a process needs no allocation: the modeller split it from another process (ISO 14067's first choice).
pub fn subdivided_from(parent: &str, language: Language) -> String {
    match language {
        Language::SimplifiedChinese => format!("由过程“{parent}”细分而来"),
        Language::English => format!("subdivided from “{parent}”"),
    }
}

impl Localize for Hint<'_> {
    fn localize(&self, language: Language) -> String {
        match self.0 {
            ProblemKind::TomlSyntax { .. } => text!(language,
                zh: "检查这一行的引号、括号和等号；格式见 docs/footprint-file.md",
                en: "check the quotes, brackets and = on this line; see docs/footprint-file.md"),
            ProblemKind::WrongType { expected, .. } => match expected {
                tanji_footprint::Expected::Number => text!(language,
                    zh: "写数字，不加引号和单位，例如 amount = 0.35",
                    en: "write a number without quotes or unit, e.g. amount = 0.35"),
                tanji_footprint::Expected::Text => text!(language,
                    zh: "把值放在双引号中，例如 unit = \"kg\"", en: "put the value in double quotes, e.g. unit = \"kg\""),
                _ => {
                    text!(language, zh: "格式见 docs/footprint-file.md", en: "see docs/footprint-file.md for the format")
                }
            },
            ProblemKind::MissingKey { key } => {
                text!(language, zh: "在这一节中加上 {key} = …", en: "add {key} = … to this section")
            }
            ProblemKind::UnknownKey { allowed, .. } => {
                let allowed = allowed.join(", ");
                text!(language, zh: "可用的字段：{allowed}", en: "the fields here are: {allowed}")
            }
            ProblemKind::UnknownValue { .. } => {
                text!(language, zh: "从所列值中选一个", en: "choose one of the values listed")
            }
            ProblemKind::TomlOther { .. } => {
                text!(language, zh: "格式见 docs/footprint-file.md", en: "see docs/footprint-file.md for the format")
            }
            ProblemKind::NotUtf8 => text!(language, zh: "将文件另存为 UTF-8", en: "save the footprint file as UTF-8"),
            ProblemKind::UnknownGwpSet { .. } => {
                text!(language, zh: "写 AR6、AR5、AR4 或 SAR", en: "write AR6, AR5, AR4 or SAR")
            }
            ProblemKind::DuplicateProcessId { .. } => {
                text!(language, zh: "给每个过程一个不同的编号", en: "give every process its own id")
            }
            ProblemKind::ProcessMakesNothing { .. } => text!(language,
                zh: "至少加一个产出：该过程运行一次生产的产品",
                en: "add at least one output: the product one run of the process makes"),
            ProblemKind::OutputAmountNotPositive { .. } => text!(language,
                zh: "写明该过程运行一次生产多少产品", en: "state how much of the product one run makes"),
            ProblemKind::UnknownUnit { .. } => text!(language,
                zh: "使用 unit、kg、t、kWh、m3、t.km 等单位", en: "use a unit such as unit, kg, t, kWh, m3, t.km"),
            ProblemKind::NegativeAmount { of, .. } => match of {
                AmountOf::Input => text!(language,
                    zh: "投入写为该过程每运行一次消耗的正数；若该过程交出此产品，请把它列为产出",
                    en: "write what one run uses as a positive amount; if the process gives this product away, list it as an output instead"),
                AmountOf::FactorActivity => text!(language,
                    zh: "写该过程每运行一次引起的活动量（如用电 kWh、燃料 kg），为正数；避免的排放不作为负的活动量录入",
                    en: "write the activity one run causes (kWh used, kg of fuel burnt) as a positive amount; avoided emissions are not entered as negative activity"),
                AmountOf::TransportMass => text!(language,
                    zh: "写每次运行运输的质量，单位 kg，为正数", en: "write the mass carried per run, in kg, as a positive number"),
                AmountOf::TransportDistance => text!(language,
                    zh: "写运输距离，单位 km，为正数", en: "write the distance travelled, in km, as a positive number"),
                AmountOf::Recycling => text!(language,
                    zh: "写每次运行送去回收的材料质量（kg），为正数；按截断法回收不产生抵扣",
                    en: "write the kg of material sent to recycling per run, as a positive number; under the cut-off approach recycling earns no credit"),
                AmountOf::AllocationKey => text!(language,
                    zh: "写该产出的质量、能量或收入，为零或正数", en: "give the output's mass, energy or revenue, zero or positive"),
            },
            ProblemKind::ProductMadeTwice { .. } => text!(language,
                zh: "每个产出使用自己的产品编号（一个产品只有一个提供者）",
                en: "give each output its own product id (one provider per product)"),
            ProblemKind::DuplicateSupplierId { .. } => {
                text!(language, zh: "给每个供应商足迹一个不同的编号", en: "give each supplier footprint its own id")
            }
            ProblemKind::UnknownProduct { .. } => text!(language,
                zh: "写另一个过程的产出产品，或添加一个使用此编号的供应商足迹",
                en: "name an output product of another process, or add a supplier footprint with this id"),
            ProblemKind::UnknownFactor { .. } => text!(language,
                zh: "用 `tanji factors search 关键词` 查找并复制编号（可写 编号@版本）",
                en: "search with `tanji factors search WORDS` and copy the id (optionally id@version)"),
            ProblemKind::UnitMismatch { to, .. } => {
                text!(language, zh: "以 {to} 或同类单位填写数量", en: "give the amount in {to} or a unit of the same kind")
            }
            ProblemKind::EmissionNotANumber => text!(language, zh: "写每次运行的排放 kg", en: "write kg per run"),
            ProblemKind::UnknownGas { .. } => text!(language,
                zh: "使用 GWP 表中的气体名，如 CO2、CH4、N2O、HFC-134a",
                en: "use a gas name from the GWP table, e.g. CO2, CH4, N2O, HFC-134a"),
            ProblemKind::NegativeEmission { .. } => text!(language,
                zh: "排放写为正的 kg；吸收记为 gas = \"CO2\"、origin = \"biogenic\" 的负值",
                en: "write emissions as positive kg; record an uptake as gas = \"CO2\", origin = \"biogenic\" with a negative kg"),
            ProblemKind::UnknownReferenceProcess { .. } => text!(language,
                zh: "写出其第一个产出就是本产品的过程（如最终装配或包装）",
                en: "name the process whose first output is the product (e.g. the final assembly or packing)"),
            ProblemKind::InvalidUncertainty { .. } => text!(language,
                zh: "各分布的参数见 docs/footprint-file.md#uncertainty",
                en: "see docs/footprint-file.md#uncertainty for the parameters of each distribution"),
            ProblemKind::GwpUnavailable { .. } | ProblemKind::FactorNotCharacterised { .. } => {
                text!(language, zh: "选择其他因子或 GWP 集", en: "choose another factor or GWP set")
            }
            ProblemKind::SystemInvalid { .. } => text!(language, zh: "检查各数量", en: "check the amounts"),
            ProblemKind::InvalidSku { max_chars, .. } => text!(language,
                zh: "写产品的 SKU 或编号：1–{max_chars} 个字母、数字、空格及 - _ . / # + ( )",
                en: "write the product's SKU or id: 1–{max_chars} letters, digits, spaces and - _ . / # + ( )"),
            ProblemKind::InvalidName { max_chars, .. } => text!(language,
                zh: "填写 name_zh 和 name_en，各为一行，最多 {max_chars} 个字符",
                en: "write name_zh and name_en, each one line of at most {max_chars} characters"),
            ProblemKind::DeclaredUnitNotPositive { .. } => text!(language, zh: "通常为 1", en: "usually 1"),
            ProblemKind::MassNegative { .. } => {
                text!(language, zh: "称量一个声明单位的产品，单位 kg", en: "weigh one declared unit of the product, in kg")
            }
            ProblemKind::NotADate { .. } => {
                text!(language, zh: "写成 YYYY-MM-DD，例如 2025-01-01", en: "write YYYY-MM-DD, e.g. 2025-01-01")
            }
            ProblemKind::PeriodEndsBeforeStart => text!(language, zh: "交换两个日期", en: "swap the dates"),
            ProblemKind::TreeThresholdOutOfRange { .. } => text!(language,
                zh: "低于此份额的供应树分支会被折叠，例如 1", en: "the share below which a branch of the supply tree is folded, e.g. 1"),
            ProblemKind::ExemptedLimitOutOfRange { .. } => {
                text!(language, zh: "PACT 最多允许 5", en: "PACT allows at most 5")
            }
            ProblemKind::ExemptionEstimateNegative { .. } => text!(language,
                zh: "给出该项每声明单位可能增加的排放上限估计",
                en: "give an upper estimate of what the item would add per declared unit"),
            ProblemKind::ExemptionWithoutReason => text!(language,
                zh: "说明可以省略的原因，例如“质量 < 1 %，不含有害成分”",
                en: "say why it may be left out, e.g. “< 1 % of mass, no hazardous content”"),
            ProblemKind::QualityRatingOutOfRange { .. } => text!(language,
                zh: "1 最好（实测、本场所、本年度），5 最差", en: "1 is best (measured, this site, this year), 5 worst"),
            ProblemKind::SupplierEmissionNegative { .. } => text!(language,
                zh: "排放为正数；只有 biogenic_removals_kg_co2e 为负",
                en: "emissions are positive; only biogenic_removals_kg_co2e is negative"),
            ProblemKind::SupplierRemovalPositive { .. } => text!(language,
                zh: "例如每单位吸收 0.8 kg CO2 写 -0.8", en: "e.g. -0.8 for 0.8 kg CO2 taken up per unit"),
            ProblemKind::SupplierWithoutSource => text!(language,
                zh: "写明其来源：PACT 足迹编号、EPD 编号或报告", en: "name the PACT footprint id, EPD number or report it comes from"),
            ProblemKind::AllocationOnSingleOutput => text!(language,
                zh: "删除分配设置，或把副产品列为产出", en: "remove the allocation, or list the co-products as outputs"),
            ProblemKind::NoAllocationData { .. } => text!(language,
                zh: "细分该过程，或给每个产出填写 mass_kg（或 energy_mj、revenue）",
                en: "subdivide the process, or give every output mass_kg (or energy_mj, or revenue)"),
            ProblemKind::AllocationPropertyMissing { .. } => text!(language,
                zh: "给每个产出补上该属性，或换一种方法", en: "add it to every output, or choose another method"),
            ProblemKind::AllocationSkipsHierarchy { .. } => text!(language,
                zh: "ISO 14067 优先采用物理分配；请说明偏离的理由",
                en: "ISO 14067 prefers physical allocation; give the reason for departing from it"),
            ProblemKind::AllocationValuesNotPositive { .. } => {
                text!(language, zh: "检查各产出的分配属性", en: "check the outputs' allocation properties")
            }
            ProblemKind::DeclaredUnitsDiffer { .. } => text!(language,
                zh: "只比较声明单位（及功能）相同的产品", en: "compare products with the same declared unit (and function)"),
            ProblemKind::GwpSetsDiffer { .. } => {
                text!(language, zh: "两者使用同一 GWP 集计算", en: "compute both under the same GWP set")
            }
            ProblemKind::UnproductiveLoop { .. } => text!(language,
                zh: "检查循环中的投入量：它们多半单位有误或是按错误的基准填写（每运行一次，而非每单位产品）；一个循环每转一圈消耗的必须少于它生产的",
                en: "check the inputs in the loop: most often one is in the wrong unit or per the wrong basis (per run, not per unit of product); a loop must consume less than it makes on each round"),
            ProblemKind::Unsolvable { .. } => {
                text!(language, zh: "检查过程之间的投入", en: "check the inputs between processes")
            }
            ProblemKind::NegativeSupply { .. } => text!(language,
                zh: "检查这些过程之间的投入量和产出量", en: "check the input and output amounts between these processes"),
            ProblemKind::Text { hint, .. } => hint.clone(),
        }
    }
}

impl Localize for Note {
    fn localize(&self, language: Language) -> String {
        match self {
            Note::FactorPublishedUnderOtherGwp { factor, published, used } => text!(language,
                zh: "因子 {factor} 只给出按 {published} 计算的 CO2e 总量；虽然本足迹采用 {used}，仍按公布值使用",
                en: "factor {factor} gives only a CO2e total, published under {published}; it is used as published although the footprint states {used}"),
            Note::ProcessNotReached { process, reference } => text!(language,
                zh: "过程“{process}”不在参考过程“{reference}”的供应链中，因此不计入；请把参考过程设为生命周期的最后一个过程（如废弃处置），或用投入把它连起来",
                en: "process “{process}” is not in the supply chain of the reference process “{reference}”, so it adds nothing; make the reference the last process of the life cycle (e.g. end of life) or connect it with an input"),
            Note::ExemptionsOverLimit { percent, limit_percent } => {
                let percent = format!("{percent:.1}");
                let limit = format!("{limit_percent:.1}");
                text!(language,
                    zh: "豁免项估计占 {percent} %，超过截断规则允许的 {limit} %；请对其建模而不是豁免",
                    en: "the exempted items add an estimated {percent} % — more than the {limit} % the cut-off rule allows; model them instead of exempting them")
            }
            Note::Legacy { text } => text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toml_syntax_error_tells_a_chinese_reader_what_was_expected_without_english() {
        let problem = ProblemKind::TomlSyntax {
            syntax: TomlSyntax::of_description("missing comma between array elements, expected `,`"),
            detail: "missing comma between array elements, expected `,`".into(),
        };
        assert_eq!(problem.chinese(), "TOML 语法错误：元素之间缺少逗号（此处应为 `,`）");
        assert_eq!(problem.english(), "TOML syntax error: missing comma between array elements, expected `,`");
        assert_eq!(toml_expected("unclosed array, expected `]`, `,`").as_deref(), Some("`]` 或 `,`"));
        // Expectations the parser words in English are left out rather than shown on a Chinese page.
        assert_eq!(toml_expected("extra assignment between key-value pairs, expected a value"), None);
        assert_eq!(toml_expected("duplicate key"), None);
        let words = ProblemKind::TomlSyntax {
            syntax: TomlSyntax::Other,
            detail: "invalid unquoted key, expected letters, numbers, `-`, `_`".into(),
        };
        assert_eq!(crate::latin_sentences(&words.chinese()), Vec::<String>::new(), "{}", words.chinese());
    }

    fn check_both_languages(message: &dyn Localize) -> String {
        let (zh, en) = (message.chinese(), message.english());
        assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{zh} / {en}");
        assert_eq!(crate::latin_sentences(&zh), Vec::<String>::new(), "English in the Chinese text: {zh}");
        zh
    }

    #[test]
    fn toml_syntax_errors_are_said_by_kind_in_chinese() {
        // Descriptions as `toml_parser` writes them.
        let cases = [
            ("invalid basic string, expected `\"`", TomlSyntax::InvalidString),
            ("string values must be quoted, expected literal string", TomlSyntax::UnquotedText),
            ("unclosed array, expected `]`", TomlSyntax::UnclosedBracket),
            ("missing comma between array elements, expected `,`", TomlSyntax::MissingComma),
            ("extra comma in inline table", TomlSyntax::ExtraComma),
            ("key with no value, expected `=`", TomlSyntax::MissingValue),
            ("invalid unquoted key, expected key", TomlSyntax::InvalidKey),
            ("duplicate key", TomlSyntax::DuplicateKey),
            ("unexpected leading zero", TomlSyntax::InvalidNumber),
            ("cannot recurse further; max recursion depth met", TomlSyntax::Other),
        ];
        for (description, syntax) in cases {
            assert_eq!(TomlSyntax::of_description(description), syntax, "{description}");
            let kind = ProblemKind::TomlSyntax { syntax, detail: description.to_owned() };
            let zh = check_both_languages(&kind);
            assert!(zh.starts_with("TOML 语法错误："), "{zh}");
            assert!(kind.english().ends_with(description), "{}", kind.english());
            check_both_languages(&Hint(&kind));
        }
        let other = ProblemKind::TomlOther { detail: "invalid length 3, expected fewer elements".into() };
        assert_eq!(check_both_languages(&other), "此处的值无法读取");
        check_both_languages(&ProblemKind::NotUtf8);
    }

    #[test]
    fn line_formulas_and_tree_names_are_in_both_languages() {
        let exchange = LineFormula::Exchange {
            amount: 0.0123,
            unit: "kWh".into(),
            kg_co2e_per_unit: 0.5568,
            kg_co2e: 0.00684864,
            entered: Some("0.0123 kWh".into()),
        };
        assert_eq!(
            check_both_languages(&exchange),
            "0.0123 kWh × 0.5568 kg CO2e/kWh = 0.00684864 kg CO2e（每次运行录入：0.0123 kWh）"
        );
        assert!(exchange.english().ends_with(" (entered per run: 0.0123 kWh)"), "{}", exchange.english());
        check_both_languages(&LineFormula::Emission { kg_gas: 0.01, gas: "CH4".into(), gwp: 27.0, kg_co2e: 0.27 });
        let names = [
            NodeName::Process { process: "board".into(), product: Some("纸板".into()) },
            NodeName::Factor { factor: "grid@1".into(), description: String::new() },
            NodeName::Supplier { name_zh: "纸杯原纸".into(), name_en: "Cup stock".into() },
            NodeName::Emission { gas: "CO2".into(), origin: Origin::Biogenic },
            NodeName::FoldedBelowCutOff { n_items: 3 },
        ];
        for name in &names {
            check_both_languages(name);
        }
        assert_eq!(names[3].chinese(), "CO2（生物源）");
        assert_eq!(names[3].english(), "CO2 (biogenic)");
        assert_eq!(names[4].chinese(), "另有 3 项低于截断阈值（已折叠）");
        assert_eq!(names[2].chinese(), "纸杯原纸");
        assert_eq!(names[2].english(), "Cup stock");
        for origin in [Origin::Fossil, Origin::Biogenic, Origin::LandUseChange] {
            check_both_languages(&origin);
        }
    }

    #[test]
    fn a_loop_is_said_in_both_languages_with_its_amounts() {
        let kind = ProblemKind::UnproductiveLoop {
            processes: vec!["left".into(), "right".into()],
            steps: vec![
                LoopStepNamed {
                    consumer: "left".into(),
                    provider: "right".into(),
                    units_per_unit: 2.0,
                    path: "processes[0].inputs[0]".into(),
                },
                LoopStepNamed {
                    consumer: "right".into(),
                    provider: "left".into(),
                    units_per_unit: 0.8,
                    path: "processes[1].inputs[0]".into(),
                },
            ],
            cycle_gain: 1.6000000000000003,
            loop_gain: 1.2649,
        };
        assert_eq!(
            kind.english(),
            "processes “left”, “right” supply each other in a loop that produces nothing net: each unit of “left” \
             needs 2 units of “right” (processes[0].inputs[0]), each unit of “right” needs 0.8 units of “left” \
             (processes[1].inputs[0]); so each unit of “left” needs 1.6 units of “left” through the loop, and there \
             is no non-negative solution"
        );
        assert!(kind.chinese().contains("1.6 单位“left”"), "{}", kind.chinese());
    }

    #[test]
    fn a_negative_amount_gets_the_fix_that_fits_its_activity() {
        let hint = |of| Hint(&ProblemKind::NegativeAmount { amount: -1.0, of }).english();
        assert!(hint(AmountOf::Input).contains("list it as an output"));
        assert!(hint(AmountOf::FactorActivity).contains("kWh used"));
        assert!(hint(AmountOf::Recycling).contains("no credit"));
        assert_ne!(hint(AmountOf::TransportMass), hint(AmountOf::TransportDistance));
    }

    #[test]
    fn chinese_messages_have_no_english_sentences() {
        let kinds = [
            ProblemKind::UnknownFactor { factor: "grdi".into(), suggestion: Some("grid".into()) },
            ProblemKind::MissingKey { key: "amount".into() },
            ProblemKind::WrongType { key: "amount".into(), expected: Expected::Number, found: "\"abc\"".into() },
            ProblemKind::NegativeAmount { amount: -2.0, of: AmountOf::Input },
            ProblemKind::GwpUnavailable { gas: "HFC-23".into(), set: Some("SAR".into()) },
            ProblemKind::GwpUnavailable { gas: "HFC-9".into(), set: None },
            ProblemKind::FactorNotCharacterised {
                factor: "f@1".into(),
                gas: Some("CH4".into()),
                set: Some("AR4".into()),
            },
            ProblemKind::FactorNotCharacterised { factor: "f@1".into(), gas: None, set: None },
            ProblemKind::SystemInvalid {
                error: tanji_lca::SystemError::NonFinite {
                    matrix: tanji_lca::MatrixName::Technosphere,
                    row_idx: 0,
                    col_idx: 1,
                },
            },
            ProblemKind::Unsolvable {
                processes: vec!["board".into()],
                reason: UnsolvableReason::IllConditioned { condition_lower_bound: 3e17 },
            },
            ProblemKind::Unsolvable {
                processes: Vec::new(),
                reason: UnsolvableReason::Factorisation { cause: tanji_lca::FactorisationCause::OutOfMemory },
            },
            ProblemKind::InvalidUncertainty { reason: UncertaintyReason::LognormalOfZero },
        ];
        for kind in kinds {
            let chinese = format!("{} {}", kind.chinese(), Hint(&kind).chinese());
            assert_eq!(crate::latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
            assert!(!chinese.contains("f64"), "{chinese}");
        }
        for reason in [
            UnsolvableReason::NoReferenceProduction,
            UnsolvableReason::StructurallySingular,
            UnsolvableReason::NumericallySingular,
            UnsolvableReason::Inaccurate { relative_residual: 1e-3 },
            UnsolvableReason::Factorisation { cause: tanji_lca::FactorisationCause::IndexOverflow },
            UnsolvableReason::Factorisation { cause: tanji_lca::FactorisationCause::Unnamed },
            UnsolvableReason::NotConverged { steps: 200, relative_residual: 1e-4 },
            UnsolvableReason::UnproductiveLoop { loop_gain: 1.6 },
            UnsolvableReason::ProductOutOfRange { product: 3, n_products: 2 },
            UnsolvableReason::SampleNotSolvable { iteration: 17 },
            UnsolvableReason::NoIterations,
            UnsolvableReason::EmptyDemand,
        ] {
            check_both_languages(&reason);
        }
        assert_eq!(
            ProblemKind::UnknownFactor { factor: "grdi".into(), suggestion: Some("grid".into()) }.english(),
            "no factor “grdi” in the library (did you mean “grid”?)"
        );
    }
}
