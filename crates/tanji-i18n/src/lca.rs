//! Matrix LCA (`tanji-lca`): why a system cannot be formed or solved, for `tanji lca solve`.

use tanji_lca::loops::amount_text;
use tanji_lca::{MatrixName, SolveError, SystemError};

use crate::{Language, Localize, text};

/// "the processes in columns 1, 4, 7" (1-based, as Matrix Market counts), shortened when there are many.
fn columns(process_idxs: &[usize], language: Language) -> String {
    const SHOWN: usize = 20;
    let shown: Vec<String> = process_idxs.iter().take(SHOWN).map(|idx| (idx + 1).to_string()).collect();
    let shown = shown.join(", ");
    let more = process_idxs.len().saturating_sub(SHOWN);
    let list = if more > 0 {
        text!(language, zh: "{shown} 等（另有 {more} 个）", en: "{shown} and {more} more")
    } else {
        shown
    };
    if process_idxs.len() == 1 {
        text!(language, zh: "第 {list} 列（从 1 计）的过程", en: "the process in column {list} (1-based)")
    } else {
        text!(language, zh: "第 {list} 列（从 1 计）的过程", en: "the processes in columns {list} (1-based)")
    }
}

impl Localize for MatrixName {
    fn localize(&self, language: Language) -> String {
        match self {
            MatrixName::Technosphere => text!(language, zh: "技术圈矩阵 A", en: "technosphere matrix A"),
            MatrixName::Biosphere => text!(language, zh: "生物圈矩阵 B", en: "biosphere matrix B"),
            MatrixName::Characterization => text!(language, zh: "特征化向量 c", en: "characterization vector c"),
        }
    }
}

impl Localize for SolveError {
    fn localize(&self, language: Language) -> String {
        match self {
            SolveError::UnproductiveLoop(found) => {
                let first = found.cycle.first().map_or(0, |step| step.consumer_idx) + 1;
                let gain = amount_text(found.cycle_gain);
                if let [step] = found.cycle.as_slice()
                    && found.process_idxs.len() == 1
                {
                    let units = amount_text(step.units_per_unit);
                    return text!(language,
                        zh: "第 {first} 列（从 1 计）的过程用掉的自身产品不少于它的产出：每单位产品 {first} 需要 {units} 单位它自己，没有非负解",
                        en: "the process in column {first} (1-based) uses at least as much of its own product as it makes: each unit of product {first} needs {units} units of itself: there is no non-negative solution");
                }
                let steps: Vec<String> = found
                    .cycle
                    .iter()
                    .map(|step| {
                        let (consumer, provider) = (step.consumer_idx + 1, step.provider_idx + 1);
                        let units = amount_text(step.units_per_unit);
                        text!(language,
                            zh: "每单位产品 {consumer} 需要 {units} 单位产品 {provider}",
                            en: "each unit of product {consumer} needs {units} units of product {provider}")
                    })
                    .collect();
                let steps = steps.join(text!(language, zh: "，", en: ", ").as_str());
                let processes = columns(&found.process_idxs, language);
                let loop_gain = amount_text(found.loop_gain);
                text!(language,
                    zh: "{processes}互相供应，形成的循环没有净产出：{steps}；因此每单位产品 {first} 经循环需要 {gain} 单位它自己（循环增益 {loop_gain}，不小于 1），没有非负解",
                    en: "{processes} supply each other in a loop that produces nothing net: {steps}; so each unit of product {first} needs {gain} units of itself through the loop (loop gain {loop_gain}, at least 1): there is no non-negative solution")
            }
            SolveError::NoReferenceProduction { process_idxs } => {
                let processes = columns(process_idxs, language);
                text!(language,
                    zh: "技术圈矩阵 A 奇异：{processes}没有生产其参考产品（A 的对角线为零）",
                    en: "the technosphere matrix A is singular: no reference product comes from {processes} (zero on A's diagonal)")
            }
            SolveError::StructurallySingular { step } => text!(language,
                zh: "技术圈矩阵 A 结构奇异（第 {step} 步消元没有主元）",
                en: "the technosphere matrix A is structurally singular (no pivot at elimination step {step})"),
            SolveError::Factorisation { reason } => {
                text!(language, zh: "稀疏 LU 分解失败：{reason}", en: "the sparse LU factorisation failed: {reason}")
            }
            SolveError::NumericallySingular { process_idxs } => {
                let processes = columns(process_idxs, language);
                text!(language,
                    zh: "技术圈矩阵 A 数值奇异：{processes}的结果不是有限数",
                    en: "the technosphere matrix A is numerically singular: results for {processes} are not finite")
            }
            SolveError::IllConditioned { condition_lower_bound } => {
                let bound = format!("{condition_lower_bound:.1e}");
                text!(language,
                    zh: "技术圈矩阵 A 病态（条件数至少 {bound}），结果会失去大部分有效数字",
                    en: "the technosphere matrix A is ill-conditioned (condition number at least {bound}); the result would have lost most of its digits")
            }
            SolveError::Inaccurate { relative_residual } => {
                let residual = format!("{relative_residual:.1e}");
                text!(language,
                    zh: "求解不准确（相对残差 {residual}），系统不适定",
                    en: "the solve is inaccurate (relative residual {residual}); the system is ill-posed")
            }
            SolveError::ProductOutOfRange { product_idx, n_products } => {
                let product = product_idx + 1;
                text!(language,
                    zh: "没有产品 {product}（系统共有 {n_products} 个产品）",
                    en: "there is no product {product} (the system has {n_products} products)")
            }
        }
    }
}

impl Localize for SystemError {
    fn localize(&self, language: Language) -> String {
        match self {
            SystemError::TechnosphereNotSquare { n_rows, n_cols } => text!(language,
                zh: "技术圈矩阵 A 必须是方阵（每个过程一个产品），但它是 {n_rows}×{n_cols}",
                en: "the technosphere matrix A must be square (one product per process), but it is {n_rows}×{n_cols}"),
            SystemError::BiosphereColumns { n_cols, n_processes } => text!(language,
                zh: "生物圈矩阵 B 有 {n_cols} 列，但技术圈有 {n_processes} 个过程",
                en: "the biosphere matrix B has {n_cols} columns but the technosphere has {n_processes} processes"),
            SystemError::CharacterizationLength { n_factors, n_flows } => text!(language,
                zh: "特征化向量 c 有 {n_factors} 个因子，但生物圈有 {n_flows} 个流",
                en: "the characterization vector c has {n_factors} factors but the biosphere has {n_flows} flows"),
            SystemError::EntryOutOfRange { matrix, row_idx, col_idx, n_rows, n_cols } => {
                let matrix = matrix.localize(language);
                text!(language,
                    zh: "{matrix}在（从 0 计）({row_idx}, {col_idx}) 处有一项，超出其 {n_rows}×{n_cols} 的大小",
                    en: "the {matrix} has an entry at 0-based ({row_idx}, {col_idx}), outside its {n_rows}×{n_cols} shape")
            }
            SystemError::CharacterizationNotColumn { n_rows, n_cols } => text!(language,
                zh: "特征化矩阵 c 必须只有一列（流数×1），但它是 {n_rows}×{n_cols}",
                en: "the characterization matrix c must be one column (flows×1), but it is {n_rows}×{n_cols}"),
            SystemError::NonFinite { matrix, row_idx, col_idx } => {
                let matrix = matrix.localize(language);
                text!(language,
                    zh: "{matrix}在（从 0 计）({row_idx}, {col_idx}) 处的值不是有限数",
                    en: "the {matrix} has a value that is not finite at 0-based ({row_idx}, {col_idx})")
            }
            SystemError::TooLarge { matrix, n_rows, n_cols, max } => {
                let matrix = matrix.localize(language);
                text!(language,
                    zh: "{matrix}为 {n_rows}×{n_cols}，超过产品系统允许的 {max} 行列",
                    en: "the {matrix} is {n_rows}×{n_cols}, larger than the {max} rows and columns a product system may have")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unproductive_loop_reads_the_same_in_english_as_the_solver_says_it() {
        use tanji_lca::{Entry, Solver, System};
        let entry = |row_idx, col_idx, value| Entry { row_idx, col_idx, value };
        let technosphere = [entry(0, 0, 1.0), entry(1, 0, -2.0), entry(0, 1, -0.8), entry(1, 1, 1.0)];
        let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
        let error = Solver::new(system).unwrap_err();
        let english = error.english();
        assert!(english.contains("needs 1.6 units of itself through the loop"), "{english}");
        let chinese = error.chinese();
        assert!(chinese.contains("1.6 单位它自己") && chinese.contains("没有非负解"), "{chinese}");
    }
}
