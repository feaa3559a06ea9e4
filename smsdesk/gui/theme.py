"""Colours that read well on the light and on the dark theme the system chose.

Qt gives the window the system's palette (light or dark); the few colours smsdesk adds itself
(highlighted variables, message states, warnings) come in two tones, picked by the palette.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is dark."""
    if palette is None:
        palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone(light: str, dark: str, palette: QPalette | None = None) -> QColor:
    """``light`` on a light theme, ``dark`` (a lighter shade) on a dark one."""
    return QColor(dark if is_dark(palette) else light)


def brush(color: QColor) -> QBrush:
    """A solid brush of ``color``, for text formats.

    Made through a palette: ``QBrush(color)`` builds PySide6's whole ``Qt`` namespace on first
    use (see :mod:`smsdesk.gui.qt_properties`), which the editor shown at start-up avoids.
    """
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Text, color)
    return palette.text()


ACCENT = ("#1a5fb4", "#78aeed")
PROBLEM = ("#c01c28", "#ff7b72")
GOOD = ("#1b7f3b", "#5ccf7e")
WARNING = ("#a15c00", "#f0b35a")
MUTED = ("#6b6b6b", "#9a9a9a")


def css(pair: tuple[str, str]) -> str:
    """The tone of ``pair`` for a style sheet."""
    return tone(*pair).name()
