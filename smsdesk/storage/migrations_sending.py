"""Schema steps for the send engine: request batches, waiting messages, schedules, retries.

* ``messages.batch_no``: the request a message goes out in (see :mod:`smsdesk.core.planner`);
  messages written before batches existed each get their own.
* ``messages.not_before``: a queued message waits until then (a per-number limit was hit).
* ``messages.claimed_at``: when its request was about to leave; per-recipient caps count these.
* ``campaigns.kind``: ``notification`` or ``marketing`` (quiet hours apply to marketing only).
* ``campaigns.send_at`` / ``expires_at``: a scheduled start, and a time after which nothing of
  the campaign may go out any more.
* ``campaigns.note``: why the campaign is paused or waiting, in words, for the resume offer.
* ``campaigns.retry_of``: the campaign whose failed messages this one sends again.
"""

STEPS: tuple[str, ...] = (
    "ALTER TABLE messages ADD COLUMN batch_no INTEGER",
    "ALTER TABLE messages ADD COLUMN not_before TEXT",
    "ALTER TABLE messages ADD COLUMN claimed_at TEXT",
    "ALTER TABLE campaigns ADD COLUMN kind TEXT NOT NULL DEFAULT 'notification'",
    "ALTER TABLE campaigns ADD COLUMN send_at TEXT",
    "ALTER TABLE campaigns ADD COLUMN expires_at TEXT",
    "ALTER TABLE campaigns ADD COLUMN note TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE campaigns ADD COLUMN retry_of INTEGER REFERENCES campaigns(id) ON DELETE SET NULL",
    "UPDATE messages SET batch_no = id WHERE batch_no IS NULL",
    "CREATE INDEX messages_ready ON messages(campaign_id, state, batch_no)",
    "CREATE INDEX messages_recent_by_phone ON messages(phone, claimed_at)",
    "CREATE INDEX campaigns_by_state ON campaigns(state)",
)
