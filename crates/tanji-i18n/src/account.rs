//! The consumer carbon account (`tanji-account`): ledger answers, methodology review steps, event outcomes and
//! spending problems, for the operator's console, the sub-platforms' reconciliation and the person's page.

pub mod campaigns;
pub mod onboarding;

use tanji_account::ingestion::DeliveryRefusal;
use tanji_account::ledger::{AccountError, Field, TransferError};
use tanji_account::methodology::{
    ParameterError, ParameterName, ReductionError, RegistryError, ReviewAction, ReviewError, ReviewStage,
};
use tanji_account::points::SpendError;
use tanji_account::rules::{CapKind, EventProblem, HoldReason, Outcome, RejectReason};

use crate::{Language, Localize, text};

impl Localize for Field {
    fn localize(&self, language: Language) -> String {
        match self {
            Field::DebitAccountId => text!(language, zh: "借方账户", en: "debit account"),
            Field::CreditAccountId => text!(language, zh: "贷方账户", en: "credit account"),
            Field::Amount => text!(language, zh: "数量", en: "amount"),
            Field::PendingId => text!(language, zh: "待定转账编号", en: "pending transfer id"),
            Field::UserData128 => text!(language, zh: "附加数据 user_data_128", en: "user data (128-bit)"),
            Field::UserData64 => text!(language, zh: "附加数据 user_data_64", en: "user data (64-bit)"),
            Field::UserData32 => text!(language, zh: "附加数据 user_data_32", en: "user data (32-bit)"),
            Field::Timeout => text!(language, zh: "超时", en: "timeout"),
            Field::Ledger => text!(language, zh: "账本", en: "ledger"),
            Field::Code => text!(language, zh: "类型代码", en: "code"),
            Field::Flags => text!(language, zh: "标志", en: "flags"),
        }
    }
}

impl Localize for AccountError {
    fn localize(&self, language: Language) -> String {
        match self {
            AccountError::IdReserved => {
                text!(language, zh: "账户编号 0 和最大值为保留值", en: "account ids 0 and the maximum are reserved")
            }
            AccountError::FlagsAreMutuallyExclusive => text!(language,
                zh: "账户不能同时要求“借方不超过贷方”和“贷方不超过借方”",
                en: "an account cannot require both debits within credits and credits within debits"),
            AccountError::LedgerMustNotBeZero => {
                text!(language, zh: "账户的账本不能为 0", en: "the account's ledger must not be 0")
            }
            AccountError::CodeMustNotBeZero => {
                text!(language, zh: "账户的类型代码不能为 0", en: "the account's code must not be 0")
            }
            AccountError::ExistsWithDifferent { field } => {
                let field = field.localize(language);
                text!(language, zh: "该编号的账户已存在，但{field}不同", en: "an account with this id exists with a different {field}")
            }
        }
    }
}

impl Localize for TransferError {
    fn localize(&self, language: Language) -> String {
        use TransferError as E;
        match self {
            E::LinkedEventFailed => {
                text!(language, zh: "同一链中的另一笔转账失败，本笔未执行", en: "another transfer in the linked chain failed, so this one was not applied")
            }
            E::LinkedEventChainOpen => {
                text!(language, zh: "批次最后一笔转账仍标记为“链接”，链未闭合", en: "the last transfer of the batch is linked: the chain is never closed")
            }
            E::IdReserved => {
                text!(language, zh: "转账编号 0 和最大值为保留值", en: "transfer ids 0 and the maximum are reserved")
            }
            E::FlagsAreMutuallyExclusive => {
                text!(language, zh: "待定、过账、作废三个标志只能选一个", en: "only one of pending, post and void may be set")
            }
            E::ExistsWithDifferent { field } => {
                let field = field.localize(language);
                text!(language, zh: "该编号的转账已存在，但{field}不同；重试请使用原内容，新转账请使用新编号", en: "a transfer with this id exists with a different {field}; retry with the original body, or use a new id for a new transfer")
            }
            E::PendingIdRequired => {
                text!(language, zh: "过账或作废需要指明待定转账编号", en: "posting or voiding needs the pending transfer's id")
            }
            E::PendingIdMustBeZero => {
                text!(language, zh: "只有过账或作废才可指明待定转账编号", en: "only a post or void may name a pending transfer")
            }
            E::PendingIdMustBeDifferent => {
                text!(language, zh: "待定转账编号不能是本笔转账自己", en: "a transfer cannot post or void itself")
            }
            E::TimeoutReservedForPendingTransfer => {
                text!(language, zh: "只有待定转账可以设置超时", en: "only a pending transfer may have a timeout")
            }
            E::LedgerMustNotBeZero => {
                text!(language, zh: "转账的账本不能为 0", en: "the transfer's ledger must not be 0")
            }
            E::CodeMustNotBeZero => {
                text!(language, zh: "转账的类型代码不能为 0", en: "the transfer's code must not be 0")
            }
            E::AmountMustNotBeZero => text!(language, zh: "数量不能为 0", en: "the amount must not be 0"),
            E::AccountsMustBeDifferent => {
                text!(language, zh: "借方和贷方不能是同一账户", en: "the debit and credit accounts must differ")
            }
            E::DebitAccountNotFound => text!(language, zh: "借方账户不存在", en: "the debit account does not exist"),
            E::CreditAccountNotFound => text!(language, zh: "贷方账户不存在", en: "the credit account does not exist"),
            E::AccountsMustHaveTheSameLedger => {
                text!(language, zh: "两个账户不在同一账本", en: "the two accounts are on different ledgers")
            }
            E::TransferMustHaveTheSameLedgerAsAccounts => {
                text!(language, zh: "转账的账本与账户的账本不同", en: "the transfer's ledger is not its accounts' ledger")
            }
            E::PendingTransferNotFound => {
                text!(language, zh: "待定转账不存在", en: "the pending transfer does not exist")
            }
            E::PendingTransferNotPending => {
                text!(language, zh: "所指转账不是待定转账", en: "the referenced transfer is not pending")
            }
            E::PendingTransferHasDifferent { field } => {
                let field = field.localize(language);
                text!(language, zh: "过账或作废的{field}与待定转账不同", en: "the post or void differs from its pending transfer in {field}")
            }
            E::ExceedsPendingTransferAmount => {
                text!(language, zh: "过账数量超过待定数量", en: "the amount exceeds the pending amount")
            }
            E::PendingTransferAlreadyPosted => {
                text!(language, zh: "该待定转账已过账", en: "the pending transfer was already posted")
            }
            E::PendingTransferAlreadyVoided => {
                text!(language, zh: "该待定转账已作废", en: "the pending transfer was already voided")
            }
            E::PendingTransferExpired => {
                text!(language, zh: "该待定转账已超时失效", en: "the pending transfer has expired")
            }
            E::Overflows => text!(language, zh: "账户累计数将溢出", en: "an account total would overflow"),
            E::ExceedsCredits => text!(language, zh: "积分不足", en: "not enough points"),
            E::ExceedsDebits => {
                text!(language, zh: "超出账户已入账的借方额度", en: "exceeds the account's posted debits")
            }
        }
    }
}

impl Localize for ParameterError {
    fn localize(&self, language: Language) -> String {
        match self {
            ParameterError::FractionOutOfRange { value } => {
                text!(language, zh: "比例 {value} 不在 0 到 1 之间", en: "the share {value} is not between 0 and 1")
            }
            ParameterError::NotPositive { name, value } => {
                let name = name.localize(language);
                text!(language, zh: "{name}必须为正数，现为 {value}", en: "the {name} must be positive, not {value}")
            }
            ParameterError::NoCategories => {
                text!(language, zh: "二手方法学至少需要一个商品类别及其生产排放", en: "a second-hand methodology needs at least one product category with its production emissions")
            }
        }
    }
}

impl Localize for ParameterName {
    fn localize(&self, language: Language) -> String {
        match self {
            ParameterName::ReductionPerUnit => text!(language, zh: "单位减排量", en: "reduction per unit"),
            ParameterName::ProductionEmissions => {
                text!(language, zh: "新品生产排放", en: "production emissions of a new item")
            }
            ParameterName::GridFactor => text!(language, zh: "电网排放因子", en: "grid emission factor"),
        }
    }
}

impl Localize for ReductionError {
    fn localize(&self, language: Language) -> String {
        match self {
            ReductionError::ActivityDoesNotFitFormula => {
                text!(language, zh: "活动数据与方法学的公式不匹配", en: "the activity does not fit the methodology's formula")
            }
            ReductionError::UnknownCategory { category } => {
                text!(language, zh: "方法学中没有商品类别 `{category}`", en: "the methodology has no product category `{category}`")
            }
            ReductionError::InvalidQuantity { value } => {
                text!(language, zh: "数量 {value} 不是有限的非负数", en: "the quantity {value} is not a finite non-negative number")
            }
        }
    }
}

impl Localize for ReviewStage {
    fn localize(&self, language: Language) -> String {
        match self {
            ReviewStage::Draft => text!(language, zh: "草稿", en: "draft"),
            ReviewStage::ExpertReview => text!(language, zh: "专家评审中", en: "in expert review"),
            ReviewStage::PublicNotice => text!(language, zh: "公示中", en: "in public notice"),
            ReviewStage::Approved => text!(language, zh: "已批准", en: "approved"),
            ReviewStage::Retired => text!(language, zh: "已停用", en: "retired"),
        }
    }
}

impl Localize for ReviewAction {
    fn localize(&self, language: Language) -> String {
        match self {
            ReviewAction::Edit => text!(language, zh: "修改", en: "editing"),
            ReviewAction::SubmitForReview => text!(language, zh: "提交评审", en: "submitting for review"),
            ReviewAction::SignOff => text!(language, zh: "评审签署", en: "signing off"),
            ReviewAction::StartPublicNotice => text!(language, zh: "开始公示", en: "starting the public notice"),
            ReviewAction::Object => text!(language, zh: "提出异议", en: "objecting"),
            ReviewAction::Approve => text!(language, zh: "批准", en: "approving"),
            ReviewAction::Retire => text!(language, zh: "停用", en: "retiring"),
        }
    }
}

impl Localize for ReviewError {
    fn localize(&self, language: Language) -> String {
        match self {
            ReviewError::NotAllowed { action, status } => {
                let action = action.localize(language);
                let status = status.localize(language);
                text!(language, zh: "方法学版本处于“{status}”状态，不能{action}", en: "{action} is not possible while the version is {status}")
            }
            ReviewError::ReviewerIsAuthor => {
                text!(language, zh: "作者不能评审自己的方法学", en: "the author cannot review their own methodology")
            }
            ReviewError::AlreadySignedOff { reviewer } => {
                text!(language, zh: "{reviewer} 在本轮已签署", en: "{reviewer} already signed off in this round")
            }
            ReviewError::NotEnoughApprovals { have, need } => {
                text!(language, zh: "本轮有 {have} 位专家同意，需要 {need} 位", en: "{have} experts approved in this round; {need} are needed")
            }
            ReviewError::NoticeNotOver { until } => {
                text!(language, zh: "公示期至 {until}，次日起方可批准", en: "the public notice runs until {until}; approval is possible from the next day")
            }
            ReviewError::MissingCitation => {
                text!(language, zh: "方法学缺少出处（标题和发布机构）", en: "the methodology has no citation (title and publisher)")
            }
            ReviewError::InvalidParameter(problem) => problem.localize(language),
            ReviewError::RetiredBeforeEffective { effective_from } => {
                text!(language, zh: "停用日期须晚于生效日期 {effective_from}", en: "retirement must come after the effective date {effective_from}")
            }
            ReviewError::DatedBeforePreviousStep { previous } => {
                text!(language, zh: "日期早于上一步（{previous}）", en: "dated before the previous step ({previous})")
            }
        }
    }
}

impl Localize for RegistryError {
    fn localize(&self, language: Language) -> String {
        match self {
            RegistryError::VersionOutOfSequence { expected } => {
                text!(language, zh: "版本号应为 {expected}", en: "the version number should be {expected}")
            }
            RegistryError::BehaviourTaken { behaviour } => {
                text!(language, zh: "行为 `{behaviour}` 已属于另一方法学", en: "behaviour `{behaviour}` belongs to another methodology")
            }
            RegistryError::NotFound => text!(language, zh: "没有该方法学版本", en: "no such methodology version"),
        }
    }
}

impl Localize for SpendError {
    fn localize(&self, language: Language) -> String {
        match self {
            SpendError::AmountMustBePositive => {
                text!(language, zh: "积分数必须大于 0", en: "the number of points must be more than 0")
            }
            SpendError::InsufficientPoints { available, requested } => {
                text!(language, zh: "可用积分 {available}，不足 {requested}", en: "{available} points available, {requested} requested")
            }
            SpendError::NoSuchLot { earn_id } => {
                text!(language, zh: "编号 {earn_id} 的积分尚未入账（待定的请作废）", en: "the credit {earn_id} has not been credited (void it if it is pending)")
            }
        }
    }
}

impl Localize for CapKind {
    fn localize(&self, language: Language) -> String {
        match self {
            CapKind::DailyPoints => text!(language, zh: "每日积分上限", en: "the daily points cap"),
            CapKind::BehaviourDailyPoints => {
                text!(language, zh: "该行为每日积分上限", en: "the behaviour's daily points cap")
            }
            CapKind::BehaviourDailyEvents => {
                text!(language, zh: "该行为每日次数上限", en: "the behaviour's daily count cap")
            }
        }
    }
}

impl Localize for HoldReason {
    fn localize(&self, language: Language) -> String {
        match self {
            HoldReason::Velocity => {
                text!(language, zh: "短时间内行为过多，待人工审核", en: "too many events in a short time: held for review")
            }
            HoldReason::LargeQuantity => {
                text!(language, zh: "数量超出方法学的合理范围，待人工审核", en: "a quantity above the methodology's plausible range: held for review")
            }
            HoldReason::DelayedIssuance { release_at } => {
                text!(language, zh: "将于 {release_at} 发放", en: "to be issued at {release_at}")
            }
            HoldReason::AwaitingCollection { collect_by } => {
                text!(language, zh: "请在 {collect_by} 前领取", en: "collect by {collect_by}")
            }
        }
    }
}

impl Localize for EventProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            EventProblem::EventIdEmpty => {
                text!(language, zh: "事件编号为空：请填写子平台自己的事件编号", en: "the event id is empty: send the sub-platform's own id for the event")
            }
            EventProblem::EventIdTooLong { max_chars } => {
                text!(language, zh: "事件编号超过 {max_chars} 个字符", en: "the event id is longer than {max_chars} characters")
            }
            EventProblem::EventIdHasControlCharacters => {
                text!(language, zh: "事件编号含有换行等控制字符", en: "the event id contains control characters such as line breaks")
            }
            EventProblem::BehaviourEmpty => text!(language, zh: "行为代码为空", en: "the behaviour code is empty"),
            EventProblem::BehaviourTooLong { max_chars } => {
                text!(language, zh: "行为代码超过 {max_chars} 个字符", en: "the behaviour code is longer than {max_chars} characters")
            }
        }
    }
}

impl Localize for RejectReason {
    fn localize(&self, language: Language) -> String {
        match self {
            RejectReason::InvalidEvent { problem } => problem.localize(language),
            RejectReason::NoApprovedMethodology { behaviour, on } => {
                text!(language, zh: "{on} 没有已批准的方法学适用于行为 `{behaviour}`", en: "no approved methodology credits `{behaviour}` on {on}")
            }
            RejectReason::InvalidActivity { problem } => problem.localize(language),
            RejectReason::NoReduction => {
                text!(language, zh: "减排量不足 1 积分", en: "the reduction is less than one point")
            }
            RejectReason::ClaimWindowClosed { occurred_on, window_days } => {
                text!(language, zh: "{occurred_on} 的行为须在 {window_days} 天内报送，已过期", en: "an activity on {occurred_on} must be reported within {window_days} days: too late")
            }
            RejectReason::OccurredInTheFuture => {
                text!(language, zh: "行为时间晚于当前时间", en: "the activity is dated in the future")
            }
            RejectReason::DuplicateActivity { original } => {
                text!(language, zh: "同一行为已以另一事件记入（转账 {original}）", en: "the same activity was already credited under another event (transfer {original})")
            }
            RejectReason::LedgerRefused { error } => error.localize(language),
            RejectReason::BehaviourNotAllowed { behaviour } => {
                text!(language, zh: "该子平台未登记可报送行为 `{behaviour}`", en: "this sub-platform is not registered to report `{behaviour}`")
            }
            RejectReason::UnlinkedIdentity => {
                text!(language, zh: "该用户在子平台的身份未关联碳账户（未关联或已解除关联）", en: "the person's identity at the sub-platform is not linked to a parent account")
            }
        }
    }
}

impl Localize for DeliveryRefusal {
    fn localize(&self, language: Language) -> String {
        match self {
            DeliveryRefusal::EventIdReused { event_id } => {
                text!(language, zh: "事件编号 `{event_id}` 已用于另一内容不同的事件；原事件的结果不变，请为新事件使用新的编号", en: "event id `{event_id}` was already used for an event with a different payload; the first outcome stands: give the new event a new id")
            }
        }
    }
}

impl Localize for Outcome {
    fn localize(&self, language: Language) -> String {
        match self {
            Outcome::Credited { points, .. } => {
                text!(language, zh: "已记入 {points} 积分", en: "{points} points credited")
            }
            Outcome::Capped { points_credited, points_requested, cap, .. } => {
                let cap = cap.localize(language);
                text!(language, zh: "受{cap}限制，记入 {points_credited} 积分（应得 {points_requested}）", en: "{points_credited} of {points_requested} points credited: limited by {cap}")
            }
            Outcome::Held { points, reason, .. } => {
                let reason = reason.localize(language);
                text!(language, zh: "{points} 积分暂缓：{reason}", en: "{points} points held: {reason}")
            }
            Outcome::Rejected { reason } => {
                let reason = reason.localize(language);
                text!(language, zh: "未记积分：{reason}", en: "no points: {reason}")
            }
            Outcome::Duplicate { points, .. } => {
                text!(language, zh: "重复报送，未重复记分（原记 {points} 积分）", en: "a repeated delivery: nothing credited again ({points} points the first time)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use tanji_account::methodology::{MethodologyId, MethodologyVersionKey};

    use super::*;
    use crate::latin_sentences;

    #[test]
    fn every_account_message_reads_as_chinese_and_english() {
        let at: Timestamp = "2026-06-01T02:00:00Z".parse().unwrap();
        let day = jiff::civil::date(2026, 6, 1);
        let methodology = MethodologyVersionKey { methodology_id: MethodologyId(1), version: 1 };
        let mut messages: Vec<Box<dyn Localize>> = vec![
            Box::new(AccountError::ExistsWithDifferent { field: Field::Flags }),
            Box::new(TransferError::ExistsWithDifferent { field: Field::Amount }),
            Box::new(TransferError::PendingTransferHasDifferent { field: Field::DebitAccountId }),
            Box::new(TransferError::LinkedEventFailed),
            Box::new(TransferError::ExceedsCredits),
            Box::new(ReviewError::NotAllowed { action: ReviewAction::Approve, status: ReviewStage::Draft }),
            Box::new(ReviewError::NotEnoughApprovals { have: 1, need: 3 }),
            Box::new(ReviewError::NoticeNotOver { until: day }),
            Box::new(ReviewError::InvalidParameter(ParameterError::NotPositive {
                name: ParameterName::GridFactor,
                value: -1.0,
            })),
            Box::new(RegistryError::BehaviourTaken { behaviour: "metro_trip".into() }),
            Box::new(SpendError::InsufficientPoints { available: 10, requested: 20 }),
            Box::new(Outcome::Credited { transfer_id: 1, points: 467, reduction_g_co2e: 467.0, methodology }),
            Box::new(Outcome::Capped {
                transfer_id: None,
                points_credited: 0,
                points_requested: 40,
                cap: CapKind::BehaviourDailyEvents,
                reduction_g_co2e: 40.0,
                methodology,
            }),
            Box::new(Outcome::Held {
                transfer_id: 1,
                points: 5,
                reason: HoldReason::AwaitingCollection { collect_by: at },
                reduction_g_co2e: 5.0,
                methodology,
            }),
            Box::new(Outcome::Duplicate { transfer_id: 1, points: 5, methodology }),
            Box::new(Outcome::Rejected {
                reason: RejectReason::ClaimWindowClosed { occurred_on: day, window_days: 7 },
            }),
            Box::new(Outcome::Rejected { reason: RejectReason::UnlinkedIdentity }),
            Box::new(Outcome::Rejected {
                reason: RejectReason::BehaviourNotAllowed { behaviour: "metro_trip".into() },
            }),
            Box::new(DeliveryRefusal::EventIdReused { event_id: "e-1".into() }),
            Box::new(Outcome::Rejected {
                reason: RejectReason::InvalidActivity { problem: ReductionError::ActivityDoesNotFitFormula },
            }),
        ];
        messages.push(Box::new(HoldReason::Velocity));
        for message in &messages {
            let chinese = message.chinese();
            assert!(latin_sentences(&chinese).is_empty(), "{chinese}");
            assert!(!message.english().is_empty());
        }
        assert_eq!(
            Outcome::Capped {
                transfer_id: None,
                points_credited: 0,
                points_requested: 40,
                cap: CapKind::BehaviourDailyEvents,
                reduction_g_co2e: 40.0,
                methodology,
            }
            .chinese(),
            "受该行为每日次数上限限制，记入 0 积分（应得 40）"
        );
    }
}
