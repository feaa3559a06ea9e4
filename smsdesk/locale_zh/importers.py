"""Simplified Chinese for the importers layer."""

MESSAGES: dict[str, str] = {
    # Phone numbers (smsdesk.core.phones)
    "No phone number": "没有手机号码",
    "Not a phone number": "不是电话号码",
    "The number was saved in scientific notation (like 1.38E+10) and its last digits may be lost; format the column as text and type the number again": "号码被保存成了科学计数法（如 1.38E+10），末几位可能已丢失；请把该列设置为文本格式后重新输入号码",
    "More than one phone number in the cell; put one number per row": "一个单元格里有多个号码，请每行只填一个号码",
    "Too few digits for a phone number": "号码位数太少",
    "Too many digits for a phone number": "号码位数太多",
    "Unknown country code": "国家/地区代码无效",
    "Not a valid phone number": "号码无效",
    # Rows
    "On the opt-out list": "在退订名单中",
    "Duplicate of row {row}": "与第 {row} 行重复",
    "Column {letter}": "{letter} 列",
    "Row {row} is not in the sheet.": "工作表中没有第 {row} 行。",
    'There is no column named "{column}" in the sheet.': "工作表中没有名为“{column}”的列。",
    "smsdesk could not find a column of phone numbers in {name}. Choose the phone column yourself.": "smsdesk 在 {name} 中找不到手机号码列，请手动选择号码所在的列。",
    # Files
    "The file {name} was not found. It may have been moved, renamed or deleted.": "找不到文件 {name}，它可能已被移动、改名或删除。",
    "{name} is a folder, not a file.": "{name} 是一个文件夹，不是文件。",
    "smsdesk is not allowed to open {name}. Close it in other programs or copy it to another folder, then try again.": "smsdesk 无权打开 {name}。请在其他程序中关闭它，或把它复制到其他文件夹后重试。",
    "smsdesk could not read {name}. Copy it to this computer and try again.": "smsdesk 无法读取 {name}，请把它复制到本机后重试。",
    "The file {name} is empty.": "文件 {name} 是空的。",
    "{name} is {size} MB, more than the {limit} MB smsdesk can import. Split the list into smaller files.": "{name} 有 {size} MB，超过了 smsdesk 可导入的 {limit} MB 上限，请把名单拆分成几个较小的文件。",
    "{name} is damaged or incomplete, perhaps not fully downloaded or copied. Open it in Excel or WPS, save it again and retry.": "{name} 已损坏或不完整，可能没有完整下载或复制。请用 Excel 或 WPS 打开并重新保存后再试。",
    "{name} is protected by a password. Open it in Excel or WPS, remove the password, save it and import it again.": "{name} 设置了密码保护。请用 Excel 或 WPS 打开，取消密码并保存后再导入。",
    "{name} is not a spreadsheet smsdesk can read. Use an Excel (.xlsx or .xls), WPS, LibreOffice (.ods) or CSV file.": "{name} 不是 smsdesk 能读取的表格文件，请使用 Excel（.xlsx 或 .xls）、WPS、LibreOffice（.ods）或 CSV 文件。",
    "{name} unpacks to far more data than a customer list holds; it is damaged or made to crash programs, so smsdesk will not open it.": "{name} 解压后的数据量远超客户名单应有的大小，文件已损坏或被恶意构造，smsdesk 不会打开它。",
    "{name} is a web page saved with a spreadsheet name. Open it in Excel or WPS and save it as an .xlsx workbook.": "{name} 实际上是一个网页文件，只是用了表格的文件名。请用 Excel 或 WPS 打开，另存为 .xlsx 工作簿。",
    'The sheet "{sheet}" spans {rows} rows by {columns} columns, too large to import. Delete stray cells far away from the list, or split it into smaller files.': "工作表“{sheet}”占用了 {rows} 行 × {columns} 列，太大无法导入。请删除远离名单的零散单元格，或把名单拆分成几个较小的文件。",
    'The sheet "{sheet}" is empty.': "工作表“{sheet}”是空的。",
    "Every sheet in {name} is empty.": "{name} 中的所有工作表都是空的。",
    '{name} has no sheet named "{sheet}".': "{name} 中没有名为“{sheet}”的工作表。",
    # Text files
    "smsdesk could not tell the text encoding of {name}. Choose the encoding (for example GB18030 or UTF-8) and try again.": "smsdesk 无法识别 {name} 的文字编码，请选择编码（例如 GB18030 或 UTF-8）后重试。",
    "{name} is not valid {encoding} text. Choose another encoding.": "{name} 不是有效的 {encoding} 编码文本，请选择其他编码。",
    'Unknown text encoding "{encoding}".': "未知的文字编码“{encoding}”。",
    "{name} has a broken line near line {line}. Open it in Excel or WPS, save it again and retry.": "{name} 第 {line} 行附近的内容有误。请用 Excel 或 WPS 打开并重新保存后再试。",
    # Export of rejected rows
    "Rejected rows": "未导入的行",
    "Row in original file": "原文件行号",
    "Reason": "原因",
    "Phone": "手机号码",
    "smsdesk cannot save {name}: the file is open in another program or the folder is read-only.": "smsdesk 无法保存 {name}：文件正被其他程序打开，或文件夹是只读的。",
    "smsdesk could not save {name}. Check that the disk has free space and the folder exists.": "smsdesk 无法保存 {name}，请检查磁盘空间是否充足、文件夹是否存在。",
}
