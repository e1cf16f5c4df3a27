"""pydantic models shared by every law-as-data file: the source header and the condition language.

They validate YAML (unknown keys rejected) and build the frozen domain values of
``_conditions`` and ``_source``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from techfile.catalog._conditions import (
    AllOf,
    AnyOf,
    Condition,
    Contains,
    Equals,
    In,
    IsSet,
    Not,
)
from techfile.catalog._source import Amendment, Source

__all__ = ["AmendmentModel", "ConditionModel", "SourceModel", "StrictModel"]


class StrictModel(BaseModel):
    """Base of the data-file models: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ConditionModel(StrictModel):
    """A condition as written in YAML: exactly one form per mapping."""

    fact: str | None = None
    equals: bool | str | None = None
    in_: list[bool | str | None] | None = Field(default=None, alias="in")
    contains: str | None = None
    is_set: bool | None = None
    all_of: list[ConditionModel] | None = Field(default=None, min_length=1)
    any_of: list[ConditionModel] | None = Field(default=None, min_length=1)
    not_: ConditionModel | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> ConditionModel:
        tests = {"equals", "in_", "contains", "is_set"} & self.model_fields_set
        groups = {"all_of", "any_of", "not_"} & self.model_fields_set
        if self.fact is not None and len(tests) == 1 and not groups:
            return self
        if self.fact is None and not tests and len(groups) == 1:
            return self
        msg = "a condition is either {fact, equals|in|contains|is_set} or one of all_of/any_of/not"
        raise ValueError(msg)

    def build(self) -> Condition:  # noqa: PLR0911  # one return per form of condition
        """Return the domain condition."""
        if self.all_of is not None:
            return AllOf(tuple(m.build() for m in self.all_of))
        if self.any_of is not None:
            return AnyOf(tuple(m.build() for m in self.any_of))
        if self.not_ is not None:
            return Not(self.not_.build())
        fact = str(self.fact)
        if self.in_ is not None:
            return In(fact, frozenset(self.in_))
        if self.contains is not None:
            return Contains(fact, self.contains)
        if self.is_set is not None:
            return IsSet(fact, expected=self.is_set)
        return Equals(fact, self.equals)


class AmendmentModel(StrictModel):
    """An amending act."""

    act: str
    in_force: dt.date
    summary: str


class SourceModel(StrictModel):
    """The header of every data file: which legal source, which version."""

    id: str
    title: str
    act: str | None = None
    kind: Literal["law", "guidance", "state_of_the_art"]
    version: str
    legal_status_as_of: dt.date
    entry_into_force: dt.date | None = None
    amended_by: list[AmendmentModel] = []

    def build(self) -> Source:
        """Return the domain source."""
        amendments = tuple(Amendment(a.act, a.in_force, a.summary) for a in self.amended_by)
        return Source(
            self.id,
            self.title,
            self.act,
            self.kind,
            self.version,
            self.legal_status_as_of,
            self.entry_into_force,
            amendments,
        )
