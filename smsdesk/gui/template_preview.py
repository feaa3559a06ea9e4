"""The preview column: one customer's message as their phone shows it, how it is billed, and what
the whole list costs.

It only displays; the pane decides which customer and computes the figures.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from smsdesk.core.segments import Encoding, count_warnings
from smsdesk.engine.templates import ListSurvey, MessagePreview
from smsdesk.gui import theme
from smsdesk.gui.formatting import money, number
from smsdesk.gui.qt_properties import set_qt_properties

JUMP_LONGEST = "longest"
JUMP_EMPTY = "empty"
JUMP_MORE = "more"

STYLE = """
#previewBubble { background: #e9f3e6; color: #1d1d1d; border-radius: 12px; padding: 10px 12px; }
#previewCounts { color: palette(text); }
#previewWarnings, #totalsDetails[alert="true"] { color: PROBLEM; }
#totalsDetails { color: palette(mid); }
#campaignTotals { font-size: 14px; font-weight: 600; }
#sendButton { background: #1a73e8; color: white; font-weight: 600; padding: 7px 22px; border-radius: 5px; }
#sendButton:disabled { background: #9bb7e0; }
"""


class PreviewPanel(QFrame):
    """Signals: ``step_requested(delta)`` for previous/next, ``jump_requested(kind)`` with one of
    ``JUMP_LONGEST``, ``JUMP_EMPTY``, ``JUMP_MORE``."""

    step_requested = Signal(int)
    jump_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("previewPanel")
        self.setStyleSheet(STYLE.replace("PROBLEM", theme.css(theme.PROBLEM)))

        heading = QLabel(self.tr("Preview"))
        heading.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.title = QLabel()
        self.title.setObjectName("previewTitle")
        self.title.setWordWrap(True)
        self.prev_button = QPushButton(self.tr("◀ Previous"))
        self.prev_button.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.clicked.connect(lambda: self.step_requested.emit(1))
        steps = QHBoxLayout()
        steps.addWidget(self.prev_button)
        steps.addWidget(self.next_button)
        steps.addStretch(1)

        self.longest_button = QPushButton()
        self.longest_button.setToolTip(self.tr("Show the customer whose message is longest."))
        self.longest_button.clicked.connect(lambda: self.jump_requested.emit(JUMP_LONGEST))
        self.empty_button = QPushButton()
        self.empty_button.setToolTip(
            self.tr("Show the next customer for whom a variable comes out empty.")
        )
        self.empty_button.clicked.connect(lambda: self.jump_requested.emit(JUMP_EMPTY))
        self.more_button = QPushButton()
        self.more_button.setToolTip(
            self.tr(
                "Show the next customer whose message needs more SMS than the first customer's."
            )
        )
        self.more_button.clicked.connect(lambda: self.jump_requested.emit(JUMP_MORE))
        jumps = QHBoxLayout()
        jumps.addWidget(QLabel(self.tr("Jump to:")))
        for button in (self.longest_button, self.empty_button, self.more_button):
            jumps.addWidget(button)
        jumps.addStretch(1)

        self.bubble = QLabel()
        self.bubble.setObjectName("previewBubble")
        self.bubble.setWordWrap(True)
        set_qt_properties(
            self.bubble, textFormat="PlainText", textInteractionFlags="TextSelectableByMouse",
            alignment="AlignLeft|AlignTop",
        )
        self.counts = QLabel()
        self.counts.setObjectName("previewCounts")
        self.warnings = QLabel()
        self.warnings.setObjectName("previewWarnings")
        self.warnings.setWordWrap(True)

        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        list_heading = QLabel(self.tr("Whole list"))
        list_heading.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.totals = QLabel()
        self.totals.setObjectName("campaignTotals")
        self.totals.setWordWrap(True)
        self.totals_details = QLabel()
        self.totals_details.setObjectName("totalsDetails")
        self.totals_details.setWordWrap(True)
        self.send_button = QPushButton(self.tr("Send…"))
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(True)
        self.send_button.setMinimumWidth(140)
        send_row = QHBoxLayout()
        send_row.addStretch(1)
        send_row.addWidget(self.send_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 4, 4, 4)
        layout.addWidget(heading)
        layout.addWidget(self.title)
        layout.addLayout(steps)
        layout.addLayout(jumps)
        layout.addSpacing(6)
        layout.addWidget(self.bubble)
        layout.addWidget(self.counts)
        layout.addWidget(self.warnings)
        layout.addStretch(1)
        layout.addWidget(rule)
        layout.addWidget(list_heading)
        layout.addWidget(self.totals)
        layout.addWidget(self.totals_details)
        layout.addLayout(send_row)
        self.set_survey(None)

    # -- one customer --------------------------------------------------------------------

    def show_customer(self, row: int, size: int, name: str, phone: str, *, opted_out: bool) -> None:
        title = self.tr("Customer %1 of %2: %3 %4")
        for n, value in enumerate((number(row + 1), number(size), name, phone), 1):
            title = title.replace(f"%{n}", value)
        if opted_out:
            title += " " + self.tr("(on the opt-out list: not sent)")
        self.title.setText(title)
        self.prev_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < size - 1)

    def show_no_customer(self) -> None:
        self.title.setText(self.tr("No customer to preview: choose a list with customers."))
        self.prev_button.setEnabled(False)
        self.next_button.setEnabled(False)

    def show_message(self, preview: MessagePreview) -> None:
        result = preview.billing
        self.bubble.setText(preview.shown or self.tr("(empty message)"))
        if result.segments == 1:
            counts = self.tr("%1 of %4 characters · 1 SMS · %3")
        else:
            counts = self.tr("%1 characters · %2 SMS of %4 each · %3")
        for key, value in (
            ("%1", str(result.length)),
            ("%2", str(result.segments)),
            ("%3", self._encoding_label(result.split.encoding)),
            ("%4", str(result.split.per_segment)),
        ):
            counts = counts.replace(key, value)
        self.counts.setText(counts)
        self.counts.setToolTip(
            self.tr("Sent as %1; the provider bills %2 SMS for this customer.")
            .replace("%1", str(result.split.encoding))
            .replace("%2", str(result.segments))
        )
        lines = list(count_warnings(result))
        if preview.empty:
            lines.append(
                self.tr("Empty for this customer: %1").replace(
                    "%1", ", ".join("{" + v + "}" for v in preview.empty)
                )
            )
        self.warnings.setText("\n".join(lines))
        self.warnings.setVisible(bool(lines))

    def _encoding_label(self, encoding: Encoding) -> str:
        """How a shop owner can read the encoding: Unicode holds fewer characters per SMS."""
        return self.tr("Unicode") if encoding is Encoding.UCS2 else self.tr("GSM characters")

    # -- the whole list ------------------------------------------------------------------

    def set_survey(self, survey: ListSurvey | None) -> None:
        """The jump buttons and totals for ``survey``; None while nothing is counted."""
        empty = len(survey.empty_rows) if survey else 0
        more = len(survey.more_segment_rows) if survey else 0
        self.longest_button.setText(self.tr("Longest message"))
        self.empty_button.setText(self.tr("Empty values (%1)").replace("%1", number(empty)))
        self.more_button.setText(self.tr("More SMS than the first (%1)").replace("%1", number(more)))
        if survey is None:
            return
        totals = survey.totals
        text = self.tr("%1 messages · %2 SMS · about %3")
        for n, value in enumerate(
            (
                number(totals.counts.messages),
                number(totals.counts.segments),
                money(totals.estimated_cost, totals.currency),
            ),
            1,
        ):
            text = text.replace(f"%{n}", value)
        self.totals.setText(text)
        details: list[str] = []
        if totals.skipped:
            details.append(
                self.tr("%1 on the opt-out list, skipped").replace("%1", number(totals.skipped))
            )
        if totals.counts.over_limit:
            details.append(
                self.tr("%1 too long for the provider").replace(
                    "%1", number(totals.counts.over_limit)
                )
            )
        if totals.counts.forced_ucs2:
            details.append(
                self.tr("%1 sent as Unicode").replace("%1", number(totals.counts.forced_ucs2))
            )
        if totals.counts.max_segments > 1:
            details.append(
                self.tr("up to %1 SMS per customer").replace("%1", str(totals.counts.max_segments))
            )
        self.totals_details.setText(" · ".join(details))
        self.totals_details.setProperty("alert", bool(totals.counts.over_limit))
        self.totals_details.style().polish(self.totals_details)

    def show_counting(self, done: int, total: int) -> None:
        if total:
            self.totals.setText(
                self.tr("Counting… %1%").replace("%1", str(min(99, done * 100 // total)))
            )
        else:
            self.totals.setText(self.tr("Counting…"))
        self.totals_details.setText("")

    def clear_totals(self) -> None:
        self.totals.setText("")
        self.totals_details.setText("")

    def set_jumps_enabled(self, enabled: bool, survey: ListSurvey | None = None) -> None:
        """Enabled when there is a list to look through; a jump the finished count shows to
        lead nowhere is disabled."""
        self.longest_button.setEnabled(enabled)
        self.empty_button.setEnabled(enabled and (survey is None or bool(survey.empty_rows)))
        self.more_button.setEnabled(enabled and (survey is None or bool(survey.more_segment_rows)))
