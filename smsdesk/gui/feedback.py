"""Telling the owner what happened: one sentence for known failures, folded details for bugs.

Tests replace these functions to keep modal dialogs from blocking.  ``QMessageBox`` is imported
when a message is shown: the window does not pay for it at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from smsdesk.logsetup import log_file, redact


def show_error(parent: QWidget | None, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(parent, QCoreApplication.translate("Feedback", "smsdesk"), message)


def show_info(parent: QWidget | None, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(parent, QCoreApplication.translate("Feedback", "smsdesk"), message)


def show_crash(parent: QWidget | None, details: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Feedback", "smsdesk"))
    box.setText(QCoreApplication.translate("Feedback", "Something went wrong inside smsdesk. Your saved data is safe."))
    box.setInformativeText(QCoreApplication.translate("Feedback", "The details were written to the log file:") + "\n" + log_file())
    box.setDetailedText(redact(details))
    box.exec()
