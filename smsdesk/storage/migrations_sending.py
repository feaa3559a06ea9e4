"""Schema steps for the send engine (schedules, pacing, reconciliation). Empty until needed."""

STEPS: tuple[str, ...] = ()
