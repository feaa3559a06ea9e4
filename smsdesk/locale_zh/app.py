"""Simplified Chinese for the engine, the Sandbox and the storage messages of the app itself."""

MESSAGES: dict[str, str] = {
    "The Sandbox is ready. Messages sent through it never leave this computer.": "沙盒已就绪。通过沙盒发送的短信不会离开这台电脑。",
    "Signature": "签名",
    "Delivery delay (seconds)": "送达延迟（秒）",
    "Sample customers": "示例客户",
    "Members' day": "会员日",
    "{name}, members get 20% off this Saturday! You have {积分|0} points.": "{name}您好，本周六会员日全场八折，您有{积分|0}积分可用，欢迎光临！",
    "On the opt-out list": "在退订名单中",
    "The message is empty. Write the text to send first.": "短信内容为空，请先填写要发送的内容。",
    "The list has no recipients to send to.": "名单中没有可发送的收件人。",
    "“{number}” is not a valid phone number: {reason}": "“{number}”不是有效的手机号码：{reason}",
    "smsdesk does not know the provider “{kind}”.": "smsdesk 不支持服务商“{kind}”。",
    "Cannot reach the provider: {reason}": "无法连接服务商：{reason}",
    "No answer from the provider": "服务商没有应答",
    "The provider keeps refusing: {code} {message}": "服务商持续拒绝：{code} {message}",
    "Sending paused: {advice} ({code})": "发送已暂停：{advice}（{code}）",
    "The provider did not say what happened to this message": "服务商没有说明这条短信的结果",
}
