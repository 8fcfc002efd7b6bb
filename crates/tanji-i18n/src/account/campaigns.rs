//! A carbon-account scheme's campaigns, badges and leaderboards (the operator's pages) and the person's own page
//! (我的碳账户) in 简体中文 and English.
//!
//! The same discipline as `onboarding`: one table, Chinese beside English, turned by a macro into a struct with one
//! field per string and one instance per language, so a string missing in either language does not compile.

use crate::Language;

macro_rules! campaign_catalogue {
    ($($key:ident: $zh:literal, $en:literal;)*) => {
        /// The campaign and person pages' strings in one language.
        #[derive(Debug)]
        pub struct CampaignText {
            /// The language of these strings.
            pub language: Language,
            $(#[doc = $en] pub $key: &'static str,)*
        }

        /// 简体中文.
        pub static ZH: CampaignText = CampaignText { language: Language::SimplifiedChinese, $($key: $zh,)* };
        /// English.
        pub static EN: CampaignText = CampaignText { language: Language::English, $($key: $en,)* };

        /// Every entry as `(key, Chinese, English)`, for checks over the whole catalogue.
        pub const ENTRIES: &[(&str, &str, &str)] = &[$((stringify!($key), $zh, $en),)*];
    };
}

campaign_catalogue! {
    // The operator's pages.
    nav_carbon_account: "碳账户", "Carbon account";
    tab_campaigns: "活动与排行榜", "Campaigns";
    campaigns_title: "活动与排行榜", "Campaigns and leaderboards";
    campaigns_intro: "活动周内，按个人在活动期间获得的积分分省和全国排名。已过期或被冲正的积分不计；同分者先达到者在前，再按账户编号。排名随账本实时重算。", "In a campaign week people are ranked by the points they earned in the window, by province and nationally. Expired or reversed points never count; ties go to whoever reached the score first, then the smaller account number. Ranks are recomputed from the ledger at every reading.";
    campaigns_empty: "还没有活动。", "No campaigns yet.";
    campaign: "活动", "Campaign";
    code: "代码", "Code";
    name_zh: "中文名称", "Chinese name";
    name_en: "英文名称", "English name";
    starts_at: "开始时间（UTC）", "Starts (UTC)";
    ends_at: "结束时间（UTC）", "Ends (UTC)";
    window: "活动时间", "Window";
    provinces: "参与省份", "Provinces";
    provinces_hint: "不选则为全国活动。", "None chosen: nationwide.";
    nationwide: "全国", "Nationwide";
    badge: "活动勋章", "Campaign badge";
    badge_code: "勋章代码", "Badge code";
    badge_name_zh: "勋章中文名称", "Badge Chinese name";
    badge_name_en: "勋章英文名称", "Badge English name";
    badge_points: "获得勋章所需积分", "Points to earn the badge";
    no_badge: "无勋章", "No badge";
    create_title: "新建活动", "New campaign";
    create_submit: "创建活动", "Create campaign";
    notice_created: "活动已创建。", "Campaign created.";
    people_ranked: "上榜人数", "People ranked";
    total_points: "活动积分合计", "Points in the campaign";
    chart_top: "全国前十名（积分）", "National top ten (points)";
    chart_provinces: "各省活动积分", "Campaign points by province";
    series_points: "积分", "Points";
    rank: "名次", "Rank";
    person: "个人", "Person";
    person_number: "账户编号", "Account no.";
    province: "省份", "Province";
    points: "积分", "Points";
    reached_at: "达到时间", "Reached at";
    national_board: "全国榜", "National board";
    board_of: "排行榜", "Board";
    show_board: "查看", "Show";
    board_empty: "还没有人上榜。", "Nobody is ranked yet.";
    top_of_board: "前 100 名", "Top 100";
    badges_title: "里程碑勋章", "Milestone badges";
    badges_empty: "还没有里程碑勋章。", "No milestone badges yet.";
    rule_points: "累计有效积分达到", "Points earned (still counted) reach";
    rule_behaviour: "同一方法学的行为次数达到", "Activities of one methodology reach";
    rule_campaign: "活动期间积分达到", "Points in the campaign reach";
    pass_title: "个人页凭证", "Personal page passes";
    pass_intro: "为个人签发登录其“我的碳账户”页面的凭证：凭证只显示一次，请通过个人已验证的渠道（短信、App 消息）发送。个人只能看到自己的账户。", "Issue a person the pass that opens their own page: it is shown once, so send it through a channel the person has verified (text message, app message). A person sees only their own account.";
    pass_valid_days: "有效天数", "Valid for (days)";
    pass_submit: "签发凭证", "Issue pass";
    pass_issued: "凭证已签发，仅显示这一次。个人打开此链接并确认登录：", "Pass issued; it is shown this once. The person opens this link and confirms:";
    pass_expires: "有效期至", "Valid until";
    pass_revoke: "吊销该个人的全部凭证", "Revoke all of this person's passes";
    notice_passes_revoked: "凭证已吊销。", "Passes revoked.";
    // The person's page.
    me_title: "我的碳账户", "My carbon account";
    me_signin_title: "登录我的碳账户", "Open my carbon account";
    me_signin_intro: "请输入运营方发给您的个人凭证（以 tanji_person_ 开头）。凭证只能查看您本人的账户。", "Enter the personal pass your scheme's operator sent you (it starts with tanji_person_). It opens your own account only.";
    me_code: "个人凭证", "Personal pass";
    me_signin_submit: "登录", "Open";
    me_signin_failed: "凭证无效、已过期或已被吊销。请向运营方申请新的凭证。", "This pass is not valid, has expired or was revoked. Ask the operator for a new one.";
    me_sign_out: "退出", "Sign out";
    me_scheme: "所属计划", "Scheme";
    me_available: "可用积分", "Points to spend";
    me_earned: "累计有效积分", "Points earned (still counted)";
    me_pass_until: "本凭证有效期至", "This pass is valid until";
    me_badges: "我的勋章", "My badges";
    me_no_badges: "还没有勋章。继续低碳行为即可获得。", "No badges yet. Keep up the low-carbon habits to earn them.";
    me_campaigns: "活动排名", "Campaign ranks";
    me_no_campaigns: "目前没有您所在省份的活动。", "No campaign in your province right now.";
    me_rank_province: "本省排名", "Rank in my province";
    me_rank_national: "全国排名", "National rank";
    me_not_ranked: "未上榜", "not ranked";
    me_of: "共", "of";
    me_neighbours: "我的名次与前后邻居", "My rank and my neighbours";
    me_you: "（我）", " (me)";
    me_history: "积分明细", "Points history";
    me_no_history: "还没有积分记录。", "No points yet.";
    me_when: "时间", "When";
    me_what: "事项", "What";
    me_methodology: "减排方法学", "Methodology";
    me_version: "版本", "version";
    me_source: "出处", "Source";
    me_occurred: "行为发生于", "Behaviour on";
    me_expires: "到期", "Expires";
    me_never: "长期有效", "never";
    me_unknown_methodology: "方法学记录缺失", "methodology record missing";
    kind_earned: "获得积分", "Points earned";
    kind_redeemed: "兑换", "Redeemed";
    kind_donated: "捐赠", "Donated";
    kind_expired: "过期", "Expired";
    kind_reversed: "冲正（风控复核）", "Reversed (fraud review)";
    me_redeem: "兑换", "Redeem";
    me_redeem_intro: "用积分兑换低碳商品折扣或子平台服务。先到期的积分先用。", "Spend points on a discount for low-carbon products or a sub-platform's service. Points that expire first are used first.";
    me_offer: "兑换内容", "Offer";
    offer_discount: "低碳商品折扣券", "Discount on low-carbon products";
    offer_service: "子平台服务（如免配送费）", "A sub-platform's service (such as free delivery)";
    me_donate: "捐赠", "Donate";
    me_donate_intro: "把积分捐给公益项目。", "Give points to a public-interest project.";
    me_project: "公益项目", "Project";
    project_trees: "公益植树", "Tree planting";
    project_wetlands: "湿地保护", "Wetland protection";
    me_amount: "积分数", "Points";
    me_redeem_submit: "兑换", "Redeem";
    me_donate_submit: "捐赠", "Donate";
    me_redeemed: "兑换成功。", "Redeemed.";
    me_donated: "捐赠成功，谢谢！", "Donated. Thank you!";
    me_refused: "未能完成", "Not done";
    me_illustrative: "兑换与捐赠的项目为示例；积分流水记入运营方的双式记账账本。", "The offers and projects are examples; every point moves on the operator's double-entry ledger.";
}

impl CampaignText {
    /// The strings of `language`.
    pub fn of(language: Language) -> &'static CampaignText {
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
