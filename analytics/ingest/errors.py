"""The one exception type the import path raises for anything a user must fix."""

from ..errors import BacklineError


class IngestError(BacklineError):
    """A file Backline refuses as a whole; the message names the file and what to do."""
