<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountsPane</name>
    <message>
        <source>Add account</source>
        <translation>添加账户</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Default account</source>
        <translation>默认账户</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Price per SMS</source>
        <translation>每条短信单价</translation>
    </message>
    <message>
        <source>Most requests per second</source>
        <translation>每秒最多请求数</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Sandbox (try without signing up)</source>
        <translation>沙盒（无需注册即可试用）</translation>
    </message>
    <message>
        <source>Alibaba Cloud SMS</source>
        <translation>阿里云短信</translation>
    </message>
    <message>
        <source>Tencent Cloud SMS</source>
        <translation>腾讯云短信</translation>
    </message>
    <message>
        <source>Twilio</source>
        <translation>Twilio</translation>
    </message>
    <message>
        <source>Other HTTP SMS gateway</source>
        <translation>其他 HTTP 短信网关</translation>
    </message>
    <message>
        <source>My SMS account</source>
        <translation>我的短信账户</translation>
    </message>
    <message>
        <source>Fill in the fields and press Save.</source>
        <translation>请填写各项后点击“保存”。</translation>
    </message>
    <message>
        <source>stored in the system keyring</source>
        <translation>已保存在系统密码库中</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>default address</source>
        <translation>默认地址</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>接入地址</translation>
    </message>
    <message>
        <source>Give the account a name.</source>
        <translation>请为账户起个名字。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Remove account</source>
        <translation>删除账户</translation>
    </message>
    <message>
        <source>Remove the account “%1”?</source>
        <translation>确定删除账户“%1”吗？</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试……</translation>
    </message>
    <message>
        <source>Connection works.</source>
        <translation>连接正常。</translation>
    </message>
    <message>
        <source>Connection failed.</source>
        <translation>连接失败。</translation>
    </message>
</context>
<context>
    <name>ArchiveDateDialog</name>
    <message>
        <source>Archive old history</source>
        <translation>归档旧记录</translation>
    </message>
    <message>
        <source>Finished campaigns written before this day move to an archive file, which keeps them safe and makes the history smaller.</source>
        <translation>在这一天之前创建且已完成的群发任务会移入归档文件：记录得到妥善保存，历史记录也会变小。</translation>
    </message>
</context>
<context>
    <name>CampaignView</name>
    <message>
        <source>Messages</source>
        <translation>短信总数</translation>
    </message>
    <message>
        <source>Sent (accepted)</source>
        <translation>已发送（服务商已接收）</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待定</translation>
    </message>
    <message>
        <source>In doubt</source>
        <translation>状态待确认</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>SMS parts</source>
        <translation>计费条数</translation>
    </message>
    <message>
        <source>Estimated cost</source>
        <translation>预计费用</translation>
    </message>
    <message>
        <source>Messages the provider accepted, whatever their report says.</source>
        <translation>服务商已接收的短信，不论送达报告结果如何。</translation>
    </message>
    <message>
        <source>Not sent yet, or sent and waiting for the carrier&apos;s report.</source>
        <translation>尚未发送，或已发送、正在等待运营商的送达报告。</translation>
    </message>
    <message>
        <source>The request may have reached the provider; smsdesk does not know whether it went out.</source>
        <translation>请求可能已到达服务商；smsdesk 无法确定短信是否已发出。</translation>
    </message>
    <message>
        <source>Billed SMS parts of the messages the provider accepted.</source>
        <translation>服务商已接收的短信的计费条数。</translation>
    </message>
    <message>
        <source>Billed parts times the account&apos;s price per part.</source>
        <translation>计费条数乘以账户设置的每条单价。</translation>
    </message>
    <message>
        <source>Delivery reports over time</source>
        <translation>送达报告时间分布</translation>
    </message>
    <message>
        <source>Failures by reason</source>
        <translation>失败原因</translation>
    </message>
    <message>
        <source>Retry failed only</source>
        <translation>只重发失败的短信</translation>
    </message>
    <message>
        <source>Send again, as a new campaign, the messages that failed for a reason that may pass. Invalid numbers and customers who opted out are left out.</source>
        <translation>把因暂时性原因失败的短信作为新的群发任务重新发送。无效号码和已退订的客户不会重发。</translation>
    </message>
    <message>
        <source>Export failures…</source>
        <translation>导出失败记录…</translation>
    </message>
    <message>
        <source>Export campaign…</source>
        <translation>导出群发任务…</translation>
    </message>
    <message>
        <source>Show in log</source>
        <translation>在记录中查看</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>This campaign is no longer in the history.</source>
        <translation>历史记录中已没有这个群发任务。</translation>
    </message>
    <message>
        <source>Campaign: %1</source>
        <translation>群发任务：%1</translation>
    </message>
    <message>
        <source>Account %1 · written %2</source>
        <translation>账户 %1 · 创建于 %2</translation>
    </message>
    <message>
        <source>%1 messages are in doubt: their request may have reached the provider. They are never sent again on their own; a delivery report settles them when the provider has them.</source>
        <translation>%1 条短信状态待确认：请求可能已到达服务商。smsdesk 不会自行重发；如果服务商已接收，送达报告到达后即可确定其状态。</translation>
    </message>
    <message>
        <source>Other reasons</source>
        <translation>其他原因</translation>
    </message>
    <message>
        <source>Retry %1 failed</source>
        <translation>重发 %1 条失败短信</translation>
    </message>
    <message>
        <source>Send the %1 failed messages again through %2, as a new campaign? Invalid numbers and customers who opted out are left out.</source>
        <translation>通过 %2 把这 %1 条失败的短信作为新的群发任务重新发送？无效号码和已退订的客户不会重发。</translation>
    </message>
    <message>
        <source>Retry failed messages?</source>
        <translation>重发失败的短信？</translation>
    </message>
    <message>
        <source>There is no failed message worth sending again.</source>
        <translation>没有值得重发的失败短信。</translation>
    </message>
    <message>
        <source>%1 failures</source>
        <translation>%1 失败记录</translation>
    </message>
</context>
<context>
    <name>ConfirmSendDialog</name>
    <message>
        <source>Send messages?</source>
        <translation>确认发送？</translation>
    </message>
    <message>
        <source>Test first</source>
        <translation>先测试</translation>
    </message>
    <message>
        <source>Your own mobile number</source>
        <translation>您自己的手机号码</translation>
    </message>
    <message>
        <source>Send a test</source>
        <translation>发送测试</translation>
    </message>
    <message>
        <source>Send the first customer&apos;s message to your own phone, as they will get it.</source>
        <translation>把第一位客户将收到的短信发到您自己的手机上，先看看效果。</translation>
    </message>
    <message>
        <source>When</source>
        <translation>发送时间</translation>
    </message>
    <message>
        <source>Send later, at</source>
        <translation>稍后发送，时间</translation>
    </message>
    <message>
        <source>Do not send after</source>
        <translation>此时间后不再发送</translation>
    </message>
    <message>
        <source>&lt;p&gt;Send &lt;b&gt;%1&lt;/b&gt; messages through &lt;b&gt;%2&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;%3 SMS in all, about &lt;b&gt;%4&lt;/b&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;将通过 &lt;b&gt;%2&lt;/b&gt; 发送 &lt;b&gt;%1&lt;/b&gt; 条短信。&lt;/p&gt;&lt;p&gt;共计费 %3 条，约 &lt;b&gt;%4&lt;/b&gt;。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;%1 will be skipped:&lt;/p&gt;</source>
        <translation>&lt;p&gt;将跳过 %1 个：&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 × %2 (same text, up to %3 numbers each)</source>
        <translation>%1 × %2（相同内容，每次最多 %3 个号码）</translation>
    </message>
    <message>
        <source>%1 × %2 (personalised, up to %3 numbers each)</source>
        <translation>%1 × %2（个性化内容，每次最多 %3 个号码）</translation>
    </message>
    <message>
        <source>%1 × %2 (one number each)</source>
        <translation>%1 × %2（每次一个号码）</translation>
    </message>
    <message>
        <source>&lt;p&gt;Requests to the provider:&lt;/p&gt;</source>
        <translation>&lt;p&gt;向服务商发出的请求：&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;At most %1 requests per second: about %2 to send.&lt;/p&gt;</source>
        <translation>&lt;p&gt;每秒最多 %1 次请求：发送约需 %2。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>&lt;p&gt;This is a promotion: it is not sent between %1 and %2 (quiet hours).</source>
        <translation>&lt;p&gt;这是营销短信：在 %1 至 %2 之间（免打扰时段）不会发送。</translation>
    </message>
    <message>
        <source>It is quiet hours now: the messages wait until %1.</source>
        <translation>现在是免打扰时段：短信将等到 %1 再发送。</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>定时</translation>
    </message>
    <message>
        <source>Type your own mobile number first.</source>
        <translation>请先填写您自己的手机号码。</translation>
    </message>
    <message>
        <source>Sending a test to %1…</source>
        <translation>正在向 %1 发送测试……</translation>
    </message>
    <message>
        <source>delivered. Check your phone.</source>
        <translation>已送达，请查看您的手机。</translation>
    </message>
    <message>
        <source>accepted by the provider; no delivery report yet.</source>
        <translation>服务商已受理，暂无送达报告。</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>no answer from the provider; it may or may not arrive.</source>
        <translation>服务商没有应答，短信可能收到也可能收不到。</translation>
    </message>
    <message>
        <source>Test to %1: %2</source>
        <translation>发给 %1 的测试：%2</translation>
    </message>
    <message>
        <source>Send now</source>
        <translation>立即发送</translation>
    </message>
</context>
<context>
    <name>Feedback</name>
    <message>
        <source>smsdesk</source>
        <translation>smsdesk</translation>
    </message>
    <message>
        <source>Something went wrong inside smsdesk. Your saved data is safe.</source>
        <translation>smsdesk 内部出错了。您保存的数据是安全的。</translation>
    </message>
    <message>
        <source>The details were written to the log file:</source>
        <translation>详细信息已写入日志文件：</translation>
    </message>
</context>
<context>
    <name>HistoryActions</name>
    <message>
        <source>Back up history</source>
        <translation>备份历史记录</translation>
    </message>
    <message>
        <source>Restore history</source>
        <translation>恢复历史记录</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Backing up the history…</source>
        <translation>正在备份历史记录…</translation>
    </message>
    <message>
        <source>Backup cancelled; nothing was written.</source>
        <translation>备份已取消，没有写入任何文件。</translation>
    </message>
    <message>
        <source>History backed up to %1 (%2 messages).</source>
        <translation>历史记录已备份到 %1（%2 条短信）。</translation>
    </message>
    <message>
        <source>Checking the backup…</source>
        <translation>正在检查备份…</translation>
    </message>
    <message>
        <source>no messages</source>
        <translation>没有短信</translation>
    </message>
    <message>
        <source>Replace the current history with this backup? It holds %1 messages in %2 campaigns; the newest was written %3. The current history is kept in the backups folder first.</source>
        <translation>用这个备份替换当前的历史记录吗？备份中有 %2 个群发任务共 %1 条短信，最新的一条创建于 %3。当前的历史记录会先保存到备份文件夹中。</translation>
    </message>
    <message>
        <source>Restore history?</source>
        <translation>恢复历史记录？</translation>
    </message>
    <message>
        <source>Restoring the history…</source>
        <translation>正在恢复历史记录…</translation>
    </message>
    <message>
        <source>History restored (%1 messages). The previous history was kept in %2.</source>
        <translation>历史记录已恢复（%1 条短信）。原来的历史记录保存在 %2。</translation>
    </message>
    <message>
        <source>No finished campaign was written before %1; nothing to archive.</source>
        <translation>%1 之前没有已完成的群发任务，无需归档。</translation>
    </message>
    <message>
        <source>Move %1 finished campaigns (%2 messages) written before %3 out of the history, into the archive file %4? They no longer appear in the send log; the archive can be restored or exported later.</source>
        <translation>把 %3 之前创建的 %1 个已完成群发任务（%2 条短信）移出历史记录，存入归档文件 %4？它们将不再显示在发送记录中；以后可以恢复或导出归档。</translation>
    </message>
    <message>
        <source>Archive old history?</source>
        <translation>归档旧记录？</translation>
    </message>
    <message>
        <source>Archiving old campaigns…</source>
        <translation>正在归档旧的群发任务…</translation>
    </message>
    <message>
        <source>Archiving cancelled; nothing was moved.</source>
        <translation>归档已取消，没有移动任何记录。</translation>
    </message>
    <message>
        <source>%1 campaigns (%2 messages) moved to %3.</source>
        <translation>%1 个群发任务（%2 条短信）已移至 %3。</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import customer list</source>
        <translation>导入客户名单</translation>
    </message>
    <message>
        <source>(no name column)</source>
        <translation>（没有姓名列）</translation>
    </message>
    <message>
        <source>List name</source>
        <translation>名单名称</translation>
    </message>
    <message>
        <source>Sheet “%1” (the file has %2 sheets)</source>
        <translation>工作表“%1”（文件共有 %2 个工作表）</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Phone number column</source>
        <translation>手机号列</translation>
    </message>
    <message>
        <source>Name column</source>
        <translation>姓名列</translation>
    </message>
    <message>
        <source>Numbers without +code are from</source>
        <translation>未写国家代码的号码属于</translation>
    </message>
    <message>
        <source>smsdesk is not sure which column holds the phone numbers. Check the choice above against the rows below.</source>
        <translation>smsdesk 不确定哪一列是手机号，请对照下面的数据检查上面的选择。</translation>
    </message>
    <message>
        <source>Header found on row %1. Every other column can be used in messages.</source>
        <translation>表头在第 %1 行。其余各列都可以在短信中使用。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
</context>
<context>
    <name>InDoubtDialog</name>
    <message>
        <source>Messages in doubt</source>
        <translation>状态待确认的短信</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;%1 messages&lt;/b&gt; may or may not have reached the customers: their request got no answer.&lt;/p&gt;&lt;p&gt;Sending them again may text some customers twice. Not sending them may leave some without the message. Check a few customers&apos; phones, or the provider&apos;s console, before deciding.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;%1 条短信&lt;/b&gt;可能已送达，也可能没有：它们的请求没有得到应答。&lt;/p&gt;&lt;p&gt;重新发送可能让部分客户收到两次；不发送则可能有客户收不到。请先查看几位客户的手机或服务商控制台，再做决定。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;%1 of them are not at the provider:&lt;/b&gt; smsdesk looked them up in the provider&apos;s records and they are not there, so they most likely never went out. Sending those again should not text anyone twice.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;其中 %1 条在服务商处没有记录：&lt;/b&gt;smsdesk 已在服务商的记录中查找，没有找到，因此它们很可能从未发出。重发这些短信应该不会让客户收到两次。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>not at the provider (checked %1)</source>
        <translation>服务商处无记录（查询于 %1）</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>…… 另有 %1 个</translation>
    </message>
    <message>
        <source>Send again the %1 not at the provider</source>
        <translation>重发服务商处无记录的 %1 条</translation>
    </message>
    <message>
        <source>Send them again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>Do not send them</source>
        <translation>不再发送</translation>
    </message>
    <message>
        <source>Decide later</source>
        <translation>稍后决定</translation>
    </message>
</context>
<context>
    <name>InDoubtReview</name>
    <message>
        <source>Looking for the messages in doubt in the provider&apos;s records…</source>
        <translation>正在服务商的记录中查找状态不明的短信…</translation>
    </message>
</context>
<context>
    <name>InboxPane</name>
    <message>
        <source>Search a number, a name or words of a reply</source>
        <translation>搜索号码、姓名或回复内容</translation>
    </message>
    <message>
        <source>Unread only</source>
        <translation>只看未读</translation>
    </message>
    <message>
        <source>Check now</source>
        <translation>立即检查</translation>
    </message>
    <message>
        <source>Ask the providers for new replies now.</source>
        <translation>立即向服务商查询新回复。</translation>
    </message>
    <message>
        <source>Reply as a customer…</source>
        <translation>以客户身份回复…</translation>
    </message>
    <message>
        <source>Open the Sandbox phone of a customer and answer as them, to try replies and opt-outs.</source>
        <translation>打开客户的沙盒手机，以客户身份回复，试试回复和退订。</translation>
    </message>
    <message>
        <source>Take off the opt-out list</source>
        <translation>移出退订名单</translation>
    </message>
    <message>
        <source>Only when the customer asked to receive your messages again.</source>
        <translation>仅在客户要求重新接收您的短信时使用。</translation>
    </message>
    <message>
        <source>Write an answer…</source>
        <translation>写回复…</translation>
    </message>
    <message>
        <source>Send answer</source>
        <translation>发送回复</translation>
    </message>
    <message>
        <source>Reply keywords saved.</source>
        <translation>回复关键词已保存。</translation>
    </message>
    <message>
        <source>Replies</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Opt-out list</source>
        <translation>退订名单</translation>
    </message>
    <message>
        <source>Customers: %1</source>
        <translation>客户：%1</translation>
    </message>
    <message>
        <source>No reply matches.</source>
        <translation>没有匹配的回复。</translation>
    </message>
    <message>
        <source>No replies yet. When customers answer your messages, their replies appear here; “T”, “退订” or “STOP” puts them on the opt-out list at once.</source>
        <translation>还没有回复。客户回复您的短信后会显示在这里；回复“T”、“退订”或“STOP”的客户会立即加入退订名单。</translation>
    </message>
    <message>
        <source>No customer chosen</source>
        <translation>未选择客户</translation>
    </message>
    <message>
        <source>On the opt-out list since %1: the customer replied “%2”.</source>
        <translation>自 %1 起在退订名单中：客户回复了“%2”。</translation>
    </message>
    <message>
        <source>On the opt-out list since %1: %2.</source>
        <translation>自 %1 起在退订名单中：%2。</translation>
    </message>
    <message>
        <source>On the opt-out list since %1.</source>
        <translation>自 %1 起在退订名单中。</translation>
    </message>
    <message>
        <source>Messages to this number are skipped.</source>
        <translation>发给这个号码的短信会被跳过。</translation>
    </message>
    <message>
        <source>Since then they replied “%1”, asking to receive messages again.</source>
        <translation>之后客户又回复了“%1”，要求重新接收短信。</translation>
    </message>
    <message>
        <source>Keyword %1</source>
        <translation>关键词 %1</translation>
    </message>
    <message>
        <source>Sends through %1, the account the customer replied to.</source>
        <translation>通过 %1 发送，即客户回复的账户。</translation>
    </message>
    <message>
        <source>%1 is no longer on the opt-out list.</source>
        <translation>%1 已移出退订名单。</translation>
    </message>
    <message>
        <source>Sending to %1…</source>
        <translation>正在发送给 %1…</translation>
    </message>
    <message>
        <source>Answer sent to %1.</source>
        <translation>已回复 %1。</translation>
    </message>
    <message>
        <source>The answer to %1 was not sent</source>
        <translation>给 %1 的回复没有发送</translation>
    </message>
    <message>
        <source>The answer could not be sent.</source>
        <translation>回复未能发送。</translation>
    </message>
    <message>
        <source>Checking for replies…</source>
        <translation>正在检查回复…</translation>
    </message>
    <message>
        <source>Replies are checked in the background while smsdesk is open.</source>
        <translation>smsdesk 打开期间会在后台检查回复。</translation>
    </message>
    <message>
        <source>Last checked for replies at %1.</source>
        <translation>上次检查回复：%1。</translation>
    </message>
</context>
<context>
    <name>InboxWatch</name>
    <message>
        <source>New replies: %1.</source>
        <translation>新回复：%1 条。</translation>
    </message>
    <message>
        <source>Opted out by reply: %1; they get no further messages.</source>
        <translation>回复退订：%1 人，之后不会再收到短信。</translation>
    </message>
    <message>
        <source>Replies are not being checked because of an error; details are in %1.</source>
        <translation>出错了，暂时无法检查回复；详情见 %1。</translation>
    </message>
</context>
<context>
    <name>KeywordSettings</name>
    <message>
        <source>Reply keywords</source>
        <translation>回复关键词</translation>
    </message>
    <message>
        <source>A reply that is exactly one of these words puts the number on the opt-out list at once. Separate words with commas.</source>
        <translation>回复内容正好是其中一个词时，号码会立即加入退订名单。多个词用逗号分隔。</translation>
    </message>
    <message>
        <source>A reply that is exactly one of these words asks to receive messages again.</source>
        <translation>回复内容正好是其中一个词时，表示要求重新接收短信。</translation>
    </message>
    <message>
        <source>An opt-in keyword takes the number off the opt-out list by itself</source>
        <translation>收到订阅关键词时自动把号码移出退订名单</translation>
    </message>
    <message>
        <source>Case, full-width letters, spaces and punctuation do not matter (“Ｔ”, “Stop!”, “退订。”); a sentence that merely contains a keyword is an ordinary reply.</source>
        <translation>不区分大小写、全角半角，忽略前后的空格和标点（“Ｔ”、“Stop!”、“退订。”都算）；只是包含关键词的句子算普通回复。</translation>
    </message>
    <message>
        <source>Save keywords</source>
        <translation>保存关键词</translation>
    </message>
    <message>
        <source>Opt-out</source>
        <translation>退订</translation>
    </message>
    <message>
        <source>Opt-in</source>
        <translation>订阅</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>LogFilterBar</name>
    <message>
        <source>Campaign</source>
        <translation>群发任务</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>All errors</source>
        <translation>全部错误</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Dates…</source>
        <translation>指定日期…</translation>
    </message>
    <message>
        <source>When the messages were written</source>
        <translation>短信的创建时间</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <source>To (included)</source>
        <translation>结束日期（含当天）</translation>
    </message>
    <message>
        <source>Number, last 4 digits, name or text</source>
        <translation>手机号、尾号后 4 位、姓名或内容</translation>
    </message>
    <message>
        <source>All campaigns</source>
        <translation>全部群发任务</translation>
    </message>
    <message>
        <source>All accounts</source>
        <translation>全部账户</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>群发任务</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>条数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Provider message</source>
        <translation>服务商说明</translation>
    </message>
    <message>
        <source>Provider id</source>
        <translation>服务商编号</translation>
    </message>
    <message>
        <source>Outcome time</source>
        <translation>结果时间</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>smsdesk — SMS to your customers</source>
        <translation>smsdesk — 给客户发短信</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>短信模板</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>客户名单</translation>
    </message>
    <message>
        <source>Send log</source>
        <translation>发送记录</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Import customer list…</source>
        <translation>导入客户名单(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Back up history…</source>
        <translation>备份历史记录(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Restore history…</source>
        <translation>恢复历史记录(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Archive old history…</source>
        <translation>归档旧记录(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About smsdesk</source>
        <translation>关于 smsdesk(&amp;A)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language is used the next time smsdesk starts.</source>
        <translation>新语言将在下次启动 smsdesk 时生效。</translation>
    </message>
    <message>
        <source>About smsdesk</source>
        <translation>关于 smsdesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;smsdesk %1&lt;/b&gt;&lt;p&gt;Send SMS notifications and promotions to your customers through your own cloud SMS account.&lt;/p&gt;&lt;p&gt;Built with these libraries:&lt;/p&gt;</source>
        <translation>&lt;b&gt;smsdesk %1&lt;/b&gt;&lt;p&gt;通过您自己的云短信账户，给客户发送通知和促销短信。&lt;/p&gt;&lt;p&gt;使用了以下开源库：&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>OptOutList</name>
    <message>
        <source>Remove from the opt-out list</source>
        <translation>移出退订名单</translation>
    </message>
    <message>
        <source>Send messages to %1 numbers again? Only do this if they asked for it.</source>
        <translation>要重新给这 %1 个号码发送短信吗？请只在客户要求时这样做。</translation>
    </message>
    <message>
        <source>Search a number, keyword or reply</source>
        <translation>搜索号码、关键词或回复</translation>
    </message>
    <message>
        <source>Number to add</source>
        <translation>要添加的号码</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove selected…</source>
        <translation>移除所选…</translation>
    </message>
    <message>
        <source>%1 numbers</source>
        <translation>%1 个号码</translation>
    </message>
    <message>
        <source>“%1” is not a valid phone number: %2</source>
        <translation>“%1”不是有效的手机号码：%2</translation>
    </message>
    <message>
        <source>%1 is now on the opt-out list.</source>
        <translation>%1 已加入退订名单。</translation>
    </message>
    <message>
        <source>%1 was already on the opt-out list.</source>
        <translation>%1 已经在退订名单中。</translation>
    </message>
    <message>
        <source>Select the numbers to remove first.</source>
        <translation>请先选择要移除的号码。</translation>
    </message>
    <message>
        <source>%1 numbers removed from the opt-out list.</source>
        <translation>已从退订名单移除 %1 个号码。</translation>
    </message>
</context>
<context>
    <name>OptOutModel</name>
    <message>
        <source>Phone</source>
        <translation>号码</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>关键词</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>加入时间</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>客户回复</translation>
    </message>
    <message>
        <source>Added by you</source>
        <translation>您添加的</translation>
    </message>
    <message>
        <source>Provider refused</source>
        <translation>服务商拒收</translation>
    </message>
</context>
<context>
    <name>OutcomesChart</name>
    <message>
        <source>No delivery reports yet.</source>
        <translation>还没有送达报告。</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>PreviewPanel</name>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一位</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一位 ▶</translation>
    </message>
    <message>
        <source>Show the customer whose message is longest.</source>
        <translation>显示短信最长的客户。</translation>
    </message>
    <message>
        <source>Show the next customer for whom a variable comes out empty.</source>
        <translation>显示下一位有变量为空的客户。</translation>
    </message>
    <message>
        <source>Show the next customer whose message needs more SMS than the first customer&apos;s.</source>
        <translation>显示下一位比第一位客户计费条数更多的客户。</translation>
    </message>
    <message>
        <source>Jump to:</source>
        <translation>跳到：</translation>
    </message>
    <message>
        <source>Whole list</source>
        <translation>整个名单</translation>
    </message>
    <message>
        <source>Send…</source>
        <translation>发送…</translation>
    </message>
    <message>
        <source>Customer %1 of %2: %3 %4</source>
        <translation>第 %1 位客户（共 %2 位）：%3 %4</translation>
    </message>
    <message>
        <source>(on the opt-out list: not sent)</source>
        <translation>（已退订：不发送）</translation>
    </message>
    <message>
        <source>No customer to preview: choose a list with customers.</source>
        <translation>没有可预览的客户：请选择有客户的名单。</translation>
    </message>
    <message>
        <source>(empty message)</source>
        <translation>（空短信）</translation>
    </message>
    <message>
        <source>%1 of %4 characters · 1 SMS · %3</source>
        <translation>%1 / %4 个字 · 1 条短信 · %3</translation>
    </message>
    <message>
        <source>%1 characters · %2 SMS of %4 each · %3</source>
        <translation>%1 个字 · %2 条短信（每条 %4 个字）· %3</translation>
    </message>
    <message>
        <source>Sent as %1; the provider bills %2 SMS for this customer.</source>
        <translation>以 %1 编码发送；服务商对该客户计费 %2 条。</translation>
    </message>
    <message>
        <source>Empty for this customer: %1</source>
        <translation>该客户为空的变量：%1</translation>
    </message>
    <message>
        <source>Unicode</source>
        <translation>Unicode 编码</translation>
    </message>
    <message>
        <source>GSM characters</source>
        <translation>GSM 字符</translation>
    </message>
    <message>
        <source>Longest message</source>
        <translation>最长的短信</translation>
    </message>
    <message>
        <source>Empty values (%1)</source>
        <translation>有空值（%1）</translation>
    </message>
    <message>
        <source>More SMS than the first (%1)</source>
        <translation>条数多于第一位（%1）</translation>
    </message>
    <message>
        <source>%1 messages · %2 SMS · about %3</source>
        <translation>%1 位客户 · %2 条短信 · 约 %3</translation>
    </message>
    <message>
        <source>%1 on the opt-out list, skipped</source>
        <translation>%1 位已退订，跳过</translation>
    </message>
    <message>
        <source>%1 too long for the provider</source>
        <translation>%1 条超出服务商长度上限</translation>
    </message>
    <message>
        <source>%1 sent as Unicode</source>
        <translation>%1 条以 Unicode 发送</translation>
    </message>
    <message>
        <source>up to %1 SMS per customer</source>
        <translation>每位客户最多 %1 条</translation>
    </message>
    <message>
        <source>Counting… %1%</source>
        <translation>正在计算…… %1%</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在计算……</translation>
    </message>
</context>
<context>
    <name>ProviderTemplateBox</name>
    <message>
        <source>Approved template</source>
        <translation>审核模板</translation>
    </message>
    <message>
        <source>Fetch from provider</source>
        <translation>从服务商获取</translation>
    </message>
    <message>
        <source>Ask the provider for its templates and signatures and their review state.</source>
        <translation>向服务商查询模板、签名及其审核状态。</translation>
    </message>
    <message>
        <source>e.g. 1110, 1112</source>
        <translation>例如 1110, 1112</translation>
    </message>
    <message>
        <source>Tencent Cloud lists signatures only by their ids, shown in its console.</source>
        <translation>腾讯云只能按签名 ID 查询签名，ID 可在其控制台中看到。</translation>
    </message>
    <message>
        <source>Signature ids</source>
        <translation>签名 ID</translation>
    </message>
    <message>
        <source>provider=variable, e.g. code=code, content=_text</source>
        <translation>服务商参数=变量，例如 code=code, content=_text</translation>
    </message>
    <message>
        <source>(none chosen)</source>
        <translation>（未选择）</translation>
    </message>
    <message>
        <source>%1 (not fetched yet)</source>
        <translation>%1（尚未获取）</translation>
    </message>
    <message>
        <source>The customer would get: %1</source>
        <translation>客户实际会收到：%1</translation>
    </message>
    <message>
        <source>the whole message</source>
        <translation>整条短信</translation>
    </message>
    <message>
        <source>%1 is filled with</source>
        <translation>%1 填入</translation>
    </message>
</context>
<context>
    <name>ReasonsChart</name>
    <message>
        <source>No failed messages.</source>
        <translation>没有失败的短信。</translation>
    </message>
</context>
<context>
    <name>RecipientsModel</name>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
</context>
<context>
    <name>RecipientsPane</name>
    <message>
        <source>Import list…</source>
        <translation>导入名单…</translation>
    </message>
    <message>
        <source>Excel (.xlsx, .xls), LibreOffice (.ods) or CSV; you can also drop a file here.</source>
        <translation>支持 Excel（.xlsx、.xls）、LibreOffice（.ods）或 CSV；也可以把文件拖到这里。</translation>
    </message>
    <message>
        <source>Export rejected rows…</source>
        <translation>导出未导入的行…</translation>
    </message>
    <message>
        <source>Save the rows that were not imported, with the reason, to fix and import again.</source>
        <translation>保存未导入的行及原因，改正后可再次导入。</translation>
    </message>
    <message>
        <source>Remove list</source>
        <translation>删除名单</translation>
    </message>
    <message>
        <source>Customer lists</source>
        <translation>客户名单</translation>
    </message>
    <message>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>No customer list yet</source>
        <translation>还没有客户名单</translation>
    </message>
    <message>
        <source>Import an Excel or CSV file with a column of phone numbers.</source>
        <translation>请导入一个包含手机号列的 Excel 或 CSV 文件。</translation>
    </message>
    <message>
        <source>%1 recipients · columns you can use in messages: %2</source>
        <translation>%1 位客户 · 短信中可用的列：%2</translation>
    </message>
    <message>
        <source>Import customer list</source>
        <translation>导入客户名单</translation>
    </message>
    <message>
        <source>Spreadsheets (%1)</source>
        <translation>表格文件（%1）</translation>
    </message>
    <message>
        <source>%1 rows read: %2 imported, %3 duplicates, %4 opted out, %5 rejected.</source>
        <translation>读取 %1 行：导入 %2 个，重复 %3 个，已退订 %4 个，拒收 %5 行。</translation>
    </message>
    <message>
        <source>Row %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>Export rejected rows</source>
        <translation>导出未导入的行</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>%1 - rejected rows.xlsx</source>
        <translation>%1 - 未导入的行.xlsx</translation>
    </message>
    <message>
        <source>Rejected rows saved to %1</source>
        <translation>未导入的行已保存到 %1</translation>
    </message>
    <message>
        <source>Remove the list “%1”? Sent messages stay in the log.</source>
        <translation>确定删除名单“%1”吗？已发送的短信仍保留在发送记录中。</translation>
    </message>
</context>
<context>
    <name>ResumeDialog</name>
    <message>
        <source>Unfinished campaigns</source>
        <translation>未完成的群发任务</translation>
    </message>
    <message>
        <source>These campaigns were not finished when smsdesk last closed, or their scheduled time passed while it was closed. Nothing more goes out unless you resume them.</source>
        <translation>这些群发任务在 smsdesk 上次关闭时尚未完成，或在关闭期间已到定时发送时间。除非您选择继续，否则不会再发送任何短信。</translation>
    </message>
    <message>
        <source>Resume checked</source>
        <translation>继续所选</translation>
    </message>
    <message>
        <source>Cancel checked</source>
        <translation>取消所选</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>%1: %2 messages not yet sent</source>
        <translation>%1：%2 条短信尚未发送</translation>
    </message>
    <message>
        <source>%1 in doubt</source>
        <translation>%1 条待确认</translation>
    </message>
    <message>
        <source>%1 opted out since and will be skipped</source>
        <translation>%1 个号码此后已退订，将被跳过</translation>
    </message>
    <message>
        <source>expired: can only be cancelled</source>
        <translation>已过期：只能取消</translation>
    </message>
    <message>
        <source>quiet hours: waits until %1</source>
        <translation>免打扰时段：等到 %1</translation>
    </message>
</context>
<context>
    <name>SandboxPhoneDialog</name>
    <message>
        <source>Sandbox phone</source>
        <translation>沙盒手机</translation>
    </message>
    <message>
        <source>Messages the Sandbox delivered. Nothing sent through the Sandbox leaves this computer.</source>
        <translation>沙盒送达的短信。通过沙盒发送的内容不会离开这台电脑。</translation>
    </message>
    <message>
        <source>The Sandbox has not delivered any message yet.</source>
        <translation>沙盒还没有送达任何短信。</translation>
    </message>
    <message>
        <source>Answer as this customer, e.g. T to opt out</source>
        <translation>以这位客户的身份回复，例如回复 T 退订</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>smsdesk fetches the answer like a real provider&apos;s reply.</source>
        <translation>smsdesk 会像获取真实服务商的回复一样获取它。</translation>
    </message>
</context>
<context>
    <name>SendLogPane</name>
    <message>
        <source>Campaign report…</source>
        <translation>群发报告…</translation>
    </message>
    <message>
        <source>Totals, cost, delivery over time and failures of the chosen campaign.</source>
        <translation>所选群发任务的汇总、费用、送达时间分布和失败原因。</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Save the messages shown, all of them, as an Excel or CSV file.</source>
        <translation>把当前筛选出的全部短信保存为 Excel 或 CSV 文件。</translation>
    </message>
    <message>
        <source>Refresh now</source>
        <translation>立即刷新</translation>
    </message>
    <message>
        <source>Show the latest messages and ask the providers for delivery reports now.</source>
        <translation>显示最新的短信，并立即向服务商获取送达报告。</translation>
    </message>
    <message>
        <source>View as recipient</source>
        <translation>以收件人视角查看</translation>
    </message>
    <message>
        <source>See what the Sandbox delivered, as the customer&apos;s phone shows it.</source>
        <translation>按客户手机上的样子查看沙盒送达的短信。</translation>
    </message>
    <message>
        <source>Searching every message…</source>
        <translation>正在搜索全部短信…</translation>
    </message>
    <message>
        <source>%1+ messages (counting…)</source>
        <translation>%1+ 条短信（正在统计…）</translation>
    </message>
    <message>
        <source>%1 messages</source>
        <translation>%1 条短信</translation>
    </message>
    <message>
        <source>No campaign has been sent yet.</source>
        <translation>还没有发送过群发任务。</translation>
    </message>
    <message>
        <source>Export send log</source>
        <translation>导出发送记录</translation>
    </message>
    <message>
        <source>send log</source>
        <translation>发送记录</translation>
    </message>
    <message>
        <source>An export is already running; wait for it to finish.</source>
        <translation>已有导出正在进行，请等待完成。</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，没有写入文件。</translation>
    </message>
    <message>
        <source>Exported %1 messages to %2</source>
        <translation>已导出 %1 条短信到 %2</translation>
    </message>
    <message>
        <source>%1 messages never got a delivery report (sent over three days ago, or through a gateway that gives none).</source>
        <translation>%1 条短信始终没有收到送达报告（发送已超过三天，或所用网关不提供送达报告）。</translation>
    </message>
    <message>
        <source>Every delivery report is in.</source>
        <translation>所有送达报告均已收到。</translation>
    </message>
    <message>
        <source>Asking the providers for delivery reports…</source>
        <translation>正在向服务商获取送达报告…</translation>
    </message>
    <message>
        <source>%1 messages wait for a delivery report; next check in %2 s.</source>
        <translation>%1 条短信正在等待送达报告；%2 秒后再次查询。</translation>
    </message>
    <message>
        <source>A campaign is being sent. Wait for it to finish or stop it first.</source>
        <translation>有群发任务正在发送，请等待完成或先停止它。</translation>
    </message>
    <message>
        <source>An export is running. Wait for it to finish first.</source>
        <translation>有导出正在进行，请先等待完成。</translation>
    </message>
</context>
<context>
    <name>SendProgressPanel</name>
    <message>
        <source>Messages you send appear here with their delivery state.</source>
        <translation>您发送的短信会显示在这里，并附有送达状态。</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送……</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop after the requests on their way; the rest stays queued.</source>
        <translation>正在发出的请求完成后停止；其余短信保留在队列中。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Cancel campaign</source>
        <translation>取消群发</translation>
    </message>
    <message>
        <source>Send nothing more of this campaign.</source>
        <translation>这次群发不再发送任何短信。</translation>
    </message>
    <message>
        <source>Messages in doubt…</source>
        <translation>待确认的短信…</translation>
    </message>
    <message>
        <source>Decide about messages that may or may not have been sent.</source>
        <translation>处理可能已发送、也可能未发送的短信。</translation>
    </message>
    <message>
        <source>The campaign will start when the one being sent is done.</source>
        <translation>当前群发完成后将开始这次群发。</translation>
    </message>
    <message>
        <source>Scheduled for %1. smsdesk sends it then if it is running, or asks when it starts next.</source>
        <translation>已定于 %1 发送。届时如果 smsdesk 正在运行就会发送，否则会在下次启动时询问。</translation>
    </message>
    <message>
        <source>Waiting until %1 (quiet hours or a per-number limit) · %2 of %3 done</source>
        <translation>等待到 %1（免打扰时段或单号码限额）· 已完成 %2 / %3</translation>
    </message>
    <message>
        <source>Sending: %1 of %2 · %3 accepted · %4 refused</source>
        <translation>正在发送：%1 / %2 · 已受理 %3 · 被拒 %4</translation>
    </message>
    <message>
        <source>%1 in doubt</source>
        <translation>%1 条待确认</translation>
    </message>
    <message>
        <source>%1 skipped</source>
        <translation>跳过 %1 条</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>每秒 %1 条</translation>
    </message>
    <message>
        <source>about %1 h %2 min left</source>
        <translation>约剩 %1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>about %1 min %2 s left</source>
        <translation>约剩 %1 分 %2 秒</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <source>All messages handed to the provider. Waiting for delivery reports…</source>
        <translation>所有短信已提交给服务商，正在等待送达报告……</translation>
    </message>
    <message>
        <source>Cancelled: the messages not yet sent will not be sent.</source>
        <translation>已取消：尚未发送的短信将不会发送。</translation>
    </message>
    <message>
        <source>Paused. The messages not yet sent stay queued.</source>
        <translation>已暂停。尚未发送的短信保留在队列中。</translation>
    </message>
    <message>
        <source>Done: %1 delivered, %2 failed, %3 waiting for a report.</source>
        <translation>完成：已送达 %1 条，失败 %2 条，%3 条等待送达报告。</translation>
    </message>
    <message>
        <source>%1 in doubt: decide whether to send them again.</source>
        <translation>%1 条待确认：请决定是否重新发送。</translation>
    </message>
    <message>
        <source>Pausing after the requests on their way…</source>
        <translation>正在发出的请求完成后暂停……</translation>
    </message>
    <message>
        <source>Cancel the campaign?</source>
        <translation>取消这次群发？</translation>
    </message>
    <message>
        <source>Nothing more of this campaign will be sent. Messages already sent are not affected.</source>
        <translation>这次群发将不再发送任何短信。已发送的短信不受影响。</translation>
    </message>
    <message>
        <source>Cancelling after the requests on their way…</source>
        <translation>正在发出的请求完成后取消……</translation>
    </message>
    <message>
        <source>Cancelled: %1 messages will not be sent.</source>
        <translation>已取消：%1 条短信将不会发送。</translation>
    </message>
    <message>
        <source>The messages in doubt will not be sent again.</source>
        <translation>待确认的短信将不会重新发送。</translation>
    </message>
    <message>
        <source>A campaign is being sent. Stop it? Messages not yet sent stay queued; smsdesk offers to resume them when it starts next.</source>
        <translation>群发任务正在发送。要停止吗？尚未发送的短信会保留在队列中，smsdesk 下次启动时会询问是否继续。</translation>
    </message>
    <message>
        <source>Stop sending?</source>
        <translation>停止发送？</translation>
    </message>
</context>
<context>
    <name>TemplateEditor</name>
    <message>
        <source>Write your message. Put a column name in braces, e.g. {name}, to personalise it.</source>
        <translation>在此编写短信。用花括号写列名（如 {name}）即可为每位客户个性化。</translation>
    </message>
</context>
<context>
    <name>TemplatesPane</name>
    <message>
        <source>New template</source>
        <translation>新建模板</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>短信模板</translation>
    </message>
    <message>
        <source>Notification</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Marketing</source>
        <translation>营销推广</translation>
    </message>
    <message>
        <source>Verification code</source>
        <translation>验证码</translation>
    </message>
    <message>
        <source>Insert variable</source>
        <translation>插入变量</translation>
    </message>
    <message>
        <source>Added to the end of every marketing message, and counted with it.</source>
        <translation>加在每条营销短信末尾，并计入字数。</translation>
    </message>
    <message>
        <source>Opt-out line</source>
        <translation>退订提示</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Send to</source>
        <translation>发送给</translation>
    </message>
    <message>
        <source>Send through</source>
        <translation>发送账户</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>短信内容</translation>
    </message>
    <message>
        <source>%1 (%2 customers)</source>
        <translation>%1（%2 位客户）</translation>
    </message>
    <message>
        <source>Give the template a name.</source>
        <translation>请为模板起个名字。</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welcome to smsdesk</source>
        <translation>欢迎使用 smsdesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;1.&lt;/b&gt; A &lt;b&gt;Sandbox&lt;/b&gt; account is ready. It sends nowhere, so you can try everything safely; add your Aliyun, Tencent Cloud or Twilio account under &lt;i&gt;Accounts&lt;/i&gt; when you are ready.</source>
        <translation>&lt;b&gt;1.&lt;/b&gt; &lt;b&gt;沙盒&lt;/b&gt;账户已就绪。它不会真正发出短信，您可以放心试用所有功能；准备好后，在&lt;i&gt;账户&lt;/i&gt;中添加您的阿里云、腾讯云或 Twilio 账户。</translation>
    </message>
    <message>
        <source>&lt;b&gt;2.&lt;/b&gt; A sample list of customers and a sample message are loaded. Import your own list from Excel under &lt;i&gt;Recipients&lt;/i&gt;, or drop the file on the window.</source>
        <translation>&lt;b&gt;2.&lt;/b&gt; 已载入一份示例客户名单和一条示例短信。您可以在&lt;i&gt;客户名单&lt;/i&gt;中从 Excel 导入自己的名单，或直接把文件拖到窗口上。</translation>
    </message>
    <message>
        <source>&lt;b&gt;3.&lt;/b&gt; On &lt;i&gt;Templates&lt;/i&gt;, check the preview of each customer&apos;s message and its cost, then press &lt;b&gt;Send…&lt;/b&gt; and watch the &lt;i&gt;Send log&lt;/i&gt; fill in.</source>
        <translation>&lt;b&gt;3.&lt;/b&gt; 在&lt;i&gt;短信模板&lt;/i&gt;中查看每位客户收到的短信预览和费用，然后点击&lt;b&gt;发送…&lt;/b&gt;，在&lt;i&gt;发送记录&lt;/i&gt;中查看结果。</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Send your first message in a minute&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;一分钟内发出第一条短信&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Show me the sample message</source>
        <translation>查看示例短信</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
</TS>
