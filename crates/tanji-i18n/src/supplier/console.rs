//! The supplier assessment pages (供应商评估: campaigns, questionnaires, evidence, review, ranking) in 简体中文 and
//! English. One table, Chinese beside English, turned by a macro into a struct with one field per string and one
//! instance per language, so a string missing in either language does not compile.

use crate::Language;

macro_rules! campaign_catalogue {
    ($($key:ident: $zh:literal, $en:literal;)*) => {
        /// The supplier assessment pages' strings in one language.
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
    nav_assessment: "供应商评估", "Supplier assessment";
    campaigns_title: "供应商评估", "Supplier assessment";
    campaigns_intro: "按评价体系请供应商作答并上传证据；证据经本组织审核人通过后，该档次才计分。得分、等级和排名随时由评价体系版本、答案和审核结论重新计算。", "Ask suppliers to answer a framework and attach evidence; a tier scores only once your reviewers accept its evidence. Scores, grades and the ranking are recomputed from the framework version, the answers and the decisions whenever they are shown.";
    campaigns_empty: "还没有评估活动。从已关联的供应商中选择，发起第一次评估。", "No campaigns yet. Choose from your linked suppliers and launch the first one.";
    my_campaigns: "本组织发起的评估", "Campaigns you run";
    asked_title: "客户请本组织填写的评估", "Assessments customers asked you to answer";
    asked_empty: "目前没有客户请本组织填写评估。", "No customer has asked you to answer an assessment.";
    col_campaign: "评估活动", "Campaign";
    col_brand: "发起方", "Asked by";
    col_framework: "评价体系", "Framework";
    col_due: "截止日期", "Due";
    col_suppliers: "供应商数", "Suppliers";
    col_status: "状态", "Status";
    status_submitted: "已提交", "Submitted";
    status_draft: "未提交", "Not submitted";
    status_invited: "已邀请，尚未注册", "Invited, not yet on tanji";
    launch_title: "发起评估", "Launch an assessment";
    launch_name: "名称", "Name";
    launch_due: "截止日期", "Due date";
    launch_suppliers: "已关联的供应商", "Linked suppliers";
    launch_no_links: "还没有已关联的供应商：可在下方邀请，或先在“供应商”页面发出邀请。", "No linked suppliers yet: invite some below, or from the Suppliers page first.";
    launch_invite: "邀请尚未使用 tanji 的供应商（每行一个名称）", "Invite suppliers not yet on tanji (one name a line)";
    launch_submit: "发起评估", "Launch";
    invitation_codes_title: "邀请码（只显示这一次，请转交供应商）", "Invitation codes (shown this once; pass them to the suppliers)";
    illustrative: "示意数据", "Illustrative data";
    results_title: "排名与等级分布", "Ranking and grades";
    col_rank: "排名", "Rank";
    col_supplier: "供应商", "Supplier";
    col_score: "得分", "Score";
    col_grade: "等级", "Grade";
    col_gates: "拉低等级的门槛", "Gates lowering the grade";
    col_evidence: "证据（通过 / 待审）", "Evidence (accepted / awaiting)";
    col_answered: "已答指标", "Indicators answered";
    chart_scores: "各供应商得分", "Score by supplier";
    chart_grades: "等级分布", "Grade distribution";
    chart_areas: "各领域得分率", "Share of points by area";
    series_suppliers: "供应商数", "Suppliers";
    series_score: "得分", "Score";
    series_fraction: "得分率 %", "Share of points %";
    export_csv: "下载排名 CSV", "Download the ranking (CSV)";
    export_json: "排名 JSON（API）", "Ranking as JSON (API)";
    scorecard_title: "评分卡", "Scorecard";
    score_label: "得分", "Score";
    grade_label: "等级", "Grade";
    band_grade_label: "按分数段的等级", "Grade by score band";
    gates_label: "门槛", "Gates";
    gate_caps: "将等级限制为", "caps the grade at";
    indicator: "指标", "Indicator";
    answer_label: "作答", "Answer";
    outcome_label: "计分说明", "How it scored";
    points_label: "分值", "Points";
    evidence_label: "证据", "Evidence";
    tier_label: "档次", "Tier";
    note_label: "说明", "Note";
    answer_submit: "保存作答", "Save the answer";
    upload_label: "上传证据", "Upload evidence";
    kind_label: "证据类型", "Evidence kind";
    file_label: "文件", "File";
    upload_submit: "上传", "Upload";
    upload_hint: "PDF、PNG、JPEG 或 UTF-8 文本/CSV，不超过 1 MB；类型按文件内容识别，含脚本的文件会被拒收。", "PDF, PNG, JPEG or UTF-8 text/CSV, at most 1 MB; the type is read from the content, and files with scripts are refused.";
    submit_questionnaire: "提交问卷", "Submit the questionnaire";
    submit_hint: "提交后，答案对客户的审核人可见，已提交的答案不能再追加证据；如需修改，请重新打开该答案（生成新版本）。", "Once submitted, the answers are visible to the customer's reviewers and take no more evidence; to change one, reopen it (a new version).";
    reopen: "重新打开（新版本）", "Reopen (new version)";
    accept: "通过", "Accept";
    reject: "驳回", "Reject";
    comment_label: "驳回意见", "Reason for rejecting";
    decision_accepted: "已通过", "Accepted";
    decision_rejected: "已驳回", "Rejected";
    decision_awaiting: "待审核", "Awaiting review";
    reviewed_by: "审核人", "Reviewed by";
    version_label: "版本", "Version";
    not_answered: "未作答", "Not answered";
    brand_sees_submitted: "只显示供应商已提交的答案版本；审核结论决定哪些档次计分。", "Only the versions the supplier submitted are shown; your decisions decide which tiers score.";
    supplier_sees_drafts: "这里显示本组织的全部答案版本（含未提交的）；客户只看到已提交的版本。", "All your answer versions are shown here, drafts included; the customer sees only submitted versions.";
    download: "下载", "Download";
    gaps_title: "改进空间", "Where points can be gained";
    gap_points: "最多可增加的分数", "Points to gain at most";
    next_tier: "下一档", "Next tier";
    evidence_needed: "所需证据", "Evidence needed";
    back_to_campaign: "返回评估活动", "Back to the campaign";
    back_to_list: "返回评估列表", "Back to the assessments";
    open_scorecard: "评分卡", "Scorecard";
    notice_launched: "评估已发起。", "The campaign is launched.";
    notice_answered: "作答已保存。", "The answer is saved.";
    notice_uploaded: "证据已上传。", "The evidence is uploaded.";
    notice_submitted: "问卷已提交。", "The questionnaire is submitted.";
    notice_reopened: "答案已重新打开，可作答新版本。", "The answer is reopened for a new version.";
    notice_reviewed: "审核结论已记录。", "The decision is recorded.";
    refused: "未保存", "Not saved";
    supplier_asked: "受评供应商", "Supplier assessed";
    invited_pending: "该供应商尚未接受邀请，接受后即可作答。", "This supplier has not accepted its invitation yet; it can answer once it does.";
    area_label: "领域", "Area";
}

impl CampaignText {
    /// The strings in `language`.
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
