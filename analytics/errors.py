"""The root of every error Backline raises for something a person can read and act on.

The CLI and the dashboard catch :class:`BacklineError` once, at their edge, and show its
message as one line (the CLI prefixes ``backline:`` and exits with 2); anything that is not
a ``BacklineError`` is a bug and keeps its traceback. Each part of the library derives its
own error from this root, so a caller can catch one part's errors or all of them.
"""

from __future__ import annotations


class BacklineError(Exception):
    """A problem the user can fix: the message says what is wrong and what to do."""


class FilterError(BacklineError, ValueError):
    """A selection that cannot be shown (an unknown unit or formula, a range that ends
    before it starts). Also a ``ValueError``: it is a bad argument to every analytics call."""


class CatalogError(BacklineError, ValueError):
    """An exercise mapping that cannot be saved (an unknown catalog id, a name with no
    letters or digits). Also a ``ValueError``: it is a bad argument."""
