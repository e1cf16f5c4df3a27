"""YAML documents that remember where every value came from, and validation that says where.

Everything techfile reads from YAML (the manifest, the law-as-data files) goes through here, so
that bad input always gets a message naming file, line, column and field, what was expected
and what was found, never a traceback. PyYAML parses (no home-made YAML), pydantic validates
(no home-made schema checks); this module only joins pydantic's error paths to PyYAML's marks.

Rules enforced: one document per file; a mapping at the top; no duplicate keys (PyYAML would
silently keep the last one).
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from techfile.errors import InputError, LocatedInputError, Location

__all__ = ["LocatedDocument", "load_yaml", "parse_yaml", "validate"]

M = TypeVar("M", bound=BaseModel)
# libyaml's parser, when PyYAML was built with it, reads large catalogs three times faster; its
# messages are terser (no alias names), so user input keeps the pure-Python parser.
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FOUND_LIMIT = 60


@dataclass(frozen=True, slots=True)
class LocatedDocument:
    """A parsed YAML document and the node tree that locates its values."""

    path: Path | None
    """Where it was read from (None for text given directly)."""
    data: object
    """The plain Python value (dicts, lists, scalars)."""
    root: yaml.Node | None
    """PyYAML's node tree, carrying line and column marks."""

    def locate(self, loc: tuple[str | int, ...]) -> Location:
        """Return the place of the value at ``loc``, or of its nearest existing parent.

        The last key of ``loc`` is located at the key itself, so an unknown or misspelt key is
        reported on its own line.
        """
        node = self.root
        mark = node.start_mark if node is not None else None
        for depth, part in enumerate(loc):
            child = _child(node, part, key_itself=depth == len(loc) - 1)
            if child is None:
                break
            node = child
            mark = child.start_mark
        if mark is None:
            return Location(self.path, 1, 1)
        return Location(self.path, mark.line + 1, mark.column + 1)


def _child(node: yaml.Node | None, part: str | int, *, key_itself: bool) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key if key_itself else value
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        child: yaml.Node = node.value[part]
        return child
    return None


def load_yaml(path: Path, *, fast: bool = False) -> LocatedDocument:
    """Read and parse one YAML file (``fast``: with libyaml, for large trusted data files).

    Raises:
        InputError: The file cannot be read or is not valid YAML (located where known).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise InputError(f"{path}: no such file") from e
    except IsADirectoryError as e:
        raise InputError(f"{path}: is a directory, expected a YAML file") from e
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror})") from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise LocatedInputError(
            Location(path, line, column),
            f"the file is not UTF-8 text (byte 0x{data[e.start]:02x})",
            hint="save it as UTF-8",
        ) from e
    return parse_yaml(text, path, fast=fast)


def parse_yaml(text: str, path: Path | None = None, *, fast: bool = False) -> LocatedDocument:
    """Parse YAML text into a located document.

    Raises:
        LocatedInputError: The text is not one valid YAML document without duplicate keys.
    """
    loader: yaml.SafeLoader | None = None
    try:
        loader = _FAST_LOADER(text) if fast else yaml.SafeLoader(text)
        root = loader.get_single_node()
        _reject_duplicate_keys(root, path)
        data = _construct(loader, root, path)
    except yaml.MarkedYAMLError as e:
        where = _syntax_location(e, text, path)
        problem = " ".join(p for p in (e.context, e.problem) if p) or "invalid YAML"
        raise LocatedInputError(
            where, f"YAML syntax error: {problem}", hint="check indentation, colons and quotes"
        ) from e
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        raise LocatedInputError(
            Location(path, line, column),
            f"the file contains a character YAML does not allow ({chr(e.character)!r})"
            if isinstance(e.character, int)
            else "the file contains a character YAML does not allow",
            field=_field_at(text, e.position),
            hint="remove control characters",
        ) from e
    except yaml.YAMLError as e:
        raise LocatedInputError(Location(path), f"YAML error: {e}") from e
    except RecursionError as e:
        raise LocatedInputError(Location(path), "the YAML document is nested too deeply") from e
    finally:
        if loader is not None:
            loader.dispose()
    return LocatedDocument(path, data, root)


def _syntax_location(e: yaml.MarkedYAMLError, text: str, path: Path | None) -> Location:
    mark = e.problem_mark or e.context_mark
    # An unclosed quote or bracket is found at the end of the stream, past the last line:
    # the place where the construct opened is the useful one.
    if e.context_mark is not None and (mark is None or mark.line >= text.count("\n")):
        mark = e.context_mark
    return Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)


def _construct(loader: yaml.SafeLoader, root: yaml.Node | None, path: Path | None) -> object:
    """Build Python values; a scalar PyYAML cannot convert is reported at its own line."""
    if root is None:
        return None
    try:
        return loader.construct_document(root)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as e:
        bad = _first_unconstructible(root)
        mark = bad.start_mark if bad is not None else root.start_mark
        value = f" {bad.tag.rsplit(':', 1)[-1]} {bad.value!r}" if bad is not None else ""
        raise LocatedInputError(
            Location(path, mark.line + 1, mark.column + 1),
            f"invalid value{value}: {e}",
            field=_path_to(root, bad) if bad is not None else None,
            hint="quote the value to keep it as text",
        ) from e


def _path_to(root: yaml.Node, target: yaml.Node) -> str | None:
    """The dotted field path of a node within the tree (None if not found)."""
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return ".".join(path) or None
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack += [(v, (*path, str(k.value))) for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(v, (*path, str(i))) for i, v in enumerate(node.value)]
    return None


def _field_at(text: str, position: int) -> str | None:
    """The field whose value holds ``position``, read from a copy without bad characters."""
    printable = "".join(c if c.isprintable() or c in "\n\t" else " " for c in text)
    try:
        root = yaml.compose(printable, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    best: yaml.Node | None = None
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if node.start_mark.index <= position <= node.end_mark.index:
            best = node
        if isinstance(node, yaml.MappingNode):
            stack.extend(v for _, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return _path_to(root, best) if root is not None and best is not None else None


def _first_unconstructible(root: yaml.Node) -> yaml.ScalarNode | None:
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(node, deep=True)
            except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
                return node
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def _reject_duplicate_keys(root: yaml.Node | None, path: Path | None) -> None:
    seen_nodes: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue  # an alias: the same node again
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        mark = key.start_mark
                        raise LocatedInputError(
                            Location(path, mark.line + 1, mark.column + 1),
                            f"duplicate key '{key.value}'",
                            field=key.value,
                            hint="each key may appear once in a mapping; remove or merge one",
                        )
                    keys.add(key.value)
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def validate(model: type[M], document: LocatedDocument, *, prefix: tuple[str, ...] = ()) -> M:
    """Validate a document (or the part of it under ``prefix``) against a pydantic model.

    Raises:
        LocatedInputError: The first problem, located, with the others in ``.more``.
    """
    data: object = document.data
    for part in prefix:
        data = data.get(part) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        where = document.locate(prefix)
        raise LocatedInputError(
            where,
            "expected a mapping of keys to values",
            field=".".join(prefix) or None,
            found=_describe(data),
        )
    try:
        return model.model_validate(data)
    except ValidationError as e:
        # An unknown key is usually a misspelt one, which also makes a key "missing": report the
        # misspelling first, then the rest in file order.
        details = sorted(
            _without_union_tags(e.errors(), data),
            key=lambda err: (err["type"] != "extra_forbidden", len(err["loc"])),
        )
        errors = [_located(model, document, prefix, err) for err in details]
        first = errors[0]
        first.more = tuple(errors[1:])
        raise first from e
    except RecursionError as e:
        raise LocatedInputError(document.locate(prefix), "the document refers to itself") from e


def _document_loc(loc: tuple[object, ...], data: object, kind: str) -> tuple[object, ...]:
    """``loc`` without the union member names pydantic inserts (``groups.list[str].0``)."""
    kept: list[object] = []
    for depth, part in enumerate(loc):
        last_missing = kind == "missing" and depth == len(loc) - 1
        if isinstance(data, dict) and (part in data or last_missing or part == "[key]"):
            kept.append(part)
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            kept.append(part)
            data = data[part]
        elif not isinstance(part, str):
            kept.append(part)  # nothing to walk into: keep the rest as pydantic gives it
            data = None
    return tuple(kept)


def _without_union_tags(errors: list[Any], data: object) -> list[Any]:
    """Errors located in the document's own keys, one per place.

    A value that matches no member of a union (``true | 3 | "text" | [...]``) gets one error
    per member, each under the member's name. Where one member got further into the value (a
    list whose item is wrong), its deeper error is the useful one; otherwise the members'
    expectations are joined into one ``expected ... or ...``.
    """
    kept: list[Any] = []
    tagged: list[Any] = []
    for err in errors:
        loc = _document_loc(tuple(err["loc"]), data, err["type"])
        (tagged if len(loc) < len(err["loc"]) else kept).append({**err, "loc": loc})
    locs = {err["loc"] for err in tagged}
    merged: dict[tuple[object, ...], Any] = {}
    for err in tagged:
        if any(len(o) > len(err["loc"]) and o[: len(err["loc"])] == err["loc"] for o in locs):
            continue  # another member of the union got further into the value
        first = merged.get(err["loc"])
        if first is None:
            merged[err["loc"]] = err
        else:
            both = f"{_expected(first)} or {_expected(err)}"
            merged[err["loc"]] = {**first, "type": "union", "msg": both, "ctx": None}
    return kept + list(merged.values())


def _located(
    model: type[BaseModel],
    document: LocatedDocument,
    prefix: tuple[str, ...],
    err: Any,  # noqa: ANN401  # pydantic's ErrorDetails is a TypedDict of loose values
) -> LocatedInputError:
    # pydantic adds "[key]" after a dict key that failed validation: point at the key itself.
    loc = tuple(p for p in err["loc"] if isinstance(p, str | int) and p != "[key]")
    full = prefix + loc
    where = document.locate(full)
    field = ".".join(str(p) for p in full)
    kind = err["type"]
    if kind == "extra_forbidden":
        known = sorted(_fields_at(model, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        return LocatedInputError(where, f"unknown key '{loc[-1]}'", field=field, hint=hint)
    if kind == "missing":
        # Point at the mapping's own key (e.g. "manufacturer:"), not at its first entry.
        where = document.locate(full[:-1]) if len(full) > 1 else where
        return LocatedInputError(where, "required key is missing", field=field)
    expected = _expected(err)
    return LocatedInputError(
        where,
        "invalid value",
        field=field,
        expected=expected,
        found=_describe(err.get("input")),
        hint=_hint(kind, err.get("input")),
    )


def _expected(err: Any) -> str:  # noqa: ANN401  # see _located
    ctx = err.get("ctx") or {}
    if "expected" in ctx:
        return f"one of {ctx['expected']}"
    message = str(err["msg"])
    for lead in ("Input should be ", "Value error, ", "Assertion failed, "):
        message = message.removeprefix(lead)
    return message


def _hint(kind: str, value: object) -> str | None:
    if kind.startswith("string") and isinstance(value, int | float | bool):
        return "put the value in quotes to make it text"
    if kind.startswith("bool"):
        return "write true or false"
    return None


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= _FOUND_LIMIT else text[: _FOUND_LIMIT - 3] + "..."


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> set[str]:
    """Return the keys the model accepts at ``loc`` (for "did you mean" hints)."""
    current: object = model
    for part in loc:
        current = _unwrap(current, part)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return {info.alias or name for name, info in current.model_fields.items()}
    return set()


def _unwrap(annotation: object, part: str | int) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        info = annotation.model_fields.get(part) if isinstance(part, str) else None
        # A list index or a mapping key keeps us on the element's model.
        return _first_model(info.annotation) if info else annotation
    return _first_model(annotation)


def _first_model(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _first_model(arg)
        if found is not None:
            return found
    return None
