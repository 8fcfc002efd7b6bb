//! Supplier assessment (`tanji-supplier`): framework problems, answers and evidence decisions, score explanations,
//! allocation to customers, scope 3 methods and target findings.

pub mod console;

use tanji_supplier::allocation::{AllocationMethod, AllocationProblem, BasisKind};
use tanji_supplier::campaign::CampaignProblem;
use tanji_supplier::evidence_file::{EvidenceFileProblem, EvidenceMediaType, MAX_EVIDENCE_BYTES};
use tanji_supplier::framework::{EvidenceKind, FrameworkProblem, TierLevel};
use tanji_supplier::scope3::{DataQualityFlag, LineProblem, MethodUnavailable, PassedOver, Scope3Method};
use tanji_supplier::scoring::{AnswerError, EvidenceStatus, ScoreOutcome};
use tanji_supplier::target::{ShareBasis, TargetFinding, TargetStatus};

use crate::inventory::figure;
use crate::{Language, Localize, text};

fn number(value: f64) -> String {
    figure(value, 4)
}

impl Localize for TierLevel {
    fn localize(&self, language: Language) -> String {
        match self {
            TierLevel::Full => text!(language, zh: "完全", en: "full"),
            TierLevel::Partial => text!(language, zh: "部分", en: "partial"),
            TierLevel::None => text!(language, zh: "无", en: "none"),
        }
    }
}

impl Localize for EvidenceKind {
    fn localize(&self, language: Language) -> String {
        use EvidenceKind as K;
        match self {
            K::ManagementDocument => {
                text!(language, zh: "管理文件（组织架构、任命书、制度）", en: "management document (organisation chart, appointment, policy)")
            }
            K::SystemCertificate => text!(language, zh: "管理体系认证证书", en: "management-system certificate"),
            K::InventoryReport => text!(language, zh: "温室气体盘查报告", en: "GHG inventory report"),
            K::VerificationStatement => {
                text!(language, zh: "第三方核查报告或核查声明", en: "third-party verification statement")
            }
            K::FootprintReport => text!(language, zh: "产品碳足迹报告", en: "product carbon footprint report"),
            K::AllocationRecord => text!(language, zh: "客户分摊记录", en: "allocation to customers"),
            K::TargetDocument => text!(language, zh: "减排目标文件", en: "reduction target document"),
            K::SbtiValidation => {
                text!(language, zh: "SBTi 审核通过函或目标公示", en: "SBTi validation letter or dashboard entry")
            }
            K::PerformanceRecord => {
                text!(language, zh: "历年排放与目标对比记录", en: "emissions against the target by year")
            }
            K::EnergyRecord => {
                text!(language, zh: "电费单、计量数据或发电记录", en: "electricity bills, meter data or generation records")
            }
            K::GreenCertificate => {
                text!(language, zh: "绿证或绿电交易凭证", en: "green certificates or green-power contracts")
            }
            K::EtsComplianceRecord => {
                text!(language, zh: "碳市场履约清缴记录", en: "emissions-trading compliance records")
            }
            K::OffsetRecord => {
                text!(language, zh: "CCER 等减排量的购买与注销记录", en: "CCER or other credit retirements")
            }
            K::ProjectRecord => {
                text!(language, zh: "减排项目及其前后计量数据", en: "reduction project with before and after figures")
            }
            K::ComplianceRecord => {
                text!(language, zh: "排污许可及公开违规记录检索", en: "permits and a search of public violation records")
            }
            K::RectificationRecord => {
                text!(language, zh: "整改完成及主管部门确认", en: "rectification closed by the authority")
            }
            K::Disclosure => {
                text!(language, zh: "公开披露（CDP 回复、ESG 报告）", en: "public disclosure (CDP response, ESG report)")
            }
        }
    }
}

impl Localize for FrameworkProblem {
    fn localize(&self, language: Language) -> String {
        use FrameworkProblem as P;
        match self {
            P::Syntax { line: Some(line), detail } => text!(language,
                zh: "框架文件第 {line} 行无法读取：请检查 TOML 语法、键名是否拼写正确、是否缺少必填键以及取值类型",
                en: "framework file, line {line}: {detail}"),
            P::Syntax { line: None, detail } => text!(language,
                zh: "框架文件无法读取：请检查 TOML 语法、键名是否拼写正确、是否缺少必填键以及取值类型",
                en: "framework file: {detail}"),
            P::VersionZero => text!(language, zh: "版本号须为 1 或更大", en: "the version must be 1 or more"),
            P::DuplicateId { id } => text!(language, zh: "编号 {id} 重复", en: "the id {id} is used twice"),
            P::BadId { id } => text!(language,
                zh: "编号“{id}”无效：只能使用小写字母、数字、- 和 _，且不超过 64 个字符",
                en: "the id “{id}” is not valid: use lowercase letters, digits, - and _, at most 64 characters"),
            P::MaxScoreNotPositive { max_score } => {
                let max_score = number(*max_score);
                text!(language, zh: "满分 {max_score} 须为正数", en: "the maximum score {max_score} must be positive")
            }
            P::AreaWeightsDoNotSum { sum, max_score } => {
                let (sum, max_score) = (number(*sum), number(*max_score));
                text!(language, zh: "各领域权重之和为 {sum}，应等于满分 {max_score}", en: "the area weights add up to {sum}, not the maximum score {max_score}")
            }
            P::WeightNotPositive { id, weight } => {
                let weight = number(*weight);
                text!(language, zh: "{id} 的权重 {weight} 须为正数", en: "the weight of {id} is {weight}; it must be positive")
            }
            P::EmptyArea { area } => {
                text!(language, zh: "领域 {area} 没有指标", en: "the area {area} has no indicators")
            }
            P::MissingTierLevel { indicator, level } => {
                let level = level.localize(language);
                text!(language, zh: "指标 {indicator} 缺少“{level}”档", en: "the indicator {indicator} has no “{level}” tier")
            }
            P::PointsInvalid { indicator, tier, points } => {
                let points = number(*points);
                text!(language, zh: "{indicator}/{tier} 的分值 {points} 须为 0 或正数", en: "{indicator}/{tier} has {points} points; points must be 0 or more")
            }
            P::PointsOutOfOrder { indicator, tier } => text!(language,
                zh: "{indicator}/{tier} 的分值与档次不符：“完全”档分值最高，“无”档为 0，“部分”档介于两者之间",
                en: "{indicator}/{tier} has points out of order: the full tier has the most, the none tier 0, partial tiers in between"),
            P::UnknownSource { indicator, tier, source_id } => text!(language,
                zh: "{indicator}/{tier} 引用了未列出的依据 {source_id}",
                en: "{indicator}/{tier} names the source {source_id}, which is not listed"),
            P::UnknownIndicator { gate, indicator } => text!(language,
                zh: "门槛 {gate} 引用了不存在的指标 {indicator}",
                en: "the gate {gate} names the indicator {indicator}, which does not exist"),
            P::UnknownTier { gate, tier } => text!(language,
                zh: "门槛 {gate} 引用了该指标没有的档次 {tier}",
                en: "the gate {gate} names the tier {tier}, which its indicator does not have"),
            P::UnknownGrade { gate, grade } => text!(language,
                zh: "门槛 {gate} 的封顶等级 {grade} 没有对应的等级区间",
                en: "the gate {gate} caps to the grade {grade}, which has no band"),
            P::NoBands => text!(language, zh: "没有等级区间", en: "there are no grade bands"),
            P::BandsOutOfOrder { grade } => text!(language,
                zh: "等级 {grade} 顺序有误：等级须从高到低列出，下限严格递减",
                en: "the band {grade} is out of order: list bands best first with falling lower bounds"),
            P::BandsDoNotCoverZero { min_score } => {
                let min_score = number(*min_score);
                text!(language, zh: "最低等级的下限为 {min_score}，应为 0，否则部分得分没有等级", en: "the lowest band starts at {min_score}, not 0, so some scores get no grade")
            }
            P::BandAboveMaximum { grade, min_score, max_score } => {
                let (min_score, max_score) = (number(*min_score), number(*max_score));
                text!(language, zh: "等级 {grade} 的下限 {min_score} 高于满分 {max_score}，无法达到", en: "the band {grade} starts at {min_score}, above the maximum {max_score}, so it cannot be reached")
            }
            P::EmptyText { id, field } => text!(language,
                zh: "{id} 的 {field} 为空：名称和档次说明须同时有中文和英文",
                en: "{field} of {id} is empty: names and tier labels are needed in both Chinese and English"),
            P::DuplicateGrade { grade } => {
                text!(language, zh: "等级 {grade} 重复", en: "the grade {grade} is listed twice")
            }
        }
    }
}

impl Localize for AnswerError {
    fn localize(&self, language: Language) -> String {
        use AnswerError as E;
        match self {
            E::UnknownIndicator { indicator } => {
                text!(language, zh: "没有指标 {indicator}", en: "there is no indicator {indicator}")
            }
            E::UnknownTier { indicator, tier } => {
                text!(language, zh: "指标 {indicator} 没有档次 {tier}", en: "the indicator {indicator} has no tier {tier}")
            }
            E::DuplicateEvidence { evidence_id } => {
                text!(language, zh: "证据 {evidence_id} 重复提交", en: "the evidence {evidence_id} is attached twice")
            }
            E::AlreadyAnswered { indicator } => text!(language,
                zh: "指标 {indicator} 已作答；如需修改，请先重新打开（将生成新版本）",
                en: "the indicator {indicator} is already answered; reopen it to answer again (this makes a new version)"),
            E::NothingToReopen { indicator } => {
                text!(language, zh: "指标 {indicator} 尚未作答，无需重新打开", en: "the indicator {indicator} has no answer to reopen")
            }
            E::UnknownEvidence { indicator, answer_version, evidence_id } => text!(language,
                zh: "指标 {indicator} 的第 {answer_version} 版答案中没有证据 {evidence_id}，或该版本已被新版本取代",
                en: "version {answer_version} of the answer to {indicator} has no evidence {evidence_id}, or a newer version replaced it"),
            E::SelfApproval { reviewer } => text!(language,
                zh: "{reviewer} 是该指标的作答人，不能审核自己提交的证据",
                en: "{reviewer} answered this indicator and cannot review its own evidence"),
        }
    }
}

impl Localize for EvidenceMediaType {
    fn localize(&self, language: Language) -> String {
        match self {
            EvidenceMediaType::Pdf => text!(language, zh: "PDF 文件", en: "a PDF file"),
            EvidenceMediaType::Png => text!(language, zh: "PNG 图片", en: "a PNG image"),
            EvidenceMediaType::Jpeg => text!(language, zh: "JPEG 图片", en: "a JPEG image"),
            EvidenceMediaType::Text => text!(language, zh: "UTF-8 文本/CSV", en: "UTF-8 text or CSV"),
        }
    }
}

impl Localize for EvidenceFileProblem {
    fn localize(&self, language: Language) -> String {
        use EvidenceFileProblem as P;
        let max_mb = MAX_EVIDENCE_BYTES / 1_000_000;
        match self {
            P::Empty { file_name } => {
                text!(language, zh: "文件 {file_name} 是空的：请选择有内容的文件", en: "the file {file_name} is empty: choose the file with its content")
            }
            P::TooLarge { file_name, size_bytes, max_bytes } => text!(language,
                zh: "文件 {file_name} 有 {size_bytes} 字节，超过上限 {max_bytes} 字节（{max_mb} MB）：请压缩或拆分后再上传",
                en: "the file {file_name} has {size_bytes} bytes, more than the limit of {max_bytes} bytes ({max_mb} MB): compress or split it and upload again"),
            P::BadFileName { file_name } => text!(language,
                zh: "文件名 “{file_name}” 不可用：文件名不能为空、不能以点开头、不能含路径分隔符或控制字符，最长 200 字",
                en: "the file name “{file_name}” cannot be used: it must not be empty, start with a dot, or contain path separators or control characters, and has at most 200 characters"),
            P::TypeNotAccepted { file_name } => text!(language,
                zh: "文件 {file_name} 的内容不是 PDF、PNG、JPEG 或 UTF-8 文本/CSV：请另存为这些格式之一（可执行文件、压缩包、Office 文档不接受）",
                en: "the content of {file_name} is not PDF, PNG, JPEG or UTF-8 text/CSV: save it as one of these (executables, archives and office documents are not accepted)"),
            P::NameDoesNotMatchContent { file_name, named, detected } => {
                let detected = detected.localize(language);
                text!(language,
                    zh: "文件 {file_name} 的扩展名为 “{named}”，但内容是{detected}：请使用与内容相符的扩展名（.pdf、.png、.jpg、.txt、.csv）",
                    en: "the file {file_name} is named “.{named}” but its content is {detected}: name it after its content (.pdf, .png, .jpg, .txt, .csv)")
            }
            P::ActiveContent { file_name, what } => text!(language,
                zh: "文件 {file_name} 含可执行的活动内容（{what}），出于安全原因拒收：请上传不含脚本的版本（如打印为 PDF）",
                en: "the file {file_name} carries active content ({what}) and is refused for safety: upload a version without scripts (for example, print it to PDF)"),
        }
    }
}

impl Localize for CampaignProblem {
    fn localize(&self, language: Language) -> String {
        use CampaignProblem as P;
        match self {
            P::UnknownFramework { framework_id, framework_version } => text!(language,
                zh: "没有评价体系 {framework_id} 第 {framework_version} 版：请选择 tanji 提供的评价体系版本",
                en: "there is no framework {framework_id} version {framework_version}: choose one of the framework versions tanji provides"),
            P::NoSuppliers => text!(language,
                zh: "请至少选择一家已关联的供应商，或邀请一家尚未使用 tanji 的供应商",
                en: "choose at least one linked supplier, or invite a supplier not yet on tanji"),
            P::LinkNotInForce { link_id } => text!(language,
                zh: "供应关联 {link_id} 不是本组织有效的供应关联：请从供应商列表中选择",
                en: "the supplier link {link_id} is not one of your links in force: choose from your suppliers"),
            P::DuplicateSupplier { link_id } => text!(language,
                zh: "供应关联 {link_id} 被选择了两次", en: "the supplier link {link_id} is chosen twice"),
            P::DueDateInPast { due_on, today } => text!(language,
                zh: "截止日期 {due_on} 早于今天（{today}）：请选择今天或之后的日期",
                en: "the due date {due_on} is before today ({today}): choose today or a later date"),
            P::AnswerSubmitted { indicator } => text!(language,
                zh: "指标 {indicator} 的答案已提交，不能再附加证据：请先重新打开该答案（将生成新版本）",
                en: "the answer to {indicator} is submitted and takes no more evidence: reopen it first (this makes a new version)"),
            P::NotAnswered { indicator } => text!(language,
                zh: "请先回答指标 {indicator}，再上传证据", en: "answer {indicator} before uploading evidence"),
            P::NotSubmitted { indicator } => text!(language,
                zh: "指标 {indicator} 的答案尚未提交，提交后才能审核",
                en: "the answer to {indicator} is not submitted yet; it can be reviewed once submitted"),
            P::NothingToSubmit => text!(language,
                zh: "没有新的答案需要提交：请先作答或重新打开答案",
                en: "there is nothing new to submit: answer, or reopen an answer, first"),
            P::RejectionWithoutComment => text!(language,
                zh: "驳回证据时请填写意见，告诉供应商需要补充或更正什么",
                en: "a rejection needs a comment telling the supplier what to add or correct"),
            P::UnknownEvidenceKind { kind } => text!(language,
                zh: "没有证据类型 {kind}：请从列表中选择", en: "there is no evidence kind {kind}: choose one from the list"),
        }
    }
}

impl Localize for ScoreOutcome {
    fn localize(&self, language: Language) -> String {
        match self {
            ScoreOutcome::Unanswered => text!(language, zh: "未作答，按“无”档计分", en: "not answered: scored as none"),
            ScoreOutcome::CreditedWithoutEvidence => {
                text!(language, zh: "该档无需证据，按所答档次计分", en: "this tier needs no evidence: scored as answered")
            }
            ScoreOutcome::CreditedWithEvidence => {
                text!(language, zh: "证据已获审核通过，按所答档次计分", en: "evidence accepted: scored as answered")
            }
            ScoreOutcome::FellBack { claimed, scored } => text!(language,
                zh: "所答档次 {claimed} 的证据未全部通过审核，按证据已通过的档次 {scored} 计分",
                en: "the evidence for the claimed tier {claimed} was not all accepted: scored at {scored}, the best tier whose evidence was"),
        }
    }
}

impl Localize for EvidenceStatus {
    fn localize(&self, language: Language) -> String {
        match self {
            EvidenceStatus::Accepted { evidence_id, reviewer } => {
                text!(language, zh: "证据 {evidence_id} 已由 {reviewer} 审核通过", en: "evidence {evidence_id} accepted by {reviewer}")
            }
            EvidenceStatus::Rejected { evidence_id, reviewer, comment } => text!(language,
                zh: "证据 {evidence_id} 被 {reviewer} 驳回：{comment}",
                en: "evidence {evidence_id} rejected by {reviewer}: {comment}"),
            EvidenceStatus::AwaitingReview { evidence_id } => {
                text!(language, zh: "证据 {evidence_id} 待审核", en: "evidence {evidence_id} awaits review")
            }
            EvidenceStatus::SelfApprovalIgnored { evidence_id } => text!(language,
                zh: "证据 {evidence_id} 仅有作答人本人的审核，不予采信",
                en: "evidence {evidence_id} was approved only by its own answerer, which does not count"),
            EvidenceStatus::Missing => {
                text!(language, zh: "未提交该类证据", en: "no evidence of this kind was attached")
            }
        }
    }
}

impl Localize for BasisKind {
    fn localize(&self, language: Language) -> String {
        match self {
            BasisKind::Mass => text!(language, zh: "质量", en: "mass"),
            BasisKind::Units => text!(language, zh: "数量（件）", en: "units"),
            BasisKind::Revenue => text!(language, zh: "营业收入", en: "revenue"),
        }
    }
}

impl Localize for AllocationMethod {
    fn localize(&self, language: Language) -> String {
        use AllocationMethod as M;
        match self {
            M::Subdivision => text!(language, zh: "细分（专线单独计量）", en: "subdivision (measured apart)"),
            M::Physical => text!(language, zh: "按实物量分摊", en: "physical allocation"),
            M::Economic => text!(language, zh: "按经济价值分摊", en: "economic allocation"),
            M::SubdivisionAndPhysical => {
                text!(language, zh: "细分加按实物量分摊", en: "subdivision plus physical allocation")
            }
            M::SubdivisionAndEconomic => {
                text!(language, zh: "细分加按经济价值分摊", en: "subdivision plus economic allocation")
            }
            M::NotAllocated => {
                text!(language, zh: "未分摊给提出请求的客户", en: "not allocated to a requesting customer")
            }
        }
    }
}

impl Localize for AllocationProblem {
    fn localize(&self, language: Language) -> String {
        use AllocationProblem as P;
        match self {
            P::TotalInvalid { value } => {
                let value = number(*value);
                text!(language, zh: "供应商排放总量 {value} 无效：须为 0 或正数", en: "the supplier's total {value} is not valid: it must be 0 or more")
            }
            P::UncertaintyInvalid { value } => {
                let value = number(*value);
                text!(language, zh: "不确定性 {value}% 无效：须为 0 或正的百分数", en: "the uncertainty {value} % is not valid: it must be a percentage of 0 or more")
            }
            P::SubdivisionInvalid { customer, value } => {
                let value = number(*value);
                text!(language, zh: "客户 {customer} 的单独计量排放 {value} 无效：须为 0 或正数", en: "the emissions measured apart for {customer} ({value}) must be 0 or more")
            }
            P::SubdivisionExceedsTotal { subdivided, total } => {
                let (subdivided, total) = (number(*subdivided), number(*total));
                text!(language, zh: "单独计量的排放之和 {subdivided} 超过了排放总量 {total}", en: "emissions measured apart ({subdivided}) exceed the total ({total})")
            }
            P::DuplicateCustomer { customer } => {
                text!(language, zh: "客户 {customer} 出现了两次", en: "the customer {customer} appears twice")
            }
            P::BasisTotalNotPositive { value } => {
                let value = number(*value);
                text!(language, zh: "分摊依据的供应商总量 {value} 须为正数", en: "the supplier's total of the basis ({value}) must be positive")
            }
            P::AmountInvalid { customer, value } => {
                let value = number(*value);
                text!(language, zh: "客户 {customer} 的分摊依据数值 {value} 须为 0 或正数", en: "the basis amount for {customer} ({value}) must be 0 or more")
            }
            P::AmountsExceedTotal { sum, total } => {
                let (sum, total) = (number(*sum), number(*total));
                text!(language, zh: "各客户的数值之和 {sum} 超过了供应商总量 {total}", en: "the customers' amounts ({sum}) exceed the supplier's total ({total})")
            }
            P::WrongBasisKind { kind, expected_physical: true } => {
                let kind = kind.localize(language);
                text!(language, zh: "此处应为实物量（质量或件数）依据，给出的是“{kind}”", en: "a physical basis (mass or units) is expected here, not {kind}")
            }
            P::WrongBasisKind { kind, expected_physical: false } => {
                let kind = kind.localize(language);
                text!(language, zh: "此处应为经济价值（营业收入）依据，给出的是“{kind}”", en: "an economic basis (revenue) is expected here, not {kind}")
            }
            P::CustomerMissingFromBasis { customer } => text!(language,
                zh: "客户 {customer} 有单独计量的排放，但分摊依据中没有该客户（如无共用部分请填 0）",
                en: "the customer {customer} has emissions measured apart but is missing from the basis (enter 0 if it shares nothing)"),
        }
    }
}

impl Localize for Scope3Method {
    fn localize(&self, language: Language) -> String {
        match self {
            Scope3Method::SupplierSpecific => text!(language, zh: "供应商特定法", en: "supplier-specific method"),
            Scope3Method::Hybrid => text!(language, zh: "混合法", en: "hybrid method"),
            Scope3Method::AverageData => text!(language, zh: "平均数据法", en: "average-data method"),
            Scope3Method::SpendBased => text!(language, zh: "支出法", en: "spend-based method"),
        }
    }
}

impl Localize for DataQualityFlag {
    fn localize(&self, language: Language) -> String {
        match self {
            DataQualityFlag::PrimaryVerified => {
                text!(language, zh: "一手数据，经第三方核查", en: "primary data, independently verified")
            }
            DataQualityFlag::Primary => text!(language, zh: "一手数据，未经核查", en: "primary data, not verified"),
            DataQualityFlag::Mixed => text!(language, zh: "一手与二手数据混合", en: "primary and secondary data"),
            DataQualityFlag::Secondary => {
                text!(language, zh: "二手数据（平均因子）", en: "secondary data (average factors)")
            }
            DataQualityFlag::SpendEstimate => text!(language, zh: "按支出估算", en: "spend-based estimate"),
        }
    }
}

impl Localize for MethodUnavailable {
    fn localize(&self, language: Language) -> String {
        use MethodUnavailable as M;
        match self {
            M::NoData => text!(language, zh: "没有所需数据", en: "no data for it"),
            M::NoQuantity => text!(language, zh: "缺少采购实物量", en: "no quantity bought"),
            M::NoSpend => text!(language, zh: "缺少采购金额", en: "no spend"),
            M::NoUpstreamInputs => text!(language,
                zh: "混合法还需要供应商所用原材料及其因子，仅有其范围一、二排放会遗漏上游",
                en: "the hybrid method also needs the supplier's inputs with factors; its scope 1+2 alone leaves out everything upstream"),
            M::UnitMismatch { from, to } => {
                text!(language, zh: "单位 {from} 无法换算为 {to}", en: "{from} cannot be converted to {to}")
            }
            M::InvalidValue { value } => {
                let value = number(*value);
                text!(language, zh: "数值 {value} 无效：须为 0 或正数", en: "the value {value} is not valid: it must be 0 or more")
            }
        }
    }
}

impl Localize for PassedOver {
    fn localize(&self, language: Language) -> String {
        let method = self.method.localize(language);
        let reason = self.reason.localize(language);
        text!(language, zh: "未用{method}：{reason}", en: "{method} not used: {reason}")
    }
}

impl Localize for LineProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            LineProblem::NotCategory1Or2 { line_id, category } => text!(language,
                zh: "采购行 {line_id} 属于范围三类别 {category}，此处只计算类别 1 和 2",
                en: "purchase line {line_id} is scope 3 category {category}; only categories 1 and 2 are calculated here"),
            LineProblem::NoMethod { line_id, reasons } => {
                let separator = match language {
                    Language::SimplifiedChinese => "；",
                    Language::English => "; ",
                };
                let reasons =
                    reasons.iter().map(|reason| reason.localize(language)).collect::<Vec<_>>().join(separator);
                text!(language,
                    zh: "采购行 {line_id} 无法用任何方法计算（{reasons}）：请补充供应商数据、实物量或采购金额及对应因子",
                    en: "purchase line {line_id} could not be calculated by any method ({reasons}): add supplier data, a quantity or the spend with a factor")
            }
        }
    }
}

impl Localize for TargetFinding {
    fn localize(&self, language: Language) -> String {
        use TargetFinding as F;
        match self {
            F::TargetYearNotAfterBaseYear { base_year, target_year } => text!(language,
                zh: "目标年 {target_year} 须晚于基准年 {base_year}",
                en: "the target year {target_year} must be after the base year {base_year}"),
            F::BaseYearTooEarly { base_year, earliest } => text!(language,
                zh: "基准年 {base_year} 早于 {earliest} 年",
                en: "the base year {base_year} is before {earliest}"),
            F::TimeframeOutOfRange { submitted_year, target_year, years } => text!(language,
                zh: "目标年 {target_year} 距提交年 {submitted_year} 为 {years} 年，近期目标应为 5 至 10 年",
                en: "the target year {target_year} is {years} years after submission in {submitted_year}; near-term targets cover 5 to 10 years"),
            F::Scope12AmbitionTooLow { target_percent, required_percent } => {
                let (target_percent, required_percent) = (number(*target_percent), number(*required_percent));
                text!(language,
                    zh: "范围一、二减排 {target_percent}%，低于每年 4.2% 线性下降所需的 {required_percent}%",
                    en: "the scope 1+2 reduction of {target_percent} % is below the {required_percent} % that 4.2 % a year requires")
            }
            F::Scope12CoverageTooLow { coverage_percent, required_percent } => {
                let (coverage_percent, required_percent) = (number(*coverage_percent), number(*required_percent));
                text!(language,
                    zh: "目标覆盖范围一、二排放的 {coverage_percent}%，应不少于 {required_percent}%",
                    en: "the target covers {coverage_percent} % of scope 1+2; at least {required_percent} % is required")
            }
            F::Scope3TargetMissing { scope3_share_percent } => {
                let share = number(*scope3_share_percent);
                text!(language,
                    zh: "范围三占总排放的 {share}%（不低于 40%），需要设定范围三目标",
                    en: "scope 3 is {share} % of the total (40 % or more), so a scope 3 target is required")
            }
            F::Scope3CoverageTooLow { coverage_percent, required_percent } => {
                let (coverage_percent, required_percent) = (number(*coverage_percent), number(*required_percent));
                text!(language,
                    zh: "范围三目标覆盖 {coverage_percent}%，应不少于 {required_percent}%",
                    en: "the scope 3 target covers {coverage_percent} %; at least {required_percent} % is required")
            }
            F::Scope3AmbitionTooLow { target_percent, required_percent } => {
                let (target_percent, required_percent) = (number(*target_percent), number(*required_percent));
                text!(language,
                    zh: "范围三减排 {target_percent}%，低于每年 2.5% 线性下降所需的 {required_percent}%",
                    en: "the scope 3 reduction of {target_percent} % is below the {required_percent} % that 2.5 % a year requires")
            }
            F::PercentInvalid { value } => {
                let value = number(*value);
                text!(language, zh: "百分数 {value} 无效：须在 0 至 100 之间", en: "the percentage {value} is not valid: it must be between 0 and 100")
            }
        }
    }
}

impl Localize for TargetStatus {
    fn localize(&self, language: Language) -> String {
        match self {
            TargetStatus::NoTarget => text!(language, zh: "无目标", en: "no target"),
            TargetStatus::Committed => text!(language, zh: "已承诺", en: "committed"),
            TargetStatus::TargetSet => {
                text!(language, zh: "已设定（未经 SBTi 审核）", en: "set, not validated by the SBTi")
            }
            TargetStatus::SbtiValidated => text!(language, zh: "已通过 SBTi 审核", en: "validated by the SBTi"),
        }
    }
}

impl Localize for ShareBasis {
    fn localize(&self, language: Language) -> String {
        match self {
            ShareBasis::Spend => text!(language, zh: "按采购金额", en: "by spend"),
            ShareBasis::Emissions => text!(language, zh: "按排放量", en: "by emissions"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latin_sentences;

    #[test]
    fn every_supplier_message_reads_as_chinese_and_english() {
        let mut messages: Vec<Box<dyn Localize>> = vec![
            Box::new(FrameworkProblem::Syntax { line: Some(12), detail: "missing field `id`".into() }),
            Box::new(FrameworkProblem::Syntax { line: None, detail: "unexpected end".into() }),
            Box::new(FrameworkProblem::VersionZero),
            Box::new(FrameworkProblem::EmptyText { id: "x/full".into(), field: "label_zh".into() }),
            Box::new(FrameworkProblem::AreaWeightsDoNotSum { sum: 90.0, max_score: 100.0 }),
            Box::new(FrameworkProblem::MissingTierLevel { indicator: "x".into(), level: TierLevel::None }),
            Box::new(FrameworkProblem::PointsOutOfOrder { indicator: "x".into(), tier: "full".into() }),
            Box::new(FrameworkProblem::UnknownSource {
                indicator: "x".into(),
                tier: "full".into(),
                source_id: "s".into(),
            }),
            Box::new(FrameworkProblem::BandsDoNotCoverZero { min_score: 10.0 }),
            Box::new(FrameworkProblem::BandAboveMaximum { grade: "A".into(), min_score: 110.0, max_score: 100.0 }),
            Box::new(AnswerError::SelfApproval { reviewer: "ann".into() }),
            Box::new(AnswerError::AlreadyAnswered { indicator: "x".into() }),
            Box::new(AnswerError::UnknownEvidence {
                indicator: "x".into(),
                answer_version: 1,
                evidence_id: "e1".into(),
            }),
            Box::new(ScoreOutcome::FellBack { claimed: "full".into(), scored: "partial".into() }),
            Box::new(ScoreOutcome::Unanswered),
            Box::new(EvidenceStatus::Rejected {
                evidence_id: "e1".into(),
                reviewer: "rob".into(),
                comment: "扫描件不清晰".into(),
            }),
            Box::new(EvidenceStatus::SelfApprovalIgnored { evidence_id: "e1".into() }),
            Box::new(EvidenceStatus::Missing),
            Box::new(AllocationProblem::WrongBasisKind { kind: BasisKind::Mass, expected_physical: false }),
            Box::new(AllocationProblem::AmountsExceedTotal { sum: 1200.0, total: 1000.0 }),
            Box::new(AllocationProblem::CustomerMissingFromBasis { customer: "c".into() }),
            Box::new(AllocationMethod::SubdivisionAndPhysical),
            Box::new(LineProblem::NoMethod {
                line_id: "L6".into(),
                reasons: vec![
                    PassedOver { method: Scope3Method::SupplierSpecific, reason: MethodUnavailable::NoData },
                    PassedOver {
                        method: Scope3Method::AverageData,
                        reason: MethodUnavailable::UnitMismatch { from: "kWh".into(), to: "kg".into() },
                    },
                ],
            }),
            Box::new(LineProblem::NotCategory1Or2 { line_id: "L7".into(), category: 4 }),
            Box::new(TargetFinding::Scope12AmbitionTooLow { target_percent: 40.0, required_percent: 42.0 }),
            Box::new(TargetFinding::Scope3TargetMissing { scope3_share_percent: 66.7 }),
            Box::new(TargetFinding::TimeframeOutOfRange { submitted_year: 2024, target_year: 2036, years: 12 }),
            Box::new(TargetStatus::SbtiValidated),
            Box::new(ShareBasis::Emissions),
            Box::new(DataQualityFlag::PrimaryVerified),
            Box::new(MethodUnavailable::NoUpstreamInputs),
        ];
        for kind in EvidenceKind::ALL {
            messages.push(Box::new(kind));
        }
        for message in &messages {
            let chinese = message.chinese();
            assert!(latin_sentences(&chinese).is_empty(), "{chinese}");
            assert!(!message.english().is_empty());
        }
        assert_eq!(
            TargetFinding::Scope12AmbitionTooLow { target_percent: 40.0, required_percent: 42.0 }.chinese(),
            "范围一、二减排 40%，低于每年 4.2% 线性下降所需的 42%"
        );
        assert_eq!(
            FrameworkProblem::Syntax { line: Some(12), detail: "missing field `id`".into() }.english(),
            "framework file, line 12: missing field `id`"
        );
    }
}
