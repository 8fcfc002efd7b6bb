//! The `tanji` command line's own words in 简体中文: what each command and option is for (`--help`), and clap's
//! usage errors (a missing argument, an unknown flag) as message values in both languages.
//!
//! The English help is the doc comments of the option types in tanji-cli (`options.rs`), which clap's derive turns
//! into the English `--help`; keeping it there keeps the code's documentation and the help one text. The Chinese help
//! is the table below, keyed by where the text belongs in the command tree. clap's tree is built at run time, so the
//! compiler cannot see a command without its Chinese text; tanji-cli's tests walk the whole tree instead and fail
//! when a command or visible option has no entry here, or when an entry names nothing that exists.

use crate::{Language, Localize, text};

/// The Chinese help of a command or an option, looked up from the command's place up to the root: the text for
/// `lca solve --technosphere` is the entry `lca solve --technosphere`, else `lca --technosphere`, else
/// `--technosphere` (an option shared by many commands, such as `--database`, is written once).
///
/// `path` is the command's names below `tanji`, space-separated (`""` for `tanji` itself, `"energy import"`);
/// `argument` is `None` for the command's own description, `Some("--org")` for an option and `Some("<file>")` for a
/// positional argument (by its id).
pub fn chinese_help(path: &str, argument: Option<&str>) -> Option<&'static str> {
    let Some(argument) = argument else {
        return CHINESE_HELP.iter().find(|(key, _)| *key == path).map(|(_, text)| *text);
    };
    let mut place = path;
    loop {
        let key = if place.is_empty() { argument.to_owned() } else { format!("{place} {argument}") };
        if let Some((_, text)) = CHINESE_HELP.iter().find(|(entry, _)| *entry == key) {
            return Some(text);
        }
        if place.is_empty() {
            return None;
        }
        place = place.rsplit_once(' ').map_or("", |(parent, _)| parent);
    }
}

/// Every Chinese help text, as `(key, text)`: a key without `--` or `<` is a command's path; otherwise the last
/// word is an option (`--org`) or a positional argument (`<file>`) of the command before it. A text of several
/// paragraphs gives its first paragraph in the short help (`-h`, the list of commands) and all of it in `--help`.
pub const CHINESE_HELP: &[(&str, &str)] = &[
    // `tanji` itself, and what every command has.
    (
        "",
        "碳迹（tanji）：绿色供应链碳管理平台。\n\n先用 `tanji demo` 带示例数据体验控制台，或用 `tanji serve` 正式运行。",
    ),
    ("--log-format", "日志写到 stderr 的格式：`text` 供人阅读，`json` 供日志采集系统"),
    (
        "--lang",
        "报告和消息的语言：`en` 或 `zh-CN`。不指定时，区域设置（LC_ALL、LC_MESSAGES、LANG）以 zh 开头即为中文，否则为英文",
    ),
    ("--help", "打印帮助"),
    ("--version", "打印版本"),
    ("help", "打印本帮助，或给定子命令的帮助"),
    ("--format", "输出格式"),
    (
        "--database",
        "数据库 URL：`sqlite://路径` 或 `postgres://用户@主机:端口/数据库`。默认：数据目录中的 SQLite 文件 tanji.sqlite",
    ),
    ("--data-dir", "嵌入式数据库和其他本地文件所在的目录；不存在时创建"),
    // serve, demo, migrate.
    ("serve", "运行网页控制台和 REST API"),
    ("serve --listen", "监听的地址和端口。用 0.0.0.0:端口 接受其他机器的连接"),
    ("serve --tls-cert", "PEM 证书链：以 HTTPS 而非 HTTP 提供服务（需要 --tls-key）"),
    ("serve --tls-key", "--tls-cert 的 PEM 私钥"),
    (
        "serve --public-url",
        "他人访问本服务器的 URL，例如位于反向代理之后时的 https://tanji.example.com。用于标签二维码和服务器给出的链接（否则使用 \
         --listen）；https 地址还会把 Cookie 标为 Secure",
    ),
    (
        "serve --trusted-proxy",
        "一个反向代理（地址或网段，例如 10.0.0.0/8），由其 X-Forwarded-For 标头指明客户端；可重复给出多个。不给出时忽略该标头，\
         客户端就无法为登录限流自选地址",
    ),
    (
        "serve --mqtt",
        "订阅此 MQTT 代理上的实时电表读数，例如 mqtt://127.0.0.1:1883（QoS 1，持久会话；主题 \
         `{prefix}/{organisation-id}/meters/{meter-code}`；见 docs/energy-ingestion.md）",
    ),
    ("serve --mqtt-client-id", "MQTT 客户端编号。请保持不变：代理会为它跨重启保留尚未确认的读数"),
    ("serve --mqtt-topic-prefix", "订阅者监听的第一级主题"),
    (
        "serve --nats",
        "从此 NATS JetStream 服务器消费碳账户事件，例如 nats://127.0.0.1:4222（持久拉取消费者，显式确认；主题 \
         tanji.account.{子平台编号}.events；见 docs/account-events.md）",
    ),
    ("serve --nats-stream", "碳账户事件所在的 JetStream 流（不存在时创建）"),
    ("serve --nats-consumer", "持久消费者的名称。请保持不变：服务器会为它跨重启保留尚未确认的事件"),
    ("serve --nats-subject-prefix", "主题的前几级：事件发布在 {前缀}.{子平台编号}.events"),
    ("demo", "用独立的嵌入式数据库运行演示数据（一家零售商、其自有品牌、两家供应商工厂）"),
    ("demo --listen", "监听的地址和端口"),
    ("demo --data-dir", "演示数据库（`demo.sqlite`）所在的目录，与真实数据分开；不存在时创建"),
    ("demo --reset", "从全新的演示数据库开始，删除之前的演示数据库"),
    (
        "demo --public-url",
        "手机和其他电脑访问演示的 URL，例如 http://192.168.1.20:8080（配合 --listen 0.0.0.0:8080），用于标签二维码和演示打印的\
         链接。不给出时使用 --listen 的地址，默认只有本机能打开",
    ),
    ("migrate", "创建数据库结构或将其更新到最新。`serve` 启动时也会这样做"),
    // Operator commands.
    ("org", "登记和列出组织（租户）"),
    ("org add", "登记一个组织"),
    ("org add --name", "登记名称，例如“台州瑞禾日用品科技有限公司”"),
    (
        "org add --kind",
        "组织在平台上的角色：brand_retailer（品牌商/零售商）、supplier（供应商）、verification_body（核查机构）等",
    ),
    ("org add --country", "ISO 3166-1 两位字母国家代码"),
    ("org add --credit-code", "统一社会信用代码，会核对其校验位"),
    ("org list", "列出全部组织"),
    ("user", "将人员加入组织"),
    (
        "user add",
        "将一个人加入组织，需要时为其创建账户。\n\n使用 --password-stdin 时从标准输入读取密码；否则生成一个强密码，并只显示一次。",
    ),
    ("user add --email", "登录邮箱"),
    ("user add --name", "控制台中显示的姓名（创建新账户时需要）"),
    ("user add --org", "组织，按编号或完整名称"),
    ("user add --role", "在组织中的角色：owner（所有者）、editor（编辑）、auditor（审核员）或 viewer（查看者）"),
    ("user add --password-stdin", "从标准输入的第一行读取新账户的密码，而不是生成一个"),
    ("token", "为机器客户端创建 API 令牌"),
    ("token create", "创建代表组织某位成员的 API 令牌。密钥只显示一次"),
    ("token create --org", "组织，按编号或完整名称"),
    ("token create --user", "令牌代表的成员；令牌的权限不会超过其角色"),
    ("token create --name", "令牌的用途，例如“ERP 夜间导出”"),
    ("token create --scopes", "逗号分隔的权限范围：read、write、admin"),
    ("token create --expires-in-days", "令牌失效前的天数；不给出时一直有效，直到被撤销"),
    // Inventory and factors.
    ("inventory", "根据清单文件计算组织温室气体清单，无需数据库"),
    (
        "inventory compute",
        "计算 FILE 描述的清单（见 docs/inventory-file.md），打印合计和诊断信息（加 `--lines` 时打印每一行及其公式和因子）",
    ),
    ("inventory compute <file>", "清单文件（TOML），例如 examples/inventory/ruihe-2025.toml"),
    ("inventory compute --gwp", "非 CO2 气体使用的 GWP 值集；优先于文件中的 `gwp`"),
    ("inventory compute --format", "`table` 供人阅读，`json` 供程序使用"),
    (
        "inventory compute --lines",
        "列出每一行及其公式、参数和因子引用（JSON 中为 `inventory.lines`），以及每条诊断。不加时只报告合计，以及每类诊断的前 100 条",
    ),
    ("inventory compute --progress", "即使 stderr 不是终端，也显示各阶段（读取和检查、计算、写出），每个阶段一行"),
    ("inventory compute --output-quantity", "组织在报告年度的产出量，用于计算单位产出排放强度"),
    ("inventory compute --output-unit", "`--output-quantity` 的单位（`t`、`件`、`万元` …）"),
    (
        "inventory compute --allow-incomplete",
        "即使有记录无法计算、合计不完整，也打印报告并以 0 退出。不加时，不完整的清单在打印报告后以状态 2 退出",
    ),
    ("factors", "搜索和查看内置排放因子库"),
    ("factors search", "按中文或英文关键词、地区、年份、来源、类别和气体搜索"),
    ("factors search <words>", "必须全部匹配的关键词（中文名称、关键词或英文名称），例如 `电网 华东` 或 `natural gas`"),
    ("factors search --region", "地区：GLOBAL、国家（CN）或下级区域/电网（CN-ZJ、CN-GRID-EAST）；国家包含其下级区域"),
    ("factors search --year", "因子适用的年份"),
    ("factors search --source", "发布机构或文件，例如 EPA、DESNZ、IPCC、生态环境部"),
    (
        "factors search --category",
        "类别，例如 electricity、stationary_combustion、mobile_combustion、transport_freight",
    ),
    ("factors search --gas", "只列出给出此气体的因子：co2、ch4、n2o、co2e（公布的 CO2e 合计）或 biogenic_co2"),
    ("factors search --limit", "最多显示的个数"),
    ("factors --format", "`table` 供人阅读，`json` 供程序使用"),
    ("factors show", "显示一个因子的全部版本及其引用来源和许可"),
    ("factors show <id>", "因子编号，例如 mee-nbs-2022-grid-cn-grid-east"),
    // Life-cycle assessment.
    ("lca", "求解生命周期评价矩阵（技术圈、生物圈、特征化），得到产品碳足迹"),
    (
        "lca solve",
        "对以 Matrix Market 坐标文件给出的系统中的产品打分（Brightway 符号约定：A 的对角线上产出为正，投入为负），例如 \
         examples/lca/ 中的文件",
    ),
    ("lca --technosphere", "技术圈矩阵 A（n×n）：第 j 列是生产产品 j 的过程"),
    ("lca --biosphere", "生物圈矩阵 B（流×n）：每个过程每运行一次的基本流（排放、资源）"),
    ("lca --characterization", "特征化因子 c（流×1），例如每 kg 各种流的 GWP-100（kg CO2e）"),
    (
        "lca --datapackage",
        "代替三个文件：Brightway 的 `bw_processing` 数据包（其 zip，或包含 datapackage.json 的目录），可重复给出多个（例如一个数据库\
         的和一个影响类别的），按 bw2calc 的方式读取；此时产品为活动的数据库编号（docs/lca.md）",
    ),
    (
        "lca solve --demand",
        "对产品 J 的一个单位打分（A 的列号，从 1 开始，与 Matrix Market 相同；使用 `--datapackage` 时为活动的数据库编号，与 bw2calc \
         的需求相同）",
    ),
    ("lca solve --all-products", "用一次伴随求解对每个产品的一个单位打分"),
    ("lca solve --format", "`csv`（带表头的 `product,score` 行）、`json`，或供人阅读的 `table`"),
    (
        "lca solve --method",
        "求解器：`auto`（先用残差经过验证的 GMRES，GMRES 无解时改用稀疏 LU）、`iterative`（只用 GMRES）或 `lu`（只用稀疏 LU）",
    ),
    ("lca solve --timings", "在 stderr 上打印每个阶段（解析、分析、分解、求解、写出）的耗时，以及给出结果的方法"),
    (
        "lca export",
        "把足迹文件的产品系统写成 `lca solve` 读取的三个 Matrix Market 文件（A.mtx、B.mtx、c.mtx），并用 products.csv 和 \
         flows.csv 说明各列和各行",
    ),
    ("lca export <file>", "足迹文件（TOML），与 `tanji footprint compute` 所用的相同"),
    ("lca export --baseline", "导出文件中的基准产品，而不是该产品"),
    ("lca export --out", "写入的目录（不存在时创建）"),
    (
        "lca monte-carlo",
        "对以 Matrix Market 文件给出的系统中的一个产品做蒙特卡洛不确定性分析，其交换量的分布写在不确定性文件中\
         （docs/lca-uncertainty.md）：得到得分的百分位数和直方图",
    ),
    (
        "lca monte-carlo --uncertainty",
        "分布：CSV 文件 `matrix,row,col,uncertainty_type,loc,scale,shape,minimum,maximum,negative`，采用 Brightway 的 \
         stats_arrays 定义（docs/lca-uncertainty.md）。没有对应行的交换量固定不变。不能与 `--datapackage` 同用，数据包使用其自带的分布\
         数组",
    ),
    (
        "lca monte-carlo --demand",
        "要抽样其得分的产品（A 的列号，从 1 开始；使用 `--datapackage` 时为活动的数据库编号），一个单位",
    ),
    ("lca monte-carlo --iterations", "蒙特卡洛迭代次数"),
    ("lca monte-carlo --seed", "抽样的种子：相同种子得到相同得分，与线程数无关"),
    ("lca monte-carlo --threads", "工作线程数"),
    (
        "lca monte-carlo --resample-all",
        "每次迭代都抽取 A 和 B 的每个不确定交换量，包括没有特征化因子的流（它们不会改变得分）：与 Brightway 的蒙特卡洛工作量相同，\
         便于比较。得分不变",
    ),
    ("lca monte-carlo --bins", "直方图的柱数"),
    ("lca monte-carlo --format", "`json`、`csv`（每个统计量和每个直方图柱一行），或供人阅读的 `table`"),
    // Benchmarks.
    (
        "bench",
        "测量本机运行 tanji 繁重计算的速度，例如 `tanji bench lca`：求解一个与 ecoinvent 同等规模的生命周期评价系统并做蒙特卡洛抽样，\
         计时并写入文件，便于与其他工具比较",
    ),
    (
        "bench lca",
        "在本机计时生命周期评价：生成一个可重现、与 ecoinvent 同等规模的系统（默认 20,000 个过程），然后计时全部产品的足迹、一个产品的\
         足迹和蒙特卡洛抽样；系统写成 Matrix Market 文件，以便 scripts/bench-lca-brightway.py 在同一系统上计时 Brightway",
    ),
    ("bench lca --activities", "生成系统的活动（过程）数；每个约有 13 个技术圈条目和 10 个生物圈条目"),
    ("bench lca --seed", "生成系统和蒙特卡洛抽样的种子"),
    ("bench lca --iterations", "蒙特卡洛迭代次数"),
    ("bench lca --threads", "蒙特卡洛的工作线程数"),
    ("bench lca --demand", "单一需求和蒙特卡洛数据所用的产品（A 的列号，从 1 开始）"),
    ("bench lca --tolerance", "蒙特卡洛每次迭代的迭代求解在相对残差达到此值时停止"),
    ("bench lca --repeats", "每个确定性数据的冷启动运行次数；报告其中位数"),
    ("bench lca --out", "矩阵、不确定性、得分和 tanji-bench.json 的写入目录"),
    (
        "bench energy",
        "在生成的工厂负载上计时能源引擎（20 家工厂 × 10 条产线 × 3 块电表，一年的 15 分钟数据；一条产线的加热器偏热 30 %）：从 CSV \
         加载、读数 → 时段 kWh、每条产线每日 kWh、与本厂其他产线相比的月度单耗，结果以 CSV 写入 DIR，供其他工具使用",
    ),
    ("bench energy --factories", "工厂数"),
    ("bench energy --lines", "每家工厂的产线数（至少 2 条：一条产线的同类是本厂的其他产线）"),
    ("bench energy --days", "数据的天数"),
    ("bench energy --interval-minutes", "计量间隔（分钟）"),
    ("bench energy --seed", "生成数据的种子"),
    ("bench energy --out", "CSV 文件和 tanji-bench-energy.json 的写入目录"),
    ("bench energy --store", "同时经存储层把读数载入 OUT 中新建的 SQLite 数据库，并由其小时汇总回答看板问题"),
    ("bench energy --mqtt", "同时测量经此 MQTT 代理（mqtt://主机:端口）写入存储层的读数（隐含 --store）"),
    ("bench energy --mqtt-readings", "MQTT 步骤发布的读数条数"),
    (
        "bench ledger",
        "经存储层计时碳积分账本：先建 ACCOUNTS 个账户，再分批提交 TRANSFERS 笔转账（均匀分布与齐普夫分布），每批一个持久化（fsync）\
         事务，写入 OUT 中新建的 SQLite 文件（默认）或 PostgreSQL；输出每秒转账数与批次延迟 p50/p99，然后依据已存数据检查账本不变量，\
         任何一项不成立即报错",
    ),
    ("bench ledger --accounts", "要创建的账户数"),
    ("bench ledger --transfers", "要提交的转账笔数"),
    ("bench ledger --batch", "每批的转账笔数（TigerBeetle 的最大批次为 8,190）"),
    (
        "bench ledger --distribution",
        "转账涉及哪些账户：uniform（均匀）、zipfian（齐普夫）或 both（两者各跑一次，各用新账本）",
    ),
    ("bench ledger --seed", "生成转账的种子"),
    (
        "bench ledger --postgres",
        "改在此 PostgreSQL 数据库（postgres://用户@主机:端口/数据库）上运行，而不是 OUT 中新建的 SQLite 文件",
    ),
    ("bench ledger --out", "SQLite 文件和 tanji-bench-ledger.json 的写入目录"),
    // Product footprints.
    ("footprint", "根据足迹文件计算产品碳足迹（ISO 14067），无需数据库"),
    (
        "footprint compute",
        "计算足迹文件（docs/footprint-file.md）中产品每声明单位的碳足迹；文件有基准产品时同时给出对比，例如 \
         examples/footprint/bamboo-fibre-cup.toml",
    ),
    ("footprint compute <file>", "足迹文件（TOML）"),
    (
        "footprint compute --monte-carlo",
        "以此迭代次数做蒙特卡洛分析（每个交换量按其分布，或按其数据质量评分隐含的离散程度变化）",
    ),
    ("footprint compute --seed", "蒙特卡洛抽样的种子；相同种子得到相同结果"),
    ("footprint compute --format", "`table` 供人阅读，`json` 供程序使用"),
    // The energy expert.
    (
        "energy",
        "能源专家：由电表和产量得出每条产线的单位产品能耗、基线、节能量和发现；可直接分析文件而无需数据库（`analyze`），也可将电表读数\
         导入组织的电表（`import`）",
    ),
    (
        "energy analyze",
        "分析一个站点：站点文件（docs/energy-file.md）指明读数和产量 CSV；打印各产线的单位产品能耗、按预计节能量排序的发现，以及数据\
         清洗做了什么。例如 examples/energy/site.toml",
    ),
    ("energy analyze <file>", "站点文件（TOML）"),
    ("energy analyze --format", "`table` 供人阅读，`json` 供程序使用"),
    (
        "energy analyze --activities-csv",
        "同时把站点每月的计量能耗（电、天然气、蒸汽）写成清单活动数据行，数据来源为 `meter`，电表作为证据：`tanji inventory compute` \
         和活动数据导入都接受的 CSV",
    ),
    ("energy analyze --facility", "活动数据行所属的设施代码（默认：站点名称）"),
    ("energy analyze --emission-point", "这些行计量的排放点，例如各电表汇总到的进线（默认：站点名称）"),
    ("energy analyze --electricity-factor", "计量电力使用的电网因子编号（默认：站点文件的 `grid_factor.factor_id`）"),
    ("energy analyze --gas-parameters", "计量天然气的默认燃料参数（电表给出的热值写为其低位发热量）"),
    ("energy analyze --steam-factor", "外购蒸汽的因子编号；不给出时，蒸汽月份会列出但不计入"),
    ("energy example", "将示意示例（瑞禾工厂的两条纸杯产线，按种子生成）写入一个目录"),
    ("energy example <directory>", "site.toml、readings.csv 和 production.csv 的写入目录"),
    ("energy example --seed", "生成数据的种子；相同种子生成相同文件"),
    ("energy example --first-day", "数据的第一天"),
    ("energy example --days", "数据的天数"),
    (
        "energy import",
        "将 CSV 文件中的电表读数（表头 meter,timestamp,value；UTF-8 或 GBK）导入数据库，整个文件要么全部导入，要么都不导入。\
         幂等：已存储的读数计为重复；见 docs/energy-ingestion.md",
    ),
    (
        "energy import <file>",
        "读数 CSV（meter,timestamp,value），或整个站点：其 site.toml 或包含它的文件夹（站点文件指明读数和产量 CSV；\
         docs/energy-file.md）",
    ),
    ("energy import --org", "读数所属电表的组织，按编号或完整名称"),
    // The carbon-account scheme.
    ("account", "平台运营方的碳账户体系：方法学及其评审、公示期的工作日历、子平台及其接口凭证"),
    ("account methodologies", "列出运营方的全部方法学版本及其评审状态"),
    ("account methodologies --org", "平台运营方，按编号或完整名称"),
    ("account methodologies --as", "以哪位成员（邮箱）的身份执行；其角色决定可做什么"),
    ("account methodologies --format", "`text` 供人阅读，`json` 供程序使用"),
    ("account review", "对方法学版本执行一个评审步骤（以 --as 指定的成员身份）"),
    ("account review <number>", "方法学编号"),
    ("account review <version_number>", "版本号"),
    (
        "account review <step>",
        "要执行的步骤：submit（提交评审）、sign-approve（签署同意）、sign-request-changes（签署退回）、start-notice（开始公示）、approve（批准）、retire（停用）",
    ),
    ("account review --org", "平台运营方，按编号或完整名称"),
    ("account review --as", "以哪位成员（邮箱）的身份执行；其角色决定可做什么"),
    ("account calendar", "将运营方日历中的某天记为节假日或调休上班日，或清除"),
    ("account calendar --day", "日期，例如 2026-10-01"),
    ("account calendar --kind", "`holiday`（节假日）、`make-up`（调休上班日）或 `clear`（恢复按星期）"),
    ("account calendar --org", "平台运营方，按编号或完整名称"),
    ("account calendar --as", "以哪位成员（邮箱）的身份执行；其角色决定可做什么"),
    ("account sub-platforms", "列出子平台及其可上报的行为、身份关联数和有效凭证数"),
    ("account sub-platforms --org", "平台运营方（或子平台自身的组织），按编号或完整名称"),
    ("account sub-platforms --as", "以哪位成员（邮箱）的身份执行；其角色决定可做什么"),
    ("account sub-platforms --format", "`text` 供人阅读，`json` 供程序使用"),
    ("account issue-credential", "为子平台签发接口凭证；密钥只打印这一次"),
    ("account issue-credential --sub-platform", "子平台，按代码或编号"),
    ("account issue-credential --name", "凭证用途"),
    (
        "account issue-credential --scopes",
        "逗号分隔的权限：`events:write`（上报事件）、`outcomes:read`（读取事件结果）",
    ),
    ("account issue-credential --org", "平台运营方，按编号或完整名称"),
    ("account issue-credential --as", "以哪位成员（邮箱）的身份执行；须为运营方的所有者"),
    ("energy import --facility", "整站导入：导入到哪个设施，按编号、代码或完整名称"),
    ("energy import --as", "整站导入：记为由哪位成员（邮箱）导入；须为该组织的所有者或编辑"),
    ("energy import --timezone", "未写时区的时间戳（当地时间）相对 UTC 的偏移，例如 +08:00"),
];

/// What is wrong with a value given on the command line, when the reason is known.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ValueProblem {
    /// A whole number was expected.
    NotAWholeNumber,
    /// A number was expected.
    NotANumber,
    /// The number must be more than zero.
    Zero,
    /// The number is too large (or too small) for the option.
    OutOfRange,
    /// An address and port (`127.0.0.1:8080`) was expected.
    NotAnAddress,
    /// An IP address or a network (`10.0.0.0/8`) was expected.
    NotANetwork,
    /// A reason already in the reader's language (a validation problem rendered by the console's catalogue).
    Explained(String),
    /// Not known.
    Unknown,
}

impl Localize for ValueProblem {
    fn localize(&self, language: Language) -> String {
        match self {
            Self::NotAWholeNumber => text!(language, zh: "需要一个整数", en: "a whole number is needed"),
            Self::NotANumber => text!(language, zh: "需要一个数字", en: "a number is needed"),
            Self::Zero => text!(language, zh: "必须大于零", en: "it must be more than zero"),
            Self::OutOfRange => text!(language, zh: "超出允许的范围", en: "it is out of range"),
            Self::NotAnAddress => {
                text!(language, zh: "需要地址和端口，例如 127.0.0.1:8080", en: "an address and port is needed, e.g. 127.0.0.1:8080")
            }
            Self::NotANetwork => text!(language,
                zh: "既不是 IP 地址，也不是 10.0.0.0/8 这样的网段",
                en: "it is neither an IP address nor a network such as 10.0.0.0/8"),
            Self::Explained(reason) => reason.clone(),
            Self::Unknown => text!(language, zh: "不是有效的值", en: "it is not a valid value"),
        }
    }
}

/// A command line clap could not accept: the codes of clap's `ErrorKind` with what its context says.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum UsageError {
    /// An option or argument the command does not have (`--bogus`).
    UnknownArgument { argument: String, suggestion: Option<String> },
    /// A subcommand that does not exist.
    UnknownSubcommand { subcommand: String, suggestion: Option<String> },
    /// A value outside the option's choices.
    NotAChoice { argument: String, value: String, choices: Vec<String>, suggestion: Option<String> },
    /// A value the option's parser refused.
    InvalidValue { argument: String, value: String, problem: ValueProblem },
    /// Required arguments left out (as clap writes them: `--org <ORG>`).
    MissingArguments { arguments: Vec<String> },
    /// A command that needs a subcommand was given none.
    MissingSubcommand { command: String },
    /// Two arguments that cannot be used together.
    Conflict { argument: String, other: Option<String> },
    /// An option given more values than it takes, or given twice.
    TooManyValues { argument: String },
    /// An option given fewer values than it needs.
    TooFewValues { argument: String },
    /// An option needs `=` before its value.
    NeedsEquals { argument: String },
    /// An argument is not valid UTF-8.
    NotUtf8,
    /// Anything else clap refuses; `detail` is clap's own English text.
    Other { detail: String },
}

impl Localize for UsageError {
    fn localize(&self, language: Language) -> String {
        let suggest = |suggestion: &Option<String>| match suggestion {
            Some(suggestion) => {
                text!(language, zh: "\n  提示：您是不是要用 '{suggestion}'？", en: "\n  tip: did you mean '{suggestion}'?")
            }
            None => String::new(),
        };
        match self {
            Self::UnknownArgument { argument, suggestion } => {
                let tip = suggest(suggestion);
                text!(language, zh: "无法识别的参数 '{argument}'{tip}", en: "unexpected argument '{argument}' found{tip}")
            }
            Self::UnknownSubcommand { subcommand, suggestion } => {
                let tip = suggest(suggestion);
                text!(language, zh: "没有子命令 '{subcommand}'{tip}", en: "unrecognized subcommand '{subcommand}'{tip}")
            }
            Self::NotAChoice { argument, value, choices, suggestion } => {
                let tip = suggest(suggestion);
                let choices = match language {
                    Language::SimplifiedChinese => choices.join("、"),
                    Language::English => choices.join(", "),
                };
                text!(language,
                    zh: "'{value}' 不是 '{argument}' 的可选值\n  可选值：{choices}{tip}",
                    en: "invalid value '{value}' for '{argument}'\n  possible values: {choices}{tip}")
            }
            Self::InvalidValue { argument, value, problem } => {
                let problem = problem.localize(language);
                text!(language, zh: "'{argument}' 的值 '{value}' 无效：{problem}", en: "invalid value '{value}' for '{argument}': {problem}")
            }
            Self::MissingArguments { arguments } => {
                let listed = arguments.iter().map(|argument| format!("\n  {argument}")).collect::<String>();
                text!(language, zh: "缺少必需的参数：{listed}", en: "the following required arguments were not provided:{listed}")
            }
            Self::MissingSubcommand { command } => {
                text!(language, zh: "'{command}' 需要一个子命令", en: "'{command}' requires a subcommand")
            }
            Self::Conflict { argument, other: Some(other) } => {
                text!(language, zh: "'{argument}' 不能与 '{other}' 同用", en: "the argument '{argument}' cannot be used with '{other}'")
            }
            Self::Conflict { argument, other: None } => {
                text!(language, zh: "'{argument}' 不能与其他给出的参数同用", en: "the argument '{argument}' cannot be used with one or more of the other specified arguments")
            }
            Self::TooManyValues { argument } => {
                text!(language, zh: "'{argument}' 的值太多，或给出了不止一次", en: "'{argument}' was given too many values, or more than once")
            }
            Self::TooFewValues { argument } => {
                text!(language, zh: "'{argument}' 的值不够", en: "'{argument}' needs more values")
            }
            Self::NeedsEquals { argument } => {
                text!(language, zh: "'{argument}' 的值须用 = 连接，例如 {argument}=值", en: "'{argument}' needs its value after an equals sign, e.g. {argument}=VALUE")
            }
            Self::NotUtf8 => text!(language, zh: "参数不是有效的 UTF-8 文本", en: "an argument is not valid UTF-8"),
            // clap's own words, kept rather than lost: a kind tanji never produces today.
            Self::Other { detail } => text!(language, zh: "命令行有误：`{detail}`", en: "{detail}"),
        }
    }
}

/// The lines that follow a usage error: the command's usage and where to read more.
pub fn usage_footer(usage: &str, command: &str, language: Language) -> String {
    text!(language,
        zh: "用法：{usage}\n\n更多信息请运行 `{command} --help`。",
        en: "Usage: {usage}\n\nFor more information, try '{command} --help'.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latin_sentences;

    #[test]
    fn every_chinese_help_text_is_chinese() {
        for (key, chinese) in CHINESE_HELP {
            assert_eq!(latin_sentences(chinese), Vec::<String>::new(), "{key}: {chinese}");
        }
    }

    #[test]
    fn each_key_is_written_once() {
        let mut keys: Vec<&str> = CHINESE_HELP.iter().map(|(key, _)| *key).collect();
        keys.sort_unstable();
        let n_keys = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n_keys);
    }

    #[test]
    fn an_option_takes_the_nearest_text_up_the_tree() {
        assert_eq!(chinese_help("lca solve", Some("--technosphere")), chinese_help("lca", Some("--technosphere")));
        assert_eq!(chinese_help("org add", Some("--database")), chinese_help("", Some("--database")));
        assert_ne!(chinese_help("lca solve", Some("--format")), chinese_help("org add", Some("--format")));
        assert_eq!(
            chinese_help("energy import", None),
            Some(CHINESE_HELP.iter().find(|(key, _)| *key == "energy import").unwrap().1)
        );
        assert_eq!(chinese_help("nothing here", None), None);
        assert_eq!(chinese_help("energy", Some("--no-such-option")), None);
    }

    #[test]
    fn usage_errors_say_what_and_how_in_chinese() {
        let errors = [
            UsageError::UnknownArgument { argument: "--orgg".into(), suggestion: Some("--org".into()) },
            UsageError::UnknownSubcommand { subcommand: "analyse".into(), suggestion: Some("analyze".into()) },
            UsageError::NotAChoice {
                argument: "--format <FORMAT>".into(),
                value: "xml".into(),
                choices: vec!["table".into(), "json".into()],
                suggestion: None,
            },
            UsageError::InvalidValue {
                argument: "--seed <SEED>".into(),
                value: "x".into(),
                problem: ValueProblem::NotAWholeNumber,
            },
            UsageError::InvalidValue {
                argument: "--threads <THREADS>".into(),
                value: "0".into(),
                problem: ValueProblem::Zero,
            },
            UsageError::InvalidValue {
                argument: "--listen <ADDR>".into(),
                value: "x".into(),
                problem: ValueProblem::NotAnAddress,
            },
            UsageError::InvalidValue {
                argument: "--trusted-proxy".into(),
                value: "x".into(),
                problem: ValueProblem::NotANetwork,
            },
            UsageError::MissingArguments { arguments: vec!["--org <ORG>".into(), "<FILE>".into()] },
            UsageError::MissingSubcommand { command: "tanji energy".into() },
            UsageError::Conflict { argument: "--datapackage".into(), other: Some("--technosphere".into()) },
            UsageError::Conflict { argument: "--datapackage".into(), other: None },
            UsageError::TooManyValues { argument: "--org".into() },
            UsageError::TooFewValues { argument: "--org".into() },
            UsageError::NeedsEquals { argument: "--org".into() },
            UsageError::NotUtf8,
        ];
        for error in &errors {
            let chinese = error.chinese();
            assert_eq!(latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
            assert_ne!(chinese, error.english());
        }
        assert_eq!(errors[0].chinese(), "无法识别的参数 '--orgg'\n  提示：您是不是要用 '--org'？");
        let footer =
            usage_footer("tanji energy import --org <ORG> <FILE>", "tanji energy import", Language::SimplifiedChinese);
        // The usage line is what is typed (command names, placeholders); the sentence after it is Chinese.
        let (usage, sentence) = footer.split_once("\n\n").unwrap();
        assert_eq!(usage, "用法：tanji energy import --org <ORG> <FILE>");
        assert_eq!(latin_sentences(sentence), Vec::<String>::new(), "{footer}");
    }
}
