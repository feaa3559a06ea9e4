"""Schema steps for customers' replies: the inbox, where each account's polling stands, the
keyword settings, and why each number is on the opt-out list.

* ``replies``: one row per reply, once: ``(account_id, reply_id)`` is unique, so a reply
  fetched twice (providers may repeat them, two pollers may race) is recorded once.
  ``message_id``/``campaign_id`` thread it with the last message we had sent that number when
  it arrived; ``keyword``/``action`` say what an opt-out or opt-in keyword did.
* ``reply_cursors``: per account, the provider's cursor and when it was last asked; the cursor
  only moves in the transaction that records what it covered.
* ``reply_settings``: the keyword lists and whether an opt-in keyword may take a number off the
  opt-out list; kept in the database so the window, commands and the sending process agree.
* ``opt_outs.source`` (``reply``, ``provider``, ``manual`` or empty for older entries) and
  ``opt_outs.keyword``: the keyword that put a number on the list.
"""

STEPS: tuple[str, ...] = (
    """CREATE TABLE replies (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        reply_id TEXT NOT NULL,
        phone TEXT NOT NULL,
        text TEXT NOT NULL,
        sent_to TEXT NOT NULL DEFAULT '',
        received_at TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
        keyword TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL DEFAULT '',
        UNIQUE (account_id, reply_id)
    )""",
    "CREATE INDEX replies_by_phone ON replies(phone, received_at)",
    "CREATE INDEX replies_by_received ON replies(received_at)",
    "CREATE INDEX replies_unread ON replies(phone) WHERE read = 0",
    """CREATE TABLE reply_cursors (
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        cursor TEXT NOT NULL DEFAULT '',
        polled_at TEXT
    )""",
    """CREATE TABLE reply_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    "ALTER TABLE opt_outs ADD COLUMN source TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE opt_outs ADD COLUMN keyword TEXT NOT NULL DEFAULT ''",
)
