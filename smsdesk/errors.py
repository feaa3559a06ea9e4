"""The two kinds of errors.

A :class:`UserFacingError` is a known failure of the world (a broken file, a wrong password, a
full disk, a rate limit): it carries one translated sentence the owner can act on, and the UI
shows just that sentence.  Anything else is a bug and goes to the crash handler.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A failure the owner can do something about; ``str(err)`` is the translated sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
