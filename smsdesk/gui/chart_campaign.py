"""Two small charts for the campaign view, painted with QPainter (QtCharts is not shipped).

``OutcomesChart``: delivered and failed messages per interval of time, as stacked bars.
``ReasonsChart``: failed messages by reason, as horizontal bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from smsdesk.storage.campaign_stats import OutcomeMinute

DELIVERED = QColor("#2e8b57")
FAILED = QColor("#c0392b")
MAX_BARS = 48
BUCKET_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)


@dataclass(frozen=True)
class Bar:
    start: datetime
    """Local time."""
    delivered: int
    failed: int


def bucket(minutes: Sequence[OutcomeMinute]) -> tuple[list[Bar], int]:
    """Group per-minute outcomes into at most :data:`MAX_BARS` equal intervals.

    Returns the bars (empty intervals included, so time runs evenly) and their width in minutes.
    """
    if not minutes:
        return [], 1
    moments = [datetime.strptime(m.minute, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC).astimezone() for m in minutes]
    span = (moments[-1] - moments[0]).total_seconds() / 60 + 1
    width = next((b for b in BUCKET_MINUTES if span / b <= MAX_BARS), BUCKET_MINUTES[-1])
    first = moments[0].replace(second=0, microsecond=0)
    offset = (first.hour * 60 + first.minute) % width if width <= 1440 else 0
    origin = first - timedelta(minutes=offset)
    counts: dict[int, list[int]] = {}
    for moment, m in zip(moments, minutes, strict=True):
        slot = int((moment - origin).total_seconds() // (width * 60))
        pair = counts.setdefault(slot, [0, 0])
        pair[0] += m.delivered
        pair[1] += m.failed
    last = max(counts)
    bars = [
        Bar(origin + timedelta(minutes=width * slot), *counts.get(slot, [0, 0]))
        for slot in range(last + 1)
    ]
    return bars, width


class OutcomesChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.width_minutes = 1
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(480, 200)

    def set_outcomes(self, minutes: Sequence[OutcomeMinute]) -> None:
        self.bars, self.width_minutes = bucket(minutes)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        grid = QColor(text)
        grid.setAlpha(40)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        if not self.bars:
            painter.setPen(text)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter,
                             self.tr("No delivery reports yet."))
            painter.end()
            return
        top = max(b.delivered + b.failed for b in self.bars) or 1
        label_width = metrics.horizontalAdvance(str(top)) + 6
        plot = area.adjusted(label_width, line + 6, 0, -(line + 6))
        painter.setPen(text)
        painter.drawText(QRectF(area.left(), plot.top() - line / 2, label_width - 4, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(top))
        painter.drawText(QRectF(area.left(), plot.bottom() - line / 2, label_width - 4, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "0")
        painter.setPen(grid)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft(), plot.topRight())
        slot = plot.width() / len(self.bars)
        gap = min(4.0, slot * 0.2)
        painter.setPen(Qt.PenStyle.NoPen)
        for n, bar in enumerate(self.bars):
            x = plot.left() + n * slot + gap / 2
            delivered_h = plot.height() * bar.delivered / top
            failed_h = plot.height() * bar.failed / top
            painter.setBrush(DELIVERED)
            painter.drawRect(QRectF(x, plot.bottom() - delivered_h, slot - gap, delivered_h))
            painter.setBrush(FAILED)
            painter.drawRect(QRectF(x, plot.bottom() - delivered_h - failed_h, slot - gap, failed_h))
        painter.setPen(text)
        fmt = "%H:%M" if self.bars[-1].start.date() == self.bars[0].start.date() else "%m-%d %H:%M"
        first = self.bars[0].start.strftime(fmt)
        last = (self.bars[-1].start + timedelta(minutes=self.width_minutes)).strftime(fmt)
        below = QRectF(plot.left(), plot.bottom() + 4, plot.width(), line)
        painter.drawText(below, Qt.AlignmentFlag.AlignLeft, first)
        painter.drawText(below, Qt.AlignmentFlag.AlignRight, last)
        legend = [(DELIVERED, self.tr("Delivered")), (FAILED, self.tr("Failed"))]
        x = plot.left()
        for colour, label in legend:
            painter.setBrush(colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRect(QRectF(x, area.top() + 3, 10, 10))
            painter.setPen(text)
            painter.drawText(QRectF(x + 14, area.top(), metrics.horizontalAdvance(label) + 4, line),
                             Qt.AlignmentFlag.AlignVCenter, label)
            x += metrics.horizontalAdvance(label) + 30
        painter.end()


class ReasonsChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reasons: list[tuple[str, int]] = []
        self.setMinimumHeight(60)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_reasons(self, reasons: Sequence[tuple[str, int]]) -> None:
        self.reasons = list(reasons)
        metrics = QFontMetrics(self.font())
        self.setMinimumHeight(max(60, (metrics.height() + 8) * len(self.reasons) + 8))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(420, max(60, (metrics.height() + 8) * len(self.reasons) + 8))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(8, 4, -8, -4)
        if not self.reasons:
            painter.setPen(text)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.tr("No failed messages."))
            painter.end()
            return
        top = max(n for _l, n in self.reasons) or 1
        label_width = min(area.width() * 0.45, max(metrics.horizontalAdvance(label) for label, _n in self.reasons) + 12)
        count_width = metrics.horizontalAdvance(str(top)) + 10
        bar_space = max(10.0, area.width() - label_width - count_width)
        y = area.top()
        for label, n in self.reasons:
            row = QRectF(area.left(), y, label_width - 8, line + 4)
            painter.setPen(text)
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(row.width()))
            painter.drawText(row, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
            length = bar_space * n / top
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(FAILED)
            painter.drawRect(QRectF(area.left() + label_width, y + 3, max(2.0, length), line - 2))
            painter.setPen(text)
            painter.drawText(QRectF(area.left() + label_width + length + 6, y, count_width, line + 4),
                             Qt.AlignmentFlag.AlignVCenter, str(n))
            y += line + 8
        painter.end()
