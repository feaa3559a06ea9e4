"""Schema steps for message templates (provider templates, opt-out lines). Empty until needed."""

STEPS: tuple[str, ...] = ()
