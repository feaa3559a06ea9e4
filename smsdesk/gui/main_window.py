"""The main window: a navigation list on the left, one pane at a time on the right."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from smsdesk import __version__, logsetup, settings
from smsdesk.gui.drops import spreadsheet_in
from smsdesk.gui.settings import app_settings
from smsdesk.gui.templates_pane import TemplatesPane
from smsdesk.storage import Store

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QPaintEvent
    from PySide6.QtWidgets import QSystemTrayIcon

    from smsdesk.gui.accounts_pane import AccountsPane
    from smsdesk.gui.campaign_scheduler import CampaignScheduler
    from smsdesk.gui.inbox_pane import InboxPane
    from smsdesk.gui.inbox_watch import InboxWatch
    from smsdesk.gui.recipients_pane import RecipientsPane
    from smsdesk.gui.sendlog_pane import SendLogPane

LIBRARIES = (
    ("PySide6-Essentials", "LGPL-3.0"), ("httpx", "BSD-3-Clause"), ("keyring", "MIT"), ("openpyxl", "MIT"),
    ("python-calamine", "MIT"), ("phonenumbers", "Apache-2.0"), ("platformdirs", "MIT"),
)


def bundled_libraries() -> list[tuple[str, str, str]]:
    """Name, installed version and licence of each library smsdesk ships with."""
    from importlib import metadata

    found = []
    for name, licence in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "?"
        found.append((name, version, licence))
    return found


NAV_STYLE = """
#navigation { border: none; outline: 0; background: palette(window); font-size: 15px; padding-top: 8px; }
#navigation::item { padding: 10px 14px; border-radius: 6px; margin: 2px 6px; }
#navigation::item:selected { background: palette(highlight); color: palette(highlighted-text); }
"""


class MainWindow(QMainWindow):
    painted = Signal()
    """Emitted once, just after the window's first paint (its panes included)."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle(self.tr("smsdesk — SMS to your customers"))
        self.setMinimumSize(QSize(960, 600))

        # Only the first pane is built before the window shows; the others are built the first
        # time they are needed, which keeps start-up close to that of an empty window.
        # The whole list is counted on a background thread once the window has been painted; on a
        # slow machine its pause before counting could otherwise end before the first paint.
        self.templates = TemplatesPane(store, count_later=True)
        self._recipients: RecipientsPane | None = None
        self._send_log: SendLogPane | None = None
        self._accounts: AccountsPane | None = None
        self._inbox: InboxPane | None = None
        self._inbox_watch: InboxWatch | None = None
        self._tray: QSystemTrayIcon | None = None
        self.setAcceptDrops(True)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(160)
        self.nav.setStyleSheet(NAV_STYLE)
        self.stack = QStackedWidget()
        # Plain text items: an item made with QListWidgetItem builds PySide6's QIcon class (its
        # overloads take icons), which nothing else needs before the first paint.
        self.nav.addItems([self.tr("Templates"), self.tr("Recipients"), self.tr("Send log"), self.tr("Accounts"),
                           self.tr("Inbox")])
        for _row in range(self.nav.count()):
            self.stack.addWidget(QWidget())
        self._place(0, self.templates)
        self.nav.currentRowChanged.connect(self._show_row)
        self.nav.setCurrentRow(0)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(self.tr("Ready"))

        # Panes talk to each other only through the window.
        self.templates.campaign_started.connect(self._campaign_started)
        # Scheduled campaigns and unfinished ones are looked at once the window has been painted.
        self._scheduler: CampaignScheduler | None = None
        self._painted = False
        self._left_over: frozenset[int] = frozenset()
        self.started_up = False
        """True once the work after the first paint is done (tests wait for it)."""
        self._quitting = False
        app = QApplication.instance()
        if app is not None:  # however the app ends, background threads end before it
            app.aboutToQuit.connect(self._shut_down)
        # The menu titles show in the first paint; their actions are added just after it.
        self._file_menu = self.menuBar().addMenu(self.tr("&File"))
        self._view_menu = self.menuBar().addMenu(self.tr("&View"))
        self._help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._restore_geometry()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """Work that can wait until the owner sees the window: the send engine's timers and questions."""
        from smsdesk.gui.campaign_resume import unfinished_campaigns

        gc.enable()  # paused by smsdesk.gui.app.main while the window loaded
        self.painted.emit()
        if self._quitting:
            return
        self.templates.surveyor.resume()
        self._fill_menus()
        logsetup.rotate_from_now()
        # What an earlier session left unfinished: nothing can have been started from this
        # window before its first paint, so these are all from before.
        self._left_over = frozenset(c.id for c in self.store.journal.campaigns_to_offer())
        _ = self.scheduler
        self.inbox_watch.start()
        self.started_up = True
        if self._left_over and unfinished_campaigns(self.store, left_over=self._left_over):
            self._offer_unfinished()

    @property
    def scheduler(self) -> CampaignScheduler:
        """Starts scheduled campaigns on time while the window is open."""
        if self._scheduler is None:
            from smsdesk.gui.campaign_scheduler import CampaignScheduler

            self._scheduler = CampaignScheduler(self.store, self)
            self._scheduler.due.connect(self._campaign_started)
            self.templates.campaign_started.connect(self._scheduler.arm)
        return self._scheduler

    def _place(self, row: int, pane: QWidget) -> None:
        placeholder = self.stack.widget(row)
        self.stack.insertWidget(row, pane)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()

    @property
    def recipients(self) -> RecipientsPane:
        if self._recipients is None:
            from smsdesk.gui.recipients_pane import RecipientsPane

            self._recipients = RecipientsPane(self.store)
            self._recipients.lists_changed.connect(self.templates.reload_lists)
            self._place(1, self._recipients)
        return self._recipients

    @property
    def send_log(self) -> SendLogPane:
        if self._send_log is None:
            from smsdesk.gui.sendlog_pane import SendLogPane

            self._send_log = SendLogPane(self.store)
            self._send_log.status_message.connect(self.statusBar().showMessage)
            self._send_log.history_replaced.connect(self._history_replaced)
            self._send_log.status_message.connect(self.notify)
            self._place(2, self._send_log)
        return self._send_log

    @property
    def accounts(self) -> AccountsPane:
        if self._accounts is None:
            from smsdesk.gui.accounts_pane import AccountsPane

            self._accounts = AccountsPane(self.store)
            self._accounts.accounts_changed.connect(self.templates.reload_accounts)
            self._place(3, self._accounts)
        return self._accounts

    @property
    def inbox_watch(self) -> InboxWatch:
        """Fetches customers' replies in the background and keeps the inbox's unread count."""
        if self._inbox_watch is None:
            from smsdesk.gui.inbox_watch import InboxWatch

            self._inbox_watch = InboxWatch(self.store, self.nav.item(4), self)
            self._inbox_watch.status_message.connect(self.statusBar().showMessage)
            self._inbox_watch.news.connect(self.statusBar().showMessage)
            self._inbox_watch.news.connect(self.notify)
        return self._inbox_watch

    @property
    def inbox(self) -> InboxPane:
        if self._inbox is None:
            from smsdesk.gui.inbox_pane import InboxPane

            self._inbox = InboxPane(self.store, self.inbox_watch)
            self._inbox.status_message.connect(self.statusBar().showMessage)
            self._inbox.unread_changed.connect(lambda _n: self.inbox_watch.recount())
            self._place(4, self._inbox)
        return self._inbox

    def _history_replaced(self) -> None:
        """A restore or an archive changed the database under every pane: read it again."""
        self.templates.reload_templates()
        self.templates.reload_lists()
        self.templates.reload_accounts()
        if self._recipients is not None:
            self._recipients.reload()
        if self._accounts is not None:
            self._accounts.reload()

    def _show_row(self, row: int) -> None:
        pane = (lambda: self.templates, lambda: self.recipients, lambda: self.send_log, lambda: self.accounts,
                lambda: self.inbox)[row]()
        self.stack.setCurrentWidget(pane)

    def _fill_menus(self) -> None:
        # Qt classes needed only once the window is up are imported where they are used.
        from PySide6.QtGui import QAction, QActionGroup, QKeySequence

        file_menu = self._file_menu
        import_action = QAction(self.tr("&Import customer list…"), self)
        import_action.setShortcut(QKeySequence("Ctrl+I"))
        import_action.triggered.connect(self._import_list)
        file_menu.addAction(import_action)
        file_menu.addSeparator()
        for label, act in (
            (self.tr("&Back up history…"), lambda: self.send_log.history.back_up()),
            (self.tr("&Restore history…"), lambda: self.send_log.history.restore()),
            (self.tr("&Archive old history…"), lambda: self.send_log.history.archive()),
        ):
            history_action = QAction(label, self)
            history_action.triggered.connect(act)
            file_menu.addAction(history_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self._view_menu
        for row, (label, key) in enumerate(
            (
                (self.tr("Templates"), "Ctrl+1"),
                (self.tr("Recipients"), "Ctrl+2"),
                (self.tr("Send log"), "Ctrl+3"),
                (self.tr("Accounts"), "Ctrl+4"),
                (self.tr("Inbox"), "Ctrl+5"),
            )
        ):
            action = QAction(label, self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _checked=False, r=row: self.nav.setCurrentRow(r))
            view_menu.addAction(action)
        view_menu.addSeparator()
        language_menu = view_menu.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        current = settings.language()
        for code, label in (("auto", self.tr("Follow the system")), ("zh_CN", "简体中文"), ("en", "English")):
            action = QAction(label, self, checkable=True)
            action.setChecked(code == current)
            action.triggered.connect(lambda _checked=False, c=code: self._choose_language(c))
            group.addAction(action)
            language_menu.addAction(action)

        help_menu = self._help_menu
        about = QAction(self.tr("&About smsdesk"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def welcome(self) -> None:
        """The guided start; its button leads to the sample message, ready to send."""
        from smsdesk.gui.welcome import WelcomeDialog

        if WelcomeDialog.ask(self):
            self.show_pane(self.templates)
            self.templates.send_button.setFocus()

    def _choose_language(self, code: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        settings.save(language=code)
        QMessageBox.information(
            self, self.tr("Language"), self.tr("The new language is used the next time smsdesk starts.")
        )

    def notify(self, message: str) -> None:
        """A desktop notification when the window is not in front (e.g. a long campaign ended)."""
        from PySide6.QtWidgets import QSystemTrayIcon

        if self.isActiveWindow() or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(self.windowIcon(), self)
        self._tray.show()
        self._tray.showMessage("smsdesk", message, QSystemTrayIcon.MessageIcon.Information, 10000)

    # -- drop a spreadsheet anywhere on the window to import it -----------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if spreadsheet_in(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = spreadsheet_in(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.show_pane(self.recipients)
            self.recipients.import_path(path)

    def show_pane(self, pane: QWidget) -> None:
        self.nav.setCurrentRow(self.stack.indexOf(pane))
        self.stack.setCurrentWidget(pane)

    def _import_list(self) -> None:
        self.show_pane(self.recipients)
        self.recipients.import_clicked()

    def _campaign_started(self, campaign_id: int, account: str) -> None:
        self.show_pane(self.send_log)
        self.send_log.start_campaign(campaign_id, account)

    def _offer_unfinished(self) -> None:
        from smsdesk.gui.campaign_resume import offer_unfinished

        offer_unfinished(self, self.store, self._campaign_started, left_over=self._left_over)

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        rows = "".join(f"<tr><td>{name}</td><td>{version}</td><td>{licence}</td></tr>" for name, version, licence in bundled_libraries())
        QMessageBox.about(
            self,
            self.tr("About smsdesk"),
            self.tr(
                "<b>smsdesk %1</b><p>Send SMS notifications and promotions to your customers "
                "through your own cloud SMS account.</p><p>Built with these libraries:</p>"
            ).replace("%1", __version__)
            + f"<table cellspacing='6'>{rows}</table>",
        )

    def _restore_geometry(self) -> None:
        settings = app_settings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 720)

    def closeEvent(self, event: QCloseEvent) -> None:
        log = self._send_log
        if log is not None and log.is_sending() and not log.confirm_stop():
            event.ignore()
            return
        self._shut_down()
        app_settings().setValue("window/geometry", self.saveGeometry())
        event.accept()

    def _shut_down(self) -> None:
        """Stop what runs in the background: sending, the report and reply pollers."""
        self._quitting = True
        if self._send_log is not None:
            self._send_log.stop()
        if self._inbox_watch is not None:
            self._inbox_watch.stop()


