//! The PACT exchange's words (the 数据交换 / PACT page: partners, credentials, what partners receive) in 简体中文 and
//! English, one table as in the energy catalogue: a string missing in either language does not compile.

use crate::Language;

macro_rules! pact_catalogue {
    ($($key:ident: $zh:literal, $en:literal;)*) => {
        /// The PACT page's strings in one language.
        #[derive(Debug)]
        pub struct PactText {
            /// The language of these strings.
            pub language: Language,
            $(#[doc = $en] pub $key: &'static str,)*
        }

        /// 简体中文.
        pub static ZH: PactText = PactText { language: Language::SimplifiedChinese, $($key: $zh,)* };
        /// English.
        pub static EN: PactText = PactText { language: Language::English, $($key: $en,)* };

        /// Every entry as `(key, Chinese, English)`, for checks over the whole catalogue.
        pub const ENTRIES: &[(&str, &str, &str)] = &[$((stringify!($key), $zh, $en),)*];
    };
}

pact_catalogue! {
    nav_pact: "PACT 数据交换", "PACT exchange";
    title: "PACT 产品碳足迹交换", "PACT product footprint exchange";
    intro: "合作伙伴通过 PACT v3 接口（仅限 HTTPS）读取与其共享的产品碳足迹。每个伙伴有自己的客户端凭据；密钥只显示一次。",
        "Partners read the product footprints shared with them through the PACT v3 API (HTTPS only). Each partner has its own client credentials; the secret is shown once.";
    https_only: "本服务器当前未通过 HTTPS 访问，PACT 接口未开放。请使用 --tls-cert/--tls-key 或 https 公共地址运行。",
        "This server is not reached over HTTPS, so the PACT API is not served. Run it with --tls-cert/--tls-key or an https public URL.";
    partners: "合作伙伴", "Partners";
    no_partners: "尚无合作伙伴凭据。", "No partner credentials yet.";
    partner_name: "名称", "Name";
    client_id: "客户端 ID", "Client id";
    sharing: "共享范围", "Sharing";
    sharing_public: "全部已发布标签（公开）", "All published labels (public)";
    sharing_customer: "客户：", "Customer: ";
    created_at: "创建时间", "Created";
    status: "状态", "Status";
    active: "有效", "Active";
    revoked: "已吊销", "Revoked";
    revoke: "吊销", "Revoke";
    revoke_confirm: "吊销后该伙伴的令牌立即失效。继续？", "The partner's tokens stop working at once. Continue?";
    create: "创建伙伴凭据", "Create partner credentials";
    events_url: "事件回调地址（https，可选）", "Events URL (https, optional)";
    created_secret: "凭据已创建。请立即复制密钥，它不会再次显示。", "Credentials created. Copy the secret now; it is not shown again.";
    client_secret: "客户端密钥", "Client secret";
    token_endpoint: "令牌端点", "Token endpoint";
    offers: "伙伴收到的产品足迹", "Footprints as partners receive them";
    no_offers: "尚无已发布的标签。", "No published labels yet.";
    label: "标签", "Label";
    product: "产品", "Product";
    pcf: "PCF（不含生物源吸收）", "PCF (excl. biogenic uptake)";
    not_exchangeable: "无法交换：", "Not exchangeable: ";
    declare_carbon: "声明碳含量（kg C/声明单位）", "Declare carbon contents (kg C per declared unit)";
    fossil_carbon: "化石碳含量", "Fossil carbon content";
    biogenic_carbon: "生物源碳含量（可选）", "Biogenic carbon content (optional)";
    declare: "声明", "Declare";
    declare_hint: "PACT v3 要求化石碳含量，碳迹不计算该值；请依据产品成分声明。声明后不可更改。",
        "PACT v3 requires the fossil carbon content, which tanji does not calculate; declare it from the product's composition. It cannot be changed afterwards.";
    events: "收到与发出的事件", "Events received and sent";
    no_events: "尚无事件。", "No events yet.";
    direction_in: "收到", "Received";
    direction_out: "发出", "Sent";
    event_type: "类型", "Type";
    attempts: "投递次数", "Attempts";
    problem_unknown_declared_unit: "声明单位没有 PACT 对应值", "the declared unit has no PACT equivalent";
    problem_declared_unit_amount: "声明单位数量必须大于零", "the declared unit amount must be above zero";
    problem_fossil_carbon_content: "尚未声明化石碳含量", "the fossil carbon content is not declared";
    problem_negative_carbon_content: "碳含量不能为负", "a carbon content is negative";
    problem_negative_figure: "某项排放合计为负，PACT 要求 ≥ 0", "an emission total is negative; PACT requires ≥ 0";
    problem_biogenic_release: "生物源 CO2 净排放，PACT v3 无对应字段", "biogenic CO2 is a net release, which PACT v3 has no property for";
    problem_not_finite: "某数值无效", "a figure is not a finite number";
    problem_reference_period: "参考期不是有序的两个日期", "the reference period is not two dates in order";
    problem_geography: "地理区域不是 ISO 3166 代码", "the geography is not an ISO 3166 code";
    problem_other: "映射失败", "the mapping failed";
}

impl PactText {
    /// The strings in `language`.
    pub fn of(language: Language) -> &'static PactText {
        match language {
            Language::SimplifiedChinese => &ZH,
            Language::English => &EN,
        }
    }

    /// Why a footprint cannot be exchanged, in this language.
    pub fn mapping_problem(&self, problem: &tanji_pact::MappingProblem) -> &'static str {
        use tanji_pact::MappingProblem as P;
        match problem {
            P::UnknownDeclaredUnit { .. } => self.problem_unknown_declared_unit,
            P::DeclaredUnitAmountNotPositive => self.problem_declared_unit_amount,
            P::FossilCarbonContentNotDeclared => self.problem_fossil_carbon_content,
            P::NegativeCarbonContent => self.problem_negative_carbon_content,
            P::NegativeFossilEmissions { .. } | P::NegativeLandUseChange { .. } | P::NegativeBiogenicNonCo2 { .. } => {
                self.problem_negative_figure
            }
            P::BiogenicCo2NetRelease { .. } => self.problem_biogenic_release,
            P::NotFinite { .. } => self.problem_not_finite,
            P::BadReferencePeriod { .. } => self.problem_reference_period,
            P::BadGeography { .. } => self.problem_geography,
            _ => self.problem_other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_texts_have_no_english_sentences() {
        for (key, zh, en) in ENTRIES {
            assert!(!zh.is_empty() && !en.is_empty(), "{key}");
            assert!(crate::latin_sentences(zh).is_empty(), "{key}: {zh}");
        }
    }
}
