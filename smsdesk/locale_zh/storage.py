"""Simplified Chinese for the storage layer."""

MESSAGES: dict[str, str] = {
    "A list named “{name}” already exists. Choose another name.": "已有名为“{name}”的名单，请换一个名称。",
    "A template named “{name}” already exists. Choose another name.": "已有名为“{name}”的模板，请换一个名称。",
    "An account named “{name}” already exists. Choose another name.": "已有名为“{name}”的账户，请换一个名称。",
    "The account no longer exists.": "该账户已不存在。",
    "The account “{name}” has sent campaigns; its history is kept, so it cannot be removed.": "账户“{name}”已有发送记录，为保留历史记录，不能删除。",
    "The history file {path} is damaged or is not an smsdesk database.": "历史记录文件 {path} 已损坏，或不是 smsdesk 的数据库。",
    "The history file {path} was written by a newer version of smsdesk. Install the newer version to open it; nothing was changed.": "历史记录文件 {path} 由更新版本的 smsdesk 创建。请安装新版本后再打开；文件未作任何改动。",
    "The password store could not be read: {reason}": "无法读取系统密码库：{reason}",
    "The password store refused to save the secret: {reason}": "系统密码库拒绝保存密钥：{reason}",
    "The recipient list no longer exists.": "该名单已不存在。",
    "There is no account named “{name}”.": "没有名为“{name}”的账户。",
    "There is no recipient list named “{name}”.": "没有名为“{name}”的名单。",
    "There is no template named “{name}”.": "没有名为“{name}”的模板。",
    "This computer has no password store (keyring) smsdesk can use, so account secrets cannot be saved safely. Install or unlock one (e.g. GNOME Keyring or KWallet) and try again.": "这台电脑没有可供 smsdesk 使用的系统密码库，无法安全保存账户密钥。请安装或解锁一个密码库（如 GNOME 密钥环或 KWallet）后重试。",
}
