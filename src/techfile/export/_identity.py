"""Identifiers in the exported OSCAL documents: control ids, stable UUIDs, techfile properties.

Rules enforced here:

- a control id is the techfile requirement id lower-cased, with any character outside the
  OSCAL token alphabet replaced by ``_`` (``MDR.AI.17.2`` -> ``mdr.ai.17.2``); the mapping must
  be one-to-one over a catalog, or the export fails;
- every UUID is a version-5 UUID of a fixed techfile namespace and the content it names, so an
  export run twice gives the same bytes (OSCAL allows any RFC 4122 v4 or v5 UUID);
- properties that OSCAL does not define carry the techfile namespace (OSCAL 1.1, ``prop/@ns``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from techfile.export.errors import ExportError

__all__ = [
    "NAMESPACE",
    "PROPERTY_NS",
    "control_id",
    "control_ids",
    "one_line",
    "stable_uuid",
    "statement_id",
    "token",
]

PROPERTY_NS = "https://techfile.dev/ns/oscal"
"""The namespace of techfile's own property names (``techfile-id``, ``citation``, ...)."""

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, PROPERTY_NS)
"""The UUID namespace every exported UUID is derived from."""

# OSCAL token: an XML NCName (the pattern of trestle.oscal.common.TokenDatatype, ASCII subset).
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]")
_TOKEN_START = re.compile(r"[A-Za-z_]")


def stable_uuid(*parts: str) -> str:
    """Return the version-5 UUID of ``parts`` in the techfile namespace."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def token(text: str) -> str:
    """Return ``text`` as an OSCAL token: lower case, other characters as ``_``.

    Raises:
        ExportError: The text is empty.
    """
    if not text:
        msg = "an empty id has no OSCAL token"
        raise ExportError(msg)
    value = _NOT_TOKEN.sub("_", text.lower())
    return value if _TOKEN_START.match(value) else f"_{value}"


def control_id(requirement_id: str) -> str:
    """Return the OSCAL control id of a requirement id (``MDR.AI.17.2`` -> ``mdr.ai.17.2``).

    Raises:
        ExportError: The id is empty.
    """
    return token(requirement_id)


def control_ids(requirement_ids: Iterable[str]) -> dict[str, str]:
    """Return the control id of each requirement id, checking that no two ids map to one.

    Raises:
        ExportError: Two requirement ids differ only in case or in characters OSCAL forbids.
    """
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for rid in requirement_ids:
        cid = control_id(rid)
        if cid in seen and seen[cid] != rid:
            msg = f"requirements {seen[cid]} and {rid} both map to OSCAL control id {cid}"
            raise ExportError(msg)
        seen[cid] = rid
        mapping[rid] = cid
    return mapping


def statement_id(control: str) -> str:
    """Return the id of a control's statement part (OSCAL convention ``<control>_smt``)."""
    return f"{control}_smt"


def one_line(text: str) -> str:
    """Return ``text`` on one line without outer spaces, as an OSCAL property value must be."""
    return " ".join(text.split())
