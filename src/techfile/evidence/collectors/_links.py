"""Requirement ids as artefacts write them: in test names, JUnit properties and options.

An id names a catalog entry, e.g. ``MDR.AI.17.2``, ``AIA.15.1`` or
``MDCG2019-16.security-testing``. This module only recognises their shape; whether an id exists
in the catalog is for ``techfile.assess`` to decide, against the catalog it loaded.

Rules enforced: an id never ends in a dot (``MDR.AI.17.2.`` at the end of a sentence names
``MDR.AI.17.2``), and ids joined by pytest's parameter separator ``-`` stay apart
(``test_x[AIA.15.1-MDR.AI.17.2]`` names both), because a hyphen followed by another id's prefix
ends the first id.
"""

from __future__ import annotations

import re

__all__ = ["REQUIREMENT_ID", "ids_in_brackets", "split_id_list"]

_PREFIX = r"(?:MDR|IVDR|AIA|MDCG2019-16|SOTA)"
# The prefixes of the catalog's legal sources (catalog/data/requirements/*.yaml). The body may
# hold hyphens (MDCG2019-16.foreseeable-misuse) but never "-" followed by another id's prefix.
REQUIREMENT_ID = re.compile(rf"\b{_PREFIX}\.(?:(?!-{_PREFIX}\.)[A-Za-z0-9.-])*[A-Za-z0-9]")
"""One requirement id, found anywhere in a text (use ``fullmatch`` to check a whole value)."""

_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_LIST_SEPARATOR = re.compile(r"[\s,]+")


def ids_in_brackets(text: str) -> list[str]:
    """Return the requirement ids written inside square brackets, in order of appearance.

    pytest writes parameter ids in brackets (``test_x[AIA.15.1-MDR.AI.17.2]``), which is where
    a parametrised test names the requirements it verifies.
    """
    return [
        match.group(0)
        for bracketed in _BRACKETS.findall(text)
        for match in REQUIREMENT_ID.finditer(bracketed)
    ]


def split_id_list(value: str) -> tuple[list[str], list[str]]:
    """Split a space- or comma-separated list of ids into well-formed ids and rejects.

    Returns:
        The tokens that are requirement ids, and the tokens that are not, each in order.
    """
    good: list[str] = []
    bad: list[str] = []
    for token in _LIST_SEPARATOR.split(value.strip()):
        if not token:
            continue
        (good if REQUIREMENT_ID.fullmatch(token) else bad).append(token)
    return good, bad
