//! `tanji bench lca` and `tanji bench energy`: what the benchmarks print for people, in both languages (the figures
//! for machines go to their JSON files unchanged).
//!
//! Each printed line is one value with its figures as parameters; the CLI lines up the timing lines itself (by
//! display width, so that Chinese labels line up too) and picks the language from `--lang` or the locale.

use crate::{Language, Localize, text};

/// A step of a benchmark: the label of its progress spinner and of its timing line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchStep {
    /// `bench lca`: generating the synthetic system.
    GeneratingSystem,
    /// `bench lca`: writing the Matrix Market files and the uncertainty.
    WritingMatrices,
    /// `bench lca`: every product's score from a cold start, the system built from triplets in memory.
    AllProductsInMemory,
    /// `bench lca`: every product's score from a cold start, the system read from the files.
    AllProductsFromFiles,
    /// `bench lca`: one demand's score, from triplets in memory.
    OneDemandInMemory,
    /// `bench lca`: one demand's score, from the files.
    OneDemandFromFiles,
    /// `bench lca`: every product's score by the sparse LU alone.
    AllProductsSparseLu,
    /// `bench lca`: one demand's score by the sparse LU alone.
    OneDemandSparseLu,
    /// `bench lca`: factorising the mean system before the Monte Carlo iterations.
    MonteCarloPreparing,
    /// `bench energy`: generating the workload and writing it as CSV.
    GenerateAndWriteCsv,
    /// `bench energy`: loading the CSV files.
    LoadFromCsv,
    /// `bench energy`: cumulative registers to interval kWh, with the full cleaning.
    RegisterToInterval,
    /// `bench energy`: daily kWh of every line.
    DailyKwhPerLine,
    /// `bench energy`: monthly SEC of every line against the median of its factory's other lines.
    MonthlySecVsPeerMedian,
    /// `bench energy`: the last reading of every meter.
    LastReadingPerMeter,
    /// `bench energy`: one line's first week, by hour.
    OneLineWeekByHour,
    /// `bench energy --store`: the readings loaded through the store into SQLite.
    StoreLoad,
    /// `bench energy --store`: daily kWh per line from the stored roll-ups.
    StoreDailyKwhPerLine,
    /// `bench energy --store`: the last reading per meter from the store.
    StoreLastReadingPerMeter,
    /// `bench energy --store`: one line's week by hour from the roll-ups.
    StoreOneLineWeekByHour,
}

impl Localize for BenchStep {
    fn localize(&self, language: Language) -> String {
        match self {
            BenchStep::GeneratingSystem => text!(language, zh: "生成系统", en: "generating the system"),
            BenchStep::WritingMatrices => text!(language, zh: "写出矩阵文件", en: "writing the matrices"),
            BenchStep::AllProductsInMemory => {
                text!(language, zh: "全部产品（伴随求解），内存中", en: "all products (adjoint), in memory")
            }
            BenchStep::AllProductsFromFiles => {
                text!(language, zh: "全部产品（伴随求解），从文件读入", en: "all products (adjoint), from files")
            }
            BenchStep::OneDemandInMemory => text!(language, zh: "单个需求，内存中", en: "one demand, in memory"),
            BenchStep::OneDemandFromFiles => text!(language, zh: "单个需求，从文件读入", en: "one demand, from files"),
            BenchStep::AllProductsSparseLu => text!(language, zh: "全部产品，稀疏 LU", en: "all products, sparse LU"),
            BenchStep::OneDemandSparseLu => text!(language, zh: "单个需求，稀疏 LU", en: "one demand, sparse LU"),
            BenchStep::MonteCarloPreparing => {
                text!(language, zh: "蒙特卡洛：分解均值系统", en: "Monte Carlo: factorising the mean system")
            }
            BenchStep::GenerateAndWriteCsv => text!(language, zh: "生成并写出 CSV", en: "generate and write CSV"),
            BenchStep::LoadFromCsv => text!(language, zh: "从 CSV 载入", en: "load from CSV"),
            BenchStep::RegisterToInterval => {
                text!(language, zh: "累计读数 → 时段电量（kWh）", en: "register → interval kWh")
            }
            BenchStep::DailyKwhPerLine => text!(language, zh: "各产线每日电量", en: "daily kWh per line"),
            BenchStep::MonthlySecVsPeerMedian => {
                text!(language, zh: "月度单位产品能耗与同厂中位数比较", en: "monthly SEC vs peer median")
            }
            BenchStep::LastReadingPerMeter => text!(language, zh: "各电表最新读数", en: "last reading per meter"),
            BenchStep::OneLineWeekByHour => {
                text!(language, zh: "一条产线一周的逐时电量", en: "one line's week by hour")
            }
            BenchStep::StoreLoad => {
                text!(language, zh: "经存储层写入（SQLite）", en: "load through the store (SQLite)")
            }
            BenchStep::StoreDailyKwhPerLine => {
                text!(language, zh: "存储层：各产线每日电量", en: "store: daily kWh per line")
            }
            BenchStep::StoreLastReadingPerMeter => {
                text!(language, zh: "存储层：各电表最新读数", en: "store: last reading per meter")
            }
            BenchStep::StoreOneLineWeekByHour => {
                text!(language, zh: "存储层：一条产线一周的逐时电量", en: "store: one line's week by hour")
            }
        }
    }
}

/// A line (or heading) a benchmark prints, with its figures.
#[derive(Clone, Debug, PartialEq)]
pub enum BenchText {
    /// `bench lca`'s first line on stderr: what is about to run.
    LcaStarting { n_activities: usize, seed: u64, iterations: usize, threads: usize, directory: String },
    /// The Monte Carlo progress bar's template (indicatif's placeholders in braces).
    MonteCarloProgressTemplate,
    /// The generated system's size.
    LcaSystem {
        n_activities: usize,
        technosphere_entries: usize,
        n_flows: usize,
        characterized_flows: usize,
        biosphere_entries: usize,
        generate_s: f64,
    },
    /// Heading of the cold-start timings.
    ColdStartsHeading { n_runs: usize },
    /// How the cold starts solved, and the one demand's score.
    SolveMethods { all_products: String, one_demand: String, product: usize, score: f64 },
    /// A method that was not run.
    NotRun,
    /// The sparse LU alone, for comparison.
    LuComparison {
        all_products_ms: f64,
        ordering_ms: f64,
        factorisation_ms: f64,
        one_demand_ms: f64,
        max_relative_difference: f64,
    },
    /// Heading of the Monte Carlo figures.
    MonteCarloHeading { product: usize, iterations: usize, threads: usize, technosphere: usize, biosphere: usize },
    /// Monte Carlo times.
    MonteCarloTimes { prepare_ms: f64, iterations_s: f64, per_s: f64, per_s_with_prepare: f64 },
    /// How the Monte Carlo samples were solved.
    MonteCarloSolves {
        iterative: usize,
        mean_steps: f64,
        max_steps: usize,
        tolerance: f64,
        mean_lu_preconditioned: usize,
        direct: usize,
    },
    /// The score's distribution.
    MonteCarloDistribution { deterministic: f64, mean: f64, sd: f64, low: f64, median: f64, high: f64 },
    /// Heading of the variance drivers.
    DriversHeading,
    /// One variance driver (`matrix` already in the reader's language).
    Driver { matrix: String, row: usize, col: usize, amount: f64, share_percent: f64, rank_correlation: f64 },
    /// `--demand` outside the system.
    DemandOutOfRange { demand: usize, n_products: usize },
    /// `bench energy`'s workload.
    EnergyWorkload {
        n_factories: usize,
        n_lines: usize,
        days: u32,
        interval_minutes: u32,
        n_reading_rows: usize,
        n_production_rows: usize,
    },
    /// How many cleaning decisions the register step made.
    CleaningDecisions { n: usize },
    /// The line generated with extra energy, and the one found furthest above its peers.
    HotLine { generated: String, found: String, gap_percent: f64 },
    /// The store's load rate and size.
    StoreLoadDetail { readings_per_s: f64, n_readings: i64, mib: f64 },
    /// The year's kWh from the store's roll-ups against the cleaning's.
    StoreTotals { from_rollups: f64, from_cleaning: f64, relative_difference: f64 },
    /// MQTT through a real broker.
    Mqtt { n_published: usize, n_stored: i64, n_duplicates: u64, seconds: f64, readings_per_s: f64 },
    /// `--lines` below 2.
    TooFewLines,
    /// The process's peak memory.
    PeakMemory { mib: f64 },
    /// Where the JSON details are.
    Details { path: String },
    /// `bench energy --store`: a meter has no last reading after the load.
    StoreMeterWithoutLastReading,
    /// `bench energy --store`: the first line's first week has no hour with data.
    StoreWeekWithoutData,
    /// `bench energy --store`: the store accepted `n_accepted` readings but its meters count `n_stored`.
    StoreCountMismatch { n_accepted: usize, n_stored: i64 },
    /// `bench energy --store`: a row of the generated readings file could not be read or stored.
    StoreReadingRow { file: String, row: usize, detail: String },
    /// `bench energy --mqtt`: no probe reading was stored within 30 s.
    MqttNoProbe { url: String },
    /// `bench energy --mqtt`: readings lost or doubled.
    MqttLostOrDoubled {
        n_published: usize,
        n_stored: i64,
        n_messages: u64,
        n_stored_by_subscriber: u64,
        n_stored_before: u64,
        n_duplicates: u64,
        n_conflicts: u64,
        n_bad: u64,
        n_probes: u64,
        seconds: f64,
    },
    /// `bench ledger`: `--accounts` below 2.
    LedgerTooFewAccounts,
    /// `bench ledger`: `--batch` below 1.
    LedgerBatchTooSmall,
    /// `bench ledger`: one run's figures (`backend` and `distribution` are the option values).
    LedgerRun {
        backend: String,
        distribution: String,
        n_transfers: usize,
        seconds: f64,
        per_s: f64,
        p50_ms: f64,
        p99_ms: f64,
        max_ms: f64,
        check_s: f64,
        /// The SQLite file's size with its WAL; not measured on PostgreSQL.
        megabytes: Option<f64>,
    },
}

impl Localize for BenchText {
    fn localize(&self, language: Language) -> String {
        match self {
            BenchText::StoreMeterWithoutLastReading => text!(language,
                zh: "存储层：载入后仍有电表没有最新读数",
                en: "store: a meter has no last reading after the load"),
            BenchText::StoreWeekWithoutData => text!(language,
                zh: "存储层：第一条产线的第一周没有任何一小时有数据",
                en: "store: the first line's first week has no hour with data"),
            BenchText::StoreCountMismatch { n_accepted, n_stored } => text!(language,
                zh: "存储层：接收了 {n_accepted} 个读数，电表上却只计得 {n_stored} 个",
                en: "store: {n_accepted} readings accepted but {n_stored} counted on the meters"),
            BenchText::StoreReadingRow { file, row, detail } => text!(language,
                zh: "{file} 第 {row} 行：{detail}",
                en: "{file} row {row}: {detail}"),
            BenchText::MqttNoProbe { url } => text!(language,
                zh: "MQTT 订阅端在 30 秒内没有存下任何探测读数\n  提示：确认 {url} 上的 MQTT 代理（如 Mosquitto）已启动",
                en: "the MQTT subscriber stored no probe reading within 30 s\n  hint: check that the MQTT broker (e.g. Mosquitto) at {url} is running"),
            BenchText::MqttLostOrDoubled {
                n_published,
                n_stored,
                n_messages,
                n_stored_by_subscriber,
                n_stored_before,
                n_duplicates,
                n_conflicts,
                n_bad,
                n_probes,
                seconds,
            } => text!(language,
                zh: "MQTT：发布 {n_published} 个读数，存储 {n_stored} 个（不得丢失或重复）；订阅端：{n_messages} 条消息，存储 {n_stored_by_subscriber} 个（运行前 {n_stored_before} 个），重复 {n_duplicates} 个，冲突 {n_conflicts} 个，无效 {n_bad} 个；探测 {n_probes} 次；用时 {seconds:.1} s",
                en: "MQTT: {n_published} readings published, {n_stored} stored (none may be lost or doubled); subscriber: {n_messages} messages, {n_stored_by_subscriber} stored ({n_stored_before} before the run), {n_duplicates} duplicates, {n_conflicts} conflicts, {n_bad} bad; {n_probes} probes; {seconds:.1} s"),
            BenchText::LedgerTooFewAccounts => text!(language,
                zh: "--accounts 至少为 2：一笔转账在两个账户之间转移积分",
                en: "--accounts must be at least 2: a transfer moves points between two accounts"),
            BenchText::LedgerBatchTooSmall => text!(language, zh: "--batch 至少为 1", en: "--batch must be at least 1"),
            BenchText::LedgerRun {
                backend,
                distribution,
                n_transfers,
                seconds,
                per_s,
                p50_ms,
                p99_ms,
                max_ms,
                check_s,
                megabytes,
            } => {
                let size = megabytes.map_or_else(String::new, |mb| match language {
                    Language::SimplifiedChinese => format!("；数据库 {mb:.0} MB"),
                    Language::English => format!("; database {mb:.0} MB"),
                });
                text!(language,
                    zh: "{backend} {distribution}：{n_transfers} 笔转账用时 {seconds:.2} s，每秒 {per_s:.0} 笔；每批 p50 {p50_ms:.1} ms，p99 {p99_ms:.1} ms（最长 {max_ms:.1} ms）；不变量检查用时 {check_s:.1} s{size}",
                    en: "{backend} {distribution}: {n_transfers} transfers in {seconds:.2} s, {per_s:.0} transfers/s; batch p50 {p50_ms:.1} ms, p99 {p99_ms:.1} ms (max {max_ms:.1} ms); invariants checked in {check_s:.1} s{size}")
            }
            BenchText::LcaStarting { n_activities, seed, iterations, threads, directory } => text!(language,
                zh: "LCA 基准测试：{n_activities} 个活动，随机种子 {seed}，{iterations} 次蒙特卡洛迭代，{threads} 个线程；文件写到 {directory}",
                en: "tanji bench lca: {n_activities} activities, seed {seed}, {iterations} Monte Carlo iterations on {threads} threads; files in {directory}"),
            BenchText::MonteCarloProgressTemplate => text!(language,
                zh: "蒙特卡洛 [{{bar:30}}] {{pos}}/{{len}} 次迭代，{{per_sec}}，剩余 {{eta}}",
                en: "Monte Carlo [{{bar:30}}] {{pos}}/{{len}} iterations, {{per_sec}}, {{eta}}"),
            BenchText::LcaSystem {
                n_activities,
                technosphere_entries,
                n_flows,
                characterized_flows,
                biosphere_entries,
                generate_s,
            } => text!(language,
                zh: "系统：{n_activities} 个活动，{technosphere_entries} 个技术圈条目，{n_flows} 个流（{characterized_flows} 个有特征化因子），{biosphere_entries} 个生物圈条目；生成用时 {generate_s:.2} s",
                en: "system: {n_activities} activities, {technosphere_entries} technosphere entries, {n_flows} flows ({characterized_flows} characterised), {biosphere_entries} biosphere entries; generated in {generate_s:.2} s"),
            BenchText::ColdStartsHeading { n_runs } => {
                text!(language, zh: "冷启动（{n_runs} 次运行的中位数）：", en: "cold starts (median of {n_runs} runs):")
            }
            BenchText::SolveMethods { all_products, one_demand, product, score } => text!(language,
                zh: "全部产品：{all_products}；单个需求：{one_demand}；产品 {product} 的得分：{score:?}",
                en: "all products {all_products}; one demand {one_demand}; score of product {product}: {score:?}"),
            BenchText::NotRun => text!(language, zh: "未运行", en: "not run"),
            BenchText::LuComparison {
                all_products_ms,
                ordering_ms,
                factorisation_ms,
                one_demand_ms,
                max_relative_difference,
            } => text!(language,
                zh: "对比：仅用 Aᵀ 的稀疏 LU，全部产品 {all_products_ms:.1} ms（排序 {ordering_ms:.1} ms，分解 {factorisation_ms:.1} ms），单个需求 {one_demand_ms:.1} ms；与迭代解得分的最大相对差 {max_relative_difference:.1e}",
                en: "for comparison, the sparse LU of Aᵀ alone: all products {all_products_ms:.1} ms (ordering {ordering_ms:.1} ms, factorisation {factorisation_ms:.1} ms), one demand {one_demand_ms:.1} ms; largest relative difference to the iterative scores {max_relative_difference:.1e}"),
            BenchText::MonteCarloHeading { product, iterations, threads, technosphere, biosphere } => text!(language,
                zh: "蒙特卡洛，产品 {product}：{iterations} 次迭代，{threads} 个线程，每次迭代抽样 {technosphere} + {biosphere} 个交换",
                en: "Monte Carlo, product {product}: {iterations} iterations on {threads} threads, {technosphere} + {biosphere} exchanges drawn per iteration"),
            BenchText::MonteCarloTimes { prepare_ms, iterations_s, per_s, per_s_with_prepare } => text!(language,
                zh: "准备 {prepare_ms:.1} ms，迭代 {iterations_s:.2} s：每秒 {per_s:.1} 次迭代（含准备 {per_s_with_prepare:.1} 次）",
                en: "prepare {prepare_ms:.1} ms, iterations {iterations_s:.2} s: {per_s:.1} iterations/s ({per_s_with_prepare:.1} including prepare)"),
            BenchText::MonteCarloSolves {
                iterative,
                mean_steps,
                max_steps,
                tolerance,
                mean_lu_preconditioned,
                direct,
            } => {
                text!(language,
                    zh: "求解：{iterative} 次 Jacobi 预条件 GMRES（平均 {mean_steps:.1} 步，最多 {max_steps} 步，相对残差 ≤ {tolerance:.0e}），{mean_lu_preconditioned} 次均值 LU 预条件 GMRES，{direct} 次直接求解",
                    en: "solves: {iterative} Jacobi-GMRES (mean {mean_steps:.1}, max {max_steps} steps, relative residual ≤ {tolerance:.0e}), {mean_lu_preconditioned} mean-LU-GMRES, {direct} direct")
            }
            BenchText::MonteCarloDistribution { deterministic, mean, sd, low, median, high } => text!(language,
                zh: "确定性得分 {deterministic:.6e}；均值 {mean:.6e}，标准差 {sd:.3e}；2.5 % 分位 {low:.6e}，中位数 {median:.6e}，97.5 % 分位 {high:.6e}",
                en: "deterministic {deterministic:.6e}; mean {mean:.6e}, sd {sd:.3e}; 2.5 % {low:.6e}, median {median:.6e}, 97.5 % {high:.6e}"),
            BenchText::DriversHeading => text!(language,
                zh: "方差贡献最大的交换（一阶贡献份额，与得分的 Spearman ρ）：",
                en: "largest variance drivers (first-order share, Spearman ρ with the score):"),
            BenchText::Driver { matrix, row, col, amount, share_percent, rank_correlation } => text!(language,
                zh: "{matrix}（{row}，{col}）数量 {amount:.4e}：{share_percent:>5.1} %，ρ = {rank_correlation:+.2}",
                en: "{matrix} ({row}, {col}) amount {amount:.4e}: {share_percent:>5.1} %, ρ = {rank_correlation:+.2}"),
            BenchText::DemandOutOfRange { demand, n_products } => text!(language,
                zh: "--demand {demand}：系统只有 {n_products} 个产品\n  提示：给出 1 到 {n_products}",
                en: "--demand {demand}: the system has {n_products} products\n  hint: give 1 to {n_products}"),
            BenchText::EnergyWorkload {
                n_factories,
                n_lines,
                days,
                interval_minutes,
                n_reading_rows,
                n_production_rows,
            } => {
                text!(language,
                    zh: "工作负载：{n_factories} 家工厂 × {n_lines} 条产线 × 3 块电表，{days} 天，每 {interval_minutes} 分钟一个读数：{n_reading_rows} 行读数，{n_production_rows} 行产量",
                    en: "workload: {n_factories} factories × {n_lines} lines × 3 meters, {days} days at {interval_minutes} min: {n_reading_rows} reading rows, {n_production_rows} production rows")
            }
            BenchText::CleaningDecisions { n } => {
                text!(language, zh: "（{n} 个清洗判断）", en: "({n} cleaning decisions)")
            }
            BenchText::HotLine { generated, found, gap_percent } => text!(language,
                zh: "能耗偏高的产线：生成时设定为 {generated}，找到 {found}（月度差距均值 {gap_percent:.1} %）",
                en: "hot line: generated {generated}, found {found} (mean monthly gap {gap_percent:.1}%)"),
            BenchText::StoreLoadDetail { readings_per_s, n_readings, mib } => text!(language,
                zh: "（每秒 {readings_per_s:.0} 个读数，共 {n_readings} 个读数，{mib:.0} MiB）",
                en: "({readings_per_s:.0} readings/s, {n_readings} readings, {mib:.0} MiB)"),
            BenchText::StoreTotals { from_rollups, from_cleaning, relative_difference } => text!(language,
                zh: "存储层：全年电量，汇总表 {from_rollups:.6} kWh，清洗结果 {from_cleaning:.6} kWh（相对差 {relative_difference:.1e}）",
                en: "store: year's kWh from roll-ups {from_rollups:.6} vs cleaning {from_cleaning:.6} (relative difference {relative_difference:.1e})"),
            BenchText::Mqtt { n_published, n_stored, n_duplicates, seconds, readings_per_s } => text!(language,
                zh: "MQTT：发布 {n_published} 个读数，存储 {n_stored} 个（重投的重复读数 {n_duplicates} 个），用时 {seconds:.2} s：每秒 {readings_per_s:.0} 个读数",
                en: "mqtt: {n_published} readings published, {n_stored} stored ({n_duplicates} redelivered duplicates) in {seconds:.2} s: {readings_per_s:.0} readings/s"),
            BenchText::TooFewLines => text!(language,
                zh: "--lines 至少为 2：一条产线的对比对象是同一工厂的其他产线",
                en: "--lines must be at least 2: a line's peers are the other lines of its factory"),
            BenchText::PeakMemory { mib } => {
                text!(language, zh: "内存峰值（VmHWM）：{mib:.0} MiB", en: "peak memory (VmHWM): {mib:.0} MiB")
            }
            BenchText::Details { path } => text!(language, zh: "详细数据：{path}", en: "details: {path}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chinese_lines_have_no_english_sentence() {
        let lines = [
            BenchText::LcaStarting {
                n_activities: 1000,
                seed: 7,
                iterations: 100,
                threads: 2,
                directory: "out".into(),
            }
            .chinese(),
            BenchText::MonteCarloProgressTemplate.chinese(),
            BenchText::LuComparison {
                all_products_ms: 1.0,
                ordering_ms: 0.5,
                factorisation_ms: 0.4,
                one_demand_ms: 0.2,
                max_relative_difference: 1e-12,
            }
            .chinese(),
            BenchText::MonteCarloSolves {
                iterative: 10,
                mean_steps: 3.0,
                max_steps: 5,
                tolerance: 1e-10,
                mean_lu_preconditioned: 0,
                direct: 0,
            }
            .chinese(),
            BenchText::HotLine { generated: "F01-L03".into(), found: "F01-L03".into(), gap_percent: 30.0 }.chinese(),
            BenchStep::MonthlySecVsPeerMedian.chinese(),
            BenchStep::StoreLoad.chinese(),
            BenchText::StoreMeterWithoutLastReading.chinese(),
            BenchText::StoreWeekWithoutData.chinese(),
            BenchText::StoreCountMismatch { n_accepted: 10, n_stored: 9 }.chinese(),
            BenchText::StoreReadingRow { file: "readings.csv".into(), row: 3, detail: "值不是数字".into() }.chinese(),
            BenchText::MqttNoProbe { url: "mqtt://127.0.0.1:1883".into() }.chinese(),
            BenchText::MqttLostOrDoubled {
                n_published: 10,
                n_stored: 9,
                n_messages: 10,
                n_stored_by_subscriber: 9,
                n_stored_before: 1,
                n_duplicates: 0,
                n_conflicts: 0,
                n_bad: 1,
                n_probes: 2,
                seconds: 1.5,
            }
            .chinese(),
        ];
        for line in lines {
            assert_eq!(crate::latin_sentences(&line), Vec::<String>::new(), "{line}");
        }
    }

    #[test]
    fn the_progress_template_keeps_indicatifs_placeholders() {
        for language in [Language::English, Language::SimplifiedChinese] {
            let template = BenchText::MonteCarloProgressTemplate.localize(language);
            for placeholder in ["{bar:30}", "{pos}", "{len}", "{per_sec}", "{eta}"] {
                assert!(template.contains(placeholder), "{template}");
            }
        }
    }
}
