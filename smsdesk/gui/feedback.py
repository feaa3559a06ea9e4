"""Telling the owner what happened: one sentence for known failures, folded details for bugs.

Tests replace these functions to keep modal dialogs from blocking.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from smsdesk.logsetup import log_file, redact


def show_error(parent: QWidget | None, message: str) -> None:
    QMessageBox.warning(parent, QCoreApplication.translate("Feedback", "smsdesk"), message)


def show_info(parent: QWidget | None, message: str) -> None:
    QMessageBox.information(parent, QCoreApplication.translate("Feedback", "smsdesk"), message)


def show_crash(parent: QWidget | None, details: str) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Feedback", "smsdesk"))
    box.setText(QCoreApplication.translate("Feedback", "Something went wrong inside smsdesk. Your saved data is safe."))
    box.setInformativeText(QCoreApplication.translate("Feedback", "The details were written to the log file:") + "\n" + log_file())
    box.setDetailedText(redact(details))
    box.exec()
