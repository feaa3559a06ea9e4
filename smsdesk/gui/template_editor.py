"""The message editor: variables highlighted, problems underlined as the owner types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit

from smsdesk.core.template import check_variables, parse_template
from smsdesk.gui import theme

if TYPE_CHECKING:
    from PySide6.QtGui import QTextDocument


class VariableHighlighter(QSyntaxHighlighter):
    """Known variables in blue; unknown ones and stray braces underlined in red."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.columns: tuple[str, ...] = ()
        self._known = QTextCharFormat()
        self._known.setForeground(theme.brush(theme.tone(*theme.ACCENT)))
        self._known.setFontWeight(600)
        self._problem = QTextCharFormat()
        self._problem.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._problem.setUnderlineColor(theme.tone(*theme.PROBLEM))
        self._problem.setForeground(theme.brush(theme.tone(*theme.PROBLEM)))

    def highlightBlock(self, text: str) -> None:
        parsed = parse_template(text)
        for p in parsed.placeholders:
            self.setFormat(p.start, p.end - p.start, self._known)
        for issue in check_variables(parsed, self.columns):
            self.setFormat(issue.start, issue.end - issue.start, self._problem)


class TemplateEditor(QPlainTextEdit):
    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.highlighter = VariableHighlighter(self.document())
        self.setPlaceholderText(self.tr("Write your message. Put a column name in braces, e.g. {name}, to personalise it."))
        self.setMinimumHeight(110)

    def set_columns(self, columns: tuple[str, ...]) -> None:
        self.highlighter.columns = columns
        self.highlighter.rehighlight()

    def insert_variable(self, name: str) -> None:
        self.insertPlainText("{" + name + "}")
        self.setFocus()
