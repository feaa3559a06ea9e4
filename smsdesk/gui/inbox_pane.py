"""Inbox: what customers answered, threaded with what we sent them, and the opt-out list."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from smsdesk.core.stamps import local_time
from smsdesk.gui.inbox_models import ConversationModel
from smsdesk.gui.inbox_thread import thread_html
from smsdesk.gui.inbox_watch import InboxWatch
from smsdesk.gui.optout_list import OptOutList
from smsdesk.storage import Store
from smsdesk.storage.accounts import SANDBOX_PROVIDER, Account
from smsdesk.storage.backup import database_file
from smsdesk.storage.replies import ReplyAction
from smsdesk.worker.tasks import BackgroundTask

if TYPE_CHECKING:
    from smsdesk.engine.campaign_control import SingleSendResult

SEARCH_PAUSE_MS = 250
NOTE_STYLE = "background: #fff4ce; color: #5c4400; border: 1px solid #e0c060; border-radius: 4px; padding: 6px;"
ERROR_COLOUR = "#b3261e"
LIST_STYLE = (
    "QListView::item { padding: 5px 4px; border-bottom: 1px solid palette(midlight); }"
    "QListView::item:selected { background: palette(highlight); color: palette(highlighted-text); }"
)


class InboxPane(QWidget):
    """Signals: ``unread_changed(count)`` after the owner read a thread; ``status_message(text)``
    for the window's status bar."""

    unread_changed = Signal(int)
    status_message = Signal(str)

    def __init__(self, store: Store, watch: InboxWatch | None = None) -> None:
        super().__init__()
        self.store = store
        self.watch = watch
        self.phone: str | None = None
        self.answer_task: BackgroundTask | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search a number, a name or words of a reply"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.unread_only = QCheckBox(self.tr("Unread only"))
        self.unread_only.toggled.connect(lambda _on: self.apply_filter())
        self.count = QLabel()
        self.check_button = QPushButton(self.tr("Check now"))
        self.check_button.setToolTip(self.tr("Ask the providers for new replies now."))
        self.check_button.clicked.connect(self.check_now)
        self.sandbox_button = QPushButton(self.tr("Reply as a customer…"))
        self.sandbox_button.setToolTip(
            self.tr("Open the Sandbox phone of a customer and answer as them, to try replies and opt-outs.")
        )
        self.sandbox_button.clicked.connect(self.open_sandbox_phone)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.unread_only)
        bar.addWidget(self.count)
        bar.addWidget(self.check_button)
        bar.addWidget(self.sandbox_button)

        self.model = ConversationModel(store, self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        self.list.setMinimumWidth(240)
        self.list.setStyleSheet(LIST_STYLE)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.header.setFont(font)
        self.opted_note = QLabel()
        self.opted_note.setWordWrap(True)
        self.opted_note.setStyleSheet(NOTE_STYLE)
        self.resubscribe_button = QPushButton(self.tr("Take off the opt-out list"))
        self.resubscribe_button.setToolTip(self.tr("Only when the customer asked to receive your messages again."))
        self.resubscribe_button.clicked.connect(self.resubscribe)
        note_row = QHBoxLayout()
        note_row.addWidget(self.opted_note, 1)
        note_row.addWidget(self.resubscribe_button)
        self.thread_view = QTextBrowser()
        self.thread_view.setOpenLinks(False)
        self.answer = QPlainTextEdit()
        self.answer.setPlaceholderText(self.tr("Write an answer…"))
        self.answer.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 16)
        self.send_button = QPushButton(self.tr("Send answer"))
        self.send_button.clicked.connect(self.send_answer)
        self.send_button.setDefault(True)
        self.answer_status = QLabel()
        self.answer_status.setWordWrap(True)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answer, 1)
        answer_row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addLayout(note_row)
        right_layout.addWidget(self.thread_view, 1)
        right_layout.addLayout(answer_row)
        right_layout.addWidget(self.answer_status)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.empty)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 600])

        self.poll_status = QLabel()
        self.poll_status.setObjectName("replyPollStatus")
        self.poll_status.setWordWrap(True)
        self.poll_status.setStyleSheet("color: palette(placeholder-text)")

        replies = QWidget()
        replies_layout = QVBoxLayout(replies)
        replies_layout.addLayout(bar)
        replies_layout.addWidget(splitter, 1)
        replies_layout.addWidget(self.poll_status)

        self.optouts = OptOutList(store)
        self.optouts.changed.connect(self._optouts_changed)
        self.optouts.keywords.saved.connect(lambda: self.status_message.emit(self.tr("Reply keywords saved.")))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(replies, self.tr("Replies"))
        self.tabs.addTab(self.optouts, self.tr("Opt-out list"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        if watch is not None:
            watch.arrived.connect(lambda _new, _out: self.reload())
            watch.checked.connect(self._show_poll_status)
        self.sandbox_button.setVisible(self._sandbox() is not None)
        self.apply_filter()
        self._show_poll_status()

    # -- the list of customers -------------------------------------------------------------------

    def apply_filter(self) -> None:
        self.model.set_filter(self.search.text(), self.unread_only.isChecked())
        self._after_reload()

    def reload(self) -> None:
        """Read replies and the opt-out list again, keeping the customer shown."""
        self.model.reload()
        self._after_reload()
        self.optouts.reload()

    def _after_reload(self) -> None:
        total = self.model.total()
        self.count.setText(self.tr("Customers: %1").replace("%1", f"{total:,}"))
        searching = bool(self.search.text().strip()) or self.unread_only.isChecked()
        self.empty.setText(self.tr("No reply matches."))
        self.empty.setVisible(total == 0 and searching)
        row = self.model.row_of(self.phone) if self.phone else -1
        if row < 0 and total and self.phone is None:
            row = 0
        if row >= 0:
            index = self.model.index(row, 0)
            self.list.setCurrentIndex(index)  # shows the thread: the reload left no current row
        elif self.phone is None:
            self.show_thread(None)
            if total == 0 and not searching:
                self.header.clear()
                hint = self.tr(
                    "No replies yet. When customers answer your messages, their replies appear here; "
                    "“T”, “退订” or “STOP” puts them on the opt-out list at once."
                )
                self.thread_view.setHtml(f'<p align="center" style="margin: 48px 24px; color: #6b6b6b">{hint}</p>')

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.show_thread(self.model.conversation(current.row()).phone)

    def select_phone(self, phone: str) -> bool:
        row = self.model.row_of(phone)
        if row < 0:
            return False
        self.list.setCurrentIndex(self.model.index(row, 0))
        return True

    # -- one customer's thread -------------------------------------------------------------------

    def show_thread(self, phone: str | None) -> None:
        changed = phone != self.phone
        self.phone = phone
        has = phone is not None
        for widget in (self.answer, self.send_button):
            widget.setEnabled(has)
        if changed:
            self.answer_status.clear()
        if phone is None:
            self.header.setText(self.tr("No customer chosen"))
            self.thread_view.clear()
            self.opted_note.hide()
            self.resubscribe_button.hide()
            return
        row = self.model.row_of(phone)
        name = self.model.conversation(row).name if row >= 0 else ""
        self.header.setText(f"{name} · {phone}" if name else phone)
        entry = self.store.optouts.entry(phone)
        items = self.store.replies.thread(phone)
        if entry is not None:
            since = local_time(entry.created_at)[:16]
            if entry.keyword:
                text = self.tr("On the opt-out list since %1: the customer replied “%2”.").replace("%1", since)
                text = text.replace("%2", entry.reason.strip() or entry.keyword)
            elif entry.reason.strip():
                text = self.tr("On the opt-out list since %1: %2.").replace("%1", since)
                text = text.replace("%2", entry.reason.strip())
            else:
                text = self.tr("On the opt-out list since %1.").replace("%1", since)
            text += "\n" + self.tr("Messages to this number are skipped.")
            asked = [i for i in items if not i.outgoing and i.action == ReplyAction.OPT_IN_ASKED]
            if asked:
                text += "\n" + self.tr("Since then they replied “%1”, asking to receive messages again.").replace(
                    "%1", asked[-1].text.strip()
                )
            self.opted_note.setText(text)
        self.opted_note.setVisible(entry is not None)
        self.resubscribe_button.setVisible(entry is not None)
        self.thread_view.setHtml(thread_html(items, self.tr("Keyword %1")))
        bar = self.thread_view.verticalScrollBar()
        bar.setValue(bar.maximum())
        if row >= 0 and self.model.conversation(row).unread:
            self.store.replies.mark_read(phone)
            self.model.mark_read(row)
            self.unread_changed.emit(self.store.replies.unread_count())
        self._show_account()

    def _reply_account(self) -> Account | None:
        """The account the customer last replied to: answers go back the way they came."""
        if self.phone is None:
            return None
        latest = self.store.replies.rows(phone=self.phone, limit=1)
        if latest:
            found = next((a for a in self.store.accounts.all() if a.name == latest[0].account), None)
            if found is not None:
                return found
        return self.store.accounts.default()

    def _show_account(self) -> None:
        account = self._reply_account()
        self.send_button.setToolTip(
            self.tr("Sends through %1, the account the customer replied to.").replace("%1", account.name)
            if account is not None else ""
        )

    def resubscribe(self) -> None:
        if self.phone is None:
            return
        self.store.optouts.remove(self.phone)
        self.status_message.emit(self.tr("%1 is no longer on the opt-out list.").replace("%1", self.phone))
        self._optouts_changed()

    def _optouts_changed(self) -> None:
        self.optouts.reload()
        if self.phone is not None:
            self.show_thread(self.phone)

    # -- answering -----------------------------------------------------------------------------

    def send_answer(self) -> None:
        text = self.answer.toPlainText().strip()
        phone = self.phone
        account = self._reply_account()
        if not text or phone is None or account is None or self.answer_task is not None:
            return
        self.send_button.setEnabled(False)
        self.answer_status.setStyleSheet("")
        self.answer_status.setText(self.tr("Sending to %1…").replace("%1", phone))
        database = database_file(self.store.conn)

        def job(_progress: Callable[[int, int], None], cancel: threading.Event) -> SingleSendResult:
            from smsdesk.engine.replies import answer_reply

            with Store.open(database, durable=True) as store:
                return answer_reply(store, account, phone, text, cancel=cancel)

        task = BackgroundTask(job)
        task.signals.succeeded.connect(self._answered)
        task.signals.failed.connect(self._answer_failed)
        task.signals.crashed.connect(self._answer_crashed)
        self.answer_task = task.start()

    def _answered(self, result: SingleSendResult) -> None:
        self.answer_task = None
        self.send_button.setEnabled(self.phone is not None)
        if result.state in ("sent", "delivered"):
            self.answer.clear()
            self.answer_status.setStyleSheet("")
            self.answer_status.setText(self.tr("Answer sent to %1.").replace("%1", result.phone))
        else:
            self.answer_status.setStyleSheet(f"color: {ERROR_COLOUR}")
            text = self.tr("The answer to %1 was not sent").replace("%1", result.phone)
            self.answer_status.setText(text + (f": {result.detail}" if result.detail else "."))
        if self.phone == result.phone:
            self.show_thread(result.phone)

    def _answer_failed(self, message: str) -> None:
        self.answer_task = None
        self.send_button.setEnabled(self.phone is not None)
        self.answer_status.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.answer_status.setText(message)

    def _answer_crashed(self, details: str) -> None:
        from smsdesk.gui.feedback import show_crash

        self._answer_failed(self.tr("The answer could not be sent."))
        show_crash(self, details)

    # -- polling -------------------------------------------------------------------------------

    def check_now(self) -> None:
        if self.watch is not None:
            self.watch.check_now()
            self.poll_status.setText(self.tr("Checking for replies…"))

    def _show_poll_status(self) -> None:
        watch = self.watch
        if watch is None or watch.last_checked is None:
            self.poll_status.setText(self.tr("Replies are checked in the background while smsdesk is open."))
            return
        text = self.tr("Last checked for replies at %1.").replace("%1", watch.last_checked.strftime("%H:%M:%S"))
        if watch.problems:
            text += "\n" + watch.problems
        self.poll_status.setText(text)

    # -- the Sandbox -----------------------------------------------------------------------------

    def _sandbox(self) -> Account | None:
        return next((a for a in self.store.accounts.all() if a.provider == SANDBOX_PROVIDER), None)

    def open_sandbox_phone(self) -> None:
        from smsdesk.gui.sandbox_phone import SandboxPhoneDialog

        SandboxPhoneDialog.show_for(self, self.store, self.phone)
        self.check_now()
