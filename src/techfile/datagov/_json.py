"""The published JSON of ``techfile datagov --json`` and its schema (``techfile schema datagov``).

The report's dataclasses are the single source: pydantic's `TypeAdapter` dumps them and
derives the JSON Schema from the same types, with each field's docstring as its description,
so the document and its schema cannot drift apart. The same JSON, without the ``schema``
key, is the ``details`` of the evidence record and what the technical file renders.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any

from pydantic import ConfigDict, TypeAdapter

from techfile.datagov._report import DatagovReport

__all__ = ["SCHEMA_ID", "datagov_schema", "report_json"]

SCHEMA_ID = "techfile.datagov/1"
"""The name and version of the document."""


_CONFIG = ConfigDict(use_attribute_docstrings=True)


def _dataclasses(root: type) -> set[type]:
    """Every dataclass reachable from ``root`` through its fields' types."""
    found: set[type] = set()
    todo: list[object] = [root]
    while todo:
        kind = todo.pop()
        if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind not in found:
            found.add(kind)
            todo.extend(typing.get_type_hints(kind).values())
        todo.extend(typing.get_args(kind))
    return found


@functools.cache
def _adapter() -> TypeAdapter[DatagovReport]:
    # The domain dataclasses stay free of pydantic (STYLE C1): the edge tells pydantic, here,
    # to take each field's docstring as its description in the published schema.
    for kind in _dataclasses(DatagovReport):
        setattr(kind, "__pydantic_config__", _CONFIG)  # noqa: B010  # a class attribute mypy does not know
    return TypeAdapter(DatagovReport)


def report_json(report: DatagovReport) -> dict[str, Any]:
    """The report as JSON-compatible values, with its ``schema`` name first."""
    body: dict[str, Any] = _adapter().dump_python(report, mode="json")
    return {"schema": SCHEMA_ID, **body}


def datagov_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile datagov --json``."""
    schema: dict[str, Any] = _adapter().json_schema(mode="serialization")
    schema["properties"] = {"schema": {"const": SCHEMA_ID}, **schema["properties"]}
    schema["required"] = ["schema", *schema.get("required", [])]
    schema["title"] = "techfile datagov report"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    return schema
