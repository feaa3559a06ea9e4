"""Every sentence the importers show has its Chinese, and the layer stays free of Qt."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path

import smsdesk
from smsdesk.locale_zh.importers import MESSAGES

PACKAGE = Path(smsdesk.__file__).parent
SOURCES = [*sorted((PACKAGE / "importers").glob("*.py")), PACKAGE / "core" / "phones.py"]


def translated_literals() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr":
                first = node.args[0]
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"tr() needs a literal in {source.name}"
                )
                found[first.value] = source
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_chinese() -> None:
    literals = translated_literals()
    assert len(literals) > 30
    missing = sorted(text for text in literals if text not in MESSAGES)
    assert missing == []


def test_catalogue_has_no_stale_entries() -> None:
    assert sorted(set(MESSAGES) - set(translated_literals())) == []


def test_placeholders_match() -> None:
    for english, chinese in MESSAGES.items():
        assert placeholders(english) == placeholders(chinese), english


def test_no_qt_in_the_importers() -> None:
    code = (
        "import sys, smsdesk.importers, smsdesk.core.phones\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
