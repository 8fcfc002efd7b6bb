//! Matrix LCA (`tanji-lca`): why a Matrix Market file cannot be read, why a system cannot be formed or solved, and why
//! a Monte Carlo analysis cannot run, for `tanji lca solve` and `tanji lca monte-carlo`.

use tanji_footprint::UncertaintyReason;
use tanji_lca::datapackage::{DatapackageError, DatapackageProblem};
use tanji_lca::loops::amount_text;
use tanji_lca::matrix_market::EntryProblem;
use tanji_lca::uncertainty_file::{UncertaintyFileError, UncertaintyFileProblem};
use tanji_lca::{
    FactorisationCause, LuReason, MatrixMarketError, MatrixName, MonteCarloError, SampleFailure, SolveError,
    SolveMethod, SystemError,
};

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
            SolveError::Factorisation { cause } => {
                let cause = cause.localize(language);
                text!(language, zh: "稀疏 LU 分解失败：{cause}", en: "the sparse LU factorisation failed: {cause}")
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
            SolveError::NotConverged { steps, relative_residual } => {
                let residual = format!("{relative_residual:.1e}");
                text!(language,
                    zh: "迭代求解未收敛：{steps} 步后相对残差为 {residual}",
                    en: "the iterative solve did not converge: relative residual {residual} after {steps} steps")
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

impl Localize for FactorisationCause {
    fn localize(&self, language: Language) -> String {
        match self {
            FactorisationCause::OutOfMemory => text!(language, zh: "内存不足", en: "out of memory"),
            FactorisationCause::IndexOverflow => {
                text!(language, zh: "分解结果太大，超出索引范围", en: "the factors are too large to index")
            }
            FactorisationCause::Unnamed => {
                text!(language, zh: "稀疏矩阵库未说明原因", en: "the sparse matrix library gives no reason")
            }
        }
    }
}

impl Localize for MatrixMarketError {
    fn localize(&self, language: Language) -> String {
        match self {
            MatrixMarketError::Empty => text!(language,
                zh: "第 1 行：文件是空的，应以 `%%MatrixMarket matrix coordinate real general` 表头开始",
                en: "line 1: the file is empty; expected a `%%MatrixMarket matrix coordinate real general` header"),
            MatrixMarketError::MissingHeader { line, found } => text!(language,
                zh: "第 {line} 行：应为 `%%MatrixMarket matrix coordinate real general` 表头，实为 `{found}`",
                en: "line {line}: expected a `%%MatrixMarket matrix coordinate real general` header, found “{found}”"),
            MatrixMarketError::UnsupportedHeader { line, found } => text!(language,
                zh: "第 {line} 行：不支持的 Matrix Market 表头 `{found}`：只支持 `matrix coordinate real general`（或 `integer general`）",
                en: "line {line}: unsupported Matrix Market header “{found}”: only `matrix coordinate real general` (or `integer general`) is supported"),
            MatrixMarketError::MissingSizeLine { line } => text!(language,
                zh: "第 {line} 行：缺少尺寸行 `ROWS COLUMNS ENTRIES`",
                en: "line {line}: missing the size line `ROWS COLUMNS ENTRIES`"),
            MatrixMarketError::MalformedSizeLine { line, found } => text!(language,
                zh: "第 {line} 行：尺寸行须为三个整数 `ROWS COLUMNS ENTRIES`，实为“{found}”",
                en: "line {line}: the size line must be three whole numbers `ROWS COLUMNS ENTRIES`, found “{found}”"),
            MatrixMarketError::MalformedEntry { line, found, reason } => {
                let reason = reason.localize(language);
                text!(language,
                    zh: "第 {line} 行：应为一项 `ROW COLUMN VALUE`，实为“{found}”：{reason}",
                    en: "line {line}: expected an entry `ROW COLUMN VALUE`, found “{found}”: {reason}")
            }
            MatrixMarketError::IndexOutOfRange { line, row, col, n_rows, n_cols } => text!(language,
                zh: "第 {line} 行：项 ({row}, {col}) 超出 {n_rows}×{n_cols} 矩阵（序号从 1 计）",
                en: "line {line}: entry ({row}, {col}) is outside the {n_rows}×{n_cols} matrix (indices are 1-based)"),
            MatrixMarketError::NonFiniteValue { line, found } => text!(language,
                zh: "第 {line} 行：值“{found}”不是有限数",
                en: "line {line}: the value “{found}” is not a finite number"),
            MatrixMarketError::WrongEntryCount { line, expected, found } => text!(language,
                zh: "第 {line} 行：尺寸行写明 {expected} 项，但文件有 {found} 项",
                en: "line {line}: the size line promises {expected} entries but the file has {found}"),
        }
    }
}

impl Localize for EntryProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            EntryProblem::TooFewFields => text!(language, zh: "需要三个字段", en: "it needs three fields"),
            EntryProblem::TooManyFields => text!(language, zh: "字段多于三个", en: "it has more than three fields"),
            EntryProblem::RowNotWhole => text!(language, zh: "行号不是整数", en: "the row is not a whole number"),
            EntryProblem::ColumnNotWhole => {
                text!(language, zh: "列号不是整数", en: "the column is not a whole number")
            }
            EntryProblem::ValueNotNumber => text!(language, zh: "值不是数字", en: "the value is not a number"),
        }
    }
}

/// What the person fixing a Matrix Market file should try.
pub fn matrix_market_hint(error: &MatrixMarketError, language: Language) -> String {
    match error {
        MatrixMarketError::Empty | MatrixMarketError::MissingHeader { .. } => text!(language,
            zh: "文件以 `%%MatrixMarket matrix coordinate real general` 开始，如 scipy.io.mmwrite 所写",
            en: "start the file with `%%MatrixMarket matrix coordinate real general`, e.g. scipy.io.mmwrite writes it"),
        MatrixMarketError::UnsupportedHeader { .. } => text!(language,
            zh: "以一般坐标形式写出矩阵，如 `scipy.io.mmwrite(path, scipy.sparse.coo_matrix(m), symmetry='general')`",
            en: "write the matrix in general coordinate form, e.g. `scipy.io.mmwrite(path, scipy.sparse.coo_matrix(m), symmetry='general')`"),
        MatrixMarketError::MissingSizeLine { .. } | MatrixMarketError::MalformedSizeLine { .. } => text!(language,
            zh: "在表头和注释之后写 `ROWS COLUMNS ENTRIES`，如 `2 2 3`",
            en: "after the header and comments, give `ROWS COLUMNS ENTRIES`, e.g. `2 2 3`"),
        MatrixMarketError::MalformedEntry { .. } | MatrixMarketError::NonFiniteValue { .. } => text!(language,
            zh: "每项为以空格分隔的 `ROW COLUMN VALUE`，如 `1 2 -0.3`；注释以 `%` 开始",
            en: "each entry is `ROW COLUMN VALUE` separated by spaces, e.g. `1 2 -0.3`; comments start with `%`"),
        MatrixMarketError::IndexOutOfRange { .. } => text!(language,
            zh: "序号从 1 开始，且不超过尺寸行的 ROWS 和 COLUMNS",
            en: "indices start at 1 and must not exceed the size line's ROWS and COLUMNS"),
        MatrixMarketError::WrongEntryCount { .. } => text!(language,
            zh: "使尺寸行的第三个数等于项的行数",
            en: "make the size line's third number equal to the number of entry lines"),
    }
}

impl Localize for SampleFailure {
    fn localize(&self, language: Language) -> String {
        match self {
            SampleFailure::Solve(error) => error.localize(language),
            SampleFailure::SolutionNotFinite => {
                text!(language, zh: "解不是有限数：该抽样矩阵奇异", en: "the solution is not finite: the sample is singular")
            }
            SampleFailure::ScoreNotFinite => text!(language, zh: "得分不是有限数", en: "the score is not finite"),
        }
    }
}

impl Localize for MonteCarloError {
    fn localize(&self, language: Language) -> String {
        match self {
            MonteCarloError::System(error) => error.localize(language),
            MonteCarloError::Distribution { matrix, row_idx, col_idx, source } => {
                let matrix = matrix.localize(language);
                let reason = UncertaintyReason::from(source).localize(language);
                let (row, col) = (row_idx + 1, col_idx + 1);
                text!(language,
                    zh: "{matrix}在 ({row}, {col})（从 1 计）处的项：{reason}",
                    en: "the {matrix} entry at ({row}, {col}) (1-based): {reason}")
            }
            MonteCarloError::Solve(error) => error.localize(language),
            MonteCarloError::DemandOutOfRange { product_idx, n_products } => {
                let product = product_idx + 1;
                text!(language,
                    zh: "需求指定了产品 {product}，但系统只有 {n_products} 个产品",
                    en: "the demand names product {product} but the system has {n_products} products")
            }
            MonteCarloError::EmptyDemand => text!(language,
                zh: "需求至少要有一个非零的有限数量",
                en: "the demand must have at least one non-zero, finite amount"),
            MonteCarloError::NoIterations => {
                text!(language, zh: "蒙特卡洛分析至少需要一次迭代", en: "a Monte Carlo analysis needs at least one iteration")
            }
            MonteCarloError::SampleNotSolvable { iteration, reason } => {
                let reason = reason.localize(language);
                text!(language,
                    zh: "第 {iteration} 次迭代：抽样得到的技术圈矩阵无法求解（{reason}）",
                    en: "iteration {iteration}: the sampled technosphere matrix cannot be solved ({reason})")
            }
        }
    }
}

/// Which method of the solver policy answered, and why the LU when it did (`tanji lca solve --timings`).
impl Localize for SolveMethod {
    fn localize(&self, language: Language) -> String {
        match self {
            SolveMethod::Iterative { steps } => text!(language,
                zh: "由 Jacobi 预条件 GMRES 求解（{steps} 步，残差已核验）",
                en: "solved by Jacobi-preconditioned GMRES ({steps} steps, residual verified)"),
            SolveMethod::Lu { reason } => {
                let reason = reason.localize(language);
                text!(language, zh: "由 Aᵀ 的稀疏 LU 求解：{reason}", en: "solved by the sparse LU of Aᵀ: {reason}")
            }
        }
    }
}

impl Localize for LuReason {
    fn localize(&self, language: Language) -> String {
        match self {
            LuReason::Requested => text!(language, zh: "按要求（--method lu）", en: "as asked (--method lu)"),
            LuReason::SmallSystem { n_processes } => text!(language,
                zh: "系统较小（{n_processes} 个过程），直接分解更快且保留精确数字",
                en: "a small system ({n_processes} processes), where the LU is quicker and keeps exact figures"),
            LuReason::NotConverged { steps, relative_residual } => {
                let residual = format!("{relative_residual:.1e}");
                text!(language,
                    zh: "GMRES 在 {steps} 步内未收敛（相对残差 {residual}）",
                    en: "GMRES did not converge within {steps} steps (relative residual {residual})")
            }
            LuReason::Rejected { steps } => text!(language,
                zh: "GMRES 在 {steps} 步后的解未通过残差与条件数核验",
                en: "GMRES's answer after {steps} steps failed the residual and conditioning check"),
        }
    }
}

/// An error in `tanji lca monte-carlo`'s uncertainty file: where (line, column), what, and how to fix it.
impl Localize for UncertaintyFileError {
    fn localize(&self, language: Language) -> String {
        let (line, field, problem) = (self.line, self.field.name(), self.problem.localize(language));
        let fix = uncertainty_file_fix(&self.problem, language);
        text!(language,
            zh: "第 {line} 行，{field} 列：{problem}\n  提示：{fix}",
            en: "line {line}, column {field}: {problem}\n  hint: {fix}")
    }
}

impl Localize for UncertaintyFileProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            UncertaintyFileProblem::MissingColumn(field) => {
                let field = field.name();
                text!(language, zh: "表头没有 `{field}` 列", en: "the header has no `{field}` column")
            }
            UncertaintyFileProblem::CellCount { expected, found } => text!(language,
                zh: "这一行有 {found} 个单元格，表头有 {expected} 个",
                en: "the line has {found} cells where the header has {expected}"),
            UncertaintyFileProblem::Malformed => {
                text!(language, zh: "这一行不是有效的 CSV", en: "the line is not valid CSV")
            }
            UncertaintyFileProblem::UnknownMatrix { found } => text!(language,
                zh: "未知的矩阵“{found}”：应为 technosphere（或 A）或 biosphere（或 B）",
                en: "unknown matrix “{found}”: expected technosphere (or A) or biosphere (or B)"),
            UncertaintyFileProblem::NotAnIndex { found } => text!(language,
                zh: "“{found}”不是从 1 计的序号（从 1 起的整数）",
                en: "“{found}” is not a 1-based index (a whole number from 1)"),
            UncertaintyFileProblem::NotANumber { found } => {
                text!(language, zh: "“{found}”不是数字", en: "“{found}” is not a number")
            }
            UncertaintyFileProblem::NotABoolean { found } => {
                text!(language, zh: "“{found}”不是 true 或 false", en: "“{found}” is not true or false")
            }
            UncertaintyFileProblem::OutOfRange { index, size } => text!(language,
                zh: "{index} 超出矩阵范围（共 {size}，从 1 计）",
                en: "{index} is outside the matrix, which has {size} (1-based)"),
            UncertaintyFileProblem::NoEntry { row, col } => text!(language,
                zh: "矩阵在 ({row}, {col}) 处没有与这一行对应的项",
                en: "the matrix has no entry at ({row}, {col}) for this line"),
            UncertaintyFileProblem::UnknownDistribution { found } => text!(language,
                zh: "不支持不确定性类型 {found}：可用 0 或 1（无）、2（对数正态）、3（正态）、4（均匀）、5（三角）",
                en: "uncertainty type {found} is not supported: use 0 or 1 (none), 2 (lognormal), 3 (normal), 4 (uniform) or 5 (triangular)"),
            UncertaintyFileProblem::MissingParameter => {
                text!(language, zh: "该分布需要这个参数，但它是空的", en: "the distribution needs this parameter, but it is empty")
            }
            UncertaintyFileProblem::LocNotLnAmount { found, expected } => text!(language,
                zh: "对数正态分布的 loc 必须是 ln |数量| = {expected}，但这里是 {found}",
                en: "a lognormal's loc must be ln |amount| = {expected}, but it is {found}"),
            UncertaintyFileProblem::LocNotAmount { found, expected } => text!(language,
                zh: "loc 必须等于该项的数量 {expected}，但这里是 {found}",
                en: "loc must be the amount of the entry, {expected}, but it is {found}"),
            UncertaintyFileProblem::SignMismatch { found, amount } => text!(language,
                zh: "negative 为 {found}，但数量是 {amount}",
                en: "negative is {found} but the amount is {amount}"),
            UncertaintyFileProblem::Distribution(error) => UncertaintyReason::from(error).localize(language),
        }
    }
}

/// What to do about an uncertainty-file problem.
fn uncertainty_file_fix(problem: &UncertaintyFileProblem, language: Language) -> String {
    match problem {
        UncertaintyFileProblem::MissingColumn(_)
        | UncertaintyFileProblem::CellCount { .. }
        | UncertaintyFileProblem::Malformed => text!(language,
            zh: "第一行应为 matrix,row,col,uncertainty_type,loc,scale,shape,minimum,maximum,negative（见 docs/lca-uncertainty.md）",
            en: "the first line must be matrix,row,col,uncertainty_type,loc,scale,shape,minimum,maximum,negative (see docs/lca-uncertainty.md)"),
        UncertaintyFileProblem::UnknownMatrix { .. } => {
            text!(language, zh: "matrix 列写 technosphere 或 biosphere", en: "write technosphere or biosphere in the matrix column")
        }
        UncertaintyFileProblem::NotAnIndex { .. } | UncertaintyFileProblem::OutOfRange { .. } => text!(language,
            zh: "行号和列号从 1 计，与 Matrix Market 文件相同，且不超过其尺寸行",
            en: "rows and columns count from 1, as in the Matrix Market files, and stay within their size line"),
        UncertaintyFileProblem::NoEntry { .. } => text!(language,
            zh: "每一行必须描述 .mtx 文件中的一项；同一位置有几项，最多就有几行",
            en: "each line must describe an entry of the .mtx file; a position has at most as many lines as it has entries"),
        UncertaintyFileProblem::UnknownDistribution { .. } => text!(language,
            zh: "使用 stats_arrays 的类型编号 0 到 5；其他分布请换成其中之一",
            en: "use a stats_arrays type number from 0 to 5; express other distributions as one of these"),
        UncertaintyFileProblem::NotANumber { .. } | UncertaintyFileProblem::MissingParameter => text!(language,
            zh: "对数正态填 scale（σ = ln GSD），正态填 scale（标准差），均匀和三角填 minimum 与 maximum",
            en: "a lognormal needs scale (σ = ln GSD), a normal scale (the standard deviation), uniform and triangular minimum and maximum"),
        UncertaintyFileProblem::NotABoolean { .. } | UncertaintyFileProblem::SignMismatch { .. } => text!(language,
            zh: "negative 写 true（数量为负）或 false",
            en: "write negative as true (for a negative amount) or false"),
        UncertaintyFileProblem::LocNotLnAmount { .. } | UncertaintyFileProblem::LocNotAmount { .. } => text!(language,
            zh: "tanji 以矩阵中的数量为分布中心：loc 留空，或写成与之一致的值",
            en: "tanji centres every distribution on the amount in the matrix: leave loc empty or make it agree"),
        UncertaintyFileProblem::Distribution(_) => text!(language,
            zh: "改正这一行的参数，使其符合该分布（见 docs/lca-uncertainty.md）",
            en: "correct the parameters of this line for its distribution (see docs/lca-uncertainty.md)"),
    }
}

/// An error in a Brightway datapackage: the file inside the package, the element when one is at fault, and what.
impl Localize for DatapackageError {
    fn localize(&self, language: Language) -> String {
        let (file, problem) = (&self.file, self.problem.localize(language));
        match self.index {
            Some(index) => text!(language,
                zh: "{file}，第 {index} 个元素（从 0 计）：{problem}",
                en: "{file}, element {index} (0-based): {problem}"),
            None => text!(language, zh: "{file}：{problem}", en: "{file}: {problem}"),
        }
    }
}

impl Localize for DatapackageProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            DatapackageProblem::Descriptor { reason } => text!(language,
                zh: "不是数据包描述文件（JSON 读取器：{reason}）",
                en: "not a datapackage descriptor: {reason}"),
            DatapackageProblem::MissingFile => {
                text!(language, zh: "数据包中缺少这个文件", en: "the file is missing from the package")
            }
            DatapackageProblem::UnsupportedFormat { found } => text!(language,
                zh: "不支持“{found}”格式：只读取 npy 数组",
                en: "format “{found}” is not supported: only npy arrays are read"),
            DatapackageProblem::NotNpy { reason } => text!(language,
                zh: "不是 NumPy .npy 数组（{reason}）",
                en: "not a NumPy .npy array: {reason}"),
            DatapackageProblem::NotVector { shape } => text!(language,
                zh: "数组形状为 {shape:?}，需要一维向量",
                en: "the array has shape {shape:?}; a one-dimensional vector is needed"),
            DatapackageProblem::WrongDtype { expected, found } => text!(language,
                zh: "数据类型为 {found}，应为 {expected}",
                en: "dtype {found} where {expected} is expected"),
            DatapackageProblem::Truncated { expected, found } => text!(language,
                zh: "数组只有 {found} 字节数据，其头部声明 {expected} 字节",
                en: "the array holds {found} bytes of data where its header promises {expected}"),
            DatapackageProblem::LengthMismatch { expected, found } => text!(language,
                zh: "数组有 {found} 个元素，而同组的 indices 有 {expected} 个",
                en: "the array has {found} elements where the group's indices have {expected}"),
            DatapackageProblem::MissingArray { group, kind } => {
                let kind = kind.name();
                text!(language, zh: "资源组“{group}”没有 {kind} 数组", en: "the resource group “{group}” has no {kind} array")
            }
            DatapackageProblem::NonFiniteValue { value } => {
                text!(language, zh: "值 {value} 不是有限数", en: "the value {value} is not a finite number")
            }
            DatapackageProblem::UnknownActivity { id } => text!(language,
                zh: "生物圈引用了 id 为 {id} 的活动，但技术圈没有这一列",
                en: "the biosphere names activity id {id}, which no technosphere column has"),
            DatapackageProblem::NoMatrix { matrix } => {
                let matrix = matrix.name();
                text!(language, zh: "没有任何数据包含 {matrix} 向量", en: "no package has a {matrix} vector")
            }
            DatapackageProblem::SeveralImpactCategories { groups } => {
                let (count, groups) = (groups.len(), groups.join("、"));
                text!(language,
                    zh: "数据包含 {count} 组特征化因子（{groups}），不知道按哪一组评分",
                    en: "the packages hold {count} characterisation groups ({groups}), so which to score is ambiguous")
            }
            DatapackageProblem::DuplicatesNotSummed => text!(language,
                zh: "sum_intra_duplicates 为 false；tanji 对同一位置的各项求和",
                en: "sum_intra_duplicates is false; tanji sums the entries at one position"),
            DatapackageProblem::Distribution { field, problem } => {
                let (field, problem) = (field.name(), problem.localize(language));
                text!(language, zh: "{field} 字段：{problem}", en: "field {field}: {problem}")
            }
            DatapackageProblem::UncertainCharacterization { uncertainty_type } => text!(language,
                zh: "特征化因子的不确定性类型为 {uncertainty_type}；蒙特卡洛只对 A 和 B 抽样",
                en: "the characterisation factor has uncertainty type {uncertainty_type}; Monte Carlo samples A and B only"),
        }
    }
}

/// What to do about a datapackage problem.
pub fn datapackage_fix(problem: &DatapackageProblem, language: Language) -> String {
    match problem {
        DatapackageProblem::Descriptor { .. } | DatapackageProblem::MissingFile => text!(language,
            zh: "给出 bw_processing 写出的完整数据包（zip 文件或目录），datapackage.json 所列文件都要在",
            en: "give the whole package bw_processing wrote (the zip or the directory), with every file datapackage.json lists"),
        DatapackageProblem::UnsupportedFormat { .. } => text!(language,
            zh: "用 bw_processing 的默认格式 numpy 重新保存数据包",
            en: "save the package again in bw_processing's default numpy format"),
        DatapackageProblem::NotNpy { .. }
        | DatapackageProblem::NotVector { .. }
        | DatapackageProblem::WrongDtype { .. }
        | DatapackageProblem::Truncated { .. }
        | DatapackageProblem::LengthMismatch { .. }
        | DatapackageProblem::MissingArray { .. } => text!(language,
            zh: "用 bw_processing 的 add_persistent_vector 重新写出该组：indices、data、flip 与 distributions 长度相同",
            en: "write the group again with bw_processing's add_persistent_vector: indices, data, flip and distributions of one length"),
        DatapackageProblem::NonFiniteValue { .. } => text!(language,
            zh: "改正该元素：交换量须为有限数",
            en: "correct that element: amounts must be finite numbers"),
        DatapackageProblem::UnknownActivity { .. } => text!(language,
            zh: "一并给出包含该活动的数据库数据包（`--datapackage` 可重复）",
            en: "also give the database package that holds the activity (--datapackage can be repeated)"),
        DatapackageProblem::NoMatrix { .. } => text!(language,
            zh: "给出数据库的数据包和影响类别的数据包，例如 `--datapackage db.zip --datapackage method.zip`",
            en: "give the database's package and an impact category's, e.g. --datapackage db.zip --datapackage method.zip"),
        DatapackageProblem::SeveralImpactCategories { .. } => text!(language,
            zh: "每次只给出一个影响类别的数据包",
            en: "give the package of one impact category at a time"),
        DatapackageProblem::DuplicatesNotSummed => text!(language,
            zh: "以 sum_intra_duplicates=True（bw_processing 的默认值）写出数据包，或先合并重复项",
            en: "write the package with sum_intra_duplicates=True (bw_processing's default), or merge the duplicates first"),
        DatapackageProblem::Distribution { .. } => text!(language,
            zh: "改正该元素的 stats_arrays 参数，使其符合分布与数量（见 docs/lca-uncertainty.md）",
            en: "correct that element's stats_arrays parameters for its distribution and amount (see docs/lca-uncertainty.md)"),
        DatapackageProblem::UncertainCharacterization { .. } => text!(language,
            zh: "将特征化因子的 uncertainty_type 设为 0，或用 `tanji lca solve` 计算确定性得分",
            en: "set the characterisation factors' uncertainty_type to 0, or use tanji lca solve for the deterministic score"),
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

    fn check_chinese(message: &dyn Localize) {
        let (zh, en) = (message.chinese(), message.english());
        assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{zh} / {en}");
        assert_eq!(crate::latin_sentences(&zh), Vec::<String>::new(), "English in the Chinese text: {zh}");
    }

    #[test]
    fn every_matrix_market_error_and_its_hint_is_in_both_languages() {
        // (In Chinese the header found is quoted as code, so that a header of English words is not a sentence.)
        let entry = |reason| MatrixMarketError::MalformedEntry { line: 5, found: "1 2 0,01".into(), reason };
        let errors = [
            MatrixMarketError::Empty,
            MatrixMarketError::MissingHeader { line: 1, found: "2 2 1".into() },
            MatrixMarketError::UnsupportedHeader {
                line: 1,
                found: "%%MatrixMarket matrix coordinate real symmetric".into(),
            },
            MatrixMarketError::MissingSizeLine { line: 3 },
            MatrixMarketError::MalformedSizeLine { line: 2, found: "2 x".into() },
            entry(EntryProblem::TooFewFields),
            entry(EntryProblem::TooManyFields),
            entry(EntryProblem::RowNotWhole),
            entry(EntryProblem::ColumnNotWhole),
            entry(EntryProblem::ValueNotNumber),
            MatrixMarketError::IndexOutOfRange { line: 4, row: 3, col: 1, n_rows: 2, n_cols: 2 },
            MatrixMarketError::NonFiniteValue { line: 4, found: "NaN".into() },
            MatrixMarketError::WrongEntryCount { line: 2, expected: 3, found: 2 },
        ];
        for error in &errors {
            check_chinese(error);
            // The English text is the one the domain's `Display` gives for logs.
            assert_eq!(error.english(), error.to_string());
            let hint = matrix_market_hint(error, Language::SimplifiedChinese);
            assert_eq!(crate::latin_sentences(&hint), Vec::<String>::new(), "{hint}");
        }
        assert_eq!(errors[9].chinese(), "第 5 行：应为一项 `ROW COLUMN VALUE`，实为“1 2 0,01”：值不是数字");
    }

    #[test]
    fn every_monte_carlo_error_is_in_both_languages() {
        let errors = [
            MonteCarloError::System(SystemError::TechnosphereNotSquare { n_rows: 2, n_cols: 3 }),
            MonteCarloError::Distribution {
                matrix: MatrixName::Technosphere,
                row_idx: 0,
                col_idx: 1,
                source: tanji_lca::UncertaintyError::NegativeSd { sd: -0.5 },
            },
            MonteCarloError::Solve(SolveError::Factorisation { cause: FactorisationCause::OutOfMemory }),
            MonteCarloError::DemandOutOfRange { product_idx: 2, n_products: 2 },
            MonteCarloError::EmptyDemand,
            MonteCarloError::NoIterations,
            MonteCarloError::SampleNotSolvable { iteration: 7, reason: SampleFailure::SolutionNotFinite },
            MonteCarloError::SampleNotSolvable { iteration: 7, reason: SampleFailure::ScoreNotFinite },
            MonteCarloError::SampleNotSolvable {
                iteration: 7,
                reason: SampleFailure::Solve(SolveError::Factorisation { cause: FactorisationCause::Unnamed }),
            },
            MonteCarloError::SampleNotSolvable {
                iteration: 7,
                reason: SampleFailure::Solve(SolveError::Factorisation { cause: FactorisationCause::IndexOverflow }),
            },
        ];
        for error in &errors {
            check_chinese(error);
        }
        assert_eq!(
            errors[1].chinese(),
            "技术圈矩阵 A在 (1, 2)（从 1 计）处的项：标准差不能为负，但这里是 -0.5",
            "the entry is named 1-based, as in the files"
        );
    }

    #[test]
    fn an_unproductive_loop_reads_the_same_in_english_as_the_solver_says_it() {
        use tanji_lca::{CheckedSolver, Entry, SolvePolicy, System};
        let entry = |row_idx, col_idx, value| Entry { row_idx, col_idx, value };
        let technosphere = [entry(0, 0, 1.0), entry(1, 0, -2.0), entry(0, 1, -0.8), entry(1, 1, 1.0)];
        let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
        let error = CheckedSolver::new(system, SolvePolicy::default()).unwrap_err();
        let english = error.english();
        assert!(english.contains("needs 1.6 units of itself through the loop"), "{english}");
        let chinese = error.chinese();
        assert!(chinese.contains("1.6 单位它自己") && chinese.contains("没有非负解"), "{chinese}");
    }
}
