//! The console's words in 简体中文 and English.
//!
//! Every string lives in one table, Chinese beside English, and the `catalogue!` macro turns it into a struct with
//! one field per string and one instance per language. A string missing in either language is a compile error, so
//! the console can never show an untranslated key.

use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::facility::FacilityKind;
use tanji_tenancy::member::{Language, Role};
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::supplier_link::InvitationState;
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
    save: "保存", "Save";
    cancel: "取消", "Cancel";
    create: "创建", "Create";
    add: "添加", "Add";
    yes: "是", "Yes";
    no: "否", "No";
    none: "—", "—";
    optional: "选填", "optional";
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
    kind_platform_operator: "平台运营方", "Platform operator";
    kind_brand_retailer: "品牌商/零售商", "Brand / retailer";
    kind_supplier: "供应商（工厂）", "Supplier (factory)";
    kind_sub_platform: "子平台", "Sub-platform";

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
    add_member: "添加成员", "Add a member";
    add_member_hint: "如果此邮箱已有账户，将直接加入本组织，姓名和初始密码会被忽略。", "If this e-mail address already has an account, the person simply joins; name and initial password are then ignored.";
    display_name: "姓名", "Name";
    initial_password: "初始密码", "Initial password";
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
    action_user_logged_in: "登录", "Logged in";

    // Tenants.
    tenants_title: "租户", "Tenants";
    tenants_intro: "平台上的全部组织。运营方可以看到组织概况，但看不到各组织的数据。", "Every organisation on the platform. The operator sees each tenant's size, never its data.";
    register_organisation: "注册组织", "Register an organisation";
    register_organisation_hint: "可同时指定第一位所有者；组织与所有者一并创建，或都不创建。", "Name its first owner here to create both at once, or neither if anything is wrong.";
    first_owner: "第一位所有者", "First owner";
    first_owner_hint: "如果此邮箱已有账户，此人将直接成为所有者，姓名和初始密码会被忽略。", "If this e-mail address already has an account, the person becomes owner and name and password are ignored.";
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
    error_internal: "服务器内部错误。已记录，请稍后重试；如持续出现，请将请求编号告知管理员：", "Internal error. It has been logged; try again later. If it persists, give your administrator the request id:";
    error_conflict: "无法完成：", "Could not be done:";
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
    factors_total: "共 {n} 个因子版本", "{n} factor versions in all";
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
    compute_inventory: "计算清单", "Compute inventory";
    compute_inventory_hint: "每次计算生成一个新版本；已核查的版本保持冻结。", "Each computation makes a new version; verified versions stay frozen.";
    reporting_year: "报告年度", "Reporting year";
    gwp_set: "GWP 值集", "GWP set";
    consolidation: "合并方法", "Consolidation approach";
    consolidation_equity_share: "股权比例法", "Equity share";
    consolidation_financial_control: "财务控制法", "Financial control";
    consolidation_operational_control: "运营控制法", "Operational control";
    base_years: "基准年", "Base year(s)";
    base_years_hint: "一个年份，或用逗号分隔的多个年份（取平均）", "One year, or several separated by commas (averaged)";
    significance_threshold: "重算显著性阈值（%）", "Recalculation significance threshold (%)";
    base_year_changes: "自基准年以来的变化", "Changes since the base year";
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
    errors_count: "错误", "Errors";
    scope1: "范围一", "Scope 1";
    scope2_location: "范围二（基于位置）", "Scope 2 (location-based)";
    scope2_market: "范围二（基于市场）", "Scope 2 (market-based)";
    scope3: "范围三", "Scope 3";
    scope_outside: "范围外", "Outside scopes";
    biogenic_co2: "生物源 CO2（单独报告）", "Biogenic CO2 (reported apart)";
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
    factors_intro: "随软件发布的因子均注明出处、版本、年份、地区和许可；“secondary”表示仅经二手来源核对。", "Every bundled factor names its source, edition, year, region and licence; “secondary” means it was checked against secondary copies only.";
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
        use tanji_inventory::DiagnosticKind as D;
        match kind {
            D::MissingFactor => self.pick("缺少排放因子", "Missing factor"),
            D::UnitMismatch => self.pick("单位不匹配", "Unit mismatch"),
            D::MissingGwp => self.pick("缺少 GWP", "Missing GWP"),
            D::MissingParameter => self.pick("缺少燃料参数", "Missing fuel parameter"),
            D::UnknownFacility => self.pick("设施不在边界内", "Facility outside the boundary"),
            D::PeriodGap => self.pick("月份缺数据", "Months without data"),
            D::OutsidePeriod => self.pick("跨越报告期", "Outside the reporting period"),
            D::SourceChosen => self.pick("已按数据来源优先级取用", "Data source chosen by priority"),
            D::PossibleDoubleCount => self.pick("可能重复计算", "Possible double count"),
            D::GwpSetDiffers => self.pick("因子 GWP 值集不同", "Factor uses another GWP set"),
            D::MarketFactorMissing => self.pick("缺少剩余组合/供应商因子", "No residual-mix or supplier factor"),
            D::MemoGas => self.pick("非京都气体（备忘）", "Non-Kyoto gas (memo)"),
            _ => self.pick("其他", "Other"),
        }
    }

    /// A factor category's name.
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

    /// The name of an organisation kind.
    pub fn organisation_kind(&self, kind: &OrganisationKind) -> &'static str {
        match kind {
            OrganisationKind::PlatformOperator => self.kind_platform_operator,
            OrganisationKind::BrandRetailer => self.kind_brand_retailer,
            OrganisationKind::Supplier => self.kind_supplier,
            OrganisationKind::SubPlatform => self.kind_sub_platform,
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
            AuditAction::TokenCreated => self.action_token_created,
            AuditAction::TokenRevoked => self.action_token_revoked,
            AuditAction::SupplierInvitationCreated => self.action_supplier_invitation_created,
            AuditAction::SupplierInvitationRevoked => self.action_supplier_invitation_revoked,
            AuditAction::SupplierLinkCreated => self.action_supplier_link_created,
            AuditAction::SupplierLinkEnded => self.action_supplier_link_ended,
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

    /// A string left in the wrong language is the commonest translation slip: every Chinese string must contain
    /// Chinese, except symbols that are the same in both languages.
    #[test]
    fn chinese_strings_are_chinese() {
        let same_in_both = ["none", "t_co2e", "gwp"];
        for (key, zh, en) in ENTRIES {
            if same_in_both.contains(key) {
                assert_eq!(zh, en);
                continue;
            }
            let has_han = zh.chars().any(|character| ('\u{4e00}'..='\u{9fff}').contains(&character));
            assert!(has_han, "the Chinese text of {key} has no Chinese: {zh:?}");
            // Search hints show Chinese example keywords on purpose.
            let chinese_examples = ["search_placeholder", "no_factors_found"];
            if !chinese_examples.contains(key) {
                assert!(!en.chars().any(|character| ('\u{4e00}'..='\u{9fff}').contains(&character)), "{key}: {en:?}");
            }
        }
    }
}
