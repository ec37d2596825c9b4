"""Errors the user may see. Each carries a message written for a person, not a developer."""


class SemdeskError(Exception):
    """Base class: str(error) is a plain sentence the CLI and GUI show as-is."""


class LibraryBusy(SemdeskError):
    pass


class CatalogTooNew(SemdeskError):
    pass


class CatalogDamaged(SemdeskError):
    pass


class ModelUnavailable(SemdeskError):
    pass


class ClipUnavailable(ModelUnavailable):
    """No CLIP weights could be found. Text search keeps working."""


class Cancelled(SemdeskError):
    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class SkipFile(Exception):
    """Raised by extractors/decoders: the file is recorded as skipped with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
