"""The shape of the code base: layers point one way, every message is translated."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "smsdesk"
QT_LAYERS = ("gui", "worker")


def _python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_qt_is_imported_only_by_the_gui_and_the_worker_bridge() -> None:
    offenders = []
    for path in _python_files():
        layer = path.relative_to(PACKAGE).parts[0]
        if layer in QT_LAYERS:
            continue
        for name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_core_depends_on_nothing_above_it() -> None:
    above = ("smsdesk.storage", "smsdesk.providers", "smsdesk.importers", "smsdesk.engine",
             "smsdesk.cli", "smsdesk.gui", "smsdesk.worker", "smsdesk.emulator", "httpx")
    offenders = []
    for path in (PACKAGE / "core").rglob("*.py"):
        for name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.startswith(above):
                offenders.append(f"{path.name} imports {name}")
    assert offenders == []


def test_every_package_is_listed_for_installation() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")
    } | {"smsdesk.resources"}
    assert found == listed


def _tr_literals() -> list[tuple[Path, str]]:
    found = []
    for path in _python_files():
        if path.relative_to(PACKAGE).parts[0] in QT_LAYERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("tr", "core_tr")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append((path, node.args[0].value))
    return found


def test_every_core_message_has_a_chinese_translation() -> None:
    from smsdesk.locale_zh import CATALOGUE_ZH

    missing = sorted({f"{p.relative_to(ROOT)}: {text!r}" for p, text in _tr_literals() if text not in CATALOGUE_ZH})
    assert missing == []


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", text))


@pytest.mark.parametrize("language_module", ["smsdesk.locale_zh"])
def test_translations_keep_the_placeholders(language_module: str) -> None:
    from smsdesk.locale_zh import CATALOGUE_ZH

    wrong = [en for en, zh in CATALOGUE_ZH.items() if _fields(en) != _fields(zh)]
    assert wrong == []


def test_gui_strings_go_through_tr() -> None:
    """Widgets get their text from self.tr(...): no bare string literals in the common setters."""
    setter = re.compile(r"\.(setText|setWindowTitle|setPlaceholderText|setToolTip|addItem|setTitle)\(\s*[\"'][A-Za-z]")
    offenders = []
    for path in (PACKAGE / "gui").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if setter.search(line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []
