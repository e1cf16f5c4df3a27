"""How long jobs of the decision log report progress: to an observer passed in (STYLE E3).

The library never draws a progress bar; an audit, a scan for statistics or an append of many
records calls ``progress(done, total)`` after each chunk of entries, and the command line
turns the calls into a bar. The default observer ignores them.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "no_progress"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: ``done`` of ``total`` entries have been handled."""


def no_progress(done: int, total: int) -> None:
    """Ignore a progress report (the default observer)."""
    del done, total
