"""What the window loads before its first paint, and the helpers that keep that list short.

The start-up benchmark (``python -m bench startup``) measures the time; these tests pin the
decisions behind it, in a fresh interpreter, so a stray import cannot undo them unnoticed.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from smsdesk.gui import theme
from smsdesk.gui.qt_properties import set_qt_properties


def _probe(on_paint: str) -> str:
    """A child script that starts smsdesk as the ``smsdesk`` command does and runs ``on_paint``
    (with ``window``, ``event`` and ``seen_before``) at each paint of the main window."""
    return r"""
import gc, json, sys
from smsdesk.gui import main_window
import PySide6.QtGui, PySide6.QtWidgets
from smsdesk.cli.main import main  # the `smsdesk` command without arguments
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
import PySide6.QtCore

class Probe(QObject):
    def eventFilter(self, window, event):
        if event.type() == QEvent.Type.Paint:
            seen_before = getattr(self, "seen", False)
            self.seen = True
""" + "".join(f"            {line}\n" for line in on_paint.splitlines()) + r"""
        return False

shown = main_window.MainWindow.show

def show(window):
    window.probe = Probe(window)
    window.installEventFilter(window.probe)
    shown(window)

main_window.MainWindow.show = show
sys.argv = ["smsdesk"]
code = main()
print("left", code, flush=True)
"""


FIRST_PAINT = _probe("""if not seen_before:
    print(json.dumps({
        "qt_namespace": "Qt" in PySide6.QtCore.__dict__,
        # PySide6 builds a class (and its enums) the first time Python touches it.
        "classes_built": sorted(
            name for module in (PySide6.QtGui, PySide6.QtWidgets) for name in ("QIcon", "QSizePolicy")
            if name in module.__dict__
        ),
        "collector_running": gc.isenabled(),
        "modules": sorted(sys.modules),
    }), flush=True)
    QTimer.singleShot(0, QCoreApplication.quit)""")


@pytest.fixture(scope="module")
def before_first_paint(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "SMSDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "SMSDESK_LANG": "en"}
    run = [sys.executable, "-c", FIRST_PAINT]
    subprocess.run(run, env=env, capture_output=True, text=True, timeout=120, check=True)  # first run
    out = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120, check=True)
    seen: dict[str, object] = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("{")))
    return seen


def test_the_first_paint_does_not_build_the_qt_namespace(before_first_paint: dict[str, object]) -> None:
    # Building PySide6's Qt namespace creates ninety-odd Python enums: 15-25 ms on a small machine.
    assert before_first_paint["qt_namespace"] is False


@pytest.mark.parametrize(
    "module",
    [
        "smsdesk.core.provider_api",  # the provider interface: the Sandbox needs none of it to show
        "smsdesk.providers",
        "logging.handlers",  # the log rotates from just after the first paint
        "importlib.resources",
        "smsdesk.locale_zh",  # the Chinese catalogue, in an English window
        "smsdesk.engine.campaign_control",  # the send engine loads once the window is up
        "smsdesk.gui.template_provider",  # the approved-template box: not for the Sandbox
        "smsdesk.core.approved",
        "smsdesk.engine.approved",
        "smsdesk.worker.tasks",  # the first background job starts after the first paint
        "dataclasses",  # the records read at start are named tuples: a dataclass compiles its methods
        "smsdesk.storage.migrations",  # schema upgrades load only when the database is older
        "smsdesk.cli.commands",  # the subcommands: the window needs none of them
        "httpx",
        "phonenumbers",
        "openpyxl",
    ],
)
def test_the_first_paint_leaves_out(before_first_paint: dict[str, object], module: str) -> None:
    modules = before_first_paint["modules"]
    assert isinstance(modules, list)
    assert "smsdesk.gui.templates_pane" in modules  # the probe did see the window
    assert module not in modules


def test_the_first_paint_builds_neither_the_icon_class_nor_size_policies(
    before_first_paint: dict[str, object],
) -> None:
    # QIcon's enums (ThemeIcon has 151 members) and the SVG icon plugin wait for the window icon,
    # which is set just after the first paint.
    assert before_first_paint["classes_built"] == []


ICON = _probe("""if not seen_before:
    app = QCoreApplication.instance()
    icons = []
    window.painted.connect(lambda: icons.append(not app.windowIcon().isNull()))
    window.painted.connect(lambda: print(json.dumps({"icon_set_after_paint": icons[-1]}), flush=True))
    window.painted.connect(app.quit)""")


def test_the_window_icon_is_set_once_the_window_is_painted(tmp_path: Path) -> None:
    env = {**os.environ, "SMSDESK_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "SMSDESK_LANG": "en"}
    out = subprocess.run([sys.executable, "-c", ICON], env=env, capture_output=True, text=True, timeout=120,
                         check=True)
    seen = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("{")))
    assert seen == {"icon_set_after_paint": True}


EXIT_WHEN_SHOWN = _probe('print("painted", flush=True)')


def test_the_build_scripts_start_up_figure_includes_the_first_paint(tmp_path: Path) -> None:
    # packaging/build.py times the frozen app with SMSDESK_EXIT_WHEN_SHOWN: it must leave only
    # once the window has been painted, not as soon as it was asked to show.
    env = {**os.environ, "SMSDESK_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "SMSDESK_LANG": "en", "SMSDESK_EXIT_WHEN_SHOWN": "1"}
    out = subprocess.run([sys.executable, "-c", EXIT_WHEN_SHOWN], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    lines = out.stdout.split()
    assert "painted" in lines
    assert lines[-2:] == ["left", "0"]
    assert lines.index("painted") < lines.index("left")


def test_the_collector_waits_while_the_window_loads(before_first_paint: dict[str, object]) -> None:
    assert before_first_paint["collector_running"] is False


def test_the_window_resumes_the_collector_once_painted(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    from smsdesk.gui.main_window import MainWindow

    gc.disable()  # as smsdesk.gui.app.main does
    try:
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.started_up, timeout=10000)
        assert gc.isenabled()
    finally:
        gc.enable()


def test_enum_properties_are_set_by_key_name(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel("<b>not bold</b>")
    qtbot.addWidget(label)
    set_qt_properties(
        label, textFormat="PlainText", alignment="AlignRight|AlignBottom",
        textInteractionFlags="TextSelectableByMouse",
    )
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse


def test_a_misspelt_key_or_property_is_refused(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match="textFormat"):
        set_qt_properties(label, textFormat="Plaintext")
    with pytest.raises(ValueError, match="textFormet"):
        set_qt_properties(label, textFormet="PlainText")


def test_a_brush_made_through_a_palette_is_solid_and_of_the_colour(qapp) -> None:  # type: ignore[no-untyped-def]
    brush = theme.brush(QColor("#1a5fb4"))
    assert brush.style() == Qt.BrushStyle.SolidPattern
    assert brush.color().name() == "#1a5fb4"


def test_the_preview_bubble_shows_markup_as_typed(window) -> None:  # type: ignore[no-untyped-def]
    bubble = window.templates.preview
    assert bubble.textFormat() == Qt.TextFormat.PlainText
    assert bubble.alignment() == Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop


def test_resources_are_found_from_a_checkout() -> None:
    from smsdesk import paths

    assert (paths.resources_dir() / "sample_customers.xlsx").is_file()
    assert (paths.translations_dir() / "smsdesk_zh_CN.qm").is_file()
    assert Path(paths.resources_dir()).is_absolute()
