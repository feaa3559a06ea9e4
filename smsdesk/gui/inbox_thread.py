"""A customer's thread as the inbox shows it: what we sent on the right, what they answered on
the left, each with its time and what became of it."""

from __future__ import annotations

import html

from smsdesk.core.stamps import local_time
from smsdesk.core.states import state_label
from smsdesk.engine.replies import action_label
from smsdesk.storage.replies import ReplyAction, ThreadItem

OURS = "#d9ecff"
THEIRS = "#eeeeee"
KEYWORD = "#fff1c2"
NOTE = "#6b6b6b"
WIDE_AFTER = 36
"""Characters after which a bubble takes three quarters of the width instead of its text's."""


def _bubble(text: str, note: str, *, right: bool, colour: str) -> str:
    width = ' width="75%"' if len(text) > WIDE_AFTER or "\n" in text else ""
    align = "right" if right else "left"
    body = html.escape(text).replace("\n", "<br>")
    return (
        f'<p align="{align}" style="margin: 10px 4px 2px 4px; color: {NOTE}; font-size: small">'
        f"{html.escape(note)}</p>"
        f'<table align="{align}"{width} cellpadding="8" cellspacing="0" bgcolor="{colour}"'
        f' style="margin: 0 4px 0 4px"><tr><td style="color: #1d1d1d">{body}</td></tr></table>'
    )


def thread_html(items: list[ThreadItem], keyword_label: str) -> str:
    """The thread as rich text for a QTextBrowser; ``keyword_label`` ("Keyword %1") is translated
    by the caller."""
    parts: list[str] = []
    for item in items:
        when = local_time(item.at)[:16]
        if item.outgoing:
            note = f"{when} · {state_label(item.state)}" if item.state else when
            if item.error and item.state in ("skipped", "failed"):
                note += f" · {item.error}"
            parts.append(_bubble(item.text, note, right=True, colour=OURS))
        else:
            note = when
            colour = THEIRS
            if item.keyword:
                said = action_label(item.action)
                note += " · " + keyword_label.replace("%1", item.keyword) + (f" · {said}" if said else "")
                if item.action in (ReplyAction.OPTED_OUT, ReplyAction.OPT_IN_ASKED, ReplyAction.OPTED_IN):
                    colour = KEYWORD
            parts.append(_bubble(item.text, note, right=False, colour=colour))
    # Breathing room after the last bubble, so it never sits on the frame's edge.
    parts.append('<p style="margin-bottom: 8px"></p>')
    return "".join(parts)
