"""Choosing how a file becomes a list: name, sheet, which column holds the phone numbers.

Opened with what detection found and the first rows of the sheet, so the owner checks the
mapping against real data; when detection is unsure it says so and asks for the phone column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smsdesk.gui import theme

if TYPE_CHECKING:
    from smsdesk.importers import FilePreview

REGIONS = ("CN", "HK", "MO", "TW", "SG", "MY", "US", "GB", "AU", "CA", "JP", "KR")


@dataclass(frozen=True)
class ImportChoice:
    name: str
    sheet: str | None
    phone_column: str | None
    name_column: str | None
    region: str
    header_row: int | None


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, preview: FilePreview, suggested_name: str) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(self.tr("Import customer list"))
        self.resize(760, 480)
        self.name = QLineEdit(suggested_name)
        self.phone = QComboBox()
        self.person = QComboBox()
        self.person.addItem(self.tr("(no name column)"), "")
        for column in preview.columns:
            self.phone.addItem(column, column)
            self.person.addItem(column, column)
        if preview.phone_column:
            self.phone.setCurrentIndex(self.phone.findData(preview.phone_column))
        self.person.setCurrentIndex(max(0, self.person.findData(preview.name_column or "")))
        self.region = QComboBox()
        for code in REGIONS:
            self.region.addItem(code, code)
        form = QFormLayout()
        form.addRow(self.tr("List name"), self.name)
        if len(preview.sheets) > 1:
            sheet_label = QLabel(self.tr("Sheet “%1” (the file has %2 sheets)").replace("%1", preview.sheet).replace("%2", str(len(preview.sheets))))
            form.addRow(self.tr("Sheet"), sheet_label)
        form.addRow(self.tr("Phone number column"), self.phone)
        form.addRow(self.tr("Name column"), self.person)
        form.addRow(self.tr("Numbers without +code are from"), self.region)

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        if not preview.confident:
            self.notice.setText(self.tr("smsdesk is not sure which column holds the phone numbers. Check the choice above against the rows below."))
            self.notice.setStyleSheet(f"color: {theme.css(theme.WARNING)}")
        else:
            self.notice.setText(
                self.tr("Header found on row %1. Every other column can be used in messages.").replace("%1", str(preview.header_row))
            )

        model = QStandardItemModel(len(preview.rows), len(preview.columns), self)
        model.setHorizontalHeaderLabels(preview.columns)
        for r, row in enumerate(preview.rows):
            for c, value in enumerate(row[: len(preview.columns)]):
                model.setItem(r, c, QStandardItem(value))
        table = QTableView()
        table.setModel(model)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.addButton(self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)

    def choice(self) -> ImportChoice:
        return ImportChoice(
            name=self.name.text().strip(),
            sheet=self.preview.sheet,
            phone_column=self.phone.currentData(),
            name_column=self.person.currentData(),
            region=str(self.region.currentData()),
            header_row=self.preview.header_row,
        )

    @classmethod
    def ask(cls, parent: QWidget | None, preview: FilePreview, suggested_name: str) -> ImportChoice | None:
        """The owner's choice, or None when cancelled; tests replace this to answer directly."""
        dialog = cls(parent, preview, suggested_name)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.choice().name:
            return None
        return dialog.choice()
