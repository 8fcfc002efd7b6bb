//! The console's words in 简体中文 and English.
//!
//! Every string lives in one table, Chinese beside English, and the `catalogue!` macro turns it into a struct with
//! one field per string and one instance per language. A string missing in either language is a compile error, so
//! the console can never show an untranslated key.

use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::facility::FacilityKind;
use tanji_tenancy::member::{Language, Role};
use tanji_tenancy::member_invitation::{JoinRefused, MemberInvitationState};
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::supplier_link::InvitationState;
use tanji_tenancy::supplier_share::ShareKind;
use tanji_tenancy::token::TokenScope;
use tanji_tenancy::validation::Problem;

macro_rules! catalogue {
    ($($key:ident: $zh:literal, $en:literal;)*) => {
        /// All console strings in one language.
        #[derive(Debug)]
        pub struct Text {
            /// The language of these strings.
            pub language: Language,
            $(#[doc = $en] pub $key: &'static str,)*
        }

        /// 简体中文.
        pub static ZH: Text = Text { language: Language::SimplifiedChinese, $($key: $zh,)* };
        /// English.
        pub static EN: Text = Text { language: Language::English, $($key: $en,)* };

        /// Every entry as `(key, Chinese, English)`, for checks over the whole catalogue.
        #[cfg(test)]
        const ENTRIES: &[(&str, &str, &str)] = &[$((stringify!($key), $zh, $en),)*];
    };
}

catalogue! {
    // The frame around every page.
    app_name: "碳迹", "tanji";
    // Between a label and its value: full-width in Chinese, a colon and a space in English.
    separator: "：", ": ";
    app_tagline: "绿色供应链碳管理平台", "Green supply-chain carbon platform";
    skip_to_content: "跳到正文", "Skip to content";
    nav_overview: "概览", "Overview";
    nav_organisation: "组织", "Organisation";
    nav_facilities: "设施", "Facilities";
    nav_members: "成员与角色", "Members & roles";
    nav_tokens: "API 令牌", "API tokens";
    nav_suppliers: "供应商与客户", "Suppliers & customers";
    nav_audit: "审计日志", "Audit log";
    nav_tenants: "租户", "Tenants";
    nav_account: "我的账户", "My account";
    nav_menu: "菜单", "Menu";
    switch_organisation: "切换组织", "Switch organisation";
    switch: "切换", "Switch";
    language_label: "语言", "Language";
    log_out: "退出登录", "Log out";
    footer_api: "REST API 文档（OpenAPI）", "REST API description (OpenAPI)";
    footer_licence: "开源软件，Apache-2.0 许可", "Open source under the Apache-2.0 licence";
    name_label: "名称", "Name";
    name_en_label: "英文名称", "English name";
    name_en_hint: "英文界面显示此名称；留空则显示中文名称。", "English pages show this name; left empty, they show the Chinese name.";
    save: "保存", "Save";
    cancel: "取消", "Cancel";
    create: "创建", "Create";
    add: "添加", "Add";
    yes: "是", "Yes";
    no: "否", "No";
    none: "—", "—";
    optional: "（选填）", " (optional)";
    required: "必填", "required";
    actions: "操作", "Actions";
    status: "状态", "Status";
    created_at: "创建时间", "Created";
    updated_at: "更新时间", "Updated";
    never: "从不", "never";
    form_has_errors: "请修正以下问题：", "Please correct the following:";
    saved: "已保存。", "Saved.";
    confirm_generic: "确定吗？", "Are you sure?";
    older_entries: "更早的记录 →", "Older entries →";
    table_scroll_cue: "表格较宽：左右滑动查看更多列", "Wide table: scroll sideways for more columns";
    newest_entries: "← 最新记录", "← Newest entries";

    // Login.
    login_title: "登录", "Log in";
    login_intro: "使用您的工作邮箱登录碳迹。", "Log in to tanji with your work e-mail address.";
    email: "邮箱", "E-mail";
    password: "密码", "Password";
    log_in: "登录", "Log in";
    login_failed: "邮箱或密码不正确。", "Wrong e-mail address or password.";
    login_no_organisation: "您的账户尚未加入任何组织，请联系组织所有者。", "Your account does not belong to any organisation yet; ask an organisation's owner to add you.";
    login_throttled: "失败次数过多，请稍后再试。可重试时间（UTC）：", "Too many failed attempts. Try again after (UTC):";
    logged_out: "您已退出登录。", "You have logged out.";
    session_expired: "请先登录。", "Please log in first.";
    demo_accounts: "演示账户", "Demo accounts";
    demo_accounts_hint: "所有演示账户的密码：", "Password of every demo account:";
    demo_use: "使用", "Use";

    // Overview.
    overview_title: "概览", "Overview";
    overview_intro: "本组织在碳迹中的数据一览。", "Your organisation's data on tanji at a glance.";
    overview_carbon: "碳数据", "Carbon";
    overview_inventory_total: "{year} 年温室气体排放（v{version}）", "GHG emissions {year} (v{version})";
    overview_change_vs_base_year: "较基准年 {years}：{change}", "Against base year {years}: {change}";
    overview_no_base_year: "未设基准年", "No base year set";
    overview_incomplete: "不完整：{n} 条记录无法计算，未计入总量", "Incomplete: {n} record(s) could not be computed and are left out";
    overview_not_verified: "未核查", "Not verified";
    overview_products_footprinted: "已核算碳足迹的产品", "Products with a footprint";
    overview_labels_published: "有效的碳标签", "Carbon labels in force";
    overview_supplier_footprints: "供应商共享的产品碳足迹", "Product footprints shared by suppliers";
    overview_clients_title: "委托本机构核查的组织", "Organisations that engaged this body";
    overview_clients_intro: "进入一个组织，以审核员身份查看其清单、碳足迹和审计日志并签署核查意见；其概览列出等待核查的内容。核查机构本身没有需要核算的碳数据。", "Open one to read its inventories, footprints and audit log as an auditor and to sign off; its overview lists what waits for verification. A verification body has no carbon data of its own to account for.";
    overview_clients_none: "还没有组织委托本机构。组织的所有者在其“组织”页委托核查机构，之后它会出现在这里。", "No organisation has engaged this body yet. An organisation's owner engages a verification body on its Organisation page; it then appears here.";
    overview_open_client: "进入核查", "Open to verify";
    overview_operator: "平台运营方自己不录入碳数据：平台上的组织在“租户”页登记和查看，各组织的数据只有其成员能看到。", "The platform operator keeps no carbon data of its own: the organisations on the platform are registered and listed on the Tenants page, and only their members see their data.";
    overview_open_tenants: "查看租户", "Open the tenants";
    overview_no_carbon: "还没有碳数据。先录入活动数据计算温室气体清单，或为产品建立碳足迹模型；如果产品由供应商生产，请邀请供应商并请其共享已发布的碳足迹。", "No carbon data yet. Enter activity data and compute an inventory, or model a product's footprint; if suppliers make your products, invite them and ask them to share their published footprints.";
    waiting_title: "待办事项", "Waiting for you";
    waiting_nothing: "目前没有待办事项。", "Nothing is waiting for you.";
    waiting_inventory_to_verify: "核查并签署温室气体清单 {inventory}", "Verify and sign off the inventory {inventory}";
    waiting_footprint_to_verify: "核查产品碳足迹 {footprint}", "Verify the product footprint {footprint}";
    waiting_inventory_errors: "清单 {inventory} 有 {n} 条记录无法计算：请修正活动数据后重新计算", "Inventory {inventory} has {n} record(s) that could not be computed: fix the activity data and compute again";
    waiting_member_invitations: "{n} 份成员邀请尚未被接受", "{n} member invitation(s) not yet accepted";
    waiting_supplier_invitations: "{n} 份供应商邀请尚未被接受", "{n} supplier invitation(s) not yet accepted";
    stat_facilities: "在用设施", "Facilities in use";
    stat_members: "成员", "Members";
    stat_suppliers: "供应商", "Suppliers";
    stat_customers: "客户", "Customers";
    chart_facilities_by_kind: "设施类型", "Facilities by kind";
    chart_facilities_by_province: "设施所在省份", "Facilities by province";
    chart_members_by_role: "成员角色", "Members by role";
    chart_activity: "近 30 天变更记录", "Changes over the last 30 days";
    chart_activity_series: "审计记录数", "Audit entries";
    not_given: "未填写", "Not given";
    empty_facilities: "还没有设施。设施是能耗、排放和产品数据的归属地，先添加第一个吧。", "No facilities yet. Facilities are where energy, emissions and product data belong — start by adding the first one.";
    empty_facilities_action: "添加设施", "Add a facility";
    empty_activity: "近 30 天没有变更。", "No changes in the last 30 days.";

    // Organisation.
    organisation_title: "组织信息", "Organisation profile";
    organisation_name: "组织名称", "Name";
    organisation_kind: "组织类型", "Kind";
    country: "国家/地区代码", "Country code";
    country_hint: "ISO 3166-1 两位字母代码，如 CN", "ISO 3166-1 two-letter code, e.g. CN";
    credit_code: "统一社会信用代码", "Unified social credit code";
    credit_code_hint: "18 位，系统会校验末位校验码", "18 characters; the check character is verified";
    registered_at: "注册时间", "Registered";
    edit_profile: "编辑组织信息", "Edit profile";
    verification_bodies_title: "核查机构", "Verification bodies";
    verification_bodies_intro: "委托独立的核查机构后，该机构的核查员可作为本组织的审核员查看数据并签署核查意见（碳盘查与产品碳足迹），但不成为本组织成员；结束委托后立即失去访问权限。面向公众的比较声明须经此类第三方核查：本组织自己的审核员签署的只算内部审核，公开页面和标签显示为“内部审核”，不显示比较结果。", "Engaging an independent verification body lets its verifiers read this organisation's data and sign off its inventories and product footprints as auditors, without becoming members; ending the engagement removes their access at once. Comparative claims shown to the public need this third-party verification: a sign-off by the organisation's own auditor counts as internal review, and public pages and labels say “internal review” and show no comparison.";
    verification_clients_intro: "以下组织委托本机构核查。本机构的审核员可通过右上角的组织切换进入这些组织，以审核员身份查看数据并签署核查意见。", "These organisations engaged this body to verify them. Its auditors switch into them with the organisation menu and act there as auditors: they read the data and sign off.";
    verification_none: "暂无核查委托。", "No engagements yet.";
    verification_no_bodies: "平台上尚无已注册的核查机构；请平台运营方注册。", "No verification body is registered on the platform yet; ask the platform operator to register one.";
    verification_body: "核查机构", "Verification body";
    verification_client: "委托方", "Engaged by";
    verification_since: "委托日期", "Engaged on";
    verification_active: "有效", "Active";
    verification_ended: "已结束", "Ended";
    verification_engage: "委托核查", "Engage";
    verification_end: "结束委托", "End engagement";
    verification_end_confirm: "结束后该机构的核查员将立即失去访问权限。确定结束？", "The body's verifiers lose access at once. End the engagement?";
    verifier_engaged: "已委托核查机构。", "Verification body engaged.";
    verifier_engagement_ended: "已结束核查委托。", "Engagement ended.";
    kind_platform_operator: "平台运营方", "Platform operator";
    kind_brand_retailer: "品牌商/零售商", "Brand / retailer";
    kind_supplier: "供应商（工厂）", "Supplier (factory)";
    kind_sub_platform: "子平台", "Sub-platform";
    kind_verification_body: "核查机构", "Verification body";

    // Facilities.
    facilities_title: "设施", "Facilities";
    facilities_intro: "工厂、仓库、办公场所和门店：能耗、排放与产品数据都归属于设施。", "Factories, warehouses, offices and shops: energy, emissions and product data all belong to a facility.";
    facility_name: "设施名称", "Name";
    facility_code: "内部编码", "Internal code";
    facility_code_hint: "如 ERP 工厂代码，组织内唯一", "e.g. an ERP plant code; unique within the organisation";
    facility_kind: "设施类型", "Kind";
    province: "省份", "Province";
    province_hint: "用于选择区域电网排放因子", "Selects the regional grid emission factor later";
    subdivision: "省/州代码", "Subdivision code";
    subdivision_hint: "ISO 3166-2 代码，如 GB-ENG", "ISO 3166-2 code, e.g. GB-ENG";
    city: "城市", "City";
    address: "地址", "Address";
    add_facility: "添加设施", "Add a facility";
    edit_facility: "编辑设施", "Edit facility";
    show_archived: "显示已归档", "Show archived";
    hide_archived: "隐藏已归档", "Hide archived";
    archived: "已归档", "Archived";
    in_use: "在用", "In use";
    archive: "归档", "Archive";
    restore: "恢复", "Restore";
    archive_confirm: "归档后该设施将不再出现在列表中，历史数据保留。确定归档？", "The facility will leave the lists; its history stays. Archive it?";
    facility_created: "设施已添加。", "Facility added.";
    facility_archived: "设施已归档。", "Facility archived.";
    facility_restored: "设施已恢复。", "Facility restored.";
    history: "变更历史", "History";
    history_intro: "谁在何时修改了什么（审核员和所有者可见）。", "Who changed what, and when (visible to auditors and owners).";
    facility_kind_factory: "工厂", "Factory";
    facility_kind_warehouse: "仓库", "Warehouse";
    facility_kind_logistics_hub: "物流站点", "Logistics hub";
    facility_kind_office: "办公场所", "Office";
    facility_kind_store: "门店", "Store";
    facility_kind_data_centre: "数据中心", "Data centre";
    facility_kind_other: "其他", "Other";

    // Members.
    members_title: "成员与角色", "Members & roles";
    members_intro: "所有者管理组织；编辑录入数据；审核员只读并可查看数据来源与审计日志；查看者只读。", "Owners manage the organisation; editors enter data; auditors read everything including provenance and the audit log; viewers read.";
    member_name: "姓名", "Name";
    role: "角色", "Role";
    joined_at: "加入时间", "Joined";
    display_name: "姓名", "Name";
    initial_password_hint: "至少 10 个字符；请对方登录后修改", "At least 10 characters; ask them to change it after logging in";
    change_role: "修改角色", "Change role";
    remove: "移除", "Remove";
    remove_member_confirm: "移除后此人将无法访问本组织，其 API 令牌会被吊销。确定移除？", "They will lose access to this organisation and their API tokens will be revoked. Remove?";
    member_added: "成员已添加。", "Member added.";
    member_removed: "成员已移除。", "Member removed.";
    role_changed: "角色已修改。", "Role changed.";
    you: "（您）", "(you)";
    role_owner: "所有者", "Owner";
    role_editor: "编辑", "Editor";
    role_auditor: "审核员", "Auditor";
    role_viewer: "查看者", "Viewer";

    // Member invitations: the members page's invite form and list, the /join/{code} page, their audit actions.
    invite_member: "邀请成员", "Invite a member";
    invite_member_hint: "生成一个 7 天内有效的邀请链接，请发给对方。对方用此邮箱登录（或用它创建账户）并接受后，才会成为成员。", "Creates an invitation link valid for 7 days; send it to the person. They become a member only once they log in with this address (or create an account for it) and accept.";
    member_invitation_created: "邀请已生成。请复制链接发给对方——它只显示这一次：", "Invitation created. Copy the link and send it to the person — it is shown only this once:";
    member_invitations_open: "待接受的邀请", "Open invitations";
    empty_member_invitations: "没有待接受的邀请。", "No open invitations.";
    member_invitation_withdraw_confirm: "撤回后此邀请链接立即失效。确定撤回？", "The link stops working at once. Withdraw the invitation?";
    join_title: "加入组织的邀请", "Invitation to join an organisation";
    join_lead: "邀请您加入其在碳迹上的组织。", "invites you to join their organisation on tanji.";
    join_organisation: "组织", "Organisation";
    join_address: "受邀邮箱", "Invited address";
    join_unknown: "此邀请链接不存在。请检查链接是否完整，或请组织所有者重新邀请。", "This invitation link does not exist. Check that the link is complete, or ask the organisation's owner for a new invitation.";
    join_expired: "此邀请已过期，请联系组织所有者重新邀请。", "This invitation has expired. Ask the organisation's owner for a new one.";
    join_revoked: "此邀请已被组织撤回。", "This invitation was withdrawn by the organisation.";
    join_accepted: "此邀请已被接受，不能再次使用。", "This invitation has already been accepted and cannot be used again.";
    join_logged_in_as: "您当前登录的账户：", "You are logged in as:";
    join_accept: "接受邀请并加入", "Accept and join";
    join_not_the_invitee: "此邀请发给的是另一个邮箱。请退出登录，再用受邀邮箱登录后接受。", "This invitation is for another e-mail address. Log out, then log in with the invited address to accept it.";
    join_already_member: "您已是该组织的成员。", "You are already a member of this organisation.";
    join_log_in_hint: "请用受邀邮箱登录，登录后会回到此页接受邀请。", "Log in with the invited address; you come back to this page to accept.";
    join_register: "还没有账户？创建账户并加入", "No account yet? Create one and join";
    join_register_hint: "账户的邮箱就是受邀邮箱。如果该邮箱已有账户，不会创建任何内容，请改为登录后接受。", "The account's e-mail address is the invited one. If that address already has an account, nothing is created: log in instead to accept.";
    join_register_button: "创建账户并加入", "Create account and join";
    join_password_hint: "至少 10 个字符，可以是一句话", "At least 10 characters; a phrase is fine";
    join_account_exists: "受邀邮箱已有账户，未创建任何内容。请用该邮箱登录后接受邀请。", "The invited address already has an account; nothing was created. Log in with it to accept the invitation.";
    joined: "您已加入该组织。", "You have joined the organisation.";
    action_member_invitation_created: "邀请成员", "Member invited";
    action_member_invitation_revoked: "撤回成员邀请", "Member invitation withdrawn";
    action_member_invitation_accepted: "接受成员邀请", "Member invitation accepted";

    // Tokens.
    tokens_title: "API 令牌", "API tokens";
    tokens_intro: "供其他系统（ERP、能源管理系统）调用碳迹 REST API。令牌以创建者的身份操作，权限不超过创建者当前的角色。", "For other systems (ERP, energy management) calling tanji's REST API. A token acts for its creator and never exceeds the creator's current role.";
    token_name: "用途", "Purpose";
    token_prefix: "令牌开头", "Starts with";
    scopes: "权限范围", "Scopes";
    created_by: "创建者", "Created by";
    expires_at: "到期时间", "Expires";
    last_used_at: "最近使用", "Last used";
    expires_in: "有效期", "Valid for";
    days_30: "30 天", "30 days";
    days_90: "90 天", "90 days";
    days_365: "一年", "One year";
    no_expiry: "不过期（直到吊销）", "No expiry (until revoked)";
    create_token: "创建令牌", "Create a token";
    token_created: "令牌已创建。请立即复制——它只显示这一次：", "Token created. Copy it now — it is shown only this once:";
    token_usage: "调用示例：", "Example call:";
    revoke: "吊销", "Revoke";
    revoke_confirm: "吊销后使用此令牌的系统将立即失去访问权限。确定吊销？", "Systems using this token lose access at once. Revoke it?";
    token_revoked: "令牌已吊销。", "Token revoked.";
    token_active: "有效", "Active";
    token_revoked_state: "已吊销", "Revoked";
    token_expired_state: "已过期", "Expired";
    empty_tokens: "还没有令牌。", "No tokens yet.";
    scope_read: "读取", "read";
    scope_write: "写入", "write";
    scope_admin: "管理", "admin";
    scope_read_hint: "读取本组织数据", "Read the organisation's data";
    scope_write_hint: "新增和修改数据", "Create and change data";
    scope_admin_hint: "管理成员、令牌和供应商关系", "Manage members, tokens and supplier links";

    // Suppliers and customers.
    suppliers_title: "供应商与客户", "Suppliers & customers";
    suppliers_intro: "品牌邀请供应商建立关联；此后的供应商数据收集、碳足迹交换与评估都基于这一关联。", "A brand invites its suppliers to link; supplier data requests, footprint exchange and assessments later build on the link.";
    our_suppliers: "我们的供应商", "Our suppliers";
    our_customers: "我们的客户", "Our customers";
    linked_at: "建立关联", "Linked";
    end_link: "解除关联", "End link";
    end_link_confirm: "解除后双方将不再共享数据，历史记录保留。确定解除？", "The two sides will stop sharing data; history stays. End the link?";
    link_ended: "关联已解除。", "Link ended.";
    empty_suppliers: "还没有关联的供应商。", "No suppliers linked yet.";
    empty_customers: "还没有关联的客户。", "No customers linked yet.";
    invite_supplier: "邀请供应商", "Invite a supplier";
    invite_supplier_hint: "生成一个 30 天内有效的邀请链接，发送给供应商的负责人。", "Creates an invitation link valid for 30 days; send it to the supplier's manager.";
    supplier_name: "供应商名称", "Supplier name";
    invitation_message: "留言", "Message";
    create_invitation: "生成邀请链接", "Create invitation link";
    invitation_created: "邀请已生成。请复制链接发送给供应商——它只显示这一次：", "Invitation created. Copy the link and send it to the supplier — it is shown only this once:";
    invitations_sent: "已发出的邀请", "Invitations sent";
    invitation_expires: "有效期至", "Valid until";
    withdraw: "撤回", "Withdraw";
    invitation_withdrawn: "邀请已撤回。", "Invitation withdrawn.";
    accept_invitation: "接受客户邀请", "Accept a customer's invitation";
    accept_invitation_hint: "粘贴客户发给您的邀请码（以 tanji_inv_ 开头）或邀请链接。", "Paste the invitation code (starting with tanji_inv_) or link your customer sent you.";
    invitation_code: "邀请码或链接", "Invitation code or link";
    accept: "接受", "Accept";
    link_created: "已与客户建立关联。", "You are now linked with the customer.";
    state_open: "待接受", "Open";
    state_accepted: "已接受", "Accepted";
    state_expired: "已过期", "Expired";
    state_revoked: "已撤回", "Withdrawn";
    link_active: "有效", "Active";
    link_ended_state: "已解除", "Ended";

    // A supplier's (or customer's) page, and what suppliers share.
    supplier_details: "详情", "Details";
    supplier_page_intro: "该供应商通过供应关联与您共享的数据（只读）。共享内容由供应商决定，可随时撤回。", "What this supplier shares with you through your link (read-only). The supplier decides what it shares and may stop at any time.";
    customer_page_intro: "决定与该客户共享哪些数据。客户只能只读查看，您可随时停止共享；每次变更都记入双方的审计日志。", "Decide what you share with this customer. They can only read it; you may stop sharing at any time; every change is recorded in both organisations' audit logs.";
    shared_data: "共享的数据", "Shared data";
    share_published_footprints: "已发布的产品碳足迹与碳标签", "Published product footprints and carbon labels";
    share_published_footprints_hint: "有效的碳标签：产品、每声明单位碳足迹、较常规产品减碳、核查情况。", "The carbon labels in force: product, footprint per declared unit, reduction against the conventional product, verification.";
    share_verified_inventory_summary: "最新已核查温室气体清单摘要", "Latest verified GHG inventory summary";
    share_verified_inventory_summary_hint: "年份、范围一/二/三排放、总量、较基准年变化与核查日期；不含活动数据与明细。", "Year, scope 1/2/3 emissions, totals, change against the base year and date of verification; never the activity data or lines.";
    shared_since: "共享自", "Shared since";
    not_shared: "未共享", "Not shared";
    shared: "已共享", "Shared";
    start_sharing: "开始共享", "Share";
    stop_sharing: "停止共享", "Stop sharing";
    stop_sharing_confirm: "客户将立即无法再看到这些数据。确定停止共享？", "The customer will no longer see this data, from now on. Stop sharing?";
    share_granted: "已开始共享。", "Sharing started.";
    share_revoked: "已停止共享。", "Sharing stopped.";
    share_owner_only: "只有本组织的所有者可以更改共享设置。", "Only the organisation's owners can change what is shared.";
    supplier_footprints: "该供应商的产品碳足迹", "This supplier's product footprints";
    supplier_footprints_not_shared: "该供应商尚未与您共享其产品碳足迹。", "This supplier does not share its product footprints with you.";
    supplier_footprints_empty: "该供应商共享了产品碳足迹，但目前没有有效的碳标签。", "This supplier shares its product footprints but has no carbon label in force.";
    supplier_inventory: "最新已核查的温室气体清单", "Latest verified GHG inventory";
    supplier_inventory_not_shared: "该供应商尚未与您共享其温室气体清单摘要。", "This supplier does not share its GHG inventory summary with you.";
    supplier_inventory_empty: "该供应商共享了清单摘要，但还没有经独立核查机构核查的清单（供应商自己的审核员签署的内部审核版本不在此显示）。", "This supplier shares its inventory summary but has no inventory verified by an independent verification body yet (versions only reviewed internally by the supplier's own auditor are not shown here).";
    no_permission_to_read: "您的角色无权查看此类数据。", "Your role may not read this kind of data.";
    verified_on: "核查日期", "Verified on";
    change_vs_base_year: "较基准年变化", "Change against the base year";
    self_declared: "自我声明", "Self-declared";
    per_declared_unit: "每声明单位", "Per declared unit";
    supplier_products_title: "供应商共享的产品", "Products from your suppliers";
    supplier_products_intro: "供应商通过供应关联共享的已发布碳足迹（只读）。点击供应商查看其共享的全部数据。", "Published footprints your suppliers share with you through your links (read-only). Open a supplier to see everything it shares.";
    supplier_products_empty: "还没有供应商与您共享产品碳足迹。供应商的所有者可在其“供应商与客户”页面中为您开启共享。", "No supplier shares product footprints with you yet. A supplier's owner turns sharing on in its Suppliers & customers page.";
    supplier: "供应商", "Supplier";
    supplier_inventories_title: "供应商共享的温室气体清单", "Inventories your suppliers share";
    supplier_inventories_intro: "各供应商最新一版经核查的清单摘要（只读，t CO2e）。点击供应商查看其共享的全部数据。", "Each supplier's latest verified inventory summary (read-only, t CO2e). Open a supplier to see everything it shares.";
    customer: "客户", "Customer";

    // The invitation landing page.
    invitation_title: "供应商邀请", "Supplier invitation";
    invitation_invites: "邀请您作为其供应商，在碳迹上建立关联：", "invites you to link on tanji as their supplier:";
    invitation_for: "受邀供应商", "Invited supplier";
    invitation_unknown: "此邀请不存在。请检查链接是否完整，或请客户重新发送。", "This invitation does not exist. Check that the link is complete, or ask the customer to send a new one.";
    invitation_not_open: "此邀请已无法接受：", "This invitation can no longer be accepted:";
    invitation_accept_as: "以下列组织身份接受：", "Accept on behalf of:";
    invitation_need_supplier_owner: "只有供应商组织的所有者可以接受邀请。请切换到您作为所有者的供应商组织。", "Only an owner of a supplier organisation can accept. Switch to a supplier organisation you own.";
    invitation_have_account: "已有碳迹账户？", "Already on tanji?";
    invitation_log_in: "登录后接受", "Log in to accept";
    invitation_register: "第一次使用碳迹？注册您的公司", "New to tanji? Register your company";
    invitation_register_hint: "将创建供应商组织，您将成为其所有者，并与邀请方建立关联。", "Creates your supplier organisation with you as its owner, linked to the inviting customer.";
    company_name: "公司名称", "Company name";
    your_name: "您的姓名", "Your name";
    register_and_accept: "注册并接受邀请", "Register and accept";
    registered_welcome: "注册成功，欢迎加入碳迹。请登录。", "Registration complete — welcome to tanji. Please log in.";

    // Audit log.
    audit_title: "审计日志", "Audit log";
    audit_intro: "本组织的所有变更：谁、何时、做了什么、改了哪些字段。", "Every change in your organisation: who, when, what, and which fields.";
    audit_time: "时间（UTC）", "Time (UTC)";
    audit_actor: "操作者", "Actor";
    audit_action: "操作", "Action";
    audit_object: "对象", "Object";
    audit_changes: "变更内容", "Changes";
    all_actions: "全部操作", "All actions";
    actor_operator: "平台运营（命令行）", "Platform operator (command line)";
    filter: "筛选", "Filter";
    empty_audit: "没有符合条件的记录。", "No entries match.";
    action_organisation_registered: "注册组织", "Organisation registered";
    action_organisation_updated: "修改组织信息", "Profile changed";
    action_facility_created: "添加设施", "Facility added";
    action_facility_updated: "修改设施", "Facility changed";
    action_facility_archived: "归档设施", "Facility archived";
    action_facility_restored: "恢复设施", "Facility restored";
    action_member_added: "添加成员", "Member added";
    action_member_role_changed: "修改角色", "Role changed";
    action_member_removed: "移除成员", "Member removed";
    action_token_created: "创建令牌", "Token created";
    action_token_revoked: "吊销令牌", "Token revoked";
    action_supplier_invitation_created: "邀请供应商", "Supplier invited";
    action_supplier_invitation_revoked: "撤回邀请", "Invitation withdrawn";
    action_supplier_link_created: "建立供应关联", "Supplier link created";
    action_supplier_link_ended: "解除供应关联", "Supplier link ended";
    audit_field_rows: "导入行数", "Rows imported";
    audit_field_quantity: "活动量", "Quantity";
    audit_field_file: "文件", "File";
    audit_field_total_location_t: "总排放（t CO2e，范围二基于位置）", "Total (t CO2e, location-based scope 2)";
    audit_field_processes: "工序数", "Processes";
    audit_field_total_kg_co2e: "碳足迹（kg CO2e/声明单位）", "Footprint (kg CO2e per declared unit)";
    audit_field_record_hash: "记录哈希", "Record hash";
    audit_field_placement: "在计量表树中的位置（区域/产线）", "Place in the meter tree (area/line)";
    audit_field_energy_rows: "写入条数", "Records stored";
    audit_field_other: "其他字段", "Other field";
    audit_token_actor: "API 令牌“{name}”（{email}）", "API token “{name}” of {email}";
    audit_unnamed_object: "查看对象", "Open";
    action_supplier_share_granted: "供应商开始共享数据", "Supplier started sharing data";
    action_supplier_share_revoked: "供应商停止共享数据", "Supplier stopped sharing data";
    action_activity_recorded: "录入活动数据", "Activity data entered";
    action_activities_imported: "导入活动数据", "Activity data imported";
    action_activity_deleted: "删除活动数据", "Activity data deleted";
    action_factor_added: "新增自有排放因子", "Own emission factor added";
    action_inventory_computed: "计算温室气体清单", "Inventory computed";
    action_inventory_verified: "核查签署清单", "Inventory verified";
    action_facility_boundary_changed: "修改设施边界", "Facility boundary changed";
    action_product_created: "新建产品", "Product created";
    action_product_model_saved: "保存产品模型版本", "Product model version saved";
    action_footprint_computed: "计算产品碳足迹", "Product footprint computed";
    action_footprint_verified: "核查产品碳足迹", "Product footprint verified";
    action_label_published: "发布碳标签", "Carbon label published";
    action_label_withdrawn: "撤回碳标签", "Carbon label withdrawn";
    action_verification_engagement_started: "委托核查机构", "Verification body engaged";
    action_verification_engagement_ended: "结束核查委托", "Verification engagement ended";
    action_energy_meter_registered: "登记能源计量表", "Energy meter registered";
    action_energy_site_changed: "更改能源站点", "Energy site changed";
    action_energy_production_recorded: "记录产量", "Production recorded";
    action_energy_measure_recorded: "记录节能措施", "Energy-saving measure recorded";
    action_methodology_drafted: "起草方法学版本", "Methodology version drafted";
    action_methodology_submitted: "方法学提交专家评审", "Methodology submitted for expert review";
    action_methodology_signed_off: "专家评审签署", "Expert sign-off recorded";
    action_methodology_notice_started: "方法学开始公示", "Methodology public notice started";
    action_methodology_approved: "批准方法学", "Methodology approved";
    action_methodology_retired: "停用方法学", "Methodology retired";
    action_sub_platform_registered: "登记子平台", "Sub-platform registered";
    action_sub_platform_credential_issued: "签发子平台接口凭证", "Sub-platform API credential issued";
    action_sub_platform_credential_revoked: "吊销子平台接口凭证", "Sub-platform API credential revoked";
    action_parent_account_opened: "开立个人主账户", "Parent account opened";
    action_identity_linked: "关联子平台身份", "Sub-platform identity linked";
    action_identity_unlinked: "解除子平台身份关联", "Sub-platform identity unlinked";
    action_pact_client_created: "创建 PACT 伙伴凭据", "PACT partner credentials created";
    action_pact_client_revoked: "吊销 PACT 伙伴凭据", "PACT partner credentials revoked";
    action_pact_carbon_content_declared: "声明 PACT 碳含量", "PACT carbon content declared";
    action_supplier_campaign_launched: "发起供应商评估", "Supplier assessment launched";
    action_supplier_answer_recorded: "供应商作答", "Supplier answer recorded";
    action_supplier_answer_reopened: "重新打开供应商答案", "Supplier answer reopened";
    action_supplier_evidence_uploaded: "上传评估证据", "Assessment evidence uploaded";
    action_supplier_evidence_reviewed: "审核评估证据", "Assessment evidence reviewed";
    action_supplier_questionnaire_submitted: "提交评估问卷", "Assessment questionnaire submitted";
    action_user_logged_in: "登录", "Logged in";

    // Tenants.
    tenants_title: "租户", "Tenants";
    tenants_intro: "平台上的全部组织。运营方可以看到组织概况，但看不到各组织的数据。", "Every organisation on the platform. The operator sees each tenant's size, never its data.";
    register_organisation: "注册组织", "Register an organisation";
    register_organisation_hint: "可同时邀请第一位所有者：组织与邀请一并创建，或都不创建。您会得到一个 7 天内有效的链接，请发给对方；对方接受后才成为所有者。", "You may invite its first owner at the same time: the organisation and the invitation are created together, or neither. You get a link valid for 7 days to send them; they become owner only once they accept it.";
    first_owner: "第一位所有者", "First owner";
    first_owner_invitation_hint: "只填邮箱。对方用此邮箱登录后接受；还没有账户的，接受时自行设置姓名和密码。", "An e-mail address only. They accept logged in with it; someone without an account chooses their name and password when accepting.";
    tenant_owner_invitation_created: "组织已注册，并已邀请其第一位所有者。请复制链接发给对方——它只显示这一次：", "Organisation registered, and its first owner invited. Copy the link and send it to them — it is shown only this once:";
    organisation_registered: "组织已注册。", "Organisation registered.";

    // My account.
    account_title: "我的账户", "My account";
    memberships: "所属组织", "Memberships";
    preferred_language: "界面语言", "Console language";
    change_password: "修改密码", "Change password";
    current_password: "当前密码", "Current password";
    new_password: "新密码", "New password";
    password_changed: "密码已修改，其他设备上的登录已失效。", "Password changed; your sessions on other devices have ended.";

    // Errors.
    error_title: "出错了", "Something went wrong";
    error_not_found: "页面不存在，或您无权访问。", "This page does not exist, or you may not see it.";
    error_forbidden: "您的角色没有执行此操作的权限。", "Your role does not allow this.";
    error_csrf: "表单已过期或来源无法验证，请返回刷新页面后重试。", "The form has expired or its origin could not be verified. Go back, reload the page and try again.";
    error_internal: "服务器内部错误。已记录，请稍后重试；如持续出现，请将下面的请求编号告知管理员。", "Internal error. It has been logged; try again later. If it persists, give your administrator the request id below.";
    error_conflict: "无法完成：", "Could not be done:";
    error_bad_request: "无法读取此请求：表单字段或网址参数的格式不对。请返回，检查后重试。", "This request could not be read: a form field or an address parameter is malformed. Go back, check it and try again.";
    error_method_not_allowed: "此地址不支持这种请求方式。请从页面上的链接或按钮进入。", "This address does not accept this kind of request. Use the links and buttons on the pages.";
    error_timeout: "请求处理超时。请稍后重试；如果是大文件，请拆分后分批上传。", "The request took too long. Try again later; split a large file and upload it in parts.";
    error_payload_too_large: "提交的内容太大（表单最大 1 MiB，上传文件最大 2 MiB）。请拆分后分批提交。", "What was sent is too large (forms up to 1 MiB, uploads up to 2 MiB). Split it and send it in parts.";
    error_unsupported_media_type: "无法识别提交内容的格式。请使用页面上的表单提交。", "The format of what was sent is not recognised. Submit it with the form on the page.";
    error_request_id: "请求编号", "Request id";
    back_to_overview: "返回概览", "Back to the overview";
    conflict_organisation_name: "已有同名组织。", "An organisation with this name is already registered.";
    conflict_credit_code: "已有组织使用此统一社会信用代码。", "An organisation with this unified social credit code is already registered.";
    conflict_email: "此邮箱已被注册。", "This e-mail address is already registered.";
    conflict_already_member: "此人已是本组织成员。", "This person is already a member.";
    conflict_facility_name: "本组织已有同名设施。", "The organisation already has a facility with this name.";
    conflict_facility_code: "本组织已有使用此编码的设施。", "The organisation already has a facility with this code.";
    conflict_last_owner: "组织必须至少保留一位所有者，请先将其他成员设为所有者。", "An organisation must keep at least one owner; make another member owner first.";
    conflict_already_done: "无需操作：已处于该状态。", "Nothing to do: it is already in that state.";
    conflict_own_invitation: "不能接受本组织发出的邀请。", "An organisation cannot accept its own invitation.";
    conflict_not_a_supplier: "只有供应商组织可以接受客户邀请。", "Only a supplier organisation can accept a customer's invitation.";
    conflict_already_linked: "双方已建立关联。", "These organisations are already linked.";

    // GHG inventory.
    nav_inventory: "温室气体清单", "GHG inventory";
    period_label: "期间", "Period";
    refrigerant: "制冷剂（如 R-410A）", "Refrigerant (e.g. R-410A)";
    covered_by_instruments: "绿证/绿电交易/购电协议覆盖量（同单位）", "Covered by certificates, green power or PPAs (same unit)";
    no_factor_for_method: "此行按实测参数或制冷剂计算，不使用排放因子。", "This line is calculated from measured parameters or a refrigerant, not an emission factor.";
    lines_without_uncertainty: "条未给出不确定性", "lines without a stated uncertainty";
    recalculation_yes: "结构、方法、因子和差错变化合计影响基准年 {percent}%，达到 {threshold}% 的显著性阈值：应重算基准年。", "Structural, method, factor and error changes together move the base year by {percent} %, at or above the {threshold} % significance threshold: recalculate the base year.";
    recalculation_no: "结构、方法、因子和差错变化合计影响基准年 {percent}%，低于 {threshold}% 的显著性阈值：无需重算（有机增长不触发重算）。", "Structural, method, factor and error changes together move the base year by {percent} %, below the {threshold} % significance threshold: no recalculation (organic growth never triggers one).";
    factors_total: "库中共 {n_factors} 个因子（连同历史版本共 {n_versions} 个版本）；下表每个因子只列最新版本。", "The library holds {n_factors} factors ({n_versions} versions counting earlier ones); the table lists each factor's latest version.";
    category_stationary_combustion: "固定燃烧", "Stationary combustion";
    category_mobile_combustion: "移动燃烧", "Mobile combustion";
    category_electricity: "电力", "Electricity";
    category_heat_steam: "热力与蒸汽", "Heat and steam";
    category_refrigerant: "制冷剂", "Refrigerants";
    category_process: "工业过程", "Process";
    category_transport_freight: "货物运输", "Freight transport";
    category_transport_passenger: "旅客运输", "Passenger transport";
    category_waste: "废弃物", "Waste";
    category_water: "水", "Water";
    category_material: "材料", "Materials";
    category_spend: "支出法", "Spend-based";
    category_other: "其他", "Other";
    verification_primary: "已核对原始出处", "checked against the primary source";
    verification_secondary: "仅核对二手来源", "checked against secondary copies only";
    nav_activities: "活动数据", "Activity data";
    nav_factors: "排放因子库", "Emission factors";
    inventory_title: "温室气体清单", "GHG inventory";
    inventory_intro: "依据 ISO 14064-1 与温室气体核算体系（GHG Protocol），由活动数据 × 排放因子计算组织排放；每个数字都可追溯到记录、因子、GWP 与公式。", "Organisation emissions per ISO 14064-1 and the GHG Protocol, from activity data × emission factors; every number leads back to its record, factor, GWP and formula.";
    inventory_versions: "清单版本", "Inventory versions";
    empty_inventories: "还没有计算过清单。先录入或导入活动数据，再在下方选择年份计算。", "No inventory computed yet. Enter or import activity data, then compute a year below.";
    empty_inventories_read_only: "还没有计算过清单。本组织的编辑或所有者录入活动数据并计算后，清单会显示在这里；您的角色只能查看。", "No inventory computed yet. It appears here once an editor or owner of your organisation enters activity data and computes it; your role can view only.";
    compute_inventory: "计算清单", "Compute inventory";
    compute_inventory_hint: "每次计算生成一个新版本；已核查的版本保持冻结。", "Each computation makes a new version; verified versions stay frozen.";
    reporting_year: "报告年度", "Reporting year";
    gwp_set: "GWP 值集", "GWP set";
    gwp_horizon: "（IPCC，100 年）", " (IPCC, 100-year)";
    consolidation: "合并方法", "Consolidation approach";
    consolidation_equity_share: "股权比例法", "Equity share";
    consolidation_financial_control: "财务控制法", "Financial control";
    consolidation_operational_control: "运营控制法", "Operational control";
    base_years: "基准年", "Base year(s)";
    base_years_hint: "一个年份，或用逗号分隔的多个年份（取平均）", "One year, or several separated by commas (averaged)";
    significance_threshold: "重算显著性阈值（%）", "Recalculation significance threshold (%)";
    base_year_changes: "自基准年以来的变化", "Changes since the base year";
    base_year_changes_example: "structural; -120; 2025-07 出售温州仓库", "structural; -120; 2025-07 Wenzhou warehouse sold";
    base_year_changes_hint: "每行一项：类型；对基准年排放的影响（t CO2e，可为负）；说明。类型：structural 结构变化、methodology 方法变化、factor_change 因子变化、error_correction 差错更正、organic_growth 有机增长（不触发重算）。", "One per line: kind; effect on base-year emissions (t CO2e, may be negative); description. Kinds: structural, methodology, factor_change, error_correction, organic_growth (never triggers recalculation).";
    boundary_title: "组织边界", "Organisation boundary";
    boundary_intro: "设施的股权比例和控制权决定其排放在各合并方法下计入的比例。", "A facility's equity share and control decide how much of its emissions each consolidation approach reports.";
    equity_share: "股权比例（%）", "Equity share (%)";
    financial_control: "财务控制", "Financial control";
    operational_control: "运营控制", "Operational control";
    version: "版本", "Version";
    computed: "计算于", "Computed";
    total_location: "总排放（范围二基于位置）", "Total (location-based scope 2)";
    total_market: "总排放（范围二基于市场）", "Total (market-based scope 2)";
    t_co2e: "t CO2e", "t CO2e";
    verified: "已核查", "Verified";
    draft: "未核查", "Not verified";
    internal_review: "内部审核", "Internal review";
    errors_count: "错误", "Errors";
    scope1: "范围一", "Scope 1";
    scope2_location: "范围二（基于位置）", "Scope 2 (location-based)";
    scope2_market: "范围二（基于市场）", "Scope 2 (market-based)";
    scope3: "范围三", "Scope 3";
    scope_outside: "范围外", "Outside scopes";
    biogenic_co2: "生物源 CO2（单独报告）", "Biogenic CO2 (reported apart)";
    biogenic_co2_short: "生物源 CO2", "biogenic CO2";
    china_net: "中国核算指南口径（扣除输出）", "China guideline total (exports deducted)";
    memo_gases: "备忘：非京都气体", "Memo: non-Kyoto gases";
    uncertainty: "不确定性（95%）", "Uncertainty (95 %)";
    chart_by_scope: "按范围", "By scope";
    chart_by_iso: "按 ISO 14064-1 类别", "By ISO 14064-1 category";
    chart_by_gas: "按气体", "By gas";
    chart_by_facility: "按设施", "By facility";
    chart_by_month: "按月份", "By month";
    chart_base_year: "基准年与本年（当前边界）", "Base year vs this year (today's boundary)";
    base_year_label: "基准年", "Base year";
    this_year: "本年", "This year";
    change_since_base_year: "较基准年变化", "Change since base year";
    recalculation: "基准年重算判断", "Base-year recalculation";
    intensity: "排放强度", "Intensity";
    intensity_hint: "输入产量或营业收入，计算单位排放。", "Enter output or revenue to see emissions per unit.";
    output_amount: "产量或营业收入", "Output or revenue";
    output_unit: "单位（如 万只、万元）", "Unit (e.g. 10k cups, 10k CNY)";
    per: "每", "per";
    lines_title: "排放明细", "Emission lines";
    filter_lines: "筛选", "Filter";
    all_lines: "全部", "All";
    showing_lines: "显示 {shown} / {total} 条", "Showing {shown} of {total} lines";
    lines_intro: "点击记录查看其证据、因子、GWP 与公式。", "Click a record to see its evidence, factor, GWP and formula.";
    record: "记录", "Record";
    source: "排放源", "Source";
    scope: "范围", "Scope";
    iso_category: "ISO 类别", "ISO category";
    quantity: "活动量", "Quantity";
    status_counted: "计入", "Counted";
    status_superseded: "被更高优先级来源替代", "Superseded by a higher-priority source";
    status_failed: "无法计算", "Not calculated";
    status_excluded: "不计入", "Excluded";
    diagnostics_title: "诊断", "Diagnostics";
    diagnostics_empty: "没有问题。", "No problems.";
    severity_error: "错误", "Error";
    severity_warning: "警告", "Warning";
    severity_info: "提示", "Info";
    verify_title: "核查签署", "Verification sign-off";
    verify_intro: "签署后此版本冻结：数据更改只会产生新版本。", "Signing freezes this version: later changes make new versions.";
    verification_statement: "核查声明", "Verification statement";
    verify_button: "签署为已核查", "Sign off as verified";
    verify_confirm: "签署后不可撤销，确定吗？", "The sign-off cannot be undone. Continue?";
    verified_by: "核查人", "Verified by";
    inventory_verified: "清单已核查并冻结。", "Inventory verified and frozen.";
    inventory_computed: "已计算新的清单版本。", "A new inventory version was computed.";
    report: "ISO 14064-1 报告", "ISO 14064-1 report";
    export_csv: "导出 CSV", "Export CSV";
    export_json: "导出 JSON", "Export JSON";
    provenance: "来源追溯", "Provenance";
    as_entered: "原始录入", "As entered";
    evidence: "证据", "Evidence";
    data_source: "数据来源", "Data source";
    data_quality: "数据质量（可靠性/时间/地理/技术/完整性）", "Data quality (reliability/temporal/geographical/technological/completeness)";
    factor: "排放因子", "Emission factor";
    factor_source: "出处", "Source";
    licence: "许可", "Licence";
    verification_status: "核验状态", "Verification";
    gwp: "GWP", "GWP";
    gas: "气体", "Gas";
    mass_kg: "质量（kg）", "Mass (kg)";
    co2e_kg: "CO2 当量（kg）", "CO2e (kg)";
    formula: "公式", "Formula";
    parameters: "参数", "Parameters";
    shares: "期间与边界比例", "Period and boundary shares";
    entered_by: "录入人", "Entered by";
    imported_from: "导入文件", "Imported from";
    activities_title: "活动数据", "Activity data";
    activities_intro: "能源、燃料、制冷剂、运输等活动量。同一活动有多个来源时，按 生产月报 > 生产日报 > 计量表 > 财务 > 物流 > 推算 > 统计报表 > 估算 取用。", "Energy, fuel, refrigerant, transport and other activity data. When several sources cover the same activity the order is production monthly report > daily report > meter > finance > logistics > derived report > statistics filing > estimate.";
    empty_activities: "该年度没有活动数据。在下方录入一条，或导入 CSV（可由 Excel 另存为 CSV UTF-8）。", "No activity data for this year. Enter a record below, or import a CSV (save from Excel as CSV UTF-8).";
    add_activity: "录入活动数据", "Enter activity data";
    import_activities: "导入 CSV", "Import CSV";
    import_hint: "整批导入：任一行有错则全部不导入，并逐行列出问题。列说明见 docs/inventory-file.md。", "All or nothing: if any row is wrong nothing is imported and every problem is listed. Columns are described in docs/inventory-file.md.";
    import_file: "CSV 文件", "CSV file";
    import_button: "导入", "Import";
    imported: "活动数据已导入。", "Activity data imported.";
    activity_saved: "活动数据已保存。", "Activity data saved.";
    activity_deleted: "活动数据已删除。", "Activity data deleted.";
    import_rejected: "数据未保存。请修正以下问题后重新提交：", "Nothing was saved. Fix these problems and submit again:";
    // Completeness of inventory totals, sign-off of incomplete versions, intensity, the activity template.
    complete: "完整", "Complete";
    incomplete: "不完整", "Incomplete";
    incomplete_title: "清单不完整：合计未包含无法计算的记录", "Incomplete inventory: the totals leave out records that could not be calculated";
    incomplete_hint: "请修正下列记录（见“诊断”）后重新计算；在此之前，所有合计都偏低。", "Fix the records listed (see the diagnostics) and compute again; until then every total is too low.";
    records_not_counted: "未计入的记录", "Records not counted";
    incomplete_sign_off_intro: "此版本不完整。若仍要签署，须在核查意见之外写明接受缺失记录的理由（保留意见）；该理由会被保存、记入审计日志，并印在报告首页。", "This version is incomplete. To sign it off anyway, write why the missing records are accepted (a qualified opinion) in addition to the statement; the reason is stored, audited and printed on the report's first page.";
    incomplete_sign_off_reason: "接受不完整的理由", "Reason for accepting the incompleteness";
    conflict_inventory_incomplete: "此清单版本不完整，签署时必须写明接受缺失记录的理由；或修正记录后重新计算。", "This inventory version is incomplete: sign it off only with a written reason for accepting the missing records, or fix them and compute again.";
    conflict_meter_code: "本组织已有使用此编号的能源计量表，请换一个编号。", "Your organisation already has an energy meter with this code; choose another code.";
    base_year_not_comparable: "基准年或本年的合计不完整，“较基准年变化”并非同口径比较：", "The base year or this year is incomplete, so the change since the base year is not like-for-like:";
    base_year_side_incomplete: "{year} 年：{completeness}", "{year}: {completeness}";
    base_year_completeness_unknown: "此版本计算时尚未记录基准年的完整性；请重新计算以核对。", "Base-year completeness was not recorded when this version was computed; compute again to check it.";
    output_description: "产品或产出（可选）", "Product or output (optional)";
    intensity_location: "排放强度（基于位置）", "Emission intensity (location-based)";
    intensity_market: "排放强度（基于市场）", "Emission intensity (market-based)";
    intensity_output: "报告期产出", "Output in the period";
    intensity_not_stated: "未填写报告期产出；计算清单时填写产量及单位，即可保存单位产出排放强度。", "No output was stated; give the output quantity and unit when computing to save the intensity per unit of output.";
    intensity_compute_hint: "报告期的产量（或产值）及其单位，用于计算并随版本保存单位产出排放强度（GB/T 32150）。", "The period's output (or revenue) and its unit, to compute and save the emission intensity per unit of output with the version (GB/T 32150).";
    download_template: "下载 CSV 模板", "Download the CSV template";
    row: "行", "Row";
    column: "列", "Column";
    reason: "原因", "Reason";
    hint: "建议", "Hint";
    facility: "设施", "Facility";
    period: "期间（如 2025-03）", "Period (e.g. 2025-03)";
    unit: "单位", "Unit";
    factor_id: "因子编号", "Factor id";
    method: "方法", "Method";
    emission_point: "排放设施/计量点", "Emission point";
    activity: "活动", "Activity";
    delete: "删除", "Delete";
    delete_confirm: "确定删除这条记录吗？已计算的清单版本不受影响。", "Delete this record? Computed inventory versions keep their copy.";
    year: "年份", "Year";
    show: "显示", "Show";
    factors_title: "排放因子库", "Emission-factor library";
    factors_intro: "随软件发布的因子均注明出处、版本、年份、地区和许可；标有“仅核对二手来源”的，数值只与转载核对过，尚未与官方原件核对。", "Every bundled factor names its source, edition, year, region and licence; those marked “checked against secondary copies only” were checked against reproductions, not the official document.";
    search: "搜索", "Search";
    search_placeholder: "中文或英文关键词，如 电网 华东 / natural gas", "Words in Chinese or English, e.g. 电网 华东 / natural gas";
    region: "地区", "Region";
    category: "类别", "Category";
    any: "全部", "Any";
    per_unit: "每单位", "Per unit";
    no_factors_found: "没有匹配的因子。试试更少的关键词或另一种语言（电网 / grid）。", "No factor matches. Try fewer words or the other language (电网 / grid).";
    versions: "版本", "Versions";
    notes: "说明", "Notes";
    own_factor: "自有因子", "Own factor";
    add_own_factors: "添加自有排放因子", "Add own emission factors";
    add_own_factors_hint: "如供应商提供的特定因子。CSV 列与内置因子文件相同（见 docs/factors.md），仅本组织可见；更正请以同一编号的下一版本提交。", "E.g. supplier-specific factors. The CSV has the columns of the bundled factor files (see docs/factors.md) and stays private to your organisation; submit a correction as the next version of the same id.";
    inventory_internal_review_note: "此核查意见由本组织自己的审核员签署，属于内部审核，不是独立的第三方核查：向客户共享的“最新已核查清单摘要”不包括此版本。如需第三方核查，请在“组织”页委托核查机构，由其核查员签署。", "This sign-off was made by the organisation's own auditor: an internal review, not independent third-party verification. The latest verified inventory summary shared with customers does not include this version. For third-party verification, engage a verification body on the Organisation page and have its verifier sign off.";
    // The factor library's filters, paging and provenance (factor-provenance).
    factor_gas_filter: "气体", "Gas";
    factor_gas_co2: "二氧化碳 CO2", "Carbon dioxide CO2";
    factor_gas_ch4: "甲烷 CH4", "Methane CH4";
    factor_gas_n2o: "氧化亚氮 N2O", "Nitrous oxide N2O";
    factor_gas_co2e: "发布的 CO2e 合计值", "Published CO2e total";
    factor_gas_biogenic_co2: "生物源 CO2", "Biogenic CO2";
    factor_gases: "各气体数值", "Values by gas";
    factor_edition: "版本", "Edition";
    factor_document_link: "原始文件", "Source document";
    factor_citation: "完整出处", "Full citation";
    factors_showing: "第 {first}–{last} 个，共 {n} 个因子符合条件（最新版本）", "Factors {first}–{last} of the {n} that match (latest versions)";
    factors_preferred: "本组织所在地区的因子排在前面：", "Factors for your organisation's regions come first:";
    factors_own_region: "本组织所在地区", "Your region";
    factors_clear_filters: "清除筛选条件", "Clear the filters";
    factors_none_with_filters: "没有同时满足这些筛选条件的因子。", "No factor meets all of these filters.";
    factors_pages: "分页", "Pages";
    page_previous: "上一页", "Previous";
    page_next: "下一页", "Next";
    factor_verification_secondary_hint: "仅经二手来源核对：下列说明（英文原文）列出核对所用的副本与位置。", "Checked against secondary copies only: the note lists the copies and where in them.";
    factor_verification_primary_hint: "已对照发布方原始文件核对：", "Checked against the publisher's own file:";
    region_cn: "中国", "China";
    region_gb: "英国", "United Kingdom";
    region_us: "美国", "United States";
    region_global: "全球", "Global";
    region_grid_north: "华北电网", "North China grid";
    region_grid_northeast: "东北电网", "Northeast China grid";
    region_grid_east: "华东电网", "East China grid";
    region_grid_central: "华中电网", "Central China grid";
    region_grid_northwest: "西北电网", "Northwest China grid";
    region_grid_south: "南方电网", "South China grid";
    region_grid_southwest: "西南电网", "Southwest China grid";
    report_boundary: "组织边界与合并方法", "Organisational boundary and consolidation";
    report_period: "报告期", "Reporting period";
    report_methods: "量化方法", "Quantification methods";
    report_factors: "使用的排放因子及出处", "Emission factors used and their sources";
    report_exclusions: "排除项及原因", "Exclusions and reasons";
    report_quality: "数据质量", "Data quality";
    report_results: "结果", "Results";
    report_verification: "核查", "Verification";
    report_not_verified: "本版本尚未经核查。", "This version has not been verified.";
    report_methods_text: "排放 = 活动数据 × 排放因子，按气体乘以所述 GWP 值集换算为 CO2e；化石燃料燃烧按《企业温室气体排放核算方法与报告指南》公式 FC × NCV × CC × OF × 44/12（煤的基准换算见各行）；制冷剂按补充量、质量平衡或筛选法；外购电力同时报告基于位置与基于市场的结果。", "Emissions = activity data × emission factor, each gas converted to CO2e with the stated GWP set; fuel combustion by the China enterprise-guideline formula FC × NCV × CC × OF × 44/12 (coal basis conversions shown per line); refrigerants by top-up, mass balance or screening; purchased electricity reported both location-based and market-based.";
    print: "打印", "Print";
    no_exclusions: "无排除项。", "No exclusions.";
    mean_quality: "平均数据质量得分（1 最好，5 最差）", "Mean data-quality score (1 best, 5 worst)";
    source_mix: "数据来源构成", "Data-source mix";
    lines_count: "条", "lines";

    // Validation problems; the field's label comes first.
    problem_required: "为必填项", "is required";
    problem_not_one_of: "必须是以下之一：", "must be one of:";
    problem_malformed: "格式不正确", "is not in the expected form";
    problem_forbidden_characters: "不能包含换行等控制字符", "must not contain line breaks or other control characters";
    problem_incorrect: "不正确", "is not correct";
    problem_out_of_range: "超出允许范围", "is out of range";

    // Public label pages (issue 4).
    public_carbon_label: "碳标签", "Carbon label";
    public_carbon_footprint: "产品碳足迹", "Product carbon footprint";
    public_published_by: "发布方", "Published by";
    public_version: "版本", "Version";
    public_published_on: "发布日期", "Published on";
    public_range: "95% 不确定性区间", "95% uncertainty range";
    public_range_explained: "对输入数据的不确定性做了 {iterations} 次蒙特卡洛模拟，其中 95% 的结果落在此区间内；圆点为声明值，竖线为中位数。", "95% of {iterations} Monte Carlo simulations of the inputs' uncertainty fall in this range; the dot is the declared value, the tick the median.";
    public_no_range: "发布方未公布不确定性分析。", "The publisher did not publish an uncertainty analysis.";
    public_reduction: "减碳足迹", "Carbon reduction";
    public_percent_lower: "降低 {percent}%", "{percent}% lower";
    public_badge_lower: "比常规产品减少 {percent}%", "{percent}% lower than conventional";
    public_this_product: "本产品", "This product";
    public_conventional_product: "常规产品", "Conventional product";
    public_about_the_same: "与常规产品相当", "About the same as the conventional product";
    public_less_than_baseline: "比常规产品少 {amount}", "{amount} less than the conventional product";
    public_more_than_baseline: "比常规产品多 {amount}", "{amount} more than the conventional product";
    public_baseline: "对比的常规产品", "Compared with";
    public_no_baseline: "此产品未与常规产品比较。", "This product was not compared with a conventional product.";
    public_comparison_not_verified: "发布方将此产品与常规产品做了比较，但该碳足迹未经第三方核查，因此不显示比较结果：面向公众的比较声明须经独立核查或鉴定性评审（ISO 14044 第 6.1 条、ISO 14067、ISO 14026）。上方数值为此产品本身的碳足迹。", "The publisher compared this product with a conventional one, but the comparison is not shown because this footprint has not been verified by a third party: a comparison shown to the public needs independent verification or critical review (ISO 14044 §6.1, ISO 14067, ISO 14026). The figure above is this product's own footprint.";
    public_comparison_withheld: "此处不显示与常规产品的比较。", "The comparison with a conventional product is not shown here.";
    public_comparison_internal_review: "发布方将此产品与常规产品做了比较，但该碳足迹只经发布方自己的审核员内部审核，未经独立的第三方核查，因此不显示比较结果：面向公众的比较声明须经独立核查或鉴定性评审（ISO 14044 第 6.1 条、ISO 14067、ISO 14026）。上方数值为此产品本身的碳足迹。", "The publisher compared this product with a conventional one, but the comparison is not shown because this footprint was only reviewed internally by the publisher's own auditor, not verified by an independent third party: a comparison shown to the public needs independent verification or critical review (ISO 14044 §6.1, ISO 14067, ISO 14026). The figure above is this product's own footprint.";
    public_reduction_uptake: "其中 {amount} 来自生物源碳吸收（原料植物生长时吸收的二氧化碳，计为清除量）；不计生物源碳吸收时，比常规产品低 {percent}%。", "Of this reduction, {amount} is biogenic uptake (carbon dioxide taken up by the plants the materials grew from, counted as a removal); without uptake the product is {percent}% lower than conventional.";
    public_reduction_uptake_baseline_unknown: "此减少量中包含此产品的生物源碳吸收 {amount}（原料植物生长时吸收的二氧化碳）；发布记录未载明常规产品的吸收量。", "This reduction includes the product's biogenic uptake of {amount} (carbon dioxide taken up by the plants the materials grew from); the record does not state the conventional product's uptake.";
    public_by_stage: "各生命周期阶段", "By life-cycle stage";
    public_by_stage_explained: "负值是植物生长时吸收的二氧化碳（生物源碳）或回收抵扣。", "Negative values are carbon dioxide taken up by plants as they grew (biogenic carbon) or recycling credits.";
    public_split: "排放构成", "What the footprint is made of";
    public_total: "碳足迹（含生物源吸收）", "Carbon footprint (with biogenic uptake)";
    public_excluding_uptake: "不计生物源吸收", "Excluding biogenic uptake";
    public_fossil: "化石来源排放", "Fossil emissions";
    public_biogenic_emissions: "生物源排放", "Biogenic emissions";
    public_biogenic_removals: "生物源吸收", "Biogenic removals";
    public_land_use_change: "土地利用变化", "Land-use change";
    public_data_quality: "数据质量", "Data quality";
    public_primary_share: "一手数据占比", "Primary data share";
    public_primary_share_explained: "按贡献计，来自本产品价值链实测数据的比例。", "The share of the footprint, by contribution, that rests on data measured in this product's own value chain.";
    public_dqr: "数据质量评级（DQR）", "Data quality rating (DQR)";
    public_dqr_explained: "技术、时间和地理代表性的贡献加权评分，1 为最好，5 为最差。", "Contribution-weighted ratings of technological, temporal and geographical representativeness; 1 is best, 5 worst.";
    public_dqr_technological: "技术代表性", "Technological";
    public_dqr_temporal: "时间代表性", "Temporal";
    public_dqr_geographical: "地理代表性", "Geographical";
    public_dqr_excellent: "优秀", "Excellent";
    public_dqr_very_good: "很好", "Very good";
    public_dqr_good: "良好", "Good";
    public_dqr_fair: "一般", "Fair";
    public_dqr_poor: "较差", "Poor";
    public_not_rated: "未评级", "Not rated";
    public_exempted: "按取舍准则排除的部分", "Left out under the cut-off rule";
    public_verification: "核查", "Verification";
    public_verified: "已经第三方核查", "Third-party verified";
    public_verified_by: "核查机构", "Verified by";
    public_verifier: "核查人", "Verifier";
    public_statement: "核查声明", "Statement";
    public_signed_on: "签署日期", "Signed on";
    public_self_declared: "自我声明", "Self-declared";
    public_internal_review: "内部审核", "Internal review";
    public_internal_review_explained: "此碳足迹由发布方自己的审核员审核签署：这是内部审核，不是独立的第三方核查。", "The publisher's own auditor reviewed and signed off this footprint: an internal review, not independent third-party verification.";
    public_internal_review_by: "内部审核签署方", "Internal review by";
    public_self_declared_explained: "此碳足迹由发布方自行核算，尚未经第三方核查。", "The publisher quantified this footprint itself; no third party has verified it.";
    public_about: "关于这些数据", "About these figures";
    public_standard: "核算标准", "Standard";
    public_gwp: "全球增温潜势（GWP）", "Global warming potentials (GWP)";
    public_gwp_value: "{set}，100 年", "{set}, 100-year";
    public_reference_period: "数据期间", "Reference period";
    public_declared_unit: "声明单位", "Declared unit";
    public_mass: "每声明单位质量", "Mass per declared unit";
    public_sku: "商品编码", "Product code (SKU)";
    public_label_code: "标签编码", "Label code";
    public_model_version: "产品模型版本", "Product model version";
    public_newer_version: "此标签已有更新的版本（第 {latest} 版），您正在查看第 {version} 版。", "A newer version of this label exists (version {latest}); you are looking at version {version}.";
    public_see_latest: "查看最新版本", "See the latest version";
    public_withdrawn: "此版本已被发布方撤回", "The publisher has withdrawn this version";
    public_withdrawn_explained: "撤回日期：{date}。此版本的数据不再作为有效声明。", "Withdrawn on {date}. Its figures are no longer claimed.";
    public_withdrawn_reason: "撤回原因", "Reason";
    public_integrity_failed: "完整性校验未通过", "Integrity check failed";
    public_integrity_failed_explained: "此记录与发布时记录的哈希值不符，以下数据可能在发布后被改动，请勿信赖。", "This record no longer matches the hashes it was published with: the figures below may have been changed after publication. Do not rely on them.";
    public_problem_content: "内容被改动：按现有内容计算的哈希值与发布时记录的内容哈希不一致。", "Content altered: the content as it is now does not hash to the content hash recorded at publication.";
    public_problem_record: "记录被改动：序号、编码、版本、时间、内容哈希或核查签署等字段的哈希值与记录哈希不一致。", "Record altered: the record's fields (sequence, code, version, time, content hash, sign-off) no longer hash to its record hash.";
    public_problem_link: "链接断开：此记录的“前一记录哈希”不是链中前一条记录的记录哈希，前面的记录被替换或改写过。", "Link broken: this record's previous hash is not the record hash of the record before it, so an earlier record was replaced or rewritten.";
    public_problem_sequence: "序号不连续：应为 {expected}，实为 {found}，前面的记录缺失或顺序被打乱。", "Sequence gap: {found} where {expected} was expected; records before it are missing or out of order.";
    public_problem_version: "版本不连续：应为第 {expected} 版，实为第 {found} 版。", "Version gap: version {found} where version {expected} was expected.";
    public_problem_other: "此记录未通过校验。", "This record fails its check.";
    public_intact: "记录完整：哈希值与发布链校验通过", "Record intact: its hashes and its link in the chain check out";
    public_verify_link: "核验此标签", "Verify this label";
    public_verify_link_explained: "查看哈希值和发布链，自行核对这些数据发布后未被改动。", "See the hashes and the publication chain, and check for yourself that these figures have not changed since publication.";
    public_download_label: "标签图稿", "Label artwork";
    public_footer: "由碳迹发布 · 开源绿色供应链碳管理平台", "Published with tanji, the open-source green supply-chain carbon platform";
    public_not_found_title: "未找到此碳标签", "Label not found";
    public_not_found: "此标签编码不存在。请核对二维码下方印刷的编码（8 位数字和字母）。", "This label code is not known. Check the code printed under the QR code (8 digits and letters).";
    public_malformed: "这不是有效的标签编码：标签编码由 8 位数字和字母组成，例如 K7M2-9XQD。", "This is not a valid label code: a label code has 8 digits and letters, such as K7M2-9XQD.";
    public_code_given: "您访问的编码", "The code you asked for";
    public_unavailable_title: "暂时无法显示", "Temporarily unavailable";
    public_unavailable: "此标签暂时无法显示，请稍后再试。", "This label cannot be shown right now; please try again later.";
    public_unreadable: "此记录的内容无法按碳足迹格式读取，可能已被改动。", "This record's content cannot be read as a footprint; it may have been altered.";
    public_verify_title: "核验碳标签", "Verify the carbon label";
    public_verify_intro: "每次发布碳标签，碳迹都会在发布方的发布链末尾追加一条记录，并用 SHA-256 哈希把它与前一条记录连在一起。任何事后改动都会使哈希对不上。", "Each time a carbon label is published, tanji appends a record to the end of the publisher's chain and ties it to the record before it with SHA-256 hashes. Any later change makes the hashes disagree.";
    public_this_record: "本条记录", "This record";
    public_sequence: "序号", "Sequence";
    public_published_at: "发布时间", "Published at";
    public_content_hash: "内容哈希", "Content hash";
    public_content_hash_now: "按现有内容计算", "Content as it is now hashes to";
    public_previous_hash: "前一记录哈希", "Previous hash";
    public_record_hash: "记录哈希", "Record hash";
    public_record_hash_now: "按现有字段计算", "Fields as they are now hash to";
    public_sign_off: "核查签署", "Verifier's sign-off";
    public_none_self_declared: "无（自我声明）", "None (self-declared)";
    public_chain_of: "发布方的发布链", "The publisher's chain";
    public_chain_intact: "整条链校验通过：{count} 条记录，每个哈希和链接都一致。", "The whole chain checks out: {count} records, every hash and link consistent.";
    public_chain_broken: "发布链中有 {count} 条记录未通过校验。", "{count} record(s) in the chain fail their check.";
    public_chain_head: "链头哈希", "Chain head";
    public_chain_head_explained: "最新一条记录的记录哈希。把它保存在别处（例如核查报告中），日后即可发现对整条链的改写。", "The record hash of the newest record. Keep it somewhere else (in a verification report, say) to detect a later rewrite of the whole chain.";
    public_product: "产品", "Product";
    public_date: "日期", "Date";
    public_check: "校验", "Check";
    public_checks_out: "通过", "OK";
    public_fails: "未通过", "Fails";
    public_withdrawn_short: "已撤回", "withdrawn";
    public_this_one: "本条", "this one";
    public_how_it_works: "工作原理", "How it works";
    public_how_content_hash: "内容哈希是下方规范化 JSON 文本的 SHA-256：键按字节顺序排列，没有空白。页面上的所有数据都来自这段内容。", "The content hash is the SHA-256 of the canonical JSON text below: keys in byte order, no whitespace. Every figure on the label page comes from this content.";
    public_how_record_hash: "记录哈希覆盖序号、标签编码、版本、发布时间、内容哈希、前一记录哈希和核查签署。每条记录都带有前一条记录的记录哈希，所以改动任何已发布的记录，都会使它本身或它之后的记录校验失败。", "The record hash covers the sequence number, label code, version, publication time, content hash, previous hash and the verifier's sign-off. Every record carries the record hash of the one before it, so changing any published record makes it, or the records after it, fail the check.";
    public_how_head: "链中最新的一条记录可以被整体改写而不在链内留下痕迹，因此请把链头哈希保存在数据库之外。", "Only a rewrite of the newest record leaves no trace inside the chain, which is why the chain head is worth keeping outside the database.";
    public_check_yourself: "自行核对", "Check it yourself";
    public_check_yourself_text: "下载规范化内容（逐字节，无换行结尾）并计算 SHA-256，结果应与上面的内容哈希相同：", "Download the canonical content (byte for byte, no final newline) and compute its SHA-256; it must equal the content hash above:";
    public_canonical_json: "规范化内容 JSON", "Canonical content JSON";
    public_back_to_label: "返回碳标签", "Back to the label";

    // Public label pages: sizes, withdrawal, damaged records (issue 15).
    public_dpi_refused: "标签 PNG 的分辨率（dpi）只能是 150、300 或 600。", "The label PNG comes at 150, 300 or 600 dpi only.";
    public_withdrawn_in_chain: "此记录仍保留在发布方的发布链中，可以核验。", "The record stays in the publisher's chain, where it can still be checked.";
    public_problem_predecessor_unreadable: "无法核对链接：前一条记录（序号 {sequence}）无法读取，无法确认此记录与它的链接。", "Link unchecked: the record before it (sequence {sequence}) cannot be read, so this record's link to it cannot be confirmed.";
    public_problem_unreadable: "无法读取：此记录在数据库中的 {field} 已损坏，无法读出，因此无法校验和显示。", "Unreadable: this record's stored {field} is damaged and cannot be read back, so it can be neither checked nor shown.";

    // Product footprints console (issue 4).
    nav_products: "产品碳足迹", "Product footprints";
    fp_products_title: "产品碳足迹", "Product footprints";
    fp_products_intro: "依据 ISO 14067 核算每个产品在生命周期各阶段的碳足迹：建立产品模型，计算碳足迹与不确定性，与常规产品对比，经核查后发布碳标签。", "Each product's carbon footprint across its life cycle, per ISO 14067: build the product model, compute the footprint and its uncertainty, compare it with the conventional product, and publish a carbon label once verified.";
    fp_products: "产品", "Products";
    fp_product: "产品", "Product";
    fp_sku: "SKU（货号）", "SKU";
    fp_sku_rule: "1–64 个字符：文字、数字、空格及 - _ . / # + ( )", "1–64 characters: letters, digits, spaces and - _ . / # + ( )";
    fp_name_rule: "中英文名称至少填一个，每个最多 200 个字符，单行。", "Give at least one of the two names; each one line of at most 200 characters.";
    fp_name_zh: "中文名称", "Chinese name";
    fp_name_en: "英文名称", "English name";
    fp_latest_footprint: "最新碳足迹", "Latest footprint";
    fp_range_95: "95% 区间", "95 % range";
    fp_reduction: "减碳", "Reduction";
    fp_reduction_vs_baseline: "较常规产品减碳", "Reduction against the baseline";
    fp_baseline: "对比基准产品", "Baseline product";
    fp_baseline_hint: "选择作为对比的常规产品（同一声明单位）。计算碳足迹时使用其最新碳足迹，逐阶段给出减碳量。", "The conventional product to compare with (same declared unit). Each computation compares with its latest footprint, stage by stage.";
    fp_baseline_product: "基准产品", "Baseline";
    fp_set_baseline: "保存基准", "Save baseline";
    fp_no_baseline: "不对比", "No baseline";
    fp_compared_with: "对比", "Compared with";
    fp_model: "产品模型", "Model";
    fp_label: "碳标签", "Carbon label";
    fp_labels: "已发布的碳标签", "Published labels";
    fp_labels_intro: "每次发布都记入本组织防篡改的发布链；同一产品再次发布为同一标签码的新版本，已印刷的二维码继续有效。", "Every publication enters the organisation's tamper-evident chain; publishing a product again makes a new version of the same code, so printed QR codes keep working.";
    fp_label_code: "标签码", "Label code";
    fp_published: "已发布", "Published";
    fp_published_at: "发布时间", "Published";
    fp_withdrawn: "已撤回", "Withdrawn";
    fp_not_published: "未发布", "Not published";
    fp_current: "当前版本", "Current";
    fp_superseded: "已被新版本取代", "Superseded";
    fp_links: "链接", "Links";
    fp_public_page: "公开页面", "Public page";
    fp_not_computed: "尚未计算", "Not computed yet";
    fp_empty_title: "还没有产品。", "No products yet.";
    fp_empty_what: "产品碳足迹是一件产品从原材料获取、生产、包装、运输、使用到废弃处置全过程排放和吸收的温室气体，折算为每个声明单位（如“每只杯”）的千克二氧化碳当量。", "A product carbon footprint is the greenhouse gas a product emits and takes up over its life — raw materials, production, packaging, distribution, use and end of life — in kg CO2e per declared unit (“per cup”).";
    fp_empty_step_model: "建立产品模型：各工序的原材料、能源（来自排放因子库）、运输与直接排放；", "Build the product model: each process's materials and energy (from the factor library), transport and direct emissions;";
    fp_empty_step_compute: "计算碳足迹，可用蒙特卡洛方法给出不确定性区间，并与常规产品对比；", "Compute the footprint, with a Monte Carlo uncertainty range and a comparison with the conventional product;";
    fp_empty_step_publish: "核查后发布带二维码的碳标签。", "Have it verified and publish a carbon label with a QR code.";
    fp_empty_read_only: "您的角色只能查看；请编辑或所有者添加产品。", "Your role can only view; ask an editor or owner to add products.";
    fp_create_product: "新建产品", "Create a product";
    fp_create_product_hint: "SKU 在本组织内唯一。创建后在产品页建立模型。", "The SKU is unique within the organisation. Build the model on the product's page next.";
    fp_examples: "从示例开始", "Start from an example";
    fp_examples_hint: "载入随碳迹发布的示例足迹文件（演示数据，因子均有出处）：创建产品及其常规对比产品，并计算碳足迹。", "Load an example footprint file shipped with tanji (illustrative activity data, cited factors): creates the product and its conventional baseline and computes both footprints.";
    fp_examples_docs: "文件格式说明见 docs/footprint-file.md；也可下载示例修改后在产品页上传。", "The file format is described in docs/footprint-file.md; you can also download an example, edit it and upload it on a product's page.";
    fp_load_example: "载入示例", "Load example";
    fp_download_toml: "下载 TOML", "Download TOML";
    fp_example_note: "从示例文件 {file} 导入", "imported from {file}";
    fp_build_model: "建立模型", "Build the model";
    fp_edit_model: "编辑模型", "Edit model";
    fp_download_model: "下载模型（TOML）", "Download model (TOML)";
    fp_computed_from_version: "计算所用模型版本", "Model version computed";
    fp_compute: "计算碳足迹", "Compute footprint";
    fp_compute_hint: "按所选模型版本计算；每次计算都保存为一条新的碳足迹记录。", "Computes the chosen model version; every computation is kept as a new footprint.";
    fp_compute_needs_model: "先建立并保存产品模型，才能计算碳足迹。", "Build and save the product model first; then compute its footprint.";
    fp_model_version: "模型版本", "Model version";
    fp_latest_version: "最新版本", "Latest version";
    fp_monte_carlo: "蒙特卡洛不确定性分析", "Monte Carlo uncertainty analysis";
    fp_iterations: "迭代次数", "Iterations";
    fp_iterations_hint: "100 至 20000；2000 次通常已足够稳定。", "100 to 20,000; 2,000 is usually stable enough.";
    fp_seed: "随机种子", "Random seed";
    fp_seed_hint: "相同种子得到相同结果，便于复核。", "The same seed gives the same result, so it can be checked.";
    fp_model_has_problems: "模型有问题，未保存或计算。请按提示修改：", "The model has problems; nothing was saved or computed. Fix these:";
    fp_problem_path: "位置", "Where";
    fp_no_model: "此产品还没有模型。", "This product has no model yet.";
    fp_model_intro: "当前版本的模型，按生命周期阶段列出各工序及其输入、因子、运输、排放与回收。数量为每运行一次工序的量。", "The current model version by life-cycle stage: each process with its inputs, factors, transport, emissions and recycling, in amounts per run of the process.";
    fp_declared_unit: "声明单位", "Declared unit";
    fp_mass: "每声明单位质量", "Mass per declared unit";
    fp_reference_period: "数据时间范围", "Reference period";
    fp_geography: "生产地（ISO 3166）", "Made in (ISO 3166)";
    fp_reference_process: "参考工序", "Reference process";
    fp_cut_off: "取舍准则", "Cut-off rule";
    fp_cut_off_text: "排除项合计不超过 {max}%；供应链树中低于 {tree}% 的分支折叠", "Exempted items at most {max} % together; supply-tree branches below {tree} % folded";
    fp_exchange_kind: "类型", "Kind";
    fp_item: "项目", "Item";
    fp_amount_per_run: "每次运行的数量", "Amount per run";
    fp_source: "来源", "Source";
    fp_reference: "参考工序", "Reference";
    fp_makes: "产出", "makes";
    fp_dqr_hint: "技术/时间/地理代表性评分，1 最好，5 最差", "technological/temporal/geographical ratings, 1 best, 5 worst";
    fp_no_exchanges: "此工序没有交换。", "This process has no exchanges.";
    fp_kind_input: "产品输入", "Product input";
    fp_kind_supplier: "供应商碳足迹", "Supplier footprint";
    fp_kind_factor: "物料/能源", "Material/energy";
    fp_kind_transport: "运输", "Transport";
    fp_kind_emission: "直接排放", "Direct emission";
    fp_kind_recycling: "送去回收", "To recycling";
    fp_cut_off_approach: "截断法：不计负担也不计抵扣", "cut-off approach: no burden, no credit";
    fp_supplier_footprints: "引用的产品碳足迹", "Product footprints used as inputs";
    fp_supplier_footprints_hint: "供应商或本组织其他产品的碳足迹，作为输入使用（按单位折算的化石、生物源与土地利用变化排放）。", "Footprints of suppliers' or our own other products, used as inputs (fossil, biogenic and land-use-change per unit).";
    fp_supplier: "供应方", "Supplier";
    fp_per_unit_factor: "单位排放", "Per unit";
    fp_exemptions: "取舍与排除项", "Cut-off and exemptions";
    fp_exemptions_hint: "按取舍准则排除的项目及其对碳足迹的保守估计（每声明单位 kg CO2e）。", "Items left out under the cut-off rule, with a conservative estimate of what each would add (kg CO2e per declared unit).";
    fp_versions: "模型版本历史", "Model versions";
    fp_saved: "保存于", "Saved";
    fp_processes_count: "个工序", "processes";
    fp_edit_from: "以此版本编辑", "Edit from here";
    fp_upload: "上传足迹文件（TOML）", "Upload a footprint file (TOML)";
    fp_upload_hint: "面向熟悉文件格式的用户：上传后作为新的模型版本保存。文件中的 [baseline] 部分不会导入（请作为基准产品的模型上传）。", "For power users: the file is saved as the next model version. A [baseline] section in the file is not imported (upload it as the baseline product's model).";
    fp_footprint_file: "足迹文件", "Footprint file";
    fp_upload_button: "上传并保存为新版本", "Upload as a new version";
    fp_version_note: "版本说明", "Version note";
    fp_version_note_placeholder: "改了什么，例如：更新 2025 年实测电耗", "What changed, e.g. metered 2025 electricity";
    fp_footprints: "碳足迹记录", "Footprints";
    fp_no_footprints: "还没有计算过碳足迹。", "No footprint computed yet.";
    fp_total: "合计", "Total";
    fp_footprint: "碳足迹", "Footprint";
    fp_withdraw: "撤回", "Withdraw";
    fp_withdraw_reason: "撤回原因（公开显示）", "Reason (shown publicly)";
    fp_withdraw_confirm: "撤回后公开页面将显示此标签已撤回及原因，发布记录保留在链中。确定撤回？", "The public page will say this label was withdrawn and why; the record stays in the chain. Withdraw it?";
    fp_notice_product_created: "产品已创建。下一步：建立产品模型。", "Product created. Next: build its model.";
    fp_notice_example_loaded: "示例已载入：产品、对比产品及其碳足迹均已创建。", "Example loaded: the product, its baseline and both footprints were created.";
    fp_notice_baseline_saved: "对比基准已保存，下次计算时生效。", "Baseline saved; it applies from the next computation.";
    fp_notice_model_saved: "已保存为版本 {version}。", "Saved as version {version}.";
    fp_notice_footprint_computed: "碳足迹已计算。", "Footprint computed.";
    fp_notice_footprint_verified: "碳足迹已核查签署。", "Footprint signed off as verified.";
    fp_notice_label_published: "碳标签已发布。", "Carbon label published.";
    fp_notice_label_withdrawn: "碳标签已撤回。", "Carbon label withdrawn.";
    fp_conflict_sku: "本组织已有使用此 SKU 的产品。", "The organisation already has a product with this SKU.";
    fp_conflict_concurrent: "有人同时修改了同一对象，请重试。", "Someone changed this at the same moment; try again.";
    fp_editor_new: "这是此产品的第一个模型。", "This is the product's first model.";
    fp_editor_from: "从版本 {version} 开始编辑。", "Editing from version {version}.";
    fp_editor_intro: "添加或删除工序和条目不会保存；点击“保存为版本 {version}”时检查整个模型并保存为新的不可更改版本，已有版本保持不变。", "Adding or removing processes and rows saves nothing; “Save as version {version}” checks the whole model and stores it as a new, immutable version — earlier versions stay as they are.";
    fp_find_factor: "查找排放因子", "Find an emission factor";
    fp_find_factor_hint: "在新标签页打开排放因子库搜索，复制因子编号到下方“因子编号”栏；输入时也会提示全部因子编号。", "Opens the factor library search in a new tab; copy a factor id into a factor field below. Factor fields also suggest every id as you type.";
    fp_save_version: "保存为版本 {version}", "Save as version {version}";
    fp_product_info: "产品信息", "Product information";
    fp_amount: "数量", "Amount";
    fp_unit_name_zh: "中文说法", "Chinese wording";
    fp_unit_name_en: "英文说法", "English wording";
    fp_declared_unit_hint: "碳足迹按此单位声明，如 1 unit“每只杯”/“per cup”；须与参考工序产出的单位可换算。", "The footprint is declared per this unit, e.g. 1 unit worded “per cup”; it must convert to the reference process's output unit.";
    fp_mass_hint: "一个声明单位的产品质量", "The product's mass per declared unit";
    fp_period_start: "数据起始日", "Period start";
    fp_period_end: "数据截止日", "Period end";
    fp_reference_process_hint: "产出本产品的最后一道工序（如废弃处置或包装）", "The process whose output is the product (e.g. end of life, or packing)";
    fp_max_exempted: "排除项上限（%）", "Exemption limit (%)";
    fp_tree_threshold: "供应链树折叠阈值（%）", "Supply-tree fold threshold (%)";
    fp_process: "工序", "Process";
    fp_remove_process: "删除此工序", "Remove process";
    fp_process_id: "工序编号", "Process id";
    fp_process_id_hint: "模型内唯一，如 cup-forming", "Unique in the model, e.g. cup-forming";
    fp_stage: "生命周期阶段", "Life-cycle stage";
    fp_data_kind: "数据类型", "Data kind";
    fp_measured_source: "计量来源", "Measured on";
    fp_measured_period: "计量期", "Metering period";
    fp_measured_days: "天有数据", "days with data";
    fp_measured_intensity: "实测单位产量能耗", "Measured energy per unit";
    fp_measured_meters: "计量表（读数条数）", "Meters (readings)";
    fp_measured_estimated: "清洗估算的时段", "Intervals estimated by cleaning";
    fp_measured_lines: "产线", "lines";
    fp_measured_line: "按产量加权的产线", "Line, weighed by output";
    fp_measured_output_share: "产量占比", "share of output";
    fp_measured_allocated_share: "分摊给本产品的能耗", "of the line's energy allocated to this product";
    fp_measured_unmetered: "生产了本产品但无计量数据的产线（产量未计入）", "Lines that made the product without meter data (output not counted)";
    fp_primary: "一手数据（实测）", "Primary (measured)";
    fp_secondary: "二手数据（数据库/文献）", "Secondary (databases, literature)";
    fp_dqr: "数据质量评级（DQR）", "Data quality rating (DQR)";
    fp_dqr_scale: "1 最好 – 5 最差", "1 best – 5 worst";
    fp_dqr_technological: "技术", "Technological";
    fp_dqr_temporal: "时间", "Temporal";
    fp_dqr_geographical: "地理", "Geographical";
    fp_dqr_completeness: "完整性", "Completeness";
    fp_dqr_reliability: "可靠性", "Reliability";
    fp_dqr_coverage: "有评级的贡献占比", "share of the footprint rated";
    fp_output: "每次运行的产出", "Output per run";
    fp_output_product: "产出产品编号", "Product id";
    fp_output_hint: "其他工序以此编号引用本工序的产出", "Other processes name this id to use the output";
    fp_kept: "保留不变", "kept as is";
    fp_inputs: "产品输入", "Product inputs";
    fp_inputs_hint: "来自本模型其他工序的产出，或其他产品的碳足迹。", "Outputs of this model's other processes, or other products' footprints.";
    fp_input_product: "产品编号", "Product id";
    fp_note: "说明", "Note";
    fp_add_input: "添加产品输入", "Add product input";
    fp_add_footprint_input: "引用此产品的最新碳足迹", "Use this product's latest footprint";
    fp_factors: "物料与能源", "Materials and energy";
    fp_factors_hint: "活动量 × 排放因子库中的因子，如电力 kWh、天然气 GJ、塑料 kg；单位可与因子单位不同，只要可换算。", "Activity amount × a factor from the library: electricity kWh, natural gas GJ, plastic kg; the unit may differ from the factor's if it converts.";
    fp_add_factor: "添加物料或能源", "Add material or energy";
    fp_transport: "运输", "Transport";
    fp_transport_hint: "质量 × 距离 × 运输方式的吨公里（或吨英里）因子。", "Mass × distance × the mode's per-tonne-km (or ton-mile) factor.";
    fp_mode_factor: "运输方式因子", "Mode factor";
    fp_mass_kg: "质量（kg）", "Mass (kg)";
    fp_distance_km: "距离（km）", "Distance (km)";
    fp_add_transport: "添加运输", "Add transport leg";
    fp_emissions: "直接排放", "Direct emissions";
    fp_emissions_hint: "工序自身释放的气体（kg）；植物生长吸收的生物源 CO2 记为负值。", "Gases the process itself releases (kg); biogenic CO2 taken up as plants grew is negative.";
    fp_origin: "来源类型", "Origin";
    fp_origin_fossil: "化石", "Fossil";
    fp_origin_biogenic: "生物源", "Biogenic";
    fp_origin_luc: "土地利用变化", "Land-use change";
    fp_add_emission: "添加排放", "Add emission";
    fp_recycling: "回收", "Recycling";
    fp_recycling_hint: "送去回收的物料按截断法处理：离开系统时不带负担，也不获得抵扣。", "Material sent to recycling under the cut-off approach: it leaves burden-free and earns no credit.";
    fp_material: "物料", "Material";
    fp_add_recycling: "添加回收物料", "Add recycled material";
    fp_add_process: "添加工序", "Add process";
    fp_split: "构成（kg CO2e/单位）", "Split (kg CO2e per unit)";
    fp_estimate: "估计值（kg CO2e/声明单位）", "Estimate (kg CO2e per declared unit)";
    fp_add_exemption: "添加排除项", "Add exempted item";
    fp_add_supplier: "添加供应商碳足迹", "Add supplier footprint";
    fp_remove_supplier: "删除此碳足迹", "Remove this footprint";
    fp_supplier_id: "编号", "Id";
    fp_supplier_id_hint: "产品输入以此编号引用它", "Product inputs name it by this id";
    fp_supplier_unit_hint: "以下数值均按每一此单位计", "The figures below are per one of this unit";
    fp_fossil_kg: "化石排放（kg CO2e/单位）", "Fossil (kg CO2e per unit)";
    fp_biogenic_emissions_kg: "生物源排放（kg CO2e/单位）", "Biogenic emissions (kg CO2e per unit)";
    fp_biogenic_removals_kg: "生物源吸收（kg CO2/单位）", "Biogenic removals (kg CO2 per unit)";
    fp_biogenic_removals_hint: "以负数或零填写，如 -0.8", "a negative number or zero, e.g. -0.8";
    fp_luc_kg: "土地利用变化（kg CO2e/单位）", "Land-use change (kg CO2e per unit)";
    fp_source_hint: "必填：PACT 碳足迹编号、EPD 编号或报告名称", "Required: the PACT footprint id, EPD number or report";
    fp_problem_number_required: "需要填写数字", "a number is required";
    fp_problem_not_a_number: "“{value}”不是数字", "“{value}” is not a number";
    fp_hint_number: "填写数字，如 10.5（小数点用英文句点）", "write a number such as 10.5";
    fp_problem_stage: "未知的生命周期阶段", "unknown life-cycle stage";
    fp_hint_stage: "从列表中选择阶段", "choose a stage from the list";
    fp_problem_rating: "评级须为 1 到 5 的整数", "a rating is a whole number from 1 to 5";
    fp_problem_rating_required: "给出评级时，技术、时间、地理三项都要填写", "when rating, give technological, temporal and geographical";
    fp_hint_rating: "1 最好，5 最差；不评级则全部留空", "1 best, 5 worst; leave all empty for no rating";
    fp_problem_unreadable: "无法读取此项的保留数据", "the kept data of this row cannot be read";
    fp_hint_remove_and_add: "删除此项后重新添加", "remove the row and add it again";
    fp_problem_no_footprint: "所选产品还没有碳足迹", "the chosen product has no footprint yet";
    fp_hint_no_footprint: "先计算该产品的碳足迹，再引用", "compute that product's footprint first, then use it";
    fp_total_per_unit: "碳足迹", "Carbon footprint";
    fp_median: "中位数", "median";
    fp_no_range: "未做不确定性分析；在产品页勾选蒙特卡洛重新计算即可得到 95% 区间。", "No uncertainty analysis; compute again with Monte Carlo on the product page for a 95 % range.";
    fp_excluding_uptake: "不计生物源吸收", "Excluding biogenic uptake";
    fp_biogenic_emissions: "生物源排放", "Biogenic emissions";
    fp_biogenic_removals: "生物源吸收", "Biogenic removals";
    fp_primary_share: "一手数据占比", "Primary data share";
    fp_primary_share_hint: "排放中来自一手（实测）数据的比例（PACT）；生物源吸收不计入", "share of the emissions resting on primary (measured) data (PACT); removals not counted";
    fp_chart_stages: "各生命周期阶段（瀑布图）", "Life-cycle stages (waterfall)";
    fp_chart_processes: "各工序贡献", "Contribution by process";
    fp_chart_origins: "化石、生物源与土地利用变化", "Fossil, biogenic and land-use change";
    fp_chart_comparison: "与常规产品逐阶段对比", "Against the baseline, stage by stage";
    fp_chart_histogram: "蒙特卡洛结果分布", "Monte Carlo results";
    fp_chart_iterations: "迭代次数", "Iterations";
    fp_tree_items: "项", "items";
    fp_chart_sankey: "产品系统中的贡献流", "Contributions through the product system";
    fp_chart_sankey_removals: "（生物源吸收等负贡献不在此图中，见上方各阶段图）", " (negative contributions such as biogenic removals are not drawn here; see the stage chart)";
    fp_other_processes: "其他工序", "Other processes";
    fp_by_stage: "按生命周期阶段", "By life-cycle stage";
    fp_this_product: "本产品", "This product";
    fp_share: "占比", "Share";
    fp_gas_origin: "按来源类型", "By origin";
    fp_by_gas: "按气体", "By gas";
    fp_pre_characterised: "CO2e（已折算）", "CO2e (pre-characterised)";
    fp_by_process: "按工序", "By process";
    fp_data_quality: "数据质量", "Data quality";
    fp_not_rated: "未评级", "Not rated";
    fp_comparison: "与常规产品对比（减碳足迹）", "Against the baseline (reduction footprint)";
    fp_lower_than: "比常规产品低 {amount} {unit}（{percent}）。", "{amount} {unit} lower than the conventional product ({percent}).";
    fp_not_lower_than: "不低于常规产品。", "Not lower than the conventional product.";
    fp_comparison_hint: "对比使用计算时基准产品的最新碳足迹，二者声明单位与 GWP 值集相同。", "The comparison uses the baseline's latest footprint at the time of computing, with the same declared unit and GWP set.";
    fp_no_comparison: "未与常规产品对比。在产品页设置对比基准后重新计算。", "Not compared with a baseline. Set one on the product page and compute again.";
    fp_exempted_text: "排除项估计 {value}，占 {percent}%（上限 {max}%）。", "Exempted items add an estimated {value}, {percent} % (limit {max} %).";
    fp_allocation: "分配", "Allocation";
    fp_allocation_hierarchy: "按 ISO 14067 分配层级", "by the ISO 14067 hierarchy";
    fp_no_allocation: "没有多产出工序，无需分配。", "No multi-output process; nothing was allocated.";
    fp_shares: "分配比例", "Shares";
    fp_departs_hierarchy: "未按分配优先顺序", "departs from the hierarchy";
    fp_no_recycling: "没有送去回收的物料。", "No material sent to recycling.";
    fp_kg_per_unit: "每声明单位 kg", "kg per declared unit";
    fp_uncertainty: "不确定性（蒙特卡洛）", "Uncertainty (Monte Carlo)";
    fp_mean_sd: "均值 ± 标准差", "Mean ± SD";
    fp_simulation: "模拟", "Simulation";
    fp_simulation_text: "{iterations} 次迭代，随机种子 {seed}；{varied} 个交换参与变化，其中 {pedigree} 个由数据质量评级推导分布。", "{iterations} iterations, seed {seed}; {varied} exchanges vary, {pedigree} of them by spreads derived from their data-quality ratings.";
    fp_drivers: "主要不确定性来源", "What drives the spread";
    fp_exchange: "交换", "Exchange";
    fp_distribution: "分布", "Distribution";
    fp_variance_share: "方差贡献", "Share of variance";
    fp_no_uncertainty: "此碳足迹未做蒙特卡洛分析。", "No Monte Carlo analysis for this footprint.";
    fp_supply_tree: "供应链树", "Supply-chain tree";
    fp_supply_tree_hint: "每个节点为其以下全部环节的累计碳足迹（每声明单位）；低于折叠阈值的分支合并显示。", "Each node is the cumulative footprint of everything below it, per declared unit; branches below the fold threshold are merged.";
    fp_lines: "明细（来源追溯）", "Lines (provenance)";
    fp_lines_intro: "每一行是模型中的一个交换：点击查看其录入值、公式、气体与排放因子的出处和许可。", "Each line is one exchange of the model: open it for its entered values, formula, gases, and the factor's citation and licence.";
    fp_amount_per_unit: "每声明单位数量", "Amount per declared unit";
    fp_factors_used: "使用的排放因子及出处", "Emission factors used and their sources";
    fp_open_source: "原始出处", "source";
    fp_verification: "核查签署", "Verification";
    fp_verifier_organisation: "核查机构", "Verifier organisation";
    fp_verify_intro: "核查人（审核员）签署后，此碳足迹之后发布的碳标签都带有核查声明。签署只能进行一次。", "Once you (the auditor) sign off, labels published from this footprint carry your statement. It can be signed once.";
    fp_statement_placeholder: "如：依据 ISO 14067:2018 核查，有限保证。", "e.g. Verified against ISO 14067:2018, limited assurance.";
    fp_not_verified: "尚未核查。核查由审核员角色进行。", "Not verified yet. Verification is done by an auditor.";
    fp_publish: "发布碳标签", "Publish carbon label";
    fp_publish_intro: "发布后生成带二维码的碳标签和公开页面；再次发布为同一标签码的新版本。", "Publishing creates the carbon label with its QR code and public page; publishing again makes a new version of the same code.";
    fp_internal_review_note: "此核查意见由本组织自己的审核员签署，属于内部审核，不是独立的第三方核查：公开页面和标签显示为“内部审核”，不显示与常规产品的比较。如需第三方核查，请在“组织”页委托核查机构，由其核查员签署。", "This sign-off was made by the organisation's own auditor: an internal review, not independent third-party verification. The public page and the label say “internal review” and show no comparison with a conventional product. For third-party verification, engage a verification body on the Organisation page and have its verifier sign off.";
    fp_publish_comparison_internal_review: "此产品有对比的常规产品（比常规产品低 {percent}%），但碳足迹只经本组织审核员内部审核，未经第三方核查，因此公开页面和标签只显示碳足迹本身，不显示比较结果：面向公众的比较声明须经第三方核查或鉴定性评审（ISO 14044 第 6.1 条、ISO 14067、ISO 14026）。如需显示比较，请委托核查机构，由其核查员签署核查意见后再发布。", "This product is compared with a conventional one ({percent}% lower), but its footprint was only reviewed internally by the organisation's own auditor, not verified by a third party, so the public page and the label will show the footprint alone, without the comparison: a comparison shown to the public needs third-party verification or critical review (ISO 14044 §6.1, ISO 14067, ISO 14026). To show it, engage a verification body and have its verifier sign the footprint off, then publish.";
    fp_publish_unverified: "此碳足迹尚未核查，标签将显示为“自我声明”。", "This footprint is not verified; the label will say “self-declared”.";
    fp_publish_comparison_withheld: "此产品有对比的常规产品（比常规产品低 {percent}%），但碳足迹尚未核查，因此公开页面和标签只显示碳足迹本身，不显示比较结果：面向公众的比较声明须经第三方核查或鉴定性评审（ISO 14044 第 6.1 条、ISO 14067、ISO 14026）。如需显示比较，请先请核查机构签署核查意见，再发布。", "This product is compared with a conventional one ({percent}% lower), but its footprint is not verified, so the public page and the label will show the footprint alone, without the comparison: a comparison shown to the public needs third-party verification or critical review (ISO 14044 §6.1, ISO 14067, ISO 14026). To show it, have a verification body sign the footprint off first, then publish.";
    fp_publish_comparison_shown: "核查意见涵盖与常规产品的比较，公开页面和标签将显示比常规产品低 {percent}%。", "The sign-off covers the comparison with the conventional product: the public page and the label will show {percent}% lower than conventional.";
    fp_publish_confirm: "发布后记录将写入防篡改发布链，公开可见。确定发布？", "The publication enters the tamper-evident chain and becomes public. Publish?";
    fp_artwork: "标签图稿", "Artwork";
    fp_contribution: "贡献", "Contribution";
    fp_kind: "交换类型", "Exchange kind";
    fp_allocation_share: "分配比例", "Allocation share";
    fp_as_entered: "模型中的录入值", "As entered in the model";
    fp_as_entered_hint: "模型版本 {version} 中此交换的原始录入（每次运行工序的量）。", "This exchange as written in model version {version} (amounts per run of the process).";
    fp_from_own_footprint: "此输入引用了本组织另一产品的碳足迹：", "This input is another of our products' footprint:";
    fp_open_footprint: "打开该碳足迹", "open that footprint";
    fp_no_library_factor: "此行不使用排放因子库（直接排放按 GWP 折算，或引用产品碳足迹）。", "This line uses no library factor (a direct emission characterised by its GWP, or a product footprint).";
    fp_per: "每", "per";
    fp_stage_short: "阶段", "Stage";
    fp_hint_find_factor: "用“查找排放因子”在因子库中搜索，或在因子编号栏输入关键词从提示中选择", "search the library with “Find an emission factor”, or type in the factor field and pick a suggestion";
    fp_toc: "本页目录", "On this page";
    fp_no_spread: "已运行蒙特卡洛模拟，但没有任何交换给出不确定性分布或数据质量评级，因此没有区间。", "Monte Carlo was run, but no exchange has an uncertainty distribution or data-quality ratings, so there is no range.";
}

impl Text {
    fn pick(&self, zh: &'static str, en: &'static str) -> &'static str {
        match self.language {
            Language::SimplifiedChinese => zh,
            Language::English => en,
        }
    }

    /// An emission source's name.
    pub fn emission_source(&self, source: tanji_inventory::EmissionSource) -> String {
        use tanji_inventory::EmissionSource as S;
        match source {
            S::StationaryCombustion => self.pick("固定燃烧", "Stationary combustion").to_owned(),
            S::MobileCombustion => self.pick("移动燃烧", "Mobile combustion").to_owned(),
            S::Process => self.pick("工业过程", "Process").to_owned(),
            S::Fugitive => self.pick("逸散（制冷剂）", "Fugitive (refrigerants)").to_owned(),
            S::PurchasedElectricity => self.pick("外购电力", "Purchased electricity").to_owned(),
            S::PurchasedHeat => self.pick("外购热力", "Purchased heat and steam").to_owned(),
            S::ExportedElectricity => self.pick("输出电力", "Exported electricity").to_owned(),
            S::ExportedHeat => self.pick("输出热力", "Exported heat").to_owned(),
            S::OnSiteRenewable => self.pick("自发自用可再生电力", "On-site renewable electricity").to_owned(),
            S::Scope3(category) => {
                format!("{} {}", self.scope3, self.pick(category.label_zh(), category.label_en()))
            }
            _ => source.key(),
        }
    }

    /// A data-source kind's name.
    pub fn data_source_kind(&self, kind: tanji_inventory::DataSourceKind) -> &'static str {
        use tanji_inventory::DataSourceKind as D;
        match kind {
            D::ProductionMonthlyReport => self.pick("生产月报", "Production monthly report"),
            D::ProductionDailyReport => self.pick("生产日报", "Production daily report"),
            D::Meter => self.pick("计量表", "Meter"),
            D::Finance => self.pick("财务（发票）", "Finance (invoices)"),
            D::Logistics => self.pick("物流", "Logistics"),
            D::DerivedReport => self.pick("推算报表", "Derived report"),
            D::StatisticsFiling => self.pick("统计报表", "Statistics filing"),
            D::Estimate => self.pick("估算", "Estimate"),
        }
    }

    /// An ISO 14064-1 category's name.
    pub fn iso_category(&self, category: tanji_inventory::IsoCategory) -> &'static str {
        self.pick(category.label_zh(), category.label_en())
    }

    /// A diagnostic kind as a short headline.
    pub fn diagnostic_kind(&self, kind: tanji_inventory::DiagnosticKind) -> &'static str {
        tanji_i18n::inventory::diagnostic_kind_name(kind, self.language)
    }

    /// A factor category's name.
    /// A gas filter's label.
    pub fn factor_gas(&self, gas: tanji_ghg::FactorGas) -> &'static str {
        use tanji_ghg::FactorGas as G;
        match gas {
            G::Co2 => self.factor_gas_co2,
            G::Ch4 => self.factor_gas_ch4,
            G::N2o => self.factor_gas_n2o,
            G::Co2e => self.factor_gas_co2e,
            G::BiogenicCo2 => self.factor_gas_biogenic_co2,
        }
    }

    pub fn factor_category(&self, category: tanji_ghg::FactorCategory) -> &'static str {
        use tanji_ghg::FactorCategory as F;
        match category {
            F::StationaryCombustion => self.category_stationary_combustion,
            F::MobileCombustion => self.category_mobile_combustion,
            F::Electricity => self.category_electricity,
            F::HeatSteam => self.category_heat_steam,
            F::Refrigerant => self.category_refrigerant,
            F::Process => self.category_process,
            F::TransportFreight => self.category_transport_freight,
            F::TransportPassenger => self.category_transport_passenger,
            F::Waste => self.category_waste,
            F::Water => self.category_water,
            F::Material => self.category_material,
            F::Spend => self.category_spend,
            _ => self.category_other,
        }
    }

    /// The base-year recalculation decision as a sentence.
    pub fn recalculation(&self, assessment: &tanji_inventory::RecalculationAssessment) -> String {
        let template = if assessment.recalculate { self.recalculation_yes } else { self.recalculation_no };
        template
            .replace("{percent}", &format!("{:.2}", assessment.impact_percent))
            .replace("{threshold}", &format!("{}", assessment.threshold_percent))
    }

    /// A consolidation approach's name.
    pub fn consolidation(&self, approach: tanji_inventory::ConsolidationApproach) -> &'static str {
        use tanji_inventory::ConsolidationApproach as C;
        match approach {
            C::EquityShare => self.consolidation_equity_share,
            C::FinancialControl => self.consolidation_financial_control,
            C::OperationalControl => self.consolidation_operational_control,
        }
    }

    /// Who stands behind an inventory version's figures, in the words footprints use: "已核查 / Verified" (an
    /// engaged independent body signed), "内部审核 / Internal review" (a member signed), "未核查 / Not verified".
    /// The one rendering of `InventoryVersion::assurance` for the console, its exports and the API.
    pub fn inventory_assurance(&self, assurance: tanji_footprint::Assurance) -> &'static str {
        match assurance {
            tanji_footprint::Assurance::Verified => self.verified,
            tanji_footprint::Assurance::InternalReview => self.internal_review,
            tanji_footprint::Assurance::SelfDeclared => self.draft,
        }
    }

    /// A scope's name.
    pub fn scope_name(&self, scope: tanji_inventory::Scope) -> &'static str {
        use tanji_inventory::Scope as Sc;
        match scope {
            Sc::Scope1 => self.scope1,
            Sc::Scope2 => self.pick("范围二", "Scope 2"),
            Sc::Scope3 => self.scope3,
            Sc::Outside => self.scope_outside,
        }
    }

    /// The strings of `language`.
    pub fn of(language: Language) -> &'static Text {
        match language {
            Language::SimplifiedChinese => &ZH,
            Language::English => &EN,
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(&self) -> &'static str {
        self.language.tag()
    }

    /// The language tag of the other language, for text shown in it (a product's name in both languages).
    pub fn other_tag(&self) -> &'static str {
        match self.language {
            Language::SimplifiedChinese => Language::English.tag(),
            Language::English => Language::SimplifiedChinese.tag(),
        }
    }

    /// What a kind of shared data is called, and what it contains.
    pub fn share_kind(&self, kind: ShareKind) -> (&'static str, &'static str) {
        match kind {
            ShareKind::PublishedFootprints => (self.share_published_footprints, self.share_published_footprints_hint),
            ShareKind::VerifiedInventorySummary => {
                (self.share_verified_inventory_summary, self.share_verified_inventory_summary_hint)
            }
        }
    }

    /// The name of an organisation kind.
    pub fn organisation_kind(&self, kind: &OrganisationKind) -> &'static str {
        match kind {
            OrganisationKind::PlatformOperator => self.kind_platform_operator,
            OrganisationKind::BrandRetailer => self.kind_brand_retailer,
            OrganisationKind::Supplier => self.kind_supplier,
            OrganisationKind::SubPlatform => self.kind_sub_platform,
            OrganisationKind::VerificationBody => self.kind_verification_body,
        }
    }

    /// The name of a role.
    pub fn role(&self, role: &Role) -> &'static str {
        match role {
            Role::Owner => self.role_owner,
            Role::Editor => self.role_editor,
            Role::Auditor => self.role_auditor,
            Role::Viewer => self.role_viewer,
        }
    }

    /// The name of a facility kind.
    pub fn facility_kind(&self, kind: &FacilityKind) -> &'static str {
        match kind {
            FacilityKind::Factory => self.facility_kind_factory,
            FacilityKind::Warehouse => self.facility_kind_warehouse,
            FacilityKind::LogisticsHub => self.facility_kind_logistics_hub,
            FacilityKind::Office => self.facility_kind_office,
            FacilityKind::Store => self.facility_kind_store,
            FacilityKind::DataCentre => self.facility_kind_data_centre,
            FacilityKind::Other => self.facility_kind_other,
        }
    }

    /// The name of a token scope.
    pub fn scope(&self, scope: &TokenScope) -> &'static str {
        match scope {
            TokenScope::Read => self.scope_read,
            TokenScope::Write => self.scope_write,
            TokenScope::Admin => self.scope_admin,
        }
    }

    /// What a token scope allows.
    pub fn scope_hint(&self, scope: &TokenScope) -> &'static str {
        match scope {
            TokenScope::Read => self.scope_read_hint,
            TokenScope::Write => self.scope_write_hint,
            TokenScope::Admin => self.scope_admin_hint,
        }
    }

    /// The name of an invitation state.
    pub fn invitation_state(&self, state: &InvitationState) -> &'static str {
        match state {
            InvitationState::Open => self.state_open,
            InvitationState::Accepted => self.state_accepted,
            InvitationState::Expired => self.state_expired,
            InvitationState::Revoked => self.state_revoked,
        }
    }

    /// The name of a member invitation's state.
    pub fn member_invitation_state(&self, state: &MemberInvitationState) -> &'static str {
        match state {
            MemberInvitationState::Open => self.state_open,
            MemberInvitationState::Accepted => self.state_accepted,
            MemberInvitationState::Expired => self.state_expired,
            MemberInvitationState::Revoked => self.state_revoked,
        }
    }

    /// Why a member invitation cannot be used, for the person holding its link.
    pub fn join_refused(&self, refused: &JoinRefused) -> &'static str {
        match refused {
            JoinRefused::NotOpen(MemberInvitationState::Accepted) => self.join_accepted,
            JoinRefused::NotOpen(MemberInvitationState::Revoked) => self.join_revoked,
            JoinRefused::NotOpen(_) => self.join_expired,
            JoinRefused::NotTheInvitee => self.join_not_the_invitee,
            JoinRefused::AlreadyMember => self.join_already_member,
            JoinRefused::AccountExists => self.join_account_exists,
            _ => self.conflict_already_done,
        }
    }

    /// The name of an audit action.
    pub fn audit_action(&self, action: &AuditAction) -> &'static str {
        match action {
            AuditAction::OrganisationRegistered => self.action_organisation_registered,
            AuditAction::OrganisationUpdated => self.action_organisation_updated,
            AuditAction::FacilityCreated => self.action_facility_created,
            AuditAction::FacilityUpdated => self.action_facility_updated,
            AuditAction::FacilityArchived => self.action_facility_archived,
            AuditAction::FacilityRestored => self.action_facility_restored,
            AuditAction::MemberAdded => self.action_member_added,
            AuditAction::MemberRoleChanged => self.action_member_role_changed,
            AuditAction::MemberRemoved => self.action_member_removed,
            AuditAction::MemberInvitationCreated => self.action_member_invitation_created,
            AuditAction::MemberInvitationRevoked => self.action_member_invitation_revoked,
            AuditAction::MemberInvitationAccepted => self.action_member_invitation_accepted,
            AuditAction::TokenCreated => self.action_token_created,
            AuditAction::TokenRevoked => self.action_token_revoked,
            AuditAction::SupplierInvitationCreated => self.action_supplier_invitation_created,
            AuditAction::SupplierInvitationRevoked => self.action_supplier_invitation_revoked,
            AuditAction::SupplierLinkCreated => self.action_supplier_link_created,
            AuditAction::SupplierLinkEnded => self.action_supplier_link_ended,
            AuditAction::SupplierShareGranted => self.action_supplier_share_granted,
            AuditAction::SupplierShareRevoked => self.action_supplier_share_revoked,
            AuditAction::UserLoggedIn => self.action_user_logged_in,
            AuditAction::ActivityRecorded => self.action_activity_recorded,
            AuditAction::ActivitiesImported => self.action_activities_imported,
            AuditAction::ActivityDeleted => self.action_activity_deleted,
            AuditAction::FactorAdded => self.action_factor_added,
            AuditAction::InventoryComputed => self.action_inventory_computed,
            AuditAction::InventoryVerified => self.action_inventory_verified,
            AuditAction::FacilityBoundaryChanged => self.action_facility_boundary_changed,
            AuditAction::ProductCreated => self.action_product_created,
            AuditAction::ProductModelSaved => self.action_product_model_saved,
            AuditAction::FootprintComputed => self.action_footprint_computed,
            AuditAction::FootprintVerified => self.action_footprint_verified,
            AuditAction::LabelPublished => self.action_label_published,
            AuditAction::LabelWithdrawn => self.action_label_withdrawn,
            AuditAction::VerificationEngagementStarted => self.action_verification_engagement_started,
            AuditAction::VerificationEngagementEnded => self.action_verification_engagement_ended,
            AuditAction::EnergyMeterRegistered => self.action_energy_meter_registered,
            AuditAction::EnergySiteChanged => self.action_energy_site_changed,
            AuditAction::EnergyProductionRecorded => self.action_energy_production_recorded,
            AuditAction::EnergyMeasureRecorded => self.action_energy_measure_recorded,
            AuditAction::MethodologyDrafted => self.action_methodology_drafted,
            AuditAction::MethodologySubmitted => self.action_methodology_submitted,
            AuditAction::MethodologySignedOff => self.action_methodology_signed_off,
            AuditAction::MethodologyNoticeStarted => self.action_methodology_notice_started,
            AuditAction::MethodologyApproved => self.action_methodology_approved,
            AuditAction::MethodologyRetired => self.action_methodology_retired,
            AuditAction::SubPlatformRegistered => self.action_sub_platform_registered,
            AuditAction::SubPlatformCredentialIssued => self.action_sub_platform_credential_issued,
            AuditAction::SubPlatformCredentialRevoked => self.action_sub_platform_credential_revoked,
            AuditAction::ParentAccountOpened => self.action_parent_account_opened,
            AuditAction::IdentityLinked => self.action_identity_linked,
            AuditAction::IdentityUnlinked => self.action_identity_unlinked,
            AuditAction::PactClientCreated => self.action_pact_client_created,
            AuditAction::PactClientRevoked => self.action_pact_client_revoked,
            AuditAction::PactCarbonContentDeclared => self.action_pact_carbon_content_declared,
            AuditAction::SupplierCampaignLaunched => self.action_supplier_campaign_launched,
            AuditAction::SupplierAnswerRecorded => self.action_supplier_answer_recorded,
            AuditAction::SupplierAnswerReopened => self.action_supplier_answer_reopened,
            AuditAction::SupplierEvidenceUploaded => self.action_supplier_evidence_uploaded,
            AuditAction::SupplierEvidenceReviewed => self.action_supplier_evidence_reviewed,
            AuditAction::SupplierQuestionnaireSubmitted => self.action_supplier_questionnaire_submitted,
        }
    }

    /// A province's name, or the code itself for other countries' subdivisions.
    pub fn subdivision(&self, code: &str) -> String {
        match tanji_tenancy::region::china_province(code) {
            Some(province) => match self.language {
                Language::SimplifiedChinese => province.name_zh.to_owned(),
                Language::English => province.name_en.to_owned(),
            },
            None => code.to_owned(),
        }
    }

    /// The label of a form field, by its machine name, for error messages.
    pub fn field_label(&self, field: &str) -> &'static str {
        match field {
            "email" => self.email,
            "password" => self.password,
            "current_password" => self.current_password,
            "display_name" => self.display_name,
            "role" => self.role,
            "kind" => self.facility_kind,
            "code" => self.facility_code,
            "country" => self.country,
            "subdivision" => self.province,
            "city" => self.city,
            "address" => self.address,
            "credit_code" => self.credit_code,
            "name_en" => self.name_en_label,
            "scopes" => self.scopes,
            "expires_at" | "expires_in_days" => self.expires_in,
            "supplier_name" => self.supplier_name,
            "message" => self.invitation_message,
            "code_or_link" => self.invitation_code,
            "company_name" => self.company_name,
            "limit" | "action" => self.filter,
            "reporting_year" => self.reporting_year,
            "gwp" => self.gwp_set,
            "consolidation" => self.consolidation,
            "base_years" => self.base_years,
            "significance_threshold_percent" => self.significance_threshold,
            "base_year_changes" => self.base_year_changes,
            "equity_share_percent" => self.equity_share,
            "statement" => self.verification_statement,
            _ => self.name_label,
        }
    }

    /// The label of a field whose change the audit log records (`tanji_tenancy::audit::RECORDED_FIELDS`): each has
    /// its own; a field unknown to this version reads "other field", never another field's label.
    pub fn audit_field_label(&self, field: &str) -> &'static str {
        match field {
            "name" => self.name_label,
            "name_en" => self.name_en_label,
            "code" => self.facility_code,
            "kind" => self.facility_kind,
            "country" => self.country,
            "subdivision" => self.province,
            "city" => self.city,
            "address" => self.address,
            "credit_code" => self.credit_code,
            "role" => self.role,
            "scopes" => self.scopes,
            "rows" => self.audit_field_rows,
            "quantity" => self.audit_field_quantity,
            "file" => self.audit_field_file,
            "total_location_t" => self.audit_field_total_location_t,
            "statement" => self.verification_statement,
            "equity_share_percent" => self.equity_share,
            "financial_control" => self.financial_control,
            "operational_control" => self.operational_control,
            "sku" => self.fp_sku,
            "processes" => self.audit_field_processes,
            "total_kg_co2e" => self.audit_field_total_kg_co2e,
            "record_hash" => self.audit_field_record_hash,
            "reason" => self.fp_withdraw_reason,
            "shared_data" => self.shared_data,
            _ => self.audit_field_other,
        }
    }

    /// A field's label and what is wrong with it, punctuated for the language: "名称：为必填项", "Name: is required".
    pub fn field_problem(&self, field: &str, problem: &Problem) -> String {
        match self.language {
            Language::SimplifiedChinese => format!("{}：{}", self.field_label(field), self.problem(problem)),
            Language::English => format!("{}: {}", self.field_label(field), self.problem(problem)),
        }
    }

    /// A validation problem as a sentence fragment following the field's label.
    pub fn problem(&self, problem: &Problem) -> String {
        match problem {
            Problem::Required => self.problem_required.to_owned(),
            Problem::TooLong { max_chars } => match self.language {
                Language::SimplifiedChinese => format!("太长，最多 {max_chars} 个字符"),
                Language::English => format!("is too long; at most {max_chars} characters"),
            },
            Problem::TooShort { min_chars } => match self.language {
                Language::SimplifiedChinese => format!("太短，至少 {min_chars} 个字符"),
                Language::English => format!("is too short; at least {min_chars} characters"),
            },
            Problem::NotOneOf { choices } => match self.language {
                Language::SimplifiedChinese => format!("{}{}", self.problem_not_one_of, choices.join("、")),
                Language::English => format!("{} {}", self.problem_not_one_of, choices.join(", ")),
            },
            Problem::Malformed { expected } => match self.language {
                // The expected form is written in English in the domain crate; Chinese readers get the generic
                // sentence plus the field's own hint, which the form shows next to the field.
                Language::SimplifiedChinese => self.problem_malformed.to_owned(),
                Language::English => format!("must be {expected}"),
            },
            Problem::ForbiddenCharacters => self.problem_forbidden_characters.to_owned(),
            Problem::Incorrect => self.problem_incorrect.to_owned(),
            _ => self.problem_out_of_range.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The factor library's introduction explains the badge by the words the badge shows (it used to quote an English
    /// "secondary" that appears nowhere on the page).
    #[test]
    fn the_factor_library_explains_its_badge_in_the_badge_s_words() {
        for text in [&ZH, &EN] {
            assert!(text.factors_intro.contains(text.verification_secondary), "{}", text.factors_intro);
        }
    }

    /// Every field the audit log records has a label of its own: a hash or a footprint value is never "Name:".
    #[test]
    fn every_audited_field_has_its_own_label() {
        for text in [&ZH, &EN] {
            let mut seen = std::collections::BTreeMap::new();
            for field in tanji_tenancy::audit::RECORDED_FIELDS {
                let label = text.audit_field_label(field);
                assert_ne!(label, text.audit_field_other, "{field} has no label");
                if let Some(other) = seen.insert(label, field) {
                    panic!("{field} and {other} share the label {label}");
                }
            }
        }
    }

    /// A string left in the wrong language is the commonest translation slip: every Chinese string must contain
    /// Chinese, except symbols that are the same in both languages.
    #[test]
    fn chinese_strings_are_chinese() {
        let same_in_both = ["none", "t_co2e", "gwp"];
        // Punctuation differs by language (full-width in Chinese) but holds no Han character.
        let punctuation = ["separator"];
        for (key, zh, en) in ENTRIES {
            if same_in_both.contains(key) {
                assert_eq!(zh, en);
                continue;
            }
            if punctuation.contains(key) {
                assert!(zh.chars().all(|character| !character.is_ascii()) && en.is_ascii(), "{key}: {zh:?} {en:?}");
                continue;
            }
            let has_han = zh.chars().any(|character| ('\u{4e00}'..='\u{9fff}').contains(&character));
            assert!(has_han, "the Chinese text of {key} has no Chinese: {zh:?}");
            // Brackets around Chinese words are full-width ("（选填）", found in the walk-through as "(选填)").
            for (open_idx, _) in zh.match_indices('(') {
                let inside = zh[open_idx + 1..].split(')').next().unwrap_or_default();
                let han_inside = inside.chars().any(|character| ('\u{4e00}'..='\u{9fff}').contains(&character));
                assert!(!han_inside, "{key}: Chinese in ASCII brackets, use （）: {zh:?}");
            }
            // Search hints show Chinese example keywords on purpose.
            let chinese_examples = ["search_placeholder", "no_factors_found"];
            if !chinese_examples.contains(key) {
                assert!(!en.chars().any(|character| ('\u{4e00}'..='\u{9fff}').contains(&character)), "{key}: {en:?}");
            }
        }
    }
}
