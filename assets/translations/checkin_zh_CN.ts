<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CentralDialog</name>
    <message>
        <source>Connect to a central list</source>
        <translation>连接中心名单</translation>
    </message>
    <message>
        <source>https://checkin.example.org  or paste checkin-enrol:…</source>
        <translation>https://checkin.example.org  或粘贴 checkin-enrol:…</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Server URL:</source>
        <translation>服务器：</translation>
    </message>
    <message>
        <source>shown with the code, e.g. MFRG-GZDF-MZTW-Q2LK</source>
        <translation>与注册码一同给出，如 MFRG-GZDF-MZTW-Q2LK</translation>
    </message>
    <message>
        <source>The organiser makes a one-time enrolment code for this desk with `checkin server enrol` (a QR code can be scanned and pasted too: it carries the server&apos;s fingerprint, which this desk then trusts alone). Once connected the desk downloads the list, works offline and syncs whenever the network is there.</source>
        <translation>组织方用 `checkin server enrol` 为本机生成一次性注册码（也可扫码粘贴：二维码含服务器指纹，本机此后只信任该服务器）。连接后本机下载名单，离线也能签到，联网时自动同步。</translation>
    </message>
    <message>
        <source>Enrolment code:</source>
        <translation>注册码：</translation>
    </message>
    <message>
        <source>Server fingerprint:</source>
        <translation>服务器指纹：</translation>
    </message>
    <message>
        <source>Give the server URL and the enrolment code.</source>
        <translation>请填写服务器和注册码。</translation>
    </message>
    <message>
        <source>Give the server&apos;s fingerprint, shown with the enrolment code (or scan the QR code).</source>
        <translation>请填写与注册码一同给出的服务器指纹（或扫码）。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>admitted at two desks</source>
        <translation>重复入场</translation>
    </message>
    <message>
        <source>edit on old data</source>
        <translation>修改冲突</translation>
    </message>
    <message>
        <source>code already taken</source>
        <translation>编号已占用</translation>
    </message>
    <message>
        <source>code unknown centrally</source>
        <translation>中心无此编号</translation>
    </message>
    <message>
        <source>refused by the server</source>
        <translation>服务器拒收</translation>
    </message>
    <message>
        <source>not usable</source>
        <translation>无效</translation>
    </message>
    <message>
        <source>Arrived vs expected</source>
        <translation>到场 / 应到</translation>
    </message>
    <message>
        <source>expected</source>
        <translation>应到</translation>
    </message>
    <message>
        <source>arrived</source>
        <translation>已到</translation>
    </message>
    <message>
        <source>Arrivals per 15 min</source>
        <translation>每15分钟到场</translation>
    </message>
    <message>
        <source>arrivals</source>
        <translation>到场</translation>
    </message>
    <message>
        <source>Meals per slot</source>
        <translation>各餐次用餐</translation>
    </message>
    <message>
        <source>entitled</source>
        <translation>应领</translation>
    </message>
    <message>
        <source>redeemed</source>
        <translation>已领</translation>
    </message>
    <message>
        <source>Forum attendance</source>
        <translation>分论坛入场</translation>
    </message>
    <message>
        <source>capacity</source>
        <translation>座位</translation>
    </message>
    <message>
        <source>entered</source>
        <translation>入场</translation>
    </message>
    <message>
        <source>Arrived {0} / {1} ({2}%)</source>
        <translation>已到 {0} / {1} 人（{2}%）</translation>
    </message>
    <message>
        <source>This desk: {0} · last sync {1} · pending {2}</source>
        <translation>本机：{0} · 上次同步 {1} · 待传 {2}</translation>
    </message>
    <message>
        <source> (this desk)</source>
        <translation>（本机）</translation>
    </message>
    <message>
        <source> — this desk</source>
        <translation> — 本机</translation>
    </message>
    <message>
        <source>Conflicts ({0})</source>
        <translation>冲突 ({0})</translation>
    </message>
    <message>
        <source>No open conflicts</source>
        <translation>无未处理冲突</translation>
    </message>
</context>
<context>
    <name>DeskNameDialog</name>
    <message>
        <source>Name this desk</source>
        <translation>为本签到台命名</translation>
    </message>
    <message>
        <source>Other desks and the reports show this name, e.g. &quot;Registration 1&quot; or &quot;Lunch, north door&quot;. You can change it in Settings.</source>
        <translation>其他签到台和报表会显示这个名称，如“报到处1”或“午餐北门”。之后可在设置中修改。</translation>
    </message>
    <message>
        <source>e.g. Registration 1</source>
        <translation>如 报到处1</translation>
    </message>
    <message>
        <source>Use this name</source>
        <translation>使用此名称</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>Give the desk a name, or choose Later</source>
        <translation>请填写签到台名称，或选择稍后</translation>
    </message>
</context>
<context>
    <name>DeskWindow</name>
    <message>
        <source>Checkin Desk — {0}</source>
        <translation>签到台 — {0}</translation>
    </message>
    <message>
        <source>Organiser</source>
        <translation>组织者</translation>
    </message>
    <message>
        <source>Organiser mode: phone numbers and e-mails are shown whole. It locks after a few minutes without input, or with {0}.</source>
        <translation>组织者模式：手机号和邮箱完整显示。无操作几分钟后自动锁定，也可按 {0} 锁定。</translation>
    </message>
    <message>
        <source>Station:</source>
        <translation>站点：</translation>
    </message>
    <message>
        <source>Scan (F1)</source>
        <translation>扫码 (F1)</translation>
    </message>
    <message>
        <source>Find (F2)</source>
        <translation>查找 (F2)</translation>
    </message>
    <message>
        <source>Dashboard (F3)</source>
        <translation>看板 (F3)</translation>
    </message>
    <message>
        <source>Camera: {0}</source>
        <translation>摄像头：{0}</translation>
    </message>
    <message>
        <source>Organiser mode…</source>
        <translation>组织者模式…</translation>
    </message>
    <message>
        <source>Lock organiser mode</source>
        <translation>锁定组织者模式</translation>
    </message>
    <message>
        <source>Organiser mode locked after {0} minutes without input: phone numbers and e-mails are masked again</source>
        <translation>{0} 分钟无操作，组织者模式已锁定：手机号和邮箱重新隐去</translation>
    </message>
    <message>
        <source>{0}  (now, F4)</source>
        <translation>{0}（当前餐次，F4）</translation>
    </message>
    <message>
        <source>Badge</source>
        <translation>胸卡</translation>
    </message>
    <message>
        <source>Vouchers</source>
        <translation>餐券</translation>
    </message>
    <message>
        <source>{0} NOT printed ({1}): {2}</source>
        <translation>{0}未打印（{1}）：{2}</translation>
    </message>
    <message>
        <source>Press Space when you have seen this: the next scan waits</source>
        <translation>看到后请按空格键：下一位的扫码会等待</translation>
    </message>
    <message>
        <source>⏸ Press Space to acknowledge the alert ({0} scan(s) waiting)</source>
        <translation>⏸ 请按空格键确认提醒（{0} 个扫码在等待）</translation>
    </message>
    <message>
        <source>⏸ {0} scan(s) held: decided when the form is closed</source>
        <translation>⏸ {0} 个扫码暂缓：关闭表单后处理</translation>
    </message>
    <message>
        <source>Desk: {0} · Operator: {1}</source>
        <translation>设备：{0} · 操作员：{1}</translation>
    </message>
    <message>
        <source>live</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>断开</translation>
    </message>
    <message>
        <source>opening</source>
        <translation>打开中</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>unplugged or used by another app: trying again; the handheld scanner still works</source>
        <translation>已拔出或被其他程序占用：正在重试；手持扫码枪仍可使用</translation>
    </message>
    <message>
        <source>cannot be used: the handheld scanner and typing still work</source>
        <translation>无法使用：手持扫码枪和手工输入仍可使用</translation>
    </message>
    <message>
        <source>{0}: served {1} of {2} entitled</source>
        <translation>{0}：已用餐 {1} / 应用餐 {2}</translation>
    </message>
    <message>
        <source>{0}: entered {1} of {2} seats</source>
        <translation>{0}：已入场 {1} / 座位 {2}</translation>
    </message>
    <message>
        <source>{0}: entered {1}</source>
        <translation>{0}：已入场 {1}</translation>
    </message>
    <message>
        <source>Arrived {0} / {1}</source>
        <translation>已到 {0} / {1}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
</context>
<context>
    <name>EditDialog</name>
    <message>
        <source>Edit — {0} ({1})</source>
        <translation>修改 — {0}（{1}）</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新载入</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>缴费</translation>
    </message>
    <message>
        <source>e.g. typo on badge</source>
        <translation>例如 姓名错字</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Phone numbers and e-mails are masked on this desk: a masked field left empty keeps what is stored; type a new value to replace it.</source>
        <translation>本台隐去手机号和邮箱：隐去的栏目留空即保持原值不变；输入新值则替换原值。</translation>
    </message>
    <message>
        <source>{0} (unchanged unless you type)</source>
        <translation>{0}（不输入则不变）</translation>
    </message>
    <message>
        <source>Nothing was changed</source>
        <translation>没有改动</translation>
    </message>
    <message>
        <source>Not saved: this person was changed elsewhere (another desk or an import) while you were editing, so your changes were not written. Press Reload to see the current data, then edit again.</source>
        <translation>未保存：您修改期间，此人的资料已被别处（另一台签到台或导入）改动，您的修改没有写入。请点“重新载入”看最新资料后再改。</translation>
    </message>
</context>
<context>
    <name>Field</name>
    <message>
        <source>A name is required</source>
        <translation>请填写姓名</translation>
    </message>
    <message>
        <source>The phone must be an 11-digit mobile number (e.g. 13800138000)</source>
        <translation>手机号应为 11 位数字（例如 13800138000）</translation>
    </message>
    <message>
        <source>The e-mail does not look like an address</source>
        <translation>邮箱格式不对</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>meal slots</source>
        <translation>用餐时段</translation>
    </message>
    <message>
        <source>forums</source>
        <translation>分论坛</translation>
    </message>
    <message>
        <source>categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Exports (*.xlsx *.xlsm *.csv *.txt *.tsv);;All files (*)</source>
        <translation>报名表 (*.xlsx *.xlsm *.csv *.txt *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>报名编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Track</source>
        <translation>赛道</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>缴费</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Meals</source>
        <translation>用餐</translation>
    </message>
    <message>
        <source>Forums</source>
        <translation>分论坛</translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Import a registration export</source>
        <translation>导入报名表</translation>
    </message>
    <message>
        <source>Choose an XLSX or CSV file</source>
        <translation>选择 XLSX 或 CSV 文件</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Export:</source>
        <translation>报名表：</translation>
    </message>
    <message>
        <source>Event configuration:</source>
        <translation>活动配置：</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>更改…</translation>
    </message>
    <message>
        <source>New event file:</source>
        <translation>新活动文件：</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>From column</source>
        <translation>来自列</translation>
    </message>
    <message>
        <source>Example</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>&lt;b&gt;Column mapping&lt;/b&gt; — change a field&apos;s column if it is wrong</source>
        <translation>&lt;b&gt;列对应&lt;/b&gt; — 如有错误可修改字段对应的列</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Open the event</source>
        <translation>打开活动</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>This event&apos;s configuration ({0})</source>
        <translation>本活动的配置（{0}）</translation>
    </message>
    <message>
        <source>Minimal: meals, forums and categories from the data</source>
        <translation>最简配置：用餐、论坛和类别取自数据</translation>
    </message>
    <message>
        <source>Other event file…</source>
        <translation>其他活动文件…</translation>
    </message>
    <message>
        <source>Event configuration</source>
        <translation>活动配置</translation>
    </message>
    <message>
        <source>Event files (*.toml)</source>
        <translation>活动文件 (*.toml)</translation>
    </message>
    <message>
        <source>Choose an export</source>
        <translation>选择报名表</translation>
    </message>
    <message>
        <source>New event file</source>
        <translation>新活动文件</translation>
    </message>
    <message>
        <source>Events (*.db)</source>
        <translation>活动 (*.db)</translation>
    </message>
    <message>
        <source>Pick the missing field&apos;s column on the left.</source>
        <translation>请在左侧为缺少的字段选择列。</translation>
    </message>
    <message>
        <source>Table: {0} · header on row {1} · below: the first {2} rows as they would be imported</source>
        <translation>表：{0} · 表头在第 {1} 行 · 下面是前 {2} 行导入后的样子</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>{0} (kept as extra)</source>
        <translation>{0}（保留为附加信息）</translation>
    </message>
    <message>
        <source>{0} (meal yes/no)</source>
        <translation>{0}（用餐 是/否）</translation>
    </message>
    <message>
        <source>Columns without a field: {0}</source>
        <translation>未对应字段的列：{0}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <source>Nothing was imported: {0}</source>
        <translation>没有导入任何内容：{0}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Imported {0} of {1} rows&lt;/b&gt;: {2} new · {3} updated · {4} unchanged</source>
        <translation>&lt;b&gt;已导入 {0} / {1} 行&lt;/b&gt;：新增 {2} · 更新 {3} · 未变 {4}</translation>
    </message>
    <message>
        <source>Skipped: {0} with errors · {1} blank · {2} totals</source>
        <translation>跳过：{0} 行有错误 · {1} 空行 · {2} 合计行</translation>
    </message>
    <message>
        <source>{0} no longer in the export: marked, not deleted</source>
        <translation>{0} 人已不在名单中：已标记，未删除</translation>
    </message>
    <message>
        <source>New {0}: {1}</source>
        <translation>新建{0}：{1}</translation>
    </message>
    <message>
        <source>Likely duplicate registrations: {0}</source>
        <translation>可能重复报名：{0}</translation>
    </message>
    <message>
        <source>Desk edits kept: {0}</source>
        <translation>保留了现场修改：{0}</translation>
    </message>
    <message>
        <source>Problems: {0} (by row, below)</source>
        <translation>问题：{0}（按行列在下面）</translation>
    </message>
    <message>
        <source>No problems: every value was read.</source>
        <translation>没有问题：每个值都已读取。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Import finished: {0}</source>
        <translation>导入完成：{0}</translation>
    </message>
</context>
<context>
    <name>Launcher</name>
    <message>
        <source>The event opened last time is not there any more: {0}</source>
        <translation>上次打开的活动不在了：{0}</translation>
    </message>
    <message>
        <source>The demo event could not be made</source>
        <translation>演示活动未能创建</translation>
    </message>
    <message>
        <source>Event file not found</source>
        <translation>找不到活动文件</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Open event…</source>
        <translation>打开活动…</translation>
    </message>
    <message>
        <source>Import an export…</source>
        <translation>导入报名表…</translation>
    </message>
    <message>
        <source>Start screen…</source>
        <translation>开始页…</translation>
    </message>
    <message>
        <source>Open an event file</source>
        <translation>打开活动文件</translation>
    </message>
    <message>
        <source>Events (*.db);;All files (*)</source>
        <translation>活动 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>This folder cannot be written, so check-ins cannot be recorded here. You can copy the event to a writable folder and open the copy.</source>
        <translation>这个文件夹不能写入，签到无法记录在这里。可以把活动复制到可写的文件夹再打开。</translation>
    </message>
    <message>
        <source>Cannot open the event</source>
        <translation>无法打开活动</translation>
    </message>
    <message>
        <source>Copy and open…</source>
        <translation>复制并打开…</translation>
    </message>
    <message>
        <source>Copy to</source>
        <translation>复制到</translation>
    </message>
    <message>
        <source>Copy failed</source>
        <translation>复制失败</translation>
    </message>
    <message>
        <source>Checkin Desk cannot write to its data folder:
{0}

Settings, the demo event and saved PDFs cannot be kept there. Events stored elsewhere work as usual, and settings apply until the app closes.

Choose another folder, or start with:
checkin-desk --data-dir &lt;folder&gt;</source>
        <translation>签到台无法写入它的数据文件夹：
{0}

设置、演示活动和保存的 PDF 无法存在这里；存放在其他位置的活动照常工作，本次的设置在关闭前有效。

请选择其他文件夹，或以后这样启动：
checkin-desk --data-dir &lt;文件夹&gt;</translation>
    </message>
    <message>
        <source>Data folder not writable</source>
        <translation>数据文件夹不可写</translation>
    </message>
    <message>
        <source>Choose another folder…</source>
        <translation>选择其他文件夹…</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Data folder: {0}. Next time start with: checkin-desk --data-dir &quot;{0}&quot;</source>
        <translation>数据文件夹：{0}。下次请这样启动：checkin-desk --data-dir &quot;{0}&quot;</translation>
    </message>
    <message>
        <source>Checkin Desk</source>
        <translation>签到台</translation>
    </message>
</context>
<context>
    <name>LearnScannerDialog</name>
    <message>
        <source>Learn the handheld scanner</source>
        <translation>识别手持扫码枪</translation>
    </message>
    <message>
        <source>Scan this code with the handheld scanner.</source>
        <translation>请用手持扫码枪扫描此码。</translation>
    </message>
    <message>
        <source>Use these settings</source>
        <translation>使用此设置</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Read: it ends a code with {0}, keys at most {1} ms apart.</source>
        <translation>已识别：扫码以{0}结尾，按键间隔不超过 {1} 毫秒。</translation>
    </message>
</context>
<context>
    <name>NoCamera</name>
    <message>
        <source>turned off in Settings</source>
        <translation>已在设置中关闭</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <source>Supervisor override — {0}</source>
        <translation>主管特批 — {0}</translation>
    </message>
    <message>
        <source>Admit</source>
        <translation>特批放行</translation>
    </message>
    <message>
        <source>Admit {1} ({2}) at {0} against the rules</source>
        <translation>在 {0} 放行 {1}（{2}），不按规则</translation>
    </message>
    <message>
        <source>supervisor&apos;s name</source>
        <translation>主管姓名</translation>
    </message>
    <message>
        <source>pays on site</source>
        <translation>现场缴费</translation>
    </message>
    <message>
        <source>payment on its way</source>
        <translation>发票/汇款在途</translation>
    </message>
    <message>
        <source>invited by the organisers</source>
        <translation>主办方邀请</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>The supervisor&apos;s name is required</source>
        <translation>请填写主管姓名</translation>
    </message>
    <message>
        <source>A reason is required</source>
        <translation>请填写原因</translation>
    </message>
</context>
<context>
    <name>Payment</name>
    <message>
        <source>paid</source>
        <translation>已缴费</translation>
    </message>
    <message>
        <source>unpaid</source>
        <translation>未缴费</translation>
    </message>
    <message>
        <source>free</source>
        <translation>免费</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>choose…</source>
        <translation>请选择…</translation>
    </message>
    <message>
        <source>cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <source>bank card</source>
        <translation>刷卡</translation>
    </message>
    <message>
        <source>bank transfer</source>
        <translation>银行转账</translation>
    </message>
    <message>
        <source>invoice to follow</source>
        <translation>后付（开票）</translation>
    </message>
    <message>
        <source>how…</source>
        <translation>支付方式…</translation>
    </message>
</context>
<context>
    <name>PersonPanel</name>
    <message>
        <source>Select a person on the left</source>
        <translation>在左侧选择一个人</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>缴费</translation>
    </message>
    <message>
        <source>Meals</source>
        <translation>用餐</translation>
    </message>
    <message>
        <source>Forums</source>
        <translation>论坛</translation>
    </message>
    <message>
        <source>Extra data</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>On the list</source>
        <translation>名单</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Check in</source>
        <translation>签到</translation>
    </message>
    <message>
        <source>Reprint badge</source>
        <translation>重打胸卡</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Whole team</source>
        <translation>全队签到</translation>
    </message>
    <message>
        <source>Override</source>
        <translation>主管特批</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>站点</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Could not read: {0}</source>
        <translation>读取失败：{0}</translation>
    </message>
    <message>
        <source>no category</source>
        <translation>无类别</translation>
    </message>
    <message>
        <source>✓ Checked in {0} · {1}</source>
        <translation>✓ 已报到 {0} · {1}</translation>
    </message>
    <message>
        <source>Not checked in</source>
        <translation>未报到</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>walk-in</source>
        <translation>现场登记</translation>
    </message>
    <message>
        <source>central list</source>
        <translation>中心名单</translation>
    </message>
    <message>
        <source>✗ Not in the latest export</source>
        <translation>✗ 已不在最新名单</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>在名单</translation>
    </message>
    <message>
        <source>scanned again</source>
        <translation>重复扫码</translation>
    </message>
    <message>
        <source> (undone)</source>
        <translation>（已撤销）</translation>
    </message>
    <message>
        <source>History ({0})</source>
        <translation>历史 ({0})</translation>
    </message>
    <message>
        <source>History: nothing yet</source>
        <translation>历史：暂无记录</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>check-in</source>
        <translation>报到</translation>
    </message>
    <message>
        <source>meal</source>
        <translation>用餐</translation>
    </message>
    <message>
        <source>forum</source>
        <translation>论坛</translation>
    </message>
    <message>
        <source>override</source>
        <translation>特批</translation>
    </message>
    <message>
        <source>undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>conflict resolved</source>
        <translation>处理冲突</translation>
    </message>
    <message>
        <source>ticket revoked</source>
        <translation>凭证作废</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>未放行</translation>
    </message>
    <message>
        <source>Registration</source>
        <translation>报到</translation>
    </message>
    <message>
        <source>Override by supervisor {0}: {1}</source>
        <translation>主管 {0} 特批：{1}</translation>
    </message>
    <message>
        <source>{0} reprint: {1}</source>
        <translation>{0} 重打：{1}</translation>
    </message>
    <message>
        <source>cancels {0}</source>
        <translation>撤销 {0}</translation>
    </message>
    <message>
        <source>registered on site</source>
        <translation>现场登记</translation>
    </message>
    <message>
        <source>Not checked in</source>
        <comment>failed</comment>
        <translation>未签到</translation>
    </message>
    <message>
        <source>{0} is not in a team</source>
        <translation>{0} 不属于任何团队</translation>
    </message>
    <message>
        <source>Team {0}: {1} admitted · {2} already · {3} refused</source>
        <translation>全队 {0}：通过 {1} 人 · 已办理 {2} 人 · 拒绝 {3} 人</translation>
    </message>
    <message>
        <source>badge</source>
        <translation>胸卡</translation>
    </message>
    <message>
        <source>vouchers</source>
        <translation>餐券</translation>
    </message>
    <message>
        <source>Sent to the printer: {0} ({1})</source>
        <translation>已送打印机：{0}（{1}）</translation>
    </message>
    <message>
        <source>Not reprinted</source>
        <translation>未重打</translation>
    </message>
    <message>
        <source>Printed: {0} — check it: {1}</source>
        <translation>已打印：{0}，请检查：{1}</translation>
    </message>
    <message>
        <source>Printed: {0}</source>
        <translation>已打印：{0}</translation>
    </message>
    <message>
        <source>Printing failed: {0} — {1}</source>
        <translation>打印失败：{0} — {1}</translation>
    </message>
    <message>
        <source>Saved: {0}</source>
        <translation>已保存：{0}</translation>
    </message>
    <message>
        <source>  — reprint the badge (Ctrl+P)</source>
        <translation>  — 请重打胸卡 (Ctrl+P)</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>Admitted by supervisor {0}&apos;s override: {1}</source>
        <translation>主管 {0} 特批放行：{1}</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Organiser mode</source>
        <translation>组织者模式</translation>
    </message>
    <message>
        <source>Organiser mode shows phone numbers and e-mails whole. Every attempt is recorded in the audit trail; it locks again after {0} minutes without input.</source>
        <translation>组织者模式完整显示手机号和邮箱。每次尝试都记入审计记录；{0} 分钟无操作后自动锁定。</translation>
    </message>
    <message>
        <source>organiser PIN</source>
        <translation>组织者 PIN</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>This event has no organiser PIN, so phone numbers and e-mails stay masked on this desk. To set one, run on this computer:
checkin privacy pin --save --db &quot;{0}&quot;
(or put the line `checkin privacy pin` prints under [privacy] in the event file and run `checkin init` with it), then choose Organiser mode again.</source>
        <translation>本活动未设置组织者 PIN，因此本台的手机号和邮箱始终隐去。设置方法：在本机运行
checkin privacy pin --save --db &quot;{0}&quot;
（或把 `checkin privacy pin` 输出的那一行放进活动文件的 [privacy] 部分，再用它运行 `checkin init`），然后重新选择“组织者模式”。</translation>
    </message>
    <message>
        <source>Type the organiser PIN</source>
        <translation>请输入组织者 PIN</translation>
    </message>
    <message>
        <source>Wrong PIN (the attempt is recorded). {0} more wrong PINs lock organiser mode on this desk for {1} minutes.</source>
        <translation>PIN 错误（本次尝试已记录）。再错 {0} 次，本台的组织者模式将锁定 {1} 分钟。</translation>
    </message>
    <message>
        <source>Too many wrong PINs: organiser mode is locked on this desk; try again in {0} minutes (the attempt is recorded).</source>
        <translation>PIN 错误次数过多：本台的组织者模式已锁定，请 {0} 分钟后再试（本次尝试已记录）。</translation>
    </message>
    <message>
        <source>This event has no organiser PIN.</source>
        <translation>本活动未设置组织者 PIN。</translation>
    </message>
    <message>
        <source>Could not check the PIN: {0}</source>
        <translation>无法核对 PIN：{0}</translation>
    </message>
</context>
<context>
    <name>PrintPanel</name>
    <message>
        <source>Printer: {0}</source>
        <translation>打印机：{0}</translation>
    </message>
    <message>
        <source>Retry print</source>
        <translation>重试打印</translation>
    </message>
    <message>
        <source>A reprint needs a reason (lost badge, name corrected …)</source>
        <translation>重打需要原因（丢失胸卡、姓名更正……）</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队</translation>
    </message>
    <message>
        <source>printing</source>
        <translation>打印中</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>badge</source>
        <translation>胸卡</translation>
    </message>
    <message>
        <source>vouchers</source>
        <translation>餐券</translation>
    </message>
    <message>
        <source>Printer: {0} {1} {2}</source>
        <translation>打印机：{0} {1} {2}</translation>
    </message>
    <message>
        <source>check it: {0}</source>
        <translation>请检查：{0}</translation>
    </message>
</context>
<context>
    <name>QtPrinter</name>
    <message>
        <source>default printer</source>
        <translation>默认打印机</translation>
    </message>
</context>
<context>
    <name>ReprintDialog</name>
    <message>
        <source>Reprint — {0}</source>
        <translation>重打 — {0}</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>重打</translation>
    </message>
    <message>
        <source>Badge</source>
        <translation>胸卡</translation>
    </message>
    <message>
        <source>Meal vouchers</source>
        <translation>餐券</translation>
    </message>
    <message>
        <source>Lost badge</source>
        <translation>胸卡丢失</translation>
    </message>
    <message>
        <source>Name corrected</source>
        <translation>姓名更正</translation>
    </message>
    <message>
        <source>Other:</source>
        <translation>其他：</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>lost badge</source>
        <translation>丢失胸卡</translation>
    </message>
    <message>
        <source>name corrected</source>
        <translation>姓名更正</translation>
    </message>
    <message>
        <source>A reprint needs a reason: choose one or type it</source>
        <translation>请选择或填写重打原因</translation>
    </message>
</context>
<context>
    <name>ResolveDialog</name>
    <message>
        <source>Resolve a conflict</source>
        <translation>处理冲突</translation>
    </message>
    <message>
        <source>(in force)</source>
        <translation>（在用）</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>The person counts once; the kept admission stands.</source>
        <translation>此人只计一次；保留的记录为准。</translation>
    </message>
    <message>
        <source>same person scanned twice</source>
        <translation>同一人扫码两次</translation>
    </message>
    <message>
        <source>checked with the person</source>
        <translation>已与本人核实</translation>
    </message>
    <message>
        <source>central data stands</source>
        <translation>以中心数据为准</translation>
    </message>
    <message>
        <source>who decides</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Resolved by</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>确认处理</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>A reason is required</source>
        <translation>请填写原因</translation>
    </message>
    <message>
        <source>Say who decides</source>
        <translation>请填写处理人</translation>
    </message>
</context>
<context>
    <name>ResultBanner</name>
    <message>
        <source>OK</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>ALREADY</source>
        <translation>已办理</translation>
    </message>
    <message>
        <source>NOT FOUND</source>
        <translation>查无此人</translation>
    </message>
    <message>
        <source>REFUSED</source>
        <translation>不可入场</translation>
    </message>
    <message>
        <source>INVALID</source>
        <translation>无效二维码</translation>
    </message>
    <message>
        <source>MEAL ALREADY TAKEN</source>
        <translation>本餐已领取</translation>
    </message>
    <message>
        <source>Ready to scan</source>
        <translation>请扫码</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>出错</translation>
    </message>
</context>
<context>
    <name>ScanScreen</name>
    <message>
        <source>Camera off</source>
        <translation>摄像头未开启</translation>
    </message>
    <message>
        <source>Type a code and press Enter (Ctrl+L)</source>
        <translation>输入报名编号后回车 (Ctrl+L)</translation>
    </message>
    <message>
        <source>Undo selected (Ctrl+Z)</source>
        <translation>撤销所选 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Recent scans</source>
        <translation>最近扫码</translation>
    </message>
    <message>
        <source>⟲ {0} (undone)</source>
        <translation>⟲ {0}（已撤销）</translation>
    </message>
</context>
<context>
    <name>ScannerSection</name>
    <message>
        <source>Handheld scanner</source>
        <translation>手持扫码枪</translation>
    </message>
    <message>
        <source>Learn from a test code…</source>
        <translation>扫测试码自动识别…</translation>
    </message>
    <message>
        <source>Ends a code with:</source>
        <translation>扫码结尾：</translation>
    </message>
    <message>
        <source>Keys at most:</source>
        <translation>按键间隔最多：</translation>
    </message>
    <message>
        <source>{0} ms apart</source>
        <translation>{0} 毫秒</translation>
    </message>
</context>
<context>
    <name>ScannerSettings</name>
    <message>
        <source>Enter</source>
        <translation>回车</translation>
    </message>
    <message>
        <source>Tab</source>
        <translation>Tab 键</translation>
    </message>
    <message>
        <source>nothing (a pause)</source>
        <translation>无（停顿）</translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <source>Name / pinyin / initials / phone tail / organisation / code  (Ctrl+F)</source>
        <translation>姓名 / 拼音 / 首字母 / 手机尾号 / 单位 / 编号  (Ctrl+F)</translation>
    </message>
    <message>
        <source>{0} match(es)</source>
        <translation>{0} 条结果</translation>
    </message>
    <message>
        <source>{0} matches: pick one with ↑ ↓ or a click, or type more; Enter checks in only a person you picked</source>
        <translation>{0} 条结果：请用 ↑ ↓ 或点击选择，或继续输入；回车只为选中的人签到</translation>
    </message>
    <message>
        <source>Enter checks the selected person in</source>
        <translation>回车签到所选</translation>
    </message>
    <message>
        <source>Walk-in (Ctrl+N)</source>
        <translation>现场登记 (Ctrl+N)</translation>
    </message>
    <message>
        <source>No match: register a walk-in (Ctrl+N)</source>
        <translation>查无此人：可现场登记（Ctrl+N）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Badge</source>
        <translation>胸卡</translation>
    </message>
    <message>
        <source>Meal vouchers</source>
        <translation>餐券</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>实际大小</translation>
    </message>
    <message>
        <source>Fit to page</source>
        <translation>适应纸张</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>e.g. Desk 1</source>
        <translation>例如 报到处1</translation>
    </message>
    <message>
        <source>The name other desks and &apos;already checked in&apos; answers show</source>
        <translation>其他签到台和“已签到”提示里显示的名字</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Sounds (welcome / already / refused)</source>
        <translation>提示音（通过 / 已办理 / 拒绝）</translation>
    </message>
    <message>
        <source>This desk</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Device name:</source>
        <translation>设备名称：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>applies after a restart</source>
        <translation>重启后生效</translation>
    </message>
    <message>
        <source>Off — handheld scanner or keyboard only</source>
        <translation>关闭 — 仅扫码枪/键盘</translation>
    </message>
    <message>
        <source>Camera {0}</source>
        <translation>摄像头 {0}</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Camera:</source>
        <translation>摄像头：</translation>
    </message>
    <message>
        <source>Resolution:</source>
        <translation>分辨率：</translation>
    </message>
    <message>
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Size on paper</source>
        <translation>打印尺寸</translation>
    </message>
    <message>
        <source>Auto-print</source>
        <translation>自动打印</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认打印机</translation>
    </message>
    <message>
        <source> (none: PDFs saved to the folder)</source>
        <translation>（无：PDF 存入文件夹）</translation>
    </message>
    <message>
        <source>Save PDFs to the folder</source>
        <translation>保存 PDF 到文件夹</translation>
    </message>
    <message>
        <source>{0} (not installed)</source>
        <translation>{0}（未安装）</translation>
    </message>
    <message>
        <source>Actual size: printed at the template&apos;s size, for badge cards and labels. Fit to page: scaled to the paper in the printer.</source>
        <translation>实际大小：按模板尺寸打印，适用于胸卡和标签。适应纸张：缩放到打印机里的纸张大小。</translation>
    </message>
    <message>
        <source>on check-in</source>
        <translation>签到即打印</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>PDF folder:</source>
        <translation>PDF 文件夹：</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>PDF folder</source>
        <translation>PDF 文件夹</translation>
    </message>
    <message>
        <source>The settings apply until the app closes but could not be saved: {0}. Use --data-dir to choose a writable folder.</source>
        <translation>设置在本次运行中有效，但未能保存：{0}。请用 --data-dir 选择可写的文件夹。</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <source>{0}  (not found)</source>
        <translation>{0}  （找不到）</translation>
    </message>
    <message>
        <source>Checkin Desk</source>
        <translation>签到台</translation>
    </message>
    <message>
        <source>Choose the event to open</source>
        <translation>选择要打开的活动</translation>
    </message>
    <message>
        <source>Open the demo event</source>
        <translation>打开演示活动</translation>
    </message>
    <message>
        <source>A {0}-person congress running today</source>
        <translation>{0} 人的大会，今天举行</translation>
    </message>
    <message>
        <source>Import a registration export…</source>
        <translation>导入报名表…</translation>
    </message>
    <message>
        <source>XLSX or CSV, as a new event</source>
        <translation>XLSX 或 CSV，新建活动</translation>
    </message>
    <message>
        <source>Open an event file…</source>
        <translation>打开活动文件…</translation>
    </message>
    <message>
        <source>An existing .db event file</source>
        <translation>已有的 .db 活动文件</translation>
    </message>
    <message>
        <source>Connect to a central list…</source>
        <translation>连接中心名单…</translation>
    </message>
    <message>
        <source>Server and enrolment code</source>
        <translation>服务器与注册码</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>从列表移除</translation>
    </message>
    <message>
        <source>&lt;b&gt;Recent events&lt;/b&gt;</source>
        <translation>&lt;b&gt;最近的活动&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>更改…</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>（还没有）</translation>
    </message>
    <message>
        <source>Data folder: {0}</source>
        <translation>数据文件夹：{0}</translation>
    </message>
    <message>
        <source>Cannot create the demo event in the data folder ({0}). Choose another folder below.</source>
        <translation>无法在数据文件夹创建演示活动（{0}）。请在下方选择其他文件夹。</translation>
    </message>
    <message>
        <source>Creating the demo event…</source>
        <translation>正在创建演示活动…</translation>
    </message>
    <message>
        <source>The demo event could not be made: {0}</source>
        <translation>演示活动未能创建：{0}</translation>
    </message>
    <message>
        <source>Choose an export</source>
        <translation>选择报名表</translation>
    </message>
    <message>
        <source>Open an event file</source>
        <translation>打开活动文件</translation>
    </message>
    <message>
        <source>Events (*.db);;All files (*)</source>
        <translation>活动 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>This event file is not there any more: {0}</source>
        <translation>找不到这个活动文件：{0}</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
</context>
<context>
    <name>Station</name>
    <message>
        <source>Registration</source>
        <translation>报到</translation>
    </message>
    <message>
        <source>Meal: {0}</source>
        <translation>餐 {0}</translation>
    </message>
    <message>
        <source>Forum: {0}</source>
        <translation>论坛 {0}</translation>
    </message>
</context>
<context>
    <name>SyncColumn</name>
    <message>
        <source>Desks&apos; last sync</source>
        <translation>各台同步</translation>
    </message>
    <message>
        <source>Latest event: the newest record this desk has received from each desk (its clock).</source>
        <translation>最近事件：本机已收到的该台最新记录（该台时钟）。</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>最近事件</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Resolve selected…</source>
        <translation>处理所选…</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>已吊销</translation>
    </message>
    <message>
        <source>not accepted</source>
        <translation>未授权</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>purged</source>
        <translation>已清除</translation>
    </message>
    <message>
        <source>server not trusted</source>
        <translation>服务器不可信</translation>
    </message>
    <message>
        <source>cannot reach the server</source>
        <translation>无法连接服务器</translation>
    </message>
    <message>
        <source>the server did not answer in time</source>
        <translation>服务器未及时响应</translation>
    </message>
    <message>
        <source>the server had an error</source>
        <translation>服务器出错</translation>
    </message>
    <message>
        <source>the server&apos;s certificate is not the one this desk pinned</source>
        <translation>服务器证书与本机登记的不一致</translation>
    </message>
    <message>
        <source>the server refused this desk&apos;s events</source>
        <translation>服务器拒收本机的记录</translation>
    </message>
    <message>
        <source>the server does not know this desk</source>
        <translation>服务器不认识本机</translation>
    </message>
    <message>
        <source>this laptop&apos;s disk is full</source>
        <translation>本机磁盘已满</translation>
    </message>
    <message>
        <source>an unexpected error (see the log)</source>
        <translation>意外错误（见日志）</translation>
    </message>
    <message>
        <source>Sync: {0}</source>
        <translation>同步：{0}</translation>
    </message>
    <message>
        <source>pending {0}</source>
        <translation>待传 {0}</translation>
    </message>
    <message>
        <source>{0} — this desk&apos;s list was wiped · {1}</source>
        <translation>{0} — 本台名单已清除 · {1}</translation>
    </message>
    <message>
        <source>{0} — this desk no longer syncs · {1}</source>
        <translation>{0} — 本台不再同步 · {1}</translation>
    </message>
    <message>
        <source>{0} — enrol again · {1}</source>
        <translation>{0} — 请重新注册 · {1}</translation>
    </message>
    <message>
        <source>{0} — the list was deleted after the event; nothing comes down · {1}</source>
        <translation>{0} — 会后名单已删除，不再下载 · {1}</translation>
    </message>
    <message>
        <source>last {0}</source>
        <translation>上次 {0}</translation>
    </message>
    <message>
        <source>retrying…</source>
        <translation>重试中…</translation>
    </message>
    <message>
        <source>retry in {0} s</source>
        <translation>{0} 秒后重试</translation>
    </message>
    <message>
        <source> (last error: {0})</source>
        <translation>（上次错误：{0}）</translation>
    </message>
    <message>
        <source> — syncing…</source>
        <translation> — 同步中…</translation>
    </message>
    <message>
        <source>Central list: {0}</source>
        <translation>中心名单：{0}</translation>
    </message>
    <message>
        <source>Event: {0}</source>
        <translation>活动：{0}</translation>
    </message>
    <message>
        <source>State: {0}</source>
        <translation>状态：{0}</translation>
    </message>
    <message>
        <source>Events not yet sent: {0}</source>
        <translation>待传事件：{0}</translation>
    </message>
    <message>
        <source>Last success: {0}</source>
        <translation>上次成功：{0}</translation>
    </message>
    <message>
        <source>Last error ({0}): {1}</source>
        <translation>上次错误（{0}）：{1}</translation>
    </message>
    <message>
        <source>Wiped {0}: {1} people&apos;s data removed from this desk</source>
        <translation>{0} 已清除：本台删除了 {1} 人的数据</translation>
    </message>
    <message>
        <source>Sync now: {0}</source>
        <translation>立即同步：{0}</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Sync now ({0})</source>
        <translation>立即同步 ({0})</translation>
    </message>
    <message>
        <source>This desk is not connected to a central list</source>
        <translation>本台未连接中心名单</translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message>
        <source>Walk-in registration</source>
        <translation>现场登记</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>optional: scan or type their code</source>
        <translation>可选：扫码或输入报名编号</translation>
    </message>
    <message>
        <source>e.g. 480</source>
        <translation>如 480</translation>
    </message>
    <message>
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>报名编号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Payment *</source>
        <translation>缴费 *</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <source>Meals</source>
        <translation>用餐</translation>
    </message>
    <message>
        <source>Forums</source>
        <translation>分论坛</translation>
    </message>
    <message>
        <source>Register, check in and print</source>
        <translation>登记、签到并打印</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Discard this walk-in?</source>
        <translation>放弃本次现场报名？</translation>
    </message>
    <message>
        <source>What was typed for this walk-in will be lost.</source>
        <translation>已填写的内容将丢失。</translation>
    </message>
    <message>
        <source>Choose the payment: paid (on site too), unpaid or free</source>
        <translation>请选择缴费状态：已缴费（含现场缴费）、未缴费或免费</translation>
    </message>
    <message>
        <source>Choose how they paid: cash, WeChat Pay, Alipay, card, transfer or invoice to follow</source>
        <translation>请选择支付方式：现金、微信支付、支付宝、刷卡、银行转账或后付（开票）</translation>
    </message>
    <message>
        <source>Not registered: {0}</source>
        <translation>未登记：{0}</translation>
    </message>
</context>
<context>
    <name>_Form</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>
