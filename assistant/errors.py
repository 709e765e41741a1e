"""Exception types the project raises; the CLI and API turn them into one-line messages."""


class AssistantError(Exception):
    """Base class for errors shown to users as one line."""


class InputError(AssistantError):
    """A question, filter or option given by the user is not acceptable."""


class IngestError(AssistantError):
    """A source file cannot be turned into documents."""


class ModelError(AssistantError):
    """The embedding model cannot be loaded."""


class IndexMissingError(AssistantError):
    """No usable index exists at the given folder."""


class IndexMismatchError(AssistantError):
    """The index was built by another model, corpus or format version."""
