"""Exception types the project raises; the CLI and API turn them into one-line messages.

Each error carries an English message (``str(exc)``, for maintainers, logs and the CLI), a
stable English ``code`` for programs, and, where a person reads it on a page or in the API's
``detail``, a Chinese message (``exc.chinese``); ``exc.shown()`` falls back to the English one.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for errors shown to users as one line."""

    code = "assistant_error"
    chinese = ""

    def __init__(self, message: str = "", *, code: str | None = None, chinese: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if chinese is not None:
            self.chinese = chinese

    def shown(self) -> str:
        """What a person is told: the Chinese message, or the message itself where none was written."""
        return self.chinese or str(self)


class InputError(AssistantError):
    """A question, filter or option given by the user is not acceptable."""

    code = "bad_input"


class IngestError(AssistantError):
    """A source file cannot be turned into documents."""

    code = "ingest_failed"


class ModelError(AssistantError):
    """The embedding model cannot be loaded."""

    code = "model_unavailable"


class IndexMissingError(AssistantError):
    """No usable index exists at the given folder."""

    code = "index_missing"


class IndexMismatchError(AssistantError):
    """The index was built by another model, corpus or format version."""

    code = "index_mismatch"
