//! The platform operator's carbon-account pages and commands (碳账户: methodologies and their review,
//! sub-platforms with behaviours and credentials, parent accounts and identity links) in 简体中文 and English.
//!
//! The same discipline as the energy pages' catalogue: one table, Chinese beside English, turned by a macro into a
//! struct with one field per string and one instance per language, so a string missing in either language does
//! not compile. The console, the API's messages and `tanji account` all take their words from here.

use tanji_account::methodology::{ActivityUnit, Decision, Formula};

use crate::Language;

macro_rules! onboarding_catalogue {
    ($($key:ident: $zh:literal, $en:literal;)*) => {
        /// The carbon-account operator's strings in one language.
        #[derive(Debug)]
        pub struct OnboardingText {
            /// The language of these strings.
            pub language: Language,
            $(#[doc = $en] pub $key: &'static str,)*
        }

        /// 简体中文.
        pub static ZH: OnboardingText = OnboardingText { language: Language::SimplifiedChinese, $($key: $zh,)* };
        /// English.
        pub static EN: OnboardingText = OnboardingText { language: Language::English, $($key: $en,)* };

        /// Every entry as `(key, Chinese, English)`, for checks over the whole catalogue.
        pub const ENTRIES: &[(&str, &str, &str)] = &[$((stringify!($key), $zh, $en),)*];
    };
}

onboarding_catalogue! {
    nav_carbon_account: "碳账户", "Carbon account";
    tab_methodologies: "方法学", "Methodologies";
    tab_sub_platforms: "子平台", "Sub-platforms";
    tab_accounts: "个人主账户", "Parent accounts";
    // Methodologies.
    methodologies_title: "减排方法学", "Methodologies";
    methodologies_intro: "每种低碳行为的减排量按经专家评审、公示并批准的方法学版本计算；只有已批准且已生效的版本才会发放积分，每笔积分记录所用版本。", "Each low-carbon behaviour's reduction is computed by a methodology version that experts reviewed, that was publicly noticed and approved; only an approved version in force credits points, and every credit records the version it used.";
    methodologies_empty: "还没有方法学。先起草一个版本：行为、公式及其参数，并注明出处。", "No methodologies yet. Draft a version first: the behaviour, the formula and its parameters, with their source.";
    policy: "评审规则：本轮须有 2 位不同于起草人的专家签署同意；之后公示 7 个工作日（按运营方日历扣除节假日、计入调休），期满无异议方可批准。", "Review rules: 2 experts other than the author approve in the round; then 7 working days of public notice (the operator's calendar: holidays out, make-up working days in); approval only after the notice ends without objection.";
    number: "编号", "No.";
    version: "版本", "Version";
    behaviour: "行为代码", "Behaviour";
    title: "名称", "Title";
    formula: "公式", "Formula";
    status: "状态", "Status";
    source: "出处", "Source";
    author: "起草人", "Author";
    source_checked: "已核对出处", "Source checked";
    source_unverified: "出处未核实", "Source not verified";
    source_unverified_note: "此版本的数字尚未与公开出处核对，不得据此批准。", "The figures of this version have not been checked against a published source; do not approve it on them.";
    formula_per_unit: "按单位减排量", "Reduction per unit";
    formula_second_hand: "二手商品：新品生产排放 × 替代率 × 件数", "Second-hand: new item's production emissions × substitution rate × items";
    formula_electricity: "用电低于季节基线：(基线 − 实际) kWh × 电网排放因子", "Electricity below the seasonal baseline: (baseline − metered) kWh × grid factor";
    formula_labelled_product: "碳标签产品：(标签基线 − 碳足迹) × 件数", "Labelled product: (label baseline − footprint) × units";
    unit_order: "单", "order";
    unit_reuse: "次循环使用", "reuse";
    unit_person_km: "人·公里", "person-km";
    per: "每", "per";
    substitution_rate: "替代率（0–1）", "Substitution rate (0–1)";
    categories: "品类及新品生产排放（每行一项：品类=g CO2e）", "Categories and a new item's production emissions (one a line: category=g CO2e)";
    no_categories: "尚未填写品类数字", "no category figures yet";
    grid_factor: "电网排放因子（g CO2/kWh）", "Grid factor (g CO2/kWh)";
    reduction_per_unit: "每单位减排量（g CO2e）", "Reduction per unit (g CO2e)";
    max_quantity: "单次事件数量上限（超出则转人工复核）", "Largest quantity in one event (above it, held for review)";
    citation_title: "出处（方法学或标准名称）", "Source (methodology or standard)";
    citation_publisher: "发布方", "Publisher";
    citation_version: "出处版本", "Source version";
    citation_year: "年份", "Year";
    citation_region: "适用地区", "Region";
    citation_url: "网址", "Address (URL)";
    not_given: "未注明", "not given";
    draft_title: "起草方法学", "Draft a methodology";
    draft_intro: "草稿可以先保存、后补全；提交评审时会检查出处与参数。数字须有公开出处，不要凭空填写。", "A draft may be saved incomplete; submitting it for review checks the source and the parameters. Every figure needs a published source: never make one up.";
    title_zh: "中文名称", "Chinese title";
    title_en: "英文名称", "English title";
    formula_kind: "公式类型", "Formula";
    unit: "计量单位", "Unit";
    source_check_label: "我已将数字与所引出处逐一核对", "I checked the figures against the cited source";
    draft_submit: "保存草稿", "Save the draft";
    new_version: "起草新版本", "Draft a new version";
    // One version.
    version_title: "方法学版本", "Methodology version";
    review_title: "评审记录", "Review record";
    review_empty: "尚无评审步骤。", "No review steps yet.";
    step: "步骤", "Step";
    decision: "意见", "Decision";
    round: "轮次", "Round";
    by: "操作人", "By";
    on_day: "日期", "Day";
    recorded_at: "记录时间", "Recorded";
    step_draft: "起草", "Drafted";
    step_submit_for_review: "提交专家评审", "Submitted for expert review";
    step_sign_off: "专家签署", "Expert sign-off";
    step_start_public_notice: "开始公示", "Public notice started";
    step_approve: "批准", "Approved";
    step_retire: "停用", "Retired";
    decision_approve: "同意", "Approve";
    decision_request_changes: "退回修改", "Request changes";
    notice_window: "公示期", "Public notice";
    effective_from: "生效日", "In force from";
    retired_on: "停用日", "Retired on";
    approvals_this_round: "本轮同意的专家", "Experts approving this round";
    next_steps: "下一步", "Next step";
    do_submit: "提交专家评审", "Submit for expert review";
    do_sign_approve: "签署：同意", "Sign off: approve";
    do_sign_request_changes: "签署：退回修改", "Sign off: request changes";
    do_start_notice: "开始公示", "Start the public notice";
    do_approve: "批准生效", "Approve";
    do_retire: "停用此版本", "Retire this version";
    no_step_for_you: "当前状态下你没有可执行的步骤。", "There is no step for you in this state.";
    review_refused: "评审步骤未执行：", "The review step was not taken: ";
    version_refused: "未能新建版本：", "The version was not created: ";
    // Sub-platforms.
    sub_platforms_title: "子平台", "Sub-platforms";
    sub_platforms_intro: "子平台（外卖、快递驿站、二手交易、自营商城……）向个人主账户上报低碳行为；每个子平台只能上报登记的行为，并按绑定的方法学计算。", "Sub-platforms (food delivery, parcel stations, second-hand trading, the retailer's own shop…) report people's low-carbon behaviours to their parent accounts; each may report only the behaviours registered for it, computed by the methodologies bound to them.";
    sub_platforms_empty: "还没有登记子平台。", "No sub-platform is registered yet.";
    sub_platforms_empty_own: "你的组织尚未作为子平台登记在任何运营方名下。", "Your organisation is not registered as a sub-platform of any operator yet.";
    code: "代码", "Code";
    name: "名称", "Name";
    name_zh: "中文名称", "Chinese name";
    name_en: "英文名称", "English name";
    organisation: "子平台在碳迹的组织", "Its organisation on tanji";
    organisation_none: "（无）", "(none)";
    status_active: "启用", "Active";
    status_suspended: "暂停", "Suspended";
    behaviours: "可上报的行为", "Behaviours it may report";
    behaviours_field: "行为与方法学（每行一项：行为代码=方法学编号，如 metro_trip=1）", "Behaviours and methodologies (one a line: behaviour=methodology number, such as metro_trip=1)";
    methodology: "方法学", "Methodology";
    links_in_force: "在用身份关联", "Identities linked";
    credentials_active: "有效凭证", "Active credentials";
    registered_at: "登记时间", "Registered";
    register_title: "登记子平台", "Register a sub-platform";
    register_submit: "登记", "Register";
    // One sub-platform.
    credentials_title: "接口凭证", "API credentials";
    credentials_intro: "子平台用凭证上报事件、读取事件结果；密钥只在签发时显示一次，吊销后立即失效。", "A sub-platform reports events and reads their outcomes with a credential; the secret is shown once when issued and stops working as soon as it is revoked.";
    credentials_empty: "还没有凭证。", "No credentials yet.";
    credential_name: "用途", "Purpose";
    credential_prefix: "密钥开头", "Starts with";
    credential_scopes: "权限", "Scopes";
    scope_events_write: "上报事件", "report events";
    scope_outcomes_read: "读取事件结果", "read outcomes";
    created_at: "签发时间", "Issued";
    last_used_at: "最近使用", "Last used";
    never: "从未", "never";
    revoked: "已吊销", "Revoked";
    issue_credential: "签发凭证", "Issue a credential";
    revoke: "吊销", "Revoke";
    secret_once: "请立即复制并交给子平台：此密钥只显示这一次。", "Copy it now and hand it to the sub-platform: this secret is shown only once.";
    links_title: "身份关联", "Identity links";
    links_intro: "个人在子平台的身份与其主账户的关联，附个人同意的时间、文本版本与渠道。解除后保留记录，此后该身份上报的事件不再发放积分。", "Links of people's identities at the sub-platform to their parent accounts, with the time, wording version and channel of their consent. An unlinked link stays on record, and the identity's later events credit nothing.";
    links_empty: "还没有身份关联。", "No identity is linked yet.";
    external_identity: "子平台用户标识", "Identity at the sub-platform";
    person_number: "个人主账户号", "Parent account no.";
    consent_at: "同意时间", "Consent given";
    consent_wording: "同意文本版本", "Consent wording version";
    consent_channel: "同意渠道", "Consent channel";
    channel_app: "App", "app";
    channel_web: "网页", "web page";
    channel_counter: "柜台", "counter";
    channel_paper: "纸质表格", "paper form";
    linked_at: "关联时间", "Linked";
    link_state: "状态", "State";
    in_force: "有效", "In force";
    unlinked: "已解除", "Unlinked";
    link_title: "关联身份", "Link an identity";
    link_submit: "关联", "Link";
    unlink: "解除关联", "Unlink";
    // Parent accounts.
    accounts_title: "个人主账户", "Parent accounts";
    accounts_intro: "每人一个主账户，汇集各子平台记录的减排（1+N）。账户号即积分账本中的个人编号。", "One parent account per person gathers the reductions the sub-platforms record (1+N). The account number is the person's number in the points ledger.";
    accounts_empty: "还没有个人主账户。", "No parent account yet.";
    display_name: "姓名或昵称", "Name";
    province: "省份", "Province";
    province_none: "（不参加省内排行）", "(no provincial board)";
    opened_at: "开立时间", "Opened";
    open_account: "开立个人主账户", "Open a parent account";
    open_submit: "开立", "Open";
    // Notices and conflicts.
    notice_drafted: "草稿已保存。", "Draft saved.";
    notice_step_taken: "评审步骤已记录。", "Review step recorded.";
    notice_registered: "子平台已登记。", "Sub-platform registered.";
    notice_credential_revoked: "凭证已吊销。", "Credential revoked.";
    notice_linked: "身份已关联。", "Identity linked.";
    notice_unlinked: "已解除关联。", "Identity unlinked.";
    notice_account_opened: "个人主账户已开立。", "Parent account opened.";
    conflict_sub_platform_code: "已有相同代码的子平台。", "A sub-platform with this code is already registered.";
    conflict_identity_linked: "该身份已关联个人主账户，请先解除原关联。", "This identity is already linked to a parent account; unlink it first.";
}

impl OnboardingText {
    /// The strings of `language`.
    pub fn of(language: Language) -> &'static OnboardingText {
        match language {
            Language::SimplifiedChinese => &ZH,
            Language::English => &EN,
        }
    }

    /// A formula's kind.
    pub fn formula_kind(&self, formula: &Formula) -> &'static str {
        match formula {
            Formula::PerUnit { .. } => self.formula_per_unit,
            Formula::SecondHand { .. } => self.formula_second_hand,
            Formula::ElectricityBelowBaseline { .. } => self.formula_electricity,
            Formula::LabelledProduct => self.formula_labelled_product,
        }
    }

    /// What one unit of a per-unit methodology counts.
    pub fn unit(&self, unit: ActivityUnit) -> &'static str {
        match unit {
            ActivityUnit::Order => self.unit_order,
            ActivityUnit::Reuse => self.unit_reuse,
            ActivityUnit::PersonKm => self.unit_person_km,
        }
    }

    /// A formula with its parameters, in one line: `46.7 g CO2e per person-km`.
    pub fn formula_with_parameters(&self, formula: &Formula) -> String {
        match formula {
            Formula::PerUnit { unit, reduction_per_unit_g_co2e } => {
                format!("{reduction_per_unit_g_co2e} g CO2e {} {}", self.per, self.unit(*unit))
            }
            Formula::SecondHand { substitution_rate, production_emissions_g_co2e_by_category } => {
                let categories = if production_emissions_g_co2e_by_category.is_empty() {
                    self.no_categories.to_owned()
                } else {
                    production_emissions_g_co2e_by_category
                        .iter()
                        .map(|(category, grams)| format!("{category} {grams} g"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                format!(
                    "{} · {} {} · {categories}",
                    self.formula_second_hand,
                    self.substitution_rate,
                    substitution_rate.get()
                )
            }
            Formula::ElectricityBelowBaseline { grid_factor_g_co2_per_kwh } => {
                format!("{} · {grid_factor_g_co2_per_kwh} g CO2/kWh", self.formula_electricity)
            }
            Formula::LabelledProduct => self.formula_labelled_product.to_owned(),
        }
    }

    /// A sign-off decision.
    pub fn decision(&self, decision: Decision) -> &'static str {
        match decision {
            Decision::Approve => self.decision_approve,
            Decision::RequestChanges => self.decision_request_changes,
        }
    }

    /// A recorded review step by its stored name.
    pub fn step(&self, action: &str) -> &'static str {
        match action {
            "draft" => self.step_draft,
            "submit_for_review" => self.step_submit_for_review,
            "sign_off" => self.step_sign_off,
            "start_public_notice" => self.step_start_public_notice,
            "approve" => self.step_approve,
            _ => self.step_retire,
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
