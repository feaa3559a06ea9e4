"""Enum-valued widget properties set by name, without touching PySide6's ``Qt`` namespace.

The first use of ``PySide6.QtCore.Qt`` builds a Python enum class for each of its ninety-odd
enums: 15–25 ms on a small machine, a sixth of an empty window's start-up.  The widgets built
before the first paint set the few such properties they need through Qt's property system,
which takes enum keys as text (``"AlignLeft|AlignTop"``); everything built later uses ``Qt``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


def set_qt_properties(target: QObject, **values: str) -> None:
    """``set_qt_properties(label, textFormat="PlainText")``; a wrong name or key raises."""
    for name, value in values.items():
        if not target.setProperty(name, value):
            raise ValueError(f"{type(target).__name__}.{name} does not accept {value!r}")
