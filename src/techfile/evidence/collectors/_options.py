"""Checking a collector's settings (the ``options`` given in ``techfile.yaml``).

Rules enforced: unknown option names are refused, so a misspelt ``treshold`` cannot silently
leave a coverage gate at its default; each option has one type, and ``True`` is not a number.
Errors name the artefact and the option, since the options carry no line numbers of their own.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from pathlib import Path

from techfile.evidence.errors import EvidenceInputError

__all__ = ["check_names", "option_error", "optional_number", "optional_text"]

_SHOW_LIMIT = 60
"""Longest shown value, so that messages stay on one line."""


def option_error(path: Path, name: str, expected: str, found: object) -> EvidenceInputError:
    """Return the error for option ``name`` of the artefact at ``path`` holding a bad value."""
    return EvidenceInputError(f"{path}: option '{name}': expected {expected}, found {_show(found)}")


def check_names(options: Mapping[str, object], allowed: Collection[str], path: Path) -> None:
    """Refuse option names the collector does not know.

    Raises:
        EvidenceInputError: An option is unknown (with the closest known name, if any).
    """
    for name in options:
        if name in allowed:
            continue
        close = difflib.get_close_matches(str(name), sorted(allowed), n=1)
        known = ", ".join(sorted(allowed)) or "none"
        hint = f"did you mean '{close[0]}'? " if close else ""
        msg = f"{path}: unknown option '{name}'; {hint}known options: {known}"
        raise EvidenceInputError(msg)


def optional_text(options: Mapping[str, object], name: str, path: Path) -> str | None:
    """Return option ``name`` as a non-empty string, or None if it is absent.

    Raises:
        EvidenceInputError: The option is present but not a non-empty string.
    """
    if name not in options:
        return None
    value = options[name]
    if not isinstance(value, str) or not value.strip():
        raise option_error(path, name, "a non-empty string", value)
    return value.strip()


def optional_number(options: Mapping[str, object], name: str, path: Path) -> float | None:
    """Return option ``name`` as a float, or None if it is absent.

    Raises:
        EvidenceInputError: The option is present but not an int or float (bools refused).
    """
    if name not in options:
        return None
    value = options[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise option_error(path, name, "a number", value)
    return float(value)


def _show(value: object) -> str:
    text = repr(value)
    if len(text) > _SHOW_LIMIT:
        text = text[: _SHOW_LIMIT - 3] + "..."
    return f"{text} ({type(value).__name__})"
