//! The energy console's words (能源 pages: analysis, meters, import, live view, measures) in 简体中文 and English.
//!
//! The same discipline as the console's own catalogue (`tanji-server/src/i18n.rs`): one table, Chinese beside
//! English, turned by a macro into a struct with one field per string and one instance per language, so a string
//! missing in either language does not compile. Kept here, beside the engine's messages, so the energy pages are
//! one module tree that the server only mounts.

use crate::Language;

macro_rules! energy_catalogue {
    ($($key:ident: $zh:literal, $en:literal;)*) => {
        /// The energy pages' strings in one language.
        #[derive(Debug)]
        pub struct EnergyText {
            /// The language of these strings.
            pub language: Language,
            $(#[doc = $en] pub $key: &'static str,)*
        }

        /// 简体中文.
        pub static ZH: EnergyText = EnergyText { language: Language::SimplifiedChinese, $($key: $zh,)* };
        /// English.
        pub static EN: EnergyText = EnergyText { language: Language::English, $($key: $en,)* };

        /// Every entry as `(key, Chinese, English)`, for checks over the whole catalogue.
        pub const ENTRIES: &[(&str, &str, &str)] = &[$((stringify!($key), $zh, $en),)*];
    };
}

energy_catalogue! {
    nav_energy: "能源", "Energy";
    tab_analysis: "能效分析", "Analysis";
    tab_meters: "计量表", "Meters";
    tab_import: "导入读数", "Import";
    tab_live: "实时", "Live";
    tab_measures: "节能措施", "Measures";
    energy_title: "能源管理", "Energy";
    energy_intro: "计量表读数、产量与能效分析：单位产量能耗、基线、CUSUM、节能发现与措施验证。", "Meter readings, production and analysis: energy per unit, baselines, CUSUM, findings and verified measures.";
    facility: "设施", "Facility";
    choose_facility: "选择设施", "Choose a facility";
    show: "查看", "Show";
    no_facilities: "还没有设施。请先在“设施”页添加工厂，再为它登记计量表。", "No facilities yet. Add the factory on the Facilities page first, then register its meters.";
    // Analysis.
    analysis_title: "能效分析", "Energy analysis";
    analysis_intro: "按产线比较单位产量能耗，拟合能耗与产量的基线，用 CUSUM 发现偏移，并按节能量排序给出建议。", "Compare energy per unit by line, fit energy against output, watch for shifts with CUSUM, and rank what to do by the saving.";
    analysis_empty: "这个设施还没有可分析的数据：需要产线、挂在产线上的计量表、读数和产量。", "This facility has nothing to analyse yet: it needs lines, meters placed on them, readings and production counts.";
    analysis_empty_next: "先在“计量表”页保存站点设置、建立产线并放置计量表，再导入读数与各产线的产量。", "Save the site settings, build the lines and place the meters on the Meters page, then import readings and each line's production.";
    period: "分析期", "Period";
    baseline_period: "基线期", "Baseline period";
    reporting_period: "报告期", "Reporting period";
    from: "从", "From";
    to: "至", "To";
    not_set: "未设定", "not set";
    line: "产线", "Line";
    product: "产品", "Product";
    energy_kwh: "能耗（kWh）", "Energy (kWh)";
    production_units: "产量", "Output";
    sec: "单位产量能耗", "Energy per unit";
    sec_kwh_per_unit: "单耗（kWh/件）", "SEC (kWh/unit)";
    peer_median: "同类中位数", "Peer median";
    peer_gap: "与同类差距", "Gap to peers";
    target_line: "对标产线", "Target line";
    saving_at_target: "按对标单耗的节能量", "Saving at the target's SEC";
    kwh_per_year: "kWh/年", "kWh/yr";
    lines_title: "产线对比", "Lines compared";
    chart_line_sec: "各产线各月单位产量能耗（kWh/件）", "Energy per unit by line and month (kWh/unit)";
    chart_baseline_fit: "日能耗与产量（散点）及基线", "Daily energy against output, with the baseline";
    chart_cusum: "CUSUM：实际减预期能耗的累积和（kWh）", "CUSUM of actual minus expected energy (kWh)";
    series_daily: "每日", "Daily";
    series_baseline: "基线", "Baseline";
    series_alarm: "报警", "Alarm";
    series_lines_median: "同产品各产线中位数", "Median of the lines making it";
    axis_month: "月份", "Month";
    axis_day: "日期", "Day";
    axis_output: "产量", "Output";
    baseline_title: "基线与拟合统计", "Baselines and fit statistics";
    baseline_model: "模型", "Model";
    r_squared: "R²", "R²";
    cv_rmse: "CV(RMSE)", "CV(RMSE)";
    nmbe: "NMBE", "NMBE";
    t_statistic: "t 值（产量项）", "t (output term)";
    n_days: "天数", "Days";
    g14: "ASHRAE G14", "ASHRAE G14";
    g14_pass: "符合", "Meets";
    g14_fail: "不符合", "Misses";
    no_baseline: "无基线", "No baseline";
    non_production_load: "非生产负荷（β0，kWh/天）", "Non-production load (β0, kWh/day)";
    alarms_title: "CUSUM 报警", "CUSUM alarms";
    no_alarms: "没有 CUSUM 报警。", "No CUSUM alarms.";
    alarm_from: "偏移开始", "Shift began";
    alarm_on: "报警日", "Alarm on";
    alarm_excess: "累计偏差", "Excess";
    direction: "方向", "Direction";
    findings_title: "发现与建议（按节能量排序）", "Findings, ranked by saving";
    no_findings: "没有发现需要处理的问题。", "Nothing needs attention.";
    rank: "序号", "Rank";
    finding: "发现", "Finding";
    evidence: "依据", "Evidence";
    expected_saving: "预计节能量", "Expected saving";
    saving_kwh: "kWh/年", "kWh/yr";
    saving_cny: "元/年", "¥/yr";
    saving_t_co2e: "t CO2e/年", "t CO2e/yr";
    no_tariff: "未设电价", "no tariff";
    grid_factor_used: "电网排放因子", "Grid emission factor";
    tariff_used: "电价", "Electricity price";
    audit_weather_station: "气象站", "Weather station";
    audit_weather_source: "气象数据来源", "Weather data source";
    audit_degree_day_bases: "度日数基准温度（采暖 / 制冷）", "Degree-day bases (heating / cooling)";
    audit_weather_days: "气象数据天数", "Weather days";
    weather_used: "气象数据", "Weather";
    no_weather: "无（基线只含产量项）", "none (the baselines use output only)";
    adjusted_r_squared: "调整 R²", "Adjusted R²";
    models_compared: "比较的模型（调整 R²）", "Models compared (adjusted R²)";
    // Meters.
    meters_title: "计量表", "Meters";
    meters_intro: "设施的计量表树：站点 → 区域 → 产线 → 计量表，含种类、单位、寄存器类型、倍率、最新读数和读数条数。", "The facility's meter tree: site → area → line → meter, with kind, unit, register type, multiplier, latest reading and count.";
    meters_empty: "这个设施还没有计量表。用下面的表单登记第一块表，或通过 REST API 登记。", "This facility has no meters yet. Register the first with the form below, or through the REST API.";
    not_placed: "未放置到产线", "Not placed on a line";
    meter_code: "表号", "Meter code";
    meter_name: "名称", "Name";
    meter_kind: "种类", "Kind";
    meter_unit: "单位", "Unit";
    register_type: "寄存器类型", "Register";
    register_interval: "区间量", "interval";
    register_cumulative: "累计读数", "cumulative";
    multiplier: "倍率（CT/PT）", "Multiplier (CT/PT)";
    last_reading: "最新读数", "Latest reading";
    n_readings: "读数条数", "Readings";
    never: "无", "none";
    add_meter: "登记计量表", "Register a meter";
    meter_added: "计量表已登记。", "Meter registered.";
    utc_offset: "时区（相对 UTC 的分钟数）", "Time zone (minutes from UTC)";
    kind_electricity: "电", "Electricity";
    kind_natural_gas: "天然气", "Natural gas";
    kind_steam: "蒸汽", "Steam";
    kind_water: "水", "Water";
    kind_compressed_air: "压缩空气", "Compressed air";
    // Import.
    import_title: "导入计量表读数", "Import meter readings";
    import_intro: "上传计量表读数 CSV（长表 meter,timestamp,value 或宽表 timestamp,表号…），先预览，确认后整批写入；有任何错误则一条也不写入。", "Upload a readings CSV (long: meter,timestamp,value; or wide: timestamp,<meter>…). Preview it first; confirming stores the whole file, and a file with any error stores nothing.";
    readings_file: "读数文件（CSV，UTF-8 或 GBK）", "Readings file (CSV, UTF-8 or GBK)";
    production_file: "产量文件（CSV：line,date,sku,units）", "Production file (CSV: line,date,sku,units)";
    timezone: "文件中本地时间的时区", "Time zone of local times in the file";
    preview: "预览", "Preview";
    preview_title: "预览", "Preview";
    detected_layout: "识别的格式", "Layout found";
    layout_long: "长表（每行一条读数）", "long (one reading per row)";
    layout_wide: "宽表（每行一个时刻）", "wide (one row per time)";
    meters_found: "文件中的计量表", "Meters in the file";
    n_readings_in_file: "读数条数", "Readings";
    first_rows: "前几行", "First rows";
    time: "时间", "Time";
    value: "数值", "Value";
    meter: "计量表", "Meter";
    row_errors: "行错误（修正后重新上传）", "Row errors (fix them and upload again)";
    row: "行", "Row";
    field: "字段", "Field";
    problem: "问题", "Problem";
    fix: "修改方法", "Fix";
    confirm_import: "确认导入全部读数", "Import all readings";
    imported_notice: "读数已导入。", "Readings imported.";
    import_result: "导入结果", "Import result";
    accepted: "新写入", "Stored";
    duplicates: "已存在（相同值）", "Already stored (same value)";
    conflicts: "冲突（已存值不同，保留原值）", "Conflicts (a different value is stored; kept)";
    no_meters_for_import: "本组织还没有计量表。请先登记计量表，文件中的表号必须与之对应。", "Your organisation has no meters yet. Register them first: the file's meter codes must match.";
    upload_changed: "确认的文件与预览的不一致，请重新上传。", "The file confirmed is not the one previewed; upload it again.";
    production_rows: "产量记录", "Production records";
    production_elsewhere: "各产线的产量在每个设施的“产量”页导入。", "Each line's production is imported on its facility's Production page.";
    // Production import.
    tab_production: "产量", "Production";
    production_title: "导入产量", "Import production";
    production_intro: "上传各产线的产量 CSV（line,date,sku,units：每行为一条产线一天的产量；或 line,timestamp,sku,units：每个计量间隔一行），先预览，确认后整批写入；有任何错误则一条也不写入。同一产线、同一天、同一型号再次导入时只保存一次。", "Upload each line's production as CSV (line,date,sku,units: one row per line and day; or line,timestamp,sku,units: one row per metering interval). Preview it first; confirming stores the whole file, and a file with any error stores nothing. The same line, day and SKU sent again is stored once.";
    production_template: "下载 CSV 模板（含本设施的产线）", "Download a CSV template (with this facility's lines)";
    production_empty: "这个设施还没有产线。请先在“计量表”页保存站点设置并建立产线，文件中的 line 须与产线代码对应。", "This facility has no lines yet. Save the site settings and build its lines on the Meters page first: the file's line codes must match.";
    lines_found: "文件中的产线", "Lines in the file";
    units_total: "产量合计", "Output in total";
    sku: "型号", "SKU";
    day: "日期", "Day";
    confirm_production: "确认导入全部产量", "Import all production";
    production_conflicts: "与已存产量不同（保留已存值；如需更正请联系管理员）", "Different from the stored count (the stored count is kept; ask an administrator to correct it)";
    stored_units: "已存产量", "Stored";
    sent_units: "文件中的产量", "In the file";
    output_unit_short: "产量单位", "Output unit";
    // Live.
    live_title: "实时读数", "Live readings";
    live_intro: "经 MQTT 或 REST 接口到达的读数写入数据库后立即显示，无需刷新页面。", "Readings arriving over MQTT or the REST API appear here as soon as they are stored, without reloading the page.";
    live_empty: "还没有计量表。登记计量表后，它们的读数会在这里实时出现。", "No meters yet. Once meters are registered, their readings appear here as they arrive.";
    live_connected: "已连接，等待新读数", "Connected; waiting for readings";
    live_waiting: "正在连接…", "Connecting…";
    live_disconnected: "连接中断，正在重连…", "Disconnected; reconnecting…";
    recent: "最近读数", "Recent readings";
    // Measures.
    measures_title: "节能措施与验证", "Measures and verified savings";
    measures_intro: "登记一项节能措施（例如某日调低加热器设定温度），按 IPMVP 用基线计算其节能量及不确定度。", "Record a measure (for example the heater's set-point lowered on a date) and see its saving against the baseline (IPMVP), with the uncertainty.";
    measures_empty: "还没有登记节能措施。", "No measures recorded yet.";
    measure_name: "措施", "Measure";
    measure_date: "实施日期", "Date done";
    verified_saving: "验证节能量", "Verified saving";
    uncertainty: "不确定度", "Uncertainty";
    add_measure: "登记措施", "Record a measure";
    measure_recorded: "节能措施已登记。", "Measure recorded.";
    measure_line: "产线", "Line";
    measure_meter: "计量表（可选）", "Meter (optional)";
    implemented_on: "实施日期", "Implemented on";
    baseline_first: "基线期首日", "Baseline from";
    baseline_last: "基线期末日", "Baseline to";
    reporting_first: "报告期首日", "Reporting from";
    reporting_last: "报告期末日", "Reporting to";
    expected_saving_kwh: "预计年节能量（kWh，可选）", "Expected saving (kWh/yr, optional)";
    saving_per_year: "验证年节能量（kWh/年）", "Verified saving (kWh/yr)";
    not_verified: "尚不能验证", "Not verifiable yet";
    no_site: "这个设施还没有能源站点设置（电网排放因子、时区、计量间隔）。请在“计量表”页先保存站点设置。", "This facility has no energy site settings yet (grid factor, time zone, metering interval). Save them on the Meters page first.";
    no_lines_for_measure: "先在“计量表”页建立产线，才能登记措施。", "Build a line on the Meters page before recording a measure.";
    meters_left_out: "未纳入分析的计量表（未放置到产线或缺少 kWh 换算）", "Meters left out (not placed on a line, or no kWh factor)";
    tree_saved: "已保存。", "Saved.";
    site_settings: "站点设置", "Site settings";
    site_name: "站点名称", "Site name";
    interval_minutes: "计量间隔（分钟）", "Metering interval (minutes)";
    grid_factor_value: "电网排放因子（t CO2e/MWh）", "Grid factor (t CO2e/MWh)";
    grid_factor_source: "排放因子来源（文件名与年份）", "Grid factor source (publication and year)";
    tariff_value: "电价（元/kWh，可选）", "Electricity price (¥/kWh, optional)";
    tariff_source: "电价来源", "Price source";
    save: "保存", "Save";
    add_area: "添加区域（车间）", "Add an area (workshop)";
    add_line: "添加产线", "Add a line";
    area: "区域", "Area";
    code: "代码", "Code";
    product_sku: "产品 SKU", "Product SKU";
    output_unit: "产量单位（如 杯）", "Output unit (e.g. cup)";
    place_meter: "把计量表放到产线上", "Place a meter on a line";
    equipment: "所服务设备", "Equipment served";
    ct_ratio: "CT 变比", "CT ratio";
    pt_ratio: "PT 变比", "PT ratio";
    kwh_per_unit: "每计量单位 kWh（体积、质量单位时填写）", "kWh per metered unit (volume or mass units)";
    whole_area: "（整个区域）", "(whole area)";
    tab_chain: "一链到底", "Chain";
    chain_title: "计量数据去向", "Where the metered energy goes";
    chain_intro: "实测能耗交给产品碳足迹（按产量加权的单位产量能耗）和温室气体盘查（按月计量电量），无需重复录入。", "Measured energy handed to the product footprint (energy per unit, weighed by output) and to the GHG inventory (metered months), without re-typing a number.";
    totals_title: "哪些表计入盘查总量", "Which meters count in the inventory";
    totals_intro: "只有处于分表树顶端的表（如 10 kV 进线总表）计入设施总量；填写了上级表的分表已包含在上级表中，不重复计入，但仍是产线和产品能耗的依据。", "Only the meters at the top of their sub-metering tree (such as the 10 kV main incomer) count in the facility's totals; a meter with an upstream meter is part of it and is never added again, and stays the evidence for lines and products.";
    totals_empty: "站点中还没有放置计量表。", "No meter is placed in the site yet.";
    totals_meter: "计量表", "Meter";
    totals_kind: "能源种类", "Carrier";
    totals_parent: "上级表", "Upstream meter";
    totals_counts: "盘查中", "In the inventory";
    totals_counted: "计入", "Counts";
    totals_included_in: "已含在", "Included in";
    totals_not_energy: "不计入（非外购能源）", "Not counted (not energy bought)";
    parent_none: "（无，位于树顶端）", "(none: top of its tree)";
    parent_save: "保存上级表", "Save upstream meter";
    parent_saved: "上级表已保存。", "Upstream meter saved.";
    footprint_title: "将产线实测单位产量能耗用于产品碳足迹", "Use the lines' measured kWh per unit in a product footprint";
    footprint_intro: "期间内生产该型号的所有产线，按各自产量加权（总电量 ÷ 总产量），作为产品模型生产工序的用电量，保存为新的模型版本，作为一手数据。", "Every line that made the SKU in the period, weighed by its output (total kWh ÷ total units), becomes the electricity of the product model's production process, saved as a new model version and counted as primary data.";
    footprint_nothing: "需要至少一个已有模型的产品，以及站点中生产某型号的产线。", "This needs a product with a model and a line in the site that makes a SKU.";
    footprint_product: "产品", "Product";
    footprint_process: "生产工序编号", "Production process id";
    footprint_sku: "产线生产的型号", "SKU the lines make";
    footprint_confirm: "确认：为该产品保存新的模型版本，用电量取自计量数据", "I confirm: save a new model version of this product with the metered electricity";
    footprint_submit: "用于产品碳足迹", "Use in the footprint";
    footprint_handed_over: "已保存模型版本", "Saved model version";
    chain_lines: "产线", "lines";
    chain_from: "开始日", "First day";
    chain_to: "结束日", "Last day";
    inventory_title: "将计量电量记入温室气体盘查", "Record metered energy in the inventory";
    inventory_intro: "计入总量的表按整月写入盘查活动数据（数据来源：计量表，表号作为证据）；计量数据优先于生产月报，因此只写入每小时都有数据的整月；再次记入会替换而不会重复。", "The counted meters' whole months become inventory activity records (data source: meter, the meter codes as evidence); metered data outrank the production monthly report, so only months with data for every hour are written; recording again replaces rather than doubles.";
    inventory_point: "排放点（与生产月报相同时，计量数据取代月报）", "Emission point (where it is the monthly report's, the metered month supersedes it)";
    inventory_confirm: "确认：将这些月份写入盘查活动数据", "I confirm: write these months into the inventory's activity data";
    inventory_submit: "记入盘查", "Record in the inventory";
    inventory_records_written: "已写入活动数据（条）", "Activity records written";
    inventory_records_replaced: "其中替换（条）", "of them replacing earlier ones";
    inventory_incomplete: "未写入（该月计量不完整）：", "Not written (the month is not fully metered):";
    inventory_left_out: "未写入（缺少计算方法）：", "Not written (no method):";
    inventory_factor: "电网排放因子（留空：沿用被取代记录的因子，没有则用站点的电网因子）", "Grid factor (blank: the superseded record's, else the site's grid factor)";
    inventory_market_factor: "市场法排放因子（留空：沿用被取代记录的）", "Market-based factor (blank: the superseded record's)";
    inventory_covered: "每月绿证等覆盖电量 kWh（留空：沿用同月被取代记录的）", "Instruments per month, kWh (blank: the superseded same-month record's)";
    inventory_preview_submit: "预览对盘查的影响", "Preview the effect on the inventory";
    handover_preview_title: "记入盘查前的预览", "Preview before recording in the inventory";
    handover_preview_intro: "按当前活动数据重新计算，尚未写入任何数据；确认后才写入。", "Recalculated from the current activity data; nothing is written until you confirm below.";
    handover_preview_records: "将写入活动数据（条）", "Activity records to write";
    handover_preview_replacing: "其中替换此前的计量记录（条）", "of them replacing earlier metered records";
    handover_preview_month: "月份", "Month";
    handover_preview_supersedes: "取代的记录", "Records superseded";
    handover_preview_kwh: "外购电量 kWh（前 → 后）", "Electricity kWh (before → after)";
    handover_preview_location: "基于位置 t CO2e（前 → 后）", "Location-based t CO2e (before → after)";
    handover_preview_market: "基于市场 t CO2e（前 → 后）", "Market-based t CO2e (before → after)";
    handover_preview_year: "年度盘查总量", "The year's inventory totals";
    handover_preview_year_label: "年度", "Year";
    handover_preview_settings: "计算口径", "Calculated with";
    handover_preview_notices: "每月的因子与绿证来源", "Each month's factors and instruments";
    handover_preview_none: "无", "none";
    handover_preview_spanning_note: "跨越多个月的记录（如全年记录）不计入任何单月，各单列一行（期间列为其起止日期）；它整条被计量记录取代，年度总量中的变化见下表。", "A record that spans several months (a yearly record, say) is counted in no single month: it has a row of its own, with its first and last day in the period column. The metered months supersede it whole; the year's totals below show the change.";
    handover_preview_back: "返回修改", "Back to change";
    handover_preview_nothing: "该期间没有可写入的整月计量数据。", "No whole metered month in this period to write.";
    no_site_yet: "先保存站点设置（时区、计量间隔、电网排放因子及其来源），再建立区域和产线。", "Save the site settings first (time zone, interval, grid factor and its source), then build areas and lines.";
}

impl EnergyText {
    /// The strings of `language`.
    pub fn of(language: Language) -> &'static EnergyText {
        match language {
            Language::SimplifiedChinese => &ZH,
            Language::English => &EN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latin_sentences;

    #[test]
    fn every_chinese_string_is_chinese_and_every_entry_is_filled() {
        for (key, zh, en) in ENTRIES {
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{key} is empty");
            assert_eq!(latin_sentences(zh), Vec::<String>::new(), "{key}: {zh}");
        }
    }
}
