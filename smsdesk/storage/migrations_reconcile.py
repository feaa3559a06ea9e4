"""Schema step for reconciling messages in doubt with the providers' own records.

* ``reconcile_checks``: per message in doubt that was looked for at its provider and not found
  there, when that was and what was searched, so the owner's decision can rest on it.  A message
  found at its provider leaves doubt instead (it becomes sent, with the provider's id).
"""

STEPS: tuple[str, ...] = (
    """CREATE TABLE reconcile_checks (
        message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        checked_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    )""",
    # Messages in doubt are found through messages_by_state: they are few.
)
