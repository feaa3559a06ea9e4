"""Simplified Chinese for the core layer."""

MESSAGES: dict[str, str] = {
    "The phone number is not valid. Check it in the customer list.": "手机号码无效，请在客户名单中核对。",
    "The customer has opted out or is blacklisted; do not message them again.": "该客户已退订或在黑名单中，请勿再向其发送。",
    "The provider is limiting how fast or how often you send. smsdesk will wait and try again.": "服务商正在限制发送频率，smsdesk 会等待后重试。",
    "Your SMS balance or daily quota is used up. Top up or raise the quota in the provider's console.": "短信余额或每日额度已用完，请到服务商控制台充值或提高额度。",
    "The template or signature is not approved. Check its review status in the provider's console.": "模板或签名未通过审核，请到服务商控制台查看审核状态。",
    "The provider rejected the message text. Remove sensitive words or shorten it.": "服务商拒绝了短信内容，请删除敏感词或缩短内容。",
    "Authentication failed. Check the account's key and secret and that the computer's clock is right.": "身份验证失败，请检查账户的密钥，并确认电脑时间准确。",
    "The provider had a temporary problem. smsdesk will try again.": "服务商出现临时故障，smsdesk 会自动重试。",
    "The carrier could not deliver the message to the handset.": "运营商未能将短信送达手机。",
    "The provider refused the message for a reason smsdesk does not know; see the provider's code.": "服务商因未知原因拒绝了短信，请查看服务商返回的错误码。",
    "Invalid number": "号码无效",
    "Opted out": "已退订",
    "Rate limited": "发送受限",
    "Balance or quota exhausted": "余额或额度不足",
    "Template or signature not approved": "模板或签名未审核通过",
    "Content rejected": "内容被拒",
    "Authentication failed": "身份验证失败",
    "Temporary provider error": "服务商临时故障",
    "Not delivered": "未送达",
    "Unknown error": "未知错误",
}
