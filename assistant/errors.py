"""Exception types the project raises; the CLI and API turn them into one-line messages.

Each error carries an English message (``str(exc)``, for maintainers, logs and the CLI), a
stable English ``code`` for programs, and, where a person reads it on a page or in the API's
``detail``, a Chinese message (``exc.chinese``); without one the web edge says the class's own.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for errors shown to users as one line."""

    code = "assistant_error"
    chinese = "服务暂时无法处理这个请求，请稍后再试。"

    def __init__(self, message: str = "", *, code: str | None = None, chinese: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if chinese is not None:
            self.chinese = chinese


class InputError(AssistantError):
    """A question, filter or option given by the user is not acceptable."""

    code = "bad_input"
    chinese = "输入的内容无法处理，请检查后再试。"


class IngestError(AssistantError):
    """A source file cannot be turned into documents."""

    code = "ingest_failed"
    chinese = "文件无法读取。"


class ModelError(AssistantError):
    """The embedding model cannot be loaded."""

    code = "model_unavailable"
    chinese = "问答服务暂时不可用：模型没有加载成功。"


class IndexMissingError(AssistantError):
    """No usable index exists at the given folder."""

    code = "index_missing"
    chinese = "问答服务暂时不可用：还没有建好文件索引。"


class IndexMismatchError(AssistantError):
    """The index was built by another model, corpus or format version."""

    code = "index_mismatch"
    chinese = "问答服务暂时不可用：文件索引需要重建。"
