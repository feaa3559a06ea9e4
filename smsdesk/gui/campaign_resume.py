"""When smsdesk starts: campaigns that did not finish are offered to resume or cancel.

Each is re-checked first: numbers that opted out since are counted (they will be skipped),
promotions that would fall in quiet hours say when they will go, and an expired campaign can
only be cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smsdesk.engine.campaign_control import ResumeOffer
from smsdesk.gui.formatting import number, time_of_day
from smsdesk.storage import Store


@dataclass(frozen=True)
class ResumeChoice:
    resume: bool
    """True: send the chosen campaigns; False: cancel them."""
    campaign_ids: tuple[int, ...]


class ResumeDialog(QDialog):
    def __init__(self, parent: QWidget | None, offers: Sequence[ResumeOffer]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unfinished campaigns"))
        self.choice: ResumeChoice | None = None
        intro = QLabel(
            self.tr("These campaigns were not finished when smsdesk last closed, or their scheduled "
                    "time passed while it was closed. Nothing more goes out unless you resume them.")
        )
        intro.setWordWrap(True)
        self.listing = QListWidget()
        for offer in offers:
            item = QListWidgetItem(self.describe(offer))
            item.setData(Qt.ItemDataRole.UserRole, offer.campaign.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if offer.expired else Qt.CheckState.Checked)
            self.listing.addItem(item)
        buttons = QDialogButtonBox()
        resume = buttons.addButton(self.tr("Resume checked"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(self.tr("Cancel checked"), QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.tr("Later"), QDialogButtonBox.ButtonRole.RejectRole)
        resume.clicked.connect(lambda: self._choose(True))
        cancel.clicked.connect(lambda: self._choose(False))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.listing, 1)
        layout.addWidget(buttons)
        self.resize(620, 360)

    def describe(self, offer: ResumeOffer) -> str:
        info = offer.campaign
        queued = info.counts.get("queued", 0) + info.counts.get("inflight", 0)
        parts = [self.tr("%1: %2 messages not yet sent").replace("%1", info.name).replace("%2", number(queued))]
        if info.in_doubt:
            parts.append(self.tr("%1 in doubt").replace("%1", number(info.in_doubt)))
        if offer.opted_out_now:
            parts.append(self.tr("%1 opted out since and will be skipped").replace("%1", number(offer.opted_out_now)))
        if offer.expired:
            parts.append(self.tr("expired: can only be cancelled"))
        elif offer.waits_until is not None:
            parts.append(
                self.tr("quiet hours: waits until %1").replace("%1", time_of_day(offer.waits_until))
            )
        if info.note:
            parts.append(info.note)
        return " · ".join(parts)

    def checked(self) -> tuple[int, ...]:
        found = []
        for row in range(self.listing.count()):
            item = self.listing.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(found)

    def _choose(self, resume: bool) -> None:
        self.choice = ResumeChoice(resume, self.checked())
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, offers: Sequence[ResumeOffer]) -> ResumeChoice | None:
        """The owner's choice, or None for "later". Tests replace this."""
        dialog = cls(parent, offers)
        dialog.exec()
        return dialog.choice


def unfinished_campaigns(store: Store, left_over: Collection[int] | None = None) -> bool:
    """Recover from a crash (quick when there was none); True when there is something to offer.

    ``left_over``: the campaigns an earlier session left, when they were noted before this one
    could start any; others are not offered.
    """
    from smsdesk.engine.campaign_control import recover_after_crash

    recover_after_crash(store)
    return any(left_over is None or info.id in left_over for info in store.journal.campaigns_to_offer())


def offer_unfinished(
    parent: QWidget, store: Store, start: Callable[[int, str], None], left_over: Collection[int] | None = None
) -> ResumeChoice | None:
    """Offer what is unfinished; ``start(campaign_id, account)`` resumes one."""
    from smsdesk.engine.campaign_control import cancel_campaign, offers

    found = [o for o in offers(store) if left_over is None or o.campaign.id in left_over]
    if not found:
        return None
    choice = ResumeDialog.ask(parent, found)
    if choice is None:
        return None
    expired = {o.campaign.id for o in found if o.expired}
    names = {o.campaign.id: store.accounts.get_by_id(o.campaign.account_id).name for o in found}
    for campaign_id in choice.campaign_ids:
        if choice.resume and campaign_id not in expired:
            store.journal.reschedule(campaign_id, None)
            start(campaign_id, names[campaign_id])
        elif not choice.resume:
            cancel_campaign(store, campaign_id)
    return choice
