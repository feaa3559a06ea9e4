"""Simplified Chinese for reconciling messages in doubt with the providers' records."""

MESSAGES: dict[str, str] = {
    "At the provider": "服务商记录",
    "Decide only about those the provider was asked about and does not have.": "只处理已向服务商查询且服务商没有记录的短信。",
    "Look a campaign's messages in doubt up in the provider's records; nothing is resent.": "在服务商的记录中查找某次群发中状态不明的短信；不会重发任何短信。",
    "not found ({time})": "未找到（{time}）",
    "{count} still in doubt: see “smsdesk campaigns in-doubt {id}”.": "仍有 {count} 条状态不明：请查看“smsdesk campaigns in-doubt {id}”。",
    "Looked up at the provider: {found} had been sent, {missing} not found there.": "已在服务商处查询：{found} 条已发出，{missing} 条在服务商处没有记录。",
    "No message in doubt needed looking up.": "没有需要查询的状态不明短信。",
    "{account}: messages in doubt could not be looked up. {advice} ({code})": "{account}：无法查询状态不明的短信。{advice}（{code}）",
    "{account}: the provider could not be reached to look up messages in doubt.": "{account}：无法连接服务商查询状态不明的短信。",
    "{count} are with a provider that cannot be asked.": "{count} 条所用的服务商不支持查询。",
    "{count} could not be looked up now.": "{count} 条暂时无法查询。",
}
