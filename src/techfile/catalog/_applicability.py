"""Which requirements apply to a device, and why the others do not.

Order of decision for each entry:
1. its source's scope (the MDR catalog only for MDR devices): out of scope sources are left out
   of the device's regime altogether, and named as such;
2. a justification written in ``techfile.yaml`` (``not_applicable:``) makes it not applicable;
3. its ``applies_when`` condition, read against the classification and the manifest's
   characteristics: FALSE makes it not applicable, with the facts that decided it as the
   justification; UNKNOWN keeps it applicable and names the facts that were assumed;
4. an entry under a not-applicable parent is not applicable for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from techfile.catalog._conditions import (
    AllOf,
    AnyOf,
    Condition,
    Contains,
    Equals,
    FactValue,
    In,
    IsSet,
    Not,
    Truth,
    evaluate,
    fact_names,
)
from techfile.catalog._requirements import Catalog, Requirement

__all__ = [
    "Applicability",
    "Applies",
    "Basis",
    "Excluded",
    "NotApplicableEntry",
    "applicability",
    "describe",
]


class Basis(StrEnum):
    """Where a not-applicable decision comes from."""

    CATALOG = "catalog"
    """The entry's condition is not met by the device's facts."""
    MANIFEST = "manifest"
    """The manufacturer's justification in ``techfile.yaml``."""
    PARENT = "parent"
    """The section it belongs to does not apply."""


@dataclass(frozen=True, slots=True)
class Applies:
    """The requirement applies to the device."""

    requirement: Requirement
    """The requirement."""
    assumed: tuple[str, ...] = ()
    """Facts not stated, so applicability was assumed (state them to decide)."""


@dataclass(frozen=True, slots=True)
class NotApplicableEntry:
    """The requirement does not apply, with the justification."""

    requirement: Requirement
    """The requirement."""
    justification: str
    """Why not."""
    basis: Basis
    """Where the decision comes from."""


@dataclass(frozen=True, slots=True)
class Excluded:
    """A whole source outside the device's regime (e.g. the IVDR for an MDR device)."""

    source_id: str
    """The source."""
    reason: str
    """Why it is out of scope."""


Applicability = Applies | NotApplicableEntry


def applicability(
    catalog: Catalog,
    lookup: Callable[[str], FactValue],
    justifications: Mapping[str, str],
) -> tuple[tuple[Applicability, ...], tuple[Excluded, ...]]:
    """Decide, for every requirement in scope, whether it applies.

    Args:
        catalog: The requirements.
        lookup: The device's facts (classification and characteristics); `MISSING` if unknown.
        justifications: Requirement id -> the manufacturer's not-applicable justification.

    Returns:
        The decisions for every in-scope requirement, and the sources out of scope.
    """
    excluded: list[Excluded] = []
    in_scope: set[str] = set()
    for source in catalog.sources:
        scope = catalog.scopes.get(source.id)
        if scope is not None and evaluate(scope, lookup).truth is Truth.FALSE:
            excluded.append(Excluded(source.id, f"{source.title}: {describe(scope, lookup)}"))
        else:
            in_scope.add(source.id)
    decisions: dict[str, Applicability] = {}
    for requirement in catalog:
        if requirement.source_id not in in_scope:
            continue
        decisions[requirement.id] = _decide(requirement, lookup, justifications, decisions)
    return tuple(decisions.values()), tuple(excluded)


def _decide(
    requirement: Requirement,
    lookup: Callable[[str], FactValue],
    justifications: Mapping[str, str],
    decided: Mapping[str, Applicability],
) -> Applicability:
    if requirement.id in justifications:
        return NotApplicableEntry(requirement, justifications[requirement.id], Basis.MANIFEST)
    parent = decided.get(requirement.parent) if requirement.parent else None
    if isinstance(parent, NotApplicableEntry):
        reason = f"Section {parent.requirement.id} does not apply: {parent.justification}"
        return NotApplicableEntry(requirement, reason, Basis.PARENT)
    if requirement.applies_when is None:
        return Applies(requirement)
    result = evaluate(requirement.applies_when, lookup)
    if result.truth is Truth.FALSE:
        return NotApplicableEntry(
            requirement, describe(requirement.applies_when, lookup), Basis.CATALOG
        )
    return Applies(requirement, tuple(sorted(result.missing)))


def describe(condition: Condition, lookup: Callable[[str], FactValue]) -> str:
    """Say in words what a condition requires and what the device's facts are."""
    facts = sorted(set(fact_names(condition)))
    stated = ", ".join(f"{name} is {_show(lookup(name))}" for name in facts)
    return f"applies only when {_words(condition)}; for this device {stated}"


def _show(value: FactValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(value)) + "}"
    return "not stated" if value is None or not isinstance(value, str) else value


def _words(condition: Condition) -> str:  # noqa: PLR0911  # one phrase per form
    match condition:
        case Equals(fact, value):
            shown = ("true" if value else "false") if isinstance(value, bool) else value
            return f"{fact} is {shown}"
        case In(fact, values):
            return f"{fact} is one of {', '.join(sorted(str(v) for v in values))}"
        case Contains(fact, value):
            return f"{fact} includes {value}"
        case IsSet(fact, expected):
            return f"{fact} is {'stated' if expected else 'not stated'}"
        case AllOf(members):
            return " and ".join(_words(m) for m in members)
        case AnyOf(members):
            return "(" + " or ".join(_words(m) for m in members) + ")"
        case Not(member):
            return f"not ({_words(member)})"
