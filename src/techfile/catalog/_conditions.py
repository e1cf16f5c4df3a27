"""Conditions over facts, evaluated in three-valued logic.

A legal test may not be decidable yet: the fact it reads was not given. Evaluation therefore
returns TRUE, FALSE or UNKNOWN together with the names of the missing facts, combined with
Kleene's rules (a FALSE member settles ``all_of`` whatever else is unknown). The rules engine
turns UNKNOWN into questions instead of guessing.

Combinators fail closed: an empty ``all_of`` or ``any_of`` cannot be built (STYLE C6).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Final, Self, TypeAlias

__all__ = [
    "MISSING",
    "AllOf",
    "AnyOf",
    "Condition",
    "Contains",
    "Equals",
    "FactValue",
    "In",
    "IsSet",
    "Missing",
    "Not",
    "Outcome",
    "Truth",
    "condition_to_data",
    "evaluate",
    "fact_names",
]


class Missing:
    """The type of `MISSING`: a fact that was not given at all."""

    _instance: Missing | None = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance  # type: ignore[return-value]  # the one instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = Missing()
"""Marks a fact that was not given, as opposed to one given as null."""

FactValue: TypeAlias = bool | str | frozenset[str] | Missing | None
"""What a fact can hold: a bool, an enum value (a str), null, a set of trigger names, or MISSING."""


class Truth(Enum):
    """A three-valued truth."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of evaluating a condition."""

    truth: Truth
    """TRUE, FALSE or UNKNOWN."""
    missing: frozenset[str] = field(default_factory=frozenset)
    """The facts whose absence makes the result UNKNOWN (empty unless UNKNOWN)."""


@dataclass(frozen=True, slots=True)
class Equals:
    """The fact equals the value (an explicit null equals only null)."""

    fact: str
    """Fact name."""
    value: bool | str | None
    """Expected value."""


@dataclass(frozen=True, slots=True)
class In:
    """The fact is one of the values."""

    fact: str
    """Fact name."""
    values: frozenset[bool | str | None]
    """Accepted values."""


@dataclass(frozen=True, slots=True)
class Contains:
    """The fact (a set of names) contains the value."""

    fact: str
    """Fact name of a set-valued fact."""
    value: str
    """The member looked for."""


@dataclass(frozen=True, slots=True)
class IsSet:
    """The fact was given and is not null (``expected`` False inverts the test)."""

    fact: str
    """Fact name."""
    expected: bool = True
    """Whether the fact should be set."""


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every member holds."""

    members: tuple[Condition, ...]
    """At least one condition."""

    def __post_init__(self) -> None:
        if not self.members:
            msg = "all_of needs at least one condition"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one member holds."""

    members: tuple[Condition, ...]
    """At least one condition."""

    def __post_init__(self) -> None:
        if not self.members:
            msg = "any_of needs at least one condition"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Not:
    """The member does not hold."""

    member: Condition
    """The negated condition."""


Condition = Equals | In | Contains | IsSet | AllOf | AnyOf | Not
"""A condition over named facts."""

Lookup = Callable[[str], FactValue]


def _leaf(condition: Equals | In | Contains | IsSet, lookup: Lookup) -> Outcome:
    value = lookup(condition.fact)
    if isinstance(value, Missing):
        return Outcome(Truth.UNKNOWN, frozenset({condition.fact}))
    match condition:
        case Equals(_, expected):
            holds = value == expected and isinstance(value, bool) == isinstance(expected, bool)
        case In(_, values):
            holds = value in values
        case Contains(_, member):
            holds = isinstance(value, frozenset) and member in value
        case IsSet(_, expected):
            holds = (value is not None) == expected
    return Outcome(Truth.TRUE if holds else Truth.FALSE)


def evaluate(condition: Condition, lookup: Lookup) -> Outcome:  # noqa: PLR0911  # Kleene cases
    """Evaluate a condition against facts in three-valued logic.

    Args:
        condition: The condition.
        lookup: Returns a fact's value, or `MISSING`.

    Returns:
        The truth and, when UNKNOWN, the facts that would settle it.
    """
    match condition:
        case AllOf(members):
            outcomes = [evaluate(m, lookup) for m in members]
            if any(o.truth is Truth.FALSE for o in outcomes):
                return Outcome(Truth.FALSE)
            return _unknown_or(outcomes, Truth.TRUE)
        case AnyOf(members):
            outcomes = [evaluate(m, lookup) for m in members]
            if any(o.truth is Truth.TRUE for o in outcomes):
                return Outcome(Truth.TRUE)
            return _unknown_or(outcomes, Truth.FALSE)
        case Not(member):
            inner = evaluate(member, lookup)
            if inner.truth is Truth.UNKNOWN:
                return inner
            return Outcome(Truth.FALSE if inner.truth is Truth.TRUE else Truth.TRUE)
        case _:
            return _leaf(condition, lookup)


def _unknown_or(outcomes: list[Outcome], settled: Truth) -> Outcome:
    missing = frozenset().union(*(o.missing for o in outcomes if o.truth is Truth.UNKNOWN))
    if missing:
        return Outcome(Truth.UNKNOWN, missing)
    return Outcome(settled)


def fact_names(condition: Condition) -> Iterator[str]:
    """Yield every fact name a condition reads (for cross-reference checks)."""
    match condition:
        case Equals(fact) | In(fact) | Contains(fact) | IsSet(fact):
            yield fact
        case AllOf(members) | AnyOf(members):
            for member in members:
                yield from fact_names(member)
        case Not(member):
            yield from fact_names(member)


def condition_to_data(condition: Condition) -> dict[str, object]:  # noqa: PLR0911  # per form
    """Return a condition in the plain form the data files use (inverse of parsing)."""
    match condition:
        case Equals(fact, value):
            return {"fact": fact, "equals": value}
        case In(fact, values):
            return {"fact": fact, "in": sorted(values, key=repr)}
        case Contains(fact, value):
            return {"fact": fact, "contains": value}
        case IsSet(fact, expected):
            return {"fact": fact, "is_set": expected}
        case AllOf(members):
            return {"all_of": [condition_to_data(m) for m in members]}
        case AnyOf(members):
            return {"any_of": [condition_to_data(m) for m in members]}
        case Not(member):
            return {"not": condition_to_data(member)}
