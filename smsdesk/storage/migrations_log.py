"""Schema steps for the send log (indexes, archive, reports). Empty until needed."""

STEPS: tuple[str, ...] = ()
