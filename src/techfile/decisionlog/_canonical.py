"""RFC 8785 canonical JSON of the log's flat records, without the general serialiser.

Every decision and oversight record, and every tombstone, is written through here, once per
entry, so this is the log's hot path; the general ``rfc8785.dumps`` costs three times as much.
It handles exactly what the log writes: one flat object with ASCII keys and string, integer,
float or null values. ``tests/decisionlog/test_fast_paths.py`` checks with Hypothesis that
the bytes equal ``rfc8785.dumps`` for any record.
"""

from __future__ import annotations

from collections.abc import Mapping
from json.encoder import encode_basestring

import rfc8785

from techfile.decisionlog.errors import RecordError

__all__ = ["canonical_json"]


def canonical_json(fields: Mapping[str, str | int | float | None]) -> bytes:
    """Write a flat object with ASCII keys as RFC 8785 JSON, the bytes `rfc8785.dumps` writes.

    Every logged record passes through here, so it avoids the general serialiser. For such an
    object, RFC 8785 §3.2.3 key order (UTF-16 code units) is code-point order; §3.2.2.2 string
    escaping (the ECMAScript JSON.stringify one) is what ``json``'s ``encode_basestring``
    writes; numbers keep their ECMAScript form from rfc8785 (§3.2.2.3). A property test
    compares the two on arbitrary records.

    Raises:
        RecordError: A string holds a lone surrogate, or a number has no JSON form.
    """
    members: list[str] = []
    for key in sorted(fields):
        value = fields[key]
        if value is None:
            text = "null"
        elif isinstance(value, str):
            text = encode_basestring(value)
        else:
            try:
                text = rfc8785.dumps(value).decode("ascii")
            except rfc8785.CanonicalizationError as e:
                raise RecordError(f"field {key!r} has no canonical JSON form: {e}") from e
        members.append(f'"{key}":{text}')
    try:
        return ("{" + ",".join(members) + "}").encode("utf-8")
    except UnicodeEncodeError as e:  # a lone surrogate, which UTF-8 cannot hold
        raise RecordError("a record field is not valid Unicode (it holds a lone surrogate)") from e
