"""The opt-out list as the owner sees it: who, the keyword and reply that put them there, and
the keyword lists themselves."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smsdesk.core.phones import normalize_phone
from smsdesk.engine.replies import save_keywords
from smsdesk.errors import UserFacingError
from smsdesk.gui.inbox_models import OptOutModel
from smsdesk.storage import Store

COLUMN_WIDTHS = (140, 90, 260, 110)


def confirm_remove(parent: QWidget, count: int) -> bool:
    """Asked before numbers leave the opt-out list; tests replace it."""
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("OptOutList", "Remove from the opt-out list"),
        QCoreApplication.translate(
            "OptOutList", "Send messages to %1 numbers again? Only do this if they asked for it."
        ).replace("%1", str(count)),
    )
    return answer == QMessageBox.StandardButton.Yes


class KeywordSettings(QGroupBox):
    """The opt-out and opt-in keywords, and whether an opt-in keyword acts on its own.

    Signals: ``saved()`` after the owner saved a valid change.
    """

    saved = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.setTitle(self.tr("Reply keywords"))
        self.store = store
        self.opt_out = QLineEdit()
        self.opt_out.setToolTip(self.tr("A reply that is exactly one of these words puts the number on the opt-out "
                                        "list at once. Separate words with commas."))
        self.opt_in = QLineEdit()
        self.opt_in.setToolTip(self.tr("A reply that is exactly one of these words asks to receive messages again."))
        self.allow_opt_in = QCheckBox(self.tr("An opt-in keyword takes the number off the opt-out list by itself"))
        self.hint = QLabel(self.tr("Case, full-width letters, spaces and punctuation do not matter (“Ｔ”, “Stop!”, "
                                   "“退订。”); a sentence that merely contains a keyword is an ordinary reply."))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text)")
        self.save_button = QPushButton(self.tr("Save keywords"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Opt-out"), self.opt_out)
        form.addRow(self.tr("Opt-in"), self.opt_in)
        row = QHBoxLayout()
        row.addWidget(self.allow_opt_in, 1)
        row.addWidget(self.status)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        keywords = self.store.replies.keywords()
        self.opt_out.setText(", ".join(keywords.opt_out))
        self.opt_in.setText(", ".join(keywords.opt_in))
        self.allow_opt_in.setChecked(keywords.opt_in_allowed)
        self.status.clear()

    def save(self) -> bool:
        try:
            keywords = save_keywords(
                self.store, self.opt_out.text(), self.opt_in.text(), opt_in_allowed=self.allow_opt_in.isChecked()
            )
        except UserFacingError as exc:
            self.status.setText(str(exc))
            self.status.setStyleSheet("color: #b3261e")
            return False
        self.opt_out.setText(", ".join(keywords.opt_out))
        self.opt_in.setText(", ".join(keywords.opt_in))
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Saved."))
        self.saved.emit()
        return True


class OptOutList(QWidget):
    """Signals: ``changed()`` when numbers were added to or removed from the list."""

    changed = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.keywords = KeywordSettings(store)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search a number, keyword or reply"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self.count = QLabel()
        self.new_number = QLineEdit()
        self.new_number.setPlaceholderText(self.tr("Number to add"))
        self.new_number.returnPressed.connect(self.add_number)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(self.add_number)
        self.remove_button = QPushButton(self.tr("Remove selected…"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.model = OptOutModel(store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        bar.addWidget(self.new_number)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keywords)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.reload()

    def reload(self) -> None:
        self.model.reload()
        self._update_count()

    def _search(self, text: str) -> None:
        self.model.set_search(text)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(self.tr("%1 numbers").replace("%1", f"{self.model.total():,}"))

    def add_number(self) -> None:
        raw = self.new_number.text().strip()
        if not raw:
            return
        result = normalize_phone(raw, "CN")
        if result.e164 is None:
            self.message.setText(self.tr("“%1” is not a valid phone number: %2").replace("%1", raw).replace("%2", result.reason or ""))
            return
        added = self.store.optouts.add(result.e164)
        self.new_number.clear()
        self.message.setText(
            (self.tr("%1 is now on the opt-out list.") if added else self.tr("%1 was already on the opt-out list."))
            .replace("%1", result.e164)
        )
        self.reload()
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows:
            self.message.setText(self.tr("Select the numbers to remove first."))
            return
        if not confirm_remove(self, len(rows)):
            return
        phones = [self.model.entry(r).phone for r in rows]
        removed = sum(self.store.optouts.remove(p) for p in phones)
        self.message.setText(self.tr("%1 numbers removed from the opt-out list.").replace("%1", str(removed)))
        self.reload()
        self.changed.emit()
