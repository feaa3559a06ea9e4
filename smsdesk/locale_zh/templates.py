"""Simplified Chinese for the templates messages of the Qt-free layers."""

MESSAGES: dict[str, str] = {
    # Review states of the provider's templates and signatures.
    "approved": "已通过审核",
    "under review": "审核中",
    "rejected": "未通过审核",
    "withdrawn": "已撤回",
    # An approved template against the text being written.
    "Template {id} was rejected ({reason}); messages using it will be refused.":
        "模板 {id} 未通过审核（{reason}），使用它的短信会被拒绝。",
    "Template {id} is {state}; messages using it will be refused until it is approved.":
        "模板 {id} {state}，审核通过前使用它的短信会被拒绝。",
    "The approved text reads “{approved}” where yours reads “{yours}”.":
        "已审核的模板此处为“{approved}”，您写的是“{yours}”。",
    "The approved template has {expected} parameters; the mapping fills {given}.":
        "已审核的模板有 {expected} 个参数，变量对应只填了 {given} 个。",
    "Your text uses {{{variable}}}, but it is not passed to the approved template.":
        "您的短信用到了 {{{variable}}}，但它没有传给已审核的模板。",
    "A template parameter is filled from “{variable}”, which your text does not use.":
        "有模板参数取自“{variable}”，但您的短信没有用到它。",
    "“{written}”: the provider gets an empty value, not “{default}”, when the cell is empty.":
        "“{written}”：单元格为空时，服务商收到的是空值，而不是“{default}”。",
    "The approved template needs “{param}”, but no variable is mapped to it.":
        "已审核的模板需要参数“{param}”，但没有变量与它对应。",
    "The approved template has no parameter “{param}”.": "已审核的模板没有参数“{param}”。",
    "Choose the approved template this message is sent with.": "请选择发送这条短信所用的已审核模板。",
    "Only Aliyun and Tencent Cloud accounts have approved templates.":
        "只有阿里云和腾讯云账户才有审核模板。",
    "The provider has no template “{id}”.": "服务商那里没有模板“{id}”。",
    "The signature “{name}” is not among the provider's signatures.": "签名“{name}”不在服务商的签名列表中。",
    "The signature “{name}” is {state}; messages with it will be refused.":
        "签名“{name}”{state}，使用它的短信会被拒绝。",
    "Signature ids are numbers from the Tencent Cloud console, not “{item}”.":
        "签名 ID 是腾讯云控制台中的数字，不能是“{item}”。",
    # The dry run.
    "{count} messages are longer than the provider accepts.": "{count} 条短信超出服务商允许的长度。",
    "{count} messages go as Unicode (70 characters an SMS) because of a character outside the GSM alphabet.":
        "{count} 条短信因含有 GSM 字母表以外的字符，将以 Unicode 发送（每条 70 个字符）。",
    "too long": "过长",
    # smsdesk templates ...
    "A marketing message's opt-out line (default: 回T退订, or Reply STOP to opt out).":
        "营销短信的退订提示（默认为“回T退订”，英文短信为 Reply STOP to opt out）。",
    "Fetch the provider's templates and signatures with their review state.":
        "从服务商获取模板和签名及其审核状态。",
    "Aliyun or Tencent Cloud account (default: the default account).": "阿里云或腾讯云账户（默认：默认账户）。",
    "Tencent Cloud signature id to look up (repeatable); Tencent lists signatures only by id.":
        "要查询的腾讯云签名 ID（可重复）；腾讯云只能按 ID 查询签名。",
    "Check that a template and its mapping produce the approved text.":
        "检查模板及其变量对应能否得到已审核的模板内容。",
    "Account to check against (default: the default account).": "用于检查的账户（默认：默认账户）。",
    "Template": "模板",
    "Tencent Cloud has no signature with id {id}.": "腾讯云中没有 ID 为 {id} 的签名。",
    "Approved text: {approved} ({state})": "已审核的内容：{approved}（{state}）",
    "The template and its mapping produce the approved text.": "模板及其变量对应可以得到已审核的内容。",
}
