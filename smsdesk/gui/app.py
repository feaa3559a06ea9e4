"""Starting the window: language, crash handler, database, first run."""

from __future__ import annotations

import gc
import logging
import os
import sys
import traceback
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from smsdesk import __version__, i18n, paths
from smsdesk.engine.first_run import ensure_first_run
from smsdesk.errors import UserFacingError
from smsdesk.gui.formatting import use_language
from smsdesk.logsetup import setup_logging
from smsdesk.storage import Store

if TYPE_CHECKING:
    from types import TracebackType

    from PySide6.QtCore import QTranslator

log = logging.getLogger("smsdesk.gui")


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Load Qt's own and smsdesk's translations for ``language``; returns those installed.

    Each translator is a child of ``app``, which keeps it alive as long as the application.
    """
    translators: list[QTranslator] = []
    if language != "zh_CN":
        return translators  # English is the language the window is written in
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    qt_base = QTranslator(app)
    if qt_base.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_base)
        translators.append(qt_base)
    ours = QTranslator(app)
    if ours.load(str(paths.translations_dir() / f"smsdesk_{language}.qm")):
        app.installTranslator(ours)
        translators.append(ours)
    else:
        log.warning("translation for %s not found", language)
    return translators


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    log.error("unhandled exception", exc_info=(kind, value, tb))
    from smsdesk.gui.feedback import show_crash

    show_crash(None, "".join(traceback.format_exception(kind, value, tb)))


def set_window_icon(app: QApplication) -> None:
    """smsdesk's icon for every window of ``app`` (and the tray)."""
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "smsdesk.svg")))


def create_application(argv: list[str] | None = None, *, icon: bool = True) -> QApplication:
    """The application, named, translated and (unless ``icon`` is false) with its icon."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("smsdesk")
    app.setApplicationDisplayName("smsdesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("smsdesk")
    if icon:
        set_window_icon(app)
    language = i18n.current_language()
    use_language(language)
    install_translators(app, language)
    return app


def main() -> int:
    # Loading the window's modules and building the window create a great many objects and next
    # to no garbage; each burst of allocations would set off the cyclic collector, which walks
    # them all again. It waits until the window has been painted (``MainWindow`` resumes it).
    gc.disable()
    setup_logging(rotate_later=True)  # the window turns rotation on after its first paint
    # The icon (an SVG, read through Qt's icon plugin) is given once the window is painted:
    # loading it comes to about 4 ms, and the title bar shows it a frame later.
    app = create_application(icon=False)
    sys.excepthook = _excepthook
    try:
        store = Store.open()
        new_installation = ensure_first_run(store)
    except UserFacingError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "smsdesk", str(exc))
        return 1
    from smsdesk.gui.main_window import MainWindow

    window = MainWindow(store)
    window.painted.connect(lambda: set_window_icon(app))
    window.show()
    if os.environ.get("SMSDESK_EXIT_WHEN_SHOWN"):
        # Start-up measurements (the build script's cold-start figure): leave once painted.
        window.painted.connect(app.quit)
    elif new_installation:
        QTimer.singleShot(0, window.welcome)
    code = app.exec()
    store.close()
    return code
